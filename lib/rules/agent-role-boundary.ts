import { notReliedReason } from "../engine/terraform/settable-providers";
import type { Rule } from "../engine/rule";
import type { FindingDraft } from "../engine/findings";
import type { Statement } from "../engine/iam/types";
import type { Grant, PrincipalNode } from "../engine/analysis-types";
import type { TfStack } from "../engine/terraform/types";
import { boundaryReading } from "../engine/iam/settable-actions";
import { settableBoundaryClause } from "./settable-form-evidence";
import { effectiveRights, grantsFor, statementEffectKey } from "../engine/iam/evaluate";
import { globCovers, globMatch } from "../engine/iam/glob";
import { actionUniverse } from "../engine/universe";
import { ActionUniverse, type ActionSet } from "../engine/iam/actions";
import { grantIsHarmless, loadCatalogue, type CatalogueCategory } from "../engine/catalogue";
import { listActions } from "../report/summarize";
import { exemptionBlock } from "../engine/exemptable";
import { byCodeUnit, principalEvidence, ownAgentRoles, severityOf, unreliedDenyEvidence } from "./support";
import { describe, resourceEvidence } from "./protection-support";
import { resourceAccount } from "../engine/terraform/providers";
import { isObject } from "../engine/json";
import { AGENT_TAG } from "../engine/agent-tags";

/**
 * Role chaining: with these allowed on a role outside `/agents/`, a policy attached later lets the agent take up any
 * role that trusts the account. Only `sts:AssumeRole` chains; the other two matter only beside it (a trust that
 * requires a source identity or session tags), and no role calls them for anything else.
 */
const ASSUME = "sts:AssumeRole";
const CHAIN = [ASSUME, "sts:SetSourceIdentity", "sts:TagSession"] as const;
/** Where chaining stays among agent roles, which carry a boundary like this one (AgentRole's NotResource; every partition). */
const AGENT_ROLES = "arn:*:iam::*:role/agents/*";

/**
 * Changes to the agent's own role that no catalogue entry names: with the escalation list denied, these are what is
 * left once a boundary stops denying changes to the role itself (AgentRole's DenyChangesToOwnGuardrails).
 * `iam:UpdateRole` lifts the role's session limit from one hour to twelve; `iam:TagRole` / `iam:UntagRole` rewrite the
 * tags that mark it an agent (`blastwall:agent`) and that tag-keyed conditions (an SCP's `aws:PrincipalTag`) read. The
 * rest of a change to itself, its policies and its boundary, is in the escalation list.
 */
const SELF = ["iam:UpdateRole", "iam:TagRole", "iam:UntagRole"] as const;
/** iam:UpdateRole is not in the analysis universe (nothing else asks about it): the own-role question has its own. */
const selfUniverse = new ActionUniverse([...SELF]);

const AGENT_ROLE_FIX =
  "Set `permissions_boundary` to a managed policy that denies the destroy-rights catalogue (direct, protection and escalation " +
  "actions), role chaining outside `role/agents/*` and changes to the role itself (AgentRole creates one), and keep it readable " +
  "by blastwall (a policy in the stack or a known AWS managed policy).";

/**
 * A permission boundary is the one cap on an agent role that a policy attached later cannot lift. Without one
 * (or with one blastwall cannot read, which caps nothing), the next AdministratorAccess attachment is all it takes.
 */
export const rule: Rule = {
  meta: {
    id: "agent-role-boundary",
    title: "AI agent role without a permission boundary",
    why:
      "Identity policies change over time and are edited by many people; a permission boundary that denies every destroy, " +
      "protection-removal and escalation action, role chaining out of the agent roles, and changes to the agent's own role keeps " +
      "holding when someone later attaches a broad policy to the agent. Without one, or with one that leaves any of those " +
      "allowed, the agent is exactly as safe as the broadest policy anyone ever attaches.",
    fix: AGENT_ROLE_FIX,
    severity: "error",
    category: "protection",
  },
  check({ analysis, stack }) {
    const out: FindingDraft[] = [];
    const seen = new Map<string, Allowed>();
    for (const agent of ownAgentRoles(analysis.agents)) {
      if (agent.boundary) {
        // A boundary that allows destroy actions caps nothing that matters: AdministratorAccess, `Allow *`, or `Allow *`
        // with a Deny of something else (red-team round 42), or AgentRole's with one action overridden away (round 76).
        // What it allows, less what a certain Deny of the role's own policies takes away (AgentRole's guard policies hold
        // the Denies that do not fit in a boundary), is what a policy attached later can hand the agent.
        // Its Allows as relied on to cap: where -var can widen one, every form it may take (iam/settable-actions.ts).
        const statements = agent.boundary.document.statements.map(boundaryReading);
        const identityDenies = agent.identityPolicies.flatMap((a) => a.document.statements).filter((st) => st.effect === "Deny");
        const capping = [...statements, ...identityDenies];
        // What the agent holds already is reported (and acknowledged) by the rules on its rights; this one is about the
        // rest, which only a policy attached later would hand it.
        // (Held under a condition the catalogue knows to be harmless, such as ReadOnly sessions, is not held.)
        const grants = analysis.rightsOf(agent.address).grants;
        const allows = boundaryAllows(capping, seen);
        const byCategory = notHeld(allows, grants);
        // Chaining held beyond the agent roles already is the rights rules' to report; held only into agent roles
        // (a ScopedToken's) it says nothing about what a later policy could add.
        const chain = allows.chain.some((a) => a === ASSUME) && !beyondAgents(grants.get(ASSUME.toLowerCase()) ?? []) ? allows.chain : [];
        // A Deny naming the role by its real ARN holds only in that account: asked on `*`, it would take nothing away.
        const account = resourceAccount(stack, agent.resource);
        const roleArn = account ? inAccount(agent.arnPattern, account) : agent.arnPattern;
        const self = selfChanges(capping, roleArn);
        const unpinned = account || self.length === 0 ? undefined : accountThatWouldCover(capping, agent.arnPattern, self.length);
        const listed = [...byCategory.direct, ...byCategory.protection, ...byCategory.escalation];
        if (listed.length === 0 && chain.length === 0 && self.length === 0) continue;
        const actions = [...listed, ...chain.filter((a) => !listed.includes(a)), ...self];
        const parts = [
          byCategory.direct.length > 0 ? `direct destroy actions (${listActions(byCategory.direct)})` : "",
          byCategory.protection.length > 0 ? `protection actions (${listActions(byCategory.protection)})` : "",
          byCategory.escalation.length > 0 ? `escalation actions (${listActions(byCategory.escalation)})` : "",
          chain.length > 0 ? `role chaining into roles outside ${AGENT_ROLES} (${chain.join(", ")})` : "",
          self.length > 0
            ? `changes to the role itself, ${roleArn} (${self.join(", ")})` +
              (unpinned
                ? ` (a Deny names the role in account ${unpinned}, but the role's aws provider is not pinned to an account, so blastwall cannot tell ` +
                  `that the role is created there: set allowed_account_ids = ["${unpinned}"] on that provider if it is)`
                : "")
            : "",
        ].filter((p) => p !== "");
        // An action left open is as bad as the catalogue grades it as a right held (ReadOnlyAccess's secret reads are
        // warnings, red-team round 77), but for what undoes the boundary itself: chaining out of it, changes to the role,
        // and escalation entries aimed at the agent or a managed policy (its boundary, its guard policies), which the
        // catalogue may grade warning as a right (iam:DetachRolePolicy) and which here take the cap off everything.
        const severity = chain.length > 0 || self.length > 0 || byCategory.escalation.some(undoesBoundary) ? "error" : severityOf(listed);
        const r = agent.resource;
        const doc = agent.boundary.document.address;
        const policy = stack.byAddress.get(doc);
        // Denies of the role's own policies (AgentRole's guard policies) that would take some away but that something
        // else may remove (another stack's aws_iam_policy_attachment, an import block): that is the cause to name and
        // fix, not an edit of the boundary (red-team round 136, F2).
        const unrelied = unreliedDenyEvidence(agent, actions);
        const widened = settableBoundaryClause(stack, agent.boundary.document.statements, actions);
        out.push({
          principal: agent.address,
          resource: agent.boundary.via,
          actions,
          severity,
          message:
            `${describe(r)} is an AI agent role whose permission boundary ${policy ? describe(policy) : doc} allows actions that neither it nor a Deny of the ` +
            `role's own policies takes away: ${parts.join("; ")}. A policy attached to the role later can hand it those. ` +
            `A boundary must leave them out: deny them (here or in a policy of the role), or allow only what the agent needs.` +
            (widened !== "" ? " Its Allow writes some of them with a root variable -var can set, so it is read as every value (see the boundary step)." : "") +
            (unrelied.length > 0 ? ` ${unreliedText(unrelied)}` : ""),
          evidence: [principalEvidence(agent), { step: "boundary", address: agent.boundary.via, detail: `${doc} allows ${parts.join("; ")}${widened}` }, ...unrelied],
          ...(unrelied.length > 0
            ? { fix: `The role's own Denies would cap them, but ${whysOf(unrelied)[0]}.` }
            : isAgentRoleBoundary(agent, stack)
              ? { fix: agentRoleFix(doc, byCategory, chain, self) }
              : {}),
          ...(r.constructPath ? { constructPath: r.constructPath } : {}),
        });
        continue;
      }
      const note = agent.notes.find((n) => n.startsWith("boundary "));
      const r = agent.resource;
      const state = note ? `has a permission boundary blastwall cannot rely on (${note})` : "has no permission boundary";
      out.push({
        principal: agent.address,
        resource: agent.address,
        actions: [],
        message:
          `${describe(r)} is an AI agent role and ${state}: any policy attached to it later can hand it destroy rights. ` +
          "Set permissions_boundary to a policy that denies the destroy-rights catalogue (AgentRole does).",
        evidence: [principalEvidence(agent), resourceEvidence(r, note ?? "permissions_boundary: not set")],
        ...(r.constructPath ? { constructPath: r.constructPath } : {}),
      });
    }
    return out;
  },
};

/** The sentence naming Denies of the role's own policies that would cap it but are not relied on, and why. */
function unreliedText(steps: readonly { readonly detail: string }[]): string {
  const whys = whysOf(steps);
  const more = whys.length > 1 ? ` (and ${whys.length - 1} more reason${whys.length > 2 ? "s" : ""}, in the deny-not-relied-on steps)` : "";
  return `The role's own policies deny some of them, but blastwall does not rely on those Denies: ${whys[0]}${more}.`;
}

/** The reasons of deny-not-relied-on steps, each once (AgentRole's guard policies share one). */
function whysOf(steps: readonly { readonly detail: string }[]): string[] {
  return [...new Set(steps.map((e) => notReliedReason(e.detail)))];
}

/**
 * AgentRole's boundary, with what it allows taken out of the Deny after AgentRole wrote it (an addOverride or an edit of
 * the synthesized JSON). Told by what AgentRole alone writes: the role `<X>/Role` and its boundary `<X>/Boundary` of
 * one construct, the role under /agents/ and tagged an agent. A name (`<role>-boundary`) or a Sid (`DenyDestroyRights`)
 * is as easily a team's own, whose fix is not AgentRole's (red-team round 77).
 */
function isAgentRoleBoundary(agent: PrincipalNode, stack: TfStack): boolean {
  const role = agent.resource;
  const policy = stack.byAddress.get(agent.boundary!.document.address);
  const rolePath = role.constructPath;
  if (!policy || !rolePath?.endsWith("/Role")) return false;
  if (policy.constructPath !== `${rolePath.slice(0, -"Role".length)}Boundary`) return false;
  // A team's own construct may use the same ids (red-team round 78): AgentRole also writes its boundary's description,
  // which an edit of the policy's statements leaves as it was.
  const description = policy.values["description"];
  if (typeof description !== "string" || !/^Permission boundary of agent role .* \(blastwall\)$/.test(description)) return false;
  const tags = role.values["tags"];
  return typeof role.values["path"] === "string" && AGENT_ROLE_PATH.test(role.values["path"]) && isObject(tags) && tags[AGENT_TAG] === "true";
}

/** The paths AgentRole accepts: /agents/ or below. */
const AGENT_ROLE_PATH = /^\/agents\/([\w+=,.@-]+\/)*$/;

function agentRoleFix(doc: string, byCategory: Record<CatalogueCategory, readonly string[]>, chain: readonly string[], self: readonly string[]): string {
  const cat = loadCatalogue();
  const listed = [...byCategory.direct, ...byCategory.protection, ...byCategory.escalation];
  const removed = [
    ...(listed.length > 0 ? [`${listActions(listed)} from the boundary's Deny (${doc} or its guard policies)`] : []),
    ...(chain.length > 0 ? [`its DenyRoleChainingOutsideAgents statement (${chain.join(", ")} outside ${AGENT_ROLES})`] : []),
    // Either one alone still denies them: DenyChangesToAgentIdentities covers every agent role (red-team round 92).
    ...(self.length > 0 ? [`its DenyChangesToOwnGuardrails and DenyChangesToAgentIdentities statements (${self.join(", ")} on the role itself)`] : []),
  ];
  // boundaryExemptions takes warning-graded direct and protection actions only; an escalation action never.
  // What AgentRole's boundaryExemptions accepts (the constructs refuse the rest by the same judgement).
  const exemptable = [...byCategory.direct, ...byCategory.protection].filter((a) => {
    const e = cat.entryOf(a);
    return e !== undefined && exemptionBlock(e) === undefined;
  });
  const them = exemptable.length === 1 ? "it" : "them";
  return (
    // An AgentRole of an older blastwall lacks the catalogue's later entries (red-team round 134: after raising the
    // gate's pinned version first, every stack an older library synthesized read as edited).
    (listed.length > 0
      ? `This is AgentRole's boundary without ${removed.join(" and ")}: an AgentRole synthesized by an older blastwall lacks what ` +
        `later catalogues added (upgrade the app's blastwall library to this gate's version and synth again); otherwise an addOverride ` +
        `or an edit removed it: remove the override`
      : `This is AgentRole's boundary: an addOverride or an edit removed ${removed.join(" and ")}; remove the override`) +
    (exemptable.length > 0
      ? `, or, if the agent needs ${listActions(exemptable)}, exempt ${them} with boundaryExemptions and grant ${them} with allow(). ` +
        `If boundaryExemptions already names ${them}, no allow() grants ${them} (a synth that skips validations lets that through): grant ${them}, or remove the exemption`
      : "") +
    "."
  );
}

/**
 * Escalation targets that are the boundary's own undoing: `self` (the agent's policies and boundary) and `policy` (a
 * managed policy: the boundary or a guard policy rewritten). Read from the catalogue, so a new entry of either is an error.
 */
const UNDOING_TARGETS: ReadonlySet<string> = new Set(["self", "policy"]);

function undoesBoundary(action: string): boolean {
  const target = loadCatalogue().entryOf(action)?.target;
  return target !== undefined && UNDOING_TARGETS.has(target);
}

/** What a boundary leaves open, in catalogue order; the same lower case (the keys of effective rights); the category of each. */
interface Allowed {
  readonly actions: readonly string[];
  readonly lower: readonly string[];
  readonly categories: readonly CatalogueCategory[];
  /** Chain actions it allows on some role outside `/agents/` (sts:AssumeRole first). */
  readonly chain: readonly string[];
  /** Index in `actions` by lower case. */
  readonly position: ReadonlyMap<string, number>;
  /** `notHeld` answers, by the positions held (agents sharing a boundary mostly hold the same few of its actions). */
  readonly open: Map<string, Record<CatalogueCategory, readonly string[]>>;
}

const NONE: Allowed = { actions: [], lower: [], categories: [], chain: [], position: new Map(), open: new Map() };

/**
 * The actions `allows` leaves open that the agent does not hold already, by category, in catalogue order. (Held under a
 * condition the catalogue knows to be harmless is not held.) Found from the agent's grants, a few dozen, rather than by
 * looking up each of the hundreds an `Allow *` boundary leaves open; the lists are shared, and never changed.
 */
function notHeld(allows: Allowed, grants: ReadonlyMap<string, readonly Grant[]>): Record<CatalogueCategory, readonly string[]> {
  if (allows.actions.length === 0) return { direct: [], protection: [], escalation: [] };
  const held: number[] = [];
  for (const [lower, gs] of grants) {
    const i = allows.position.get(lower);
    if (i !== undefined && gs.some((g) => !(g.conditional && grantIsHarmless(g.action, g.statement.conditions)))) held.push(i);
  }
  held.sort((x, y) => x - y);
  const key = held.join(",");
  let hit = allows.open.get(key);
  if (!hit) {
    const byCategory: Record<CatalogueCategory, string[]> = { direct: [], protection: [], escalation: [] };
    for (let i = 0, h = 0; i < allows.actions.length; i++) {
      if (h < held.length && held[h] === i) h++;
      else byCategory[allows.categories[i]].push(allows.actions[i]);
    }
    allows.open.set(key, (hit = byCategory));
  }
  return hit;
}

/**
 * Catalogue actions the statements allow (their Denies applied), in catalogue order, and chain actions allowed beyond
 * the agent roles. Agents share boundaries (one policy for a team's agents, each agent holding its own parsed copy), and
 * the answer depends only on what the statements do: `seen` keeps it per `statementEffectKey` for one stack.
 */
function boundaryAllows(statements: readonly Statement[], seen: Map<string, Allowed>): Allowed {
  if (statements.length === 0) return NONE;
  const key = statementEffectKey(statements, actionUniverse());
  let hit = seen.get(key);
  if (!hit) seen.set(key, (hit = computeBoundaryAllows(statements)));
  return hit;
}

let askedActions: ActionSet | undefined;

function computeBoundaryAllows(statements: readonly Statement[]): Allowed {
  const universe = actionUniverse();
  const cat = loadCatalogue();
  // Only the catalogue and the chain actions are asked about: an `Allow *` boundary would otherwise yield the whole
  // universe per agent.
  askedActions ??= universe.actionSet([...cat.entries.map((e) => e.action), ...CHAIN]);
  const rights = effectiveRights({ principal: "boundary", identity: statements, universe, only: askedActions });
  const chainKeys = new Set(CHAIN.map((a) => a.toLowerCase()));
  const found: string[] = [];
  const chain: string[] = [];
  for (const [lower, gs] of rights.grants) {
    if (chainKeys.has(lower)) {
      if (beyondAgents(gs)) chain.push(gs[0].action);
      continue;
    }
    // A conditional Allow the catalogue knows to be harmless (ReadOnlyAccess's s3express:CreateSession limited to
    // ReadOnly sessions) allows no destruction: the same reading as the agent rules'.
    if (gs.some((g) => !(g.conditional && grantIsHarmless(g.action, g.statement.conditions)))) found.push(gs[0].action);
  }
  found.sort((a, b) => cat.rank(a) - cat.rank(b) || byCodeUnit(a, b));
  chain.sort((a, b) => CHAIN.indexOf(a as (typeof CHAIN)[number]) - CHAIN.indexOf(b as (typeof CHAIN)[number]));
  const lower = found.map((a) => a.toLowerCase());
  return { actions: found, lower, categories: found.map((a) => cat.categoryOf(a)!), chain, position: new Map(lower.map((l, i) => [l, i])), open: new Map() };
}

/** True when some grant reaches a role outside `/agents/` (a resource pattern not inside it). */
function beyondAgents(grants: readonly Grant[]): boolean {
  return grants.some((g) => g.resources.some((r) => !globCovers(AGENT_ROLES, r)));
}

/**
 * The changes to the role itself that the boundary (with the role's own Denies) leaves to a later policy. Asked as
 * "what would a policy granting them on the role's own ARN keep": a Deny of the role's ARN takes nothing from an Allow
 * on `*` (evaluate.ts keeps `*` as written), so the boundary's own rights would report every correct AgentRole.
 * Nothing held is taken off: no rule on rights reports these.
 */
function selfChanges(capping: readonly Statement[], roleArn: string): string[] {
  const later: Statement = {
    source: { address: "a policy attached later", index: 0 },
    effect: "Allow",
    actions: SELF.map((a) => a.toLowerCase()),
    resources: [roleArn],
    conditions: [],
  };
  // Statements that cannot name these actions are left out: the evaluator would otherwise read every Deny of the
  // catalogue again, once per role (AgentRole's boundary and guards are copies of their own), in a universe of three.
  const rights = effectiveRights({ principal: "boundary", identity: [later], boundary: capping.filter(mayNameSelf), universe: selfUniverse });
  return SELF.filter((a) => grantsFor(rights, a, roleArn).length > 0);
}

/** The role's ARN pattern in `account` (AgentRole's and the engine's leave the account `*`). */
function inAccount(arnPattern: string, account: string): string {
  return arnPattern.replace(/^(arn:[^:]*:iam::)\*:/, `$1${account}:`);
}

/**
 * An account named literally in a Deny that, were the role known to be in it, would leave fewer than `open` changes to
 * the role itself: what pinning the provider to it would settle.
 */
function accountThatWouldCover(capping: readonly Statement[], arnPattern: string, open: number): string | undefined {
  const accounts = new Set<string>();
  for (const s of capping) {
    if (s.effect !== "Deny" || !mayNameSelf(s)) continue;
    for (const r of [...(s.resources ?? []), ...(s.notResources ?? [])]) {
      const m = /^arn:[^:]*:iam::(\d{12}):/.exec(r);
      if (m) accounts.add(m[1]);
    }
  }
  return [...accounts].find((a) => selfChanges(capping, inAccount(arnPattern, a)).length < open);
}

const selfLower = SELF.map((a) => a.toLowerCase());
const namesSelf = new Map<string, boolean>();

/** Could the statement's Action / NotAction name one of SELF? An unreadable or Allow statement always may. */
function mayNameSelf(s: Statement): boolean {
  if (s.effect === "Allow" || s.unknown !== undefined || !s.actions) return true;
  return s.actions.some((p) => {
    // Most patterns name another service outright (`ec2:deletevolume`): one that starts with a letter other than i
    // cannot match `iam:...`, and needs no lookup.
    const c = p[0];
    if (c !== "i" && c !== "*" && c !== "?") return false;
    let hit = namesSelf.get(p);
    if (hit === undefined) namesSelf.set(p, (hit = selfLower.some((a) => globMatch(p, a, { caseInsensitive: true }))));
    return hit;
  });
}
