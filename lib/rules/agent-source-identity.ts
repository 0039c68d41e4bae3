import type { Rule } from "../engine/rule";
import type { FindingDraft } from "../engine/findings";
import type { Condition, Statement } from "../engine/iam/types";
import { globCovers, globMatch } from "../engine/iam/glob";
import type { PrincipalNode } from "../engine/analysis-types";
import { statementName, statementRef } from "../engine/describe";
import { principalEvidence, ownAgentRoles } from "./support";
import { AGENT_TAG } from "../engine/agents";
import { describe, resourceEvidence } from "./protection-support";
import { CI_ISSUERS, EKS_ISSUER, ciIssuerOf } from "../engine/ci-issuers";
import type { TfStack } from "../engine/terraform/types";

/** The calls that start a session on a role; each must carry an `agent-` source identity. */
const ASSUME = ["sts:AssumeRole", "sts:AssumeRoleWithWebIdentity", "sts:AssumeRoleWithSAML"];
const KEY = "sts:sourceidentity";

function covers(s: Statement, action: string): boolean {
  if (s.actions) return s.actions.some((p) => globMatch(p, action, { caseInsensitive: true }));
  if (s.notActions) return !s.notActions.some((p) => globMatch(p, action, { caseInsensitive: true }));
  return false;
}

/** The source identities the guardrails treat as agent sessions: `StringLike aws:SourceIdentity agent-*`, case-sensitive. */
const AGENT_IDENTITY = "agent-*";

/**
 * A condition of an Allow that holds only for an `agent-` source identity: the prefix the guardrails (SCPs, key and
 * bucket policies) recognise agent sessions by. `Null: false` or a value of `*` demands some identity, not an agent's.
 * No IgnoreCase operator counts (red-team round 139 F4): the caller chooses the case, `AGENT-CI` meets
 * `StringEqualsIgnoreCase agent-ci`, and the guardrails' `agent-*` does not match it.
 */
function requiresSourceIdentity(c: Condition): boolean {
  if (c.key.toLowerCase() !== KEY || c.values.length === 0) return false;
  if (c.operator === "StringLike") return c.values.every((v) => globCovers(AGENT_IDENTITY, v));
  if (c.operator === "StringEquals") return c.values.every((v) => globMatch(AGENT_IDENTITY, v));
  return false;
}

/**
 * A condition of a Deny that holds for a missing source identity and for every one outside `agent-*`: a negated
 * operator (IfExists or not: both hold when the key is absent) whose values all lie inside `agent-*`. `Null: true`
 * holds only for a missing one, `StringNotEquals ops-bot` lets `ops-bot` through (red-team round 139 F1), and a
 * negated IgnoreCase operator lets `AGENT-X` through for a value `agent-x` (F4).
 */
function refusesNonAgent(c: Condition): boolean {
  if (c.key.toLowerCase() !== KEY || c.values.length === 0) return false;
  if (/^StringNotLike(?:IfExists)?$/.test(c.operator)) return c.values.every((v) => globCovers(AGENT_IDENTITY, v));
  if (/^StringNotEquals(?:IfExists)?$/.test(c.operator)) return c.values.every((v) => globMatch(AGENT_IDENTITY, v));
  return false;
}

/** A Deny that certainly refuses every session without an `agent-` source identity: each of its conditions does. */
function deniesNonAgent(s: Statement): boolean {
  return s.effect === "Deny" && s.unknown === undefined && s.conditions.length > 0 && s.conditions.every(refusesNonAgent);
}

/** A Deny that certainly refuses a session with no source identity (`Null: true`, or a negation, true without the key). */
function deniesMissing(s: Statement): boolean {
  return (
    s.effect === "Deny" &&
    s.unknown === undefined &&
    s.conditions.length > 0 &&
    s.conditions.every(
      (c) =>
        c.key.toLowerCase() === KEY &&
        ((c.operator === "Null" && c.values.some((v) => v.toLowerCase() === "true")) || /^StringNot(?:Equals|Like)(?:IgnoreCase)?(?:IfExists)?$/.test(c.operator)),
    )
  );
}

/**
 * Whether every session `s` starts by `call` comes without a source identity, whatever the caller does: web identities
 * of CI issuers (named by literal provider ARNs) and EKS clusters, whose tokens never carry the claim, and EKS Pod
 * Identity, which sets none. For those a Deny of a missing identity refuses every session: the role is locked out
 * (a warning of its own, lockedOut), not open.
 */
function carriesNoIdentity(s: Statement, call: string): boolean {
  if (s.unknown !== undefined || s.notPrincipals !== undefined || !s.principals || s.principals.length === 0) return false;
  if (call === "sts:AssumeRoleWithWebIdentity") {
    return s.principals.every(
      (p) =>
        p.type === "Federated" &&
        p.identifiers.every((i) => {
          const host = /:oidc-provider\/(.+)$/i.exec(i)?.[1];
          return host !== undefined && !/[*?$]/.test(host) && ciIssuerOf(host.toLowerCase()) !== undefined;
        }),
    );
  }
  return call === "sts:AssumeRole" && s.principals.every((p) => p.type === "Service" && p.identifiers.every((i) => POD_IDENTITY.test(i)));
}

/**
 * Whether a Deny binds every principal the statement `s` admits: it names everyone (`"*"`), or each of the statement's
 * principals as written (`AWS: "*"` covers its AWS principals). A NotPrincipal Deny spares someone, maybe the caller.
 */
function denyBinds(d: Statement, s: Statement): boolean {
  if (d.notPrincipals !== undefined) return false;
  const by = d.principals ?? [];
  if (by.some((p) => p.type === "*")) return true;
  if (s.unknown !== undefined || s.notPrincipals !== undefined || !s.principals || s.principals.length === 0) return false;
  return s.principals.every((p) =>
    p.identifiers.every((i) => by.some((q) => q.type === p.type && (q.identifiers.includes(i) || (p.type === "AWS" && q.identifiers.includes("*"))))),
  );
}

/** Why a condition on sts:SourceIdentity does not confine a statement of `effect` to agent-* sessions. */
function identityFault(c: Condition, effect: "Allow" | "Deny"): string {
  const at = `${c.operator} ${c.key}`;
  const v = c.values.find((x) => !globMatch(AGENT_IDENTITY, x)) ?? c.values[0] ?? "";
  if (/IgnoreCase/.test(c.operator)) {
    const upper = (c.values.find((x) => /[a-z]/.test(x)) ?? "agent-x").toUpperCase();
    return `${at} compares without case, so a caller's "${upper}" ${effect === "Allow" ? "meets" : "passes"} it, and the guardrails' StringLike aws:SourceIdentity agent-* is case-sensitive`;
  }
  if (c.operator === "Null") {
    const absent = c.values.some((x) => x.toLowerCase() === "true");
    if (effect === "Deny") return absent ? `${at} true refuses only a session without one, and the caller sets any other (--source-identity x)` : `${at} false refuses only sessions that carry one`;
    return absent ? `${at} true admits only sessions without one` : `${at} false demands some identity, not an agent-* one`;
  }
  if (/IfExists$/.test(c.operator) && effect === "Allow") return `${at} holds for a session without one`;
  if (effect === "Deny") {
    if (/^StringNot(?:Like|Equals)(?:IfExists)?$/.test(c.operator)) return `${at} spares "${v}", which reaches outside agent-*`;
    if (c.key.toLowerCase() !== KEY) return `it also requires ${at}, which a caller need not meet`;
    return `${at} refuses only the identities it names`;
  }
  if (/^String(?:Like|Equals)$/.test(c.operator)) return `${at} admits "${v}", which reaches outside agent-*`;
  return `${at} does not require an agent-* identity`;
}

/**
 * Denies of the trust that speak of sts:SourceIdentity, cover a call the statement leaves open and yet do not refuse
 * every non-agent session, with why: said in the finding, so a Deny that was meant as the guard is not passed over.
 */
function weakDenies(statements: readonly Statement[], s: Statement, calls: readonly string[]): string[] {
  const out: string[] = [];
  for (const d of statements) {
    if (d.effect !== "Deny" || d.unknown !== undefined || !calls.some((a) => covers(d, a))) continue;
    if (!d.conditions.some((c) => c.key.toLowerCase() === KEY)) continue;
    const why = !denyBinds(d, s)
      ? "it does not name every principal this statement admits"
      : d.conditions.filter((c) => !refusesNonAgent(c)).map((c) => identityFault(c, "Deny")).join("; ");
    out.push(`${statementName(d)} does not make up for it: ${why}`);
  }
  return out;
}

/**
 * EKS Pod Identity's service principal (one name in every partition; `.cn` kept in case a China trust spells it so).
 * The service starts sessions for a pod, code the agent's owner runs: the EKS Auth API (AssumeRoleForPodIdentity)
 * takes only the cluster and the service account's token, and the service calls AssumeRole with session tags (cluster,
 * namespace, service account, pod) and never a source identity (its trust grants no sts:SetSourceIdentity).
 */
const POD_IDENTITY = /^pods\.eks\.amazonaws\.com(?:\.cn)?$/i;

/**
 * Whether a readable statement lets EKS Pod Identity start a session (sts:AssumeRole): by name, or by a service name
 * blastwall could not resolve (a variable reads as `*`), which may be it.
 */
function admitsPodIdentity(s: Statement): boolean {
  return s.unknown === undefined && covers(s, "sts:AssumeRole") && podIdentityNames(s).length > 0;
}

/** The Service identifiers of a statement that are, or may be, pods.eks.amazonaws.com. */
function podIdentityNames(s: Statement): string[] {
  return (s.principals ?? [])
    .filter((p) => p.type === "Service")
    .flatMap((p) => p.identifiers.filter((i) => POD_IDENTITY.test(i) || (/[*?]/.test(i) && globMatch(i, "pods.eks.amazonaws.com", { caseInsensitive: true }))));
}

/**
 * IAM Roles Anywhere's service principal. It starts the session for whoever presents a certificate its trust anchor
 * accepts, and sets the source identity to the certificate's subject CN (Roles Anywhere user guide, "trust model"):
 * a name the certificate's issuer chose (`ops-host-1`), not agent-*, that then survives role chaining. The session
 * goes to the certificate's holder, the agent's own code, as a pod's does. Unlike EKS Pod Identity, a trust can ask
 * for the prefix: `StringLike sts:SourceIdentity agent-*` is met by a certificate whose CN starts with `agent-`.
 */
const ROLES_ANYWHERE = /^rolesanywhere\.amazonaws\.com(?:\.cn)?$/i;

/**
 * Whether a readable statement lets IAM Roles Anywhere start a session: by name, or by a service name blastwall could
 * not resolve, which may be it. Such a statement is held to the source-identity condition like a person's.
 */
function admitsRolesAnywhere(s: Statement): boolean {
  return (
    s.unknown === undefined &&
    covers(s, "sts:AssumeRole") &&
    (s.principals ?? []).some(
      (p) => p.type === "Service" && p.identifiers.some((i) => ROLES_ANYWHERE.test(i) || (/[*?]/.test(i) && globMatch(i, "rolesanywhere.amazonaws.com", { caseInsensitive: true }))),
    )
  );
}

/** Said of a statement that admits Pod Identity only through a service name blastwall could not resolve. */
function unresolvedService(s: Statement): string {
  return podIdentityNames(s).some((i) => POD_IDENTITY.test(i)) ? "" : " (a service name blastwall cannot resolve, which may be pods.eks.amazonaws.com)";
}

/**
 * The Allow statements of a trust policy that let a session start without an `agent-` source identity, with the
 * calls they leave open. Statements that admit only AWS services are left out: services never set a source identity
 * when they assume a role (their sessions are named after the function, task or job), so requiring one would lock
 * the service out, and what runs under the role is the stack's own. EKS Pod Identity is not left out: it sets none
 * either, but its sessions go to a pod's code, the agent itself, as a CI job's or an IRSA pod's do. Nor is IAM Roles
 * Anywhere (red-team round 142 F5): its sessions go to a certificate's holder, with the certificate's CN as source
 * identity, which the trust can and must require to be agent-*.
 */
function openStatements(statements: readonly Statement[]): { statement: Statement; open: string[] }[] {
  const denies = statements.filter((d) => deniesNonAgent(d) || deniesMissing(d));
  const guards = (d: Statement, s: Statement, a: string) => covers(d, a) && denyBinds(d, s) && (deniesNonAgent(d) || carriesNoIdentity(s, a));
  const out: { statement: Statement; open: string[] }[] = [];
  for (const s of statements) {
    if (s.effect !== "Allow" && s.unknown === undefined) continue;
    if (!s.unknown && !s.notPrincipals && (s.principals ?? []).length > 0 && s.principals!.every((p) => p.type === "Service") && !admitsPodIdentity(s) && !admitsRolesAnywhere(s)) continue;
    const open = ASSUME.filter((a) => (s.unknown !== undefined || covers(s, a)) && !denies.some((d) => guards(d, s, a)));
    if (open.length === 0) continue;
    if (!s.unknown && s.conditions.some(requiresSourceIdentity)) continue;
    out.push({ statement: s, open });
  }
  return out;
}

/**
 * An entry role (AgentRole's, for principals whose sessions cannot carry a source identity): all it may do, by its
 * boundary or its policies, is start sessions of roles of this stack whose own trust requires an `agent-` source
 * identity. Its sessions are attributed there, so it needs none of its own.
 */
function isEntryRole(agent: PrincipalNode, principals: readonly PrincipalNode[]): boolean {
  const capped = [agent.boundary?.document.statements, agent.identityPolicies.flatMap((a) => a.document.statements)].find(onlyStartsSessions);
  if (!capped) return false;
  const byArn = rolesByArn(principals);
  return capped
    .filter((s) => s.effect === "Allow")
    .every((s) =>
      (s.resources ?? []).every((r) => {
        // The path and name must be known exactly (the account is `*` in every ARN of a stack, AgentRole's own
        // included, so a `*` there is the stack's convention). A generated name (`name_prefix`, a variable) leaves the
        // pattern open to other roles, in the stack or not, whose trust may ask for no source identity: no exemption.
        const parts = r.split(":");
        const name = parts.slice(5).join(":");
        // A written account id names the same role of the stack (whose ARN has `*` there) as the stack's own pattern,
        // and so does any partition (the stack's patterns say `aws`; AgentRole writes `*` to match every partition).
        const roles = /[*?]/.test(name) || parts[2] !== "iam" ? [] : (byArn.get(["arn", "*", "iam", "", "*", name].join(":").toLowerCase()) ?? []);
        return roles.length === 1 && roles[0] !== agent && roles[0].trustPolicy !== undefined && openStatements(roles[0].trustPolicy.statements).length === 0;
      }),
    );
}

const roleIndexes = new WeakMap<readonly PrincipalNode[], Map<string, PrincipalNode[]>>();

/** The stack's roles by lower-case ARN pattern with `*` for the partition, once per analysis. */
function rolesByArn(principals: readonly PrincipalNode[]): Map<string, PrincipalNode[]> {
  let m = roleIndexes.get(principals);
  if (!m) {
    m = new Map();
    for (const p of principals) {
      if (p.kind !== "role" || p.external) continue;
      const k = p.arnPattern.toLowerCase().replace(/^arn:[^:]*:/, "arn:*:");
      const l = m.get(k);
      if (l) l.push(p);
      else m.set(k, [p]);
    }
    roleIndexes.set(principals, m);
  }
  return m;
}

/** Starting a session on a role, with a source identity and tags: all an entry role may do. */
const SESSION_ACTIONS = new Set(["sts:assumerole", "sts:setsourceidentity", "sts:tagsession"]);

/** Statements whose every Allow names only SESSION_ACTIONS, on roles (none unreadable, no NotAction). */
function onlyStartsSessions(statements: readonly Statement[] | undefined): boolean {
  if (!statements || statements.length === 0) return false;
  const allows = statements.filter((s) => s.effect === "Allow" || s.unknown !== undefined);
  return (
    allows.length > 0 &&
    allows.every(
      (s) =>
        s.unknown === undefined &&
        s.actions !== undefined &&
        s.actions.every((a) => SESSION_ACTIONS.has(a.toLowerCase())) &&
        s.resources !== undefined &&
        s.resources.every((r) => /^arn:[^:]*:iam::[^:]*:role\/./.test(r)),
    )
  );
}

type Issuer = NonNullable<ReturnType<typeof ciIssuerOf>>;

/**
 * The issuers (CI services, EKS clusters) whose OIDC tokens a web-identity statement admits: by its Federated provider
 * ARNs, or, where those are not literal, by the issuer its conditions' keys name (`token.actions.githubusercontent.com:sub`).
 * Their tokens never carry the `https://aws.amazon.com/source_identity` claim (ci-issuers.ts), the only source identity
 * AssumeRoleWithWebIdentity takes, so a trust can require one of them only by refusing every job or pod.
 */
function ciIssuersAdmitted(s: Statement): Issuer[] {
  if (s.unknown !== undefined || !covers(s, "sts:AssumeRoleWithWebIdentity")) return [];
  const hosts = (s.principals ?? []).filter((p) => p.type === "Federated").flatMap((p) => p.identifiers.map((i) => /:oidc-provider\/(.+)$/i.exec(i)?.[1]));
  for (const c of s.conditions) {
    const i = c.key.lastIndexOf(":");
    if (i > 0 && c.key.slice(0, i).includes(".")) hosts.push(c.key.slice(0, i));
  }
  const found = hosts.filter((h): h is string => h !== undefined && !/[*?$]/.test(h)).map((h) => ciIssuerOf(h.toLowerCase()));
  return [...new Map(found.filter((c): c is Issuer => c !== undefined).map((c) => [c.name, c])).values()];
}

/**
 * For a trust statement blastwall cannot read (IRSA conditions keyed by `"${local.oidc_host}:sub"`, the usual
 * hand-written form): the issuer of an OIDC provider of the stack its document names, when that provider's `url` is
 * one whose tokens carry no source identity (a literal CI or `oidc.eks.` URL, or an EKS cluster's `identity` by
 * reference). Only for the
 * advice: an unreadable statement is still reported (red-team round 123 F6: it was told to require a source identity,
 * which would lock every pod out).
 */
function eksIssuerNamed(stack: TfStack, s: Statement): Issuer[] {
  const doc = stack.byAddress.get(s.source.address);
  if (!doc) return [];
  const text = JSON.stringify(doc.values);
  for (const p of stack.byType.get("aws_iam_openid_connect_provider") ?? []) {
    if (!text.includes(`${p.address}.`)) continue;
    const url = p.values["url"];
    const literal = typeof url === "string" && !url.includes("${") ? ciIssuerOf(url.replace(/^https:\/\//i, "").toLowerCase()) : undefined;
    if (literal) return [literal];
    if (/\$\{(?:data\.)?aws_eks_cluster\.[^}]*\.identity\b/.test(JSON.stringify(url ?? null))) return [EKS];
  }
  return [];
}

const EKS: Issuer = CI_ISSUERS.find((c) => c.host === EKS_ISSUER)!;

const names = (ci: readonly Issuer[]) => ci.map((c) => c.name);

/** Who holds the tokens (and, for EKS Pod Identity, the session): "job", "pod", or "job or pod". */
function holder(ci: readonly Issuer[], podIdentity = false): string {
  return [...new Set([...ci.map((c) => c.holder), ...(podIdentity ? ["pod"] : [])])].join(" or ");
}

/** The README sections on the entry role for these issuers (and EKS Pod Identity). */
function readme(ci: readonly Issuer[], podIdentity = false): string {
  const holders = new Set([...ci.map((c) => c.holder), ...(podIdentity ? ["pod"] : [])]);
  return [...holders].map((h) => (h === "pod" ? 'README "Agents in EKS pods"' : 'README "Agents in CI"')).join(", ");
}

/** The AgentPrincipal that builds the entry role for an issuer (the constructs refuse to trust one directly). */
function entryConstruct(ci: readonly Issuer[], podIdentity = false): string {
  const one = (n: string) =>
    n === "GitHub Actions" ? "AgentPrincipal.githubActions" : n === "GitLab CI" ? "AgentPrincipal.gitlabCi" : "AgentPrincipal.oidc({ ..., tokensCarrySourceIdentity: false })";
  const built = [...new Set(names(ci).map(one))].join(" / ");
  // No AgentPrincipal trusts a service: the Pod Identity role is written by hand, and AgentRole trusts it by ARN.
  const pod = podIdentity ? "AgentPrincipal.role(<the Pod Identity role's ARN>) makes an AgentRole trust it" : "";
  return [built && `${built} builds one`, pod].filter(Boolean).join("; ");
}

/** The entry role in one sentence, for the message; `entryRoleFix` spells it out. */
function entryRoleHint(ci: readonly Issuer[], podIdentity = false): string {
  return `Trust the ${holder(ci, podIdentity)} through an entry role instead, which starts this role's sessions with a source identity (${readme(ci, podIdentity)}; ${entryConstruct(ci, podIdentity)}).`;
}

/**
 * How to trust a CI job or an EKS pod through an entry role: the fix for such a trust, open or locked. For a pod the
 * entry role is the IRSA role of its service account, or the role its Pod Identity association names: EKS Pod Identity
 * starts the session as the service pods.eks.amazonaws.com with session tags (cluster, namespace, service account,
 * pod), never a source identity, so it needs the second role as IRSA does.
 */
function entryRoleFix(agent: string, ci: readonly Issuer[], podIdentity = false): string {
  const jobs = ci.filter((c) => c.holder === "job");
  const irsa = ci.some((c) => c.holder === "pod");
  const trusts = [
    jobs.length ? `trusts the ${names(jobs).join(" / ")} provider with the job's exact sub` : "",
    irsa ? "trusts the EKS cluster's OIDC provider with the service account's exact sub (system:serviceaccount:NAMESPACE:NAME) and aud sts.amazonaws.com" : "",
    podIdentity
      ? "trusts pods.eks.amazonaws.com (sts:AssumeRole, sts:TagSession) only for the agent's service account (aws:RequestTag/eks-cluster-arn, " +
        "aws:RequestTag/kubernetes-namespace and aws:RequestTag/kubernetes-service-account conditions), is the one the pod's Pod Identity association names (role_arn),"
      : "",
  ].filter(Boolean).join(", or ");
  const then = [
    jobs.length ? "the job assumes the entry role with its token, then this role with --source-identity agent-<job id>" : "",
    irsa ? "the pod's service account is annotated with the entry role (eks.amazonaws.com/role-arn), so the SDK gets its credentials from the token, and the agent's launcher then assumes this role with --source-identity agent-<pod name>" : "",
    podIdentity ? "the pod gets the entry role's credentials from the Pod Identity agent, and the agent's launcher then assumes this role with --source-identity agent-<pod name> and gives the agent those credentials" : "",
  ].filter(Boolean).join("; ");
  return (
    `Trust the ${holder(ci, podIdentity)} through an entry role (${readme(ci, podIdentity)}; ${entryConstruct(ci, podIdentity)}): a role that ${trusts} ` +
    `and may do nothing but sts:AssumeRole and sts:SetSourceIdentity on ${agent}, while the trust of ${agent} ` +
    `admits only that role, with StringLike sts:SourceIdentity = agent-*; ${then}.` +
    (irsa && !podIdentity ? " EKS Pod Identity does not avoid the second role: it sets session tags, never a source identity." : "")
  );
}

/** Why EKS Pod Identity cannot meet a source-identity condition, for messages. */
const POD_IDENTITY_SETS_NONE =
  "EKS Pod Identity starts the session itself (the pod hands the EKS Auth API only its service account token) and sets session tags, never a source identity";

/** What IAM Roles Anywhere sets as the source identity, and so what the agent's certificates must carry, for messages. */
const ROLES_ANYWHERE_SETS_CN =
  "IAM Roles Anywhere sets the session's source identity to the subject CN of the certificate presented, which need not start with agent-: " +
  "issue the agent's certificates with a CN that does (CN=agent-<host>), and the condition admits them and refuses every other certificate the trust anchor accepts";

/** The fix for a trust statement that admits IAM Roles Anywhere without requiring an agent-* source identity. */
function rolesAnywhereFix(statement: string): string {
  return (
    `Add "Condition": {"StringLike": {"sts:SourceIdentity": "agent-*"}} to ${statement}, beside the sts:AssumeRole, sts:SetSourceIdentity and ` +
    "sts:TagSession that IAM Roles Anywhere needs, and issue the agent's end-entity certificates with a subject CN that starts with agent- " +
    "(Roles Anywhere makes the CN the session's source identity). Pin the trust anchor too (ArnEquals aws:SourceArn = the anchor's ARN)."
  );
}

function principalsOf(s: Statement): string {
  const ids = (s.principals ?? []).flatMap((p) => p.identifiers.map((i) => (p.type === "*" ? "*" : `${p.type} ${i}`)));
  return ids.length ? ids.join(", ") : s.notPrincipals ? "every principal but a few (NotPrincipal)" : "no principal named";
}

/**
 * Statements that admit a CI service's or an EKS cluster's web identities, or EKS Pod Identity, only with a source
 * identity, which their tokens never carry and the service never sets: the role cannot be entered that way at all.
 * Nothing is at risk, but the job or pod fails at its first call; a warning, with the entry role that gives those
 * sessions a source identity.
 */
function lockedOut(agent: PrincipalNode, statements: readonly Statement[], open: readonly { statement: Statement; open: string[] }[]): FindingDraft[] {
  const r = agent.resource;
  const out: FindingDraft[] = [];
  const evidence = (s: Statement) => [
    principalEvidence(agent),
    { step: "trust", address: s.source.address, detail: `${statementName(s)}: ${s.conditions.map((c) => `${c.operator} ${c.key}`).join(", ") || "no conditions"}`, statements: [statementRef(s)] },
  ];
  const how = (s: Statement) => (s.conditions.some(requiresSourceIdentity) ? "it requires an sts:SourceIdentity" : "a Deny of the trust refuses sessions without an sts:SourceIdentity");
  for (const s of statements) {
    if (s.effect !== "Allow") continue;
    // A warning: the role refuses every session its trust was written for, so no agent runs as it, but no one else does.
    const locked = (s: Statement, whoCannot: string, why: string, ci: readonly Issuer[], pod: boolean): FindingDraft => ({
      principal: agent.address,
      resource: s.source.address,
      actions: [],
      severity: "warning",
      message: `${describe(r)} is an AI agent role that no ${whoCannot} can assume: ${statementName(s)} of its trust policy admits ${why}: every ${holder(ci, pod)} is refused. ` + entryRoleHint(ci, pod),
      fix: entryRoleFix(r.address, ci, pod),
      evidence: evidence(s),
      ...(r.constructPath ? { constructPath: r.constructPath } : {}),
    });
    if (admitsPodIdentity(s) && !open.some((o) => o.statement === s && o.open.includes("sts:AssumeRole"))) {
      out.push(locked(s, "EKS Pod Identity pod", `${principalsOf(s)}${unresolvedService(s)} to call sts:AssumeRole, but ${how(s)}, and ${POD_IDENTITY_SETS_NONE}`, [], true));
    }
    if (open.some((o) => o.statement === s && o.open.includes("sts:AssumeRoleWithWebIdentity"))) continue;
    const ci = ciIssuersAdmitted(s);
    if (ci.length === 0) continue;
    out.push(
      locked(
        s,
        `${names(ci).join(" or ")} ${holder(ci)}`,
        `${principalsOf(s)} to call sts:AssumeRoleWithWebIdentity, but ${how(s)}, which AssumeRoleWithWebIdentity takes only from the token's ` +
          `https://aws.amazon.com/source_identity claim, and ${names(ci).join(" and ")} tokens never carry it`,
        ci,
        false,
      ),
    );
  }
  return out;
}

/** The tag blastwall and AgentRole mark agents with; IAM compares tag keys without case. */
const TAG = AGENT_TAG.toLowerCase();

/**
 * A condition on aws:TagKeys that keeps every case of `blastwall:agent` out of a TagSession request: a ForAllValues
 * list of the keys allowed with none of them naming it in any case (AgentRole's `ForAllValues:StringEquals`), or a
 * ForAllValues negation that refuses it in every case. A session tag overrides the role's tag of the same key
 * "regardless of case" (IAM User Guide, session tags), so `ForAllValues:StringNotEquals blastwall:agent` lets
 * `BLASTWALL:AGENT` through. A limit that cannot name `blastwall:agent` counts whatever else it admits: the tags a
 * team's own policies key on are the team's to list.
 */
function limitsTagKeys(c: Condition): boolean {
  if (c.key.toLowerCase() !== "aws:tagkeys") return false;
  const m = /^ForAllValues:(StringEquals|StringEqualsIgnoreCase|StringLike|StringNotEquals|StringNotEqualsIgnoreCase|StringNotLike)(?:IfExists)?$/.exec(c.operator);
  if (!m) return false;
  const op = m[1];
  if (!op.startsWith("StringNot")) return !c.values.some((v) => namesAgentTag(op, v));
  // Refused in every case only when the value matches both the lower- and upper-case spelling: a pattern with no letter
  // (`*`) or an IgnoreCase operator. A pattern with a letter misses whichever case that letter is not.
  return c.values.some((v) => (op.endsWith("IgnoreCase") ? v.toLowerCase() === TAG : op === "StringNotLike" && globMatch(v, TAG) && globMatch(v, TAG.toUpperCase())));
}

/** Whether a value of a positive aws:TagKeys operator admits `blastwall:agent` in some case. */
function namesAgentTag(op: string, v: string): boolean {
  return op.includes("Like") ? globMatch(v, TAG, { caseInsensitive: true }) : v.toLowerCase() === TAG;
}

/**
 * A condition of a Deny that holds for every TagSession request carrying `blastwall:agent`, in any case of the key
 * (a session tag replaces the role's whatever the case): `ForAnyValue:StringEqualsIgnoreCase` naming it, or
 * `ForAnyValue:StringLike` with a pattern that matches its lower- and its upper-case spelling (one with no letter, so
 * every spelling). A case-sensitive one lets `BLASTWALL:AGENT` through, and a ForAllValues one is escaped by
 * passing a second key beside it.
 */
function refusesAgentTag(c: Condition): boolean {
  if (c.key.toLowerCase() !== "aws:tagkeys") return false;
  const op = /^ForAnyValue:(StringEqualsIgnoreCase|StringLike)(?:IfExists)?$/.exec(c.operator)?.[1];
  if (!op) return false;
  return c.values.some((v) => (op === "StringLike" ? globMatch(v, TAG) && globMatch(v, TAG.toUpperCase()) : v.toLowerCase() === TAG));
}

/**
 * Whether a Deny of the trust refuses `blastwall:agent` as a session tag of every session `s` admits (red-team round
 * 142 F6): it covers sts:TagSession, binds each of `s`'s principals as the source-identity Denies must, and each of
 * its conditions (none at all refuses every tag) holds whenever the key is passed.
 */
function deniesAgentTag(d: Statement, s: Statement): boolean {
  return d.effect === "Deny" && d.unknown === undefined && covers(d, "sts:TagSession") && denyBinds(d, s) && d.conditions.every(refusesAgentTag);
}

/**
 * Denies of the trust that cover sts:TagSession and speak of aws:TagKeys, yet do not refuse `blastwall:agent` for
 * every session `s` admits, with why: said in the finding, so a Deny meant as the limit is not passed over.
 */
function weakTagDenies(statements: readonly Statement[], s: Statement): string[] {
  const out: string[] = [];
  for (const d of statements) {
    if (d.effect !== "Deny" || d.unknown !== undefined || !covers(d, "sts:TagSession") || deniesAgentTag(d, s)) continue;
    if (!d.conditions.some((c) => c.key.toLowerCase() === "aws:tagkeys")) continue;
    const why = !denyBinds(d, s)
      ? ["it does not name every principal this statement admits"]
      : d.conditions
          .filter((c) => !refusesAgentTag(c))
          .map((c) => {
            const at = `${c.operator} ${c.key}`;
            if (c.key.toLowerCase() !== "aws:tagkeys") return `it also requires ${at}, which a caller need not meet`;
            if (/^ForAllValues:/.test(c.operator)) return `${at} holds only when every key of the request meets it, and a second key beside ${AGENT_TAG} escapes it`;
            if (/^ForAnyValue:String(?:Equals|Like)(?:IfExists)?$/.test(c.operator)) return `${at} compares with case, and a session tag replaces the role's whatever the case of its key (BLASTWALL:AGENT passes it): use ForAnyValue:StringEqualsIgnoreCase`;
            return `${at} does not hold for every request that passes ${AGENT_TAG}`;
          });
    out.push(`${statementName(d)} does not make up for it: ${why.join("; ")}`);
  }
  return out;
}

/** Why the aws:TagKeys conditions of a statement do not keep `blastwall:agent` out of its session tags. */
function tagKeysFault(s: Statement): string {
  const own = s.conditions.filter((c) => c.key.toLowerCase() === "aws:tagkeys");
  if (own.length === 0) return "no aws:TagKeys condition";
  return own
    .map((c) => {
      const at = `${c.operator} aws:TagKeys`;
      if (/^ForAnyValue:/.test(c.operator)) return `${at} holds when one key is listed, whatever the others are`;
      if (!/^ForAllValues:/.test(c.operator)) return `${at} is no ForAllValues condition, which every key of the request must meet`;
      if (/^ForAllValues:StringNot/.test(c.operator)) return `${at} compares with case, and a session tag replaces the role's whatever the case of its key (BLASTWALL:AGENT passes it): use StringNotEqualsIgnoreCase`;
      const named = c.values.filter((v) => namesAgentTag(c.operator, v));
      return named.length > 0 ? `${at} allows ${named.map((v) => JSON.stringify(v)).join(", ")}, which names ${AGENT_TAG}` : `${at} does not keep ${AGENT_TAG} out`;
    })
    .join("; ");
}

/**
 * Statements of an agent's trust that let a session set its own `blastwall:agent` tag (red-team round 139 F3): they
 * allow sts:TagSession with no aws:TagKeys limit that keeps the key out, and a session tag replaces the role's tag of
 * that key for the session and, set transitive, for every session it starts. AgentRole refuses the key in
 * sessionTagKeys for that reason. A Deny of the trust that refuses the key in every case counts as the limit. Statements that admit only AWS services are left alone: a service chooses its own
 * tag keys (EKS Pod Identity sets its cluster, namespace and service account ones). `skip`: unreadable statements
 * already reported as such.
 */
function tagOverrides(statements: readonly Statement[], skip: ReadonlySet<Statement>): { statement: Statement; why: string }[] {
  const out: { statement: Statement; why: string }[] = [];
  for (const s of statements) {
    if (s.unknown !== undefined) {
      if (!skip.has(s)) out.push({ statement: s, why: `cannot be read (${s.unknown}), so it may allow sts:TagSession with any key` });
      continue;
    }
    if (s.effect !== "Allow" || !covers(s, "sts:TagSession")) continue;
    if (!s.notPrincipals && (s.principals ?? []).length > 0 && s.principals!.every((p) => p.type === "Service")) continue;
    if (s.conditions.some(limitsTagKeys) || statements.some((d) => deniesAgentTag(d, s))) continue;
    const weak = weakTagDenies(statements, s).map((w) => `; ${w}`).join("");
    out.push({ statement: s, why: `lets ${principalsOf(s)} call sts:TagSession with ${tagKeysFault(s)}${weak}` });
  }
  return out;
}

/** The finding for a trust statement that lets a session override the agent's own tag. */
function tagFinding(agent: PrincipalNode, s: Statement, why: string): FindingDraft {
  const r = agent.resource;
  return {
    principal: agent.address,
    resource: s.source.address,
    actions: [],
    message:
      `${describe(r)} is an AI agent role whose sessions can override its own ${AGENT_TAG} tag: ${statementName(s)} of its trust policy ${why}. ` +
      `A session tag with the key ${AGENT_TAG}, in any case, replaces the role's tag for that session (--tags Key=${AGENT_TAG},Value=false), and set ` +
      "transitive, for every role the session assumes next: every policy that recognises agents by aws:PrincipalTag/" + AGENT_TAG + " then misses it. " +
      "(blastwall's guardrail SCPs and resource control policy match the /agents/ path and the agent-* source identity, which no session tag changes.) " +
      "AgentRole refuses this key in sessionTagKeys.",
    fix:
      `Limit the session tag keys in ${statementName(s)}: add "ForAllValues:StringEquals": {"aws:TagKeys": [the keys the agent's sessions need]}, none of them ${AGENT_TAG} ` +
      `(AgentRole's sessionTagKeys writes this), or "ForAllValues:StringNotEqualsIgnoreCase": {"aws:TagKeys": "${AGENT_TAG}"}; or add a Deny of sts:TagSession for Principal "*" ` +
      `with "ForAnyValue:StringEqualsIgnoreCase": {"aws:TagKeys": "${AGENT_TAG}"}; or remove sts:TagSession if no session tags are passed.`,
    evidence: [
      principalEvidence(agent),
      {
        step: "trust",
        address: s.source.address,
        detail: s.unknown ? `${statementName(s)}: cannot be read (${s.unknown})` : `${statementName(s)}: sts:TagSession, ${s.conditions.length ? s.conditions.map((c) => `${c.operator} ${c.key}`).join(", ") : "no conditions"}`,
        statements: [statementRef(s)],
      },
    ],
    ...(r.constructPath ? { constructPath: r.constructPath } : {}),
  };
}

/**
 * `sts:SourceIdentity` is set once, at the first AssumeRole, cannot be changed for the session, survives role
 * chaining and is logged with every call: it is how an agent's actions stay attributable and how SCPs and key
 * policies recognise agent sessions (`aws:SourceIdentity` = `agent-*`). A trust that lets a session start
 * without one loses all of that.
 */
export const rule: Rule = {
  meta: {
    id: "agent-source-identity",
    title: "AI agent role assumable without a source identity, or whose sessions can replace its agent tag",
    why:
      "Without a required agent-* source identity, an agent's session is anonymous: CloudTrail cannot tell which agent made a " +
        "delete, and the guardrails that recognise agents by it (SCPs, key and bucket policies) let it through, in every role " +
        "it assumes next too. A session allowed to replace its role's blastwall:agent tag escapes the policies that read that " +
        "tag the same way.",
    details:
      "Without a required `sts:SourceIdentity`, an agent's session can start anonymous: CloudTrail cannot attribute its calls " +
        "to an agent, and the guardrails keyed on `aws:SourceIdentity` (SCPs, key and bucket policies) do not recognise it as " +
        "one. Statements that admit only AWS services are exempt: services never set one. " +
        "So is an entry role that can do nothing but start another role's session (AgentRole's, for GitHub Actions, GitLab CI, EKS " +
        "service accounts and other OIDC issuers whose tokens cannot carry one): the source identity is set and required there. EKS " +
        "Pod Identity (pods.eks.amazonaws.com) is not exempt: it sets none either, but hands the session to a pod, where the agent's " +
        "own code decides what runs, so it needs an entry role as IRSA does. Nor is IAM Roles Anywhere (rolesanywhere.amazonaws.com): " +
        "it sets the certificate's subject CN, whatever its issuer chose, and hands the session to the certificate's holder; there a " +
        "trust can and must require agent-*, met by certificates whose CN starts with agent-. A trust that admits such an issuer's web " +
        "identities, or EKS Pod Identity, only with a source identity is a role no job or pod can assume: a warning. A Deny in the " +
        "trust stands in for the condition only when each of its conditions refuses every identity outside agent-* (StringNotLike " +
        "sts:SourceIdentity agent-*, with IfExists or not): `Null: true` refuses only a missing one, and no IgnoreCase operator " +
        "counts, since the caller picks the case (AGENT-CI) and the guardrails' agent-* is case-sensitive. A trust that allows " +
        "sts:TagSession without a ForAllValues aws:TagKeys limit that keeps out blastwall:agent, in every case, lets a session replace " +
        "the role's own tag (a session tag overrides a role tag of the same key whatever its case, and set transitive, carries into " +
        "every role the session assumes): policies that recognise agents by aws:PrincipalTag/blastwall:agent then miss it. A trust " +
        "Deny of sts:TagSession counts as that limit when it binds every principal the Allow admits and has no condition, or only " +
        "ForAnyValue:StringEqualsIgnoreCase aws:TagKeys blastwall:agent (or ForAnyValue:StringLike with a pattern without letters). " +
        "AWS services choose their own tag keys and are exempt.",
    fix:
      "Add `\"Condition\": {\"StringLike\": {\"sts:SourceIdentity\": \"agent-*\"}}` to every trust statement that allows " +
      "sts:AssumeRole (or its web-identity/SAML form), and allow sts:SetSourceIdentity beside it (AgentRole does). A CI job's OIDC " +
      "token (GitHub Actions, GitLab CI, CircleCI...) never carries one: trust the job through an entry role instead, which may only " +
      "assume the agent role with a source identity (README \"Agents in CI\"; AgentPrincipal.githubActions, gitlabCi or oidc with " +
      "tokensCarrySourceIdentity: false build it). Nor does an EKS pod's service account token (IRSA): make the pod's IRSA role " +
      "that entry role (README \"Agents in EKS pods\"). EKS Pod Identity sets session tags, never a source identity: the role its " +
      "association names is the entry role then, and the pod's launcher assumes the agent role with --source-identity. " +
      "IAM Roles Anywhere sets the certificate's subject CN: require agent-* in its statement too, and issue the agent's certificates with a CN that starts with agent-. " +
      "Where the trust allows sts:TagSession, add `\"ForAllValues:StringEquals\": {\"aws:TagKeys\": [...]}` listing the keys the sessions need, " +
      "never blastwall:agent (AgentRole's sessionTagKeys), or `\"ForAllValues:StringNotEqualsIgnoreCase\": {\"aws:TagKeys\": \"blastwall:agent\"}`, " +
      "or a Deny of sts:TagSession for Principal `*` with `\"ForAnyValue:StringEqualsIgnoreCase\": {\"aws:TagKeys\": \"blastwall:agent\"}`.",
    severity: "error",
    category: "protection",
  },
  check({ analysis, stack }) {
    const out: FindingDraft[] = [];
    for (const agent of ownAgentRoles(analysis.agents)) {
      const r = agent.resource;
      const extra = r.constructPath ? { constructPath: r.constructPath } : {};
      const trust = agent.trustPolicy;
      const open = trust ? openStatements(trust.statements) : [];
      if (trust) out.push(...lockedOut(agent, trust.statements, open));
      const entry = isEntryRole(agent, analysis.principals);
      // Entry roles too: their session tags, set transitive, follow them into the agent role. An unreadable statement
      // the source-identity findings report is not reported twice.
      const tags = trust ? tagOverrides(trust.statements, new Set(entry ? [] : open.map((o) => o.statement))).map(({ statement: s, why }) => tagFinding(agent, s, why)) : [];
      // An entry role (AgentRole's, for principals whose sessions cannot carry a source identity) can do nothing but
      // start another role's session, which is where the source identity is set and required.
      if (entry) {
        out.push(...tags);
        continue;
      }
      if (!trust) {
        out.push({
          principal: agent.address, resource: agent.address, actions: [],
          message: `${describe(r)} is an AI agent role whose trust policy blastwall cannot find, so nothing shows that a session needs a source identity. Write assume_role_policy with a StringLike sts:SourceIdentity = agent-* condition.`,
          evidence: [principalEvidence(agent), resourceEvidence(r, "assume_role_policy: not readable")],
          ...extra,
        });
        continue;
      }
      for (const { statement: s, open: calls } of open) {
        const where = `${statementName(s)} of its trust policy`;
        const pod = calls.includes("sts:AssumeRole") && admitsPodIdentity(s);
        const anywhere = calls.includes("sts:AssumeRole") && admitsRolesAnywhere(s);
        const own = s.conditions.filter((c) => c.key.toLowerCase() === KEY);
        const weak = s.unknown ? [] : weakDenies(trust.statements, s, calls);
        const what = s.unknown
          ? `${where} cannot be read (${s.unknown}), so it may let a session start without one`
          : (own.length > 0
              ? `${where} lets ${principalsOf(s)}${pod ? unresolvedService(s) : ""} call ${calls.join(", ")} with an sts:SourceIdentity condition that does not require an agent-* identity (${own.map((c) => identityFault(c, "Allow")).join("; ")})`
              : `${where} lets ${principalsOf(s)}${pod ? unresolvedService(s) : ""} call ${calls.join(", ")} with no sts:SourceIdentity condition`) +
            weak.map((w) => `; ${w}`).join("");
        // A CI job or an EKS pod cannot meet the condition this rule asks for: say so, and how its sessions get a source identity.
        const ci = calls.includes("sts:AssumeRoleWithWebIdentity") ? (s.unknown ? eksIssuerNamed(stack, s) : ciIssuersAdmitted(s)) : [];
        const cannot = [
          ci.length
            ? `AssumeRoleWithWebIdentity takes a source identity only from the token's https://aws.amazon.com/source_identity claim, which ${names(ci).join(" and ")} tokens never carry`
            : "",
          pod ? POD_IDENTITY_SETS_NONE : "",
        ].filter(Boolean).join("; ");
        const cure =
          ci.length || pod
            ? `Do not require one in this statement: ${cannot}, so the role would refuse every ${holder(ci, pod)}. ` + entryRoleHint(ci, pod)
            : (s.unknown ? "Write the trust policy so blastwall can read it, with" : "Require") + " StringLike sts:SourceIdentity = agent-*." + (anywhere ? ` ${ROLES_ANYWHERE_SETS_CN}.` : "");
        out.push({
          principal: agent.address,
          resource: s.source.address,
          actions: [],
          message:
            `${describe(r)} is an AI agent role assumable without a source identity: ${what}. Its sessions could not be told apart ` +
            "from others in CloudTrail or by the aws:SourceIdentity guardrails. " + cure,
          ...(ci.length || pod ? { fix: entryRoleFix(r.address, ci, pod) } : anywhere ? { fix: rolesAnywhereFix(statementName(s)) } : {}),
          evidence: [
            principalEvidence(agent),
            {
              step: "trust",
              address: s.source.address,
              // An unreadable statement has no conditions blastwall knows of: say why, not "no conditions".
              detail: s.unknown
                ? `${statementName(s)}: cannot be read (${s.unknown})`
                : `${statementName(s)}: ${s.conditions.length ? s.conditions.map((c) => `${c.operator} ${c.key}`).join(", ") : "no conditions"}`,
              statements: [statementRef(s)],
            },
          ],
          ...extra,
        });
      }
      // After the source-identity findings of this role, which say more of the same statements.
      out.push(...tags);
    }
    return out;
  },
};
