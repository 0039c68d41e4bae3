/**
 * An MCP server endpoint on a CloudFront distribution of the stack (red-team round 164, F7): by its `domain_name`, an
 * alias, or a Route 53 record pointing at it. CloudFront picks the cache behaviour whose `path_pattern` matches the
 * request path (the first in order, else the default one) and sends the request to that behaviour's origin (or each
 * member of an origin group) at `https://ORIGIN_DOMAIN` + `origin_path` + the path; a POST keeps its Authorization
 * header, so the gateway's credential goes on to that origin. Each origin URL is read as the endpoint would be (an API,
 * a function URL, a custom domain, an AgentCore runtime, a load balancer or S3 website, which run no role of the stack
 * blastwall can see). What cannot be followed is unknown reach, named: origins or behaviours blastwall cannot read, and
 * a CloudFront Function or Lambda@Edge function on the request, which may send it to another origin or path.
 * A behaviour whose `allowed_methods` leave POST out answers the gateway's POST with 403 (red-team round 169a, F6): MCP
 * sends every JSON-RPC call as a POST. A distribution with a continuous deployment policy (red-team round 169a, F1)
 * sends a share of its requests (by weight, up to 15%, or those carrying the policy's header) to the staging
 * distribution the policy names, which serves them with its own behaviours and origins: those are followed too.
 */
import { followReferences } from "../agent-tags";
import type { TfResource, TfStack } from "../terraform/types";
import { blocks } from "../json";
import { attributePattern, exactPattern, resolveToPattern } from "../terraform/tokens";
import { oneReferenced } from "../terraform/referenced";

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
    const pattern = exactPattern(stack, b["path_pattern"]);
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

/**
 * Whether a behaviour forwards a POST: its `allowed_methods` as written hold it (any case), or cannot be read (a
 * variable, an element blastwall cannot resolve), or are unset (Terraform requires them: read as any method).
 */
function forwardsPost(stack: TfStack, b: Block): boolean {
  const v = b["allowed_methods"];
  if (!Array.isArray(v)) return true;
  return v.some((m) => {
    const text = exactPattern(stack, m);
    return text === undefined || text.toUpperCase() === "POST";
  });
}

/** The origins a behaviour sends to: its `target_origin_id`'s, or an origin group's members; every one if unreadable. */
function targetOrigins(stack: TfStack, d: TfResource, b: Block, origins: readonly Block[]): Block[] {
  const id = exactPattern(stack, b["target_origin_id"]);
  const groups = readBlocks(d.values["origin_group"]) ?? [];
  const group = id === undefined ? undefined : groups.find((g) => exactPattern(stack, g["origin_id"]) === id);
  const ids = group ? (readBlocks(group["member"]) ?? []).map((m) => exactPattern(stack, m["origin_id"])) : [id];
  const hits = origins.filter((o) => ids.includes(exactPattern(stack, o["origin_id"])));
  return ids.includes(undefined) || hits.length === 0 ? [...origins] : hits;
}

/** Where distribution `d` sends a request for `path` (normalised; undefined where blastwall cannot read it). */
export function cloudFrontForwards(stack: TfStack, d: TfResource, path: string | undefined, staging = false): Forwards {
  const own = originForwards(stack, d, path);
  if (staging) return own;
  const s = stagingOf(stack, d);
  const more = s.distributions.map((x) => cloudFrontForwards(stack, x, path, true));
  const unknown = [own.unknown, s.unknown, ...more.map((m) => m.unknown)].filter((u): u is string => u !== undefined);
  return { endpoints: [...new Set([...own.endpoints, ...more.flatMap((m) => m.endpoints)])], ...(unknown.length > 0 ? { unknown: [...new Set(unknown)].join("; ") } : {}) };
}

const POLICY = "aws_cloudfront_continuous_deployment_policy";
const unset = (v: unknown): boolean => v === undefined || v === null || v === "";

/**
 * The staging distributions distribution `d` sends a share of its requests to: those its continuous deployment policy
 * (`continuous_deployment_policy_id`) names in `staging_distribution_dns_names`, by reference or by a literal domain
 * one of them is shown to have. A policy that is certainly off (`enabled = false`) sends none. A policy blastwall
 * cannot find, or a name it cannot tie to a distribution of the stack, is unknown reach naming `d`. The traffic
 * config is not read: a header-based one sends whoever adds the header, and the caller may (fail closed).
 */
function stagingOf(stack: TfStack, d: TfResource): { distributions: TfResource[]; unknown?: string } {
  const id = d.values["continuous_deployment_policy_id"];
  if (unset(id)) return { distributions: [] };
  const policy = oneReferenced(stack, id, [POLICY]);
  const share = `sends a share of its requests to a staging distribution (continuous deployment)`;
  if (!policy || policy.mode !== "managed") return { distributions: [], unknown: `${d.address}, a CloudFront distribution, ${share} under a continuous deployment policy blastwall cannot find in the stack (continuous_deployment_policy_id), whose origins may be any` };
  const enabled = policy.values["enabled"];
  if (enabled === false || (typeof enabled === "string" && exactPattern(stack, enabled) === "false")) return { distributions: [] };
  const names = readBlocks(policy.values["staging_distribution_dns_names"]);
  const items = names?.map((n) => n["items"]);
  const out = new Set<TfResource>();
  let unread = !items || items.length === 0 || items.some((i) => !Array.isArray(i));
  for (const item of (items ?? []).filter(Array.isArray).flat()) {
    const hit = stagingDistribution(stack, item);
    if (hit) out.add(hit);
    else unread = true;
  }
  const unknown = unread ? `${d.address}, a CloudFront distribution, ${share} that ${policy.address} names in staging_distribution_dns_names, which blastwall cannot tie to a distribution of the stack, so what it sends the call to is not in view` : undefined;
  return { distributions: [...out].filter((x) => x !== d), ...(unknown ? { unknown } : {}) };
}

/** The distribution of the stack a staging DNS name is: by reference, or a literal domain_name one is shown to have. */
function stagingDistribution(stack: TfStack, name: unknown): TfResource | undefined {
  const byRef = oneReferenced(stack, name, [CLOUDFRONT]);
  if (byRef) return byRef.mode === "managed" ? byRef : undefined;
  const text = exactPattern(stack, name)?.toLowerCase();
  if (text === undefined) return undefined;
  const own = (stack.byType.get(CLOUDFRONT) ?? []).filter((x) => {
    const p = attributePattern(stack, x, "domain_name");
    return x.mode === "managed" && p.exact && p.pattern.toLowerCase() === text;
  });
  return own.length === 1 ? own[0] : undefined;
}

/** Where distribution `d` sends a request for `path` by its own behaviours and origins. */
function originForwards(stack: TfStack, d: TfResource, path: string | undefined): Forwards {
  const origins = readBlocks(d.values["origin"]);
  if (!origins || origins.length === 0) return { endpoints: [], unknown: `${d.address}, a CloudFront distribution, has origins blastwall cannot read (origin), so what it sends the call to is not in view` };
  const chosen = behaviours(stack, d, path);
  const unknown: string[] = [];
  if (!chosen) unknown.push(`${d.address}, a CloudFront distribution, has cache behaviours blastwall cannot read, so it may send the call to any of its origins`);
  const endpoints = new Set<string>();
  for (const b of chosen ?? [{}]) {
    if (chosen && !forwardsPost(stack, b)) continue;
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
  // Through a local, or a variable's default (review of 0.8.0: a list written so was never read, so an endpoint on the
  // alias reached nothing), as a custom domain's name is read.
  const v = followReferences(stack, d.values["aliases"]);
  return Array.isArray(v) ? v.filter((a): a is string => typeof a === "string").map((a) => resolveToPattern(stack, a).pattern) : [];
}
