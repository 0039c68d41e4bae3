/**
 * Red-team round 90: an explicit Deny of the principal's own identity policies (or boundary) wins over a resource
 * policy's Allow, so the store reads of the reach graph do not follow a secret policy's grant that the agent's own
 * policy certainly denies. A conditional Deny, or one on another secret, leaves the path.
 */
import { adminKeyStack, check, errors, policy } from "../helpers/tf";

type Obj = Record<string, unknown>;

const secretPolicy = policy({ Sid: "Read", Effect: "Allow", Principal: { AWS: "${aws_iam_role.agent.arn}" }, Action: "secretsmanager:GetSecretValue", Resource: "*" });

const stack = (deny: Obj | undefined) =>
  adminKeyStack({
    "aws_secretsmanager_secret.deploy": { name: "deploy-key" },
    "aws_secretsmanager_secret.other": { name: "other" },
    "aws_secretsmanager_secret_version.deploy": { secret_id: "${aws_secretsmanager_secret.deploy.id}", secret_string: "${aws_iam_access_key.admin.secret}" },
    "aws_secretsmanager_secret_policy.deploy": { secret_arn: "${aws_secretsmanager_secret.deploy.arn}", policy: secretPolicy },
    ...(deny ? { "aws_iam_role_policy.guard": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Deny", Action: "secretsmanager:GetSecretValue", ...deny }) } } : {}),
  });

const reaches = (json: Obj) => errors(check(json), "agent-transitive-destroy");

test("a Deny of the agent's own policy on every resource closes the secret policy's path", () => {
  expect(reaches(stack({ Resource: "*" }))).toEqual([]);
});

test.each([
  ["there is no Deny", undefined],
  ["the Deny has a condition", { Resource: "*", Condition: { Bool: { "aws:MultiFactorAuthPresent": "false" } } }],
  ["the Deny is on another secret", { Resource: "${aws_secretsmanager_secret.other.arn}" }],
])("the path stays when %s", (_, deny) => {
  expect(reaches(stack(deny as Obj | undefined))).toHaveLength(1);
});
