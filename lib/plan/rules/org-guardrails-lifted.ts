import type { Evidence, FindingDraft } from "../../engine/findings";
import type { PlanRule, PlanRuleContext } from "../rule";
import { changeFinding } from "../rule";
import { namesCreated } from "../config-expressions";
import type { PlanJson, PlanModule, PlanResourceChange } from "../types";
import { afterValue, getPath, isObject, isUpdateOrReplace, show, type Path } from "../values";

/**
 * Organizations policies (SCPs, RCPs, backup and declarative policies) reach an account through the root and the OUs
 * above it. Three changes take them off accounts without touching a policy or an attachment, which
 * plan-guardrail-changed and plan-protected-delete judge, so they need a rule of their own (red-team round 140):
 * - an account moved to another parent (the provider calls MoveAccount for a changed `parent_id`, in place);
 * - an OU given another parent (AWS cannot move an OU: the provider replaces it, and what is placed in it follows);
 * - a policy type removed from the organization (DisablePolicyType detaches every policy of that type everywhere) or
 *   the feature set taken away from ALL (without all features an organization has no policies at all).
 */

/** Account types and the attribute naming the parent they sit in (awscc writes a list of one). */
const ACCOUNT_PARENT: ReadonlyMap<string, string> = new Map([
  ["aws_organizations_account", "parent_id"],
  ["awscc_organizations_account", "parent_ids"],
]);

/** OU types and their parent attribute (a change forces a new OU in both providers). */
const OU_PARENT: ReadonlyMap<string, string> = new Map([
  ["aws_organizations_organizational_unit", "parent_id"],
  ["awscc_organizations_organizational_unit", "parent_id"],
]);

/**
 * aws_organizations_account_parent (aws provider 6.x) moves an existing account when created or replaced
 * (MoveAccount from the parent it is in now, which the plan does not show); its delete moves nothing back.
 */
const ACCOUNT_PARENT_TYPE = "aws_organizations_account_parent";

const ORGANIZATION_TYPES = new Set(["aws_organizations_organization", "awscc_organizations_organization"]);

/** What detaching every policy of a type takes away; a type not named here counts too (fail closed). */
const POLICY_TYPE_EFFECT: Readonly<Record<string, string>> = {
  SERVICE_CONTROL_POLICY: "every SCP stops limiting what the principals of member accounts may do (the deny of agents and of destroys included)",
  RESOURCE_CONTROL_POLICY: "every RCP stops limiting who may use the member accounts' resources",
  BACKUP_POLICY: "the backup plans that backup policies give member accounts stop applying",
  DECLARATIVE_POLICY_EC2: "every EC2 declarative policy (blocked public AMI and snapshot sharing, IMDSv2 and the like) stops applying",
};

/**
 * What the rule judges, as `type attribute` (or `type` alone): the entries the CloudFormation guards of cfn-guards.ts
 * twin, or say why they cannot (a test holds the two together).
 */
export const ORG_GUARDRAIL_ENTRIES: readonly string[] = [
  ...[...ACCOUNT_PARENT, ...OU_PARENT].map(([type, attribute]) => `${type} ${attribute}`),
  ACCOUNT_PARENT_TYPE,
  ...[...ORGANIZATION_TYPES].flatMap((type) => [`${type} enabled_policy_types`, `${type} feature_set`]),
];

export const orgGuardrailsLifted: PlanRule = {
  meta: {
    id: "plan-org-guardrails-lifted",
    title: "Plan takes accounts out from under their Organizations policies without changing a policy",
    why:
      "SCPs and RCPs (and backup and declarative policies) reach an account through the root and the OUs above it. Moving an account or " +
      "OU to another parent, replacing or removing one, or disabling a policy type takes policies off accounts. No policy and no " +
      "attachment changes, so the rules that judge those see nothing.",
    details:
      "Moving an account to another parent (parent_id, in place: MoveAccount) takes every policy attached to its old OU, and to the OUs " +
        "above it that are not above the new one, off it; an OU given another parent is replaced (AWS cannot move an OU), and the accounts " +
        "placed in it leave its old parent's policies; a replaced account is removed from the organization (or closed), out of every " +
        "policy, the root's included; an aws_organizations_account_parent created or replaced moves an existing account from a parent the " +
        "plan does not show (unless the account is one the plan creates). The Cloud Control account (parent_ids), OU and organization " +
        "(feature_set) count the same.\n\n" +
        "Removing a type from enabled_policy_types detaches every policy of that type from the root, every OU and every account " +
        "(DisablePolicyType; enabling it again brings none back), and an organization without feature_set ALL has no policies at all.\n\n" +
        "A value known only after apply counts as a change. An update of tags or of an account's or OU's name, a new account, OU or " +
        "organization, and a policy type added, pass. The same changes written in a CloudFormation template (an account's ParentIds, an " +
        "OU's ParentId, the organization's FeatureSet, and an account, OU or organization dropped) are judged by plan-stack-template-drops-data.",
    fix:
      "If the change is not intended, keep parent_id, enabled_policy_types and feature_set as they were. " +
      "If it is, a human with the approval key checks which policies the accounts leave and runs `blastwall approve PLAN_JSON --key KEY.pem --by NAME` on this exact plan, and the gate is run with `--approval` on that file.",
    severity: "error",
    category: "plan",
  },
  check(rc, ctx) {
    if (ACCOUNT_PARENT.has(rc.type)) return accountMoved(rc, ctx, ACCOUNT_PARENT.get(rc.type) as string);
    if (OU_PARENT.has(rc.type)) return ouMoved(rc, ctx, OU_PARENT.get(rc.type) as string);
    if (rc.type === ACCOUNT_PARENT_TYPE) return accountParentSet(rc, ctx);
    if (ORGANIZATION_TYPES.has(rc.type)) return organizationWeakened(rc, ctx);
    return [];
  },
};

/** A parent before and after, as the report shows them; undefined when it does not change. */
interface ParentChange {
  readonly attribute: string;
  /** The parent id before (the first of a list), when one string. */
  readonly fromId?: string;
  readonly from: string;
  readonly to: string;
}

function parentChange(rc: PlanResourceChange, attribute: string): ParentChange | undefined {
  const path: Path = [attribute];
  const before = getPath(rc.change.before, path);
  const after = afterValue(rc.change, path);
  const fromId = single(before);
  const from = show(rc.change, path, before);
  if (after.state === "unknown") return { attribute, fromId, from, to: "(known after apply)" };
  // Optional and computed: left out of the configuration, the provider keeps the parent it read.
  if (after.value === null || after.value === undefined) return undefined;
  if (JSON.stringify(sorted(before)) === JSON.stringify(sorted(after.value))) return undefined;
  return { attribute, fromId, from, to: show(rc.change, path, after.value) };
}

function single(v: unknown): string | undefined {
  if (typeof v === "string" && v !== "") return v;
  if (Array.isArray(v) && v.length === 1 && typeof v[0] === "string") return v[0];
  return undefined;
}

function sorted(v: unknown): unknown {
  return Array.isArray(v) ? [...v].map(String).sort() : v;
}

function isReplace(rc: PlanResourceChange): boolean {
  return rc.change.actions.includes("delete") && rc.change.actions.includes("create");
}

/** How the object came to this address in this plan: a moved block or an import changes nothing in AWS by itself. */
function origin(rc: PlanResourceChange): string {
  const moved = rc.previous_address && rc.previous_address !== rc.address ? ` (moved from ${rc.previous_address})` : "";
  const imported = rc.change.importing !== undefined && rc.change.importing !== null ? " (imported by this plan)" : "";
  return `${moved}${imported}`;
}

function idOf(rc: PlanResourceChange): string {
  const id = getPath(rc.change.before, ["id"]) ?? getPath(rc.change.before, ["account_id"]);
  return typeof id === "string" && id !== "" ? ` (${id})` : "";
}

function accountMoved(rc: PlanResourceChange, ctx: PlanRuleContext | undefined, attribute: string): FindingDraft[] {
  if (!isUpdateOrReplace(rc.change.actions)) return [];
  const who = `the account ${rc.address}${idOf(rc)}${origin(rc)}`;
  if (isReplace(rc)) {
    const close = getPath(rc.change.before, ["close_on_deletion"]);
    const closes = close === true ? "closed" : close === false ? "removed from the organization (close_on_deletion is false)" : "removed from the organization or closed";
    const what =
      `The plan replaces ${who}: the account there now is ${closes}, so no SCP or RCP applies to it any more, not even the root's, ` +
      `and the new account starts with only the policies of its parent`;
    return [finding(rc, ctx, what, [{ step: "replaced", address: rc.address, detail: `the existing account is ${closes} before or after a new one is created` }])];
  }
  const p = parentChange(rc, attribute);
  if (!p) return [];
  const attached = attachedTo(ctx?.plan, p.fromId);
  const what =
    `The plan moves ${who} from ${p.from} to ${p.to} (${attribute}, in place: MoveAccount): every SCP and RCP attached to ${p.from}, ` +
    `and to the OUs above it that are not above ${p.to}, stops applying to the account${attached}`;
  return [finding(rc, ctx, what, [{ step: "moved", address: rc.address, detail: `${attribute}: ${p.from} → ${p.to}` }])];
}

function ouMoved(rc: PlanResourceChange, ctx: PlanRuleContext | undefined, attribute: string): FindingDraft[] {
  if (!isUpdateOrReplace(rc.change.actions)) return [];
  const p = parentChange(rc, attribute);
  if (!p && !isReplace(rc)) return [];
  const who = `the OU ${rc.address}${idOf(rc)}${origin(rc)}`;
  const attachedHere = attachedTo(ctx?.plan, single(getPath(rc.change.before, ["id"])));
  const what = p
    ? `The plan puts ${who} under another parent, ${p.from} → ${p.to}: AWS cannot move an OU, so it is replaced, and the accounts and OUs placed in it ` +
      `leave every SCP and RCP attached to ${p.from} and to the OUs above it that are not above ${p.to}, and those attached to the old OU itself until they are attached again${attachedTo(ctx?.plan, p.fromId)}`
    : `The plan replaces ${who}: the new OU has another id and none of the old one's attachments, so the accounts and OUs placed in it leave every SCP and RCP attached to the old OU until they are attached again${attachedHere}`;
  const detail = p ? `${attribute}: ${p.from} → ${p.to} (forces a new OU)` : `replaced: ${rc.change.actions.join(", ")}`;
  return [finding(rc, ctx, what, [{ step: "moved", address: rc.address, detail }])];
}

function accountParentSet(rc: PlanResourceChange, ctx: PlanRuleContext | undefined): FindingDraft[] {
  const actions = rc.change.actions;
  const created = actions.includes("create");
  if (!created && !actions.includes("update")) return [];
  const account = afterValue(rc.change, ["account_id"]);
  const id = account.state === "known" && typeof account.value === "string" ? account.value : "(known after apply)";
  const to = show(rc.change, ["parent_id"], getPath(rc.change.after, ["parent_id"]), afterValue(rc.change, ["parent_id"]).state === "unknown");
  if (actions.length === 1 && created) {
    // An account this plan creates has no parent yet whose policies it could leave.
    if (namesCreated(rc, ctx?.plan, ["account_id"], ["aws_organizations_account", "awscc_organizations_account"], ["id", "account_id"])) return [];
    const what =
      `The plan creates ${rc.address}${origin(rc)}, which moves account ${id} from the parent it is in now (not in the plan) to ${to} (MoveAccount): ` +
      `every SCP and RCP attached to that parent, and to the OUs above it that are not above ${to}, stops applying to the account`;
    return [finding(rc, ctx, what, [{ step: "moved", address: rc.address, detail: `parent_id: (current parent, not in the plan) → ${to}` }])];
  }
  const p = parentChange(rc, "parent_id");
  const before = single(getPath(rc.change.before, ["account_id"]));
  const other = before !== undefined && account.state === "known" && account.value !== before;
  if (!p && !other && account.state === "known") return [];
  const from = p?.from ?? show(rc.change, ["parent_id"], getPath(rc.change.before, ["parent_id"]));
  const what =
    `The plan replaces ${rc.address}${origin(rc)}, which moves account ${id} from ${other ? "the parent it is in now (not in the plan)" : from} to ${to} (MoveAccount): ` +
    `every SCP and RCP attached to the old parent, and to the OUs above it that are not above ${to}, stops applying to the account${other ? "" : attachedTo(ctx?.plan, p?.fromId)}`;
  // Another account: the one now named is moved from wherever it is, not from the old parent_id.
  const switched = other ? `; account_id ${JSON.stringify(before)} → ${JSON.stringify(id)}` : "";
  return [finding(rc, ctx, what, [{ step: "moved", address: rc.address, detail: `parent_id: ${from} → ${to}${switched}` }])];
}

function organizationWeakened(rc: PlanResourceChange, ctx: PlanRuleContext | undefined): FindingDraft[] {
  if (!isUpdateOrReplace(rc.change.actions)) return [];
  const out: FindingDraft[] = [];
  const who = `the organization ${rc.address}${idOf(rc)}${origin(rc)}`;
  const removed = policyTypesRemoved(rc);
  if (removed) {
    const effects = removed.types.map((t) => `${t}: ${POLICY_TYPE_EFFECT[t] ?? `every ${t} policy stops applying`}`);
    const what =
      `The plan disables ${removed.types.length === 1 ? "a policy type" : "policy types"} of ${who} (enabled_policy_types ${removed.from} → ${removed.to}): ` +
      `DisablePolicyType detaches every policy of that type from the root, every OU and every account, and enabling it again attaches none of them back; ${effects.join("; ")}`;
    out.push(finding(rc, ctx, what, [{ step: "disabled", address: rc.address, detail: `enabled_policy_types: ${removed.from} → ${removed.to}` }]));
  }
  const features = featureSetLowered(rc);
  if (features) {
    const what =
      `The plan takes ${who} off all features (feature_set ${features.from} → ${features.to}): an organization with consolidated billing only has no SCPs, RCPs or other policies, ` +
      `so every one of them stops applying to every account (the provider replaces the organization for this change)`;
    out.push(finding(rc, ctx, what, [{ step: "disabled", address: rc.address, detail: `feature_set: ${features.from} → ${features.to}` }]));
  }
  return out;
}

/** Policy types enabled before and not after; all of them when the set is known only after apply. */
function policyTypesRemoved(rc: PlanResourceChange): { types: string[]; from: string; to: string } | undefined {
  const path: Path = ["enabled_policy_types"];
  const before = strings(getPath(rc.change.before, path));
  if (before.length === 0) return undefined;
  const after = afterValue(rc.change, path);
  const from = show(rc.change, path, getPath(rc.change.before, path));
  if (after.state === "unknown") return { types: before, from, to: "(known after apply)" };
  const kept = new Set(strings(after.value));
  const types = before.filter((t) => !kept.has(t));
  return types.length === 0 ? undefined : { types, from, to: show(rc.change, path, after.value) };
}

/** feature_set ALL (the default when unset) before, and anything else, or unknown, after. */
function featureSetLowered(rc: PlanResourceChange): { from: string; to: string } | undefined {
  const path: Path = ["feature_set"];
  const before = getPath(rc.change.before, path);
  if (!(before === undefined || before === null || String(before).toUpperCase() === "ALL")) return undefined;
  const after = afterValue(rc.change, path);
  if (after.state === "known" && (after.value === undefined || after.value === null || String(after.value).toUpperCase() === "ALL")) return undefined;
  return { from: show(rc.change, path, before ?? "ALL"), to: after.state === "unknown" ? "(known after apply)" : show(rc.change, path, after.value) };
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}

/**
 * The policy attachments this plan's state holds for a parent (root or OU), to name in the message. Attachments
 * made outside this configuration, or to the OUs above, are not in the plan: the message says they count too.
 */
function attachedTo(plan: PlanJson | undefined, parent: string | undefined): string {
  if (plan === undefined || parent === undefined) return "";
  const found = new Set<string>();
  const note = (address: string, type: string, values: unknown) => {
    if (!isObject(values)) return;
    const policy = typeof values.policy_id === "string" ? ` (policy ${values.policy_id})` : "";
    if (type === "aws_organizations_policy_attachment" && values.target_id === parent) found.add(`${address}${policy}`);
    if ((type === "aws_organizations_policy" || type === "awscc_organizations_policy") && strings(values.target_ids).includes(parent)) found.add(address);
  };
  const walk = (m: PlanModule | undefined) => {
    if (!m) return;
    for (const r of m.resources ?? []) if (r.mode === "managed") note(r.address, r.type, r.values);
    for (const c of m.child_modules ?? []) walk(c);
  };
  walk(plan.prior_state?.values?.root_module);
  for (const c of plan.resource_changes) if (c.mode === "managed") note(c.address, c.type, c.change.before);
  if (found.size === 0) return ` (no attachment to ${parent} is in this plan; those made elsewhere, by another configuration or by hand, count the same)`;
  return ` (in the plan's state, attached to ${parent}: ${[...found].sort().join(", ")}; and any attached outside this configuration)`;
}

function finding(rc: PlanResourceChange, ctx: PlanRuleContext | undefined, what: string, evidence: Evidence[]): FindingDraft {
  const plan = ctx?.file ? ctx.file : "PLAN_JSON";
  const how =
    `If this is intended, a human with the approval key checks which policies the accounts leave, ` +
    `runs \`blastwall approve ${plan} --key KEY.pem --by NAME\` on this exact plan, and the gate is given that approval with --approval; if not, keep the setting as it was.`;
  return changeFinding(rc, `${what}. ${how}`, [{ step: "guardrail", address: rc.address, detail: "Organizations policies reach an account only through the root and the OUs above it" }, ...evidence]);
}
