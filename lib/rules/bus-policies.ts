/**
 * Event bus resource policies as grants of events:PutEvents (invoke-policies.ts `policyGrants`): an
 * `aws_cloudwatch_event_bus_policy` (a whole policy document) or an `aws_cloudwatch_event_permission` (one statement
 * AWS writes into the bus's policy, PutPermission) naming the agent's ARN, or everyone, lets it put events on the bus
 * with no identity Allow of its own: the rules of that bus then hand its events to functions and other compute.
 *
 * IAM semantics (AWS IAM User Guide, "Policy evaluation for requests within a single account" and "Cross-account
 * policy evaluation logic"; EventBridge User Guide, "Permissions for event buses"): within one account, either an
 * identity Allow or a resource policy Allow naming the role or user suffices; naming the account (its root ARN or a
 * bare account id, which is what an event permission's `principal` is) only delegates to that account's identity
 * policies, which are the agent's own grants and already counted (`mayName` leaves the account out). Across
 * accounts both are needed; blastwall does not know which account a bus lives in, so a policy naming the agent
 * counts as the grant wherever the bus is (an over-approximation for a bus in another account whose caller holds no
 * identity Allow: fail closed). Fairly sure: both user guides say this in so many words; EventBridge documents no
 * exception to the general rule for PutEvents.
 *
 * Fail closed: a policy blastwall cannot read is an unknown statement (Allow * to everyone); an event bus name it
 * cannot resolve is any bus; a `principal` or `action` it cannot resolve is everyone, every action; a condition block
 * it cannot read is left out (the grant is then wider, not narrower).
 */
import type { Condition, Statement } from "../engine/iam/types";
import type { TfResource, TfStack } from "../engine/terraform/types";
import { makeSource } from "../engine/iam/policy-json";
import { resourcePolicyDocument } from "../engine/resource-policies";
import { attributePattern, hasInterpolation, parseReference, parseTemplate, resolveToPattern } from "../engine/terraform/tokens";

export interface BusPolicy {
  /** The bus of the stack the policy is on; undefined for the default bus or one named by a literal. */
  readonly target: TfResource | undefined;
  /** The bus's ARN pattern, as the routes write it (`arn:*:events:*:*:event-bus/NAME`). */
  readonly pattern: string;
  readonly statements: readonly Statement[];
}

const BUS = "aws_cloudwatch_event_bus";

/** The stack's event bus policies and event permissions, each with the bus it is on. */
export function busPolicies(stack: TfStack): BusPolicy[] {
  const out: BusPolicy[] = [];
  for (const res of stack.byType.get("aws_cloudwatch_event_bus_policy") ?? []) {
    const on = busOf(stack, res.values["event_bus_name"]);
    out.push({ ...on, statements: resourcePolicyDocument(stack, res, "policy").statements });
  }
  for (const res of stack.byType.get("aws_cloudwatch_event_permission") ?? []) {
    const on = busOf(stack, res.values["event_bus_name"]);
    out.push({ ...on, statements: [permissionStatement(stack, res, on.pattern)] });
  }
  return out;
}

/** The bus an `event_bus_name` names: unset is the account's default bus; a name or ARN that does not resolve is any. */
function busOf(stack: TfStack, v: unknown): { target: TfResource | undefined; pattern: string } {
  if (v === undefined || v === null || v === "") return { target: undefined, pattern: "arn:*:events:*:*:event-bus/default" };
  const bus = referencedBus(stack, v);
  if (bus) return { target: bus, pattern: `arn:*:events:*:*:event-bus/${attributePattern(stack, bus, "name").pattern}` };
  const written = typeof v === "string" ? resolveToPattern(stack, v).pattern : "*";
  return { target: undefined, pattern: written.startsWith("arn:") ? written : `arn:*:events:*:*:event-bus/${written}` };
}

function referencedBus(stack: TfStack, v: unknown): TfResource | undefined {
  if (typeof v !== "string") return undefined;
  for (const p of parseTemplate(v)) {
    if (p.kind !== "interpolation") continue;
    const ref = parseReference(p.expr);
    const res = ref && ref.kind === "resource" && !ref.splat ? stack.byAddress.get(ref.address) : undefined;
    if (res && res.type === BUS) return res;
  }
  return undefined;
}

/**
 * The statement PutPermission adds: `principal` (an account id, or `*`) may call `action` (events:PutEvents when
 * unset) on the bus, under `condition` (an organization, `aws:PrincipalOrgID`).
 */
function permissionStatement(stack: TfStack, res: TfResource, bus: string): Statement {
  const v = res.values;
  const exactOr = (x: unknown, wide: string) => {
    if (typeof x !== "string" || x === "") return wide;
    const r = resolveToPattern(stack, x);
    return r.exact ? r.pattern : wide;
  };
  const action = v["action"] === undefined || v["action"] === null || v["action"] === "" ? "events:PutEvents" : exactOr(v["action"], "events:*");
  return {
    source: makeSource(res.address, 0, typeof v["statement_id"] === "string" ? v["statement_id"] : undefined, undefined, res.constructPath),
    effect: "Allow",
    actions: [action.toLowerCase()],
    writtenActions: [action],
    resources: [bus],
    principals: [{ type: "AWS", identifiers: [exactOr(v["principal"], "*")] }],
    conditions: permissionConditions(v["condition"]),
    ...(typeof v["principal"] === "string" && hasInterpolation(v["principal"]) ? { approximatePrincipals: true } : {}),
  };
}

/** The `condition` block ({type, key, value}), as a policy condition; nothing when it is unset or unreadable. */
function permissionConditions(block: unknown): Condition[] {
  const one = Array.isArray(block) ? (block.length === 1 ? block[0] : undefined) : block;
  if (!one || typeof one !== "object") return [];
  const { type, key, value } = one as Record<string, unknown>;
  if (typeof type !== "string" || typeof key !== "string" || typeof value !== "string") return [];
  return [{ operator: type, key, values: [value] }];
}
