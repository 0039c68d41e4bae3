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

  it("judges a dynamic rule's content like a written rule (red-team round 175: one with no copy_action beside a good rule passed)", () => {
    const dyn = (content: Record<string, unknown>) =>
      tf({ "aws_backup_plan.p": plan([{ destination_vault_arn: OFFSITE }], { dynamic: { rule: { for_each: "${var.rules}", content } } }) }, { provider: { aws: [pinned()] }, variable: { rules: { type: "list(any)" } } });
    const [f, ...rest] = run(rule, dyn({ rule_name: "${rule.value.name}", target_vault_name: "local", schedule: "${rule.value.schedule}" }));
    expect(rest).toEqual([]);
    expect(f.message).toContain("aws_backup_plan.p: dynamic rule #0 has no copy_action");
    // Controls: a dynamic rule that copies off-site passes; one whose copy_action is itself dynamic and unreadable warns.
    expect(run(rule, dyn({ rule_name: "x", target_vault_name: "local", copy_action: [{ destination_vault_arn: OFFSITE }] }))).toEqual([]);
    const [w] = run(rule, dyn({ rule_name: "x", target_vault_name: "local", dynamic: { copy_action: { for_each: "${rule.value.copies}" } } }));
    expect(w.severity).toBe("warning");
    expect(w.message).toContain('dynamic rule "x" has a copy_action blastwall cannot read');
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

  it("passes a reference to a vault under an alias pinned to another account, fails one under the same provider", () => {
    const other = tf(
      { "aws_backup_plan.p": plan([{ destination_vault_arn: "${aws_backup_vault.offsite.arn}" }]), "aws_backup_vault.offsite": { name: "offsite", provider: "aws.backup" } },
      { provider: { aws: [pinned(), pinned("backup", "222222222222")] } },
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

describe("backup-offsite-copy: a provider alias is not another account by itself (red-team round 140, F3)", () => {
  const DR_ROLE = "arn:aws:iam::222222222222:role/backup-admin";
  /** The plan under the default provider, copying to `aws_backup_vault.dr` under `aws.dr`. */
  const copyToDr = (providers: Record<string, unknown>[], extra: Record<string, unknown> = {}) =>
    tf(
      { "aws_backup_plan.p": plan([{ destination_vault_arn: "${aws_backup_vault.dr.arn}" }]), "aws_backup_vault.dr": { name: "dr-vault", provider: "aws.dr" } },
      { provider: { aws: providers }, ...extra },
    );
  const details = (f: { evidence: readonly { detail: string }[] }) => f.evidence.map((e) => e.detail).join("\n");

  it("fails a copy to an alias that sets only a region: the same credentials, so the plan's own account", () => {
    for (const region of ["eu-central-1", "eu-west-1"]) {
      const found = run(rule, copyToDr([{ region: "eu-west-1", allowed_account_ids: ["111111111111"] }, { alias: "dr", region }]));
      expect(found).toHaveLength(1);
      expect(found[0].severity).toBeUndefined();
      expect(found[0].message).toContain(`rule "daily" copies only within the plan's own account`);
      expect(details(found[0])).toContain(
        "destination aws_backup_vault.dr uses provider aws.dr, which, like the plan's provider aws, sets no assume_role, profile or other credentials of its own",
      );
      expect(details(found[0])).toContain("Give aws.dr an assume_role of a role in the backup account and pin it there with allowed_account_ids");
    }
  });

  it("fails it also when neither provider is pinned, or the default provider has no block at all", () => {
    for (const providers of [[{ region: "eu-west-1" }, { alias: "dr", region: "eu-central-1" }], [{ alias: "dr", region: "eu-central-1" }]]) {
      const [f] = run(rule, copyToDr(providers));
      expect(f.severity).toBeUndefined();
      expect(details(f)).toContain("Terraform signs both with the same credentials");
    }
  });

  it("warns when the alias assumes a role but the plan's account is not known (it may be the role's)", () => {
    const [f] = run(rule, copyToDr([{ region: "eu-west-1" }, { alias: "dr", region: "eu-central-1", assume_role: [{ role_arn: DR_ROLE }] }]));
    expect(f.severity).toBe("warning");
    expect(f.message).toContain("copies to a vault blastwall cannot place in another account");
    expect(details(f)).toContain("destination aws_backup_vault.dr uses provider aws.dr, but the stack does not show its account differs from the plan's (provider aws): provider aws is not pinned to an account");
    expect(details(f)).toContain("Pin both providers with allowed_account_ids (the plan's to its account, aws.dr to the backup account)");
  });

  it("warns when the alias's account is not known: a profile, a role from a variable, an alias the stack does not declare", () => {
    const plainPinned = { region: "eu-west-1", allowed_account_ids: ["111111111111"] };
    const cases: [Record<string, unknown>[], Record<string, unknown>, string][] = [
      [[plainPinned, { alias: "dr", region: "eu-central-1", profile: "backup" }], {}, "provider aws.dr sets profile but no literal allowed_account_ids"],
      // -var may name a role in the plan's own account: only the default says otherwise.
      [
        [plainPinned, { alias: "dr", region: "eu-central-1", assume_role: [{ role_arn: "${var.dr_role}" }] }],
        { variable: { dr_role: { default: DR_ROLE } } },
        "provider aws.dr sets assume_role but no literal allowed_account_ids",
      ],
      [[plainPinned], {}, "provider aws.dr is not declared in this stack"],
    ];
    for (const [providers, extra, why] of cases) {
      const [f] = run(rule, copyToDr(providers, extra));
      expect(f.severity).toBe("warning");
      expect(details(f)).toContain(why);
    }
  });

  it("passes a copy to an alias that assumes a role in another account than the plan's pinned one", () => {
    const planPinned = { region: "eu-west-1", allowed_account_ids: ["111111111111"] };
    expect(run(rule, copyToDr([planPinned, { alias: "dr", region: "eu-central-1", assume_role: [{ role_arn: DR_ROLE }] }]))).toEqual([]);
    expect(run(rule, copyToDr([planPinned, { alias: "dr", region: "eu-central-1", allowed_account_ids: ["222222222222"], profile: "backup" }]))).toEqual([]);
    // The plan's account known from its selection's role instead of a pin.
    const bySelection = copyToDr([{ region: "eu-west-1" }, { alias: "dr", region: "eu-central-1", assume_role: [{ role_arn: DR_ROLE }] }]);
    (bySelection.resource as Record<string, Record<string, unknown>>)["aws_backup_selection"] = {
      s: { name: "s", plan_id: "${aws_backup_plan.p.id}", iam_role_arn: "arn:aws:iam::111111111111:role/service-role/backup", resources: ["*"] },
    };
    expect(run(rule, bySelection)).toEqual([]);
  });

  it("still fails an alias that assumes a role in the plan's own account", () => {
    const [f] = run(rule, copyToDr([{ region: "eu-west-1", allowed_account_ids: ["222222222222"] }, { alias: "dr", region: "eu-central-1", assume_role: [{ role_arn: DR_ROLE }] }]));
    expect(f.severity).toBeUndefined();
    expect(details(f)).toContain("uses provider aws.dr, which is pinned to the plan's own account 222222222222");
  });

  it("a literal ARN counts as another account only against a plan account written literally, not a variable's default", () => {
    const json = tf(
      { "aws_backup_plan.p": plan([{ destination_vault_arn: OFFSITE }]) },
      { provider: { aws: [{ region: "eu-west-1", assume_role: [{ role_arn: "${var.deploy_role}" }] }] }, variable: { deploy_role: { default: "arn:aws:iam::111111111111:role/deploy" } } },
    );
    const [f] = run(rule, json);
    expect(f.severity).toBe("warning");
    expect(details(f)).toContain("the stack does not say which account the plan (provider aws) runs in");
    // The default naming the destination's own account is still cause to report it as the plan's own.
    const own = tf(
      { "aws_backup_plan.p": plan([{ destination_vault_arn: OFFSITE }]) },
      { provider: { aws: [{ region: "eu-west-1", assume_role: [{ role_arn: "${var.deploy_role}" }] }] }, variable: { deploy_role: { default: "arn:aws:iam::222222222222:role/deploy" } } },
    );
    expect(run(rule, own)[0].severity).toBeUndefined();
  });
});

describe("backup-offsite-copy: a copy in the plan's own account says where it lands (red-team round 161, F2)", () => {
  const PROVIDER = { provider: { aws: [pinned()] } };
  it("names the plan's own region, and a copy into the rule's own target vault", () => {
    const [region] = run(rule, tf({ "aws_backup_plan.p": plan([{ destination_vault_arn: "arn:aws:backup:eu-central-1:111111111111:backup-vault:dr" }]) }, PROVIDER));
    expect(region.message).toContain(
      "copies only within the plan's own account, and in the plan's own region eu-central-1: the copy survives neither the account's loss nor a regional outage.",
    );
    const [itself] = run(rule, tf({ "aws_backup_plan.p": plan([{ destination_vault_arn: "arn:aws:backup:eu-central-1:111111111111:backup-vault:local" }]) }, PROVIDER));
    expect(itself.message).toContain("copies only within the plan's own account, into its own target vault local (region eu-central-1): that is no second copy at all.");
    // The target named by reference to a vault with a literal name.
    const json = tf(
      { "aws_backup_vault.l": { name: "local" }, "aws_backup_plan.p": { ...plan([{ destination_vault_arn: "arn:aws:backup:eu-central-1:111111111111:backup-vault:local" }]), rule: [{ rule_name: "daily", target_vault_name: "${aws_backup_vault.l.name}", copy_action: [{ destination_vault_arn: "arn:aws:backup:eu-central-1:111111111111:backup-vault:local" }] }] } },
      PROVIDER,
    );
    expect(run(rule, json)[0].message).toContain("into its own target vault local");
  });

  it("control: a copy to another region of the same account says only that", () => {
    const [f] = run(rule, tf({ "aws_backup_plan.p": plan([{ destination_vault_arn: "arn:aws:backup:eu-west-1:111111111111:backup-vault:dr" }]) }, PROVIDER));
    expect(f.message).toContain("copies only within the plan's own account. Recovery points");
  });
});
