/**
 * Ways to make a function of the stack run with a payload the caller chooses, other than invoking it by name
 * (red-team round 85): a queue, stream or table stream an event source mapping feeds it (an Amazon MQ broker, Kafka or
 * a DocumentDB change stream it reads: broker-sources.ts, every caller's where its writers sign in outside IAM), a topic it subscribes to, a
 * bucket that notifies it, a bus whose rule targets it with the event as input, an EventBridge permission that lets any rule (the caller's own among them) target it,
 * a permission for another service (SNS, S3, CloudWatch Logs...) whose sources the caller can point at it and fire, an
 * API it backs, and a function URL that asks for no IAM auth at all. Each is read from the wiring in the stack; the
 * Lambda permission the service needs is not required, as it may be granted outside the stack. What cannot be
 * resolved is read wide: a function no reference names is every function of the stack, a source no reference names
 * is any queue, stream or table.
 */
import type { Grant } from "../engine/analysis-types";
import type { TfResource, TfStack } from "../engine/terraform/types";
import { globsIntersect } from "../engine/iam/glob";
import { grantIndicesOn, grantsOn } from "./grants-on";
import { writtenReferences } from "../engine/reach/resource-index";
import { attributePattern, exactPattern, hasInterpolation, parseReference, parseTemplate, resolveToPattern } from "../engine/terraform/tokens";
import type { DenyAsk } from "./invoke-denies";
import { invokingService, isRelayed, replayMisses, serviceNamespace } from "./invoke-relays";
import { frontDoorRoutes } from "./front-doors";
import type { Signer } from "../engine/reach/mcp-server-doors";
import { pipeRoutes, sourceRoute } from "./pipe-routes";
import { bedrockRoutes } from "./bedrock-routes";
import { configRuleRoutes } from "./config-rule-routes";
import { brokerSource, DOCDB, DOCDB_WHY, MQ, MQ_WHY, MSK, mskSources, namesOf, type ReaderAuth, SELF_MANAGED_WHY, type WriteSource } from "../engine/reach/broker-sources";
import { createVerb, forgeable, matchesBucketEvents, passesEvent, PUT_RECORD, replayRules, replaySends, replayVerb, SEND, TABLE_WRITES, widenVerb } from "../engine/reach/compute-targets";
import { ARCHIVES, CREATE_ARCHIVE, createdArchivePattern, createdReplaysInto, hopsText, patternMayShunReplays, replaysInto, START_REPLAY, UPDATE_ARCHIVE, widenedReplaysInto } from "../engine/reach/replays";
import { oneReferenced, referencedIn } from "../engine/terraform/referenced";
import { followReferences } from "../engine/agent-tags";
import { PUT_RULE, rewriteVerb, ruleOfTarget } from "../engine/reach/rule-rewrites";

/** The route's pattern, and the target's `arn` followed by `suffix` when the stack makes the target. */
function asks(pattern: string, target: TfResource | undefined, suffix = ""): DenyAsk[] {
  return [{ pattern, target, suffix: target ? suffix : undefined }];
}

export interface Route {
  /** The resource that wires the route (the mapping, subscription, notification, permission, integration, URL). */
  readonly via: TfResource;
  /** What the caller acts on (a queue, topic, bucket, rule, API), when the stack makes it. */
  readonly target?: TfResource;
  /** How the target is named in messages: its address, or the ARN pattern read. */
  readonly targetText: string;
  /** Any one of these on `pattern` uses the route; none: the route asks for no IAM right. */
  readonly actions: readonly string[];
  /** The ARN pattern of what the caller acts on. */
  readonly pattern: string;
  /** Other ARN patterns a right on which serves as well (an API's ID under `/apis/` or `/restapis/`). */
  readonly alternatives?: readonly string[];
  /** The resource types a grant written as a reference names `target` by. */
  readonly types: readonly string[];
  /**
   * A reference names `target` only where the ARN it makes is on `pattern` too: the action is authorised on a part of
   * the target alone (InvokeAgent on an agent's aliases, not on the agent's own ARN).
   */
  readonly referencesOnPattern?: boolean;
  readonly functions: readonly TfResource[];
  /** `send messages to aws_sqs_queue.q`: what the caller does, for messages. */
  readonly verb: string;
  /** `, which aws_lambda_event_source_mapping.m feeds to`: how that reaches the function. */
  readonly how: string;
  /** What a Deny of the caller's own must refuse every action on to close the route (invoke-denies.ts); none: it cannot. */
  readonly denyAsks: readonly DenyAsk[];
  /** The route is no resource of the stack but a right over every function (`via` is nominal): shown on the function. */
  readonly anyFunction?: boolean;
  /**
   * For a route that asks no IAM right (`actions` empty): how anyone uses it, and how to close it. `label` is why it is
   * open where that is not the absence of any auth (`an authorizer anyone passes`): the arrow says `LABEL on VIA`, not
   * `VIA (no auth)`.
   */
  readonly open?: { readonly text: string; readonly fix: string; readonly label?: string };
  /** More rights the route asks, every one of them (set a service up, then fire it): one of its actions on its pattern. */
  readonly also?: readonly Need[];
  /** The account the route's source must be in (the permission's `source_account`): a caller of another cannot use it. */
  readonly account?: string;
  /** How to close the route other than taking the rights away (pin the permission to one source). */
  readonly pin?: string;
  /**
   * A service blastwall does not model (invoke-relays.ts `serviceRights`): the route is used with any right of
   * namespace `ns` on one of `patterns`, not with `actions` (which only name it).
   */
  readonly serviceRights?: { readonly ns: string; readonly patterns: readonly string[] };
  /**
   * Rights other principals must hold for the route to work: the role an AgentCore gateway signs its call to the door
   * behind it with (engine/reach/mcp-server-doors.ts); a role blastwall cannot resolve counts as holding them.
   */
  readonly signers?: readonly Signer[];
  /**
   * The rule an event put on the bus must match to use the route, as it is written: a replay it certainly sees none of
   * the events of does not (invoke-relays.ts `replayMisses`).
   */
  readonly rule?: TfResource;
  /**
   * The route's grant (events:StartReplay) and that of `also[0]` (events:CreateArchive on the archive) must be able to
   * name one archive: the caller replays the archive it made only where its StartReplay covers that name
   * (engine/reach/replays.ts `namesOneArchive`).
   */
  readonly sameArchive?: boolean;
}

/** What a grant must be on to use a route (or one more right it asks). */
type RouteOn = Pick<Route, "target" | "types" | "pattern" | "alternatives" | "referencesOnPattern" | "rule">;

/** One more right a route asks, as a route names its own: any one of `actions` on `pattern`. */
export interface Need {
  readonly actions: readonly string[];
  readonly pattern: string;
  readonly alternatives?: readonly string[];
  readonly target?: TfResource;
  readonly types: readonly string[];
  readonly denyAsks: readonly DenyAsk[];
  /** How the fix names what it is on, apart from the route's target (`the default event bus`); unset: the fix names the route's target alone. */
  readonly text?: string;
}

const QUEUES = ["aws_sqs_queue"];
const STREAMS = ["aws_kinesis_stream"];
const TABLES = ["aws_dynamodb_table"];
const TOPICS = ["aws_sns_topic"];
const RULES = ["aws_cloudwatch_event_rule"];
const BUSES = ["aws_cloudwatch_event_bus"];
const APIS = ["aws_api_gateway_rest_api", "aws_apigatewayv2_api"];



const routeCache = new WeakMap<TfStack, Route[]>();

/** Every route of the stack, read once per stack. */
export function routesOf(stack: TfStack): readonly Route[] {
  let out = routeCache.get(stack);
  if (!out)
    routeCache.set(
      stack,
      (out = [
        ...mappingRoutes(stack),
        ...subscriptionRoutes(stack),
        ...notificationRoutes(stack),
        ...ruleRoutes(stack),
        ...bedrockRoutes(stack),
        ...servicePermissionRoutes(stack),
        ...eventRoutes(stack),
        ...apiRoutes(stack),
        ...urlRoutes(stack),
        ...logRoutes(stack),
        ...iotRoutes(stack),
        ...bucketEventRoutes(stack),
        ...destinationRoutes(stack),
        ...newMappingRoutes(stack),
        ...firehoseRoutes(stack),
        ...mailRoutes(stack),
        ...userPoolRoutes(stack),
        ...frontDoorRoutes(stack),
        ...pipeRoutes(stack),
        ...configRuleRoutes(stack),
      ]),
    );
  return out;
}

/** The routes of a stack filed by the right that uses them: an action, or (`serviceRights`) any right of a namespace. */
interface RouteIndex {
  readonly byAction: ReadonlyMap<string, readonly number[]>;
  readonly byNamespace: ReadonlyMap<string, readonly number[]>;
}

const routeIndexCache = new WeakMap<TfStack, RouteIndex>();

/**
 * The routes of the stack a caller holding rights `holds` and `holdsService` may use, in `routesOf`'s order: one
 * asking an IAM right needs a grant of one of its actions (of some right of its namespace, for a service blastwall
 * does not model) before anything else is asked. Every role of a stack of many functions holds none of most routes'
 * rights, and asking it every route made this principals × routes (red-team round 147, F2). Routes that ask no right
 * are not listed: they are every caller's (`invokeFindings` reads them apart).
 */
export function routesHeld(stack: TfStack, holds: (action: string) => boolean, holdsService: (ns: string) => boolean): Route[] {
  const routes = routesOf(stack);
  let ix = routeIndexCache.get(stack);
  if (!ix) {
    const byAction = new Map<string, number[]>();
    const byNamespace = new Map<string, number[]>();
    const file = (m: Map<string, number[]>, k: string, i: number) => {
      const l = m.get(k);
      if (!l) m.set(k, [i]);
      else if (l[l.length - 1] !== i) l.push(i);
    };
    routes.forEach((route, i) => {
      if (route.serviceRights) file(byNamespace, route.serviceRights.ns, i);
      else for (const a of route.actions) file(byAction, a, i);
    });
    routeIndexCache.set(stack, (ix = { byAction, byNamespace }));
  }
  const hit = new Set<number>();
  for (const [a, is] of ix.byAction) if (holds(a)) for (const i of is) hit.add(i);
  for (const [ns, is] of ix.byNamespace) if (holdsService(ns)) for (const i of is) hit.add(i);
  return [...hit].sort((a, b) => a - b).map((i) => routes[i]);
}

/** Whether a grant's resource pattern `r` names what the route's caller acts on (or what one more right it asks is on). */
export function grantUses(stack: TfStack, route: RouteOn, g: Grant, r: string): boolean {
  if (replayMisses(stack, g, route.rule)) return false;
  const fwd = forwardedTo(g);
  if (fwd) return route.target && fwd.on ? fwd.on === route.target : onPattern(r, route);
  if (route.target) {
    const named = writtenReferences(g, r, (w) => referenceIn(stack, w, route.types));
    if (named) return named.includes(route.target) && (!route.referencesOnPattern || onPattern(r, route));
  }
  return onPattern(r, route);
}

/** A list of grants filed by the resource of some types each of their resource patterns names by reference. */
interface FiledGrants {
  /** The grants (their places in the list) a pattern of which names the resource by reference. */
  readonly named: ReadonlyMap<TfResource, readonly number[]>;
  /** The patterns that name none by reference, with their grant's place: asked by pattern (`onPattern`). */
  readonly loose: readonly { readonly i: number; readonly r: string }[];
}

const filedCache = new WeakMap<readonly Grant[], Map<string, FiledGrants>>();

/**
 * The grants of `gs` that use the route (`grantUses` on one of their resource patterns), in their order. For a route
 * whose target the stack makes, the list is filed once by the resource each pattern names (red-team round 147, F2):
 * a caller holding a grant per queue (one through each queue's policy) asked each of them of every queue's route.
 */
export function grantsUsing(stack: TfStack, route: RouteOn, gs: readonly Grant[]): Grant[] {
  if (!route.target) return route.rule ? onPatterns(gs, route).filter((g) => !replayMisses(stack, g, route.rule)) : onPatterns(gs, route);
  // The filed list keeps no pattern per reference: the few routes that ask it are asked grant by grant.
  if (gs.length < 2 || route.referencesOnPattern) return gs.filter((g) => g.resources.some((r) => grantUses(stack, route, g, r)));
  let byTypes = filedCache.get(gs);
  if (!byTypes) filedCache.set(gs, (byTypes = new Map()));
  const key = route.types.join(" ");
  let filed = byTypes.get(key);
  if (!filed) {
    const named = new Map<TfResource, number[]>();
    const loose: { i: number; r: string }[] = [];
    gs.forEach((g, i) => {
      const fwd = forwardedTo(g);
      for (const r of g.resources) {
        const hits = fwd ? (fwd.on && route.types.includes(fwd.on.type) ? [fwd.on] : undefined) : writtenReferences(g, r, (w) => referenceIn(stack, w, route.types));
        if (!hits) loose.push({ i, r });
        else
          for (const res of hits) {
            const l = named.get(res);
            if (!l) named.set(res, [i]);
            else if (l[l.length - 1] !== i) l.push(i);
          }
      }
    });
    byTypes.set(key, (filed = { named, loose }));
  }
  const hit = new Set(filed.named.get(route.target) ?? []);
  for (const { i, r } of filed.loose) if (!hit.has(i) && onPattern(r, route)) hit.add(i);
  const out = [...hit].sort((a, b) => a - b).map((i) => gs[i]);
  return route.rule ? out.filter((g) => !replayMisses(stack, g, route.rule)) : out;
}

/**
 * The grants of `gs` with a pattern on the route's (or an alternative's), in their order: what `grantUses` answers for
 * a route whose target the stack does not make. Asked through an index (grants-on.ts): every forwarder reading the
 * default bus asked each of the caller's PutEvents grants, one per bus a rule forwards to (red-team round 157, F3).
 */
function onPatterns(gs: readonly Grant[], route: Pick<Route, "pattern" | "alternatives">): Grant[] {
  const patterns = [route.pattern, ...(route.alternatives ?? [])];
  if (patterns.length === 1) return [...grantsOn(gs, route.pattern)];
  const hit = new Set(patterns.flatMap((x) => grantIndicesOn(gs, x)));
  return [...hit].sort((a, b) => a - b).map((i) => gs[i]);
}

/** Where a write a rule or pipe forwards for the caller is (forward-relays.ts); undefined for any other grant. */
function forwardedTo(g: Grant): { readonly on?: TfResource } | undefined {
  return isRelayed(g) ? g.relay.forwarded : undefined;
}

/** Whether the resource pattern `r` may be what the route (or one more right it asks) is on, by pattern alone. */
export function onPattern(r: string, route: Pick<Route, "pattern" | "alternatives">): boolean {
  return [route.pattern, ...(route.alternatives ?? [])].some((x) => globsIntersect(r, x, { caseInsensitive: true }));
}

/** The one resource of `types` a written ARN is built on, with no wildcard written before it (`${aws_x.y.arn}/*`). */
/**
 * Parts of a resource whose ARN names the resource they belong to, for routes typed on the owner alone: a Bedrock
 * agent alias (`agent-alias/AGENT_ID/ALIAS_ID`) is of the agent its `agent_id` names. A right on another agent's alias
 * counted as one on any agent a Lambda permission admits (its pattern `agent-alias/*\/*` takes every alias); an alias
 * whose agent blastwall cannot tell is still read by pattern.
 */
const OWNED_BY: Readonly<Record<string, { readonly owner: string; readonly by: string }>> = {
  aws_bedrockagent_agent_alias: { owner: "aws_bedrockagent_agent", by: "agent_id" },
};

function ownerIn(stack: TfStack, res: TfResource, types: readonly string[]): TfResource | undefined {
  const o = OWNED_BY[res.type];
  return o && types.includes(o.owner) ? oneReferenced(stack, followReferences(stack, res.values[o.by]), [o.owner]) : undefined;
}

function referenceIn(stack: TfStack, written: string, types: readonly string[]): TfResource | undefined {
  let found: TfResource | undefined;
  let wildBefore = false;
  for (const p of parseTemplate(written)) {
    if (p.kind === "literal") {
      if (!found && /[*?]/.test(p.text)) wildBefore = true;
      continue;
    }
    const ref = parseReference(p.expr);
    const at = ref && (ref.kind === "resource" || ref.kind === "data") && !ref.splat ? stack.byAddress.get(ref.address) : undefined;
    const res = at && !types.includes(at.type) ? ownerIn(stack, at, types) : at;
    if (!res || !types.includes(res.type)) continue;
    if (found && found !== res) return undefined;
    found = res;
  }
  return found && !wildBefore ? found : undefined;
}

function allFunctions(stack: TfStack): TfResource[] {
  return [...(stack.byType.get("aws_lambda_function") ?? [])];
}

/**
 * The functions of the stack a function argument names: by a reference to the function or to an alias or version of
 * it (any attribute: `arn`, `invoke_arn`, `function_name`), or by a literal name, ARN or invoke ARN matching a
 * function's name. A value that names none of them that way (a variable, a module output) is every function.
 */
export function functionsOf(stack: TfStack, v: unknown, depth = 0): TfResource[] {
  const all = allFunctions(stack);
  if (typeof v !== "string" || v === "") return all;
  const out = new Set<TfResource>();
  for (const res of referencedIn(stack, v)) {
    if (res.type === "aws_lambda_function") out.add(res);
    else if ((res.type === "aws_lambda_alias" || res.type === "aws_lambda_function_version") && depth === 0) functionsOf(stack, res.values["function_name"], 1).forEach((f) => out.add(f));
  }
  if (out.size > 0) return [...out];
  const p = resolveToPattern(stack, v);
  if (!p.exact) return all;
  // An invoke ARN wraps the function's ARN: `arn:aws:apigateway:REGION:lambda:path/2015-03-31/functions/ARN/invocations`.
  const inner = /\/functions\/(arn:[^/]+)\/invocations$/.exec(p.pattern)?.[1] ?? p.pattern;
  const name = inner.startsWith("arn:") ? inner.split(":")[6] : /^\d{12}:function:([^:]+)/.exec(inner)?.[1] ?? inner.split(":")[0];
  if (!name) return all;
  return all.filter((f) => globsIntersect(attributePattern(stack, f, "function_name").pattern, name));
}



function nameOf(stack: TfStack, res: TfResource, ...attrs: string[]): string {
  for (const a of attrs) {
    if (res.values[a] === undefined || res.values[a] === null) continue;
    const p = attributePattern(stack, res, a).pattern;
    return a.endsWith("prefix") ? `${p}*` : p;
  }
  return "*";
}

/** An argument's value, `*` where it cannot be read exactly. */
function patternOf(stack: TfStack, v: unknown): string {
  if (typeof v !== "string" || v === "") return "*";
  return resolveToPattern(stack, v).pattern;
}

/** Nested blocks as written: a list of objects (HCL, JSON), or one object. */
function blocks(v: unknown): Record<string, unknown>[] {
  if (Array.isArray(v)) return v.filter((b): b is Record<string, unknown> => typeof b === "object" && b !== null);
  return typeof v === "object" && v !== null ? [v as Record<string, unknown>] : [];
}

function mappingRoutes(stack: TfStack): Route[] {
  const out: Route[] = [];
  for (const m of stack.byType.get("aws_lambda_event_source_mapping") ?? []) {
    const src = m.values["event_source_arn"];
    const functions = functionsOf(stack, m.values["function_name"]);
    const how = `, which ${m.address} feeds to`;
    const brokers = brokerMappingSources(stack, m);
    if (brokers) {
      for (const s of brokers) out.push(sourceRoute(m, s, functions, how));
      continue;
    }
    const queue = oneReferenced(stack, src, QUEUES);
    const stream = oneReferenced(stack, src, STREAMS);
    const table = oneReferenced(stack, src, TABLES);
    const queueRoute = (target: TfResource | undefined, pattern: string): Route => ({
      via: m,
      target,
      targetText: target?.address ?? pattern,
      actions: SEND,
      pattern,
      types: QUEUES,
      functions,
      verb: `send messages to ${target?.address ?? pattern}`,
      how,
      denyAsks: asks(pattern, target),
    });
    const streamRoute = (target: TfResource | undefined, pattern: string): Route => ({
      via: m,
      target,
      targetText: target?.address ?? pattern,
      actions: PUT_RECORD,
      pattern,
      types: STREAMS,
      functions,
      verb: `put records on ${target?.address ?? pattern}`,
      how,
      denyAsks: asks(pattern, target),
    });
    const tableRoute = (target: TfResource | undefined, pattern: string): Route => ({
      via: m,
      target,
      targetText: target?.address ?? pattern,
      actions: TABLE_WRITES,
      pattern,
      types: TABLES,
      functions,
      verb: `write items to ${target?.address ?? pattern} (its stream)`,
      how,
      denyAsks: asks(pattern, target),
    });
    if (queue) out.push(queueRoute(queue, `arn:*:sqs:*:*:${nameOf(stack, queue, "name", "name_prefix")}`));
    else if (stream) out.push(streamRoute(stream, `arn:*:kinesis:*:*:stream/${nameOf(stack, stream, "name")}`));
    else if (table) out.push(tableRoute(table, `arn:*:dynamodb:*:*:table/${nameOf(stack, table, "name")}`));
    else {
      const arn = patternOf(stack, src);
      const service = arn.startsWith("arn:") ? arn.split(":")[2] : "*";
      if (service === "sqs") out.push(queueRoute(undefined, arn));
      else if (service === "kinesis") out.push(streamRoute(undefined, arn.replace(/\/consumer\/.*$/, "")));
      else if (service === "dynamodb") out.push(tableRoute(undefined, arn.replace(/\/stream\/.*$/, "")));
      else if (/[*?]/.test(service)) {
        // A source that cannot be read may be any queue, stream or table.
        out.push(queueRoute(undefined, "arn:*:sqs:*:*:*"), streamRoute(undefined, "arn:*:kinesis:*:*:stream/*"), tableRoute(undefined, "arn:*:dynamodb:*:*:table/*"));
      }
    }
  }
  return out;
}

/**
 * The sources of a mapping whose writers a broker decides, not IAM (broker-sources.ts): an Amazon MQ broker,
 * self-managed Kafka (no event_source_arn), an MSK cluster (kafka-cluster:WriteData on its `topics` under IAM; every
 * principal's when its clients may sign in otherwise), a DocumentDB cluster's change stream. Undefined for any other
 * source (a queue, stream or table, read by `mappingRoutes`). An ARN that cannot be read is a broker's when the mapping
 * has what only a broker source takes (`queues`, `topics`, a DocumentDB or Kafka configuration).
 */
function brokerMappingSources(stack: TfStack, m: TfResource): WriteSource[] | undefined {
  const src = m.values["event_source_arn"];
  if (src === undefined || src === null || src === "") {
    const self = blocks(m.values["self_managed_event_source"])[0];
    if (!self) return [];
    const servers = exactPattern(stack, blocks(self["endpoints"])[0]?.["KAFKA_BOOTSTRAP_SERVERS"]);
    return [brokerSource(m, `the self-managed Kafka cluster ${servers ?? "it reads"}`, SELF_MANAGED_WHY)];
  }
  const written = patternOf(stack, src);
  const service = written.startsWith("arn:") ? written.split(":")[2] : "*";
  const broker = oneReferenced(stack, src, MQ);
  if (broker || service === "mq") return [brokerSource(m, broker?.address ?? `the Amazon MQ broker ${written}`, MQ_WHY)];
  const cluster = oneReferenced(stack, src, MSK);
  if (cluster || service === "kafka") return mskSources(stack, m, cluster, written, namesOf(stack, m.values["topics"]), readerAuth(stack, m));
  // A DocumentDB cluster's ARN is in the rds namespace; Lambda maps no other cluster of it.
  const docdb = oneReferenced(stack, src, DOCDB);
  if (docdb || service === "rds") return [brokerSource(m, docdb?.address ?? `the DocumentDB cluster ${written}`, DOCDB_WHY)];
  if (!/[*?]/.test(service) || referencedIn(stack, src).some((r) => [...QUEUES, ...STREAMS, ...TABLES].includes(r.type))) return undefined;
  const set = (k: string) => m.values[k] !== undefined && m.values[k] !== null;
  const raw = typeof src === "string" ? src : written;
  if (set("queues")) return [brokerSource(m, `the Amazon MQ broker ${raw}`, MQ_WHY)];
  if (set("topics") || set("amazon_managed_kafka_event_source_config") || set("self_managed_kafka_event_source_config"))
    return [brokerSource(m, `the Kafka cluster ${raw}`, "authentication blastwall cannot read (nor which cluster it is) may let clients in outside IAM")];
  if (set("document_db_event_source_config")) return [brokerSource(m, `the DocumentDB cluster ${raw}`, DOCDB_WHY)];
  return undefined;
}

/** How a mapping signs in to an MSK cluster when not with IAM (its source_access_configuration). */
function readerAuth(stack: TfStack, m: TfResource): ReaderAuth {
  const types = blocks(m.values["source_access_configuration"]).map((b) => exactPattern(stack, b["type"]));
  const scram = types.find((t) => t !== undefined && /^SASL_SCRAM_/.test(t));
  const tls = types.includes("CLIENT_CERTIFICATE_TLS_AUTH");
  const said = [scram, tls ? "CLIENT_CERTIFICATE_TLS_AUTH" : undefined].filter((t) => t !== undefined).join(", ");
  return { scram: scram !== undefined, tls, where: `${m.address} signs in so: source_access_configuration ${said}` };
}

function subscriptionRoutes(stack: TfStack): Route[] {
  const out: Route[] = [];
  for (const s of stack.byType.get("aws_sns_topic_subscription") ?? []) {
    const protocol = exactPattern(stack, s.values["protocol"]);
    if (protocol !== undefined && protocol.toLowerCase() !== "lambda") continue;
    const topic = oneReferenced(stack, s.values["topic_arn"], TOPICS);
    const pattern = topic ? `arn:*:sns:*:*:${nameOf(stack, topic, "name", "name_prefix")}` : patternOf(stack, s.values["topic_arn"]);
    const text = topic?.address ?? pattern;
    out.push({ via: s, target: topic, targetText: text, actions: ["sns:Publish"], pattern, types: TOPICS, functions: functionsOf(stack, s.values["endpoint"]), verb: `publish to ${text}`, how: `, which ${s.address} delivers to`, denyAsks: asks(pattern, topic) });
  }
  return out;
}

function notificationRoutes(stack: TfStack): Route[] {
  const out: Route[] = [];
  for (const n of stack.byType.get("aws_s3_bucket_notification") ?? []) {
    const bucket = oneReferenced(stack, n.values["bucket"], ["aws_s3_bucket"]);
    const name = bucket ? nameOf(stack, bucket, "bucket", "bucket_prefix") : patternOf(stack, n.values["bucket"]);
    for (const b of blocks(n.values["lambda_function"])) {
      const events = Array.isArray(b["events"]) ? b["events"].map((e) => exactPattern(stack, e) ?? "*") : ["*"];
      const actions = [
        ...(events.some((e) => globsIntersect(e, "s3:ObjectCreated:*")) ? ["s3:PutObject"] : []),
        ...(events.some((e) => globsIntersect(e, "s3:ObjectRemoved:*")) ? ["s3:DeleteObject", "s3:DeleteObjectVersion"] : []),
      ];
      if (actions.length === 0) continue;
      const prefix = b["filter_prefix"] === undefined ? "" : patternOf(stack, b["filter_prefix"]);
      const suffix = b["filter_suffix"] === undefined ? "" : patternOf(stack, b["filter_suffix"]);
      const pattern = `arn:*:s3:::${name}/${prefix}*${suffix}`;
      const text = bucket?.address ?? `bucket ${name}`;
      // A bucket's ARN is its name, known: the object pattern decides, not a reference to the bucket.
      out.push({ via: n, target: bucket, targetText: text, actions, pattern, types: [], functions: functionsOf(stack, b["lambda_function_arn"]), verb: `write objects to ${text}`, how: `, which ${n.address} notifies`, denyAsks: asks(pattern, bucket, `/${prefix}*${suffix}`) });
    }
  }
  return out;
}

/**
 * A Lambda permission for EventBridge lets every rule its `source_arn` matches (every rule of every account, with
 * none) invoke the function: a rule the caller makes or targets, with a constant input of its choosing, does. A rule
 * that already fires takes new targets, so events:PutTargets is enough (as compute.ts has it for roles). With neither
 * `source_arn` nor `source_account`, a rule of anyone's account may: open to anyone (`anyAccountRoute`).
 */
function ruleRoutes(stack: TfStack): Route[] {
  const out: Route[] = [];
  for (const p of stack.byType.get("aws_lambda_permission") ?? []) {
    const principal = exactPattern(stack, p.values["principal"]);
    if (principal !== undefined && !EVENTS_PRINCIPAL.test(principal) && principal !== "*") continue;
    const action = exactPattern(stack, p.values["action"]);
    if (action !== undefined && !globsIntersect(action, "lambda:InvokeFunction", { caseInsensitive: true })) continue;
    const src = p.values["source_arn"];
    const written = p.values["source_account"];
    // A rule of another account may target the function (EventBridge, cross-account delivery to Lambda): with neither
    // source_arn nor source_account, anyone's rule can (red-team round 146, L1).
    if (principal !== undefined && principal !== "*" && unset(src) && unset(written)) {
      out.push(anyAccountRoute(stack, p, principal, "an EventBridge rule"));
      continue;
    }
    const rule = oneReferenced(stack, src, RULES);
    const pattern = rule
      ? `arn:*:events:*:*:rule/${busPart(stack, rule)}${nameOf(stack, rule, "name", "name_prefix")}`
      : src === undefined || src === null
        ? "arn:*:events:*:*:rule/*"
        : patternOf(stack, src);
    if (!globsIntersect(pattern, "arn:*:events:*:*:rule/*")) continue;
    const text = rule?.address ?? (src === undefined || src === null ? "any EventBridge rule" : `rules matching ${pattern}`);
    // A rule of another account than the caller's cannot be the caller's own (as servicePermissionRoutes reads it).
    const account = accountOf(stack, p.values["source_account"], pattern);
    out.push({
      ...(account ? { account } : {}),
      via: p,
      target: rule,
      targetText: text,
      actions: ["events:PutTargets"],
      pattern,
      types: RULES,
      functions: functionsOf(stack, p.values["function_name"]),
      verb: `add targets with an input of its choosing to ${text}`,
      how: `, which ${p.address} lets invoke`,
      denyAsks: asks(pattern, rule),
    });
  }
  return out;
}

/** EventBridge's principal, in its global or a regional form. */
const EVENTS_PRINCIPAL = /^events(\.[a-z]{2}(-[a-z]+)+-\d)?\.amazonaws\.com(\.cn)?$/i;

/** The account a permission pins its source to: `source_account`, or the account of its source ARN pattern. */
function accountOf(stack: TfStack, written: unknown, source: string): string | undefined {
  const account = unset(written) ? undefined : exactPattern(stack, written);
  const inArn = source.split(":")[4];
  return account ?? (inArn !== undefined && /^\d{12}$/.test(inArn) ? inArn : undefined);
}

/**
 * A Lambda permission for another service that invokes functions (invoke-relays.ts, `INVOKING_SERVICES`): SNS, S3,
 * CloudWatch Logs, IoT, SES, Cognito, API Gateway, CloudWatch alarms. With a wildcard `source_arn`, or with only
 * `source_account`, it lets every source of that service it admits invoke the function, the caller's own among them:
 * a topic it subscribes the function to and publishes to, a bucket it points at the function and writes to. With
 * neither, a source of any AWS account may, for the services that invoke across accounts: open to anyone
 * (`anyAccountRoute`). An exact `source_arn` leaves the one source it names, which the caller may still change, but not
 * make anew: a new pool or API gets an ID of AWS's choosing (`onOne`). A `source_account` (or an account in
 * `source_arn`) other than the caller's closes the route for it.
 */
function servicePermissionRoutes(stack: TfStack): Route[] {
  const out: Route[] = [];
  for (const p of stack.byType.get("aws_lambda_permission") ?? []) {
    // A principal that cannot be read is everyone, a direct grant (resource-policies.ts `lambdaPermissionStatement`).
    const principal = exactPattern(stack, p.values["principal"]);
    const kind = principal === undefined ? undefined : invokingService(principal);
    const action = exactPattern(stack, p.values["action"]);
    if (action !== undefined && !globsIntersect(action, "lambda:InvokeFunction", { caseInsensitive: true })) continue;
    if (!kind) {
      const r = principal === undefined ? undefined : unmodelledRoute(stack, p, principal);
      if (r) out.push(r);
      continue;
    }
    const written = p.values["source_account"];
    const account = unset(written) ? undefined : exactPattern(stack, written);
    const src = p.values["source_arn"];
    // Neither source_arn nor source_account: a source of any AWS account may invoke (red-team round 146, L1). So may
    // one a literal source_arn leaves to any account: a wildcard in its account (`arn:aws:sns:*:*:ops-*`), or, for S3,
    // whose bucket ARNs name no account, a wildcard in the bucket's name (anyone may create `ops-x` in theirs).
    if (kind.otherAccounts && unset(written) && (unset(src) || (typeof src === "string" && !hasInterpolation(src) && anyAccountSource(src)))) {
      out.push(anyAccountRoute(stack, p, principal!, kind.noun));
      continue;
    }
    // An S3 bucket named exactly, with no source_account, that this stack does not hold: AWS documents that a bucket
    // may be deleted and its name taken by another account, whose bucket then invokes the function.
    if (unset(written) && typeof src === "string" && !hasInterpolation(src) && unheldBucket(stack, src)) {
      const bucket = src.slice(src.lastIndexOf(":") + 1);
      out.push(
        anyAccountRoute(stack, p, principal!, kind.noun,
          `through ${p.address}, a permission for ${principal} with a source_arn naming bucket ${bucket}, which this stack does not hold, and no source_account: ` +
            `S3 bucket ARNs carry no account, so if that bucket is not (or no longer) this account's, whoever owns a bucket of that name can make it invoke the function ` +
            `with content of their choosing, with no right in this one`),
      );
      continue;
    }
    const target = oneReferenced(stack, src, kind.types);
    const any = kind.arn(account ?? "*");
    const source = unset(src)
      ? any
      : target && kind.named && src === `\${${target.address}.arn}`
        ? kind.named(nameOf(stack, target, ...(kind.nameArgs ?? ["name", "name_prefix"])))
        : patternOf(stack, src);
    if (!globsIntersect(source, any, { caseInsensitive: true })) continue;
    const inArn = source.split(":")[4];
    const pinned = account ?? (inArn !== undefined && /^\d{12}$/.test(inArn) ? inArn : undefined);
    // One source that exists: a reference to one of the stack, or an exact ARN.
    const one = target !== undefined || (!unset(src) && !/[*?]/.test(source));
    const text = target?.address ?? (source === any ? `any ${kind.noun.replace(/^an? /, "")}${account ? ` of account ${account}` : ""}` : `${kind.noun} matching ${source}`);
    const reached = kind.part ? kind.part.of(text) : text;
    const needs: Need[] = kind.needs.map((n) => {
      const [pattern, ...alternatives] = [n.on(source, pinned ?? "*", target)].flat();
      const on = n.other ? undefined : target;
      // A Deny written on the source by reference is read as covering it only where the ARN asked is that reference's.
      const byRef = on && src === `\${${on.address}.arn}` && pattern.startsWith(source);
      const actions = one && n.onOne ? n.onOne : n.actions;
      // Else by pattern, in the partition the source of the stack sits in when there is one (red-team round 158, F5: a
      // Deny written `arn:aws:` was asked of any partition, and covered nothing).
      const byPattern = [pattern, ...alternatives].map((x): DenyAsk => ({ pattern: x, target: on, suffix: undefined }));
      return { actions, pattern, ...(alternatives.length > 0 ? { alternatives } : {}), target: on, types: on ? kind.types : [], denyAsks: byRef ? asks(pattern, on, pattern.slice(source.length)) : byPattern };
    });
    const [first, ...also] = needs;
    // A right written on a literal ID may be on the stack's source, whose ID AWS chose: the finding says so.
    const literalIds = !target || !kind.assignedId
      ? ""
      : kind.part
        ? ` (${target.address} gets its ID from AWS, which blastwall cannot read, so a right on any ${kind.part.name}, by literal ARN or by reference, counts as one on ${kind.part.of(target.address)})`
        : ` (${target.address} gets its ID from AWS, which blastwall cannot read, so a right on ${kind.noun} named by a literal ID counts as one on it)`;
    out.push({
      via: p,
      target: first.target,
      targetText: reached,
      actions: first.actions,
      pattern: first.pattern,
      ...(first.alternatives ? { alternatives: first.alternatives } : {}),
      types: first.types,
      ...(kind.referencesOnPattern ? { referencesOnPattern: true } : {}),
      functions: functionsOf(stack, p.values["function_name"]),
      verb: kind.part ? `invoke ${reached}` : `set up ${text} to invoke a function`,
      how: `${literalIds}: ${kind.how}; ${p.address} lets ${principal} invoke`,
      denyAsks: first.denyAsks,
      ...(also.length > 0 ? { also } : {}),
      ...(pinned ? { account: pinned } : {}),
      pin: kind.part
        ? kind.part.closes(p.address, target)
        : target
          ? `point source_arn on ${p.address} at a source the caller cannot set up${literalIds ? `, or write the caller's rights with a reference to the ${kind.noun.replace(/^an? /, "")} they are meant for (\${${target.type}.NAME.id}) so blastwall can tell it from ${target.address}` : ""}`
          : `set source_arn on ${p.address} to the exact ARN of the one source meant to invoke it (with source_account), one the caller cannot set up`,
    });
  }
  return out;
}

/**
 * A permission for a service principal with neither `source_arn` nor `source_account`, of a service whose sources in
 * another AWS account can invoke the function (a topic, bucket, rule, alarm or API there): anyone with an AWS account
 * sets such a source up in their own and has it invoke the function with content of their choosing. No right in this
 * account is needed, as with an Alexa skill permission with no event_source_token.
 */
/** An argument left out, null or empty: not written. */
const unset = (v: unknown): boolean => v === undefined || v === null || v === "";

/** Whether a literal source ARN admits sources of accounts other than this one (see servicePermissionRoutes). */
function anyAccountSource(arn: string): boolean {
  const parts = arn.split(":");
  if (parts.length < 6) return /[*?]/.test(arn);
  const [, , service, , account, ...rest] = parts;
  if (/[*?]/.test(account)) return true;
  return account === "" && service.toLowerCase() === "s3" && /[*?]/.test(rest.join(":"));
}

/**
 * A literal S3 bucket ARN with no wildcard whose bucket no managed `aws_s3_bucket` of the stack names literally (S3
 * bucket ARNs carry no account, so only the account's own bucket of that name makes the permission safe).
 */
function unheldBucket(stack: TfStack, arn: string): boolean {
  const m = /^arn:aws[\w-]*:s3:::([^/*?]+)$/i.exec(arn);
  if (!m) return false;
  return !(stack.byType.get("aws_s3_bucket") ?? []).some((b) => b.mode === "managed" && b.values["bucket"] === m[1]);
}

function anyAccountRoute(stack: TfStack, p: TfResource, principal: string, noun: string, text?: string): Route {
  const src = p.values["source_arn"];
  const written = typeof src === "string" && src !== "" ? `a source_arn that admits sources of any account (${src}) and no source_account` : "neither source_arn nor source_account";
  return {
    via: p,
    targetText: p.address,
    actions: [],
    pattern: "*",
    types: [],
    functions: functionsOf(stack, p.values["function_name"]),
    verb: `set up ${noun} of any account to invoke ${p.address}`,
    how: ", which lets invoke",
    denyAsks: [],
    open: {
      text: text ?? `through ${p.address}, a permission for ${principal} with ${written}: ${noun} in any AWS account may invoke the function, so anyone with an AWS account can set one up in their own to invoke it with content of their choosing, with no right in this one`,
      fix: `set source_account on ${p.address} to the account the source is in and source_arn to the exact ARN of the one source meant to invoke it`,
    },
  };
}

/**
 * A Lambda permission for a service blastwall does not model (Secrets Manager rotation, Elastic Load Balancing...):
 * fail closed. Without `source_arn`, or with a wildcard one, any source of that service the caller sets up may invoke
 * the function; with an exact one, the caller may still change that source. So it is a route for a principal holding
 * any right of the service on the source admitted (function-invokes.ts); `source_account` (or an account in
 * `source_arn`) other than the caller's closes it. An Alexa skill permission with no `event_source_token` (the skill
 * ID) lets any Alexa developer's skill invoke the function: open to anyone, with no IAM right.
 */
function unmodelledRoute(stack: TfStack, p: TfResource, principal: string): Route | undefined {
  const functions = functionsOf(stack, p.values["function_name"]);
  if (/^alexa-[a-z-]+\.amazon\.com$/i.test(principal)) {
    const token = p.values["event_source_token"];
    if (token !== undefined && token !== null && token !== "") return undefined;
    return { via: p, targetText: p.address, actions: [], pattern: "*", types: [], functions, verb: `make an Alexa skill call ${p.address}`, how: ", which lets invoke", denyAsks: [], open: { text: `through ${p.address} (a permission for ${principal} with no event_source_token: the skill of any Alexa developer account may invoke it)`, fix: `set event_source_token on ${p.address} to the ID of the one skill meant to invoke it` } };
  }
  if (EVENTS_PRINCIPAL.test(principal) || principal === "*") return undefined;
  const ns = serviceNamespace(principal);
  if (!ns) return undefined;
  const src = p.values["source_arn"];
  // Neither source_arn nor source_account: whether this service invokes across accounts is not modelled, so a source
  // of any account counts as able to (fail closed; red-team round 148, F1).
  if (unset(src) && unset(p.values["source_account"])) {
    return anyAccountRoute(stack, p, principal, `a source of ${principal} (blastwall does not model whether it invokes functions across accounts, so it counts as able to)`);
  }
  const source = src === undefined || src === null || src === "" ? "*" : patternOf(stack, src);
  const account = accountOf(stack, p.values["source_account"], source);
  const text = source === "*" ? `any source of ${principal}${account ? ` in account ${account}` : ""}` : `${principal} source ${source}`;
  return {
    via: p,
    targetText: text,
    actions: [`${ns}:*`],
    pattern: source,
    types: [],
    functions,
    verb: `set up ${text} to invoke a function`,
    how: `: blastwall does not model how ${principal} invokes functions, so any right of ${ns} on a source ${p.address} admits counts, as it may set such a source up to call the function with content of the caller's; ${p.address} lets ${principal} invoke`,
    denyAsks: [],
    serviceRights: { ns, patterns: [source] },
    ...(account ? { account } : {}),
    pin: `set source_arn on ${p.address} to the exact ARN of the one source meant to invoke it (with source_account), one the caller holds no ${ns} right on`,
  };
}

/**
 * A rule that targets the function with the event itself (no constant `input` or input template) runs it with whatever event the
 * caller puts on the rule's bus, when the rule's pattern can match an event the caller writes: not a schedule, not a
 * pattern whose `source` is only AWS services (PutEvents refuses a source starting with `aws.`). Such a pattern is no
 * limit for a caller that may also put the rule (engine/reach/rule-rewrites.ts): events:PutRule on it, then an event
 * on its bus, run the function as a match would (red-team round 155, F1).
 */
function eventRoutes(stack: TfStack): Route[] {
  const out: Route[] = [];
  for (const t of stack.byType.get("aws_cloudwatch_event_target") ?? []) {
    if (!passesEvent(stack, t)) continue;
    const functions = targetFunctions(stack, t.values["arn"]);
    if (functions.length === 0) continue;
    const rule = oneReferenced(stack, t.values["rule"], RULES);
    const on = ruleOfTarget(stack, t);
    const put = { actions: ["events:PutEvents"], pattern: on.busPattern, target: on.bus, types: BUSES, denyAsks: asks(on.busPattern, on.bus) };
    const rewritten: Route = {
      via: t,
      target: rule,
      targetText: rule?.address ?? on.busText,
      actions: [PUT_RULE],
      pattern: on.arn,
      types: RULES,
      functions,
      verb: rule ? rewriteVerb(rule, on.busText) : `put a rule on ${on.busText}`,
      how: `, which ${t.address} then sends to`,
      denyAsks: asks(on.arn, rule),
      also: [{ ...put, text: on.busText }],
      pin: `scope events:PutRule to rules with no targets that run code (not ${on.arn})`,
    };
    if (!rule || forgeable(stack, rule)) {
      out.push({ via: t, targetText: on.busText, ...put, functions, verb: `put events on ${on.busText}`, how: `, which ${rule?.address ?? "a rule"} sends through ${t.address} to`, ...(rule ? { rule } : {}) });
      // A replay the rule's pattern keeps out (replay-name exclusion, an archive's pattern) gets in once the caller puts
      // the rule again: PutRule, then the replay (a PutEvents relayed by it), as for a rule of AWS events only.
      if (rule && patternMayShunReplays(stack, rule)) out.push(rewritten);
    } else out.push(rewritten);
    // AWS services' events: PutEvents cannot send them, a replay of an archive that kept them can (replays.ts), onto
    // the rule's bus or forwarded there.
    if (!rule) continue;
    for (const { replay: r, hops } of replaysInto(stack, rule, on.busPattern, on.bus)) {
      out.push({
        via: t,
        target: r.archive,
        targetText: r.archive.address,
        actions: [START_REPLAY],
        pattern: r.pattern,
        types: ARCHIVES,
        functions,
        verb: replayVerb(r.archive.address, r.to.text),
        how: `, where ${hopsText(hops)}${rule.address} (matching AWS services' events, which a replay puts again as they were) sends them through ${t.address} to`,
        denyAsks: asks(r.pattern, r.archive),
        pin: `delete ${r.archive.address} if nothing needs its events replayed, or add "replay-name": [{"exists": false}] to the event pattern of ${replayRules(hops, rule)}`,
      });
    }
    // An archive's pattern that keeps the rule's events out is no limit for a caller that may widen it, and none is
    // needed by one that may create an archive of the bus (red-team round 169b, F3).
    for (const { replay: r, hops } of widenedReplaysInto(stack, rule, on.busPattern, on.bus)) {
      const kept = hops[0]?.rule.address ?? rule.address;
      out.push({
        via: t,
        target: r.archive,
        targetText: r.archive.address,
        actions: [START_REPLAY],
        pattern: r.pattern,
        types: ARCHIVES,
        functions,
        verb: widenVerb(r.archive.address, kept, r.to.text),
        how: `, where ${hopsText(hops)}${replaySends(stack, rule, t)}`,
        denyAsks: asks(r.pattern, r.archive),
        also: [{ actions: [UPDATE_ARCHIVE], pattern: r.pattern, target: r.archive, types: ARCHIVES, denyAsks: asks(r.pattern, r.archive) }],
        pin:
          `scope events:UpdateArchive to archives other than ${r.archive.address} (${r.pattern}), or add "replay-name": [{"exists": false}] to the event pattern of ${replayRules(hops, rule)} ` +
          `(the event_pattern of ${r.archive.address} keeps ${kept}'s events out only while no caller may change it; and a pattern narrowed in an earlier apply still leaves the events archived under the old one replayable, for retention_days or, with 0, for ever)`,
      });
    }
    const created = createdArchivePattern(stack, rule, on.busPattern);
    if (created) {
      out.push({
        via: t,
        targetText: `an archive of ${on.busText} it creates (${created})`,
        actions: [START_REPLAY],
        pattern: created,
        types: ARCHIVES,
        functions,
        verb: createVerb(on.busText),
        how: `, where ${replaySends(stack, rule, t)}`,
        denyAsks: asks(created, undefined),
        also: [
          { actions: [CREATE_ARCHIVE], pattern: created, types: ARCHIVES, denyAsks: asks(created, undefined) },
          { actions: [CREATE_ARCHIVE], pattern: on.busPattern, target: on.bus, types: BUSES, denyAsks: asks(on.busPattern, on.bus), text: on.busText },
        ],
        pin: `scope events:CreateArchive to event buses whose rules run no code (not ${on.busPattern}), or add "replay-name": [{"exists": false}] to the event pattern of ${rule.address}`,
        sameArchive: true,
      });
    }
    // An archive made of a bus whose rules forward on to the rule's: its replay goes the same way.
    for (const c of createdReplaysInto(stack, rule, on.busPattern, on.bus)) {
      out.push({
        via: t,
        targetText: `an archive of ${c.from.text} it creates (${c.created})`,
        actions: [START_REPLAY],
        pattern: c.created,
        types: ARCHIVES,
        functions,
        verb: createVerb(c.from.text),
        how: `, where ${hopsText(c.hops)}${replaySends(stack, rule, t)}`,
        denyAsks: asks(c.created, undefined),
        also: [
          { actions: [CREATE_ARCHIVE], pattern: c.created, types: ARCHIVES, denyAsks: asks(c.created, undefined) },
          { actions: [CREATE_ARCHIVE], pattern: c.from.pattern, target: c.from.target, types: BUSES, denyAsks: asks(c.from.pattern, c.from.target), text: c.from.text },
        ],
        pin: `scope events:CreateArchive to event buses whose rules run no code or forward to one that does (not ${c.from.pattern}), or add "replay-name": [{"exists": false}] to the event pattern of ${c.hops[0].rule.address}`,
        sameArchive: true,
      });
    }
  }
  return out;
}

/**
 * A target's function: none when it names something else (a queue, a state machine: engine/reach/compute-targets.ts
 * judges those); every function when unreadable.
 */
export function targetFunctions(stack: TfStack, arn: unknown): TfResource[] {
  const refs = referencedIn(stack, arn);
  if (refs.some((r) => r.type.startsWith("aws_lambda_"))) return functionsOf(stack, arn);
  if (refs.length > 0) return [];
  const p = typeof arn === "string" ? resolveToPattern(stack, arn) : undefined;
  if (p?.exact && !/:lambda:/.test(p.pattern)) return [];
  return functionsOf(stack, arn);
}


function busPart(stack: TfStack, rule: TfResource): string {
  const bus = rule.values["event_bus_name"];
  if (bus === undefined || bus === null) return "";
  const name = exactPattern(stack, bus);
  return name === "default" ? "" : `${name ?? "*"}/`;
}

/**
 * An API's `execute-api:` ARNs, asked in the partition, region and account the stack puts the API in (invoke-denies.ts
 * `placedArn`). Its own ARN attribute is an `apigateway:` ARN, not one the right is on: no reference names it (no suffix).
 */
function apiAsks(api: TfResource | undefined): DenyAsk[] {
  return [{ pattern: "arn:*:execute-api:*:*:*", target: api, suffix: undefined }];
}

function apiRoutes(stack: TfStack): Route[] {
  const out: Route[] = [];
  const add = (i: TfResource, type: unknown, uri: unknown, apiRef: unknown) => {
    const t = exactPattern(stack, type);
    if (t !== undefined && t !== "AWS_PROXY" && t !== "AWS") return;
    // An AWS integration may call another service; its URI then names no function.
    const u = typeof uri === "string" ? resolveToPattern(stack, uri) : undefined;
    const lambda = referencedIn(stack, uri).some((r) => r.type.startsWith("aws_lambda_")) || (u !== undefined && (!u.exact || /:lambda:/.test(u.pattern)));
    if (!lambda && t === "AWS") return;
    if (!lambda && u?.exact) return;
    const api = oneReferenced(stack, apiRef, APIS);
    const text = api?.address ?? "an API";
    out.push({ via: i, target: api, targetText: text, actions: ["execute-api:Invoke"], pattern: "arn:*:execute-api:*:*:*", types: APIS, functions: functionsOf(stack, uri), verb: `call ${text}`, how: `, whose integration ${i.address} invokes`, denyAsks: apiAsks(api) });
  };
  for (const i of stack.byType.get("aws_api_gateway_integration") ?? []) add(i, i.values["type"], i.values["uri"], i.values["rest_api_id"]);
  for (const i of stack.byType.get("aws_apigatewayv2_integration") ?? []) add(i, i.values["integration_type"], i.values["integration_uri"], i.values["api_id"]);
  return out;
}

/** A function URL with authorization_type NONE: anyone who knows the URL invokes the function, with no IAM right. */
function urlRoutes(stack: TfStack): Route[] {
  const out: Route[] = [];
  for (const u of stack.byType.get("aws_lambda_function_url") ?? []) {
    if (exactPattern(stack, u.values["authorization_type"]) === "AWS_IAM") continue;
    out.push({ via: u, targetText: u.address, actions: [], pattern: "*", types: [], functions: functionsOf(stack, u.values["function_name"]), verb: `call ${u.address}`, how: `, the URL of`, denyAsks: [], open: { text: `through ${u.address} (a function URL with authorization_type NONE, which anyone can call)`, fix: `require IAM auth on ${u.address} (authorization_type = "AWS_IAM")` } });
  }
  return out;
}

const isFalse = (v: unknown) => v === false || v === "false";
const isTrue = (v: unknown) => v === true || v === "true";

/**
 * A subscription filter whose destination is the function hands it the log events written to its log group, and
 * the writer chooses those: logs:PutLogEvents on the group's streams is a payload of the caller's. A filter pattern
 * only asks that the events match it, which the writer can make them do.
 */
function logRoutes(stack: TfStack): Route[] {
  const out: Route[] = [];
  for (const f of stack.byType.get("aws_cloudwatch_log_subscription_filter") ?? []) {
    const functions = targetFunctions(stack, f.values["destination_arn"]);
    if (functions.length === 0) continue;
    const group = oneReferenced(stack, f.values["log_group_name"], ["aws_cloudwatch_log_group"]);
    const name = group ? nameOf(stack, group, "name", "name_prefix") : patternOf(stack, f.values["log_group_name"]);
    const pattern = `arn:*:logs:*:*:log-group:${name}:log-stream:*`;
    const text = group?.address ?? `log group ${name}`;
    out.push({ via: f, target: group, targetText: text, actions: ["logs:PutLogEvents"], pattern, types: ["aws_cloudwatch_log_group"], functions, verb: `write log events to ${text}`, how: `, whose subscription filter ${f.address} sends them to`, denyAsks: asks(pattern, group, ":log-stream:*") });
  }
  return out;
}

/**
 * An IoT topic rule with a Lambda action runs the function with each message published to a topic its SQL reads
 * (`SELECT ... FROM 'cmd/#'`): iot:Publish there is a payload of the caller's. MQTT's `+` and `#` are read as `*`;
 * a SQL that cannot be read is any topic.
 */
function iotRoutes(stack: TfStack): Route[] {
  const out: Route[] = [];
  for (const r of stack.byType.get("aws_iot_topic_rule") ?? []) {
    const topic = iotRuleTopic(stack, r);
    if (!topic) continue;
    const { pattern, text } = topic;
    for (const b of blocks(r.values["lambda"])) {
      const functions = targetFunctions(stack, b["function_arn"]);
      if (functions.length === 0) continue;
      out.push({ via: r, targetText: text, actions: ["iot:Publish"], pattern, types: [], functions, verb: `publish to ${text}`, how: `, which topic rule ${r.address} sends to`, denyAsks: asks(pattern, undefined) });
    }
  }
  return out;
}

/**
 * The topics an enabled IoT topic rule reads, as an ARN pattern and as messages name them; undefined for a disabled
 * rule. MQTT's `+` and `#` are read as `*`; a SQL that cannot be read is any topic.
 */
export function iotRuleTopic(stack: TfStack, r: TfResource): { pattern: string; text: string } | undefined {
  if (isFalse(r.values["enabled"])) return undefined;
  const sql = exactPattern(stack, r.values["sql"]);
  const from = sql === undefined ? undefined : /\bFROM\s+'([^']*)'/i.exec(sql)?.[1];
  const topic = from === undefined ? "*" : from.replace(/[+#]/g, "*");
  return { pattern: `arn:*:iot:*:*:topic/${topic}`, text: from === undefined ? "any IoT topic" : `IoT topic ${from}` };
}

/**
 * A bucket whose notification sends every event to EventBridge (`eventbridge = true`) puts an event on the default
 * bus for each object written, the key the writer's; a rule there that can match it (its `source` admits `aws.s3`,
 * its `detail.bucket.name` this bucket) and sends the event itself to the function runs it with that payload.
 */
function bucketEventRoutes(stack: TfStack): Route[] {
  const notifications = (stack.byType.get("aws_s3_bucket_notification") ?? []).filter((n) => isTrue(n.values["eventbridge"]));
  if (notifications.length === 0) return [];
  const targets: { t: TfResource; rule?: TfResource; functions: TfResource[] }[] = [];
  for (const t of stack.byType.get("aws_cloudwatch_event_target") ?? []) {
    if (!passesEvent(stack, t)) continue;
    const functions = targetFunctions(stack, t.values["arn"]);
    if (functions.length === 0) continue;
    const rule = oneReferenced(stack, t.values["rule"], RULES);
    const bus = t.values["event_bus_name"] ?? rule?.values["event_bus_name"];
    if (bus !== undefined && bus !== null) {
      const name = exactPattern(stack, bus);
      if (name !== undefined && name !== "default" && !/:event-bus\/default$/.test(name)) continue;
    }
    if (rule && (rule.values["event_pattern"] === undefined || rule.values["event_pattern"] === null)) continue;
    targets.push({ t, rule, functions });
  }
  const out: Route[] = [];
  const shared = new Map<string, TfResource[]>();
  for (const n of notifications) {
    const bucket = oneReferenced(stack, n.values["bucket"], ["aws_s3_bucket"]);
    const name = bucket ? nameOf(stack, bucket, "bucket", "bucket_prefix") : patternOf(stack, n.values["bucket"]);
    const pattern = `arn:*:s3:::${name}/*`;
    const text = bucket?.address ?? `bucket ${name}`;
    // One route per bucket, to every function a rule that can match its events sends them to: a rule for `aws.s3`
    // with no bucket named matches every bucket, and a route per bucket and rule would be their product.
    const hits = targets.filter(({ rule }) => !rule || matchesBucketEvents(stack, rule, name));
    if (hits.length === 0) continue;
    const key = hits.map((h) => h.t.address).join("\u0000");
    let functions = shared.get(key);
    if (!functions) shared.set(key, (functions = [...new Set(hits.flatMap((h) => h.functions))]));
    const first = hits[0];
    const more = hits.length > 1 ? ` (and ${hits.length - 1} more rule target${hits.length > 2 ? "s" : ""})` : "";
    out.push({ via: n, target: bucket, targetText: text, actions: ["s3:PutObject"], pattern, types: [], functions, verb: `write objects to ${text}`, how: `, whose events ${n.address} sends to EventBridge, where ${first.rule?.address ?? "a rule"} sends them through ${first.t.address}${more} to`, denyAsks: asks(pattern, bucket, "/*") });
  }
  return out;
}


/**
 * A function's asynchronous-invocation destination that is another function gets an invocation record holding the
 * request payload (`requestPayload`): invoking the first function (asynchronously, which lambda:InvokeFunction
 * allows) runs the destination with a payload of the caller's. A config with a `qualifier` is that version's or alias's.
 */
function destinationRoutes(stack: TfStack): Route[] {
  const out: Route[] = [];
  for (const c of stack.byType.get("aws_lambda_function_event_invoke_config") ?? []) {
    const destinations: TfResource[] = [];
    for (const d of blocks(c.values["destination_config"])) {
      for (const key of ["on_success", "on_failure"]) for (const b of blocks(d[key])) for (const fn of targetFunctions(stack, b["destination"])) if (!destinations.includes(fn)) destinations.push(fn);
    }
    if (destinations.length === 0) continue;
    const qualifier = c.values["qualifier"] === undefined || c.values["qualifier"] === null ? "" : `:${patternOf(stack, c.values["qualifier"])}`;
    for (const front of functionsOf(stack, c.values["function_name"])) {
      const pattern = `${attributePattern(stack, front, "arn").pattern}${qualifier}`;
      const rest = destinations.filter((d) => d !== front);
      if (rest.length === 0) continue;
      out.push({ via: c, target: front, targetText: front.address, actions: ["lambda:InvokeFunction", "lambda:InvokeAsync"], pattern, types: ["aws_lambda_function"], functions: rest, verb: `invoke ${front.address} asynchronously`, how: `, whose destination in ${c.address} gets the invocation record with its payload: it is`, denyAsks: asks(pattern, front, qualifier) });
    }
  }
  return out;
}

/**
 * lambda:CreateEventSourceMapping (or UpdateEventSourceMapping, which can repoint a mapping) takes a function and a
 * source the caller picks: a queue or stream it writes to, or Kafka brokers of its own, which need no AWS right at
 * all. The function is named only in a lambda:FunctionArn condition, read here as met: every function of the stack.
 */
function newMappingRoutes(stack: TfStack): Route[] {
  const functions = allFunctions(stack);
  if (functions.length === 0) return [];
  const pattern = "arn:*:lambda:*:*:*";
  return [
    {
      via: functions[0],
      targetText: "an event source mapping",
      actions: ["lambda:CreateEventSourceMapping", "lambda:UpdateEventSourceMapping"],
      pattern,
      types: [],
      functions,
      verb: "map a source it writes to (a queue, a stream, Kafka brokers of its own) to a function",
      how: ": that can be",
      denyAsks: asks(pattern, undefined),
      anyFunction: true,
    },
  ];
}

/**
 * A delivery stream with a Lambda processor runs the function on every batch of records put on it: firehose:PutRecord
 * is a payload of the caller's. A stream fed by a Kinesis stream takes no direct puts: that stream's writers are the
 * callers then. One fed by MSK is left out (Kafka writes are not IAM actions on the delivery stream).
 */
function firehoseRoutes(stack: TfStack): Route[] {
  const out: Route[] = [];
  for (const d of stack.byType.get("aws_kinesis_firehose_delivery_stream") ?? []) {
    const functions = [...new Set(processorValues(d.values).flatMap((v) => targetFunctions(stack, v)))];
    if (functions.length === 0) continue;
    if (blocks(d.values["msk_source_configuration"]).length > 0) continue;
    const source = blocks(d.values["kinesis_source_configuration"])[0];
    if (source) {
      const stream = oneReferenced(stack, source["kinesis_stream_arn"], STREAMS);
      const pattern = stream ? `arn:*:kinesis:*:*:stream/${nameOf(stack, stream, "name")}` : patternOf(stack, source["kinesis_stream_arn"]);
      const text = stream?.address ?? pattern;
      out.push({ via: d, target: stream, targetText: text, actions: PUT_RECORD, pattern, types: STREAMS, functions, verb: `put records on ${text}`, how: `, which feeds ${d.address}, whose processor is`, denyAsks: asks(pattern, stream) });
      continue;
    }
    const pattern = `arn:*:firehose:*:*:deliverystream/${nameOf(stack, d, "name")}`;
    out.push({ via: d, target: d, targetText: d.address, actions: ["firehose:PutRecord", "firehose:PutRecordBatch"], pattern, types: ["aws_kinesis_firehose_delivery_stream"], functions, verb: `put records on ${d.address}`, how: `, whose processor is`, denyAsks: asks(pattern, d) });
  }
  return out;
}

/** The `LambdaArn` parameters of every enabled Lambda processor, in whichever destination's configuration they sit. */
function processorValues(v: unknown, out: unknown[] = [], depth = 0): unknown[] {
  if (depth > 6 || typeof v !== "object" || v === null) return out;
  if (Array.isArray(v)) {
    for (const x of v) processorValues(x, out, depth + 1);
    return out;
  }
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (k !== "processing_configuration") {
      processorValues(x, out, depth + 1);
      continue;
    }
    for (const pc of blocks(x)) {
      if (isFalse(pc["enabled"])) continue;
      for (const pr of blocks(pc["processors"])) {
        if (typeof pr["type"] === "string" && pr["type"] !== "Lambda" && !pr["type"].includes("${")) continue;
        for (const par of blocks(pr["parameters"])) if (par["parameter_name"] === "LambdaArn" || typeof par["parameter_name"] !== "string") out.push(par["parameter_value"]);
      }
    }
  }
  return out;
}

/**
 * An SES receipt rule with a Lambda action runs the function with every mail it accepts, and anyone can send mail:
 * no IAM right at all. Only the active rule set's enabled rules run; one set is active per region, which may be set outside
 * the stack: a rule is left out only when the stack activates another set for certain.
 */
function mailRoutes(stack: TfStack): Route[] {
  const rules = stack.byType.get("aws_ses_receipt_rule") ?? [];
  if (rules.length === 0) return [];
  const active = (stack.byType.get("aws_ses_active_receipt_rule_set") ?? []).map((a) => exactPattern(stack, a.values["rule_set_name"]));
  const out: Route[] = [];
  for (const r of rules) {
    // A rule is created disabled unless `enabled` says otherwise (the API's default is false).
    const enabled = r.values["enabled"];
    if (enabled === undefined || enabled === null || isFalse(enabled)) continue;
    const set = exactPattern(stack, r.values["rule_set_name"]);
    if (set !== undefined && active.length > 0 && active.every((a) => a !== undefined && a !== set)) continue;
    const functions = [...new Set(blocks(r.values["lambda_action"]).flatMap((b) => targetFunctions(stack, b["function_arn"])))];
    if (functions.length === 0) continue;
    out.push({ via: r, targetText: r.address, actions: [], pattern: "*", types: [], functions, verb: `send mail to ${r.address}`, how: ", the receipt rule of", denyAsks: [], open: { text: `by sending mail to an address ${r.address} receives for (an SES receipt rule with a Lambda action; anyone can send mail)`, fix: `take the lambda_action off ${r.address}, or have it call a function whose role cannot delete` } });
  }
  return out;
}

/** The triggers of a user pool that run before any sign-in: an unknown user's sign-in asks the migration trigger. */
const UNAUTHENTICATED = ["user_migration"];

/**
 * A user pool's Lambda triggers run with attributes the caller sends, and a pool that allows self sign-up lets
 * anyone (with the app client ID, which is public) sign up and sign in: every trigger then, with no IAM right. A
 * pool that allows only admins to create users still runs the migration trigger for an unknown user's sign-in.
 */
function userPoolRoutes(stack: TfStack): Route[] {
  const out: Route[] = [];
  for (const p of stack.byType.get("aws_cognito_user_pool") ?? []) {
    const config = blocks(p.values["lambda_config"])[0];
    if (!config) continue;
    const adminOnly = blocks(p.values["admin_create_user_config"]).some((c) => isTrue(c["allow_admin_create_user_only"]));
    const triggers: [string, unknown][] = [];
    for (const [k, v] of Object.entries(config)) {
      if (k === "kms_key_id") continue;
      if (typeof v === "string") triggers.push([k, v]);
      else for (const b of blocks(v)) triggers.push([k, b["lambda_arn"]]);
    }
    const open = triggers.filter(([k]) => !adminOnly || UNAUTHENTICATED.includes(k));
    const functions = [...new Set(open.flatMap(([, v]) => targetFunctions(stack, v)))];
    if (functions.length === 0) continue;
    const names = open.map(([k]) => k).join(", ");
    out.push({
      via: p,
      targetText: p.address,
      actions: [],
      pattern: "*",
      types: [],
      functions,
      verb: `sign up to ${p.address}`,
      how: ", whose trigger is",
      denyAsks: [],
      open: {
        text: `through the ${names} trigger of ${p.address}, a user pool ${adminOnly ? "whose sign-in of an unknown user runs it" : "that lets anyone sign up"} with attributes of the caller's`,
        fix: adminOnly ? `take the user_migration trigger off ${p.address}` : `set admin_create_user_config { allow_admin_create_user_only = true } on ${p.address}, or take its triggers off`,
      },
    });
  }
  return out;
}
