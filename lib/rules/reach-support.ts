import type { Evidence } from "../engine/findings";
import type { PrincipalNode } from "../engine/analysis-types";
import type { RuleContext } from "../engine/rule";
import { ReachGraph } from "../engine/reach/graph";
import type { ReachEdge } from "../engine/reach/types";
import { loadCatalogue } from "../engine/catalogue";
import { globsIntersect } from "../engine/iam/glob";
import { groupByStatement, statementEvidence, type StatementGrants } from "./support";
import { isPermissionWrite, selfTargets } from "./self-targets";

const graphs = new WeakMap<object, ReachGraph>();

/** One reach graph per analysed stack, shared by the reach rules. */
export function reachOf(ctx: RuleContext): ReachGraph {
  let g = graphs.get(ctx.analysis);
  if (!g) graphs.set(ctx.analysis, (g = new ReachGraph(ctx.stack, ctx.analysis)));
  return g;
}

export function pathEvidence(path: readonly ReachEdge[]): Evidence[] {
  return path.flatMap((e) => e.evidence);
}

/** `a --sts:AssumeRole--> b --iam:PassRole--> c`: the chain in one line, for messages. */
export function chainText(start: string, path: readonly ReachEdge[]): string {
  return path.reduce((s, e) => `${s} --${e.label}--> ${e.to}`, start);
}

/** What a reached principal can do that matters: destroy or protection rights, or rewriting its own permissions. */
export interface Capability {
  /** The reached principal's own destroy and protection rights. */
  readonly destroy: StatementGrants[];
  /** IAM writes on the reached principal's own permissions: by itself, or by the agent (which then acts as it). */
  readonly escalate: StatementGrants[];
  /** Who holds the `escalate` grants. */
  readonly escalator?: PrincipalNode;
}

function iamWritesOn(ctx: RuleContext, holder: PrincipalNode, targets: readonly string[]): StatementGrants[] {
  const cat = loadCatalogue();
  return groupByStatement(
    ctx.analysis.rightsOf(holder.address),
    (g) =>
      !g.statement.unknown &&
      isPermissionWrite(g.action) &&
      g.resources.some((r) => targets.some((t) => globsIntersect(r, t))),
    (a) => cat.rank(a),
  );
}

/**
 * What the reached principal `p` lets the agent do: its own destroy rights, its own IAM writes on itself, or the
 * agent's IAM writes on `p` (a role the agent can both assume and rewrite is as good as administrator).
 */
export function capabilityOf(ctx: RuleContext, p: PrincipalNode, agent?: PrincipalNode): Capability {
  const cat = loadCatalogue();
  const destroy = groupByStatement(
    ctx.analysis.rightsOf(p.address),
    (g) => !g.statement.unknown && ["direct", "protection"].includes(cat.categoryOf(g.action) ?? ""),
    (a) => cat.rank(a),
  );
  const targets = selfTargets(ctx.stack, ctx.analysis, p);
  const own = iamWritesOn(ctx, p, targets);
  if (own.length > 0 || !agent) return { destroy, escalate: own, escalator: p };
  return { destroy, escalate: iamWritesOn(ctx, agent, targets), escalator: agent };
}

export function capabilityEvidence(p: PrincipalNode, c: Capability): Evidence[] {
  return [
    ...c.destroy.slice(0, 3).flatMap((g) => statementEvidence(p, g.statement)),
    ...c.escalate.slice(0, 2).flatMap((g) => statementEvidence(c.escalator ?? p, g.statement)),
  ];
}
