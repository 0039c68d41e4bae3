/**
 * The IAM judgement of the plan gate: the core engine and its agent rules over the plan's planned end state, as
 * `blastwall gate` runs them. `runGate` and `createApproval` use it unless told otherwise (red-team round 114: a
 * library gate built from the documented example judged no IAM, and passed a plan giving an agent ec2:DeleteVolume).
 */
import type { Finding, RuleMeta } from "../engine/findings";
import type { BlastwallConfig } from "../engine/config-types";
import type { TfStack } from "../engine/terraform/types";
import type { PlanGateConfig } from "./types";

/** Runs the engine over a planned end state; `false` in the library options turns the IAM judgement off. */
export type AnalyzeStack = (stack: TfStack) => readonly Finding[];

export interface PlanEngine {
  readonly analyzeStack: AnalyzeStack;
  /** Metadata of the rules `analyzeStack` may report, for SARIF. */
  readonly engineRules: readonly RuleMeta[];
}

/**
 * The engine with the agent rules. Loaded on first use: the engine and the rules are most of what `check` loads, and
 * nothing that only reads or signs plans should pay for them at require time.
 */
export function planEngine(config: BlastwallConfig | PlanGateConfig = {}): PlanEngine {
  const { analyzeStack } = require("../engine/analyze") as typeof import("../engine/analyze");
  const { agentRules } = require("../rules") as typeof import("../rules");
  // The plan gate's config is the part of blastwall.json the engine reads for agents; the engine never writes to it.
  const engineConfig = config as BlastwallConfig;
  return {
    analyzeStack: (stack) => analyzeStack(stack, { config: engineConfig, rules: agentRules }).findings,
    engineRules: agentRules.map((r) => r.meta),
  };
}

/**
 * The engine a library call runs: the one given, none for `false` (an explicit opt-out), else the agent rules, so a
 * caller who leaves the option out gets the gate `blastwall gate` is.
 */
export function engineFor(option: AnalyzeStack | false | undefined, config: PlanGateConfig | undefined, engineRules?: readonly RuleMeta[]): Partial<PlanEngine> {
  if (option === false) return { engineRules };
  if (option !== undefined) return { analyzeStack: option, engineRules };
  const engine = planEngine(config ?? {});
  return { analyzeStack: engine.analyzeStack, engineRules: engineRules ?? engine.engineRules };
}
