/**
 * The fix of a finding about principals blastwall cannot see says what to do about that kind of step (red-team round
 * 13): a role named exactly but defined elsewhere is checked there; a wildcard is narrowed; compute is named.
 */
import { agentRole, check, errors, policy, tf } from "../helpers/tf";

const agentCan = (action: string, resource: string) =>
  tf({ "aws_iam_role.agent": agentRole(), "aws_iam_role_policy.agent": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: action, Resource: resource }) } }, { provider: { aws: [{ region: "eu-west-1", allowed_account_ids: ["111111111111"] }] } });
const unknown = (json: Record<string, unknown>) => errors(check(json), "agent-reach-unknown");

describe("fixes for the agent's own steps out of the stack", () => {
  test("an exact role in another account: check it where it is defined", () => {
    const [f] = unknown(agentCan("sts:AssumeRole", "arn:aws:iam::222222222222:role/agents/auditor"));
    expect(f.fix).toMatch(/^arn:aws:iam::222222222222:role\/agents\/auditor is not in this stack, so blastwall cannot see its rights: check it where it is defined/);
    // Pinning the provider's account would change nothing: no hint to do so.
    expect(f.evidence.map((e) => e.detail).join("\n")).not.toContain("allowed_account_ids");
  });

  test("a wildcard: name the exact roles", () => {
    const [f] = unknown(agentCan("sts:AssumeRole", "arn:aws:iam::111111111111:role/deploy-*"));
    expect(f.fix).toContain("Name the exact roles the agent may use (their ARNs, not `arn:aws:iam::111111111111:role/deploy-*`)");
  });

  test("compute outside the stack: name the stack's own", () => {
    const [f] = unknown(agentCan("lambda:UpdateFunctionCode", "arn:aws:lambda:eu-west-1:111111111111:function:sandbox-*"));
    expect(f.fix).toMatch(/^Name the exact resources of this stack the agent may run code in/);
  });

  test("no pin hint when no role of the stack has the name: pinning would change nothing", () => {
    const json = tf({
      "aws_iam_role.agent": agentRole(),
      "aws_iam_role_policy.agent": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: "sts:AssumeRole", Resource: "arn:aws:iam::222222222222:role/agents/auditor" }) },
    });
    const [f] = unknown(json);
    expect(f.evidence.map((e) => e.detail).join("\n")).not.toContain("allowed_account_ids");
  });

  test("the pin hint stays where it helps: a role of the stack named with an account while the provider is not pinned", () => {
    const json = tf({
      "aws_iam_role.agent": agentRole(),
      "aws_iam_role_policy.agent": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: "sts:AssumeRole", Resource: "arn:aws:iam::111111111111:role/ops" }) },
      "aws_iam_role.ops": { name: "ops", assume_role_policy: policy({ Effect: "Allow", Principal: { AWS: "${aws_iam_role.agent.arn}" }, Action: "sts:AssumeRole" }) },
    });
    const [f] = unknown(json);
    expect(f.evidence.map((e) => e.detail).join("\n")).toContain("set allowed_account_ids");
  });
});
