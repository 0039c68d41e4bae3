/**
 * API Gateway APIs defined by an OpenAPI document (red-team round 153): `body` on `aws_api_gateway_rest_api` or
 * `aws_apigatewayv2_api`. An import makes a method (REST) or route (HTTP API) for every operation, its integration from
 * the operation's `x-amazon-apigateway-integration` and its authorization from the operation's (else the document's)
 * `security`: an operation no requirement applies to asks no auth. The doors are front-doors.ts' and
 * rules/front-doors.ts' like those written as resources. A body blastwall cannot read as JSON (a `file()`, YAML, a
 * computed value) may hold any operation with no auth: the callers fail closed on it.
 */
import type { TfResource, TfStack } from "../terraform/types";
import { jsonDocument } from "./compute";
import { trustMayAdmitService } from "../principals/collect";
import type { DoorAccess } from "./front-doors";
import { AUTHORIZER_LABEL, closedAccess, lambdaDoor, loginDoors, schemeAdmits, schemeType, type Admits, type LambdaDoor, type LoginDoor } from "./authorizers";

/** One operation of a body with its integration as written (references kept as `${...}`). */
export interface BodyOperation {
  readonly api: TfResource;
  /** `DELETE /items/{id}`, as messages name it. */
  readonly where: string;
  /** The integration's type, lower case (`aws`, `aws_proxy`, `http_proxy`); undefined when it cannot be read. */
  readonly type?: string;
  readonly uri: unknown;
  readonly credentials: unknown;
  readonly subtype: unknown;
  readonly access: DoorAccess;
  /** The Lambda authorizers its security may run on a request, before any auth decision (rules/authorizer-routes.ts). */
  readonly authorizers: readonly BodyAuthorizer[];
}

/** A `token` or `request` scheme of a body: its name, type and `authorizerUri` as written. */
interface BodyAuthorizer {
  readonly scheme: string;
  readonly type: string;
  readonly uri: unknown;
}

/** An API whose body blastwall cannot read, and the role values its text names (references, role ARNs). */
export interface UnreadBody {
  readonly api: TfResource;
  readonly roles: readonly string[];
}

const API_TYPES = ["aws_api_gateway_rest_api", "aws_apigatewayv2_api"];
const VERBS = ["get", "put", "post", "delete", "options", "head", "patch", "trace", "x-amazon-apigateway-any-method"];

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const lower = (v: unknown) => (typeof v === "string" ? v.toLowerCase() : undefined);

// More local `$ref` hops than this is a loop, or no document a reviewer reads: unread.
const MAX_REF_HOPS = 32;

/**
 * A local `$ref` (`#/components/x-amazon-apigateway-integrations/sfn`) followed in the document; undefined for one it
 * cannot follow (outside the document, a loop, too many hops), which its caller reads as unread (red-team round 154:
 * a chain of five hops was handed back unresolved and read as an integration with no credentials).
 */
function deref(doc: Record<string, unknown>, v: unknown): unknown {
  for (let i = 0; isObj(v) && typeof v["$ref"] === "string"; i++) {
    const ref = v["$ref"] as string;
    if (!ref.startsWith("#/") || i >= MAX_REF_HOPS) return undefined;
    let at: unknown = doc;
    for (const part of ref.slice(2).split("/").map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"))) at = isObj(at) ? at[part] : undefined;
    v = at;
  }
  return v;
}

type SchemeKind = "iam" | "other" | "key" | "ignored" | "unknown";

/**
 * What a security scheme asks: a SigV4 signature (IAM), an authorizer outside IAM, an API key, nothing (`ignored`), or
 * unread. A plain OpenAPI `oauth2` or `openIdConnect` scheme, with no `x-amazon-apigateway-authorizer`, is no authorizer
 * API Gateway knows: the import makes none of it (it only warns, and goes on with failonwarnings false, its default),
 * so it asks nothing of the caller (red-team round 162, F9).
 */
function schemeKind(scheme: unknown): SchemeKind {
  if (!isObj(scheme)) return "unknown";
  const authtype = lower(scheme["x-amazon-apigateway-authtype"]);
  // Beside an authorizer object, awsSigv4 may not be what API Gateway makes of it (which wins is not documented): the
  // authorizer is judged, which is never read as closed where IAM would be.
  if (isObj(scheme["x-amazon-apigateway-authorizer"])) return "other";
  if (authtype === "awssigv4" || lower(scheme["type"]) === "awssigv4") return "iam";
  if (authtype === "cognito_user_pools" || authtype === "custom") return "other";
  if (["oauth2", "openidconnect"].includes(lower(scheme["type"]) ?? "")) return "ignored";
  // An authtype blastwall does not know (another word starting with `aws`, which API Gateway reserves, or one it
  // cannot read) with no authorizer: it cannot tell what the scheme asks.
  if (scheme["x-amazon-apigateway-authtype"] !== undefined) return "unknown";
  if (lower(scheme["type"]) === "apikey") return "key";
  return "unknown";
}

/** Why an `ignored` scheme asks nothing, for messages. */
function ignoredText(scheme: unknown): string {
  const type = isObj(scheme) && typeof scheme["type"] === "string" ? scheme["type"] : "oauth2";
  return `a plain OpenAPI ${type} scheme with no x-amazon-apigateway-authorizer, which API Gateway makes no authorizer of (the import only warns, and with failonwarnings false, its default, makes the method with no auth)`;
}

/**
 * An operation's authorization: `x-amazon-apigateway-auth` (AWS_IAM or NONE), else its `security` or the document's.
 * Requirements are alternatives, any one admits: one that is empty (`{}`), or lists only schemes API Gateway ignores
 * (`ignored`, which drop out of any requirement), an API key or a scheme blastwall cannot read may ask no IAM right
 * (open); the schemes of one requirement all apply, so one SigV4 scheme makes it IAM, and
 * one authorizer that admits only an organisation's logins closes it. A requirement whose every scheme is an
 * authorizer anyone gets a token for (authorizers.ts) is open; one whose other schemes are all Lambda authorizers,
 * whose code is not read, may be anyone's (a weak link: authorizers.ts `LambdaDoor`).
 */
function operationAccess(stack: TfStack, doc: Record<string, unknown>, op: Record<string, unknown>, api: TfResource, where: string): DoorAccess {
  const at = `${where} in the OpenAPI body of ${api.address}`;
  const iam = `require IAM auth on ${at} (a security requirement naming a scheme with x-amazon-apigateway-authtype = "awsSigv4")`;
  const fix = `${iam} or an authorizer`;
  const open = (why: string, how = fix): DoorAccess => ({ kind: "open", text: `through ${at}, an operation ${why}, which anyone can call over HTTPS`, fix: how });
  const xauth = op["x-amazon-apigateway-auth"];
  if (isObj(xauth) && lower(xauth["type"]) === "aws_iam") return { kind: "iam" };
  if (isObj(xauth) && lower(xauth["type"]) === "none") return open('with x-amazon-apigateway-auth type "NONE" (no auth at all)');
  const security = op["security"] !== undefined ? op["security"] : doc["security"];
  if (security === undefined || security === null || (Array.isArray(security) && security.length === 0)) return open("no security requirement applies to (API Gateway imports it with no auth at all)");
  if (!Array.isArray(security)) return open("whose security blastwall cannot read (it may ask no auth)");
  const components = isObj(doc["components"]) ? doc["components"] : {};
  const schemes = isObj(components["securitySchemes"]) ? components["securitySchemes"] : isObj(doc["securityDefinitions"]) ? doc["securityDefinitions"] : {};
  let other = false;
  let lambda: LambdaDoor | undefined;
  const logins: LoginDoor[] = [];
  for (const req of security) {
    if (!isObj(req)) return open("whose security blastwall cannot read (it may ask no auth)");
    const listed = Object.keys(req);
    if (listed.length === 0) return open("whose security lists an empty requirement ({}: no auth at all)");
    // A scheme API Gateway makes no authorizer of drops out of the requirement; one it leaves empty asks no auth.
    const names = listed.filter((n) => schemeKind(deref(doc, schemes[n])) !== "ignored");
    if (names.length === 0) return open(`whose security scheme "${listed[0]}" is ${ignoredText(deref(doc, schemes[listed[0]]))}`, `${iam}, or give "${listed[0]}" an x-amazon-apigateway-authorizer (a Cognito user pool or JWT authorizer on an identity provider of your organisation alone)`);
    const resolved = names.map((n) => deref(doc, schemes[n]));
    const kinds = resolved.map(schemeKind);
    if (kinds.includes("iam")) continue;
    if (kinds.every((k) => k === "other")) {
      const admits = resolved.map((x, n) => (isObj(x) ? schemeAdmits(stack, x, req[names[n]]) : undefined));
      // The schemes of a requirement all apply: one that admits only some closes it.
      const anyone = admits.filter((a): a is Extract<Admits, { kind: "anyone" }> => a?.kind === "anyone");
      const lambdas = admits.filter((a): a is Extract<Admits, { kind: "lambda" }> => a?.kind === "lambda");
      if (lambdas.length > 0 && anyone.length + lambdas.length === admits.length) {
        // Every scheme that is not open is a Lambda's: whoever its code lets through passes them all, maybe anyone.
        other = true;
        const named = names[admits.indexOf(lambdas[0])];
        lambda ??= lambdaDoor(lambdas[0], `through ${at}, an operation whose security scheme "${named}"`, iam, "calls it over HTTPS");
        continue;
      }
      if (anyone.length < admits.length) {
        other = true;
        // Where every scheme that admits only some is on user pools of the stack, their login rights pass it. Two
        // such schemes ask for a login of each, which a login door does not say: each counts alone (fail closed).
        const closed = admits.filter((a) => a?.kind !== "anyone");
        const doors = closed.map((a) => (a ? loginDoors(a, at, iam) : []));
        if (doors.every((d) => d.length > 0)) logins.push(...doors.flat());
        continue;
      }
      const shown = anyone.map((a, n) => `"${names[n]}": ${a.text}`).join("; and ");
      return { kind: "open", label: AUTHORIZER_LABEL, text: `through ${at}, an operation whose security scheme ${shown}; whoever gets such a token calls it over HTTPS`, fix: `${anyone.map((a) => a.fix).join(", and ")}, or ${iam}` };
    }
    const name = names[kinds.findIndex((k) => k !== "other")];
    const authtype = isObj(resolved[names.indexOf(name)]) ? (resolved[names.indexOf(name)] as Record<string, unknown>)["x-amazon-apigateway-authtype"] : undefined;
    const unknownType = authtype === undefined ? "" : `, with an x-amazon-apigateway-authtype of ${typeof authtype === "string" ? `"${authtype}"` : "a value"} that blastwall does not know (only awsSigv4 asks for IAM auth; cognito_user_pools and custom name an authorizer)`;
    return open(kinds.includes("key") && kinds.every((k) => k === "key" || k === "other") ? `whose security is the API key scheme "${name}" (an API key is no IAM right: whoever holds one calls it)` : `whose security scheme "${name}" blastwall cannot read${unknownType} (it may ask no auth)`);
  }
  return closedAccess(other ? "other" : "iam", logins, lambda);
}

/**
 * A scheme's Lambda authorizer (`token`, `request`, or x-amazon-apigateway-authtype `custom`), when it is one; or one
 * whose type blastwall does not know or cannot read that names a function (`authorizerUri`), which may be a Lambda's
 * (authorizers.ts `unknownSchemeAdmits`).
 */
function lambdaScheme(stack: TfStack, name: string, scheme: unknown): BodyAuthorizer | undefined {
  if (!isObj(scheme)) return undefined;
  const x = isObj(scheme["x-amazon-apigateway-authorizer"]) ? scheme["x-amazon-apigateway-authorizer"] : undefined;
  // The type as schemeAdmits reads it (through locals), so a door and the route into its authorizer agree.
  const type = x ? schemeType(stack, x) : lower(scheme["x-amazon-apigateway-authtype"]) === "custom" ? "custom" : undefined;
  if (type === "token" || type === "request" || type === "custom") return { scheme: name, type, uri: x?.["authorizerUri"] };
  if (!x || type === "cognito_user_pools" || type === "jwt" || x["authorizerUri"] === undefined) return undefined;
  return { scheme: name, type: `a type blastwall cannot read: ${typeof x["type"] === "string" ? x["type"] : "none"}`, uri: x["authorizerUri"] };
}

/**
 * The Lambda authorizers an operation's security may run: those its requirements name, unless
 * x-amazon-apigateway-auth puts it under IAM or no auth. Security blastwall cannot read may name any scheme of the
 * document: every Lambda one (fail closed).
 */
function operationAuthorizers(stack: TfStack, doc: Record<string, unknown>, op: Record<string, unknown>): BodyAuthorizer[] {
  const xauth = op["x-amazon-apigateway-auth"];
  if (isObj(xauth) && ["aws_iam", "none"].includes(lower(xauth["type"]) ?? "")) return [];
  const components = isObj(doc["components"]) ? doc["components"] : {};
  const schemes = isObj(components["securitySchemes"]) ? components["securitySchemes"] : isObj(doc["securityDefinitions"]) ? doc["securityDefinitions"] : {};
  const security = op["security"] !== undefined ? op["security"] : doc["security"];
  const readable = security === undefined || security === null || (Array.isArray(security) && security.every(isObj));
  const names = readable ? [...new Set((Array.isArray(security) ? security : []).flatMap((r) => Object.keys(r as Record<string, unknown>)))] : Object.keys(schemes);
  return names.flatMap((n) => lambdaScheme(stack, n, deref(doc, schemes[n])) ?? []);
}

/**
 * The roles of the stack API Gateway may assume, as references. What a body does not name it may still reach (a
 * `$ref` to another file, a template filled elsewhere): every such role (red-team round 154).
 */
function apigatewayRoles(stack: TfStack): string[] {
  return (stack.byType.get("aws_iam_role") ?? []).filter((r) => r.mode !== "data" && trustMayAdmitService(r.values["assume_role_policy"], "apigateway.amazonaws.com")).map((r) => `\${${r.address}.arn}`);
}

/** The role values of a body: `trusting` (apigatewayRoles), and those its text names (references to roles of the stack, role ARNs written out). */
function rolesNamedIn(text: string, trusting: readonly string[]): string[] {
  const out = new Set<string>(trusting);
  for (const m of text.matchAll(/\baws_iam_role\.([A-Za-z_][A-Za-z0-9_-]*)/g)) out.add(`\${aws_iam_role.${m[1]}.arn}`);
  for (const m of text.matchAll(/arn:aws[a-z-]*:iam::\d{12}:role\/[A-Za-z0-9+=,.@_/-]+/g)) out.add(m[0]);
  return [...out];
}

const cache = new WeakMap<TfStack, { operations: BodyOperation[]; unread: UnreadBody[] }>();

/** Every operation of the stack's OpenAPI bodies, and the bodies blastwall cannot read; once per stack. */
export function bodiesOf(stack: TfStack): { operations: readonly BodyOperation[]; unread: readonly UnreadBody[] } {
  const hit = cache.get(stack);
  if (hit) return hit;
  const operations: BodyOperation[] = [];
  const unread: UnreadBody[] = [];
  // Read once for all the unread bodies: a stack of many such APIs asked it body by body over every role.
  let trusting: string[] | undefined;
  const rolesOfBody = (text: string) => rolesNamedIn(text, (trusting ??= apigatewayRoles(stack)));
  for (const api of API_TYPES.flatMap((t) => stack.byType.get(t) ?? [])) {
    const body = api.values["body"];
    if (body === undefined || body === null || body === "") continue;
    const doc = typeof body === "string" ? jsonDocument(stack, body) : undefined;
    if (!isObj(doc) || !isObj(doc["paths"])) {
      unread.push({ api, roles: rolesOfBody(typeof body === "string" ? body : JSON.stringify(body)) });
      continue;
    }
    // A path or integration it cannot follow (a `$ref` outside the document) may be any door: the whole body's roles.
    let partly = false;
    for (const [path, rawItem] of Object.entries(doc["paths"])) {
      const item = deref(doc, rawItem);
      if (!isObj(item)) {
        partly = true;
        continue;
      }
      for (const [verb, rawOp] of Object.entries(item)) {
        if (!VERBS.includes(verb.toLowerCase())) continue;
        const op = deref(doc, rawOp);
        if (!isObj(op)) {
          partly = true;
          continue;
        }
        const where = `${verb.toLowerCase() === "x-amazon-apigateway-any-method" ? "ANY" : verb.toUpperCase()} ${path}`;
        const raw = op["x-amazon-apigateway-integration"];
        if (raw === undefined) continue;
        const x = deref(doc, raw);
        if (!isObj(x)) {
          partly = true;
          continue;
        }
        operations.push({ api, where, type: lower(x["type"]), uri: x["uri"], credentials: x["credentials"], subtype: x["integrationSubtype"], access: operationAccess(stack, doc, op, api, where), authorizers: operationAuthorizers(stack, doc, op) });
      }
    }
    if (partly) unread.push({ api, roles: rolesOfBody(body as string) });
  }
  const out = { operations, unread };
  cache.set(stack, out);
  return out;
}
