/**
 * A Lambda authorizer's own function is a front door (red-team round 162, F5). API Gateway runs a REST TOKEN or
 * REQUEST authorizer, or an HTTP API REQUEST one, on a request to a method or route that uses it, with the caller's
 * token or request, before any auth decision: that is how the decision is made. AppSync runs an AWS_LAMBDA provider's
 * authorizer on a request with the caller's authorization token the same way. So whoever can reach the API (anyone,
 * for a public one) runs the function with input of their choosing, with no IAM right, as a function URL with no auth
 * is run: an open route into it, graded as every route into a function is (rules/function-invokes.ts).
 *
 * An authorizer of the stack that no method or route of the stack uses may be used by one outside it, whose
 * authorizer_id is the same: it counts as used (fail closed). A private API, or a resource policy, does not count as
 * keeping an agent off the API: one running in the account's VPC reaches a private one, and the policy is not read;
 * the message says which (api-reach.ts). IoT custom authorizers, Transfer Family identity providers and AppSync Event
 * API authorizers are read in service-authorizer-routes.ts.
 */
import { exactPattern } from "../engine/terraform/tokens";
import type { TfResource, TfStack } from "../engine/terraform/types";
import { oneReferenced } from "../engine/terraform/referenced";
import { blocksOf } from "../engine/reach/front-doors";
import { bodiesOf } from "../engine/reach/openapi-doors";
import { functionsOf, type Route } from "./invoke-routes";
import { serviceAuthorizerRoutes } from "./service-authorizer-routes";
import { whoReaches } from "./api-reach";

const unset = (v: unknown): boolean => v === undefined || v === null || v === "";

/** `A, B, C and 2 more`. */
function listed(names: readonly string[]): string {
  return names.length <= 3 ? names.join(", ") : `${names.slice(0, 3).join(", ")} and ${names.length - 3} more`;
}

/** What the authorizer is handed, by its type. */
function input(type: string | undefined): string {
  if (type === "TOKEN") return "the caller's token";
  if (type === "REQUEST") return "the caller's request (its headers, query string, path and context)";
  return "the caller's token or request";
}

/** A route anyone can use into `functions`: `text` says where and why, `fix` how to close it. */
function route(via: TfResource, functions: TfResource[], verb: string, text: string, fix: string): Route {
  return { via, targetText: via.address, actions: [], pattern: "*", types: [], functions, verb, how: ", whose Lambda authorizer runs", denyAsks: [], open: { text, fix } };
}

const userIndexes = new WeakMap<TfStack, Map<string, Map<TfResource, TfResource[]>>>();

/**
 * The methods (or routes) of the stack by the one authorizer their authorizer_id names, read once per stack and type:
 * asked authorizer by authorizer over every method, a stack of many APIs was authorizers x methods.
 */
function usersOf(stack: TfStack, userType: string, authorizerType: string): Map<TfResource, TfResource[]> {
  let mine = userIndexes.get(stack);
  if (!mine) userIndexes.set(stack, (mine = new Map()));
  let index = mine.get(userType);
  if (index) return index;
  index = new Map();
  for (const m of stack.byType.get(userType) ?? []) {
    const a = oneReferenced(stack, m.values["authorizer_id"], [authorizerType]);
    if (!a) continue;
    const list = index.get(a);
    if (list) list.push(m);
    else index.set(a, [m]);
  }
  mine.set(userType, index);
  return index;
}

/**
 * REST and HTTP API authorizers with a function (`authorizer_uri`): a TOKEN or REQUEST one, or one whose type blastwall
 * cannot read (a Cognito or JWT authorizer names no function). `users` are the methods or routes of the stack whose
 * authorizer_id names it and whose authorization is CUSTOM, or cannot be read.
 */
function apiAuthorizerRoutes(stack: TfStack, kind: "rest" | "http"): Route[] {
  const rest = kind === "rest";
  const [authorizerType, typeKey, userType, authKey, authName] = rest
    ? ["aws_api_gateway_authorizer", "type", "aws_api_gateway_method", "authorization", "method"]
    : ["aws_apigatewayv2_authorizer", "authorizer_type", "aws_apigatewayv2_route", "authorization_type", "route"];
  const out: Route[] = [];
  for (const a of stack.byType.get(authorizerType) ?? []) {
    if (a.mode !== "managed" || unset(a.values["authorizer_uri"])) continue;
    // REST's type defaults to TOKEN; an HTTP API's is required.
    const type = rest && unset(a.values[typeKey]) ? "TOKEN" : exactPattern(stack, a.values[typeKey]);
    if (type === "COGNITO_USER_POOLS" || type === "JWT") continue;
    const functions = functionsOf(stack, a.values["authorizer_uri"]);
    if (functions.length === 0) continue;
    const api = oneReferenced(stack, a.values[rest ? "rest_api_id" : "api_id"], [rest ? "aws_api_gateway_rest_api" : "aws_apigatewayv2_api"]);
    const apiText = api?.address ?? "an API blastwall cannot find in the stack";
    const who = whoReaches(stack, api);
    const users = usersOf(stack, userType, authorizerType).get(a)?.filter((m) => {
      const auth = exactPattern(stack, m.values[authKey]);
      return auth === undefined || auth === "CUSTOM";
    }) ?? [];
    const what = `${a.address}, a Lambda authorizer (${type ?? "a type blastwall cannot read"}) of ${apiText}`;
    const how = rest ? 'authorization = "AWS_IAM"' : 'authorization_type = "AWS_IAM"';
    const text =
      users.length > 0
        ? `through ${what}, which API Gateway runs with ${input(type)} on every request to ${listed(users.map((m) => m.address))} (${authKey} "CUSTOM"), before any auth decision: ${who} runs it with input of their choosing`
        : `through ${what}, which no ${authName} of the stack uses (${authKey} "CUSTOM" with its authorizer_id), but one outside it may, and API Gateway runs it with ${input(type)} on every request to such a ${authName}, before any auth decision: ${who} runs it with input of their choosing`;
    const fix = users.length > 0 ? `require IAM auth on ${listed(users.map((m) => m.address))} (${how}) and delete ${a.address}` : `delete ${a.address}, which no ${authName} of the stack uses`;
    out.push(route(a, functions, `send requests to ${apiText}`, text, fix));
  }
  return out;
}

/**
 * AppSync APIs with AWS_LAMBDA authentication, default or additional (or an authentication type blastwall cannot read
 * beside a lambda_authorizer_config): AppSync runs the function with the caller's authorization token.
 */
function graphqlAuthorizerRoutes(stack: TfStack): Route[] {
  const out: Route[] = [];
  for (const api of stack.byType.get("aws_appsync_graphql_api") ?? []) {
    if (api.mode !== "managed") continue;
    for (const [n, block] of [api.values, ...blocksOf(api.values["additional_authentication_provider"])].entries()) {
      const type = exactPattern(stack, block["authentication_type"]);
      if (type !== undefined && type !== "AWS_LAMBDA") continue;
      const uri = blocksOf(block["lambda_authorizer_config"])[0]?.["authorizer_uri"];
      if (unset(uri)) continue;
      const functions = functionsOf(stack, uri);
      if (functions.length === 0) continue;
      const which = `${n === 0 ? "" : "additional "}AWS_LAMBDA authentication`;
      out.push(
        route(
          api,
          functions,
          `send requests to ${api.address}`,
          `through ${api.address}, a GraphQL API with ${which} (lambda_authorizer_config), whose authorizer AppSync runs with the caller's authorization token on every request that carries one, before any auth decision: ${whoReaches(stack, api)} runs it with a token of their choosing`,
          `authenticate ${api.address} with AWS_IAM alone (no AWS_LAMBDA provider)`,
        ),
      );
    }
  }
  return out;
}

/** The `token` and `request` schemes of OpenAPI bodies an operation's security names: one route per API and scheme. */
function bodyAuthorizerRoutes(stack: TfStack): Route[] {
  const byScheme = new Map<string, { api: TfResource; type: string; uri: unknown; where: string[] }>();
  for (const o of bodiesOf(stack).operations) {
    for (const a of o.authorizers) {
      const key = `${o.api.address}\u0000${a.scheme}`;
      const hit = byScheme.get(key);
      if (hit) hit.where.push(o.where);
      else byScheme.set(key, { api: o.api, type: a.type, uri: a.uri, where: [o.where] });
    }
  }
  const out: Route[] = [];
  for (const [key, s] of byScheme) {
    if (unset(s.uri)) continue;
    const functions = functionsOf(stack, s.uri);
    if (functions.length === 0) continue;
    const scheme = key.slice(key.indexOf("\u0000") + 1);
    const type = s.type === "token" ? "TOKEN" : s.type === "request" ? "REQUEST" : undefined;
    out.push(
      route(
        s.api,
        functions,
        `send requests to ${s.api.address}`,
        `through the security scheme "${scheme}" in the OpenAPI body of ${s.api.address}, a Lambda authorizer (${s.type}), which API Gateway runs with ${input(type)} on every request to ${listed(s.where)}, before any auth decision: ${whoReaches(stack, s.api)} runs it with input of their choosing`,
        `require IAM auth on ${listed(s.where)} in the OpenAPI body of ${s.api.address} (a security requirement naming only a scheme with x-amazon-apigateway-authtype = "awsSigv4") and drop the scheme "${scheme}"`,
      ),
    );
  }
  return out;
}

/** Every route into a Lambda authorizer's own function, and into those IoT, Transfer Family and AppSync Events run to let callers in. */
export function authorizerRoutes(stack: TfStack): Route[] {
  return [...apiAuthorizerRoutes(stack, "rest"), ...apiAuthorizerRoutes(stack, "http"), ...graphqlAuthorizerRoutes(stack), ...bodyAuthorizerRoutes(stack), ...serviceAuthorizerRoutes(stack)];
}
