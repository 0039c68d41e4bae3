import type { Evidence } from "../findings";
import type { Statement } from "../iam/types";
import type { Grant, PrincipalNode, StackAnalysis } from "../analysis-types";
import type { PeerState, TfBackend, TfResource, TfStack } from "../terraform/types";
import { globMatch, globsIntersect, hasWildcard } from "../iam/glob";
import { loadCatalogue, type CatalogueEntry } from "../catalogue";
import { callerMayMeet, denyCertainlyBlocks, denyOnCallerCertainlyApplies, principalAdmits } from "../iam/trust";
import { attributePattern, refTarget } from "../terraform/tokens";
import { statementName, statementSummary } from "../describe";
import { PrincipalIndex } from "./principal-index";
import { arnAccount, providerAccount, resourceAccount } from "../terraform/providers";
import { BECOME_USER_ACTIONS, CREATE_PRINCIPAL, HIJACK_TARGETS, PASS_ROLE_SERVICES, PROVIDER_REWRITE, SERVICE_CREDENTIAL_ACTIONS, STATE_READS, isModelledPassRoleService, launchTemplateProfile, passRoleAllows, roleValueAt, passedToService, serviceCredentialServices, serviceScope, unaccountedStart, type ServiceScope } from "./compute";
import { stackCredentials, storedCredentialEdges, type DatabaseRead, type SecretRead } from "./credentials";
import { ResourceIndex } from "./resource-index";
import { trustMayNamePrincipals } from "../principals/collect";
import { hasStoreResourcePolicies, resourcePolicyGrantsTo } from "./resource-policy-grants";
import { grantsEveryone } from "../resource-policies";
import { SOURCE_WRITES, sourceNamedBy, sourceUses } from "./sources";
import { databasesWithPasswords } from "./database-passwords";
import { CLUSTER_ADMIN_WRITES, clustersOf, stackAccessOf, type Cluster } from "./clusters";
import { UNKNOWN_PREFIX, type ReachEdge } from "./types";
import { identityRightsEdges, providerPoolRoles, publicIdentityEdges, type IdentityContext, type IdentityEdge } from "./identity-pools";
import { rolesAnywhereEdges, type AnywhereContext } from "./roles-anywhere";
import { SESSION_ACCESS, clusterInstanceProfile, executionRolePins, isSessionAction, mayHaveRuntimeRoles, type SessionAccess, type SessionTarget } from "./sessions";

const USER_POOL_TYPES = ["aws_cognito_user_pool"] as const;
const ANCHOR_TYPES = ["aws_rolesanywhere_trust_anchor"] as const;
const IDENTITY_POOL_TYPES = ["aws_cognito_identity_pool"] as const;
const PCA_TYPES = ["aws_acmpca_certificate_authority"] as const;

/** Any EKS cluster's OIDC issuer as an IAM identity provider (`oidc.eks.REGION.amazonaws.com/id/ID`). */
const EKS_OIDC_PROVIDER = "arn:*:iam::*:oidc-provider/oidc.eks.*";

/**
 * Whether a resource pattern of an access-entry write may name the cluster: `eks:CreateAccessEntry` takes the
 * cluster's ARN, `eks:AssociateAccessPolicy` and `eks:UpdateAccessEntry` an access entry's, which holds the name.
 */
function clusterNamedBy(r: string, c: Cluster): boolean {
  return globsIntersect(r, c.arn) || globsIntersect(r, `${c.arn.replace(/:cluster\//, ":access-entry/")}/*`);
}

function clusterOutside(r: string, clusters: readonly Cluster[]): boolean {
  const resource = r.split(":").slice(5).join(":");
  // The access entries of one named cluster (`access-entry/main/*`): outside only if that cluster is not the stack's.
  const entries = /^access-entry\/([^/*?]+)\//.exec(resource);
  if (entries) return !clusters.some((c) => c.arn.endsWith(`:cluster/${entries[1]}`));
  if (r === "*" || /[*?]/.test(resource)) return !clusters.some((c) => c.arn === r);
  return !clusters.some((c) => clusterNamedBy(r, c));
}

/**
 * A user as the holder of credentials that work in some services only (an SSH key for CodeCommit, a service-specific
 * credential): a node of its own, whose edges and rights are the user's in those services (see
 * SERVICE_CREDENTIAL_ACTIONS). Its id names the user and the services: `aws_iam_user.ops (CodeCommit git only)`.
 */
export interface ScopedUser {
  readonly id: string;
  readonly user: PrincipalNode;
  readonly scope: ServiceScope;
}

/** The evidence step names of edges; reporters use them to draw the reach graph. */
export const EDGE_STEPS = ["assume-role", "trust-rewrite", "become-user", "join-group", "pass-role", "hijack", "credential", "state-write", "create-principal"] as const;
export type EdgeStep = (typeof EDGE_STEPS)[number];

export function grantText(g: Grant): string {
  return `${g.statement.source.address} ${statementName(g.statement)} (${statementSummary(g.statement)})`;
}

export function edgeEvidence(step: EdgeStep, to: string, label: string, why: string): Evidence {
  return { step, address: to, detail: `${label}: ${why}` };
}

/**
 * An edge whose evidence text is written only when read: thousands of edges are built and few end up in a
 * finding. A class, so every edge has one shape and the getter lives on the prototype.
 */
class LazyEdge implements ReachEdge {
  private written: Evidence[] | undefined;
  constructor(
    readonly from: string,
    readonly to: string,
    readonly label: string,
    readonly via: string | undefined,
    private readonly step: EdgeStep,
    private readonly why: () => string,
    /** A step before the edge's own (the store a credential is read from). */
    private readonly before?: Evidence,
    readonly weak?: boolean,
  ) {}

  get evidence(): Evidence[] {
    if (!this.written) {
      const own = edgeEvidence(this.step, this.to, this.label, this.why());
      this.written = this.before ? [this.before, own] : [own];
    }
    return this.written;
  }
}

/** The reach of every agent: edges computed lazily per principal and cached, breadth-first search per agent. */
export class ReachGraph {
  private readonly edges = new Map<string, ReachEdge[]>();
  private readonly secretReads = new Map<string, SecretRead[]>();
  private readonly databaseReads = new Map<string, DatabaseRead[]>();
  readonly unknownDetail = new Map<string, string>();
  private readonly roles: PrincipalIndex;
  private readonly users: PrincipalIndex;
  private readonly groups: PrincipalIndex;
  private readonly namedInTrust: Map<string, PrincipalNode[]>;
  /** Keys of `namedInTrust` that are patterns (computed names): each may name principals of other ARNs. */
  private readonly trustPatterns: readonly string[];
  private readonly openTrust: readonly PrincipalNode[];
  private readonly openSet: ReadonlySet<PrincipalNode>;
  /** Roles whose trust names a role session ARN (`assumed-role/NAME/SESSION`). */
  private readonly sessionTrusts: ReadonlySet<PrincipalNode>;
  /** The stack has resource policies on stores, which may grant reads on their own. */
  private readonly storePolicies: boolean;

  constructor(readonly stack: TfStack, readonly analysis: StackAnalysis) {
    // Agents outside the stack start chains but are never the end of one: a policy naming such a role reaches a
    // principal whose own rights lie outside the stack (an unknown node), not the little this stack gives it.
    const of = (k: string) => analysis.principals.filter((p) => p.kind === k && !p.external);
    const account = providerAccount(stack, "aws");
    this.roles = new PrincipalIndex(of("role"), "role", account);
    this.users = new PrincipalIndex(of("user"), "user", account);
    this.groups = new PrincipalIndex(of("group"), "group", account);
    const trust = indexTrust(of("role"));
    this.namedInTrust = trust.named;
    this.trustPatterns = trust.patterns;
    this.openTrust = trust.open;
    this.openSet = new Set(trust.open);
    this.sessionTrusts = trust.sessions;
    this.storePolicies = hasStoreResourcePolicies(stack);
  }

  edgesFrom(id: string): ReachEdge[] {
    if (id.startsWith(UNKNOWN_PREFIX)) return [];
    let out = this.edges.get(id);
    if (!out) {
      const p = this.analysis.byAddress.get(id);
      const scoped = p ? undefined : this.scopedUsers.get(id);
      out = p ? this.computeEdges(p) : scoped ? this.scopedEdges(scoped) : [];
      this.edges.set(id, out);
    }
    return out;
  }

  private readonly scopedUsers = new Map<string, ScopedUser>();

  /** The user and services a node of a user's service credentials stands for; undefined for other nodes. */
  scopedUser(id: string): ScopedUser | undefined {
    return this.scopedUsers.get(id);
  }

  /** The node of `user` as the holder of credentials for `services` (made on first use). */
  private scopedUserId(user: PrincipalNode, services: readonly string[]): string {
    const scope = serviceScope(services);
    const id = `${user.address} (${scope.name} only)`;
    if (!this.scopedUsers.has(id)) this.scopedUsers.set(id, { id, user, scope });
    return id;
  }

  /**
   * What a user's credentials for some services reach: in CodeCommit, what its pushes run (a pipeline or build that
   * builds the repository, or pipelines outside the stack for a push on a wildcard). Its rights in the services are
   * its capability (rules/reach-support.ts); nothing else it may do is reached: the credentials sign no AWS request.
   */
  private scopedEdges(s: ScopedUser): ReachEdge[] {
    const out: ReachEdge[] = [];
    const add = (to: string, step: EdgeStep, label: string, why: () => string, via?: string, weak?: boolean) => {
      if (to !== s.id && to !== s.user.address) out.push(new LazyEdge(s.id, to, label, via, step, why, undefined, weak));
    };
    this.sourceEdges(s.user, add, s.scope.allows);
    return out;
  }

  /** Stores the principal can read that hold a database master password of the stack (its own reads). */
  databaseReadsOf(id: string): readonly DatabaseRead[] {
    this.edgesFrom(id);
    return this.databaseReads.get(id) ?? [];
  }

  /** Stored secrets of unknown contents the principal can read (filled when its edges are computed). */
  secretReadsOf(id: string): readonly SecretRead[] {
    this.edgesFrom(id);
    return this.secretReads.get(id) ?? [];
  }

  /**
   * Breadth-first from `start`: every node it reaches, in order of distance, with the first edge into each, so
   * paths are shortest and cycles end. Nodes are numbered once per graph and each node's out-edges carry the
   * numbers of their targets, so a search is array work, not map lookups. `firstHop[k]` is the node the agent
   * steps to first on the way to `order[k]` (the link a reviewer would cut).
   */
  search(start: string): Reach {
    const s = this.indexOf(start);
    const order: number[] = [s];
    const stamp = ++this.generation;
    this.ensure(this.ids.length);
    const into: (ReachEdge | null)[] = new Array(this.ids.length);
    this.seen[s] = stamp;
    into[s] = null;
    this.hop[s] = s;
    for (let i = 0; i < order.length; i++) {
      const v = order[i];
      const { edges, targets } = this.adjacency(v);
      for (let k = 0; k < edges.length; k++) {
        const t = targets[k];
        if (t >= this.seen.length) this.ensure(t + 1);
        if (this.seen[t] === stamp) continue;
        this.seen[t] = stamp;
        into[t] = edges[k];
        this.hop[t] = v === s ? t : this.hop[v];
        order.push(t);
      }
    }
    const ids = this.ids;
    const index = this.index;
    const hopIdx = order.map((i) => this.hop[i]);
    let orderIds: string[] | undefined;
    let hopIds: string[] | undefined;
    return {
      orderIdx: order,
      hopIdx,
      get order() {
        return (orderIds ??= order.map((i) => ids[i]));
      },
      get firstHop() {
        return (hopIds ??= hopIdx.map((i) => ids[i]));
      },
      edgeInto: (id) => {
        const i = index.get(id);
        return i === undefined ? undefined : into[i];
      },
      pathTo(id) {
        const path: ReachEdge[] = [];
        for (let e = this.edgeInto(id); e; e = this.edgeInto(e.from)) path.unshift(e);
        return path;
      },
    };
  }

  /** The id of a node number (numbers are stable for the life of the graph). */
  idOf(i: number): string {
    return this.ids[i];
  }

  private readonly ids: string[] = [];
  private readonly index = new Map<string, number>();
  private readonly adj: ({ edges: ReachEdge[]; targets: Int32Array } | undefined)[] = [];
  private seen = new Int32Array(1024);
  private hop = new Int32Array(1024);
  private generation = 0;

  /** The node number of an id, numbering it if it is new. */
  numberOf(id: string): number {
    return this.indexOf(id);
  }

  /** How many nodes are numbered so far. */
  get size(): number {
    return this.ids.length;
  }

  /** A node's out-edges and their targets' numbers (computed on first use; may number new nodes). */
  outOf(v: number): { readonly edges: readonly ReachEdge[]; readonly targets: Int32Array } {
    return this.adjacency(v);
  }

  private adjacency(v: number): { edges: ReachEdge[]; targets: Int32Array } {
    let a = this.adj[v];
    if (!a) {
      const edges = this.edgesFrom(this.ids[v]);
      const targets = new Int32Array(edges.length);
      for (let k = 0; k < edges.length; k++) targets[k] = this.indexOf(edges[k].to);
      this.adj[v] = a = { edges, targets };
    }
    return a;
  }

  private ensure(n: number): void {
    if (n <= this.seen.length) return;
    let size = this.seen.length;
    while (size < n) size *= 2;
    const seen = new Int32Array(size);
    seen.set(this.seen);
    this.seen = seen;
    const hop = new Int32Array(size);
    hop.set(this.hop);
    this.hop = hop;
  }

  private indexOf(id: string): number {
    let i = this.index.get(id);
    if (i === undefined) {
      i = this.ids.length;
      this.ids.push(id);
      this.index.set(id, i);
    }
    return i;
  }

  private readonly resourceIndexes = new Map<string, ResourceIndex>();

  /** Resources of these types with their ARN patterns, indexed once per graph. */
  resourcesOf(types: readonly string[]): ResourceIndex {
    // Callers pass the same few constant arrays for every principal: look those up before joining.
    let i = this.indexByList.get(types);
    if (i) return i;
    const key = types.join(",");
    i = this.resourceIndexes.get(key);
    if (!i) this.resourceIndexes.set(key, (i = new ResourceIndex(this.stack, types)));
    this.indexByList.set(types, i);
    return i;
  }

  private readonly indexByList = new WeakMap<readonly string[], ResourceIndex>();

  private unknown(key: string, detail: string): string {
    const id = `${UNKNOWN_PREFIX}${key}`;
    if (!this.unknownDetail.has(id)) this.unknownDetail.set(id, detail);
    return id;
  }

  private grants(p: PrincipalNode, action: string): readonly Grant[] {
    // An agent's own unreadable statements open paths too, reported with them: an acknowledgement of one unreadable
    // policy must not leave the paths of the next one unreported (red-team round 15).
    return this.analysis.rightsOf(p.address).grants.get(lower(action)) ?? [];
  }

  /** Its own grants and those the stack's resource policies give it on the stores they guard (see resource-policy-grants.ts). */
  private storeGrants(p: PrincipalNode, action: string): readonly Grant[] {
    const own = this.grants(p, action);
    if (!this.storePolicies) return own;
    const granted = resourcePolicyGrantsTo(this.stack, p, action);
    return granted.length === 0 ? own : [...own, ...granted];
  }

  private computeEdges(p: PrincipalNode): ReachEdge[] {
    const out: ReachEdge[] = [];
    const add = (to: string, step: EdgeStep, label: string, why: () => string, via?: string, weak?: boolean) => {
      if (to !== p.address) out.push(new LazyEdge(p.address, to, label, via, step, why, undefined, weak));
    };
    this.assumeRoleEdges(p, add);
    this.rewriteTrustEdges(p, add);
    this.providerRewriteEdges(p, add);
    this.federatedLoginEdges(p, add);
    this.becomeUserEdges(p, add);
    this.passRoleEdges(p, add);
    this.hijackEdges(p, add);
    this.sourceEdges(p, add);
    this.outsideComputeEdges(p, add);
    this.createPrincipalEdges(p, add);
    this.clusterEdges(p, add);
    this.sessionEdges(p, add);
    const creds = storedCredentialEdges(this.stack, (types) => this.resourcesOf(types), p, (a) => this.storeGrants(p, a));
    for (const e of creds.edges) {
      const to = e.to ?? this.unknown(`credential:${e.store}`, e.detail);
      if (to === p.address) continue;
      // The store is a link of its own: a reviewer may cut the read, or move the credential out of it.
      const stored: Evidence = { step: "stored-credential", address: e.store, detail: e.storeDetail ?? "holds a credential" };
      out.push(new LazyEdge(p.address, to, e.label, undefined, "credential", () => e.detail, stored));
    }
    this.secretReads.set(p.address, creds.unknownReads);
    this.databaseReads.set(p.address, creds.databaseReads);
    this.stateEdges(p, add, out);
    // A user in some services beside the whole user adds nothing: the same link, found twice.
    const scoped = this.scopedUsers.size > 0 ? out.filter((e) => this.scopedUsers.has(e.to)) : [];
    const whole = scoped.length > 0 ? new Set(out.map((e) => e.to)) : undefined;
    const kept = whole ? out.filter((e) => !scoped.includes(e) || !whole.has(this.scopedUsers.get(e.to)!.user.address)) : out;
    // A weak edge beside a certain one to the same principal adds nothing, and could make the search show the weak one.
    if (!kept.some((e) => e.weak)) return kept;
    const certain = new Set(kept.filter((e) => !e.weak).map((e) => e.to));
    return kept.filter((e) => !e.weak || !certain.has(e.to));
  }

  private assumeRoleEdges(p: PrincipalNode, add: AddEdge): void {
    const candidate = { arnPattern: p.arnPattern };
    const named = this.namedFor(p.arnPattern, p.external);
    const namedSet = new Set(named);
    const mine = p.external ? arnAccount(p.arnPattern) : resourceAccount(this.stack, p.resource);
    // With the account pinned, the principal's ARN is known in full: a Deny naming it by literal ARN then holds. (The
    // Allows are read as before: a NotPrincipal listing a role ARN may not leave out the role's sessions.)
    const exact = mine ? { arnPattern: p.arnPattern.replace(/^(arn:[^:]*:iam::)\*:/, `$1${mine}:`) } : candidate;
    const admitted = new Map<PrincipalNode, Statement[]>();
    // An Allow whose conditions on who calls certainly exclude p admits it on no path: a trust of the account root (or
    // of anyone) narrowed by aws:PrincipalArn to `role/ci-*` does not admit a role named otherwise, whose sessions'
    // aws:PrincipalArn is its ARN (red-team round 66). Conditions blastwall does not read may be met.
    const admits = (role: PrincipalNode) => {
      let a = admitted.get(role);
      if (!a) admitted.set(role, (a = role.trustPolicy ? principalAdmits(role.trustPolicy.statements, candidate).filter((s) => callerMayMeet(s, exact.arnPattern, mine)) : []));
      return a;
    };
    for (const g of this.grants(p, "sts:AssumeRole")) {
      for (const r of g.resources) {
        // Only roles whose trust may admit p matter: test those against r rather than r against every role.
        const roles = this.roles.isWide(r)
          ? [...new Set([...named, ...this.openTrust])].filter((role) => globsIntersect(r, role.arnPattern, { caseInsensitive: true }))
          : this.roles.matching(r);
        for (const role of roles) {
          // Only a trust that names p, or admits more than exact ARNs, can admit it: skip the rest unevaluated.
          if (!namedSet.has(role) && !this.openSet.has(role)) continue;
          const trust = admits(role);
          if (trust.length > 0) {
            add(role.address, "assume-role", "sts:AssumeRole", () => `${grantText(g)} allows it and the trust policy of ${role.address} admits ${p.address} (${statementName(trust[0])})`, g.statement.source.address);
          }
        }
        if (this.roles.reachesOutside(r)) {
          const pin = this.roles.unpinnedAccount(r) ? " (it names an account, and the aws provider is not pinned to one: set allowed_account_ids so blastwall knows which roles are the stack's)" : "";
          add(this.unknown(`roles:${r}`, `roles matching ${r}, which may lie outside this stack`), "assume-role", "sts:AssumeRole", () => `${grantText(g)} allows assuming ${r}, which may name roles outside this stack whose rights blastwall cannot see${pin}`, g.statement.source.address);
        }
      }
    }
    // Within one account a trust policy that names a principal's ARN admits it with no identity Allow at all.
    const certain = new Set(this.namedInTrust.get(normaliseAccount(p.arnPattern)) ?? []);
    // Another checked stack's principal, whose stack is pinned to an account: in the same account the trust is enough.
    // A role pinned to another account admits it only with an sts:AssumeRole right of its own; its own stack cannot
    // always tell that right reaches here (an ARN written with `*` for the account and the name of one of its own roles
    // reads as that role there), so the path counts here, as the agent's policies may allow it (red-team round 49).
    const peerAccount = p.external ? p.peer?.account : undefined;
    for (const role of named) {
      const roleAccount = peerAccount !== undefined ? resourceAccount(this.stack, role.resource) : undefined;
      const trust = admits(role);
      const whom = certain.has(role)
        ? p.address
        : this.sessionTrusts.has(role)
          ? `${p.address} or a session of it (an assumed-role ARN, or an ARN that may be its own)`
          : `an ARN that may be that of ${p.address} (a name computed at apply time)`;
      // An agent outside the stack may sit in another account, where its own policies (not visible here) must allow the call too.
      const enough = !p.external || (peerAccount !== undefined && roleAccount === peerAccount) ? "which is enough within one account" : "and its own policies live outside this stack, so blastwall counts that they may allow the call";
      if (trust.length > 0) add(role.address, "assume-role", "sts:AssumeRole", () => `the trust policy of ${role.address} names ${whom} (${statementName(trust[0])}), ${enough}`);
    }
    // A trust that admits anyone (`*`, an Allow with NotPrincipal, or one blastwall cannot read) grants the call to the
    // stack's own principals as a trust naming them does: within one account no identity Allow is needed. (An account
    // root is different: it leaves the call to the caller's own policies, the sts:AssumeRole grants above; so does a
    // role in another account, by a provider pinned elsewhere.) Its conditions on who calls (aws:PrincipalArn,
    // aws:PrincipalAccount, the aws:Source* keys a direct call lacks) are read; others (aws:PrincipalOrgID) may be met.
    // Another checked stack's agent (or a principal one can act as) is judged as the stack's own would be: the stack
    // mentions it for such a trust when it may share the role's account (collect.ts). Other outsiders are not.
    if (p.external && p.peer === undefined) return;
    for (const role of this.openTrust) {
      if (role === p || namedSet.has(role)) continue;
      const theirs = resourceAccount(this.stack, role.resource);
      if (mine !== undefined && theirs !== undefined && mine !== theirs) continue;
      const statements = role.trustPolicy?.statements ?? [];
      if (statements.some((s) => denyOnCallerCertainlyApplies(s, exact.arnPattern, mine))) continue;
      if (mine && denyCertainlyBlocks(statements, exact)) continue;
      const anyone = admits(role).find((s) => grantsEveryone(s));
      if (anyone) {
        // Another stack's principal shares the account for certain only when both stacks are pinned to it.
        const unsure = p.external && (mine === undefined || theirs === undefined) ? " (it is another stack's, and the two may deploy to one account: set allowed_account_ids on both stacks' aws providers to tell them apart)" : "";
        add(role.address, "assume-role", "sts:AssumeRole", () => `the trust policy of ${role.address} admits anyone (${statementName(anyone)}: ${anyoneText(anyone)}), which within one account lets ${p.address} assume it with no identity permission${unsure}`);
      }
    }
  }

  /**
   * Roles whose trust names the principal's ARN. A principal whose name is computed (`name_prefix`, a variable) may
   * be any ARN its pattern covers, and a trust naming a computed ARN may name any principal its pattern covers:
   * every trust where the two meet counts.
   */
  private namedFor(pattern: string, external?: boolean): PrincipalNode[] {
    const key = normaliseAccount(pattern);
    const exact = this.namedInTrust.get(key) ?? [];
    const wide = /[*?]/.test(key.slice("arn:*:iam::*:".length));
    if (!wide && this.trustPatterns.length === 0) return exact;
    const out = new Set(exact);
    const meet = (arn: string) => {
      if (globsIntersect(arn, key, { caseInsensitive: true })) for (const r of this.namedInTrust.get(arn) ?? []) out.add(r);
    };
    // An agent outside the stack whose name is known only at apply time is an agent only as a name the config
    // selects or another stack's agent (or a principal one can act as): a literal ARN a trust names is either such a
    // name itself, and its own outside agent here, or no agent, and the two cannot be one principal. Only names that
    // are themselves open may be it.
    if (wide && !external) for (const arn of this.namedInTrust.keys()) meet(arn);
    else for (const arn of this.trustPatterns) meet(arn);
    return [...out];
  }

  private rewriteTrustEdges(p: PrincipalNode, add: AddEdge): void {
    for (const g of this.grants(p, "iam:UpdateAssumeRolePolicy")) {
      for (const r of g.resources) {
        for (const role of this.roles.matching(r)) add(role.address, "trust-rewrite", "iam:UpdateAssumeRolePolicy", () => `${grantText(g)} lets it rewrite the trust policy of ${role.address} to admit itself`, g.statement.source.address);
        if (this.roles.reachesOutside(r)) add(this.unknown(`roles:${r}`, `roles matching ${r}, which may lie outside this stack`), "trust-rewrite", "iam:UpdateAssumeRolePolicy", () => `${grantText(g)} lets it rewrite the trust of roles outside this stack`, g.statement.source.address);
      }
    }
  }

  /**
   * Rewriting an identity provider a trust names as `Federated` (see PROVIDER_REWRITE): the writer assumes the role
   * with assertions or tokens of its own making, and gets the roles an identity pool that accepts the provider hands
   * out (identity-pools.ts). A provider the stack does not create may be trusted by roles outside it.
   */
  private providerRewriteEdges(p: PrincipalNode, add: AddEdge): void {
    // One edge per target is enough for a shortest path; a trust with several such statements gives no more.
    const reached = new Set<string>();
    for (const w of PROVIDER_REWRITE) {
      for (const action of w.actions) {
        for (const g of this.grants(p, action)) {
          for (const r of g.resources) {
            const target = normaliseAccount(r);
            if (!globsIntersect(target, `arn:*:iam::*:${w.kind}/*`, { caseInsensitive: true })) continue;
            for (const { role, statement, providers } of this.federatedTrusts(w.kind, w.assume)) {
              if (reached.has(role.address) || (providers && !providers.some((id) => globsIntersect(id, target, { caseInsensitive: true })))) continue;
              reached.add(role.address);
              add(role.address, "trust-rewrite", action, () => `${grantText(g)} lets it rewrite the identity provider ${r}, which the trust policy of ${role.address} may admit as Federated (${statementName(statement)}): it can forge what ${w.assume} takes`, g.statement.source.address);
            }
            // An identity pool that accepts the provider hands its roles to the forged logins too.
            for (const e of this.stack.byType.has("aws_cognito_identity_pool") ? providerPoolRoles(this.loginContext(p), w.kind, target) : []) {
              if (reached.has(e.role)) continue;
              reached.add(e.role);
              add(e.role, "trust-rewrite", action, () => `${grantText(g)} lets it rewrite the identity provider ${r}; ${e.why()}. Take ${action} away from the principal, or the provider off the pool.`, g.statement.source.address);
            }
            if (!reached.has(`federated:${r}`) && this.providersReachOutside(w.kind, target)) {
              reached.add(`federated:${r}`);
              add(this.unknown(`federated:${r}`, `roles trusting identity providers matching ${r}, which may lie outside this stack`), "trust-rewrite", action, () => `${grantText(g)} lets it rewrite identity providers matching ${r}, which roles outside this stack may trust`, g.statement.source.address);
            }
          }
        }
      }
    }
  }

  private stackRoles: readonly PrincipalNode[] | undefined;
  private publicLogins: readonly IdentityEdge[] | undefined;

  /**
   * Roles handed out by logins that ask for no IAM right: an identity pool's (identity-pools.ts), to anyone or to
   * whoever can make itself a user of a user pool it accepts or rewrite the pool, and a Roles Anywhere trust
   * anchor's, to whoever can put its own CA there (roles-anywhere.ts).
   */
  private federatedLoginEdges(p: PrincipalNode, add: AddEdge): void {
    const ctx = this.loginContext(p);
    for (const e of (this.publicLogins ??= publicIdentityEdges(ctx))) add(e.to, "assume-role", e.label, e.why);
    for (const e of identityRightsEdges(ctx, grantText)) add(e.to, "trust-rewrite", e.label, e.why, e.via);
    for (const e of rolesAnywhereEdges(ctx, grantText)) add(e.to, "trust-rewrite", e.label, e.why, e.via);
  }

  /** What the login paths (identity-pools.ts, roles-anywhere.ts) ask about the principal and the stack. */
  private loginContext(p: PrincipalNode): IdentityContext & AnywhereContext {
    const roles = (this.stackRoles ??= this.analysis.principals.filter((r) => r.kind === "role" && !r.external));
    return {
      stack: this.stack,
      roles,
      principal: p,
      grants: (a: string) => this.grants(p, a),
      roleOf: (v: unknown) => this.roleOfValue(v),
      userPools: this.resourcesOf(USER_POOL_TYPES),
      anchors: this.resourcesOf(ANCHOR_TYPES),
      identityPools: this.resourcesOf(IDENTITY_POOL_TYPES),
      privateCas: this.resourcesOf(PCA_TYPES),
    };
  }

  private readonly federated = new Map<string, FederatedTrust[]>();

  /**
   * Trust statements that may admit a principal federated through a provider of `kind` for `assume`: an Allow whose
   * principal is `Federated` (or `*`) with an identifier that may be such a provider, NotPrincipal, or unreadable
   * (those two admit through any provider).
   */
  private federatedTrusts(kind: string, assume: string): readonly FederatedTrust[] {
    let out = this.federated.get(kind);
    if (out) return out;
    out = [];
    const ofKind = `arn:*:iam::*:${kind}/*`;
    const ci = { caseInsensitive: true };
    const acts = (s: Statement) => (s.actions ? s.actions.some((a) => globMatch(a, assume, ci)) : (s.notActions ?? []).every((a) => !globMatch(a, assume, ci)));
    for (const role of this.analysis.principals) {
      if (role.kind !== "role") continue;
      for (const s of role.trustPolicy?.statements ?? []) {
        if (s.unknown !== undefined || (s.effect === "Allow" && s.notPrincipals !== undefined && acts(s))) {
          out.push({ role, statement: s });
          continue;
        }
        if (s.effect !== "Allow" || !acts(s)) continue;
        const providers = (s.principals ?? [])
          .filter((ps) => ps.type === "Federated" || ps.type === "*")
          .flatMap((ps) => ps.identifiers.map((id) => (id === "*" ? "*" : normaliseAccount(id))))
          .filter((id) => globsIntersect(id, ofKind, ci));
        if (providers.length > 0) out.push({ role, statement: s, providers });
      }
    }
    this.federated.set(kind, out);
    return out;
  }

  /** Whether a provider pattern (account-normalised) may name a provider of `kind` that the stack does not create. */
  private providersReachOutside(kind: string, pattern: string): boolean {
    const head = "arn:*:iam::*:";
    if (!pattern.startsWith(head) || /[*?]/.test(pattern.slice(head.length))) return true;
    const saml = kind === "saml-provider";
    return !(this.stack.byType.get(saml ? "aws_iam_saml_provider" : "aws_iam_openid_connect_provider") ?? []).some((res) => {
      const name = attributePattern(this.stack, res, saml ? "name" : "url").pattern.replace(/^https:\/\//i, "");
      return globsIntersect(normaliseAccount(`arn:aws:iam::*:${kind}/${name}`), pattern, { caseInsensitive: true });
    });
  }

  private becomeUserEdges(p: PrincipalNode, add: AddEdge): void {
    for (const action of BECOME_USER_ACTIONS) {
      for (const g of this.grants(p, action)) {
        for (const r of g.resources) {
          for (const u of this.users.matching(r)) add(u.address, "become-user", action, () => `${grantText(g)} lets it mint credentials for ${u.address}`, g.statement.source.address);
          if (this.users.reachesOutside(r)) add(this.unknown(`users:${r}`, `users matching ${r}, which may lie outside this stack`), "become-user", action, () => `${grantText(g)} lets it mint credentials for users outside this stack`, g.statement.source.address);
        }
      }
    }
    // Credentials for one service (an SSH key, a service-specific credential) make it the user in that service only.
    for (const c of SERVICE_CREDENTIAL_ACTIONS) {
      for (const g of this.grants(p, c.action)) {
        const services = serviceCredentialServices(c, g.statement.conditions);
        if (services.length === 0) continue;
        const scope = serviceScope(services);
        for (const r of g.resources) {
          for (const u of this.users.matching(r)) {
            add(this.scopedUserId(u, services), "become-user", c.action, () => `${grantText(g)} lets it ${c.does} ${u.address}, which acts as that user in ${scope.name} only (it signs no AWS API request)`, g.statement.source.address);
          }
          if (this.users.reachesOutside(r)) add(this.unknown(`users:${r}`, `users matching ${r}, which may lie outside this stack`), "become-user", c.action, () => `${grantText(g)} lets it ${c.does} users outside this stack, whose rights in ${scope.name} blastwall cannot see`, g.statement.source.address);
        }
      }
    }
    for (const g of this.grants(p, "iam:AddUserToGroup")) {
      for (const r of g.resources) {
        for (const grp of this.groups.matching(r)) add(grp.address, "join-group", "iam:AddUserToGroup", () => `${grantText(g)} lets it add a user it controls to ${grp.address}`, g.statement.source.address);
        if (this.groups.reachesOutside(r)) add(this.unknown(`groups:${r}`, `groups matching ${r}, which may lie outside this stack`), "join-group", "iam:AddUserToGroup", () => `${grantText(g)} lets it join groups outside this stack`, g.statement.source.address);
      }
    }
  }

  private passRoleEdges(p: PrincipalNode, add: AddEdge): void {
    const passGrants = this.grants(p, "iam:PassRole");
    if (passGrants.length === 0) return;
    const held = (a: string) => this.grants(p, a).length > 0;
    const startable = PASS_ROLE_SERVICES.map((s) => ({ service: s.service, sets: s.starts.filter((set) => set.every(held)) })).filter((s) => s.sets.length > 0);
    for (const g of passGrants) {
      // An `iam:PassedToService` condition leaves the start sets that pass the role where it allows (see passRoleAllows).
      const conditions = g.statement.conditions;
      const usable =
        conditions.length === 0
          ? startable
          : startable
              .map((s) => ({ service: s.service, sets: s.sets.filter((set) => { const to = passedToService(s.service, set); return to === undefined || passRoleAllows(conditions, to); }) }))
              .filter((s) => s.sets.length > 0);
      for (const r of g.resources) {
        for (const role of this.roles.matching(r)) {
          let passed = false;
          for (const s of usable) {
            if (!role.trustPolicy || principalAdmits(role.trustPolicy.statements, { arnPattern: "", service: s.service }).length === 0) continue;
            const label = `iam:PassRole + ${s.sets[0].join(", ")}`;
            add(role.address, "pass-role", label, () => `${grantText(g)} lets it pass ${role.address}, whose trust admits ${s.service}, to compute it can start`, g.statement.source.address);
            passed = true;
            break;
          }
          if (!passed) this.unmodelledPassRole(p, role, g, add);
        }
        if (this.roles.reachesOutside(r)) {
          const how = usable.length ? ` and it can start ${usable.map((s) => s.service).join(", ")} compute` : "";
          add(this.unknown(`roles:${r}`, `roles matching ${r}, which may lie outside this stack`), "pass-role", "iam:PassRole", () => `${grantText(g)} lets it pass roles outside this stack${how}`, g.statement.source.address);
        }
      }
    }
  }

  /**
   * A pass-role path the start sets do not show. For a role whose trust admits a service blastwall does not model
   * (Transfer Family, Athena, ...), how that service starts compute is not in the tables, so an agent that can pass
   * the role and holds any write action of the service (any action besides Get, List and Describe) counts as able to
   * run code as the role.
   *
   * A modelled service (Lambda, SageMaker, Step Functions, ...) has more ways to start compute than the tables list,
   * and AWS adds new ones (Step Functions TestState, HyperPod clusters, AgentCore runtimes were all missed once): the
   * agent also counts when it holds an action of the service that the service's start sets do not account for and
   * that cannot start anything: not a read (Get, List, Describe, Search, ...), not a teardown (Delete, Stop, Cancel,
   * Terminate, Remove, Detach, Disassociate, Deregister, Disable, ...) and not a tag write. An action that is part
   * of a start set is accounted for, so holding half a start set (CreateModel without an endpoint or a transform
   * job) stays no path, as before (`unaccountedStart` in compute.ts; its verbs stand in for the access levels of the
   * service authorization reference, which test/engine/pass-role-fallback.test.ts holds them against). Fail closed: a write
   * that starts nothing is over-reported, never the reverse; and the agent must still be able to pass this very role.
   */
  private unmodelledPassRole(p: PrincipalNode, role: PrincipalNode, g: Grant, add: AddEdge): void {
    for (const service of trustedServices(role)) {
      // A PassRole Allow limited by iam:PassedToService to other services cannot hand the role to this one.
      if (!passRoleAllows(g.statement.conditions, service)) continue;
      const modelled = isModelledPassRoleService(service) ? service : undefined;
      const ns = namespaceOf(service);
      const held = writeActionOf(p, ns, modelled);
      if (!held) continue;
      const why = modelled
        ? `blastwall models how ${service} starts compute, but not through ${held}, which the agent may call and which is neither a read nor a teardown`
        : `blastwall does not model how ${service} starts compute, and the agent may call ${held}`;
      // For a modelled service an action the tables do not know to start compute most likely starts none: such a
      // path is a warning (an error under --strict), so a team is told to look without being stopped.
      add(role.address, "pass-role", `iam:PassRole + ${held}`, () => `${grantText(g)} lets it pass ${role.address}, whose trust admits ${service}; ${why}, so it counts as running code as the role${modelled ? " (a warning: an error under --strict)" : ""}`, g.statement.source.address, modelled !== undefined);
      return;
    }
  }

  private hijackEdges(p: PrincipalNode, add: AddEdge): void {
    for (const t of HIJACK_TARGETS) {
      const held: { a: string; gs: readonly Grant[] }[] = [];
      for (const a of t.actions) {
        const gs = this.grants(p, a);
        if (gs.length > 0) held.push({ a, gs });
      }
      if (held.length === 0) continue;
      const index = this.resourcesOf(hijackTypes(t));
      const seen = new Set<TfResource>();
      for (const { a, gs } of held) {
        for (const g of gs) {
          for (const r of g.resources) {
            for (const res of index.referenced(g, r) ?? index.matching(r)) {
              if (seen.has(res)) continue;
              seen.add(res);
              // A data source reads compute that exists outside this stack: its role is not in the plan, and may be
              // any (red-team round 64: UpdateFunctionCode on ${data.aws_lambda_function.x.arn} reached nothing).
              if (res.mode === "data") {
                add(
                  this.unknown(`compute:${a}:${res.address}`, `${res.address}, compute this stack reads but does not make, which may run as any role`),
                  "hijack",
                  a,
                  () => `${grantText(g)} lets it run its own code in ${res.address}, which a data source reads: compute outside this stack, under a role blastwall cannot see`,
                  g.statement.source.address,
                );
                continue;
              }
              this.hijackOne(res, t, a, g, add);
            }
          }
        }
      }
    }
  }

  /** Writing the code, object or image a pipeline, build, task or function runs (see sources.ts). */
  private sourceEdges(p: PrincipalNode, add: AddEdge, allowed?: (action: string) => boolean): void {
    this.outsideSourceEdges(p, add, allowed);
    const uses = sourceUses(this.stack);
    if (uses.length === 0) return;
    for (const use of uses) {
      for (const action of SOURCE_WRITES[use.kind]) {
        if (allowed && !allowed(action)) continue;
        const g = this.grants(p, action).find((x) => x.resources.some((r) => sourceNamedBy(this.stack, use, x, r)));
        if (!g) continue;
        const resolved = use.roleValue !== undefined ? this.roleOfValue(use.roleValue) : this.roleOfCompute(use.consumer, use.roleAttribute, false);
        const found = resolved === null && use.runsAsRoleAnyway ? undefined : resolved;
        if (found === null) break;
        const to = found ?? this.unknown(`role-of:${use.consumer.address}`, `the role ${use.consumer.address} runs as, which blastwall cannot resolve`);
        add(to, "hijack", action, () => `${grantText(g)} lets it change ${use.shown}, which ${use.consumer.address} runs as ${found ?? "a role blastwall cannot resolve"}`, g.statement.source.address);
        break;
      }
    }
  }

  /**
   * Pushing to repositories or images that may lie outside the stack: pipelines, builds and services elsewhere may
   * build and run what is there, as roles blastwall cannot see (the outside-compute reading of E10). Only code and
   * image repositories: an object write anywhere is judged by agent-overwrite-unprotected.
   */
  private outsideSourceEdges(p: PrincipalNode, add: AddEdge, allowed?: (action: string) => boolean): void {
    for (const [kind, type] of [["codecommit", "aws_codecommit_repository"], ["ecr", "aws_ecr_repository"]] as const) {
      // The stack's own repositories (a data source looks one up elsewhere). A push to one exact repository is the
      // ordinary work of a coding agent; a wildcard may reach the one a deploy pipeline builds from.
      // A pattern equal to a repository's partly unknown ARN pattern (`repository/app-*` beside `app-${var.env}`) is that
      // repository only when written as a reference to it; written by hand it names every repository it matches
      // (red-team round 66).
      const index = this.resourcesOf([type]);
      const outside = (g: Grant) => (r: string) => r === "*" || (hasWildcard(r.split(":").slice(5).join(":")) && !(index.referenced(g, r) ?? []).some((x) => x.mode === "managed"));
      for (const action of SOURCE_WRITES[kind]) {
        if (allowed && !allowed(action)) continue;
        const g = this.grants(p, action).find((x) => x.resources.some(outside(x)));
        if (!g) continue;
        const r = g.resources.find(outside(g))!;
        add(
          this.unknown(`source:${kind}:${r}`, `pipelines, builds and services that may run what is pushed to ${r}, as roles blastwall cannot see`),
          "hijack",
          action,
          () => `${grantText(g)} lets it push to ${r}, which may name ${kind === "ecr" ? "image" : "code"} repositories outside this stack that pipelines or services elsewhere run`,
          g.statement.source.address,
        );
        break;
      }
    }
  }

  private hijackOne(res: TfResource, t: (typeof HIJACK_TARGETS)[number], action: string, g: Grant, add: AddEdge): void {
    const found = this.roleOfCompute(res, t.roleAttribute, t.viaInstanceProfile === true);
    const role = found === null && t.runsAsRoleAnyway ? undefined : found;
    if (role === null) return;
    const to = role ?? this.unknown(`role-of:${res.address}`, `the role ${res.address} runs as, which blastwall cannot resolve`);
    add(to, "hijack", action, () => `${grantText(g)} lets it run its own code in ${res.address}, which runs as ${role ?? "a role blastwall cannot resolve"}`, g.statement.source.address);
  }

  /**
   * Compute and pipelines outside the stack (or of kinds blastwall does not model) run as roles it cannot see:
   * a catalogue compute action on a wildcard, or on a resource that is not in the stack, counts as possibly
   * everything.
   */
  private outsideComputeEdges(p: PrincipalNode, add: AddEdge): void {
    // Sessions in EMR clusters and GameLift fleets are sessionEdges', outside the stack too (left out of the list once).
    for (const { entry, types, shapes } of outsideComputeEntries()) {
      const grants = this.grants(p, entry.action);
      if (grants.length === 0) continue;
      const index = this.resourcesOf(types);
      for (const g of grants) {
        for (const r of g.resources) {
          // A reference to one resource of the stack names it alone, whatever its ARN pattern reads as. A pattern that
          // cannot be an ARN of the compute (a Batch job queue beside the job definition) names none.
          if (index.referenced(g, r) || !index.reachesOutside(r, g)) continue;
          if (shapes.length > 0 && !shapes.some((x) => globsIntersect(r, x, { caseInsensitive: true }))) continue;
          add(
            this.unknown(`compute:${entry.action}:${r}`, `compute reached by ${entry.action} on ${r}, which may run as any role`),
            "hijack",
            entry.action,
            () => `${grantText(g)} lets it run its own code in compute or pipelines that may lie outside this stack, under roles blastwall cannot see`,
            g.statement.source.address,
          );
          break;
        }
      }
    }
  }

  /**
   * Creating a principal and filling it with policies, on patterns that meet: the new principal may hold any right
   * (an unknown node, which counts as every right).
   */
  private createPrincipalEdges(p: PrincipalNode, add: AddEdge): void {
    for (const c of CREATE_PRINCIPAL) {
      const creates = this.grants(p, c.create);
      if (creates.length === 0) continue;
      const meets = (action: string, on: readonly string[]) =>
        this.grants(p, action).find((g) => g.resources.some((r) => on.some((x) => globsIntersect(r, x))));
      for (const create of creates) {
        const fill = c.fill.map((a) => ({ a, g: meets(a, create.resources) })).find((x) => x.g);
        if (!fill) continue;
        const use = c.use.map((a) => ({ a, g: meets(a, create.resources) })).find((x) => x.g);
        if (c.use.length > 0 && !use) continue;
        const on = create.resources.join(", ");
        add(
          this.unknown(`create-${c.kind}:${on}`, `a new ${c.kind} it creates (${c.create} on ${on}) and fills with any policy (${fill.a})`),
          "create-principal",
          c.create,
          () =>
            `${grantText(create)} and ${grantText(fill.g!)}${use ? ` and ${grantText(use.g!)}` : ""} let it create a ${c.kind}, give it any policy` +
            (c.kind === "role" ? " and a trust policy naming itself, and assume it" : ` and ${use!.a === "iam:CreateAccessKey" ? "a key" : "a password"} to act as it`),
          create.statement.source.address,
        );
        break;
      }
    }
  }

  /**
   * Administering an EKS cluster (see clusters.ts): through IAM writes on its access entries, or an access entry the
   * stack gives. The principal then acts as every role the cluster's pods may take.
   */
  private clusterEdges(p: PrincipalNode, add: AddEdge): void {
    const clusters = clustersOf(this.stack);
    const reached = new Set<string>();
    for (const action of CLUSTER_ADMIN_WRITES) {
      for (const g of this.grants(p, action)) {
        for (const r of g.resources) {
          const how = `${grantText(g)} lets it make itself an administrator of`;
          for (const c of clusters) if (clusterNamedBy(r, c)) this.clusterWorkloadEdges(c, action, (what) => `${how} ${c.res.address}, and ${what}`, reached, add, g.statement.source.address);
          if (clusterOutside(r, clusters) && !reached.has(`eks:${r}`)) {
            reached.add(`eks:${r}`);
            add(this.unknown(`eks:${r}`, `pods of EKS clusters matching ${r} that are not in this stack, which may run as any role`), "hijack", action, () => `${how} EKS clusters matching ${r}, which may lie outside this stack, and run pods there as roles blastwall cannot see`, g.statement.source.address);
          }
        }
      }
    }
    const mayBe = (arn: string | undefined) => arn === undefined || globsIntersect(normaliseAccount(arn), normaliseAccount(p.arnPattern), { caseInsensitive: true });
    for (const a of stackAccessOf(this.stack, p.address, mayBe)) {
      const how = `${a.res.address} administers ${a.cluster?.res.address ?? a.name} for it: ${a.why}`;
      if (a.cluster) this.clusterWorkloadEdges(a.cluster, "EKS access", (what) => `${how}; ${what}`, reached, add, a.res.address);
      else if (!reached.has(`eks:${a.name}`)) {
        reached.add(`eks:${a.name}`);
        add(this.unknown(`eks:${a.name}`, `pods of the EKS cluster ${a.name}, which is not in this stack and may run as any role`), "hijack", "EKS access", () => `${how}; that cluster is not in this stack, and its pods may run as roles blastwall cannot see`, a.res.address);
      }
    }
  }

  private clusterWorkloadEdges(c: Cluster, label: string, why: (what: string) => string, reached: Set<string>, add: AddEdge, via: string): void {
    const once = (key: string) => !reached.has(key) && (reached.add(key), true);
    for (const w of c.workloads) {
      const role = w.value !== undefined ? this.roleOfValue(w.value) : this.roleOfCompute(w.res, w.attribute, false);
      if (role === null) continue;
      const to = role ?? this.unknown(`role-of:${w.res.address}`, `the role ${w.res.address} runs as, which blastwall cannot resolve`);
      if (once(to)) add(to, "hijack", label, () => why(`a pod it schedules there can take the role of ${w.what} (${role ?? "a role blastwall cannot resolve"})`), via);
    }
    // IRSA: an administrator creates whatever service account a trust asks for, and the cluster's OIDC issuer signs its tokens.
    for (const { role, statement, providers } of this.federatedTrusts("oidc-provider", "sts:AssumeRoleWithWebIdentity")) {
      if (providers && !providers.some((id) => globsIntersect(id, EKS_OIDC_PROVIDER, { caseInsensitive: true }))) continue;
      if (once(role.address)) add(role.address, "hijack", label, () => why(`a service account it creates there can assume ${role.address}, whose trust admits web identities of an EKS cluster's OIDC issuer (${statementName(statement)})`), via);
    }
    if (c.unseenNodes && once(`eks-nodes:${c.res.address}`)) {
      add(this.unknown(`eks-nodes:${c.res.address}`, `the nodes of ${c.res.address}, which are not in this stack and run as roles blastwall cannot see`), "hijack", label, () => why(`a pod it schedules there can take the role of its nodes, which this stack does not show`), via);
    }
  }

  /**
   * Logging in to compute that runs as a role (see sessions.ts): an EMR cluster's endpoints as a runtime role, a shell on
   * a GameLift fleet. A resource of the stack leads to its role: a fleet's, or for a cluster the runtime roles the
   * call's `elasticmapreduce:ExecutionRoleArn` condition names, else every role its instance role may assume (EMR
   * takes runtime roles with it), of the stack or, on a wildcard, beyond. A resource that may lie outside the stack
   * leads to roles blastwall cannot see, but for a call pinned to roles, which leads to those roles.
   */
  private sessionEdges(p: PrincipalNode, add: AddEdge): void {
    for (const s of SESSION_ACCESS) {
      for (const g of this.grants(p, s.action)) {
        const pins = s.targets.some((t) => t.role === "emr-runtime") ? executionRolePins(g.statement.conditions) : undefined;
        for (const r of g.resources) {
          let outside = false;
          for (const t of s.targets) {
            const { named, beyond } = this.sessionResources(g, r, t);
            if (beyond) outside = true;
            for (const res of named) {
              if (res.mode === "data") outside = true;
              else if (t.role === "emr-runtime") this.runtimeRoleEdges(res, s, g, pins, add);
              else this.fleetRoleEdge(res, t, s, g, add);
            }
          }
          if (!outside) continue;
          if (pins) this.pinnedRoleEdges(pins, undefined, undefined, s, g, add);
          else {
            add(
              this.unknown(`compute:${s.action}:${r}`, `compute reached by ${s.action} on ${r}, which may run as any role`),
              "hijack",
              s.action,
              () => `${grantText(g)} lets it get ${s.gets} compute that may lie outside this stack, under roles blastwall cannot see`,
              g.statement.source.address,
            );
          }
        }
      }
    }
  }

  /**
   * The stack's resources of a session target that a grant's resource pattern names, and whether it may name others.
   * Written as a reference to one: that one. A pattern of such ARNs: every one of the stack (their ids are AWS's) and
   * any outside it. A reference to something else names none.
   */
  private sessionResources(g: Grant, r: string, t: SessionTarget): { named: readonly TfResource[]; beyond: boolean } {
    const index = this.resourcesOf(sessionTypes(t));
    const refs = index.referenced(g, r);
    if (refs) return { named: refs, beyond: false };
    if (!globsIntersect(r, t.arn, { caseInsensitive: true })) return { named: [], beyond: false };
    const { resources, writtenResources: written } = g.statement;
    if (resources && written && written.length === resources.length) {
      const entries = written.filter((_, i) => resources[i] === r);
      const other = (w: string) => {
        const ref = refTarget(w);
        const res = ref ? this.stack.byAddress.get(ref.address) : undefined;
        return res !== undefined && res.type !== t.type;
      };
      if (entries.length > 0 && entries.every(other)) return { named: [], beyond: false };
    }
    return { named: index.matching(r), beyond: true };
  }

  private fleetRoleEdge(res: TfResource, t: SessionTarget, s: SessionAccess, g: Grant, add: AddEdge): void {
    const found = this.roleOfCompute(res, t.role, false);
    if (found === null) return;
    const to = found ?? this.unknown(`role-of:${res.address}`, `the role ${res.address} runs as, which blastwall cannot resolve`);
    add(to, "hijack", s.action, () => `${grantText(g)} lets it get ${s.gets} ${res.address}, whose processes hold the credentials of ${found ?? "a role blastwall cannot resolve"} (${t.role})`, g.statement.source.address);
  }

  /** The runtime roles a session on an EMR cluster of the stack may run as (see sessionEdges). */
  private runtimeRoleEdges(c: TfResource, s: SessionAccess, g: Grant, pins: readonly string[] | undefined, add: AddEdge): void {
    // Without runtime roles turned on by its security configuration, the call fails on the cluster.
    if (!mayHaveRuntimeRoles(this.stack, c)) return;
    const written = clusterInstanceProfile(c);
    const found = written === undefined || written === null ? undefined : this.roleOfProfile(written);
    // An instance profile without a role can assume nothing.
    if (found === null) return;
    const instance = found !== undefined ? this.analysis.byAddress.get(found) : undefined;
    const assumable = instance ? this.assumableBy(instance) : undefined;
    if (pins) {
      this.pinnedRoleEdges(pins, c, assumable, s, g, add);
      return;
    }
    if (!instance || !assumable) {
      const to = this.unknown(`runtime-roles:${c.address}`, `the runtime roles of ${c.address}, whose instance role blastwall cannot resolve`);
      add(to, "hijack", s.action, () => `${grantText(g)} lets it get ${s.gets} ${c.address} as any runtime role (no elasticmapreduce:ExecutionRoleArn condition names one), and blastwall cannot resolve the instance role that takes them`, g.statement.source.address);
      return;
    }
    for (const [to, how] of assumable) {
      add(to, "hijack", s.action, () => `${grantText(g)} lets it get ${s.gets} ${c.address} as any runtime role (no elasticmapreduce:ExecutionRoleArn condition names one), and its instance role ${instance.address} may assume ${to} (${how}): Spark code it submits there runs as that role`, g.statement.source.address);
    }
  }

  /**
   * The roles an ExecutionRoleArn condition names: those of the stack (on a cluster of the stack, only those its
   * instance role may assume, when that is known), and roles outside the stack the pattern may name.
   */
  private pinnedRoleEdges(pins: readonly string[], c: TfResource | undefined, assumable: ReadonlyMap<string, string> | undefined, s: SessionAccess, g: Grant, add: AddEdge): void {
    const where = c ? c.address : "EMR clusters that may lie outside this stack";
    for (const v of pins) {
      for (const role of this.roles.matching(v)) {
        if (assumable && !assumable.has(role.address)) continue;
        add(role.address, "hijack", s.action, () => `${grantText(g)} lets it get ${s.gets} ${where} as the runtime role ${role.address}, which its elasticmapreduce:ExecutionRoleArn condition names (${v}): Spark code it submits there runs as that role`, g.statement.source.address);
      }
      if (this.roles.reachesOutside(v)) {
        add(this.unknown(`roles:${v}`, `roles matching ${v}, which may lie outside this stack`), "hijack", s.action, () => `${grantText(g)} lets it get ${s.gets} ${where} as runtime roles matching ${v}, which may lie outside this stack`, g.statement.source.address);
      }
    }
  }

  private readonly assumable = new Map<string, ReadonlyMap<string, string>>();

  /** The roles (and unknown nodes) a principal may assume, with why: its assume-role edges, computed on their own. */
  private assumableBy(p: PrincipalNode): ReadonlyMap<string, string> {
    let m = this.assumable.get(p.address);
    if (!m) {
      const out = new Map<string, string>();
      this.assumeRoleEdges(p, (to, _step, _label, why) => {
        if (to !== p.address && !out.has(to)) out.set(to, why());
      });
      this.assumable.set(p.address, (m = out));
    }
    return m;
  }

  /** The role of an instance profile given by reference, name or ARN; undefined when unresolvable. */
  private roleOfProfile(v: unknown): string | null | undefined {
    const ref = refTarget(v);
    const profiles = this.stack.byType.get("aws_iam_instance_profile") ?? [];
    const profile = ref
      ? this.stack.byAddress.get(ref.address)
      : profiles.find((x) => x.mode === "managed" && (x.values.name === v || (typeof v === "string" && typeof x.values.name === "string" && v.endsWith(`:instance-profile/${x.values.name}`))));
    // A profile a data source reads holds a role made elsewhere, which may be any (red-team round 65: it read as none).
    if (!profile || profile.mode !== "managed") return undefined;
    return this.roleOfCompute(profile, "role", false);
  }

  /** The principal address a compute resource runs as; null when it runs as none; undefined when unresolvable. */
  private roleOfCompute(res: TfResource, attribute: string, viaProfile: boolean): string | null | undefined {
    // Blocks (dynamic ones too), JSON documents and launch templates on the way: compute.ts reads them.
    const at = roleValueAt(this.stack, res.values, attribute);
    // An instance without a profile of its own may get one from its launch template.
    const found = at && (at.value === undefined || at.value === null || at.value === "") && viaProfile ? launchTemplateProfile(this.stack, res) : at;
    if (!found) return undefined;
    if (found.value === undefined || found.value === null || found.value === "") return null;
    return viaProfile ? this.roleOfProfile(found.value) : this.roleOfValue(found.value);
  }

  /** The principal address a role value (reference, ARN or name) names; undefined when unresolvable. */
  private roleOfValue(v: unknown): string | undefined {
    const ref = refTarget(v);
    if (ref && this.analysis.byAddress.has(ref.address)) return ref.address;
    if (ref) return undefined;
    if (typeof v === "string") {
      const byArn = this.roles.matching(v.includes(":") ? v : `arn:aws:iam::*:role/${v}`);
      if (byArn.length === 1) return byArn[0].address;
    }
    return undefined;
  }

  private stateEdges(p: PrincipalNode, add: AddEdge, out: ReachEdge[]): void {
    const own = this.stack.backend?.type === "s3" ? stateObjects(this.stack.backend) : undefined;
    if (own) this.ownStateEdges(p, add, out, own);
    for (const peer of this.stack.peerStates ?? []) {
      const s = stateObjects(peer.backend);
      if (own && s.bucket === own.bucket && s.key === own.key) continue;
      this.peerStateEdges(p, add, peer, s);
    }
  }

  /** Another stack's state: its deploy role applies what the state says, and the state holds that stack's secrets. */
  private peerStateEdges(p: PrincipalNode, add: AddEdge, peer: PeerState, s: StateObjects): void {
    const on = (action: string, arns: readonly string[]) => this.storeGrants(p, action).find((x) => x.resources.some((r) => arns.some((a) => globsIntersect(r, a))));
    const where = `s3://${s.bucket}/${s.key}`;
    for (const [action, what] of [["s3:PutObject", "write"], ["s3:DeleteObject", "delete"]] as const) {
      const g = on(action, s.objects);
      if (!g) continue;
      const to = this.unknown(`state:${s.bucket}/${s.key}`, `the deploy role of stack ${peer.stack}, which applies the state in ${where}`);
      add(to, "state-write", action, () => `${grantText(g)} lets it ${what} the Terraform state of stack ${peer.stack} (${s.objects[0]}); the next apply of that stack does what the state says`, g.statement.source.address);
    }
    if (peer.credentials.length === 0) return;
    for (const action of STATE_READS) {
      const g = on(action, s.objects);
      if (!g) continue;
      const held = `${peer.credentials.slice(0, 2).join(", ")}${peer.credentials.length > 2 ? ", ..." : ""}`;
      const to = this.unknown(`credential:state:${s.bucket}/${s.key}`, `the principals whose credentials the state of stack ${peer.stack} holds (${held})`);
      add(to, "credential", action, () => `${grantText(g)} reads the Terraform state of stack ${peer.stack} (${s.objects[0]}), which holds ${held} in plain text`, g.statement.source.address);
      break;
    }
  }

  private ownStateEdges(p: PrincipalNode, add: AddEdge, out: ReachEdge[], s: StateObjects): void {
    const b = this.stack.backend!;
    const { bucket, key, objects } = s;
    const on = (action: string, arns: readonly string[]) => this.storeGrants(p, action).find((x) => x.resources.some((r) => arns.some((a) => globsIntersect(r, a))));
    const targets: [readonly string[], string, string][] = [[objects, "s3:PutObject", "write the Terraform state"], [objects, "s3:DeleteObject", "delete the Terraform state"]];
    const table = b.config.dynamodb_table;
    if (typeof table === "string") targets.push([[`arn:aws:dynamodb:*:*:table/${table}`], "dynamodb:DeleteItem", "break the state lock"]);
    for (const [arns, action, what] of targets) {
      const g = on(action, arns);
      if (!g) continue;
      const to = this.unknown(`state:${bucket}/${key}`, `the deploy role that applies the state in s3://${bucket}/${key}`);
      add(to, "state-write", action, () => `${grantText(g)} lets it ${what} (${arns[0]}); the next apply by the deploy role does what the state says`, g.statement.source.address);
    }
    // The state holds every secret the stack creates in plain text: reading it is reading each stored credential.
    for (const action of STATE_READS) {
      const g = on(action, objects);
      if (!g) continue;
      const stored: Evidence = { step: "stored-credential", address: "terraform.backend.s3", detail: `the Terraform state s3://${bucket}/${key} holds every secret of the stack in plain text` };
      // The master passwords of the stack's databases are in the state too.
      const reads = this.databaseReads.get(p.address) ?? [];
      for (const database of databasesWithPasswords(this.stack)) {
        reads.push({ store: "terraform.backend.s3", database, action, detail: `${grantText(g)} reads the Terraform state (${objects[0]}), which holds the master password of ${database}` });
      }
      this.databaseReads.set(p.address, reads);
      for (const c of stackCredentials(this.stack)) {
        const to = c.user ?? this.unknown(`credential:${c.address}`, `the user of ${c.address}, which blastwall cannot resolve`);
        if (to === p.address) continue;
        const detail = `${grantText(g)} reads the Terraform state (${objects[0]}), which holds ${c.what} of ${c.user ?? "a user blastwall cannot resolve"} (${c.address})`;
        out.push(new LazyEdge(p.address, to, action, g.statement.source.address, "credential", () => detail, stored));
      }
      break;
    }
  }
}


/** Service principals whose first label is not the IAM namespace of their actions. */
const NAMESPACE_OF_SERVICE: Readonly<Record<string, string>> = {
  "airflow-env": "airflow",
  "ecs-tasks": "ecs",
  edgelambda: "lambda",
  "tasks.apprunner": "apprunner",
  "pods.eks": "eks",
  "batchoperations.s3": "s3",
};

/** The IAM namespace of a service principal's actions: `states.amazonaws.com` → `states`, `pods.eks.amazonaws.com` → `eks`. */
function namespaceOf(service: string): string {
  const stem = service.toLowerCase().replace(/\.amazonaws\.com(\.cn)?$/, "");
  const first = stem.split(".")[0];
  return NAMESPACE_OF_SERVICE[stem] ?? NAMESPACE_OF_SERVICE[first] ?? first;
}

/** The AWS services a role's trust admits by name (`Principal: { Service: ... }`, readable Allow statements). */
function trustedServices(role: PrincipalNode): string[] {
  const out = new Set<string>();
  for (const st of role.trustPolicy?.statements ?? []) {
    if (st.effect !== "Allow" || st.unknown !== undefined) continue;
    for (const ps of st.principals ?? []) if (ps.type === "Service") for (const id of ps.identifiers) if (!/[*?]/.test(id)) out.add(id);
  }
  return [...out];
}

/**
 * An action pattern of the principal's own Allow statements that may be a write action of the service namespace
 * `ns` (`emr-serverless:StartJobRun`, `emr-serverless:*`, `*`), or undefined. Effective rights track only the actions
 * blastwall catalogues, so the statements are read as written; Denies are not applied (fail closed). For a
 * `modelled` service, only an action its start sets do not account for and that may start compute counts
 * (`unaccountedStart`, see unmodelledPassRole).
 */
function writeActionOf(p: PrincipalNode, ns: string, modelled?: string): string | undefined {
  for (const a of p.identityPolicies) {
    for (const st of a.document.statements) {
      if (st.effect !== "Allow" || st.unknown !== undefined) continue;
      if (st.notActions) return `${ns}:* (NotAction ${st.notActions.join(", ")})`;
      for (const act of st.actions ?? []) {
        if (!globsIntersect(act.toLowerCase(), `${ns}:*`)) continue;
        // A read verb, or a pattern whose written prefix is one (`Get*` matches reads only).
        const verb = act.slice(act.indexOf(":") + 1).toLowerCase();
        const prefix = verb.split(/[*?]/)[0];
        if (/^(get|list|describe|batchget)/.test(prefix)) continue;
        if (!modelled || unaccountedStart(modelled, act)) return act;
      }
    }
  }
  return undefined;
}

interface StateObjects {
  readonly bucket: string;
  readonly key: string;
  /** The default workspace's object, and every other workspace's under the prefix. */
  readonly objects: readonly string[];
}

function stateObjects(b: TfBackend): StateObjects {
  const bucket = typeof b.config.bucket === "string" ? b.config.bucket : "*";
  const key = typeof b.config.key === "string" ? b.config.key : "*";
  const prefix = typeof b.config.workspace_key_prefix === "string" ? b.config.workspace_key_prefix : "env:";
  return { bucket, key, objects: [`arn:aws:s3:::${bucket}/${key}`, `arn:aws:s3:::${bucket}/${prefix}/*/${key}`] };
}

/** What one search found: the reached nodes (start first) and the shortest path to each. */
export interface Reach {
  /** Node numbers reached, start first, in order of distance (see `ReachGraph.idOf`). */
  readonly orderIdx: readonly number[];
  /** Per position of `orderIdx`: the node number stepped to first on the way there. */
  readonly hopIdx: readonly number[];
  readonly order: readonly string[];
  /** Per position of `order`: the first node stepped to on the way there (the start for itself). */
  readonly firstHop: readonly string[];
  /** The first edge into a reached node; null for the start; undefined when not reached. */
  edgeInto(id: string): ReachEdge | null | undefined;
  pathTo(id: string): ReachEdge[];
}

/** A trust statement that may admit through an identity provider; `providers` absent: through any. */
interface FederatedTrust {
  readonly role: PrincipalNode;
  readonly statement: Statement;
  readonly providers?: readonly string[];
}

type AddEdge = (to: string, step: EdgeStep, label: string, why: () => string, via?: string, weak?: boolean) => void;

/**
 * Who may be admitted by each role's trust: `named` lists roles by the principal ARN their trust names (lower case);
 * `open` holds every role whose trust admits more than exact ARNs (`*`, an account, a wildcard, NotPrincipal,
 * an unreadable statement). A principal can only be admitted by a role in `named[its ARN]` or in `open`, so a
 * wildcard sts:AssumeRole need not test every role's trust.
 *
 * IAM takes no wildcard inside a principal ARN, so a named ARN with one in its name part is a name computed at apply
 * time (`${aws_iam_role.x.arn}` of a role with `name_prefix` or no name): one principal, which may be any the
 * pattern covers. Such a trust names each of them as surely as a literal ARN would, so the pattern is kept in
 * `named` too (and listed in `patterns`), not only counted as open, where an identity Allow would be needed.
 */
/** How a trust statement admits anyone, for the report. */
function anyoneText(s: Statement): string {
  if (s.unknown !== undefined) return `it cannot be read: ${s.unknown}`;
  if (s.notPrincipals !== undefined) return "Allow with NotPrincipal, everyone but those it names";
  // A reference blastwall cannot resolve is read as `*`: say so, or the reviewer looks for a `*` the policy lacks.
  return s.approximatePrincipals === true ? "a principal known only at apply time, which may be anyone" : "Principal `*`";
}

function indexTrust(roles: readonly PrincipalNode[]): { named: Map<string, PrincipalNode[]>; patterns: string[]; open: PrincipalNode[]; sessions: Set<PrincipalNode> } {
  const named = new Map<string, PrincipalNode[]>();
  const sessions = new Set<PrincipalNode>();
  const patterns = new Set<string>();
  const open: PrincipalNode[] = [];
  for (const role of roles) {
    // Most trust policies admit only AWS services; their text shows it, and parsing thousands of them would
    // dominate the analysis of a large stack. Anything that might name an IAM principal is parsed.
    if (!trustMayNamePrincipals(role.resource.values["assume_role_policy"])) continue;
    let isOpen = false;
    for (const s of role.trustPolicy?.statements ?? []) {
      if (s.unknown !== undefined || (s.effect === "Allow" && (s.notPrincipals !== undefined || s.principals === undefined))) isOpen = true;
      if (s.effect !== "Allow") continue;
      for (const ps of s.principals ?? []) {
        if (ps.type !== "AWS" && ps.type !== "*") continue;
        for (const id of ps.identifiers) {
          // A role session ARN (`arn:aws:sts::A:assumed-role/NAME/SESSION`) names that session of role NAME, whatever
          // the role's path, and within one account admits it with no identity Allow, as the role's own ARN does.
          const session = /^arn:[^:]*:sts::[^:]*:assumed-role\/([^/*?]+)\/[^*?]+$/i.exec(id);
          if (session) {
            sessions.add(role);
            const name = session[1].toLowerCase();
            const onPath = `arn:*:iam::*:role/*/${name}`;
            patterns.add(onPath);
            for (const key of [`arn:*:iam::*:role/${name}`, onPath]) {
              const list = named.get(key) ?? [];
              if (!list.includes(role)) list.push(role);
              named.set(key, list);
            }
            continue;
          }
          const computed = mayBeComputedPrincipal(id);
          if (!computed && (!/:(role|user)\//.test(id) || /[*?]/.test(id.split(":").slice(5).join(":")))) {
            isOpen = true;
            continue;
          }
          if (computed) {
            isOpen = true;
            patterns.add(normaliseAccount(id));
          }
          const key = normaliseAccount(id);
          const list = named.get(key) ?? [];
          if (!list.includes(role)) list.push(role);
          named.set(key, list);
        }
      }
    }
    if (isOpen) open.push(role);
  }
  return { named, patterns: [...patterns], open, sessions };
}

/**
 * An IAM ARN (`arn:P:iam::A:...`) with a wildcard in its name part that may stand for a role or user: it can only
 * have come from a name computed at apply time (a written one is refused by IAM).
 */
function mayBeComputedPrincipal(id: string): boolean {
  const m = /^arn:[^:]*:iam::[^:]*:(.*)$/i.exec(id);
  if (!m || !/[*?]/.test(m[1])) return false;
  return globsIntersect(m[1], "role/*", { caseInsensitive: true }) || globsIntersect(m[1], "user/*", { caseInsensitive: true });
}

/**
 * Trust policies name principals with or without a literal account, in any partition; stack patterns have `aws`
 * and `*` there. Both are compared with `*` in place of each.
 */
function normaliseAccount(arn: string): string {
  return arn.toLowerCase().replace(/^arn:[^:]*:iam::[^:]*:/, "arn:*:iam::*:");
}

const lowered = new Map<string, string>();

/** The reach tables ask for the same few dozen actions for every principal: lower-case each name once. */
function lower(action: string): string {
  let l = lowered.get(action);
  if (l === undefined) lowered.set(action, (l = action.toLowerCase()));
  return l;
}

const hijackTypeLists = new WeakMap<object, readonly string[]>();

/** One constant type list per session target, as for hijack targets. */
function sessionTypes(t: SessionTarget): readonly string[] {
  let l = hijackTypeLists.get(t);
  if (!l) hijackTypeLists.set(t, (l = [t.type]));
  return l;
}

/** One constant type list per hijack target, so the graph's index cache is hit by identity. */
function hijackTypes(t: (typeof HIJACK_TARGETS)[number]): readonly string[] {
  let l = hijackTypeLists.get(t);
  if (!l) hijackTypeLists.set(t, (l = [t.type]));
  return l;
}

/** A catalogue compute action, the resource types that run code for it, and their ARN shapes (all, or none, known). */
type ComputeEntry = { readonly entry: CatalogueEntry; readonly types: readonly string[]; readonly shapes: readonly string[] };

let computeList: ComputeEntry[] | undefined;

/** The catalogue's compute actions, each with the resource types that run code for it (built once). */
let outsideComputeList: readonly ComputeEntry[] | undefined;

/** The compute actions outsideComputeEdges asks about for every principal: all but the sessions. */
function outsideComputeEntries(): readonly ComputeEntry[] {
  return (outsideComputeList ??= computeEntries().filter(({ entry }) => !isSessionAction(entry.action)));
}

function computeEntries(): readonly ComputeEntry[] {
  if (!computeList) {
    computeList = loadCatalogue().escalation.filter((e) => e.target === "compute").map((entry) => {
      const targets = HIJACK_TARGETS.filter((t) => t.actions.some((a) => a.toLowerCase() === entry.action.toLowerCase()));
      const shapes = targets.every((t) => t.shape !== undefined) ? targets.map((t) => t.shape!) : [];
      return { entry, types: targets.map((t) => t.type), shapes };
    });
  }
  return computeList;
}
