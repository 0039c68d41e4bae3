/**
 * A credential written into a provider block (credential-in-source) is a finding on the provider: acknowledge() takes
 * the provider construct (red-team round 114, F6), and the acknowledgement travels in the provider's JSON.
 */
import { mkdtempSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { App, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { acknowledge } from "../../lib/cdktf";
import { buildStack } from "../../lib/engine/terraform/stack";
import { checkStacks } from "../../lib/check/run-check";
import { sourceRules } from "../../lib/rules";

const REASON = "LocalStack only: the key is the emulator's documented test key";

function app(ack: "provider" | "stack" | "none") {
  const stack = new TerraformStack(new App({ outdir: mkdtempSync(join(tmpdir(), "blastwall-ackp-")) }), "dev");
  const provider = new AwsProvider(stack, "aws", { region: "eu-west-1", accessKey: "AKIAIOSFODNN7EXAMPLE", secretKey: "not-a-real-secret-EXAMPLE" });
  new SnsTopic(stack, "t", { name: "t" });
  if (ack === "provider") acknowledge(provider, { ruleId: "credential-in-source", reason: REASON });
  if (ack === "stack") acknowledge(stack, { ruleId: "credential-in-source", reason: REASON });
  // Testing.synth drops every "//" key; the synthesized file keeps them.
  const json = stack.toTerraform() as Record<string, unknown>;
  return checkStacks([buildStack(json, "cdk.tf.json", "dev")], { config: { acknowledgementsInCode: true }, rules: sourceRules }).findings.filter((f) => f.ruleId === "credential-in-source");
}

describe("acknowledge() on a provider", () => {
  test("without it the written key is an error on provider.aws", () => {
    expect(app("none").map((f) => [f.principal, f.severity, f.acknowledged === undefined])).toEqual([["provider.aws", "error", true]]);
  });

  test.each(["provider", "stack"] as const)("given on the %s, it covers the provider's finding", (on) => {
    const [f] = app(on);
    expect(f.principal).toBe("provider.aws");
    expect(f.acknowledged?.reason).toBe(REASON);
  });

  test("a construct holding no resource, module or provider is still refused", () => {
    const stack = new TerraformStack(new App({ outdir: mkdtempSync(join(tmpdir(), "blastwall-ackp-")) }), "empty");
    expect(() => acknowledge(stack, { ruleId: "credential-in-source", reason: REASON })).toThrow("holds no Terraform resource, module or provider");
  });
});
