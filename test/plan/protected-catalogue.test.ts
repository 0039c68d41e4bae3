/**
 * The gate's protected types and the catalogue's destroy rights kept in step (red-team round 168, F3). The catalogue
 * (policies/destroy-rights.json) lists actions, not Terraform types, and nothing in blastwall maps one to the other:
 * the table below does, for the deletes whose Terraform type is certain. Every type a destroy of which calls one of
 * them is protected at the gate, or written down below with the reason it is not. Catalogue actions not in the table
 * (data-plane deletes such as s3:DeleteObject's siblings, actions with no Terraform type of their own, and types
 * blastwall could not map with certainty) are not checked here.
 */
import { loadCatalogue } from "../../lib/engine/catalogue";
import { PROTECTED_TYPES, protectionOf, REMOVED_AWS_TYPES } from "../../lib/plan/protected";
import { awsccType, PROTECTED_CFN_ONLY, PROTECTED_TWINS, STATEFUL } from "../../lib/plan/cfn-tables";
import { awsResourceTypes } from "../../lib/engine/aws-resource-types";
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
  // Deletes of the catalogue the table did not map yet, found by matching every direct action of a service the aws
  // provider has types for against the provider's type names (no deletes missed them but these).
  "sdb:DeleteDomain": ["aws_simpledb_domain"],
  "quicksight:DeleteAccountSubscription": ["aws_quicksight_account_subscription"],
  "quicksight:DeleteAnalysis": ["aws_quicksight_analysis"],
  "cloud9:DeleteEnvironment": ["aws_cloud9_environment_ec2"],
  "es:DeleteElasticsearchDomain": ["aws_elasticsearch_domain"],
  "servicecatalog:TerminateProvisionedProduct": ["aws_servicecatalog_provisioned_product"],
  "organizations:CloseAccount": ["aws_organizations_account"],
  "ec2:DeregisterImage": ["aws_ami", "aws_ami_copy", "aws_ami_from_instance"],
  "ec2:DeleteFleets": ["aws_ec2_fleet"],
  "ec2:CancelSpotFleetRequests": ["aws_spot_fleet_request"],
  "ec2:DeleteLaunchTemplate": ["aws_launch_template"],
  "autoscaling:DeleteAutoScalingGroup": ["aws_autoscaling_group"],
  "eks:DeleteCluster": ["aws_eks_cluster"],
  "eks:DeleteNodegroup": ["aws_eks_node_group"],
  "sagemaker:DeleteSpace": ["aws_sagemaker_space"],
  "fsx:DeleteDataRepositoryAssociation": ["aws_fsx_data_repository_association"],
  "fsx:DeleteStorageVirtualMachine": ["aws_fsx_ontap_storage_virtual_machine"],
  "fsx:DeleteFileCache": ["aws_fsx_file_cache"],
  "elasticbeanstalk:TerminateEnvironment": ["aws_elastic_beanstalk_environment"],
  "bedrock:DeleteKnowledgeBase": ["aws_bedrockagent_knowledge_base"],
  "cloudhsm:DeleteHsm": ["aws_cloudhsm_v2_hsm"],
  "elasticache:DeleteGlobalReplicationGroup": ["aws_elasticache_global_replication_group"],
  "mediastore:DeleteContainer": ["aws_media_store_container"],
  "codeartifact:DeleteDomain": ["aws_codeartifact_domain"],
  "geo:DeleteTracker": ["aws_location_tracker"],
  "cloudformation:DeleteStackSet": ["aws_cloudformation_stack_set"],
  "s3tables:DeleteNamespace": ["aws_s3tables_namespace"],
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
  aws_sagemaker_space: "its destroy deletes a volume only for a JupyterLab or Code Editor space, or one with EBS storage, which the gate protects (DELETES_WHEN)",
  aws_fsx_data_repository_association: "its destroy deletes files only with delete_data_in_filesystem = true, which the gate protects (DELETES_WHEN)",
  aws_elastic_beanstalk_environment: "its destroy deletes a database only when one is coupled with DBDeletionPolicy Delete, which the gate protects (DELETES_WHEN)",
  aws_quicksight_analysis: "a deleted analysis can be restored for its recovery window (recovery_window_in_days, 30 by default); the catalogue grades quicksight:DeleteAnalysis a warning",
  aws_ami: "deregistering an AMI keeps the EBS snapshots the configuration registered it from (aws_ami_copy and aws_ami_from_instance, which delete theirs, are protected)",
  aws_ec2_fleet: "compute: it terminates its instances only with terminate_instances = true, and instances are not protected (as aws_instance)",
  aws_spot_fleet_request: "compute: its instances are not protected (as aws_instance)",
  aws_launch_template: "a launch template is configuration the configuration writes again, not data",
  aws_autoscaling_group: "compute: its instances are not protected (as aws_instance)",
  aws_eks_cluster: "compute: persistent volumes are EBS volumes or EFS file systems, which deleting the cluster keeps",
  aws_eks_node_group: "compute: its instances are not protected (as aws_instance)",
  aws_fsx_ontap_storage_virtual_machine: "AWS refuses to delete one that still has volumes besides its root (aws_fsx_ontap_volume is protected)",
  aws_fsx_file_cache: "a cache in front of its data repositories, which keep the data",
  aws_bedrockagent_knowledge_base:
    "the vectors are made from source documents that stay, and a data source the configuration holds is judged on its own (DELETES_WHEN); the catalogue grades bedrock:DeleteKnowledgeBase a warning",
  aws_cloudhsm_v2_hsm: "the keys stay in the cluster's other HSMs and its backups; the catalogue grades cloudhsm:DeleteHsm a warning",
  aws_elasticache_global_replication_group: "a cache (lib/plan/protected.ts)",
  aws_media_store_container: "AWS refuses to delete a container that still holds objects",
  aws_codeartifact_domain: "AWS refuses to delete a domain that still has repositories (aws_codeartifact_repository is protected)",
  aws_location_tracker: "it keeps device positions for 30 days at most; the catalogue grades geo:DeleteTracker a warning",
  aws_cloudformation_stack_set: "CloudFormation refuses to delete a stack set that still has instances (aws_cloudformation_stack_set_instance is protected)",
  aws_s3tables_namespace: "AWS refuses to delete a namespace that still holds tables (aws_s3tables_table is protected)",
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
    "iotsitewise:DeleteAsset": ["awscc_iotsitewise_asset"],
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

// The gate-types review: stores the catalogue counts a destroy right whose types the gate let go, the Oracle
// Database@AWS clusters the databases live on, and the CloudFormation-only stores a template could drop unseen.
describe("destroying the stores the gate-types review found unprotected", () => {
  type Found = { ruleId: string; severity: string; message: string; resource: string };
  const gate = (changes: Record<string, unknown>[]) => {
    const dir = tempDir();
    writeTemp(dir, "plan.json", JSON.stringify(minimalPlan(changes)));
    return (JSON.parse(renderJson(runGate({ planFile: "plan.json", cwd: dir, now: new Date("2026-12-01T09:00:00Z") }))) as { findings: Found[] }).findings.filter((f) => f.severity === "error");
  };
  const awscc = (rc: Record<string, unknown>) => ({ ...rc, provider_name: "registry.terraform.io/hashicorp/awscc" });
  const AWS = ["aws_simpledb_domain", "aws_odb_cloud_vm_cluster", "aws_odb_cloud_autonomous_vm_cluster", "aws_quicksight_account_subscription", "aws_cloud9_environment_ec2"];
  const AWSCC = ["awscc_iotsitewise_asset", "awscc_odb_cloud_vm_cluster", "awscc_odb_cloud_autonomous_vm_cluster", "awscc_cloud9_environment_ec2", "awscc_ses_mail_manager_archive"];
  const tag = (type: string) => (type.startsWith("awscc_") ? awscc : (rc: Record<string, unknown>) => rc);

  test.each([...AWS, ...AWSCC])("%s: a destroy and a replace are plan-protected-delete errors", (type) => {
    const del = tag(type)(change(`${type}.x`, ["delete"], { id: "x" }, null, { action_reason: "delete_because_no_resource_config" }));
    const replace = tag(type)(change(`${type}.y`, ["delete", "create"], { id: "y", name: "a" }, { id: "y", name: "b" }, { replace_paths: [["name"]] }));
    expect(gate([del, replace]).map((f) => `${f.ruleId} ${f.resource}`)).toEqual([`plan-protected-delete ${type}.x`, `plan-protected-delete ${type}.y`]);
    expect(gate([del])[0].message).toContain(`Protected because ${type} is a protected type`);
  });

  test.each([...AWS, ...AWSCC])("control: %s created, or updated in place, passes", (type) => {
    const create = tag(type)(change(`${type}.x`, ["create"], null, { name: "a" }));
    const update = tag(type)(change(`${type}.y`, ["update"], { id: "y", display_name: "a" }, { id: "y", display_name: "b" }));
    expect(gate([create, update])).toEqual([]);
  });

  test("the aws provider has the types it protects (Oracle Database@AWS in 6.x), or removed them as REMOVED_AWS_TYPES says", () => {
    const known = new Set(awsResourceTypes());
    expect(AWS.filter((t) => !known.has(t) && REMOVED_AWS_TYPES[t] === undefined)).toEqual([]);
    // A removed type the provider's list holds again is no longer removed.
    expect(Object.keys(REMOVED_AWS_TYPES).filter((t) => known.has(t) || !PROTECTED_TYPES.has(t))).toEqual([]);
  });

  const tpl = (resources: Record<string, unknown>) => JSON.stringify({ Resources: resources });
  const TOPIC = { Type: "AWS::SNS::Topic" };
  const stack = (before: string, after: string) => change("aws_cloudformation_stack.app", ["update"], { name: "app", template_body: before }, { name: "app", template_body: after });
  const CFN = [...Object.keys(PROTECTED_CFN_ONLY), "AWS::SDB::Domain", "AWS::ODB::CloudVmCluster", "AWS::ODB::CloudAutonomousVmCluster", "AWS::Cloud9::EnvironmentEC2"];

  test.each(CFN)("dropping %s from a stack's template is plan-stack-template-drops-data", (type) => {
    expect(STATEFUL.has(type)).toBe(true);
    const fs = gate([stack(tpl({ R: { Type: type, Properties: {} }, T: TOPIC }), tpl({ T: TOPIC }))]);
    expect(fs.map((f) => [f.ruleId, f.resource])).toEqual([["plan-stack-template-drops-data", "aws_cloudformation_stack.app"]]);
    expect(fs[0].message).toContain(`R (${type}) is dropped with DeletionPolicy "Delete", so CloudFormation deletes it`);
  });

  test("control: the Mail Manager archive dropped with DeletionPolicy Retain, or kept, passes", () => {
    const archive = { Type: "AWS::SES::MailManagerArchive", Properties: { ArchiveName: "mail" } };
    expect(gate([stack(tpl({ R: { ...archive, DeletionPolicy: "Retain" }, T: TOPIC }), tpl({ T: TOPIC }))])).toEqual([]);
    expect(gate([stack(tpl({ R: archive, T: TOPIC }), tpl({ R: archive }))])).toEqual([]);
  });
});
