/**
 * Agents often live in another stack than the roles they use. A stack that attaches a policy by name to a role the
 * config calls an agent, or whose deploy role trusts an ARN under /agents/, hands an agent rights although no agent
 * is defined in it: those outside agents are judged on what this stack gives them.
 */
import { check, errors, policy, tf } from "../helpers/tf";
import { allRules } from "../../lib/rules";

type Obj = Record<string, unknown>;

const DELETE = policy({ Effect: "Allow", Action: ["ec2:DeleteVolume"], Resource: "*" });
const NAMES = { agents: { names: ["ai-*"] } };
const all = (json: Obj, config = {}) => check(json, config, { rules: allRules });
const ids = (json: Obj, config = {}) => errors(all(json, config)).map((f) => `${f.ruleId} ${f.principal}`);

describe("a policy attached by name to a role outside the stack", () => {
  const inline = tf({ "aws_iam_role_policy.p": { role: "ai-helper", name: "cleanup", policy: DELETE } });

  test("is an agent's destroy right when agents.names selects the name", () => {
    const [f] = errors(all(inline, NAMES), "agent-destroy-right");
    expect(f).toMatchObject({ principal: "outside:role/ai-helper", resource: "aws_iam_role_policy.p", actions: ["ec2:DeleteVolume"] });
    expect(f.evidence[0].detail).toMatch(/config agents\.names "ai-\*" matches the role name "ai-helper"; it is not in this stack/);
  });

  test("the control: a name the config does not select is someone else's business", () => {
    expect(ids(inline)).toEqual([]);
    expect(ids(tf({ "aws_iam_role_policy.p": { role: "ops-helper", name: "cleanup", policy: DELETE } }), NAMES)).toEqual([]);
  });

  test("a managed policy attached by name counts the same", () => {
    const json = tf({ "aws_iam_role_policy_attachment.a": { role: "ai-helper", policy_arn: "arn:aws:iam::aws:policy/AmazonEC2FullAccess" } });
    expect(new Set(errors(all(json, NAMES), "agent-destroy-right").map((f) => f.principal))).toEqual(new Set(["outside:role/ai-helper"]));
  });

  test("is not judged on what lives elsewhere: boundary, trust, session length", () => {
    expect(ids(inline, NAMES)).toEqual(["agent-destroy-right outside:role/ai-helper"]);
  });

  test("an outside agent user added to a group of the stack gets the group's rights", () => {
    const json = tf({
      "aws_iam_group.ops": { name: "ops" },
      "aws_iam_group_policy.ops": { group: "${aws_iam_group.ops.name}", policy: DELETE },
      "aws_iam_user_group_membership.m": { user: "ai-bot", groups: ["${aws_iam_group.ops.name}"] },
    });
    expect(errors(all(json, NAMES), "agent-destroy-right").map((f) => f.principal)).toEqual(["outside:user/ai-bot"]);
  });

  test("an access key the stack creates for an outside agent user is reported, the user itself is not", () => {
    const json = tf({ "aws_iam_access_key.k": { user: "ai-bot" }, "aws_iam_user_policy.p": { user: "ai-bot", policy: policy({ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }) } });
    const keys = errors(all(json, NAMES), "agent-long-lived-keys");
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ principal: "outside:user/ai-bot", resource: "aws_iam_access_key.k" });
  });
});

describe("a trust policy naming an agent outside the stack", () => {
  const deployer = (trustPrincipal: string, extra: Record<string, Obj> = {}) =>
    tf({
      "aws_iam_role.deployer": {
        name: "deployer",
        assume_role_policy: policy({ Effect: "Allow", Principal: { AWS: trustPrincipal }, Action: "sts:AssumeRole" }),
      },
      "aws_iam_role_policy_attachment.admin": { role: "${aws_iam_role.deployer.name}", policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess" },
      ...extra,
    });

  test("under /agents/: the agent assumes the deploy role (same account: the trust alone admits it)", () => {
    const [f] = errors(all(deployer("arn:aws:iam::111111111111:role/agents/coder")), "agent-transitive-destroy");
    expect(f).toMatchObject({ principal: "outside:role/agents/coder", resource: "aws_iam_role.deployer" });
    expect(f.message).toMatch(/outside:role\/agents\/coder --sts:AssumeRole--> aws_iam_role\.deployer/);
    expect(f.evidence[0].detail).toMatch(/path \/agents\/ in arn:aws:iam::111111111111:role\/agents\/coder.*aws_iam_role\.deployer\.assume_role_policy names it/);
  });

  test("by a name the config selects", () => {
    expect(errors(all(deployer("arn:aws:iam::111111111111:role/ai-helper"), NAMES), "agent-transitive-destroy").map((f) => f.principal)).toEqual(["outside:role/ai-helper"]);
  });

  test("written in a data source document", () => {
    const json = tf({
      "data.aws_iam_policy_document.trust": { statement: [{ actions: ["sts:AssumeRole"], principals: [{ type: "AWS", identifiers: ["arn:aws:iam::111111111111:role/agents/coder"] }] }] },
      "aws_iam_role.deployer": { name: "deployer", assume_role_policy: "${data.aws_iam_policy_document.trust.json}" },
      "aws_iam_role_policy_attachment.admin": { role: "${aws_iam_role.deployer.name}", policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess" },
    });
    expect(errors(all(json), "agent-transitive-destroy").map((f) => f.principal)).toEqual(["outside:role/agents/coder"]);
  });

  test("the control: a CI role outside /agents/ that the config does not select", () => {
    expect(ids(deployer("arn:aws:iam::111111111111:role/ci-runner"), NAMES)).toEqual([]);
  });

  test("an in-stack agent assuming that ARN still reaches rights blastwall cannot see", () => {
    const json = deployer("arn:aws:iam::111111111111:role/agents/coder", {
      "aws_iam_role.agent": { name: "agent", assume_role_policy: policy({ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }), tags: { "blastwall:agent": "true" } },
      "aws_iam_role_policy.agent": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: "sts:AssumeRole", Resource: "arn:aws:iam::111111111111:role/agents/coder" }) },
    });
    const unknown = errors(all(json), "agent-reach-unknown").map((f) => f.principal);
    expect(unknown).toContain("aws_iam_role.agent");
  });

  test("an acknowledgement names it by its outside: address", () => {
    const json = deployer("arn:aws:iam::111111111111:role/agents/coder");
    const config = { acknowledgements: [{ ruleId: "agent-transitive-destroy", principal: "outside:role/agents/coder", reason: "break-glass deployer, reviewed by the platform team" }] };
    expect(errors(all(json, config))).toEqual([]);
  });
});

describe("a resource policy naming an agent outside the stack", () => {
  test("granting it a destroy right is reported for that agent", () => {
    const json = tf({
      "aws_s3_bucket.data": { bucket: "prod-data" },
      "aws_s3_bucket_policy.data": {
        bucket: "${aws_s3_bucket.data.id}",
        policy: policy({ Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:role/agents/coder" }, Action: "s3:DeleteBucket", Resource: "arn:aws:s3:::prod-data" }),
      },
    });
    expect(errors(all(json), "resource-policy-grant").map((f) => f.principal)).toEqual(["outside:role/agents/coder"]);
  });
});
