/**
 * Red-team round 159, F2: a Deny of the agent's own written as the full literal ARN of a function, state machine or
 * AgentCore runtime (`arn:aws:lambda:us-east-1:111111111111:function:worker`) did not close the compute chain, as the
 * resource's ARN was asked with `*` for region and account even where the provider pins both. It is asked where the
 * stack pins it now; where the region or the account is not pinned, such a Deny still removes nothing (fail closed).
 */
import { check, policy, tf } from "../helpers/tf";
import { agentCan, DESTROY, role, type Obj } from "../helpers/sessions";

const REGION = "us-east-1";
const ACCOUNT = "111111111111";
const PINNED = { aws: [{ region: REGION, allowed_account_ids: [ACCOUNT] }] };
const LAMBDA = policy({ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" });
const AC = policy({ Effect: "Allow", Principal: { Service: "bedrock-agentcore.amazonaws.com" }, Action: "sts:AssumeRole" });
const SFN = policy({ Effect: "Allow", Principal: { Service: "states.amazonaws.com" }, Action: "sts:AssumeRole" });
const allow = (action: string | string[], resource: unknown) => ({ Effect: "Allow", Action: action, Resource: resource });
const deny = (action: string | string[], resource: unknown) => ({ Effect: "Deny", Action: action, Resource: resource });

const UPDATE = "lambda:UpdateFunctionCode";
const FN_ARN = "${aws_lambda_function.f.arn}";
const FUNCTION = (extra: Obj = {}): Obj => ({
  ...role("fnrole", LAMBDA, DESTROY),
  "aws_lambda_function.f": { function_name: "worker", role: "${aws_iam_role.fnrole.arn}", runtime: "python3.12", handler: "h.h", filename: "f.zip", ...extra },
});
const lit = (region: string, account: string, name = "worker") => [`arn:aws:lambda:${region}:${account}:function:${name}`, `arn:aws:lambda:${region}:${account}:function:${name}:*`];

const stack = (statements: Obj[], extra: Obj, provider: Obj = PINNED, more: Obj = {}): Obj => tf({ ...agentCan(...statements), ...extra }, { provider, ...more });
const chains = (json: Obj) =>
  check(json)
    .findings.filter((f) => f.ruleId === "agent-transitive-destroy")
    .map((f) => f.resource)
    .sort();

describe("159 F2: a literal Deny with the region and account the stack pins closes a compute chain", () => {
  const update = allow(UPDATE, FN_ARN);
  test.each([
    ["region and account literal", lit(REGION, ACCOUNT)],
    ["the region literal, any account", lit(REGION, "*")],
    ["any region, the account literal", lit("*", ACCOUNT)],
  ])("UpdateFunctionCode with a Deny on the function, %s: no finding (was an error)", (_, resource) => {
    expect(chains(stack([update], FUNCTION()))).toEqual(["aws_iam_role.fnrole"]);
    expect(chains(stack([update, deny(UPDATE, resource)], FUNCTION()))).toEqual([]);
  });

  test("pinned through the last assume_role's account: closed too", () => {
    const viaRole = { aws: [{ region: REGION, assume_role: [{ role_arn: `arn:aws:iam::${ACCOUNT}:role/deploy` }] }] };
    expect(chains(stack([update, deny(UPDATE, lit(REGION, ACCOUNT))], FUNCTION(), viaRole))).toEqual([]);
  });

  test("controls: another account, another region, another case of the name, the function without its versions: the chain stays", () => {
    expect(chains(stack([update, deny(UPDATE, lit(REGION, "222222222222"))], FUNCTION()))).toEqual(["aws_iam_role.fnrole"]);
    expect(chains(stack([update, deny(UPDATE, lit("eu-west-1", ACCOUNT))], FUNCTION()))).toEqual(["aws_iam_role.fnrole"]);
    expect(chains(stack([update, deny(UPDATE, lit(REGION, ACCOUNT, "Worker"))], FUNCTION()))).toEqual(["aws_iam_role.fnrole"]);
    expect(chains(stack([update, deny(UPDATE, lit(REGION, ACCOUNT)[0])], FUNCTION()))).toEqual(["aws_iam_role.fnrole"]);
  });

  test("controls: the account or region not pinned (none, a variable, the function's own unread region): the chain stays", () => {
    const denied = [update, deny(UPDATE, lit(REGION, ACCOUNT))];
    expect(chains(stack(denied, FUNCTION(), { aws: [{ region: REGION }] }))).toEqual(["aws_iam_role.fnrole"]);
    expect(chains(stack(denied, FUNCTION(), { aws: [{ allowed_account_ids: [ACCOUNT] }] }))).toEqual(["aws_iam_role.fnrole"]);
    expect(chains(stack(denied, FUNCTION(), { aws: [{ region: REGION, allowed_account_ids: ["${var.account}"] }] }, { variable: { account: { default: ACCOUNT } } }))).toEqual(["aws_iam_role.fnrole"]);
    expect(chains(stack(denied, FUNCTION({ region: "${var.region}" }), PINNED, { variable: { region: { default: REGION } } }))).toEqual(["aws_iam_role.fnrole"]);
    // Its own literal region counts as where it is made: the provider's does not.
    expect(chains(stack(denied, FUNCTION({ region: "eu-west-1" })))).toEqual(["aws_iam_role.fnrole"]);
    expect(chains(stack([update, deny(UPDATE, lit("eu-west-1", ACCOUNT))], FUNCTION({ region: "eu-west-1" })))).toEqual([]);
  });

  test("an AgentCore runtime and a state machine: a literal Deny on their region and account closes them; on another region it does not", () => {
    const runtime: Obj = {
      ...role("rtrole", AC, DESTROY),
      "aws_bedrockagentcore_agent_runtime.rt": {
        agent_runtime_name: "opsagent",
        role_arn: "${aws_iam_role.rtrole.arn}",
        agent_runtime_artifact: [{ container_configuration: [{ container_uri: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/ops:1` }] }],
        network_configuration: [{ network_mode: "PUBLIC" }],
      },
    };
    const invoke = allow("bedrock-agentcore:InvokeAgentRuntime", "${aws_bedrockagentcore_agent_runtime.rt.agent_runtime_arn}");
    const rtDeny = (region: string) => deny("bedrock-agentcore:Invoke*", `arn:aws:bedrock-agentcore:${region}:${ACCOUNT}:runtime/*`);
    expect(chains(stack([invoke], runtime))).toEqual(["aws_iam_role.rtrole"]);
    expect(chains(stack([invoke, rtDeny(REGION)], runtime))).toEqual([]);
    expect(chains(stack([invoke, rtDeny("eu-west-1")], runtime))).toEqual(["aws_iam_role.rtrole"]);

    const sm: Obj = { ...role("sfn", SFN, DESTROY), "aws_sfn_state_machine.sm": { name: "ops", role_arn: "${aws_iam_role.sfn.arn}", definition: "{}" } };
    const start = allow("states:StartExecution", "${aws_sfn_state_machine.sm.arn}");
    const smDeny = (account: string) => deny("states:StartExecution", [`arn:aws:states:${REGION}:${account}:stateMachine:ops`, `arn:aws:states:${REGION}:${account}:stateMachine:ops:*`]);
    expect(chains(stack([start], sm))).toEqual(["aws_iam_role.sfn"]);
    expect(chains(stack([start, smDeny(ACCOUNT)], sm))).toEqual([]);
    expect(chains(stack([start, smDeny("222222222222")], sm))).toEqual(["aws_iam_role.sfn"]);
  });
});
