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
