/**
 * EventBridge archive replays (events:StartReplay). An archive keeps the events put on its source bus that its
 * event_pattern matches; StartReplay, asked on the archive's ARN (`arn:...:events:REGION:ACCOUNT:archive/NAME`), sends
 * them again to that same bus (the replay's Destination must be the archive's source bus), each with a `replay-name`
 * field, and the bus's rules (those the replay's FilterArns name, which the caller picks, or all of them) deliver them
 * to their targets as they did the first time. So StartReplay on an archive is a put of events on its bus: the caller
 * does not write their fields, but whoever could put them on the bus did, and the rules then acting on them is the
 * harm (a cleanup workflow run again on every event of a month).
 *
 * Read as a write forwarded for the caller (rules/forward-relays.ts): a grant of events:StartReplay on an archive of
 * the stack is a relayed events:PutEvents grant on its bus, which every route that reads PutEvents counts (compute,
 * functions, what a rule sends to a queue, topic, stream or another bus). Fail closed where the archive's bus cannot
 * be read: it may be any bus of the stack. An archive of a bus whose rules the stack does not hold (another account or
 * region) replays to rules blastwall cannot see either way, as PutEvents there would. A bus the stack only reads (the
 * usual `data "aws_cloudwatch_event_bus" "default"`) is one whose rules the stack may hold: they are read by its name,
 * as PutEvents there reads them (red-team round 162, F1).
 *
 * A rule on the bus the replay puts onto is not reached where it certainly sees none of the replayed events
 * (`replayMayMatch`): its pattern excludes them (`"replay-name": [{"exists": false}]`), or the archive's own
 * event_pattern keeps only events it cannot match. Past a forward to another bus neither is read (whether the
 * forwarded event keeps its `replay-name` is not modelled): such a rule counts as reached, as one written with a
 * template or a pattern blastwall cannot read does.
 *
 * The archive's pattern keeps events out only while nobody changes it (red-team round 169b, F3): a caller with
 * events:UpdateArchive on the archive widens it (UpdateArchive takes EventPattern), and what AWS services and writers
 * put on the bus from then on is archived and replayed (`widenedReplaysInto`); one with events:CreateArchive makes an
 * archive of the bus with no pattern at all, where the stack holds none or one apart from the rule
 * (`createdArchivePattern`), or of a bus whose rules forward on to the rule's (`createdReplaysInto`). Either way the
 * rule's own replay-name exclusion still stands: only a caller that may put the rule again removes it
 * (`patternMayShunReplays`). The same two rights reach a rule whose target is a queue, topic, stream or bus
 * (rules/forward-relays.ts: a replay relay that keeps every event, `Relay.replayAll`). The archive a caller creates is
 * asked by its own name, so its StartReplay grant must cover a name its CreateArchive grant makes (`namesOneArchive`).
 * The Service Authorization Reference also lists the destination bus and the replay's own ARN as resources StartReplay
 * requires; how EventBridge asks them is not documented, so a grant on the archive alone is read as enough (wide).
 */
import type { Grant } from "../analysis-types";
import type { TfResource, TfStack } from "../terraform/types";
import { globsIntersect, hasWildcard } from "../iam/glob";
import { referencedResource, resolveToPattern } from "../terraform/tokens";
import { writtenReferences } from "./resource-index";
import { busTarget, forgeable, nameOf, passesEvent } from "./compute-targets";
import { ruleOfTarget } from "./rule-rewrites";

export const START_REPLAY = "events:StartReplay";
/** Replaces an archive's EventPattern (and its description, retention and key): its ARN is the resource asked. */
export const UPDATE_ARCHIVE = "events:UpdateArchive";
/**
 * Makes an archive of a bus. The Service Authorization Reference lists two resources it is asked on, both required:
 * the new archive's ARN (`arn:...:events:REGION:ACCOUNT:archive/NAME`, the name the caller's choice) and the bus it
 * archives (EventSourceArn); EventBridge defines no condition key that limits its EventPattern.
 */
export const CREATE_ARCHIVE = "events:CreateArchive";
export const ARCHIVES = ["aws_cloudwatch_event_archive"];

/** Where an archive of the stack replays to, as a forwarder writes it (forward-relays.ts `Forwarder`). */
export interface ArchiveReplay {
  readonly archive: TfResource;
  /** The archive's ARN pattern, where StartReplay is asked. */
  readonly pattern: string;
  /** The bus it replays onto: its ARN pattern, the bus when the stack makes it, how messages name it. */
  readonly to: { readonly pattern: string; readonly target?: TfResource; readonly text: string };
}

const cache = new WeakMap<TfStack, readonly ArchiveReplay[]>();

/** Every archive of the stack whose events replay onto a bus whose rules the stack may hold: read once per stack. */
export function archiveReplays(stack: TfStack): readonly ArchiveReplay[] {
  let out = cache.get(stack);
  if (!out) cache.set(stack, (out = readReplays(stack)));
  return out;
}

/** A rule of the stack that forwards what reaches its bus to another bus of the stack, on a replay's way. */
export interface ReplayHop {
  readonly rule: TfResource;
  readonly t: TfResource;
  /** How messages name the bus it forwards to. */
  readonly to: string;
}

/** An archive whose replayed events reach a bus: onto it, or forwarded there by rules of the stack (`hops`). */
export interface ReplayReach {
  readonly replay: ArchiveReplay;
  readonly hops: readonly ReplayHop[];
  /**
   * Whether a hop matches only AWS services' events: PutEvents on the archived bus, which the replay is read as
   * (rules/forward-relays.ts), is never forwarded there, so only the replay's own route reaches what is behind it.
   */
  readonly awsOnlyHop: boolean;
}

/** A bus as a replay reaches it: its ARN pattern, and the bus when the stack makes it. */
interface Reached {
  readonly pattern: string;
  readonly target?: TfResource;
}

const onBus = (at: Reached, busPattern: string, bus?: TfResource): boolean =>
  at.target && bus ? at.target === bus : globsIntersect(at.pattern, busPattern, { caseInsensitive: true });

/**
 * Forwards a replay is followed through (a loop ends sooner: `seen`). Each step copies the way so far, and an archive
 * made of any bus is followed from every bus with a forward (`createdReaches`): the bound keeps a long chain from
 * costing its length cubed. Where a forward goes on past it, the replay counts as reaching rules blastwall did not
 * follow it to (`replayCutoffs`, `createdCutoffs`): compute that may run as any role (red-team round 176: a replay
 * forwarded through 9 buses was dropped).
 */
export const MAX_HOPS = 8;

type Reach = { readonly replay: ArchiveReplay; readonly at: Reached; readonly hops: readonly ReplayHop[]; readonly awsOnlyHop: boolean };
type Reaches = { readonly list: readonly Reach[]; readonly cut: readonly Reach[] };
const reachCache = new WeakMap<TfStack, Reaches>();
const widenedCache = new WeakMap<TfStack, Reaches>();

/** A rule of the stack that forwards what it matches to another bus whose rules the stack holds. */
interface Forward {
  readonly t: TfResource;
  readonly rule: TfResource;
  readonly on: ReturnType<typeof ruleOfTarget>;
  readonly to: NonNullable<ReturnType<typeof busTarget>>;
}

const forwardCache = new WeakMap<TfStack, { plain?: readonly Forward[]; widened?: readonly Forward[] }>();

/**
 * The stack's forwards a replay may go through, read once per stack: `widened` (an archive keeping every event, its
 * pattern widened or one the caller made), any rule with a pattern; else a rule that may match AWS services' events.
 */
function forwardsOf(stack: TfStack, widened: boolean): readonly Forward[] {
  let byKind = forwardCache.get(stack);
  if (!byKind) forwardCache.set(stack, (byKind = {}));
  const had = widened ? byKind.widened : byKind.plain;
  if (had) return had;
  const forwards: Forward[] = [];
  for (const t of stack.byType.get("aws_cloudwatch_event_target") ?? []) {
    if (!passesEvent(stack, t)) continue;
    const to = busTarget(stack, t.values["arn"], t);
    // A bus whose rules the stack does not hold: computeOf reads it as compute that may run as any role.
    if (!to || to.outside !== undefined) continue;
    const on = ruleOfTarget(stack, t);
    // Widened, a rule of custom sources the archive's pattern kept apart forwards what it gets too: no PutEvents
    // relay reads that (forward-relays.ts stops where the replay misses the forwarding rule).
    if (!on.rule || (widened ? patternOf(stack, on.rule) === null : !mayMatchAwsEvents(stack, on.rule))) continue;
    forwards.push({ t, rule: on.rule, on, to });
  }
  if (widened) byKind.widened = forwards;
  else byKind.plain = forwards;
  return forwards;
}

/**
 * Every bus each archive's replayed events reach: its own, and those the stack's rules forward them to, hop after hop
 * (red-team round 162, F2). A replay puts again what the archive kept, AWS services' events among them (the default
 * bus's, most often archived, forwarded to a central bus is a common layout), so a forwarding rule that may match an
 * AWS event is followed whatever PutEvents could put. A rule matching only custom sources forwards none of them: what
 * it forwards of a replay is read as PutEvents there (forward-relays.ts).
 */
function replayReaches(stack: TfStack, widened = false): Reaches {
  const cached = widened ? widenedCache : reachCache;
  let out = cached.get(stack);
  if (out) return out;
  const forwards = forwardsOf(stack, widened);
  const list: Reach[] = [];
  const cut: Reach[] = [];
  for (const replay of archiveReplays(stack)) {
    const first = { replay, at: { pattern: replay.to.pattern, target: replay.to.target }, hops: [] as readonly ReplayHop[], awsOnlyHop: false };
    const seen = new Set<string>([`${first.at.target?.address ?? first.at.pattern}|false`]);
    const todo = [first];
    while (todo.length > 0) {
      const x = todo.shift()!;
      list.push(x);
      const last = x.hops.length >= MAX_HOPS;
      for (const f of forwards) {
        if (!onBus(x.at, f.on.busPattern, f.on.bus) || (x.at.target && x.at.target === f.to.bus)) continue;
        // On the replay's own bus, a forwarding rule that certainly sees none of its events forwards none.
        if (x.hops.length === 0 && !replayMayMatch(stack, widened ? undefined : replay.archive, f.rule)) continue;
        const awsOnlyHop = x.awsOnlyHop || !forgeable(stack, f.rule);
        const at = { pattern: f.to.pattern, target: f.to.bus };
        const key = `${at.target?.address ?? at.pattern}|${awsOnlyHop}`;
        if (seen.has(key)) continue;
        // Breadth first: a bus not seen by now is reached only past the bound, where the replay is not followed.
        if (last) {
          cut.push(x);
          break;
        }
        seen.add(key);
        todo.push({ replay, at, hops: [...x.hops, { rule: f.rule, t: f.t, to: f.to.text }], awsOnlyHop });
      }
    }
  }
  cached.set(stack, (out = { list, cut }));
  return out;
}

/** Where a replay's forwards go on past MAX_HOPS: the archive, and the way to the bus blastwall stopped at. */
export interface ReplayCutoff {
  readonly replay: ArchiveReplay;
  /** MAX_HOPS of them; the last names the bus whose rules forward the replay on unfollowed. */
  readonly hops: readonly ReplayHop[];
}

/**
 * The replays of the stack's archives blastwall stopped following (MAX_HOPS forwards, with another onward), each
 * archive once: as written (`widened` false), or once a caller widens its pattern (events:UpdateArchive), for an
 * archive whose pattern keeps events apart and whose replay as written is followed to its end.
 */
export function replayCutoffs(stack: TfStack, widened: boolean): readonly ReplayCutoff[] {
  const plain = replayReaches(stack).cut;
  const cut = widened ? replayReaches(stack, true).cut.filter((x) => keepsApart(stack, x.replay.archive) && !plain.some((p) => p.replay === x.replay)) : plain;
  const out = new Map<ArchiveReplay, ReplayCutoff>();
  for (const x of cut) if (!out.has(x.replay)) out.set(x.replay, { replay: x.replay, hops: x.hops });
  return [...out.values()];
}

/**
 * The archives whose replays reach a rule's bus (`busPattern`, and `bus` when the stack makes it), directly or
 * forwarded by the stack's rules: a rule matching only AWS services' events, which PutEvents cannot send, still gets
 * the ones an archive kept. Each archive once, by its shortest way; not directly where the rule certainly sees none
 * of its events (`replayMayMatch`).
 */
function replaysOnto(stack: TfStack, rule: TfResource, busPattern: string, bus?: TfResource, widened = false): readonly ReplayReach[] {
  const out = new Map<string, ReplayReach>();
  for (const x of replayReaches(stack, widened).list) {
    if (!onBus(x.at, busPattern, bus)) continue;
    if (x.hops.length === 0 && !replayMayMatch(stack, widened ? undefined : x.replay.archive, rule)) continue;
    // The shortest way first; one through a rule of AWS events only is kept apart (it is what PutEvents cannot reach).
    const key = `${x.replay.archive.address}|${x.awsOnlyHop}`;
    if (!out.has(key)) out.set(key, { replay: x.replay, hops: x.hops, awsOnlyHop: x.awsOnlyHop });
  }
  return [...out.values()];
}

/**
 * The replays whose events a rule (on the bus `on`) gets, where no PutEvents relay reads them: a rule of AWS events
 * only, or any rule that may match AWS events behind a hop of AWS events only. A rule with no pattern (a schedule)
 * gets none.
 */
export function replaysInto(stack: TfStack, rule: TfResource, busPattern: string, bus?: TfResource): readonly ReplayReach[] {
  if (!mayMatchAwsEvents(stack, rule)) return [];
  const aws = !forgeable(stack, rule);
  return replaysOnto(stack, rule, busPattern, bus).filter((r) => aws || r.awsOnlyHop);
}

/**
 * The replays of archives of the stack whose events a rule (on the bus `on`) gets only once the archive's
 * event_pattern is widened (events:UpdateArchive on the archive, with StartReplay): the archive's literal pattern
 * keeps the rule's events out as written, and nothing else does (the rule's replay-name exclusion still stands).
 * Onto the rule's bus, or forwarded there by the stack's rules the widened pattern lets the replay through.
 */
export function widenedReplaysInto(stack: TfStack, rule: TfResource, busPattern: string, bus?: TfResource): readonly ReplayReach[] {
  if (patternOf(stack, rule) === null) return [];
  // What reaches the rule with the archive as written is the plain replay's route (or the PutEvents relay's).
  const plain = new Set(replaysOnto(stack, rule, busPattern, bus).map((r) => r.replay.archive));
  return replaysOnto(stack, rule, busPattern, bus, true).filter((r) => !plain.has(r.replay.archive) && patternOf(stack, r.replay.archive) !== null);
}

/** A bus an archive the caller makes may be of, whose replay the stack's rules forward on to another bus. */
export interface CreatedReach {
  /** The bus the archive is made of and the replay puts onto: its ARN pattern, the bus when the stack makes it, how messages name it. */
  readonly from: { readonly pattern: string; readonly target?: TfResource; readonly text: string };
  /** The ARN pattern of the archive made: any of that bus's (`archivesOf`). */
  readonly created: string;
  /** The forwards on its way, at least one. */
  readonly hops: readonly ReplayHop[];
}

type CreatedReaches = { readonly list: readonly (CreatedReach & { readonly at: Reached })[]; readonly cut: readonly CreatedReach[] };
const createdCache = new WeakMap<TfStack, CreatedReaches>();

/**
 * Every bus an archive made of a bus the stack's rules forward from reaches, past one forward or more: such an archive
 * keeps every event put on its bus (it has no pattern), so each forwarding rule that has a pattern and does not
 * exclude replayed events sends its replay on, as for a widened archive (`replayReaches`). Read once per stack.
 */
function createdReaches(stack: TfStack): CreatedReaches {
  let out = createdCache.get(stack);
  if (out) return out;
  const forwards = forwardsOf(stack, true);
  const origins = new Map<string, CreatedReach["from"]>();
  for (const f of forwards) {
    const key = f.on.bus?.address ?? f.on.busPattern;
    if (!origins.has(key)) origins.set(key, { pattern: f.on.busPattern, target: f.on.bus, text: f.on.busText });
  }
  // Filed by the bus of the stack they read: every bus of the stack may be an origin, and each step asks only its own.
  const byBus = new Map<TfResource, Forward[]>();
  const loose: Forward[] = [];
  for (const f of forwards) {
    if (!f.on.bus) loose.push(f);
    else if (byBus.has(f.on.bus)) byBus.get(f.on.bus)!.push(f);
    else byBus.set(f.on.bus, [f]);
  }
  const from = (at: Reached): readonly Forward[] => (at.target ? [...(byBus.get(at.target) ?? []), ...loose] : forwards);
  const list: (CreatedReach & { at: Reached })[] = [];
  const cut: CreatedReach[] = [];
  for (const origin of origins.values()) {
    const created = archivesOf(origin.pattern);
    const seen = new Set<string>([origin.target?.address ?? origin.pattern]);
    const todo: { at: Reached; hops: readonly ReplayHop[] }[] = [{ at: { pattern: origin.pattern, target: origin.target }, hops: [] }];
    let stopped = false;
    while (todo.length > 0) {
      const x = todo.shift()!;
      if (x.hops.length > 0) list.push({ from: origin, created, hops: x.hops, at: x.at });
      const last = x.hops.length >= MAX_HOPS;
      for (const f of from(x.at)) {
        if (!onBus(x.at, f.on.busPattern, f.on.bus) || (x.at.target && x.at.target === f.to.bus)) continue;
        // On the archived bus a forwarding rule that excludes replayed events forwards none; past a forward that is not read.
        if (x.hops.length === 0 && !replayMayMatch(stack, undefined, f.rule)) continue;
        const at = { pattern: f.to.pattern, target: f.to.bus };
        const key = at.target?.address ?? at.pattern;
        if (seen.has(key)) continue;
        // Breadth first: a bus not seen by now is reached only past the bound (each origin's first such way, once).
        if (last) {
          if (!stopped) cut.push({ from: origin, created, hops: x.hops });
          stopped = true;
          break;
        }
        seen.add(key);
        todo.push({ at, hops: [...x.hops, { rule: f.rule, t: f.t, to: f.to.text }] });
      }
    }
  }
  createdCache.set(stack, (out = { list, cut }));
  return out;
}

/**
 * The buses an archive made by the caller may be of whose replay blastwall stopped following (MAX_HOPS forwards, with
 * another onward), each bus once, by the first way found.
 */
export function createdCutoffs(stack: TfStack): readonly CreatedReach[] {
  return createdReaches(stack).cut;
}

/**
 * The buses an archive made by the caller (events:CreateArchive on the bus, then StartReplay on the archive) may be of
 * whose replay the stack's rules forward on to a rule (on the bus `busPattern`, `bus` when the stack makes it): each
 * bus once, by its shortest way. None for a schedule. An archive of the rule's own bus is `createdArchivePattern`'s.
 */
export function createdReplaysInto(stack: TfStack, rule: TfResource, busPattern: string, bus?: TfResource): readonly CreatedReach[] {
  if (patternOf(stack, rule) === null) return [];
  const out = new Map<string, CreatedReach>();
  for (const x of createdReaches(stack).list) {
    if (!onBus(x.at, busPattern, bus)) continue;
    // The rule's own bus again, past a loop of forwards: the route without them is shorter.
    if (onBus({ pattern: x.from.pattern, target: x.from.target }, busPattern, bus) && createdArchivePattern(stack, rule, busPattern) !== undefined) continue;
    const key = x.from.target?.address ?? x.from.pattern;
    if (!out.has(key)) out.set(key, { from: x.from, created: x.created, hops: x.hops });
  }
  return [...out.values()];
}

/**
 * The archive ARN pattern a caller creating an archive of the rule's bus asks events:CreateArchive and StartReplay on
 * (the archive is in the bus's account and region, its name the caller's), when a replay of an archive with no
 * pattern may reach the rule: it has an event pattern that does not exclude replayed events. Undefined otherwise (a
 * schedule, a replay-name exclusion).
 */
export function createdArchivePattern(stack: TfStack, rule: TfResource, busPattern: string): string | undefined {
  if (!replayMayMatch(stack, undefined, rule)) return undefined;
  return archivesOf(busPattern);
}

/** The ARN pattern of any archive of a bus (`busPattern`): in the bus's account and region, of any name. */
export function archivesOf(busPattern: string): string {
  const m = /^(arn:[^:]*:events:[^:]*:[^:]*:)event-bus\//.exec(busPattern);
  return `${m?.[1] ?? "arn:*:events:*:*:"}archive/*`;
}

/**
 * Whether grants of events:StartReplay (`replays`) and of events:CreateArchive (`creates`) may be on one archive of
 * `created` (`archivesOf` a bus): the archive a caller creates is asked by its own name, and it replays that one only
 * where a StartReplay grant covers that name too. A StartReplay limited to `archive/a` and a CreateArchive limited to
 * `archive/b` make an archive the caller cannot replay. False only where no resource pattern of one meets one of the
 * other (certain); patterns that meet pairwise count, even where the three together may not (fail closed).
 */
export function namesOneArchive(stack: TfStack, replays: readonly Grant[], creates: readonly Grant[], created: string): boolean {
  // An entry written as a reference to a bus (`${aws_cloudwatch_event_bus.b.arn}`, which may read as `*` before apply)
  // names that bus, never an archive.
  const on = (g: Grant) => g.resources.filter((r) => globsIntersect(r, created, CI) && !writtenReferences(g, r, (w) => referencedResource(stack, w, BUS_TYPES)));
  const made = creates.flatMap(on);
  return replays.some((g) => on(g).some((r) => made.some((m) => globsIntersect(r, m, CI))));
}

const BUS_TYPES = ["aws_cloudwatch_event_bus"];

/** A grant of each list that may name one archive of `created` (`namesOneArchive`), the first such pair; undefined for none. */
export function archivePair(stack: TfStack, replays: readonly Grant[], creates: readonly Grant[], created: string): [Grant, Grant] | undefined {
  for (const r of replays) {
    const c = creates.find((x) => namesOneArchive(stack, [r], [x], created));
    if (c) return [r, c];
  }
  return undefined;
}

const CI = { caseInsensitive: true } as const;

/** Whether an archive of the stack keeps events apart by its own literal event_pattern: a caller that widens it changes what it replays. */
export function keepsApart(stack: TfStack, archive: TfResource): boolean {
  const a = patternOf(stack, archive);
  return a !== null && a !== undefined;
}

/**
 * Whether a replay of `archive` may put an event that `rule`, on the bus the replay puts onto, matches: false only
 * where that is certain from literal patterns. A replayed event carries a `replay-name` field, so a rule whose pattern
 * asks for its absence (every alternative `{"exists": false}`) matches none; and it is an event the archive's
 * event_pattern matched, so where both patterns list literal values of one field of the event's envelope (a single
 * value per event, unlike `resources` or a field of `detail`, which may be lists) and share none, none matches both.
 * A pattern with `$or`, a template, or one that does not parse is read as matching it (fail closed). `archive`
 * undefined: one keeping every event (a caller widened its pattern, or created it).
 */
export function replayMayMatch(stack: TfStack, archive: TfResource | undefined, rule: TfResource): boolean {
  const r = patternOf(stack, rule);
  if (r === undefined) return true;
  if (r === null) return false;
  if (shunsReplays(r)) return false;
  const a = archive && patternOf(stack, archive);
  // No pattern on the archive: it keeps every event put on its bus.
  if (!a) return true;
  return !ENVELOPE_FIELDS.some((k) => {
    const x = literals(a[k]);
    const y = literals(r[k]);
    return x !== undefined && y !== undefined && !x.some((v) => y.includes(v));
  });
}

/**
 * Whether the rule's pattern, as written, may be what keeps some replay out of it (`replayMayMatch`): it excludes
 * replayed events, or the stack holds an archive whose own pattern may keep events apart from it. A caller who may put
 * the rule (events:PutRule keeps its ARN and targets) writes that out again, then replays: the exclusion is no limit
 * for it, and the routes that need both rights are made for such rules (compute-targets.ts, invoke-routes.ts).
 */
export function patternMayShunReplays(stack: TfStack, rule: TfResource): boolean {
  const r = patternOf(stack, rule);
  if (!r) return false;
  return shunsReplays(r) || (stack.byType.get("aws_cloudwatch_event_archive") ?? []).some((a) => patternOf(stack, a) !== null);
}

/** Fields of an event's envelope whose value is one string: a pattern matching it lists the values it may be. */
const ENVELOPE_FIELDS = ["source", "detail-type", "account", "region"];

type EventPattern = Record<string, unknown>;

// Asked per archive and rule, for every principal holding a replay: a pattern is parsed once per resource.
const patterns = new WeakMap<TfResource, EventPattern | null | undefined>();

/**
 * A resource's `event_pattern` as a literal object with no `$or`: null when it has none (a schedule rule, an archive
 * keeping every event), undefined when blastwall cannot be certain what it is.
 */
function patternOf(stack: TfStack, res: TfResource): EventPattern | null | undefined {
  if (patterns.has(res)) return patterns.get(res);
  const out = readPattern(stack, res.values["event_pattern"]);
  patterns.set(res, out);
  return out;
}

function readPattern(stack: TfStack, written: unknown): EventPattern | null | undefined {
  if (written === undefined || written === null || written === "") return null;
  if (typeof written !== "string") return undefined;
  const text = resolveToPattern(stack, written);
  if (!text.exact) return undefined;
  try {
    const parsed: unknown = JSON.parse(text.pattern);
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed) || "$or" in parsed) return undefined;
    return parsed as EventPattern;
  } catch {
    return undefined;
  }
}

/** `"replay-name": [{"exists": false}]`: every alternative the pattern lists for the field asks it to be absent. */
function shunsReplays(p: EventPattern): boolean {
  const v = p["replay-name"];
  return Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === "object" && x !== null && !Array.isArray(x) && Object.keys(x).length === 1 && (x as { exists?: unknown }).exists === false);
}

/** The values a pattern lists for a field when every one is a literal string; undefined otherwise (absent, a matcher). */
function literals(v: unknown): readonly string[] | undefined {
  return Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === "string") ? (v as string[]) : undefined;
}

/** `R forwards them through T to B, where `: the hops of a replay's way, for a route's text after `, where `. */
export function hopsText(hops: readonly ReplayHop[]): string {
  return hops.map((h) => `${h.rule.address} (which may match AWS services' events) forwards them through ${h.t.address} to ${h.to}, where `).join("");
}

/**
 * Whether a rule may match an event of an AWS service: it has a pattern, and its `source` is not a list of custom
 * sources only. One blastwall cannot read may (fail closed).
 */
export function mayMatchAwsEvents(stack: TfStack, rule: TfResource): boolean {
  let out = awsMatching.get(rule);
  if (out === undefined) awsMatching.set(rule, (out = readsAwsEvents(stack, rule)));
  return out;
}

// Asked per principal and rule target (invoke-relays.ts firesOf): the pattern is parsed once per rule.
const awsMatching = new WeakMap<TfResource, boolean>();

function readsAwsEvents(stack: TfStack, rule: TfResource): boolean {
  const written = rule.values["event_pattern"];
  if (written === undefined || written === null || written === "") return false;
  if (typeof written !== "string") return true;
  const text = resolveToPattern(stack, written);
  if (!text.exact) return true;
  try {
    const source = (JSON.parse(text.pattern) as { source?: unknown }).source;
    return !(Array.isArray(source) && source.length > 0 && source.every((x) => typeof x === "string" && !x.toLowerCase().startsWith("aws.")));
  } catch {
    return true;
  }
}

function readReplays(stack: TfStack): ArchiveReplay[] {
  const out: ArchiveReplay[] = [];
  for (const archive of stack.byType.get(ARCHIVES[0]) ?? []) {
    if (archive.mode !== "managed") continue;
    const pattern = `arn:*:events:*:*:archive/${nameOf(stack, archive, "name")}`;
    const bus = busTarget(stack, archive.values["event_source_arn"], archive);
    const unread = !bus || (bus.outside !== undefined && hasWildcard(bus.pattern.split("/").slice(1).join("/")));
    if (unread) {
      // No bus it can read: any bus of the stack, the default one among them.
      out.push({ archive, pattern, to: { pattern: "arn:*:events:*:*:event-bus/*", text: `any event bus (blastwall cannot read which bus ${archive.address} archives: event_source_arn)` } });
      continue;
    }
    if (bus.outside !== undefined && !bus.readFrom) continue;
    // A bus read from a data source is no resource of the stack's: its rules are matched by name, not by reference.
    out.push({ archive, pattern, to: { pattern: bus.pattern, target: bus.bus, text: bus.text } });
  }
  return out;
}
