/**
 * Red-team round 52 on the plan gate (data services): an EFS file system overwritten by replication, stateful types
 * the gate did not protect, and updates that remove protection or delete data (retention, snapshots, force-delete
 * switches, resource policies, scheduled DataSync tasks).
 */
import { evaluatePlan } from "../../lib/plan/evaluate";
import { PROTECTED_TYPES } from "../../lib/plan/protected";
import { readPlan } from "../../lib/plan/read-plan";
import { change, minimalPlan, tempDir, writeTemp } from "./helpers";

type Obj = Record<string, unknown>;

const create = (address: string, after: Obj) => change(address, ["create"], null, after);
const update = (address: string, before: Obj, after: Obj) => change(address, ["update"], before, after);
const destroy = (address: string, before: Obj) => change(address, ["delete"], before, null);

/** A change with values known only after apply (`after_unknown`). */
function withUnknown(c: Obj, unknown: Obj): Obj {
  return { ...c, change: { ...(c.change as Obj), after_unknown: unknown } };
}

function evaluate(changes: Obj[], expressions: Record<string, Obj> = {}) {
  const resources = Object.entries(expressions).map(([address, exprs]) => {
    const [type, name] = address.split(".");
    return { address, mode: "managed", type, name, provider_config_key: "aws", expressions: exprs };
  });
  const extra = resources.length > 0 ? { configuration: { root_module: { resources } } } : {};
  return evaluatePlan(readPlan(writeTemp(tempDir(), "plan.json", JSON.stringify(minimalPlan(changes, extra)))), { config: {} }).judged.map((j) => j.finding);
}

/** The rule ids of a plan of `changes` whose configuration gives each resource's expressions. */
function judged(changes: Obj[], expressions: Record<string, Obj> = {}): string[] {
  return evaluate(changes, expressions).map((f) => `${f.ruleId} ${f.resource}`);
}

function messages(changes: Obj[], expressions: Record<string, Obj> = {}): string[] {
  return evaluate(changes, expressions).map((f) => f.message);
}

const ref = (address: string, attribute: string) => ({ references: [`${address}.${attribute}`, address] });

describe("H1: an EFS file system overwritten by replication", () => {
  const fs = (protection: unknown) => ({ id: "fs-prod", creation_token: "prod", ...(protection === undefined ? {} : { protection }) });
  const overwrite = (value: unknown) => [{ replication_overwrite: value }];
  const DP = ["plan-deletion-protection-off aws_efs_file_system.prod"];

  test("replication overwrite protection turned off blocks, from ENABLED or unset (ENABLED)", () => {
    expect(messages([update("aws_efs_file_system.prod", fs(overwrite("ENABLED")), fs(overwrite("DISABLED")))])).toEqual([
      'The plan turns deletion protection off on aws_efs_file_system.prod: protection[0].replication_overwrite "ENABLED" → "DISABLED".',
    ]);
    expect(messages([update("aws_efs_file_system.prod", fs(undefined), fs(overwrite("DISABLED")))])).toEqual([
      'The plan turns deletion protection off on aws_efs_file_system.prod: protection[0].replication_overwrite (not set: ENABLED) → "DISABLED".',
    ]);
    expect(judged([withUnknown(update("aws_efs_file_system.prod", fs(overwrite("ENABLED")), fs(overwrite(null))), { protection: [{ replication_overwrite: true }] })])).toEqual(DP);
  });

  test("turning it on, keeping it, or a destination already replicating passes", () => {
    expect(judged([update("aws_efs_file_system.prod", fs(overwrite("DISABLED")), fs(overwrite("ENABLED")))])).toEqual([]);
    expect(judged([update("aws_efs_file_system.prod", fs(overwrite("ENABLED")), { ...fs(overwrite("ENABLED")), throughput_mode: "elastic" })])).toEqual([]);
    // The provider keeps what AWS holds when the configuration leaves the block out.
    expect(judged([update("aws_efs_file_system.prod", fs(overwrite("ENABLED")), fs(undefined))])).toEqual([]);
    // A configuration that asks for DISABLED on a replication destination shows REPLICATING → DISABLED on every plan.
    expect(judged([update("aws_efs_file_system.replica", fs(overwrite("REPLICATING")), fs(overwrite("DISABLED")))])).toEqual([]);
  });

  const replication = (destination: Obj) => create("aws_efs_replication_configuration.r", { source_file_system_id: "fs-scratch", destination: [{ region: "us-east-1", ...destination }] });
  const BLOCKED = ["plan-replication-overwrites aws_efs_replication_configuration.r"];

  test("a replication created onto an existing file system blocks, and says which", () => {
    expect(messages([replication({ file_system_id: "fs-prod" })])).toEqual([
      'The plan creates aws_efs_replication_configuration.r, which replicates "fs-scratch" onto the existing file system "fs-prod": EFS replaces the destination\'s files with the source\'s.',
    ]);
    // The red-team's plan: both halves, each blocked.
    expect(judged([update("aws_efs_file_system.prod", fs(overwrite("ENABLED")), fs(overwrite("DISABLED"))), replication({ file_system_id: "fs-prod" })])).toEqual([...DP, ...BLOCKED]);
    // A replace creates the replication anew, onto the same file system.
    const replace = change("aws_efs_replication_configuration.r", ["delete", "create"], { source_file_system_id: "fs-a", destination: [{ file_system_id: "fs-prod" }] }, { source_file_system_id: "fs-b", destination: [{ file_system_id: "fs-prod" }] });
    expect(judged([replace])).toEqual(["plan-protected-delete aws_efs_replication_configuration.r", ...BLOCKED]);
  });

  test("a destination known only after apply counts unless it is a file system this plan creates", () => {
    const unknown = withUnknown(replication({ file_system_id: null }), { destination: [{ file_system_id: true }] });
    const created = create("aws_efs_file_system.replica", { creation_token: "replica", protection: overwrite("DISABLED") });
    const kept = change("aws_efs_file_system.prod", ["update"], fs(overwrite("DISABLED")), { ...fs(overwrite("DISABLED")), throughput_mode: "elastic" });
    const named = (expression: Obj) => ({ "aws_efs_replication_configuration.r": { source_file_system_id: { constant_value: "fs-scratch" }, destination: [{ file_system_id: expression }] } });
    // Named by reference, a file system this plan creates holds nothing yet.
    expect(judged([created, unknown], named(ref("aws_efs_file_system.replica", "id")))).toEqual([]);
    // A file system the plan keeps (its ID unknown here because it is being updated), a variable, or no configuration: blocked.
    expect(judged([kept, unknown], named(ref("aws_efs_file_system.prod", "id")))).toEqual(BLOCKED);
    expect(judged([created, unknown], named({ references: ["var.destination"] }))).toEqual(BLOCKED);
    expect(judged([created, unknown], named({ references: ["aws_efs_file_system.replica.id", "aws_efs_file_system.replica", "var.override"] }))).toEqual(BLOCKED);
    expect(judged([created, unknown])).toEqual(BLOCKED);
  });

  test("no destination file system (EFS creates a new, empty one) passes", () => {
    expect(judged([replication({})])).toEqual([]);
    expect(judged([replication({ file_system_id: null })])).toEqual([]);
    // Computed by the provider: unknown, and not in the configuration.
    const computed = withUnknown(replication({ file_system_id: null }), { destination: [{ file_system_id: true, status: true }] });
    expect(judged([computed], { "aws_efs_replication_configuration.r": { source_file_system_id: { constant_value: "fs-scratch" }, destination: [{ region: { constant_value: "us-east-1" } }] } })).toEqual([]);
  });
});

describe("H3: stateful types the gate did not protect", () => {
  const NEW_TYPES = [
    "aws_lightsail_bucket",
    "aws_msk_serverless_cluster",
    "aws_s3vectors_vector_bucket",
    "aws_s3vectors_index",
    "aws_storagegateway_cached_iscsi_volume",
    "aws_storagegateway_stored_iscsi_volume",
    "aws_kinesis_video_stream",
    "aws_memorydb_multi_region_cluster",
    "aws_sagemaker_feature_group",
    "aws_bedrockagentcore_memory",
    "aws_finspace_kx_database",
    "aws_finspace_kx_volume",
    "aws_route53domains_domain",
    "aws_kms_replica_external_key",
    "aws_cloudwatch_event_archive",
    "aws_sesv2_contact_list",
    "aws_s3control_bucket",
    "aws_customerprofiles_domain",
    "aws_s3tables_table_bucket_policy",
    "aws_s3tables_table_policy",
    "aws_s3vectors_vector_bucket_policy",
  ];

  test.each(NEW_TYPES)("%s: a destroy, a replace and a forget block; a create passes", (type) => {
    expect(PROTECTED_TYPES.get(type)?.length).toBeGreaterThan(20);
    expect(judged([destroy(`${type}.x`, { name: "x" })])).toEqual([`plan-protected-delete ${type}.x`]);
    expect(judged([change(`${type}.x`, ["delete", "create"], { name: "x" }, { name: "y" })])).toContain(`plan-protected-delete ${type}.x`);
    expect(judged([change(`${type}.x`, ["forget"], { name: "x" }, null)])).toEqual([`plan-protected-forget ${type}.x`]);
    expect(judged([create(`${type}.x`, { name: "x" })]).filter((j) => j.startsWith("plan-protected"))).toEqual([]);
  });

  test("their Cloud Control equivalents are protected too", () => {
    for (const type of ["awscc_msk_serverless_cluster", "awscc_kinesisvideo_stream", "awscc_events_archive", "awscc_lightsail_bucket", "awscc_s3vectors_index", "awscc_ses_contact_list", "awscc_s3tables_table_bucket_policy"]) {
      expect(judged([destroy(`${type}.x`, { id: "x" })])).toEqual([`plan-protected-delete ${type}.x`]);
    }
  });

  test("the message names the reason: a domain destroyed is deregistered", () => {
    const [f] = evaluate([destroy("aws_route53domains_domain.shop", { domain_name: "shop.example" })]);
    expect(f.evidence.find((e) => e.step === "protected")?.detail).toBe(
      "aws_route53domains_domain is a protected type: destroying it deregisters the domain name (and deletes its hosted zone): the registry may release the name to anyone",
    );
  });

  test("caches stay unprotected by default; a domain only recorded (registered_domain) is no deregistration", () => {
    expect(judged([destroy("aws_elasticache_replication_group.x", { replication_group_id: "x" })])).toEqual([]);
    expect(judged([destroy("aws_elasticache_serverless_cache.x", { name: "x" })])).toEqual([]);
    expect(judged([destroy("aws_route53domains_registered_domain.x", { domain_name: "shop.example" })])).toEqual([]);
  });

  test("types whose destroy deletes data only with a setting: an FSx data repository association, a SageMaker domain", () => {
    const dra = (flag: boolean) => ({ file_system_id: "fs-1", file_system_path: "/data", data_repository_path: "s3://prod", delete_data_in_filesystem: flag });
    expect(messages([destroy("aws_fsx_data_repository_association.x", dra(true))])).toEqual([
      "The plan destroys aws_fsx_data_repository_association.x. Protected because its destroy deletes data (with delete_data_in_filesystem = true).",
    ]);
    expect(judged([destroy("aws_fsx_data_repository_association.x", dra(false))])).toEqual([]);
    // A forget deletes nothing.
    expect(judged([change("aws_fsx_data_repository_association.x", ["forget"], dra(true), null)])).toEqual([]);
    const domain = (home: string | undefined) => ({ domain_name: "ml", ...(home ? { retention_policy: [{ home_efs_file_system: home }] } : {}) });
    expect(judged([destroy("aws_sagemaker_domain.ml", domain("Delete"))])).toEqual(["plan-protected-delete aws_sagemaker_domain.ml"]);
    expect(judged([destroy("aws_sagemaker_domain.ml", domain("Retain"))])).toEqual([]);
    expect(judged([destroy("aws_sagemaker_domain.ml", domain(undefined))])).toEqual([]);
  });
});

describe("M2: retention lowered (plan-backup-retention-lowered)", () => {
  test("a Kinesis video stream's retention lowered blocks (0 keeps none); raised passes", () => {
    const kvs = (hours: unknown) => ({ name: "cams", data_retention_in_hours: hours });
    expect(messages([update("aws_kinesis_video_stream.cams", kvs(720), kvs(0))])).toEqual(["The plan lowers retention of the records held by aws_kinesis_video_stream.cams: data_retention_in_hours 720 → 0."]);
    expect(judged([update("aws_kinesis_video_stream.cams", kvs(720), kvs(null))])).toEqual(["plan-backup-retention-lowered aws_kinesis_video_stream.cams"]);
    expect(judged([update("aws_kinesis_video_stream.cams", kvs(0), kvs(24))])).toEqual([]);
    expect(judged([update("aws_kinesis_video_stream.cams", kvs(24), kvs(720))])).toEqual([]);
  });

  describe("an OpenSearch Serverless lifecycle policy", () => {
    const policy = (...rules: Obj[]) => JSON.stringify({ Rules: rules.map((r) => ({ ResourceType: "index", ...r })) });
    const lp = (text: string) => ({ name: "logs", type: "retention", policy: text });
    const address = "aws_opensearchserverless_lifecycle_policy.logs";
    const BLOCKED = [`plan-backup-retention-lowered ${address}`];

    test("updated to keep indexes for less time blocks; longer passes", () => {
      expect(messages([update(address, lp(policy({ Resource: ["index/logs/*"], MinIndexRetention: "365d" })), lp(policy({ Resource: ["index/logs/*"], MinIndexRetention: "1d" })))])).toEqual([
        `The plan lowers the retention of the indexes covered by ${address}: policy rule for "index/logs/*" MinIndexRetention "365d" → MinIndexRetention "1d".`,
      ]);
      expect(judged([update(address, lp(policy({ Resource: ["index/logs/*"], NoMinIndexRetention: true })), lp(policy({ Resource: ["index/logs/*"], MinIndexRetention: "3650d" })))])).toEqual(BLOCKED);
      expect(judged([update(address, lp(policy({ Resource: ["index/logs/*"], MinIndexRetention: "1d" })), lp(policy({ Resource: ["index/logs/*"], MinIndexRetention: "365d" })))])).toEqual([]);
      // 24h is a day.
      expect(judged([update(address, lp(policy({ Resource: ["index/logs/*"], MinIndexRetention: "1d" })), lp(policy({ Resource: ["index/logs/*"], MinIndexRetention: "24h" })))])).toEqual([]);
      // A rule removed keeps those indexes until deleted.
      expect(judged([update(address, lp(policy({ Resource: ["index/logs/*"], MinIndexRetention: "30d" }, { Resource: ["index/tmp/*"], MinIndexRetention: "1d" })), lp(policy({ Resource: ["index/logs/*"], MinIndexRetention: "30d" })))])).toEqual([]);
    });

    test("a pattern added, a retention it cannot read, and a policy known only after apply count", () => {
      expect(judged([update(address, lp(policy({ Resource: ["index/logs/*"], MinIndexRetention: "30d" })), lp(policy({ Resource: ["index/logs/*"], MinIndexRetention: "30d" }, { Resource: ["index/audit/*"], MinIndexRetention: "400d" })))])).toEqual(BLOCKED);
      expect(judged([update(address, lp(policy({ Resource: ["index/logs/*"], MinIndexRetention: "30d" })), lp(policy({ Resource: ["index/logs/*"], MinIndexRetention: "5w" })))])).toEqual(BLOCKED);
      expect(judged([update(address, lp(policy({ Resource: ["index/logs/*"], MinIndexRetention: "30d" })), lp("not json"))])).toEqual(BLOCKED);
      expect(judged([withUnknown(update(address, lp(policy({ Resource: ["index/logs/*"], MinIndexRetention: "30d" })), lp("")), { policy: true })])).toEqual(BLOCKED);
    });

    test("created, it shortens retention from unlimited for indexes that exist; a collection this plan creates holds none", () => {
      const created = create(address, lp(policy({ Resource: ["index/logs/*"], MinIndexRetention: "1d" })));
      expect(messages([created])).toEqual([`The plan lowers the retention of the indexes covered by ${address}: policy rule for "index/logs/*" (no rule: kept until deleted) → MinIndexRetention "1d".`]);
      const collection = create("aws_opensearchserverless_collection.logs", { name: "logs", type: "TIMESERIES" });
      // The collection is in the configuration too, under the policy's provider configuration (red-team round 53: a
      // collection of the same name in another region is no exemption).
      const byRef = { [address]: { policy: ref("aws_opensearchserverless_collection.logs", "name") }, "aws_opensearchserverless_collection.logs": { name: { constant_value: "logs" } } };
      expect(judged([collection, created], byRef)).toEqual([]);
      // Named by a literal, the new collection may be a decoy whose create fails while the policy lands on the existing one.
      expect(judged([collection, created], { [address]: { policy: { constant_value: lp(policy({ Resource: ["index/logs/*"], MinIndexRetention: "1d" })).policy } } })).toEqual(BLOCKED);
      // A pattern over every collection, or another collection than the one created, covers existing indexes.
      expect(judged([collection, create(address, lp(policy({ Resource: ["index/*/*"], MinIndexRetention: "1d" })))], byRef)).toEqual(BLOCKED);
      expect(judged([collection, create(address, lp(policy({ Resource: ["index/logs/*", "index/prod/*"], MinIndexRetention: "1d" })))], byRef)).toEqual(BLOCKED);
      // A collection the plan keeps (no-op) holds its indexes.
      const kept = change("aws_opensearchserverless_collection.logs", ["no-op"], { name: "logs" }, { name: "logs" });
      expect(judged([kept, created], byRef)).toEqual(BLOCKED);
      // Keeping indexes forever deletes nothing.
      expect(judged([create(address, lp(policy({ Resource: ["index/logs/*"], NoMinIndexRetention: true })))])).toEqual([]);
    });
  });

  describe("MSK broker retention", () => {
    const cfg = (props: string) => ({ name: "brokers", arn: "arn:aws:kafka:eu-west-1:111122223333:configuration/brokers/1", latest_revision: 1, server_properties: props });
    const BLOCKED = ["plan-backup-retention-lowered aws_msk_configuration.brokers"];

    test("a configuration whose new revision keeps messages for less time, or fewer bytes, blocks", () => {
      expect(messages([update("aws_msk_configuration.brokers", cfg("log.retention.hours=168\n"), cfg("log.retention.ms=1000\n"))])).toEqual([
        "The plan lowers the retention of the messages in every topic (without its own retention) of the clusters that use aws_msk_configuration.brokers: server_properties retention time log.retention.hours=168 → log.retention.ms=1000.",
      ]);
      // Unset is Kafka's default, 168 hours; .ms comes before .minutes and .hours.
      expect(judged([update("aws_msk_configuration.brokers", cfg("auto.create.topics.enable=false\n"), cfg("log.retention.hours=24\n"))])).toEqual(BLOCKED);
      expect(judged([update("aws_msk_configuration.brokers", cfg("log.retention.hours=720\n"), cfg("log.retention.hours=720\nlog.retention.minutes=60\n"))])).toEqual(BLOCKED);
      expect(judged([update("aws_msk_configuration.brokers", cfg("log.retention.ms=-1\n"), cfg("log.retention.hours=8760\n"))])).toEqual(BLOCKED);
      expect(judged([update("aws_msk_configuration.brokers", cfg(""), cfg("log.retention.bytes=1073741824\n"))])).toEqual(BLOCKED);
      expect(judged([update("aws_msk_configuration.brokers", cfg("log.retention.hours=168\n"), cfg("log.retention.hours=a week\n"))])).toEqual(BLOCKED);
      expect(judged([withUnknown(update("aws_msk_configuration.brokers", cfg("log.retention.hours=168\n"), cfg("")), { server_properties: true })])).toEqual(BLOCKED);
    });

    test("more retention, other properties, and a create (it applies to no cluster yet) pass", () => {
      expect(judged([update("aws_msk_configuration.brokers", cfg("log.retention.hours=168\n"), cfg("log.retention.hours=336\n"))])).toEqual([]);
      expect(judged([update("aws_msk_configuration.brokers", cfg("log.retention.hours=168\n"), cfg("log.retention.hours = 168\nauto.create.topics.enable=false\n"))])).toEqual([]);
      expect(judged([update("aws_msk_configuration.brokers", cfg("log.retention.bytes=1000\n"), cfg("log.retention.bytes=-1\n"))])).toEqual([]);
      expect(judged([create("aws_msk_configuration.brokers", cfg("log.retention.ms=1000\n"))])).toEqual([]);
    });

    const cluster = (arn: unknown, revision: unknown) => ({ cluster_name: "events", configuration_info: [{ arn, revision }] });
    const ARN = "arn:aws:kafka:eu-west-1:111122223333:configuration/brokers/1";
    const CLUSTER = ["plan-backup-retention-lowered aws_msk_cluster.events"];

    test("a cluster moved to a revision the plan does not show blocks", () => {
      expect(messages([update("aws_msk_cluster.events", cluster(ARN, 1), cluster(ARN, 2))])).toEqual([
        `The plan lowers the retention of the messages held by aws_msk_cluster.events: configuration_info ${ARN} revision 1 → ${ARN} revision 2, whose server properties the plan does not show.`,
      ]);
      expect(judged([update("aws_msk_cluster.events", cluster(ARN, 1), cluster("arn:aws:kafka:eu-west-1:111122223333:configuration/other/9", 1))])).toEqual(CLUSTER);
    });

    test("a cluster following latest_revision: judged by what the new revision keeps", () => {
      const expressions = { "aws_msk_cluster.events": { configuration_info: [{ arn: ref("aws_msk_configuration.brokers", "arn"), revision: ref("aws_msk_configuration.brokers", "latest_revision") }] } };
      const move = withUnknown(update("aws_msk_cluster.events", cluster(ARN, 1), cluster(ARN, null)), { configuration_info: [{ revision: true }] });
      const config = (props: string) => withUnknown(update("aws_msk_configuration.brokers", cfg("log.retention.hours=168\n"), { ...cfg(props), latest_revision: null }), { latest_revision: true });
      // A routine rollout (another property) passes.
      expect(judged([config("log.retention.hours=168\nauto.create.topics.enable=false\n"), move], expressions)).toEqual([]);
      // Retention lowered: the configuration and the cluster moved to it both block.
      expect(judged([config("log.retention.ms=1000\n"), move], expressions)).toEqual([...BLOCKED, ...CLUSTER]);
      // Without the configuration to tell which revision, the move counts.
      expect(judged([config("log.retention.hours=168\nauto.create.topics.enable=false\n"), move])).toEqual(CLUSTER);
    });

    test("a cluster moved to a configuration this plan creates: compared with the one it had", () => {
      const created = (props: string) => withUnknown(create("aws_msk_configuration.fast", { name: "fast", server_properties: props, arn: null, latest_revision: null }), { arn: true, latest_revision: true });
      const kept = change("aws_msk_configuration.brokers", ["no-op"], cfg("log.retention.hours=720\n"), cfg("log.retention.hours=720\n"));
      const move = withUnknown(update("aws_msk_cluster.events", cluster(ARN, 1), cluster(null, null)), { configuration_info: [{ arn: true, revision: true }] });
      const expressions = { "aws_msk_cluster.events": { configuration_info: [{ arn: ref("aws_msk_configuration.fast", "arn"), revision: ref("aws_msk_configuration.fast", "latest_revision") }] } };
      expect(messages([kept, created("log.retention.ms=1000\n"), move], expressions)).toEqual([
        `The plan lowers the retention of the messages held by aws_msk_cluster.events: configuration_info (${ARN} revision 1 → aws_msk_configuration.fast at its latest revision (known after apply)) retention time log.retention.hours=720 → log.retention.ms=1000.`,
      ]);
      expect(judged([kept, created("log.retention.hours=720\nlog.retention.bytes=-1\n"), move], expressions)).toEqual([]);
      // The configuration it had is not in the plan: compared with Kafka's default, 168 hours.
      expect(judged([created("log.retention.hours=200\n"), move], expressions)).toEqual([]);
      expect(judged([created("log.retention.hours=24\n"), move], expressions)).toEqual(CLUSTER);
    });

    test("a cluster update that leaves its configuration passes", () => {
      expect(judged([update("aws_msk_cluster.events", { ...cluster(ARN, 1), tags: { a: "1" } }, { ...cluster(ARN, 1), tags: { a: "2" } })])).toEqual([]);
    });
  });

  describe("S3 Tables maintenance", () => {
    const table = (status: string, age: number, keep: number) => ({ name: "orders", maintenance_configuration: { iceberg_snapshot_management: { status, settings: { max_snapshot_age_hours: age, min_snapshots_to_keep: keep } } } });
    const T = ["plan-backup-retention-lowered aws_s3tables_table.orders"];

    test("a table's snapshots expired sooner, fewer kept, or expiry turned on, blocks", () => {
      expect(messages([update("aws_s3tables_table.orders", table("enabled", 720, 10), table("enabled", 1, 10))])).toEqual([
        "The plan lowers backup retention on aws_s3tables_table.orders: maintenance_configuration.iceberg_snapshot_management.settings.max_snapshot_age_hours 720 → 1.",
      ]);
      expect(judged([update("aws_s3tables_table.orders", table("enabled", 720, 10), table("enabled", 720, 1))])).toEqual(T);
      expect(judged([update("aws_s3tables_table.orders", table("disabled", 720, 10), table("enabled", 720, 10))])).toEqual(T);
      expect(judged([withUnknown(update("aws_s3tables_table.orders", table("enabled", 720, 10), { name: "orders" }), { maintenance_configuration: true })])).toEqual(T);
    });

    test("longer, or expiry turned off, passes", () => {
      expect(judged([update("aws_s3tables_table.orders", table("enabled", 120, 1), table("enabled", 720, 10))])).toEqual([]);
      expect(judged([update("aws_s3tables_table.orders", table("enabled", 720, 10), table("disabled", 1, 1))])).toEqual([]);
      expect(judged([update("aws_s3tables_table.orders", table("enabled", 720, 10), { ...table("enabled", 720, 10), name: "orders_v2" })])).toEqual([]);
    });

    const bucket = (status: string, unreferenced: number, noncurrent: number) => ({
      name: "lake",
      maintenance_configuration: { iceberg_unreferenced_file_removal: { status, settings: { unreferenced_days: unreferenced, non_current_days: noncurrent } } },
    });

    test("a table bucket's unreferenced files removed sooner blocks; later passes", () => {
      expect(messages([update("aws_s3tables_table_bucket.lake", bucket("enabled", 30, 30), bucket("enabled", 1, 30))])).toEqual([
        "The plan lowers how long unreferenced files are kept in aws_s3tables_table_bucket.lake: maintenance_configuration.iceberg_unreferenced_file_removal.settings.unreferenced_days 30 → 1.",
      ]);
      expect(judged([update("aws_s3tables_table_bucket.lake", bucket("enabled", 30, 30), bucket("enabled", 30, 1))])).toEqual(["plan-backup-retention-lowered aws_s3tables_table_bucket.lake"]);
      expect(judged([update("aws_s3tables_table_bucket.lake", bucket("Disabled", 30, 30), bucket("Enabled", 30, 30))])).toEqual(["plan-backup-retention-lowered aws_s3tables_table_bucket.lake"]);
      expect(judged([update("aws_s3tables_table_bucket.lake", bucket("enabled", 3, 10), bucket("enabled", 30, 30))])).toEqual([]);
      expect(judged([update("aws_s3tables_table_bucket.lake", bucket("enabled", 3, 10), bucket("disabled", 3, 10))])).toEqual([]);
    });
  });

  test("a Lightsail instance's automatic snapshots turned off or the add-on removed blocks; turned on passes", () => {
    const instance = (addOn: Obj[]) => ({ name: "web", add_on: addOn });
    const auto = (status: string) => ({ type: "AutoSnapshot", snapshot_time: "06:00", status });
    expect(messages([update("aws_lightsail_instance.web", instance([auto("Enabled")]), instance([auto("Disabled")]))])).toEqual([
      'The plan lowers backup retention on aws_lightsail_instance.web: add_on "AutoSnapshot".status "Enabled" → "Disabled".',
    ]);
    expect(judged([update("aws_lightsail_instance.web", instance([auto("Enabled")]), instance([]))])).toEqual(["plan-backup-retention-lowered aws_lightsail_instance.web"]);
    expect(judged([update("aws_lightsail_instance.web", instance([auto("Disabled")]), instance([auto("Enabled")]))])).toEqual([]);
    expect(judged([update("aws_lightsail_instance.web", instance([auto("Enabled")]), instance([{ ...auto("Enabled"), snapshot_time: "07:00" }]))])).toEqual([]);
  });
});

describe("M2: protection off and force-delete switches", () => {
  test("an FSx data repository association set to delete its files with it blocks; turned off passes", () => {
    const dra = (flag: boolean) => ({ file_system_id: "fs-1", file_system_path: "/data", delete_data_in_filesystem: flag });
    expect(messages([update("aws_fsx_data_repository_association.x", dra(false), dra(true))])).toEqual([
      "The plan lets a destroy of aws_fsx_data_repository_association.x take its contents with it: delete_data_in_filesystem false → true.",
    ]);
    expect(judged([update("aws_fsx_data_repository_association.x", dra(true), dra(false))])).toEqual([]);
    // Created with it: only its later destroy deletes, and that is judged then.
    expect(judged([create("aws_fsx_data_repository_association.x", dra(true))])).toEqual([]);
  });

  test("an FSx for ONTAP SnapLock volume: retention bypassed on destroy, or privileged delete enabled, blocks", () => {
    const vol = (extra: Obj) => ({ name: "worm", skip_final_backup: false, bypass_snaplock_enterprise_retention: false, snaplock_configuration: [{ snaplock_type: "ENTERPRISE", privileged_delete: "DISABLED" }], ...extra });
    expect(judged([update("aws_fsx_ontap_volume.worm", vol({}), vol({ bypass_snaplock_enterprise_retention: true }))])).toEqual(["plan-force-destroy-on aws_fsx_ontap_volume.worm"]);
    expect(messages([update("aws_fsx_ontap_volume.worm", vol({}), vol({ snaplock_configuration: [{ snaplock_type: "ENTERPRISE", privileged_delete: "ENABLED" }] }))])).toEqual([
      'The plan turns deletion protection off on aws_fsx_ontap_volume.worm: snaplock_configuration[0].privileged_delete "DISABLED" → "ENABLED".',
    ]);
    expect(judged([update("aws_fsx_ontap_volume.worm", vol({ snaplock_configuration: [{ snaplock_type: "ENTERPRISE" }] }), vol({ snaplock_configuration: [{ snaplock_type: "ENTERPRISE", privileged_delete: "ENABLED" }] }))])).toEqual([
      "plan-deletion-protection-off aws_fsx_ontap_volume.worm",
    ]);
    // Permanently disabled, or kept disabled, passes.
    expect(judged([update("aws_fsx_ontap_volume.worm", vol({}), vol({ snaplock_configuration: [{ snaplock_type: "ENTERPRISE", privileged_delete: "PERMANENTLY_DISABLED" }] }))])).toEqual([]);
    expect(judged([update("aws_fsx_ontap_volume.worm", vol({}), vol({ size_in_megabytes: 2048 }))])).toEqual([]);
  });

  test("a SageMaker domain set to delete its home file system with it blocks; Retain passes", () => {
    const domain = (home: string | undefined) => ({ domain_name: "ml", ...(home ? { retention_policy: [{ home_efs_file_system: home }] } : {}) });
    expect(messages([update("aws_sagemaker_domain.ml", domain("Retain"), domain("Delete"))])).toEqual([
      'The plan lets a destroy of aws_sagemaker_domain.ml take its contents with it: retention_policy[0].home_efs_file_system "Retain" → "Delete".',
    ]);
    expect(judged([update("aws_sagemaker_domain.ml", domain(undefined), domain("Delete"))])).toEqual(["plan-force-destroy-on aws_sagemaker_domain.ml"]);
    expect(judged([update("aws_sagemaker_domain.ml", domain("Delete"), domain("Retain"))])).toEqual([]);
    expect(judged([update("aws_sagemaker_domain.ml", domain("Retain"), { ...domain("Retain"), app_network_access_type: "VpcOnly" })])).toEqual([]);
  });

  test("an ElastiCache replication group or cluster losing its final snapshot name blocks (the destroy itself still passes)", () => {
    expect(messages([update("aws_elasticache_replication_group.sessions", { final_snapshot_identifier: "sessions-final" }, { final_snapshot_identifier: null })])).toEqual([
      'The plan makes aws_elasticache_replication_group.sessions skip its final snapshot or backup: final_snapshot_identifier "sessions-final" → (not set).',
    ]);
    expect(judged([update("aws_elasticache_cluster.c", { final_snapshot_identifier: "c-final" }, { final_snapshot_identifier: "" })])).toEqual(["plan-final-snapshot-skipped aws_elasticache_cluster.c"]);
    expect(judged([update("aws_elasticache_replication_group.sessions", { final_snapshot_identifier: null }, { final_snapshot_identifier: "sessions-final" })])).toEqual([]);
    expect(judged([update("aws_elasticache_replication_group.sessions", { final_snapshot_identifier: "a" }, { final_snapshot_identifier: "b" })])).toEqual([]);
  });
});

describe("M2: resource policies as guardrails (plan-guardrail-changed)", () => {
  const deny = (action: string) => JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Deny", Principal: "*", Action: action, Resource: "*" }] });

  test("a Glacier vault's inline access policy removed or changed blocks; its other updates pass", () => {
    const vault = (policy: string) => ({ name: "archive", access_policy: policy, tags: { team: "a" } });
    expect(judged([update("aws_glacier_vault.archive", vault(deny("glacier:DeleteArchive")), vault(""))])).toEqual(["plan-guardrail-changed aws_glacier_vault.archive"]);
    expect(judged([update("aws_glacier_vault.archive", vault(deny("glacier:DeleteArchive")), vault(deny("glacier:InitiateJob")))])).toEqual(["plan-guardrail-changed aws_glacier_vault.archive"]);
    expect(judged([update("aws_glacier_vault.archive", vault(deny("glacier:DeleteArchive")), { ...vault(deny("glacier:DeleteArchive")), tags: { team: "b" } })])).toEqual([]);
    expect(judged([create("aws_glacier_vault.archive", vault(deny("glacier:DeleteArchive")))])).toEqual([]);
  });

  test("an S3 table bucket policy: weakened, destroyed, or created over an existing bucket's blocks", () => {
    const policy = (doc: string) => ({ table_bucket_arn: "arn:aws:s3tables:eu-west-1:111122223333:bucket/lake", resource_policy: doc });
    const address = "aws_s3tables_table_bucket_policy.lake";
    expect(judged([update(address, policy(deny("s3tables:DeleteTable")), policy(JSON.stringify({ Statement: [] })))])).toEqual([`plan-guardrail-changed ${address}`]);
    expect(judged([destroy(address, policy(deny("s3tables:DeleteTable")))])).toEqual([`plan-protected-delete ${address}`]);
    expect(messages([create(address, policy(deny("s3tables:DeleteTable")))])[0]).toMatch(
      /^The plan creates the guardrail aws_s3tables_table_bucket_policy\.lake, overwriting the setting AWS holds now \(not in the plan\): resource_policy \(current setting, not in the plan\) → \{/,
    );
    // For a bucket this plan creates, named by reference: nothing to overwrite.
    const bucket = create("aws_s3tables_table_bucket.lake", { name: "lake" });
    const created = withUnknown(create(address, { ...policy(deny("s3tables:DeleteTable")), table_bucket_arn: null }), { table_bucket_arn: true });
    expect(judged([bucket, created], { [address]: { table_bucket_arn: ref("aws_s3tables_table_bucket.lake", "arn") } })).toEqual([]);
    expect(judged([bucket, created])).toEqual([`plan-guardrail-changed ${address}`]);
  });
});

describe("M2: a DataSync task on a schedule (plan-command-scheduled)", () => {
  const task = (options: Obj | undefined, schedule?: string) => ({
    name: "sync",
    source_location_arn: "arn:aws:datasync:eu-west-1:111122223333:location/loc-scratch",
    destination_location_arn: "arn:aws:datasync:eu-west-1:111122223333:location/loc-prod",
    options: options === undefined ? [] : [options],
    schedule: schedule === undefined ? [] : [{ schedule_expression: schedule }],
  });
  const BLOCKED = ["plan-command-scheduled aws_datasync_task.sync"];
  const mirror = { preserve_deleted_files: "REMOVE", overwrite_mode: "ALWAYS", transfer_mode: "ALL" };
  const additive = { preserve_deleted_files: "PRESERVE", overwrite_mode: "NEVER", transfer_mode: "CHANGED" };

  test("created to delete or overwrite the destination's files on a schedule blocks, and says how", () => {
    expect(messages([create("aws_datasync_task.sync", task(mirror, "rate(1 hour)"))])).toEqual([
      'The plan creates aws_datasync_task.sync, which copies "arn:aws:datasync:eu-west-1:111122223333:location/loc-scratch" onto "arn:aws:datasync:eu-west-1:111122223333:location/loc-prod" ' +
        'on its schedule "rate(1 hour)", deleting every destination file the source does not hold (preserve_deleted_files "REMOVE") and overwriting every destination file ' +
        'the source holds differently (overwrite_mode "ALWAYS"); what that does to data is not in the plan.',
    ]);
    // overwrite_mode unset is ALWAYS.
    expect(messages([create("aws_datasync_task.sync", task(undefined, "rate(1 day)"))])[0]).toContain('(overwrite_mode (not set: "ALWAYS"))');
    expect(judged([create("aws_datasync_task.sync", task({ ...additive, preserve_deleted_files: "REMOVE" }, "rate(1 day)"))])).toEqual(BLOCKED);
    expect(judged([withUnknown(create("aws_datasync_task.sync", task(additive, "rate(1 day)")), { options: [{ preserve_deleted_files: true }] })])).toEqual(BLOCKED);
  });

  test("without a schedule (it runs only when started), or only adding files, it passes", () => {
    expect(judged([create("aws_datasync_task.sync", task(mirror))])).toEqual([]);
    expect(judged([create("aws_datasync_task.sync", task(additive, "rate(1 hour)"))])).toEqual([]);
  });

  test("an update: a schedule added, or the destination changed, counts; throttling or the schedule removed passes", () => {
    expect(judged([update("aws_datasync_task.sync", task(mirror), task(mirror, "rate(1 hour)"))])).toEqual(BLOCKED);
    expect(judged([update("aws_datasync_task.sync", task(mirror, "rate(1 hour)"), { ...task(mirror, "rate(1 hour)"), destination_location_arn: "arn:aws:datasync:eu-west-1:111122223333:location/loc-other" })])).toEqual(BLOCKED);
    expect(judged([update("aws_datasync_task.sync", task(mirror, "rate(1 hour)"), task({ ...mirror, bytes_per_second: 1048576 }, "rate(1 hour)"))])).toEqual([]);
    expect(judged([update("aws_datasync_task.sync", task(mirror, "rate(1 hour)"), task(mirror))])).toEqual([]);
  });
});
