import { readFileSync, readdirSync } from "fs";
import { join } from "path";
import { generateTypes } from "../../scripts/generate-types";

// json-schema-to-typescript loads prettier eagerly, and prettier's CommonJS entry calls import(), which jest's
// runtime refuses without --experimental-vm-modules. The generator runs with `format: false`, so prettier is
// never called: stand it in with an empty module.
jest.mock("prettier", () => ({}));

const root = join(__dirname, "..", "..");

describe("lib/generated", () => {
  let generated: Map<string, string>;
  beforeAll(async () => {
    generated = await generateTypes(root);
  });

  it("has one generated file per policies/*.schema.json", () => {
    const schemas = readdirSync(join(root, "policies")).filter((f) => f.endsWith(".schema.json"));
    expect([...generated.keys()].sort()).toEqual(schemas.map((s) => join("lib", "generated", s.replace(".schema.json", ".ts"))).sort());
    expect(generated.has(join("lib", "generated", "blastwall-config.ts"))).toBe(true);
    expect(generated.has(join("lib", "generated", "destroy-rights.ts"))).toBe(true);
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
});
