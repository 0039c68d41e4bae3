/**
 * Red-team round 156: an AgentCore gateway is a front door (engine/reach/gateway-doors.ts). A Smithy model target (F1)
 * turns tool calls into AWS API calls signed with the gateway's role: whoever may call the gateway acts as that role,
 * in every right of it (the model is not read), a chain graded as what it reaches, as an API Gateway AWS integration's
 * credentials role is. A Lambda target, and an interceptor Lambda that gets every request (F3), run the function with
 * the caller's arguments: a route into it (a warning, an error under --strict), as an API method into a function is.
 * Who may call: bedrock-agentcore:InvokeGateway under AWS_IAM; under CUSTOM_JWT, whoever gets a token the discovery
 * URL's issuer gives (a user pool anyone may sign up to, one outside the stack, a public issuer).
 */
import { check, policy, tf } from "../helpers/tf";
import { agentCan, DESTROY, HARMLESS, role, type Obj } from "../helpers/sessions";

const PINNED = { provider: { aws: [{ region: "us-east-1", allowed_account_ids: ["111111111111"] }] } };
const trust = (service: string) => policy({ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" });
const allow = (action: string | string[], resource: unknown) => ({ Effect: "Allow", Action: action, Resource: resource });
const NOTHING = allow("s3:GetObject", "arn:aws:s3:::docs/*");
const INVOKE = (resource: unknown = "${aws_bedrockagentcore_gateway.gw.gateway_arn}") => allow("bedrock-agentcore:InvokeGateway", resource);

const FUNCTION = (rights = DESTROY): Obj => ({
  ...role("fn", trust("lambda.amazonaws.com"), rights),
  "aws_lambda_function.cleanup": { function_name: "db-cleanup", role: "${aws_iam_role.fn.arn}", handler: "index.handler", runtime: "python3.12", filename: "x.zip" },
});
const ISSUER_OUTSIDE = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_abc/.well-known/openid-configuration";
const GATEWAY = (auth = "AWS_IAM", extra: Obj = {}, rights = DESTROY): Obj => ({
  ...role("gwrole", trust("bedrock-agentcore.amazonaws.com"), rights),
  "aws_bedrockagentcore_gateway.gw": {
    name: "tools",
    role_arn: "${aws_iam_role.gwrole.arn}",
    authorizer_type: auth,
    protocol_type: "MCP",
    ...(auth === "CUSTOM_JWT" ? { authorizer_configuration: [{ custom_jwt_authorizer: [{ discovery_url: ISSUER_OUTSIDE, allowed_audience: ["tools"] }] }] } : {}),
    ...extra,
  },
});
const TARGET = (mcp: Obj, creds: Obj = { gateway_iam_role: [{}] }): Obj => ({
  "aws_bedrockagentcore_gateway_target.t": { name: "t", gateway_identifier: "${aws_bedrockagentcore_gateway.gw.gateway_id}", credential_provider_configuration: [creds], target_configuration: [{ mcp: [mcp] }] },
});
const SMITHY = { smithy_model: [{ s3: [{ uri: "s3://models/dynamodb.json" }] }] };
const LAMBDA = { lambda: [{ lambda_arn: "${aws_lambda_function.cleanup.arn}", tool_schema: [{ inline_payload: [{ name: "delete_table", description: "Deletes a table" }] }] }] };

const stack = (statements: Obj[], extra: Obj): Obj => tf({ ...agentCan(...statements), ...extra }, PINNED);
const found = (json: Obj, strict = false) =>
  check(json, {}, { strict })
    .findings.filter((f) => f.ruleId === "agent-transitive-destroy" || f.ruleId === "agent-reach-unknown")
    .map((f) => ({ rule: f.ruleId, severity: f.severity, resource: f.resource, message: f.message, fix: f.fix ?? "", evidence: JSON.stringify(f.evidence) }));
const graded = (json: Obj) => [...found(json).map((x) => [x.severity, x.resource]), ...found(json, true).map((x) => [x.severity, x.resource])];
const OPEN_ROUTE = [
  ["warning", "aws_lambda_function.cleanup"],
  ["error", "aws_lambda_function.cleanup"],
];
const TO_GATEWAY_ROLE = [
  ["error", "aws_iam_role.gwrole"],
  ["error", "aws_iam_role.gwrole"],
];

describe("F1: a gateway target that makes AWS calls as the gateway's role", () => {
  test.each([["${aws_bedrockagentcore_gateway.gw.gateway_arn}"], ["*"], ["arn:aws:bedrock-agentcore:us-east-1:111111111111:gateway/*"]])("a Smithy model target: InvokeGateway on %s acts as the gateway's role, an error", (resource) => {
    const json = stack([INVOKE(resource)], { ...GATEWAY(), ...TARGET(SMITHY) });
    expect(graded(json)).toEqual(TO_GATEWAY_ROLE);
    const f = found(json)[0];
    expect(f.message).toContain("--bedrock-agentcore:InvokeGateway on aws_bedrockagentcore_gateway_target.t--> aws_iam_role.gwrole");
    expect(f.evidence).toContain("lets it call aws_bedrockagentcore_gateway.gw, whose aws_bedrockagentcore_gateway_target.t makes the service act as aws_iam_role.gwrole with any of its rights");
    expect(f.evidence).toContain("a Smithy model target, which turns tool calls into calls to the AWS service its model describes");
  });

  test("an OpenAPI target signed with the gateway's role acts as it; with an API key it does not", () => {
    const openapi = { open_api_schema: [{ inline_payload: [{ payload: "{}" }] }] };
    expect(graded(stack([INVOKE()], { ...GATEWAY(), ...TARGET(openapi) }))).toEqual(TO_GATEWAY_ROLE);
    expect(found(stack([INVOKE()], { ...GATEWAY(), ...TARGET(openapi, { api_key: [{ provider_arn: "arn:aws:bedrock-agentcore:us-east-1:111111111111:token-vault/default/apikeycredentialprovider/k" }] }) }))).toEqual([]);
  });

  test("a target blastwall cannot read counts as one that acts as the role", () => {
    const json = stack([INVOKE()], { ...GATEWAY(), "aws_bedrockagentcore_gateway_target.t": { name: "t", gateway_identifier: "${aws_bedrockagentcore_gateway.gw.gateway_id}", target_configuration: "${var.target}" } });
    expect(graded(json)).toEqual(TO_GATEWAY_ROLE);
    expect(found(json)[0].evidence).toContain("a target whose configuration blastwall cannot read");
  });

  test("a CUSTOM_JWT gateway on a user pool outside the stack is every agent's, with no right", () => {
    const json = stack([NOTHING], { ...GATEWAY("CUSTOM_JWT"), ...TARGET(SMITHY) });
    expect(graded(json)).toEqual(TO_GATEWAY_ROLE);
    const f = found(json)[0];
    expect(f.message).toContain("--an authorizer anyone passes on aws_bedrockagentcore_gateway_target.t--> aws_iam_role.gwrole");
    expect(f.evidence).toContain('an AgentCore gateway (authorizer_type \\"CUSTOM_JWT\\") whose JWT authorizer takes tokens of user pool https://cognito-idp.us-east-1.amazonaws.com/us-east-1_abc, a user pool blastwall cannot find in the stack');
  });

  test("controls: no InvokeGateway, InvokeGateway on another gateway, a role that cannot delete, an MCP server target", () => {
    expect(found(stack([NOTHING], { ...GATEWAY(), ...TARGET(SMITHY) }))).toEqual([]);
    expect(found(stack([INVOKE("arn:aws:bedrock-agentcore:us-east-1:111111111111:runtime/*")], { ...GATEWAY(), ...TARGET(SMITHY) }))).toEqual([]);
    expect(found(stack([INVOKE()], { ...GATEWAY("AWS_IAM", {}, HARMLESS), ...TARGET(SMITHY) }))).toEqual([]);
    expect(found(stack([INVOKE()], { ...GATEWAY(), ...TARGET({ mcp_server: [{ endpoint: "https://mcp.example.com" }] }, { oauth: [{ provider_arn: "arn:x", scopes: ["a"] }] }) }))).toEqual([]);
  });

  test("a CUSTOM_JWT gateway on an admin-only user pool of the stack admits no stranger: no path without a right", () => {
    const pool = (adminOnly: boolean) => ({ "aws_cognito_user_pool.p": { name: "staff", admin_create_user_config: [{ allow_admin_create_user_only: adminOnly }] } });
    const jwt = { authorizer_configuration: [{ custom_jwt_authorizer: [{ discovery_url: "https://cognito-idp.us-east-1.amazonaws.com/${aws_cognito_user_pool.p.id}/.well-known/openid-configuration" }] }] };
    expect(found(stack([NOTHING], { ...pool(true), ...GATEWAY("CUSTOM_JWT", jwt), ...TARGET(SMITHY) }))).toEqual([]);
    const open = stack([NOTHING], { ...pool(false), ...GATEWAY("CUSTOM_JWT", jwt), ...TARGET(SMITHY) });
    expect(graded(open)).toEqual(TO_GATEWAY_ROLE);
    expect(found(open)[0].evidence).toContain("aws_cognito_user_pool.p, a user pool that lets anyone sign up");
  });

  test("a gateway with authorizer_type NONE or one blastwall cannot read, or a target on a gateway outside the stack, is every agent's", () => {
    for (const auth of ["NONE", "${var.auth}"]) expect(graded(stack([NOTHING], { ...GATEWAY(auth), ...TARGET(SMITHY) }))).toEqual(TO_GATEWAY_ROLE);
    const outside = stack([NOTHING], { "aws_bedrockagentcore_gateway_target.t": { name: "t", gateway_identifier: "tools-abcdefghij", credential_provider_configuration: [{ gateway_iam_role: [{}] }], target_configuration: [{ mcp: [SMITHY] }] } });
    const f = found(outside);
    expect(f.map((x) => [x.rule, x.severity])).toEqual([["agent-reach-unknown", "error"]]);
    expect(f[0].evidence).toContain("a target of an AgentCore gateway blastwall cannot find in the stack (gateway_identifier)");
  });
});

describe("F3: a gateway's Lambda target and interceptor are routes into the function", () => {
  test.each([["${aws_bedrockagentcore_gateway.gw.gateway_arn}"], ["*"]])("a Lambda target: InvokeGateway on %s is a route, a warning (an error under --strict)", (resource) => {
    const json = stack([INVOKE(resource)], { ...FUNCTION(), ...GATEWAY("AWS_IAM", {}, HARMLESS), ...TARGET(LAMBDA) });
    expect(graded(json)).toEqual(OPEN_ROUTE);
    expect(found(json)[0].message).toContain("can call tools of aws_bedrockagentcore_gateway.gw (bedrock-agentcore:InvokeGateway");
    expect(found(json)[0].message).toContain("whose Lambda target aws_bedrockagentcore_gateway_target.t invokes aws_lambda_function.cleanup");
  });

  test("a Lambda target behind a JWT authorizer anyone passes is every agent's", () => {
    const json = stack([NOTHING], { ...FUNCTION(), ...GATEWAY("CUSTOM_JWT", {}, HARMLESS), ...TARGET(LAMBDA) });
    expect(graded(json)).toEqual(OPEN_ROUTE);
    expect(found(json)[0].fix).toContain('set authorizer_type = "AWS_IAM" on aws_bedrockagentcore_gateway.gw, or take the function off aws_bedrockagentcore_gateway_target.t');
  });

  test("an interceptor Lambda gets every request: a route for whoever may call the gateway, with no target at all", () => {
    const interceptor = { interceptor_configuration: [{ interception_points: ["REQUEST"], interceptor: [{ lambda: [{ arn: "${aws_lambda_function.cleanup.arn}" }] }] }] };
    const json = stack([INVOKE()], { ...FUNCTION(), ...GATEWAY("AWS_IAM", interceptor, HARMLESS) });
    expect(graded(json)).toEqual(OPEN_ROUTE);
    expect(found(json)[0].message).toContain("whose interceptor (it gets every request) is aws_lambda_function.cleanup");
    expect(found(stack([NOTHING], { ...FUNCTION(), ...GATEWAY("AWS_IAM", interceptor, HARMLESS) }))).toEqual([]);
  });

  test("controls: no InvokeGateway; a function that cannot delete", () => {
    expect(found(stack([NOTHING], { ...FUNCTION(), ...GATEWAY("AWS_IAM", {}, HARMLESS), ...TARGET(LAMBDA) }))).toEqual([]);
    expect(found(stack([INVOKE()], { ...FUNCTION(HARMLESS), ...GATEWAY("AWS_IAM", {}, HARMLESS), ...TARGET(LAMBDA) }))).toEqual([]);
  });
});
