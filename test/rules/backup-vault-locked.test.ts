import { tf } from "../helpers/tf";
import { run } from "./helpers";
import { rule } from "../../lib/rules/backup-vault-locked";
import { MIN_BACKUP_RETENTION_DAYS } from "../../lib/rules/protection-support";
import { MIN_RETENTION_DAYS } from "../../lib/constructs/offsite-backup-plan";

const vault = { name: "offsite", kms_key_arn: "${aws_kms_key.k.arn}" };
const lock = (extra: Record<string, unknown>) => ({ backup_vault_name: "${aws_backup_vault.v.name}", min_retention_days: 7, ...extra });

describe("backup-vault-locked", () => {
  it("fails a vault without a lock configuration", () => {
    const [f] = run(rule, tf({ "aws_backup_vault.v": vault }));
    expect(f.resource).toBe("aws_backup_vault.v");
    expect(f.message).toContain("aws_backup_vault.v has no aws_backup_vault_lock_configuration");
    expect(f.message).toContain("Lock it in compliance mode (changeable_for_days >= 3");
  });

  it("fails a governance-mode lock (no changeable_for_days) and one below 3 days", () => {
    const gov = run(rule, tf({ "aws_backup_vault.v": vault, "aws_backup_vault_lock_configuration.l": lock({}) }));
    expect(gov[0].message).toContain("in governance mode only (no changeable_for_days), which can be removed");
    const short = run(rule, tf({ "aws_backup_vault.v": vault, "aws_backup_vault_lock_configuration.l": lock({ changeable_for_days: 1 }) }));
    expect(short[0].message).toContain("changeable_for_days = 1, below AWS's minimum of 3");
  });

  it("passes a compliance lock by reference or by literal name under the same provider", () => {
    expect(run(rule, tf({ "aws_backup_vault.v": vault, "aws_backup_vault_lock_configuration.l": lock({ changeable_for_days: 3 }) }))).toEqual([]);
    expect(run(rule, tf({ "aws_backup_vault.v": vault, "aws_backup_vault_lock_configuration.l": lock({ backup_vault_name: "offsite", changeable_for_days: 3 }) }))).toEqual([]);
  });

  it("does not count a lock of a same-named vault under another provider", () => {
    const json = tf({ "aws_backup_vault.v": vault, "aws_backup_vault_lock_configuration.l": lock({ backup_vault_name: "offsite", changeable_for_days: 3, provider: "aws.west" }) });
    expect(run(rule, json)).toHaveLength(1);
  });

  it("fails closed on changeable_for_days from a variable", () => {
    const [f] = run(rule, tf({ "aws_backup_vault.v": vault, "aws_backup_vault_lock_configuration.l": lock({ changeable_for_days: "${var.days}" }) }));
    expect(f.message).toContain("`${var.days}`");
  });
});

describe("backup-vault-locked: locks in name only (red-team)", () => {
  it("fails a grace period so long the lock stays removable for years", () => {
    const [f] = run(rule, tf({ "aws_backup_vault.v": vault, "aws_backup_vault_lock_configuration.l": lock({ changeable_for_days: 36500 }) }));
    expect(f.message).toContain("changeable_for_days = 36500: the lock stays removable for that long (at most 30 days keeps it a lock)");
  });

  it("fails a lock without min_retention_days", () => {
    const [f] = run(rule, tf({ "aws_backup_vault.v": vault, "aws_backup_vault_lock_configuration.l": lock({ changeable_for_days: 3, min_retention_days: null }) }));
    expect(f.message).toContain("without a min_retention_days");
  });
});

describe("backup-vault-locked: a minimum retention too short to bind (red-team round 129, F2)", () => {
  it("fails a compliance lock whose min_retention_days is under the constructs' 7 days, naming the threshold", () => {
    for (const days of [1, 6]) {
      const [f] = run(rule, tf({ "aws_backup_vault.v": vault, "aws_backup_vault_lock_configuration.l": lock({ changeable_for_days: 3, min_retention_days: days }) }));
      expect(f.message).toContain(`is locked by aws_backup_vault_lock_configuration.l with min_retention_days = ${days}, fewer than the 7 days blastwall's constructs require`);
      expect(f.message).toContain(`can shorten every recovery point to ${days} day(s)`);
      expect(f.message).toContain("Set min_retention_days to at least 7");
    }
  });

  it("passes 7 days and more", () => {
    for (const days of [7, 35]) {
      expect(run(rule, tf({ "aws_backup_vault.v": vault, "aws_backup_vault_lock_configuration.l": lock({ changeable_for_days: 3, min_retention_days: days }) }))).toEqual([]);
    }
  });

  it("uses the threshold the constructs use", () => {
    expect(MIN_BACKUP_RETENTION_DAYS).toBe(MIN_RETENTION_DAYS);
  });
});
