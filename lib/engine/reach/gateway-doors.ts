/**
 * AgentCore gateways (red-team round 156): an MCP front door whose targets act for whoever calls a tool. The gateway
 * turns a `tools/call` into a call of its target with the tool's arguments, as its own role (`role_arn`):
 * - a Smithy model target calls the AWS service the model describes (an empty model is DynamoDB's), signed with that
 *   role: the caller acts as the role, in every right of it, since blastwall does not read the model (fail closed);
 * - an OpenAPI target whose credentials are the gateway's role (`gateway_iam_role`) signs its HTTP calls with the
 *   role, to an endpoint the schema names, which may be an AWS API: the same; with an API key or OAuth it uses no role;
 * - a Lambda target, and an interceptor Lambda (`interceptor_configuration`, which gets every request), run the
 *   function with the caller's arguments: a route into it (rules/front-doors.ts), as an API method into a function;
 * - an MCP server target calls the server at its endpoint; where that is an AgentCore runtime of the stack hosting an
 *   MCP server (`https://bedrock-agentcore.REGION.amazonaws.com/runtimes/ENCODED_RUNTIME_ARN/invocations`), the tool
 *   call is a prompt its code acts on as the runtime's execution role: the caller acts as that role, in every right
 *   of it, as invoking the runtime does (mcp-server-runtimes.ts); an endpoint blastwall cannot resolve may be any
 *   runtime (a role it cannot name, fail closed); one on another front door of the stack (an API stage's URL, a
 *   gateway's, a function URL) is called with the target's credentials, which get the caller past that door's auth
 *   (mcp-server-doors.ts); one on a CloudFront distribution of the stack is read at the origins it sends the call to
 *   (mcp-cloudfront.ts); one on a host that is no AgentCore runtime and no such door uses no role of the stack.
 * A target blastwall cannot read may be any of them: it counts as acting as the role. Who calls the gateway is read
 * from `authorizer_type`: AWS_IAM asks `bedrock-agentcore:InvokeGateway` on it; CUSTOM_JWT admits whoever gets a token
 * its discovery URL's issuer gives (authorizers.ts, as for API Gateway's JWT authorizers); anything else may ask
 * nothing. A target on a gateway the stack does not make may be on one that asks nothing (fail closed).
 */
import { exactPattern } from "../terraform/tokens";
import type { TfResource, TfStack } from "../terraform/types";
import { oneReferenced } from "../terraform/referenced";
import { blocks } from "../json";
import { AUTHORIZER_LABEL, closedAccess, issuerAdmits, loginDoors } from "./authorizers";
import { mcpServerRuntimes } from "./mcp-server-runtimes";
import { namedDoors, unseenDoor, type McpCredential, type NamedDoor } from "./mcp-server-doors";
import type { DoorAccess } from "./front-doors";

export const GATEWAYS: readonly string[] = ["aws_bedrockagentcore_gateway"];
export const GATEWAY_ARN = "arn:*:bedrock-agentcore:*:*:gateway/*";
export const INVOKE_GATEWAY = "bedrock-agentcore:InvokeGateway";

/** What a gateway does for a caller through one target (or its interceptor). */
export interface GatewayDoor {
  /** The target, or the gateway for its interceptor. */
  readonly via: TfResource;
  /** The gateway, when the stack makes it. */
  readonly gateway?: TfResource;
  /** How messages name what the gateway calls: `a Smithy model target`. */
  readonly what: string;
  /** Whether it invokes a function (a Lambda target, an interceptor): `lambda`, the function as written (unreadable: any). */
  readonly invokes: boolean;
  readonly lambda?: unknown;
  /** Whether the gateway acts as its role with AWS API calls the caller shapes (Smithy, OpenAPI signed with the role, unread). */
  readonly actsAsRole: boolean;
  /**
   * For an MCP server target on an AgentCore runtime: the role the caller comes to act as instead of the gateway's
   * (the runtime's `role_arn` as written; undefined with `unknown` set: a runtime blastwall cannot tell), and the fix.
   */
  readonly runtime?: { readonly role: unknown; readonly unknown?: string; readonly fix: string; readonly weak?: boolean };
  /**
   * For an MCP server target on another front door of the stack (mcp-server-doors.ts): the door, and how the gateway
   * authenticates to it; what is behind the door is read where the door's own routes are (front-doors.ts, rules/front-doors.ts).
   */
  readonly relay?: { readonly door: NamedDoor; readonly cred: McpCredential };
  readonly access: DoorAccess;
}

const unset = (v: unknown): boolean => v === undefined || v === null || v === "";

/** A block list as written: undefined where it is no list or object (a variable, a `dynamic` block): unread. */
function readBlocks(v: unknown): Record<string, unknown>[] | undefined {
  if (unset(v)) return [];
  const list = blocks(v);
  return list.length === 0 || list.some((b) => "dynamic" in b) ? undefined : list;
}

const WELL_KNOWN = /\/\.well-known\/openid-configuration\/?$/i;

/** Who may call a gateway's tools (see the module comment). */
export function gatewayAccess(stack: TfStack, gw: TfResource | undefined, via: TfResource): DoorAccess {
  if (!gw) {
    return {
      kind: "open",
      text: `through ${via.address}, a target of an AgentCore gateway blastwall cannot find in the stack (gateway_identifier), whose authorizer may admit anyone`,
      fix: `make the gateway of ${via.address} in the stack with authorizer_type = "AWS_IAM", and name it by reference (gateway_identifier = aws_bedrockagentcore_gateway.x.gateway_id)`,
    };
  }
  const type = exactPattern(stack, gw.values["authorizer_type"]);
  if (type === "AWS_IAM") return { kind: "iam" };
  const iam = `set authorizer_type = "AWS_IAM" on ${gw.address}`;
  if (type === "CUSTOM_JWT") {
    return customJwtAccess(stack, gw.values["authorizer_configuration"], `${gw.address} (authorizer_type "CUSTOM_JWT")`, iam, (t) => `through ${gw.address}, an AgentCore gateway (authorizer_type "CUSTOM_JWT") whose JWT authorizer takes tokens of ${t}; whoever gets such a token calls its tools over MCP`, gw.address);
  }
  return {
    kind: "open",
    text: `through ${gw.address}, an AgentCore gateway with authorizer_type ${type === undefined ? "blastwall cannot read (it may ask no auth)" : `"${type}"`}, whose tools anyone who can reach it may call`,
    fix: `${iam}, or a CUSTOM_JWT authorizer on an issuer of your organisation alone`,
  };
}

/**
 * Who an AgentCore `authorizer_configuration { custom_jwt_authorizer { ... } }` admits (a gateway's, a runtime's):
 * whoever gets a token of its discovery URL's issuer for the clients and audiences it allows (authorizers.ts
 * `issuerAdmits`); a block blastwall cannot read is any issuer's. `where` names the door and its authorizer for a
 * closed user pool's login doors, `iam` how to put it under IAM auth instead, `text` words an open door from what
 * lets anyone in, and `owner` is the resource the block is on, for the fix.
 */
export function customJwtAccess(stack: TfStack, config: unknown, where: string, iam: string, text: (admitted: string) => string, owner: string): DoorAccess {
  const cfg = readBlocks(config)?.flatMap((a) => readBlocks(a["custom_jwt_authorizer"]) ?? [{}])[0];
  const url = cfg?.["discovery_url"];
  const issuer = typeof url === "string" ? url.trim().replace(WELL_KNOWN, "") : url;
  const clients = !unset(cfg?.["allowed_clients"]) ? cfg?.["allowed_clients"] : cfg?.["allowed_audience"];
  const a = issuerAdmits(stack, issuer, unset(clients) ? undefined : clients, "the audiences and clients it allows (allowed_audience, allowed_clients) do not keep them out (they are the clients they sign in to, or ones they ask for)");
  if (a.kind !== "anyone") return closedAccess("other", loginDoors(a, where, iam));
  return { kind: "open", label: AUTHORIZER_LABEL, text: text(a.text), fix: `${a.fix}, for the custom_jwt_authorizer of ${owner}, or ${iam}` };
}

/** The doors of one target: what its `target_configuration.mcp` block makes the gateway call. */
function targetDoors(stack: TfStack, t: TfResource): GatewayDoor[] {
  const gateway = oneReferenced(stack, t.values["gateway_identifier"], GATEWAYS);
  const access = gatewayAccess(stack, gateway, t);
  const base = { via: t, gateway, access };
  const unread: GatewayDoor = { ...base, what: "a target whose configuration blastwall cannot read (it may be a Smithy model target, which calls AWS services as the gateway's role)", invokes: false, actsAsRole: true };
  const mcps = readBlocks(t.values["target_configuration"])?.flatMap((c) => readBlocks(c["mcp"]) ?? [{ dynamic: true }]);
  if (!mcps || mcps.length === 0) return [unread];
  const creds = readBlocks(t.values["credential_provider_configuration"]);
  // An OpenAPI target's calls are signed with the gateway's role when its credentials say so (or cannot be read).
  const signed = creds === undefined || creds.some((c) => !unset(c["gateway_iam_role"]));
  // An MCP server target sends a token (OAuth, API key) or signs with the role; a block it cannot read may do either.
  const known = ["gateway_iam_role", "oauth", "api_key"];
  const odd = creds === undefined || creds.some((c) => Object.keys(c).some((k) => !unset(c[k]) && !known.includes(k)));
  const cred: McpCredential = { token: odd || creds.some((c) => !unset(c["oauth"]) || !unset(c["api_key"])), signed: odd || signed };
  const out: GatewayDoor[] = [];
  for (const m of mcps) {
    const kinds = Object.keys(m).filter((k) => !unset(m[k]));
    if (kinds.length === 0 || kinds.some((k) => !["lambda", "smithy_model", "open_api_schema", "mcp_server"].includes(k))) {
      out.push(unread);
      continue;
    }
    for (const k of kinds) {
      if (k === "smithy_model") out.push({ ...base, what: "a Smithy model target, which turns tool calls into calls to the AWS service its model describes (DynamoDB's when empty), signed with the gateway's role", invokes: false, actsAsRole: true });
      if (k === "open_api_schema" && signed) out.push({ ...base, what: "an OpenAPI target whose calls are signed with the gateway's role (gateway_iam_role), to an endpoint its schema names, which may be an AWS API", invokes: false, actsAsRole: true });
      if (k === "mcp_server") {
        for (const server of readBlocks(m["mcp_server"]) ?? [{ endpoint: undefined }]) out.push(...serverDoors(stack, server["endpoint"], t, base, cred));
      }
      if (k === "lambda") {
        const fns = readBlocks(m["lambda"]) ?? [{}];
        for (const f of fns) out.push({ ...base, what: "a Lambda target", lambda: f["lambda_arn"], invokes: true, actsAsRole: false });
      }
    }
  }
  return out;
}

/**
 * What an MCP server endpoint makes the gateway call: doors of the stack (relayed with `cred`), a door it cannot see
 * behind, or a runtime (or none). A CloudFront distribution's origin URLs are read the same way, its doors named by
 * the distribution (`via`), a few hops deep (a distribution in front of another).
 */
function serverDoors(stack: TfStack, endpoint: unknown, t: TfResource, base: Pick<GatewayDoor, "via" | "gateway" | "access">, cred: McpCredential, via?: TfResource, depth = 0): GatewayDoor[] {
  const out: GatewayDoor[] = [];
  const unseen = (why: string, elsewhere?: boolean): void => {
    const r = unseenDoor(t, why, elsewhere);
    out.push({ ...base, what: r.what, invokes: false, actsAsRole: true, runtime: r });
  };
  const named = namedDoors(stack, endpoint);
  for (const inner of named.doors) {
    const door = via ? { ...inner, by: via } : inner;
    out.push({ ...base, what: `an MCP server target whose endpoint is ${door.by.address}, a front door of this stack the gateway calls with its own credentials`, invokes: false, actsAsRole: false, relay: { door, cred } });
  }
  if (named.unknown !== undefined) unseen(named.unknown, named.elsewhere);
  for (const f of named.forwards ?? []) {
    if (depth < 4) out.push(...serverDoors(stack, f.endpoint, t, base, cred, via ?? f.via, depth + 1));
    else unseen(`${f.via.address}, a CloudFront distribution, sends the call on through more distributions than blastwall follows`);
  }
  if (named.none || named.doors.length > 0 || named.unknown !== undefined || (named.forwards?.length ?? 0) > 0) return out;
  for (const r of mcpServerRuntimes(stack, endpoint, t)) out.push({ ...base, what: r.what, invokes: false, actsAsRole: true, runtime: r });
  return out;
}

/** A gateway's interceptor Lambdas: each gets every request (and response) of the gateway, the caller's arguments in it. */
function interceptorDoors(stack: TfStack, gw: TfResource): GatewayDoor[] {
  const configs = readBlocks(gw.values["interceptor_configuration"]);
  if (configs !== undefined && configs.length === 0) return [];
  // A block blastwall cannot read may name any function: `undefined`, every function of the stack (functionsOf).
  const arns = (configs ?? [{ interceptor: undefined }]).flatMap((c) => (readBlocks(c["interceptor"]) ?? [{ lambda: undefined }]).flatMap((i) => (readBlocks(i["lambda"]) ?? [{}]).map((l) => l["arn"])));
  const access = gatewayAccess(stack, gw, gw);
  return arns.map((arn) => ({ via: gw, gateway: gw, what: "an interceptor Lambda, which gets every request", lambda: arn, invokes: true, actsAsRole: false, access }));
}

/**
 * How many MCP server targets in a row, each calling the next gateway's door, the walks behind a relay follow
 * (rules/front-doors.ts `functionDoorsOf`, front-doors.ts `relayedDoors`); the bound also ends a loop of gateways
 * naming each other. A longer chain is an unseen door (`deepRelays`).
 */
export const RELAY_HOPS = 4;

/** Past this many steps of the chain search, a target counts as having a chain longer than the walks follow. */
const CHAIN_STEPS = 10_000;

/**
 * The relays whose chain of gateways runs past RELAY_HOPS (red-team round 176 cap audit): a target calling a gateway
 * whose target calls another gateway, and so on, through more distinct gateways than the walks behind a relay follow,
 * hid the functions and roles at its far end, and the stack passed. Each such first target is an unseen door, as a
 * CloudFront chain past its bound is (`serverDoors`), naming the target where blastwall stopped. A chain that comes
 * back to a gateway already on it is a loop whose doors were all seen, not a longer chain.
 */
function deepRelays(doors: readonly GatewayDoor[]): GatewayDoor[] {
  const relaysOf = new Map<TfResource, GatewayDoor[]>();
  for (const d of doors) {
    if (!d.relay || !d.gateway) continue;
    const l = relaysOf.get(d.gateway);
    if (l) l.push(d);
    else relaysOf.set(d.gateway, [d]);
  }
  const out: GatewayDoor[] = [];
  for (const d of doors) {
    if (d.relay?.door.kind !== "gateway" || !d.gateway) continue;
    let steps = 0;
    // The relay past the bound on a chain of distinct gateways from d (d is the first), or undefined.
    const past = (gw: TfResource, path: ReadonlySet<TfResource>, hops: number): GatewayDoor | "budget" | undefined => {
      for (const r of relaysOf.get(gw) ?? []) {
        if (++steps > CHAIN_STEPS) return "budget";
        const next = r.relay!.door.kind === "gateway" ? r.relay!.door.gateway : undefined;
        if (next && path.has(next)) continue;
        if (hops + 1 > RELAY_HOPS) return r;
        if (!next) continue;
        const hit = past(next, new Set([...path, next]), hops + 1);
        if (hit) return hit;
      }
      return undefined;
    };
    const first = d.relay.door.gateway;
    const hit = past(first, new Set([d.gateway, first]), 1);
    if (!hit) continue;
    const where =
      hit === "budget"
        ? `so many gateways' MCP server targets call one another that blastwall stopped reading them after ${CHAIN_STEPS} targets`
        : `${hit.via.address}, a target of ${hit.gateway!.address} ${RELAY_HOPS} gateways on, is where blastwall stopped (it follows ${RELAY_HOPS} MCP server targets in a row that call other gateways)`;
    const fix = `have the gateways of ${d.via.address}'s chain call the doors behind them directly, in fewer than ${RELAY_HOPS + 1} steps, or take ${d.via.address} off ${d.gateway.address}`;
    out.push({
      via: d.via,
      gateway: d.gateway,
      access: d.access,
      what: `an MCP server target whose endpoint is ${first.address}, a gateway of this stack at the head of a chain of gateways calling gateways longer than blastwall follows`,
      invokes: false,
      actsAsRole: true,
      runtime: {
        role: undefined,
        unknown: `what is behind the chain of AgentCore gateways the MCP server endpoint of ${d.via.address} starts (${first.address}, whose targets call other gateways in turn): ${where}; past it the chain may run any function or act as any role: ${fix}`,
        fix,
      },
    });
  }
  return out;
}

const cache = new WeakMap<TfStack, readonly GatewayDoor[]>();

/** Every gateway door of the stack, read once per stack. */
export function gatewayDoorsOf(stack: TfStack): readonly GatewayDoor[] {
  let out = cache.get(stack);
  if (!out) {
    const doors = [...(stack.byType.get("aws_bedrockagentcore_gateway_target") ?? []).filter((t) => t.mode === "managed").flatMap((t) => targetDoors(stack, t)), ...(stack.byType.get("aws_bedrockagentcore_gateway") ?? []).filter((g) => g.mode === "managed").flatMap((g) => interceptorDoors(stack, g))];
    out = [...doors, ...deepRelays(doors)];
    cache.set(stack, out);
  }
  return out;
}
