import { policy, tf } from "../helpers/tf";
import { run } from "./helpers";
import { rule } from "../../lib/rules/stateful-backup-coverage";

/**
 * Red-team round 113, F1: an S3 bucket counts as covered only where AWS Backup can back it up. AWS Backup needs S3
 * Versioning on the bucket, and a role that may read it (AWSBackupServiceRolePolicyForS3Backup); the usual backup
 * role policy (AWSBackupServiceRolePolicyForBackup) has no S3 right, so every job of such a selection fails.
 */
const LOCKED = { lifecycle: { prevent_destroy: true } };
const BACKUP_TRUST = policy({ Effect: "Allow", Principal: { Service: "backup.amazonaws.com" }, Action: "sts:AssumeRole" });
const FOR_BACKUP = "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup";
const FOR_S3 = "arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Backup";

const bucket = (extra: Record<string, unknown> = {}) => ({ bucket: "acme-data", ...LOCKED, ...extra });
const versioning = (status: unknown, extra: Record<string, unknown> = {}) => ({ bucket: "${aws_s3_bucket.data.id}", versioning_configuration: { status }, ...extra });
const selection = (role: unknown = "${aws_iam_role.backup.arn}", resources: unknown[] = ["${aws_s3_bucket.data.arn}"]) => ({ name: "data", plan_id: "${aws_backup_plan.p.id}", iam_role_arn: role, resources });
/** A backup service role with these managed policies attached. */
function role(...arns: string[]): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = { "aws_iam_role.backup": { name: "production-backup", path: "/service-role/", assume_role_policy: BACKUP_TRUST } };
  arns.forEach((arn, i) => (out[`aws_iam_role_policy_attachment.a${i}`] = { role: "${aws_iam_role.backup.name}", policy_arn: arn }));
  return out;
}
const stackOf = (entries: Record<string, Record<string, unknown>>) => tf({ "aws_s3_bucket.data": bucket(), "aws_s3_bucket_versioning.v": versioning("Enabled"), "aws_backup_selection.s": selection(), ...entries });

describe("stateful-backup-coverage: what an S3 backup needs (red-team round 113 F1)", () => {
  it("passes a versioned bucket whose selection's role has the S3 backup policy", () => {
    expect(run(rule, stackOf(role(FOR_BACKUP, FOR_S3)))).toEqual([]);
  });

  it("fails a bucket whose selection's role has only AWSBackupServiceRolePolicyForBackup, saying why and how to fix it", () => {
    const [f, ...rest] = run(rule, stackOf(role(FOR_BACKUP)));
    expect(rest).toEqual([]);
    expect(f.resource).toBe("aws_s3_bucket.data");
    expect(f.message).toContain("aws_s3_bucket.data is selected for backup, but AWS Backup cannot back it up (aws_backup_selection.s: its role aws_iam_role.backup");
    expect(f.message).toContain("has no s3:GetObject on the bucket's objects without conditions in a policy blastwall can read (AWSBackupServiceRolePolicyForBackup grants no S3 right)");
    expect(f.message).toContain("Every backup job of it fails");
    expect(f.message).toContain("no recovery point of it and no copy outside the account");
    expect(f.message).toContain("Attach arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Backup to aws_iam_role.backup");
  });

  it("a policy looked up by name it cannot read is named, and the fix says to write its ARN (round 118)", () => {
    const byName = {
      ...role(FOR_BACKUP),
      "data.aws_iam_policy.s3backup": { name: "AWSBackupServiceRolePolicyForS3Backup" },
      "aws_iam_role_policy_attachment.s3": { role: "${aws_iam_role.backup.name}", policy_arn: "${data.aws_iam_policy.s3backup.arn}" },
    };
    const [f] = run(rule, stackOf(byName));
    expect(f.message).toContain('it cannot read one of its policies (data.aws_iam_policy.s3backup reads policy "AWSBackupServiceRolePolicyForS3Backup" from the account');
    expect(f.message).toContain("If that policy is AWSBackupServiceRolePolicyForS3Backup, name it by its ARN (arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Backup)");
    // Control: the role with only the general backup policy gets the plain fix.
    expect(run(rule, stackOf(role(FOR_BACKUP)))[0].message).not.toContain("If that policy is");
  });

  it("reads the role's inline policies too: s3:GetObject on the bucket's objects passes, on another bucket or with a condition it does not", () => {
    const inline = (statement: Record<string, unknown>) => stackOf({ ...role(FOR_BACKUP), "aws_iam_role_policy.s3": { role: "${aws_iam_role.backup.id}", policy: policy({ Effect: "Allow", Action: ["s3:GetObject", "s3:GetObjectVersion", "s3:ListBucketVersions"], ...statement }) } });
    expect(run(rule, inline({ Resource: "arn:aws:s3:::acme-data/*" }))).toEqual([]);
    expect(run(rule, inline({ Resource: "${aws_s3_bucket.data.arn}/*" }))).toEqual([]);
    expect(run(rule, inline({ Resource: "arn:aws:s3:::acme-other/*" }))).toHaveLength(1);
    expect(run(rule, inline({ Resource: "arn:aws:s3:::acme-data/*", Condition: { Bool: { "aws:SecureTransport": "true" } } }))).toHaveLength(1);
  });

  it("does not count a widened reference to another bucket as reading this one", () => {
    const json = tf({
      "aws_s3_bucket.data": { ...LOCKED },
      "aws_s3_bucket.other": { ...LOCKED },
      "aws_s3_bucket_versioning.v": versioning("Enabled"),
      "aws_s3_bucket_versioning.o": { ...versioning("Enabled"), bucket: "${aws_s3_bucket.other.id}" },
      "aws_backup_selection.s": selection("${aws_iam_role.backup.arn}", ["${aws_s3_bucket.data.arn}", "${aws_s3_bucket.other.arn}"]),
      ...role(),
      "aws_iam_role_policy.s3": { role: "${aws_iam_role.backup.id}", policy: policy({ Effect: "Allow", Action: "s3:GetObject", Resource: "${aws_s3_bucket.other.arn}/*" }) },
    });
    expect(run(rule, json).map((f) => f.resource)).toEqual(["aws_s3_bucket.data"]);
  });

  it("takes a boundary or a Deny that removes s3:GetObject into account", () => {
    const denied = stackOf({ ...role(FOR_BACKUP, FOR_S3), "aws_iam_role_policy.deny": { role: "${aws_iam_role.backup.id}", policy: policy({ Effect: "Deny", Action: "s3:*", Resource: "*" }) } });
    expect(run(rule, denied)).toHaveLength(1);
  });

  it("fails closed on a role outside the stack or one it cannot resolve, and says how to proceed", () => {
    const [outside] = run(rule, stackOf({ ...role(FOR_BACKUP, FOR_S3), "aws_backup_selection.s": selection("arn:aws:iam::111111111111:role/service-role/AWSBackupDefaultServiceRole") }));
    expect(outside.message).toContain("its iam_role_arn arn:aws:iam::111111111111:role/service-role/AWSBackupDefaultServiceRole names no role of this stack");
    expect(outside.message).toContain("acknowledge this finding with that reason");
    const [variable] = run(rule, stackOf({ ...role(FOR_BACKUP, FOR_S3), "aws_backup_selection.s": selection("${var.backup_role}") }));
    expect(variable.message).toContain("its iam_role_arn is `${var.backup_role}`, which blastwall cannot resolve");
  });

  it("finds the stack's role by its literal ARN, as OffsiteBackupPlan writes it", () => {
    const literal = "arn:aws:iam::111111111111:role/service-role/production-backup";
    expect(run(rule, stackOf({ ...role(FOR_BACKUP, FOR_S3), "aws_backup_selection.s": selection(literal) }))).toEqual([]);
    expect(run(rule, stackOf({ ...role(FOR_BACKUP), "aws_backup_selection.s": selection(literal) }))).toHaveLength(1);
  });

  it("fails a bucket whose versioning is not certainly Enabled, with the reason", () => {
    const ok = role(FOR_BACKUP, FOR_S3);
    const cases: [Record<string, unknown> | undefined, string][] = [
      [undefined, "no aws_s3_bucket_versioning names it and it has no versioning block, so S3 Versioning is off"],
      [versioning("Suspended"), 'aws_s3_bucket_versioning.v sets its versioning status to "Suspended"'],
      [versioning("${var.status}"), "aws_s3_bucket_versioning.v sets its versioning status to `${var.status}`, a variable"],
      [versioning("Enabled", { count: "${var.n}" }), "aws_s3_bucket_versioning.v, which sets its versioning, has count = ${var.n}, so it may not be created"],
    ];
    for (const [v, why] of cases) {
      const json = tf({ "aws_s3_bucket.data": bucket(), ...(v ? { "aws_s3_bucket_versioning.v": v } : {}), "aws_backup_selection.s": selection(), ...ok });
      const [f, ...rest] = run(rule, json);
      expect(rest).toEqual([]);
      expect(f.message).toContain(`AWS Backup cannot back it up (aws_backup_selection.s: ${why}`);
      expect(f.message).toMatch(/versioning_configuration \{ status = "Enabled" \}/);
    }
  });

  it("accepts versioning by literal bucket name, by the legacy versioning block, and by Object Lock", () => {
    const ok = role(FOR_BACKUP, FOR_S3);
    const withBucket = (b: Record<string, unknown>, more: Record<string, Record<string, unknown>> = {}) => tf({ "aws_s3_bucket.data": b, "aws_backup_selection.s": selection(), ...ok, ...more });
    expect(run(rule, withBucket(bucket(), { "aws_s3_bucket_versioning.v": { ...versioning("Enabled"), bucket: "acme-data" } }))).toEqual([]);
    expect(run(rule, withBucket(bucket({ versioning: { enabled: true } })))).toEqual([]);
    expect(run(rule, withBucket(bucket({ versioning: { enabled: false } })))).toHaveLength(1);
    expect(run(rule, withBucket(bucket({ object_lock_enabled: true })))).toEqual([]);
    expect(run(rule, withBucket(bucket({ object_lock_configuration: { object_lock_enabled: "Enabled" } })))).toEqual([]);
  });

  it("tells an unselected, unversioned bucket to turn versioning on and to use a role with the S3 policy", () => {
    const [f] = run(rule, tf({ "aws_s3_bucket.data": bucket() }));
    expect(f.message).toContain("is not covered by any AWS Backup selection (the stack has no aws_backup_selection)");
    expect(f.message).toContain("turn its versioning on, which AWS Backup needs for S3");
    expect(f.message).toContain("needs AWSBackupServiceRolePolicyForS3Backup attached");
  });

  it("counts a bucket covered when a second selection can back it up, and asks nothing of other types", () => {
    const json = tf({
      "aws_s3_bucket.data": bucket(),
      "aws_s3_bucket_versioning.v": versioning("Enabled"),
      "aws_backup_selection.broken": selection("arn:aws:iam::111111111111:role/elsewhere"),
      "aws_backup_selection.s": selection(),
      "aws_ebs_volume.v": { availability_zone: "eu-central-1a", size: 10, ...LOCKED },
      "aws_backup_selection.vol": { ...selection("arn:aws:iam::111111111111:role/elsewhere"), resources: ["${aws_ebs_volume.v.arn}"] },
      ...role(FOR_BACKUP, FOR_S3),
    });
    expect(run(rule, json)).toEqual([]);
  });
});
