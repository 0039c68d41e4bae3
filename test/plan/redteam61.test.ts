/**
 * plan-stack-template-drops-data and the template guards, red-team round 61: what a CloudFormation template keeps,
 * read as CloudFormation reads it.
 */
import { specReplacing } from "../../lib/plan/cfn-replacing";
import { GUARDRAIL_ENTRIES } from "../../lib/plan/rules/guardrail-changed";
import { SNAPSHOT_TYPES, keeps } from "../../lib/plan/cfn-tables";
import { change } from "./helpers";
import { BLOCKED, details, judged, run, stack, tpl, type Obj } from "./template-stacks";

const QUEUE = { Type: "AWS::SQS::Queue", DeletionPolicy: "Retain" };

describe("RT61-1: DeletionPolicy and UpdateReplacePolicy Snapshot keep only the types CloudFormation can snapshot", () => {
  const table = (policy: string, name = "orders", more: Obj = {}) => ({ Type: "AWS::DynamoDB::Table", DeletionPolicy: policy, UpdateReplacePolicy: policy, Properties: { TableName: name }, ...more });
  const db = (policy: string, name = "orders", more: Obj = {}) => ({ Type: "AWS::RDS::DBInstance", DeletionPolicy: policy, UpdateReplacePolicy: policy, Properties: { DBInstanceIdentifier: name }, ...more });

  test("each snapshot type is one the resource schemas know (a misspelt one would keep nothing it names)", () => {
    expect([...SNAPSHOT_TYPES].filter((t) => specReplacing(t) === undefined)).toEqual([]);
    expect(keeps("Snapshot", "AWS::DynamoDB::Table")).toBe(false);
    expect(keeps("Snapshot", "AWS::Redshift::Cluster")).toBe(true);
    expect(keeps("Retain", "AWS::DynamoDB::Table")).toBe(true);
    expect(keeps("RetainExceptOnCreate", "AWS::S3::Bucket")).toBe(true);
  });

  test("the red team's g1a: a table and a bucket with DeletionPolicy Snapshot dropped block, each named with why", () => {
    const bucket = { Type: "AWS::S3::Bucket", DeletionPolicy: "Snapshot", Properties: { BucketName: "prod-data-bucket" } };
    const d = details([stack(tpl({ Orders: table("Snapshot"), Data: bucket, Q: QUEUE }), tpl({ Q: QUEUE }))]);
    expect(d).toContain('Orders (AWS::DynamoDB::Table) is dropped with DeletionPolicy "Snapshot", which CloudFormation applies as Delete: AWS::DynamoDB::Table has no snapshots, so CloudFormation deletes it');
    expect(d).toContain('Data (AWS::S3::Bucket) is dropped with DeletionPolicy "Snapshot", which CloudFormation applies as Delete: AWS::S3::Bucket has no snapshots, so CloudFormation deletes it');
  });

  test.each([...SNAPSHOT_TYPES])("the control: %s with DeletionPolicy Snapshot dropped passes (CloudFormation snapshots it first)", (type) => {
    expect(judged([stack(tpl({ R: { Type: type, DeletionPolicy: "Snapshot", Properties: {} }, Q: QUEUE }), tpl({ Q: QUEUE }))])).toEqual([]);
  });

  test("a resource whose author wrote Snapshot, on a type the gate does not count as data (a topic), dropped: blocked, since it is deleted", () => {
    expect(judged([stack(tpl({ T: { Type: "AWS::SNS::Topic", DeletionPolicy: "Snapshot" }, Q: QUEUE }), tpl({ Q: QUEUE }))])).toEqual(BLOCKED);
    expect(judged([stack(tpl({ T: { Type: "AWS::SNS::Topic", DeletionPolicy: "Retain" }, Q: QUEUE }), tpl({ Q: QUEUE }))])).toEqual([]);
  });

  test("the red team's g1b: Retain → Snapshot on a table loses the policy; on a database it does not", () => {
    const d = details([stack(tpl({ Orders: table("Retain") }), tpl({ Orders: table("Snapshot") }))]);
    expect(d).toContain('Orders (AWS::DynamoDB::Table) loses DeletionPolicy "Retain" (now "Snapshot", which CloudFormation applies as Delete: AWS::DynamoDB::Table has no snapshots), so a later removal or replacement deletes it');
    expect(d).toContain('Orders (AWS::DynamoDB::Table) loses UpdateReplacePolicy "Retain" (now "Snapshot", which CloudFormation applies as Delete: AWS::DynamoDB::Table has no snapshots), so a later removal or replacement deletes it');
    expect(judged([stack(tpl({ D: db("Retain") }), tpl({ D: db("Snapshot") }))])).toEqual([]);
  });

  test("the red team's g1c: a table renamed with UpdateReplacePolicy Snapshot blocks; a database renamed with it passes", () => {
    const d = details([stack(tpl({ Orders: table("Snapshot") }), tpl({ Orders: table("Snapshot", "orders-v2") }))]);
    expect(d).toContain('Orders (AWS::DynamoDB::Table) changes TableName, which makes CloudFormation replace it and delete the old one (UpdateReplacePolicy "Snapshot", which CloudFormation applies as Delete: AWS::DynamoDB::Table has no snapshots)');
    expect(judged([stack(tpl({ D: db("Snapshot") }), tpl({ D: db("Snapshot", "orders-v2") }))])).toEqual([]);
  });

  test("a changed parameter that decides a Snapshot table's Condition or name blocks; the same for a database passes", () => {
    const params = { Parameters: { Env: { Type: "String" } }, Conditions: { Prod: { "Fn::Equals": [{ Ref: "Env" }, "prod"] } } };
    const t = tpl({ Orders: table("Snapshot", "orders", { Condition: "Prod" }) }, params);
    const d = details([stack(t, t, [{ Env: "prod" }, { Env: "dev" }])]);
    expect(d.some((x) => x.includes("Orders (AWS::DynamoDB::Table) exists only under the condition"))).toBe(true);
    const named = tpl({ Orders: table("Snapshot", { "Fn::Sub": "orders-${Env}" } as unknown as string) }, params);
    expect(judged([stack(named, named, [{ Env: "prod" }, { Env: "dev" }])])).toEqual(BLOCKED);
    const rds = tpl({ D: db("Snapshot", { "Fn::Sub": "orders-${Env}" } as unknown as string, { Condition: "Prod" }) }, params);
    expect(judged([stack(rds, rds, [{ Env: "prod" }, { Env: "dev" }])])).toEqual([]);
  });

  test("a Snapshot table named from SSM at deploy time counts at any update; a Retain one does not", () => {
    const t = (policy: string) => tpl({ Orders: table(policy, "{{resolve:ssm:/app/table-name}}") });
    expect(judged([stack(t("Snapshot"), t("Snapshot"), [{}, {}], [{ tags: { a: "1" } }, { tags: { a: "2" } }])])).toEqual(BLOCKED);
    expect(judged([stack(t("Retain"), t("Retain"), [{}, {}], [{ tags: { a: "1" } }, { tags: { a: "2" } }])])).toEqual([]);
  });
});

describe("RT61-2: a resource's Condition is evaluated on both sides, so a Mappings edit that turns it false counts", () => {
  const orders = (more: Obj = {}) => ({ Type: "AWS::DynamoDB::Table", Condition: "KeepOrders", Properties: { TableName: "orders" }, ...more });
  const withMap = (prod: Obj, resources: Obj = { Orders: orders(), Q: QUEUE }, condition: unknown = { "Fn::Equals": [{ "Fn::FindInMap": ["EnvSettings", { Ref: "Env" }, "Orders"] }, "yes"] }) =>
    tpl(resources, { Parameters: { Env: { Type: "String", Default: "prod" } }, Mappings: { EnvSettings: { prod: prod, dev: { Orders: "no", Ami: "ami-1" } } }, Conditions: { KeepOrders: condition } });

  test("the red team's g7a: only Mappings.EnvSettings.prod.Orders changes, yes → no: blocked, naming the table and the condition", () => {
    const d = details([stack(withMap({ Orders: "yes", Ami: "ami-1" }), withMap({ Orders: "no", Ami: "ami-1" }), [{ Env: "prod" }, { Env: "prod" }])]);
    expect(d).toContain(
      'Orders (AWS::DynamoDB::Table) exists only under the condition "KeepOrders", which this update turns from true to false, so CloudFormation deletes it (evaluated with each side\'s parameters, Defaults, Conditions and Mappings)',
    );
  });

  test("the controls: another entry of the map (one no condition reads) changed passes; so does the table kept by Retain", () => {
    expect(judged([stack(withMap({ Orders: "yes", Ami: "ami-1" }), withMap({ Orders: "yes", Ami: "ami-2" }), [{ Env: "prod" }, { Env: "prod" }])])).toEqual([]);
    const kept = { Orders: orders({ DeletionPolicy: "Retain", UpdateReplacePolicy: "Retain" }), Q: QUEUE };
    expect(judged([stack(withMap({ Orders: "yes" }, kept), withMap({ Orders: "no" }, kept), [{ Env: "prod" }, { Env: "prod" }])])).toEqual([]);
  });

  test("a condition that was true and now reads what blastwall cannot evaluate (the region) counts, named", () => {
    const byRegion = { "Fn::Equals": [{ "Fn::FindInMap": ["EnvSettings", { Ref: "AWS::Region" }, "Orders"] }, "yes"] };
    const d = details([stack(withMap({ Orders: "yes" }), withMap({ Orders: "yes" }, undefined, byRegion), [{ Env: "prod" }, { Env: "prod" }])]);
    expect(d.some((x) => x.startsWith('Orders (AWS::DynamoDB::Table) exists only under the condition "KeepOrders", which this update turns from true to a value computed from'))).toBe(true);
  });

  test("a condition computed from the region whose map entries change counts; the same map, with a queue's tag edited, passes", () => {
    const byRegion = { "Fn::Equals": [{ "Fn::FindInMap": ["Regions", { Ref: "AWS::Region" }, "Orders"] }, "yes"] };
    const t = (eu: string, tag: string) =>
      tpl({ Orders: orders(), Q: { ...QUEUE, Properties: { Tags: [{ Key: "t", Value: tag }] } } }, { Mappings: { Regions: { "eu-west-1": { Orders: eu }, "us-east-1": { Orders: "yes" } } }, Conditions: { KeepOrders: byRegion } });
    const [f] = run([stack(t("yes", "a"), t("no", "a"))]);
    expect(f.message).toContain('Orders (AWS::DynamoDB::Table) exists only under the condition "KeepOrders", which this update computes from other values');
    expect(judged([stack(t("yes", "a"), t("yes", "b"))])).toEqual([]);
  });

  test("a name chosen by Fn::If on a condition that reads a map: the map's entry changed replaces the table, blocked", () => {
    const table = { Type: "AWS::DynamoDB::Table", Properties: { TableName: { "Fn::If": ["UseV2", "orders-v2", "orders"] } } };
    const t = (v2: string, ami = "ami-1") =>
      tpl({ Orders: table }, { Parameters: { Env: { Type: "String", Default: "prod" } }, Mappings: { M: { prod: { V2: v2, Ami: ami } } }, Conditions: { UseV2: { "Fn::Equals": [{ "Fn::FindInMap": ["M", { Ref: "Env" }, "V2"] }, "yes"] } } });
    expect(details([stack(t("no"), t("yes"))])).toContain('Orders (AWS::DynamoDB::Table) changes TableName, which makes CloudFormation replace it and delete the old one (UpdateReplacePolicy "Delete")');
    expect(judged([stack(t("no"), t("no", "ami-2"))])).toEqual([]);
  });

  test("a stack set: the entry another parameter value reads (an instance may override Env) changed counts, as a redefined condition", () => {
    const set = (before: string, after: string) =>
      change("aws_cloudformation_stack_set.app", ["update"], { name: "app", template_body: before, parameters: { Env: "prod" } }, { name: "app", template_body: after, parameters: { Env: "prod" } });
    const t = (staging: string) =>
      tpl({ Orders: orders(), Q: QUEUE }, { Parameters: { Env: { Type: "String" } }, Mappings: { EnvSettings: { prod: { Orders: "yes" }, staging: { Orders: staging } } }, Conditions: { KeepOrders: { "Fn::Equals": [{ "Fn::FindInMap": ["EnvSettings", { Ref: "Env" }, "Orders"] }, "yes"] } } });
    const [f] = run([set(t("yes"), t("no"))]);
    // Since red-team round 64 (RT64-2) an instance outside the plan may override Env: the condition reads a value not
    // known, and is named as computed from other values, or as redefined.
    expect(f.message).toMatch(/Orders \(AWS::DynamoDB::Table\) exists only under the condition "KeepOrders", which (the template redefines \(its Conditions, or the Mappings entries they read\)|this update computes from other values)/);
  });
});

describe("RT61-3: a Service Catalog provisioned product updated with StackSetOperationType DELETE", () => {
  const base = { product_id: "prod-abc123", provisioning_artifact_id: "pa-v1", provisioned_product_name: "data-platform", provisioning_parameters: [{ key: "Env", value: "prod" }], provisioning_preferences: null, tags: null };
  const prefs = (op: string, accounts = ["222222222222"]) => ({ stack_set_accounts: accounts, stack_set_regions: ["us-east-1", "eu-west-1"], stack_set_operation_type: op, stack_set_failure_tolerance_count: null, stack_set_max_concurrency_count: null });
  const product = (before: Obj, after: Obj, unknown: Obj = {}) => {
    const c: Obj = { ...change("awscc_servicecatalog_cloudformation_provisioned_product.data", ["update"], { ...base, ...before }, { ...base, ...after }), provider_name: "registry.terraform.io/hashicorp/awscc" };
    (c.change as Obj).after_unknown = unknown;
    return c;
  };
  const PRODUCT = ["plan-stack-template-drops-data awscc_servicecatalog_cloudformation_provisioned_product.data"];

  test("the red team's g3a: awscc provisioning_preferences DELETE added blocks, naming the accounts and regions and how to fix", () => {
    const [f] = run([product({}, { provisioning_preferences: prefs("DELETE") })]);
    expect(f.message).toContain('provisioning_preferences.stack_set_operation_type "DELETE" for accounts "222222222222" in regions "us-east-1", "eu-west-1" (was (none)): Service Catalog deletes those stack instances');
    expect(f.fix).toContain("leave provisioning_preferences.stack_set_operation_type UPDATE (or unset)");
  });

  test("DELETE for other accounts, or preferences known only after apply, block", () => {
    expect(judged([product({ provisioning_preferences: prefs("DELETE") }, { provisioning_preferences: prefs("DELETE", ["333333333333"]) })])).toEqual(PRODUCT);
    expect(judged([product({}, { provisioning_preferences: null }, { provisioning_preferences: true })])).toEqual(PRODUCT);
    expect(judged([product({}, { provisioning_preferences: { ...prefs("UPDATE"), stack_set_operation_type: null } }, { provisioning_preferences: { stack_set_operation_type: true } })])).toEqual(PRODUCT);
  });

  test("the controls: UPDATE or CREATE preferences pass", () => {
    expect(judged([product({}, { provisioning_preferences: prefs("UPDATE") })])).toEqual([]);
    expect(judged([product({ provisioning_preferences: prefs("UPDATE") }, { provisioning_preferences: prefs("CREATE", ["333333333333"]) })])).toEqual([]);
  });

  // Red-team round 62: Cloud Control sends the preferences with every update, so DELETE planted earlier fires at a tag change.
  test("a standing DELETE with only a tag changed blocks; a product created with DELETE blocks, saying its next update carries it out", () => {
    expect(judged([product({ provisioning_preferences: prefs("DELETE") }, { provisioning_preferences: prefs("DELETE"), tags: [{ key: "a", value: "b" }] })])).toEqual(PRODUCT);
    const created = { ...change("awscc_servicecatalog_cloudformation_provisioned_product.data", ["create"], null, { ...base, provisioning_preferences: prefs("DELETE") }), provider_name: "registry.terraform.io/hashicorp/awscc" };
    const [f] = run([created]);
    expect(f.message).toContain("creates the provisioned product awscc_servicecatalog_cloudformation_provisioned_product.data with a stack set operation that deletes stack instances, which its next update");
    const plain = { ...change("awscc_servicecatalog_cloudformation_provisioned_product.data", ["create"], null, { ...base, provisioning_preferences: prefs("UPDATE") }), provider_name: "registry.terraform.io/hashicorp/awscc" };
    expect(judged([plain])).toEqual([]);
  });

  const pp = (preferences?: unknown) => ({
    Type: "AWS::ServiceCatalog::CloudFormationProvisionedProduct",
    Properties: { ProductId: "prod-abc123", ProvisioningArtifactId: "pa-v1", ProvisionedProductName: "data-platform", ...(preferences !== undefined && { ProvisioningPreferences: preferences }) },
  });
  const sc = (op: unknown) => ({ StackSetAccounts: ["222222222222"], StackSetRegions: ["us-east-1", "eu-west-1"], StackSetOperationType: op });

  test("the red team's g3b: the template's ProvisioningPreferences with StackSetOperationType DELETE blocks, naming the product", () => {
    const [f] = run([stack(tpl({ Data: pp() }), tpl({ Data: pp(sc("DELETE")) }))]);
    expect(f.message).toContain("Data (AWS::ServiceCatalog::CloudFormationProvisionedProduct) ProvisioningPreferences (none) → ");
    expect(f.message).toContain("the update's StackSetOperationType is DELETE (Service Catalog deletes the product's stack set instances");
  });

  test("DELETE chosen by a parameter, with the template unchanged, blocks", () => {
    const t = tpl({ Data: pp(sc({ Ref: "Op" })) }, { Parameters: { Op: { Type: "String", Default: "UPDATE" } } });
    expect(judged([stack(t, t, [{ Op: "UPDATE" }, { Op: "DELETE" }])])).toEqual(BLOCKED);
  });

  test("round 62: a standing DELETE in the template blocks at any update of the product (a tag), and a new product made with it; an unchanged product passes", () => {
    const tagged = (team: string) => ({ ...pp(sc("DELETE")), Properties: { ...(pp(sc("DELETE")).Properties as Obj), Tags: [{ Key: "team", Value: team }] } });
    expect(judged([stack(tpl({ Data: tagged("a") }), tpl({ Data: tagged("b") }))])).toEqual(BLOCKED);
    expect(judged([stack(tpl({ Q: QUEUE }), tpl({ Q: QUEUE, Data: pp(sc("DELETE")) }))])).toEqual(BLOCKED);
    const q = (team: string) => ({ ...QUEUE, Properties: { Tags: [{ Key: "team", Value: team }] } });
    expect(judged([stack(tpl({ Data: tagged("a"), Q: q("a") }), tpl({ Data: tagged("a"), Q: q("b") }))])).toEqual([]);
  });

  test("the controls: UPDATE preferences added, and DELETE turned back to UPDATE, pass", () => {
    expect(judged([stack(tpl({ Data: pp() }), tpl({ Data: pp(sc("UPDATE")) }))])).toEqual([]);
    expect(judged([stack(tpl({ Data: pp(sc("DELETE")) }), tpl({ Data: pp(sc("UPDATE")) }))])).toEqual([]);
  });
});

describe("RT61-7: a retention beside a switch is judged only while the switch is on before and after", () => {
  const weakened = (type: string, before: Obj, after: Obj) => {
    const r = (p: Obj) => ({ R: { Type: type, DeletionPolicy: "Retain", UpdateReplacePolicy: "Retain", Properties: { TableName: "orders", ...p } } });
    return run([stack(tpl(r(before)), tpl(r(after)))]).flatMap((f) => f.evidence.filter((e) => e.step === "weakened").map((e) => e.detail));
  };
  const pitr = (on: boolean, days?: number) => ({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: on, ...(days !== undefined && { RecoveryPeriodInDays: days }) } });

  test("the red team's g4: a table's PITR turned on with a 7-day window passes, from none or from off", () => {
    expect(weakened("AWS::DynamoDB::Table", {}, pitr(true, 7))).toEqual([]);
    expect(weakened("AWS::DynamoDB::Table", pitr(false, 35), pitr(true, 7))).toEqual([]);
  });

  test("the control: the window shortened while PITR stays on blocks, from the 35-day default or a set value", () => {
    expect(weakened("AWS::DynamoDB::Table", pitr(true), pitr(true, 7))).toEqual(["R (AWS::DynamoDB::Table) PointInTimeRecoverySpecification.RecoveryPeriodInDays (none) → 7: lowered (the table can be restored less far back)"]);
    expect(weakened("AWS::DynamoDB::Table", pitr(true, 14), pitr(true, 7))).toEqual(["R (AWS::DynamoDB::Table) PointInTimeRecoverySpecification.RecoveryPeriodInDays 14 → 7: lowered (the table can be restored less far back)"]);
  });

  test("PITR switched off with its window lowered still counts, as switched off", () => {
    expect(weakened("AWS::DynamoDB::Table", pitr(true, 35), pitr(false, 7))).toEqual(["R (AWS::DynamoDB::Table) PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled true → false: the protection is switched off (the table can no longer be restored to a point in time)"]);
  });

  test("PITR whose switch is computed from what blastwall cannot evaluate (the region): the window is judged", () => {
    const t = (days: number) =>
      tpl(
        { R: { Type: "AWS::DynamoDB::Table", DeletionPolicy: "Retain", Properties: { PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: { "Fn::If": ["Home", true, false] }, RecoveryPeriodInDays: days } } } },
        { Conditions: { Home: { "Fn::Equals": [{ Ref: "AWS::Region" }, "us-east-1"] } } },
      );
    expect(judged([stack(t(35), t(7))])).toEqual(BLOCKED);
    expect(judged([stack(t(7), t(35))])).toEqual([]);
  });

  test("a global table: each replica is judged beside its own PITR switch", () => {
    const g = (replicas: Obj[]) => ({ Replicas: replicas });
    const rep = (region: string, on: boolean, days?: number) => ({ Region: region, ...pitr(on, days) });
    // eu-west-1 turned on with 7 days, while us-east-1 (on) keeps its window: passes.
    expect(weakened("AWS::DynamoDB::GlobalTable", g([rep("us-east-1", true), rep("eu-west-1", false)]), g([rep("us-east-1", true), rep("eu-west-1", true, 7)]))).toEqual([]);
    // us-east-1's window shortened while on, eu-west-1 turned on: only us-east-1 is named.
    expect(weakened("AWS::DynamoDB::GlobalTable", g([rep("us-east-1", true), rep("eu-west-1", false)]), g([rep("us-east-1", true, 7), rep("eu-west-1", true, 7)]))).toEqual([
      "R (AWS::DynamoDB::GlobalTable) Replicas[Region=us-east-1].PointInTimeRecoverySpecification.RecoveryPeriodInDays (none) → 7: lowered (that replica can be restored less far back)",
    ]);
  });

  test("Redshift: cross-region copy first configured with a 3-day retention passes; shortened while configured blocks", () => {
    const copy = (region?: string, days?: number) => ({ ClusterIdentifier: "dw", ...(region !== undefined && { DestinationRegion: region }), ...(days !== undefined && { SnapshotCopyRetentionPeriod: days }) });
    const cluster = (p: Obj) => tpl({ R: { Type: "AWS::Redshift::Cluster", DeletionPolicy: "Retain", UpdateReplacePolicy: "Retain", Properties: p } });
    expect(judged([stack(cluster(copy()), cluster(copy("us-west-2", 3)))])).toEqual([]);
    expect(details([stack(cluster(copy("us-west-2")), cluster(copy("us-west-2", 3)))])).toContain(
      "R (AWS::Redshift::Cluster) SnapshotCopyRetentionPeriod (none) → 3: lowered (Redshift deletes the cross-region snapshot copies older than the new period at once)",
    );
  });
});

describe("RT61-4: a DynamoDB TTL pointed at another attribute while it stays on, in a template", () => {
  const ttl = (enabled: boolean, attribute: string) => ({ TimeToLiveSpecification: { Enabled: enabled, AttributeName: attribute } });
  const weakened = (type: string, before: Obj, after: Obj) => {
    const r = (p: Obj) => ({ Orders: { Type: type, DeletionPolicy: "Retain", UpdateReplacePolicy: "Retain", Properties: { TableName: "orders", ...p } } });
    return run([stack(tpl(r(before)), tpl(r(after)))]).flatMap((f) => f.evidence.filter((e) => e.step === "weakened").map((e) => e.detail));
  };

  test.each([
    ["AWS::DynamoDB::Table", {}],
    ["AWS::DynamoDB::GlobalTable", { Replicas: [{ Region: "us-east-1" }, { Region: "eu-west-1" }] }],
  ])("the red team's g5: %s's TTL moved from expires_at to created_at while on blocks, naming it", (type, more) => {
    const [d] = weakened(type, { ...more, ...ttl(true, "expires_at") }, { ...more, ...ttl(true, "created_at") });
    expect(d).toContain(`Orders (${type}) TimeToLiveSpecification.AttributeName "expires_at" → "created_at": TTL is pointed at another attribute while it stays on (DynamoDB deletes, by itself and with no backup, every item whose new TTL attribute holds a time in the past`);
  });

  test("the controls: moved while TTL is switched off, or while it was off, or a tag changed, passes; switched on with it counts as switched on", () => {
    expect(weakened("AWS::DynamoDB::Table", ttl(true, "expires_at"), ttl(false, "created_at"))).toEqual([]);
    expect(weakened("AWS::DynamoDB::Table", ttl(false, "expires_at"), ttl(false, "created_at"))).toEqual([]);
    expect(weakened("AWS::DynamoDB::Table", ttl(true, "expires_at"), { ...ttl(true, "expires_at"), Tags: [{ Key: "a", Value: "b" }] })).toEqual([]);
    expect(weakened("AWS::DynamoDB::Table", ttl(false, "expires_at"), ttl(true, "created_at"))).toEqual([
      "Orders (AWS::DynamoDB::Table) TimeToLiveSpecification.Enabled false → true: it now deletes data on its own (DynamoDB deletes every item whose TTL attribute holds a past time, by itself)",
    ]);
  });

  /** A Terraform aws_dynamodb_table update that changes only the named part, as plan-guardrail-changed judges it. */
  const table = (p: Obj) => ({ name: "orders", hash_key: "id", replica: [], ttl: [], point_in_time_recovery: [{ enabled: false, recovery_period_in_days: 0 }], tags: {}, ...p });
  const PARTS: Record<string, [Obj, Obj]> = {
    replica: [{ replica: [{ region_name: "eu-west-1" }] }, { replica: [] }],
    "ttl.enabled": [{ ttl: [{ enabled: false, attribute_name: "" }] }, { ttl: [{ enabled: true, attribute_name: "expires_at" }] }],
    "ttl.attribute_name": [{ ttl: [{ enabled: true, attribute_name: "expires_at" }] }, { ttl: [{ enabled: true, attribute_name: "created_at" }] }],
    "point_in_time_recovery.recovery_period_in_days": [{ point_in_time_recovery: [{ enabled: true, recovery_period_in_days: 35 }] }, { point_in_time_recovery: [{ enabled: true, recovery_period_in_days: 7 }] }],
  };
  const parts = GUARDRAIL_ENTRIES.filter((e) => e.startsWith("aws_dynamodb_table ")).map((e) => e.split(" ")[1]);

  test("the Terraform twin names its parts (so a template twin is held to each, not to the type)", () => {
    expect(parts).toEqual(Object.keys(PARTS));
  });

  test.each(parts)("each part names what plan-guardrail-changed judges of aws_dynamodb_table: %s", (part) => {
    const [before, after] = PARTS[part];
    const fs = run([change("aws_dynamodb_table.orders", ["update"], table(before), table(after))]).filter((f) => f.ruleId === "plan-guardrail-changed");
    expect(fs.map((f) => f.message.replace(/\[\d+\]/g, "")).join("\n")).toContain(part);
    expect(run([change("aws_dynamodb_table.orders", ["update"], table(before), table({ ...before, tags: { a: "b" } }))])).toEqual([]);
  });
});

describe("RT61-6: a template's backup plan is judged as aws_backup_plan is: a rule added, or kept longer, is routine", () => {
  const rule = (name: string, days?: number, more: Obj = {}) => ({ RuleName: name, TargetBackupVault: { Ref: "Vault" }, ScheduleExpression: "cron(0 3 * * ? *)", ...(days !== undefined && { Lifecycle: { DeleteAfterDays: days } }), ...more });
  const plan = (rules: unknown, more: Obj = {}) =>
    tpl({ Vault: { Type: "AWS::Backup::BackupVault", DeletionPolicy: "Retain", Properties: { BackupVaultName: "prod" } }, Plan: { Type: "AWS::Backup::BackupPlan", DeletionPolicy: "Retain", Properties: { BackupPlan: { BackupPlanName: "prod", BackupPlanRule: rules, ...more } } } });
  const weakened = (before: string, after: string) => run([stack(before, after)]).flatMap((f) => f.evidence.filter((e) => e.step === "weakened").map((e) => e.detail));
  const daily = rule("daily", 35);

  test("the red team's g6a and g6b: a rule added, and a rule's DeleteAfterDays raised, pass (its vault named by Ref)", () => {
    expect(judged([stack(plan([daily]), plan([daily, rule("monthly", 365)]))])).toEqual([]);
    expect(judged([stack(plan([daily]), plan([rule("daily", 90)]))])).toEqual([]);
    expect(judged([stack(plan([daily, rule("monthly", 365)]), plan([rule("monthly", 365), daily]))])).toEqual([]);
    expect(judged([stack(plan([daily]), plan([rule("daily")]))])).toEqual([]);
  });

  // Round 63: with a RuleName repeated, which rule became which is not known: a second "daily" with continuous backup passed.
  test("a rule added under a RuleName the plan already has counts; the same rules reordered still pass", () => {
    const continuous = rule("daily", 1, { EnableContinuousBackup: true });
    expect(judged([stack(plan([daily]), plan([daily, continuous]))])).toEqual(BLOCKED);
    expect(judged([stack(plan([daily, continuous]), plan([daily, continuous]))])).toEqual([]);
  });

  test.each([
    ["DeleteAfterDays lowered", [daily], [rule("daily", 7)], 'rule "daily" Lifecycle.DeleteAfterDays 35 → 7: lowered'],
    ["DeleteAfterDays set where recovery points were kept forever", [rule("daily")], [rule("daily", 7)], 'rule "daily" Lifecycle.DeleteAfterDays (none) → 7: lowered'],
    ["a rule removed", [daily, rule("monthly", 365)], [daily], 'rule "monthly" is removed (no more recovery points from it)'],
    ["a rule's schedule changed", [daily], [rule("daily", 35, { ScheduleExpression: "cron(0 3 1 * ? *)" })], 'rule "daily" ScheduleExpression changed'],
    ["a rule's copy to another region dropped", [rule("daily", 35, { CopyActions: [{ DestinationBackupVaultArn: "arn:aws:backup:eu-west-1:111111111111:backup-vault:dr" }] })], [daily], 'rule "daily" CopyActions changed'],
    ["a rule added with continuous backup", [daily], [daily, rule("pitr", 1, { EnableContinuousBackup: true })], 'rule "pitr" is added with continuous backup'],
    ["the plan's advanced settings changed", [daily], [daily], "AdvancedBackupSettings changed"],
  ])("%s blocks, named", (_, before, after, says) => {
    const more = says.startsWith("AdvancedBackupSettings") ? { AdvancedBackupSettings: [{ ResourceType: "EC2", BackupOptions: { WindowsVSS: "disabled" } }] } : {};
    const [d] = weakened(plan(before), plan(after, more));
    expect(d).toContain(`Plan (AWS::Backup::BackupPlan) BackupPlan`);
    expect(d).toContain(says);
  });

  test("the Terraform twins agree: a rule added and a retention raised pass, a rule removed blocks", () => {
    const tf = (rules: Obj[]) => ({ name: "prod", version: "v1", rule: rules, advanced_backup_setting: [], tags: {} });
    const r = (name: string, days: number) => ({ rule_name: name, target_vault_name: "prod", schedule: "cron(0 3 * * ? *)", enable_continuous_backup: false, lifecycle: [{ delete_after: days, cold_storage_after: 0 }], copy_action: [] });
    const tfPlan = (a: Obj[], b: Obj[]) => judged([change("aws_backup_plan.prod", ["update"], tf(a), tf(b))]);
    expect(tfPlan([r("daily", 35)], [r("daily", 35), r("monthly", 365)])).toEqual([]);
    expect(tfPlan([r("daily", 35)], [r("daily", 90)])).toEqual([]);
    expect(tfPlan([r("daily", 35), r("monthly", 365)], [r("daily", 35)])).toEqual(["plan-backup-retention-lowered aws_backup_plan.prod"]);
  });

  test("rules computed whole (an Fn::If on a condition not known), changed, block", () => {
    const t = (days: number) =>
      tpl(
        { Plan: { Type: "AWS::Backup::BackupPlan", DeletionPolicy: "Retain", Properties: { BackupPlan: { BackupPlanName: "prod", BackupPlanRule: { "Fn::If": ["Home", [rule("daily", days)], [rule("daily", 1)]] } } } } },
        { Conditions: { Home: { "Fn::Equals": [{ Ref: "AWS::Region" }, "us-east-1"] } } },
      );
    expect(judged([stack(t(35), t(90))])).toEqual(BLOCKED);
  });
});

describe("RT61-5: a nested stack's template is read anew from S3 at every update of its parent", () => {
  const URL = "https://prod-templates.s3.us-east-1.amazonaws.com/data-tier.json";
  const nested = (url: unknown = URL, more: Obj = {}) => ({ Type: "AWS::CloudFormation::Stack", Properties: { TemplateURL: url, Parameters: { Env: "prod" } }, ...more });
  const queue = (team: string) => ({ ...QUEUE, Properties: { Tags: [{ Key: "team", Value: team }] } });
  const tags = (a: string, b: string): [Obj, Obj] => [{ tags: { cost: a } }, { tags: { cost: b } }];

  test("the red team's g2a and g2b: a queue's tag, or only the stack's tags, changed: blocked, saying how to pin", () => {
    const d = details([stack(tpl({ DataTier: nested(), Q: queue("a") }), tpl({ DataTier: nested(), Q: queue("b") }))]);
    expect(d).toContain(
      `the nested stack DataTier (AWS::CloudFormation::Stack) takes its template from "${URL}", which CloudFormation reads anew from S3 at this update: whatever that object holds now is applied, and what it drops is deleted, unseen by the plan; pin the version (TemplateURL ending ?versionId=<the object's version> in a versioned bucket), so that a new template comes only with a new URL the plan shows`,
    );
    const t = tpl({ DataTier: nested(), Q: queue("a") });
    expect(judged([stack(t, t, [{}, {}], tags("1", "2"))])).toEqual(BLOCKED);
  });

  test("a nested stack kept by DeletionPolicy Retain still counts: it is updated, not deleted, so its policy keeps nothing", () => {
    const t = tpl({ DataTier: nested(URL, { DeletionPolicy: "Retain", UpdateReplacePolicy: "Retain" }) });
    expect(judged([stack(t, t, [{}, {}], tags("1", "2"))])).toEqual(BLOCKED);
  });

  test("the controls: a URL that pins the object's version, written out or through Fn::Sub, or a nested stack whose Condition is false, passes", () => {
    const pinned = `${URL}?versionId=3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY`;
    const t = (n: Obj) => tpl({ DataTier: n, Q: queue("a") }, { Parameters: { Bucket: { Type: "String", Default: "prod-templates" } }, Conditions: { Never: { "Fn::Equals": ["a", "b"] } } });
    expect(judged([stack(t(nested(pinned)), t(nested(pinned)), [{}, {}], tags("1", "2"))])).toEqual([]);
    const sub = { "Fn::Sub": "https://${Bucket}.s3.us-east-1.amazonaws.com/data-tier.json?versionId=3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY" };
    expect(judged([stack(t(nested(sub)), t(nested(sub)), [{}, {}], tags("1", "2"))])).toEqual([]);
    expect(judged([stack(t(nested(URL, { Condition: "Never" })), t(nested(URL, { Condition: "Never" })), [{}, {}], tags("1", "2"))])).toEqual([]);
    expect(judged([stack(t(nested(`${URL}?versionId=null`)), t(nested(`${URL}?versionId=null`)), [{}, {}], tags("1", "2"))])).toEqual(BLOCKED);
  });

  // Red-team round 62: `versionId=` outside the URL's query is part of the object's key, whose current version anyone who can write it replaces.
  test("a versionId in the object's key (no ?), after a fragment, or in a second query, is no pin", () => {
    const t = (n: Obj) => tpl({ DataTier: n, Q: queue("a") });
    for (const url of [
      "https://prod-templates.s3.us-east-1.amazonaws.com/data-tier&versionId=3HL4kqtJlcpXroDTDmJ.json",
      `${URL}#?versionId=1`,
      `${URL}?a=1?versionId=1`,
      `${URL}?versionId=`,
    ]) {
      expect([url, judged([stack(t(nested(url)), t(nested(url)), [{}, {}], tags("1", "2"))])]).toEqual([url, BLOCKED]);
    }
    const pinnedAmongOthers = `${URL}?x-id=GetObject&versionId=3HL4kqtJlcpXroDTDmJ`;
    expect(judged([stack(t(nested(pinnedAmongOthers)), t(nested(pinnedAmongOthers)), [{}, {}], tags("1", "2"))])).toEqual([]);
  });

  test("a SAM application: one from an S3 URL counts; one of the Serverless Application Repository at a SemanticVersion passes", () => {
    const app = (location: unknown) => JSON.stringify({ Transform: "AWS::Serverless-2016-10-31", Resources: { App: { Type: "AWS::Serverless::Application", Properties: { Location: location } } } });
    const s3 = app("https://prod-templates.s3.us-east-1.amazonaws.com/app.yaml");
    expect(judged([stack(s3, s3, [{}, {}], tags("1", "2"))])).toEqual(BLOCKED);
    const sar = app({ ApplicationId: "arn:aws:serverlessrepo:us-east-1:111111111111:applications/data", SemanticVersion: "1.2.3" });
    expect(judged([stack(sar, sar, [{}, {}], tags("1", "2"))])).toEqual([]);
  });
});
