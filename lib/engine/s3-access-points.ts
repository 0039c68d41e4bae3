/**
 * An S3 access point is another name for a bucket: `s3:PutObject` on
 * `arn:aws:s3:us-east-1:111111111111:accesspoint/stateap/object/network/*` writes `network/*` of the bucket behind
 * `stateap` (red-team round 85: such a grant on a Terraform state bucket passed). Every check that matches a grant to
 * buckets reads bucket ARNs (`arn:aws:s3:::BUCKET/KEY`), so an S3 grant's access point patterns are given the bucket
 * ARNs they stand for once, where a principal's rights are computed (`withAccessPointBuckets`), and the state
 * buckets, the overwrite checks, the destroy checks and the stored-credential reads all see them.
 *
 * AWS also needs the bucket policy to delegate to access points. A state bucket usually lives outside the stack,
 * where blastwall cannot see its policy: the delegation is taken to be there (fail closed).
 */
import type { EffectiveRights, Grant } from "./analysis-types";
import type { TfResource, TfStack } from "./terraform/types";
import { globCovers, globsIntersect, hasWildcard } from "./iam/glob";
import { resolveToPattern } from "./terraform/tokens";
import { resourceAccount, resourceRegion } from "./terraform/providers";
import { blocksWithDynamic } from "./reach/dynamic-blocks";
import { writtenWildPlace } from "./reach/resource-index";

/** Every access point ARN, of a single-Region access point or a Multi-Region one, and their objects. */
const ANY_ACCESS_POINT = "arn:*:s3:*:*:accesspoint/*";

/** A bucket the access point may stand for, by name (`*`: any bucket, as blastwall cannot tell which). */
type BucketName = string;

const cache = new WeakMap<TfStack, Map<string, readonly string[]>>();

/**
 * The bucket ARNs (`arn:PART:s3:::BUCKET` for the access point itself, `arn:PART:s3:::BUCKET/KEY` for its objects)
 * an S3 resource pattern reaches through access points; none when it names no access point. A single-Region access
 * point the stack makes (`aws_s3_access_point`, by its name) stands for its `bucket`; a Multi-Region one (`NAME.mrap`,
 * an alias AWS makes up) for the buckets of the stack's `aws_s3control_multi_region_access_point`s. One the stack
 * does not make, or whose bucket blastwall cannot resolve, or a wildcard over access point names, may stand for any
 * bucket.
 */
export function accessPointBuckets(stack: TfStack, pattern: string, wildPlace = false): readonly string[] {
  if (pattern === "*" || !pattern.includes(":")) return NONE;
  // Asked of every S3 pattern of every principal's grants: most are bucket ARNs, answered from the cache.
  let m = cache.get(stack);
  if (!m) cache.set(stack, (m = new Map()));
  const key = wildPlace ? `${pattern}\u0000wild` : pattern;
  let out = m.get(key);
  if (!out) m.set(key, (out = globsIntersect(pattern, ANY_ACCESS_POINT) ? compute(stack, pattern, wildPlace) : NONE));
  return out;
}

/** Whether a resource pattern may name an access point at all (`accessPointBuckets` gives none otherwise). */
function mayNameAccessPoint(pattern: string): boolean {
  return pattern !== "*" && pattern.includes(":") && globsIntersect(pattern, ANY_ACCESS_POINT);
}

/**
 * Resource lists by whether some pattern of theirs may name an access point: the grants of one statement share one list
 * (evaluate.ts), and the answer depends on the patterns alone.
 */
const mayNameList = new WeakMap<readonly string[], boolean>();

function mayNameAnyAccessPoint(resources: readonly string[]): boolean {
  let may = mayNameList.get(resources);
  if (may === undefined) mayNameList.set(resources, (may = resources.some(mayNameAccessPoint)));
  return may;
}

const NONE: readonly string[] = [];

function compute(stack: TfStack, pattern: string, wildPlace: boolean): readonly string[] {
  const fields = pattern.split(":");
  const partition = hasWildcard(fields[1] ?? "*") ? "*" : fields[1];
  const arn = (bucket: BucketName, key: string | undefined) => `arn:${partition}:s3:::${bucket}${key === undefined ? "" : `/${key}`}`;
  const m = /^arn:[^:]*:s3:([^:]*):([^:]*):accesspoint\/([^/]*)(?:\/object\/(.*))?$/.exec(pattern);
  // Not one access point by the usual shape (`arn:aws:s3:*:*:*`, `...:accesspoint*`): any bucket and any object.
  if (!m) return [arn("*", undefined)];
  const [, region, account, name, key] = m;
  // A wildcard in the name may run on into `NAME/object/KEY`: any object of any bucket.
  if (hasWildcard(name)) return [arn("*", key)];
  const buckets = name.endsWith(".mrap") || region === "" ? multiRegionBuckets(stack) : singleRegionBuckets(stack, name, region, account, wildPlace);
  return buckets.map((b) => arn(b, key)).filter(unique);
}

function unique(x: string, i: number, all: readonly string[]): boolean {
  return all.indexOf(x) === i;
}

/**
 * The buckets of the stack's access points of that name, in a place the pattern may name; `*` besides when none is
 * certainly it (a name the stack computes may be another, an access point outside the stack may bear the name, and a
 * wildcard written by hand in the region or account names the access points of that name everywhere).
 */
function singleRegionBuckets(stack: TfStack, name: string, region: string, account: string, wildPlace: boolean): BucketName[] {
  const out: BucketName[] = [];
  let certain = false;
  for (const ap of stack.byType.get("aws_s3_access_point") ?? []) {
    const n = stringPattern(stack, ap.values["name"]);
    if (!globsIntersect(n.pattern, name) || elsewhere(stack, ap, region, account)) continue;
    out.push(bucketOf(stack, ap.values["bucket"]));
    if (n.exact && n.pattern === name) certain = true;
  }
  if (!certain || wildPlace) out.push("*");
  return out;
}

/** The buckets of the stack's Multi-Region Access Points; `*` when there is none, or one blastwall cannot read. */
function multiRegionBuckets(stack: TfStack): BucketName[] {
  const out: BucketName[] = [];
  const mraps = stack.byType.get("aws_s3control_multi_region_access_point") ?? [];
  if (mraps.length === 0) return ["*"];
  for (const mrap of mraps) {
    const details = blocksWithDynamic(mrap.values, "details");
    if (details.unread || details.blocks.length === 0) return ["*"];
    for (const d of details.blocks) {
      const regions = blocksWithDynamic(d, "region");
      if (regions.unread || regions.blocks.length === 0) return ["*"];
      for (const r of regions.blocks) out.push(bucketOf(stack, r["bucket"]));
    }
  }
  return out;
}

/** A `bucket` argument: a name, or a reference resolving to one; `*` when blastwall cannot tell (an Outposts ARN too). */
function bucketOf(stack: TfStack, v: unknown): BucketName {
  const p = stringPattern(stack, v);
  if (p.pattern === "" || p.pattern.startsWith("arn:") || p.pattern.includes("/")) return "*";
  return p.pattern;
}

function stringPattern(stack: TfStack, v: unknown): { readonly pattern: string; readonly exact: boolean } {
  if (typeof v !== "string" || v === "") return { pattern: "*", exact: false };
  const r = resolveToPattern(stack, v);
  return { pattern: r.pattern, exact: r.exact && !hasWildcard(r.pattern) };
}

/** A literal region or account in the pattern other than the one the access point's provider is pinned to. */
function elsewhere(stack: TfStack, ap: TfResource, region: string, account: string): boolean {
  const a = resourceAccount(stack, ap);
  const r = resourceRegion(stack, ap);
  return (a !== undefined && /^\d{12}$/.test(account) && account !== a) || (r !== undefined && !hasWildcard(region) && region !== "" && region !== r);
}

const withBuckets = new WeakMap<EffectiveRights, EffectiveRights>();

/**
 * The rights with each S3 grant's access point patterns followed by the bucket ARNs they reach (those a pattern of
 * the grant does not already cover). After the evaluation: a request through an access point is judged against the
 * access point's ARN, so a Deny on the bucket's ARN does not stop it, and one on the access point's already has.
 */
export function withAccessPointBuckets(stack: TfStack, rights: EffectiveRights): EffectiveRights {
  const hit = withBuckets.get(rights);
  if (hit) return hit;
  let grants: Map<string, readonly Grant[]> | undefined;
  for (const [action, list] of rights.grants) {
    if (!action.startsWith("s3:")) continue;
    // Copied only when a grant changes: most S3 grants name no access point, and every agent's rights come through here.
    let next: Grant[] | undefined;
    for (let i = 0; i < list.length; i++) {
      const g = list[i];
      const extra = extraBuckets(stack, g);
      if (extra === undefined) continue;
      next ??= list.slice();
      next[i] = { ...g, resources: [...g.resources, ...extra] };
    }
    if (!next) continue;
    grants ??= new Map(rights.grants);
    grants.set(action, next);
  }
  const out = grants ? { ...rights, grants } : rights;
  withBuckets.set(rights, out);
  return out;
}

/** The bucket ARNs a grant's access point patterns reach that none of its patterns covers, first seen first; undefined for none. */
function extraBuckets(stack: TfStack, g: Grant): string[] | undefined {
  if (!mayNameAnyAccessPoint(g.resources)) return undefined;
  let extra: string[] | undefined;
  for (const r of g.resources) {
    // Where a pattern naming no access point writes its wildcards does not matter: it reaches no bucket through one.
    if (!mayNameAccessPoint(r)) continue;
    for (const b of accessPointBuckets(stack, r, writtenWildPlace(stack, g, r))) {
      if (extra?.includes(b) || g.resources.some((x) => globCovers(x, b))) continue;
      (extra ??= []).push(b);
    }
  }
  return extra;
}

/**
 * Whether an S3 action can be made through an access point: object operations and a few bucket reads (AWS's "access
 * point compatibility" list). A bucket's configuration (its policy, versioning, lifecycle, deletion) cannot: a grant
 * that holds only through access points never hands those over. Read wide where unsure (any action on objects).
 */
export function throughAccessPoint(action: string): boolean {
  const a = action.toLowerCase();
  if (!a.startsWith("s3:") || /^s3:(?:put|delete|create)bucket/.test(a)) return false;
  return /object|multipart|bypassgovernanceretention|^s3:listbucket|^s3:getbucket/.test(a);
}

/** The stack's single-Region access points that may sit on a bucket of this name pattern. */
export function accessPointsOn(stack: TfStack, bucket: string): readonly TfResource[] {
  return (stack.byType.get("aws_s3_access_point") ?? []).filter((ap) => globsIntersect(bucketOf(stack, ap.values["bucket"]), bucket));
}

/** The stack's access point of exactly this name (`stateap` of `arn:...:accesspoint/stateap`), on a bucket of this name pattern. */
export function accessPointNamed(stack: TfStack, name: string, bucket: string): TfResource | undefined {
  if (hasWildcard(name)) return undefined;
  return accessPointsOn(stack, bucket).find((ap) => {
    const n = stringPattern(stack, ap.values["name"]);
    return n.exact && n.pattern === name;
  });
}
