/**
 * cdktf runs a stack's aspects in that stack's own synthesize step, one stack after the other (red-team, round 96). A
 * stack read by another before its aspects ran, or by an earlier synth, is not the stack written: the gate reads
 * other stacks afresh each time, and the stack synthesized last of two linked ones judges both as they are written.
 */
import { existsSync, mkdtempSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { App, Aspects, type IAspect, TerraformOutput, TerraformStack } from "cdktf";
import type { IConstruct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { BlastwallChecks } from "../../lib/cdktf";
import { allRules } from "../../lib/rules";
import type { Rule } from "../../lib/engine/rule";
import { AgentPrincipal, AgentRole } from "../../lib/constructs";

const RUNNER = "arn:aws:iam::111111111111:role/agent-runner";
const policy = (action: string) => JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: action, Resource: "*" }] });
const DESTROY = "ec2:DeleteVolume";
const HARMLESS = "ec2:DescribeVolumes";

/** An org-wide aspect that marks the agents of the stack it is added to (tag and /agents/ path). */
class MarkAgents implements IAspect {
  visit(node: IConstruct): void {
    if (node instanceof IamRole && node.node.path.startsWith("agents/coder")) {
      node.addOverride("tags", { "blastwall:agent": "true" });
      node.addOverride("path", "/agents/");
    }
  }
}

/**
 * Stacks made in `order` (cdktf synthesizes them so): `agents` holds an AgentRole left unmarked in code and marked by
 * an aspect on its stack; `deploy` a role trusting it by cross-stack reference, granted `action`; `early` only reads
 * the agent's ARN.
 */
function build(order: ("agents" | "deploy" | "early")[], action: string, marked: "aspect" | "later" = "aspect") {
  const outdir = mkdtempSync(join(tmpdir(), "blastwall-order-"));
  const app = new App({ outdir });
  const stacks = new Map(order.map((id) => [id, new TerraformStack(app, id)]));
  for (const s of stacks.values()) new AwsProvider(s, "aws", { region: "eu-west-1" });
  const coder = new AgentRole(stacks.get("agents")!, "coder", { roleName: "coder", assumedBy: [AgentPrincipal.role(RUNNER)] });
  coder.role.addOverride("tags", null);
  coder.role.addOverride("path", "/");
  if (marked === "aspect") Aspects.of(stacks.get("agents")!).add(new MarkAgents());
  const early = stacks.get("early");
  if (early) new TerraformOutput(early, "coder-arn", { value: coder.role.arn });
  const deploy = stacks.get("deploy")!;
  const trust = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: coder.role.arn }, Action: "sts:AssumeRole" }] });
  const deployer = new IamRole(deploy, "deployer", { name: "deployer", assumeRolePolicy: trust });
  new IamRolePolicy(deploy, "deployer-pol", { role: deployer.id, policy: policy(action) });
  Aspects.of(app).add(new BlastwallChecks({ config: {} }));
  const written = (id: string) => existsSync(join(outdir, "stacks", id, "cdk.tf.json"));
  return { app, coder, written };
}

const DESTROYS = /agent-transitive-destroy[\s\S]*aws_iam_role\.deployer/;

describe("an agent marked by an aspect of its own stack, trusted by another stack's deleting role", () => {
  test("fails synth when the deploy stack is synthesized first, in the agents stack's step", () => {
    const { app, written } = build(["deploy", "agents"], DESTROY);
    expect(() => app.synth()).toThrow(/\[agents\] blastwall: 1 error finding\(s\) in stack "deploy", written before stack "agents"[\s\S]*agent-transitive-destroy[\s\S]*role\/agents\/coder/);
    // deploy was judged clean first and written as judged; the agents stack is not written.
    expect([written("deploy"), written("agents")]).toEqual([true, false]);
  });

  test("fails synth when the agents stack is synthesized first", () => {
    expect(() => build(["agents", "deploy"], DESTROY).app.synth()).toThrow(DESTROYS);
  });

  test("fails synth when a third stack synthesized first read the agents stack before its aspects ran", () => {
    const { app, written } = build(["early", "agents", "deploy"], DESTROY);
    expect(() => app.synth()).toThrow(/stack "deploy"; synth stops here[\s\S]*agent-transitive-destroy/);
    expect(written("deploy")).toBe(false);
  });

  test.each([[["deploy", "agents"]], [["agents", "deploy"]], [["early", "agents", "deploy"]], [["deploy", "early", "agents"]]] as const)(
    "control: %j with no deleting grant synthesizes every stack",
    (order) => {
      const { app, written } = build([...order], HARMLESS);
      expect(() => app.synth()).not.toThrow();
      expect(order.map(written)).toEqual(order.map(() => true));
    },
  );
});

describe("app.synth() twice in one tick", () => {
  test("the second synth does not read the other stack as the first synth handed it over", () => {
    const { app, coder } = build(["deploy", "agents"], DESTROY, "later");
    app.synth(); // the coder is no agent yet: clean
    coder.role.addOverride("tags", { "blastwall:agent": "true" });
    coder.role.addOverride("path", "/agents/");
    expect(() => app.synth()).toThrow(DESTROYS);
  });

  test("control: with no deleting grant both synths pass", () => {
    const { app, coder } = build(["deploy", "agents"], HARMLESS, "later");
    app.synth();
    coder.role.addOverride("tags", { "blastwall:agent": "true" });
    coder.role.addOverride("path", "/agents/");
    expect(() => app.synth()).not.toThrow();
  });
});

describe("a stack written before one it read is judged again only when that one is written otherwise than it was read", () => {
  /** The stacks of `build`'s app judged by a gate that also counts, per stack, how often it was judged. */
  function judgements(marked: "aspect" | "later"): { synth: () => void; judged: string[] } {
    const outdir = mkdtempSync(join(tmpdir(), "blastwall-order-"));
    const app = new App({ outdir });
    const deploy = new TerraformStack(app, "deploy");
    const agents = new TerraformStack(app, "agents");
    for (const s of [deploy, agents]) new AwsProvider(s, "aws", { region: "eu-west-1" });
    const coder = new AgentRole(agents, "coder", { roleName: "coder", assumedBy: [AgentPrincipal.role(RUNNER)] });
    coder.role.addOverride("tags", null);
    coder.role.addOverride("path", "/");
    if (marked === "aspect") Aspects.of(agents).add(new MarkAgents());
    const trust = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: coder.role.arn }, Action: "sts:AssumeRole" }] });
    const deployer = new IamRole(deploy, "deployer", { name: "deployer", assumeRolePolicy: trust });
    new IamRolePolicy(deploy, "deployer-pol", { role: deployer.id, policy: policy(HARMLESS) });
    const judged: string[] = [];
    const [first, ...rest] = allRules;
    const counting: Rule = { meta: first.meta, check: (ctx) => (judged.push(ctx.stack.name ?? "?"), first.check(ctx)) };
    Aspects.of(app).add(new BlastwallChecks({ config: {}, rules: [counting, ...rest] }));
    return { synth: () => app.synth(), judged };
  }

  test("an aspect of the read stack changes it after the read: the reader is judged again", () => {
    const { synth, judged } = judgements("aspect");
    synth();
    expect(judged.filter((n) => n === "deploy")).toHaveLength(2);
  });

  test("nothing changes it: the first judgement stands (an app of many stacks reading one another stays fast)", () => {
    const { synth, judged } = judgements("later");
    synth();
    expect(judged.filter((n) => n === "deploy")).toHaveLength(1);
    expect(judged.filter((n) => n === "agents")).toHaveLength(1);
  });
});

describe("a stack read before it is judged is synthesized once a synth, not at every read", () => {
  test("five stacks that each hold IAM and trust one agent: each stack is synthesized at most twice (its own validation and one read)", () => {
    const outdir = mkdtempSync(join(tmpdir(), "blastwall-order-"));
    const app = new App({ outdir });
    const agents = new TerraformStack(app, "agents");
    new AwsProvider(agents, "aws", { region: "eu-west-1" });
    const coder = new AgentRole(agents, "coder", { roleName: "coder", assumedBy: [AgentPrincipal.role(RUNNER)] });
    const stacks = [agents];
    for (let i = 0; i < 4; i++) {
      const s = new TerraformStack(app, `svc${i}`);
      new AwsProvider(s, "aws", { region: "eu-west-1" });
      const trust = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: coder.role.arn }, Action: "sts:AssumeRole" }] });
      const r = new IamRole(s, "reader", { name: `reader${i}`, assumeRolePolicy: trust });
      new IamRolePolicy(s, "p", { role: r.id, name: "default", policy: policy(HARMLESS) });
      stacks.push(s);
    }
    Aspects.of(app).add(new BlastwallChecks({ config: {} }));
    const calls = new Map<string, number>();
    const original = TerraformStack.prototype.toTerraform;
    const spy = jest.spyOn(TerraformStack.prototype, "toTerraform").mockImplementation(function (this: TerraformStack) {
      calls.set(this.node.id, (calls.get(this.node.id) ?? 0) + 1);
      return original.call(this);
    });
    try {
      app.synth();
    } finally {
      spy.mockRestore();
    }
    // cdktf itself synthesizes each stack once to write it; the gate adds its own validation's and at most one read.
    for (const s of stacks) expect(calls.get(s.node.id) ?? 0).toBeLessThanOrEqual(3);
  });
});
