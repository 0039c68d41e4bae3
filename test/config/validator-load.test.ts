/**
 * The config validator is precompiled (lib/generated/blastwall-config.validate.ts) so that loading a config does
 * not load the ajv compiler. load-config.test.ts holds the full set of messages; these cases pin what the
 * precompiled validator must keep providing, and that the compiler stays out.
 */
import { mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { validateBlastwallConfig } from "../../lib/generated/blastwall-config.validate";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "blastwall-validator-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

// The modules that make up ajv's compiler; the generated validator may only use ajv/dist/runtime/*.
const COMPILER = /[\\/]node_modules[\\/]ajv[\\/]dist[\\/](ajv|core)\.js$/;

/** The modules in a fresh jest registry after loading `config` from a file, and the error it threw if any. */
function loadFresh(config: unknown, extra?: () => void): { loaded: string[]; error?: string } {
  const file = join(dir, "blastwall.json");
  writeFileSync(file, JSON.stringify(config));
  let error: string | undefined;
  let loaded: string[] = [];
  jest.isolateModules(() => {
    extra?.();
    const { loadConfig } = require("../../lib/config/load-config") as typeof import("../../lib/config/load-config");
    try {
      loadConfig(file);
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
    }
    loaded = Object.keys(require.cache);
  });
  return { loaded, error };
}

describe("precompiled config validator", () => {
  it("reports errors the way describeError reads them: first problem only, with parentSchema and data", () => {
    expect(validateBlastwallConfig({ strict: "yes", agent: {} })).toBe(false);
    expect(validateBlastwallConfig.errors).toHaveLength(1);
    const [e] = validateBlastwallConfig.errors!;
    expect(e).toMatchObject({ keyword: "additionalProperties", instancePath: "", params: { additionalProperty: "agent" } });
    expect(Object.keys((e.parentSchema as { properties: object }).properties)).toContain("acknowledgements");
    expect(validateBlastwallConfig({ acknowledgements: [{ ruleId: "r", principal: "p", reason: "short" }] })).toBe(false);
    expect(validateBlastwallConfig.errors![0]).toMatchObject({ keyword: "minLength", data: "short", params: { limit: 10 } });
    expect(validateBlastwallConfig({})).toBe(true);
  });

  it("gives the same one-line messages through loadConfig", () => {
    expect(loadFresh({ protected: { addresses: ["a"], typs: [] } }).error).toBe(
      `${join(dir, "blastwall.json")}: protected.typs: unknown key (expected one of: addresses, types)`,
    );
    expect(loadFresh({ trustedKeys: "keys/release.pem" }).error).toMatch(
      /: trustedKeys: must be an array, not string "keys\/release\.pem"$/,
    );
  });

  it("does not load the ajv compiler", () => {
    const { loaded, error } = loadFresh({ severity: { "agent-source-identity": "warning" } });
    expect(error).toBeUndefined();
    expect(loaded.some((m) => m.endsWith(join("lib", "config", "load-config.ts")))).toBe(true);
    expect(loaded.filter((m) => COMPILER.test(m))).toEqual([]);
  });

  it("would see the compiler in require.cache if it were loaded (the check above can fail)", () => {
    const { loaded } = loadFresh({}, () => require("ajv"));
    expect(loaded.filter((m) => COMPILER.test(m)).length).toBe(2);
  });
});
