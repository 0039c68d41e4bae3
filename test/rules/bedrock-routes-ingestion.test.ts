/**
 * Functions Bedrock runs for a caller that were not routes (rules/bedrock-routes.ts):
 * - a knowledge base data source's custom transformation (`vector_ingestion_configuration.custom_transformation_configuration`)
 *   runs on every ingestion as the knowledge base's service role: bedrock:StartIngestionJob or
 *   IngestKnowledgeBaseDocuments on the knowledge base reaches it, as InvokeFlow reaches a flow's LambdaFunction node;
 * - an agent's custom orchestration function (`custom_orchestration.executor.lambda`, the API's shape: the provider
 *   has no such argument yet) runs on every turn with the caller's prompt, as its parser function does.
 */
import { check, policy, tf } from "../helpers/tf";
import { agentCan, DESTROY, HARMLESS, role, type Obj } from "../helpers/sessions";

const PINNED = { provider: { aws: [{ region: "us-east-1", allowed_account_ids: ["111111111111"] }] } };
const LAMBDA = policy({ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" });
const BEDROCK = policy({ Effect: "Allow", Principal: { Service: "bedrock.amazonaws.com" }, Action: "sts:AssumeRole" });
const allow = (action: string | string[], resource: unknown) => ({ Effect: "Allow", Action: action, Resource: resource });
const deny = (action: string | string[], resource: unknown) => ({ Effect: "Deny", Action: action, Resource: resource });

const stack = (statements: Obj[], extra: Obj, rights = DESTROY): Obj =>
  tf(
    {
      ...agentCan(...statements),
      ...role("fn", LAMBDA, rights),
      ...role("svc", BEDROCK, policy(allow("lambda:InvokeFunction", "*"))),
      "aws_lambda_function.fn": { function_name: "chunker", role: "${aws_iam_role.fn.arn}", handler: "index.handler", runtime: "python3.12", filename: "x.zip" },
      ...extra,
    },
    PINNED,
  );
const found = (json: Obj) =>
  check(json)
    .findings.filter((f) => f.ruleId === "agent-transitive-destroy")
    .map((f) => ({ severity: f.severity, resource: f.resource, message: f.message, fix: f.fix ?? "" }));
const graded = (json: Obj) => found(json).map((x) => [x.severity, x.resource]);
const WARNING = [["warning", "aws_lambda_function.fn"]];

const TRANSFORM = (lambda: unknown = "${aws_lambda_function.fn.arn}"): Obj => ({
  custom_transformation_configuration: [
    {
      intermediate_storage: [{ s3_location: [{ uri: "s3://chunks/tmp/" }] }],
      transformation: [{ step_to_apply: "POST_CHUNKING", transformation_function: [{ transformation_lambda_configuration: [{ lambda_arn: lambda }] }] }],
    },
  ],
});
const KB = (ingestion: unknown = [TRANSFORM()], kbId = "${aws_bedrockagent_knowledge_base.kb.id}"): Obj => ({
  "aws_bedrockagent_knowledge_base.kb": { name: "docs", role_arn: "${aws_iam_role.svc.arn}" },
  "aws_bedrockagent_data_source.docs": {
    knowledge_base_id: kbId,
    name: "docs",
    data_source_configuration: [{ type: "S3", s3_configuration: [{ bucket_arn: "arn:aws:s3:::docs" }] }],
    ...(ingestion === null ? {} : { vector_ingestion_configuration: ingestion }),
  },
});

describe("a knowledge base's custom transformation function", () => {
  test.each([
    ["StartIngestionJob on the knowledge base by reference", allow("bedrock:StartIngestionJob", "${aws_bedrockagent_knowledge_base.kb.arn}")],
    ["StartIngestionJob on *", allow("bedrock:StartIngestionJob", "*")],
    ["IngestKnowledgeBaseDocuments on knowledge-base/*", allow("bedrock:IngestKnowledgeBaseDocuments", "arn:aws:bedrock:us-east-1:111111111111:knowledge-base/*")],
  ])("%s: a route into the function, a warning (was none)", (_, grant) => {
    const json = stack([grant], KB());
    expect(graded(json)).toEqual(WARNING);
    const f = found(json)[0];
    expect(f.message).toContain("aws_bedrockagent_data_source.docs");
    expect(f.message).toContain("custom transformation");
    expect(f.fix).toContain("take the custom transformation off aws_bedrockagent_data_source.docs");
  });

  test("a transformation block blastwall cannot read may name any function", () => {
    expect(graded(stack([allow("bedrock:StartIngestionJob", "*")], KB([{ custom_transformation_configuration: "${var.transform}" }])))).toEqual(WARNING);
  });

  test("a knowledge base named by a literal ID: a right on that ID reaches it, one on another ID does not", () => {
    expect(graded(stack([allow("bedrock:StartIngestionJob", "arn:aws:bedrock:us-east-1:111111111111:knowledge-base/KB12345678")], KB(undefined, "KB12345678")))).toEqual(WARNING);
    expect(graded(stack([allow("bedrock:StartIngestionJob", "arn:aws:bedrock:us-east-1:111111111111:knowledge-base/OTHER00000")], KB(undefined, "KB12345678")))).toEqual([]);
  });

  test("controls: no transformation, only retrieval rights, a Deny on the knowledge bases, a harmless function: no finding", () => {
    expect(graded(stack([allow("bedrock:StartIngestionJob", "*")], KB(null)))).toEqual([]);
    expect(graded(stack([allow(["bedrock:Retrieve", "bedrock:RetrieveAndGenerate"], "*")], KB()))).toEqual([]);
    expect(graded(stack([allow("bedrock:StartIngestionJob", "*"), deny(["bedrock:StartIngestionJob", "bedrock:IngestKnowledgeBaseDocuments"], "arn:aws:bedrock:*:*:knowledge-base/*")], KB()))).toEqual([]);
    expect(graded(stack([allow("bedrock:StartIngestionJob", "*")], KB(), HARMLESS))).toEqual([]);
  });
});

describe("an agent's custom orchestration function", () => {
  const AGENT = (orchestration: unknown): Obj => ({
    "aws_bedrockagent_agent.ops": { agent_name: "ops", agent_resource_role_arn: "${aws_iam_role.svc.arn}", foundation_model: "anthropic.claude-3-5-sonnet-20240620-v1:0", orchestration_type: "CUSTOM_ORCHESTRATION", custom_orchestration: orchestration },
  });

  test("InvokeAgent on the agent's aliases reaches it, a warning (was none)", () => {
    const json = stack([allow("bedrock:InvokeAgent", "*")], AGENT([{ executor: [{ lambda: "${aws_lambda_function.fn.arn}" }] }]));
    expect(graded(json)).toEqual(WARNING);
    expect(found(json)[0].message).toContain("runs the custom orchestration function of aws_bedrockagent_agent.ops (custom_orchestration)");
  });

  test("an orchestration block blastwall cannot read may name any function", () => {
    expect(graded(stack([allow("bedrock:InvokeAgent", "*")], AGENT("${var.orchestration}")))).toEqual(WARNING);
  });

  test("controls: InvokeModel alone, or an executor with no function: no finding", () => {
    expect(graded(stack([allow("bedrock:InvokeModel", "*")], AGENT([{ executor: [{ lambda: "${aws_lambda_function.fn.arn}" }] }])))).toEqual([]);
    expect(graded(stack([allow("bedrock:InvokeAgent", "*")], AGENT([{ executor: [{}] }])))).toEqual([]);
  });
});
