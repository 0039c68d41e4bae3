/**
 * A flow's Loop node (`configuration { loop { definition { node ... } } }`, the API's LoopFlowNodeConfiguration) runs
 * a definition of its own, with what the flow hands it: its LambdaFunction nodes are reached by InvokeFlow as the
 * flow's own are (rules/bedrock-routes.ts). A loop whose definition blastwall cannot read may run any function.
 */
import { check, policy, tf } from "../helpers/tf";
import { agentCan, DESTROY, role, type Obj } from "../helpers/sessions";

const PINNED = { provider: { aws: [{ region: "us-east-1", allowed_account_ids: ["111111111111"] }] } };
const LAMBDA = policy({ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" });
const BEDROCK = policy({ Effect: "Allow", Principal: { Service: "bedrock.amazonaws.com" }, Action: "sts:AssumeRole" });
const RUN = { Effect: "Allow", Action: "bedrock:InvokeFlow", Resource: "*" };

const stack = (nodes: unknown): Obj =>
  tf(
    {
      ...agentCan(RUN),
      ...role("fn", LAMBDA, DESTROY),
      ...role("svc", BEDROCK, policy({ Effect: "Allow", Action: "lambda:InvokeFunction", Resource: "*" })),
      "aws_lambda_function.fn": { function_name: "ops", role: "${aws_iam_role.fn.arn}", handler: "index.handler", runtime: "python3.12", filename: "x.zip" },
      "aws_bedrockagent_flow.f": { name: "cleanup", execution_role_arn: "${aws_iam_role.svc.arn}", definition: [{ node: nodes, connection: [] }] },
    },
    PINNED,
  );
const found = (json: Obj) => check(json).findings.filter((f) => f.ruleId === "agent-transitive-destroy");
const graded = (json: Obj) => found(json).map((f) => [f.severity, f.resource]);
const WARNING = [["warning", "aws_lambda_function.fn"]];

const INPUT = { name: "In", type: "Input", configuration: [{ input: [{}] }], output: [{ name: "document", type: "String" }] };
const FN = { name: "Fn", type: "LambdaFunction", configuration: [{ lambda_function: [{ lambda_arn: "${aws_lambda_function.fn.arn}" }] }] };
const PROMPT = { name: "P", type: "Prompt", configuration: [{ prompt: [{ source_configuration: [{ resource: [{ prompt_arn: "arn:aws:bedrock:us-east-1:111111111111:prompt/X" }] }] }] }] };
const loop = (definition: unknown, name = "Each", type: unknown = "Loop") => ({ name, type, configuration: [{ loop: [{ definition }] }] });
const body = (...nodes: unknown[]) => [{ node: nodes, connection: [] }];

describe("flow Loop nodes: the functions of the loop's own definition", () => {
  test("a LambdaFunction node inside a Loop node: a warning naming the node and its loop (was nothing)", () => {
    const json = stack([INPUT, loop(body(FN))]);
    expect(graded(json)).toEqual(WARNING);
    expect(found(json)[0].message).toContain("the flow hands its input to Fn (in Loop node Each) (LambdaFunction)");
  });

  test("a loop inside a loop, and a node whose type blastwall cannot read that holds a loop block", () => {
    expect(found(stack([INPUT, loop(body(loop(body(FN), "Inner")), "Outer")]))[0].message).toContain("Fn (in Loop node Outer > Inner) (LambdaFunction)");
    expect(graded(stack([INPUT, loop(body(FN), "Each", "${var.kind}")]))).toEqual(WARNING);
  });

  test("fail closed: a loop's definition, its nodes or its configuration blastwall cannot read may run any function", () => {
    const unread = found(stack([INPUT, loop("${var.body}")]));
    expect(unread.map((f) => f.severity)).toEqual(["warning"]);
    expect(unread[0].message).toContain("the definition of Loop node Each, which blastwall cannot read");
    expect(graded(stack([INPUT, loop([{ node: "${var.nodes}" }])]))).toEqual(WARNING);
    expect(graded(stack([INPUT, { name: "Each", type: "Loop", configuration: "${var.config}" }]))).toEqual(WARNING);
    expect(graded(stack([INPUT, { name: "Each", type: "Loop", configuration: [{ loop: "${var.loop}" }] }]))).toEqual(WARNING);
  });

  test("controls: a loop of Prompt nodes, an empty loop, a loop block on a node of another type", () => {
    expect(graded(stack([INPUT, loop(body(PROMPT))]))).toEqual([]);
    expect(graded(stack([INPUT, loop([])]))).toEqual([]);
    expect(graded(stack([INPUT, { ...PROMPT, configuration: [{ ...PROMPT.configuration[0], loop: [{ definition: body(FN) }] }] }]))).toEqual([]);
  });
});
