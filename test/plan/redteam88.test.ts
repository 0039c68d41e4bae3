/**
 * Red-team round 88: destroys and weakenings of data the plan gate let through. Each plan is the red-team's shape
 * reduced to the change that matters, beside a control that must still pass.
 */
import { evaluatePlan } from "../../lib/plan/evaluate";
import { readPlan } from "../../lib/plan/read-plan";
import { change, minimalPlan, tempDir, writeTemp } from "./helpers";

type Obj = Record<string, unknown>;

/** The errors of a plan of these changes, as `ruleId address`. */
function errors(changes: unknown[], extra: Obj = {}): string[] {
  const ev = evaluatePlan(readPlan(writeTemp(tempDir(), "plan.json", JSON.stringify(minimalPlan(changes, extra)))), { config: {} });
  return ev.judged.map((j) => j.finding).filter((f) => f.severity === "error").map((f) => `${f.ruleId} ${f.resource}`).sort();
}

/** The messages of the errors of a plan of these changes. */
function messages(changes: unknown[]): string[] {
  const ev = evaluatePlan(readPlan(writeTemp(tempDir(), "plan.json", JSON.stringify(minimalPlan(changes)))), { config: {} });
  return ev.judged.map((j) => j.finding).filter((f) => f.severity === "error").map((f) => f.message);
}

/** A change of the Cloud Control provider. */
function cc(address: string, actions: string[], before: unknown, after: unknown, extra: Obj = {}): Obj {
  return { ...change(address, actions, before, after, extra), provider_name: "registry.terraform.io/hashicorp/awscc" };
}

const PROTECTED = [{ key: "blastwall:protected", value: "true" }];

describe("the blastwall:protected tag in the Cloud Control provider's list of { key, value } (finding 1)", () => {
  // awscc_ec2_instance is no protected type: only the tag protects it.
  const vm = (tags: unknown) => ({ instance_type: "t3.micro", tags });

  test("a destroy of a resource tagged in the list is a protected delete", () => {
    expect(errors([cc("awscc_ec2_instance.db", ["delete"], vm([{ key: "team", value: "a" }, ...PROTECTED]), null)])).toEqual(["plan-protected-delete awscc_ec2_instance.db"]);
    expect(messages([cc("awscc_ec2_instance.db", ["delete"], vm(PROTECTED), null)])[0]).toContain('Protected because it is tagged blastwall:protected = "true"');
  });

  test("an update that takes the tag out of the list (or the list away) removes the protection", () => {
    expect(errors([cc("awscc_ec2_instance.db", ["update"], vm(PROTECTED), vm(null))])).toEqual(["plan-protected-tag-removed awscc_ec2_instance.db"]);
    expect(errors([cc("awscc_ec2_instance.db", ["update"], vm(PROTECTED), vm([{ key: "blastwall:protected", value: "false" }]))])).toEqual(["plan-protected-tag-removed awscc_ec2_instance.db"]);
  });

  test("control: the tag kept in the list, another tag changed, or an untagged resource destroyed, passes", () => {
    expect(errors([cc("awscc_ec2_instance.db", ["update"], vm([...PROTECTED, { key: "team", value: "a" }]), vm([{ key: "team", value: "b" }, ...PROTECTED]))])).toEqual([]);
    expect(errors([cc("awscc_ec2_instance.db", ["delete"], vm([{ key: "team", value: "a" }]), null)])).toEqual([]);
  });
});

describe("a Serverless Application Repository stack is a CloudFormation stack (finding 2)", () => {
  const SAR = "aws_serverlessapplicationrepository_cloudformation_stack.db";
  const stack = (version: string, parameters: Obj, app = "orders-db") => ({
    name: "serverlessrepo-orders-db",
    application_id: `arn:aws:serverlessrepo:us-east-1:123456789012:applications/${app}`,
    semantic_version: version,
    capabilities: ["CAPABILITY_IAM"],
    parameters,
    tags: {},
  });

  test("its destroy, and a replace, delete every resource of the stack", () => {
    expect(errors([change(SAR, ["delete"], stack("1.0.0", {}), null)])).toEqual([`plan-protected-delete ${SAR}`]);
    expect(errors([change(SAR, ["delete", "create"], stack("1.0.0", {}), stack("1.0.0", {}, "other"), { action_reason: "replace_because_cannot_update" })])).toEqual([`plan-protected-delete ${SAR}`]);
  });

  test("an update to another semantic_version or parameters deploys a template blastwall cannot read", () => {
    const id = `plan-stack-template-drops-data ${SAR}`;
    expect(errors([change(SAR, ["update"], stack("1.0.0", { TableName: "orders" }), stack("2.0.0", { TableName: "orders" }))])).toEqual([id]);
    expect(errors([change(SAR, ["update"], stack("1.0.0", { TableName: "orders" }), stack("1.0.0", { TableName: "orders-v2" }))])).toEqual([id]);
    const unknown = change(SAR, ["update"], stack("1.0.0", {}), { ...stack("1.0.0", {}), semantic_version: null });
    (unknown.change as Obj).after_unknown = { semantic_version: true };
    expect(errors([unknown])).toEqual([id]);
    const [message] = messages([change(SAR, ["update"], stack("1.0.0", {}), stack("2.0.0", {}))]);
    expect(message).toContain(`The plan updates the Serverless Application Repository stack ${SAR} to another application version or parameters (semantic_version "1.0.0" → "2.0.0")`);
    expect(message).toContain("blastwall cannot read that template");
  });

  test("control: an update of its tags or capabilities alone keeps the version and parameters, and passes", () => {
    expect(errors([change(SAR, ["update"], stack("1.0.0", { TableName: "orders" }), { ...stack("1.0.0", { TableName: "orders" }), tags: { team: "a" }, capabilities: ["CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"] })])).toEqual([]);
  });
});

describe("the Cloud Control twins of protected aws types (finding 3), and Payment Cryptography keys (finding 4)", () => {
  const twins: [string, string][] = [
    ["awscc_lightsail_disk", "aws_lightsail_disk"],
    ["awscc_lightsail_instance", "aws_lightsail_instance"],
    ["awscc_codeartifact_repository", "aws_codeartifact_repository"],
    ["awscc_codecommit_repository", "aws_codecommit_repository"],
    ["awscc_ecr_public_repository", "aws_ecrpublic_repository"],
    ["awscc_aps_workspace", "aws_prometheus_workspace"],
    ["awscc_neptunegraph_graph", "aws_neptunegraph_graph"],
    ["awscc_timestream_influx_db_instance", "aws_timestreaminfluxdb_db_instance"],
    ["awscc_timestream_influx_db_cluster", "aws_timestreaminfluxdb_db_cluster"],
    ["awscc_directoryservice_simple_ad", "aws_directory_service_directory"],
    ["awscc_directoryservice_microsoft_ad", "aws_directory_service_directory"],
    ["awscc_sagemaker_notebook_instance", "aws_sagemaker_notebook_instance"],
    ["awscc_logs_log_stream", "aws_cloudwatch_log_stream"],
    ["awscc_redshiftserverless_snapshot", "aws_redshiftserverless_snapshot"],
    ["awscc_s3outposts_bucket", "aws_s3control_bucket"],
    ["awscc_secretsmanager_resource_policy", "aws_secretsmanager_secret_policy"],
    ["awscc_servicecatalog_cloudformation_provisioned_product", "aws_servicecatalog_provisioned_product"],
    ["awscc_paymentcryptography_key", "aws_paymentcryptography_key"],
  ];

  test.each(twins)("a destroy of %s is a protected delete, as of %s", (type, aws) => {
    const changes = [cc(`${type}.x`, ["delete"], { id: "x" }, null, { action_reason: "delete_because_no_resource_config" })];
    expect(errors(changes)).toEqual([`plan-protected-delete ${type}.x`]);
    expect(messages(changes)[0]).toContain(`Protected because ${type} is a protected type`);
    expect(errors([change(`${aws}.x`, ["delete"], { id: "x" }, null)])).toEqual([`plan-protected-delete ${aws}.x`]);
  });

  test("a replace inside a module counts the same (the red-team's Lightsail disk)", () => {
    const disk = { disk_name: "data", size_in_gb: 512, availability_zone: "us-east-1a" };
    expect(errors([cc("module.app.awscc_lightsail_disk.data", ["delete", "create"], disk, { ...disk, availability_zone: "us-east-1b" }, { replace_paths: [["availability_zone"]] })])).toEqual([
      "plan-protected-delete module.app.awscc_lightsail_disk.data",
    ]);
  });

  test("control: an in-place update of one, and a destroy of an awscc type that holds no data, pass", () => {
    const disk = { disk_name: "data", size_in_gb: 512 };
    expect(errors([cc("awscc_lightsail_disk.data", ["update"], disk, { ...disk, size_in_gb: 1024 })])).toEqual([]);
    expect(errors([cc("awscc_lightsail_static_ip.ip", ["delete"], { static_ip_name: "ip" }, null)])).toEqual([]);
    expect(errors([change("aws_paymentcryptography_key.k", ["update"], { enabled: true, deletion_window_in_days: 7, tags: {} }, { enabled: true, deletion_window_in_days: 7, tags: { team: "a" } })])).toEqual([]);
  });
});

describe("deletion windows of Payment Cryptography keys, Cloud Control KMS keys and private CAs (findings 4, 6, 7)", () => {
  const WINDOW = "plan-kms-deletion-window-shortened";
  const cases: [string, string, number, number, boolean][] = [
    // type, attribute, before, after, Cloud Control
    ["aws_paymentcryptography_key", "deletion_window_in_days", 30, 3, false],
    ["awscc_kms_key", "pending_window_in_days", 30, 7, true],
    ["awscc_kms_replica_key", "pending_window_in_days", 30, 7, true],
    ["aws_acmpca_certificate_authority", "permanent_deletion_time_in_days", 30, 7, false],
  ];

  test.each(cases)("%s: %s lowered is a shortened deletion window", (type, attribute, from, to, isCc) => {
    const make = isCc ? cc : change;
    const rc = make(`${type}.k`, ["update"], { [attribute]: from }, { [attribute]: to });
    expect(errors([rc])).toEqual([`${WINDOW} ${type}.k`]);
    expect(messages([rc])[0]).toBe(`The plan shortens the deletion window of ${type}.k: ${attribute} ${from} → ${to}, so a later destroy deletes it, and leaves what it protects unrecoverable, sooner.`);
  });

  test("unset counts as the service default: a Payment Cryptography key's 7 days, a Cloud Control KMS key's 30", () => {
    expect(errors([change("aws_paymentcryptography_key.k", ["update"], { deletion_window_in_days: null }, { deletion_window_in_days: 3 })])).toEqual([`${WINDOW} aws_paymentcryptography_key.k`]);
    expect(errors([cc("awscc_kms_key.k", ["update"], { pending_window_in_days: null }, { pending_window_in_days: 10 })])).toEqual([`${WINDOW} awscc_kms_key.k`]);
  });

  test("a key switched off in place is a guardrail change: the Cloud Control KMS key and the Payment Cryptography key", () => {
    expect(errors([cc("awscc_kms_key.k", ["update"], { enabled: true, pending_window_in_days: 30 }, { enabled: false, pending_window_in_days: 30 })])).toEqual(["plan-guardrail-changed awscc_kms_key.k"]);
    expect(errors([change("aws_paymentcryptography_key.k", ["update"], { enabled: true }, { enabled: false })])).toEqual(["plan-guardrail-changed aws_paymentcryptography_key.k"]);
  });

  test("control: a window raised or kept, and a key switched on, pass", () => {
    expect(errors([change("aws_paymentcryptography_key.k", ["update"], { deletion_window_in_days: 7, enabled: false }, { deletion_window_in_days: 30, enabled: true })])).toEqual([]);
    expect(errors([cc("awscc_kms_key.k", ["update"], { pending_window_in_days: 7, enabled: true, description: "a" }, { pending_window_in_days: 30, enabled: true, description: "b" })])).toEqual([]);
    expect(errors([change("aws_acmpca_certificate_authority.ca", ["update"], { permanent_deletion_time_in_days: 30, enabled: true }, { permanent_deletion_time_in_days: 30, enabled: true, tags: { a: "b" } })])).toEqual([]);
  });
});

describe("a Payment Cryptography key switched off in a CloudFormation template (finding 4's template twin)", () => {
  const tpl = (enabled: boolean) => JSON.stringify({ Resources: { Pin: { Type: "AWS::PaymentCryptography::Key", Properties: { Enabled: enabled, Exportable: true } } } });
  const stack = (before: boolean, after: boolean) => change("aws_cloudformation_stack.app", ["update"], { name: "app", template_body: tpl(before), parameters: {} }, { name: "app", template_body: tpl(after), parameters: {} });

  test("Enabled true → false weakens the key in place", () => {
    expect(errors([stack(true, false)])).toEqual(["plan-stack-template-drops-data aws_cloudformation_stack.app"]);
  });

  test("control: Enabled false → true passes", () => {
    expect(errors([stack(false, true)])).toEqual([]);
  });
});

describe("an EMR cluster's termination protection (finding 5)", () => {
  const emr = (on: boolean) => ({ name: "hdfs", termination_protection: on, keep_job_flow_alive_when_no_steps: true, tags: {} });

  test("termination_protection true → false turns deletion protection off", () => {
    expect(errors([change("aws_emr_cluster.hdfs", ["update"], emr(true), emr(false))])).toEqual(["plan-deletion-protection-off aws_emr_cluster.hdfs"]);
    expect(messages([change("aws_emr_cluster.hdfs", ["update"], emr(true), emr(false))])[0]).toBe("The plan turns deletion protection off on aws_emr_cluster.hdfs: termination_protection true → false.");
  });

  test("in a template, Instances.TerminationProtected true → false counts the same", () => {
    const tpl = (on: boolean) => JSON.stringify({ Resources: { Hdfs: { Type: "AWS::EMR::Cluster", Properties: { Name: "hdfs", Instances: { TerminationProtected: on } } } } });
    const stack = (a: boolean, b: boolean) => change("aws_cloudformation_stack.app", ["update"], { name: "app", template_body: tpl(a), parameters: {} }, { name: "app", template_body: tpl(b), parameters: {} });
    expect(errors([stack(true, false)])).toEqual(["plan-stack-template-drops-data aws_cloudformation_stack.app"]);
    expect(errors([stack(false, true)])).toEqual([]);
  });

  test("control: termination protection turned on, or kept on, passes", () => {
    expect(errors([change("aws_emr_cluster.hdfs", ["update"], emr(false), emr(true))])).toEqual([]);
    expect(errors([change("aws_emr_cluster.hdfs", ["update"], emr(true), { ...emr(true), tags: { a: "b" } })])).toEqual([]);
  });
});

describe("in-place weakening through the Cloud Control provider (finding 6)", () => {
  test("awscc_s3_bucket versioning_configuration.status Enabled → Suspended suspends versioning", () => {
    const bucket = (status: string) => ({ bucket_name: "b", versioning_configuration: { status } });
    expect(errors([cc("awscc_s3_bucket.b", ["update"], bucket("Enabled"), bucket("Suspended"))])).toEqual(["plan-versioning-suspended awscc_s3_bucket.b"]);
    expect(messages([cc("awscc_s3_bucket.b", ["update"], bucket("Enabled"), bucket("Suspended"))])[0]).toBe('The plan suspends versioning protection on awscc_s3_bucket.b: versioning_configuration.status "Enabled" → "Suspended".');
    expect(errors([cc("awscc_s3_bucket.b", ["update"], bucket("Suspended"), bucket("Enabled"))])).toEqual([]);
  });

  test("awscc_dynamodb_table point-in-time recovery true → false lowers backup retention", () => {
    const table = (on: boolean) => ({ table_name: "t", deletion_protection_enabled: true, point_in_time_recovery_specification: { point_in_time_recovery_enabled: on } });
    expect(errors([cc("awscc_dynamodb_table.t", ["update"], table(true), table(false))])).toEqual(["plan-backup-retention-lowered awscc_dynamodb_table.t"]);
    expect(messages([cc("awscc_dynamodb_table.t", ["update"], table(true), table(false))])[0]).toContain("point_in_time_recovery_specification.point_in_time_recovery_enabled true → false");
    expect(errors([cc("awscc_dynamodb_table.t", ["update"], table(false), table(true))])).toEqual([]);
  });

  test("the red-team's Cloud Control KMS key: the window shortened and the key switched off", () => {
    const key = (days: number, enabled: boolean) => ({ pending_window_in_days: days, enabled, key_policy: "{}" });
    expect(errors([cc("awscc_kms_key.x", ["update"], key(30, true), key(7, false))])).toEqual(["plan-guardrail-changed awscc_kms_key.x", "plan-kms-deletion-window-shortened awscc_kms_key.x"]);
    expect(errors([cc("awscc_kms_key.x", ["update"], key(7, false), key(30, true))])).toEqual([]);
  });
});

describe("destroys that delete data elsewhere (finding 7)", () => {
  const ds = (policy: string | null) => ({ name: "docs", knowledge_base_id: "KB123", data_deletion_policy: policy, data_source_id: "DS1" });
  const eb = (settings: Obj[]) => ({ name: "prod", setting: settings.map((s) => ({ resource: "", ...s })) });
  const rds = (name: string, value: string) => ({ namespace: "aws:rds:dbinstance", name, value });
  const space = (settings: Obj) => ({ domain_id: "d-1", space_name: "s", space_settings: [settings] });

  test("a knowledge base data source with data_deletion_policy DELETE (or unset, AWS's default): its destroy deletes the vectors", () => {
    expect(errors([change("aws_bedrockagent_data_source.docs", ["delete"], ds("DELETE"), null)])).toEqual(["plan-protected-delete aws_bedrockagent_data_source.docs"]);
    expect(errors([change("aws_bedrockagent_data_source.docs", ["delete"], ds(null), null)])).toEqual(["plan-protected-delete aws_bedrockagent_data_source.docs"]);
    expect(errors([cc("awscc_bedrock_data_source.docs", ["delete"], ds("DELETE"), null)])).toEqual(["plan-protected-delete awscc_bedrock_data_source.docs"]);
    expect(messages([change("aws_bedrockagent_data_source.docs", ["delete"], ds("DELETE"), null)])[0]).toContain('Protected because its destroy deletes data (with data_deletion_policy "DELETE", AWS\'s default)');
  });

  test("an Elastic Beanstalk environment with DBDeletionPolicy Delete: its destroy deletes the coupled database", () => {
    const env = eb([rds("HasCoupledDatabase", "true"), rds("DBDeletionPolicy", "Delete")]);
    expect(errors([change("aws_elastic_beanstalk_environment.prod", ["delete"], env, null)])).toEqual(["plan-protected-delete aws_elastic_beanstalk_environment.prod"]);
    // Read from all_settings too, where the provider keeps what the environment holds.
    expect(errors([change("aws_elastic_beanstalk_environment.prod", ["delete"], { name: "prod", setting: [], all_settings: [rds("DBDeletionPolicy", "Delete")] }, null)])).toEqual(["plan-protected-delete aws_elastic_beanstalk_environment.prod"]);
  });

  test("a SageMaker Studio space of JupyterLab or Code Editor, or with EBS storage: its destroy deletes the space's volume", () => {
    expect(errors([change("aws_sagemaker_space.s", ["delete"], space({ app_type: "JupyterLab" }), null)])).toEqual(["plan-protected-delete aws_sagemaker_space.s"]);
    expect(errors([change("aws_sagemaker_space.s", ["delete"], space({ space_storage_settings: [{ ebs_storage_settings: [{ ebs_volume_size_in_gb: 100 }] }] }), null)])).toEqual(["plan-protected-delete aws_sagemaker_space.s"]);
    expect(errors([cc("awscc_sagemaker_space.s", ["delete"], { domain_id: "d-1", space_name: "s", space_settings: { app_type: "CodeEditor" } }, null)])).toEqual(["plan-protected-delete awscc_sagemaker_space.s"]);
  });

  test("the settings turned that way in place let the next destroy delete the data", () => {
    expect(errors([change("aws_bedrockagent_data_source.docs", ["update"], ds("RETAIN"), ds("DELETE"))])).toEqual(["plan-force-destroy-on aws_bedrockagent_data_source.docs"]);
    expect(errors([change("aws_elastic_beanstalk_environment.prod", ["update"], eb([rds("DBDeletionPolicy", "Snapshot")]), eb([rds("DBDeletionPolicy", "Delete")]))])).toEqual(["plan-force-destroy-on aws_elastic_beanstalk_environment.prod"]);
    expect(messages([change("aws_elastic_beanstalk_environment.prod", ["update"], eb([rds("DBDeletionPolicy", "Snapshot")]), eb([rds("DBDeletionPolicy", "Delete")]))])[0]).toBe(
      'The plan lets a destroy of aws_elastic_beanstalk_environment.prod take its contents with it: setting aws:rds:dbinstance DBDeletionPolicy "Snapshot" → "Delete".',
    );
  });

  test("control: RETAIN, Snapshot (EB's default) or Retain, no coupled database, a Studio Classic space, or a forget, pass", () => {
    expect(errors([change("aws_bedrockagent_data_source.docs", ["delete"], ds("RETAIN"), null)])).toEqual([]);
    expect(errors([change("aws_elastic_beanstalk_environment.prod", ["delete"], eb([rds("HasCoupledDatabase", "true")]), null)])).toEqual([]);
    expect(errors([change("aws_elastic_beanstalk_environment.prod", ["delete"], eb([rds("DBDeletionPolicy", "Retain")]), null)])).toEqual([]);
    expect(errors([change("aws_elastic_beanstalk_environment.prod", ["delete"], eb([rds("HasCoupledDatabase", "false"), rds("DBDeletionPolicy", "Delete")]), null)])).toEqual([]);
    expect(errors([change("aws_sagemaker_space.s", ["delete"], space({ app_type: "JupyterServer" }), null)])).toEqual([]);
    expect(errors([change("aws_bedrockagent_data_source.docs", ["forget"], ds("DELETE"), null)])).toEqual([]);
    expect(errors([change("aws_bedrockagent_data_source.docs", ["update"], ds("DELETE"), ds("RETAIN"))])).toEqual([]);
  });
});

describe("a resource of the prior state missing from planned_values, whatever else the plan changes (finding 8)", () => {
  const res = (address: string, values: Obj) => {
    const [type, name] = address.split(".");
    return { address, mode: "managed", type, name, provider_name: "registry.terraform.io/hashicorp/aws", values };
  };
  const db = res("aws_db_instance.orders", { identifier: "orders", deletion_protection: false });
  const other = res("null_resource.n", { id: "1" });
  const created = res("null_resource.m", { triggers: null });
  const plan = (planned: Obj[], changes: Obj[], extra: Obj = {}) =>
    minimalPlan(changes, { prior_state: { values: { root_module: { resources: [db, other] } } }, planned_values: { root_module: { resources: planned } }, ...extra });
  const read = (p: Obj) => () => readPlan(writeTemp(tempDir(), "plan.json", JSON.stringify(p)));
  const create = change("null_resource.m", ["create"], null, { triggers: null });

  test("a database gone from planned_values beside an unrelated create is refused", () => {
    expect(read(plan([other, created], [create]))).toThrow(
      /aws_db_instance.orders of the prior state is missing from planned_values, and no change in resource_changes deletes, forgets or moves it/,
    );
  });

  test("control: the database kept, deleted, forgotten or moved by a change the plan shows passes", () => {
    expect(read(plan([db, other, created], [create]))).not.toThrow();
    expect(read(plan([other, created], [create, change("aws_db_instance.orders", ["delete"], db.values, null)]))).not.toThrow();
    expect(read(plan([other, created], [create, change("aws_db_instance.orders", ["forget"], db.values, null)]))).not.toThrow();
    const moved = { ...res("aws_db_instance.renamed", db.values) };
    expect(read(plan([moved, other], [change("aws_db_instance.renamed", ["no-op"], db.values, db.values, { previous_address: "aws_db_instance.orders" })]))).not.toThrow();
  });

  test("control: a plan that does not say it is complete (Terraform before 1.8) may be targeted, and is judged only when it lists no change", () => {
    expect(read(plan([other, created], [create], { complete: undefined, format_version: "1.1" }))).not.toThrow();
  });

  test("Terraform 0.12's prior_state addresses (no index, no module prefix) are read as the instances they are", () => {
    const old = minimalPlan([change("null_resource.n", ["no-op"], { id: "1" }, { id: "1" })], {
      prior_state: {
        values: {
          root_module: {
            resources: [{ ...res("null_resource.baz", { id: "b" }), index: 0 }, other],
            child_modules: [{ address: "module.m", resources: [res("null_resource.foo", { id: "f" })] }],
          },
        },
      },
      planned_values: { root_module: { resources: [{ ...res("null_resource.baz[0]", { id: "b" }), index: 0 }, other], child_modules: [{ address: "module.m", resources: [res("module.m.null_resource.foo", { id: "f" })] }] } },
    });
    expect(read(old)).not.toThrow();
  });
});
