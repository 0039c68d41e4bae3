/**
 * Within one account a resource policy that names a principal (by its ARN, or `*`) lets it act on that resource
 * with no identity Allow at all. The reach edges that read stores (a secret holding an access key, an object or a
 * table item holding a token) therefore ask these policies too, not only the principal's own rights: a secret
 * policy granting the agent `secretsmanager:GetSecretValue` is the incident's path as surely as an identity policy.
 *
 * Naming the account root grants nothing on its own (the account's identity policies decide), so it is left out.
 * A policy naming a role's ARN is capped by that role's permission boundary (AWS applies the boundary's implicit
 * deny to grants made to the role ARN); one naming a user's ARN, everyone, or a session of the role
 * (`arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION`) is not.
 *
 * An `aws_lambda_permission` is a resource policy too, of one statement: `lambda:GetFunction` returns the
 * function's environment, so a permission naming the agent reads whatever credential that environment holds.
 */
import type { Grant, PrincipalNode } from "../analysis-types";
import type { Condition, Statement } from "../iam/types";
import type { TfResource, TfStack } from "../terraform/types";
import { effectiveRights } from "../iam/evaluate";
import { globCovers, globsIntersect } from "../iam/glob";
import { makeSource } from "../iam/policy-json";
import { actionUniverse } from "../universe";
import { attributePattern, hasInterpolation, refTarget, resolveToPattern } from "../terraform/tokens";
import { admittedAs, denyNames, grantsEveryone, mayName, resourcePolicyDocument } from "../resource-policies";
import { publicWriteAcls } from "../s3-acl-grants";

/** The store-holding resources a policy type is attached to, as ARN patterns (the bucket's objects included). */
const ATTACHED: Readonly<Record<string, { readonly attribute: string; readonly arns: (stack: TfStack, r: TfResource) => readonly string[] }>> = {
  aws_secretsmanager_secret: { attribute: "policy", arns: (stack, r) => [attributePattern(stack, r, "arn").pattern] },
  aws_secretsmanager_secret_policy: { attribute: "policy", arns: (stack, r) => [secretArnPattern(stack, r.values.secret_arn)] },
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

/** A bucket policy's `bucket` is a name (an ARN is accepted too): the bucket and its objects. */
function bucketArns(bucket: string): string[] {
  const arn = bucket.startsWith("arn:") ? bucket : `arn:aws:s3:::${bucket}`;
  return [arn, `${arn}/*`];
}

export interface AttachedPolicy {
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
      const allows = doc.statements.filter((s) => s.effect === "Allow" || s.unknown !== undefined);
      if (allows.length === 0) continue;
      list.push({ arns: arns(stack, res), allows, denies: doc.statements.filter((s) => s.effect === "Deny" && s.unknown === undefined) });
    }
  }
  for (const res of stack.byType.get("aws_lambda_permission") ?? []) {
    const pol = lambdaPermission(stack, res);
    if (pol) list.push(pol);
  }
  for (const acl of publicWriteAcls(stack)) list.push({ arns: acl.arns, allows: [acl.statement], denies: [] });
  policies.set(stack, (out = list));
  return out;
}

/**
 * An `aws_lambda_permission` as the statement AWS adds to the function's policy: `principal` may call `action` on
 * the function. What cannot be read exactly is read wide (fail closed): anyone, every Lambda action, any function.
 * A service principal (`events.amazonaws.com`) is no role or user of the stack, so its permission is left out.
 */
export function lambdaPermission(stack: TfStack, res: TfResource): AttachedPolicy | undefined {
  const v = res.values;
  const principal = exactOr(stack, v.principal, "*");
  if (isServicePrincipal(principal)) return undefined;
  const arns = [functionArn(stack, v.function_name)];
  const statement: Statement = {
    source: makeSource(res.address, 0, typeof v.statement_id === "string" ? v.statement_id : undefined, undefined, res.constructPath),
    effect: "Allow",
    actions: [exactOr(stack, v.action, "lambda:*").toLowerCase()],
    resources: arns,
    principals: [{ type: "AWS", identifiers: [principal] }],
    conditions: permissionConditions(v),
    // A principal resolved from a reference stands for the value it will take, as in a policy document.
    ...(typeof v.principal === "string" && hasInterpolation(v.principal) ? { approximatePrincipals: true } : {}),
  };
  return { arns, allows: [statement], denies: [] };
}

/** The value when it resolves exactly, else the wide reading given. */
function exactOr(stack: TfStack, v: unknown, wide: string): string {
  if (typeof v !== "string" || v === "") return wide;
  const r = resolveToPattern(stack, v);
  return r.exact ? r.pattern : wide;
}

/** `events.amazonaws.com`, `lambda.alexa-appkit.amazon.com`: a service, not an ARN, an account id or everyone. */
const isServicePrincipal = (p: string) => p !== "*" && !p.startsWith("arn:") && !/^\d{12}$/.test(p) && p.includes(".");

/**
 * The ARN pattern of the function a permission is on: the function's own when `function_name` refers to one of the
 * stack, else from the name, partial ARN or ARN written. A qualifier (`:prod`, a version) is read as the function:
 * a version holds the environment the function had when it was published, which is what the stack shows.
 */
function functionArn(stack: TfStack, v: unknown): string {
  const ref = refTarget(v);
  const fn = ref && stack.byAddress.get(ref.address);
  if (fn && fn.type === "aws_lambda_function") return attributePattern(stack, fn, "arn").pattern;
  const written = exactOr(stack, v, "*");
  if (written === "*") return "*";
  if (written.startsWith("arn:")) return written.split(":").slice(0, 7).join(":");
  const partial = /^([0-9]{12}):function:([^:]+)/.exec(written);
  if (partial) return `arn:aws:lambda:*:${partial[1]}:function:${partial[2]}`;
  return `arn:aws:lambda:*:*:function:${written.split(":")[0]}`;
}

/**
 * The conditions AWS writes into the function's policy for `source_arn`, `source_account` and `principal_org_id`.
 * A conditional Allow still counts (its condition may hold); they are kept so the grant reads as conditional.
 */
function permissionConditions(v: Readonly<Record<string, unknown>>): Condition[] {
  const out: Condition[] = [];
  const add = (arg: string, operator: string, key: string) => {
    const value = v[arg];
    if (value !== undefined && value !== null && value !== "") out.push({ operator, key, values: [String(value)] });
  };
  add("source_arn", "ArnLike", "AWS:SourceArn");
  add("source_account", "StringEquals", "AWS:SourceAccount");
  add("principal_org_id", "StringEquals", "aws:PrincipalOrgID");
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
      const boundary = p.kind === "role" && boundaryCaps(allow, p) ? p.boundary?.document.statements : undefined;
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
