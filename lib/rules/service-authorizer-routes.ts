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
 * - An AWS Transfer Family server whose identity provider is a function (identity_provider_type = "AWS_LAMBDA"), or
 *   an API (identity_provider_type = "API_GATEWAY": `url`, called as `invocation_role`): every login attempt runs the
 *   function, or the API's integrations, with the user name, password and source IP the caller sends. A PUBLIC
 *   endpoint, and a VPC one with Elastic IPs (address_allocation_ids), face the internet; a VPC endpoint without them
 *   (and the old VPC_ENDPOINT type) takes connections from inside the VPC, where an agent running in the account may
 *   be: a route all the same, as a PRIVATE API's authorizer is (fail closed; the message says so). Security groups
 *   that narrow an endpoint are not read.
 * - An AppSync Event API (`aws_appsync_api`) with an AWS_LAMBDA auth provider: AppSync runs its authorizer with the
 *   caller's token on each connect, publish or subscribe whose auth mode is AWS_LAMBDA (the API's defaults or a
 *   channel namespace's, maybe outside the stack: the provider counts as used).
 *
 * What cannot be read (a flag, a type, an endpoint) counts as open.
 */
import { exactPattern } from "../engine/terraform/tokens";
import type { TfResource, TfStack } from "../engine/terraform/types";
import { oneReferenced } from "../engine/terraform/referenced";
import { blocksOf } from "../engine/reach/front-doors";
import { functionsOf, type Route } from "./invoke-routes";
import { apiFunctions, apiOfUrl } from "./api-functions";

const unset = (v: unknown): boolean => v === undefined || v === null || v === "";

/** A boolean argument: true, false, or undefined where it cannot be read. */
function flag(stack: TfStack, v: unknown): boolean | undefined {
  if (typeof v === "boolean") return v;
  const s = exactPattern(stack, v);
  return s === "true" ? true : s === "false" ? false : undefined;
}

function route(via: TfResource, functions: TfResource[], verb: string, how: string, text: string, fix: string): Route {
  return { via, targetText: via.address, actions: [], pattern: "*", types: [], functions, verb, how, denyAsks: [], open: { text, fix } };
}

function iotRoutes(stack: TfStack): Route[] {
  const out: Route[] = [];
  for (const a of stack.byType.get("aws_iot_authorizer") ?? []) {
    if (a.mode !== "managed" || unset(a.values["authorizer_function_arn"])) continue;
    if (exactPattern(stack, a.values["status"]) === "INACTIVE") continue;
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

/**
 * Who reaches a Transfer server's endpoint, in words. Every endpoint counts as reachable: a PUBLIC one, or a VPC one
 * with Elastic IPs, faces the internet; a VPC one without them (and the old VPC_ENDPOINT type) takes connections from
 * inside its VPC and the networks joined to it, where an agent running in the account (a function, a container, an
 * instance) may be, as it reaches a PRIVATE API (api-reach.ts). Security groups that narrow either are not read.
 */
function endpointReach(stack: TfStack, server: TfResource): { what: string; who: string; vpcOnly: boolean } {
  const internet = (what: string) => ({ what, who: "anyone who can reach its internet-facing endpoint (its security groups are not read)", vpcOnly: false });
  const vpc = (what: string) => ({
    what,
    who: "whoever can reach its endpoint inside the VPC, which an agent running in the account's VPC (a function, a container, an instance there) or in a network joined to it can (its security groups are not read)",
    vpcOnly: true,
  });
  const raw = server.values["endpoint_type"];
  const type = unset(raw) ? "PUBLIC" : exactPattern(stack, raw);
  if (type === "PUBLIC") return internet("a PUBLIC endpoint");
  if (type === "VPC_ENDPOINT") return vpc("a VPC_ENDPOINT endpoint, reached from inside its VPC");
  if (type === undefined) return internet("an endpoint_type blastwall cannot read, so maybe PUBLIC");
  if (type !== "VPC") return internet(`endpoint_type "${type}", which blastwall does not know`);
  const details = server.values["endpoint_details"];
  if (typeof details === "string") return internet("a VPC endpoint whose endpoint_details blastwall cannot read, so maybe with Elastic IPs");
  const ids = blocksOf(details)[0]?.["address_allocation_ids"];
  if (unset(ids) || (Array.isArray(ids) && ids.length === 0)) return vpc("a VPC endpoint with no Elastic IPs, reached from inside its VPC");
  return internet(Array.isArray(ids) ? "a VPC endpoint with Elastic IPs (address_allocation_ids), which faces the internet" : "a VPC endpoint whose address_allocation_ids blastwall cannot read, so maybe with Elastic IPs");
}

/**
 * The route into what an API_GATEWAY identity provider runs: Transfer Family calls the API at `url` as the
 * `invocation_role` on every login attempt, with the user name, password and source IP the caller sends, so the
 * API's integrations run (a Lambda function, usually) for whoever reaches the server. The role's right to call the
 * API is not read: it is there for this. A URL blastwall cannot tie to one API of the stack, or an API whose
 * integrations are not all in the stack, may run any function of the stack (api-functions.ts).
 */
function transferApiRoute(stack: TfStack, s: TfResource, idp: string, reach: { what: string; who: string }, fix: string): Route | undefined {
  const api = apiOfUrl(stack, s.values["url"]);
  const backing = api ? apiFunctions(stack, api) : undefined;
  const functions = backing?.complete ? backing.functions : functionsOf(stack, undefined);
  if (functions.length === 0) return undefined;
  const shown = typeof s.values["url"] === "string" ? s.values["url"] : "a value blastwall cannot read";
  const which = !api
    ? `the API at url ${shown}, which blastwall cannot tie to one API of the stack, so it may run any function`
    : backing?.complete
      ? `${api.address} (url), whose integrations run it`
      : `${api.address} (url), whose integrations are not all in the stack (none written there, or an OpenAPI body blastwall cannot read), so it may run any function`;
  const written = s.values["invocation_role"];
  const named = oneReferenced(stack, written, ["aws_iam_role"])?.address ?? (typeof written === "string" && !unset(written) ? written : undefined);
  const role = named ? `its invocation_role ${named}` : "its invocation_role";
  return route(
    s,
    functions,
    `log in to ${s.address}`,
    ", whose identity provider API runs",
    `through ${s.address}, an AWS Transfer Family server (${idp}, ${reach.what}), which calls ${which}, as ${role}, with the user name, password and source IP of every login attempt, before it has decided anything: ${reach.who} runs it with input of their choosing`,
    fix,
  );
}

function transferRoutes(stack: TfStack): Route[] {
  const out: Route[] = [];
  for (const s of stack.byType.get("aws_transfer_server") ?? []) {
    if (s.mode !== "managed") continue;
    // identity_provider_type defaults to SERVICE_MANAGED, which runs nothing of the stack's.
    const raw = s.values["identity_provider_type"];
    if (unset(raw)) continue;
    const type = exactPattern(stack, raw);
    if (type !== undefined && type !== "AWS_LAMBDA" && type !== "API_GATEWAY") continue;
    const reach = endpointReach(stack, s);
    const idp = type ? `identity_provider_type "${type}"` : `an identity_provider_type blastwall cannot read, so maybe ${unset(s.values["function"]) ? "API_GATEWAY" : "AWS_LAMBDA"}`;
    const ack = reach.vpcOnly ? ", or, if no agent runs where it can reach that VPC endpoint (the VPC, networks joined to it), acknowledge this finding with a reason saying so" : "";
    const fix = `give ${s.address} an identity provider that runs no function of yours (SERVICE_MANAGED)${ack}`;
    if (type !== "API_GATEWAY" && !unset(s.values["function"])) {
      const functions = functionsOf(stack, s.values["function"]);
      if (functions.length > 0) {
        out.push(
          route(
            s,
            functions,
            `log in to ${s.address}`,
            ", whose identity provider runs",
            `through ${s.address}, an AWS Transfer Family server (${idp}, ${reach.what}), which runs its identity provider function with the user name, password and source IP of every login attempt, before it has decided anything: ${reach.who} runs it with input of their choosing`,
            fix,
          ),
        );
      }
    }
    if (type !== "AWS_LAMBDA" && !unset(s.values["url"])) {
      const r = transferApiRoute(stack, s, type ? idp : "an identity_provider_type blastwall cannot read, so maybe API_GATEWAY", reach, fix);
      if (r) out.push(r);
    }
  }
  return out;
}

function eventApiRoutes(stack: TfStack): Route[] {
  const out: Route[] = [];
  for (const api of stack.byType.get("aws_appsync_api") ?? []) {
    if (api.mode !== "managed") continue;
    for (const config of blocksOf(api.values["event_config"])) {
      for (const provider of blocksOf(config["auth_provider"])) {
        const type = exactPattern(stack, provider["auth_type"]);
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
