import { policy, tf } from "../helpers/tf";
import { run } from "./helpers";
import { rule } from "../../lib/rules/stateful-backup-coverage";

const LOCKED = { lifecycle: { prevent_destroy: true } };
const vol = (extra: Record<string, unknown> = {}) => ({ availability_zone: "eu-central-1a", size: 10, ...LOCKED, ...extra });
const sel = (extra: Record<string, unknown>) => ({ name: "s", plan_id: "${aws_backup_plan.p.id}", iam_role_arn: "arn:aws:iam::111111111111:role/backup", ...extra });

describe("stateful-backup-coverage", () => {
  it("fails a volume when the stack has no backup selection", () => {
    const [f] = run(rule, tf({ "aws_ebs_volume.data": vol() }));
    expect(f.resource).toBe("aws_ebs_volume.data");
    expect(f.message).toContain("aws_ebs_volume.data is not covered by any AWS Backup selection (the stack has no aws_backup_selection)");
    expect(f.message).toContain("resources = [aws_ebs_volume.data.arn]");
  });

  it("passes a selection that references the resource's ARN", () => {
    expect(run(rule, tf({ "aws_ebs_volume.data": vol(), "aws_backup_selection.s": sel({ resources: ["${aws_ebs_volume.data.arn}"] }) }))).toEqual([]);
  });

  it("passes ARN patterns that cover every volume (account and region are the selection's own) and \"*\"", () => {
    for (const pattern of ["arn:aws:ec2:*:*:volume/*", "arn:aws:ec2:eu-central-1:111111111111:volume/*", "*"]) {
      expect(run(rule, tf({ "aws_ebs_volume.data": vol(), "aws_backup_selection.s": sel({ resources: [pattern] }) }))).toEqual([]);
    }
  });

  it("fails when the selection names another resource or only one volume id", () => {
    for (const resources of [["${aws_ebs_volume.other.arn}"], ["arn:aws:ec2:*:*:volume/vol-0123456789abcdef0"], ["arn:aws:rds:*:*:db:*"]]) {
      const json = tf({ "aws_ebs_volume.data": vol(), "aws_ebs_volume.other": vol(), "aws_backup_selection.s": sel({ resources }) });
      expect(run(rule, json).map((f) => f.resource)).toContain("aws_ebs_volume.data");
    }
  });

  it("matches named resources literally: a DynamoDB table by name, a bucket by bucket name", () => {
    const json = tf({
      "aws_dynamodb_table.t": { name: "orders", ...LOCKED },
      "aws_s3_bucket.b": { bucket: "acme-data", versioning: { enabled: true }, ...LOCKED },
      // AWS Backup reads a bucket only as a role with its S3 policy (stateful-backup-coverage-s3.test.ts).
      "aws_iam_role.backup": { name: "backup", assume_role_policy: policy({ Effect: "Allow", Principal: { Service: "backup.amazonaws.com" }, Action: "sts:AssumeRole" }) },
      "aws_iam_role_policy_attachment.s3": { role: "${aws_iam_role.backup.name}", policy_arn: "arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Backup" },
      "aws_backup_selection.s": sel({ resources: ["arn:aws:dynamodb:eu-central-1:111111111111:table/orders", "arn:aws:s3:::acme-*"] }),
    });
    expect(run(rule, json)).toEqual([]);
  });

  it("passes by selection_tag, including a tag the provider's default_tags set", () => {
    const tagSel = sel({ selection_tag: [{ type: "STRINGEQUALS", key: "backup", value: "daily" }] });
    expect(run(rule, tf({ "aws_ebs_volume.data": vol({ tags: { backup: "daily" } }), "aws_backup_selection.s": tagSel }))).toEqual([]);
    const viaProvider = tf(
      { "aws_ebs_volume.data": vol({ provider: "aws.prod" }), "aws_backup_selection.s": tagSel },
      { provider: { aws: [{ alias: "prod", region: "eu-central-1", default_tags: [{ tags: { backup: "daily" } }] }] } },
    );
    expect(run(rule, viaProvider)).toEqual([]);
  });

  it("fails a selection_tag the resource does not carry, with the reason in the evidence", () => {
    const [f] = run(rule, tf({ "aws_ebs_volume.data": vol({ tags: { backup: "weekly" } }), "aws_backup_selection.s": sel({ selection_tag: { type: "STRINGEQUALS", key: "backup", value: "daily" } }) }));
    expect(f.evidence.map((e) => e.detail)).toContain("no selection_tag matches the literal tags of aws_ebs_volume.data");
  });

  it("requires both resources and selection_tag when a selection gives both", () => {
    const json = tf({
      "aws_ebs_volume.data": vol(),
      "aws_backup_selection.s": sel({ resources: ["*"], selection_tag: [{ type: "STRINGEQUALS", key: "backup", value: "daily" }] }),
    });
    expect(run(rule, json)).toHaveLength(1);
  });

  it("evaluates condition blocks against the literal tags", () => {
    const cond = (value: string) => sel({ resources: ["*"], condition: [{ string_equals: [{ key: "aws:ResourceTag/env", value }] }] });
    expect(run(rule, tf({ "aws_ebs_volume.data": vol({ tags: { env: "prod" } }), "aws_backup_selection.s": cond("prod") }))).toEqual([]);
    expect(run(rule, tf({ "aws_ebs_volume.data": vol({ tags: { env: "dev" } }), "aws_backup_selection.s": cond("prod") }))).toHaveLength(1);
  });

  it("answers string_like with several stars against a long tag value (red-team round 98: minutes with a backtracking RegExp)", () => {
    const like = (value: string) => sel({ resources: ["*"], condition: [{ string_like: [{ key: "aws:ResourceTag/tier", value }] }] });
    const tagged = (tier: string) => vol({ tags: { tier } });
    const long = "a".repeat(4000);
    expect(run(rule, tf({ "aws_ebs_volume.data": tagged(long), "aws_backup_selection.s": like("*a*a*a*b?") }))).toHaveLength(1);
    expect(run(rule, tf({ "aws_ebs_volume.data": tagged(long + "bc"), "aws_backup_selection.s": like("*a*a*a*b?") }))).toEqual([]);
  });

  it("fails closed when not_resources may exclude the resource or resources is an expression", () => {
    const excluded = run(rule, tf({ "aws_ebs_volume.data": vol(), "aws_backup_selection.s": sel({ resources: ["*"], not_resources: ["arn:aws:ec2:*:*:volume/vol-0abc"] }) }));
    expect(excluded[0].evidence.map((e) => e.detail)).toContain("not_resources may exclude aws_ebs_volume.data");
    const token = run(rule, tf({ "aws_ebs_volume.data": vol(), "aws_backup_selection.s": sel({ resources: "${var.arns}" }) }));
    expect(token[0].evidence.map((e) => e.detail).join()).toContain("resources is `${var.arns}`, which blastwall cannot evaluate");
  });

  it("does not count not_resources naming another resource", () => {
    const json = tf({ "aws_ebs_volume.data": vol(), "aws_ebs_volume.scratch": vol(), "aws_backup_selection.s": sel({ resources: ["*"], not_resources: ["${aws_ebs_volume.scratch.arn}"] }) });
    expect(run(rule, json).map((f) => f.resource)).toEqual(["aws_ebs_volume.scratch"]);
  });

  it("accepts an S3 bucket whose Object Lock keeps versions in COMPLIANCE mode, not in GOVERNANCE mode", () => {
    const lock = (mode: string) => ({ bucket: "${aws_s3_bucket.logs.id}", rule: { default_retention: { mode, days: 365 } } });
    const bucket = { bucket: "acme-logs", object_lock_enabled: true, ...LOCKED };
    expect(run(rule, tf({ "aws_s3_bucket.logs": bucket, "aws_s3_bucket_object_lock_configuration.l": lock("COMPLIANCE") }))).toEqual([]);
    expect(run(rule, tf({ "aws_s3_bucket.logs": bucket, "aws_s3_bucket_object_lock_configuration.l": lock("GOVERNANCE") }))).toHaveLength(1);
  });

  // Red-team round 175, F3: a GOVERNANCE lock was reported as a missing backup selection, with no word of the lock.
  it("says a GOVERNANCE-mode Object Lock is why the bucket is not protected, and offers COMPLIANCE as the fix", () => {
    const bucket = { bucket: "acme-logs", object_lock_enabled: true, ...LOCKED };
    const [f, ...more] = run(rule, tf({ "aws_s3_bucket.logs": bucket, "aws_s3_bucket_object_lock_configuration.l": { bucket: "${aws_s3_bucket.logs.id}", rule: { default_retention: { mode: "GOVERNANCE", days: 365 } } } }));
    expect(more).toEqual([]);
    expect(f.message).toContain(
      "aws_s3_bucket.logs is not covered by any AWS Backup selection (the stack has no aws_backup_selection), and its Object Lock does not protect it instead: " +
        "aws_s3_bucket_object_lock_configuration.l keeps every object version 365 days in GOVERNANCE mode, which whoever holds s3:BypassGovernanceRetention lifts " +
        "(only COMPLIANCE mode counts as protected without a backup): ",
    );
    expect(f.message).toContain('Switch its Object Lock\'s default_retention to mode = "COMPLIANCE", which nobody can lift or shorten on the versions it locks');
    expect(f.message).toContain(", or select it in a backup plan that copies to another account (resources = [aws_s3_bucket.logs.arn])");
    expect(f.evidence).toContainEqual({ step: "object-lock", address: "aws_s3_bucket_object_lock_configuration.l", detail: expect.stringContaining("keeps every object version 365 days in GOVERNANCE mode") });
    // The bucket's own (deprecated) object_lock_configuration, and a mode from a variable, are named the same way.
    const inline = run(rule, tf({ "aws_s3_bucket.logs": { ...bucket, object_lock_configuration: { object_lock_enabled: "Enabled", rule: { default_retention: { mode: "GOVERNANCE", years: 1 } } } } }));
    expect(inline[0].message).toContain("and its Object Lock does not protect it instead: its object_lock_configuration keeps every object version 1 year in GOVERNANCE mode");
    const byVar = run(rule, tf({ "aws_s3_bucket.logs": bucket, "aws_s3_bucket_object_lock_configuration.l": { bucket: "${aws_s3_bucket.logs.id}", rule: { default_retention: { mode: "${var.mode}", days: 365 } } } }));
    expect(byVar[0].message).toContain("keeps every object version 365 days in mode `${var.mode}` (a variable (no default) that -var or a tfvars file can set to anything at apply time), which blastwall does not read as COMPLIANCE");
  });

  it("controls: a COMPLIANCE lock passes, and a bucket without a lock gets no lock wording", () => {
    const bucket = { bucket: "acme-logs", object_lock_enabled: true, ...LOCKED };
    expect(run(rule, tf({ "aws_s3_bucket.logs": { ...bucket, object_lock_configuration: { rule: { default_retention: { mode: "COMPLIANCE", years: 1 } } } } }))).toEqual([]);
    const [f] = run(rule, tf({ "aws_s3_bucket.logs": bucket }));
    expect(f.message).not.toContain("Object Lock");
    expect(f.message).toContain("reach. Select it in a backup plan");
  });

  it("skips read replicas (their source is what must be backed up)", () => {
    expect(run(rule, tf({ "aws_db_instance.replica": { replicate_source_db: "orders", ...LOCKED } }))).toEqual([]);
  });
});
