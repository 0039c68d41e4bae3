import type { Evidence, FindingDraft } from "../engine/findings";
import type { PrincipalNode } from "../engine/analysis-types";
import type { RuleContext } from "../engine/rule";
import { ReachGraph, type ScopedUser } from "../engine/reach/graph";
import type { ReachEdge } from "../engine/reach/types";
import type { DatabaseRead } from "../engine/reach/credentials";
import { loadCatalogue } from "../engine/catalogue";
import { agentCan, grantingBlockOf, grantsByCategory, groupByStatement, managedPolicyFix, principalEvidence, severityOf, statementEvidence, type StatementGrants } from "./support";
import { listActions } from "../report/summarize";
import { UNKNOWN_PREFIX } from "../engine/reach/types";
import { takeoverFix } from "../engine/reach/edges-takeover";
import { remediationFix } from "../engine/reach/edges-remediation";
import { nodeAccessFix } from "../engine/reach/edges-node-access";
import { regionsOf, type Regions } from "../engine/reach/regions";
import { isPermissionWrite, selfTargets, writesOn } from "./self-targets";
import { namesPrincipals, resourcePolicyGrants } from "../engine/resource-policies";
import { isRecoverableDelete, overwrittenText, unprotectedOverwrites, type Overwrite } from "./agent-overwrite-unprotected";
import { flowEvidence } from "./flow-storage-writes";
import { principalAdmits } from "../engine/iam/trust";
import { serverlessDeletesOf } from "./agent-serverless-data-delete";
import { dataShells, type DataShell } from "./agent-instance-shell";
import type { TfStack } from "../engine/terraform/types";
import { cloudControlPrincipalNamed } from "../engine/cloud-control";
import { PROVIDER_REWRITE } from "../engine/reach/compute";
import { LOGIN_REWRITE, type LoginRewriteKind } from "../engine/reach/rare-actions";
import { statementsKey } from "../engine/describe";
import { LAMBDA_AUTHORIZER_LABEL } from "../engine/reach/authorizers";

const graphs = new WeakMap<object, ReachGraph>();

/** One reach graph per analysed stack, shared by the reach rules. */
export function reachOf(ctx: RuleContext): ReachGraph {
  let g = graphs.get(ctx.analysis);
  if (!g) graphs.set(ctx.analysis, (g = new ReachGraph(ctx.stack, ctx.analysis, ctx.maxReachEdges)));
  return g;
}

export function pathEvidence(path: readonly ReachEdge[]): Evidence[] {
  return path.flatMap((e) => e.evidence);
}

/** `a --sts:AssumeRole--> b --iam:PassRole--> c`: the chain in one line, for messages. */
export function chainText(start: string, path: readonly ReachEdge[]): string {
  return path.reduce((s, e) => `${s} --${e.label}--> ${e.to}`, start);
}

/**
 * How a finding names a right the agent uses itself (no `path`) or through `holder`, a principal it can act as along
 * `path`: who can (`who ... <verb>`), whom the fix asks to give the right up, and where the arrows start.
 */
export function heldThrough(agent: PrincipalNode, holder: PrincipalNode, path: readonly ReachEdge[] | undefined): { readonly who: string; readonly holder: string; readonly start: string } {
  return path
    ? { who: `${agentCan(agent)} act as ${holder.address}, which can`, holder: `${holder.address} (or cut the chain from ${agent.address} to it)`, start: chainText(agent.address, path) }
    : { who: agentCan(agent), holder: "the agent", start: agent.address };
}

/** What a reached principal can do that matters: destroy or protection rights, or rewriting its own permissions. */
export interface Capability {
  /** The reached principal's own destroy and protection rights. */
  readonly destroy: StatementGrants[];
  /** IAM writes on the reached principal's own permissions: by itself, or by the agent (which then acts as it). */
  readonly escalate: StatementGrants[];
  /** Who holds the `escalate` grants. */
  readonly escalator?: PrincipalNode;
  /** The `escalate` grants write the permissions of other principals, not the holder's own. */
  readonly onOthers?: boolean;
  /** Stores it can read that hold a database's master password: whoever holds one can drop the database. */
  readonly passwords?: readonly DatabaseRead[];
  /** Its writes on stores of the stack that keep no earlier version: an overwrite there is a delete. */
  readonly overwrites?: readonly Overwrite[];
  /** Its shells on instances with data volumes: a root shell wipes them with no delete call. */
  readonly shells?: readonly DataShell[];
}

/** Whether the capability holds anything that destroys data (or hands out the rights to). */
export function isDangerous(c: Capability): boolean {
  return c.destroy.length > 0 || c.escalate.length > 0 || (c.passwords?.length ?? 0) > 0 || (c.overwrites?.length ?? 0) > 0 || (c.shells?.length ?? 0) > 0;
}

/**
 * Every IAM principal and customer policy, in any account and partition. A principal the agent reaches that can
 * rewrite any of them can hand destroy rights to the agent itself, or to a role either of them can assume; which
 * one it can write is not needed to know that the agent reaches someone who hands out rights.
 */
const ANY_PRINCIPAL = ["arn:*:iam::*:role/*", "arn:*:iam::*:user/*", "arn:*:iam::*:group/*", "arn:*:iam::*:policy/*"];

/** `targets` is asked only when the holder has permission writes at all: most principals have none, and finding targets resolves references. */
function iamWritesOn(ctx: RuleContext, holder: PrincipalNode, targetsFor: () => readonly string[]): StatementGrants[] {
  if (!holdsPermissionWrites(ctx, holder)) return [];
  const cat = loadCatalogue();
  const targets = targetsFor();
  return groupByStatement(
    ctx.analysis.rightsOf(holder.address),
    (g) => !g.statement.unknown && isPermissionWrite(g.action) && writesOn(g.action, g.resources, targets),
    (a) => cat.rank(a),
    ["escalation"],
  );
}

interface Caches {
  own: Map<string, Capability>;
  targets: Map<string, string[]>;
}
const caches = new WeakMap<object, Caches>();

function cachesOf(ctx: RuleContext): Caches {
  let c = caches.get(ctx.analysis);
  if (!c) caches.set(ctx.analysis, (c = { own: new Map(), targets: new Map() }));
  return c;
}

function targetsOf(ctx: RuleContext, p: PrincipalNode): string[] {
  const c = cachesOf(ctx);
  let t = c.targets.get(p.address);
  if (!t) c.targets.set(p.address, (t = selfTargets(ctx.stack, ctx.analysis, p)));
  return t;
}

/** The principal's own destroy rights and own permission writes, computed once per analysed stack. */
function ownCapability(ctx: RuleContext, p: PrincipalNode): Capability {
  const c = cachesOf(ctx);
  let cap = c.own.get(p.address);
  if (!cap) {
    const cat = loadCatalogue();
    const destroy: StatementGrants[] = groupByStatement(
      ctx.analysis.rightsOf(p.address),
      (g) => !g.statement.unknown && !isRecoverableDelete(ctx, g),
      (a) => cat.rank(a),
      ["direct", "protection"],
    );
    // Resource policies that name it grant on their own, whatever its identity policies say. (For agents the
    // rule resource-policy-grant reports them.)
    if (!p.isAgent) for (const g of resourcePolicyGrantsTo(ctx, p)) destroy.push(g);
    // So do OpenSearch Serverless data access policies, behind the IAM door (agents' own: agent-serverless-data-delete).
    if (!p.isAgent) for (const g of serverlessDeletesOf(ctx.stack, ctx.analysis, p)) destroy.push(g);
    // Rewriting a resource policy (a bucket's, a key's, a vault's) grants the writer deletion there, whatever its own
    // policies say: it removes the protection. (Agents' own are agent-resource-policy-rewrite's.)
    if (!p.isAgent && rewriteActions().some((a) => ctx.analysis.rightsOf(p.address).grants.has(a))) {
      const rewrites = groupByStatement(
        ctx.analysis.rightsOf(p.address),
        (g) => !g.statement.unknown && rewriteNames().has(g.action),
        (a) => cat.rank(a),
        ["escalation"],
      );
      for (const g of rewrites) destroy.push(g);
    }
    let escalate = iamWritesOn(ctx, p, () => targetsOf(ctx, p));
    let onOthers = false;
    // Agents are left out: their writes on others are searched per agent (a principal matters when that agent can
    // rewrite it), and an agent's own rights are the direct rules' business.
    if (escalate.length === 0 && !p.isAgent) {
      escalate = iamWritesOn(ctx, p, () => ANY_PRINCIPAL);
      onOthers = escalate.length > 0;
    }
    // Agents' own reads are the agent-database-password rule's; through another principal they are a chain.
    const passwords = p.isAgent ? [] : reachOf(ctx).databaseReadsOf(p.address);
    // Agents' own overwrites are agent-overwrite-unprotected's; through another principal they are a chain.
    const overwrites = p.isAgent ? [] : unprotectedOverwrites(ctx, p);
    // Agents' own shells are agent-instance-shell's; through another principal they are a chain.
    const shells = p.isAgent ? [] : dataShells(ctx, p);
    cap = {
      destroy,
      escalate,
      escalator: p,
      onOthers,
      ...(passwords.length > 0 ? { passwords } : {}),
      ...(overwrites.length > 0 ? { overwrites } : {}),
      ...(shells.length > 0 ? { shells } : {}),
    };
    c.own.set(p.address, cap);
  }
  return cap;
}

let rewriteSet: ReadonlySet<string> | undefined;
let rewriteList: readonly string[] | undefined;

/**
 * Resource-policy writes that count as removing protection (see ownCapability), from the catalogue: error-level ones,
 * without kms:CreateGrant (a KMS grant hands out key use, never ScheduleKeyDeletion). Canonical names.
 */
function rewriteNames(): ReadonlySet<string> {
  return (rewriteSet ??= new Set(loadCatalogue().escalation.filter((e) => e.target === "resource-policy" && e.severity !== "warning" && e.action !== "kms:CreateGrant").map((e) => e.action)));
}

/** The same, lower case (the keys of effective rights). */
function rewriteActions(): readonly string[] {
  return (rewriteList ??= [...rewriteNames()].map((a) => a.toLowerCase()));
}

/** Resource policy statements of the stack that name `p` (by ARN) and grant it destroy or protection rights. */
function resourcePolicyGrantsTo(ctx: RuleContext, p: PrincipalNode): StatementGrants[] {
  const out: StatementGrants[] = [];
  for (const { statement, actions } of resourcePolicyGrants(ctx.stack)) {
    if (statement.unknown || !namesPrincipals(statement)) continue;
    if (principalAdmits([statement], { arnPattern: p.arnPattern }, actions[0]).length === 0) continue;
    out.push({ statement, actions, conditional: statement.conditions.length > 0, resources: new Set(statement.resources ?? ["*"]) });
  }
  return out;
}

/**
 * What the reached principal `p` lets the agent do: its own destroy rights, its own IAM writes on itself, or the
 * agent's IAM writes on `p` (a role the agent can both assume and rewrite is as good as administrator).
 */
export function capabilityOf(ctx: RuleContext, p: PrincipalNode, agent?: PrincipalNode, agentWrites = true): Capability {
  const own = ownCapability(ctx, p);
  if (own.escalate.length > 0 || !agent || !agentWrites) return own;
  const byAgent = iamWritesOn(ctx, agent, () => targetsOf(ctx, p));
  return byAgent.length > 0 ? { ...own, escalate: byAgent, escalator: agent, onOthers: false } : own;
}

/**
 * A user as the holder of credentials for some services only (an SSH key for CodeCommit, a service-specific
 * credential; see SERVICE_CREDENTIAL_ACTIONS): its destroy and protection rights in those services, from its own
 * policies and the resource policies naming it. Its IAM writes, secret reads and overwrites elsewhere need a signed
 * AWS request, which the credentials cannot make; the agent's own writes on the user's permissions still count (it can
 * hand the user any right in the services).
 */
function scopedCapability(ctx: RuleContext, s: ScopedUser, agent?: PrincipalNode, agentWrites = true): Capability {
  const c = cachesOf(ctx);
  let own = c.own.get(s.id);
  if (!own) {
    const cat = loadCatalogue();
    const rights = ctx.analysis.rightsOf(s.user.address);
    const destroy: StatementGrants[] = groupByStatement(rights, (g) => !g.statement.unknown && s.scope.allows(g.action) && (s.grants?.(g) ?? true) && !isRecoverableDelete(ctx, g), (a) => cat.rank(a), ["direct", "protection"]);
    if (!s.user.isAgent) {
      for (const g of resourcePolicyGrantsTo(ctx, s.user)) {
        const actions = g.actions.filter((a) => s.scope.allows(a));
        if (actions.length > 0) destroy.push({ ...g, actions });
      }
      if (rewriteActions().some((a) => s.scope.allows(a) && rights.grants.has(a))) {
        for (const g of groupByStatement(rights, (x) => !x.statement.unknown && rewriteNames().has(x.action) && s.scope.allows(x.action), (a) => cat.rank(a), ["escalation"])) destroy.push(g);
      }
    }
    own = { destroy, escalate: [], escalator: s.user };
    c.own.set(s.id, own);
  }
  if (!agent || !agentWrites) return own;
  const byAgent = iamWritesOn(ctx, agent, () => targetsOf(ctx, s.user));
  return byAgent.length > 0 ? { ...own, escalate: byAgent, escalator: agent, onOthers: false } : own;
}

/** What a node of the reach graph lets the agent do: a principal's capability, or a user's in some services; undefined for unknown nodes. */
function nodeCapability(ctx: RuleContext, id: string, agent?: PrincipalNode, agentWrites = true): Capability | undefined {
  const p = ctx.analysis.byAddress.get(id);
  if (p) return capabilityOf(ctx, p, agent, agentWrites);
  const s = reachOf(ctx).scopedUser(id);
  return s ? scopedCapability(ctx, s, agent, agentWrites) : undefined;
}

/** The principal whose statements a node's capability comes from: itself, or the user a node of its service credentials stands for. */
function holderOf(ctx: RuleContext, id: string): PrincipalNode {
  return ctx.analysis.byAddress.get(id) ?? reachOf(ctx).scopedUser(id)!.user;
}

export function capabilityEvidence(p: PrincipalNode, c: Capability): Evidence[] {
  const reads = (c.passwords ?? []).slice(0, 2).map((r) => ({ step: "secret-read", address: r.store, detail: r.detail, ...statementsKey(r.statements) }));
  // One statement often grants in several categories (delete and protection rights): it is shown once.
  const shown = new Set<object>();
  const once = (holder: PrincipalNode, gs: readonly StatementGrants[]) =>
    gs.flatMap((g) => {
      if (shown.has(g.statement)) return [];
      shown.add(g.statement);
      return statementEvidence(holder, g.statement);
    });
  const overwritten = (c.overwrites ?? []).slice(0, 2).flatMap((o) => [
    ...(shown.has(o.statement) ? [] : (shown.add(o.statement), statementEvidence(p, o.statement))),
    // A flow right that is a write names the flow whose Storage node makes it.
    ...flowEvidence(o.grants),
    ...o.shown.slice(0, 2).map((x) => ({ step: "resource", address: x.resource.address, detail: x.lacks })),
  ]);
  const shells = (c.shells ?? []).slice(0, 2).flatMap((x) => [
    ...x.statements.slice(0, 1).flatMap((st) => (shown.has(st) ? [] : (shown.add(st), statementEvidence(p, st)))),
    { step: "shell", address: x.instance, detail: `${x.actions.join(", ")}: a shell as root beside ${listActions(x.volumes)}` },
  ]);
  return [...once(p, c.destroy.slice(0, 3)), ...once(c.escalator ?? p, c.escalate.slice(0, 2)), ...reads, ...overwritten, ...shells];
}

function holdsPermissionWrites(ctx: RuleContext, p: PrincipalNode): boolean {
  return (grantsByCategory(ctx.analysis.rightsOf(p.address)).get("escalation") ?? []).some((g) => !g.statement.unknown && isPermissionWrite(g.action));
}

/** A principal the agent reaches, and what it can do. */
interface Hit {
  readonly id: string;
  readonly cap?: Capability;
}

/** The rest of what the agent reaches besides the principal a finding names: how many, and a few by name. */
interface More {
  readonly count: number;
  readonly names: readonly string[];
  /** `through the same first step` (per first link) or `in all` (everything the agent reaches). */
  readonly scope: "hop" | "all";
}

export interface ReachResults {
  readonly destroy: FindingDraft[];
  readonly unknown: FindingDraft[];
}

const results = new WeakMap<object, ReachResults>();

/** Classes of node in the shared regions: principals with destroy rights (agents apart), unknown ones, agents with destroy rights. */
const DANGER = 1;
const UNKNOWN = 2;
const DANGER_AGENT = 3;

/**
 * Both reach rules in one pass. Findings are per first link out of the agent (the link a reviewer cuts): each
 * names the nearest principal behind that link with its whole chain, and counts the rest, so a large
 * organisation yields one finding per dangerous link, not one per reachable role.
 *
 * The organisation is searched once for all agents (see `regions.ts`), so the cost grows with principals plus
 * edges, not with agents times principals. Agents that can rewrite IAM policies get a search of their own: for
 * them a principal without rights of its own is dangerous too when the agent can rewrite it, which depends on the
 * agent. So does, rarely, an agent with destroy rights of its own (see linkFindings).
 */
export function reachFindings(ctx: RuleContext): ReachResults {
  const cached = results.get(ctx.analysis);
  if (cached) return cached;
  const graph = reachOf(ctx);
  const out: ReachResults = { destroy: [], unknown: [] };
  // What each reached node is to every agent: 0 nothing, 1 a principal with its own destroy or escalation right,
  // 2 a principal that matters only if the agent itself can rewrite it, 3 an unknown principal. Per node number.
  const kind: number[] = [];
  const kindOf = (i: number): number => {
    let k = kind[i];
    if (k === undefined) {
      const id = graph.idOf(i);
      if (id.startsWith(UNKNOWN_PREFIX)) k = 3;
      else {
        const own = nodeCapability(ctx, id);
        k = !own ? 0 : isDangerous(own) ? 1 : 2;
      }
      kind[i] = k;
    }
    return k;
  };
  const writers = new Set(ctx.analysis.agents.filter((a) => holdsPermissionWrites(ctx, a)));
  const agentNodes = new Set(ctx.analysis.agents.map((a) => graph.numberOf(a.address)));
  const shared = ctx.analysis.agents.filter((a) => !writers.has(a));
  const starts = shared.map((a) => graph.numberOf(a.address));
  // Agents with destroy rights are a class of their own: the nearest danger behind an agent's link may be the
  // agent itself, and the search must be able to look past it (see linkFindings).
  const classOf = (v: number): number => {
    const k = kindOf(v);
    return k === 1 ? (agentNodes.has(v) ? DANGER_AGENT : DANGER) : k === 3 ? UNKNOWN : 0;
  };
  const regions = shared.length > 0 ? regionsOf(graph, starts, 3, classOf) : undefined;
  // Per component of the organisation: the actions of everything it reaches (the same for every agent).
  const behindCache = new Map<number, string[]>();
  const reachedCache = new Map<string, Reached>();
  for (const agent of ctx.analysis.agents) {
    const linked = regions && !writers.has(agent) && linkFindings(ctx, graph, regions, agent, out, behindCache, reachedCache);
    if (!linked) searchFindings(ctx, graph, kindOf, agent, writers.has(agent), out);
  }
  results.set(ctx.analysis, out);
  return out;
}

/**
 * Findings for one agent from the shared regions: per first link, the nearest principal it leads to. Returns
 * false, having reported nothing, in the one case the regions cannot answer: a link whose nearest dangerous
 * principals are all the agent itself, with more danger behind it; the caller then searches from the agent.
 */
function linkFindings(ctx: RuleContext, graph: ReachGraph, regions: Regions, agent: PrincipalNode, out: ReachResults, behindCache: Map<number, string[]>, reachedCache: Map<string, Reached>): boolean {
  const s = graph.numberOf(agent.address);
  const { edges, targets } = graph.outOf(s);
  // What the agent reaches in all, per kind of finding: the same for every agent of its component, so read once
  // per component, however many agents and links lead on. The agent itself is left out below.
  const reachedOf = (classes: readonly number[]): Reached => {
    const key = `${regions.componentOf(s)}|${classes.join()}`;
    let all = reachedCache.get(key);
    if (!all) reachedCache.set(key, (all = new Reached(classes.map((c) => regions.reachable(s, c)))));
    return all;
  };
  const more = (classes: readonly number[], first: number, name: (id: string) => string): More => {
    const all = reachedOf(classes);
    const names: string[] = [];
    for (const list of all.lists) {
      for (let i = 0; i < list.length && names.length < 4; i++) if (list[i] !== first && list[i] !== s) names.push(name(graph.idOf(list[i])));
    }
    return { count: all.size - (all.has(s) ? 1 : 0) - (first !== s && all.has(first) ? 1 : 0), names, scope: "all" };
  };
  const selfDanger = regions.classOf(s) === DANGER_AGENT;
  // Everything behind a link, not only its nearest principal: what an acknowledgement limited to actions is held to.
  const behind = (h: number): string[] => {
    const c = regions.componentOf(h);
    let b = behindCache.get(c);
    if (!b) {
      const out = new Set<string>();
      for (const v of [...regions.reachable(h, DANGER), ...regions.reachable(h, DANGER_AGENT)]) {
        for (const a of capabilityActions(nodeCapability(ctx, graph.idOf(v), agent, false)!)) out.add(a);
      }
      if (regions.count(h, UNKNOWN) > 0) out.add("*");
      behindCache.set(c, (b = [...out]));
    }
    return b;
  };
  const chains: { hop: string; hit: Hit; path: ReachEdge[]; more: More; behind: string[] }[] = [];
  const unknown: FindingDraft[] = [];
  const seen = new Set<number>();
  const direct: ReachEdge[] = [];
  for (let k = 0; k < targets.length; k++) {
    const h = targets[k];
    if (h === s || seen.has(h)) continue;
    seen.add(h);
    // A chain that comes back through the agent belongs to the agent's other link it continues on.
    const a = regions.nearest(h, DANGER, s);
    const b = regions.nearest(h, DANGER_AGENT, s);
    const d = a && b ? (b.path.length < a.path.length ? b : a) : (a ?? b);
    if (d) {
      const id = graph.idOf(d.target);
      const hit: Hit = { id, cap: nodeCapability(ctx, id, agent, false)! };
      chains.push({ hop: graph.idOf(h), hit, path: [edges[k], ...d.path], more: more([DANGER, DANGER_AGENT], d.target, (x) => x), behind: behind(h) });
      continue;
    }
    // The nearest dangerous agent behind this link may be this agent, hiding another one further on.
    if (selfDanger && regions.count(h, DANGER_AGENT) > 1) return false;
    // Behind a link that already leads to a destroy right, unknown reach adds nothing to fix: the same cut ends both.
    const u = regions.nearest(h, UNKNOWN, s);
    if (!u) continue;
    // Unknown principals the agent reaches in one step (roles by wildcard, compute outside the stack) are one
    // finding: they come from the agent's own statements, which is where the fix is.
    if (u.path.length === 0) direct.push(edges[k]);
    else unknown.push(unknownFinding(graph, agent, graph.idOf(u.target), [edges[k], ...u.path], more([UNKNOWN], u.target, (x) => graph.unknownDetailOf(x) ?? x), ctx.strict));
  }
  if (direct.length > 0) unknown.push(directUnknownFinding(graph, agent, direct, ctx.strict));
  // Two first links may lead to one principal (by way of another role, and by rewriting its trust directly).
  const to = new Map<string, number>();
  for (const c of chains) to.set(c.hit.id, (to.get(c.hit.id) ?? 0) + 1);
  for (const c of chains) out.destroy.push(destroyFinding(ctx, agent, c.hop, c.hit, c.path, c.more, c.behind, to.get(c.hit.id)! - 1));
  out.unknown.push(...unknown);
  return true;
}

/** Nodes reached, per class: each list sorted, no node in two (a node has one class). */
class Reached {
  readonly size: number;
  constructor(readonly lists: readonly (readonly number[])[]) {
    this.size = lists.reduce((n, l) => n + l.length, 0);
  }

  has(v: number): boolean {
    return this.lists.some((l) => sortedHas(l, v));
  }
}

function sortedHas(list: readonly number[], v: number): boolean {
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid] === v) return true;
    if (list[mid] < v) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/** Findings for one agent from its own breadth-first search (agents that can rewrite IAM policies, and see linkFindings). */
function searchFindings(ctx: RuleContext, graph: ReachGraph, kindOf: (i: number) => number, agent: PrincipalNode, writes: boolean, out: ReachResults): void {
  const reach = graph.search(agent.address);
  const destroyByHop = new Map<string, Hit[]>();
  const unknownByHop = new Map<string, Hit[]>();
  const { orderIdx, hopIdx } = reach;
  for (let k = 1; k < orderIdx.length; k++) {
    const n = orderIdx[k];
    const what = kindOf(n);
    if (what === 0 || (what === 2 && !writes)) continue;
    const id = graph.idOf(n);
    const hop = graph.idOf(hopIdx[k]);
    if (what === 3) {
      push(unknownByHop, hop, { id });
      continue;
    }
    const cap = nodeCapability(ctx, id, agent, writes)!;
    if (isDangerous(cap)) push(destroyByHop, hop, { id, cap });
  }
  const rest = (hits: readonly Hit[], name: (id: string) => string = (x) => x): More => ({ count: hits.length - 1, names: hits.slice(1, 5).map((h) => name(h.id)), scope: "hop" });
  // The search reaches each principal once, by one first link: no two of these findings name the same principal.
  for (const [hop, hits] of destroyByHop) {
    const behind = new Set(hits.flatMap((h) => capabilityActions(h.cap!)));
    if (unknownByHop.has(hop)) behind.add("*");
    out.destroy.push(destroyFinding(ctx, agent, hop, hits[0], reach.pathTo(hits[0].id), rest(hits), [...behind]));
  }
  const direct: ReachEdge[] = [];
  for (const [hop, hits] of unknownByHop) {
    if (destroyByHop.has(hop)) continue;
    if (hop === hits[0].id) {
      for (const h of hits) {
        const e = reach.pathTo(h.id)[0];
        if (e) direct.push(e);
      }
    } else out.unknown.push(unknownFinding(graph, agent, hits[0].id, reach.pathTo(hits[0].id), rest(hits, (x) => graph.unknownDetailOf(x) ?? x), ctx.strict));
  }
  if (direct.length > 0) out.unknown.push(directUnknownFinding(graph, agent, direct, ctx.strict));
}

function push<V>(m: Map<string, V[]>, k: string, v: V): void {
  const l = m.get(k);
  if (l) l.push(v);
  else m.set(k, [v]);
}

function moreText(m: More, what: string): string {
  if (m.count === 0) return "";
  const kind = m.count === 1 ? what.replace(/principals/, "principal") : what;
  const list = `${m.names.join(", ")}${m.count > m.names.length ? ", ..." : ""}`;
  return m.scope === "hop"
    ? ` Through the same first step it also reaches ${m.count} more ${kind}: ${list}.`
    : ` In all it can come to act as ${m.count} more ${kind}: ${list}.`;
}

/** The destroy and escalation actions a capability gives, in the order its grants list them. */
export function capabilityActions(cap: Capability): string[] {
  return [
    ...new Set([
      ...[...cap.destroy, ...cap.escalate].flatMap((g) => g.actions),
      ...(cap.passwords ?? []).map((r) => r.action),
      ...(cap.overwrites ?? []).flatMap((o) => o.grants.map((g) => g.action)),
      ...(cap.shells ?? []).flatMap((x) => x.actions),
    ]),
  ];
}

/**
 * A chain with a link that holds only if something blastwall cannot read lets it: an unknown start action starts
 * compute, or a Lambda authorizer lets the caller through (see ReachEdge.weak).
 */
function weakChain(ctx: RuleContext, path: readonly ReachEdge[]): boolean {
  return !ctx.strict && path.some((e) => e.weak);
}

/** The sentence a weak chain's finding says why it is a warning in, by its weak link. */
function weakText(path: readonly ReachEdge[]): string {
  const weak = path.find((e) => e.weak);
  if (weak?.label.startsWith(LAMBDA_AUTHORIZER_LABEL)) {
    return " A link of the chain passes a Lambda authorizer whose code blastwall cannot read, so it may let anyone through: a warning (an error under --strict).";
  }
  return " A link of the chain holds only if an action blastwall does not know to start compute does: a warning (an error under --strict).";
}

/**
 * A chain is as severe as what it ends in: a warning when everything reached through the link is a destroy right the
 * catalogue rates a warning (an agent holding those itself gets a warning too). A permission write, a credential
 * read, an action outside the catalogue or a principal blastwall cannot see (`*`) keeps it an error.
 */
function chainSeverity(actions: readonly string[]): "error" | "warning" {
  const cat = loadCatalogue();
  return actions.length === 0 || actions.some((a) => cat.entryOf(a)?.category === "escalation") ? "error" : severityOf(actions);
}

/** `aws_db_instance.orders (stored in S)`, the first two of the databases a principal reads the password of, and a count. */
function passwordsText(reads: readonly DatabaseRead[]): { text: string; count: number } {
  const byDb = new Map<string, string>();
  for (const r of reads) if (!byDb.has(r.database)) byDb.set(r.database, r.store);
  const shown = [...byDb].slice(0, 2).map(([db, store]) => `${db} (stored in ${store})`);
  const more = byDb.size > 2 ? ` and ${byDb.size - 2} more` : "";
  return { text: `${shown.join(" and of ")}${more}`, count: byDb.size };
}

/**
 * What a reached principal can do that destroys data, as the sentence after "which": its destroy rights or its IAM writes
 * when it holds any, otherwise every one of a password read, an overwrite and a shell it holds (red-team round 115, F7:
 * the first database only, and nothing of the rest, sent the user back for another finding).
 */
export function capabilityText(cap: Capability, actions: readonly string[], agent?: PrincipalNode, most?: number): string {
  if (cap.destroy.length) return `can delete data or remove its protection (${listActions(actions, most)})`;
  if (cap.escalate.length) {
    return agent !== undefined && cap.escalator === agent
      ? `the agent can rewrite (${listActions(actions, most)}), so it can grant it, and itself through it, any destroy right`
      : cap.onOthers
        ? `can rewrite the permissions of other principals (${listActions(actions, most)}), the agent's own or those of a role it can assume among them, and so hand out any destroy right`
        : `can rewrite its own permissions (${listActions(actions, most)}) and so grant itself any destroy right`;
  }
  const parts: string[] = [];
  if (cap.passwords?.length) {
    const p = passwordsText(cap.passwords);
    parts.push(`can read the master password of ${p.text} and so drop ${p.count > 1 ? "those databases" : "the database"}`);
  }
  const overwrite = cap.overwrites?.[0];
  const shell = cap.shells?.[0];
  // Alone, each names its actions where they act; together, the actions are named once after all of it.
  const alone = parts.length + Number(overwrite !== undefined) + Number(shell !== undefined) === 1;
  const acts = alone ? ` (${listActions(actions, most)})` : "";
  if (overwrite) parts.push(`can overwrite ${overwrittenText(overwrite.shown, overwrite.count)}${acts}: an overwrite there loses the old data for good`);
  if (shell) parts.push(`can open a shell or run commands on ${shell.instance}${acts} and so wipe the data volumes there with no AWS delete call: ${listActions(shell.volumes)}`);
  const text = parts.join(", and ");
  return alone || parts.length === 0 ? text : `${text} (${listActions(actions, most)})`;
}

/**
 * What to take off a reached principal so that it no longer destroys data, matching `capabilityText`: `scope` is what the
 * principal is for (the function it runs), to scope its deletes to.
 */
export function capabilityFixText(cap: Capability, holder: string, scope: string): string {
  if (cap.destroy.length) return `Take the destroy rights off ${holder}, or scope what it may delete to what ${scope} is for (exact resource ARNs, conditions)`;
  if (cap.escalate.length) return `Take the IAM writes off ${holder}`;
  const parts: string[] = [];
  if (cap.passwords?.length) {
    const p = passwordsText(cap.passwords);
    parts.push(`scope ${holder}'s reads so that it cannot read the master password of ${p.text}, and give ${scope} a database user of its own (or IAM database authentication) instead`);
  }
  if (cap.overwrites?.length) parts.push(`take its writes off, or keep earlier versions where it writes (versioning, point-in-time recovery)`);
  if (cap.shells?.length) parts.push(`take its shell and run-command rights off`);
  const text = parts.join("; ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * `behind`: the actions of every principal reached through the same first link (`*` when some of them blastwall
 * cannot see). The finding's `actions` hold them all, so an acknowledgement limited to actions covers the whole link.
 */
function destroyFinding(ctx: RuleContext, agent: PrincipalNode, hop: string, first: Hit, path: ReachEdge[], more: More, behind: readonly string[], others = 0): FindingDraft {
  const target = holderOf(ctx, first.id);
  const cap = first.cap!;
  const actions = capabilityActions(cap);
  const all = [...new Set([...actions, ...behind])];
  const unseen = behind.includes("*") ? " Through the same first link it also reaches principals whose rights blastwall cannot see, which counts as every right." : "";
  const what = capabilityText(cap, actions, agent);
  return {
    principal: agent.address,
    resource: target.address,
    actions: all,
    severity: weakChain(ctx, path) ? "warning" : chainSeverity(all),
    message:
      `${agentCan(agent)} act as ${first.id}, which ${what}: ${chainText(agent.address, path)}.` +
      (weakChain(ctx, path) ? weakText(path) : "") +
      moreText(more, "principals with destroy rights") +
      unseen +
      (hop !== first.id ? ` Cutting the first link (${agent.address} -> ${hop}) cuts this chain${othersText(others, agent.address, first.id)}.` : ""),
    evidence: [principalEvidence(agent), ...pathEvidence(path), ...capabilityEvidence(target, cap), { step: "destroy-rights", address: target.address, detail: listActions(actions) }],
  };
}

/**
 * Other chains of the agent to the same principal, each its own finding (another first link, or the agent's own right
 * on it): cutting this chain's first link leaves them, and the sentence must not read as the whole fix (red-team round 121).
 */
function othersText(others: number, agent: string, target: string): string {
  if (others === 0) return "";
  return `, but ${others === 1 ? "another chain" : `${others} other chains`} from ${agent} reach${others === 1 ? "es" : ""} ${target} too (${others === 1 ? "its own finding" : "each its own finding"})`;
}

/**
 * The fix for the agent's own steps to principals blastwall cannot see, when they are all of one kind: a role named
 * exactly but not in the stack is checked where it lives; a wildcard is narrowed; compute elsewhere is named.
 */
function directUnknownFix(graph: ReachGraph, edges: readonly ReachEdge[]): string | undefined {
  let known = fixes.get(graph);
  if (!known) fixes.set(graph, (known = new Map()));
  const fixOf = (id: string) => {
    if (known.has(id)) return known.get(id);
    const fix = unknownFix(graph.stack, id);
    known.set(id, fix);
    return fix;
  };
  const first = fixOf(edges[0].to);
  for (let i = 1; i < edges.length; i++) if (fixOf(edges[i].to) !== first) return undefined;
  return first;
}

/** The fix per unknown node, per reach graph: agents of a large stack reach the same few unknown nodes. */
const fixes = new WeakMap<ReachGraph, Map<string, string | undefined>>();

function unknownFix(stack: TfStack, id: string): string | undefined {
  const key = id.slice(UNKNOWN_PREFIX.length);
  const m = /^(roles|users|groups):(.*)$/.exec(key);
  if (m) {
    const [, kind, pattern] = m;
    const name = pattern.split(":").slice(5).join(":");
    if (name === "" || /[*?]/.test(name)) {
      return `Name the exact ${kind} the agent may use (their ARNs, not \`${pattern}\`). If every ${kind.slice(0, -1)} the pattern can name is known to be harmless, acknowledge with a reason.`;
    }
    // A role or user the stack makes with the Cloud Control provider is the stack's, only not analysed (red-team round 108).
    const awscc = kind === "groups" ? undefined : cloudControlPrincipalNamed(stack, kind === "roles" ? "role" : "user", name);
    return awscc
      ? `${pattern} is ${awscc.address} of this stack, written for the Cloud Control provider (${awscc.type}), whose rights blastwall does not analyse: ` +
          `write it as ${kind === "roles" ? "aws_iam_role" : "aws_iam_user"} so blastwall judges what it may do, or, if it is known to be harmless, acknowledge this finding with a reason.`
      : `${pattern} is not in this stack, so blastwall cannot see its rights: check it where it is defined (blastwall check on that stack), ` +
          `define it in this stack, or, if it is known to be harmless, acknowledge this finding with a reason.`;
  }
  const c = /^compute:([^:]+:[^:]+):(.*)$/.exec(key);
  if (c) {
    const takeover = takeoverFix(c[1]) ?? remediationFix(c[1]) ?? nodeAccessFix(c[1]);
    if (takeover) return takeover;
    return `Name the exact resources of this stack the agent may run code in (a reference such as \`\${aws_lambda_function.x.arn}\`), ` +
      `not \`${c[2]}\`: compute elsewhere runs as roles blastwall cannot see. If it is known to be harmless, acknowledge with a reason.`;
  }
  const f = /^federated:(.*)$/.exec(key);
  if (f) return providerRewriteFix("the agent", f[1]);
  const l = LOGIN_NODE.exec(key);
  if (l) return loginRewriteFix("the agent", l[1] as LoginRewriteKind, l[2]);
  const s = /^state-roots:(s3:\/\/([^/]+)\/.*)$/.exec(key);
  if (s) {
    // Checked in the same run, the root whose state it is resolves to its deploy role and what that role may do.
    return `Keep the agent out of the Terraform state bucket ${s[2]}: every object there (${s[1]}) is taken to be some root's state. ` +
      `If it is the state of a root you have, check that root in the same run (blastwall check with both paths, or the cdktf.out that holds both) ` +
      `so blastwall follows the write to that root's deploy role; if the objects are known to hold no state, acknowledge with a reason.`;
  }
  return undefined;
}

/**
 * A rewrite of identity providers that roles outside the stack may trust: naming roles, or a narrower provider ARN, does
 * not help (red-team round 113, whose fix told the user to name the roles the agent may assume or pass). Only taking the
 * action away does.
 */
function providerRewriteFix(holder: string, pattern: string): string {
  const actions = PROVIDER_REWRITE.flatMap((w) => w.actions);
  return `Take the identity provider rewrites (${actions.join(", ")}) off ${holder}: a provider matching \`${pattern}\` may be ` +
    "trusted by roles outside this stack, whose rights blastwall cannot see, and whoever rewrites it signs in as every one of " +
    "them, so no narrower resource helps. Create and change identity providers in the reviewed deploy that manages them " +
    "(AgentRole's boundary denies these actions). If every role that may trust such a provider is known to be harmless, acknowledge with a reason.";
}

/** The node of a login rewrite outside the stack (edges-assume.ts `loginRewriteEdges`): `logins:KIND:PATTERN`. */
const LOGIN_NODE = /^logins:([a-z-]+):(.*)$/;

/**
 * A rewrite of a login source that roles outside the stack may trust (an identity pool, a user pool's identity
 * providers, a Roles Anywhere trust anchor): what works is taking the rewrite away, or granting it on the stack's own
 * sources by reference, which the login paths judge (for the sign-ins, a user pool's user or a private CA's certificate,
 * too); for an anchor, which any role trusting Roles Anywhere with no
 * aws:SourceArn condition trusts whoever's it is, only the former.
 */
function loginRewriteFix(holder: string, kind: LoginRewriteKind, pattern: string): string {
  const actions = [...new Set(LOGIN_REWRITE.filter((w) => w.kind === kind).flatMap((w) => [...w.actions]))];
  const them = actions.length === 1 ? "it" : "them";
  const take = `Take ${actions.length > 2 ? `${actions.slice(0, -1).join(", ")} and ${actions[actions.length - 1]}` : actions.join(" and ")} off ${holder}`;
  const scoped = (what: string, type: string) => `, or grant ${them} only on ${what} of this stack, each written as a reference (\`\${${type}.NAME.arn}\`), which blastwall judges`;
  const deploy = (what: string) => `Create and change ${what} in the reviewed deploy that manages them (AgentRole's boundary denies ${actions.length === 1 ? "this action" : "these actions"}).`;
  const ack = "If every role it may lead to is known to be harmless, acknowledge with a reason.";
  // The boundary leaves the sign-ins open (they are ordinary on the stack's own pool or CA), so the fix says so.
  const signIn = (task: string) => `${task}: AgentRole's allow() refuses ${actions.length === 1 ? "this action" : "these actions"} on a pattern or a literal ARN.`;
  switch (kind) {
    case "identity-pool":
      return `${take}${scoped("identity pools", "aws_cognito_identity_pool")}: a pool matching \`${pattern}\` may be trusted by roles outside this stack, whose rights blastwall cannot see, and whoever rewrites it gets every one of them. ${deploy("identity pools")} ${ack}`;
    case "user-pool":
      return `${take}${scoped("user pools", "aws_cognito_user_pool")}: a user pool matching \`${pattern}\` may be accepted by identity pools outside this stack, whose roles blastwall cannot see, and whoever rewrites its identity providers signs in as any of its users. ${deploy("user pool identity providers")} ${ack}`;
    case "trust-anchor":
      return `${take}: an anchor matching \`${pattern}\`, this stack's own too, is trusted by every role outside this stack whose trust admits Roles Anywhere with no aws:SourceArn condition, and profiles outside it may list such roles, so no narrower resource helps; blastwall cannot see their rights, and whoever puts its CA there gets sessions of them. ${deploy("trust anchors")} ${ack}`;
    case "user-pool-login":
      return `${take}${scoped("user pools", "aws_cognito_user_pool")}: a user pool matching \`${pattern}\` may be accepted by identity pools outside this stack, whose roles blastwall cannot see, and whoever makes itself one of its users gets them. ${signIn("Create test users only in this stack's own user pools")} ${ack}`;
    case "private-ca":
      return `${take}${scoped("private CAs", "aws_acmpca_certificate_authority")}: a CA matching \`${pattern}\` may back trust anchors outside this stack, whose roles blastwall cannot see, and whoever has it sign a certificate of its own gets sessions of them. ${signIn("Issue certificates only from this stack's own CAs")} ${ack}`;
    case "new-trust-anchor":
      return `${take}: a new trust anchor is never one of this stack's, so no narrower resource helps, and every role outside this stack whose trust admits Roles Anywhere with no aws:SourceArn condition takes sessions through it; blastwall cannot see their rights. ${deploy("trust anchors")} ${ack}`;
  }
}

/** agent-reach-unknown's fix, which a finding through an AWS managed policy follows with how to detach it. */
export const REACH_UNKNOWN_FIX =
  "Name the exact roles the agent may assume or pass (their ARNs, not `*`), keep credentials out of stores the agent can " +
  "read, and keep the Terraform state out of its reach. If the target is known to be harmless, acknowledge with a reason.";

function directUnknownFinding(graph: ReachGraph, agent: PrincipalNode, edges: readonly ReachEdge[], strict = false): FindingDraft {
  const labels = [...new Set(edges.map((e) => e.label))];
  const firstId = edges[0].to;
  const firstNamed = graph.unknownNamedOf(firstId);
  const first = firstNamed?.text ?? firstId;
  const found = directUnknownFix(graph, edges);
  const via = edges.find((e) => e.via)?.via;
  // A right of an AWS managed policy is taken away where it is attached: that block is the finding's, with a step that
  // locates it (an edge keeps the policy's ARN only).
  const granted = via === undefined ? undefined : grantingBlockOf(agent, via);
  const managed = granted?.statement && managedPolicyFix(agent, granted.statement);
  const fix = managed ? `${managed} ${found ?? REACH_UNKNOWN_FIX}` : found;
  const attachment: Evidence[] = managed && granted.block !== agent.address ? [{ step: "attachment", address: granted.block, detail: `attaches ${via} to ${agent.address}`, attaches: via! }] : [];
  return {
    ...(fix ? { fix } : {}),
    // Every way weak (an AWS door host that may be another account's: front-doors.ts RoleDoor.weak): a warning.
    ...(!strict && edges.every((e) => e.weak) ? { severity: "warning" as const } : {}),
    principal: agent.address,
    resource: granted?.block ?? agent.address,
    actions: ["*"],
    message:
      `${agentCan(agent)} come to act as principals whose rights blastwall cannot see, in ${edges.length} way(s) ` +
      `(${listActions(labels, 5)}): ${first}${edges.length > 1 ? ", and more" : ""}. blastwall counts that as every right.`,
    evidence: [principalEvidence(agent), ...attachment, ...edges.slice(0, 5).flatMap((e) => e.evidence), { step: "unknown", address: firstId, detail: `${first}: possibly every action`, ...statementsKey(firstNamed?.statements ?? []) }],
  };
}

/** A node's address as a finding's resource: a node of a user's service credentials is the user's. */
function addressOf(graph: ReachGraph, id: string): string {
  return graph.scopedUser(id)?.user.address ?? id;
}

function unknownFinding(graph: ReachGraph, agent: PrincipalNode, id: string, path: ReachEdge[], more: More, strict = false): FindingDraft {
  const named = graph.unknownNamedOf(id);
  const detail = named?.text ?? id;
  const last = path[path.length - 1];
  // Through a principal that rewrites identity providers: the rewrite is what to take away, or the first link.
  const key = id.slice(UNKNOWN_PREFIX.length);
  const provider = /^federated:(.*)$/.exec(key);
  const login = LOGIN_NODE.exec(key);
  const holder = last !== undefined && last.from !== agent.address ? addressOf(graph, last.from) : undefined;
  const rewrite = holder === undefined ? undefined : provider ? providerRewriteFix(holder, provider[1]) : login ? loginRewriteFix(holder, login[1] as LoginRewriteKind, login[2]) : undefined;
  const fix = rewrite ? `${rewrite} Or cut the chain's first link (${agent.address} -> ${path[0].to}).` : undefined;
  return {
    ...(fix ? { fix } : {}),
    ...(!strict && path.some((e) => e.weak) ? { severity: "warning" as const } : {}),
    principal: agent.address,
    resource: path[path.length - 1]?.from === agent.address ? (path[0]?.evidence[0]?.address ?? id) : addressOf(graph, path[path.length - 1]?.from ?? id),
    actions: ["*"],
    message:
      `${agentCan(agent)} come to act as ${detail}; blastwall counts that as every right: ${chainText(agent.address, path)}.` +
      moreText(more, "principals it cannot see"),
    evidence: [principalEvidence(agent), ...pathEvidence(path), { step: "unknown", address: id, detail: `${detail}: possibly every action`, ...statementsKey(named?.statements ?? []) }],
  };
}

/** What a principal that may be an agent reaches: the nearest principal that can destroy data, with the chain. */
export interface PossibleReach {
  readonly id: string;
  readonly path: readonly ReachEdge[];
  /** Its destroy rights, or `*` for a principal blastwall cannot see. */
  readonly actions: readonly string[];
  readonly severity: "error" | "warning";
}

/**
 * For a principal that is not a known agent but may be one (tags blastwall cannot read): the nearest principal it
 * can come to act as, by the links agent-transitive-destroy and agent-reach-unknown follow for an agent, that can
 * destroy data or whose rights blastwall cannot see (every right); undefined when there is none. Its severity is
 * what those rules give the chain.
 */
export function possibleAgentReach(ctx: RuleContext, p: PrincipalNode): PossibleReach | undefined {
  const graph = reachOf(ctx);
  const writes = holdsPermissionWrites(ctx, p);
  const reach = graph.search(p.address);
  let found: PossibleReach | undefined;
  // From the principal itself: what it holds beyond its direct destroy rights (credential reads, overwrites, shells,
  // IAM writes) is what the agent rules would report of an agent.
  for (let k = 0; k < reach.orderIdx.length; k++) {
    const id = graph.idOf(reach.orderIdx[k]);
    let actions: string[];
    if (id.startsWith(UNKNOWN_PREFIX)) actions = ["*"];
    else {
      const cap = nodeCapability(ctx, id, p, writes);
      if (!cap || !isDangerous(cap)) continue;
      actions = capabilityActions(cap);
    }
    const path = reach.pathTo(id);
    const severity = weakChain(ctx, path) ? "warning" : chainSeverity(actions);
    const shown = id.startsWith(UNKNOWN_PREFIX) ? (graph.unknownDetailOf(id) ?? id) : id;
    if (severity === "error") return { id: shown, path, actions, severity };
    found ??= { id: shown, path, actions, severity };
  }
  return found;
}
