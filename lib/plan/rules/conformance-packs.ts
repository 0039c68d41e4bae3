import type { PlanResourceChange } from "../types";
import { afterValue, getPath, isObject, isSensitive } from "../values";
import { parseTemplate } from "../cfn-template";
import { condition, evaluate, fingerprint, plain, type Scope, scopeOf, Unknown } from "../cfn-evaluate";
import { type Resource, resourcesOf, show } from "../cfn-resources";
import { feedingProperties } from "../cfn-references";
import { runners } from "./stack-template-changed";

/**
 * AWS Config conformance packs (red-team round 155). A pack is a CloudFormation template that Config deploys with its
 * service-linked role (AWSServiceRoleForConfigConforms), which may pass any role to SSM: an automatic
 * `AWS::Config::RemediationConfiguration` in it runs its Automation document as the role it names, by itself, on
 * every resource its rule flags, exactly as an `aws_config_remediation_configuration` does. An organization pack does
 * so in every member account of the organization. This module reads a pack: the remediations it deploys anew (to be
 * judged as the Terraform resource is, by plan-command-scheduled), the other runners of its template (judged as a
 * stack template's are), and why its template cannot be read, if it cannot.
 */

/** The pack types, aws and Cloud Control, and whether each deploys to the whole organization. */
export const PACK_TYPES: Readonly<Record<string, { readonly organization: boolean }>> = {
  aws_config_conformance_pack: { organization: false },
  aws_config_organization_conformance_pack: { organization: true },
  awscc_config_conformance_pack: { organization: false },
  awscc_config_organization_conformance_pack: { organization: true },
};

/**
 * What makes Config deploy a pack anew: every argument of PutConformancePack. A template in S3 or an SSM document is
 * read anew at each of them, so any of them counts there; with template_body, only new or changed runners count.
 */
export const PACK_FIELDS: readonly string[] = [
  "template_body",
  "template_s3_uri",
  "template_ssm_document_details",
  "input_parameter",
  "conformance_pack_input_parameters",
  "excluded_accounts",
  "delivery_s3_bucket",
  "delivery_s3_key_prefix",
];

/** A remediation of the pack's template, as the aws_config_remediation_configuration it stands for. */
export interface PackRemediation {
  readonly id: string;
  readonly view: PlanResourceChange;
}

export interface PackReading {
  /** Why the template deployed cannot be read; undefined when it can. */
  readonly unread?: string;
  /** Remediations deployed anew (new, changed, or sent to accounts they were not in). */
  readonly remediations: readonly PackRemediation[];
  /** Other resources of the template that run calls, new or changed (see stack-template-changed's runners). */
  readonly runners: readonly string[];
  /** Where Config deploys it: this account, or every member account. */
  readonly where: string;
}

export function readPack(rc: PlanResourceChange): PackReading {
  const organization = PACK_TYPES[rc.type]?.organization ?? true;
  const where = organization ? `in every member account of the organization${excludedPhrase(rc)}` : "in this account and region";
  const unread = unreadTemplate(rc);
  if (unread !== undefined) return { unread, remediations: [], runners: [], where };
  const now = sideOf(afterValue(rc.change, ["template_body"]).state === "known" ? getPath(rc.change.after, ["template_body"]) : undefined, parametersOf(rc, "after"));
  const created = !isObject(rc.change.before);
  // An organization pack sent to an account it excluded deploys everything it holds there anew.
  const widened = organization && !created && accountsAdded(rc);
  const old = created || widened ? undefined : sideOf(getPath(rc.change.before, ["template_body"]), parametersOf(rc, "before"));
  const remediations: PackRemediation[] = [];
  for (const [id, r] of Object.entries(now?.resources ?? {})) {
    if (r.Type !== "AWS::Config::RemediationConfiguration") continue;
    const deployed = deployedAs(r, now!.scope);
    if (deployed === undefined) continue;
    const was = old?.resources[id];
    if (was !== undefined && was.Type === r.Type && deployedAs(was, old!.scope) === deployed) continue;
    remediations.push({ id, view: remediationView(rc, id, r, now!.scope) });
  }
  const others = (rs: Readonly<Record<string, Resource>> | undefined) => (rs === undefined ? undefined : Object.fromEntries(Object.entries(rs).filter(([, r]) => r.Type !== "AWS::Config::RemediationConfiguration")));
  return { remediations, runners: runners(others(now?.resources) ?? {}, others(old?.resources)), where };
}

/** The fix for a pack whose template cannot be read. */
export const UNREAD_FIX =
  "Give the pack's template inline in template_body (JSON, or YAML without aliases or custom tags, and no transform), so that blastwall can judge its remediations, " +
  "or have a human read the template and approve this exact plan (`blastwall approve`).";

/** Why the template the pack deploys cannot be read: it is in S3 or an SSM document, sensitive, unknown, or unreadable. */
function unreadTemplate(rc: PlanResourceChange): string | undefined {
  if (isSensitive(rc.change, ["template_body"])) return "its template_body is sensitive, so the plan does not show it";
  const body = afterValue(rc.change, ["template_body"]);
  if (body.state === "unknown") return "its template_body is known only after apply";
  if (typeof body.value !== "string" || body.value.trim() === "") {
    const s3 = afterValue(rc.change, ["template_s3_uri"]);
    if (s3.state === "unknown" || (typeof s3.value === "string" && s3.value !== "")) {
      return `its template comes from template_s3_uri ${s3.state === "unknown" ? "(known after apply)" : JSON.stringify(s3.value)}, which blastwall does not fetch and Config reads anew at every update of the pack`;
    }
    const ssm = afterValue(rc.change, ["template_ssm_document_details"]);
    if (ssm.state === "unknown" || (ssm.value !== null && ssm.value !== undefined)) return "its template comes from an SSM document (template_ssm_document_details), which the plan does not hold";
    return "the plan shows no template for it (no template_body, template_s3_uri or SSM document)";
  }
  const parsed = parseTemplate(body.value);
  if (!isObject(parsed) || !isObject(parsed.Resources)) return "its template_body is not a template blastwall can read: not JSON, or YAML with a feature CloudFormation does not support, or no Resources";
  if (resourcesOf(body.value) === undefined) return "its template_body uses a transform, which deploys resources the template does not show";
  return undefined;
}

interface Side {
  readonly resources: Readonly<Record<string, Resource>>;
  readonly scope: Scope;
}

/** A side of the change: the template's resources and what its values evaluate against (the pack's input parameters). */
function sideOf(text: unknown, passed: Record<string, unknown> | "unknown"): Side | undefined {
  const resources = typeof text === "string" ? resourcesOf(text) : undefined;
  if (resources === undefined) return undefined;
  const feeding = (r: Record<string, unknown>, attribute?: string) => feedingProperties(r as Resource, attribute);
  return { resources, scope: scopeOf(parseTemplate(text), passed, feeding) };
}

/** The input parameters a side passes (`input_parameter`, awscc `conformance_pack_input_parameters`). */
function parametersOf(rc: PlanResourceChange, side: "before" | "after"): Record<string, unknown> | "unknown" {
  const out: Record<string, unknown> = {};
  for (const key of ["input_parameter", "conformance_pack_input_parameters"]) {
    if (side === "after" && afterValue(rc.change, [key]).state === "unknown") return "unknown";
    const list = getPath(side === "after" ? rc.change.after : rc.change.before, [key]);
    if (!Array.isArray(list)) continue;
    for (const p of list) {
      if (!isObject(p) || typeof p.parameter_name !== "string") return "unknown";
      out[p.parameter_name] = p.parameter_value;
    }
  }
  return out;
}

/** A remediation as Config deploys it (its evaluated properties), or undefined when its Condition is false. */
function deployedAs(r: Resource, scope: Scope): string | undefined {
  if (r.Condition !== undefined && condition(r.Condition, scope) === false) return undefined;
  return fingerprint(evaluate(r.Properties ?? null, scope));
}

/**
 * The remediation as the `aws_config_remediation_configuration` it stands for, created: its properties evaluated with
 * the pack's parameters; a value computed from what the plan does not show is left as such (an `Automatic` of that
 * kind is read as known only after apply), so the judge counts it.
 */
function remediationView(rc: PlanResourceChange, id: string, r: Resource, scope: Scope): PlanResourceChange {
  const p = evaluate(isObject(r.Properties) ? r.Properties : {}, scope);
  const props = isObject(p) ? p : {};
  const automatic = typeof props.Automatic === "string" ? props.Automatic.trim().toLowerCase() : props.Automatic;
  const after = {
    config_rule_name: plain(props.ConfigRuleName),
    automatic: automatic instanceof Unknown ? null : plain(automatic),
    target_type: plain(props.TargetType),
    target_id: plain(props.TargetId),
    target_version: plain(props.TargetVersion),
    parameter: props.Parameters instanceof Unknown ? null : parameterBlocks(props.Parameters),
  };
  // Parameters computed from what the plan does not show (an Fn::If on an unknown condition) may be any list: marked
  // known only after apply, as Terraform marks one, so the judge does not read them as none.
  const unknown = { automatic: automatic instanceof Unknown, ...(props.Parameters instanceof Unknown ? { parameter: true } : {}) };
  return {
    address: `${rc.address} (${id})`,
    mode: "managed",
    type: "aws_config_remediation_configuration",
    name: id,
    change: { actions: ["create"], before: null, after, after_unknown: unknown, before_sensitive: false, after_sensitive: {} },
  };
}

/** CloudFormation's `Parameters` map as Terraform's `parameter` blocks (`static_value` for a single value). */
function parameterBlocks(v: unknown): unknown[] {
  if (!isObject(v)) return [];
  return Object.entries(v).map(([name, x]) => {
    const values = getPath(x, ["StaticValue", "Values"]);
    const one = Array.isArray(values) && values.length === 1 ? plain(values[0]) : null;
    return { name, static_value: one, static_values: plain(values ?? null), resource_value: plain(getPath(x, ["ResourceValue", "Value"]) ?? null) };
  });
}

/** Whether an organization pack's update sends it to an account it excluded before (or to accounts not yet known). */
function accountsAdded(rc: PlanResourceChange): boolean {
  const after = afterValue(rc.change, ["excluded_accounts"]);
  if (after.state === "unknown") return true;
  const now = new Set(Array.isArray(after.value) ? after.value : []);
  const before = getPath(rc.change.before, ["excluded_accounts"]);
  return Array.isArray(before) && before.some((a) => !now.has(a));
}

function excludedPhrase(rc: PlanResourceChange): string {
  const v = afterValue(rc.change, ["excluded_accounts"]);
  if (v.state === "unknown") return " but the excluded_accounts known only after apply";
  return Array.isArray(v.value) && v.value.length > 0 ? ` but the excluded_accounts ${show(v.value)}` : "";
}
