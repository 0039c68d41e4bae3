import type { Evidence } from "../engine/findings";
import type { EffectiveRights, Grant, PrincipalNode } from "../engine/analysis-types";
import type { Statement } from "../engine/iam/types";
import { statementName, statementRef, statementSummary } from "../engine/describe";
import { grantIsHarmless, loadCatalogue } from "../engine/catalogue";
import { actionUniverse } from "../engine/universe";
import { UNREADABLE_CONDITION, isAwsManagedArn } from "../engine/terraform/policy-documents";
import { PERMISSION_SET_ACCOUNTS_NOTE } from "../engine/principals/permission-sets";
import { ALSO_NOT_RELIED_ON, NOT_RELIED_ON, SETTABLE_SAYS } from "../engine/terraform/settable-providers";

/** The grants of one statement, with the actions they give: the unit a finding is reported in. */
export interface StatementGrants {
  readonly statement: Statement;
  readonly actions: string[];
  readonly conditional: boolean;
  /** The resource patterns the grants hold on (collected when first read: most findings never print them). */
  readonly resources: ReadonlySet<string>;
}

/**
 * Groups a principal's grants by the statement that gives them, keeping actions in catalogue order,
 * so one finding names one statement to change.
 */
export function groupByStatement(
  rights: EffectiveRights,
  keep: (grant: Grant) => boolean,
  order: (action: string) => number,
  categories?: readonly string[],
): StatementGrants[] {
  const groups = new Map<Statement, Group>();
  const lists = categories ? categories.map((c) => grantsByCategory(rights).get(c) ?? []) : [...rights.grants.values()];
  for (const grants of lists) {
    for (const g of grants) {
      if (!keep(g) || (g.conditional && grantIsHarmless(g.action, g.statement.conditions))) continue;
      let e = groups.get(g.statement);
      if (!e) groups.set(g.statement, (e = new Group(g)));
      e.add(g);
    }
  }
  for (const e of groups.values()) sortActions(e.actions, order);
  return [...groups.values()];
}

/**
 * Sorts by `order`, then by name. Each action is ranked once, not once per comparison (a NotAction statement gives a
 * group hundreds of actions); grants come in universe order, which is nearly catalogue order, so most lists are
 * already sorted and are only checked.
 */
function sortActions(actions: string[], order: (action: string) => number): void {
  const ranks = actions.map(order);
  let sorted = true;
  for (let i = 1; i < actions.length && sorted; i++) {
    sorted = ranks[i - 1] < ranks[i] || (ranks[i - 1] === ranks[i] && byCodeUnit(actions[i - 1], actions[i]) <= 0);
  }
  if (sorted || placeByRank(actions, ranks)) return;
  const ranked = actions.map((a, i) => ({ a, r: ranks[i] }));
  ranked.sort((x, y) => x.r - y.r || byCodeUnit(x.a, y.a));
  for (let i = 0; i < ranked.length; i++) actions[i] = ranked[i].a;
}

/** Ranks above this are not the catalogue's (each of its and the reach actions' ranks is its place in the list). */
const PLACED_RANKS = 4096;

/**
 * Orders `actions` by their ranks when those are distinct small integers, as catalogue ranks are: each is put in its
 * rank's slot and read back in one pass, with no comparison (names only break ties, and there are none). False, with
 * `actions` untouched, when two share a rank or one is ranked beyond the catalogue.
 */
function placeByRank(actions: string[], ranks: readonly number[]): boolean {
  let max = -1;
  for (const r of ranks) {
    if (!Number.isInteger(r) || r < 0 || r >= PLACED_RANKS) return false;
    if (r > max) max = r;
  }
  const slots: (string | undefined)[] = new Array<string | undefined>(max + 1).fill(undefined);
  for (let i = 0; i < actions.length; i++) {
    if (slots[ranks[i]] !== undefined) return false;
    slots[ranks[i]] = actions[i];
  }
  let k = 0;
  for (const a of slots) if (a !== undefined) actions[k++] = a;
  return true;
}

/** A class, so every group has one shape; its resource set is collected when first read (most never are). */
class Group implements StatementGrants {
  readonly statement: Statement;
  readonly actions: string[] = [];
  readonly conditional: boolean;
  readonly grants: Grant[] = [];
  private collected: Set<string> | undefined;

  /**
   * A statement gives a principal at most one grant per action (effective rights hold each statement once, and
   * each action sits in one catalogue category), so an action is never added twice to one group.
   */
  add(g: Grant): void {
    this.actions.push(g.action);
    this.grants.push(g);
  }

  constructor(first: Grant) {
    this.statement = first.statement;
    this.conditional = first.conditional;
  }

  get resources(): ReadonlySet<string> {
    if (!this.collected) {
      this.collected = new Set();
      for (const g of this.grants) for (const r of g.resources) this.collected.add(r);
    }
    return this.collected;
  }
}

const buckets = new WeakMap<EffectiveRights, Map<string, Grant[]>>();

/**
 * A principal's grants by catalogue category (`direct`, `protection`, `escalation`; everything else under
 * `other`), computed once: several rules and the reach analysis each look at one category of every agent.
 */
export function grantsByCategory(rights: EffectiveRights): Map<string, Grant[]> {
  let m = buckets.get(rights);
  if (!m) {
    const cat = loadCatalogue();
    m = new Map();
    for (const grants of rights.grants.values()) {
      if (grants.length === 0) continue;
      const key = cat.categoryOf(grants[0].action) ?? "other";
      const list = m.get(key);
      if (list) for (const g of grants) list.push(g);
      else m.set(key, [...grants]);
    }
    buckets.set(rights, m);
  }
  return m;
}

/**
 * The agent roles the stack defines. One outside the stack keeps its own boundary, trust and sessions elsewhere: only
 * what this stack grants it is judged here, so the rules about those settings skip it. A permission set is no role
 * here either: its roles trust only Identity Center's SAML provider (no trust, source identity or runner of the
 * stack's), AWS refuses changes to them, and AgentRole's boundary conventions are a role's; its session length is
 * judged by agent-session-duration on its own.
 */
export function ownAgentRoles(agents: readonly PrincipalNode[]): PrincipalNode[] {
  return agents.filter((a) => !a.external && a.kind === "role");
}

export function principalEvidence(p: PrincipalNode): Evidence {
  const what = p.peer?.reached ? `is no AI agent itself, but ${p.peer.agent} can act as it` : "is an AI agent";
  // Where a permission set is provisioned is what a trust of an account admits it by: the finding says how it was judged.
  const accounts = p.kind === "permission-set" ? p.notes.find((n) => n.startsWith(PERMISSION_SET_ACCOUNTS_NOTE)) : undefined;
  const where = accounts ? `; ${accounts.slice(PERMISSION_SET_ACCOUNTS_NOTE.length)}` : "";
  return { step: "principal", address: p.address, detail: `${p.kind === "permission-set" ? "Identity Center permission set" : p.kind} ${p.name} ${what} (${p.agentReason ?? "selected"})${where}` };
}

/** `agent` as the object of a sentence: `the AI agent X`, or `X (which the AI agent Y can act as)`. */
export function agentNoun(agent: PrincipalNode): string {
  return agent.peer?.reached ? `${agent.address} (which ${agent.peer.agent} can act as)` : `the AI agent ${agent.address}`;
}

/**
 * How a finding's sentence starts, up to "can": `X is an AI agent and can`. A principal of another stack that an
 * agent there can act as is judged as the agent, and the sentence names that agent.
 */
export function agentCan(agent: PrincipalNode): string {
  return agent.peer?.reached ? `${agent.address}, which ${agent.peer.agent} can act as, can` : `${agent.address} is an AI agent and can`;
}

/** Evidence for the statement itself, and for what attaches it to the principal when that is another resource. */
export function statementEvidence(p: PrincipalNode, s: Statement): Evidence[] {
  const out: Evidence[] = [];
  const via = s.source.via;
  // A block written in the principal's own resource (`inline_policy`) attaches nothing: the statement's name says which.
  const own = s.source.address === p.address && via?.startsWith(`${p.address}.`);
  if (via && via !== s.source.address && via !== p.address && !own) {
    // An AWS managed policy a group holds is the group attachment's finding: the step names that block, so its line is found.
    const block = attachingBlock(s);
    const group = block && block !== via ? / via (\S+) \(/.exec(via) : null;
    out.push(
      group
        ? { step: "attachment", address: block!, detail: `attaches ${s.source.address} to ${via.slice(0, via.indexOf(" via "))}, of which ${group[1]} makes ${p.address} a member`, attaches: s.source.address }
        : { step: "attachment", address: via, detail: `attaches ${s.source.address} to ${p.address}`, attaches: s.source.address },
    );
  }
  out.push({
    step: "statement",
    address: s.source.address,
    detail: statementDetail(s),
    ...(s.source.location ? { location: s.source.location } : {}),
    statements: [statementRef(s)],
  });
  return out;
}

const details = new WeakMap<Statement, string>();

/** `statement Sid "X" (#0): Allow ... on ...`, once per statement: every finding on a statement shows it, for each agent it reaches. */
function statementDetail(s: Statement): string {
  let d = details.get(s);
  if (d === undefined) details.set(s, (d = `${statementName(s)}: ${statementSummary(s)}`));
  return d;
}

export function boundaryEvidence(p: PrincipalNode, settableNote = ""): Evidence[] {
  if (p.boundary) {
    return [{ step: "boundary", address: p.boundary.via, detail: `permission boundary ${p.boundary.document.address} does not deny these actions${settableNote}` }];
  }
  const note = p.notes.find((n) => n.includes("boundary"));
  return [{ step: "boundary", address: p.address, detail: note ?? "no permission boundary caps this principal" }];
}

/**
 * Denies of the principal's own policies or boundary that would take some of `actions` away but are not relied on
 * (blastwall cannot be sure they apply: an attachment that may reach another principal, a part it cannot read):
 * shown, so a reviewer sees why a Deny they wrote did not count, and what to change for it to.
 */
export function unreliedDenyEvidence(p: PrincipalNode, actions: readonly string[]): Evidence[] {
  const out: Evidence[] = [];
  const universe = actionUniverse();
  for (const { st, why } of unreliedDenies(p)) {
    // Read as the evaluator reads the Deny: its Action or NotAction over the action universe.
    const covered = universe.statementActions(st);
    const denied = actions.filter((a) => {
      const i = universe.indexOf(a);
      return i !== undefined && covered.has(i);
    });
    if (denied.length === 0) continue;
    out.push({
      step: "deny-not-relied-on",
      address: st.source.address,
      detail: `${statementName(st)} denies ${denied.slice(0, 3).join(", ")}${denied.length > 3 ? ", ..." : ""}, ${NOT_RELIED_ON}${why}${alsoNotReliedOn(st, why)}`,
      statements: [statementRef(st)],
    });
    if (out.length === 2) break;
  }
  return out;
}

/**
 * A Deny not relied on for more than the reason shown (red-team round 165, F7): a Condition (a conditional Deny is never
 * relied on: it may not hold), or a second part blastwall cannot read. Fixing the first alone leaves the finding.
 */
function alsoNotReliedOn(st: Statement, why: string): string {
  const unreadable = st.conditions.filter((c) => c.operator === UNREADABLE_CONDITION && c.values[0] !== why && !(isSettableMark(c) && why.includes(c.values[0])));
  if (unreadable.length > 0) return `${ALSO_NOT_RELIED_ON}: ${unreadable[0].values[0]}`;
  if (st.conditions.some((c) => c.operator !== UNREADABLE_CONDITION)) return `${ALSO_NOT_RELIED_ON}: it has a Condition, and a Deny with a Condition is never relied on (the condition may not hold)`;
  return "";
}

/** A Deny's mark that `-var` can change what it depends on (settable-providers.ts `settableDenyMark`, a literal name, an exclusive list). */
const isSettableMark = (c: Statement["conditions"][number]): boolean => c.operator === UNREADABLE_CONDITION && c.values[0]?.includes(SETTABLE_SAYS) === true;

const unrelied = new WeakMap<PrincipalNode, readonly { readonly st: Statement; readonly why: string }[]>();

/** The principal's Denies with a part blastwall cannot read, and why, in policy order; found once per principal (most have none). */
function unreliedDenies(p: PrincipalNode): readonly { readonly st: Statement; readonly why: string }[] {
  let list = unrelied.get(p);
  if (!list) {
    const found: { st: Statement; why: string }[] = [];
    for (const st of [...p.identityPolicies.flatMap((a) => a.document.statements), ...(p.boundary?.document.statements ?? [])]) {
      if (st.effect !== "Deny" || st.unknown !== undefined) continue;
      const first = st.conditions.find((c) => c.operator === UNREADABLE_CONDITION);
      if (first === undefined) continue;
      // Every argument `-var` can set that the Deny depends on is one reason (red-team round 166, F2): giving them all
      // with --var-file makes it count, so they are said together, each once, and not as "another reason as well".
      const why = isSettableMark(first) ? [...new Set(st.conditions.filter(isSettableMark).map((c) => c.values[0]))].join("; ") : first.values[0];
      found.push({ st, why });
    }
    unrelied.set(p, (list = found));
  }
  return list;
}

/**
 * Names by code unit, the same on every machine: `localeCompare` follows the locale of the process (LANG, LC_ALL),
 * and Danish sorts "aa" after "z" (red-team round 121).
 */
export const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function where(s: Statement): string {
  const block = attachingBlock(s);
  return `${s.source.address} ${statementName(s)}${block ? `, an AWS managed policy attached by ${attachedBy(s.source.via!, block)}` : ""}`;
}

/**
 * What attaches an AWS managed policy's statement: the attachment, a group's attachment (`group via membership
 * (attachment)`), or the role whose `managed_policy_arns` lists it. Undefined for any other statement, and for a group
 * policy handed to a user of another stack, whose via names no attachment.
 */
function attachingBlock(s: Statement): string | undefined {
  const via = s.source.via;
  if (!via || !isAwsManagedArn(s.source.address)) return undefined;
  const at = /\(([^()\s]+)\)$/.exec(via)?.[1] ?? via;
  return /\s/.test(at) ? undefined : at.replace(/\.managed_policy_arns(?:\[\d+\])?$/, "");
}

function attachedBy(via: string, block: string): string {
  const group = / via (\S+) \(/.exec(via);
  if (group) return `${block}, through the group membership ${group[1]}`;
  return via.startsWith(`${block}.managed_policy_arns`) ? `the managed_policy_arns of ${block}` : block;
}

/**
 * The block to edit to take a statement's grant away: the statement's own resource, except for an AWS managed policy,
 * whose statements nobody can edit: then what attaches it (an attachment, or the role listing it in
 * `managed_policy_arns`), so a finding's `where` and file line name a block of the stack.
 */
export function grantingBlock(s: Statement): string {
  return attachingBlock(s) ?? s.source.address;
}

/**
 * The fix for a grant of an AWS managed policy, or undefined for any other statement: its statements cannot be edited,
 * so the policy comes off the agent, and what the agent needs goes into a policy of the stack's own.
 */
export function managedPolicyFix(agent: PrincipalNode, s: Statement): string | undefined {
  const block = attachingBlock(s);
  if (!block) return undefined;
  const via = s.source.via!;
  const group = / via (\S+) \(/.exec(via);
  const how = via.startsWith(`${block}.managed_policy_arns`)
    ? `take it out of the managed_policy_arns of ${block}`
    : group
      ? `remove ${block}, or take ${agent.address} out of the group (${group[1]})`
      : block.startsWith("aws_iam_policy_attachment.")
        ? `take ${agent.address} out of ${block}, or remove ${block}`
        : `remove ${block}`;
  return (
    `${s.source.address} is an AWS managed policy: nobody can edit its statements. Detach it from ${agent.address} (${how}) ` +
    `and grant what the agent needs in a customer managed policy that lists only those actions and resources.`
  );
}

/**
 * A statement grant's address when it names an AWS managed policy the principal holds (a reach edge keeps only the
 * address): what attaches it, as `grantingBlock`; any other address unchanged.
 */
export function grantingBlockOf(p: PrincipalNode, address: string): { block: string; statement?: Statement } {
  if (!isAwsManagedArn(address)) return { block: address };
  for (const a of p.identityPolicies) {
    if (a.document.address !== address) continue;
    const st = a.document.statements[0];
    if (st) return { block: grantingBlock(st), statement: st };
  }
  return { block: address };
}

/** A finding resting only on actions the catalogue rates `warning` is a warning; otherwise an error. */
export function severityOf(actions: readonly string[]): "error" | "warning" {
  const cat = loadCatalogue();
  return actions.some((a) => (cat.entryOf(a)?.severity ?? "error") === "error") ? "error" : "warning";
}
