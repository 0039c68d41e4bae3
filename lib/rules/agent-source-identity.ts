import type { Rule } from "../engine/rule";
import type { FindingDraft } from "../engine/findings";
import type { Condition, Statement } from "../engine/iam/types";
import { globCovers, globMatch } from "../engine/iam/glob";
import type { PrincipalNode } from "../engine/analysis-types";
import { statementName } from "../engine/describe";
import { principalEvidence, ownAgentRoles } from "./support";
import { describe, resourceEvidence } from "./protection-support";
import { ciIssuerOf } from "../engine/ci-issuers";

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
 * The Allow statements of a trust policy that let a session start without an `agent-` source identity, with the
 * calls they leave open. Statements that admit only AWS services are left out: services never set a source identity
 * when they assume a role (their sessions are named after the function, task or job), so requiring one would lock
 * the service out and there is nothing to fix.
 */
function openStatements(statements: readonly Statement[]): { statement: Statement; open: string[] }[] {
  const guarded = ASSUME.filter((a) => statements.some((s) => deniesMissing(s) && covers(s, a)));
  const out: { statement: Statement; open: string[] }[] = [];
  for (const s of statements) {
    if (s.effect !== "Allow" && s.unknown === undefined) continue;
    if (!s.unknown && !s.notPrincipals && (s.principals ?? []).length > 0 && s.principals!.every((p) => p.type === "Service")) continue;
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

const names = (ci: readonly Issuer[]) => ci.map((c) => c.name);

/** Who holds the tokens: "job", "pod", or "job or pod". */
function holder(ci: readonly Issuer[]): string {
  return [...new Set(ci.map((c) => c.holder))].join(" or ");
}

/** The README section on the entry role for these issuers. */
function readme(ci: readonly Issuer[]): string {
  return [...new Set(ci.map((c) => (c.holder === "pod" ? 'README "Agents in EKS pods"' : 'README "Agents in CI"')))].join(", ");
}

/** The AgentPrincipal that builds the entry role for an issuer (the constructs refuse to trust one directly). */
function entryConstruct(ci: readonly Issuer[]): string {
  const one = (n: string) =>
    n === "GitHub Actions" ? "AgentPrincipal.githubActions" : n === "GitLab CI" ? "AgentPrincipal.gitlabCi" : "AgentPrincipal.oidc({ ..., tokensCarrySourceIdentity: false })";
  return [...new Set(names(ci).map(one))].join(" / ");
}

/** The entry role in one sentence, for the message; `entryRoleFix` spells it out. */
function entryRoleHint(ci: readonly Issuer[]): string {
  return `Trust the ${holder(ci)} through an entry role instead, which starts this role's sessions with a source identity (${readme(ci)}; ${entryConstruct(ci)} builds one).`;
}

/**
 * How to trust a CI job or an EKS pod through an entry role: the fix for such a trust, open or locked. For a pod the
 * entry role is the IRSA role of its service account; EKS Pod Identity is no way round it: it starts the session as
 * the service pods.eks.amazonaws.com with session tags (cluster, namespace, service account, pod), never a source
 * identity.
 */
function entryRoleFix(agent: string, ci: readonly Issuer[]): string {
  const pod = ci.some((c) => c.holder === "pod");
  const job = ci.some((c) => c.holder === "job");
  const sub = [job ? "the job's exact sub" : "", pod ? "the service account's exact sub (system:serviceaccount:NAMESPACE:NAME) and aud sts.amazonaws.com" : ""].filter(Boolean).join(" or ");
  const then = [
    job ? "the job assumes the entry role with its token, then this role with --source-identity agent-<job id>" : "",
    pod ? "the pod's service account is annotated with the entry role (eks.amazonaws.com/role-arn), so the SDK gets its credentials from the token, and the agent's launcher then assumes this role with --source-identity agent-<pod name>" : "",
  ].filter(Boolean).join("; ");
  return (
    `Trust the ${holder(ci)} through an entry role (${readme(ci)}; ${entryConstruct(ci)} builds one): a role that trusts the ` +
    `${job ? names(ci.filter((c) => c.holder === "job")).join(" / ") : "EKS cluster's OIDC"} provider with ${sub} and may do nothing but sts:AssumeRole and sts:SetSourceIdentity on ${agent}, while the trust of ${agent} ` +
    `admits only that role, with StringLike sts:SourceIdentity = agent-*; ${then}.` +
    (pod ? " EKS Pod Identity does not avoid the second role: it sets session tags, never a source identity." : "")
  );
}

function principalsOf(s: Statement): string {
  const ids = (s.principals ?? []).flatMap((p) => p.identifiers.map((i) => (p.type === "*" ? "*" : `${p.type} ${i}`)));
  return ids.length ? ids.join(", ") : s.notPrincipals ? "every principal but a few (NotPrincipal)" : "no principal named";
}

/**
 * Statements that admit a CI service's or an EKS cluster's web identities only with a source identity, which their tokens
 * never carry: the role cannot be entered that way at all. Nothing is at risk, but the job or pod fails at its first call; a warning, with the
 * entry role that gives those sessions a source identity.
 */
function lockedOut(agent: PrincipalNode, statements: readonly Statement[], open: readonly { statement: Statement; open: string[] }[]): FindingDraft[] {
  const r = agent.resource;
  const out: FindingDraft[] = [];
  for (const s of statements) {
    if (s.effect !== "Allow" || open.some((o) => o.statement === s && o.open.includes("sts:AssumeRoleWithWebIdentity"))) continue;
    const ci = ciIssuersAdmitted(s);
    if (ci.length === 0) continue;
    const how = s.conditions.some(requiresSourceIdentity) ? "it requires an sts:SourceIdentity" : "a Deny of the trust refuses sessions without an sts:SourceIdentity";
    out.push({
      principal: agent.address,
      resource: s.source.address,
      actions: [],
      severity: "warning",
      message:
        `${describe(r)} is an AI agent role that no ${names(ci).join(" or ")} ${holder(ci)} can assume: ${statementName(s)} of its trust policy admits ` +
        `${principalsOf(s)} to call sts:AssumeRoleWithWebIdentity, but ${how}, which AssumeRoleWithWebIdentity takes only from the token's ` +
        `https://aws.amazon.com/source_identity claim, and ${names(ci).join(" and ")} tokens never carry it: every ${holder(ci)} is refused. ` +
        entryRoleHint(ci),
      fix: entryRoleFix(r.address, ci),
      evidence: [
        principalEvidence(agent),
        { step: "trust", address: s.source.address, detail: `${statementName(s)}: ${s.conditions.map((c) => `${c.operator} ${c.key}`).join(", ") || "no conditions"}` },
      ],
      ...(r.constructPath ? { constructPath: r.constructPath } : {}),
    });
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
      "A trust that admits such an issuer's web identities only with a source identity is a role no job or pod can assume: a warning.",
    fix:
      "Add `\"Condition\": {\"StringLike\": {\"sts:SourceIdentity\": \"agent-*\"}}` to every trust statement that allows " +
      "sts:AssumeRole (or its web-identity/SAML form), and allow sts:SetSourceIdentity beside it (AgentRole does). A CI job's OIDC " +
      "token (GitHub Actions, GitLab CI, CircleCI...) never carries one: trust the job through an entry role instead, which may only " +
      "assume the agent role with a source identity (README \"Agents in CI\"; AgentPrincipal.githubActions, gitlabCi or oidc with " +
      "tokensCarrySourceIdentity: false build it). Nor does an EKS pod's service account token (IRSA): make the pod's IRSA role " +
      "that entry role (README \"Agents in EKS pods\"); EKS Pod Identity sets session tags, never a source identity.",
    severity: "error",
    category: "protection",
  },
  check({ analysis }) {
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
        const what = s.unknown
          ? `${where} cannot be read (${s.unknown}), so it may let a session start without one`
          : s.conditions.some((c) => c.key.toLowerCase() === KEY)
            ? `${where} lets ${principalsOf(s)} call ${calls.join(", ")} with an sts:SourceIdentity condition that does not require an agent-* identity`
            : `${where} lets ${principalsOf(s)} call ${calls.join(", ")} with no sts:SourceIdentity condition`;
        // A CI job or an EKS pod cannot meet the condition this rule asks for: say so, and how its sessions get a source identity.
        const ci = calls.includes("sts:AssumeRoleWithWebIdentity") ? ciIssuersAdmitted(s) : [];
        const cure = ci.length
          ? `Do not require one in this statement: AssumeRoleWithWebIdentity takes a source identity only from the token's ` +
            `https://aws.amazon.com/source_identity claim, which ${names(ci).join(" and ")} tokens never carry, so the role would refuse every ${holder(ci)}. ` +
            entryRoleHint(ci)
          : (s.unknown ? "Write the trust policy so blastwall can read it, with" : "Require") + " StringLike sts:SourceIdentity = agent-*.";
        out.push({
          principal: agent.address,
          resource: s.source.address,
          actions: [],
          message:
            `${describe(r)} is an AI agent role assumable without a source identity: ${what}. Its sessions could not be told apart ` +
            "from others in CloudTrail or by the aws:SourceIdentity guardrails. " + cure,
          ...(ci.length ? { fix: entryRoleFix(r.address, ci) } : {}),
          evidence: [
            principalEvidence(agent),
            {
              step: "trust",
              address: s.source.address,
              // An unreadable statement has no conditions blastwall knows of: say why, not "no conditions".
              detail: s.unknown
                ? `${statementName(s)}: cannot be read (${s.unknown})`
                : `${statementName(s)}: ${s.conditions.length ? s.conditions.map((c) => `${c.operator} ${c.key}`).join(", ") : "no conditions"}`,
            },
          ],
          ...extra,
        });
      }
    }
    return out;
  },
};
