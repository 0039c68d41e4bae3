/**
 * Red-team round 152: HTTP front doors to compute whose role can destroy data. An API method with no auth (F3), an
 * internet-facing ALB with a Lambda target group (F4), a CloudFront Lambda@Edge association (F5) and an AppSync Lambda
 * data source (F7) run the function with the caller's request: open routes (a warning, an error under --strict), as a
 * function URL with no auth is. An API Gateway AWS integration with a credentials role (F2), reached by a call or by
 * TestInvokeMethod (F8), and an AppSync data source with a service role (F7) make the service act as the role with a
 * request the caller shapes: a chain to the role in that service's actions, graded as the rights reached.
 */
import { check, policy, tf } from "../helpers/tf";
import { agentCan, DESTROY, HARMLESS, role, type Obj } from "../helpers/sessions";

const PINNED = { provider: { aws: [{ region: "eu-central-1", allowed_account_ids: ["111111111111"] }] } };
const trust = (service: string) => policy({ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" });
const allow = (action: string | string[], resource: unknown) => ({ Effect: "Allow", Action: action, Resource: resource });
const NOTHING = allow("s3:GetObject", "*");

const FUNCTION = (rights = DESTROY): Obj => ({
  ...role("fn", trust("lambda.amazonaws.com"), rights),
  "aws_lambda_function.cleanup": { function_name: "db-cleanup", role: "${aws_iam_role.fn.arn}", handler: "index.handler", runtime: "python3.12", filename: "x.zip", publish: true },
});
const stack = (statements: Obj[], extra: Obj): Obj => tf({ ...agentCan(...statements), ...extra }, PINNED);
const found = (json: Obj, strict = false) =>
  check(json, {}, { strict })
    .findings.filter((f) => f.ruleId === "agent-transitive-destroy")
    .map((f) => ({ severity: f.severity, resource: f.resource, actions: [...f.actions], message: f.message, fix: f.fix ?? "", evidence: JSON.stringify(f.evidence) }));
const graded = (json: Obj) => [...found(json).map((x) => [x.severity, x.resource]), ...found(json, true).map((x) => [x.severity, x.resource])];
const OPEN_ROUTE = [
  ["warning", "aws_lambda_function.cleanup"],
  ["error", "aws_lambda_function.cleanup"],
];

const REST = (auth: string, integration: Obj): Obj => ({
  "aws_api_gateway_rest_api.api": { name: "files" },
  "aws_api_gateway_resource.res": { rest_api_id: "${aws_api_gateway_rest_api.api.id}", parent_id: "${aws_api_gateway_rest_api.api.root_resource_id}", path_part: "{key}" },
  "aws_api_gateway_method.m": { rest_api_id: "${aws_api_gateway_rest_api.api.id}", resource_id: "${aws_api_gateway_resource.res.id}", http_method: "DELETE", authorization: auth },
  "aws_api_gateway_integration.i": { rest_api_id: "${aws_api_gateway_rest_api.api.id}", resource_id: "${aws_api_gateway_resource.res.id}", http_method: "DELETE", ...integration },
});
const LAMBDA_PROXY = { type: "AWS_PROXY", integration_http_method: "POST", uri: "${aws_lambda_function.cleanup.invoke_arn}" };
const S3_DELETE = { type: "AWS", integration_http_method: "DELETE", uri: "arn:aws:apigateway:eu-central-1:s3:path/prod-data/{key}", credentials: "${aws_iam_role.apirole.arn}" };
const API_ROLE = (rights = DESTROY) => role("apirole", trust("apigateway.amazonaws.com"), rights);

describe("152. front doors: open routes into a function", () => {
  test("F3: a REST method with authorization NONE in front of a Lambda integration is every agent's, with no right", () => {
    const json = stack([NOTHING], { ...FUNCTION(), ...REST("NONE", LAMBDA_PROXY) });
    expect(graded(json)).toEqual(OPEN_ROUTE);
    const f = found(json)[0];
    expect(f.message).toContain('with no IAM right at all through aws_api_gateway_method.m, an API Gateway method with authorization "NONE"');
    expect(f.fix).toContain('require IAM auth on aws_api_gateway_method.m (authorization = "AWS_IAM")');
    // Controls: IAM auth and no execute-api:Invoke; a harmless function role.
    expect(found(stack([NOTHING], { ...FUNCTION(), ...REST("AWS_IAM", LAMBDA_PROXY) }))).toEqual([]);
    expect(found(stack([NOTHING], { ...FUNCTION(HARMLESS), ...REST("NONE", LAMBDA_PROXY) }))).toEqual([]);
  });

  test("F3: an HTTP API route with no authorization_type (NONE) is open; AWS_IAM is not", () => {
    const http = (auth?: string): Obj => ({
      "aws_apigatewayv2_api.h": { name: "h", protocol_type: "HTTP" },
      "aws_apigatewayv2_integration.i": { api_id: "${aws_apigatewayv2_api.h.id}", integration_type: "AWS_PROXY", integration_uri: "${aws_lambda_function.cleanup.arn}" },
      "aws_apigatewayv2_route.r": { api_id: "${aws_apigatewayv2_api.h.id}", route_key: "POST /run", target: "integrations/${aws_apigatewayv2_integration.i.id}", ...(auth ? { authorization_type: auth } : {}) },
    });
    const json = stack([NOTHING], { ...FUNCTION(), ...http() });
    expect(graded(json)).toEqual(OPEN_ROUTE);
    expect(found(json)[0].message).toContain('through aws_apigatewayv2_route.r, an API Gateway route with authorization_type "NONE"');
    expect(found(stack([NOTHING], { ...FUNCTION(), ...http("AWS_IAM") }))).toEqual([]);
  });

  const ALB = (internal: boolean | undefined): Obj => ({
    "aws_lb.alb": { name: "ops", load_balancer_type: "application", subnets: ["subnet-1"], ...(internal === undefined ? {} : { internal }) },
    "aws_lb_target_group.tg": { name: "cleanup", target_type: "lambda" },
    "aws_lb_target_group_attachment.a": { target_group_arn: "${aws_lb_target_group.tg.arn}", target_id: "${aws_lambda_function.cleanup.arn}" },
    "aws_lb_listener.l": { load_balancer_arn: "${aws_lb.alb.arn}", port: 80, protocol: "HTTP", default_action: [{ type: "forward", target_group_arn: "${aws_lb_target_group.tg.arn}" }] },
  });

  test("F4: an internet-facing ALB (internal false or unset) forwarding to a Lambda target group is open; an internal one is not", () => {
    for (const internal of [false, undefined]) {
      const json = stack([NOTHING], { ...FUNCTION(), ...ALB(internal) });
      expect(graded(json)).toEqual(OPEN_ROUTE);
      const f = found(json)[0];
      expect(f.message).toContain("through aws_lb_listener.l of aws_lb.alb, a load balancer that is internet-facing");
      expect(f.message).toContain("forwarding to aws_lb_target_group.tg (target_type lambda)");
      expect(f.fix).toContain("make aws_lb.alb internal (internal = true)");
    }
    expect(found(stack([NOTHING], { ...FUNCTION(), ...ALB(true) }))).toEqual([]);
  });

  test("F4: a listener rule forwarding to the Lambda target group is a route too", () => {
    const alb = ALB(false);
    const json = stack([NOTHING], {
      ...FUNCTION(),
      ...alb,
      "aws_lb_listener.l": { ...(alb["aws_lb_listener.l"] as Obj), default_action: [{ type: "fixed-response", fixed_response: [{ content_type: "text/plain", status_code: "404" }] }] },
      "aws_lb_listener_rule.r": { listener_arn: "${aws_lb_listener.l.arn}", action: [{ type: "forward", target_group_arn: "${aws_lb_target_group.tg.arn}" }], condition: [{ path_pattern: [{ values: ["/run"] }] }] },
    });
    expect(graded(json)).toEqual(OPEN_ROUTE);
  });

  test("F5: a CloudFront distribution with a Lambda@Edge association is open; a disabled one is not", () => {
    const cf = (enabled: boolean): Obj => ({
      "aws_cloudfront_distribution.d": {
        enabled,
        origin: [{ domain_name: "example.com", origin_id: "o" }],
        default_cache_behavior: { target_origin_id: "o", viewer_protocol_policy: "allow-all", allowed_methods: ["GET", "HEAD"], cached_methods: ["GET", "HEAD"], lambda_function_association: [{ event_type: "viewer-request", lambda_arn: "${aws_lambda_function.cleanup.qualified_arn}" }] },
      },
    });
    const json = stack([NOTHING], { ...FUNCTION(), ...cf(true) });
    expect(graded(json)).toEqual(OPEN_ROUTE);
    const f = found(json)[0];
    expect(f.message).toContain("through aws_cloudfront_distribution.d, a CloudFront distribution whose lambda_function_association (viewer-request)");
    expect(f.message).toContain("Lambda@Edge: replicas in many regions");
    expect(found(stack([NOTHING], { ...FUNCTION(), ...cf(false) }))).toEqual([]);
  });

  const GRAPHQL = (auth: string, extra: Obj = {}): Obj => ({
    "aws_appsync_graphql_api.api": { name: "ops", authentication_type: auth },
    "aws_appsync_datasource.ds": { api_id: "${aws_appsync_graphql_api.api.id}", name: "fn", type: "AWS_LAMBDA", lambda_config: { function_arn: "${aws_lambda_function.cleanup.arn}" } },
    ...extra,
  });

  test("F7: an AppSync Lambda data source is a route for appsync:GraphQL on its API (IAM auth), and open with an API key", () => {
    const json = stack([allow("appsync:GraphQL", "${aws_appsync_graphql_api.api.arn}/*")], { ...FUNCTION(), ...GRAPHQL("AWS_IAM") });
    expect(graded(json)).toEqual(OPEN_ROUTE);
    expect(found(json)[0].message).toContain("run resolvers of aws_appsync_graphql_api.api (appsync:GraphQL");
    expect(found(stack([NOTHING], { ...FUNCTION(), ...GRAPHQL("AWS_IAM") }))).toEqual([]);
    const keyed = stack([NOTHING], { ...FUNCTION(), ...GRAPHQL("API_KEY", { "aws_appsync_api_key.k": { api_id: "${aws_appsync_graphql_api.api.id}" } }) });
    expect(graded(keyed)).toEqual(OPEN_ROUTE);
    expect(found(keyed)[0].message).toContain("aws_appsync_api_key.k is one");
  });
});

describe("152. front doors: a service acting with a role of the stack", () => {
  test("F2: execute-api:Invoke on an API whose AWS integration deletes in S3 with a credentials role: an error, the role's S3 rights", () => {
    const json = stack([allow("execute-api:Invoke", "*")], { ...API_ROLE(), ...REST("AWS_IAM", S3_DELETE) });
    const fs = found(json);
    expect(fs.map((f) => [f.severity, f.resource])).toEqual([["error", "aws_iam_role.apirole"]]);
    expect(fs[0].message).toContain("can act as aws_iam_role.apirole (s3 only, as aws_api_gateway_integration.i calls it), which can delete data or remove its protection (s3:DeleteObject)");
    expect(fs[0].message).toContain("aws_iam_role.agent --execute-api:Invoke on aws_api_gateway_integration.i--> aws_iam_role.apirole");
    // Only the service the integration calls: the role's DynamoDB right is not the caller's.
    expect(fs[0].actions).not.toContain("dynamodb:DeleteTable");
    expect(fs[0].evidence).toContain("take the rights the integration's call needs off the role of aws_api_gateway_integration.i");
    // Controls: no invoke right; a credentials role with no destroy right; a role whose only destroy right is elsewhere.
    expect(found(stack([NOTHING], { ...API_ROLE(), ...REST("AWS_IAM", S3_DELETE) }))).toEqual([]);
    expect(found(stack([allow("execute-api:Invoke", "*")], { ...API_ROLE(HARMLESS), ...REST("AWS_IAM", S3_DELETE) }))).toEqual([]);
    expect(found(stack([allow("execute-api:Invoke", "*")], { ...API_ROLE(policy(allow("dynamodb:DeleteTable", "*"))), ...REST("AWS_IAM", S3_DELETE) }))).toEqual([]);
  });

  test("F2: with authorization NONE, every agent, with no right; an integration URI blastwall cannot read is every right of the role", () => {
    const json = stack([NOTHING], { ...API_ROLE(), ...REST("NONE", S3_DELETE) });
    const f = found(json)[0];
    expect(f.severity).toBe("error");
    expect(f.message).toContain("aws_iam_role.agent --no auth on aws_api_gateway_integration.i--> aws_iam_role.apirole (s3 only");
    expect(f.evidence).toContain('require IAM auth on aws_api_gateway_method.m (authorization = \\"AWS_IAM\\")');
    const unread = stack([NOTHING], { ...API_ROLE(), ...REST("NONE", { ...S3_DELETE, uri: "${var.uri}" }) });
    const u = found(unread)[0];
    expect(u.message).toContain("can act as aws_iam_role.apirole, which can delete data");
    expect(u.actions).toEqual(expect.arrayContaining(["s3:DeleteObject", "dynamodb:DeleteTable"]));
  });

  test("F2: an integration that starts a state machine: the role starts the deleting one, the chain goes on to its role", () => {
    const json = stack([allow("execute-api:Invoke", "*")], {
      ...role("apirole", trust("apigateway.amazonaws.com"), policy(allow("states:StartExecution", "${aws_sfn_state_machine.sm.arn}"))),
      ...role("sfn", trust("states.amazonaws.com"), DESTROY),
      "aws_sfn_state_machine.sm": { name: "cleanup", role_arn: "${aws_iam_role.sfn.arn}", definition: "{}" },
      ...REST("AWS_IAM", { type: "AWS", integration_http_method: "POST", uri: "arn:aws:apigateway:eu-central-1:states:action/StartExecution", credentials: "${aws_iam_role.apirole.arn}" }),
    });
    const f = found(json).find((x) => x.resource === "aws_iam_role.sfn")!;
    expect(f.severity).toBe("error");
    expect(f.message).toContain("--execute-api:Invoke on aws_api_gateway_integration.i--> aws_iam_role.apirole (states:StartExecution only, as aws_api_gateway_integration.i calls it) --states:StartExecution--> aws_iam_role.sfn");
  });

  test("F8: apigateway:POST on a method path (TestInvokeMethod) runs the AWS integration whatever the method's auth", () => {
    const json = stack([allow("apigateway:POST", "arn:aws:apigateway:eu-central-1::/restapis/*/resources/*/methods/*")], { ...API_ROLE(), ...REST("AWS_IAM", S3_DELETE) });
    const f = found(json)[0];
    expect([f.severity, f.resource]).toEqual(["error", "aws_iam_role.apirole"]);
    expect(f.message).toContain("--apigateway:POST (TestInvokeMethod) on aws_api_gateway_integration.i--> aws_iam_role.apirole (s3 only");
    // Control: apigateway:POST on what is not a method (creating APIs) runs nothing.
    expect(found(stack([allow("apigateway:POST", "arn:aws:apigateway:eu-central-1::/restapis")], { ...API_ROLE(), ...REST("AWS_IAM", S3_DELETE) }))).toEqual([]);
  });

  test("F8: TestInvokeMethod on a method written by references is that method alone; an id blastwall cannot read may be any", () => {
    const OTHER: Obj = {
      "aws_api_gateway_rest_api.other": { name: "other" },
      "aws_api_gateway_resource.other": { rest_api_id: "${aws_api_gateway_rest_api.other.id}", parent_id: "${aws_api_gateway_rest_api.other.root_resource_id}", path_part: "x" },
      "aws_api_gateway_resource.sibling": { rest_api_id: "${aws_api_gateway_rest_api.api.id}", parent_id: "${aws_api_gateway_rest_api.api.root_resource_id}", path_part: "y" },
      "data.aws_api_gateway_rest_api.byname": { name: "files" },
    };
    const method = (api: string, res: string, verb = "DELETE") => `arn:aws:apigateway:eu-central-1::/restapis/${api}/resources/${res}/methods/${verb}`;
    const test = (resource: string) => found(tf({ ...agentCan(allow("apigateway:POST", resource)), ...API_ROLE(), ...REST("AWS_IAM", S3_DELETE), ...OTHER }, { ...PINNED, variable: { api: { type: "string" } } }));
    const API = "${aws_api_gateway_rest_api.api.id}";
    const RES = "${aws_api_gateway_resource.res.id}";
    const mine = test(method(API, RES));
    expect(mine.map((f) => [f.severity, f.resource])).toEqual([["error", "aws_iam_role.apirole"]]);
    expect(mine[0].message).toContain("--apigateway:POST (TestInvokeMethod) on aws_api_gateway_integration.i--> aws_iam_role.apirole (s3 only");
    // Controls: another API of the stack, another resource of the same API, another verb, the verb in lower case (ARNs are case-sensitive).
    expect(test(method("${aws_api_gateway_rest_api.other.id}", "${aws_api_gateway_resource.other.id}"))).toEqual([]);
    expect(test(method(API, "${aws_api_gateway_resource.sibling.id}"))).toEqual([]);
    expect(test(method(API, "${aws_api_gateway_rest_api.api.root_resource_id}"))).toEqual([]);
    expect(test(method(API, RES, "GET"))).toEqual([]);
    expect(test(method(API, RES, "delete"))).toEqual([]);
    // Fail closed: an id as a variable, a data source's or a literal one may be the stack's API; a wildcard across ids is read as a pattern.
    for (const api of ["${var.api}", "${data.aws_api_gateway_rest_api.byname.id}", "a1b2c3d4e5"]) expect(test(method(api, RES)).length).toBe(1);
    expect(test(method(API, "*", "*")).length).toBe(1);
    expect(test(`arn:aws:apigateway:eu-central-1::/restapis/${API}/*`).length).toBe(1);
  });

  const DDB = (template: string, auth = "AWS_IAM", extra: Obj = {}): Obj => ({
    ...role("dsrole", trust("appsync.amazonaws.com"), policy(allow(["dynamodb:DeleteItem", "dynamodb:DeleteTable", "dynamodb:GetItem"], "*"))),
    "aws_dynamodb_table.t": { name: "orders", hash_key: "id", attribute: [{ name: "id", type: "S" }] },
    "aws_appsync_graphql_api.api": { name: "ops", authentication_type: auth },
    "aws_appsync_datasource.ds": { api_id: "${aws_appsync_graphql_api.api.id}", name: "orders", type: "AMAZON_DYNAMODB", service_role_arn: "${aws_iam_role.dsrole.arn}", dynamodb_config: { table_name: "orders" } },
    "aws_appsync_resolver.r": { api_id: "${aws_appsync_graphql_api.api.id}", type: "Mutation", field: "del", data_source: "${aws_appsync_datasource.ds.name}", request_template: template },
    ...extra,
  });
  const DELETE_ITEM = '{"version":"2017-02-28","operation":"DeleteItem","key":{"id":$util.dynamodb.toDynamoDBJson($ctx.args.id)}}';
  const GET_ITEM = '{"version":"2017-02-28","operation":"GetItem","key":{"id":$util.dynamodb.toDynamoDBJson($ctx.args.id)}}';

  test("F7: appsync:GraphQL on an API whose DynamoDB resolver deletes the item the caller names: an error, the resolver's actions only", () => {
    const json = stack([allow("appsync:GraphQL", "*")], DDB(DELETE_ITEM));
    const f = found(json)[0];
    expect([f.severity, f.resource]).toEqual(["error", "aws_iam_role.dsrole"]);
    expect(f.message).toContain("can act as aws_iam_role.dsrole (dynamodb:DeleteItem only, as aws_appsync_datasource.ds calls it)");
    expect(f.actions).not.toContain("dynamodb:DeleteTable");
    // Controls: a GetItem resolver; no GraphQL right.
    expect(found(stack([allow("appsync:GraphQL", "*")], DDB(GET_ITEM)))).toEqual([]);
    expect(found(stack([NOTHING], DDB(DELETE_ITEM)))).toEqual([]);
  });

  test("F7: a resolver template blastwall cannot read (JavaScript) is every DynamoDB right of the role; an API key makes it open", () => {
    const js = stack([allow("appsync:GraphQL", "*")], DDB(GET_ITEM, "AWS_IAM", { "aws_appsync_resolver.r": { api_id: "${aws_appsync_graphql_api.api.id}", type: "Mutation", field: "del", data_source: "${aws_appsync_datasource.ds.name}", code: "export function request(ctx) { return {} }", runtime: { name: "APPSYNC_JS", runtime_version: "1.0.0" } } }));
    expect(found(js)[0].message).toContain("aws_iam_role.dsrole (dynamodb only");
    expect(found(js)[0].actions).toEqual(expect.arrayContaining(["dynamodb:DeleteTable", "dynamodb:DeleteItem"]));
    const keyed = stack([NOTHING], DDB(DELETE_ITEM, "API_KEY", { "aws_appsync_api_key.k": { api_id: "${aws_appsync_graphql_api.api.id}" } }));
    expect(found(keyed)[0].message).toContain("--no auth on aws_appsync_datasource.ds-->");
    // Control: an API key auth with no key in the stack and no IAM auth is neither.
    expect(found(stack([allow("appsync:GraphQL", "*")], DDB(DELETE_ITEM, "API_KEY")))).toEqual([]);
  });

  // A RELATIONAL_DATABASE data source: its resolvers run SQL through the Data API as the database user of its secret.
  const SQL_RIGHTS = (cluster = "${aws_rds_cluster.db.arn}", secret: string | null = "${aws_secretsmanager_secret.db.arn}") =>
    policy(allow(["rds-data:ExecuteStatement", "rds-data:BatchExecuteStatement"], cluster), ...(secret ? [allow("secretsmanager:GetSecretValue", secret)] : []));
  const RDS = (rights: string, auth = "API_KEY", endpoint: Obj = {}, extra: Obj = {}): Obj => ({
    ...role("dsrole", trust("appsync.amazonaws.com"), rights),
    "aws_rds_cluster.db": { cluster_identifier: "orders", engine: "aurora-postgresql", enable_http_endpoint: true, master_username: "app", master_password: "${var.pw}" },
    "aws_rds_cluster.other": { cluster_identifier: "reports", engine: "aurora-postgresql", enable_http_endpoint: true, master_username: "app", master_password: "${var.pw}" },
    "aws_secretsmanager_secret.db": { name: "orders-db" },
    "aws_appsync_graphql_api.api": { name: "ops", authentication_type: auth },
    ...(auth === "API_KEY" ? { "aws_appsync_api_key.k": { api_id: "${aws_appsync_graphql_api.api.id}" } } : {}),
    "aws_appsync_datasource.ds": {
      api_id: "${aws_appsync_graphql_api.api.id}",
      name: "orders",
      type: "RELATIONAL_DATABASE",
      service_role_arn: "${aws_iam_role.dsrole.arn}",
      relational_database_config: [{ source_type: "RDS_HTTP_ENDPOINT", http_endpoint_config: [{ db_cluster_identifier: "${aws_rds_cluster.db.arn}", aws_secret_store_arn: "${aws_secretsmanager_secret.db.arn}", database_name: "orders", ...endpoint }] }],
    },
    ...extra,
  });
  const rdsStack = (agent: Obj[], json: Obj) => tf({ ...agentCan(...agent), ...json }, { ...PINNED, variable: { pw: { type: "string" }, cluster: { type: "string" }, secret: { type: "string" } } });

  test("F7: a RELATIONAL_DATABASE data source anyone (or an agent) runs: SQL on its cluster as its secret's database user, an error", () => {
    const open = found(rdsStack([NOTHING], RDS(SQL_RIGHTS())))[0];
    expect([open.severity, open.resource]).toEqual(["error", "aws_iam_role.dsrole"]);
    expect(open.actions).toEqual(["rds-data:ExecuteStatement", "rds-data:BatchExecuteStatement"]);
    expect(open.message).toContain("can act as aws_iam_role.dsrole (rds-data SQL on aws_rds_cluster.db as the database user of aws_secretsmanager_secret.db only, as aws_appsync_datasource.ds calls it), which can delete data");
    expect(open.evidence).toContain("running the resolvers' SQL through the RDS Data API on aws_rds_cluster.db as the database user of aws_secretsmanager_secret.db (a DROP TABLE or a DELETE, as far as that user's grants go, which the plan does not show)");
    expect(open.evidence).toContain("give aws_appsync_datasource.ds the secret of a database user granted only what its resolvers need (no DROP, DELETE or TRUNCATE");
    const iam = found(rdsStack([allow("appsync:GraphQL", "*")], RDS(SQL_RIGHTS(), "AWS_IAM")))[0];
    expect([iam.severity, iam.resource]).toEqual(["error", "aws_iam_role.dsrole"]);
    expect(iam.message).toContain("--appsync:GraphQL on aws_appsync_datasource.ds--> aws_iam_role.dsrole (rds-data SQL on aws_rds_cluster.db");
    // Controls: no GraphQL right; the role's SQL rights on another cluster; no read of the secret (the Data API asks for it).
    expect(found(rdsStack([NOTHING], RDS(SQL_RIGHTS(), "AWS_IAM")))).toEqual([]);
    expect(found(rdsStack([NOTHING], RDS(SQL_RIGHTS("${aws_rds_cluster.other.arn}"))))).toEqual([]);
    expect(found(rdsStack([NOTHING], RDS(SQL_RIGHTS(undefined, null))))).toEqual([]);
    expect(found(rdsStack([NOTHING], RDS(SQL_RIGHTS(undefined, "arn:aws:secretsmanager:eu-central-1:111111111111:secret:other-*"))))).toEqual([]);
  });

  test("F7: a cluster or secret blastwall cannot read, a secret outside the stack or with a policy: the SQL rights count (fail closed)", () => {
    // The cluster a variable: any cluster, so the rights on another count.
    const cluster = found(rdsStack([NOTHING], RDS(SQL_RIGHTS("${aws_rds_cluster.other.arn}"), "API_KEY", { db_cluster_identifier: "${var.cluster}" })))[0];
    expect([cluster.severity, cluster.resource]).toEqual(["error", "aws_iam_role.dsrole"]);
    expect(cluster.message).toContain("rds-data SQL on ${var.cluster} as the database user of aws_secretsmanager_secret.db");
    // The secret a variable, or a literal ARN outside the stack: a secret policy blastwall cannot see may let the role read it.
    for (const secret of ["${var.secret}", "arn:aws:secretsmanager:eu-central-1:111111111111:secret:orders-db-AbCdEf"]) {
      const f = found(rdsStack([NOTHING], RDS(SQL_RIGHTS(undefined, null), "API_KEY", { aws_secret_store_arn: secret })))[0];
      expect([f.severity, f.resource]).toEqual(["error", "aws_iam_role.dsrole"]);
    }
    // A secret policy in the stack may grant the read the role's own policies do not.
    const policy_ = { "aws_secretsmanager_secret_policy.p": { secret_arn: "${aws_secretsmanager_secret.db.arn}", policy: policy({ Effect: "Allow", Principal: { AWS: "${aws_iam_role.dsrole.arn}" }, Action: "secretsmanager:GetSecretValue", Resource: "*" }) } };
    expect(found(rdsStack([NOTHING], RDS(SQL_RIGHTS(undefined, null), "API_KEY", {}, policy_)))[0]?.resource).toEqual("aws_iam_role.dsrole");
    // A bare cluster identifier is that cluster's name.
    const bare = found(rdsStack([NOTHING], RDS(SQL_RIGHTS("arn:aws:rds:eu-central-1:111111111111:cluster:orders"), "API_KEY", { db_cluster_identifier: "orders" })))[0];
    expect(bare?.resource).toEqual("aws_iam_role.dsrole");
    expect(found(rdsStack([NOTHING], RDS(SQL_RIGHTS("arn:aws:rds:eu-central-1:111111111111:cluster:reports"), "API_KEY", { db_cluster_identifier: "orders" })))).toEqual([]);
  });
});

/**
 * Red-team round 153. F4: an integration belongs to the method of its API, resource and verb; a method it references
 * (its `http_method` copied from an IAM method of another resource) is only a hint.
 */
describe("153. front doors: the method an integration sits on", () => {
  const TWO = (integration: Obj, key: Obj): Obj => ({
    "aws_api_gateway_rest_api.api": { name: "items" },
    "aws_api_gateway_resource.admin": { rest_api_id: "${aws_api_gateway_rest_api.api.id}", parent_id: "${aws_api_gateway_rest_api.api.root_resource_id}", path_part: "admin" },
    "aws_api_gateway_resource.public": { rest_api_id: "${aws_api_gateway_rest_api.api.id}", parent_id: "${aws_api_gateway_rest_api.api.root_resource_id}", path_part: "public" },
    "aws_api_gateway_method.admin": { rest_api_id: "${aws_api_gateway_rest_api.api.id}", resource_id: "${aws_api_gateway_resource.admin.id}", http_method: "DELETE", authorization: "AWS_IAM" },
    "aws_api_gateway_method.public": { rest_api_id: "${aws_api_gateway_rest_api.api.id}", resource_id: "${aws_api_gateway_resource.public.id}", http_method: "DELETE", authorization: "NONE" },
    "aws_api_gateway_integration.i": { ...key, ...integration },
  });
  const ON_PUBLIC = { rest_api_id: "${aws_api_gateway_rest_api.api.id}", resource_id: "${aws_api_gateway_resource.public.id}", http_method: "${aws_api_gateway_method.admin.http_method}" };
  const ON_ADMIN = { rest_api_id: "${aws_api_gateway_method.admin.rest_api_id}", resource_id: "${aws_api_gateway_method.admin.resource_id}", http_method: "${aws_api_gateway_method.admin.http_method}" };

  test("F4: http_method copied from an IAM method of another resource: the integration is the open method's, an error with no right", () => {
    const json = stack([NOTHING], { ...API_ROLE(), ...TWO(S3_DELETE, ON_PUBLIC) });
    const f = found(json)[0];
    expect([f.severity, f.resource]).toEqual(["error", "aws_iam_role.apirole"]);
    expect(f.message).toContain("--no auth on aws_api_gateway_integration.i--> aws_iam_role.apirole (s3 only");
    expect(f.evidence).toContain("require IAM auth on aws_api_gateway_method.public");
    // Control: every key taken from the IAM method it does sit on is that method's: no right, no finding.
    expect(found(stack([NOTHING], { ...API_ROLE(), ...TWO(S3_DELETE, ON_ADMIN) }))).toEqual([]);
    // Control: a key held in a local is the key it holds.
    const local = tf({ ...agentCan(NOTHING), ...API_ROLE(), ...TWO(S3_DELETE, { ...ON_ADMIN, resource_id: "${local.admin}" }) }, { ...PINNED, locals: { admin: "${aws_api_gateway_resource.admin.id}" } });
    expect(found(local)).toEqual([]);
  });

  test("F4: the same for a Lambda integration: the open-route warning", () => {
    expect(graded(stack([NOTHING], { ...FUNCTION(), ...TWO(LAMBDA_PROXY, ON_PUBLIC) }))).toEqual(OPEN_ROUTE);
    expect(found(stack([NOTHING], { ...FUNCTION(), ...TWO(LAMBDA_PROXY, ON_ADMIN) }))).toEqual([]);
  });

  test("F4: a referenced method that disagrees, and no method on the integration's key: open, saying why", () => {
    const json = stack([NOTHING], { ...API_ROLE(), ...TWO(S3_DELETE, { ...ON_PUBLIC, http_method: "POST", cache_namespace: "${aws_api_gateway_method.admin.id}" }) });
    const f = found(json)[0];
    expect(f.severity).toBe("error");
    expect(f.evidence).toContain("which references aws_api_gateway_method.admin but does not sit on it");
  });
});

/**
 * Red-team round 153. F1/F5: an API defined by an OpenAPI `body` (REST or HTTP API) and an HTTP API made by quick
 * create (`target`) hold the same doors as integration resources; a body blastwall cannot read fails closed.
 */
describe("153. front doors: OpenAPI bodies and quick create", () => {
  const SIGV4 = { sigv4: { type: "apiKey", name: "Authorization", in: "header", "x-amazon-apigateway-authtype": "awsSigv4" } };
  const COGNITO = { pool: { type: "apiKey", name: "Authorization", in: "header", "x-amazon-apigateway-authtype": "cognito_user_pools", "x-amazon-apigateway-authorizer": { type: "cognito_user_pools", providerARNs: ["arn:aws:cognito-idp:eu-central-1:111111111111:userpool/x"] } } };
  const doc = (integration: Obj, op: Obj = {}, top: Obj = {}) => ({
    openapi: "3.0.1",
    info: { title: "t", version: "1" },
    paths: { "/items/{id}": { delete: { ...op, "x-amazon-apigateway-integration": integration } } },
    ...top,
  });
  const encoded = (d: unknown) => `\${jsonencode(${JSON.stringify(d)})}`;
  const DDB_DELETE = { type: "aws", httpMethod: "POST", uri: "arn:aws:apigateway:eu-central-1:dynamodb:action/DeleteItem", credentials: "${aws_iam_role.apirole.arn}" };
  const restBody = (body: string): Obj => ({ "aws_api_gateway_rest_api.api": { name: "items", body } });

  test("F1: a REST body operation with no security and an AWS integration with a credentials role: an error with no right", () => {
    for (const body of [JSON.stringify(doc(DDB_DELETE)), encoded(doc(DDB_DELETE))]) {
      const f = found(stack([NOTHING], { ...API_ROLE(policy(allow("dynamodb:DeleteItem", "*"))), ...restBody(body) }))[0];
      expect([f.severity, f.resource]).toEqual(["error", "aws_iam_role.apirole"]);
      expect(f.message).toContain("--no auth on aws_api_gateway_rest_api.api--> aws_iam_role.apirole (dynamodb:DeleteItem only");
      expect(f.evidence).toContain("DELETE /items/{id} in the OpenAPI body of aws_api_gateway_rest_api.api, an operation no security requirement applies to");
    }
    // Controls: a SigV4 requirement (on the operation, or for the whole document) and no invoke right; a Cognito authorizer.
    expect(found(stack([NOTHING], { ...API_ROLE(policy(allow("dynamodb:DeleteItem", "*"))), ...restBody(encoded(doc(DDB_DELETE, { security: [{ sigv4: [] }] }, { components: { securitySchemes: SIGV4 } }))) }))).toEqual([]);
    expect(found(stack([NOTHING], { ...API_ROLE(policy(allow("dynamodb:DeleteItem", "*"))), ...restBody(encoded(doc(DDB_DELETE, {}, { security: [{ sigv4: [] }], components: { securitySchemes: SIGV4 } }))) }))).toEqual([]);
    // A Cognito authorizer on a user pool of the stack that lets only administrators create users (one outside the
    // stack may let anyone sign up: the authorizers test below).
    const staff = { "aws_cognito_user_pool.p": { name: "staff", admin_create_user_config: [{ allow_admin_create_user_only: true }] } };
    const ownPool = { pool: { ...COGNITO.pool, "x-amazon-apigateway-authorizer": { type: "cognito_user_pools", providerARNs: ["${aws_cognito_user_pool.p.arn}"] } } };
    expect(found(stack([NOTHING], { ...API_ROLE(policy(allow("dynamodb:DeleteItem", "*"))), ...staff, ...restBody(encoded(doc(DDB_DELETE, { security: [{ pool: [] }] }, { components: { securitySchemes: ownPool } }))) }))).toEqual([]);
    // With SigV4 the door is execute-api:Invoke's.
    const iam = found(stack([allow("execute-api:Invoke", "*")], { ...API_ROLE(policy(allow("dynamodb:DeleteItem", "*"))), ...restBody(encoded(doc(DDB_DELETE, { security: [{ sigv4: [] }] }, { components: { securitySchemes: SIGV4 } }))) }));
    expect(iam.map((x) => [x.severity, x.resource])).toEqual([["error", "aws_iam_role.apirole"]]);
    // An empty requirement among the alternatives is no auth.
    expect(found(stack([NOTHING], { ...API_ROLE(policy(allow("dynamodb:DeleteItem", "*"))), ...restBody(encoded(doc(DDB_DELETE, { security: [{ sigv4: [] }, {}] }, { components: { securitySchemes: SIGV4 } }))) }))).toHaveLength(1);
    // TestInvokeMethod on a body's operation: the API's own methods by reference and verb; another API of the stack is not it.
    const sigv4 = restBody(encoded(doc(DDB_DELETE, { security: [{ sigv4: [] }] }, { components: { securitySchemes: SIGV4 } })));
    const testInvoke = (api: string, verb = "DELETE") => found(stack([allow("apigateway:POST", `arn:aws:apigateway:eu-central-1::/restapis/\${${api}.id}/resources/*/methods/${verb}`)], { ...API_ROLE(policy(allow("dynamodb:DeleteItem", "*"))), ...sigv4, "aws_api_gateway_rest_api.other": { name: "other" } }));
    expect(testInvoke("aws_api_gateway_rest_api.api")[0]?.message).toContain("--apigateway:POST (TestInvokeMethod) on aws_api_gateway_rest_api.api--> aws_iam_role.apirole");
    expect(testInvoke("aws_api_gateway_rest_api.other")).toEqual([]);
    expect(testInvoke("aws_api_gateway_rest_api.api", "GET")).toEqual([]);
  });

  test("F1: an HTTP API body with a Step Functions integration and no security reaches the state machine's role", () => {
    const integration = { type: "aws_proxy", integrationSubtype: "StepFunctions-StartExecution", credentials: "${aws_iam_role.apirole.arn}", payloadFormatVersion: "1.0", requestParameters: { StateMachineArn: "${aws_sfn_state_machine.sm.arn}", Input: "$request.body" } };
    const json = stack([NOTHING], {
      ...role("apirole", trust("apigateway.amazonaws.com"), policy(allow("states:StartExecution", "${aws_sfn_state_machine.sm.arn}"))),
      ...role("sfn", trust("states.amazonaws.com"), DESTROY),
      "aws_sfn_state_machine.sm": { name: "cleanup", role_arn: "${aws_iam_role.sfn.arn}", definition: "{}" },
      "aws_apigatewayv2_api.h": { name: "h", protocol_type: "HTTP", body: encoded({ openapi: "3.0.1", info: { title: "h", version: "1" }, paths: { "/run": { post: { "x-amazon-apigateway-integration": integration } } } }) },
    });
    const f = found(json).find((x) => x.resource === "aws_iam_role.sfn")!;
    expect(f.severity).toBe("error");
    expect(f.message).toContain("--no auth on aws_apigatewayv2_api.h--> aws_iam_role.apirole (states:StartExecution only");
  });

  test("F5: a body operation with no security into a function, and quick create: the open-route warning", () => {
    const proxy = { type: "aws_proxy", httpMethod: "POST", uri: "${aws_lambda_function.cleanup.invoke_arn}" };
    const json = stack([NOTHING], { ...FUNCTION(), ...restBody(encoded(doc(proxy))) });
    expect(graded(json)).toEqual(OPEN_ROUTE);
    expect(found(json)[0].message).toContain("through DELETE /items/{id} in the OpenAPI body of aws_api_gateway_rest_api.api");
    expect(found(stack([NOTHING], { ...FUNCTION(), ...restBody(encoded(doc(proxy, { security: [{ sigv4: [] }] }, { components: { securitySchemes: SIGV4 } }))) }))).toEqual([]);
    const quick = stack([NOTHING], { ...FUNCTION(), "aws_apigatewayv2_api.q": { name: "q", protocol_type: "HTTP", target: "${aws_lambda_function.cleanup.arn}" } });
    expect(graded(quick)).toEqual(OPEN_ROUTE);
    expect(found(quick)[0].message).toContain("through aws_apigatewayv2_api.q, an HTTP API made by quick create (target), whose $default route asks no auth");
    // Control: an API with neither body nor target is no door.
    expect(found(stack([NOTHING], { ...FUNCTION(), "aws_apigatewayv2_api.q": { name: "q", protocol_type: "HTTP" } }))).toEqual([]);
  });

  test("F1/F5: a body blastwall cannot read: the roles it names and the functions API Gateway may invoke, with no auth", () => {
    const permission = { "aws_lambda_permission.p": { action: "lambda:InvokeFunction", function_name: "${aws_lambda_function.cleanup.function_name}", principal: "apigateway.amazonaws.com", source_arn: "${aws_api_gateway_rest_api.api.execution_arn}/*/*" } };
    const body = '${templatefile("openapi.yaml", { role = aws_iam_role.apirole.arn })}';
    const json = stack([NOTHING], { ...FUNCTION(), ...API_ROLE(), ...restBody(body), ...permission });
    const fs = found(json);
    expect(fs.map((x) => [x.severity, x.resource]).sort()).toEqual([["error", "aws_iam_role.apirole"], ["warning", "aws_lambda_function.cleanup"]]);
    expect(fs.find((x) => x.resource === "aws_lambda_function.cleanup")!.message).toContain("through aws_api_gateway_rest_api.api, an API whose OpenAPI body blastwall cannot read");
    // An integration that is a $ref outside the document is as unread: the roles the body names.
    const ref = encoded({ ...doc({ $ref: "integrations.json#/del" }), components: { x: "${aws_iam_role.apirole.arn}" } });
    expect(found(stack([NOTHING], { ...API_ROLE(), ...restBody(ref) })).map((x) => [x.severity, x.resource])).toEqual([["error", "aws_iam_role.apirole"]]);
    // Red-team round 154: a body that names no role (its integrations in another file) may use any role API Gateway
    // may assume; a role only Lambda may assume is not one.
    const elsewhere = encoded({ openapi: "3.0.1", info: { title: "t", version: "1" }, paths: { "/items/{id}": { $ref: "paths.json#/items" } } });
    expect(found(stack([NOTHING], { ...API_ROLE(), ...restBody(elsewhere) })).map((x) => [x.severity, x.resource])).toEqual([["error", "aws_iam_role.apirole"]]);
    expect(found(stack([NOTHING], { ...role("apirole", trust("lambda.amazonaws.com"), DESTROY), ...restBody(elsewhere) }))).toEqual([]);
    // A chain of local $refs is followed however long (five hops here), and a loop is unread.
    const hops = { components: { a: { $ref: "#/components/b" }, b: { $ref: "#/components/c" }, c: { $ref: "#/components/d" }, d: { $ref: "#/components/e" }, e: DDB_DELETE } };
    const chained = encoded({ ...doc({ $ref: "#/components/a" }), ...hops });
    expect(found(stack([NOTHING], { ...role("apirole", trust("lambda.amazonaws.com"), policy(allow("dynamodb:DeleteItem", "*"))), ...restBody(chained) })).map((x) => [x.severity, x.resource])).toEqual([["error", "aws_iam_role.apirole"]]);
    const loop = encoded({ ...doc({ $ref: "#/components/a" }), components: { a: { $ref: "#/components/b" }, b: { $ref: "#/components/a" }, x: "${aws_iam_role.apirole.arn}" } });
    expect(found(stack([NOTHING], { ...role("apirole", trust("lambda.amazonaws.com"), DESTROY), ...restBody(loop) })).map((x) => [x.severity, x.resource])).toEqual([["error", "aws_iam_role.apirole"]]);
    // Control: a permission for another service's source is not API Gateway's.
    const sns = { "aws_lambda_permission.p": { ...(permission["aws_lambda_permission.p"] as Obj), principal: "sns.amazonaws.com", source_arn: "arn:aws:sns:eu-central-1:111111111111:t" } };
    expect(found(stack([NOTHING], { ...FUNCTION(), ...restBody('${file("openapi.yaml")}'), ...sns }))).toEqual([]);
  });

  test("a body blastwall cannot read: the functions of permissions for that API or for any API, not those for another API", () => {
    const fn = (name: string): Obj => ({ [`aws_lambda_function.${name}`]: { function_name: name, role: "${aws_iam_role.fn.arn}", handler: "index.handler", runtime: "python3.12", filename: "x.zip" } });
    const grant = (name: string, fnName: string, source?: string): Obj => ({ [`aws_lambda_permission.${name}`]: { action: "lambda:InvokeFunction", function_name: `\${aws_lambda_function.${fnName}.function_name}`, principal: "apigateway.amazonaws.com", ...(source ? { source_arn: source } : {}) } });
    const apis = (unread: string): Obj => ({
      ...role("fn", trust("lambda.amazonaws.com"), DESTROY),
      ...fn("mine"), ...fn("theirs"), ...fn("anyapi"), ...fn("literal"), ...fn("both"),
      "aws_api_gateway_rest_api.a": { name: "a", ...(unread === "a" ? { body: '${file("a.yaml")}' } : {}) },
      "aws_api_gateway_rest_api.b": { name: "b" },
      "aws_api_gateway_rest_api.c": { name: "c", ...(unread === "c" ? { body: '${file("c.yaml")}' } : {}) },
      ...grant("theirs", "theirs", "${aws_api_gateway_rest_api.b.execution_arn}/*"),
      ...grant("mine", "mine", "${aws_api_gateway_rest_api.a.execution_arn}/*"),
      ...grant("anyapi", "anyapi"),
      ...grant("literal", "literal", "arn:aws:execute-api:eu-central-1:111111111111:abc/*"),
      ...grant("both", "both", "${aws_api_gateway_rest_api.b.execution_arn}/* ${aws_api_gateway_rest_api.a.execution_arn}/*"),
    });
    const fs = found(stack([NOTHING], apis("a")));
    expect(fs.map((x) => x.resource).sort()).toEqual(["aws_lambda_function.anyapi", "aws_lambda_function.both", "aws_lambda_function.literal", "aws_lambda_function.mine"]);
    for (const f of fs) expect(f.message).toContain("through aws_api_gateway_rest_api.a, an API whose OpenAPI body blastwall cannot read");
    // An API no permission names: the functions of those for any API alone.
    const other = found(stack([NOTHING], apis("c")));
    expect(other.map((x) => x.resource).sort()).toEqual(["aws_lambda_function.anyapi", "aws_lambda_function.literal"]);
    for (const f of other) expect(f.message).toContain("through aws_api_gateway_rest_api.c, an API whose OpenAPI body blastwall cannot read");
    // Control: with the body readable, none of them is a door.
    const read = stack([NOTHING], { ...role("fn", trust("lambda.amazonaws.com"), DESTROY), ...fn("mine"), "aws_api_gateway_rest_api.a": { name: "a" }, ...grant("mine", "mine", "${aws_api_gateway_rest_api.a.execution_arn}/*") });
    expect(found(read)).toEqual([]);
  });
});

/** Red-team round 153. F3: an authenticate action before an ALB's forward leaves the function to the IdP's users. */
describe("153. front doors: ALB authenticate actions", () => {
  const POOL = (adminOnly: boolean): Obj => ({ "aws_cognito_user_pool.p": { name: "staff", admin_create_user_config: [{ allow_admin_create_user_only: adminOnly }] } });
  const COGNITO = (pool: string, order?: number): Obj => ({ type: "authenticate-cognito", ...(order ? { order } : {}), authenticate_cognito: [{ user_pool_arn: pool, user_pool_client_id: "c", user_pool_domain: "auth" }] });
  // An Entra tenant by its id: an issuer of one organisation alone.
  const TENANT = "https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47";
  const OIDC_ON = (issuer: string, extra: Obj = {}): Obj => ({
    type: "authenticate-oidc",
    authenticate_oidc: [{ authorization_endpoint: `${issuer}/oauth2/v2.0/authorize`, client_id: "c", client_secret: "s", issuer, token_endpoint: `${issuer}/oauth2/v2.0/token`, user_info_endpoint: "https://graph.microsoft.com/oidc/userinfo", ...extra }],
  });
  const OIDC: Obj = OIDC_ON(`${TENANT}/v2.0`);
  const FORWARD = (order?: number): Obj => ({ type: "forward", ...(order ? { order } : {}), target_group_arn: "${aws_lb_target_group.tg.arn}" });
  const ALB = (actions: Obj[], extra: Obj = {}): Obj => ({
    "aws_lb.alb": { name: "ops", load_balancer_type: "application", subnets: ["subnet-1"] },
    "aws_lb_target_group.tg": { name: "cleanup", target_type: "lambda" },
    "aws_lb_target_group_attachment.a": { target_group_arn: "${aws_lb_target_group.tg.arn}", target_id: "${aws_lambda_function.cleanup.arn}" },
    "aws_lb_listener.l": { load_balancer_arn: "${aws_lb.alb.arn}", port: 443, protocol: "HTTPS", default_action: actions },
    ...extra,
  });

  test("F3: authenticate-oidc, or authenticate-cognito on a pool that lets no one sign up, before the forward: no route", () => {
    expect(found(stack([NOTHING], { ...FUNCTION(), ...ALB([OIDC, FORWARD()]) }))).toEqual([]);
    expect(found(stack([NOTHING], { ...FUNCTION(), ...ALB([COGNITO("${aws_cognito_user_pool.p.arn}"), FORWARD()], POOL(true)) }))).toEqual([]);
    // By order, not by position in the list.
    expect(found(stack([NOTHING], { ...FUNCTION(), ...ALB([FORWARD(2), { ...OIDC, order: 1 }]) }))).toEqual([]);
    // Controls: the authenticate action ordered after the forward gates nothing; the plain forward's fix names both ways.
    const after = stack([NOTHING], { ...FUNCTION(), ...ALB([FORWARD(1), { ...OIDC, order: 2 }]) });
    expect(graded(after)).toEqual(OPEN_ROUTE);
    expect(found(after)[0].fix).toContain("put an authenticate-oidc action on an issuer of your organisation alone (or an authenticate-cognito one on a user pool that lets no one sign up) before the forward on aws_lb_listener.l");
  });

  test("round 173 F1: an open route names what its caller calls, not lambda:InvokeFunctionUrl for every door", () => {
    const rest = found(stack([NOTHING], { ...FUNCTION(), ...REST("NONE", LAMBDA_PROXY) }))[0];
    expect(rest.actions).toContain("execute-api:Invoke");
    expect(rest.actions).not.toContain("lambda:InvokeFunctionUrl");
    expect(rest.evidence).toContain("execute-api:Invoke via aws_api_gateway_integration.i: runs aws_lambda_function.cleanup");
    // A load balancer's door is called with no AWS action at all: the finding holds the destroy rights alone.
    const alb = found(stack([NOTHING], { ...FUNCTION(), ...ALB([OIDC_ON("https://accounts.google.com"), FORWARD()]) }))[0];
    expect(alb.actions.filter((a) => !/^ec2:|^rds:|^s3:|^dynamodb:/.test(a))).toEqual([]);
    expect(alb.evidence).toContain("no IAM right via");
    // Control: a function URL with authorization_type NONE is still lambda:InvokeFunctionUrl.
    const url = found(stack([NOTHING], { ...FUNCTION(), "aws_lambda_function_url.u": { function_name: "${aws_lambda_function.cleanup.function_name}", authorization_type: "NONE" } }))[0];
    expect(url.actions).toContain("lambda:InvokeFunctionUrl");
  });

  test("F3: authenticate-oidc on an issuer that gives tokens to anyone, or one blastwall cannot read, is a route for whoever signs in", () => {
    const idp = stack([NOTHING], { ...FUNCTION(), ...ALB([OIDC_ON("https://idp"), FORWARD()]) });
    expect(graded(idp)).toEqual(OPEN_ROUTE);
    const f = found(idp)[0];
    expect(f.message).toContain("forwarding to aws_lb_target_group.tg (target_type lambda) after an authenticate-oidc action that takes tokens of the issuer idp, which blastwall does not know to serve one organisation alone");
    expect(f.message).toContain("its client_id does not keep them out (anyone the issuer lets sign in to that client gets through: the load balancer checks no other claim, and the claims it passes on to the target in x-amzn-oidc-data are for the target's code to check, which blastwall does not read): whoever signs in runs the function");
    expect(f.fix).toContain("use an issuer of your organisation alone (an Entra tenant's by its id, a user pool of the stack with admin_create_user_config { allow_admin_create_user_only = true }, or idp listed in organisationIssuers of blastwall.json if it gives tokens to your organisation's own people alone, with no self-service registration or social or guest sign-in: listing it makes blastwall trust its sign-up policy), in the authenticate-oidc action of aws_lb_listener.l, or make aws_lb.alb internal");
    const google = stack([NOTHING], { ...FUNCTION(), ...ALB([OIDC_ON("https://accounts.google.com"), FORWARD()]) });
    expect(graded(google)).toEqual(OPEN_ROUTE);
    expect(found(google)[0].message).toContain("the issuer accounts.google.com, from which anyone with a Google account who signs in to the client gets one");
    expect(graded(stack([NOTHING], { ...FUNCTION(), ...ALB([OIDC_ON("https://login.microsoftonline.com/common/v2.0"), FORWARD()]) }))).toEqual(OPEN_ROUTE);
    expect(found(stack([NOTHING], { ...FUNCTION(), ...ALB([OIDC_ON("https://acme.eu.auth0.com/"), FORWARD()]) }))[0].message).toContain("an Auth0 tenant gives one to anyone who signs up");
    const unread = tf({ ...agentCan(NOTHING), ...FUNCTION(), ...ALB([OIDC_ON("${var.issuer}"), FORWARD()]) }, { ...PINNED, variable: { issuer: { type: "string" } } });
    expect(graded(unread)).toEqual(OPEN_ROUTE);
    expect(found(unread)[0].message).toContain("the issuer ${var.issuer}, which blastwall cannot read");
    const none = stack([NOTHING], { ...FUNCTION(), ...ALB([{ type: "authenticate-oidc" }, FORWARD()]) });
    expect(found(none)[0].message).toContain("an identity provider blastwall cannot read (no authenticate_oidc block)");
    // A user pool's issuer is judged as the pool, through the action's client: open with self sign-up, closed admin-only.
    const pool = (adminOnly: boolean) => stack([NOTHING], { ...FUNCTION(), ...ALB([OIDC_ON("https://${aws_cognito_user_pool.p.endpoint}"), FORWARD()], POOL(adminOnly)) });
    expect(graded(pool(false))).toEqual(OPEN_ROUTE);
    expect(found(pool(false))[0].message).toContain("after an authenticate-oidc action that takes tokens of aws_cognito_user_pool.p, a user pool that lets anyone sign up");
    expect(found(pool(true))).toEqual([]);
    // Controls: an Entra tenant by its id, also by sts.windows.net; the tenant of personal Microsoft accounts is anyone's.
    expect(found(stack([NOTHING], { ...FUNCTION(), ...ALB([OIDC_ON(TENANT + "/v2.0"), FORWARD()]) }))).toEqual([]);
    expect(found(stack([NOTHING], { ...FUNCTION(), ...ALB([OIDC_ON("https://sts.windows.net/72f988bf-86f1-41af-91ab-2d7cd011db47/"), FORWARD()]) }))).toEqual([]);
    expect(graded(stack([NOTHING], { ...FUNCTION(), ...ALB([OIDC_ON("https://login.microsoftonline.com/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0"), FORWARD()]) }))).toEqual(OPEN_ROUTE);
  });

  test('F3: on_unauthenticated_request = "allow" (or unreadable) lets anyone past either authenticate action', () => {
    const oidc = stack([NOTHING], { ...FUNCTION(), ...ALB([OIDC_ON(TENANT, { on_unauthenticated_request: "allow" }), FORWARD()]) });
    expect(graded(oidc)).toEqual(OPEN_ROUTE);
    expect(found(oidc)[0].message).toContain('after an authenticate-oidc action with on_unauthenticated_request = "allow", which lets a request with no session through unauthenticated: anyone who can reach it runs the function');
    expect(found(oidc)[0].fix).toContain('set on_unauthenticated_request = "authenticate" (or "deny") on the authenticate-oidc action of aws_lb_listener.l');
    const cognito = (mode: string) => {
      const action = COGNITO("${aws_cognito_user_pool.p.arn}");
      return stack([NOTHING], { ...FUNCTION(), ...ALB([{ ...action, authenticate_cognito: [{ ...(action.authenticate_cognito as Obj[])[0], on_unauthenticated_request: mode }] }, FORWARD()], POOL(true)) });
    };
    expect(graded(cognito("allow"))).toEqual(OPEN_ROUTE);
    expect(found(cognito("allow"))[0].message).toContain('after an authenticate-cognito action with on_unauthenticated_request = "allow"');
    const unread = tf({ ...agentCan(NOTHING), ...FUNCTION(), ...ALB([OIDC_ON(TENANT, { on_unauthenticated_request: "${var.mode}" }), FORWARD()]) }, { ...PINNED, variable: { mode: { type: "string" } } });
    expect(graded(unread)).toEqual(OPEN_ROUTE);
    expect(found(unread)[0].message).toContain('on_unauthenticated_request = ${var.mode}, which blastwall cannot read, so it may be "allow"');
    // Controls: deny and authenticate keep the gate closed.
    expect(found(cognito("deny"))).toEqual([]);
    expect(found(cognito("authenticate"))).toEqual([]);
    expect(found(stack([NOTHING], { ...FUNCTION(), ...ALB([OIDC_ON(TENANT, { on_unauthenticated_request: "deny" }), FORWARD()]) }))).toEqual([]);
  });

  test("F3: authenticate-cognito on a pool that allows self sign-up (or one not in the stack) is a route for whoever signs up", () => {
    const open = stack([NOTHING], { ...FUNCTION(), ...ALB([COGNITO("${aws_cognito_user_pool.p.arn}"), FORWARD()], POOL(false)) });
    expect(graded(open)).toEqual(OPEN_ROUTE);
    expect(found(open)[0].message).toContain("after an authenticate-cognito action on aws_cognito_user_pool.p, a user pool that lets anyone sign up: whoever signs up runs the function");
    expect(found(open)[0].message).toContain("--an authorizer anyone passes on aws_lb_listener.l--> aws_lambda_function.cleanup");
    expect(found(open)[0].fix).toContain("set admin_create_user_config { allow_admin_create_user_only = true } on aws_cognito_user_pool.p");
    const outside = stack([NOTHING], { ...FUNCTION(), ...ALB([COGNITO("arn:aws:cognito-idp:eu-central-1:111111111111:userpool/eu-central-1_x"), FORWARD()]) });
    expect(graded(outside)).toEqual(OPEN_ROUTE);
    expect(found(outside)[0].message).toContain("a user pool blastwall cannot find in the stack, which may let anyone sign up");
  });

  // The load balancer exchanges the code at its token_endpoint and takes the ID token that answers: that is whom it trusts.
  test("authenticate-oidc on an organisation's issuer whose token_endpoint is another IdP's is a route for whoever that IdP lets sign in", () => {
    const elsewhere = (token_endpoint: unknown) => stack([NOTHING], { ...FUNCTION(), ...ALB([OIDC_ON(`${TENANT}/v2.0`, { token_endpoint }), FORWARD()]) });
    const other = elsewhere("https://idp.example.net/oauth2/token");
    expect(graded(other)).toEqual(OPEN_ROUTE);
    expect(found(other)[0].message).toContain(`after an authenticate-oidc action that takes tokens of the identity provider that runs its token_endpoint https://idp.example.net/oauth2/token, which is not the issuer ${TENANT}/v2.0's own`);
    expect(found(other)[0].fix).toContain(`point token_endpoint at the issuer's own (the token_endpoint that ${TENANT}/v2.0/.well-known/openid-configuration lists)`);
    // Microsoft's common endpoint on the same host takes any tenant's sign-ins: the tenant in the path counts.
    expect(graded(elsewhere("https://login.microsoftonline.com/common/oauth2/v2.0/token"))).toEqual(OPEN_ROUTE);
    expect(graded(elsewhere(null))).toEqual(OPEN_ROUTE);
    // Controls: the tenant's own token endpoint, as Entra's discovery document lists it (under the issuer less /v2.0).
    expect(found(elsewhere(`${TENANT}/oauth2/v2.0/token`))).toEqual([]);
    // A host is compared in any case (a path as written: a server may tell its cases apart).
    expect(found(elsewhere(`${TENANT.replace("login.microsoftonline.com", "Login.MicrosoftOnline.com")}/oauth2/v2.0/token`))).toEqual([]);
  });

  test("authenticate-oidc on an admin-only user pool's issuer: a token_endpoint on that pool's domain keeps it closed; another pool's is a route", () => {
    const pools: Obj = {
      ...POOL(true),
      "aws_cognito_user_pool.open": { name: "public" },
      "aws_cognito_user_pool_domain.d": { domain: "staff-auth", user_pool_id: "${aws_cognito_user_pool.p.id}" },
      "aws_cognito_user_pool_domain.pub": { domain: "public-auth", user_pool_id: "${aws_cognito_user_pool.open.id}" },
    };
    const on = (token_endpoint: string) => stack([NOTHING], { ...FUNCTION(), ...ALB([OIDC_ON("https://${aws_cognito_user_pool.p.endpoint}", { token_endpoint }), FORWARD()], pools) });
    expect(found(on("https://${aws_cognito_user_pool_domain.d.domain}.auth.eu-central-1.amazoncognito.com/oauth2/token"))).toEqual([]);
    expect(found(on("https://staff-auth.auth.eu-central-1.amazoncognito.com/oauth2/token"))).toEqual([]);
    const other = on("https://public-auth.auth.eu-central-1.amazoncognito.com/oauth2/token");
    expect(graded(other)).toEqual(OPEN_ROUTE);
    expect(found(other)[0].message).toContain("takes tokens of the identity provider that runs its token_endpoint https://public-auth.auth.eu-central-1.amazoncognito.com/oauth2/token");
    expect(graded(on("https://${aws_cognito_user_pool_domain.pub.domain}.auth.eu-central-1.amazoncognito.com/oauth2/token"))).toEqual(OPEN_ROUTE);
  });

  // Red-team round 162, F7: the region of a token endpoint on the pool's own domain, read from a data source or a local.
  test("162 F7: a token_endpoint on the pool's domain with the region from data.aws_region (or through a local) keeps it closed; another region is a route whose fix asks only for the region", () => {
    const pools: Obj = {
      ...POOL(true),
      "aws_cognito_user_pool_domain.d": { domain: "staff-auth", user_pool_id: "${aws_cognito_user_pool.p.id}" },
      "data.aws_region.current": {},
      "data.aws_region.east": { region: "us-east-1" },
    };
    const on = (token_endpoint: string, extra: Obj = {}) =>
      tf({ ...agentCan(NOTHING), ...FUNCTION(), ...ALB([OIDC_ON("https://${aws_cognito_user_pool.p.endpoint}", { token_endpoint }), FORWARD()], pools) }, { ...PINNED, variable: { region: { type: "string" } }, ...extra });
    const TAIL = ".amazoncognito.com/oauth2/token";
    for (const attr of ["name", "id", "region"]) expect(found(on(`https://\${aws_cognito_user_pool_domain.d.domain}.auth.\${data.aws_region.current.${attr}}${TAIL}`))).toEqual([]);
    // Through a local, and from the pool's own domain attribute.
    const local = `https://\${aws_cognito_user_pool_domain.d.domain}.auth.\${data.aws_region.current.name}${TAIL}`;
    expect(found(on("${local.token}", { locals: { token: local } }))).toEqual([]);
    expect(found(on(`https://\${aws_cognito_user_pool.p.domain}.auth.\${data.aws_region.current.name}${TAIL}`))).toEqual([]);
    // Another region: the same prefix there may be anyone's pool. The fix asks for the region alone.
    const east = on(`https://\${aws_cognito_user_pool_domain.d.domain}.auth.us-east-1${TAIL}`);
    expect(graded(east)).toEqual(OPEN_ROUTE);
    expect(found(east)[0].message).toContain("on the domain prefix of aws_cognito_user_pool_domain.d but in a region blastwall cannot show is the pool's (us-east-1): a prefix is the pool's in its own region alone");
    expect(found(east)[0].fix).toContain("write the region in token_endpoint as aws_cognito_user_pool_domain.d's own (eu-central-1), literally or from a data.aws_region of the same provider configuration");
    expect(found(east)[0].fix).not.toContain("from a domain of the same user pool");
    expect(graded(on(`https://\${aws_cognito_user_pool_domain.d.domain}.auth.\${data.aws_region.east.name}${TAIL}`))).toEqual(OPEN_ROUTE);
    const unread = on(`https://\${aws_cognito_user_pool_domain.d.domain}.auth.\${var.region}${TAIL}`);
    expect(graded(unread)).toEqual(OPEN_ROUTE);
    expect(found(unread)[0].message).toContain("in a region blastwall cannot show is the pool's (${var.region})");
    // Resolved to another region's host: not the pool's; that fix may ask for the pool's domain, which it does not use.
    const literal = on(`https://staff-auth.auth.us-east-1${TAIL}`);
    expect(graded(literal)).toEqual(OPEN_ROUTE);
    expect(found(literal)[0].fix).toContain("written literally, or from a domain of the same user pool");
  });

  // Review of the 0.7.0 change: two instances of one provider configuration (OpenTofu's provider for_each, one per
  // region) are two regions; only the very same configuration makes data.aws_region the pool's.
  test("a data.aws_region of another instance of the pool's provider configuration does not make the token endpoint the pool's", () => {
    const at = (regionProvider: string) => {
      const pools: Obj = {
        ...POOL(true),
        "aws_cognito_user_pool_domain.d": { domain: "staff-auth", user_pool_id: "${aws_cognito_user_pool.p.id}", provider: 'aws.by_region["eu-central-1"]' },
        "data.aws_region.r": { provider: regionProvider },
      };
      (pools["aws_cognito_user_pool.p"] as Obj).provider = 'aws.by_region["eu-central-1"]';
      return stack([NOTHING], {
        ...FUNCTION(),
        ...ALB([OIDC_ON("https://${aws_cognito_user_pool.p.endpoint}", { token_endpoint: "https://${aws_cognito_user_pool_domain.d.domain}.auth.${data.aws_region.r.name}.amazoncognito.com/oauth2/token" }), FORWARD()], pools),
      });
    };
    expect(graded(at('aws.by_region["us-east-1"]'))).toEqual(OPEN_ROUTE);
    expect(found(at('aws.by_region["eu-central-1"]'))).toEqual([]);
  });

  // Red-team round 162, F8: an Entra ID v1 issuer's token endpoint is on login.microsoftonline.com, for the same tenant.
  test("162 F8: Entra ID v1 (issuer sts.windows.net/TENANT/) with the tenant's token endpoint on login.microsoftonline.com: no route; another tenant's is one", () => {
    const ID = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    const v1 = (token_endpoint: string) => stack([NOTHING], { ...FUNCTION(), ...ALB([OIDC_ON(`https://sts.windows.net/${ID}/`, { token_endpoint }), FORWARD()]) });
    expect(found(v1(`https://login.microsoftonline.com/${ID}/oauth2/token`))).toEqual([]);
    expect(found(v1(`https://login.microsoftonline.com/${ID}/oauth2/v2.0/token`))).toEqual([]);
    // Controls: another tenant, Microsoft's common endpoint, another host.
    expect(graded(v1("https://login.microsoftonline.com/9188040d-6c67-4c5b-b112-36a304b66dad/oauth2/token"))).toEqual(OPEN_ROUTE);
    expect(graded(v1("https://login.microsoftonline.com/common/oauth2/token"))).toEqual(OPEN_ROUTE);
    expect(graded(v1(`https://idp.example.net/${ID}/oauth2/token`))).toEqual(OPEN_ROUTE);
  });
});

/**
 * Authorizers anyone passes: a Cognito user pool authorizer (REST), a JWT authorizer (HTTP API), AppSync's
 * AMAZON_COGNITO_USER_POOLS and OPENID_CONNECT authentication, an ALB authenticate-cognito action and the same schemes
 * in an OpenAPI body check a token, not a right. They admit anyone when anyone can get such a token: a user pool that
 * lets anyone sign up (Cognito's default, and a pool outside the stack), one whose app client enables a federated
 * provider anyone has an account with, an issuer that gives tokens to anyone (Google, Auth0, Microsoft's common
 * endpoints) or one blastwall cannot read. Scopes and schema groups do not close them. A Lambda authorizer's code is
 * not read: it may let anyone through (a weak link, below).
 */
describe("front doors: authorizers anyone passes", () => {
  const POOL = (adminOnly?: boolean): Obj => ({
    "aws_cognito_user_pool.p": {
      name: "customers",
      deletion_protection: "ACTIVE",
      ...(adminOnly === undefined ? {} : { admin_create_user_config: [{ allow_admin_create_user_only: adminOnly }] }),
    },
  });
  const GOOGLE: Obj = {
    "aws_cognito_identity_provider.google": {
      user_pool_id: "${aws_cognito_user_pool.p.id}",
      provider_name: "Google",
      provider_type: "Google",
      provider_details: { client_id: "123.apps.googleusercontent.com", client_secret: "${var.google_secret}", authorize_scopes: "email openid" },
      attribute_mapping: { email: "email", username: "sub" },
    },
  };
  const CLIENT = (providers: string[]): Obj => ({
    "aws_cognito_user_pool_client.web": { name: "web", user_pool_id: "${aws_cognito_user_pool.p.id}", supported_identity_providers: providers, allowed_oauth_flows: ["code"], allowed_oauth_scopes: ["openid", "email"], allowed_oauth_flows_user_pool_client: true, callback_urls: ["https://app.example.com/cb"] },
  });

  // REST: a method with a Cognito user pool authorizer (or a Lambda one) in front of a Lambda proxy integration.
  const REST_AUTH = (authorizer: Obj, method: Obj = {}, integration: Obj = LAMBDA_PROXY): Obj => ({
    ...REST("COGNITO_USER_POOLS", integration),
    "aws_api_gateway_authorizer.a": { name: "users", rest_api_id: "${aws_api_gateway_rest_api.api.id}", type: "COGNITO_USER_POOLS", identity_source: "method.request.header.Authorization", provider_arns: ["${aws_cognito_user_pool.p.arn}"], ...authorizer },
    "aws_api_gateway_method.m": {
      rest_api_id: "${aws_api_gateway_rest_api.api.id}",
      resource_id: "${aws_api_gateway_resource.res.id}",
      http_method: "DELETE",
      authorization: "COGNITO_USER_POOLS",
      authorizer_id: "${aws_api_gateway_authorizer.a.id}",
      ...method,
    },
  });

  test("REST: a Cognito authorizer on a pool that lets anyone sign up is an open route; admin-only is not", () => {
    for (const adminOnly of [undefined, false]) {
      const json = stack([NOTHING], { ...FUNCTION(), ...POOL(adminOnly), ...REST_AUTH({}) });
      expect(graded(json)).toEqual(OPEN_ROUTE);
      const f = found(json)[0];
      expect(f.message).toContain('through aws_api_gateway_method.m, an API Gateway method (authorization "COGNITO_USER_POOLS") whose integration is aws_api_gateway_integration.i: its Cognito user pool authorizer aws_api_gateway_authorizer.a takes tokens of aws_cognito_user_pool.p, a user pool that lets anyone sign up');
      expect(f.fix).toContain("set admin_create_user_config { allow_admin_create_user_only = true } on aws_cognito_user_pool.p");
      expect(f.fix).toContain('or require IAM auth on aws_api_gateway_method.m (authorization = "AWS_IAM")');
    }
    expect(found(stack([NOTHING], { ...FUNCTION(), ...POOL(true), ...REST_AUTH({}) }))).toEqual([]);
  });

  test("REST: a pool outside the stack, or an authorizer blastwall cannot find, may let anyone sign up", () => {
    const outside = stack([NOTHING], { ...FUNCTION(), ...REST_AUTH({ provider_arns: ["arn:aws:cognito-idp:eu-central-1:111111111111:userpool/eu-central-1_Ab12Cd34E"] }) });
    expect(graded(outside)).toEqual(OPEN_ROUTE);
    expect(found(outside)[0].message).toContain("takes tokens of user pool arn:aws:cognito-idp:eu-central-1:111111111111:userpool/eu-central-1_Ab12Cd34E, a user pool blastwall cannot find in the stack, which may let anyone sign up (Cognito's default)");
    const data = stack([NOTHING], { ...FUNCTION(), "data.aws_cognito_user_pool.p": { user_pool_id: "eu-central-1_Ab12Cd34E" }, ...REST_AUTH({ provider_arns: ["${data.aws_cognito_user_pool.p.arn}"] }) });
    expect(graded(data)).toEqual(OPEN_ROUTE);
    expect(found(data)[0].message).toContain("data.aws_cognito_user_pool.p, a user pool this stack does not make (a data source)");
    const lost = stack([NOTHING], { ...FUNCTION(), ...REST_AUTH({}, { authorizer_id: "${var.authorizer}" }) });
    expect(graded(lost)).toEqual(OPEN_ROUTE);
    expect(found(lost)[0].message).toContain("a Cognito user pool authorizer blastwall cannot find in the stack (authorizer_id)");
  });

  test("REST: an admin-only pool whose provider anyone may sign in with (Google) is open; scopes do not close a pool anyone joins", () => {
    const google = stack([NOTHING], { ...FUNCTION(), ...POOL(true), ...GOOGLE, ...REST_AUTH({}) });
    expect(graded(google)).toEqual(OPEN_ROUTE);
    expect(found(google)[0].message).toContain("aws_cognito_user_pool.p, which lets only administrators create users, but Cognito creates the user on a first federated sign-in, and the authorizer takes tokens of every app client of the pool, so it may enable aws_cognito_identity_provider.google (Google)");
    expect(found(google)[0].fix).toContain("enable on the app clients of aws_cognito_user_pool.p (supported_identity_providers) no federated provider anyone can sign in with");
    const scoped = stack([NOTHING], { ...FUNCTION(), ...POOL(), ...REST_AUTH({}, { authorization_scopes: ["orders/admin"] }) });
    expect(graded(scoped)).toEqual(OPEN_ROUTE);
    expect(found(scoped)[0].message).toContain("the scopes it asks for (authorization_scopes: orders/admin) do not count as keeping them out");
    // Control: scopes on an admin-only pool with no such provider stay closed.
    expect(found(stack([NOTHING], { ...FUNCTION(), ...POOL(true), ...REST_AUTH({}, { authorization_scopes: ["orders/admin"] }) }))).toEqual([]);
  });

  test("REST: a Lambda (TOKEN) authorizer is not read: a route for whoever it lets through, maybe anyone", () => {
    const lambda = REST_AUTH({ type: "TOKEN", provider_arns: null, authorizer_uri: "${aws_lambda_function.cleanup.invoke_arn}" }, { authorization: "CUSTOM" });
    expect(graded(stack([NOTHING], { ...FUNCTION(), ...POOL(), ...lambda }))).toEqual(OPEN_ROUTE);
  });

  test("REST: an AWS integration's credentials role behind an open Cognito authorizer is an error chain with no right", () => {
    const json = stack([NOTHING], { ...API_ROLE(), ...POOL(), ...REST_AUTH({}, {}, S3_DELETE) });
    const f = found(json)[0];
    expect([f.severity, f.resource]).toEqual(["error", "aws_iam_role.apirole"]);
    expect(f.message).toContain("--an authorizer anyone passes on aws_api_gateway_integration.i--> aws_iam_role.apirole (s3 only");
    expect(found(stack([NOTHING], { ...API_ROLE(), ...POOL(true), ...REST_AUTH({}, {}, S3_DELETE) }))).toEqual([]);
  });

  // HTTP API: a route with a JWT authorizer (or a Lambda REQUEST one).
  const HTTP_JWT = (jwt: Obj, route: Obj = {}, authorizer: Obj = {}): Obj => ({
    "aws_apigatewayv2_api.h": { name: "h", protocol_type: "HTTP" },
    "aws_apigatewayv2_integration.i": { api_id: "${aws_apigatewayv2_api.h.id}", integration_type: "AWS_PROXY", integration_uri: "${aws_lambda_function.cleanup.arn}", payload_format_version: "2.0" },
    "aws_apigatewayv2_authorizer.jwt": { api_id: "${aws_apigatewayv2_api.h.id}", authorizer_type: "JWT", name: "jwt", identity_sources: ["$request.header.Authorization"], jwt_configuration: [jwt], ...authorizer },
    "aws_apigatewayv2_route.r": { api_id: "${aws_apigatewayv2_api.h.id}", route_key: "POST /run", target: "integrations/${aws_apigatewayv2_integration.i.id}", authorization_type: "JWT", authorizer_id: "${aws_apigatewayv2_authorizer.jwt.id}", ...route },
  });
  const OWN_ISSUER = { issuer: "https://${aws_cognito_user_pool.p.endpoint}", audience: ["${aws_cognito_user_pool_client.web.id}"] };

  test("HTTP API: a JWT authorizer pinned to an app client that allows no self-service sign-in keeps strangers who sign up out; the login rights that pass it still do", () => {
    const ADMIN_CLIENT = (client: Obj = {}): Obj => ({
      "aws_cognito_user_pool_client.web": { name: "web", user_pool_id: "${aws_cognito_user_pool.p.id}", explicit_auth_flows: ["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"], ...client },
    });
    // A stranger signs up, but no flow of the one client the authorizer takes signs it in: no open route.
    expect(found(stack([NOTHING], { ...FUNCTION(), ...POOL(), ...ADMIN_CLIENT(), ...HTTP_JWT(OWN_ISSUER) }))).toEqual([]);
    // AdminInitiateAuth signs the agent's own sign-up in; UpdateUserPoolClient turns a flow on: each passes it.
    for (const action of ["cognito-idp:AdminInitiateAuth", "cognito-idp:UpdateUserPoolClient"]) {
      const json = stack([allow(action, "${aws_cognito_user_pool.p.arn}")], { ...FUNCTION(), ...POOL(), ...ADMIN_CLIENT(), ...HTTP_JWT(OWN_ISSUER) });
      expect(found(json).map((f) => f.resource)).toContain("aws_lambda_function.cleanup");
      expect(found(json)[0].message).toContain("make itself a user of aws_cognito_user_pool.p");
    }
    // Controls, still open to anyone: a self-service flow, Cognito's default flows, the hosted sign-in, flows
    // blastwall cannot read; a client secret does not count; a Cognito authorizer takes every client of the pool.
    const open = (client: Obj, extra: Obj = {}) => graded(tf({ ...agentCan(NOTHING), ...FUNCTION(), ...POOL(), ...ADMIN_CLIENT(client), ...HTTP_JWT(OWN_ISSUER) }, { ...PINNED, ...extra }));
    expect(open({ explicit_auth_flows: ["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH"] })).toEqual(OPEN_ROUTE);
    expect(open({ explicit_auth_flows: ["ADMIN_NO_SRP_AUTH"] })).toEqual(OPEN_ROUTE);
    expect(open({ explicit_auth_flows: null })).toEqual(OPEN_ROUTE);
    expect(open({ allowed_oauth_flows_user_pool_client: true, allowed_oauth_flows: ["code"], allowed_oauth_scopes: ["openid"], callback_urls: ["https://app.example.com/cb"] })).toEqual(OPEN_ROUTE);
    expect(open({ explicit_auth_flows: "${var.flows}" }, { variable: { flows: { type: "list(string)" } } })).toEqual(OPEN_ROUTE);
    expect(open({ explicit_auth_flows: ["ALLOW_USER_PASSWORD_AUTH"], generate_secret: true })).toEqual(OPEN_ROUTE);
    expect(graded(stack([NOTHING], { ...FUNCTION(), ...POOL(), ...ADMIN_CLIENT(), ...REST_AUTH({}) }))).toEqual(OPEN_ROUTE);
    // An audience blastwall cannot resolve to a client of the stack may be any client.
    expect(graded(stack([NOTHING], { ...FUNCTION(), ...POOL(), ...ADMIN_CLIENT(), ...HTTP_JWT({ ...OWN_ISSUER, audience: ["4h1f2bq0k6u3m8v2n5r7t9s1ab"] }) }))).toEqual(OPEN_ROUTE);
  });

  test("HTTP API: a JWT authorizer on the issuer of a user pool anyone may sign up to is open; admin-only is not", () => {
    const json = stack([NOTHING], { ...FUNCTION(), ...POOL(), ...CLIENT(["COGNITO"]), ...HTTP_JWT(OWN_ISSUER) });
    expect(graded(json)).toEqual(OPEN_ROUTE);
    expect(found(json)[0].message).toContain('through aws_apigatewayv2_route.r, an API Gateway route (authorization_type "JWT") whose integration is aws_apigatewayv2_integration.i: its JWT authorizer aws_apigatewayv2_authorizer.jwt takes tokens of aws_cognito_user_pool.p, a user pool that lets anyone sign up');
    expect(found(json)[0].fix).toContain('or require IAM auth on aws_apigatewayv2_route.r (authorization_type = "AWS_IAM")');
    // The issuer written from the pool's id, its region a variable: the same pool.
    const byId = { ...OWN_ISSUER, issuer: "https://cognito-idp.${var.region}.amazonaws.com/${aws_cognito_user_pool.p.id}" };
    expect(found(stack([NOTHING], { ...FUNCTION(), ...POOL(true), ...CLIENT(["COGNITO"]), ...HTTP_JWT(byId) }))).toEqual([]);
    expect(found(stack([NOTHING], { ...FUNCTION(), ...POOL(true), ...CLIENT(["COGNITO"]), ...HTTP_JWT(OWN_ISSUER) }))).toEqual([]);
    // The audience's app client enables Google on an admin-only pool: anyone signs in through it.
    const google = stack([NOTHING], { ...FUNCTION(), ...POOL(true), ...GOOGLE, ...CLIENT(["COGNITO", "${aws_cognito_identity_provider.google.provider_name}"]), ...HTTP_JWT(OWN_ISSUER) });
    expect(graded(google)).toEqual(OPEN_ROUTE);
    expect(found(google)[0].message).toContain("and aws_cognito_user_pool_client.web enables aws_cognito_identity_provider.google (Google), which anyone with a Google account signs in with");
  });

  test("HTTP API: a user pool issuer outside the stack, a public issuer or one blastwall cannot read is open; one organisation's is not", () => {
    const outside = stack([NOTHING], { ...FUNCTION(), ...HTTP_JWT({ issuer: "https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_Ab12Cd34E", audience: ["4h1f2bq0k6u3m8v2n5r7t9s1ab"] }) });
    expect(graded(outside)).toEqual(OPEN_ROUTE);
    expect(found(outside)[0].message).toContain("a user pool blastwall cannot find in the stack, which may let anyone sign up (Cognito's default)");
    const google = stack([NOTHING], { ...FUNCTION(), ...HTTP_JWT({ issuer: "https://accounts.google.com", audience: ["123.apps.googleusercontent.com"] }) });
    expect(graded(google)).toEqual(OPEN_ROUTE);
    expect(found(google)[0].message).toContain("the issuer accounts.google.com, from which anyone with a Google account who signs in to the client gets one; the audience it pins does not keep them out");
    const common = stack([NOTHING], { ...FUNCTION(), ...HTTP_JWT({ issuer: "https://login.microsoftonline.com/common/v2.0", audience: ["api://orders"] }) });
    expect(graded(common)).toEqual(OPEN_ROUTE);
    const auth0 = stack([NOTHING], { ...FUNCTION(), ...HTTP_JWT({ issuer: "https://acme.eu.auth0.com/", audience: ["https://api.acme.example"] }) });
    expect(found(auth0)[0].message).toContain("an Auth0 tenant gives one to anyone who signs up");
    const unread = tf({ ...agentCan(NOTHING), ...FUNCTION(), ...HTTP_JWT({ issuer: "${var.issuer}", audience: ["api"] }) }, { ...PINNED, variable: { issuer: { type: "string" } } });
    expect(graded(unread)).toEqual(OPEN_ROUTE);
    expect(found(unread)[0].message).toContain("the issuer ${var.issuer}, which blastwall cannot read");
    // Control: an Entra tenant by its id.
    expect(found(stack([NOTHING], { ...FUNCTION(), ...HTTP_JWT({ issuer: "https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0", audience: ["api://orders"] }) }))).toEqual([]);
  });

  // AppSync: a Lambda data source behind Cognito, OIDC or Lambda authentication.
  const GRAPHQL = (api: Obj): Obj => ({
    "aws_appsync_graphql_api.api": { name: "ops", schema: "type Query { run: String }", ...api },
    "aws_appsync_datasource.ds": { api_id: "${aws_appsync_graphql_api.api.id}", name: "fn", type: "AWS_LAMBDA", service_role_arn: "${aws_iam_role.fn.arn}", lambda_config: [{ function_arn: "${aws_lambda_function.cleanup.arn}" }] },
  });
  const USER_POOLS = { authentication_type: "AMAZON_COGNITO_USER_POOLS", user_pool_config: [{ aws_region: "eu-central-1", default_action: "ALLOW", user_pool_id: "${aws_cognito_user_pool.p.id}" }] };

  test("AppSync: Cognito user pool authentication on a pool anyone may sign up to is open, as default or additional provider", () => {
    const json = stack([NOTHING], { ...FUNCTION(), ...POOL(), ...GRAPHQL(USER_POOLS) });
    expect(graded(json)).toEqual(OPEN_ROUTE);
    expect(found(json)[0].message).toContain("through aws_appsync_graphql_api.api, a GraphQL API whose AMAZON_COGNITO_USER_POOLS authentication takes tokens of aws_cognito_user_pool.p, a user pool that lets anyone sign up; the groups its schema may ask for (@aws_auth, @aws_cognito_user_pools) and its default_action are not read");
    expect(found(json)[0].fix).toContain("or authenticate aws_appsync_graphql_api.api with AWS_IAM alone");
    expect(found(stack([NOTHING], { ...FUNCTION(), ...POOL(true), ...GRAPHQL(USER_POOLS) }))).toEqual([]);
    // An IAM API with an additional Cognito provider: anyone who signs up, with no appsync:GraphQL right.
    const extra = stack([NOTHING], { ...FUNCTION(), ...POOL(), ...GRAPHQL({ authentication_type: "AWS_IAM", additional_authentication_provider: [{ authentication_type: "AMAZON_COGNITO_USER_POOLS", user_pool_config: [{ user_pool_id: "${aws_cognito_user_pool.p.id}" }] }] }) });
    expect(graded(extra)).toEqual(OPEN_ROUTE);
    expect(found(extra)[0].message).toContain("a GraphQL API whose additional AMAZON_COGNITO_USER_POOLS authentication");
    expect(found(stack([NOTHING], { ...FUNCTION(), ...POOL(true), ...GRAPHQL({ authentication_type: "AWS_IAM", additional_authentication_provider: [{ authentication_type: "AMAZON_COGNITO_USER_POOLS", user_pool_config: [{ user_pool_id: "${aws_cognito_user_pool.p.id}" }] }] }) }))).toEqual([]);
  });

  test("the arrow into the function says an authorizer anyone passes, where that is why the door is open; no auth at all stays '(no auth)'", () => {
    const rest = found(stack([NOTHING], { ...FUNCTION(), ...POOL(), ...REST_AUTH({}) }))[0];
    expect(rest.message).toContain("aws_iam_role.agent --an authorizer anyone passes on aws_api_gateway_integration.i--> aws_lambda_function.cleanup --runs as--> aws_iam_role.fn");
    const graphql = found(stack([NOTHING], { ...FUNCTION(), ...POOL(), ...GRAPHQL(USER_POOLS) }))[0];
    expect(graphql.message).toContain("--an authorizer anyone passes on aws_appsync_datasource.ds--> aws_lambda_function.cleanup");
    const none = found(stack([NOTHING], { ...FUNCTION(), ...REST("NONE", LAMBDA_PROXY) }))[0];
    expect(none.message).toContain("--aws_api_gateway_integration.i (no auth)--> aws_lambda_function.cleanup");
  });

  test("AppSync: OIDC authentication on a public issuer is open", () => {
    const oidc = stack([NOTHING], { ...FUNCTION(), ...GRAPHQL({ authentication_type: "OPENID_CONNECT", openid_connect_config: [{ issuer: "https://accounts.google.com", client_id: "123.apps.googleusercontent.com" }] }) });
    expect(graded(oidc)).toEqual(OPEN_ROUTE);
    expect(found(oidc)[0].message).toContain("OPENID_CONNECT authentication takes tokens of the issuer accounts.google.com");
  });

  test("AppSync: a DynamoDB data source's service role behind an open Cognito authentication is an error chain with no right", () => {
    const ds = {
      ...role("dsrole", trust("appsync.amazonaws.com"), policy(allow(["dynamodb:DeleteItem", "dynamodb:DeleteTable"], "*"))),
      "aws_appsync_graphql_api.api": { name: "ops", ...USER_POOLS },
      "aws_appsync_datasource.ds": { api_id: "${aws_appsync_graphql_api.api.id}", name: "orders", type: "AMAZON_DYNAMODB", service_role_arn: "${aws_iam_role.dsrole.arn}", dynamodb_config: [{ table_name: "orders" }] },
    };
    const f = found(stack([NOTHING], { ...POOL(), ...ds }))[0];
    expect([f.severity, f.resource]).toEqual(["error", "aws_iam_role.dsrole"]);
    expect(f.message).toContain("--an authorizer anyone passes on aws_appsync_datasource.ds-->");
    expect(found(stack([NOTHING], { ...POOL(true), ...ds }))).toEqual([]);
  });

  test("ALB: authenticate-cognito on an admin-only pool whose app client enables Google is a route for anyone", () => {
    const alb = (client: string): Obj => ({
      "aws_lb.alb": { name: "ops", load_balancer_type: "application", subnets: ["subnet-1"] },
      "aws_lb_target_group.tg": { name: "cleanup", target_type: "lambda" },
      "aws_lb_target_group_attachment.a": { target_group_arn: "${aws_lb_target_group.tg.arn}", target_id: "${aws_lambda_function.cleanup.arn}" },
      "aws_lb_listener.l": {
        load_balancer_arn: "${aws_lb.alb.arn}",
        port: 443,
        protocol: "HTTPS",
        default_action: [
          { type: "authenticate-cognito", order: 1, authenticate_cognito: [{ user_pool_arn: "${aws_cognito_user_pool.p.arn}", user_pool_client_id: client, user_pool_domain: "auth" }] },
          { type: "forward", order: 2, target_group_arn: "${aws_lb_target_group.tg.arn}" },
        ],
      },
    });
    const json = stack([NOTHING], { ...FUNCTION(), ...POOL(true), ...GOOGLE, ...CLIENT(["${aws_cognito_identity_provider.google.provider_name}"]), ...alb("${aws_cognito_user_pool_client.web.id}") });
    expect(graded(json)).toEqual(OPEN_ROUTE);
    expect(found(json)[0].message).toContain("after an authenticate-cognito action on aws_cognito_user_pool.p, which lets only administrators create users, but Cognito creates the user on a first federated sign-in, and aws_cognito_user_pool_client.web enables aws_cognito_identity_provider.google (Google)");
    // Control: the client enables only the pool's own users.
    expect(found(stack([NOTHING], { ...FUNCTION(), ...POOL(true), ...GOOGLE, ...CLIENT(["COGNITO"]), ...alb("${aws_cognito_user_pool_client.web.id}") }))).toEqual([]);
  });

  test("OpenAPI bodies: a Cognito scheme on a pool outside the stack and a JWT scheme on a public issuer are open", () => {
    const scheme = (authorizer: Obj): Obj => ({ auth: { type: "apiKey", name: "Authorization", in: "header", "x-amazon-apigateway-authtype": "cognito_user_pools", "x-amazon-apigateway-authorizer": authorizer } });
    const body = (schemes: Obj, op: Obj = {}) =>
      `\${jsonencode(${JSON.stringify({ openapi: "3.0.1", info: { title: "t", version: "1" }, components: { securitySchemes: schemes }, paths: { "/run": { post: { security: [{ auth: [] }], ...op, "x-amazon-apigateway-integration": { type: "aws_proxy", httpMethod: "POST", uri: "${aws_lambda_function.cleanup.invoke_arn}", payloadFormatVersion: "1.0" } } } } })})}`;
    const rest = (b: string): Obj => ({ "aws_api_gateway_rest_api.api": { name: "items", body: b } });
    const outside = stack([NOTHING], { ...FUNCTION(), ...rest(body(scheme({ type: "cognito_user_pools", providerARNs: ["arn:aws:cognito-idp:eu-central-1:111111111111:userpool/eu-central-1_Ab12Cd34E"] }))) });
    expect(graded(outside)).toEqual(OPEN_ROUTE);
    expect(found(outside)[0].message).toContain('through POST /run in the OpenAPI body of aws_api_gateway_rest_api.api, an operation whose security scheme "auth": its Cognito user pool authorizer takes tokens of user pool arn:aws:cognito-idp');
    expect(found(stack([NOTHING], { ...FUNCTION(), ...POOL(true), ...rest(body(scheme({ type: "cognito_user_pools", providerARNs: ["${aws_cognito_user_pool.p.arn}"] }))) }))).toEqual([]);
    const jwt = { auth: { type: "oauth2", flows: {}, "x-amazon-apigateway-authorizer": { type: "jwt", identitySource: "$request.header.Authorization", jwtConfiguration: { issuer: "https://accounts.google.com", audience: ["123.apps.googleusercontent.com"] } } } };
    const http = stack([NOTHING], { ...FUNCTION(), "aws_apigatewayv2_api.h": { name: "h", protocol_type: "HTTP", body: body(jwt) } });
    expect(graded(http)).toEqual(OPEN_ROUTE);
    expect(found(http)[0].message).toContain("its JWT authorizer takes tokens of the issuer accounts.google.com");
  });
});

/**
 * An OpenAPI scheme whose x-amazon-apigateway-authorizer has a type blastwall does not know, or cannot read, or none:
 * it was read as closed (schemeAdmits returned nothing). An authorizer blastwall cannot read may let anyone through:
 * judged by the settings it writes (a Lambda's authorizerUri, a user pool's providerARNs), else open. So is an
 * x-amazon-apigateway-authtype it does not know, and awsSigv4 beside an authorizer is not read as IAM.
 */
describe("front doors: OpenAPI authorizers of a type blastwall cannot read", () => {
  const POOL: Obj = { "aws_cognito_user_pool.p": { name: "staff", admin_create_user_config: [{ allow_admin_create_user_only: true }] } };
  const AUTHZ: Obj = {
    ...role("authz", trust("lambda.amazonaws.com"), HARMLESS),
    "aws_lambda_function.authz": { function_name: "authz", role: "${aws_iam_role.authz.arn}", handler: "index.handler", runtime: "python3.12", filename: "a.zip" },
  };
  const scheme = (authorizer: Obj | undefined, extra: Obj = {}): Obj => ({ type: "apiKey", name: "Authorization", in: "header", ...(authorizer ? { "x-amazon-apigateway-authorizer": authorizer } : {}), ...extra });
  const api = (s: Obj, type = "aws_api_gateway_rest_api"): Obj => ({
    [`${type}.api`]: {
      name: "items",
      ...(type === "aws_apigatewayv2_api" ? { protocol_type: "HTTP" } : {}),
      body: `\${jsonencode(${JSON.stringify({ openapi: "3.0.1", info: { title: "t", version: "1" }, components: { securitySchemes: { weird: s } }, paths: { "/run": { post: { security: [{ weird: [] }], "x-amazon-apigateway-integration": { type: "aws_proxy", httpMethod: "POST", uri: "${aws_lambda_function.cleanup.invoke_arn}", payloadFormatVersion: "1.0" } } } } })})}`,
    },
  });
  const json = (s: Obj, extra: Obj = {}, type?: string) => tf({ ...agentCan(NOTHING), ...FUNCTION(), ...api(s, type), ...extra }, { ...PINNED, variable: { t: { type: "string" } } });

  test("a type written out that blastwall does not know: open, naming the scheme and the type", () => {
    for (const type of [undefined, "aws_apigatewayv2_api"]) {
      const j = json(scheme({ type: "oauth_magic", identitySource: "method.request.header.Authorization" }), {}, type);
      expect(graded(j)).toEqual(OPEN_ROUTE);
      expect(found(j)[0].message).toContain('an operation whose security scheme "weird": its x-amazon-apigateway-authorizer of type "oauth_magic", which is none blastwall knows (token or request (a Lambda\'s), cognito_user_pools, or jwt (an HTTP API\'s)), so blastwall cannot tell whom it lets through and it may be anyone');
      expect(found(j)[0].fix).toContain("write the type of its x-amazon-apigateway-authorizer literally as one of token or request");
    }
    // Even beside a closed user pool's providerARNs: a type it does not know may be one that admits anyone.
    expect(graded(json(scheme({ type: "oauth_magic", providerARNs: ["${aws_cognito_user_pool.p.arn}"] }), POOL))).toEqual(OPEN_ROUTE);
  });

  test("a type it cannot read (a variable) or none, with no setting that tells which: open", () => {
    const v = json(scheme({ type: "${var.t}" }));
    expect(graded(v)).toEqual(OPEN_ROUTE);
    expect(found(v)[0].message).toContain('security scheme "weird": its x-amazon-apigateway-authorizer of type "${var.t}", which blastwall cannot read, and none of the settings that would tell which (providerARNs, jwtConfiguration, authorizerUri)');
    const none = json(scheme({ identitySource: "method.request.header.Authorization" }, { "x-amazon-apigateway-authtype": "custom" }));
    expect(graded(none)).toEqual(OPEN_ROUTE);
    expect(found(none)[0].message).toContain("its x-amazon-apigateway-authorizer with no type, and none of the settings");
  });

  test("a type it cannot read, judged by what it writes: an authorizerUri is a Lambda's (a weak link), providerARNs a user pool's", () => {
    const lambda = json(scheme({ type: "${var.t}", authorizerUri: "${aws_lambda_function.authz.invoke_arn}" }), AUTHZ);
    expect(graded(lambda)).toEqual(OPEN_ROUTE);
    expect(found(lambda)[0].message).toContain('security scheme "weird": its x-amazon-apigateway-authorizer of type "${var.t}", which blastwall cannot read, read as a Lambda authorizer (it writes an authorizerUri), which runs aws_lambda_function.authz, whose code is not in the plan');
    expect(found(lambda)[0].message).toContain("--a Lambda authorizer blastwall cannot read on");
    // Its function is run by anyone who calls the API, before any auth decision (rules/authorizer-routes.ts).
    const runs = json(scheme({ type: "${var.t}", authorizerUri: "${aws_lambda_function.authz.invoke_arn}" }), { ...AUTHZ, ...role("authz", trust("lambda.amazonaws.com"), DESTROY) });
    expect(found(runs).find((f) => f.resource === "aws_lambda_function.authz")?.message).toContain('through the security scheme "weird" in the OpenAPI body of aws_api_gateway_rest_api.api, a Lambda authorizer (a type blastwall cannot read: ${var.t})');
    // A user pool anyone signs up to (no allow_admin_create_user_only): open, said as such.
    const open = json(scheme({ type: "${var.t}", providerARNs: ["${aws_cognito_user_pool.p.arn}"] }), { "aws_cognito_user_pool.p": { name: "staff" } });
    expect(graded(open)).toEqual(OPEN_ROUTE);
    expect(found(open)[0].message).toContain("so it may be any type whose settings it writes, and as one of them its Cognito user pool authorizer takes tokens of aws_cognito_user_pool.p, a user pool that lets anyone sign up");
    // Control: only a closed user pool's providerARNs: the one type it can be is cognito_user_pools, closed.
    expect(found(json(scheme({ type: "${var.t}", providerARNs: ["${aws_cognito_user_pool.p.arn}"] }), POOL))).toEqual([]);
  });

  test("controls: the known types, written in any case, judge as before", () => {
    expect(found(json(scheme({ type: "COGNITO_USER_POOLS", providerARNs: ["${aws_cognito_user_pool.p.arn}"] }), POOL))).toEqual([]);
    expect(found(json(scheme({ type: "cognito_user_pools", providerARNs: ["${aws_cognito_user_pool.p.arn}"] }, { "x-amazon-apigateway-authtype": "cognito_user_pools" }), POOL))).toEqual([]);
    expect(found(json(scheme({ type: "Token", authorizerUri: "${aws_lambda_function.authz.invoke_arn}" }), AUTHZ))[0].message).toContain("its Lambda authorizer (token), which runs aws_lambda_function.authz");
  });

  test("x-amazon-apigateway-authtype: one blastwall does not know is open, saying so; awsSigv4 beside an authorizer is the authorizer's", () => {
    const unknown = json(scheme(undefined, { "x-amazon-apigateway-authtype": "aws_iam" }));
    expect(graded(unknown)).toEqual(OPEN_ROUTE);
    expect(found(unknown)[0].message).toContain('whose security scheme "weird" blastwall cannot read, with an x-amazon-apigateway-authtype of "aws_iam" that blastwall does not know (only awsSigv4 asks for IAM auth');
    const both = json(scheme({ type: "oauth_magic" }, { "x-amazon-apigateway-authtype": "awsSigv4" }));
    expect(graded(both)).toEqual(OPEN_ROUTE);
    // Controls: awsSigv4 alone is IAM auth, any case; an authtype beside a known authorizer is only its label.
    expect(found(json(scheme(undefined, { "x-amazon-apigateway-authtype": "awsSigv4" })))).toEqual([]);
    expect(found(json(scheme(undefined, { "x-amazon-apigateway-authtype": "AWSSIGV4" })))).toEqual([]);
    expect(found(json(scheme({ type: "cognito_user_pools", providerARNs: ["${aws_cognito_user_pool.p.arn}"] }, { "x-amazon-apigateway-authtype": "staff-login" }), POOL))).toEqual([]);
  });
});
