/**
 * config:PutConfigRule on a Config rule whose automatic remediation may destroy (engine/reach/config-rule-rewrites.ts):
 * the caller rewrites the rule's scope and source, Config finds the resources it chooses non-compliant and runs the
 * remediation's SSM Automation document on each, as the role its AutomationAssumeRole names. The document is fixed:
 * the caller picks what it acts on, not what it does, as a caller of a function picks its payload, not its code. So
 * this is read as invoking a function is: a warning (an error under --strict) when the role can delete data. blastwall
 * does not read what a document calls, so every destroy right of the role counts; an AWS-owned document that only
 * turns a protection on is no route. A role blastwall cannot resolve is a reach edge to an unknown node instead
 * (edges-remediation.ts, agent-reach-unknown).
 */
import type { RuleContext } from "../engine/rule";
import type { Evidence, FindingDraft } from "../engine/findings";
import type { Grant, PrincipalNode } from "../engine/analysis-types";
import type { ReachEdge } from "../engine/reach/types";
import { PUT_CONFIG_RULE, putConfigRuleGrant, rewritableRemediations, type RewritableRemediation } from "../engine/reach/config-rule-rewrites";
import { principalEvidence, statementEvidence, where } from "./support";
import { capabilityActions, capabilityEvidence, capabilityFixText, capabilityOf, capabilityText, heldThrough, isDangerous, pathEvidence, reachOf, type Capability } from "./reach-support";
import { listActions } from "../report/summarize";
import { destroyingFunctionsRunBy } from "./function-invokes";

export function remediationRewriteFindings(ctx: RuleContext): FindingDraft[] {
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
      if (fns.length > 0) out.push(functionFinding(ctx, agent, r, role, fns, hit, path));
    }
  }
  return out;
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
