/**
 * A synthesized stack that calls a local module (cdktf copies it into the stack folder and sources it as `./...`):
 * Terraform creates what the module holds, so `blastwall check` reads the module with the stack instead of leaving
 * it to a finding that it cannot be seen. A local module that is not there is bad input, as `terraform init` says.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { runIn } from "../helpers/cli";
import { safeAgentStack } from "../helpers/tf";

const run = runIn;

const MODULE_AGENT = `
resource "aws_iam_role" "worker" {
  name               = "worker"
  assume_role_policy = "{}"
  tags               = { "blastwall:agent" = "true" }
}
resource "aws_iam_role_policy" "wipe" {
  role   = aws_iam_role.worker.name
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "ec2:DeleteVolume", Resource = "*" }] })
}
`;

/** A stack folder: a clean agent stack plus a module call with the given source. */
function stackWithModule(source: string, withModuleFolder: boolean): string {
  const dir = mkdtempSync(join(tmpdir(), "blastwall-jsonmod-"));
  const json = { ...safeAgentStack([{ Effect: "Allow", Action: "ec2:DescribeVolumes", Resource: "*" }]), module: { extra: { source } } };
  writeFileSync(join(dir, "cdk.tf.json"), JSON.stringify(json));
  if (withModuleFolder) {
    mkdirSync(join(dir, "assets", "extra"), { recursive: true });
    writeFileSync(join(dir, "assets", "extra", "main.tf"), MODULE_AGENT);
  }
  return dir;
}

describe("local modules called from Terraform JSON", () => {
  test("the module's agent and its destroy right are read with the stack", async () => {
    const dir = stackWithModule("./assets/extra", true);
    const r = await run(["check", "--format", "json", "cdk.tf.json"], dir);
    expect(r.code).toBe(1);
    const findings = JSON.parse(r.stdout).findings as { ruleId: string; principal: string; actions: string[] }[];
    const destroy = findings.find((f) => f.ruleId === "agent-destroy-right");
    expect(destroy).toMatchObject({ principal: "module.extra.aws_iam_role.worker" });
    expect(destroy!.actions).toContain("ec2:DeleteVolume");
    expect(findings.map((f) => f.ruleId)).not.toContain("unknown-module");
  });

  test("a local module that is not on disk is bad input (exit 2, one line naming the file)", async () => {
    const dir = stackWithModule("./assets/missing", false);
    const r = await run(["check", "cdk.tf.json"], dir);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/module "extra" has source "\.\/assets\/missing", which is not a directory/);
  });

  test("a JSON file Terraform would not load with its folder is judged as itself, its local module unread (a decoy beside it changes nothing)", async () => {
    const dir = stackWithModule("./assets/extra", true);
    const { renameSync } = require("fs") as typeof import("fs");
    renameSync(join(dir, "cdk.tf.json"), join(dir, "stack.json"));
    writeFileSync(join(dir, "decoy.tf"), "locals {}\n");
    const r = await run(["check", "--format", "json", "stack.json"], dir);
    expect(r.code).toBe(1);
    const findings = JSON.parse(r.stdout).findings as { ruleId: string; severity: string }[];
    expect(findings.find((f) => f.ruleId === "unknown-module")).toMatchObject({ severity: "error" });
    expect(JSON.parse(r.stdout).summary.resources).toBeGreaterThan(0);
  });

  test("a registry module stays an unknown-module error", async () => {
    const dir = stackWithModule("terraform-aws-modules/iam/aws", false);
    const r = await run(["check", "--format", "json", "cdk.tf.json"], dir);
    expect(r.code).toBe(1);
    const f = (JSON.parse(r.stdout).findings as { ruleId: string; severity: string }[]).find((x) => x.ruleId === "unknown-module");
    expect(f).toMatchObject({ severity: "error" });
  });
});
