import type { FindingDraft, RuleMeta } from "./findings";
import type { TfStack } from "./terraform/types";
import type { StackAnalysis } from "./analysis-types";
import type { BlastwallConfig } from "./config-types";

/** What a rule sees: the stack, the IAM analysis of it, and the user's config. Rules are pure functions of it. */
export interface RuleContext {
  readonly stack: TfStack;
  readonly analysis: StackAnalysis;
  readonly config: BlastwallConfig;
  /** `--strict`: warnings that can hide a path (unknown secret contents, ...) become errors. */
  readonly strict: boolean;
  /** Edges a reach graph of the stack may hold (reach/graph-limit.ts `MAX_REACH_EDGES` when not given). */
  readonly maxReachEdges?: number;
}

export interface Rule {
  readonly meta: RuleMeta;
  check(ctx: RuleContext): FindingDraft[];
}
