/**
 * Red-team round 157 F3: the methods of a REST integration and the routes of an HTTP API integration are found
 * through indexes made once per stack (engine/reach/door-lookup.ts), not by a scan of every method and route per
 * integration. The index must find every method a scan found, each way a key may agree (the same resource referenced,
 * the same exact text, the same text as written where it cannot be resolved), in the stack's order, and none it did not.
 */
import { buildStack } from "../../lib/engine/terraform/stack";
import { apiKeysOf, dataSourceUsers, methodsOf, routesTo, secretPoliciesOn } from "../../lib/engine/reach/door-lookup";
import { tf } from "../helpers/tf";

type Obj = Record<string, unknown>;

const API = "${aws_api_gateway_rest_api.a.id}";
const RES = "${aws_api_gateway_resource.r.id}";
const build = (entries: Record<string, Obj>, extra: Obj = {}) => buildStack(tf({ "aws_api_gateway_rest_api.a": { name: "a" }, "aws_api_gateway_resource.r": { rest_api_id: API, parent_id: "${aws_api_gateway_rest_api.a.root_resource_id}", path_part: "x" }, ...entries }, extra), "test.tf.json");
const method = (verb: unknown, over: Obj = {}): Obj => ({ rest_api_id: API, resource_id: RES, http_method: verb, authorization: "NONE", ...over });
const addresses = (rs: readonly { address: string }[]) => rs.map((r) => r.address);
const at = (stack: ReturnType<typeof build>, address: string) => stack.byAddress.get(address)!;

describe("157 F3: a REST integration's methods, by index", () => {
  test("the method agreeing on API, resource and verb, among many sharing the verb", () => {
    const others = Object.fromEntries([...Array(5).keys()].map((n) => [`aws_api_gateway_method.o${n}`, method("DELETE", { resource_id: `r${n}` })]));
    const stack = build({ ...others, "aws_api_gateway_method.m": method("DELETE"), "aws_api_gateway_integration.i": method("DELETE") });
    expect(addresses(methodsOf(stack, at(stack, "aws_api_gateway_integration.i")))).toEqual(["aws_api_gateway_method.m"]);
    // Control: another verb is another method; none found is what restAccess calls open.
    const other = build({ "aws_api_gateway_method.m": method("GET"), "aws_api_gateway_integration.i": method("DELETE") });
    expect(methodsOf(other, at(other, "aws_api_gateway_integration.i"))).toEqual([]);
  });

  test("a verb copied from the method (exact text as resolved) agrees with one written out", () => {
    const stack = build({ "aws_api_gateway_method.m": method("DELETE"), "aws_api_gateway_integration.i": method("${aws_api_gateway_method.m.http_method}") });
    expect(addresses(methodsOf(stack, at(stack, "aws_api_gateway_integration.i")))).toEqual(["aws_api_gateway_method.m"]);
    // A variable's default is exact text too, though written otherwise.
    const byVariable = build({ "aws_api_gateway_method.m": method("DELETE"), "aws_api_gateway_integration.i": method("${var.verb}") }, { variable: { verb: { default: "DELETE" } } });
    expect(addresses(methodsOf(byVariable, at(byVariable, "aws_api_gateway_integration.i")))).toEqual(["aws_api_gateway_method.m"]);
  });

  test("two references to one resource agree, by any attribute and through a local", () => {
    const stack = build(
      { "aws_api_gateway_method.m": method("POST", { rest_api_id: "${local.api}" }), "aws_api_gateway_integration.i": method("POST", { rest_api_id: "${aws_api_gateway_rest_api.a.execution_arn}" }) },
      { locals: { api: API } },
    );
    expect(addresses(methodsOf(stack, at(stack, "aws_api_gateway_integration.i")))).toEqual(["aws_api_gateway_method.m"]);
    // Control: a reference to another API does not.
    const other = build({ "aws_api_gateway_rest_api.b": { name: "b" }, "aws_api_gateway_method.m": method("POST", { rest_api_id: "${aws_api_gateway_rest_api.b.id}" }), "aws_api_gateway_integration.i": method("POST") });
    expect(methodsOf(other, at(other, "aws_api_gateway_integration.i"))).toEqual([]);
  });

  test("keys blastwall cannot resolve agree when written the same, and only then", () => {
    const stack = build({ "aws_api_gateway_method.m": method("PUT", { resource_id: "${var.resource}" }), "aws_api_gateway_integration.i": method("PUT", { resource_id: "${var.resource}" }) });
    expect(addresses(methodsOf(stack, at(stack, "aws_api_gateway_integration.i")))).toEqual(["aws_api_gateway_method.m"]);
    const other = build({ "aws_api_gateway_method.m": method("PUT", { resource_id: "${var.other}" }), "aws_api_gateway_integration.i": method("PUT", { resource_id: "${var.resource}" }) });
    expect(methodsOf(other, at(other, "aws_api_gateway_integration.i"))).toEqual([]);
  });

  test("several methods that agree come in the stack's order; an unset key agrees with nothing", () => {
    const stack = build({ "aws_api_gateway_method.z": method("ANY"), "aws_api_gateway_method.a": method("${aws_api_gateway_method.z.http_method}"), "aws_api_gateway_integration.i": method("ANY") });
    expect(addresses(methodsOf(stack, at(stack, "aws_api_gateway_integration.i")))).toEqual(addresses(stack.byType.get("aws_api_gateway_method")!));
    const unset = build({ "aws_api_gateway_method.m": method(undefined), "aws_api_gateway_integration.i": method(undefined) });
    expect(methodsOf(unset, at(unset, "aws_api_gateway_integration.i"))).toEqual([]);
  });

  test("methods found by different ways of agreeing still come in the stack's order", () => {
    // On the API (the key with fewest candidates) m0 agrees by the resource referenced, m1 by the same text too.
    const onB = (n: number): Obj => method("POST", { rest_api_id: "${aws_api_gateway_rest_api.b.id}", resource_id: `other${n}` });
    const stack = build({
      "aws_api_gateway_rest_api.b": { name: "b" },
      "aws_api_gateway_method.m0": method("POST", { rest_api_id: "${aws_api_gateway_rest_api.a.execution_arn}" }),
      "aws_api_gateway_method.m1": method("POST"),
      "aws_api_gateway_method.b1": onB(1),
      "aws_api_gateway_method.b2": onB(2),
      "aws_api_gateway_integration.i": method("POST"),
    });
    expect(addresses(methodsOf(stack, at(stack, "aws_api_gateway_integration.i")))).toEqual(["aws_api_gateway_method.m0", "aws_api_gateway_method.m1"]);
  });

  test("a method at the same resource id (written as text) on another API is not the integration's", () => {
    const onA = (n: number): Obj => method("GET", { resource_id: `other${n}` });
    const stack = build({
      "aws_api_gateway_rest_api.b": { name: "b" },
      "aws_api_gateway_method.a1": onA(1),
      "aws_api_gateway_method.a2": onA(2),
      "aws_api_gateway_method.b": method("GET", { rest_api_id: "${aws_api_gateway_rest_api.b.id}", resource_id: "abc123" }),
      "aws_api_gateway_integration.i": method("GET", { resource_id: "abc123" }),
    });
    expect(methodsOf(stack, at(stack, "aws_api_gateway_integration.i"))).toEqual([]);
  });
});

describe("157 F3: the other per-stack lookups of the front doors", () => {
  test("routes by the integration their target references", () => {
    const hi = (n: string): Obj => ({ api_id: "${aws_apigatewayv2_api.h.id}", integration_type: "AWS_PROXY", integration_uri: `arn:aws:lambda:eu-central-1:111111111111:function:${n}` });
    const route = (target: string): Obj => ({ api_id: "${aws_apigatewayv2_api.h.id}", route_key: "ANY /x", target });
    const stack = build({
      "aws_apigatewayv2_api.h": { name: "h", protocol_type: "HTTP" },
      "aws_apigatewayv2_integration.i": hi("a"),
      "aws_apigatewayv2_integration.j": hi("b"),
      "aws_apigatewayv2_route.r2": route("integrations/${aws_apigatewayv2_integration.i.id}"),
      "aws_apigatewayv2_route.r1": route("integrations/${aws_apigatewayv2_integration.j.id}"),
      "aws_apigatewayv2_route.r3": route("integrations/${var.i}"),
    });
    expect(addresses(routesTo(stack, at(stack, "aws_apigatewayv2_integration.i")))).toEqual(["aws_apigatewayv2_route.r2"]);
    expect(addresses(routesTo(stack, at(stack, "aws_apigatewayv2_integration.j")))).toEqual(["aws_apigatewayv2_route.r1"]);
  });

  test("a GraphQL API's keys: its own and those on no API of the stack, in order; not another API's", () => {
    const stack = build({
      "aws_appsync_graphql_api.g": { name: "g", authentication_type: "API_KEY" },
      "aws_appsync_graphql_api.h": { name: "h", authentication_type: "API_KEY" },
      "aws_appsync_api_key.b": { api_id: "${var.api}" },
      "aws_appsync_api_key.a": { api_id: "${aws_appsync_graphql_api.g.id}" },
      "aws_appsync_api_key.c": { api_id: "${aws_appsync_graphql_api.h.id}" },
    });
    const order = addresses(stack.byType.get("aws_appsync_api_key")!).filter((a) => a !== "aws_appsync_api_key.c");
    expect(addresses(apiKeysOf(stack, at(stack, "aws_appsync_graphql_api.g")))).toEqual(order);
    expect(addresses(apiKeysOf(stack, at(stack, "aws_appsync_graphql_api.h")))).toEqual(addresses(stack.byType.get("aws_appsync_api_key")!).filter((a) => a !== "aws_appsync_api_key.a"));
  });

  test("a secret's policies: those on it and those on a secret blastwall cannot resolve", () => {
    const stack = build({
      "aws_secretsmanager_secret.s": { name: "s" },
      "aws_secretsmanager_secret.t": { name: "t" },
      "aws_secretsmanager_secret_policy.t": { secret_arn: "${aws_secretsmanager_secret.t.arn}", policy: "{}" },
    });
    expect(secretPoliciesOn(stack, at(stack, "aws_secretsmanager_secret.s"))).toEqual([]);
    expect(addresses(secretPoliciesOn(stack, at(stack, "aws_secretsmanager_secret.t")))).toEqual(["aws_secretsmanager_secret_policy.t"]);
    const loose = build({ "aws_secretsmanager_secret.s": { name: "s" }, "aws_secretsmanager_secret_policy.p": { secret_arn: "arn:aws:secretsmanager:eu-central-1:111111111111:secret:x", policy: "{}" } });
    expect(addresses(secretPoliciesOn(loose, at(loose, "aws_secretsmanager_secret.s")))).toEqual(["aws_secretsmanager_secret_policy.p"]);
    expect(addresses(secretPoliciesOn(loose, undefined))).toEqual(["aws_secretsmanager_secret_policy.p"]);
  });

  test("a data source's resolvers and functions, by reference or by its name, each once, resolvers first", () => {
    const ds = (name: string): Obj => ({ api_id: "${aws_appsync_graphql_api.g.id}", name, type: "AMAZON_DYNAMODB" });
    const stack = build({
      "aws_appsync_graphql_api.g": { name: "g", authentication_type: "AWS_IAM" },
      "aws_appsync_datasource.d": ds("items"),
      "aws_appsync_datasource.e": ds("other"),
      "aws_appsync_function.f": { data_source: "items" },
      "aws_appsync_resolver.b": { data_source: "${aws_appsync_datasource.d.name}" },
      "aws_appsync_resolver.a": { data_source: "items" },
      "aws_appsync_resolver.c": { data_source: "${aws_appsync_datasource.e.name}" },
    });
    const resolvers = addresses(stack.byType.get("aws_appsync_resolver")!).filter((a) => a !== "aws_appsync_resolver.c");
    expect(addresses(dataSourceUsers(stack, at(stack, "aws_appsync_datasource.d")))).toEqual([...resolvers, "aws_appsync_function.f"]);
    expect(addresses(dataSourceUsers(stack, at(stack, "aws_appsync_datasource.e")))).toEqual(["aws_appsync_resolver.c"]);
  });
});
