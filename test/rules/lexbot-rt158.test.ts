/**
 * Red-team round 158, F6, second half: a Bedrock flow's LexBot node sends its input to a Lex V2 bot alias, whose code
 * hook runs with slots taken from that text under the function's Lambda permission for Lex. InvokeFlow on the flow
 * reaches the functions such a permission lets Lex invoke from that alias (the first half, lexv2.amazonaws.com read as
 * the lex namespace, is in invoke-routes-more.test.ts).
 */
import { check, policy, tf } from "../helpers/tf";
import { agentCan, DESTROY, HARMLESS, role, type Obj } from "../helpers/sessions";

const PINNED = { provider: { aws: [{ region: "us-east-1", allowed_account_ids: ["111111111111"] }] } };
const LAMBDA = policy({ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" });
const BEDROCK = policy({ Effect: "Allow", Principal: { Service: "bedrock.amazonaws.com" }, Action: "sts:AssumeRole" });
const allow = (action: string | string[], resource: unknown) => ({ Effect: "Allow", Action: action, Resource: resource });
const ALIAS = "arn:aws:lex:us-east-1:111111111111:bot-alias/BOTID12345/ALIASID123";

const stack = (nodeAlias: unknown, permission: Obj | undefined, rights = DESTROY, node: Obj = { type: "LexBot", configuration: [{ lex_bot: [{ bot_alias_arn: nodeAlias, locale_id: "en_US" }] }] }): Obj =>
  tf(
    {
      ...agentCan(allow("bedrock:InvokeFlow", "*")),
      ...role("fn", LAMBDA, rights),
      ...role("svc", BEDROCK, policy(allow(["lex:RecognizeText", "lex:RecognizeUtterance"], "*"))),
      "aws_lambda_function.fn": { function_name: "ops", role: "${aws_iam_role.fn.arn}", handler: "index.handler", runtime: "python3.12", filename: "x.zip" },
      "aws_bedrockagent_flow.f": {
        name: "cleanup",
        execution_role_arn: "${aws_iam_role.svc.arn}",
        definition: [
          {
            node: [
              { name: "In", type: "Input", configuration: [{ input: [{}] }], output: [{ name: "document", type: "String" }] },
              { name: "Bot", ...node },
            ],
            connection: [],
          },
        ],
      },
      ...(permission ? { "aws_lambda_permission.lex": { statement_id: "lex", action: "lambda:InvokeFunction", function_name: "${aws_lambda_function.fn.function_name}", ...permission } } : {}),
    },
    PINNED,
  );
const found = (json: Obj, strict = false) => check(json, {}, { strict }).findings.filter((f) => f.ruleId === "agent-transitive-destroy");
const graded = (json: Obj, strict = false) => found(json, strict).map((f) => [f.severity, f.resource]);
const WARNING = [["warning", "aws_lambda_function.fn"]];

describe("158 F6: InvokeFlow on a flow whose LexBot node calls a bot alias the function's Lex permission admits", () => {
  test("the alias the permission names (lexv2 or lex principal), or a permission with no source: a warning naming the node", () => {
    const json = stack(ALIAS, { principal: "lexv2.amazonaws.com", source_arn: ALIAS });
    expect(graded(json)).toEqual(WARNING);
    expect(graded(json, true)).toEqual([["error", "aws_lambda_function.fn"]]);
    const f = found(json).find((x) => x.message.includes("aws_bedrockagent_flow.f"))!;
    expect(f.message).toContain("the flow hands its input to Bot (LexBot, whose bot alias runs its code hook under a Lambda permission for Lex)");
    expect(f.message).toContain("--bedrock:InvokeFlow--> aws_bedrockagent_flow.f --aws_bedrockagent_flow.f--> aws_lambda_function.fn --runs as--> aws_iam_role.fn");
    expect(graded(stack(ALIAS, { principal: "lex.amazonaws.com", source_arn: "arn:aws:lex:us-east-1:111111111111:bot-alias/BOTID12345/*" }))).toEqual(WARNING);
    expect(graded(stack(ALIAS, { principal: "lexv2.amazonaws.com", source_account: "111111111111" }))).toEqual(WARNING);
    // An alias ARN blastwall cannot read may be the one the permission names.
    expect(graded(stack("${var.alias}", { principal: "lexv2.amazonaws.com", source_arn: ALIAS }))).toEqual(WARNING);
  });

  test("controls: a permission for another bot's alias or another service, no permission, a function that cannot delete", () => {
    expect(graded(stack(ALIAS, { principal: "lexv2.amazonaws.com", source_arn: "arn:aws:lex:us-east-1:111111111111:bot-alias/OTHERBOT00/ALIASID123" }))).toEqual([]);
    expect(graded(stack(ALIAS, { principal: "secretsmanager.amazonaws.com", source_arn: "arn:aws:secretsmanager:us-east-1:111111111111:secret:db-AbCdEf" }))).toEqual([]);
    expect(graded(stack(ALIAS, undefined))).toEqual([]);
    expect(graded(stack(ALIAS, { principal: "lexv2.amazonaws.com", source_arn: ALIAS }, HARMLESS))).toEqual([]);
  });
});

// The provider writes a Lex node as `type = "Lex"` with `configuration { lex { bot_alias_arn, locale_id } }` (the API's
// FlowNodeConfiguration member); only the `LexBot` / `lex_bot` spelling was read, so a flow written the provider's
// way passed.
describe("a Lex node in the provider's spelling (type Lex, a lex block)", () => {
  const LEX = (alias: unknown): Obj => ({ type: "Lex", configuration: [{ lex: [{ bot_alias_arn: alias, locale_id: "en_US" }] }] });
  test("InvokeFlow reaches the code hook the function's Lex permission admits: a warning (was none)", () => {
    expect(graded(stack(ALIAS, { principal: "lexv2.amazonaws.com", source_arn: ALIAS }, DESTROY, LEX(ALIAS)))).toEqual(WARNING);
    expect(graded(stack(ALIAS, { principal: "lexv2.amazonaws.com", source_arn: ALIAS }, DESTROY, { configuration: [{ lex: [{ bot_alias_arn: ALIAS, locale_id: "en_US" }] }] }))).toEqual(WARNING);
  });

  test("controls: another bot's alias, or a function that cannot delete: no finding", () => {
    expect(graded(stack(ALIAS, { principal: "lexv2.amazonaws.com", source_arn: "arn:aws:lex:us-east-1:111111111111:bot-alias/OTHERBOT00/ALIASID123" }, DESTROY, LEX(ALIAS)))).toEqual([]);
    expect(graded(stack(ALIAS, { principal: "lexv2.amazonaws.com", source_arn: ALIAS }, HARMLESS, LEX(ALIAS)))).toEqual([]);
  });
});
