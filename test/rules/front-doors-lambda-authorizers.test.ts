/**
 * Doors behind a Lambda authorizer (REST TOKEN or REQUEST, HTTP API REQUEST, AppSync AWS_LAMBDA, a `token` or
 * `request` scheme in an OpenAPI body). The authorizer runs code that is not in the plan, so blastwall cannot tell whom
 * it lets through: it may be anyone, an agent too. They were closed (the code trusted); now such a door is every
 * principal's through a weak link, as a stored secret of unknown contents is: a warning, an error under --strict. A
 * function behind it is a route (a warning, an error under --strict, as every route into a function); a role an AWS
 * integration or a data source acts as is a chain graded the same, where an IAM right to the same door stays an error.
 */
import { check, policy, tf } from "../helpers/tf";
import { agentCan, DESTROY, HARMLESS, role, type Obj } from "../helpers/sessions";

const PINNED = { provider: { aws: [{ region: "eu-central-1", allowed_account_ids: ["111111111111"] }] } };
const trust = (service: string) => policy({ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" });
const allow = (action: string | string[], resource: unknown) => ({ Effect: "Allow", Action: action, Resource: resource });
const NOTHING = allow("s3:GetObject", "*");

const FUNCTION = (rights = DESTROY): Obj => ({
  ...role("fn", trust("lambda.amazonaws.com"), rights),
  "aws_lambda_function.cleanup": { function_name: "db-cleanup", role: "${aws_iam_role.fn.arn}", handler: "index.handler", runtime: "python3.12", filename: "x.zip" },
  ...role("authz", trust("lambda.amazonaws.com"), HARMLESS),
  "aws_lambda_function.authz": { function_name: "authz", role: "${aws_iam_role.authz.arn}", handler: "index.handler", runtime: "python3.12", filename: "a.zip" },
});
const stack = (statements: Obj[], extra: Obj): Obj => tf({ ...agentCan(...statements), ...extra }, PINNED);
const found = (json: Obj, strict = false) =>
  check(json, {}, { strict })
    .findings.filter((f) => f.ruleId === "agent-transitive-destroy")
    .map((f) => ({ severity: f.severity, resource: f.resource, message: f.message, fix: f.fix ?? "" }));
const graded = (json: Obj) => [...found(json).map((x) => [x.severity, x.resource]), ...found(json, true).map((x) => [x.severity, x.resource])];
const WARNING_THEN_ERROR = (resource: string) => [
  ["warning", resource],
  ["error", resource],
];

const LAMBDA_PROXY = { type: "AWS_PROXY", integration_http_method: "POST", uri: "${aws_lambda_function.cleanup.invoke_arn}" };
const S3_DELETE = { type: "AWS", integration_http_method: "DELETE", uri: "arn:aws:apigateway:eu-central-1:s3:path/prod-data/{key}", credentials: "${aws_iam_role.apirole.arn}" };

/** A REST method behind a TOKEN authorizer that runs aws_lambda_function.authz, in front of `integration`. */
const REST = (method: Obj = {}, integration: Obj = LAMBDA_PROXY): Obj => ({
  "aws_api_gateway_rest_api.api": { name: "files" },
  "aws_api_gateway_resource.res": { rest_api_id: "${aws_api_gateway_rest_api.api.id}", parent_id: "${aws_api_gateway_rest_api.api.root_resource_id}", path_part: "{key}" },
  "aws_api_gateway_authorizer.a": { name: "tok", rest_api_id: "${aws_api_gateway_rest_api.api.id}", type: "TOKEN", authorizer_uri: "${aws_lambda_function.authz.invoke_arn}" },
  "aws_api_gateway_method.m": { rest_api_id: "${aws_api_gateway_rest_api.api.id}", resource_id: "${aws_api_gateway_resource.res.id}", http_method: "DELETE", authorization: "CUSTOM", authorizer_id: "${aws_api_gateway_authorizer.a.id}", ...method },
  "aws_api_gateway_integration.i": { rest_api_id: "${aws_api_gateway_rest_api.api.id}", resource_id: "${aws_api_gateway_resource.res.id}", http_method: "DELETE", ...integration },
});

describe("front doors: a Lambda authorizer blastwall cannot read may let anyone through", () => {
  test("REST TOKEN: the function behind is a route for every agent, a warning (an error under --strict), naming door, authorizer, function and rights", () => {
    const json = stack([NOTHING], { ...FUNCTION(), ...REST() });
    expect(graded(json)).toEqual(WARNING_THEN_ERROR("aws_lambda_function.cleanup"));
    const f = found(json)[0];
    expect(f.message).toContain(
      'with no IAM right at all through aws_api_gateway_method.m, an API Gateway method (authorization "CUSTOM") whose integration is aws_api_gateway_integration.i: its Lambda authorizer aws_api_gateway_authorizer.a (TOKEN), which runs aws_lambda_function.authz, whose code is not in the plan, so blastwall cannot tell whom it lets through',
    );
    expect(f.message).toContain("which runs as aws_iam_role.fn, a role that can delete data");
    expect(f.message).toContain("--a Lambda authorizer blastwall cannot read on aws_api_gateway_integration.i--> aws_lambda_function.cleanup --runs as--> aws_iam_role.fn");
    expect(f.fix).toContain('require IAM auth on aws_api_gateway_method.m (authorization = "AWS_IAM"), or review the code of aws_lambda_function.authz and, if it lets through only callers you trust (no agent), acknowledge this finding with a reason saying so');
    // Controls: IAM auth on the method; a function whose role cannot delete.
    expect(found(stack([NOTHING], { ...FUNCTION(), ...REST({ authorization: "AWS_IAM", authorizer_id: null }) }))).toEqual([]);
    expect(found(stack([NOTHING], { ...FUNCTION(HARMLESS), ...REST() }))).toEqual([]);
  });

  test("REST REQUEST, and a CUSTOM method whose authorizer blastwall cannot find, are routes too", () => {
    const request = stack([NOTHING], { ...FUNCTION(), ...REST(), "aws_api_gateway_authorizer.a": { name: "req", rest_api_id: "${aws_api_gateway_rest_api.api.id}", type: "REQUEST", identity_source: "method.request.header.X-Key", authorizer_uri: "${aws_lambda_function.authz.invoke_arn}" } });
    expect(graded(request)).toEqual(WARNING_THEN_ERROR("aws_lambda_function.cleanup"));
    expect(found(request)[0].message).toContain("its Lambda authorizer aws_api_gateway_authorizer.a (REQUEST), which runs aws_lambda_function.authz");
    const lost = tf({ ...agentCan(NOTHING), ...FUNCTION(), ...REST({ authorizer_id: "${var.authorizer}" }) }, { ...PINNED, variable: { authorizer: { type: "string" } } });
    expect(graded(lost)).toEqual(WARNING_THEN_ERROR("aws_lambda_function.cleanup"));
    expect(found(lost)[0].message).toContain("a Lambda authorizer blastwall cannot find in the stack (authorizer_id), whose function blastwall cannot read");
  });

  test("HTTP API: a route with a REQUEST authorizer is a route for every agent; AWS_IAM is not", () => {
    const http = (route: Obj): Obj => ({
      "aws_apigatewayv2_api.h": { name: "h", protocol_type: "HTTP" },
      "aws_apigatewayv2_integration.i": { api_id: "${aws_apigatewayv2_api.h.id}", integration_type: "AWS_PROXY", integration_uri: "${aws_lambda_function.cleanup.arn}", payload_format_version: "2.0" },
      "aws_apigatewayv2_authorizer.l": { api_id: "${aws_apigatewayv2_api.h.id}", authorizer_type: "REQUEST", name: "l", authorizer_uri: "${aws_lambda_function.authz.invoke_arn}", authorizer_payload_format_version: "2.0", identity_sources: ["$request.header.Authorization"] },
      "aws_apigatewayv2_route.r": { api_id: "${aws_apigatewayv2_api.h.id}", route_key: "POST /run", target: "integrations/${aws_apigatewayv2_integration.i.id}", ...route },
    });
    const json = stack([NOTHING], { ...FUNCTION(), ...http({ authorization_type: "CUSTOM", authorizer_id: "${aws_apigatewayv2_authorizer.l.id}" }) });
    expect(graded(json)).toEqual(WARNING_THEN_ERROR("aws_lambda_function.cleanup"));
    expect(found(json)[0].message).toContain('through aws_apigatewayv2_route.r, an API Gateway route (authorization_type "CUSTOM") whose integration is aws_apigatewayv2_integration.i: its Lambda authorizer aws_apigatewayv2_authorizer.l (REQUEST), which runs aws_lambda_function.authz');
    expect(found(json)[0].fix).toContain('require IAM auth on aws_apigatewayv2_route.r (authorization_type = "AWS_IAM"), or review the code of aws_lambda_function.authz');
    expect(found(stack([NOTHING], { ...FUNCTION(), ...http({ authorization_type: "AWS_IAM" }) }))).toEqual([]);
  });

  const GRAPHQL = (api: Obj): Obj => ({
    "aws_appsync_graphql_api.api": { name: "ops", schema: "type Query { run: String }", ...api },
    "aws_appsync_datasource.ds": { api_id: "${aws_appsync_graphql_api.api.id}", name: "fn", type: "AWS_LAMBDA", service_role_arn: "${aws_iam_role.fn.arn}", lambda_config: [{ function_arn: "${aws_lambda_function.cleanup.arn}" }] },
  });
  const LAMBDA_AUTH = { authentication_type: "AWS_LAMBDA", lambda_authorizer_config: [{ authorizer_uri: "${aws_lambda_function.authz.arn}" }] };

  test("AppSync: AWS_LAMBDA authentication, default or additional, is a route for every agent; AWS_IAM alone is not", () => {
    const json = stack([NOTHING], { ...FUNCTION(), ...GRAPHQL(LAMBDA_AUTH) });
    expect(graded(json)).toEqual(WARNING_THEN_ERROR("aws_lambda_function.cleanup"));
    expect(found(json)[0].message).toContain("through aws_appsync_graphql_api.api, a GraphQL API with AWS_LAMBDA authentication: its Lambda authorizer (lambda_authorizer_config), which runs aws_lambda_function.authz");
    expect(found(json)[0].fix).toContain("authenticate aws_appsync_graphql_api.api with AWS_IAM alone, or review the code of aws_lambda_function.authz");
    const extra = stack([NOTHING], { ...FUNCTION(), ...GRAPHQL({ authentication_type: "AWS_IAM", additional_authentication_provider: [LAMBDA_AUTH] }) });
    expect(graded(extra)).toEqual(WARNING_THEN_ERROR("aws_lambda_function.cleanup"));
    expect(found(extra)[0].message).toContain("a GraphQL API with additional AWS_LAMBDA authentication");
    expect(found(stack([NOTHING], { ...FUNCTION(), ...GRAPHQL({ authentication_type: "AWS_IAM" }) }))).toEqual([]);
  });

  test("OpenAPI body: a request scheme is a route for every agent; one required together with a SigV4 scheme is not", () => {
    const schemes = {
      lambda: { type: "apiKey", name: "Authorization", in: "header", "x-amazon-apigateway-authtype": "custom", "x-amazon-apigateway-authorizer": { type: "request", authorizerUri: "${aws_lambda_function.authz.invoke_arn}" } },
      sigv4: { type: "apiKey", name: "Authorization", in: "header", "x-amazon-apigateway-authtype": "awsSigv4" },
    };
    const body = (security: Obj[]) =>
      `\${jsonencode(${JSON.stringify({ openapi: "3.0.1", info: { title: "t", version: "1" }, components: { securitySchemes: schemes }, paths: { "/run": { post: { security, "x-amazon-apigateway-integration": { type: "aws_proxy", httpMethod: "POST", uri: "${aws_lambda_function.cleanup.invoke_arn}", payloadFormatVersion: "1.0" } } } } })})}`;
    const json = stack([NOTHING], { ...FUNCTION(), "aws_api_gateway_rest_api.api": { name: "items", body: body([{ lambda: [] }]) } });
    expect(graded(json)).toEqual(WARNING_THEN_ERROR("aws_lambda_function.cleanup"));
    expect(found(json)[0].message).toContain('through POST /run in the OpenAPI body of aws_api_gateway_rest_api.api, an operation whose security scheme "lambda": its Lambda authorizer (request), which runs aws_lambda_function.authz');
    expect(found(stack([NOTHING], { ...FUNCTION(), "aws_api_gateway_rest_api.api": { name: "items", body: body([{ lambda: [], sigv4: [] }]) } }))).toEqual([]);
  });

  test("a credentials role behind it is a chain for every agent: a warning that says why, an error under --strict", () => {
    const json = stack([NOTHING], { ...role("apirole", trust("apigateway.amazonaws.com"), DESTROY), ...FUNCTION(HARMLESS), ...REST({}, S3_DELETE) });
    expect(graded(json)).toEqual(WARNING_THEN_ERROR("aws_iam_role.apirole"));
    const f = found(json)[0];
    expect(f.message).toContain("--a Lambda authorizer blastwall cannot read on aws_api_gateway_integration.i--> aws_iam_role.apirole (s3 only");
    expect(f.message).toContain("A link of the chain passes a Lambda authorizer whose code blastwall cannot read, so it may let anyone through: a warning (an error under --strict).");
    expect(found(stack([NOTHING], { ...role("apirole", trust("apigateway.amazonaws.com"), DESTROY), ...FUNCTION(HARMLESS), ...REST({ authorization: "AWS_IAM", authorizer_id: null }, S3_DELETE) }))).toEqual([]);
  });

  test("an IAM right to the same door stays an error: the certain link is the one the chain shows", () => {
    const ds = {
      ...role("dsrole", trust("appsync.amazonaws.com"), policy(allow(["dynamodb:DeleteItem", "dynamodb:DeleteTable"], "*"))),
      "aws_appsync_graphql_api.api": { name: "ops", authentication_type: "AWS_IAM", additional_authentication_provider: [LAMBDA_AUTH] },
      "aws_appsync_datasource.ds": { api_id: "${aws_appsync_graphql_api.api.id}", name: "orders", type: "AMAZON_DYNAMODB", service_role_arn: "${aws_iam_role.dsrole.arn}", dynamodb_config: [{ table_name: "orders" }] },
    };
    const weak = found(stack([NOTHING], { ...FUNCTION(HARMLESS), ...ds }));
    expect(weak.map((f) => [f.severity, f.resource])).toEqual([["warning", "aws_iam_role.dsrole"]]);
    const held = found(stack([allow("appsync:GraphQL", "*")], { ...FUNCTION(HARMLESS), ...ds }));
    expect(held.map((f) => [f.severity, f.resource])).toEqual([["error", "aws_iam_role.dsrole"]]);
    expect(held[0].message).toContain("--appsync:GraphQL on aws_appsync_datasource.ds-->");
  });
});

/**
 * Red-team round 162, F5: API Gateway (and AppSync) runs a Lambda authorizer on a request with the caller's token or
 * request, before any auth decision, so the authorizer's own function is a route anyone who can reach the API uses,
 * graded as a function URL with no auth is: a warning, an error under --strict, naming the API, the authorizer and
 * the function.
 */
describe("162 F5: a Lambda authorizer's own function is a route for anyone who can reach the API", () => {
  const AUTHZ_DESTROYS = (): Obj => ({ ...FUNCTION(HARMLESS), ...role("authz", trust("lambda.amazonaws.com"), DESTROY) });
  const MOCK = { type: "MOCK" };

  test("REST TOKEN: the authorizer's function whose role deletes is a route, naming API, authorizer, method and function", () => {
    const json = stack([NOTHING], { ...AUTHZ_DESTROYS(), ...REST({}, MOCK) });
    expect(graded(json)).toEqual(WARNING_THEN_ERROR("aws_lambda_function.authz"));
    const f = found(json)[0];
    expect(f.message).toContain(
      'invoke aws_lambda_function.authz with no IAM right at all through aws_api_gateway_authorizer.a, a Lambda authorizer (TOKEN) of aws_api_gateway_rest_api.api, which API Gateway runs with the caller\'s token on every request to aws_api_gateway_method.m (authorization "CUSTOM"), before any auth decision: whoever can reach the API (anyone, for a public one) runs it with input of their choosing',
    );
    expect(f.message).toContain("--aws_api_gateway_authorizer.a (no auth)--> aws_lambda_function.authz --runs as--> aws_iam_role.authz");
    expect(f.fix).toContain('require IAM auth on aws_api_gateway_method.m (authorization = "AWS_IAM") and delete aws_api_gateway_authorizer.a');
    // A REQUEST authorizer is handed the whole request.
    const request = stack([NOTHING], { ...AUTHZ_DESTROYS(), ...REST({}, MOCK), "aws_api_gateway_authorizer.a": { name: "req", rest_api_id: "${aws_api_gateway_rest_api.api.id}", type: "REQUEST", identity_source: "method.request.header.X-Key", authorizer_uri: "${aws_lambda_function.authz.invoke_arn}" } });
    expect(graded(request)).toEqual(WARNING_THEN_ERROR("aws_lambda_function.authz"));
    expect(found(request)[0].message).toContain("a Lambda authorizer (REQUEST) of aws_api_gateway_rest_api.api, which API Gateway runs with the caller's request (its headers, query string, path and context)");
    // Controls: an authorizer function that cannot delete; a Cognito authorizer, which runs no function.
    expect(found(stack([NOTHING], { ...FUNCTION(HARMLESS), ...REST({}, MOCK) }))).toEqual([]);
    const cognito = stack([NOTHING], {
      ...AUTHZ_DESTROYS(),
      ...REST({ authorization: "COGNITO_USER_POOLS" }, MOCK),
      "aws_cognito_user_pool.p": { name: "staff", admin_create_user_config: [{ allow_admin_create_user_only: true }] },
      "aws_api_gateway_authorizer.a": { name: "cog", rest_api_id: "${aws_api_gateway_rest_api.api.id}", type: "COGNITO_USER_POOLS", provider_arns: ["${aws_cognito_user_pool.p.arn}"] },
    });
    expect(found(cognito)).toEqual([]);
  });

  test("REST: an authorizer no method of the stack uses may be used by one outside it (fail closed)", () => {
    const json = stack([NOTHING], { ...AUTHZ_DESTROYS(), ...REST({ authorization: "AWS_IAM", authorizer_id: null }, MOCK) });
    expect(graded(json)).toEqual(WARNING_THEN_ERROR("aws_lambda_function.authz"));
    expect(found(json)[0].message).toContain('through aws_api_gateway_authorizer.a, a Lambda authorizer (TOKEN) of aws_api_gateway_rest_api.api, which no method of the stack uses (authorization "CUSTOM" with its authorizer_id), but one outside it may');
    expect(found(json)[0].fix).toContain("delete aws_api_gateway_authorizer.a, which no method of the stack uses");
  });

  test("HTTP API REQUEST authorizer, and AppSync AWS_LAMBDA authentication (default or additional): the function is a route", () => {
    const http = (authorizer: Obj): Obj => ({
      "aws_apigatewayv2_api.h": { name: "h", protocol_type: "HTTP" },
      "aws_apigatewayv2_authorizer.l": { api_id: "${aws_apigatewayv2_api.h.id}", name: "l", identity_sources: ["$request.header.Authorization"], ...authorizer },
      "aws_apigatewayv2_route.r": { api_id: "${aws_apigatewayv2_api.h.id}", route_key: "POST /run", authorization_type: "CUSTOM", authorizer_id: "${aws_apigatewayv2_authorizer.l.id}" },
    });
    const json = stack([NOTHING], { ...AUTHZ_DESTROYS(), ...http({ authorizer_type: "REQUEST", authorizer_uri: "${aws_lambda_function.authz.invoke_arn}", authorizer_payload_format_version: "2.0" }) });
    expect(graded(json)).toEqual(WARNING_THEN_ERROR("aws_lambda_function.authz"));
    expect(found(json)[0].message).toContain('through aws_apigatewayv2_authorizer.l, a Lambda authorizer (REQUEST) of aws_apigatewayv2_api.h, which API Gateway runs with the caller\'s request (its headers, query string, path and context) on every request to aws_apigatewayv2_route.r (authorization_type "CUSTOM")');
    expect(found(json)[0].fix).toContain('require IAM auth on aws_apigatewayv2_route.r (authorization_type = "AWS_IAM") and delete aws_apigatewayv2_authorizer.l');
    // Control: a JWT authorizer runs no function.
    const jwt = stack([NOTHING], { ...AUTHZ_DESTROYS(), ...http({ authorizer_type: "JWT", jwt_configuration: [{ issuer: "https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0", audience: ["a"] }] }) });
    expect(found(jwt)).toEqual([]);

    const LAMBDA_AUTH = { authentication_type: "AWS_LAMBDA", lambda_authorizer_config: [{ authorizer_uri: "${aws_lambda_function.authz.arn}" }] };
    const graphql = (api: Obj) => stack([NOTHING], { ...AUTHZ_DESTROYS(), "aws_appsync_graphql_api.api": { name: "ops", schema: "type Query { run: String }", ...api } });
    const appsync = graphql(LAMBDA_AUTH);
    expect(graded(appsync)).toEqual(WARNING_THEN_ERROR("aws_lambda_function.authz"));
    expect(found(appsync)[0].message).toContain("through aws_appsync_graphql_api.api, a GraphQL API with AWS_LAMBDA authentication (lambda_authorizer_config), whose authorizer AppSync runs with the caller's authorization token on every request that carries one, before any auth decision");
    expect(found(appsync)[0].fix).toContain("authenticate aws_appsync_graphql_api.api with AWS_IAM alone (no AWS_LAMBDA provider)");
    expect(graded(graphql({ authentication_type: "AWS_IAM", additional_authentication_provider: [LAMBDA_AUTH] }))).toEqual(WARNING_THEN_ERROR("aws_lambda_function.authz"));
    // Control: AWS_IAM alone.
    expect(found(graphql({ authentication_type: "AWS_IAM" }))).toEqual([]);
  });

  test("OpenAPI body: a request scheme an operation's security names is a route; one the operation puts under IAM is not", () => {
    const scheme = { type: "apiKey", name: "Authorization", in: "header", "x-amazon-apigateway-authtype": "custom", "x-amazon-apigateway-authorizer": { type: "request", authorizerUri: "${aws_lambda_function.authz.invoke_arn}" } };
    const body = (op: Obj) =>
      `\${jsonencode(${JSON.stringify({ openapi: "3.0.1", info: { title: "t", version: "1" }, components: { securitySchemes: { lambda: scheme } }, paths: { "/run": { post: { ...op, "x-amazon-apigateway-integration": { type: "mock" } } } } })})}`;
    const json = stack([NOTHING], { ...AUTHZ_DESTROYS(), "aws_api_gateway_rest_api.api": { name: "items", body: body({ security: [{ lambda: [] }] }) } });
    expect(graded(json)).toEqual(WARNING_THEN_ERROR("aws_lambda_function.authz"));
    expect(found(json)[0].message).toContain('through the security scheme "lambda" in the OpenAPI body of aws_api_gateway_rest_api.api, a Lambda authorizer (request), which API Gateway runs with the caller\'s request (its headers, query string, path and context) on every request to POST /run, before any auth decision');
    // Control: x-amazon-apigateway-auth AWS_IAM overrides the security requirement.
    expect(found(stack([NOTHING], { ...AUTHZ_DESTROYS(), "aws_api_gateway_rest_api.api": { name: "items", body: body({ security: [{ lambda: [] }], "x-amazon-apigateway-auth": { type: "AWS_IAM" } }) } }))).toEqual([]);
  });

  test("OpenAPI body: a scheme type written through a local is read as the door reads it (one reading for both)", () => {
    // The body as JSON text (a heredoc), its interpolations left for Terraform to fill.
    const body = (type: string) =>
      JSON.stringify({ openapi: "3.0.1", info: { title: "t", version: "1" }, components: { securitySchemes: { lambda: { type: "apiKey", name: "Authorization", in: "header", "x-amazon-apigateway-authorizer": { type, authorizerUri: "${aws_lambda_function.authz.invoke_arn}", providerARNs: ["${aws_cognito_user_pool.p.arn}"] } } } }, paths: { "/run": { post: { security: [{ lambda: [] }], "x-amazon-apigateway-integration": { type: "mock" } } } } });
    const api = (type: string, t: string) =>
      tf({ ...agentCan(NOTHING), ...AUTHZ_DESTROYS(), "aws_cognito_user_pool.p": { name: "staff", admin_create_user_config: [{ allow_admin_create_user_only: true }] }, "aws_api_gateway_rest_api.api": { name: "items", body: body(type) } }, { ...PINNED, locals: { t }, variable: { v: { type: "string" } } });
    const local = api("${local.t}", "REQUEST");
    expect(graded(local)).toEqual(WARNING_THEN_ERROR("aws_lambda_function.authz"));
    expect(found(local)[0].message).toContain('through the security scheme "lambda" in the OpenAPI body of aws_api_gateway_rest_api.api, a Lambda authorizer (request), which API Gateway runs with the caller\'s request (its headers, query string, path and context)');
    // A local that makes it a Cognito authorizer runs no function; one blastwall cannot resolve still may (fail closed).
    expect(found(api("${local.t}", "cognito_user_pools"))).toEqual([]);
    const unread = api("${var.v}", "REQUEST");
    expect(graded(unread)).toEqual(WARNING_THEN_ERROR("aws_lambda_function.authz"));
    expect(found(unread)[0].message).toContain("a Lambda authorizer (a type blastwall cannot read: ${var.v})");
  });
});

/**
 * Red-team round 162, F9: a plain OpenAPI oauth2 or openIdConnect scheme (no x-amazon-apigateway-authorizer) is no
 * authorizer API Gateway makes: the import warns and, with failonwarnings false (its default), makes the method with
 * no auth. A requirement of such schemes alone asks no auth; beside a Lambda authorizer it drops out.
 */
describe("162 F9: OpenAPI oauth2 and openIdConnect schemes with no API Gateway extension ask no auth", () => {
  const schemes = {
    oauth: { type: "oauth2", flows: { clientCredentials: { tokenUrl: "https://login.example.com/token", scopes: { run: "run" } } } },
    oidc: { type: "openIdConnect", openIdConnectUrl: "https://login.example.com/.well-known/openid-configuration" },
    lambda: { type: "apiKey", name: "Authorization", in: "header", "x-amazon-apigateway-authtype": "custom", "x-amazon-apigateway-authorizer": { type: "request", authorizerUri: "${aws_lambda_function.authz.invoke_arn}" } },
    sigv4: { type: "apiKey", name: "Authorization", in: "header", "x-amazon-apigateway-authtype": "awsSigv4" },
  };
  const body = (security: Obj[]) =>
    `\${jsonencode(${JSON.stringify({ openapi: "3.0.1", info: { title: "t", version: "1" }, components: { securitySchemes: schemes }, paths: { "/run": { post: { security, "x-amazon-apigateway-integration": { type: "aws_proxy", httpMethod: "POST", uri: "${aws_lambda_function.cleanup.invoke_arn}", payloadFormatVersion: "1.0" } } } } })})}`;
  const api = (security: Obj[]) => stack([NOTHING], { ...FUNCTION(), "aws_api_gateway_rest_api.api": { name: "items", body: body(security) } });

  test("a requirement of such schemes alone is no auth: the function behind is a route for every agent", () => {
    for (const [name, type] of [["oauth", "oauth2"], ["oidc", "openIdConnect"]]) {
      const json = api([{ [name]: [] }]);
      expect(graded(json)).toEqual(WARNING_THEN_ERROR("aws_lambda_function.cleanup"));
      expect(found(json)[0].message).toContain(`through POST /run in the OpenAPI body of aws_api_gateway_rest_api.api, an operation whose security scheme "${name}" is a plain OpenAPI ${type} scheme with no x-amazon-apigateway-authorizer, which API Gateway makes no authorizer of (the import only warns, and with failonwarnings false, its default, makes the method with no auth), which anyone can call over HTTPS`);
      expect(found(json)[0].fix).toContain(`or give "${name}" an x-amazon-apigateway-authorizer (a Cognito user pool or JWT authorizer on an identity provider of your organisation alone)`);
      expect(found(json)[0].message).toContain("--aws_api_gateway_rest_api.api (no auth)--> aws_lambda_function.cleanup");
    }
  });

  test("beside a Lambda authorizer it drops out: the Lambda-authorizer warning stays; beside SigV4, IAM", () => {
    const both = api([{ lambda: [], oauth: ["run"] }]);
    expect(graded(both)).toEqual(WARNING_THEN_ERROR("aws_lambda_function.cleanup"));
    expect(found(both)[0].message).toContain('an operation whose security scheme "lambda": its Lambda authorizer (request), which runs aws_lambda_function.authz, whose code is not in the plan');
    expect(found(both)[0].message).toContain("--a Lambda authorizer blastwall cannot read on aws_api_gateway_rest_api.api--> aws_lambda_function.cleanup");
    // Controls: with SigV4 in the same requirement it is IAM; an alternative requirement of SigV4 does not close the plain one.
    expect(found(api([{ sigv4: [], oidc: [] }]))).toEqual([]);
    expect(graded(api([{ sigv4: [] }, { oauth: [] }]))).toEqual(WARNING_THEN_ERROR("aws_lambda_function.cleanup"));
  });
});

/**
 * Red-team round 163a, F3: IoT Core, Transfer Family and AppSync Event APIs run a function to let callers in, with what
 * the caller sends, before any decision: the function is a route for whoever can reach the endpoint, graded as a
 * Lambda authorizer's own function is. Controls: IoT signing on (the caller needs the private key), a service-managed
 * Transfer server, a function whose role deletes nothing. (A Transfer server whose VPC endpoint has no Elastic IPs was
 * a control too; it is a route now, for an agent inside the VPC: see the next block.)
 */
describe("163a F3: IoT custom authorizers, Transfer Family identity providers and AppSync Event API authorizers are routes", () => {
  const AUTHZ_DESTROYS = (): Obj => ({ ...FUNCTION(HARMLESS), ...role("authz", trust("lambda.amazonaws.com"), DESTROY) });
  const IOT = (a: Obj = {}): Obj => ({ "aws_iot_authorizer.a": { name: "custom", authorizer_function_arn: "${aws_lambda_function.authz.arn}", signing_disabled: true, status: "ACTIVE", ...a } });
  const SIGNED = { signing_disabled: false, token_key_name: "Token", token_signing_public_keys: { Key1: "-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----" } };
  const SFTP = (s: Obj = {}): Obj => ({ "aws_transfer_server.s": { identity_provider_type: "AWS_LAMBDA", function: "${aws_lambda_function.authz.arn}", protocols: ["SFTP"], endpoint_type: "PUBLIC", ...s } });
  const EVENTS = (provider: Obj): Obj => ({
    "aws_appsync_api.e": { name: "events", event_config: [{ auth_provider: [provider], connection_auth_mode: [{ auth_type: provider.auth_type }], default_publish_auth_mode: [{ auth_type: provider.auth_type }], default_subscribe_auth_mode: [{ auth_type: provider.auth_type }] }] },
  });
  const LAMBDA_PROVIDER = { auth_type: "AWS_LAMBDA", lambda_authorizer_config: [{ authorizer_uri: "${aws_lambda_function.authz.arn}" }] };

  test("IoT: a custom authorizer with signing disabled is a route, naming authorizer and function; signing on, INACTIVE, or a harmless function is not", () => {
    const json = stack([NOTHING], { ...AUTHZ_DESTROYS(), ...IOT() });
    expect(graded(json)).toEqual(WARNING_THEN_ERROR("aws_lambda_function.authz"));
    const f = found(json)[0];
    expect(f.message).toContain(
      "invoke aws_lambda_function.authz with no IAM right at all through aws_iot_authorizer.a, an AWS IoT custom authorizer (signing_disabled = true), which IoT Core runs with the token, user name and password of any client that connects to the account's data endpoint naming it",
    );
    expect(f.message).toContain("--aws_iot_authorizer.a (no auth)--> aws_lambda_function.authz --runs as--> aws_iam_role.authz");
    expect(f.fix).toContain('recreate aws_iot_authorizer.a with signing_disabled = false and token_signing_public_keys (IoT then runs it only for a token signed with your private key), or set status = "INACTIVE"');
    // A flag blastwall cannot read may be true.
    const unread = tf({ ...agentCan(NOTHING), ...AUTHZ_DESTROYS(), ...IOT({ signing_disabled: "${var.unsigned}" }) }, { ...PINNED, variable: { unsigned: { type: "bool" } } });
    expect(graded(unread)).toEqual(WARNING_THEN_ERROR("aws_lambda_function.authz"));
    expect(found(unread)[0].message).toContain("(signing_disabled blastwall cannot read, so maybe true)");
    // Controls: signing on (set, or by default), an INACTIVE authorizer, a function whose role deletes nothing.
    expect(found(stack([NOTHING], { ...AUTHZ_DESTROYS(), ...IOT(SIGNED) }))).toEqual([]);
    expect(found(stack([NOTHING], { ...AUTHZ_DESTROYS(), ...IOT({ ...SIGNED, signing_disabled: undefined }) }))).toEqual([]);
    expect(found(stack([NOTHING], { ...AUTHZ_DESTROYS(), ...IOT({ status: "INACTIVE" }) }))).toEqual([]);
    expect(found(stack([NOTHING], { ...FUNCTION(HARMLESS), ...IOT() }))).toEqual([]);
  });

  test("Transfer Family: an AWS_LAMBDA identity provider on a PUBLIC endpoint, or a VPC one with Elastic IPs, is a route", () => {
    const json = stack([NOTHING], { ...AUTHZ_DESTROYS(), ...SFTP() });
    expect(graded(json)).toEqual(WARNING_THEN_ERROR("aws_lambda_function.authz"));
    const f = found(json)[0];
    expect(f.message).toContain(
      'invoke aws_lambda_function.authz with no IAM right at all through aws_transfer_server.s, an AWS Transfer Family server (identity_provider_type "AWS_LAMBDA", a PUBLIC endpoint), which runs its identity provider function with the user name, password and source IP of every login attempt',
    );
    expect(f.fix).toContain("give aws_transfer_server.s an identity provider that runs no function of yours (SERVICE_MANAGED)");
    expect(f.fix).not.toContain("acknowledge this finding with a reason saying so");
    // endpoint_type defaults to PUBLIC.
    expect(graded(stack([NOTHING], { ...AUTHZ_DESTROYS(), ...SFTP({ endpoint_type: undefined }) }))).toEqual(WARNING_THEN_ERROR("aws_lambda_function.authz"));
    const eips = stack([NOTHING], { ...AUTHZ_DESTROYS(), ...SFTP({ endpoint_type: "VPC", endpoint_details: [{ vpc_id: "vpc-0abc", subnet_ids: ["subnet-0abc"], address_allocation_ids: ["eipalloc-0abc"] }] }) });
    expect(graded(eips)).toEqual(WARNING_THEN_ERROR("aws_lambda_function.authz"));
    expect(found(eips)[0].message).toContain("a VPC endpoint with Elastic IPs (address_allocation_ids), which faces the internet");
    // Red-team round 164, F8: security groups may narrow who reaches it; blastwall does not read them and says so.
    expect(found(eips)[0].message).toContain("anyone who can reach its internet-facing endpoint (its security groups are not read) runs it");
    expect(found(eips)[0].message).not.toContain("anyone on the internet");
    // An identity provider type blastwall cannot read may be AWS_LAMBDA.
    const unread = tf({ ...agentCan(NOTHING), ...AUTHZ_DESTROYS(), ...SFTP({ identity_provider_type: "${var.idp}" }) }, { ...PINNED, variable: { idp: { type: "string" } } });
    expect(graded(unread)).toEqual(WARNING_THEN_ERROR("aws_lambda_function.authz"));
    expect(found(unread)[0].message).toContain("an AWS Transfer Family server (an identity_provider_type blastwall cannot read, so maybe AWS_LAMBDA, a PUBLIC endpoint)");
    // Controls: a service-managed identity provider; a function whose role deletes nothing.
    expect(found(stack([NOTHING], { ...AUTHZ_DESTROYS(), ...SFTP({ identity_provider_type: "SERVICE_MANAGED" }) }))).toEqual([]);
    expect(found(stack([NOTHING], { ...FUNCTION(HARMLESS), ...SFTP() }))).toEqual([]);
  });

  test("AppSync Event API: an AWS_LAMBDA auth provider is a route; API_KEY alone, or a harmless function, is not", () => {
    const json = stack([NOTHING], { ...AUTHZ_DESTROYS(), ...EVENTS(LAMBDA_PROVIDER) });
    expect(graded(json)).toEqual(WARNING_THEN_ERROR("aws_lambda_function.authz"));
    const f = found(json)[0];
    expect(f.message).toContain(
      "invoke aws_lambda_function.authz with no IAM right at all through aws_appsync_api.e, an AppSync Event API with an AWS_LAMBDA auth provider (event_config, lambda_authorizer_config), whose authorizer AppSync runs with the caller's authorization token on every connect, publish or subscribe",
    );
    expect(f.fix).toContain("drop the AWS_LAMBDA auth provider from aws_appsync_api.e (use AWS_IAM)");
    expect(found(stack([NOTHING], { ...AUTHZ_DESTROYS(), ...EVENTS({ auth_type: "API_KEY" }) }))).toEqual([]);
    expect(found(stack([NOTHING], { ...FUNCTION(HARMLESS), ...EVENTS(LAMBDA_PROVIDER) }))).toEqual([]);
  });
});

/**
 * A Transfer Family server whose VPC endpoint has no Elastic IPs counted as unreachable, while a PRIVATE REST API (also
 * reached only from inside a VPC) counted as reachable: an agent running in the account's VPC reaches both. Both count
 * as reachable now, and the message says why. A server whose identity provider is an API (API_GATEWAY: url,
 * invocation_role) runs that API's integrations on every login: the function behind is a route for whoever reaches it.
 */
describe("Transfer Family API_GATEWAY identity providers, and endpoints inside a VPC, are routes", () => {
  const BOTH_DESTROY = (): Obj => ({ ...FUNCTION(DESTROY), ...role("authz", trust("lambda.amazonaws.com"), DESTROY) });
  const HARMLESS_BOTH = (): Obj => ({ ...FUNCTION(HARMLESS) });
  const IN_VPC = { endpoint_type: "VPC", endpoint_details: [{ vpc_id: "vpc-0abc", subnet_ids: ["subnet-0abc"] }] };
  const SFTP = (s: Obj = {}): Obj => ({ "aws_transfer_server.s": { identity_provider_type: "AWS_LAMBDA", function: "${aws_lambda_function.authz.arn}", protocols: ["SFTP"], endpoint_type: "PUBLIC", ...s } });
  /** An identity provider API whose one GET method (IAM auth) is integrated with `integration`. */
  const IDP_API = (integration: Obj | null = { type: "AWS_PROXY", integration_http_method: "POST", uri: "${aws_lambda_function.authz.invoke_arn}" }): Obj => ({
    ...role("invoke", trust("transfer.amazonaws.com"), policy(allow("execute-api:Invoke", "*"))),
    "aws_api_gateway_rest_api.idp": { name: "idp" },
    "aws_api_gateway_resource.config": { rest_api_id: "${aws_api_gateway_rest_api.idp.id}", parent_id: "${aws_api_gateway_rest_api.idp.root_resource_id}", path_part: "config" },
    "aws_api_gateway_method.get": { rest_api_id: "${aws_api_gateway_rest_api.idp.id}", resource_id: "${aws_api_gateway_resource.config.id}", http_method: "GET", authorization: "AWS_IAM" },
    ...(integration ? { "aws_api_gateway_integration.get": { rest_api_id: "${aws_api_gateway_rest_api.idp.id}", resource_id: "${aws_api_gateway_resource.config.id}", http_method: "GET", ...integration } } : {}),
    "aws_api_gateway_deployment.d": { rest_api_id: "${aws_api_gateway_rest_api.idp.id}" },
    "aws_api_gateway_stage.prod": { rest_api_id: "${aws_api_gateway_rest_api.idp.id}", deployment_id: "${aws_api_gateway_deployment.d.id}", stage_name: "prod" },
  });
  const VIA_API = (s: Obj = {}): Obj => SFTP({ identity_provider_type: "API_GATEWAY", function: undefined, url: "${aws_api_gateway_stage.prod.invoke_url}", invocation_role: "${aws_iam_role.invoke.arn}", ...s });
  const resources = (json: Obj) => [...new Set(found(json).map((f) => f.resource))].sort();

  test("an AWS_LAMBDA identity provider on a VPC endpoint with no Elastic IPs is a route, saying an agent in the VPC reaches it", () => {
    const json = stack([NOTHING], { ...FUNCTION(HARMLESS), ...role("authz", trust("lambda.amazonaws.com"), DESTROY), ...SFTP(IN_VPC) });
    expect(graded(json)).toEqual(WARNING_THEN_ERROR("aws_lambda_function.authz"));
    const f = found(json)[0];
    expect(f.message).toContain('through aws_transfer_server.s, an AWS Transfer Family server (identity_provider_type "AWS_LAMBDA", a VPC endpoint with no Elastic IPs, reached from inside its VPC)');
    expect(f.message).toContain("whoever can reach its endpoint inside the VPC, which an agent running in the account's VPC (a function, a container, an instance there) or in a network joined to it can (its security groups are not read) runs it");
    expect(f.fix).toContain("or, if no agent runs where it can reach that VPC endpoint (the VPC, networks joined to it), acknowledge this finding with a reason saying so");
    // The old VPC_ENDPOINT type too. Controls: service-managed; a harmless function.
    expect(graded(stack([NOTHING], { ...FUNCTION(HARMLESS), ...role("authz", trust("lambda.amazonaws.com"), DESTROY), ...SFTP({ endpoint_type: "VPC_ENDPOINT" }) }))).toEqual(WARNING_THEN_ERROR("aws_lambda_function.authz"));
    expect(found(stack([NOTHING], { ...FUNCTION(HARMLESS), ...role("authz", trust("lambda.amazonaws.com"), DESTROY), ...SFTP({ ...IN_VPC, identity_provider_type: "SERVICE_MANAGED" }) }))).toEqual([]);
    expect(found(stack([NOTHING], { ...HARMLESS_BOTH(), ...SFTP(IN_VPC) }))).toEqual([]);
  });

  test("API_GATEWAY: the function the identity provider API integrates is a route, naming server, API and invocation role; that function alone", () => {
    const json = stack([NOTHING], { ...BOTH_DESTROY(), ...IDP_API(), ...VIA_API() });
    expect(resources(json)).toEqual(["aws_lambda_function.authz"]);
    expect(graded(json)).toEqual(WARNING_THEN_ERROR("aws_lambda_function.authz"));
    const f = found(json)[0];
    expect(f.message).toContain(
      'invoke aws_lambda_function.authz with no IAM right at all through aws_transfer_server.s, an AWS Transfer Family server (identity_provider_type "API_GATEWAY", a PUBLIC endpoint), which calls aws_api_gateway_rest_api.idp (url), whose integrations run it, as its invocation_role aws_iam_role.invoke, with the user name, password and source IP of every login attempt',
    );
    expect(f.message).toContain("--aws_transfer_server.s (no auth)--> aws_lambda_function.authz --runs as--> aws_iam_role.authz");
    expect(f.fix).toContain("give aws_transfer_server.s an identity provider that runs no function of yours (SERVICE_MANAGED)");
    // Through a local, and from a deployment's invoke_url.
    const local = tf({ ...agentCan(NOTHING), ...BOTH_DESTROY(), ...IDP_API(), ...VIA_API({ url: "${local.idp}" }) }, { ...PINNED, locals: { idp: "${aws_api_gateway_stage.prod.invoke_url}" } });
    expect(resources(local)).toEqual(["aws_lambda_function.authz"]);
    expect(resources(stack([NOTHING], { ...BOTH_DESTROY(), ...IDP_API(), ...VIA_API({ url: "${aws_api_gateway_deployment.d.invoke_url}prod" }) }))).toEqual(["aws_lambda_function.authz"]);
    // Controls: a MOCK integration runs no function; service-managed; a harmless function.
    expect(found(stack([NOTHING], { ...BOTH_DESTROY(), ...IDP_API({ type: "MOCK" }), ...VIA_API() }))).toEqual([]);
    expect(found(stack([NOTHING], { ...BOTH_DESTROY(), ...IDP_API(), ...VIA_API({ identity_provider_type: "SERVICE_MANAGED" }) }))).toEqual([]);
    expect(found(stack([NOTHING], { ...HARMLESS_BOTH(), ...IDP_API(), ...VIA_API() }))).toEqual([]);
  });

  test("API_GATEWAY: a URL blastwall cannot tie to an API of the stack, or an API with no integration in it, may run any function (fail closed)", () => {
    const literal = stack([NOTHING], { ...BOTH_DESTROY(), ...IDP_API(), ...VIA_API({ url: "https://abc123.execute-api.eu-central-1.amazonaws.com/prod" }) });
    expect(resources(literal)).toEqual(["aws_lambda_function.authz", "aws_lambda_function.cleanup"]);
    expect(found(literal)[0].message).toContain("which calls the API at url https://abc123.execute-api.eu-central-1.amazonaws.com/prod, which blastwall cannot tie to one API of the stack, so it may run any function");
    const bare = stack([NOTHING], { ...BOTH_DESTROY(), ...IDP_API(null), ...VIA_API() });
    expect(resources(bare)).toEqual(["aws_lambda_function.authz", "aws_lambda_function.cleanup"]);
    expect(found(bare)[0].message).toContain("which calls aws_api_gateway_rest_api.idp (url), whose integrations are not all in the stack");
    // An identity provider type blastwall cannot read, with a url, may be API_GATEWAY.
    const unread = tf({ ...agentCan(NOTHING), ...BOTH_DESTROY(), ...IDP_API(), ...VIA_API({ identity_provider_type: "${var.idp}" }) }, { ...PINNED, variable: { idp: { type: "string" } } });
    expect(resources(unread)).toEqual(["aws_lambda_function.authz"]);
    expect(found(unread)[0].message).toContain("(an identity_provider_type blastwall cannot read, so maybe API_GATEWAY, a PUBLIC endpoint)");
  });

  /** Red-team round 169a, F7: the url is the stack's own custom domain, read through its mappings (mcp-door-hosts.ts). */
  const DOMAIN = (mapping: Obj = {}): Obj => ({
    "aws_api_gateway_domain_name.dn": { domain_name: "idp.example.com", regional_certificate_arn: "arn:aws:acm:us-east-1:111111111111:certificate/x", endpoint_configuration: [{ types: ["REGIONAL"] }] },
    "aws_api_gateway_base_path_mapping.bp": { api_id: "${aws_api_gateway_rest_api.idp.id}", stage_name: "${aws_api_gateway_stage.prod.stage_name}", domain_name: "${aws_api_gateway_domain_name.dn.domain_name}", ...mapping },
  });
  test.each([
    ["by reference", "https://${aws_api_gateway_domain_name.dn.domain_name}", {}],
    ["as its literal name", "https://idp.example.com", {}],
    ["at the base path its mapping serves", "https://idp.example.com/login", { base_path: "login" }],
  ])("169a F7: API_GATEWAY on the stack's custom domain %s: the API mapped there, its function alone (was every function)", (_, url, mapping) => {
    const json = stack([NOTHING], { ...BOTH_DESTROY(), ...IDP_API(), ...DOMAIN(mapping), ...VIA_API({ url }) });
    expect(resources(json)).toEqual(["aws_lambda_function.authz"]);
    expect(found(json)[0].message).toContain("which calls aws_api_gateway_rest_api.idp (url), whose integrations run it");
  });

  test("169a F7 controls: a domain mapped to an API not in the stack, or another company's host, may still run any function", () => {
    const lost = stack([NOTHING], { ...BOTH_DESTROY(), ...IDP_API(), ...DOMAIN({ api_id: "a1b2c3d4e5" }), ...VIA_API({ url: "https://idp.example.com" }) });
    expect(resources(lost)).toEqual(["aws_lambda_function.authz", "aws_lambda_function.cleanup"]);
    const partner = stack([NOTHING], { ...BOTH_DESTROY(), ...IDP_API(), ...DOMAIN(), ...VIA_API({ url: "https://idp.partner.example" }) });
    expect(resources(partner)).toEqual(["aws_lambda_function.authz", "aws_lambda_function.cleanup"]);
  });

  test("a PRIVATE REST API's authorizer stays a route, and the message says an agent in the VPC reaches it; a resource policy is named as not read", () => {
    const AUTHZ_DESTROYS = (): Obj => ({ ...FUNCTION(HARMLESS), ...role("authz", trust("lambda.amazonaws.com"), DESTROY) });
    const privateApi = { ...AUTHZ_DESTROYS(), ...REST({}, { type: "MOCK" }), "aws_api_gateway_rest_api.api": { name: "files", endpoint_configuration: [{ types: ["PRIVATE"] }] } };
    const json = stack([NOTHING], privateApi);
    expect(graded(json)).toEqual(WARNING_THEN_ERROR("aws_lambda_function.authz"));
    expect(found(json)[0].message).toContain(
      "before any auth decision: whoever can reach the API (a PRIVATE API, endpoint_configuration: whoever reaches an execute-api VPC endpoint it takes requests through, which an agent running in the account's VPC (a function, a container, an instance there) can) runs it",
    );
    const policied = stack([NOTHING], { ...privateApi, "aws_api_gateway_rest_api_policy.p": { rest_api_id: "${aws_api_gateway_rest_api.api.id}", policy: policy({ Effect: "Allow", Principal: "*", Action: "execute-api:Invoke", Resource: "*" }) } });
    expect(graded(policied)).toEqual(WARNING_THEN_ERROR("aws_lambda_function.authz"));
    expect(found(policied)[0].message).toContain("; its resource policy (policy, aws_api_gateway_rest_api_policy), which may narrow who gets in, is not read)");
    // Control: a public (REGIONAL) one reads as before.
    const regional = stack([NOTHING], { ...AUTHZ_DESTROYS(), ...REST({}, { type: "MOCK" }), "aws_api_gateway_rest_api.api": { name: "files", endpoint_configuration: [{ types: ["REGIONAL"] }] } });
    expect(found(regional)[0].message).toContain("whoever can reach the API (anyone, for a public one) runs it");
  });
});

describe("Transfer API_GATEWAY identity provider on an HTTP API whose only integration is an AWS service's (review of 0.8.0)", () => {
  const DESTROY_FN = (): Obj => ({ ...FUNCTION(DESTROY), ...role("authz", trust("lambda.amazonaws.com"), DESTROY) });
  const HTTP_IDP = (integration: Obj): Obj => ({
    ...role("invoke", trust("transfer.amazonaws.com"), policy(allow("execute-api:Invoke", "*"))),
    "aws_apigatewayv2_api.idp": { name: "idp", protocol_type: "HTTP" },
    "aws_apigatewayv2_integration.i": { api_id: "${aws_apigatewayv2_api.idp.id}", ...integration },
    "aws_apigatewayv2_stage.prod": { api_id: "${aws_apigatewayv2_api.idp.id}", name: "prod" },
  });
  const SERVER = { "aws_transfer_server.s": { identity_provider_type: "API_GATEWAY", url: "${aws_apigatewayv2_stage.prod.invoke_url}", invocation_role: "${aws_iam_role.invoke.arn}", protocols: ["SFTP"], endpoint_type: "PUBLIC" } };
  const fns = (json: Obj) => [...new Set(found(json).map((f) => f.resource))].sort();

  test("an SQS-SendMessage integration runs no function: nothing is reported", () => {
    const sqs = { integration_type: "AWS_PROXY", integration_subtype: "SQS-SendMessage", credentials_arn: "${aws_iam_role.invoke.arn}", request_parameters: { QueueUrl: "https://sqs.eu-central-1.amazonaws.com/111111111111/q", MessageBody: "$request.body" } };
    expect(fns(stack([NOTHING], { ...DESTROY_FN(), ...HTTP_IDP(sqs), ...SERVER }))).toEqual([]);
  });

  test("control: a Lambda proxy integration runs its function", () => {
    const lambda = { integration_type: "AWS_PROXY", integration_uri: "${aws_lambda_function.authz.invoke_arn}" };
    expect(fns(stack([NOTHING], { ...DESTROY_FN(), ...HTTP_IDP(lambda), ...SERVER }))).toEqual(["aws_lambda_function.authz"]);
  });
});
