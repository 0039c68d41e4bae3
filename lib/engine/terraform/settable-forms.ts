/**
 * What an Allow written by reference names where `-var` sets a root variable otherwise (red-team round 163b, F3): a
 * bucket `bucket = var.bucket` is read by the variable's default, so `Resource = aws_s3_bucket.data.arn` reads as
 * `arn:aws:s3:::prod-data`, and a Deny naming that ARN literally was taken to cover it. `-var bucket=other` renames
 * the bucket; the reference follows it and the literal Deny covers nothing. The evaluator (iam/evaluate.ts
 * `SettableForm`) asks here, only for an Allow's pattern a Deny covers as read, what the reference resolves to where
 * every argument a deploy may set otherwise (settable-providers.ts) is unknown. A Deny still covers that form when it
 * covers it by pattern (`arn:aws:s3:::*`), or names the resource with the same reference.
 */
import type { SettableForm, SettablePattern } from "../iam/evaluate";
import { globCovers } from "../iam/glob";
import type { Statement } from "../iam/types";
import { AFTER_APPLY, policyPattern } from "./policy-documents";
import { EVERY_ARGUMENT, SETTABLE_SAYS, settableArgumentsWhy, settableKeys } from "./settable-providers";
import { parseReference, parseTemplate } from "./tokens";
import type { TfResource, TfStack } from "./types";

/** What the evidence of such a Deny says (analyze.ts `withSettableDenyNote` looks for it to fit the fix). */
export const LITERAL_AGAINST_REFERENCE = "where the Allow names it by reference";

/** What the evidence says of a Deny matched against an Allow written with a variable `-var` can set (analyze.ts reads it). */
export const LITERAL_AGAINST_VARIABLE = "where the Allow writes that part with a root variable";

/** What the evidence says of a Deny's action matched against an Allow's action written with a settable variable (analyze.ts reads it). */
export const LITERAL_ACTION_AGAINST_VARIABLE = "where the Allow writes that action with a root variable";

/** One per stack (the analysis and the evidence of its findings ask the same): answers kept per Allow statement and pattern. */
export function settableForms(stack: TfStack): SettableForm {
  let forms = perStack.get(stack);
  if (!forms) perStack.set(stack, (forms = newSettableForms(stack)));
  return forms;
}

const perStack = new WeakMap<TfStack, SettableForm>();

function newSettableForms(stack: TfStack): SettableForm {
  let shadow: TfStack | undefined;
  const memo = new WeakMap<Statement, Map<string, SettablePattern | null>>();
  return (allow, pattern) => {
    const written = allow.writtenResources;
    const resources = allow.resources;
    // Written with a settable variable (`arn:aws:s3:::${var.bucket}`), as the document's reader found it.
    const settable = allow.settableResources?.length === resources?.length ? allow.settableResources : undefined;
    if ((!written && !settable) || !resources) return undefined;
    let known = memo.get(allow);
    if (!known) memo.set(allow, (known = new Map()));
    const hit = known.get(pattern);
    if (hit !== undefined) return hit ?? undefined;
    const forms: { pattern: string; written?: string }[] = [];
    for (let i = 0; i < resources.length; i++) {
      if (resources[i] !== pattern) continue;
      // The entry's own variables first: whatever a reference in it names, `-var` may make the whole entry this.
      if (settable && settable[i] !== pattern) {
        forms.push({ pattern: settable[i] });
        continue;
      }
      const w = written?.[i];
      if (w === undefined || w.indexOf("${") < 0) continue;
      // Only where the entry as read is what the evaluator holds (not widened, not rewritten on the way).
      if (policyPattern(stack, w).pattern !== pattern) continue;
      const other = policyPattern((shadow ??= shadowStack(stack)), w).pattern;
      if (other !== pattern) forms.push({ pattern: other, written: w });
    }
    const out = forms.length === 0 ? null : settablePattern(forms);
    known.set(pattern, out);
    return out ?? undefined;
  };
}

/**
 * Why the Allow's entry `written` may name something else under `-var`: the resources it references whose arguments a
 * deploy may set otherwise (a bucket's `bucket`), with the variables named. Tags and metadata change no ARN and are left
 * out; a resource of a module instance the other reading has not is said so.
 */
export function settableFormWhy(stack: TfStack, written: string): string {
  const reasons: string[] = [];
  for (const part of parseTemplate(written)) {
    if (part.kind !== "interpolation" || part.directive) continue;
    const ref = parseReference(part.expr);
    const r = ref && (ref.kind === "resource" || ref.kind === "data") ? stack.byAddress.get(ref.address) : undefined;
    if (!r) continue;
    const keys = settableKeys(r.values);
    if (keys.has(EVERY_ARGUMENT)) reasons.push(`${r.address} is in a module instance that depends on a root variable, ${SETTABLE_SAYS}`);
    else {
      const named = [...keys].filter((k) => !NO_ARN.has(k)).sort();
      if (named.length > 0) reasons.push(settableArgumentsWhy(r, named));
    }
  }
  return reasons.length > 0 ? reasons.join("; ") : `what ${written} references depends on a root variable, ${SETTABLE_SAYS}`;
}

/** Arguments that make no part of an ARN. */
const NO_ARN = new Set(["tags", "tags_all", "//", "lifecycle", "depends_on"]);

/** Every form must be denied (two entries of the Allow may resolve alike as read, and differ under `-var`). */
function settablePattern(forms: readonly { pattern: string; written?: string }[]): SettablePattern {
  return {
    pattern: forms.length === 1 ? forms[0].pattern : "*",
    // A form of the Allow's own variable is denied only by a pattern covering every value it may take.
    deniedBy: (deny, cover) => forms.every((f) => globCovers(cover, f.pattern) || (f.written !== undefined && sameReference(deny, cover, f.written))),
  };
}

/** Whether an entry of `deny` read as `cover` is written with the Allow's reference and covers what it adds after it. */
function sameReference(deny: Statement, cover: string, allowWritten: string): boolean {
  const resources = deny.resources;
  const written = deny.writtenResources;
  if (!resources || !written) return false;
  for (let j = 0; j < resources.length; j++) {
    if (resources[j] !== cover || written[j] === undefined) continue;
    if (written[j] === allowWritten || tailCovers(written[j], allowWritten)) return true;
  }
  return false;
}

/**
 * `${aws_s3_bucket.data.arn}/*` against `${aws_s3_bucket.data.arn}/key`: the same leading expression (the same value,
 * whatever `-var` makes it), then only literal text, the Deny's covering the Allow's.
 */
function tailCovers(denyWritten: string, allowWritten: string): boolean {
  const d = parseTemplate(denyWritten);
  const a = parseTemplate(allowWritten);
  if (d[0]?.kind !== "interpolation" || a[0]?.kind !== "interpolation" || d[0].directive || a[0].directive) return false;
  if (d[0].expr.trim() !== a[0].expr.trim()) return false;
  const tail = (parts: typeof d) => (parts.slice(1).every((p) => p.kind === "literal") ? parts.slice(1).map((p) => (p.kind === "literal" ? p.text : "")).join("") : undefined);
  const dt = tail(d);
  const at = tail(a);
  return dt !== undefined && at !== undefined && globCovers(dt, at);
}

/**
 * The stack as the reading with every settable argument unknown sees it: each resource the resolver looks up with
 * marked arguments is handed over with those (all, for `EVERY_ARGUMENT`) unknown after apply, so its ARN comes out
 * with `*` where `-var` may change it. Only looked-up resources are asked (each one's marks are compared lazily).
 */
function shadowStack(stack: TfStack): TfStack {
  const base = stack.byAddress;
  const shadowOf = (r: TfResource | undefined): TfResource | undefined => (r === undefined ? undefined : withSettableUnknown(r));
  const byAddress: ReadonlyMap<string, TfResource> = {
    get: (address: string) => shadowOf(base.get(address)),
    has: (address: string) => base.has(address),
    get size() {
      return base.size;
    },
    forEach: (fn, self) => base.forEach((r, k) => fn.call(self, shadowOf(r)!, k, byAddress)),
    entries: () => [...base.entries()].map(([k, r]) => [k, shadowOf(r)!] as [string, TfResource])[Symbol.iterator](),
    keys: () => base.keys(),
    values: () => [...base.values()].map((r) => shadowOf(r)!)[Symbol.iterator](),
    [Symbol.iterator]: () => byAddress.entries(),
  };
  return { ...stack, byAddress };
}

/**
 * `r` with each argument a deploy may set otherwise (every one, for `EVERY_ARGUMENT`) unknown after apply, so what is
 * derived from it (its ARN) comes out with `*` where `-var` may change it; `r` itself where nothing is marked. One copy
 * per resource, shared by the evaluator's forms (`shadowStack`) and the routes' Denies (invoke-denies.ts).
 */
export function withSettableUnknown(r: TfResource): TfResource {
  let c = unknownCopies.get(r);
  if (c === undefined) {
    const keys = settableKeys(r.values);
    if (keys.size === 0) c = r;
    else {
      const values: Record<string, unknown> = { ...r.values };
      for (const k of keys.has(EVERY_ARGUMENT) ? Object.keys(r.values) : keys) values[k] = AFTER_APPLY;
      c = { ...r, values };
    }
    unknownCopies.set(r, c);
  }
  return c;
}

const unknownCopies = new WeakMap<TfResource, TfResource>();
