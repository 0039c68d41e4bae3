import type { TfResource, TfStack } from "../engine/terraform/types";
import { blocksWithDynamic } from "../engine/reach/dynamic-blocks";
import { SETTABLE_SAYS, isSettable, settableOther } from "../engine/terraform/settable-providers";
import { refTarget } from "../engine/terraform/tokens";
import { CronUnreadable, longestGapMinutes, readCron, readYears } from "../engine/backup-cron";
import { readString } from "./protection-support";

/**
 * Whether an `aws_backup_plan` makes recovery points often enough to count as a backup (red-team round 175, F1: a plan
 * whose only schedule was `cron(0 3 1 1 ? 2099)` counted as coverage, and a yearly one too). A selection of a plan
 * none of whose rules runs at least every MAX_RUN_GAP_DAYS covers nothing: the resource has no recent recovery point,
 * and so no recent off-site copy, while the plan, the selection and the copy look complete. One rule that runs
 * often enough is enough (a yearly archive rule beside a daily one is ordinary). A schedule left out is AWS Backup's
 * default, daily at 05:00 UTC. What blastwall cannot read (a variable -var can set, an expression, a dynamic rule, a
 * cron form it does not evaluate) counts as possibly never running, as the other backup rules read such values.
 */

/**
 * The longest time a plan may leave between recovery points and still count as a backup: about a month, enough for
 * every monthly form (the 1st, `L`, `15W`, the first or last Monday: at most five weeks apart). The constructs ask
 * for far more (OffsiteBackupPlan: at least every 3 days); this is the bound under which a plan is no backup at all.
 */
export const MAX_RUN_GAP_DAYS = 35;

/** ScheduleExpression's documented default: "When no CRON expression is provided, Backup will use cron(0 5 ? * * *)". */
const DEFAULT_SCHEDULE = "cron(0 5 ? * * *)";

const DAILY = "cron(0 5 * * ? *)";

/** How one schedule expression fires: often enough, or why not and what to write instead. */
export type Cadence = { readonly regular: true } | { readonly regular: false; readonly why: string; readonly fix: string };

function days(minutes: number): string {
  const d = Math.round(minutes / 1440);
  return `${d} day${d === 1 ? "" : "s"}`;
}

/** How a literal schedule expression fires. `now` is the current year (a year-bound schedule is judged against it). */
export function cadenceOf(expr: string, now = new Date().getUTCFullYear()): Cadence {
  const shown = `"${expr}"`;
  if (/^\s*rate\(/.test(expr)) {
    return { regular: false, why: `${shown} is a rate(...) expression; an AWS Backup rule's ScheduleExpression is a cron expression, so blastwall cannot count on it running`, fix: `write it as a cron expression, e.g. ${DAILY} (daily at 05:00 UTC)` };
  }
  const m = /^cron\((.+)\)$/.exec(expr.trim());
  const fields = m ? m[1].trim().split(/\s+/) : [];
  if (fields.length !== 6) {
    return { regular: false, why: `${shown} is not a cron expression of six fields (minutes to year), so blastwall cannot count on it running`, fix: `write it like ${DAILY} (daily at 05:00 UTC)` };
  }
  let gap: number | undefined;
  let years: number[] | undefined;
  try {
    gap = longestGapMinutes(readCron(fields));
    years = fields[5] === "*" ? undefined : readYears(fields[5]);
  } catch (e) {
    if (!(e instanceof CronUnreadable)) throw e;
    return { regular: false, why: `blastwall cannot read ${shown} (${e.message}), so it cannot count on it running`, fix: `write it in a form blastwall reads, like ${DAILY} (daily at 05:00 UTC)` };
  }
  if (gap === undefined) {
    return { regular: false, why: `${shown} never fires: no date matches its day and month fields`, fix: `give it a schedule that fires, e.g. ${DAILY} (daily at 05:00 UTC)` };
  }
  if (years !== undefined) {
    const first = years[0];
    const last = years[years.length - 1];
    const why =
      last < now ? `${shown} never fires again: its year field names only years that are past (${fields[5]})`
      : first > now ? `${shown} does not fire before ${first}: its year field (${fields[5]}) names no earlier year`
      : `${shown} fires only in the years its year field names (${fields[5]}) and stops after ${last}`;
    return { regular: false, why, fix: `write * as its year, e.g. ${DAILY}` };
  }
  if (gap > MAX_RUN_GAP_DAYS * 1440) {
    return {
      regular: false,
      why: `${shown} leaves up to ${days(gap)} between runs, less often than about once a month (${MAX_RUN_GAP_DAYS} days): data written in between has no recovery point for that long`,
      fix: `back up at least monthly in this or another rule of the plan, e.g. daily: ${DAILY}`,
    };
  }
  return { regular: true };
}

/** How one plan rule, as one reading renders it, fires: its schedule, or AWS's default when it has none. */
function ruleCadence(stack: TfStack, rule: Record<string, unknown>): Cadence {
  const s = readString(stack, rule["schedule"]);
  if (s.state === "unset") return cadenceOf(DEFAULT_SCHEDULE);
  if (s.state === "set") return cadenceOf(s.value);
  return { regular: false, why: `its schedule is \`${s.raw}\`, ${s.why}, so it may be one that never fires`, fix: `write the schedule literally, e.g. ${DAILY}` };
}

/** Why one rule of a plan does not count, for a message: `rule "daily": ...`. */
interface IdleRule {
  readonly name: string;
  readonly why: string;
  readonly fix: string;
}

/** A plan none of whose rules is shown to run at least every MAX_RUN_GAP_DAYS: why for each rule. */
export interface IdlePlan {
  readonly plan: TfResource;
  readonly rules: readonly IdleRule[];
}

/**
 * How a finding names a backup plan's rule: by its literal `rule_name`, else by its place (`dynamicIndex`: the rule is
 * the content of a dynamic "rule" block, numbered among those). One naming for every rule about plans.
 */
export function backupRuleName(rule: Record<string, unknown>, i: number, dynamicIndex?: number): string {
  const dynamic = dynamicIndex !== undefined;
  const name = rule["rule_name"];
  if (typeof name === "string" && !name.includes("${")) return `${dynamic ? "dynamic " : ""}rule "${name}"`;
  return dynamic ? `dynamic rule #${dynamicIndex}` : `rule #${i}`;
}

/**
 * Undefined when some rule of `plan` runs at least every MAX_RUN_GAP_DAYS, in the reading of the stack and in the one
 * where root variables -var may set are unknown (the HCL reader reads `schedule = var.s` as its default; a deploy may
 * give another); else why each rule does not count.
 */
export function idlePlan(stack: TfStack, plan: TfResource): IdlePlan | undefined {
  const here = blocksWithDynamic(plan.values, "rule");
  const other = isSettable(plan.values, "rule") ? settableOther(plan.values) : undefined;
  const there = other === undefined ? undefined : blocksWithDynamic(other, "rule");
  const idle: IdleRule[] = [];
  const statics = here.blocks.filter((b) => !here.dynamic.includes(b));
  for (const [i, rule] of statics.entries()) {
    const name = backupRuleName(rule, i);
    const c = ruleCadence(stack, rule);
    if (!c.regular) {
      idle.push({ name, why: c.why, fix: c.fix });
      continue;
    }
    const alt = there?.blocks[i];
    if (there === undefined || (alt !== undefined && !there.dynamic.includes(alt) && ruleCadence(stack, alt).regular)) return undefined;
    idle.push({
      name,
      why: `its schedule ${JSON.stringify(rule["schedule"] ?? DEFAULT_SCHEDULE)} is read from a root variable's default, ${SETTABLE_SAYS}, so it may be one that never fires`,
      fix: "write the schedule literally, or give the variable with --var-file so blastwall reads the value deployed",
    });
  }
  for (const [k, d] of here.dynamic.entries()) {
    idle.push({
      name: `dynamic "rule" #${k}`,
      why: `it is written as a dynamic block, which blastwall does not expand: its for_each may write no rule, and its schedule (${JSON.stringify(d["schedule"] ?? DEFAULT_SCHEDULE)}) is read through the iterator`,
      fix: `write the rule as a block of its own with a literal schedule, e.g. ${DAILY}`,
    });
  }
  if (here.unread) {
    idle.push({ name: "rule", why: "part of it is not written as blocks blastwall can read", fix: `write the plan's rules as blocks with literal schedules, e.g. ${DAILY}` });
  }
  if (idle.length === 0) idle.push({ name: "rule", why: "the plan has no rule blastwall can read", fix: `give it a rule with a literal schedule, e.g. ${DAILY}` });
  return { plan, rules: idle };
}

/** The `aws_backup_plan` of the stack a selection's `plan_id` references, or undefined (none, or one it cannot tell). */
export function planOf(stack: TfStack, selection: TfResource): TfResource | undefined {
  const ref = refTarget(selection.values["plan_id"]);
  if (ref?.kind !== "resource" || ref.attribute !== "id") return undefined;
  const plan = stack.byAddress.get(ref.address);
  return plan?.type === "aws_backup_plan" && plan.mode === "managed" ? plan : undefined;
}
