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

  test("the red-team plan: a new image, the same task role, the service naming the task definition by its arn: passes", () => {
    expect(findings(plan(deploy(coder), UNKNOWN, BY_ARN), "plan-agent-runtime-moved")).toEqual([]);
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

  test("the red-team plan with its configuration: the function's role refers to the replaced role, still an agent: passes", () => {
    const refs: Refs = { "aws_lambda_function.coder": { role: ["aws_iam_role.coder.arn", "aws_iam_role.coder"] } };
    expect(findings(plan(rename(), UNKNOWN, refs), "plan-agent-runtime-moved")).toEqual([]);
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
