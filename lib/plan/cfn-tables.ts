/**
 * What blastwall knows of CloudFormation resource types, as tables: the twins of the types the gate protects, the
 * types that hold data, those CloudFormation can snapshot (and so which policies keep data), the properties whose
 * change replaces a resource, and the properties through which a stack set or provisioned product deploys stacks.
 */

/**
 * The CloudFormation twins of every type the gate protects as a Terraform resource (AWS_REASONS in protected.ts): the
 * types that hold the same data or guardrail, the setting's owner for a Terraform type that CloudFormation writes as a
 * property (a bucket's versioning is AWS::S3::Bucket's). A string instead is why a type has no twin. A test keeps the
 * table complete, so a type protected in Terraform cannot leave a template unseen (red-team round 60).
 */
export const PROTECTED_TWINS: Readonly<Record<string, readonly string[] | string>> = {
  aws_db_instance: ["AWS::RDS::DBInstance"],
  aws_rds_cluster: ["AWS::RDS::DBCluster"],
  aws_rds_global_cluster: ["AWS::RDS::GlobalCluster"],
  aws_db_snapshot: ["AWS::RDS::DBSnapshot"],
  aws_db_cluster_snapshot: ["AWS::RDS::ClusterSnapshot"],
  aws_db_snapshot_copy: "CloudFormation has no type that copies an RDS snapshot",
  aws_rds_cluster_snapshot_copy: "CloudFormation has no type that copies an RDS cluster snapshot",
  aws_prometheus_workspace: ["AWS::APS::Workspace"],
  aws_sagemaker_notebook_instance: ["AWS::SageMaker::NotebookInstance"],
  aws_servicecatalog_provisioned_product: ["AWS::ServiceCatalog::CloudFormationProvisionedProduct"],
  // A template's stack set holds its instances (StackInstancesGroup): dropping one is judged by instancesOf.
  aws_cloudformation_stack_set_instance: ["AWS::CloudFormation::StackSet"],
  aws_cloudformation_stack_instances: ["AWS::CloudFormation::StackSet"],
  aws_docdb_cluster_snapshot: "CloudFormation has no type for a manual DocumentDB cluster snapshot",
  aws_neptune_cluster_snapshot: "CloudFormation has no type for a manual Neptune cluster snapshot",
  aws_redshift_cluster_snapshot: ["AWS::Redshift::Snapshot"],
  aws_redshiftserverless_snapshot: ["AWS::RedshiftServerless::Snapshot"],
  aws_memorydb_snapshot: ["AWS::MemoryDB::Snapshot"],
  aws_docdb_cluster: ["AWS::DocDB::DBCluster"],
  aws_neptune_cluster: ["AWS::Neptune::DBCluster"],
  aws_redshift_cluster: ["AWS::Redshift::Cluster"],
  aws_redshiftserverless_namespace: ["AWS::RedshiftServerless::Namespace"],
  aws_docdbelastic_cluster: ["AWS::DocDBElastic::Cluster"],
  aws_memorydb_cluster: ["AWS::MemoryDB::Cluster"],
  aws_dsql_cluster: ["AWS::DSQL::Cluster"],
  aws_qldb_ledger: ["AWS::QLDB::Ledger"],
  aws_keyspaces_keyspace: ["AWS::Cassandra::Keyspace"],
  aws_keyspaces_table: ["AWS::Cassandra::Table"],
  aws_timestreamwrite_database: ["AWS::Timestream::Database"],
  aws_timestreamwrite_table: ["AWS::Timestream::Table"],
  aws_lightsail_database: ["AWS::Lightsail::Database"],
  aws_timestreaminfluxdb_db_instance: ["AWS::Timestream::InfluxDBInstance"],
  aws_timestreaminfluxdb_db_cluster: ["AWS::Timestream::InfluxDBCluster"],
  aws_neptunegraph_graph: ["AWS::NeptuneGraph::Graph"],
  aws_docdb_global_cluster: ["AWS::DocDB::GlobalCluster"],
  aws_neptune_global_cluster: ["AWS::Neptune::GlobalCluster"],
  // Cross-region snapshot copy is the cluster's own DestinationRegion and SnapshotCopyRetentionPeriod in a template.
  aws_redshift_snapshot_copy: ["AWS::Redshift::Cluster"],
  aws_ebs_volume: ["AWS::EC2::Volume"],
  aws_ebs_snapshot: "CloudFormation has no type for an EBS snapshot",
  aws_ebs_snapshot_copy: "CloudFormation has no type for an EBS snapshot",
  aws_ebs_snapshot_import: "CloudFormation has no type for an EBS snapshot",
  aws_ami_copy: "CloudFormation has no type that copies an AMI (deleting an AWS::ImageBuilder::Image keeps the AMIs it built)",
  aws_ami_from_instance: "CloudFormation has no type that makes an AMI from an instance",
  aws_lightsail_instance: ["AWS::Lightsail::Instance"],
  aws_workspaces_workspace: ["AWS::WorkSpaces::Workspace"],
  aws_emr_cluster: ["AWS::EMR::Cluster"],
  aws_lightsail_disk: ["AWS::Lightsail::Disk"],
  aws_efs_file_system: ["AWS::EFS::FileSystem"],
  // Written in a template as the file system's BackupPolicy, ReplicationConfiguration and FileSystemPolicy.
  aws_efs_backup_policy: ["AWS::EFS::FileSystem"],
  aws_efs_replication_configuration: ["AWS::EFS::FileSystem"],
  aws_efs_file_system_policy: ["AWS::EFS::FileSystem"],
  aws_fsx_lustre_file_system: ["AWS::FSx::FileSystem"],
  aws_fsx_windows_file_system: ["AWS::FSx::FileSystem"],
  aws_fsx_ontap_file_system: ["AWS::FSx::FileSystem"],
  aws_fsx_openzfs_file_system: ["AWS::FSx::FileSystem"],
  aws_fsx_backup: ["AWS::FSx::Backup"],
  aws_fsx_ontap_volume: ["AWS::FSx::Volume"],
  aws_fsx_openzfs_volume: ["AWS::FSx::Volume"],
  aws_fsx_openzfs_snapshot: ["AWS::FSx::Snapshot"],
  aws_dynamodb_table: ["AWS::DynamoDB::Table"],
  aws_dynamodb_global_table: ["AWS::DynamoDB::GlobalTable"],
  // A global table's replicas are its Replicas; a table's resource policy is its ResourcePolicy.
  aws_dynamodb_table_replica: ["AWS::DynamoDB::GlobalTable"],
  aws_dynamodb_resource_policy: ["AWS::DynamoDB::Table", "AWS::DynamoDB::GlobalTable"],
  aws_s3_bucket: ["AWS::S3::Bucket"],
  // A bucket's versioning, object lock and replication are properties of AWS::S3::Bucket.
  aws_s3_bucket_versioning: ["AWS::S3::Bucket"],
  aws_s3_bucket_object_lock_configuration: ["AWS::S3::Bucket"],
  aws_s3_bucket_replication_configuration: ["AWS::S3::Bucket"],
  aws_s3_bucket_policy: ["AWS::S3::BucketPolicy", "AWS::S3Express::BucketPolicy"],
  aws_secretsmanager_secret_policy: ["AWS::SecretsManager::ResourcePolicy"],
  aws_ecr_repository_policy: ["AWS::ECR::Repository"],
  aws_s3_directory_bucket: ["AWS::S3Express::DirectoryBucket"],
  aws_s3tables_table_bucket: ["AWS::S3Tables::TableBucket"],
  aws_s3tables_table: ["AWS::S3Tables::Table"],
  aws_glacier_vault: "CloudFormation has no Amazon Glacier type",
  aws_glacier_vault_lock: "CloudFormation has no Amazon Glacier type",
  aws_directory_service_directory: ["AWS::DirectoryService::MicrosoftAD", "AWS::DirectoryService::SimpleAD"],
  aws_opensearch_domain: ["AWS::OpenSearchService::Domain"],
  aws_elasticsearch_domain: ["AWS::Elasticsearch::Domain"],
  aws_opensearchserverless_collection: ["AWS::OpenSearchServerless::Collection"],
  aws_cloudsearch_domain: "CloudFormation has no CloudSearch type",
  aws_kinesis_stream: ["AWS::Kinesis::Stream"],
  aws_msk_cluster: ["AWS::MSK::Cluster"],
  aws_sqs_queue: ["AWS::SQS::Queue"],
  aws_mq_broker: ["AWS::AmazonMQ::Broker"],
  aws_secretsmanager_secret: ["AWS::SecretsManager::Secret"],
  aws_ssm_parameter: ["AWS::SSM::Parameter"],
  aws_ecr_repository: ["AWS::ECR::Repository"],
  aws_ecrpublic_repository: ["AWS::ECR::PublicRepository"],
  aws_codeartifact_repository: ["AWS::CodeArtifact::Repository"],
  aws_codecommit_repository: ["AWS::CodeCommit::Repository"],
  aws_cognito_user_pool: ["AWS::Cognito::UserPool"],
  aws_cloudwatch_log_group: ["AWS::Logs::LogGroup"],
  aws_cloudwatch_log_stream: ["AWS::Logs::LogStream"],
  aws_route53_zone: ["AWS::Route53::HostedZone"],
  aws_acmpca_certificate_authority: ["AWS::ACMPCA::CertificateAuthority"],
  aws_cloudformation_stack: ["AWS::CloudFormation::Stack"],
  aws_paymentcryptography_key: ["AWS::PaymentCryptography::Key"],
  aws_serverlessapplicationrepository_cloudformation_stack:
    "its template twin is SAM's AWS::Serverless::Application, a transform's type rather than a CloudFormation resource type; STATEFUL counts it when it leaves a template",
  aws_backup_vault: ["AWS::Backup::BackupVault"],
  aws_backup_logically_air_gapped_vault: ["AWS::Backup::LogicallyAirGappedBackupVault"],
  // A vault's lock and access policy are its LockConfiguration and AccessPolicy.
  aws_backup_vault_lock_configuration: ["AWS::Backup::BackupVault"],
  aws_backup_vault_policy: ["AWS::Backup::BackupVault"],
  aws_backup_plan: ["AWS::Backup::BackupPlan"],
  aws_backup_selection: ["AWS::Backup::BackupSelection"],
  aws_rbin_rule: ["AWS::Rbin::Rule"],
  aws_dlm_lifecycle_policy: ["AWS::DLM::LifecyclePolicy"],
  // Written as the instance's AutomaticBackupReplicationRegion.
  aws_db_instance_automated_backups_replication: ["AWS::RDS::DBInstance"],
  aws_kms_key: ["AWS::KMS::Key"],
  aws_kms_replica_key: ["AWS::KMS::ReplicaKey"],
  aws_kms_external_key: ["AWS::KMS::Key"],
  aws_kms_key_policy: ["AWS::KMS::Key"],
  aws_cloudtrail: ["AWS::CloudTrail::Trail"],
  aws_cloudtrail_event_data_store: ["AWS::CloudTrail::EventDataStore"],
  aws_config_configuration_recorder: ["AWS::Config::ConfigurationRecorder"],
  aws_guardduty_detector: ["AWS::GuardDuty::Detector"],
  aws_detective_graph: ["AWS::Detective::Graph"],
  aws_macie2_account: ["AWS::Macie::Session"],
  aws_kendra_index: ["AWS::Kendra::Index"],
  aws_cognito_identity_pool: ["AWS::Cognito::IdentityPool"],
  aws_connect_instance: ["AWS::Connect::Instance"],
  aws_location_geofence_collection: ["AWS::Location::GeofenceCollection"],
  aws_organizations_organization: ["AWS::Organizations::Organization"],
  aws_organizations_account: ["AWS::Organizations::Account"],
  aws_organizations_policy: ["AWS::Organizations::Policy"],
  // A template attaches a policy through its TargetIds.
  aws_organizations_policy_attachment: ["AWS::Organizations::Policy"],
  aws_iam_organizations_features: "CloudFormation has no type for the organization's centralised root access",
  // A template's recorder records from its creation (StartedOnCreate); deleting it stops the record.
  aws_config_configuration_recorder_status: ["AWS::Config::ConfigurationRecorder"],
  aws_lightsail_bucket: ["AWS::Lightsail::Bucket"],
  aws_msk_serverless_cluster: ["AWS::MSK::ServerlessCluster"],
  aws_s3vectors_vector_bucket: ["AWS::S3Vectors::VectorBucket"],
  aws_s3vectors_index: ["AWS::S3Vectors::Index"],
  aws_storagegateway_cached_iscsi_volume: ["AWS::StorageGateway::Volume"],
  aws_storagegateway_stored_iscsi_volume: ["AWS::StorageGateway::Volume"],
  aws_kinesis_video_stream: ["AWS::KinesisVideo::Stream"],
  aws_memorydb_multi_region_cluster: ["AWS::MemoryDB::MultiRegionCluster"],
  aws_sagemaker_feature_group: ["AWS::SageMaker::FeatureGroup"],
  aws_bedrockagentcore_memory: ["AWS::BedrockAgentCore::Memory"],
  aws_finspace_kx_database: "CloudFormation has no type for a FinSpace kdb database",
  aws_finspace_kx_volume: "CloudFormation has no type for a FinSpace kdb volume",
  aws_route53domains_domain: "CloudFormation has no type that registers a domain name",
  aws_kms_replica_external_key: ["AWS::KMS::ReplicaKey"],
  aws_cloudwatch_event_archive: ["AWS::Events::Archive"],
  aws_sesv2_contact_list: ["AWS::SES::ContactList"],
  aws_s3control_bucket: ["AWS::S3Outposts::Bucket"],
  aws_customerprofiles_domain: ["AWS::CustomerProfiles::Domain"],
  aws_s3tables_table_bucket_policy: ["AWS::S3Tables::TableBucketPolicy"],
  aws_s3tables_table_policy: ["AWS::S3Tables::TablePolicy"],
  aws_s3vectors_vector_bucket_policy: ["AWS::S3Vectors::VectorBucketPolicy"],
  aws_simpledb_domain: ["AWS::SDB::Domain"],
  aws_odb_cloud_vm_cluster: ["AWS::ODB::CloudVmCluster"],
  aws_odb_cloud_autonomous_vm_cluster: ["AWS::ODB::CloudAutonomousVmCluster"],
  aws_quicksight_account_subscription: "CloudFormation has no type for a QuickSight account subscription",
  aws_cloud9_environment_ec2: ["AWS::Cloud9::EnvironmentEC2"],
};

/**
 * CloudFormation types that hold data and have no protected aws-provider type, whose delete the catalogue
 * (policies/destroy-rights.json) counts as a destroy right: with why. The gate protects them as Cloud Control (awscc)
 * resources (protected.ts) and counts them in a template (STATEFUL below); kept here so the two cannot part (the Mail
 * Manager archive was protected in Cloud Control but not in a template).
 */
export const PROTECTED_CFN_ONLY: Readonly<Record<string, string>> = {
  "AWS::HealthLake::FHIRDatastore": "a HealthLake FHIR data store holds health records; destroying it deletes them",
  "AWS::Omics::SequenceStore": "a HealthOmics sequence store holds read sets of genomic data; AWS deletes it once they are gone",
  "AWS::Omics::ReferenceStore": "a HealthOmics reference store holds reference genomes; AWS deletes it once they are gone",
  "AWS::Omics::VariantStore": "a HealthOmics variant store holds variant data; destroying it deletes that data",
  "AWS::Omics::AnnotationStore": "a HealthOmics annotation store holds annotations; destroying it deletes them",
  "AWS::SES::MailManagerArchive": "a Mail Manager archive holds the email archived in it; destroying it deletes that email",
  // AWS documents that deleting an asset deletes all of its property data, with the data streams still associated
  // with its properties. The aws provider has no IoT SiteWise types.
  "AWS::IoTSiteWise::Asset": "an IoT SiteWise asset holds the measurements of its properties; destroying it deletes them and the data streams associated with them",
};

/**
 * CloudFormation resource types that hold data, or the protection around it: removed from a template, or replaced
 * by a type change, CloudFormation deletes them unless their DeletionPolicy keeps them. The twins of the protected
 * Terraform types above are added to those listed here.
 */
export const STATEFUL: ReadonlySet<string> = new Set([
  "AWS::RDS::DBInstance",
  "AWS::RDS::DBCluster",
  "AWS::RDS::GlobalCluster",
  "AWS::DocDB::DBCluster",
  "AWS::Neptune::DBCluster",
  "AWS::Redshift::Cluster",
  "AWS::RedshiftServerless::Namespace",
  "AWS::DynamoDB::Table",
  "AWS::DynamoDB::GlobalTable",
  "AWS::S3::Bucket",
  "AWS::S3::BucketPolicy",
  "AWS::EC2::Volume",
  "AWS::EFS::FileSystem",
  "AWS::FSx::FileSystem",
  "AWS::FSx::Volume",
  "AWS::Backup::BackupVault",
  "AWS::Backup::BackupPlan",
  "AWS::Backup::BackupSelection",
  "AWS::KMS::Key",
  "AWS::Logs::LogGroup",
  "AWS::Kinesis::Stream",
  "AWS::SQS::Queue",
  "AWS::SecretsManager::Secret",
  "AWS::ECR::Repository",
  "AWS::CodeCommit::Repository",
  "AWS::Cognito::UserPool",
  "AWS::OpenSearchService::Domain",
  "AWS::Elasticsearch::Domain",
  "AWS::OpenSearchServerless::Collection",
  "AWS::MSK::Cluster",
  "AWS::Timestream::Database",
  "AWS::Timestream::Table",
  "AWS::Cassandra::Keyspace",
  "AWS::Cassandra::Table",
  "AWS::MemoryDB::Cluster",
  "AWS::ElastiCache::ReplicationGroup",
  "AWS::CloudTrail::Trail",
  "AWS::Glue::Database",
  "AWS::Glue::Table",
  // A nested stack: deleting it deletes every resource it made.
  "AWS::CloudFormation::Stack",
  "AWS::Serverless::SimpleTable",
  "AWS::DSQL::Cluster",
  "AWS::NeptuneGraph::Graph",
  "AWS::Timestream::InfluxDBInstance",
  "AWS::Lightsail::Database",
  "AWS::DocDBElastic::Cluster",
  "AWS::CodeArtifact::Repository",
  "AWS::ElastiCache::ServerlessCache",
  "AWS::Events::Archive",
  "AWS::SageMaker::NotebookInstance",
  "AWS::Kendra::Index",
  "AWS::EMR::Cluster",
  "AWS::QLDB::Ledger",
  "AWS::Glacier::Vault",
  // The CloudFormation twins of types the gate protects as Terraform resources (red-team round 53).
  "AWS::S3Tables::Table",
  "AWS::S3Tables::TableBucket",
  "AWS::S3Tables::TableBucketPolicy",
  "AWS::S3Express::DirectoryBucket",
  "AWS::S3Vectors::VectorBucket",
  "AWS::S3Vectors::Index",
  "AWS::KinesisVideo::Stream",
  "AWS::AmazonMQ::Broker",
  "AWS::APS::Workspace",
  "AWS::SSM::Parameter",
  "AWS::Route53::HostedZone",
  "AWS::Backup::LogicallyAirGappedBackupVault",
  "AWS::Backup::BackupVaultLockConfiguration",
  "AWS::CloudTrail::EventDataStore",
  "AWS::SageMaker::FeatureGroup",
  "AWS::KMS::ReplicaKey",
  "AWS::MSK::ServerlessCluster",
  "AWS::Lightsail::Bucket",
  "AWS::Lightsail::Instance",
  "AWS::Lightsail::Disk",
  "AWS::WorkSpaces::Workspace",
  "AWS::Logs::LogStream",
  // Stacks of their own: dropping one deletes what it made.
  "AWS::CloudFormation::StackSet",
  "AWS::ServiceCatalog::CloudFormationProvisionedProduct",
  "AWS::Serverless::Application",
  // The protection around accounts: an OU's policy attachments go with it (see ORGANIZATIONS_DELETED in cfn-guards.ts).
  "AWS::Organizations::OrganizationalUnit",
  ...Object.values(PROTECTED_TWINS).flatMap((t) => (typeof t === "string" ? [] : t)),
  ...Object.keys(PROTECTED_CFN_ONLY),
]);

/**
 * The types CloudFormation snapshots before it deletes them, when their DeletionPolicy or UpdateReplacePolicy is
 * Snapshot: those the DeletionPolicy attribute's reference names. For any other type, "If you specify the Snapshot
 * option for a resource that doesn't support snapshots, CloudFormation reverts to the default option, which is
 * Delete" (red-team round 61): a table or a bucket with DeletionPolicy Snapshot is deleted.
 */
export const SNAPSHOT_TYPES: ReadonlySet<string> = new Set([
  "AWS::DocDB::DBCluster",
  "AWS::EC2::Volume",
  "AWS::ElastiCache::CacheCluster",
  "AWS::ElastiCache::ReplicationGroup",
  "AWS::Neptune::DBCluster",
  "AWS::RDS::DBCluster",
  "AWS::RDS::DBInstance",
  "AWS::Redshift::Cluster",
]);

/** Whether a DeletionPolicy or UpdateReplacePolicy keeps the data of a resource of this type when CloudFormation deletes it. */
export function keeps(policy: unknown, type: unknown): boolean {
  if (policy === "Retain" || policy === "RetainExceptOnCreate") return true;
  return policy === "Snapshot" && typeof type === "string" && SNAPSHOT_TYPES.has(type);
}

/** A Snapshot policy on a type that has no snapshots, said so (CloudFormation deletes it); empty otherwise. */
export function snapshotIgnored(policy: unknown, type: unknown): string {
  return policy === "Snapshot" && !keeps(policy, type) ? `, which CloudFormation applies as Delete: ${typeof type === "string" ? type : "the type"} has no snapshots` : "";
}

/**
 * Properties whose change makes CloudFormation replace the resource (a new one, then the old one deleted unless its
 * UpdateReplacePolicy keeps it), for the data-holding types where such a change is an easy mistake. Each is in the
 * generated schema table (`policies/cfn-replacing-properties.json`) as always or conditionally replacing, or in
 * REPLACING_BEYOND_SCHEMA below with the reason the schema is not followed (a test holds the list to that).
 */
export const REPLACING: Readonly<Record<string, readonly string[]>> = {
  "AWS::DynamoDB::Table": ["TableName", "KeySchema", "LocalSecondaryIndexes"],
  "AWS::DynamoDB::GlobalTable": ["TableName", "KeySchema", "LocalSecondaryIndexes"],
  "AWS::RDS::DBInstance": ["DBInstanceIdentifier", "DBName", "CharacterSetName", "KmsKeyId", "StorageEncrypted", "SourceDBInstanceIdentifier", "DBSnapshotIdentifier", "Timezone", "NcharCharacterSetName", "DBSubnetGroupName", "MasterUsername"],
  "AWS::RDS::DBCluster": ["DBClusterIdentifier", "DatabaseName", "Engine", "EngineMode", "KmsKeyId", "StorageEncrypted", "SnapshotIdentifier", "SourceDBClusterIdentifier", "GlobalClusterIdentifier", "MasterUsername", "DBSubnetGroupName", "AvailabilityZones"],
  "AWS::DocDB::DBCluster": ["DBClusterIdentifier", "KmsKeyId", "StorageEncrypted", "SnapshotIdentifier", "MasterUsername"],
  "AWS::Neptune::DBCluster": ["DBClusterIdentifier", "KmsKeyId", "StorageEncrypted", "SnapshotIdentifier"],
  "AWS::Cognito::UserPool": ["AliasAttributes", "UsernameAttributes"],
  "AWS::S3::Bucket": ["BucketName", "ObjectLockEnabled"],
  "AWS::EC2::Volume": ["AvailabilityZone", "Encrypted", "KmsKeyId", "SnapshotId"],
  "AWS::EFS::FileSystem": ["Encrypted", "KmsKeyId", "PerformanceMode", "AvailabilityZoneName"],
  "AWS::Logs::LogGroup": ["LogGroupName"],
  "AWS::Kinesis::Stream": ["Name"],
  "AWS::SQS::Queue": ["QueueName", "FifoQueue"],
  "AWS::SecretsManager::Secret": ["Name"],
  "AWS::Backup::BackupVault": ["BackupVaultName", "EncryptionKeyArn"],
  "AWS::ECR::Repository": ["RepositoryName"],
  "AWS::OpenSearchService::Domain": ["DomainName"],
  // Not Encrypted or KmsKeyId: Redshift encrypts a cluster, or moves it to another key, in place (ModifyCluster takes
  // both), and the resource schema does not mark them create-only (red-team round 60).
  "AWS::Redshift::Cluster": ["ClusterIdentifier", "DBName", "OwnerAccount", "SnapshotIdentifier"],
  "AWS::CloudFormation::Stack": [],
  // Red-team round 55: create-only properties of types whose names alone would be the wrong guess, both ways.
  "AWS::MemoryDB::Cluster": ["ClusterName", "TLSEnabled", "KmsKeyId", "DataTiering", "SnapshotArns", "SnapshotName", "SubnetGroupName", "Port"],
  "AWS::CodeCommit::Repository": [],
  "AWS::CloudTrail::EventDataStore": [],
  "AWS::CloudTrail::Trail": ["TrailName"],
  "AWS::CloudFormation::StackSet": ["StackSetName", "PermissionModel"],
  "AWS::ServiceCatalog::CloudFormationProvisionedProduct": ["ProvisionedProductName", "NotificationArns"],
};

/**
 * Hand-kept replacing properties that the resource schemas do not mark as replacing, and why they are counted anyway.
 * A property in REPLACING must be in the schema table (always or conditional) or here.
 */
export const REPLACING_BEYOND_SCHEMA: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  "AWS::DynamoDB::Table": {
    LocalSecondaryIndexes: "DynamoDB makes local secondary indexes only with the table (UpdateTable has no parameter for them); the CloudFormation reference says Update requires: Replacement",
  },
  "AWS::Cognito::UserPool": {
    AliasAttributes: "UpdateUserPool cannot change how users sign in; the CloudFormation reference says Update requires: Replacement",
    UsernameAttributes: "UpdateUserPool cannot change how users sign in; the CloudFormation reference says Update requires: Replacement",
  },
  "AWS::EC2::Volume": {
    AvailabilityZone: "EBS cannot move a volume (ModifyVolume changes only size, type, IOPS and throughput): another zone is another volume",
    Encrypted: "EBS cannot encrypt an existing volume in place (ModifyVolume has no such parameter): an encrypted copy is another volume",
    KmsKeyId: "EBS cannot re-key an existing volume in place (ModifyVolume has no such parameter): a copy under another key is another volume",
    SnapshotId: "a volume is made from its snapshot once: another snapshot is another volume",
  },
};

/** Properties of types that make stacks which, changed, update those stacks with another template or parameters. */
export const CONTENT: Readonly<Record<string, readonly string[]>> = {
  "AWS::CloudFormation::StackSet": ["TemplateBody", "TemplateURL", "Parameters"],
  "AWS::ServiceCatalog::CloudFormationProvisionedProduct": ["ProvisioningArtifactId", "ProvisioningArtifactName", "ProductId", "ProductName", "ProvisioningParameters"],
};

/**
 * The AWS Cloud Control provider's (hashicorp/awscc) resource type for a CloudFormation type, or undefined for a name
 * not of the form `AWS::Service::Resource`. The provider names its types after CloudFormation's: the service in
 * lower case, the resource in snake case with its acronyms kept whole (`AWS::RDS::DBCluster` → `awscc_rds_db_cluster`,
 * `AWS::HealthLake::FHIRDatastore` → `awscc_healthlake_fhir_datastore`), "CloudFormation" one word
 * (`awscc_servicecatalog_cloudformation_provisioned_product`). A type Cloud Control cannot manage gives a name no plan
 * holds.
 */
export function awsccType(cfnType: string): string | undefined {
  const m = /^AWS::([A-Za-z0-9]+)::([A-Za-z0-9]+)$/.exec(cfnType);
  if (!m) return undefined;
  const resource = m[2]
    .replace(/CloudFormation/g, "Cloudformation")
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2")
    .toLowerCase();
  return `awscc_${m[1].toLowerCase()}_${resource}`;
}
