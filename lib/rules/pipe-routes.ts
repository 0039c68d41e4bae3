/**
 * EventBridge Pipes into a function (red-team round 152, F6): a message, record or item written to a pipe's source
 * runs its Lambda enrichment, and its Lambda target unless the target's input template takes nothing from it, with
 * the batch as the payload: the route of an event source mapping, read the same way. A pipe into other compute (a
 * state machine, a task) is a reach edge (engine/reach/compute-targets.ts). A source whose writers IAM does not decide (an
 * Amazon MQ broker, Kafka whose clients sign in outside IAM: engine/reach/broker-sources.ts) is a route anyone can use.
 */
import type { TfResource, TfStack } from "../engine/terraform/types";
import { pipePassesPayload, pipeSources } from "../engine/reach/compute-targets";
import type { WriteSource } from "../engine/reach/broker-sources";
import type { Route } from "./invoke-routes";
import { targetFunctions } from "./invoke-routes";

const unset = (v: unknown): boolean => v === undefined || v === null || v === "";

export function pipeRoutes(stack: TfStack): Route[] {
  const out: Route[] = [];
  for (const pipe of stack.byType.get("aws_pipes_pipe") ?? []) {
    const functions = new Set<TfResource>();
    if (!unset(pipe.values["enrichment"])) for (const f of targetFunctions(stack, pipe.values["enrichment"])) functions.add(f);
    if (pipePassesPayload(stack, pipe)) for (const f of targetFunctions(stack, pipe.values["target"])) functions.add(f);
    if (functions.size === 0) continue;
    const fns = [...functions];
    for (const s of pipeSources(stack, pipe)) out.push(sourceRoute(pipe, s, fns, `, which ${pipe.address} reads and hands to`));
  }
  return out;
}

/** The route into `functions` through `via` (a pipe, an event source mapping) for a writer to source `s`. */
export function sourceRoute(via: TfResource, s: WriteSource, functions: readonly TfResource[], how: string): Route {
  if (s.open) return { via, targetText: s.text, actions: [], pattern: "*", types: [], functions, verb: s.verb, how, denyAsks: [], open: s.open };
  return { via, target: s.target, targetText: s.text, actions: s.actions, pattern: s.pattern, types: s.types, functions, verb: s.verb, how, denyAsks: [{ pattern: s.pattern, target: s.target, suffix: s.target ? "" : undefined }] };
}
