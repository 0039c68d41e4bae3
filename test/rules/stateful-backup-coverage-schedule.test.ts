import { tf } from "../helpers/tf";
import { run } from "./helpers";
import { rule } from "../../lib/rules/stateful-backup-coverage";
import { backupRuleName, cadenceOf } from "../../lib/rules/backup-schedule";
import { buildStack } from "../../lib/engine/terraform/stack";
import { buildAnalysis } from "../../lib/engine/analyze";
import { markSettableByVariables } from "../../lib/engine/terraform/settable-providers";
import { checkPaths } from "../../lib/check/run-check";
import { dir } from "../hcl/helpers";
import { join } from "path";
import { ProtectedVolume } from "../../lib/constructs";
import { APP_ACCOUNT, OFFSITE_ARN, gateFindings, synth } from "../constructs/helpers";

type Obj = Record<string, unknown>;

// Red-team round 175, F1: a plan whose schedule never fires (or fires once a year) counted as backup coverage.
const VOLUME = { availability_zone: "eu-central-1a", size: 10, lifecycle: { prevent_destroy: true } };
const SELECTION = { name: "s", plan_id: "${aws_backup_plan.p.id}", iam_role_arn: "arn:aws:iam::111111111111:role/backup", resources: ["${aws_ebs_volume.data.arn}"] };
const COPY = { destination_vault_arn: "arn:aws:backup:eu-west-1:222222222222:backup-vault:offsite", lifecycle: { delete_after: 35 } };
const planRule = (schedule: string | undefined, name = "daily"): Obj => ({
  rule_name: name,
  target_vault_name: "local",
  ...(schedule === undefined ? {} : { schedule }),
  lifecycle: { delete_after: 35 },
  copy_action: [COPY],
});
const stack = (plan: Obj, extra: Obj = {}) =>
  tf({ "aws_ebs_volume.data": VOLUME, "aws_backup_plan.p": { name: "p", ...plan }, "aws_backup_selection.s": SELECTION }, extra);
const withRules = (...rules: Obj[]) => stack({ rule: rules });
/** As `blastwall check` reads Terraform JSON: what a root variable sets is marked first (`--var-file` values given). */
const checked = (json: Obj, given?: ReadonlyMap<string, unknown>) => {
  const built = buildStack(json, "test.tf.json");
  markSettableByVariables(built.resources, given, built.locals);
  return rule.check({ stack: built, analysis: buildAnalysis(built, {}), config: {}, strict: false });
};

describe("stateful-backup-coverage: a plan whose schedule does not run counts as no backup", () => {
  it.each([
    ["a year in the future", "cron(0 3 1 1 ? 2099)", '"cron(0 3 1 1 ? 2099)" does not fire before 2099', "write * as its year"],
    ["a year in the past", "cron(0 3 * * ? 2001)", '"cron(0 3 * * ? 2001)" never fires again: its year field names only years that are past (2001)', "write * as its year"],
    ["no matching date", "cron(0 3 30 2 ? *)", '"cron(0 3 30 2 ? *)" never fires: no date matches its day and month fields', "give it a schedule that fires"],
    ["a yearly schedule", "cron(0 3 1 1 ? *)", '"cron(0 3 1 1 ? *)" leaves up to 366 days between runs, less often than about once a month (35 days)', "back up at least monthly"],
    ["a quarterly schedule", "cron(0 3 1 */3 ? *)", '"cron(0 3 1 */3 ? *)" leaves up to 92 days between runs', "back up at least monthly"],
    ["a rate(...) expression", "rate(1 day)", '"rate(1 day)" is a rate(...) expression', "write it as a cron expression"],
    ["a cron form blastwall does not read", "cron(0 3 LW * ? *)", 'blastwall cannot read "cron(0 3 LW * ? *)"', "write it in a form blastwall reads"],
  ])("fails %s, and says why and how to fix it", (_what, schedule, why, fix) => {
    const [f, ...more] = run(rule, withRules(planRule(schedule)));
    expect(more).toEqual([]);
    expect(f.resource).toBe("aws_ebs_volume.data");
    expect(f.message).toContain(
      "aws_ebs_volume.data is selected for backup by aws_backup_selection.s, but no rule of its plan is shown to make a recovery point at least every 35 days " +
        `(aws_backup_plan.p: rule "daily": ${why}`,
    );
    expect(f.message).toContain("So it has no recent recovery point and no recent copy outside the account, while the selection looks complete.");
    expect(f.message).toContain(`In aws_backup_plan.p, ${fix}`);
    expect(f.evidence.find((e) => e.step === "backup-schedule")).toMatchObject({ address: "aws_backup_plan.p", detail: expect.stringContaining("aws_backup_selection.s selects it, but no rule of this plan runs at least every 35 days") });
  });

  it("fails a schedule from a variable in Terraform JSON, which keeps the variable as written", () => {
    const json = stack({ rule: [planRule("${var.schedule}")] }, { variable: { schedule: { type: "string", default: "cron(0 3 * * ? *)" } } });
    const [f] = checked(json);
    expect(f.message).toContain('rule "daily": its schedule is `${var.schedule}`, a variable (default "cron(0 3 * * ? *)") that -var or a tfvars file can set to anything at apply time, so it may be one that never fires');
    expect(f.message).toContain("In aws_backup_plan.p, write the schedule literally, e.g. cron(0 5 * * ? *)");
    // Through a local too.
    const viaLocal = stack({ rule: [planRule("${local.schedule}")] }, { variable: { schedule: { type: "string" } }, locals: { schedule: "${var.schedule}" } });
    expect(checked(viaLocal).map((x) => x.message)).toEqual([expect.stringContaining("its schedule is `${var.schedule}`")]);
  });

  it("fails a rule written dynamic, which may write no rule and reads its schedule through the iterator", () => {
    const json = stack({ dynamic: { rule: { for_each: "${var.rules}", content: planRule("${rule.value.schedule}") } } });
    const [f] = run(rule, json);
    expect(f.message).toContain('dynamic "rule" #0: it is written as a dynamic block, which blastwall does not expand: its for_each may write no rule');
    // Beside a literal daily rule it changes nothing.
    expect(run(rule, stack({ rule: [planRule(undefined)], dynamic: { rule: { for_each: "${var.rules}", content: planRule("${rule.value.schedule}") } } }))).toEqual([]);
  });

  it("names each plan rule that does not count when none does", () => {
    const [f] = run(rule, withRules(planRule("cron(0 3 1 1 ? *)", "yearly"), planRule("cron(0 3 1 1 ? 2099)", "later")));
    expect(f.message).toContain('rule "yearly": "cron(0 3 1 1 ? *)" leaves up to 366 days between runs');
    expect(f.message).toContain('rule "later": "cron(0 3 1 1 ? 2099)" does not fire before 2099');
  });

  it("controls: hourly, daily, weekly and monthly schedules, and none at all (AWS Backup's default, daily at 05:00 UTC), count", () => {
    for (const schedule of [
      undefined,
      "cron(0 * * * ? *)",
      "cron(0 5 ? * * *)",
      "cron(0 3 * * ? *)",
      "cron(0 3 ? * MON-FRI *)",
      "cron(0 3 ? * SUN *)",
      "cron(0 3 1 * ? *)",
      "cron(0 3 L * ? *)",
      "cron(0 3 15W * ? *)",
      "cron(0 3 ? * 2#1 *)",
      "cron(0 3 ? * 6L *)",
    ]) {
      expect([schedule, run(rule, withRules(planRule(schedule)))]).toEqual([schedule, []]);
    }
  });

  it("controls: a yearly or dead rule beside a daily one counts (a yearly archive rule is ordinary)", () => {
    expect(run(rule, withRules(planRule("cron(0 3 1 1 ? *)", "yearly"), planRule("cron(0 3 * * ? *)")))).toEqual([]);
    expect(run(rule, withRules(planRule("cron(0 3 1 1 ? 2099)", "later"), planRule(undefined)))).toEqual([]);
    // A rule as one object, not a list, is read the same.
    expect(run(rule, stack({ rule: planRule("cron(0 3 * * ? *)") }))).toEqual([]);
  });

  it("controls: a variable the schedule does not depend on changes nothing, and a plan outside the stack is judged as before", () => {
    const json = stack({ rule: [{ ...planRule("cron(0 3 * * ? *)"), lifecycle: { delete_after: "${var.days}" } }] }, { variable: { days: { type: "number", default: 35 } } });
    expect(checked(json)).toEqual([]);
    const outside = tf({ "aws_ebs_volume.data": VOLUME, "aws_backup_selection.s": { ...SELECTION, plan_id: "0123-plan" } });
    expect(run(rule, outside)).toEqual([]);
  });

  it("reads the year field against the current year", () => {
    expect(cadenceOf("cron(0 3 * * ? 2025-2030)", 2026)).toMatchObject({ regular: false, why: expect.stringContaining("fires only in the years its year field names (2025-2030) and stops after 2030") });
    expect(cadenceOf("cron(0 3 * * ? 2027)", 2026)).toMatchObject({ regular: false, why: expect.stringContaining("does not fire before 2027") });
    expect(cadenceOf("cron(0 3 * * ? 2025)", 2026)).toMatchObject({ regular: false, why: expect.stringContaining("never fires again") });
    expect(cadenceOf("cron(0 3 * * ? *)", 2026)).toEqual({ regular: true });
  });
});

// The HCL reader reads `schedule = var.s` as the variable's default: only its second reading shows -var may set it.
describe("stateful-backup-coverage: a schedule -var can set, in an HCL folder", () => {
  const main = (schedule: string) => `
variable "schedule" {
  type    = string
  default = "cron(0 3 * * ? *)"
}
resource "aws_ebs_volume" "data" {
  availability_zone = "eu-central-1a"
  size              = 10
  lifecycle {
    prevent_destroy = true
  }
}
resource "aws_backup_plan" "p" {
  name = "p"
  rule {
    rule_name         = "daily"
    target_vault_name = "local"
    schedule          = ${schedule}
    copy_action {
      destination_vault_arn = "arn:aws:backup:eu-west-1:222222222222:backup-vault:offsite"
    }
  }
}
resource "aws_backup_selection" "s" {
  name         = "s"
  plan_id      = aws_backup_plan.p.id
  iam_role_arn = "arn:aws:iam::111111111111:role/backup"
  resources    = [aws_ebs_volume.data.arn]
}
`;
  const findings = async (schedule: string, tfvars?: string) => {
    const d = dir({ "main.tf": main(schedule), ...(tfvars !== undefined ? { "given.tfvars": tfvars } : {}) });
    const r = await checkPaths([d], { config: {}, rules: [rule], ...(tfvars !== undefined ? { varFiles: [join(d, "given.tfvars")] } : {}) });
    return r.findings.filter((f) => f.ruleId === rule.meta.id);
  };

  it("fails a schedule read from a root variable's default", async () => {
    const [f, ...more] = await findings("var.schedule");
    expect(more).toEqual([]);
    expect(f.message).toContain('rule "daily": its schedule "cron(0 3 * * ? *)" is read from a root variable\'s default, which -var can set otherwise, so it may be one that never fires');
  });

  it("controls: a literal schedule, and the variable given with --var-file, pass", async () => {
    expect(await findings('"cron(0 3 * * ? *)"')).toEqual([]);
    expect(await findings("var.schedule", 'schedule = "cron(0 4 * * ? *)"\n')).toEqual([]);
    expect((await findings("var.schedule", 'schedule = "cron(0 4 1 1 ? *)"\n')).map((f) => f.message)).toEqual([expect.stringContaining("leaves up to 366 days between runs")]);
  });
});

// The escape hatch of the finding: the construct refuses these schedules as props, the gate now after an override.
describe("stateful-backup-coverage: a ProtectedVolume's plan schedule overridden after construction", () => {
  const volume = (schedule?: string) =>
    synth((s) => {
      const v = new ProtectedVolume(s, "Volume", { name: "data", availabilityZone: "eu-central-1a", sizeGiB: 100, backup: { accountId: APP_ACCOUNT, region: "eu-central-1", offsiteVaultArn: OFFSITE_ARN } });
      if (schedule !== undefined) v.backupPlan.plan.addOverride("rule.0.schedule", schedule);
    }).json;

  it("fails a schedule that never fires, through the synth gate's rules", () => {
    expect(gateFindings(volume("cron(0 3 1 1 ? 2099)")).filter((f) => f.startsWith("stateful-backup-coverage"))).toEqual([
      expect.stringContaining('does not fire before 2099: its year field (2099) names no earlier year'),
    ]);
  });

  it("controls: the default schedule, and a weekly one (held by the props only), pass", () => {
    expect(gateFindings(volume())).toEqual([]);
    expect(gateFindings(volume("cron(0 3 ? * SUN *)"))).toEqual([]);
  });
});

describe("how a plan's rule is named in findings (one naming for the backup rules)", () => {
  test("a literal rule_name by name, an interpolated one by its place, a dynamic rule's content as dynamic", () => {
    expect(backupRuleName({ rule_name: "daily" }, 0)).toBe('rule "daily"');
    expect(backupRuleName({ rule_name: "${var.name}" }, 2)).toBe("rule #2");
    expect(backupRuleName({ rule_name: "x" }, 3, 0)).toBe('dynamic rule "x"');
    expect(backupRuleName({ rule_name: "${rule.value.name}" }, 3, 1)).toBe("dynamic rule #1");
  });
});
