/**
 * Configuration AWS returns to whoever may describe it, where a key was read as held by no store (red-team round 85):
 * Beanstalk option settings, schedule and rule targets, CloudFormation parameters and templates, SSM documents, state
 * machine definitions, SageMaker model environments and notebook lifecycle scripts.
 */
import { check, errors } from "../helpers/tf";
import { KEY, stack } from "../helpers/credential-store";

const reaches = (json: Record<string, unknown>) => errors(check(json), "agent-transitive-destroy").map((f) => f.resource);
const written = (json: Record<string, unknown>) => check(json).findings.filter((f) => f.ruleId === "credential-in-configuration");

const env = (value: string) => ({
  "aws_elastic_beanstalk_environment.web": {
    name: "web",
    application: "shop",
    setting: [{ namespace: "aws:elasticbeanstalk:application:environment", name: "AWS_SECRET_ACCESS_KEY", value }],
  },
});
const template = (value: string) => ({ "aws_elastic_beanstalk_configuration_template.base": { name: "base", application: "shop", setting: [{ namespace: "aws:elasticbeanstalk:application:environment", name: "K", value }] } });
const schedule = (input: string) => ({ "aws_scheduler_schedule.nightly": { name: "nightly", schedule_expression: "rate(1 day)", flexible_time_window: [{ mode: "OFF" }], target: [{ arn: "arn:aws:lambda:eu-west-1:111111111111:function:f", role_arn: "arn:aws:iam::111111111111:role/s", input }] } });
const target = (input: string, bus?: string) => ({ "aws_cloudwatch_event_target.t": { rule: "nightly", arn: "arn:aws:lambda:eu-west-1:111111111111:function:f", input, ...(bus ? { event_bus_name: bus } : {}) } });
const cfn = (parameters: Record<string, string>, body = '{"Parameters":{"Key":{"Type":"String"}},"Resources":{}}') => ({ "aws_cloudformation_stack.ci": { name: "ci", parameters, template_body: body } });
const doc = (content: string) => ({ "aws_ssm_document.run": { name: "run-deploy", document_type: "Command", content } });
const machine = (definition: string) => ({ "aws_sfn_state_machine.etl": { name: "etl", role_arn: "arn:aws:iam::111111111111:role/sfn", definition } });
const model = (value: string) => ({ "aws_sagemaker_model.m": { name: "scorer", execution_role_arn: "arn:aws:iam::111111111111:role/sm", primary_container: [{ image: "img", environment: { AWS_SECRET_ACCESS_KEY: value } }] } });
const lifecycle = (script: string) => ({ "aws_sagemaker_notebook_instance_lifecycle_configuration.lc": { name: "boot", on_start: script } });

const A = "arn:aws:";
test.each([
  ["a Beanstalk environment's settings", env, "elasticbeanstalk:DescribeConfigurationSettings", `${A}elasticbeanstalk:eu-west-1:111111111111:environment/shop/web`, `${A}elasticbeanstalk:eu-west-1:111111111111:environment/shop/other`],
  ["a Beanstalk configuration template's settings", template, "elasticbeanstalk:DescribeConfigurationSettings", `${A}elasticbeanstalk:eu-west-1:111111111111:configurationtemplate/shop/base`, `${A}elasticbeanstalk:eu-west-1:111111111111:configurationtemplate/shop/other`],
  ["a schedule's target input", schedule, "scheduler:GetSchedule", `${A}scheduler:eu-west-1:111111111111:schedule/default/nightly`, `${A}scheduler:eu-west-1:111111111111:schedule/default/other`],
  ["a rule target's input, read through the rule", target, "events:ListTargetsByRule", `${A}events:eu-west-1:111111111111:rule/nightly`, `${A}events:eu-west-1:111111111111:rule/other`],
  ["a stack's parameters", (k: string) => cfn({ Key: k }), "cloudformation:DescribeStacks", `${A}cloudformation:eu-west-1:111111111111:stack/ci/*`, `${A}cloudformation:eu-west-1:111111111111:stack/other/*`],
  ["a stack's template", (k: string) => cfn({}, `{"Resources":{"X":{"Type":"AWS::SSM::Parameter","Properties":{"Value":"${k}"}}}}`), "cloudformation:GetTemplate", `${A}cloudformation:eu-west-1:111111111111:stack/ci/*`, `${A}cloudformation:eu-west-1:111111111111:stack/other/*`],
  ["an SSM document's content", (k: string) => doc(`{"schemaVersion":"2.2","mainSteps":[{"action":"aws:runShellScript","inputs":{"runCommand":["export K=${k}"]}}]}`), "ssm:GetDocument", `${A}ssm:eu-west-1:111111111111:document/run-deploy`, `${A}ssm:eu-west-1:111111111111:document/other`],
  ["a state machine's definition", (k: string) => machine(`{"StartAt":"A","States":{"A":{"Type":"Pass","Result":"${k}","End":true}}}`), "states:DescribeStateMachine", `${A}states:eu-west-1:111111111111:stateMachine:etl`, `${A}states:eu-west-1:111111111111:stateMachine:other`],
  ["a state machine's definition, through an execution", (k: string) => machine(`{"StartAt":"A","States":{"A":{"Type":"Pass","Result":"${k}","End":true}}}`), "states:DescribeStateMachineForExecution", `${A}states:eu-west-1:111111111111:execution:etl:*`, `${A}states:eu-west-1:111111111111:execution:other:*`],
  ["a SageMaker model's container environment", model, "sagemaker:DescribeModel", `${A}sagemaker:eu-west-1:111111111111:model/scorer`, `${A}sagemaker:eu-west-1:111111111111:model/other`],
  ["a notebook lifecycle script", (k: string) => lifecycle(`\${base64encode("export K=${k}")}`), "sagemaker:DescribeNotebookInstanceLifecycleConfig", `${A}sagemaker:eu-west-1:111111111111:notebook-instance-lifecycle-config/boot`, `${A}sagemaker:eu-west-1:111111111111:notebook-instance-lifecycle-config/other`],
])("%s: the read reaches the key's user, a read of another resource does not", (_, store, action, arn, other) => {
  const s = (store as (k: string) => Record<string, Record<string, unknown>>)(KEY);
  expect(reaches(stack(s, action, "*"))).toEqual(["aws_iam_user.ops"]);
  expect(reaches(stack(s, action, arn))).toEqual(["aws_iam_user.ops"]);
  expect(reaches(stack(s, action, other))).toEqual([]);
  // A modelled store is the reach graph's to judge: no fail-closed finding beside it.
  expect(written(stack(s, action, other))).toEqual([]);
  // The control: the same store without a key.
  expect(reaches(stack((store as (k: string) => Record<string, Record<string, unknown>>)("plain"), action, "*"))).toEqual([]);
});

test("a target on another bus is read through that bus's rule ARN", () => {
  const s = target(KEY, "orders");
  expect(reaches(stack(s, "events:ListTargetsByRule", `${A}events:eu-west-1:111111111111:rule/orders/nightly`))).toEqual(["aws_iam_user.ops"]);
  expect(reaches(stack(s, "events:ListTargetsByRule", `${A}events:eu-west-1:111111111111:rule/nightly`))).toEqual([]);
});

test("a NoEcho parameter is masked by DescribeStacks, and the template does not hold its value", () => {
  const body = '{"Parameters":{"Key":{"Type":"String","NoEcho":true}},"Resources":{}}';
  const s = cfn({ Key: KEY }, body);
  expect(reaches(stack(s, "cloudformation:DescribeStacks", "*"))).toEqual([]);
  expect(reaches(stack(s, ["cloudformation:GetTemplate", "cloudformation:GetTemplateSummary"], "*"))).toEqual([]);
  expect(written(stack(s, "cloudformation:DescribeStacks", "*"))).toEqual([]);
  // A template blastwall cannot read for NoEcho shows every value (fail closed).
  expect(reaches(stack(cfn({ Key: KEY }, "${file(\"t.json\")}"), "cloudformation:DescribeStacks", "*"))).toEqual(["aws_iam_user.ops"]);
});

test("a template parameter's default is read by GetTemplateSummary; by DescribeStacks too, whose outputs a template Terraform computes may make of anything", () => {
  const s = cfn({}, `{"Parameters":{"Key":{"Type":"String","Default":"${KEY}"}},"Resources":{}}`);
  expect(reaches(stack(s, "cloudformation:GetTemplateSummary", "*"))).toEqual(["aws_iam_user.ops"]);
  // Red-team round 109 (F1): DescribeStacks returns the outputs, and a template holding an interpolation is not read.
  expect(reaches(stack(s, "cloudformation:DescribeStacks", "*"))).toEqual(["aws_iam_user.ops"]);
});

test("87. Lambda's list reads return each function's environment: ListFunctions on *, ListVersionsByFunction on the function", () => {
  const fn = (value: string) => ({ "aws_lambda_function.f": { function_name: "job", role: "arn:aws:iam::111111111111:role/fn", handler: "i.h", runtime: "python3.12", filename: "f.zip", environment: [{ variables: { AWS_SECRET_ACCESS_KEY: value } }] } });
  expect(reaches(stack(fn(KEY), "lambda:ListFunctions", "*"))).toEqual(["aws_iam_user.ops"]);
  expect(reaches(stack(fn(KEY), "lambda:ListVersionsByFunction", `${A}lambda:eu-west-1:111111111111:function:job`))).toEqual(["aws_iam_user.ops"]);
  expect(reaches(stack(fn(KEY), "lambda:ListVersionsByFunction", `${A}lambda:eu-west-1:111111111111:function:other`))).toEqual([]);
  // The control: a list read that returns no configuration.
  expect(reaches(stack(fn(KEY), "lambda:ListTags", "*"))).toEqual([]);
});
