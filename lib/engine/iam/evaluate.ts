/**
 * Effective identity rights of one principal over the action universe:
 *   (identity Allows ∩ boundary Allows) − certain Denies (identity and boundary).
 *
 * The question is "can this principal do X to something": an action is held when there is a resource on which
 * some request could be allowed. The errors this file may make must all be on the side of holding too much:
 * - a conditional Allow counts (conditions can be vacuously true, research note 3.1);
 * - a Deny removes something only when it certainly applies: no condition, its actions include the action,
 *   and its resource element certainly covers the resource pattern (glob containment, never "overlaps");
 * - resource patterns are kept as written (an Allow on `*` minus a Deny on `volume/prod-*` is still `*`); they
 *   are only narrowed when the narrower pattern is exactly the intersection (a boundary or Deny NotResource
 *   pattern inside the Allow's pattern).
 */
import type { EffectiveRights, Grant } from "../analysis-types";
import { ActionSet, ActionUniverse } from "./actions";
import { globCovers, globsIntersect } from "./glob";
import type { Condition, Statement } from "./types";

export interface EffectiveRightsInput {
  readonly principal: string;
  readonly identity: readonly Statement[];
  /** Permission boundary statements; undefined = no boundary (also for an unreadable one: it caps nothing). */
  readonly boundary?: readonly Statement[];
  readonly universe: ActionUniverse;
}

/**
 * Is a statement's condition block certainly true for every request? Only when it is empty, for now: any
 * condition might be false, so a conditional Deny is never relied on. (A conditional Allow is still counted,
 * which needs no such proof.)
 */
export function conditionAlwaysTrue(conditions: readonly Condition[]): boolean {
  return conditions.length === 0;
}

/** Resource patterns of a statement that may be relied on to certainly cover/exclude (not widened tokens). */
function exactPatterns(patterns: readonly string[], approximate: readonly number[] | undefined): readonly string[] {
  if (!approximate || approximate.length === 0) return patterns;
  return patterns.filter((_, i) => !approximate.includes(i));
}

/**
 * An Allow's ARN pattern with fewer than six segments and no final `*` (`arn:aws:ec2:us-east-1`) matches no
 * real ARN when read literally, but iam-simulate pads such identity-policy patterns with `*` segments and
 * whether AWS does so is unconfirmed (research note 3.4). For an Allow the wider reading is the safe one, so
 * the padded pattern is added. (A Deny is read literally: that covers less, also the safe side.)
 */
/** An ARN pattern with fewer than the six segments `arn:partition:service:region:account:resource`. */
export const isShortArn = (p: string) => p.startsWith("arn:") && p.split(":").length < 6;
const isShortArnWithoutFinalStar = (p: string) => isShortArn(p) && !p.endsWith("*");

function withPaddedShortArns(patterns: readonly string[]): readonly string[] {
  if (!patterns.some(isShortArnWithoutFinalStar)) return patterns;
  const out: string[] = [];
  for (const p of patterns) {
    out.push(p);
    if (isShortArnWithoutFinalStar(p)) out.push(p + ":*".repeat(6 - p.split(":").length));
  }
  return out;
}

/** Allow statement as the evaluator uses it. */
interface AllowView {
  readonly statement: Statement;
  readonly actions: ActionSet;
  /** Patterns the Allow applies to; `["*"]` for NotResource (everything except...) and for no Resource element. */
  readonly resources: readonly string[];
  /** NotResource patterns that certainly exclude (boundary narrowing uses them). */
  readonly excluded: readonly string[];
  readonly conditional: boolean;
}

/** A Deny that certainly applies to its actions (unconditional). */
interface DenyView {
  readonly actions: ActionSet;
  /** Resource element patterns it certainly covers; undefined when it has a NotResource element instead. */
  readonly covers?: readonly string[];
  /** NotResource patterns: it covers everything that cannot match one of these. */
  readonly except?: readonly string[];
}

const ALL = ["*"] as const;

function allowView(s: Statement, universe: ActionUniverse): AllowView {
  if (s.unknown !== undefined || (!s.actions && !s.notActions)) {
    // Unreadable: Allow * on *. The statement stays in the Grant so rules can say why.
    return { statement: s, actions: universe.everything, resources: ALL, excluded: [], conditional: !conditionAlwaysTrue(s.conditions) };
  }
  let resources: readonly string[] = ALL;
  let excluded: readonly string[] = [];
  if (s.resources) resources = withPaddedShortArns(s.resources);
  else if (s.notResources) {
    excluded = exactPatterns(s.notResources, s.approximateResources);
    // "Everything except X" is kept as `*` (a list of patterns cannot say "except"); only excluding `*` itself
    // leaves nothing.
    resources = excluded.includes("*") ? [] : ALL;
  }
  return { statement: s, actions: universe.statementActions(s), resources, excluded, conditional: !conditionAlwaysTrue(s.conditions) };
}

function denyView(s: Statement, universe: ActionUniverse): DenyView | undefined {
  if (s.effect !== "Deny" || s.unknown !== undefined) return undefined;
  if (!conditionAlwaysTrue(s.conditions)) return undefined; // a conditional Deny removes nothing
  const actions = universe.statementActions(s);
  if (actions.size === 0) return undefined;
  if (s.notResources) {
    // Widened entries only shrink what it covers. A short ARN (`arn:aws:s3:*`) leaves it open whether a
    // request lies outside it (iam-simulate cannot tell either), so such a Deny is never relied on.
    if (s.notResources.some(isShortArn)) return undefined;
    return { actions, except: s.notResources };
  }
  if (!s.resources) return { actions, covers: ALL }; // no Resource element: the statement is about every resource
  const covers = exactPatterns(s.resources, s.approximateResources);
  return covers.length === 0 ? undefined : { actions, covers };
}

const isAllow = (s: Statement) => s.unknown !== undefined || s.effect === "Allow";

function pushUnique(list: string[], p: string): void {
  if (!list.includes(p)) list.push(p);
}

/**
 * Resource patterns an Allow pattern `r` keeps under the boundary Allows `bs`: for each boundary pattern that
 * meets `r`, the narrower of the two when one contains the other, else `r` itself (over-approximation).
 * `unconditional` reports whether an unconditional boundary Allow contributed.
 */
function narrowByBoundary(patterns: readonly string[], bs: readonly AllowView[]): { patterns: readonly string[]; unconditional: boolean } {
  const out: string[] = [];
  let unconditional = false;
  for (const r of patterns) {
    const parts: string[] = [];
    for (const b of bs) {
      let hit = false;
      if (b.excluded.length > 0 && b.excluded.some((x) => globCovers(x, r))) continue;
      for (const p of b.resources) {
        if (!globsIntersect(r, p)) continue;
        hit = true;
        if (globCovers(p, r)) pushUnique(parts, r);
        else if (globCovers(r, p)) pushUnique(parts, p);
        else pushUnique(parts, r);
      }
      if (hit && !b.conditional) unconditional = true;
    }
    // When r itself survived, the narrower parts add nothing.
    for (const p of parts.includes(r) ? [r] : parts) pushUnique(out, p);
  }
  return { patterns: out, unconditional };
}

/** Resource patterns left after one certain Deny. */
function applyDeny(patterns: readonly string[], d: DenyView): readonly string[] {
  if (d.covers) {
    const left = patterns.filter((r) => !d.covers!.some((c) => globCovers(c, r)));
    return left.length === patterns.length ? patterns : left;
  }
  const except = d.except!;
  let changed = false;
  const out: string[] = [];
  for (const r of patterns) {
    const meets = except.filter((x) => globsIntersect(r, x));
    if (meets.length === 0) {
      changed = true; // r lies wholly outside the exceptions: the Deny covers it
      continue;
    }
    if (meets.some((x) => globCovers(x, r))) {
      pushUnique(out, r); // r lies wholly inside an exception: the Deny does not touch it
      continue;
    }
    // What is left of r is r ∩ (union of exceptions): exact for an exception inside r, else r itself.
    const parts = meets.map((x) => (globCovers(r, x) ? x : r));
    if (parts.includes(r)) pushUnique(out, r);
    else {
      changed = true;
      for (const p of parts) pushUnique(out, p);
    }
  }
  return changed ? out : patterns;
}

export function effectiveRights(input: EffectiveRightsInput): EffectiveRights {
  const { universe } = input;
  const allows = input.identity.filter(isAllow).map((s) => allowView(s, universe));
  const denies: DenyView[] = [];
  for (const s of input.identity) {
    const d = denyView(s, universe);
    if (d) denies.push(d);
  }
  let boundaryAllows: AllowView[] | undefined;
  if (input.boundary) {
    boundaryAllows = input.boundary.filter(isAllow).map((s) => allowView(s, universe));
    for (const s of input.boundary) {
      const d = denyView(s, universe);
      if (d) denies.push(d);
    }
  }

  const grants = new Map<string, Grant[]>();
  for (const a of allows) {
    if (a.resources.length === 0 || a.actions.size === 0) continue;
    const relDenies = denies.filter((d) => d.actions.overlaps(a.actions));
    const relBoundary = boundaryAllows?.filter((b) => b.resources.length > 0 && b.actions.overlaps(a.actions));
    if (relBoundary && relBoundary.length === 0) continue;

    // Actions whose applicable denies / boundary statements are the same get the same resources: memoise per
    // such signature, so the pattern work is done once per statement, not once per action.
    const memo = new Map<string | number, { resources: readonly string[]; conditional: boolean } | null>();
    const nRel = relDenies.length + (relBoundary?.length ?? 0);
    for (const i of a.actions.indices) {
      let key: string | number = 0;
      const ds: DenyView[] = [];
      const bs: AllowView[] = [];
      relDenies.forEach((d, k) => {
        if (d.actions.has(i)) {
          ds.push(d);
          key = nRel <= 30 ? (key as number) | (1 << k) : `${key},d${k}`;
        }
      });
      relBoundary?.forEach((b, k) => {
        if (b.actions.has(i)) {
          bs.push(b);
          key = nRel <= 30 ? (key as number) | (1 << (k + relDenies.length)) : `${key},b${k}`;
        }
      });
      let result = memo.get(key);
      if (result === undefined) {
        result = resourcesFor(a, ds, relBoundary ? bs : undefined);
        memo.set(key, result);
      }
      if (result === null) continue;
      const lower = universe.lowerName(i);
      let list = grants.get(lower);
      if (!list) grants.set(lower, (list = []));
      list.push({ action: universe.name(i), statement: a.statement, resources: result.resources, conditional: result.conditional });
    }
  }
  return { principal: input.principal, grants };
}

/** What one Allow keeps for an action under its denies and boundary; null when nothing is left. */
function resourcesFor(
  a: AllowView,
  denies: readonly DenyView[],
  boundary: readonly AllowView[] | undefined,
): { resources: readonly string[]; conditional: boolean } | null {
  let patterns = a.resources;
  let conditional = a.conditional;
  if (boundary) {
    if (boundary.length === 0) return null;
    const narrowed = narrowByBoundary(patterns, boundary);
    patterns = narrowed.patterns;
    if (!narrowed.unconditional) conditional = true; // held only if a boundary condition holds too
  }
  for (const d of denies) {
    if (patterns.length === 0) break;
    patterns = applyDeny(patterns, d);
  }
  return patterns.length === 0 ? null : { resources: patterns, conditional };
}

/**
 * Grants for an action (any case) whose resources may meet `resourcePattern`, a target from the stack such as
 * `arn:aws:ec2:*:*:volume/prod-1` (all grants when omitted). An Allow with NotResource is kept as `*` in its
 * Grant; here a target its NotResource certainly excludes is dropped, which makes answers for concrete
 * targets exact.
 */
export function grantsFor(rights: EffectiveRights, action: string, resourcePattern?: string): readonly Grant[] {
  const list = rights.grants.get(action.toLowerCase()) ?? [];
  if (resourcePattern === undefined) return list;
  return list.filter((g) => {
    if (!g.resources.some((r) => globsIntersect(r, resourcePattern))) return false;
    const s = g.statement;
    if (s.unknown === undefined && s.notResources) {
      const excluded = exactPatterns(s.notResources, s.approximateResources);
      if (excluded.some((x) => globCovers(x, resourcePattern))) return false;
    }
    return true;
  });
}
