/**
 * A reached principal counts as rewritable by the agent only through a write that acts on its kind (round 10):
 * `iam:PutRolePolicy` on `*` rewrites roles, so it does not make a user the agent can become a destroy path.
 */
import { check, errors, policy, tf, agentRole } from "../helpers/tf";

const stack = (write: string) =>
  tf({
    "aws_iam_role.agent": agentRole(),
    "aws_iam_role_policy.p": { role: "agent", policy: policy({ Effect: "Allow", Action: [write], Resource: "*" }, { Effect: "Allow", Action: "iam:CreateAccessKey", Resource: "${aws_iam_user.bot.arn}" }) },
    "aws_iam_user.bot": { name: "bot" },
  });

const viaBot = (write: string) => errors(check(stack(write)), "agent-transitive-destroy").filter((f) => f.message.includes("aws_iam_user.bot"));

test("a user the agent can become and rewrite (iam:PutUserPolicy) is a path", () => {
  expect(viaBot("iam:PutUserPolicy").length).toBeGreaterThan(0);
});

test("iam:PutRolePolicy does not rewrite a user: no path through the user is claimed", () => {
  expect(viaBot("iam:PutRolePolicy")).toEqual([]);
});
