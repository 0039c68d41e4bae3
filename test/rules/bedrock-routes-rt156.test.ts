/**
 * Red-team round 156, F4 and F5: Bedrock agents and flows run a function with what the caller sends. InvokeAgent on an
 * alias of an agent reaches its action groups' functions (no Lambda permission asked of the stack); InvokeFlow or
 * StartFlowExecution on a flow reaches its LambdaFunction nodes and its Agent nodes' agents. A Lambda permission for
 * bedrock.amazonaws.com is used only by a right that invokes an agent, not by every bedrock right.
 */
import { check, policy, tf } from "../helpers/tf";
import { agentCan, DESTROY, HARMLESS, role, type Obj } from "../helpers/sessions";

const PINNED = { provider: { aws: [{ region: "us-east-1", allowed_account_ids: ["111111111111"] }] } };
const LAMBDA = policy({ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" });
const BEDROCK = policy({ Effect: "Allow", Principal: { Service: "bedrock.amazonaws.com" }, Action: "sts:AssumeRole" });
const allow = (action: string | string[], resource: unknown) => ({ Effect: "Allow", Action: action, Resource: resource });

const stack = (statements: Obj[], extra: Obj, rights = DESTROY): Obj =>
  tf(
    {
      ...agentCan(...statements),
      ...role("fn", LAMBDA, rights),
      ...role("svc", BEDROCK, policy(allow("lambda:InvokeFunction", "*"))),
      "aws_lambda_function.fn": { function_name: "ops", role: "${aws_iam_role.fn.arn}", handler: "index.handler", runtime: "python3.12", filename: "x.zip" },
      ...extra,
    },
    PINNED,
  );
const found = (json: Obj, strict = false) =>
  check(json, {}, { strict })
    .findings.filter((f) => f.ruleId === "agent-transitive-destroy")
    .map((f) => ({ severity: f.severity, resource: f.resource, message: f.message, fix: f.fix ?? "" }));
const graded = (json: Obj, strict = false) => found(json, strict).map((x) => [x.severity, x.resource]);
const WARNING = [["warning", "aws_lambda_function.fn"]];

const AGENT_RES = (name = "ops"): Obj => ({ [`aws_bedrockagent_agent.${name}`]: { agent_name: name, agent_resource_role_arn: "${aws_iam_role.svc.arn}", foundation_model: "anthropic.claude-3-5-sonnet-20240620-v1:0" } });
const GROUP = (executor: unknown, extra: Obj = {}, agent = "${aws_bedrockagent_agent.ops.agent_id}"): Obj => ({
  "aws_bedrockagent_agent_action_group.ops": { action_group_name: "cleanup", agent_id: agent, agent_version: "DRAFT", action_group_executor: executor, ...extra },
});
const TO_FN = [{ lambda: "${aws_lambda_function.fn.arn}" }];
const ALIAS = (name = "live", agent = "ops"): Obj => ({ [`aws_bedrockagent_agent_alias.${name}`]: { agent_alias_name: name, agent_id: `\${aws_bedrockagent_agent.${agent}.agent_id}` } });
const AGENT_STACK: Obj = { ...AGENT_RES(), ...GROUP(TO_FN), ...ALIAS() };
const PERMISSION = (values: Obj): Obj => ({
  "aws_lambda_permission.bedrock": { statement_id: "bedrock", action: "lambda:InvokeFunction", function_name: "${aws_lambda_function.fn.function_name}", principal: "bedrock.amazonaws.com", ...values },
});
const TEST_ALIAS = "arn:aws:bedrock:us-east-1:111111111111:agent-alias/ABCDEFGHIJ/TSTALIASID";
const MODEL = "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-sonnet-20240620-v1:0";

describe("156 F5: InvokeAgent on an alias of an agent whose action group calls the function", () => {
  test("a right on a literal alias ARN (the test alias): a warning (an error under --strict), with no Lambda permission in the stack", () => {
    const json = stack([allow("bedrock:InvokeAgent", TEST_ALIAS)], AGENT_STACK);
    expect(graded(json)).toEqual(WARNING);
    expect(graded(json, true)).toEqual([["error", "aws_lambda_function.fn"]]);
    const f = found(json)[0];
    expect(f.message).toContain("can invoke an alias of aws_bedrockagent_agent.ops (its test alias TSTALIASID, which runs the working draft, among them) (bedrock:InvokeAgent");
    expect(f.message).toContain("gets its ID from AWS, which blastwall cannot read, so a right on an alias named by a literal ID counts as one on it");
    expect(f.message).toContain("the agent runs its action group aws_bedrockagent_agent_action_group.ops with parameters the model derives from the caller's prompt, which calls aws_lambda_function.fn");
    expect(f.message).toContain("--bedrock:InvokeAgent--> an alias of aws_bedrockagent_agent.ops --aws_bedrockagent_agent_action_group.ops--> aws_lambda_function.fn --runs as--> aws_iam_role.fn");
    expect(f.fix).toContain("take the function out of aws_bedrockagent_agent_action_group.ops");
    // The red-team input t2f: the same with a Lambda permission pinned to the agent's literal ARN, shown through the agent first.
    const t2f = found(stack([allow("bedrock:InvokeAgent", TEST_ALIAS)], { ...AGENT_STACK, ...PERMISSION({ source_arn: "arn:aws:bedrock:us-east-1:111111111111:agent/ABCDEFGHIJ" }) }));
    expect(t2f.map((x) => [x.severity, x.resource])).toEqual(WARNING);
    expect(t2f[0].message).toContain("--bedrock:InvokeAgent--> an alias of aws_bedrockagent_agent.ops --aws_bedrockagent_agent_action_group.ops--> aws_lambda_function.fn");
  });

  test("a right written as a reference to the alias names that alias, and no bedrock:* right", () => {
    const json = stack([allow("bedrock:InvokeAgent", "${aws_bedrockagent_agent_alias.live.agent_alias_arn}")], {
      ...AGENT_STACK,
      ...PERMISSION({ source_arn: "${aws_bedrockagent_agent.ops.agent_arn}" }),
    });
    expect(graded(json)).toEqual(WARNING);
    const f = found(json)[0];
    expect(f.message).toContain("can invoke aws_bedrockagent_agent_alias.live, an alias of aws_bedrockagent_agent.ops (bedrock:InvokeAgent");
    expect(f.message).not.toContain("bedrock:*");
    expect(f.message).not.toContain("does not model how bedrock.amazonaws.com");
  });

  test("controls: InvokeModel only, a function that cannot delete, another agent's alias, RETURN_CONTROL, a disabled group", () => {
    // InvokeModel runs no function, even with a Lambda permission for bedrock naming the agent by reference (t2d).
    expect(graded(stack([allow(["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"], MODEL)], { ...AGENT_STACK, ...PERMISSION({ source_arn: "${aws_bedrockagent_agent.ops.agent_arn}" }) }))).toEqual([]);
    expect(graded(stack([allow("bedrock:InvokeAgent", TEST_ALIAS)], AGENT_STACK, HARMLESS))).toEqual([]);
    const two = { ...AGENT_STACK, ...AGENT_RES("other"), ...ALIAS("theirs", "other") };
    expect(graded(stack([allow("bedrock:InvokeAgent", "${aws_bedrockagent_agent_alias.theirs.agent_alias_arn}")], two))).toEqual([]);
    expect(graded(stack([allow("bedrock:InvokeAgent", "arn:aws:bedrock:us-east-1:111111111111:agent-alias/${aws_bedrockagent_agent.other.agent_id}/*")], two))).toEqual([]);
    expect(graded(stack([allow("bedrock:InvokeAgent", TEST_ALIAS)], { ...AGENT_RES(), ...GROUP([{ custom_control: "RETURN_CONTROL" }]) }))).toEqual([]);
    expect(graded(stack([allow("bedrock:InvokeAgent", TEST_ALIAS)], { ...AGENT_RES(), ...GROUP(TO_FN, { action_group_state: "DISABLED" }) }))).toEqual([]);
  });

  test("fail closed: an executor or agent that cannot be read; a right by reference to the agent's ID", () => {
    expect(graded(stack([allow("bedrock:InvokeAgent", TEST_ALIAS)], { ...AGENT_RES(), ...GROUP([{ lambda: "${var.fn}" }]) }))).toEqual(WARNING);
    expect(graded(stack([allow("bedrock:InvokeAgent", TEST_ALIAS)], { ...GROUP(TO_FN, {}, "${var.agent}") }))).toEqual(WARNING);
    expect(graded(stack([allow("bedrock:InvokeAgent", TEST_ALIAS)], { ...AGENT_RES(), ...GROUP("${var.executor}") }))).toEqual(WARNING);
    expect(graded(stack([allow("bedrock:InvokeAgent", "arn:aws:bedrock:us-east-1:111111111111:agent-alias/${aws_bedrockagent_agent.ops.agent_id}/*")], AGENT_STACK))).toEqual(WARNING);
    // An agent named by a literal ID: only a right on that agent's aliases.
    const literal = GROUP(TO_FN, {}, "ABCDEFGHIJ");
    expect(graded(stack([allow("bedrock:InvokeAgent", TEST_ALIAS)], literal))).toEqual(WARNING);
    expect(graded(stack([allow("bedrock:InvokeAgent", "arn:aws:bedrock:us-east-1:111111111111:agent-alias/ZZZZZZZZZZ/*")], literal))).toEqual([]);
  });

  test("the parser function of an agent (prompt_override_configuration.override_lambda) gets the model's output", () => {
    const parser = { "aws_bedrockagent_agent.ops": { ...(AGENT_RES()["aws_bedrockagent_agent.ops"] as Obj), prompt_override_configuration: [{ override_lambda: "${aws_lambda_function.fn.arn}", prompt_configurations: [] }] } };
    const json = stack([allow("bedrock:InvokeAgent", TEST_ALIAS)], parser);
    expect(graded(json)).toEqual(WARNING);
    expect(found(json)[0].message).toContain("the agent runs the parser function of aws_bedrockagent_agent.ops (prompt_override_configuration) on the model's output for the caller's prompt, which calls aws_lambda_function.fn");
  });
});

describe("156 F5: a supervisor agent reaches its collaborators' functions", () => {
  const COLLAB = (alias: unknown): Obj => ({
    "aws_bedrockagent_agent_collaborator.c": { agent_id: "${aws_bedrockagent_agent.boss.agent_id}", collaborator_name: "ops", collaboration_instruction: "clean up", agent_descriptor: [{ alias_arn: alias }] },
  });
  const BOSS = "arn:aws:bedrock:us-east-1:111111111111:agent-alias/${aws_bedrockagent_agent.boss.agent_id}/*";
  test("InvokeAgent on the supervisor: a warning through the collaborator", () => {
    const json = stack([allow("bedrock:InvokeAgent", BOSS)], { ...AGENT_STACK, ...AGENT_RES("boss"), ...COLLAB("${aws_bedrockagent_agent_alias.live.agent_alias_arn}") });
    expect(graded(json)).toEqual(WARNING);
    expect(found(json)[0].message).toContain("can invoke an alias of aws_bedrockagent_agent.boss");
    expect(found(json)[0].message).toContain("hands the caller's request on to its collaborator aws_bedrockagent_agent_collaborator.c, whose agent runs an action group with parameters the model derives from it, which calls aws_lambda_function.fn");
    expect(found(json)[0].fix).toContain("or remove aws_bedrockagent_agent_collaborator.c");
    // Fail closed: a collaborator alias that cannot be read may be the agent that calls the function.
    expect(graded(stack([allow("bedrock:InvokeAgent", BOSS)], { ...AGENT_STACK, ...AGENT_RES("boss"), ...COLLAB("${var.alias}") }))).toEqual(WARNING);
  });

  test("controls: a collaborator whose agent calls no function; the supervisor alone", () => {
    expect(graded(stack([allow("bedrock:InvokeAgent", BOSS)], { ...AGENT_STACK, ...AGENT_RES("boss"), ...AGENT_RES("idle"), ...ALIAS("idle", "idle"), ...COLLAB("${aws_bedrockagent_agent_alias.idle.agent_alias_arn}") }))).toEqual([]);
    expect(graded(stack([allow("bedrock:InvokeAgent", BOSS)], { ...AGENT_STACK, ...AGENT_RES("boss") }))).toEqual([]);
  });
});

describe("156 F5: a Lambda permission for bedrock.amazonaws.com", () => {
  const OUTSIDE = PERMISSION({ source_arn: "arn:aws:bedrock:us-east-1:111111111111:agent/ABCDEFGHIJ" });
  test("an agent outside the stack the permission admits: InvokeAgent on its aliases, or InvokeInlineAgent", () => {
    const json = stack([allow("bedrock:InvokeAgent", "arn:aws:bedrock:us-east-1:111111111111:agent-alias/ABCDEFGHIJ/*")], OUTSIDE);
    expect(graded(json)).toEqual(WARNING);
    expect(found(json)[0].message).toContain("it invokes an alias of such an agent (or an inline agent with an action group of its own), and Bedrock calls the function");
    expect(graded(stack([allow("bedrock:InvokeInlineAgent", "*")], OUTSIDE))).toEqual(WARNING);
  });

  test("controls: another agent's aliases, a right that invokes no agent", () => {
    expect(graded(stack([allow("bedrock:InvokeAgent", "arn:aws:bedrock:us-east-1:111111111111:agent-alias/ZZZZZZZZZZ/*")], OUTSIDE))).toEqual([]);
    expect(graded(stack([allow(["bedrock:InvokeModel", "bedrock:Retrieve", "bedrock:InvokeFlow"], "*")], OUTSIDE))).toEqual([]);
    expect(graded(stack([allow("bedrock:InvokeModel", "*")], PERMISSION({ source_account: "111111111111" })))).toEqual([]);
  });
});

const FLOW = (nodes: unknown, extra: Obj = {}): Obj => ({
  "aws_bedrockagent_flow.f": { name: "cleanup", execution_role_arn: "${aws_iam_role.svc.arn}", definition: [{ node: nodes, connection: [] }], ...extra },
});
const INPUT = { name: "In", type: "Input", configuration: [{ input: [{}] }], output: [{ name: "document", type: "String" }] };
const LAMBDA_NODE = { name: "Fn", type: "LambdaFunction", configuration: [{ lambda_function: [{ lambda_arn: "${aws_lambda_function.fn.arn}" }] }] };
const PROMPT_NODE = { name: "P", type: "Prompt", configuration: [{ prompt: [{ source_configuration: [{ resource: [{ prompt_arn: "arn:aws:bedrock:us-east-1:111111111111:prompt/X" }] }] }] }] };

describe("156 F4: InvokeFlow on a flow whose definition runs the function", () => {
  test("a LambdaFunction node, with no Lambda permission: a warning naming the node and the execution role", () => {
    const json = stack([allow("bedrock:InvokeFlow", "*")], FLOW([INPUT, LAMBDA_NODE]));
    expect(graded(json)).toEqual(WARNING);
    expect(graded(json, true)).toEqual([["error", "aws_lambda_function.fn"]]);
    const f = found(json)[0];
    expect(f.message).toContain("can run aws_bedrockagent_flow.f with an input of its choosing (bedrock:InvokeFlow");
    expect(f.message).toContain("the flow hands its input to Fn (LambdaFunction), run as its execution role with no Lambda permission asked, which calls aws_lambda_function.fn");
    expect(f.fix).toContain("take the function out of the definition of aws_bedrockagent_flow.f");
    expect(graded(stack([allow("bedrock:StartFlowExecution", "${aws_bedrockagent_flow.f.arn}/alias/*")], FLOW([INPUT, LAMBDA_NODE])))).toEqual(WARNING);
  });

  test("an Agent node: the agent's action groups", () => {
    const agentNode = { name: "A", type: "Agent", configuration: [{ agent: [{ agent_alias_arn: "${aws_bedrockagent_agent_alias.live.agent_alias_arn}" }] }] };
    const json = stack([allow("bedrock:InvokeFlow", "*")], { ...AGENT_STACK, ...FLOW([INPUT, agentNode]) });
    expect(graded(json)).toEqual(WARNING);
    expect(found(json)[0].message).toContain("the flow hands its input to A (Agent)");
  });

  test("controls: another flow, only Prompt nodes, a function that cannot delete, no flow right", () => {
    const other = { "aws_bedrockagent_flow.g": { name: "other", execution_role_arn: "${aws_iam_role.svc.arn}" } };
    expect(graded(stack([allow("bedrock:InvokeFlow", "${aws_bedrockagent_flow.g.arn}/alias/*")], { ...FLOW([INPUT, LAMBDA_NODE]), ...other }))).toEqual([]);
    expect(graded(stack([allow("bedrock:InvokeFlow", "*")], FLOW([INPUT, PROMPT_NODE])))).toEqual([]);
    expect(graded(stack([allow("bedrock:InvokeFlow", "*")], FLOW([INPUT, LAMBDA_NODE]), HARMLESS))).toEqual([]);
    expect(graded(stack([allow("bedrock:InvokeModel", "*")], FLOW([INPUT, LAMBDA_NODE])))).toEqual([]);
  });

  test("fail closed: a definition, nodes or a node configuration that cannot be read", () => {
    expect(graded(stack([allow("bedrock:InvokeFlow", "*")], { "aws_bedrockagent_flow.f": { name: "x", execution_role_arn: "${aws_iam_role.svc.arn}", definition: "${var.definition}" } }))).toEqual(WARNING);
    expect(graded(stack([allow("bedrock:InvokeFlow", "*")], FLOW("${var.nodes}")))).toEqual(WARNING);
    expect(graded(stack([allow("bedrock:InvokeFlow", "*")], FLOW([INPUT, { name: "Fn", type: "${var.t}", configuration: "${var.c}" }])))).toEqual(WARNING);
  });
});
