/**
 * Queue and topic policy statements that only a service's delivery meets (red-team round 139, F2): one limited by
 * `aws:SourceAccount`, `aws:SourceOwner`, `aws:SourceArn` (or `aws:SourceOrgID` / `aws:SourceOrgPaths` beside them),
 * or one naming a service principal. A principal's own SendMessage or Publish carries none of these keys, so the
 * statement never admits it directly; but a topic, rule or bucket it can fire makes the service send for it, and that
 * delivery carries the keys of the source: its ARN as `aws:SourceArn`, its account as `aws:SourceAccount`. So the
 * statement is a route for whoever can fire such a source: publish to a topic of the account (the queue subscribed to
 * it), add a target with a constant input to a rule of the account, write objects to a bucket that notifies.
 * Only a source the caller cannot fire closes it: an exact `aws:SourceArn` of a topic it cannot publish to, an account
 * other than its own. What is not understood (a negated operator, IfExists, an organisation blastwall does not know)
 * is read as met (fail closed). Modelled senders: SNS, EventBridge (a rule it adds a target to, or one of the stack
 * that already targets the queue or topic and matches an event it puts), S3, CloudWatch alarms, SES (receipt rules,
 * identity notifications) and AWS Config. A statement naming another service is a route for a principal holding any
 * right of that service on a source it admits (`unmodelledGrants`): blastwall cannot tell which right sets it up.
 * A rule sending the caller's events to a Kinesis stream is a relay of another shape, with no policy on the way
 * (`streamRelays`).
 */
import type { Grant, PrincipalNode } from "../engine/analysis-types";
import type { Condition, Statement } from "../engine/iam/types";
import type { TfResource, TfStack } from "../engine/terraform/types";
import { globMatch, globsIntersect } from "../engine/iam/glob";
import { arnAccount, resourceAccount } from "../engine/terraform/providers";
import { namespacesOf } from "../engine/reach/edges-compute";
import {
  attributePattern,
  hasInterpolation,
  parseReference,
  parseTemplate,
  referencedResource,
  refTarget,
  resolveToPattern,
} from "../engine/terraform/tokens";
import { awsOnlySource } from "../engine/reach/compute-targets";
import { mayMatchAwsEvents, replayMayMatch } from "../engine/reach/replays";
import { writtenReferences } from "../engine/reach/resource-index";
import { where } from "./support";
import { ownDenies } from "../engine/own-denies";
import { deniedOnAll } from "./invoke-denies";
import { rewriteOf, rewriteRelayFix, rewriteRelayText, type Rewrite } from "./rewrite-relays";
import { grantsOn } from "./grants-on";

const CI = { caseInsensitive: true } as const;

/** What a relayed grant adds to the route: how the caller makes the service send, and how to close that. */
export interface Relay {
  /** `, which its aws:SourceAccount condition (...) admits: ...`: appended to the statement it goes through. */
  readonly text: string;
  /** What to take away from `who` or pin, instead of the send right it does not hold. */
  readonly fix: (who: string) => string;
  /** The caller's own grants that fire the source (evidence). */
  readonly fires: readonly Grant[];
  /**
   * A write a rule or pipe forwards for the caller (forward-relays.ts), on `on` when the stack makes it: read by that
   * resource or by pattern, never by the references in the statement of the fire (they name what it fires, not this).
   */
  readonly forwarded?: { readonly on?: TfResource };
  /**
   * The right the caller holds where it is not the write relayed (`events:StartReplay on aws_cloudwatch_event_archive.a`,
   * which puts events again on a bus): what a finding's arrows name, so that it is a right the caller's policy shows.
   */
  readonly held?: string;
  /**
   * The events it puts are AWS services' own among others, as they were first put: a replay of an archive
   * (engine/reach/replays.ts), or such events forwarded on to another bus. A rule matching only AWS services' events,
   * which PutEvents itself cannot put, matches them (`replayedFires`).
   */
  readonly awsEvents?: boolean;
  /**
   * The archive whose replay this is, on the bus it puts its events onto (engine/reach/replays.ts): a rule there that
   * certainly sees none of them is not fired by it (`replayMisses`). Not kept past a forward to another bus.
   */
  readonly replayOf?: TfResource;
  /**
   * The replay is of an archive keeping every event its bus gets: one whose event_pattern the caller may widen
   * (events:UpdateArchive), or one it makes (events:CreateArchive). Only a rule's own exclusion of replayed events keeps
   * it out (`replayMisses`). Not kept past a forward to another bus.
   */
  readonly replayAll?: boolean;
}

/** A grant of a queue's or topic's send right that the caller uses through a service's delivery. */
export interface RelayedGrant extends Grant {
  readonly relay: Relay;
}

export const isRelayed = (g: Grant): g is RelayedGrant =>
  (g as Partial<RelayedGrant>).relay !== undefined;

/** Whether a grant of events:PutEvents puts AWS services' events too (a replay's: `Relay.awsEvents`). */
export const putsAwsEvents = (g: Grant): boolean => isRelayed(g) && g.relay.awsEvents === true;

/**
 * Whether a grant is a replay of an archive that certainly puts no event `rule` matches (a rule excluding replayed
 * events, or one the archive's event_pattern keeps apart from: replays.ts `replayMayMatch`): it does not fire the rule.
 */
export function replayMisses(stack: TfStack, g: Grant, rule: TfResource | undefined): boolean {
  if (!isRelayed(g) || rule === undefined) return false;
  // An archive the caller widens or makes keeps every event: its pattern as the stack writes it is no limit.
  if (g.relay.replayAll) return !replayMayMatch(stack, undefined, rule);
  const archive = g.relay.replayOf;
  return archive !== undefined && !replayMayMatch(stack, archive, rule);
}

/**
 * The grants among `gs` that fire a rule only through the AWS services' events they put (a replay's), where none fires
 * it otherwise: those putting AWS events, for a rule that may match one (`mayMatchAwsEvents`); none for another.
 */
export function replayedFires(stack: TfStack, rule: TfResource | undefined, gs: readonly Grant[]): Grant[] {
  return rule && mayMatchAwsEvents(stack, rule) ? gs.filter((g) => putsAwsEvents(g) && !replayMisses(stack, g, rule)) : [];
}

/** How a rule sends on what a replay put: `R (matching AWS services' events, which a replay puts again as they were) sends them through T to`. */
export function replayedSends(rule: string, t: string): string {
  return `${rule} (matching AWS services' events, which a replay puts again as they were) sends them through ${t} to`;
}

/** How to keep a rule from sending replayed events on, besides taking the replay away. */
export function replayedClose(rule: string, t: string): string {
  return `add "replay-name": [{"exists": false}] to the event pattern of ${rule} (a replayed event carries that field), or take ${t} off it`;
}

/**
 * The right a chain of relays starts from, which a finding's arrows name: a right the caller's policy shows. Where a
 * relay of the chain names one (`Relay.held`: a replay is labelled with events:StartReplay on its archive, not with
 * the events:PutEvents it relays, red-team round 162, F10), that; else the action and resources of the first grant of
 * the chain that is the caller's own (or a resource policy's naming it), not a service's delivery: an agent holding
 * sqs:SendMessage on a queue a pipe forwards to a bus is shown with that, not with the events:PutEvents the pipe makes.
 */
export function heldRight(relay: Relay): string | undefined {
  let r: Relay | undefined = relay;
  // A chain is as long as the forwards it goes through; a bound keeps a malformed one from looping.
  for (let i = 0; r && i < 64; i++) {
    if (r.held) return r.held;
    const first: Grant | undefined = r.fires[0];
    if (first && !isRelayed(first)) return `${first.action} on ${placesText(first)}`;
    r = first && isRelayed(first) ? first.relay : undefined;
  }
  return undefined;
}

/**
 * What a grant is on, as its statement names it: a resource or data source it refers to by its address, any other
 * entry as read (`*`, an ARN pattern); three at most.
 */
function placesText(g: Grant): string {
  const { resources, writtenResources: written } = g.statement;
  const aligned = resources !== undefined && written !== undefined && written.length === resources.length;
  const names = g.resources.map((r) => {
    const i = aligned ? resources.indexOf(r) : -1;
    const ref = i >= 0 ? refTarget(written![i]) : undefined;
    if (!ref || (ref.kind !== "resource" && ref.kind !== "data") || ref.splat) return r;
    return ref.index === undefined ? ref.address : `${ref.address}[${ref.index}]`;
  });
  const distinct = [...new Set(names)];
  if (distinct.length === 0) return "*";
  return distinct.length <= 3 ? distinct.join(", ") : `${distinct.slice(0, 3).join(", ")} and ${distinct.length - 3} more`;
}

/** A kind of resource whose service delivers to queues or topics under their resource policy. */
interface SourceKind {
  readonly service: string;
  /** The stack's resource types of the kind, which a reference in `aws:SourceArn` names. */
  readonly types: readonly string[];
  /** `an SNS topic`. */
  readonly noun: string;
  /** What it delivers to: `sqs`, `sns`. */
  readonly delivers: readonly string[];
  /** Its ARN pattern in an account (`*`: any). */
  readonly arn: (account: string) => string;
  /** The caller's actions that make it send (any one), and the resource they are on, from the source's ARN pattern. */
  readonly fire: readonly string[];
  readonly on: (source: string) => string;
  /** How the caller makes it send to `target`, with `fire` (the right it does it with). */
  readonly how: (target: string, fire: string) => string;
}

const KINDS: readonly SourceKind[] = [
  {
    service: "sns.amazonaws.com",
    types: ["aws_sns_topic"],
    noun: "an SNS topic",
    delivers: ["sqs"],
    arn: (a) => `arn:*:sns:*:${a}:*`,
    fire: ["sns:Publish"],
    on: (s) => s,
    how: (t, f) =>
      `it publishes to such a topic (${f}) with ${t} subscribed to it (a new topic of its own will do), and SNS delivers the message as sns.amazonaws.com with the topic's ARN and account as aws:SourceArn and aws:SourceAccount`,
  },
  {
    service: "events.amazonaws.com",
    types: ["aws_cloudwatch_event_rule"],
    noun: "an EventBridge rule",
    delivers: ["sqs", "sns"],
    arn: (a) => `arn:*:events:*:${a}:rule/*`,
    fire: ["events:PutTargets"],
    on: (s) => s,
    how: (t, f) =>
      `it adds ${t} as a target with a constant input of its choosing to such a rule (${f}; a rule that fires takes new targets, and needs no role for this one), and EventBridge delivers as events.amazonaws.com with the rule's ARN and account as aws:SourceArn and aws:SourceAccount`,
  },
  {
    service: "s3.amazonaws.com",
    types: ["aws_s3_bucket"],
    noun: "an S3 bucket",
    delivers: ["sqs", "sns"],
    // A bucket's ARN holds no account: the account condition alone decides whose buckets count.
    arn: () => "arn:*:s3:::*",
    fire: ["s3:PutObject"],
    on: (s) => `${s}/*`,
    how: (t, f) =>
      `it writes objects to such a bucket (${f}) whose event notification goes to ${t}, and S3 delivers the event as s3.amazonaws.com with the bucket's ARN and owner as aws:SourceArn and aws:SourceAccount`,
  },
  {
    service: "cloudwatch.amazonaws.com",
    types: ["aws_cloudwatch_metric_alarm"],
    noun: "a CloudWatch alarm",
    delivers: ["sns"],
    arn: (a) => `arn:*:cloudwatch:*:${a}:alarm:*`,
    fire: ["cloudwatch:PutMetricAlarm"],
    on: (s) => s,
    how: (t, f) =>
      `it makes such an alarm (or changes one) with ${t} as an alarm action and a threshold that missing data or its own metric data trips (${f}), and CloudWatch publishes the state change, with the alarm name and description it chose, as cloudwatch.amazonaws.com with the alarm's ARN and account as aws:SourceArn and aws:SourceAccount`,
  },
  {
    service: "ses.amazonaws.com",
    types: ["aws_ses_receipt_rule"],
    noun: "an SES receipt rule",
    delivers: ["sns"],
    arn: (a) => `arn:*:ses:*:${a}:receipt-rule-set/*`,
    // Receipt rules take no resource-level permission: a grant of the action on `*` is the usual one.
    fire: ["ses:CreateReceiptRule", "ses:UpdateReceiptRule"],
    on: (s) => s,
    how: (t, f) =>
      `it adds a rule with an SNS action to ${t} to a receipt rule set (${f}), and mail anyone sends to an address the account receives for makes SES publish it, headers and content, as ses.amazonaws.com with the rule's ARN and account as aws:SourceArn and aws:SourceAccount`,
  },
  {
    service: "ses.amazonaws.com",
    types: ["aws_ses_domain_identity", "aws_ses_email_identity"],
    noun: "an SES identity",
    delivers: ["sns"],
    arn: (a) => `arn:*:ses:*:${a}:identity/*`,
    fire: ["ses:SetIdentityNotificationTopic"],
    on: (s) => s,
    how: (t, f) =>
      `it sets ${t} as such an identity's bounce, complaint or delivery notification topic (${f}), and mail sent from the identity makes SES publish a notification with the mail's headers as ses.amazonaws.com with the identity's ARN and account as aws:SourceArn and aws:SourceAccount`,
  },
  {
    service: "config.amazonaws.com",
    types: ["aws_config_delivery_channel"],
    noun: "an AWS Config delivery channel",
    delivers: ["sns"],
    arn: (a) => `arn:*:config:*:${a}:*`,
    // The delivery channel takes no resource-level permission.
    fire: ["config:PutDeliveryChannel"],
    on: (s) => s,
    how: (t, f) =>
      `it points the account's delivery channel at ${t} (${f}), and AWS Config publishes the configuration changes of the account's resources, which the caller's own changes make, as config.amazonaws.com with the account as aws:SourceAccount`,
  },
];

/** The services KINDS models; a statement naming another one is read by `unmodelledGrants`. */
const MODELLED = [...new Set(KINDS.map((k) => k.service))];

const SOURCE_TYPES = KINDS.flatMap((k) => k.types);

const SOURCE_KEY = /^aws:source(arn|account|owner|orgid|orgpaths)$/i;

/**
 * The conditions on the source of a service call that a principal's own call, which carries no such key, never meets.
 * Not those an absent key meets: IfExists, Null, a negated operator, ForAllValues.
 */
export function sourceConditions(s: Statement): Condition[] {
  return s.conditions.filter(
    (c) =>
      SOURCE_KEY.test(c.key) &&
      !/IfExists$/i.test(c.operator) &&
      !/^Null$/i.test(c.operator) &&
      !/Not/i.test(c.operator) &&
      !/^ForAllValues:/i.test(c.operator),
  );
}

/** Whether the statement's Principal admits `service` delivering (`*`, `AWS: *`, or the service named). */
function admitsService(s: Statement, service: string): boolean {
  if (s.unknown !== undefined || s.approximatePrincipals) return true;
  if (!s.principals) return s.notPrincipals !== undefined; // Allow with NotPrincipal: everyone it does not name (read wide)
  return s.principals.some(
    (p) =>
      p.type === "*" ||
      (p.type === "AWS" && p.identifiers.includes("*")) ||
      (p.type === "Service" &&
        p.identifiers.some((id) => globMatch(id, service, CI))),
  );
}

/** Whether the statement names some service principal: a statement only a service's delivery ever meets. */
export function namesService(s: Statement): boolean {
  return (s.principals ?? []).some((p) => p.type === "Service");
}

/** The account a principal makes its resources in; undefined when blastwall does not know it (any may be). */
export function accountOf(stack: TfStack, p: PrincipalNode): string | undefined {
  return p.external
    ? arnAccount(p.arnPattern)
    : resourceAccount(stack, p.resource);
}

/** A source the conditions admit: its ARN pattern, and the resource of the stack a reference names, if one does. */
interface Source {
  readonly pattern: string;
  readonly res?: TfResource;
}

/**
 * The sources of `kind` in the caller's account that the statement's source conditions admit; none when they admit
 * none of them. A condition blastwall cannot narrow by (an organisation) narrows nothing.
 */
function admittedSources(
  stack: TfStack,
  conditions: readonly Condition[],
  kind: SourceKind,
  account: string | undefined,
): Source[] {
  let sources: Source[] = [{ pattern: kind.arn(account ?? "*") }];
  for (const c of conditions) {
    const key = c.key.toLowerCase();
    if (key === "aws:sourceaccount" || key === "aws:sourceowner") {
      // A value that is a reference to the deploying account reads `*`: it may be the caller's.
      if (
        account !== undefined &&
        !c.values.some((v) =>
          globMatch(resolveToPattern(stack, v).pattern, account, CI),
        )
      )
        return [];
    } else if (key === "aws:sourcearn") {
      // ArnEquals and ArnLike both take wildcards; a StringEquals value read as a pattern is wider (fail closed).
      // A reference to a resource of the stack names that one resource, even where its ARN pattern is a wildcard.
      // A reference to a source of another kind (a topic, where this is a rule) is none of this kind.
      const values: Source[] = c.values.flatMap((v) => {
        const res = hasInterpolation(v)
          ? referencedResource(stack, v, SOURCE_TYPES)
          : undefined;
        if (res && !kind.types.includes(res.type)) return [];
        return [
          {
            pattern: resolveToPattern(stack, v).pattern,
            ...(res ? { res } : {}),
          },
        ];
      });
      sources = values.filter((v) =>
        sources.some((s) =>
          s.res && v.res
            ? s.res === v.res
            : globsIntersect(v.pattern, s.pattern, CI),
        ),
      );
      if (sources.length === 0) return [];
    }
  }
  return sources;
}

/** Whether a grant's resource pattern `r` names the source (by reference when both are written as one). */
function names(
  stack: TfStack,
  kind: SourceKind,
  g: Grant,
  r: string,
  src: Source,
): boolean {
  if (isRelayed(g) && g.relay.forwarded) return src.res && g.relay.forwarded.on ? src.res === g.relay.forwarded.on : globsIntersect(r, kind.on(src.pattern), CI);
  if (src.res) {
    const named = writtenReferences(g, r, (w) =>
      referencedResource(stack, w, kind.types),
    );
    if (named) return named.includes(src.res);
  }
  return globsIntersect(r, kind.on(src.pattern), CI);
}

/** `condition StringEquals aws:SourceAccount 111122223333 is met by a delivery from ...`, or the service principal with none. */
function keysText(conditions: readonly Condition[], from: string): string {
  if (conditions.length === 0)
    return `service principal, with no condition on the source, admits a delivery from ${from}`;
  const shown = conditions.map(
    (c) =>
      `${c.operator} ${c.key} ${c.values.length === 1 ? c.values[0] : `[${c.values.join(", ")}]`}`,
  );
  return `condition${conditions.length > 1 ? "s" : ""} ${shown.join(" and ")} ${conditions.length > 1 ? "are" : "is"} met by a delivery from ${from}`;
}

/** What of a relay statement does not depend on the caller, read once per statement (red-team round 147, F2). */
interface RelayShape {
  readonly conditions: readonly Condition[];
  /** The modelled kinds whose service the statement's Principal admits. */
  readonly kinds: readonly SourceKind[];
  /** It admits EventBridge (a rule of the stack that already targets the queue or topic: `putEventsGrants`). */
  readonly events: boolean;
  /** The service principals blastwall does not model, with their IAM namespace (`unmodelledGrants`). */
  readonly unmodelled: readonly { readonly id: string; readonly ns: string }[];
}

const shapes = new WeakMap<Statement, RelayShape>();

const NO_RELAY: RelayShape = { conditions: [], kinds: [], events: false, unmodelled: [] };

function shapeOf(s: Statement): RelayShape {
  let out = shapes.get(s);
  if (out) return out;
  const conditions = sourceConditions(s);
  if (conditions.length === 0 && !namesService(s)) out = NO_RELAY;
  else {
    const ids = s.unknown !== undefined ? [] : (s.principals ?? []).flatMap((x) => (x.type === "Service" ? x.identifiers : []));
    const unmodelled: { id: string; ns: string }[] = [];
    for (const id of new Set(ids.map((i) => i.toLowerCase()))) {
      if (MODELLED.some((m) => globMatch(id, m, CI))) continue;
      const ns = serviceNamespace(id);
      if (ns) unmodelled.push({ id, ns });
    }
    out = { conditions, kinds: KINDS.filter((k) => admitsService(s, k.service)), events: admitsService(s, EVENTS.service), unmodelled };
  }
  shapes.set(s, out);
  return out;
}

/**
 * What a caller must hold for `relayedGrants` to find anything in the statement, delivered to a `targetService`
 * queue or topic: one of `actions` (any grant of it, on any resource), or some right of one of `namespaces`. A caller
 * holding none of them gets nothing, whatever its account or the statement's conditions: `policyGrants` skips the
 * statement for it unread, so a stack's every role is not asked of every queue policy.
 */
export function relayTriggers(s: Statement, targetService: string): { readonly actions: readonly string[]; readonly namespaces: readonly string[] } {
  const shape = shapeOf(s);
  const actions = new Set(shape.kinds.filter((k) => k.delivers.includes(targetService)).flatMap((k) => k.fire));
  if (shape.events && (targetService === "sqs" || targetService === "sns")) actions.add("events:PutEvents");
  return { actions: [...actions], namespaces: [...new Set(shape.unmodelled.map((u) => u.ns))] };
}

/**
 * The relayed grants of `action` the statement gives `p` on `target` (a queue or topic, `targetService` `sqs` or
 * `sns`), one per kind of source `p` can fire: `held` asks `p`'s own grants of an action. Whether `p` holds a fire
 * right at all is asked before the statement's conditions are read: most principals hold none.
 */
export function relayedGrants(
  stack: TfStack,
  p: PrincipalNode,
  s: Statement,
  action: string,
  target: {
    readonly address: string;
    readonly service: string;
    readonly pattern: string;
  },
  held: (action: string) => readonly Grant[],
): RelayedGrant[] {
  const shape = shapeOf(s);
  if (shape === NO_RELAY) return [];
  const { conditions } = shape;
  let account: string | undefined | null = null;
  const accountNow = () => (account === null ? (account = accountOf(stack, p)) : account);
  const out: RelayedGrant[] = [];
  for (const kind of shape.kinds) {
    if (!kind.delivers.includes(target.service)) continue;
    const holds = kind.fire.flatMap((a) => held(a));
    if (holds.length === 0) continue;
    const sources = admittedSources(stack, conditions, kind, accountNow());
    if (sources.length === 0) continue;
    const fires = holds.filter((g) =>
      g.resources.some((r) =>
        sources.some((src) => names(stack, kind, g, r, src)),
      ),
    );
    if (fires.length === 0) continue;
    const on = [...new Set(fires.flatMap((g) => g.resources))]
      .slice(0, 3)
      .join(", ");
    const of = accountNow() ? ` of account ${accountNow()}` : "";
    const acts = [...new Set(fires.map((g) => g.action))].join(", ");
    const fire = `${acts} on ${on}, through ${[...new Set(fires.map((g) => where(g.statement)))].slice(0, 2).join(", ")}`;
    const text = `, whose ${keysText(conditions, `${kind.noun}${of}`)}: ${kind.how(target.address, fire)}`;
    const fix = (who: string) =>
      `take ${acts} on ${on} away from ${who}, or pin ${where(s)} with aws:SourceArn to the exact ARN of the source meant to send, one ${who} cannot fire`;
    out.push({
      action,
      statement: s,
      resources: [target.pattern],
      conditional: true,
      relay: { text, fix, fires },
    });
  }
  if (shape.events && (target.service === "sqs" || target.service === "sns")) out.push(...putEventsGrants(stack, p, s, conditions, accountNow, action, target, held));
  if (shape.unmodelled.length > 0) out.push(...unmodelledGrants(stack, p, s, shape.unmodelled, conditions, accountNow, action, target));
  return out;
}

const EVENTS = KINDS.find((k) => k.service === "events.amazonaws.com")!;
const RULE_TYPES = ["aws_cloudwatch_event_rule"];

/** The resource of `types` a reference in `v` names (any attribute), if one does. */
function resourceIn(stack: TfStack, v: unknown, types: readonly string[]): TfResource | undefined {
  if (typeof v !== "string") return undefined;
  for (const part of parseTemplate(v)) {
    if (part.kind !== "interpolation") continue;
    const ref = parseReference(part.expr);
    const res = ref && ref.kind === "resource" && !ref.splat ? stack.byAddress.get(ref.address) : undefined;
    if (res && types.includes(res.type)) return res;
  }
  return undefined;
}

/**
 * The sources of custom events a rule's pattern can match (red-team round 142, F2): none for a schedule or a pattern
 * whose `source` lists only AWS services (PutEvents refuses a source starting with `aws.`), undefined for any (no
 * `source`, a content filter, a pattern blastwall cannot read).
 */
export function customSources(stack: TfStack, rule: TfResource): readonly string[] | undefined {
  const written = rule.values["event_pattern"];
  if (written === undefined || written === null) return [];
  const text = typeof written === "string" ? resolveToPattern(stack, written) : undefined;
  if (!text?.exact) return undefined;
  try {
    const source = (JSON.parse(text.pattern) as { source?: unknown }).source;
    if (!Array.isArray(source) || source.length === 0) return undefined;
    const custom = source.filter((x) => !awsOnlySource(x));
    if (custom.some((x) => typeof x !== "string")) return undefined;
    return (custom as string[]).filter((x) => !x.toLowerCase().startsWith("aws."));
  } catch {
    return undefined;
  }
}

/**
 * Whether a PutEvents grant may put an event with one of `sources` (any, undefined): an `events:source` condition of
 * a positive string operator limits it; a negated or IfExists one is read as met.
 */
export function putsSource(g: Grant, sources: readonly string[] | undefined): boolean {
  if (sources === undefined) return true;
  return g.statement.conditions
    .filter((c) => c.key.toLowerCase() === "events:source" && /^(For(All|Any)Values:)?String(Equals|Like)(IgnoreCase)?$/i.test(c.operator))
    .every((c) => c.values.some((v) => sources.some((x) => globsIntersect(v, x, CI))));
}

/** An event target of the stack that sends the event itself (no constant `input`), filed by what it sends to. */
interface EventTarget {
  readonly t: TfResource;
  /** Its place among the stack's targets: the order findings name them in. */
  readonly index: number;
  /** Its `arn` as a pattern, where no reference names a resource of the type asked. */
  readonly arn?: string;
  /** Its rule, bus and rule ARN after the account (`rule/NAME`, `rule/BUS/NAME*`): read on first use, as before. */
  rule?: { readonly rule?: TfResource; readonly busName: string; readonly ruleTail: string };
}

function ruleOf(stack: TfStack, e: EventTarget): NonNullable<EventTarget["rule"]> {
  if (e.rule) return e.rule;
  const rule = resourceIn(stack, e.t.values["rule"], RULE_TYPES);
  const busValue = e.t.values["event_bus_name"] ?? rule?.values["event_bus_name"];
  const busName = typeof busValue === "string" && busValue !== "" ? resolveToPattern(stack, busValue).pattern : "default";
  const ruleName = rule ? attributePattern(stack, rule, rule.values["name"] === undefined && rule.values["name_prefix"] !== undefined ? "name_prefix" : "name").pattern : "*";
  const ruleTail = `rule/${busName === "default" ? "" : `${busName.replace(/^.*event-bus\//, "")}/`}${ruleName}${rule?.values["name"] === undefined ? "*" : ""}`;
  return (e.rule = { rule, busName, ruleTail });
}

const eventTargetCache = new WeakMap<TfStack, Map<string, { readonly to: Map<TfResource, EventTarget[]>; readonly unnamed: readonly EventTarget[] }>>();

/**
 * The stack's event targets that may send to `to` (a queue or topic), in the stack's order: those whose `arn` refers
 * to it, and those whose `arn` refers to no resource of its type and whose pattern may be its ARN (`pattern`). Filed
 * once per stack and type: asking every target of every queue policy's statement made this targets × statements.
 */
function eventTargetsTo(stack: TfStack, to: TfResource, pattern: string): EventTarget[] {
  let byType = eventTargetCache.get(stack);
  if (!byType) eventTargetCache.set(stack, (byType = new Map()));
  let filed = byType.get(to.type);
  if (!filed) {
    const named = new Map<TfResource, EventTarget[]>();
    const unnamed: EventTarget[] = [];
    (stack.byType.get("aws_cloudwatch_event_target") ?? []).forEach((t, index) => {
      if (t.values["input"] !== undefined && t.values["input"] !== null) return;
      const arn = t.values["arn"];
      const res = resourceIn(stack, arn, [to.type]);
      if (!res && typeof arn !== "string") return;
      const e: EventTarget = { t, index };
      if (res) {
        const l = named.get(res);
        if (l) l.push(e);
        else named.set(res, [e]);
      } else unnamed.push({ ...e, arn: resolveToPattern(stack, arn as string).pattern });
    });
    byType.set(to.type, (filed = { to: named, unnamed }));
  }
  const wide = filed.unnamed.filter((e) => globsIntersect(e.arn!, pattern, CI));
  const mine = filed.to.get(to) ?? [];
  return wide.length === 0 ? mine : [...mine, ...wide].sort((a, b) => a.index - b.index);
}

/**
 * Rules of the stack that already send to the queue or topic, fired by events:PutEvents (red-team round 142, F2): an
 * event the caller puts on the rule's bus with a source its pattern matches goes to the target as events.amazonaws.com
 * with the rule's ARN as aws:SourceArn, so a statement pinned to that rule admits it. A target with a constant `input`
 * sends none of the caller's payload (as for a rule targeting the function: invoke-routes.ts `eventRoutes`). A pattern
 * that leaves the caller's events out is no limit for a caller that may also rewrite the rule (`firesOf`).
 */
function putEventsGrants(
  stack: TfStack,
  p: PrincipalNode,
  s: Statement,
  conditions: readonly Condition[],
  accountNow: () => string | undefined,
  action: string,
  target: { readonly address: string; readonly pattern: string },
  held: (action: string) => readonly Grant[],
): RelayedGrant[] {
  const puts = held("events:PutEvents");
  if (puts.length === 0) return [];
  const to = stack.byAddress.get(target.address);
  if (!to) return [];
  const account = accountNow();
  const sources = admittedSources(stack, conditions, EVENTS, account);
  if (sources.length === 0) return [];
  const out: RelayedGrant[] = [];
  let denies: readonly Statement[] | undefined;
  for (const e of eventTargetsTo(stack, to, target.pattern)) {
    const { t } = e;
    const { rule, busName, ruleTail } = ruleOf(stack, e);
    const ruleArn = `arn:*:events:*:${account ?? "*"}:${ruleTail}`;
    if (!sources.some((src) => (src.res ? src.res === rule : globsIntersect(src.pattern, ruleArn, CI)))) continue;
    const custom = rule ? customSources(stack, rule) : undefined;
    const bus = busName.startsWith("arn:") ? busName : `arn:*:events:*:*:event-bus/${busName}`;
    const { fires, rewrite, replayed } = firesOf(stack, p, t, rule, custom, bus, puts, held, (denies ??= ownDenies(p)));
    if (fires.length === 0 || busDenied(stack, denies, t, rule, bus)) continue;
    const ruleText = rule?.address ?? "a rule";
    const on = [...new Set(fires.flatMap((g) => g.resources))].slice(0, 3).join(", ");
    const fire = `events:PutEvents on ${on}, through ${[...new Set(fires.map((g) => where(g.statement)))].slice(0, 2).join(", ")}`;
    const delivers = `as events.amazonaws.com with the rule's ARN and account as aws:SourceArn and aws:SourceAccount, the caller's detail in it`;
    if (replayed) {
      const first = fires[0] as RelayedGrant;
      const text = `, whose ${keysText(conditions, ruleText)}${first.relay.text}; and ${replayedSends(ruleText, t.address)} ${target.address} as events.amazonaws.com with the rule's ARN and account as aws:SourceArn and aws:SourceAccount (the events AWS services first put, replayed)`;
      const fix = (who: string) => `${first.relay.fix(who)}, or ${replayedClose(ruleText, t.address)}`;
      out.push({ action, statement: s, resources: [target.pattern], conditional: true, relay: { text, fix, fires } });
      continue;
    }
    if (rewrite) {
      const text = `, whose ${keysText(conditions, ruleText)}: it can ${rewriteRelayText(rewrite, `the ${busName} bus`, fire, custom)}, and ${ruleText} sends them through ${t.address} to ${target.address} ${delivers} (PutRule keeps the rule's ARN)`;
      const fix = (who: string) => rewriteRelayFix(rewrite, who, on);
      out.push({ action, statement: s, resources: [target.pattern], conditional: true, relay: { text, fix, fires: [...fires, ...rewrite.grants] } });
      continue;
    }
    const matched = custom ? `a source ${ruleText} matches (${custom.slice(0, 3).join(", ")})` : `a source ${ruleText} matches`;
    const text = `, whose ${keysText(conditions, ruleText)}: it puts an event with ${matched} on the ${busName} bus (${fire}), and ${ruleText} sends it through ${t.address} to ${target.address} ${delivers}`;
    const fix = (who: string) =>
      `take events:PutEvents on ${on} away from ${who} (or limit it with an events:source condition to sources ${ruleText} does not match), or have ${ruleText} match only events of AWS services (source aws.*), which PutEvents cannot send`;
    out.push({ action, statement: s, resources: [target.pattern], conditional: true, relay: { text, fix, fires } });
  }
  return out;
}

/**
 * The caller's PutEvents grants on a rule target's bus that fire it: those that may put a source the rule matches;
 * where none may (a schedule, AWS services' sources only, an events:source condition leaving the rule's sources out),
 * every one on the bus, if the caller may rewrite the rule's pattern (rewrite-relays.ts), with that right.
 */
function firesOf(
  stack: TfStack,
  p: PrincipalNode,
  t: TfResource,
  rule: TfResource | undefined,
  custom: readonly string[] | undefined,
  bus: string,
  puts: readonly Grant[],
  held: (action: string) => readonly Grant[],
  denies: readonly Statement[],
): { readonly fires: readonly Grant[]; readonly rewrite?: Rewrite; readonly replayed?: boolean } {
  const onBus = grantsOn(puts, bus);
  if (onBus.length === 0) return { fires: onBus };
  // A rule rewritten may match anything: only as it is written does a replay it certainly misses not fire it.
  const matching = custom && custom.length === 0 ? [] : onBus.filter((g) => putsSource(g, custom) && !replayMisses(stack, g, rule));
  if (matching.length > 0) return { fires: matching };
  // A replay puts AWS services' events again, which a rule of AWS events only matches.
  const replayed = replayedFires(stack, rule, onBus);
  if (replayed.length > 0) return { fires: replayed, replayed: true };
  const rewrite = rewriteOf(stack, p, t, held, denies);
  return rewrite ? { fires: onBus, rewrite } : { fires: [] };
}

/**
 * The IAM namespace of a service principal (`cloudwatch` for `lambda.alarms.cloudwatch.amazonaws.com`, `logs` for
 * `delivery.logs.amazonaws.com`, a region after it dropped); undefined for a principal that is no AWS service's. A
 * label that is not its namespace is mapped as the reach graph maps it (`lexv2` is `lex`: red-team round 158, F6, where
 * reading `lexv2` found no grant of the `lex:` rights that run a bot's code hook); of several, the first.
 */
export function serviceNamespace(principal: string): string | undefined {
  const m = /^(.+?)(\.[a-z]{2}(-[a-z]+)+-\d)?\.amazonaws\.com(\.cn)?$/i.exec(principal);
  if (!m || /[*?]/.test(m[1])) return undefined;
  return namespacesOf(`${m[1]}.amazonaws.com`)[0];
}

/**
 * The principal's Allow statements that may grant some right of service `ns` on one of `patterns`: for a service
 * blastwall does not model, it cannot tell which right makes it deliver, so any counts (a condition, the boundary and
 * the principal's own Denies are read as not limiting it: fail closed). Each is a grant of `ns:*` for the evidence.
 */
export function serviceRights(p: PrincipalNode, ns: string, patterns: readonly string[]): Grant[] {
  const any = `${ns}:*`;
  const out: Grant[] = [];
  for (const policy of p.identityPolicies) {
    for (const st of policy.document.statements) {
      if (!actsIn(st, any)) continue;
      if (st.unknown === undefined && st.resources && !st.resources.some((r) => patterns.some((x) => globsIntersect(r, x, CI)))) continue;
      out.push({ action: any, statement: st, resources: st.resources ?? ["*"], conditional: st.conditions.length > 0 });
    }
  }
  return out;
}

/** Whether an Allow (or a statement blastwall cannot read) may grant some action of `any` (`ns:*`). */
function actsIn(st: Statement, any: string): boolean {
  const unknown = st.unknown !== undefined;
  if (st.effect !== "Allow" && !unknown) return false;
  return unknown || (st.actions ? st.actions.some((a) => globsIntersect(a, any, CI)) : !(st.notActions ?? []).some((a) => globMatch(a, any, CI)));
}

const serviceHolders = new WeakMap<PrincipalNode, Map<string, boolean>>();

/** Whether `serviceRights` may find anything for `p` and `ns`, on any resource: some statement's actions are of it. */
export function holdsServiceRight(p: PrincipalNode, ns: string): boolean {
  let byNs = serviceHolders.get(p);
  if (!byNs) serviceHolders.set(p, (byNs = new Map()));
  let out = byNs.get(ns);
  if (out === undefined) {
    const any = `${ns}:*`;
    byNs.set(ns, (out = p.identityPolicies.some((policy) => policy.document.statements.some((st) => actsIn(st, any)))));
  }
  return out;
}

/** The account an ARN pattern names, when it names one exactly. */
function accountIn(arn: string): string | undefined {
  const a = arn.split(":")[4];
  return a !== undefined && /^\d{12}$/.test(a) ? a : undefined;
}

/**
 * A statement naming a service principal blastwall does not model (red-team round 142, F3: CodeStar Notifications,
 * AWS Backup, Budgets...): fail closed. It is a route for a principal holding any right of that service on a source
 * the statement admits: one of its account, or the exact ARN its aws:SourceArn pins; an account other than the
 * principal's, or a pinned source it holds no right on, closes it.
 */
function unmodelledGrants(
  stack: TfStack,
  p: PrincipalNode,
  s: Statement,
  unmodelled: RelayShape["unmodelled"],
  conditions: readonly Condition[],
  accountNow: () => string | undefined,
  action: string,
  target: { readonly address: string; readonly pattern: string },
): RelayedGrant[] {
  const out: RelayedGrant[] = [];
  for (const { id, ns } of unmodelled) {
    if (!holdsServiceRight(p, ns)) continue;
    const account = accountNow();
    const sources = admittedSources(stack, conditions, { ...EVENTS, service: id, types: [], arn: () => "*" }, account).filter(
      (src) => account === undefined || accountIn(src.pattern) === undefined || accountIn(src.pattern) === account,
    );
    if (sources.length === 0) continue;
    const fires = serviceRights(p, ns, sources.map((x) => x.pattern));
    if (fires.length === 0) continue;
    const by = [...new Set(fires.map((g) => where(g.statement)))].slice(0, 2).join(", ");
    const pinned = sources.every((x) => !/[*?]/.test(x.pattern));
    const from = pinned ? `${id} for ${sources.map((x) => x.pattern).join(", ")}` : `${id} for a source${account ? ` of account ${account}` : ""}`;
    const text = `, whose ${keysText(conditions, from)}: blastwall does not model how ${id} delivers, so it counts any right of that service on a source the statement admits, and the caller holds rights of ${ns} (${by}), which may set such a source up to send to ${target.address} with content of its choosing`;
    const fix = (who: string) =>
      `take the ${ns} rights (${by}) away from ${who}, or pin ${where(s)} with aws:SourceArn to the exact ARN of the source meant to send, one ${who} holds no ${ns} right on`;
    out.push({ action, statement: s, resources: [target.pattern], conditional: true, relay: { text, fix, fires } });
  }
  return out;
}

/**
 * A service that invokes a function under a Lambda permission naming it (`aws_lambda_permission`, principal
 * `sns.amazonaws.com`...), and what a caller does to make it: the same gap as a queue's policy, on the function's side.
 * The permission admits every source its `source_arn` and `source_account` admit (any, with neither); a caller that
 * can make such a source invoke the function, pointed at it by the caller, runs it with a payload of its own. Every
 * right listed is needed (one of the actions of each), on a source the permission admits. What is needed only to
 * make a new source (sns:CreateTopic, s3:CreateBucket) is not asked: an existing one the caller can set up will do.
 * A service not listed here (Secrets Manager rotation, load balancers) is read fail closed: any right of it on an
 * admitted source counts (invoke-routes.ts `unmodelledRoute`); Alexa skills need no IAM right at all.
 */
export interface InvokingService {
  /** `sns`: the principal's first label; a region between it and `amazonaws.com` is read as the same service. */
  readonly service: string;
  /** The stack's resource types of its sources, which a reference in `source_arn` names. */
  readonly types: readonly string[];
  /** `an SNS topic`. */
  readonly noun: string;
  /** Its sources' ARN pattern in an account (`*`: any). */
  readonly arn: (account: string) => string;
  /** A source of the stack's ARN pattern by its name, where the engine reads its `arn` as any ARN. */
  readonly named?: (name: string) => string;
  /** The arguments a source of the stack is named by, first written first (`name`, `name_prefix` when not given). */
  readonly nameArgs?: readonly string[];
  /**
   * Its sources get an ID AWS chooses when they are made (a user pool, an API): a source of the stack named in
   * `source_arn` has an ID blastwall cannot read, and a right written on a literal ID may be on it.
   */
  readonly assignedId?: boolean;
  /**
   * Whether a source in another AWS account can invoke the function under a permission that names neither
   * `source_arn` nor `source_account` (the confused deputy the services' guides warn of): then anyone with an AWS
   * account can, with no right in this one.
   */
  readonly otherAccounts: boolean;
  /**
   * The first right is authorised on a part of the source alone (InvokeAgent on an agent's aliases): a reference to
   * the source counts only where the ARN it makes is a part's (invoke-routes.ts `Route.referencesOnPattern`).
   */
  readonly referencesOnPattern?: boolean;
  /**
   * Where the first right is on a part of the source (an agent's aliases): what the caller acts on, for messages
   * (`an alias of ${text}`), and what closes the route. There pinning source_arn is not enough: the source it pins
   * is the one meant to call the function, and whoever invokes a part of it makes it call the function.
   */
  readonly part?: {
    readonly of: (text: string) => string;
    /** `agent alias`: any part counts as one of a source of the stack, whose ID blastwall cannot read. */
    readonly name: string;
    /** `permission`: the Lambda permission's address; `source`: the source of the stack its source_arn refers to. */
    readonly closes: (permission: string, source: TfResource | undefined) => string;
  };
  /** Each right needed: one of `actions` on `on(source, account, named)`; the first is how the caller sets it up. */
  readonly needs: readonly {
    readonly actions: readonly string[];
    /**
     * The actions that count when `source_arn` names one source that exists (a reference to one of the stack, or an
     * exact ARN): those that change it. Making a new one (CreateUserPool) gives it an ID the permission does not admit.
     */
    readonly onOne?: readonly string[];
    /** `named`: the source of the stack `source_arn` refers to, when it does. */
    readonly on: (source: string, account: string, named?: TfResource) => string | readonly string[];
    /** On something other than the source (any IoT topic): no reference names it. */
    readonly other?: boolean;
  }[];
  /** How the caller makes it invoke the function, for messages. */
  readonly how: string;
}

/**
 * The API Gateway control-plane ARNs that change the API a source ARN admits: the API of the stack it refers to
 * (`/apis/ID` for an HTTP or WebSocket API, `/restapis/ID` for a REST API, its ID unknown), or the one its exact ID
 * names; any API (a new one among them) when the ID is a wildcard.
 */
function apiControl(source: string, _account: string, api?: TfResource): string | readonly string[] {
  if (api) return `arn:*:apigateway:*::/${api.type === "aws_apigatewayv2_api" ? "apis" : "restapis"}/*`;
  const id = /^arn:[^:]*:execute-api:[^:]*:[^:]*:([^/]+)/.exec(source)?.[1];
  if (id === undefined || /[*?]/.test(id)) return "arn:*:apigateway:*::/*";
  // The ID alone does not say whether it is a REST API or an HTTP or WebSocket one.
  return [`arn:*:apigateway:*::/restapis/${id}`, `arn:*:apigateway:*::/restapis/${id}/*`, `arn:*:apigateway:*::/apis/${id}`, `arn:*:apigateway:*::/apis/${id}/*`];
}

/** `arn:...:log-group:app:*` and `arn:...:log-group:app` both name the group `app`. */
const group = (s: string) => `${s.replace(/:\*$/, "")}*`;

export const INVOKING_SERVICES: readonly InvokingService[] = [
  {
    service: "sns",
    types: ["aws_sns_topic"],
    noun: "an SNS topic",
    arn: (a) => `arn:*:sns:*:${a}:*`,
    named: (n) => `arn:*:sns:*:*:${n}`,
    // A function may subscribe to a topic of another account (Lambda developer guide, "Using Lambda with Amazon SNS").
    otherAccounts: true,
    needs: [{ actions: ["sns:Subscribe"], on: (s) => s }, { actions: ["sns:Publish"], on: (s) => s }],
    how: "it subscribes the function to such a topic (protocol lambda, which asks no confirmation in the function's own account) and publishes to it, and SNS invokes the function with its message",
  },
  {
    service: "s3",
    types: ["aws_s3_bucket"],
    noun: "an S3 bucket",
    // A bucket's ARN holds no account: source_account alone decides whose buckets count.
    arn: () => "arn:*:s3:::*",
    // A bucket of another account may notify the function: source_account is the guard the Lambda guide names.
    otherAccounts: true,
    needs: [{ actions: ["s3:PutBucketNotification"], on: (s) => s }, { actions: ["s3:PutObject"], on: (s) => `${s}/*` }],
    how: "it points such a bucket's event notification at the function and writes an object to it, and S3 invokes the function with the event, whose key is the writer's",
  },
  {
    service: "logs",
    types: ["aws_cloudwatch_log_group"],
    noun: "a CloudWatch log group",
    arn: (a) => `arn:*:logs:*:${a}:log-group:*`,
    // PutSubscriptionFilter takes a Lambda function of the filter's own account only (CloudWatch Logs API reference).
    otherAccounts: false,
    needs: [{ actions: ["logs:PutSubscriptionFilter"], on: group }, { actions: ["logs:PutLogEvents"], on: (s) => `${s.replace(/:\*$/, "")}*:log-stream:*` }],
    how: "it adds a subscription filter to such a log group with the function as its destination (a function of the same account needs no role) and writes log events to it, and CloudWatch Logs invokes the function with them",
  },
  {
    service: "iot",
    types: ["aws_iot_topic_rule"],
    noun: "an IoT topic rule",
    arn: (a) => `arn:*:iot:*:${a}:rule/*`,
    named: (n) => `arn:*:iot:*:*:rule/${n}`,
    // The IoT guide: without source-arn or source-account, any AWS account that makes a rule with the function as its
    // Lambda action can invoke it.
    otherAccounts: true,
    needs: [{ actions: ["iot:CreateTopicRule", "iot:ReplaceTopicRule"], on: (s) => s }, { actions: ["iot:Publish"], on: (_s, a) => `arn:*:iot:*:${a}:topic/*`, other: true }],
    how: "it makes such a topic rule (or replaces one) with a Lambda action and a topic it publishes to, and AWS IoT invokes the function with the message",
  },
  {
    service: "ses",
    types: ["aws_ses_receipt_rule"],
    noun: "an SES receipt rule",
    arn: (a) => `arn:*:ses:*:${a}:receipt-rule-set/*`,
    // Whether a rule of another account may name the function is not documented either way: read as possible.
    otherAccounts: true,
    // Receipt rules take no resource-level permission: a grant of the action on `*` is the usual one.
    needs: [{ actions: ["ses:CreateReceiptRule", "ses:UpdateReceiptRule"], on: (s) => s }],
    how: "it adds a rule with a Lambda action to a receipt rule set (or changes one), and mail anyone sends to an address the account receives for makes SES invoke the function with it",
  },
  {
    service: "cognito-idp",
    types: ["aws_cognito_user_pool"],
    noun: "a Cognito user pool",
    arn: (a) => `arn:*:cognito-idp:*:${a}:userpool/*`,
    assignedId: true,
    // Whether a pool of another account may name the function as a trigger is not documented either way: read as possible.
    otherAccounts: true,
    // A new pool gets an ID of AWS's choosing, which a source_arn naming one pool does not admit (red-team round 145, F5).
    needs: [{ actions: ["cognito-idp:UpdateUserPool", "cognito-idp:CreateUserPool"], onOne: ["cognito-idp:UpdateUserPool"], on: (s) => s }],
    how: "it sets the function as a trigger of such a user pool (one of its own, or by updating one) that lets anyone sign up, and a sign-up makes Cognito invoke the function with the attributes sent",
  },
  {
    service: "apigateway",
    types: ["aws_api_gateway_rest_api", "aws_apigatewayv2_api"],
    noun: "an API Gateway API",
    arn: (a) => `arn:*:execute-api:*:${a}:*`,
    assignedId: true,
    // An integration may call a function of another account (API Gateway, cross-account Lambda integrations).
    otherAccounts: true,
    // Pinned to one API, only a change of that API uses the permission (red-team round 145, F4): a new API, or another
    // one, invokes with its own execution ARN as the source.
    needs: [{ actions: ["apigateway:POST", "apigateway:PUT", "apigateway:PATCH"], on: apiControl }],
    how: "it makes an API (or changes one) with an integration that invokes the function and a method that asks no authorization, and a call to it makes API Gateway invoke the function with the request",
  },
  {
    service: "lambda.alarms.cloudwatch",
    types: ["aws_cloudwatch_metric_alarm"],
    noun: "a CloudWatch alarm",
    arn: (a) => `arn:*:cloudwatch:*:${a}:alarm:*`,
    // An alarm's ARN ends in its name (red-team round 145, F3: a reference to the alarm was read as any alarm).
    named: (n) => `arn:*:cloudwatch:*:*:alarm:${n}`,
    nameArgs: ["alarm_name"],
    // CloudWatch may invoke a function of another account (CloudWatch guide, "Invoke a Lambda function from an alarm").
    otherAccounts: true,
    needs: [{ actions: ["cloudwatch:PutMetricAlarm"], on: (s) => s }],
    how: "it makes such an alarm (or changes one) with the function as its action, and each change of the alarm's state makes CloudWatch invoke the function with the alarm's name, description and state, which are the caller's",
  },
  {
    // AWS Config runs a custom Lambda rule's evaluations by invoking its function as config.amazonaws.com, the rule's
    // ARN as the source (rules/config-rule-routes.ts reads the rules of the stack, and organization rules). A rule's ARN
    // ends in an ID AWS generates: a reference names one, any other right on a rule may be on it. A rule that exists takes
    // a new source (PutConfigRule replaces it whole), so the right is the same on one rule as on any.
    service: "config",
    types: ["aws_config_config_rule"],
    noun: "an AWS Config rule",
    arn: (a) => `arn:*:config:*:${a}:config-rule/*`,
    named: () => "arn:*:config:*:*:config-rule/*",
    assignedId: true,
    // A custom rule may name a function of another account (AWS Config's guide asks for source_account for that reason).
    otherAccounts: true,
    needs: [{ actions: ["config:PutConfigRule"], on: (s) => s }],
    how: "it makes a custom Lambda rule (or rewrites one) with the function as its source, input parameters of its choosing and a scope it picks, and AWS Config invokes the function with those parameters and the configuration items of the resources in scope",
  },
  {
    // Bedrock Agents call an action group's function (and an agent's orchestration or parser function) as
    // bedrock.amazonaws.com with the agent's ARN as aws:SourceArn (red-team round 156, F5). Flows and knowledge bases
    // call functions as their own role instead (bedrock-routes.ts). Only a right that invokes an agent counts, not every
    // right of bedrock (InvokeModel runs no function).
    service: "bedrock",
    types: ["aws_bedrockagent_agent"],
    noun: "a Bedrock agent",
    arn: (a) => `arn:*:bedrock:*:${a}:agent/*`,
    assignedId: true,
    // Whether an agent of another account may call the function is not documented either way: read as possible.
    otherAccounts: true,
    // `${aws_bedrockagent_agent.x.agent_arn}` names no alias, which InvokeAgent is authorised on (red-team round 158, F8).
    referencesOnPattern: true,
    // Not "set up the agent to invoke a function", nor a right on `${aws_bedrockagent_agent.NAME.id}`, which names
    // nothing InvokeAgent is authorised on (red-team round 158, F7): the permission's source_arn is the agent's ARN,
    // and the route closes when the caller may invoke no alias of an agent it admits.
    part: {
      of: (text) => `an alias of ${text}`,
      name: "agent alias",
      closes: (p, agent) =>
        agent
          ? `keep source_arn on ${p} on the one agent meant to call the function (\${${agent.address}.agent_arn}), and take bedrock:InvokeAgent on the aliases of ${agent.address} (and bedrock:InvokeInlineAgent) away from the caller`
          : `set source_arn on ${p} to the ARN of the one agent meant to call the function (\${aws_bedrockagent_agent.NAME.agent_arn}), and take bedrock:InvokeAgent on that agent's aliases (and bedrock:InvokeInlineAgent) away from the caller`,
    },
    // An agent the permission admits is one meant to call the function: invoking an alias of it is enough, whatever its
    // action groups are (they may be set outside the stack). An inline agent takes its action groups from the caller,
    // and which source ARN Bedrock sends for it is not documented: InvokeInlineAgent (which takes `*` only) counts.
    needs: [{ actions: ["bedrock:InvokeAgent", "bedrock:InvokeInlineAgent"], on: (s, a, named) => (!named && /:agent\/[^/]+$/.test(s) ? s.replace(/:agent\//, ":agent-alias/") + "/*" : `arn:*:bedrock:*:${a}:agent-alias/*/*`) }],
    how: "it invokes an alias of such an agent (or an inline agent with an action group of its own), and Bedrock calls the function with parameters the model derives from the caller's prompt",
  },
];

/** The modelled service a permission's principal is (`logs.eu-west-1.amazonaws.com` is `logs`); undefined for another. */
export function invokingService(principal: string): InvokingService | undefined {
  const m = /^(.+?)(\.[a-z]{2}(-[a-z]+)+-\d)?\.amazonaws\.com(\.cn)?$/i.exec(principal);
  return m ? INVOKING_SERVICES.find((s) => s.service === m[1].toLowerCase()) : undefined;
}

/**
 * Rules of the stack that send the caller's events to a Kinesis stream, for `kinesis:PutRecord` / `PutRecords` (the
 * write an event source mapping or a pipe reading the stream counts): an event it puts on the rule's bus with a source
 * the pattern matches is written to the stream by EventBridge, under the target's role, with its detail in the record.
 * No resource policy is asked (a stream admits EventBridge through that role, not a policy); a target with no role, or
 * one whose role cannot write, is still counted (fail closed). A target whose `arn` blastwall cannot read may be any
 * stream. The grant goes through the caller's PutEvents statement, the relay saying how; a rule whose pattern leaves
 * the caller's events out relays them too for a caller that may rewrite it (`firesOf`).
 */
export function streamRelays(stack: TfStack, p: PrincipalNode, action: string, held: (action: string) => readonly Grant[]): RelayedGrant[] {
  const targets = streamTargets(stack);
  if (targets.length === 0) return [];
  const puts = held("events:PutEvents");
  if (puts.length === 0) return [];
  const out: RelayedGrant[] = [];
  let denies: readonly Statement[] | undefined;
  for (const { t, stream, pattern, rule, busName, custom, bus } of targets) {
    const { fires, rewrite, replayed } = firesOf(stack, p, t, rule, custom, bus, puts, held, (denies ??= ownDenies(p)));
    if (fires.length === 0) continue;
    if (busDenied(stack, denies, t, rule, bus)) continue;
    const ruleText = rule?.address ?? "a rule";
    const streamText = stream?.address ?? `the stream ${pattern}`;
    const on = [...new Set(fires.flatMap((g) => g.resources))].slice(0, 3).join(", ");
    const fire = `events:PutEvents on ${on}, through ${[...new Set(fires.map((g) => where(g.statement)))].slice(0, 2).join(", ")}`;
    if (replayed) {
      const first = fires[0] as RelayedGrant;
      const text = `${first.relay.text}; and ${replayedSends(ruleText, t.address)} ${streamText}, EventBridge writing the record under the target's role (the events AWS services first put, replayed)`;
      const fix = (who: string) => `${first.relay.fix(who)}, or ${replayedClose(ruleText, t.address)}`;
      out.push({ action, statement: fires[0].statement, resources: [pattern], conditional: true, relay: { text, fix, fires } });
      continue;
    }
    if (rewrite) {
      const text = `: it can ${rewriteRelayText(rewrite, `the ${busName} bus`, fire, custom)}, and ${ruleText} sends them through ${t.address} to ${streamText}, EventBridge writing the record under the target's role, the caller's detail in it`;
      const fix = (who: string) => `${rewriteRelayFix(rewrite, who, on)}, or give ${t.address} a constant input`;
      out.push({ action, statement: fires[0].statement, resources: [pattern], conditional: true, relay: { text, fix, fires: [...fires, ...rewrite.grants] } });
      continue;
    }
    const matched = custom ? `a source ${ruleText} matches (${custom.slice(0, 3).join(", ")})` : `a source ${ruleText} matches`;
    const text = `: it puts an event with ${matched} on the ${busName} bus (${fire}), and ${ruleText} sends it through ${t.address} to ${streamText}, EventBridge writing the record under the target's role, the caller's detail in it`;
    const fix = (who: string) =>
      `take events:PutEvents on ${on} away from ${who} (or limit it with an events:source condition to sources ${ruleText} does not match), or have ${ruleText} match only events of AWS services (source aws.*), which PutEvents cannot send, or give ${t.address} a constant input`;
    out.push({ action, statement: fires[0].statement, resources: [pattern], conditional: true, relay: { text, fix, fires } });
  }
  return out;
}

/** A rule target that may write the caller's event to a stream: what `streamRelays` reads of it, whoever asks. */
interface StreamTarget {
  readonly t: TfResource;
  readonly stream?: TfResource;
  /** The stream's ARN pattern (a target whose `arn` blastwall cannot read: any). */
  readonly pattern: string;
  readonly rule?: TfResource;
  readonly busName: string;
  readonly custom: readonly string[] | undefined;
  /** The bus's ARN pattern. */
  readonly bus: string;
}

const streamTargetCache = new WeakMap<TfStack, readonly StreamTarget[]>();

/**
 * The stack's rule targets that may write to a stream, in the stack's order: read once per stack. Read for every
 * principal in every round of the held writes' fixed point (held-writes.ts), a stack of 4,000 buses parsed each target
 * dozens of times (red-team round 157, F3).
 */
function streamTargets(stack: TfStack): readonly StreamTarget[] {
  let out = streamTargetCache.get(stack);
  if (out) return out;
  const list: StreamTarget[] = [];
  (stack.byType.get("aws_cloudwatch_event_target") ?? []).forEach((t, index) => {
    if (t.values["input"] !== undefined && t.values["input"] !== null) return;
    const stream = resourceIn(stack, t.values["arn"], STREAM_TYPES);
    const arn = t.values["arn"];
    const pattern = stream ? `arn:*:kinesis:*:*:stream/${attributePattern(stack, stream, "name").pattern}` : typeof arn === "string" ? resolveToPattern(stack, arn).pattern : undefined;
    if (!pattern || (!stream && !globsIntersect(pattern, "arn:*:kinesis:*:*:stream/*", CI))) return;
    const { rule, busName } = ruleOf(stack, { t, index });
    const custom = rule ? customSources(stack, rule) : undefined;
    const bus = busName.startsWith("arn:") ? busName : `arn:*:events:*:*:event-bus/${busName}`;
    list.push({ t, ...(stream ? { stream } : {}), pattern, ...(rule ? { rule } : {}), busName, custom, bus });
  });
  streamTargetCache.set(stack, (out = list));
  return out;
}

const STREAM_TYPES = ["aws_kinesis_stream"];

/**
 * Whether the caller's own Denies certainly refuse events:PutEvents on the bus a target's rule is on. Its grants of
 * PutEvents on `*` stand beside such a Deny (only a bus policy's grant is filtered by it: invoke-policies.ts), and the
 * relay asks only for a grant: the Deny is asked here. A bus of the stack is asked by reference, as the routes ask it;
 * another by pattern, in the partition of the rule's region.
 */
function busDenied(stack: TfStack, denies: readonly Statement[], t: TfResource, rule: TfResource | undefined, bus: string): boolean {
  if (denies.length === 0) return false;
  const res = resourceIn(stack, t.values["event_bus_name"] ?? rule?.values["event_bus_name"], ["aws_cloudwatch_event_bus"]);
  return deniedOnAll(stack, denies, "events:PutEvents", [res ? { pattern: bus, target: res, suffix: "" } : { pattern: bus, target: rule }]);
}
