/**
 * Within one account a resource policy that names a principal (by its ARN, or `*`) lets it act on that resource
 * with no identity Allow at all. The reach edges that read stores (a secret holding an access key, an object or a
 * table item holding a token) therefore ask these policies too, not only the principal's own rights: a secret
 * policy granting the agent `secretsmanager:GetSecretValue` is the incident's path as surely as an identity policy.
 *
 * Naming the account root grants nothing on its own (the account's identity policies decide), so it is left out.
 * A policy naming a role's ARN is capped by that role's permission boundary (AWS applies the boundary's implicit
 * deny to grants made to the role ARN); one naming a user's ARN, or everyone, is not.
 */
import type { Grant, PrincipalNode } from "../analysis-types";
import type { Statement } from "../iam/types";
import type { TfResource, TfStack } from "../terraform/types";
import { effectiveRights } from "../iam/evaluate";
import { globCovers, globsIntersect } from "../iam/glob";
import { actionUniverse } from "../universe";
import { policyFromValue } from "../terraform/policy-documents";
import { attributePattern, resolveToPattern } from "../terraform/tokens";
import { admittedAs, denyNames, grantsEveryone, mayName } from "../resource-policies";

/** The store-holding resources a policy type is attached to, as ARN patterns (the bucket's objects included). */
const ATTACHED: Readonly<Record<string, { readonly attribute: string; readonly arns: (stack: TfStack, r: TfResource) => readonly string[] }>> = {
  aws_secretsmanager_secret: { attribute: "policy", arns: (stack, r) => [attributePattern(stack, r, "arn").pattern] },
  aws_secretsmanager_secret_policy: { attribute: "policy", arns: (stack, r) => [patternOf(stack, r.values.secret_arn)] },
  aws_s3_bucket: { attribute: "policy", arns: (stack, r) => bucketArns(attributePattern(stack, r, "bucket").pattern) },
  aws_s3_bucket_policy: { attribute: "policy", arns: (stack, r) => bucketArns(patternOf(stack, r.values.bucket)) },
  aws_dynamodb_resource_policy: {
    attribute: "policy",
    arns: (stack, r) => {
      const table = patternOf(stack, r.values.resource_arn);
      return [table, `${table}/index/*`];
    },
  },
};

function patternOf(stack: TfStack, v: unknown): string {
  return typeof v === "string" && v !== "" ? resolveToPattern(stack, v).pattern : "*";
}

/** A bucket policy's `bucket` is a name (an ARN is accepted too): the bucket and its objects. */
function bucketArns(bucket: string): string[] {
  const arn = bucket.startsWith("arn:") ? bucket : `arn:aws:s3:::${bucket}`;
  return [arn, `${arn}/*`];
}

interface AttachedPolicy {
  readonly arns: readonly string[];
  readonly allows: readonly Statement[];
  readonly denies: readonly Statement[];
}

const policies = new WeakMap<TfStack, readonly AttachedPolicy[]>();

function attachedPolicies(stack: TfStack): readonly AttachedPolicy[] {
  let out = policies.get(stack);
  if (out) return out;
  const list: AttachedPolicy[] = [];
  for (const [type, { attribute, arns }] of Object.entries(ATTACHED)) {
    for (const res of stack.byType.get(type) ?? []) {
      const value = res.values[attribute];
      if (value === undefined || value === null || value === "") continue;
      const doc = policyFromValue(stack, value, { address: res.address, constructPath: res.constructPath });
      const allows = doc.statements.filter((s) => s.effect === "Allow" || s.unknown !== undefined);
      if (allows.length === 0) continue;
      list.push({ arns: arns(stack, res), allows, denies: doc.statements.filter((s) => s.effect === "Deny" && s.unknown === undefined) });
    }
  }
  policies.set(stack, (out = list));
  return out;
}

/** Whether the stack holds any resource policy these grants read (most do not: then nothing is computed per principal). */
export function hasStoreResourcePolicies(stack: TfStack): boolean {
  return attachedPolicies(stack).length > 0;
}

/**
 * The grants of `action` that resource policies of the stack give `p` on their own, each on the resource its policy
 * is attached to (a statement's `*` is that resource; a pattern that names something else grants nothing there).
 */
export function resourcePolicyGrantsTo(stack: TfStack, p: PrincipalNode, action: string): Grant[] {
  const out: Grant[] = [];
  if (p.kind === "group") return out; // a group is no caller: its members are
  const lower = action.toLowerCase();
  for (const pol of attachedPolicies(stack)) {
    for (const allow of pol.allows) {
      const candidate = { arnPattern: p.arnPattern };
      if (!mayName(allow, candidate)) continue;
      // The boundary caps a grant to the role's ARN; not one to everyone (it reaches the session itself).
      const boundary = p.kind === "role" && !grantsEveryone(allow) ? p.boundary?.document.statements : undefined;
      for (const c of admittedAs(allow, candidate)) {
        const rights = effectiveRights({
          principal: allow.source.address,
          identity: [allow, ...pol.denies.filter((d) => denyNames(d, c))],
          boundary,
          universe: actionUniverse(),
        });
        for (const g of rights.grants.get(lower) ?? []) {
          const resources = onAttached(g.resources, pol.arns);
          if (resources.length > 0) out.push({ ...g, resources });
        }
      }
    }
  }
  return out;
}

/**
 * A policy grants on the resource it is attached to, whatever its Resource says: a pattern inside that resource
 * stays as written (`bucket/public/...`), a wider one (`*`, every object of every bucket) is cut down to that resource.
 */
function onAttached(patterns: readonly string[], arns: readonly string[]): string[] {
  const out = new Set<string>();
  for (const r of patterns) {
    for (const a of arns) if (globsIntersect(r, a)) out.add(globCovers(a, r) ? r : a);
  }
  return [...out];
}
