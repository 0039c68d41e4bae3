/**
 * Stores of the other stacks of one run (red-team round 19): an agent of one stack that may overwrite another stack's
 * unversioned bucket or table without point-in-time recovery does so as certainly as in its own stack.
 */
import { buildStack } from "../../lib/engine/terraform/stack";
import { checkStacks } from "../../lib/check/run-check";
import { agentRules } from "../../lib/rules";
import { agentRole, policy, tf } from "../helpers/tf";

type Obj = Record<string, unknown>;

function run(action: string | string[], resource: string, data: Record<string, Obj>, opts: { alone?: boolean } = {}) {
  const agent = tf({
    "aws_iam_role.agent": agentRole(),
    "aws_iam_role_policy.agent": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: action, Resource: resource }) },
  });
  const stacks = [buildStack(agent, "agent.tf.json", "agent"), ...(opts.alone ? [] : [buildStack(tf(data), "data.tf.json", "data")])];
  return checkStacks(stacks, { config: {}, rules: agentRules }).findings.filter((f) => f.ruleId === "agent-overwrite-unprotected");
}

const bucket = { "aws_s3_bucket.reports": { bucket: "prod-reports" } };
const versioned = { ...bucket, "aws_s3_bucket_versioning.reports": { bucket: "${aws_s3_bucket.reports.id}", versioning_configuration: [{ status: "Enabled" }] } };

test("a write to another stack's unversioned bucket is an error naming that bucket and stack", () => {
  const [f] = run("s3:PutObject", "arn:aws:s3:::prod-reports/*", bucket);
  expect(f.severity).toBe("error");
  expect(f.message).toContain("can overwrite what aws_s3_bucket.reports of stack data holds, which keeps no object versions");
});

test("a table of another stack without point-in-time recovery too", () => {
  const table = { "aws_dynamodb_table.orders": { name: "orders", hash_key: "pk", attribute: [{ name: "pk", type: "S" }] } };
  const [f] = run("dynamodb:PutItem", "arn:aws:dynamodb:eu-west-1:111111111111:table/orders", table);
  expect(f).toMatchObject({ severity: "error", actions: ["dynamodb:PutItem"] });
});

test("a write to another checked stack's versioned bucket is no finding; checked alone, it is the warning about unseen stores", () => {
  // Red-team round 130, F6: the bucket is read in the same run, so blastwall can see that it keeps earlier versions.
  expect(run("s3:PutObject", "arn:aws:s3:::prod-reports/*", versioned)).toEqual([]);
  expect(run("s3:PutObject", "arn:aws:s3:::prod-reports/*", versioned, { alone: true }).map((f) => f.severity)).toEqual(["warning"]);
  expect(run("s3:PutObject", "arn:aws:s3:::prod-reports/*", bucket, { alone: true }).map((f) => f.severity)).toEqual(["warning"]);
});

test("a write on a pattern that meets another stack's versioned bucket still may land on stores blastwall cannot see", () => {
  expect(run("s3:PutObject", "arn:aws:s3:::prod-*/*", versioned).map((f) => f.severity)).toEqual(["warning"]);
  // A bucket whose name is computed there may be another bucket than the one written to.
  const computed = { "aws_s3_bucket.reports": { bucket: "${var.name}" }, "aws_s3_bucket_versioning.reports": versioned["aws_s3_bucket_versioning.reports"] };
  expect(run("s3:PutObject", "arn:aws:s3:::prod-reports/*", computed).map((f) => f.severity)).toEqual(["warning"]);
});

// Red-team round 136, F3: a bucket Terraform names is terraform-..., never the bucket the agent names.
test("another stack's bucket whose name Terraform generates is not a bucket the agent names by literal ARN", () => {
  const scratch = { "aws_s3_bucket.scratch": {}, "aws_s3_bucket_versioning.scratch": { bucket: "${aws_s3_bucket.scratch.id}", versioning_configuration: [{ status: "Suspended" }] } };
  expect(run("s3:PutObject", "arn:aws:s3:::prod-reports/*", { ...versioned, ...scratch })).toEqual([]);
  // The controls: a bucket_prefix the name may start with, a name blastwall cannot resolve, or an agent writing to terraform-*.
  const prefixed = { ...scratch, "aws_s3_bucket.scratch": { bucket_prefix: "prod-" } };
  expect(run("s3:PutObject", "arn:aws:s3:::prod-reports/*", { ...versioned, ...prefixed }).map((f) => f.severity)).toEqual(["error"]);
  const unknown = { ...scratch, "aws_s3_bucket.scratch": { bucket: "${var.b}" } };
  expect(run("s3:PutObject", "arn:aws:s3:::prod-reports/*", { ...versioned, ...unknown }).map((f) => f.severity)).toEqual(["error"]);
  expect(run("s3:PutObject", "arn:aws:s3:::terraform-*/*", { ...versioned, ...scratch }).map((f) => f.severity)).toContain("error");
});

test("a wildcard write is both: an error for the other stack's bucket, and the warning for stores no stack shows", () => {
  expect(run("s3:PutObject", "*", bucket).map((f) => f.severity).sort()).toEqual(["error", "warning"]);
});

/**
 * Red-team round 130, F5: the bucket's protections sit in a third stack. S3 names buckets across stacks, so a lifecycle
 * rule or a versioning resource of any stack checked in the run that names the bucket sets it, as one in its own
 * stack would; the agent, the bucket and the setting are read as one set.
 */
describe("a versioning or lifecycle resource of a third stack, naming the bucket", () => {
  const remote = (name: string) => ({ backend: "local", config: { path: `/state/${name}.tfstate` } });
  const dataStack = () =>
    buildStack(tf({ ...versioned, "aws_s3_bucket.other": { bucket: "prod-other" } }, { terraform: { backend: { local: { path: "/state/data.tfstate" } } }, output: { id: { value: "${aws_s3_bucket.reports.id}" } } }), "data.tf.json", "data");
  const agentStack = (resource = "arn:aws:s3:::prod-reports/*") =>
    buildStack(
      tf({
        "aws_iam_role.agent": agentRole(),
        "aws_iam_role_policy.agent": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: "s3:PutObject", Resource: resource }) },
      }),
      "agent.tf.json",
      "agent",
    );
  /** The ops stack names the bucket by a cross-stack reference (cdktf's), or as written. */
  const opsStack = (entries: Record<string, Obj>) => buildStack(tf({ "data.terraform_remote_state.data": remote("data"), ...entries }), "ops.tf.json", "ops");
  const byRef = "${data.terraform_remote_state.data.outputs.id}";
  const lifecycle = (days: unknown, bucket: unknown = byRef, status = "Enabled") => ({
    "aws_s3_bucket_lifecycle_configuration.expire": { bucket, rule: [{ id: "x", status, filter: [{ prefix: "" }], noncurrent_version_expiration: [{ noncurrent_days: days }] }] },
  });
  const versioning = (status: unknown, bucket: unknown = byRef) => ({ "aws_s3_bucket_versioning.pause": { bucket, versioning_configuration: [{ status }] } });
  const findings = (ops: Record<string, Obj>, opts: { strict?: boolean; resource?: string } = {}) =>
    checkStacks([agentStack(opts.resource), dataStack(), opsStack(ops)], { config: {}, rules: agentRules, strict: opts.strict }).findings.filter((f) => f.ruleId === "agent-overwrite-unprotected");

  test("a lifecycle rule expiring noncurrent versions after a day makes the write an overwrite of the bucket, named with both stacks", () => {
    const [f, ...rest] = findings(lifecycle(1));
    expect(rest).toEqual([]);
    expect(f.severity).toBe("error");
    expect(f.message).toContain("can overwrite what aws_s3_bucket.reports of stack data holds, which keeps an overwritten object's earlier version only 1 day");
    expect(f.message).toContain("aws_s3_bucket_lifecycle_configuration.expire of stack ops rule \"x\" expires noncurrent versions");
  });

  test("so does a literal bucket name, and a number of days blastwall cannot read", () => {
    expect(findings(lifecycle(1, "prod-reports")).map((f) => f.severity)).toEqual(["error"]);
    expect(findings(lifecycle("${var.days}")).map((f) => f.severity)).toEqual(["error"]);
  });

  test("versioning Suspended (or a status blastwall cannot read) in the third stack: the bucket may keep no versions", () => {
    const [f] = findings(versioning("Suspended"));
    expect(f.severity).toBe("error");
    expect(f.message).toContain("aws_s3_bucket_versioning.pause of stack ops sets its versioning status to \"Suspended\"");
    expect(findings(versioning("${var.status}")).map((f) => f.severity)).toEqual(["error"]);
  });

  test("a versioning resource whose bucket blastwall cannot read may be this one: the bucket may keep no versions", () => {
    expect(findings(versioning("Suspended", "${var.bucket}")).map((f) => f.severity)).toEqual(["error"]);
  });

  test("the controls: a week or more, a disabled rule, Enabled, another bucket, or a setting that is never created", () => {
    expect(findings(lifecycle(7))).toEqual([]);
    expect(findings(lifecycle(1, byRef, "Disabled"))).toEqual([]);
    expect(findings(versioning("Enabled"))).toEqual([]);
    expect(findings(lifecycle(1, "prod-other"))).toEqual([]);
    expect(findings(versioning("Suspended", "prod-other"))).toEqual([]);
    expect(findings({ "aws_s3_bucket_versioning.pause": { ...versioning("Suspended")["aws_s3_bucket_versioning.pause"], count: 0 } })).toEqual([]);
  });

  test("the bucket's own stack judges it the same way: its backup coverage sees the versioning switched off there", () => {
    const report = checkStacks([dataStack(), opsStack(versioning("Suspended"))], { config: {} });
    const backup = report.findings.filter((f) => f.ruleId === "stateful-backup-coverage" && f.resource === "aws_s3_bucket.reports");
    expect(backup.map((f) => f.message).join("\n")).toContain("aws_s3_bucket_versioning.pause of stack ops");
  });
});
