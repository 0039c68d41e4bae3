/**
 * A principal's own explicit Deny of what a route asks (red-team round 86): "Allow lambda:InvokeFunction on `*`, Deny
 * it on the function that deletes" is what teams write. The effective grant stays `*` (a Deny of a part cannot be
 * cut out of a pattern), so each function and each route's resource is asked on its own whether a certain Deny of
 * the principal's identity policies or boundary covers it. A conditional Deny, one that covers only part of the
 * ARN, or one whose entry is a reference blastwall cannot tie to the resource removes nothing.
 */
import type { Statement } from "../engine/iam/types";
import type { TfResource, TfStack } from "../engine/terraform/types";
import { providerConfigKey, providerKeyOf, regionPartition, resourceAccount, resourceRegion } from "../engine/terraform/providers";
import { isSettable, PLACING_SETTINGS } from "../engine/terraform/settable-providers";
import { withSettableUnknown } from "../engine/terraform/settable-forms";

import { conditionAlwaysTrue, denyCertainlyCovers } from "../engine/iam/evaluate";
import { globCovers } from "../engine/iam/glob";
import { actionUniverse } from "../engine/universe";
import { arnAttributeOf, attributePattern, parseReference, parseTemplate } from "../engine/terraform/tokens";

/** The Deny statements of the principal's own policies and boundary (see own-denies.ts). */
export { ownDenies } from "../engine/own-denies";

/** One ARN the action must be refused on: as a pattern, and (for a resource of the stack) as the part after its `arn`. */
export interface DenyAsk {
  readonly pattern: string;
  readonly target?: TfResource;
  /** What follows `${target.arn}` in this ARN: `` for the resource itself, `:*` for a function's versions, `/*` for objects. */
  readonly suffix?: string;
  /** The partition of a resource of another stack, read there (its `target` is no resource of this stack). */
  readonly partition?: string;
}

/**
 * Types whose ARN holds the region and account the resource is made in (no global resource, no fixed region): the
 * functions, state machines and AgentCore runtimes the routes and compute chains ask Denies of.
 */
const PLACED_ARNS: ReadonlySet<string> = new Set([
  "aws_lambda_function",
  "aws_sfn_state_machine",
  "aws_bedrockagentcore_agent_runtime",
  // The queues, rules, buses and API doors the routes ask Denies of (an API's `execute-api:` ARN is in its region and
  // account too). A bucket's ARN names no region or account: a literal Deny names it as it is.
  "aws_sqs_queue",
  "aws_cloudwatch_event_rule",
  "aws_cloudwatch_event_bus",
  "aws_api_gateway_rest_api",
  "aws_apigatewayv2_api",
  // An archive events:StartReplay is asked on (engine/reach/replays.ts): `arn:aws:events:REGION:ACCOUNT:archive/NAME`.
  "aws_cloudwatch_event_archive",
]);

/**
 * `arn` (the stack's ARN pattern of `res`, which the engine writes with `*` for region and account) with the region and
 * account filled in where the stack pins both (red-team round 159, F2): the resource is made there and nowhere else
 * (Terraform refuses any account `allowed_account_ids` does not list), so a Deny written with them literally
 * (`arn:aws:lambda:us-east-1:111111111111:function:worker`) covers it. Where either is not pinned (a region or account
 * from a variable, an unread own `region`), the ARN stays as it is and such a Deny cannot be shown to cover it.
 */
export function placedArn(stack: TfStack, res: TfResource, arn: string): string {
  // A data source may read one elsewhere (a function or a bus named by a full ARN): only what the stack makes is placed.
  if (!PLACED_ARNS.has(res.type) || res.mode !== "managed") return arn;
  // A provider whose region or account a deploy may set otherwise (a variable, read by its default) pins nothing, nor
  // does a resource's own `region` read from one (instance.ts `settableArguments`).
  if (providerSettable(stack, res) || isSettable(res.values, "region")) return arn;
  const region = resourceRegion(stack, res);
  const account = resourceAccount(stack, res);
  if (region === undefined || account === undefined || !/^[a-z0-9-]+$/.test(region)) return arn;
  const parts = arn.split(":");
  if (parts.length < 6 || parts[0] !== "arn" || parts[3] !== "*" || parts[4] !== "*") return arn;
  return [...parts.slice(0, 3), region, account, ...parts.slice(5)].join(":");
}

/** Whether the provider of `res` reads where it places what it makes from a variable, which a deploy may set otherwise. */
function providerSettable(stack: TfStack, res: TfResource): boolean {
  const body = stack.providers?.get(providerConfigKey(providerKeyOf(res)));
  return PLACING_SETTINGS.some((k) => isSettable(body, k));
}

/**
 * An IAM ARN pattern of the stack's `res` (a role: `arn:aws:iam::*:role/prod-fn`) with the account filled in where the
 * stack pins it, as `placedArn` does for a function: a Deny naming the account literally then covers it.
 */
export function placedIamArn(stack: TfStack, res: TfResource, arn: string): string {
  const parts = arn.split(":");
  if (parts.length < 6 || parts[0] !== "arn" || parts[2] !== "iam" || parts[4] !== "*" || providerSettable(stack, res)) return arn;
  const account = resourceAccount(stack, res);
  return account === undefined ? arn : [...parts.slice(0, 4), account, ...parts.slice(5)].join(":");
}

/** Whether `denies` certainly refuse `action` on every ARN asked: all must be refused, or the route stays open. */
export function deniedOnAll(stack: TfStack, denies: readonly Statement[], action: string, asks: readonly DenyAsk[]): boolean {
  if (denies.length === 0 || asks.length === 0) return false;
  return asks.every((a) => deniedOn(stack, denies, action, a));
}

function deniedOn(stack: TfStack, denies: readonly Statement[], action: string, ask: DenyAsk): boolean {
  const universe = actionUniverse();
  // The engine writes a stack's ARNs in the aws partition (tokens.ts), but a Deny written for `arn:aws:` names nothing
  // in China or GovCloud (red-team round 87): the pattern is asked in the partition the resource's region puts it in,
  // and in any partition when that is not known.
  const region = ask.target ? resourceRegion(stack, ask.target) : undefined;
  const inPartition = ask.pattern.replace(/^arn:[^:]*:/, `arn:${ask.partition ?? regionPartition(region)}:`);
  // A resource of the stack is asked where the stack pins it, so a Deny naming its region and account literally counts;
  // its name or path as `-var` may set them.
  const pattern = ask.target ? placedArn(stack, ask.target, settableArn(stack, ask.target, inPartition)) : inPartition;
  if (denyCertainlyCovers(denies, universe, action, pattern)) return true;
  if (!ask.target || ask.suffix === undefined) return false;
  const i = universe.indexOf(action);
  if (i === undefined) return false;
  for (const s of denies) {
    if (s.notResources || !s.writtenResources || !conditionAlwaysTrue(s.conditions)) continue;
    if (!universe.statementActions(s).has(i)) continue;
    if (s.writtenResources.some((w) => suffixAfter(w, ask.target!) !== undefined && globCovers(suffixAfter(w, ask.target!)!, ask.suffix!, { caseInsensitive: true }))) return true;
  }
  return false;
}

/**
 * `pattern`, asked of the stack's `target`, with the part that is the target's ARN as read replaced by its ARN where the
 * arguments a deploy may set otherwise are unknown (red-team round 162b, F3): a function's `function_name` or a role's
 * name or path read from a root variable by its default names nothing certain, so a Deny naming the default literally
 * does not certainly cover it (a Deny by pattern or by reference still does). Unchanged where no such argument is in the
 * ARN, or the pattern does not begin with the ARN as read.
 */
function settableArn(stack: TfStack, target: TfResource, pattern: string): string {
  const arns = settableArns(stack, target);
  if (arns === undefined) return pattern;
  const body = (arn: string) => arn.replace(/^arn:[^:]*:/, "");
  const asked = body(pattern);
  for (const form of arns.forms) {
    if (!asked.startsWith(body(form))) continue;
    const head = pattern.slice(0, pattern.length - asked.length);
    const out = head + body(arns.unset) + asked.slice(body(form).length);
    return placedIamArn(stack, arns.shadow, out);
  }
  return pattern;
}

/**
 * The ARNs `settableArn` compares, once per stack and resource (every route and Deny asks them again): the ARN as
 * read, the forms it is asked in (placed in the stack's region and account), and the ARN where the settable arguments
 * are unknown. Undefined where nothing about the ARN is settable.
 */
function settableArns(stack: TfStack, target: TfResource): { readonly forms: readonly string[]; readonly unset: string; readonly shadow: TfResource } | undefined {
  let perStack = arnCache.get(stack);
  if (!perStack) arnCache.set(stack, (perStack = new WeakMap()));
  const hit = perStack.get(target);
  if (hit !== undefined) return hit ?? undefined;
  let out: { forms: readonly string[]; unset: string; shadow: TfResource } | null = null;
  const shadow = withSettableUnknown(target);
  if (shadow !== target) {
    const read = attributePattern(stack, target, "arn").pattern;
    const unset = attributePattern(stack, shadow, "arn").pattern;
    if (unset !== read) out = { forms: [...new Set([read, placedArn(stack, target, read), placedIamArn(stack, target, read)])], unset, shadow };
  }
  perStack.set(target, out);
  return out ?? undefined;
}

const arnCache = new WeakMap<TfStack, WeakMap<TfResource, { readonly forms: readonly string[]; readonly unset: string; readonly shadow: TfResource } | null>>();

/**
 * `:*` for `${aws_lambda_function.f.arn}:*`: what a written entry adds after the target's own ARN (`arn`, or the
 * type's own attribute for it: `gateway_arn`), when it begins with that ARN and adds only literal text. A counted resource's one instance is not all of them: none then.
 */
function suffixAfter(written: string, target: TfResource): string | undefined {
  const parts = parseTemplate(written);
  const first = parts[0];
  if (!first || first.kind !== "interpolation" || first.directive) return undefined;
  const ref = parseReference(first.expr);
  if (!ref || ref.address !== target.address || (ref.attribute !== "arn" && ref.attribute !== arnAttributeOf(target.type)) || ref.path.length > 0 || ref.splat || ref.index !== undefined) return undefined;
  if (target.values["count"] !== undefined || target.values["for_each"] !== undefined) return undefined;
  let rest = "";
  for (const p of parts.slice(1)) {
    if (p.kind !== "literal") return undefined;
    rest += p.text;
  }
  return rest;
}
