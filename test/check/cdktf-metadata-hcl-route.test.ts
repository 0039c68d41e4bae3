/**
 * A synthesized stack is read through the HCL loader whenever Terraform would load more than its cdk.tf.json (an
 * override, a tfvars file, a local module). cdktf's `"//"` metadata must survive that route: it carries the construct
 * paths and the acknowledgements given in code, so both readings of one stack must report the same.
 */
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { runIn } from "../helpers/cli";
import { runExample } from "../../scripts/run-examples";
import { checkPaths } from "../../lib/check/run-check";
import type { Finding } from "../../lib/engine/findings";
import { safeAgentStack } from "../helpers/tf";

const NOW = new Date("2026-11-26T12:00:00Z");

const run = (args: string[], cwd: string) => runIn(args, cwd, NOW);

/** What a finding says, without where it was read from (a file for JSON, a folder and `file:line` for HCL). */
// An in-code acknowledgement's source names its file: on one route the file, on the other `file:line`.
const noFile = (s: string) => s.replace(/(construct \S+) in [^\s)]+/g, "$1");

function essence(findings: readonly Finding[]): string[] {
  return findings
    .map((f) =>
      JSON.stringify({
        ruleId: f.ruleId,
        severity: f.severity,
        principal: f.principal,
        resource: f.resource,
        actions: f.actions,
        message: noFile(f.message),
        constructPath: f.constructPath,
        // The source names the file that carried an in-code acknowledgement: a file on one route, `file:line` on the other.
        acknowledged: f.acknowledged && { ...f.acknowledged, source: f.acknowledged.source.replace(/ in \S+$/, "") },
        evidence: f.evidence.map((e) => [e.step, e.address, noFile(e.detail)]),
      }),
    )
    .sort();
}

/**
 * Two copies of one stack folder: `json/` holds the cdk.tf.json alone (read as JSON), `hcl/` the same plus a file
 * Terraform loads with it that changes nothing (read through the HCL loader).
 */
function twoRoutes(write: (dir: string) => void): { root: string; json: string; hcl: string } {
  const root = mkdtempSync(join(tmpdir(), "blastwall-meta-"));
  const json = join(root, "json", "stacks", "app");
  const hcl = join(root, "hcl", "stacks", "app");
  for (const d of [json, hcl]) {
    mkdirSync(d, { recursive: true });
    write(d);
  }
  writeFileSync(join(hcl, "versions.tf"), "terraform {}\n");
  return { root, json, hcl };
}

// An agent whose boundary leaves ec2:DeleteVolume through, acknowledged in code next to its construct.
const acknowledged = (): Record<string, unknown> => {
  const stack = safeAgentStack([{ Effect: "Allow", Action: "ec2:DeleteVolume", Resource: "*" }], ["iam:*"]) as {
    resource: Record<string, Record<string, Record<string, unknown>>>;
  };
  stack.resource["aws_iam_role"]["agent"]["//"] = {
    metadata: { path: "app/janitor/Role", uniqueId: "janitor-role" },
    blastwall: { acknowledgements: [{ ruleId: "agent-destroy-right", reason: "reviewed: janitor for scratch volumes only" }] },
  };
  return { "//": { metadata: { stackName: "app", version: "0.21.0" } }, ...stack };
};

describe("cdktf metadata read through the HCL loader", () => {
  test("an acknowledgement written in code holds on both routes, with the construct path", async () => {
    const { root } = twoRoutes((d) => writeFileSync(join(d, "cdk.tf.json"), JSON.stringify(acknowledged(), null, 2)));
    writeFileSync(join(root, "blastwall.json"), JSON.stringify({ acknowledgementsInCode: true }));
    const viaJson = await run(["check", "--format", "json", "json/stacks/app"], root);
    const viaHcl = await run(["check", "--format", "json", "hcl/stacks/app"], root);
    expect(viaJson.code).toBe(0);
    expect(viaHcl.code).toBe(0);
    const a = JSON.parse(viaJson.stdout).findings as Finding[];
    const b = JSON.parse(viaHcl.stdout).findings as Finding[];
    expect(a[0].file).toMatch(/cdk\.tf\.json$/);
    // The HCL route reads the folder, and the JSON report names the file the finding is in (review round 94).
    expect(b[0].file).toMatch(/hcl[\\/]stacks[\\/]app[\\/]cdk\.tf\.json$/);
    const destroy = b.find((f) => f.ruleId === "agent-destroy-right");
    expect(destroy?.constructPath).toBe("app/janitor/Role");
    expect(destroy?.acknowledged?.source).toMatch(/^construct app\/janitor\/Role in \S*hcl[\\/]stacks[\\/]app\/cdk\.tf\.json:\d+$/);
    expect(essence(b)).toEqual(essence(a));
  });

  test("a synthesized example gives the same findings and construct paths on both routes", async () => {
    // Synthesized here: examples/*/cdktf.out is build output, not in a fresh clone.
    const outdir = mkdtempSync(join(tmpdir(), "blastwall-meta-example-"));
    await runExample(join(__dirname, "..", ".."), "quickstart", outdir);
    const example = join(outdir, "stacks", "quickstart");
    const { json, hcl } = twoRoutes((d) => cpSync(example, d, { recursive: true }));
    const opts = { config: {}, now: NOW };
    const a = (await checkPaths([json], opts)).findings;
    const b = (await checkPaths([hcl], opts)).findings;
    expect(a.length).toBeGreaterThan(0);
    expect(b.every((f) => f.constructPath !== undefined)).toBe(true);
    expect(essence(b)).toEqual(essence(a));
  });

  test("the metadata is kept as written, not evaluated as an expression", async () => {
    const { hcl } = twoRoutes((d) => {
      const stack = acknowledged() as { resource: Record<string, Record<string, Record<string, unknown>>> };
      (stack.resource["aws_iam_role"]["agent"]["//"] as Record<string, unknown>)["note"] = "${var.missing}";
      writeFileSync(join(d, "cdk.tf.json"), JSON.stringify(stack));
    });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { loadHcl } = require("../../lib/hcl/load-hcl") as typeof import("../../lib/hcl/load-hcl");
    const load = await loadHcl(hcl);
    const role = load.stack.byAddress.get("aws_iam_role.agent");
    expect((role?.values["//"] as Record<string, unknown>)["note"]).toBe("${var.missing}");
    expect(load.unresolved.filter((u) => u.attribute === "//")).toEqual([]);
  });
});
