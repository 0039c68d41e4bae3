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
 * is read as met (fail closed). Other services that deliver this way (CloudWatch alarms, SES) are not modelled.
 */
import type { Grant, PrincipalNode } from "../engine/analysis-types";
import type { Condition, Statement } from "../engine/iam/types";
import type { TfResource, TfStack } from "../engine/terraform/types";
import { globMatch, globsIntersect } from "../engine/iam/glob";
import { arnAccount, resourceAccount } from "../engine/terraform/providers";
import {
  hasInterpolation,
  referencedResource,
  resolveToPattern,
} from "../engine/terraform/tokens";
import { writtenReferences } from "../engine/reach/resource-index";
import { where } from "./support";

const CI = { caseInsensitive: true } as const;

/** What a relayed grant adds to the route: how the caller makes the service send, and how to close that. */
export interface Relay {
  /** `, which its aws:SourceAccount condition (...) admits: ...`: appended to the statement it goes through. */
  readonly text: string;
  /** What to take away from `who` or pin, instead of the send right it does not hold. */
  readonly fix: (who: string) => string;
  /** The caller's own grants that fire the source (evidence). */
  readonly fires: readonly Grant[];
}

/** A grant of a queue's or topic's send right that the caller uses through a service's delivery. */
export interface RelayedGrant extends Grant {
  readonly relay: Relay;
}

export const isRelayed = (g: Grant): g is RelayedGrant =>
  (g as Partial<RelayedGrant>).relay !== undefined;

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
  /** The caller's action that makes it send, and the resource that action is on, from the source's ARN pattern. */
  readonly fire: string;
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
    fire: "sns:Publish",
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
    fire: "events:PutTargets",
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
    fire: "s3:PutObject",
    on: (s) => `${s}/*`,
    how: (t, f) =>
      `it writes objects to such a bucket (${f}) whose event notification goes to ${t}, and S3 delivers the event as s3.amazonaws.com with the bucket's ARN and owner as aws:SourceArn and aws:SourceAccount`,
  },
];

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

/**
 * The relayed grants of `action` the statement gives `p` on `target` (a queue or topic, `targetService` `sqs` or
 * `sns`), one per kind of source `p` can fire: `held` asks `p`'s own grants of an action.
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
  const conditions = sourceConditions(s);
  if (conditions.length === 0 && !namesService(s)) return [];
  const account = accountOf(stack, p);
  const out: RelayedGrant[] = [];
  for (const kind of KINDS) {
    if (
      !kind.delivers.includes(target.service) ||
      !admitsService(s, kind.service)
    )
      continue;
    const sources = admittedSources(stack, conditions, kind, account);
    if (sources.length === 0) continue;
    const fires = held(kind.fire).filter((g) =>
      g.resources.some((r) =>
        sources.some((src) => names(stack, kind, g, r, src)),
      ),
    );
    if (fires.length === 0) continue;
    const on = [...new Set(fires.flatMap((g) => g.resources))]
      .slice(0, 3)
      .join(", ");
    const of = account ? ` of account ${account}` : "";
    const fire = `${kind.fire} on ${on}, through ${[...new Set(fires.map((g) => where(g.statement)))].slice(0, 2).join(", ")}`;
    const text = `, whose ${keysText(conditions, `${kind.noun}${of}`)}: ${kind.how(target.address, fire)}`;
    const fix = (who: string) =>
      `take ${kind.fire} on ${on} away from ${who}, or pin ${where(s)} with aws:SourceArn to the exact ARN of the source meant to send, one ${who} cannot fire`;
    out.push({
      action,
      statement: s,
      resources: [target.pattern],
      conditional: true,
      relay: { text, fix, fires },
    });
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
 * Services not listed here (Secrets Manager rotation, which also asks lambda:InvokeFunction of the caller; load
 * balancers; Alexa) are not modelled.
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
  /** Each right needed: one of `actions` on `on(source, account)`; the first is how the caller sets it up. */
  readonly needs: readonly {
    readonly actions: readonly string[];
    readonly on: (source: string, account: string) => string;
    /** On something other than the source (any IoT topic, the API Gateway control plane): no reference names it. */
    readonly other?: boolean;
  }[];
  /** How the caller makes it invoke the function, for messages. */
  readonly how: string;
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
    needs: [{ actions: ["sns:Subscribe"], on: (s) => s }, { actions: ["sns:Publish"], on: (s) => s }],
    how: "it subscribes the function to such a topic (protocol lambda, which asks no confirmation in the function's own account) and publishes to it, and SNS invokes the function with its message",
  },
  {
    service: "s3",
    types: ["aws_s3_bucket"],
    noun: "an S3 bucket",
    // A bucket's ARN holds no account: source_account alone decides whose buckets count.
    arn: () => "arn:*:s3:::*",
    needs: [{ actions: ["s3:PutBucketNotification"], on: (s) => s }, { actions: ["s3:PutObject"], on: (s) => `${s}/*` }],
    how: "it points such a bucket's event notification at the function and writes an object to it, and S3 invokes the function with the event, whose key is the writer's",
  },
  {
    service: "logs",
    types: ["aws_cloudwatch_log_group"],
    noun: "a CloudWatch log group",
    arn: (a) => `arn:*:logs:*:${a}:log-group:*`,
    needs: [{ actions: ["logs:PutSubscriptionFilter"], on: group }, { actions: ["logs:PutLogEvents"], on: (s) => `${s.replace(/:\*$/, "")}*:log-stream:*` }],
    how: "it adds a subscription filter to such a log group with the function as its destination (a function of the same account needs no role) and writes log events to it, and CloudWatch Logs invokes the function with them",
  },
  {
    service: "iot",
    types: ["aws_iot_topic_rule"],
    noun: "an IoT topic rule",
    arn: (a) => `arn:*:iot:*:${a}:rule/*`,
    named: (n) => `arn:*:iot:*:*:rule/${n}`,
    needs: [{ actions: ["iot:CreateTopicRule", "iot:ReplaceTopicRule"], on: (s) => s }, { actions: ["iot:Publish"], on: (_s, a) => `arn:*:iot:*:${a}:topic/*`, other: true }],
    how: "it makes such a topic rule (or replaces one) with a Lambda action and a topic it publishes to, and AWS IoT invokes the function with the message",
  },
  {
    service: "ses",
    types: ["aws_ses_receipt_rule"],
    noun: "an SES receipt rule",
    arn: (a) => `arn:*:ses:*:${a}:receipt-rule-set/*`,
    // Receipt rules take no resource-level permission: a grant of the action on `*` is the usual one.
    needs: [{ actions: ["ses:CreateReceiptRule", "ses:UpdateReceiptRule"], on: (s) => s }],
    how: "it adds a rule with a Lambda action to a receipt rule set (or changes one), and mail anyone sends to an address the account receives for makes SES invoke the function with it",
  },
  {
    service: "cognito-idp",
    types: ["aws_cognito_user_pool"],
    noun: "a Cognito user pool",
    arn: (a) => `arn:*:cognito-idp:*:${a}:userpool/*`,
    needs: [{ actions: ["cognito-idp:UpdateUserPool", "cognito-idp:CreateUserPool"], on: (s) => s }],
    how: "it sets the function as a trigger of such a user pool (one of its own, or by updating one) that lets anyone sign up, and a sign-up makes Cognito invoke the function with the attributes sent",
  },
  {
    service: "apigateway",
    types: ["aws_api_gateway_rest_api", "aws_apigatewayv2_api"],
    noun: "an API Gateway API",
    arn: (a) => `arn:*:execute-api:*:${a}:*`,
    needs: [{ actions: ["apigateway:POST", "apigateway:PUT", "apigateway:PATCH"], on: () => "arn:*:apigateway:*::/*", other: true }],
    how: "it makes an API (or changes one) with an integration that invokes the function and a method that asks no authorization, and a call to it makes API Gateway invoke the function with the request",
  },
  {
    service: "lambda.alarms.cloudwatch",
    types: ["aws_cloudwatch_metric_alarm"],
    noun: "a CloudWatch alarm",
    arn: (a) => `arn:*:cloudwatch:*:${a}:alarm:*`,
    needs: [{ actions: ["cloudwatch:PutMetricAlarm"], on: (s) => s }],
    how: "it makes such an alarm (or changes one) with the function as its action, and each change of the alarm's state makes CloudWatch invoke the function with the alarm's name, description and state, which are the caller's",
  },
];

/** The modelled service a permission's principal is (`logs.eu-west-1.amazonaws.com` is `logs`); undefined for another. */
export function invokingService(principal: string): InvokingService | undefined {
  const m = /^(.+?)(\.[a-z]{2}(-[a-z]+)+-\d)?\.amazonaws\.com(\.cn)?$/i.exec(principal);
  return m ? INVOKING_SERVICES.find((s) => s.service === m[1].toLowerCase()) : undefined;
}
