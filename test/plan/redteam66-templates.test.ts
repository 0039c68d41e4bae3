/**
 * plan-stack-template-drops-data, red-team round 66 (report B): content moved inside a template by parameters alone,
 * awscc's notification_ar_ns, AWS::Include and macro transforms read anew at every update, a stack set's new
 * parameter, and a resource Condition added that is true on every side.
 */
import { change } from "./helpers";
import { BLOCKED, details, judged, stack, tpl, type Obj } from "./template-stacks";

const TABLE = { Type: "AWS::DynamoDB::Table", Properties: { TableName: "orders" } };
const PINNED = "https://b.s3.amazonaws.com/v1.json?versionId=a1";
const params = (...names: string[]) => ({ Parameters: Object.fromEntries(names.map((n) => [n, { Type: n === "Regions" ? "CommaDelimitedList" : "String" }])) });

describe("RT66-1: a parameter change that moves a stack set or provisioned product inside the template", () => {
  const product = tpl({ PP: { Type: "AWS::ServiceCatalog::CloudFormationProvisionedProduct", Properties: { ProductId: "prod-abc123", ProvisioningArtifactId: { Ref: "Version" }, ProvisionedProductName: "data-tier" } } }, params("Version", "Other"));
  const set = (props: Obj) =>
    tpl(
      {
        SS: {
          Type: "AWS::CloudFormation::StackSet",
          Properties: { StackSetName: "data", PermissionModel: "SELF_MANAGED", TemplateURL: PINNED, StackInstancesGroup: [{ DeploymentTargets: { Accounts: ["222222222222"] }, Regions: ["us-east-1"] }], ...props },
        },
      },
      params("Url", "Keep", "Regions", "Other"),
    );

  test("case 08: ProvisioningArtifactId from a parameter, pa-111111 → pa-222222: blocked, naming the property", () => {
    const c = stack(product, product, [{ Version: "pa-111111", Other: "a" }, { Version: "pa-222222", Other: "a" }]);
    expect(judged([c])).toEqual(BLOCKED);
    expect(details([c]).some((d) => d.includes("PP (AWS::ServiceCatalog::CloudFormationProvisionedProduct) changes ProvisioningArtifactId"))).toBe(true);
  });

  test("case 09: a stack set's TemplateURL from a parameter, moved to another pinned object: blocked", () => {
    const t = set({ TemplateURL: { Ref: "Url" } });
    expect(judged([stack(t, t, [{ Url: PINNED }, { Url: "https://b.s3.amazonaws.com/v2.json?versionId=b2" }])])).toEqual(BLOCKED);
  });

  test("case 09b: a stack set's Parameters from a changing stack parameter: blocked", () => {
    const t = set({ Parameters: [{ ParameterKey: "KeepTable", ParameterValue: { Ref: "Keep" } }] });
    expect(judged([stack(t, t, [{ Keep: "yes" }, { Keep: "no" }])])).toEqual(BLOCKED);
  });

  test("case 09c: a stack set's Regions from a parameter, a region removed: blocked, naming the instances", () => {
    const t = set({ StackInstancesGroup: [{ DeploymentTargets: { Accounts: ["222222222222"] }, Regions: { Ref: "Regions" } }] });
    const c = stack(t, t, [{ Regions: "us-east-1,us-west-2" }, { Regions: "us-east-1" }]);
    expect(judged([c])).toEqual(BLOCKED);
    expect(details([c]).some((d) => d.includes('no longer deploys to "222222222222"@"us-west-2"'))).toBe(true);
    // Accounts from a parameter too: another account is another instance.
    const accounts = set({ StackInstancesGroup: [{ DeploymentTargets: { Accounts: { Ref: "Regions" } }, Regions: ["us-east-1"] }] });
    expect(judged([stack(accounts, accounts, [{ Regions: "111111111111,222222222222" }, { Regions: "111111111111" }])])).toEqual(BLOCKED);
  });

  test("a content property known only after apply: blocked", () => {
    const c = change("aws_cloudformation_stack.app", ["update"], { name: "app", template_body: product, parameters: { Version: "pa-1", Other: "a" } }, { name: "app", template_body: product, parameters: { Version: null, Other: "a" } }, { after_unknown: { parameters: { Version: true } } });
    expect(judged([c])).toEqual(BLOCKED);
  });

  test("a group's ParameterOverrides, a SAM application's Parameters, from a changed parameter; a TemplateURL read from SSM at a tag change: blocked", () => {
    const t = set({ StackInstancesGroup: [{ DeploymentTargets: { Accounts: ["222222222222"] }, Regions: ["us-east-1"], ParameterOverrides: [{ ParameterKey: "KeepTable", ParameterValue: { Ref: "Keep" } }] }] });
    const c = stack(t, t, [{ Keep: "yes" }, { Keep: "no" }]);
    expect(judged([c])).toEqual(BLOCKED);
    expect(details([c]).some((d) => d.includes("changes StackInstancesGroup ParameterOverrides"))).toBe(true);
    const sam = tpl({ App: { Type: "AWS::Serverless::Application", Properties: { Location: { ApplicationId: "arn:aws:serverlessrepo:us-east-1:111111111111:applications/data", SemanticVersion: "1.0.0" }, Parameters: { Keep: { Ref: "Keep" } } } } }, { Transform: "AWS::Serverless-2016-10-31", ...params("Keep") });
    expect(judged([stack(sam, sam, [{ Keep: "yes" }, { Keep: "no" }])])).toEqual(BLOCKED);
    const ssm = set({ TemplateURL: "{{resolve:ssm:/data/template-url}}" });
    expect(judged([stack(ssm, ssm, [{}, {}], [{ tags: { team: "a" } }, { tags: { team: "b" } }])])).toEqual(BLOCKED);
  });

  test("a stack set instance's parameter_overrides moving a provisioned product in the set's template: blocked", () => {
    const setChange = change("aws_cloudformation_stack_set.data", ["no-op"], { name: "data", template_body: product, parameters: { Version: "pa-1", Other: "a" } }, { name: "data", template_body: product, parameters: { Version: "pa-1", Other: "a" } });
    const instance = (o: Obj, n: Obj) => change("aws_cloudformation_stack_set_instance.one", ["update"], { stack_set_name: "data", parameter_overrides: o }, { stack_set_name: "data", parameter_overrides: n });
    expect(judged([setChange, instance({ Version: "pa-1" }, { Version: "pa-2" })])).toEqual(["plan-stack-template-drops-data aws_cloudformation_stack_set_instance.one"]);
    expect(judged([setChange, instance({ Other: "a" }, { Other: "b" })])).toEqual([]);
  });

  test("the controls: a parameter change that no content property reads passes; a region added passes", () => {
    expect(judged([stack(product, product, [{ Version: "pa-111111", Other: "a" }, { Version: "pa-111111", Other: "b" }])])).toEqual([]);
    const t = set({ TemplateURL: { Ref: "Url" }, Parameters: [{ ParameterKey: "KeepTable", ParameterValue: { Ref: "Keep" } }], StackInstancesGroup: [{ DeploymentTargets: { Accounts: ["222222222222"] }, Regions: { Ref: "Regions" } }] });
    expect(judged([stack(t, t, [{ Url: PINNED, Keep: "yes", Regions: "us-east-1", Other: "a" }, { Url: PINNED, Keep: "yes", Regions: "us-east-1", Other: "b" }])])).toEqual([]);
    expect(judged([stack(t, t, [{ Url: PINNED, Keep: "yes", Regions: "us-east-1" }, { Url: PINNED, Keep: "yes", Regions: "us-east-1,us-west-2" }])])).toEqual([]);
    // Absent on both sides (its Condition false): nothing moves.
    const off = JSON.stringify({ ...JSON.parse(product), Conditions: { Never: { "Fn::Equals": ["a", "b"] } }, Resources: { PP: { ...JSON.parse(product).Resources.PP, Condition: "Never" } } });
    expect(judged([stack(off, off, [{ Version: "pa-111111" }, { Version: "pa-222222" }])])).toEqual([]);
  });
});

describe("RT66-2: awscc_cloudformation_stack names its notification topics notification_ar_ns", () => {
  const TOPIC = "arn:aws:sns:us-east-1:111111111111:ops";
  const notify = { Notify: { "Fn::Not": [{ "Fn::Equals": [{ "Fn::Join": ["", { Ref: "AWS::NotificationARNs" }] }, ""] }] } };
  const guarded = tpl({ T: { ...TABLE, Condition: "Notify" } }, { Conditions: notify });
  const awscc = (before: Obj, after: Obj, t = guarded) =>
    change("awscc_cloudformation_stack.app", ["update"], { stack_name: "app", template_body: t, parameters: null, ...before }, { stack_name: "app", template_body: t, parameters: null, ...after }, { provider_name: "registry.terraform.io/hashicorp/awscc" });

  test("case 01: notification_ar_ns emptied under a Condition that reads AWS::NotificationARNs: blocked, naming the attribute", () => {
    const c = awscc({ notification_ar_ns: [TOPIC] }, { notification_ar_ns: [] });
    expect(judged([c])).toEqual(["plan-stack-template-drops-data awscc_cloudformation_stack.app"]);
    expect(details([c]).some((d) => d.includes(`notification_ar_ns change (["${TOPIC}"] → [])`))).toBe(true);
  });

  test("the controls: the aws provider's notification_arns still counts; the same list, or a template that does not read it, passes", () => {
    expect(judged([stack(guarded, guarded, [{}, {}], [{ notification_arns: [TOPIC] }, { notification_arns: [] }])])).toEqual(BLOCKED);
    expect(judged([awscc({ notification_ar_ns: [TOPIC] }, { notification_ar_ns: [TOPIC] })])).toEqual([]);
    const plain = tpl({ T: TABLE });
    expect(judged([awscc({ notification_ar_ns: [TOPIC] }, { notification_ar_ns: [] }, plain)])).toEqual([]);
  });
});

describe("RT66-3: AWS::Include and macro transforms are processed anew at every update", () => {
  const include = (location: string) => ({ Name: "AWS::Include", Parameters: { Location: location } });
  const tags = (t: string): Obj => stack(t, t, [{}, {}], [{ tags: { team: "a" } }, { tags: { team: "b" } }]);
  const TOPIC = { Q: { Type: "AWS::SNS::Topic", Properties: {} } };

  test("case 10: a top-level AWS::Include of an unversioned S3 object, tags only changed: blocked, naming the location", () => {
    const t = tpl(TOPIC, { Transform: [include("s3://shared-snippets/data-tier.yaml")] });
    expect(judged([tags(t)])).toEqual(BLOCKED);
    expect(details([tags(t)]).some((d) => d.includes("s3://shared-snippets/data-tier.yaml"))).toBe(true);
    // Written as one object, not a list.
    expect(judged([tags(tpl(TOPIC, { Transform: include("s3://shared-snippets/data-tier.yaml") }))])).toEqual(BLOCKED);
  });

  test("case 10b: Fn::Transform AWS::Include inside Resources (or a property), tags only changed: blocked", () => {
    expect(judged([tags(tpl({ "Fn::Transform": include("s3://shared-snippets/data-tier.yaml"), ...TOPIC }))])).toEqual(BLOCKED);
    expect(judged([tags(tpl({ T: { Type: "AWS::DynamoDB::Table", Properties: { "Fn::Transform": include("s3://shared-snippets/table.yaml") } } }))])).toEqual(BLOCKED);
  });

  test("case 10c: a macro transform, a parameter changed (or tags only): blocked, naming the macro", () => {
    const t = tpl(TOPIC, { Transform: "OrgDataMacro", ...params("Env") });
    const c = stack(t, t, [{ Env: "prod" }, { Env: "dev" }]);
    expect(judged([c])).toEqual(BLOCKED);
    expect(details([c]).some((d) => d.includes("OrgDataMacro"))).toBe(true);
    expect(judged([stack(t, t, [{ Env: "prod" }, { Env: "prod" }], [{ tags: { team: "a" } }, { tags: { team: "b" } }])])).toEqual(BLOCKED);
    // A macro in a list with SAM, and one named by Fn::Transform.
    expect(judged([tags(tpl(TOPIC, { Transform: ["AWS::Serverless-2016-10-31", "OrgDataMacro"] }))])).toEqual(BLOCKED);
    expect(judged([tags(tpl({ Q: { Type: "AWS::SNS::Topic", Properties: { "Fn::Transform": { Name: "OrgDataMacro" } } } }))])).toEqual(BLOCKED);
  });

  test("a stack set instance's overrides changed under a set whose template runs a macro: blocked", () => {
    const t = tpl(TOPIC, { Transform: "OrgDataMacro", ...params("Env") });
    const set = change("aws_cloudformation_stack_set.data", ["no-op"], { name: "data", template_body: t, parameters: { Env: "prod" } }, { name: "data", template_body: t, parameters: { Env: "prod" } });
    const instance = change("aws_cloudformation_stack_set_instance.one", ["update"], { stack_set_name: "data", parameter_overrides: { Env: "prod" } }, { stack_set_name: "data", parameter_overrides: { Env: "dev" } });
    expect(judged([set, instance])).toEqual(["plan-stack-template-drops-data aws_cloudformation_stack_set_instance.one"]);
  });

  test("the controls: SAM and LanguageExtensions, tags only changed: pass", () => {
    // Round 67 changed this: an include "pinned" by ?versionId= used to pass here, but AWS documents no version pin for
    // an AWS::Include Location (in an s3:// URI `?versionId=` is part of the key), so it now blocks (redteam67-include).
    expect(judged([tags(tpl(TOPIC, { Transform: [include("s3://shared-snippets/data-tier.yaml?versionId=3HL4kqtJlcpXroDTDmJ")] }))])).toEqual(BLOCKED);
    expect(judged([tags(tpl({ "Fn::Transform": include("https://shared-snippets.s3.amazonaws.com/data-tier.yaml?versionId=3HL4kq"), ...TOPIC }))])).toEqual(BLOCKED);
    expect(judged([tags(tpl(TOPIC, { Transform: "AWS::Serverless-2016-10-31" }))])).toEqual([]);
    expect(judged([tags(tpl(TOPIC, { Transform: ["AWS::LanguageExtensions", "AWS::Serverless-2016-10-31"] }))])).toEqual([]);
    // AWS's own transforms, which add a rotation function or replacement ECS task sets (no data, no one else's code).
    expect(judged([tags(tpl(TOPIC, { Transform: "AWS::SecretsManager-2020-07-23" }))])).toEqual([]);
    expect(judged([tags(tpl(TOPIC, { Transform: ["AWS::CodeDeployBlueGreen"] }))])).toEqual([]);
    // SAM's documented pattern: an API's definition included from S3 is that API's alone.
    const api = tpl({ Api: { Type: "AWS::Serverless::Api", Properties: { StageName: "prod", DefinitionBody: { "Fn::Transform": include("s3://specs/openapi.yaml") } } } }, { Transform: "AWS::Serverless-2016-10-31" });
    expect(judged([tags(api)])).toEqual([]);
  });

  test("the controls' limits: an unpinned include in a data resource's properties, or in the Conditions, still blocks", () => {
    expect(judged([tags(tpl({ Api: { Type: "AWS::Serverless::SimpleTable", Properties: { "Fn::Transform": include("s3://specs/table.yaml") } } }, { Transform: "AWS::Serverless-2016-10-31" }))])).toEqual(BLOCKED);
    expect(judged([tags(tpl(TOPIC, { Conditions: { "Fn::Transform": include("s3://specs/conditions.yaml") } }))])).toEqual(BLOCKED);
    // A Location with a versionId that is part of the key, not the query, is not pinned.
    expect(judged([tags(tpl(TOPIC, { Transform: include("s3://shared-snippets/data-tier&versionId=3.yaml") }))])).toEqual(BLOCKED);
  });
});

describe("RT66-4: a stack set turning a literal into a parameter it adds in this update", () => {
  const dp = (v: unknown, extra: Obj = {}) => tpl({ T: { ...TABLE, Properties: { ...TABLE.Properties, DeletionProtectionEnabled: v } } }, extra);
  const PROTECT = { Parameters: { Protect: { Type: "String", Default: "true", AllowedValues: ["true", "false"] } } };
  const set = (before: string, after: string, p: [Obj, Obj] = [{}, {}]) =>
    change("aws_cloudformation_stack_set.base", ["update"], { name: "base", template_body: before, parameters: p[0] }, { name: "base", template_body: after, parameters: p[1] });
  const SET = ["plan-stack-template-drops-data aws_cloudformation_stack_set.base"];

  test("case 02: DeletionProtectionEnabled true → Ref Protect, a new parameter whose Default is true: passes", () => {
    expect(judged([set(dp(true), dp({ Ref: "Protect" }, PROTECT))])).toEqual([]);
    // Passed by the set as "true": the same.
    expect(judged([set(dp(true), dp({ Ref: "Protect" }, PROTECT), [{}, { Protect: "true" }])])).toEqual([]);
  });

  test("the controls: the new parameter's Default false, or an existing parameter (which instances may override), still block; a plain stack passes", () => {
    expect(judged([set(dp(true), dp({ Ref: "Protect" }, { Parameters: { Protect: { Type: "String", Default: "false" } } }))])).toEqual(SET);
    // Protect existed before (unused): an instance outside the plan may override it with "false".
    expect(judged([set(dp(true, PROTECT), dp({ Ref: "Protect" }, PROTECT))])).toEqual(SET);
    expect(judged([stack(dp(true), dp({ Ref: "Protect" }, PROTECT))])).toEqual([]);
  });
});

describe("RT66-5: a resource Condition added that evaluates to true on every side", () => {
  const IS_PROD = { ...params("Env"), Conditions: { IsProd: { "Fn::Equals": [{ Ref: "Env" }, "prod"] } } };
  const before = tpl({ T: TABLE }, IS_PROD);
  const after = tpl({ T: { ...TABLE, Condition: "IsProd" } }, IS_PROD);

  test("case 03: Env prod before and after, the table gains Condition IsProd: passes", () => {
    expect(judged([stack(before, after, [{ Env: "prod" }, { Env: "prod" }])])).toEqual([]);
    // A condition defined in this update, true.
    expect(judged([stack(tpl({ T: TABLE }, params("Env")), after, [{ Env: "prod" }, { Env: "prod" }])])).toEqual([]);
  });

  test("the controls: the condition false, or reading a changed or unknown parameter, still blocks", () => {
    expect(judged([stack(before, after, [{ Env: "dev" }, { Env: "dev" }])])).toEqual(BLOCKED);
    expect(judged([stack(before, after, [{ Env: "dev" }, { Env: "prod" }])])).toEqual(BLOCKED);
    expect(judged([stack(before, after, [{ Env: "prod" }, { Env: "dev" }])])).toEqual(BLOCKED);
    const unknown = change("aws_cloudformation_stack.app", ["update"], { name: "app", template_body: before, parameters: { Env: "prod" } }, { name: "app", template_body: after, parameters: { Env: null } }, { after_unknown: { parameters: { Env: true } } });
    expect(judged([unknown])).toEqual(BLOCKED);
    // A stack set: an instance outside the plan may override Env.
    const set = change("aws_cloudformation_stack_set.s", ["update"], { name: "s", template_body: before, parameters: { Env: "prod" } }, { name: "s", template_body: after, parameters: { Env: "prod" } });
    expect(judged([set])).toEqual(["plan-stack-template-drops-data aws_cloudformation_stack_set.s"]);
  });
});
