import type { Evidence } from "../findings";
import { mention, type Named } from "../describe";
import type { Grant, PrincipalNode, StackAnalysis } from "../analysis-types";
import type { TfResource, TfStack } from "../terraform/types";
import { roleOfCompute, roleOfValue } from "./role-of";
import { storedCredentialEdges, type DatabaseRead, type PeerReads, type SecretRead } from "./credentials";
import type { ResourceIndex } from "./resource-index";
import { UNKNOWN_PREFIX, type ReachEdge } from "./types";
import { LazyEdge, type EdgeStep } from "./edge";
import { EdgeContext, type ScopedUser } from "./edge-context";
import { assumeRoleEdges, federatedLoginEdges, providerRewriteEdges, rewriteTrustEdges } from "./edges-assume";
import { becomeUserEdges, createPrincipalEdges } from "./edges-principals";
import { hijackEdges, outsideComputeEdges, passRoleEdges, sourceEdges } from "./edges-compute";
import { clusterEdges } from "./edges-clusters";
import { sessionEdges } from "./edges-sessions";
import { vendingEdges } from "./edges-vending";
import { launchEdges } from "./edges-launch";
import { takeoverEdges } from "./edges-takeover";
import { remediationEdges } from "./edges-remediation";
import { nodeAccessEdges } from "./edges-node-access";
import { routeEdges } from "./edges-routes";
import { stateEdges } from "./edges-state";
import { frontDoorEdges, labelInScope, scopedEdge } from "./edges-front-doors";
import { agentTokens, webIdentityEdges, type WebIdentityToken } from "./edges-web-identity";
import { MAX_REACH_EDGES, ReachGraphTooLarge } from "./graph-limit";

export { EDGE_STEPS, edgeEvidence, grantText, type EdgeStep } from "./edge";
export type { ScopedUser } from "./edge-context";

/** The reach of every agent: edges computed lazily per principal and cached, breadth-first search per agent. */
export class ReachGraph {
  private readonly edges = new Map<string, ReachEdge[]>();
  private readonly secretReads = new Map<string, SecretRead[]>();
  private readonly databaseReads = new Map<string, DatabaseRead[]>();
  /** The stack, its indexes and the helpers every edge family reads (edge-context.ts), built once per graph. */
  private readonly ctx: EdgeContext;

  /** Edges held in `edges`, against `maxEdges`; set once the graph would hold more, after which every use throws it. */
  private held = 0;
  private tooLarge: ReachGraphTooLarge | undefined;

  constructor(
    readonly stack: TfStack,
    readonly analysis: StackAnalysis,
    /** Edges the graph may hold (graph-limit.ts); past it, asking for edges throws `ReachGraphTooLarge`. */
    private readonly maxEdges = MAX_REACH_EDGES,
  ) {
    this.ctx = new EdgeContext(stack, analysis);
  }

  /**
   * Checked as each edge is made (`building`: the edges of the principal at hand so far), not only once a principal's
   * edges are all made: one principal with many grants of `sts:AssumeRole` on `*` makes an edge per grant and role.
   */
  private budget(building: number): void {
    if (this.held + building <= this.maxEdges) return;
    const built = this.edges.size;
    const err = new ReachGraphTooLarge(this.stack.file, this.analysis.principals.length, this.analysis.principals.filter((p) => p.kind === "role").length, built, this.held + building, this.maxEdges);
    // What was built is let go: the findings no longer read it, and the rest of the analysis needs the memory.
    this.edges.clear();
    this.secretReads.clear();
    this.databaseReads.clear();
    this.adj.length = 0;
    this.tooLarge = err;
    throw err;
  }

  /** What an unknown node stands for, for reports; undefined for an id the graph did not make. */
  unknownDetailOf(id: string): string | undefined {
    return this.ctx.unknownDetailOf(id);
  }

  /** `unknownDetailOf` with the statements the text names, for an evidence step. */
  unknownNamedOf(id: string): Named | undefined {
    return this.ctx.unknownNamedOf(id);
  }

  edgesFrom(id: string): ReachEdge[] {
    if (this.tooLarge) throw this.tooLarge;
    if (id.startsWith(UNKNOWN_PREFIX)) return [];
    let out = this.edges.get(id);
    if (!out) {
      const p = this.analysis.byAddress.get(id);
      const scoped = p ? undefined : this.ctx.scopedUsers.get(id);
      out = p ? this.computeEdges(p) : scoped ? this.scopedEdges(scoped) : [];
      this.budget(out.length);
      this.held += out.length;
      this.edges.set(id, out);
    }
    return out;
  }

  /**
   * The role compute of the stack runs as (`roleAttribute` as in HIJACK_TARGETS): its address, null for none, undefined
   * when blastwall cannot resolve it; for rules that judge compute the agent only starts (rules/function-invokes.ts).
   */
  roleOfCompute(res: TfResource, roleAttribute: string): string | null | undefined {
    return roleOfCompute(this.ctx, res, roleAttribute, false);
  }

  /** The principal a role value (reference, ARN or name) names; undefined when blastwall cannot resolve it. */
  roleOfValue(v: unknown): string | undefined {
    return roleOfValue(this.ctx, v);
  }

  /** A principal's own grants of an action and those the stack's Lambda permissions give it. */
  computeGrants(p: PrincipalNode, action: string): readonly Grant[] {
    return this.ctx.computeGrants(p, action);
  }

  /** The web identity tokens whoever runs agent `p` holds: its own and its runners' (edges-web-identity.ts). */
  agentTokens(p: PrincipalNode): readonly WebIdentityToken[] {
    return agentTokens(this.ctx, p);
  }

  /** The user and services a node of a user's service credentials stands for; undefined for other nodes. */
  scopedUser(id: string): ScopedUser | undefined {
    return this.ctx.scopedUsers.get(id);
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
      this.budget(out.length);
    };
    if (s.signs) {
      // A role a service calls actions with for a caller: the role's own edges whose every action is one of them.
      for (const e of this.edgesFrom(s.user.address)) if (e.to !== s.id && e.to !== s.user.address && labelInScope(e.label, s.scope.allows)) out.push(scopedEdge(s.id, e));
      return out;
    }
    sourceEdges(this.ctx, s.user, add, s.scope.allows);
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

  /** Resources of these types with their ARN patterns, indexed once per graph. */
  resourcesOf(types: readonly string[]): ResourceIndex {
    return this.ctx.resourcesOf(types);
  }

  private computeEdges(p: PrincipalNode): ReachEdge[] {
    const out: ReachEdge[] = [];
    const add = (to: string, step: EdgeStep, label: string, why: () => string, via?: string, weak?: boolean) => {
      if (to !== p.address) out.push(new LazyEdge(p.address, to, label, via, step, why, undefined, weak));
      this.budget(out.length);
    };
    assumeRoleEdges(this.ctx, p, add);
    rewriteTrustEdges(this.ctx, p, add);
    providerRewriteEdges(this.ctx, p, add);
    federatedLoginEdges(this.ctx, p, add);
    webIdentityEdges(this.ctx, p, add);
    becomeUserEdges(this.ctx, p, add);
    passRoleEdges(this.ctx, p, add);
    hijackEdges(this.ctx, p, add);
    routeEdges(this.ctx, p, add);
    sourceEdges(this.ctx, p, add);
    frontDoorEdges(this.ctx, p, add);
    outsideComputeEdges(this.ctx, p, add);
    createPrincipalEdges(this.ctx, p, add);
    clusterEdges(this.ctx, p, add);
    sessionEdges(this.ctx, p, add);
    vendingEdges(this.ctx, p, add);
    launchEdges(this.ctx, p, add);
    takeoverEdges(this.ctx, p, add);
    remediationEdges(this.ctx, p, add);
    nodeAccessEdges(this.ctx, p, add);
    // Resource policies may grant a read on their own: then every action is asked.
    const creds = storedCredentialEdges(this.stack, (types) => this.ctx.resourcesOf(types), p, (a) => this.ctx.storeGrants(p, a), (actions) => this.ctx.storePolicies || this.ctx.holdsAny(p, actions), peerReads(p));
    for (const e of creds.edges) {
      const to = e.to ?? this.ctx.unknown(`credential:${e.store}`, () => mention(e.detail()));
      if (to === p.address) continue;
      // The store is a link of its own: a reviewer may cut the read, or move the credential out of it.
      const stored: Evidence = { step: "stored-credential", address: e.store, detail: e.storeDetail ?? "holds a credential" };
      out.push(new LazyEdge(p.address, to, e.label, undefined, "credential", () => mention(e.detail()), stored));
    }
    this.secretReads.set(p.address, creds.unknownReads);
    this.databaseReads.set(p.address, creds.databaseReads);
    stateEdges(this.ctx, p, add, out, this.databaseReads, creds.unknownReads);
    // A user in some services beside the whole user adds nothing: the same link, found twice.
    const scoped = this.ctx.scopedUsers.size > 0 ? out.filter((e) => this.ctx.scopedUsers.has(e.to)) : [];
    const whole = scoped.length > 0 ? new Set(out.map((e) => e.to)) : undefined;
    const kept = whole ? out.filter((e) => !scoped.includes(e) || !whole.has(this.ctx.scopedUsers.get(e.to)!.user.address)) : out;
    // A weak edge beside a certain one to the same principal adds nothing, and could make the search show the weak one.
    if (!kept.some((e) => e.weak)) return kept;
    const certain = new Set(kept.filter((e) => !e.weak).map((e) => e.to));
    return kept.filter((e) => !e.weak || !certain.has(e.to));
  }
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

/** Another checked stack's principal's own reads of stored secrets and its Denies of them (peer-stacks.ts `readsOf`). */
function peerReads(p: PrincipalNode): PeerReads | undefined {
  const entry = p.external ? p.peer?.entry : undefined;
  if (entry?.reads === undefined) return undefined;
  return { grants: (action) => entry.reads!.filter((g) => g.action.toLowerCase() === action.toLowerCase()), denies: entry.readDenies ?? [] };
}
