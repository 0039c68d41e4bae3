/**
 * Rights confined to the caller's own Cognito identity: a public login gives the agent an identity of its own, new
 * and empty, so a role whose every Allow that matters names only that identity's resources (Amplify's
 * `private/${cognito-identity.amazonaws.com:sub}/*`, DynamoDB rows keyed by it) gives it nothing of anyone else's
 * (round 59 #17, rounds 61 and 62). identity-pools.ts asks before it hands such a role to anyone who signs up.
 */
import type { Statement } from "../iam/types";
import type { PrincipalNode } from "../analysis-types";
import type { TfResource } from "../terraform/types";
import { globsIntersect } from "../iam/glob";
import { trustMayNamePrincipals } from "../principals/collect";
import { callerMayMeet, type TrustCandidate } from "../iam/trust";
import { effectiveRights } from "../iam/evaluate";
import { grantIsHarmless } from "../catalogue";
import { actionUniverse } from "../universe";
import { policyFromValue } from "../terraform/policy-documents";
import { RESOURCE_POLICIES, mayName, resourcePolicyDocument } from "../resource-policies";
import { lambdaPermission } from "./resource-policy-grants";
import type { LoginContext } from "./resource-index";
/** The identity's own id in a policy (`$${cognito-identity.amazonaws.com:sub}` in Terraform, `${...}` once rendered). */
const OWN_IDENTITY = /\$?\$\{cognito-identity\.amazonaws\.com:sub\}/i;

/**
 * Resources that may name a role without giving it anything: what attaches its own policies, and the Cognito
 * resources that hand it out.
 */
const ROLE_PLUMBING = new Set(["aws_iam_role_policy", "aws_iam_role_policy_attachment", "aws_iam_role_policies_exclusive", "aws_iam_role_policy_attachments_exclusive", "aws_cognito_identity_pool_roles_attachment", "aws_cognito_user_group"]);

/** Policies that only restrict what passes through them (a VPC endpoint's), whatever principal they name. */
const RESTRICTING_ONLY = new Set(["aws_vpc_endpoint", "aws_vpc_endpoint_policy"]);

const confined = new WeakMap<PrincipalNode, boolean>();

/**
 * Whether everything the role may do is confined to the caller's own Cognito identity: every Allow of its policies
 * that grants an action the analysis tracks names only resources that hold `${cognito-identity.amazonaws.com:sub}`
 * (Amplify's `private/${sub}/*`) or keeps DynamoDB to the caller's own partition (`ownPartition`), none is unreadable, and no other policy of the stack may grant the role more, whatever its own policies say (`grantedElsewhere`).
 * A computed name cannot be matched, so it never counts as confined.
 */
export function confinedToOwnIdentity(ctx: LoginContext, role: PrincipalNode): boolean {
  let hit = confined.get(role);
  if (hit === undefined) confined.set(role, (hit = computeConfined(ctx, role)));
  return hit;
}

function computeConfined(ctx: LoginContext, role: PrincipalNode): boolean {
  const statements = role.identityPolicies.flatMap((a) => a.document.statements);
  if (statements.length === 0) return false;
  for (const st of statements) {
    if (st.unknown !== undefined) return false;
    // An Allow of nothing the analysis tracks (s3:ListBucket on the bucket, with Amplify's s3:prefix condition) destroys
    // nothing and reaches no one, wherever it points; an escalation or reach right must be confined like a deletion.
    if (st.effect !== "Allow" || !tracked(st)) continue;
    if (!ownResources(st) && !ownPartition(st)) return false;
  }
  const name = role.resource.values["name"];
  if (typeof name !== "string" || name === "" || name.includes("${") || /[*?]/.test(name)) return false;
  return !grantedElsewhere(ctx, role, name);
}

/**
 * Whether a policy of the stack other than the role's own may grant it something: a trust policy of another role,
 * a resource policy (those resource-policies.ts lists, a Lambda permission, any other readable policy document of a
 * resource, a policy document data source), that may admit the role or a session of it, as the engine reads
 * principals everywhere (`mayName`): its ARN, a wildcard ARN, `arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION` (a
 * Cognito session is `.../CognitoIdentityCredentials`), or `*` and NotPrincipal under conditions that need not shut
 * it out (`callerMayMeet`: `aws:PrincipalArn` naming other roles does; `aws:PrincipalTag`, which an identity pool's
 * attribute mapping fills from the user's own claims, does not). Only statements granting an action the analysis
 * tracks count (a topic's sns:Publish grants no destroy or reach right). Any other resource that names the role (its
 * address, its ARN or session ARN, its name as a value: an EKS access entry, a KMS grant) fails closed.
 */
function grantedElsewhere(ctx: LoginContext, role: PrincipalNode, name: string): boolean {
  const stack = ctx.stack;
  const candidates: TrustCandidate[] = [{ arnPattern: role.arnPattern }, { arnPattern: `arn:aws:sts::*:assumed-role/${name}/*` }];
  // What aws:PrincipalArn holds for a session of the role: the role's ARN, in whatever partition the stack runs.
  const principalArn = role.arnPattern.replace(/^arn:[^:]*:/, "arn:*:");
  const grants = (statements: readonly Statement[]) =>
    statements.some((s) => (s.effect === "Allow" || s.unknown !== undefined) && candidates.some((c) => mayName(s, c)) && callerMayMeet(s, principalArn, undefined) && tracked(s));
  // Attributes whose policy documents are judged here; the rest of each resource is searched as text.
  const judged = new Map<TfResource, Set<string>>();
  const judge = (r: TfResource, attribute: string) => {
    let set = judged.get(r);
    if (!set) judged.set(r, (set = new Set()));
    set.add(attribute);
  };
  for (const other of ctx.roles) {
    if (other === role || other.kind !== "role" || other.external) continue;
    judge(other.resource, "assume_role_policy");
    if (!trustMayNamePrincipals(other.resource.values["assume_role_policy"])) continue;
    const trust = other.trustPolicy;
    if (!trust || grants(trust.statements)) return true;
  }
  for (const [type, attribute] of RESOURCE_POLICIES) {
    for (const r of stack.byType.get(type) ?? []) {
      judge(r, attribute);
      const v = r.values[attribute];
      if (v === undefined || v === null || v === "") continue;
      if (grants(resourcePolicyDocument(stack, r, attribute).statements)) return true;
    }
  }
  for (const r of stack.byType.get("aws_lambda_permission") ?? []) {
    judge(r, "principal");
    const pol = lambdaPermission(stack, r);
    if (pol && grants(pol.allows)) return true;
  }
  for (const r of stack.byType.get("aws_iam_policy_document") ?? []) {
    if (r.mode !== "data") continue;
    judged.set(r, new Set(Object.keys(r.values)));
    if (grants(policyFromValue(stack, `\${${r.address}.json}`, { address: r.address, constructPath: r.constructPath }).statements)) return true;
  }
  // Any other readable policy document a resource holds (a type resource-policies.ts does not list).
  for (const r of stack.resources) {
    if (r === role.resource || ROLE_PLUMBING.has(r.type) || RESTRICTING_ONLY.has(r.type) || judged.has(r)) continue;
    for (const [attribute, v] of Object.entries(r.values)) {
      if (!/polic/i.test(attribute) || typeof v !== "string" || !(/"Statement"/.test(v) || /\$\{data\.aws_iam_policy_document\.[^}]*\.json\}/.test(v))) continue;
      judge(r, attribute);
      if (grants(policyFromValue(stack, v, { address: r.address, constructPath: r.constructPath }).statements)) return true;
    }
  }
  const byAddress = `${role.address}.`;
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const byArn = new RegExp(`(?::role/(?:[^"\\s]*/)?|:assumed-role/)${escaped}(?![\\w+=,.@-])`, "i");
  const asValue = JSON.stringify(name);
  for (const r of stack.resources) {
    if (r === role.resource || ROLE_PLUMBING.has(r.type)) continue;
    const skip = judged.get(r);
    const values = skip ? Object.fromEntries(Object.entries(r.values).filter(([k]) => !skip.has(k))) : r.values;
    const text = JSON.stringify(values);
    if (text.includes(byAddress) || byArn.test(text) || text.includes(asValue)) return true;
  }
  return false;
}

/** Whether every resource an Allow names holds the identity's own id (written so: a reference cannot be told). */
function ownResources(st: Statement): boolean {
  if (!st.resources || !st.writtenResources || st.writtenResources.length !== st.resources.length) return false;
  return st.writtenResources.every((w) => OWN_IDENTITY.test(w));
}

/** The identity's own id as the whole of a condition value. */
const OWN_IDENTITY_VALUE = /^\$?\$\{cognito-identity\.amazonaws\.com:sub\}$/i;

/**
 * DynamoDB's item calls that carry `dynamodb:LeadingKeys`, the partition keys of every item they touch (the Service
 * Authorization Reference lists the key for each on the table resource). Scan, the table calls and PartiQL (whose
 * SELECT may scan: `dynamodb:FullTableScan`) are left out, and so is Query on an index, whose resource lists no such key.
 */
const LEADING_KEY_ACTIONS = new Set(["dynamodb:getitem", "dynamodb:batchgetitem", "dynamodb:query", "dynamodb:putitem", "dynamodb:updateitem", "dynamodb:deleteitem", "dynamodb:batchwriteitem", "dynamodb:conditioncheckitem"]);
const BATCH_ACTIONS = new Set(["dynamodb:batchgetitem", "dynamodb:batchwriteitem"]);
const TABLE_INDEX = "arn:*:dynamodb:*:*:table/*/index/*";

/**
 * Whether an Allow confines DynamoDB to the caller's own partition, AWS's documented per-user pattern: every action
 * is an item call named outright that carries `dynamodb:LeadingKeys`, and a condition holds that key to
 * `${cognito-identity.amazonaws.com:sub}` alone, with `ForAllValues:StringEquals` (every key of the request is the
 * caller's; true when the key is absent, which is why each action must carry it) or, where each call has one
 * partition key (no Batch call), a plain `StringEquals`. A Query must not reach an index.
 */
function ownPartition(st: Statement): boolean {
  if (!st.actions || st.notActions || !st.resources || st.resources.length === 0) return false;
  const actions = st.actions.map((a) => a.toLowerCase());
  if (!actions.every((a) => LEADING_KEY_ACTIONS.has(a))) return false;
  const keyed = st.conditions.some((c) => {
    if (c.key.toLowerCase() !== "dynamodb:leadingkeys" || c.values.length === 0 || !c.values.every((v) => OWN_IDENTITY_VALUE.test(v))) return false;
    const op = c.operator.toLowerCase();
    return op === "forallvalues:stringequals" || (op === "stringequals" && !actions.some((a) => BATCH_ACTIONS.has(a)));
  });
  if (!keyed) return false;
  return !actions.includes("dynamodb:query") || !st.resources.some((r) => globsIntersect(r, TABLE_INDEX, { caseInsensitive: true }));
}

/** Whether an Allow grants an action the analysis tracks (the catalogue's and the reach tables'), harmless ones aside. */
function tracked(s: Statement): boolean {
  if (s.unknown !== undefined) return true;
  const rights = effectiveRights({ principal: s.source.address, identity: [s], universe: actionUniverse() });
  for (const held of rights.grants.values()) if (held.length > 0 && !grantIsHarmless(held[0].action, s.conditions)) return true;
  return false;
}
