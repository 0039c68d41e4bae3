import type { PrincipalKind, PrincipalNode } from "../analysis-types";
import { globsIntersect, hasWildcard } from "../iam/glob";

/** The part of an ARN after the fifth colon (`role/agents/a1`), or undefined for a non-ARN pattern. */
function resourcePart(arn: string): string | undefined {
  let i = -1;
  for (let n = 0; n < 5; n++) {
    i = arn.indexOf(":", i + 1);
    if (i < 0) return undefined;
  }
  return arn.slice(i + 1);
}

/** Whether the part of an ARN after the fifth colon holds a wildcard, or there is no such part: `resourcePart` without the copy. */
function wideResourcePart(arn: string): boolean {
  let i = -1;
  for (let n = 0; n < 5; n++) {
    i = arn.indexOf(":", i + 1);
    if (i < 0) return true;
  }
  for (let k = i + 1; k < arn.length; k++) {
    const c = arn.charCodeAt(k);
    if (c === STAR || c === ONE) return true;
  }
  return false;
}

const STAR = 42;
const ONE = 63;

/** The literal 12-digit account of an ARN pattern, if it has one. */
function literalAccount(arn: string): string | undefined {
  const m = /^arn:[^:]*:[^:]*:[^:]*:(\d{12}):/.exec(arn);
  return m ? m[1] : undefined;
}

/** The pattern with any partition (`aws`, `aws-us-gov`, `aws-cn`): the stack's principals may live in any of them. */
function anyPartition(arn: string): string {
  return arn.startsWith("arn:") ? arn.replace(/^arn:[^:]*:/, "arn:*:") : arn;
}

/**
 * Finds the principals a resource pattern may name without testing every principal: patterns with a literal
 * `role/path/name` part are looked up; only wildcard patterns scan. Keeps reach linear in principals + edges.
 *
 * Accounts: each principal lives in the account its own provider is pinned to (`accountOf`), else in an account
 * blastwall does not know. A pattern naming a literal account names those of the first kind pinned to it and those
 * of the second, and is in the stack only where a principal of its exact name is pinned to that account; else it
 * may name a principal of the same name elsewhere (red-team round 90: one account for the whole stack, the default
 * provider's, read a literal ARN in an alias's account as outside the stack, and one in the default's account as a
 * role of that name that an alias puts in another).
 */
export class PrincipalIndex {
  private readonly exact = new Map<string, PrincipalNode[]>();
  private readonly computed: PrincipalNode[] = [];

  constructor(
    private readonly nodes: readonly PrincipalNode[],
    readonly kind: PrincipalKind,
    private readonly accountOf: (p: PrincipalNode) => string | undefined = () => undefined,
  ) {
    for (const p of nodes) {
      const part = resourcePart(p.arnPattern);
      if (part === undefined || hasWildcard(part)) this.computed.push(p);
      else {
        const key = part.toLowerCase();
        const list = this.exact.get(key);
        if (list) list.push(p);
        else this.exact.set(key, [p]);
      }
    }
  }

  /** True when `matching` would have to test every principal (a wildcard in the name part). */
  isWide(pattern: string): boolean {
    return wideResourcePart(pattern);
  }

  /**
   * Answers per pattern, shared: every policy naming a role asks again, and each edge family asks more than one
   * question. One map per question, so an answer costs no object of its own.
   */
  private readonly matches = new Map<string, readonly PrincipalNode[]>();
  private readonly outsides = new Map<string, boolean>();

  /** Principals of this kind the pattern may name. */
  matching(pattern: string): readonly PrincipalNode[] {
    let m = this.matches.get(pattern);
    if (m === undefined) this.matches.set(pattern, (m = this.search(pattern)));
    return m;
  }

  /**
   * The principals a literal ARN (no wildcard in its name part) names for certain: those whose name is exactly the
   * one written. A principal whose name is computed (`role/*`, a `name_prefix` read as `role/etl-*`) only may be
   * the one named, and the ARN may as well name one outside the stack (red-team round 68).
   */
  namedExactly(arn: string): readonly PrincipalNode[] {
    const part = resourcePart(arn);
    if (part === undefined || hasWildcard(part)) return [];
    const key = part.toLowerCase();
    return this.matching(arn).filter((p) => resourcePart(p.arnPattern)?.toLowerCase() === key);
  }

  private byName: Map<string, PrincipalNode[]> | undefined;

  /**
   * The principals whose literal name is `name` (IAM compares names without case), whatever their path: a bare name
   * (an instance profile's `role`, an instance's `iam_instance_profile`) names the one principal of that name in the
   * account, at `/agents/` as much as at `/`. A principal whose name is computed only may be it, and is left out.
   */
  namedBare(name: string): readonly PrincipalNode[] {
    if (this.byName === undefined) {
      this.byName = new Map();
      for (const p of this.nodes) {
        if (hasWildcard(p.name)) continue;
        const key = p.name.toLowerCase();
        const list = this.byName.get(key);
        if (list) list.push(p);
        else this.byName.set(key, [p]);
      }
    }
    return this.byName.get(name.toLowerCase()) ?? [];
  }

  /** Whether `p` may sit in the account `account` (a literal one, or undefined for any). */
  maySitIn(p: PrincipalNode, account: string | undefined): boolean {
    if (account === undefined) return true;
    const mine = this.accountOf(p);
    return mine === undefined || mine === account;
  }

  private search(pattern: string): readonly PrincipalNode[] {
    const account = literalAccount(pattern);
    const any = anyPartition(pattern);
    const part = resourcePart(pattern);
    const names = (p: PrincipalNode) => this.maySitIn(p, account) && globsIntersect(any, p.arnPattern, { caseInsensitive: true });
    if (part === undefined || hasWildcard(part)) return this.nodes.filter(names);
    const out: PrincipalNode[] = [];
    for (const p of this.exact.get(part.toLowerCase()) ?? []) if (names(p)) out.push(p);
    for (const p of this.computed) if (names(p)) out.push(p);
    return out;
  }

  /**
   * The pattern names a literal account, and a principal of this stack by its exact name whose provider's account is
   * unknown: pinning that provider's account would tell whether the pattern names it. (A name no principal here has
   * is outside the stack whatever the account.)
   */
  unpinnedAccount(pattern: string): boolean {
    const part = resourcePart(pattern);
    if (literalAccount(pattern) === undefined || part === undefined || hasWildcard(part)) return false;
    return (this.exact.get(part.toLowerCase()) ?? []).some((p) => this.accountOf(p) === undefined);
  }

  /**
   * Whether the pattern may also name principals that are not in this stack: any wildcard in the name part,
   * or a literal name no principal here has. Those count as possibly granting everything.
   */
  reachesOutside(pattern: string): boolean {
    let o = this.outsides.get(pattern);
    if (o === undefined) this.outsides.set(pattern, (o = this.outside(pattern)));
    return o;
  }

  private outside(pattern: string): boolean {
    const part = resourcePart(pattern);
    if (part === undefined || hasWildcard(part)) return true;
    const typePrefix = `${this.kind}/`;
    if (!part.toLowerCase().startsWith(typePrefix)) return false; // another resource type: names no principal of this kind
    // A literal account: in the stack only where a principal of that name is pinned to it.
    const account = literalAccount(pattern);
    const named = this.exact.get(part.toLowerCase()) ?? [];
    return account === undefined ? named.length === 0 : !named.some((p) => this.accountOf(p) === account);
  }
}
