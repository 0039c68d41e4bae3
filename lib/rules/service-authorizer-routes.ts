/**
 * Functions other services run to decide who gets in, as API Gateway runs a Lambda authorizer (red-team round 163a,
 * F3): the service runs the function with what the caller sends before it has decided anything, so whoever can reach
 * the endpoint runs it, with no IAM right: an open route into it, graded as a function URL with no auth is
 * (rules/function-invokes.ts).
 *
 * - An AWS IoT custom authorizer (`aws_iot_authorizer`) with signing disabled: IoT Core runs its function with the
 *   token, user name and password of any client that connects to the account's data endpoint naming it (or on a
 *   domain whose default it is). With signing on (the default), IoT first checks the token's signature against
 *   token_signing_public_keys and runs nothing for a caller without the private key: no route. Who holds that key
 *   is not read. An INACTIVE authorizer is never run.
 * - An AWS Transfer Family server whose identity provider is a function (identity_provider_type = "AWS_LAMBDA"):
 *   every login attempt runs it with the user name, password and source IP the caller sends. A PUBLIC endpoint, and a
 *   VPC one with Elastic IPs (address_allocation_ids), face the internet; a VPC endpoint without them (and the old
 *   VPC_ENDPOINT type) takes connections only from inside the VPC, which is not the internet: no route. Security
 *   groups that narrow an internet-facing endpoint are not read.
 * - An AppSync Event API (`aws_appsync_api`) with an AWS_LAMBDA auth provider: AppSync runs its authorizer with the
 *   caller's token on each connect, publish or subscribe whose auth mode is AWS_LAMBDA (the API's defaults or a
 *   channel namespace's, maybe outside the stack: the provider counts as used).
 *
 * What cannot be read (a flag, a type, an endpoint) counts as open.
 */
import type { TfResource, TfStack } from "../engine/terraform/types";
import { resolveToPattern } from "../engine/terraform/tokens";
import { blocksOf } from "../engine/reach/front-doors";
import { functionsOf, type Route } from "./invoke-routes";

const unset = (v: unknown): boolean => v === undefined || v === null || v === "";

function exactly(stack: TfStack, v: unknown): string | undefined {
  if (typeof v !== "string") return undefined;
  const p = resolveToPattern(stack, v);
  return p.exact ? p.pattern : undefined;
}

/** A boolean argument: true, false, or undefined where it cannot be read. */
function flag(stack: TfStack, v: unknown): boolean | undefined {
  if (typeof v === "boolean") return v;
  const s = exactly(stack, v);
  return s === "true" ? true : s === "false" ? false : undefined;
}

function route(via: TfResource, functions: TfResource[], verb: string, how: string, text: string, fix: string): Route {
  return { via, targetText: via.address, actions: [], pattern: "*", types: [], functions, verb, how, denyAsks: [], open: { text, fix } };
}

function iotRoutes(stack: TfStack): Route[] {
  const out: Route[] = [];
  for (const a of stack.byType.get("aws_iot_authorizer") ?? []) {
    if (a.mode !== "managed" || unset(a.values["authorizer_function_arn"])) continue;
    if (exactly(stack, a.values["status"]) === "INACTIVE") continue;
    // signing_disabled defaults to false: IoT checks the token's signature before it runs anything.
    const disabled = unset(a.values["signing_disabled"]) ? false : flag(stack, a.values["signing_disabled"]);
    if (disabled === false) continue;
    const functions = functionsOf(stack, a.values["authorizer_function_arn"]);
    if (functions.length === 0) continue;
    const signing = disabled ? "signing_disabled = true" : "signing_disabled blastwall cannot read, so maybe true";
    out.push(
      route(
        a,
        functions,
        `connect to the AWS IoT data endpoint with ${a.address}`,
        ", whose custom authorizer runs",
        `through ${a.address}, an AWS IoT custom authorizer (${signing}), which IoT Core runs with the token, user name and password of any client that connects to the account's data endpoint naming it (or to a domain whose default authorizer it is), with no signature to check first: whoever can reach the endpoint (anyone on the internet) runs it with input of their choosing`,
        `recreate ${a.address} with signing_disabled = false and token_signing_public_keys (IoT then runs it only for a token signed with your private key), or set status = "INACTIVE"`,
      ),
    );
  }
  return out;
}

/** Why a Transfer server's endpoint faces the internet, or undefined where it takes connections only inside a VPC. */
function internetFacing(stack: TfStack, server: TfResource): string | undefined {
  const raw = server.values["endpoint_type"];
  const type = unset(raw) ? "PUBLIC" : exactly(stack, raw);
  if (type === "PUBLIC") return "a PUBLIC endpoint";
  if (type === "VPC_ENDPOINT") return undefined;
  if (type === undefined) return "an endpoint_type blastwall cannot read";
  if (type !== "VPC") return `endpoint_type "${type}", which blastwall does not know`;
  const details = server.values["endpoint_details"];
  if (typeof details === "string") return "a VPC endpoint whose endpoint_details blastwall cannot read, so maybe with Elastic IPs";
  const ids = blocksOf(details)[0]?.["address_allocation_ids"];
  if (unset(ids) || (Array.isArray(ids) && ids.length === 0)) return undefined;
  return Array.isArray(ids) ? "a VPC endpoint with Elastic IPs (address_allocation_ids), which faces the internet" : "a VPC endpoint whose address_allocation_ids blastwall cannot read, so maybe with Elastic IPs";
}

function transferRoutes(stack: TfStack): Route[] {
  const out: Route[] = [];
  for (const s of stack.byType.get("aws_transfer_server") ?? []) {
    if (s.mode !== "managed" || unset(s.values["function"])) continue;
    // identity_provider_type defaults to SERVICE_MANAGED, which runs no function.
    const raw = s.values["identity_provider_type"];
    if (unset(raw)) continue;
    const type = exactly(stack, raw);
    if (type !== undefined && type !== "AWS_LAMBDA") continue;
    const facing = internetFacing(stack, s);
    if (facing === undefined) continue;
    const functions = functionsOf(stack, s.values["function"]);
    if (functions.length === 0) continue;
    const idp = type ? `identity_provider_type "${type}"` : "an identity_provider_type blastwall cannot read, so maybe AWS_LAMBDA";
    out.push(
      route(
        s,
        functions,
        `log in to ${s.address}`,
        ", whose identity provider runs",
        `through ${s.address}, an AWS Transfer Family server (${idp}, ${facing}), which runs its identity provider function with the user name, password and source IP of every login attempt, before it has decided anything: anyone who can reach its internet-facing endpoint (its security groups are not read) runs it with input of their choosing`,
        `give ${s.address} a VPC endpoint with no Elastic IPs (endpoint_type = "VPC", no address_allocation_ids), or an identity provider that runs no function of yours (SERVICE_MANAGED)`,
      ),
    );
  }
  return out;
}

function eventApiRoutes(stack: TfStack): Route[] {
  const out: Route[] = [];
  for (const api of stack.byType.get("aws_appsync_api") ?? []) {
    if (api.mode !== "managed") continue;
    for (const config of blocksOf(api.values["event_config"])) {
      for (const provider of blocksOf(config["auth_provider"])) {
        const type = exactly(stack, provider["auth_type"]);
        if (type !== undefined && type !== "AWS_LAMBDA") continue;
        const uri = blocksOf(provider["lambda_authorizer_config"])[0]?.["authorizer_uri"];
        if (unset(uri)) continue;
        const functions = functionsOf(stack, uri);
        if (functions.length === 0) continue;
        out.push(
          route(
            api,
            functions,
            `connect, publish or subscribe to ${api.address}`,
            ", whose Lambda authorizer runs",
            `through ${api.address}, an AppSync Event API with an AWS_LAMBDA auth provider (event_config, lambda_authorizer_config), whose authorizer AppSync runs with the caller's authorization token on every connect, publish or subscribe under the AWS_LAMBDA auth mode (the API's defaults or a channel namespace's, which may be outside the stack), before any auth decision: whoever can reach the API (anyone, for a public one) runs it with a token of their choosing`,
            `drop the AWS_LAMBDA auth provider from ${api.address} (use AWS_IAM)`,
          ),
        );
      }
    }
  }
  return out;
}

/** Every route into a function that IoT Core, Transfer Family or an AppSync Event API runs to authenticate a caller. */
export function serviceAuthorizerRoutes(stack: TfStack): Route[] {
  return [...iotRoutes(stack), ...transferRoutes(stack), ...eventApiRoutes(stack)];
}
