/**
 * Red-team round 68, on a trust admitting the account root and an agent holding sts:AssumeRole on the role:
 * - `StringNotEquals[IgnoreCase] aws:PrincipalArn .../agent*` was read as a wildcard and so excluded the agent. The
 *   String(Not)Equals operators match no wildcard: `*` and `?` are literal characters there, the agent's ARN is "not
 *   equal", and the trust admits it (a bypass). ArnEquals and ArnNotEquals match wildcards as ArnLike does (IAM User
 *   Guide, ARN condition operators), so they keep the glob reading.
 * - A `Deny *` of sts:AssumeRole whose aws:PrincipalArn condition certainly covers the agent was read only for trusts
 *   open to anyone, not when the agent assumes the role through its own grant (a false alarm).
 */
import { agentRole, check, errors, policy, tf } from "../helpers/tf";

type Obj = Record<string, unknown>;

const PINNED = { provider: { aws: [{ region: "eu-west-1", allowed_account_ids: ["111111111111"] }] } };
const ROOT = "arn:aws:iam::111111111111:root";
const ARN = "arn:aws:iam::111111111111:role/agents/agent";

function stack(allowCondition?: Obj, deny?: Obj): Obj {
  const allow: Obj = { Effect: "Allow", Principal: { AWS: ROOT }, Action: "sts:AssumeRole", ...(allowCondition ? { Condition: allowCondition } : {}) };
  const statements = deny ? [allow, { Effect: "Deny", Principal: { AWS: "*" }, Action: "sts:AssumeRole", Condition: deny }] : [allow];
  return tf({
    "aws_iam_role.agent": agentRole(),
    "aws_iam_role_policy.agent": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: "sts:AssumeRole", Resource: "${aws_iam_role.deployer.arn}" }) },
    "aws_iam_role.deployer": { name: "deployer", assume_role_policy: policy(...statements) },
    "aws_iam_role_policy.deployer": { role: "${aws_iam_role.deployer.name}", policy: policy({ Effect: "Allow", Action: ["s3:DeleteObject", "dynamodb:DeleteTable"], Resource: "*" }) },
  }, PINNED);
}

const reached = (doc: Obj) => errors(check(doc), "agent-transitive-destroy").map((f) => f.resource);
const DEPLOYER = ["aws_iam_role.deployer"];

describe("68. String(Not)Equals on aws:PrincipalArn match no wildcard", () => {
  test("StringNotEquals[IgnoreCase] with `*` or `?` does not exclude the agent (the red team's bypass)", () => {
    for (const [op, v] of [
      ["StringNotEquals", "arn:aws:iam::111111111111:role/agents/agent*"],
      ["StringNotEqualsIgnoreCase", "arn:aws:iam::111111111111:role/AGENTS/AGENT*"],
      ["StringNotEquals", "arn:aws:iam::*:role/agents/agent"],
      ["StringNotEqualsIfExists", "arn:aws:iam::111111111111:role/agents/ag?nt"],
    ]) {
      expect([op, v, reached(stack({ [op]: { "aws:PrincipalArn": v } }))]).toEqual([op, v, DEPLOYER]);
    }
  });

  test("StringEquals[IgnoreCase] with `*` does not admit the agent; the exact ARN does", () => {
    expect(reached(stack({ StringEquals: { "aws:PrincipalArn": "arn:aws:iam::111111111111:role/agents/*" } }))).toEqual([]);
    expect(reached(stack({ StringEqualsIgnoreCase: { "aws:PrincipalArn": "arn:aws:iam::111111111111:role/AGENTS/*" } }))).toEqual([]);
    expect(reached(stack({ StringEquals: { "aws:PrincipalArn": ARN } }))).toEqual(DEPLOYER);
  });

  test("control: the Like operators and the Arn operators (ArnEquals is ArnLike) still read wildcards", () => {
    for (const op of ["StringNotLike", "ArnNotLike", "ArnNotEquals"]) {
      expect([op, reached(stack({ [op]: { "aws:PrincipalArn": "arn:aws:iam::111111111111:role/agents/agent*" } }))]).toEqual([op, []]);
    }
    for (const op of ["StringLike", "ArnLike", "ArnEquals"]) {
      expect([op, reached(stack({ [op]: { "aws:PrincipalArn": "arn:aws:iam::111111111111:role/agents/*" } }))]).toEqual([op, DEPLOYER]);
    }
    expect(reached(stack({ StringNotEquals: { "aws:PrincipalArn": ARN } }))).toEqual([]);
  });
});

describe("68. a trust's Deny on aws:PrincipalArn blocks the agent's own sts:AssumeRole grant", () => {
  test("a Deny certainly covering the agent leaves no path (the red team's false alarms)", () => {
    expect(reached(stack(undefined, { StringLike: { "aws:PrincipalArn": "arn:aws:iam::111111111111:role/agents/*" } }))).toEqual([]);
    expect(reached(stack(undefined, { StringNotEqualsIgnoreCase: { "aws:PrincipalArn": "arn:aws:iam::111111111111:role/CI" } }))).toEqual([]);
    expect(reached(stack(undefined, { ArnEquals: { "aws:PrincipalArn": "arn:aws:iam::111111111111:role/agents/*" } }))).toEqual([]);
  });

  test("a Deny whose Equals value has `*` names no one by it, and one naming another role leaves the path", () => {
    expect(reached(stack(undefined, { StringEquals: { "aws:PrincipalArn": "arn:aws:iam::111111111111:role/agents/*" } }))).toEqual(DEPLOYER);
    expect(reached(stack(undefined, { StringEqualsIgnoreCase: { "aws:PrincipalArn": "arn:aws:iam::111111111111:role/AGENTS/AG?NT" } }))).toEqual(DEPLOYER);
    expect(reached(stack(undefined, { StringLike: { "aws:PrincipalArn": "arn:aws:iam::111111111111:role/ci-*" } }))).toEqual(DEPLOYER);
    expect(reached(stack(undefined, { StringNotEquals: { "aws:PrincipalArn": ARN } }))).toEqual(DEPLOYER);
  });

  test("a StringNotEquals Deny listing the agent literally with `*` still applies to it", () => {
    expect(reached(stack(undefined, { StringNotEquals: { "aws:PrincipalArn": "arn:aws:iam::111111111111:role/agents/*" } }))).toEqual([]);
  });
});
