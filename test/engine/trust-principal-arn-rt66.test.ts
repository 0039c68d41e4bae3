/**
 * Red-team round 66: a trust that admits the account root (or `*`) and narrows it with an `aws:PrincipalArn`
 * condition (`role/ci-*`, the usual way to say "only the CI roles") admitted the agent whenever the agent's own policy
 * allowed sts:AssumeRole on the role. A role session's aws:PrincipalArn is its role's ARN, so the condition excludes
 * the agent where its ARN certainly matches none of the values; it may admit it where the ARN may match, for a
 * negated operator that does not certainly exclude it, and for conditions blastwall does not read.
 */
import { agentRole, check, errors, policy, tf } from "../helpers/tf";

type Obj = Record<string, unknown>;

const ACCOUNT = "111111111111";

function stack(principal: unknown, condition: Obj | undefined, agent: Obj = {}): Obj {
  return tf({
    "aws_iam_role.agent": agentRole(agent),
    "aws_iam_role_policy.agent": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: "sts:AssumeRole", Resource: "${aws_iam_role.deployer.arn}" }) },
    "aws_iam_role.deployer": { name: "deployer", assume_role_policy: policy({ Effect: "Allow", Principal: { AWS: principal }, Action: "sts:AssumeRole", ...(condition ? { Condition: condition } : {}) }) },
    "aws_iam_role_policy.deployer": { role: "${aws_iam_role.deployer.name}", policy: policy({ Effect: "Allow", Action: ["s3:DeleteObject", "dynamodb:DeleteTable"], Resource: "*" }) },
  }, REGION);
}

// A commercial region: the agent's ARN is `arn:aws:`, which the `arn:aws:` values below name (without a region it may
// be in any partition, and a negated condition naming `arn:aws:` need not exclude it: red-team round 90).
const REGION = { provider: { aws: [{ region: "eu-west-1" }] } };

const reached = (doc: Obj) => errors(check(doc), "agent-transitive-destroy").map((f) => f.resource);
const ROOT = `arn:aws:iam::${ACCOUNT}:root`;
const CI = `arn:aws:iam::${ACCOUNT}:role/ci-*`;

describe("66. aws:PrincipalArn on a trust admitting the account root or anyone", () => {
  test("a condition naming only other roles excludes the agent (ArnLike, StringLike, StringEquals, ArnEquals; root, account id or *)", () => {
    const cases: [unknown, Obj][] = [
      [ROOT, { ArnLike: { "aws:PrincipalArn": CI } }],
      [ROOT, { StringLike: { "aws:PrincipalArn": CI } }],
      [ROOT, { StringEquals: { "aws:PrincipalArn": `arn:aws:iam::${ACCOUNT}:role/ci-deployer` } }],
      [ACCOUNT, { ArnEquals: { "aws:PrincipalArn": [`arn:aws:iam::${ACCOUNT}:role/ci-deployer`, `arn:aws:iam::${ACCOUNT}:role/release`] } }],
      ["*", { ArnLike: { "aws:PrincipalArn": CI } }],
      [ROOT, { ArnNotLike: { "aws:PrincipalArn": "arn:aws:iam::*:role/agents/*" } }],
    ];
    for (const [principal, condition] of cases) expect([principal, condition, reached(stack(principal, condition))]).toEqual([principal, condition, []]);
  });

  test("a trust naming the agent's ARN but requiring another aws:PrincipalArn admits no one of the agent's", () => {
    expect(reached(stack("${aws_iam_role.agent.arn}", { ArnLike: { "aws:PrincipalArn": CI } }))).toEqual([]);
  });

  test("control: the trust still admits the agent where its ARN may match, a negation does not exclude it, or a condition is not read", () => {
    const cases: [unknown, Obj | undefined, Obj][] = [
      [ROOT, undefined, {}],
      [ROOT, { ArnLike: { "aws:PrincipalArn": `arn:aws:iam::${ACCOUNT}:role/agents/agent*` } }, {}],
      [ROOT, { ArnLike: { "aws:PrincipalArn": `arn:aws:iam::${ACCOUNT}:role/*` } }, {}],
      // An agent whose name is known only at apply time may be named ci-something.
      [ROOT, { ArnLike: { "aws:PrincipalArn": `arn:aws:iam::${ACCOUNT}:role/*ci-*` } }, { name: "${var.agent_name}", path: "/" }],
      [ROOT, { StringNotLike: { "aws:PrincipalArn": CI } }, {}],
      [ROOT, { StringEquals: { "aws:PrincipalTag/team": "ci" } }, {}],
      [ROOT, { Null: { "aws:PrincipalArn": "false" } }, {}],
      ["*", { ArnLike: { "aws:PrincipalArn": `arn:aws:iam::${ACCOUNT}:role/agents/*` } }, {}],
    ];
    for (const [principal, condition, agent] of cases) expect([principal, condition, reached(stack(principal, condition, agent))]).toEqual([principal, condition, ["aws_iam_role.deployer"]]);
  });
});
