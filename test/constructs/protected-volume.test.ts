import type { Construct } from "constructs";
import { OffsiteBackupPlan, ProtectedDatabase, ProtectedKey, ProtectedVolume, type ProtectedVolumeProps } from "../../lib/constructs";
import { APP_ACCOUNT, BACKUP_ACCOUNT, MGMT_ACCOUNT, OFFSITE_ARN, gateFindings, only, policyOf, resources, synth } from "./helpers";

const backup = { accountId: APP_ACCOUNT, region: "eu-central-1", offsiteVaultArn: OFFSITE_ARN };
const props: ProtectedVolumeProps = { name: "data", availabilityZone: "eu-central-1a", sizeGiB: 100, backup };
const build = (extra: Partial<ProtectedVolumeProps> = {}) => synth((s) => new ProtectedVolume(s, "Volume", { ...props, ...extra })).json;

describe("ProtectedVolume", () => {
  it("is an encrypted gp3 volume with a final snapshot and prevent_destroy", () => {
    const v = only(build(), "aws_ebs_volume");
    expect(v).toMatchObject({ availability_zone: "eu-central-1a", size: 100, type: "gp3", encrypted: true, final_snapshot: true, lifecycle: { prevent_destroy: true } });
    expect(v.kms_key_id).toMatch(/^\$\{aws_kms_key\.Volume_Key_\w+\.arn\}$/);
    expect(v.tags).toEqual({ Name: "data" });
  });

  it("uses a customer-managed key with rotation, a 30-day window and prevent_destroy, usable by the backup account, closed to agents", () => {
    const key = only(build(), "aws_kms_key");
    expect(key).toMatchObject({ enable_key_rotation: true, deletion_window_in_days: 30, lifecycle: { prevent_destroy: true } });
    const st = policyOf(key).Statement as { Sid: string; Principal: unknown; Action: unknown; Condition?: unknown }[];
    expect(st.find((s) => s.Sid === "AccountAdministersKeyThroughIam")!.Principal).toEqual({ AWS: `arn:aws:iam::${APP_ACCOUNT}:root` });
    expect(st.find((s) => s.Sid === "Account0UsesKey")!.Principal).toEqual({ AWS: `arn:aws:iam::${BACKUP_ACCOUNT}:root` });
    const deny = st.find((s) => s.Sid === "DenyKeyDestructionToAgentRoles")!;
    expect(deny.Action).toEqual(expect.arrayContaining(["kms:ScheduleKeyDeletion", "kms:DisableKey", "kms:PutKeyPolicy"]));
  });

  it("is selected by a daily backup plan that copies every recovery point to the off-site vault", () => {
    const json = build();
    const selection = only(json, "aws_backup_selection");
    expect(selection.resources).toEqual([expect.stringMatching(/^\$\{aws_ebs_volume\.Volume_\w+\.arn\}$/)]);
    expect(selection.iam_role_arn).toBe(`arn:aws:iam::${APP_ACCOUNT}:role/service-role/data-plan-backup`);
    const rule = only(json, "aws_backup_plan").rule[0];
    expect(rule.copy_action).toEqual([{ destination_vault_arn: OFFSITE_ARN, lifecycle: { delete_after: 35 } }]);
    expect(rule.lifecycle).toEqual({ delete_after: 35 });
    expect(rule.schedule).toBe("cron(0 3 * * ? *)");
  });

  it("keeps local recovery points in a compliance-locked vault", () => {
    const json = build();
    expect(only(json, "aws_backup_vault")).toMatchObject({ name: "data-plan-local", force_destroy: false, lifecycle: { prevent_destroy: true } });
    expect(only(json, "aws_backup_vault_lock_configuration")).toMatchObject({ changeable_for_days: 3, min_retention_days: 7 });
  });

  it("adds a locked, Region-level Recycle Bin rule for EBS snapshots (unless turned off)", () => {
    const rule = only(build(), "aws_rbin_rule");
    expect(rule).toMatchObject({
      resource_type: "EBS_SNAPSHOT",
      retention_period: { retention_period_unit: "DAYS", retention_period_value: 30 },
      lock_configuration: { unlock_delay: { unlock_delay_unit: "DAYS", unlock_delay_value: 30 } },
    });
    expect(rule.resource_tags).toBeUndefined();
    expect(resources(build({ recycleBin: false }), "aws_rbin_rule")).toEqual([]);
  });

  it("shares one plan between volumes", () => {
    const { json } = synth((s) => {
      const plan = new OffsiteBackupPlan(s, "Plan", { name: "volumes", ...backup });
      new ProtectedVolume(s, "A", { ...props, name: "vol-a", backup: plan, recycleBin: false });
      new ProtectedVolume(s, "B", { ...props, name: "vol-b", backup: plan, recycleBin: false });
    });
    expect(resources(json, "aws_backup_plan")).toHaveLength(1);
    expect(resources(json, "aws_backup_selection").map((s) => s.name).sort()).toEqual(["vol-a", "vol-b"]);
    expect(gateFindings(json)).toEqual([]);
  });

  it("passes the gate with zero findings", () => {
    expect(gateFindings(build())).toEqual([]);
  });

  describe("refuses misuse with the message a user needs", () => {
    it.each([
      [{ backup: { ...backup, offsiteVaultArn: `arn:aws:backup:eu-west-1:${APP_ACCOUNT}:backup-vault:dr` } }, `ProtectedVolume: backup.offsiteVaultArn must be in another account than backup.accountId (both ${APP_ACCOUNT})`],
      [{ backup: { ...backup, offsiteVaultArn: `arn:aws:backup:eu-central-1:${BACKUP_ACCOUNT}:backup-vault:offsite` } }, "ProtectedVolume: backup.offsiteVaultArn is in eu-central-1, the region of the data; copy to another region (or set backup.allowSameRegion"],
      [{ backup: { ...backup, offsiteVaultArn: "offsite" } }, 'ProtectedVolume: backup.offsiteVaultArn must be a literal backup vault ARN like arn:aws:backup:eu-west-1:222222222222:backup-vault:offsite (got "offsite")'],
      [{ backup: { ...backup, retentionDays: 3 } }, "ProtectedVolume: backup.retentionDays must be between 7 and 36500 days (got 3)"],
      [{ backup: { ...backup, accountId: "12" } }, 'ProtectedVolume: backup.accountId must be a 12-digit AWS account id (got "12")'],
      [{ name: "my volume" }, 'ProtectedVolume: name must be 2 to 34 letters, digits, _ or - (got "my volume")'],
      [{ sizeGiB: 0 }, "ProtectedVolume: sizeGiB must be between 1 and 65536 GiB (got 0)"],
      [{ recycleBin: { unlockDelayDays: 60 } }, "RecycleBinLock: unlockDelayDays must be between 7 and 30 days (got 60)"],
      [{ recycleBin: { retentionDays: 1 } }, "RecycleBinLock: retentionDays must be between 7 and 365 days (got 1): a snapshot deleted by mistake must stay recoverable for a week of unnoticed damage"],
      [{ recycleBin: { retentionDays: 6 } }, "RecycleBinLock: retentionDays must be between 7 and 365 days (got 6)"],
      [{ backup: { ...backup, schedule: "cron(0 3 * * ? 2020)" } }, 'ProtectedVolume: backup.schedule must have * as the year of its cron expression (got "cron(0 3 * * ? 2020)"): a schedule bound to years stops firing once they are past'],
      [{ backup: { ...backup, schedule: "cron(0 3 * * ? 2020-2030)" } }, 'ProtectedVolume: backup.schedule must have * as the year of its cron expression (got "cron(0 3 * * ? 2020-2030)")'],
      [{ backup: { ...backup, schedule: "cron(0 3 * * ?)" } }, 'ProtectedVolume: backup.schedule must be a cron expression of six fields, minutes to year, like cron(0 3 * * ? *) (got "cron(0 3 * * ?)")'],
      // Red-team round 60 F8: a backup rule's ScheduleExpression is a cron expression; rate(...), accepted before
      // (up to a day), is refused whatever its period.
      [{ backup: { ...backup, schedule: "rate(12 hours)" } }, 'ProtectedVolume: backup.schedule must be a cron(...) expression, not rate(...) (got "rate(12 hours)"): an AWS Backup rule\'s ScheduleExpression is a cron expression. Use cron(...), e.g. cron(0 3 * * ? *) for every day at 03:00 UTC or cron(0 */12 * * ? *) for every 12 hours'],
      [{ backup: { ...backup, schedule: "rate(1 day)" } }, 'ProtectedVolume: backup.schedule must be a cron(...) expression, not rate(...) (got "rate(1 day)")'],
      [{ backup: { ...backup, schedule: "rate(365 days)" } }, 'ProtectedVolume: backup.schedule must be a cron(...) expression, not rate(...) (got "rate(365 days)")'],
      [{ backup: { ...backup, schedule: "rate(1 week)" } }, 'ProtectedVolume: backup.schedule must be a cron(...) expression, not rate(...) (got "rate(1 week)")'],
      [{ backup: { ...backup, schedule: "daily" } }, 'ProtectedVolume: backup.schedule must be a cron(...) expression like cron(0 3 * * ? *) (got "daily")'],
      // ... and AWS Backup refuses backup jobs less than 60 minutes apart.
      [{ backup: { ...backup, schedule: "cron(0/10 * * * ? *)" } }, 'ProtectedVolume: backup.schedule must leave at least 60 minutes between backups (got "cron(0/10 * * * ? *)", whose runs come as close as 10 minutes apart): AWS Backup refuses a schedule whose backup jobs are less than 60 minutes apart, so the plan would fail at apply. Back up at most hourly, e.g. cron(0 * * * ? *), or daily: cron(0 3 * * ? *)'],
      [{ backup: { ...backup, schedule: "cron(* * * * ? *)" } }, 'ProtectedVolume: backup.schedule must leave at least 60 minutes between backups (got "cron(* * * * ? *)", whose runs come as close as 1 minute apart)'],
      [{ backup: { ...backup, schedule: "cron(0,30 3 ? * MON-FRI *)" } }, 'ProtectedVolume: backup.schedule must leave at least 60 minutes between backups (got "cron(0,30 3 ? * MON-FRI *)", whose runs come as close as 30 minutes apart)'],
      // Red-team round 57: a cron schedule is evaluated, not only counted in fields.
      [{ backup: { ...backup, schedule: "cron(0 3 1 1 ? *)" } }, 'ProtectedVolume: backup.schedule must back up at least every 3 days (got "cron(0 3 1 1 ? *)", which leaves up to 366 days between recovery points)'],
      [{ backup: { ...backup, schedule: "cron(0 3 30 2 ? *)" } }, 'ProtectedVolume: backup.schedule never fires (got "cron(0 3 30 2 ? *)"): no date matches its day and month fields'],
      [{ backup: { ...backup, schedule: "cron(0 3 29 2 ? *)" } }, 'ProtectedVolume: backup.schedule must back up at least every 3 days (got "cron(0 3 29 2 ? *)", which leaves up to 1461 days'],
      [{ backup: { ...backup, schedule: "cron(0 3 ? * SUN *)" } }, 'ProtectedVolume: backup.schedule must back up at least every 3 days (got "cron(0 3 ? * SUN *)", which leaves up to 7 days'],
      [{ backup: { ...backup, schedule: "cron(0 3 ? * MON,THU *)" } }, 'ProtectedVolume: backup.schedule must back up at least every 3 days (got "cron(0 3 ? * MON,THU *)", which leaves up to 4 days'],
      [{ backup: { ...backup, schedule: "cron(0 3 * JAN-JUN ? *)" } }, 'ProtectedVolume: backup.schedule must back up at least every 3 days (got "cron(0 3 * JAN-JUN ? *)", which leaves up to 185 days'],
      [{ backup: { ...backup, schedule: "cron(0 3 ? * 2#1 *)" } }, 'ProtectedVolume: backup.schedule must back up at least every 3 days (got "cron(0 3 ? * 2#1 *)", which leaves up to 35 days'],
      [{ backup: { ...backup, schedule: "cron(0 3 31 * ? *)" } }, 'ProtectedVolume: backup.schedule must back up at least every 3 days (got "cron(0 3 31 * ? *)", which leaves up to 61 days'],
      [{ backup: { ...backup, schedule: "cron(0 3 * * MON *)" } }, 'ProtectedVolume: backup.schedule must be a cron expression blastwall can read (got "cron(0 3 * * MON *)"): of day-of-month "*" and day-of-week "MON", exactly one must be ?'],
      [{ backup: { ...backup, schedule: "cron(60 3 * * ? *)" } }, 'ProtectedVolume: backup.schedule must be a cron expression blastwall can read (got "cron(60 3 * * ? *)"): minutes "60" is not a value from 0 to 59'],
      [{ backup: { ...backup, schedule: "cron(0 3 ? * FRI-MON *)" } }, 'ProtectedVolume: backup.schedule must be a cron expression blastwall can read (got "cron(0 3 ? * FRI-MON *)"): day-of-week "FRI-MON" has a range that runs backwards'],
    ] as [Partial<ProtectedVolumeProps>, string][])("%o", (extra, message) => {
      expect(() => build(extra)).toThrow(message);
    });

    it("accepts a cron schedule for every year, as often as hourly", () => {
      // Hourly is AWS Backup's shortest interval (cron(15 * ? * * *) is its own example); 23:30 to 00:30 the next day is 60 minutes too.
      for (const schedule of ["cron(0 3 * * ? *)", "cron(0 */6 ? * MON-FRI *)", "cron(0 * * * ? *)", "cron(15 * ? * * *)", "cron(30 0,23 * * ? *)"]) {
        expect(() => build({ backup: { ...backup, schedule } })).not.toThrow();
      }
      // Every 3 days at most, the weekend of a weekday schedule: evaluated over whole months, names and steps read.
      for (const schedule of ["cron(0 3 ? * MON-FRI *)", "cron(30 1 ? * MON,WED,FRI *)", "cron(0 3 */3 * ? *)", "cron(0 3 1/2 * ? *)", "cron(0 0,12 1-31 JAN-DEC ? *)", "cron(0 3 ? * 1,2,3,4,5,6,7 *)"]) {
        expect(() => build({ backup: { ...backup, schedule } })).not.toThrow();
      }
      expect(only(build({ backup: { ...backup, schedule: "cron(0 */12 * * ? *)" } }), "aws_backup_plan").rule[0].schedule).toBe("cron(0 */12 * * ? *)");
    });

    it("accepts a Recycle Bin retention of 7 days", () => {
      expect(only(build({ recycleBin: { retentionDays: 7 } }), "aws_rbin_rule").retention_period.retention_period_value).toBe(7);
    });

    it("accepts one region when asked to, never one account", () => {
      const sameRegion = `arn:aws:backup:eu-central-1:${BACKUP_ACCOUNT}:backup-vault:offsite`;
      expect(() => build({ backup: { ...backup, offsiteVaultArn: sameRegion, allowSameRegion: true } })).not.toThrow();
    });
  });
});

describe("a kmsKey of the caller's (red-team round 57)", () => {
  const key = (s: Construct, usableByAccounts?: string[]) => new ProtectedKey(s, "MyKey", { accountId: APP_ACCOUNT, description: "prod data", usableByAccounts });

  it("is refused unless the backup account may use it: every cross-account copy would fail", () => {
    expect(() => synth((s) => new ProtectedVolume(s, "Vol", { ...props, kmsKey: key(s) }))).toThrow(
      `ProtectedVolume: kmsKey must be usable by the backup account ${BACKUP_ACCOUNT}, or every cross-account copy fails: AWS Backup reads each copy with this key to re-encrypt it there. Create test/MyKey with usableByAccounts: ["${BACKUP_ACCOUNT}"] (it has none)`,
    );
    expect(() => synth((s) => new ProtectedVolume(s, "Vol", { ...props, kmsKey: key(s, [MGMT_ACCOUNT]) }))).toThrow(`(it has ["${MGMT_ACCOUNT}"])`);
  });

  it("is refused for a plan shared between volumes too", () => {
    expect(() =>
      synth((s) => new ProtectedVolume(s, "Vol", { ...props, kmsKey: key(s), backup: new OffsiteBackupPlan(s, "Plan", { name: "volumes", ...backup }) })),
    ).toThrow(`ProtectedVolume: kmsKey must be usable by the backup account ${BACKUP_ACCOUNT}`);
  });

  it("is used as given when the backup account may use it, and the stack passes the gate", () => {
    const json = synth((s) => new ProtectedVolume(s, "Vol", { ...props, kmsKey: key(s, [BACKUP_ACCOUNT]) })).json;
    expect(resources(json, "aws_kms_key")).toHaveLength(1);
    expect(only(json, "aws_ebs_volume").kms_key_id).toMatch(/aws_kms_key\.MyKey_\w+\.arn/);
    expect(gateFindings(json)).toEqual([]);
  });

  it("needs no other account when the off-site vault is in the key's own account (allowSameAccount)", () => {
    const dr = `arn:aws:backup:eu-west-1:${APP_ACCOUNT}:backup-vault:dr`;
    expect(() => synth((s) => new ProtectedVolume(s, "Vol", { ...props, kmsKey: key(s), backup: { ...backup, offsiteVaultArn: dr, allowSameAccount: true } }))).not.toThrow();
  });

  it("is refused when it is not a ProtectedKey (a key ARN from plain JavaScript): its policy cannot be seen", () => {
    const arn = `arn:aws:kms:eu-central-1:${APP_ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
    expect(() => synth((s) => new ProtectedVolume(s, "Vol", { ...props, kmsKey: arn as unknown as ProtectedKey }))).toThrow(
      `ProtectedVolume: kmsKey must be a ProtectedKey (got "${arn}"): blastwall cannot see whether another key's policy lets the backup account ${BACKUP_ACCOUNT} use it`,
    );
  });

  it("OffsiteBackupPlan checks the key of its local vault the same way, naming its own prop", () => {
    expect(() => synth((s) => new OffsiteBackupPlan(s, "Plan", { name: "volumes", ...backup, kmsKey: key(s) }))).toThrow(
      `OffsiteBackupPlan: kmsKey must be usable by the backup account ${BACKUP_ACCOUNT}`,
    );
  });
});

describe("a kmsKey of another account than the data's (red-team round 60 F1)", () => {
  // A key in another account (staging, say), usable by the backup account: the usable check alone accepted it.
  const foreign = (s: Construct) => new ProtectedKey(s, "StagingKey", { accountId: MGMT_ACCOUNT, description: "shared", usableByAccounts: [APP_ACCOUNT, BACKUP_ACCOUNT] });
  const why = "whoever controls a key can make everything it encrypts unreadable (kms:DisableKey at once, kms:ScheduleKeyDeletion after 7 to 30 days, kms:PutKeyPolicy to shut every other account out), so a key of another account puts this data and its local recovery points in the hands of that account's administrators";

  it("is refused for a volume, naming the prop, both accounts and why", () => {
    expect(() => synth((s) => new ProtectedVolume(s, "Vol", { ...props, kmsKey: foreign(s) }))).toThrow(
      `ProtectedVolume: kmsKey must live in ${APP_ACCOUNT} (backup.accountId), not in ${MGMT_ACCOUNT} (the accountId of test/StagingKey): ${why}. Create the ProtectedKey with accountId: "${APP_ACCOUNT}", or leave kmsKey out for a new one`,
    );
  });

  it("is refused with a shared plan, naming the plan the account comes from", () => {
    expect(() =>
      synth((s) => new ProtectedVolume(s, "Vol", { ...props, kmsKey: foreign(s), backup: new OffsiteBackupPlan(s, "Plan", { name: "volumes", ...backup }) })),
    ).toThrow(`ProtectedVolume: kmsKey must live in ${APP_ACCOUNT} (the accountId of plan test/Plan), not in ${MGMT_ACCOUNT}`);
  });

  it("is refused for a plan's local vault and for a database", () => {
    expect(() => synth((s) => new OffsiteBackupPlan(s, "Plan", { name: "volumes", ...backup, kmsKey: foreign(s) }))).toThrow(
      `OffsiteBackupPlan: kmsKey must live in ${APP_ACCOUNT} (accountId), not in ${MGMT_ACCOUNT} (the accountId of test/StagingKey)`,
    );
    const sameRegion = `arn:aws:backup:eu-central-1:${BACKUP_ACCOUNT}:backup-vault:offsite`;
    expect(() =>
      synth((s) => new ProtectedDatabase(s, "Db", { identifier: "orders", engine: "postgres", instanceClass: "db.t4g.micro", kmsKey: foreign(s), backup: { ...backup, offsiteVaultArn: sameRegion } })),
    ).toThrow(`ProtectedDatabase: kmsKey must live in ${APP_ACCOUNT} (backup.accountId), not in ${MGMT_ACCOUNT}`);
  });

  it("says, for what is not a ProtectedKey, that its account cannot be seen either", () => {
    const arn = `arn:aws:kms:eu-central-1:${MGMT_ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
    expect(() => synth((s) => new ProtectedVolume(s, "Vol", { ...props, kmsKey: arn as unknown as ProtectedKey }))).toThrow(
      `nor can it see which account the key lives in, which must be the data's (${APP_ACCOUNT})`,
    );
  });
});

describe("single account (allowSameAccount)", () => {
  const sameAccountDr = `arn:aws:backup:eu-west-1:${APP_ACCOUNT}:backup-vault:dr`;
  it("copies to a locked vault in another region of the same account when asked to", () => {
    const json = synth((s) => new ProtectedVolume(s, "Vol", { ...props, backup: { ...backup, offsiteVaultArn: sameAccountDr, allowSameAccount: true } })).json;
    expect(only(json, "aws_backup_plan").rule[0].copy_action[0].destination_vault_arn).toBe(sameAccountDr);
  });
  it("refuses the same account and the same region even then: that is not off-site", () => {
    const local = `arn:aws:backup:eu-central-1:${APP_ACCOUNT}:backup-vault:dr`;
    expect(() => synth((s) => new ProtectedVolume(s, "Vol", { ...props, backup: { ...backup, offsiteVaultArn: local, allowSameAccount: true, allowSameRegion: true } }))).toThrow(
      "ProtectedVolume: backup.offsiteVaultArn is in the same account and region as the data",
    );
  });
});
