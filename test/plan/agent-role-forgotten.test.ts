/**
 * plan-agent-role-replaced judges an agent role the plan forgets (a `removed` block with destroy = false) as one it
 * deletes: the role leaves the configuration either way, and a role that is no agent created elsewhere with its callers
 * is its successor, whoever then runs as it. The old role staying in AWS takes nothing from the new one.
 */
import { evaluatePlan } from "../../lib/plan/evaluate";
import { readPlan } from "../../lib/plan/read-plan";
import type { PlanGateConfig } from "../../lib/plan/types";
import { change, planWithStates, tempDir, writeTemp, type PlannedChange } from "./helpers";

const ACCOUNT = "111111111111";
const AGENT = { "blastwall:agent": "true" };
const RULE = "plan-agent-role-replaced";
const trust = (principal: Record<string, unknown>) => JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: principal, Action: "sts:AssumeRole" }] });
const ENTRY = trust({ AWS: `arn:aws:iam::${ACCOUNT}:role/entry` });
const LAMBDA = trust({ Service: "lambda.amazonaws.com" });
const role = (name: string, opts: { tags?: Record<string, string>; trust?: string } = {}) => ({
  name,
  path: "/",
  arn: `arn:aws:iam::${ACCOUNT}:role/${name}`,
  assume_role_policy: opts.trust ?? ENTRY,
  tags: opts.tags ?? {},
  tags_all: opts.tags ?? {},
});

type Change = PlannedChange;
const same = (address: string, values: unknown) => change(address, ["no-op"], values, values) as Change;
const add = (address: string, values: unknown) => change(address, ["create"], null, values) as Change;
const del = (address: string, values: unknown) => change(address, ["delete"], values, null) as Change;
const forget = (address: string, values: unknown) => change(address, ["forget"], values, null) as Change;

const plan = planWithStates;
function findings(changes: Change[], config: PlanGateConfig = {}) {
  const ev = evaluatePlan(readPlan(writeTemp(tempDir(), "plan.json", JSON.stringify(plan(changes)))), { config });
  return ev.judged.filter((j) => j.finding.ruleId === RULE).map((j) => j.finding);
}

const coder = role("coder", { tags: AGENT });

describe("plan-agent-role-replaced: a forgotten agent role and a successor that is no agent", () => {
  test("the agent role forgotten, a role that is no agent created with its trust: blocked, the message says it is forgotten and stays in AWS", () => {
    const fs = findings([forget("aws_iam_role.coder", coder), add("aws_iam_role.successor", role("successor"))]);
    expect(fs.map((f) => f.resource)).toEqual(["aws_iam_role.successor"]);
    expect(fs[0].message).toContain('forgets the AI agent role aws_iam_role.coder (IAM name "coder") (removes it from Terraform\'s state and leaves it in AWS) and creates aws_iam_role.successor (IAM name "successor"), which is no agent');
    expect(fs[0].message).toContain(`admits AWS:arn:aws:iam::${ACCOUNT}:role/entry, which the agent's trust admitted`);
    expect(fs[0].evidence.find((e) => e.step === "successor")?.detail).toContain("is forgotten (left in AWS, outside Terraform)");
  });

  test("an agent by the config's names, forgotten: blocked; one agent deleted and another forgotten: one finding naming both", () => {
    expect(findings([forget("aws_iam_role.coder", role("coder")), add("aws_iam_role.successor", role("successor"))], { agents: { names: ["coder"] } }).map((f) => f.resource)).toEqual(["aws_iam_role.successor"]);
    const fs = findings([del("aws_iam_role.coder", coder), forget("aws_iam_role.reviewer", role("reviewer", { tags: AGENT })), add("aws_iam_role.successor", role("successor"))]);
    expect(fs).toHaveLength(1);
    expect(fs[0].message).toContain("The plan deletes the AI agent role aws_iam_role.coder (IAM name \"coder\") and forgets the AI agent role aws_iam_role.reviewer");
  });

  test("a service principal: a runtime left on the forgotten role counts as left (a later plan no longer sees that role as an agent): blocked; its runtimes deleted too: passes, as for a deleted role", () => {
    const lambdaAgent = role("coder-fn", { tags: AGENT, trust: LAMBDA });
    const fn = (r: { arn: string }) => ({ function_name: "coder", role: r.arn, handler: "h", runtime: "nodejs20.x", tags: {}, tags_all: {} });
    const other = add("aws_iam_role.resize", role("image-resize", { trust: LAMBDA }));
    const left = findings([forget("aws_iam_role.coder", lambdaAgent), same("aws_lambda_function.coder", fn(lambdaAgent)), other]);
    expect(left.map((f) => f.resource)).toEqual(["aws_iam_role.resize"]);
    expect(left[0].message).toContain("admits Service:lambda.amazonaws.com, which the agent's trust admitted");
    expect(findings([forget("aws_iam_role.coder", lambdaAgent), del("aws_lambda_function.coder", fn(lambdaAgent)), other])).toEqual([]);
    // Control: the same role deleted (not forgotten) with its function left on it is judged as before.
    expect(findings([del("aws_iam_role.coder", lambdaAgent), same("aws_lambda_function.coder", fn(lambdaAgent)), other]).map((f) => f.resource)).toEqual(["aws_iam_role.resize"]);
  });

  test("controls: the successor marked as an agent, an unrelated trust, a forgotten role that is no agent, the same IAM name: pass", () => {
    expect(findings([forget("aws_iam_role.coder", coder), add("aws_iam_role.successor", role("successor", { tags: AGENT }))])).toEqual([]);
    expect(findings([forget("aws_iam_role.coder", coder), add("aws_iam_role.successor", role("successor", { trust: trust({ AWS: `arn:aws:iam::${ACCOUNT}:role/ci` }) }))])).toEqual([]);
    expect(findings([forget("aws_iam_role.plain", role("plain")), add("aws_iam_role.successor", role("successor"))])).toEqual([]);
    expect(findings([forget("aws_iam_role.coder", coder), add("aws_iam_role.coder2", role("coder"))])).toEqual([]);
  });

  test("control: a replace that forgets the old object (create and forget at the role's address) is judged as a replace, not a successor elsewhere", () => {
    for (const actions of [["create", "forget"], ["forget", "create"]]) {
      const replaced = change("aws_iam_role.coder", actions, coder, { ...coder, name: "coder-v2", arn: null }) as Change;
      expect(findings([replaced, add("aws_iam_role.successor", role("successor"))])).toEqual([]);
    }
  });
});
