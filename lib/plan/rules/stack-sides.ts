/**
 * The two sides of a CloudFormation stack's update, as plan-stack-template-drops-data reads them: the Terraform
 * attributes of stacks, stack sets and their instances; the parameters each side's template is read with (a stack
 * set's instances' overrides included) and those that change; the stack's region; and AWS::NotificationARNs, a pseudo
 * parameter that changes with the stack's notification topics.
 */
import type { PlanJson, PlanResourceChange } from "../types";
import { afterValue, getPath, isObject } from "../values";
import { canonicalJson } from "../canonical-json";
import { providerAccount, providerRegion } from "../config-expressions";
import { parseTemplate } from "../cfn-template";
import { Unknown } from "../cfn-evaluate";
import { resourcesOf, show } from "../cfn-resources";

/**
 * The template attributes of the types this rule reads: the aws provider's stacks and stack sets, and the Cloud Control
 * provider's (hashicorp/awscc), which update the same CloudFormation stack in place (red-team round 60).
 */
export const TEMPLATE: Readonly<Record<string, string>> = {
  aws_cloudformation_stack: "template_body",
  aws_cloudformation_stack_set: "template_body",
  awscc_cloudformation_stack: "template_body",
  awscc_cloudformation_stack_set: "template_body",
};

/** Stack set instances, which may pass parameters of their own to the stack set's template. */
export const OVERRIDES = new Set(["aws_cloudformation_stack_set_instance", "aws_cloudformation_stack_instances"]);

/**
 * A stack's parameters as a map of key to value: the aws provider and awscc_cloudformation_stack write a map,
 * awscc_cloudformation_stack_set (and its instances' overrides) a list of `{ parameter_key, parameter_value }`.
 */
export function parameterMap(v: unknown): Record<string, unknown> {
  if (Array.isArray(v)) return Object.fromEntries(v.filter(isObject).map((p) => [String(p.parameter_key ?? ""), p.parameter_value ?? null]));
  return isObject(v) ? v : {};
}

export function parametersAfter(rc: PlanResourceChange, path: readonly string[] = ["parameters"]): ReturnType<typeof afterValue> {
  const v = afterValue(rc.change, path);
  const unknown = getPath(rc.change.after_unknown, path);
  // A value of a list known only after apply leaves the map unknown.
  if (v.state === "known" && Array.isArray(v.value) && JSON.stringify(unknown ?? false).includes("true")) return { state: "unknown" };
  if (v.state !== "known") return v;
  // A key of a map known only after apply (null or left out of after) is that parameter unknown, never its Default:
  // CloudFormation gets whatever Terraform computes (red-team round 63).
  const map = { ...parameterMap(v.value) };
  if (isObject(unknown)) for (const [k, u] of Object.entries(unknown)) if (u !== false && u !== null && u !== undefined) map[k] = new Unknown(`parameter ${k}, known only after apply`, false);
  return { state: "known", value: map };
}

/**
 * The parameters whose value changes: those the stack passes (`parameters`), and those it leaves to a default the
 * template changes. "all" when the passed parameters are known only after apply.
 */
export function parametersChanged(params: ReturnType<typeof afterValue>, beforeParams: unknown, beforeTemplate: unknown, after: ReturnType<typeof afterValue>): Set<string> | "all" {
  if (params.state === "unknown") return "all";
  const now = isObject(params.value) ? params.value : {};
  const was = isObject(beforeParams) ? beforeParams : {};
  const out = new Set<string>();
  for (const k of new Set([...Object.keys(now), ...Object.keys(was)])) if (canonicalJson(now[k] ?? null) !== canonicalJson(was[k] ?? null)) out.add(k);
  const defaults = (t: unknown) => {
    const parsed = parseTemplate(t);
    return isObject(parsed) && isObject(parsed.Parameters) ? parsed.Parameters : {};
  };
  const oldDefaults = defaults(beforeTemplate);
  const newDefaults = after.state === "known" ? defaults(after.value) : {};
  for (const k of new Set([...Object.keys(oldDefaults), ...Object.keys(newDefaults)])) {
    if (k in now) continue;
    const d = (x: unknown) => (isObject(x) ? x.Default ?? null : null);
    if (canonicalJson(d(oldDefaults[k])) !== canonicalJson(d(newDefaults[k]))) out.add(k);
  }
  return out;
}

/** The parameters a stack's template is read with, before and after the update ("unknown": known only after apply). */
export type Sides = readonly (readonly [Record<string, unknown>, Record<string, unknown> | "unknown"])[];

/**
 * The parameters of each side of a stack's update: the stack's own, and for a Cloud Control stack set also each
 * instance group's with its overrides (a group the update removes is judged as instances gone).
 */
export function parameterSides(rc: PlanResourceChange, params: ReturnType<typeof afterValue>, plan: PlanJson): Sides {
  const passedBefore = parameterMap(getPath(rc.change.before, ["parameters"]));
  const passedAfter = params.state === "unknown" ? "unknown" : parameterMap(params.value);
  const sides: [Record<string, unknown>, Record<string, unknown> | "unknown"][] = [[passedBefore, passedAfter]];
  // The aws provider's stack set instances pass overrides of their own: CloudFormation updates each instance's stack
  // with the stack set's template under them (red-team round 63). Every instance in the plan counts, a no-op's too; one
  // whose stack set name is known only after apply may be this set's.
  // A Cloud Control stack set is a CloudFormation stack set too: instances made elsewhere (an aws provider instance
  // naming it, the CLI) update with it under their own overrides (red-team round 65).
  if (rc.type === "aws_cloudformation_stack_set" || rc.type === "awscc_cloudformation_stack_set") {
    const name = afterValue(rc.change, [rc.type === "aws_cloudformation_stack_set" ? "name" : "stack_set_name"]);
    for (const x of plan.resource_changes) {
      if (!OVERRIDES.has(x.type) || x.mode === "data") continue;
      const n = afterValue(x.change, ["stack_set_name"]);
      if (name.state === "known" && n.state === "known" && n.value !== name.value && getPath(x.change.before, ["stack_set_name"]) !== name.value) continue;
      // A set whose own name is not in the plan may be any instance's.
      const oa = parametersAfter(x, ["parameter_overrides"]);
      const ob = isObject(x.change.before) ? parameterMap(getPath(x.change.before, ["parameter_overrides"])) : oa.state === "known" ? parameterMap(oa.value) : {};
      sides.push([{ ...passedBefore, ...ob }, passedAfter === "unknown" || oa.state === "unknown" ? "unknown" : { ...passedAfter, ...parameterMap(oa.value) }]);
    }
    sides.push(...elsewhereSides(rc, passedBefore, passedAfter));
  }
  if (rc.type === "awscc_cloudformation_stack_set") {
    const groups = (v: unknown) => (Array.isArray(v) ? v.filter(isObject) : []);
    const key = (g: Record<string, unknown>) => canonicalJson({ t: g.deployment_targets ?? null, r: g.regions ?? null });
    const groupsAfter = afterValue(rc.change, ["stack_instances_group"]);
    for (const g of groups(getPath(rc.change.before, ["stack_instances_group"]))) {
      const next = groupsAfter.state === "known" ? groups(groupsAfter.value).find((x) => key(x) === key(g)) : undefined;
      if (groupsAfter.state === "known" && next === undefined) continue; // removed: judged as instances gone
      const overrides = (x: Record<string, unknown> | undefined) => parameterMap(x?.parameter_overrides);
      // An override known only after apply leaves the group's parameters unknown, never a Default.
      const groupUnknown = JSON.stringify(getPath(rc.change.after_unknown, ["stack_instances_group"]) ?? false).includes("true");
      sides.push([{ ...passedBefore, ...overrides(g) }, passedAfter === "unknown" || next === undefined || groupUnknown ? "unknown" : { ...passedAfter, ...overrides(next) }]);
    }
  }
  return sides;
}

/**
 * A stack set's instances outside this plan (made in another root module, or with `create-stack-instances
 * --parameter-overrides`) may override any parameter: CloudFormation updates their stacks with the new template under
 * values the plan does not show (red-team round 64). A parameter whose stack set value (passed, or the Default) stays
 * reads as not known, the same on both sides: a guard, condition or replacing property computed from it counts when
 * its expression changes; one that reads no parameter is read as before.
 *
 * A parameter whose stack set value changes is, for each such instance, either overridden (its own value, which the
 * set's change does not touch: not known, the same on both sides) or inherited (the set's value before and after):
 * one side for each way of choosing among them, so an instance that overrides one and inherits another is read as
 * it will be updated, and a raise of the set's own value reads as a raise, not as a change of a value not known.
 * Beyond MIXES such parameters, or with the set's parameters known only after apply, one side reads every parameter
 * as not known and changed where the set's value changes (fail closed). A parameter the set declares first in this
 * update is inherited by every instance (none can override it yet): the set's own value, or its Default.
 */
function elsewhereSides(rc: PlanResourceChange, passedBefore: Record<string, unknown>, passedAfter: Record<string, unknown> | "unknown"): [Record<string, unknown>, Record<string, unknown>][] {
  const attribute = TEMPLATE[rc.type];
  const declared = (t: unknown) => {
    const parsed = parseTemplate(t);
    return isObject(parsed) && isObject(parsed.Parameters) ? parsed.Parameters : {};
  };
  const after = afterValue(rc.change, [attribute]);
  const beforeTemplate = getPath(rc.change.before, [attribute]);
  const was = declared(beforeTemplate);
  const now = after.state === "known" ? declared(after.value) : {};
  const keys = [...new Set([...Object.keys(was), ...Object.keys(now)])];
  // A parameter the set declares only from this update on has no override anywhere: an instance can override only a
  // parameter the set already declared (red-team round 66: a literal turned into a new parameter with the same
  // Default read as overridable, a false alarm). Read as inherited, the set's own value; only where the old template
  // could be read (else which parameters are new is not known).
  const fresh = new Set(resourcesOf(beforeTemplate, true) === undefined ? [] : keys.filter((k) => !Object.prototype.hasOwnProperty.call(was, k)));
  const inherit = (side: Record<string, unknown>, passed: Record<string, unknown>, k: string) => {
    if (Object.prototype.hasOwnProperty.call(passed, k)) side[k] = passed[k];
  };
  // The stack set's own value of a parameter, as text ("(known after apply)" for one not known).
  const own = (params: Record<string, unknown>, passed: Record<string, unknown> | "unknown", k: string) =>
    passed === "unknown" || passed[k] instanceof Unknown ? "(known after apply)" : canonicalJson(passed[k] ?? (isObject(params[k]) ? params[k].Default ?? null : null));
  const elsewhere = (k: string, set: string) => new Unknown(`parameter ${k}, which a stack instance outside this plan may override (the stack set's own value ${set})`, false);
  const changed = keys.filter((k) => !fresh.has(k) && (own(was, passedBefore, k) !== own(now, passedAfter, k) || own(now, passedAfter, k) === "(known after apply)"));
  if (passedAfter === "unknown" || changed.length > MIXES) {
    const side = (params: Record<string, unknown>, passed: Record<string, unknown> | "unknown") => {
      const out: Record<string, unknown> = {};
      for (const k of keys) {
        if (fresh.has(k) && passed !== "unknown") inherit(out, passed, k);
        else out[k] = elsewhere(k, own(params, passed, k));
      }
      return out;
    };
    return [[side(was, passedBefore), side(now, passedAfter)]];
  }
  const out: [Record<string, unknown>, Record<string, unknown>][] = [];
  for (let mask = 0; mask < 1 << changed.length; mask++) {
    const b: Record<string, unknown> = {};
    const a: Record<string, unknown> = {};
    for (const k of keys) {
      const i = changed.indexOf(k);
      if (fresh.has(k)) {
        inherit(b, passedBefore, k);
        inherit(a, passedAfter, k);
      } else if (i < 0) b[k] = a[k] = elsewhere(k, own(was, passedBefore, k));
      else if (mask & (1 << i)) b[k] = a[k] = new Unknown(`parameter ${k}, which a stack instance outside this plan overrides (its own value, which the stack set's change does not touch)`, false);
      else {
        // Inherited: the set's own value on each side (left out, the side's Default, as for the set).
        if (Object.prototype.hasOwnProperty.call(passedBefore, k)) b[k] = passedBefore[k];
        if (Object.prototype.hasOwnProperty.call(passedAfter, k)) a[k] = passedAfter[k];
      }
    }
    out.push([b, a]);
  }
  return out;
}

/** The most parameters whose stack set value changes that elsewhereSides reads each way (2^MIXES sides). */
const MIXES = 4;

/**
 * The region a stack runs in, where the plan says so: its `region` argument (provider v6), else its provider
 * configuration's literal region, and the region in its ARN (`id`, or awscc's `stack_id`) when present; undefined when
 * none says, one is known only after apply, or they disagree. A stack set's template runs in each of its instances'
 * regions, so none is its region.
 */
export function stackRegion(rc: PlanResourceChange, plan: PlanJson): string | undefined {
  if (rc.type !== "aws_cloudformation_stack" && rc.type !== "awscc_cloudformation_stack") return undefined;
  const found = new Set<string>();
  for (const k of ["id", "stack_id", "region"]) {
    const now = afterValue(rc.change, [k]);
    if (now.state === "unknown" && k === "region") return undefined;
    for (const v of [getPath(rc.change.before, [k]), now.state === "known" ? now.value : undefined]) {
      if (typeof v !== "string" || v === "") continue;
      if (k === "region") found.add(v);
      else {
        const arn = /^arn:aws[a-z-]*:cloudformation:([a-z0-9-]+):\d{12}:stack\//.exec(v);
        if (arn) found.add(arn[1]);
      }
    }
  }
  // The provider's region, unless the resource names its own.
  const own = afterValue(rc.change, ["region"]);
  if (!(own.state === "known" && typeof own.value === "string" && own.value !== "")) {
    const configured = providerRegion(plan, rc.address);
    if (configured !== undefined) found.add(configured);
  }
  return found.size === 1 ? [...found][0] : undefined;
}

/**
 * The pseudo parameters the plan shows for a stack, the same on both sides of its update: AWS::Region (stackRegion),
 * AWS::StackName (its name, known and unchanged), AWS::AccountId and AWS::Partition (from its ARN on both sides and
 * its provider's one `allowed_account_ids`, where all agree). Any one not certain is left out, so it reads as unknown.
 * A stack set has none: its template runs in each instance's account and region (red-team round 67: a Condition on
 * AWS::StackName or AWS::AccountId the plan shows stopped the plan).
 */
export type KnownPseudo = Readonly<Record<string, string>>;

export function stackPseudo(rc: PlanResourceChange, plan: PlanJson): KnownPseudo {
  if (rc.type !== "aws_cloudformation_stack" && rc.type !== "awscc_cloudformation_stack") return {};
  const out: Record<string, string> = {};
  const region = stackRegion(rc, plan);
  if (region !== undefined) out["AWS::Region"] = region;
  const nameKey = rc.type === "aws_cloudformation_stack" ? "name" : "stack_name";
  const was = getPath(rc.change.before, [nameKey]);
  const now = afterValue(rc.change, [nameKey]);
  if (typeof was === "string" && was !== "" && now.state === "known" && now.value === was) out["AWS::StackName"] = was;
  const accounts = new Set<string>();
  const partitions = new Set<string>();
  let certain = true;
  for (const k of ["id", "stack_id"]) {
    const after = afterValue(rc.change, [k]);
    if (after.state === "unknown") certain = false;
    for (const v of [getPath(rc.change.before, [k]), after.state === "known" ? after.value : undefined]) {
      if (typeof v !== "string" || v === "") continue;
      const arn = /^arn:(aws[a-z-]*):cloudformation:[a-z0-9-]+:(\d{12}):stack\//.exec(v);
      if (arn) {
        partitions.add(arn[1]);
        accounts.add(arn[2]);
      }
    }
  }
  const pinned = providerAccount(plan, rc.address);
  if (pinned !== undefined) accounts.add(pinned);
  if (certain && accounts.size === 1) out["AWS::AccountId"] = [...accounts][0];
  if (certain && partitions.size === 1) out["AWS::Partition"] = [...partitions][0];
  return out;
}

/** The known pseudo parameters as a scope's own values (a copy). */
export function knownPseudo(known: KnownPseudo | undefined): Record<string, unknown> {
  return { ...(known ?? {}) };
}

export const NOTIFICATIONS = "AWS::NotificationARNs";

/** How notification_arns changes: each side's list as shown, and the words a finding opens with. */
export interface NotificationsChange {
  /** The stack's attribute of its notification topics (notification_arns, awscc's notification_ar_ns). */
  readonly attribute: string;
  readonly was: string;
  readonly now: string;
  readonly label: string;
}

/**
 * `AWS::NotificationARNs` is the stack's own `notification_arns`, not a constant of the stack: a template that reads it
 * (`Fn::Equals [Fn::Join ["", Ref AWS::NotificationARNs], ""]` in a Condition) is evaluated anew with the new list,
 * and may drop or weaken what it guards when the list changes (red-team round 63). Where the template can be read,
 * it is judged as a changed parameter, in the template as parsed (so `AWS::Notification\u0041RNs` is the same name):
 * only a data resource whose Condition, policy, replacing property or guard reads it counts, not an alarm's
 * AlarmActions (red-team round 64). undefined when the list stays the same (in any order).
 */
export function notificationsChange(rc: PlanResourceChange): NotificationsChange | undefined {
  const attribute = NOTIFICATION_ATTRIBUTE[rc.type] ?? "notification_arns";
  const now = afterValue(rc.change, [attribute]);
  const was = getPath(rc.change.before, [attribute]) ?? null;
  const sorted = (v: unknown) => (Array.isArray(v) ? canonicalJson([...v].map(String).sort()) : canonicalJson(v ?? null));
  if (now.state === "known" && sorted(now.value) === sorted(was)) return undefined;
  const list = now.state === "known" ? show(now.value) : "known after apply";
  return { attribute, was: show(was), now: list, label: `${attribute} change (${show(was)} → ${list}), which the template reads as ${NOTIFICATIONS}` };
}

/**
 * The attribute of a stack's notification topics: the aws provider's `notification_arns`; the Cloud Control provider
 * writes CloudFormation's NotificationARNs in its own snake case, `notification_ar_ns` (red-team round 66: a change of
 * it was never read). Its other attributes read here follow CloudFormation's names as the rule expects them:
 * template_body, template_url, parameters, stack_id, and for a stack set stack_set_name and stack_instances_group.
 */
const NOTIFICATION_ATTRIBUTE: Readonly<Record<string, string>> = { aws_cloudformation_stack: "notification_arns", awscc_cloudformation_stack: "notification_ar_ns" };

/** A changed notification_arns where the new template cannot be read: it may read AWS::NotificationARNs. */
export function notificationsUnread(notes: NotificationsChange, after: ReturnType<typeof afterValue>): string {
  const what = after.state === "known" ? "the new template, which blastwall cannot read, may read" : "the new template, known only after apply, may read";
  return (
    `${notes.attribute} change (${notes.was} → ${notes.now}), and ${what} ${NOTIFICATIONS}, which CloudFormation evaluates anew with the new list: ` +
    "a Condition or setting computed from it may delete or weaken what it guards; compute it from a parameter instead, or have a human approve this exact plan"
  );
}

/** Pseudo parameters of one side: those the plan shows (stackPseudo), and AWS::NotificationARNs where the stack's list changes. */
export function sidePseudo(region: KnownPseudo | undefined, notes: NotificationsChange | undefined, list: string | undefined): Record<string, unknown> {
  return { ...knownPseudo(region), ...(notes === undefined || list === undefined ? {} : { [NOTIFICATIONS]: new Unknown(`${NOTIFICATIONS}, the stack's ${notes.attribute} ${list}`, false) }) };
}
