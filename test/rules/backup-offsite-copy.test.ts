import { tf } from "../helpers/tf";
import { run } from "./helpers";
import { rule } from "../../lib/rules/backup-offsite-copy";

const OFFSITE = "arn:aws:backup:eu-west-1:222222222222:backup-vault:offsite";
const plan = (copy: unknown, extra: Record<string, unknown> = {}) => ({
  name: "daily",
  rule: [{ rule_name: "daily", target_vault_name: "local", schedule: "cron(0 3 * * ? *)", ...(copy === undefined ? {} : { copy_action: copy }) }],
  ...extra,
});
const pinned = (alias?: string, account = "111111111111") => ({ ...(alias ? { alias } : {}), region: "eu-central-1", allowed_account_ids: [account] });

describe("backup-offsite-copy", () => {
  it("fails a rule without copy_action", () => {
    const [f] = run(rule, tf({ "aws_backup_plan.p": plan(undefined) }));
    expect(f.resource).toBe("aws_backup_plan.p");
    expect(f.severity).toBeUndefined();
    expect(f.message).toContain('aws_backup_plan.p: rule "daily" has no copy_action');
    expect(f.message).toContain("add a copy_action to a vault in the backup account");
  });

  it("passes a literal vault ARN in another account than the plan's pinned provider", () => {
    expect(run(rule, tf({ "aws_backup_plan.p": plan([{ destination_vault_arn: OFFSITE }]) }, { provider: { aws: [pinned()] } }))).toEqual([]);
  });

  it("learns the plan's account from a selection's literal iam_role_arn", () => {
    const json = tf({
      "aws_backup_plan.p": plan([{ destination_vault_arn: OFFSITE }]),
      "aws_backup_selection.s": { name: "s", plan_id: "${aws_backup_plan.p.id}", iam_role_arn: "arn:aws:iam::111111111111:role/service-role/backup", resources: ["*"] },
    });
    expect(run(rule, json)).toEqual([]);
  });

  it("fails a copy into the plan's own account", () => {
    const same = "arn:aws:backup:eu-west-1:111111111111:backup-vault:dr";
    const [f] = run(rule, tf({ "aws_backup_plan.p": plan([{ destination_vault_arn: same }]) }, { provider: { aws: [pinned()] } }));
    expect(f.message).toContain("copies only within the plan's own account");
    expect(f.evidence.map((e) => e.detail)).toContain(`destination ${same} is in account 111111111111, the plan's own account`);
  });

  it("is a warning when the stack does not say which account the plan runs in", () => {
    const [f] = run(rule, tf({ "aws_backup_plan.p": plan([{ destination_vault_arn: OFFSITE }]) }));
    expect(f.severity).toBe("warning");
    expect(f.evidence.map((e) => e.detail).join()).toContain("pin its provider with allowed_account_ids");
  });

  it("passes a reference to a vault under another provider alias, fails one under the same provider", () => {
    const other = tf(
      { "aws_backup_plan.p": plan([{ destination_vault_arn: "${aws_backup_vault.offsite.arn}" }]), "aws_backup_vault.offsite": { name: "offsite", provider: "aws.backup" } },
      { provider: { aws: [{ region: "eu-central-1" }, { alias: "backup", region: "eu-west-1" }] } },
    );
    expect(run(rule, other)).toEqual([]);
    const same = tf({ "aws_backup_plan.p": plan([{ destination_vault_arn: "${aws_backup_vault.dr.arn}" }]), "aws_backup_vault.dr": { name: "dr" } });
    const [f] = run(rule, same);
    expect(f.evidence.map((e) => e.detail).join()).toContain("uses the same provider configuration (aws) as the plan, so it is in the same account");
  });

  it("fails another alias pinned to the same account", () => {
    const json = tf(
      { "aws_backup_plan.p": plan([{ destination_vault_arn: "${aws_backup_vault.dr.arn}" }]), "aws_backup_vault.dr": { name: "dr", provider: "aws.west" } },
      { provider: { aws: [pinned(), pinned("west")] } },
    );
    expect(run(rule, json)[0].evidence.map((e) => e.detail).join()).toContain("pinned to the plan's own account 111111111111");
  });

  it("fails closed on a destination it cannot place (a variable)", () => {
    const [f] = run(rule, tf({ "aws_backup_plan.p": plan([{ destination_vault_arn: "${var.vault}" }]) }));
    expect(f.severity).toBeUndefined();
    expect(f.evidence.map((e) => e.detail).join()).toContain("destination_vault_arn is `${var.vault}`; blastwall cannot tell which account");
  });

  it("checks every rule of a plan separately", () => {
    const json = tf(
      { "aws_backup_plan.p": { name: "p", rule: [{ rule_name: "a", copy_action: { destination_vault_arn: OFFSITE } }, { rule_name: "b" }] } },
      { provider: { aws: [pinned()] } },
    );
    const found = run(rule, json);
    expect(found).toHaveLength(1);
    expect(found[0].message).toContain('rule "b" has no copy_action');
  });
});

describe("backup-offsite-copy: how long the copies are kept (red-team)", () => {
  it("fails off-site copies deleted after a day", () => {
    const [f] = run(rule, tf({ "aws_backup_plan.p": plan([{ destination_vault_arn: OFFSITE, lifecycle: [{ delete_after: 1 }] }]) }, { provider: { aws: [pinned()] } }));
    expect(f.message).toContain('rule "daily" keeps its off-site copies only 1 day(s) (lifecycle.delete_after)');
  });

  it("passes copies kept 35 days, or without a lifecycle (kept until deleted by hand)", () => {
    expect(run(rule, tf({ "aws_backup_plan.p": plan([{ destination_vault_arn: OFFSITE, lifecycle: [{ delete_after: 35 }] }]) }, { provider: { aws: [pinned()] } }))).toEqual([]);
    expect(run(rule, tf({ "aws_backup_plan.p": plan([{ destination_vault_arn: OFFSITE }]) }, { provider: { aws: [pinned()] } }))).toEqual([]);
  });
});
