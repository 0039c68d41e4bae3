import type { Finding } from "../../lib/engine/findings";
import type { TfStack } from "../../lib/engine/terraform/types";
import { evaluatePlan } from "../../lib/plan/evaluate";
import { mergeUnknown, planToStack, UNKNOWN_AFTER_APPLY } from "../../lib/plan/plan-to-stack";
import { readPlan } from "../../lib/plan/read-plan";
import { fixture } from "./helpers";

describe("planToStack", () => {
  const loaded = readPlan(fixture("iam-end-state.json"));
  const stack = planToStack(loaded.plan, "iam-end-state.json");

  test("collects root and nested child-module resources, and data sources from prior_state", () => {
    expect(stack.file).toBe("iam-end-state.json");
    expect(stack.resources.map((r) => r.address)).toEqual([
      "aws_iam_role.agent_coder",
      "aws_iam_role_policy.agent_read",
      "module.ops.module.db.aws_iam_role_policy.cleanup",
      "data.aws_iam_policy_document.boundary",
    ]);
    expect(stack.byAddress.get("aws_iam_role.agent_coder")).toMatchObject({ mode: "managed", type: "aws_iam_role", name: "agent_coder" });
    expect(stack.byType.get("aws_iam_role_policy")?.map((r) => r.name)).toEqual(["agent_read", "cleanup"]);
    expect(stack.byAddress.get("data.aws_iam_policy_document.boundary")?.mode).toBe("data");
  });

  test("values known only after apply become an unresolvable token (fail closed), not a missing key", () => {
    expect(stack.byAddress.get("module.ops.module.db.aws_iam_role_policy.cleanup")?.values.policy).toBe(UNKNOWN_AFTER_APPLY);
    expect(stack.byAddress.get("aws_iam_role.agent_coder")?.values.arn).toBe(UNKNOWN_AFTER_APPLY);
    expect(stack.byAddress.get("aws_iam_role.agent_coder")?.values.tags).toEqual({ "blastwall:agent": "true" });
  });

  test("literal ${...} in plan values (IAM policy variables) is escaped so it does not read as an interpolation", () => {
    expect(stack.byAddress.get("aws_iam_role_policy.agent_read")?.values.policy).toContain("home/$${aws:username}/*");
  });

  test("nested unknowns are merged into lists and objects", () => {
    expect(mergeUnknown({ a: [{ x: 1 }, { x: 2 }] }, { a: [{}, { y: true }] })).toEqual({ a: [{ x: 1 }, { x: 2, y: UNKNOWN_AFTER_APPLY }] });
    expect(mergeUnknown({ a: 1 }, {})).toEqual({ a: 1 });
  });

  test("a destroyed resource is not part of the end state", () => {
    const del = planToStack(readPlan(fixture("delete-protected.json")).plan, "x");
    expect(del.resources).toEqual([]);
  });
});

describe("the analyzeStack hook", () => {
  const loaded = readPlan(fixture("iam-end-state.json"));
  const engineFinding = (principal: string, resource: string): Finding => ({
    ruleId: "agent-destroy-right",
    severity: "error",
    principal,
    resource,
    actions: ["rds:DeleteDBInstance"],
    evidence: [{ step: "statement", address: resource, detail: "Statement 0 allows rds:Delete*" }],
    message: "agent can destroy",
    fix: "remove it",
    file: "",
  });

  test("receives the planned end state; findings on changed addresses block and name the change to approve", () => {
    let seen: TfStack | undefined;
    const ev = evaluatePlan(loaded, {
      analyzeStack: (s) => {
        seen = s;
        return [engineFinding("aws_iam_role.agent_coder", "module.ops.module.db.aws_iam_role_policy.cleanup")];
      },
    });
    expect(seen?.resources.length).toBe(4);
    const j = ev.judged.find((x) => x.finding.ruleId === "agent-destroy-right")!;
    expect(j.finding.severity).toBe("error");
    expect(j.finding.file).toBe(fixture("iam-end-state.json"));
    expect(j.changes).toEqual([
      { address: "aws_iam_role.agent_coder", actions: ["create"] },
      { address: "module.ops.module.db.aws_iam_role_policy.cleanup", actions: ["create"] },
    ]);
    expect(j.finding.evidence.at(-1)?.detail).toContain("in this plan");
  });

  test("a finding about IAM the plan does not touch is a warning (already true of the current state)", () => {
    const ev = evaluatePlan(loaded, { analyzeStack: () => [engineFinding("aws_iam_role.other", "aws_iam_policy.other")] });
    const j = ev.judged[0];
    expect(j.finding.severity).toBe("warning");
    expect(j.changes).toEqual([]);
    expect(j.finding.evidence.at(-1)?.detail).toContain("already true of the current state");
  });
});
