/**
 * events:PutRule in the relays (red-team round 155, F1, second half). A rule whose target is a queue, topic, stream or
 * another event bus writes the caller's event on only when its pattern matches what the caller puts; PutRule on the
 * rule replaces that pattern and keeps the target, its role and input (engine/reach/rule-rewrites.ts). So a caller
 * holding PutRule on the rule and events:PutEvents on its bus makes it match its own events, whatever the stack wrote
 * (a schedule, AWS services' sources only, sources its PutEvents grant's events:source condition leaves out), and the
 * rule writes them on: the relays (invoke-relays.ts, forward-relays.ts) ask this where the pattern would stop them.
 * The rule keeps its ARN, so a queue or topic policy pinned to it by aws:SourceArn still admits the delivery.
 */
import type { Grant, PrincipalNode } from "../engine/analysis-types";
import type { Statement } from "../engine/iam/types";
import type { TfResource, TfStack } from "../engine/terraform/types";
import { PUT_RULE, RULES, rewriteVerb, ruleOfTarget, type TargetRule } from "../engine/reach/rule-rewrites";
import { ownDenies } from "../engine/own-denies";
import { deniedOnAll } from "./invoke-denies";
import { grantsUsing } from "./invoke-routes";
import { where } from "./support";

/** A caller's right to rewrite the rule of a target: its grants of events:PutRule there. */
export interface Rewrite {
  readonly on: TargetRule;
  readonly rule: TfResource;
  readonly grants: readonly Grant[];
}

/**
 * The grants of events:PutRule on the rule of target `t` that `p` holds (`held`), when the stack makes the rule and no
 * Deny of `p`'s own certainly refuses PutRule there. A rule the stack does not make is read as matching any event
 * already (no pattern to rewrite), so it is not asked here.
 */
export function rewriteOf(stack: TfStack, p: PrincipalNode, t: TfResource, held: (action: string) => readonly Grant[], denies?: readonly Statement[]): Rewrite | undefined {
  const gs = held(PUT_RULE);
  if (gs.length === 0) return undefined;
  const on = ruleOfTarget(stack, t);
  if (!on.rule) return undefined;
  const grants = grantsUsing(stack, { target: on.rule, types: RULES, pattern: on.arn }, gs);
  if (grants.length === 0) return undefined;
  if (deniedOnAll(stack, denies ?? ownDenies(p), PUT_RULE, [{ pattern: on.arn, target: on.rule, suffix: "" }])) return undefined;
  return { on, rule: on.rule, grants };
}

/** Where the PutRule grants are, for a relay's text: `events:PutRule on R, through S`. */
function putRuleText(r: Rewrite): string {
  const on = [...new Set(r.grants.flatMap((g) => g.resources))].slice(0, 3).join(", ");
  return `${PUT_RULE} on ${on}, through ${[...new Set(r.grants.map((g) => where(g.statement)))].slice(0, 2).join(", ")}`;
}

/**
 * What the relay's caller does, after `: it can`: `rewrite the event pattern of R (in the stack it ..., but PutRule ...)
 * to match events it puts on B (events:PutRule on ..., through ...; events:PutEvents on ..., through ...)`; `putEvents`
 * unset where a relay already says how the events get on B. `custom`: the custom sources the rule's pattern matches
 * in the stack, which the caller's PutEvents may not put.
 */
export function rewriteRelayText(r: Rewrite, busText: string, putEvents: string | undefined, custom: readonly string[] | undefined): string {
  const fixed = custom && custom.length > 0 ? `matches only sources (${custom.slice(0, 3).join(", ")}) its events:PutEvents grants' events:source condition leaves out` : undefined;
  return `${rewriteVerb(r.rule, busText, fixed)} (${putRuleText(r)}${putEvents ? `; ${putEvents}` : ""})`;
}

/** How to close a relay through a rewritten rule, for `who`: either right, or PutRule scoped off the rule. */
export function rewriteRelayFix(r: Rewrite, who: string, putEventsOn: string): string {
  return `take ${PUT_RULE} on ${r.rule.address} away from ${who} (or scope it to rules whose targets write nothing on: not ${r.on.arn}), or take events:PutEvents on ${putEventsOn} away from ${who}`;
}
