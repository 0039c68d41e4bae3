import type { TfResource, TfStack } from "../terraform/types";
import { providerKeyOf, resourceAccount, resourceRegion, sameProvider, unknownOwnRegion } from "../terraform/providers";
import { globCovers, globsIntersect } from "../iam/glob";
import type { Grant, PrincipalNode } from "../analysis-types";
import { attributePattern, mayHoldWrittenWildcard, parseReference, parseTemplate, referencedResource, resolveToPattern } from "../terraform/tokens";
import { oneReferenced } from "../terraform/referenced";
import { followReferences } from "../agent-tags";

/**
 * The resources of some types with their ARN patterns, computed once, and a lookup from a policy's resource
 * pattern to the resources it may name. A grant written as a reference to one resource names that resource alone at
 * apply time (`referenced`); anything else is intersected with every ARN. A hand-written pattern that merely equals a
 * resource's partly unknown ARN pattern (`function:etl-*` beside `etl-${var.env}`) is a pattern: IAM matches every
 * resource it names, in the stack or not (red-team round 66).
 */
export class ResourceIndex {
  private readonly items: Place[];
  private readonly byArn = new Map<string, TfResource[]>();
  private readonly built: readonly { readonly res: TfResource; readonly arns: readonly string[] }[];

  constructor(
    private readonly stack: TfStack,
    private readonly types: readonly string[],
  ) {
    this.items = types.flatMap((t) => stack.byType.get(t) ?? []).map((res) => placeOf(stack, res));
    this.built = this.items.map((i) => ({ res: i.res, arns: [i.arn] }));
    for (const { res, arn } of this.items) {
      const l = this.byArn.get(arn);
      if (l) l.push(res);
      else this.byArn.set(arn, [res]);
    }
  }

  get size(): number {
    return this.items.length;
  }

  /** The resources of the stack a pattern may name (a reference is `referenced`'s). */
  matching(pattern: string): readonly TfResource[] {
    if (pattern === "*") return this.items.map((i) => i.res);
    // An ARN with no wildcard that is a resource's whole known ARN (a data source's `arn = "..."`) is that resource.
    const exact = /[*?]/.test(pattern) ? undefined : this.byArn.get(pattern);
    if (exact) return exact;
    return this.items.filter((i) => globsIntersect(pattern, i.arn) && !otherPlace(pattern, i)).map((i) => i.res);
  }

  /**
   * Whether the pattern may name a resource of these types that is not in the stack: a wildcard in its name, or
   * (given the grant it is of) a wildcard written by hand in its region or account, where a name is one resource
   * per region and account (`arn:aws:lambda:*:*:function:etl` is every `etl` function). Ask `referenced` first: a
   * reference names its resource alone.
   */
  reachesOutside(pattern: string, g?: Grant): boolean {
    if (wideName(pattern) || /[*?]/.test(pattern.split(":").slice(5).join(":"))) return true;
    if (g && writtenWildPlace(this.stack, g, pattern)) return true;
    return !this.items.some((i) => globsIntersect(pattern, i.arn) && !otherPlace(pattern, i) && !mayBeElsewhere(pattern, i));
  }

  /**
   * The resources a grant's resource pattern `r` names when every entry of its statement that resolved to `r` was
   * written as a reference to one resource of these types: `${that.arn}` (see `referencedResource`), or an ARN built
   * around a reference to it (`arn:aws:lambda:${var.region}:${...account_id}:function:${that.function_name}`, see
   * `builtAround`), with no wildcard written by hand; undefined when any was not (a literal pattern, a variable): then
   * `matching` and `reachesOutside` decide.
   */
  referenced(g: Grant, r: string): readonly TfResource[] | undefined {
    return writtenReferences(g, r, (w, resolved) => referencedResource(this.stack, w, this.types) ?? ownerOfPart(this.stack, w, this.types) ?? builtAround(this.stack, w, resolved, this.built));
  }
}

/**
 * Resources that are a part of another, and the argument naming it: an AgentCore runtime endpoint (`prod`, the
 * `qualifier` of InvokeAgentRuntime) is `runtime/ID/runtime-endpoint/NAME`, authorised as a part of its runtime, whose
 * execution role runs what is sent there (red-team round 158, F4).
 */
const PART_OF: Readonly<Record<string, { readonly owner: string; readonly by: string }>> = {
  aws_bedrockagentcore_agent_runtime_endpoint: { owner: "aws_bedrockagentcore_agent_runtime", by: "agent_runtime_id" },
};

/**
 * The resource of `types` an entry written as a reference to a part of it names (`${aws_bedrockagentcore_agent_runtime_endpoint.e.agent_runtime_endpoint_arn}`):
 * the one the part's argument references, through locals; none when that is not one resource of the stack (then the
 * pattern decides, and a runtime it cannot tell may be outside the stack).
 */
function ownerOfPart(stack: TfStack, written: string, types: readonly string[]): TfResource | undefined {
  for (const [part, { owner, by }] of Object.entries(PART_OF)) {
    if (!types.includes(owner)) continue;
    const res = referencedResource(stack, written, [part]);
    if (res) return oneReferenced(stack, followReferences(stack, res.values[by]), [owner]);
  }
  return undefined;
}

/**
 * The resources every entry of the grant's statement that resolved to `r` names, by `of` (given the entry as written
 * and as resolved; undefined for an entry that names none: then the grant names none by reference). A permissions
 * boundary may have narrowed an entry to a pattern of its own (`r` within the entry's, red-team round 68:
 * `${aws_ecs_task_definition.t.arn_without_revision}:*` under a boundary naming the account and region): every entry
 * covering `r` counts then, as the grant on `r` is part of what one of them names.
 */
export function writtenReferences(g: Grant, r: string, of: (written: string, resolved: string) => TfResource | undefined): readonly TfResource[] | undefined {
  const { resources, writtenResources: written } = g.statement;
  if (!resources || !written || written.length !== resources.length) return undefined;
  const exact = resources.includes(r);
  const out: TfResource[] = [];
  for (let i = 0; i < resources.length; i++) {
    if (exact ? resources[i] !== r : !globCovers(resources[i], r)) continue;
    const res = of(written[i], resources[i]);
    if (!res) return undefined;
    if (!out.includes(res)) out.push(res);
  }
  return out.length > 0 ? out : undefined;
}

/**
 * The resource an ARN `written` (which resolved to `r`) is built around (red-team round 67): the one resource among
 * `items` (with their ARN patterns) that `written` refers to in an interpolation, when `r`'s resource part is that
 * resource's (or, after a literal trailing `:*` behind a reference, its versions and aliases:
 * `${aws_lambda_function.f.arn}:*`, `${aws_batch_job_definition.d.arn_prefix}:*`; after `/*`, the parts of a type
 * that has them: `PARTS_WITHIN`) and its partition, service, region
 * and account may be the resource's. Not when a wildcard is written by hand: in `written`'s literal text, or in a
 * value one of its other interpolations resolves to exactly (`${local.any}` set to `*`); an interpolation known only
 * at apply time (`${var.region}`, a data source's account id) is one value then.
 */
export function builtAround(stack: TfStack, written: string, r: string, items: readonly { readonly res: TfResource; readonly arns: readonly string[] }[]): TfResource | undefined {
  if (items.length === 0) return undefined;
  const parts = parseTemplate(written);
  // A lone interpolation is `referencedResource`'s to read.
  const last = parts[parts.length - 1];
  const tail = last?.kind === "literal" && (last.text === ":*" || last.text === "/*" || PART_TAIL.test(last.text)) && parts[parts.length - 2]?.kind === "interpolation" ? last.text : undefined;
  const revisions = tail !== undefined ? parts.slice(0, -1) : parts;
  if (parts.length < 2 || revisions.some((p) => p.kind === "literal" && /[*?]/.test(p.text))) return undefined;
  const named = new Set<TfResource>();
  const namedBy: string[] = [];
  const others: { readonly expr: string; readonly inName: boolean }[] = [];
  // Colons so far, counting what each interpolation resolves to: five and more, and the text is the resource part.
  let colons = 0;
  for (const p of parts) {
    if (p.kind === "literal") {
      colons += p.text.split(":").length - 1;
      continue;
    }
    if (p.directive) return undefined;
    const ref = parseReference(p.expr);
    const res = ref && (ref.kind === "resource" || ref.kind === "data") && !ref.splat ? stack.byAddress.get(ref.address) : undefined;
    // An instance key on a resource with neither count nor for_each names no instance of it (as in referencedResource).
    const counted = res !== undefined && (ref?.index === undefined || res.address === ref.address || res.values["count"] !== undefined || res.values["for_each"] !== undefined);
    if (counted && items.some((i) => i.res === res)) {
      named.add(res);
      namedBy.push(p.expr);
    } else others.push({ expr: p.expr, inName: colons >= 5 });
    colons += resolveToPattern(stack, p.raw).pattern.split(":").length - 1;
  }
  if (named.size !== 1) return undefined;
  if (others.some((o) => handWild(stack, o.expr, o.inName))) return undefined;
  // The reference itself read through text written with a wildcard (`${aws_lambda_function.f.tags.scope}` set to
  // `etl-*`): a pattern, not the resource (red-team round 68, once exact entries kept what they were written as).
  if (namedBy.some((e) => mayHoldWrittenWildcard(stack, e, false))) return undefined;
  const res = [...named][0];
  // A literal account or region other than the one the resource's provider is pinned to names a resource elsewhere.
  const place = placeOf(stack, res);
  if (otherPlace(r, place) || mayBeElsewhere(r, place)) return undefined;
  const within = tail === ":*" || (tail !== undefined && PARTS_WITHIN.get(res.type)?.test(tail)) ? tail : undefined;
  return items.some((i) => i.res === res && i.arns.some((a) => sameResource(r, a, within))) ? res : undefined;
}

/**
 * Types whose ARN followed by `/*` names parts of that resource alone, no other resource, and the literal tails that
 * do: an AgentCore runtime's endpoints (`runtime/ID/runtime-endpoint/NAME`), which InvokeAgentRuntime and its kin are
 * authorised on too, written `/*`, `/runtime-endpoint/*` or `/runtime-endpoint/prod` (red-team round 158, F4).
 */
const PARTS_WITHIN: ReadonlyMap<string, RegExp> = new Map([["aws_bedrockagentcore_agent_runtime", /^\/(?:\*|runtime-endpoint\/(?:\*|[A-Za-z0-9_]+))$/]]);

/** A literal tail one of PARTS_WITHIN may take; `builtAround` asks the type's own. */
const PART_TAIL = /^\/runtime-endpoint\/(?:\*|[A-Za-z0-9_]+)$/;

/**
 * Whether an interpolation beside the reference may make the ARN name more than the one resource (red-team round 68):
 * in the partition, region or account, one that may hold a wildcard written by hand (`*`, or `${var.sfx}*` in a
 * local: not only one resolving exactly to a wildcard); in the resource part, any that does not resolve exactly to
 * text with no wildcard (an unknown suffix makes another name: `etl-${var.env}` followed by `${var.sfx}`).
 */
function handWild(stack: TfStack, expr: string, inName: boolean): boolean {
  if (mayHoldWrittenWildcard(stack, expr)) return true;
  if (!inName) return false;
  const v = resolveToPattern(stack, `\${${expr}}`);
  return !v.exact || /[*?]/.test(v.pattern);
}

/**
 * Whether an ARN pattern names a literal account other than the one a resource's provider is pinned to: then it names
 * a resource of that name elsewhere, not this one (red-team round 68, w06).
 */
function otherAccount(pattern: string, account: string | undefined): boolean {
  if (account === undefined) return false;
  const place = pattern.split(":")[4];
  return place !== undefined && /^\d{12}$/.test(place) && place !== account;
}

/**
 * Whether an ARN pattern names a literal account or region other than the one a resource (of ARN pattern `arn`) sits
 * in: a name is one resource per account and region (red-team round 69: `arn:aws:lambda:us-east-1:...:function:etl`
 * beside the stack's `etl` in eu-west-1). A region only for a resource whose ARN has one (not an S3 bucket's); an
 * unknown region on either side may be the same one.
 */
function otherPlace(pattern: string, res: Place): boolean {
  if (otherAccount(pattern, res.account)) return true;
  return otherRegion(pattern, res.arn, res.region);
}

function otherRegion(pattern: string, arn: string, region: string | undefined): boolean {
  if (region === undefined || arn.split(":")[3] === "") return false;
  const place = literalRegion(pattern);
  return place !== undefined && place !== region;
}

/** The region an ARN pattern names literally (`eu-west-1`), if it does. */
function literalRegion(pattern: string): string | undefined {
  const place = pattern.split(":")[3];
  return place !== undefined && /^[a-z]{2}(?:-[a-z]+)+-\d+$/.test(place) ? place : undefined;
}

/**
 * Whether a pattern naming a literal region may name a resource of the same name elsewhere, not this one: the
 * resource sets a `region` of its own that blastwall cannot read (`region = var.dr_region`, red-team round 127), so
 * it may be made in any region. It may be the one named (`matching` counts it), but it does not prove the pattern
 * stays inside the stack, nor is it the one resource an ARN built around it names. (A provider region that is not
 * known is one region for the whole stack, which a literal region in a policy is read as: round 69.)
 */
function mayBeElsewhere(pattern: string, res: Place): boolean {
  return res.regionUnknown && res.arn.split(":")[3] !== "" && literalRegion(pattern) !== undefined;
}

/** A resource with its ARN pattern and the account and region it sits in, as far as they are known. */
interface Place {
  readonly res: TfResource;
  readonly arn: string;
  readonly account: string | undefined;
  readonly region: string | undefined;
  /** Its own `region` argument is set to something blastwall cannot read. */
  readonly regionUnknown: boolean;
}

function placeOf(stack: TfStack, res: TfResource): Place {
  return { res, arn: attributePattern(stack, res, "arn").pattern, account: resourceAccount(stack, res), region: resourceRegion(stack, res), regionUnknown: unknownOwnRegion(res) !== undefined };
}

/** Whether `r` names the resource of ARN pattern `arn` (or, with `within`, its `:*` versions or `/*` parts), in a place it may have. */
function sameResource(r: string, arn: string, within: string | undefined): boolean {
  const a = r.split(":");
  const b = arn.split(":");
  if (a.length < 6 || b.length < 6) return r === arn;
  const mine = a.slice(5).join(":");
  const theirs = b.slice(5).join(":");
  if (mine !== theirs && !(within !== undefined && mine === `${theirs}${within}`)) return false;
  return a.slice(0, 5).every((x, i) => globsIntersect(x, b[i], { caseInsensitive: true }));
}

/**
 * Whether a wildcard in the region or account of `r` was written by hand in an entry of the grant's statement (a
 * statement with no interpolation at all is all hand-written), in its text or in what an interpolation resolves
 * through (`${local.r}` set to `${var.sfx}*`, red-team round 68): the grant then names resources of that name in every
 * region or account it matches, not the one place the stack's resource lives. A wildcard standing for a value an
 * interpolation takes at apply time (`${var.region}`, a data source's region) is one value then.
 */
export function writtenWildPlace(stack: TfStack, g: Grant, r: string): boolean {
  const place = (arn: string) => arn.split(":").slice(3, 5);
  if (!place(r).some((x) => /[*?]/.test(x))) return false;
  const { resources, writtenResources: written } = g.statement;
  if (!resources || !written || written.length !== resources.length) return true;
  const marked = (w: string) =>
    parseTemplate(w)
      .map((p) => {
        if (p.kind === "literal") return p.text;
        const v = resolveToPattern(stack, p.raw).pattern;
        return p.directive || mayHoldWrittenWildcard(stack, p.expr) ? v : v.replace(/[*?]/g, "X");
      })
      .join("");
  return resources.some((x, i) => x === r && place(marked(written[i])).some((y) => /[*?]/.test(y)));
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

/**
 * Whether two resources certainly sit in one account and region: the same provider configuration and region argument,
 * or both pinned to one account with one literal region (a second provider configuration for deploys, red-team round
 * 65). A region the resources set themselves (the provider's v6 `region` argument) counts: one blastwall cannot read
 * (`var.dr_region`) is one place only with the same expression on the other side (red-team round 127).
 */
export function samePlace(stack: TfStack, a: TfResource, b: TfResource): boolean {
  const ra = resourceRegion(stack, a);
  const rb = resourceRegion(stack, b);
  const ua = unknownOwnRegion(a);
  const ub = unknownOwnRegion(b);
  if (ua !== undefined || ub !== undefined) return ua === ub && oneValue(ua) && sameProvider(providerKeyOf(a), providerKeyOf(b));
  if (sameProvider(providerKeyOf(a), providerKeyOf(b))) return ra === undefined || rb === undefined || ra === rb;
  const aa = resourceAccount(stack, a);
  return aa !== undefined && aa === resourceAccount(stack, b) && ra !== undefined && ra === rb;
}

/**
 * Whether an expression written the same way in two places is one value: not per instance (`each.`, `count.`,
 * `self.`) and not a value known only after apply, which each resource learns on its own.
 */
function oneValue(expr: string | undefined): boolean {
  return expr !== undefined && !/\b(?:each|count|self)\.|unknown_after_apply/.test(expr);
}
