import type { Evidence, FindingDraft } from "../../engine/findings";
import { changeFinding, type PlanRule } from "../rule";
import type { PlanJson, PlanResourceChange } from "../types";
import { afterValue, getPath, isObject, isSensitive } from "../values";
import { canonicalJson } from "../canonical-json";
import { parseTemplate } from "../cfn-template";
import { condition, type Scope, scopeOf } from "../cfn-evaluate";
import { GUARDED_PROPERTIES, guardsCreated, guardsWeakened, organizationsDeleted, type Weakened } from "../cfn-guards";
import { keeps, REPLACING, snapshotIgnored } from "../cfn-tables";
import { conditionsOf, deletionPolicy, forEachLoops, holdsData, propertyOf, replacingProperties, type Resource, resourcesOf, show } from "../cfn-resources";
import { conditionText, evaluatedText, feedingProperties, mentions } from "../cfn-references";
import { NOTIFICATIONS, notificationsChange, type NotificationsChange, notificationsUnread, OVERRIDES, parameterMap, parametersAfter, parametersChanged, parameterSides, knownPseudo, sidePseudo, type Sides, stackPseudo, TEMPLATE, type KnownPseudo } from "./stack-sides";
import { nestedTemplatesReread, resolvedAtDeploy, topTemplateReread, transformsReread } from "./stack-rereads";
import { awsccInstancesChanged, contentMoved, productChanged, PRODUCTS, SAR_STACKS, sarStackChanged } from "./stack-sets-and-products";

/**
 * An in-place update of a CloudFormation stack or stack set changes what CloudFormation deploys: a resource dropped
 * from the template is deleted, one whose type or name-like property changes is replaced (the old one deleted), a
 * Condition that turns false deletes it, and a Retain policy dropped takes the keeping away. The plan shows only the
 * new template and parameters, so the rule compares them with the old.
 */
export const stackTemplateChanged: PlanRule = {
  meta: {
    id: "plan-stack-template-drops-data",
    title: "Plan changes a CloudFormation template so that CloudFormation deletes data",
    why:
      "A CloudFormation stack or stack set (of the aws or the Cloud Control provider) deletes every resource dropped from its template, or " +
      "whose Condition turns false, and replaces (deleting the old) one whose type or a property such as its name changes, unless its " +
      "DeletionPolicy (UpdateReplacePolicy for a replacement) is Retain, or Snapshot on a type CloudFormation can snapshot. Terraform shows " +
      "the change as an update in place of the stack, so no destroy of a database, table or bucket appears in the plan. A template that " +
      "weakens what keeps data in place, or that blastwall cannot read, counts too (docs/rules.md lists every case).",
    details: [
      "The types CloudFormation can snapshot are an EBS volume, an ElastiCache cluster or replication group, an RDS instance or cluster, a " +
        "DocumentDB or Neptune cluster, a Redshift cluster: on any other type CloudFormation applies Snapshot as Delete.",
      "",
      "**What blastwall cannot read counts.** A template blastwall cannot read (a transform, a template_url, YAML with a feature " +
        "CloudFormation does not support, a value known only after apply) counts as such a change, a new stack's too, and so do changed " +
        "parameters (a stack set instance's parameter overrides too) where the template's conditions, policies or replacing properties " +
        "depend on them, directly or through another resource of the template, or an Fn::ForEach loop's collection reads them (the resources " +
        "a loop makes are judged as written out), and other parameters for a nested stack, whose template blastwall cannot read.",
      "",
      "**Products, applications and stack sets.** So does a Service Catalog provisioned product updated to another product, version " +
        "(provisioning artifact) or parameters, whose template blastwall cannot read, and a Serverless Application Repository stack " +
        "(aws_serverlessapplicationrepository_cloudformation_stack) updated to another application, semantic_version or parameters, for " +
        "the same reason, and a stack set or provisioned product of a template whose template, URL, version, parameters or instances move, " +
        "as written or as each side's parameters evaluate them (a parameter alone too), or with a stack set operation of DELETE in its " +
        "provisioning preferences (of awscc, or in a template), which deletes the stack set's instances in the accounts and regions it names.",
      "",
      "**What runs or is fetched anew at deploy time.** So do names read from SSM at deploy time, at any update of the stack, and " +
        "resources of the template that run calls (schedules, rules, state machines, custom resources, EMR steps), new or changed, since " +
        "blastwall does not judge what they call. So does any update of a stack holding a nested stack (or SAM application) whose template " +
        "CloudFormation reads anew from S3 at that update, or of a stack or stack set deployed from a template_url (sent again with every " +
        "update), unless its TemplateURL (template_url) pins an object version (?versionId=); likewise an AWS::Include of the template " +
        "(unless it is an API's definition; an include's Location pins no version), and a macro transform (any but SAM, " +
        "AWS::LanguageExtensions, AWS::Include and AWS's SecretsManager and CodeDeployBlueGreen transforms), which CloudFormation runs anew " +
        "at every update.",
      "",
      "**Protection weakened in the template.** So does a template that weakens what keeps a data store in place: deletion protection or " +
        "point-in-time recovery switched off, backup, snapshot or log retention lowered, S3 versioning suspended, a new or changed S3 expiry " +
        "rule, a DynamoDB TTL switched on (or pointed at another attribute while on), a global table's replica removed, or any change to a " +
        "guardrail's content (a bucket, vault, key, secret or table policy, a vault lock, a backup plan (a rule added without continuous " +
        "backup, or kept longer, is routine) or selection, an SCP, a Recycle Bin rule, an ECR lifecycle policy), or an Organizations account " +
        "or OU moved to another parent or the organization taken off all features (an account, OU or organization dropped is deleted, out " +
        "from under its policies): the settings plan-deletion-protection-off, plan-backup-retention-lowered, plan-guardrail-changed and " +
        "plan-org-guardrails-lifted judge on Terraform resources. A new policy resource in a template (a bucket policy for a bucket the " +
        "template does not create) counts as creating aws_s3_bucket_policy does; each setting read as CloudFormation will read it, with the " +
        "stack's parameters, the template's parameter Defaults, Conditions and Mappings of each side, so a weakening through new parameter " +
        "values, a changed Default, a redefined Condition or a Mappings entry it reads counts (a resource's own Condition too, evaluated on " +
        "each side); one computed from something that changed and cannot be evaluated counts, and one read from SSM at deploy time counts at " +
        "any update.",
      "",
      "**Stack sets and S3 templates.** A stack set is also read as its instances outside the plan may override its parameters; a changed " +
        "notification_arns (awscc: notification_ar_ns) is a changed AWS::NotificationARNs; a template CloudFormation fetches from S3 (a " +
        "stack's template_url, a nested stack's TemplateURL) counts at any update unless the URL pins an object version.",
    ].join("\n"),
    fix:
      "Keep the resource in the template, or give it DeletionPolicy: Retain and UpdateReplacePolicy: Retain before removing or renaming it. " +
      "For a setting weakened in place, restore it (the finding names it; DeletionPolicy does not help there). For a template " +
      "blastwall cannot read, give it in template_body (JSON, or YAML without aliases or custom tags) with no transform, or have a human review the change and approve this exact plan. " +
      "For a nested stack, pin its TemplateURL to an object version of a versioned bucket (an https S3 URL ending ?versionId=...). For an AWS::Include, inline the snippet or move it to such a nested stack.",
    severity: "error",
    category: "plan",
  },
  check(rc, ctx) {
    if (OVERRIDES.has(rc.type)) return overridesChanged(rc, ctx.plan);
    if (PRODUCTS.has(rc.type)) return productChanged(rc);
    if (SAR_STACKS.has(rc.type)) return sarStackChanged(rc);
    const attribute = TEMPLATE[rc.type];
    if (attribute === undefined) return [];
    if (!rc.change.actions.includes("update")) return rc.change.actions.includes("create") ? newStackRunners(rc, attribute) : [];
    const before = getPath(rc.change.before, [attribute]);
    const after = afterValue(rc.change, [attribute]);
    const urlChanged = afterValue(rc.change, ["template_url"]);
    const beforeUrl = getPath(rc.change.before, ["template_url"]);
    const url = urlChanged.state === "unknown" || (urlChanged.value ?? null) !== (beforeUrl ?? null);
    const params = parametersAfter(rc);
    const changedParams = parametersChanged(params, parameterMap(getPath(rc.change.before, ["parameters"])), before, after);
    // A Cloud Control stack set's instances, and the parameters they override, are attributes of the stack set itself.
    const instances = rc.type === "awscc_cloudformation_stack_set" ? awsccInstancesChanged(rc) : { gone: [], overridden: new Set<string>() };
    for (const k of instances.overridden) if (changedParams !== "all") changedParams.add(k);
    // AWS::NotificationARNs is read as a parameter that changes with notification_arns, where the template can be read.
    const notes = notificationsChange(rc);
    const readable = after.state === "known" && resourcesOf(after.value, true) !== undefined;
    const label = notes && readable ? notes.label : undefined;
    if (label !== undefined && changedParams !== "all") changedParams.add(NOTIFICATIONS);
    const paramsChanged = changedParams === "all" || changedParams.size > 0;
    const templateChanged = !(after.state === "known" && after.value === before);
    // Any update of the stack, a tag's included, makes CloudFormation resolve SSM values anew, and read its nested
    // stacks' templates anew from S3.
    const sides = parameterSides(rc, params, ctx.plan);
    // Where the stack's region is known, AWS::Region is that region (a Region-keyed Mappings entry of another region is not read).
    // And AWS::StackName, AWS::AccountId and AWS::Partition where the plan shows them (stackPseudo).
    const known = stackPseudo(rc, ctx.plan);
    const resolved = [
      ...(url ? [] : topTemplateReread(rc)),
      ...(after.state === "known" ? [...resolvedAtDeploy(after.value), ...nestedTemplatesReread(before, after.value, sides, known), ...transformsReread(after.value)] : []),
      ...(notes && !readable ? [notificationsUnread(notes, after)] : []),
    ];
    // Protection weakened in place, each side read with its own parameters, Defaults and Conditions.
    const weakened = url || isSensitive(rc.change, [attribute]) ? [] : stackWeakened(before, after, sides, notes && readable ? notes : undefined, known);
    // A stack set's or provisioned product's content moved, by the text or by what the evaluation reads (parameters).
    const moved = url || after.state !== "known" || isSensitive(rc.change, [attribute]) ? [] : contentMoved(before, after.value, sides, notes && readable ? notes : undefined, known);
    if (!templateChanged && !url && !paramsChanged && resolved.length === 0 && instances.gone.length === 0 && weakened.length === 0 && moved.length === 0) return [];
    const drops = url
      ? [`the template_url changed (${show(beforeUrl)} → ${urlChanged.state === "unknown" ? "known after apply" : show(urlChanged.value)}): blastwall cannot read the template it names`, ...instances.gone]
      : [...(templateChanged ? dropped(rc, attribute, before, after, sides, known) : []), ...(paramsChanged ? parameterDependent(after, params, changedParams, label) : []), ...moved, ...resolved, ...instances.gone];
    const out: FindingDraft[] = [];
    if (drops.length > 0) {
      const evidence: Evidence[] = drops.map((d) => ({ step: "template", address: rc.address, detail: d }));
      out.push(changeFinding(rc, `The plan changes the template of ${rc.address}, and CloudFormation will delete data: ${drops.slice(0, 3).join("; ")}${drops.length > 3 ? `; and ${drops.length - 3} more` : ""}.`, evidence));
    }
    return [...out, ...weakenedFindings(rc, rc.address, weakened)];
  },
};

/**
 * Protection a template update weakens in place, as its own finding: keeping the resource (DeletionPolicy,
 * UpdateReplacePolicy) does not help there, so its fix names the settings to restore (red-team round 60).
 */
function weakenedFindings(rc: PlanResourceChange, stackAddress: string, weakened: readonly Weakened[]): FindingDraft[] {
  if (weakened.length === 0) return [];
  const more = (n: number) => (weakened.length > n ? `; and ${weakened.length - n} more` : "");
  const restore = weakened.slice(0, 3).map((w) => w.restore);
  return [
    {
      ...changeFinding(
        rc,
        `The plan updates ${stackAddress} so that CloudFormation weakens, in place, what keeps its data: ${weakened.slice(0, 3).map((w) => w.sentence).join("; ")}${more(3)}.`,
        weakened.map((w) => ({ step: "weakened", address: stackAddress, detail: w.sentence })),
      ),
      fix:
        `In the template or parameters of ${stackAddress}: ${restore.join("; ")}${more(3)}. ` +
        "DeletionPolicy and UpdateReplacePolicy do not help here: CloudFormation applies them only when it deletes or replaces a resource, not when it changes a setting in place. " +
        "If the change is intended, have a human approve this exact plan with `blastwall approve`.",
    },
  ];
}

/**
 * The protection a stack's update weakens in place: its template's guarded settings read with the parameters and
 * template of each side; for a Cloud Control stack set, also with each instance group's parameter overrides.
 */
function stackWeakened(before: unknown, after: ReturnType<typeof afterValue>, sides: Sides, notes?: NotificationsChange, known?: KnownPseudo): Weakened[] {
  if (after.state !== "known") return [];
  const out = new Map<string, Weakened>();
  // A changed notification_arns: AWS::NotificationARNs is another value on each side, not known to blastwall.
  for (const [b, a] of sides) for (const w of templateWeakened(before, after.value, b, a, [sidePseudo(known, notes, notes?.was), sidePseudo(known, notes, notes?.now)])) out.set(w.sentence, w);
  return [...out.values()];
}

/** The protection weakened between two templates (the same one for changed parameters alone), as sentences. */
function templateWeakened(
  before: unknown,
  after: unknown,
  passedBefore: Record<string, unknown>,
  passedAfter: Record<string, unknown> | "unknown",
  pseudo: readonly [Record<string, unknown>, Record<string, unknown>] = [{}, {}],
): Weakened[] {
  const old = resourcesOf(before, true);
  const now = resourcesOf(after, true);
  if (old === undefined || now === undefined) return [];
  const feeding = (r: Record<string, unknown>, attribute?: string) => feedingProperties(r as Resource, attribute);
  const scope = scopeOf(parseTemplate(after), passedAfter, feeding, pseudo[1]);
  return [...guardsWeakened(old, now, scopeOf(parseTemplate(before), passedBefore, feeding, pseudo[0]), scope), ...guardsCreated(old, now, scope)];
}

/**
 * Changed `parameter_overrides` of stack set instances update their stacks with the stack set's template under the
 * new values: judged as changed parameters of that template, read from the stack set in the plan (as it will be).
 * A stack set blastwall cannot find or read counts when the overrides change.
 */
function overridesChanged(rc: PlanResourceChange, plan: PlanJson): FindingDraft[] {
  if (!rc.change.actions.includes("update")) return [];
  const params = parametersAfter(rc, ["parameter_overrides"]);
  const changed = parametersChanged(params, getPath(rc.change.before, ["parameter_overrides"]), undefined, { state: "unknown" });
  if (changed !== "all" && changed.size === 0) return [];
  const name = afterValue(rc.change, ["stack_set_name"]);
  const set = plan.resource_changes.find((x) => {
    if (x.type !== "aws_cloudformation_stack_set" || x.mode === "data") return false;
    const n = afterValue(x.change, ["name"]);
    return name.state === "known" && n.state === "known" && n.value === name.value;
  });
  const template = set ? afterValue(set.change, ["template_body"]) : undefined;
  const setParams = set ? parametersAfter(set) : undefined;
  const base = setParams?.state === "known" ? parameterMap(setParams.value) : undefined;
  const overrides = (v: unknown) => parameterMap(v);
  const weakened =
    template?.state === "known" && base !== undefined
      ? templateWeakened(template.value, template.value, { ...base, ...overrides(getPath(rc.change.before, ["parameter_overrides"])) }, params.state === "unknown" ? "unknown" : { ...base, ...overrides(params.value) })
      : [];
  const drops =
    template?.state === "known" && typeof template.value === "string" && resourcesOf(template.value, true) !== undefined
      ? [
          ...parameterDependent(template, params, changed),
          // A stack set or provisioned product of that template whose content the new overrides move.
          // An include or macro of that template, processed anew for the instance's update.
          ...transformsReread(template.value),
          ...(base === undefined ? [] : contentMoved(template.value, template.value, [[{ ...base, ...overrides(getPath(rc.change.before, ["parameter_overrides"])) }, params.state === "unknown" ? "unknown" : { ...base, ...overrides(params.value) }]], undefined, undefined)),
        ]
      : [
          `the parameter overrides changed (${params.state === "unknown" ? "known only after apply" : `now ${show(params.value)}`}), and blastwall cannot read the template of the stack set ${name.state === "known" ? show(name.value) : "(known after apply)"}${set ? "" : ", which is not in this plan"} to tell what they replace`,
        ];
  const out =
    drops.length === 0
      ? []
      : [changeFinding(rc, `The plan changes the parameters of ${rc.address}, and CloudFormation will delete data in its stacks: ${drops.slice(0, 3).join("; ")}${drops.length > 3 ? `; and ${drops.length - 3} more` : ""}.`, drops.map((d) => ({ step: "template", address: set?.address ?? rc.address, detail: d })))];
  return [...out, ...weakenedFindings(rc, set ? `${rc.address} (stack set ${set.address})` : rc.address, weakened)];
}

/**
 * Changed parameters: the data-holding resources whose existence (Condition), keeping (a policy that is no plain
 * string) or identity (a property whose change replaces it) the new template takes from one of them, directly or
 * through its Conditions. A template blastwall cannot read counts when its text mentions a condition or such a policy.
 */
function parameterDependent(after: ReturnType<typeof afterValue>, params: ReturnType<typeof afterValue>, changed: Set<string> | "all", notifications?: string): string[] {
  const shownParams = params.state === "unknown" ? "known only after apply" : `now ${show(params.value)}`;
  const others = changed === "all" || [...changed].some((k) => k !== NOTIFICATIONS);
  const opening = notifications === undefined ? `the parameters changed (${shownParams})` : others ? `the parameters changed (${shownParams}), and ${notifications}` : notifications;
  if (after.state !== "known" || typeof after.value !== "string") return [];
  // A transform does not hide a resource's own Condition or policy: read the resources as written.
  const now = resourcesOf(after.value, true);
  if (now === undefined) {
    const replacing = [...new Set([...Object.values(REPLACING).flat(), ...GUARDED_PROPERTIES])].join("|");
    const dependent =
      /\bCondition\b|Fn::If|!If\b|(DeletionPolicy|UpdateReplacePolicy)["']?\s*:\s*[!{]/.test(after.value) || new RegExp(`\\b(${replacing})["']?\\s*:\\s*[!{]`).test(after.value);
    return dependent ? [`the parameters changed (${shownParams}), and the template, which blastwall cannot read, has conditions or policies that may depend on them`] : [];
  }
  const conditions = conditionsOf(parseTemplate(after.value));
  const uses = (v: unknown): boolean => v !== undefined && (changed === "all" || mentions(v, changed, conditions, now));
  const out: string[] = [];
  for (const loop of forEachLoops(after.value)) {
    if (uses(loop.collection) || loop.ids.some((x) => uses(x))) {
      out.push(
        `${opening}, and ${loop.id} (AWS::LanguageExtensions) makes its resources from them: CloudFormation expands it anew at this update, ` +
          "and deletes each resource that a value gone from its collection made",
      );
    }
  }
  for (const [id, r] of Object.entries(now)) {
    if (!holdsData(r)) continue;
    const kept = keeps(r.DeletionPolicy, r.Type);
    const replaceKept = keeps(r.UpdateReplacePolicy, r.Type);
    if (!kept && r.Condition !== undefined && uses({ Condition: r.Condition })) out.push(`${opening}, and ${id} (${String(r.Type)}) exists only under the condition ${show(r.Condition)}`);
    else if (r.DeletionPolicy !== undefined && typeof r.DeletionPolicy !== "string" && uses(r.DeletionPolicy)) out.push(`${opening}, and ${id} (${String(r.Type)}) takes its DeletionPolicy from them`);
    if (!replaceKept) {
      const props = replacingProperties(r).filter((k) => uses(propertyOf(r, k)));
      if (props.length > 0) out.push(`${opening}, and ${id} (${String(r.Type)}) takes ${props.join(", ")} from them: a change there replaces it, deleting the old one`);
    }
    // A nested stack is updated in place, not replaced, when its parameters change: its UpdateReplacePolicy keeps nothing then.
    if (r.Type === "AWS::CloudFormation::Stack" && (uses(propertyOf(r, "Parameters")) || uses(propertyOf(r, "TemplateURL")))) {
      out.push(`${opening}, and the nested stack ${id} takes its parameters or template from them: blastwall cannot read its template to tell whether that replaces what it holds`);
    }
  }
  return out;
}

/**
 * How an update turns a resource's condition, evaluated on each side with that side's template (its Conditions,
 * Mappings and parameter Defaults) and parameters: from true (or not known) to false, or from true to a value blastwall
 * cannot evaluate, or to another such value; undefined when it stays as it was, or was false (nothing to delete).
 * A Mappings entry edited under an unchanged Conditions section turns a condition as surely as a redefinition does
 * (red-team round 61).
 */
function conditionTurned(name: string, scopes: readonly (readonly [Scope, Scope])[]): string | undefined {
  for (const [b, a] of scopes) {
    const was = condition(name, b);
    const now = condition(name, a);
    if (now === true || was === false) continue;
    if (now === false) return was === true ? "turns from true to false, so CloudFormation deletes it" : `turns false (before, it was computed from ${was.text}), so CloudFormation deletes it where it was true`;
    if (was === true) return `turns from true to a value computed from ${now.text}, which blastwall cannot evaluate: where it is false, CloudFormation deletes it`;
    if (was.text !== now.text) return `computes from other values (${was.text} → ${now.text}), which blastwall cannot evaluate: where it turns false, CloudFormation deletes it`;
  }
  return undefined;
}

/** What the new template drops or leaves unkept, as sentences; one sentence when either template cannot be read. */
function dropped(rc: PlanResourceChange, attribute: string, before: unknown, after: ReturnType<typeof afterValue>, sides: Sides, known?: KnownPseudo): string[] {
  const region = known?.["AWS::Region"];
  if (after.state === "unknown") return ["the new template is known only after apply"];
  if (isSensitive(rc.change, [attribute])) return ["the template is sensitive, so the plan does not show it"];
  const old = resourcesOf(before);
  const now = resourcesOf(after.value);
  if (old === undefined) return ["the current template is not one blastwall can read (a transform, YAML with a feature CloudFormation does not support, or not a template), so blastwall cannot tell what the change drops"];
  if (now === undefined) return ["the new template is not one blastwall can read (a transform, YAML with a feature CloudFormation does not support, or not a template), so any resource may have been dropped"];
  const oldTemplate = parseTemplate(before);
  const newTemplate = parseTemplate(after.value);
  const feeding = (x: Record<string, unknown>, attr?: string) => feedingProperties(x as Resource, attr);
  const scopes = sides.map(([b, a]) => [scopeOf(oldTemplate, b, feeding, knownPseudo(known)), scopeOf(newTemplate, a, feeding, knownPseudo(known))] as const);
  const out: string[] = [];
  for (const [id, r] of Object.entries(old)) {
    const type = typeof r.Type === "string" ? r.Type : "(unknown type)";
    const next = now[id];
    const kept = keeps(deletionPolicy(r), r.Type);
    // A policy written to keep it marks it as holding data, a Snapshot the type ignores included: it is deleted.
    const stateful = holdsData(r) || kept || deletionPolicy(r) === "Snapshot";
    if (next === undefined) {
      if (stateful && !kept) out.push(`${id} (${type}) is dropped with DeletionPolicy ${show(r.DeletionPolicy ?? "Delete")}${snapshotIgnored(r.DeletionPolicy, type)}, so CloudFormation deletes it${organizationsDeleted(type)}`);
      continue;
    }
    const replaceKept = keeps(r.UpdateReplacePolicy, r.Type);
    if (next.Type !== r.Type && stateful && !replaceKept) {
      out.push(`${id} changes type from ${type} to ${show(next.Type)}, so CloudFormation replaces it and deletes the old one${organizationsDeleted(type)}`);
      continue;
    }
    // Compared as they come out: a property taken from another resource of the template changes with it.
    const differs = (k: string) => evaluatedText(propertyOf(r, k), oldTemplate, region) !== evaluatedText(propertyOf(next, k), newTemplate, region);
    if (stateful && !replaceKept) {
      const props = [...new Set([...replacingProperties(r), ...replacingProperties(next)])].filter(differs);
      if (props.length > 0) out.push(`${id} (${type}) changes ${props.join(", ")}, which makes CloudFormation replace it and delete the old one (UpdateReplacePolicy ${show(r.UpdateReplacePolicy ?? "Delete")}${snapshotIgnored(r.UpdateReplacePolicy, type)})${organizationsDeleted(type)}`);
    }
    // A stack set's or provisioned product's content (template, parameters, instances) is judged by contentMoved, at
    // every update, as written and as each side evaluates it.
    // A nested stack is updated in place, not replaced, when its template or parameters change: its
    // UpdateReplacePolicy keeps nothing then, and what the nested template drops is deleted.
    if (type === "AWS::CloudFormation::Stack" && stateful) {
      if (differs("TemplateURL")) {
        out.push(`the nested stack ${id} takes another template (${show(propertyOf(next, "TemplateURL"))}), which blastwall cannot read`);
      } else if (differs("Parameters")) {
        out.push(`the nested stack ${id} gets other parameters (now ${show(propertyOf(next, "Parameters"))}), and blastwall cannot read its template to tell whether they replace what it holds`);
      }
    }
    const turned = stateful && !kept && typeof next.Condition === "string" ? conditionTurned(next.Condition, scopes) : undefined;
    // A Condition put on it (or another one) is judged by its value on each side after the update: true on every side
    // (the parameters known), it exists as before and nothing is deleted (red-team round 66: a false alarm); false or
    // not known on any side, CloudFormation deletes it there.
    const conditionPut = stateful && next.Condition !== undefined && canonicalJson(r.Condition ?? null) !== canonicalJson(next.Condition ?? null);
    if (conditionPut && !scopes.every(([, a]) => condition(next.Condition, a) === true)) {
      out.push(`${id} (${type}) now exists only under the condition ${show(next.Condition)}; where it is false, CloudFormation deletes it${organizationsDeleted(type)}`);
    } else if (conditionPut) {
      // True on every side.
    } else if (turned !== undefined) {
      out.push(`${id} (${type}) exists only under the condition ${show(next.Condition)}, which this update ${turned} (evaluated with each side's parameters, Defaults, Conditions and Mappings)${organizationsDeleted(type)}`);
    } else if (stateful && !kept && typeof next.Condition === "string" && conditionText(next.Condition, oldTemplate, region) !== conditionText(next.Condition, newTemplate, region)) {
      out.push(`${id} (${type}) exists only under the condition ${show(next.Condition)}, which the template redefines (its Conditions, or the Mappings entries they read); where it turns false, CloudFormation deletes it${organizationsDeleted(type)}`);
    }
    for (const policy of ["DeletionPolicy", "UpdateReplacePolicy"] as const) {
      const was = policy === "DeletionPolicy" ? deletionPolicy(r) : String(r[policy]);
      const now = policy === "DeletionPolicy" ? deletionPolicy(next) : String(next[policy]);
      if (keeps(was, r.Type) && !keeps(now, next.Type)) out.push(`${id} (${type}) loses ${policy} ${show(r[policy] ?? was)} (now ${show(next[policy])}${snapshotIgnored(now, next.Type)}), so a later removal or replacement deletes it`);
    }
  }
  out.push(...runners(now, old));
  return out;
}

/**
 * Template resources that run calls blastwall does not read when written as CloudFormation: a schedule, a rule, a
 * state machine, an association, a DataSync task, and a custom resource (its function runs at create, update and
 * delete). Judged as Terraform resources (plan-command-scheduled, plan-lambda-invoked), in a template they count
 * when new or changed.
 */
const RUNNERS = new Set([
  "AWS::Scheduler::Schedule",
  "AWS::Events::Rule",
  "AWS::StepFunctions::StateMachine",
  "AWS::SSM::Association",
  "AWS::SSM::MaintenanceWindowTask",
  "AWS::Config::RemediationConfiguration",
  "AWS::Pipes::Pipe",
  "AWS::Glue::Trigger",
  "AWS::DataSync::Task",
  "AWS::CloudFormation::CustomResource",
  // EMR runs a step when it is created, with the cluster's rights (red-team round 58).
  "AWS::EMR::Step",
  // A nested stack added to a template: its own template is not in the plan.
  "AWS::CloudFormation::Stack",
]);

/** The resources of a template that run calls, new (no `old`) or changed; also read in a Config conformance pack's template. */
export function runners(now: Readonly<Record<string, Resource>>, old: Readonly<Record<string, Resource>> | undefined): string[] {
  const out: string[] = [];
  for (const [id, r] of Object.entries(now)) {
    const type = String(r.Type);
    // An alarm runs nothing but its actions: one that terminates, reboots or stops an instance is a runner.
    const alarm = type === "AWS::CloudWatch::Alarm" && /:automate:[^"]*:ec2:(terminate|stop|reboot)/.test(JSON.stringify(r.Properties ?? null));
    const was = old?.[id];
    // A cluster runs its steps and bootstrap actions as it starts: new ones, or a cluster new or replaced with them.
    const emrParts = (x: Resource | undefined) => canonicalJson([propertyOf(x ?? {}, "Steps") ?? null, propertyOf(x ?? {}, "BootstrapActions") ?? null]);
    const emr = type === "AWS::EMR::Cluster" && isObject(r.Properties) && (r.Properties.Steps !== undefined || r.Properties.BootstrapActions !== undefined) && (was === undefined || emrParts(was) !== emrParts(r));
    if (!RUNNERS.has(type) && !type.startsWith("Custom::") && !alarm && !emr) continue;
    // An existing nested stack is judged by its template URL and parameters (see dropped), and its template read anew
    // (nestedTemplatesReread): only a new one is a runner here.
    if (type === "AWS::CloudFormation::Stack" && was !== undefined) continue;
    if (was !== undefined && canonicalJson(was) === canonicalJson(r)) continue;
    out.push(`${id} (${type}) is ${was === undefined ? "new" : "changed"}: it runs calls (a schedule's, a rule's, a state machine's, a function's) that blastwall does not read inside a template`);
  }
  return out;
}

/** A new stack whose template (when blastwall can read it) holds resources that run calls. */
function newStackRunners(rc: PlanResourceChange, attribute: string): FindingDraft[] {
  const after = afterValue(rc.change, [attribute]);
  const unread = unreadNewTemplate(rc, attribute, after);
  if (unread !== undefined) {
    return [changeFinding(rc, `The plan creates ${rc.address}, whose template blastwall cannot read (${unread}): what it deploys may run calls that delete data.`, [{ step: "template", address: rc.address, detail: unread }])];
  }
  const found = after.state === "known" ? runners(resourcesOf(after.value) ?? {}, undefined) : [];
  // Every resource of a new stack is new: one that writes a guardrail over a resource outside it (a bucket policy
  // for an existing bucket) is judged as its create would be in Terraform.
  const params = parametersAfter(rc);
  const written = after.state === "known" ? createdGuardrails({}, after.value, params.state === "unknown" ? "unknown" : parameterMap(params.value)) : [];
  const runs =
    found.length === 0
      ? []
      : [changeFinding(rc, `The plan creates ${rc.address}, whose template runs calls blastwall cannot judge: ${found.slice(0, 3).join("; ")}${found.length > 3 ? `; and ${found.length - 3} more` : ""}.`, found.map((d) => ({ step: "template", address: rc.address, detail: d })))];
  return [...runs, ...weakenedFindings(rc, rc.address, written)];
}

/** The guardrails a template's new resources write over what AWS holds (see guardsCreated). */
function createdGuardrails(old: Readonly<Record<string, Resource>>, after: unknown, passed: Record<string, unknown> | "unknown"): Weakened[] {
  const now = resourcesOf(after, true);
  if (now === undefined) return [];
  const feeding = (r: Record<string, unknown>, attribute?: string) => feedingProperties(r as Resource, attribute);
  return guardsCreated(old, now, scopeOf(parseTemplate(after), passed, feeding));
}

/**
 * Why a new stack's template cannot be read, or undefined when it can. A new stack deletes nothing that exists, but
 * what it deploys may run code (a custom resource, a schedule, a state machine): a template that cannot be read may
 * hold such a thing, and a transform (SAM, a macro) deploys resources blastwall does not see.
 */
function unreadNewTemplate(rc: PlanResourceChange, attribute: string, after: ReturnType<typeof afterValue>): string | undefined {
  if (isSensitive(rc.change, [attribute])) return "the template is sensitive, so the plan does not show it";
  if (after.state === "unknown") return "the template is known only after apply";
  if (after.value === undefined || after.value === null) {
    const url = afterValue(rc.change, ["template_url"]);
    return `it comes from template_url ${url.state === "unknown" ? "(known after apply)" : show(url.value)}, which blastwall does not fetch`;
  }
  const parsed = parseTemplate(after.value);
  if (!isObject(parsed) || !isObject(parsed.Resources)) return "it is not a CloudFormation template blastwall can read: not JSON, or YAML with a feature CloudFormation does not support, or no Resources";
  if (resourcesOf(after.value) === undefined) return "it uses a transform (SAM, a macro, Fn::ForEach), which deploys resources the template does not show";
  return undefined;
}
