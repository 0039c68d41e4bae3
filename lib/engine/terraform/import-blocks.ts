/**
 * Terraform's `import` block (1.5+; cdktf's `importFrom` writes one): `to` names a resource of the configuration,
 * `id` the object that already exists in the account. On apply the object comes under this configuration, which then
 * writes its own values to it. Read from Terraform JSON as written; `for_each` on the block is read as "any id".
 */
import type { TfStack } from "./types";

export interface ImportBlock {
  /** The resource address it imports into, in root terms (`aws_iam_policy.g`, `module.m.aws_iam_role.r`). */
  readonly to: string;
  /** The id as written: a string (possibly with `${...}`), or anything else when it is not one. */
  readonly id: unknown;
}

/** The `import` blocks of a Terraform JSON configuration (the top-level `import` key: an object or a list of them). */
export function readImportBlocks(v: unknown): ImportBlock[] {
  const out: ImportBlock[] = [];
  for (const b of Array.isArray(v) ? v : [v]) {
    if (b === null || typeof b !== "object" || Array.isArray(b)) continue;
    const body = b as Record<string, unknown>;
    const to = typeof body["to"] === "string" ? body["to"].replace(/^\$\{\s*(.*?)\s*\}$/, "$1").trim() : undefined;
    if (to === undefined || to === "") continue;
    // An import repeated by for_each takes ids blastwall does not enumerate: any of them.
    out.push({ to, id: body["for_each"] !== undefined ? undefined : body["id"] });
  }
  return out;
}

/**
 * The addresses `moved` blocks move objects to (the top-level `moved` key, an object or a list): an object moved there
 * keeps the name it had, as an imported one does.
 */
export function readMovedTargets(v: unknown): string[] {
  const out: string[] = [];
  for (const b of Array.isArray(v) ? v : [v]) {
    if (b === null || typeof b !== "object" || Array.isArray(b)) continue;
    const to = (b as Record<string, unknown>)["to"];
    if (typeof to !== "string") continue;
    const address = to.replace(/^\$\{\s*(.*?)\s*\}$/, "$1").trim();
    if (address !== "") out.push(address);
  }
  return out;
}

export function stackImports(stack: TfStack): readonly ImportBlock[] {
  return stack.imports ?? [];
}
