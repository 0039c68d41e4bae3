import { tf } from "../helpers/tf";
import { run } from "./helpers";
import { rule } from "../../lib/rules/backup-jobs-refused";

/**
 * Red-team round 161, F1: a plan rule whose retention is outside the bounds of the locked vault it writes to makes no
 * recovery point there (AWS Backup fails the job), and only a stale acknowledgement said anything.
 */
const PROVIDERS = {
  provider: {
    aws: [
      { region: "eu-west-1", allowed_account_ids: ["111111111111"] },
      { alias: "dr", region: "eu-central-1", allowed_account_ids: ["111111111111"] },
    ],
  },
};
const DR_ARN = "arn:aws:backup:eu-central-1:111111111111:backup-vault:production-dr";

/** The single-account example's backup settings: local vault locked at 7 days, DR vault (another region) at 35. */
function stack(
  opts: { own?: unknown; copy?: unknown; copyLifecycle?: unknown; dest?: unknown; target?: unknown; localLock?: Record<string, unknown>; drLock?: Record<string, unknown>; providers?: Record<string, unknown>; data?: Record<string, Record<string, unknown>> } = {},
) {
  const copy: Record<string, unknown> = { destination_vault_arn: opts.dest ?? DR_ARN };
  if (opts.copyLifecycle !== null) copy.lifecycle = opts.copyLifecycle ?? { delete_after: opts.copy ?? 35 };
  return tf(
    {
      "aws_backup_vault.local": { name: "production-local" },
      "aws_backup_vault.dr": { name: "production-dr", provider: "aws.dr" },
      "aws_backup_vault_lock_configuration.local": { backup_vault_name: "${aws_backup_vault.local.name}", changeable_for_days: 3, min_retention_days: 7, ...opts.localLock },
      "aws_backup_vault_lock_configuration.dr": { backup_vault_name: "${aws_backup_vault.dr.name}", changeable_for_days: 3, min_retention_days: 35, provider: "aws.dr", ...opts.drLock },
      ...opts.data,
      "aws_backup_plan.p": {
        name: "production",
        rule: [
          {
            rule_name: "daily-offsite",
            schedule: "cron(0 3 * * ? *)",
            target_vault_name: opts.target ?? "${aws_backup_vault.local.name}",
            lifecycle: { delete_after: opts.own ?? 35 },
            copy_action: [copy],
          },
        ],
      },
    },
    opts.providers ?? PROVIDERS,
  );
}

describe("backup-jobs-refused: retention outside the target vault's lock", () => {
  it("passes the example's settings, and retentions equal to the minimum", () => {
    expect(run(rule, stack())).toEqual([]);
    expect(run(rule, stack({ own: 7, copy: 35 }))).toEqual([]);
  });

  it("fails a rule whose delete_after is below the target vault's min_retention_days (planRet1), naming rule, vault, lock and both numbers", () => {
    const [f, ...rest] = run(rule, stack({ own: 1 }));
    expect(rest).toEqual([]);
    expect(f.resource).toBe("aws_backup_plan.p");
    expect(f.message).toContain(
      'aws_backup_plan.p: rule "daily-offsite" backs up into aws_backup_vault.local, and lifecycle.delete_after keeps them 1 day(s), fewer than the lock ' +
        "aws_backup_vault_lock_configuration.local's min_retention_days = 7",
    );
    expect(f.message).toContain("AWS Backup fails every backup job into a locked vault whose retention is outside the lock's bounds");
    expect(f.message).toContain("get no new recovery point from this rule");
    expect(f.message).toContain("Set lifecycle.delete_after to at least 7.");
    expect(f.evidence.map((e) => e.address)).toEqual(["aws_backup_plan.p", "aws_backup_vault.local", "aws_backup_vault_lock_configuration.local"]);
  });

  it("fails a literal target_vault_name in the plan's region, not a same-named vault elsewhere", () => {
    expect(run(rule, stack({ own: 1, target: "production-local" }))).toHaveLength(1);
    // The DR vault is in eu-central-1; a plan in eu-west-1 naming it writes to a vault of that name in eu-west-1.
    expect(run(rule, stack({ own: 1, target: "production-dr" }))).toEqual([]);
  });

  it("fails closed on a delete_after from a variable, and on a target_vault_name it cannot resolve", () => {
    const [v] = run(rule, stack({ own: "${var.days}" }));
    expect(v.message).toContain("lifecycle.delete_after is `${var.days}`, a variable (no default)");
    expect(v.message).toContain("blastwall cannot tell that it is within the lock aws_backup_vault_lock_configuration.local's min_retention_days (7)");
    expect(v.message).toContain("Write lifecycle.delete_after literally, at least 7.");
    const [t] = run(rule, stack({ own: 1, target: "${var.vault}" }));
    expect(t.message).toContain("may back up into aws_backup_vault.local");
    expect(t.message).toContain("(target_vault_name `${var.vault}` is a variable (no default) that -var or a tfvars file can set to anything at apply time, so it may name this vault)");
  });

  it("a retention kept for ever passes a minimum", () => {
    const json = stack();
    const r = (json.resource as Record<string, Record<string, Record<string, unknown>>>)["aws_backup_plan"]["p"]["rule"] as Record<string, unknown>[];
    delete r[0].lifecycle;
    expect(run(rule, json)).toEqual([]);
  });
});

describe("backup-jobs-refused: copies outside the destination vault's lock", () => {
  it("fails a copy kept fewer days than the destination's minimum (copyRet7), found by its literal ARN", () => {
    const [f, ...rest] = run(rule, stack({ copy: 7 }));
    expect(rest).toEqual([]);
    expect(f.message).toContain(
      'rule "daily-offsite" copies its recovery points to aws_backup_vault.dr, and copy_action[0].lifecycle.delete_after keeps them 7 day(s), fewer than the lock ' +
        "aws_backup_vault_lock_configuration.dr's min_retention_days = 35",
    );
    expect(f.message).toContain("no copy of this rule's recovery points reaches that vault");
    expect(f.message).toContain("Set copy_action[0].lifecycle.delete_after to at least 35.");
  });

  it("finds the destination by reference too, and not by an ARN of another region or account", () => {
    expect(run(rule, stack({ copy: 7, dest: "${aws_backup_vault.dr.arn}" }))).toHaveLength(1);
    expect(run(rule, stack({ copy: 7, dest: "arn:aws:backup:us-east-1:111111111111:backup-vault:production-dr" }))).toEqual([]);
    expect(run(rule, stack({ copy: 7, dest: "arn:aws:backup:eu-central-1:222222222222:backup-vault:production-dr" }))).toEqual([]);
  });

  it("a copy without a lifecycle is kept as long as its source, and judged so", () => {
    const [f] = run(rule, stack({ own: 14, copyLifecycle: null }));
    expect(f.message).toContain("lifecycle.delete_after (copy_action[0] has no lifecycle of its own, so its copies are kept as long) keeps them 14 day(s), fewer than");
    expect(run(rule, stack({ own: 35, copyLifecycle: null }))).toEqual([]);
  });

  it("fails a copy longer than the destination's max_retention_days, or kept for ever while a maximum is set", () => {
    const [over] = run(rule, stack({ copy: 400, drLock: { max_retention_days: 365 } }));
    expect(over.message).toContain("copy_action[0].lifecycle.delete_after keeps them 400 day(s), longer than the lock aws_backup_vault_lock_configuration.dr's max_retention_days = 365");
    expect(over.message).toContain("Set copy_action[0].lifecycle.delete_after to at most 365.");
    const [ever] = run(rule, stack({ copyLifecycle: { cold_storage_after: 30 }, drLock: { max_retention_days: 365 } }));
    expect(ever.message).toContain("keeps them for ever (no delete_after), longer than");
    expect(run(rule, stack({ copy: 365, drLock: { max_retention_days: 365 } }))).toEqual([]);
  });

  it("fails closed on a max_retention_days from a variable", () => {
    const [f] = run(rule, stack({ drLock: { max_retention_days: "${var.max}" } }));
    expect(f.message).toContain("the lock aws_backup_vault_lock_configuration.dr's max_retention_days is `${var.max}`");
    expect(f.message).toContain("Write max_retention_days of aws_backup_vault_lock_configuration.dr literally (at least 35), or remove it.");
  });

  it("a lock certainly not created refuses nothing; one that may be created counts", () => {
    expect(run(rule, stack({ copy: 7, drLock: { count: 0 } }))).toEqual([]);
    const [f] = run(rule, stack({ copy: 7, drLock: { count: "${var.n}" } }));
    expect(f.evidence.map((e) => e.detail).join("\n")).toContain("may not be created");
  });

  it("judges a logically air-gapped vault by its own bounds", () => {
    const json = stack({ copy: 7, dest: "${aws_backup_logically_air_gapped_vault.ag.arn}" });
    (json.resource as Record<string, Record<string, unknown>>)["aws_backup_logically_air_gapped_vault"] = { ag: { name: "ag", min_retention_days: 14, max_retention_days: 100 } };
    const [f] = run(rule, json);
    expect(f.message).toContain("copy_action[0].lifecycle.delete_after keeps them 7 day(s), fewer than the vault's own min_retention_days = 14");
  });
});

/** The providers of PROVIDERS, pinned to no account: the common workload stack that does not set allowed_account_ids. */
const UNPINNED = { provider: { aws: [{ region: "eu-west-1" }, { alias: "dr", region: "eu-central-1" }] } };

describe("backup-jobs-refused: a copy to a vault of the same name in another account (red-team round 162, F1)", () => {
  it("does not read the central vault of the same name in another account as the rule's own target vault", () => {
    // The report's case: local vault locked to at most 35 days, a year-long copy to the central account's vault of the
    // same name. Were it this vault, the copy would be into the vault the backup job already wrote to.
    const central = "arn:aws:backup:eu-west-1:222222222222:backup-vault:production-local";
    expect(run(rule, stack({ providers: UNPINNED, dest: central, copy: 365, localLock: { max_retention_days: 35 } }))).toEqual([]);
    // Nor a destination blastwall cannot read at all: it may be another account's vault, or the target itself.
    expect(run(rule, stack({ dest: "${var.central}", copy: 365, localLock: { max_retention_days: 35 }, drLock: { count: 0 } }))).toEqual([]);
  });

  it("reports a copy that only may land in another vault of the stack as a 'may', and asks to pin the account before any retention change", () => {
    const central = "arn:aws:backup:eu-central-1:222222222222:backup-vault:production-dr";
    const [f, ...rest] = run(rule, stack({ providers: UNPINNED, dest: central, copy: 7 }));
    expect(rest).toEqual([]);
    expect(f.message).toContain('rule "daily-offsite" may copy its recovery points to aws_backup_vault.dr');
    expect(f.message).toContain(
      `(destination_vault_arn ${central} is vault "production-dr" in account 222222222222, region eu-central-1, but provider aws.dr is pinned to no account ` +
        "blastwall can read (no literal allowed_account_ids or assume_role role_arn), so it may be this vault)",
    );
    expect(f.message).toContain("so if it is that vault, no copy of this rule's recovery points reaches that vault");
    expect(f.message).toContain(
      "If it goes elsewhere, pin provider aws.dr to its account with allowed_account_ids so blastwall can tell, and leave copy_action[0].lifecycle.delete_after " +
        "as the vault it does go to needs; only if it is aws_backup_vault.dr, set copy_action[0].lifecycle.delete_after to at least 35.",
    );
    expect(f.message).not.toMatch(/\. Set copy_action/);
  });

  it("still reports a copy certainly into a vault of the stack, and one certainly into the rule's own target", () => {
    const [pinned] = run(rule, stack({ dest: "arn:aws:backup:eu-central-1:111111111111:backup-vault:production-dr", copy: 7 }));
    expect(pinned.message).toContain('rule "daily-offsite" copies its recovery points to aws_backup_vault.dr');
    expect(pinned.message).not.toContain("may");
    expect(pinned.message).toContain("Set copy_action[0].lifecycle.delete_after to at least 35.");
    const own = run(rule, stack({ dest: "arn:aws:backup:eu-west-1:111111111111:backup-vault:production-local", copy: 400, localLock: { max_retention_days: 35 } }));
    expect(own.map((f) => f.message)).toEqual([expect.stringContaining("copies its recovery points to aws_backup_vault.local")]);
  });

  it("a literal target_vault_name under the plan's own provider is certain even when that provider is unpinned", () => {
    const [f] = run(rule, stack({ providers: UNPINNED, own: 1, target: "production-local" }));
    expect(f.message).toContain('rule "daily-offsite" backs up into aws_backup_vault.local');
    expect(f.message).toContain("Set lifecycle.delete_after to at least 7.");
  });
});

describe("backup-jobs-refused: a vault given through data.aws_backup_vault (red-team round 162, F2)", () => {
  const lookup = (body: Record<string, unknown>) => ({ "data.aws_backup_vault.v": body });

  it("follows a data source that reads the stack's vault by reference or by literal name", () => {
    for (const name of ["${aws_backup_vault.local.name}", "production-local"]) {
      const [f, ...rest] = run(rule, stack({ own: 1, target: "${data.aws_backup_vault.v.name}", data: lookup({ name }) }));
      expect(rest).toEqual([]);
      expect(f.message).toContain('rule "daily-offsite" backs up into aws_backup_vault.local, and lifecycle.delete_after keeps them 1 day(s)');
      expect(f.message).toContain("Set lifecycle.delete_after to at least 7.");
    }
    const [copy] = run(rule, stack({ copy: 7, dest: "${data.aws_backup_vault.v.arn}", data: lookup({ name: "${aws_backup_vault.dr.name}", provider: "aws.dr" }) }));
    expect(copy.message).toContain("copies its recovery points to aws_backup_vault.dr");
  });

  it("not a vault of that name the data source reads in another region or account, nor one the stack does not manage", () => {
    expect(run(rule, stack({ own: 1, target: "${data.aws_backup_vault.v.name}", data: lookup({ name: "central" }) }))).toEqual([]);
    // The data source reads "production-dr" under the default provider (eu-west-1): not the DR vault in eu-central-1.
    expect(run(rule, stack({ copy: 7, dest: "${data.aws_backup_vault.v.arn}", data: lookup({ name: "${aws_backup_vault.dr.name}" }) }))).toEqual([]);
  });

  it("a data source under a provider it cannot place beside the vault's counts as 'may', with how to tell", () => {
    const providers = { provider: { aws: [{ region: "eu-west-1" }, { alias: "dr", region: "eu-central-1" }, { alias: "central", region: "eu-central-1", assume_role: [{ role_arn: "${var.central_role}" }] }] } };
    const [f] = run(rule, stack({ providers, copy: 7, dest: "${data.aws_backup_vault.v.arn}", data: lookup({ name: "production-dr", provider: "aws.central" }) }));
    expect(f.message).toContain("may copy its recovery points to aws_backup_vault.dr");
    expect(f.message).toContain("reads data.aws_backup_vault.v, which looks up a vault of this name, but providers aws.dr and aws.central are pinned to no account");
    expect(f.message).toContain("If it goes elsewhere, pin providers aws.dr and aws.central to their accounts with allowed_account_ids");
  });
});
