/**
 * Within one account a resource policy that names a principal (by its ARN, or `*`) lets it act on that resource
 * with no identity Allow at all. The reach edges that read stores (a secret holding an access key, an object or a
 * table item holding a token) therefore ask these policies too, not only the principal's own rights: a secret
 * policy granting the agent `secretsmanager:GetSecretValue` is the incident's path as surely as an identity policy.
 *
 * Naming the account root grants nothing on its own (the account's identity policies decide), so it is left out.
 * A policy naming a role's ARN is capped by that role's permission boundary (AWS applies the boundary's implicit
 * deny to grants made to the role ARN); one naming a user's ARN, everyone, or a session of the role
 * (`arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION`) is not. The principal's own Denies are not read here: red-team
 * round 75 showed each reading of them a bypass (test/engine/lambda-permission-rt74.test.ts).
 *
 * An `aws_lambda_permission` is a resource policy too, of one statement: `lambda:GetFunction` returns the
 * function's environment, so a permission naming the agent reads whatever credential that environment holds.
 */
import type { Grant, PrincipalNode } from "../analysis-types";
import type { Statement } from "../iam/types";
import type { TfResource, TfStack } from "../terraform/types";
import { effectiveRights } from "../iam/evaluate";
import { globCovers, globMatch, globsIntersect } from "../iam/glob";
import { attributePattern, hasInterpolation, resolveToPattern } from "../terraform/tokens";
import { accessPointBuckets } from "../s3-access-points";
import { accessPointDelegation, admittedAs, denyNames, grantsEveryone, lambdaPermissionStatement, mayName, resourcePolicyDocument, resourcePolicyUniverse } from "../resource-policies";
import { publicWriteAcls } from "../s3-acl-grants";

/** The store-holding resources a policy type is attached to, as ARN patterns (the bucket's objects included). */
const ATTACHED: Readonly<Record<string, { readonly attribute: string; readonly arns: (stack: TfStack, r: TfResource) => readonly string[] }>> = {
  aws_secretsmanager_secret: { attribute: "policy", arns: (stack, r) => [attributePattern(stack, r, "arn").pattern] },
  aws_secretsmanager_secret_policy: { attribute: "policy", arns: (stack, r) => [secretArnPattern(stack, r.values.secret_arn)] },
  aws_s3_bucket: { attribute: "policy", arns: (stack, r) => bucketArns(attributePattern(stack, r, "bucket").pattern) },
  aws_s3_bucket_policy: { attribute: "policy", arns: (stack, r) => bucketArns(patternOf(stack, r.values.bucket)) },
  // An access point's policy grants on the access point, which stands for its bucket (see s3-access-points.ts).
  aws_s3_access_point: { attribute: "policy", arns: (stack, r) => accessPointArns(attributePattern(stack, r, "arn").pattern) },
  aws_s3control_access_point_policy: { attribute: "policy", arns: (stack, r) => accessPointArns(patternOf(stack, r.values.access_point_arn)) },
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

/**
 * A secret policy's `secret_arn`. Written out, it may be a partial ARN (`...:secret:deploy-key`), which names the
 * secret of that name whatever random suffix AWS added (`deploy-key-AbCdEf`): it is read as a prefix. That may take
 * in a secret with a longer name too, which only makes the policy grant more reads: the safe direction.
 */
function secretArnPattern(stack: TfStack, v: unknown): string {
  const pattern = patternOf(stack, v);
  const literal = typeof v === "string" && !hasInterpolation(v);
  return literal && !pattern.endsWith("*") ? `${pattern}*` : pattern;
}

function accessPointArns(ap: string): string[] {
  return [ap, `${ap}/object/*`];
}

/** A bucket policy's `bucket` is a name (an ARN is accepted too): the bucket and its objects. */
function bucketArns(bucket: string): string[] {
  const arn = bucket.startsWith("arn:") ? bucket : `arn:aws:s3:::${bucket}`;
  return [arn, `${arn}/*`];
}

export interface AttachedPolicy {
  /** The resource type whose policy this is: what it can grant (see `resourcePolicyUniverse`). */
  readonly type: string;
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
      const doc = resourcePolicyDocument(stack, res, attribute);
      // A bucket's delegation to its access points grants no one on its own (see `accessPointDelegation`).
      const allows = doc.statements.filter((s) => (s.effect === "Allow" || s.unknown !== undefined) && !accessPointDelegation(stack, res, s));
      if (allows.length === 0) continue;
      list.push({ type, arns: arns(stack, res), allows, denies: doc.statements.filter((s) => s.effect === "Deny" && s.unknown === undefined) });
    }
  }
  list.push(...lambdaPermissions(stack));
  for (const acl of publicWriteAcls(stack)) list.push({ type: "aws_s3_bucket_acl", arns: acl.arns, allows: [acl.statement], denies: [] });
  policies.set(stack, (out = list));
  return out;
}

/**
 * An `aws_lambda_permission` as the statement AWS adds to the function's policy, on the function it is on (see
 * `lambdaPermissionStatement`); none for a permission to a service.
 */
export function lambdaPermission(stack: TfStack, res: TfResource): AttachedPolicy | undefined {
  const statement = lambdaPermissionStatement(stack, res);
  return statement && { type: res.type, arns: statement.resources ?? ["*"], allows: [statement], denies: [] };
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
  const out = grantsFrom(attachedPolicies(stack), p, action);
  // What an access point's policy grants lands on its bucket's objects.
  return out.map((g) => {
    const extra = g.resources.flatMap((r) => accessPointBuckets(stack, r)).filter((b, i, all) => all.indexOf(b) === i && !g.resources.some((r) => globCovers(r, b)));
    return extra.length === 0 ? g : { ...g, resources: [...g.resources, ...extra] };
  });
}

const permissions = new WeakMap<TfStack, readonly AttachedPolicy[]>();

/** The stack's `aws_lambda_permission` resources as policies on their functions (those to a service left out). */
function lambdaPermissions(stack: TfStack): readonly AttachedPolicy[] {
  let out = permissions.get(stack);
  if (out) return out;
  const list: AttachedPolicy[] = [];
  for (const res of stack.byType.get("aws_lambda_permission") ?? []) {
    const pol = lambdaPermission(stack, res);
    if (pol) list.push(pol);
  }
  permissions.set(stack, (out = list));
  return out;
}

/** Whether the stack holds a Lambda permission that may name a role or user (most do not). */
export function hasLambdaPermissions(stack: TfStack): boolean {
  return lambdaPermissions(stack).length > 0;
}

/**
 * The grants of `action` that the stack's Lambda permissions give `p` on their functions: for the compute edges,
 * where a permission letting the agent (or everyone) call lambda:UpdateFunctionCode hands it the function's role as
 * surely as an identity Allow (red-team round 73). Same reading as `resourcePolicyGrantsTo`.
 */
export function lambdaPermissionGrantsTo(stack: TfStack, p: PrincipalNode, action: string): Grant[] {
  return grantsFrom(lambdaPermissions(stack), p, action);
}

function grantsFrom(policies: readonly AttachedPolicy[], p: PrincipalNode, action: string): Grant[] {
  const out: Grant[] = [];
  if (p.kind === "group") return out; // a group is no caller: its members are
  const lower = action.toLowerCase();
  for (const pol of policies) {
    for (const allow of pol.allows) {
      // Most statements do not grant the action at all: skip them before evaluating.
      if (allow.unknown === undefined && allow.actions && !allow.actions.some((a) => globMatch(a, lower, CI))) continue;
      const candidate = { arnPattern: p.arnPattern };
      if (!mayName(allow, candidate)) continue;
      const boundary = (p.kind === "role" || p.kind === "permission-set") && boundaryCaps(allow, p) ? p.boundary?.document.statements : undefined;
      for (const c of admittedAs(allow, candidate)) {
        const rights = effectiveRights({
          principal: allow.source.address,
          identity: [allow, ...pol.denies.filter((d) => denyNames(d, c))],
          boundary,
          universe: resourcePolicyUniverse(pol.type),
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

const CI = { caseInsensitive: true } as const;

/**
 * AWS caps a grant to the role's ARN by the role's permission boundary, but not one to everyone or to one of its
 * sessions (`arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION`): those reach the session itself. So the boundary
 * holds only when no identifier may be either. Any identifier that may be a session of a role of this name counts,
 * whichever account it says (the stack's is unknown): leaving the boundary out only reads more.
 */
function boundaryCaps(s: Statement, p: PrincipalNode): boolean {
  if (grantsEveryone(s)) return false;
  const session = `arn:*:sts::*:assumed-role/${p.name}/*`;
  return !(s.principals ?? []).some((spec) => spec.identifiers.some((id) => globsIntersect(id, session, CI)));
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
