/** Small helpers over parsed JSON, shared by every reader (Terraform JSON, plans, HCL, policies). */

/** A JSON object (not null, not an array). */
export function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/**
 * Every string inside a value, depth first. Inside a value (a `tags` map, a `terraform_data` input) `"//"` is an
 * ordinary key, which Terraform keeps and AWS stores (red-team round 105): its strings count like any other.
 */
export function stringsIn(v: unknown, out: string[] = []): string[] {
  if (typeof v === "string") out.push(v);
  else if (Array.isArray(v)) for (const x of v) stringsIn(x, out);
  else if (isObject(v)) for (const k in v) stringsIn(v[k], out);
  return out;
}

/**
 * Every string of a block body (a resource's or module's values), leaving out the body's own `"//"`: Terraform JSON
 * ignores that property as a comment, and cdktf writes its construct metadata there. Nested `"//"` keys count.
 */
export function bodyStrings(body: Readonly<Record<string, unknown>>, out: string[] = []): string[] {
  for (const k in body) if (k !== "//") stringsIn(body[k], out);
  return out;
}

/** A Terraform nested block as the JSON writes it, one object or a list of them: always a list of objects. */
export function blocks(v: unknown): Record<string, unknown>[] {
  if (Array.isArray(v)) return v.filter(isObject);
  return isObject(v) ? [v] : [];
}
