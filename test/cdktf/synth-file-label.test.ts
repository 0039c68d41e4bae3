import { existsSync, mkdtempSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { App, Aspects, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { BlastwallChecks } from "../../lib/cdktf";
import { agentRules } from "../../lib/rules";

const TRUST = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:role/runner" }, Action: "sts:AssumeRole" }] });

function appWith(actions: string[]): { app: App; outdir: string } {
  const outdir = mkdtempSync(join(tmpdir(), "blastwall-synth-label-"));
  const app = new App({ outdir });
  const stack = new TerraformStack(app, "prod");
  new AwsProvider(stack, "aws", { region: "eu-west-1" });
  const role = new IamRole(stack, "agent", { name: "agent", assumeRolePolicy: TRUST, tags: { "blastwall:agent": "true" } });
  new IamRolePolicy(stack, "work", {
    role: role.name,
    policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: actions, Resource: "*" }] }),
  });
  Aspects.of(app).add(new BlastwallChecks({ config: {}, rules: agentRules }));
  return { app, outdir };
}

describe("synth-time findings name no file that synth did not write", () => {
  test("a stopped synth says the stack and that its cdk.tf.json was not written", () => {
    const { app, outdir } = appWith(["ec2:DeleteVolume"]);
    let message = "";
    try {
      app.synth();
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/agent-destroy-right/);
    expect(existsSync(join(outdir, "stacks", "prod", "cdk.tf.json"))).toBe(false);
    const fileLines = message.split("\n").filter((l) => /^\s*file:/.test(l));
    expect(fileLines.length).toBeGreaterThan(0);
    for (const l of fileLines) {
      expect(l).toMatch(/stack "prod"/);
      expect(l).toMatch(/not written: synth stopped/);
      expect(l).not.toMatch(/file:\s+\S*cdk\.tf\.json\s*$/);
    }
  });

  test("control: a passing synth writes the stack's cdk.tf.json", () => {
    const { app, outdir } = appWith(["s3:ListBucket"]);
    expect(() => app.synth()).not.toThrow();
    expect(existsSync(join(outdir, "stacks", "prod", "cdk.tf.json"))).toBe(true);
  });
});
