/**
 * plan-stack-template-drops-data and its neighbours, red-team round 60: CloudFormation templates judged as the
 * Terraform resources they stand for.
 */
import { readFileSync } from "fs";
import { dirname, join } from "path";
import { gunzipSync } from "zlib";
import { TEMPLATE_GUARDS, TWIN_EXEMPTIONS } from "../../lib/plan/cfn-guards";
import { specReplacing } from "../../lib/plan/cfn-replacing";
import { evaluatePlan } from "../../lib/plan/evaluate";
import { PROTECTED_TYPES } from "../../lib/plan/protected";
import { readPlan } from "../../lib/plan/read-plan";
import { RETENTION, RETENTION_TYPES } from "../../lib/plan/rules/backup-retention-lowered";
import { PROTECTION_TYPES, SWITCHES } from "../../lib/plan/rules/deletion-protection-off";
import { GUARDRAIL_ENTRIES } from "../../lib/plan/rules/guardrail-changed";
import { ORG_DELEGATION_ENTRIES } from "../../lib/plan/rules/org-guardrails-delegated";
import { ORG_GUARDRAIL_ENTRIES } from "../../lib/plan/rules/org-guardrails-lifted";
import { PROTECTED_TWINS, STATEFUL } from "../../lib/plan/cfn-tables";
import { change, minimalPlan, tempDir, writeTemp } from "./helpers";

type Obj = Record<string, unknown>;

const run = (changes: Obj[]) => evaluatePlan(readPlan(writeTemp(tempDir(), "plan.json", JSON.stringify(minimalPlan(changes)))), { config: {} }).judged.map((j) => j.finding);
const judged = (changes: Obj[]) => run(changes).map((f) => `${f.ruleId} ${f.resource}`);
const tpl = (resources: Obj, extra: Obj = {}) => JSON.stringify({ Resources: resources, ...extra });
const stack = (before: string, after: string, params: [Obj, Obj] = [{}, {}], type = "aws_cloudformation_stack") =>
  change(`${type}.app`, ["update"], { name: "app", template_body: before, parameters: params[0] }, { name: "app", template_body: after, parameters: params[1] });
const BLOCKED = ["plan-stack-template-drops-data aws_cloudformation_stack.app"];
const TOPIC = { Type: "AWS::SNS::Topic" };

describe("RT60-4: every type protected as a Terraform resource has a CloudFormation twin that counts when it leaves a template", () => {
  const awsTypes = [...PROTECTED_TYPES.keys()].filter((t) => t.startsWith("aws_"));

  test("each protected aws_ type has twins or a written reason for having none", () => {
    const missing = awsTypes.filter((t) => {
      const twin = PROTECTED_TWINS[t];
      return twin === undefined || (typeof twin === "string" ? twin.length < 20 : twin.length === 0);
    });
    expect(missing).toEqual([]);
  });

  test("the table names no type the gate does not protect (a stale entry would hide a missing one)", () => {
    expect(Object.keys(PROTECTED_TWINS).filter((t) => !PROTECTED_TYPES.has(t))).toEqual([]);
  });

  const twins = [...new Set(Object.values(PROTECTED_TWINS).flatMap((t) => (typeof t === "string" ? [] : t)))];

  test("each twin is a CloudFormation type the resource schemas know (a misspelt one would protect nothing)", () => {
    expect(twins.filter((t) => specReplacing(t) === undefined)).toEqual([]);
    expect(twins.filter((t) => !STATEFUL.has(t))).toEqual([]);
  });

  test.each(twins)("dropping %s from a template blocks", (type) => {
    expect(judged([stack(tpl({ R: { Type: type, DeletionPolicy: "Delete", Properties: {} }, T: TOPIC }), tpl({ T: TOPIC }))])).toEqual(BLOCKED);
  });

  test.each(["AWS::Organizations::Policy", "AWS::Rbin::Rule", "AWS::DLM::LifecyclePolicy", "AWS::FSx::Snapshot", "AWS::ACMPCA::CertificateAuthority", "AWS::DirectoryService::MicrosoftAD", "AWS::DirectoryService::SimpleAD", "AWS::GuardDuty::Detector", "AWS::ECR::PublicRepository"])(
    "the red team's case: dropping %s names it and why CloudFormation deletes it",
    (type) => {
      const [f] = run([stack(tpl({ R: { Type: type, Properties: {} }, T: TOPIC }), tpl({ T: TOPIC }))]);
      expect(f.message).toContain(`R (${type}) is dropped with DeletionPolicy "Delete", so CloudFormation deletes it`);
    },
  );

  test("the controls: the same types kept by DeletionPolicy Retain, and a topic or an ElastiCache cluster (not protected in Terraform either), pass", () => {
    expect(judged([stack(tpl({ R: { Type: "AWS::Organizations::Policy", DeletionPolicy: "Retain", Properties: {} }, T: TOPIC }), tpl({ T: TOPIC }))])).toEqual([]);
    expect(judged([stack(tpl({ C: { Type: "AWS::ElastiCache::CacheCluster", Properties: {} }, T: TOPIC }), tpl({}))])).toEqual([]);
  });
});

describe("RT60-2: Cloud Control stacks and stack sets are judged as the aws provider's", () => {
  const table = { Type: "AWS::DynamoDB::Table", Properties: { TableName: "orders" } };
  const queue = { Type: "AWS::SQS::Queue", DeletionPolicy: "Retain" };
  const cc = (type: string, before: Obj, after: Obj) => ({ ...change(`${type}.app`, ["update"], before, after), provider_name: "registry.terraform.io/hashicorp/awscc" });
  const ccStack = (before: string, after: string, extra: [Obj, Obj] = [{}, {}]) =>
    cc("awscc_cloudformation_stack", { stack_name: "app", template_body: before, parameters: null, ...extra[0] }, { stack_name: "app", template_body: after, parameters: null, ...extra[1] });

  test("dropping a table from an awscc_cloudformation_stack's template blocks, naming the stack and the resource", () => {
    const [f] = run([ccStack(tpl({ T: table, Q: queue }), tpl({ Q: queue }))]);
    expect(f.ruleId).toBe("plan-stack-template-drops-data");
    expect(f.resource).toBe("awscc_cloudformation_stack.app");
    expect(f.message).toContain('T (AWS::DynamoDB::Table) is dropped with DeletionPolicy "Delete", so CloudFormation deletes it');
  });

  test("a custom resource added to it blocks, and so does a new one whose template runs one", () => {
    const wipe = { Type: "Custom::Wipe", Properties: { ServiceToken: "arn:aws:lambda:us-east-1:111111111111:function:wipe" } };
    expect(judged([ccStack(tpl({ Q: queue }), tpl({ Q: queue, Wipe: wipe }))])).toEqual(["plan-stack-template-drops-data awscc_cloudformation_stack.app"]);
    const created = { ...change("awscc_cloudformation_stack.app", ["create"], null, { stack_name: "app", template_body: tpl({ Wipe: wipe }) }), provider_name: "registry.terraform.io/hashicorp/awscc" };
    expect(judged([created])).toEqual(["plan-stack-template-drops-data awscc_cloudformation_stack.app"]);
  });

  test("the controls: a queue kept by Retain dropped, or a tag changed, passes", () => {
    expect(judged([ccStack(tpl({ T: TOPIC, Q: queue }), tpl({ T: TOPIC }))])).toEqual([]);
    expect(judged([ccStack(tpl({ T: table }), tpl({ T: table }), [{ tags: [{ key: "a", value: "1" }] }, { tags: [{ key: "a", value: "2" }] }])])).toEqual([]);
  });

  test("its termination protection switched off is deletion protection off", () => {
    const [f] = run([ccStack(tpl({ T: TOPIC }), tpl({ T: TOPIC }), [{ enable_termination_protection: true }, { enable_termination_protection: false }])]);
    expect(f.ruleId).toBe("plan-deletion-protection-off");
    expect(f.message).toContain("enable_termination_protection true → false");
    // The control: switched on, or left on.
    expect(judged([ccStack(tpl({ T: TOPIC }), tpl({ T: TOPIC }), [{ enable_termination_protection: false }, { enable_termination_protection: true }])])).toEqual([]);
  });

  const setOf = (template: string, params: Obj[], groups: Obj[], auto: Obj | null = null) => ({ stack_set_name: "guard", permission_model: "SERVICE_MANAGED", template_body: template, parameters: params, stack_instances_group: groups, auto_deployment: auto });
  const group = (regions: string[], overrides: Obj[] = []) => ({ deployment_targets: { organizational_unit_ids: ["ou-1"], accounts: null, accounts_url: null, account_filter_type: null }, regions, parameter_overrides: overrides });

  test("an awscc_cloudformation_stack_set whose template drops a table blocks", () => {
    const [f] = run([cc("awscc_cloudformation_stack_set", setOf(tpl({ T: table, Q: queue }), [], [group(["eu-west-1"])]), setOf(tpl({ Q: queue }), [], [group(["eu-west-1"])]))]);
    expect(f.resource).toBe("awscc_cloudformation_stack_set.app");
    expect(f.message).toContain("T (AWS::DynamoDB::Table) is dropped");
  });

  test("its parameters (a list of parameter_key and parameter_value) are read as a map: a changed one that names a table blocks", () => {
    const t = tpl({ T: { Type: "AWS::DynamoDB::Table", Properties: { TableName: { Ref: "Name" } } } }, { Parameters: { Name: { Type: "String" } } });
    const [f] = run([cc("awscc_cloudformation_stack_set", setOf(t, [{ parameter_key: "Name", parameter_value: "orders" }], [group(["eu-west-1"])]), setOf(t, [{ parameter_key: "Name", parameter_value: "orders-v2" }], [group(["eu-west-1"])]))]);
    expect(f.message).toContain("T (AWS::DynamoDB::Table) takes TableName from them");
    // The control: the same parameters, reordered.
    const p = [{ parameter_key: "Name", parameter_value: "orders" }, { parameter_key: "Other", parameter_value: "x" }];
    expect(judged([cc("awscc_cloudformation_stack_set", setOf(t, p, [group(["eu-west-1"])]), setOf(t, [...p].reverse(), [group(["eu-west-1"])]))])).toEqual([]);
  });

  test("a region removed from its instances deletes those stacks: blocked; a region added passes", () => {
    const t = tpl({ T: TOPIC });
    const [f] = run([cc("awscc_cloudformation_stack_set", setOf(t, [], [group(["eu-west-1", "us-east-1"])]), setOf(t, [], [group(["eu-west-1"])]))]);
    expect(f.message).toContain('the stack set no longer deploys to "ou-1"@"us-east-1": CloudFormation deletes those stack instances and what they made');
    expect(judged([cc("awscc_cloudformation_stack_set", setOf(t, [], [group(["eu-west-1"])]), setOf(t, [], [group(["eu-west-1", "us-east-1"])]))])).toEqual([]);
  });

  test("an instance group's parameter override that names a table, changed, blocks", () => {
    const t = tpl({ T: { Type: "AWS::DynamoDB::Table", Properties: { TableName: { Ref: "Name" } } } }, { Parameters: { Name: { Type: "String", Default: "orders" } } });
    const [f] = run([cc("awscc_cloudformation_stack_set", setOf(t, [], [group(["eu-west-1"], [{ parameter_key: "Name", parameter_value: "a" }])]), setOf(t, [], [group(["eu-west-1"], [{ parameter_key: "Name", parameter_value: "b" }])]))]);
    expect(f.message).toContain("takes TableName from them");
  });

  test("its auto_deployment retain_stacks_on_account_removal switched off is deletion protection off", () => {
    const t = tpl({ T: TOPIC });
    const [f] = run([cc("awscc_cloudformation_stack_set", setOf(t, [], [], { enabled: true, retain_stacks_on_account_removal: true }), setOf(t, [], [], { enabled: true, retain_stacks_on_account_removal: false }))]);
    expect(f.ruleId).toBe("plan-deletion-protection-off");
    expect(f.message).toContain("auto_deployment.retain_stacks_on_account_removal true → false");
    expect(judged([cc("awscc_cloudformation_stack_set", setOf(t, [], [], { enabled: true, retain_stacks_on_account_removal: true }), setOf(t, [], [], { enabled: false, retain_stacks_on_account_removal: false }))])).toEqual([]);
  });
});

describe("RT60-5: a Service Catalog provisioned product updated to another version or parameters", () => {
  const product = { name: "db-prod", product_id: "prod-abc", product_name: "Database", provisioning_artifact_id: "pa-v1", provisioning_artifact_name: "v1", provisioning_parameters: [{ key: "Size", value: "100", use_previous_value: false }, { key: "Env", value: "prod", use_previous_value: false }], tags: {}, id: "pp-123" };
  const pp = (after: Obj, type = "aws_servicecatalog_provisioned_product", before: Obj = product) => change(`${type}.db`, ["update"], before, { ...before, ...after });

  test.each([
    [{ provisioning_artifact_id: "pa-v2" }, 'provisioning_artifact_id "pa-v1" → "pa-v2"'],
    [{ provisioning_artifact_name: "v2" }, 'provisioning_artifact_name "v1" → "v2"'],
    [{ product_id: "prod-xyz" }, 'product_id "prod-abc" → "prod-xyz"'],
    [{ product_name: "Other" }, 'product_name "Database" → "Other"'],
    [{ provisioning_parameters: [{ key: "Size", value: "200", use_previous_value: false }, { key: "Env", value: "prod", use_previous_value: false }] }, "provisioning_parameters"],
  ])("%j blocks, naming the product and why", (after, says) => {
    const [f] = run([pp(after)]);
    expect(f.ruleId).toBe("plan-stack-template-drops-data");
    expect(f.message).toContain("The plan updates the provisioned product aws_servicecatalog_provisioned_product.db to another product, version or parameters");
    expect(f.message).toContain(says);
    expect(f.message).toContain("Service Catalog updates the product's CloudFormation stack with the template of that product version");
    expect(f.fix).toContain("Keep aws_servicecatalog_provisioned_product.db on its current product version and parameters");
  });

  test("a version known only after apply blocks", () => {
    const c = pp({ provisioning_artifact_id: null });
    (c.change as Obj).after_unknown = { provisioning_artifact_id: true };
    expect(run([c])[0].message).toContain("provisioning_artifact_id \"pa-v1\" → (known after apply)");
  });

  test("the Cloud Control provisioned product too", () => {
    const cc = { product_id: "prod-abc", provisioning_artifact_id: "pa-v1", provisioning_parameters: [{ key: "Size", value: "100" }], provisioned_product_name: "db-prod" };
    expect(judged([pp({ provisioning_artifact_id: "pa-v2" }, "awscc_servicecatalog_cloudformation_provisioned_product", cc)])).toEqual(["plan-stack-template-drops-data awscc_servicecatalog_cloudformation_provisioned_product.db"]);
  });

  test("the controls: a tag changed, or the same parameters in another order, pass", () => {
    expect(judged([pp({ tags: { team: "data" } })])).toEqual([]);
    expect(judged([pp({ provisioning_parameters: [...(product.provisioning_parameters as Obj[])].reverse() })])).toEqual([]);
  });
});

describe("RT60-1: protection weakened through parameters, Defaults and Conditions", () => {
  const db = (props: Obj) => ({ Type: "AWS::RDS::DBInstance", DeletionPolicy: "Snapshot", UpdateReplacePolicy: "Snapshot", Properties: { DBInstanceClass: "db.t3.micro", Engine: "postgres", MasterUsername: "app", ...props } });
  const guarded = (parameters: Obj, conditions: Obj = {}, props: Obj = { DeletionProtection: { Ref: "Protect" }, BackupRetentionPeriod: { Ref: "Retention" } }) =>
    tpl({ Db: db(props) }, { Parameters: parameters, ...(Object.keys(conditions).length > 0 ? { Conditions: conditions } : {}) });
  const P = { Protect: { Type: "String", Default: "true" }, Retention: { Type: "Number", Default: 35 } };

  test("the template unchanged, the stack's parameters turn deletion protection off and backups to 0: blocked, naming both", () => {
    const t = guarded(P);
    const [f] = run([stack(t, t, [{ Protect: "true", Retention: "35" }, { Protect: "false", Retention: "0" }])]);
    expect(f.message).toContain('Db (AWS::RDS::DBInstance) DeletionProtection "true" → "false" (as computed from the stack\'s parameters, conditions and mappings): the protection is switched off');
    expect(f.message).toContain('Db (AWS::RDS::DBInstance) BackupRetentionPeriod "35" → "0" (as computed from the stack\'s parameters, conditions and mappings): lowered');
  });

  test("the controls: retention raised, or an unrelated parameter changed, passes", () => {
    const t = guarded({ ...P, Owner: { Type: "String" } });
    expect(judged([stack(t, t, [{ Protect: "true", Retention: "35", Owner: "a" }, { Protect: "true", Retention: "35", Owner: "b" }])])).toEqual([]);
    expect(judged([stack(t, t, [{ Protect: "true", Retention: "7", Owner: "a" }, { Protect: "true", Retention: "35", Owner: "a" }])])).toEqual([]);
  });

  test("an S3 expiry taken from a parameter, 3650 → 1 day: blocked; the same days with another tag: passes", () => {
    const t = tpl({ B: { Type: "AWS::S3::Bucket", DeletionPolicy: "Retain", Properties: { LifecycleConfiguration: { Rules: [{ Status: "Enabled", ExpirationInDays: { Ref: "Days" } }] } } } }, { Parameters: { Days: { Type: "Number" } } });
    const [f] = run([stack(t, t, [{ Days: "3650" }, { Days: "1" }])]);
    expect(f.message).toContain('B (AWS::S3::Bucket) LifecycleConfiguration: a new or changed rule expires objects or versions ({"ExpirationInDays":"1","Status":"Enabled"})');
    const tagged = (v: string) => ({ ...stack(t, t, [{ Days: "3650" }, { Days: "3650" }]), change: { actions: ["update"], before: { name: "app", template_body: t, parameters: { Days: "3650" }, tags: { v: "1" } }, after: { name: "app", template_body: t, parameters: { Days: "3650" }, tags: { v } }, after_unknown: {}, before_sensitive: {}, after_sensitive: {} } });
    expect(judged([tagged("2")])).toEqual([]);
  });

  const byCondition = (isProd: Obj) =>
    tpl(
      {
        Db: db({ DeletionProtection: { "Fn::If": ["IsProd", true, false] }, BackupRetentionPeriod: { "Fn::If": ["IsProd", 35, 0] } }),
        B: { Type: "AWS::S3::Bucket", DeletionPolicy: "Retain", Properties: { LifecycleConfiguration: { Rules: [{ Status: "Enabled", ExpirationInDays: { "Fn::If": ["IsProd", 3650, 1] } }] } } },
      },
      { Parameters: { Env: { Type: "String", Default: "prod" } }, Conditions: { IsProd: isProd } },
    );

  test("only the condition redefined, so Fn::If picks the weak branch: blocked for each setting", () => {
    const [f] = run([stack(byCondition({ "Fn::Equals": [{ Ref: "Env" }, "prod"] }), byCondition({ "Fn::Equals": [{ Ref: "Env" }, "production"] }))]);
    expect(f.message).toContain("Db (AWS::RDS::DBInstance) DeletionProtection true → false");
    expect(f.message).toContain("Db (AWS::RDS::DBInstance) BackupRetentionPeriod 35 → 0");
    expect(f.evidence.map((e) => e.detail).join("\n")).toContain('B (AWS::S3::Bucket) LifecycleConfiguration: a new or changed rule expires objects or versions ({"ExpirationInDays":1,"Status":"Enabled"})');
  });

  test("the control: the condition rewritten but still true for this stack passes", () => {
    const wider = { "Fn::Or": [{ "Fn::Equals": [{ Ref: "Env" }, "prod"] }, { "Fn::Equals": [{ Ref: "Env" }, "production"] }] };
    expect(judged([stack(byCondition({ "Fn::Equals": [{ Ref: "Env" }, "prod"] }), byCondition(wider))])).toEqual([]);
  });

  const logs = (def: string) => tpl({ L: { Type: "AWS::Logs::LogGroup", DeletionPolicy: "Retain", Properties: { RetentionInDays: { Ref: "Days" } } } }, { Parameters: { Days: { Type: "Number", Default: def } } });

  test("only a parameter Default changed (3653 → 1), the stack passing none: blocked", () => {
    const [f] = run([stack(logs("3653"), logs("1"))]);
    expect(f.message).toContain('L (AWS::Logs::LogGroup) RetentionInDays "3653" → "1" (as computed from the stack\'s parameters, conditions and mappings): lowered (CloudWatch Logs deletes the log events older than the new retention)');
  });

  test("the control: the Default changed, but the stack passes the parameter, unchanged", () => {
    expect(judged([stack(logs("3653"), logs("1"), [{ Days: "3653" }, { Days: "3653" }])])).toEqual([]);
  });

  test("a value read from SSM Parameter Store counts at any update of the stack; a plain parameter, unchanged, does not", () => {
    const ssm = tpl({ L: { Type: "AWS::Logs::LogGroup", DeletionPolicy: "Retain", Properties: { RetentionInDays: { Ref: "Days" } } } }, { Parameters: { Days: { Type: "AWS::SSM::Parameter::Value<String>", Default: "/logs/days" } } });
    const withTags = (t: string) => change("aws_cloudformation_stack.app", ["update"], { name: "app", template_body: t, tags: { v: "1" } }, { name: "app", template_body: t, tags: { v: "2" } });
    const [f] = run([withTags(ssm)]);
    expect(f.message).toContain("L (AWS::Logs::LogGroup) RetentionInDays");
    expect(f.message).toContain("computed in the template from a value CloudFormation reads anew at this update (SSM Parameter Store, a dynamic reference)");
    const resolve = tpl({ L: { Type: "AWS::Logs::LogGroup", DeletionPolicy: "Retain", Properties: { RetentionInDays: "{{resolve:ssm:/logs/days}}" } } });
    expect(judged([withTags(resolve)])).toEqual(BLOCKED);
    expect(judged([withTags(logs("3653"))])).toEqual([]);
  });

  test("parameters known only after apply, feeding a guarded setting: blocked; feeding none: passes", () => {
    const t = guarded(P);
    const c = stack(t, t, [{ Protect: "true", Retention: "35" }, {}]);
    (c.change as Obj).after_unknown = { parameters: true };
    expect(run([c])[0].message).toContain("computed in the template from parameters, conditions or other values that changed, which blastwall cannot evaluate");
    const literal = guarded(P, {}, { DeletionProtection: true, BackupRetentionPeriod: 35 });
    const d = stack(literal, literal, [{ Protect: "true", Retention: "35" }, {}]);
    (d.change as Obj).after_unknown = { parameters: true };
    expect(judged([d])).toEqual([]);
  });

  test("a retention looked up in Mappings by a parameter follows the parameter", () => {
    const t = guarded({ Env: { Type: "String" } }, {}, { BackupRetentionPeriod: { "Fn::FindInMap": ["Retention", { Ref: "Env" }, "days"] } });
    const mapped = JSON.stringify({ ...JSON.parse(t), Mappings: { Retention: { prod: { days: 35 }, dev: { days: 1 } } } });
    expect(run([stack(mapped, mapped, [{ Env: "prod" }, { Env: "dev" }])])[0].message).toContain("BackupRetentionPeriod 35 → 1");
    expect(judged([stack(mapped, mapped, [{ Env: "dev" }, { Env: "prod" }])])).toEqual([]);
  });

  test("a stack set instance's parameter overrides that lower a retention: blocked; raising it passes", () => {
    const t = guarded(P);
    const set = change("aws_cloudformation_stack_set.guard", ["no-op"], { name: "guard", template_body: t, parameters: {} }, { name: "guard", template_body: t, parameters: {} });
    const instance = (was: string, now: string) => change("aws_cloudformation_stack_set_instance.eu", ["update"], { stack_set_name: "guard", parameter_overrides: { Retention: was } }, { stack_set_name: "guard", parameter_overrides: { Retention: now } });
    const [f] = run([set, instance("35", "1")]);
    expect(f.message).toContain('BackupRetentionPeriod "35" → "1"');
    expect(judged([set, instance("7", "35")])).toEqual([]);
  });
});

describe("RT60-8: a setting weakened in place has its own finding, whose fix names what to restore", () => {
  const table = (props: Obj) => ({ Type: "AWS::DynamoDB::Table", DeletionPolicy: "Retain", UpdateReplacePolicy: "Retain", Properties: { TableName: "orders", ...props } });

  test("TTL switched on: the fix says to set it back, not to add DeletionPolicy", () => {
    const fs = run([stack(tpl({ T: table({}) }), tpl({ T: table({ TimeToLiveSpecification: { AttributeName: "expires", Enabled: true } }) }))]);
    expect(fs).toHaveLength(1);
    expect(fs[0].message).toBe(
      "The plan updates aws_cloudformation_stack.app so that CloudFormation weakens, in place, what keeps its data: T (AWS::DynamoDB::Table) TimeToLiveSpecification.Enabled (none) → true: it now deletes data on its own (DynamoDB deletes every item whose TTL attribute holds a past time, by itself).",
    );
    expect(fs[0].fix).toContain("In the template or parameters of aws_cloudformation_stack.app: set T.TimeToLiveSpecification.Enabled back to (none).");
    expect(fs[0].fix).toContain("DeletionPolicy and UpdateReplacePolicy do not help here");
    expect(fs[0].fix).toContain("have a human approve this exact plan");
  });

  test("a computed setting's fix names the parameters it comes from", () => {
    const t = tpl({ T: table({ DeletionProtectionEnabled: { Ref: "Protect" } }) }, { Parameters: { Protect: { Type: "String" } } });
    const c = stack(t, t, [{ Protect: "true" }, {}]);
    (c.change as Obj).after_unknown = { parameters: true };
    expect(run([c])[0].fix).toContain("set T.DeletionProtectionEnabled, and the parameters, Defaults or conditions it is computed from, back to what they were");
  });

  test("the control: a dropped table keeps the finding that says to keep it or retain it", () => {
    const fs = run([stack(tpl({ T: { Type: "AWS::DynamoDB::Table", Properties: {} }, Q: TOPIC }), tpl({ Q: TOPIC }))]);
    expect(fs).toHaveLength(1);
    expect(fs[0].fix).toContain("give it DeletionPolicy: Retain and UpdateReplacePolicy: Retain");
  });

  test("both in one update: two findings, each with its own fix", () => {
    const fs = run([stack(tpl({ T: table({ DeletionProtectionEnabled: true }), D: { Type: "AWS::DynamoDB::Table", Properties: {} } }), tpl({ T: table({ DeletionProtectionEnabled: false }) }))]);
    expect(fs.map((f) => f.message.split(":")[0])).toEqual(["The plan changes the template of aws_cloudformation_stack.app, and CloudFormation will delete data", "The plan updates aws_cloudformation_stack.app so that CloudFormation weakens, in place, what keeps its data"]);
    expect(fs.map((f) => f.fix.includes("DeletionPolicy: Retain and UpdateReplacePolicy: Retain"))).toEqual([true, false]);
  });
});

describe("RT60-3: the template guards mirror the Terraform rules", () => {
  const DP = "plan-deletion-protection-off";
  const BR = "plan-backup-retention-lowered";
  const GC = "plan-guardrail-changed";
  const OG = "plan-org-guardrails-lifted";
  const OD = "plan-org-guardrails-delegated";
  const entries = [
    ...RETENTION.map((a) => `${BR} ${a}`),
    ...RETENTION_TYPES.map((t) => `${BR} ${t}`),
    ...GUARDRAIL_ENTRIES.map((t) => `${GC} ${t}`),
    ...SWITCHES.map((s) => `${DP} ${s}`),
    ...PROTECTION_TYPES.map((t) => `${DP} ${t}`),
    ...ORG_GUARDRAIL_ENTRIES.map((e) => `${OG} ${e}`),
    ...ORG_DELEGATION_ENTRIES.map((e) => `${OD} ${e}`),
  ];
  const twinned = new Set(TEMPLATE_GUARDS.flatMap((g) => g.twins));

  test("every entry of plan-deletion-protection-off, plan-backup-retention-lowered, plan-guardrail-changed, plan-org-guardrails-lifted and plan-org-guardrails-delegated has a template twin or a written exemption", () => {
    expect(entries.filter((e) => !twinned.has(e) && !((TWIN_EXEMPTIONS[e] ?? "").length > 20))).toEqual([]);
  });

  // A Terraform type protected from destroy that a template writes as a property of another type (PROTECTED_TWINS):
  // its guard names it as `plan-protected-delete <type>`, on a guard of that other type (red-team round 63).
  const propertyTwin = (e: string) => {
    const [rule, tf] = e.split(" ");
    const cfn = PROTECTED_TWINS[tf];
    return rule === "plan-protected-delete" && Array.isArray(cfn) && TEMPLATE_GUARDS.some((g) => g.twins.includes(e) && cfn.includes(g.type));
  };

  test("no twin or exemption names an entry those rules do not have, and none is both", () => {
    expect([...twinned, ...Object.keys(TWIN_EXEMPTIONS)].filter((e) => !entries.includes(e) && !propertyTwin(e))).toEqual([]);
    expect(Object.keys(TWIN_EXEMPTIONS).filter((e) => twinned.has(e))).toEqual([]);
  });

  test("each guard names a property its type has in the CloudFormation resource schemas (a misspelt one would guard nothing)", () => {
    const pkg = require.resolve("@aws-cdk/aws-service-spec/package.json");
    const db = JSON.parse(gunzipSync(readFileSync(join(dirname(pkg), "db.json.gz"))).toString("utf8")) as { schema: { resource: { entities: Record<string, { cloudFormationType: string; properties?: Record<string, unknown> }> } } };
    const props = new Map(Object.values(db.schema.resource.entities).map((r) => [r.cloudFormationType, Object.keys(r.properties ?? {})]));
    expect(TEMPLATE_GUARDS.filter((g) => !(props.get(g.type) ?? []).includes(g.path.split(/[.[]/)[0])).map((g) => `${g.type} ${g.path}`)).toEqual([]);
  });

  /** A value for the weak and the strong side of each guard, where the kind's default does not fit. */
  const POLICY = (sid: string) => ({ Version: "2012-10-17", Statement: [{ Sid: sid, Effect: "Deny", Principal: "*", Action: "s3:DeleteObject", Resource: "*" }] });
  const SAMPLES: Record<string, [unknown, unknown]> = {
    "AWS::Cognito::UserPool DeletionProtection": ["ACTIVE", "INACTIVE"],
    "AWS::Redshift::Cluster DestinationRegion": ["us-west-2", ""],
    "AWS::RDS::DBInstance AutomaticBackupReplicationRegion": ["us-west-2", ""],
    "AWS::EFS::FileSystem FileSystemProtection.ReplicationOverwriteProtection": ["ENABLED", "DISABLED"],
    "AWS::EFS::FileSystem BackupPolicy.Status": ["ENABLED", "DISABLED"],
    "AWS::FSx::Volume OntapConfiguration.SnaplockConfiguration.PrivilegedDelete": ["DISABLED", "ENABLED"],
    "AWS::S3::Bucket VersioningConfiguration.Status": ["Enabled", "Suspended"],
    "AWS::Lightsail::Instance AddOns[AddOnType=AutoSnapshot].Status": ["Enabled", "Disabled"],
    "AWS::Lightsail::Disk AddOns[AddOnType=AutoSnapshot].Status": ["Enabled", "Disabled"],
    "AWS::S3Tables::Table SnapshotManagement.Status": ["disabled", "enabled"],
    "AWS::S3Tables::TableBucket UnreferencedFileRemoval.Status": ["disabled", "enabled"],
    "AWS::DLM::LifecyclePolicy State": ["ENABLED", "DISABLED"],
    "AWS::DLM::LifecyclePolicy PolicyDetails.Schedules[Name].RetainRule": [{ Count: 30 }, { Count: 1 }],
    "AWS::MSK::Configuration ServerProperties": ["log.retention.hours=168", "log.retention.hours=1"],
    "AWS::ImageBuilder::LifecyclePolicy Status": ["DISABLED", "ENABLED"],
    "AWS::S3::Bucket LifecycleConfiguration": [{ Rules: [{ Id: "a", Status: "Enabled", Transitions: [{ TransitionInDays: 30, StorageClass: "GLACIER" }] }] }, { Rules: [{ Id: "a", Status: "Enabled", ExpirationInDays: 1 }] }],
    "AWS::ServiceCatalog::CloudFormationProvisionedProduct ProvisioningPreferences": [
      { StackSetOperationType: "UPDATE", StackSetRegions: ["us-east-1"] },
      { StackSetOperationType: "DELETE", StackSetRegions: ["us-east-1"] },
    ],
    "AWS::Backup::BackupPlan BackupPlan": [
      { BackupPlanName: "prod", BackupPlanRule: [{ RuleName: "daily", TargetBackupVault: "v", Lifecycle: { DeleteAfterDays: 35 } }] },
      { BackupPlanName: "prod", BackupPlanRule: [{ RuleName: "daily", TargetBackupVault: "v", Lifecycle: { DeleteAfterDays: 1 } }] },
    ],
    "AWS::Organizations::Account ParentIds": [["ou-root-a1"], ["ou-root-b2"]],
    "AWS::Organizations::OrganizationalUnit ParentId": ["r-root", "ou-root-b2"],
    "AWS::Organizations::Organization FeatureSet": ["ALL", "CONSOLIDATED_BILLING"],
    "AWS::Organizations::ResourcePolicy Content": [
      { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "333333333333" }, Action: "organizations:List*", Resource: "*" }] },
      { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "333333333333" }, Action: ["organizations:List*", "organizations:DetachPolicy"], Resource: "*" }] },
    ],
    "AWS::SecurityHub::DelegatedAdmin AdminAccountId": ["333333333333", "444444444444"],
    "AWS::Detective::OrganizationAdmin AccountId": ["333333333333", "444444444444"],
    "AWS::S3Outposts::Bucket LifecycleConfiguration": [{ Rules: [{ Id: "a", Status: "Enabled", AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 } }] }, { Rules: [{ Id: "a", Status: "Enabled", ExpirationInDays: 1 }] }],
  };
  const BASE: Record<string, Obj> = {
    "AWS::CloudFormation::StackSet": { AutoDeployment: { Enabled: true } },
    "AWS::Glue::TableOptimizer": { Type: "retention", TableOptimizerConfiguration: { Enabled: true } },
    "AWS::OpenSearchServerless::LifecyclePolicy": { Type: "retention" },
  };
  const sample = (g: (typeof TEMPLATE_GUARDS)[number]): [unknown, unknown] =>
    SAMPLES[`${g.type} ${g.path}`] ?? ({ off: [true, false], on: [false, true], lowered: [35, 1], custom: [35, 1], changed: [POLICY("a"), POLICY("b")], removed: [{}, undefined], expiry: [{}, {}] } as const)[g.kind];

  /** Properties holding `value` at the guard's path (a keyed list gets one item; undefined leaves the item out). */
  const build = (path: string, value: unknown): Obj => {
    const segments = [...path.matchAll(/([^.[\]]+)(?:\[([^=\]]+)(?:=([^\]]*))?\])?/g)];
    const at = (i: number): unknown => {
      if (i === segments.length) return value;
      const [, name, key, equals] = segments[i];
      const inner = at(i + 1);
      if (key === undefined) return { [name]: inner };
      return { [name]: inner === undefined ? [] : [{ [key]: equals ?? "k1", ...(isObj(inner) ? inner : {}) }] };
    };
    return at(0) as Obj;
  };
  const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
  const combine = (a: unknown, b: unknown): unknown =>
    isObj(a) && isObj(b) ? merge(a, b) : Array.isArray(a) && Array.isArray(b) ? b.map((x, i) => (i < a.length ? combine(a[i], x) : x)) : (b ?? a);
  const merge = (a: Obj, b: Obj): Obj => Object.fromEntries([...new Set([...Object.keys(a), ...Object.keys(b)])].map((k) => [k, combine(a[k], b[k])]));
  /** The setting a guard with `onlyWhile` is judged beside, switched on on both sides. */
  const ON: Record<string, unknown> = { DestinationRegion: "us-west-2", AutomaticBackupReplicationRegion: "us-west-2" };
  const beside = (g: (typeof TEMPLATE_GUARDS)[number]): Obj => (g.onlyWhile ? build(g.path.replace(/[^.]+$/, g.onlyWhile.sibling), ON[g.onlyWhile.sibling] ?? true) : {});
  const props = (g: (typeof TEMPLATE_GUARDS)[number], v: unknown) => merge(merge(BASE[g.type] ?? {}, beside(g)), build(g.path, v));
  const res = (type: string, p: Obj) => ({ R: { Type: type, DeletionPolicy: "Retain", UpdateReplacePolicy: "Retain", Properties: p } });
  const weakenings = (type: string, a: Obj, b: Obj) => run([stack(tpl(res(type, a)), tpl(res(type, b)))]).filter((f) => f.message.includes("weakens, in place"));

  test.each(TEMPLATE_GUARDS.map((g) => [`${g.type} ${g.path} (${g.kind})`, g] as const))("%s: weakened in place blocks, naming the resource; the controls pass", (_, g) => {
    const [strong, weak] = sample(g);
    const [f] = weakenings(g.type, props(g, strong), props(g, weak));
    expect(f?.message).toContain(`R (${g.type}) ${g.path.split(/[.[]/)[0]}`);
    // The controls: unchanged with another tag, and (but for content, where any change counts) strengthened.
    expect(weakenings(g.type, props(g, strong), { ...props(g, strong), Tags: [{ Key: "team", Value: "data" }] })).toEqual([]);
    if (g.kind !== "changed") expect(weakenings(g.type, props(g, weak), props(g, strong))).toEqual([]);
  });

  test("red team c2: a global table's TTL on, and a replica's deletion protection and point-in-time recovery off, each named", () => {
    const g = (ttl: boolean, on: boolean) => ({
      Type: "AWS::DynamoDB::GlobalTable",
      DeletionPolicy: "Retain",
      UpdateReplacePolicy: "Retain",
      Properties: { TableName: "orders", ...(ttl && { TimeToLiveSpecification: { AttributeName: "created", Enabled: true } }), Replicas: [{ Region: "us-east-1", DeletionProtectionEnabled: on, PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: on } }] },
    });
    const [f] = run([stack(tpl({ G: g(false, true) }), tpl({ G: g(true, false) }))]);
    const details = f.evidence.map((e) => e.detail).join("\n");
    expect(details).toContain("G (AWS::DynamoDB::GlobalTable) Replicas[Region=us-east-1].DeletionProtectionEnabled true → false: the protection is switched off");
    expect(details).toContain("G (AWS::DynamoDB::GlobalTable) Replicas[Region=us-east-1].PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled true → false");
    expect(details).toContain("G (AWS::DynamoDB::GlobalTable) TimeToLiveSpecification.Enabled (none) → true: it now deletes data on its own");
  });

  test("red team c5: a vault's access policy and lock removed, each named", () => {
    const v = (guarded: boolean) => ({ Type: "AWS::Backup::BackupVault", DeletionPolicy: "Retain", UpdateReplacePolicy: "Retain", Properties: { BackupVaultName: "prod", ...(guarded && { LockConfiguration: { MinRetentionDays: 7 }, AccessPolicy: POLICY("deny") }) } });
    const [f] = run([stack(tpl({ V: v(true) }), tpl({ V: v(false) }))]);
    expect(f.message).toContain("V (AWS::Backup::BackupVault) AccessPolicy");
    expect(f.message).toContain("V (AWS::Backup::BackupVault) LockConfiguration");
    expect(f.message).toContain("→ (none): the guardrail is changed, and whether it is weaker cannot be told");
  });

  test("a policy written as JSON text, reformatted, is no change", () => {
    const r = (text: string) => ({ Type: "AWS::ECR::Repository", DeletionPolicy: "Retain", Properties: { RepositoryName: "app", LifecyclePolicy: { LifecyclePolicyText: text } } });
    const rules = { rules: [{ rulePriority: 1, selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 30 }, action: { type: "expire" } }] };
    expect(judged([stack(tpl({ E: r(JSON.stringify(rules)) }), tpl({ E: r(JSON.stringify(rules, null, 2)) }))])).toEqual([]);
  });

  describe("a new policy resource in a template writes over the one AWS holds, as creating aws_s3_bucket_policy does", () => {
    const bucketPolicy = (bucket: unknown) => ({ Type: "AWS::S3::BucketPolicy", Properties: { Bucket: bucket, PolicyDocument: POLICY("allow-all") } });
    const bucket = { Type: "AWS::S3::Bucket", DeletionPolicy: "Retain" };

    test("for a bucket the template does not create, in an updated stack: blocked, naming it", () => {
      const [f] = run([stack(tpl({ T: TOPIC }), tpl({ T: TOPIC, P: bucketPolicy("data") }))]);
      expect(f.message).toContain('P (AWS::S3::BucketPolicy) is new: it writes PolicyDocument for "data", which this template does not create, over what AWS holds now (not in the plan)');
      expect(f.fix).toContain("drop the new P, or have it name a AWS::S3::Bucket this template creates");
    });

    test("for a bucket the template already had: blocked (its current policy may be set outside the stack)", () => {
      expect(judged([stack(tpl({ B: bucket }), tpl({ B: bucket, P: bucketPolicy({ Ref: "B" }) }))])).toEqual(BLOCKED);
    });

    test("in a new stack, for a bucket outside it: blocked; for its own new bucket: passes", () => {
      const create = (t: string) => change("aws_cloudformation_stack.app", ["create"], null, { name: "app", template_body: t, parameters: {} });
      expect(judged([create(tpl({ P: bucketPolicy("data") }))])).toEqual(BLOCKED);
      expect(judged([create(tpl({ B: bucket, P: bucketPolicy({ Ref: "B" }) }))])).toEqual([]);
    });

    test("the control: a policy for a bucket the same update creates passes", () => {
      expect(judged([stack(tpl({ T: TOPIC }), tpl({ T: TOPIC, B: bucket, P: bucketPolicy({ Ref: "B" }) }))])).toEqual([]);
    });

    test("a new Glue retention optimizer on a table outside the template counts; on its own new table, or one that compacts, passes", () => {
      const optimizer = (table: unknown, type = "retention") => ({ Type: "AWS::Glue::TableOptimizer", Properties: { CatalogId: "111111111111", DatabaseName: "db", TableName: table, Type: type, TableOptimizerConfiguration: { Enabled: true, RoleArn: "arn:aws:iam::111111111111:role/o" } } });
      const glueTable = { Type: "AWS::Glue::Table", DeletionPolicy: "Retain", Properties: { CatalogId: "111111111111", DatabaseName: "db", TableInput: { Name: "events" } } };
      expect(judged([stack(tpl({ T: TOPIC }), tpl({ T: TOPIC, O: optimizer("events") }))])).toEqual(BLOCKED);
      expect(judged([stack(tpl({ T: TOPIC }), tpl({ T: TOPIC, G: glueTable, O: optimizer({ Ref: "G" }) }))])).toEqual([]);
      expect(judged([stack(tpl({ T: TOPIC }), tpl({ T: TOPIC, O: optimizer("events", "compaction") }))])).toEqual([]);
    });

    test("a new Image Builder lifecycle policy that deletes counts; a DISABLED one passes", () => {
      const policy = (status: string) => ({ Type: "AWS::ImageBuilder::LifecyclePolicy", Properties: { Name: "p", Status: status, ResourceType: "AMI_IMAGE", PolicyDetails: [{ Action: { Type: "DELETE" }, Filter: { Type: "COUNT", Value: 1 } }] } });
      expect(judged([stack(tpl({ T: TOPIC }), tpl({ T: TOPIC, L: policy("ENABLED") }))])).toEqual(BLOCKED);
      expect(judged([stack(tpl({ T: TOPIC }), tpl({ T: TOPIC, L: policy("DISABLED") }))])).toEqual([]);
    });
  });
});
