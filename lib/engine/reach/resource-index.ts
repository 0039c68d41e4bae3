import type { TfResource, TfStack } from "../terraform/types";
import { globsIntersect } from "../iam/glob";
import type { Grant, PrincipalNode } from "../analysis-types";
import { attributePattern, referencedResource } from "../terraform/tokens";

/**
 * The resources of some types with their ARN patterns, computed once, and a lookup from a policy's resource
 * pattern to the resources it may name. A pattern that is exactly one resource's ARN pattern came from
 * `${that.arn}` and names that resource alone at apply time; anything else is intersected with every ARN.
 */
export class ResourceIndex {
  private readonly items: { readonly res: TfResource; readonly arn: string }[];
  private readonly byArn = new Map<string, TfResource[]>();

  constructor(
    private readonly stack: TfStack,
    private readonly types: readonly string[],
  ) {
    this.items = types.flatMap((t) => stack.byType.get(t) ?? []).map((res) => ({ res, arn: attributePattern(stack, res, "arn").pattern }));
    for (const { res, arn } of this.items) {
      const l = this.byArn.get(arn);
      if (l) l.push(res);
      else this.byArn.set(arn, [res]);
    }
  }

  get size(): number {
    return this.items.length;
  }

  matching(pattern: string): readonly TfResource[] {
    if (pattern === "*") return this.items.map((i) => i.res);
    const exact = this.exactly(pattern);
    if (exact) return exact;
    return this.items.filter((i) => globsIntersect(pattern, i.arn)).map((i) => i.res);
  }

  /** Whether the pattern may name a resource of these types that is not in the stack. */
  reachesOutside(pattern: string): boolean {
    if (this.exactly(pattern)) return false;
    if (wideName(pattern) || /[*?]/.test(pattern.split(":").slice(5).join(":"))) return true;
    return !this.items.some((i) => globsIntersect(pattern, i.arn));
  }

  /**
   * The resources whose ARN pattern is exactly `pattern` (it came from `${that.arn}`), unless the pattern names every
   * resource of its kind: `*` for a type whose ARN blastwall cannot write (a state machine's, a pipeline's) would
   * otherwise make a grant on `*` reach only the stack's own state machine (red-team round 61).
   */
  private exactly(pattern: string): readonly TfResource[] | undefined {
    return wideName(pattern) ? undefined : this.byArn.get(pattern);
  }

  /**
   * The resources a grant's resource pattern `r` names when every entry of its statement that resolved to `r` was
   * written as a reference to one resource of these types (see `referencedResource`); undefined when any was not (a
   * literal pattern, a variable): then `matching` and `reachesOutside` decide.
   */
  referenced(g: Grant, r: string): readonly TfResource[] | undefined {
    const { resources, writtenResources: written } = g.statement;
    if (!resources || !written || written.length !== resources.length) return undefined;
    const out: TfResource[] = [];
    for (let i = 0; i < resources.length; i++) {
      if (resources[i] !== r) continue;
      const res = referencedResource(this.stack, written[i], this.types);
      if (!res) return undefined;
      if (!out.includes(res)) out.push(res);
    }
    return out.length > 0 ? out : undefined;
  }
}

/**
 * A pattern that names every resource of its kind: `*`, one shorter than an ARN, or one whose resource part is a
 * bare `*` after the type (`stateMachine:*`, `table/*`). Written literally it is a grant on all of them, and a
 * reference to a resource whose name blastwall cannot know gives the same text, so it never counts as that one
 * resource. (A reference to a secret gives `secret:name-??????`, which nobody writes: that one still does.)
 */
function wideName(pattern: string): boolean {
  if (pattern === "*") return true;
  const parts = pattern.split(":");
  return parts.length < 6 || /^(?:[^*?/:]+[/:])?\*$/.test(parts.slice(5).join(":"));
}

/** What the login paths (identity-pools.ts, roles-anywhere.ts) ask of a resource index. */
export type ResourceLookup = Pick<ResourceIndex, "matching" | "reachesOutside" | "referenced">;

/** What the reach graph hands the login paths: the stack, its roles, the principal's grants, role lookup. */
export interface LoginContext {
  readonly stack: TfStack;
  readonly roles: readonly PrincipalNode[];
  readonly grants: (action: string) => readonly Grant[];
  /** The principal address a role value names; undefined when unresolvable. */
  readonly roleOf: (v: unknown) => string | undefined;
}
