/**
 * An Allow that writes a root variable into its Action (`s3:${var.op}`, red-team round 170a, F2) is read by the
 * variable's default, and a literal Deny of that default (`s3:DeleteBucket`) closed it. `-var op=DeleteObject` moves the
 * Allow past the Deny, so such a Deny is not relied on for what only the changed entries grant, unless its Action covers
 * every value they may take (`s3:*`, `*`). An Allow with the variable and no Deny stays read by its default (README).
 */
import { globCovers, globsIntersect } from "./glob";
import type { Statement } from "./types";

const CI = { caseInsensitive: true } as const;

/**
 * What `allow`'s entries granting `action` may be under `-var` (`settableActions`), or undefined where an entry the
 * variable cannot change grants it too (a Deny of it then holds whatever `-var` says) or nothing changes.
 */
export function settableActionForms(allow: Statement, action: string): readonly string[] | undefined {
  const forms = allow.settableActions;
  const actions = allow.actions;
  if (!forms || !actions || forms.length !== actions.length) return undefined;
  const out: string[] = [];
  for (let j = 0; j < actions.length; j++) {
    if (!globCovers(actions[j], action, CI)) continue;
    if (forms[j] === actions[j]) return undefined;
    out.push(forms[j]);
  }
  return out.length > 0 ? out : undefined;
}

/** Whether `deny`'s Action (or NotAction) covers every form, so it denies whatever value `-var` gives the Allow. */
export function denyCoversForms(deny: Statement, forms: readonly string[]): boolean {
  if (deny.actions) return forms.every((f) => deny.actions!.some((a) => globCovers(a, f, CI)));
  if (deny.notActions) return forms.every((f) => !deny.notActions!.some((x) => globsIntersect(x, f, CI)));
  return false;
}

const asBoundary = new WeakMap<Statement, Statement>();

/**
 * A permission boundary's Allow as it is relied on to cap the identity policies (red-team round 171b, F5): a boundary is
 * a limit, as a Deny is, so where `-var` can widen its Action (`s3:${var.op}`) or Resource (`arn:aws:s3:::${var.b}`) it
 * is read as every form it may take (`s3:*`), beside what it names as read. An identity Allow with no Deny against it is
 * still read by its default (README): only a limit read too narrowly fails open. The same object for the same statement
 * (the evaluator caches by it); the statement itself where nothing can change.
 */
export function boundaryReading(st: Statement): Statement {
  if (st.effect !== "Allow" || st.unknown !== undefined) return st;
  const actions = widened(st.actions, st.settableActions);
  const resources = widened(st.resources, st.settableResources);
  if (actions === st.actions && resources === st.resources) return st;
  let hit = asBoundary.get(st);
  if (!hit) {
    // The widened entries are what -var may make them: none of them is a narrower reading to keep `approximateResources` for.
    hit = { ...st, actions, resources, settableActions: undefined, settableResources: undefined };
    asBoundary.set(st, hit);
  }
  return hit;
}

/** `entries` with each of `forms` that differs added (index for index); `entries` itself where none does. */
function widened(entries: readonly string[] | undefined, forms: readonly string[] | undefined): readonly string[] | undefined {
  if (!entries || !forms || forms.length !== entries.length) return entries;
  const extra = forms.filter((f, i) => f !== entries[i] && !entries.includes(f));
  return extra.length === 0 ? entries : [...entries, ...new Set(extra)];
}

/**
 * What `boundaryReading` adds for `action` in `st`: the forms of the entries `-var` can change that grant it where no
 * entry as read does (`["s3:*"]` for `s3:DeleteBucket` under `s3:${var.op}`), or undefined.
 */
export function boundaryActionForms(st: Statement, action: string): readonly string[] | undefined {
  const forms = st.settableActions;
  const actions = st.actions;
  if (st.effect !== "Allow" || !forms || !actions || forms.length !== actions.length) return undefined;
  if (actions.some((a) => globCovers(a, action, CI))) return undefined;
  const hit = forms.filter((f, i) => f !== actions[i] && globCovers(f, action, CI));
  return hit.length > 0 ? [...new Set(hit)] : undefined;
}

/**
 * An Allow's NotAction or NotResource entry that `-var` can change (`iam:${var.kept}`, `arn:aws:s3:::${var.bucket}`) may
 * be made to exclude something else, or nothing: only the entries it cannot change are relied on to exclude anything.
 * The exclusion is the Allow's own limit, as a Deny is one, so it fails closed as a Deny written with a variable does
 * (README: the identity Allow itself, and a boundary's). The same array for the same statement (the action universe
 * caches its sets by it); the statement's own list where no entry is settable.
 */
export function certainNotActions(st: Statement): readonly string[] | undefined {
  return certainEntries(st, st.notActions, st.settableNotActions, notActionsKept);
}

/** `certainNotActions` for NotResource, less the entries the parser widened from a `${...}` it could not resolve. */
export function certainNotResources(st: Statement): readonly string[] | undefined {
  const list = st.notResources;
  const approximate = st.approximateResources;
  if (!list || !approximate || approximate.length === 0) return certainEntries(st, list, st.settableNotResources, notResourcesKept);
  const hit = notResourcesKept.get(st);
  if (hit) return hit;
  const kept = list.filter((x, i) => !approximate.includes(i) && !differs(st.settableNotResources, list, i));
  notResourcesKept.set(st, kept);
  return kept;
}

const notActionsKept = new WeakMap<Statement, readonly string[]>();
const notResourcesKept = new WeakMap<Statement, readonly string[]>();

/** Whether `forms` (index for index with `list`) marks entry `i` as one `-var` can change; a list of another length marks all. */
function differs(forms: readonly string[] | undefined, list: readonly string[], i: number): boolean {
  return forms !== undefined && (forms.length !== list.length || forms[i] !== list[i]);
}

function certainEntries(st: Statement, list: readonly string[] | undefined, forms: readonly string[] | undefined, kept: WeakMap<Statement, readonly string[]>): readonly string[] | undefined {
  if (!list || !forms || st.effect !== "Allow") return list;
  let hit = kept.get(st);
  if (!hit) kept.set(st, (hit = list.filter((_, i) => !differs(forms, list, i))));
  return hit;
}

/**
 * The entries of an Allow's NotAction (or NotResource) `-var` can change, each with what it may become, that as read
 * exclude `matches` (an action, a target pattern): what the Allow grants only because such an entry is not relied on.
 */
export function settableExclusionsOf(st: Statement, kind: "NotAction" | "NotResource", matches: (entry: string) => boolean): { readonly entry: string; readonly form: string; readonly index: number }[] {
  const list = kind === "NotAction" ? st.notActions : st.notResources;
  const forms = kind === "NotAction" ? st.settableNotActions : st.settableNotResources;
  if (st.effect !== "Allow" || !list || !forms) return [];
  const out: { entry: string; form: string; index: number }[] = [];
  for (let i = 0; i < list.length; i++) if (differs(forms, list, i) && matches(list[i])) out.push({ entry: list[i], form: forms.length === list.length ? forms[i] : "*", index: i });
  return out;
}
