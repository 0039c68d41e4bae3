/**
 * The gate's protected types and the catalogue's destroy rights kept in step (red-team round 168, F3). The catalogue
 * (policies/destroy-rights.json) lists actions, not Terraform types, and nothing in blastwall maps one to the other:
 * the table below does, for the deletes whose Terraform type is certain. Every type a destroy of which calls one of
 * them is protected at the gate, or written down below with the reason it is not. Catalogue actions not in the table
 * (data-plane deletes such as s3:DeleteObject's siblings, actions with no Terraform type of their own, and types
 * blastwall could not map with certainty) are not checked here.
 */
import { loadCatalogue } from "../../lib/engine/catalogue";
import { PROTECTED_TYPES, protectionOf } from "../../lib/plan/protected";
import { awsccType, PROTECTED_TWINS } from "../../lib/plan/cfn-tables";
import type { PlanResourceChange } from "../../lib/plan/types";
import { runGate } from "../../lib/plan/gate";
import { renderJson } from "../../lib/report/json";
import { change, minimalPlan, tempDir, writeTemp } from "./helpers";

/** Catalogue action → the aws provider types whose destroy calls it. */
const DESTROYED_BY: Readonly<Record<string, readonly string[]>> = {
  "ec2:DeleteVolume": ["aws_ebs_volume"],
  "ec2:DeleteSnapshot": ["aws_ebs_snapshot", "aws_ebs_snapshot_copy", "aws_ebs_snapshot_import"],
  "ec2:TerminateInstances": ["aws_instance"],
  "rds:DeleteDBInstance": ["aws_db_instance"],
  "rds:DeleteDBCluster": ["aws_rds_cluster", "aws_docdb_cluster", "aws_neptune_cluster"],
  "rds:DeleteDBSnapshot": ["aws_db_snapshot", "aws_db_snapshot_copy"],
  "rds:DeleteDBClusterSnapshot": ["aws_db_cluster_snapshot", "aws_rds_cluster_snapshot_copy", "aws_docdb_cluster_snapshot", "aws_neptune_cluster_snapshot"],
  "rds:DeleteGlobalCluster": ["aws_rds_global_cluster", "aws_docdb_global_cluster", "aws_neptune_global_cluster"],
  "rds:DeleteDBShardGroup": ["aws_rds_shard_group"],
  "docdb-elastic:DeleteCluster": ["aws_docdbelastic_cluster"],
  "neptune-graph:DeleteGraph": ["aws_neptunegraph_graph"],
  "dsql:DeleteCluster": ["aws_dsql_cluster"],
  "timestream-influxdb:DeleteDbInstance": ["aws_timestreaminfluxdb_db_instance"],
  "timestream-influxdb:DeleteDbCluster": ["aws_timestreaminfluxdb_db_cluster"],
  "s3:DeleteObject": ["aws_s3_object"],
  "s3:DeleteBucket": ["aws_s3_bucket"],
  "s3-outposts:DeleteBucket": ["aws_s3control_bucket"],
  "s3express:DeleteBucket": ["aws_s3_directory_bucket"],
  "s3tables:DeleteTableBucket": ["aws_s3tables_table_bucket"],
  "s3tables:DeleteTable": ["aws_s3tables_table"],
  "dynamodb:DeleteTable": ["aws_dynamodb_table"],
  "dynamodb:DeleteTableReplica": ["aws_dynamodb_table_replica"],
  "dynamodb:DeleteItem": ["aws_dynamodb_table_item"],
  "elasticfilesystem:DeleteFileSystem": ["aws_efs_file_system"],
  "elasticfilesystem:DeleteReplicationConfiguration": ["aws_efs_replication_configuration"],
  "fsx:DeleteFileSystem": ["aws_fsx_lustre_file_system", "aws_fsx_windows_file_system", "aws_fsx_ontap_file_system", "aws_fsx_openzfs_file_system"],
  "fsx:DeleteBackup": ["aws_fsx_backup"],
  "fsx:DeleteVolume": ["aws_fsx_ontap_volume", "aws_fsx_openzfs_volume"],
  "fsx:DeleteSnapshot": ["aws_fsx_openzfs_snapshot"],
  "sagemaker:DeleteNotebookInstance": ["aws_sagemaker_notebook_instance"],
  "sagemaker:DeleteDomain": ["aws_sagemaker_domain"],
  "sagemaker:DeleteFeatureGroup": ["aws_sagemaker_feature_group"],
  "backup:DeleteBackupVault": ["aws_backup_vault", "aws_backup_logically_air_gapped_vault"],
  "kms:ScheduleKeyDeletion": ["aws_kms_key", "aws_kms_replica_key", "aws_kms_external_key", "aws_kms_replica_external_key"],
  "elasticache:DeleteCacheCluster": ["aws_elasticache_cluster"],
  "elasticache:DeleteReplicationGroup": ["aws_elasticache_replication_group"],
  "elasticache:DeleteServerlessCache": ["aws_elasticache_serverless_cache"],
  "memorydb:DeleteCluster": ["aws_memorydb_cluster"],
  "memorydb:DeleteMultiRegionCluster": ["aws_memorydb_multi_region_cluster"],
  "memorydb:DeleteSnapshot": ["aws_memorydb_snapshot"],
  "redshift:DeleteCluster": ["aws_redshift_cluster"],
  "redshift:DeleteClusterSnapshot": ["aws_redshift_cluster_snapshot"],
  "redshift-serverless:DeleteNamespace": ["aws_redshiftserverless_namespace"],
  "redshift-serverless:DeleteWorkgroup": ["aws_redshiftserverless_workgroup"],
  "redshift-serverless:DeleteSnapshot": ["aws_redshiftserverless_snapshot"],
  "kinesisvideo:DeleteStream": ["aws_kinesis_video_stream"],
  "connect:DeleteInstance": ["aws_connect_instance"],
  "es:DeleteDomain": ["aws_opensearch_domain", "aws_elasticsearch_domain"],
  "aoss:DeleteCollection": ["aws_opensearchserverless_collection"],
  "kendra:DeleteIndex": ["aws_kendra_index"],
  "glacier:DeleteVault": ["aws_glacier_vault"],
  "ecr:DeleteRepository": ["aws_ecr_repository"],
  "ecr-public:DeleteRepository": ["aws_ecrpublic_repository"],
  "codecommit:DeleteRepository": ["aws_codecommit_repository"],
  "codeartifact:DeleteRepository": ["aws_codeartifact_repository"],
  "secretsmanager:DeleteSecret": ["aws_secretsmanager_secret"],
  "ssm:DeleteParameter": ["aws_ssm_parameter"],
  "logs:DeleteLogGroup": ["aws_cloudwatch_log_group"],
  "logs:DeleteLogStream": ["aws_cloudwatch_log_stream"],
  "kinesis:DeleteStream": ["aws_kinesis_stream"],
  "kafka:DeleteCluster": ["aws_msk_cluster", "aws_msk_serverless_cluster"],
  "sqs:DeleteQueue": ["aws_sqs_queue"],
  "qldb:DeleteLedger": ["aws_qldb_ledger"],
  "timestream:DeleteDatabase": ["aws_timestreamwrite_database"],
  "timestream:DeleteTable": ["aws_timestreamwrite_table"],
  "cassandra:Drop": ["aws_keyspaces_keyspace", "aws_keyspaces_table"],
  "glue:DeleteDatabase": ["aws_glue_catalog_database"],
  "glue:DeleteTable": ["aws_glue_catalog_table"],
  "cognito-idp:DeleteUserPool": ["aws_cognito_user_pool"],
  "cognito-identity:DeleteIdentityPool": ["aws_cognito_identity_pool"],
  "geo:DeleteGeofenceCollection": ["aws_location_geofence_collection"],
  "s3vectors:DeleteVectorBucket": ["aws_s3vectors_vector_bucket"],
  "s3vectors:DeleteIndex": ["aws_s3vectors_index"],
  "lightsail:DeleteInstance": ["aws_lightsail_instance"],
  "lightsail:DeleteDisk": ["aws_lightsail_disk"],
  "lightsail:DeleteRelationalDatabase": ["aws_lightsail_database"],
  "lightsail:DeleteBucket": ["aws_lightsail_bucket"],
  "workspaces:TerminateWorkspaces": ["aws_workspaces_workspace"],
  "elasticmapreduce:TerminateJobFlows": ["aws_emr_cluster"],
  "storagegateway:DeleteVolume": ["aws_storagegateway_cached_iscsi_volume", "aws_storagegateway_stored_iscsi_volume"],
  "cloudformation:DeleteStack": ["aws_cloudformation_stack"],
  "cloudformation:DeleteStackInstances": ["aws_cloudformation_stack_set_instance", "aws_cloudformation_stack_instances"],
  "ds:DeleteDirectory": ["aws_directory_service_directory"],
  "mq:DeleteBroker": ["aws_mq_broker"],
  "acm-pca:DeleteCertificateAuthority": ["aws_acmpca_certificate_authority"],
  "route53:DeleteHostedZone": ["aws_route53_zone"],
  "cloudsearch:DeleteDomain": ["aws_cloudsearch_domain"],
  "aps:DeleteWorkspace": ["aws_prometheus_workspace"],
  "bedrock-agentcore:DeleteMemory": ["aws_bedrockagentcore_memory"],
  "bedrock:DeleteDataSource": ["aws_bedrockagent_data_source"],
  "finspace:DeleteKxDatabase": ["aws_finspace_kx_database"],
  "finspace:DeleteKxVolume": ["aws_finspace_kx_volume"],
  "route53domains:DeleteDomain": ["aws_route53domains_domain"],
  "ses:DeleteContactList": ["aws_sesv2_contact_list"],
  "events:DeleteArchive": ["aws_cloudwatch_event_archive"],
  "profile:DeleteDomain": ["aws_customerprofiles_domain"],
  // Protection-category deletes that take data with them: the services' own records.
  "guardduty:DeleteDetector": ["aws_guardduty_detector"],
  "detective:DeleteGraph": ["aws_detective_graph"],
  "macie2:DisableMacie": ["aws_macie2_account"],
};

/** Types whose destroy calls a catalogue delete and that the gate does not protect by type, and why. */
const NOT_PROTECTED: Readonly<Record<string, string>> = {
  aws_instance: "replaced on every AMI change; a root volume that holds data is better an aws_ebs_volume (lib/plan/protected.ts)",
  aws_s3_object: "objects a configuration writes itself are deploy artifacts it writes again (lib/plan/protected.ts)",
  aws_dynamodb_table_item: "items a configuration writes itself are seed data it writes again (lib/plan/protected.ts)",
  aws_elasticache_cluster: "a cache (lib/plan/protected.ts)",
  aws_elasticache_replication_group: "a cache (lib/plan/protected.ts)",
  aws_elasticache_serverless_cache: "a cache (lib/plan/protected.ts)",
  aws_rds_shard_group:
    "AWS documents that deleting a DB shard group deletes its compute nodes (shards and routers) but not the storage, which stays with the aws_rds_cluster (protected); the catalogue rates rds:DeleteDBShardGroup a warning for that reason",
  aws_redshiftserverless_workgroup: "a workgroup is compute; the data is in the namespace (aws_redshiftserverless_namespace, protected)",
  aws_glue_catalog_database: "the Data Catalog holds table definitions; the data stays in S3 (the catalogue grades glue:DeleteDatabase a warning)",
  aws_glue_catalog_table: "the Data Catalog holds a table definition; the data stays in S3 (the catalogue grades glue:DeleteTable a warning)",
  aws_sagemaker_domain: "its destroy deletes the users' home EFS only with retention_policy home_efs_file_system = \"Delete\", which the gate protects (DELETES_WHEN)",
};

const catalogue = loadCatalogue();
const listed = (action: string) => catalogue.byAction.get(action.toLowerCase());
const deleted = (type: string): PlanResourceChange => ({ address: `${type}.x`, mode: "managed", type, name: "x", change: { actions: ["delete"], before: {}, after: null } }) as unknown as PlanResourceChange;

describe("the gate's protected types and the catalogue's destroy rights", () => {
  test("every action of the table is in the catalogue, as a direct delete or a protection right", () => {
    expect(Object.keys(DESTROYED_BY).filter((a) => listed(a) === undefined || !["direct", "protection"].includes(listed(a)!.category))).toEqual([]);
  });

  test("every type a direct delete of the catalogue destroys is protected at the gate, or written down with its reason", () => {
    const types = [...new Set(Object.values(DESTROYED_BY).flat())];
    expect(types.filter((t) => protectionOf(deleted(t)) === undefined && NOT_PROTECTED[t] === undefined)).toEqual([]);
  });

  test("the exclusions are not stale: each is a type of the table that the gate does not protect", () => {
    const types = new Set(Object.values(DESTROYED_BY).flat());
    expect(Object.keys(NOT_PROTECTED).filter((t) => !types.has(t) || protectionOf(deleted(t)) !== undefined)).toEqual([]);
  });
});

describe("destroying the types red-team round 168 found unprotected", () => {
  const gate = (type: string) => {
    const dir = tempDir();
    writeTemp(dir, "plan.json", JSON.stringify(minimalPlan([change(`${type}.x`, ["delete"], { id: "x" }, null, { action_reason: "delete_because_no_resource_config" })])));
    return (JSON.parse(renderJson(runGate({ planFile: "plan.json", cwd: dir, now: new Date("2026-12-01T09:00:00Z") }))) as { findings: { ruleId: string; severity: string; message: string }[] }).findings.filter(
      (f) => f.ruleId === "plan-protected-delete",
    );
  };

  test.each(["aws_detective_graph", "aws_macie2_account", "aws_kendra_index", "aws_cognito_identity_pool", "aws_connect_instance", "aws_location_geofence_collection"])("%s: plan-protected-delete, an error", (type) => {
    expect(gate(type).map((f) => [f.severity, f.message])).toEqual([["error", expect.stringContaining(`${type}.x`)]]);
  });

  test("controls: an Aurora Limitless shard group (its storage stays with the cluster) and a Glue table pass", () => {
    expect(gate("aws_rds_shard_group")).toEqual([]);
    expect(gate("aws_glue_catalog_table")).toEqual([]);
  });
});

// Red-team round 169b, F4: the Cloud Control (awscc) twins are made from PROTECTED_TWINS, not written by hand.
describe("the Cloud Control twins of the protected types", () => {
  /** Names checked by hand against the awscc provider's documented resources before they were derived. */
  const CHECKED: Readonly<Record<string, string>> = {
    "AWS::RDS::DBCluster": "awscc_rds_db_cluster",
    "AWS::Timestream::InfluxDBInstance": "awscc_timestream_influx_db_instance",
    "AWS::ECR::PublicRepository": "awscc_ecr_public_repository",
    "AWS::DirectoryService::SimpleAD": "awscc_directoryservice_simple_ad",
    "AWS::ServiceCatalog::CloudFormationProvisionedProduct": "awscc_servicecatalog_cloudformation_provisioned_product",
    "AWS::Backup::LogicallyAirGappedBackupVault": "awscc_backup_logically_air_gapped_backup_vault",
    "AWS::S3Express::DirectoryBucket": "awscc_s3express_directory_bucket",
    "AWS::OpenSearchService::Domain": "awscc_opensearchservice_domain",
    "AWS::MemoryDB::MultiRegionCluster": "awscc_memorydb_multi_region_cluster",
    "AWS::Macie::Session": "awscc_macie_session",
    "AWS::HealthLake::FHIRDatastore": "awscc_healthlake_fhir_datastore",
    "AWS::Location::GeofenceCollection": "awscc_location_geofence_collection",
  };

  test("awsccType gives the provider's names, acronyms kept whole", () => {
    expect(Object.fromEntries(Object.keys(CHECKED).map((c) => [c, awsccType(c)]))).toEqual(CHECKED);
    expect(awsccType("aws_s3_bucket")).toBeUndefined();
  });

  test("every protected aws type with a CloudFormation twin has its awscc twin protected", () => {
    const missing = Object.entries(PROTECTED_TWINS).flatMap(([aws, twins]) =>
      typeof twins === "string" ? [] : twins.map((c) => awsccType(c)!).filter((cc) => !PROTECTED_TYPES.has(cc)).map((cc) => `${aws} -> ${cc}`),
    );
    expect(missing).toEqual([]);
  });

  /** Catalogue action → the awscc types whose destroy calls it, for deletes no aws-provider type makes. */
  const AWSCC_DESTROYED_BY: Readonly<Record<string, readonly string[]>> = {
    "healthlake:DeleteFHIRDatastore": ["awscc_healthlake_fhir_datastore"],
    "omics:DeleteSequenceStore": ["awscc_omics_sequence_store"],
    "omics:DeleteReferenceStore": ["awscc_omics_reference_store"],
    "omics:DeleteVariantStore": ["awscc_omics_variant_store"],
    "omics:DeleteAnnotationStore": ["awscc_omics_annotation_store"],
    "ses:DeleteArchive": ["awscc_ses_mail_manager_archive"],
  };

  test("the catalogue's direct deletes with no aws-provider type protect their awscc types", () => {
    expect(Object.keys(AWSCC_DESTROYED_BY).filter((a) => listed(a)?.category !== "direct")).toEqual([]);
    expect(Object.values(AWSCC_DESTROYED_BY).flat().filter((t) => protectionOf(deleted(t)) === undefined)).toEqual([]);
  });

  test("a setting's owner speaks with the owner's words, not the setting's", () => {
    expect(PROTECTED_TYPES.get("awscc_ecr_repository")).toContain("equivalent of aws_ecr_repository)");
    expect(PROTECTED_TYPES.get("awscc_s3_bucket")).toContain("equivalent of aws_s3_bucket)");
  });
});

describe("destroying the awscc types red-team round 169b found unprotected", () => {
  const gate = (type: string) => {
    const dir = tempDir();
    writeTemp(dir, "plan.json", JSON.stringify(minimalPlan([change(`${type}.x`, ["delete"], { id: "x" }, null, { action_reason: "delete_because_no_resource_config" })])));
    return (JSON.parse(renderJson(runGate({ planFile: "plan.json", cwd: dir, now: new Date("2026-12-01T09:00:00Z") }))) as { findings: { ruleId: string; severity: string; message: string }[] }).findings.filter(
      (f) => f.ruleId === "plan-protected-delete",
    );
  };

  test.each([
    "awscc_detective_graph",
    "awscc_macie_session",
    "awscc_kendra_index",
    "awscc_cognito_identity_pool",
    "awscc_connect_instance",
    "awscc_location_geofence_collection",
    "awscc_cognito_user_pool",
    "awscc_healthlake_fhir_datastore",
    "awscc_omics_sequence_store",
  ])("%s: plan-protected-delete, an error", (type) => {
    expect(gate(type).map((f) => [f.severity, f.message])).toEqual([["error", expect.stringContaining(`${type}.x`)]]);
  });

  test("controls: an awscc cache and an awscc Glue table pass", () => {
    expect(gate("awscc_elasticache_serverless_cache")).toEqual([]);
    expect(gate("awscc_glue_table")).toEqual([]);
  });
});
