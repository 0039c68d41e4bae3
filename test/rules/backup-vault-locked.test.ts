import { tf } from "../helpers/tf";
import { buildStack } from "../../lib/engine/terraform/stack";
import { checkStacks } from "../../lib/check/run-check";
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

describe("backup-vault-locked: a lock counts only in the vault's region (red-team round 140, F4)", () => {
  const EU = { region: "eu-west-1", allowed_account_ids: ["555555555555"] };
  const locked = (lockExtra: Record<string, unknown>, providers: Record<string, unknown>[] = [EU], vaultExtra: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) =>
    tf(
      { "aws_backup_vault.v": { ...vault, ...vaultExtra }, "aws_backup_vault_lock_configuration.l": lock({ changeable_for_days: 3, min_retention_days: 35, ...lockExtra }) },
      { provider: { aws: providers }, ...extra },
    );

  it("fails a lock whose own region argument puts it on a same-named vault in another region, by name or by reference", () => {
    for (const name of ["offsite", "${aws_backup_vault.v.name}"]) {
      const [f] = run(rule, locked({ region: "us-east-1", backup_vault_name: name }));
      expect(f.resource).toBe("aws_backup_vault.v");
      expect(f.message).toContain(
        "aws_backup_vault.v has no aws_backup_vault_lock_configuration in its region: aws_backup_vault_lock_configuration.l names it, but it is in us-east-1 " +
          "(its own region argument) and the vault in eu-west-1 (provider aws), so it locks a vault of that name in us-east-1",
      );
      expect(f.message).toContain('Give aws_backup_vault_lock_configuration.l region = "eu-west-1", or no region argument and the vault\'s provider aws, in compliance mode');
      expect(f.evidence.map((e) => e.detail)).toContain("0 aws_backup_vault_lock_configuration(s) for this vault");
    }
  });

  it("fails a lock left in its provider's region when the vault sets its own", () => {
    const [f] = run(rule, locked({}, [EU], { region: "us-east-1" }));
    expect(f.message).toContain("it is in eu-west-1 (provider aws) and the vault in us-east-1 (its own region argument)");
    expect(f.message).toContain('Give aws_backup_vault_lock_configuration.l region = "us-east-1", in compliance mode');
  });

  it("fails a lock by reference made under a provider of another region", () => {
    const [f] = run(rule, locked({ provider: "aws.us" }, [EU, { alias: "us", region: "us-east-1", allowed_account_ids: ["555555555555"] }]));
    expect(f.message).toContain("it is in us-east-1 (provider aws.us) and the vault in eu-west-1 (provider aws)");
  });

  it("fails closed on a lock whose region it cannot read, or under another provider whose region is not literal", () => {
    const unread = run(rule, locked({ region: "${var.dr_region}" }));
    expect(unread[0].message).toContain(
      "names it, but blastwall cannot tell that it is in the vault's region (it is in region var.dr_region, not known before apply; the vault in eu-west-1 (provider aws))",
    );
    const otherProvider = run(rule, locked({ provider: "aws.dr" }, [EU, { alias: "dr", region: "${var.dr_region}" }]));
    expect(otherProvider[0].message).toContain("(it is in the region of provider aws.dr, which is not written literally; the vault in eu-west-1 (provider aws))");
    const bothUnread = run(rule, locked({ provider: "aws.dr" }, [{ region: "${var.region}" }, { alias: "dr", region: "${var.dr_region}" }]));
    expect(bothUnread[0].message).toContain("Give aws_backup_vault_lock_configuration.l no region argument and the vault's provider aws (or write both regions literally)");
    // The vault's own region unread, the lock's provider literal: no match either.
    const vaultUnread = run(rule, locked({}, [EU], { region: "${var.vault_region}" }));
    expect(vaultUnread[0].message).toContain("the vault in region var.vault_region, not known before apply");
    expect(vaultUnread[0].message).toContain("Write the region of aws_backup_vault.v literally and give aws_backup_vault_lock_configuration.l the same region argument");
  });

  it("passes a lock in the vault's region: the same literal region, or one provider and no own region on either side", () => {
    expect(run(rule, locked({ region: "eu-west-1" }))).toEqual([]);
    expect(run(rule, locked({ region: "us-east-1" }, [EU], { region: "us-east-1" }))).toEqual([]);
    expect(run(rule, locked({ provider: "aws.us" }, [EU, { alias: "us", region: "us-east-1", allowed_account_ids: ["555555555555"] }], { region: "us-east-1" }))).toEqual([]);
    // A provider region from a variable is one region for everything made under that provider.
    expect(run(rule, locked({}, [{ region: "${var.region}" }]))).toEqual([]);
    expect(run(rule, locked({ backup_vault_name: "offsite", region: "" }, [{ region: "${var.region}" }]))).toEqual([]);
  });

  it("passes when one lock of several is in the vault's region, and still names the one that is not", () => {
    const json = locked({ region: "us-east-1" });
    (json.resource as Record<string, Record<string, unknown>>)["aws_backup_vault_lock_configuration"]["here"] = lock({ changeable_for_days: 3, min_retention_days: 35 });
    expect(run(rule, json)).toEqual([]);
    const governance = locked({ region: "us-east-1" });
    (governance.resource as Record<string, Record<string, unknown>>)["aws_backup_vault_lock_configuration"]["here"] = lock({});
    const [f] = run(rule, governance);
    expect(f.message).toContain("is locked by aws_backup_vault_lock_configuration.here in governance mode only");
    expect(f.evidence.map((e) => e.detail).join("\n")).toContain("names this vault, but it is in us-east-1 (its own region argument)");
  });
});

describe("backup-vault-locked: a lock counts only in the vault's account", () => {
  const EU = { region: "eu-west-1", allowed_account_ids: ["555555555555"] };
  const locked = (providers: Record<string, unknown>[], lockExtra: Record<string, unknown> = { provider: "aws.dr" }) =>
    tf(
      { "aws_backup_vault.v": vault, "aws_backup_vault_lock_configuration.l": lock({ changeable_for_days: 3, min_retention_days: 35, ...lockExtra }) },
      { provider: { aws: providers } },
    );
  const check = (json: Record<string, unknown>) => checkStacks([buildStack(json, "main.tf.json")], { config: {}, rules: [rule] }).findings.filter((f) => f.ruleId === rule.meta.id);

  it("fails a lock by reference under another provider of the same region pinned to another account", () => {
    const [f] = check(locked([EU, { alias: "dr", region: "eu-west-1", allowed_account_ids: ["666666666666"] }]));
    expect(f.severity).toBe("error");
    expect(f.message).toContain(
      "aws_backup_vault.v has no aws_backup_vault_lock_configuration in its account: aws_backup_vault_lock_configuration.l names it, but it is in account 666666666666 " +
        "(provider aws.dr) and the vault in account 555555555555 (provider aws), so it locks a vault of that name in 666666666666",
    );
    expect(f.message).toContain('Give aws_backup_vault_lock_configuration.l the vault\'s provider aws, or a provider pinned to the vault\'s account (allowed_account_ids = ["555555555555"]) in its region, in compliance mode');
  });

  it("fails closed on a lock under another provider when either account is not pinned literally", () => {
    const [f] = check(locked([EU, { alias: "dr", region: "eu-west-1" }]));
    expect(f.message).toContain(
      "names it, but blastwall cannot tell that it is in the vault's account (it is under provider aws.dr, whose account is not pinned literally; the vault in account 555555555555 (provider aws))",
    );
    const vaultUnpinned = check(locked([{ region: "eu-west-1" }, { alias: "dr", region: "eu-west-1", allowed_account_ids: ["555555555555"] }]));
    expect(vaultUnpinned[0].message).toContain("the vault under provider aws, whose account is not pinned literally");
    expect(vaultUnpinned[0].message).toContain("Give aws_backup_vault_lock_configuration.l the vault's provider aws, or pin both providers to one account (allowed_account_ids) and region");
  });

  it("passes a lock under the vault's provider, or another provider pinned to the same account in the same region", () => {
    expect(check(locked([{ region: "${var.region}" }], {}))).toEqual([]);
    expect(check(locked([EU, { alias: "dr", region: "eu-west-1", allowed_account_ids: ["555555555555"] }]))).toEqual([]);
    const assumed = { alias: "dr", region: "eu-west-1", assume_role: { role_arn: "arn:aws:iam::555555555555:role/deploy" } };
    expect(check(locked([EU, assumed]))).toEqual([]);
  });
});
