import type { Evidence, FindingDraft } from "../../engine/findings";
import { changeFinding, type PlanRule } from "../rule";
import type { PlanJson, PlanResourceChange } from "../types";
import { afterValue, getPath, isObject, isSensitive } from "../values";
import { canonicalJson } from "../canonical-json";
import { providerRegion } from "../config-expressions";
import { parseTemplate } from "../cfn-template";
import { condition, evaluate, fingerprint, hasDeploy, hasUnknown, plain, type Scope, scopeOf, Unknown } from "../cfn-evaluate";
import { GUARDED_PROPERTIES, guardsCreated, guardsWeakened, type Weakened } from "../cfn-guards";
import { CONTENT, keeps, REPLACING, snapshotIgnored } from "../cfn-tables";
import { conditionsOf, deletionPolicy, forEachLoops, holdsData, propertyOf, replacingProperties, type Resource, resourcesOf, show } from "../cfn-resources";
import { conditionText, evaluatedText, feedingProperties, joined, mentions } from "../cfn-references";

/**
 * The template attributes of the types this rule reads: the aws provider's stacks and stack sets, and the Cloud Control
 * provider's (hashicorp/awscc), which update the same CloudFormation stack in place (red-team round 60).
 */
const TEMPLATE: Readonly<Record<string, string>> = {
  aws_cloudformation_stack: "template_body",
  aws_cloudformation_stack_set: "template_body",
  awscc_cloudformation_stack: "template_body",
  awscc_cloudformation_stack_set: "template_body",
};

/**
 * A stack's parameters as a map of key to value: the aws provider and awscc_cloudformation_stack write a map,
 * awscc_cloudformation_stack_set (and its instances' overrides) a list of `{ parameter_key, parameter_value }`.
 */
function parameterMap(v: unknown): Record<string, unknown> {
  if (Array.isArray(v)) return Object.fromEntries(v.filter(isObject).map((p) => [String(p.parameter_key ?? ""), p.parameter_value ?? null]));
  return isObject(v) ? v : {};
}

function parametersAfter(rc: PlanResourceChange, path: readonly string[] = ["parameters"]): ReturnType<typeof afterValue> {
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
      "A CloudFormation stack or stack set (of the aws or the Cloud Control provider) deletes every resource dropped from its template, or whose Condition turns false, and replaces (deleting the old) " +
      "one whose type or a property such as its name changes, unless its DeletionPolicy (UpdateReplacePolicy for a replacement) is Retain, or Snapshot on a type CloudFormation can snapshot " +
      "(an EBS volume, an ElastiCache cluster or replication group, an RDS instance or cluster, a DocumentDB or Neptune cluster, a Redshift cluster): on any other type CloudFormation applies Snapshot as Delete. " +
      "Terraform shows the change as an update in place of the stack, so no destroy of a database, table or bucket appears in the plan. " +
      "A template blastwall cannot read (a transform, a template_url, YAML with a feature CloudFormation does not support, a value known only after apply) counts as such a change, " +
      "a new stack's too, and so do changed " +
      "parameters (a stack set instance's parameter overrides too) where the template's conditions, policies or replacing properties depend on them, " +
      "directly or through another resource of the template, or an Fn::ForEach loop's collection reads them (the resources a loop makes are judged as written out), and other parameters for a nested stack, whose template blastwall cannot read. " +
      "So does a Service Catalog provisioned product updated to another product, version (provisioning artifact) or parameters, whose template blastwall cannot read, " +
      "and a stack set or provisioned product of a template whose template, URL, version, parameters or instances move, as written or as each side's parameters evaluate them (a parameter alone too), " +
      "or with a stack set operation of DELETE in its provisioning preferences (of awscc, or in a template), which deletes the stack set's instances in the accounts and regions it names. " +
      "So do names read from SSM at deploy time, at any update of the stack, and resources of the template that run calls (schedules, rules, state machines, " +
      "custom resources, EMR steps), new or changed, since blastwall does not judge what they call. " +
      "So does any update of a stack holding a nested stack (or SAM application) whose template CloudFormation reads anew from S3 at that update, " +
      "or of a stack or stack set deployed from a template_url (sent again with every update), " +
      "unless its TemplateURL (template_url) pins an object version (?versionId=); likewise an AWS::Include of the template (unless its Location pins a version, or it is an API's definition), " +
      "and a macro transform (any but SAM, AWS::LanguageExtensions, AWS::Include and AWS's SecretsManager and CodeDeployBlueGreen transforms), which CloudFormation runs anew at every update. And a template that weakens what keeps a data store in place: " +
      "deletion protection or point-in-time recovery switched off, backup, snapshot or log retention lowered, S3 versioning suspended, a new or changed S3 expiry rule, a DynamoDB TTL switched on (or pointed at another attribute while on), " +
      "a global table's replica removed, or any change to a guardrail's content (a bucket, vault, key, secret or table policy, a vault lock, a backup plan (a rule added without continuous backup, or kept longer, is routine) or selection, an SCP, " +
      "a Recycle Bin rule, an ECR lifecycle policy): the settings plan-deletion-protection-off, plan-backup-retention-lowered and plan-guardrail-changed judge on Terraform resources. " +
      "A new policy resource in a template (a bucket policy for a bucket the template does not create) counts as creating aws_s3_bucket_policy does; " +
      "each setting read as CloudFormation will read it, with the stack's parameters, the template's parameter Defaults, Conditions and Mappings of each side, so a weakening through " +
      "new parameter values, a changed Default, a redefined Condition or a Mappings entry it reads counts (a resource's own Condition too, evaluated on each side); one computed from something that changed and cannot be evaluated counts, and one read from SSM at deploy time counts at any update. " +
      "A stack set is also read as its instances outside the plan may override its parameters; a changed notification_arns (awscc: notification_ar_ns) is a changed AWS::NotificationARNs; " +
      "a template CloudFormation fetches from S3 (a stack's template_url, a nested stack's TemplateURL) counts at any update unless the URL pins an object version.",
    fix:
      "Keep the resource in the template, or give it DeletionPolicy: Retain and UpdateReplacePolicy: Retain before removing or renaming it. " +
      "For a setting weakened in place, restore it (the finding names it; DeletionPolicy does not help there). For a template " +
      "blastwall cannot read, give it in template_body (JSON, or YAML without aliases or custom tags) with no transform, or have a human review the change and approve this exact plan. " +
      "For a nested stack, pin its TemplateURL to an object version of a versioned bucket (?versionId=...).",
    severity: "error",
    category: "plan",
  },
  check(rc, ctx) {
    if (OVERRIDES.has(rc.type)) return overridesChanged(rc, ctx.plan);
    if (PRODUCTS.has(rc.type)) return productChanged(rc);
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
    const region = stackRegion(rc, ctx.plan);
    const resolved = [
      ...(url ? [] : topTemplateReread(rc)),
      ...(after.state === "known" ? [...resolvedAtDeploy(after.value), ...nestedTemplatesReread(before, after.value, sides, region), ...transformsReread(after.value)] : []),
      ...(notes && !readable ? [notificationsUnread(notes, after)] : []),
    ];
    // Protection weakened in place, each side read with its own parameters, Defaults and Conditions.
    const weakened = url || isSensitive(rc.change, [attribute]) ? [] : stackWeakened(before, after, sides, notes && readable ? notes : undefined, region);
    // A stack set's or provisioned product's content moved, by the text or by what the evaluation reads (parameters).
    const moved = url || after.state !== "known" || isSensitive(rc.change, [attribute]) ? [] : contentMoved(before, after.value, sides, notes && readable ? notes : undefined, region);
    if (!templateChanged && !url && !paramsChanged && resolved.length === 0 && instances.gone.length === 0 && weakened.length === 0 && moved.length === 0) return [];
    const drops = url
      ? [`the template_url changed (${show(beforeUrl)} → ${urlChanged.state === "unknown" ? "known after apply" : show(urlChanged.value)}): blastwall cannot read the template it names`, ...instances.gone]
      : [...(templateChanged ? dropped(rc, attribute, before, after, sides, region) : []), ...(paramsChanged ? parameterDependent(after, params, changedParams, label) : []), ...moved, ...resolved, ...instances.gone];
    const out: FindingDraft[] = [];
    if (drops.length > 0) {
      const evidence: Evidence[] = drops.map((d) => ({ step: "template", address: rc.address, detail: d }));
      out.push(changeFinding(rc, `The plan changes the template of ${rc.address}, and CloudFormation will delete data: ${drops.slice(0, 3).join("; ")}${drops.length > 3 ? `; and ${drops.length - 3} more` : ""}.`, evidence));
    }
    return [...out, ...weakenedFindings(rc, rc.address, weakened)];
  },
};

const NOTIFICATIONS = "AWS::NotificationARNs";

/** How notification_arns changes: each side's list as shown, and the words a finding opens with. */
interface NotificationsChange {
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
function notificationsChange(rc: PlanResourceChange): NotificationsChange | undefined {
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
function notificationsUnread(notes: NotificationsChange, after: ReturnType<typeof afterValue>): string {
  const what = after.state === "known" ? "the new template, which blastwall cannot read, may read" : "the new template, known only after apply, may read";
  return (
    `${notes.attribute} change (${notes.was} → ${notes.now}), and ${what} ${NOTIFICATIONS}, which CloudFormation evaluates anew with the new list: ` +
    "a Condition or setting computed from it may delete or weaken what it guards; compute it from a parameter instead, or have a human approve this exact plan"
  );
}

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
 * Service Catalog provisioned products, whose product version (provisioning artifact) is a CloudFormation template
 * blastwall cannot read: another product, version or parameters makes Service Catalog update the product's stack
 * with them, as AWS::ServiceCatalog::CloudFormationProvisionedProduct does in a template (see CONTENT).
 */
const PRODUCTS: ReadonlySet<string> = new Set(["aws_servicecatalog_provisioned_product", "awscc_servicecatalog_cloudformation_provisioned_product"]);

/** The attributes of a provisioned product that choose the template its stack is updated with, and its parameters. */
const PRODUCT_CONTENT: readonly string[] = ["product_id", "product_name", "provisioning_artifact_id", "provisioning_artifact_name", "provisioning_parameters"];

/** Provisioning parameters by key (the order of the blocks is no change). */
function productParameters(v: unknown): unknown {
  if (!Array.isArray(v)) return v ?? null;
  const entries = v.map((p) => (isObject(p) ? [String(p.key ?? ""), canonicalJson(Object.fromEntries(Object.entries(p).filter(([k]) => k !== "key")))] : ["", canonicalJson(p ?? null)]));
  return entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** An update of a provisioned product to another product, version or parameters (a replace is plan-protected-delete's). */
function productChanged(rc: PlanResourceChange): FindingDraft[] {
  if (rc.change.actions.includes("update")) return [...productContentChanged(rc), ...stackInstancesDeleted(rc)];
  // Made with DELETE in its preferences, it deletes its stack instances at its next update, whatever changes then.
  if (rc.change.actions.includes("create")) return stackInstancesDeleted(rc);
  return [];
}

/**
 * A Cloud Control provisioned product whose update carries `provisioning_preferences.stack_set_operation_type`
 * DELETE (new, or for other accounts or regions), or preferences known only after apply: for a CFN_STACKSET product,
 * UpdateProvisionedProduct with StackSetOperationType DELETE deletes the stack set's instances in the
 * StackSetAccounts and StackSetRegions given (all of the STACKSET constraint's when left out), and each instance's
 * stack deletes what it made (red-team round 61). The aws provider's stack_set_provisioning_preferences has no
 * operation type: it always updates.
 */
function stackInstancesDeleted(rc: PlanResourceChange): FindingDraft[] {
  if (rc.type !== "awscc_servicecatalog_cloudformation_provisioned_product") return [];
  const path = ["provisioning_preferences"];
  const before = getPath(rc.change.before, path) ?? null;
  const unknown = afterValue(rc.change, path).state === "unknown" || JSON.stringify(getPath(rc.change.after_unknown, path) ?? false).includes("true");
  const after = unknown ? undefined : (getPath(rc.change.after, path) ?? null);
  const op = isObject(after) ? after.stack_set_operation_type : undefined;
  const deletes = typeof op === "string" && op.trim().toUpperCase() === "DELETE";
  // Unchanged DELETE preferences count too: Cloud Control sends them with every update, a tag change's included, so
  // DELETE planted at create or an earlier update fires at any later one (red-team round 62).
  if (!unknown && !deletes) return [];
  const created = !rc.change.actions.includes("update");
  const list = (k: string, all: string) => {
    const v = isObject(after) ? after[k] : undefined;
    return Array.isArray(v) && v.length > 0 ? v.map((x) => show(x)).join(", ") : all;
  };
  const detail = unknown
    ? `provisioning_preferences ${show(before)} → (known after apply): with stack_set_operation_type DELETE, Service Catalog deletes the stack set's instances in the accounts and regions it names, and every resource of their stacks that is not retained`
    : `provisioning_preferences.stack_set_operation_type "DELETE" for accounts ${list("stack_set_accounts", "(all of the product's STACKSET constraint)")} in regions ${list("stack_set_regions", "(all of the product's STACKSET constraint)")} (was ${show(before)}): ` +
      "Service Catalog deletes those stack instances of the product's stack set, and each instance's stack deletes every resource it made that is not retained; blastwall cannot read that template";
  const what = created
    ? `The plan creates the provisioned product ${rc.address} with a stack set operation that deletes stack instances, which its next update, whatever changes then, carries out: ${detail}.`
    : `The plan updates the provisioned product ${rc.address} with a stack set operation that deletes stack instances: ${detail}.`;
  return [
    {
      ...changeFinding(rc, what, [{ step: "template", address: rc.address, detail }]),
      fix:
        `In ${rc.address}, leave provisioning_preferences.stack_set_operation_type UPDATE (or unset). ` +
        "If the instances are to go, have a human check what their stacks hold and approve this exact plan with `blastwall approve`.",
    },
  ];
}

function productContentChanged(rc: PlanResourceChange): FindingDraft[] {
  const changed: string[] = [];
  for (const k of PRODUCT_CONTENT) {
    const before = getPath(rc.change.before, [k]);
    const after = afterValue(rc.change, [k]);
    const norm = k === "provisioning_parameters" ? productParameters : (v: unknown) => v ?? null;
    if (after.state === "known" && canonicalJson(norm(before)) === canonicalJson(norm(after.value))) continue;
    changed.push(`${k} ${shownValue(rc, k, before, false)} → ${shownValue(rc, k, after.state === "known" ? after.value : undefined, after.state === "unknown")}`);
  }
  if (changed.length === 0) return [];
  const detail =
    "Service Catalog updates the product's CloudFormation stack with the template of that product version and these parameters; blastwall cannot read that template, " +
    "and CloudFormation deletes every resource it drops, or replaces through the new parameters, unless its DeletionPolicy keeps it";
  return [
    {
      ...changeFinding(rc, `The plan updates the provisioned product ${rc.address} to another product, version or parameters (${changed.join("; ")}): ${detail}.`, [
        ...changed.map((d) => ({ step: "changed", address: rc.address, detail: d })),
        { step: "template", address: rc.address, detail },
      ]),
      fix:
        `Keep ${rc.address} on its current product version and parameters, or have a human read the new version's template (and what the new parameters replace in it) ` +
        "and approve this exact plan with `blastwall approve`.",
    },
  ];
}

function shownValue(rc: PlanResourceChange, k: string, v: unknown, unknown: boolean): string {
  if (unknown) return "(known after apply)";
  if (isSensitive(rc.change, [k])) return "(sensitive)";
  return show(v ?? null);
}

/**
 * The protection a stack's update weakens in place: its template's guarded settings read with the parameters and
 * template of each side; for a Cloud Control stack set, also with each instance group's parameter overrides.
 */
function stackWeakened(before: unknown, after: ReturnType<typeof afterValue>, sides: Sides, notes?: NotificationsChange, region?: string): Weakened[] {
  if (after.state !== "known") return [];
  const out = new Map<string, Weakened>();
  // A changed notification_arns: AWS::NotificationARNs is another value on each side, not known to blastwall.
  for (const [b, a] of sides) for (const w of templateWeakened(before, after.value, b, a, [sidePseudo(region, notes, notes?.was), sidePseudo(region, notes, notes?.now)])) out.set(w.sentence, w);
  return [...out.values()];
}

/**
 * The region a stack runs in, where the plan says so: its `region` argument (provider v6), else its provider
 * configuration's literal region, and the region in its ARN (`id`, or awscc's `stack_id`) when present; undefined when
 * none says, one is known only after apply, or they disagree. A stack set's template runs in each of its instances'
 * regions, so none is its region.
 */
function stackRegion(rc: PlanResourceChange, plan: PlanJson): string | undefined {
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

/** AWS::Region as a pseudo parameter of a scope: the stack's region, where known. */
function regionPseudo(region: string | undefined): Record<string, unknown> {
  return region === undefined ? {} : { "AWS::Region": region };
}

/** The parameters a stack's template is read with, before and after the update ("unknown": known only after apply). */
type Sides = readonly (readonly [Record<string, unknown>, Record<string, unknown> | "unknown"])[];

/**
 * The parameters of each side of a stack's update: the stack's own, and for a Cloud Control stack set also each
 * instance group's with its overrides (a group the update removes is judged as instances gone).
 */
function parameterSides(rc: PlanResourceChange, params: ReturnType<typeof afterValue>, plan: PlanJson): Sides {
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

/** Stack set instances, which may pass parameters of their own to the stack set's template. */
const OVERRIDES = new Set(["aws_cloudformation_stack_set_instance", "aws_cloudformation_stack_instances"]);

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
 * Data-holding resources whose existence, keeping or identity comes from a value CloudFormation reads from SSM
 * Parameter Store at each stack operation (`{{resolve:ssm:...}}`, a parameter of type
 * `AWS::SSM::Parameter::Value<...>`): the value may have changed outside the plan, and any update of the stack
 * applies it. The plan cannot show it, so it counts.
 */
function resolvedAtDeploy(template: unknown): string[] {
  const now = resourcesOf(template, true);
  if (now === undefined) return [];
  const parsed = parseTemplate(template);
  const params = isObject(parsed) && isObject(parsed.Parameters) ? parsed.Parameters : {};
  const ssm = new Set(Object.entries(params).filter(([, p]) => isObject(p) && typeof p.Type === "string" && p.Type.startsWith("AWS::SSM::Parameter::Value")).map(([k]) => k));
  const conditions = conditionsOf(parsed);
  // A secret the template makes itself (`{{resolve:secretsmanager:${Secret}...}}`, AWS's pattern for a master
  // username) holds what the template writes there; any other dynamic reference reads a value made elsewhere.
  const outside = (value: unknown) => {
    const text = JSON.stringify(joined(value));
    const refs = [...text.matchAll(/\{\{resolve:([a-z-]+):((?:\$\{[^}]*\}|[^}])*)\}\}/g)];
    // A reference written in pieces (`Fn::Join`) is not parsed: it counts.
    if (refs.length === 0) return text.includes("{{resolve");
    return refs.some((m) => {
      const id = /^\$\{([A-Za-z0-9]+)\}/.exec(m[2])?.[1];
      return !(m[1] === "secretsmanager" && id !== undefined && now[id]?.Type === "AWS::SecretsManager::Secret");
    });
  };
  const fromSsm = (v: unknown): boolean => v !== undefined && (outside(v) || (ssm.size > 0 && mentions(v, ssm, conditions, now)));
  const out: string[] = [];
  for (const loop of forEachLoops(template)) {
    if (fromSsm(loop.collection)) out.push(`${loop.id} (AWS::LanguageExtensions) takes its collection from a value stored outside the template (SSM Parameter Store or Secrets Manager), which CloudFormation reads anew at this update: each resource that a value gone from it made is deleted`);
  }
  for (const [id, r] of Object.entries(now)) {
    if (!holdsData(r)) continue;
    const kept = keeps(r.DeletionPolicy, r.Type);
    const replaceKept = keeps(r.UpdateReplacePolicy, r.Type);
    const props = replaceKept ? [] : replacingProperties(r).filter((k) => fromSsm(propertyOf(r, k)));
    if (props.length > 0) out.push(`${id} (${String(r.Type)}) takes ${props.join(", ")} from a value stored outside the template (SSM Parameter Store or Secrets Manager), which CloudFormation reads anew at this update: a value changed there replaces it, deleting the old one`);
    else if (!kept && r.Condition !== undefined && fromSsm({ Condition: r.Condition })) out.push(`${id} (${String(r.Type)}) exists under a condition that reads SSM Parameter Store anew at this update`);
  }
  return out;
}

/** The types of a template that deploy another template, named by a property: a nested stack, a SAM application. */
const NESTED: Readonly<Record<string, string>> = { "AWS::CloudFormation::Stack": "TemplateURL", "AWS::Serverless::Application": "Location" };

/**
 * Whether a template URL names one version of its object: a URL whose query (after its only `?`, with no fragment)
 * holds a `versionId` other than `null`. Its content cannot change under the same URL. A `versionId=` anywhere else
 * is part of the object's key (`data-tier&versionId=3.json`), which names the current, writable version (red-team
 * round 62).
 */
function pinnedVersion(location: string): boolean {
  if ((location.match(/\?/g) ?? []).length !== 1 || location.includes("#")) return false;
  let url: URL;
  try {
    url = new URL(location);
  } catch {
    return false;
  }
  const version = url.searchParams.get("versionId");
  return version !== null && version !== "" && version !== "null" && !/[${}]/.test(version);
}

/**
 * A stack or stack set deployed from a `template_url` that stays: the aws provider sends TemplateURL with every
 * UpdateStack (and UpdateStackSet) whenever template_url is set, a tag change's included, and Cloud Control sends the
 * whole desired state, so CloudFormation fetches the S3 object as it is now and applies it. The plan shows only the
 * template_body CloudFormation held before (Optional and Computed, it keeps its old value). It counts, as a nested
 * stack's TemplateURL does, unless the URL pins an object version (red-team round 63).
 */
function topTemplateReread(rc: PlanResourceChange): string[] {
  const url = afterValue(rc.change, ["template_url"]);
  if (url.state !== "known" || url.value === undefined || url.value === null || url.value === "") return [];
  if (typeof url.value === "string" && pinnedVersion(url.value)) return [];
  return [
    `${rc.address} takes its template from template_url ${show(url.value)}, which CloudFormation reads anew from S3 at this update (the provider sends it with every update): ` +
      "whatever that object holds now is applied, and what it drops is deleted, unseen by the plan; pin the version " +
      "(template_url ending ?versionId=<the object's version> in a versioned bucket), so that a new template comes only with a new URL the plan shows",
  ];
}

/**
 * Transforms that expand the template and its parameters alone, the same way at every update (judged as written);
 * and AWS's own transforms that add resources holding no data beside the template's, which are judged as written:
 * AWS::SecretsManager-2020-07-23 (a rotation function for a RotationSchedule's HostedRotationLambda) and
 * AWS::CodeDeployBlueGreen (an ECS service's replacement task sets). Neither runs code of anyone's but AWS's.
 */
const EXPANDING_TRANSFORMS: ReadonlySet<string> = new Set(["AWS::Serverless-2016-10-31", "AWS::LanguageExtensions", "AWS::SecretsManager-2020-07-23", "AWS::CodeDeployBlueGreen"]);

/**
 * Types whose included content (an API definition, `DefinitionBody: Fn::Transform AWS::Include`, SAM's documented
 * pattern) is the value of that API alone: it holds no data and runs no calls, and no other resource's identity follows it.
 */
const INCLUDE_INERT: ReadonlySet<string> = new Set(["AWS::Serverless::Api", "AWS::Serverless::HttpApi", "AWS::ApiGateway::RestApi", "AWS::ApiGatewayV2::Api"]);

/**
 * Transforms CloudFormation processes anew at every update of the stack, a tag's included, with what they read as it
 * is then (red-team round 66). An `AWS::Include` (a top-level Transform, or `Fn::Transform` anywhere) inserts the S3
 * object's current content: it counts, as a nested stack's TemplateURL does, unless its Location pins an object
 * version (`?versionId=`), or it is an API's definition (INCLUDE_INERT). A macro (any transform but SAM,
 * AWS::LanguageExtensions and AWS::Include) runs its function with the template and parameters and may make other
 * resources each time: blastwall cannot see what it makes, so any update counts. SAM and AWS::LanguageExtensions are
 * judged as written (their resources, `Fn::ForEach` loops, nested applications).
 */
function transformsReread(template: unknown): string[] {
  const parsed = parseTemplate(template);
  if (!isObject(parsed)) return [];
  const found: { where: string; transform: unknown; inert: boolean }[] = [];
  const add = (where: string, t: unknown, inert = false) => {
    for (const x of Array.isArray(t) ? t : [t]) found.push({ where, transform: x, inert });
  };
  const walk = (v: unknown, where: string, inert: boolean): void => {
    if (Array.isArray(v)) v.forEach((x) => walk(x, where, inert));
    else if (isObject(v)) {
      for (const [k, x] of Object.entries(v)) {
        if (k === "Fn::Transform") add(where, x, inert);
        walk(x, where, inert);
      }
    }
  };
  if (parsed.Transform !== undefined) add("Transform", parsed.Transform);
  for (const [k, v] of Object.entries(parsed)) {
    if (k === "Transform") continue;
    if (k !== "Resources" || !isObject(v)) {
      walk(v, k, false);
      continue;
    }
    for (const [id, r] of Object.entries(v)) {
      if (id === "Fn::Transform") add("Resources", r);
      // A resource's Properties (or the whole resource) an include writes: inert only for an API's definition.
      const inert = isObject(r) && typeof r.Type === "string" && INCLUDE_INERT.has(r.Type);
      if (isObject(r)) for (const [part, x] of Object.entries(r)) walk(x, `${id}${part === "Properties" ? "" : `.${part}`}`, inert && part === "Properties");
      else walk(r, id, false);
    }
  }
  const out = new Set<string>();
  for (const { where, transform, inert } of found) {
    const name = isObject(transform) ? transform.Name : transform;
    if (typeof name === "string" && EXPANDING_TRANSFORMS.has(name)) continue;
    if (name === "AWS::Include") {
      const location = isObject(transform) && isObject(transform.Parameters) ? transform.Parameters.Location : undefined;
      if (inert || (typeof location === "string" && pinnedVersion(location))) continue;
      out.add(
        `the template includes ${show(location)} (AWS::Include in ${where}), which CloudFormation reads anew from S3 at this update: whatever that object holds now is applied, ` +
          "and what it drops is deleted, unseen by the plan; pin the version (a Location ending ?versionId=<the object's version> in a versioned bucket), so that new content comes only with a new Location the plan shows",
      );
      continue;
    }
    out.add(
      `the template runs the macro ${show(name)} (in ${where}), which CloudFormation runs anew at this update with the template and its parameters: ` +
        "blastwall cannot see what it makes, and CloudFormation deletes whatever it no longer makes; have a human review what the macro produces and approve this exact plan",
    );
  }
  return [...out];
}

/**
 * Nested stacks (and SAM applications) that stay in the template, whose template CloudFormation fetches anew from
 * their TemplateURL at any update of the parent, a tag's included: it updates a nested stack with whatever the S3
 * object holds now, and deletes what that drops (the nested stack's own DeletionPolicy keeps nothing then: it is
 * updated, not deleted). The plan cannot show the object, so such a stack counts, as an SSM value read anew does,
 * unless its URL pins an object version (`?versionId=`) or its application a SemanticVersion of the Serverless
 * Application Repository, whose content never changes (red-team round 61). One whose Condition is false (so absent)
 * does not count; a new one is judged as a runner, and a changed URL or parameters by dropped.
 */
function nestedTemplatesReread(before: unknown, template: unknown, sides: Sides, region?: string): string[] {
  const now = resourcesOf(template, true);
  const old = resourcesOf(before, true);
  if (now === undefined || old === undefined) return [];
  const feeding = (x: Record<string, unknown>, attr?: string) => feedingProperties(x as Resource, attr);
  // One scope per side: a nested stack is absent only where its Condition is false on every side (each stack set
  // instance with its own overrides).
  const scopes = sides.map(([, a]) => scopeOf(parseTemplate(template), a, feeding, regionPseudo(region)));
  const out: string[] = [];
  for (const [id, r] of Object.entries(now)) {
    const type = String(r.Type);
    const property = NESTED[type];
    if (property === undefined || old[id]?.Type !== r.Type) continue;
    const present = scopes.filter((scope) => !(typeof r.Condition === "string" && condition(r.Condition, scope) === false));
    const pinned = (scope: Scope) => {
      const location = evaluate(propertyOf(r, property), scope);
      if (isObject(location) && !hasUnknown(location) && typeof location.ApplicationId === "string" && typeof location.SemanticVersion === "string") return true;
      return typeof location === "string" && pinnedVersion(location);
    };
    if (present.every(pinned)) continue;
    out.push(
      `the nested stack ${id} (${type}) takes its template from ${show(propertyOf(r, property))}, which CloudFormation reads anew from S3 at this update: ` +
        "whatever that object holds now is applied, and what it drops is deleted, unseen by the plan; pin the version " +
        `(${property} ending ?versionId=<the object's version> in a versioned bucket), so that a new template comes only with a new URL the plan shows`,
    );
  }
  return out;
}

/**
 * The parameters whose value changes: those the stack passes (`parameters`), and those it leaves to a default the
 * template changes. "all" when the passed parameters are known only after apply.
 */
function parametersChanged(params: ReturnType<typeof afterValue>, beforeParams: unknown, beforeTemplate: unknown, after: ReturnType<typeof afterValue>): Set<string> | "all" {
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
function dropped(rc: PlanResourceChange, attribute: string, before: unknown, after: ReturnType<typeof afterValue>, sides: Sides, region?: string): string[] {
  if (after.state === "unknown") return ["the new template is known only after apply"];
  if (isSensitive(rc.change, [attribute])) return ["the template is sensitive, so the plan does not show it"];
  const old = resourcesOf(before);
  const now = resourcesOf(after.value);
  if (old === undefined) return ["the current template is not one blastwall can read (a transform, YAML with a feature CloudFormation does not support, or not a template), so blastwall cannot tell what the change drops"];
  if (now === undefined) return ["the new template is not one blastwall can read (a transform, YAML with a feature CloudFormation does not support, or not a template), so any resource may have been dropped"];
  const oldTemplate = parseTemplate(before);
  const newTemplate = parseTemplate(after.value);
  const feeding = (x: Record<string, unknown>, attr?: string) => feedingProperties(x as Resource, attr);
  const scopes = sides.map(([b, a]) => [scopeOf(oldTemplate, b, feeding, regionPseudo(region)), scopeOf(newTemplate, a, feeding, regionPseudo(region))] as const);
  const out: string[] = [];
  for (const [id, r] of Object.entries(old)) {
    const type = typeof r.Type === "string" ? r.Type : "(unknown type)";
    const next = now[id];
    const kept = keeps(deletionPolicy(r), r.Type);
    // A policy written to keep it marks it as holding data, a Snapshot the type ignores included: it is deleted.
    const stateful = holdsData(r) || kept || deletionPolicy(r) === "Snapshot";
    if (next === undefined) {
      if (stateful && !kept) out.push(`${id} (${type}) is dropped with DeletionPolicy ${show(r.DeletionPolicy ?? "Delete")}${snapshotIgnored(r.DeletionPolicy, type)}, so CloudFormation deletes it`);
      continue;
    }
    const replaceKept = keeps(r.UpdateReplacePolicy, r.Type);
    if (next.Type !== r.Type && stateful && !replaceKept) {
      out.push(`${id} changes type from ${type} to ${show(next.Type)}, so CloudFormation replaces it and deletes the old one`);
      continue;
    }
    // Compared as they come out: a property taken from another resource of the template changes with it.
    const differs = (k: string) => evaluatedText(propertyOf(r, k), oldTemplate, region) !== evaluatedText(propertyOf(next, k), newTemplate, region);
    if (stateful && !replaceKept) {
      const props = [...new Set([...replacingProperties(r), ...replacingProperties(next)])].filter(differs);
      if (props.length > 0) out.push(`${id} (${type}) changes ${props.join(", ")}, which makes CloudFormation replace it and delete the old one (UpdateReplacePolicy ${show(r.UpdateReplacePolicy ?? "Delete")}${snapshotIgnored(r.UpdateReplacePolicy, type)})`);
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
      out.push(`${id} (${type}) now exists only under the condition ${show(next.Condition)}; where it is false, CloudFormation deletes it`);
    } else if (conditionPut) {
      // True on every side.
    } else if (turned !== undefined) {
      out.push(`${id} (${type}) exists only under the condition ${show(next.Condition)}, which this update ${turned} (evaluated with each side's parameters, Defaults, Conditions and Mappings)`);
    } else if (stateful && !kept && typeof next.Condition === "string" && conditionText(next.Condition, oldTemplate, region) !== conditionText(next.Condition, newTemplate, region)) {
      out.push(`${id} (${type}) exists only under the condition ${show(next.Condition)}, which the template redefines (its Conditions, or the Mappings entries they read); where it turns false, CloudFormation deletes it`);
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
 * A stack set or provisioned product of the template that stays, whose content moves: another
 * template, version or parameters (CloudFormation updates every stack it made with them, and blastwall does not read
 * what they drop), or a stack set's instance gone (CloudFormation deletes that instance's stack and what it made), or
 * another instance's parameter overrides. Judged as written (a changed text counts, as before) and as each side
 * evaluates it with its own parameters, Defaults, Conditions, Mappings and AWS::NotificationARNs, so a parameter
 * alone that moves it counts, template text unchanged (red-team round 66: `ProvisioningArtifactId: {Ref: Version}`,
 * a stack set's `TemplateURL`, `Parameters` or `Regions` from a changed parameter passed). A value CloudFormation
 * reads anew at each update (SSM, a dynamic reference) counts at any update. A side where the resource's Condition
 * is false (absent) is not compared: its deletion is judged as the Condition's.
 */
function contentMoved(before: unknown, after: unknown, sides: Sides, notes: NotificationsChange | undefined, region: string | undefined): string[] {
  const old = resourcesOf(before, true);
  const now = resourcesOf(after, true);
  if (old === undefined || now === undefined) return [];
  const oldTemplate = parseTemplate(before);
  const newTemplate = parseTemplate(after);
  const feeding = (x: Record<string, unknown>, attr?: string) => feedingProperties(x as Resource, attr);
  const scopes = sides.map(([b, a]) => [scopeOf(oldTemplate, b, feeding, sidePseudo(region, notes, notes?.was)), scopeOf(newTemplate, a, feeding, sidePseudo(region, notes, notes?.now))] as const);
  const present = (x: Resource, scope: Scope) => x.Condition === undefined || condition(x.Condition, scope) !== false;
  const out: string[] = [];
  for (const [id, r] of Object.entries(old)) {
    const next = now[id];
    const type = String(r.Type);
    const content = CONTENT[type];
    if (content === undefined || next === undefined || next.Type !== r.Type) continue;
    const set = type === "AWS::CloudFormation::StackSet";
    const moved = new Set<string>();
    const anew = new Set<string>();
    const gone = new Set<string>();
    // As written: a changed text counts, whatever it evaluates to.
    for (const k of content) if (evaluatedText(propertyOf(r, k), oldTemplate, region) !== evaluatedText(propertyOf(next, k), newTemplate, region)) moved.add(k);
    if (set) for (const x of instancesOf(r)) if (!instancesOf(next).has(x)) gone.add(x);
    // As each side evaluates it.
    for (const [b, a] of scopes) {
      if (!present(r, b) || !present(next, a)) continue;
      for (const k of content) {
        const now = evaluate(propertyOf(next, k), a);
        if (fingerprint(evaluate(propertyOf(r, k), b)) !== fingerprint(now)) moved.add(k);
        else if (hasDeploy(now)) anew.add(k);
      }
      if (!set) continue;
      const groups = (x: Resource, scope: Scope) => plain(evaluate(propertyOf(x, "StackInstancesGroup"), scope));
      const [had, has] = [groups(r, b), groups(next, a)];
      const [hadOverrides, hasOverrides] = [overridesOf({ Properties: { StackInstancesGroup: had } }), overridesOf({ Properties: { StackInstancesGroup: has } })];
      for (const [x, o] of hadOverrides) {
        if (!hasOverrides.has(x)) gone.add(x);
        else if (hasOverrides.get(x) !== o) moved.add("StackInstancesGroup ParameterOverrides");
      }
      if (hasDeploy(evaluate(propertyOf(next, "StackInstancesGroup"), a))) anew.add("StackInstancesGroup");
    }
    const list = (xs: Set<string>) => [...xs].join(", ");
    if (moved.size > 0) out.push(`${id} (${type}) changes ${list(moved)}: CloudFormation updates every stack it made with them, and blastwall does not read what they drop (compared as written and as each side's parameters evaluate them)`);
    if (anew.size > 0) out.push(`${id} (${type}) takes ${list(anew)} from a value stored outside the template (SSM Parameter Store or Secrets Manager), which CloudFormation reads anew at this update: what a value changed there moves is applied to every stack it made`);
    if (gone.size > 0) {
      const g = [...gone];
      out.push(`the stack set ${id} no longer deploys to ${g.slice(0, 3).join(", ")}${g.length > 3 ? ", ..." : ""}: CloudFormation deletes those stack instances and what they made`);
    }
  }
  return out;
}

/** Pseudo parameters of one side: AWS::Region where known, and AWS::NotificationARNs where the stack's list changes. */
function sidePseudo(region: string | undefined, notes: NotificationsChange | undefined, list: string | undefined): Record<string, unknown> {
  return { ...regionPseudo(region), ...(notes === undefined || list === undefined ? {} : { [NOTIFICATIONS]: new Unknown(`${NOTIFICATIONS}, the stack's ${notes.attribute} ${list}`, false) }) };
}

/**
 * A Cloud Control stack set's `stack_instances_group` as the CloudFormation resource writes its StackInstancesGroup,
 * with each group's parameter overrides.
 */
function awsccGroups(v: unknown): Resource {
  const groups = Array.isArray(v) ? v.filter(isObject) : [];
  const some = (x: unknown) => (x === null ? undefined : x);
  return {
    Properties: {
      StackInstancesGroup: groups.map((g) => {
        const t = isObject(g.deployment_targets) ? g.deployment_targets : {};
        return {
          Regions: some(g.regions),
          DeploymentTargets: { Accounts: some(t.accounts), OrganizationalUnitIds: some(t.organizational_unit_ids), AccountsUrl: some(t.accounts_url), AccountFilterType: some(t.account_filter_type) },
          ParameterOverrides: parameterMap(g.parameter_overrides),
        };
      }),
    },
  };
}

/**
 * A Cloud Control stack set's instances that the update removes (CloudFormation deletes their stacks and what they
 * made), and the parameters whose override changes in a group that stays.
 */
function awsccInstancesChanged(rc: PlanResourceChange): { gone: string[]; overridden: Set<string> } {
  const after = afterValue(rc.change, ["stack_instances_group"]);
  const before = awsccGroups(getPath(rc.change.before, ["stack_instances_group"]));
  const had = instancesOf(before);
  if (after.state === "unknown" || JSON.stringify(getPath(rc.change.after_unknown, ["stack_instances_group"]) ?? false).includes("true")) {
    return { gone: had.size > 0 ? [`the stack set's instances are known only after apply: CloudFormation deletes the stacks of every instance the update removes`] : [], overridden: new Set() };
  }
  const now = awsccGroups(after.value);
  const gone = [...had].filter((x) => !instancesOf(now).has(x));
  const overridden = new Set<string>();
  const groups = (r: Resource) => (isObject(r.Properties) && Array.isArray(r.Properties.StackInstancesGroup) ? r.Properties.StackInstancesGroup.filter(isObject) : []);
  const key = (g: Record<string, unknown>) => canonicalJson({ t: g.DeploymentTargets ?? null, r: g.Regions ?? null });
  for (const g of groups(now)) {
    const was = groups(before).find((b) => key(b) === key(g));
    const a = isObject(g.ParameterOverrides) ? g.ParameterOverrides : {};
    const b = isObject(was?.ParameterOverrides) ? was.ParameterOverrides : {};
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) if (canonicalJson(a[k] ?? null) !== canonicalJson(b[k] ?? null)) overridden.add(k);
  }
  return {
    gone: gone.length > 0 ? [`the stack set no longer deploys to ${gone.slice(0, 3).join(", ")}${gone.length > 3 ? ", ..." : ""}: CloudFormation deletes those stack instances and what they made`] : [],
    overridden,
  };
}

/** A template stack set's instances as `target@region` (targets as written: accounts, OUs, or an expression). */
function instancesOf(r: Resource): Set<string> {
  return new Set(overridesOf(r).keys());
}

/**
 * A template stack set's instances as `target@region` (targets as written: accounts, OUs, or an expression), each with
 * its group's ParameterOverrides as text. A list, or a group, that is a value computed as a whole (an `Fn::If`, a
 * parameter) is one target or instance, named by that value.
 */
function overridesOf(r: Resource): Map<string, string> {
  const out = new Map<string, string>();
  const list = (v: unknown) => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);
  const all = isObject(r.Properties) ? r.Properties.StackInstancesGroup : undefined;
  for (const g of list(all)) {
    const overrides = canonicalJson(isObject(g) ? (g.ParameterOverrides ?? null) : null);
    if (!isObject(g) || (g.Regions === undefined && g.DeploymentTargets === undefined)) {
      out.set(`${canonicalJson(g ?? null)}@(computed)`, overrides);
      continue;
    }
    const regions = Array.isArray(g.Regions) ? g.Regions : [g.Regions];
    const t = isObject(g.DeploymentTargets) ? g.DeploymentTargets : g.DeploymentTargets === undefined ? {} : { Accounts: g.DeploymentTargets };
    const targets = [...list(t.Accounts), ...list(t.OrganizationalUnitIds), ...(t.AccountsUrl !== undefined ? [t.AccountsUrl] : [])];
    // The filter decides which of the targets are deployed to: a changed filter is a changed target.
    const filter = t.AccountFilterType !== undefined ? `|${canonicalJson(t.AccountFilterType)}` : "";
    for (const target of targets.length > 0 ? targets : [null]) for (const region of regions) out.set(`${canonicalJson(target ?? null)}${filter}@${canonicalJson(region ?? null)}`, overrides);
  }
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

function runners(now: Readonly<Record<string, Resource>>, old: Readonly<Record<string, Resource>> | undefined): string[] {
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
