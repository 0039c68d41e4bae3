/**
 * The doors of the stack an MCP server endpoint names by its host (red-team round 163, F1 and F2), beyond the URL
 * attributes mcp-server-doors.ts reads (`invoke_url`, `gateway_url`, ...):
 * - the host written with the door's id: `https://${aws_apigatewayv2_api.h.id}.execute-api.REGION.amazonaws.com/...`
 *   (an API's documented default endpoint; a REST API's likewise), `${aws_lambda_function_url.u.url_id}.lambda-url...`,
 *   `${aws_bedrockagentcore_gateway.g.gateway_id}.gateway.bedrock-agentcore...`, in a template, `format()` or `join()`;
 * - the stack's own custom domain (`aws_apigatewayv2_domain_name`, `aws_api_gateway_domain_name`), by reference or as
 *   the literal host its `domain_name` may be: the APIs its mappings (`aws_apigatewayv2_api_mapping`,
 *   `aws_api_gateway_base_path_mapping`) put there. The mapping whose key (`api_mapping_key`, `base_path`) starts the
 *   path serves the call, else the one with none; a path or key blastwall cannot read may be any: all of them.
 * A literal AWS door host blastwall cannot tie to a door of the stack (an execute-api, Lambda function URL or AgentCore
 * gateway host with an id no resource of the stack can be shown to have), a domain whose mappings it cannot find, or a
 * mapping whose API it cannot find, is a door it cannot see behind: unknown reach, named, as an AgentCore runtime URL
 * it cannot tie to a runtime is (mcp-server-runtimes.ts). A literal host that is none of these is a server elsewhere.
 */
import type { TfResource, TfStack } from "../terraform/types";
import { instancesOf, mentionedIn, oneReferenced } from "../terraform/referenced";
import { attributePattern, parseReference, parseTemplate, resolveToPattern } from "../terraform/tokens";
import { parseExpression, type Expr } from "../../hcl/expr";
import { globsIntersect } from "../iam/glob";
import type { NamedDoor } from "./mcp-server-doors";
import { aliasPatterns, cloudFrontForwards, CLOUDFRONT } from "./mcp-cloudfront";
import { hostText, parseEndpoint, type EndpointUrl, type Seg } from "./mcp-endpoint-url";
import { agentCoreVpceHost, vpceHost } from "./mcp-vpc-endpoints";

/** What a host names: doors of the stack, and why what else it may name cannot be seen (unknown reach). */
export interface HostDoors {
  readonly doors: readonly NamedDoor[];
  readonly unknown?: string;
  /** The unknown is an AWS door host that may be in any account, another company's too: a weak link (a warning). */
  readonly elsewhere?: boolean;
  /** Origin URLs a CloudFront distribution of the stack (`via`) sends the call to, read as the endpoint is (mcp-cloudfront.ts). */
  readonly forwards?: readonly { readonly endpoint: string; readonly via: TfResource }[];
  /** Nothing answers at the host (an API's disabled default endpoint): no door, and no runtime or server elsewhere. */
  readonly none?: boolean;
}


const API_TYPES = ["aws_apigatewayv2_api", "aws_api_gateway_rest_api"];
const DOMAIN_TYPES = ["aws_apigatewayv2_domain_name", "aws_api_gateway_domain_name"];
/** A mapping type, the argument naming its API, and the one naming its key (the base path it serves). */
const MAPPINGS: readonly (readonly [string, string])[] = [
  ["aws_apigatewayv2_api_mapping", "api_mapping_key"],
  ["aws_api_gateway_base_path_mapping", "base_path"],
];

/**
 * A regional AWS domain: the IPv4 one (`amazonaws.com`, `amazonaws.com.cn`) or the dual-stack one AWS gives services
 * beside it (`SERVICE.REGION.api.aws`, `api.amazonwebservices.com.cn` in China; red-team round 171, F2). AWS documents
 * `apigateway.REGION.api.aws` for API Gateway's own API; whether an API's invoke host or AgentCore's has the dual-stack
 * form blastwall cannot confirm, so such a host is read as the same door it names in `amazonaws.com` (an id it cannot
 * tie is unknown reach, as there), never as a server elsewhere.
 */
const REGIONAL = String.raw`(?:amazonaws\.com(?:\.cn)?|api\.aws|api\.amazonwebservices\.com\.cn)`;
/** AWS's dual-stack domains: a host under one blastwall cannot tie is an AWS door it cannot see behind. */
const DUAL_STACK = /\.(?:api\.aws|api\.amazonwebservices\.com\.cn)$/;
/** AgentCore's data plane, where runtimes are reached (mcp-server-runtimes.ts reads those URLs). */
export const AGENTCORE_HOST = new RegExp(String.raw`^bedrock-agentcore(?:-fips)?\.[a-z0-9-]+\.${REGIONAL}$`, "i");

/** AWS hosts of doors: what they are, the door types, and the attribute that is the id label they start with. */
const AWS_HOSTS: readonly { readonly re: RegExp; readonly what: string; readonly types: readonly string[]; readonly id: string }[] = [
  { re: new RegExp(String.raw`^([a-z0-9-]+)\.execute-api(?:-fips)?\.[a-z0-9-]+\.${REGIONAL}$`), what: "an API Gateway API", types: API_TYPES, id: "id" },
  { re: /^([a-z0-9-]+)\.lambda-url\.[a-z0-9-]+\.on\.aws$/, what: "a Lambda function URL", types: ["aws_lambda_function_url"], id: "url_id" },
  { re: new RegExp(String.raw`^([a-z0-9-]+)\.gateway\.bedrock-agentcore(?:-fips)?\.[a-z0-9-]+\.${REGIONAL}$`), what: "an AgentCore gateway", types: ["aws_bedrockagentcore_gateway"], id: "gateway_id" },
  // A distribution's host is not its id: it is tied by its whole domain_name.
  { re: /^([a-z0-9]+\.cloudfront\.net)$/, what: "a CloudFront distribution", types: [CLOUDFRONT], id: "domain_name" },
];
/** AWS's own domains, which no custom domain of the stack can be. */
const AWS_DOMAIN = new RegExp(String.raw`\.(?:${REGIONAL}|on\.aws)$`);

/**
 * Arguments a reference to an attribute reads as written, by type: the attribute holds the argument's value. An API's
 * stage or deployment holds its API's id (`rest_api_id`, `api_id`) and its name; a mapping its domain, key and API; a
 * certificate the domain it is for. Any other API Gateway resource's `api_id` / `rest_api_id` is its API's id too.
 */
const READ_THROUGH: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  aws_api_gateway_stage: { stage_name: "stage_name" },
  aws_apigatewayv2_stage: { name: "name" },
  aws_api_gateway_base_path_mapping: { domain_name: "domain_name", base_path: "base_path", stage_name: "stage_name" },
  aws_apigatewayv2_api_mapping: { domain_name: "domain_name", api_mapping_key: "api_mapping_key" },
  aws_acm_certificate: { domain_name: "domain_name" },
};
const API_FAMILY = /^aws_api_gateway_|^aws_apigatewayv2_/;
const RECORD = "aws_route53_record";
/** The resources whose hosts are doors mcp-server-doors.ts follows. */
const DOOR_TYPES = [...API_TYPES, ...DOMAIN_TYPES, "aws_bedrockagentcore_gateway", "aws_lambda_function_url", CLOUDFRONT];

/** The endpoint as text and references, `format()` and `join()` read through; anything else is `other`. */
function segments(stack: TfStack, written: string, depth = 0): Seg[] {
  const out: Seg[] = [];
  for (const p of parseTemplate(written)) {
    if (p.kind === "literal") {
      out.push({ text: p.text });
      continue;
    }
    let segs: Seg[];
    try {
      segs = p.directive ? [{ other: true }] : exprSegments(stack, parseExpression(p.expr), depth);
    } catch {
      segs = [{ other: true }];
    }
    // What blastwall cannot evaluate keeps the door-ish resources the expression names: `lower(aws_x.y.id)`.
    const near = segs.some((x) => "other" in x) ? doorishIn(stack, p.expr) : [];
    out.push(...(near.length > 0 ? segs.map((x) => ("other" in x ? { ...x, near: [...(x.near ?? []), ...near] } : x)) : segs));
  }
  return out;
}

/** The resources of the stack an expression names anywhere in it that are, or read through to, a door of the stack. */
function doorishIn(stack: TfStack, expr: string): TfResource[] {
  return [...new Set(mentionedIn(stack, expr).map((m) => m.resource))].filter((r) => r.mode === "managed" && doorish(stack, r));
}

function doorish(stack: TfStack, r: TfResource): boolean {
  if (DOOR_TYPES.includes(r.type) || API_FAMILY.test(r.type)) return true;
  if (r.type === "aws_acm_certificate") return DOMAIN_TYPES.some((t) => (stack.byType.get(t) ?? []).length > 0);
  if (r.type !== RECORD) return false;
  const targets = recordTargets(stack, r, 0);
  return targets === undefined || targets.length > 0;
}

/**
 * How deep a host is read through references, records and the functions read here (each a level; a record a CNAME
 * names costs about three). Past it, what the host is made of is not followed, and it may be any door of the stack
 * (red-team round 176: a CNAME to a CNAME to a record aliasing the stack's API domain, 6 levels then, read as a server
 * elsewhere). A loop of records ends here too.
 */
const MAX_HOST_DEPTH = 12;

/** The piece of a host blastwall stopped reading (MAX_HOST_DEPTH), at `r` where it was a resource: unknown, saying why. */
function stopped(r?: TfResource): Seg {
  return { other: true, ...(r ? { near: [r] } : {}), why: stoppedWhy(r) };
}

function stoppedWhy(r?: TfResource): string {
  return (
    `blastwall stops reading a host through Route 53 records, references and functions after ${MAX_HOST_DEPTH} levels${r ? `, and stopped in what ${r.address} points at` : ""}, ` +
    "so the host may be any door of this stack; point the endpoint at the door's own host, or at a record that aliases the door directly"
  );
}

/**
 * The doors of the stack a Route 53 record points its name at (an alias or CNAME naming a custom domain, an API, ...);
 * undefined where what it points at is past MAX_HOST_DEPTH (not followed).
 */
function recordTargets(stack: TfStack, r: TfResource, depth: number): TfResource[] | undefined {
  const alias = r.values["alias"];
  const names = [...(Array.isArray(alias) ? alias : [alias]).map((a) => (a && typeof a === "object" ? (a as Record<string, unknown>)["name"] : undefined)), ...(Array.isArray(r.values["records"]) ? r.values["records"] : [])];
  const out: TfResource[] = [];
  for (const n of names) {
    if (typeof n !== "string") continue;
    if (depth > MAX_HOST_DEPTH) return undefined;
    for (const s of segments(stack, n, depth + 1)) {
      // A record it names read past the bound (a CNAME to a CNAME ...): where that one points is not known either.
      if ("other" in s && s.why !== undefined) return undefined;
      if ("ref" in s && DOOR_TYPES.includes(s.ref.type) && !out.includes(s.ref)) out.push(s.ref);
    }
  }
  return out;
}

function exprSegments(stack: TfStack, e: Expr, depth: number): Seg[] {
  const other: Seg[] = [{ other: true }];
  if (depth > MAX_HOST_DEPTH) return [stopped()];
  if (e.k === "paren") return exprSegments(stack, e.x, depth + 1);
  if (e.k === "lit") return typeof e.v === "string" ? [{ text: e.v }] : other;
  if (e.k === "tmpl") return e.parts.flatMap((p) => (typeof p === "string" ? [{ text: p }] : p.k === "interp" ? exprSegments(stack, p.e, depth + 1) : other));
  if (e.k === "trav") return travSegments(stack, e, depth);
  if (e.k !== "call" || e.expand) return other;
  if (e.name === "format" && e.args.length > 0) {
    const f = exprSegments(stack, e.args[0], depth + 1);
    if (f.length !== 1 || !("text" in f[0])) return other;
    const args = e.args.slice(1);
    const out: Seg[] = [];
    let i = 0;
    let bad = false;
    for (const piece of f[0].text.split(/(%[%sdv]?)/)) {
      if (piece === "%%") out.push({ text: "%" });
      else if (/^%[sdv]$/.test(piece)) out.push(...(i < args.length ? exprSegments(stack, args[i++], depth + 1) : ((bad = true), other)));
      else if (piece === "%") bad = true;
      else if (piece !== "") out.push({ text: piece });
    }
    return bad || i !== args.length ? other : out;
  }
  // A host is read without regard to case, and these leave an id or a domain name as it is.
  if (["lower", "upper", "trimspace", "tostring"].includes(e.name) && e.args.length === 1) return exprSegments(stack, e.args[0], depth + 1);
  if (e.name === "join" && e.args.length === 2 && e.args[1].k === "tuple") {
    const sep = exprSegments(stack, e.args[0], depth + 1);
    return e.args[1].items.flatMap((x, n) => [...(n > 0 ? sep : []), ...exprSegments(stack, x, depth + 1)]);
  }
  return other;
}

/**
 * A reference: a resource or data source of the stack, a local read through. An index names its instance
 * (`aws_x.y[0].id` is `aws_x.y[0]` where a folder's reader made instances, `aws_x.y` where a single JSON file keeps the
 * resource: red-team round 169a, F5); an index blastwall cannot read may be any instance, which is no one door.
 */
function travSegments(stack: TfStack, e: Extract<Expr, { k: "trav" }>, depth: number): Seg[] {
  if (typeof e.root !== "string") return [{ other: true }];
  const attrs = e.ops.map((o) => (o.k === "attr" ? o.name : undefined));
  if (e.root === "local" && e.ops.length === 1 && attrs[0] !== undefined) {
    const v = stack.locals.get(attrs[0]);
    return typeof v === "string" ? segments(stack, v, depth + 1) : [{ other: true }];
  }
  const n = e.root === "data" ? 2 : 1;
  const named = [e.root, ...attrs.slice(0, n)];
  if (named.some((x) => x === undefined)) return [{ other: true }];
  const ref = parseReference(named.join("."));
  if (!ref || (ref.kind !== "resource" && ref.kind !== "data")) return [{ other: true }];
  const op = e.ops[n];
  const key = op?.k === "index" ? indexKey(op.key) : op?.k === "splat" ? null : undefined;
  const rs = key === null ? [] : instancesOf(stack, ref.address, key);
  if (rs.length !== 1) return [{ other: true }];
  const r = rs[0];
  const attr = attrs[op?.k === "index" ? n + 1 : n];
  return (r.mode === "managed" && attr !== undefined ? meaning(stack, r, attr, depth) : undefined) ?? [{ ref: r }];
}

/** An index as `instancesOf` takes it: `[0]`, `["a"]`; `[?]` where it is no literal (any instance). */
function indexKey(k: Expr): string {
  const v = k.k === "lit" ? k.v : k.k === "tmpl" && k.parts.length === 1 && typeof k.parts[0] === "string" ? k.parts[0] : undefined;
  if (typeof v === "number" && Number.isInteger(v) && v >= 0) return `[${v}]`;
  return typeof v === "string" ? `[${JSON.stringify(v)}]` : "[?]";
}

/**
 * What an attribute of a resource that is no door itself holds (red-team round 164, F1, F2): a stage's `rest_api_id`
 * is its API's id, a mapping's `domain_name` its domain, a Route 53 record's `fqdn` or `name` the door it aliases (or
 * its name, read as a literal host). Undefined: the resource as it is. What cannot be read stays near the resource.
 */
function meaning(stack: TfStack, r: TfResource, attr: string, depth: number): Seg[] | undefined {
  if (r.type === RECORD && (attr === "fqdn" || attr === "name")) {
    const targets = recordTargets(stack, r, depth + 1);
    if (targets === undefined) return [stopped(r)];
    if (targets.length > 0) return targets.map((t) => ({ ref: t }));
    const name = typeof r.values["name"] === "string" ? merged(segments(stack, r.values["name"], depth + 1)) : [];
    if (name.length !== 1 || !("text" in name[0])) return undefined;
    // A name not ending in its zone's is relative to it: Route 53 serves `NAME.ZONE`.
    const zone = oneReferenced(stack, r.values["zone_id"], ["aws_route53_zone"])?.values["name"];
    const z = typeof zone === "string" && !zone.includes("${") ? zone.replace(/\.$/, "").toLowerCase() : undefined;
    const n = name[0].text.replace(/\.$/, "");
    return [{ text: z && n.toLowerCase() !== z && !n.toLowerCase().endsWith(`.${z}`) ? `${n}.${z}` : n }];
  }
  const arg = READ_THROUGH[r.type]?.[attr] ?? (API_FAMILY.test(r.type) && !API_TYPES.includes(r.type) && (attr === "api_id" || attr === "rest_api_id") ? attr : undefined);
  if (arg === undefined) return undefined;
  if (depth > MAX_HOST_DEPTH) return [stopped(r)];
  const v = r.values[arg];
  if (typeof v !== "string") return [{ other: true, near: [r] }];
  return segments(stack, v, depth + 1).map((x) => ("other" in x ? { ...x, near: [...(x.near ?? []), r] } : x));
}

/** Adjacent text pieces as one. */
function merged(segs: readonly Seg[]): Seg[] {
  const out: Seg[] = [];
  for (const s of segs) {
    const last = out[out.length - 1];
    if ("text" in s && last && "text" in last) out[out.length - 1] = { text: last.text + s.text };
    else out.push(s);
  }
  return out;
}

/**
 * The doors an endpoint's host names (see the module comment), or undefined where it names none blastwall can tell
 * (a host of another resource, a variable, a literal host elsewhere, a URL it cannot parse: mcp-server-runtimes.ts
 * reads those).
 */
export function hostDoors(stack: TfStack, written: string): HostDoors | undefined {
  const url = endpointUrl(stack, written);
  if (url.kind !== "url") return undefined;
  const path = url.path;
  const host = url.host;
  const refs = host.flatMap((s) => ("ref" in s && s.ref.mode === "managed" ? [s.ref] : []));
  const near = [...new Set(host.flatMap((s) => ("other" in s ? (s.near ?? []) : [])))];
  const whys = [...new Set(host.flatMap((s) => ("other" in s && s.why !== undefined ? [s.why] : [])))];
  const text = hostText(url);
  const found = refs.length > 0 ? byReference(stack, refs, path) : text !== undefined ? byLiteral(stack, text, path) : undefined;
  if (near.length === 0 && whys.length === 0) return found;
  // A door-ish resource inside what blastwall cannot evaluate (red-team round 164, F3): the host may be that door's.
  const why =
    whys.length > 0
      ? whys.join("; ")
      : `its host is written with an expression blastwall cannot evaluate around ${near.map((r) => r.address).join(", ")}, so it may be ${near.length === 1 ? "that door" : "one of those doors"} of this stack`;
  return { doors: found?.doors ?? [], unknown: found?.unknown ? `${found.unknown}; ${why}` : why };
}

/** The endpoint as its HTTP client reads it (mcp-endpoint-url.ts), references and `format()` read through. */
export function endpointUrl(stack: TfStack, written: string): EndpointUrl {
  return parseEndpoint(merged(segments(stack, written)));
}

/**
 * Whether an API's default `execute-api` endpoint is certainly off (`disable_execute_api_endpoint = true`): API Gateway
 * answers it with 403 and runs nothing, while its custom domains still serve it. A value blastwall cannot read (a
 * variable) may be false: the endpoint counts as on. An OpenAPI `body`'s own setting is not read (counts as on).
 * The switch takes effect only with a new deployment (red-team round 169a, F9: AWS's guide, "Disable the default
 * endpoint"), so set on an API already deployed it leaves the endpoint serving until one comes. It counts as off only
 * where the stack redeploys on a change of the API (`redeployed`); otherwise on, failing closed: blastwall cannot tell
 * a fresh stack, whose first deployment carries the switch, from one that added it later.
 */
export function executeApiDisabled(stack: TfStack, api: TfResource): boolean {
  const v = api.values["disable_execute_api_endpoint"];
  const on = v === true || (typeof v === "string" && ((p) => p.exact && p.pattern === "true")(resolveToPattern(stack, v)));
  return on && redeployed(stack, api);
}

/**
 * Whether a change of the API itself is deployed by the stack: an HTTP API's stage with `auto_deploy = true` (or one
 * made by quick create), or a
 * deployment of the API whose `triggers` are made from the whole API resource or its switch
 * (`sha1(jsonencode(aws_api_gateway_rest_api.r))`). Triggers made only from routes and integrations do not count.
 */
function redeployed(stack: TfStack, api: TfResource): boolean {
  const http = api.type === "aws_apigatewayv2_api";
  const arg = http ? "api_id" : "rest_api_id";
  const of = (t: string) => (stack.byType.get(t) ?? []).filter((r) => r.mode === "managed" && oneReferenced(stack, r.values[arg], [api.type])?.address === api.address);
  // Quick create (`target`) makes a $default stage that deploys automatically.
  if (http && typeof api.values["target"] === "string" && api.values["target"] !== "") return true;
  if (http && of("aws_apigatewayv2_stage").some((st) => st.values["auto_deploy"] === true || (typeof st.values["auto_deploy"] === "string" && resolveToPattern(stack, st.values["auto_deploy"]).pattern === "true"))) return true;
  return of(http ? "aws_apigatewayv2_deployment" : "aws_api_gateway_deployment").some((d) => {
    const triggers = d.values["triggers"];
    const texts = triggers && typeof triggers === "object" ? Object.values(triggers as Record<string, unknown>) : [triggers];
    return texts.some((t) => typeof t === "string" && parseTemplate(t).some((p) => p.kind === "interpolation" && mentionedIn(stack, p.expr).some((m) => m.resource.address === api.address && (m.attribute === undefined || m.attribute === "disable_execute_api_endpoint"))));
  });
}

/** A host written with references: each door resource among them is called (a domain: its mapped APIs). */
function byReference(stack: TfStack, refs: readonly TfResource[], path: string | undefined): HostDoors | undefined {
  const doors: NamedDoor[] = [];
  const unknown: string[] = [];
  const forwards: { endpoint: string; via: TfResource }[] = [];
  let off = false;
  for (const r of refs) {
    // An API's id in the host is its default execute-api host, which a disabled default endpoint answers with 403.
    if (API_TYPES.includes(r.type) && executeApiDisabled(stack, r)) {
      off = true;
      continue;
    }
    if (r.type === CLOUDFRONT) {
      const f = cloudFrontForwards(stack, r, path);
      forwards.push(...f.endpoints.map((endpoint) => ({ endpoint, via: r })));
      if (f.unknown) unknown.push(f.unknown);
    } else if (API_TYPES.includes(r.type)) doors.push({ kind: "api", api: r, by: r });
    else if (r.type === "aws_bedrockagentcore_gateway") doors.push({ kind: "gateway", gateway: r, by: r });
    else if (r.type === "aws_lambda_function_url") doors.push({ kind: "url", url: r, by: r });
    else if (DOMAIN_TYPES.includes(r.type)) {
      const d = mappedDoors(stack, [r], attributePattern(stack, r, "domain_name").pattern || "*", path, r);
      doors.push(...d.doors);
      if (d.unknown) unknown.push(d.unknown);
    } else if (doorish(stack, r)) unknown.push(`it is written with ${r.address}, which blastwall cannot read as a door of this stack from the attribute the host takes`);
  }
  if (doors.length === 0 && unknown.length === 0 && forwards.length === 0) return off ? { doors: [], none: true } : undefined;
  return { doors, ...(unknown.length > 0 ? { unknown: unknown.join("; ") } : {}), ...(forwards.length > 0 ? { forwards } : {}) };
}

/** A literal host: an AWS door host (tied by an id a door of the stack is shown to have, else unknown), or a domain of the stack. */
function byLiteral(stack: TfStack, host: string, path: string | undefined): HostDoors | undefined {
  for (const { re, what, types, id: attr } of AWS_HOSTS) {
    const id = re.exec(host)?.[1];
    if (id === undefined) continue;
    // A private API's host is `API_ID-VPCE_ID.execute-api...`: its first part is the API's id.
    const own = types.flatMap((t) => stack.byType.get(t) ?? []).filter((r) => {
      const p = attributePattern(stack, r, attr);
      return r.mode === "managed" && p.exact && (p.pattern === id || id.startsWith(`${p.pattern}-`) || p.pattern.toLowerCase() === host);
    });
    if (own.length > 0) return byReference(stack, own, path);
    return {
      doors: [],
      unknown: `${host} is ${what} whose id ${id} no resource of this stack can be shown to have: a door in some AWS account, maybe another stack's of yours, maybe another company's MCP server; a warning (an error under --strict)`,
      elsewhere: true,
    };
  }
  // An interface VPC endpoint's own name (mcp-vpc-endpoints.ts): AgentCore's data plane is read as a runtime host
  // (mcp-server-runtimes.ts); another service's endpoint is a door blastwall does not read.
  const vpce = vpceHost(host);
  if (vpce && !agentCoreVpceHost(host)) {
    return { doors: [], unknown: `${host} is an interface VPC endpoint of ${vpce.service} in ${vpce.region}, which blastwall does not read as a door of this stack, so it cannot tell what the call reaches behind it` };
  }
  // A dual-stack host of a service blastwall does not read as a door is still AWS's, in some account: not nothing.
  if (DUAL_STACK.test(host) && !AGENTCORE_HOST.test(host)) {
    return {
      doors: [],
      unknown: `${host} is an AWS dual-stack host blastwall cannot tie to a door of this stack: a door in some AWS account, maybe another stack's of yours, maybe another company's MCP server; a warning (an error under --strict)`,
      elsewhere: true,
    };
  }
  if (AWS_DOMAIN.test(host)) return undefined;
  const named = byRecord(stack, host, path);
  if (named) return named;
  // CloudFront answers only the names in a distribution's aliases (an alias written wholly as a variable: see mayName).
  const fronts = (stack.byType.get(CLOUDFRONT) ?? []).filter((d) => d.mode === "managed" && aliasPatterns(stack, d).some((a) => mayName(a, host, true)));
  if (fronts.length > 0) return byReference(stack, fronts, path);
  const domains = DOMAIN_TYPES.flatMap((t) => stack.byType.get(t) ?? []).filter((d) => d.mode === "managed" && mayName(attributePattern(stack, d, "domain_name").pattern, host, true));
  const loose = MAPPINGS.flatMap(([t]) => stack.byType.get(t) ?? []).some((m) => !oneReferenced(stack, m.values["domain_name"], DOMAIN_TYPES) && literalDomainMeets(stack, m, host, true));
  if (domains.length === 0 && !loose) return undefined;
  return mappedDoors(stack, domains, host, path, domains.length === 1 ? domains[0] : undefined, true);
}

/**
 * A literal host that is the name of a Route 53 record of the stack (`https://r1.example.com/mcp`, the record `r1` in
 * the zone `example.com`) is read as `${aws_route53_record.r1.fqdn}` is (cap audit review, round 176): the doors the
 * record points at. It was read as a server elsewhere, even with the record aliasing the door directly. A record that
 * points at no door of the stack leaves the host to the checks after this one; one read past the bound is unknown.
 */
function byRecord(stack: TfStack, host: string, path: string | undefined): HostDoors | undefined {
  const targets: TfResource[] = [];
  const stoppedAt: string[] = [];
  for (const r of stack.byType.get(RECORD) ?? []) {
    if (r.mode !== "managed" || !mayName(recordNamePattern(stack, r), host, true)) continue;
    const t = recordTargets(stack, r, 0);
    if (t === undefined) stoppedAt.push(stoppedWhy(r));
    else targets.push(...t.filter((x) => !targets.includes(x)));
  }
  const found = targets.length > 0 ? byReference(stack, targets, path) : undefined;
  if (stoppedAt.length === 0) return found;
  const why = `${host} is the name of a Route 53 record of this stack, and ${stoppedAt.join("; ")}`;
  return { doors: found?.doors ?? [], unknown: found?.unknown ? `${found.unknown}; ${why}` : why, ...(found?.forwards ? { forwards: found.forwards } : {}) };
}

/** The name a record serves as a pattern: `NAME.ZONE` where the name is relative to its zone (as `meaning` reads it). */
function recordNamePattern(stack: TfStack, r: TfResource): string {
  const v = r.values["name"];
  const n = (typeof v === "string" ? resolveToPattern(stack, v).pattern : "*").replace(/\.$/, "");
  const zone = oneReferenced(stack, r.values["zone_id"], ["aws_route53_zone"])?.values["name"];
  const z = typeof zone === "string" && !zone.includes("${") ? zone.replace(/\.$/, "").toLowerCase() : undefined;
  return z && n.toLowerCase() !== z && !n.toLowerCase().endsWith(`.${z}`) ? `${n}.${z}` : n;
}

/**
 * Whether a domain name written as `pattern` may be `host`. For a literal host, a name blastwall knows nothing of (a
 * variable with no default: `*`) is taken to be another (red-team round 164, F5): it may be anything, so it may be
 * that host, but a literal host beside a parameterised domain of the team's own is far likelier a partner's MCP server
 * (mcp.atlassian.com) than the deploy's value of the variable; and a team calling its own domain writes it by
 * reference. A default, or a literal part (`mcp.${var.env}.example.com`), is matched as written.
 */
function mayName(pattern: string, host: string, literal: boolean): boolean {
  if (literal && /^[*?]*$/.test(pattern)) return false;
  return globsIntersect(host, pattern || "*", { caseInsensitive: true });
}

function literalDomainMeets(stack: TfStack, m: TfResource, host: string, literal: boolean): boolean {
  const v = m.values["domain_name"];
  return mayName(typeof v === "string" ? resolveToPattern(stack, v).pattern : "*", host, literal);
}

/**
 * The APIs the mappings of a domain put behind `path`: mappings naming one of `domains` by reference, or with a
 * domain name that may be `host`. The mapping whose key starts the path, else the one with no key; all of them where
 * the path or a key cannot be read. No mapping, or one whose API is not in the stack: unknown.
 */
function mappedDoors(stack: TfStack, domains: readonly TfResource[], host: string, path: string | undefined, domain: TfResource | undefined, literal = false): HostDoors {
  const where = domain?.address ?? host;
  const all = MAPPINGS.flatMap(([t, key]) => (stack.byType.get(t) ?? []).filter((m) => m.mode === "managed").map((m) => ({ m, key })));
  const mine = all.filter(({ m }) => {
    const d = oneReferenced(stack, m.values["domain_name"], DOMAIN_TYPES);
    return d ? domains.includes(d) : literalDomainMeets(stack, m, host, literal);
  });
  const keyed = mine.map(({ m, key }) => {
    const v = m.values[key];
    if (v === undefined || v === null || v === "" || v === "(none)") return { m, key: "" as string | undefined };
    const p = typeof v === "string" ? resolveToPattern(stack, v) : undefined;
    return { m, key: p?.exact ? p.pattern.replace(/^\/+|\/+$/g, "") : undefined };
  });
  let chosen = keyed;
  // A percent-escape left in the path (`%2F`) may or may not be decoded before a key is matched: any mapping.
  if (path !== undefined && !path.includes("%") && keyed.every((k) => k.key !== undefined)) {
    const p = path.replace(/[?#].*$/, "").replace(/^\/+/, "");
    const starts = keyed.filter((k) => k.key !== "" && (p === k.key || p.startsWith(`${k.key}/`)));
    const longest = Math.max(0, ...starts.map((k) => k.key!.length));
    chosen = starts.length > 0 ? starts.filter((k) => k.key!.length === longest) : keyed.filter((k) => k.key === "");
  }
  // Mappings of the domain, none at the path: API Gateway answers 403 there and runs nothing (red-team round 164, F6).
  if (chosen.length === 0 && mine.length > 0) return { doors: [] };
  if (chosen.length === 0) {
    return { doors: [], unknown: `${where}, a custom domain of API Gateway, has no API mapping in this stack for the path ${path ?? "(unreadable)"}, so the API it serves is not in view` };
  }
  const doors: NamedDoor[] = [];
  const lost: string[] = [];
  for (const { m } of chosen) {
    const api = oneReferenced(stack, m.values["api_id"], API_TYPES);
    if (api) doors.push({ kind: "api", api, by: domain ?? m });
    else lost.push(m.address);
  }
  const unknown = lost.length > 0 ? `${lost.join(", ")} map${lost.length === 1 ? "s" : ""} ${where} to an API blastwall cannot find in this stack (api_id)` : undefined;
  return { doors, ...(unknown ? { unknown } : {}) };
}
