/**
 * Writes a service forwards for the caller (red-team round 155): what it writes to one place, a rule or pipe of the
 * stack writes on to another, with the caller's payload, as the rule's or pipe's own role. So a right on the first is
 * a right on the second, a relayed grant (invoke-relays.ts `RelayedGrant`) that every route reading the second counts:
 *
 * - an EventBridge rule whose target is another event bus of the stack (same account and region, or by reference):
 *   the event goes there as it was put (source, detail type, detail), and that bus's rules match it as if the caller
 *   had put it there. A bus the stack does not hold is compute that may run as any role (compute-targets.ts
 *   `busTarget`), not a relay. A rule whose pattern leaves the caller's events out forwards them all the same for a
 *   caller that may also rewrite it (events:PutRule: rewrite-relays.ts).
 * - an EventBridge pipe whose target is an SQS queue, a Kinesis stream, an SNS topic or an event bus: what the caller
 *   writes to the pipe's source is sent, put, published or put as an event there. A pipe's event on a bus has the
 *   source `Pipe NAME`, which the caller does not choose: the rules of that bus are not narrowed by it (fail closed).
 * - an EventBridge archive: a replay of it (events:StartReplay on the archive) puts its events again on the bus it
 *   archives (engine/reach/replays.ts).
 *
 * Neither asks a resource policy or the role's rights on the destination (a role or policy may be granted outside the
 * stack): a target with no role, or one that cannot write, is still counted (fail closed), as `streamRelays` counts a
 * rule into a stream. A constant input passes nothing of the caller's: no relay. The caller's own Deny of the first
 * write closes the relay; a Deny of the second does not (the service writes it, not the caller). Loops (a bus
 * forwarding back to the bus it reads) end: held-writes.ts reads these writes to a fixed point.
 */
import type { Grant, PrincipalNode } from "../engine/analysis-types";
import type { Statement } from "../engine/iam/types";
import type { TfResource, TfStack } from "../engine/terraform/types";
import { resolveToPattern } from "../engine/terraform/tokens";
import { globsIntersect } from "../engine/iam/glob";
import { oneReferenced } from "../engine/terraform/referenced";
import { busTarget, createVerb, forgeable, nameOf, passesEvent, pipePassesPayload, pipeSources, PUT_RECORD, SEND } from "../engine/reach/compute-targets";
import { ownDenies } from "../engine/own-denies";
import { where } from "./support";
import { deniedOnAll } from "./invoke-denies";
import { customSources, isRelayed, putsAwsEvents, putsSource, replayedClose, replayedSends, replayMisses, type RelayedGrant } from "./invoke-relays";
import { grantsUsing } from "./invoke-routes";
import { rewriteOf, rewriteRelayFix, rewriteRelayText, type Rewrite } from "./rewrite-relays";
import { ARCHIVES, archiveReplays, archivesOf, CREATE_ARCHIVE, keepsApart, mayMatchAwsEvents, namesOneArchive, START_REPLAY, UPDATE_ARCHIVE } from "../engine/reach/replays";

const BUSES = ["aws_cloudwatch_event_bus"];
const RULES = ["aws_cloudwatch_event_rule"];

/** A rule target or pipe that writes on what a caller writes to it. */
export interface Forwarder {
  /** The rule target or the pipe. */
  readonly via: TfResource;
  /** What the caller writes to: any one of `actions` on it fires the forward. */
  readonly from: { readonly actions: readonly string[]; readonly pattern: string; readonly target?: TfResource; readonly types: readonly string[] };
  /** A rule target's rule: a replay it certainly sees none of the events of does not fire it (invoke-relays.ts `replayMisses`). */
  readonly rule?: TfResource;
  /** A rule's custom sources (invoke-relays.ts `customSources`): a PutEvents grant limited to others does not fire it. */
  readonly sources?: readonly string[];
  /**
   * A rule target the caller may fire whatever the rule's pattern (a schedule, AWS services' sources, sources its
   * PutEvents may not put) by rewriting the rule (rewrite-relays.ts): then any PutEvents on `from` fires it.
   */
  readonly rewritable?: { readonly t: TfResource; readonly busText: string; readonly close: string };
  /** `put an event on the default event bus`: what the caller does, after `it can`. */
  readonly verb: string;
  /** The writes it makes for the caller, on `to`. */
  readonly grants: readonly string[];
  readonly to: { readonly pattern: string; readonly target?: TfResource; readonly text: string };
  /** `aws_cloudwatch_event_rule.r forwards it through aws_cloudwatch_event_target.t to aws_cloudwatch_event_bus.b, ...`. */
  readonly how: string;
  /** How to close it, besides taking the first write away. */
  readonly close: string;
  /**
   * A rule target whose rule may match AWS services' events: what a replay puts (invoke-relays.ts `Relay.awsEvents`)
   * fires it whatever PutEvents could put, `how` and `close` saying so.
   */
  readonly replayed?: { readonly how: string; readonly close: string };
  /** Whether the events it writes on are AWS services' among others where it is fired by such events: a bus it forwards to. */
  readonly keepsAwsEvents?: boolean;
  /** More rights it asks, every one of them (widen an archive, or make one): one of `actions` on `pattern`. */
  readonly also?: readonly Need[];
  /**
   * A replay of an archive (engine/reach/replays.ts): the archive of the stack it is of (none: one the caller makes);
   * whether that keeps every event its bus gets (invoke-relays.ts `Relay.replayAll`); the right the arrows name; and
   * whether the StartReplay grant must cover the name the CreateArchive grant of `also[0]` makes (`namesOneArchive`).
   */
  readonly replay?: { readonly archive?: TfResource; readonly all: boolean; readonly held: string; readonly sameArchive?: boolean };
}

/** One more right a forwarder asks, as `from` names its own. */
interface Need {
  readonly actions: readonly string[];
  readonly pattern: string;
  readonly target?: TfResource;
  readonly types: readonly string[];
}

const cache = new WeakMap<TfStack, ReadonlyMap<string, readonly Forwarder[]>>();

/** The stack's forwarders, filed by the (lower-case) write they give: read once per stack. */
function forwarders(stack: TfStack): ReadonlyMap<string, readonly Forwarder[]> {
  let out = cache.get(stack);
  if (out) return out;
  const byAction = new Map<string, Forwarder[]>();
  for (const f of [...busForwarders(stack), ...pipeForwarders(stack), ...replayForwarders(stack), ...createdForwarders(stack)]) {
    for (const a of f.grants) {
      const l = byAction.get(a.toLowerCase());
      if (l) l.push(f);
      else byAction.set(a.toLowerCase(), [f]);
    }
  }
  cache.set(stack, (out = byAction));
  return out;
}

const unset = (v: unknown): boolean => v === undefined || v === null || v === "";

/** The bus a rule target reads from, as the routes write it (compute-targets.ts `ruleTargetRoutes`). */
function sourceBus(stack: TfStack, t: TfResource, rule: TfResource | undefined): { pattern: string; target?: TfResource; text: string } {
  const v = t.values["event_bus_name"] ?? rule?.values["event_bus_name"];
  const bus = oneReferenced(stack, v, BUSES);
  const name = bus ? nameOf(stack, bus, "name") : unset(v) ? "default" : typeof v === "string" ? resolveToPattern(stack, v).pattern : "*";
  return { pattern: name.startsWith("arn:") ? name : `arn:*:events:*:*:event-bus/${name}`, target: bus, text: bus?.address ?? `the ${name} event bus` };
}

/** Rules whose target is another bus of the stack, sending the event itself. */
function busForwarders(stack: TfStack): Forwarder[] {
  const out: Forwarder[] = [];
  for (const t of stack.byType.get("aws_cloudwatch_event_target") ?? []) {
    if (!passesEvent(stack, t)) continue;
    const bus = busTarget(stack, t.values["arn"], t);
    const to = bus ? (bus.outside === undefined ? { pattern: bus.pattern, bus: bus.bus, text: bus.text, grants: ["events:PutEvents"], unseen: undefined } : undefined) : unseenPolicyTarget(stack, t);
    if (!to) continue;
    const rule = oneReferenced(stack, t.values["rule"], RULES);
    // A pattern that leaves the caller's events out still forwards them for a caller that may rewrite it: `rewritable`.
    const sources = rule ? (forgeable(stack, rule) ? customSources(stack, rule) : []) : undefined;
    const from = sourceBus(stack, t, rule);
    if (from.target && from.target === to.bus) continue;
    const ruleText = rule?.address ?? "a rule";
    const matched = sources ? `a source ${ruleText} matches (${sources.slice(0, 3).join(", ")})` : `a source ${ruleText} matches`;
    // What a replay puts again (AWS services' events among them) a rule of AWS events sends on too (red-team round 162, F2).
    const replayed = rule && mayMatchAwsEvents(stack, rule) ? { how: `${replayedSends(ruleText, t.address)} ${to.text}${to.unseen ? `, ${to.unseen}` : ""}`, close: replayedClose(ruleText, t.address) } : undefined;
    out.push({
      via: t,
      from: { actions: ["events:PutEvents"], pattern: from.pattern, target: from.target, types: BUSES },
      ...(rule ? { rule } : {}),
      ...(sources ? { sources } : {}),
      ...(rule ? { rewritable: { t, busText: from.text, close: `take ${t.address} off ${ruleText}` } } : {}),
      ...(replayed ? { replayed } : {}),
      ...(to.grants.includes("events:PutEvents") ? { keepsAwsEvents: true } : {}),
      verb: `put an event with ${matched} on ${from.text}`,
      grants: to.grants,
      to: { pattern: to.pattern, target: to.bus, text: to.text },
      how: to.unseen
        ? `${ruleText} sends it through ${t.address} to ${to.text}, ${to.unseen}`
        : `${ruleText} forwards it through ${t.address} to ${to.text}, EventBridge putting it there as it was put (its source, detail type and detail the caller's), where that bus's rules match it`,
      close: to.unseen
        ? `have ${ruleText} match only events of AWS services (source aws.*), which PutEvents cannot send, or take ${t.address} off it, or put the policy of ${to.text} in the stack, admitting only the senders it needs (then blastwall reads whether it admits ${ruleText})`
        : `have ${ruleText} match only events of AWS services (source aws.*), which PutEvents cannot send, or take ${t.address} off it`,
    });
  }
  return out;
}

/**
 * A queue or topic a rule target sends the event to, when no policy of the stack is on it (red-team round 162, F3).
 * EventBridge delivers there only where the queue's or topic's policy admits it, and a statement of the stack that
 * does is read as a relay (invoke-relays.ts), one that does not as refusing it; but with no policy in the stack, one
 * set outside it (another stack, a module, the console) may admit the rule. Fail closed: the delivery counts as
 * admitted, as rule-retimes.ts counts it for events:PutRule, and the message says so. A target named by its literal
 * ARN is read as a reference is: the stack's queue or topic that ARN may be, or, where it may be none of them, one
 * outside the stack, whose policy blastwall cannot see either. Only where every one of the stack's it may be has a
 * policy of the stack is the delivery left to those policies.
 */
function unseenPolicyTarget(stack: TfStack, t: TfResource): { pattern: string; bus?: TfResource; text: string; grants: readonly string[]; unseen: string } | undefined {
  const d = destinationOf(stack, t.values["arn"], t);
  const type = d && (d.target ? d.target.type : LITERAL_HOLDERS[d.pattern.split(":")[2]]);
  const kind = type ? POLICY_HOLDERS[type] : undefined;
  if (!d || !type || !kind) return undefined;
  const policed = (x: TfResource) => stackPolicyOf(stack, x) !== undefined;
  // Each of the stack's by the ARN its name gives, as a reference to it is read (`destinationOf`).
  const service = type === "aws_sqs_queue" ? "sqs" : "sns";
  const may = d.target ? [d.target] : (stack.byType.get(type) ?? []).filter((x) => x.mode === "managed" && globsIntersect(`arn:*:${service}:*:*:${nameOf(stack, x, "name", "name_prefix")}`, d.pattern, CI));
  const unseen = may.filter((x) => !policed(x));
  if (may.length > 0 && unseen.length === 0) return undefined;
  // The one queue or topic of the stack it is; else the ARN, which may be one outside the stack.
  const target = unseen.length === 1 && may.length === 1 ? unseen[0] : undefined;
  const text = target?.address ?? d.text;
  const where = target || may.length > 0 ? `no policy of the stack is on ${text}` : `${text} is no ${kind.noun} of the stack, so its policy is not in it`;
  return {
    pattern: d.pattern,
    bus: target,
    text,
    grants: d.grants,
    unseen: `as a message (EventBridge delivers there only where the ${kind.noun}'s policy admits events.amazonaws.com, and ${where}: one set outside the stack may admit the rule, so blastwall counts the delivery as admitted)`,
  };
}

/**
 * Where the stack sets a queue's or topic's policy: its `policy` attribute, or the address of a queue or topic policy
 * of the stack on it; undefined where the stack sets none (one may be set outside it).
 */
export function stackPolicyOf(stack: TfStack, res: TfResource): string | undefined {
  const kind = POLICY_HOLDERS[res.type];
  if (!kind) return undefined;
  if (!unset(res.values["policy"])) return `the policy attribute of ${res.address}`;
  return (stack.byType.get(kind.type) ?? []).find((p) => oneReferenced(stack, p.values[kind.on], [res.type]) === res)?.address;
}

/** The type of a queue or topic a literal ARN names, by its service. */
const LITERAL_HOLDERS: Readonly<Record<string, string>> = { sqs: "aws_sqs_queue", sns: "aws_sns_topic" };

const CI = { caseInsensitive: true } as const;

/** The policy resources that may be on a queue or topic: where `unseenPolicyTarget` looks for one in the stack. */
const POLICY_HOLDERS: Readonly<Record<string, { readonly type: string; readonly on: string; readonly noun: string }>> = {
  aws_sqs_queue: { type: "aws_sqs_queue_policy", on: "queue_url", noun: "queue" },
  aws_sns_topic: { type: "aws_sns_topic_policy", on: "arn", noun: "topic" },
};

/** A queue, stream, topic or bus a pipe or rule target writes on to: the writes it makes there, and where. */
export interface Destination {
  readonly grants: readonly string[];
  readonly pattern: string;
  readonly target?: TfResource;
  readonly text: string;
  readonly verb: string;
}

/** What a pipe's target is, when it is a queue, stream, topic or bus it writes on to. */
function pipeDestination(stack: TfStack, pipe: TfResource): Destination | undefined {
  return destinationOf(stack, pipe.values["target"], pipe);
}

/**
 * What a target ARN `v` (a pipe's or a rule target's, made in `at`) writes to, when it is a queue, stream, topic or
 * a bus whose rules the stack holds; undefined for anything else (a function, compute, a bus blastwall cannot see).
 */
export function destinationOf(stack: TfStack, v: unknown, at: TfResource): Destination | undefined {
  const queue = oneReferenced(stack, v, ["aws_sqs_queue"]);
  if (queue) return { grants: SEND, pattern: `arn:*:sqs:*:*:${nameOf(stack, queue, "name", "name_prefix")}`, target: queue, text: queue.address, verb: "sends it as a message to" };
  const stream = oneReferenced(stack, v, ["aws_kinesis_stream"]);
  if (stream) return { grants: PUT_RECORD, pattern: `arn:*:kinesis:*:*:stream/${nameOf(stack, stream, "name")}`, target: stream, text: stream.address, verb: "puts it as a record on" };
  const topic = oneReferenced(stack, v, ["aws_sns_topic"]);
  if (topic) return { grants: ["sns:Publish"], pattern: `arn:*:sns:*:*:${nameOf(stack, topic, "name", "name_prefix")}`, target: topic, text: topic.address, verb: "publishes it to" };
  const bus = busTarget(stack, v, at);
  if (bus) return bus.outside === undefined ? { grants: ["events:PutEvents"], pattern: bus.pattern, target: bus.bus, text: bus.text, verb: "puts it as an event (source `Pipe NAME`, detail the caller's) on" } : undefined;
  if (typeof v !== "string") return undefined;
  // A queue, stream or topic written as an ARN: what reads it is judged by that ARN, as a route names it.
  const arn = resolveToPattern(stack, v).pattern;
  const service = arn.startsWith("arn:") ? arn.split(":")[2] : undefined;
  if (service === "sqs") return { grants: SEND, pattern: arn, text: arn, verb: "sends it as a message to" };
  if (service === "kinesis" && !/\/consumer\//.test(arn)) return { grants: PUT_RECORD, pattern: arn, text: arn, verb: "puts it as a record on" };
  if (service === "sns") return { grants: ["sns:Publish"], pattern: arn, text: arn, verb: "publishes it to" };
  return undefined;
}

/** Running pipes whose target is a queue, stream, topic or bus, passing it what their source gets. */
function pipeForwarders(stack: TfStack): Forwarder[] {
  const out: Forwarder[] = [];
  for (const pipe of stack.byType.get("aws_pipes_pipe") ?? []) {
    if (!pipePassesPayload(stack, pipe)) continue;
    const to = pipeDestination(stack, pipe);
    if (!to) continue;
    for (const s of pipeSources(stack, pipe)) {
      if (s.actions.length === 0) continue;
      if (s.target && s.target === to.target) continue;
      out.push({
        via: pipe,
        from: { actions: s.actions, pattern: s.pattern, target: s.target, types: s.types },
        verb: s.verb,
        grants: to.grants,
        to: { pattern: to.pattern, target: to.target, text: to.text },
        how: `${pipe.address} reads it and ${to.verb} ${to.text}, under the pipe's role`,
        close: `give ${pipe.address} a target input_template that takes nothing from what it reads, or point it elsewhere`,
      });
    }
  }
  return out;
}

/**
 * Archives whose events a replay (events:StartReplay on the archive) puts again on their bus (engine/reach/replays.ts):
 * a put of events there, read as PutEvents on it. An archive whose event_pattern keeps some events apart is also one
 * a caller holding events:UpdateArchive on it widens first: its replay then keeps every event (`Relay.replayAll`).
 */
function replayForwarders(stack: TfStack): Forwarder[] {
  const out: Forwarder[] = [];
  for (const { archive, pattern, to } of archiveReplays(stack)) {
    const from = { actions: [START_REPLAY], pattern, target: archive, types: ARCHIVES };
    const how = `EventBridge puts them again on ${to.text}, as they were first put (a replay-name field added), where its rules (those the replay names, or all) send them to their targets`;
    const close = `delete ${archive.address} if nothing needs its events replayed, or add "replay-name": [{"exists": false}] to the event pattern of every rule of ${to.text} whose targets must not run twice`;
    out.push({ via: archive, from, replay: { archive, all: false, held: `${START_REPLAY} on ${archive.address}` }, verb: `replay the events ${archive.address} archived`, grants: ["events:PutEvents"], to, how, close });
    if (!keepsApart(stack, archive)) continue;
    out.push({
      via: archive,
      from,
      also: [{ actions: [UPDATE_ARCHIVE], pattern, target: archive, types: ARCHIVES }],
      replay: { archive, all: true, held: `${START_REPLAY} and ${UPDATE_ARCHIVE} on ${archive.address}` },
      verb: `widen the event pattern of ${archive.address} (in the stack it keeps only some of the events put on ${to.text}, but events:UpdateArchive replaces it) and replay what it archives from then on`,
      grants: ["events:PutEvents"],
      to,
      how,
      close: `scope events:UpdateArchive to archives other than ${archive.address} (a pattern narrowed in an earlier apply still leaves the events archived under the old one replayable), or ${close}`,
    });
  }
  return out;
}

/**
 * An archive a caller makes (events:CreateArchive, on the archive's name and on the bus) of a bus whose rules the stack
 * holds, then replays (events:StartReplay on that archive): it has no event pattern, so it keeps every event put on the
 * bus from then on, which its replay puts there again (engine/reach/replays.ts). One per bus the stack's rules are on.
 */
function createdForwarders(stack: TfStack): Forwarder[] {
  const out: Forwarder[] = [];
  const seen = new Set<string>();
  for (const t of stack.byType.get("aws_cloudwatch_event_target") ?? []) {
    const rule = oneReferenced(stack, t.values["rule"], RULES);
    const bus = sourceBus(stack, t, rule);
    const key = bus.target?.address ?? bus.pattern;
    if (seen.has(key)) continue;
    seen.add(key);
    const created = archivesOf(bus.pattern);
    out.push({
      via: t,
      from: { actions: [START_REPLAY], pattern: created, types: ARCHIVES },
      also: [
        { actions: [CREATE_ARCHIVE], pattern: created, types: ARCHIVES },
        { actions: [CREATE_ARCHIVE], pattern: bus.pattern, target: bus.target, types: BUSES },
      ],
      replay: { all: true, held: `${START_REPLAY} and ${CREATE_ARCHIVE} on an archive of ${bus.text} it creates`, sameArchive: true },
      verb: createVerb(bus.text),
      grants: ["events:PutEvents"],
      to: bus,
      how: `EventBridge puts them again on ${bus.text}, as they were first put (a replay-name field added), where its rules (those the replay names, or all) send them to their targets`,
      close: `scope events:CreateArchive to event buses whose rules send nothing on (not ${bus.pattern}), or add "replay-name": [{"exists": false}] to the event pattern of every rule of ${bus.text} whose targets must not run twice`,
    });
  }
  return out;
}

/** Every forwarder of the stack, in the order they were read: what a write to one place is written on to. */
export function allForwarders(stack: TfStack): readonly Forwarder[] {
  return [...new Set([...forwarders(stack).values()].flat())];
}

/**
 * The grants of `action` the stack's forwarders give `p`: one per forwarder it can fire with a grant `held` gives it
 * (its own, a resource policy's, or one relayed already: a chain of forwards), on the forwarder's destination.
 */
export function forwardedGrants(stack: TfStack, p: PrincipalNode, action: string, held: (action: string) => readonly Grant[]): RelayedGrant[] {
  const fs = forwarders(stack).get(action.toLowerCase());
  if (!fs) return [];
  const out: RelayedGrant[] = [];
  let denies: readonly Statement[] | undefined;
  for (const f of fs) {
    const fire = (admits: (g: Grant) => boolean): Grant[] => {
      const fires: Grant[] = [];
      for (const a of f.from.actions) {
        const gs = held(a);
        if (gs.length === 0) continue;
        const using = grantsUsing(stack, f.from, gs).filter(admits);
        if (using.length === 0) continue;
        // The caller's own Deny of the first write refuses what it writes itself; a service's delivery is refused at its own fire.
        const denied = deniedOnAll(stack, (denies ??= ownDenies(p)), a, [{ pattern: f.from.pattern, target: f.from.target, suffix: f.from.target ? "" : undefined }]);
        for (const g of using) if (!denied || isRelayed(g)) fires.push(g);
      }
      // Its own grant first: the shortest chain to name.
      return fires.sort((x, y) => Number(isRelayed(x)) - Number(isRelayed(y)));
    };
    const sources = f.sources;
    // A replay the rule, as it is written, certainly sees none of the events of does not fire it (a rewrite may).
    const seen = (g: Grant) => !replayMisses(stack, g, f.rule);
    let fires = sources?.length === 0 ? [] : fire((g) => (sources === undefined || putsSource(g, sources)) && seen(g));
    // Only AWS services' events a replay put again match the rule: it sends them on all the same.
    const replayed = fires.length === 0 && f.replayed ? f.replayed : undefined;
    if (replayed) fires = fire((g) => putsAwsEvents(g) && seen(g));
    let rewrite: Rewrite | undefined;
    if (fires.length === 0 && f.rewritable) {
      rewrite = rewriteOf(stack, p, f.rewritable.t, held, (denies ??= ownDenies(p)));
      if (rewrite) fires = fire(() => true);
    }
    if (fires.length === 0) continue;
    // Every more right it asks (widen the archive, or make one), held and not refused by a Deny of the caller's own.
    const more = (f.also ?? []).map((n) => n.actions.flatMap((a) => (deniedOnAll(stack, (denies ??= ownDenies(p)), a, [{ pattern: n.pattern, target: n.target, suffix: n.target ? "" : undefined }]) ? [] : grantsUsing(stack, n, held(a)))));
    if (more.some((gs) => gs.length === 0)) continue;
    if (f.replay?.sameArchive) {
      // The archive it makes is one it replays only where a StartReplay grant covers the name a CreateArchive grant makes.
      const pattern = f.from.pattern;
      fires = fires.filter((g) => namesOneArchive(stack, [g], more[0], pattern));
      if (fires.length === 0) continue;
      more[0] = more[0].filter((x) => namesOneArchive(stack, fires, [x], pattern));
    }
    const also = more.flat();
    // A replay's events go on AWS services' among them; so does what a rule that may match them forwards to a bus.
    const awsEvents = f.replay !== undefined || (f.keepsAwsEvents === true && f.replayed !== undefined && fires.some(putsAwsEvents));
    const aws = awsEvents ? { awsEvents: true } : {};
    if (replayed && !rewrite) {
      const first = fires[0] as RelayedGrant;
      const fix = (who: string) => `${first.relay.fix(who)}, or ${replayed.close}`;
      out.push({ action, statement: first.statement, resources: [f.to.pattern], conditional: true, relay: { text: `${first.relay.text}; and ${replayed.how}`, fix, fires, forwarded: { on: f.to.target }, ...aws } });
      continue;
    }
    const first = fires[0];
    const all = [...fires, ...also];
    const on = [...new Set(all.filter((g) => !isRelayed(g)).flatMap((g) => g.resources))].slice(0, 3).join(", ");
    const acts = [...new Set(all.map((g) => g.action))].join(", ");
    const by = `${acts} on ${on}, through ${[...new Set(all.map((g) => where(g.statement)))].slice(0, 2).join(", ")}`;
    if (rewrite) {
      // The rewritten rule forwards every event put on its bus, the caller's own or relayed there.
      const r = rewrite;
      const close = f.rewritable!.close;
      const text = isRelayed(first)
        ? `${first.relay.text}; and it can ${rewriteRelayText(r, f.rewritable!.busText, undefined, f.sources)}; and ${f.how}`
        : `: it can ${rewriteRelayText(r, f.rewritable!.busText, by, f.sources)}, and ${f.how}`;
      const fix = (who: string) => (isRelayed(first) ? `${first.relay.fix(who)}, or ${rewriteRelayFix(r, who, f.rewritable!.busText)}, or ${close}` : `${rewriteRelayFix(r, who, on)}, or ${close}`);
      out.push({ action, statement: first.statement, resources: [f.to.pattern], conditional: true, relay: { text, fix, fires: [...fires, ...r.grants], forwarded: { on: f.to.target }, ...aws } });
      continue;
    }
    const text = isRelayed(first) ? `${first.relay.text}; and ${f.how}` : `: it can ${f.verb} (${by}), and ${f.how}`;
    const fix = (who: string) => (isRelayed(first) ? `${first.relay.fix(who)}, or ${f.close}` : `take ${acts} on ${on} away from ${who}, or ${f.close}`);
    // A replay is asked on the archive: the right the arrows name, where the caller holds no PutEvents.
    const replay = !isRelayed(first) && f.replay ? f.replay.held : undefined;
    // Which archive, for the rules on its bus that certainly see none of its events (invoke-relays.ts `replayMisses`).
    const replayOf = { ...(f.replay?.archive ? { replayOf: f.replay.archive } : {}), ...(f.replay?.all ? { replayAll: true } : {}) };
    out.push({ action, statement: first.statement, resources: [f.to.pattern], conditional: true, relay: { text, fix, fires: all, forwarded: { on: f.to.target }, ...(replay ? { held: replay } : {}), ...replayOf, ...aws } });
  }
  return out;
}
