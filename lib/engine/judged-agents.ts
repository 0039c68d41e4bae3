/**
 * The principals the engine judged as agents in a stack, roles a marked resource runs as included: the plan gate
 * counts agents from the plan's changes, and without this its summary said "0 agent principal(s)" while it reported
 * errors on a role it judged as one (red-team round 99). A module of its own, so the gate reads it without loading
 * the engine.
 */
import type { TfStack } from "./terraform/types";

const judged = new WeakMap<TfStack, ReadonlySet<string>>();

export function recordJudgedAgents(stack: TfStack, addresses: Iterable<string>): void {
  judged.set(stack, new Set(addresses));
}

/** The agents `analyzeStack` judged in this very stack object; undefined when it has not run on it. */
export function judgedAgents(stack: TfStack | undefined): ReadonlySet<string> | undefined {
  return stack === undefined ? undefined : judged.get(stack);
}
