/**
 * HTTP front doors into functions of the stack (red-team round 152): an API Gateway method or route that asks no auth
 * (or whose Cognito or JWT authorizer takes a token anyone can get) in front of a Lambda integration, an internet-facing Application Load Balancer forwarding to a Lambda target
 * group, a CloudFront distribution running a Lambda@Edge function on viewer or origin requests, and an AppSync
 * resolver whose data source is a function, and an AgentCore gateway's Lambda target or interceptor (round 156), and
 * a Lambda authorizer's own function, which runs on the caller's token before any auth decision (authorizer-routes.ts),
 * and an AWS_IAM function URL a distribution's origin access control signs for, or an internal load balancer a
 * CloudFront VPC origin serves to the internet (round 169a, engine/reach/cloudfront-origins.ts). Each
 * runs the function with a request the caller writes. All but the AppSync and gateway ones with IAM auth ask no IAM
 * right: open routes, as a function URL with authorization_type NONE is
 * (invoke-routes.ts). Doors that make a service act with a role of the stack (an AWS integration's credentials, a
 * data source's service role) are reach edges (engine/reach/edges-front-doors.ts).
 */
import type { TfResource, TfStack } from "../engine/terraform/types";
import { blocksOf, callsLambda, graphqlAccess, GRAPHQL_APIS, httpAccess, restAccess, type DoorAccess } from "../engine/reach/front-doors";
import { oneReferenced, referencedIn } from "../engine/terraform/referenced";
import { bodiesOf } from "../engine/reach/openapi-doors";
import { exactPattern, resolveToPattern } from "../engine/terraform/tokens";
import { albCognitoAdmits, albLetsUnauthenticated, albOidcAdmits, AUTHORIZER_LABEL, type Admits, type LambdaDoor, type LoginDoor } from "../engine/reach/authorizers";
import { attributePattern } from "../engine/terraform/tokens";
import type * as IdentityPools from "../engine/reach/identity-pools";
import { lazy } from "../engine/lazy";

// identity-pools.ts loads only for a stack with a door behind a closed user pool authorizer.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const identityPools = lazy(() => require("../engine/reach/identity-pools") as typeof IdentityPools);
import { functionsOf, type Route } from "./invoke-routes";
import type { DenyAsk } from "./invoke-denies";
import { GATEWAY_ARN, gatewayDoorsOf, GATEWAYS, INVOKE_GATEWAY, RELAY_HOPS, type GatewayDoor } from "../engine/reach/gateway-doors";
import { credentialText, doorSigner, relayPasses, type NamedDoor, type Signer } from "../engine/reach/mcp-server-doors";
import { authorizerRoutes } from "./authorizer-routes";
import { signedUrlOrigins, vpcFrontOf, vpcFrontText } from "../engine/reach/cloudfront-origins";
import { globsIntersect } from "../engine/iam/glob";

const isTrue = (v: unknown) => v === true || v === "true";
const unset = (v: unknown): boolean => v === undefined || v === null || v === "";
const API_TYPES = ["aws_api_gateway_rest_api", "aws_apigatewayv2_api"];
const isFalse = (v: unknown) => v === false || v === "false";

/**
 * A route through a door whose Lambda authorizer blastwall cannot read (engine/reach/authorizers.ts `LambdaDoor`):
 * open, as a door whose authorizer anyone passes, since the code may let anyone through. A route into a function is a
 * warning (an error under --strict) however open its door, which is the weight of a link blastwall cannot read.
 */
function lambdaRoute(via: TfResource, functions: TfResource[], verb: string, how: string, door: LambdaDoor): Route {
  return openRoute(via, functions, verb, how, door.text, door.fix, door.label);
}

/** A route anyone can use, into the functions a value names; `label`: why, where not for want of any auth (an authorizer anyone passes). */
function openRoute(via: TfResource, functions: TfResource[], verb: string, how: string, text: string, fix: string, label?: string): Route {
  return { via, targetText: via.address, actions: [], pattern: "*", types: [], functions, verb, how, denyAsks: [], open: { text, fix, ...(label ? { label } : {}) } };
}

const USER_POOLS = ["aws_cognito_user_pool"];

/**
 * Routes through doors behind a closed user pool authorizer (engine/reach/authorizers.ts `LoginDoor`): whoever may
 * make itself a user of the pool (identity-pools.ts `poolLoginRights`: AdminCreateUser, AdminSetUserPassword,
 * UpdateUserPool to turn on sign-up...) signs in with Cognito's public calls, which ask no IAM right, and passes the
 * authorizer with the token (red-team round 157, F1). `how`: what the door does with the request, after its place.
 */
function loginRoutes(stack: TfStack, via: TfResource, functions: TfResource[], logins: readonly LoginDoor[] | undefined, how: string): Route[] {
  const out: Route[] = [];
  for (const login of logins ?? []) {
    const pool = login.pool;
    const pattern = attributePattern(stack, pool, "arn").pattern;
    const denyAsks = [{ pattern, target: pool, suffix: "" }];
    const rights = identityPools().poolLoginRights(stack, pool);
    const route = { via, target: pool, targetText: pool.address, pattern, types: USER_POOLS, functions, verb: `make itself a user of ${pool.address}`, how: `, and so pass the authorizer of ${login.where}${how}`, denyAsks, pin: login.fix };
    out.push({ ...route, actions: rights.actions });
    for (const [first, second] of rights.pairs) out.push({ ...route, actions: [first], also: [{ actions: [second], pattern, target: pool, types: USER_POOLS, denyAsks }] });
  }
  return out;
}

/** Every front-door route of the stack into a function. */
export function frontDoorRoutes(stack: TfStack): Route[] {
  return [...apiDoorRoutes(stack), ...albRoutes(stack), ...edgeRoutes(stack), ...signedUrlRoutes(stack), ...graphqlRoutes(stack), ...gatewayRoutes(stack), ...relayRoutes(stack), ...authorizerRoutes(stack)];
}

/** Whether an integration's type and URI may call a function (a Lambda proxy or AWS integration, or a URI it cannot read). */
function lambdaIntegration(stack: TfStack, type: unknown, uri: unknown): boolean {
  const t = exactPattern(stack, type);
  if (t !== undefined && t !== "AWS_PROXY" && t !== "AWS") return false;
  return callsLambda(stack, uri) || !resolveToPattern(stack, typeof uri === "string" ? uri : "").exact;
}

/**
 * A Lambda integration whose method (REST) or route (HTTP API) asks no auth: anyone calls the function with the
 * request. IAM-authorised ones are invoke-routes.ts `apiRoutes` (execute-api:Invoke).
 */
function apiDoorRoutes(stack: TfStack): Route[] {
  const out: Route[] = [];
  const add = (i: TfResource, type: unknown, uri: unknown, access: () => DoorAccess) => {
    if (!lambdaIntegration(stack, type, uri)) return;
    const a = access();
    if (a.kind !== "open") {
      if (a.logins) out.push(...loginRoutes(stack, i, functionsOf(stack, uri), a.logins, ", which invokes"));
      if (a.lambda) out.push(lambdaRoute(i, functionsOf(stack, uri), `call ${i.address}`, ", whose integration invokes", a.lambda));
      return;
    }
    out.push(openRoute(i, functionsOf(stack, uri), `call ${i.address}`, ", whose integration invokes", a.text, a.fix, a.label));
  };
  for (const i of stack.byType.get("aws_api_gateway_integration") ?? []) add(i, i.values["type"], i.values["uri"], () => restAccess(stack, i));
  for (const i of stack.byType.get("aws_apigatewayv2_integration") ?? []) {
    if (i.values["integration_subtype"] !== undefined && i.values["integration_subtype"] !== null) continue;
    add(i, i.values["integration_type"], i.values["integration_uri"], () => httpAccess(stack, i));
  }
  return [...out, ...bodyRoutes(stack), ...quickCreateRoutes(stack)];
}

/**
 * The same doors in an OpenAPI body (engine/reach/openapi-doors.ts): an operation with no auth whose integration calls
 * a function. A body blastwall cannot read may hold one into every function a Lambda permission lets API Gateway
 * invoke from that API (or from any API): fail closed.
 */
function bodyRoutes(stack: TfStack): Route[] {
  const out: Route[] = [];
  const bodies = bodiesOf(stack);
  for (const o of bodies.operations) {
    if (!unset(o.subtype) || (o.access.kind !== "open" && !o.access.logins && !o.access.lambda)) continue;
    if (o.type !== undefined && o.type !== "aws_proxy" && o.type !== "aws") continue;
    if (!callsLambda(stack, o.uri) && resolveToPattern(stack, typeof o.uri === "string" ? o.uri : "").exact) continue;
    const functions = functionsOf(stack, o.uri);
    if (functions.length === 0) continue;
    if (o.access.kind === "open") out.push(openRoute(o.api, functions, `call ${o.where} of ${o.api.address}`, ", whose integration invokes", o.access.text, o.access.fix, o.access.label));
    else {
      out.push(...loginRoutes(stack, o.api, functions, o.access.logins, ", whose integration invokes"));
      if (o.access.lambda) out.push(lambdaRoute(o.api, functions, `call ${o.where} of ${o.api.address}`, ", whose integration invokes", o.access.lambda));
    }
  }
  for (const u of bodies.unread) {
    const functions = apiGatewayPermissions(stack).functionsFor(u.api);
    if (functions.length === 0) continue;
    out.push(
      openRoute(
        u.api,
        functions,
        `call ${u.api.address}`,
        ", whose Lambda permission lets API Gateway invoke",
        `through ${u.api.address}, an API whose OpenAPI body blastwall cannot read in full (it reads JSON text or jsonencode, and $refs inside the document), so any operation of it may ask no auth and invoke a function a Lambda permission lets API Gateway invoke`,
        `write the body of ${u.api.address} as JSON text or with jsonencode, every operation with a security requirement of an awsSigv4 scheme`,
      ),
    );
  }
  return out;
}

/** The Lambda permissions of a stack that let API Gateway invoke, sorted by the APIs their source_arn names. */
interface ApiGatewayPermissions {
  /** The functions of every permission for any API or for `api`, each once, in the order of the stack's permissions. */
  functionsFor(api: TfResource): TfResource[];
}

const permissionsCache = new WeakMap<TfStack, ApiGatewayPermissions>();

/**
 * Sorted once per stack: body by body over every permission, re-reading each source_arn, a stack of 2,000 REST APIs
 * (one in five with an unread body) spent 42% of its check there. A permission whose source_arn is unset or names no
 * API is for any API; one naming APIs is for those alone. Principals blastwall cannot read count as API Gateway.
 */
function apiGatewayPermissions(stack: TfStack): ApiGatewayPermissions {
  const hit = permissionsCache.get(stack);
  if (hit) return hit;
  const any: number[] = [];
  const byApi = new Map<TfResource, number[]>();
  const functionsByIndex: TfResource[][] = [];
  (stack.byType.get("aws_lambda_permission") ?? []).forEach((p, i) => {
    const principal = exactPattern(stack, p.values["principal"]);
    if (principal !== undefined && principal !== "*" && !/^apigateway\.amazonaws\.com(\.cn)?$/.test(principal)) return;
    const src = p.values["source_arn"];
    const apis = unset(src) ? [] : referencedIn(stack, src).filter((r) => API_TYPES.includes(r.type));
    functionsByIndex[i] = functionsOf(stack, p.values["function_name"]);
    if (apis.length === 0) any.push(i);
    for (const api of apis) {
      const l = byApi.get(api);
      if (l) l.push(i);
      else byApi.set(api, [i]);
    }
  });
  const functionsIn = (indices: readonly number[]) => [...new Set(indices.flatMap((i) => functionsByIndex[i]!))];
  const forAny = functionsIn(any);
  const out: ApiGatewayPermissions = {
    functionsFor(api) {
      const own = byApi.get(api);
      // A copy: routes are built from it, and no route shares another's list.
      if (!own) return [...forAny];
      // Both lists are in stack order: merged, the functions come in the order the permissions are written.
      const merged: number[] = [];
      let a = 0;
      let b = 0;
      while (a < any.length || b < own.length) merged.push(b >= own.length || (a < any.length && any[a]! < own[b]!) ? any[a++]! : own[b++]!);
      return functionsIn(merged);
    },
  };
  permissionsCache.set(stack, out);
  return out;
}

/** HTTP API quick create (`target`): CreateApi makes a `$default` route with no auth and a Lambda proxy integration. */
function quickCreateRoutes(stack: TfStack): Route[] {
  const out: Route[] = [];
  for (const api of stack.byType.get("aws_apigatewayv2_api") ?? []) {
    const target = api.values["target"];
    if (unset(target)) continue;
    if (!callsLambda(stack, target) && resolveToPattern(stack, typeof target === "string" ? target : "").exact && !/:lambda:/.test(String(target))) continue;
    const functions = functionsOf(stack, target);
    if (functions.length === 0) continue;
    out.push(
      openRoute(
        api,
        functions,
        `call ${api.address}`,
        ", whose quick-create target is",
        `through ${api.address}, an HTTP API made by quick create (target), whose $default route asks no auth at all, which anyone can call over HTTPS`,
        `drop target from ${api.address} and write its route (aws_apigatewayv2_route) with authorization_type = "AWS_IAM", or an authorizer`,
      ),
    );
  }
  return out;
}

const LBS = ["aws_lb", "aws_alb"];
const LISTENERS = ["aws_lb_listener", "aws_alb_listener"];
const LISTENER_RULES = ["aws_lb_listener_rule", "aws_alb_listener_rule"];
const TARGET_GROUPS = ["aws_lb_target_group", "aws_alb_target_group"];
const ATTACHMENTS = ["aws_lb_target_group_attachment", "aws_alb_target_group_attachment"];

const ofTypes = (stack: TfStack, types: readonly string[]) => types.flatMap((t) => stack.byType.get(t) ?? []);

/**
 * Who an ALB forward admits once an authenticate action before it (same action list, by `order`) has run: undefined,
 * anyone; `closed`, only users of an identity provider outside IAM (an issuer of one organisation alone, a user pool
 * that lets no one sign up); `some`, whoever gets past an action that strangers pass (`who`): a user pool that allows
 * self sign-up (Cognito's default), or one not in the stack, or a federated provider anyone has an account with that
 * the action's app client enables; an issuer that gives tokens to anyone, or one blastwall cannot read; an action
 * that lets a request with no session through (`on_unauthenticated_request = "allow"`).
 */
type Gate = undefined | { readonly kind: "closed"; readonly logins?: readonly TfResource[] } | { readonly kind: "some"; readonly text: string; readonly fix: (listener: string) => string; readonly who: string };

/** The judgement of an authenticate action (engine/reach/authorizers.ts), as for API Gateway's authorizers. */
function authGate(stack: TfStack, type: "authenticate-cognito" | "authenticate-oidc", auth: Record<string, unknown> | undefined): Gate {
  const unauthenticated = albLetsUnauthenticated(stack, auth);
  if (unauthenticated) return { kind: "some", text: `an ${type} action with ${unauthenticated}`, fix: (l) => `set on_unauthenticated_request = "authenticate" (or "deny") on the ${type} action of ${l}`, who: "anyone who can reach it" };
  if (type === "authenticate-cognito") {
    const a = albCognitoAdmits(stack, auth);
    return a.kind === "anyone" ? { kind: "some", text: `an authenticate-cognito action on ${a.text}`, fix: () => a.fix, who: "whoever signs up" } : closedGate(a);
  }
  const a = albOidcAdmits(stack, auth);
  return a.kind === "anyone" ? { kind: "some", text: `an authenticate-oidc action that takes tokens of ${a.text}`, fix: (l) => `${a.fix}, in the authenticate-oidc action of ${l}`, who: "whoever signs in" } : closedGate(a);
}

/** A closed gate, with the user pools whose login rights pass it (a user pool's, or an OIDC issuer that is one). */
function closedGate(a: Admits): Gate {
  return a.kind === "closed" && a.logins && a.logins.length > 0 ? { kind: "closed", logins: a.logins } : { kind: "closed" };
}

/**
 * The target groups an action block forwards to (`target_group_arn`, or a weighted `forward { target_group { arn } }`),
 * each with the gate of the authenticate actions ordered before it. An order blastwall cannot read gates nothing.
 */
function forwardedGroups(stack: TfStack, actions: unknown): { forwards: { group: TfResource; gate: Gate }[]; unread: boolean } {
  const forwards: { group: TfResource; gate: Gate }[] = [];
  let unread = false;
  const listed = blocksOf(actions).map((a, i) => {
    const o = a["order"];
    const order = o === undefined || o === null ? i + 1 : typeof o === "number" ? o : /^\d+$/.test(String(o)) ? Number(o) : NaN;
    return { a, order };
  });
  const ordered = listed.every((x) => !Number.isNaN(x.order));
  for (const { a, order } of listed) {
    const before = ordered ? listed.filter((x) => x.order < order).map((x) => x.a) : [];
    const gates: Gate[] = before.flatMap((b): Gate[] => {
      const type = exactPattern(stack, b["type"]);
      if (type === "authenticate-oidc") return [authGate(stack, type, blocksOf(b["authenticate_oidc"])[0])];
      if (type === "authenticate-cognito") return [authGate(stack, type, blocksOf(b["authenticate_cognito"])[0])];
      return [];
    });
    // Every authenticate action before the forward must pass: one that admits no stranger closes it; one that admits
    // only the organisation's logins (no login right passes it) before one on a user pool.
    const closed = gates.filter((g) => g?.kind === "closed");
    const gate: Gate = gates.length === 0 ? undefined : closed.find((g) => !g.logins) ?? closed[0] ?? gates[0];
    const values = [a["target_group_arn"], ...blocksOf(a["forward"]).flatMap((f) => blocksOf(f["target_group"]).map((g) => g["arn"]))].filter((v) => v !== undefined && v !== null);
    for (const v of values) {
      const hit = referencedIn(stack, v).filter((r) => TARGET_GROUPS.includes(r.type));
      if (hit.length === 0) unread = true;
      for (const g of hit) forwards.push({ group: g, gate });
    }
  }
  return { forwards, unread };
}

/** The most open gate of the forwards of one action list to each group: anyone, else whoever gets past a gate strangers pass. */
function gatesTo(stack: TfStack, actions: unknown): Map<TfResource, Gate> {
  const byGroup = new Map<TfResource, Gate[]>();
  for (const f of forwardedGroups(stack, actions).forwards) byGroup.set(f.group, [...(byGroup.get(f.group) ?? []), f.gate]);
  return new Map([...byGroup].map(([g, gates]) => [g, gates.includes(undefined) ? undefined : gates.find((x) => x?.kind === "some") ?? gates[0]]));
}

/**
 * The fronts that forward to each target group, with the gate before: a listener (by its default action, or by a rule
 * of its), or a rule whose listener is not in the stack. Read once for every group, listeners first, then rules, in
 * the stack's order: group by group over every listener and rule, a stack of 2,000 load balancers took seconds.
 */
function frontsByGroup(stack: TfStack, listeners: readonly TfResource[], rules: readonly TfResource[]): Map<TfResource, { front: TfResource; gate: Gate }[]> {
  const out = new Map<TfResource, { front: TfResource; gate: Gate }[]>();
  const note = (g: TfResource, front: TfResource, gate: Gate) => {
    const l = out.get(g);
    if (l) l.push({ front, gate });
    else out.set(g, [{ front, gate }]);
  };
  for (const l of listeners) for (const [g, gate] of gatesTo(stack, l.values["default_action"])) note(g, l, gate);
  for (const r of rules) {
    const gates = gatesTo(stack, r.values["action"]);
    if (gates.size === 0) continue;
    const owners = referencedIn(stack, r.values["listener_arn"]).filter((x) => LISTENERS.includes(x.type));
    for (const [g, gate] of gates) {
      if (owners.length === 0) note(g, r, gate);
      for (const l of owners) note(g, l, gate);
    }
  }
  return out;
}

/**
 * An Application Load Balancer that is internet-facing (`internal` false or unset) runs a Lambda target group's
 * function with every HTTP request a listener (or listener rule) of it forwards there: no IAM right. A listener on a
 * load balancer the stack does not make may be on an internet-facing one (fail closed). An authenticate action before
 * the forward leaves it to the identity provider's users: an issuer of one organisation alone or a user pool that lets
 * no one sign up is outside IAM (no route, as an API Gateway authorizer on such a pool or issuer); one strangers get
 * past (self sign-up, a public issuer, `on_unauthenticated_request = "allow"`) is a route for them.
 */
function albRoutes(stack: TfStack): Route[] {
  const lambdaGroups = ofTypes(stack, TARGET_GROUPS).filter((g) => exactPattern(stack, g.values["target_type"]) === "lambda" || (g.values["target_type"] !== undefined && exactPattern(stack, g.values["target_type"]) === undefined));
  if (lambdaGroups.length === 0) return [];
  const out: Route[] = [];
  const attached = new Map<TfResource, TfResource[]>();
  for (const a of ofTypes(stack, ATTACHMENTS)) {
    for (const g of referencedIn(stack, a.values["target_group_arn"])) {
      const l = attached.get(g);
      if (l) l.push(a);
      else attached.set(g, [a]);
    }
  }
  let byGroup: Map<TfResource, { front: TfResource; gate: Gate }[]> | undefined;
  for (const g of lambdaGroups) {
    const functions = [...new Set((attached.get(g) ?? []).flatMap((a) => functionsOf(stack, a.values["target_id"])))];
    if (functions.length === 0) continue;
    byGroup ??= frontsByGroup(stack, ofTypes(stack, LISTENERS), ofTypes(stack, LISTENER_RULES));
    // The listeners that forward to the group (by their default action, or by a rule of theirs), with the gate before.
    const fronts = new Map<TfResource, Gate[]>();
    for (const { front, gate } of byGroup.get(g) ?? []) {
      const gates = fronts.get(front);
      if (gates) gates.push(gate);
      else fronts.set(front, [gate]);
    }
    for (const [l, gates] of fronts) {
      const gate = gates.includes(undefined) ? undefined : gates.find((x) => x?.kind === "some");
      if (gates.length > 0 && !gates.includes(undefined) && !gate) {
        out.push(...listenerLoginRoutes(stack, l, g, functions, gates));
        continue;
      }
      const exposed = lbExposure(stack, l);
      if (!exposed) continue;
      const { which, closeLb } = exposed;
      const some = gate?.kind === "some" ? gate : undefined;
      out.push(
        openRoute(
          l,
          functions,
          `send HTTP requests to ${l.address}`,
          `, which forwards to ${g.address}, whose target is`,
          some
            ? `through ${l.address} of ${which}, forwarding to ${g.address} (target_type lambda) after ${some.text}: ${some.who} runs the function with a request of their own`
            : `through ${l.address} of ${which}, forwarding to ${g.address} (target_type lambda): anyone who can reach it runs the function with a request of their own`,
          some
            ? `${some.fix(l.address)}, or ${closeLb}, or take the function out of ${g.address}`
            : `${closeLb}, or put an authenticate-oidc action on an issuer of your organisation alone (or an authenticate-cognito one on a user pool that lets no one sign up) before the forward on ${l.address}, or take the function out of ${g.address}`,
          some ? AUTHORIZER_LABEL : undefined,
        ),
      );
    }
  }
  return out;
}

/**
 * Whether the load balancer of listener (or rule) `l` answers the internet, and how messages name it and close it:
 * internet-facing (`internal` false, unset or unread), not made by the stack (it may be), or internal but served to
 * the internet by a CloudFront VPC origin (engine/reach/cloudfront-origins.ts, red-team round 169a, F3). A network
 * load balancer has no Lambda targets. Undefined: an internal load balancer no VPC origin serves.
 */
function lbExposure(stack: TfStack, l: TfResource): { which: string; closeLb: string } | undefined {
  const lb = LISTENERS.includes(l.type) ? oneReferenced(stack, l.values["load_balancer_arn"], LBS) : undefined;
  if (!lb) return { which: "a load balancer the stack does not make, which may be internet-facing", closeLb: `forward ${l.address} only from an internal load balancer` };
  if (exactPattern(stack, lb.values["load_balancer_type"]) === "network") return undefined;
  const internal = lb.values["internal"];
  if (isTrue(internal)) {
    const front = vpcFrontOf(stack, lb);
    if (!front) return undefined;
    const off = front.unread ? `write the arn of ${front.vpcOrigin.address} as a reference to the load balancer it serves, or take ${lb.address} out of it` : `take ${lb.address} out of ${front.vpcOrigin.address} (vpc_origin_endpoint_config)`;
    return { which: `${lb.address}, an internal load balancer that ${vpcFrontText(front)}`, closeLb: off };
  }
  const how = internal === undefined || internal === null || isFalse(internal) ? "that is internet-facing (internal is false or unset)" : "that may be internet-facing (internal cannot be read)";
  return { which: `${lb.address}, a load balancer ${how}`, closeLb: `make ${lb.address} internal (internal = true)` };
}

/**
 * The routes through a listener whose forwards to a Lambda group are all behind authenticate actions that admit no
 * stranger: one on a user pool of the stack passes whoever may make itself a user of it (`loginRoutes`), where the
 * load balancer may be internet-facing.
 */
function listenerLoginRoutes(stack: TfStack, l: TfResource, g: TfResource, functions: TfResource[], gates: readonly Gate[]): Route[] {
  const pools = [...new Set(gates.flatMap((x) => (x?.kind === "closed" ? (x.logins ?? []) : [])))];
  if (pools.length === 0) return [];
  const exposed = lbExposure(stack, l);
  if (!exposed) return [];
  const fix = exposed.closeLb;
  const logins = pools.map((pool) => ({ pool, where: `the authenticate-cognito (or authenticate-oidc) action of ${l.address}, which forwards to ${g.address}`, fix }));
  return loginRoutes(stack, l, functions, logins, ", whose target is");
}

/**
 * A CloudFront distribution with a Lambda@Edge association runs the function on every request of its event type
 * (viewer or origin, request or response) with the request's URI, query, headers and, with include_body, body:
 * anyone on the internet. Lambda@Edge runs replicas in the regions nearest the viewers, as the function's own role.
 */
function edgeRoutes(stack: TfStack): Route[] {
  const out: Route[] = [];
  for (const d of stack.byType.get("aws_cloudfront_distribution") ?? []) {
    if (isFalse(d.values["enabled"])) continue;
    const behaviors = [...blocksOf(d.values["default_cache_behavior"]), ...blocksOf(d.values["ordered_cache_behavior"])];
    const associations = behaviors.flatMap((b) => blocksOf(b["lambda_function_association"]));
    const functions = [...new Set(associations.flatMap((a) => functionsOf(stack, a["lambda_arn"])))];
    if (functions.length === 0) continue;
    const events = [...new Set(associations.map((a) => exactPattern(stack, a["event_type"]) ?? "an event type blastwall cannot read"))].join(", ");
    out.push(
      openRoute(
        d,
        functions,
        `send requests to ${d.address}`,
        ", whose Lambda@Edge association runs",
        `through ${d.address}, a CloudFront distribution whose lambda_function_association (${events}) runs the function with every request anyone sends it (Lambda@Edge: replicas in many regions, as the function's own role)`,
        `take the lambda_function_association off ${d.address}, or give the function a role that cannot delete`,
      ),
    );
  }
  return out;
}

/**
 * A CloudFront distribution whose origin access control signs what it sends an AWS_IAM function URL of the stack
 * (engine/reach/cloudfront-origins.ts, red-team round 169a, F2): CloudFront passes the URL's IAM auth as itself, so
 * anyone who calls the distribution runs the function with a request of their own, as with authorization_type NONE.
 */
function signedUrlRoutes(stack: TfStack): Route[] {
  return signedUrlOrigins(stack).flatMap(({ distribution: d, url, oac, unsign, maybe }) => {
    const all = functionsOf(stack, url.values["function_name"]);
    // A literal host is tied to a URL of the stack only by its function's permission for this distribution (170b F3).
    const functions = maybe?.kind === "literal" ? admitsCloudFront(stack, d, all) : all;
    if (functions.length === 0) return [];
    const origin = maybe ? `origin's ${maybe.text} ${url.address}` : `origin is ${url.address}`;
    // AWS admits CloudFront's signature only with a permission for it: said as the stack shows it (red-team 171a F9).
    const permitted = admitsCloudFront(stack, d, functions).length === functions.length;
    const admits = permitted
      ? "which the function's Lambda permission for cloudfront.amazonaws.com admits"
      : "which a Lambda permission for cloudfront.amazonaws.com admits (this stack grants none for the function, but one may be granted outside it)";
    const pin = maybe ? `write the origin's domain_name with a reference to the URL ("\${${url.address}.url_id}.lambda-url.REGION.on.aws") so blastwall can tell which function it is, and ` : "";
    return [
      openRoute(
        d,
        functions,
        `send requests to ${d.address}`,
        maybe ? `, whose origin may be ${url.address}, the URL of` : `, whose origin ${url.address} is the URL of`,
        `through ${d.address}, a CloudFront distribution whose ${origin} (a function URL with authorization_type AWS_IAM) behind ${oac}: CloudFront signs the requests it sends there as itself, ${admits}, so anyone who can reach the distribution calls the URL as if it asked no auth`,
        `${pin}if the function is not meant to be public, ${unsign}, so that only callers who hold lambda:InvokeFunctionUrl get through`,
      ),
    ];
  });
}

/**
 * The functions among `fns` a Lambda permission lets CloudFront invoke from a source that may be distribution `d`:
 * principal cloudfront.amazonaws.com (or one blastwall cannot read), source_arn unset (any distribution), naming `d`,
 * or a pattern that may be its ARN.
 */
function admitsCloudFront(stack: TfStack, d: TfResource, fns: readonly TfResource[]): TfResource[] {
  const out = new Set<TfResource>();
  const arn = attributePattern(stack, d, "arn").pattern || "*";
  for (const p of stack.byType.get("aws_lambda_permission") ?? []) {
    const principal = exactPattern(stack, p.values["principal"]);
    if (principal !== undefined && principal !== "*" && principal !== "cloudfront.amazonaws.com") continue;
    const src = p.values["source_arn"];
    const refs = unset(src) ? [] : referencedIn(stack, src);
    const from = unset(src) || (refs.length > 0 ? refs.includes(d) : typeof src !== "string" || globsIntersect(resolveToPattern(stack, src).pattern, arn, { caseInsensitive: true }));
    if (!from) continue;
    for (const f of functionsOf(stack, p.values["function_name"])) if (fns.includes(f)) out.add(f);
  }
  return [...out];
}

/**
 * An AppSync resolver whose data source is a function runs it with the GraphQL arguments: appsync:GraphQL on the API
 * for IAM auth; anyone holding the API's key for API_KEY auth, or a token of a user pool or issuer anyone gets one of
 * (engine/reach/authorizers.ts). A Lambda authorizer's code is not read: it may let anyone through.
 */
function graphqlRoutes(stack: TfStack): Route[] {
  const out: Route[] = [];
  for (const ds of stack.byType.get("aws_appsync_datasource") ?? []) {
    const type = exactPattern(stack, ds.values["type"]);
    if (type !== undefined && type !== "AWS_LAMBDA") continue;
    const config = blocksOf(ds.values["lambda_config"])[0];
    if (!config) continue;
    const functions = functionsOf(stack, config["function_arn"]);
    if (functions.length === 0) continue;
    const api = oneReferenced(stack, ds.values["api_id"], GRAPHQL_APIS);
    const access = graphqlAccess(stack, api, ds);
    if (access.kind === "open") {
      out.push(openRoute(ds, functions, `run resolvers of ${api?.address ?? "its API"}`, ", whose data source runs", access.text, `${access.fix}, or take the function off ${ds.address}`, access.label));
      continue;
    }
    out.push(...loginRoutes(stack, ds, functions, access.logins, ", which runs"));
    if (access.lambda) out.push(lambdaRoute(ds, functions, `run resolvers of ${api?.address ?? "its API"}`, ", whose data source runs", { ...access.lambda, fix: `${access.lambda.fix}, or take the function off ${ds.address}` }));
    if (access.kind !== "iam") continue;
    const text = api?.address ?? "a GraphQL API";
    const pattern = "arn:*:appsync:*:*:apis/*";
    out.push({ via: ds, target: api, targetText: text, actions: ["appsync:GraphQL"], pattern, types: GRAPHQL_APIS, functions, verb: `run resolvers of ${text}`, how: `, whose data source ${ds.address} invokes`, denyAsks: [{ pattern, target: undefined, suffix: undefined }] });
  }
  return out;
}

/**
 * An AgentCore gateway's Lambda target runs the function with the tool arguments of an MCP tools/call, and its
 * interceptor Lambda with every request (engine/reach/gateway-doors.ts): bedrock-agentcore:InvokeGateway on the
 * gateway under IAM auth; whoever gets a token its JWT authorizer takes, or anyone, otherwise.
 */
function gatewayRoutes(stack: TfStack): Route[] {
  const out: Route[] = [];
  for (const d of gatewayDoorsOf(stack)) {
    if (!d.invokes) continue;
    const functions = functionsOf(stack, d.lambda);
    if (functions.length === 0) continue;
    const how = d.via === d.gateway ? ", whose interceptor (it gets every request) is" : `, whose Lambda target ${d.via.address} invokes`;
    const off = d.via === d.gateway ? `take the interceptor off ${d.gateway?.address ?? "its AgentCore gateway"}` : `take the function off ${d.via.address}`;
    out.push(...toolRoutes(stack, d, functions, how, off));
  }
  return out;
}

/** The routes through a gateway door into functions: as the gateway's access admits its callers (see gatewayRoutes). */
function toolRoutes(stack: TfStack, d: GatewayDoor, functions: TfResource[], how: string, off: string, signers?: readonly Signer[]): Route[] {
  const text = d.gateway?.address ?? "its AgentCore gateway";
  const verb = `call tools of ${text}`;
  const signed = signers && signers.length > 0 ? { signers } : {};
  if (d.access.kind === "open") return [{ ...openRoute(d.via, functions, verb, how, d.access.text, `${d.access.fix}, or ${off}`, d.access.label), ...signed }];
  const out = loginRoutes(stack, d.via, functions, d.access.logins, how).map((r) => ({ ...r, ...signed }));
  if (d.access.kind === "iam") out.push({ via: d.via, target: d.gateway, targetText: text, actions: [INVOKE_GATEWAY], pattern: GATEWAY_ARN, types: GATEWAYS, functions, verb, how, denyAsks: gatewayDenyAsks(d.gateway), ...signed });
  return out;
}

/** A door into functions an MCP server endpoint may name: what it runs, who passes it, and the roles that must sign for it. */
interface FunctionDoor {
  readonly via: TfResource;
  readonly functions: TfResource[];
  readonly access: DoorAccess;
  readonly signers?: readonly Signer[];
}

/**
 * The doors into functions of the door an endpoint names (engine/reach/mcp-server-doors.ts): an API's Lambda
 * integrations (and OpenAPI body operations) with their method's or route's auth, a gateway's Lambda targets and
 * interceptors, a function URL under IAM auth (one with none is open to anyone already: invoke-routes.ts
 * `urlRoutes`); and, a few hops on, what a gateway's own MCP server targets reach.
 */
function functionDoorsOf(stack: TfStack, door: NamedDoor, hop = 0): FunctionDoor[] {
  if (door.kind === "url") {
    const functions = functionsOf(stack, door.url.values["function_name"]);
    return exactPattern(stack, door.url.values["authorization_type"]) === "AWS_IAM" ? [{ via: door.url, functions, access: { kind: "iam" } }] : [];
  }
  if (door.kind === "gateway") {
    const own = gatewayDoorsOf(stack).filter((d) => d.gateway === door.gateway);
    const out: FunctionDoor[] = own.filter((d) => d.invokes).map((d) => ({ via: d.via, functions: functionsOf(stack, d.lambda), access: d.access }));
    // The door is the first relay's; past RELAY_HOPS relays, gateway-doors.ts `deepRelays` reports an unseen door.
    if (hop < RELAY_HOPS - 1) for (const d of own) if (d.relay) out.push(...relayed(stack, d, functionDoorsOf(stack, d.relay.door, hop + 1)));
    return out;
  }
  const api = door.api;
  const out: FunctionDoor[] = [];
  for (const i of stack.byType.get("aws_api_gateway_integration") ?? []) {
    if (oneReferenced(stack, i.values["rest_api_id"], [api.type]) === api && lambdaIntegration(stack, i.values["type"], i.values["uri"])) out.push({ via: i, functions: functionsOf(stack, i.values["uri"]), access: restAccess(stack, i) });
  }
  for (const i of stack.byType.get("aws_apigatewayv2_integration") ?? []) {
    if (!unset(i.values["integration_subtype"]) || oneReferenced(stack, i.values["api_id"], [api.type]) !== api) continue;
    if (lambdaIntegration(stack, i.values["integration_type"], i.values["integration_uri"])) out.push({ via: i, functions: functionsOf(stack, i.values["integration_uri"]), access: httpAccess(stack, i) });
  }
  for (const o of bodiesOf(stack).operations) {
    if (o.api !== api || !unset(o.subtype) || (o.type !== undefined && o.type !== "aws_proxy" && o.type !== "aws")) continue;
    if (callsLambda(stack, o.uri) || !resolveToPattern(stack, typeof o.uri === "string" ? o.uri : "").exact) out.push({ via: o.api, functions: functionsOf(stack, o.uri), access: o.access });
  }
  return out;
}

/** The doors behind a relay target's endpoint its gateway's call passes, as doors of the gateway (with its access). */
function relayed(stack: TfStack, d: GatewayDoor, inner: readonly FunctionDoor[]): FunctionDoor[] {
  const out: FunctionDoor[] = [];
  for (const f of inner) {
    const pass = relayPasses(d.relay!.cred, f.access);
    if (!pass || f.functions.length === 0) continue;
    const signers = [...(f.signers ?? []), ...(pass === "signed" ? [doorSigner(stack, d.gateway, d.relay!.door, f.functions)] : [])];
    out.push({ via: f.via, functions: f.functions, access: d.access, ...(signers.length > 0 ? { signers } : {}) });
  }
  return out;
}

/**
 * An MCP server target whose endpoint is another door of the stack (engine/reach/mcp-server-doors.ts): whoever may
 * call the gateway's tools runs the functions behind that door, wherever the gateway's credentials get past its auth.
 */
function relayRoutes(stack: TfStack): Route[] {
  const out: Route[] = [];
  for (const d of gatewayDoorsOf(stack)) {
    if (!d.relay) continue;
    const by = d.relay.door.by.address;
    for (const f of relayed(stack, d, functionDoorsOf(stack, d.relay.door))) {
      const how = `, whose MCP server target ${d.via.address} calls ${by} ${credentialText(d.relay.cred)}, which gets past the auth of ${f.via.address}, which invokes`;
      out.push(...toolRoutes(stack, d, f.functions, how, `take ${d.via.address} off ${d.gateway?.address ?? "its gateway"}, or give it credentials ${f.via.address} does not take`, f.signers));
    }
  }
  return out;
}

/**
 * What a Deny must refuse InvokeGateway on to close a gateway's door: the gateway, by pattern in the partition its
 * region puts it in, or by a reference to it (`${aws_bedrockagentcore_gateway.gw.gateway_arn}`), as a function's ARN
 * is asked (red-team round 158, F5); any gateway when the stack does not make it.
 */
function gatewayDenyAsks(gateway: TfResource | undefined): DenyAsk[] {
  return [{ pattern: GATEWAY_ARN, target: gateway, suffix: gateway ? "" : undefined }];
}
