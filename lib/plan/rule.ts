/** Plan rules: one check per file under lib/plan/rules, each judging one resource change at a time. */
import type { Evidence, FindingDraft, RuleMeta } from "../engine/findings";
import type { ChangeKey, PlanGateConfig, PlanJson, PlanResourceChange } from "./types";
import { afterValue, getPath, listedTag, show, tagValue, truthy, num, type Path } from "./values";

export interface PlanRuleContext {
  readonly file: string;
  readonly plan: PlanJson;
  readonly config: PlanGateConfig;
  /** True when the IAM role/user of this change counts as an AI agent. */
  isAgent(rc: PlanResourceChange): boolean;
}

export interface PlanRule {
  readonly meta: RuleMeta;
  /** Called for every managed-resource change whose actions are not only `no-op` or `read`. */
  check(rc: PlanResourceChange, ctx: PlanRuleContext): FindingDraft[];
  /**
   * Called once per plan, for what apply does that is no managed-resource change: a data source read during apply, an
   * ephemeral resource opened. An error names the key an approval lists for it; a warning (a call already made during
   * `terraform plan`) names none.
   */
  checkPlan?(ctx: PlanRuleContext): PlanLevelFinding[];
}

/** A finding of `checkPlan`, and the key an approval must list to cover it (none for a warning). */
export interface PlanLevelFinding {
  readonly draft: FindingDraft;
  readonly change?: ChangeKey;
}

/** A finding about one change: principal and resource are its address, actions are its Terraform actions. */
export function changeFinding(rc: PlanResourceChange, message: string, evidence: readonly Evidence[]): FindingDraft {
  return {
    principal: rc.address,
    resource: rc.address,
    actions: [...rc.change.actions],
    evidence: [
      { step: "change", address: rc.address, detail: `actions ${rc.change.actions.join(", ")}${rc.deposed ? ` (deposed object ${rc.deposed})` : ""}` },
      ...evidence,
    ],
    message,
  };
}

/** One weakened attribute: what it was, what it will be. */
export interface Weakening {
  readonly path: Path;
  readonly label: string;
  readonly from: string;
  readonly to: string;
}

/**
 * A protection switch turned off: `before` counts as on (per `isOn`), `after` does not or is unknown until apply.
 * Only when the attribute exists in `before` (so a type without it never matches).
 */
export function switchedOff(rc: PlanResourceChange, path: Path, isOn: (v: unknown) => boolean = truthy): Weakening | undefined {
  if (!present(rc.change.before, path)) return undefined;
  const before = getPath(rc.change.before, path);
  if (!isOn(before)) return undefined;
  const after = afterValue(rc.change, path);
  if (after.state === "known" && isOn(after.value)) return undefined;
  return weakening(rc, path, before, after);
}

/** A dangerous switch turned on: `before` is off (false/unset), `after` on or unknown until apply. */
export function switchedOn(rc: PlanResourceChange, path: Path, isOn: (v: unknown) => boolean = truthy): Weakening | undefined {
  const inBefore = present(rc.change.before, path);
  const after = afterValue(rc.change, path);
  if (!inBefore && !(after.state === "known" && after.value !== undefined)) return undefined;
  const before = getPath(rc.change.before, path);
  if (isOn(before)) return undefined;
  if (after.state === "known" && !isOn(after.value)) return undefined;
  return weakening(rc, path, before, after);
}

/** A number lowered (or unset, or unknown until apply). `defaultBefore` stands for an unset prior value. */
export function lowered(rc: PlanResourceChange, path: Path, defaultBefore?: number): Weakening | undefined {
  if (!present(rc.change.before, path) && defaultBefore === undefined) return undefined;
  const before = num(getPath(rc.change.before, path)) ?? defaultBefore;
  if (before === undefined) return undefined;
  const after = afterValue(rc.change, path);
  if (after.state === "known") {
    const unset = after.value === null || after.value === undefined;
    const a = num(after.value) ?? (unset ? defaultBefore : undefined);
    if (a !== undefined && a >= before) return undefined;
    if (a === undefined && !unset) return undefined; // not a number: not ours to judge
  }
  return weakening(rc, path, before, after);
}

/** A number raised (or unknown until apply). `defaultBefore` stands for an unset prior value. */
export function raised(rc: PlanResourceChange, path: Path, defaultBefore?: number): Weakening | undefined {
  const before = num(getPath(rc.change.before, path)) ?? defaultBefore;
  if (before === undefined) return undefined;
  const after = afterValue(rc.change, path);
  if (after.state === "known") {
    const a = num(after.value);
    if (a === undefined || a <= before) return undefined;
  }
  return weakening(rc, path, before, after);
}

export function weakening(rc: PlanResourceChange, path: Path, before: unknown, after: ReturnType<typeof afterValue>): Weakening {
  const label = path.map((p) => (typeof p === "number" ? `[${p}]` : p)).join(".").replace(/\.\[/g, "[");
  return {
    path,
    label,
    from: show(rc.change, path, before),
    to: after.state === "unknown" ? show(rc.change, path, undefined, true) : show(rc.change, path, after.value),
  };
}

export function weakeningEvidence(rc: PlanResourceChange, ws: readonly Weakening[]): Evidence[] {
  return ws.map((w) => ({ step: "weakened", address: rc.address, detail: `${w.label}: ${w.from} → ${w.to}` }));
}

export function describe(ws: readonly Weakening[]): string {
  return ws.map((w) => `${w.label} ${w.from} → ${w.to}`).join("; ");
}

function present(value: unknown, path: Path): boolean {
  if (path.length === 0) return false;
  const parent = getPath(value, path.slice(0, -1));
  return typeof parent === "object" && parent !== null && (path[path.length - 1] as never) in (parent as object);
}

/** True when the tag is "true" before and not known to stay "true" after. */
export function tagDropped(rc: PlanResourceChange, key: string): boolean {
  if (!truthy(tagValue(rc.change.before, key, rc.type))) return false;
  for (const field of ["tags", "tags_all"]) {
    const v = afterValue(rc.change, [field, key]);
    if (v.state === "known" && truthy(v.value)) return false;
    // The Cloud Control provider's list of `{ key, value }` objects.
    const list = afterValue(rc.change, [field]);
    if (list.state === "known" && truthy(listedTag(list.value, key))) return false;
  }
  if (rc.type === "aws_autoscaling_group") {
    const blocks = afterValue(rc.change, ["tag"]);
    if (blocks.state === "known" && truthy(tagValue({ tag: blocks.value }, key, rc.type))) return false;
  }
  return true;
}
