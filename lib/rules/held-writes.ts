/**
 * A principal's grants of an action for the routes into functions and compute: its own, and those the stack's resource
 * policies and the services it makes deliver give it (invoke-policies.ts `policyGrants`). One reader for the reach
 * edges (engine/reach/edges-routes.ts) and the invoke findings (function-invokes.ts).
 *
 * The writes that feed one another (events:PutEvents, sqs:SendMessage, sns:Publish, kinesis:PutRecord/PutRecords) can
 * form loops: a pipe from a queue into a bus whose rule targets the queue, two buses forwarding to each other. Read one
 * at a time, the write asked inside its own reading saw only the principal's own grants, and what it found then was kept
 * as final: which chains were found depended on which write was asked first (a fail-open). So these are read together,
 * to a fixed point: each is read again while a write it asked for gained grants. Grants only grow with what is held, so
 * this ends; a principal that gains nothing reads each once.
 */
import type { Grant, PrincipalNode } from "../engine/analysis-types";
import type { TfStack } from "../engine/terraform/types";
import { policyGrants } from "./invoke-policies";

export interface HeldGrants {
  readonly all: readonly Grant[];
  /** Those the principal does not hold itself (a resource policy's, a service delivering for it). */
  readonly extra: readonly Grant[];
}

/** The writes whose grants may be relayed from one another. */
const LINKED = ["events:PutEvents", "sqs:SendMessage", "sns:Publish", "kinesis:PutRecord", "kinesis:PutRecords"];
const LINKED_SET = new Set(LINKED);

const NONE: readonly Grant[] = [];

/** `own`: the principal's own grants of an action. Memoized per action; the linked writes all at once. */
export function heldWrites(stack: TfStack, p: PrincipalNode, own: (action: string) => readonly Grant[]): (action: string) => HeldGrants {
  const memo = new Map<string, HeldGrants>();
  const combine = (action: string, extra: readonly Grant[]): HeldGrants => {
    const mine = own(action);
    return { all: extra.length === 0 ? mine : [...mine, ...extra], extra };
  };
  let running: Map<string, HeldGrants> | undefined;
  const linked = () => {
    const cur = new Map<string, HeldGrants>(LINKED.map((a) => [a, { all: own(a), extra: NONE }]));
    running = cur;
    const deps = new Map<string, Set<string>>();
    let dirty = new Set(LINKED);
    // Grants only grow, so this ends; the bound is a guard against a reader that does not keep to that.
    for (let round = 0; dirty.size > 0 && round < 64; round++) {
      const grew = new Set<string>();
      for (const action of LINKED) {
        if (!dirty.has(action)) continue;
        const asked = new Set<string>();
        const extra = policyGrants(stack, p, action, (a) => {
          if (!LINKED_SET.has(a)) return held(a).all;
          asked.add(a);
          return cur.get(a)!.all;
        });
        deps.set(action, asked);
        if (extra.length !== cur.get(action)!.extra.length) grew.add(action);
        cur.set(action, combine(action, extra));
      }
      dirty = new Set(LINKED.filter((a) => [...(deps.get(a) ?? [])].some((d) => grew.has(d))));
    }
    running = undefined;
    for (const [a, h] of cur) memo.set(a, h);
  };
  const held = (action: string): HeldGrants => {
    let out = memo.get(action);
    if (out) return out;
    if (LINKED_SET.has(action)) {
      // Asked while they are being read (through another action's reading): what is known so far.
      if (running) return running.get(action)!;
      linked();
      return memo.get(action)!;
    }
    // Set before the policies are read: a relay that comes back to this action sees the principal's own grants.
    memo.set(action, { all: own(action), extra: NONE });
    memo.set(action, (out = combine(action, policyGrants(stack, p, action, (a) => held(a).all))));
    return out;
  };
  return held;
}
