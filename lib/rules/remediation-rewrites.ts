/**
 * config:PutConfigRule on a Config rule whose automatic remediation may destroy (engine/reach/config-rule-rewrites.ts):
 * the caller rewrites the rule's scope and source, Config finds the resources it chooses non-compliant and runs the
 * remediation's SSM Automation document on each, as the role its AutomationAssumeRole names. The document is fixed:
 * the caller picks what it acts on, not what it does, as a caller of a function picks its payload, not its code. So
 * this is read as invoking a function is: a warning (an error under --strict) when the role can delete data. blastwall
 * does not read what a document calls, so every destroy right of the role counts; an AWS-owned document that only
 * turns a protection on is no route. A role blastwall cannot resolve is a reach edge to an unknown node instead
 * (edges-remediation.ts, agent-reach-unknown).
 *
 * A role that destroys nothing itself is followed further (red-team round 158, F3, and the review after it): the
 * functions it can make run, then what the reach graph says it can come to act as (a state machine it starts, a role
 * it assumes), nearest first. The document hands them the resources the agent picked, so each is graded as the
 * role's own rights are; one whose rights blastwall cannot see (a function or state machine whose role it cannot
 * resolve, compute outside the stack) counts as every right: agent-reach-unknown, a warning (an error under --strict).
 */
import type { RuleContext } from "../engine/rule";
import type { Evidence, FindingDraft } from "../engine/findings";
import type { Grant, PrincipalNode } from "../engine/analysis-types";
import type { ReachEdge } from "../engine/reach/types";
import { PUT_CONFIG_RULE, putConfigRuleGrant, rewritableRemediations, type RewritableRemediation } from "../engine/reach/config-rule-rewrites";
import { principalEvidence, statementEvidence, where } from "./support";
import { capabilityActions, capabilityEvidence, capabilityFixText, capabilityOf, capabilityText, chainText, heldThrough, isDangerous, pathEvidence, reachOf, type Capability } from "./reach-support";
import { listActions } from "../report/summarize";
import { destroyingFunctionsRunBy, unseenFunctionsRunBy } from "./function-invokes";
import { UNKNOWN_PREFIX } from "../engine/reach/types";
import type { Reach, ReachGraph } from "../engine/reach/graph";

/** The findings of both rules, per analysis and strictness: agent-transitive-destroy's, and agent-reach-unknown's. */
const reads = new WeakMap<object, { strict: boolean; destroy: FindingDraft[]; unknown: FindingDraft[] }>();

export function remediationRewriteFindings(ctx: RuleContext): FindingDraft[] {
  return remediationReads(ctx).destroy;
}

/** Remediation roles that reach what blastwall cannot see (agent-reach-unknown). */
export function remediationUnknownFindings(ctx: RuleContext): FindingDraft[] {
  return remediationReads(ctx).unknown;
}

function remediationReads(ctx: RuleContext): { destroy: FindingDraft[]; unknown: FindingDraft[] } {
  const was = reads.get(ctx.analysis);
  if (was && was.strict === ctx.strict) return was;
  const unknown: FindingDraft[] = [];
  const destroy = findings(ctx, unknown);
  const out = { strict: ctx.strict, destroy, unknown };
  reads.set(ctx.analysis, out);
  return out;
}

function findings(ctx: RuleContext, unknown: FindingDraft[]): FindingDraft[] {
  const rems = rewritableRemediations(ctx.stack);
  if (rems.length === 0) return [];
  const graph = reachOf(ctx);
  // The roles the remediations run as, where the stack holds them: the others are the reach edges' (unknown nodes).
  const runs = rems.flatMap((r) => {
    const address = r.roleValue === undefined ? undefined : graph.roleOfValue(r.roleValue);
    const role = address === undefined ? undefined : ctx.analysis.byAddress.get(address);
    return role ? [{ r, role }] : [];
  });
  if (runs.length === 0) return [];
  const out: FindingDraft[] = [];
  for (const agent of ctx.analysis.agents) {
    const reach = graph.search(agent.address);
    // The agent, then the principals it can act as, nearest first: the first that may put the rule is the one shown.
    const holders = reach.order.map((id) => ctx.analysis.byAddress.get(id)).filter((p): p is PrincipalNode => p !== undefined && graph.computeGrants(p, PUT_CONFIG_RULE).length > 0);
    if (holders.length === 0) continue;
    for (const { r, role } of runs) {
      // A role the agent already acts as is reported as that reach.
      if (role === agent || reach.edgeInto(role.address) != null) continue;
      let hit: { p: PrincipalNode; g: Grant } | undefined;
      for (const p of holders) {
        const g = putConfigRuleGrant(ctx.stack, p, graph.computeGrants(p, PUT_CONFIG_RULE), r);
        if (g) {
          hit = { p, g };
          break;
        }
      }
      if (!hit) continue;
      const path = hit.p === agent ? undefined : reach.pathTo(hit.p.address);
      const cap = capabilityOf(ctx, role);
      if (!r.publishes && isDangerous(cap)) {
        out.push(finding(ctx, agent, r, role, cap, hit, path));
        continue;
      }
      // The role destroys nothing itself (or the document only publishes): what it hands on to a function may.
      const only = r.publishes ? (a: string) => a.startsWith("sns:") : undefined;
      const fns = destroyingFunctionsRunBy(ctx, role, only).filter((f) => f.role !== agent && reach.edgeInto(f.role.address) == null);
      if (fns.length > 0) {
        out.push(functionFinding(ctx, agent, r, role, fns, hit, path));
        continue;
      }
      // Then what the role can come to act as: a principal that destroys, or one blastwall cannot see.
      const further = furtherReach(ctx, graph, role, agent, reach, r.publishes === true);
      if (further?.cap) {
        out.push(chainFinding(ctx, agent, r, role, { id: further.id, path: further.path, cap: further.cap }, hit, path));
        continue;
      }
      if (further) unknown.push(unseenFinding(ctx, agent, r, role, { how: `come to act as ${graph.unknownDetailOf(further.id) ?? further.id}`, arrows: chainText(role.address, further.path), steps: pathEvidence(further.path), address: further.id, label: further.path[0].label }, hit, path));
      else {
        const unseen = unseenFunctionsRunBy(ctx, role, only)[0];
        if (!unseen) continue;
        const step: Evidence = { step: "invoke", address: unseen.fn.address, detail: `${role.address} can ${unseen.how}, which runs as a role blastwall cannot see` };
        const what = unseen.fn.mode === "data" ? "a function this stack reads but does not make" : "a function whose role blastwall cannot resolve";
        unknown.push(unseenFinding(ctx, agent, r, role, { how: `${unseen.how}, ${what}`, arrows: `${role.address} --${unseen.actions[0]}--> ${unseen.fn.address} --runs as--> a role blastwall cannot see`, steps: [step], address: unseen.fn.address, label: unseen.actions[0] }, hit, path));
      }
    }
  }
  return out;
}

/**
 * The nearest principal the remediation's role can come to act as (by the reach graph's links: a state machine it
 * starts, a role it assumes) that can destroy data, else the nearest one blastwall cannot see; none the agent reaches
 * itself (that is its own chain). `publishes`: the document only publishes, so only links the role's publishes make.
 */
function furtherReach(ctx: RuleContext, graph: ReachGraph, role: PrincipalNode, agent: PrincipalNode, reach: Reach, publishes: boolean): { id: string; path: ReachEdge[]; cap?: Capability } | undefined {
  const from = graph.search(role.address);
  let unseen: { id: string; path: ReachEdge[] } | undefined;
  for (let k = 1; k < from.order.length; k++) {
    const id = from.order[k];
    if (id === agent.address || reach.edgeInto(id) != null) continue;
    const path = from.pathTo(id);
    if (publishes && !path[0].label.toLowerCase().startsWith("sns:")) continue;
    if (id.startsWith(UNKNOWN_PREFIX)) {
      unseen ??= { id, path };
      continue;
    }
    const p = ctx.analysis.byAddress.get(id);
    if (!p) continue;
    const cap = capabilityOf(ctx, p);
    if (isDangerous(cap)) return { id, path, cap };
  }
  return unseen;
}

/** The step that rewrites the rule, kept with its automatic remediation (`why`: what the document's parameters may do). */
function rewriteStep(r: RewritableRemediation, role: PrincipalNode, why?: string): Evidence {
  return {
    step: "rewrite-config-rule",
    address: r.rule?.address ?? r.rem.address,
    detail: `${PUT_CONFIG_RULE} on ${r.ruleText}: replaces its scope and source and keeps ${r.rem.address}, which runs ${r.document} automatically on what the rule finds non-compliant, as ${role.address}${why ? `; ${why}` : ""}`,
  };
}

function finding(
  ctx: RuleContext,
  agent: PrincipalNode,
  r: RewritableRemediation,
  role: PrincipalNode,
  cap: Capability,
  hit: { p: PrincipalNode; g: Grant },
  path: readonly ReachEdge[] | undefined,
): FindingDraft {
  const actions = capabilityActions(cap);
  const { who, holder, start } = heldThrough(agent, hit.p, path);
  const arrows = `${start} --${PUT_CONFIG_RULE}--> ${r.ruleText} --${r.rem.address}--> ${r.document} --runs as--> ${role.address}`;
  const ruleFix =
    `take ${PUT_CONFIG_RULE} away from ${holder}, or scope it by reference to Config rules with no automatic remediation (a rule's ARN ends in an ID AWS generates, so any other ARN or pattern may name ${r.ruleText}), ` +
    `or make ${r.rem.address} manual (automatic = false)`;
  const evidence: Evidence[] = [
    principalEvidence(agent),
    ...(path ? pathEvidence(path) : []),
    ...statementEvidence(hit.p, hit.g.statement),
    rewriteStep(r, role, r.why),
    ...capabilityEvidence(role, cap),
    { step: "destroy-rights", address: role.address, detail: listActions(actions) },
  ];
  return {
    principal: agent.address,
    resource: r.rem.address,
    actions: [PUT_CONFIG_RULE, ...actions],
    severity: ctx.strict ? "error" : "warning",
    message:
      `${who} rewrite the scope and source of ${r.ruleText} (${PUT_CONFIG_RULE}, through ${where(hit.g.statement)}), whose automatic remediation ${r.rem.address} runs the SSM Automation document ${r.document}${r.why ? ` (whose name says it turns a protection on, but ${r.why})` : ""} ` +
      `as ${role.address}, a role that ${capabilityText(cap, actions, undefined, 5)}. PutConfigRule keeps the remediation, and AWS Config's service-linked role passes the role (no iam:PassRole of the agent's): ` +
      `with a scope and a source of its choosing (a Guard policy that fails what it names), Config finds the resources it picks non-compliant and runs the document on each. ` +
      `The document is fixed, so the agent chooses what it acts on, not what it does; blastwall does not read what a document calls and counts every destroy right of the role: ${arrows}. A warning (an error under --strict).`,
    fix: `${capabilityFixText(cap, role.address, r.rem.address)}, or ${ruleFix}. If ${r.document} cannot harm what it may be pointed at, acknowledge with a reason.`,
    evidence,
  };
}

/**
 * The remediation's role holds no destroy right, but can make a function whose role does run with what the document
 * hands it (red-team round 158, F3): a document that invokes a function (aws:invokeLambdaFunction) or publishes to a
 * topic it subscribes to passes it the resource IDs the agent made the rule flag. Graded as a route into a function.
 */
function functionFinding(
  ctx: RuleContext,
  agent: PrincipalNode,
  r: RewritableRemediation,
  role: PrincipalNode,
  fns: ReturnType<typeof destroyingFunctionsRunBy>,
  hit: { p: PrincipalNode; g: Grant },
  path: readonly ReachEdge[] | undefined,
): FindingDraft {
  const [first] = fns;
  const actions = capabilityActions(first.cap);
  const { who, holder, start } = heldThrough(agent, hit.p, path);
  const more = fns.length > 1 ? ` (and ${fns.length - 1} more function${fns.length > 2 ? "s" : ""}: ${fns.slice(1, 4).map((f) => f.fn.address).join(", ")}${fns.length > 4 ? ", ..." : ""})` : "";
  const doc = r.publishes ? `${r.document} (which publishes the message it is given)` : r.document;
  const arrows = `${start} --${PUT_CONFIG_RULE}--> ${r.ruleText} --${r.rem.address}--> ${r.document} --runs as--> ${role.address} --${first.actions[0]}--> ${first.fn.address} --runs as--> ${first.role.address}`;
  const evidence: Evidence[] = [
    principalEvidence(agent),
    ...(path ? pathEvidence(path) : []),
    ...statementEvidence(hit.p, hit.g.statement),
    rewriteStep(r, role),
    ...fns.map((f) => ({ step: "invoke", address: f.fn.address, detail: `${role.address} can ${f.how}, which runs as ${f.role.address}` })),
    ...capabilityEvidence(first.role, first.cap),
    { step: "destroy-rights", address: first.role.address, detail: listActions(actions) },
  ];
  return {
    principal: agent.address,
    resource: r.rem.address,
    actions: [PUT_CONFIG_RULE, ...new Set([...first.actions, ...actions])],
    severity: ctx.strict ? "error" : "warning",
    message:
      `${who} rewrite the scope and source of ${r.ruleText} (${PUT_CONFIG_RULE}, through ${where(hit.g.statement)}), whose automatic remediation ${r.rem.address} runs the SSM Automation document ${doc} ` +
      `as ${role.address}, which can ${first.how}${more}, which runs as ${first.role.address}, a role that ${capabilityText(first.cap, actions, undefined, 5)}. ` +
      `With a scope and a source of its choosing, Config runs the document on the resources the agent picks, and the document hands what it acts on to the function ` +
      `(blastwall does not read what a document calls and counts every function its role can make run, as the agent chooses the payload of a function it invokes): ${arrows}. A warning (an error under --strict).`,
    fix:
      `${capabilityFixText(first.cap, first.role.address, first.fn.address)}, or take the rights that make ${first.fn.address} run away from ${role.address}, or take ${PUT_CONFIG_RULE} away from ${holder}, ` +
      `or scope it by reference to Config rules with no automatic remediation, or make ${r.rem.address} manual (automatic = false). If the function acts only on what it should whatever its input, acknowledge with a reason.`,
    evidence,
  };
}

/**
 * The remediation's role destroys nothing itself but can come to act as a principal that does (a state machine it
 * starts runs as its role with the input the document hands it): graded as the role's own rights would be.
 */
function chainFinding(
  ctx: RuleContext,
  agent: PrincipalNode,
  r: RewritableRemediation,
  role: PrincipalNode,
  to: { id: string; path: readonly ReachEdge[]; cap: Capability },
  hit: { p: PrincipalNode; g: Grant },
  path: readonly ReachEdge[] | undefined,
): FindingDraft {
  const target = ctx.analysis.byAddress.get(to.id)!;
  const actions = capabilityActions(to.cap);
  const { who, holder, start } = heldThrough(agent, hit.p, path);
  const further = chainText(role.address, to.path);
  const arrows = `${start} --${PUT_CONFIG_RULE}--> ${r.ruleText} --${r.rem.address}--> ${r.document} --runs as--> ${further}`;
  return {
    principal: agent.address,
    resource: r.rem.address,
    actions: [PUT_CONFIG_RULE, ...new Set([...to.path.map((e) => e.label), ...actions])],
    severity: ctx.strict ? "error" : "warning",
    message:
      `${who} rewrite the scope and source of ${r.ruleText} (${PUT_CONFIG_RULE}, through ${where(hit.g.statement)}), whose automatic remediation ${r.rem.address} runs the SSM Automation document ${r.document} ` +
      `as ${role.address}, which can come to act as ${to.id} (${further}), a role that ${capabilityText(to.cap, actions, undefined, 5)}. ` +
      `With a scope and a source of its choosing, Config runs the document on the resources the agent picks; blastwall does not read what a document calls and counts everything its role can come to act as: ${arrows}. A warning (an error under --strict).`,
    fix:
      `${capabilityFixText(to.cap, to.id, to.id)}, or take the link from ${role.address} to ${to.path[0].to} (${to.path[0].label}) away, or take ${PUT_CONFIG_RULE} away from ${holder}, ` +
      `or scope it by reference to Config rules with no automatic remediation, or make ${r.rem.address} manual (automatic = false). If ${r.document} cannot lead there, acknowledge with a reason.`,
    evidence: [
      principalEvidence(agent),
      ...(path ? pathEvidence(path) : []),
      ...statementEvidence(hit.p, hit.g.statement),
      rewriteStep(r, role),
      ...pathEvidence(to.path),
      ...capabilityEvidence(target, to.cap),
      { step: "destroy-rights", address: target.address, detail: listActions(actions) },
    ],
  };
}

/**
 * The remediation's role can make run, or come to act as, what blastwall cannot see (a function or state machine
 * whose role it cannot resolve, compute outside the stack): every right, as a remediation role it cannot resolve is.
 * One step down from the agent's own reach, as the other remediation routes are: a warning (an error under --strict).
 */
function unseenFinding(
  ctx: RuleContext,
  agent: PrincipalNode,
  r: RewritableRemediation,
  role: PrincipalNode,
  to: { how: string; arrows: string; steps: readonly Evidence[]; address: string; label: string },
  hit: { p: PrincipalNode; g: Grant },
  path: readonly ReachEdge[] | undefined,
): FindingDraft {
  const { who, holder, start } = heldThrough(agent, hit.p, path);
  return {
    principal: agent.address,
    resource: r.rem.address,
    actions: [PUT_CONFIG_RULE, to.label, "*"],
    severity: ctx.strict ? "error" : "warning",
    message:
      `${who} rewrite the scope and source of ${r.ruleText} (${PUT_CONFIG_RULE}, through ${where(hit.g.statement)}), whose automatic remediation ${r.rem.address} runs the SSM Automation document ${r.document} ` +
      `as ${role.address}, which can ${to.how}: rights blastwall cannot see, which it counts as every right. With a scope and a source of its choosing, Config runs the document on the resources the agent picks ` +
      `(blastwall does not read what a document calls): ${start} --${PUT_CONFIG_RULE}--> ${r.ruleText} --${r.rem.address}--> ${r.document} --runs as--> ${to.arrows}. A warning (an error under --strict).`,
    fix:
      `Name the role of what ${role.address} reaches as a role of this stack (a reference) so blastwall can check its rights, or take ${to.label} away from ${role.address}, or take ${PUT_CONFIG_RULE} away from ${holder}, ` +
      `or scope it by reference to Config rules with no automatic remediation, or make ${r.rem.address} manual (automatic = false). If what it reaches is known to be harmless, acknowledge with a reason.`,
    evidence: [
      principalEvidence(agent),
      ...(path ? pathEvidence(path) : []),
      ...statementEvidence(hit.p, hit.g.statement),
      rewriteStep(r, role),
      ...to.steps,
      { step: "unknown", address: to.address, detail: "a role blastwall cannot see: possibly every action" },
    ],
  };
}
