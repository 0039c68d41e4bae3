/**
 * plan-stack-template-drops-data and the template guards, red-team round 63: what CloudFormation reads anew at an
 * update, and the values of a template known only where the plan shows them.
 */
import { change } from "./helpers";
import { BLOCKED, details, judged, stack, tpl, type Obj } from "./template-stacks";

const TAGS: [Obj, Obj] = [{ tags: { team: "a" } }, { tags: { team: "b" } }];
const withTags = (extra: Obj): [Obj, Obj] => [{ ...TAGS[0], ...extra }, { ...TAGS[1], ...extra }];
const TABLE = { Type: "AWS::DynamoDB::Table", Properties: { TableName: "orders" } };

describe("RT63-F3: a top-level template_url is read anew from S3 at every update", () => {
  const URL = "https://templates-111111111111.s3.amazonaws.com/app.json";
  const t = tpl({ Orders: TABLE });

  test("the red team's f7a: a stack from an unpinned template_url whose tags change blocks", () => {
    expect(judged([stack(t, t, [{}, {}], withTags({ template_url: URL }))])).toEqual(BLOCKED);
    const d = details([stack(t, t, [{}, {}], withTags({ template_url: URL }))]);
    expect(d.some((x) => x.includes(`takes its template from template_url "${URL}", which CloudFormation reads anew from S3 at this update`))).toBe(true);
  });

  test("the red team's f7b: a stack set from an unpinned template_url whose tags change blocks; so do awscc stacks and stack sets", () => {
    for (const type of ["aws_cloudformation_stack_set", "awscc_cloudformation_stack", "awscc_cloudformation_stack_set"]) {
      const c = change(`${type}.data`, ["update"], { name: "data", template_body: t, template_url: URL, parameters: {}, tags: { a: "1" } }, { name: "data", template_body: t, template_url: URL, parameters: {}, tags: { a: "2" } });
      expect(judged([c])).toEqual([`plan-stack-template-drops-data ${type}.data`]);
    }
  });

  test("the controls: a pinned template_url, or none, with the same tag change passes", () => {
    expect(judged([stack(t, t, [{}, {}], withTags({ template_url: `${URL}?versionId=3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY` }))])).toEqual([]);
    expect(judged([stack(t, t, [{}, {}], withTags({ template_url: null }))])).toEqual([]);
    expect(judged([stack(t, t, [{}, {}], TAGS)])).toEqual([]);
  });
});

describe("RT63-F2: a parameter known only after apply is not read as its Default", () => {
  const db = { Type: "AWS::RDS::DBInstance", DeletionPolicy: "Retain", Properties: { DBInstanceIdentifier: "db", BackupRetentionPeriod: { Ref: "RetentionDays" } } };
  const t = tpl({ Db: db }, { Parameters: { RetentionDays: { Type: "Number", Default: "35" } } });
  const unknownKey = (after: Obj) => {
    const c = stack(t, t, [{ RetentionDays: "35" }, after]);
    (c.change as Obj).after_unknown = { parameters: { RetentionDays: true } };
    return c;
  };

  test("the red team's f6a and f6b: the key null, or left out, and marked unknown blocks as a retention that may be lowered", () => {
    for (const after of [{ RetentionDays: null }, {}]) {
      const d = details([unknownKey(after)]);
      expect(d.some((x) => x.includes("BackupRetentionPeriod") && x.includes("parameter RetentionDays, known only after apply"))).toBe(true);
    }
  });

  test("the control: the key known and unchanged, or a key of another name unknown, passes", () => {
    expect(judged([stack(t, t, [{ RetentionDays: "35" }, { RetentionDays: "35" }])])).toEqual([]);
    const c = stack(t, t, [{ RetentionDays: "35", Other: "a" }, { RetentionDays: "35", Other: null }]);
    (c.change as Obj).after_unknown = { parameters: { Other: true } };
    expect(judged([c])).toEqual([]);
  });

  test("a stack set instance's override known only after apply is not the Default either", () => {
    const set = change("aws_cloudformation_stack_set.data", ["no-op"], { name: "data", template_body: t, parameters: {} }, { name: "data", template_body: t, parameters: {} });
    const inst = change("aws_cloudformation_stack_set_instance.i", ["update"], { stack_set_name: "data", parameter_overrides: { RetentionDays: "35" } }, { stack_set_name: "data", parameter_overrides: { RetentionDays: null } });
    (inst.change as Obj).after_unknown = { parameter_overrides: { RetentionDays: true } };
    expect(details([set, inst]).some((x) => x.includes("parameter RetentionDays, known only after apply"))).toBe(true);
    const known = change("aws_cloudformation_stack_set_instance.i", ["update"], { stack_set_name: "data", parameter_overrides: { RetentionDays: "35", X: "1" } }, { stack_set_name: "data", parameter_overrides: { RetentionDays: "35", X: "2" } });
    expect(judged([set, known])).toEqual([]);
  });
});

describe("RT63-F1: the resources Fn::ForEach makes are seen at updates of parameters or tags alone", () => {
  const loop = (collection: unknown, fragment: Obj) => ({ "Fn::ForEach::Tbl": ["Name", collection, fragment] });
  const table = { Type: "AWS::DynamoDB::Table", Properties: { TableName: { "Fn::Sub": "${Name}" } } };
  const lx = (resources: Obj, extra: Obj = {}) => tpl(resources, { Transform: "AWS::LanguageExtensions", ...extra });
  const P = { Parameters: { Tables: { Type: "CommaDelimitedList" }, Team: { Type: "String" } } };

  test("the red team's f1a: a collection parameter that loses a value blocks", () => {
    const t = lx(loop({ Ref: "Tables" }, { "Table${Name}": table }), P);
    const d = details([stack(t, t, [{ Tables: "orders,payments" }, { Tables: "orders" }])]);
    expect(d.some((x) => x.includes("Fn::ForEach::Tbl (AWS::LanguageExtensions) makes its resources from them"))).toBe(true);
  });

  test("a collection read from SSM at deploy time counts at any update; a written-out one does not", () => {
    const ssm = lx(loop({ Ref: "Tables" }, { "Table${Name}": table }), { Parameters: { Tables: { Type: "AWS::SSM::Parameter::Value<List<String>>", Default: "/app/tables" } } });
    expect(judged([stack(ssm, ssm, [{}, {}], TAGS)])).toEqual(BLOCKED);
    const fixed = lx(loop(["orders", "payments"], { "Table${Name}": table }));
    expect(judged([stack(fixed, fixed, [{}, {}], TAGS)])).toEqual([]);
  });

  test("the control: another parameter changes, or the collection's parameter keeps its values, passes", () => {
    const t = lx(loop({ Ref: "Tables" }, { "Table${Name}": table }), P);
    expect(judged([stack(t, t, [{ Tables: "orders", Team: "a" }, { Tables: "orders", Team: "b" }])])).toEqual([]);
  });

  test("a resource in the fragment is judged as one written out: a Condition on a changed parameter blocks", () => {
    const t = lx(loop(["orders"], { "Table${Name}": { ...table, Condition: "Keep" } }), { ...P, Conditions: { Keep: { "Fn::Equals": [{ Ref: "Team" }, "a"] } } });
    expect(judged([stack(t, t, [{ Team: "a" }, { Team: "b" }])])).toEqual(BLOCKED);
  });

  test("the red team's f1b: nested stacks a loop makes, from unpinned URLs, count at a tag change; pinned ones do not", () => {
    const nested = (url: unknown) => lx({ "Fn::ForEach::Tier": ["T", ["data", "audit"], { "Stack${T}": { Type: "AWS::CloudFormation::Stack", Properties: { TemplateURL: url } } }] });
    const unpinned = nested({ "Fn::Sub": "https://templates-111111111111.s3.amazonaws.com/${T}-tier.json" });
    expect(judged([stack(unpinned, unpinned, [{}, {}], TAGS)])).toEqual(BLOCKED);
    const pinned = nested("https://templates-111111111111.s3.amazonaws.com/tier.json?versionId=3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY");
    expect(judged([stack(pinned, pinned, [{}, {}], TAGS)])).toEqual([]);
  });
});

describe("RT63-F4: a stack set is read with each instance's parameter overrides", () => {
  const P = { Parameters: { Env: { Type: "String" } }, Conditions: { IsProd: { "Fn::Equals": [{ Ref: "Env" }, "production"] } } };
  const table = (pitr: unknown) => ({ Type: "AWS::DynamoDB::Table", DeletionPolicy: "Retain", Properties: { TableName: "t", PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: pitr } } });
  const set = (before: string, after: string, extra: [Obj, Obj] = [{}, {}]) =>
    change("aws_cloudformation_stack_set.data", ["update"], { name: "data", template_body: before, parameters: { Env: "production" }, ...extra[0] }, { name: "data", template_body: after, parameters: { Env: "production" }, ...extra[1] });
  const instance = (env: string, set = "data") => change("aws_cloudformation_stack_set_instance.sandbox", ["no-op"], { stack_set_name: set, parameter_overrides: { Env: env } }, { stack_set_name: set, parameter_overrides: { Env: env } });
  const SET = ["plan-stack-template-drops-data aws_cloudformation_stack_set.data"];

  test("the red team's f2a: PITR switched off where an instance's override makes the condition false blocks", () => {
    const c = set(tpl({ T: table(true) }, P), tpl({ T: table({ "Fn::If": ["IsProd", true, false] }) }, P));
    expect(judged([c, instance("sandbox")])).toEqual(SET);
    // Red-team round 64 (RT64-2): an instance outside the plan may override Env, so with none in the plan, or only
    // others, it counts too (these were passing controls, the bypass that round found).
    expect(judged([c])).toEqual(SET);
    expect(judged([c, instance("production")])).toEqual(SET);
    expect(judged([c, instance("sandbox", "other")])).toEqual(SET);
  });

  test("the red team's f4a: an unpinned nested stack under a condition true only for an instance's override counts at a tag change", () => {
    const t = tpl({ N: { Type: "AWS::CloudFormation::Stack", Condition: "IsProd", Properties: { TemplateURL: "https://b.s3.amazonaws.com/n.json" } } }, P);
    const c = set(t, t, [{ tags: { a: "1" } }, { tags: { a: "2" } }]);
    (c.change as { before: Obj; after: Obj }).before.parameters = { Env: "dev" };
    (c.change as { before: Obj; after: Obj }).after.parameters = { Env: "dev" };
    // Red-team round 64 (RT64-2): an instance outside the plan may override Env, so this counts with none in the plan.
    expect(judged([c])).toEqual(SET);
    expect(judged([c, instance("production")])).toEqual(SET);
    const groups = (env: string) => [{ regions: ["eu-west-1"], deployment_targets: { accounts: ["222222222222"] }, parameter_overrides: [{ parameter_key: "Env", parameter_value: env }] }];
    const awscc = (env: string) =>
      change("awscc_cloudformation_stack_set.data", ["update"], { template_body: t, parameters: [{ parameter_key: "Env", parameter_value: "dev" }], stack_instances_group: groups(env), tags: [{ key: "a", value: "1" }] }, { template_body: t, parameters: [{ parameter_key: "Env", parameter_value: "dev" }], stack_instances_group: groups(env), tags: [{ key: "a", value: "2" }] });
    expect(judged([awscc("production")])).toEqual(["plan-stack-template-drops-data awscc_cloudformation_stack_set.data"]);
    // Round 65: a Cloud Control stack set's instances outside the plan may override Env too, as an aws stack set's may
    // (round 64), so the nested stack may be present for one of them: the old control now blocks.
    expect(judged([awscc("dev")])).toEqual(["plan-stack-template-drops-data awscc_cloudformation_stack_set.data"]);
  });
});

describe("RT63-F6: cross-region copies switched off in a template count, as their Terraform twins' destroy does", () => {
  const cases: [string, Obj, Obj][] = [
    ["AWS::Redshift::Cluster", { ClusterIdentifier: "dw", DestinationRegion: "us-west-2", SnapshotCopyRetentionPeriod: 7 }, { ClusterIdentifier: "dw" }],
    ["AWS::RDS::DBInstance", { DBInstanceIdentifier: "db", AutomaticBackupReplicationRegion: "us-west-2" }, { DBInstanceIdentifier: "db" }],
    ["AWS::EFS::FileSystem", { ReplicationConfiguration: { Destinations: [{ Region: "us-west-2" }] } }, {}],
    ["AWS::EFS::FileSystem", { ReplicationConfiguration: { Destinations: [{ Region: "us-west-2" }] } }, { ReplicationConfiguration: { Destinations: [{ Region: "eu-west-1" }] } }],
  ];
  test.each(cases)("the red team's f5: %s losing its copy blocks, and the unchanged template passes", (type, before, after) => {
    const t = (p: Obj) => tpl({ R: { Type: type, DeletionPolicy: "Retain", Properties: p } });
    expect(judged([stack(t(before), t(after))])).toEqual(BLOCKED);
    expect(judged([stack(t(before), t(before), [{}, {}], TAGS)])).toEqual([]);
  });

  test("the control: a copy first configured passes (Redshift and RDS)", () => {
    for (const [type, before, after] of cases.slice(0, 2)) {
      const t = (p: Obj) => tpl({ R: { Type: type, DeletionPolicy: "Retain", Properties: p } });
      expect(judged([stack(t(after), t(before))])).toEqual([]);
    }
  });
});

describe("RT63-F5: AWS::NotificationARNs is the stack's notification_arns, read anew when they change", () => {
  const HAS = { HasNotif: { "Fn::Not": [{ "Fn::Equals": [{ "Fn::Join": ["", { Ref: "AWS::NotificationARNs" }] }, ""] }] } };
  const guarded = tpl({ Audit: { ...TABLE, Condition: "HasNotif" } }, { Conditions: HAS });
  const TOPIC = "arn:aws:sns:us-east-1:111111111111:stack-events";

  test("the red team's f3a: the template unchanged, notification_arns emptied: blocked, naming the list", () => {
    const c = stack(guarded, guarded, [{}, {}], [{ notification_arns: [TOPIC] }, { notification_arns: [] }]);
    expect(judged([c])).toEqual(BLOCKED);
    // Since red-team round 64 it is judged as a changed parameter, so the finding names the resource that reads it.
    expect(details([c]).some((d) => d.includes(`notification_arns change (["${TOPIC}"] → []), which the template reads as AWS::NotificationARNs, and Audit (AWS::DynamoDB::Table) exists only under the condition "HasNotif"`))).toBe(true);
  });

  test("the controls: a template that does not read it, or the same list in another order, passes", () => {
    const plain = tpl({ Audit: TABLE });
    expect(judged([stack(plain, plain, [{}, {}], [{ notification_arns: [TOPIC] }, { notification_arns: [] }])])).toEqual([]);
    const other = "arn:aws:sns:us-east-1:111111111111:other";
    expect(judged([stack(guarded, guarded, [{}, {}], [{ notification_arns: [TOPIC, other] }, { notification_arns: [other, TOPIC] }])])).toEqual([]);
  });
});

describe("round 65: a Cloud Control stack set is read as its instances elsewhere may override its parameters", () => {
  const table = (pitr: unknown) => tpl({ Orders: { ...TABLE, DeletionPolicy: "Retain", Properties: { TableName: "orders", PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: pitr } } } }, { Parameters: { Env: { Type: "String", Default: "production" } }, Conditions: { IsProd: { "Fn::Equals": [{ Ref: "Env" }, "production"] } } });
  const set = (before: string, after: string) =>
    change("awscc_cloudformation_stack_set.data", ["update"], { stack_set_name: "data", template_body: before, parameters: [{ parameter_key: "Env", parameter_value: "production" }], stack_instances_group: [] }, { stack_set_name: "data", template_body: after, parameters: [{ parameter_key: "Env", parameter_value: "production" }], stack_instances_group: [] });

  test("PITR made to depend on Env blocks, as for an aws stack set; the same template unchanged passes", () => {
    expect(judged([set(table(true), table({ "Fn::If": ["IsProd", true, false] }))])).toEqual(["plan-stack-template-drops-data awscc_cloudformation_stack_set.data"]);
    expect(judged([set(table(true), table(true))])).toEqual([]);
  });
});

describe("round 65: a setting computed from a condition Fn::ForEach makes is judged when the parameters change", () => {
  const t = tpl(
    { Orders: { ...TABLE, DeletionPolicy: "Retain", Properties: { TableName: "orders", DeletionProtectionEnabled: { "Fn::If": ["IsProd", true, false] } } } },
    {
      Transform: "AWS::LanguageExtensions",
      Parameters: { Env: { Type: "String" } },
      Conditions: { "Fn::ForEach::Envs": ["E", ["Prod", "Dev"], { "Is${E}": { "Fn::Equals": [{ Ref: "Env" }, { Ref: "E" }] } }] },
    },
  );

  test("Env Prod → Dev blocks; the same parameters with only a tag changed pass", () => {
    expect(judged([stack(t, t, [{ Env: "Prod" }, { Env: "Dev" }])])).toEqual(BLOCKED);
    expect(judged([stack(t, t, [{ Env: "Prod" }, { Env: "Prod" }], [{ tags: { a: "1" } }, { tags: { a: "2" } }])])).toEqual([]);
  });
});

describe("round 65: RDS backup replication retention left out takes BackupRetentionPeriod", () => {
  const db = (extra: Obj) => tpl({ Db: { Type: "AWS::RDS::DBInstance", DeletionPolicy: "Retain", Properties: { DBInstanceClass: "db.t3.micro", Engine: "postgres", BackupRetentionPeriod: 35, ...extra } } });
  const region = { AutomaticBackupReplicationRegion: "us-west-2" };

  test("left out → 1, or 35 → left out, blocks; 35 → 90 passes; replication first configured with a retention passes", () => {
    expect(judged([stack(db(region), db({ ...region, AutomaticBackupReplicationRetentionPeriod: 1 }))])).toEqual(BLOCKED);
    expect(judged([stack(db({ ...region, AutomaticBackupReplicationRetentionPeriod: 35 }), db(region))])).toEqual(BLOCKED);
    expect(judged([stack(db({ ...region, AutomaticBackupReplicationRetentionPeriod: 35 }), db({ ...region, AutomaticBackupReplicationRetentionPeriod: 90 }))])).toEqual([]);
    expect(judged([stack(db({}), db({ ...region, AutomaticBackupReplicationRetentionPeriod: 7 }))])).toEqual([]);
  });
});
