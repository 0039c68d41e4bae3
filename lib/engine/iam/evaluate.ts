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
import { boundaryReading, certainNotActions, certainNotResources, denyCoversForms, settableActionForms } from "./settable-actions";

export interface EffectiveRightsInput {
  readonly principal: string;
  readonly identity: readonly Statement[];
  /** Permission boundary statements; undefined = no boundary (also for an unreadable one: it caps nothing). */
  readonly boundary?: readonly Statement[];
  readonly universe: ActionUniverse;
  /** Only these actions are wanted (a caller asking about one catalogue category): the answer holds no others. */
  readonly only?: ActionSet;
  /** What an Allow's resource may name where `-var` sets a variable otherwise (see `SettableForm`); none: as read. */
  readonly settableForm?: SettableForm;
}

/**
 * Where an Allow names a resource of the stack by reference and that resource's name comes from a root variable
 * (red-team round 163b, F3), the reference follows the resource whatever `-var` names it, while a Deny naming the
 * default's ARN literally does not. Asked only of a pattern a Deny covers as read (so a stack whose Denies cover
 * nothing asks nothing): undefined where the pattern names the same thing whatever `-var` says, else the pattern with
 * what `-var` may set as `*`, and whether a Deny's entry (its statement, the pattern as read) still covers it then
 * (by pattern, or written with the same reference).
 */
export type SettableForm = (allow: Statement, pattern: string) => SettablePattern | undefined;

export interface SettablePattern {
  readonly pattern: string;
  readonly deniedBy: (deny: Statement, cover: string) => boolean;
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

/** An ARN pattern with fewer than the six segments `arn:partition:service:region:account:resource`. */
export function isShortArn(p: string): boolean {
  if (!p.startsWith("arn:")) return false;
  // Fewer than five colons (six segments), counted without splitting: every Allow's patterns are asked.
  let colons = 1;
  for (let i = p.indexOf(":", 4); i >= 0 && colons < 5; i = p.indexOf(":", i + 1)) colons++;
  return colons < 5;
}
/**
 * Whether an ARN pattern writes its partition, service, Region or account with a capital letter (`arn:aws:EC2:...`).
 * blastwall matches those parts as written; whether IAM does is not documented (iam-simulate ignores their case), so
 * a Deny whose NotResource names such a pattern may leave out the lower-case resource it means, or not: it is not
 * relied on (red-team round 135).
 */
function hasUpperCasePrefix(p: string): boolean {
  if (!p.startsWith("arn:")) return false;
  let end = 0;
  for (let colons = 0; colons < 5; colons++) {
    end = p.indexOf(":", end + 1);
    if (end < 0) return false;
  }
  return /[A-Z]/.test(p.slice(0, end));
}
const isShortArnWithoutFinalStar = (p: string) => isShortArn(p) && !p.endsWith("*");

/**
 * An Allow's ARN pattern with fewer than six segments and no final `*` (`arn:aws:ec2:us-east-1`) matches no
 * real ARN when read literally, but iam-simulate pads such identity-policy patterns with `*` segments and
 * whether AWS does so is unconfirmed (research note 3.4). For an Allow the wider reading is the safe one, so
 * the padded pattern is added. (A Deny is read literally: that covers less, also the safe side.)
 */
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
  readonly statement: Statement;
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
    // An entry `-var` can change excludes nothing for sure (settable-actions.ts), nor does one widened from a `${...}`.
    excluded = certainNotResources(s)!;
    // "Everything except X" is kept as `*` (a list of patterns cannot say "except"); only excluding `*` itself
    // leaves nothing.
    resources = excluded.includes("*") ? [] : ALL;
  }
  // A NotAction entry `-var` can change excludes nothing for sure: only the others are taken out of every action.
  const actions = s.settableNotActions ? universe.statementActions({ notActions: certainNotActions(s) }) : universe.statementActions(s);
  return { statement: s, actions, resources, excluded, conditional: !conditionAlwaysTrue(s.conditions) };
}

function denyView(s: Statement, universe: ActionUniverse): DenyView | undefined {
  if (s.effect !== "Deny" || s.unknown !== undefined) return undefined;
  if (!conditionAlwaysTrue(s.conditions)) return undefined; // a conditional Deny removes nothing
  const actions = universe.statementActions(s);
  if (actions.size === 0) return undefined;
  if (s.notResources) {
    // Widened entries only shrink what it covers. A short ARN (`arn:aws:s3:*`) leaves it open whether a
    // request lies outside it (iam-simulate cannot tell either), so such a Deny is never relied on.
    if (s.notResources.some(isShortArn) || s.notResources.some(hasUpperCasePrefix)) return undefined;
    return { statement: s, actions, except: s.notResources };
  }
  if (!s.resources) return { statement: s, actions, covers: ALL }; // no Resource element: about every resource
  const covers = exactPatterns(s.resources, s.approximateResources);
  return covers.length === 0 ? undefined : { statement: s, actions, covers };
}

const isAllow = (s: Statement) => s.unknown !== undefined || s.effect === "Allow";

/** The statements without repeats, first kept; the list itself when it has none (most principals have a handful). */
function unique(statements: readonly Statement[]): readonly Statement[] {
  if (statements.length > 16) return [...new Set(statements)];
  for (let i = 1; i < statements.length; i++) if (statements.lastIndexOf(statements[i], i - 1) >= 0) return [...new Set(statements)];
  return statements;
}

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

/** Resource patterns left after one certain Deny; `form` (of the Allow they come from): see `SettableForm`. */
function applyDeny(patterns: readonly string[], d: DenyView, form?: (r: string) => SettablePattern | undefined): readonly string[] {
  if (d.covers) {
    const covered = (r: string) => {
      if (!d.covers!.some((c) => globCovers(c, r))) return false;
      const f = form?.(r);
      return f === undefined || d.covers!.some((c) => globCovers(c, r) && f.deniedBy(d.statement, c));
    };
    const left = patterns.filter((r) => !covered(r));
    return left.length === patterns.length ? patterns : left;
  }
  const except = d.except!;
  let changed = false;
  const out: string[] = [];
  for (const r of patterns) {
    // What `-var` may make it: outside every exception, it is denied; else it is kept whole (no narrowing to them).
    const f = form && !except.some((x) => globCovers(x, r)) ? form(r) : undefined;
    if (f !== undefined) {
      if (except.some((x) => globsIntersect(f.pattern, x))) pushUnique(out, r);
      else changed = true;
      continue;
    }
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

/**
 * Per-universe caches keyed by Statement object. A stack attaches the same documents (managed policies, a
 * shared boundary, a common inline policy) to many principals, and those are parsed once, so the same
 * Statement objects come back again and again: their views, and the grants an Allow yields under a given set
 * of denies / boundary statements, are computed once and shared (Grants are immutable).
 */
interface Caches {
  /** What is known of each statement, in one entry: a WeakMap insertion costs far more than a lookup, and most statements are read once. */
  readonly statements: WeakMap<Statement, StatementCache>;
  /** Grants per action index while one principal's rights are built; all undefined between calls. */
  readonly scratch: (Grant[] | undefined)[];
  /** The bit sets of `signatures`, cleared before each use (one universe-sized array per Allow was most of what yieldOf allocated). */
  readonly bits: Int32Array;
}

/** One statement's views, filled on first use (every field present from the start: one object shape for all). */
interface StatementCache {
  allow: AllowView | undefined;
  /** null: not a Deny that certainly applies. */
  deny: DenyView | null | undefined;
  /**
   * What the Allow yields under the relevant deny / boundary statements, by a key naming them: the first key and
   * yield in place (most statements meet one set, and a Map each was much of what a principal cost), the rest in `yields`.
   */
  yieldKey: string | undefined;
  yield: Yield | undefined;
  yields: Map<string, Yield> | undefined;
  /** Its part of `statementEffectKey`. */
  token: string | undefined;
  /** A number naming the statement in the keys of `yields`. */
  id: number | undefined;
}

/** The grants one Allow yields, as parallel arrays (action index, grant). */
interface Yield {
  readonly indices: readonly number[];
  readonly grants: readonly Grant[];
}

const cachesByUniverse = new WeakMap<ActionUniverse, Caches>();
let nextStatementId = 0;

function entryOf(c: Caches, s: Statement): StatementCache {
  let e = c.statements.get(s);
  if (!e) c.statements.set(s, (e = { allow: undefined, deny: undefined, yieldKey: undefined, yield: undefined, yields: undefined, token: undefined, id: undefined }));
  return e;
}

function idOf(c: Caches, s: Statement): number {
  const e = entryOf(c, s);
  return (e.id ??= nextStatementId++);
}

function cachesFor(universe: ActionUniverse): Caches {
  let c = cachesByUniverse.get(universe);
  if (!c) cachesByUniverse.set(universe, (c = { statements: new WeakMap(), scratch: new Array<Grant[] | undefined>(universe.size).fill(undefined), bits: new Int32Array(universe.size) }));
  return c;
}

function cachedAllow(c: Caches, s: Statement, universe: ActionUniverse): AllowView {
  const e = entryOf(c, s);
  return (e.allow ??= allowView(s, universe));
}

function cachedDeny(c: Caches, s: Statement, universe: ActionUniverse): DenyView | undefined {
  const e = entryOf(c, s);
  if (e.deny === undefined) e.deny = denyView(s, universe) ?? null;
  return e.deny ?? undefined;
}

/**
 * Whether a certain Deny among `statements` (an identity policy's or a permission boundary's) covers `action` on every
 * resource `resource` may stand for: an explicit Deny of the caller wins over any Allow, a trust policy naming it
 * included. Conditional Denies, and patterns only partly covered, remove nothing.
 */
export function denyCertainlyCovers(statements: readonly Statement[], universe: ActionUniverse, action: string, resource: string): boolean {
  const i = universe.indexOf(action);
  if (i === undefined) return false;
  const c = cachesFor(universe);
  for (const s of statements) {
    const d = cachedDeny(c, s, universe);
    if (d && d.actions.has(i) && applyDeny([resource], d).length === 0) return true;
  }
  return false;
}

export function effectiveRights(input: EffectiveRightsInput): EffectiveRights {
  const { universe } = input;
  const c = cachesFor(universe);
  // The same statement reaching a principal twice (two attachments of one policy) grants nothing more.
  const identity = unique(input.identity);
  const boundary = input.boundary && unique(input.boundary);
  // Allows in order, then the certain Denies of the identity and then of the boundary, in order (a statement that is
  // not an Allow is the only kind `denyView` may keep).
  const allows: AllowView[] = [];
  const denies: DenyView[] = [];
  for (const s of identity) {
    if (isAllow(s)) allows.push(cachedAllow(c, s, universe));
    else pushDeny(denies, cachedDeny(c, s, universe));
  }
  let boundaryAllows: AllowView[] | undefined;
  if (boundary) {
    boundaryAllows = [];
    for (const s of boundary) {
      // A boundary Allow caps: where -var can widen it, it is read as every form it may take (settable-actions.ts).
      if (isAllow(s)) boundaryAllows.push(cachedAllow(c, boundaryReading(s), universe));
      else pushDeny(denies, cachedDeny(c, s, universe));
    }
  }

  const yields: Yield[] = [];
  for (const a of allows) {
    if (a.resources.length === 0 || a.actions.size === 0) continue;
    const relDenies = denies.length === 0 ? NO_DENIES : denies.filter((d) => d.actions.overlaps(a.actions));
    const relBoundary = boundaryAllows?.filter((b) => b.resources.length > 0 && b.actions.overlaps(a.actions));
    if (relBoundary && relBoundary.length === 0) continue; // the boundary allows none of these actions
    const key =
      keyOf(c, relDenies) +
      (relBoundary ? "|" + keyOf(c, relBoundary) : "") +
      (input.only ? "#" + setIdOf(input.only) : "") +
      // Only an Allow naming something by reference, or written with a settable variable, has another form (managed
      // policies' yields stay shared).
      (input.settableForm && relDenies.length > 0 && (a.statement.writtenResources || a.statement.settableResources) ? "~" + formIdOf(input.settableForm) : "");
    const e = entryOf(c, a.statement);
    let y = e.yieldKey === key ? e.yield : e.yields?.get(key);
    if (!y) {
      y = yieldOf(a, relDenies, relBoundary, universe, input.only, c.bits, input.settableForm);
      if (e.yieldKey === undefined) {
        e.yieldKey = key;
        e.yield = y;
      } else (e.yields ??= new Map()).set(key, y);
    }
    yields.push(y);
  }
  // Gathered per action index in a scratch array kept per universe (one universe-sized array per principal would
  // be most of what this allocates). Nothing below can throw, so the scratch is always left cleared.
  const byIndex = c.scratch;
  const held: number[] = [];
  for (const y of yields) {
    for (let n = 0; n < y.indices.length; n++) {
      const i = y.indices[n];
      const list = byIndex[i];
      if (list) list.push(y.grants[n]);
      else {
        byIndex[i] = [y.grants[n]];
        held.push(i);
      }
    }
  }
  // In universe order, as before; most principals hold a few dozen of the universe's actions, so only those are visited.
  // (Already so when one Allow, or Allows of ascending actions, gave them all. A typed array sorts numbers natively,
  // without calling a comparator for each pair.)
  const order = ascending(held) ? held : Int32Array.from(held).sort();
  const grants = new Map<string, Grant[]>();
  for (const i of order) {
    grants.set(universe.lowerName(i), byIndex[i]!);
    byIndex[i] = undefined;
  }
  return { principal: input.principal, grants };
}

const NO_DENIES: readonly DenyView[] = Object.freeze([]);

function pushDeny(denies: DenyView[], d: DenyView | undefined): void {
  if (d) denies.push(d);
}

function ascending(xs: readonly number[] | Int32Array): boolean {
  for (let k = 1; k < xs.length; k++) if (xs[k - 1] > xs[k]) return false;
  return true;
}

/**
 * A key naming what a list of statements gives as `effectiveRights` without a boundary, for callers' own caches:
 * lists with the same key give the same actions with the same resources and conditions, from statements alike in
 * all the evaluator reads (actions, resource patterns, conditions), which may be other copies of them. So a caller
 * may share an answer under this key only when it reads no more of a grant's statement than its conditions. Agents
 * each carry their own parsed copy of one boundary or guard policy: this lets them share. Order is kept, as the
 * evaluator applies Denies in order; a statement that neither allows nor certainly denies adds nothing.
 */
export function statementEffectKey(statements: readonly Statement[], universe: ActionUniverse): string {
  const c = cachesFor(universe);
  const seen = new Set<Statement>();
  let key = "";
  for (const s of statements) {
    if (seen.has(s)) continue;
    seen.add(s);
    const e = entryOf(c, s);
    let token = e.token;
    if (token === undefined) {
      token = "";
      if (isAllow(s)) {
        const a = cachedAllow(c, s, universe);
        token = `${s.unknown === undefined ? "a" : "u"}${setIdOf(a.actions)}${JSON.stringify([a.resources, a.excluded, s.conditions])}`;
      } else {
        const d = cachedDeny(c, s, universe);
        if (d) token = `d${setIdOf(d.actions)}${JSON.stringify([d.covers ?? null, d.except ?? null])}`;
      }
      e.token = token;
    }
    key += token + ";";
  }
  return key;
}

const formIds = new WeakMap<SettableForm, number>();
let nextFormId = 0;

/** A number naming a `SettableForm` in the keys of cached yields: one reading with it, another without, differ. */
function formIdOf(form: SettableForm): number {
  let id = formIds.get(form);
  if (id === undefined) formIds.set(form, (id = nextFormId++));
  return id;
}

const setIds = new WeakMap<ActionSet, number>();
let nextSetId = 0;

function setIdOf(set: ActionSet): number {
  let id = setIds.get(set);
  if (id === undefined) setIds.set(set, (id = nextSetId++));
  return id;
}

function keyOf(c: Caches, views: readonly { readonly statement: Statement }[]): string {
  // Most Allows meet no Deny, or one.
  if (views.length === 0) return "";
  if (views.length === 1) return String(idOf(c, views[0].statement));
  return views
    .map((v) => idOf(c, v.statement))
    .sort((x, y) => x - y)
    .join(",");
}

/** The grants of one Allow under the denies and boundary statements that may touch its actions. */
function yieldOf(
  a: AllowView,
  relDenies: readonly DenyView[],
  relBoundary: readonly AllowView[] | undefined,
  universe: ActionUniverse,
  only: ActionSet | undefined,
  bits: Int32Array,
  settableForm: SettableForm | undefined,
): Yield {
  const relevant: readonly { readonly actions: ActionSet }[] = relBoundary ? [...relDenies, ...relBoundary] : relDenies;
  // Most Allows meet no Deny and no boundary: every action then keeps the Allow's own resources, with no memo to keep.
  if (relevant.length === 0) return plainYield(a, universe, only);
  // Actions to which the same denies / boundary statements apply get the same resources: memoise per such
  // signature (a bit set over `relevant`), so the pattern work is done once per signature, not per action.
  const memo = new Map<string | number, GrantShape | null>();
  const signature = signatures(relevant, bits);
  // Only an Allow naming something by a `${...}` reference, or written with a settable variable, may have another form.
  const form = settableForm && (a.statement.writtenResources || a.statement.settableResources) ? (r: string) => settableForm(a.statement, r) : undefined;
  // An Allow writing a settable variable into its Action: a Deny of an action only that entry grants must cover its forms.
  // Read from the statement alone, whoever asks (a caller that passes no settableForm too: review of 0.8.0).
  const actionForms = a.statement.settableActions ? (i: number) => settableActionForms(a.statement, universe.name(i)) : undefined;
  const indices: number[] = [];
  const grants: Grant[] = [];
  for (const i of a.actions.indices) {
    if (only && !only.has(i)) continue;
    const forms = actionForms?.(i);
    const key = forms ? `${signature(i)}|${forms.join(",")}` : signature(i);
    let shape = memo.get(key);
    if (shape === undefined) {
      const ds = relDenies.filter((d) => d.actions.has(i) && (!forms || denyCoversForms(d.statement, forms)));
      const bs = relBoundary?.filter((b) => b.actions.has(i));
      shape = resourcesFor(a, ds, bs, form);
      memo.set(key, shape);
    }
    if (shape === null) continue;
    indices.push(i);
    grants.push({ action: universe.name(i), statement: a.statement, resources: shape.resources, conditional: shape.conditional });
  }
  return { indices, grants };
}

/** `yieldOf` for an Allow no Deny or boundary statement touches (what `resourcesFor` gives it without them). */
function plainYield(a: AllowView, universe: ActionUniverse, only: ActionSet | undefined): Yield {
  // Without `only` every action of the Allow is held: its own index list serves (both are read only).
  const indices = only ? a.actions.indices.filter((i) => only.has(i)) : a.actions.indices;
  const grants: Grant[] = [];
  for (const i of indices) grants.push({ action: universe.name(i), statement: a.statement, resources: a.resources, conditional: a.conditional });
  return { indices, grants };
}

/**
 * For each action index, which of `sets` contain it, as a number (bit k = sets[k]) when there are at most 30
 * sets, else as a string. Bits are laid down by walking each set's own indices once, so the per-action
 * question is an array read instead of one membership test per set. `bits` is the universe's scratch: the answer
 * holds only until the next call.
 */
function signatures(sets: readonly { readonly actions: ActionSet }[], bits: Int32Array): (i: number) => string | number {
  if (sets.length === 0) return () => 0;
  if (sets.length > 30) {
    return (i) => sets.map((s, k) => (s.actions.has(i) ? k : "")).join(",");
  }
  let always = 0;
  bits.fill(0);
  sets.forEach((s, k) => {
    if (s.actions.isAll) always |= 1 << k;
    else for (const i of s.actions.indices) bits[i] |= 1 << k;
  });
  return (i) => bits[i] | always;
}

interface GrantShape {
  readonly resources: readonly string[];
  readonly conditional: boolean;
}

/** What one Allow keeps for an action under its denies and boundary; null when nothing is left. */
function resourcesFor(
  a: AllowView,
  denies: readonly DenyView[],
  boundary: readonly AllowView[] | undefined,
  form?: (r: string) => SettablePattern | undefined,
): GrantShape | null {
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
    patterns = applyDeny(patterns, d, form);
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
      const excluded = certainNotResources(s)!;
      if (excluded.some((x) => globCovers(x, resourcePattern))) return false;
    }
    return true;
  });
}
