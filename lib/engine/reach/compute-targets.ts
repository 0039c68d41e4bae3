/**
 * Routes into compute other than Lambda functions (red-team round 152, F1 and F6): what a principal writes (an event on
 * a bus, an object to a bucket that sends its events to EventBridge, a message or record on a pipe's source) starts a
 * state machine, an ECS task, a CodeBuild build, a Batch job, a pipeline or SSM Automation with that payload as its
 * input. Starting such compute directly (states:StartExecution, ecs:RunTask, codebuild:StartBuild...) is a hijack edge
 * (compute.ts HIJACK_TARGETS); the route is as good, so edges-routes.ts adds the same edge, to the same role, with the
 * hop that wires it in its text. Functions are left to rules/invoke-routes.ts, which judges invoking them.
 *
 * Read from the wiring in the stack. A target blastwall cannot read (an ARN it cannot resolve, a service it does not
 * model as compute or delivery) counts as compute that may run as any role. A target given a constant input (`input`,
 * an input template that takes nothing from the event) passes the writer's payload to nobody: no route.
 */
import type { TfResource, TfStack } from "../terraform/types";
import { globsIntersect } from "../iam/glob";
import { attributePattern, exactPattern, resolveToPattern } from "../terraform/tokens";
import { HIJACK_TARGETS } from "./compute";
import { resourceAccount, resourceRegion } from "../terraform/providers";
import { oneReferenced, referencedIn } from "../terraform/referenced";
import { PUT_RULE, rewriteVerb, ruleOfTarget } from "./rule-rewrites";
import { ARCHIVES, CREATE_ARCHIVE, createdArchivePattern, createdCutoffs, createdReplaysInto, hopsText, MAX_HOPS, patternMayShunReplays, replayCutoffs, type ReplayHop, replaysInto, START_REPLAY, UPDATE_ARCHIVE, widenedReplaysInto } from "./replays";
import { brokerSource, KAFKA_WRITE, MQ, MQ_WHY, MSK, mskSources, type ReaderAuth, SELF_MANAGED_WHY, type WriteSource } from "./broker-sources";

/** The compute a route ends in, as a hijack target reads its role. */
export interface RouteCompute {
  /** The state machine, task definition, project...; undefined when the route names none blastwall can read. */
  readonly res?: TfResource;
  /** How messages name it: its address, or what the route points at. */
  readonly text: string;
  /** How the payload reaches it: `as its execution input`. */
  readonly input: string;
  /** Where it says its role (HIJACK_TARGETS), when `res` is set. */
  readonly roleAttribute?: string;
  readonly viaInstanceProfile?: boolean;
  readonly runsAsRoleAnyway?: boolean;
}

export interface ComputeRoute {
  /** The resource that wires the route (the rule target, the bucket notification, the pipe). */
  readonly via: TfResource;
  /** Any one of these on `pattern` uses the route. */
  readonly actions: readonly string[];
  /** The ARN pattern of what the writer acts on (a bus, a queue, a bucket's objects). */
  readonly pattern: string;
  /** What the writer acts on, when the stack makes it: a grant written as a reference to it names it alone. */
  readonly target?: TfResource;
  /** The types a reference in a grant names `target` by. */
  readonly types: readonly string[];
  /** `put events on the default event bus`. */
  readonly verb: string;
  /** `, which aws_cloudwatch_event_rule.r sends through aws_cloudwatch_event_target.t to`. */
  readonly how: string;
  readonly computes: readonly RouteCompute[];
  /** A source whose writers IAM does not decide (a broker's users): the route is every principal's, with no right. */
  readonly open?: { readonly text: string; readonly fix: string };
  /** More rights the route asks, every one of them (rewrite a rule, then put an event it matches): one of its actions on its pattern. */
  readonly also?: readonly RouteNeed[];
  /**
   * The rule an event put on the bus must match, as it is written: a replay it certainly sees none of the events of
   * does not use the route (rules/invoke-relays.ts `replayMisses`).
   */
  readonly rule?: TfResource;
  /**
   * The route's grant (events:StartReplay) and that of `also[0]` (events:CreateArchive on the archive) must be able to
   * name one archive: the caller replays the archive it made only where its StartReplay covers that name
   * (replays.ts `namesOneArchive`).
   */
  readonly sameArchive?: boolean;
}

/** One more right a compute route asks, named as the route names its own. */
export interface RouteNeed {
  readonly actions: readonly string[];
  readonly pattern: string;
  readonly target?: TfResource;
  readonly types: readonly string[];
}

const QUEUES = ["aws_sqs_queue"];
const STREAMS = ["aws_kinesis_stream"];
const TABLES = ["aws_dynamodb_table"];
const BUSES = ["aws_cloudwatch_event_bus"];
const RULES = ["aws_cloudwatch_event_rule"];

/** The writes that put a payload of the writer's on a queue, a stream, or a table's stream. */
export const SEND = ["sqs:SendMessage"];
export const PUT_RECORD = ["kinesis:PutRecord", "kinesis:PutRecords"];
// A delete writes a stream record too, but of the old item: the writes are where the caller picks the payload.
export const TABLE_WRITES = ["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:BatchWriteItem", "dynamodb:PartiQLInsert", "dynamodb:PartiQLUpdate"];

/** Every action a compute route asks, so the action universe tracks them. */
export const COMPUTE_ROUTE_ACTIONS = ["events:PutEvents", PUT_RULE, UPDATE_ARCHIVE, CREATE_ARCHIVE, "s3:PutObject", ...SEND, ...PUT_RECORD, ...TABLE_WRITES, ...KAFKA_WRITE] as const;

/**
 * The compute kinds a target may name, by the service of its ARN and the types a reference to it names: where the
 * resource that holds the role is (the target itself, or the task or job definition a block of the target names), and
 * how the payload reaches it. Their role is read as HIJACK_TARGETS reads the same type's.
 */
interface Kind {
  readonly service: string;
  /** Types a reference in the target ARN names a target of this kind by. */
  readonly refTypes: readonly string[];
  /** The type that holds the role. */
  readonly type: string;
  /** Where a rule target or pipe names that resource, when it is not the target ARN: block paths to an ARN value. */
  readonly definedAt?: readonly (readonly string[])[];
  readonly input: string;
}

const KINDS: readonly Kind[] = [
  { service: "states", refTypes: ["aws_sfn_state_machine", "aws_sfn_alias"], type: "aws_sfn_state_machine", input: "as its execution input" },
  // The target input is applied as RunTask's overrides (`containerOverrides` with a command of the writer's).
  { service: "ecs", refTypes: ["aws_ecs_cluster"], type: "aws_ecs_task_definition", definedAt: [["ecs_target", "task_definition_arn"], ["target_parameters", "ecs_task_parameters", "task_definition_arn"]], input: "as the task's overrides (a container's command among them)" },
  // The target input is the StartBuild request: `buildspecOverride` runs the writer's commands.
  { service: "codebuild", refTypes: ["aws_codebuild_project"], type: "aws_codebuild_project", input: "as its StartBuild request (a buildspecOverride among it)" },
  { service: "batch", refTypes: ["aws_batch_job_queue"], type: "aws_batch_job_definition", definedAt: [["batch_target", "job_definition"], ["target_parameters", "batch_job_parameters", "job_definition"]], input: "as the job's parameters" },
  { service: "codepipeline", refTypes: ["aws_codepipeline"], type: "aws_codepipeline", input: "as a start of its execution" },
  { service: "sagemaker", refTypes: ["aws_sagemaker_pipeline"], type: "aws_sagemaker_pipeline", input: "as its pipeline parameters" },
];

/**
 * Targets that deliver the payload on as data, not to compute of their own: a queue, topic, stream, log group, bus or
 * HTTP destination. Lambda is invoke-routes.ts's. What they feed is judged where it is read (a queue's mapping).
 */
const DELIVERY_SERVICES = new Set(["lambda", "sqs", "sns", "kinesis", "firehose", "logs", "events"]);
const DELIVERY_TYPES = /^aws_(lambda_|sqs_|sns_|kinesis_|cloudwatch_log_group|cloudwatch_event_bus|cloudwatch_event_api_destination)/;

const cache = new WeakMap<TfStack, ComputeRoute[]>();

/** Every compute route of the stack, read once per stack. */
export function computeRoutes(stack: TfStack): readonly ComputeRoute[] {
  let out = cache.get(stack);
  if (!out) cache.set(stack, (out = [...ruleTargetRoutes(stack), ...replayCutoffRoutes(stack), ...bucketEventRoutes(stack), ...pipeRoutes(stack)]));
  return out;
}


const unset = (v: unknown): boolean => v === undefined || v === null || v === "";

function patternOf(stack: TfStack, v: unknown): string {
  if (typeof v !== "string" || v === "") return "*";
  return resolveToPattern(stack, v).pattern;
}

/** The name a resource gives itself in the first of `attrs` it sets, as an ARN pattern; a `*_prefix` attribute ends in `*`. */
export function nameOf(stack: TfStack, res: TfResource, ...attrs: string[]): string {
  for (const a of attrs) {
    if (unset(res.values[a])) continue;
    const p = attributePattern(stack, res, a).pattern;
    return a.endsWith("prefix") ? `${p}*` : p;
  }
  return "*";
}

function blocks(v: unknown): Record<string, unknown>[] {
  if (Array.isArray(v)) return v.filter((b): b is Record<string, unknown> => typeof b === "object" && b !== null);
  return typeof v === "object" && v !== null ? [v as Record<string, unknown>] : [];
}

/** The value at a path of nested blocks (the first block of each); undefined when any is missing. */
function at(values: Record<string, unknown>, path: readonly string[]): unknown {
  let v: unknown = values;
  for (const k of path) {
    const b = blocks(v)[0];
    if (!b) return undefined;
    v = b[k];
  }
  return v;
}

/**
 * Whether an input template takes nothing from the event: EventBridge's `input_transformer` and a pipe's
 * `input_template` fill only `<...>` placeholders. One that cannot be read counts as taking the event.
 */
function constantTemplate(stack: TfStack, template: unknown): boolean {
  const text = exactPattern(stack, template);
  return text !== undefined && !/<[^<>]*>/.test(text);
}

/** Whether a rule target hands its target the event (or part of it): not with a constant input or input template. */
export function passesEvent(stack: TfStack, t: TfResource): boolean {
  if (!unset(t.values["input"])) return false;
  const transformer = blocks(t.values["input_transformer"])[0];
  return !(transformer && constantTemplate(stack, transformer["input_template"]));
}

/**
 * What a target ARN (a rule's or a pipe's) starts: the compute it runs, or none for a function or a delivery of data;
 * `holder` is where the blocks naming a task or job definition are.
 */
export function computeOf(stack: TfStack, arn: unknown, holder: Record<string, unknown>, where?: TfResource): RouteCompute | undefined {
  const refs = referencedIn(stack, arn);
  // Another bus: its rules are followed as a relay of the write (rules/forward-relays.ts) when the stack holds them.
  const bus = busTarget(stack, arn, where);
  if (bus) return bus.outside === undefined ? undefined : { text: `${bus.text} (${bus.outside})`, input: "as an event on it, for rules blastwall cannot see" };
  const resolved = typeof arn === "string" ? resolveToPattern(stack, arn) : undefined;
  const service = resolved && resolved.pattern.startsWith("arn:") ? resolved.pattern.split(":")[2] : undefined;
  const kind = KINDS.find((k) => refs.some((r) => k.refTypes.includes(r.type)) || (service !== undefined && service === k.service));
  const text = refs[0]?.address ?? (typeof arn === "string" && arn !== "" ? arn : "a target blastwall cannot read");
  if (!kind) {
    if (refs.length > 0 ? refs.every((r) => DELIVERY_TYPES.test(r.type)) : service !== undefined && DELIVERY_SERVICES.has(service)) return undefined;
    // A service blastwall does not model (SSM Automation and Run Command, Redshift, API Gateway...) or an ARN it cannot
    // read: compute that may run as any role.
    return { text, input: "as its input" };
  }
  const hijack = HIJACK_TARGETS.find((h) => h.type === kind.type);
  const place = (res: TfResource | undefined): RouteCompute =>
    res && hijack
      ? { res, text: res.address, input: kind.input, roleAttribute: hijack.roleAttribute, viaInstanceProfile: hijack.viaInstanceProfile, runsAsRoleAnyway: hijack.runsAsRoleAnyway }
      : { text, input: kind.input };
  if (!kind.definedAt) {
    const direct = refs.find((r) => r.type === kind.type);
    if (direct) return place(direct);
    // A state machine alias, or an ARN written out: the one state machine, project or pipeline of that name.
    const via = refs.find((r) => r.type === "aws_sfn_alias");
    if (via) return place(stateMachineOfAlias(stack, via));
    return place(exactPattern(stack, arn) !== undefined ? byArn(stack, kind.type, exactPattern(stack, arn)!) : undefined);
  }
  const def = kind.definedAt.map((p) => at(holder, p)).find((v) => !unset(v));
  const named = oneReferenced(stack, def, [kind.type]);
  return place(named ?? (exactPattern(stack, def) !== undefined ? byArn(stack, kind.type, exactPattern(stack, def)!) : undefined));
}

/** An event bus a rule's or pipe's target names. */
export interface BusTarget {
  /** The bus of the stack it is; undefined for the default bus, or one outside the stack. */
  readonly bus?: TfResource;
  /** Its ARN pattern, as the routes write a bus's (`arn:*:events:*:*:event-bus/NAME`). */
  readonly pattern: string;
  readonly text: string;
  /** Why its rules are not the stack's to read, when they are not: the target is then compute that may run as any role. */
  readonly outside?: string;
  /**
   * The data source it is read from, when the stack reads it (`data.aws_cloudwatch_event_bus.default`): its rules may
   * be anywhere, but the stack's own rules on it are matched by `pattern` (its name) as any rule's bus is.
   */
  readonly readFrom?: TfResource;
}

/**
 * The event bus a target ARN names; undefined when it names none (a function, a queue, an API destination). Its
 * rules are the stack's only for a bus the stack makes, or the default bus, in the account and region the target is
 * made in: a bus of another account or region, one no bus of the stack is named as, one the stack only reads (its
 * rules may be anywhere), or a name blastwall cannot read, is a bus whose rules it cannot see (red-team round 155).
 */
export function busTarget(stack: TfStack, arn: unknown, at?: TfResource): BusTarget | undefined {
  const refs = referencedIn(stack, arn);
  const ref = refs.find((r) => BUSES.includes(r.type));
  if (ref) {
    const name = nameOf(stack, ref, "name");
    // A data source may name the bus by its ARN (another account's bus): that is its pattern.
    const pattern = name.startsWith("arn:") ? name : `arn:*:events:*:*:event-bus/${name}`;
    if (ref.mode === "data") return { pattern, text: ref.address, outside: "an event bus this stack reads but does not make, whose rules may be anywhere", readFrom: ref };
    return { bus: ref, pattern, text: ref.address };
  }
  // Written out, or built from parts (the account, the region): read as an ARN. Anything else (an API destination, a
  // value blastwall cannot read) is not a bus here; computeOf reads it.
  if (typeof arn !== "string") return undefined;
  const written = resolveToPattern(stack, arn).pattern;
  const m = /^arn:[^:]*:events:([^:]*):([^:]*):event-bus\/(.+)$/.exec(written);
  if (!m) return undefined;
  const [, region, account, name] = m;
  const text = arn;
  const ours = at ? resourceAccount(stack, at) : undefined;
  if (/^\d{12}$/.test(account) && ours !== undefined && account !== ours) return { pattern: written, text, outside: `an event bus of account ${account}, whose rules this stack does not hold` };
  if (/[*?]/.test(name)) return { pattern: written, text, outside: "an event bus whose name blastwall cannot read" };
  const hits = name === "default" ? [] : (stack.byType.get(BUSES[0]) ?? []).filter((b) => b.mode === "managed" && globsIntersect(nameOf(stack, b, "name"), name));
  if (name !== "default" && hits.length !== 1) return { pattern: written, text, outside: "an event bus no bus of this stack is named as, whose rules blastwall cannot see" };
  const bus = hits[0];
  const home = bus ? resourceRegion(stack, bus) : at ? resourceRegion(stack, at) : undefined;
  if (/^[a-z0-9-]+$/.test(region) && home !== undefined && region !== home) return { pattern: written, text, outside: `an event bus in region ${region}, whose rules this stack does not hold there` };
  return bus ? { bus, pattern: `arn:*:events:*:*:event-bus/${nameOf(stack, bus, "name")}`, text: bus.address } : { pattern: "arn:*:events:*:*:event-bus/default", text: "the default event bus" };
}

/** The state machine an alias routes to, when every version it names is of one machine of the stack. */
function stateMachineOfAlias(stack: TfStack, alias: TfResource): TfResource | undefined {
  const machines = new Set<TfResource>();
  for (const b of blocks(alias.values["routing_configuration"])) {
    for (const r of referencedIn(stack, b["state_machine_version_arn"])) if (r.type === "aws_sfn_state_machine") machines.add(r);
  }
  return machines.size === 1 ? [...machines][0] : undefined;
}

/** The one managed resource of a type whose ARN a literal ARN may be (its name known): undefined for none or several. */
function byArn(stack: TfStack, type: string, arn: string): TfResource | undefined {
  const hits = (stack.byType.get(type) ?? []).filter((r) => r.mode === "managed" && globsIntersect(attributePattern(stack, r, "arn").pattern, arn, { caseInsensitive: true }));
  return hits.length === 1 ? hits[0] : undefined;
}

/**
 * A rule whose pattern can match an event a writer puts: not a schedule, not one matching only `aws.` sources, which
 * PutEvents refuses, whether listed (`"aws.s3"`) or matched by prefix (`{"prefix": "aws."}`: every source it matches
 * starts so; red-team round 154).
 */
export function forgeable(stack: TfStack, rule: TfResource): boolean {
  if (unset(rule.values["event_pattern"])) return false;
  const text = exactPattern(stack, rule.values["event_pattern"]);
  if (text === undefined) return true;
  try {
    const source = (JSON.parse(text) as { source?: unknown }).source;
    return !(Array.isArray(source) && source.length > 0 && source.every(awsOnlySource));
  } catch {
    return true;
  }
}

/** A `source` pattern element that matches AWS services' sources only. */
export function awsOnlySource(x: unknown): boolean {
  if (typeof x === "string") return x.startsWith("aws.");
  if (typeof x !== "object" || x === null || Array.isArray(x)) return false;
  const keys = Object.keys(x);
  const prefix = (x as { prefix?: unknown }).prefix;
  return keys.length === 1 && typeof prefix === "string" && prefix.startsWith("aws.");
}

/** Rule targets that start compute with the event, and the rule they belong to. */
function eventTargets(stack: TfStack): { t: TfResource; rule?: TfResource; compute: RouteCompute }[] {
  const out: { t: TfResource; rule?: TfResource; compute: RouteCompute }[] = [];
  for (const t of stack.byType.get("aws_cloudwatch_event_target") ?? []) {
    if (!passesEvent(stack, t)) continue;
    const compute = computeOf(stack, t.values["arn"], t.values, t);
    if (!compute) continue;
    out.push({ t, rule: oneReferenced(stack, t.values["rule"], RULES), compute });
  }
  return out;
}

/**
 * An event a principal puts on a bus (events:PutEvents) that a rule there sends to compute. A rule whose pattern leaves
 * the caller's events out (a schedule, AWS services' sources only) is no limit for a caller that may also put the rule
 * (rule-rewrites.ts): events:PutRule on it, then an event on its bus, start its targets as a match would.
 */
function ruleTargetRoutes(stack: TfStack): ComputeRoute[] {
  const out: ComputeRoute[] = [];
  for (const { t, rule, compute } of eventTargets(stack)) {
    const on = ruleOfTarget(stack, t);
    const put = { actions: ["events:PutEvents"], pattern: on.busPattern, target: on.bus, types: BUSES };
    const rewritten = (r: TfResource): ComputeRoute => ({ via: t, actions: [PUT_RULE], pattern: on.arn, target: r, types: RULES, also: [put], verb: rewriteVerb(r, on.busText), how: `, which ${t.address} then sends to`, computes: [compute] });
    if (!rule || forgeable(stack, rule)) {
      out.push({ via: t, ...put, verb: `put events on ${on.busText}`, how: `, which ${rule?.address ?? "a rule"} sends through ${t.address} to`, computes: [compute], ...(rule ? { rule } : {}) });
      // A replay the rule's pattern keeps out (replay-name exclusion, an archive's pattern) gets in once the caller puts
      // the rule again: PutRule, then the replay (a PutEvents relayed by it), as for a rule of AWS events only below.
      if (rule && patternMayShunReplays(stack, rule)) out.push(rewritten(rule));
    } else out.push(rewritten(rule));
    // AWS services' events: PutEvents cannot send them, a replay of an archive that kept them can (replays.ts), onto
    // the rule's bus or forwarded there.
    if (!rule) continue;
    for (const { replay: r, hops } of replaysInto(stack, rule, on.busPattern, on.bus)) {
      out.push({ via: t, actions: [START_REPLAY], pattern: r.pattern, target: r.archive, types: ARCHIVES, verb: replayVerb(r.archive.address, r.to.text), how: `, where ${hopsText(hops)}${rule.address} (matching AWS services' events, which a replay puts again as they were) sends them through ${t.address} to`, computes: [compute] });
    }
    // An archive's pattern that keeps the rule's events out is no limit for a caller that may widen it, and none is
    // needed by one that may create an archive of the bus (red-team round 169b, F3): the replay's grade, both rights.
    for (const { replay: r, hops } of widenedReplaysInto(stack, rule, on.busPattern, on.bus)) {
      const update = { actions: [UPDATE_ARCHIVE], pattern: r.pattern, target: r.archive, types: ARCHIVES };
      out.push({ via: t, actions: [START_REPLAY], pattern: r.pattern, target: r.archive, types: ARCHIVES, also: [update], verb: widenVerb(r.archive.address, hops[0]?.rule.address ?? rule.address, r.to.text), how: `, where ${hopsText(hops)}${replaySends(stack, rule, t)}`, computes: [compute] });
    }
    const created = createdArchivePattern(stack, rule, on.busPattern);
    if (created) {
      const create = [
        { actions: [CREATE_ARCHIVE], pattern: created, types: ARCHIVES },
        { actions: [CREATE_ARCHIVE], pattern: on.busPattern, target: on.bus, types: BUSES },
      ];
      out.push({ via: t, actions: [START_REPLAY], pattern: created, types: ARCHIVES, also: create, sameArchive: true, verb: createVerb(on.busText), how: `, where ${replaySends(stack, rule, t)}`, computes: [compute] });
    }
    // An archive made of a bus whose rules forward on to the rule's: its replay goes the same way.
    for (const c of createdReplaysInto(stack, rule, on.busPattern, on.bus)) {
      const create = [
        { actions: [CREATE_ARCHIVE], pattern: c.created, types: ARCHIVES },
        { actions: [CREATE_ARCHIVE], pattern: c.from.pattern, target: c.from.target, types: BUSES },
      ];
      out.push({ via: t, actions: [START_REPLAY], pattern: c.created, types: ARCHIVES, also: create, sameArchive: true, verb: createVerb(c.from.text), how: `, where ${hopsText(c.hops)}${replaySends(stack, rule, t)}`, computes: [compute] });
    }
  }
  return out;
}

/**
 * Replays whose forwards go on past where blastwall stops following them (replays.ts MAX_HOPS): what the last bus's
 * rules send them on to may be any rule's target, so the route ends in compute that may run as any role. Asked as the
 * replay's own routes are: StartReplay on the archive, with UpdateArchive for one whose pattern kept them apart, or
 * CreateArchive on a bus for an archive the caller makes.
 */
function replayCutoffRoutes(stack: TfStack): ComputeRoute[] {
  const out: ComputeRoute[] = [];
  const beyond = (hops: readonly ReplayHop[]) => {
    const last = hops[hops.length - 1];
    return {
      via: last.t,
      how: `, where ${hopsText(hops)}blastwall stops following them, so they count as reaching`,
      computes: [
        {
          text: `what the rules of ${last.to} forward a replay on to (blastwall stops following a replay after ${MAX_HOPS} forwards: shorten the chain of forwarding rules, or have one of them exclude replayed events with "replay-name": [{"exists": false}])`,
          input: "as events blastwall did not follow",
        },
      ],
    };
  };
  for (const { replay: r, hops } of replayCutoffs(stack, false)) {
    out.push({ actions: [START_REPLAY], pattern: r.pattern, target: r.archive, types: ARCHIVES, verb: replayVerb(r.archive.address, r.to.text), ...beyond(hops) });
  }
  for (const { replay: r, hops } of replayCutoffs(stack, true)) {
    const update = { actions: [UPDATE_ARCHIVE], pattern: r.pattern, target: r.archive, types: ARCHIVES };
    out.push({ actions: [START_REPLAY], pattern: r.pattern, target: r.archive, types: ARCHIVES, also: [update], verb: widenVerb(r.archive.address, hops[0].rule.address, r.to.text), ...beyond(hops) });
  }
  for (const c of createdCutoffs(stack)) {
    const create = [
      { actions: [CREATE_ARCHIVE], pattern: c.created, types: ARCHIVES },
      { actions: [CREATE_ARCHIVE], pattern: c.from.pattern, target: c.from.target, types: BUSES },
    ];
    out.push({ actions: [START_REPLAY], pattern: c.created, types: ARCHIVES, also: create, sameArchive: true, verb: createVerb(c.from.text), ...beyond(c.hops) });
  }
  return out;
}

/**
 * What a caller of events:UpdateArchive and StartReplay does: `widen the event pattern of A (...) and replay what it
 * archives from then on onto B`. `kept`: the rule the archive's pattern keeps apart as written.
 */
export function widenVerb(archive: string, kept: string, busText: string): string {
  return `widen the event pattern of ${archive} (in the stack it keeps only events ${kept} cannot match, but events:UpdateArchive replaces it) and replay what it archives from then on onto ${busText}`;
}

/** What a caller of events:CreateArchive and StartReplay does: `create an archive of B with no event pattern and replay...`. */
export function createVerb(busText: string): string {
  return `create an archive of ${busText} with no event pattern (events:CreateArchive; it keeps every event put there from then on) and replay it onto ${busText}`;
}

/** How a rule sends on what a replay put on its bus: `R sends them through T to`, saying so for a rule of AWS events only. */
export function replaySends(stack: TfStack, rule: TfResource, t: TfResource): string {
  return forgeable(stack, rule) ? `${rule.address} sends them through ${t.address} to` : `${rule.address} (matching AWS services' events, which a replay puts again as they were) sends them through ${t.address} to`;
}

/** The rules a replay goes through to reach `rule`: their addresses, for a fix that adds the replay-name exclusion. */
export function replayRules(hops: readonly ReplayHop[], rule: TfResource): string {
  return [...hops.map((h) => h.rule.address), rule.address].join(" or ");
}

/** What a caller of events:StartReplay does: `replay the events aws_cloudwatch_event_archive.a archived onto B`. */
export function replayVerb(archive: string, busText: string): string {
  return `replay the events ${archive} archived onto ${busText}`;
}

/**
 * An object written to a bucket that sends its events to EventBridge (`eventbridge = true`) puts an event on the
 * default bus, the key the writer's; a rule there that can match it sends it to compute.
 */
function bucketEventRoutes(stack: TfStack): ComputeRoute[] {
  const notifications = (stack.byType.get("aws_s3_bucket_notification") ?? []).filter((n) => n.values["eventbridge"] === true || n.values["eventbridge"] === "true");
  if (notifications.length === 0) return [];
  const targets = eventTargets(stack).filter(({ t, rule }) => {
    const bus = t.values["event_bus_name"] ?? rule?.values["event_bus_name"];
    const name = unset(bus) ? "default" : exactPattern(stack, bus);
    if (name !== undefined && name !== "default" && !/:event-bus\/default$/.test(name)) return false;
    return !rule || !unset(rule.values["event_pattern"]);
  });
  const out: ComputeRoute[] = [];
  for (const n of notifications) {
    const bucket = oneReferenced(stack, n.values["bucket"], ["aws_s3_bucket"]);
    const name = bucket ? nameOf(stack, bucket, "bucket", "bucket_prefix") : patternOf(stack, n.values["bucket"]);
    const pattern = `arn:*:s3:::${name}/*`;
    const text = bucket?.address ?? `bucket ${name}`;
    for (const { t, rule, compute } of targets) {
      if (rule && !matchesBucketEvents(stack, rule, name)) continue;
      out.push({ via: n, target: bucket, types: [], actions: ["s3:PutObject"], pattern, verb: `write objects to ${text}`, how: `, whose events ${n.address} sends to EventBridge, where ${rule?.address ?? "a rule"} sends them through ${t.address} to`, computes: [compute] });
    }
  }
  return out;
}

/** Whether a rule's event pattern may match the events S3 sends to EventBridge for `bucket` (unreadable: it may). */
export function matchesBucketEvents(stack: TfStack, rule: TfResource, bucket: string): boolean {
  const text = exactPattern(stack, rule.values["event_pattern"]);
  if (text === undefined) return true;
  try {
    const p = JSON.parse(text) as { source?: unknown; detail?: { bucket?: { name?: unknown } } };
    const admits = (list: unknown, value: string) => !Array.isArray(list) || list.some((x) => typeof x !== "string" || globsIntersect(x, value));
    return admits(p.source, "aws.s3") && admits(p.detail?.bucket?.name, bucket);
  } catch {
    return true;
  }
}

/** Where a pipe reads from, as a writer reaches it: the actions, the ARN pattern, the resource and its types. */
export type PipeSource = WriteSource;

/**
 * The sources of a running pipe a principal can write to: a queue, a stream, a table's stream, a topic of an MSK
 * cluster with IAM authentication; one that cannot be read is any of them. An Amazon MQ broker, self-managed Kafka, or
 * an MSK cluster whose clients may sign in outside IAM is every principal's (`brokerSource`).
 */
export function pipeSources(stack: TfStack, pipe: TfResource): PipeSource[] {
  if (exactPattern(stack, pipe.values["desired_state"]) === "STOPPED") return [];
  const src = pipe.values["source"];
  const broker = oneReferenced(stack, src, MQ);
  const cluster = oneReferenced(stack, src, MSK);
  const written = typeof src === "string" ? resolveToPattern(stack, src).pattern : "";
  if (broker || /^arn:[^:]*:mq:/.test(written)) return [brokerSource(pipe, broker?.address ?? `the Amazon MQ broker ${written}`, MQ_WHY)];
  if (cluster || /^arn:[^:]*:kafka:/.test(written)) {
    const topic = exactPattern(stack, at(pipe.values, ["source_parameters", "managed_streaming_kafka_parameters", "topic_name"])) ?? "*";
    return mskSources(stack, pipe, cluster, written, [topic], pipeReaderAuth(pipe));
  }
  if (/^smk:\/\//.test(written) || blocks(at(pipe.values, ["source_parameters", "self_managed_kafka_parameters"])).length > 0)
    return [brokerSource(pipe, `the self-managed Kafka cluster ${written || "it reads"}`, SELF_MANAGED_WHY)];
  const queue = oneReferenced(stack, src, QUEUES);
  const stream = oneReferenced(stack, src, STREAMS);
  const table = oneReferenced(stack, src, TABLES);
  const of = (actions: readonly string[], types: readonly string[], target: TfResource | undefined, pattern: string, verb: string): PipeSource => ({ actions, pattern, target, types, text: target?.address ?? pattern, verb: `${verb} ${target?.address ?? pattern}` });
  if (queue) return [of(SEND, QUEUES, queue, `arn:*:sqs:*:*:${nameOf(stack, queue, "name", "name_prefix")}`, "send messages to")];
  if (stream) return [of(PUT_RECORD, STREAMS, stream, `arn:*:kinesis:*:*:stream/${nameOf(stack, stream, "name")}`, "put records on")];
  if (table) return [of(TABLE_WRITES, TABLES, table, `arn:*:dynamodb:*:*:table/${nameOf(stack, table, "name")}`, "write items to")];
  const arn = patternOf(stack, src);
  const service = arn.startsWith("arn:") ? arn.split(":")[2] : "*";
  if (service === "sqs") return [of(SEND, QUEUES, undefined, arn, "send messages to")];
  if (service === "kinesis") return [of(PUT_RECORD, STREAMS, undefined, arn.replace(/\/consumer\/.*$/, ""), "put records on")];
  if (service === "dynamodb") return [of(TABLE_WRITES, TABLES, undefined, arn.replace(/\/stream\/.*$/, ""), "write items to")];
  if (!/[*?]/.test(service)) return [];
  return [
    of(SEND, QUEUES, undefined, "arn:*:sqs:*:*:*", "send messages to"),
    of(PUT_RECORD, STREAMS, undefined, "arn:*:kinesis:*:*:stream/*", "put records on"),
    of(TABLE_WRITES, TABLES, undefined, "arn:*:dynamodb:*:*:table/*", "write items to"),
  ];
}

/**
 * How a pipe signs in to an MSK cluster when not with IAM: the credentials of its source parameters, a Secrets Manager
 * secret of SASL/SCRAM users or a client certificate (read as a mapping's source_access_configuration is). A pipe that
 * signs in so shows the cluster takes such clients, whatever the cluster's block says: their writers are outside IAM.
 */
function pipeReaderAuth(pipe: TfResource): ReaderAuth {
  const creds = blocks(at(pipe.values, ["source_parameters", "managed_streaming_kafka_parameters", "credentials"]))[0];
  const set = (k: string) => creds !== undefined && !unset(creds[k]);
  const said = ["sasl_scram_512_auth", "client_certificate_tls_auth"].filter(set);
  return { scram: set("sasl_scram_512_auth"), tls: set("client_certificate_tls_auth"), where: `${pipe.address} signs in so: source_parameters.managed_streaming_kafka_parameters.credentials ${said.join(", ")}` };
}

/** Whether a pipe's target gets the messages: not with an input template that takes nothing from them. */
export function pipePassesPayload(stack: TfStack, pipe: TfResource): boolean {
  const template = at(pipe.values, ["target_parameters", "input_template"]);
  return unset(template) || !constantTemplate(stack, template);
}

/**
 * A message or record written to a pipe's source runs its enrichment and its target with it (the pipe calls them as
 * its role): a state machine, task, build or job is started with the writer's payload. The enrichment always gets the
 * batch; the target gets it unless its input template is constant.
 */
function pipeRoutes(stack: TfStack): ComputeRoute[] {
  const out: ComputeRoute[] = [];
  for (const pipe of stack.byType.get("aws_pipes_pipe") ?? []) {
    const computes: RouteCompute[] = [];

    const enrichment = unset(pipe.values["enrichment"]) ? undefined : computeOf(stack, pipe.values["enrichment"], {});
    if (enrichment) computes.push(enrichment);
    const target = pipePassesPayload(stack, pipe) ? computeOf(stack, pipe.values["target"], pipe.values, pipe) : undefined;
    if (target) computes.push(target);
    const sources = pipeSources(stack, pipe);
    // From a source outside IAM, what a queue, stream, topic or bus it writes to feeds is not followed as a relay (that
    // needs a right to relay): it may feed any compute (fail closed).
    const onward = !unset(pipe.values["target"]) && pipePassesPayload(stack, pipe) && computes.length === 0 && targetFunctionless(stack, pipe.values["target"]);
    const open = sources.some((s) => s.open) && onward ? [{ text: `what ${typeof pipe.values["target"] === "string" ? pipe.values["target"] : "its target"} feeds`, input: "as what it writes there, which blastwall does not follow further from a source outside IAM" }] : [];
    if (computes.length === 0 && open.length === 0) continue;
    for (const s of sources) {
      const to = s.open && open.length > 0 ? open : computes;
      if (to.length > 0) out.push({ via: pipe, target: s.target, types: s.types, actions: s.actions, pattern: s.pattern, verb: s.verb, how: `, which ${pipe.address} reads and hands to`, computes: to, ...(s.open ? { open: s.open } : {}) });
    }
  }
  return out;
}

/** A pipe target that is no function (a queue, stream, topic or bus: data it writes on), by reference or by ARN. */
function targetFunctionless(stack: TfStack, arn: unknown): boolean {
  const refs = referencedIn(stack, arn);
  if (refs.length > 0) return !refs.some((r) => r.type.startsWith("aws_lambda_"));
  const p = typeof arn === "string" ? resolveToPattern(stack, arn).pattern : "*";
  return !/:lambda:/.test(p) && p !== "*";
}
