/**
 * Ways a trust policy loosens that a subset check of allowed values misses: a negated condition losing a value, a
 * Deny removed, an action added for the same caller (found by a red-team).
 */
import { trustPolicyWidened } from "../../lib/plan/rules/trust-policy-widened";
import { change } from "./helpers";

const policy = (...statements: Record<string, unknown>[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });
const OIDC = { Federated: "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com" };

const widened = (before: string, after: string) =>
  trustPolicyWidened.check(change("aws_iam_role.deploy", ["update"], { assume_role_policy: before }, { assume_role_policy: after }) as never, {} as never).map((f) => f.message);

describe("trust policy loosening", () => {
  test("a value dropped from a StringNotLike list lets those callers in", () => {
    const cond = (values: string[]) => ({ Effect: "Allow", Principal: OIDC, Action: "sts:AssumeRoleWithWebIdentity", Condition: { StringNotLike: { "token.actions.githubusercontent.com:sub": values } } });
    expect(widened(policy(cond(["repo:org/app:ref:refs/heads/agent-*", "repo:org/app:pull_request"])), policy(cond(["repo:org/app:pull_request"])))).toHaveLength(1);
    // Excluding more is stricter.
    expect(widened(policy(cond(["repo:org/app:pull_request"])), policy(cond(["repo:org/app:pull_request", "repo:org/app:ref:refs/heads/agent-*"])))).toEqual([]);
  });

  test("a Deny removed from the trust policy", () => {
    const allow = { Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:root" }, Action: "sts:AssumeRole" };
    const deny = { Effect: "Deny", Principal: "*", Action: "sts:AssumeRole", Condition: { ArnNotEquals: { "aws:PrincipalArn": "arn:aws:iam::111111111111:role/human-admin" } } };
    const [m] = widened(policy(allow, deny), policy(allow));
    expect(m).toMatch(/a Deny statement is removed or changed/);
    expect(widened(policy(deny, allow), policy(allow, deny))).toEqual([]);
  });

  test("the same caller may now assume the role where it could only tag sessions", () => {
    const s = (action: string) => ({ Effect: "Allow", Principal: { AWS: "arn:aws:iam::222222222222:root" }, Action: action });
    const [m] = widened(policy(s("sts:TagSession")), policy(s("sts:AssumeRole")));
    expect(m).toMatch(/may now also sts:assumerole/);
  });
});
