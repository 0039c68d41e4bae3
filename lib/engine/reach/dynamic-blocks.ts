/**
 * `dynamic` blocks blastwall reads as far as it can (red-team round 66: a `dynamic "compute_config"` or
 * `dynamic "bootstrap_action"` read as no block at all). Terraform JSON writes them under a body's `dynamic` key,
 * `{ "dynamic": { "<name>": { "for_each": ..., "content": { ... } } } }` (or lists of such objects); the HCL reader
 * keeps there the ones it cannot expand. Their content's iterator references (`<name>.value.x`) resolve to nothing
 * blastwall knows, so what they set reads as unknown, which is the fail-closed reading.
 */
import { blocks, isObject } from "../json";

/**
 * The contents of the `dynamic "<name>"` blocks of a body: each an object, or undefined where the content is not an
 * object blastwall can read (it may then set anything).
 */
export function dynamicContents(body: unknown, name: string): (Record<string, unknown> | undefined)[] {
  const out: (Record<string, unknown> | undefined)[] = [];
  for (const spec of dynamicSpecs(body, name)) {
    const content = isObject(spec) ? spec["content"] : undefined;
    const list = Array.isArray(content) ? content : [content];
    for (const c of list) out.push(isObject(c) ? c : undefined);
    if (list.length === 0) out.push(undefined);
  }
  return out;
}

/** The `dynamic "<name>"` blocks of a body as written (`{ for_each, iterator?, content }`, or what stands there). */
export function dynamicSpecs(body: unknown, name: string): unknown[] {
  if (!isObject(body)) return [];
  const out: unknown[] = [];
  const dyn = body["dynamic"];
  for (const d of Array.isArray(dyn) ? dyn : [dyn]) {
    if (!isObject(d) || d[name] === undefined || d[name] === null) continue;
    out.push(...(Array.isArray(d[name]) ? (d[name] as unknown[]) : [d[name]]));
  }
  return out;
}

/** Whether a body has a `dynamic "<name>"` block. */
export function hasDynamic(body: unknown, name: string): boolean {
  return dynamicContents(body, name).length > 0;
}

/**
 * The blocks `name` of a body: the static ones, then the contents of its `dynamic "<name>"` blocks (also in
 * `dynamic`, for a reader that must treat what comes from an iterator with care). `unread` when a dynamic content, or
 * the attribute itself (`action = "${stage.value}"`), is not something blastwall can read as blocks.
 */
export function blocksWithDynamic(body: unknown, name: string): { blocks: Record<string, unknown>[]; dynamic: Record<string, unknown>[]; unread: boolean } {
  if (!isObject(body)) return { blocks: [], dynamic: [], unread: false };
  const v = body[name];
  const contents = dynamicContents(body, name);
  const dynamic = contents.filter((c): c is Record<string, unknown> => c !== undefined);
  const unread = contents.some((c) => c === undefined) || (v !== undefined && v !== null && !isObject(v) && !Array.isArray(v));
  return { blocks: [...blocks(v), ...dynamic], dynamic, unread };
}
