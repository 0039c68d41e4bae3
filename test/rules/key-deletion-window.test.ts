/**
 * The deletion window of a key that encrypts data (red-team round 129, F2): ProtectedKey's 30 days, cut to 7 after
 * construction (`vol.key.key.deletionWindowInDays = 7`), passed both gates. A warning, for keys the stack's data names.
 */
import { tf } from "../helpers/tf";
import { run } from "./helpers";
import { rule } from "../../lib/rules/key-deletion-window";
import { ProtectedVolume } from "../../lib/constructs";
import { APP_ACCOUNT, OFFSITE_ARN, gateFindings, synth } from "../constructs/helpers";

const KEY = "${aws_kms_key.k.arn}";
const volume = (extra: Record<string, unknown> = {}) => ({ "aws_ebs_volume.v": { availability_zone: "eu-central-1a", size: 10, kms_key_id: KEY, ...extra } });

describe("key-deletion-window", () => {
  it("warns for a 7-day window on the key of a volume, naming the key, the window and what it encrypts", () => {
    const [f, ...rest] = run(rule, tf({ "aws_kms_key.k": { deletion_window_in_days: 7 }, ...volume() }));
    expect(rest).toEqual([]);
    expect(f.resource).toBe("aws_kms_key.k");
    expect(f.message).toBe(
      "aws_kms_key.k sets deletion_window_in_days = 7: once its deletion is scheduled, 7 days are all there is to notice and cancel it before everything it " +
        "encrypts (aws_ebs_volume.v), backups included, can never be read again. Remove deletion_window_in_days or set it to 30.",
    );
    expect(f.evidence.map((e) => e.step)).toEqual(["resource", "encrypts"]);
    expect(rule.meta.severity).toBe("warning");
  });

  it("warns for the key of a database's secret, a backup vault and a bucket's encryption configuration; a replica key too", () => {
    const json = tf({
      "aws_kms_key.a": { deletion_window_in_days: 10 },
      "aws_kms_key.b": { deletion_window_in_days: "20" },
      "aws_kms_key.c": { deletion_window_in_days: 7 },
      "aws_kms_replica_key.r": { primary_key_arn: "arn:aws:kms:eu-west-1:111111111111:key/x", deletion_window_in_days: 7 },
      "aws_db_instance.db": { master_user_secret_kms_key_id: "${aws_kms_key.a.key_id}" },
      "aws_backup_vault.local": { name: "local", kms_key_arn: "${aws_kms_key.b.arn}" },
      "aws_s3_bucket_server_side_encryption_configuration.e": {
        bucket: "b",
        rule: [{ apply_server_side_encryption_by_default: [{ sse_algorithm: "aws:kms", kms_master_key_id: "${aws_kms_key.c.arn}" }] }],
      },
      "aws_dynamodb_table.t": { name: "t", server_side_encryption: { enabled: true, kms_key_arn: "${aws_kms_replica_key.r.arn}" } },
    });
    expect(run(rule, json).map((f) => f.resource)).toEqual(["aws_kms_key.a", "aws_kms_key.b", "aws_kms_key.c", "aws_kms_replica_key.r"]);
  });

  it("fails closed on a variable: it may be as short as 7 days", () => {
    const [f] = run(rule, tf({ "aws_kms_key.k": { deletion_window_in_days: "${var.window}" }, ...volume() }, { variable: { window: { default: 30 } } }));
    expect(f.message).toContain("sets deletion_window_in_days to `${var.window}`, a variable (default 30)");
    expect(f.message).toContain("so it may be as short as 7 days");
  });

  it("passes unset and 30, a key that encrypts no data, and a literal key ARN", () => {
    expect(run(rule, tf({ "aws_kms_key.k": {}, ...volume() }))).toEqual([]);
    expect(run(rule, tf({ "aws_kms_key.k": { deletion_window_in_days: 30 }, ...volume() }))).toEqual([]);
    // The key of a log group or a queue: nothing stateful names it.
    expect(run(rule, tf({
      "aws_kms_key.logs": { deletion_window_in_days: 7 },
      "aws_cloudwatch_log_group.g": { name: "g", kms_key_id: "${aws_kms_key.logs.arn}" },
      "aws_sqs_queue.q": { name: "q", kms_master_key_id: "${aws_kms_key.logs.key_id}" },
    }))).toEqual([]);
    expect(run(rule, tf({ "aws_kms_key.k": { deletion_window_in_days: 7 }, ...volume({ kms_key_id: "arn:aws:kms:eu-central-1:111111111111:key/abc" }) }))).toEqual([]);
  });

  it("judges a key blastwall.json `protected` names, whatever names it", () => {
    const json = tf({ "aws_kms_key.k": { deletion_window_in_days: 7 } });
    expect(run(rule, json)).toEqual([]);
    expect(run(rule, json, { protected: { types: ["aws_kms_key"] } }).map((f) => f.message)).toEqual([
      expect.stringContaining("before what it encrypts can never be read again"),
    ]);
  });

  it("catches ProtectedVolume's key cut to 7 days after construction, and says nothing of the construct as built", () => {
    const build = (cut: boolean) => synth((s) => {
      const vol = new ProtectedVolume(s, "Vol", { name: "data", availabilityZone: "eu-central-1a", sizeGiB: 10, backup: { accountId: APP_ACCOUNT, region: "eu-central-1", offsiteVaultArn: OFFSITE_ARN } });
      if (cut) vol.key.key.deletionWindowInDays = 7;
    }).json;
    expect(gateFindings(build(false)).filter((f) => f.startsWith("key-deletion-window"))).toEqual([]);
    const found = gateFindings(build(true)).filter((f) => f.startsWith("key-deletion-window"));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^key-deletion-window \[warning\]: aws_kms_key\.Vol_Key_\w+ sets deletion_window_in_days = 7: .*aws_ebs_volume\.Vol_Volume_\w+, aws_backup_vault\./);
  });
});
