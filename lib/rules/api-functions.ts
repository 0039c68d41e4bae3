/**
 * The functions an API Gateway API of the stack runs for a request it takes, and the API a URL written in the stack
 * names: what a caller that only holds the URL (an AWS Transfer Family server whose identity provider is an API,
 * service-authorizer-routes.ts) makes run. An integration is the API's when its rest_api_id or api_id references it,
 * or references no API of the stack at all (a literal id, a variable: it may be this one's). Fail closed: an API whose
 * integrations are not all in the stack (none written there, an OpenAPI body blastwall cannot read) may run any
 * function of the stack.
 */
import { exactPattern } from "../engine/terraform/tokens";
import type { TfResource, TfStack } from "../engine/terraform/types";
import { referencedIn } from "../engine/terraform/referenced";
import { followReferences } from "../engine/agent-tags";
import { bodiesOf } from "../engine/reach/openapi-doors";
import { targetFunctions } from "./invoke-routes";
import { hostDoors } from "../engine/reach/mcp-door-hosts";

const REST = "aws_api_gateway_rest_api";
const HTTP = "aws_apigatewayv2_api";
const APIS = [REST, HTTP];

/** Resources a URL is made from that belong to one API, and the argument naming it. */
const OWNED_BY: Readonly<Record<string, string>> = {
  aws_api_gateway_stage: "rest_api_id",
  aws_api_gateway_deployment: "rest_api_id",
  aws_apigatewayv2_stage: "api_id",
};

/**
 * The one API of the stack a URL is written from (`${aws_api_gateway_stage.s.invoke_url}`, a deployment's
 * invoke_url, an HTTP API's api_endpoint or stage, a host built from the API's id, the stack's custom domain mapped to
 * it), through locals; undefined when it names none, or more than one.
 */
export function apiOfUrl(stack: TfStack, url: unknown): TfResource | undefined {
  const followed = followReferences(stack, url, true);
  const apis = new Set<TfResource>();
  for (const r of referencedIn(stack, typeof followed === "string" ? followed : url)) {
    if (r.mode !== "managed") continue;
    if (APIS.includes(r.type)) apis.add(r);
    const arg = OWNED_BY[r.type];
    if (arg) for (const a of referencedIn(stack, r.values[arg])) if (APIS.includes(a.type) && a.mode === "managed") apis.add(a);
  }
  if (apis.size === 0 && typeof followed === "string") for (const a of mappedApis(stack, followed)) apis.add(a);
  return apis.size === 1 ? [...apis][0] : undefined;
}

/**
 * The APIs a URL's host names through the stack's own custom domain (red-team round 169a, F7): the API its mapping puts
 * at the URL's path (the mapping with no key, for a bare `https://DOMAIN`), read as an MCP server endpoint is
 * (mcp-door-hosts.ts). None where anything else is behind the host or it cannot be told (a mapping to an API not in
 * the stack, a CloudFront distribution, a door of another kind): the caller then counts every function.
 */
function mappedApis(stack: TfStack, url: string): TfResource[] {
  const d = hostDoors(stack, url);
  if (!d || d.unknown !== undefined || (d.forwards?.length ?? 0) > 0 || d.none) return [];
  return d.doors.every((x) => x.kind === "api") ? [...new Set(d.doors.map((x) => (x.kind === "api" ? x.api : x.by)))] : [];
}

/** Whether an integration's API argument may name `api`: it references it, or no API of the stack. */
function mayBeOf(stack: TfStack, v: unknown, api: TfResource): boolean {
  const named = referencedIn(stack, v).filter((r) => APIS.includes(r.type));
  return named.length === 0 || named.includes(api);
}

/**
 * The functions `api`'s integrations run: AWS and AWS_PROXY integrations whose URI names a function (every function
 * where it cannot be read), with `complete` false where what the API runs is not all in the stack.
 */
export function apiFunctions(stack: TfStack, api: TfResource): { functions: TfResource[]; complete: boolean } {
  const out = new Set<TfResource>();
  let written = 0;
  const add = (type: unknown, uri: unknown, subtype?: unknown) => {
    written++;
    // An HTTP API's AWS service integration (`integration_subtype` SQS-SendMessage, ...) has no URI and runs no
    // function (review of 0.8.0: it was read as "every function"), as front-doors.ts reads it.
    if (subtype !== undefined && subtype !== null && subtype !== "") return;
    const t = exactPattern(stack, type)?.toUpperCase();
    if (t !== undefined && t !== "AWS" && t !== "AWS_PROXY") return;
    for (const f of targetFunctions(stack, uri)) out.add(f);
  };
  const rest = api.type === REST;
  for (const i of stack.byType.get(rest ? "aws_api_gateway_integration" : "aws_apigatewayv2_integration") ?? []) {
    if (i.mode === "managed" && mayBeOf(stack, i.values[rest ? "rest_api_id" : "api_id"], api)) add(i.values[rest ? "type" : "integration_type"], i.values[rest ? "uri" : "integration_uri"], rest ? undefined : i.values["integration_subtype"]);
  }
  const bodies = bodiesOf(stack);
  for (const o of bodies.operations) if (o.api === api) add(o.type, o.uri, o.subtype);
  const unread = bodies.unread.some((u) => u.api === api);
  return { functions: [...out], complete: written > 0 && !unread };
}
