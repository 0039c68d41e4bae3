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
