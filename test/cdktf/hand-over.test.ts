/**
 * The file cdktf writes is the configuration the gate judged (red-team, round 7): in HCL output mode, whose renderer
 * leaves stack-level overrides out and re-resolves the tree; against a later validation that edits the judged object
 * in place; and on a second synth in the same tick, which must judge the stack as it is now.
 */
import { existsSync, mkdtempSync, readFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { App, Aspects, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { BlastwallChecks } from "../../lib/cdktf";
import { agentRules } from "../../lib/rules";

const TRUST = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:role/runner" }, Action: "sts:AssumeRole" }] });
const policy = (...actions: string[]) => JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: actions, Resource: "*" }] });

function agentStack(app: App, actions: string[]): { stack: TerraformStack; role: IamRole } {
  const stack = new TerraformStack(app, "s");
  new AwsProvider(stack, "aws", { region: "eu-west-1" });
  const role = new IamRole(stack, "agent", { name: "agent", assumeRolePolicy: TRUST, tags: { "blastwall:agent": "true" } });
  new IamRolePolicy(stack, "work", { role: role.name, policy: policy(...actions) });
  Aspects.of(app).add(new BlastwallChecks({ config: {}, rules: agentRules }));
  return { stack, role };
}

const outdir = () => mkdtempSync(join(tmpdir(), "blastwall-handover-"));

/** cdktf writes HCL when SYNTH_HCL_OUTPUT is set as a stack is made (`App({ hclOutput })` only names the file). */
function hclApp<T>(hclOutput: boolean, build: () => T): T {
  const saved = process.env.SYNTH_HCL_OUTPUT;
  if (hclOutput) process.env.SYNTH_HCL_OUTPUT = "true";
  else delete process.env.SYNTH_HCL_OUTPUT;
  try {
    return build();
  } finally {
    if (saved === undefined) delete process.env.SYNTH_HCL_OUTPUT;
    else process.env.SYNTH_HCL_OUTPUT = saved;
  }
}

describe("HCL output", () => {
  test("a boundary added only by a stack-level override is not in the HCL cdktf writes, so it protects nothing", () => {
    const make = (hclOutput: boolean) =>
      hclApp(hclOutput, () => {
        const app = new App({ outdir: outdir(), hclOutput });
        const { stack } = agentStack(app, ["ec2:DeleteVolume"]);
        const boundary = new IamPolicy(stack, "boundary", { name: "b", policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }, { Effect: "Deny", Action: "ec2:Delete*", Resource: "*" }] }) });
        stack.addOverride("resource.aws_iam_role.agent.permissions_boundary", boundary.arn);
        return app;
      });
    // Written as JSON the override is in the file and the Deny holds; written as HCL it is not.
    expect(() => make(false).synth()).not.toThrow(/agent-destroy-right/);
    expect(() => make(true).synth()).toThrow(/agent-destroy-right[\s\S]*ec2:DeleteVolume/);
  });

  test("a validation that adds a grant after the gate's does not get it written", () => {
    const dir = outdir();
    const app = new App({ outdir: dir, hclOutput: true });
    const { stack, role } = hclApp(true, () => agentStack(app, ["s3:ListBucket"]));
    const late = new Construct(stack, "late");
    late.node.addValidation({
      validate: () => {
        new IamRolePolicy(late, "sneak", { role: role.name, policy: policy("ec2:DeleteSnapshot") });
        return [];
      },
    });
    app.synth();
    const written = readFileSync(join(dir, "stacks", "s", "cdk.tf"), "utf8");
    expect(written).toMatch(/s3:ListBucket/);
    expect(written).not.toMatch(/DeleteSnapshot/);
  });
});

describe("JSON output", () => {
  test("a later validation cannot edit the judged object in place", () => {
    const dir = outdir();
    const app = new App({ outdir: dir });
    const { stack } = agentStack(app, ["s3:ListBucket"]);
    new Construct(stack, "late").node.addValidation({
      validate: () => {
        const json = stack.toTerraform() as { resource: Record<string, Record<string, { policy?: string }>> };
        json.resource["aws_iam_role_policy"]["work"].policy = policy("ec2:DeleteVolume");
        return [];
      },
    });
    let threw = false;
    try {
      app.synth();
    } catch {
      threw = true;
    }
    const file = join(dir, "stacks", "s", "cdk.tf.json");
    // The edit fails (the object is frozen), so synth either stops or writes what was judged.
    if (!threw) expect(readFileSync(file, "utf8")).not.toMatch(/DeleteVolume/);
    else expect(existsSync(file) ? readFileSync(file, "utf8") : "").not.toMatch(/DeleteVolume/);
  });

  test("a second synth in the same tick judges the stack as it is now", () => {
    const app = new App({ outdir: outdir() });
    const { stack, role } = agentStack(app, ["s3:ListBucket"]);
    app.synth();
    new IamRolePolicy(stack, "later", { role: role.name, policy: policy("rds:DeleteDBInstance") });
    expect(() => app.synth()).toThrow(/rds:DeleteDBInstance/);
  });
});
