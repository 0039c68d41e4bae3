/**
 * Red-team round 107:
 * - F3: a short literal master password that is an English word (`password`, `changeme`) matched that word in prose
 *   ("the password is in Secrets Manager") and in paths (`/app/db/password`). A short literal now counts only where
 *   text gives it as a credential; a long one still counts anywhere.
 * - F5: credential-in-configuration named the agents as holding "read rights in that service", which it never checked.
 */
import { agentRole, check, policy, tf } from "../helpers/tf";
import { buildStack } from "../../lib/engine/terraform/stack";
import { checkStacks } from "../../lib/check/run-check";
import { agentRules } from "../../lib/rules";
import { holdsLiteral } from "../../lib/engine/reach/database-passwords";

type Obj = Record<string, unknown>;
const ID = "credential-in-configuration";
const where = (json: Obj) => check(json).findings.filter((f) => f.ruleId === ID).map((f) => `${f.resource} ${f.message.match(/in its (\w+) argument/)?.[1]}`);

const agent = {
  "aws_iam_role.agent": agentRole(),
  "aws_iam_role_policy.agent": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: ["ssm:ListTagsForResource", "ssm:DescribeParameters"], Resource: "*" }) },
};
const db = (password: string, parameter: Obj) =>
  tf({ ...agent, "aws_db_instance.orders": { identifier: "orders", engine: "postgres", instance_class: "db.t4g.micro", username: "app", password }, "aws_ssm_parameter.p": { name: "/orders/endpoint", type: "String", value: "${aws_db_instance.orders.address}", ...parameter } });

describe("F3: a short literal password counts where text gives it as a credential, not as a word", () => {
  test("the word in a sentence or a path is not the password", () => {
    expect(where(db("password", { description: "Endpoint only; the password is in Secrets Manager" }))).toEqual([]);
    expect(where(db("password", { name: "/app/db/password" }))).toEqual([]);
    expect(where(db("changeme", { description: "Rotate: changeme is the default of the module, never deployed", tags: { note: "we changeme nothing" } }))).toEqual([]);
  });

  test("the password given as a credential: whole value, quoted, an assignment, after a password key, in a URL, alone on a line", () => {
    expect(where(db("password", { description: "password" }))).toEqual(["aws_ssm_parameter.p description"]);
    expect(where(db("changeme", { description: '${jsonencode({ user = "app", password = "changeme" })}' }))).toEqual(["aws_ssm_parameter.p description"]);
    expect(where(db("changeme", { description: "Server=orders;User Id=app;Password=changeme;" }))).toEqual(["aws_ssm_parameter.p description"]);
    expect(where(db("changeme", { description: "db_password: changeme" }))).toEqual(["aws_ssm_parameter.p description"]);
    expect(where(db("changeme", { description: "psql --password changeme" }))).toEqual(["aws_ssm_parameter.p description"]);
    expect(where(db("password", { description: "postgres://app:password@orders.internal/orders" }))).toEqual(["aws_ssm_parameter.p description"]);
    expect(where(db("changeme", { description: "user app\nchangeme\n" }))).toEqual(["aws_ssm_parameter.p description"]);
  });

  test("a long literal still counts inside a sentence", () => {
    expect(where(db("correct-horse-battery-staple", { description: "the password is correct-horse-battery-staple for now" }))).toEqual(["aws_ssm_parameter.p description"]);
  });

  test("in a store the agent reads: agent-database-password only for the password given as one", () => {
    const stored = (value: string) => {
      const json = db("password", { type: "SecureString", value });
      ((json.resource as Obj).aws_iam_role_policy as Record<string, Obj>).agent.policy = policy({ Effect: "Allow", Action: "ssm:GetParameter", Resource: "*" });
      return check(json).findings.filter((f) => f.ruleId === "agent-database-password").map((f) => f.resource);
    };
    expect(stored("the password is in Secrets Manager")).toEqual([]);
    expect(stored("PGPASSWORD=password")).toEqual(["aws_db_instance.orders"]);
  });

  test("holdsLiteral: an encoded JSON string, and a word that only starts like the password", () => {
    expect(holdsLiteral('{\\"password\\":\\"changeme\\"}', "changeme")).toBe(true);
    expect(holdsLiteral("password: changeme2", "changeme")).toBe(false);
    expect(holdsLiteral("the password: see the vault", "password")).toBe(false);
  });
});

describe("F5: the readers named are any agent of the stacks, whatever their read rights", () => {
  // An agent that holds no SSM right: it may still read the Terraform state (s3:GetObject on *), and its tag reads are
  // not weighed; the finding stays, and says only what is true of it.
  const s3Agent = {
    "aws_iam_role.agent": agentRole(),
    "aws_iam_role_policy.agent": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: ["s3:GetObject", "s3:ListBucket"], Resource: "*" }) },
  };
  const identity = {
    "aws_iam_user.ci": { name: "ci-deployer" },
    "aws_iam_user_policy_attachment.ci": { user: "${aws_iam_user.ci.name}", policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess" },
    "aws_iam_access_key.ci": { user: "${aws_iam_user.ci.name}" },
    "aws_ssm_parameter.p": { name: "/ci/note", type: "String", value: "see tags", tags: { k: "${aws_iam_access_key.ci.secret}" } },
  };
  const pinned = { provider: { aws: [{ region: "eu-west-1", allowed_account_ids: ["111111111111"] }] } };
  const run = (stacks: Record<string, Obj>) =>
    checkStacks(
      Object.entries(stacks).map(([name, json]) => buildStack(json, `cdktf.out/stacks/${name}/cdk.tf.json`, name)),
      { config: {}, rules: agentRules },
    ).findings.filter((f) => f.ruleId === ID);

  test("an agent of the stack with no right in the service: still an error, claiming no read right it lacks", () => {
    const f = check(tf({ ...s3Agent, ...identity })).findings.filter((x) => x.ruleId === ID);
    expect(f.map((x) => [x.resource, x.severity])).toEqual([["aws_ssm_parameter.p", "error"]]);
    expect(f[0].message).toMatch(/whoever reads its tags or the Terraform state reads the value, so, whatever its read rights, any agent of this stack \(aws_iam_role\.agent\) may read the credential/);
    expect(f[0].message).not.toMatch(/read rights in that service/);
  });

  test("agents of this stack and of another, and of another only, are named by their stacks", () => {
    const both = run({ identity: tf({ ...s3Agent, ...identity }, pinned), prod: tf(s3Agent, pinned) });
    expect(both.map((x) => x.message.match(/any agent of [^(]*\([^)]*\)/)?.[0])).toEqual(["any agent of this stack or of stack prod (aws_iam_role.agent, aws_iam_role.agent of stack prod)"]);
    const other = run({ identity: tf(identity, pinned), prod: tf(s3Agent, pinned) });
    expect(other.map((x) => x.message.match(/any agent of [^(]*\([^)]*\)/)?.[0])).toEqual(["any agent of stack prod (aws_iam_role.agent of stack prod)"]);
    // A role the other stack's agent can act as is named too, and is said to be one.
    const deployer = {
      "aws_iam_role.deployer": { name: "deployer", assume_role_policy: policy({ Effect: "Allow", Principal: { AWS: "${aws_iam_role.agent.arn}" }, Action: "sts:AssumeRole" }) },
    };
    const acting = run({ identity: tf(identity, pinned), prod: tf({ ...s3Agent, ...deployer }, pinned) });
    expect(acting[0].message).toMatch(/any agent of stack prod or principal one can act as \(aws_iam_role\.agent of stack prod, aws_iam_role\.deployer of stack prod\) may read/);
  });

  test("a password in another argument than tags: whoever reads the resource", () => {
    const f = check(db("password", { description: "password" })).findings.filter((x) => x.ruleId === ID);
    expect(f[0].message).toMatch(/returns description, and whoever reads the resource or the Terraform state reads the value, so, whatever its read rights, any agent of this stack \(aws_iam_role\.agent\) may read it, connect/);
  });
});
