import { isObject } from "../json";
import type { TfResource, TfStack } from "./types";
import { isSettable } from "./settable-providers";

/**
 * The account a provider configuration is pinned to, when the configuration says so literally: a single
 * `allowed_account_ids` entry, or the account in the (last) `assume_role.role_arn`. A variable's default proves
 * nothing about the account a deploy uses (`-var` overrides it), and a pinned account proves two providers' accounts
 * different and a Deny naming it certain: one read from a variable leaves the provider unpinned (red-team round 90).
 */
export function providerAccount(stack: TfStack, key: string): string | undefined {
  return pinnedAccount(stack, key, (v) => v, true);
}

/**
 * The same, reading a `role_arn` that is a variable (`${var.x}`) as its default: for a rule to which an account it
 * may run in is cause to report (a backup copy that may stay in the plan's own account), never to report less.
 */
export function providerAccountAsDefaulted(stack: TfStack, key: string): string | undefined {
  return pinnedAccount(stack, key, (v) => literalOf(stack, v));
}

/**
 * `marked`: a setting the HCL reader marks as read from a root variable (settable-providers.ts) counts as unread, as
 * `${var.x}` does in Terraform JSON: that reader writes the variable's default in its place.
 */
function pinnedAccount(stack: TfStack, key: string, read: (v: unknown) => unknown, marked = false): string | undefined {
  const body = stack.providers?.get(providerConfigKey(key));
  if (!body) return undefined;
  const allowed = marked && isSettable(body, "allowed_account_ids") ? undefined : body["allowed_account_ids"];
  if (Array.isArray(allowed) && allowed.length === 1 && typeof allowed[0] === "string" && /^\d{12}$/.test(allowed[0])) return allowed[0];
  // Several assume_role blocks are a chain: the credentials, and so the account, are the last role's.
  const assume = marked && isSettable(body, "assume_role") ? undefined : body["assume_role"];
  const chain = Array.isArray(assume) ? assume.filter(isObject) : isObject(assume) ? [assume] : [];
  const last = chain[chain.length - 1];
  const arn = read(last?.["role_arn"]);
  const m = typeof arn === "string" ? /^arn:aws[a-z-]*:iam::(\d{12}):role\//.exec(arn) : null;
  return m ? m[1] : undefined;
}

/** A value as written, or a variable's default (`${var.x}`), which is what blastwall reads variables as. */
function literalOf(stack: TfStack, v: unknown): unknown {
  const m = typeof v === "string" ? /^\$\{var\.([A-Za-z_][A-Za-z0-9_-]*)\}$/.exec(v) : null;
  return m ? stack.variables.get(m[1]) : v;
}

/**
 * Whether a provider configuration may run in an account other than the one the stack's plain default provider runs
 * in, without saying which: an alias, or a role, web identity or profile it cannot read.
 */
export function providerElsewhere(stack: TfStack, key: string): boolean {
  if (key !== "aws") return true;
  const body = stack.providers?.get(key);
  return body !== undefined && (body["assume_role"] !== undefined || body["assume_role_with_web_identity"] !== undefined || body["profile"] !== undefined);
}

/** A `provider` argument as a reference (`aws.x`, `aws.by_region["a"]`), without the `${ }` JSON may wrap it in. */
export function providerRef(v: unknown): string | undefined {
  if (typeof v !== "string") return undefined;
  const ref = v.replace(/^\$\{\s*([\s\S]*?)\s*\}$/, "$1").trim();
  return ref === "" ? undefined : ref;
}

/**
 * The provider block a reference names: the reference without an instance key. OpenTofu's provider `for_each` (1.9+)
 * makes instances of one block (`aws.by_region["a"]`): the block's arguments that do not depend on `each` hold for all
 * of them, and those that do are not literal there.
 */
export function providerConfigKey(ref: string): string {
  const i = ref.indexOf("[");
  return i < 0 ? ref : ref.slice(0, i).trim();
}

/**
 * Whether two provider references certainly name one configuration: the same text, naming no instance or an instance
 * by a literal key (`aws.by_region[each.key]` written by two resources may be two instances).
 */
export function sameProvider(a: string, b: string): boolean {
  return a === b && /^[^[]*(\["(?:[^"\\]|\\.)*"\])?$/.test(a);
}

/**
 * The provider configuration key of a resource (its `provider` argument, else the default `aws`). A reference to a
 * provider of another local name (`required_providers { amazon = { source = "hashicorp/aws" } }`) is that
 * configuration, never silently the default one.
 */
export function providerKeyOf(r: TfResource): string {
  return providerRef(r.values["provider"]) ?? "aws";
}

/** The account a resource's provider (its `provider` argument, else the default `aws`) is pinned to, when it is. */
export function resourceAccount(stack: TfStack, r: TfResource): string | undefined {
  return providerAccount(stack, providerKeyOf(r));
}

/**
 * The literal region of a resource (its own `region` argument, else its provider configuration's), if it has one.
 * An own `region` blastwall cannot read (a variable, a value known after apply) is not known: it never falls back to
 * the provider's, as the resource may be made in any region (red-team round 127).
 */
export function resourceRegion(stack: TfStack, r: TfResource): string | undefined {
  const own = r.values["region"];
  if (setsOwnRegion(own)) return typeof own === "string" && !own.includes("${") ? own : undefined;
  const region = stack.providers?.get(providerConfigKey(providerKeyOf(r)))?.["region"];
  return typeof region === "string" && !region.includes("${") ? region : undefined;
}

/**
 * The `region` argument (AWS provider 6) of a resource or data source, as written, when it sets one blastwall cannot
 * read (`var.dr_region`, a reference known after apply); undefined when it sets none (its provider's region holds) or
 * a literal one.
 */
export function unknownOwnRegion(r: TfResource): string | undefined {
  const own = r.values["region"];
  if (!setsOwnRegion(own) || (typeof own === "string" && !own.includes("${"))) return undefined;
  if (typeof own !== "string") return JSON.stringify(own);
  // A lone interpolation is shown as the expression it is (`var.dr_region`).
  return /^\$\{[^{}]*\}$/.test(own) ? own.slice(2, -1).trim() : own;
}

/** Whether a `region` value sets a region of the resource's own: null and "" leave the provider's (as the provider reads them). */
function setsOwnRegion(v: unknown): boolean {
  return v !== undefined && v !== null && v !== "";
}

/** The account an IAM ARN or ARN pattern names literally, if it does. */
export function arnAccount(arn: string): string | undefined {
  return /^arn:[^:]*:iam::(\d{12}):/.exec(arn)?.[1];
}

/** Whether the principal of an ARN (pattern) may sit in `account`: either left open counts as may. */
export function maySitIn(arn: string, account: string | undefined): boolean {
  const theirs = arnAccount(arn);
  return account === undefined || theirs === undefined || theirs === account;
}

/**
 * The partition a region puts its resources in (`cn-` regions aws-cn, `us-gov-` aws-us-gov, the isolated regions and
 * an unknown region any partition, every other region aws): an ARN written for `arn:aws:` names nothing elsewhere.
 */
export function regionPartition(region: string | undefined): string {
  if (region === undefined || /^[a-z]{2}-iso/.test(region)) return "*";
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  return "aws";
}
