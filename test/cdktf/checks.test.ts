import { mkdtempSync, readFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { App, Aspects, TerraformLocal, TerraformStack, TerraformVariable } from "cdktf";
import type { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { BlastwallChecks, acknowledge } from "../../lib/cdktf";
import { checkPaths } from "../../lib/check/run-check";
import { agentRules } from "../../lib/rules";

const TRUST = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:role/runner" }, Action: "sts:AssumeRole" }] });

class AgentStack extends TerraformStack {
  readonly role: IamRole;
  readonly policy: IamRolePolicy;
  constructor(scope: Construct, id: string, actions: string[]) {
    super(scope, id);
    new AwsProvider(this, "aws", { region: "eu-west-1" });
    this.role = new IamRole(this, "agent", { name: `${id}-agent`, assumeRolePolicy: TRUST, tags: { "blastwall:agent": "true" } });
    this.policy = new IamRolePolicy(this, "work", {
      role: this.role.name,
      policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "Work", Effect: "Allow", Action: actions, Resource: "*" }] }),
    });
  }
}

const outdir = () => mkdtempSync(join(tmpdir(), "blastwall-synth-"));

// The acknowledgements given in code below count only because the config opts in to them.
const IN_CODE = { acknowledgementsInCode: true } as const;

describe("BlastwallChecks at synth time", () => {
  test("added to the App, it guards every stack: an app of two stacks fails on the second", () => {
    const app = new App({ outdir: outdir() });
    new AgentStack(app, "first", ["s3:ListBucket"]);
    new AgentStack(app, "second", ["ec2:DeleteVolume"]);
    Aspects.of(app).add(new BlastwallChecks({ config: {}, rules: agentRules }));
    expect(() => app.synth()).toThrow(/stack "second"[\s\S]*agent-destroy-right[\s\S]*aws_iam_role\.agent[\s\S]*ec2:DeleteVolume/);
  });

  test("it guards stacks created after it was added", () => {
    const app = new App({ outdir: outdir() });
    Aspects.of(app).add(new BlastwallChecks({ config: {}, rules: agentRules }));
    new AgentStack(app, "late", ["rds:DeleteDBInstance"]);
    expect(() => app.synth()).toThrow(/rds:DeleteDBInstance/);
  });

  test("a Deny reading a TerraformLocal built from a TerraformVariable is not relied on (red-team round 165, F1)", () => {
    const synth = (second: (s: TerraformStack) => string) => {
      const app = new App({ outdir: outdir() });
      const s = new AgentStack(app, "s", ["s3:*"]);
      new IamRolePolicy(s, "guard", {
        role: s.role.name,
        policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "OnlyRead", Effect: "Deny", NotAction: ["s3:GetObject", second(s)], Resource: "*" }] }),
      });
      Aspects.of(app).add(new BlastwallChecks({ config: {}, rules: agentRules }));
      return () => app.synth();
    };
    const fromVariable = (s: TerraformStack) => new TerraformLocal(s, "read", new TerraformVariable(s, "read_action", { type: "string", default: "s3:ListBucket" }).stringValue).asString;
    expect(synth(fromVariable)).toThrow(/agent-destroy-right[\s\S]*depends on var\.read_action, which -var can set otherwise/);
    // The control: the local holds the action literally.
    expect(synth((s) => new TerraformLocal(s, "read", "s3:ListBucket").asString)).not.toThrow();
  });

  test("a safe app synthesizes", () => {
    const app = new App({ outdir: outdir() });
    new AgentStack(app, "only", ["s3:ListBucket"]);
    Aspects.of(app).add(new BlastwallChecks({ config: {}, rules: agentRules }));
    expect(() => app.synth()).not.toThrow();
  });

  test("added per stack, it guards that stack", () => {
    const app = new App({ outdir: outdir() });
    const s = new AgentStack(app, "s", ["s3:DeleteBucket"]);
    Aspects.of(s).add(new BlastwallChecks({ config: {}, rules: agentRules }));
    expect(() => app.synth()).toThrow(/s3:DeleteBucket/);
  });

  test("addOverride cannot hide a grant: the synthesized JSON is what is judged", () => {
    const app = new App({ outdir: outdir() });
    const s = new AgentStack(app, "s", ["s3:ListBucket"]);
    s.policy.addOverride("policy", JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "ec2:DeleteSnapshot", Resource: "*" }] }));
    Aspects.of(app).add(new BlastwallChecks({ config: {}, rules: agentRules }));
    expect(() => app.synth()).toThrow(/ec2:DeleteSnapshot/);
  });

  test("other aspects added to the App keep cdktf's behaviour (not run)", () => {
    const app = new App({ outdir: outdir() });
    new AgentStack(app, "s", ["s3:ListBucket"]);
    const seen: string[] = [];
    Aspects.of(app).add({ visit: (n) => seen.push(n.node.path) });
    app.synth();
    expect(seen).toEqual([]);
  });

  test("an acknowledgement in code fails synth unless the config opts in: stack code is what an agent edits (red-team round 119)", () => {
    const app = new App({ outdir: outdir() });
    const s = new AgentStack(app, "s", ["ec2:DeleteVolume"]);
    acknowledge(s.role, { ruleId: "agent-destroy-right", reason: "scratch-volume janitor, reviewed 2026-11" });
    Aspects.of(app).add(new BlastwallChecks({ config: {}, rules: agentRules }));
    expect(() => app.synth()).toThrow(/agent-destroy-right in the stack code \(construct s\/agent in [^)]*, reason "scratch-volume janitor, reviewed 2026-11"\) is not honoured: .*"acknowledgementsInCode": true/);
  });

  test("an acknowledgement in code lets synth pass and reaches the CLI through the JSON", async () => {
    const dir = outdir();
    const app = new App({ outdir: dir });
    const s = new AgentStack(app, "s", ["ec2:DeleteVolume"]);
    acknowledge(s.role, { ruleId: "agent-destroy-right", reason: "scratch-volume janitor, reviewed 2026-11" });
    Aspects.of(app).add(new BlastwallChecks({ config: IN_CODE, rules: agentRules }));
    expect(() => app.synth()).not.toThrow();
    const json = JSON.parse(readFileSync(join(dir, "stacks", "s", "cdk.tf.json"), "utf8"));
    expect(JSON.stringify(json)).toMatch(/scratch-volume janitor/);
    const report = await checkPaths([dir], { config: IN_CODE, rules: agentRules });
    expect(report.summary.errors).toBe(0);
    expect(report.findings.some((f) => f.acknowledged)).toBe(true);
  });

  test("an acknowledgement in code limited to actions covers those, and fails synth once the agent gains another", () => {
    const reviewed = new App({ outdir: outdir() });
    const a = new AgentStack(reviewed, "s", ["ec2:DeleteVolume"]);
    acknowledge(a.role, { ruleId: "agent-destroy-right", reason: "scratch-volume janitor, reviewed 2026-11", actions: ["ec2:DeleteVolume"] });
    Aspects.of(reviewed).add(new BlastwallChecks({ config: IN_CODE, rules: agentRules }));
    expect(() => reviewed.synth()).not.toThrow();

    const grown = new App({ outdir: outdir() });
    const b = new AgentStack(grown, "s", ["ec2:DeleteVolume", "rds:DeleteDBInstance"]);
    acknowledge(b.role, { ruleId: "agent-destroy-right", reason: "scratch-volume janitor, reviewed 2026-11", actions: ["ec2:DeleteVolume"] });
    Aspects.of(grown).add(new BlastwallChecks({ config: IN_CODE, rules: agentRules }));
    expect(() => grown.synth()).toThrow(/accepts ec2:DeleteVolume only; this finding also reports rds:DeleteDBInstance/);
  });

  test.each([
    [{ actions: [] }, /actions must list at least one IAM action \(rule agent-destroy-right at s\/agent\)/],
    [{ actions: ["DeleteVolume"] }, /actions: "DeleteVolume" is not an IAM action name or glob/],
    [{ resource: "aws_iam_role_policy.*" }, /resource must be one exact Terraform address, without \* or \?/],
  ])("acknowledge() refuses %j, naming the rule and construct", (extra, message) => {
    const s = new AgentStack(new App({ outdir: outdir() }), "s", ["ec2:DeleteVolume"]);
    expect(() => acknowledge(s.role, { ruleId: "agent-destroy-right", reason: "scratch-volume janitor, reviewed 2026-11", ...extra })).toThrow(message);
  });

  test("acknowledge() refuses a reason shorter than 10 characters, naming the rule", () => {
    const app = new App({ outdir: outdir() });
    const s = new AgentStack(app, "s", ["ec2:DeleteVolume"]);
    expect(() => acknowledge(s.role, { ruleId: "agent-destroy-right", reason: "ok" })).toThrow(/reason must be at least 10 characters.*agent-destroy-right/);
  });

  test.each(["TODO: fill in", "fix later please", "xxxxxxxxxxxx"])("acknowledge() refuses the placeholder reason %j, naming the rule and construct and what a reason says", (reason) => {
    const s = new AgentStack(new App({ outdir: outdir() }), "s", ["ec2:DeleteVolume"]);
    expect(() => acknowledge(s.role, { ruleId: "agent-destroy-right", reason })).toThrow(
      /^acknowledge: reason ".*" is a placeholder, not a reason \(.*\): a reviewer signs the acknowledgement off by it; write who accepted what and why, e\.g\. .* \(rule agent-destroy-right at s\/agent\)$/,
    );
  });

  test.each(["Nur Testdaten, vom Sicherheitsteam geprüft", "Solo borra volúmenes temporales; aprobado por seguridad", "検証用のデータのみ。本番データはない"])(
    "acknowledge() takes the honest reason %j",
    (reason) => {
      const s = new AgentStack(new App({ outdir: outdir() }), "s", ["ec2:DeleteVolume"]);
      expect(() => acknowledge(s.role, { ruleId: "agent-destroy-right", reason })).not.toThrow();
    },
  );

  test("skipValidation switches the synth-time gate off, and blastwall check still fails the output", async () => {
    const dir = outdir();
    const app = new App({ outdir: dir, skipValidation: true });
    new AgentStack(app, "s", ["ec2:DeleteVolume"]);
    Aspects.of(app).add(new BlastwallChecks({ config: {}, rules: agentRules }));
    expect(() => app.synth()).not.toThrow();
    expect((await checkPaths([dir], { config: {}, rules: agentRules })).summary.errors).toBeGreaterThan(0);
  });

  test("the stack is resolved once per synth: the file written is the JSON the gate judged", async () => {
    const dir = outdir();
    const app = new App({ outdir: dir });
    const s = new AgentStack(app, "s", ["s3:ListBucket"]);
    const calls = jest.spyOn(TerraformStack.prototype, "toTerraform");
    Aspects.of(app).add(new BlastwallChecks({ config: {}, rules: agentRules }));
    app.synth();
    expect(calls).toHaveBeenCalledTimes(1);
    calls.mockRestore();
    const written = JSON.parse(readFileSync(join(dir, "stacks", "s", "cdk.tf.json"), "utf8"));
    // The hand-over ends with the synth: later calls resolve the stack again, and see later changes.
    await new Promise((r) => process.nextTick(r));
    expect(written).toEqual(JSON.parse(JSON.stringify(s.toTerraform())));
    s.policy.addOverride("name", "renamed");
    expect(JSON.stringify(s.toTerraform())).toMatch(/renamed/);
  });

  test("a failing gate leaves nothing behind on the stack", () => {
    const app = new App({ outdir: outdir() });
    const s = new AgentStack(app, "s", ["ec2:DeleteVolume"]);
    Aspects.of(app).add(new BlastwallChecks({ config: {}, rules: agentRules }));
    expect(() => app.synth()).toThrow(/ec2:DeleteVolume/);
    expect(Object.prototype.hasOwnProperty.call(s, "toTerraform")).toBe(false);
  });
});

describe("BlastwallChecks against escape hatches", () => {
  test("a validation that runs after the gate's, changes the stack and resolves it, cannot get unchecked JSON written", () => {
    const dir = outdir();
    const app = new App({ outdir: dir });
    const s = new AgentStack(app, "s", ["s3:ListBucket"]);
    Aspects.of(app).add(new BlastwallChecks({ config: {}, rules: agentRules }));
    s.policy.node.addValidation({
      validate: () => {
        s.policy.addOverride("policy", JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "ec2:DeleteVolume", Resource: "*" }] }));
        s.toTerraform();
        return [];
      },
    });
    app.synth();
    const written = readFileSync(join(dir, "stacks", "s", "cdk.tf.json"), "utf8");
    expect(written).toContain("s3:ListBucket");
    expect(written).not.toContain("ec2:DeleteVolume");
  });

  test("added to a construct inside a stack, it guards that stack", () => {
    const app = new App({ outdir: outdir() });
    const s = new AgentStack(app, "s", ["ec2:DeleteVolume"]);
    Aspects.of(s.role).add(new BlastwallChecks({ config: {}, rules: agentRules }));
    expect(() => app.synth()).toThrow(/ec2:DeleteVolume/);
  });
});

test("acknowledge() refuses a reason of invisible characters, as the engine would ignore it", () => {
  const app = new App({ outdir: outdir() });
  const s = new AgentStack(app, "s", ["s3:ListBucket"]);
  expect(() => acknowledge(s.role, { ruleId: "agent-destroy-right", reason: "\u200b".repeat(12) })).toThrow(/reason must be at least 10 characters/);
});
