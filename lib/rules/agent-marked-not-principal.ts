import type { Rule } from "../engine/rule";
import type { PrincipalNode } from "../engine/analysis-types";
import type { FindingDraft } from "../engine/findings";
import type { TfResource } from "../engine/terraform/types";
import { agentSelector } from "../engine/agents";
import { iamPlumbing, markedResources, roleLookup, rolesRunAs, type RunsAs } from "../engine/agent-marks";
import type { TfStack } from "../engine/terraform/types";
import { refTarget } from "../engine/terraform/tokens";
import { ACCOUNT_ASSIGNMENT_TYPE } from "../engine/principals/permission-sets";

const CONFIG = "or select it in blastwall.json (`agents.addresses`, `agents.names` or `agents.tags`)";

function shownValue(x: RunsAs): string {
  if (x.value === undefined) return x.attribute;
  return `${x.attribute} = ${typeof x.value === "string" ? x.value : JSON.stringify(x.value)}`;
}

/**
 * The agent mark (the `blastwall:agent` tag, or the config's `agents.addresses` / `agents.tags`) on a resource that
 * is no agent principal: a function, task definition, agent runtime, instance, instance profile or group. blastwall
 * judges credentials, so the mark alone checks nothing, and the gate would pass an agent it never looked at. What is
 * a principal is the analysis's answer, not a list of types here: a kind of principal blastwall learns to judge drops
 * out of this rule by itself.
 *
 * Where the resource runs as a role of the stack, that role is judged as the agent (lib/engine/agent-marks.ts): a
 * warning, since every agent rule then checks the credentials the agent holds. blastwall's guardrail SCPs and resource
 * control policy do not read the mark at all: they match the /agents/ path and an `agent-*` source identity
 * (guardrail-policies.ts), so the message says that tagging the role makes blastwall judge it, not those policies cover
 * it (red-team rounds 139 F6, 140 F5). An error where no role can be resolved, or the resource is a group.
 */
export const rule: Rule = {
  meta: {
    id: "agent-marked-not-principal",
    title: "Something marked as an AI agent is not credentials blastwall judges",
    why:
      "blastwall judges what credentials can delete: an IAM role or user, an Identity Center permission set. This mark sits " +
        "on something else (a Lambda function, an instance, a group, a service-linked role only its AWS service can assume), so " +
        "unless the role it runs as is judged in its place, an agent that can delete a database and its backups would pass the " +
        "gate with none of its rights looked at.",
    details:
      "blastwall judges the credentials an agent acts with: IAM roles and users, and Identity Center permission sets. A " +
        "blastwall:agent tag (or a config selector) on a Lambda function, a task definition, an agent runtime, an instance, a " +
        "group, an Identity Center user or a service-linked role (which only its service can assume) marks nothing blastwall " +
        "checks: without this finding the gate would pass that agent without looking at any of its rights. " +
        "Where the resource runs as a role of the stack, that role is judged as the agent instead. blastwall's guardrail SCPs and " +
        "resource control policy recognise agents by the /agents/ path and an agent-* source identity, not by the tag: they cover that " +
        "role only when it is under /agents/ or its sessions carry such an identity, marked or not; a role only AWS services assume (a " +
        "Lambda, ECS task or AgentCore runtime role) never gets such an identity, so for it the path is what counts, and its trust " +
        "must not require one. The tags of an IAM managed policy are no mark: they say whose policy it is (AgentRole tags its boundary " +
        "and guard policies), and what it grants is judged on the principals it attaches to.",
    fix:
      "Tag the role (or user) the agent runs as with blastwall:agent = \"true\", or select it in blastwall.json " +
      "(`agents.addresses`, `agents.names`, `agents.tags`); for a group, tag its users; for an Identity Center user, the permission " +
      "sets assigned to it. Remove the mark from the resource if it is not the agent.",
    severity: "error",
    category: "input",
  },
  check({ stack, analysis, config }) {
    const out: FindingDraft[] = [];
    const isAgent = (address: string) => analysis.byAddress.get(address)?.isAgent === true;
    const lookup = roleLookup(stack, analysis);
    const marked = markedResources(stack, config, isAgent, () => lookup);
    if (marked.length === 0) return out;
    // A role the analysis judges as an agent only because a marked resource runs as it (agent-marks.ts).
    const selector = agentSelector(config, stack);
    const onItsOwn = (address: string) => {
      const p = analysis.byAddress.get(address);
      return p !== undefined && selector(p.resource) !== undefined;
    };
    // The policies of the stack's principals, and what attaches them: the constructs give them the agent's tags. Their
    // mark says whose policy they are; what they grant is judged on the principal they attach to, agent or not.
    const plumbing = iamPlumbing(analysis);
    for (const { resource: r, mark } of marked) {
      if (plumbing.has(r.address)) continue;
      // Unattached too (red-team round 129, F4): AgentRole's boundary with the role's permissions_boundary reset kept
      // its tags, and this rule told the user to remove them, which fixes nothing; agent-role-boundary names the fault.
      if (POLICY_DOCUMENTS.includes(r.type) && !mark.reason.startsWith("config agents.addresses")) continue;
      const at = r.constructPath ? ` (construct ${r.constructPath})` : "";
      const markText = `${r.address}${at} is marked as an AI agent (${mark.reason})`;
      const head = `${markText}, but it is not credentials blastwall judges (an IAM role or user, or an Identity Center permission set)`;
      const evidence: FindingDraft["evidence"][number][] = [{ step: "mark", address: r.address, detail: mark.reason }];
      if (r.type === SERVICE_LINKED_ROLE) {
        const service = typeof r.values["aws_service_name"] === "string" ? ` (${r.values["aws_service_name"]})` : "";
        out.push(finding(r, "error", evidence,
          `${markText}, but it is a service-linked role: only its service${service} can assume it, so no agent can hold its credentials, and ` +
            `the mark is misplaced and checks nothing about any agent. This error fails the gate until the mark is on the role or user the agent acts ` +
            "with (or gone, if no agent was meant).",
          `Remove the mark from ${r.address}, and tag the role or user the agent acts with blastwall:agent = "true", ${CONFIG.replace("select it", "select that")}.`));
        continue;
      }
      if (IDENTITY_CENTER.includes(r.type)) {
        const sets = assignedPermissionSets(stack, r);
        for (const a of sets) evidence.push({ step: "assignment", address: a.assignment, detail: `${a.assignment} assigns ${a.permissionSet}${a.via ? ` to ${a.via}, which ${r.address} is a member of` : ` to ${r.address}`}` });
        const kind = r.type === "aws_identitystore_group" ? "an Identity Center group" : "an Identity Center user";
        const why = `${markText}, but it is ${kind}: it signs in and acts through the permission sets assigned to it, which blastwall judges, not as itself`;
        // As for a group whose users are all marked: the credentials are judged, and the mark on the user adds nothing.
        const all = [...new Set(sets.map((a) => a.permissionSet))];
        const named = all.filter((a) => !isAgent(a));
        if (all.length > 0 && named.length === 0) continue;
        const them = named.length === 1 ? "that permission set" : "those permission sets";
        // Assignments written for Cloud Control: the permission sets they give are not known to blastwall as this user's.
        const cloudControl = all.length > 0 ? [] : assignedPermissionSets(stack, r, CLOUD_CONTROL_ASSIGNMENT);
        for (const a of cloudControl) evidence.push({ step: "assignment", address: a.assignment, detail: `${a.assignment} assigns ${a.permissionSet}${a.via ? ` to ${a.via}, which ${r.address} is a member of` : ` to ${r.address}`}; it is written for the Cloud Control provider, which blastwall does not analyse` });
        const ccAssignments = [...new Set(cloudControl.map((a) => a.assignment))].join(", ");
        out.push(finding(r, "error", evidence,
          named.length > 0
            ? `${why}. This stack assigns it ${named.join(", ")}, which ${named.length === 1 ? "is" : "are"} not marked as an agent, so nothing about the agent was checked: ${IN_ITS_PLACE}.`
            : cloudControl.length > 0
              ? `${why}, and this stack assigns it permission sets only through ${ccAssignments}, written for the Cloud Control provider, which blastwall does not analyse (awscc_sso_assignment), so nothing about the agent was checked: ${IN_ITS_PLACE}.`
              : `${why}, and this stack assigns it none (aws_ssoadmin_account_assignment), so nothing about the agent was checked: ${IN_ITS_PLACE}.`,
          named.length > 0
            ? `Tag ${named.join(" and ")} with blastwall:agent = "true", ${CONFIG.replace("select it", `select ${them}`)}: then every right ${them} give${named.length === 1 ? "s" : ""} is judged. ` +
              `If people sign in with ${them} too, give the agent a permission set of its own and mark that one. Remove the mark from ${r.address}.`
            : cloudControl.length > 0
              ? `Write ${ccAssignments} as aws_ssoadmin_account_assignment, which blastwall reads, and tag the permission set it assigns (${[...new Set(cloudControl.map((a) => a.permissionSet))].join(", ")}) with blastwall:agent = "true", ${CONFIG.replace("select it", "select that permission set")}. Remove the mark from ${r.address}.`
              : `Tag the permission set assigned to the agent (aws_ssoadmin_permission_set) with blastwall:agent = "true", ${CONFIG.replace("select it", "select that")}, in the stack that makes it. Remove the mark from ${r.address}.`));
        continue;
      }
      const group = analysis.byAddress.get(r.address);
      if (group?.kind === "group") {
        const members = group.groups;
        if (members.length > 0 && members.every(isAgent)) continue;
        const users = members.length > 0 ? `its users (${members.join(", ")})` : "the users that are agents (the stack adds none to it)";
        out.push(finding(r, "error", evidence,
          `${head}: a group cannot sign a request, so nothing about the agent was checked: ${IN_ITS_PLACE}. ` +
            `Tag ${users} with blastwall:agent = "true", ${CONFIG.replace("select it", "select them")}; then every right the group gives them is judged.`,
          `Tag ${users} with blastwall:agent = "true", ${CONFIG.replace("select it", "select them")}, and remove the mark from ${r.address}.`));
        continue;
      }
      const runs = rolesRunAs(lookup, r);
      for (const x of runs) evidence.push({ step: "runs-as", address: x.role ?? x.candidate ?? r.address, detail: `${r.address} ${shownValue(x)}${x.role ? "" : `: ${unresolvedWhy(x)}`}` });
      const resolved = [...new Set(runs.map((x) => x.role).filter((x): x is string => x !== undefined))];
      const unresolved = runs.filter((x) => x.role === undefined);
      if (r.mode === "data") {
        out.push(finding(r, "error", evidence,
          `${head}: it is read from outside this configuration, so this stack does not judge it: ${IN_ITS_PLACE}.`,
          `Select the role or user by name in blastwall.json (\`agents.names\`): every stack that names it then judges it as an agent. Judge the stack that makes it there.`));
        continue;
      }
      if (runs.length === 0) {
        out.push(finding(r, "error", evidence,
          `${head}, and it names no role it runs as, so nothing about the agent was checked: ${IN_ITS_PLACE}.`,
          `Tag the role or user the agent acts with blastwall:agent = "true", ${CONFIG.replace("select it", "select that")}; remove the mark from ${r.address} if it is not the agent.`));
        continue;
      }
      if (unresolved.length > 0) {
        const judged = resolved.length > 0 ? ` blastwall judges ${resolved.join(", ")} as the agent, but not the rest.` : "";
        const plain = unresolved.filter((x) => x.candidate === undefined && x.note === undefined);
        const candidates = unresolved.filter((x) => x.candidate !== undefined);
        const said = [
          ...(plain.length > 0 ? [`It runs as ${plain.map(shownValue).join(", ")}, which names no role of this stack blastwall can identify (a role made elsewhere, or a value known only at apply time)`] : []),
          ...unresolved.filter((x) => x.note !== undefined).map((x) => `It runs as ${shownValue(x)}: ${x.note}`),
          ...(candidates.length > 0 ? [`${candidates.map((x) => `${shownValue(x)} names ${x.candidate}`).join(", ")}, but ${GENERIC(r.type)}`] : []),
        ];
        const named = [...new Set(candidates.map((x) => x.candidate!))];
        out.push(finding(r, "error", evidence,
          `${head}. ${said.join(". ")}: the credentials the agent acts with were not checked, and ${IN_ITS_PLACE}.${judged}`,
          named.length > 0
            ? `Tag the role the agent's code runs as with blastwall:agent = "true", ${CONFIG} (${named.join(" or ")}, if that is it). Remove the mark from ${r.address} if it is not the agent.`
            : `Make the role the agent runs as a role of this stack, referenced from ${r.address} (\`\${aws_iam_role.NAME.arn}\`), and tag it with blastwall:agent = "true", ${CONFIG}; ` +
              `or judge the stack that makes it, where it must be tagged or selected.`));
        continue;
      }
      const promoted = resolved.filter((a) => !onItsOwn(a));
      if (promoted.length === 0) continue;
      const role = promoted.join(" and ");
      const services = [...new Set(promoted.flatMap((a) => serviceOnlyTrust(analysis.byAddress.get(a)) ?? []))];
      const byService = services.length > 0 && promoted.every((a) => serviceOnlyTrust(analysis.byAddress.get(a)) !== undefined);
      out.push(finding(r, "warning", evidence,
        `${head}. It runs as ${role}: blastwall judges ${promoted.length === 1 ? "that role" : "those roles"} as the agent instead. ` +
          "blastwall's guardrail SCPs and resource control policy do not read the mark on either: they recognise agents by the /agents/ path and an agent-* source " +
          (byService
            ? `identity, and the sessions of ${role} come from ${services.join(", ")}, which never sets a source identity, so they cover ${role} only if ${promoted.length === 1 ? "it is" : "they are"} under /agents/.`
            : `identity, so they cover ${role} only if ${promoted.length === 1 ? "it is" : "they are"} under /agents/ or every session carries such an identity.`),
        `It runs as ${role}: tag that role with blastwall:agent = "true", ${CONFIG}. Remove the mark from ${r.address}, or keep it: it does no harm once the role is marked. ` +
          (byService
            ? `To put the role under the guardrail SCPs as well, give it the path /agents/ and a permissions boundary, written by hand (no AgentPrincipal trusts a service, so AgentRole cannot make it). ` +
              `Do not require sts:SourceIdentity in its trust: ${services.join(", ")} never sets one, so every session it starts would be refused (agent-source-identity leaves such a trust alone).`
            : `To put the role under the guardrail SCPs as well, give it the path /agents/ (an AgentRole has it) and require StringLike sts:SourceIdentity = agent-* in its trust.`)));
    }
    return out;
  },
};

/**
 * The services a role's trust admits, when it admits nothing else (every Allow statement readable, naming only AWS
 * services, none of them EKS Pod Identity or IAM Roles Anywhere, whose sessions go to a pod's code or a certificate's
 * holder): a Lambda, ECS task or AgentCore runtime role. Such a service never sets a source identity on the sessions
 * it starts, so the trust cannot require one (agent-source-identity exempts it for the same reason). Undefined
 * otherwise.
 */
function serviceOnlyTrust(node: PrincipalNode | undefined): string[] | undefined {
  const allows = (node?.trustPolicy?.statements ?? []).filter((s) => s.effect === "Allow" || s.unknown !== undefined);
  if (allows.length === 0) return undefined;
  const out = new Set<string>();
  for (const s of allows) {
    if (s.unknown !== undefined || s.notPrincipals || !s.principals || s.principals.length === 0) return undefined;
    for (const p of s.principals) {
      if (p.type !== "Service") return undefined;
      for (const id of p.identifiers) {
        if (/[*?]/.test(id) || /^(pods\.eks|rolesanywhere)\./i.test(id)) return undefined;
        out.add(id);
      }
    }
  }
  return [...out];
}

/**
 * What an error of this rule stands for: the gate would otherwise pass the agent having judged nothing, so the finding
 * itself fails it (rounds before 108 said "the gate passes it unseen" inside the very error that failed the gate).
 */
const IN_ITS_PLACE = "this error fails the gate instead, until the credentials the agent acts with are marked where blastwall judges them";

const SERVICE_LINKED_ROLE = "aws_iam_service_linked_role";

/**
 * Managed policies: documents, not credentials, and nothing runs as one. A tag on one says whose policy it is (AgentRole
 * tags its boundary and guard policies with the agent's tags); what it grants is judged on the principals it attaches
 * to. Only a config address naming one is reported: that selection meant an agent and selects none.
 */
const POLICY_DOCUMENTS: readonly string[] = ["aws_iam_policy"];

/** Identity Center users and groups: they act through the permission sets assigned to them. */
const IDENTITY_CENTER: readonly string[] = ["aws_identitystore_user", "aws_identitystore_group"];

/** The resource a value names by reference (`${aws_identitystore_user.bot.user_id}`), when it is exactly one. */
function addressOf(v: unknown): string | undefined {
  const t = refTarget(v);
  return t && (t.kind === "resource" || t.kind === "data") && t.path.length === 0 ? t.address : undefined;
}

/**
 * The permission sets the stack's account assignments give an Identity Center user or group: directly, and, for a
 * user, through the groups `aws_identitystore_group_membership` puts it in. A permission set named by anything but a
 * reference to one of the stack's is shown as written.
 */
/**
 * The permission sets the stack's assignments of `type` give an Identity Center user or group, directly or through a
 * group it is a member of. `awscc_sso_assignment` is Cloud Control's, which blastwall does not analyse (unmodelled-iam):
 * read only to say so.
 */
function assignedPermissionSets(stack: TfStack, r: TfResource, type: string = ACCOUNT_ASSIGNMENT_TYPE): { assignment: string; permissionSet: string; via?: string }[] {
  const principals = new Map<string, string | undefined>([[r.address, undefined]]);
  if (r.type === "aws_identitystore_user") {
    for (const m of stack.byType.get("aws_identitystore_group_membership") ?? []) {
      const group = addressOf(m.values["group_id"]);
      if (addressOf(m.values["member_id"]) === r.address && group !== undefined) principals.set(group, group);
    }
  }
  const out: { assignment: string; permissionSet: string; via?: string }[] = [];
  for (const a of stack.byType.get(type) ?? []) {
    const to = addressOf(a.values["principal_id"]);
    if (to === undefined || !principals.has(to)) continue;
    const written = a.values["permission_set_arn"];
    const set = addressOf(written);
    const via = principals.get(to);
    out.push({ assignment: a.address, permissionSet: set ?? `the permission set ${typeof written === "string" ? written : JSON.stringify(written)}`, ...(via ? { via } : {}) });
  }
  return out;
}

/** Why blastwall does not judge a role an attribute of a type it does not know names. */
const GENERIC = (type: string) =>
  `blastwall does not know whether ${type} runs its code as that role or the service manages it with the role (as an ECS service's iam_role is ` +
  `the role ECS calls the load balancer with, and an EKS cluster's role_arn is its control plane's), so it does not judge the role as the agent`;

function unresolvedWhy(x: RunsAs): string {
  if (x.candidate !== undefined) return `names ${x.candidate}, which blastwall does not know to be the role its code runs as`;
  return x.note ?? "no role of this stack blastwall can identify";
}

const CLOUD_CONTROL_ASSIGNMENT = "awscc_sso_assignment";

function finding(r: TfResource, severity: "error" | "warning", evidence: FindingDraft["evidence"], message: string, fix: string): FindingDraft {
  return { principal: r.address, resource: r.address, actions: [], severity, evidence, message, fix };
}
