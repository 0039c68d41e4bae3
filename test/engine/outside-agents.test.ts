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

  test("the name is matched regardless of case (IAM names are unique regardless of case)", () => {
    const upper = tf({ "aws_iam_role_policy.p": { role: "AI-Helper", name: "cleanup", policy: DELETE } });
    expect(ids(upper, NAMES)).toEqual(["agent-destroy-right outside:role/AI-Helper"]);
    const trust = tf({
      "aws_iam_role.deployer": { name: "deployer", assume_role_policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:role/AI-${var.n}" }, Action: "sts:AssumeRole" }] }) },
      "aws_iam_role_policy.d": { role: "${aws_iam_role.deployer.name}", policy: DELETE },
    });
    expect(ids(trust, { agents: { names: ["ai-coder"] } }).some((x) => x.startsWith("agent-transitive-destroy"))).toBe(true);
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
    expect(f).toMatchObject({ principal: "outside:arn:aws:iam::111111111111:role/agents/coder", resource: "aws_iam_role.deployer" });
    expect(f.message).toMatch(/outside:arn:aws:iam::111111111111:role\/agents\/coder --sts:AssumeRole--> aws_iam_role\.deployer/);
    expect(f.evidence[0].detail).toMatch(/path \/agents\/ in arn:aws:iam::111111111111:role\/agents\/coder.*named by aws_iam_role\.deployer\.assume_role_policy/);
  });

  test("by a name the config selects", () => {
    expect(errors(all(deployer("arn:aws:iam::111111111111:role/ai-helper"), NAMES), "agent-transitive-destroy").map((f) => f.principal)).toEqual(["outside:arn:aws:iam::111111111111:role/ai-helper"]);
  });

  test("written in a data source document", () => {
    const json = tf({
      "data.aws_iam_policy_document.trust": { statement: [{ actions: ["sts:AssumeRole"], principals: [{ type: "AWS", identifiers: ["arn:aws:iam::111111111111:role/agents/coder"] }] }] },
      "aws_iam_role.deployer": { name: "deployer", assume_role_policy: "${data.aws_iam_policy_document.trust.json}" },
      "aws_iam_role_policy_attachment.admin": { role: "${aws_iam_role.deployer.name}", policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess" },
    });
    expect(errors(all(json), "agent-transitive-destroy").map((f) => f.principal)).toEqual(["outside:arn:aws:iam::111111111111:role/agents/coder"]);
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
    const config = { acknowledgements: [{ ruleId: "agent-transitive-destroy", principal: "outside:arn:aws:iam::111111111111:role/agents/coder", reason: "break-glass deployer, reviewed by the platform team" }] };
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
    expect(errors(all(json), "resource-policy-grant").map((f) => f.principal)).toEqual(["outside:arn:aws:iam::111111111111:role/agents/coder"]);
  });
});

describe("outside agents the first reading missed (red-team round 11)", () => {
  const ADMIN = { "aws_iam_role_policy_attachment.admin": { role: "${aws_iam_role.deployer.name}", policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess" } };
  const trusting = (principal: unknown, extra: Record<string, Obj> = {}, top: Obj = {}) =>
    tf({ "aws_iam_role.deployer": { name: "deployer", assume_role_policy: policy({ Effect: "Allow", Principal: { AWS: principal }, Action: "sts:AssumeRole" }) }, ...ADMIN, ...extra }, top);
  const principals = (json: Obj, config = {}) => [...new Set(errors(all(json, config)).map((f) => f.principal))];
  const CODER = "arn:aws:iam::111111111111:role/agents/coder";

  test("an agent ARN held in a variable or a local", () => {
    expect(principals(trusting("${var.agent}", {}, { variable: { agent: { default: CODER } } }))).toEqual([`outside:${CODER}`]);
    expect(principals(trusting("${local.agent}", {}, { locals: { agent: CODER } }))).toEqual([`outside:${CODER}`]);
  });

  test("an agent ARN in a document merged in through source_policy_documents", () => {
    const json = tf({
      "data.aws_iam_policy_document.base": { statement: [{ actions: ["sts:AssumeRole"], principals: [{ type: "AWS", identifiers: [CODER] }] }] },
      "data.aws_iam_policy_document.trust": { source_policy_documents: ["${data.aws_iam_policy_document.base.json}"] },
      "aws_iam_role.deployer": { name: "deployer", assume_role_policy: "${data.aws_iam_policy_document.trust.json}" },
      ...ADMIN,
    });
    expect(principals(json)).toEqual([`outside:${CODER}`]);
  });

  test("a policy attached by bare name belongs to the agent a trust names by ARN", () => {
    const json = trusting(CODER, { "aws_iam_role_policy.p": { role: "coder", policy: DELETE } });
    const f = errors(all(json), "agent-destroy-right");
    expect(f.map((x) => [x.principal, x.resource])).toEqual([[`outside:${CODER}`, "aws_iam_role_policy.p"]]);
  });

  test("an ARN under /agents/ whose name is known only at apply time", () => {
    const json = trusting("arn:aws:iam::111111111111:role/agents/${var.n}", {}, { variable: { n: { type: "string" } } });
    expect(principals(json)).toEqual(["outside:arn:aws:iam::111111111111:role/agents/{computed}"]);
  });

  test("a role of the stack whose name is computed does not hide an agent at another path", () => {
    const other = { "aws_iam_role.other": { name: "${var.n}", assume_role_policy: policy({ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }) } };
    expect(principals(trusting(CODER, other, { variable: { n: { type: "string" } } }))).toEqual([`outside:${CODER}`]);
  });

  test("a role of the stack with the same name in another account does not hide the agent", () => {
    const coder = { "aws_iam_role.coder": { name: "coder", path: "/agents/", assume_role_policy: policy({ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }) } };
    const pinned = (account: string) => ({ provider: { aws: [{ region: "eu-west-1", allowed_account_ids: [account] }] } });
    expect(principals(trusting(CODER, coder, pinned("222222222222")))).toContain(`outside:${CODER}`);
    // The control: pinned to the trust's account, the stack's own role is the one named.
    expect(principals(trusting(CODER, coder, pinned("111111111111")))).not.toContain(`outside:${CODER}`);
  });

  test("two agents of one name in different accounts stay two", () => {
    const json = trusting("arn:aws:iam::111111111111:role/ai-x", {
      "aws_kms_key.k": { policy: policy({ Effect: "Allow", Principal: { AWS: "arn:aws:iam::222222222222:role/ops/ai-x" }, Action: "kms:ScheduleKeyDeletion", Resource: "*" }) },
    });
    const byRule = errors(all(json, NAMES)).map((f) => `${f.ruleId} ${f.principal}`).sort();
    expect(byRule).toEqual(["agent-transitive-destroy outside:arn:aws:iam::111111111111:role/ai-x", "resource-policy-grant outside:arn:aws:iam::222222222222:role/ops/ai-x"]);
  });

  test("a role session ARN in a key policy names the agent role", () => {
    const json = tf({ "aws_kms_key.k": { policy: policy({ Effect: "Allow", Principal: { AWS: "arn:aws:sts::111111111111:assumed-role/ai-x/s1" }, Action: "kms:ScheduleKeyDeletion", Resource: "*" }) } });
    expect(principals(json, NAMES)).toEqual(["outside:arn:aws:iam::111111111111:role/ai-x"]);
  });

  test("an access key or console password made for an outside agent user, with nothing else", () => {
    for (const type of ["aws_iam_access_key", "aws_iam_user_login_profile"]) {
      const f = errors(all(tf({ [`${type}.k`]: { user: "ai-bot" } }), NAMES), "agent-long-lived-keys");
      expect(f.map((x) => [x.principal, x.resource])).toEqual([["outside:user/ai-bot", `${type}.k`]]);
    }
  });
});

describe("an outside agent whose name is known only at apply time (check round 35)", () => {
  // The trust of `ci` names a role of a variable's name, which agents.names may select: that outside principal is an
  // agent only as a name "ai-*" is. The deploy role trusts a literal role the config does not select: the agent would
  // have to be that role too, and no role is both.
  const stack = (deployerTrusts: string) =>
    tf(
      {
        "aws_iam_role.ci": { name: "ci", assume_role_policy: policy({ Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:role/${var.x}" }, Action: "sts:AssumeRole" }) },
        "aws_iam_role.deployer": { name: "deployer", assume_role_policy: policy({ Effect: "Allow", Principal: { AWS: deployerTrusts }, Action: "sts:AssumeRole" }) },
        "aws_iam_role_policy_attachment.admin": { role: "${aws_iam_role.deployer.name}", policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess" },
      },
      { variable: { x: { type: "string" } } },
    );
  const onDeployer = (json: Obj) => errors(all(json, NAMES), "agent-transitive-destroy").filter((f) => f.resource === "aws_iam_role.deployer").map((f) => f.principal);

  test("is not admitted by a trust naming a literal role that is no agent", () => {
    expect(onDeployer(stack("arn:aws:iam::111111111111:role/github-actions"))).toEqual([]);
  });

  test("a literal role that is an agent is one by its own name, and a trust naming an open name may be it", () => {
    expect(onDeployer(stack("arn:aws:iam::111111111111:role/ai-bot"))).toEqual(["outside:arn:aws:iam::111111111111:role/ai-bot"]);
    expect(onDeployer(stack("arn:aws:iam::111111111111:role/ai-*")).sort()).toEqual(["outside:arn:aws:iam::111111111111:role/ai-{computed}", "outside:arn:aws:iam::111111111111:role/{computed}"]);
  });
});

describe("a trust that admits a whole account or anyone (check rounds 38 and 39)", () => {
  // The agent is named only where a bucket policy lets it read. A break-glass admin role trusts the account root:
  // who may assume it is up to each caller's own policies, which for this agent live in its own stack.
  test("does not by itself admit an agent outside the stack: its own stack judges its sts:AssumeRole rights", () => {
    const json = tf({
      "aws_s3_bucket.logs": { bucket: "logs" },
      "aws_s3_bucket_policy.logs": {
        bucket: "${aws_s3_bucket.logs.id}",
        policy: policy({ Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:role/agents/coder" }, Action: "s3:GetObject", Resource: "arn:aws:s3:::logs/*" }),
      },
      "aws_iam_role.breakglass": { name: "breakglass", assume_role_policy: policy({ Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:root" }, Action: "sts:AssumeRole" }) },
      "aws_iam_role_policy_attachment.admin": { role: "${aws_iam_role.breakglass.name}", policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess" },
    });
    expect(errors(all(json)).filter((f) => f.resource === "aws_iam_role.breakglass")).toEqual([]);
  });
});
