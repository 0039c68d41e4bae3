/**
 * events:PutRule on a rule that exists replaces its event pattern, schedule and state. Its targets are objects of their
 * own (PutTargets, RemoveTargets): they stay, each with its input and role, and PutRule asks no iam:PassRole (it takes
 * a RoleArn only for a rule on another account's bus). So whoever may put a rule decides when every target of it runs,
 * whatever pattern the stack wrote (red-team round 155, F1): on events it puts itself, with events:PutEvents on the
 * rule's bus, or on AWS events it can cause, or on a timer. Read here: which rule a target belongs to, its ARN as IAM
 * names it (`rule/NAME`, `rule/BUS/NAME` on a custom bus), and the bus an event must be put on to reach it.
 */
import type { TfResource, TfStack } from "../terraform/types";
import { resolveToPattern } from "../terraform/tokens";
import { oneReferenced } from "../terraform/referenced";
import { nameOf } from "./compute-targets";

export const RULES = ["aws_cloudwatch_event_rule"];
export const BUSES = ["aws_cloudwatch_event_bus"];
export const PUT_RULE = "events:PutRule";

/** A target's rule, as a caller of events:PutRule and events:PutEvents reaches it. */
export interface TargetRule {
  /** The rule, when the stack makes it. */
  readonly rule?: TfResource;
  /** Its ARN pattern: `arn:*:events:*:*:rule/NAME`, or `rule/BUS/NAME` on a custom bus (`*` for what cannot be read). */
  readonly arn: string;
  /** How messages name it: its address, or its ARN pattern. */
  readonly text: string;
  /** Its bus, when the stack makes it. */
  readonly bus?: TfResource;
  /** The bus's ARN pattern. */
  readonly busPattern: string;
  readonly busText: string;
}

const unset = (v: unknown): boolean =>
  v === undefined || v === null || v === "";


function patternOf(stack: TfStack, v: unknown): string {
  return typeof v === "string" && v !== ""
    ? resolveToPattern(stack, v).pattern
    : "*";
}

const cache = new WeakMap<TfResource, TargetRule>();

/** The rule of an `aws_cloudwatch_event_target` (its `rule`, and the bus the target or the rule names). */
export function ruleOfTarget(stack: TfStack, t: TfResource): TargetRule {
  let out = cache.get(t);
  if (out) return out;
  const rule = oneReferenced(stack, t.values["rule"], RULES);
  const busValue = t.values["event_bus_name"] ?? rule?.values["event_bus_name"];
  const bus = oneReferenced(stack, busValue, BUSES);
  const busName = bus
    ? nameOf(stack, bus, "name")
    : unset(busValue)
      ? "default"
      : patternOf(stack, busValue);
  const busPattern = busName.startsWith("arn:")
    ? busName
    : `arn:*:events:*:*:event-bus/${busName}`;
  // `event_bus_name` may be the bus's name or its ARN; a rule's ARN names the bus by name, and not at all on the default bus.
  const shortBus = busName.startsWith("arn:")
    ? (/:event-bus\/(.+)$/.exec(busName)?.[1] ?? "*")
    : busName;
  // A bus that cannot be read may be the default one (`rule/NAME`) or another (`rule/BUS/NAME`): `rule/*NAME` is both.
  const busPart =
    shortBus === "default" ? "" : /^\*+$/.test(shortBus) ? "*" : `${shortBus}/`;
  const name = rule
    ? nameOf(stack, rule, "name", "name_prefix")
    : patternOf(stack, t.values["rule"]);
  const arn = `arn:*:events:*:*:rule/${busPart}${name}`;
  out = {
    rule,
    arn,
    text: rule?.address ?? `rules matching ${arn}`,
    bus,
    busPattern,
    busText: bus?.address ?? `the ${busName} event bus`,
  };
  cache.set(t, out);
  return out;
}

/**
 * The route's verb for a rule whose pattern in the stack leaves the caller's events out (a schedule, AWS services'
 * sources only), which it rewrites to match its own: `rewrite the event pattern of R (...) to match events it puts on B`.
 * `why`: what the pattern leaves out, where it is not that (sources the caller's events:source condition does not allow).
 */
export function rewriteVerb(rule: TfResource, busText: string, why?: string): string {
  const fixed =
    why ??
    (unset(rule.values["event_pattern"])
      ? "runs on a schedule"
      : "matches only AWS services' events, which PutEvents cannot send");
  return `rewrite the event pattern of ${rule.address} (in the stack it ${fixed}, but PutRule replaces the pattern and keeps the rule's targets) to match events it puts on ${busText}`;
}
