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
 * Accounts: the stack's principals live in `account` when its provider is pinned to one, else in an account
 * blastwall does not know. A pattern naming another literal account names none of them; a pattern naming a
 * literal account while the stack's is unknown may name one of them, or a principal of the same name elsewhere.
 */
export class PrincipalIndex {
  private readonly exact = new Map<string, PrincipalNode[]>();
  private readonly computed: PrincipalNode[] = [];

  constructor(
    private readonly nodes: readonly PrincipalNode[],
    readonly kind: PrincipalKind,
    private readonly account?: string,
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
    const part = resourcePart(pattern);
    return part === undefined || hasWildcard(part);
  }

  /** Answers per pattern, shared: every policy naming a role asks again, and each edge family asks more than one question. */
  private readonly answers = new Map<string, { matching?: readonly PrincipalNode[]; outside?: boolean }>();

  private answersFor(pattern: string): { matching?: readonly PrincipalNode[]; outside?: boolean } {
    let a = this.answers.get(pattern);
    if (!a) this.answers.set(pattern, (a = {}));
    return a;
  }

  /** Principals of this kind the pattern may name. */
  matching(pattern: string): readonly PrincipalNode[] {
    const a = this.answersFor(pattern);
    return (a.matching ??= this.search(pattern));
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

  private search(pattern: string): readonly PrincipalNode[] {
    const account = literalAccount(pattern);
    if (account !== undefined && this.account !== undefined && account !== this.account) return [];
    const any = anyPartition(pattern);
    const part = resourcePart(pattern);
    if (part === undefined || hasWildcard(part)) return this.nodes.filter((p) => globsIntersect(any, p.arnPattern, { caseInsensitive: true }));
    const out: PrincipalNode[] = [];
    for (const p of this.exact.get(part.toLowerCase()) ?? []) if (globsIntersect(any, p.arnPattern, { caseInsensitive: true })) out.push(p);
    for (const p of this.computed) if (globsIntersect(any, p.arnPattern, { caseInsensitive: true })) out.push(p);
    return out;
  }

  /**
   * The pattern names a literal account while the stack's account is unknown, and a principal of this stack by its
   * exact name: pinning the provider's account would tell whether the pattern names it. (A name no principal here
   * has is outside the stack whatever the account.)
   */
  unpinnedAccount(pattern: string): boolean {
    const part = resourcePart(pattern);
    return this.account === undefined && literalAccount(pattern) !== undefined && part !== undefined && !hasWildcard(part) && this.exact.has(part.toLowerCase());
  }

  /**
   * Whether the pattern may also name principals that are not in this stack: any wildcard in the name part,
   * or a literal name no principal here has. Those count as possibly granting everything.
   */
  reachesOutside(pattern: string): boolean {
    const a = this.answersFor(pattern);
    return (a.outside ??= this.outside(pattern));
  }

  private outside(pattern: string): boolean {
    const part = resourcePart(pattern);
    if (part === undefined || hasWildcard(part)) return true;
    const typePrefix = `${this.kind}/`;
    if (!part.toLowerCase().startsWith(typePrefix)) return false; // another resource type: names no principal of this kind
    // A literal account other than the stack's, or any literal account while the stack's is not pinned.
    const account = literalAccount(pattern);
    if (account !== undefined && account !== this.account) return true;
    return !this.exact.has(part.toLowerCase());
  }
}
