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
