/**
 * A registry module is an `unknown-module` error (what it creates cannot be seen). Once reviewed, it is acknowledged
 * next to the module in code, like any other finding, and the acknowledgement holds at synth time, in `blastwall
 * check` of the output, and when the stack folder is read as a whole through the HCL loader.
 */
import { mkdtempSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { App, Aspects, TerraformHclModule, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { BlastwallChecks, acknowledge } from "../../lib/cdktf";
import { checkPaths } from "../../lib/check/run-check";
import { agentRules } from "../../lib/rules";

function appWithModule(dir: string, acknowledged: boolean): App {
  const app = new App({ outdir: dir });
  const stack = new TerraformStack(app, "net");
  new AwsProvider(stack, "aws", { region: "eu-west-1" });
  const vpc = new TerraformHclModule(stack, "vpc", { source: "terraform-aws-modules/vpc/aws", version: "5.0.0", variables: { cidr: "10.0.0.0/16" } });
  if (acknowledged) acknowledge(vpc, { ruleId: "unknown-module", reason: "VPC module 5.0.0 reviewed: creates no IAM" });
  Aspects.of(app).add(new BlastwallChecks({ config: { acknowledgementsInCode: true }, rules: agentRules }));
  return app;
}

describe("acknowledging a module in code", () => {
  test("unacknowledged, the module fails synth", () => {
    expect(() => appWithModule(mkdtempSync(join(tmpdir(), "blastwall-mod-")), false).synth()).toThrow(/unknown-module[\s\S]*module\.vpc/);
  });

  test("acknowledged, synth passes and the CLI honours it on both readings of the stack", async () => {
    const dir = mkdtempSync(join(tmpdir(), "blastwall-mod-"));
    appWithModule(dir, true).synth();
    const viaJson = await checkPaths([dir], { config: { acknowledgementsInCode: true }, rules: agentRules });
    expect(viaJson.summary.errors).toBe(0);
    expect(viaJson.findings.find((f) => f.ruleId === "unknown-module")?.acknowledged?.reason).toMatch(/VPC module/);
    // A file Terraform loads with the stack sends it through the HCL loader.
    writeFileSync(join(dir, "stacks", "net", "versions.tf"), "terraform {}\n");
    const viaHcl = await checkPaths([dir], { config: { acknowledgementsInCode: true }, rules: agentRules });
    expect(viaHcl.summary.errors).toBe(0);
    expect(viaHcl.findings.find((f) => f.ruleId === "unknown-module")?.acknowledged).toBeDefined();
  });
});
