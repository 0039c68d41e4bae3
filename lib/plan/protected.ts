/**
 * Which resources the plan gate protects, and the words that explain why a plan destroys one.
 * Config can only add protection (addresses, types); it can never remove a built-in type, because the config
 * file usually sits in the repository an agent can edit.
 */
import type { Evidence } from "../engine/findings";
import type { PlanGateConfig, PlanResourceChange } from "./types";
import { formatPath, getPath, isObject, tagValue, truthy } from "./values";

export const PROTECTED_TAG = "blastwall:protected";
import { AGENT_TAG } from "../engine/agent-tags";
import { agentSelector } from "../engine/agents";
import { cloudControlStandIn } from "../engine/cloud-control";
import type { TfResource } from "../engine/terraform/types";
import { addressMatch, globMatch } from "../engine/config-addresses";
import { awsccType, PROTECTED_CFN_ONLY, PROTECTED_TWINS } from "./cfn-tables";

export { addressMatch, blockAddressMatch, globMatch } from "../engine/config-addresses";

export { AGENT_TAG };

/**
 * Stateful and guardrail resource types: destroying one loses data, or removes what protects data.
 * Deliberately not here: `aws_rds_cluster_instance` (Aurora data lives in the cluster volume; deleting an instance
 * loses no data, and instances are replaced routinely), caches (`aws_elasticache_*`), `aws_instance` (replaced on
 * every AMI change; a root volume holding data is better an `aws_ebs_volume`), and objects and items a configuration
 * writes itself (`aws_s3_object`, `aws_dynamodb_table_item`: deploy artifacts and seed data the configuration writes
 * again). Add them with `protected.types` when they matter to you.
 */
const AWS_REASONS: ReadonlyMap<string, string> = new Map([
  ["aws_db_instance", "an RDS DB instance holds a database; destroying it deletes the data (and, by default, its automated backups)"],
  ["aws_rds_cluster", "an Aurora/RDS cluster holds the cluster volume with all of its data"],
  ["aws_rds_global_cluster", "a global cluster ties the regional copies of a database together"],
  ["aws_db_snapshot", "a manual DB snapshot is a backup; destroying it loses that restore point"],
  ["aws_db_cluster_snapshot", "a manual cluster snapshot is a backup; destroying it loses that restore point"],
  ["aws_db_snapshot_copy", "a copy of a DB snapshot is a backup, often the one kept in another region or account"],
  ["aws_rds_cluster_snapshot_copy", "a copy of a cluster snapshot is a backup, often the one kept in another region or account"],
  ["aws_prometheus_workspace", "an Amazon Managed Service for Prometheus workspace holds metrics; destroying it deletes them"],
  ["aws_sagemaker_notebook_instance", "a SageMaker notebook instance's storage volume holds its notebooks and data; destroying it deletes them"],
  ["aws_servicecatalog_provisioned_product", "destroying a provisioned product deletes the resources its product created"],
  ["aws_cloudformation_stack_set_instance", "destroying a stack set instance deletes its stack and every resource in it (unless retain_stack is set)"],
  ["aws_cloudformation_stack_instances", "destroying stack instances deletes their stacks and every resource in them (unless retain_stacks is set)"],
  ["aws_docdb_cluster_snapshot", "a manual DocumentDB cluster snapshot is a backup; destroying it loses that restore point"],
  ["aws_neptune_cluster_snapshot", "a manual Neptune cluster snapshot is a backup; destroying it loses that restore point"],
  ["aws_redshift_cluster_snapshot", "a manual Redshift snapshot is a backup of the warehouse"],
  ["aws_redshiftserverless_snapshot", "a Redshift Serverless snapshot is a backup of the namespace's data"],
  ["aws_memorydb_snapshot", "a MemoryDB snapshot is a backup of the database"],
  ["aws_docdb_cluster", "a DocumentDB cluster holds a database"],
  ["aws_neptune_cluster", "a Neptune cluster holds a database"],
  ["aws_redshift_cluster", "a Redshift cluster holds a data warehouse"],
  ["aws_redshiftserverless_namespace", "a Redshift Serverless namespace holds the warehouse's databases and their data"],
  ["aws_docdbelastic_cluster", "a DocumentDB elastic cluster holds a database"],
  ["aws_memorydb_cluster", "a MemoryDB cluster is a durable database, not a cache: destroying it deletes the data"],
  ["aws_dsql_cluster", "an Aurora DSQL cluster holds a database"],
  ["aws_qldb_ledger", "a QLDB ledger holds its journal, the append-only record of every change"],
  ["aws_keyspaces_keyspace", "a Keyspaces keyspace holds its tables and their rows"],
  ["aws_keyspaces_table", "a Keyspaces table holds rows"],
  ["aws_timestreamwrite_database", "a Timestream database holds its tables and their time series"],
  ["aws_timestreamwrite_table", "a Timestream table holds time series data"],
  ["aws_lightsail_database", "a Lightsail database holds a database"],
  ["aws_timestreaminfluxdb_db_instance", "a Timestream for InfluxDB instance holds a time series database"],
  ["aws_timestreaminfluxdb_db_cluster", "a Timestream for InfluxDB cluster holds a time series database"],
  ["aws_neptunegraph_graph", "a Neptune Analytics graph holds its data"],
  ["aws_docdb_global_cluster", "a DocumentDB global cluster ties the regional copies of a database together"],
  ["aws_neptune_global_cluster", "a Neptune global cluster ties the regional copies of a database together"],
  ["aws_redshift_snapshot_copy", "cross-region snapshot copy keeps a Redshift cluster's backups in another region; destroying it stops the copy"],
  ["aws_ebs_volume", "an EBS volume holds a disk's data"],
  ["aws_ebs_snapshot", "an EBS snapshot is a backup of a disk"],
  ["aws_ebs_snapshot_copy", "a copy of an EBS snapshot is a backup of a disk, often the one kept in another region"],
  ["aws_ebs_snapshot_import", "an imported EBS snapshot is a backup of a disk"],
  ["aws_ami_copy", "destroying a copied AMI deletes the EBS snapshots it copied, the disks' backups"],
  ["aws_ami_from_instance", "destroying an AMI made from an instance deletes its EBS snapshots, the disks' backups"],
  ["aws_lightsail_instance", "a Lightsail instance holds its system disk's data"],
  ["aws_workspaces_workspace", "a WorkSpace holds its user's volume"],
  ["aws_emr_cluster", "an EMR cluster holds the data on its HDFS volumes"],
  ["aws_lightsail_disk", "a Lightsail disk holds a disk's data"],
  ["aws_efs_file_system", "an EFS file system holds files"],
  ["aws_efs_backup_policy", "the EFS backup policy turns automatic backups of the file system on; destroying it turns them off"],
  ["aws_fsx_lustre_file_system", "an FSx file system holds files"],
  ["aws_fsx_windows_file_system", "an FSx file system holds files"],
  ["aws_fsx_ontap_file_system", "an FSx file system holds files"],
  ["aws_fsx_openzfs_file_system", "an FSx file system holds files"],
  ["aws_fsx_backup", "an FSx backup is a restore point of a file system"],
  ["aws_fsx_ontap_volume", "an FSx for ONTAP volume holds the files of its file system"],
  ["aws_fsx_openzfs_volume", "an FSx for OpenZFS volume holds the files of its file system"],
  ["aws_fsx_openzfs_snapshot", "an FSx for OpenZFS snapshot is a restore point of a volume"],
  ["aws_dynamodb_table", "a DynamoDB table holds items; destroying it deletes them"],
  ["aws_dynamodb_global_table", "a DynamoDB global table holds items"],
  ["aws_s3_bucket", "an S3 bucket holds objects (with force_destroy, Terraform empties it first)"],
  ["aws_s3_bucket_versioning", "destroying the versioning resource suspends versioning, so overwritten and deleted objects are no longer kept"],
  ["aws_s3_bucket_object_lock_configuration", "object lock keeps objects from being deleted or overwritten"],
  ["aws_s3_bucket_policy", "a bucket policy can deny deleting objects and the bucket; destroying it lifts that guardrail"],
  ["aws_dynamodb_resource_policy", "a DynamoDB resource policy can deny deleting the table and its items; destroying it lifts that guardrail"],
  ["aws_secretsmanager_secret_policy", "a secret's resource policy can deny deleting the secret; destroying it lifts that guardrail"],
  ["aws_ecr_repository_policy", "a repository policy can deny deleting images; destroying it lifts that guardrail"],
  ["aws_efs_file_system_policy", "a file system policy can deny deleting the file system and writing to it; destroying it lifts that guardrail"],
  ["aws_s3_directory_bucket", "an S3 directory bucket (Express One Zone) holds objects"],
  ["aws_s3tables_table_bucket", "an S3 table bucket holds its tables and their data"],
  ["aws_s3tables_table", "an S3 table holds data"],
  ["aws_glacier_vault", "a Glacier vault holds archives"],
  ["aws_glacier_vault_lock", "a Glacier vault lock keeps archives from being deleted; an unlocked one can be removed"],
  ["aws_efs_replication_configuration", "EFS replication keeps a copy of the file system in another region or account; destroying it stops the copy"],
  ["aws_directory_service_directory", "a Directory Service directory holds the users, groups and computers of a domain"],
  ["aws_opensearch_domain", "an OpenSearch domain holds indexed data"],
  ["aws_elasticsearch_domain", "an Elasticsearch domain holds indexed data"],
  ["aws_opensearchserverless_collection", "an OpenSearch Serverless collection holds indexed data"],
  ["aws_cloudsearch_domain", "a CloudSearch domain holds indexed documents"],
  ["aws_kinesis_stream", "a Kinesis stream holds the records not yet consumed"],
  ["aws_msk_cluster", "an MSK (Kafka) cluster holds its topics' messages"],
  ["aws_sqs_queue", "an SQS queue holds messages not yet processed; destroying it loses them"],
  ["aws_mq_broker", "an Amazon MQ broker holds messages not yet consumed"],
  ["aws_secretsmanager_secret", "a Secrets Manager secret holds credentials; once its recovery window ends they are gone"],
  ["aws_ssm_parameter", "an SSM parameter holds configuration or a secret value; deleting it is immediate, with no recovery"],
  ["aws_ecr_repository", "an ECR repository holds container images (with force_delete, Terraform deletes them)"],
  ["aws_ecrpublic_repository", "an ECR Public repository holds container images"],
  ["aws_codeartifact_repository", "a CodeArtifact repository holds packages"],
  ["aws_codecommit_repository", "a CodeCommit repository holds source code and its history"],
  ["aws_cognito_user_pool", "a Cognito user pool holds user accounts; users and their passwords cannot be exported and restored"],
  ["aws_cloudwatch_log_group", "a CloudWatch log group holds logs, often the audit record; destroying it deletes them"],
  ["aws_cloudwatch_log_stream", "a CloudWatch log stream holds log events; destroying it deletes them"],
  ["aws_route53_zone", "a hosted zone holds DNS records; a zone created again gets new name servers, so delegations break"],
  ["aws_acmpca_certificate_authority", "a private CA issues the certificates services trust; once deleted its key is gone and cannot be recreated"],
  ["aws_cloudformation_stack", "destroying a CloudFormation stack deletes every resource in it"],
  ["aws_serverlessapplicationrepository_cloudformation_stack", "a Serverless Application Repository stack is a CloudFormation stack: destroying it deletes every resource in it"],
  ["aws_backup_vault", "a backup vault holds the recovery points that restore lost data"],
  ["aws_backup_logically_air_gapped_vault", "an air-gapped backup vault holds the last-resort recovery points"],
  ["aws_backup_vault_lock_configuration", "the vault lock keeps recovery points from being deleted early"],
  ["aws_backup_vault_policy", "the vault access policy can deny deleting recovery points"],
  ["aws_backup_plan", "the backup plan makes the backups; without it no new recovery points are created"],
  ["aws_backup_selection", "the backup selection decides which resources are backed up"],
  ["aws_rbin_rule", "a Recycle Bin rule keeps deleted snapshots and AMIs recoverable"],
  ["aws_dlm_lifecycle_policy", "a Data Lifecycle Manager policy makes EBS snapshots and AMIs; without it no new ones are created"],
  ["aws_db_instance_automated_backups_replication", "automated backup replication keeps a copy of a DB instance's backups in another region; destroying it stops the copy"],
  ["aws_kms_key", "a KMS key encrypts data; once deleted, everything encrypted under it is unreadable"],
  ["aws_kms_replica_key", "a KMS replica key decrypts data in its region"],
  ["aws_kms_external_key", "a KMS key encrypts data; once deleted, everything encrypted under it is unreadable"],
  ["aws_paymentcryptography_key", "a Payment Cryptography key encrypts payment data; once deleted, everything encrypted under it is unreadable"],
  ["aws_kms_key_policy", "the key policy decides who can use, disable or schedule deletion of a KMS key"],
  ["aws_cloudtrail", "a CloudTrail trail is the audit record of who destroyed what"],
  ["aws_cloudtrail_event_data_store", "a CloudTrail event data store holds the audit record"],
  ["aws_config_configuration_recorder", "the AWS Config recorder keeps the record of resource changes; destroying it stops the record"],
  ["aws_guardduty_detector", "the GuardDuty detector is the account's threat detection; destroying it also deletes its findings"],
  ["aws_organizations_organization", "the organization holds the accounts and their guardrail policies"],
  ["aws_organizations_account", "destroying an Organizations account removes it from the organization (and with close_on_deletion closes it)"],
  ["aws_organizations_policy", "an Organizations policy (SCP/RCP/backup policy) is a guardrail over whole accounts"],
  ["aws_organizations_policy_attachment", "detaching an Organizations policy lifts its guardrail from the target"],
  ["aws_iam_organizations_features", "centralised root access management keeps member-account root users disabled"],
  ["aws_config_configuration_recorder_status", "destroying the recorder status stops the AWS Config recorder, so resource changes are no longer recorded"],
  ["aws_s3_bucket_replication_configuration", "replication keeps a copy of the bucket's objects in another bucket; destroying it stops the copy"],
  ["aws_dynamodb_table_replica", "a DynamoDB table replica is the table's copy in another region; destroying it deletes that copy"],
  ["aws_lightsail_bucket", "a Lightsail bucket holds objects (with force_delete, Terraform deletes them)"],
  ["aws_msk_serverless_cluster", "an MSK Serverless (Kafka) cluster holds its topics' messages"],
  ["aws_s3vectors_vector_bucket", "an S3 vector bucket holds its vector indexes and their vectors"],
  ["aws_s3vectors_index", "an S3 vector index holds vectors"],
  ["aws_storagegateway_cached_iscsi_volume", "a Storage Gateway cached volume keeps a disk's data in AWS; destroying it deletes the volume"],
  ["aws_storagegateway_stored_iscsi_volume", "a Storage Gateway stored volume is a disk of the gateway, backed up to AWS; destroying it deletes the volume"],
  ["aws_kinesis_video_stream", "a Kinesis video stream holds the video and data it stores"],
  ["aws_memorydb_multi_region_cluster", "a MemoryDB multi-Region cluster ties the regional copies of a database together"],
  ["aws_sagemaker_feature_group", "a SageMaker feature group holds feature records; destroying it deletes its online store"],
  ["aws_bedrockagentcore_memory", "an AgentCore memory holds an agent's events and memory records; destroying it deletes them"],
  ["aws_finspace_kx_database", "a FinSpace kdb database holds its data; destroying it deletes the data, irreversibly"],
  ["aws_finspace_kx_volume", "a FinSpace kdb volume holds data"],
  ["aws_route53domains_domain", "destroying it deregisters the domain name (and deletes its hosted zone): the registry may release the name to anyone"],
  ["aws_kms_replica_external_key", "a KMS replica key decrypts data in its region"],
  ["aws_cloudwatch_event_archive", "an EventBridge archive holds past events for replay; destroying it deletes them"],
  ["aws_sesv2_contact_list", "an SES contact list holds contacts and their topic preferences; destroying it deletes them"],
  ["aws_s3control_bucket", "an S3 on Outposts bucket holds objects"],
  ["aws_customerprofiles_domain", "a Customer Profiles domain holds customer profiles; destroying it deletes them"],
  ["aws_s3tables_table_bucket_policy", "a table bucket policy can deny deleting its tables and their data; destroying it lifts that guardrail"],
  ["aws_s3tables_table_policy", "a table policy can deny deleting the table and its data; destroying it lifts that guardrail"],
  ["aws_s3vectors_vector_bucket_policy", "a vector bucket policy can deny deleting its indexes and vectors; destroying it lifts that guardrail"],
  // Red-team round 168, F3: types whose destroy calls a delete the catalogue (policies/destroy-rights.json) counts as
  // an agent's destroy right; test/plan/protected-catalogue.test.ts keeps the two lists in step.
  ["aws_detective_graph", "destroying the Detective behavior graph disables Detective and deletes the graph's data, which AWS documents cannot be restored"],
  ["aws_macie2_account", "destroying the Macie account disables Macie, which AWS documents as permanently deleting its findings, classification jobs and settings"],
  ["aws_kendra_index", "a Kendra index holds its indexed document data; AWS documents that deleting it removes that data (the source documents stay where they are)"],
  ["aws_cognito_identity_pool", "an identity pool holds its identities: once deleted its users cannot authenticate with it, and a pool created again gives them new identity IDs, so data an app keys by the old ones (S3 prefixes, table keys) is orphaned"],
  ["aws_connect_instance", "destroying an Amazon Connect instance deletes it with its users, flows, queues and, blastwall believes (fairly but not fully sure), its contact records and metrics history; recordings kept in your own S3 bucket stay"],
  ["aws_location_geofence_collection", "a Location geofence collection holds geofences; AWS documents that deleting it deletes them permanently"],
  // Types whose delete the catalogue lists (sdb:DeleteDomain, quicksight:DeleteAccountSubscription,
  // cloud9:DeleteEnvironment) and the Oracle Database@AWS clusters the databases live on. The provider removed
  // aws_simpledb_domain in 6.0.0 (REMOVED_AWS_TYPES); a plan made with 5.x still holds it. Not here:
  // aws_odb_cloud_exadata_infrastructure, which AWS refuses to delete while a VM cluster is on it, and aws_odb_network.
  ["aws_simpledb_domain", "a SimpleDB domain holds items; destroying it deletes every item in it"],
  ["aws_odb_cloud_vm_cluster", "destroying an Oracle Database@AWS Exadata VM cluster deletes its VMs with their local storage, and may take the Oracle databases made on it (AWS does not document that it refuses while any remain, and the plan cannot show whether they do)"],
  ["aws_odb_cloud_autonomous_vm_cluster", "an Oracle Database@AWS Autonomous VM cluster holds the Autonomous Container Databases and Autonomous Databases made on it; the plan cannot show whether any remain, so its destroy counts as deleting them"],
  ["aws_quicksight_account_subscription", "destroying the QuickSight account subscription deletes every dashboard, analysis, dataset and SPICE copy of the account's QuickSight, with no recovery (once termination protection is off)"],
  ["aws_cloud9_environment_ec2", "destroying a Cloud9 EC2 environment deletes its instance and volume, and with them every file of that development environment"],
]);

// Protected aws types the AWS provider has since removed (engine/aws-resource-types.ts keeps the list).
export { REMOVED_AWS_TYPES } from "../engine/aws-resource-types";

/**
 * A CloudFormation type that several protected aws types name as their twin (PROTECTED_TWINS lists a setting under
 * the type that owns it) takes the words of the first, unless this names the aws type whose words it takes, or gives
 * words of its own where none of the aws types' fit.
 */
const AWSCC_WORDS: Readonly<Record<string, { readonly of: string } | { readonly why: string }>> = {
  "AWS::ECR::Repository": { of: "aws_ecr_repository" },
  "AWS::FSx::FileSystem": { why: "an FSx file system holds files" },
  "AWS::FSx::Volume": { why: "an FSx volume holds the files of its file system" },
  "AWS::StorageGateway::Volume": { why: "a Storage Gateway volume keeps a disk's data; destroying it deletes the volume" },
  // The stack set's Cloud Control delete handler deletes its stack instances before the set (CloudFormation itself
  // refuses to delete a set that has instances), and no argument of the awscc type keeps their stacks.
  "AWS::CloudFormation::StackSet": { why: "destroying a stack set through Cloud Control deletes its stack instances first, and with them their stacks and every resource in them" },
};

/**
 * The same data and guardrails under the Cloud Control provider, whose types follow CloudFormation's names
 * (`AWS::RDS::DBCluster` → `awscc_rds_db_cluster`, see awsccType): made from the CloudFormation twins of the protected
 * aws types (PROTECTED_TWINS in cfn-tables.ts), so a type protected in one provider is in the other. Red-team round
 * 169b: the list was written by hand, and six types added to AWS_REASONS had no awscc twin. A twin that Cloud Control
 * cannot manage (AWS::EMR::Cluster) makes a name no plan holds, which protects nothing and costs nothing.
 */
function awsccTypes(): [string, string][] {
  const out = new Map<string, string>();
  const add = (cfn: string, why: string) => {
    const cc = awsccType(cfn);
    if (cc === undefined) throw new Error(`protected.ts: ${cfn} is not a CloudFormation type name`);
    if (!out.has(cc)) out.set(cc, why);
  };
  for (const [cfn, words] of Object.entries(AWSCC_WORDS)) {
    const why = "of" in words ? twinWords(words.of) : words.why;
    add(cfn, why);
  }
  for (const [aws, twins] of Object.entries(PROTECTED_TWINS)) {
    if (typeof twins === "string") continue;
    for (const cfn of twins) add(cfn, twinWords(aws));
  }
  for (const [cfn, why] of Object.entries(PROTECTED_CFN_ONLY)) add(cfn, why);
  return [...out];
}

/** The words of a protected aws type, said of its Cloud Control twin. */
function twinWords(aws: string): string {
  const why = AWS_REASONS.get(aws);
  if (why === undefined) throw new Error(`protected.ts: ${aws} is not a protected aws type`);
  return `${why} (the Cloud Control equivalent of ${aws})`;
}

/** Every protected type: the aws provider's, and their Cloud Control (awscc) equivalents. */
export const PROTECTED_TYPES: ReadonlyMap<string, string> = new Map([...AWS_REASONS, ...awsccTypes()]);

export type ProtectionSource = "type" | "config-type" | "config-address" | "tag";

export interface Protection {
  readonly source: ProtectionSource;
  /** Human text: why this resource counts as protected. */
  readonly detail: string;
  /** Short form for a message: `aws_db_instance is a protected type`, `it is tagged blastwall:protected`. */
  readonly summary: string;
}

/** Why a resource change concerns a protected resource, or undefined. Looks at both addresses of a move. */
/** Built-in types whose destroy keeps the data when a setting says so (read from the state being destroyed). */
const KEPT_WHEN: Readonly<Record<string, (before: unknown) => boolean>> = {
  aws_cloudformation_stack_set_instance: (before) => isObject(before) && before.retain_stack === true,
  aws_cloudformation_stack_instances: (before) => isObject(before) && before.retain_stacks === true,
};

/**
 * Built-in types whose destroy deletes data only when a setting says so (read from the state being destroyed): the
 * setting, and what it makes the destroy delete. A forget deletes nothing, so only a destroy counts.
 */
const DELETES_WHEN: Readonly<Record<string, { readonly when: (before: unknown) => boolean; readonly setting: string; readonly why: string }>> = {
  aws_fsx_data_repository_association: {
    when: (before) => truthy(getPath(before, ["delete_data_in_filesystem"])),
    setting: "delete_data_in_filesystem = true",
    why: "destroying a data repository association deletes its files from the FSx file system",
  },
  aws_sagemaker_domain: {
    when: (before) => {
      const v = getPath(before, ["retention_policy", 0, "home_efs_file_system"]);
      return typeof v === "string" && v.trim().toLowerCase() === "delete";
    },
    setting: 'retention_policy home_efs_file_system = "Delete"',
    why: "destroying a SageMaker domain deletes the EFS file system that holds its users' home directories",
  },
  // Red-team round 88. A knowledge base data source's DELETE policy (AWS's default when none is set) deletes the
  // vector embeddings made from it in the vector store when the data source is deleted.
  aws_bedrockagent_data_source: {
    when: (before) => !isValue(getPath(before, ["data_deletion_policy"]), "RETAIN"),
    setting: 'data_deletion_policy "DELETE", AWS\'s default',
    why: "destroying a knowledge base data source deletes the vector embeddings made from it from the vector store",
  },
  awscc_bedrock_data_source: {
    when: (before) => !isValue(getPath(before, ["data_deletion_policy"]), "RETAIN"),
    setting: 'data_deletion_policy "DELETE", AWS\'s default',
    why: "destroying a knowledge base data source deletes the vector embeddings made from it from the vector store",
  },
  // An environment with a coupled RDS database terminates it with the environment: deleted, with DBDeletionPolicy
  // Delete (the default, Snapshot, keeps a snapshot; Retain keeps the database).
  aws_elastic_beanstalk_environment: {
    when: (before) => {
      const option = (name: string) => ["setting", "all_settings"].flatMap((k) => asArray(getPath(before, [k]))).find((o) => isObject(o) && o.namespace === "aws:rds:dbinstance" && o.name === name);
      const value = (name: string) => (isObject(option(name)) ? (option(name) as Record<string, unknown>).value : undefined);
      return isValue(value("DBDeletionPolicy"), "DELETE") && !isValue(value("HasCoupledDatabase"), "FALSE");
    },
    setting: 'setting aws:rds:dbinstance DBDeletionPolicy = "Delete"',
    why: "terminating an Elastic Beanstalk environment deletes the RDS database coupled to it, without a final snapshot",
  },
  // A Studio space of JupyterLab or Code Editor keeps its files on an EBS volume of its own, which DeleteSpace deletes
  // ("If you delete a space, you lose access to the data in that space").
  aws_sagemaker_space: {
    when: (before) => spaceHoldsVolume(getPath(before, ["space_settings", 0, "app_type"]), getPath(before, ["space_settings", 0, "space_storage_settings", 0, "ebs_storage_settings"])),
    setting: "app_type JupyterLab or CodeEditor, or EBS space storage",
    why: "destroying a SageMaker Studio space deletes the EBS volume that holds its files",
  },
  awscc_sagemaker_space: {
    when: (before) => spaceHoldsVolume(getPath(before, ["space_settings", "app_type"]), getPath(before, ["space_settings", "space_storage_settings", "ebs_storage_settings"])),
    setting: "app_type JupyterLab or CodeEditor, or EBS space storage",
    why: "destroying a SageMaker Studio space deletes the EBS volume that holds its files",
  },
};

function isValue(v: unknown, value: string): boolean {
  return typeof v === "string" && v.trim().toUpperCase() === value;
}

function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** A space whose app keeps its files on an EBS volume of the space: JupyterLab or Code Editor, or storage set. */
function spaceHoldsVolume(appType: unknown, ebs: unknown): boolean {
  const hasEbs = Array.isArray(ebs) ? ebs.length > 0 : isObject(ebs);
  return isValue(appType, "JUPYTERLAB") || isValue(appType, "CODEEDITOR") || hasEbs;
}

export function protectionOf(rc: PlanResourceChange, config: PlanGateConfig = {}): Protection | undefined {
  const builtin = KEPT_WHEN[rc.type]?.(rc.change.before) === true ? undefined : PROTECTED_TYPES.get(rc.type);
  if (builtin) return { source: "type", detail: `${rc.type} is a protected type: ${builtin}`, summary: `${rc.type} is a protected type` };
  const deletes = DELETES_WHEN[rc.type];
  if (deletes && rc.change.actions.includes("delete") && deletes.when(rc.change.before)) {
    return { source: "type", detail: `${rc.type} is protected when its destroy deletes data: with ${deletes.setting}, ${deletes.why}`, summary: `its destroy deletes data (with ${deletes.setting})` };
  }
  const byConfig = configProtection(rc.type, [rc.address, rc.previous_address].filter((a): a is string => !!a), config);
  if (byConfig) return byConfig;
  for (const side of ["before", "after"] as const) {
    if (truthy(tagValue(rc.change[side], PROTECTED_TAG, rc.type))) {
      return {
        source: "tag",
        detail: `tagged ${PROTECTED_TAG} = "true" (${side === "before" ? "in its current state" : "in the plan"})`,
        summary: `it is tagged ${PROTECTED_TAG} = "true"`,
      };
    }
  }
  return undefined;
}

/**
 * Why the config's `protected` names a resource of `type` at one of `addresses` (a move has two), or undefined.
 * `match` decides whether an address entry covers an address: the gate's own `addressMatch` by default.
 */
export function configProtection(
  type: string,
  addresses: readonly string[],
  config: Pick<PlanGateConfig, "protected">,
  match: (pattern: string, address: string) => boolean = addressMatch,
): Protection | undefined {
  const typeGlob = (config.protected?.types ?? []).find((t) => globMatch(t, type));
  if (typeGlob) {
    const detail = `config protected.types lists ${JSON.stringify(typeGlob)}`;
    return { source: "config-type", detail, summary: detail };
  }
  for (const pattern of config.protected?.addresses ?? []) {
    if (addresses.some((a) => match(pattern, a))) {
      const detail = `config protected.addresses lists ${JSON.stringify(pattern)}`;
      return { source: "config-address", detail, summary: detail };
    }
  }
  return undefined;
}

/** True when the role or user is tagged as an AI agent (`blastwall:agent` = "true"), before or after the change. */
export function taggedAgent(rc: PlanResourceChange): boolean {
  return truthy(tagValue(rc.change.before, AGENT_TAG)) || truthy(tagValue(rc.change.after, AGENT_TAG));
}

/**
 * True when the change is about an agent principal: the tag, the `/agents/` path, or the config's `agents` selectors
 * (address, IAM name glob, tags), on the object before or after the change.
 */
const selectors = new WeakMap<PlanGateConfig, ReturnType<typeof agentSelector>>();

/** The engine's agent selection for this config, made once per config (every rule asks of every change). */
function selectorOf(config: PlanGateConfig): ReturnType<typeof agentSelector> {
  let f = selectors.get(config);
  if (!f) {
    const sel = config.agents;
    f = agentSelector({ agents: sel && { addresses: sel.addresses && [...sel.addresses], names: sel.names && [...sel.names], tags: sel.tags && { ...sel.tags } } });
    selectors.set(config, f);
  }
  return f;
}

export function isAgentChange(rc: PlanResourceChange, config: PlanGateConfig = {}): boolean {
  if (taggedAgent(rc)) return true;
  // Each side as the principal it describes, judged by the engine's own selection (agent tag, `/agents/` path, the
  // config's addresses, names and tags): a plan that moves an agent out of any of them must not take it out of the
  // checks in the same breath, and the gate and `blastwall check` agree on who is an agent.
  const isAgent = selectorOf(config);
  const addresses = [rc.address, rc.previous_address].filter((a): a is string => typeof a === "string");
  for (const side of [rc.change.before, rc.change.after]) {
    if (typeof side !== "object" || side === null) continue;
    const values = side as Record<string, unknown>;
    // An awscc role, user or permission set as the aws_* principal it stands for (its name argument, its list of tags).
    const as = (address: string): TfResource => {
      const r: TfResource = { mode: "managed", type: rc.type, name: rc.name, address, values };
      return cloudControlStandIn(undefined, r) ?? r;
    };
    if (addresses.some((address) => isAgent(as(address)) !== undefined)) return true;
  }
  return false;
}


const REASONS: Readonly<Record<string, string>> = {
  delete_because_no_resource_config:
    "the resource block was removed from the configuration; removing the block bypasses prevent_destroy, which Terraform only honours while the block exists",
  delete_because_no_module:
    "the module call that contained it was removed from the configuration; prevent_destroy inside the module is bypassed the same way",
  delete_because_count_index:
    "its count index is no longer in range (count was lowered or the list shrank), so the object at this index is destroyed",
  delete_because_each_key:
    "its for_each key is no longer in the collection; a renamed key destroys the old object and creates a new one (use a moved block to rename)",
  delete_because_wrong_repetition:
    "count or for_each was added or removed, which changes the address form; use a moved block instead of destroying",
  delete_because_no_move_target: "a moved block points at an address that is not in the configuration, so the object is destroyed",
  replace_because_tainted: "the object is tainted (a failed apply or `terraform taint` marked it for replacement)",
  replace_by_request: "replacement was requested with `-replace` on the command line",
  replace_by_triggers: "a lifecycle replace_triggered_by reference changed",
};

const SHORT: Readonly<Record<string, string>> = {
  delete_because_no_resource_config: "its resource block was removed, which bypasses prevent_destroy",
  delete_because_no_module: "its module call was removed, which bypasses prevent_destroy",
  delete_because_count_index: "its count index is out of range",
  delete_because_each_key: "its for_each key was removed",
  delete_because_wrong_repetition: "count/for_each was added or removed",
  delete_because_no_move_target: "its moved block has no target",
  replace_because_tainted: "it is tainted",
  replace_by_request: "replacement was requested with -replace",
  replace_by_triggers: "replace_triggered_by fired",
};

/** A few words on why Terraform plans this change, for a message: `its count index is out of range`. */
export function shortReason(rc: PlanResourceChange): string | undefined {
  const paths = (rc.change.replace_paths ?? []).map((p) => formatPath(p)).filter((p) => p !== "");
  if (rc.action_reason && SHORT[rc.action_reason]) return SHORT[rc.action_reason];
  if (paths.length > 0) return `a change to ${paths.join(", ")} forces replacement`;
  if (rc.action_reason === "replace_because_cannot_update") return "an attribute that cannot be updated in place changed";
  return rc.action_reason;
}

/** Evidence that explains why Terraform plans this destructive change. */
export function destroyEvidence(rc: PlanResourceChange): Evidence[] {
  const out: Evidence[] = [];
  const a = rc.change.actions;
  const at = rc.address;
  if (rc.deposed) {
    out.push({ step: "deposed", address: at, detail: `deposed object ${rc.deposed} (left over from an earlier create_before_destroy replace) is destroyed` });
  }
  if (a[0] === "delete" && a.includes("create")) {
    out.push({ step: "replace", address: at, detail: "replace, destroy first: the existing object and its data are destroyed before the new one exists" });
  } else if (a[0] === "create" && a.includes("delete")) {
    out.push({ step: "replace", address: at, detail: "replace, create first (create_before_destroy): a new, empty object is created, then the existing object and its data are destroyed" });
  } else if (a[0] === "create" && a.includes("forget")) {
    out.push({ step: "replace", address: at, detail: "replace: a new object is created and the existing one is forgotten (left running, no longer managed)" });
  } else if (a[0] === "forget" && a.includes("create")) {
    // OpenTofu 1.12's `lifecycle { destroy = false }` plans a replace so (plans.ForgetThenCreate).
    out.push({ step: "replace", address: at, detail: "replace: the existing object is forgotten (left running, no longer managed), then a new object is created" });
  }
  const reason = rc.action_reason;
  const paths = (rc.change.replace_paths ?? []).map((p) => formatPath(p)).filter((p) => p !== "");
  if (reason === "replace_because_cannot_update" || (paths.length > 0 && !REASONS[reason ?? ""])) {
    out.push({
      step: "reason",
      address: at,
      detail: paths.length > 0
        ? `replace forced by a change to ${paths.join(", ")}, which cannot be updated in place`
        : "an attribute that cannot be updated in place changed (the plan names no replace_paths)",
    });
  } else if (reason && REASONS[reason]) {
    out.push({ step: "reason", address: at, detail: `${reason}: ${REASONS[reason]}` });
    if (paths.length > 0) out.push({ step: "replace-paths", address: at, detail: `replace_paths: ${paths.join(", ")}` });
  } else if (reason) {
    out.push({ step: "reason", address: at, detail: `action_reason ${reason}` });
  } else if (a.includes("delete")) {
    out.push({ step: "reason", address: at, detail: "the plan does not say why (no action_reason; plan formats before 1.0 never do)" });
  }
  if (rc.previous_address) {
    out.push({ step: "moved", address: rc.previous_address, detail: `moved from ${rc.previous_address} to ${at} in this plan` });
  }
  return out;
}
