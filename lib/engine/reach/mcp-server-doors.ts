/**
 * An MCP server gateway target whose endpoint is another front door of the stack (red-team round 162, F4): an API
 * Gateway stage's `invoke_url` (or a deployment's, or an HTTP API's `api_endpoint`), another AgentCore gateway's
 * `gateway_url`, or a Lambda function URL's `function_url`; or, by its host, an API's id or a custom domain of the
 * stack (mcp-door-hosts.ts, red-team round 163). The gateway calls that door with its own outbound
 * credential, so whoever may call the gateway's tools gets past the door as the gateway does:
 * - with an OAuth credential provider or an API key, the gateway sends a token it was set up to send to that door,
 *   which is the point of configuring it: it passes a JWT or Cognito authorizer (blastwall cannot read which client
 *   the token vault holds: fail closed), and a Lambda authorizer whose code is not read; a bearer token is no SigV4
 *   signature, so it does not pass IAM auth;
 * - signed with the gateway's role (`gateway_iam_role`), it passes IAM auth where that role may call the door
 *   (`signer`: the rule asks the role's own grants), and a Lambda authorizer; a SigV4 Authorization header is no JWT;
 * - credentials blastwall cannot read may be either.
 * A load balancer's DNS name is no such door: an ALB's authenticate actions take a session cookie, not the gateway's
 * token, and one without them is open to anyone already (rules/front-doors.ts).
 */
import type { TfResource, TfStack } from "../terraform/types";
import { mentionedIn, oneReferenced } from "../terraform/referenced";
import { attributePattern, parseTemplate } from "../terraform/tokens";
import { followReferences } from "../agent-tags";
import type { DoorAccess } from "./front-doors";
import type { Grant, PrincipalNode } from "../analysis-types";
import { globsIntersect } from "../iam/glob";
import { ResourceIndex } from "./resource-index";
import { executeApiDisabled, hostDoors, type HostDoors } from "./mcp-door-hosts";

const GATEWAY_TYPE = "aws_bedrockagentcore_gateway";

/** A front door of the stack an endpoint names: an API (REST or HTTP), a gateway, or a function URL. */
export type NamedDoor =
  | { readonly kind: "api"; readonly api: TfResource; readonly by: TfResource }
  | { readonly kind: "gateway"; readonly gateway: TfResource; readonly by: TfResource }
  | { readonly kind: "url"; readonly url: TfResource; readonly by: TfResource };

/** How the gateway authenticates to the door: a token it holds, a SigV4 signature with its role. */
export interface McpCredential {
  readonly token: boolean;
  readonly signed: boolean;
}

/**
 * A right another principal (the gateway's role) must hold for the call to pass: `action` on the door, named by
 * `pattern` or, written as a reference, `target` of `types`; `role` as written (unresolvable: it may hold it).
 */
export interface Signer {
  readonly role: unknown;
  readonly action: string;
  readonly pattern: string;
  readonly target?: TfResource;
  readonly types: readonly string[];
  readonly text: string;
}

/** The resource attributes that are a door's base URL, by type. */
const URL_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  aws_api_gateway_stage: ["invoke_url"],
  aws_api_gateway_deployment: ["invoke_url"],
  aws_apigatewayv2_stage: ["invoke_url"],
  aws_apigatewayv2_api: ["api_endpoint"],
  aws_bedrockagentcore_gateway: ["gateway_url"],
  aws_lambda_function_url: ["function_url"],
};

/**
 * The door the endpoint's host is written with: `${aws_apigatewayv2_stage.s.invoke_url}/mcp`, or `https://${...}`
 * with a host attribute. Undefined for anything else (a literal host, a resource that is no door of these kinds, an
 * API that cannot be found from the stage).
 */
function namedDoor(stack: TfStack, endpoint: unknown): NamedDoor | "none" | undefined {
  const written = followReferences(stack, endpoint);
  if (typeof written !== "string") return undefined;
  const parts = parseTemplate(written);
  const at = parts[0]?.kind === "literal" && /^https:\/\/$/i.test(parts[0].text) ? 1 : 0;
  const p = parts[at];
  if (p?.kind !== "interpolation") return undefined;
  const by = urlSource(stack, p.expr);
  if (!by) return undefined;
  // Every URL attribute of an API, stage or deployment is on the API's default execute-api host (mcp-door-hosts.ts).
  if (by.type === "aws_apigatewayv2_api") return executeApiDisabled(stack, by) ? "none" : { kind: "api", api: by, by };
  if (by.type === GATEWAY_TYPE) return { kind: "gateway", gateway: by, by };
  if (by.type === "aws_lambda_function_url") return { kind: "url", url: by, by };
  const api = by.type === "aws_apigatewayv2_stage" ? oneReferenced(stack, by.values["api_id"], ["aws_apigatewayv2_api"]) : oneReferenced(stack, by.values["rest_api_id"], ["aws_api_gateway_rest_api"]);
  if (api && executeApiDisabled(stack, api)) return "none";
  return api ? { kind: "api", api, by } : undefined;
}

/**
 * Every door the endpoint names: by a URL attribute (`namedDoor`), or by its host (mcp-door-hosts.ts: an API's id,
 * a custom domain of the stack, a literal AWS door host it cannot tie, which is `unknown`). No door and no `unknown`:
 * the endpoint is read as a runtime or a server elsewhere (mcp-server-runtimes.ts).
 */
export function namedDoors(stack: TfStack, endpoint: unknown): HostDoors {
  const one = namedDoor(stack, endpoint);
  if (one === "none") return { doors: [], none: true };
  if (one) return { doors: [one] };
  const written = followReferences(stack, endpoint);
  return (typeof written === "string" ? hostDoors(stack, written) : undefined) ?? { doors: [] };
}

/** The unknown reach of an endpoint on an AWS door blastwall cannot see behind (`why`), for target `t`. */
export function unseenDoor(t: TfResource, why: string, elsewhere = false): { readonly role: undefined; readonly unknown: string; readonly what: string; readonly fix: string; readonly weak: boolean } {
  // An AWS door host in some account (red-team round 164, F6): a partner's MCP server is accepted by acknowledging it.
  const partner = elsewhere ? `; if it is another company's MCP server, acknowledge this finding in blastwall.json with that reason` : "";
  const fix = `write the endpoint of ${t.address} with a reference to the door of this stack it calls (https://\${aws_apigatewayv2_api.NAME.id}.execute-api.REGION.amazonaws.com/..., \${aws_apigatewayv2_stage.NAME.invoke_url}, \${aws_apigatewayv2_domain_name.NAME.domain_name} with its API mapping in the stack), or take ${t.address} off its gateway if that door is another stack's${partner}`;
  return {
    weak: elsewhere,
    role: undefined,
    unknown: `what is behind the AWS front door the MCP server endpoint of ${t.address} calls with the gateway's credentials (${why}), which may run any function or act as any role: ${fix}`,
    what: `an MCP server target whose endpoint is an AWS front door blastwall cannot see behind (${why})`,
    fix,
  };
}

/**
 * The one resource whose URL attribute an expression reads: the expression itself (`aws_apigatewayv2_stage.s.invoke_url`)
 * or an argument of a function around it (`replace(aws_apigatewayv2_api.h.api_endpoint, "https://", "")`).
 */
function urlSource(stack: TfStack, expr: string): TfResource | undefined {
  const hits = new Set(mentionedIn(stack, expr).flatMap(({ resource: r, attribute }) => (r.mode === "managed" && attribute !== undefined && (URL_ATTRIBUTES[r.type] ?? []).includes(attribute) ? [r] : [])));
  return hits.size === 1 ? [...hits][0] : undefined;
}

/**
 * Whether the gateway's call passes a door of `access`: `true`, `"signed"` (where its role may call the door), or
 * false (the door is open to anyone already, or its auth takes no credential the gateway sends).
 */
export function relayPasses(cred: McpCredential, access: DoorAccess): boolean | "signed" {
  if (access.kind === "open") return false;
  if ((cred.token || cred.signed) && access.lambda) return true;
  if (cred.token && (access.kind === "other" || (access.logins?.length ?? 0) > 0)) return true;
  return cred.signed && access.kind === "iam" ? "signed" : false;
}

/** How a message names what the gateway sends. */
export function credentialText(cred: McpCredential): string {
  if (cred.token && cred.signed) return "with credentials blastwall cannot read (a token, or a signature with the gateway's role)";
  return cred.token ? "with the token of its outbound credential provider (OAuth or API key)" : "signed with the gateway's role (gateway_iam_role)";
}

const API_TYPES = ["aws_api_gateway_rest_api", "aws_apigatewayv2_api"];

/**
 * The right the gateway's role needs to pass the IAM auth of the door `inner` names (for a function URL, `functions`
 * are its function): execute-api:Invoke on the API, bedrock-agentcore:InvokeGateway on the gateway,
 * lambda:InvokeFunctionUrl on the function.
 */
export function doorSigner(stack: TfStack, gateway: TfResource | undefined, inner: NamedDoor, functions: readonly TfResource[] = []): Signer {
  const role = gateway?.values["role_arn"];
  const who = gateway ? `the role of ${gateway.address} (role_arn)` : "the gateway's role";
  if (inner.kind === "api") {
    const arn = attributePattern(stack, inner.api, "execution_arn").pattern;
    const pattern = /^arn:[^:]*:execute-api:/.test(arn) ? `${arn}/*` : "arn:*:execute-api:*:*:*";
    return { role, action: "execute-api:Invoke", pattern, target: inner.api, types: API_TYPES, text: `${who} holds execute-api:Invoke on ${inner.api.address}` };
  }
  if (inner.kind === "gateway") return { role, action: "bedrock-agentcore:InvokeGateway", pattern: "arn:*:bedrock-agentcore:*:*:gateway/*", target: inner.gateway, types: [GATEWAY_TYPE], text: `${who} holds bedrock-agentcore:InvokeGateway on ${inner.gateway.address}` };
  const fn = functions.length === 1 ? functions[0] : undefined;
  const pattern = fn ? attributePattern(stack, fn, "arn").pattern || "*" : "arn:*:lambda:*:*:function:*";
  return { role, action: "lambda:InvokeFunctionUrl", pattern, target: fn, types: ["aws_lambda_function"], text: `${who} holds lambda:InvokeFunctionUrl on ${fn?.address ?? "the function of " + inner.url.address}` };
}

/**
 * Whether every signer holds its right on the door: a grant of the action naming the door by reference, or on a
 * pattern that meets the door's. A role blastwall cannot resolve (`principal` undefined) may hold it: fail closed.
 */
export function signersHold(stack: TfStack, signers: readonly Signer[], principal: (role: unknown) => PrincipalNode | undefined, grants: (p: PrincipalNode, action: string) => readonly Grant[]): boolean {
  return signers.every((s) => {
    const p = principal(s.role);
    if (!p) return true;
    const index = new ResourceIndex(stack, s.types);
    return grants(p, s.action).some((g) =>
      g.resources.some((r) => {
        const named = s.target ? index.referenced(g, r) : undefined;
        return named ? named.includes(s.target!) : globsIntersect(r, s.pattern, { caseInsensitive: true });
      }),
    );
  });
}
