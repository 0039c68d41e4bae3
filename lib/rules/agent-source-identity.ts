import type { Rule } from "../engine/rule";
import type { FindingDraft } from "../engine/findings";
import type { Condition, Statement } from "../engine/iam/types";
import { globCovers, globMatch } from "../engine/iam/glob";
import type { PrincipalNode } from "../engine/analysis-types";
import { statementName, statementRef } from "../engine/describe";
import { principalEvidence, ownAgentRoles } from "./support";
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

/**
 * A condition that holds only for an `agent-` source identity: the prefix the guardrails (SCPs, key and bucket
 * policies) recognise agent sessions by. `Null: false` or a value of `*` demands some identity, not an agent's.
 */
function requiresSourceIdentity(c: Condition): boolean {
  if (c.key.toLowerCase() !== KEY || c.values.length === 0) return false;
  if (c.operator === "StringLike") return c.values.every((v) => globCovers(AGENT_IDENTITY, v));
  if (c.operator === "StringEquals" || c.operator === "StringEqualsIgnoreCase") return c.values.every((v) => globMatch(AGENT_IDENTITY, v, { caseInsensitive: c.operator === "StringEqualsIgnoreCase" }));
  return false;
}

/** The source identities the guardrails treat as agent sessions. */
const AGENT_IDENTITY = "agent-*";

/** A Deny that certainly applies when the source identity is missing (and to nothing else that could be absent). */
function deniesMissing(s: Statement): boolean {
  if (s.effect !== "Deny" || s.unknown || s.conditions.length === 0) return false;
  return s.conditions.every(
    (c) =>
      c.key.toLowerCase() === KEY &&
      ((c.operator === "Null" && c.values.some((v) => v.toLowerCase() === "true")) ||
        ["StringNotEquals", "StringNotLike", "StringNotEqualsIgnoreCase"].includes(c.operator)),
  );
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

/** Said of a statement that admits Pod Identity only through a service name blastwall could not resolve. */
function unresolvedService(s: Statement): string {
  return podIdentityNames(s).some((i) => POD_IDENTITY.test(i)) ? "" : " (a service name blastwall cannot resolve, which may be pods.eks.amazonaws.com)";
}

/**
 * The Allow statements of a trust policy that let a session start without an `agent-` source identity, with the
 * calls they leave open. Statements that admit only AWS services are left out: services never set a source identity
 * when they assume a role (their sessions are named after the function, task or job), so requiring one would lock
 * the service out, and what runs under the role is the stack's own. EKS Pod Identity is not left out: it sets none
 * either, but its sessions go to a pod's code, the agent itself, as a CI job's or an IRSA pod's do.
 */
function openStatements(statements: readonly Statement[]): { statement: Statement; open: string[] }[] {
  const guarded = ASSUME.filter((a) => statements.some((s) => deniesMissing(s) && covers(s, a)));
  const out: { statement: Statement; open: string[] }[] = [];
  for (const s of statements) {
    if (s.effect !== "Allow" && s.unknown === undefined) continue;
    if (!s.unknown && !s.notPrincipals && (s.principals ?? []).length > 0 && s.principals!.every((p) => p.type === "Service") && !admitsPodIdentity(s)) continue;
    const open = ASSUME.filter((a) => (s.unknown !== undefined || covers(s, a)) && !guarded.includes(a));
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

/**
 * `sts:SourceIdentity` is set once, at the first AssumeRole, cannot be changed for the session, survives role
 * chaining and is logged with every call: it is how an agent's actions stay attributable and how SCPs and key
 * policies recognise agent sessions (`aws:SourceIdentity` = `agent-*`). A trust that lets a session start
 * without one loses all of that.
 */
export const rule: Rule = {
  meta: {
    id: "agent-source-identity",
    title: "AI agent role assumable without a source identity",
    why:
      "Without a required `sts:SourceIdentity`, an agent's session can start anonymous: CloudTrail cannot attribute its calls to an " +
      "agent, and the guardrails keyed on `aws:SourceIdentity` (SCPs, key and bucket policies) do not recognise it as one. Statements " +
      "that admit only AWS services are exempt: services never set one. So is an entry role that can do nothing but start " +
      "another role's session (AgentRole's, for GitHub Actions, GitLab CI, EKS service accounts and other OIDC issuers whose tokens cannot carry one): the source identity is set and required there. " +
      "EKS Pod Identity (pods.eks.amazonaws.com) is not exempt: it sets none either, but hands the session to a pod, where the agent's own " +
      "code decides what runs, so it needs an entry role as IRSA does. " +
      "A trust that admits such an issuer's web identities, or EKS Pod Identity, only with a source identity is a role no job or pod can assume: a warning.",
    fix:
      "Add `\"Condition\": {\"StringLike\": {\"sts:SourceIdentity\": \"agent-*\"}}` to every trust statement that allows " +
      "sts:AssumeRole (or its web-identity/SAML form), and allow sts:SetSourceIdentity beside it (AgentRole does). A CI job's OIDC " +
      "token (GitHub Actions, GitLab CI, CircleCI...) never carries one: trust the job through an entry role instead, which may only " +
      "assume the agent role with a source identity (README \"Agents in CI\"; AgentPrincipal.githubActions, gitlabCi or oidc with " +
      "tokensCarrySourceIdentity: false build it). Nor does an EKS pod's service account token (IRSA): make the pod's IRSA role " +
      "that entry role (README \"Agents in EKS pods\"). EKS Pod Identity sets session tags, never a source identity: the role its " +
      "association names is the entry role then, and the pod's launcher assumes the agent role with --source-identity.",
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
      // An entry role (AgentRole's, for principals whose sessions cannot carry a source identity) can do nothing but
      // start another role's session, which is where the source identity is set and required.
      if (isEntryRole(agent, analysis.principals)) continue;
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
        const what = s.unknown
          ? `${where} cannot be read (${s.unknown}), so it may let a session start without one`
          : s.conditions.some((c) => c.key.toLowerCase() === KEY)
            ? `${where} lets ${principalsOf(s)}${pod ? unresolvedService(s) : ""} call ${calls.join(", ")} with an sts:SourceIdentity condition that does not require an agent-* identity`
            : `${where} lets ${principalsOf(s)}${pod ? unresolvedService(s) : ""} call ${calls.join(", ")} with no sts:SourceIdentity condition`;
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
            : (s.unknown ? "Write the trust policy so blastwall can read it, with" : "Require") + " StringLike sts:SourceIdentity = agent-*.";
        out.push({
          principal: agent.address,
          resource: s.source.address,
          actions: [],
          message:
            `${describe(r)} is an AI agent role assumable without a source identity: ${what}. Its sessions could not be told apart ` +
            "from others in CloudTrail or by the aws:SourceIdentity guardrails. " + cure,
          ...(ci.length || pod ? { fix: entryRoleFix(r.address, ci, pod) } : {}),
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
    }
    return out;
  },
};
