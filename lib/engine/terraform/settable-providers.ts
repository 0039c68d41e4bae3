/**
 * Provider settings a deploy may set otherwise (red-team round 160, F1): the HCL reader reads a variable by its default,
 * so a provider's `region = var.region` reads as the default's region, and a Deny written with that literal region and
 * account was taken to cover the stack's functions, which `-var` or a tfvars file can place elsewhere, where it covers
 * nothing. The reader marks the settings that change in its reading where root variables are unknown; what asks whether
 * a resource is pinned to a region and account (invoke-denies.ts `placedArn`) treats a marked one as not pinned.
 * Keyed by the provider body object the reader hands on, which the stack keeps as it is. A resource's own `region`
 * (AWS provider 6) is marked the same way, on the resource's values object (instance.ts `markSettableRegion`).
 */
const settable = new WeakMap<object, ReadonlySet<string>>();

/** The settings of a provider's body (`region`, `allowed_account_ids`, `assume_role`...) that a deploy may set otherwise. */
export function markSettable(body: object, keys: readonly string[]): void {
  if (keys.length > 0) settable.set(body, new Set(keys));
}

/** Whether a provider body's `key` is one a deploy may set otherwise (see `markSettable`). */
export function isSettable(body: object | undefined, key: string): boolean {
  return body !== undefined && (settable.get(body)?.has(key) ?? false);
}

/** Carries the marks of `from` over to `to`, a copy of it (a module's provider, given its alias). */
export function copySettable(from: object, to: object): void {
  const keys = settable.get(from);
  if (keys) settable.set(to, keys);
}
