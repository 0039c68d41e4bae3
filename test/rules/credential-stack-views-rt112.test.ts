/**
 * Red-team round 112, what round 111's stack views left:
 * - G5: a custom resource's handler (or a wait condition's signaller) may read any resource of the template, but not a
 *   password no API returns (an RDS master password): only what an API does return (a secret's value, a function's
 *   environment) is read whole.
 * - G2 (left over): a CloudFormation module's resources carry Metadata too, from a template blastwall does not read.
 * - G3: `data.aws_cloudformation_stack` of a name no configured stack has may be a stack one of them nests, whose
 *   outputs may be anything it is given.
 * - G1: a custom resource's handler imported from another stack is that stack's function as it runs, environment and
 *   all; a Terraform function named as its ServiceToken (written out, by reference or through a parameter) may return
 *   its environment, and a token blastwall cannot tie to one may be any function's.
 */
import { check, errors } from "../helpers/tf";
import { KEY, stack } from "../helpers/credential-store";
import { errorsIn, KEY_REFS, keyPlan, refs } from "../helpers/credential-plan";

type Obj = Record<string, unknown>;
const reaches = (json: Obj) => errors(check(json), "agent-transitive-destroy").map((f) => f.resource);

/** A template declaring `S` NoEcho, with `resources` and `outputs`. */
const body = (resources: Obj, outputs?: Obj) => JSON.stringify({ Parameters: { S: { Type: "String", NoEcho: true } }, Resources: resources, Outputs: outputs });
const cfn = (template: string, extra: Obj = {}) => ({ "aws_cloudformation_stack.s": { name: "cfg", parameters: { S: KEY }, template_body: template, ...extra } });
const describe_ = (template: string, action = "cloudformation:DescribeStacks", more: Record<string, Obj> = {}) => reaches(stack({ ...cfn(template), ...more }, action, "*"));

const DB = { Db: { Type: "AWS::RDS::DBInstance", Properties: { Engine: "postgres", DBInstanceClass: "db.t3.micro", AllocatedStorage: "20", MasterUsername: "app", MasterUserPassword: { Ref: "S" } } } };
const ENDPOINT = { "Fn::GetAtt": ["Db", "Endpoint.Address"] };
const FN = (variables: Obj) => ({ InitFn: { Type: "AWS::Lambda::Function", Properties: { Runtime: "python3.12", Handler: "index.handler", Role: "arn:aws:iam::111111111111:role/cr", Environment: { Variables: variables }, Code: { ZipFile: "x" } } } });
const INIT = (props: Obj) => ({ Init: { Type: "Custom::DbInit", Properties: { ServiceToken: { "Fn::GetAtt": ["InitFn", "Arn"] }, ...props } } });
const INIT_OUT = { Schema: { Value: { "Fn::GetAtt": ["Init", "SchemaVersion"] } } };
const WAIT = (userData: string) => ({
  Handle: { Type: "AWS::CloudFormation::WaitConditionHandle" },
  Wait: { Type: "AWS::CloudFormation::WaitCondition", Properties: { Handle: { Ref: "Handle" }, Timeout: "600" } },
  Inst: { Type: "AWS::EC2::Instance", Properties: { ImageId: "ami-0123456789abcdef0", InstanceType: "t3.micro", UserData: { "Fn::Base64": { "Fn::Sub": userData } } } },
});
const WAIT_OUT = { Version: { Value: { "Fn::GetAtt": ["Wait", "Data"] } } };
// `$${` is CloudFormation's own `${`, which Terraform would otherwise read as its interpolation.
const SIGNAL = '#!/bin/bash\nmigrate --host $${Db.Endpoint.Address}\ncfn-signal -e 0 -d "$(cat /var/run/version)" "$${Handle}"\n';

describe("G5: what no API returns stays hidden from a handler that may read any resource", () => {
  test.each<[string, string]>([
    ["a custom resource given the database's endpoint", body({ ...DB, ...FN({ DB_HOST: ENDPOINT }), ...INIT({ Endpoint: ENDPOINT }) }, INIT_OUT)],
    ["a wait condition signalled by an instance using the endpoint", body({ ...DB, ...WAIT(SIGNAL) }, WAIT_OUT)],
    ["a custom resource beside an MQ broker user's password", body({ Q: { Type: "AWS::AmazonMQ::Broker", Properties: { BrokerName: "q", Users: [{ Username: "app", Password: { Ref: "S" } }] } }, ...FN({}), ...INIT({}) }, INIT_OUT)],
  ])("%s: masked", (_, template) => {
    expect(describe_(template)).toEqual([]);
  });

  test.each<[string, string]>([
    ["the parameter given to the custom resource itself", body({ ...DB, ...FN({}), ...INIT({ Password: { Ref: "S" } }) }, INIT_OUT)],
    ["a secret's value beside it (GetSecretValue returns it)", body({ Sec: { Type: "AWS::SecretsManager::Secret", Properties: { SecretString: { Ref: "S" } } }, ...FN({}), ...INIT({}) }, INIT_OUT)],
    ["its handler's environment", body({ ...DB, ...FN({ K: { Ref: "S" } }), ...INIT({}) }, INIT_OUT)],
    ["a function's environment beside a wait condition", body({ ...DB, ...FN({ K: { Ref: "S" } }), ...WAIT(SIGNAL) }, WAIT_OUT)],
    ["an MQ broker user's name (DescribeUser returns it)", body({ Q: { Type: "AWS::AmazonMQ::Broker", Properties: { BrokerName: "q", Users: [{ Username: { Ref: "S" }, Password: "x" }] } }, ...FN({}), ...INIT({}) }, INIT_OUT)],
  ])("control, %s: shown", (_, template) => {
    expect(describe_(template)).toEqual(["aws_iam_user.ops"]);
  });

  test("SAM's Globals are a function's environment too, read whole under a custom resource; not under its ARN's output", () => {
    const sam = (outputs: Obj) =>
      JSON.stringify({
        Transform: "AWS::Serverless-2016-10-31",
        Parameters: { S: { Type: "String", NoEcho: true } },
        Globals: { Function: { Environment: { Variables: { K: { Ref: "S" } } } } },
        Resources: { InitFn: { Type: "AWS::Serverless::Function", Properties: { Runtime: "python3.12", Handler: "index.handler", CodeUri: "s3://b/k.zip" } }, ...INIT({}) },
        Outputs: outputs,
      });
    expect(describe_(sam(INIT_OUT))).toEqual(["aws_iam_user.ops"]);
    expect(describe_(sam({ A: { Value: { "Fn::GetAtt": ["InitFn", "Arn"] } } }))).toEqual([]);
  });
});

describe("G2 leftover: a CloudFormation module's resources carry Metadata blastwall does not read", () => {
  test("DescribeStackResource of a template with a module given the parameter: shown; without the module: masked", () => {
    const module = { Cfg: { Type: "Acme::Config::Instance::MODULE", Properties: { Secret: { Ref: "S" } } } };
    expect(describe_(body(module), "cloudformation:DescribeStackResource")).toEqual(["aws_iam_user.ops"]);
    expect(describe_(body({ H: { Type: "AWS::CloudFormation::WaitConditionHandle", Properties: {} } }), "cloudformation:DescribeStackResource")).toEqual([]);
  });
});

describe("G3: a stack read back by a name no configured stack has may be one they nest", () => {
  const ID = "credential-in-configuration";
  const tagged = (expr: string, extra: Record<string, Obj>) =>
    check(stack({ ...extra, "aws_ssm_parameter.p": { name: "/ci/note", type: "String", value: "see tags", tags: { k: expr } } }, "ssm:ListTagsForResource", "*"), {}, { strict: true })
      .findings.filter((f) => f.ruleId === ID)
      .map((f) => f.resource);
  const nesting = (given: unknown) => cfn(body({ Child: { Type: "AWS::CloudFormation::Stack", Properties: { TemplateURL: "https://s3.amazonaws.com/tpl-bucket/child.yaml", Parameters: { Secret: given } } } }));
  const read = (name: string) => ({ "data.aws_cloudformation_stack.c": { name } });

  test.each<[string, string, string]>([
    ["the child's name", "${jsonencode(data.aws_cloudformation_stack.c.outputs)}", "cfg-Child-1ABCDEF2GHIJ"],
    ["a name Terraform computes", "${jsonencode(data.aws_cloudformation_stack.c.outputs)}", "${var.child}"],
    ["the whole data source", "${jsonencode(data.aws_cloudformation_stack.c)}", "cfg-Child-1ABCDEF2GHIJ"],
  ])("outputs read by %s, the parent passing the key to the child: an error", (_, expr, name) => {
    expect(tagged(expr, { ...nesting({ Ref: "S" }), ...read(name) })).toEqual(["aws_ssm_parameter.p"]);
  });

  test("controls: the child given a literal; the parent itself read by its name", () => {
    expect(tagged("${jsonencode(data.aws_cloudformation_stack.c.outputs)}", { ...nesting("plain"), ...read("cfg-Child-1ABCDEF2GHIJ") })).toEqual([]);
    expect(tagged("${jsonencode(data.aws_cloudformation_stack.c.outputs)}", { ...nesting({ Ref: "S" }), ...read("cfg") })).toEqual([]);
  });

  test("gate: the same read during apply fails through credential-in-configuration", () => {
    const parent = (given: unknown) => {
      const template = body({ Child: { Type: "AWS::CloudFormation::Stack", Properties: { TemplateURL: "https://s3.amazonaws.com/tpl-bucket/child.yaml", Parameters: { Secret: given } } } });
      return { address: "aws_cloudformation_stack.s", mode: "managed" as const, values: { name: "cfg", template_body: template }, unknown: { parameters: true, outputs: true, id: true }, expressions: { name: { constant_value: "cfg" }, template_body: { constant_value: template }, parameters: KEY_REFS } };
    };
    const child = { address: "data.aws_cloudformation_stack.c", mode: "data" as const, values: { name: "cfg-Child-1ABCDEF2GHIJ" }, unknown: { id: true, outputs: true, parameters: true }, expressions: { name: { constant_value: "cfg-Child-1ABCDEF2GHIJ" } } };
    const OUTPUTS = refs("data.aws_cloudformation_stack.c.outputs", "data.aws_cloudformation_stack.c");
    expect(errorsIn(keyPlan(OUTPUTS, [parent({ Ref: "S" }), child]), ID)).toEqual(["aws_ssm_parameter.p"]);
    expect(errorsIn(keyPlan(OUTPUTS, [parent("plain"), child]), ID)).toEqual([]);
  });
});

describe("G1: a custom resource's handler outside the template", () => {
  const ECHO = (token: unknown) => ({ Echo: { Type: "Custom::Echo", Properties: { ServiceToken: token } } });
  const ECHO_OUT = { K: { Value: { "Fn::GetAtt": ["Echo", "K"] } } };
  const plainBody = (resources: Obj, outputs: Obj, parameters: Obj = {}) => JSON.stringify({ Parameters: parameters, Resources: resources, Outputs: outputs });

  describe("imported from a provider stack", () => {
    const provider = (env: Obj, exported: unknown = { "Fn::GetAtt": ["Fn", "Arn"] }) => ({
      "aws_cloudformation_stack.provider": {
        name: "cr-provider",
        parameters: { S: KEY },
        template_body: body(
          { Fn: { Type: "AWS::Lambda::Function", Properties: { Runtime: "python3.12", Handler: "index.handler", Role: "arn:aws:iam::111111111111:role/cr", Environment: { Variables: env }, Code: { ZipFile: "x" } } } },
          { Token: { Value: exported, Export: { Name: "cr-echo-token" } } },
        ),
      },
    });
    const app = (resources: Obj, outputs: Obj) => ({ "aws_cloudformation_stack.app": { name: "app", template_body: plainBody(resources, outputs) } });
    const onApp = (extra: Record<string, Obj>) => reaches(stack(extra, "cloudformation:DescribeStacks", "arn:aws:cloudformation:eu-west-1:111111111111:stack/app/*"));

    test("its ServiceToken an import of the provider's function: the function's environment is shown", () => {
      expect(onApp({ ...provider({ K: { Ref: "S" } }), ...app(ECHO({ "Fn::ImportValue": "cr-echo-token" }), ECHO_OUT) })).toEqual(["aws_iam_user.ops"]);
    });

    test("the provider's exported ARN text, a Terraform function's: that function's environment is shown", () => {
      const fn = { "aws_lambda_function.echo": { function_name: "cfg-echo", role: "arn:aws:iam::111111111111:role/cr", environment: { variables: { K: KEY } } } };
      expect(onApp({ ...provider({}, "arn:aws:lambda:eu-west-1:111111111111:function:cfg-echo"), ...fn, ...app(ECHO({ "Fn::ImportValue": "cr-echo-token" }), ECHO_OUT) })).toEqual(["aws_iam_user.ops"]);
    });

    test("controls: the import output as an ARN (no custom resource); the provider's function holding no key", () => {
      expect(onApp({ ...provider({ K: { Ref: "S" } }), ...app({ H: { Type: "AWS::CloudFormation::WaitConditionHandle" } }, { A: { Value: { "Fn::ImportValue": "cr-echo-token" } } }) })).toEqual([]);
      expect(onApp({ ...provider({ K: "plain" }), ...app(ECHO({ "Fn::ImportValue": "cr-echo-token" }), ECHO_OUT) })).toEqual([]);
    });
  });

  describe("a Terraform function", () => {
    const fn = (name: string, env: Obj) => ({ [`aws_lambda_function.${name}`]: { function_name: `cfg-${name}`, role: "arn:aws:iam::111111111111:role/cr", runtime: "python3.12", handler: "index.handler", environment: { variables: env } } });
    const FUNCTIONS = { ...fn("echo", { K: KEY }), ...fn("other", { MODE: "plain" }) };
    // The stack is given no key: only a function's environment holds it.
    const onStack = (template: string, parameters?: Obj) =>
      check(stack({ ...FUNCTIONS, "aws_cloudformation_stack.s": { name: "cfg", template_body: template, ...(parameters ? { parameters } : {}) } }, "cloudformation:DescribeStacks", "*"));
    const reached = (template: string, parameters?: Obj) => errors(onStack(template, parameters), "agent-transitive-destroy").map((f) => f.resource);
    const TOKEN = { Token: { Type: "String" } };

    test.each<[string, string, Obj | undefined]>([
      ["its ARN written out", plainBody(ECHO("arn:aws:lambda:eu-west-1:111111111111:function:cfg-echo"), ECHO_OUT), undefined],
      ["an alias of it, its ARN in a Fn::Sub of the region and account", plainBody(ECHO({ "Fn::Sub": "arn:aws:lambda:$${AWS::Region}:$${AWS::AccountId}:function:cfg-echo:live" }), ECHO_OUT), undefined],
      ["its ARN by reference (a template Terraform writes with jsonencode)", plainBody(ECHO("${aws_lambda_function.echo.arn}"), ECHO_OUT), undefined],
      ["its ARN given as a stack parameter", plainBody(ECHO({ Ref: "Token" }), ECHO_OUT, TOKEN), { Token: "${aws_lambda_function.echo.arn}" }],
    ])("%s: its environment is shown", (_, template, parameters) => {
      expect(reached(template, parameters)).toEqual(["aws_iam_user.ops"]);
    });

    test.each<[string, string, Obj | undefined]>([
      ["another function's ARN written out", plainBody(ECHO("arn:aws:lambda:eu-west-1:111111111111:function:cfg-other"), ECHO_OUT), undefined],
      ["another function's ARN by reference", plainBody(ECHO("${aws_lambda_function.other.arn}"), ECHO_OUT), undefined],
      ["another function's ARN given as a stack parameter", plainBody(ECHO({ Ref: "Token" }), ECHO_OUT, TOKEN), { Token: "${aws_lambda_function.other.arn}" }],
      ["the custom resource not read (no output names it)", plainBody(ECHO("arn:aws:lambda:eu-west-1:111111111111:function:cfg-echo"), { A: { Value: "x" } }), undefined],
    ])("control, %s: masked", (_, template, parameters) => {
      expect(reached(template, parameters)).toEqual([]);
    });

    test("a token blastwall cannot tie to a function (an SNS topic): every function's environment counts, and the finding says so", () => {
      const found = errors(onStack(plainBody(ECHO("arn:aws:sns:eu-west-1:111111111111:cr-requests"), ECHO_OUT)), "agent-transitive-destroy");
      expect(found.map((f) => f.resource)).toEqual(["aws_iam_user.ops"]);
      expect(JSON.stringify(found[0])).toContain("blastwall counts the environment of every aws_lambda_function of the configuration: the ServiceToken of custom resource Echo (in the template of aws_cloudformation_stack.s) names no function it can tie to one");
    });

    test("gate: the stack's outputs copied into tags reach the Terraform function's environment", () => {
      const template = plainBody(ECHO("arn:aws:lambda:eu-west-1:111111111111:function:cfg-echo"), ECHO_OUT);
      const s = { address: "aws_cloudformation_stack.s", mode: "managed" as const, values: { name: "cfg", template_body: template }, unknown: { outputs: true, id: true }, expressions: { name: { constant_value: "cfg" }, template_body: { constant_value: template } } };
      const lambda = (env: Obj) => ({ address: "aws_lambda_function.echo", mode: "managed" as const, values: { function_name: "cfg-echo", role: "arn:aws:iam::111111111111:role/cr" }, unknown: { environment: true, arn: true }, expressions: { environment: env } });
      const OUTPUTS = refs("aws_cloudformation_stack.s.outputs", "aws_cloudformation_stack.s");
      expect(errorsIn(keyPlan(OUTPUTS, [s, lambda(KEY_REFS)]), "credential-in-configuration")).toEqual(["aws_ssm_parameter.p"]);
      expect(errorsIn(keyPlan(OUTPUTS, [s, lambda(refs("aws_iam_user.ci.name", "aws_iam_user.ci"))]), "credential-in-configuration")).toEqual([]);
    });
  });
});
