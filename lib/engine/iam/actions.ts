/**
 * The action universe: the finite list of actions the analysis cares about (the destroy-rights catalogue and
 * whatever else the caller adds). Every pattern is evaluated against it once and the answer, a list of
 * indices, is cached per pattern string: stacks with hundreds of principals repeat the same few hundred
 * patterns, so the hot path is a Map lookup instead of a regex over the universe.
 */
import { globMatch, hasWildcard } from "./glob";

/** A set of universe actions, as sorted indices plus O(1) membership. */
export class ActionSet {
  /** True when the set is the whole universe (`*`, or an Allow that cannot be read). */
  readonly isAll: boolean;
  private mask: Uint8Array | undefined;

  constructor(
    readonly indices: readonly number[],
    private readonly universeSize: number,
  ) {
    this.isAll = indices.length === universeSize;
  }

  get size(): number {
    return this.indices.length;
  }

  has(index: number): boolean {
    if (this.isAll) return index >= 0 && index < this.universeSize;
    // Built on first use: many sets are only iterated, never probed.
    return (this.mask ??= this.buildMask())[index] === 1;
  }

  private buildMask(): Uint8Array {
    const mask = new Uint8Array(this.universeSize);
    for (const i of this.indices) mask[i] = 1;
    return mask;
  }

  /** Does this set share an action with `other`? */
  overlaps(other: ActionSet): boolean {
    if (this.size === 0 || other.size === 0) return false;
    if (this.isAll || other.isAll) return true;
    const [small, big] = this.size <= other.size ? [this, other] : [other, this];
    return small.indices.some((i) => big.has(i));
  }
}

/** Pattern lists up to this long are looked up by their joined text alone (see `cachedSet`). */
const SHORT_LIST = 4;

export class ActionUniverse {
  /** Canonical names, e.g. `ec2:DeleteVolume`. */
  readonly names: readonly string[];
  private readonly lower: readonly string[];
  private readonly byLower = new Map<string, number>();
  /** Indices per lower-case service prefix: a pattern with a literal service only scans that service. */
  private readonly byService = new Map<string, number[]>();
  private readonly all: readonly number[];
  private readonly patternCache = new Map<string, readonly number[]>();
  private readonly setCache = new Map<string, ActionSet>();
  readonly empty: ActionSet;
  readonly everything: ActionSet;

  constructor(actions: readonly string[]) {
    const names: string[] = [];
    const lower: string[] = [];
    for (const a of actions) {
      const l = a.toLowerCase();
      if (this.byLower.has(l)) continue; // the same action twice, perhaps in another case
      this.byLower.set(l, names.length);
      const service = l.slice(0, Math.max(0, l.indexOf(":")));
      let list = this.byService.get(service);
      if (!list) this.byService.set(service, (list = []));
      list.push(names.length);
      names.push(a);
      lower.push(l);
    }
    this.names = names;
    this.lower = lower;
    this.all = names.map((_, i) => i);
    this.empty = new ActionSet([], names.length);
    this.everything = new ActionSet(this.all, names.length);
  }

  get size(): number {
    return this.names.length;
  }

  /** Index of an action (any case), or undefined when it is not in the universe. */
  indexOf(action: string): number | undefined {
    return this.byLower.get(action.toLowerCase());
  }

  name(index: number): string {
    return this.names[index];
  }

  lowerName(index: number): string {
    return this.lower[index];
  }

  /**
   * Indices of the universe actions a pattern matches (case-insensitive, `*` and `?` anywhere, a wildcard in
   * the service prefix matches every service: the fail-closed reading of `*:Delete*`).
   */
  matching(pattern: string): readonly number[] {
    const hit = this.patternCache.get(pattern);
    if (hit) return hit;
    const result = this.computeMatching(pattern.toLowerCase());
    this.patternCache.set(pattern, result);
    return result;
  }

  private computeMatching(p: string): readonly number[] {
    if (p === "*") return this.all;
    if (!hasWildcard(p)) {
      const i = this.byLower.get(p);
      return i === undefined ? [] : [i];
    }
    const colon = p.indexOf(":");
    const service = colon < 0 ? undefined : p.slice(0, colon);
    const candidates = service !== undefined && !hasWildcard(service) ? (this.byService.get(service) ?? []) : this.all;
    return candidates.filter((i) => globMatch(p, this.lower[i], { caseInsensitive: true }));
  }

  /** Union over Action patterns. */
  actionSet(patterns: readonly string[]): ActionSet {
    return this.cachedSet("+", patterns, () => {
      if (patterns.length === 1) return this.matching(patterns[0]);
      const mark = new Uint8Array(this.size);
      for (const p of patterns) for (const i of this.matching(p)) mark[i] = 1;
      return this.all.filter((i) => mark[i] === 1);
    });
  }

  /** Complement over NotAction patterns: every universe action none of them matches. */
  notActionSet(patterns: readonly string[]): ActionSet {
    return this.cachedSet("-", patterns, () => {
      const mark = new Uint8Array(this.size);
      for (const p of patterns) for (const i of this.matching(p)) mark[i] = 1;
      return this.all.filter((i) => mark[i] === 0);
    });
  }

  /**
   * The actions a statement's Action / NotAction element names. A statement with neither (only possible when
   * built by hand) names none; an Allow that cannot be read is handled by the evaluator, not here.
   */
  statementActions(s: { readonly actions?: readonly string[]; readonly notActions?: readonly string[] }): ActionSet {
    if (s.actions) return this.actionSet(s.actions);
    if (s.notActions) return this.notActionSet(s.notActions);
    return this.empty;
  }

  private cachedSet(kind: "+" | "-", patterns: readonly string[], compute: () => readonly number[]): ActionSet {
    // A document attached to many principals hands each the same pattern array: look that up before joining
    // (managed policies carry hundreds of patterns).
    const byArray = kind === "+" ? this.byActionArray : this.byNotActionArray;
    let set = byArray.get(patterns);
    if (set) return set;
    const key = kind + patterns.join("\n");
    set = this.setCache.get(key);
    if (!set) {
      const indices = compute();
      set = indices.length === this.size ? this.everything : new ActionSet(indices, this.size);
      this.setCache.set(key, set);
    }
    // Only long lists are worth a WeakMap entry: a short one (most inline statements, each read once) joins for less.
    if (patterns.length > SHORT_LIST) byArray.set(patterns, set);
    return set;
  }

  private readonly byActionArray = new WeakMap<readonly string[], ActionSet>();
  private readonly byNotActionArray = new WeakMap<readonly string[], ActionSet>();
}
