/**
 * Red-team round 121 (8): one agent reaching one principal through two chains got two findings, and the longer said
 * "Cutting the first link ... cuts this chain" as if that were the whole fix. It now says the other chain remains.
 */
import { check, policy, tf } from "../helpers/tf";

const LAMBDA = policy({ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" });

function stack(onAdmin: boolean, writer = false) {
  // An agent that may write IAM policies is searched from on its own (reach-support's searchFindings), not by region:
  // that search reaches admin once, by one first link, so it never reports two chains to it.
  const write = writer ? [{ Effect: "Allow", Action: "iam:PutRolePolicy", Resource: "${aws_iam_role.spare.arn}" }] : [];
  return tf({
    "aws_iam_role.spare": { name: "spare", assume_role_policy: LAMBDA },
    "aws_iam_role.agent": { name: "agent", assume_role_policy: LAMBDA, tags: { "blastwall:agent": "true" } },
    "aws_iam_role.mid": { name: "mid", assume_role_policy: LAMBDA },
    "aws_iam_role.admin": { name: "admin", assume_role_policy: policy({ Effect: "Allow", Principal: { AWS: "${aws_iam_role.mid.arn}" }, Action: "sts:AssumeRole" }) },
    "aws_iam_role_policy.ops": {
      role: "${aws_iam_role.agent.name}",
      policy: policy({ Effect: "Allow", Action: "iam:UpdateAssumeRolePolicy", Resource: onAdmin ? ["${aws_iam_role.mid.arn}", "${aws_iam_role.admin.arn}"] : ["${aws_iam_role.mid.arn}"] }, ...write),
    },
    "aws_iam_role_policy.hop": { role: "${aws_iam_role.mid.name}", policy: policy({ Effect: "Allow", Action: "sts:AssumeRole", Resource: "${aws_iam_role.admin.arn}" }) },
    "aws_iam_role_policy.adminp": { role: "${aws_iam_role.admin.name}", policy: policy({ Effect: "Allow", Action: "dynamodb:DeleteTable", Resource: "*" }) },
  });
}

const chains = (onAdmin: boolean, writer = false) =>
  check(stack(onAdmin, writer))
    .findings.filter((f) => f.ruleId === "agent-transitive-destroy" && f.principal === "aws_iam_role.agent" && f.resource === "aws_iam_role.admin")
    .map((f) => f.message);

test("two chains to admin: the longer one says cutting its first link leaves the other", () => {
  const m = chains(true);
  expect(m).toHaveLength(2);
  const longer = m.find((x) => x.includes("--> aws_iam_role.mid"))!;
  expect(longer).toContain("Cutting the first link (aws_iam_role.agent -> aws_iam_role.mid) cuts this chain, but another chain from aws_iam_role.agent reaches aws_iam_role.admin too (its own finding).");
});

test.each([false, true])("control (agent writes IAM policies: %s): one chain to admin: cutting its first link cuts it, with nothing added", (writer) => {
  const m = chains(false, writer);
  expect(m).toHaveLength(1);
  expect(m[0]).toContain("Cutting the first link (aws_iam_role.agent -> aws_iam_role.mid) cuts this chain.");
});
