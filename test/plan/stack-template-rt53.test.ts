/**
 * plan-stack-template-drops-data, red-team round 53: names read from Mappings or from SSM at deploy time, data types
 * written as CloudFormation, modules and custom resources; and the false alarms of following other resources.
 */
import { evaluatePlan } from "../../lib/plan/evaluate";
import { readPlan } from "../../lib/plan/read-plan";
import { change, minimalPlan, tempDir, writeTemp } from "./helpers";

type Obj = Record<string, unknown>;

const run = (changes: Obj[]) => evaluatePlan(readPlan(writeTemp(tempDir(), "plan.json", JSON.stringify(minimalPlan(changes)))), { config: {} }).judged.map((j) => j.finding);
const judged = (changes: Obj[]) => run(changes).map((f) => `${f.ruleId} ${f.resource}`);
const tpl = (resources: Obj, extra: Obj = {}) => JSON.stringify({ Resources: resources, ...extra });
const stack = (before: string, after: string, tags: [Obj, Obj] = [{}, {}]) =>
  change("aws_cloudformation_stack.orders", ["update"], { name: "orders", template_body: before, tags: tags[0] }, { name: "orders", template_body: after, tags: tags[1] });
const BLOCKED = ["plan-stack-template-drops-data aws_cloudformation_stack.orders"];
const table = (name: unknown) => ({ Type: "AWS::DynamoDB::Table", Properties: { TableName: name } });

describe("names CloudFormation computes from what the template text does not show", () => {
  test("a name looked up in Mappings changes with the map", () => {
    const t = (prod: string, dev = "orders-dev") => tpl({ Orders: table({ "Fn::FindInMap": ["Names", "prod", "table"] }) }, { Mappings: { Names: { prod: { table: prod }, dev: { table: dev } } } });
    expect(judged([stack(t("orders"), t("orders-v2"))])).toEqual(BLOCKED);
    // The control: the map's other entries are read too (the lookup is not evaluated), so only an unrelated map passes.
    const other = (x: string) => tpl({ Orders: table({ "Fn::FindInMap": ["Names", "prod", "table"] }) }, { Mappings: { Names: { prod: { table: "orders" } }, Sizes: { s: { n: x } } } });
    expect(judged([stack(other("1"), other("2"))])).toEqual([]);
  });

  test("a name read from SSM at deploy time counts at any update of the stack, a tag's too", () => {
    const typed = tpl({ Orders: table({ Ref: "TableName" }) }, { Parameters: { TableName: { Type: "AWS::SSM::Parameter::Value<String>", Default: "/app/orders/table-name" } } });
    const [f] = run([stack(typed, typed, [{ team: "a" }, { team: "b" }])]);
    expect(f.message).toContain("Orders (AWS::DynamoDB::Table) takes TableName from a value stored outside the template (SSM Parameter Store or Secrets Manager), which CloudFormation reads anew at this update");
    const resolve = tpl({ Orders: table("{{resolve:ssm:/app/orders/table-name}}") });
    expect(judged([stack(resolve, resolve, [{ team: "a" }, { team: "b" }])])).toEqual(BLOCKED);
    // The control: a plain parameter or a literal name, and a table kept on replacement.
    const plain = tpl({ Orders: table({ Ref: "TableName" }) }, { Parameters: { TableName: { Type: "String", Default: "orders" } } });
    expect(judged([stack(plain, plain, [{ team: "a" }, { team: "b" }])])).toEqual([]);
    const kept = tpl({ Orders: { ...table("{{resolve:ssm:/app/orders/table-name}}"), UpdateReplacePolicy: "Retain" } });
    expect(judged([stack(kept, kept, [{ team: "a" }, { team: "b" }])])).toEqual([]);
  });
});

describe("what a template may drop", () => {
  test.each(["AWS::S3Tables::Table", "AWS::KinesisVideo::Stream", "AWS::AmazonMQ::Broker", "AWS::APS::Workspace", "AWS::Route53::HostedZone", "AWS::CloudTrail::EventDataStore", "Acme::Data::OrdersTable::MODULE", "Custom::Cleanup", "MongoDB::Atlas::Cluster", "AWS::CloudFormation::StackSet"])(
    "dropping %s blocks",
    (type) => {
      expect(judged([stack(tpl({ R: { Type: type, Properties: {} }, T: { Type: "AWS::SNS::Topic" } }), tpl({ T: { Type: "AWS::SNS::Topic" } }))])).toEqual(BLOCKED);
    },
  );
  test("the control: dropping a topic or a function passes", () => {
    expect(judged([stack(tpl({ T: { Type: "AWS::SNS::Topic" }, F: { Type: "AWS::Lambda::Function", Properties: {} }, Q: { Type: "AWS::S3::Bucket", DeletionPolicy: "Retain" } }), tpl({ Q: { Type: "AWS::S3::Bucket", DeletionPolicy: "Retain" } }))])).toEqual([]);
  });
});

describe("following another resource follows what feeds the value, not every property (false alarms of round 52)", () => {
  test("resizing the instance whose zone a volume takes passes; moving it does not", () => {
    const t = (type: string, zone = "eu-west-1a") =>
      tpl({ Host: { Type: "AWS::EC2::Instance", Properties: { InstanceType: type, ImageId: "ami-1", AvailabilityZone: zone } }, Data: { Type: "AWS::EC2::Volume", Properties: { AvailabilityZone: { "Fn::GetAtt": ["Host", "AvailabilityZone"] }, Size: 100 } } });
    expect(judged([stack(t("m5.large"), t("m5.xlarge"))])).toEqual([]);
    expect(judged([stack(t("m5.large"), t("m5.large", "eu-west-1b"))])).toEqual(BLOCKED);
  });

  test("new code for the function whose name a log group takes passes; a new function name does not", () => {
    const t = (code: string, name = "orders") =>
      tpl({ Fn: { Type: "AWS::Lambda::Function", Properties: { FunctionName: name, Code: { ZipFile: code } } }, Logs: { Type: "AWS::Logs::LogGroup", Properties: { LogGroupName: { "Fn::Sub": "/aws/lambda/${Fn}" } } } });
    expect(judged([stack(t("v1"), t("v2"))])).toEqual([]);
    expect(judged([stack(t("v1"), t("v1", "orders-v2"))])).toEqual(BLOCKED);
  });

  test("a custom resource's attributes may come from any of its properties", () => {
    const t = (x: string) => tpl({ Namer: { Type: "Custom::Namer", Properties: { ServiceToken: "arn:aws:lambda:eu-west-1:111111111111:function:namer", Seed: x } }, Orders: table({ "Fn::GetAtt": ["Namer", "Name"] }) });
    expect(judged([stack(t("1"), t("2"))])).toEqual(BLOCKED);
  });
});

describe("resources that run calls, written in a template", () => {
  const schedule = (db: string) => ({ Type: "AWS::Scheduler::Schedule", Properties: { ScheduleExpression: "rate(1 day)", Target: { Arn: "arn:aws:scheduler:::aws-sdk:rds:deleteDBInstance", RoleArn: "arn:aws:iam::111111111111:role/s", Input: JSON.stringify({ DbInstanceIdentifier: db }) } } });
  const topic = { Type: "AWS::SNS::Topic" };

  test("a schedule added to or changed in a stack, or in a new stack, blocks", () => {
    expect(judged([stack(tpl({ T: topic }), tpl({ T: topic, Wipe: schedule("orders-prod") }))])).toEqual(BLOCKED);
    expect(judged([stack(tpl({ T: topic, Wipe: schedule("ci") }), tpl({ T: topic, Wipe: schedule("orders-prod") }))])).toEqual(BLOCKED);
    const created = change("aws_cloudformation_stack.orders", ["create"], null, { name: "orders", template_body: tpl({ Wipe: schedule("orders-prod") }) });
    const [f] = run([created]);
    expect(f.message).toContain("The plan creates aws_cloudformation_stack.orders, whose template runs calls blastwall cannot judge: Wipe (AWS::Scheduler::Schedule) is new");
    expect(judged([change("aws_cloudformation_stack.orders", ["create"], null, { name: "orders", template_body: tpl({ Fn: { Type: "Custom::Seed", Properties: {} } }) })])).toEqual(BLOCKED);
  });

  test("the control: an unchanged schedule beside another change, and a new stack without such resources, pass", () => {
    expect(judged([stack(tpl({ T: topic, Wipe: schedule("ci") }), tpl({ T: topic, U: topic, Wipe: schedule("ci") }))])).toEqual([]);
    expect(judged([change("aws_cloudformation_stack.orders", ["create"], null, { name: "orders", template_body: tpl({ T: topic }) })])).toEqual([]);
  });
});

describe("red-team round 54: what replaces a resource blastwall knows little of", () => {
  test("a module or third-party type: any property may replace it", () => {
    const t = (name: string) => tpl({ Orders: { Type: "Acme::Data::OrdersTable::MODULE", Properties: { TableName: name } } });
    expect(judged([stack(t("orders"), t("orders-v2"))])).toEqual(BLOCKED);
    const atlas = (size: string) => tpl({ Db: { Type: "MongoDB::Atlas::Cluster", Properties: { Name: "orders", InstanceSize: size } } });
    expect(judged([stack(atlas("M10"), atlas("M20"))])).toEqual(BLOCKED);
  });

  test("a data type without a known list: its name properties replace it; its other settings do not", () => {
    const ts = (table: string, retention = 24) => tpl({ T: { Type: "AWS::Timestream::Table", Properties: { DatabaseName: "metrics", TableName: table, RetentionProperties: { MemoryStoreRetentionPeriodInHours: retention } } } });
    expect(judged([stack(ts("cpu"), ts("cpu-v2"))])).toEqual(BLOCKED);
    expect(judged([stack(ts("cpu", 24), ts("cpu", 48))])).toEqual([]);
  });
});

describe("red-team round 54: more runners, and a secret the template makes itself", () => {
  const topic = { Type: "AWS::SNS::Topic" };
  test.each([
    ["AWS::SSM::MaintenanceWindowTask", { TaskType: "RUN_COMMAND" }],
    ["AWS::Config::RemediationConfiguration", { TargetId: "AWS-DeleteRdsInstance" }],
    ["AWS::Pipes::Pipe", { Target: "arn:aws:states:eu-west-1:111111111111:stateMachine:wipe" }],
    ["AWS::Glue::Trigger", { Type: "SCHEDULED" }],
    ["AWS::CloudFormation::Stack", { TemplateURL: "https://b.s3.amazonaws.com/x.json" }],
    ["AWS::CloudWatch::Alarm", { AlarmActions: ["arn:aws:automate:eu-west-1:ec2:terminate"] }],
  ])("a new %s blocks", (type, props) => {
    expect(judged([stack(tpl({ T: topic }), tpl({ T: topic, R: { Type: type, Properties: props } }))])).toEqual(BLOCKED);
  });

  test("the control: an alarm that only notifies passes", () => {
    expect(judged([stack(tpl({ T: topic }), tpl({ T: topic, R: { Type: "AWS::CloudWatch::Alarm", Properties: { AlarmActions: [{ Ref: "T" }] } } }))])).toEqual([]);
  });

  test("a master username read from a secret the same template makes passes a tag update; one made elsewhere counts", () => {
    const aurora = (ref: string) =>
      tpl({
        Secret: { Type: "AWS::SecretsManager::Secret", DeletionPolicy: "Retain", Properties: { GenerateSecretString: { SecretStringTemplate: '{"username":"admin"}', GenerateStringKey: "password" } } },
        Db: { Type: "AWS::RDS::DBCluster", Properties: { Engine: "aurora-postgresql", MasterUsername: ref } },
      });
    const own = aurora("{{resolve:secretsmanager:${Secret}::username}}");
    expect(judged([stack(own, own, [{ team: "a" }, { team: "b" }])])).toEqual([]);
    const elsewhere = aurora("{{resolve:secretsmanager:prod/db:SecretString:username}}");
    expect(judged([stack(elsewhere, elsewhere, [{ team: "a" }, { team: "b" }])])).toEqual(BLOCKED);
  });
});

describe("a stack set written in a template (red-team round 54)", () => {
  const set = (regions: string[], accounts = ["222222222222"]) =>
    tpl({ Set: { Type: "AWS::CloudFormation::StackSet", DeletionPolicy: "Retain", Properties: { StackSetName: "data", PermissionModel: "SELF_MANAGED", TemplateURL: "https://b.s3.amazonaws.com/t.json", StackInstancesGroup: [{ Regions: regions, DeploymentTargets: { Accounts: accounts } }] } } });
  test("losing a region or an account deletes those stack instances; gaining one passes", () => {
    expect(judged([stack(set(["eu-west-1", "us-east-1"]), set(["eu-west-1"]))])).toEqual(BLOCKED);
    expect(judged([stack(set(["eu-west-1"], ["222222222222", "333333333333"]), set(["eu-west-1"]))])).toEqual(BLOCKED);
    expect(judged([stack(set(["eu-west-1"]), set(["eu-west-1", "us-east-1"]))])).toEqual([]);
  });
});

describe("red-team round 55: stack-making types, create-only lists, and the heuristic's false alarms", () => {
  const one = (r: Obj) => tpl({ R: r });
  const set = (props: Obj) => ({ Type: "AWS::CloudFormation::StackSet", Properties: { StackSetName: "data", PermissionModel: "SELF_MANAGED", ExecutionRoleName: "exec", TemplateURL: "https://b.s3.amazonaws.com/t1.json", ...props } });
  test("a stack set's template, URL or parameters, and a provisioned product's version or parameters, count", () => {
    expect(judged([stack(one(set({})), one(set({ TemplateURL: "https://b.s3.amazonaws.com/t2.json" })))])).toEqual(BLOCKED);
    expect(judged([stack(one(set({ Parameters: [{ ParameterKey: "Env", ParameterValue: "a" }] })), one(set({ Parameters: [{ ParameterKey: "Env", ParameterValue: "b" }] })))])).toEqual(BLOCKED);
    expect(judged([stack(one(set({})), one(set({ PermissionModel: "SERVICE_MANAGED" })))])).toEqual(BLOCKED);
    const product = (version: string) => ({ Type: "AWS::ServiceCatalog::CloudFormationProvisionedProduct", Properties: { ProductId: "prod-1", ProvisioningArtifactId: version } });
    expect(judged([stack(one(product("pa-1")), one(product("pa-2")))])).toEqual(BLOCKED);
    // The control: the execution role is changed in place.
    expect(judged([stack(one(set({})), one(set({ ExecutionRoleName: "exec2" })))])).toEqual([]);
  });

  test("create-only properties of RDS and MemoryDB replace; names that are updated in place do not", () => {
    const db = (p: Obj) => ({ Type: "AWS::RDS::DBInstance", Properties: { Engine: "postgres", ...p } });
    expect(judged([stack(one(db({ DBSubnetGroupName: "a" })), one(db({ DBSubnetGroupName: "b" })))])).toEqual(BLOCKED);
    const mem = (p: Obj) => ({ Type: "AWS::MemoryDB::Cluster", Properties: { ClusterName: "c", ACLName: "open", ...p } });
    expect(judged([stack(one(mem({ TLSEnabled: true })), one(mem({ TLSEnabled: false })))])).toEqual(BLOCKED);
    expect(judged([stack(one(mem({ ACLName: "a" })), one(mem({ ACLName: "b" })))])).toEqual([]);
    const repo = (name: string) => ({ Type: "AWS::CodeCommit::Repository", Properties: { RepositoryName: name } });
    expect(judged([stack(one(repo("a")), one(repo("b")))])).toEqual([]);
    const atlas = (tags: Obj) => ({ Type: "MongoDB::Atlas::Cluster", Properties: { Name: "orders", Tags: tags } });
    expect(judged([stack(one(atlas({ team: "a" })), one(atlas({ team: "b" })))])).toEqual([]);
  });

  test("a secret reference is the template's own only for a secret of the template, in Fn::Sub or Fn::Join form", () => {
    const db = (username: unknown, secretType = "AWS::SecretsManager::Secret") =>
      tpl({ Secret: { Type: secretType, DeletionPolicy: "Retain", Properties: {} }, Db: { Type: "AWS::RDS::DBCluster", Properties: { Engine: "aurora-postgresql", MasterUsername: username } } });
    const join = { "Fn::Join": ["", ["{{resolve:secretsmanager:", { Ref: "Secret" }, ":SecretString:username}}"]] };
    expect(judged([stack(db(join), db(join), [{ team: "a" }, { team: "b" }])])).toEqual([]);
    const other = db("{{resolve:secretsmanager:${Secret}:SecretString:username}}", "AWS::SSM::Parameter");
    expect(judged([stack(other, other, [{ team: "a" }, { team: "b" }])])).toEqual(BLOCKED);
  });
});
