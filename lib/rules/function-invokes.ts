/**
 * Invoking a function whose execution role can destroy data (red-team round 84). The agent runs no code of its own
 * there, so the reach graph has no edge for it; but blastwall cannot see the function's code and the agent chooses
 * the payload, so it may choose what the role deletes. Reported by agent-transitive-destroy as a warning (an error
 * under --strict), as a fixed state machine it may start would be an error: a state machine's definition is in the
 * stack, a function's code is not, and most invoked functions do what their input asks within limits of their own.
 *
 * The same holds for every other way to make the function run with a payload of the caller's (invoke-routes.ts: a
 * queue, stream, topic, bucket, rule, API or open function URL that leads to it), and for each of these held by a
 * principal the agent can come to act as (red-team round 85), reported with the chain.
 */
import type { RuleContext } from "../engine/rule";
import type { Evidence, FindingDraft } from "../engine/findings";
import type { Grant, PrincipalNode } from "../engine/analysis-types";
import type { ReachEdge } from "../engine/reach/types";
import type { Statement } from "../engine/iam/types";
import type { TfResource, TfStack } from "../engine/terraform/types";
import { globsIntersect } from "../engine/iam/glob";
import { ResourceIndex } from "../engine/reach/resource-index";
import { UNKNOWN_PREFIX } from "../engine/reach/types";
import { FUNCTION_INVOKES } from "../engine/reach/compute";
import { listActions } from "../report/summarize";
import { agentCan, grantingBlock, principalEvidence, statementEvidence, where } from "./support";
import { regionPartition, resourceAccount, resourceRegion } from "../engine/terraform/providers";
import { capabilityActions, capabilityEvidence, capabilityFixText, capabilityOf, capabilityText, chainText, isDangerous, pathEvidence, reachOf, type Capability } from "./reach-support";
import { grantUses, grantsUsing, onPattern, routesHeld, routesOf, type Need, type Route } from "./invoke-routes";
import { deniedOnAll, ownDenies, placedArn, type DenyAsk } from "./invoke-denies";
import { heldWrites } from "./held-writes";
import { accountOf, heldRight, holdsServiceRight, isRelayed, serviceRights, type Relay } from "./invoke-relays";
import { attributePattern } from "../engine/terraform/tokens";
import { signersHold } from "../engine/reach/mcp-server-doors";
import { namesOneArchive } from "../engine/reach/replays";

/** A qualified function ARN (`function:NAME:alias`, `:7`, `:*`): the function it is a version or alias of. */
const QUALIFIED = /^(arn:[^:]*:lambda:[^:]*:[^:]*:function:[^:]+):[^:]+$/;

const indexes = new WeakMap<object, ResourceIndex>();

function functionIndex(ctx: RuleContext): ResourceIndex {
  let ix = indexes.get(ctx.analysis);
  if (!ix) indexes.set(ctx.analysis, (ix = new ResourceIndex(ctx.stack, ["aws_lambda_function"])));
  return ix;
}

/** The stack's functions a grant's resource pattern names: by reference, by pattern, or as a version or alias of one. */
function functionsNamed(ix: ResourceIndex, g: Grant, r: string): readonly TfResource[] {
  const named = ix.referenced(g, r);
  if (named) return named;
  const q = QUALIFIED.exec(r);
  if (!q) return ix.matching(r);
  // `function:NAME*` and `function:NAME:*` both reach NAME's versions, which may run as a role it had before.
  return [...new Set([...ix.matching(r), ...(ix.referenced(g, q[1]) ?? ix.matching(q[1]))])];
}

/** Invoking by name: InvokeAsync is deprecated but still in the API and the service authorization reference. */
const INVOKES = [...FUNCTION_INVOKES, "lambda:InvokeAsync"];

/** One way a principal makes a function run: by name (no route) or by a route, with the actions and statements. */
interface Use {
  readonly route?: Route;
  readonly actions: Set<string>;
  readonly statements: Statement[];
  /** How it makes a service send for it, where that is how it uses the route (invoke-relays.ts). */
  relays?: Relay[];
  /** It holds some of `actions` itself, not only through a service. */
  direct?: boolean;
}

/** What the agent reaches a function through: its own uses, or those of a principal it can act as, and the chain. */
interface Invoked {
  readonly uses: Use[];
  readonly holder?: PrincipalNode;
  readonly path?: readonly ReachEdge[];
}

const functionAsks = new WeakMap<TfResource, readonly DenyAsk[]>();

/** A function and its versions and aliases: a Deny must refuse both to close invoking it (as `functionsNamed` reads grants). */
function asksOf(ctx: RuleContext, fn: TfResource): readonly DenyAsk[] {
  let out = functionAsks.get(fn);
  if (!out) {
    // In the region and account the stack pins it to, when it does: a Deny may name them (red-team round 159, F2).
    const arn = placedArn(ctx.stack, fn, attributePattern(ctx.stack, fn, "arn").pattern);
    functionAsks.set(fn, (out = [{ pattern: arn, target: fn, suffix: "" }, { pattern: `${arn}:*`, target: fn, suffix: ":*" }]));
  }
  return out;
}

/**
 * The ways kept per function and principal. A finding names a few, and a principal that can act as the holder needs
 * one; a role that can write to every bucket of a stack whose buckets all send their events to one rule has as many
 * ways as buckets, and keeping each made this quadratic (red-team round 86).
 */
const MAX_USES = 4;

/** Counts `action` granted by `g` as a use of `fn` through `route`, keeping at most MAX_USES routes per function. */
function addUse<F>(uses: Map<F, Use[]>, fn: F, route: Route | undefined, action: string, g: Grant): void {
  let list = uses.get(fn);
  if (!list) uses.set(fn, (list = []));
  let u = list.find((x) => x.route === route);
  if (!u) {
    if (list.length >= MAX_USES) return;
    list.push((u = { route, actions: new Set(), statements: [] }));
  }
  u.actions.add(action);
  if (!u.statements.includes(g.statement)) u.statements.push(g.statement);
  if (!isRelayed(g)) u.direct = true;
  else if (!(u.relays ??= []).some((r) => r.text === g.relay.text)) u.relays.push(g.relay);
}

const usesCache = new WeakMap<object, Map<string, Map<TfResource, Use[]>>>();

/** The functions a principal can make run with its payload, and how; once per principal per analysed stack. */
function usesOf(ctx: RuleContext, p: PrincipalNode): Map<TfResource, Use[]> {
  let byPrincipal = usesCache.get(ctx.analysis);
  if (!byPrincipal) usesCache.set(ctx.analysis, (byPrincipal = new Map()));
  let out = byPrincipal.get(p.address);
  if (out) return out;
  byPrincipal.set(p.address, (out = new Map()));
  const graph = reachOf(ctx);
  const ix = functionIndex(ctx);
  const use = (fn: TfResource, route: Route | undefined, action: string, g: Grant) => addUse(out!, fn, route, action, g);
  const denies = ownDenies(p);
  // A resource policy naming the principal grants with no Allow of its own (invoke-policies.ts).
  // Asked once per action: many routes share one (every queue's is sqs:SendMessage).
  const held = heldWrites(ctx.stack, p, (action) => graph.computeGrants(p, action));
  const grantsOf = (action: string): readonly Grant[] => held(action).all;
  for (const action of INVOKES) {
    for (const g of grantsOf(action)) {
      for (const r of g.resources) {
        if (!globsIntersect(r, "arn:*:lambda:*:*:function:*", { caseInsensitive: true })) continue;
        for (const fn of functionsNamed(ix, g, r)) if (!deniedOnAll(ctx.stack, denies, action, asksOf(ctx, fn))) use(fn, undefined, action, g);
      }
    }
  }
  const full = (fn: TfResource) => (out!.get(fn)?.length ?? 0) >= MAX_USES;
  // Uses only grow, so a list of functions once full stays full; routes share their lists where they can.
  const fullLists = new Set<readonly TfResource[]>();
  const allFull = (fns: readonly TfResource[]) => fullLists.has(fns) || (fns.every(full) && fullLists.add(fns) !== undefined);
  const account = accountOf(ctx.stack, p);
  for (const route of routesHeld(ctx.stack, (action) => grantsOf(action).length > 0, (ns) => holdsServiceRight(p, ns))) {
    if (route.functions.length === 0 || allFull(route.functions) || !signed(ctx, route)) continue;
    if (route.account !== undefined && account !== undefined && route.account !== account) continue;
    if (route.serviceRights) {
      for (const g of serviceRights(p, route.serviceRights.ns, route.serviceRights.patterns)) for (const fn of route.functions) use(fn, route, g.action, g);
      continue;
    }
    // A route that asks more rights (set a service up, then fire it) is used only with every one of them.
    const also = alsoGrants(route, grantsOf, (n, action) => deniedOnAll(ctx.stack, denies, action, n.denyAsks), (n, g, r) => grantUses(ctx.stack, n, g, r));
    if (!also) continue;
    const archives = pairing(ctx.stack, route, grantsOf, (n, action) => deniedOnAll(ctx.stack, denies, action, n.denyAsks), (n, g, r) => grantUses(ctx.stack, n, g, r));
    for (const action of route.actions) {
      // A service delivering for it is not refused by a Deny of the caller's own on the send (its fire right is).
      const denied = deniedOnAll(ctx.stack, denies, action, route.denyAsks);
      for (const g of grantsUsing(ctx.stack, route, grantsOf(action))) {
        if ((denied && !isRelayed(g)) || !archives.pairs(g)) continue;
        for (const fn of route.functions) use(fn, route, action, g);
      }
    }
    if (archives.first) also[0] = archives.first;
    if (also.length > 0) for (const fn of route.functions) if (out.get(fn)?.some((u) => u.route === route)) for (const [action, g] of also) use(fn, route, action, g);
  }
  return out;
}

/**
 * The grants of the more rights a route asks (`also`), one per right; none when it asks none; undefined when one of
 * them is not held, or only where a Deny of the caller's refuses it.
 */
function alsoGrants(route: Route, grantsOf: (action: string) => readonly Grant[], denied: (n: Need, action: string) => boolean, uses: (n: Need, g: Grant, r: string) => boolean): [string, Grant][] | undefined {
  const out: [string, Grant][] = [];
  for (const n of route.also ?? []) {
    let hit: [string, Grant] | undefined;
    for (const action of n.actions) {
      if (denied(n, action)) continue;
      const g = grantsOf(action).find((x) => x.resources.some((r) => uses(n, x, r)));
      if (g) {
        hit = [action, g];
        break;
      }
    }
    if (!hit) return undefined;
    out.push(hit);
  }
  return out;
}

/**
 * For a route whose archive the caller makes (`Route.sameArchive`): whether a grant of the route's action (StartReplay)
 * may be on an archive one of its CreateArchive grants (`also[0]`) makes (engine/reach/replays.ts `namesOneArchive`);
 * `first` is the CreateArchive grant the first such StartReplay grant pairs with, which the caller shows instead of
 * the one alsoGrants found. Every grant pairs for another route.
 */
interface Pairing {
  pairs(g: Grant): boolean;
  readonly first: [string, Grant] | undefined;
}

function pairing(stack: TfStack, route: Route, grantsOf: (action: string) => readonly Grant[], denied: (n: Need, action: string) => boolean, uses: (n: Need, g: Grant, r: string) => boolean): Pairing {
  if (!route.sameArchive || !route.also?.[0]) return { pairs: () => true, first: undefined };
  const n = route.also[0];
  const creates = n.actions.flatMap((a) => (denied(n, a) ? [] : grantsOf(a).filter((x) => x.resources.some((r) => uses(n, x, r))).map((x) => [a, x] as [string, Grant])));
  let first: [string, Grant] | undefined;
  return {
    pairs(g) {
      const hit = creates.find(([, x]) => namesOneArchive(stack, [g], [x], route.pattern));
      first ??= hit;
      return hit !== undefined;
    },
    get first() {
      return first;
    },
  };
}

const signedCache = new WeakMap<object, Map<Route, boolean>>();

/**
 * Whether the roles that must sign a route's call may (a gateway's role signing its call to the door behind its MCP
 * server target: engine/reach/mcp-server-doors.ts); read once per route and analysed stack.
 */
function signed(ctx: RuleContext, route: Route): boolean {
  if (!route.signers) return true;
  let byRoute = signedCache.get(ctx.analysis);
  if (!byRoute) signedCache.set(ctx.analysis, (byRoute = new Map()));
  let hit = byRoute.get(route);
  if (hit === undefined) {
    const graph = reachOf(ctx);
    const principal = (v: unknown) => {
      const a = graph.roleOfValue(v);
      return a === undefined ? undefined : ctx.analysis.byAddress.get(a);
    };
    byRoute.set(route, (hit = signersHold(ctx.stack, route.signers, principal, (p, action) => graph.computeGrants(p, action))));
  }
  return hit;
}

const holdersCache = new WeakMap<object, { holders: Map<string, PrincipalNode>; usable: Set<TfResource> }>();

/** The principals of the stack that can make some function run, and every function any of them can. */
function holdersOf(ctx: RuleContext): { holders: Map<string, PrincipalNode>; usable: Set<TfResource> } {
  let h = holdersCache.get(ctx.analysis);
  if (!h) {
    h = { holders: new Map(), usable: new Set() };
    for (const p of ctx.analysis.principals) {
      const uses = usesOf(ctx, p);
      if (uses.size === 0) continue;
      h.holders.set(p.address, p);
      for (const fn of uses.keys()) h.usable.add(fn);
    }
    holdersCache.set(ctx.analysis, h);
  }
  return h;
}

function countIn(m: ReadonlyMap<TfResource, unknown>, s: ReadonlySet<TfResource>): number {
  let n = 0;
  for (const k of m.keys()) if (s.has(k)) n++;
  return n;
}

/**
 * A function of another stack checked in the same run that blastwall would report invoking in its own stack: its role
 * can destroy data (`role`, `cap`), or cannot be resolved (neither set). Judged in that stack, with its own rights.
 */
export interface PeerFunction {
  readonly fn: TfResource;
  /** Its ARN pattern, with the account its provider is pinned to when it is. */
  readonly arn: string;
  /** Its partition, by its provider's region (`*` when that is not known). */
  readonly partition: string;
  readonly role?: PrincipalNode;
  readonly cap?: Capability;
}

/** What another stack of the run holds for invokes: its functions to report, and the routes that lead to them. */
export interface PeerFunctionsRead {
  readonly functions: readonly PeerFunction[];
  readonly routes: readonly { readonly route: Route; readonly functions: readonly PeerFunction[]; readonly asks: readonly DenyAsk[] }[];
}

/** Another stack's functions, judged on first use: that takes an analysis of the stack, which most runs never need. */
export interface PeerFunctions {
  /** The other stack's name (or file). */
  readonly stack: string;
  readonly read: () => PeerFunctionsRead;
}

/**
 * The functions of the stack in `ctx` whose invoking is reported (as `invokeFindings` judges its own), for the agents of
 * the other stacks of a run, and the routes that ask an IAM right to use (one anyone can use is reported where it is).
 * A function the stack reads but does not make is left to the stack that makes it.
 */
export function functionsForPeers(ctx: RuleContext): PeerFunctionsRead {
  const graph = reachOf(ctx);
  const judged = new Map<TfResource, PeerFunction>();
  for (const fn of ctx.stack.byType.get("aws_lambda_function") ?? []) {
    if (fn.mode !== "managed") continue;
    const account = resourceAccount(ctx.stack, fn);
    const pattern = attributePattern(ctx.stack, fn, "arn").pattern;
    const arn = account ? pattern.replace(/^(arn:[^:]*:lambda:[^:]*:)\*:/, `$1${account}:`) : pattern;
    const partition = partitionOf(ctx, fn);
    const role = graph.roleOfCompute(fn, "role");
    if (role === null) continue;
    if (role === undefined) {
      judged.set(fn, { fn, arn, partition });
      continue;
    }
    const holder = ctx.analysis.byAddress.get(role);
    if (!holder) continue;
    const cap = capabilityOf(ctx, holder);
    if (isDangerous(cap)) judged.set(fn, { fn, arn, partition, role: holder, cap });
  }
  if (judged.size === 0) return { functions: [], routes: [] };
  // A Deny of the agent's is asked of the route's resources as this stack places them (their partition), by pattern.
  const routes = routesOf(ctx.stack)
    .filter((r) => r.actions.length > 0)
    .map((route) => ({ route, functions: route.functions.flatMap((f) => judged.get(f) ?? []), asks: route.denyAsks.map((a) => ({ pattern: a.pattern, partition: a.target ? partitionOf(ctx, a.target) : "*" })) }))
    .filter((r) => r.functions.length > 0);
  return { functions: [...judged.values()], routes };
}

const CI = { caseInsensitive: true } as const;

function partitionOf(ctx: RuleContext, r: TfResource): string {
  return regionPartition(resourceRegion(ctx.stack, r));
}

/** Whether a grant's resource pattern names the function or a version or alias of it. */
function namesPeerFunction(r: string, arn: string): boolean {
  if (globsIntersect(r, arn, CI)) return true;
  const q = QUALIFIED.exec(r);
  return q !== null && globsIntersect(q[1], arn, CI);
}

/** `aws_sqs_queue.jobs of stack ops`: a route of another stack, named with its stack in every message. */
function peerRoute(route: Route, stack: string): Route {
  const of = (t: string) => `${t} of stack ${stack}`;
  const via = { ...route.via, address: of(route.via.address) };
  return {
    ...route,
    via,
    targetText: route.target ? of(route.targetText) : route.targetText,
    verb: route.target ? route.verb.replace(route.targetText, of(route.targetText)) : route.verb,
    how: route.how.replace(route.via.address, via.address),
  };
}

/**
 * The agent's invokes of the functions of the other stacks of the run (red-team round 130, F3): by name, or by a route
 * of that stack, with the agent's own grants and Denies. A role of another stack the agent can act as is that stack's
 * chain finding, as it is in its own.
 */
function peerFindings(ctx: RuleContext, agent: PrincipalNode): FindingDraft[] {
  const peers = ctx.stack.peerFunctions ?? [];
  if (peers.length === 0) return [];
  const graph = reachOf(ctx);
  const denies = ownDenies(agent);
  const account = accountOf(ctx.stack, agent);
  const byAction = new Map<string, readonly Grant[]>();
  const grantsOf = (action: string): readonly Grant[] => {
    let gs = byAction.get(action);
    if (!gs) byAction.set(action, (gs = graph.computeGrants(agent, action)));
    return gs;
  };
  const actsAs = new Set((ctx.stack.peerAgents ?? []).map((a) => `${a.address} of stack ${a.stack}`));
  const out: FindingDraft[] = [];
  for (const peer of peers) {
    const read = peer.read();
    if (read.functions.length === 0) continue;
    const byFunction = new Map<PeerFunction, Use[]>();
    const use = (pf: PeerFunction, route: Route | undefined, action: string, g: Grant) => addUse(byFunction, pf, route, action, g);
    for (const action of INVOKES) {
      for (const g of grantsOf(action)) {
        for (const r of g.resources) {
          if (!globsIntersect(r, "arn:*:lambda:*:*:function:*", CI)) continue;
          for (const pf of read.functions) {
            const asks = [{ pattern: pf.arn, partition: pf.partition }, { pattern: `${pf.arn}:*`, partition: pf.partition }];
            if (namesPeerFunction(r, pf.arn) && !deniedOnAll(ctx.stack, denies, action, asks)) use(pf, undefined, action, g);
          }
        }
      }
    }
    for (const { route, functions, asks } of read.routes) {
      const shown = peerRoute(route, peer.stack);
      if (route.account !== undefined && account !== undefined && route.account !== account) continue;
      if (route.serviceRights) {
        for (const g of serviceRights(agent, route.serviceRights.ns, route.serviceRights.patterns)) for (const pf of functions) use(pf, shown, g.action, g);
        continue;
      }
      const deniedNeed = (n: Need, action: string) => deniedOnAll(ctx.stack, denies, action, n.denyAsks.map((a) => ({ pattern: a.pattern, partition: "*" })));
      const also = alsoGrants(route, grantsOf, deniedNeed, (n, g, r) => onPattern(r, n));
      if (!also) continue;
      const archives = pairing(ctx.stack, route, grantsOf, deniedNeed, (n, g, r) => onPattern(r, n));
      for (const action of route.actions) {
        if (deniedOnAll(ctx.stack, denies, action, asks)) continue;
        for (const g of grantsOf(action)) if (g.resources.some((r) => onPattern(r, route)) && archives.pairs(g)) for (const pf of functions) use(pf, shown, action, g);
      }
      if (archives.first) also[0] = archives.first;
      for (const pf of functions) if (byFunction.get(pf)?.some((u) => u.route === shown)) for (const [action, g] of also) use(pf, shown, action, g);
    }
    for (const [pf, uses] of byFunction) {
      if (pf.role && actsAs.has(`${pf.role.address} of stack ${peer.stack}`)) continue;
      const fn = { ...pf.fn, address: `${pf.fn.address} of stack ${peer.stack}` };
      const v: Invoked = { uses };
      const at = grantingBlock(uses[0].statements[0]);
      const f = pf.role && pf.cap ? roleFinding(ctx, agent, fn, { ...pf.role, address: `${pf.role.address} of stack ${peer.stack}` }, pf.cap, v) : unknownRoleFinding(ctx, agent, fn, v);
      out.push({ ...f, resource: at });
    }
  }
  return out;
}

/**
 * What a caller of an open route calls, which AWS does not authorise: a function URL's `lambda:InvokeFunctionUrl`, an
 * API's `execute-api:Invoke`, an AppSync API's `appsync:GraphQL`. Mail, a skill, a sign-up or a CDN request calls no
 * action of the caller's (red-team round 173, F1: every open route was labelled `lambda:InvokeFunctionUrl`, so an
 * acknowledgement of an API route had to name an action no one calls).
 */
function openRouteActions(route: Route): string[] {
  const type = route.via.type;
  if (type === "aws_lambda_function_url") return ["lambda:InvokeFunctionUrl"];
  if (/^aws_api_?gateway/.test(type)) return ["execute-api:Invoke"];
  if (type.startsWith("aws_appsync_")) return ["appsync:GraphQL"];
  return [];
}

export function invokeFindings(ctx: RuleContext): FindingDraft[] {
  const peers = (ctx.stack.peerFunctions ?? []).length > 0 ? ctx.analysis.agents.filter((a) => a.peer === undefined).flatMap((a) => peerFindings(ctx, a)) : [];
  if (!ctx.stack.byType.get("aws_lambda_function")?.length) return peers;
  const graph = reachOf(ctx);
  // Open routes (a function URL with no auth, a mail rule, a user pool's triggers) need no right: every agent has them.
  const open = routesOf(ctx.stack).filter((r) => r.actions.length === 0 && signed(ctx, r));
  const out: FindingDraft[] = [];
  for (const agent of ctx.analysis.agents) {
    const byFunction = new Map<TfResource, Invoked>();
    for (const [fn, uses] of usesOf(ctx, agent)) byFunction.set(fn, { uses: [...uses] });
    for (const route of open) {
      for (const fn of route.functions) {
        const v = byFunction.get(fn) ?? { uses: [] };
        v.uses.push({ route, actions: new Set(openRouteActions(route)), statements: [] });
        byFunction.set(fn, v);
      }
    }
    // What the agent already comes to act as (a function it can also update or replace, a role it can assume): the
    // chain findings report those, as errors.
    const { holders, usable } = holdersOf(ctx);
    if (byFunction.size === 0 && (holders.size === 0 || (holders.size === 1 && holders.has(agent.address)))) continue;
    const reach = graph.search(agent.address);
    // A set of every id reached would cost more than the rest: the search knows the edge into each node it reached.
    const reaches = (id: string) => id === agent.address || reach.edgeInto(id) != null;
    // Through a principal it can act as, nearest first: the first chain to a function is the one shown. Agents of a
    // large stack reach hundreds of principals that can invoke every function: stop once none is left to find.
    let left = usable.size - countIn(byFunction, usable);
    for (let k = 1; k < reach.order.length && left > 0; k++) {
      const holder = holders.get(reach.order[k]);
      if (!holder || holder === agent) continue;
      for (const [fn, uses] of usesOf(ctx, holder)) {
        if (byFunction.has(fn)) continue;
        byFunction.set(fn, { uses, holder, path: reach.pathTo(holder.address) });
        left--;
      }
    }
    if (byFunction.size === 0) continue;
    // The unknown role of a function it can change (`role-of:`), or of one a data source reads (`compute:ACTION:`).
    const reachesRoleOf = (fn: TfResource) => reach.order.some((id) => id.startsWith(UNKNOWN_PREFIX) && id.endsWith(`:${fn.address}`));
    for (const [fn, v] of byFunction) {
      const role = fn.mode === "data" ? undefined : graph.roleOfCompute(fn, "role");
      if (role === null) continue;
      if (role === undefined) {
        if (reachesRoleOf(fn)) continue;
        out.push(unknownRoleFinding(ctx, agent, fn, v));
        continue;
      }
      if (reaches(role)) continue;
      const holder = ctx.analysis.byAddress.get(role);
      if (!holder) continue;
      const cap = capabilityOf(ctx, holder);
      if (!isDangerous(cap)) continue;
      out.push(roleFinding(ctx, agent, fn, holder, cap, v));
    }
  }
  return [...out, ...peers];
}

/**
 * The functions whose role can destroy data that `p` can make run with a payload it hands on, each with the first way
 * it can (`invoke F (lambda:InvokeFunction, through S)`, `publish to T (sns:Publish, ...), which ... delivers to F`):
 * for a principal the agent does not act as but steers, as a Config remediation's role runs a document on resources
 * the agent picks (remediation-rewrites.ts). `only` keeps the ways that use one of those actions.
 */
export function destroyingFunctionsRunBy(ctx: RuleContext, p: PrincipalNode, only?: (action: string) => boolean): { fn: TfResource; role: PrincipalNode; cap: Capability; how: string; actions: string[] }[] {
  return functionsRunBy(ctx, p, only).flatMap((f) => (f.role && f.cap ? [{ ...f, role: f.role, cap: f.cap }] : []));
}

/**
 * The functions `p` can make run (as `destroyingFunctionsRunBy`) whose role blastwall cannot see: a role it cannot
 * resolve, or a function this stack reads but does not make. Such a role may hold any right.
 */
export function unseenFunctionsRunBy(ctx: RuleContext, p: PrincipalNode, only?: (action: string) => boolean): { fn: TfResource; how: string; actions: string[] }[] {
  return functionsRunBy(ctx, p, only).filter((f) => !f.role);
}

function functionsRunBy(ctx: RuleContext, p: PrincipalNode, only?: (action: string) => boolean): { fn: TfResource; role?: PrincipalNode; cap?: Capability; how: string; actions: string[] }[] {
  const graph = reachOf(ctx);
  const out: { fn: TfResource; role?: PrincipalNode; cap?: Capability; how: string; actions: string[] }[] = [];
  for (const [fn, all] of usesOf(ctx, p)) {
    const uses = only ? all.filter((u) => [...u.actions].some(only)) : all;
    if (uses.length === 0) continue;
    const how = useText(fn, uses[0]);
    const actions = [...uses[0].actions];
    const address = fn.mode === "data" ? undefined : graph.roleOfCompute(fn, "role");
    if (address === null) continue;
    const role = address === undefined ? undefined : ctx.analysis.byAddress.get(address);
    if (address === undefined) {
      out.push({ fn, how, actions });
      continue;
    }
    if (!role) continue;
    const cap = capabilityOf(ctx, role);
    if (isDangerous(cap)) out.push({ fn, role, cap, how, actions });
  }
  return out;
}

function statementsText(statements: readonly Statement[]): string {
  const names = statements.map(where);
  return names.length <= 3 ? names.join(", ") : `${names.slice(0, 3).join(", ")} and ${names.length - 3} more`;
}

/** `invoke F (lambda:InvokeFunction, through S)`, `send messages to Q (sqs:SendMessage, through S), which M feeds to F`. */
function useText(fn: TfResource, u: Use): string {
  const acts = [...u.actions].join(", ");
  if (!u.route) return `invoke ${fn.address} (${acts}, through ${statementsText(u.statements)})`;
  if (u.route.actions.length === 0) return `invoke ${fn.address} with no IAM right at all ${u.route.open?.text ?? `through ${u.route.via.address}`}`;
  return `${u.route.verb} (${acts}, through ${statementsText(u.statements)}${(u.relays ?? []).map((r) => r.text).join("")})${u.route.how} ${fn.address}`;
}

/** The arrows from the agent to the function: `A --sts:AssumeRole--> B --sqs:SendMessage--> Q --M--> F`. */
function arrows(agent: PrincipalNode, fn: TfResource, v: Invoked): string {
  const start = v.path ? chainText(agent.address, v.path) : agent.address;
  const u = v.uses[0];
  // Through relays alone, the arrow names the right the agent holds at the chain's start (invoke-relays.ts `heldRight`),
  // not the one a service delivers with: events:StartReplay on an archive, sqs:SendMessage on the queue a pipe reads.
  const first = (!u.direct && u.relays?.map(heldRight).find((x) => x !== undefined)) || [...u.actions][0];
  if (!u.route) return `${start} --${first}--> ${fn.address}`;
  if (u.route.actions.length === 0) return `${start} --${u.route.open?.label ? `${u.route.open.label} on ${u.route.via.address}` : `${u.route.via.address} (no auth)`}--> ${fn.address}`;
  if (u.route.anyFunction) return `${start} --${first}--> ${fn.address}`;
  return `${start} --${first}--> ${u.route.targetText} --${u.route.via.address}--> ${fn.address}`;
}

function opening(agent: PrincipalNode, fn: TfResource, v: Invoked): string {
  const uses = v.uses.map((u) => useText(fn, u)).join("; it can also ");
  return v.holder ? `${agentCan(agent)} act as ${v.holder.address}, which can ${uses}` : `${agentCan(agent)} ${uses}`;
}

/**
 * The rights a use asks, on what: `A and B on T`; a route whose more rights are on something it names apart (`text`: a
 * rule rewritten, then events put on its bus) names each: `events:PutRule on R (or events:PutEvents on B)`.
 */
function rightsText(fn: TfResource, u: Use): string {
  const route = u.route;
  const named = (route?.also ?? []).filter((n) => n.text !== undefined);
  if (!route || named.length === 0) return `${[...u.actions].join(" and ")} on ${route ? route.targetText : fn.address}`;
  const of = (actions: readonly string[]) => actions.filter((a) => u.actions.has(a)).join(" and ");
  return `${of(route.actions)} on ${route.targetText} (or ${named.map((n) => `${of(n.actions)} on ${n.target?.address ?? n.text}`).join(", or ")})`;
}

/** What to take away from the agent (or the principal it acts as) for each route. */
function cutText(agent: PrincipalNode, fn: TfResource, v: Invoked): string {
  const who = v.holder ? `${v.holder.address} (or cut the chain from ${agent.address} to it)` : "the agent";
  const rights = v.uses.filter((u) => u.route?.actions.length !== 0 && (u.direct || !u.relays)).map((u) => rightsText(fn, u));
  const relayed = v.uses.flatMap((u) => (u.relays ?? []).map((r) => r.fix(who)));
  const urls = v.uses.filter((u) => u.route?.actions.length === 0).map((u) => u.route!.open?.fix ?? `close ${u.route!.via.address}`);
  const pins = [...new Set(v.uses.flatMap((u) => (u.route?.pin && u.route.actions.length > 0 ? [u.route.pin] : [])))];
  return [...(rights.length ? [`take ${rights.join(", ")} away from ${who}`] : []), ...pins, ...relayed, ...urls].join(", or ");
}

function allActions(v: Invoked): string[] {
  return [...new Set(v.uses.flatMap((u) => [...u.actions]))];
}

function useEvidence(agent: PrincipalNode, fn: TfResource, v: Invoked, runsAs: string): Evidence[] {
  const who = v.holder ?? agent;
  return [
    principalEvidence(agent),
    ...(v.path ? pathEvidence(v.path) : []),
    ...v.uses.flatMap((u) => [...u.statements, ...(u.relays ?? []).flatMap((r) => r.fires.map((g) => g.statement))].filter((s, i, all) => all.indexOf(s) === i).flatMap((s) => statementEvidence(who, s))),
    ...v.uses.map((u) => ({
      step: "invoke",
      address: u.route && !u.route.anyFunction ? u.route.via.address : fn.address,
      detail: `${u.actions.size > 0 ? [...u.actions].join(", ") : "no IAM right"}${u.route ? ` via ${u.route.targetText}` : ""}: runs ${fn.address} with the caller's payload, as ${runsAs}`,
    })),
  ];
}

const WHY = "blastwall cannot see the function's code, and the agent chooses the payload, so it may choose what is deleted";

function roleFinding(ctx: RuleContext, agent: PrincipalNode, fn: TfResource, role: PrincipalNode, cap: Capability, v: Invoked): FindingDraft {
  const actions = capabilityActions(cap);
  return {
    principal: agent.address,
    resource: fn.address,
    actions: [...new Set([...allActions(v), ...actions])],
    severity: ctx.strict ? "error" : "warning",
    message:
      `${opening(agent, fn, v)}, which runs as ${role.address}, a role that ${capabilityText(cap, actions, undefined, 5)}: ${WHY}: ` +
      `${arrows(agent, fn, v)} --runs as--> ${role.address}. A warning (an error under --strict).`,
    fix: `${capabilityFixText(cap, role.address, fn.address)}, or ${cutText(agent, fn, v)}. If the function deletes only what it should whatever its input, acknowledge with a reason.`,
    evidence: [...useEvidence(agent, fn, v, role.address), ...capabilityEvidence(role, cap), { step: "destroy-rights", address: role.address, detail: listActions(actions) }],
  };
}

function unknownRoleFinding(ctx: RuleContext, agent: PrincipalNode, fn: TfResource, v: Invoked): FindingDraft {
  const where = fn.mode === "data" ? "a function this stack reads but does not make" : "a function whose role blastwall cannot resolve";
  return {
    principal: agent.address,
    resource: fn.address,
    actions: [...allActions(v), "*"],
    severity: ctx.strict ? "error" : "warning",
    message:
      `${opening(agent, fn, v)}, ${where}: its role may hold any destroy right, and ${WHY}: ` +
      `${arrows(agent, fn, v)} --runs as--> a role blastwall cannot see. A warning (an error under --strict).`,
    fix: `Name the function's role in the stack (a reference to an aws_iam_role of it) so blastwall can check its rights, or ${cutText(agent, fn, v)}. If the role is known to hold no destroy right, acknowledge with a reason.`,
    evidence: useEvidence(agent, fn, v, "a role blastwall cannot see"),
  };
}
