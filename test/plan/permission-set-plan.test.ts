/** The plan gate judges the planned end state with the engine's rules: an agent permission set is judged there too. */
import { change, minimalPlan } from "./helpers";
import { planToStack } from "../../lib/plan/plan-to-stack";
import { analyzeStack } from "../../lib/engine/analyze";
import { agentRules } from "../../lib/rules";
import type { PlanJson } from "../../lib/plan/types";

const INSTANCE = "arn:aws:sso:::instance/ssoins-1111111111111111";
const ARN = "arn:aws:sso:::permissionSet/ssoins-1111111111111111/ps-1111111111111111";

const plan = (tags: Record<string, string>) => {
  const ps = { name: "AgentDev", instance_arn: INSTANCE, arn: ARN, tags };
  const attachment = { instance_arn: INSTANCE, managed_policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess", permission_set_arn: ARN };
  const planned = (address: string, values: unknown) => ({ address, mode: "managed", type: address.split(".")[0], name: address.split(".")[1], provider_name: "registry.terraform.io/hashicorp/aws", values });
  return minimalPlan(
    [change("aws_ssoadmin_permission_set.agent", ["update"], ps, ps), change("aws_ssoadmin_managed_policy_attachment.admin", ["create"], null, attachment)],
    { planned_values: { root_module: { resources: [planned("aws_ssoadmin_permission_set.agent", ps), planned("aws_ssoadmin_managed_policy_attachment.admin", attachment)] } } },
  ) as unknown as PlanJson;
};

const destroyOf = (p: PlanJson) =>
  analyzeStack(planToStack(p, "plan.json"), { config: {}, rules: agentRules })
    .findings.filter((f) => f.ruleId === "agent-destroy-right")
    .map((f) => f.principal);

describe("plan JSON", () => {
  test("an agent permission set given AdministratorAccess by literal ARN fails", () => {
    expect(destroyOf(plan({ "blastwall:agent": "true" }))).toEqual(["aws_ssoadmin_permission_set.agent"]);
  });
  test("an untagged one passes", () => {
    expect(destroyOf(plan({}))).toEqual([]);
  });
});

/**
 * AWS assigns a permission set's ARN, so the first plan of every set has each attachment's permission_set_arn unknown.
 * The configuration lists the expression's references, not the expression: red-team round 101 gave an agent
 * s3:DeleteBucket through `aws_iam_role.helper.arn != "" ? "agent-bot" : "helper"`, which lists only the helper, when
 * round 99's reading took such an attachment for the referenced principal's. It stays an unresolved attachment; the
 * finding names the reference and how to plan it readably.
 */
describe("an attachment whose target the plan does not know, named by the configuration", () => {
  type Att = { address: string; values: Record<string, unknown>; refs: string[]; arg?: string };
  const newSetPlan = (atts: Att[], principal: { address: string; values: Record<string, unknown>; unknown: Record<string, boolean> }) => {
    const planned = (address: string, values: unknown) => ({ address, mode: "managed", type: address.split(".")[0], name: address.split(".")[1], provider_name: "registry.terraform.io/hashicorp/aws", values });
    const changes = [
      { ...change(principal.address, ["create"], null, principal.values), change: { actions: ["create"], before: null, after: principal.values, after_unknown: principal.unknown } },
      ...atts.map((a) => {
        const c = change(a.address, ["create"], null, a.values);
        return { ...c, change: { ...(c.change as object), after_unknown: { [a.arg ?? "permission_set_arn"]: true, id: true } } };
      }),
    ];
    const configResources = atts.map((a) => ({
      address: a.address,
      mode: "managed",
      type: a.address.split(".")[0],
      name: a.address.split(".")[1],
      expressions: { [a.arg ?? "permission_set_arn"]: { references: a.refs } },
    }));
    return minimalPlan(changes, {
      planned_values: { root_module: { resources: [planned(principal.address, principal.values), ...atts.map((a) => planned(a.address, a.values))] } },
      configuration: { root_module: { resources: configResources } },
    }) as unknown as PlanJson;
  };
  const set = { address: "aws_ssoadmin_permission_set.agent", values: { name: "AgentDev", instance_arn: INSTANCE, tags: { "blastwall:agent": "true" } }, unknown: { arn: true, id: true } };
  const REFS = ["aws_ssoadmin_permission_set.agent.arn", "aws_ssoadmin_permission_set.agent"];
  const managedAtt = (policy: string, refs = REFS): Att => ({ address: "aws_ssoadmin_managed_policy_attachment.m", values: { instance_arn: INSTANCE, managed_policy_arn: policy }, refs });
  const findings = (p: PlanJson) => analyzeStack(planToStack(p, "plan.json"), { config: {}, rules: agentRules }).findings.filter((f) => f.severity !== "warning" && !f.acknowledged);
  const ids = (p: PlanJson) => findings(p).map((f) => [f.ruleId, f.principal]);

  const unresolved = (p: PlanJson) => findings(p).filter((f) => f.ruleId === "unresolved-attachment");

  test("a policy on a new set is an unresolved attachment whose finding names the set and how to plan it readably", () => {
    const [f, ...more] = unresolved(newSetPlan([managedAtt("arn:aws:iam::aws:policy/AmazonEC2ReadOnlyAccess")], set));
    expect(more).toEqual([]);
    expect(f.resource).toBe("aws_ssoadmin_managed_policy_attachment.m");
    expect(f.message).toContain("its configuration refers to aws_ssoadmin_permission_set.agent.arn only");
    expect(f.message).toContain("create aws_ssoadmin_permission_set.agent in a plan of its own first (terraform apply -target=aws_ssoadmin_permission_set.agent)");
  });

  test("red-team round 101: a conditional that names the agent while referring only to another role is not read as that role's", () => {
    const assume = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }] });
    const helper = { address: "aws_iam_role.helper", values: { name_prefix: "helper-", assume_role_policy: assume }, unknown: { name: true, arn: true, id: true } };
    const agent = { address: "aws_iam_role.agent", values: { name: "agent-bot", assume_role_policy: assume, tags: { "blastwall:agent": "true" } } };
    const deleteBucket: Att = {
      address: "aws_iam_role_policy.p",
      values: { policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:DeleteBucket", Resource: "*" }] }) },
      refs: ["aws_iam_role.helper.arn", "aws_iam_role.helper"],
      arg: "role",
    };
    const p = newSetPlan([deleteBucket], helper) as unknown as { resource_changes: unknown[]; planned_values: { root_module: { resources: unknown[] } } };
    p.resource_changes.push(change(agent.address, ["create"], null, agent.values));
    p.planned_values.root_module.resources.push({ address: agent.address, mode: "managed", type: "aws_iam_role", name: "agent", provider_name: "registry.terraform.io/hashicorp/aws", values: agent.values });
    expect(ids(p as unknown as PlanJson)).toContainEqual(["unresolved-attachment", "aws_iam_role_policy.p"]);
  });

  test.each([
    ["a variable beside the reference", [...REFS, "var.other"]],
    ["an indexed reference", ["aws_ssoadmin_permission_set.agent[0].arn", "aws_ssoadmin_permission_set.agent[0]", "aws_ssoadmin_permission_set.agent"]],
    ["two sets", [...REFS, "aws_ssoadmin_permission_set.other.arn", "aws_ssoadmin_permission_set.other"]],
    ["a data source", ["data.aws_ssoadmin_permission_set.x.arn", "data.aws_ssoadmin_permission_set.x"]],
  ])("%s: an unresolved attachment whose finding names no single reference", (_n, refs) => {
    const [f, ...more] = unresolved(newSetPlan([managedAtt("arn:aws:iam::aws:policy/AmazonEC2ReadOnlyAccess", refs as string[])], set));
    expect(more).toEqual([]);
    expect(f.message).not.toContain("its configuration refers to");
  });

  test("a role with name_prefix, whose name the plan does not know, is told the same way", () => {
    const role = {
      address: "aws_iam_role.agent",
      values: { name_prefix: "agent-", assume_role_policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }] }), tags: { "blastwall:agent": "true" } },
      unknown: { name: true, arn: true, id: true },
    };
    const att = (policy: string, refs = ["aws_iam_role.agent.name", "aws_iam_role.agent"]): Att => ({ address: "aws_iam_role_policy_attachment.a", values: { policy_arn: policy }, refs, arg: "role" });
    const [f] = unresolved(newSetPlan([att("arn:aws:iam::aws:policy/AmazonEC2ReadOnlyAccess")], role));
    expect(f.message).toContain("its configuration refers to aws_iam_role.agent.name only");
    const [g] = unresolved(newSetPlan([att("arn:aws:iam::aws:policy/AmazonEC2ReadOnlyAccess", ["var.role"])], role));
    expect(g.message).not.toContain("its configuration refers to");
  });
});
