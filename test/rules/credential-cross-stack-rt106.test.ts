/**
 * Red-team round 106, A2 and A3: secrets across the stacks of one run.
 * - A2: a key or database password written into the configuration of a stack with no agent (an "identity" or
 *   "data" stack) is read by the agents of the other stacks in the same account: judged against them.
 * - A3: a database password or CA key handed to another stack by a cdktf cross-stack reference is followed into
 *   the stack that makes it, as a user's key is (round 105, F4).
 */
import { mkdtempSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { App, Aspects, TerraformStack, TerraformVariable } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { DbInstance } from "@cdktf/provider-aws/lib/db-instance";
import { SsmParameter } from "@cdktf/provider-aws/lib/ssm-parameter";
import { IamUser } from "@cdktf/provider-aws/lib/iam-user";
import { IamAccessKey } from "@cdktf/provider-aws/lib/iam-access-key";
import { IamUserPolicyAttachment } from "@cdktf/provider-aws/lib/iam-user-policy-attachment";
import { buildStack } from "../../lib/engine/terraform/stack";
import { checkStacks } from "../../lib/check/run-check";
import { agentRules } from "../../lib/rules";
import { BlastwallChecks } from "../../lib/cdktf";
import { AgentPrincipal, AgentRole } from "../../lib/constructs";
import { agentRole, policy, tf } from "../helpers/tf";

type Obj = Record<string, unknown>;

const pinned = (account: string) => ({ provider: { aws: [{ region: "eu-west-1", allowed_account_ids: [account] }] } });
const backend = (name: string) => ({ terraform: { backend: { local: { path: `/app/terraform.${name}.tfstate` } } } });
const tagged = (value: string) => ({ "aws_ssm_parameter.p": { name: "/note", type: "String", value: "see tags", tags: { k: value } } });

/** A stack of users and databases, no agent: an admin user's key, an RDS instance, and `extra`. */
function identity(extra: Record<string, Obj> = {}, account = "111111111111", outputs: Obj = {}): Obj {
  return tf(
    {
      "aws_iam_user.ci": { name: "ci-deployer" },
      "aws_iam_user_policy_attachment.ci": { user: "${aws_iam_user.ci.name}", policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess" },
      "aws_iam_access_key.ci": { user: "${aws_iam_user.ci.name}" },
      "aws_db_instance.orders": { identifier: "orders", engine: "postgres", instance_class: "db.t4g.micro", allocated_storage: 20, username: "app", password: "${var.db_password}", deletion_protection: true },
      ...extra,
    },
    { ...pinned(account), ...backend("identity"), variable: { db_password: { type: "string", sensitive: true } }, ...(Object.keys(outputs).length > 0 ? { output: outputs } : {}) },
  );
}

/** The stack with the agent, which may read SSM tags, and `extra`. */
function prod(extra: Record<string, Obj> = {}, account = "111111111111"): Obj {
  return tf(
    {
      "aws_iam_role.agent": agentRole(),
      "aws_iam_role_policy.agent": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: "ssm:ListTagsForResource", Resource: "*" }) },
      ...extra,
    },
    { ...pinned(account), ...backend("prod") },
  );
}

/** The credential-in-configuration findings of a run of the stacks, by stack name. */
function run(stacks: Record<string, Obj>, strict = false) {
  const list = Object.entries(stacks).map(([name, json]) => buildStack(json, `cdktf.out/stacks/${name}/cdk.tf.json`, name));
  return checkStacks(list, { config: {}, rules: agentRules, strict }).findings.filter((f) => f.ruleId === "credential-in-configuration");
}

describe("A2: a secret in a stack with no agent, read by another stack's agent", () => {
  test("a user's key tagged in the identity stack: an error naming the other stack's agent", () => {
    const f = run({ identity: identity(tagged("${aws_iam_access_key.ci.secret}")), prod: prod() });
    expect(f.map((x) => [x.file, x.resource, x.severity])).toEqual([["cdktf.out/stacks/identity/cdk.tf.json", "aws_ssm_parameter.p", "error"]]);
    expect(f[0].message).toMatch(/whatever its read rights, any agent of stack prod \(aws_iam_role\.agent of stack prod\) may read the credential/);
    expect(f[0].evidence.map((e) => e.address)).toContain("aws_iam_role.agent of stack prod");
  });

  test("a database password tagged in the data stack: an error naming the other stack's agent", () => {
    const f = run({ identity: identity(tagged("${var.db_password}")), prod: prod() });
    expect(f.map((x) => x.resource)).toEqual(["aws_ssm_parameter.p"]);
    expect(f[0].message).toMatch(/master password of aws_db_instance\.orders in its tags argument\. .*\(aws_iam_role\.agent of stack prod\) may read it/);
  });

  test("controls: stacks pinned to different accounts, a single-stack run, a run with no agent anywhere", () => {
    expect(run({ identity: identity(tagged("${aws_iam_access_key.ci.secret}"), "222222222222"), prod: prod() })).toEqual([]);
    expect(run({ identity: identity(tagged("${var.db_password}"), "222222222222"), prod: prod() })).toEqual([]);
    expect(run({ identity: identity(tagged("${aws_iam_access_key.ci.secret}")) })).toEqual([]);
    const noAgent = tf({ "aws_s3_bucket.b": { bucket: "logs" } }, { ...pinned("111111111111"), ...backend("logs") });
    expect(run({ identity: identity(tagged("${var.db_password}")), logs: noAgent })).toEqual([]);
  });

  test("a stack left unpinned may share the account: still judged", () => {
    const json = identity(tagged("${aws_iam_access_key.ci.secret}"));
    delete json.provider;
    expect(run({ identity: json, prod: prod() }).map((x) => x.resource)).toEqual(["aws_ssm_parameter.p"]);
  });
});

const INPUT = "data.terraform_remote_state.cross-stack-reference-input-identity";
const remote = (output: string) => `\${${INPUT}.outputs.${output}}`;
const reading = { [INPUT]: { backend: "local", config: { path: "/app/terraform.identity.tfstate" }, workspace: "${terraform.workspace}" } };

/** The tls CA of a Roles Anywhere anchor and a profile serving an administrator, as the identity stack's `extra`. */
const CA: Record<string, Obj> = {
  "tls_private_key.ca": { algorithm: "ECDSA", ecdsa_curve: "P256" },
  "tls_self_signed_cert.ca": { private_key_pem: "${tls_private_key.ca.private_key_pem}", is_ca_certificate: true, validity_period_hours: 8760, allowed_uses: ["cert_signing"], subject: [{ common_name: "ca" }] },
  "aws_rolesanywhere_trust_anchor.onprem": { name: "onprem", enabled: true, source: [{ source_type: "CERTIFICATE_BUNDLE", source_data: [{ x509_certificate_data: "${tls_self_signed_cert.ca.cert_pem}" }] }] },
};

describe("A3: a secret of another stack handed over by a cross-stack reference", () => {
  const out = "cross-stack-output-aws_db_instanceorderspassword";
  test("a database password: an error naming the database in the other stack", () => {
    const f = run({ identity: identity({}, "111111111111", { [out]: { value: "${aws_db_instance.orders.password}", sensitive: true } }), prod: prod({ ...reading, ...tagged(remote(out)) }) });
    expect(f.map((x) => [x.file, x.resource, x.severity])).toEqual([["cdktf.out/stacks/prod/cdk.tf.json", "aws_ssm_parameter.p", "error"]]);
    expect(f[0].message).toMatch(/holds the master password of aws_db_instance\.orders of stack identity in its tags argument/);
  });

  test("the variable the database is given, passed on by the output, counts too", () => {
    const f = run({ identity: identity({}, "111111111111", { pw: { value: "${var.db_password}", sensitive: true } }), prod: prod({ ...reading, ...tagged(remote("pw")) }) });
    expect(f.map((x) => x.resource)).toEqual(["aws_ssm_parameter.p"]);
  });

  test("a CA key: the other stack's anchor, its roles unknown here, an error even without --strict", () => {
    const f = run({ identity: identity(CA, "111111111111", { ca: { value: "${tls_private_key.ca.private_key_pem}", sensitive: true } }), prod: prod({ ...reading, ...tagged(remote("ca")) }) });
    expect(f.map((x) => [x.resource, x.severity])).toEqual([["aws_ssm_parameter.p", "error"]]);
    expect(f[0].message).toMatch(/private key of the CA behind aws_rolesanywhere_trust_anchor\.onprem of stack identity \(tls_private_key\.ca of stack identity\)/);
    expect(f[0].message).toMatch(/blastwall cannot tell every role: the anchors are of stack identity/);
    expect(f[0].actions).toEqual(["*"]);
  });

  test("passed on by a third stack: named as the stack that makes it", () => {
    const mid = tf({ ...reading }, { ...pinned("111111111111"), ...backend("mid"), output: { relay: { value: remote(out), sensitive: true } } });
    const fromMid = { "data.terraform_remote_state.cross-stack-reference-input-mid": { backend: "local", config: { path: "/app/terraform.mid.tfstate" } } };
    const f = run({
      identity: identity({}, "111111111111", { [out]: { value: "${aws_db_instance.orders.password}", sensitive: true } }),
      mid,
      prod: prod({ ...fromMid, ...tagged("${data.terraform_remote_state.cross-stack-reference-input-mid.outputs.relay}") }),
    });
    expect(f.map((x) => x.message)).toEqual([expect.stringMatching(/master password of aws_db_instance\.orders of stack identity in its tags/)]);
  });

  test("controls: an output holding no secret, the other stack not in the run", () => {
    const endpoint = identity({}, "111111111111", { ep: { value: "${aws_db_instance.orders.endpoint}" } });
    expect(run({ identity: endpoint, prod: prod({ ...reading, ...tagged(remote("ep")) }) })).toEqual([]);
    expect(run({ prod: prod({ ...reading, ...tagged(remote(out)) }) })).toEqual([]);
  });
});

test("the synth gate fails the stack a database password is handed to", () => {
  const a = new App({ outdir: mkdtempSync(join(tmpdir(), "blastwall-xdb-")) });
  const data = new TerraformStack(a, "data");
  new AwsProvider(data, "aws", { region: "eu-west-1", allowedAccountIds: ["111111111111"] });
  const pw = new TerraformVariable(data, "db_password", { type: "string", sensitive: true });
  const db = new DbInstance(data, "orders", { identifier: "orders", engine: "postgres", instanceClass: "db.t4g.micro", allocatedStorage: 20, username: "app", password: pw.stringValue, deletionProtection: true });
  const p = new TerraformStack(a, "prod");
  new AwsProvider(p, "aws", { region: "eu-west-1", allowedAccountIds: ["111111111111"] });
  new AgentRole(p, "Coder", { roleName: "coder", assumedBy: [AgentPrincipal.role("arn:aws:iam::111111111111:role/agent-runner")] }).grantReadOnly("ssm");
  new SsmParameter(p, "note", { name: "/orders/note", type: "String", value: "see tags", tags: { k: db.password } });
  // The agent rules only: the database's own protection is not what this is about.
  Aspects.of(a).add(new BlastwallChecks({ config: {}, rules: agentRules }));
  expect(() => a.synth()).toThrow(/stack "prod"[\s\S]*credential-in-configuration[\s\S]*master password of aws_db_instance\.orders of stack data/);
});

// A2, the synth gate's half: an "identity" stack that references no other stack was judged alone at synth, so its
// tagged key passed there although the agent of "prod" (same account) may read the tag.
describe("the synth gate reads the app's other stacks for a stack that holds a written secret", () => {
  const app = (withAgent: boolean) => {
    const a = new App({ outdir: mkdtempSync(join(tmpdir(), "blastwall-xid-")) });
    const id = new TerraformStack(a, "identity");
    new AwsProvider(id, "aws", { region: "eu-west-1", allowedAccountIds: ["111111111111"] });
    const user = new IamUser(id, "ci", { name: "ci" });
    new IamUserPolicyAttachment(id, "admin", { user: user.name, policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" });
    const key = new IamAccessKey(id, "key", { user: user.name });
    new SsmParameter(id, "note", { name: "/ci/note", type: "String", value: "see tags", tags: { k: key.secret } });
    const p = new TerraformStack(a, "prod");
    new AwsProvider(p, "aws", { region: "eu-west-1", allowedAccountIds: ["111111111111"] });
    if (withAgent) new AgentRole(p, "Coder", { roleName: "coder", assumedBy: [AgentPrincipal.role("arn:aws:iam::111111111111:role/agent-runner")] }).grantReadOnly("ssm");
    Aspects.of(a).add(new BlastwallChecks({ config: {}, rules: agentRules }));
    return a;
  };

  test("the identity stack fails, naming the agent of prod", () => {
    expect(() => app(true).synth()).toThrow(/stack "identity"[\s\S]*credential-in-configuration[\s\S]*of stack prod/);
  });

  test("control: with no agent in the app, synth passes", () => {
    expect(() => app(false).synth()).not.toThrow();
  });
});
