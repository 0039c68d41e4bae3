/**
 * Red-team round 158 on AgentCore:
 * - F1: a runtime with an inbound JWT authorizer (`authorizer_configuration.custom_jwt_authorizer`) takes a bearer
 *   token, no IAM right: an issuer anyone gets a token of opens its execution role to every agent (an error), read as a
 *   gateway's authorizer is; a closed user pool of the stack to whoever may make itself a user of it;
 * - F4: invoking a runtime through a named endpoint (a reference to the endpoint, `${runtime_arn}/runtime-endpoint/*`)
 *   names the stack's runtime, not compute outside the stack;
 * - F5: a Deny of the agent's own written `arn:aws:`, `arn:*:` or by reference closes a compute chain (a runtime, a
 *   state machine) and a gateway's doors, as it closes the routes into functions.
 */
import { check, policy, tf } from "../helpers/tf";
import { agentCan, DESTROY, HARMLESS, role, type Obj } from "../helpers/sessions";

const PINNED = { provider: { aws: [{ region: "us-east-1", allowed_account_ids: ["111111111111"] }] } };
const AC = policy({ Effect: "Allow", Principal: { Service: "bedrock-agentcore.amazonaws.com" }, Action: "sts:AssumeRole" });
const allow = (action: string | string[], resource: unknown) => ({ Effect: "Allow", Action: action, Resource: resource });
const deny = (action: string | string[], resource: unknown) => ({ Effect: "Deny", Action: action, Resource: resource });
const NOTHING = allow("s3:GetObject", "arn:aws:s3:::docs/*");
const INVOKE = "bedrock-agentcore:InvokeAgentRuntime";
const RT_ARN = "${aws_bedrockagentcore_agent_runtime.rt.agent_runtime_arn}";

const RUNTIME = (extra: Obj = {}, rights = DESTROY): Obj => ({
  ...role("rtrole", AC, rights),
  "aws_bedrockagentcore_agent_runtime.rt": {
    agent_runtime_name: "opsagent",
    role_arn: "${aws_iam_role.rtrole.arn}",
    agent_runtime_artifact: [{ container_configuration: [{ container_uri: "111111111111.dkr.ecr.us-east-1.amazonaws.com/ops:1" }] }],
    network_configuration: [{ network_mode: "PUBLIC" }],
    ...extra,
  },
});
const ENDPOINT: Obj = { "aws_bedrockagentcore_agent_runtime_endpoint.e": { name: "prod", agent_runtime_id: "${aws_bedrockagentcore_agent_runtime.rt.agent_runtime_id}" } };
const JWT = (url: unknown, more: Obj = {}): Obj => ({ authorizer_configuration: [{ custom_jwt_authorizer: [{ discovery_url: url, allowed_audience: ["ops"], ...more }] }] });
const GOOGLE = "https://accounts.google.com/.well-known/openid-configuration";
const OUTSIDE_POOL = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_abc/.well-known/openid-configuration";
const OWN_POOL = "https://cognito-idp.us-east-1.amazonaws.com/${aws_cognito_user_pool.p.id}/.well-known/openid-configuration";
const POOL = (adminOnly: boolean): Obj => ({ "aws_cognito_user_pool.p": { name: "staff", admin_create_user_config: [{ allow_admin_create_user_only: adminOnly }] } });

const stack = (statements: Obj[], extra: Obj): Obj => tf({ ...agentCan(...statements), ...extra }, PINNED);
const found = (json: Obj) =>
  check(json)
    .findings.filter((f) => f.ruleId === "agent-transitive-destroy" || f.ruleId === "agent-reach-unknown")
    .map((f) => ({ rule: f.ruleId, severity: f.severity, resource: f.resource, message: f.message, evidence: JSON.stringify(f.evidence) }));
const graded = (json: Obj) => found(json).map((x) => [x.rule, x.severity, x.resource]);
const TO_ROLE = [["agent-transitive-destroy", "error", "aws_iam_role.rtrole"]];
const UNKNOWN = [["agent-reach-unknown", "error", "aws_iam_role_policy.agent"]];

describe("158 F1: a runtime's inbound JWT authorizer", () => {
  test.each([["Google", GOOGLE], ["a user pool outside the stack", OUTSIDE_POOL], ["an issuer blastwall cannot read", "${var.issuer}"]])("on %s: every agent acts as the runtime's role, with no right (was no finding)", (_, url) => {
    const json = stack([NOTHING], RUNTIME(JWT(url)));
    expect(graded(json)).toEqual(TO_ROLE);
    const f = found(json)[0];
    expect(f.message).toContain("--an authorizer anyone passes on aws_bedrockagentcore_agent_runtime.rt--> aws_iam_role.rtrole");
    expect(f.evidence).toContain("an AgentCore agent runtime whose inbound JWT authorizer (authorizer_configuration) takes tokens of");
    expect(f.evidence).toContain("remove the authorizer_configuration of aws_bedrockagentcore_agent_runtime.rt");
  });

  test("an authorizer_configuration blastwall cannot read counts as one on any issuer", () => {
    expect(graded(stack([NOTHING], RUNTIME({ authorizer_configuration: "${var.auth}" })))).toEqual(TO_ROLE);
  });

  test("a user pool of the stack anyone may sign up to opens it; an admin-only one does not", () => {
    expect(graded(stack([NOTHING], { ...POOL(false), ...RUNTIME(JWT(OWN_POOL)) }))).toEqual(TO_ROLE);
    expect(graded(stack([NOTHING], { ...POOL(true), ...RUNTIME(JWT(OWN_POOL)) }))).toEqual([]);
  });

  test("an admin-only pool of the stack still admits whoever may make itself a user of it (AdminCreateUser)", () => {
    const json = stack([allow(["cognito-idp:AdminCreateUser", "cognito-idp:AdminSetUserPassword"], "${aws_cognito_user_pool.p.arn}")], { ...POOL(true), ...RUNTIME(JWT(OWN_POOL)) });
    expect(graded(json)).toEqual(TO_ROLE);
    expect(found(json)[0].evidence).toContain("make itself a user of aws_cognito_user_pool.p");
  });

  test("controls: no authorizer_configuration (SigV4) and no right; a role that cannot delete", () => {
    expect(graded(stack([NOTHING], RUNTIME()))).toEqual([]);
    expect(graded(stack([NOTHING], RUNTIME({ authorizer_configuration: [] })))).toEqual([]);
    expect(graded(stack([NOTHING], RUNTIME(JWT(GOOGLE), HARMLESS)))).toEqual([]);
  });
});

describe("158 F4: a runtime invoked through a named endpoint is the stack's runtime", () => {
  test.each([
    ["${aws_bedrockagentcore_agent_runtime_endpoint.e.agent_runtime_endpoint_arn}"],
    [[RT_ARN, `${RT_ARN}/runtime-endpoint/*`]],
    [`${RT_ARN}/runtime-endpoint/prod`],
    [[RT_ARN, "${aws_bedrockagentcore_agent_runtime_endpoint.e.agent_runtime_endpoint_arn}"]],
  ])("InvokeAgentRuntime on %j: no finding with a harmless role (was agent-reach-unknown), the chain alone with a destroying one", (resource) => {
    expect(graded(stack([allow(INVOKE, resource)], { ...RUNTIME({}, HARMLESS), ...ENDPOINT }))).toEqual([]);
    expect(graded(stack([allow(INVOKE, resource)], { ...RUNTIME(), ...ENDPOINT }))).toEqual(TO_ROLE);
  });

  test("controls: an endpoint whose runtime blastwall cannot tell, a hand-written wildcard after the name: runtimes outside the stack", () => {
    const loose = { "aws_bedrockagentcore_agent_runtime_endpoint.e": { name: "prod", agent_runtime_id: "${var.runtime}" } };
    expect(graded(stack([allow(INVOKE, "${aws_bedrockagentcore_agent_runtime_endpoint.e.agent_runtime_endpoint_arn}")], { ...RUNTIME({}, HARMLESS), ...loose }))).toEqual(UNKNOWN);
    expect(graded(stack([allow(INVOKE, `${RT_ARN}*/runtime-endpoint/*`)], { ...RUNTIME({}, HARMLESS), ...ENDPOINT }))).toEqual(UNKNOWN);
  });
});

describe("158 F5: a Deny of the agent's own closes compute chains and gateway doors", () => {
  test.each([["arn:aws:bedrock-agentcore:*:*:runtime/*"], ["arn:*:bedrock-agentcore:*:*:runtime/*"], ["*"]])("InvokeAgentRuntime on * with a Deny on %s: no finding (was two errors)", (resource) => {
    expect(graded(stack([allow(INVOKE, "*"), deny(INVOKE, resource)], RUNTIME()))).toEqual([]);
  });

  test("a Deny by reference on the runtime and its endpoints closes the chain; runtimes outside the stack stay unknown", () => {
    expect(graded(stack([allow(INVOKE, "*"), deny(INVOKE, [RT_ARN, `${RT_ARN}/*`])], RUNTIME()))).toEqual(UNKNOWN);
    expect(graded(stack([allow(INVOKE, RT_ARN), deny(INVOKE, [RT_ARN, `${RT_ARN}/*`])], RUNTIME()))).toEqual([]);
  });

  test("states:StartExecution on * with a Deny on arn:*:states:*:*:stateMachine:*: no finding (was two errors)", () => {
    const sm = { ...role("sfn", policy({ Effect: "Allow", Principal: { Service: "states.amazonaws.com" }, Action: "sts:AssumeRole" }), DESTROY), "aws_sfn_state_machine.sm": { name: "ops", role_arn: "${aws_iam_role.sfn.arn}", definition: "{}" } };
    expect(graded(stack([allow("states:StartExecution", "*"), deny("states:StartExecution", "arn:*:states:*:*:stateMachine:*")], sm))).toEqual([]);
    expect(graded(stack([allow("states:StartExecution", "*"), deny("states:StartExecution", "${aws_sfn_state_machine.sm.arn}")], sm)).map((x) => x[0]).sort()).toEqual(["agent-reach-unknown", "agent-transitive-destroy"]);
  });

  test("controls: a Deny of the runtime alone (not its endpoints), another partition, a conditional Deny: the chain stays", () => {
    expect(graded(stack([allow(INVOKE, RT_ARN), deny(INVOKE, RT_ARN)], RUNTIME()))).toEqual(TO_ROLE);
    expect(graded(stack([allow(INVOKE, RT_ARN), deny(INVOKE, "arn:aws-cn:bedrock-agentcore:*:*:runtime/*")], RUNTIME()))).toEqual(TO_ROLE);
    expect(graded(stack([allow(INVOKE, RT_ARN), { ...deny(INVOKE, "*"), Condition: { Bool: { "aws:MultiFactorAuthPresent": "false" } } }], RUNTIME()))).toEqual(TO_ROLE);
  });

  const GATEWAY: Obj = {
    ...role("gwrole", AC, DESTROY),
    "aws_bedrockagentcore_gateway.gw": { name: "tools", role_arn: "${aws_iam_role.gwrole.arn}", authorizer_type: "AWS_IAM", protocol_type: "MCP" },
    "aws_bedrockagentcore_gateway_target.t": { name: "t", gateway_identifier: "${aws_bedrockagentcore_gateway.gw.gateway_id}", credential_provider_configuration: [{ gateway_iam_role: [{}] }], target_configuration: [{ mcp: [{ smithy_model: [{ s3: [{ uri: "s3://m/ddb.json" }] }] }] }] },
  };
  const GW = "bedrock-agentcore:InvokeGateway";
  test.each([["arn:aws:bedrock-agentcore:*:*:gateway/*"], ["${aws_bedrockagentcore_gateway.gw.gateway_arn}"]])("a gateway's Smithy door with a Deny on %s: no finding (was an error)", (resource) => {
    expect(graded(stack([allow(GW, "*"), deny(GW, resource)], GATEWAY))).toEqual([]);
  });

  test("control: a Deny on another service's ARN leaves the gateway's door open", () => {
    expect(graded(stack([allow(GW, "*"), deny(GW, "arn:aws:bedrock-agentcore:*:*:runtime/*")], GATEWAY))).toEqual([["agent-transitive-destroy", "error", "aws_iam_role.gwrole"]]);
  });
});
