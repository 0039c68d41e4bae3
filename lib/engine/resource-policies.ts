import type { PrincipalNode } from "./analysis-types";
import type { TfResource, TfStack } from "./terraform/types";
import type { Condition, PolicyDocument, Statement } from "./iam/types";
import { grantIsHarmless, loadCatalogue } from "./catalogue";
import { effectiveRights } from "./iam/evaluate";
import { principalAdmits, type TrustCandidate } from "./iam/trust";
import { globCovers } from "./iam/glob";
import { actionUniverse } from "./universe";
import { ActionUniverse } from "./iam/actions";
import { accessPointNamed, accessPointsOn, throughAccessPoint } from "./s3-access-points";
import { resourceAccount } from "./terraform/providers";
import { policyFromValue } from "./terraform/policy-documents";
import { publicWriteAcls } from "./s3-acl-grants";
import { makeSource, unknownDocument } from "./iam/policy-json";
import { blocksWithDynamic } from "./reach/dynamic-blocks";
import { attributePattern, hasInterpolation, refTarget, resolveToPattern } from "./terraform/tokens";

/** Resources whose policy document grants rights to principals named in it, and the attribute holding it. */
export const RESOURCE_POLICIES: readonly [type: string, attribute: string][] = [
  ["aws_s3_bucket_policy", "policy"],
  ["aws_s3_bucket", "policy"],
  ["aws_backup_vault_policy", "policy"],
  ["aws_kms_key", "policy"],
  ["aws_kms_key_policy", "policy"],
  // Keys with imported material and multi-Region replicas carry key policies of their own.
  ["aws_kms_external_key", "policy"],
  ["aws_kms_replica_key", "policy"],
  ["aws_kms_replica_external_key", "policy"],
  ["aws_secretsmanager_secret_policy", "policy"],
  ["aws_secretsmanager_secret", "policy"],
  ["aws_dynamodb_resource_policy", "policy"],
  ["aws_glacier_vault", "access_policy"],
  ["aws_efs_file_system_policy", "policy"],
  ["aws_ecr_repository_policy", "policy"],
  ["aws_opensearch_domain_policy", "access_policies"],
  ["aws_opensearch_domain", "access_policies"],
  ["aws_elasticsearch_domain_policy", "access_policies"],
  ["aws_elasticsearch_domain", "access_policies"],
  ["aws_glue_resource_policy", "policy"],
  ["aws_s3_access_point", "policy"],
  ["aws_s3control_access_point_policy", "policy"],
  ["aws_s3tables_table_bucket_policy", "resource_policy"],
  ["aws_s3tables_table_policy", "resource_policy"],
  ["aws_sqs_queue_policy", "policy"],
  ["aws_sqs_queue", "policy"],
  ["aws_codeartifact_domain_permissions_policy", "policy_document"],
  ["aws_codeartifact_repository_permissions_policy", "policy_document"],
  ["aws_s3control_bucket_policy", "policy"],
  ["aws_s3vectors_vector_bucket_policy", "policy"],
  // Aurora DSQL cluster policies grant within the cluster's account only (red-team round 128: one allowing an agent
  // dsql:DbConnectAdmin was not read).
  ["aws_dsql_cluster_policy", "policy"],
  ["aws_cloudsearch_domain_service_access_policy", "access_policy"],
  ["aws_ecrpublic_repository_policy", "policy"],
  ["aws_media_store_container_policy", "policy"],
  // A Multi-Region Access Point's policy sits in its `details` block: `block.argument` (see resourcePolicyValue).
  ["aws_s3control_multi_region_access_point_policy", "details.policy"],
];

/**
 * The services whose actions a resource policy of each type can grant: AWS evaluates a resource policy only for
 * requests on its resource, so `Action: "*"` in a bucket policy is every S3 action, never ec2:TerminateInstances
 * (red-team round 85). Each as the service's documentation of its resource-based policies has it; a directory bucket's
 * policy takes S3 Express actions, an Outposts bucket's or access point's S3 on Outposts ones. A type missing here is
 * read as granting any action (fail closed).
 */
const ACCESS_POINT = "s3 through an access point";

const POLICY_SERVICES: Readonly<Record<string, readonly string[]>> = {
  aws_s3_bucket_policy: ["s3", "s3express"],
  aws_s3_bucket: ["s3"],
  aws_s3_bucket_acl: ["s3"],
  // An access point's policy grants what can be done through it (see `throughAccessPoint`).
  aws_s3_access_point: [ACCESS_POINT],
  aws_s3control_access_point_policy: [ACCESS_POINT, "s3-outposts"],
  aws_s3control_multi_region_access_point_policy: [ACCESS_POINT],
  aws_s3control_bucket_policy: ["s3-outposts"],
  aws_s3tables_table_bucket_policy: ["s3tables"],
  aws_s3tables_table_policy: ["s3tables"],
  aws_s3vectors_vector_bucket_policy: ["s3vectors"],
  aws_dsql_cluster_policy: ["dsql"],
  aws_backup_vault_policy: ["backup"],
  aws_kms_key: ["kms"],
  aws_kms_key_policy: ["kms"],
  aws_kms_external_key: ["kms"],
  aws_kms_replica_key: ["kms"],
  aws_kms_replica_external_key: ["kms"],
  aws_secretsmanager_secret_policy: ["secretsmanager"],
  aws_secretsmanager_secret: ["secretsmanager"],
  aws_dynamodb_resource_policy: ["dynamodb"],
  aws_glacier_vault: ["glacier"],
  aws_efs_file_system_policy: ["elasticfilesystem"],
  aws_ecr_repository_policy: ["ecr"],
  aws_ecrpublic_repository_policy: ["ecr-public"],
  aws_opensearch_domain_policy: ["es"],
  aws_opensearch_domain: ["es"],
  aws_elasticsearch_domain_policy: ["es"],
  aws_elasticsearch_domain: ["es"],
  aws_glue_resource_policy: ["glue"],
  aws_sqs_queue_policy: ["sqs"],
  aws_sqs_queue: ["sqs"],
  aws_codeartifact_domain_permissions_policy: ["codeartifact"],
  aws_codeartifact_repository_permissions_policy: ["codeartifact"],
  aws_cloudsearch_domain_service_access_policy: ["cloudsearch"],
  aws_media_store_container_policy: ["mediastore"],
  aws_lambda_permission: ["lambda"],
};

const universes = new Map<string, ActionUniverse>();

/**
 * The actions a resource policy of `type` can grant, as the universe its statements are evaluated over: every reader
 * of resource policies evaluates them over this one, so `*` means the same everywhere.
 */
export function resourcePolicyUniverse(type: string): ActionUniverse {
  return universeOf(POLICY_SERVICES[type]);
}

function universeOf(services: readonly string[] | undefined): ActionUniverse {
  if (!services) return actionUniverse();
  const key = services.join(",");
  let u = universes.get(key);
  if (!u) universes.set(key, (u = new ActionUniverse(actionUniverse().names.filter((a) => inServices(services, a)))));
  return u;
}

function inServices(services: readonly string[], action: string): boolean {
  return services.includes(action.slice(0, action.indexOf(":")).toLowerCase()) || (services.includes(ACCESS_POINT) && throughAccessPoint(action));
}

/** Whether a resource policy of `type` can grant `action` at all (see `resourcePolicyUniverse`). */
export function resourcePolicyCanGrant(type: string, action: string): boolean {
  const services = POLICY_SERVICES[type];
  return !services || inServices(services, action);
}

/** A bucket policy statement that holds only for requests made through access points, and which (see `accessPointDelegation`). */
export interface AccessPointDelegation {
  /** What the condition names, for messages: `the access points of account 111111111111`. */
  readonly named: string;
  /**
   * Access points it may name that the stack does not make (another account's, any of an account the stack makes
   * none in on this bucket, a pattern): whom their policies admit cannot be seen.
   */
  readonly unseen: boolean;
}

const BUCKET_POLICIES = new Set(["aws_s3_bucket_policy", "aws_s3_bucket"]);
const POSITIVE = /^(?:StringEquals|StringEqualsIgnoreCase|StringLike|ArnEquals|ArnLike)$/i;

/**
 * AWS's delegation of a bucket to its access points (red-team round 85): an Allow conditioned on
 * s3:DataAccessPointAccount or s3:DataAccessPointArn (with an operator that needs the key, or Null = false) holds
 * only for requests through access points, which must allow the request themselves (their policy, or the caller's
 * identity policy on the access point's ARN). So it grants no one anything on its own: the access points' policies,
 * when the stack makes them, are judged as resource policies of their own, and identity grants on them reach the
 * bucket (see s3-access-points.ts). Undefined for any other statement.
 */
export function accessPointDelegation(stack: TfStack, res: TfResource, s: Statement): AccessPointDelegation | undefined {
  if (!BUCKET_POLICIES.has(res.type) || s.unknown !== undefined || s.effect !== "Allow") return undefined;
  const keyed = (k: string) => s.conditions.filter((c) => c.key.toLowerCase() === k && (POSITIVE.test(c.operator) || (/^Null$/i.test(c.operator) && c.values.every((v) => v === "false"))));
  const accounts = keyed("s3:dataaccesspointaccount");
  const arns = keyed("s3:dataaccesspointarn");
  if (accounts.length === 0 && arns.length === 0) return undefined;
  const bucket = res.type === "aws_s3_bucket" ? attributePattern(stack, res, "bucket").pattern : bucketName(stack, res.values["bucket"]);
  const pinned = resourceAccount(stack, res);
  const aps = accessPointsOn(stack, bucket);
  const values = (cs: readonly Condition[]) => (cs.some((c) => /^Null$/i.test(c.operator)) ? ["*"] : cs.flatMap((c) => c.values));
  // Every condition must hold: the narrowest of them says which access points.
  if (arns.length > 0) {
    const named = values(arns);
    const unseen = named.some((a) => {
      const m = /^arn:[^:]*:s3:[^:]*:([^:]*):accesspoint\/([^/]+)$/.exec(a);
      return !m || (pinned !== undefined && /^\d{12}$/.test(m[1]) && m[1] !== pinned) || accessPointNamed(stack, m[2], bucket) === undefined;
    });
    return { named: `the access point${named.length > 1 ? "s" : ""} ${named.join(", ")}`, unseen };
  }
  const named = values(accounts);
  const other = named.some((a) => !/^\d{12}$/.test(a) || (pinned !== undefined && a !== pinned));
  const whose = named.length === 1 && named[0] !== "*" ? `account ${named[0]}` : `accounts ${named.join(", ")}`;
  return { named: `the access points of ${whose}`, unseen: other || aps.length === 0 };
}

/** A bucket policy's `bucket`: a name, an ARN's name, or a pattern blastwall resolves it to. */
function bucketName(stack: TfStack, v: unknown): string {
  if (typeof v !== "string" || v === "") return "*";
  const p = resolveToPattern(stack, v).pattern;
  return p.startsWith("arn:") ? p.replace(/^arn:[^:]*:s3:::/, "") : p;
}

/** A delegation whose access points blastwall cannot all see, with what it would let their policies hand on. */
export interface UnseenDelegation extends AccessPointDelegation {
  readonly resource: TfResource;
  readonly statement: Statement;
  readonly actions: readonly string[];
}

/** The resource policies the stack writes (of the types `only` keeps), each read once, with its certain Denies. */
function* writtenPolicies(stack: TfStack, only?: (type: string) => boolean): Generator<{ res: TfResource; doc: PolicyDocument; denies: Statement[] }> {
  for (const [type, attribute] of RESOURCE_POLICIES) {
    if (only && !only(type)) continue;
    for (const res of stack.byType.get(type) ?? []) {
      const value = resourcePolicyValue(res, attribute);
      if (value === undefined || value === null || value === "") continue;
      const doc = resourcePolicyDocument(stack, res, attribute);
      yield { res, doc, denies: doc.statements.filter((s) => s.effect === "Deny" && s.unknown === undefined) };
    }
  }
}

const delegations = new WeakMap<TfStack, readonly UnseenDelegation[]>();

/** The stack's bucket policy statements that delegate destroy rights to access points it does not make. */
export function unseenDelegations(stack: TfStack): readonly UnseenDelegation[] {
  let out = delegations.get(stack) as UnseenDelegation[] | undefined;
  if (out) return out;
  out = [];
  const cat = loadCatalogue();
  for (const { res, doc, denies } of writtenPolicies(stack, (type) => BUCKET_POLICIES.has(type))) {
    for (const statement of doc.statements) {
      const d = accessPointDelegation(stack, res, statement);
      if (!d?.unseen) continue;
      const actions = rightsLeft(statement, denies, ANY_CALLER, "destroy", "aws_s3_access_point").sort((a, b) => cat.rank(a) - cat.rank(b));
      if (actions.length > 0) out.push({ ...d, resource: res, statement, actions });
    }
  }
  delegations.set(stack, out);
  return out;
}

/** Stands for a policy in a block blastwall cannot read: `resourcePolicyDocument` reads it as an unknown document. */
const UNREAD_BLOCK: unique symbol = Symbol("unread block");

/**
 * The value a RESOURCE_POLICIES attribute names: a top-level argument, or `block.argument` in a nested block, static or
 * the content of a `dynamic "block"` (red-team round 74: a dynamic `details` was read as no policy at all). A block
 * blastwall cannot read as one (a dynamic content that is a token) leaves the policy unknown: fail closed.
 */
export function resourcePolicyValue(res: TfResource, attribute: string): unknown {
  const [block, argument] = attribute.split(".");
  if (argument === undefined) return res.values[block];
  const found = blocksWithDynamic(res.values, block);
  const value = found.blocks[0]?.[argument];
  return found.unread && (value === undefined || value === null || value === "") ? UNREAD_BLOCK : value;
}

const documents = new WeakMap<TfStack, Map<string, PolicyDocument>>();

/**
 * The resource policy a resource of the stack writes in `attribute`, read once per stack: the grant rules, the store
 * reads of the reach graph and the search for agents outside the stack all judge the same documents.
 */
export function resourcePolicyDocument(stack: TfStack, res: TfResource, attribute: string): PolicyDocument {
  let m = documents.get(stack);
  if (!m) documents.set(stack, (m = new Map()));
  const key = `${res.address}\u0000${attribute}`;
  let doc = m.get(key);
  if (!doc) {
    const value = resourcePolicyValue(res, attribute);
    doc =
      value === UNREAD_BLOCK
        ? unknownDocument(res.address, `${attribute.split(".")[0]} is a block blastwall cannot read (a dynamic block's content, or a token)`, undefined, res.constructPath)
        : policyFromValue(stack, value, { address: res.address, constructPath: res.constructPath });
    m.set(key, doc);
  }
  return doc;
}

/** One Allow statement of a resource policy in the stack, with the catalogue actions it grants. */
export interface ResourcePolicyGrant {
  readonly resource: TfResource;
  readonly statement: Statement;
  /**
   * In catalogue order: what the statement grants once the policy's Denies that certainly apply to every caller
   * are taken off. A Deny naming some principals takes rights from those alone: see `actionsGrantedTo`.
   */
  readonly actions: string[];
  /** The policy's Deny statements. */
  readonly denies: readonly Statement[];
}

/**
 * Which catalogue actions a collection keeps: destroy and protection rights (what a grant hands over directly),
 * or the rights to rewrite a resource policy (which hand over everything on that resource).
 */
export type GrantKind = "destroy" | "rewrite";

const caches: Record<GrantKind, WeakMap<TfStack, readonly ResourcePolicyGrant[]>> = { destroy: new WeakMap(), rewrite: new WeakMap() };

function kept(kind: GrantKind, action: string): boolean {
  const cat = loadCatalogue();
  const c = cat.categoryOf(action);
  if (kind === "destroy") return c === "direct" || c === "protection";
  return c === "escalation" && cat.entryOf(action)?.target === "resource-policy";
}

/** Stands for any caller at all: a Deny certainly names it only when it names everyone. */
const ANY_CALLER: TrustCandidate = { arnPattern: "*" };

/** Every resource policy statement of the stack granting a right of `kind` to someone, read once per stack. */
export function resourcePolicyGrants(stack: TfStack, kind: GrantKind = "destroy"): readonly ResourcePolicyGrant[] {
  let out = caches[kind].get(stack) as ResourcePolicyGrant[] | undefined;
  if (out) return out;
  out = [];
  const cat = loadCatalogue();
  for (const { res, doc, denies } of writtenPolicies(stack)) {
    for (const statement of doc.statements) {
      if (statement.effect !== "Allow" && statement.unknown === undefined) continue;
      // Grants through access points only: see `unseenDelegations`.
      if (accessPointDelegation(stack, res, statement)) continue;
      const actions = rightsLeft(statement, denies, ANY_CALLER, kind, res.type).sort((a, b) => cat.rank(a) - cat.rank(b));
      if (actions.length > 0) out.push({ resource: res, statement, actions, denies });
    }
  }
  // A bucket ACL that lets everyone write grants as a bucket policy would (see s3-acl-grants.ts).
  for (const acl of publicWriteAcls(stack)) {
    const actions = rightsLeft(acl.statement, [], ANY_CALLER, kind, "aws_s3_bucket_acl").sort((a, b) => cat.rank(a) - cat.rank(b));
    if (actions.length > 0) out.push({ resource: acl.resource, statement: acl.statement, actions, denies: [] });
  }
  // A Lambda permission is one statement of the function's policy (red-team round 73): lambda:AddPermission to
  // everyone lets anyone grant itself the function.
  for (const res of stack.byType.get("aws_lambda_permission") ?? []) {
    const statement = lambdaPermissionStatement(stack, res);
    if (!statement) continue;
    const actions = rightsLeft(statement, [], ANY_CALLER, kind, res.type).sort((a, b) => cat.rank(a) - cat.rank(b));
    if (actions.length > 0) out.push({ resource: res, statement, actions, denies: [] });
  }
  caches[kind].set(stack, out);
  return out;
}

/** The agents a resource policy statement may name, each with the actions (of `kind`) it leaves them. */
export function agentsGranted(g: ResourcePolicyGrant, agents: readonly PrincipalNode[], kind: GrantKind = "destroy"): { readonly agent: PrincipalNode; readonly held: string[] }[] {
  const out: { agent: PrincipalNode; held: string[] }[] = [];
  for (const agent of agents) {
    const candidate = { arnPattern: agent.arnPattern };
    if (!mayName(g.statement, candidate)) continue;
    const capped = boundaryCap(g.statement, agent, candidate);
    const held = actionsGrantedTo(g, candidate, kind).filter((a) => !capped || capped(a));
    if (held.length > 0) out.push({ agent, held });
  }
  return out;
}

/**
 * Within one account, a resource policy that names a role by its role ARN grants only what the role's permission
 * boundary allows (an implicit deny in the boundary limits it); one that names a session (`assumed-role/...`), `*`, or
 * a user is not limited. So for an agent role with a boundary blastwall can read, admitted only by role ARNs, the
 * grant is capped by what the boundary allows (its own Denies applied); undefined when it is not capped.
 */
function boundaryCap(s: Statement, agent: PrincipalNode, candidate: TrustCandidate): ((action: string) => boolean) | undefined {
  // A permission set's sessions are its reserved role's, which carry the boundary it is provisioned with.
  if ((agent.kind !== "role" && agent.kind !== "permission-set") || !agent.boundary || s.unknown !== undefined || !s.principals || s.approximatePrincipals) return undefined;
  if (!admittingIdentifiers(s, candidate).every((p) => p.type === "AWS" && /^arn:[^:*?]+:iam::[^:]*:role\//i.test(p.id))) return undefined;
  let rights = boundaryRights.get(agent.boundary.document);
  if (!rights) boundaryRights.set(agent.boundary.document, (rights = effectiveRights({ principal: "boundary", identity: agent.boundary.document.statements, universe: actionUniverse() })));
  const held = rights;
  return (action) => held.grants.has(action.toLowerCase());
}

const boundaryRights = new WeakMap<PolicyDocument, ReturnType<typeof effectiveRights>>();

/**
 * The first Allow of a resource's policy (`attribute` of `res`) that may let `principal` call `action`, none when a Deny
 * of it certainly blocks the call, or when the principal's permission boundary caps a grant to its role ARN
 * (`boundaryCap`). For a resource policy that grants a right blastwall follows as a path (an ACM Private CA's
 * IssueCertificate, roles-anywhere.ts) rather than as a destroy right. An account principal (`...:root`, an account
 * id) admits no one on its own (red-team round 67): another account's never admits the principal, and its own
 * account's only where the principal's identity policies allow the call, which its identity grants already count (the
 * caller's to add). So whether the principal's account is known or not, such a principal is left out here.
 */
export function resourcePolicyAllows(stack: TfStack, res: TfResource, attribute: string, principal: PrincipalNode, action: string): Statement | undefined {
  const value = res.values[attribute];
  if (value === undefined || value === null || value === "" || !resourcePolicyCanGrant(res.type, action)) return undefined;
  const candidate = { arnPattern: principal.arnPattern };
  const statements = resourcePolicyDocument(stack, res, attribute).statements.map((s) =>
    s.effect !== "Allow" || s.unknown !== undefined || !s.principals ? s : { ...s, principals: s.principals.map((p) => ({ ...p, identifiers: p.identifiers.filter((id) => p.type !== "AWS" || !isAccount(id)) })) },
  );
  for (const s of principalAdmits(statements, candidate, action)) {
    const capped = boundaryCap(s, principal, candidate);
    if (!capped || capped(action)) return s;
  }
  return undefined;
}

/**
 * The actions of `g` the candidate keeps once the Denies of the same policy that certainly name it are applied
 * (empty when they take everything). Whether the Allow names the candidate at all is `mayName`'s question.
 */
export function actionsGrantedTo(g: ResourcePolicyGrant, candidate: TrustCandidate, kind: GrantKind = "destroy"): string[] {
  const cat = loadCatalogue();
  const out = new Set<string>();
  for (const c of admittedAs(g.statement, candidate)) for (const a of rightsLeft(g.statement, g.denies, c, kind, g.resource.type)) out.add(a);
  return [...out].sort((a, b) => cat.rank(a) - cat.rank(b));
}

/**
 * Who the candidate can be when the Allow admits it. A stack does not know its account, so an agent is
 * `arn:aws:iam::*:role/agents/x`; an Allow naming `arn:aws:iam::111111111111:role/agents/x` admits only that
 * one, and a Deny naming that same ARN then certainly binds whoever the Allow let in. Any other identifier leaves
 * the candidate as it is (the wider reading: a Deny must then cover all of it).
 */
export function admittedAs(s: Statement, candidate: TrustCandidate): TrustCandidate[] {
  if (s.unknown !== undefined || !s.principals || s.approximatePrincipals) return [candidate];
  const out: TrustCandidate[] = [];
  let whole = false;
  for (const { type, id } of admittingIdentifiers(s, candidate)) {
    if (type === "AWS" && id.startsWith("arn:") && globCovers(candidate.arnPattern, id, { caseInsensitive: true })) out.push({ arnPattern: id });
    else whole = true;
  }
  return whole || out.length === 0 ? [candidate] : out;
}

/** The Principal identifiers of an Allow that each admit the candidate on their own (an account root grants nothing alone). */
function admittingIdentifiers(s: Statement, candidate: TrustCandidate): { readonly type: string; readonly id: string }[] {
  const out: { type: string; id: string }[] = [];
  for (const p of s.principals ?? []) {
    for (const id of p.identifiers) {
      if (p.type === "AWS" && isAccount(id)) continue; // grants nothing on its own (see mayName)
      const one: Statement = { ...s, actions: ["*"], notActions: undefined, writtenActions: undefined, principals: [{ type: p.type, identifiers: [id] }] };
      if (principalAdmits([one], candidate, PROBE_ACTION).length > 0) out.push({ type: p.type, id });
    }
  }
  return out;
}

function rightsLeft(allow: Statement, denies: readonly Statement[], candidate: TrustCandidate, kind: GrantKind, type: string): string[] {
  // A resource policy's Deny binds only the principals it names, so the evaluator, which reads identity policies
  // (where every Deny binds the holder), is given only those Denies.
  const applying = denies.filter((d) => denyNames(d, candidate));
  const rights = effectiveRights({ principal: allow.source.address, identity: [allow, ...applying], universe: resourcePolicyUniverse(type) });
  const actions: string[] = [];
  for (const [action, grants] of rights.grants) {
    // Harmless under its conditions (a KMS grant only through a service, kms:ViaService): as for identity policies.
    if (grants.length > 0 && kept(kind, action) && !(allow.unknown === undefined && grantIsHarmless(grants[0].action, allow.conditions))) actions.push(grants[0].action);
  }
  return actions;
}

const PROBE_ACTION = "blastwall:probe";
const PROBE_ALLOW: Statement = {
  source: { address: "blastwall", index: 0 },
  effect: "Allow",
  actions: ["*"],
  principals: [{ type: "*", identifiers: ["*"] }],
  conditions: [],
};

/**
 * Does the Deny's Principal / NotPrincipal element certainly take in the candidate? Asked of trust.ts with the
 * Deny's action, resource and condition elements widened to "always", so its answer rests on the principal alone
 * (the evaluator judges the rest); keeping a single reading of principal elements matters more than the detour.
 */
export function denyNames(deny: Statement, candidate: TrustCandidate): boolean {
  const principalOnly: Statement = { ...deny, actions: ["*"], notActions: undefined, resources: undefined, notResources: undefined, approximateResources: undefined, conditions: [] };
  return principalAdmits([principalOnly, PROBE_ALLOW], candidate, PROBE_ACTION).length === 0;
}

/** `arn:aws:iam::111111111111:root` or a bare account id: the account, which delegates to its identity policies. */
const isAccount = (id: string) => id !== "*" && (/:root$/.test(id) || /^[0-9*?]{1,12}$/.test(id));

/** The statement grants to everyone: `*`, Allow with NotPrincipal, or a statement blastwall cannot read. */
export function grantsEveryone(s: Statement): boolean {
  return s.unknown !== undefined || s.notPrincipals !== undefined || (s.principals ?? []).some((p) => p.identifiers.includes("*"));
}

/**
 * Might the Allow grant the candidate on its own? It does when it names everyone or an ARN that may be the
 * candidate's. An account root is left out: naming the account only lets that account's identity policies grant,
 * and the candidate's own identity policies are judged by the rules on its own rights.
 */
export function mayName(s: Statement, candidate: TrustCandidate): boolean {
  if (s.unknown !== undefined) return true;
  if (s.principals === undefined && s.notPrincipals === undefined) return false; // AWS refuses such a resource policy
  // Widened to every action, so that the answer rests on the principal element alone.
  const principalOnly: Statement = {
    ...s,
    actions: ["*"],
    notActions: undefined,
    principals: s.principals?.map((p) => ({ ...p, identifiers: p.identifiers.filter((id) => p.type !== "AWS" || !isAccount(id)) })),
  };
  return principalAdmits([principalOnly], candidate, PROBE_ACTION).length > 0;
}

/** The statement names principals by ARN (not an account root, an account id or `*`): it grants on its own. */
export function namesPrincipals(s: Statement): boolean {
  return (s.principals ?? []).some((p) => p.type === "AWS" && p.identifiers.some((id) => id !== "*" && !isAccount(id)));
}

/**
 * An `aws_lambda_permission` as the statement AWS adds to the function's policy: `principal` may call `action` on
 * the function (the statement's source is the permission's address and its `statement_id`). What cannot be read
 * exactly is read wide (fail closed): anyone, every Lambda action, any function. A service principal
 * (`events.amazonaws.com`) is no role or user of the stack, so its permission is left out. An account id names the
 * account root, which grants nothing on its own (see `mayName`).
 */
export function lambdaPermissionStatement(stack: TfStack, res: TfResource): Statement | undefined {
  const v = res.values;
  const principal = exactOr(stack, v.principal, "*");
  if (isServicePrincipal(principal)) return undefined;
  return {
    source: makeSource(res.address, 0, typeof v.statement_id === "string" ? v.statement_id : undefined, undefined, res.constructPath),
    effect: "Allow",
    actions: [exactOr(stack, v.action, "lambda:*").toLowerCase()],
    resources: [functionArn(stack, v.function_name)],
    // On a function of the stack, the permission is on that function alone, whatever its ARN pattern may match
    // (red-team round 74: read as a pattern, it reached `fn` functions of every region and account outside the stack).
    ...(stackFunction(stack, v.function_name) ? { writtenResources: [`\${${stackFunction(stack, v.function_name)!.address}.arn}`] } : {}),
    principals: [{ type: "AWS", identifiers: [principal] }],
    conditions: permissionConditions(v),
    // A principal resolved from a reference stands for the value it will take, as in a policy document.
    ...(typeof v.principal === "string" && hasInterpolation(v.principal) ? { approximatePrincipals: true } : {}),
  };
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
  const fn = stackFunction(stack, v);
  if (fn) return attributePattern(stack, fn, "arn").pattern;
  const written = exactOr(stack, v, "*");
  if (written === "*") return "*";
  if (written.startsWith("arn:")) return written.split(":").slice(0, 7).join(":");
  const partial = /^([0-9]{12}):function:([^:]+)/.exec(written);
  if (partial) return `arn:aws:lambda:*:${partial[1]}:function:${partial[2]}`;
  return `arn:aws:lambda:*:*:function:${written.split(":")[0]}`;
}

/** The function of the stack (or a data source's) a permission's `function_name` refers to. */
function stackFunction(stack: TfStack, v: unknown): TfResource | undefined {
  const ref = refTarget(v);
  const fn = ref && stack.byAddress.get(ref.address);
  return fn && fn.type === "aws_lambda_function" ? fn : undefined;
}

/**
 * The conditions AWS writes into the function's policy for `source_arn`, `source_account`, `principal_org_id` and
 * `function_url_auth_type`. A conditional Allow still counts (its condition may hold); they are kept so the grant
 * reads as conditional.
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
  add("function_url_auth_type", "StringEquals", "lambda:FunctionUrlAuthType");
  return out;
}
