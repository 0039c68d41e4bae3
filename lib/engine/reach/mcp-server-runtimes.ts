/**
 * The AgentCore runtimes an MCP server gateway target's `endpoint` may name. A runtime that hosts an MCP server is
 * reached at `https://bedrock-agentcore.REGION.amazonaws.com/runtimes/RUNTIME/invocations?qualifier=ENDPOINT`, RUNTIME
 * its ARN URL-encoded (or its ID); the gateway sends each tools/call there, and the server's code acts on it as the
 * runtime's execution role; an interface VPC endpoint's own DNS name for AgentCore serves the same paths
 * (mcp-vpc-endpoints.ts). Where the endpoint names a runtime of the stack (by a reference to it or to one of its
 * endpoints, or by a literal ARN or ID its pattern admits), the caller comes to act as that runtime's role. Where it
 * is a runtime URL blastwall cannot tie to one of the stack (another account's, an ID it cannot match), or a value
 * it cannot read at all (a variable, a data source), the role cannot be named: fail closed. An endpoint on another
 * front door of the stack (an API stage, a gateway, a function URL; an API by its id, a custom domain), and an AWS door
 * host that cannot be tied to one, are read before this (mcp-server-doors.ts, mcp-door-hosts.ts). A
 * literal host that is not AgentCore's, or one written as a reference to another resource of the stack (a load
 * balancer's DNS name, whose authenticate actions take no token the gateway sends), is a server elsewhere, which acts
 * as no role of the stack blastwall can see.
 */
import type { TfResource, TfStack } from "../terraform/types";
import { attributePattern, parseTemplate } from "../terraform/tokens";
import { followReferences } from "../agent-tags";
import { globsIntersect } from "../iam/glob";
import { RUNTIMES } from "./runtime-doors";
import { resourceAccount } from "../terraform/providers";
import { mentionedIn } from "../terraform/referenced";
import { AGENTCORE_HOST, endpointUrl } from "./mcp-door-hosts";
import { hostText } from "./mcp-endpoint-url";
import { agentCoreVpceHost, hostEndpoint } from "./mcp-vpc-endpoints";

const ENDPOINTS = "aws_bedrockagentcore_agent_runtime_endpoint";

/** Resources whose value is whatever text was put in them: a URL read from one may be a runtime's. */
const FREE_TEXT = ["aws_ssm_parameter", "aws_secretsmanager_secret_version", "terraform_data", "null_resource"];

interface McpServerRuntime {
  /** The runtime's `role_arn` as written; undefined when the runtime cannot be told. */
  readonly role: unknown;
  /** Why the role cannot be named, for the unknown node's text. */
  readonly unknown?: string;
  readonly what: string;
  readonly fix: string;
}

/** The resources of the stack an expression mentions anywhere in it, each once, in order (`mentionedIn`). */
function addressesIn(stack: TfStack, expr: string): TfResource[] {
  return [...new Set(mentionedIn(stack, expr).map((m) => m.resource))];
}

/**
 * The resources a written value's interpolations mention anywhere in them, function arguments too
 * (`urlencode(aws_bedrockagentcore_agent_runtime.rt.agent_runtime_arn)`); `referencedIn` of referenced.ts takes only
 * an interpolation that is one whole reference.
 */
function mentionedAnywhereIn(stack: TfStack, v: unknown): TfResource[] {
  if (typeof v !== "string") return [];
  return parseTemplate(v).flatMap((p) => (p.kind === "interpolation" ? addressesIn(stack, p.expr) : []));
}

/** The runtimes (by reference, or through a runtime endpoint's `agent_runtime_id`) a written value names. */
function referencedRuntimes(stack: TfStack, v: unknown): TfResource[] {
  const out = new Set<TfResource>();
  for (const r of mentionedAnywhereIn(stack, v)) {
    if (RUNTIMES.includes(r.type)) out.add(r);
    if (r.type === ENDPOINTS) mentionedAnywhereIn(stack, followReferences(stack, r.values["agent_runtime_id"])).filter((x) => RUNTIMES.includes(x.type)).forEach((x) => out.add(x));
  }
  return [...out];
}

/** The stack's runtimes a literal `/runtimes/PART/` may name: by ARN, or by ID (`NAME-SUFFIX`). */
function literalRuntimes(stack: TfStack, part: string): TfResource[] {
  let decoded: string;
  try {
    decoded = decodeURIComponent(part);
  } catch {
    return [];
  }
  const ci = { caseInsensitive: false };
  return (stack.byType.get(RUNTIMES[0]) ?? []).filter((rt) => {
    if (rt.mode !== "managed") return false;
    const arn = attributePattern(stack, rt, "arn").pattern || "*";
    const id = arn.includes(":runtime/") ? arn.slice(arn.indexOf(":runtime/") + ":runtime/".length) : "*";
    return decoded.startsWith("arn:") ? globsIntersect(decoded, arn, ci) : globsIntersect(decoded, id, ci);
  });
}

function linked(rt: TfResource, t: TfResource): McpServerRuntime {
  return {
    role: rt.values["role_arn"],
    what: `an MCP server target whose endpoint is ${rt.address}, an AgentCore runtime whose code acts on each tool call as its execution role (role_arn)`,
    fix: `take the rights its MCP server's tools do not need off the execution role of ${rt.address} (role_arn), or take ${t.address} off the gateway`,
  };
}

function unknown(t: TfResource, why: string): McpServerRuntime {
  const fix = `write the endpoint of ${t.address} with a reference to the runtime of this stack it calls (runtimes/\${urlencode(aws_bedrockagentcore_agent_runtime.NAME.agent_runtime_arn)}/invocations), or as the literal URL of a server outside AWS`;
  return {
    role: undefined,
    unknown: `the execution role of an AgentCore runtime the MCP server endpoint of ${t.address} may name (${why}), which may hold any right: ${fix}`,
    what: `an MCP server target whose endpoint may be an AgentCore runtime blastwall cannot tell (${why})`,
    fix,
  };
}

/**
 * An endpoint blastwall cannot read at all (red-team round 169a, F5): it is not known to be AgentCore's, so the
 * message does not call it a runtime. It may be one, a front door of this stack, or a server elsewhere.
 */
function unread(t: TfResource, why: string): McpServerRuntime {
  const fix = `write the endpoint of ${t.address} as a URL blastwall can read: with a reference to what of this stack it calls (\${aws_apigatewayv2_stage.NAME.invoke_url}/..., https://\${aws_apigatewayv2_api.NAME.id}.execute-api.REGION.amazonaws.com/..., an AgentCore runtime's runtimes/\${urlencode(aws_bedrockagentcore_agent_runtime.NAME.agent_runtime_arn)}/invocations), or as the literal URL of a server outside AWS`;
  return {
    role: undefined,
    unknown: `what the MCP server endpoint of ${t.address} calls (${why}): an AgentCore runtime or a front door of this stack (an API, a Lambda function URL, a CloudFront distribution) whose role or function may hold any right: ${fix}`,
    what: `an MCP server target whose endpoint blastwall cannot read (${why}), which may be an AgentCore runtime or a front door of this stack`,
    fix,
  };
}

/** The runtimes (or the unknown one) the MCP server endpoint `v` of target `t` makes the gateway call. */
export function mcpServerRuntimes(stack: TfStack, v: unknown, t: TfResource): McpServerRuntime[] {
  const written = followReferences(stack, v);
  const byReference = referencedRuntimes(stack, written);
  if (byReference.length > 0) return byReference.map((rt) => linked(rt, t));
  if (typeof written !== "string" || written === "") return [unread(t, "it is not written as text")];
  const url = endpointUrl(stack, written);
  if (url.kind === "unparsable") return [unread(t, url.why)];
  const host = url.kind === "url" ? hostText(url) : undefined;
  // A host written with an interface VPC endpoint of the stack is its service's (mcp-vpc-endpoints.ts).
  const vpce = url.kind === "url" ? hostEndpoint(stack, url.host) : undefined;
  if (vpce && vpce.agentCore !== true) {
    const of = vpce.agentCore === false ? `of ${vpce.service}, which blastwall does not read as a door of this stack` : `whose service_name blastwall cannot read (${vpce.service}), maybe AgentCore's`;
    return [unread(t, `its host is ${vpce.endpoint.address}'s, an interface VPC endpoint ${of}`)];
  }
  if (url.kind === "url" && (host !== undefined || vpce)) {
    if (host !== undefined && !AGENTCORE_HOST.test(host) && !agentCoreVpceHost(host)) return [];
    const id = url.path === undefined ? undefined : /^\/runtimes\/([^/]+)/.exec(url.path)?.[1];
    if (id === undefined) return [unknown(t, url.path === undefined ? `blastwall cannot resolve "${written}"` : "an AgentCore URL blastwall cannot read a runtime from")];
    const hits = literalRuntimes(stack, id);
    if (hits.length > 0) return hits.map((rt) => linked(rt, t));
    return [unknown(t, `runtime ${decodeSafe(id)}, which is none of this stack's${otherAccount(stack, t, decodeSafe(id))}`)];
  }
  const parts = parseTemplate(written);
  const head = parts[0];
  // The host written with a reference to another managed resource of the stack that is no door mcp-server-doors.ts
  // reads (a load balancer's DNS name): a server on it, not a runtime. A variable, a local blastwall cannot follow or a data source may be any URL.
  const first = parts.find((p) => p.kind === "interpolation");
  const res = first?.kind === "interpolation" ? addressesIn(stack, first.expr) : [];
  const hostByReference = head?.kind === "literal" ? /^https:\/\/$/i.test(head.text) : head === first;
  if (hostByReference && res.length > 0 && res.every((r) => r.mode === "managed" && !FREE_TEXT.includes(r.type))) return [];
  return [unread(t, `blastwall cannot resolve "${written}"`)];
}

/**
 * A runtime ARN's account where it is a literal other than the one the target's provider is pinned to (red-team round
 * 164, F6): that runtime is certainly no resource of this stack, and the reader should know whose it is.
 */
function otherAccount(stack: TfStack, t: TfResource, id: string): string {
  const account = /^arn:[^:]*:bedrock-agentcore:[^:]*:(\d{12}):/.exec(id)?.[1];
  const pinned = resourceAccount(stack, t);
  return account && pinned && account !== pinned ? ` (it is in account ${account}, not ${pinned}, the account this stack's aws provider is pinned to by allowed_account_ids)` : "";
}

function decodeSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
