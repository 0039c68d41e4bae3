/**
 * What the stacks checked in one run tell each other about agents. A cdktf app often keeps its agent in one stack
 * and the roles it may use in another, linked by a cross-stack reference: the first stack outputs the agent's ARN,
 * the second reads it through `data.terraform_remote_state` and writes it into a trust policy. Judged one by one,
 * the second stack trusts a principal it cannot name and the first never sees the role: a path from the agent to
 * a deploy role would pass unseen. Checked together, the reference resolves to the agent's ARN, and the agents of
 * every stack count as agents wherever another stack names them (by ARN or by name).
 */
import { statSync } from "fs";
import { dirname, resolve } from "path";
import type { BlastwallConfig } from "../engine/config-types";
import type { PeerAgent, PeerAssume, RemoteState, TfStack } from "../engine/terraform/types";
import type { Grant, PrincipalNode, StackAnalysis } from "../engine/analysis-types";
import type { Statement } from "../engine/iam/types";
import { grantText } from "../engine/reach/edge";
import { CREDENTIAL_STORES, PEER_READ_STORES } from "../engine/reach/compute";
import { buildAnalysis, type OutsideAsked } from "../engine/analyze";
import { ownDenies } from "../engine/own-denies";
import { SEVERAL, peerMatcher } from "../engine/agents";
import type { OutsideAgentTest } from "../engine/principals/outsiders";
import { UNKNOWN_PREFIX } from "../engine/reach/types";
import { reachOf } from "../rules/reach-support";
import type { ReachGraph } from "../engine/reach/graph";
import { ReachGraphTooLarge } from "../engine/reach/graph-limit";
import { isObject } from "../engine/json";
import { setRemoteSources } from "../engine/reach/credential-references";
import { namedRoleArns, webIdentityTokens } from "../engine/reach/edges-web-identity";
import { resourceAccount } from "../engine/terraform/providers";
import { removalsOf, type PeerRemoval } from "../engine/principals/peer-removals";
import { stackConfigurationDigest } from "../config/grants-digest";
import { globMatch, globsIntersect } from "../engine/iam/glob";
import { hasInterpolation, refTarget, resolveToPattern, stepKey, walk } from "../engine/terraform/tokens";

/** Backend settings that say which state a backend holds; the rest (a region, credentials, a lock table) do not. */
const STATE_KEYS = [
  "bucket",
  "key",
  "workspace_key_prefix",
  "path",
  "prefix",
  "organization",
  "workspaces",
  "hostname",
  "storage_account_name",
  "container_name",
  "resource_group_name",
  "address",
  "conn_str",
  "schema_name",
];

/** What a backend assumes when a locating setting is left out, so that leaving it out and writing it match. */
const DEFAULTS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  s3: { workspace_key_prefix: "env:" },
  remote: { hostname: "app.terraform.io" },
};

/** Stacks a value may pass through, one to the next, before blastwall stops following it (it is then unknown). */
const MAX_CHAIN = 100;

/** How a stack is named in a message: its name (the cdktf stack), else its file. */
export function stackLabel(stack: TfStack): string {
  return stack.name ?? stack.file;
}

/**
 * The state a backend (or a remote state's settings) names, as one key; undefined when nothing locates it. `dir` is
 * the folder a relative local path is relative to.
 */
function stateKey(type: string, config: Readonly<Record<string, unknown>>, read: (v: unknown) => unknown, dir: string): string | undefined {
  // A `cloud` block is read back as a `remote` backend (cdktf writes its cross-stack references so).
  const t = type === "cloud" ? "remote" : type;
  const parts: string[] = [];
  for (const k of STATE_KEYS) {
    let v = config[k] === undefined ? DEFAULTS[t]?.[k] : read(config[k]);
    // HCL writes a nested block (`workspaces { name = ... }`) as a list of one object; a remote state's map is not.
    if (Array.isArray(v) && v.length === 1 && isObject(v[0])) v = v[0];
    if (t === "local" && k === "path" && typeof v === "string") v = resolve(dir, v);
    if (v !== undefined) parts.push(`${k}=${JSON.stringify(v)}`);
  }
  return parts.length > (DEFAULTS[t] ? Object.keys(DEFAULTS[t]).length : 0) ? `${t}|${parts.join("|")}` : undefined;
}

/** The stacks of a run by the state their backend holds: one entry per state, every reading of it. */
export class StateIndex {
  private readonly byKey = new Map<string, TfStack[]>();
  private readonly resolved = new Map<TfStack, TfStack>();
  private depth = 0;
  private cutShort = 0;

  constructor(stacks: readonly TfStack[]) {
    for (const s of stacks) {
      // No backend: Terraform keeps the state in terraform.tfstate beside the configuration.
      const backend = s.backend ?? { type: "local", config: { path: "terraform.tfstate" } };
      const key = stateKey(backend.type, backend.config, (v) => v, folderOf(s));
      if (key === undefined) continue;
      const list = this.byKey.get(key);
      if (list) list.push(s);
      else this.byKey.set(key, [s]);
    }
  }

  /**
   * The remote states of `stack` that read the state of one other stack of the run, each with that stack's outputs.
   * A source that matches no checked stack, or two different ones, reads a state blastwall cannot tell: its outputs
   * stay unknown. The two readings of one folder (Terraform's and OpenTofu's) are one stack: an output they both
   * give alike is known, one they give differently is not.
   */
  remoteStatesOf(stack: TfStack): Map<string, RemoteState> {
    const out = new Map<string, RemoteState>();
    for (const r of stack.byType.get("terraform_remote_state") ?? []) {
      if (r.mode !== "data") continue;
      const type = r.values["backend"];
      const config = r.values["config"];
      if (typeof type !== "string" || !isObject(config)) continue;
      const key = stateKey(type, config, (v) => (typeof v === "string" && hasInterpolation(v) ? exactValue(stack, v) : v), folderOf(stack));
      const readings = (key === undefined ? [] : (this.byKey.get(key) ?? [])).filter((p) => !sameStack(p, stack));
      if (readings.length === 0 || readings.some((p) => !sameStack(p, readings[0]))) continue;
      out.set(r.address, this.remoteState(readings));
    }
    return out;
  }

  /** The stack as its remote states resolve it: an output it passes on from a third stack is known too. */
  linked(stack: TfStack): TfStack {
    let s = this.resolved.get(stack);
    if (!s) {
      // Set before resolving, so a cycle of stacks reading each other ends with what is known so far.
      this.resolved.set(stack, stack);
      const remoteOutputs = this.remoteStatesOf(stack);
      s = remoteOutputs.size > 0 ? { ...stack, remoteOutputs } : stack;
      this.resolved.set(stack, s);
    }
    return s;
  }

  private remoteState(readings: readonly TfStack[]): RemoteState {
    const memo = new Map<string, { pattern: string; exact: boolean } | undefined>();
    const state: RemoteState = {
      stack: stackLabel(readings[0]),
      has: (name) => readings.some((r) => r.outputs?.has(name) === true),
      output: (steps) => {
        const id = steps.join("\u0000");
        if (memo.has(id)) return memo.get(id);
        // A chain of stacks passing one value on is followed only so far: each link is a level of recursion.
        if (this.depth >= MAX_CHAIN) {
          this.cutShort++;
          return undefined;
        }
        const cut = this.cutShort;
        memo.set(id, undefined); // a reference back to itself, through other stacks, is unknown
        let out: { pattern: string; exact: boolean } | undefined;
        this.depth++;
        try {
          for (const plain of readings) {
            const one = outputAt(this.linked(plain), steps);
            if (!one || (out && (one.pattern !== out.pattern || one.exact !== out.exact))) {
              out = undefined;
              break;
            }
            out = one;
          }
        } finally {
          this.depth--;
        }
        // What a lookup cut short found is not what a shorter one would: it is not kept for the next reader, here
        // nor in the patterns the stacks on the way cached (they are linked afresh).
        if (this.cutShort === cut) memo.set(id, out);
        else {
          memo.delete(id);
          if (this.depth === 0) this.resolved.clear();
        }
        return out;
      },
    };
    // What the output is written as there, for the credential readers: a key passed by a cross-stack reference.
    setRemoteSources(state, (name) =>
      readings.flatMap((plain) => {
        const s = this.linked(plain);
        return [...(s.outputs ?? [])].filter(([o]) => name === undefined || o === name).map(([, value]) => ({ stack: s, value }));
      }),
    );
    return state;
  }
}

/**
 * Per stack of a run, what it may take away from the principals of the others (peer-removals.ts): exclusive
 * managers, `aws_iam_policy_attachment`s and IAM `import` blocks, resolved in that stack as the run links it.
 */
export function removalsOfRun(stacks: readonly TfStack[], index: StateIndex, memo?: RunMemo): { of: TfStack; removals: PeerRemoval[] }[] {
  return stacks.map((of) => {
    const key = memo?.keyOf(of);
    let removals = key === undefined ? undefined : memo!.removals.get(key);
    if (!removals) {
      removals = removalsOf(index.linked(of), stackLabel(of));
      if (key !== undefined) memo!.removals.set(key, removals);
    }
    return { of, removals };
  });
}

/** Two readings of one folder, or the same stack. */
export function sameStack(a: TfStack, b: TfStack): boolean {
  return a === b || (a.file === b.file && a.name === b.name);
}

/** The folder a stack's relative paths start from: the folder read (HCL), or the one the file is in. */
function folderOf(stack: TfStack): string {
  let dir = folders.get(stack.file);
  if (dir === undefined) {
    try {
      dir = statSync(stack.file).isDirectory() ? resolve(stack.file) : undefined;
    } catch {
      // a name that is no path (a synthesized stack, a test): its parent, as for a file
    }
    dir ??= resolve(dirname(stack.file));
    folders.set(stack.file, dir);
  }
  return dir;
}

/** Per file named: a run asks once per remote state of every stack. */
const folders = new Map<string, string>();

function exactValue(stack: TfStack, v: string): string | undefined {
  // `${path.module}` and `${path.root}` are the folder itself, where relative paths start anyway.
  const r = resolveToPattern(stack, v.replace(/\$\{\s*path\.(module|root|cwd)\s*\}/g, "."));
  return r.exact ? r.pattern : undefined;
}

/** Wrappers that change nothing of the value (`sensitive(...)`, `tostring(...)`, one in another) are read through. */
function unwrapped(value: string): string {
  const wrapped = /^\$\{\s*(?:sensitive|nonsensitive|tostring)\(([\s\S]*)\)\s*\}$/;
  let v = value;
  for (let m = wrapped.exec(v); m; m = wrapped.exec(v)) v = `\${${m[1]}}`;
  return v;
}

/** An output of `stack` (and steps into it) as a pattern resolved there. */
function outputAt(stack: TfStack, steps: readonly string[]): { pattern: string; exact: boolean } | undefined {
  const outputs = stack.outputs;
  if (!outputs) return undefined;
  const [first, ...rest] = steps;
  const name = stepKey(first);
  if (name === undefined || !outputs.has(name)) return undefined;
  const whole = outputs.get(name);
  let value = walk(whole, rest);
  // A whole resource as the output (`value = aws_iam_role.ci`), read at one of its attributes (`outputs.o.arn`).
  const ref = rest.length > 0 && typeof whole === "string" ? refTarget(unwrapped(whole)) : undefined;
  if (value === undefined && ref && ref.attribute === undefined && ref.path.length === 0 && rest.every((st) => stepKey(st) !== undefined)) {
    value = `\${${ref.address}.${rest.map((st) => stepKey(st)).join(".")}}`;
  }
  if (typeof value !== "string") return undefined;
  const plain = unwrapped(value);
  const r = resolveToPattern(stack, plain);
  // A stack's own IAM ARNs leave the account open; read from another stack, the account its provider is pinned to
  // says whose they are (a role of one name in two stacks is two roles, in two accounts).
  // Only for a principal this stack makes: a value it passes on from a third stack is that one's.
  const source = refTarget(plain);
  const made = source ? stack.byAddress.get(source.address) : undefined;
  const account = made && made.mode === "managed" && made.type.startsWith("aws_iam_") ? resourceAccount(stack, made) : undefined;
  const pattern = account ? r.pattern.replace(/^(arn:[^:]*:iam::)\*:/, `$1${account}:`) : r.pattern;
  return { pattern, exact: r.exact };
}

/**
 * The roles and users `stack` makes that are AI agents, as another stack may name them, and those its agents can act
 * as (assume, pass to compute, hold the credentials of): a role an agent can assume is the agent's to use, so another
 * stack's deploy role that trusts it is as reachable from the agent as one that trusts the agent itself.
 */
export function agentsOf(stack: TfStack, config: BlastwallConfig, outsideAsked?: OutsideAsked, maxReachEdges?: number): PeerAgent[] {
  const analysis = buildAnalysis(stack, config, { outsideAsked });
  const label = stackLabel(stack);
  const peer = (p: PrincipalNode, reason: string, actsFor?: string): PeerAgent | undefined => {
    if (p.external || (p.kind !== "role" && p.kind !== "user")) return undefined;
    // The stack's own patterns leave the account open; the provider that creates it, when pinned, says which it is.
    const account = resourceAccount(stack, p.resource);
    const arnPattern = account ? p.arnPattern.replace(/^(arn:[^:]*:iam::)\*:/, `$1${account}:`) : p.arnPattern;
    const grants = analysis.rightsOf(p.address).grants;
    const data = ["aoss:apiaccessall", "aoss:dashboardsaccessall"].find((a) => (grants.get(a) ?? []).length > 0);
    const assumes = assumesOf(grants.get("sts:assumerole") ?? []);
    const assumeDenies = assumes.length > 0 ? assumeDeniesOf(p) : [];
    const reads = readsOf(grants, label);
    const readDenies = reads.length > 0 ? deniesOf(p, PEER_READS) : [];
    return {
      stack: label,
      address: p.address,
      kind: p.kind,
      arnPattern,
      reason,
      ...(actsFor !== undefined && { actsFor }),
      ...(data !== undefined && { serverlessData: grants.get(data)![0].action }),
      ...(assumes.length > 0 && { assumes }),
      ...(assumeDenies.length > 0 && { assumeDenies }),
      ...(reads.length > 0 && { reads }),
      ...(readDenies.length > 0 && { readDenies }),
      basis: basisOf(),
    };
  };
  // Written into each entry as it is made: copies of the entries with it added made every run of hundreds of stacks
  // slower where the entries are read (twice as long in all, for 300 stacks).
  let basis: string | undefined;
  const basisOf = () => (basis ??= stackConfigurationDigest(stack));
  const based = (list: PeerAgent[]): PeerAgent[] => list.map((x) => ({ ...x, basis: basisOf() }));
  const out: PeerAgent[] = [];
  const seen = new Set<string>();
  // Each path starts at an agent: one of this stack, or one of another stack that this stack names, which is either
  // an agent there or a principal an agent can act as (what it reaches here goes back out, as the agent's).
  // Each start in turn names all it reaches that no earlier one did: the stack's own agents first, then those named
  // exactly, then those whose name is known only at apply time (which may be one of several); among equals, by the
  // agent's name. A principal this stack's agent reaches is named after it for good, and one only other stacks'
  // agents reach is named anew only when an agent that sorts first comes to reach it.
  const rank = (a: PrincipalNode) => (!a.external ? 0 : /[*?]/.test(a.arnPattern.slice(a.arnPattern.lastIndexOf(":"))) ? 2 : 1);
  const starts = analysis.agents.map((a) => ({ a, rank: rank(a), agent: a.peer?.agent ?? `the AI agent ${a.address} of stack ${label}` }));
  starts.sort((x, y) => x.rank - y.rank || (x.agent < y.agent ? -1 : x.agent > y.agent ? 1 : 0));
  const runners = based(runnersOf(stack, analysis.principals, label));
  if (starts.length === 0) return runners;
  const graph = reachOf({ stack, analysis, config, strict: false, maxReachEdges });
  for (const { a } of starts) {
    seen.add(a.address);
    const x = peer(a, `an agent there by ${a.agentReason ?? "selection"}`);
    if (!x) continue;
    // A runner's token goes with the agent as its own does (red-team round 81: it crossed no stack boundary).
    const tokens = a.kind === "role" ? graph.agentTokens(a) : [];
    // The roles its trust names go with it: another stack's role of that ARN is its runner (red-team round 83).
    const names = a.kind === "role" && !a.external ? namedRoleArns(a) : [];
    out.push({ ...x, ...(tokens.length > 0 && { webIdentity: [...tokens] }), ...(names.length > 0 && { names }) });
  }
  out.push(...runners);
  // An agent's runner is the agent's already (its holder runs the agent): reached back through the runner's own token,
  // it is passed on as a runner only, or the stack naming it in the agent's trust would start the agent's paths twice.
  const ownRunner = new Set(runners.map((r) => `${r.address}|${r.runs}`));
  try {
    passReached(graph, analysis, starts, seen, ownRunner, out, peer);
  } catch (e) {
    if (!(e instanceof ReachGraphTooLarge)) throw e;
    // Fail closed, as the stack's own findings do (rules/reach-limit.ts): every principal of the stack is passed on once,
    // as reached by the first agent (a principal passed on is reached by every agent of the run that reaches the stack).
    const agent = starts[0]?.agent;
    if (agent !== undefined) {
      for (const p of analysis.principals) {
        if (seen.has(p.address)) continue;
        const x = peer(p, `which ${agent} may act as: the reach graph of ${label} is larger than blastwall follows, so every principal of it counts as reached`, agent);
        if (x) out.push(x);
        seen.add(p.address);
      }
    }
  }
  return out;
}

/**
 * The resource patterns of a principal's own sts:AssumeRole grants, for another stack whose role's trust admits an
 * account root (or anyone) and so leaves the call to them. A conditional grant counts, as its condition may be met;
 * the principal's Denies go with them (`assumeDeniesOf`), as the role's ARN is known only in that stack.
 */
function assumesOf(grants: readonly Grant[]): PeerAssume[] {
  const out: PeerAssume[] = [];
  const seen = new Set<string>();
  for (const g of grants) {
    for (const pattern of g.resources) {
      if (seen.has(pattern)) continue;
      seen.add(pattern);
      out.push({ pattern, grant: grantText(g) });
    }
  }
  return out;
}

/** The Deny statements of a principal's own policies and boundary whose actions may cover sts:AssumeRole. */
function assumeDeniesOf(p: PrincipalNode): Statement[] {
  return deniesOf(p, ["sts:AssumeRole"]);
}

/** The Deny statements of a principal's own policies and boundary (`ownDenies`) whose actions may cover one of `actions`. */
function deniesOf(p: PrincipalNode, actions: readonly string[]): Statement[] {
  const match = (pattern: string) => actions.some((x) => globMatch(pattern, x, { caseInsensitive: true }));
  const covers = (st: Statement) => (st.actions !== undefined ? st.actions.some(match) : actions.some((x) => (st.notActions ?? []).every((a) => !globMatch(a, x, { caseInsensitive: true }))));
  return ownDenies(p).filter(covers);
}

/** The reads of a stored secret another stack's store is read by: Secrets Manager secrets and SSM parameters. */
const PEER_READS: readonly string[] = CREDENTIAL_STORES.filter((c) => PEER_READ_STORES.has(c.type)).flatMap((c) => c.actions);

/**
 * A principal's own grants of `PEER_READS`, each statement's address marked with its stack: the stack holding the
 * store names the grant, and a reviewer there must know it is not one of its own policies.
 */
function readsOf(grants: ReadonlyMap<string, readonly Grant[]>, label: string): Grant[] {
  return PEER_READS.flatMap((a) =>
    (grants.get(a.toLowerCase()) ?? []).map((g) => ({ ...g, statement: { ...g.statement, source: { ...g.statement.source, address: `${g.statement.source.address} of stack ${label}` } } })),
  );
}

/** What each agent reaches in its stack, passed on in `out` (see `agentsOf`); throws `ReachGraphTooLarge` past the graph's limit. */
function passReached(
  graph: ReachGraph,
  analysis: StackAnalysis,
  starts: readonly { readonly a: PrincipalNode; readonly agent: string }[],
  seen: Set<string>,
  ownRunner: ReadonlySet<string>,
  out: PeerAgent[],
  peer: (p: PrincipalNode, reason: string, actsFor?: string) => PeerAgent | undefined,
): void {
  for (const { a, agent } of starts) {
    const start = a.address;
    // A path that starts at a principal of another stack the agent can act as runs through it.
    const through = a.peer?.reached === true ? `${start} here` : undefined;
    const queue = [start];
    for (let i = 0; i < queue.length; i++) {
      const id = queue[i];
      for (const e of graph.edgesFrom(id)) {
        if (seen.has(e.to) || e.to.startsWith(UNKNOWN_PREFIX)) continue;
        seen.add(e.to);
        const p = analysis.byAddress.get(e.to);
        // A user as the holder of credentials for some services is no principal to pass on, but what it reaches is.
        if (!p) {
          if (graph.scopedUser(e.to)) queue.push(e.to);
          continue;
        }
        const via = [through, id === start ? undefined : id].filter((v) => v !== undefined);
        if (a.peer !== undefined && ownRunner.has(`${p.address}|${a.peer.is}`)) {
          queue.push(e.to);
          continue;
        }
        const x = peer(p, `which ${agent} can act as (${e.label}${via.length > 0 ? `, through ${via.join(" and ")}` : ""})`, agent);
        if (x) out.push(x);
        queue.push(e.to);
      }
    }
  }
}

/**
 * The roles of `stack` that run another stack's agent: a role whose ARN the agent's trust names (same name, and the
 * same account or one the stack leaves open) and whose own trust admits a web identity token. Whoever holds that token
 * starts the agent's sessions, so the agent's tokens include the runner's (red-team round 83: the runner in a platform
 * stack, the agent and a deploy role trusting the same repository in the app stack, passed).
 */
function runnersOf(stack: TfStack, principals: readonly PrincipalNode[], label: string): PeerAgent[] {
  const agents = (stack.peerAgents ?? []).filter((a) => a.actsFor === undefined && a.kind === "role" && (a.names ?? []).length > 0);
  if (agents.length === 0) return [];
  const out: PeerAgent[] = [];
  for (const r of principals) {
    if (r.external || r.kind !== "role" || r.isAgent) continue;
    const account = resourceAccount(stack, r.resource);
    const arnPattern = account ? r.arnPattern.replace(/^(arn:[^:]*:iam::)\*:/, `$1${account}:`) : r.arnPattern;
    const named = agents.filter((a) => a.names!.some((n) => globsIntersect(arnPattern, n, { caseInsensitive: true })));
    if (named.length === 0) continue;
    const tokens = webIdentityTokens(stack, r).map((t) => ({ ...t, via: `${r.address} of stack ${label}` }));
    if (tokens.length === 0) continue;
    for (const a of named) {
      const agent = `${a.address} of stack ${a.stack}`;
      out.push({ stack: label, address: r.address, kind: "role", arnPattern, reason: `which runs the AI agent ${agent} (its trust names it)`, runs: agent, webIdentity: tokens });
    }
  }
  return out;
}

/** A run's principals of other stacks as a stack takes them: the agents and those they act as, and the runners apart. */
export function peerFields(list: readonly PeerAgent[]): { peerAgents?: PeerAgent[]; peerRunners?: PeerAgent[] } {
  const peerAgents = list.filter((a) => a.runs === undefined);
  const peerRunners = list.filter((a) => a.runs !== undefined);
  return { ...(peerAgents.length > 0 && { peerAgents }), ...(peerRunners.length > 0 && { peerRunners }) };
}

/**
 * What each stack of a run gives on its own (its agents judged with no other stack's, what it may take away from the
 * others), kept between judgements of the same run: the synth gate judges the run at every stack it validates, and an
 * app of 60 stacks judged every stack 60 times a synth. `keyOf` must give two stacks the same key only when they are
 * the same JSON in a run of the same stacks (so `index.linked` resolves them alike), and `undefined` for a stack it
 * cannot key, which is judged afresh.
 */
export interface RunMemo {
  readonly keyOf: (stack: TfStack) => string | undefined;
  readonly judged: Map<string, { readonly agents: PeerAgent[]; readonly unmatched: Parameters<OutsideAgentTest>[]; readonly single: { readonly q: Parameters<OutsideAgentTest>; readonly agent: string }[]; readonly matched: Set<string> }>;
  readonly removals: Map<string, PeerRemoval[]>;
  /** What peer-resources.ts reads of each stack (its stores, bucket settings, functions, trails, approval policy). */
  readonly parts?: Map<string, unknown>;
}

/**
 * Per stack of a run, its agents and the principals they can act as, passed around the stacks until nothing new is
 * found: a role of one stack that trusts another stack's agent is the agent's to use, and a third stack that trusts
 * that role is reached in turn, however long the chain and in whatever order the stacks come. A stack is judged again
 * only when another stack found a principal that one of the outside principals it names may be, or names anew the
 * agent behind one it matched. Each judgement that passes on principals has found more than before, of a finite
 * number, so the passing ends; a change of names alone is passed on a bounded number of times.
 */
export function agentsOfRun(
  stacks: readonly TfStack[],
  index: StateIndex,
  config: BlastwallConfig,
  /** Counts the judgements, for the tests that keep them few. */
  stats?: { judged: number },
  memo?: RunMemo,
): { of: TfStack; agents: PeerAgent[] }[] {
  interface Entry {
    readonly of: TfStack;
    agents: PeerAgent[];
    /** The outside principals it names that matched no other stack's principal when it was last judged. */
    unmatched: Parameters<OutsideAgentTest>[];
    /** Those that did, as one agent's principal (not "or another agent"): with the agent they were named after. */
    single: { readonly q: Parameters<OutsideAgentTest>; readonly agent: string }[];
    /** The principals they matched (`aws_iam_role.x of stack s`). */
    matched: Set<string>;
    queued: boolean;
    renamed: number;
  }
  const judge = (x: Entry, peers: readonly PeerAgent[]) => {
    if (stats) stats.judged++;
    const unmatched: Parameters<OutsideAgentTest>[] = [];
    const single: Entry["single"] = [];
    const matched = new Set<string>();
    // A mention matched to another stack's principal starts the same paths whatever else another stack finds (a
    // name known only at apply time may be any of them): only the others can change what this stack passes on, and
    // a principal of another agent which the name may also be, what it is named after.
    const agents = agentsOf(peers.length > 0 ? { ...index.linked(x.of), ...peerFields(peers) } : index.linked(x.of), config, (kind, literal, accounts, peersOnly, verdict) => {
      if (verdict?.peer === undefined) unmatched.push([kind, literal, accounts, peersOnly]);
      else {
        matched.add(verdict.peer.is);
        if (!verdict.peer.agent.endsWith(SEVERAL)) single.push({ q: [kind, literal, accounts, peersOnly], agent: verdict.peer.agent });
      }
    });
    x.unmatched = unmatched;
    x.single = single;
    x.matched = matched;
    return agents;
  };
  const found: Entry[] = stacks.map((of) => ({ of, agents: [], unmatched: [], single: [], matched: new Set(), queued: false, renamed: 0 }));
  for (const x of found) {
    const key = memo?.keyOf(x.of);
    const kept = key === undefined ? undefined : memo!.judged.get(key);
    if (kept) {
      // Read only from here on: a later judgement replaces these lists, it never edits them.
      x.agents = kept.agents;
      x.unmatched = kept.unmatched;
      x.single = kept.single;
      x.matched = kept.matched;
      continue;
    }
    x.agents = judge(x, []);
    if (key !== undefined) memo!.judged.set(key, { agents: x.agents, unmatched: x.unmatched, single: x.single, matched: x.matched });
  }
  const queue: Entry[] = [];
  const passOn = (from: Entry, fresh: readonly PeerAgent[], renamed: readonly PeerAgent[] = []) => {
    if (fresh.length === 0 && renamed.length === 0) return;
    const names = fresh.length > 0 ? peerMatcher(fresh) : undefined;
    const named = new Set(renamed.map((a) => `${a.address} of stack ${a.stack}`));
    for (const x of found) {
      if (x.queued || x === from || sameStack(x.of, from.of)) continue;
      const other = (m: Entry["single"][number]) => {
        const v = names?.(...m.q);
        return v?.peer !== undefined && v.peer.agent !== m.agent;
      };
      // An agent entered with a web identity token reaches any role of a stack whose trust admits the token, though
      // that stack names no agent: such a stack is judged again, so what its roles reach goes on to a third one.
      const tokens = fresh.some((a) => a.webIdentity !== undefined || a.names !== undefined) && mayTrustWebIdentity(x.of);
      // An entry with sts:AssumeRole grants reaches a role whose trust admits an account root (or anyone), though that
      // stack names no agent: it is judged again too, so what such a role reaches goes on (red-team round 178).
      const assumers = fresh.some((a) => a.assumes !== undefined) && mayTrustAccountRoot(x.of);
      // One that reads stored secrets reaches a credential such a stack stores, though it names no agent (round 179).
      const readers = fresh.some((a) => a.reads !== undefined) && [...PEER_READ_STORES].some((t) => (x.of.byType.get(t)?.length ?? 0) > 0);
      // A runner found in another stack lends its token to an agent of this one, which carries it on.
      const label = ` of stack ${stackLabel(x.of)}`;
      const runs = fresh.some((a) => a.runs?.endsWith(label) === true);
      if (tokens || assumers || readers || runs || (names && (x.unmatched.some((q) => names(...q) !== undefined) || x.single.some(other))) || [...named].some((n) => x.matched.has(n))) {
        x.queued = true;
        queue.push(x);
      }
    }
  };
  for (const x of found) passOn(x, x.agents);
  for (let i = 0; i < queue.length; i++) {
    const x = queue[i];
    x.queued = false;
    const peers = found.filter((y) => y !== x && !sameStack(y.of, x.of)).flatMap((y) => y.agents);
    const now = judge(x, peers);
    const keyOf = (a: PeerAgent) => `${a.runs ?? ""}|${a.address}`;
    const before = new Map(x.agents.map((a) => [keyOf(a), a]));
    // An agent that a runner found in another stack lent more tokens is passed on again, as a new one would be.
    const fresh = now.filter((a) => !before.has(keyOf(a)) || (before.get(keyOf(a))!.webIdentity?.length ?? 0) !== (a.webIdentity?.length ?? 0));
    // The agent a principal is named after changes when a stack is judged with more of the others: the report of a
    // stack that names that principal names the agent anew.
    const renamed = now.filter((a) => before.has(keyOf(a)) && before.get(keyOf(a))!.actsFor !== a.actsFor);
    if (fresh.length === 0 && renamed.length === 0) continue;
    x.agents = now;
    passOn(x, fresh, x.renamed++ < MAX_RENAMES ? renamed : []);
  }
  return found.map(({ of, agents }) => ({ of, agents }));
}

/**
 * Whether the stack may take a web identity token: a role by its trust's text (one that names neither
 * AssumeRoleWithWebIdentity nor a wildcard nor NotAction, and holds no expression or escape, does not), or any identity
 * pool or EKS identity provider config.
 */
function mayTrustWebIdentity(stack: TfStack): boolean {
  // An identity pool or a cluster's identity provider config takes the token with no role's trust (red-team round 81).
  if (["aws_cognito_identity_pool", "aws_eks_identity_provider_config"].some((t) => (stack.byType.get(t) ?? []).length > 0)) return true;
  return (stack.byType.get("aws_iam_role") ?? []).some((r) => {
    const raw = r.values["assume_role_policy"];
    return typeof raw !== "string" || /webidentity|\*|notaction|\$\{|\\/i.test(raw);
  });
}

/**
 * Whether some role of the stack may trust an account root or anyone, by its trust's text: a trust that holds no
 * `:root`, no bare account id, no wildcard, no NotPrincipal and no expression or escape names role and user ARNs
 * alone, and those match other stacks' entries by name already. The name part of such an ARN is left out of the
 * test: an expression there (`role/${var.who}`) still names a role, never an account.
 */
function mayTrustAccountRoot(stack: TfStack): boolean {
  return (stack.byType.get("aws_iam_role") ?? []).some((r) => {
    const raw = r.values["assume_role_policy"];
    return typeof raw !== "string" || /:root\b|"\d{12}"|\*|notprincipal|\$\{|\\/i.test(raw.replace(NAMED_PART, ":$1/"));
  });
}

/** The name part of a role or user ARN in a policy's text, up to the end of its string. */
const NAMED_PART = /:(role|user)\/[^"\\*]*(?=")/gi;

/** How often a stack passes on a change of names alone: names may go back and forth between stacks that name each other. */
const MAX_RENAMES = 5;
