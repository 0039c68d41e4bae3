/**
 * Messages (a user review) that read wrongly: a broken plural, and "at least one" for an action given as a string.
 */
import { AgentPrincipal, AgentRole } from "../../lib/constructs";
import { acknowledge } from "../../lib/cdktf";
import { APP_ACCOUNT, errorOf, loose, stackIn } from "./helpers";

describe("wording", () => {
  const role = () => new AgentRole(stackIn("eu-central-1"), "A", { roleName: "claude", assumedBy: [AgentPrincipal.role(`arn:aws:iam::${APP_ACCOUNT}:role/runner`)] });

  test("allow() with resources as a string says it must be a list, in plain words", () => {
    const message = errorOf(() => role().allow({ actions: ["s3:GetObject"], resources: loose("arn:aws:s3:::b/*") })).message;
    expect(message).toBe('AgentRole.allow: resources must be a list of resource ARNs (or "*" for actions without resource-level permissions), e.g. resources: ["arn:aws:s3:::b/*"] (got "arn:aws:s3:::b/*")');
  });

  test("acknowledge() with actions as a string says it must be an array", () => {
    const r = role();
    const message = errorOf(() => acknowledge(r, { ruleId: "agent-destroy-right", reason: "reviewed by the platform team", actions: loose("ec2:DeleteVolume") })).message;
    expect(message).toMatch(/^acknowledge: actions must be an array of IAM actions, e.g\. actions: \["ec2:DeleteVolume"\] \(got "ec2:DeleteVolume"; rule agent-destroy-right at s\/A\)$/);
  });

  test("control: acknowledge() with an empty array still says to list at least one", () => {
    expect(errorOf(() => acknowledge(role(), { ruleId: "agent-destroy-right", reason: "reviewed by the platform team", actions: [] })).message).toMatch(/^acknowledge: actions must list at least one IAM action/);
  });
});
