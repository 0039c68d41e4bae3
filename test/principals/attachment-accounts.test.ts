/**
 * IAM names are per account: an attachment acts in its provider's account, on the principal of that name there
 * (red-team round 57: a guard Deny written under another account's provider was taken to bind the agent).
 */
import { agentRole, check, errors, policy, tf } from "../helpers/tf";

type Obj = Record<string, unknown>;

const DELETE = policy({ Effect: "Allow", Action: ["ec2:DeleteVolume"], Resource: "*" });
const GUARD = policy({ Effect: "Deny", Action: ["ec2:DeleteVolume"], Resource: "*" });
const pinned = (dev: string | undefined, prod: string | undefined) => ({
  provider: {
    aws: [
      { region: "eu-west-1", ...(dev ? { allowed_account_ids: [dev] } : {}) },
      { alias: "prod", region: "eu-west-1", ...(prod ? { allowed_account_ids: [prod] } : {}) },
    ],
  },
});

const stack = (guard: Obj, providers: Obj, prodAgent = true) =>
  tf(
    {
      "aws_iam_role.agent": agentRole(),
      ...(prodAgent ? { "aws_iam_role.agent_prod": agentRole({ provider: "aws.prod" }) } : {}),
      "aws_iam_role_policy.own": { role: "${aws_iam_role.agent.name}", policy: DELETE },
      "aws_iam_role_policy.guard": { name: "guard", policy: GUARD, ...guard },
    },
    providers,
  );

const destroyOf = (json: Obj) => errors(check(json), "agent-destroy-right").map((f) => f.principal);

describe("a guard Deny attached through another provider", () => {
  test("by name under a provider pinned to another account binds that account's role, not the agent", () => {
    expect(destroyOf(stack({ provider: "aws.prod", role: "agent" }, pinned("111111111111", "222222222222")))).toEqual(["aws_iam_role.agent"]);
  });

  test("by reference to the agent, under another account's provider, reaches the role of that name there", () => {
    const json = stack({ provider: "aws.prod", role: "${aws_iam_role.agent.name}" }, pinned("111111111111", "222222222222"));
    expect(destroyOf(json)).toEqual(["aws_iam_role.agent"]);
    // The prod role got the guard: its own destroy right (were it given one) would be denied.
    const prodOnly = tf(
      {
        "aws_iam_role.agent": agentRole(),
        "aws_iam_role.agent_prod": agentRole({ provider: "aws.prod" }),
        "aws_iam_role_policy.own": { provider: "aws.prod", role: "${aws_iam_role.agent_prod.name}", policy: DELETE },
        "aws_iam_role_policy.guard": { name: "guard", policy: GUARD, provider: "aws.prod", role: "${aws_iam_role.agent.name}" },
      },
      pinned("111111111111", "222222222222"),
    );
    expect(destroyOf(prodOnly)).toEqual([]);
  });

  test("when the two providers cannot be told to be one account, the Deny is not relied on, and the finding says why", () => {
    const json = stack({ provider: "aws.prod", role: "agent" }, pinned("111111111111", undefined), false);
    const [f] = errors(check(json), "agent-destroy-right");
    expect(f.principal).toBe("aws_iam_role.agent");
    expect(f.evidence.find((e) => e.step === "deny-not-relied-on")).toMatchObject({
      address: "aws_iam_role_policy.guard",
      detail: expect.stringMatching(/denies ec2:DeleteVolume, but blastwall does not rely on it: .* acts through the provider aws\.prod and aws_iam_role\.agent through aws, which blastwall cannot tell to be one account \(set allowed_account_ids on both\)/),
    });
  });

  test("the controls: the same provider, or two pinned to one account, bind the agent", () => {
    expect(destroyOf(stack({ role: "agent" }, pinned("111111111111", "222222222222")))).toEqual([]);
    expect(destroyOf(stack({ provider: "aws.prod", role: "agent" }, pinned("111111111111", "111111111111"), false))).toEqual([]);
  });
});
