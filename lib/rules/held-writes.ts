/**
 * A principal's grants of an action for the routes into functions and compute: its own, and those the stack's resource
 * policies and the services it makes deliver give it (invoke-policies.ts `policyGrants`). One reader for the reach
 * edges (engine/reach/edges-routes.ts) and the invoke findings (function-invokes.ts).
 *
 * The writes that feed one another (events:PutEvents, sqs:SendMessage, sns:Publish, kinesis:PutRecord/PutRecords) can
 * form loops: a pipe from a queue into a bus whose rule targets the queue, two buses forwarding to each other. Read one
 * at a time, the write asked inside its own reading saw only the principal's own grants, and what it found then was kept
 * as final: which chains were found depended on which write was asked first (a fail-open). So these are read together,
 * to a fixed point: each is read again while a write it asked for gained grants; a principal that gains nothing reads
 * each once.
 *
 * Why this ends: a reading emits at most one grant per thing of the stack that may give one (a policy statement, a
 * relay statement and rule target, a stream target, a forwarder), a finite number the stack fixes; and given more
 * grants a reading emits no fewer (each asks only whether some grant fires it). So a write read again either gains a
 * grant, which can happen only so often, or stops its dependants from being read again. A chain of N forwards (a bus
 * forwarding to a bus ...) takes N rounds, one hop each: a chain of 65 buses took 65, and a fixed bound of 64 rounds
 * kept what was known at the 64th as final, missing the 65th hop (red-team round 157, F4). The guard is now the
 * stack's size and more; a reading that broke the rule above and reached it fails closed (`unfollowed`).
 */
import type { Grant, PrincipalNode } from "../engine/analysis-types";
import type { TfStack } from "../engine/terraform/types";
import { policyGrants } from "./invoke-policies";
import type { RelayedGrant } from "./invoke-relays";
import { where } from "./support";

export interface HeldGrants {
  readonly all: readonly Grant[];
  /** Those the principal does not hold itself (a resource policy's, a service delivering for it). */
  readonly extra: readonly Grant[];
}

/** The writes whose grants may be relayed from one another. */
const LINKED = ["events:PutEvents", "sqs:SendMessage", "sns:Publish", "kinesis:PutRecord", "kinesis:PutRecords"];
const LINKED_SET = new Set(LINKED);

const NONE: readonly Grant[] = [];

/** Rounds past the stack's size a chain may take before the guard fails closed. */
const SLACK = 64;

/**
 * `own`: the principal's own grants of an action. Memoized per action; the linked writes all at once. `guard`: the
 * rounds after which the linked writes stop being read (tests set it low to reach the fail-closed reading).
 */
export function heldWrites(stack: TfStack, p: PrincipalNode, own: (action: string) => readonly Grant[], guard = SLACK + stack.byAddress.size): (action: string) => HeldGrants {
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
    let grew = new Set<string>();
    let round = 0;
    for (; dirty.size > 0 && round < guard; round++) {
      grew = new Set<string>();
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
    if (dirty.size > 0) {
      // Writes still gaining grants when the guard stopped the reading: what they may reach is not known, so every
      // write of the loop counts as reaching anything (a relay on `*`), naming why.
      const growing = LINKED.filter((a) => grew.has(a));
      const fires = growing.flatMap((a) => cur.get(a)!.extra).slice(0, 3);
      for (const a of LINKED) {
        const h = cur.get(a)!;
        if (fires.length > 0) cur.set(a, combine(a, [...h.extra, unfollowed(a, round, growing, fires)]));
      }
    }
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

/**
 * The grant a write gets when the guard stopped the fixed point with writes still gaining grants: on `*`, through the
 * statement of the last grant gained, a relay whose text says blastwall stopped following the chain and how to close it.
 */
function unfollowed(action: string, rounds: number, growing: readonly string[], fires: readonly Grant[]): RelayedGrant {
  const text =
    `: the writes services relay for it (rules, pipes and subscriptions forwarding ${growing.join(", ")} on, one hop a round) were still reaching further after ${rounds} rounds, ` +
    `when blastwall stopped following them: the chain is too long to follow, so ${action} counts as reaching every queue, topic, stream and bus, and whatever reads them`;
  const fix = (who: string) =>
    `shorten the chain of forwarding rules, pipes and subscriptions that ${who}'s writes go through (${[...new Set(fires.map((g) => where(g.statement)))].slice(0, 2).join(", ")}), or take ${growing.join(", ")} away from ${who}`;
  return { action, statement: fires[0].statement, resources: ["*"], conditional: true, relay: { text, fix, fires, forwarded: {} } };
}
