/**
 * Values a deploy may set otherwise (red-team round 160, F1; round 162b, F3): the HCL reader reads a root variable by
 * its default or its tfvars value, so a provider's `region = var.region` reads as the default's region, and a Deny
 * written with that literal region and account was taken to cover the stack's functions, which `-var` can place
 * elsewhere, where it covers nothing. The same holds for a function's or role's name or path, a policy's `count`, a
 * statement's Effect: whatever `-var` can change. The reader marks what changes in its second reading, where every root
 * variable but a `--var-file` one is unknown (instance.ts `tree.settable`); an explicit Deny that depends on a marked
 * value is not relied on (`settableDenyWhy`, and invoke-denies.ts `deniedOn` for the resource a Deny is matched
 * against). Allows and everything else keep the values read.
 *
 * Keyed by the provider body or the resource's values object the reader hands on, which the stack keeps as it is. A
 * provider's settings are marked when rendered; a resource's arguments are compared only when first asked (a thunk),
 * so a folder whose Denies ask nothing pays nothing for it.
 */
const settable = new WeakMap<object, { keys: Set<string>; lazy?: () => ReadonlySet<string> }>();

/** Stands for every argument of a resource: the other reading has no such instance to compare with. */
export const EVERY_ARGUMENT = "*";

/** The settings of a provider's body (`region`, `allowed_account_ids`, `assume_role`...) that a deploy may set otherwise. */
export function markSettable(body: object, keys: readonly string[]): void {
  if (keys.length === 0) return;
  const hit = settable.get(body);
  if (hit) for (const k of keys) hit.keys.add(k);
  else settable.set(body, { keys: new Set(keys) });
}

/** Marks the arguments of a resource's values that `keys()` (asked once, when first needed) says a deploy may set otherwise. */
export function markSettableLazily(values: object, keys: () => ReadonlySet<string>): void {
  const hit = settable.get(values);
  if (hit) hit.lazy = keys;
  else settable.set(values, { keys: new Set(), lazy: keys });
}

/** The marked keys of `body` (`EVERY_ARGUMENT` among them when every one counts as marked). */
export function settableKeys(body: object | undefined): ReadonlySet<string> {
  const hit = body === undefined ? undefined : settable.get(body);
  if (!hit) return NONE;
  if (hit.lazy) {
    const lazy = hit.lazy;
    hit.lazy = undefined;
    for (const k of lazy()) hit.keys.add(k);
  }
  return hit.keys;
}

const NONE: ReadonlySet<string> = new Set();

/** Whether a provider body's (or resource's) `key` is one a deploy may set otherwise (see `markSettable`). */
export function isSettable(body: object | undefined, key: string): boolean {
  const keys = settableKeys(body);
  return keys.has(key) || keys.has(EVERY_ARGUMENT);
}

/** Carries the marks of `from` over to `to`, a copy of it (a module's provider, given its alias). */
export function copySettable(from: object, to: object): void {
  const keys = settableKeys(from);
  if (keys.size > 0) settable.set(to, { keys: new Set(keys) });
}

/**
 * Arguments of an IAM resource that do not change what the Denies it holds or attaches do: its name, path and
 * description (a policy attached by reference is attached whatever it is called), tags, and a role's session length.
 */
const INERT = new Set(["name", "name_prefix", "path", "description", "tags", "tags_all", "max_session_duration", "force_detach_policies", "//"]);

/**
 * Why the Denies a resource holds or attaches (a policy, an attachment, a role's inline policy, a policy document data
 * source) are not certain: an argument they depend on (the document, what it is attached to, `count` / `for_each` /
 * `lifecycle`) comes out differently where root variables are unknown, so `-var` can change or remove them. `value`,
 * when given, is the document read: only the arguments holding it (and the resource's existence) are asked then.
 * Undefined when nothing they depend on is marked.
 */
export function settableDenyWhy(r: { readonly address: string; readonly values: Record<string, unknown> }, value?: unknown): string | undefined {
  const keys = settableKeys(r.values);
  if (keys.size === 0) return undefined;
  if (keys.has(EVERY_ARGUMENT)) return `${r.address} may not exist, or may differ, when the deploy sets root variables with -var (blastwall reads them by their default or tfvars value)`;
  let asked = [...keys].filter((k) => !INERT.has(k));
  if (value !== undefined) {
    const holding = Object.keys(r.values).filter((k) => holds(r.values[k], value, 0));
    // A document the resource's arguments do not hold as read (resolved elsewhere): every argument counts.
    if (holding.length > 0) asked = asked.filter((k) => holding.includes(k) || EXISTENCE.has(k));
  }
  if (asked.length === 0) return undefined;
  return `${r.address}'s ${asked.sort().join(", ")} depend${asked.length === 1 ? "s" : ""} on a root variable, which -var can set otherwise (blastwall reads it by its default or tfvars value), so its Deny may not apply`;
}

const EXISTENCE = new Set(["count", "for_each", "lifecycle"]);

/** Whether `v` is or holds `value` (a nested block's argument: `inline_policy[0].policy`). */
function holds(v: unknown, value: unknown, depth: number): boolean {
  if (v === value) return true;
  if (depth > 3 || v === null || typeof v !== "object") return false;
  return Object.values(v as Record<string, unknown>).some((x) => holds(x, value, depth + 1));
}
