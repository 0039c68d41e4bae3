import type { BlastwallConfig } from "./config-types";
import type { PeerAgent, TfResource, TfStack } from "./terraform/types";
import { AGENT_PRINCIPAL_TYPES, AGENT_TAG, followReferences, readAgentMark, readAgentTag, tagMaps, tagValue } from "./agent-tags";
import { isObject } from "./json";
import { globMatch, globsIntersect } from "./iam/glob";
import type { OutsideAgentTest } from "./principals/outsiders";
import { hasInterpolation, resolveToPattern, unwrittenName } from "./terraform/tokens";
import { cloudControlStandIn } from "./cloud-control";

/** The IAM path of agent roles (AgentRole, ScopedToken), which the guardrail SCPs match. */
export const AGENT_PATH = "/agents/";

/**
 * The path of the entry roles AgentRole puts between a principal that cannot set a source identity (a GitHub
 * Actions workflow, a GitLab CI job) and the agent role: whoever holds their sessions is an agent too.
 */
export const AGENT_ENTRY_PATH = "/agent-entry/";

export { AGENT_PRINCIPAL_TYPES, AGENT_TAG };

/** `module.m["a"].aws_iam_role.r[0]` → `module.m.aws_iam_role.r`. */
export function withoutInstanceKeys(address: string): string {
  if (!address.includes("[")) return address;
  return address.replace(/\[(?:"(?:[^"\\]|\\.)*"|[^\]]*)\]/g, "");
}

/**
 * The IAM name a role, user or permission set gets: the literal name, else a pattern (a computed name, `name_prefix`
 * followed by what Terraform appends, or, with neither, the name Terraform makes for a role: see unwrittenName).
 */
function namePattern(stack: TfStack | undefined, r: TfResource): { readonly pattern: string; readonly exact: boolean; readonly shown: string } {
  const name = r.values.name;
  // An empty name is no name to the provider: it falls back to the prefix or makes one (as tokens.ts reads it).
  const written = typeof name === "string" && name !== "";
  if (written && !hasInterpolation(name)) return { pattern: name, exact: true, shown: name };
  if (written) return { pattern: stack ? resolveToPattern(stack, name).pattern : "*", exact: false, shown: name };
  const prefix = r.values.name_prefix;
  if (typeof prefix === "string" && prefix !== "") return { pattern: `${stack && hasInterpolation(prefix) ? resolveToPattern(stack, prefix).pattern : prefix}*`, exact: false, shown: `name_prefix ${prefix}` };
  if (name !== undefined && name !== null && name !== "") return { pattern: "*", exact: false, shown: "(not a string)" };
  // Only the aws provider names a role `terraform-...`: an awscc role stands in as one (cloudControlStandIn), and
  // Cloud Control names it otherwise; a user or a permission set has no name made for it.
  if (r.type !== "aws_iam_role" || addressType(r.address) !== "aws_iam_role") return { pattern: "*", exact: false, shown: "(no name)" };
  // Without the stack (the plan gate), the plan's values carry the name of an object an import or moved block adopts.
  const pattern = stack ? unwrittenName(stack, r) : "terraform-*";
  const shown = pattern === "*" ? "(the name of the existing role an import or moved block brings to it)" : "(a name Terraform generates)";
  return { pattern, exact: false, shown };
}

/** The resource type an address names: `module.m["a"].aws_iam_role.r[0]` → `aws_iam_role`. */
function addressType(address: string): string | undefined {
  const parts = withoutInstanceKeys(address).split(".");
  return parts[parts.length - 2];
}

function isExpression(v: unknown): boolean {
  return typeof v === "string" && hasInterpolation(v);
}

/**
 * The config's selectors that mark any resource, principal or not: `agents.addresses` and `agents.tags`. An address
 * names every instance of it (`x[0]`, `module.m["a"].x`), as the configuration writes it. Every listed tag must hold,
 * as the config schema documents (and the plan gate reads it); a tag whose value is an expression may hold the listed
 * value when applied, and so may a tag map blastwall cannot read when `unreadableMaps` (fail closed, for principals).
 */
function configMarks(config: BlastwallConfig, stack: TfStack | undefined) {
  const sel = config.agents ?? {};
  const addresses = new Set(sel.addresses ?? []);
  const tags = Object.entries(sel.tags ?? {});
  // An entry copied from `terraform state list` names one instance (`aws_iam_role.agent[0]`); a configuration writes the
  // block once, and blastwall judges a `count`/`for_each` block as one principal: the entry selects it, every instance
  // of it (red-team round 101: it selected nothing, and the role with AdministratorAccess passed).
  const blocks = new Map([...addresses].map((a) => [withoutInstanceKeys(a), a]));
  const byAddress = (r: TfResource): string | undefined => {
    if (addresses.size === 0) return undefined;
    const bare = withoutInstanceKeys(r.address);
    if (addresses.has(r.address) || addresses.has(bare)) return `config agents.addresses lists ${addresses.has(r.address) ? r.address : bare}`;
    // The plan gate's addresses carry keys: every instance of the block, as `blastwall check` reads it (red-team round
    // 103: `agent[0]` listed, `agent[1]` given s3:DeleteBucket, and the gate passed what check fails).
    const instance = blocks.get(bare);
    if (instance !== undefined) return `config agents.addresses lists ${instance}, an instance of ${bare}, which blastwall judges as one principal`;
    return undefined;
  };
  const byTags = (r: TfResource, unreadableMaps: boolean): { readonly reason: string; readonly own: boolean } | undefined => {
    if (tags.length === 0) return undefined;
    const unreadableMap = unreadableMaps && stack !== undefined && isExpression(followReferences(stack, r.values["tags"]));
    const own = stack ? followReferences(stack, r.values["tags"]) : r.values["tags"];
    const maybe: string[] = [];
    const all = tags.every(([k, v]) => {
      const t = tagValue(stack, r, k);
      if (t === v) return true;
      if (isExpression(t) || (t === undefined && unreadableMap)) {
        maybe.push(k);
        return true;
      }
      return false;
    });
    if (!all) return undefined;
    const listed = tags.map(([k, v]) => `${k} = "${v}"`).join(", ");
    return {
      reason: maybe.length === 0 ? `config agents.tags ${listed}` : `config agents.tags ${listed} (${maybe.join(", ")} may have that value: blastwall cannot evaluate it)`,
      own: isObject(own) && tags.every(([k]) => k in own),
    };
  };
  return { byAddress, byTags };
}

/**
 * Decides whether an IAM role or user, or an Identity Center permission set, is an AI agent: the
 * `blastwall:agent = "true"` tag the constructs set, or a selector in the config (address, name glob, tag; a
 * permission set's name is its Identity Center name). Returns the reason, for the report.
 */
export function agentSelector(config: BlastwallConfig, stack?: TfStack): (r: TfResource) => string | undefined {
  const names = config.agents?.names ?? [];
  const marks = configMarks(config, stack);
  return (r) => {
    if (!AGENT_PRINCIPAL_TYPES.has(r.type)) return undefined;
    const tagged = readAgentTag(r, stack);
    if (tagged.state === "yes") return tagged.reason;
    // AgentRole puts agents under /agents/, and the guardrail SCPs deny by that path: the gate follows the same
    // convention, so dropping the tag alone does not take a role out of the checks.
    const path = stack ? followReferences(stack, r.values.path) : r.values.path;
    if (typeof path === "string" && path.toLowerCase().startsWith(AGENT_PATH)) return `path ${path} (the path the guardrail SCPs treat as agents)`;
    // A path blastwall cannot evaluate may come out as /agents/ when Terraform applies it: fail closed.
    if (typeof path === "string" && stack && hasInterpolation(path)) {
      const pattern = resolveToPattern(stack, path).pattern;
      if (globsIntersect(pattern.toLowerCase(), `${AGENT_PATH}*`)) return `path ${path}, which may be under ${AGENT_PATH} when applied (blastwall cannot evaluate it)`;
    }
    const listed = marks.byAddress(r);
    if (listed !== undefined) return listed;
    if (names.length > 0) {
      const name = namePattern(stack, r);
      // IAM names are unique regardless of case (`Agent-1` and `agent-1` cannot both exist in one account), so a glob
      // that differs from a name only in case selects that principal: matching by case would let an agent through.
      const hit = names.find((g) => (name.exact ? globMatch(g, name.pattern, { caseInsensitive: true }) : globsIntersect(g, name.pattern, { caseInsensitive: true })));
      if (hit !== undefined) {
        return name.exact ? `config agents.names "${hit}" matches name "${name.pattern}"` : `config agents.names "${hit}" may match its name ${name.shown}, which blastwall cannot know before apply`;
      }
    }
    const tagged2 = marks.byTags(r, true);
    if (tagged2 !== undefined) return tagged2.reason;
    // The plan gate keeps a principal that was an agent before the plan an agent after it, whatever the plan changes.
    return stack?.keptAgents?.get(r.address);
  };
}

/**
 * Which of the config's `agents.names` globs select a principal of the stack (tested as `agentSelector` tests them) or
 * one outside it that the stack names (`outside`, tested as `outsideAgentSelector` tests them), and whether its
 * `agents.tags` select any role, user or permission set (as `agentSelector` does). A selector that selects nothing
 * in any stack of a run is noted: a misspelt glob or tag leaves the agent it meant unjudged.
 */
export function configSelectorHits(
  config: BlastwallConfig,
  stack: TfStack,
  outside: readonly { readonly kind: string; readonly name: string }[],
): { readonly names: ReadonlySet<string>; readonly tags: boolean } {
  const globs = config.agents?.names ?? [];
  const names = new Set<string>();
  const marks = configMarks(config, stack);
  let tags = false;
  const hasTags = Object.keys(config.agents?.tags ?? {}).length > 0;
  for (const resource of stack.resources) {
    // An awscc principal is selected as the aws_* one it stands for (unmodelled-iam judges it): it counts here too.
    const r = cloudControlStandIn(stack, resource) ?? resource;
    const principal = AGENT_PRINCIPAL_TYPES.has(r.type);
    // Only a principal counts: the selector marks principals, and a bucket or log group that shares the team's tags is
    // no agent (red-team round 102: such a bucket hid the note for a selector no role matched).
    if (hasTags && !tags && principal) tags = marks.byTags(r, true) !== undefined;
    if (!principal || names.size === globs.length) continue;
    const name = namePattern(stack, r);
    for (const g of globs) {
      if (names.has(g)) continue;
      if (name.exact ? globMatch(g, name.pattern, { caseInsensitive: true }) : globsIntersect(g, name.pattern, { caseInsensitive: true })) names.add(g);
    }
  }
  for (const o of outside) {
    if (o.kind !== "role" && o.kind !== "user") continue;
    const wild = /[*?]/.test(o.name);
    for (const g of globs) if (wild ? globsIntersect(g, o.name, { caseInsensitive: true }) : globMatch(g, o.name, { caseInsensitive: true })) names.add(g);
  }
  return { names, tags };
}

/**
 * Principals of the stack whose tags hold every tag of the config's `agents.tags` but in another case (`Role = "Agent"`
 * for `role = "agent"`): AWS tag keys and values are case-sensitive, so they are not selected, and rightly; the note
 * that the selector selects nothing names them, since that is most often what was meant.
 */
export function nearAgentTagMatches(config: BlastwallConfig, stack: TfStack): string[] {
  const wanted = Object.entries(config.agents?.tags ?? {}).filter((e): e is [string, string] => typeof e[1] === "string");
  if (wanted.length === 0) return [];
  const out: string[] = [];
  for (const r of stack.resources) {
    if (!AGENT_PRINCIPAL_TYPES.has(r.type)) continue;
    const maps = tagMaps(stack, r);
    const found: string[] = [];
    const all = wanted.every(([k, v]) => {
      for (const m of maps) {
        for (const [key, value] of Object.entries(m)) {
          if (key.toLowerCase() !== k.toLowerCase() || typeof value !== "string" || value.toLowerCase() !== v.toLowerCase()) continue;
          if (key !== k || value !== v) found.push(`${key} = ${JSON.stringify(value)}`);
          return true;
        }
      }
      return false;
    });
    if (all && found.length > 0) out.push(`${r.address} has ${found.join(", ")}`);
  }
  return out;
}

/** The agent mark on a resource of any type, and whether the resource carries it itself or inherits it. */
export interface AgentMark {
  readonly reason: string;
  /**
   * The mark comes from what the provider adds to every resource it makes (`default_tags`, and `tags_all` in a plan),
   * not from the resource's own tags or the config naming it.
   */
  readonly inherited: boolean;
  /**
   * The config's `agents.tags` matched: a selector for principals, whose tags (a team's) the team's buckets and logs
   * carry too. Like an inherited mark, it counts only on resources that run as a role.
   */
  readonly bySelectorTags?: true;
}

/**
 * Whether a resource of any type carries the mark that makes an IAM role or user an AI agent: the agent tag (read as
 * for principals, "may be true" included), or the config's `agents.addresses` or `agents.tags`. A name glob and the
 * `/agents/` path are not marks here: they are how principals are named, and select policies, profiles and groups of
 * agents that nobody meant as one. A tag map blastwall cannot read marks nothing here: that is no sign of intent.
 */
export function agentMarkSelector(config: BlastwallConfig, stack: TfStack): (r: TfResource) => AgentMark | undefined {
  const marks = configMarks(config, stack);
  return (r) => {
    const tagged = readAgentMark(r, stack);
    if (tagged.state === "yes") return { reason: tagged.reason, inherited: tagged.source !== "tags" };
    const listed = marks.byAddress(r);
    if (listed !== undefined) return { reason: listed, inherited: false };
    const byTags = marks.byTags(r, false);
    if (byTags !== undefined) return { reason: byTags.reason, inherited: !byTags.own, bySelectorTags: true };
    // The plan gate keeps a resource marked before the plan marked after it (lib/plan/evaluate.ts).
    return stack.keptMarks?.get(r.address);
  };
}

/**
 * Decides whether a role or user outside the stack, known only by the name or ARN the stack writes, is an AI agent:
 * an ARN under the `/agents/` path, or a name the config's `agents.names` selects. An ARN with parts known only at
 * apply time (`role/agents/${var.n}`, a `data.aws_iam_role`'s ARN) counts when it may be one (fail closed, as for the
 * stack's own principals). Tags and addresses cannot be read for it. Returns the reason, for the report.
 */
export function outsideAgentSelector(
  config: BlastwallConfig,
  peers: readonly PeerAgent[] = [],
): OutsideAgentTest {
  const names = config.agents?.names ?? [];
  const byConfig = (kind: "role" | "user", literal: string): string | undefined => {
    const arn = new RegExp(`^arn:[^:]*:iam::[^:]*:${kind}/(.*)$`).exec(literal);
    const rest = arn ? arn[1] : literal;
    // Path and name: `agents/` + `coder`. A name computed at apply time is one name (IAM names hold no `/`), so a
    // wildcard there leaves the path as written; one in the path part may make it anything.
    const at = rest.lastIndexOf("/");
    const path = arn ? `/${rest.slice(0, at + 1)}` : undefined;
    const name = rest.slice(at + 1);
    const wildPath = path !== undefined && /[*?]/.test(path);
    if (path !== undefined && !wildPath && path.toLowerCase().startsWith(AGENT_PATH)) return `path ${path} in ${literal} (the path the guardrail SCPs treat as agents)`;
    if (wildPath && globsIntersect(path!.toLowerCase(), `${AGENT_PATH}*`)) return `${literal} may be under the path ${AGENT_PATH} (the path the guardrail SCPs treat as agents): part of it is known only at apply time`;
    const wildName = /[*?]/.test(name);
    const hit = names.find((g) => (wildPath ? true : wildName ? globsIntersect(g, name, { caseInsensitive: true }) : globMatch(g, name, { caseInsensitive: true })));
    if (hit === undefined) return undefined;
    return wildPath || wildName ? `config agents.names "${hit}" may match the ${kind} ${literal}, part of which is known only at apply time` : `config agents.names "${hit}" matches the ${kind} name "${name}"`;
  };
  const configured: OutsideAgentTest = (kind, literal) => {
    const reason = byConfig(kind, literal);
    return reason === undefined ? undefined : { reason };
  };
  if (peers.length === 0) return (kind, literal, accounts, peersOnly) => (peersOnly ? undefined : configured(kind, literal));
  const peer = peerMatcher(peers);
  return (kind, literal, accounts, peersOnly) => {
    if (peersOnly) return peer(kind, literal, accounts, peersOnly);
    const mine = configured(kind, literal);
    const theirs = peer(kind, literal, accounts);
    if (mine === undefined || theirs?.peer === undefined) return mine ?? theirs;
    // An agent by the config that may be another stack's principal an agent can act as: an agent here, which no other
    // stack counts as one, so this stack does.
    if (theirs.peer.reached) return mine;
    // An agent by the config and an agent of another stack checked: that stack counts it, and names it.
    return { reason: `${mine.reason}; ${theirs.reason}`, peer: theirs.peer };
  };
}

/** Lower case, any partition: how the stacks' ARN patterns compare. */
const normaliseArn = (arn: string) => arn.toLowerCase().replace(/^arn:[^:]*:/, "arn:*:");
const afterAccount = (arn: string) => arn.replace(/^arn:[^:]*:iam::[^:]*:/, "");

/** A run of many stacks builds a matcher per stack and round over the same peers. */
const preparedPeers = new WeakMap<PeerAgent, PreparedPeer>();

function prepared(peer: PeerAgent): PreparedPeer {
  let x = preparedPeers.get(peer);
  if (x === undefined) {
    const pattern = normaliseArn(peer.arnPattern);
    const name = pattern.slice(pattern.lastIndexOf("/") + 1);
    x = { peer, pattern, name, key: `${peer.kind}:${name}`, wild: /[*?]/.test(name), account: /^arn:[^:]*:iam::(\d{12}):/.exec(pattern)?.[1], start: knownStart(pattern), nameStart: knownStart(name) };
    preparedPeers.set(peer, x);
  }
  return x;
}

interface PreparedPeer {
  readonly peer: PeerAgent;
  readonly pattern: string;
  /** The name, after the last `/`, lower case. */
  readonly name: string;
  /** `role:name`, how the matcher indexes it. */
  readonly key: string;
  /** Whether the name has a part known only at apply time. */
  readonly wild: boolean;
  /** The account its stack is pinned to, when it is. */
  readonly account?: string;  /** What is known of it after the account, up to its first wildcard (see `knownStart`). */
  readonly start: string | undefined;
  /** The same of its name. */
  readonly nameStart: string | undefined;
}

/**
 * The literal start of an ARN pattern after its fifth colon (`role/team/r5_` of `arn:*:iam::*:role/team/r5_*`), or of
 * a bare name: two patterns meet only if one's start begins the other's. The wildcards before that colon stay within
 * their segments (see glob.ts), so the segments after it meet on their own. Undefined for an ARN pattern of fewer
 * segments, whose wildcards may span them.
 */
function knownStart(pattern: string): string | undefined {
  let rest = pattern;
  if (pattern.startsWith("arn:")) {
    const head = /^arn(?::[^:]*){4}:/.exec(pattern);
    if (!head) return undefined;
    rest = pattern.slice(head[0].length);
  }
  const open = rest.search(/[*?]/);
  return open < 0 ? rest : rest.slice(0, open);
}

/**
 * Which agent of another stack checked in the same run `literal` (an ARN pattern, or a bare name, which names a
 * principal of the account its naming resource's provider is pinned to, `accounts`, when known) may name, and why.
 * IAM names are unique regardless of case, so case is ignored; a part known only at apply time on either side may be
 * it (fail closed), as a trust naming such an ARN may name an agent of its own stack. An agent whose name is unknown
 * altogether (none given, a variable) is matched by nothing: any role of any stack would match it, and a reference
 * to it resolves to a pattern no different from that of any other unnamed role. Indexed by name: a run of many stacks
 * has many agents and many mentions.
 */
export function peerMatcher(peers: readonly PeerAgent[]): OutsideAgentTest {
  const byName = new Map<string, PreparedPeer[]>();
  const wild: PreparedPeer[] = [];
  const all = peers.map(prepared).filter((x) => x.name !== "*");
  // The report names the first match by stack and address; a peer's place in that order lets candidates from the
  // indexes below be visited in it, so the search stops once what the answer says is settled. Ranked when first
  // needed: most mentions have one candidate or none.
  let rank: Map<PreparedPeer, number> | undefined;
  const rankOf = (x: PreparedPeer): number => {
    rank ??= new Map([...all].sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0)).map((y, i) => [y, i]));
    return rank.get(x)!;
  };
  for (const x of all) {
    if (x.wild) wild.push(x);
    else {
      const list = byName.get(x.key);
      if (list) list.push(x);
      else byName.set(x.key, [x]);
    }
  }
  // By name, for names known only in part (`r5_*`): those that start with the known part. Many stacks each ask
  // about such names at every judgement.
  let sorted: PreparedPeer[] | undefined;
  const startingWith = (prefix: string): PreparedPeer[] => {
    sorted ??= [...byName.values()].flat().sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid].name < prefix) lo = mid + 1;
      else hi = mid;
    }
    const out: PreparedPeer[] = [];
    for (let i = lo; i < sorted.length && sorted[i].name.startsWith(prefix); i++) out.push(sorted[i]);
    return out;
  };
  return (kind, literal, accounts, only) => {
    const pinnedTo = typeof only === "object" ? only.pinnedTo : undefined;
    const wanted = literal.startsWith("arn:") ? normaliseArn(literal) : undefined;
    if (wanted === undefined && literal.includes("/")) return undefined;
    const name = (wanted ?? literal.toLowerCase()).slice((wanted ?? "").lastIndexOf("/") + 1);
    const open = name.search(/[*?]/);
    // A wild peer can meet the literal only when the known starts of the two agree: many stacks' names are known
    // only in part (`name_prefix`), and the full test of each against every mention is what a large run spends.
    const head = wanted !== undefined ? knownStart(wanted) : knownStart(name);
    const wilds = wild.filter((x) => {
      const theirs = wanted !== undefined ? x.start : x.nameStart;
      return head === undefined || theirs === undefined || head.startsWith(theirs) || theirs.startsWith(head);
    });
    const candidates = open >= 0 ? [...startingWith(name.slice(0, open)), ...wilds] : [...(byName.get(`${kind}:${name}`) ?? []), ...wilds];
    if (candidates.length > 1) candidates.sort((x, y) => rankOf(x) - rankOf(y));
    // An agent itself before a principal an agent can act as: the report names the agent when it may be either.
    let agent: PreparedPeer | undefined;
    let reached: PreparedPeer | undefined;
    let hits = 0;
    // The agents behind the matches: one, however many principals it reaches, or several.
    const roots = new Set<string>();
    for (const x of candidates) {
      // In the report's order, the first agent is the one named; past it and a second match of another agent,
      // nothing further changes the answer (which says only "one" or "several").
      if (agent !== undefined && hits > 1 && roots.size > 1) break;
      if (x.peer.kind !== kind || (pinnedTo !== undefined && x.account !== pinnedTo)) continue;
      // A bare name names a principal of the naming resource's account: not the agent, when every account it may be in is another.
      const elsewhere = accounts !== undefined && accounts.length > 0 && x.account !== undefined && accounts.every((a) => a !== undefined && a !== x.account);
      if (wanted !== undefined ? !globsIntersect(wanted, x.pattern) : !globsIntersect(name, x.name) || elsewhere) continue;
      hits++;
      if (x.peer.actsFor === undefined) agent ??= x;
      else reached ??= x;
      // A match's own "or another agent" is not passed on: two stacks whose names may be each other's would pass it
      // back and forth, and the agents behind a name are those of its matches.
      roots.add(agentOf(x.peer));
    }
    const x = agent ?? reached;
    if (x === undefined) return undefined;
    // Certain only when the path and name are literal on both sides and so is the account; an account left open on
    // either side is the usual case (a stack's own ARNs leave it open), and pinning both stacks tells them apart.
    const named = !/[*?]/.test(wanted !== undefined ? afterAccount(wanted) : name) && !/[*?]/.test(wanted !== undefined ? afterAccount(x.pattern) : x.name);
    const account = wanted !== undefined ? /^arn:[^:]*:iam::(\d{12}):/.exec(wanted)?.[1] : accounts?.length === 1 ? accounts[0] : undefined;
    const certain = named && hits === 1 && account !== undefined && account === x.account;
    const pin = named && !certain ? " (set allowed_account_ids on both stacks' aws providers to tell their accounts apart)" : "";
    const is = `${x.peer.address} of stack ${x.peer.stack}`;
    // A name known only at apply time may be any of several principals of the stacks: the report names one and says so.
    const others = hits > 1 ? `; it may as well be another principal of the stacks checked: its name is known only at apply time` : "";
    const reason = `${certain ? "it is" : "it may be"} ${is}, ${x.peer.reason}${pin}${others}`;
    const root = agentOf(x.peer);
    return { reason, peer: { is, agent: roots.size > 1 ? `${root}${SEVERAL}` : root, reached: x.peer.actsFor !== undefined, ...(x.account !== undefined && { account: x.account }), ...(hits === 1 && { entry: x.peer }) } };
  };
}

function before(x: PreparedPeer, y: PreparedPeer): boolean {
  return x.peer.stack < y.peer.stack || (x.peer.stack === y.peer.stack && x.peer.address < y.peer.address);
}

/** After an agent's noun: the principal may be that of another agent too. */
export const SEVERAL = " or another agent of the stacks checked";

/** The agent a principal of another stack is, or that can act as it, as a noun (without "or another agent"). */
export function agentOf(peer: PeerAgent): string {
  const noun = peer.actsFor ?? `the AI agent ${peer.address} of stack ${peer.stack}`;
  return noun.endsWith(SEVERAL) ? noun.slice(0, -SEVERAL.length) : noun;
}
