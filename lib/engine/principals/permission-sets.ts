/**
 * IAM Identity Center permission sets as principals. A permission set is no IAM principal itself: Identity Center
 * provisions it as a role, `AWSReservedSSO_<name>_<16 hex digits>` under `/aws-reserved/sso.amazonaws.com/` (with a
 * region segment for some instances), in every account it is assigned to, and whoever signs in with it (an agent run
 * with a developer's session among them) calls AWS as a session of that role. So its policies are judged as a role's,
 * and trusts and resource policies see the reserved role's ARN.
 */
import type { TfResource, TfStack } from "../terraform/types";
import { resolveToPattern } from "../terraform/tokens";

export const PERMISSION_SET = "aws_ssoadmin_permission_set";

/** The attachment resources that hang identity policies on a permission set, and what they name it by. */
export const PERMISSION_SET_POLICY_TYPES = [
  "aws_ssoadmin_permission_set_inline_policy",
  "aws_ssoadmin_managed_policy_attachment",
  "aws_ssoadmin_customer_managed_policy_attachment",
] as const;

export const PERMISSION_SET_BOUNDARY_TYPE = "aws_ssoadmin_permissions_boundary_attachment";
export const ACCOUNT_ASSIGNMENT_TYPE = "aws_ssoadmin_account_assignment";

/** How the note on the accounts a permission set is judged in starts (findings show it beside the principal). */
export const PERMISSION_SET_ACCOUNTS_NOTE = "accounts: ";

/** A permission set's ARN: `arn:aws:sso:::permissionSet/ssoins-<instance>/ps-<id>`. */
export const PERMISSION_SET_ARN = /^arn:[^:]*:sso:::permissionSet\/(ssoins-[^/]+)\/(ps-[^/]+)$/;

/**
 * The ARN pattern of the roles a permission set named `name` (a glob when computed) becomes: in any account (its
 * assignments add up across stacks and the console) and any partition (a GovCloud or China instance's roles are
 * `arn:aws-us-gov:` / `arn:aws-cn:`; a pattern pinned to `arn:aws:` was never admitted by such a trust). `*` before the
 * role name stands for the optional region segment; the 16 `?` are the suffix Identity Center appends, so `Agent`
 * does not stand for `Agent_Dev`'s roles.
 */
export function reservedRolePattern(name: string): string {
  const role = /^[*?]*$/.test(name) ? "AWSReservedSSO_*" : `AWSReservedSSO_${name}_${"?".repeat(16)}`;
  return `arn:*:iam::*:role/aws-reserved/sso.amazonaws.com/*${role}`;
}

/** The permission set's name as written: the literal, or a pattern for one known only at apply time. */
export function permissionSetName(stack: TfStack, r: TfResource): { readonly name: string; readonly exact: boolean } {
  const n = r.values["name"];
  if (typeof n !== "string") return { name: "*", exact: false };
  const rp = resolveToPattern(stack, n);
  return { name: rp.pattern, exact: rp.exact && !/[*?]/.test(rp.pattern) };
}

/**
 * The ARN patterns a write on the permission set itself names: its own ARN (its id is assigned by AWS, so any
 * `ps-*` of its instance, or of any instance when that cannot be read) and its instance, which the sso: calls that
 * change a permission set are authorised on as well.
 */
export function permissionSetSelfArns(stack: TfStack, r: TfResource): string[] {
  const known = typeof r.values["arn"] === "string" && PERMISSION_SET_ARN.test(r.values["arn"] as string) ? (r.values["arn"] as string) : undefined;
  const raw = r.values["instance_arn"];
  const rp = typeof raw === "string" ? resolveToPattern(stack, raw) : undefined;
  const instance = rp?.exact ? /^arn:[^:]*:sso:::instance\/(ssoins-[^/*?]+)$/.exec(rp.pattern)?.[1] : undefined;
  const own = known ?? `arn:*:sso:::permissionSet/${instance ?? "*"}/ps-*`;
  return [own, `arn:*:sso:::instance/${instance ?? "*"}`];
}

/**
 * A permission set's `session_duration` in seconds: ISO 8601 (`PT1H`, `PT8H30M`), one hour when unset. `unreadable`
 * for an expression or a value that is no such duration: AWS refuses a malformed one, and an expression may be up to
 * the 12 hours Identity Center allows.
 */
export function sessionSeconds(stack: TfStack, r: TfResource): { readonly state: "unset" } | { readonly state: "set"; readonly seconds: number; readonly raw: string } | { readonly state: "unreadable"; readonly raw: string } {
  const raw = r.values["session_duration"];
  if (raw === undefined || raw === null) return { state: "unset" };
  if (typeof raw !== "string") return { state: "unreadable", raw: JSON.stringify(raw) };
  const rp = resolveToPattern(stack, raw);
  if (!rp.exact) return { state: "unreadable", raw };
  const m = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$/i.exec(rp.pattern.trim());
  if (!m || (m[1] === undefined && m[2] === undefined && m[3] === undefined)) return { state: "unreadable", raw };
  return { state: "set", seconds: Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0), raw: rp.pattern };
}
