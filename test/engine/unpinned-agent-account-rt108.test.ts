/**
 * Red-team round 108, F4: a trust that names the agent by an ARN of one account, on a role the stack places in
 * another (its provider's assume_role), while the agent's own provider is not pinned. Either the agent is in the
 * ARN's account, and the call crosses accounts and needs an sts:AssumeRole right of the agent's own, or that ARN is
 * not the agent: the trust alone is no path. The agent here has no sts:AssumeRole and no Deny of it.
 */
import { check, errors, policy, tf } from "../helpers/tf";

type Obj = Record<string, unknown>;

const DEPLOY = "arn:aws:iam::111111111111:role/agents/coder";
const READS = policy({ Effect: "Allow", Action: ["s3:GetObject", "s3:ListBucket"], Resource: "*" });

/** The agent on the default provider (pinned when `pinned`), and `deploy` with admin rights on `provider`. */
function stack(trustNames: string, opts: { deployProvider?: Obj; pinned?: boolean; agentRights?: Obj[] } = {}): Obj {
  const doc = tf({
    "aws_iam_policy.b": { name: "agent-boundary", policy: policy({ Effect: "Allow", Action: ["s3:GetObject", "s3:ListBucket", "sts:AssumeRole"], Resource: "*" }) },
    "aws_iam_role.agent": {
      name: "coder",
      path: "/agents/",
      max_session_duration: 3600,
      permissions_boundary: "${aws_iam_policy.b.arn}",
      assume_role_policy: policy({ Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:role/agent-runner" }, Action: ["sts:AssumeRole", "sts:SetSourceIdentity"], Condition: { StringLike: { "sts:SourceIdentity": "agent-*" } } }),
      tags: { "blastwall:agent": "true" },
    },
    "aws_iam_role_policy.agent": { role: "${aws_iam_role.agent.id}", policy: opts.agentRights ? policy(...opts.agentRights) : READS },
    "aws_iam_role.deploy": {
      provider: "aws.prod",
      name: "deployer",
      assume_role_policy: policy({ Effect: "Allow", Principal: { AWS: trustNames }, Action: "sts:AssumeRole" }),
      managed_policy_arns: ["arn:aws:iam::aws:policy/AdministratorAccess"],
    },
  });
  const prod = opts.deployProvider ?? { assume_role: [{ role_arn: "arn:aws:iam::222222222222:role/terraform" }] };
  const main = opts.pinned ? { region: "eu-west-1", allowed_account_ids: ["111111111111"] } : { region: "eu-west-1" };
  return { ...doc, provider: { aws: [main, { alias: "prod", region: "eu-west-1", ...prod }] } };
}

const paths = (doc: Obj) => errors(check(doc), "agent-transitive-destroy").filter((f) => f.resource === "aws_iam_role.deploy");

describe("a trust naming the agent by another account's ARN than the role's (red-team round 108, F4)", () => {
  test("the agent's account not pinned, the role's placed in 222222222222 by assume_role: no path without an sts:AssumeRole right", () => {
    expect(paths(stack(DEPLOY))).toEqual([]);
    // As with the agent's provider pinned (round 90), the case this mirrors.
    expect(paths(stack(DEPLOY, { pinned: true }))).toEqual([]);
  });

  test("control: with its own sts:AssumeRole on the role, the agent reaches it across accounts", () => {
    const [f] = paths(stack(DEPLOY, { agentRights: [{ Effect: "Allow", Action: "sts:AssumeRole", Resource: "arn:aws:iam::222222222222:role/deployer" }] }));
    expect(f.evidence.map((e) => e.detail).join("\n")).toContain("allows it and the trust policy of aws_iam_role.deploy admits aws_iam_role.agent");
  });

  test("control: a trust naming the agent in the role's own account is enough, and the message asks to pin the agent's provider", () => {
    const [f] = paths(stack("arn:aws:iam::222222222222:role/agents/coder"));
    const detail = f.evidence.map((e) => e.detail).join("\n");
    expect(detail).toContain("names aws_iam_role.agent (statement #0), which is enough within one account");
    expect(detail).toContain("the aws provider of aws_iam_role.agent is not pinned to an account, so blastwall counts it in the role's account: set allowed_account_ids");
  });

  test("control: fail closed where the role's account is not known, or the trust names the agent by reference", () => {
    expect(paths(stack(DEPLOY, { deployProvider: { profile: "prod" } }))).toHaveLength(1);
    expect(paths(stack("${aws_iam_role.agent.arn}"))).toHaveLength(1);
  });

  test("control: with the agent's provider pinned the hint is not given", () => {
    const [f] = paths(stack("${aws_iam_role.agent.arn}", { deployProvider: { allowed_account_ids: ["111111111111"] }, pinned: true }));
    expect(f.evidence.map((e) => e.detail).join("\n")).not.toContain("allowed_account_ids");
  });
});
