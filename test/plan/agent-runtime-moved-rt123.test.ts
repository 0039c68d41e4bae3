/**
 * Red-team round 123: false alarms of the round-119 plan rules on ordinary plans. F1: every image deploy of an agent's
 * ECS service (a new task definition revision, the service's `task_definition` known only after apply) failed though
 * the new revision keeps the task role. F8: an agent role renamed at its address (a replacement) left its function's
 * `role` unknown, and the advice (apply the role first with -target) would delete the role the function runs as.
 * F2: retiring an agent while adding an unrelated role for the same service (another Lambda, a Pod Identity add-on,
 * an IRSA role for another service account) read as the agent's successor.
 */
import { evaluatePlan } from "../../lib/plan/evaluate";
import { readPlan } from "../../lib/plan/read-plan";
import type { PlanGateConfig } from "../../lib/plan/types";
import { change, minimalPlan, tempDir, writeTemp } from "./helpers";

const ACCOUNT = "111111111111";
const AGENT = { "blastwall:agent": "true" };
const trust = (principal: Record<string, unknown>, condition?: Record<string, unknown>) =>
  JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: principal, Action: principal.Federated ? "sts:AssumeRoleWithWebIdentity" : "sts:AssumeRole", ...(condition ? { Condition: condition } : {}) }] });
const ECS = trust({ Service: "ecs-tasks.amazonaws.com" });
const LAMBDA = trust({ Service: "lambda.amazonaws.com" });

function role(name: string, opts: { tags?: Record<string, string>; trust?: string } = {}) {
  return { name, path: "/", arn: `arn:aws:iam::${ACCOUNT}:role/${name}`, assume_role_policy: opts.trust ?? LAMBDA, tags: opts.tags ?? {}, tags_all: opts.tags ?? {} };
}

type Change = Record<string, unknown> & { address: string; type: string; name: string; change: { actions: string[]; before: unknown; after: unknown } };
const same = (address: string, values: unknown) => change(address, ["no-op"], values, values) as Change;
const upd = (address: string, before: unknown, after: unknown, actions = ["update"]) => change(address, actions, before, after) as Change;
const add = (address: string, values: unknown) => change(address, ["create"], null, values) as Change;
const del = (address: string, values: unknown) => change(address, ["delete"], values, null) as Change;

/** References by address and argument, as `terraform show -json` writes a configuration's expressions. */
type Refs = Record<string, Record<string, string[]>>;

function plan(changes: Change[], unknown: Record<string, Record<string, unknown>> = {}, refs?: Refs) {
  const res = (c: Change, values: unknown) => ({ address: c.address, mode: "managed", type: c.type, name: c.name, provider_name: "registry.terraform.io/hashicorp/aws", values });
  const before = changes.filter((c) => c.change.before !== null).map((c) => res(c, c.change.before));
  const after = changes.filter((c) => c.change.after !== null).map((c) => res(c, c.change.after));
  for (const c of changes) if (unknown[c.address]) (c.change as Record<string, unknown>).after_unknown = unknown[c.address];
  const resources = Object.entries(refs ?? {}).map(([address, args]) => {
    const [type, name] = address.split(".");
    return { address, mode: "managed", type, name, expressions: Object.fromEntries(Object.entries(args).map(([a, r]) => [a, { references: r }])) };
  });
  return minimalPlan(changes, {
    planned_values: { root_module: { resources: after } },
    prior_state: { format_version: "1.0", values: { root_module: { resources: before } } },
    configuration: { root_module: refs ? { resources } : {} },
  });
}

function findings(p: Record<string, unknown>, ruleId: string, config: PlanGateConfig = {}) {
  const ev = evaluatePlan(readPlan(writeTemp(tempDir(), "plan.json", JSON.stringify(p))), { config });
  return ev.judged.filter((j) => j.finding.ruleId === ruleId).map((j) => j.finding);
}

describe("plan-agent-runtime-moved: an ECS service deploying a new task definition revision (F1)", () => {
  const coder = role("coder-agent", { tags: AGENT, trust: ECS });
  const helper = role("helper", { trust: ECS });
  const exec = role("ecs-exec", { trust: ECS });
  const td = (task: { arn: string }, image: string, revision?: number) => ({
    family: "coder",
    task_role_arn: task.arn,
    execution_role_arn: exec.arn,
    container_definitions: JSON.stringify([{ name: "coder", image: `coder:${image}` }]),
    tags: {},
    tags_all: {},
    ...(revision !== undefined ? { arn: `arn:aws:ecs:eu-west-1:${ACCOUNT}:task-definition/coder:${revision}`, revision } : {}),
  });
  const svc = (taskDefinition: string | null) => ({ name: "coder", cluster: `arn:aws:ecs:eu-west-1:${ACCOUNT}:cluster/agents`, task_definition: taskDefinition, desired_count: 1, tags: {}, tags_all: {} });
  const UNKNOWN = { "aws_ecs_task_definition.coder": { arn: true, revision: true }, "aws_ecs_service.coder": { task_definition: true } };
  const BY_ARN: Refs = { "aws_ecs_service.coder": { task_definition: ["aws_ecs_task_definition.coder.arn", "aws_ecs_task_definition.coder"] } };
  const deploy = (next: { arn: string }, extra: Change[] = []) => [
    same("aws_iam_role.coder", coder),
    same("aws_iam_role.exec", exec),
    ...extra,
    upd("aws_ecs_task_definition.coder", td(coder, "1.4.0", 7), td(next, "1.5.0"), ["delete", "create"]),
    upd("aws_ecs_service.coder", svc(td(coder, "1.4.0", 7).arn!), svc(null)),
  ];

  test("the red-team plan: a new image, the same task role, the service naming the task definition by its arn: still blocked (fail closed), with approval as the way through", () => {
    // The plan lists what the expression refers to, not the expression: replace(aws_ecs_task_definition.coder.arn,
    // "coder", "helper") refers to the same and names another task definition, so the reference is not the value.
    const fs = findings(plan(deploy(coder), UNKNOWN, BY_ARN), "plan-agent-runtime-moved");
    expect(fs.map((f) => f.resource)).toEqual(["aws_ecs_service.coder"]);
    expect(fs[0].message).toContain("the plan does not show which task definition revision the service gets");
    expect(fs[0].message).toContain("`blastwall approve`");
  });

  test("the new revision runs as a role that is no agent: the service is blocked too, not read as kept", () => {
    const fs = findings(plan(deploy(helper, [same("aws_iam_role.helper", helper)]), UNKNOWN, BY_ARN), "plan-agent-runtime-moved");
    expect(fs.map((f) => f.resource).sort()).toEqual(["aws_ecs_service.coder", "aws_ecs_task_definition.coder"]);
  });

  test("the service moved to another task definition of the plan that runs as a role that is no agent: blocked", () => {
    const other = { ...td(helper, "1.5.0"), family: "other" };
    const refs: Refs = { "aws_ecs_service.coder": { task_definition: ["aws_ecs_task_definition.other.arn", "aws_ecs_task_definition.other"] } };
    const changes = [same("aws_iam_role.coder", coder), same("aws_iam_role.helper", helper), same("aws_ecs_task_definition.coder", td(coder, "1.4.0", 7)), add("aws_ecs_task_definition.other", other), upd("aws_ecs_service.coder", svc(td(coder, "1.4.0", 7).arn!), svc(null))];
    const fs = findings(plan(changes, { "aws_ecs_task_definition.other": { arn: true }, "aws_ecs_service.coder": { task_definition: true } }, refs), "plan-agent-runtime-moved");
    expect(fs.map((f) => f.resource)).toEqual(["aws_ecs_service.coder"]);
  });

  test("no configuration, or an expression that refers to more than the task definition's arn: blocked, and the message says the revision is what is unknown", () => {
    const refsMore: Refs = { "aws_ecs_service.coder": { task_definition: ["var.pin", "aws_ecs_task_definition.coder.arn", "aws_ecs_task_definition.coder"] } };
    const byRevision: Refs = { "aws_ecs_service.coder": { task_definition: ["aws_ecs_task_definition.coder.revision", "aws_ecs_task_definition.coder"] } };
    for (const refs of [undefined, refsMore, byRevision]) {
      const fs = findings(plan(deploy(coder), UNKNOWN, refs), "plan-agent-runtime-moved");
      expect(fs.map((f) => f.resource)).toEqual(["aws_ecs_service.coder"]);
      expect(fs[0].message).toContain("the plan does not show which task definition revision the service gets");
      expect(fs[0].message).toContain("`blastwall approve`");
    }
  });
});

describe("plan-agent-runtime-moved: an agent role replaced at its address (F8)", () => {
  const coder = role("coder", { tags: AGENT });
  const renamed = role("ai-coder", { tags: AGENT });
  const fn = (r: { arn: string } | null) => ({ function_name: "coder", role: r ? r.arn : null, runtime: "python3.12", handler: "h.h", tags: {}, tags_all: {} });
  const UNKNOWN = { "aws_iam_role.coder": { arn: true, id: true, unique_id: true }, "aws_lambda_function.coder": { role: true } };
  const rename = (extra: Change[] = []) => [upd("aws_iam_role.coder", coder, { ...renamed, arn: null }, ["create", "delete"]), ...extra, upd("aws_lambda_function.coder", fn(coder), fn(null))];

  test("the red-team plan with its configuration: the function's role refers to the replaced role: still blocked (a function of the reference may name another role), with approval as the way through", () => {
    const refs: Refs = { "aws_lambda_function.coder": { role: ["aws_iam_role.coder.arn", "aws_iam_role.coder"] } };
    const fs = findings(plan(rename(), UNKNOWN, refs), "plan-agent-runtime-moved");
    expect(fs).toHaveLength(1);
    expect(fs[0].message).toContain("is replaced by this plan at its address and stays an agent");
  });

  test("the function referring to a new role that is no agent: blocked", () => {
    const helper = role("helper");
    const refs: Refs = { "aws_lambda_function.coder": { role: ["aws_iam_role.helper.arn", "aws_iam_role.helper"] } };
    const fs = findings(plan(rename([add("aws_iam_role.helper", { ...helper, arn: null })]), { ...UNKNOWN, "aws_iam_role.helper": { arn: true } }, refs), "plan-agent-runtime-moved");
    expect(fs.map((f) => f.resource)).toEqual(["aws_lambda_function.coder"]);
  });

  test("without the configuration it stays blocked, and the advice is approval, not a targeted apply that deletes the role in use", () => {
    const fs = findings(plan(rename(), UNKNOWN), "plan-agent-runtime-moved");
    expect(fs).toHaveLength(1);
    expect(fs[0].message).toContain("aws_iam_role.coder, which it ran as, is replaced by this plan at its address and stays an agent");
    expect(fs[0].message).toContain("`blastwall approve`");
    expect(fs[0].message).toContain("applying the role first with -target would delete the role aws_lambda_function.coder runs as");
  });
});

describe("plan-agent-role-replaced: a retired agent and an unrelated role for the same service (F2)", () => {
  const RULE = "plan-agent-role-replaced";
  const fn = (name: string, r: { arn: string } | null) => ({ function_name: name, role: r ? r.arn : null, runtime: "python3.12", handler: "app.handler", tags: {}, tags_all: {} });
  const triage = role("triage-agent", { tags: AGENT });
  const resize = role("image-resize");
  const newRole = add("aws_iam_role.resize", { ...resize, arn: null });
  const UNKNOWN = { "aws_iam_role.resize": { arn: true }, "aws_lambda_function.resize": { role: true }, "aws_lambda_function.triage": { role: true }, "aws_lambda_function.triage2": { role: true } };

  test("the red-team Lambda plan: the agent's function deleted with its role, another function with its own new role: passes", () => {
    const p = plan([del("aws_iam_role.triage", triage), del("aws_lambda_function.triage", fn("triage", triage)), newRole, add("aws_lambda_function.resize", fn("image-resize", null))], UNKNOWN);
    expect(findings(p, RULE)).toEqual([]);
  });

  test("the agent's function left running (pointed at the new role, or forgotten), the same function created again at another address, or no runtime of it in the plan: blocked", () => {
    const kept = plan([del("aws_iam_role.triage", triage), upd("aws_lambda_function.triage", fn("triage", triage), fn("triage", null)), newRole], UNKNOWN);
    const again = plan([del("aws_iam_role.triage", triage), del("aws_lambda_function.triage", fn("triage", triage)), newRole, add("aws_lambda_function.triage2", fn("triage", null))], UNKNOWN);
    const none = plan([del("aws_iam_role.triage", triage), newRole], UNKNOWN);
    // A removed block that keeps the function leaves it running in the account, out of the plan's sight.
    const forgotten = plan([del("aws_iam_role.triage", triage), change("aws_lambda_function.triage", ["forget"], fn("triage", triage), null) as Change, newRole], UNKNOWN);
    // Renamed at its address (a replacement): still the agent's function, whatever its name.
    const renamed = plan([del("aws_iam_role.triage", triage), upd("aws_lambda_function.triage", fn("triage", triage), fn("triage-v2", null), ["delete", "create"]), newRole], UNKNOWN);
    for (const p of [kept, again, none, forgotten, renamed]) {
      const fs = findings(p, RULE);
      expect(fs.map((f) => f.resource)).toEqual(["aws_iam_role.resize"]);
      expect(fs[0].message).toContain("admits Service:lambda.amazonaws.com, which the agent's trust admitted");
    }
  });

  const PODS = trust({ Service: "pods.eks.amazonaws.com" });
  const assoc = (ns: string, sa: string, r: { arn: string } | null) => ({ cluster_name: "platform", namespace: ns, service_account: sa, role_arn: r ? r.arn : null, tags: {}, tags_all: {} });
  const coderPod = role("coder-pod", { tags: AGENT, trust: PODS });
  const cw = role("cloudwatch-agent", { trust: PODS });
  const podPlan = (ns: string, sa: string) =>
    plan(
      [del("aws_iam_role.coder_pod", coderPod), del("aws_eks_pod_identity_association.coder", assoc("agents", "coder", coderPod)), add("aws_iam_role.cloudwatch", { ...cw, arn: null }), add("aws_eks_pod_identity_association.cloudwatch", assoc(ns, sa, null))],
      { "aws_iam_role.cloudwatch": { arn: true }, "aws_eks_pod_identity_association.cloudwatch": { role_arn: true } },
    );

  test("the red-team Pod Identity plan: the agent's association deleted, an add-on's created for another service account: passes; for the agent's service account: blocked", () => {
    expect(findings(podPlan("amazon-cloudwatch", "cloudwatch-agent"), RULE)).toEqual([]);
    expect(findings(podPlan("agents", "coder"), RULE).map((f) => f.resource)).toEqual(["aws_iam_role.cloudwatch"]);
  });

  const PROVIDER = "oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF0123456789";
  const FEDERATED = { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/${PROVIDER}` };
  const irsa = (op: string, sub: string | null, key = PROVIDER) => trust(FEDERATED, sub === null ? undefined : { [op]: { [`${key}:sub`]: sub, [`${key}:aud`]: "sts.amazonaws.com" } });
  const irsaPlan = (t: string) => plan([del("aws_iam_role.coder_irsa", role("coder-irsa", { tags: AGENT, trust: irsa("StringEquals", "system:serviceaccount:agents:coder") })), add("aws_iam_role.external_dns", role("external-dns", { trust: t }))]);

  test("the red-team IRSA plan: the new role's trust names another service account of the same provider: passes, and so does a pattern of another namespace", () => {
    expect(findings(irsaPlan(irsa("StringEquals", "system:serviceaccount:kube-system:external-dns")), RULE)).toEqual([]);
    expect(findings(irsaPlan(irsa("StringLike", "system:serviceaccount:kube-system:*")), RULE)).toEqual([]);
  });

  test("a new IRSA trust that may accept the agent's service account: no subject, the same one, a pattern that matches it, or a subject of another provider's key: blocked", () => {
    const cases = [
      irsa("StringEquals", null),
      irsa("StringEquals", "system:serviceaccount:agents:coder"),
      irsa("StringLike", "system:serviceaccount:agents:*"),
      irsa("StringLike", "system:serviceaccount:*"),
      irsa("StringEquals", "system:serviceaccount:kube-system:external-dns", "oidc.eks.eu-west-1.amazonaws.com/id/OTHER"),
      irsa("StringNotEquals", "system:serviceaccount:kube-system:external-dns"),
    ];
    for (const t of cases) {
      const fs = findings(irsaPlan(t), RULE);
      expect(fs.map((f) => f.resource)).toEqual(["aws_iam_role.external_dns"]);
      expect(fs[0].message).toContain(`admits Federated:arn:aws:iam::${ACCOUNT}:oidc-provider/${PROVIDER}, which the agent's trust admitted`);
    }
  });

  test("an agent trust that admits a namespace by pattern: a new trust for a service account in it is blocked, one in another namespace passes", () => {
    const wide = (t: string) => plan([del("aws_iam_role.coder_irsa", role("coder-irsa", { tags: AGENT, trust: irsa("StringLike", "system:serviceaccount:agents:*") })), add("aws_iam_role.external_dns", role("external-dns", { trust: t }))]);
    expect(findings(wide(irsa("StringEquals", "system:serviceaccount:agents:coder2")), RULE).map((f) => f.resource)).toEqual(["aws_iam_role.external_dns"]);
    expect(findings(wide(irsa("StringEquals", "system:serviceaccount:kube-system:external-dns")), RULE)).toEqual([]);
    // Two patterns: literal beginnings that differ share no value; ones that agree may.
    expect(findings(wide(irsa("StringLike", "system:serviceaccount:kube-system:*")), RULE)).toEqual([]);
    expect(findings(wide(irsa("StringLike", "system:serviceaccount:*:coder")), RULE).map((f) => f.resource)).toEqual(["aws_iam_role.external_dns"]);
  });

  test("an agent trust that could not be read still counts: blocked", () => {
    const p = plan([del("aws_iam_role.coder_irsa", role("coder-irsa", { tags: AGENT, trust: "not json" })), add("aws_iam_role.external_dns", role("external-dns", { trust: irsa("StringEquals", "system:serviceaccount:kube-system:external-dns") }))]);
    expect(findings(p, RULE)[0].message).toContain("the agent's trust policy cannot be read");
  });
});
