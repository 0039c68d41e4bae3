/**
 * A Lambda permission for bedrock.amazonaws.com whose source_arn is one agent of the stack is used by InvokeAgent on
 * an alias of that agent (rules/invoke-routes.ts, the bedrock permission route). Its pattern (`agent-alias/*\/*`, the
 * agent's ID being AWS's) took a right on another agent's alias as well: a right written as a reference to that alias
 * (or built from its agent_id) is now tied to the alias's agent. An alias whose agent blastwall cannot tell still
 * counts (fail closed).
 */
import { check, policy, tf } from "../helpers/tf";
import { agentCan, DESTROY, role, type Obj } from "../helpers/sessions";

const PINNED = { provider: { aws: [{ region: "us-east-1", allowed_account_ids: ["111111111111"] }] } };
const LAMBDA = policy({ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" });
const BEDROCK = policy({ Effect: "Allow", Principal: { Service: "bedrock.amazonaws.com" }, Action: "sts:AssumeRole" });
const agent = (name: string): Obj => ({ [`aws_bedrockagent_agent.${name}`]: { agent_name: name, agent_resource_role_arn: "${aws_iam_role.svc.arn}", foundation_model: "anthropic.claude-3-5-sonnet-20240620-v1:0" } });
const alias = (name: string, agentId: string): Obj => ({ [`aws_bedrockagent_agent_alias.${name}`]: { agent_alias_name: "live", agent_id: agentId } });

// The function is called by `ops` alone (its Lambda permission), whose action groups are made outside the stack.
const stack = (resource: unknown, extra: Obj = {}): Obj =>
  tf(
    {
      ...agentCan({ Effect: "Allow", Action: "bedrock:InvokeAgent", Resource: resource }),
      ...role("fn", LAMBDA, DESTROY),
      ...role("svc", BEDROCK, policy({ Effect: "Allow", Action: "bedrock:InvokeModel", Resource: "*" })),
      "aws_lambda_function.fn": { function_name: "ops", role: "${aws_iam_role.fn.arn}", handler: "index.handler", runtime: "python3.12", filename: "x.zip" },
      "aws_lambda_permission.bedrock": { statement_id: "bedrock", action: "lambda:InvokeFunction", function_name: "${aws_lambda_function.fn.function_name}", principal: "bedrock.amazonaws.com", source_arn: "${aws_bedrockagent_agent.ops.agent_arn}" },
      ...agent("ops"),
      ...agent("chat"),
      ...alias("chat", "${aws_bedrockagent_agent.chat.agent_id}"),
      ...alias("ops", "${aws_bedrockagent_agent.ops.agent_id}"),
      ...extra,
    },
    PINNED,
  );
const graded = (json: Obj) =>
  check(json)
    .findings.filter((f) => f.ruleId === "agent-transitive-destroy")
    .map((f) => [f.severity, f.resource]);
const WARNING = [["warning", "aws_lambda_function.fn"]];

describe("a right on an alias of another agent of the stack does not use a permission naming the agent", () => {
  test.each([
    ["by reference to the alias", "${aws_bedrockagent_agent_alias.chat.agent_alias_arn}"],
    ["built from the alias's agent_id and agent_alias_id", "arn:aws:bedrock:us-east-1:111111111111:agent-alias/${aws_bedrockagent_agent_alias.chat.agent_id}/${aws_bedrockagent_agent_alias.chat.agent_alias_id}"],
  ])("%s: no finding (was a warning)", (_, resource) => {
    expect(graded(stack(resource))).toEqual([]);
  });

  test("through a local for the alias's agent_id: no finding", () => {
    const json = stack("${aws_bedrockagent_agent_alias.other.agent_alias_arn}", alias("other", "${local.chat}"));
    (json as { locals?: Obj }).locals = { chat: "${aws_bedrockagent_agent.chat.agent_id}" };
    expect(graded(json)).toEqual([]);
  });
});

describe("controls: still a warning", () => {
  test.each([
    ["an alias of the agent the permission names", "${aws_bedrockagent_agent_alias.ops.agent_alias_arn}", {}],
    ["an alias whose agent_id blastwall cannot tell (a variable)", "${aws_bedrockagent_agent_alias.x.agent_alias_arn}", alias("x", "${var.agent_id}")],
    ["any alias", "*", {}],
    ["a literal alias ARN (the agent's ID is AWS's)", "arn:aws:bedrock:us-east-1:111111111111:agent-alias/ABCDEFGHIJ/TSTALIASID", {}],
  ])("%s", (_, resource, extra) => {
    expect(graded(stack(resource, extra))).toEqual(WARNING);
  });
});
