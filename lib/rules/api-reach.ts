/**
 * Who can reach an API whose authorizer runs a function (authorizer-routes.ts), in words. Neither a private endpoint
 * nor a resource policy counts as keeping an agent out: an agent running in the account's VPC (a Lambda function, an
 * ECS task, a runner on an instance) reaches a PRIVATE REST API or a private GraphQL API through the VPC's endpoints,
 * and a resource policy is not read here. So the API counts as reachable whatever its endpoint, as an AWS Transfer
 * Family server's endpoint in a VPC does (service-authorizer-routes.ts), and the message says why.
 */
import type { TfResource, TfStack } from "../engine/terraform/types";
import { referencedIn } from "../engine/terraform/referenced";
import { resolveToPattern } from "../engine/terraform/tokens";
import { blocksOf } from "../engine/reach/front-doors";

const unset = (v: unknown): boolean => v === undefined || v === null || v === "";

/** The endpoint types of a REST API as written: a list of strings, or undefined where blastwall cannot read it. */
function restTypes(stack: TfStack, api: TfResource): string[] | undefined {
  const cfg = api.values["endpoint_configuration"];
  if (unset(cfg)) return [];
  if (typeof cfg === "string") return undefined;
  const types = blocksOf(cfg)[0]?.["types"];
  if (unset(types)) return [];
  if (!Array.isArray(types)) return undefined;
  const out: string[] = [];
  for (const t of types) {
    const p = typeof t === "string" ? resolveToPattern(stack, t) : undefined;
    if (!p?.exact) return undefined;
    out.push(p.pattern.toUpperCase());
  }
  return out;
}

const policyIndex = new WeakMap<TfStack, Set<TfResource>>();

/** The REST APIs an `aws_api_gateway_rest_api_policy` of the stack is on, once per stack. */
function policied(stack: TfStack): Set<TfResource> {
  let out = policyIndex.get(stack);
  if (!out) {
    out = new Set();
    for (const p of stack.byType.get("aws_api_gateway_rest_api_policy") ?? []) for (const r of referencedIn(stack, p.values["rest_api_id"])) out.add(r);
    policyIndex.set(stack, out);
  }
  return out;
}

const IN_VPC = "which an agent running in the account's VPC (a function, a container, an instance there) can";

/**
 * `whoever can reach the API (...)`: anyone for a public one; for a PRIVATE one, whoever reaches it through a VPC
 * endpoint, an agent in the VPC too. A resource policy, which may narrow either, is named as not read.
 */
export function whoReaches(stack: TfStack, api: TfResource | undefined): string {
  if (!api) return "whoever can reach the API (anyone, for a public one)";
  if (api.type === "aws_api_gateway_rest_api") {
    const types = restTypes(stack, api);
    const policy = !unset(api.values["policy"]) || policied(stack).has(api) ? `; its resource policy (policy, aws_api_gateway_rest_api_policy), which may narrow who gets in, is not read` : "";
    if (types === undefined) return `whoever can reach the API (anyone, for a public one; its endpoint_configuration blastwall cannot read, and a PRIVATE one is reached through a VPC endpoint, ${IN_VPC}${policy})`;
    if (types.includes("PRIVATE")) return `whoever can reach the API (a PRIVATE API, endpoint_configuration: whoever reaches an execute-api VPC endpoint it takes requests through, ${IN_VPC}${policy})`;
    return `whoever can reach the API (anyone, for a public one${policy})`;
  }
  if (api.type === "aws_appsync_graphql_api") {
    const v = api.values["visibility"];
    const p = typeof v === "string" ? resolveToPattern(stack, v) : undefined;
    const vis = unset(v) ? "GLOBAL" : p?.exact ? p.pattern.toUpperCase() : undefined;
    if (vis === "GLOBAL") return "whoever can reach the API (anyone, for a public one)";
    if (vis === "PRIVATE") return `whoever can reach the API (a private API, visibility = "PRIVATE": whoever reaches an AppSync VPC endpoint, ${IN_VPC})`;
    return `whoever can reach the API (anyone, for a public one; its visibility blastwall cannot read, and a PRIVATE one is reached through an AppSync VPC endpoint, ${IN_VPC})`;
  }
  return "whoever can reach the API (anyone, for a public one)";
}
