import type { Evidence } from "../engine/findings";
import type { PrincipalNode } from "../engine/analysis-types";
import type { RuleContext } from "../engine/rule";
import { ReachGraph } from "../engine/reach/graph";
import type { ReachEdge } from "../engine/reach/types";
import { loadCatalogue } from "../engine/catalogue";
import { globsIntersect } from "../engine/iam/glob";
import { groupByStatement, statementEvidence, type StatementGrants } from "./support";
import { selfTargets } from "./self-targets";

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
  readonly destroy: StatementGrants[];
  readonly escalate: StatementGrants[];
}

export function capabilityOf(ctx: RuleContext, p: PrincipalNode): Capability {
  const cat = loadCatalogue();
  const rights = ctx.analysis.rightsOf(p.address);
  const order = (a: string) => cat.rank(a);
  const destroy = groupByStatement(rights, (g) => !g.statement.unknown && ["direct", "protection"].includes(cat.categoryOf(g.action) ?? ""), order);
  const targets = selfTargets(ctx.stack, ctx.analysis, p);
  const escalate = groupByStatement(
    rights,
    (g) =>
      !g.statement.unknown &&
      cat.categoryOf(g.action) === "escalation" &&
      g.action.toLowerCase().startsWith("iam:") &&
      g.resources.some((r) => targets.some((t) => globsIntersect(r, t))),
    order,
  );
  return { destroy, escalate };
}

export function capabilityEvidence(p: PrincipalNode, c: Capability): Evidence[] {
  return [...c.destroy, ...c.escalate].slice(0, 3).flatMap((g) => statementEvidence(p, g.statement));
}
