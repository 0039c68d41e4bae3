import { execFileSync } from "child_process";
import { join } from "path";
import * as constructs from "../../lib/constructs";
import * as root from "../../lib/index";

const ROOT = join(__dirname, "..", "..");

describe("the package root", () => {
  test("offers every value lib/constructs exports, under the same name", () => {
    const values = Object.keys(constructs);
    expect(values.length).toBeGreaterThan(10);
    for (const name of values) {
      expect(Object.keys(root)).toContain(name);
      expect((root as Record<string, unknown>)[name]).toBe((constructs as Record<string, unknown>)[name]);
    }
  });

  // The compiled package, in a fresh process: what `import { BlastwallChecks } from "blastwall"` really loads.
  const loaded = (script: string): { provider: number; cdktf: boolean } =>
    JSON.parse(
      execFileSync(process.execPath, ["-e", `${script}; const m = Object.keys(require.cache); console.log(JSON.stringify({ provider: m.filter((x) => x.includes("@cdktf/provider-aws")).length, cdktf: m.some((x) => /node_modules[\\\\/]cdktf[\\\\/]/.test(x)) }))`], {
        cwd: ROOT,
        encoding: "utf8",
      }),
    );

  test("renderReport renders through the reporters it loads on first use", () => {
    const report = { tool: "check" as const, findings: [], summary: { errors: 0, warnings: 0, principals: 0, agentPrincipals: 0, resources: 0, files: 1, acknowledged: 0 }, rules: [] };
    expect(JSON.parse(root.renderReport(report, "json"))).toMatchObject({ findings: [], summary: { errors: 0 } });
  });

  // The framework is loaded by the app, not by blastwall: the gate patches the one the app uses when it is made.
  test("importing the gate loads no provider class and no framework; using a construct loads the ones it builds on", () => {
    expect(loaded('const b = require("./dist/lib/index.js"); if (typeof b.BlastwallChecks !== "function") throw new Error("no gate")')).toEqual({ provider: 0, cdktf: false });
    expect(loaded('const b = require("./dist/lib/index.js"); if (typeof b.AgentRole !== "function") throw new Error("no AgentRole")').provider).toBeGreaterThan(0);
  });
});
