/** Small helpers over parsed JSON, shared by every reader (Terraform JSON, plans, HCL, policies). */

/** A JSON object (not null, not an array). */
export function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** Every string inside a value, depth first; cdktf's `"//"` metadata is skipped. */
export function stringsIn(v: unknown, out: string[] = []): string[] {
  if (typeof v === "string") out.push(v);
  else if (Array.isArray(v)) for (const x of v) stringsIn(x, out);
  else if (isObject(v)) for (const k in v) if (k !== "//") stringsIn(v[k], out);
  return out;
}

/** A Terraform nested block as the JSON writes it, one object or a list of them: always a list of objects. */
export function blocks(v: unknown): Record<string, unknown>[] {
  if (Array.isArray(v)) return v.filter(isObject);
  return isObject(v) ? [v] : [];
}
