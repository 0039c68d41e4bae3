/**
 * An AgentCore gateway's MCP server target whose endpoint is an AgentCore runtime of the stack hosting an MCP server
 * (engine/reach/mcp-server-runtimes.ts): the gateway sends each tool call to the runtime, whose code acts on it as the
 * runtime's execution role, so whoever may call the gateway acts as that role. It was read as "a server outside AWS,
 * no role of the stack": an agent with InvokeGateway alone reached a runtime role that can delete data, and passed.
 * An endpoint blastwall cannot tie to a runtime of the stack (a variable, another account's runtime) is an unknown
 * reach that names the target; a literal host that is no AgentCore runtime's is still no role of the stack.
 */
import { check, policy, tf } from "../helpers/tf";
import { agentCan, DESTROY, HARMLESS, role, type Obj } from "../helpers/sessions";

const PINNED = { provider: { aws: [{ region: "us-east-1", allowed_account_ids: ["111111111111"] }] } };
const trust = (service: string) => policy({ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" });
const INVOKE = { Effect: "Allow", Action: "bedrock-agentcore:InvokeGateway", Resource: "${aws_bedrockagentcore_gateway.gw.gateway_arn}" };
const HOST = "https://bedrock-agentcore.us-east-1.amazonaws.com/runtimes/";
const OWN_ARN = "arn%3Aaws%3Abedrock-agentcore%3Aus-east-1%3A111111111111%3Aruntime%2Fmcpsrv-AbCdEf1234";

const stack = (endpoint: string, runtimeRights = DESTROY, extra: Obj = {}): Obj =>
  tf(
    {
      ...agentCan(INVOKE),
      ...role("gwrole", trust("bedrock-agentcore.amazonaws.com"), HARMLESS),
      ...role("rtrole", trust("bedrock-agentcore.amazonaws.com"), runtimeRights),
      "aws_bedrockagentcore_gateway.gw": { name: "tools", role_arn: "${aws_iam_role.gwrole.arn}", authorizer_type: "AWS_IAM", protocol_type: "MCP" },
      "aws_bedrockagentcore_agent_runtime.rt": {
        agent_runtime_name: "mcpsrv",
        role_arn: "${aws_iam_role.rtrole.arn}",
        agent_runtime_artifact: [{ container_configuration: [{ container_uri: "111111111111.dkr.ecr.us-east-1.amazonaws.com/mcp:latest" }] }],
        network_configuration: [{ network_mode: "PUBLIC" }],
        protocol_configuration: [{ server_protocol: "MCP" }],
      },
      "aws_bedrockagentcore_gateway_target.t": {
        name: "t",
        gateway_identifier: "${aws_bedrockagentcore_gateway.gw.gateway_id}",
        target_configuration: [{ mcp: [{ mcp_server: [{ endpoint }] }] }],
        credential_provider_configuration: [{ oauth: [{ provider_arn: "arn:aws:bedrock-agentcore:us-east-1:111111111111:token-vault/default/oauth2credentialprovider/mcp", scopes: ["invoke"] }] }],
      },
      ...extra,
    },
    PINNED,
  );
const found = (json: Obj) =>
  check(json)
    .findings.filter((f) => f.ruleId === "agent-transitive-destroy" || f.ruleId === "agent-reach-unknown")
    .map((f) => ({ rule: f.ruleId, severity: f.severity, message: f.message, fix: f.fix ?? "" }));
const graded = (json: Obj) => found(json).map((x) => [x.rule, x.severity]);
const TO_RUNTIME_ROLE = [["agent-transitive-destroy", "error"]];
const UNKNOWN = [["agent-reach-unknown", "error"]];

describe("an MCP server target on an AgentCore runtime of the stack", () => {
  test.each([
    ["by reference to the runtime", `${HOST}\${urlencode(aws_bedrockagentcore_agent_runtime.rt.agent_runtime_arn)}/invocations?qualifier=DEFAULT`, {}],
    ["by a literal ARN the runtime's pattern admits", `${HOST}${OWN_ARN}/invocations?qualifier=DEFAULT`, {}],
    ["through a local", "${local.endpoint}", { "aws_bedrockagentcore_agent_runtime_endpoint.prod": { name: "prod", agent_runtime_id: "${aws_bedrockagentcore_agent_runtime.rt.agent_runtime_id}" } }],
    ["by reference to one of its endpoints", `${HOST}\${urlencode(aws_bedrockagentcore_agent_runtime_endpoint.prod.agent_runtime_endpoint_arn)}/invocations`, { "aws_bedrockagentcore_agent_runtime_endpoint.prod": { name: "prod", agent_runtime_id: "${aws_bedrockagentcore_agent_runtime.rt.agent_runtime_id}" } }],
  ])("%s: InvokeGateway acts as the runtime's role, an error (was a pass)", (_, endpoint, extra) => {
    const json = stack(endpoint, DESTROY, extra);
    if (endpoint === "${local.endpoint}") (json as { locals?: Obj }).locals = { endpoint: `${HOST}\${urlencode(aws_bedrockagentcore_agent_runtime.rt.agent_runtime_arn)}/invocations` };
    expect(graded(json)).toEqual(TO_RUNTIME_ROLE);
    const f = found(json)[0];
    expect(f.message).toContain("aws_iam_role.rtrole");
    expect(f.message).toContain("aws_bedrockagentcore_gateway_target.t");
  });

  test("control: the same runtime with a role that cannot delete: no finding", () => {
    expect(graded(stack(`${HOST}\${urlencode(aws_bedrockagentcore_agent_runtime.rt.agent_runtime_arn)}/invocations`, HARMLESS))).toEqual([]);
  });

  test("control: a literal host outside AgentCore, or one written with a load balancer's DNS name: no finding", () => {
    expect(graded(stack("https://mcp.example.com/mcp"))).toEqual([]);
    expect(graded(stack("https://${aws_lb.mcp.dns_name}/mcp", DESTROY, { "aws_lb.mcp": { name: "mcp", internal: true } }))).toEqual([]);
  });
});

describe("an MCP server endpoint blastwall cannot tie to a runtime of the stack: unknown reach, named", () => {
  test.each([
    ["a variable", "${var.endpoint}"],
    ["another account's runtime", `${HOST}arn%3Aaws%3Abedrock-agentcore%3Aus-east-1%3A222222222222%3Aruntime%2Fother-AbCdEf1234/invocations`],
    ["an AgentCore URL with the runtime from a variable", `${HOST}\${urlencode(var.runtime_arn)}/invocations`],
    ["a host read from an SSM parameter", "https://${aws_ssm_parameter.host.value}/mcp"],
  ])("%s: agent-reach-unknown naming the target and how to fix it", (_, endpoint) => {
    const json = stack(endpoint, DESTROY, { "aws_ssm_parameter.host": { name: "host", type: "String", value: "x" } });
    expect(graded(json)).toEqual(UNKNOWN);
    const f = found(json)[0];
    expect(f.message).toContain("MCP server endpoint of aws_bedrockagentcore_gateway_target.t");
    expect(f.message).toContain("urlencode(aws_bedrockagentcore_agent_runtime.NAME.agent_runtime_arn)");
  });
});

/**
 * An MCP server endpoint that is another front door of the stack (red-team round 162, F4; engine/reach/mcp-server-doors.ts):
 * the gateway calls the door with its own credentials, so whoever may InvokeGateway gets past the door's auth as the
 * gateway does: its OAuth token passes a JWT authorizer on the stack's user pool; signed with its role, it passes IAM
 * auth where that role may call the door. It was read as "a server elsewhere".
 */
describe("an MCP server target whose endpoint is another door of the stack", () => {
  const OAUTH = [{ oauth: [{ provider_arn: "arn:aws:bedrock-agentcore:us-east-1:111111111111:token-vault/default/oauth2credentialprovider/mcp", scopes: ["invoke"] }] }];
  const SIGNED = [{ gateway_iam_role: [{}] }];
  const fn = (name: string, rights: string): Obj => ({
    ...role(name, trust("lambda.amazonaws.com"), rights),
    [`aws_lambda_function.${name}`]: { function_name: name, role: `\${aws_iam_role.${name}.arn}`, handler: "index.handler", runtime: "python3.12", filename: "x.zip" },
  });
  const POOL: Obj = {
    "aws_cognito_user_pool.p": { name: "org", admin_create_user_config: [{ allow_admin_create_user_only: true }] },
    "aws_cognito_user_pool_client.c": { name: "gw", user_pool_id: "${aws_cognito_user_pool.p.id}", generate_secret: true, allowed_oauth_flows: ["client_credentials"], allowed_oauth_flows_user_pool_client: true, allowed_oauth_scopes: ["mcp/invoke"] },
  };
  const JWT_API: Obj = {
    ...POOL,
    ...fn("mcp", DESTROY),
    "aws_apigatewayv2_api.h": { name: "mcp", protocol_type: "HTTP" },
    "aws_apigatewayv2_integration.i": { api_id: "${aws_apigatewayv2_api.h.id}", integration_type: "AWS_PROXY", integration_uri: "${aws_lambda_function.mcp.arn}", payload_format_version: "2.0" },
    "aws_apigatewayv2_authorizer.j": {
      api_id: "${aws_apigatewayv2_api.h.id}",
      authorizer_type: "JWT",
      name: "j",
      identity_sources: ["$request.header.Authorization"],
      jwt_configuration: [{ issuer: "https://cognito-idp.us-east-1.amazonaws.com/${aws_cognito_user_pool.p.id}", audience: ["${aws_cognito_user_pool_client.c.id}"] }],
    },
    "aws_apigatewayv2_route.r": { api_id: "${aws_apigatewayv2_api.h.id}", route_key: "POST /mcp", target: "integrations/${aws_apigatewayv2_integration.i.id}", authorization_type: "JWT", authorizer_id: "${aws_apigatewayv2_authorizer.j.id}" },
    "aws_apigatewayv2_stage.s": { api_id: "${aws_apigatewayv2_api.h.id}", name: "$default", auto_deploy: true },
  };
  const INNER_GW: Obj = {
    ...POOL,
    ...role("gwb", trust("bedrock-agentcore.amazonaws.com"), DESTROY),
    "aws_bedrockagentcore_gateway.b": {
      name: "inner",
      role_arn: "${aws_iam_role.gwb.arn}",
      authorizer_type: "CUSTOM_JWT",
      protocol_type: "MCP",
      authorizer_configuration: [{ custom_jwt_authorizer: [{ discovery_url: "https://cognito-idp.us-east-1.amazonaws.com/${aws_cognito_user_pool.p.id}/.well-known/openid-configuration", allowed_clients: ["${aws_cognito_user_pool_client.c.id}"] }] }],
    },
    "aws_bedrockagentcore_gateway_target.bt": {
      name: "ddb",
      gateway_identifier: "${aws_bedrockagentcore_gateway.b.gateway_id}",
      target_configuration: [{ mcp: [{ smithy_model: [{ s3: [{ uri: "s3://models/dynamodb.json" }] }] }] }],
      credential_provider_configuration: SIGNED,
    },
  };
  const URL_IAM: Obj = { ...fn("mcp", DESTROY), "aws_lambda_function_url.u": { function_name: "${aws_lambda_function.mcp.function_name}", authorization_type: "AWS_IAM" } };
  const INVOKE_URL = { Effect: "Allow", Action: "lambda:InvokeFunctionUrl", Resource: "${aws_lambda_function.mcp.arn}" };

  /** The gateway `gw` (AWS_IAM; the agent may InvokeGateway on it) with one MCP server target on `endpoint`. */
  const relay = (endpoint: string, creds: Obj[], extra: Obj, gwRights = HARMLESS): Obj =>
    tf(
      {
        ...agentCan(INVOKE),
        ...role("gwrole", trust("bedrock-agentcore.amazonaws.com"), gwRights),
        "aws_bedrockagentcore_gateway.gw": { name: "tools", role_arn: "${aws_iam_role.gwrole.arn}", authorizer_type: "AWS_IAM", protocol_type: "MCP" },
        "aws_bedrockagentcore_gateway_target.t": { name: "t", gateway_identifier: "${aws_bedrockagentcore_gateway.gw.gateway_id}", target_configuration: [{ mcp: [{ mcp_server: [{ endpoint }] }] }], credential_provider_configuration: creds },
        ...extra,
      },
      PINNED,
    );
  const FN_ROUTE = [["agent-transitive-destroy", "warning"]];

  test.each([
    ["an HTTP API stage's invoke_url", "${aws_apigatewayv2_stage.s.invoke_url}/mcp"],
    ["an HTTP API's api_endpoint, after https://", "https://${replace(aws_apigatewayv2_api.h.api_endpoint, \"https://\", \"\")}/mcp"],
  ])("%s behind a JWT authorizer on the stack's closed pool, with the gateway's OAuth token: the function behind it is the agent's (was a pass)", (_, endpoint) => {
    const f = found(relay(endpoint, OAUTH, JWT_API));
    expect(f.map((x) => [x.rule, x.severity])).toEqual(FN_ROUTE);
    expect(f[0].message).toContain("whose MCP server target aws_bedrockagentcore_gateway_target.t calls aws_apigatewayv2_");
    expect(f[0].message).toContain("gets past the auth of aws_apigatewayv2_integration.i, which invokes aws_lambda_function.mcp");
  });

  test("another gateway's gateway_url (CUSTOM_JWT on the stack's pool, a Smithy target acting as its role): InvokeGateway acts as that role, an error (was a pass)", () => {
    const f = found(relay("${aws_bedrockagentcore_gateway.b.gateway_url}", OAUTH, INNER_GW));
    expect(f.map((x) => [x.rule, x.severity])).toEqual(TO_RUNTIME_ROLE);
    expect(f[0].message).toContain("aws_iam_role.gwb");
    expect(f[0].message).toContain("aws_bedrockagentcore_gateway_target.t");
  });

  test("a function URL under IAM auth, signed with the gateway's role, which may invoke it: the function is the agent's (was a pass)", () => {
    const f = found(relay("${aws_lambda_function_url.u.function_url}mcp", SIGNED, URL_IAM, policy(INVOKE_URL)));
    expect(f.map((x) => [x.rule, x.severity])).toEqual(FN_ROUTE);
    expect(f[0].message).toContain("signed with the gateway's role");
  });

  test("controls: the gateway's credentials do not pass the door, or the endpoint is a host outside the stack: no finding", () => {
    // IAM auth on the URL, and the gateway's role may not invoke it.
    expect(graded(relay("${aws_lambda_function_url.u.function_url}mcp", SIGNED, URL_IAM))).toEqual([]);
    // IAM auth on the URL, and the gateway sends an OAuth token, which is no SigV4 signature.
    expect(graded(relay("${aws_lambda_function_url.u.function_url}mcp", OAUTH, URL_IAM, policy(INVOKE_URL)))).toEqual([]);
    // The JWT route's API stands in the stack, but the target calls a literal host elsewhere.
    expect(graded(relay("https://mcp.example.com/mcp", OAUTH, JWT_API))).toEqual([]);
    expect(graded(relay("https://mcp.example.com/mcp", OAUTH, INNER_GW))).toEqual([]);
  });
});
