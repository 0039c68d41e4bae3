import { readFileSync, readdirSync } from "fs";
import { join } from "path";
import { generateTypes } from "../../scripts/generate-types";
import { generateValidator, REGENERATE, VALIDATOR_FILE } from "../../scripts/generate-validator";

// json-schema-to-typescript loads prettier eagerly, and prettier's CommonJS entry calls import(), which jest's
// runtime refuses without --experimental-vm-modules. The generator runs with `format: false`, so prettier is
// never called: stand it in with an empty module.
jest.mock("prettier", () => ({}));

const root = join(__dirname, "..", "..");

describe("lib/generated", () => {
  let generated: Map<string, string>;
  let validator: string;
  beforeAll(async () => {
    generated = await generateTypes(root);
    validator = generateValidator(root);
  });

  it("has one generated type file per policies/*.schema.json", () => {
    const schemas = readdirSync(join(root, "policies")).filter((f) => f.endsWith(".schema.json"));
    expect([...generated.keys()].sort()).toEqual(schemas.map((s) => join("lib", "generated", s.replace(".schema.json", ".ts"))).sort());
    expect(generated.has(join("lib", "generated", "blastwall-config.ts"))).toBe(true);
    expect(generated.has(join("lib", "generated", "destroy-rights.ts"))).toBe(true);
    // The precompiled validator sits next to the type files without taking a schema's type file name.
    expect(generated.has(VALIDATOR_FILE)).toBe(false);
  });

  it("is up to date with the schemas (else run `npm run gen`)", () => {
    const stale = [...generated].filter(([rel, text]) => {
      let committed = "";
      try {
        committed = readFileSync(join(root, rel), "utf8");
      } catch {
        return true;
      }
      return committed !== text;
    });
    expect(stale.map(([rel]) => rel)).toEqual([]);
  });

  it("carries the do-not-edit banner and the titled type names", () => {
    const config = generated.get(join("lib", "generated", "blastwall-config.ts"))!;
    expect(config).toMatch(/generated, do not edit/i);
    expect(config).toContain("export interface BlastwallConfig");
    const catalogue = generated.get(join("lib", "generated", "destroy-rights.ts"))!;
    expect(catalogue).toContain("export interface DestroyRightsCatalogue");
    expect(catalogue).toContain("export interface EscalationRight");
  });

  it("has an up-to-date precompiled config validator", () => {
    let committed = "";
    try {
      committed = readFileSync(join(root, VALIDATOR_FILE), "utf8");
    } catch {
      // a missing file is stale too
    }
    if (committed !== validator) throw new Error(`${VALIDATOR_FILE} is stale: run \`${REGENERATE}\``);
    expect(validator).toMatch(/generated, do not edit/i);
    expect(validator).toContain("export const validateBlastwallConfig: BlastwallConfigValidator");
  });
});
