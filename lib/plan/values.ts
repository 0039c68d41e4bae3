/** Small helpers to read `before` / `after` values of a plan change without printing sensitive ones. */
import { isObject } from "../engine/json";
import type { PlanChange, PlanResourceChange } from "./types";

export type Path = readonly (string | number)[];

/** The value at `path`, or undefined. */
export function getPath(value: unknown, path: Path): unknown {
  let v: unknown = value;
  for (const key of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<string | number, unknown>)[key as never];
  }
  return v;
}

export type AfterValue = { readonly state: "known"; readonly value: unknown } | { readonly state: "unknown" };

/** The planned value at `path`: known, or unknown until apply (`after_unknown` marks it). */
export function afterValue(change: PlanChange, path: Path): AfterValue {
  if (markedAt(change.after_unknown, path)) return { state: "unknown" };
  return { state: "known", value: getPath(change.after, path) };
}

/** True when a marker tree (`after_unknown`, `*_sensitive`) is `true` at `path` or at one of its prefixes. */
export function markedAt(markers: unknown, path: Path): boolean {
  let m: unknown = markers;
  for (const key of path) {
    if (m === true) return true;
    if (m === null || typeof m !== "object") return false;
    m = (m as Record<string | number, unknown>)[key as never];
  }
  return m === true;
}

export function isSensitive(change: PlanChange, path: Path): boolean {
  return markedAt(change.before_sensitive, path) || markedAt(change.after_sensitive, path);
}

/** A value for a report line: JSON text, `(sensitive)` when marked so, `(known after apply)`, `(not set)`. */
export function show(change: PlanChange, path: Path, value: unknown, unknown = false): string {
  if (unknown) return "(known after apply)";
  if (isSensitive(change, path)) return "(sensitive)";
  if (value === undefined || value === null) return "(not set)";
  const s = typeof value === "string" ? JSON.stringify(value) : JSON.stringify(value);
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
}

/** `["ebs_block_device", 0, "size"]` → `ebs_block_device[0].size`. */
export function formatPath(path: Path): string {
  let out = "";
  for (const p of path) out += typeof p === "number" ? `[${p}]` : out === "" ? p : `.${p}`;
  return out;
}


/** True for `true` and `"true"` (any case): tag values and some provider booleans arrive as strings. */
export function truthy(v: unknown): boolean {
  return v === true || (typeof v === "string" && v.trim().toLowerCase() === "true");
}

export function num(v: unknown): number | undefined {
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (typeof v === "string" && /^-?\d+(\.\d+)?$/.test(v.trim())) return Number(v);
  return undefined;
}

/**
 * The value of tag `key` in `tags` or `tags_all` of an object, if any: a map (the aws provider), or a list of
 * `{ key, value }` objects (the Cloud Control provider, awscc, writes most resources' tags so).
 */
export function tagValue(values: unknown, key: string, type?: string): unknown {
  if (!isObject(values)) return undefined;
  for (const field of ["tags", "tags_all"]) {
    const tags = values[field];
    if (isObject(tags) && key in tags) return tags[key];
    const listed = listedTag(tags, key);
    if (listed !== undefined) return listed;
  }
  // An Auto Scaling group writes its tags as `tag` blocks of key and value.
  const blocks = type === "aws_autoscaling_group" ? values["tag"] : undefined;
  if (Array.isArray(blocks)) for (const b of blocks) if (isObject(b) && b["key"] === key) return b["value"];
  return undefined;
}

/** The value of tag `key` in a list of `{ key, value }` objects (awscc), if it is one and holds the key. */
export function listedTag(tags: unknown, key: string): unknown {
  if (!Array.isArray(tags)) return undefined;
  for (const t of tags) if (isObject(t) && t["key"] === key) return t["value"];
  return undefined;
}

/** True when the change has a prior object (`before`) and a planned one (`after`): update or replace. */
export function hasBeforeAndAfter(rc: PlanResourceChange): boolean {
  return isObject(rc.change.before) && (isObject(rc.change.after) || rc.change.after_unknown === true);
}

/** The actions as a comma list: `delete, create`. */
export function actionList(actions: readonly string[]): string {
  return actions.join(", ");
}

export function isDelete(actions: readonly string[]): boolean {
  return actions.includes("delete");
}

/**
 * True for an in-place update or a replace (both have a before and an after object). A replace that forgets the old
 * object (`["create","forget"]`, `["forget","create"]`: `lifecycle { destroy = false }`) is one too: the object the
 * configuration manages at the address goes from before to after all the same.
 */
export function isUpdateOrReplace(actions: readonly string[]): boolean {
  return actions.includes("update") || (actions.includes("create") && (actions.includes("delete") || actions.includes("forget")));
}

export { isObject };
