/**
 * An MCP server endpoint on an interface VPC endpoint (red-team round 169a, F4). An interface endpoint's own DNS names
 * (`vpce-ID-SUFFIX.SERVICE.REGION.vpce.amazonaws.com`, and the zonal `vpce-ID-SUFFIX-AZ.SERVICE...`) serve the same API
 * at the same paths as the service's regional host, so `https://vpce-....bedrock-agentcore.us-east-1.vpce.amazonaws.com/
 * runtimes/ARN/invocations` reaches the runtime `https://bedrock-agentcore.us-east-1.amazonaws.com/runtimes/ARN/...`
 * does (AgentCore's data plane is `com.amazonaws.REGION.bedrock-agentcore`). Blastwall already takes the gateway to
 * reach a private API's endpoint (mcp-door-hosts.ts); the same holds here. A host written with an `aws_vpc_endpoint`
 * of the stack (`${aws_vpc_endpoint.x.dns_entry[0].dns_name}`) is that endpoint's service's. Any other service behind
 * such a host is a door blastwall does not read: unknown reach, never a server elsewhere.
 */
import type { TfResource, TfStack } from "../terraform/types";
import { resolveToPattern } from "../terraform/tokens";
import { globsIntersect } from "../iam/glob";
import type { Seg } from "./mcp-endpoint-url";

const VPCE_HOST = /^vpce-[a-z0-9]+-[a-z0-9]+(?:-[a-z0-9-]+)?\.([a-z0-9.-]+?)\.([a-z]{2}(?:-[a-z]+)+-\d+)\.vpce\.amazonaws\.com(?:\.cn)?$/;
/** AgentCore's data plane (runtimes), as its endpoint's service is named in a host and in `service_name`. */
const AGENTCORE = /^bedrock-agentcore(?:-fips)?$/;

/** The service and region of an interface endpoint's own DNS name; undefined for any other host. */
export function vpceHost(host: string): { readonly service: string; readonly region: string } | undefined {
  const m = VPCE_HOST.exec(host);
  return m ? { service: m[1], region: m[2] } : undefined;
}

/** Whether an interface endpoint host is AgentCore's data plane, where runtimes are invoked. */
export function agentCoreVpceHost(host: string): boolean {
  const v = vpceHost(host);
  return v !== undefined && AGENTCORE.test(v.service);
}

/**
 * The stack's interface VPC endpoint a host is written with, and whether its `service_name` is AgentCore's data plane:
 * `true`, `false` (another service, named in `service`), or `undefined` where blastwall cannot read it (a variable).
 */
export function hostEndpoint(stack: TfStack, host: readonly Seg[]): { readonly endpoint: TfResource; readonly agentCore?: boolean; readonly service: string } | undefined {
  const endpoint = host.flatMap((s) => ("ref" in s && s.ref.type === "aws_vpc_endpoint" && s.ref.mode === "managed" ? [s.ref] : []))[0];
  if (!endpoint) return undefined;
  const v = endpoint.values["service_name"];
  const p = typeof v === "string" ? resolveToPattern(stack, v) : { pattern: "*", exact: false };
  const service = p.pattern || "*";
  const runtimes = globsIntersect(service, "com.amazonaws.*.bedrock-agentcore", { caseInsensitive: true }) || globsIntersect(service, "com.amazonaws.*.bedrock-agentcore-fips", { caseInsensitive: true });
  return { endpoint, service, ...(p.exact || !runtimes ? { agentCore: runtimes } : {}) };
}
