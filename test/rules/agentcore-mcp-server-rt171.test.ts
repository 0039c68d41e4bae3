/**
 * Red-team round 171a F2: an MCP server endpoint on AWS's dual-stack domain (`ID.execute-api.REGION.api.aws`) was taken
 * for a server outside AWS, so a hard-coded dual-stack URL of an API passed with no finding where the `amazonaws.com`
 * spelling gave agent-reach-unknown. Both spellings are read as the same door, and any other `*.api.aws` host blastwall
 * cannot tie is an AWS door it cannot see behind.
 */
import { check, policy, tf } from "../helpers/tf";
import { agentCan, DESTROY, HARMLESS, role, type Obj } from "../helpers/sessions";
import type { Report } from "../../lib/report/types";

const PINNED = { provider: { aws: [{ region: "us-east-1", allowed_account_ids: ["111111111111"] }] } };
const trust = (service: string) => policy({ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" });
const INVOKE = { Effect: "Allow", Action: "bedrock-agentcore:InvokeGateway", Resource: "${aws_bedrockagentcore_gateway.gw.gateway_arn}" };
const OAUTH = [{ oauth: [{ provider_arn: "arn:aws:bedrock-agentcore:us-east-1:111111111111:token-vault/default/oauth2credentialprovider/mcp", scopes: ["invoke"] }] }];

/** The gateway `gw` (the agent may InvokeGateway on it) with one MCP server target on `endpoint`, and an HTTP API `h` whose function can delete. */
const relay = (endpoint: string): Obj =>
  tf(
    {
      ...agentCan(INVOKE),
      ...role("gwrole", trust("bedrock-agentcore.amazonaws.com"), HARMLESS),
      "aws_bedrockagentcore_gateway.gw": { name: "tools", role_arn: "${aws_iam_role.gwrole.arn}", authorizer_type: "AWS_IAM", protocol_type: "MCP" },
      "aws_bedrockagentcore_gateway_target.t": { name: "t", gateway_identifier: "${aws_bedrockagentcore_gateway.gw.gateway_id}", target_configuration: [{ mcp: [{ mcp_server: [{ endpoint }] }] }], credential_provider_configuration: OAUTH },
      ...role("mcp", trust("lambda.amazonaws.com"), DESTROY),
      "aws_lambda_function.mcp": { function_name: "mcp", role: "${aws_iam_role.mcp.arn}", handler: "index.handler", runtime: "python3.12", filename: "x.zip" },
      "aws_apigatewayv2_api.h": { name: "mcp", protocol_type: "HTTP" },
      "aws_apigatewayv2_integration.i": { api_id: "${aws_apigatewayv2_api.h.id}", integration_type: "AWS_PROXY", integration_uri: "${aws_lambda_function.mcp.arn}", payload_format_version: "2.0" },
      "aws_apigatewayv2_route.r": { api_id: "${aws_apigatewayv2_api.h.id}", route_key: "POST /mcp", target: "integrations/${aws_apigatewayv2_integration.i.id}", authorization_type: "NONE" },
      "aws_apigatewayv2_stage.s": { api_id: "${aws_apigatewayv2_api.h.id}", name: "$default", auto_deploy: true },
    },
    PINNED,
  );

// The API's own route (open to anyone) is a finding of its own: only those through the gateway target count here.
const pick = (r: Report) => r.findings.filter((f) => (f.ruleId === "agent-transitive-destroy" || f.ruleId === "agent-reach-unknown") && f.message.includes("bedrock-agentcore:InvokeGateway")).map((f) => ({ rule: f.ruleId, severity: f.severity, message: f.message }));
const found = (endpoint: string) => pick(check(relay(endpoint)));
const graded = (endpoint: string) => found(endpoint).map((f) => [f.rule, f.severity]);

describe("171a F2: AWS's dual-stack domain is AWS", () => {
  test("a literal API host on api.aws is an API Gateway door blastwall cannot tie, as on amazonaws.com", () => {
    const dual = found("https://abc123.execute-api.us-east-1.api.aws/mcp");
    expect(dual.map((f) => f.rule)).toContain("agent-reach-unknown");
    expect(dual.find((f) => f.rule === "agent-reach-unknown")!.message).toMatch(/abc123\.execute-api\.us-east-1\.api\.aws is an API Gateway API whose id abc123/);
    expect(graded("https://abc123.execute-api.us-east-1.api.aws/mcp")).toEqual(graded("https://abc123.execute-api.us-east-1.amazonaws.com/mcp"));
    // China's dual-stack domain and an AgentCore gateway's host likewise.
    expect(graded("https://abc123.execute-api.cn-north-1.api.amazonwebservices.com.cn/mcp")).toEqual(graded("https://abc123.execute-api.cn-north-1.amazonaws.com.cn/mcp"));
    expect(found("https://gw-1.gateway.bedrock-agentcore.us-east-1.api.aws/mcp").find((f) => f.rule === "agent-reach-unknown")?.message).toMatch(/is an AgentCore gateway whose id gw-1/);
  });

  test("a dual-stack host written with the API's id is linked to the API, as the amazonaws.com one is", () => {
    // The whole report: the route through the gateway joins the API's own finding.
    const all = (endpoint: string) => check(relay(endpoint)).findings.map((f) => [f.ruleId, f.severity, f.message]);
    const v4 = all("https://${aws_apigatewayv2_api.h.id}.execute-api.us-east-1.amazonaws.com/mcp");
    expect(all("https://${aws_apigatewayv2_api.h.id}.execute-api.us-east-1.api.aws/mcp")).toEqual(v4);
  });

  test("any other api.aws host is an AWS door blastwall cannot see behind, never nothing", () => {
    const f = found("https://things.us-east-1.api.aws/mcp");
    expect(f.map((x) => x.rule)).toEqual(["agent-reach-unknown"]);
    expect(f[0].message).toMatch(/things\.us-east-1\.api\.aws is an AWS dual-stack host blastwall cannot tie to a door of this stack/);
  });

  test("an AgentCore runtime URL on the dual-stack host is read as a runtime URL, as on amazonaws.com", () => {
    const path = "/runtimes/arn%3Aaws%3Abedrock-agentcore%3Aus-east-1%3A111111111111%3Aruntime%2Fother-abc/invocations";
    const dual = found(`https://bedrock-agentcore.us-east-1.api.aws${path}`);
    const v4 = found(`https://bedrock-agentcore.us-east-1.amazonaws.com${path}`);
    expect(dual.map((f) => [f.rule, f.severity])).toEqual(v4.map((f) => [f.rule, f.severity]));
    expect(dual.length).toBeGreaterThan(0);
  });

  test("controls: a partner's host, and hosts that only contain api.aws, are servers elsewhere: no finding", () => {
    expect(found("https://mcp.partner.example.com/mcp")).toEqual([]);
    expect(found("https://api.aws.partner.example.com/mcp")).toEqual([]);
    expect(found("https://abc123.execute-api.us-east-1.api.aws.example.com/mcp")).toEqual([]);
    expect(found("https://myapi.aws/mcp")).toEqual([]);
  });
});
