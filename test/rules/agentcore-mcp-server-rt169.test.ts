/**
 * Red-team round 169a on the MCP server endpoint readers (engine/reach/mcp-door-hosts.ts, mcp-server-runtimes.ts,
 * mcp-endpoint-url.ts): what a folder's reader makes of `count`/`for_each` doors (F5), interface VPC endpoint hosts (F4),
 * a placeholder in the URL's userinfo (F8) and a disabled default endpoint not yet deployed (F9).
 */
import { mkdtempSync, writeFileSync } from "fs";
import { join } from "path";
import { tmpdir } from "os";
import { check, policy, tf } from "../helpers/tf";
import { agentCan, DESTROY, HARMLESS, role, type Obj } from "../helpers/sessions";
import { loadHclStack } from "../../lib/hcl/load-hcl";
import { checkStacks } from "../../lib/check/run-check";
import { agentRules } from "../../lib/rules";
import type { Report } from "../../lib/report/types";

const PINNED = { provider: { aws: [{ region: "us-east-1", allowed_account_ids: ["111111111111"] }] } };
const trust = (service: string) => policy({ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" });
const INVOKE = { Effect: "Allow", Action: "bedrock-agentcore:InvokeGateway", Resource: "${aws_bedrockagentcore_gateway.gw.gateway_arn}" };
const OAUTH = [{ oauth: [{ provider_arn: "arn:aws:bedrock-agentcore:us-east-1:111111111111:token-vault/default/oauth2credentialprovider/mcp", scopes: ["invoke"] }] }];
const FN_ROUTE = [["agent-transitive-destroy", "warning"]];
const UNKNOWN = [["agent-reach-unknown", "error"]];

/** The gateway `gw` (AWS_IAM; the agent may InvokeGateway on it) with one MCP server target `t` on `endpoint`. */
const relay = (endpoint: string, extra: Obj): Obj =>
  tf(
    {
      ...agentCan(INVOKE),
      ...role("gwrole", trust("bedrock-agentcore.amazonaws.com"), HARMLESS),
      "aws_bedrockagentcore_gateway.gw": { name: "tools", role_arn: "${aws_iam_role.gwrole.arn}", authorizer_type: "AWS_IAM", protocol_type: "MCP" },
      "aws_bedrockagentcore_gateway_target.t": { name: "t", gateway_identifier: "${aws_bedrockagentcore_gateway.gw.gateway_id}", target_configuration: [{ mcp: [{ mcp_server: [{ endpoint }] }] }], credential_provider_configuration: OAUTH },
      ...extra,
    },
    PINNED,
  );

/**
 * An HTTP API `h` behind a JWT authorizer on the stack's closed pool, running function `mcp` with `rights`; `meta` on
 * the API and every resource of it (`{ count: 1 }`), each referring to the API as `h` + `key` (`h[0]`).
 */
const jwtApi = (rights: string, meta: Obj = {}, key = ""): Obj => {
  const api = `\${aws_apigatewayv2_api.h${key}.id}`;
  return {
    "aws_cognito_user_pool.p": { name: "org", admin_create_user_config: [{ allow_admin_create_user_only: true }] },
    "aws_cognito_user_pool_client.c": { name: "gw", user_pool_id: "${aws_cognito_user_pool.p.id}", generate_secret: true, allowed_oauth_flows: ["client_credentials"], allowed_oauth_flows_user_pool_client: true, allowed_oauth_scopes: ["mcp/invoke"] },
    ...role("mcp", trust("lambda.amazonaws.com"), rights),
    "aws_lambda_function.mcp": { function_name: "mcp", role: "${aws_iam_role.mcp.arn}", handler: "index.handler", runtime: "python3.12", filename: "x.zip" },
    "aws_apigatewayv2_api.h": { name: "mcp", protocol_type: "HTTP", ...meta },
    "aws_apigatewayv2_integration.i": { api_id: api, integration_type: "AWS_PROXY", integration_uri: "${aws_lambda_function.mcp.arn}", payload_format_version: "2.0", ...meta },
    "aws_apigatewayv2_authorizer.j": {
      api_id: api,
      authorizer_type: "JWT",
      name: "j",
      identity_sources: ["$request.header.Authorization"],
      jwt_configuration: [{ issuer: "https://cognito-idp.us-east-1.amazonaws.com/${aws_cognito_user_pool.p.id}", audience: ["${aws_cognito_user_pool_client.c.id}"] }],
      ...meta,
    },
    "aws_apigatewayv2_route.r": { api_id: api, route_key: "POST /mcp", target: `integrations/\${aws_apigatewayv2_integration.i${key}.id}`, authorization_type: "JWT", authorizer_id: `\${aws_apigatewayv2_authorizer.j${key}.id}`, ...meta },
    "aws_apigatewayv2_stage.s": { api_id: api, name: "$default", auto_deploy: true, ...meta },
  };
};

const pick = (r: Report) => r.findings.filter((f) => f.ruleId === "agent-transitive-destroy" || f.ruleId === "agent-reach-unknown").map((f) => ({ rule: f.ruleId, severity: f.severity, message: f.message, fix: f.fix ?? "" }));
const found = (json: Obj) => pick(check(json));
const graded = (f: { rule: string; severity: string }[]) => f.map((x) => [x.rule, x.severity]);

/** The agent rules over a folder holding `files`, as `blastwall check DIR` reads it (the HCL reader, instances made). */
async function inFolder(files: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), "blastwall-rt169-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return pick(checkStacks([await loadHclStack(dir)], { config: {}, rules: agentRules }));
}
const folder = (json: Obj) => inFolder({ "main.tf.json": JSON.stringify(json) });

/**
 * F5: a folder's HCL reader makes `aws_x.y[0]` of a resource with `count` (`aws_x.y["k"]` with `for_each`), where a
 * single JSON file keeps `aws_x.y`. The endpoint readers dropped the index and found nothing, so an API of the stack
 * came out as an error calling it an AgentCore runtime, with a fix that could not apply.
 */
describe("169a F5: a door with count or for_each, read from a folder", () => {
  test.each([
    ["count, the API's id in the host", { count: 1 }, "[0]", "https://${aws_apigatewayv2_api.h[0].id}.execute-api.us-east-1.amazonaws.com/mcp", "aws_apigatewayv2_api.h[0]"],
    ["count, the stage's invoke_url", { count: 1 }, "[0]", "${aws_apigatewayv2_stage.s[0].invoke_url}/mcp", "aws_apigatewayv2_stage.s[0]"],
    ["count, the API's api_endpoint", { count: 1 }, "[0]", "${aws_apigatewayv2_api.h[0].api_endpoint}/mcp", "aws_apigatewayv2_api.h[0]"],
    ["for_each, the API's id in the host", { for_each: '${toset(["prod"])}' }, '["prod"]', 'https://${aws_apigatewayv2_api.h["prod"].id}.execute-api.us-east-1.amazonaws.com/mcp', 'aws_apigatewayv2_api.h["prod"]'],
    ["for_each over two keys, the one the host names", { for_each: '${toset(["prod", "test"])}' }, "[each.key]", 'https://${aws_apigatewayv2_api.h["prod"].id}.execute-api.us-east-1.amazonaws.com/mcp', 'aws_apigatewayv2_api.h["prod"]'],
  ])("%s: the function behind it is the agent's, as from a single file (was an error naming a runtime)", async (_, meta, key, endpoint, by) => {
    const json = relay(endpoint, jwtApi(DESTROY, meta, key));
    const f = await folder(json);
    expect(graded(f)).toEqual(FN_ROUTE);
    expect(f[0].message).toContain(`calls ${by} with the token`);
    expect(f[0].message).toContain("which invokes aws_lambda_function.mcp");
    expect(graded(found(json))).toEqual(FN_ROUTE);
  });

  test("control: the same with a function that cannot delete: no finding from the folder or the file (was an error)", async () => {
    const json = relay("https://${aws_apigatewayv2_api.h[0].id}.execute-api.us-east-1.amazonaws.com/mcp", jwtApi(HARMLESS, { count: 1 }, "[0]"));
    expect(await folder(json)).toEqual([]);
    expect(found(json)).toEqual([]);
  });

  test("HCL: an API and function under count = var.enable ? 1 : 0 with a function that can only read: no finding (was an error)", async () => {
    const main = `
provider "aws" {
  region              = "us-east-1"
  allowed_account_ids = ["111111111111"]
}
variable "enable_mcp" {
  type    = bool
  default = true
}
resource "aws_iam_role" "agent" {
  name                 = "agent"
  path                 = "/agents/"
  tags                 = { "blastwall:agent" = "true" }
  assume_role_policy   = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { AWS = "arn:aws:iam::111111111111:role/runner" }, Action = "sts:AssumeRole" }] })
}
resource "aws_iam_role_policy" "agent" {
  role   = aws_iam_role.agent.name
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "bedrock-agentcore:InvokeGateway", Resource = aws_bedrockagentcore_gateway.gw.gateway_arn }] })
}
resource "aws_iam_role" "gw" {
  name               = "gw"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "bedrock-agentcore.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}
resource "aws_bedrockagentcore_gateway" "gw" {
  name            = "tools"
  role_arn        = aws_iam_role.gw.arn
  authorizer_type = "AWS_IAM"
  protocol_type   = "MCP"
}
resource "aws_iam_role" "fn" {
  name               = "mcp-fn"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "lambda.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}
resource "aws_iam_role_policy" "fn" {
  role   = aws_iam_role.fn.name
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "*" }] })
}
resource "aws_lambda_function" "mcp" {
  count         = var.enable_mcp ? 1 : 0
  function_name = "mcp"
  role          = aws_iam_role.fn.arn
  handler       = "index.handler"
  runtime       = "python3.12"
  filename      = "x.zip"
}
resource "aws_apigatewayv2_api" "mcp" {
  count         = var.enable_mcp ? 1 : 0
  name          = "mcp"
  protocol_type = "HTTP"
  target        = aws_lambda_function.mcp[0].arn
}
resource "aws_bedrockagentcore_gateway_target" "mcp" {
  count              = var.enable_mcp ? 1 : 0
  name               = "mcp"
  gateway_identifier = aws_bedrockagentcore_gateway.gw.gateway_id
  target_configuration {
    mcp {
      mcp_server {
        endpoint = "\${aws_apigatewayv2_api.mcp[0].api_endpoint}/mcp"
      }
    }
  }
  credential_provider_configuration {
    gateway_iam_role {}
  }
}
`;
    expect(await inFolder({ "main.tf": main })).toEqual([]);
  });

  test("an endpoint blastwall cannot read is not called a runtime: the message names what it may be, and the fix names a door's reference too", () => {
    const json = relay("${var.endpoint}", jwtApi(DESTROY));
    (json as { variable?: Obj }).variable = { endpoint: { type: "string" } };
    const f = found(json);
    expect(graded(f)).toEqual(UNKNOWN);
    expect(f[0].message).not.toContain("the execution role of an AgentCore runtime");
    expect(f[0].message).toContain("what the MCP server endpoint of aws_bedrockagentcore_gateway_target.t calls (blastwall cannot resolve");
    expect(f[0].message).toContain("an AgentCore runtime or a front door of this stack");
    expect(f[0].message).toContain("${aws_apigatewayv2_stage.NAME.invoke_url}");
  });

  test("control: an AgentCore runtime URL whose runtime cannot be told is still worded as a runtime", () => {
    const f = found(relay("https://bedrock-agentcore.us-east-1.amazonaws.com/runtimes/${urlencode(var.arn)}/invocations", {}));
    expect(graded(f)).toEqual(UNKNOWN);
    expect(f[0].message).toContain("the execution role of an AgentCore runtime the MCP server endpoint of aws_bedrockagentcore_gateway_target.t may name");
  });
});


/**
 * F4: an AgentCore runtime reached through an interface VPC endpoint's own DNS name (mcp-vpc-endpoints.ts), literal or
 * written with an `aws_vpc_endpoint` of the stack. It was read as a server elsewhere: no finding.
 */
describe("169a F4: an MCP server endpoint on an interface VPC endpoint", () => {
  const ARN = "arn%3Aaws%3Abedrock-agentcore%3Aus-east-1%3A111111111111%3Aruntime%2Fmcpsrv-AbCdEf1234";
  const OTHER = "arn%3Aaws%3Abedrock-agentcore%3Aus-east-1%3A222222222222%3Aruntime%2Fother-AbCdEf1234";
  const PATH = `/runtimes/${ARN}/invocations?qualifier=DEFAULT`;
  const VPCE = "vpce-0123456789abcdef0-abcdefgh";
  const runtime = (rights: string, service = "com.amazonaws.us-east-1.bedrock-agentcore"): Obj => ({
    ...role("rtrole", trust("bedrock-agentcore.amazonaws.com"), rights),
    "aws_bedrockagentcore_agent_runtime.rt": {
      agent_runtime_name: "mcpsrv",
      role_arn: "${aws_iam_role.rtrole.arn}",
      agent_runtime_artifact: [{ container_configuration: [{ container_uri: "111111111111.dkr.ecr.us-east-1.amazonaws.com/mcp:latest" }] }],
      network_configuration: [{ network_mode: "PUBLIC" }],
      protocol_configuration: [{ server_protocol: "MCP" }],
    },
    "aws_vpc_endpoint.ac": { vpc_id: "vpc-1", service_name: service, vpc_endpoint_type: "Interface" },
  });
  const withVar = (json: Obj): Obj => ({ ...json, variable: { service: { type: "string" } } });

  test.each([
    ["the endpoint's regional DNS name", `https://${VPCE}.bedrock-agentcore.us-east-1.vpce.amazonaws.com${PATH}`],
    ["a zonal DNS name", `https://${VPCE}-us-east-1a.bedrock-agentcore.us-east-1.vpce.amazonaws.com${PATH}`],
    ["the stack's endpoint by reference", `https://\${aws_vpc_endpoint.ac.dns_entry[0].dns_name}${PATH}`],
  ])("%s, AgentCore's data plane, naming the stack's runtime: InvokeGateway acts as the runtime's role, an error (was a pass)", (_, endpoint) => {
    const f = found(relay(endpoint, runtime(DESTROY)));
    expect(graded(f)).toEqual([["agent-transitive-destroy", "error"]]);
    expect(f[0].message).toContain("can act as aws_iam_role.rtrole");
  });

  test.each([
    ["a literal endpoint host with another account's runtime", `https://${VPCE}.bedrock-agentcore.us-east-1.vpce.amazonaws.com/runtimes/${OTHER}/invocations`, {}, "runtime arn:aws:bedrock-agentcore:us-east-1:222222222222:runtime/other-AbCdEf1234, which is none of this stack's"],
    ["the stack's endpoint with a runtime path blastwall cannot read", "https://${aws_vpc_endpoint.ac.dns_entry[0].dns_name}/runtimes/${var.rt}/invocations", {}, "blastwall cannot resolve"],
    ["the stack's endpoint whose service is a variable", `https://\${aws_vpc_endpoint.ac.dns_entry[0].dns_name}${PATH}`, { service: "${var.service}" }, "its host is aws_vpc_endpoint.ac's, an interface VPC endpoint whose service_name blastwall cannot read"],
    ["the stack's endpoint of another service", `https://\${aws_vpc_endpoint.ac.dns_entry[0].dns_name}/mcp`, { service: "com.amazonaws.us-east-1.execute-api" }, "an interface VPC endpoint of com.amazonaws.us-east-1.execute-api, which blastwall does not read as a door"],
    ["a literal endpoint host of another service", `https://${VPCE}.execute-api.us-east-1.vpce.amazonaws.com/mcp`, {}, `${VPCE}.execute-api.us-east-1.vpce.amazonaws.com is an interface VPC endpoint of execute-api in us-east-1`],
  ])("%s: unknown reach, an error naming why (was a pass)", (_, endpoint, over, why) => {
    const extra = runtime(DESTROY, (over as { service?: string }).service);
    const f = found(withVar(relay(endpoint, extra)));
    expect(graded(f)).toEqual(UNKNOWN);
    expect(f[0].message).toContain("MCP server endpoint of aws_bedrockagentcore_gateway_target.t");
    expect(f[0].message).toContain(why);
  });

  test("controls: the runtime's role cannot delete, or the host is a partner's: no finding", () => {
    expect(found(relay(`https://${VPCE}.bedrock-agentcore.us-east-1.vpce.amazonaws.com${PATH}`, runtime(HARMLESS)))).toEqual([]);
    expect(found(relay(`https://\${aws_vpc_endpoint.ac.dns_entry[0].dns_name}${PATH}`, runtime(HARMLESS)))).toEqual([]);
    expect(found(relay("https://mcp.partner.example/mcp", runtime(DESTROY)))).toEqual([]);
  });
});

/**
 * F8: a value blastwall cannot evaluate in the URL's user name or password may hold `/`, `?`, `#` or `@`, which ends
 * the authority early (`bedrock-agentcore.us-east-1.amazonaws.com/runtimes/ARN/invocations?` makes the host AgentCore's
 * and the written host part of the query): the host may be any. It was read as the written host, a server elsewhere.
 */
describe("169a F8: a placeholder before the host's @", () => {
  const RUNTIME: Obj = {
    ...role("rtrole", trust("bedrock-agentcore.amazonaws.com"), DESTROY),
    "aws_bedrockagentcore_agent_runtime.rt": { agent_runtime_name: "mcpsrv", role_arn: "${aws_iam_role.rtrole.arn}", network_configuration: [{ network_mode: "PUBLIC" }], protocol_configuration: [{ server_protocol: "MCP" }] },
    "aws_ssm_parameter.user": { name: "user", type: "String", value: "x" },
  };
  const vars = (json: Obj): Obj => ({ ...json, variable: { user: { type: "string" }, pass: { type: "string" }, p: { type: "string" } } });

  test.each([
    ["a variable as the user name", "https://${var.user}@mcp.partner.example/mcp"],
    ["basic auth from variables", "https://${var.user}:${var.pass}@mcp.partner.example/mcp"],
    ["a literal user, the password from a resource", "https://bot:${aws_ssm_parameter.user.value}@mcp.partner.example/mcp"],
  ])("%s: unknown reach, an error saying why (was a pass)", (_, endpoint) => {
    const f = found(vars(relay(endpoint, RUNTIME)));
    expect(graded(f)).toEqual(UNKNOWN);
    expect(f[0].message).toContain("has a part blastwall cannot evaluate before the host's @ (the user name or password)");
  });

  test("controls: a literal user and password, a placeholder in the path or the query after the host: the partner's server, no finding", () => {
    expect(found(vars(relay("https://bot:secret@mcp.partner.example/mcp", RUNTIME)))).toEqual([]);
    expect(found(vars(relay("https://mcp.partner.example/${var.p}", RUNTIME)))).toEqual([]);
    expect(found(vars(relay("https://mcp.partner.example/mcp?key=${var.p}", RUNTIME)))).toEqual([]);
  });
});

/**
 * F9: `disable_execute_api_endpoint = true` takes effect only with a new deployment (a REST API's, or an HTTP API's
 * without auto-deploy). Set on an API already deployed, the execute-api endpoint keeps serving until one comes: it
 * counts as off only where the stack redeploys on a change of the API itself.
 */
describe("169a F9: a disabled default endpoint counts as off only where a change of the API is deployed", () => {
  const api = (stage: Obj, more: Obj = {}): Obj => {
    const base = jwtApi(DESTROY);
    return { ...base, "aws_apigatewayv2_api.h": { name: "mcp", protocol_type: "HTTP", disable_execute_api_endpoint: true }, "aws_apigatewayv2_stage.s": { api_id: "${aws_apigatewayv2_api.h.id}", name: "prod", ...stage }, ...more };
  };
  const deployment = (triggers: string): Obj => ({ "aws_apigatewayv2_deployment.d": { api_id: "${aws_apigatewayv2_api.h.id}", triggers: { redeployment: triggers } } });
  const ENDPOINT = "${aws_apigatewayv2_stage.s.invoke_url}/mcp";

  test.each([
    ["a deployment triggered only by routes and integrations", { auto_deploy: false, deployment_id: "${aws_apigatewayv2_deployment.d.id}" }, deployment("${sha1(jsonencode([aws_apigatewayv2_route.r, aws_apigatewayv2_integration.i]))}")],
    ["no auto-deploy and no deployment in the stack", { auto_deploy: false }, {}],
    ["auto-deploy written as a variable", { auto_deploy: "${var.auto}" }, {}],
  ])("%s: the endpoint may still serve the function, a warning (was no finding)", (_, stage, more) => {
    const json = { ...relay(ENDPOINT, api(stage, more)), variable: { auto: { type: "bool" } } };
    expect(graded(found(json))).toEqual(FN_ROUTE);
  });

  test.each([
    ["auto_deploy = true", { auto_deploy: true }, {}],
    ["a deployment triggered by the whole API", { auto_deploy: false, deployment_id: "${aws_apigatewayv2_deployment.d.id}" }, deployment("${sha1(jsonencode([aws_apigatewayv2_api.h, aws_apigatewayv2_route.r]))}")],
    ["a deployment triggered by the switch itself", { auto_deploy: false }, deployment("${aws_apigatewayv2_api.h.disable_execute_api_endpoint}")],
  ])("controls: %s: the switch is deployed, nothing answers there, no finding", (_, stage, more) => {
    expect(found(relay(ENDPOINT, api(stage, more)))).toEqual([]);
  });
});
