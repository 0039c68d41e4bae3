/**
 * Where a rule's events go on when its target is a queue, topic, stream or another bus (red-team round 157, task 3).
 * A caller with events:PutRule alone on the rule picks when it fires (rule-retimes.ts): on AWS events it chooses or
 * can cause, or on a timer. The target then writes each event on, and what reads there runs on it: an event source
 * mapping, a subscription, a pipe, a rule on the other bus. The fields are AWS's, not the caller's, but the caller
 * picks which resources they name, as for a target that runs code itself.
 *
 * Followed here with the readers the routes and relays use, not copies of them: the routes into functions
 * (invoke-routes.ts `routesOf`: mappings, subscriptions, pipes, delivery streams), the routes into other compute
 * (compute-targets.ts `computeRoutes`: pipes), the stack's forwarders (forward-relays.ts: pipes writing on to a
 * queue, stream, topic or bus), and on a bus its rules' targets, read as rule-retimes.ts reads the retimed rule's own.
 * Besides those, a topic's subscriptions of protocol sqs, which deliver to the queue as SNS does for a publisher.
 *
 * No IAM right is asked on the way: AWS writes each hop, under the target's, pipe's or topic's own rights, which may be
 * granted outside the stack (fail closed, as the relays read them). A rule on the other bus counts whatever its pattern
 * says, unless it runs on a schedule: the events are whichever the caller picks among those on the retimed rule's bus
 * (AWS's, or other writers' of custom sources), and a pipe puts them with a source of its own, so blastwall does not
 * narrow by the pattern. A constant input, a constant pipe template or a rule
 * target with a constant input passes nothing on. Each place is read once: loops (a bus forwarding back to the bus it
 * reads, a pipe into a queue a rule sends to) end.
 */
import { exactPattern } from "../engine/terraform/tokens";
import type { TfResource, TfStack } from "../engine/terraform/types";
import type { RouteCompute } from "../engine/reach/compute-targets";
import { computeRoutes, passesEvent } from "../engine/reach/compute-targets";
import { ruleOfTarget } from "../engine/reach/rule-rewrites";
import { globsIntersect } from "../engine/iam/glob";
import { onPattern, routesOf } from "./invoke-routes";
import { allForwarders, destinationOf } from "./forward-relays";

/** A queue, topic, stream or bus AWS's events land on: the write that puts them there, and where it is. */
export interface Landing {
  readonly action: string;
  readonly pattern: string;
  /** The resource, when the stack makes it. */
  readonly res?: TfResource;
  readonly text: string;
}

/** One hop after the rule target: what carries the events (`via`), to what, and how, for messages. */
export interface Hop {
  readonly via: string;
  readonly to: string;
  /** `aws_lambda_event_source_mapping.m feeds aws_sqs_queue.q to aws_lambda_function.fn`. */
  readonly text: string;
}

/** What runs on the events at the end of the hops: a function, other compute, or a rule target on a bus. */
export interface Reached {
  readonly fn?: TfResource;
  readonly compute?: RouteCompute;
  /**
   * A target of a rule on a bus the events land on (`bus`): what it runs is read as the retimed rule's own targets are,
   * and its last hop named then (`busHop`); `hops` lead to the bus.
   */
  readonly target?: TfResource;
  readonly bus?: Landing;
  readonly hops: readonly Hop[];
}

/** The hop of a rule on bus `l` sending the events through its target `t` to `to`. */
export function busHop(stack: TfStack, t: TfResource, l: Landing, to: string): Hop {
  return { via: t.address, to, text: `${ruleOfTarget(stack, t).text} on ${l.text} sends them through ${t.address} to ${to}` };
}

/** Where a rule target writes the events on, when it is a queue, topic, stream or a bus whose rules the stack holds. */
export function landingOf(stack: TfStack, t: TfResource): Landing | undefined {
  const d = destinationOf(stack, t.values["arn"], t);
  return d && { action: d.grants[0], pattern: d.pattern, ...(d.target ? { res: d.target } : {}), text: d.text };
}

/** Whether a reader of `target` (by reference) or `pattern` reads the landing: as a relayed grant is matched (invoke-routes.ts `grantUses`). */
function reads(on: { readonly target?: TfResource; readonly pattern: string; readonly alternatives?: readonly string[] }, l: Landing): boolean {
  return on.target && l.res ? on.target === l.res : onPattern(l.pattern, on);
}

const key = (l: Landing) => l.res?.address ?? `${l.action} ${l.pattern}`;

/**
 * Everything that runs on what lands on `first`, each with the hops that lead there (the first found: the shortest),
 * in the order found. A function or compute reached through two hops is listed once.
 */
export function readersOf(stack: TfStack, first: Landing): Reached[] {
  const out: Reached[] = [];
  const ended = new Set<unknown>();
  const seen = new Set<string>([key(first)]);
  const queue: { l: Landing; hops: readonly Hop[] }[] = [{ l: first, hops: [] }];
  const end = (r: Reached, id: unknown) => {
    if (ended.has(id)) return;
    ended.add(id);
    out.push(r);
  };
  for (let i = 0; i < queue.length; i++) {
    const { l, hops } = queue[i];
    const onward = (next: Landing, hop: Hop) => {
      if (seen.has(key(next))) return;
      seen.add(key(next));
      queue.push({ l: next, hops: [...hops, hop] });
    };
    if (l.action === "events:PutEvents") {
      for (const t of busTargets(stack, l)) {
        end({ target: t, bus: l, hops }, t);
        const next = landingOf(stack, t);
        if (next) onward(next, busHop(stack, t, l, next.text));
      }
      continue;
    }
    for (const r of routesOf(stack)) {
      if (!r.actions.includes(l.action) || (r.also?.length ?? 0) > 0 || r.open || r.serviceRights || r.anyFunction || !reads(r, l)) continue;
      for (const fn of r.functions) end({ fn, hops: [...hops, { via: r.via.address, to: fn.address, text: `${l.text}${r.how} ${fn.address}` }] }, fn);
    }
    for (const r of computeRoutes(stack)) {
      if (!r.actions.includes(l.action) || (r.also?.length ?? 0) > 0 || r.open || !reads(r, l)) continue;
      for (const c of r.computes) end({ compute: c, hops: [...hops, { via: r.via.address, to: c.text, text: `${l.text}${r.how} ${c.text}` }] }, c.res ?? `${r.via.address} ${c.text}`);
    }
    for (const f of allForwarders(stack)) {
      if (!f.from.actions.includes(l.action) || !reads(f.from, l)) continue;
      onward({ action: f.grants[0], pattern: f.to.pattern, ...(f.to.target ? { res: f.to.target } : {}), text: f.to.text }, { via: f.via.address, to: f.to.text, text: `${f.how.replace(" reads it ", ` reads ${l.text} `)}` });
    }
    if (l.action === "sns:Publish") for (const s of queueSubscriptions(stack, l)) onward(s.to, { via: s.via.address, to: s.to.text, text: `${s.via.address} delivers what ${l.text} gets to ${s.to.text}` });
  }
  return out;
}

/** The stack's rule targets that get events, filed by the bus of the stack their rule is on, the others apart. */
interface BusIndex {
  readonly byBus: ReadonlyMap<TfResource, readonly TfResource[]>;
  /** The others, by their bus's pattern (few patterns: the default bus, names written out). */
  readonly loose: ReadonlyMap<string, readonly TfResource[]>;
}

const busIndexes = new WeakMap<TfStack, BusIndex>();

/** The targets of rules on the bus the events land on that get them: not a schedule's, not a constant input. */
function busTargets(stack: TfStack, l: Landing): readonly TfResource[] {
  let ix = busIndexes.get(stack);
  if (!ix) {
    const byBus = new Map<TfResource, TfResource[]>();
    const loose = new Map<string, TfResource[]>();
    for (const t of stack.byType.get("aws_cloudwatch_event_target") ?? []) {
      if (!passesEvent(stack, t)) continue;
      const on = ruleOfTarget(stack, t);
      if (on.rule && unset(on.rule.values["event_pattern"])) continue;
      if (on.bus) file(byBus, on.bus, t);
      else file(loose, on.busPattern, t);
    }
    busIndexes.set(stack, (ix = { byBus, loose }));
  }
  // Rules naming no bus of the stack by reference (the default bus, a name written out) are asked by their bus's pattern.
  const loose = [...ix.loose].flatMap(([pattern, ts]) => (globsIntersect(pattern, l.pattern, { caseInsensitive: true }) ? ts : []));
  const named = l.res ? (ix.byBus.get(l.res) ?? []) : [];
  return loose.length === 0 ? named : [...named, ...loose];
}

function file<K>(m: Map<K, TfResource[]>, k: K, t: TfResource): void {
  const list = m.get(k);
  if (list) list.push(t);
  else m.set(k, [t]);
}

const unset = (v: unknown): boolean => v === undefined || v === null || v === "";

/**
 * A topic's subscriptions that deliver to a queue (protocol sqs, or one blastwall cannot read), with the queue as a
 * rule target or pipe would name it (forward-relays.ts `destinationOf`). A topic or queue it cannot read is any.
 */
function queueSubscriptions(stack: TfStack, l: Landing): { via: TfResource; to: Landing }[] {
  const out: { via: TfResource; to: Landing }[] = [];
  for (const s of stack.byType.get("aws_sns_topic_subscription") ?? []) {
    const protocol = exactPattern(stack, s.values["protocol"]);
    if (protocol !== undefined && protocol.toLowerCase() !== "sqs") continue;
    const topic = destinationOf(stack, s.values["topic_arn"], s);
    if (!reads(topic ? { target: topic.target, pattern: topic.pattern } : { pattern: "*" }, l)) continue;
    const queue = destinationOf(stack, s.values["endpoint"], s);
    const to: Landing = queue && queue.grants.includes(SEND)
      ? { action: SEND, pattern: queue.pattern, ...(queue.target ? { res: queue.target } : {}), text: queue.text }
      : { action: SEND, pattern: "arn:*:sqs:*:*:*", text: "a queue blastwall cannot read" };
    out.push({ via: s, to });
  }
  return out;
}

const SEND = "sqs:SendMessage";

