/**
 * An MCP server endpoint on a CloudFront distribution of the stack (red-team round 164, F7): by its `domain_name`, an
 * alias, or a Route 53 record pointing at it. CloudFront picks the cache behaviour whose `path_pattern` matches the
 * request path (the first in order, else the default one) and sends the request to that behaviour's origin (or each
 * member of an origin group) at `https://ORIGIN_DOMAIN` + `origin_path` + the path; a POST keeps its Authorization
 * header, so the gateway's credential goes on to that origin. Each origin URL is read as the endpoint would be (an API,
 * a function URL, a custom domain, an AgentCore runtime, a load balancer or S3 website, which run no role of the stack
 * blastwall can see). What cannot be followed is unknown reach, named: origins or behaviours blastwall cannot read, and
 * a CloudFront Function or Lambda@Edge function on the request, which may send it to another origin or path.
 */
import type { TfResource, TfStack } from "../terraform/types";
import { blocks } from "../json";
import { resolveToPattern } from "../terraform/tokens";

export const CLOUDFRONT = "aws_cloudfront_distribution";

/** A path blastwall cannot read, put where the request path goes in an origin URL: it parses as an unknown value. */
export const UNREAD_PATH = "${path_blastwall_cannot_read}";

/** Where a distribution sends the request: origin URLs to read as the endpoint, and what it cannot follow. */
export interface Forwards {
  readonly endpoints: readonly string[];
  readonly unknown?: string;
}

type Block = Record<string, unknown>;

/** A block list as written; undefined where it is no list of blocks (a variable, a `dynamic` block). */
function readBlocks(v: unknown): Block[] | undefined {
  if (v === undefined || v === null) return [];
  const list = blocks(v);
  const whole = Array.isArray(v) ? list.length === v.length : list.length === 1;
  return whole && !list.some((b) => "dynamic" in b) ? list : undefined;
}

function literal(stack: TfStack, v: unknown): string | undefined {
  if (typeof v !== "string") return undefined;
  const p = resolveToPattern(stack, v);
  return p.exact ? p.pattern : undefined;
}

/** CloudFront's path pattern match: case-sensitive, `*` any run of characters, `?` one; the leading `/` optional. */
function patternMatches(pattern: string, path: string): boolean {
  const body = pattern.replace(/^\/?/, "/").replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${body}$`).test(path);
}

/** The behaviours that may serve `path` (undefined: unreadable, every one), or undefined where they cannot be read. */
function behaviours(stack: TfStack, d: TfResource, path: string | undefined): Block[] | undefined {
  const ordered = readBlocks(d.values["ordered_cache_behavior"]);
  const fallback = readBlocks(d.values["default_cache_behavior"]);
  if (!ordered || !fallback) return undefined;
  // A percent-escape left in the path may or may not be decoded before the patterns are matched: any behaviour.
  if (path === undefined || path.includes("%")) return [...ordered, ...fallback];
  const out: Block[] = [];
  for (const b of ordered) {
    const pattern = literal(stack, b["path_pattern"]);
    // A pattern blastwall cannot read may match: that behaviour may serve it, and so may the next.
    if (pattern === undefined) out.push(b);
    else if (patternMatches(pattern, path)) return [...out, b];
  }
  return [...out, ...fallback];
}

/** The function CloudFront runs on a behaviour's requests before the origin sees them, if any. */
function requestFunction(b: Block): string | undefined {
  const fns = readBlocks(b["function_association"]);
  const edge = readBlocks(b["lambda_function_association"]);
  if (!fns || !edge) return "functions blastwall cannot read";
  if (fns.some((f) => f["event_type"] !== "viewer-response")) return "a CloudFront Function";
  if (edge.some((f) => f["event_type"] !== "viewer-response" && f["event_type"] !== "origin-response")) return "a Lambda@Edge function";
  return undefined;
}

/** The origins a behaviour sends to: its `target_origin_id`'s, or an origin group's members; every one if unreadable. */
function targetOrigins(stack: TfStack, d: TfResource, b: Block, origins: readonly Block[]): Block[] {
  const id = literal(stack, b["target_origin_id"]);
  const groups = readBlocks(d.values["origin_group"]) ?? [];
  const group = id === undefined ? undefined : groups.find((g) => literal(stack, g["origin_id"]) === id);
  const ids = group ? (readBlocks(group["member"]) ?? []).map((m) => literal(stack, m["origin_id"])) : [id];
  const hits = origins.filter((o) => ids.includes(literal(stack, o["origin_id"])));
  return ids.includes(undefined) || hits.length === 0 ? [...origins] : hits;
}

/** Where distribution `d` sends a request for `path` (normalised; undefined where blastwall cannot read it). */
export function cloudFrontForwards(stack: TfStack, d: TfResource, path: string | undefined): Forwards {
  const origins = readBlocks(d.values["origin"]);
  if (!origins || origins.length === 0) return { endpoints: [], unknown: `${d.address}, a CloudFront distribution, has origins blastwall cannot read (origin), so what it sends the call to is not in view` };
  const chosen = behaviours(stack, d, path);
  const unknown: string[] = [];
  if (!chosen) unknown.push(`${d.address}, a CloudFront distribution, has cache behaviours blastwall cannot read, so it may send the call to any of its origins`);
  const endpoints = new Set<string>();
  for (const b of chosen ?? [{}]) {
    const fn = chosen ? requestFunction(b) : undefined;
    const where = typeof b["path_pattern"] === "string" ? `the cache behaviour for ${b["path_pattern"]}` : "its default cache behaviour";
    if (fn) unknown.push(`${d.address}, a CloudFront distribution, runs ${fn} on the requests of ${where}, which may send the call to another origin or path than it names`);
    for (const o of chosen ? targetOrigins(stack, d, b, origins) : origins) {
      const domain = o["domain_name"];
      const originPath = o["origin_path"];
      if (typeof domain !== "string" || (originPath !== undefined && originPath !== null && typeof originPath !== "string")) {
        unknown.push(`an origin of ${d.address}, a CloudFront distribution, has a domain_name or origin_path blastwall cannot read`);
        continue;
      }
      endpoints.add(`https://${domain}${(originPath as string | undefined | null) ?? ""}${fn || path === undefined ? UNREAD_PATH : path}`);
    }
  }
  return { endpoints: [...endpoints], ...(unknown.length > 0 ? { unknown: [...new Set(unknown)].join("; ") } : {}) };
}

/** The distribution's `aliases` as written, each a pattern; none where the list cannot be read. */
export function aliasPatterns(stack: TfStack, d: TfResource): string[] {
  const v = d.values["aliases"];
  return Array.isArray(v) ? v.filter((a): a is string => typeof a === "string").map((a) => resolveToPattern(stack, a).pattern) : [];
}
