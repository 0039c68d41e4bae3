/**
 * Red-team round 109 (F1): CloudFormation masks a `NoEcho` parameter in DescribeStacks' parameters, not in the outputs
 * that repeat it, and DescribeStacks returns the outputs. So a NoEcho parameter an output may echo is shown, and a
 * reference to a stack's `outputs` holds what the template makes them of: its parameters, and its own text.
 */
import { check, errors } from "../helpers/tf";
import { KEY, stack } from "../helpers/credential-store";

type Obj = Record<string, unknown>;
const reaches = (json: Obj) => errors(check(json), "agent-transitive-destroy").map((f) => f.resource);
const copied = (json: Obj) => check(json, {}, { strict: true }).findings.filter((f) => f.ruleId === "credential-in-configuration").map((f) => f.message);

/** A template declaring `S` NoEcho, with a wait handle `H`, and `outputs` as its Outputs section. */
const body = (outputs: unknown, extra: Obj = {}) =>
  JSON.stringify({ Parameters: { S: { Type: "String", NoEcho: true }, N: { Type: "String" } }, Resources: { H: { Type: "AWS::CloudFormation::WaitConditionHandle" }, ...extra }, Outputs: outputs });
const cfn = (template: unknown, type = "aws_cloudformation_stack") => ({ [`${type}.s`]: { name: "cfg", parameters: { S: KEY, N: "plain" }, template_body: template } });
const describe_ = (template: unknown) => reaches(stack(cfn(template), "cloudformation:DescribeStacks", "*"));

describe("DescribeStacks: a NoEcho parameter an output may repeat is shown", () => {
  test.each<[string, unknown]>([
    ["an output that is the parameter (Ref)", body({ S: { Value: { Ref: "S" } } })],
    ["an output made with Fn::Sub (escaped for Terraform as $${S})", body({ S: { Value: { "Fn::Sub": "key-$${S}" } } })],
    ["an output made with Fn::Join", body({ S: { Value: { "Fn::Join": ["", ["key-", { Ref: "S" }]] } } })],
    ["an output reading a resource that stores the parameter (Fn::GetAtt)", body({ S: { Value: { "Fn::GetAtt": ["P", "Value"] } } }, { P: { Type: "AWS::SSM::Parameter", Properties: { Type: "String", Value: { Ref: "S" } } } })],
    ["an output of a name an intrinsic function computes", body({ S: { Value: { Ref: { "Fn::Select": [0, ["S"]] } } } })],
    ["a template run through a macro", JSON.stringify({ Transform: "Custom::Echo", Parameters: { S: { Type: "String", NoEcho: true } }, Resources: {} })],
    ["a YAML template whose output repeats it (!Sub)", "Parameters:\n  S: { Type: String, NoEcho: true }\nResources:\n  H: { Type: AWS::CloudFormation::WaitConditionHandle }\nOutputs:\n  S: { Value: !Sub \"key-$${S}\" }\n"],
    ["a template Terraform computes (blastwall cannot read it)", '${file("t.json")}'],
  ])("%s: the agent that may describe the stack acts as the key's user", (_, template) => {
    expect(describe_(template)).toEqual(["aws_iam_user.ops"]);
  });

  test.each<[string, unknown]>([
    ["no Outputs section", body(undefined)],
    ["an output of another parameter and of a resource that names none", body({ N: { Value: { Ref: "N" } }, H: { Value: { Ref: "H" } }, R: { Value: { "Fn::Sub": "$${AWS::Region}-$${!S}" } } })],
    ["a YAML template whose output names the wait handle only", "Parameters:\n  S: { Type: String, NoEcho: true }\nResources:\n  H: { Type: AWS::CloudFormation::WaitConditionHandle }\nOutputs:\n  H: { Value: !Ref H }\n"],
  ])("control, %s: masked", (_, template) => {
    expect(describe_(template)).toEqual([]);
  });

  test("an output holding the key itself (in the template's text) is read by DescribeStacks, not only GetTemplate", () => {
    const template = `{"Resources":{"H":{"Type":"AWS::CloudFormation::WaitConditionHandle"}},"Outputs":{"K":{"Value":"${KEY}"}}}`;
    expect(reaches(stack({ "aws_cloudformation_stack.s": { name: "cfg", template_body: template } }, "cloudformation:DescribeStacks", "*"))).toEqual(["aws_iam_user.ops"]);
  });
});

describe("a reference to a stack's outputs holds what the template makes them of", () => {
  const tagged = (expr: string, store: Record<string, Obj>) => copied(stack({ ...store, "aws_ssm_parameter.p": { name: "/ci/note", type: "String", value: "see tags", tags: { k: expr } } }, "ssm:ListTagsForResource", "*"));
  const KEY_IN_TAGS = expect.stringMatching(/aws_ssm_parameter\.p holds an access key of aws_iam_user\.ops \(aws_iam_access_key\.k\) in its tags argument/);
  const outputs = body({ S: { Value: { Ref: "S" } }, H: { Value: { Ref: "H" } }, N: { Value: { Ref: "N" } } });

  test.each<[string, string, Record<string, Obj>]>([
    ["the output repeating the NoEcho parameter", '${aws_cloudformation_stack.s.outputs["S"]}', cfn(outputs)],
    ["the output, by attribute syntax", "${aws_cloudformation_stack.s.outputs.S}", cfn(outputs)],
    ["every output", "${jsonencode(aws_cloudformation_stack.s.outputs)}", cfn(outputs)],
    ["an output of a template blastwall cannot read", '${aws_cloudformation_stack.s.outputs["H"]}', cfn('${file("t.json")}')],
    ["an output of an awscc stack", "${jsonencode(awscc_cloudformation_stack.s.outputs)}", cfn(outputs, "awscc_cloudformation_stack")],
    [
      "an output of a Serverless Application Repository stack (its template is the application's)",
      '${aws_serverlessapplicationrepository_cloudformation_stack.s.outputs["X"]}',
      { "aws_serverlessapplicationrepository_cloudformation_stack.s": { name: "app", application_id: "arn:aws:serverlessrepo:us-east-1:111111111111:applications/x", capabilities: ["CAPABILITY_IAM"], parameters: { S: KEY } } },
    ],
  ])("%s, written into tags: an error", (_, expr, store) => {
    // The stack's own parameters are reported beside, where AWS does not show a read of them.
    expect(tagged(expr, store)).toContainEqual(KEY_IN_TAGS);
  });

  test.each<[string, string]>([
    ["the output of the wait handle", '${aws_cloudformation_stack.s.outputs["H"]}'],
    ["the output of the parameter that holds no key", '${aws_cloudformation_stack.s.outputs["N"]}'],
    ["the stack's id (AWS makes it)", "${aws_cloudformation_stack.s.id}"],
  ])("control: %s", (_, expr) => {
    expect(tagged(expr, cfn(outputs))).toEqual([]);
    expect(tagged("${jsonencode(aws_cloudformation_stack.s.outputs)}", cfn(body({ H: { Value: { Ref: "H" } } })))).toEqual([]);
  });
});
