/**
 * Red-team round 158 on the Bedrock routes (rules/bedrock-routes.ts):
 * - F5: a Deny of the agent's own written `arn:aws:` (or by reference) closes the agent, alias and flow routes, as it
 *   closes the Lambda route: it is asked in the partition the agent's or flow's region puts it in, not in any;
 * - F7: an alias whose `agent_id` goes through a local is tied to its agent;
 * - F8: InvokeAgent is authorised on agent-alias ARNs alone (the service authorization reference): a right on the
 *   agent's own ARN (`${aws_bedrockagent_agent.x.agent_arn}`) invokes nothing, one on `agent-alias/${...agent_id}/*` does.
 */
import { check, policy, tf } from "../helpers/tf";
import { agentCan, DESTROY, role, type Obj } from "../helpers/sessions";

const PINNED = { provider: { aws: [{ region: "us-east-1", allowed_account_ids: ["111111111111"] }] } };
const LAMBDA = policy({ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" });
const BEDROCK = policy({ Effect: "Allow", Principal: { Service: "bedrock.amazonaws.com" }, Action: "sts:AssumeRole" });
const allow = (action: string | string[], resource: unknown) => ({ Effect: "Allow", Action: action, Resource: resource });
const deny = (action: string | string[], resource: unknown) => ({ Effect: "Deny", Action: action, Resource: resource });

const stack = (statements: Obj[], extra: Obj, locals?: Obj): Obj => {
  const json = tf(
    {
      ...agentCan(...statements),
      ...role("fn", LAMBDA, DESTROY),
      ...role("svc", BEDROCK, policy(allow("lambda:InvokeFunction", "*"))),
      "aws_lambda_function.fn": { function_name: "ops", role: "${aws_iam_role.fn.arn}", handler: "index.handler", runtime: "python3.12", filename: "x.zip" },
      ...extra,
    },
    PINNED,
  );
  return locals ? { ...json, locals } : json;
};
const found = (json: Obj) =>
  check(json)
    .findings.filter((f) => f.ruleId === "agent-transitive-destroy")
    .map((f) => ({ severity: f.severity, resource: f.resource, message: f.message, fix: f.fix ?? "" }));
const graded = (json: Obj) => found(json).map((x) => [x.severity, x.resource]);
const WARNING = [["warning", "aws_lambda_function.fn"]];

const AGENT: Obj = { "aws_bedrockagent_agent.ops": { agent_name: "ops", agent_resource_role_arn: "${aws_iam_role.svc.arn}", foundation_model: "anthropic.claude-3-5-sonnet-20240620-v1:0" } };
const GROUP: Obj = {
  "aws_bedrockagent_agent_action_group.ops": { action_group_name: "cleanup", agent_id: "${aws_bedrockagent_agent.ops.agent_id}", agent_version: "DRAFT", action_group_executor: [{ lambda: "${aws_lambda_function.fn.arn}" }] },
};
const ALIAS = (agentId = "${aws_bedrockagent_agent.ops.agent_id}"): Obj => ({ "aws_bedrockagent_agent_alias.live": { agent_alias_name: "live", agent_id: agentId } });
const AGENT_STACK: Obj = { ...AGENT, ...GROUP, ...ALIAS() };
const PERMISSION: Obj = {
  "aws_lambda_permission.bedrock": { statement_id: "bedrock", action: "lambda:InvokeFunction", function_name: "${aws_lambda_function.fn.function_name}", principal: "bedrock.amazonaws.com", source_arn: "${aws_bedrockagent_agent.ops.agent_arn}" },
};
const FLOW: Obj = {
  "aws_bedrockagent_flow.f": {
    name: "cleanup",
    execution_role_arn: "${aws_iam_role.svc.arn}",
    definition: [{ node: [{ name: "In", type: "Input", configuration: [{ input: [{}] }] }, { name: "Fn", type: "LambdaFunction", configuration: [{ lambda_function: [{ lambda_arn: "${aws_lambda_function.fn.arn}" }] }] }], connection: [] }],
  },
};

describe("158 F5: a Deny written in the stack's partition closes the Bedrock routes", () => {
  const INVOKE_ANY = allow("bedrock:InvokeAgent", "*");
  test.each([["arn:aws:bedrock:*:*:*"], ["arn:aws:bedrock:*:*:agent-alias/*/*"], ["arn:aws:bedrock:*:*:agent-alias/*"], ["arn:*:bedrock:*:*:agent-alias/*"], ["*"]])("InvokeAgent on * with a Deny on %s: no finding (was a warning)", (resource) => {
    expect(graded(stack([INVOKE_ANY, deny("bedrock:InvokeAgent", resource)], AGENT_STACK))).toEqual([]);
    // The same through the Lambda permission's route (an agent whose alias is not in the stack).
    expect(graded(stack([INVOKE_ANY, deny("bedrock:InvokeAgent", resource)], { ...AGENT, ...GROUP, ...PERMISSION }))).toEqual([]);
  });

  test("a flow: a Deny on arn:aws:bedrock:*:*:flow/*, or by reference on the flow and its aliases, closes it", () => {
    expect(graded(stack([allow("bedrock:InvokeFlow", "*"), deny("bedrock:InvokeFlow", "arn:aws:bedrock:*:*:flow/*")], FLOW))).toEqual([]);
    expect(graded(stack([allow("bedrock:InvokeFlow", "*"), deny("bedrock:InvokeFlow", ["${aws_bedrockagent_flow.f.arn}", "${aws_bedrockagent_flow.f.arn}/alias/*"])], FLOW))).toEqual([]);
  });

  test("a Deny by reference on one alias closes that alias, not the agent's test alias", () => {
    const json = stack([allow("bedrock:InvokeAgent", "${aws_bedrockagent_agent_alias.live.agent_alias_arn}"), deny("bedrock:InvokeAgent", "${aws_bedrockagent_agent_alias.live.agent_alias_arn}")], AGENT_STACK);
    expect(graded(json)).toEqual([]);
    expect(graded(stack([INVOKE_ANY, deny("bedrock:InvokeAgent", "${aws_bedrockagent_agent_alias.live.agent_alias_arn}")], AGENT_STACK))).toEqual(WARNING);
  });

  test("controls: a Deny of another partition, of another resource type, a conditional Deny, a Deny of the flow alone: still a warning", () => {
    expect(graded(stack([INVOKE_ANY, deny("bedrock:InvokeAgent", "arn:aws-cn:bedrock:*:*:agent-alias/*")], AGENT_STACK))).toEqual(WARNING);
    expect(graded(stack([INVOKE_ANY, deny("bedrock:InvokeAgent", "arn:aws:bedrock:*:*:agent/*")], AGENT_STACK))).toEqual(WARNING);
    expect(graded(stack([INVOKE_ANY, { ...deny("bedrock:InvokeAgent", "*"), Condition: { StringEquals: { "aws:RequestedRegion": "eu-west-1" } } }], AGENT_STACK))).toEqual(WARNING);
    expect(graded(stack([allow("bedrock:InvokeFlow", "*"), deny("bedrock:InvokeFlow", "${aws_bedrockagent_flow.f.arn}")], FLOW))).toEqual(WARNING);
    expect(graded(stack([allow("bedrock:InvokeFlow", "*"), deny("bedrock:InvokeFlow", "arn:aws-us-gov:bedrock:*:*:flow/*")], FLOW))).toEqual(WARNING);
  });
});

describe("158 F7: an alias whose agent_id goes through a local", () => {
  test("a right on the alias by reference reaches the agent's function, with no Lambda permission in the stack (was no finding)", () => {
    const json = stack([allow("bedrock:InvokeAgent", "${aws_bedrockagent_agent_alias.live.agent_alias_arn}")], { ...AGENT, ...GROUP, ...ALIAS("${local.agent_id}") }, { agent_id: "${aws_bedrockagent_agent.ops.agent_id}" });
    expect(graded(json)).toEqual(WARNING);
    expect(found(json)[0].message).toContain("can invoke aws_bedrockagent_agent_alias.live, an alias of aws_bedrockagent_agent.ops (bedrock:InvokeAgent");
  });

  test("with the permission in the stack the alias route is the one shown first, not 'set up the agent to invoke a function'", () => {
    const json = stack([allow("bedrock:InvokeAgent", "${aws_bedrockagent_agent_alias.live.agent_alias_arn}")], { ...AGENT, ...GROUP, ...ALIAS("${local.agent_id}"), ...PERMISSION }, { agent_id: "${aws_bedrockagent_agent.ops.agent_id}" });
    expect(graded(json)).toEqual(WARNING);
    expect(found(json)[0].message).toMatch(/^aws_iam_role\.agent is an AI agent and can invoke aws_bedrockagent_agent_alias\.live, an alias of aws_bedrockagent_agent\.ops/);
  });

  test("control: a local naming another agent ties the alias to that one", () => {
    const other = { "aws_bedrockagent_agent.other": { agent_name: "other", agent_resource_role_arn: "${aws_iam_role.svc.arn}", foundation_model: "m" } };
    expect(graded(stack([allow("bedrock:InvokeAgent", "${aws_bedrockagent_agent_alias.live.agent_alias_arn}")], { ...AGENT, ...GROUP, ...other, ...ALIAS("${local.agent_id}") }, { agent_id: "${aws_bedrockagent_agent.other.agent_id}" }))).toEqual([]);
  });
});

describe("158 F8: InvokeAgent on the agent's own ARN invokes no alias", () => {
  test.each([[{}], [PERMISSION]])("a right on ${aws_bedrockagent_agent.ops.agent_arn}: no finding (was a warning) %#", (extra) => {
    expect(graded(stack([allow("bedrock:InvokeAgent", "${aws_bedrockagent_agent.ops.agent_arn}")], { ...AGENT_STACK, ...extra }))).toEqual([]);
    expect(graded(stack([allow("bedrock:InvokeAgent", "arn:aws:bedrock:us-east-1:111111111111:agent/*")], { ...AGENT_STACK, ...extra }))).toEqual([]);
  });

  test.each([["arn:aws:bedrock:us-east-1:111111111111:agent-alias/${aws_bedrockagent_agent.ops.agent_id}/*"], ["*"], ["${aws_bedrockagent_agent_alias.live.agent_alias_arn}"]])("controls: a right on %s still reaches it", (resource) => {
    expect(graded(stack([allow("bedrock:InvokeAgent", resource)], AGENT_STACK))).toEqual(WARNING);
    if (!resource.includes("agent_alias")) expect(graded(stack([allow("bedrock:InvokeAgent", resource)], { ...AGENT, ...GROUP, ...PERMISSION }))).toEqual(WARNING);
  });
});

/**
 * F7, second point: the Lambda permission's route for bedrock.amazonaws.com said the caller could "set up" the agent,
 * and its fix asked for rights written on `${aws_bedrockagent_agent.NAME.id}`, which names nothing InvokeAgent is
 * authorised on. The permission's source_arn is the agent's ARN; what closes the route is that, with no InvokeAgent on
 * that agent's aliases left to the caller.
 */
describe("158 F7: the Bedrock permission route says what closes it", () => {
  test("source_arn on an agent of the stack: invoking an alias of it, and the fix keeps source_arn and takes InvokeAgent on its aliases", () => {
    // No action group in the stack (it may be set outside it): the permission is the one route.
    const f = found(stack([allow("bedrock:InvokeAgent", "*")], { ...AGENT, ...PERMISSION }));
    expect(f.map((x) => [x.severity, x.resource])).toEqual(WARNING);
    expect(f[0].message).toContain("can invoke an alias of aws_bedrockagent_agent.ops (bedrock:InvokeAgent, through aws_iam_role_policy.agent statement #0)");
    expect(f[0].message).toContain("so a right on any agent alias, by literal ARN or by reference, counts as one on an alias of aws_bedrockagent_agent.ops");
    expect(f[0].message).toContain("--bedrock:InvokeAgent--> an alias of aws_bedrockagent_agent.ops --aws_lambda_permission.bedrock--> aws_lambda_function.fn");
    expect(f[0].message).not.toContain("set up aws_bedrockagent_agent.ops to invoke a function");
    expect(f[0].fix).toContain(
      "take bedrock:InvokeAgent on an alias of aws_bedrockagent_agent.ops away from the agent, or keep source_arn on aws_lambda_permission.bedrock on the one agent meant to call the function (${aws_bedrockagent_agent.ops.agent_arn}), and take bedrock:InvokeAgent on the aliases of aws_bedrockagent_agent.ops (and bedrock:InvokeInlineAgent) away from the caller",
    );
    expect(f[0].fix).not.toContain("${aws_bedrockagent_agent.NAME.id}");
  });

  test("source_arn on a literal agent ARN: the fix sets it to the one agent meant to call the function", () => {
    const literal = { "aws_lambda_permission.bedrock": { ...(PERMISSION["aws_lambda_permission.bedrock"] as Obj), source_arn: "arn:aws:bedrock:us-east-1:111111111111:agent/ABCDEFGHIJ" } };
    const f = found(stack([allow("bedrock:InvokeAgent", "*")], literal));
    expect(f.map((x) => [x.severity, x.resource])).toEqual(WARNING);
    expect(f[0].message).toContain("can invoke an alias of a Bedrock agent matching arn:aws:bedrock:us-east-1:111111111111:agent/ABCDEFGHIJ (bedrock:InvokeAgent");
    expect(f[0].fix).toContain(
      "set source_arn on aws_lambda_permission.bedrock to the ARN of the one agent meant to call the function (${aws_bedrockagent_agent.NAME.agent_arn}), and take bedrock:InvokeAgent on that agent's aliases (and bedrock:InvokeInlineAgent) away from the caller",
    );
  });
});
