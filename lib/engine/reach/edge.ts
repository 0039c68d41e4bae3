/** An edge of the reach graph as the edge families build it: its evidence steps, its lazily written evidence, and how a family adds one. */
import type { Evidence } from "../findings";
import type { Grant } from "../analysis-types";
import { naming, statementsKey, statementName, statementSummary, type Named } from "../describe";
import type { ReachEdge } from "./types";

/** The evidence step names of edges; reporters use them to draw the reach graph. */
export const EDGE_STEPS = ["assume-role", "trust-rewrite", "become-user", "join-group", "pass-role", "hijack", "credential", "state-write", "create-principal", "web-identity"] as const;
export type EdgeStep = (typeof EDGE_STEPS)[number];

export function grantText(g: Grant): string {
  return `${g.statement.source.address} ${statementName(g.statement)} (${statementSummary(g.statement)})`;
}

export function edgeEvidence(step: EdgeStep, to: string, label: string, why: string | Named): Evidence {
  if (typeof why === "string") return { step, address: to, detail: `${label}: ${why}` };
  return { step, address: to, detail: `${label}: ${why.text}`, ...statementsKey(why.statements) };
}

/**
 * An edge whose evidence text is written only when read: thousands of edges are built and few end up in a
 * finding. A class, so every edge has one shape and the getter lives on the prototype.
 */
export class LazyEdge implements ReachEdge {
  private written: Evidence[] | undefined;
  constructor(
    readonly from: string,
    readonly to: string,
    readonly label: string,
    readonly via: string | undefined,
    private readonly step: EdgeStep,
    private readonly why: () => string,
    /** A step before the edge's own (the store a credential is read from). */
    private readonly before?: Evidence,
    readonly weak?: boolean,
  ) {}

  get evidence(): Evidence[] {
    if (!this.written) {
      const own = edgeEvidence(this.step, this.to, this.label, naming(this.why));
      this.written = this.before ? [this.before, own] : [own];
    }
    return this.written;
  }
}

/** How an edge family adds an edge from the principal whose edges are being computed (edges back to it are dropped). */
export type AddEdge = (to: string, step: EdgeStep, label: string, why: () => string, via?: string, weak?: boolean) => void;
