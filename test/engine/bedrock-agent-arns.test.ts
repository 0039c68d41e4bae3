/**
 * The Bedrock Agents types' ARN and ID attributes (red-team round 156, follow-up of F5): `agent_arn`, `agent_id`,
 * `agent_alias_arn`, `agent_alias_id`, a flow's and a knowledge base's `arn` and `id`, a data source's ids. They were
 * unresolved and read as `*`, so a right written on one knowledge base or agent was a right on everything of the
 * service (`bedrock:*` on a knowledge base invoked every agent and flow of the stack).
 */
import { check, policy, tf } from "../helpers/tf";
import { agentCan, DESTROY, role, type Obj } from "../helpers/sessions";
import { referencedResource, resolveToPattern } from "../../lib/engine/terraform/tokens";
import { buildStack } from "../../lib/engine/terraform/stack";

const LAMBDA = policy({ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" });
const ROLE = "arn:aws:iam::111111111111:role/bedrock";
const BEDROCK: Obj = {
  "aws_bedrockagent_knowledge_base.kb": { name: "docs", role_arn: ROLE },
  "aws_bedrockagent_knowledge_base.other": { name: "other", role_arn: ROLE },
  "aws_bedrockagent_data_source.ds": { name: "s3", knowledge_base_id: "${aws_bedrockagent_knowledge_base.kb.id}" },
  "aws_bedrockagent_agent.ops": { agent_name: "ops", agent_resource_role_arn: ROLE, foundation_model: "m" },
  "aws_bedrockagent_agent_action_group.ops": { action_group_name: "cleanup", agent_id: "${aws_bedrockagent_agent.ops.agent_id}", agent_version: "DRAFT", action_group_executor: [{ lambda: "${aws_lambda_function.fn.arn}" }] },
  "aws_bedrockagent_agent_alias.live": { agent_alias_name: "live", agent_id: "${aws_bedrockagent_agent.ops.agent_id}" },
  "aws_bedrockagent_agent.quiet": { agent_name: "quiet", agent_resource_role_arn: ROLE, foundation_model: "m" },
  "aws_bedrockagent_agent_alias.quiet": { agent_alias_name: "live", agent_id: "${aws_bedrockagent_agent.quiet.agent_id}" },
  "aws_bedrockagent_flow.f": {
    name: "f",
    execution_role_arn: ROLE,
    definition: [{ node: [{ name: "L", type: "LambdaFunction", configuration: [{ lambda_function: [{ lambda_arn: "${aws_lambda_function.fn.arn}" }] }] }] }],
  },
  "aws_bedrockagent_flow.quiet": { name: "quiet", execution_role_arn: ROLE },
};

const stack = (action: string | string[], resource: unknown): Obj =>
  tf({
    ...agentCan({ Effect: "Allow", Action: action, Resource: resource }),
    ...role("fn", LAMBDA, DESTROY),
    "aws_lambda_function.fn": { function_name: "ops", role: "${aws_iam_role.fn.arn}", handler: "index.handler", runtime: "python3.12", filename: "x.zip" },
    ...BEDROCK,
  });
const routes = (json: Obj) => check(json).findings.filter((f) => f.ruleId === "agent-transitive-destroy").map((f) => f.resource);
const statementText = (json: Obj) => check(json).findings.flatMap((f) => f.evidence.filter((e) => e.step === "statement").map((e) => e.detail));

describe("the Bedrock Agents attributes resolve to their ARN shapes", () => {
  const s = buildStack(stack("s3:GetObject", "*"), "test.tf.json");
  test.each([
    ["aws_bedrockagent_agent.ops.agent_arn", "arn:aws:bedrock:*:*:agent/*"],
    ["aws_bedrockagent_agent.ops.agent_id", "*"],
    ["aws_bedrockagent_agent_alias.live.agent_alias_arn", "arn:aws:bedrock:*:*:agent-alias/*/*"],
    ["aws_bedrockagent_agent_alias.live.agent_alias_id", "*"],
    ["aws_bedrockagent_agent_alias.live.id", "*,*"],
    ["aws_bedrockagent_flow.f.arn", "arn:aws:bedrock:*:*:flow/*"],
    ["aws_bedrockagent_flow.f.id", "*"],
    ["aws_bedrockagent_knowledge_base.kb.arn", "arn:aws:bedrock:*:*:knowledge-base/*"],
    ["aws_bedrockagent_knowledge_base.kb.id", "*"],
    ["aws_bedrockagent_data_source.ds.data_source_id", "*"],
    ["aws_bedrockagent_data_source.ds.id", "*,*"],
  ])("${%s} is %s, inexact, not unresolved", (ref, pattern) => {
    const p = resolveToPattern(s, `\${${ref}}`);
    expect([p.pattern, p.exact, p.unresolved]).toEqual([pattern, false, []]);
  });

  test("an alias's ARN keeps its agent's ID where that is written", () => {
    const lit = buildStack(tf({ "aws_bedrockagent_agent_alias.a": { agent_alias_name: "a", agent_id: "ABCDEFGHIJ" } }), "test.tf.json");
    expect(resolveToPattern(lit, "${aws_bedrockagent_agent_alias.a.agent_alias_arn}").pattern).toBe("arn:aws:bedrock:*:*:agent-alias/ABCDEFGHIJ/*");
  });
});

describe("a grant written with them names that one resource", () => {
  const s = buildStack(stack("s3:GetObject", "*"), "test.tf.json");
  const KB = ["aws_bedrockagent_knowledge_base"];
  const AGENT = ["aws_bedrockagent_agent"];
  const at = (w: string, types: string[]) => referencedResource(s, w, types)?.address;
  test.each([
    ["${aws_bedrockagent_knowledge_base.kb.arn}", KB, "aws_bedrockagent_knowledge_base.kb"],
    ["arn:aws:bedrock:us-east-1:111111111111:knowledge-base/${aws_bedrockagent_knowledge_base.kb.id}", KB, "aws_bedrockagent_knowledge_base.kb"],
    // The data source's knowledge_base_id is the knowledge base's id as written.
    ["arn:aws:bedrock:us-east-1:111111111111:knowledge-base/${aws_bedrockagent_data_source.ds.knowledge_base_id}", KB, "aws_bedrockagent_knowledge_base.kb"],
    ["${aws_bedrockagent_agent.ops.agent_arn}", AGENT, "aws_bedrockagent_agent.ops"],
    ["arn:aws:bedrock:us-east-1:111111111111:agent/${aws_bedrockagent_agent.ops.agent_id}", AGENT, "aws_bedrockagent_agent.ops"],
    ["arn:aws:bedrock:us-east-1:111111111111:agent/${aws_bedrockagent_agent_alias.live.agent_id}", AGENT, "aws_bedrockagent_agent.ops"],
    ["${aws_bedrockagent_agent_alias.live.agent_alias_arn}", ["aws_bedrockagent_agent_alias"], "aws_bedrockagent_agent_alias.live"],
    ["${aws_bedrockagent_flow.f.arn}", ["aws_bedrockagent_flow"], "aws_bedrockagent_flow.f"],
  ])("%s names it", (w, types, address) => {
    expect(at(w, types)).toBe(address);
  });

  test("controls: another attribute, a data source's own id, a parent ID with no ARN around it, a cycle: none", () => {
    expect(at("${aws_bedrockagent_knowledge_base.kb.name}", KB)).toBeUndefined();
    expect(at("arn:aws:bedrock:us-east-1:111111111111:knowledge-base/${aws_bedrockagent_data_source.ds.data_source_id}", KB)).toBeUndefined();
    expect(at("${aws_bedrockagent_data_source.ds.knowledge_base_id}", KB)).toBeUndefined();
    const cyc = buildStack(
      tf({
        "aws_bedrockagent_agent_alias.a": { agent_alias_name: "a", agent_id: "${aws_bedrockagent_agent_alias.b.agent_id}" },
        "aws_bedrockagent_agent_alias.b": { agent_alias_name: "b", agent_id: "${aws_bedrockagent_agent_alias.a.agent_id}" },
      }),
      "test.tf.json",
    );
    expect(referencedResource(cyc, "arn:aws:bedrock:*:*:agent/${aws_bedrockagent_agent_alias.a.agent_id}", AGENT)).toBeUndefined();
  });
});

describe("a right on one knowledge base, agent or alias is no right on the others (was read as *)", () => {
  test.each([
    [["bedrock:*"], "${aws_bedrockagent_knowledge_base.kb.arn}", "arn:aws:bedrock:*:*:knowledge-base/*"],
    [["bedrock:*"], "${aws_bedrockagent_agent.quiet.agent_arn}", "arn:aws:bedrock:*:*:agent/*"],
    [["bedrock:InvokeAgent", "bedrock:InvokeFlow"], "${aws_bedrockagent_agent_alias.quiet.agent_alias_arn}", "arn:aws:bedrock:*:*:agent-alias/*/*"],
  ])("%j on %s: no route into the function through the other agent or the flow", (action, resource, read) => {
    const json = stack(action, resource);
    expect(routes(json)).toEqual([]);
    expect(statementText(json).join("\n")).not.toContain("unresolved");
    if (action[0] === "bedrock:*") expect(statementText(json)).toContain(`statement #0: Allow bedrock:* on ${read}`);
  });

  test("controls: on *, on the agent that calls the function, on the flow that does: the route", () => {
    expect(routes(stack(["bedrock:*"], "*"))).toEqual(["aws_lambda_function.fn"]);
    expect(routes(stack(["bedrock:InvokeAgent"], "${aws_bedrockagent_agent_alias.live.agent_alias_arn}"))).toEqual(["aws_lambda_function.fn"]);
    expect(routes(stack(["bedrock:InvokeFlow"], "${aws_bedrockagent_flow.f.arn}/alias/*"))).toEqual(["aws_lambda_function.fn"]);
  });
});
