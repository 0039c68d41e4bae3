/**
 * Red-team round 122 F3: an agent's runtime deleted at one address and created at another (a for_each key renamed, a
 * resource renamed without a moved block) as the same workload (the same function name, family, service account or
 * profile name) but on a role that is no agent passed the gate: only updates and replaces were judged.
 */
import { evaluatePlan } from "../../lib/plan/evaluate";
import { readPlan } from "../../lib/plan/read-plan";
import { change, minimalPlan, tempDir, writeTemp } from "./helpers";

const ACCOUNT = "111111111111";
const AGENT = { "blastwall:agent": "true" };
const trust = (service: string) => JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: ["sts:AssumeRole", "sts:TagSession"] }] });
const role = (name: string, service: string, tags: Record<string, string> = {}) => ({ name, path: "/", arn: `arn:aws:iam::${ACCOUNT}:role/${name}`, assume_role_policy: trust(service), max_session_duration: 3600, tags, tags_all: tags });

type Change = Record<string, unknown> & { address: string; type: string; name: string; module_address?: string; change: { actions: string[]; before: unknown; after: unknown; after_unknown?: unknown } };
const same = (address: string, values: unknown) => change(address, ["no-op"], values, values) as Change;
const moduleOf = (address: string) => /^(module\.[^.]+(?:\.module\.[^.]+)*)\./.exec(address)?.[1];
const at = (address: string, actions: string[], before: unknown, after: unknown) => {
  const m = moduleOf(address);
  return change(address, actions, before, after, m ? { module_address: m } : {}) as Change;
};
const add = (address: string, values: unknown, unknown?: Record<string, unknown>) => {
  const c = at(address, ["create"], null, values);
  if (unknown) c.change.after_unknown = unknown;
  return c;
};
const del = (address: string, values: unknown) => at(address, ["delete"], values, null);
const forget = (address: string, values: unknown) => at(address, ["forget"], values, null);

function plan(changes: Change[]) {
  const side = (pick: (c: Change) => unknown) => {
    const root: { resources: unknown[]; child_modules: { address: string; resources: unknown[] }[] } = { resources: [], child_modules: [] };
    for (const c of changes) {
      const values = pick(c);
      if (values === null) continue;
      const r = { address: c.address, mode: "managed", type: c.type, name: c.name, provider_name: "registry.terraform.io/hashicorp/aws", values };
      if (!c.module_address) root.resources.push(r);
      else {
        let child = root.child_modules.find((x) => x.address === c.module_address);
        if (!child) root.child_modules.push((child = { address: c.module_address, resources: [] }));
        child.resources.push(r);
      }
    }
    return root;
  };
  return minimalPlan(changes, {
    planned_values: { root_module: side((c) => c.change.after) },
    prior_state: { format_version: "1.0", values: { root_module: side((c) => c.change.before) } },
  });
}

const moved = (p: Record<string, unknown>) =>
  evaluatePlan(readPlan(writeTemp(tempDir(), "plan.json", JSON.stringify(p))), { config: {} }).judged.filter((j) => j.finding.ruleId === "plan-agent-runtime-moved");
const flagged = (changes: Change[]) => moved(plan(changes)).map((j) => j.finding.resource);

const LAMBDA = "lambda.amazonaws.com";
const coder = role("coder", LAMBDA, AGENT);
const helper = role("helper", LAMBDA);
const fn = (name: string, r: { arn: string }) => ({ function_name: name, role: r.arn, handler: "index.handler", runtime: "nodejs20.x", tags: {}, tags_all: {} });
const lambdaRoles = [same("aws_iam_role.coder", coder), same("aws_iam_role.helper", helper)];

describe("plan-agent-runtime-moved: an agent's runtime re-created at another address (red-team round 122 F3)", () => {
  test("a for_each key renamed, the same function_name on a role that is no agent: blocked, naming both addresses and the function", () => {
    const found = moved(plan([...lambdaRoles, del('aws_lambda_function.f["a"]', fn("agent-runner", coder)), add('aws_lambda_function.f["b"]', fn("agent-runner", helper))]));
    expect(found.map((j) => j.finding.resource)).toEqual(['aws_lambda_function.f["b"]']);
    expect(found[0].finding.message).toContain('deletes aws_lambda_function.f["a"]');
    expect(found[0].finding.message).toContain('function_name = "agent-runner"');
    expect(found[0].finding.message).toContain("aws_iam_role.helper");
  });

  test("a resource renamed without a moved block, into a module: blocked; a forget instead of a delete: blocked too", () => {
    expect(flagged([...lambdaRoles, del("aws_lambda_function.agent", fn("agent-runner", coder)), add("module.jobs.aws_lambda_function.runner", fn("agent-runner", helper))])).toEqual([
      "module.jobs.aws_lambda_function.runner",
    ]);
    expect(flagged([...lambdaRoles, forget("aws_lambda_function.agent", fn("agent-runner", coder)), add("aws_lambda_function.agent2", fn("agent-runner", helper))])).toEqual([
      "aws_lambda_function.agent2",
    ]);
  });

  test("controls: re-created on the agent role passes; a new function with a new name beside the deleted agent passes", () => {
    expect(flagged([...lambdaRoles, del('aws_lambda_function.f["a"]', fn("agent-runner", coder)), add('aws_lambda_function.f["b"]', fn("agent-runner", coder))])).toEqual([]);
    expect(flagged([...lambdaRoles, del("aws_lambda_function.agent", fn("agent-runner", coder)), add("aws_lambda_function.report", fn("nightly-report", helper))])).toEqual([]);
  });

  test("a name known only after apply: blocked when the plan deletes an agent function, passes when it deletes none or only another role's", () => {
    const unknownName = { ...fn("x", helper), function_name: null };
    const created = () => add("aws_lambda_function.agent2", unknownName, { function_name: true });
    expect(flagged([...lambdaRoles, del("aws_lambda_function.agent", fn("agent-runner", coder)), created()])).toEqual(["aws_lambda_function.agent2"]);
    expect(flagged([...lambdaRoles, created()])).toEqual([]);
    expect(flagged([...lambdaRoles, same("aws_lambda_function.agent", fn("agent-runner", coder)), del("aws_lambda_function.old", fn("old-job", helper)), created()])).toEqual([]);
  });

  test("a new role the plan creates (its ARN known only after apply) for the re-created function: blocked, the role cannot be told", () => {
    const fresh = add("aws_lambda_function.agent2", { ...fn("agent-runner", helper), role: null }, { role: true });
    const newRole = add("aws_iam_role.next", { ...role("next", LAMBDA), arn: null }, { arn: true });
    expect(flagged([...lambdaRoles, newRole, del("aws_lambda_function.agent", fn("agent-runner", coder)), fresh])).toEqual(["aws_lambda_function.agent2"]);
  });

  test("an ECS task definition family re-created elsewhere with a task role that is no agent: blocked; another family passes", () => {
    const ECS = "ecs-tasks.amazonaws.com";
    const agentTask = role("coder-task", ECS, AGENT);
    const plainTask = role("plain-task", ECS);
    const roles = [same("aws_iam_role.task", agentTask), same("aws_iam_role.plain", plainTask)];
    const td = (family: string, r: { arn: string }) => ({ family, task_role_arn: r.arn, container_definitions: "[]", tags: {}, tags_all: {} });
    expect(flagged([...roles, del("aws_ecs_task_definition.coder", td("coder", agentTask)), add("aws_ecs_task_definition.coder_v2", td("coder", plainTask))])).toEqual([
      "aws_ecs_task_definition.coder_v2",
    ]);
    expect(flagged([...roles, del("aws_ecs_task_definition.coder", td("coder", agentTask)), add("aws_ecs_task_definition.web", td("web", plainTask))])).toEqual([]);
  });

  test("a Pod Identity association re-created for the same cluster, namespace and service account: blocked; another service account passes", () => {
    const PODS = "pods.eks.amazonaws.com";
    const agentPod = role("coder-pod", PODS, AGENT);
    const otherPod = role("other-pod", PODS);
    const roles = [same("aws_iam_role.coder", agentPod), same("aws_iam_role.other", otherPod)];
    const assoc = (sa: string, r: { arn: string }) => ({ cluster_name: "main", namespace: "agents", service_account: sa, role_arn: r.arn, tags: {}, tags_all: {} });
    expect(flagged([...roles, del('aws_eks_pod_identity_association.x["coder"]', assoc("coder", agentPod)), add("aws_eks_pod_identity_association.coder", assoc("coder", otherPod))])).toEqual([
      "aws_eks_pod_identity_association.coder",
    ]);
    expect(flagged([...roles, del('aws_eks_pod_identity_association.x["coder"]', assoc("coder", agentPod)), add("aws_eks_pod_identity_association.metrics", assoc("metrics", otherPod))])).toEqual([]);
  });

  test("an instance profile re-created under the same name with a role that is no agent: blocked", () => {
    const EC2 = "ec2.amazonaws.com";
    const agentBox = role("coder-box", EC2, AGENT);
    const plainBox = role("plain-box", EC2);
    const profile = (r: { name: string }) => ({ name: "agent-profile", role: r.name, path: "/", tags: {}, tags_all: {} });
    expect(flagged([same("aws_iam_role.coder", agentBox), same("aws_iam_role.plain", plainBox), del("aws_iam_instance_profile.agent", profile(agentBox)), add("aws_iam_instance_profile.agent2", profile(plainBox))])).toEqual([
      "aws_iam_instance_profile.agent2",
    ]);
  });

  test("a type with no name of its own (an instance): paired within its module only", () => {
    const EC2 = "ec2.amazonaws.com";
    const agentBox = role("coder-box", EC2, AGENT);
    const plainBox = role("plain-box", EC2);
    const profile = (name: string, r: { name: string }) => ({ name, role: r.name, path: "/", tags: {}, tags_all: {} });
    const base = [
      same("aws_iam_role.coder", agentBox),
      same("aws_iam_role.plain", plainBox),
      same("aws_iam_instance_profile.agent", profile("agent-profile", agentBox)),
      same("aws_iam_instance_profile.plain", profile("plain-profile", plainBox)),
    ];
    const inst = (p: string) => ({ ami: "ami-1", instance_type: "t3.micro", iam_instance_profile: p, tags: {}, tags_all: {} });
    expect(flagged([...base, del('module.agent.aws_instance.box["a"]', inst("agent-profile")), add('module.agent.aws_instance.box["b"]', inst("plain-profile"))])).toEqual([
      'module.agent.aws_instance.box["b"]',
    ]);
    expect(flagged([...base, del("module.agent.aws_instance.box", inst("agent-profile")), add("module.web.aws_instance.box", inst("plain-profile"))])).toEqual([]);
  });
});

describe("plan-agent-runtime-moved: App Runner services and AgentCore runtimes are known by their names too", () => {
  test("an App Runner service renamed into a module with the same service_name, on a role that is no agent: blocked; another service_name passes", () => {
    const TASKS = "tasks.apprunner.amazonaws.com";
    const agentRole = role("runner-agent", TASKS, AGENT);
    const plain = role("runner-plain", TASKS);
    const roles = [same("aws_iam_role.a", agentRole), same("aws_iam_role.p", plain)];
    const svc = (name: string, r: { arn: string }) => ({ service_name: name, instance_configuration: [{ instance_role_arn: r.arn }], source_configuration: [], tags: {}, tags_all: {} });
    expect(flagged([...roles, del("aws_apprunner_service.coder", svc("coder", agentRole)), add("module.web.aws_apprunner_service.app", svc("coder", plain))])).toEqual([
      "module.web.aws_apprunner_service.app",
    ]);
    expect(flagged([...roles, del("aws_apprunner_service.coder", svc("coder", agentRole)), add("module.web.aws_apprunner_service.app", svc("shop", plain))])).toEqual([]);
  });
});

describe("plan-agent-runtime-moved after red-team round 126", () => {
  test("F1: an agent's function forgotten at one address and imported at another on a role that is no agent: blocked (an import is new at its address)", () => {
    const imported = at("aws_lambda_function.imported", ["update"], fn("agent-runner", coder), fn("agent-runner", helper));
    (imported.change as Record<string, unknown>).importing = { id: "agent-runner" };
    // As Terraform writes it: the object to import is not in the prior state, only in the change's before.
    const p = plan([...lambdaRoles, forget("aws_lambda_function.agent", fn("agent-runner", coder)), imported]) as { prior_state: { values: { root_module: { resources: { address: string }[] } } } };
    const prior = p.prior_state.values.root_module;
    prior.resources = prior.resources.filter((r) => r.address !== "aws_lambda_function.imported");
    expect(moved(p as unknown as Record<string, unknown>).map((j) => j.finding.resource)).toEqual(["aws_lambda_function.imported"]);
    // Control: imported on the agent role.
    const kept = at("aws_lambda_function.imported", ["no-op"], fn("agent-runner", coder), fn("agent-runner", coder));
    (kept.change as Record<string, unknown>).importing = { id: "agent-runner" };
    expect(flagged([...lambdaRoles, forget("aws_lambda_function.agent", fn("agent-runner", coder)), kept])).toEqual([]);
  });

  test("F2: a Bedrock agent moved to another module with the same agent_name on a role that is no agent: blocked", () => {
    const BEDROCK = "bedrock.amazonaws.com";
    const a = role("bedrock-agent", BEDROCK, AGENT);
    const p = role("bedrock-plain", BEDROCK);
    const agent = (r: { arn: string }) => ({ agent_name: "triage", agent_resource_role_arn: r.arn, foundation_model: "anthropic.claude", tags: {}, tags_all: {} });
    const roles = [same("aws_iam_role.a", a), same("aws_iam_role.p", p)];
    expect(flagged([...roles, del("aws_bedrockagent_agent.triage", agent(a)), add("module.ai.aws_bedrockagent_agent.triage", agent(p))])).toEqual(["module.ai.aws_bedrockagent_agent.triage"]);
  });

  test("F4: node groups are one workload by cluster and node group name: another group added to the cluster passes, the same name on a role that is no agent is blocked", () => {
    const EC2 = "ec2.amazonaws.com";
    const nodes = role("agent-nodes", EC2, AGENT);
    const plain = role("plain-nodes", EC2);
    const group = (name: string, r: { arn: string }) => ({ cluster_name: "main", node_group_name: name, node_role_arn: r.arn, subnet_ids: ["subnet-1"], tags: {}, tags_all: {} });
    const roles = [same("aws_iam_role.nodes", nodes), same("aws_iam_role.plain", plain)];
    expect(flagged([...roles, del("aws_eks_node_group.agents", group("agents", nodes)), add("aws_eks_node_group.web", group("web", plain))])).toEqual([]);
    expect(flagged([...roles, del("aws_eks_node_group.agents", group("agents", nodes)), add("module.k.aws_eks_node_group.agents", group("agents", plain))])).toEqual(["module.k.aws_eks_node_group.agents"]);
  });
});

describe("plan-agent-runtime-moved: a replace at another address that takes over a deleted agent runtime", () => {
  const replace = (address: string, before: unknown, after: unknown) => at(address, ["delete", "create"], before, after);
  const update = (address: string, before: unknown, after: unknown) => at(address, ["update"], before, after);

  test("another function replaced to take the deleted agent function's name, on its own role that is no agent: blocked, said as a replace", () => {
    const found = moved(plan([...lambdaRoles, del("aws_lambda_function.agent", fn("agent-runner", coder)), replace("aws_lambda_function.job", fn("nightly-job", helper), fn("agent-runner", helper))]));
    expect(found.map((j) => j.finding.resource)).toEqual(["aws_lambda_function.job"]);
    expect(found[0].finding.message).toContain("deletes aws_lambda_function.agent");
    expect(found[0].finding.message).toContain("and replaces aws_lambda_function.job as the same workload");
    expect(found[0].finding.message).toContain("aws_iam_role.helper");
  });

  test("the same changed in place (an update that takes over the agent's code): blocked, said as a change", () => {
    const zip = (name: string, r: { arn: string }, hash: string) => ({ ...fn(name, r), filename: "agent.zip", source_code_hash: hash });
    const found = moved(plan([...lambdaRoles, del("aws_lambda_function.agent", zip("agent-runner", coder, "h-agent")), update("aws_lambda_function.job", zip("nightly-job", helper, "h-job"), zip("nightly-job", helper, "h-agent"))]));
    expect(found.map((j) => j.finding.resource)).toEqual(["aws_lambda_function.job"]);
    expect(found[0].finding.message).toContain("and changes aws_lambda_function.job with the same source_code_hash as aws_lambda_function.agent");
  });

  test("controls: a replace that keeps its own name beside a deleted agent function passes; one that takes the name onto the agent role passes", () => {
    expect(flagged([...lambdaRoles, del("aws_lambda_function.agent", fn("agent-runner", coder)), replace("aws_lambda_function.job", fn("nightly-job", helper), { ...fn("nightly-job", helper), runtime: "nodejs22.x" })])).toEqual([]);
    expect(flagged([...lambdaRoles, del("aws_lambda_function.agent", fn("agent-runner", coder)), replace("aws_lambda_function.job", fn("nightly-job", coder), fn("agent-runner", coder))])).toEqual([]);
    expect(flagged([...lambdaRoles, replace("aws_lambda_function.job", fn("nightly-job", helper), fn("agent-runner", helper))])).toEqual([]);
  });
});
