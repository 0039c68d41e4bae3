/**
 * Red-team round 119 (F3, F4): an agent that pushes commits freed itself without touching its tag. F3: the plan
 * pointed the agent's Lambda at a new untagged role with delete rights (`role` updated); F4: the plan deleted the
 * agent role (selected by `agents.names`) and created one under a new IAM name with the same trust. Both passed the
 * gate. `plan-agent-runtime-moved` and `plan-agent-role-replaced` block them.
 */
import { evaluatePlan } from "../../lib/plan/evaluate";
import { readPlan } from "../../lib/plan/read-plan";
import type { PlanGateConfig } from "../../lib/plan/types";
import { runCli } from "../../lib/cli/main";
import { change, minimalPlan, tempDir, writeTemp } from "./helpers";

const ACCOUNT = "111111111111";
const trust = (principal: Record<string, unknown> | string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: principal, Action: "sts:AssumeRole", ...extra }] });
const LAMBDA = trust({ Service: "lambda.amazonaws.com" });
const EC2 = trust({ Service: "ec2.amazonaws.com" });
const ENTRY = trust({ AWS: `arn:aws:iam::${ACCOUNT}:role/entry` }, { Condition: { StringLike: { "sts:SourceIdentity": "agent-*" } } });

const AGENT = { "blastwall:agent": "true" };
function role(name: string, opts: { tags?: Record<string, string>; path?: string; trust?: string } = {}) {
  const path = opts.path ?? "/";
  return { name, path, arn: `arn:aws:iam::${ACCOUNT}:role${path}${name}`, assume_role_policy: opts.trust ?? LAMBDA, max_session_duration: 3600, tags: opts.tags ?? {}, tags_all: opts.tags ?? {} };
}
const arn = (r: { arn: string }) => r.arn;

type Change = Record<string, unknown> & { address: string; type: string; name: string; change: { actions: string[]; before: unknown; after: unknown } };

/** A plan with its prior state (what exists before) and planned values (what exists after), from the changes. */
function plan(changes: Change[], unknown: Record<string, unknown> = {}) {
  const res = (c: Change, values: unknown) => ({ address: c.address, mode: "managed", type: c.type, name: c.name, provider_name: "registry.terraform.io/hashicorp/aws", values });
  const before = changes.filter((c) => c.change.before !== null).map((c) => res({ ...c, address: (c.previous_address as string) ?? c.address }, c.change.before));
  const after = changes.filter((c) => c.change.after !== null).map((c) => res(c, c.change.after));
  for (const c of changes) if (unknown[c.address]) (c.change as Record<string, unknown>).after_unknown = unknown[c.address];
  return minimalPlan(changes, { planned_values: { root_module: { resources: after } }, prior_state: { format_version: "1.0", values: { root_module: { resources: before } } } });
}

function findings(p: Record<string, unknown>, ruleId: string, config: PlanGateConfig = {}) {
  const ev = evaluatePlan(readPlan(writeTemp(tempDir(), "plan.json", JSON.stringify(p))), { config });
  return ev.judged.filter((j) => j.finding.ruleId === ruleId).map((j) => ({ ...j.finding, keys: j.changes }));
}

const same = (address: string, values: unknown) => change(address, ["no-op"], values, values) as Change;
const upd = (address: string, before: unknown, after: unknown, actions = ["update"]) => change(address, actions, before, after) as Change;
const fn = (r: { arn: string }) => ({ function_name: "agent-runner", role: arn(r), runtime: "python3.12", handler: "h.h", tags: {}, tags_all: {} });

describe("plan-agent-runtime-moved: a runtime moved off its agent role (F3)", () => {
  const coder = role("coder", { tags: AGENT, path: "/agents/" });
  const helper = role("helper");
  const other = role("other-agent", { tags: AGENT });

  test("the red-team plan: the Lambda's role updated from the tagged agent role to a new untagged one: blocked, with where, what and how", () => {
    const fs = findings(
      plan([same("aws_iam_role.coder", coder), change("aws_iam_role.helper", ["create"], null, helper) as Change, upd("aws_lambda_function.agent_runner", fn(coder), fn(helper))]),
      "plan-agent-runtime-moved",
    );
    expect(fs).toHaveLength(1);
    expect(fs[0]).toMatchObject({ severity: "error", resource: "aws_lambda_function.agent_runner", keys: [{ address: "aws_lambda_function.agent_runner", actions: ["update"] }] });
    expect(fs[0].message).toContain("which ran as the AI agent role aws_iam_role.coder");
    expect(fs[0].message).toContain("to aws_iam_role.helper");
    expect(fs[0].evidence.map((e) => e.detail)).toContain(`role: "${arn(coder)}" (aws_iam_role.coder, an agent) → "${arn(helper)}" (aws_iam_role.helper, not an agent)`);
    expect(fs[0].fix).toContain("blastwall approve");
  });

  test("an agent by the /agents/ path alone, or by a config selector: blocked as well", () => {
    const pathOnly = role("coder", { path: "/agents/" });
    expect(findings(plan([same("aws_iam_role.coder", pathOnly), same("aws_iam_role.helper", helper), upd("aws_lambda_function.f", fn(pathOnly), fn(helper))]), "plan-agent-runtime-moved")).toHaveLength(1);
    const plain = role("coder");
    const p = plan([same("aws_iam_role.coder", plain), same("aws_iam_role.helper", helper), upd("aws_lambda_function.f", fn(plain), fn(helper))]);
    expect(findings(p, "plan-agent-runtime-moved", { agents: { names: ["coder"] } })).toHaveLength(1);
    expect(findings(p, "plan-agent-runtime-moved", { agents: { addresses: ["aws_iam_role.coder"] } })).toHaveLength(1);
    expect(findings(p, "plan-agent-runtime-moved")).toEqual([]);
  });

  test("a role known only after apply, or outside the plan, cannot be told: blocked (fail closed)", () => {
    const unknown = plan([same("aws_iam_role.coder", coder), upd("aws_lambda_function.f", fn(coder), { ...fn(coder), role: null })], { "aws_lambda_function.f": { role: true } });
    const [f] = findings(unknown, "plan-agent-runtime-moved");
    expect(f.message).toContain("(known after apply) (role), which blastwall cannot resolve to a role of this plan");
    const outside = plan([same("aws_iam_role.coder", coder), upd("aws_lambda_function.f", fn(coder), { ...fn(coder), role: "arn:aws:iam::222222222222:role/elsewhere" })]);
    expect(findings(outside, "plan-agent-runtime-moved")[0].message).toContain('"arn:aws:iam::222222222222:role/elsewhere" (role), which blastwall cannot resolve');
  });

  test("an instance profile's role changed from the agent role to another: blocked; an instance moved to another profile: blocked", () => {
    const ec2Agent = role("coder", { tags: AGENT, trust: EC2 });
    const ec2Plain = role("helper", { trust: EC2 });
    const profile = (r: { name: string }, name = "agent-profile") => ({ name, role: r.name, arn: `arn:aws:iam::${ACCOUNT}:instance-profile/${name}` });
    const roles = [same("aws_iam_role.coder", ec2Agent), same("aws_iam_role.helper", ec2Plain)];
    const fs = findings(plan([...roles, upd("aws_iam_instance_profile.agent", profile(ec2Agent), profile(ec2Plain))]), "plan-agent-runtime-moved");
    expect(fs.map((f) => f.resource)).toEqual(["aws_iam_instance_profile.agent"]);
    const inst = (p: string) => ({ ami: "ami-1", instance_type: "t3.micro", iam_instance_profile: p, tags: {}, tags_all: {} });
    const twoProfiles = [...roles, same("aws_iam_instance_profile.agent", profile(ec2Agent)), same("aws_iam_instance_profile.other", profile(ec2Plain, "other-profile"))];
    const moved = findings(plan([...twoProfiles, upd("aws_instance.box", inst("agent-profile"), inst("other-profile"))]), "plan-agent-runtime-moved");
    expect(moved.map((f) => f.resource)).toEqual(["aws_instance.box"]);
  });

  test("a plan names the role of a profile, and the profile of an instance, by bare name: an agent role at /agents/ is found by it", () => {
    const ec2Agent = role("coder", { path: "/agents/", trust: EC2 });
    const ec2Plain = role("helper", { trust: EC2 });
    const profile = (r: { name: string }, name: string) => ({ name, role: r.name, arn: `arn:aws:iam::${ACCOUNT}:instance-profile/${name}` });
    const roles = [same("aws_iam_role.coder", ec2Agent), same("aws_iam_role.helper", ec2Plain)];
    expect(findings(plan([...roles, upd("aws_iam_instance_profile.agent", profile(ec2Agent, "p"), profile(ec2Plain, "p"))]), "plan-agent-runtime-moved").map((f) => f.resource)).toEqual(["aws_iam_instance_profile.agent"]);
    const inst = (p: string) => ({ ami: "ami-1", instance_type: "t3.micro", iam_instance_profile: p, tags: {}, tags_all: {} });
    const profiles = [...roles, same("aws_iam_instance_profile.agent", profile(ec2Agent, "agent-profile")), same("aws_iam_instance_profile.other", profile(ec2Plain, "other-profile"))];
    expect(findings(plan([...profiles, upd("aws_instance.box", inst("agent-profile"), inst("other-profile"))]), "plan-agent-runtime-moved").map((f) => f.resource)).toEqual(["aws_instance.box"]);
    // Control: the instance stays on the agent's profile.
    expect(findings(plan([...profiles, upd("aws_instance.box", inst("agent-profile"), { ...inst("agent-profile"), instance_type: "t3.small" })]), "plan-agent-runtime-moved")).toEqual([]);
  });

  test("an ECS task definition replaced with another task role: blocked; only its execution role changed: passes (the containers never hold it)", () => {
    const td = (task: { arn: string }, exec: { arn: string }) => ({ family: "agent", task_role_arn: task.arn, execution_role_arn: exec.arn, container_definitions: "[]", tags: {}, tags_all: {} });
    const roles = [same("aws_iam_role.coder", coder), same("aws_iam_role.helper", helper)];
    const replaced = findings(plan([...roles, upd("aws_ecs_task_definition.agent", td(coder, coder), td(helper, coder), ["delete", "create"])]), "plan-agent-runtime-moved");
    expect(replaced.map((f) => [f.resource, f.actions])).toEqual([["aws_ecs_task_definition.agent", ["delete", "create"]]]);
    expect(findings(plan([...roles, upd("aws_ecs_task_definition.agent", td(coder, coder), td(coder, helper), ["delete", "create"])]), "plan-agent-runtime-moved")).toEqual([]);
  });

  test("controls: between two roles that are no agents, from one agent role to another, and an update that keeps the role: pass", () => {
    const a = role("a");
    const b = role("b");
    expect(findings(plan([same("aws_iam_role.a", a), same("aws_iam_role.b", b), upd("aws_lambda_function.f", fn(a), fn(b))]), "plan-agent-runtime-moved")).toEqual([]);
    expect(findings(plan([same("aws_iam_role.coder", coder), same("aws_iam_role.other", other), upd("aws_lambda_function.f", fn(coder), fn(other))]), "plan-agent-runtime-moved")).toEqual([]);
    expect(findings(plan([same("aws_iam_role.coder", coder), same("aws_iam_role.helper", helper), upd("aws_lambda_function.f", fn(coder), { ...fn(coder), runtime: "python3.13" })]), "plan-agent-runtime-moved")).toEqual([]);
  });

  test("control: a role on a type blastwall does not know as a runtime (a flow log's delivery role) is no runtime moved: passes", () => {
    const log = (r: { arn: string }) => ({ iam_role_arn: r.arn, log_destination: "arn:aws:logs:eu-west-1:111111111111:log-group:l", traffic_type: "ALL", tags: {}, tags_all: {} });
    expect(findings(plan([same("aws_iam_role.coder", coder), same("aws_iam_role.helper", helper), upd("aws_flow_log.f", log(coder), log(helper))]), "plan-agent-runtime-moved")).toEqual([]);
  });

  test("the target role tagged as an agent in the same plan: passes (it is judged as the agent)", () => {
    const tagged = role("helper", { tags: AGENT });
    expect(findings(plan([same("aws_iam_role.coder", coder), change("aws_iam_role.helper", ["create"], null, tagged) as Change, upd("aws_lambda_function.f", fn(coder), fn(tagged))]), "plan-agent-runtime-moved")).toEqual([]);
  });
});

describe("plan-agent-role-replaced: an agent role deleted, and a role that is no agent created with its callers (F4)", () => {
  const del = (address: string, values: unknown) => change(address, ["delete"], values, null) as Change;
  const add = (address: string, values: unknown) => change(address, ["create"], null, values) as Change;
  const coder = role("coder", { trust: ENTRY });
  const NAMES: PlanGateConfig = { agents: { names: ["coder"] } };

  test("the red-team plan: agents.names selected the deleted role, the new one has another name and the same trust: blocked", () => {
    const fs = findings(plan([del("aws_iam_role.coder", coder), add("aws_iam_role.coder2", role("coder-svc", { trust: ENTRY }))]), "plan-agent-role-replaced", NAMES);
    expect(fs).toHaveLength(1);
    expect(fs[0]).toMatchObject({ severity: "error", resource: "aws_iam_role.coder2", keys: [{ address: "aws_iam_role.coder2", actions: ["create"] }] });
    expect(fs[0].message).toContain('deletes the AI agent role aws_iam_role.coder (IAM name "coder") and creates aws_iam_role.coder2 (IAM name "coder-svc")');
    expect(fs[0].message).toContain(`admits AWS:arn:aws:iam::${ACCOUNT}:role/entry, which the agent's trust admitted`);
  });

  test("a wider trust (more principals, the account root, no conditions) and a trust known only after apply: blocked", () => {
    const tagged = role("coder", { tags: AGENT, trust: ENTRY });
    const wider = trust({ AWS: [`arn:aws:iam::${ACCOUNT}:role/entry`, `arn:aws:iam::${ACCOUNT}:role/ops`] });
    const root = trust({ AWS: ACCOUNT });
    for (const t of [wider, root]) expect(findings(plan([del("aws_iam_role.coder", tagged), add("aws_iam_role.n", role("n", { trust: t }))]), "plan-agent-role-replaced")).toHaveLength(1);
    const unknown = plan([del("aws_iam_role.coder", tagged), add("aws_iam_role.n", { ...role("n"), assume_role_policy: null })], { "aws_iam_role.n": { assume_role_policy: true } });
    expect(findings(unknown, "plan-agent-role-replaced")[0].message).toContain("its trust policy cannot be read (it is known only after apply)");
  });

  test("controls: an unrelated trust, a new role marked as an agent, and no agent deleted: pass", () => {
    const tagged = role("coder", { tags: AGENT, trust: ENTRY });
    const unrelated = trust({ AWS: `arn:aws:iam::${ACCOUNT}:role/ci` });
    expect(findings(plan([del("aws_iam_role.coder", tagged), add("aws_iam_role.n", role("n", { trust: unrelated }))]), "plan-agent-role-replaced")).toEqual([]);
    expect(findings(plan([del("aws_iam_role.coder", tagged), add("aws_iam_role.n", role("n", { trust: ENTRY, tags: AGENT }))]), "plan-agent-role-replaced")).toEqual([]);
    expect(findings(plan([del("aws_iam_role.coder", coder), add("aws_iam_role.n", role("n", { trust: ENTRY }))]), "plan-agent-role-replaced")).toEqual([]);
    // Tagging a session lets no one assume the role.
    const tagOnly = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/entry` }, Action: "sts:TagSession" }] });
    expect(findings(plan([del("aws_iam_role.coder", tagged), add("aws_iam_role.n", role("n", { trust: tagOnly }))]), "plan-agent-role-replaced")).toEqual([]);
    // Another account's root admits none of this account's principals.
    const elsewhere = trust({ AWS: "222222222222" });
    expect(findings(plan([del("aws_iam_role.coder", tagged), add("aws_iam_role.n", role("n", { trust: elsewhere }))]), "plan-agent-role-replaced")).toEqual([]);
  });

  test("the same IAM name is the same ARN, which the engine already judges as the agent: not reported again here", () => {
    const tagged = role("coder", { tags: AGENT, trust: ENTRY });
    expect(findings(plan([del("aws_iam_role.coder", tagged), add("aws_iam_role.coder2", role("coder", { trust: ENTRY }))]), "plan-agent-role-replaced")).toEqual([]);
  });
});

describe("blastwall gate on the red-team plans", () => {
  async function gate(p: Record<string, unknown>, config: Record<string, unknown> = {}) {
    const dir = tempDir();
    writeTemp(dir, "plan.json", JSON.stringify(p));
    writeTemp(dir, "ci.json", JSON.stringify(config));
    let stdout = "";
    const code = await runCli(["gate", "--format", "json", "--config", "ci.json", "plan.json"], { stdout: (t) => (stdout += t), stderr: () => undefined, cwd: dir, env: {}, now: () => new Date("2026-10-01T09:00:00Z") });
    return { code, rules: (JSON.parse(stdout) as { findings: { ruleId: string }[] }).findings.map((f) => f.ruleId) };
  }

  test("F3: the swap fails the gate", async () => {
    const coder = role("coder", { tags: AGENT, path: "/agents/" });
    const helper = role("helper");
    const policy = { name: "p", role: "helper", policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["s3:DeleteBucket"], Resource: "*" }] }) };
    const r = await gate(plan([same("aws_iam_role.coder", coder), change("aws_iam_role.helper", ["create"], null, helper) as Change, change("aws_iam_role_policy.p", ["create"], null, policy) as Change, upd("aws_lambda_function.agent_runner", fn(coder), fn(helper))]));
    expect(r).toEqual({ code: 1, rules: ["plan-agent-runtime-moved"] });
  });

  test("F4: the agent role deleted and succeeded under a new IAM name with its trust and delete rights fails the gate", async () => {
    const policy = { name: "p", role: "coder-svc", policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["s3:DeleteBucket"], Resource: "*" }] }) };
    const p = plan([change("aws_iam_role.coder", ["delete"], role("coder", { trust: ENTRY }), null) as Change, change("aws_iam_role.coder2", ["create"], null, role("coder-svc", { trust: ENTRY })) as Change, change("aws_iam_role_policy.p", ["create"], null, policy) as Change]);
    expect(await gate(p, { agents: { names: ["coder"] } })).toEqual({ code: 1, rules: ["plan-agent-role-replaced"] });
  });
});

describe("plan-agent-role-replaced: a narrower trust inside what the agent's trust admitted (red-team round 125 F1)", () => {
  const del = (address: string, values: unknown) => change(address, ["delete"], values, null) as Change;
  const add = (address: string, values: unknown) => change(address, ["create"], null, values) as Change;

  test("the agent trusted account 222222222222's root, the new role trusts one role of that account: blocked", () => {
    const tagged = role("coder", { tags: AGENT, trust: trust({ AWS: "arn:aws:iam::222222222222:root" }) });
    const fs = findings(plan([del("aws_iam_role.coder", tagged), add("aws_iam_role.helper", role("helper", { trust: trust({ AWS: "arn:aws:iam::222222222222:role/other" }) }))]), "plan-agent-role-replaced");
    expect(fs.map((f) => f.resource)).toEqual(["aws_iam_role.helper"]);
    // The message names the role the new trust admits, inside the root the agent's admitted (round 126 F10).
    expect(fs[0].message).toContain("its trust policy admits AWS:arn:aws:iam::222222222222:role/other (within AWS:arn:aws:iam::222222222222:root), which the agent's trust admitted");
  });

  test("control: a role of another account than the one the agent's trust admitted passes", () => {
    const tagged = role("coder", { tags: AGENT, trust: trust({ AWS: "arn:aws:iam::222222222222:root" }) });
    expect(findings(plan([del("aws_iam_role.coder", tagged), add("aws_iam_role.helper", role("helper", { trust: trust({ AWS: "arn:aws:iam::333333333333:role/other" }) }))]), "plan-agent-role-replaced")).toEqual([]);
  });
});

describe("plan-agent-role-replaced: a session of the runner is the runner (red-team round 126 F3)", () => {
  const del = (address: string, values: unknown) => change(address, ["delete"], values, null) as Change;
  const add = (address: string, values: unknown) => change(address, ["create"], null, values) as Change;
  test("the new role trusts the agent runner's assumed-role session: blocked; another role's session passes", () => {
    const tagged = role("coder", { tags: AGENT, trust: trust({ AWS: `arn:aws:iam::${ACCOUNT}:role/runner` }) });
    const bySession = (name: string) => role("helper", { trust: trust({ AWS: `arn:aws:sts::${ACCOUNT}:assumed-role/${name}/ci-42` }) });
    expect(findings(plan([del("aws_iam_role.coder", tagged), add("aws_iam_role.helper", bySession("runner"))]), "plan-agent-role-replaced").map((f) => f.resource)).toEqual(["aws_iam_role.helper"]);
    expect(findings(plan([del("aws_iam_role.coder", tagged), add("aws_iam_role.helper", bySession("other"))]), "plan-agent-role-replaced")).toEqual([]);
  });
});
