import { Construct } from "constructs";
import { Lazy, TerraformProvider, TerraformResource, TerraformStack } from "cdktf";
import { Cloudtrail } from "@cdktf/provider-aws/lib/cloudtrail";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketObjectLockConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-object-lock-configuration";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { loadCatalogue } from "../engine/catalogue";
import { existingOrganization } from "./organization";
import { AGENT_PATH } from "./agent-role";
import { policyJson, type StatementJson } from "./policy-document";
import { ProtectedKey } from "./protected-key";
import { fail, partitionOf, requireAccountId, requireInteger, requireOrganizationId, requireRegion, requireString, requireProps, propNames, refuseUnknownProps } from "./validate";

/**
 * CloudTrail data event types (`resources.type`) recorded by default: what agents most often touch (S3 objects,
 * DynamoDB items, Lambda invocations), and the types through which the catalogue's data-plane destroy calls run, so
 * that they and the attempts at them are on record: RDS Data API statements (rds-data:ExecuteStatement, SQL DELETE
 * and DROP), S3 Express One Zone objects (directory buckets), Amazon Keyspaces rows (cassandra:Modify), SageMaker
 * Feature Store records (sagemaker:DeleteRecord), Neptune Analytics queries (neptune-graph:DeleteDataViaQuery) and
 * S3 Vectors (s3vectors:DeleteVectors, PutVectors). CloudTrail records data events only for the types selected, and
 * takes no selector for every type at once (`resources.type` is required in each).
 */
export const DEFAULT_DATA_EVENT_TYPES = [
  "AWS::S3::Object",
  "AWS::DynamoDB::Table",
  "AWS::Lambda::Function",
  "AWS::RDS::DBCluster",
  "AWS::S3Express::Object",
  "AWS::Cassandra::Table",
  "AWS::SageMaker::FeatureGroup",
  "AWS::NeptuneGraph::Graph",
  "AWS::S3Vectors::Index",
] as const;

export interface AgentAuditTrailProps {
  /** Trail name. */
  readonly trailName: string;
  /** Name of the log bucket (created in the log account; globally unique). */
  readonly bucketName: string;
  /** The organization whose accounts the trail records. */
  readonly organizationId: string;
  /**
   * The management account, where an organization trail must be created. The organization must trust CloudTrail
   * (trusted access, which `EnvironmentAccounts` with `createOrganization` enables). For an existing organization it
   * is a one-time step there before the first apply: `aws organizations enable-aws-service-access --service-principal
   * cloudtrail.amazonaws.com`. The trail carries a precondition, read through the `aws_organizations_organization` data
   * source with `provider` (the management account's), that stops the plan with this command until it is done, rather
   * than CreateTrail failing with CloudTrailAccessNotEnabledException halfway through an apply.
   */
  readonly managementAccountId: string;
  /** The log (or backup) account the bucket and its key live in. */
  readonly logAccountId: string;
  /** The trail's home region. */
  readonly region: string;
  /** Provider of the log account: the bucket and the key are created with it. */
  readonly logAccountProvider: TerraformProvider;
  /** Provider of the management account, for the trail. @default the scope's default AWS provider */
  readonly provider?: TerraformProvider;
  /** Object Lock (compliance mode) retention of every log file, in days. @default 365 */
  readonly retentionDays?: number;
  /**
   * CloudTrail data event resource types (`resources.type`): only these types' data events are recorded (data events
   * are billed per event; busy S3 buckets dominate). Replaces the default list, so keep its types when adding one.
   * @default DEFAULT_DATA_EVENT_TYPES: S3 objects, DynamoDB tables, Lambda functions, and the types of the catalogue's
   * data-plane destroy calls (RDS Data API clusters, S3 Express objects, Keyspaces tables, SageMaker feature groups,
   * Neptune Analytics graphs, S3 vector indexes)
   */
  readonly dataEventResourceTypes?: readonly string[];
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * An organization, multi-region CloudTrail trail with log file validation, data events and KMS encryption,
 * delivered to a bucket in the log account with versioning and Object Lock in compliance mode. It records every
 * management event (control-plane call) in every account and region of the organization, and the data events of
 * the resource types in `dataEventResourceTypes` (by default the object, item, invocation and query calls through
 * which the catalogue's data-plane destroy actions run), each with the caller's source identity; denied attempts
 * included. Writes of objects to the trail's own bucket (CloudTrail's deliveries) are left out, so that the trail
 * does not log its own log files; every other call on them is recorded. Data events of other types (SQS messages, Kinesis records, ...) are not recorded unless their type is
 * added, and what CloudTrail never logs (SQL over a database connection, OpenSearch HTTP requests) is not either. No
 * one, agent or admin, can erase the record.
 */
const PROPS = propNames<AgentAuditTrailProps>({
  trailName: true, bucketName: true, organizationId: true, managementAccountId: true, logAccountId: true, region: true,
  logAccountProvider: true, provider: true, retentionDays: true, dataEventResourceTypes: true, tags: true,
});

export class AgentAuditTrail extends Construct {
  readonly trail: Cloudtrail;
  readonly bucket: S3Bucket;
  readonly key: ProtectedKey;
  /** `arn:<partition>:cloudtrail:<region>:<management account>:trail/<name>`, literal (the partition of `region`). */
  readonly trailArn: string;

  constructor(scope: Construct, id: string, props: AgentAuditTrailProps) {
    super(scope, id);
    requireProps("AgentAuditTrail", props, ["trailName", "bucketName", "organizationId", "managementAccountId", "logAccountId", "region", "logAccountProvider"]);
    refuseUnknownProps("AgentAuditTrail", props, PROPS);
    const C = "AgentAuditTrail";
    requireString(C, "trailName", props.trailName, "the trail's name, 3 to 128 letters, digits, . _ -");
    requireString(C, "bucketName", props.bucketName, "the S3 bucket the trail writes to, in the log account");
    if (!TerraformProvider.isTerraformProvider(props.logAccountProvider)) {
      fail(C, "logAccountProvider", `is required: the AWS provider of the log account (logAccountId), where the bucket and its key are created (got ${props.logAccountProvider === undefined ? "nothing" : JSON.stringify(props.logAccountProvider)})`);
    }
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{2,127}$/.test(props.trailName)) fail(C, "trailName", `must be 3 to 128 letters, digits, . _ -, starting with a letter or digit (got "${props.trailName}")`);
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(props.bucketName)) fail(C, "bucketName", `must be a valid S3 bucket name (got "${props.bucketName}")`);
    const org = requireOrganizationId(C, "organizationId", props.organizationId);
    const mgmt = requireAccountId(C, "managementAccountId", props.managementAccountId);
    const logAccount = requireAccountId(C, "logAccountId", props.logAccountId);
    if (logAccount === mgmt) {
      fail(C, "logAccountId", `must differ from managementAccountId (both ${mgmt}): logs kept where they are written can be erased by whoever controls that account`);
    }
    const region = requireRegion(C, "region", props.region);
    // An incident is often found weeks later: a trail kept for days is erased before anyone reads it.
    const retention = requireInteger(C, "retentionDays", props.retentionDays ?? 365, 90, 36500, "days");
    const types = props.dataEventResourceTypes ?? DEFAULT_DATA_EVENT_TYPES;
    if (types.length === 0) fail(C, "dataEventResourceTypes", "must name at least one resource type: without data events the trail does not show what an agent read or deleted");
    for (const t of types) if (!/^AWS::\w+::\w+$/.test(t)) fail(C, "dataEventResourceTypes", `must be resource types like AWS::S3::Object (got "${t}")`);

    // CloudTrail signs its deliveries with the trail's ARN (aws:SourceArn) in the trail's partition: an ARN of another
    // one never equals it, and the bucket and key would refuse every log file.
    const partition = partitionOf(region);
    this.trailArn = `arn:${partition}:cloudtrail:${region}:${mgmt}:trail/${props.trailName}`;
    const bucketArn = `arn:${partition}:s3:::${props.bucketName}`;
    const fromTrail = { StringEquals: { "aws:SourceArn": this.trailArn } };
    const log = props.logAccountProvider;

    this.key = new ProtectedKey(this, "Key", {
      accountId: logAccount,
      partition,
      description: `Audit trail ${props.trailName} (blastwall)`,
      tags: props.tags,
      provider: log,
      additionalStatements: [
        {
          Sid: "CloudTrailEncryptsLogs",
          Effect: "Allow",
          Principal: { Service: "cloudtrail.amazonaws.com" },
          Action: "kms:GenerateDataKey*",
          Resource: "*",
          Condition: { ...fromTrail, StringLike: { "kms:EncryptionContext:aws:cloudtrail:arn": `arn:${partition}:cloudtrail:*:${mgmt}:trail/*` } },
        },
        { Sid: "CloudTrailDescribesKey", Effect: "Allow", Principal: { Service: "cloudtrail.amazonaws.com" }, Action: "kms:DescribeKey", Resource: "*" },
        // The bucket uses an S3 Bucket Key, and then "kms:Decrypt permissions are required to create or update a trail
        // with SSE-KMS encryption enabled" (CloudTrail User Guide, "Configure AWS KMS key policies for CloudTrail"):
        // the trail is created in the management account, whose principals the log account's key admitted for nothing.
        // Only for CloudTrail's log files, by the condition AWS's default CloudTrail key policy uses.
        {
          Sid: "TrailAccountDecryptsLogs",
          Effect: "Allow",
          Principal: { AWS: `arn:${partition}:iam::${mgmt}:root` },
          Action: "kms:Decrypt",
          Resource: "*",
          Condition: { StringLike: { "kms:EncryptionContext:aws:cloudtrail:arn": `arn:${partition}:cloudtrail:*:${mgmt}:trail/*` } },
        },
      ],
    });

    this.bucket = new S3Bucket(this, "Bucket", {
      bucket: props.bucketName,
      objectLockEnabled: true,
      forceDestroy: false,
      tags: props.tags,
      lifecycle: { preventDestroy: true },
      provider: log,
    });
    new S3BucketVersioningA(this, "Versioning", {
      bucket: this.bucket.id,
      versioningConfiguration: { status: "Enabled" },
      provider: log,
    });
    // Compliance mode: no principal, the account root included, can delete or overwrite a log file before it expires.
    new S3BucketObjectLockConfigurationA(this, "ObjectLock", {
      bucket: this.bucket.id,
      rule: { defaultRetention: { mode: "COMPLIANCE", days: retention } },
      provider: log,
    });
    new S3BucketServerSideEncryptionConfigurationA(this, "Encryption", {
      bucket: this.bucket.id,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: this.key.keyArn }, bucketKeyEnabled: true }],
      provider: log,
    });
    new S3BucketPublicAccessBlock(this, "PublicAccessBlock", {
      bucket: this.bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
      provider: log,
    });

    const s3Destroy = loadCatalogue().entries.map((e) => e.action).filter((a) => a.startsWith("s3:"));
    const agentDeny = (sid: string, condition: StatementJson["Condition"]): StatementJson => ({
      Sid: sid, Effect: "Deny", Principal: "*", Action: s3Destroy, Resource: [bucketArn, `${bucketArn}/*`], Condition: condition,
    });
    const policy = new S3BucketPolicy(this, "Policy", {
      bucket: this.bucket.id,
      policy: policyJson([
        { Sid: "CloudTrailChecksAcl", Effect: "Allow", Principal: { Service: "cloudtrail.amazonaws.com" }, Action: "s3:GetBucketAcl", Resource: bucketArn, Condition: fromTrail },
        {
          Sid: "CloudTrailWritesLogs",
          Effect: "Allow",
          Principal: { Service: "cloudtrail.amazonaws.com" },
          Action: "s3:PutObject",
          Resource: [`${bucketArn}/AWSLogs/${mgmt}/*`, `${bucketArn}/AWSLogs/${org}/*`],
          Condition: { StringEquals: { "aws:SourceArn": this.trailArn, "s3:x-amz-acl": "bucket-owner-full-control" } },
        },
        {
          Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: [bucketArn, `${bucketArn}/*`],
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        },
        agentDeny("DenyDestroyToAgentRoles", { ArnLike: { "aws:PrincipalArn": [`arn:*:iam::*:role${AGENT_PATH}*`, `arn:*:iam::*:user${AGENT_PATH}*`] } }),
        agentDeny("DenyDestroyToAgentSessions", { StringLike: { "aws:SourceIdentity": "agent-*" } }),
      ]),
      provider: log,
    });

    // An organization trail needs trusted access between CloudTrail and Organizations; without it CreateTrail fails
    // with CloudTrailAccessNotEnabledException ("trusted access has not been enabled between CloudTrail and
    // Organizations", CloudTrail API Reference). An organization created with `createOrganization` has it; one joined
    // by `rootId` may not, and the AWS provider cannot enable it there without owning the organization's whole list of
    // trusted services. So the plan stops with the one-time command, read through the organization's
    // `aws_service_access_principals`. An organization created in this stack is read once it exists.
    const organization = existingOrganization(this, "Organization", props.provider);
    const stack = TerraformStack.of(this);
    organization.data.dependsOn = Lazy.listValue(
      {
        produce: () =>
          stack.node
            .findAll()
            .filter((c): c is TerraformResource => TerraformResource.isTerraformResource(c) && c.terraformResourceType === "aws_organizations_organization")
            .map((r) => `aws_organizations_organization.${stack.getLogicalId(r)}`),
      },
      { omitEmpty: true },
    );
    const trustedAccess = {
      condition: `\${contains(${organization.ref}.aws_service_access_principals, "cloudtrail.amazonaws.com")}`,
      errorMessage:
        "AgentAuditTrail: an organization trail needs trusted access for CloudTrail in the organization, which is not enabled. " +
        "Enable it once, in the management account: aws organizations enable-aws-service-access --service-principal cloudtrail.amazonaws.com",
    };

    this.trail = new Cloudtrail(this, "Trail", {
      name: props.trailName,
      s3BucketName: this.bucket.bucket,
      isOrganizationTrail: true,
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      enableLogFileValidation: true,
      enableLogging: true,
      kmsKeyId: this.key.keyArn,
      // With advanced selectors, management events are recorded only when selected explicitly.
      advancedEventSelector: [
        { name: "Management events", fieldSelector: [{ field: "eventCategory", equalTo: ["Management"] }] },
        ...types.flatMap((t) => {
          const selector = (name: string, more: { field: string; notStartsWith?: string[]; startsWith?: string[]; notEquals?: string[] }[] = []) => ({
            name,
            fieldSelector: [{ field: "eventCategory", equalTo: ["Data"] }, { field: "resources.type", equalTo: [t] }, ...more],
          });
          if (t !== "AWS::S3::Object") return [selector(`Data events ${t}`)];
          // Not CloudTrail's own deliveries: each log file it writes to the bucket is an S3 data event (PutObject),
          // which would be logged and delivered in turn: cost and noise, no agent's doing. Selectors are ORed and the
          // fields of one ANDed, and resources.ARN takes StartsWith and NotStartsWith, eventName NotEquals (CloudTrail
          // User Guide, "Filtering data events by using advanced event selectors"): every object outside the bucket,
          // and in it every call but PutObject, so deletes, retention changes and reads of the log files stay on
          // record. A forged log file is what log file validation shows.
          const objects = `${bucketArn}/`;
          return [
            selector(`Data events ${t}`, [{ field: "resources.ARN", notStartsWith: [objects] }]),
            selector(`Data events ${t} of the trail's bucket`, [{ field: "resources.ARN", startsWith: [objects] }, { field: "eventName", notEquals: ["PutObject"] }]),
          ];
        }),
      ],
      tags: props.tags,
      lifecycle: { preventDestroy: true, precondition: [trustedAccess] },
      dependsOn: [policy],
      provider: props.provider,
    });
  }
}
