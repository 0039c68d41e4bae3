/**
 * Routes granted by a resource policy rather than the caller's own (red-team round 86): within one account a queue
 * policy, a topic policy, a bucket policy or a Lambda permission naming the agent's ARN (or everyone) lets it send,
 * publish, write or invoke with no identity Allow at all. Bucket policies and Lambda permissions are read as the
 * store reads of the reach graph read them (resource-policy-grants.ts); queue and topic policies here, on the queue
 * or topic they are attached to; event bus policies and permissions (events:PutEvents) as bus-policies.ts reads them,
 * on the bus they name. Naming the account root grants nothing on its own: the account's identity policies decide,
 * and those are the caller's own grants.
 */
import type { Grant, PrincipalNode } from "../engine/analysis-types";
import type { Statement } from "../engine/iam/types";
import type { TfResource, TfStack } from "../engine/terraform/types";
import { globMatch } from "../engine/iam/glob";
import { hasLambdaPermissions, hasStoreResourcePolicies, lambdaPermissionGrantsTo, resourcePolicyGrantsTo } from "../engine/reach/resource-policy-grants";
import { mayName, resourcePolicyDocument } from "../engine/resource-policies";
import { attributePattern, parseReference, parseTemplate, resolveToPattern } from "../engine/terraform/tokens";
import { referencedIn } from "../engine/terraform/referenced";
import { ownDenies } from "../engine/own-denies";
import { busPolicies } from "./bus-policies";
import { deniedOnAll } from "./invoke-denies";
import { forwardedGrants } from "./forward-relays";
import { holdsServiceRight, namesService, relayedGrants, relayTriggers, sourceConditions, streamRelays } from "./invoke-relays";

interface Attached {
  /** The queue or topic; undefined for a bus not of the stack (the default bus, a name written as a literal). */
  readonly target: TfResource | undefined;
  /** The service whose actions the policy grants there (`sqs`, `sns`, `events`). */
  readonly service: string;
  readonly pattern: string;
  /** The statements a principal's own call may meet. */
  readonly allows: readonly Statement[];
  /** Those only a service's delivery meets (invoke-relays.ts). */
  readonly relays: readonly Statement[];
}

/** Policy-holding resource types: the attribute naming what they are attached to (none: the resource itself). */
const HOLDERS: readonly { readonly type: string; readonly on?: string; readonly service: string; readonly targets: readonly string[]; readonly arn: (name: string) => string }[] = [
  { type: "aws_sqs_queue", service: "sqs", targets: ["aws_sqs_queue"], arn: (n) => `arn:*:sqs:*:*:${n}` },
  { type: "aws_sqs_queue_policy", on: "queue_url", service: "sqs", targets: ["aws_sqs_queue"], arn: (n) => `arn:*:sqs:*:*:${n}` },
  { type: "aws_sns_topic", service: "sns", targets: ["aws_sns_topic"], arn: (n) => `arn:*:sns:*:*:${n}` },
  { type: "aws_sns_topic_policy", on: "arn", service: "sns", targets: ["aws_sns_topic"], arn: (n) => `arn:*:sns:*:*:${n}` },
  // A stream's resource policy (or a consumer's: it grants reads of the consumer, no PutRecord, so it names no stream).
  { type: "aws_kinesis_resource_policy", on: "resource_arn", service: "kinesis", targets: ["aws_kinesis_stream"], arn: (n) => `arn:*:kinesis:*:*:stream/${n}` },
];

/** The statements of the attached policies, by the IAM name (`role/path/name`) they name; `wide` for the rest. */
interface Indexed {
  readonly byName: ReadonlyMap<string, readonly { readonly a: Attached; readonly s: Statement }[]>;
  readonly wide: readonly { readonly a: Attached; readonly s: Statement }[];
  readonly all: readonly { readonly a: Attached; readonly s: Statement }[];
  readonly relays: readonly { readonly a: Attached; readonly s: Statement }[];
}

const indexCache = new WeakMap<TfStack, Indexed>();

/**
 * Indexed once per stack: a stack of many queues whose policies each name one role would otherwise ask every
 * principal against every statement. A statement naming only IAM ARNs with no wildcard in the name is filed under
 * those names; any other (everyone, a pattern, a session, one blastwall cannot read) is asked of every principal.
 */
function indexed(stack: TfStack): Indexed {
  let ix = indexCache.get(stack);
  if (ix) return ix;
  const byName = new Map<string, { a: Attached; s: Statement }[]>();
  const wide: { a: Attached; s: Statement }[] = [];
  const all: { a: Attached; s: Statement }[] = [];
  const relays = attached(stack).flatMap((a) => a.relays.map((s) => ({ a, s })));
  for (const a of attached(stack)) {
    for (const s of a.allows) {
      const e = { a, s };
      all.push(e);
      const ids = s.unknown === undefined && !s.notPrincipals && !s.approximatePrincipals && s.principals ? s.principals.flatMap((p) => (p.type === "AWS" ? p.identifiers : [])) : undefined;
      const names = ids?.map(iamName);
      if (!names || names.length === 0 || names.some((n) => n === undefined)) {
        wide.push(e);
        continue;
      }
      for (const n of new Set(names as string[])) {
        const l = byName.get(n);
        if (l) l.push(e);
        else byName.set(n, [e]);
      }
    }
  }
  indexCache.set(stack, (ix = { byName, wide, all, relays }));
  return ix;
}

/** `role/path/name` of an IAM role or user ARN with no wildcard in it; undefined for anything else. */
function iamName(arn: string): string | undefined {
  const m = /^arn:[^:]*:iam::[^:]*:((?:role|user)\/.*)$/i.exec(arn);
  return m && !/[*?]/.test(m[1]) ? m[1].toLowerCase() : undefined;
}

const cache = new WeakMap<TfStack, readonly Attached[]>();

function attached(stack: TfStack): readonly Attached[] {
  let out = cache.get(stack);
  if (out) return out;
  const list: Attached[] = [];
  for (const h of HOLDERS) {
    for (const res of stack.byType.get(h.type) ?? []) {
      const v = res.values["policy"];
      if (v === undefined || v === null || v === "") continue;
      const target = h.on ? referenced(stack, res.values[h.on], h.targets) : res;
      const granting = resourcePolicyDocument(stack, res, "policy").statements.filter((s) => s.effect === "Allow" || s.unknown !== undefined);
      if (!target && h.service === "kinesis") {
        // A stream named by its ARN, or one blastwall cannot read (any stream: fail closed); a consumer is none.
        const pattern = streamOf(stack, res.values[h.on!]);
        const allows = granting.filter((s) => !fromServiceOnly(s));
        if (pattern && allows.length > 0) list.push({ target: undefined, service: h.service, pattern, allows, relays: [] });
        continue;
      }
      // A policy on a queue or topic no reference names may be on any: it is read on none (its grants cannot be placed).
      if (!target) continue;
      const allows = granting.filter((s) => !fromServiceOnly(s));
      // A stream takes no delivery of a service under its policy: its statements bound to one are no grant at all.
      const relays = h.service === "kinesis" ? [] : granting.filter((s) => s.unknown === undefined && (fromServiceOnly(s) || namesService(s)));
      if (allows.length === 0 && relays.length === 0) continue;
      list.push({ target, service: h.service, pattern: h.arn(attributePattern(stack, target, "name").pattern), allows, relays });
    }
  }
  // Bus policies grant events:PutEvents to a caller's own call alone: a delivery from another bus's rule into this
  // one is not a route blastwall follows, so a statement bound to a source (`fromServiceOnly`) is no grant here.
  for (const b of busPolicies(stack)) {
    const allows = b.statements.filter((s) => (s.effect === "Allow" || s.unknown !== undefined) && !fromServiceOnly(s));
    if (allows.length > 0) list.push({ target: b.target, service: "events", pattern: b.pattern, allows, relays: [] });
  }
  cache.set(stack, (out = list));
  return out;
}

/** The stream a policy's `resource_arn` names by ARN: any stream where it cannot be read; none for a consumer. */
function streamOf(stack: TfStack, v: unknown): string | undefined {
  if (referencedIn(stack, v).some((r) => r.type === "aws_kinesis_stream_consumer")) return undefined;
  const arn = typeof v === "string" && v !== "" ? resolveToPattern(stack, v).pattern : "*";
  if (/\/consumer\//.test(arn)) return undefined;
  return arn.startsWith("arn:") ? arn : "arn:*:kinesis:*:*:stream/*";
}

function referenced(stack: TfStack, v: unknown, types: readonly string[]): TfResource | undefined {
  if (typeof v !== "string") return undefined;
  for (const p of parseTemplate(v)) {
    if (p.kind !== "interpolation") continue;
    const ref = parseReference(p.expr);
    const res = ref && ref.kind === "resource" && !ref.splat ? stack.byAddress.get(ref.address) : undefined;
    if (res && types.includes(res.type)) return res;
  }
  return undefined;
}

/**
 * A statement bound to a calling service's resource or account (aws:SourceArn, aws:SourceAccount...): a principal's
 * own call carries none of these keys, so it never applies to one directly. That is the usual `Principal: "*"`
 * statement letting a topic or bucket send to a queue; it is a route still for whoever can make such a source
 * send (invoke-relays.ts).
 */
function fromServiceOnly(s: Statement): boolean {
  return sourceConditions(s).length > 0;
}

const CI = { caseInsensitive: true } as const;

function grantsAction(s: Statement, lower: string): boolean {
  if (s.unknown !== undefined) return true;
  if (s.actions) return s.actions.some((a) => globMatch(a, lower, CI));
  return !(s.notActions ?? []).some((a) => globMatch(a, lower, CI));
}

/**
 * The grants of `action` the stack's resource policies give `p` on their own resources, for the invoke routes; with
 * `held` (`p`'s own grants of an action), also those it uses through a service it makes send (`RelayedGrant`).
 */
export function policyGrants(stack: TfStack, p: PrincipalNode, action: string, held?: (action: string) => readonly Grant[]): readonly Grant[] {
  if (p.kind === "group") return [];
  const lower = action.toLowerCase();
  if (lower.startsWith("lambda:invoke")) return hasLambdaPermissions(stack) ? lambdaPermissionGrantsTo(stack, p, action) : [];
  if (lower.startsWith("s3:")) return hasStoreResourcePolicies(stack) ? resourcePolicyGrantsTo(stack, p, action) : [];
  const service = lower.split(":")[0];
  if (service !== "sqs" && service !== "sns" && service !== "events" && service !== "kinesis") return [];
  // What a rule writes to a stream for the caller is a relay of its PutEvents; what a rule or pipe forwards, of the
  // write that feeds it (forward-relays.ts).
  const streams = held && (lower === "kinesis:putrecord" || lower === "kinesis:putrecords") ? streamRelays(stack, p, action, held) : [];
  const forwarded = held ? forwardedGrants(stack, p, action, held) : [];
  const ix = indexed(stack);
  if (ix.all.length === 0 && ix.relays.length === 0) return streams.length === 0 ? forwarded : [...streams, ...forwarded];
  const own = iamName(p.arnPattern);
  const candidates = own === undefined ? ix.all : [...ix.wide, ...(ix.byName.get(own) ?? [])];
  const out: Grant[] = [];
  let denies: readonly Statement[] | undefined;
  for (const { a, s } of candidates) {
    if (a.service !== service || !grantsAction(s, lower) || !mayName(s, { arnPattern: p.arnPattern })) continue;
    // A PutEvents grant is also what fires a rule that relays into a queue or topic (invoke-relays.ts), where the
    // send's Deny is not asked: the agent's own Deny on the bus is asked here, so that it closes those routes too.
    if (service === "events" && deniedOnAll(stack, (denies ??= ownDenies(p)), action, [{ pattern: a.pattern, target: a.target, suffix: a.target ? "" : undefined }])) continue;
    out.push({ action, statement: s, resources: [a.pattern], conditional: s.conditions.length > 0 });
  }
  if (held && (service === "sqs" || service === "sns")) {
    for (const { a, s } of relaysFiring(stack, ix, lower, p, held)) {
      if (a.target) out.push(...relayedGrants(stack, p, s, action, { address: a.target.address, service, pattern: a.pattern }, held));
    }
  }
  out.push(...streams, ...forwarded);
  return out;
}

/** The relay statements granting an action, and which of them each thing a caller may hold can fire (`relayTriggers`). */
interface RelayIndex {
  readonly entries: readonly { readonly a: Attached; readonly s: Statement }[];
  readonly byAction: ReadonlyMap<string, readonly number[]>;
  readonly byNamespace: ReadonlyMap<string, readonly number[]>;
}

const relayIndexes = new WeakMap<TfStack, Map<string, RelayIndex>>();

/**
 * The relay statements granting `lower` that `p` may use, in the stack's order: those it holds a fire right for
 * (red-team round 147, F2). Reading every statement's conditions for every principal made a stack of many functions,
 * each with its own role and queue policy, principals × statements; a role that fires nothing now reads none.
 */
function relaysFiring(stack: TfStack, ix: Indexed, lower: string, p: PrincipalNode, held: (action: string) => readonly Grant[]): readonly { readonly a: Attached; readonly s: Statement }[] {
  let byLower = relayIndexes.get(stack);
  if (!byLower) relayIndexes.set(stack, (byLower = new Map()));
  let r = byLower.get(lower);
  if (!r) {
    const service = lower.split(":")[0];
    const entries = ix.relays.filter(({ s }) => grantsAction(s, lower));
    const byAction = new Map<string, number[]>();
    const byNamespace = new Map<string, number[]>();
    const file = (m: Map<string, number[]>, k: string, i: number) => {
      const l = m.get(k);
      if (l) l.push(i);
      else m.set(k, [i]);
    };
    entries.forEach(({ s }, i) => {
      const t = relayTriggers(s, service);
      for (const x of t.actions) file(byAction, x, i);
      for (const x of t.namespaces) file(byNamespace, x, i);
    });
    byLower.set(lower, (r = { entries, byAction, byNamespace }));
  }
  const hit = new Set<number>();
  for (const [x, is] of r.byAction) if (held(x).length > 0) for (const i of is) hit.add(i);
  for (const [ns, is] of r.byNamespace) if (holdsServiceRight(p, ns)) for (const i of is) hit.add(i);
  if (hit.size === r.entries.length) return r.entries;
  const { entries } = r;
  return [...hit].sort((x, y) => x - y).map((i) => entries[i]);
}
