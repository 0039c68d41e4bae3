/**
 * A group membership acts in its provider's account, as an attachment does (attachment-accounts.test.ts): it joins the
 * user and the group of those names there. A guard group joined under another account's provider does not bind the
 * agent user of this account, so its Deny must not be relied on.
 */
import { AGENT, check, errors, policy, tf } from "../helpers/tf";

type Obj = Record<string, unknown>;

const DELETE = policy({ Effect: "Allow", Action: ["ec2:DeleteVolume"], Resource: "*" });
const GUARD = policy({ Effect: "Deny", Action: ["ec2:DeleteVolume"], Resource: "*" });
const providers = (dev: string | undefined, prod: string | undefined) => ({
  provider: {
    aws: [
      { region: "eu-west-1", ...(dev ? { allowed_account_ids: [dev] } : {}) },
      { alias: "prod", region: "eu-west-1", ...(prod ? { allowed_account_ids: [prod] } : {}) },
    ],
  },
});

/** An agent user with a delete right, and a guard group whose Deny a membership is meant to add. */
const stack = (membership: Obj, pinned: Obj, form: "group_membership" | "user_group_membership" = "group_membership") =>
  tf(
    {
      "aws_iam_user.agent": { name: "agent", tags: AGENT },
      "aws_iam_user_policy.own": { user: "${aws_iam_user.agent.name}", policy: DELETE },
      "aws_iam_group.guard": { name: "guard" },
      "aws_iam_group_policy.deny": { group: "${aws_iam_group.guard.name}", policy: GUARD },
      ...(form === "group_membership"
        ? { "aws_iam_group_membership.m": { name: "m", group: "${aws_iam_group.guard.name}", users: ["${aws_iam_user.agent.name}"], ...membership } }
        : { "aws_iam_user_group_membership.m": { user: "${aws_iam_user.agent.name}", groups: ["${aws_iam_group.guard.name}"], ...membership } }),
    },
    pinned,
  );

const destroyOf = (json: Obj) => errors(check(json), "agent-destroy-right");

describe("a guard group joined through another provider", () => {
  test.each(["group_membership", "user_group_membership"] as const)("under a provider pinned to another account (%s), the Deny does not bind the agent", (form) => {
    expect(destroyOf(stack({ provider: "aws.prod" }, providers("111111111111", "222222222222"), form)).map((f) => f.principal)).toEqual(["aws_iam_user.agent"]);
  });

  test("when the two providers cannot be told to be one account, the Deny is not relied on, and the finding says why", () => {
    const [f] = destroyOf(stack({ provider: "aws.prod" }, providers("111111111111", undefined)));
    expect(f.principal).toBe("aws_iam_user.agent");
    expect(f.evidence.find((e) => e.step === "deny-not-relied-on")).toMatchObject({
      detail: expect.stringMatching(/acts through the provider aws\.prod and aws_iam_user\.agent through aws, which blastwall cannot tell to be one account/),
    });
  });

  test.each(["group_membership", "user_group_membership"] as const)("the controls (%s): the same provider, or two pinned to one account, bind the agent", (form) => {
    expect(destroyOf(stack({}, providers("111111111111", "222222222222"), form))).toEqual([]);
    expect(destroyOf(stack({ provider: "aws.prod" }, providers("111111111111", "111111111111"), form))).toEqual([]);
  });
});
