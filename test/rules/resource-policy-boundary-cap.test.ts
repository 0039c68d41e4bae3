/**
 * Within one account, a resource policy that names a role by its role ARN grants only what the role's permission
 * boundary allows; one naming a session of the role, `*` or a user is not capped (IAM policy evaluation,
 * resource-based policies and permission boundaries). Red-team round 57 false alarm.
 */
import { agentRole, check, errors, policy, tf } from "../helpers/tf";

const ROLE_ARN = "arn:aws:iam::111111111111:role/agents/agent";
const SESSION_ARN = "arn:aws:sts::111111111111:assumed-role/agent/nightly";

const stack = (principal: string, boundary: string[] | undefined, agent: "role" | "user" = "role") =>
  tf({
    ...(agent === "role"
      ? { "aws_iam_role.agent": agentRole(boundary ? { permissions_boundary: "${aws_iam_policy.b.arn}" } : {}) }
      : { "aws_iam_user.agent": { name: "agent", path: "/agents/", tags: { "blastwall:agent": "true" }, ...(boundary ? { permissions_boundary: "${aws_iam_policy.b.arn}" } : {}) } }),
    ...(boundary ? { "aws_iam_policy.b": { name: "b", policy: policy({ Effect: "Allow", Action: boundary, Resource: "*" }) } } : {}),
    "aws_s3_bucket_policy.p": { bucket: "prod-data", policy: policy({ Sid: "Cleanup", Effect: "Allow", Principal: { AWS: principal }, Action: "s3:DeleteObject", Resource: "arn:aws:s3:::prod-data/*" }) },
  });

const grants = (json: Record<string, unknown>) => errors(check(json), "resource-policy-grant").map((f) => f.actions);

test("a grant to the role ARN is capped by a boundary that does not allow it", () => {
  expect(grants(stack(ROLE_ARN, ["ec2:Describe*"]))).toEqual([]);
});

test.each([
  ["the boundary allows it", ROLE_ARN, ["s3:*"], "role"],
  ["there is no boundary", ROLE_ARN, undefined, "role"],
  ["the grant names a session of the role", SESSION_ARN, ["ec2:Describe*"], "role"],
  ["the grant names everyone (*)", "*", ["ec2:Describe*"], "role"],
  ["the agent is a user (a grant to a user ARN is not capped)", "arn:aws:iam::111111111111:user/agents/agent", ["ec2:Describe*"], "user"],
] as const)("the grant stands when %s", (_, principal, boundary, kind) => {
  expect(grants(stack(principal, boundary ? [...boundary] : undefined, kind))).toEqual([["s3:DeleteObject"]]);
});
