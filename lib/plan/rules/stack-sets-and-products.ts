/**
 * Stacks that deploy other stacks: Service Catalog provisioned products (another product, version or parameters, and a
 * stack set operation that deletes instances), and stack sets (instances gone or overridden, and the content a
 * template's stack set or provisioned product moves).
 */
import type { FindingDraft } from "../../engine/findings";
import { changeFinding } from "../rule";
import type { PlanResourceChange } from "../types";
import { afterValue, getPath, isObject, isSensitive } from "../values";
import { canonicalJson } from "../canonical-json";
import { parseTemplate } from "../cfn-template";
import { condition, evaluate, fingerprint, hasDeploy, plain, type Scope, scopeOf } from "../cfn-evaluate";
import { CONTENT } from "../cfn-tables";
import { propertyOf, type Resource, resourcesOf, show } from "../cfn-resources";
import { evaluatedText, feedingProperties } from "../cfn-references";
import { type KnownPseudo, type NotificationsChange, parameterMap, sidePseudo, type Sides } from "./stack-sides";

/**
 * Service Catalog provisioned products, whose product version (provisioning artifact) is a CloudFormation template
 * blastwall cannot read: another product, version or parameters makes Service Catalog update the product's stack
 * with them, as AWS::ServiceCatalog::CloudFormationProvisionedProduct does in a template (see CONTENT).
 */
export const PRODUCTS: ReadonlySet<string> = new Set(["aws_servicecatalog_provisioned_product", "awscc_servicecatalog_cloudformation_provisioned_product"]);

/** The attributes of a provisioned product that choose the template its stack is updated with, and its parameters. */
const PRODUCT_CONTENT: readonly string[] = ["product_id", "product_name", "provisioning_artifact_id", "provisioning_artifact_name", "provisioning_parameters"];

/** Provisioning parameters by key (the order of the blocks is no change). */
function productParameters(v: unknown): unknown {
  if (!Array.isArray(v)) return v ?? null;
  const entries = v.map((p) => (isObject(p) ? [String(p.key ?? ""), canonicalJson(Object.fromEntries(Object.entries(p).filter(([k]) => k !== "key")))] : ["", canonicalJson(p ?? null)]));
  return entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** An update of a provisioned product to another product, version or parameters (a replace is plan-protected-delete's). */
export function productChanged(rc: PlanResourceChange): FindingDraft[] {
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
  const changed = changedArguments(rc, PRODUCT_CONTENT, (k) => (k === "provisioning_parameters" ? productParameters : undefined));
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

/**
 * A Serverless Application Repository stack (`aws_serverlessapplicationrepository_cloudformation_stack`) is a
 * CloudFormation stack of an application version's template, which the plan does not hold: an update to another
 * `semantic_version` or other `parameters` makes the provider create and execute a change set of that version's
 * template with those parameters, and CloudFormation deletes every resource it drops, or replaces through the new
 * parameters (red-team round 88). Judged as a template blastwall cannot read, fail closed.
 */
export const SAR_STACKS: ReadonlySet<string> = new Set(["aws_serverlessapplicationrepository_cloudformation_stack"]);

const SAR_CONTENT: readonly string[] = ["application_id", "semantic_version", "parameters"];

export function sarStackChanged(rc: PlanResourceChange): FindingDraft[] {
  if (!rc.change.actions.includes("update")) return [];
  const changed = changedArguments(rc, SAR_CONTENT);
  if (changed.length === 0) return [];
  const detail =
    "the provider updates the application's CloudFormation stack with a change set of that version's template and these parameters; blastwall cannot read that template, " +
    "and CloudFormation deletes every resource it drops, or replaces through the new parameters, unless its DeletionPolicy keeps it";
  return [
    {
      ...changeFinding(rc, `The plan updates the Serverless Application Repository stack ${rc.address} to another application version or parameters (${changed.join("; ")}): ${detail}.`, [
        ...changed.map((d) => ({ step: "changed", address: rc.address, detail: d })),
        { step: "template", address: rc.address, detail },
      ]),
      fix:
        `Keep ${rc.address} on its current semantic_version and parameters, or have a human read the new version's template (and what the new parameters replace in it) ` +
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
export function contentMoved(before: unknown, after: unknown, sides: Sides, notes: NotificationsChange | undefined, known: KnownPseudo | undefined): string[] {
  const region = known?.["AWS::Region"];
  const old = resourcesOf(before, true);
  const now = resourcesOf(after, true);
  if (old === undefined || now === undefined) return [];
  const oldTemplate = parseTemplate(before);
  const newTemplate = parseTemplate(after);
  const feeding = (x: Record<string, unknown>, attr?: string) => feedingProperties(x as Resource, attr);
  const scopes = sides.map(([b, a]) => [scopeOf(oldTemplate, b, feeding, sidePseudo(known, notes, notes?.was)), scopeOf(newTemplate, a, feeding, sidePseudo(known, notes, notes?.now))] as const);
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
export function awsccInstancesChanged(rc: PlanResourceChange): { gone: string[]; overridden: Set<string> } {
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
 * Each of `keys` whose planned value differs from its prior one, or is known only after apply, as `key before → after`.
 * `normalise` gives an argument its own reading (an unset one is null by default).
 */
function changedArguments(rc: PlanResourceChange, keys: readonly string[], normalise: (k: string) => ((v: unknown) => unknown) | undefined = () => undefined): string[] {
  const changed: string[] = [];
  for (const k of keys) {
    const before = getPath(rc.change.before, [k]);
    const after = afterValue(rc.change, [k]);
    const norm = normalise(k) ?? ((v: unknown) => v ?? null);
    if (after.state === "known" && canonicalJson(norm(before)) === canonicalJson(norm(after.value))) continue;
    changed.push(`${k} ${shownValue(rc, k, before, false)} → ${shownValue(rc, k, after.state === "known" ? after.value : undefined, after.state === "unknown")}`);
  }
  return changed;
}
