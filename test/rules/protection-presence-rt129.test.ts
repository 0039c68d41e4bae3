/**
 * Red-team round 129, F1: a protecting resource (a backup selection, a Vault Lock, an Object Lock configuration, a
 * trail) with `count = 0`, an empty `for_each` or OpenTofu `lifecycle.enabled = false` is not created, and nothing
 * references it, so plan and apply succeed without it. In Terraform JSON (what cdktf writes) the protection rules
 * counted it as present. One that certainly is not created, and one that may not be (a count blastwall cannot
 * evaluate), must not count, and the finding says why. The HCL reader expands count itself: both readers agree.
 * The trail (audit-trail-off) is tested beside that rule.
 */
import { checkPaths } from "../../lib/check/run-check";
import { tf } from "../helpers/tf";
import { dir } from "../hcl/helpers";
import { run, runAll, protectionRules } from "./helpers";
import { rule as coverage } from "../../lib/rules/stateful-backup-coverage";
import { rule as locked } from "../../lib/rules/backup-vault-locked";
import { rule as offsite } from "../../lib/rules/backup-offsite-copy";

type Obj = Record<string, unknown>;

const PROVIDER = { provider: { aws: [{ region: "eu-west-1", allowed_account_ids: ["111111111111"] }] } };
const OFFSITE = "arn:aws:backup:eu-central-1:222222222222:backup-vault:offsite";

/** The red team's minimal stack: a kept volume, a plan copying to another account, a selection and a lock. */
function stack(selection: Obj = {}, lock: Obj = {}, variables: Obj = {}): Obj {
  return tf(
    {
      "aws_ebs_volume.data": { availability_zone: "eu-west-1a", size: 50, lifecycle: { prevent_destroy: true } },
      "aws_backup_vault.local": { name: "prod-local", lifecycle: { prevent_destroy: true } },
      "aws_backup_vault_lock_configuration.local": { backup_vault_name: "${aws_backup_vault.local.name}", changeable_for_days: 3, min_retention_days: 7, ...lock },
      "aws_backup_plan.prod": {
        name: "prod",
        rule: [{ rule_name: "daily", target_vault_name: "${aws_backup_vault.local.name}", schedule: "cron(0 3 * * ? *)", copy_action: [{ destination_vault_arn: OFFSITE, lifecycle: { delete_after: 35 } }] }],
      },
      "aws_backup_selection.data": { name: "data", plan_id: "${aws_backup_plan.prod.id}", iam_role_arn: "arn:aws:iam::111111111111:role/backup", resources: ["${aws_ebs_volume.data.arn}"], ...selection },
    },
    { ...PROVIDER, ...(Object.keys(variables).length ? { variable: variables } : {}) },
  );
}

describe("protecting resources that Terraform does not create (red-team round 129, F1)", () => {
  it("passes the stack with the selection and the lock created (control)", () => {
    expect(runAll(stack())).toEqual({});
    expect(runAll(stack({ count: 1 }, { for_each: { a: "x" } }))).toEqual({});
    expect(runAll(stack({ lifecycle: { enabled: true } }, { count: "${var.n}" }, { n: { default: 1 } }))).toEqual({});
  });

  it("fails a selection and a lock with count = 0, saying so", () => {
    const json = stack({ count: 0 }, { count: 0 });
    const [c] = run(coverage, json);
    expect(c.message).toContain("aws_ebs_volume.data is not covered by any AWS Backup selection (the backup selection aws_backup_selection.data, which selects it, has count = 0, so Terraform creates none)");
    expect(c.message).toContain("Create aws_backup_selection.data unconditionally");
    expect(c.evidence.map((e) => e.detail)).toContain("selects it, but has count = 0, so Terraform creates none");
    const [l] = run(locked, json);
    expect(l.message).toContain("aws_backup_vault.local is locked only by aws_backup_vault_lock_configuration.local, which has count = 0, so Terraform creates none: its recovery points can be deleted early");
    expect(l.message).toContain("Create aws_backup_vault_lock_configuration.local unconditionally");
  });

  it("fails an empty for_each and OpenTofu's lifecycle.enabled = false", () => {
    const json = stack({ for_each: {} }, { lifecycle: { enabled: false } });
    expect(run(coverage, json)[0].message).toContain("aws_backup_selection.data, which selects it, has an empty for_each, so Terraform creates none");
    expect(run(locked, json)[0].message).toContain("which has lifecycle.enabled = false, so Terraform creates none");
    const viaVar = stack({ for_each: "${var.none}" }, { lifecycle: { enabled: "${local.off}" } }, { none: { default: [] } });
    (viaVar as { locals?: Obj }).locals = { off: false };
    expect(run(coverage, viaVar)[0].message).toContain("has for_each = ${var.none}, which is empty");
    expect(run(locked, viaVar)[0].message).toContain("has lifecycle.enabled = ${local.off}, which is false");
  });

  it("fails closed on a count blastwall cannot evaluate: it may not be created", () => {
    const json = stack({ count: "${var.backups_enabled ? 1 : 0}" }, { count: "${var.n}" }, { backups_enabled: {}, n: {} });
    expect(run(coverage, json)[0].message).toContain("has count = ${var.backups_enabled ? 1 : 0}, which blastwall cannot evaluate, so it may not be created");
    expect(run(locked, json)[0].message).toContain("which has count = ${var.n}, which blastwall cannot evaluate, so it may not be created");
  });

  describe("a count or for_each computed from variables, as the HCL reader computes it (red-team round 131 F6)", () => {
    const cond = "${var.backups_enabled ? 1 : 0}";
    it("counts a selection and a lock whose conditional count is 1 by the variable's default (cdktf's Fn.conditional)", () => {
      expect(runAll(stack({ count: cond }, { count: cond }, { backups_enabled: { default: true } }))).toEqual({});
      expect(runAll(stack({ count: cond }, { count: cond }, { backups_enabled: { type: "bool", default: "true" } }))).toEqual({});
      expect(runAll(stack({ count: "${length(var.vaults)}" }, { for_each: "${toset(var.vaults)}" }, { vaults: { default: ["local"] } }))).toEqual({});
    });

    it("a conditional count of 0, or an empty for_each from a function, is certainly no selection or lock", () => {
      const json = stack({ count: cond }, { for_each: "${toset(var.vaults)}" }, { backups_enabled: { default: false }, vaults: { default: [] } });
      expect(run(coverage, json)[0].message).toContain("aws_backup_selection.data, which selects it, has count = ${var.backups_enabled ? 1 : 0}, which is 0, so Terraform creates none");
      expect(run(locked, json)[0].message).toContain("which has for_each = ${toset(var.vaults)}, which is empty, so Terraform creates none");
    });

    it("still fails closed on what is not a variable's value: a workspace, a resource attribute, a computed local, a non-number", () => {
      const maybe = (count: string, variables: Obj = {}, locals?: Obj) => {
        const json = stack({ count }, {}, variables);
        if (locals) (json as { locals?: Obj }).locals = locals;
        return run(coverage, json).map((f) => f.message).join("\n");
      };
      const unknown = "which blastwall cannot evaluate, so it may not be created";
      expect(maybe('${terraform.workspace == "prod" ? 1 : 0}')).toContain(unknown);
      expect(maybe('${aws_backup_vault.local.name != "" ? 1 : 0}')).toContain(unknown);
      expect(maybe("${local.on ? 1 : 0}", { x: { default: true } }, { on: "${var.x}" })).toContain(unknown);
      expect(maybe('${var.x ? "one" : 0}', { x: { default: true } })).toContain(unknown);
      expect(maybe("${var.x ? 1.5 : 0}", { x: { default: true } })).toContain(unknown);
      expect(maybe("${var.x ? 1 : 0}", { x: { default: "maybe" } })).toContain(unknown);
    });

    it("takes a --var-file value over the default, as Terraform does", async () => {
      const json = stack({ count: cond }, { count: cond }, { backups_enabled: { default: true } });
      const d = dir({ "main.tf.json": JSON.stringify(json), "off.tfvars": "backups_enabled = false\n", "on.tfvars": "backups_enabled = true\n" });
      const rules = async (varFiles: string[]) =>
        [...new Set((await checkPaths([`${d}/main.tf.json`], { config: {}, rules: protectionRules, varFiles: varFiles.map((f) => `${d}/${f}`) })).findings.map((f) => f.ruleId))].sort();
      expect(await rules([])).toEqual([]);
      expect(await rules(["on.tfvars"])).toEqual([]);
      expect(await rules(["off.tfvars"])).toEqual(["backup-vault-locked", "stateful-backup-coverage"]);
    });
  });

  it("does not count a compliance Object Lock configuration with count = 0 for a bucket", () => {
    const lock = (extra: Obj) => ({
      bucket: "${aws_s3_bucket.b.id}",
      rule: { default_retention: { mode: "COMPLIANCE", days: 30 } },
      ...extra,
    });
    const bucket = { bucket: "acme-data", object_lock_enabled: true, lifecycle: { prevent_destroy: true } };
    expect(run(coverage, tf({ "aws_s3_bucket.b": bucket, "aws_s3_bucket_object_lock_configuration.l": lock({}) }))).toEqual([]);
    const [f] = run(coverage, tf({ "aws_s3_bucket.b": bucket, "aws_s3_bucket_object_lock_configuration.l": lock({ count: 0 }) }));
    expect(f.resource).toBe("aws_s3_bucket.b");
    expect(f.evidence.map((e) => e.detail)).toContain("would keep every object version 30 days in COMPLIANCE mode, but has count = 0, so Terraform creates none");
  });

  it("does not learn the plan's account from a selection that is not created", () => {
    const json = (selection: Obj) =>
      tf({
        "aws_backup_plan.p": { name: "p", rule: [{ rule_name: "daily", target_vault_name: "local", copy_action: [{ destination_vault_arn: OFFSITE }] }] },
        "aws_backup_selection.s": { name: "s", plan_id: "${aws_backup_plan.p.id}", iam_role_arn: "arn:aws:iam::111111111111:role/backup", resources: ["*"], ...selection },
      });
    expect(run(offsite, json({}))).toEqual([]);
    const [f] = run(offsite, json({ count: 0 }));
    expect(f.severity).toBe("warning");
    expect(f.message).toContain("copies to a vault blastwall cannot place in another account");
  });
});

describe("the HCL reader and the JSON reader agree (red-team round 129, F1)", () => {
  const hcl = (selection: string, lock: string, extra = "") => `
provider "aws" {
  region              = "eu-west-1"
  allowed_account_ids = ["111111111111"]
}
resource "aws_ebs_volume" "data" {
  availability_zone = "eu-west-1a"
  size              = 50
  lifecycle { prevent_destroy = true }
}
resource "aws_backup_vault" "local" {
  name = "prod-local"
  lifecycle { prevent_destroy = true }
}
resource "aws_backup_vault_lock_configuration" "local" {
  ${lock}
  backup_vault_name   = aws_backup_vault.local.name
  changeable_for_days = 3
  min_retention_days  = 7
}
resource "aws_backup_plan" "prod" {
  name = "prod"
  rule {
    rule_name         = "daily"
    target_vault_name = aws_backup_vault.local.name
    schedule          = "cron(0 3 * * ? *)"
    copy_action {
      destination_vault_arn = "${OFFSITE}"
      lifecycle { delete_after = 35 }
    }
  }
}
resource "aws_backup_selection" "data" {
  ${selection}
  name         = "data"
  plan_id      = aws_backup_plan.prod.id
  iam_role_arn = "arn:aws:iam::111111111111:role/backup"
  resources    = [aws_ebs_volume.data.arn]
}
${extra}
`;
  const fromHcl = async (text: string) =>
    [...new Set((await checkPaths([dir({ "main.tf": text })], { config: {}, rules: protectionRules })).findings.map((f) => f.ruleId))].sort();
  const fromJson = (json: Obj) => Object.keys(runAll(json)).sort();
  const BOTH = ["backup-vault-locked", "stateful-backup-coverage"];

  it.each([
    ["created (control)", "", "", {}, {}, {}, []],
    ["count = 0", "count = 0", "count = 0", { count: 0 }, { count: 0 }, {}, BOTH],
    ["an empty for_each", "for_each = {}", "for_each = []", { for_each: {} }, { for_each: [] }, {}, BOTH],
    ["OpenTofu's lifecycle.enabled = false", "lifecycle { enabled = false }", "lifecycle { enabled = false }", { lifecycle: { enabled: false } }, { lifecycle: { enabled: false } }, {}, BOTH],
    ["a count from a variable without a default", "count = var.n", "count = var.n", { count: "${var.n}" }, { count: "${var.n}" }, { n: {} }, BOTH],
    ["a count from a variable whose default is 1", "count = var.one", "count = var.one", { count: "${var.one}" }, { count: "${var.one}" }, { one: { default: 1 } }, []],
    ["a conditional count whose variable defaults to true (red-team round 131 F6)", "count = var.on ? 1 : 0", "count = var.on ? 1 : 0", { count: "${var.on ? 1 : 0}" }, { count: "${var.on ? 1 : 0}" }, { on: { default: true } }, []],
    ["a conditional count whose variable defaults to false", "count = var.on ? 1 : 0", "count = var.on ? 1 : 0", { count: "${var.on ? 1 : 0}" }, { count: "${var.on ? 1 : 0}" }, { on: { default: false } }, BOTH],
    ["a for_each over a function of a variable's default", "for_each = toset(var.names)", "count = length(var.names)", { for_each: "${toset(var.names)}" }, { count: "${length(var.names)}" }, { names: { default: ["a"] } }, []],
  ])("%s", async (_what, selHcl, lockHcl, selJson, lockJson, variables, expected) => {
    const vars = Object.entries(variables as Record<string, Obj>)
      .map(([n, v]) => `variable "${n}" {${"default" in v ? ` default = ${JSON.stringify(v.default)}` : ""} }`)
      .join("\n");
    expect(await fromHcl(hcl(selHcl as string, lockHcl as string, vars))).toEqual(expected);
    expect(fromJson(stack(selJson as Obj, lockJson as Obj, variables as Obj))).toEqual(expected);
  });
});
