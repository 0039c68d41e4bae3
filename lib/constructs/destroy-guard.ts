import { Tokenization } from "cdktf";
import { exemptionProblem } from "./boundary-exemptions";
import { loadCatalogue, type CatalogueCategory, type CatalogueEntry } from "../engine/catalogue";
import { globMatch, globsIntersect, hasWildcard } from "../engine/iam/glob";
import { PROVIDER_REWRITE } from "../engine/reach/compute";
import { loginRewriteActions, signInOutside } from "../engine/reach/rare-actions";

/**
 * The constructs' view of the destroy-rights catalogue (policies/destroy-rights.json): which catalogue
 * actions an action pattern reaches, and the construction-time refusal of grants that would reach them.
 * The lists themselves always come from the catalogue; nothing here repeats it.
 */

let providerRewrites: readonly CatalogueEntry[] | undefined;

/**
 * The catalogue's reach actions that rewrite or create an IAM identity provider (the engine's PROVIDER_REWRITE), as
 * escalation entries. Whoever holds one mints SAML assertions or OIDC tokens for every role that trusts the provider,
 * in this stack or not, and the gate can never see all of those (red-team round 113: `allow()` took them, the boundary
 * left them open, and the gate then failed the stack with a fix that did not apply). The catalogue keeps them as reach
 * actions, which is what the engine follows to the trusting roles; an agent's boundary denies them and its grants
 * refuse them like its escalation rights.
 */
export function providerRewriteEntries(): readonly CatalogueEntry[] {
  return (providerRewrites ??= reachEntries(PROVIDER_REWRITE.flatMap((w) => w.actions)));
}

let loginRewrites: readonly CatalogueEntry[] | undefined;

/**
 * The catalogue's reach actions that rewrite the other login sources roles trust (the engine's loginRewriteActions:
 * an identity pool, a user pool's identity providers, a Roles Anywhere trust anchor or profile), as escalation
 * entries, after the provider rewrites: whoever holds one gets the roles that trust the source, in this stack or not,
 * and the gate fails an agent holding one on a source outside the stack. An agent's boundary denies them and its
 * grants refuse them, as the provider rewrites.
 */
export function loginRewriteEntries(): readonly CatalogueEntry[] {
  return (loginRewrites ??= reachEntries(loginRewriteActions()));
}

/** The catalogue's reach entries of these actions, in the catalogue's order, as escalation entries. */
function reachEntries(list: readonly string[]): readonly CatalogueEntry[] {
  const actions = new Set(list.map((a) => a.toLowerCase()));
  return loadCatalogue()
    .reachActions.filter((r) => actions.has(r.action.toLowerCase()))
    .map((r): CatalogueEntry => ({ action: r.action, category: "escalation", why: r.why, severity: "error", patterns: r.patterns }));
}

/** The reach actions an agent is refused (providerRewriteEntries, loginRewriteEntries). */
function refusedReach(): readonly CatalogueEntry[] {
  return [...providerRewriteEntries(), ...loginRewriteEntries()];
}

/**
 * Catalogue entries an action or action pattern (`ec2:Delete*`, `*`) covers, most damaging first, with the identity
 * provider and login rewrites (providerRewriteEntries, loginRewriteEntries) last.
 */
export function catalogueMatches(actionPattern: string): CatalogueEntry[] {
  const cat = loadCatalogue();
  if (!hasWildcard(actionPattern)) {
    const e = cat.entryOf(actionPattern) ?? refusedReach().find((x) => x.action.toLowerCase() === actionPattern.toLowerCase());
    return e ? [e] : [];
  }
  return [...cat.entries, ...refusedReach()].filter((e) => globMatch(actionPattern, e.action, { caseInsensitive: true }));
}

/** Catalogue actions of the given categories, in catalogue order. */
export function catalogueActions(...categories: CatalogueCategory[]): string[] {
  const cat = loadCatalogue();
  return categories.flatMap((c) => cat[c].map((e) => e.action));
}

const INSTEAD: Record<CatalogueCategory, string> = {
  direct:
    "Deleting data is for a human-approved deploy (terraform apply behind `blastwall gate`) or a break-glass role, never an agent session; " +
    "grant the non-destructive actions the task needs instead",
  protection:
    "Protection settings change through a reviewed deploy, not an agent session; grant the read or write actions the task needs " +
    "without the ones that switch safeguards off",
  escalation:
    "An agent must hold exactly the rights of its task, not a way to obtain others; grant those rights directly, or create a " +
    "ScopedToken for the task (its role is an agent role under the same boundary)",
};

/**
 * Running code in existing compute: the task is a deploy, which is the pipeline's, not a right to hand an agent. Every
 * caller's principal is under an agent boundary (AgentRole, ScopedToken), which denies the action whatever policy grants
 * it, so a grant "of your own" is no way out (red-team round 113: it passed the gate and did nothing in AWS).
 */
const RUN_CODE =
  "Code an agent puts into existing compute runs with that compute's role, so the right is as strong as the role. No " +
  "policy gives it to this agent: the boundary's Deny beats an Allow in any policy attached to its role, one of your own " +
  "included. Ship the agent's change through the reviewed pipeline that deploys it: the agent pushes code (or an image), " +
  "the pipeline's role deploys it";

/** Rewriting an identity provider: no narrower grant helps, since roles outside the stack may trust the provider. */
const PROVIDER =
  "Identity providers belong to the account's federation: create or change them in the reviewed deploy that manages " +
  "them (the pipeline's role), not in an agent session. Scoping the grant to one provider does not help: roles in other " +
  "stacks may trust that provider, or one created under its name";

/** Rewriting another login source (loginRewriteEntries): the boundary denies it on every pool and anchor. */
const LOGIN =
  "Identity pools, user pools' identity providers and Roles Anywhere trust anchors and profiles decide, as IAM identity " +
  "providers do, who signs in as which role: create or change them in the reviewed deploy that manages them (the " +
  "pipeline's role), not in an agent session. The boundary denies them on every pool and anchor, since roles in other " +
  "stacks may trust the one the agent would rewrite (a role that admits Roles Anywhere with no aws:SourceArn condition " +
  "trusts every anchor of the account)";

const MAX_LISTED = 5;

/** Role chaining actions: the boundary allows them into agent roles only, so the advice differs. */
const CHAINING = new Set(["sts:assumerole", "sts:setsourceidentity", "sts:tagsession"]);

/**
 * Throws when any action pattern covers a catalogue action. `who` is the method as the user called it
 * (`AgentRole.allow`), so the message starts where the user looks. `exempt` (lower case) are the actions the agent's
 * boundary leaves out (`boundaryExemptions`): a pattern covering only those passes, one covering others too does not.
 */
export function refuseDestroyActions(who: string, actions: readonly string[], exempt: ReadonlySet<string> = new Set()): void {
  for (const action of actions) {
    const all = catalogueMatches(action);
    const hits = all.filter((e) => !exempt.has(e.action.toLowerCase()));
    if (hits.length === 0) continue;
    const spared = all.filter((e) => exempt.has(e.action.toLowerCase())).map((e) => e.action);
    // A warning-graded right can be exempted from the boundary; when the user exempted part of what a pattern covers,
    // they may think that opened it all.
    const exemptable = hits.every((e) => exemptionProblem(e) === undefined) && hits.length <= MAX_LISTED;
    const note = exemptable
      ? ` The catalogue grades ${hits.length === 1 ? "it" : "them"} warning: the damage is limited, recoverable, or depends on facts blastwall cannot see. If the agent's task truly needs ${hits.length === 1 ? "it" : "them"}, list ${hits.map((e) => e.action).join(", ")} in boundaryExemptions with the reason, and the gate reports the right as a warning acknowledged with that reason.`
      : spared.length > 0 ? ` Only ${spared.join(", ")} ${spared.length === 1 ? "is" : "are"} exempted (boundaryExemptions); name ${spared.length === 1 ? "it" : "them"} exactly instead of "${action}".` : "";
    const first = hits[0];
    const listed = hits.slice(0, MAX_LISTED).map((e) => e.action).join(", ");
    const more = hits.length > MAX_LISTED ? ` and ${hits.length - MAX_LISTED} more` : "";
    // The rewrites are listed as reach actions (ways into other principals), not as escalation rights.
    const kind = refusedReach().includes(first) ? "a reach action (a way to act as other principals)" : `${first.category === "escalation" ? "an" : "a"} ${first.category} right`;
    const what =
      hits.length === 1 && !hasWildcard(action)
        ? `${action} is in blastwall's destroy-rights catalogue as ${kind}: ${first.why}`
        : `"${action}" covers ${listed}${more}, which ${hits.length === 1 ? "is" : "are"} in blastwall's destroy-rights catalogue ` +
          `(${first.action}, ${kind}: ${first.why})`;
    const chaining = hits.length === 1 && CHAINING.has(first.action.toLowerCase());
    // A whole read verb of a service (`ec2:Describe*`): grantReadOnly grants its other reads without these.
    const verb = who === "AgentRole.allow" ? /^([A-Za-z0-9-]+):(describe|list|get)\*$/i.exec(action) : null;
    const readOnly = verb ? ` To grant the service's other reads, call grantReadOnly("${verb[1].toLowerCase()}"), which leaves these out.` : "";
    throw new Error(
      `${who}: ${what} ` +
        (chaining
          ? "The agent's permission boundary allows it only into other agent roles (under /agents/). To let this agent use another agent role, call allowAssume(role); ScopedToken does that for one task."
          : `The agent's permission boundary denies ${hits.length === 1 ? "it" : "them"} anyway, so the grant would only hide that.${exemptable ? "" : ` ${adviceFor(hits, first)}.`}`) +
        note +
        readOnly,
    );
  }
}

/**
 * `service:Action` or a pattern of it; rejects typos like `s3GetObject` or `s3:` before they reach IAM. IAM matches
 * the service prefix and the name case-insensitively, so `S3:GetObject` is one (red-team round 67).
 */
export function checkActionSyntax(who: string, action: string): void {
  if (action === "*") return;
  if (!/^[A-Za-z0-9-]+:[A-Za-z0-9*?]+$/.test(action)) {
    throw new Error(`${who}: "${action}" is not an IAM action; write service:Action, e.g. "ec2:DescribeVolumes"`);
  }
}

/** What to do instead of a refused grant, for the kind of right it is. */
function adviceFor(hits: readonly CatalogueEntry[], first: CatalogueEntry): string {
  if (first.category !== "escalation") return INSTEAD[first.category];
  if (hits.every((h) => h.target === "compute")) return RUN_CODE;
  const rewrites = new Set(providerRewriteEntries());
  if (hits.every((h) => rewrites.has(h))) return PROVIDER;
  const reach = new Set(refusedReach());
  return hits.every((h) => reach.has(h)) ? LOGIN : INSTEAD.escalation;
}

/** What a sign-in grant is on, in the words of its refusal. */
const SIGN_IN: Record<string, { what: string; ref: string; works: string }> = {
  "user-pool-login": {
    what: "user pools",
    ref: "aws_cognito_user_pool",
    works: "an identity pool outside this stack that accepts such a user pool hands the user it makes (or signs in as) its roles, with no IAM right",
  },
  "private-ca": {
    what: "private CAs",
    ref: "aws_acmpca_certificate_authority",
    works: "a Roles Anywhere trust anchor outside this stack backed by such a CA trusts the certificate it signs, and CreateSession gives it the roles the anchor's profiles list, with no IAM right",
  },
};

const TOKEN = /\$\{TfToken\[[^\]]*\]\}/g;

/**
 * Refuses a sign-in the boundary leaves open (the engine's signInOutside: a user pool's users, a private CA's
 * certificates) on a resource that may name a pool or CA outside the stack: a pattern, or a literal ARN. The gate fails
 * such a grant (agent-reach-unknown), since identity pools and trust anchors outside the stack may accept it. A
 * reference (a token with no wildcard of its own) names the stack's pool or CA, which the gate judges; a data source's
 * is a reference here, and the gate, which can tell, fails it.
 */
export function refuseSignInOutside(who: string, actions: readonly string[], resources: readonly string[], instead?: string): void {
  for (const w of signInOutside()) {
    const j = actions.findIndex((a) => w.actions.some((x) => globMatch(a, x, { caseInsensitive: true })));
    if (j < 0) continue;
    const i = resources.findIndex((r) => {
      if (typeof r !== "string") return false;
      const token = Tokenization.reverseString(r).tokens.length > 0;
      if (token && !hasWildcard(Tokenization.reverseString(r).literals.join(""))) return false;
      return globsIntersect(token ? r.replace(TOKEN, "*") : r, w.arn, { caseInsensitive: true });
    });
    if (i < 0) continue;
    const named = w.actions.filter((x) => actions.some((a) => globMatch(a, x, { caseInsensitive: true })));
    const t = SIGN_IN[w.kind];
    throw new Error(
      `${who}: actions[${j}] "${actions[j]}" on resources[${i}] ("${resources[i]}") covers ${named.join(", ")}, which may reach ${t.what} outside this stack: ` +
        `${t.works}, and the roles it gets are ones blastwall cannot see (the gate fails it as agent-reach-unknown). ` +
        (instead ?? `Grant ${named.length === 1 ? "it" : "them"} only on ${t.what} of this stack, each written as a reference (the resource's arn, \`\${${t.ref}.NAME.arn}\`), which the gate judges`) +
        "; the boundary does not deny these actions, since on the stack's own resources they are an ordinary agent task (test users, test certificates).",
    );
  }
}
