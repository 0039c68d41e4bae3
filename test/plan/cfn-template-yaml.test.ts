/**
 * CloudFormation templates written in YAML are read as CloudFormation reads them (short-form tags as their long
 * forms), and a new stack whose template blastwall cannot read is judged: it may deploy code that deletes data.
 */
import { parseTemplate } from "../../lib/plan/cfn-template";
import { evaluatePlan } from "../../lib/plan/evaluate";
import { readPlan } from "../../lib/plan/read-plan";
import { change, minimalPlan, tempDir, writeTemp } from "./helpers";

type Obj = Record<string, unknown>;

const run = (changes: Obj[]) => evaluatePlan(readPlan(writeTemp(tempDir(), "plan.json", JSON.stringify(minimalPlan(changes)))), { config: {} }).judged.map((j) => j.finding);
const judged = (changes: Obj[]) => run(changes).map((f) => `${f.ruleId} ${f.resource}`);
const BLOCKED = ["plan-stack-template-drops-data aws_cloudformation_stack.orders"];
const created = (after: Obj) => change("aws_cloudformation_stack.orders", ["create"], null, { name: "orders", ...after });
const updated = (before: string, after: string) => change("aws_cloudformation_stack.orders", ["update"], { name: "orders", template_body: before }, { name: "orders", template_body: after });

describe("parseTemplate", () => {
  test("JSON is read as JSON", () => {
    expect(parseTemplate('{"Resources":{"B":{"Type":"AWS::S3::Bucket"}}}')).toEqual({ Resources: { B: { Type: "AWS::S3::Bucket" } } });
  });

  test("YAML short forms become the long forms a JSON template writes", () => {
    const yaml = [
      "AWSTemplateFormatVersion: 2010-09-09",
      "Conditions:",
      "  IsProd: !Equals [!Ref Env, prod]",
      "Resources:",
      "  Orders:",
      "    Type: AWS::DynamoDB::Table",
      "    Condition: IsProd",
      "    Properties:",
      "      TableName: !Sub '${Env}-orders'",
      "      Arn: !GetAtt Key.Arn.Part",
      "      Other: !GetAtt [Key, Arn]",
      "      Joined: !Join ['', [a, !Ref B]]",
      "      Picked: !If [IsProd, !Condition IsProd, !Select [0, !GetAZs '']]",
      "      Flag: yes",
    ].join("\n");
    expect(parseTemplate(yaml)).toEqual({
      AWSTemplateFormatVersion: "2010-09-09",
      Conditions: { IsProd: { "Fn::Equals": [{ Ref: "Env" }, "prod"] } },
      Resources: {
        Orders: {
          Type: "AWS::DynamoDB::Table",
          Condition: "IsProd",
          Properties: {
            TableName: { "Fn::Sub": "${Env}-orders" },
            Arn: { "Fn::GetAtt": ["Key", "Arn.Part"] },
            Other: { "Fn::GetAtt": ["Key", "Arn"] },
            Joined: { "Fn::Join": ["", ["a", { Ref: "B" }]] },
            Picked: { "Fn::If": ["IsProd", { Condition: "IsProd" }, { "Fn::Select": [0, { "Fn::GetAZs": "" }] }] },
            Flag: true,
          },
        },
      },
    });
  });

  test("a `__proto__` key is a key, as JSON.parse reads it", () => {
    const t = parseTemplate("Resources:\n  __proto__:\n    Type: AWS::RDS::DBInstance\n") as { Resources: Obj };
    expect(Object.keys(t.Resources)).toEqual(["__proto__"]);
    expect(Object.getPrototypeOf(t.Resources)).toBe(Object.prototype);
  });

  test.each([
    ["an alias", "A: &x {Type: AWS::S3::Bucket}\nB: *x\n"],
    ["a hash merge", "A:\n  <<: {Type: AWS::S3::Bucket}\n"],
    ["a repeated key", "Resources: {}\nResources: {A: 1}\n"],
    ["a tag CloudFormation does not define", "A: !Foo x\n"],
    ["a binary value", "A: !!binary aGVsbG8=\n"],
    ["two documents", "A: 1\n---\nB: 2\n"],
    ["a tagged key", "? !Ref A\n: 1\n"],
    ["broken YAML", "A: [1, 2\n"],
  ])("%s is not read", (_, yaml) => {
    expect(parseTemplate(yaml)).toBeUndefined();
  });
});

const CUSTOM = "Resources:\n  Cleanup:\n    Type: Custom::Cleanup\n    Properties:\n      ServiceToken: !GetAtt Fn.Arn\n";
const BUCKET = "Resources:\n  Logs:\n    Type: AWS::S3::Bucket\n    DeletionPolicy: Retain\n";

describe("a new stack", () => {
  test("whose YAML template holds a custom resource is judged as a JSON one is; a plain YAML template passes", () => {
    const [f] = run([created({ template_body: CUSTOM })]);
    expect(f.ruleId).toBe("plan-stack-template-drops-data");
    expect(f.message).toContain("whose template runs calls blastwall cannot judge");
    expect(judged([created({ template_body: BUCKET })])).toEqual([]);
  });

  test.each([
    ["a template_url", { template_body: null, template_url: "https://example.com/t.yaml" }, "template_url \"https://example.com/t.yaml\", which blastwall does not fetch"],
    ["a template known only after apply", {}, "known only after apply"],
    ["YAML with an alias", { template_body: "Resources:\n  A: &a {Type: AWS::S3::Bucket}\n  B: *a\n" }, "not a CloudFormation template blastwall can read"],
    ["a transform", { template_body: "Transform: AWS::Serverless-2016-10-31\nResources:\n  F:\n    Type: AWS::Serverless::Function\n" }, "uses a transform"],
  ])("with %s is blocked, and the finding says why", (_, after, reason) => {
    const rc = created(after);
    if (Object.keys(after).length === 0) (rc.change as Obj).after_unknown = { template_body: true };
    const [f] = run([rc]);
    expect(f.ruleId).toBe("plan-stack-template-drops-data");
    expect(f.message).toContain(reason);
    expect(f.fix).toContain("have a human review the change and approve this exact plan");
  });
});

describe("an updated stack written in YAML", () => {
  const table = (extra = "") => `Resources:\n  Orders:\n    Type: AWS::DynamoDB::Table\n    Properties:\n      TableName: !Ref Name${extra}\n`;

  test("is compared resource by resource: dropping the table names it", () => {
    const [f] = run([updated(table() + BUCKET.replace("Resources:\n", ""), BUCKET)]);
    expect(f.message).toContain("Orders (AWS::DynamoDB::Table) is dropped with DeletionPolicy");
  });

  test("the control: a change that keeps every resource as it was passes", () => {
    expect(judged([updated(table(), table() + "      BillingMode: PAY_PER_REQUEST\n")])).toEqual([]);
    expect(judged([updated(table(), table().replace("!Ref Name", "!Ref Other"))])).toEqual(BLOCKED);
  });
});

describe("a new stack that runs EMR steps (red-team round 58)", () => {
  const step = "Resources:\n  Purge:\n    Type: AWS::EMR::Step\n    Properties:\n      JobFlowId: j-1\n      Name: purge\n      ActionOnFailure: CONTINUE\n      HadoopJarStep:\n        Jar: command-runner.jar\n        Args: [bash, -c, 'aws s3 rm s3://prod-data --recursive']\n";
  const cluster = (extra: string) => `Resources:\n  Emr:\n    Type: AWS::EMR::Cluster\n    Properties:\n      Name: etl\n      ReleaseLabel: emr-7.1.0\n${extra}`;

  test("an EMR step, or a cluster with steps or bootstrap actions, is a runner", () => {
    expect(judged([created({ template_body: step })])).toEqual(BLOCKED);
    expect(judged([created({ template_body: cluster("      Steps:\n        - Name: purge\n          HadoopJarStep: {Jar: command-runner.jar, Args: [bash]}\n") })])).toEqual(BLOCKED);
    expect(judged([created({ template_body: cluster("      BootstrapActions:\n        - Name: setup\n          ScriptBootstrapAction: {Path: 's3://ops/setup.sh'}\n") })])).toEqual(BLOCKED);
  });

  test("the control: a cluster with neither passes", () => {
    expect(judged([created({ template_body: cluster("      VisibleToAllUsers: true\n") })])).toEqual([]);
  });
});

describe("an EMR cluster resized in place (red-team round 59 false alarm)", () => {
  const cluster = (count: number, script = "s3://ops/setup.sh") =>
    `Resources:\n  Emr:\n    Type: AWS::EMR::Cluster\n    Properties:\n      Name: etl\n      ReleaseLabel: emr-7.1.0\n      JobFlowRole: EMR_EC2_DefaultRole\n      ServiceRole: EMR_DefaultRole\n      Instances:\n        CoreInstanceGroup: {InstanceCount: ${count}, InstanceType: m5.xlarge}\n      BootstrapActions:\n        - Name: setup\n          ScriptBootstrapAction: {Path: '${script}'}\n`;

  test("a new instance count passes: Instances replaces only in some cases, and the bootstrap actions did not change", () => {
    expect(judged([updated(cluster(2), cluster(4))])).toEqual([]);
  });

  test("the control: new bootstrap actions on the running cluster's template count", () => {
    expect(judged([updated(cluster(2), cluster(2, "s3://ops/other.sh"))])).toEqual(BLOCKED);
  });
});
