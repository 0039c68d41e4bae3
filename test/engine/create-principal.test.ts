/**
 * An agent that can create a role (or user) and fill it with policies needs no existing powerful principal: it
 * makes one, trusting itself. Found by a red-team; the new principal counts as holding every right.
 */
import { agentRole, check, errors, policy, tf } from "../helpers/tf";

const withRights = (...statements: Record<string, unknown>[]) =>
  tf({ "aws_iam_role.agent": agentRole(), "aws_iam_role_policy.work": { role: "${aws_iam_role.agent.name}", policy: policy(...statements) } });

const unknownReach = (json: Record<string, unknown>) => errors(check(json), "agent-reach-unknown");

describe("creating a principal and filling it with policies", () => {
  test("iam:CreateRole and iam:PutRolePolicy on the same role pattern", () => {
    const [f] = unknownReach(withRights({ Effect: "Allow", Action: ["iam:CreateRole", "iam:PutRolePolicy"], Resource: "arn:aws:iam::123456789012:role/sandbox-x" }));
    expect(f.message).toMatch(/iam:CreateRole/);
    expect(f.evidence.map((e) => e.step)).toContain("create-principal");
  });

  test("iam:CreateRole and iam:AttachRolePolicy on patterns that meet", () => {
    const json = withRights(
      { Effect: "Allow", Action: "iam:CreateRole", Resource: "arn:aws:iam::123456789012:role/sandbox-*" },
      { Effect: "Allow", Action: "iam:AttachRolePolicy", Resource: "arn:aws:iam::*:role/*" },
    );
    expect(unknownReach(json)).toHaveLength(1);
  });

  test("a user needs a key or a password as well", () => {
    const base = { Effect: "Allow", Action: ["iam:CreateUser", "iam:AttachUserPolicy"], Resource: "arn:aws:iam::123456789012:user/bot-*" };
    expect(unknownReach(withRights(base))).toEqual([]);
    const withKey = unknownReach(withRights(base, { Effect: "Allow", Action: "iam:CreateAccessKey", Resource: "arn:aws:iam::123456789012:user/bot-*" }));
    expect(withKey.flatMap((f) => f.evidence.map((e) => e.step))).toContain("create-principal");
  });

  test("creating a role it cannot fill is no path, nor filling roles on patterns that do not meet", () => {
    expect(unknownReach(withRights({ Effect: "Allow", Action: "iam:CreateRole", Resource: "arn:aws:iam::123456789012:role/sandbox-x" }))).toEqual([]);
    const apart = withRights(
      { Effect: "Allow", Action: "iam:CreateRole", Resource: "arn:aws:iam::123456789012:role/sandbox-*" },
      { Effect: "Allow", Action: "iam:PutRolePolicy", Resource: "arn:aws:iam::123456789012:role/ci-*" },
    );
    expect(unknownReach(apart)).toEqual([]);
  });
});
