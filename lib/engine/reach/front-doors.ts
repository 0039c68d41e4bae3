/**
 * HTTP front doors of the stack that make a service act with a role of the stack on a request the caller shapes
 * (red-team round 152): an API Gateway integration of type AWS with a `credentials` role (API Gateway assumes it and
 * calls the integration's action: S3, Step Functions, DynamoDB...), and an AppSync data source with a
 * `service_role_arn` (AppSync assumes it to run the resolver against DynamoDB, an HTTP endpoint, RDS...). Who may use
 * the door is read from the method's, route's or API's authorization: no auth at all (anyone), IAM (a right of the
 * caller's), or an authorizer outside IAM, which admits anyone when anyone can get a token it takes (a user pool with
 * self sign-up, a public issuer: authorizers.ts), and may admit anyone when it is a Lambda authorizer, whose code is
 * not in the plan (a weak link: authorizers.ts `LambdaDoor`). The reach edges are edges-front-doors.ts'; the routes into functions behind the same doors are
 * rules/front-doors.ts'. An AgentCore gateway whose target calls AWS as the gateway's role is such a door too
 * (gateway-doors.ts), and so is an AgentCore runtime whose JWT authorizer admits callers with no IAM right
 * (runtime-doors.ts).
 */
import type { TfResource, TfStack } from "../terraform/types";
import { exactPattern, refTarget, resolveToPattern } from "../terraform/tokens";
import { bodiesOf } from "./openapi-doors";
import { gatewayDoorsOf, INVOKE_GATEWAY, RELAY_HOPS } from "./gateway-doors";
import { runtimeDoorsOf } from "./runtime-doors";
import { credentialText, doorSigner, relayPasses, type NamedDoor, type Signer } from "./mcp-server-doors";
import { oneReferenced, referencedIn } from "../terraform/referenced";
import { followReferences } from "../agent-tags";
import { AUTHORIZER_LABEL, closedAccess, graphqlProviderAdmits, httpRouteAdmits, lambdaDoor, loginDoors, restMethodAdmits, type LambdaDoor, type LoginDoor } from "./authorizers";
import { apiKeysOf, dataSourceUsers, keyValue, methodsOf, routesTo, secretPoliciesOn } from "./door-lookup";

/**
 * Who may call through a door: anyone (with no auth, or past an authorizer anyone gets a token for: `label` names
 * that in the edge, `no auth` else), a holder of an IAM right, or one an authorizer outside IAM admits: an
 * organisation's own logins, or whoever a Lambda authorizer's code lets through (`lambda`: it may be anyone, a weak
 * link, beside the IAM right or logins the door's other methods or providers ask).
 */
export type DoorAccess =
  | { readonly kind: "open"; readonly text: string; readonly fix: string; readonly label?: string }
  | { readonly kind: "iam"; readonly logins?: readonly LoginDoor[]; readonly lambda?: LambdaDoor }
  | { readonly kind: "other"; readonly logins?: readonly LoginDoor[]; readonly lambda?: LambdaDoor };

/** What a role does for the caller of a door: the actions it may be made to call (none: any of its rights). */
export interface RoleDoor {
  /** The integration or data source that names the role. */
  readonly via: TfResource;
  /** The API the caller calls, when the stack makes it. */
  readonly api?: TfResource;
  /** The role value as written (`credentials`, `service_role_arn`). */
  readonly role: unknown;
  /** Why the role cannot be named, where the door knows better than "a role blastwall cannot resolve" (gateway-doors.ts). */
  readonly unknown?: string;
  /** Action patterns the role is made to call (`s3:*`, `states:StartExecution`); undefined: not readable, every right. */
  readonly scope?: readonly string[];
  /** `S3`, `states:StartExecution`: the scope as messages name it. */
  readonly scopeName?: string;
  readonly access: DoorAccess;
  /** The IAM right that calls through the door (`execute-api:Invoke`, `appsync:GraphQL`, `bedrock-agentcore:InvokeGateway`). */
  readonly invoke: string;
  /**
   * The REST method whose integration API Gateway's TestInvokeMethod runs too, with no method auth (`apigateway:POST`
   * on the method's ARN); undefined for a door TestInvokeMethod does not reach (HTTP APIs, AppSync).
   */
  readonly testInvoke?: MethodKey;
  /** How to close the door to the role's rights, for messages. */
  readonly fix: string;
  /** For an AppSync RELATIONAL_DATABASE data source: the database its resolvers run SQL on. */
  readonly database?: DatabaseDoor;
  /**
   * Rights other principals must hold for the door to work (a gateway's role that signs its call to the door behind
   * it: mcp-server-doors.ts); each role as written, one blastwall cannot resolve counting as holding it.
   */
  readonly signers?: readonly Signer[];
  /**
   * The door holds only if what it names is the stack's to see, not another account's (an AWS door host blastwall
   * cannot tie to the stack: gateway-doors.ts): a weak link, a warning (an error under --strict).
   */
  readonly weak?: boolean;
}

/**
 * The database an AppSync RELATIONAL_DATABASE data source runs its resolvers' SQL on, through the RDS Data API with
 * the data source's service role: `rds-data:ExecuteStatement` on the cluster, with `secretsmanager:GetSecretValue` on
 * the secret of the database user the SQL runs as (the Data API asks the caller for both). Whoever runs a resolver
 * runs SQL as that user: a DROP TABLE, a DELETE, whatever its grants allow, which the plan does not show.
 */
export interface DatabaseDoor {
  /** The cluster's ARN pattern (`db_cluster_identifier`); `*` where blastwall cannot read it. */
  readonly cluster: string;
  readonly clusterShown: string;
  /** The secret's ARN pattern (`aws_secret_store_arn`); `*` where blastwall cannot read it. */
  readonly secret: string;
  readonly secretShown: string;
  /**
   * Whether a policy the role's own cannot show may let it read the secret: a secret the stack does not make (or
   * blastwall cannot resolve), or one with a resource policy in the stack. Fail closed: it may.
   */
  readonly secretPolicy: boolean;
}

const SECRET_TYPES = ["aws_secretsmanager_secret"];
const CLUSTER_TYPES = ["aws_rds_cluster"];

/** The database of a RELATIONAL_DATABASE data source (`relational_database_config.http_endpoint_config`). */
function databaseOf(stack: TfStack, ds: TfResource): DatabaseDoor {
  const cfg = blocksOf(blocksOf(ds.values["relational_database_config"])[0]?.["http_endpoint_config"])[0] ?? {};
  const read = (v: unknown, types: readonly string[], what: string): { pattern: string; shown: string; res?: TfResource } => {
    const res = oneReferenced(stack, v, types);
    const p = typeof v === "string" && !unset(v) ? resolveToPattern(stack, v).pattern : "*";
    return { pattern: p === "" ? "*" : p, shown: res?.address ?? (typeof v === "string" && !unset(v) ? v : `a ${what} blastwall cannot read`), res };
  };
  const cluster = read(cfg["db_cluster_identifier"], CLUSTER_TYPES, "cluster");
  // The Data API takes the cluster's ARN; a bare identifier is the cluster of that name in any account and region.
  const clusterArn = cluster.pattern.startsWith("arn:") || cluster.pattern === "*" ? cluster.pattern : `arn:*:rds:*:*:cluster:${cluster.pattern}`;
  const secret = read(cfg["aws_secret_store_arn"], SECRET_TYPES, "secret");
  const managed = secret.res?.mode === "managed" ? secret.res : undefined;
  const policies = secretPoliciesOn(stack, managed);
  return { cluster: clusterArn, clusterShown: cluster.shown, secret: secret.pattern, secretShown: secret.shown, secretPolicy: !managed || policies.length > 0 || !unset(managed.values["policy"]) };
}

/**
 * One id in a REST method's ARN (`/restapis/API/resources/RESOURCE/methods/VERB`): the stack's resource whose id it
 * is (`ref`: its address, `#root` for an API's root resource; distinct resources of the stack have distinct ids), or
 * a glob pattern of what it may be (`*` where blastwall cannot read it).
 */
export type IdPart = { readonly ref: string; readonly pattern: string } | { readonly ref?: undefined; readonly pattern: string };

/** A REST method as TestInvokeMethod's ARN names it. */
export interface MethodKey {
  readonly api: IdPart;
  readonly resource: IdPart;
  readonly verb: IdPart;
}

/**
 * A written id as an IdPart: `${aws_api_gateway_rest_api.a.id}`, `${aws_api_gateway_rest_api.a.root_resource_id}` or
 * `${aws_api_gateway_resource.r.id}` of a resource the stack makes (through locals) is that resource; anything else
 * (a data source, which another may name too; a literal; a variable) is the pattern it resolves to.
 */
export function idPart(stack: TfStack, v: unknown): IdPart {
  const followed = followReferences(stack, v, true);
  const pattern = typeof followed === "string" ? resolveToPattern(stack, followed).pattern || "*" : "*";
  const ref = refTarget(followed);
  if (!ref || ref.kind !== "resource" || ref.splat || ref.path.length > 0) return { pattern };
  const res = stack.byAddress.get(ref.address);
  if (!res || res.mode !== "managed") return { pattern };
  const key = `${ref.address}${ref.index === undefined ? "" : `[${ref.index}]`}`;
  if (REST_APIS.includes(res.type) && ref.attribute === "id") return { ref: key, pattern };
  if (REST_APIS.includes(res.type) && ref.attribute === "root_resource_id") return { ref: `${key}#root`, pattern };
  if (res.type === "aws_api_gateway_resource" && ref.attribute === "id") return { ref: key, pattern };
  return { pattern };
}

/** The method of a REST integration (`rest_api_id`, `resource_id`, `http_method`, as the method is keyed). */
function integrationMethod(stack: TfStack, i: TfResource): MethodKey {
  const verb = keyValue(stack, i.values["http_method"]);
  return { api: idPart(stack, i.values["rest_api_id"]), resource: idPart(stack, i.values["resource_id"]), verb: { pattern: exactPattern(stack, verb) ?? "*" } };
}

/** The methods of an OpenAPI body's operation (`DELETE /items/{id}`): the API's, any resource (the body makes them). */
function bodyMethod(stack: TfStack, api: TfResource, where?: string): MethodKey {
  const verb = where === undefined ? undefined : /^([A-Z]+) /.exec(where)?.[1];
  return { api: idPart(stack, `\${${api.address}.id}`), resource: { pattern: "*" }, verb: { pattern: verb && verb !== "X-AMAZON-APIGATEWAY-ANY-METHOD" ? verb : "*" } };
}

export const REST_APIS = ["aws_api_gateway_rest_api"];
export const HTTP_APIS = ["aws_apigatewayv2_api"];
export const GRAPHQL_APIS = ["aws_appsync_graphql_api"];

const unset = (v: unknown): boolean => v === undefined || v === null || v === "";

/** Nested blocks as written: a list of objects (HCL, JSON), or one object. */
export function blocksOf(v: unknown): Record<string, unknown>[] {
  if (Array.isArray(v)) return v.filter((b): b is Record<string, unknown> => typeof b === "object" && b !== null);
  return typeof v === "object" && v !== null ? [v as Record<string, unknown>] : [];
}


/**
 * The authorization of a REST API integration's method. PutIntegration is keyed by API, resource and HTTP method, so
 * the method is the `aws_api_gateway_method` that certainly agrees with the integration on all three (as resolved:
 * `http_method` copied from another resource's method is only its verb). A method the integration references is only
 * a hint: one that disagrees is not its method. A method blastwall cannot find may ask no auth: open (fail closed).
 */
export function restAccess(stack: TfStack, i: TfResource): DoorAccess {
  const found = methodsOf(stack, i);
  if (found.length === 0) {
    const hinted = Object.values(i.values).flatMap((v) => referencedIn(stack, v)).filter((r) => r.type === "aws_api_gateway_method");
    const why = hinted.length > 0 ? `, which references ${hinted.map((m) => m.address).join(", ")} but does not sit on ${hinted.length > 1 ? "them" : "it"} (the API, resource or HTTP method differs, or blastwall cannot tell they agree)` : "";
    return { kind: "open", text: `through ${i.address}, an API Gateway integration${why}, whose method blastwall cannot find in the stack, so it may ask no auth at all (authorization = "NONE": anyone can call it)`, fix: `require IAM auth (authorization = "AWS_IAM") on the method of ${i.address}, and write that method in the stack with the integration's rest_api_id, resource_id and http_method` };
  }
  let other = false;
  let lambda: LambdaDoor | undefined;
  const logins: LoginDoor[] = [];
  for (const m of found) {
    const auth = exactPattern(stack, m.values["authorization"]);
    if (auth === "AWS_IAM") continue;
    if (auth === "CUSTOM" || auth === "COGNITO_USER_POOLS") {
      const a = restMethodAdmits(stack, m);
      if (a.kind === "lambda") {
        other = true;
        lambda ??= lambdaDoor(a, `through ${m.address}, an API Gateway method (authorization "${auth}") whose integration is ${i.address}`, `require IAM auth on ${m.address} (authorization = "AWS_IAM")`, "calls it over HTTPS");
        continue;
      }
      if (a.kind !== "anyone") {
        other = true;
        logins.push(...loginDoors(a, `${m.address} (authorization "${auth}"), whose integration is ${i.address}`, `require IAM auth on ${m.address} (authorization = "AWS_IAM")`));
        continue;
      }
      return {
        kind: "open",
        label: AUTHORIZER_LABEL,
        text: `through ${m.address}, an API Gateway method (authorization "${auth}") whose integration is ${i.address}: ${a.text}; whoever gets such a token calls it over HTTPS`,
        fix: `${a.fix}, or require IAM auth on ${m.address} (authorization = "AWS_IAM")`,
      };
    }
    const key = m.values["api_key_required"] === true || m.values["api_key_required"] === "true" ? " (an API key it requires is no IAM right: whoever holds one calls it)" : "";
    return {
      kind: "open",
      text: `through ${m.address}, an API Gateway method with authorization ${auth === undefined ? "blastwall cannot read (it may be NONE)" : `"${auth}"`}${key}, which anyone can call over HTTPS, whose integration is ${i.address}`,
      fix: `require IAM auth on ${m.address} (authorization = "AWS_IAM") or an authorizer`,
    };
  }
  return closedAccess(other ? "other" : "iam", logins, lambda);
}

/**
 * The authorization of an HTTP or WebSocket API integration: that of every `aws_apigatewayv2_route` whose target is it
 * (authorization_type defaults to NONE). No route found: one outside the stack may ask no auth, open.
 */
export function httpAccess(stack: TfStack, i: TfResource): DoorAccess {
  const routes = routesTo(stack, i);
  if (routes.length === 0) {
    return { kind: "open", text: `through ${i.address}, an API Gateway integration no route of the stack targets, so a route outside it may ask no auth at all (authorization_type = "NONE": anyone can call it)`, fix: `target ${i.address} only from routes with authorization_type = "AWS_IAM", written in the stack` };
  }
  let other = false;
  let lambda: LambdaDoor | undefined;
  const logins: LoginDoor[] = [];
  for (const r of routes) {
    const auth = unset(r.values["authorization_type"]) ? "NONE" : exactPattern(stack, r.values["authorization_type"]);
    if (auth === "AWS_IAM") continue;
    if (auth === "JWT" || auth === "CUSTOM") {
      const a = httpRouteAdmits(stack, r);
      if (a.kind === "lambda") {
        other = true;
        lambda ??= lambdaDoor(a, `through ${r.address}, an API Gateway route (authorization_type "${auth}") whose integration is ${i.address}`, `require IAM auth on ${r.address} (authorization_type = "AWS_IAM")`, "calls it over HTTPS");
        continue;
      }
      if (a.kind !== "anyone") {
        other = true;
        logins.push(...loginDoors(a, `${r.address} (authorization_type "${auth}"), whose integration is ${i.address}`, `require IAM auth on ${r.address} (authorization_type = "AWS_IAM")`));
        continue;
      }
      return {
        kind: "open",
        label: AUTHORIZER_LABEL,
        text: `through ${r.address}, an API Gateway route (authorization_type "${auth}") whose integration is ${i.address}: ${a.text}; whoever gets such a token calls it over HTTPS`,
        fix: `${a.fix}, or require IAM auth on ${r.address} (authorization_type = "AWS_IAM")`,
      };
    }
    return {
      kind: "open",
      text: `through ${r.address}, an API Gateway route with authorization_type ${auth === undefined ? "blastwall cannot read (it may be NONE)" : `"${auth}"`}, which anyone can call over HTTPS, whose integration is ${i.address}`,
      fix: `require IAM auth on ${r.address} (authorization_type = "AWS_IAM") or an authorizer`,
    };
  }
  return closedAccess(other ? "other" : "iam", logins, lambda);
}

/**
 * Who may run a GraphQL API's resolvers: its default and additional authentication types, any of which admits. API_KEY
 * is open when the stack makes a key for the API (its value is in the state and often handed to clients); Cognito
 * user pools and OpenID Connect are open when anyone can get a token they take (authorizers.ts); AWS_IAM asks
 * appsync:GraphQL; a Lambda authorizer may let anyone through (its code is not read: a weak link). An API not in the
 * stack: open.
 */
export function graphqlAccess(stack: TfStack, api: TfResource | undefined, via: TfResource): DoorAccess {
  if (!api) {
    return { kind: "open", text: `through ${via.address}, on a GraphQL API blastwall cannot find in the stack, whose authentication may be an API key anyone holding it can use`, fix: `make the API of ${via.address} in the stack with authentication_type = "AWS_IAM"` };
  }
  const providers: { block: Readonly<Record<string, unknown>>; type?: string }[] = [api.values, ...blocksOf(api.values["additional_authentication_provider"])].map((block) => ({ block, type: exactPattern(stack, block["authentication_type"]) }));
  const types = providers.map((p) => p.type);
  const keys = apiKeysOf(stack, api);
  if (types.some((t) => t === undefined) || (types.includes("API_KEY") && keys.length > 0)) {
    const key = keys[0];
    return {
      kind: "open",
      text: key
        ? `through ${api.address}, a GraphQL API that takes an API key, and ${key.address} is one: whoever holds it (it is in the state, and clients are handed it) runs ${via.address}, with no IAM right`
        : `through ${api.address}, a GraphQL API whose authentication type blastwall cannot read (it may take an API key anyone holding it can use)`,
      fix: `drop API_KEY authentication from ${api.address} (authentication_type = "AWS_IAM")`,
    };
  }
  const logins: LoginDoor[] = [];
  let lambda: LambdaDoor | undefined;
  for (const [n, p] of providers.entries()) {
    const a = graphqlProviderAdmits(stack, p.type!, p.block);
    if (a.kind === "lambda") {
      lambda ??= lambdaDoor(a, `through ${api.address}, a GraphQL API with ${n === 0 ? "" : "additional "}AWS_LAMBDA authentication`, `authenticate ${api.address} with AWS_IAM alone`, `runs ${via.address}, with no IAM right`);
      continue;
    }
    if (a.kind !== "anyone") {
      logins.push(...loginDoors(a, `${api.address} (${n === 0 ? "" : "additional "}${p.type} authentication), whose data source is ${via.address}`, `authenticate ${api.address} with AWS_IAM alone`));
      continue;
    }
    return {
      kind: "open",
      label: AUTHORIZER_LABEL,
      text: `through ${api.address}, a GraphQL API whose ${n === 0 ? "" : "additional "}${a.text}: whoever gets such a token runs ${via.address}, with no IAM right`,
      fix: `${a.fix}, or authenticate ${api.address} with AWS_IAM alone`,
    };
  }
  return closedAccess(types.includes("AWS_IAM") ? "iam" : "other", logins, lambda);
}

/** API Gateway service names that are not their IAM namespace. */
const NAMESPACE_OF: Readonly<Record<string, string>> = { monitoring: "cloudwatch", email: "ses", "runtime.sagemaker": "sagemaker" };

/**
 * What an AWS integration URI makes its role call: `arn:aws:apigateway:REGION:SERVICE:action/ACTION` is that action;
 * `...:SERVICE:path/...` any action of the service (the HTTP verb and path pick it, and the caller may shape both);
 * anything else undefined.
 */
export function integrationScope(stack: TfStack, uri: unknown): { scope: string[]; name: string } | undefined {
  if (typeof uri !== "string") return undefined;
  const p = resolveToPattern(stack, uri).pattern;
  const m = /^arn:[^:]*:apigateway:[^:]*:([^:]+):(action|path)\/(.*)$/.exec(p);
  if (!m) return undefined;
  const service = NAMESPACE_OF[m[1]] ?? m[1].split(".").pop()!;
  if (!/^[a-z0-9-]+$/.test(service)) return undefined;
  const action = m[2] === "action" ? /^([A-Za-z0-9]+)(?:[&?/]|$)/.exec(m[3])?.[1] : undefined;
  return action ? { scope: [`${service}:${action}`], name: `${service}:${action}` } : { scope: [`${service}:*`], name: service };
}

/** An HTTP API service integration's subtype (`SQS-SendMessage`, `StepFunctions-StartExecution`) as an action. */
const SUBTYPE_NAMESPACES: Readonly<Record<string, string>> = { SQS: "sqs", StepFunctions: "states", EventBridge: "events", Kinesis: "kinesis", AppConfig: "appconfig" };

function subtypeScope(stack: TfStack, v: unknown): { scope: string[]; name: string } | undefined {
  const t = exactPattern(stack, v);
  const m = t === undefined ? null : /^([A-Za-z]+)-([A-Za-z]+)$/.exec(t);
  const ns = m ? SUBTYPE_NAMESPACES[m[1]] : undefined;
  return ns ? { scope: [`${ns}:${m![2]}`], name: `${ns}:${m![2]}` } : undefined;
}

/** An integration calling a function (a Lambda proxy, or an AWS integration of Lambda's invoke path): rules/front-doors.ts' route. */
export function callsLambda(stack: TfStack, uri: unknown): boolean {
  if (referencedIn(stack, uri).some((r) => r.type.startsWith("aws_lambda_"))) return true;
  return typeof uri === "string" && /:lambda:path\//.test(resolveToPattern(stack, uri).pattern);
}

/** A credentials value that passes the caller's own identity on (`arn:aws:iam::*:user/*`): no role of the stack's. */
const CALLER_CREDENTIALS = /^arn:[^:]*:iam::\*:user\/\*$/;

/** AppSync data source types and the actions their role is called for. */
const DATA_SOURCE_SCOPES: Readonly<Record<string, { scope: string[]; name: string }>> = {
  AMAZON_DYNAMODB: { scope: ["dynamodb:*"], name: "dynamodb" },
  RELATIONAL_DATABASE: { scope: ["rds-data:*", "secretsmanager:GetSecretValue"], name: "rds-data (the resolver's SQL)" },
  AMAZON_OPENSEARCH_SERVICE: { scope: ["es:*"], name: "es" },
  AMAZON_ELASTICSEARCH: { scope: ["es:*"], name: "es" },
  AMAZON_EVENTBRIDGE: { scope: ["events:PutEvents"], name: "events:PutEvents" },
  AMAZON_BEDROCK_RUNTIME: { scope: ["bedrock:*"], name: "bedrock" },
};

/** A DynamoDB resolver's operation and the actions AppSync calls for it. */
const DYNAMODB_OPERATIONS: Readonly<Record<string, readonly string[]>> = {
  GetItem: ["dynamodb:GetItem"],
  PutItem: ["dynamodb:PutItem"],
  UpdateItem: ["dynamodb:UpdateItem"],
  DeleteItem: ["dynamodb:DeleteItem"],
  Query: ["dynamodb:Query"],
  Scan: ["dynamodb:Scan"],
  Sync: ["dynamodb:Query", "dynamodb:Scan"],
  BatchGetItem: ["dynamodb:BatchGetItem"],
  BatchPutItem: ["dynamodb:BatchWriteItem"],
  BatchDeleteItem: ["dynamodb:BatchWriteItem"],
  TransactGetItems: ["dynamodb:GetItem"],
  TransactWriteItems: ["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:ConditionCheckItem"],
};

/**
 * The DynamoDB actions the resolvers (and pipeline functions) on a data source call, read from their request mapping
 * templates; undefined when one cannot be read (a JavaScript resolver, a computed template, none in the stack).
 */
function dynamodbOperations(stack: TfStack, ds: TfResource): string[] | undefined {
  const users = dataSourceUsers(stack, ds);
  if (users.length === 0) return undefined;
  const out = new Set<string>();
  for (const r of users) {
    if (!unset(r.values["code"])) return undefined;
    const template = exactPattern(stack, r.values["request_template"]);
    if (template === undefined) return undefined;
    const ops = [...template.matchAll(/"operation"\s*:\s*"([A-Za-z]+)"/g)].map((m) => m[1]);
    if (ops.length === 0) return undefined;
    for (const op of ops) {
      const actions = DYNAMODB_OPERATIONS[op];
      if (!actions) return undefined;
      actions.forEach((a) => out.add(a));
    }
  }
  return [...out];
}

const doorCache = new WeakMap<TfStack, RoleDoor[]>();

/** Every door of the stack that makes a role act for its caller, read once per stack. */
export function roleDoorsOf(stack: TfStack): readonly RoleDoor[] {
  let out = doorCache.get(stack);
  if (out) return out;
  out = [];
  for (const i of stack.byType.get("aws_api_gateway_integration") ?? []) {
    const type = exactPattern(stack, i.values["type"]);
    if (type !== undefined && type !== "AWS") continue;
    const role = i.values["credentials"];
    if (unset(role) || (typeof role === "string" && CALLER_CREDENTIALS.test(role)) || callsLambda(stack, i.values["uri"])) continue;
    const api = oneReferenced(stack, i.values["rest_api_id"], REST_APIS);
    const s = integrationScope(stack, i.values["uri"]);
    out.push({ via: i, api, role, scope: s?.scope, scopeName: s?.name, access: restAccess(stack, i), invoke: "execute-api:Invoke", testInvoke: integrationMethod(stack, i), fix: `take the rights the integration's call needs off the role of ${i.address}, or scope them to exactly what the API is for (the bucket prefix, the state machine)` });
  }
  for (const i of stack.byType.get("aws_apigatewayv2_integration") ?? []) {
    const role = i.values["credentials_arn"];
    if (unset(role) || (typeof role === "string" && CALLER_CREDENTIALS.test(role))) continue;
    const subtype = i.values["integration_subtype"];
    if (unset(subtype) && callsLambda(stack, i.values["integration_uri"])) continue;
    const type = exactPattern(stack, i.values["integration_type"]);
    if (type === "HTTP_PROXY" || type === "HTTP" || type === "MOCK") continue;
    const api = oneReferenced(stack, i.values["api_id"], HTTP_APIS);
    const s = unset(subtype) ? integrationScope(stack, i.values["integration_uri"]) : subtypeScope(stack, subtype);
    out.push({ via: i, api, role, scope: s?.scope, scopeName: s?.name, access: httpAccess(stack, i), invoke: "execute-api:Invoke", fix: `take the rights the integration's call needs off the role of ${i.address}, or scope them to exactly what the API is for` });
  }
  // The same doors in an OpenAPI body; a body blastwall cannot read makes the roles it names act with no auth.
  const bodies = bodiesOf(stack);
  for (const o of bodies.operations) {
    const role = o.credentials;
    if (unset(role) || (typeof role === "string" && CALLER_CREDENTIALS.test(role))) continue;
    if (o.type === "http" || o.type === "http_proxy" || o.type === "mock") continue;
    if (unset(o.subtype) && callsLambda(stack, o.uri)) continue;
    const s = unset(o.subtype) ? integrationScope(stack, o.uri) : subtypeScope(stack, o.subtype);
    out.push({ via: o.api, api: o.api, role, scope: s?.scope, scopeName: s?.name, access: o.access, invoke: "execute-api:Invoke", testInvoke: REST_APIS.includes(o.api.type) ? bodyMethod(stack, o.api, o.where) : undefined, fix: `take the rights the integration's call needs off the credentials role of ${o.where} in the OpenAPI body of ${o.api.address}, or scope them to exactly what the API is for` });
  }
  for (const u of bodies.unread) {
    const access: DoorAccess = {
      kind: "open",
      text: `through ${u.api.address}, an API whose OpenAPI body blastwall cannot read in full (it reads JSON text or jsonencode, and $refs inside the document), so any operation of it may ask no auth and have API Gateway act as a credentials role the body names, or any role of the stack API Gateway may assume`,
      fix: `write the body of ${u.api.address} as JSON text or with jsonencode, every operation with a security requirement of an awsSigv4 scheme`,
    };
    for (const role of u.roles) out.push({ via: u.api, api: u.api, role, access, invoke: "execute-api:Invoke", testInvoke: REST_APIS.includes(u.api.type) ? bodyMethod(stack, u.api) : undefined, fix: `take the destroy rights off the roles the body of ${u.api.address} names and the roles whose trust admits apigateway.amazonaws.com` });
  }
  for (const ds of stack.byType.get("aws_appsync_datasource") ?? []) {
    const role = ds.values["service_role_arn"];
    const type = exactPattern(stack, ds.values["type"]);
    if (unset(role) || type === "AWS_LAMBDA" || type === "NONE") continue;
    let s: { scope: string[]; name: string } | undefined = type === undefined ? undefined : DATA_SOURCE_SCOPES[type];
    if (type === "AMAZON_DYNAMODB") {
      const ops = dynamodbOperations(stack, ds);
      if (ops) s = { scope: ops, name: ops.join(", ") };
    }
    if (type === "HTTP") {
      const signing = blocksOf(ds.values["http_config"]).flatMap((h) => blocksOf(h["authorization_config"])).flatMap((a) => blocksOf(a["aws_iam_config"]));
      if (signing.length === 0) continue;
      const svc = exactPattern(stack, signing[0]["signing_service_name"]);
      s = svc && /^[a-z0-9-]+$/.test(svc) ? { scope: [`${svc}:*`], name: svc } : undefined;
    }
    const api = oneReferenced(stack, ds.values["api_id"], GRAPHQL_APIS);
    const access = graphqlAccess(stack, api, ds);
    if (type === "RELATIONAL_DATABASE") {
      const db = databaseOf(stack, ds);
      out.push({
        via: ds,
        api,
        role,
        scope: DATA_SOURCE_SCOPES[type].scope,
        scopeName: `rds-data SQL on ${db.clusterShown} as the database user of ${db.secretShown}`,
        access,
        invoke: "appsync:GraphQL",
        database: db,
        fix: `give ${ds.address} the secret of a database user granted only what its resolvers need (no DROP, DELETE or TRUNCATE: the resolvers' SQL, which blastwall does not read, runs as whoever ${db.secretShown} logs in as), or take the rds-data rights on ${db.clusterShown} off its service role`,
      });
      continue;
    }
    out.push({ via: ds, api, role, scope: s?.scope, scopeName: s?.name, access, invoke: "appsync:GraphQL", fix: `take the destroy rights off the service role of ${ds.address}, or have its resolvers call only what they are for (no DeleteItem on the caller's key)` });
  }
  // AgentCore gateways whose targets make AWS calls as the gateway's role (gateway-doors.ts).
  for (const d of gatewayDoorsOf(stack)) {
    if (!d.actsAsRole) continue;
    const gw = d.gateway?.address ?? "the gateway";
    // An MCP server target on an AgentCore runtime: the caller acts as the runtime's role, not the gateway's.
    if (d.runtime) {
      out.push({ via: d.via, api: d.gateway, role: d.runtime.role, unknown: d.runtime.unknown, access: d.access, invoke: INVOKE_GATEWAY, fix: d.runtime.fix, ...(d.runtime.weak ? { weak: true } : {}) });
      continue;
    }
    out.push({ via: d.via, api: d.gateway, role: d.gateway?.values["role_arn"], access: d.access, invoke: INVOKE_GATEWAY, fix: `take the rights the target's calls need off the role of ${gw} (role_arn), or scope them to exactly what its tools are for (${d.via.address} is ${d.what})` });
  }
  out.push(...relayedDoors(stack, out));
  // AgentCore runtimes whose JWT authorizer admits callers with no IAM right (runtime-doors.ts).
  out.push(...runtimeDoorsOf(stack));
  doorCache.set(stack, out);
  return out;
}

/** Whether a role door is one of the door an MCP server endpoint names (an API's, a gateway's; a function URL has none). */
function behind(door: NamedDoor, inner: RoleDoor): boolean {
  if (door.kind === "api") return inner.invoke === "execute-api:Invoke" && inner.api === door.api;
  return door.kind === "gateway" && inner.invoke === INVOKE_GATEWAY && inner.api === door.gateway;
}

/**
 * The role doors of the doors MCP server targets call (mcp-server-doors.ts), as doors of the target's gateway: whoever
 * may call its tools gets the gateway to pass the door with its credentials. Followed a few hops (a gateway whose
 * target is a gateway whose target is an API), which also ends a loop of gateways naming each other.
 */
function relayedDoors(stack: TfStack, base: readonly RoleDoor[]): RoleDoor[] {
  const relays = gatewayDoorsOf(stack).filter((d) => d.relay);
  if (relays.length === 0) return [];
  const out: RoleDoor[] = [];
  let frontier: readonly RoleDoor[] = base;
  // Past RELAY_HOPS relays, gateway-doors.ts `deepRelays` reports an unseen door on the chain's first target.
  for (let hop = 0; hop < RELAY_HOPS && frontier.length > 0; hop++) {
    const next: RoleDoor[] = [];
    for (const d of relays) {
      const { door, cred } = d.relay!;
      for (const inner of frontier) {
        if (!behind(door, inner)) continue;
        const pass = relayPasses(cred, inner.access);
        if (!pass) continue;
        const gw = d.gateway?.address ?? "its gateway";
        const signers = [...(inner.signers ?? []), ...(pass === "signed" ? [doorSigner(stack, d.gateway, door)] : [])];
        next.push({
          via: d.via,
          api: d.gateway,
          role: inner.role,
          ...(inner.unknown !== undefined ? { unknown: inner.unknown } : {}),
          ...(inner.weak ? { weak: true } : {}),
          ...(inner.scope ? { scope: inner.scope, scopeName: inner.scopeName } : {}),
          ...(inner.database ? { database: inner.database } : {}),
          ...(signers.length > 0 ? { signers } : {}),
          access: d.access,
          invoke: INVOKE_GATEWAY,
          fix: `${inner.fix}, or take ${d.via.address} off ${gw} (an MCP server target whose endpoint is ${door.by.address}: the gateway calls it ${credentialText(cred)}, and so gets past the auth of ${inner.via.address})`,
        });
      }
    }
    out.push(...next);
    frontier = next;
  }
  return out;
}
