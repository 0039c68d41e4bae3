/**
 * Red-team round 110: what a CloudFormation stack shows of a NoEcho parameter. An output naming a resource shows only
 * what that resource's `Ref` / `Fn::GetAtt` may return (F6); the SAM transform writes no output (F7); a nested stack
 * shows the parameters it is passed (F5); DescribeStackResource returns a resource's Metadata resolved (F1); ListExports
 * and `Fn::ImportValue` show exported outputs (F2).
 */
import { check, errors } from "../helpers/tf";
import { KEY, stack } from "../helpers/credential-store";

type Obj = Record<string, unknown>;
const reaches = (json: Obj) => errors(check(json), "agent-transitive-destroy").map((f) => f.resource);

/** A template declaring `S` NoEcho, with `resources` and `outputs`, and `extra` top-level sections. */
const body = (resources: Obj, outputs?: Obj, extra: Obj = {}) => JSON.stringify({ ...extra, Parameters: { S: { Type: "String", NoEcho: true } }, Resources: resources, Outputs: outputs });
const cfn = (template: string, name = "s") => ({ [`aws_cloudformation_stack.${name}`]: { name: `cfg-${name}`, parameters: { S: KEY }, template_body: template } });
const describe_ = (template: string, action = "cloudformation:DescribeStacks") => reaches(stack(cfn(template), action, "*"));

const SECRET = { Secret: { Type: "AWS::SecretsManager::Secret", Properties: { Name: "ci/deployer", SecretString: { Ref: "S" } } } };
const DB = { DB: { Type: "AWS::RDS::DBInstance", Properties: { Engine: "postgres", MasterUsername: "app", MasterUserPassword: { Ref: "S" } } } };

describe("F6: an output naming a resource shows what its Ref or GetAtt may return", () => {
  test.each<[string, string]>([
    ["a secret's ARN (Ref)", body(SECRET, { Arn: { Value: { Ref: "Secret" } } })],
    ["a secret's id (GetAtt Id)", body(SECRET, { Id: { Value: { "Fn::GetAtt": ["Secret", "Id"] } } })],
    ["a database's endpoint and port", body(DB, { Host: { Value: { "Fn::GetAtt": ["DB", "Endpoint.Address"] } }, Port: { Value: { "Fn::Sub": "$${DB.Endpoint.Port}" } } })],
  ])("%s: masked", (_, template) => {
    expect(describe_(template)).toEqual([]);
  });

  test.each<[string, string]>([
    ["a secret named after the parameter (its ARN holds the name)", body({ Secret: { Type: "AWS::SecretsManager::Secret", Properties: { Name: { Ref: "S" } } } }, { Arn: { Value: { Ref: "Secret" } } })],
    ["an SSM parameter's Value (GetAtt)", body({ P: { Type: "AWS::SSM::Parameter", Properties: { Type: "String", Value: { Ref: "S" } } } }, { V: { Value: { "Fn::GetAtt": ["P", "Value"] } } })],
    ["a custom resource's attribute", body({ C: { Type: "Custom::Echo", Properties: { ServiceToken: "arn:aws:lambda:eu-west-1:111111111111:function:echo", Key: { Ref: "S" } } } }, { V: { Value: { "Fn::GetAtt": ["C", "Key"] } } })],
    ["a nested stack's output", body({ N: { Type: "AWS::CloudFormation::Stack", Properties: { TemplateURL: "https://s3.amazonaws.com/b/t.yaml", Parameters: { K: { Ref: "S" } } } } }, { V: { Value: { "Fn::GetAtt": ["N", "Outputs.K"] } } })],
    ["a type blastwall cannot vouch for", body({ X: { Type: "AWS::Example::Thing", Properties: { Password: { Ref: "S" } } } }, { V: { Value: { "Fn::GetAtt": ["X", "Password"] } } })],
  ])("%s: shown", (_, template) => {
    expect(describe_(template)).toEqual(["aws_iam_user.ops"]);
  });
});

describe("F7: the SAM transform writes no output", () => {
  const SAM = { Transform: "AWS::Serverless-2016-10-31" };
  const FN = (environment: unknown) => ({ Fn: { Type: "AWS::Serverless::Function", Properties: { Runtime: "python3.12", Handler: "app.handler", CodeUri: "s3://code-bucket/fn.zip", Environment: environment } } });
  const ARN_IN_ENV = { ...SECRET, ...FN({ Variables: { SECRET_ARN: { Ref: "Secret" } } }) };

  test.each<[string, string]>([
    ["a literal output", body(ARN_IN_ENV, { Url: { Value: "https://example.invalid/notify" } }, SAM)],
    ["SAM as a one-item list, an output of the function's ARN", body(ARN_IN_ENV, { Fn: { Value: { "Fn::GetAtt": ["Fn", "Arn"] } } }, { Transform: ["AWS::Serverless-2016-10-31"] })],
    ["an output of a resource SAM makes, the key in the function's environment only", body({ ...FN({ Variables: { K: { Ref: "S" } } }) }, { Api: { Value: { "Fn::Sub": "https://$${ServerlessRestApi}.execute-api.eu-west-1.amazonaws.com/" } } }, SAM)],
  ])("%s: masked", (_, template) => {
    expect(describe_(template)).toEqual([]);
  });

  test.each<[string, string]>([
    ["another macro", body(ARN_IN_ENV, { Url: { Value: "https://example.invalid/notify" } }, { Transform: ["AWS::Serverless-2016-10-31", "AWS::LanguageExtensions"] })],
    ["an output repeating the parameter", body(ARN_IN_ENV, { K: { Value: { Ref: "S" } } }, SAM)],
    [
      "an output of a resource SAM makes from a function whose code location is the parameter",
      body({ Fn: { Type: "AWS::Serverless::Function", Properties: { Runtime: "python3.12", Handler: "app.handler", CodeUri: { Ref: "S" } } } }, { Role: { Value: { Ref: "FnRole" } } }, SAM),
    ],
    ["an output of a function whose Globals name the parameter", body(FN({ Variables: {} }), { Fn: { Value: { Ref: "Fn" } } }, { ...SAM, Globals: { Function: { Description: { Ref: "S" } } } })],
  ])("%s: shown", (_, template) => {
    expect(describe_(template)).toEqual(["aws_iam_user.ops"]);
  });
});

describe("F5: a stack it nests shows what it is given", () => {
  const nested = (type: string, given: unknown, extra: Obj = {}) =>
    body({ Child: { Type: type, Properties: { ...(type === "AWS::CloudFormation::Stack" ? { TemplateURL: "https://s3.amazonaws.com/tpl-bucket/child.yaml" } : { Location: { ApplicationId: "arn:aws:serverlessrepo:us-east-1:111111111111:applications/x", SemanticVersion: "1.0.0" } }), Parameters: given } } }, undefined, extra);
  const only = (template: string, resource: string) => reaches(stack(cfn(template), "cloudformation:DescribeStacks", resource));

  test.each<[string, string]>([
    ["a nested stack given the parameter", nested("AWS::CloudFormation::Stack", { Secret: { Ref: "S" } })],
    ["a nested stack given it in a Fn::Sub", nested("AWS::CloudFormation::Stack", { Secret: { "Fn::Sub": "k-$${S}" } })],
    ["a SAM application given the parameter", nested("AWS::Serverless::Application", { Secret: { Ref: "S" } }, { Transform: "AWS::Serverless-2016-10-31" })],
  ])("%s: shown", (_, template) => {
    expect(describe_(template)).toEqual(["aws_iam_user.ops"]);
  });

  test("DescribeStacks on the nested stacks only (named after the parent): shown", () => {
    expect(only(nested("AWS::CloudFormation::Stack", { Secret: { Ref: "S" } }), "arn:aws:cloudformation:eu-west-1:111111111111:stack/cfg-s-*/*")).toEqual(["aws_iam_user.ops"]);
  });

  test("controls: a nested stack given a literal; DescribeStacks on another stack's nested stacks", () => {
    expect(describe_(nested("AWS::CloudFormation::Stack", { Secret: "plain" }))).toEqual([]);
    expect(only(nested("AWS::CloudFormation::Stack", { Secret: { Ref: "S" } }), "arn:aws:cloudformation:eu-west-1:111111111111:stack/other-*/*")).toEqual([]);
    expect(only(body(SECRET, undefined), "arn:aws:cloudformation:eu-west-1:111111111111:stack/cfg-s-*/*")).toEqual([]);
  });
});

describe("F1: DescribeStackResource returns a resource's Metadata, resolved", () => {
  const READ = "cloudformation:DescribeStackResource";
  const init = (content: unknown) => ({ H: { Type: "AWS::CloudFormation::WaitConditionHandle", Metadata: { "AWS::CloudFormation::Init": { config: { files: { "/etc/k": { content } } } } } } });

  test.each<[string, string]>([
    ["cfn-init metadata naming the parameter (Ref)", body(init({ Ref: "S" }))],
    ["metadata naming it in a Fn::Sub", body(init({ "Fn::Sub": "key=$${S}" }))],
    ["metadata reading a custom resource given it", body({ ...init({ "Fn::GetAtt": ["C", "Key"] }), C: { Type: "Custom::Echo", Properties: { ServiceToken: "arn:aws:lambda:eu-west-1:111111111111:function:echo", Key: { Ref: "S" } } } })],
    ["a template run through a macro", body(init("none"), undefined, { Transform: "AWS::LanguageExtensions" })],
    ["a template Terraform computes", '${file("t.json")}'],
  ])("%s: shown", (_, template) => {
    expect(describe_(template, READ)).toEqual(["aws_iam_user.ops"]);
  });

  test("the key written into a resource's Metadata is shown", () => {
    const template = `{"Resources":{"H":{"Type":"AWS::CloudFormation::WaitConditionHandle","Metadata":{"k":"${KEY}"}}}}`;
    expect(reaches(stack({ "aws_cloudformation_stack.s": { name: "cfg", template_body: template } }, READ, "*"))).toEqual(["aws_iam_user.ops"]);
  });

  test.each<[string, string]>([
    ["no Metadata", body(SECRET)],
    ["metadata naming the secret's ARN only", body({ ...SECRET, ...init({ Ref: "Secret" }) })],
    ["an output repeating it (DescribeStacks' to show)", body(init("none"), { K: { Value: { Ref: "S" } } })],
  ])("control, %s: masked", (_, template) => {
    expect(describe_(template, READ)).toEqual([]);
  });

  test("control: DescribeStacks does not return Metadata", () => {
    expect(describe_(body(init({ Ref: "S" })))).toEqual([]);
  });
});

describe("F2: exported outputs are read by ListExports, and by DescribeStacks on a stack importing them", () => {
  const EXPORTER = body({ H: { Type: "AWS::CloudFormation::WaitConditionHandle" } }, { S: { Value: { Ref: "S" }, Export: { Name: "ci-secret" } }, H: { Value: { Ref: "H" }, Export: { Name: "handle" } } });
  const reader = (imported: unknown) => ({ "aws_cloudformation_stack.reader": { name: "reader", template_body: JSON.stringify({ Resources: { H: { Type: "AWS::CloudFormation::WaitConditionHandle" } }, Outputs: { K: { Value: { "Fn::ImportValue": imported } } } }) } });
  const onReader = (imported: unknown) => reaches(stack({ ...cfn(EXPORTER), ...reader(imported) }, "cloudformation:DescribeStacks", "arn:aws:cloudformation:eu-west-1:111111111111:stack/reader/*"));

  test("ListExports (account-wide) reads an exported output repeating the parameter", () => {
    expect(describe_(EXPORTER, "cloudformation:ListExports")).toEqual(["aws_iam_user.ops"]);
  });

  test("controls: ListExports and an output repeating it that is not exported, or an exported output of the wait handle only", () => {
    expect(describe_(body({}, { S: { Value: { Ref: "S" } } }), "cloudformation:ListExports")).toEqual([]);
    expect(describe_(body({ H: { Type: "AWS::CloudFormation::WaitConditionHandle" } }, { H: { Value: { Ref: "H" }, Export: { Name: "handle" } } }), "cloudformation:ListExports")).toEqual([]);
  });

  test.each<[string, unknown]>([
    ["the export by name", "ci-secret"],
    ["a name no stack of the configuration exports (any export)", "made-elsewhere"],
    ["a name an intrinsic function computes (any export)", { "Fn::Sub": "$${AWS::Region}-secret" }],
  ])("DescribeStacks on the importing stack only, importing %s: shown", (_, imported) => {
    expect(onReader(imported)).toEqual(["aws_iam_user.ops"]);
  });

  test("control: importing the wait handle's export", () => {
    expect(onReader("handle")).toEqual([]);
  });

  test("DescribeStackResource on a stack whose resource Metadata imports the export: shown; the wait handle's: not", () => {
    const meta = (imported: string) => ({ "aws_cloudformation_stack.reader": { name: "reader", template_body: JSON.stringify({ Resources: { H: { Type: "AWS::CloudFormation::WaitConditionHandle", Metadata: { k: { "Fn::ImportValue": imported } } } } }) } });
    const run = (imported: string) => reaches(stack({ ...cfn(EXPORTER), ...meta(imported) }, "cloudformation:DescribeStackResource", "arn:aws:cloudformation:eu-west-1:111111111111:stack/reader/*"));
    expect(run("ci-secret")).toEqual(["aws_iam_user.ops"]);
    expect(run("handle")).toEqual([]);
  });

  test("an importing stack's output, written into tags: credential-in-configuration", () => {
    const tagged = (imported: string) =>
      check(stack({ ...cfn(EXPORTER), ...reader(imported), "aws_ssm_parameter.p": { name: "/ci/note", type: "String", value: "see tags", tags: { k: '${aws_cloudformation_stack.reader.outputs["K"]}' } } }, "ssm:ListTagsForResource", "*"), {}, { strict: true })
        .findings.filter((f) => f.ruleId === "credential-in-configuration" && f.resource === "aws_ssm_parameter.p");
    expect(tagged("ci-secret")).toHaveLength(1);
    expect(tagged("handle")).toEqual([]);
  });
});
