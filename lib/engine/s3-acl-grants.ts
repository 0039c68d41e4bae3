/**
 * S3 bucket ACLs that let everyone write. An ACL is no policy document, but WRITE on a bucket lets its grantee create,
 * overwrite and delete the bucket's objects, and WRITE_ACP lets it rewrite the ACL itself (so grant itself WRITE): a
 * `public-read-write` ACL, or a grant of either to the AllUsers or AuthenticatedUsers group (any AWS account), is a
 * bucket policy `Allow * s3:PutObject, s3:DeleteObject` in all but name, and is read as one.
 *
 * An ACL takes no effect where the stack shows it cannot: the bucket's ownership set to BucketOwnerEnforced (ACLs off),
 * or its public access block ignoring public ACLs. Settings outside the stack (an account-level public access block)
 * are not seen; an ACL written as an expression may be public (fail closed).
 */
import type { Statement } from "./iam/types";
import type { TfResource, TfStack } from "./terraform/types";
import { makeSource } from "./iam/policy-json";
import { isObject } from "./json";
import { hasInterpolation, resolveToPattern } from "./terraform/tokens";

export interface AclGrant {
  readonly resource: TfResource;
  readonly statement: Statement;
  /** The bucket and its objects, as ARN patterns. */
  readonly arns: readonly string[];
}

/** The group URIs (`http://acs.amazonaws.com/groups/global/AllUsers`), compared in lower case. */
const PUBLIC_GROUPS = /\/global\/(allusers|authenticatedusers)$/;
const OBJECT_WRITES = ["s3:putobject", "s3:deleteobject"];

const cache = new WeakMap<TfStack, readonly AclGrant[]>();

/** Every ACL of the stack that lets everyone write, as an Allow statement (read once per stack). */
export function publicWriteAcls(stack: TfStack): readonly AclGrant[] {
  let out = cache.get(stack);
  if (out) return out;
  const list: AclGrant[] = [];
  for (const r of stack.byType.get("aws_s3_bucket_acl") ?? []) {
    if (r.mode !== "managed") continue;
    // A block of at most one is written as an object by cdktf and as a list of one by Terraform; its grants either way.
    const policy = first(r.values["access_control_policy"]);
    const grants = isObject(policy) ? blocks(policy["grant"]) : [];
    const granted = [...cannedRights(stack, r.values["acl"]), ...grants.flatMap((g) => grantRights(g, "grantee", "permission"))];
    add(stack, list, r, r.values["bucket"], granted);
  }
  for (const r of stack.byType.get("aws_s3_bucket") ?? []) {
    if (r.mode !== "managed") continue;
    const grants = blocks(r.values["grant"]);
    const granted = [...cannedRights(stack, r.values["acl"]), ...grants.flatMap((g) => grantRights(g, undefined, "permissions"))];
    add(stack, list, r, r.values["bucket"], granted);
  }
  cache.set(stack, (out = list));
  return out;
}

type Right = "WRITE" | "WRITE_ACP";

function first(v: unknown): unknown {
  return Array.isArray(v) ? v[0] : v;
}

function blocks(v: unknown): unknown[] {
  return Array.isArray(v) ? v : isObject(v) ? [v] : [];
}

function add(stack: TfStack, list: AclGrant[], r: TfResource, bucketValue: unknown, rights: readonly { right: Right; why: string }[]): void {
  if (rights.length === 0) return;
  // The inline ACL of an aws_s3_bucket is its own: the other resources name it by reference.
  const named = r.type === "aws_s3_bucket" ? [`\${${r.address}.id}`, `\${${r.address}.bucket}`] : typeof bucketValue === "string" ? [bucketValue] : [];
  const bucket = bucketPattern(stack, bucketValue);
  if (aclsOff(stack, bucket, named)) return;
  const arn = bucket.startsWith("arn:") ? bucket : `arn:aws:s3:::${bucket}`;
  const write = rights.find((x) => x.right === "WRITE");
  const acp = rights.find((x) => x.right === "WRITE_ACP");
  const actions = [...(write || acp ? OBJECT_WRITES : []), ...(acp ? ["s3:putbucketacl"] : [])];
  const why = [write?.why, acp?.why].filter((x): x is string => x !== undefined).join("; ");
  const statement: Statement = {
    source: makeSource(r.address, 0, `ACL: ${why}`, undefined, r.constructPath),
    effect: "Allow",
    actions,
    resources: [arn, `${arn}/*`],
    principals: [{ type: "*", identifiers: ["*"] }],
    conditions: [],
  };
  list.push({ resource: r, statement, arns: [arn, `${arn}/*`] });
}

/** A canned ACL: `public-read-write` lets everyone write; an expression may be it. */
function cannedRights(stack: TfStack, acl: unknown): { right: Right; why: string }[] {
  if (typeof acl !== "string") return [];
  const r = hasInterpolation(acl) ? resolveToPattern(stack, acl) : { pattern: acl, exact: true };
  if (!r.exact) return [{ right: "WRITE", why: `acl ${acl}, which may be public-read-write` }];
  return r.pattern === "public-read-write" ? [{ right: "WRITE", why: "acl public-read-write" }] : [];
}

/** One grant block: a public group (or a grantee written as an expression) given WRITE, WRITE_ACP or FULL_CONTROL. */
function grantRights(g: unknown, granteeKey: string | undefined, permissionKey: string): { right: Right; why: string }[] {
  if (!isObject(g)) return [];
  const grantee = granteeKey === undefined ? g : first(g[granteeKey]);
  if (!isObject(grantee)) return [];
  const uri = grantee["uri"];
  const open = typeof uri === "string" && (hasInterpolation(uri) || PUBLIC_GROUPS.test(uri.toLowerCase()));
  if (!open) return [];
  const raw = g[permissionKey];
  const permissions = (Array.isArray(raw) ? raw : [raw]).filter((p): p is string => typeof p === "string");
  const who = typeof uri === "string" ? uri.replace(/^.*\/global\//, "") : "a group";
  const out: { right: Right; why: string }[] = [];
  for (const p of permissions) {
    const unknown = hasInterpolation(p);
    if (unknown || p === "WRITE" || p === "FULL_CONTROL") out.push({ right: "WRITE", why: `grant ${p} to ${who}` });
    if (unknown || p === "WRITE_ACP" || p === "FULL_CONTROL") out.push({ right: "WRITE_ACP", why: `grant ${p} to ${who}` });
  }
  return out;
}

function bucketPattern(stack: TfStack, v: unknown): string {
  return typeof v === "string" && v !== "" ? resolveToPattern(stack, v).pattern : "*";
}

/**
 * The stack turns ACLs off for the bucket (BucketOwnerEnforced) or has its public access block ignore public ACLs. The
 * setting must name the same bucket: by the same reference, or by the same exact name (a pattern, from `bucket_prefix`
 * or a computed name, may stand for another bucket too).
 */
function aclsOff(stack: TfStack, bucket: string, named: readonly string[]): boolean {
  const same = (r: TfResource) => {
    if (r.mode !== "managed") return false;
    const v = r.values["bucket"];
    if (typeof v === "string" && named.includes(v)) return true;
    return !/[*?]/.test(bucket) && bucketPattern(stack, v).toLowerCase() === bucket.toLowerCase();
  };
  const enforced = (stack.byType.get("aws_s3_bucket_ownership_controls") ?? []).some((r) => {
    const rule = first(r.values["rule"]);
    return same(r) && isObject(rule) && rule["object_ownership"] === "BucketOwnerEnforced";
  });
  const ignored = (stack.byType.get("aws_s3_bucket_public_access_block") ?? []).some((r) => same(r) && (r.values["ignore_public_acls"] === true || r.values["ignore_public_acls"] === "true"));
  return enforced || ignored;
}
