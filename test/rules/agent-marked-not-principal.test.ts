/**
 * The agent mark on something that is no credentials blastwall judges (a function, a task definition, an agent
 * runtime, an instance, a group), by tag or by the config: the gate passed such an agent with "0 agent principal(s)".
 * The role it runs as is judged as the agent, with a warning; without such a role, an error.
 */
import { buildStack } from "../../lib/engine/terraform/stack";
import { checkStacks } from "../../lib/check/run-check";
import { agentSelector } from "../../lib/engine/agents";
import { agentRules } from "../../lib/rules";
import type { BlastwallConfig } from "../../lib/engine/config-types";
import { AGENT, check, errors, tf } from "../helpers/tf";
import { AgentPrincipal, AgentRole } from "../../lib/constructs";
import { APP_ACCOUNT, gateFindings, synth } from "../constructs/helpers";

type Obj = Record<string, unknown>;

const LAMBDA_TRUST = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] });
const ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess";

/** Role `r` with administrator rights, and whatever else the case needs. */
function withAdminRole(entries: Record<string, Obj>, role: Obj = {}): Obj {
  return tf({
    "aws_iam_role.r": { name: "r", assume_role_policy: LAMBDA_TRUST, ...role },
    "aws_iam_role_policy_attachment.a": { role: "${aws_iam_role.r.name}", policy_arn: ADMIN },
    ...entries,
  });
}

const marked = (json: Obj, config: BlastwallConfig = {}) => check(json, config).findings.filter((f) => f.ruleId === "agent-marked-not-principal");
const destroyers = (json: Obj, config: BlastwallConfig = {}) => errors(check(json, config), "agent-destroy-right").map((f) => f.principal);

describe("agent-marked-not-principal", () => {
  test("a tagged Lambda whose role the stack makes: that role is judged as the agent, and a warning names it", () => {
    const json = withAdminRole({ "aws_lambda_function.f": { function_name: "f", role: "${aws_iam_role.r.arn}", tags: AGENT } });
    const [f, ...rest] = marked(json);
    expect(rest).toEqual([]);
    expect([f.severity, f.principal, f.resource]).toEqual(["warning", "aws_lambda_function.f", "aws_lambda_function.f"]);
    expect(f.message).toContain("is marked as an AI agent");
    expect(f.message).toContain("It runs as aws_iam_role.r");
    expect(f.fix).toContain("tag that role");
    // What the guardrails really match (red-team rounds 139 F6, 140 F5): not the tag, which the message used to claim.
    // A role only Lambda assumes never gets a source identity (red-team round 156, F8): the path alone counts, and
    // the fix no longer asks for a trust condition that would lock the service out.
    expect(f.message).toContain(
      "blastwall's guardrail SCPs and resource control policy do not read the mark on either: they recognise agents by the /agents/ path and an agent-* source identity, " +
        "and the sessions of aws_iam_role.r come from lambda.amazonaws.com, which never sets a source identity, so they cover aws_iam_role.r only if it is under /agents/.",
    );
    expect(f.message).not.toContain("treat agents by the blastwall:agent tag");
    expect(f.fix).toContain("give it the path /agents/ and a permissions boundary, written by hand");
    expect(f.fix).toContain("Do not require sts:SourceIdentity in its trust: lambda.amazonaws.com never sets one");
    expect(f.fix).not.toContain("require StringLike sts:SourceIdentity");
    expect(destroyers(json)).toEqual(["aws_iam_role.r"]);
    expect(check(json).summary.agentPrincipals).toBe(1);
  });

  test("the same Lambda untagged: no finding, and its role is no agent", () => {
    const json = withAdminRole({ "aws_lambda_function.f": { function_name: "f", role: "${aws_iam_role.r.arn}" } });
    expect(marked(json)).toEqual([]);
    expect(destroyers(json)).toEqual([]);
  });

  test("a tagged Lambda whose role is made elsewhere: an error naming the role it runs as", () => {
    const json = tf({ "aws_lambda_function.f": { function_name: "f", role: "arn:aws:iam::111111111111:role/elsewhere", tags: AGENT } });
    const [f] = marked(json);
    expect(f.severity).toBe("error");
    expect(f.message).toContain("role = arn:aws:iam::111111111111:role/elsewhere");
    expect(f.message).toContain("names no role of this stack");
  });

  test("a tag value that may be true marks it too", () => {
    const json = withAdminRole(
      { "aws_lambda_function.f": { function_name: "f", role: "${aws_iam_role.r.arn}", tags: { "blastwall:agent": "${var.is_agent}" } } },
    );
    expect(marked({ ...json, variable: { is_agent: { default: "false" } } }).map((f) => f.severity)).toEqual(["warning"]);
  });

  test("a resource type blastwall does not model, with a role_arn of the stack: the role is named and judged", () => {
    const json = withAdminRole({ "aws_bedrockagentcore_agent_runtime.rt": { agent_runtime_name: "rt", role_arn: "${aws_iam_role.r.arn}", tags: AGENT } });
    const [f] = marked(json);
    expect([f.severity, f.message.includes("It runs as aws_iam_role.r")]).toEqual(["warning", true]);
    expect(destroyers(json)).toEqual(["aws_iam_role.r"]);
  });

  test("red-team round 156 F8: an AgentCore runtime's execution role, trusted only by the service, is told the path, not a source identity", () => {
    const trust = JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { Service: "bedrock-agentcore.amazonaws.com" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:SourceAccount": "111111111111" } } }],
    });
    const json = withAdminRole({ "aws_bedrockagentcore_agent_runtime.rt": { agent_runtime_name: "rt", role_arn: "${aws_iam_role.r.arn}", tags: AGENT } }, { assume_role_policy: trust });
    const [f] = marked(json);
    expect(f.message).toContain("the sessions of aws_iam_role.r come from bedrock-agentcore.amazonaws.com, which never sets a source identity, so they cover aws_iam_role.r only if it is under /agents/.");
    expect(f.fix).toContain("Do not require sts:SourceIdentity in its trust: bedrock-agentcore.amazonaws.com never sets one, so every session it starts would be refused");
    expect(f.fix).not.toContain("require StringLike sts:SourceIdentity");
    // The control: a role an AWS principal (a runner) may assume too can carry the identity, and is told to require it.
    const both = JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Principal: { Service: "bedrock-agentcore.amazonaws.com" }, Action: "sts:AssumeRole" },
        { Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:role/runner" }, Action: "sts:AssumeRole" },
      ],
    });
    const [g] = marked(withAdminRole({ "aws_bedrockagentcore_agent_runtime.rt": { agent_runtime_name: "rt", role_arn: "${aws_iam_role.r.arn}", tags: AGENT } }, { assume_role_policy: both }));
    expect(g.fix).toContain("give it the path /agents/ (an AgentRole has it) and require StringLike sts:SourceIdentity = agent-* in its trust");
    expect(g.message).toContain("under /agents/ or every session carries such an identity");
  });

  test("an ECS task definition (its task role) and an instance (through its profile) name their roles", () => {
    const task = withAdminRole({ "aws_ecs_task_definition.t": { family: "t", container_definitions: "[]", task_role_arn: "${aws_iam_role.r.arn}", tags: AGENT } });
    expect(marked(task).map((f) => f.message.includes("It runs as aws_iam_role.r"))).toEqual([true]);
    const instance = withAdminRole({
      "aws_iam_instance_profile.p": { name: "p", role: "${aws_iam_role.r.name}" },
      "aws_instance.i": { ami: "ami-1", instance_type: "t3.micro", iam_instance_profile: "${aws_iam_instance_profile.p.name}", tags: AGENT },
    });
    expect(marked(instance).map((f) => f.message.includes("It runs as aws_iam_role.r"))).toEqual([true]);
    expect(destroyers(instance)).toEqual(["aws_iam_role.r"]);
  });

  test("a tagged resource that names no role: an error", () => {
    const [f] = marked(tf({ "aws_s3_bucket.b": { bucket: "b", tags: AGENT } }));
    expect([f.severity, f.message.includes("names no role it runs as")]).toEqual(["error", true]);
  });

  test("a tagged group: an error that says to tag its users; none once its users are agents", () => {
    const group = (userTags: Obj | undefined) =>
      tf({
        "aws_iam_group.g": { name: "g", tags: AGENT },
        "aws_iam_user.u": { name: "u", ...(userTags ? { tags: userTags } : {}) },
        "aws_iam_group_membership.m": { name: "m", group: "${aws_iam_group.g.name}", users: ["${aws_iam_user.u.name}"] },
      });
    const [f] = marked(group(undefined));
    expect(f.severity).toBe("error");
    expect(f.message).toContain("a group cannot sign a request");
    expect(f.message).toContain("its users (aws_iam_user.u)");
    expect(marked(group(AGENT))).toEqual([]);
  });

  test("a tagged role, and a tagged Lambda running as a tagged role: nothing from this rule", () => {
    expect(marked(withAdminRole({}, { tags: AGENT }))).toEqual([]);
    const json = withAdminRole({ "aws_lambda_function.f": { function_name: "f", role: "${aws_iam_role.r.arn}", tags: AGENT } }, { tags: AGENT });
    expect(marked(json)).toEqual([]);
    expect(destroyers(json)).toEqual(["aws_iam_role.r"]);
  });

  test("provider default tags mark what runs as a role, not every bucket", () => {
    const json = {
      ...withAdminRole({ "aws_s3_bucket.b": { provider: "aws.other", bucket: "b" }, "aws_lambda_function.f": { provider: "aws.other", function_name: "f", role: "${aws_iam_role.r.arn}" } }, { provider: "aws.plain" }),
      provider: { aws: [{ alias: "other", default_tags: { tags: AGENT } }, { alias: "plain" }] },
    };
    expect(marked(json).map((f) => [f.resource, f.severity])).toEqual([["aws_lambda_function.f", "warning"]]);
  });

  test("config agents.addresses naming a Lambda or a bucket: the same findings as the tag", () => {
    const json = withAdminRole({ "aws_lambda_function.f": { function_name: "f", role: "${aws_iam_role.r.arn}" }, "aws_s3_bucket.b": { bucket: "b" } });
    const config = { agents: { addresses: ["aws_lambda_function.f", "aws_s3_bucket.b"] } };
    expect(marked(json, config).map((f) => [f.resource, f.severity])).toEqual([
      ["aws_lambda_function.f", "warning"],
      ["aws_s3_bucket.b", "error"],
    ]);
    expect(marked(json, config)[0].message).toContain("config agents.addresses lists aws_lambda_function.f");
    expect(destroyers(json, config)).toEqual(["aws_iam_role.r"]);
  });
});

describe("config-address-unmatched", () => {
  const a = buildStack(tf({ "aws_iam_role.agent": { name: "agent", assume_role_policy: LAMBDA_TRUST } }), "a.tf.json");
  const b = buildStack(tf({ "aws_iam_role.other": { name: "other", assume_role_policy: LAMBDA_TRUST } }), "b.tf.json");
  const run = (stacks: Parameters<typeof checkStacks>[0], addresses: string[], strict = false, severity?: Record<string, "error" | "warning" | "off">) =>
    checkStacks(stacks, { config: { agents: { addresses }, ...(severity ? { severity } : {}) }, configSource: "infra/blastwall.json", strict, rules: agentRules }).findings.filter(
      (f) => f.ruleId === "config-address-unmatched",
    );

  test("a misspelt (or renamed) address across two files: an error naming the config, the entry and both files (red-team round 119 F4)", () => {
    const [f, ...rest] = run([a, b], ["aws_iam_role.agnet"]);
    expect(rest).toEqual([]);
    expect([f.severity, f.principal, f.resource, f.file]).toEqual(["error", "aws_iam_role.agnet", "aws_iam_role.agnet", "infra/blastwall.json"]);
    expect(f.fix).toContain('"severity": { "config-address-unmatched": "warning" }');
    // As the README says: the role or user by name, its runtime by address (red-team round 125 F7).
    expect(f.fix).toContain("Name each agent both ways: its role or user by agents.names");
    expect(f.fix).toContain("and its runtime (the function, association or task definition its code runs in) by address");
    expect(f.fix).not.toContain("Prefer agents.names");
    expect(f.message).toContain("infra/blastwall.json lists aws_iam_role.agnet");
    expect(f.message).toContain("files checked: a.tf.json, b.tf.json");
    expect(f.evidence[0].address).toBe("infra/blastwall.json");
  });

  test("red-team round 101: an instance's address, as terraform state list gives it, selects the count block and is no typo", () => {
    const json = tf({ "aws_iam_role.agent": { count: 1, name: "agent", assume_role_policy: LAMBDA_TRUST }, "aws_iam_role_policy_attachment.admin": { role: "${aws_iam_role.agent[0].name}", policy_arn: ADMIN } });
    const stack = buildStack(json, "c.tf.json");
    const found = checkStacks([stack], { config: { agents: { addresses: ["aws_iam_role.agent[0]"] } }, rules: agentRules }).findings;
    expect(found.filter((f) => f.ruleId === "agent-destroy-right").map((f) => f.principal)).toEqual(["aws_iam_role.agent"]);
    expect(found.filter((f) => f.ruleId === "config-address-unmatched")).toEqual([]);
    // Control: another block's instance selects nothing, and is reported.
    const other = checkStacks([stack], { config: { agents: { addresses: ["aws_iam_role.agnet[0]"] } }, rules: agentRules }).findings;
    expect(other.filter((f) => f.ruleId === "agent-destroy-right")).toEqual([]);
    expect(other.filter((f) => f.ruleId === "config-address-unmatched").map((f) => f.principal)).toEqual(["aws_iam_role.agnet[0]"]);
  });

  test("red-team round 103: in a plan, whose addresses carry keys, the instance entry selects every instance of the block, as check does", () => {
    const select = agentSelector({ agents: { addresses: ["aws_iam_role.agent[0]"] } });
    const role = (address: string) => ({ mode: "managed" as const, type: "aws_iam_role", name: "agent", address, values: { name: "x" } });
    expect(select(role("aws_iam_role.agent[1]"))).toContain("lists aws_iam_role.agent[0], an instance of aws_iam_role.agent");
    expect(select(role("aws_iam_role.agent[0]"))).toBe("config agents.addresses lists aws_iam_role.agent[0]");
    expect(select(role("aws_iam_role.agents[1]"))).toBeUndefined();
  });

  test("an address only the second file has: no warning", () => {
    expect(run([a, b], ["aws_iam_role.other"])).toEqual([]);
  });

  test("an error with --strict too", () => {
    expect(run([a, b], ["aws_iam_role.agnet"], true).map((f) => f.severity)).toEqual(["error"]);
  });

  test("a config shared by stacks checked in other runs lowers it in its severity map, and the report says so", () => {
    expect(run([a, b], ["aws_iam_role.agnet"], false, { "config-address-unmatched": "warning" }).map((f) => f.severity)).toEqual(["warning"]);
    expect(run([a, b], ["aws_iam_role.agnet"], false, { "config-address-unmatched": "off" })).toEqual([]);
    const r = checkStacks([a, b], { config: { agents: { addresses: ["aws_iam_role.agnet"] }, severity: { "config-address-unmatched": "off" } }, rules: agentRules });
    expect(r.summary.errors).toBe(0);
    const [lowered, ...more] = r.findings.filter((f) => f.ruleId === "config-severity-lowered");
    expect(more).toEqual([]);
    expect(lowered.message).toBe('blastwall.json sets config-address-unmatched to "off": 1 error finding of it (on aws_iam_role.agnet) is dropped from this report.');
  });

  test("the lowering stays a warning each run it hides an entry, and its fix is one a shared config can follow, not 'acknowledge one by one' (red-team round 125 F7)", () => {
    const cases: [string, "warning" | "off", boolean, BlastwallConfig][] = [
      ["config-address-unmatched", "warning", false, { agents: { addresses: ["aws_iam_role.agnet"] } }],
      ["config-selector-unmatched", "off", true, { agents: { names: ["agnet-*"] } }],
    ];
    for (const [id, to, strict, config] of cases) {
      const r = checkStacks([a, b], { config: { ...config, severity: { [id]: to } }, rules: agentRules, strict });
      expect(r.summary.errors).toBe(0);
      const [lowered] = r.findings.filter((f) => f.ruleId === "config-severity-lowered");
      expect(lowered.severity).toBe("warning");
      expect(lowered.fix).toContain(`Lowering ${id} is the remedy for a config shared by stacks checked in separate runs; this warning stays`);
      expect(lowered.fix).toContain("no acknowledgement matches them");
      expect(lowered.fix).toContain(id === "config-address-unmatched" ? "which agents.addresses entries no stack of the run has" : "which agents.names globs and agents.tags selectors no stack");
      expect(lowered.fix).not.toContain("acknowledge the findings one by one");
    }
  });

  test("the control: a rule about rights, lowered, is still to be acknowledged finding by finding", () => {
    const r = checkStacks([a, b], { config: { severity: { "agent-destroy-right": "off" } }, rules: agentRules });
    const [lowered] = r.findings.filter((f) => f.ruleId === "config-severity-lowered");
    expect(lowered.fix).toBe("Remove the override and acknowledge the findings one by one, with a reason and an expiry, if they are intended.");
  });

  test("a run that is not every stack the config is for (the synth gate of an app of several) says nothing", () => {
    const found = checkStacks([a], { config: { agents: { addresses: ["aws_iam_role.agnet"] } }, rules: agentRules, wholeRun: false }).findings;
    expect(found.filter((f) => f.ruleId === "config-address-unmatched")).toEqual([]);
  });
});

describe("the agent's own policies carry its tags", () => {
  const policies = (attached: boolean) =>
    tf({
      "aws_iam_policy.boundary": { name: "b", policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Deny", Action: "ec2:DeleteVolume", Resource: "*" }] }), tags: AGENT },
      "aws_iam_policy.guard": { name: "g", policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }] }), tags: AGENT },
      "aws_iam_role.agent": { name: "agent", assume_role_policy: LAMBDA_TRUST, ...(attached ? { permissions_boundary: "${aws_iam_policy.boundary.arn}" } : {}) },
      ...(attached ? { "aws_iam_role_policy_attachment.g": { role: "${aws_iam_role.agent.name}", policy_arn: "${aws_iam_policy.guard.arn}" } } : {}),
    });

  test("a tagged policy attached to a role (as AgentRole tags its boundary and guards): judged on the role, no finding here", () => {
    expect(marked(policies(true))).toEqual([]);
  });

  test("unattached (red-team round 129, F4): still no finding, a policy is a document and its tag says whose it is", () => {
    // The error said the policy was an agent that is no principal and told the user to remove its tag: no fix at all.
    expect(marked(policies(false))).toEqual([]);
  });

  test("the control: a config address naming a policy meant an agent and selects none, an error", () => {
    const json = tf({ "aws_iam_policy.p": { name: "p", policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }] }) } });
    expect(marked(json, { agents: { addresses: ["aws_iam_policy.p"] } }).map((f) => [f.resource, f.severity])).toEqual([["aws_iam_policy.p", "error"]]);
  });

  test("AgentRole with its boundary removed after construction: the boundary's finding, not one about the policy's tag", () => {
    const { json } = synth((s) => {
      const agent = new AgentRole(s, "Coder", { roleName: "coder", assumedBy: [AgentPrincipal.role(`arn:aws:iam::${APP_ACCOUNT}:role/agent-runner`)] });
      agent.role.resetPermissionsBoundary();
    });
    const found = gateFindings(json);
    expect(found.filter((f) => f.startsWith("agent-marked-not-principal"))).toEqual([]);
    expect(found.filter((f) => f.startsWith("agent-role-boundary [error]"))).toHaveLength(1);
  });
});

test("a marked role policy names the role it attaches to, not one it runs as: the role is no agent by it", () => {
  const json = tf({
    "aws_iam_role.r": { name: "r", assume_role_policy: LAMBDA_TRUST },
    "aws_iam_role_policy.p": { name: "p", role: "${aws_iam_role.r.name}", policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "ec2:DeleteVolume", Resource: "*" }] }), tags_all: AGENT },
  });
  expect(destroyers(json)).toEqual([]);
  expect(marked(json)).toEqual([]);
});

describe("the role a marked resource names, however it is written (red-team round 99, N3)", () => {
  const lambda = (role: string) => ({ "aws_lambda_function.f": { function_name: "f", role, tags: AGENT } });

  test("`aws_iam_role.r[0].arn` and `aws_iam_role.r[\"k\"].arn`: the role, judged as the agent", () => {
    for (const [meta, ref] of [[{ count: 1 }, "${aws_iam_role.r[0].arn}"], [{ for_each: { k: "k" } }, '${aws_iam_role.r["k"].arn}']] as const) {
      const json = withAdminRole(lambda(ref), meta);
      expect(marked(json).map((f) => [f.severity, f.message.includes("It runs as aws_iam_role.r:")])).toEqual([["warning", true]]);
    }
    const json = withAdminRole(lambda("${aws_iam_role.r[0].arn}"), { count: 1 });
    expect(destroyers(json)).toEqual(["aws_iam_role.r"]);
  });

  test("a local that holds the reference: the role; a variable whose default names it: still unresolved (-var may change it)", () => {
    const local = { ...withAdminRole(lambda("${local.role}")), locals: { role: "${aws_iam_role.r.arn}" } };
    expect(marked(local).map((f) => f.severity)).toEqual(["warning"]);
    expect(destroyers(local)).toEqual(["aws_iam_role.r"]);
    const variable = { ...withAdminRole(lambda("${var.role}")), variable: { role: { default: "arn:aws:iam::111111111111:role/r" } } };
    expect(marked(variable).map((f) => [f.severity, f.message.includes("names no role of this stack")])).toEqual([["error", true]]);
  });

  test("an index of another resource's instances names no role of the stack", () => {
    const json = withAdminRole(lambda("${aws_iam_role.other[0].arn}"));
    expect(marked(json).map((f) => f.severity)).toEqual(["error"]);
  });
});

describe("the role the workload's code runs as, not a service role (red-team round 99, F1 and N4)", () => {
  const TRUST = (svc: string) => JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: svc }, Action: "sts:AssumeRole" }] });
  /** `svc`: a role with no rights, for the service itself. */
  const serviceRole = (svc: string) => ({ "aws_iam_role.svc": { name: "svc", assume_role_policy: TRUST(svc) } });
  const promoted = (json: Obj) => marked(json).filter((f) => f.severity === "warning").map((f) => f.evidence.filter((e) => e.step === "runs-as").map((e) => e.address));

  test("an ECS service: its task definition's task role, not its iam_role (load balancer calls); without iam_role too", () => {
    const service = (iam: boolean) =>
      withAdminRole({
        ...serviceRole("ecs.amazonaws.com"),
        "aws_ecs_task_definition.t": { family: "t", container_definitions: "[]", task_role_arn: "${aws_iam_role.r.arn}" },
        "aws_ecs_service.s": { name: "s", task_definition: "${aws_ecs_task_definition.t.arn}", ...(iam ? { iam_role: "${aws_iam_role.svc.arn}" } : {}), tags: AGENT },
      });
    for (const iam of [true, false]) {
      expect(promoted(service(iam))).toEqual([["aws_iam_role.r"]]);
      expect(destroyers(service(iam))).toEqual(["aws_iam_role.r"]);
    }
    expect(marked(service(true))[0].evidence.map((e) => e.detail)).toContain("aws_ecs_service.s task_definition → aws_ecs_task_definition.t.task_role_arn = ${aws_iam_role.r.arn}");
  });

  test("an ECS service whose task definition is not in the stack: an error that says so", () => {
    const json = withAdminRole({ ...serviceRole("ecs.amazonaws.com"), "aws_ecs_service.s": { name: "s", task_definition: "arn:aws:ecs:us-east-1:111111111111:task-definition/other:3", iam_role: "${aws_iam_role.svc.arn}", tags: AGENT } });
    const [f] = marked(json);
    expect(f.severity).toBe("error");
    expect(f.message).toContain("a task definition blastwall cannot find in this stack");
  });

  test("an EKS cluster: its node group's role, not the control plane's; with no nodes in the stack, an error", () => {
    const cluster = (nodes: boolean) =>
      withAdminRole({
        ...serviceRole("eks.amazonaws.com"),
        "aws_eks_cluster.c": { name: "c", role_arn: "${aws_iam_role.svc.arn}", vpc_config: { subnet_ids: ["subnet-1"] }, tags: AGENT },
        ...(nodes ? { "aws_eks_node_group.ng": { cluster_name: "${aws_eks_cluster.c.name}", node_group_name: "ng", node_role_arn: "${aws_iam_role.r.arn}", subnet_ids: ["subnet-1"], scaling_config: { desired_size: 1, max_size: 1, min_size: 1 } } } : {}),
      });
    expect(promoted(cluster(true))).toEqual([["aws_iam_role.r"]]);
    expect(destroyers(cluster(true))).toEqual(["aws_iam_role.r"]);
    const [f] = marked(cluster(false));
    expect(f.severity).toBe("error");
    expect(f.message).toContain("its pods may run as roles it cannot see");
    expect(destroyers(cluster(false))).toEqual([]);
  });

  test("an EKS cluster with an IRSA OIDC provider: the node role is judged, and an error says the pods' roles cannot be told", () => {
    const json = withAdminRole({
      "aws_eks_cluster.c": { name: "c", role_arn: "arn:aws:iam::111111111111:role/eks", vpc_config: { subnet_ids: ["subnet-1"] }, tags: AGENT },
      "aws_eks_node_group.ng": { cluster_name: "${aws_eks_cluster.c.name}", node_group_name: "ng", node_role_arn: "${aws_iam_role.r.arn}", subnet_ids: ["subnet-1"], scaling_config: { desired_size: 1, max_size: 1, min_size: 1 } },
      "aws_iam_openid_connect_provider.oidc": { url: "${aws_eks_cluster.c.identity[0].oidc[0].issuer}", client_id_list: ["sts.amazonaws.com"] },
    });
    const [f] = marked(json);
    expect(f.severity).toBe("error");
    expect(f.message).toContain("IRSA");
    expect(f.message).toContain("blastwall judges aws_iam_role.r as the agent, but not the rest");
    expect(destroyers(json)).toEqual(["aws_iam_role.r"]);
  });

  test("a Batch compute environment: its instance role (through the instance profile), not its service role", () => {
    const json = withAdminRole({
      ...serviceRole("batch.amazonaws.com"),
      "aws_iam_instance_profile.p": { name: "p", role: "${aws_iam_role.r.name}" },
      "aws_batch_compute_environment.ce": { type: "MANAGED", service_role: "${aws_iam_role.svc.arn}", compute_resources: { type: "EC2", instance_role: "${aws_iam_instance_profile.p.arn}", max_vcpus: 4, subnets: ["subnet-1"], security_group_ids: ["sg-1"], instance_type: ["m5.large"] }, tags: AGENT },
    });
    expect(promoted(json)).toEqual([["aws_iam_role.r"]]);
    expect(destroyers(json)).toEqual(["aws_iam_role.r"]);
    const fargate = withAdminRole({
      ...serviceRole("batch.amazonaws.com"),
      "aws_batch_compute_environment.ce": { type: "MANAGED", service_role: "${aws_iam_role.svc.arn}", compute_resources: { type: "FARGATE", max_vcpus: 4, subnets: ["subnet-1"], security_group_ids: ["sg-1"] }, tags: AGENT },
    });
    expect(marked(fargate).map((f) => f.severity)).toEqual(["error"]);
    expect(destroyers(fargate)).toEqual([]);
  });

  test("a type blastwall does not know, whose role attribute names a stack role: an error naming the role, which is not judged", () => {
    const json = withAdminRole({ "aws_flow_log.l": { iam_role_arn: "${aws_iam_role.r.arn}", log_destination: "arn:aws:logs:us-east-1:111111111111:log-group:x", traffic_type: "ALL", tags: AGENT } });
    const [f, ...rest] = marked(json);
    expect(rest).toEqual([]);
    expect(f.severity).toBe("error");
    expect(f.message).toContain("iam_role_arn = ${aws_iam_role.r.arn} names aws_iam_role.r");
    expect(f.message).toContain("does not know whether aws_flow_log runs its code as that role");
    expect(f.fix).toContain("aws_iam_role.r, if that is it");
    expect(destroyers(json)).toEqual([]);
  });
});

describe("marks EC2 puts on instances (red-team round 99, F4)", () => {
  const EC2_TRUST = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }] });
  const base = (entries: Record<string, Obj>, profile: Obj = { name: "${aws_iam_instance_profile.p.name}" }) =>
    withAdminRole(
      {
        "aws_iam_instance_profile.p": { name: "p", role: "${aws_iam_role.r.name}" },
        "aws_launch_template.lt": { name: "lt", image_id: "ami-1", instance_type: "t3.micro", iam_instance_profile: profile },
        ...entries,
      },
      { assume_role_policy: EC2_TRUST },
    );
  const group = (extra: Obj) => ({ name: "g", max_size: 1, min_size: 1, vpc_zone_identifier: ["subnet-1"], launch_template: { id: "${aws_launch_template.lt.id}", version: "$Latest" }, ...extra });
  const tagBlock = (value: string, propagate = true) => ({ key: "blastwall:agent", value, propagate_at_launch: propagate });
  const judged = (json: Obj) => marked(json).map((f) => [f.resource, f.severity]);

  test("an Auto Scaling group's tag block: its launch template's role is judged as the agent", () => {
    const json = base({ "aws_autoscaling_group.g": group({ tag: [tagBlock("true")] }) });
    expect(judged(json)).toEqual([["aws_autoscaling_group.g", "warning"]]);
    expect(marked(json)[0].message).toContain("propagated to its instances");
    expect(destroyers(json)).toEqual(["aws_iam_role.r"]);
    expect(judged(base({ "aws_autoscaling_group.g": group({ tag: [tagBlock("false")] }) }))).toEqual([]);
    expect(judged(base({ "aws_autoscaling_group.g": group({ tag: [{ key: "team", value: "true", propagate_at_launch: true }] }) }))).toEqual([]);
  });

  test("aws_autoscaling_group_tag marks its group; a mixed instances policy's template is followed", () => {
    const json = base({
      "aws_autoscaling_group.g": { name: "g", max_size: 1, min_size: 1, mixed_instances_policy: { launch_template: { launch_template_specification: { launch_template_id: "${aws_launch_template.lt.id}" } } } },
      "aws_autoscaling_group_tag.t": { autoscaling_group_name: "${aws_autoscaling_group.g.name}", tag: tagBlock("true") },
    });
    expect(judged(json)).toEqual([["aws_autoscaling_group.g", "warning"]]);
    expect(destroyers(json)).toEqual(["aws_iam_role.r"]);
  });

  test("a launch template's tag_specifications for instances mark it; for volumes, not", () => {
    const lt = (type: string) => base({ "aws_launch_template.lt": { name: "lt", image_id: "ami-1", iam_instance_profile: { arn: "${aws_iam_instance_profile.p.arn}" }, tag_specifications: [{ resource_type: type, tags: AGENT }] } });
    expect(judged(lt("instance"))).toEqual([["aws_launch_template.lt", "warning"]]);
    expect(destroyers(lt("instance"))).toEqual(["aws_iam_role.r"]);
    expect(judged(lt("volume"))).toEqual([]);
  });

  test("a launch template's own tags, its profile given by name or ARN: its role (control)", () => {
    for (const profile of [{ name: "${aws_iam_instance_profile.p.name}" }, { arn: "${aws_iam_instance_profile.p.arn}" }]) {
      const json = base({ "aws_launch_template.lt": { name: "lt", image_id: "ami-1", iam_instance_profile: profile, tags: AGENT } });
      expect(judged(json)).toEqual([["aws_launch_template.lt", "warning"]]);
    }
  });

  test("aws_ec2_tag on an instance marks the instance; on an id blastwall cannot find, an error on the tag", () => {
    const json = base({
      "aws_instance.i": { ami: "ami-1", instance_type: "t3.micro", iam_instance_profile: "${aws_iam_instance_profile.p.name}" },
      "aws_ec2_tag.t": { resource_id: "${aws_instance.i.id}", key: "blastwall:agent", value: "true" },
    });
    expect(judged(json)).toEqual([["aws_instance.i", "warning"]]);
    expect(destroyers(json)).toEqual(["aws_iam_role.r"]);
    const elsewhere = base({ "aws_ec2_tag.t": { resource_id: "i-0123456789abcdef0", key: "blastwall:agent", value: "true" } });
    expect(judged(elsewhere)).toEqual([["aws_ec2_tag.t", "error"]]);
    expect(judged(base({ "aws_ec2_tag.t": { resource_id: "i-0123456789abcdef0", key: "team", value: "true" } }))).toEqual([]);
  });

  test("red-team round 104: aws_ec2_tag by the literal id a plan writes marks the instance whose id it is", () => {
    const json = base({
      "aws_instance.i": { id: "i-0123456789abcdef0", ami: "ami-1", instance_type: "t3.micro", iam_instance_profile: "${aws_iam_instance_profile.p.name}" },
      "aws_ec2_tag.t": { resource_id: "i-0123456789abcdef0", key: "blastwall:agent", value: "true" },
    });
    expect(judged(json)).toEqual([["aws_instance.i", "warning"]]);
    expect(destroyers(json)).toEqual(["aws_iam_role.r"]);
  });
});

test("config agents.tags: a team tag on buckets and log groups marks nothing; on a Lambda, its role is judged (red-team round 99, N1)", () => {
  const TEAM = { team: "agents" };
  const config = { agents: { tags: TEAM } };
  const json = withAdminRole({
    "aws_s3_bucket.b": { bucket: "b", tags: TEAM },
    "aws_cloudwatch_log_group.l": { name: "l", tags: TEAM },
    "aws_flow_log.f": { iam_role_arn: "${aws_iam_role.r.arn}", log_destination: "${aws_cloudwatch_log_group.l.arn}", traffic_type: "ALL", tags: TEAM },
  });
  expect(marked(json, config)).toEqual([]);
  expect(destroyers(json, config)).toEqual([]);
  const lambda = withAdminRole({ "aws_lambda_function.f": { function_name: "f", role: "${aws_iam_role.r.arn}", tags: TEAM } });
  expect(marked(lambda, config).map((f) => [f.resource, f.severity])).toEqual([["aws_lambda_function.f", "warning"]]);
  expect(destroyers(lambda, config)).toEqual(["aws_iam_role.r"]);
  // The agent tag itself on a bucket is still a mark (someone meant it as the agent).
  expect(marked(tf({ "aws_s3_bucket.b": { bucket: "b", tags: AGENT } }), config).map((f) => f.severity)).toEqual(["error"]);
});

describe("what the errors say (red-team round 108, F5a and F5b)", () => {
  test("a service-linked role: only its service can assume it, the mark is misplaced; an error all the same", () => {
    const [f, ...rest] = marked(tf({ "aws_iam_service_linked_role.es": { aws_service_name: "opensearchservice.amazonaws.com", tags: AGENT } }));
    expect(rest).toEqual([]);
    expect(f.severity).toBe("error");
    expect(f.message).toContain("but it is a service-linked role: only its service (opensearchservice.amazonaws.com) can assume it, so no agent can hold its credentials");
    expect(f.message).toContain("the mark is misplaced");
    expect(f.message).not.toContain("not credentials blastwall judges (an IAM role or user");
    expect(f.fix).toContain("Remove the mark from aws_iam_service_linked_role.es");
  });

  test("no error says the gate passes what it fails: each says the error fails the gate instead", () => {
    const cases = [
      tf({ "aws_s3_bucket.b": { bucket: "b", tags: AGENT } }),
      tf({ "aws_iam_group.g": { name: "g", tags: AGENT } }),
      tf({ "aws_lambda_function.f": { function_name: "f", role: "arn:aws:iam::111111111111:role/elsewhere", tags: AGENT } }),
      tf({ "data.aws_lambda_function.f": { function_name: "f" } }),
      tf({ "aws_iam_service_linked_role.es": { aws_service_name: "opensearchservice.amazonaws.com", tags: AGENT } }),
    ];
    const found = cases.flatMap((json, i) => marked(json, i === 3 ? { agents: { addresses: ["data.aws_lambda_function.f"] } } : {}));
    expect(found.map((f) => f.severity)).toEqual(["error", "error", "error", "error", "error"]);
    for (const f of found) {
      expect(f.message).not.toMatch(/passes (it|them)? ?unseen/);
      expect(f.message).toMatch(/this error fails the gate|This error fails the gate/i);
    }
  });

  const IC = "${tolist(data.aws_ssoadmin_instances.this.arns)[0]}";
  /** An Identity Center user `bot`, assigned permission set `power` directly or through group `g`. */
  const identityCenter = (opts: { viaGroup?: boolean; setTags?: Obj; assign?: boolean } = {}) =>
    tf({
      "data.aws_ssoadmin_instances.this": {},
      "aws_identitystore_user.bot": { identity_store_id: "d-1234567890", display_name: "Coding Agent", user_name: "coding-agent", name: [{ given_name: "Coding", family_name: "Agent" }] },
      "aws_identitystore_group.g": { identity_store_id: "d-1234567890", display_name: "agents" },
      "aws_identitystore_group_membership.m": { identity_store_id: "d-1234567890", group_id: "${aws_identitystore_group.g.group_id}", member_id: "${aws_identitystore_user.bot.user_id}" },
      "aws_ssoadmin_permission_set.power": { instance_arn: IC, name: "PowerUser", session_duration: "PT8H", ...(opts.setTags ? { tags: opts.setTags } : {}) },
      "aws_ssoadmin_managed_policy_attachment.power": { instance_arn: IC, permission_set_arn: "${aws_ssoadmin_permission_set.power.arn}", managed_policy_arn: "arn:aws:iam::aws:policy/PowerUserAccess" },
      ...(opts.assign === false
        ? {}
        : {
            "aws_ssoadmin_account_assignment.bot": {
              instance_arn: IC,
              permission_set_arn: "${aws_ssoadmin_permission_set.power.arn}",
              principal_id: opts.viaGroup ? "${aws_identitystore_group.g.group_id}" : "${aws_identitystore_user.bot.user_id}",
              principal_type: opts.viaGroup ? "GROUP" : "USER",
              target_id: "111111111111",
              target_type: "AWS_ACCOUNT",
            },
          }),
    });
  const BOT = { agents: { addresses: ["aws_identitystore_user.bot"] } };

  test("an Identity Center user: the fix names the permission set the stack assigns it, directly or through a group", () => {
    for (const viaGroup of [false, true]) {
      const [f, ...rest] = marked(identityCenter({ viaGroup }), BOT);
      expect(rest).toEqual([]);
      expect(f.severity).toBe("error");
      expect(f.message).toContain("but it is an Identity Center user: it signs in and acts through the permission sets assigned to it");
      expect(f.message).toContain("This stack assigns it aws_ssoadmin_permission_set.power, which is not marked as an agent");
      expect(f.fix).toContain('Tag aws_ssoadmin_permission_set.power with blastwall:agent = "true", or select that permission set in blastwall.json');
      expect(f.fix).not.toContain("Tag the role or user");
      expect(f.evidence.map((e) => e.detail)).toContain(
        viaGroup
          ? "aws_ssoadmin_account_assignment.bot assigns aws_ssoadmin_permission_set.power to aws_identitystore_group.g, which aws_identitystore_user.bot is a member of"
          : "aws_ssoadmin_account_assignment.bot assigns aws_ssoadmin_permission_set.power to aws_identitystore_user.bot",
      );
    }
  });

  test("the controls: no assignment in the stack says so; the permission set marked too, nothing from this rule", () => {
    const [none] = marked(identityCenter({ assign: false }), BOT);
    expect(none.message).toContain("this stack assigns it none (aws_ssoadmin_account_assignment)");
    expect(none.fix).toContain("Tag the permission set assigned to the agent (aws_ssoadmin_permission_set)");
    expect(marked(identityCenter({ setTags: AGENT }), BOT)).toEqual([]);
    expect(marked(identityCenter(), { agents: { addresses: ["aws_identitystore_user.bot", "aws_ssoadmin_permission_set.power"] } })).toEqual([]);
  });
});
