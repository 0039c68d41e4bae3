import { Construct } from "constructs";
import type { TerraformProvider } from "cdktf";
import { DbInstance } from "@cdktf/provider-aws/lib/db-instance";
import { RdsCluster } from "@cdktf/provider-aws/lib/rds-cluster";
import { RdsClusterInstance } from "@cdktf/provider-aws/lib/rds-cluster-instance";
import type { BackupSelection } from "@cdktf/provider-aws/lib/backup-selection";
import type { OffsiteBackupPlan } from "./offsite-backup-plan";
import { planAndKey, type OffsiteBackup } from "./offsite-backup-target";
import type { ProtectedKey } from "./protected-key";
import { requireMasterUsername } from "./rds-master-username";
import { fail, isToken, requireInteger, requireString, requireProps, propNames, refuseUnknownProps } from "./validate";

/** RDS keeps automated backups 1-35 days; a week is the least that survives damage noticed late. */
export const MIN_BACKUP_RETENTION_DAYS = 7;

/** The engines of an RDS DB instance (RDS CreateDBInstance's, Aurora's aside). */
const INSTANCE_ENGINES = new Set([
  "postgres", "mysql", "mariadb",
  "oracle-ee", "oracle-ee-cdb", "oracle-se2", "oracle-se2-cdb",
  "sqlserver-ee", "sqlserver-se", "sqlserver-ex", "sqlserver-web",
  "db2-ae", "db2-se",
  "custom-oracle-ee", "custom-oracle-ee-cdb", "custom-oracle-se2", "custom-oracle-se2-cdb",
  "custom-sqlserver-ee", "custom-sqlserver-se", "custom-sqlserver-web", "custom-sqlserver-dev",
]);
/** The engines of an Aurora cluster. */
const AURORA_ENGINES = new Set(["aurora-postgresql", "aurora-mysql"]);

export interface ProtectedDatabaseProps {
  /** DB instance (or cluster) identifier: lower case, starts with a letter, 1-50 characters. */
  readonly identifier: string;
  /**
   * `postgres`, `mysql`, `mariadb`, `oracle-*`, `sqlserver-*`, `db2-*` or `custom-*` for an RDS instance;
   * `aurora-postgresql` or `aurora-mysql` for an Aurora cluster. Other engines (`docdb`, `neptune`) are refused.
   */
  readonly engine: string;
  readonly engineVersion?: string;
  /** Instance class (for Aurora: the class of each cluster instance, `db.serverless` for Serverless v2). */
  readonly instanceClass: string;
  /** RDS instance only: storage in GiB. @default 20 */
  readonly allocatedStorage?: number;
  /** Aurora only: number of cluster instances. @default 1 */
  readonly instances?: number;
  /** Aurora Serverless v2 capacity range; required with `instanceClass: "db.serverless"`. */
  readonly serverlessV2Scaling?: { readonly minCapacity: number; readonly maxCapacity: number };
  /** Automated backup retention, 7-35 days. @default 14 */
  readonly backupRetentionDays?: number;
  /**
   * A letter, then letters, digits and `_`; at most 63 characters for PostgreSQL, 32 for MySQL; not a name the engine
   * already has (`rdsadmin`; Oracle's SYS and SYSTEM; PostgreSQL's public, none, rds_superuser and `pg_...`).
   * @default "dbadmin" (the password is managed by RDS in Secrets Manager, never in state)
   */
  readonly masterUsername?: string;
  readonly dbSubnetGroupName?: string;
  readonly vpcSecurityGroupIds?: readonly string[];
  /**
   * RDS instance only (for Aurora, `instances: 2` or more gives the cluster a replica to fail over to); not with
   * `sqlserver-ex`, which has no Multi-AZ. @default false
   */
  readonly multiAz?: boolean;
  /** The off-site backup: a shared plan, or the options of a plan made for this database. */
  readonly backup: OffsiteBackup;
  /**
   * Encryption key: a ProtectedKey of the data's account (`backup.accountId`, or the shared plan's: a key in
   * another account puts the data and its local recovery points in that account's hands) whose
   * `usableByAccounts` holds the backup account (AWS Backup reads every cross-account copy with it). Both are
   * checked; an imported key ARN is not accepted. @default a new ProtectedKey, usable by the backup account
   */
  readonly kmsKey?: ProtectedKey;
  readonly tags?: Readonly<Record<string, string>>;
  /** @default the scope's default AWS provider */
  readonly provider?: TerraformProvider;
}

/**
 * An RDS instance or Aurora cluster (by engine) that survives an agent and a bad `terraform destroy`:
 * `prevent_destroy`, `deletion_protection`, a final snapshot, automated backups kept after deletion
 * (`delete_automated_backups = false`) for at least 7 days, encryption with a customer-managed key, and a daily
 * AWS Backup copied to a vault in another account. AWS Backup cannot copy RDS or Aurora backups across accounts
 * and regions in one step, so the off-site vault is in this region (`backup.allowSameRegion`); copy onward to
 * another region from the backup account.
 */
const PROPS = propNames<ProtectedDatabaseProps>({
  identifier: true, engine: true, engineVersion: true, instanceClass: true, allocatedStorage: true, instances: true,
  serverlessV2Scaling: true, backupRetentionDays: true, masterUsername: true, dbSubnetGroupName: true, vpcSecurityGroupIds: true,
  multiAz: true, backup: true, kmsKey: true, tags: true, provider: true,
});
const SERVERLESS_V2_SCALING = propNames<NonNullable<ProtectedDatabaseProps["serverlessV2Scaling"]>>({ minCapacity: true, maxCapacity: true });

export class ProtectedDatabase extends Construct {
  readonly kind: "instance" | "cluster";
  readonly instance?: DbInstance;
  readonly cluster?: RdsCluster;
  readonly clusterInstances: readonly RdsClusterInstance[];
  /** ARN of the instance or cluster. */
  readonly arn: string;
  readonly backupPlan: OffsiteBackupPlan;
  readonly backupSelection: BackupSelection;
  readonly key: ProtectedKey;

  constructor(scope: Construct, id: string, props: ProtectedDatabaseProps) {
    super(scope, id);
    requireProps("ProtectedDatabase", props, ["identifier", "engine", "instanceClass", "backup"]);
    const C = "ProtectedDatabase";
    refuseUnknownProps(C, props, PROPS);
    if (props.serverlessV2Scaling !== null && typeof props.serverlessV2Scaling === "object") {
      refuseUnknownProps(C, props.serverlessV2Scaling, SERVERLESS_V2_SCALING, "serverlessV2Scaling");
    }
    requireString(C, "identifier", props.identifier, "the DB instance or cluster identifier, like orders");
    if (!/^[a-z][a-z0-9-]{0,49}$/.test(props.identifier) || props.identifier.endsWith("-") || props.identifier.includes("--")) {
      fail(C, "identifier", `must be 1 to 50 lower-case letters, digits or single hyphens, starting with a letter (got "${props.identifier}")`);
    }
    const retention = requireInteger(C, "backupRetentionDays", props.backupRetentionDays ?? 14, MIN_BACKUP_RETENTION_DAYS, 35, "days",
      "RDS keeps automated backups at most 35 days, and fewer than 7 leaves no restore point for damage noticed late");
    requireString(C, "engine", props.engine, "a database engine such as postgres or aurora-postgresql");
    const aurora = AURORA_ENGINES.has(props.engine);
    if (!aurora && !INSTANCE_ENGINES.has(props.engine)) {
      fail(C, "engine", `must be an RDS or Aurora engine (got "${props.engine}"): ProtectedDatabase makes an RDS DB instance or an Aurora cluster, and RDS would refuse this engine at apply (docdb and neptune are Amazon DocumentDB's and Amazon Neptune's, which need a cluster of their own). Use ${[...INSTANCE_ENGINES].filter((e) => !e.startsWith("custom-")).join(", ")} or an RDS Custom engine for an RDS instance, or ${[...AURORA_ENGINES].join(" or ")} for an Aurora cluster`);
    }
    this.kind = aurora ? "cluster" : "instance";
    requireString(C, "instanceClass", props.instanceClass, aurora ? 'the class of each cluster instance, like db.r6g.large or db.serverless' : "the instance class, like db.t4g.micro");
    if (aurora && props.allocatedStorage !== undefined) fail(C, "allocatedStorage", "applies to an RDS instance only; Aurora storage grows by itself");
    if (aurora && props.multiAz) {
      fail(C, "multiAz", `applies to an RDS instance only (engine is "${props.engine}"): an Aurora cluster has no Multi-AZ standby, it fails over to an Aurora Replica, so with multiAz alone it would have one instance and nothing to fail over to. Set instances: 2 (or more) instead, for a writer and a replica`);
    }
    if (props.multiAz !== undefined && typeof props.multiAz !== "boolean" && !isToken(props.multiAz)) fail(C, "multiAz", `must be true or false (got ${JSON.stringify(props.multiAz)})`);
    if (props.engine === "sqlserver-ex" && props.multiAz) {
      fail(C, "multiAz", `is not available with engine "sqlserver-ex": SQL Server Express Edition has no Multi-AZ deployment, and RDS would refuse it at apply. Use sqlserver-se or sqlserver-ee for a standby in another zone, or leave multiAz off`);
    }
    const masterUsername = requireMasterUsername(C, "masterUsername", props.masterUsername ?? "dbadmin", props.engine);
    if (!aurora && (props.instances !== undefined || props.serverlessV2Scaling !== undefined)) {
      fail(C, props.instances !== undefined ? "instances" : "serverlessV2Scaling", `applies to Aurora engines only (engine is "${props.engine}")`);
    }
    if (aurora && props.instanceClass === "db.serverless" && !props.serverlessV2Scaling) {
      fail(C, "serverlessV2Scaling", 'is required with instanceClass "db.serverless"');
    }
    const { plan, key } = planAndKey(this, C, props.identifier, props.backup, props.kmsKey, props.tags, props.provider, { oneHopOnly: true });
    this.backupPlan = plan;
    this.key = key;

    // The settings that decide whether data outlives a delete, shared by both kinds.
    const survival = {
      deletionProtection: true,
      skipFinalSnapshot: false,
      finalSnapshotIdentifier: `${props.identifier}-final`,
      // The provider's default (true) deletes the automated backups together with the database.
      deleteAutomatedBackups: false,
      backupRetentionPeriod: retention,
      copyTagsToSnapshot: true,
      storageEncrypted: true,
      kmsKeyId: key.keyArn,
      manageMasterUserPassword: true,
      masterUserSecretKmsKeyId: key.keyArn,
      dbSubnetGroupName: props.dbSubnetGroupName,
      vpcSecurityGroupIds: props.vpcSecurityGroupIds ? [...props.vpcSecurityGroupIds] : undefined,
      engine: props.engine,
      engineVersion: props.engineVersion,
      tags: props.tags,
      lifecycle: { preventDestroy: true },
      provider: props.provider,
    };

    if (aurora) {
      this.cluster = new RdsCluster(this, "Cluster", {
        ...survival,
        clusterIdentifier: props.identifier,
        masterUsername,
        serverlessv2ScalingConfiguration: props.serverlessV2Scaling,
      });
      const count = requireInteger(C, "instances", props.instances ?? 1, 1, 15, "instances");
      this.clusterInstances = Array.from({ length: count }, (_, i) =>
        new RdsClusterInstance(this, `Instance${i}`, {
          identifier: `${props.identifier}-${i}`,
          clusterIdentifier: this.cluster!.id,
          instanceClass: props.instanceClass,
          engine: props.engine,
          engineVersion: props.engineVersion,
          publiclyAccessible: false,
          tags: props.tags,
          provider: props.provider,
        }),
      );
      this.arn = this.cluster.arn;
    } else {
      this.instance = new DbInstance(this, "Instance", {
        ...survival,
        identifier: props.identifier,
        instanceClass: props.instanceClass,
        allocatedStorage: requireInteger(C, "allocatedStorage", props.allocatedStorage ?? 20, 20, 65536, "GiB"),
        username: masterUsername,
        multiAz: props.multiAz ?? false,
        publiclyAccessible: false,
      });
      this.clusterInstances = [];
      this.arn = this.instance.arn;
    }
    this.backupSelection = plan.protect(this, props.identifier, this.arn);
  }
}
