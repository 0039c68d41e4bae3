import type { Evidence, FindingDraft } from "../../engine/findings";
import { globMatch } from "../../engine/iam/glob";
import { canonicalJson } from "../canonical-json";
import type { PlanRule, PlanRuleContext } from "../rule";
import { changeFinding } from "../rule";
import type { PlanResourceChange } from "../types";
import { afterValue, getPath, isObject, show } from "../values";

/**
 * Who may change the organization's guardrails is itself a guardrail (red-team round 142, F4). Two resources hand a
 * member account rights that by default only the management account has, with no policy, attachment, parent or policy
 * type changing, so plan-guardrail-changed and plan-org-guardrails-lifted see nothing:
 * - the Organizations resource-based delegation policy (PutResourcePolicy): the member accounts it names may create,
 *   update, delete, attach and detach the organization's policies, SCPs and RCPs included, for whoever holds the IAM
 *   rights in that account;
 * - a delegated administrator (RegisterDelegatedAdministrator) of a service whose organization-wide features change
 *   what protects the member accounts (the organization trail, backup policies, root sessions, stack sets, ...),
 *   registered through Organizations or through the service's own admin-account resource.
 * The same, written in a CloudFormation template, is judged by plan-stack-template-drops-data with the judgements
 * exported here (cfn-guards.ts).
 */

const RESOURCE_POLICY_TYPES = new Set(["aws_organizations_resource_policy", "awscc_organizations_resource_policy"]);

const DELEGATED_ADMIN_TYPE = "aws_organizations_delegated_administrator";

/**
 * Resources that make an account a service's administrator for the organization through the service's own call
 * (EnableOrganizationAdminAccount and the like), which registers it as that service's delegated administrator in
 * Organizations: judged as aws_organizations_delegated_administrator for that service. `account` names the account;
 * `region`, where the resource has one, is part of what it registers (most of these services delegate per Region).
 */
const SERVICE_ADMIN_TYPES: Readonly<Record<string, { readonly service: string; readonly account: string }>> = {
  aws_cloudtrail_organization_delegated_admin_account: { service: "cloudtrail.amazonaws.com", account: "account_id" },
  aws_guardduty_organization_admin_account: { service: "guardduty.amazonaws.com", account: "admin_account_id" },
  aws_securityhub_organization_admin_account: { service: "securityhub.amazonaws.com", account: "admin_account_id" },
  awscc_securityhub_delegated_admin: { service: "securityhub.amazonaws.com", account: "admin_account_id" },
  // account_id left out is the account that applies the plan, known only after apply.
  aws_fms_admin_account: { service: "fms.amazonaws.com", account: "account_id" },
  aws_macie2_organization_admin_account: { service: "macie.amazonaws.com", account: "admin_account_id" },
  aws_detective_organization_admin_account: { service: "detective.amazonaws.com", account: "account_id" },
  awscc_detective_organization_admin: { service: "detective.amazonaws.com", account: "account_id" },
  aws_inspector2_delegated_admin_account: { service: "inspector2.amazonaws.com", account: "account_id" },
  aws_auditmanager_organization_admin_account_registration: { service: "auditmanager.amazonaws.com", account: "admin_account_id" },
  aws_vpc_ipam_organization_admin_account: { service: "ipam.amazonaws.com", account: "delegated_admin_account_id" },
};

/**
 * Services whose delegated administrator can change what protects the member accounts, and what it can then do (AWS
 * documentation of each service). Registering one hands those rights to the account for whoever holds the IAM rights
 * there; the management account's own guardrails do not limit it.
 */
const GUARDRAIL_SERVICES: Readonly<Record<string, string>> = {
  "cloudtrail.amazonaws.com":
    "the CloudTrail delegated administrator has administrative rights on every organization trail and CloudTrail Lake event data store: it can stop, narrow or delete the record of what every account does",
  "iam.amazonaws.com":
    "with centralized root access, the IAM delegated administrator starts root sessions in member accounts (sts:AssumeRoot) that delete a bucket policy or an SQS queue policy (S3UnlockBucketPolicy, SQSUnlockQueuePolicy), the Denies on deletes included, and delete or re-create a member account's root credentials",
  "member.org.stacksets.cloudformation.amazonaws.com":
    "the StackSets delegated administrator creates, updates and deletes service-managed stack sets (CallAs DELEGATED_ADMIN) that deploy any template to every member account with the StackSets execution role, and deleting their instances deletes what they made",
  "sso.amazonaws.com":
    "the IAM Identity Center delegated administrator writes permission sets with any policy and assigns them to any user or group in every member account",
  "backup.amazonaws.com":
    "the AWS Backup delegated administrator manages the organization's backup policies (which decide the backup plans of every member account) and cross-account backup settings",
  "config-multiaccountsetup.amazonaws.com":
    "the AWS Config delegated administrator deploys and deletes organization Config rules and conformance packs (with their remediation actions) in every member account",
  "guardduty.amazonaws.com":
    "the GuardDuty delegated administrator turns protection plans off in member accounts, stops enabling GuardDuty in new ones and disassociates members, so their threats (destroys included) go unreported",
  "securityhub.amazonaws.com":
    "the Security Hub delegated administrator's configuration policies turn Security Hub and its controls off in member accounts",
  "fms.amazonaws.com":
    "the Firewall Manager administrator rewrites or deletes the security group, WAF and network firewall policies it applies to every member account, and their protections with them",
  "macie.amazonaws.com":
    "the Macie administrator suspends Macie in member accounts, removes them and archives their policy findings, so a bucket made public or unencrypted there goes unreported, and it reads samples of their sensitive data",
  "detective.amazonaws.com":
    "the Detective administrator owns the organization behavior graph, the investigation record of every member account's CloudTrail, VPC flow and GuardDuty activity: it removes accounts from it or deletes it (DeleteGraph), and the graph is deleted when the administrator is removed or replaced",
  "inspector2.amazonaws.com":
    "the Inspector administrator turns scanning off in member accounts (Disable) and disassociates them, so the vulnerabilities of their instances, images and functions go unreported",
  "auditmanager.amazonaws.com":
    "the Audit Manager administrator owns the organization's assessments and the evidence they collect from every member account, and changes or deletes them",
};

/**
 * Services whose delegated administrator only reads across the organization (recommendations, metrics, findings of
 * its own analysis), or manages what neither protects the member accounts nor holds their data (IPAM's address
 * pools): registering one passes. Any other service counts as one that can change guardrails (fail closed).
 */
const READ_ONLY_SERVICES: Readonly<Record<string, string>> = {
  "access-analyzer.amazonaws.com": "IAM Access Analyzer",
  "compute-optimizer.amazonaws.com": "Compute Optimizer",
  "health.amazonaws.com": "AWS Health's organizational view",
  "reporting.trustedadvisor.amazonaws.com": "Trusted Advisor's organizational view",
  "storage-lens.s3.amazonaws.com": "S3 Storage Lens",
  "ipam.amazonaws.com": "VPC IP Address Manager",
};

/**
 * What a delegated administrator of this service may do across the organization that weakens what protects the
 * member accounts or deletes their data, or undefined for a service that only reads (see READ_ONLY_SERVICES). A
 * service blastwall does not know gets a sentence that says so: it counts.
 */
export function delegatedAdministratorEffect(service: string): string | undefined {
  const name = service.trim().toLowerCase();
  if (READ_ONLY_SERVICES[name] !== undefined) return undefined;
  return (
    GUARDRAIL_SERVICES[name] ??
    `blastwall does not know what the delegated administrator of this service may do across the organization, so it counts as one that can change what protects the member accounts ` +
      `(read-only services that pass: ${Object.values(READ_ONLY_SERVICES).join(", ")})`
  );
}

/** What a member account named by a delegation policy may then do, for the messages here and of the template guard. */
export const DELEGATION_POLICY_EFFECT =
  "from that account, whoever holds the IAM rights may then detach the SCPs and RCPs (any Deny on agents and destroys among them) from the root, every OU and every account, or rewrite or delete them, " +
  "though no policy and no attachment changes";

/**
 * The entries of this rule a CloudFormation template can hold as well, held to their template twins by a test
 * (cfn-guards.ts TEMPLATE_GUARDS, or TWIN_EXEMPTIONS with the reason there is none).
 */
export const ORG_DELEGATION_ENTRIES: readonly string[] = [...[...RESOURCE_POLICY_TYPES].map((t) => `${t} content`), DELEGATED_ADMIN_TYPE, ...Object.keys(SERVICE_ADMIN_TYPES)];

/** The services a delegated administrator registration counts for, for the docs and their tests. */
export const DELEGATION_GUARDRAIL_SERVICES: readonly string[] = Object.keys(GUARDRAIL_SERVICES);
export const DELEGATION_READ_ONLY_SERVICES: readonly string[] = Object.keys(READ_ONLY_SERVICES);

export const orgGuardrailsDelegated: PlanRule = {
  meta: {
    id: "plan-org-guardrails-delegated",
    title: "Plan lets a member account change the organization's guardrails",
    why:
      "Only the management account may create, change, attach or detach SCPs and RCPs, unless a resource-based delegation policy (aws_organizations_resource_policy) names a member account: " +
      "then whoever holds the IAM rights there may detach the SCP that denies agents and destroys from every OU, or rewrite it, and no policy or attachment changes in the plan that grants this. " +
      "A delegated administrator registered for a service whose organization-wide features change what protects member accounts counts too (docs/rules.md lists the services).",
    details:
      "**Delegation policies.** A created, changed or replaced delegation policy counts when an Allow grants an Organizations action " +
        "other than Describe* and List* (organizations:AttachPolicy, DetachPolicy, UpdatePolicy, DeletePolicy, CreatePolicy, a wildcard or " +
        "NotAction) that the policy before did not grant, to the same principal on the same terms; conditions such as " +
        "organizations:PolicyType are shown but not relied on, since backup and declarative policies guard accounts too. A content known " +
        "only after apply, or that cannot be read, counts.\n\n" +
        "**Delegated administrators.** A delegated administrator (aws_organizations_delegated_administrator) created or re-pointed counts " +
        "for a service whose organization-wide features change what protects member accounts: CloudTrail (organization trails), IAM (root " +
        "sessions in member accounts), CloudFormation StackSets, IAM Identity Center, AWS Backup, AWS Config (organization rules and " +
        "conformance packs), GuardDuty, Security Hub, Firewall Manager, Macie (suspends it in member accounts, archives their S3 policy " +
        "findings), Detective (deletes the organization behavior graph), Inspector (turns scanning off) and Audit Manager (the " +
        "organization's assessments and evidence), and any service blastwall does not know, or one known only after apply; IAM Access " +
        "Analyzer, Compute Optimizer, AWS Health, Trusted Advisor and S3 Storage Lens, which only read, and VPC IPAM, pass.\n\n" +
        "A service's own admin-account resource registers the same delegated administrator and counts the same, created or pointed at " +
        "another account or Region: aws_cloudtrail_organization_delegated_admin_account, aws_guardduty_organization_admin_account, " +
        "aws_securityhub_organization_admin_account (awscc_securityhub_delegated_admin), aws_fms_admin_account, " +
        "aws_macie2_organization_admin_account, aws_detective_organization_admin_account (awscc_detective_organization_admin), " +
        "aws_inspector2_delegated_admin_account and aws_auditmanager_organization_admin_account_registration; " +
        "aws_vpc_ipam_organization_admin_account passes.\n\n" +
        "**What passes, and templates.** A delegation policy granting only Describe*/List*, one deleted, and a delegated administrator " +
        "deregistered, pass. The same written in a CloudFormation template (AWS::Organizations::ResourcePolicy created or its Content " +
        "changed, AWS::SecurityHub::DelegatedAdmin and AWS::Detective::OrganizationAdmin created or re-pointed) is judged by " +
        "plan-stack-template-drops-data; CloudFormation has no type for an Organizations delegated administrator.",
    fix:
      "If the delegation is not intended, keep the delegation policy to Describe* and List* actions and do not register the delegated administrator (nor the service's own admin account). " +
      "If it is, a human with the approval key checks that no agent works in the delegated account and runs `blastwall approve PLAN_JSON --key KEY.pem --by NAME` on this exact plan, and the gate is run with `--approval` on that file.",
    severity: "error",
    category: "plan",
  },
  check(rc, ctx) {
    if (RESOURCE_POLICY_TYPES.has(rc.type)) return delegationPolicyWritten(rc, ctx);
    if (rc.type === DELEGATED_ADMIN_TYPE) return administratorRegistered(rc, ctx);
    const own = SERVICE_ADMIN_TYPES[rc.type];
    if (own !== undefined) return serviceAdministratorSet(rc, ctx, own.service, own.account);
    return [];
  },
};

/** One right an Allow statement grants: to whom, which action, on what terms. */
interface Grant {
  readonly principal: string;
  /** As written (`organizations:DetachPolicy`), or `NotAction [...]`. */
  readonly action: string;
  /** Everything else the statement says, canonical: the same grant before and after compares equal. */
  readonly terms: string;
  readonly sid?: string;
  readonly condition?: unknown;
}

type Parsed = { ok: true; grants: Grant[] } | { ok: false; problem: string };

function delegationPolicyWritten(rc: PlanResourceChange, ctx: PlanRuleContext | undefined): FindingDraft[] {
  const actions = rc.change.actions;
  if (!actions.includes("create") && !actions.includes("update")) return [];
  const verb = actions.includes("create") ? (actions.includes("delete") ? "replaces" : "creates") : "changes";
  const who = `the Organizations delegation policy ${rc.address}${origin(rc)}`;
  const after = afterValue(rc.change, ["content"]);
  if (after.state === "unknown") {
    const what = `The plan ${verb} ${who} with a content known only after apply, so the gate cannot show that it lets no member account create, change, attach or detach the organization's policies (SCPs and RCPs included)`;
    return [finding(rc, ctx, what, [{ step: "delegation", address: rc.address, detail: "content: (known after apply)" }])];
  }
  const added = grantsAdded(getPath(rc.change.before, ["content"]), after.value);
  if (!added.ok) {
    const what = `The plan ${verb} ${who} with a content blastwall cannot read (${added.problem}), so it counts as one that lets member accounts create, change, attach and detach the organization's policies (SCPs and RCPs included)`;
    return [finding(rc, ctx, what, [{ step: "delegation", address: rc.address, detail: `content cannot be read: ${added.problem}` }])];
  }
  if (added.lines.length === 0) return [];
  const what = `The plan ${verb} ${who}, which lets ${added.lines.join("; and ")}. ${capital(DELEGATION_POLICY_EFFECT)} in this plan (the delegation policy's conditions are shown, not relied on)`;
  const evidence: Evidence[] = added.lines.map((detail) => ({ step: "delegation", address: rc.address, detail }));
  return [finding(rc, ctx, what, evidence)];
}

/**
 * The rights a delegation policy's content grants that the content before did not, one line per principal and
 * terms; or why the content cannot be read (it then counts). A content before that cannot be read, or none, counts
 * as granting nothing.
 */
function grantsAdded(before: unknown, after: unknown): { ok: true; lines: string[] } | { ok: false; problem: string } {
  const parsed = parsePolicy(after);
  if (!parsed.ok) return parsed;
  const was = before === undefined || before === null ? undefined : parsePolicy(before);
  const had = new Set(was?.ok ? was.grants.map(key) : []);
  return { ok: true, lines: describeGrants(parsed.grants.filter((g) => !had.has(key(g)))) };
}

/**
 * How a delegation policy written anew (`before` undefined: a new one) or changed hands the organization's guardrails
 * to a member account, for the template guard of AWS::Organizations::ResourcePolicy; undefined when it grants nothing
 * new but Describe* and List*. Values come as CloudFormation reads them (a Content written as an object or as JSON
 * text).
 */
export function delegationWidened(before: unknown, after: unknown): string | undefined {
  const added = grantsAdded(before, after);
  if (!added.ok) return `a content blastwall cannot read (${added.problem}) counts as one that lets member accounts create, change, attach and detach the organization's policies (SCPs and RCPs included)`;
  if (added.lines.length === 0) return undefined;
  const fresh = before === undefined || before === null;
  return `it ${fresh ? "" : "now "}lets ${added.lines.join("; and ")}${fresh ? "" : ", which the content before did not"}`;
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function administratorRegistered(rc: PlanResourceChange, ctx: PlanRuleContext | undefined): FindingDraft[] {
  if (!rc.change.actions.includes("create")) return [];
  const service = afterValue(rc.change, ["service_principal"]);
  const account = afterValue(rc.change, ["account_id"]);
  // A replace that registers the same account for the same service again hands nothing new.
  if (rc.change.actions.includes("delete") && sameAs(rc, ["service_principal", "account_id"])) return [];
  const serviceShown = show(rc.change, ["service_principal"], getPath(rc.change.after, ["service_principal"]), service.state === "unknown");
  const accountShown = shownAccount(account);
  const evidence: Evidence[] = [{ step: "delegation", address: rc.address, detail: `service_principal ${serviceShown}, account_id ${accountShown}` }];
  const head = `The plan (${rc.address}${origin(rc)}) makes account ${accountShown} the delegated administrator of ${serviceShown} for the whole organization`;
  if (service.state === "unknown" || typeof service.value !== "string") {
    return [finding(rc, ctx, `${head}, a service known only after apply: it counts as one whose delegated administrator can change what protects the member accounts (the organization trail, backup policies, root sessions, stack sets)`, evidence)];
  }
  const effect = delegatedAdministratorEffect(service.value);
  if (effect === undefined) return [];
  return [finding(rc, ctx, `${head}: ${effect}; it needs only IAM rights in its own account to use this, and this plan changes no policy`, evidence)];
}

/**
 * A service's own admin-account resource created, replaced for another account or Region, or updated to another
 * account (an in-place update that changes the account re-registers it): judged as that service's delegated
 * administrator registered through Organizations.
 */
function serviceAdministratorSet(rc: PlanResourceChange, ctx: PlanRuleContext | undefined, service: string, attribute: string): FindingDraft[] {
  const actions = rc.change.actions;
  const account = afterValue(rc.change, [attribute]);
  const identity = [attribute, "region"];
  if (actions.includes("create")) {
    if (actions.includes("delete") && sameAs(rc, identity)) return [];
  } else if (!actions.includes("update") || sameAs(rc, identity)) return [];
  const effect = delegatedAdministratorEffect(service);
  if (effect === undefined) return [];
  const accountShown = shownAccount(account);
  const before = getPath(rc.change.before, [attribute]);
  const was = actions.includes("delete") || actions.includes("update") ? ` (was ${typeof before === "string" && before !== "" ? before : "(not set)"})` : "";
  const region = afterValue(rc.change, ["region"]);
  const where = region.state === "known" && typeof region.value === "string" && region.value !== "" ? ` in ${region.value}` : "";
  const evidence: Evidence[] = [{ step: "delegation", address: rc.address, detail: `${attribute} ${accountShown}${was}, registers the delegated administrator of "${service}"${where}` }];
  const head = `The plan (${rc.address}${origin(rc)}) makes account ${accountShown}${was} the administrator of "${service}" for the whole organization${where} (it registers the account as that service's delegated administrator)`;
  const undo = `do not register the delegated administrator: remove ${rc.address}${typeof before === "string" && before !== "" ? `, or keep ${attribute} at ${before}` : ""}`;
  return [finding(rc, ctx, `${head}: ${effect}; it needs only IAM rights in its own account to use this, and this plan changes no policy`, evidence, undo)];
}

/** Whether every attribute named is known after and equal to what it was before (absent on both sides counts as equal). */
function sameAs(rc: PlanResourceChange, attributes: readonly string[]): boolean {
  return attributes.every((attr) => {
    const v = afterValue(rc.change, [attr]);
    const was = getPath(rc.change.before, [attr]) ?? null;
    return v.state === "known" && (v.value ?? null) === was;
  });
}

function shownAccount(account: ReturnType<typeof afterValue>): string {
  return account.state === "known" && typeof account.value === "string" && account.value !== "" ? account.value : "(known after apply)";
}

/** The Allow grants of a delegation policy that change something: every Organizations action but Describe* and List*. */
function parsePolicy(content: unknown): Parsed {
  let doc = content;
  if (typeof content === "string") {
    try {
      doc = JSON.parse(content);
    } catch {
      return { ok: false, problem: "not JSON" };
    }
  }
  if (!isObject(doc)) return { ok: false, problem: "not a policy document" };
  const raw = doc.Statement;
  const statements = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  const grants: Grant[] = [];
  for (const [i, s] of statements.entries()) {
    if (!isObject(s)) return { ok: false, problem: `statement ${i + 1} is not an object` };
    if (typeof s.Effect === "string" && s.Effect.trim().toLowerCase() === "deny") continue;
    const actions = s.NotAction !== undefined ? [`NotAction ${JSON.stringify(s.NotAction)}`] : s.Action === undefined ? ["(no Action)"] : strings(s.Action);
    if (actions === undefined) return { ok: false, problem: `statement ${i + 1} has an Action that is not a string or a list of strings` };
    const written = actions.filter((a) => s.NotAction !== undefined || s.Action === undefined || changes(a));
    if (written.length === 0) continue;
    // The same right on the same terms compares equal whatever its Sid, and whichever statement lists it.
    const rest = Object.fromEntries(Object.entries(s).filter(([k]) => !["Sid", "Principal", "Action", "NotAction"].includes(k)));
    const terms = canonicalJson(sortedLists(rest));
    const sid = typeof s.Sid === "string" && s.Sid !== "" ? s.Sid : undefined;
    for (const principal of principals(s.Principal)) for (const action of written) grants.push({ principal, action, terms, sid, condition: s.Condition });
  }
  return { ok: true, grants };
}

/** Describe* and List* only read; any other Organizations action (or a wildcard that reaches one) changes something. */
function changes(action: string): boolean {
  const a = action.trim().toLowerCase();
  if (a === "*") return true;
  const colon = a.indexOf(":");
  if (colon < 0) return true;
  if (!globMatch(a.slice(0, colon), "organizations", { caseInsensitive: true })) return false;
  const name = a.slice(colon + 1);
  return !(name.startsWith("describe") || name.startsWith("list"));
}

function strings(v: unknown): string[] | undefined {
  if (typeof v === "string") return [v];
  if (Array.isArray(v) && v.every((x) => typeof x === "string")) return v as string[];
  return undefined;
}

/** Each principal a statement names, as `AWS arn:...`; a missing or unreadable one as anyone (fail closed). */
function principals(p: unknown): string[] {
  if (p === "*" || p === undefined) return ["anyone (Principal \"*\")"];
  if (!isObject(p)) return [`Principal ${JSON.stringify(p)}`];
  const out: string[] = [];
  for (const [kind, v] of Object.entries(p)) for (const id of strings(v) ?? [JSON.stringify(v)]) out.push(id === "*" ? `anyone (Principal ${kind} "*")` : `${kind} ${id}`);
  return out.length > 0 ? out : ["anyone (an empty Principal)"];
}

function sortedLists(v: unknown): unknown {
  if (Array.isArray(v)) {
    const items = v.map(sortedLists);
    return items.every((x) => typeof x === "string") ? [...(items as string[])].sort() : items;
  }
  if (isObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, sortedLists(x)]));
  return v;
}

function key(g: Grant): string {
  return canonicalJson([g.principal, g.action.toLowerCase(), g.terms]);
}

/** One line per principal and terms: who may call what, and under which condition. */
function describeGrants(grants: readonly Grant[]): string[] {
  const groups = new Map<string, { principal: string; sid?: string; condition?: unknown; actions: string[] }>();
  for (const g of grants) {
    const k = `${g.principal}\u0000${g.terms}\u0000${g.sid ?? ""}`;
    const group = groups.get(k) ?? { principal: g.principal, sid: g.sid, condition: g.condition, actions: [] };
    if (!group.actions.includes(g.action)) group.actions.push(g.action);
    groups.set(k, group);
  }
  return [...groups.values()].map((x) => {
    const sid = x.sid ? ` (statement ${JSON.stringify(x.sid)})` : "";
    const cond = x.condition !== undefined ? `, when ${JSON.stringify(x.condition)}` : "";
    return `${x.principal} call ${x.actions.join(", ")}${sid}${cond}`;
  });
}

/** How the object came to this address in this plan. */
function origin(rc: PlanResourceChange): string {
  const moved = rc.previous_address && rc.previous_address !== rc.address ? ` (moved from ${rc.previous_address})` : "";
  const imported = rc.change.importing !== undefined && rc.change.importing !== null ? " (imported by this plan)" : "";
  return `${moved}${imported}`;
}

function finding(rc: PlanResourceChange, ctx: PlanRuleContext | undefined, what: string, evidence: Evidence[], undo = "keep the delegation policy to Describe* and List* actions, or do not register the delegated administrator"): FindingDraft {
  const plan = ctx?.file ? ctx.file : "PLAN_JSON";
  const how =
    `If this is intended, a human with the approval key checks that no agent works in the delegated account, ` +
    `runs \`blastwall approve ${plan} --key KEY.pem --by NAME\` on this exact plan, and the gate is given that approval with --approval; ` +
    `if not, ${undo}.`;
  return changeFinding(rc, `${what}. ${how}`, [{ step: "guardrail", address: rc.address, detail: "by default only the management account may change the organization's policies and its services' organization-wide settings" }, ...evidence]);
}
