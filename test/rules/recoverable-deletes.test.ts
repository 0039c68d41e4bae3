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
