/**
 * Identity policies IAM would certainly refuse to create (MalformedPolicyDocument, LimitExceeded). After
 * `terraform apply` such a policy does not exist while the principal's other, independent policies do: a Deny in it
 * must not be relied on (red-team round 75). Its Allows still count (fail closed: over-report). Only rules the IAM
 * documentation states are checked:
 * - an identity policy must not specify a principal (`Principal`, `NotPrincipal`);
 * - a `Sid` in IAM holds only ASCII letters and digits (`[0-9A-Za-z]*`);
 * - size quotas, whitespace not counted: a managed policy (also as a permissions boundary) 6,144 characters; inline
 *   policies together 10,240 per role, 5,120 per group, 2,048 per user.
 * Resource policies (bucket policies...) take a Principal and other Sids: this is never applied to them.
 */
import { replaceInterpolations } from "./policy-json";
import type { PolicyDocument } from "./types";

export const MANAGED_POLICY_MAX = 6144;
// A permission set's inline policy is provisioned as an inline policy of its reserved role: the role's quota is the
// lowest it may meet, and the lower one is the side that relies on fewer Denies.
export const INLINE_POLICY_MAX = { role: 10240, group: 5120, user: 2048, "permission-set": 10240 } as const;

const SID = /^[0-9A-Za-z]*$/;

/** Why IAM would certainly refuse `doc` as an identity policy, or undefined. `maxLength`: its size quota, if one applies alone. */
export function identityPolicyProblem(doc: PolicyDocument, maxLength?: number): string | undefined {
  for (const s of doc.statements) {
    const at = `statement ${s.source.index}${s.source.sid ? ` (${s.source.sid})` : ""}`;
    const sid = s.source.sid;
    // A Terraform template may render anything; a directive may drop the text around it.
    if (sid !== undefined && !sid.includes("%{") && !SID.test(replaceInterpolations(sid, ""))) {
      return `${at} has Sid "${sid}", and IAM accepts only letters and digits in a Sid: the policy would not be created`;
    }
    if (s.unknown === undefined && (s.principals !== undefined || s.notPrincipals !== undefined)) {
      return `${at} names a ${s.principals !== undefined ? "Principal" : "NotPrincipal"}, which IAM refuses in an identity policy: the policy would not be created`;
    }
  }
  if (maxLength !== undefined && doc.minLength !== undefined && doc.minLength > maxLength) {
    return `the policy has at least ${doc.minLength} characters (whitespace not counted), over IAM's quota of ${maxLength}: it would not be created`;
  }
  return undefined;
}
