/** Catalogue gaps a red-team found: HealthImaging deletes and the QuickSight account deletion. */
import type { Finding } from "../../lib/engine/findings";
import { agentRole, check, errors, policy, tf } from "../helpers/tf";

const agentWith = (actions: string | string[]) =>
  tf({ "aws_iam_role.agent": agentRole({ inline_policy: { name: "ops", policy: policy({ Sid: "Ops", Effect: "Allow", Action: actions, Resource: "*" }) } }) });
const findings = (actions: string | string[], rule: string): Finding[] => check(agentWith(actions)).findings.filter((f) => f.ruleId === rule);

describe("catalogue additions (red-team 60, 61)", () => {
  test("medical-imaging:DeleteImageSet is a destroy right (an error)", () => {
    const found = errors(check(agentWith(["medical-imaging:DeleteImageSet", "medical-imaging:GetImageSet"])), "agent-destroy-right");
    expect(found.flatMap((f) => f.actions)).toEqual(["medical-imaging:DeleteImageSet"]);
    expect(found[0].resource).toBe("aws_iam_role.agent");
  });
  test("medical-imaging:DeleteDatastore, which needs the image sets gone first, is a warning", () => {
    expect(findings("medical-imaging:DeleteDatastore", "agent-destroy-right").map((f) => f.severity)).toEqual(["warning"]);
  });
  test("quicksight:DeleteAccountSubscription is a destroy right; DeleteAnalysis a warning", () => {
    expect(errors(check(agentWith("quicksight:DeleteAccountSubscription")), "agent-destroy-right").flatMap((f) => f.actions)).toEqual(["quicksight:DeleteAccountSubscription"]);
    expect(findings("quicksight:DeleteAnalysis", "agent-destroy-right").map((f) => f.severity)).toEqual(["warning"]);
  });
  test("quicksight:UpdateAccountSettings removes termination protection", () => {
    const found = errors(check(agentWith("quicksight:UpdateAccountSettings")), "agent-protection-removal");
    expect(found.flatMap((f) => f.actions)).toEqual(["quicksight:UpdateAccountSettings"]);
  });
  test("control: reads of the same services are no finding", () => {
    const r = check(agentWith(["medical-imaging:GetImageSet", "medical-imaging:SearchImageSets", "quicksight:DescribeAnalysis", "quicksight:DescribeAccountSettings"]));
    expect(errors(r)).toEqual([]);
  });
});
