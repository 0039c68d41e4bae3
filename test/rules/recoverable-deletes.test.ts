/**
 * s3:DeleteObject on a bucket that keeps versions only adds a delete marker (red-team round 13): deleting a version
 * takes s3:DeleteObjectVersion. On buckets of the stack that certainly keep versions it is no destroy right.
 */
import { agentRole, check, errors, policy, tf } from "../helpers/tf";

type Obj = Record<string, unknown>;
const agentCan = (action: string | string[], resource: string) => ({
  "aws_iam_role.agent": agentRole(),
  "aws_iam_role_policy.agent": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: action, Resource: resource }) },
});
const bucket = (versioning: boolean, own: Obj = {}, extra: Record<string, Obj> = {}) => ({
  "aws_s3_bucket.dev": { bucket: "dev-scratch", ...own },
  ...(versioning ? { "aws_s3_bucket_versioning.dev": { bucket: "${aws_s3_bucket.dev.id}", versioning_configuration: [{ status: "Enabled" }] } } : {}),
  ...extra,
});
const destroys = (json: Obj) => errors(check(json), "agent-destroy-right").map((f) => f.actions);

describe("s3:DeleteObject on versioned buckets of the stack", () => {
  test("under a prefix of a versioned bucket: recoverable, no finding", () => {
    expect(destroys(tf({ ...agentCan("s3:DeleteObject", "${aws_s3_bucket.dev.arn}/agent/*"), ...bucket(true) }))).toEqual([]);
  });

  test("object lock keeps versions too", () => {
    expect(destroys(tf({ ...agentCan("s3:DeleteObject", "${aws_s3_bucket.dev.arn}/*"), ...bucket(false, { object_lock_enabled: true }) }))).toEqual([]);
  });

  test("the controls: no versioning, a version delete, any bucket, or a name blastwall cannot pin", () => {
    expect(destroys(tf({ ...agentCan("s3:DeleteObject", "${aws_s3_bucket.dev.arn}/*"), ...bucket(false) }))).toEqual([["s3:DeleteObject"]]);
    expect(destroys(tf({ ...agentCan(["s3:DeleteObject", "s3:DeleteObjectVersion"], "${aws_s3_bucket.dev.arn}/*"), ...bucket(true) }))).toEqual([["s3:DeleteObjectVersion"]]);
    expect(destroys(tf({ ...agentCan("s3:DeleteObject", "*"), ...bucket(true) }))).toEqual([["s3:DeleteObject"]]);
    const prefixed = { "aws_s3_bucket.dev": { bucket_prefix: "dev-" }, "aws_s3_bucket_versioning.dev": { bucket: "${aws_s3_bucket.dev.id}", versioning_configuration: [{ status: "Enabled" }] } };
    expect(destroys(tf({ ...agentCan("s3:DeleteObject", "${aws_s3_bucket.dev.arn}/*"), ...prefixed }))).toEqual([["s3:DeleteObject"]]);
  });

  test("the control: noncurrent versions expired within days make the delete final soon", () => {
    const lc = { "aws_s3_bucket_lifecycle_configuration.dev": { bucket: "${aws_s3_bucket.dev.id}", rule: [{ id: "trim", status: "Enabled", noncurrent_version_expiration: [{ noncurrent_days: 1 }] }] } };
    expect(destroys(tf({ ...agentCan("s3:DeleteObject", "${aws_s3_bucket.dev.arn}/*"), ...bucket(true, {}, lc) }))).toEqual([["s3:DeleteObject"]]);
  });

  test("through a role the agent can assume, the same reading", () => {
    const json = tf({
      ...agentCan("sts:AssumeRole", "${aws_iam_role.cleaner.arn}"),
      "aws_iam_role.cleaner": { name: "cleaner", assume_role_policy: policy({ Effect: "Allow", Principal: { AWS: "${aws_iam_role.agent.arn}" }, Action: "sts:AssumeRole" }) },
      "aws_iam_role_policy.cleaner": { role: "${aws_iam_role.cleaner.name}", policy: policy({ Effect: "Allow", Action: "s3:DeleteObject", Resource: "${aws_s3_bucket.dev.arn}/*" }) },
      ...bucket(true),
    });
    expect(errors(check(json), "agent-transitive-destroy")).toEqual([]);
  });
});

describe("what may undo the versioning, named indirectly (red-team round 15)", () => {
  const base = (extra: Record<string, Obj>, locals: Obj = {}) =>
    tf({ ...agentCan("s3:DeleteObject", "${aws_s3_bucket.dev.arn}/*"), ...bucket(true), ...extra }, Object.keys(locals).length ? { locals } : {});
  const expiry = (target: string, rule: Obj = { id: "trim", status: "Enabled", noncurrent_version_expiration: [{ noncurrent_days: 1 }] }) => ({
    "aws_s3_bucket_lifecycle_configuration.lc": { bucket: target, rule: [rule] },
  });

  test.each([
    ["a local", "${local.b}", { b: "${aws_s3_bucket.dev.id}" }],
    ["the versioning resource's attribute", "${aws_s3_bucket_versioning.dev.bucket}", {}],
    ["each.value", "${each.value}", {}],
    ["a variable", "${var.bucket}", {}],
  ])("a one-day noncurrent expiry naming the bucket through %s still counts", (_what, target, locals) => {
    expect(destroys(base(expiry(target as string), locals as Obj))).toEqual([["s3:DeleteObject"]]);
  });

  test("rules in a dynamic block may expire noncurrent versions at once", () => {
    expect(destroys(base({ "aws_s3_bucket_lifecycle_configuration.lc": { bucket: "${aws_s3_bucket.dev.id}", dynamic: { rule: { for_each: "${var.rules}", content: {} } } } }))).toEqual([["s3:DeleteObject"]]);
  });

  test("a Suspended versioning resource naming the bucket through a local undoes the certainty", () => {
    const json = base({ "aws_s3_bucket_versioning.off": { bucket: "${local.b}", versioning_configuration: [{ status: "Suspended" }] } }, { b: "${aws_s3_bucket.dev.id}" });
    expect(destroys(json)).toEqual([["s3:DeleteObject"]]);
  });

  test("the control: a lifecycle naming another bucket through a local leaves this one alone", () => {
    expect(destroys(base({ ...expiry("${local.logs}"), "aws_s3_bucket.logs": { bucket: "logs" } }, { logs: "logs" }))).toEqual([]);
  });
});

describe("what may undo the versioning, however it names the bucket (red-team round 16)", () => {
  const agent = agentCan("s3:DeleteObject", "${aws_s3_bucket.dev.arn}/*");
  const on = { "aws_s3_bucket_versioning.dev": { bucket: "${aws_s3_bucket.dev.id}", versioning_configuration: [{ status: "Enabled" }] } };

  test("a dynamic noncurrent_version_expiration inside a rule may expire versions at once", () => {
    const json = tf({ ...agent, ...bucket(true), "aws_s3_bucket_lifecycle_configuration.lc": { bucket: "${aws_s3_bucket.dev.id}", rule: [{ id: "trim", status: "Enabled", dynamic: { noncurrent_version_expiration: { for_each: "${var.x}", content: { noncurrent_days: 1 } } } }] } });
    expect(destroys(json)).toEqual([["s3:DeleteObject"]]);
  });

  test("a lifecycle naming the bucket through a data source lookup may be this bucket's", () => {
    const json = tf({ ...agent, ...bucket(true), "data.aws_s3_bucket.d": { bucket: "dev-scratch" }, "aws_s3_bucket_lifecycle_configuration.lc": { bucket: "${data.aws_s3_bucket.d.id}", rule: [{ id: "trim", status: "Enabled", noncurrent_version_expiration: [{ noncurrent_days: 1 }] }] } });
    expect(destroys(json)).toEqual([["s3:DeleteObject"]]);
  });

  test("a bucket named by a variable's default is matched by that name (as the grants are)", () => {
    const json = tf(
      { ...agent, "aws_s3_bucket.dev": { bucket: "${var.n}" }, ...on, "aws_s3_bucket_versioning.off": { bucket: "dev-scratch", versioning_configuration: [{ status: "Suspended" }] } },
      { variable: { n: { default: "dev-scratch" } } },
    );
    expect(destroys(json)).toEqual([["s3:DeleteObject"]]);
  });
});

test("the control: a dynamic transition or filter in a rule expires no versions (red-team round 17)", () => {
  const json = tf({
    ...agentCan("s3:DeleteObject", "${aws_s3_bucket.dev.arn}/*"),
    ...bucket(true),
    "aws_s3_bucket_lifecycle_configuration.lc": { bucket: "${aws_s3_bucket.dev.id}", rule: [{ id: "tier", status: "Enabled", noncurrent_version_expiration: [{ noncurrent_days: 30 }], dynamic: { transition: { for_each: "${var.tiers}", content: {} } } }] },
  });
  expect(destroys(json)).toEqual([]);
});
