/**
 * AI agents outside the stack. Agents often live in another stack than the roles they use: a deploy role whose trust
 * names `arn:aws:iam::…:role/agents/coder`, a policy attached by name to `ai-helper`, a key made for user `ai-bot`.
 * The stack shows only what it gives them, and that is what they are judged on.
 *
 * Mentions are gathered first and decided once all are in: a policy attached by the bare name `coder` belongs to
 * the agent a trust elsewhere in the stack names as `role/agents/coder`, which the name alone does not show.
 */
import type { AttachedPolicy, PeerMatch, PrincipalKind } from "../analysis-types";
import { globsIntersect } from "../iam/glob";

export type OutsideKind = Exclude<PrincipalKind, "group" | "permission-set">;

/**
 * Whether a principal outside the stack, known by an ARN (pattern) or a bare name, is an AI agent: why (for the
 * report), and whether it is another checked stack's principal; undefined if not an agent.
 */
export type OutsideAgentTest = (
  kind: OutsideKind,
  literal: string,
  accounts?: readonly (string | undefined)[],
  /**
   * Ask only whether it is another checked stack's principal (not what the config or the path say of it); with
   * `pinnedTo`, one of a stack pinned to that account.
   */
  peersOnly?: boolean | { readonly pinnedTo: string },
) => OutsideVerdict | undefined;

export interface OutsideVerdict {
  readonly reason: string;
  readonly peer?: PeerMatch;
}

/** An agent outside the stack, as the rules see it (collect.ts turns it into a principal). */
export interface OutsideAgent {
  readonly kind: OutsideKind;
  /** `outside:` and the ARN as named (`{computed}` where a part is known only at apply), or `outside:role/NAME`. */
  readonly address: string;
  readonly name: string;
  /** The ARN pattern: account and path when an ARN gave them, else any account and the path `/`. */
  readonly arnPattern: string;
  readonly reason: string;
  readonly peer?: PeerMatch;
  readonly identity: readonly AttachedPolicy[];
  /** Where the stack names it: trust and resource policies, attachments, credentials. */
  readonly mentions: readonly string[];
}

export const OUTSIDE_PREFIX = "outside:";

const ARN = /^arn:([^:]*):iam::([^:]*):(role|user)\/(.*)$/;
const SESSION = /^arn:([^:]*):sts::([^:]*):assumed-role\/([^/]+)\/.+$/;

interface Named {
  readonly kind: OutsideKind;
  readonly name: string;
  readonly identity: AttachedPolicy[];
  readonly mentions: string[];
  /** The accounts the naming resources' providers are pinned to (undefined: not pinned). */
  readonly accounts: (string | undefined)[];
}

interface ArnMention {
  readonly kind: OutsideKind;
  readonly pattern: string;
  readonly mentions: string[];
  /**
   * Named by a role session (`assumed-role/NAME/SESSION`): such an ARN carries no path, so the role it names may sit
   * at any path.
   */
  session: boolean;
}

/** What the collector knows of the stack's own principals, to tell them apart from outsiders. */
export interface InStackPrincipal {
  readonly kind: PrincipalKind;
  readonly arnPattern: string;
  readonly nameExact: boolean;
  /** Why it is an AI agent, when it is one. */
  readonly agentReason?: string;
}

/**
 * A literal ARN read as one of the stack's own principals (not an agent) that another checked stack's agent, or a
 * principal such an agent can act as, has the name of, where neither stack's provider is pinned to an account: which
 * of the two it names depends on the account this stack deploys to, which blastwall cannot see.
 */
export interface AmbiguousMention {
  /** `outside:` and the ARN, as the principal would be addressed were it the other stack's. */
  readonly address: string;
  readonly arn: string;
  readonly kind: OutsideKind;
  /** Where the stack names it (trust and resource policies). */
  readonly mentions: readonly string[];
  /** Why it may be the other stack's principal (which one, and why that is an agent). */
  readonly reason: string;
  readonly peer: PeerMatch;
}

export class OutsideMentions {
  private readonly names = new Map<string, Named>();
  private readonly arns = new Map<string, ArnMention>();
  /** Filled by `agents`: see `AmbiguousMention`. */
  readonly ambiguous: AmbiguousMention[] = [];

  constructor(
    private readonly isAgent: OutsideAgentTest,
    /** The account the stack's provider is pinned to, when it is. */
    private readonly account: string | undefined,
    /** Principal ARNs the stack read from other stacks' outputs (lower case): never its own principals. */
    private readonly foreign: () => ReadonlySet<string> | undefined = () => undefined,
  ) {}

  /** A policy this stack attaches to a principal outside it, named by `literal` (a name, or an ARN). */
  attach(kind: OutsideKind, literal: string, policy: AttachedPolicy | undefined, holder: string, account?: string): void {
    const arn = ARN.exec(literal);
    if (arn && arn[3] === kind) this.named(kind, literal, holder);
    const name = arn && arn[3] === kind ? lastSegment(arn[4]) : literal;
    const key = `${kind}:${name.toLowerCase()}`;
    let n = this.names.get(key);
    if (!n) this.names.set(key, (n = { kind, name, identity: [], mentions: [], accounts: [] }));
    if (policy) n.identity.push(policy);
    n.mentions.push(holder);
    n.accounts.push(account);
  }

  /** An ARN (or pattern) a trust or resource policy names: a role session counts as its role. */
  named(kind: OutsideKind | undefined, identifier: string, holder: string): void {
    // Most identifiers are plain ARNs: the session expression only runs where it may match.
    const session = identifier.includes(":assumed-role/") ? SESSION.exec(identifier) : null;
    const pattern = session ? `arn:${session[1]}:iam::${session[2]}:role/${session[3]}` : identifier;
    const arnKind = kindOfArn(pattern);
    if (arnKind === undefined || (kind !== undefined && arnKind !== kind)) return;
    const key = normalise(pattern);
    let m = this.arns.get(key);
    if (!m) this.arns.set(key, (m = { kind: arnKind, pattern, mentions: [], session: false }));
    if (session) m.session = true;
    m.mentions.push(holder);
  }

  /** The agents among the principals mentioned that are not the stack's own. */
  agents(principals: readonly InStackPrincipal[]): OutsideAgent[] {
    const out = new Map<string, OutsideAgent & { identity: AttachedPolicy[]; mentions: string[] }>();
    if (this.arns.size === 0 && this.names.size === 0) return [];
    const inStack = new InStack(principals);
    for (const [key, m] of this.arns) {
      const arn = ARN.exec(m.pattern)!;
      let verdict: OutsideVerdict | undefined;
      const read = this.foreign()?.has(m.pattern.toLowerCase()) === true;
      if (!read && (this.isInStack(m.kind, m.pattern, inStack) || (m.session && this.isInStack(m.kind, m.pattern, inStack, lastSegment(arn[4]))))) {
        // A stack whose account is not pinned reads a literal account's ARN of its own role's name as that role. A
        // role of that name that another checked stack, pinned to that account, makes there is it instead: one
        // account holds one role of a name. (Two unpinned stacks with roles of one name, dev and prod, each writing
        // its own account, are each other's business only once pinned.)
        if (this.account !== undefined || !/^\d{12}$/.test(arn[2])) continue;
        const there = { pinnedTo: arn[2] };
        verdict = this.isAgent(m.kind, m.pattern, undefined, there) ?? (m.session ? this.isAgent(m.kind, anyPath(m.pattern), undefined, there) : undefined);
        // Another stack, not pinned either, whose agent has this name: it is that agent if this stack deploys to another
        // account than the ARN names. Not an agent of this stack's own, and not counted as one here: said, as a warning.
        if (verdict === undefined && !this.ownAgent(m.kind, m.pattern, inStack, m.session ? lastSegment(arn[4]) : undefined)) {
          const loose = this.isAgent(m.kind, m.pattern, undefined, true) ?? (m.session ? this.isAgent(m.kind, anyPath(m.pattern), undefined, true) : undefined);
          // (A stack pinned to another account writes that account into its principals' ARNs: it does not match.)
          if (loose?.peer !== undefined) {
            this.ambiguous.push({ address: `${OUTSIDE_PREFIX}${shown(m.pattern)}`, arn: m.pattern, kind: m.kind, mentions: [...m.mentions], reason: loose.reason, peer: loose.peer });
          }
        }
      } else {
        // The role a session names may sit at any path: another checked stack's role of that name is it. A path the
        // session leaves open is not read as possibly /agents/, or every session would be an agent.
        verdict = this.isAgent(m.kind, m.pattern) ?? (m.session ? this.isAgent(m.kind, anyPath(m.pattern), undefined, true) : undefined);
      }
      if (verdict === undefined) continue;
      out.set(key, { kind: m.kind, address: `${OUTSIDE_PREFIX}${shown(m.pattern)}`, name: lastSegment(arn[4]), arnPattern: m.pattern, ...verdict, identity: [], mentions: [...m.mentions] });
    }
    for (const n of this.names.values()) {
      if (this.isInStack(n.kind, `arn:aws:iam::*:${n.kind}/*${n.name}`, inStack, n.name)) continue;
      // A bare name in this stack names a principal of the stack's account: the agents named by ARN there it may be.
      const same = [...out.values()].filter((o) => o.kind === n.kind && this.mayBeThisAccount(o.arnPattern) && globsIntersect(lastSegment(ARN.exec(o.arnPattern)![4]), n.name, { caseInsensitive: true }));
      if (same.length > 0) {
        for (const o of same) {
          o.identity.push(...n.identity);
          o.mentions.push(...n.mentions);
        }
        continue;
      }
      const verdict = this.isAgent(n.kind, n.name, n.accounts);
      if (verdict === undefined) continue;
      out.set(`name:${n.kind}:${n.name.toLowerCase()}`, {
        kind: n.kind,
        address: `${OUTSIDE_PREFIX}${n.kind}/${n.name}`,
        name: n.name,
        arnPattern: `arn:aws:iam::${this.account ?? "*"}:${n.kind}/${n.name}`,
        ...verdict,
        identity: [...n.identity],
        mentions: [...n.mentions],
      });
    }
    return [...out.values()];
  }

  /**
   * Whether the mention is one of the stack's own principals: one with an exact name at the same path (and, when
   * both are known, in the same account). A principal whose name is computed may or may not be it; the outsider is
   * kept then, which at worst reports one agent twice.
   */
  private isInStack(kind: OutsideKind, pattern: string, inStack: InStack, bareName?: string): boolean {
    if (!this.mayBeThisAccount(pattern)) return false;
    // A bare name: one of the stack's principals with that exact name. An ARN: the very pattern of one of them (with a
    // computed name too), which is what a reference to it resolves to.
    return bareName !== undefined ? inStack.names.has(`${kind}:${bareName.toLowerCase()}`) : inStack.patterns.has(`${kind}:${normaliseAccountless(pattern)}`);
  }

  /** Whether the stack's own principal the mention is read as is an agent itself (then nothing hides behind it). */
  private ownAgent(kind: OutsideKind, pattern: string, inStack: InStack, bareName?: string): boolean {
    return inStack.agents.has(`${kind}:${normaliseAccountless(pattern)}`) || (bareName !== undefined && inStack.agentNames.has(`${kind}:${bareName.toLowerCase()}`));
  }

  private mayBeThisAccount(pattern: string): boolean {
    if (this.account === undefined) return true;
    const account = ARN.exec(pattern)?.[2] ?? "*";
    return globsIntersect(account, this.account);
  }
}

/** The stack's own principals, by exact name and by ARN pattern (account left out), per kind. */
class InStack {
  readonly names = new Set<string>();
  readonly patterns = new Set<string>();
  /** The same, of the stack's own agents only. */
  readonly agentNames = new Set<string>();
  readonly agents = new Set<string>();
  constructor(principals: readonly InStackPrincipal[]) {
    for (const p of principals) {
      const pattern = `${p.kind}:${normaliseAccountless(p.arnPattern)}`;
      const name = p.nameExact ? `${p.kind}:${lastSegment(ARN.exec(p.arnPattern)?.[4] ?? "").toLowerCase()}` : undefined;
      this.patterns.add(pattern);
      if (name !== undefined) this.names.add(name);
      if (p.agentReason === undefined) continue;
      this.agents.add(pattern);
      if (name !== undefined) this.agentNames.add(name);
    }
  }
}

/**
 * The role a session names, at any path below the root: `…:role/PATH/NAME`. Asked after `…:role/NAME` itself, since
 * one glob cannot say both.
 */
function anyPath(pattern: string): string {
  const at = pattern.lastIndexOf("/");
  return `${pattern.slice(0, at)}/*${pattern.slice(at)}`;
}

/**
 * `ARN.exec(arn)?.[3]`, without the match: the trusts of a large stack name thousands of ARNs, and each is asked. A
 * scan of the same grammar: `arn:`, a partition and an account without colons around `iam::`, then `role/` or `user/`
 * and a rest with no line terminator (what `.*$` admits).
 */
function kindOfArn(arn: string): OutsideKind | undefined {
  if (!arn.startsWith("arn:")) return undefined;
  const partitionEnd = arn.indexOf(":", 4);
  if (partitionEnd < 0 || !arn.startsWith("iam::", partitionEnd + 1)) return undefined;
  const accountEnd = arn.indexOf(":", partitionEnd + 6);
  if (accountEnd < 0) return undefined;
  const kind = arn.startsWith("role/", accountEnd + 1) ? "role" : arn.startsWith("user/", accountEnd + 1) ? "user" : undefined;
  if (kind === undefined) return undefined;
  for (let i = accountEnd + 6; i < arn.length; i++) {
    const c = arn.charCodeAt(i);
    if (c === 10 || c === 13 || c === 0x2028 || c === 0x2029) return undefined;
  }
  return kind;
}

function lastSegment(rest: string): string {
  return rest.slice(rest.lastIndexOf("/") + 1);
}

// Both normalisations run for every principal and mention of a stack: string scans, not regular expressions.

/** Lower case, any partition: how two mentions of one principal compare (`^arn:[^:]*:` → `arn:*:`). */
function normalise(arn: string): string {
  const lower = arn.toLowerCase();
  if (!lower.startsWith("arn:")) return lower;
  const colon = lower.indexOf(":", 4);
  return colon < 0 ? lower : `arn:*:${lower.slice(colon + 1)}`;
}

/** Lower case, any partition and account (`^arn:[^:]*:iam::[^:]*:` → `arn:*:iam::*:`). */
function normaliseAccountless(arn: string): string {
  const lower = arn.toLowerCase();
  if (!lower.startsWith("arn:")) return lower;
  const partitionEnd = lower.indexOf(":", 4);
  if (partitionEnd < 0 || !lower.startsWith("iam::", partitionEnd + 1)) return lower;
  const accountEnd = lower.indexOf(":", partitionEnd + 6);
  return accountEnd < 0 ? lower : `arn:*:iam::*:${lower.slice(accountEnd + 1)}`;
}

/** An ARN pattern as a reader sees it: a part known only at apply time is `{computed}` (and `*` is never in an address an acknowledgement must name). */
function shown(pattern: string): string {
  return pattern.replace(/[*?]+/g, "{computed}");
}
