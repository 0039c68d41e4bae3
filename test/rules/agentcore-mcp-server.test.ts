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

  /**
   * The endpoint written the usual hand-written ways (red-team round 163, F1 and F2; engine/reach/mcp-door-hosts.ts):
   * the API's default host built from its id, and the stack's own custom domain. Both were read as a server elsewhere.
   */
  const REST_API: Obj = {
    ...POOL,
    ...fn("mcp", DESTROY),
    "aws_api_gateway_rest_api.r": { name: "mcp" },
    "aws_api_gateway_resource.res": { rest_api_id: "${aws_api_gateway_rest_api.r.id}", parent_id: "${aws_api_gateway_rest_api.r.root_resource_id}", path_part: "mcp" },
    "aws_api_gateway_authorizer.a": { name: "users", rest_api_id: "${aws_api_gateway_rest_api.r.id}", type: "COGNITO_USER_POOLS", identity_source: "method.request.header.Authorization", provider_arns: ["${aws_cognito_user_pool.p.arn}"] },
    "aws_api_gateway_method.m": { rest_api_id: "${aws_api_gateway_rest_api.r.id}", resource_id: "${aws_api_gateway_resource.res.id}", http_method: "POST", authorization: "COGNITO_USER_POOLS", authorizer_id: "${aws_api_gateway_authorizer.a.id}" },
    "aws_api_gateway_integration.ri": { rest_api_id: "${aws_api_gateway_rest_api.r.id}", resource_id: "${aws_api_gateway_resource.res.id}", http_method: "POST", type: "AWS_PROXY", integration_http_method: "POST", uri: "${aws_lambda_function.mcp.invoke_arn}" },
  };
  const DOMAIN = (key?: string, more: Obj = {}): Obj => ({
    "aws_apigatewayv2_domain_name.d": { domain_name: "mcp.example.com", domain_name_configuration: [{ certificate_arn: "arn:aws:acm:us-east-1:111111111111:certificate/abc", endpoint_type: "REGIONAL", security_policy: "TLS_1_2" }] },
    "aws_apigatewayv2_api_mapping.m": { api_id: "${aws_apigatewayv2_api.h.id}", domain_name: "${aws_apigatewayv2_domain_name.d.id}", stage: "${aws_apigatewayv2_stage.s.id}", ...(key === undefined ? {} : { api_mapping_key: key }) },
    ...more,
  });
  /** Another API of the stack with no integration, mapped at the domain's root. */
  const ROOT_ELSEWHERE: Obj = {
    "aws_apigatewayv2_api.other": { name: "status", protocol_type: "HTTP" },
    "aws_apigatewayv2_api_mapping.root": { api_id: "${aws_apigatewayv2_api.other.id}", domain_name: "${aws_apigatewayv2_domain_name.d.id}", stage: "$default" },
  };
  const REST_DOMAIN: Obj = {
    "aws_api_gateway_domain_name.rd": { domain_name: "api.example.com", regional_certificate_arn: "arn:aws:acm:us-east-1:111111111111:certificate/abc", endpoint_configuration: [{ types: ["REGIONAL"] }] },
    "aws_api_gateway_base_path_mapping.bp": { api_id: "${aws_api_gateway_rest_api.r.id}", domain_name: "${aws_api_gateway_domain_name.rd.domain_name}", stage_name: "prod", base_path: "tools" },
  };

  test.each([
    ["an HTTP API's id in the host", "https://${aws_apigatewayv2_api.h.id}.execute-api.us-east-1.amazonaws.com/mcp", JWT_API, "aws_apigatewayv2_api.h"],
    ["the same built with format()", '${format("https://%s.execute-api.us-east-1.amazonaws.com/mcp", aws_apigatewayv2_api.h.id)}', JWT_API, "aws_apigatewayv2_api.h"],
    ["the id with the region from a data source", "https://${aws_apigatewayv2_api.h.id}.execute-api.${data.aws_region.here.name}.amazonaws.com/mcp", { ...JWT_API, "data.aws_region.here": {} }, "aws_apigatewayv2_api.h"],
    ["a REST API's id in the host", "https://${aws_api_gateway_rest_api.r.id}.execute-api.us-east-1.amazonaws.com/prod/mcp", REST_API, "aws_api_gateway_rest_api.r"],
    ["the stack's custom domain by reference", "https://${aws_apigatewayv2_domain_name.d.domain_name}/mcp", { ...JWT_API, ...DOMAIN() }, "aws_apigatewayv2_domain_name.d"],
    ["the stack's custom domain as a literal host", "https://mcp.example.com/mcp", { ...JWT_API, ...DOMAIN() }, "aws_apigatewayv2_domain_name.d"],
    ["the mapping whose key starts the path, another API at the root", "https://MCP.example.com/admin/mcp", { ...JWT_API, ...DOMAIN("admin", ROOT_ELSEWHERE) }, "aws_apigatewayv2_domain_name.d"],
    ["a path blastwall cannot read: every mapping of the domain", "https://mcp.example.com/${var.path}", { ...JWT_API, ...DOMAIN("admin", ROOT_ELSEWHERE) }, "aws_apigatewayv2_domain_name.d"],
    ["a REST custom domain's base path mapping, as a literal host", "https://api.example.com/tools/mcp", { ...REST_API, ...REST_DOMAIN }, "aws_api_gateway_domain_name.rd"],
  ])("%s, behind a token authorizer on the stack's closed pool: the function behind it is the agent's (was a pass)", (_, endpoint, extra, by) => {
    const f = found(relay(endpoint, OAUTH, extra));
    expect(f.map((x) => [x.rule, x.severity])).toEqual(FN_ROUTE);
    expect(f[0].message).toContain(`whose MCP server target aws_bedrockagentcore_gateway_target.t calls ${by} with the token`);
    expect(f[0].message).toContain("which invokes aws_lambda_function.mcp");
  });

  test.each([
    ["a domain of the stack mapped to an API not in it", "https://mcp.example.com/mcp", { ...JWT_API, ...DOMAIN(undefined, { "aws_apigatewayv2_api_mapping.m": { api_id: "a1b2c3d4e5", domain_name: "mcp.example.com", stage: "$default" } }) }, "aws_apigatewayv2_api_mapping.m maps"],
    ["a domain of the stack with no mapping at all", "https://mcp.example.com/mcp", { ...JWT_API, "aws_apigatewayv2_domain_name.d": { domain_name: "mcp.example.com" } }, "has no API mapping in this stack for the path /mcp"],
  ])("%s: an AWS door blastwall cannot see behind, agent-reach-unknown naming the target (was a pass)", (_, endpoint, extra, why) => {
    const f = found(relay(endpoint, OAUTH, extra));
    expect(f.map((x) => [x.rule, x.severity])).toEqual(UNKNOWN);
    expect(f[0].message).toContain("the MCP server endpoint of aws_bedrockagentcore_gateway_target.t");
    expect(f[0].message).toContain(why);
    expect(f[0].message).toContain("write the endpoint of aws_bedrockagentcore_gateway_target.t with a reference to the door of this stack it calls");
  });

  test("controls: another company's host beside the stack's domain, the root API of a domain, an API id the gateway's token does not pass: no finding", () => {
    expect(graded(relay("https://mcp.other-company.com/mcp", OAUTH, { ...JWT_API, ...DOMAIN() }))).toEqual([]);
    expect(graded(relay("https://mcp.example.com/mcp", OAUTH, { ...JWT_API, ...DOMAIN("admin", ROOT_ELSEWHERE) }))).toEqual([]);
    const iamRoute = { ...JWT_API, "aws_apigatewayv2_route.r": { api_id: "${aws_apigatewayv2_api.h.id}", route_key: "POST /mcp", target: "integrations/${aws_apigatewayv2_integration.i.id}", authorization_type: "AWS_IAM" } };
    expect(graded(relay("https://${aws_apigatewayv2_api.h.id}.execute-api.us-east-1.amazonaws.com/mcp", OAUTH, iamRoute))).toEqual([]);
    expect(graded(relay('${format("https://%s.execute-api.us-east-1.amazonaws.com/mcp", aws_apigatewayv2_api.h.id)}', OAUTH, iamRoute))).toEqual([]);
  });

  test("an AgentCore runtime URL beside a custom domain named by a variable is still read as a runtime's, not the domain's", () => {
    const domain = { "aws_apigatewayv2_domain_name.d": { domain_name: "${var.domain}" }, "aws_apigatewayv2_api_mapping.m": { api_id: "${aws_apigatewayv2_api.h.id}", domain_name: "${aws_apigatewayv2_domain_name.d.id}", stage: "$default" }, "aws_apigatewayv2_api.h": { name: "h", protocol_type: "HTTP" } };
    const f = found(stack(`${HOST}\${urlencode(aws_bedrockagentcore_agent_runtime.rt.agent_runtime_arn)}/invocations`, DESTROY, domain));
    expect(f.map((x) => [x.rule, x.severity])).toEqual(TO_RUNTIME_ROLE);
    expect(f[0].message).toContain("aws_iam_role.rtrole");
  });
  /**
   * Red-team round 164: the API's id or the custom domain's name read from another resource that holds it (F1, F2),
   * the host inside a function blastwall cannot evaluate (F3), a custom domain named by a variable beside a partner's
   * host (F5), and AWS door hosts that may be another company's (F6).
   */
  const STAGES: Obj = {
    "aws_api_gateway_deployment.d": { rest_api_id: "${aws_api_gateway_rest_api.r.id}" },
    "aws_api_gateway_stage.prod": { rest_api_id: "${aws_api_gateway_rest_api.r.id}", deployment_id: "${aws_api_gateway_deployment.d.id}", stage_name: "prod" },
  };
  const ALIAS: Obj = {
    "aws_route53_zone.z": { name: "example.com" },
    "aws_route53_record.api": { zone_id: "${aws_route53_zone.z.zone_id}", name: "${aws_api_gateway_domain_name.rd.domain_name}", type: "A", alias: [{ name: "${aws_api_gateway_domain_name.rd.regional_domain_name}", zone_id: "${aws_api_gateway_domain_name.rd.regional_zone_id}", evaluate_target_health: false }] },
  };
  const REST_ALL: Obj = { ...REST_API, ...STAGES, ...REST_DOMAIN, ...ALIAS };

  test.each([
    ["a REST stage's rest_api_id, the stage name from the stage", "https://${aws_api_gateway_stage.prod.rest_api_id}.execute-api.us-east-1.amazonaws.com/${aws_api_gateway_stage.prod.stage_name}/mcp", REST_ALL, "aws_api_gateway_rest_api.r"],
    ["a REST deployment's rest_api_id", "https://${aws_api_gateway_deployment.d.rest_api_id}.execute-api.us-east-1.amazonaws.com/prod/mcp", REST_ALL, "aws_api_gateway_rest_api.r"],
    ["an HTTP API stage's api_id", "https://${aws_apigatewayv2_stage.s.api_id}.execute-api.us-east-1.amazonaws.com/mcp", JWT_API, "aws_apigatewayv2_api.h"],
    ["a Route 53 record's fqdn aliasing the REST custom domain", "https://${aws_route53_record.api.fqdn}/tools/mcp", REST_ALL, "aws_api_gateway_domain_name.rd"],
    ["the same record's name", "https://${aws_route53_record.api.name}/tools/mcp", REST_ALL, "aws_api_gateway_domain_name.rd"],
    ["a base path mapping's domain_name and base_path", "https://${aws_api_gateway_base_path_mapping.bp.domain_name}/${aws_api_gateway_base_path_mapping.bp.base_path}/mcp", REST_ALL, "aws_api_gateway_domain_name.rd"],
    ["an ACM certificate's domain_name", "https://${aws_acm_certificate.c.domain_name}/tools/mcp", { ...REST_ALL, "aws_acm_certificate.c": { domain_name: "api.example.com", validation_method: "DNS" } }, "aws_api_gateway_domain_name.rd"],
    ["a record with a name relative to its zone and no alias", "https://${aws_route53_record.api.fqdn}/tools/mcp", { ...REST_ALL, "aws_route53_record.api": { zone_id: "${aws_route53_zone.z.zone_id}", name: "api", type: "CNAME", records: ["d-abc.execute-api.us-east-1.amazonaws.com"], ttl: 300 } }, "aws_api_gateway_domain_name.rd"],
    ["an HTTP API mapping's domain_name", "https://${aws_apigatewayv2_api_mapping.m.domain_name}/mcp", { ...JWT_API, ...DOMAIN() }, "aws_apigatewayv2_domain_name.d"],
    ["a REST API's id inside lower()", "https://${lower(aws_api_gateway_rest_api.r.id)}.execute-api.us-east-1.amazonaws.com/prod/mcp", REST_ALL, "aws_api_gateway_rest_api.r"],
    ["an HTTP API's id inside lower()", "https://${lower(aws_apigatewayv2_api.h.id)}.execute-api.us-east-1.amazonaws.com/mcp", JWT_API, "aws_apigatewayv2_api.h"],
  ])("164: %s is that door of the stack (was a pass)", (_, endpoint, extra, by) => {
    const f = found(relay(endpoint, OAUTH, extra));
    expect(f.map((x) => [x.rule, x.severity])).toEqual(FN_ROUTE);
    expect(f[0].message).toContain(`whose MCP server target aws_bedrockagentcore_gateway_target.t calls ${by} with the token`);
    expect(f[0].message).toContain("which invokes aws_lambda_function.mcp");
  });

  test.each([
    ["a REST API's id inside replace()", 'https://${replace(aws_api_gateway_rest_api.r.id, "x", "y")}.execute-api.us-east-1.amazonaws.com/prod/mcp', REST_ALL, "around aws_api_gateway_rest_api.r"],
    ["a stage's rest_api_id read from a variable", "https://${aws_api_gateway_stage.prod.rest_api_id}.execute-api.us-east-1.amazonaws.com/prod/mcp", { ...REST_ALL, "aws_api_gateway_stage.prod": { rest_api_id: "${var.api}", deployment_id: "x", stage_name: "prod" } }, "around aws_api_gateway_stage.prod"],
  ])("164 F3: %s: the host may be that door, agent-reach-unknown naming it (was a pass)", (_, endpoint, extra, why) => {
    const f = found(relay(endpoint, OAUTH, extra));
    expect(f.map((x) => [x.rule, x.severity])).toEqual(UNKNOWN);
    expect(f[0].message).toContain("its host is written with an expression blastwall cannot evaluate");
    expect(f[0].message).toContain(why);
  });

  test("164 controls: a record aliasing a load balancer, a certificate of another name, the stack's domain at a path no mapping serves: no finding", () => {
    const lb = { ...REST_ALL, "aws_lb.l": { name: "l" }, "aws_route53_record.web": { zone_id: "${aws_route53_zone.z.zone_id}", name: "web.example.com", type: "A", alias: [{ name: "${aws_lb.l.dns_name}", zone_id: "${aws_lb.l.zone_id}", evaluate_target_health: false }] } };
    expect(graded(relay("https://${aws_route53_record.web.fqdn}/tools/mcp", OAUTH, lb))).toEqual([]);
    expect(graded(relay("https://${aws_acm_certificate.c.domain_name}/tools/mcp", OAUTH, { ...REST_ALL, "aws_acm_certificate.c": { domain_name: "other.example.org", validation_method: "DNS" } }))).toEqual([]);
    // API Gateway answers a path no mapping of the domain serves with 403 and runs nothing (F6).
    expect(graded(relay("https://mcp.example.com/mcp", OAUTH, { ...JWT_API, ...DOMAIN("v1") }))).toEqual([]);
    expect(graded(relay("https://api.example.com/status/mcp", OAUTH, REST_ALL))).toEqual([]);
  });

  /** `n` CNAMEs, r1 naming `first` (a record's fqdn), each next naming the one before; the endpoint on the last. */
  const cnames = (n: number, first = "${aws_route53_record.api.fqdn}"): Obj => {
    const recs: Obj = {};
    for (let i = 1; i <= n; i++) recs[`aws_route53_record.r${i}`] = { zone_id: "${aws_route53_zone.z.zone_id}", name: `r${i}.example.com`, type: "CNAME", ttl: 300, records: [i === 1 ? first : `\${aws_route53_record.r${i - 1}.fqdn}`] };
    return recs;
  };
  const viaCnames = (n: number, extra: Obj = REST_ALL, first?: string) => relay(`https://\${aws_route53_record.r${n}.fqdn}/tools/mcp`, OAUTH, { ...extra, ...cnames(n, first) });

  test("176: CNAMEs to the record aliasing the REST custom domain, past where blastwall stops reading a host: unknown reach, saying so (was a pass)", () => {
    for (const n of [6, 9]) {
      const f = found(viaCnames(n));
      expect(f.map((x) => [x.rule, x.severity])).toEqual(UNKNOWN);
      expect(f[0].message).toContain(`blastwall stops reading a host through Route 53 records, references and functions after 12 levels, and stopped in what aws_route53_record.r${n} points at, so the host may be any door of this stack; point the endpoint at the door's own host, or at a record that aliases the door directly`);
    }
  });

  test("176 controls: up to 5 CNAMEs deep the door is found; CNAMEs to a record aliasing a load balancer reach nothing", () => {
    for (const n of [2, 5]) expect(graded(viaCnames(n))).toEqual(FN_ROUTE);
    const lb = { ...REST_ALL, "aws_lb.l": { name: "l" }, "aws_route53_record.web": { zone_id: "${aws_route53_zone.z.zone_id}", name: "web.example.com", type: "A", alias: [{ name: "${aws_lb.l.dns_name}", zone_id: "${aws_lb.l.zone_id}", evaluate_target_health: false }] } };
    expect(graded(viaCnames(3, lb, "${aws_route53_record.web.fqdn}"))).toEqual([]);
  });

  // Cap audit review (round 176): the record's name written as a literal host was read as a server elsewhere.
  test("176: a literal host that is the name of a Route 53 record of the stack is read as the record is (was a pass)", () => {
    for (const n of [1, 3]) {
      const f = found(relay(`https://r${n}.example.com/tools/mcp`, OAUTH, { ...REST_ALL, ...cnames(n) }));
      expect(f.map((x) => [x.rule, x.severity])).toEqual(FN_ROUTE);
      expect(f[0].message).toContain("calls aws_api_gateway_domain_name.rd with the token");
    }
    // A record named relative to its zone, aliasing the domain.
    const rel = { ...REST_ALL, "aws_route53_record.short": { zone_id: "${aws_route53_zone.z.zone_id}", name: "short", type: "CNAME", ttl: 300, records: ["${aws_route53_record.api.fqdn}"] } };
    expect(graded(relay("https://SHORT.example.com./tools/mcp", OAUTH, rel))).toEqual(FN_ROUTE);
    // Past the bound: unknown, saying where blastwall stopped.
    const f = found(relay("https://r9.example.com/tools/mcp", OAUTH, { ...REST_ALL, ...cnames(9) }));
    expect(f.map((x) => [x.rule, x.severity])).toEqual(UNKNOWN);
    expect(f[0].message).toContain("r9.example.com is the name of a Route 53 record of this stack, and blastwall stops reading a host through Route 53 records");
  });

  test("176 controls: a literal host no record of the stack is named, or a record aliasing a load balancer: no finding", () => {
    expect(graded(relay("https://r4.example.com/tools/mcp", OAUTH, { ...REST_ALL, ...cnames(3) }))).toEqual([]);
    const lb = { ...REST_ALL, "aws_lb.l": { name: "l" }, "aws_route53_record.web": { zone_id: "${aws_route53_zone.z.zone_id}", name: "web.example.com", type: "A", alias: [{ name: "${aws_lb.l.dns_name}", zone_id: "${aws_lb.l.zone_id}", evaluate_target_health: false }] } };
    expect(graded(relay("https://web.example.com/tools/mcp", OAUTH, lb))).toEqual([]);
    expect(graded(relay("https://mcp.partner.example.org/tools/mcp", OAUTH, { ...REST_ALL, ...cnames(2) }))).toEqual([]);
  });

  /** The stack's HTTP API custom domain named by `var.domain` (with `def` as its default, if any), mapped at `v1`. */
  const varDomain = (endpoint: string, name: string, def?: string, mapping: Obj = {}): Obj => {
    const json = relay(endpoint, OAUTH, { ...JWT_API, ...DOMAIN("v1", { "aws_apigatewayv2_domain_name.d": { domain_name: name }, ...mapping }) });
    json.variable = { domain: { type: "string", ...(def === undefined ? {} : { default: def }) }, env: { type: "string" } };
    return json;
  };

  test("164 F5: a partner's literal host beside a custom domain whose name is wholly a variable is the partner's: no finding (was an error or a warning naming the domain)", () => {
    expect(graded(varDomain("https://mcp.partner.com/v1/mcp", "${var.domain}"))).toEqual([]);
    expect(graded(varDomain("https://mcp.atlassian.com/v1/sse", "${var.domain}"))).toEqual([]);
    expect(graded(varDomain("https://mcp.partner.com/mcp", "${var.domain}", undefined, { "aws_apigatewayv2_api_mapping.m": { api_id: "${aws_apigatewayv2_api.h.id}", domain_name: "${aws_apigatewayv2_domain_name.d.id}", stage: "$default" } }))).toEqual([]);
    // A mapping alone, whose domain_name is the variable.
    const loose = relay("https://mcp.partner.com/v1/mcp", OAUTH, { ...JWT_API, "aws_apigatewayv2_api_mapping.m": { api_id: "${aws_apigatewayv2_api.h.id}", domain_name: "${var.domain}", stage: "$default", api_mapping_key: "v1" } });
    loose.variable = { domain: { type: "string" } };
    expect(graded(loose)).toEqual([]);
  });

  test("164 F5 controls: the variable's default, or a literal part of the name, that the host matches links it; a reference still does", () => {
    expect(graded(varDomain("https://mcp.example.com/v1/mcp", "${var.domain}", "mcp.example.com"))).toEqual(FN_ROUTE);
    expect(graded(varDomain("https://mcp.dev.example.com/v1/mcp", "mcp.${var.env}.example.com"))).toEqual(FN_ROUTE);
    expect(graded(varDomain("https://${aws_apigatewayv2_domain_name.d.domain_name}/v1/mcp", "${var.domain}"))).toEqual(FN_ROUTE);
  });

  // Review of the 0.7.0 change: a door relayed through another gateway keeps the weak mark of the door behind it.
  test("a gateway whose MCP target is another gateway, whose own target is an untied AWS host: still a warning (an error under --strict)", () => {
    const inner: Obj = {
      ...INNER_GW,
      "aws_bedrockagentcore_gateway_target.bt": {
        name: "partner",
        gateway_identifier: "${aws_bedrockagentcore_gateway.b.gateway_id}",
        target_configuration: [{ mcp: [{ mcp_server: [{ endpoint: "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/mcp" }] }] }],
        credential_provider_configuration: OAUTH,
      },
    };
    const json = relay("${aws_bedrockagentcore_gateway.b.gateway_url}", OAUTH, inner);
    const unknown = (strict: boolean) => check(json, {}, { strict }).findings.filter((x) => x.ruleId === "agent-reach-unknown").map((x) => x.severity);
    expect(unknown(false)).toEqual(["warning"]);
    expect(unknown(true)).toEqual(["error"]);
  });

  test.each([
    ["an execute-api host with a literal id", "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/mcp", "a1b2c3d4e5.execute-api.us-east-1.amazonaws.com is an API Gateway API whose id a1b2c3d4e5"],
    ["a Lambda function URL host with a literal id", "https://abcdefghijklmnopqrstuvwxyz012345.lambda-url.us-east-1.on.aws/", "is a Lambda function URL whose id"],
    ["an AgentCore gateway host with a literal id", "https://tools-abc123.gateway.bedrock-agentcore.us-east-1.amazonaws.com/mcp", "is an AgentCore gateway whose id"],
  ])("164 F6: %s may be another company's MCP server: agent-reach-unknown, a warning (an error under --strict), saying how to accept it", (_, endpoint, why) => {
    const json = relay(endpoint, OAUTH, {});
    const f = found(json);
    expect(f.map((x) => [x.rule, x.severity])).toEqual([["agent-reach-unknown", "warning"]]);
    expect(f[0].message).toContain("the MCP server endpoint of aws_bedrockagentcore_gateway_target.t");
    expect(f[0].message).toContain(why);
    expect(f[0].message).toContain("maybe another stack's of yours, maybe another company's MCP server; a warning (an error under --strict)");
    expect(f[0].message).toContain("if it is another company's MCP server, acknowledge this finding in blastwall.json with that reason");
    const strict = check(json, {}, { strict: true }).findings.filter((x) => x.ruleId === "agent-reach-unknown");
    expect(strict.map((x) => x.severity)).toEqual(["error"]);
  });

  /**
   * Red-team round 164, F4: the endpoint read as the gateway's HTTP client reads it (WHATWG URL parsing, RFC 3986
   * equivalence; engine/reach/mcp-endpoint-url.ts). The stack's domain serves the function's API at `admin` and
   * another API, which runs nothing, at its root: a URL that resolves to `/admin/...` reaches the function.
   */
  const ADMIN: Obj = { ...JWT_API, ...DOMAIN("admin", ROOT_ELSEWHERE) };
  test.each([
    ["a `..` segment", "https://mcp.example.com/status/../admin/mcp"],
    ["a `.` segment and an encoded `..`", "https://mcp.example.com/./status/%2E%2e/admin/mcp"],
    ["a percent-encoded unreserved letter in the path", "https://mcp.example.com/%61dmin/mcp"],
    ["a user@ part in the authority", "https://gateway@mcp.example.com/admin/mcp"],
    ["an explicit default port, a trailing dot and upper-case letters", "https://MCP.Example.COM.:443/admin/mcp"],
    ["a percent-encoded host", "https://mcp%2Eexample%2Ecom/admin/mcp"],
    ["backslashes for slashes", "https:\\\\mcp.example.com\\admin\\mcp"],
  ])("164 F4: %s resolves to the mapped API's path: the function behind it is the agent's (was a pass)", (_, endpoint) => {
    const f = found(relay(endpoint, OAUTH, ADMIN));
    expect(f.map((x) => [x.rule, x.severity])).toEqual(FN_ROUTE);
    expect(f[0].message).toContain("whose MCP server target aws_bedrockagentcore_gateway_target.t calls aws_apigatewayv2_domain_name.d with the token");
  });

  test.each([
    ["a trailing dot", `https://bedrock-agentcore.us-east-1.amazonaws.com./runtimes/${OWN_ARN}/invocations`],
    ["an explicit default port", `https://bedrock-agentcore.us-east-1.amazonaws.com:443/runtimes/${OWN_ARN}/invocations`],
    ["a user@ part and upper-case letters", `https://me@BEDROCK-AGENTCORE.us-east-1.amazonaws.com/runtimes/${OWN_ARN}/invocations`],
    ["a `..` that undoes another runtime's ARN", `https://bedrock-agentcore.us-east-1.amazonaws.com/runtimes/elsewhere/../${OWN_ARN}/invocations`],
  ])("164 F4: a runtime URL with %s is the stack's runtime: an error (was a pass)", (_, endpoint) => {
    const f = found(stack(endpoint));
    expect(f.map((x) => [x.rule, x.severity])).toEqual(TO_RUNTIME_ROLE);
    expect(f[0].message).toContain("aws_iam_role.rtrole");
  });

  test.each([
    ["a port out of range", "https://mcp.example.com:99999/admin/mcp"],
    ["a space in the host", "https://mcp example.com/admin/mcp"],
    ["a bad percent-escape in the host", "https://mcp%zz.example.com/admin/mcp"],
  ])("164 F4: %s: blastwall cannot parse it, agent-reach-unknown saying so (was a pass)", (_, endpoint) => {
    const f = found(relay(endpoint, OAUTH, ADMIN));
    expect(f.map((x) => [x.rule, x.severity])).toEqual(UNKNOWN);
    expect(f[0].message).toContain(`blastwall cannot parse "${endpoint}" as a URL`);
    expect(f[0].message).toContain("the MCP server endpoint of aws_bedrockagentcore_gateway_target.t");
  });

  test("164 F4 controls: a `..` that leaves the mapped path, a door host in the user@ part, another host's runtime path: no finding", () => {
    // Resolves to /status/mcp: the root API, which runs nothing (was an error: read at /admin).
    expect(graded(relay("https://mcp.example.com/admin/../status/mcp", OAUTH, ADMIN))).toEqual([]);
    expect(graded(relay("https://mcp.example.com@mcp.other-company.com/admin/mcp", OAUTH, ADMIN))).toEqual([]);
    expect(graded(stack(`https://bedrock-agentcore.us-east-1.amazonaws.com@mcp.example.org/runtimes/${OWN_ARN}/invocations`))).toEqual([]);
    // The plain forms still link.
    expect(graded(relay("https://mcp.example.com/admin/mcp", OAUTH, ADMIN))).toEqual(FN_ROUTE);
  });

  /**
   * Red-team round 164, F7: an endpoint on a CloudFront distribution of the stack is followed to the origin its cache
   * behaviour sends the call to (engine/reach/mcp-cloudfront.ts). It was read as a server elsewhere.
   */
  const behaviour = (origin: string, more: Obj = {}): Obj => ({ target_origin_id: origin, viewer_protocol_policy: "https-only", allowed_methods: ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"], cached_methods: ["GET", "HEAD"], ...more });
  const CDN = (more: Obj = {}, dist: Obj = {}): Obj => ({
    "aws_s3_bucket.site": { bucket: "site" },
    "aws_cloudfront_distribution.cf": {
      enabled: true,
      aliases: ["mcp.example.com"],
      origin: [
        { origin_id: "api", domain_name: "${aws_api_gateway_rest_api.r.id}.execute-api.us-east-1.amazonaws.com", origin_path: "/prod", custom_origin_config: [{ http_port: 80, https_port: 443, origin_protocol_policy: "https-only", origin_ssl_protocols: ["TLSv1.2"] }] },
        { origin_id: "site", domain_name: "${aws_s3_bucket.site.bucket_regional_domain_name}" },
      ],
      ordered_cache_behavior: [behaviour("api", { path_pattern: "/mcp*" })],
      default_cache_behavior: [behaviour("site")],
      ...dist,
    },
    "aws_route53_zone.z": { name: "example.com" },
    "aws_route53_record.cdn": { zone_id: "${aws_route53_zone.z.zone_id}", name: "mcp.example.com", type: "A", alias: [{ name: "${aws_cloudfront_distribution.cf.domain_name}", zone_id: "${aws_cloudfront_distribution.cf.hosted_zone_id}", evaluate_target_health: false }] },
    ...more,
  });
  const REST_CDN = (dist: Obj = {}): Obj => ({ ...REST_API, ...CDN({}, dist) });

  test.each([
    ["its domain_name", "https://${aws_cloudfront_distribution.cf.domain_name}/mcp", REST_CDN()],
    ["one of its aliases, written literally", "https://mcp.example.com/mcp", REST_CDN()],
    ["a Route 53 record aliasing it", "https://${aws_route53_record.cdn.fqdn}/mcp", REST_CDN()],
    ["its aliases with a path that resolves into the behaviour", "https://MCP.example.com/assets/../mcp", REST_CDN()],
    ["an origin group whose member is the API", "https://mcp.example.com/mcp", REST_CDN({ origin_group: [{ origin_id: "g", failover_criteria: [{ status_codes: [500] }], member: [{ origin_id: "api" }, { origin_id: "site" }] }], ordered_cache_behavior: [behaviour("g", { path_pattern: "/mcp*" })] })],
    ["an HTTP API origin written from its api_endpoint", "https://mcp.example.com/mcp", { ...JWT_API, ...CDN({}, { origin: [{ origin_id: "api", domain_name: '${replace(aws_apigatewayv2_api.h.api_endpoint, "https://", "")}' }] }) }],
  ])("164 F7: a CloudFront distribution of the stack by %s: the function behind its origin is the agent's (was a pass)", (_, endpoint, extra) => {
    const f = found(relay(endpoint, OAUTH, extra));
    expect(f.map((x) => [x.rule, x.severity])).toEqual(FN_ROUTE);
    expect(f[0].message).toContain("whose MCP server target aws_bedrockagentcore_gateway_target.t calls aws_cloudfront_distribution.cf with the token");
    expect(f[0].message).toContain("which invokes aws_lambda_function.mcp");
  });

  test("review of 0.8.0: aliases written as a local or a variable with a default are read (an endpoint on the alias reached nothing)", () => {
    const viaLocal = relay("https://mcp.example.com/mcp", OAUTH, REST_CDN({ aliases: "${local.al}" }));
    viaLocal.locals = { al: ["mcp.example.com"] };
    expect(found(viaLocal).map((x) => [x.rule, x.severity])).toEqual(FN_ROUTE);
    const viaVar = relay("https://mcp.example.com/mcp", OAUTH, REST_CDN({ aliases: "${var.al}" }));
    viaVar.variable = { al: { type: "list(string)", default: ["mcp.example.com"] } };
    expect(found(viaVar).map((x) => [x.rule, x.severity])).toEqual(FN_ROUTE);
    // Control: another host than the local's aliases is a server elsewhere.
    const other = relay("https://other.example.org/mcp", OAUTH, REST_CDN({ aliases: "${local.al}" }));
    other.locals = { al: ["mcp.example.com"] };
    expect(found(other).filter((x) => x.rule === "agent-transitive-destroy")).toEqual([]);
  });

  test("164 F7: a distribution whose origin is an AgentCore runtime of the stack: InvokeGateway acts as the runtime's role (was a pass)", () => {
    const cdn = CDN({}, { aliases: [], origin: [{ origin_id: "rt", domain_name: "bedrock-agentcore.us-east-1.amazonaws.com" }], ordered_cache_behavior: [], default_cache_behavior: [behaviour("rt")] });
    const f = found(stack(`https://\${aws_cloudfront_distribution.cf.domain_name}/runtimes/${OWN_ARN}/invocations`, DESTROY, cdn));
    expect(f.map((x) => [x.rule, x.severity])).toEqual(TO_RUNTIME_ROLE);
    expect(f[0].message).toContain("aws_iam_role.rtrole");
  });

  test.each([
    ["a CloudFront Function on the request", { ordered_cache_behavior: [behaviour("api", { path_pattern: "/mcp*", function_association: [{ event_type: "viewer-request", function_arn: "${aws_cloudfront_function.f.arn}" }] })] }, "runs a CloudFront Function on the requests of the cache behaviour for /mcp*, which may send the call to another origin or path"],
    ["origins blastwall cannot read", { origin: "${var.origins}" }, "has origins blastwall cannot read"],
    ["cache behaviours blastwall cannot read", { ordered_cache_behavior: [{ dynamic: true }] }, "has cache behaviours blastwall cannot read"],
  ])("164 F7: a distribution with %s: agent-reach-unknown naming it (was a pass)", (_, dist, why) => {
    const f = found(relay("https://mcp.example.com/mcp", OAUTH, REST_CDN(dist)));
    expect(f.map((x) => x.rule)).toContain("agent-reach-unknown");
    const u = f.find((x) => x.rule === "agent-reach-unknown")!;
    expect(u.severity).toBe("error");
    expect(u.message).toContain(`aws_cloudfront_distribution.cf, a CloudFront distribution, ${why}`);
    expect(u.message).toContain("the MCP server endpoint of aws_bedrockagentcore_gateway_target.t");
  });

  test("164 F7: a literal cloudfront.net host no distribution of the stack is shown to have: a door in some account, a warning", () => {
    const f = found(relay("https://d111111abcdef8.cloudfront.net/mcp", OAUTH, {}));
    expect(f.map((x) => [x.rule, x.severity])).toEqual([["agent-reach-unknown", "warning"]]);
    expect(f[0].message).toContain("d111111abcdef8.cloudfront.net is a CloudFront distribution whose id d111111abcdef8.cloudfront.net no resource of this stack can be shown to have");
  });

  test("164 F7 controls: a path the default behaviour serves from S3, a load balancer origin, another host than the aliases: no finding", () => {
    expect(graded(relay("https://mcp.example.com/index.html", OAUTH, REST_CDN()))).toEqual([]);
    expect(graded(relay("https://mcp.example.com/mcp/../index.html", OAUTH, REST_CDN()))).toEqual([]);
    expect(graded(relay("https://mcp.example.com/mcp", OAUTH, { ...REST_CDN({ origin: [{ origin_id: "api", domain_name: "${aws_lb.l.dns_name}" }, { origin_id: "site", domain_name: "${aws_s3_bucket.site.bucket_regional_domain_name}" }], ...{} }), "aws_lb.l": { name: "l" } }))).toEqual([]);
    expect(graded(relay("https://mcp.example.org/mcp", OAUTH, REST_CDN()))).toEqual([]);
    // A function on the viewer's response only changes nothing about where the call goes.
    expect(graded(relay("https://mcp.example.com/index.html", OAUTH, REST_CDN({ default_cache_behavior: [behaviour("site", { function_association: [{ event_type: "viewer-response", function_arn: "x" }] })] })))).toEqual([]);
  });

  /**
   * Red-team round 164: an API whose default endpoint is off (`disable_execute_api_endpoint = true`) answers its
   * execute-api host with 403 and runs nothing; its custom domains still serve it.
   */
  const OFF_HTTP: Obj = { ...JWT_API, "aws_apigatewayv2_api.h": { name: "mcp", protocol_type: "HTTP", disable_execute_api_endpoint: true } };
  // A REST API takes the switch with its next deployment (169a F9): this one is redeployed on any change of the API.
  const OFF_REST: Obj = { ...REST_API, "aws_api_gateway_rest_api.r": { name: "mcp", disable_execute_api_endpoint: "true" }, "aws_api_gateway_deployment.d": { rest_api_id: "${aws_api_gateway_rest_api.r.id}", triggers: { redeployment: "${sha1(jsonencode(aws_api_gateway_rest_api.r))}" } } };
  test.each([
    ["a stage's invoke_url", "${aws_apigatewayv2_stage.s.invoke_url}/mcp", OFF_HTTP],
    ["the API's api_endpoint", "https://${replace(aws_apigatewayv2_api.h.api_endpoint, \"https://\", \"\")}/mcp", OFF_HTTP],
    ["the HTTP API's id in the host", "https://${aws_apigatewayv2_api.h.id}.execute-api.us-east-1.amazonaws.com/mcp", OFF_HTTP],
    ["the REST API's id in the host", "https://${aws_api_gateway_rest_api.r.id}.execute-api.us-east-1.amazonaws.com/prod/mcp", OFF_REST],
    ["a CloudFront origin on the REST API's execute-api host", "https://mcp.example.com/mcp", { ...OFF_REST, ...CDN() }],
  ])("164: %s of an API whose default endpoint is disabled reaches nothing: no finding (was a warning)", (_, endpoint, extra) => {
    expect(graded(relay(endpoint, OAUTH, extra))).toEqual([]);
  });

  test("164 controls: the disabled API's custom domain still serves it; a default endpoint switch written as a variable may be on", () => {
    expect(graded(relay("https://mcp.example.com/mcp", OAUTH, { ...OFF_HTTP, ...DOMAIN() }))).toEqual(FN_ROUTE);
    const json = relay("https://${aws_apigatewayv2_api.h.id}.execute-api.us-east-1.amazonaws.com/mcp", OAUTH, { ...JWT_API, "aws_apigatewayv2_api.h": { name: "mcp", protocol_type: "HTTP", disable_execute_api_endpoint: "${var.off}" } });
    json.variable = { off: { type: "bool" } };
    expect(graded(json)).toEqual(FN_ROUTE);
    expect(graded(relay("${aws_apigatewayv2_stage.s.invoke_url}/mcp", OAUTH, { ...JWT_API, "aws_apigatewayv2_api.h": { name: "mcp", protocol_type: "HTTP", disable_execute_api_endpoint: false } }))).toEqual(FN_ROUTE);
  });

  test("164 F6: a runtime URL of another account stays an error, and names that account against the pinned one", () => {
    const f = found(stack(`${HOST}arn%3Aaws%3Abedrock-agentcore%3Aus-east-1%3A222222222222%3Aruntime%2Fother-AbCdEf1234/invocations`));
    expect(f.map((x) => [x.rule, x.severity])).toEqual(UNKNOWN);
    expect(f[0].message).toContain("(it is in account 222222222222, not 111111111111, the account this stack's aws provider is pinned to by allowed_account_ids)");
    // The stack's own account: no such words.
    const own = found(stack(`${HOST}arn%3Aaws%3Abedrock-agentcore%3Aus-east-1%3A111111111111%3Aruntime%2Fother-AbCdEf1234/invocations`));
    expect(own.map((x) => [x.rule, x.severity])).toEqual(UNKNOWN);
    expect(own[0].message).not.toContain("it is in account");
  });
});

/**
 * Cap audit review (round 176): gateways calling gateways through MCP server targets were followed 4 calls deep, and
 * the functions and roles at the end of a longer chain were dropped: the stack passed. Past the bound the chain's
 * first target is an unseen door (agent-reach-unknown) naming the target where blastwall stopped; a loop of gateways
 * is no longer chain.
 */
describe("a chain of gateways calling gateways longer than blastwall follows", () => {
  const OAUTH = [{ oauth: [{ provider_arn: "arn:aws:bedrock-agentcore:us-east-1:111111111111:token-vault/default/oauth2credentialprovider/mcp", scopes: ["invoke"] }] }];
  const JWT = [{ custom_jwt_authorizer: [{ discovery_url: "https://cognito-idp.us-east-1.amazonaws.com/${aws_cognito_user_pool.p.id}/.well-known/openid-configuration", allowed_clients: ["${aws_cognito_user_pool_client.c.id}"] }] }];
  const INVOKE0 = { Effect: "Allow", Action: "bedrock-agentcore:InvokeGateway", Resource: "${aws_bedrockagentcore_gateway.g0.gateway_arn}" };
  const calls = (i: number, to: string): Record<string, Obj> => ({
    [`aws_bedrockagentcore_gateway_target.t${i}`]: { name: `t${i}`, gateway_identifier: `\${aws_bedrockagentcore_gateway.g${i}.gateway_id}`, target_configuration: [{ mcp: [{ mcp_server: [{ endpoint: `\${aws_bedrockagentcore_gateway.${to}.gateway_url}` }] }] }], credential_provider_configuration: OAUTH },
  });
  /** g0 (AWS_IAM; the agent may call it) → g1 → … → gN, each a target calling the next; gN's Lambda target deletes data. */
  const chain = (n: number, extra: Record<string, Obj> = {}): Obj => {
    const e: Record<string, Obj> = {
      ...agentCan(INVOKE0),
      ...role("gwrole", trust("bedrock-agentcore.amazonaws.com"), HARMLESS),
      ...role("fn", trust("lambda.amazonaws.com"), DESTROY),
      "aws_lambda_function.fn": { function_name: "fn", role: "${aws_iam_role.fn.arn}", handler: "index.handler", runtime: "python3.12", filename: "x.zip" },
      "aws_cognito_user_pool.p": { name: "org", admin_create_user_config: [{ allow_admin_create_user_only: true }] },
      "aws_cognito_user_pool_client.c": { name: "gw", user_pool_id: "${aws_cognito_user_pool.p.id}", generate_secret: true, allowed_oauth_flows: ["client_credentials"], allowed_oauth_flows_user_pool_client: true, allowed_oauth_scopes: ["mcp/invoke"] },
    };
    for (let i = 0; i <= n; i++) {
      e[`aws_bedrockagentcore_gateway.g${i}`] = i === 0 ? { name: "g0", role_arn: "${aws_iam_role.gwrole.arn}", authorizer_type: "AWS_IAM", protocol_type: "MCP" } : { name: `g${i}`, role_arn: "${aws_iam_role.gwrole.arn}", authorizer_type: "CUSTOM_JWT", protocol_type: "MCP", authorizer_configuration: JWT };
      if (i < n) Object.assign(e, calls(i, `g${i + 1}`));
    }
    e[`aws_bedrockagentcore_gateway_target.fn`] = { name: "fn", gateway_identifier: `\${aws_bedrockagentcore_gateway.g${n}.gateway_id}`, target_configuration: [{ mcp: [{ lambda: [{ lambda_arn: "${aws_lambda_function.fn.arn}" }] }] }] };
    return tf({ ...e, ...extra }, PINNED);
  };

  test("five gateways on, the function was dropped and the stack passed: agent-reach-unknown naming where blastwall stopped", () => {
    for (const n of [5, 7]) {
      const f = found(chain(n));
      expect(f.map((x) => [x.rule, x.severity])).toEqual(UNKNOWN);
      expect(f[0].message).toContain("the chain of AgentCore gateways the MCP server endpoint of aws_bedrockagentcore_gateway_target.t0 starts (aws_bedrockagentcore_gateway.g1");
      expect(f[0].message).toContain("aws_bedrockagentcore_gateway_target.t4, a target of aws_bedrockagentcore_gateway.g4 4 gateways on, is where blastwall stopped");
      expect(f[0].fix + f[0].message).toContain("or take aws_bedrockagentcore_gateway_target.t0 off aws_bedrockagentcore_gateway.g0");
    }
  });

  test("controls: four gateways on the function is still found; a loop of gateways back onto the chain is no longer chain", () => {
    for (const n of [1, 4]) expect(graded(chain(n))).toEqual([["agent-transitive-destroy", "warning"]]);
    // g0 → g1 → g2 → g3 → g4, and g4 also calls g1, g2 and g0 again: every gateway of the loop was seen.
    expect(graded(chain(4, { ...calls(4, "g1"), "aws_bedrockagentcore_gateway_target.t4b": calls(4, "g2")["aws_bedrockagentcore_gateway_target.t4"], "aws_bedrockagentcore_gateway_target.t4c": calls(4, "g0")["aws_bedrockagentcore_gateway_target.t4"] }))).toEqual([["agent-transitive-destroy", "warning"]]);
  });
});
