import { ProtectedDatabase, type ProtectedDatabaseProps } from "../../lib/constructs";
import { APP_ACCOUNT, OFFSITE_ARN, gateFindings, only, resources, synth } from "./helpers";

// AWS Backup copies RDS/Aurora across accounts or across regions, not both in one step: the database's off-site
// vault is in the backup account, in the database's region.
const SAME_REGION_OFFSITE = OFFSITE_ARN.replace(/^arn:aws:backup:[^:]+:/, "arn:aws:backup:eu-central-1:");
const backup = { accountId: APP_ACCOUNT, region: "eu-central-1", offsiteVaultArn: SAME_REGION_OFFSITE };
const postgres: ProtectedDatabaseProps = { identifier: "orders", engine: "postgres", instanceClass: "db.t4g.micro", backup };
const aurora: ProtectedDatabaseProps = { identifier: "ledger", engine: "aurora-postgresql", instanceClass: "db.r6g.large", backup };
const build = (p: ProtectedDatabaseProps) => synth((s) => new ProtectedDatabase(s, "Db", p)).json;

const SURVIVAL = {
  deletion_protection: true,
  skip_final_snapshot: false,
  delete_automated_backups: false,
  backup_retention_period: 14,
  copy_tags_to_snapshot: true,
  storage_encrypted: true,
  manage_master_user_password: true,
  lifecycle: { prevent_destroy: true },
};

describe("ProtectedDatabase", () => {
  it("makes an RDS instance that survives a delete: deletion protection, final snapshot, automated backups kept, CMK", () => {
    const json = build(postgres);
    const db = only(json, "aws_db_instance");
    expect(db).toMatchObject({ ...SURVIVAL, identifier: "orders", final_snapshot_identifier: "orders-final", publicly_accessible: false });
    expect(db.kms_key_id).toMatch(/aws_kms_key\.Db_Key_\w+\.arn/);
    expect(db.password).toBeUndefined();
    expect(resources(json, "aws_rds_cluster")).toEqual([]);
    expect(only(json, "aws_backup_selection").resources).toEqual([expect.stringMatching(/aws_db_instance\.Db_Instance_\w+\.arn/)]);
    expect(only(json, "aws_backup_plan").rule[0].copy_action[0].destination_vault_arn).toBe(SAME_REGION_OFFSITE);
  });

  it("makes an Aurora cluster (by engine) with the same settings and its instances", () => {
    const json = build({ ...aurora, instances: 2 });
    expect(only(json, "aws_rds_cluster")).toMatchObject({ ...SURVIVAL, cluster_identifier: "ledger", final_snapshot_identifier: "ledger-final", engine: "aurora-postgresql" });
    expect(resources(json, "aws_rds_cluster_instance").map((i) => i.identifier)).toEqual(["ledger-0", "ledger-1"]);
    expect(resources(json, "aws_db_instance")).toEqual([]);
    expect(only(json, "aws_backup_selection").resources).toEqual([expect.stringMatching(/aws_rds_cluster\.Db_Cluster_\w+\.arn/)]);
  });

  it("passes the gate with zero findings, instance and cluster", () => {
    expect(gateFindings(build(postgres))).toEqual([]);
    expect(gateFindings(build(aurora))).toEqual([]);
  });

  describe("refuses misuse with the message a user needs", () => {
    it.each([
      [{ ...postgres, backupRetentionDays: 3 }, "ProtectedDatabase: backupRetentionDays must be between 7 and 35 days (got 3): RDS keeps automated backups at most 35 days, and fewer than 7"],
      [{ ...postgres, backup: { ...backup, schedule: "cron(0 3 * * ? 2020)" } }, 'ProtectedDatabase: backup.schedule must have * as the year of its cron expression (got "cron(0 3 * * ? 2020)")'],
      [{ ...postgres, backup: { ...backup, schedule: "rate(1 day)" } }, 'ProtectedDatabase: backup.schedule must be a cron(...) expression, not rate(...) (got "rate(1 day)")'],
      [{ ...postgres, backup: { ...backup, schedule: "cron(0/15 * * * ? *)" } }, 'ProtectedDatabase: backup.schedule must leave at least 60 minutes between backups (got "cron(0/15 * * * ? *)", whose runs come as close as 15 minutes apart)'],
      [{ ...postgres, backup: { ...backup, schedule: "cron(0 3 1 1 ? *)" } }, 'ProtectedDatabase: backup.schedule must back up at least every 3 days (got "cron(0 3 1 1 ? *)"'],
      [{ ...postgres, identifier: "Orders_DB" }, 'ProtectedDatabase: identifier must be 1 to 50 lower-case letters, digits or single hyphens, starting with a letter (got "Orders_DB")'],
      [{ ...aurora, allocatedStorage: 100 }, "ProtectedDatabase: allocatedStorage applies to an RDS instance only"],
      [{ ...postgres, instances: 2 }, 'ProtectedDatabase: instances applies to Aurora engines only (engine is "postgres")'],
      [{ ...aurora, instanceClass: "db.serverless" }, 'ProtectedDatabase: serverlessV2Scaling is required with instanceClass "db.serverless"'],
      [{ ...postgres, backup: { ...backup, offsiteVaultArn: SAME_REGION_OFFSITE.replace("222222222222", APP_ACCOUNT) } }, "ProtectedDatabase: backup.offsiteVaultArn must be in another account"],
      [{ ...postgres, backup: { ...backup, offsiteVaultArn: OFFSITE_ARN, allowSameRegion: false } }, "ProtectedDatabase: backup.region (eu-central-1) is not the region of backup.offsiteVaultArn (eu-west-1), and that vault is in another account"],
      [{ ...postgres, backup: { accountId: APP_ACCOUNT, region: "eu-central-1", offsiteVaultArn: OFFSITE_ARN.replace(/^arn:aws:backup:[^:]+:/, "arn:aws:backup:us-east-1:"), allowSameRegion: true } }, "AWS Backup cannot copy RDS or Aurora backups across accounts and regions in one step"],
    ] as [ProtectedDatabaseProps, string][])("%#", (p, message) => {
      expect(() => build(p)).toThrow(message);
    });
  });
});

describe("ProtectedDatabase in a single account (allowSameAccount)", () => {
  it("copies to a locked vault in another region of the same account, which AWS Backup can do for RDS", () => {
    const dr = `arn:aws:backup:eu-west-1:${APP_ACCOUNT}:backup-vault:dr`;
    const json = build({ ...postgres, backup: { accountId: APP_ACCOUNT, region: "eu-central-1", offsiteVaultArn: dr, allowSameAccount: true } });
    expect(only(json, "aws_backup_plan").rule[0].copy_action[0].destination_vault_arn).toBe(dr);
  });
});

it("OffsiteBackupPlan refuses a schedule that never fires, naming its own prop", async () => {
  const { OffsiteBackupPlan } = await import("../../lib/constructs");
  const make = (schedule: string) => synth((s) => new OffsiteBackupPlan(s, "Plan", { name: "shared", accountId: APP_ACCOUNT, region: "eu-central-1", offsiteVaultArn: OFFSITE_ARN, schedule }));
  expect(() => make("cron(0 3 * * ? 2020)")).toThrow('OffsiteBackupPlan: schedule must have * as the year of its cron expression (got "cron(0 3 * * ? 2020)")');
  expect(() => make("rate(12 hours)")).toThrow('OffsiteBackupPlan: schedule must be a cron(...) expression, not rate(...) (got "rate(12 hours)")');
  expect(() => make("cron(0/30 * * * ? *)")).toThrow('OffsiteBackupPlan: schedule must leave at least 60 minutes between backups (got "cron(0/30 * * * ? *)"');
  expect(() => make("cron(0 * * * ? *)")).not.toThrow();
  expect(() => make("cron(0 3 30 2 ? *)")).toThrow('OffsiteBackupPlan: schedule never fires (got "cron(0 3 30 2 ? *)")');
  expect(() => make("cron(0 3 1 * ? *)")).toThrow('OffsiteBackupPlan: schedule must back up at least every 3 days (got "cron(0 3 1 * ? *)", which leaves up to 31 days');
});

it("refuses a shared plan that copies across accounts and regions at once, which AWS Backup cannot do for RDS", async () => {
  const { OffsiteBackupPlan } = await import("../../lib/constructs");
  expect(() =>
    synth((s) => {
      const plan = new OffsiteBackupPlan(s, "Shared", { name: "shared", accountId: APP_ACCOUNT, region: "eu-central-1", offsiteVaultArn: OFFSITE_ARN });
      new ProtectedDatabase(s, "Db", { ...postgres, backup: plan });
    }),
  ).toThrow("AWS Backup cannot copy RDS or Aurora backups across accounts and regions in one step");
});

it("refuses a kmsKey the backup account may not use, naming the prop and the account (red-team round 57)", async () => {
  const { ProtectedKey } = await import("../../lib/constructs");
  const make = (usableByAccounts?: string[]) =>
    synth((s) => new ProtectedDatabase(s, "Db", { ...postgres, kmsKey: new ProtectedKey(s, "DbKey", { accountId: APP_ACCOUNT, description: "orders", usableByAccounts }) }));
  expect(() => make()).toThrow("ProtectedDatabase: kmsKey must be usable by the backup account 222222222222, or every cross-account copy fails");
  const json = make(["222222222222"]).json;
  expect(only(json, "aws_db_instance").kms_key_id).toMatch(/aws_kms_key\.DbKey_\w+\.arn/);
});

describe("red-team round 60 F9: messages that name the right prop, and props not dropped silently", () => {
  it("names the shared plan, and what to change on it, when it copies across accounts and regions at once", async () => {
    const { OffsiteBackupPlan } = await import("../../lib/constructs");
    let message = "";
    try {
      synth((s) => {
        const plan = new OffsiteBackupPlan(s, "Shared", { name: "shared", accountId: APP_ACCOUNT, region: "eu-central-1", offsiteVaultArn: OFFSITE_ARN });
        new ProtectedDatabase(s, "Db", { ...postgres, backup: plan });
      });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toBe(
      `ProtectedDatabase: backup is the OffsiteBackupPlan test/Shared, whose offsiteVaultArn (${OFFSITE_ARN}) is in eu-west-1 and another account, but AWS Backup cannot copy RDS or Aurora backups across accounts and regions in one step. ` +
        "Give ProtectedDatabase a plan whose offsiteVaultArn is a vault of the backup account in eu-central-1 (an OffsiteBackupPlan with allowSameRegion: true; test/Shared can keep copying the resources that take both hops, such as EBS volumes), " +
        "and copy from there to another region with a plan in the backup account.",
    );
    // The plan has no backup.* props: the message must not send the user looking for them.
    expect(message).not.toMatch(/backup\.(allowSameRegion|offsiteVaultArn)/);
  });

  it("accepts a shared plan that copies to the backup account in the database's region", async () => {
    const { OffsiteBackupPlan } = await import("../../lib/constructs");
    const json = synth((s) => {
      const plan = new OffsiteBackupPlan(s, "Shared", { name: "shared", ...backup, allowSameRegion: true });
      new ProtectedDatabase(s, "Db", { ...postgres, backup: plan });
    }).json;
    expect(only(json, "aws_backup_plan").rule[0].copy_action[0].destination_vault_arn).toBe(SAME_REGION_OFFSITE);
  });

  it("refuses multiAz with an Aurora engine, where it would be dropped, and points to instances", () => {
    expect(() => build({ ...aurora, multiAz: true })).toThrow(
      'ProtectedDatabase: multiAz applies to an RDS instance only (engine is "aurora-postgresql"): an Aurora cluster has no Multi-AZ standby, it fails over to an Aurora Replica, so with multiAz alone it would have one instance and nothing to fail over to. Set instances: 2 (or more) instead, for a writer and a replica',
    );
    expect(() => build({ ...aurora, instances: 2, multiAz: true })).toThrow("ProtectedDatabase: multiAz applies to an RDS instance only");
    // Controls: Aurora without multiAz (or with it off), and multiAz on an RDS instance, where it is written out.
    expect(resources(build({ ...aurora, multiAz: false, instances: 2 }), "aws_rds_cluster_instance")).toHaveLength(2);
    expect(only(build({ ...postgres, multiAz: true }), "aws_db_instance").multi_az).toBe(true);
  });

  it.each(["docdb", "neptune", "aurora", "Postgres", "redis"])("refuses the engine %s, naming the prop and the engines it takes", (engine) => {
    expect(() => build({ ...postgres, engine })).toThrow(
      `ProtectedDatabase: engine must be an RDS or Aurora engine (got "${engine}"): ProtectedDatabase makes an RDS DB instance or an Aurora cluster, and RDS would refuse this engine at apply`,
    );
    expect(() => build({ ...postgres, engine })).toThrow("Use postgres, mysql, mariadb, oracle-ee, oracle-ee-cdb, oracle-se2, oracle-se2-cdb, sqlserver-ee, sqlserver-se, sqlserver-ex, sqlserver-web, db2-ae, db2-se or an RDS Custom engine for an RDS instance, or aurora-postgresql or aurora-mysql for an Aurora cluster");
  });

  it.each([
    ["mysql", "aws_db_instance"],
    ["mariadb", "aws_db_instance"],
    ["sqlserver-ex", "aws_db_instance"],
    ["oracle-se2", "aws_db_instance"],
    ["db2-se", "aws_db_instance"],
    ["aurora-mysql", "aws_rds_cluster"],
  ])("accepts the engine %s (%s)", (engine, type) => {
    expect(only(build({ ...postgres, engine }), type).engine).toBe(engine);
  });
});

describe("red-team round 175 F5: master user names and Multi-AZ that RDS refuses at apply", () => {
  const sqlserverEx: ProtectedDatabaseProps = { ...postgres, engine: "sqlserver-ex", instanceClass: "db.t3.small" };
  const user = (p: ProtectedDatabaseProps) => (p.engine.startsWith("aurora-") ? only(build(p), "aws_rds_cluster").master_username : only(build(p), "aws_db_instance").username);

  it.each([
    [{ ...postgres, masterUsername: "" }, 'ProtectedDatabase: masterUsername must start with a letter and hold only letters, digits and _ (got ""): RDS refuses any other master user name'],
    [{ ...postgres, masterUsername: "db-admin" }, 'ProtectedDatabase: masterUsername must start with a letter and hold only letters, digits and _ (got "db-admin")'],
    [{ ...postgres, masterUsername: "1admin" }, 'ProtectedDatabase: masterUsername must start with a letter and hold only letters, digits and _ (got "1admin")'],
    [{ ...aurora, masterUsername: "_admin" }, 'ProtectedDatabase: masterUsername must start with a letter and hold only letters, digits and _ (got "_admin")'],
    [{ ...postgres, masterUsername: "admin user" }, "ProtectedDatabase: masterUsername must start with a letter and hold only letters, digits and _"],
    [{ ...postgres, masterUsername: "rdsadmin" }, 'ProtectedDatabase: masterUsername must not be "rdsadmin" for engine "postgres": RDS keeps that user for itself'],
    [{ ...postgres, engine: "mysql", masterUsername: "rdsadmin" }, 'ProtectedDatabase: masterUsername must not be "rdsadmin" for engine "mysql"'],
    [{ ...postgres, engine: "mariadb", masterUsername: "rdsadmin" }, 'ProtectedDatabase: masterUsername must not be "rdsadmin" for engine "mariadb"'],
    [{ ...aurora, masterUsername: "rdsadmin" }, 'ProtectedDatabase: masterUsername must not be "rdsadmin" for engine "aurora-postgresql"'],
    [{ ...postgres, engine: "oracle-se2", masterUsername: "SYSTEM" }, 'ProtectedDatabase: masterUsername must not be "SYSTEM" for engine "oracle-se2": the user already exists in every RDS for Oracle database'],
    [{ ...postgres, engine: "oracle-ee", masterUsername: "RdsAdmin" }, 'ProtectedDatabase: masterUsername must not be "RdsAdmin" for engine "oracle-ee"'],
    [{ ...postgres, engine: "custom-oracle-ee", masterUsername: "sys" }, 'ProtectedDatabase: masterUsername must not be "sys" for engine "custom-oracle-ee"'],
    [{ ...postgres, masterUsername: "public" }, 'ProtectedDatabase: masterUsername must not be "public" for engine "postgres": PostgreSQL reserves public, none and names starting with pg_'],
    [{ ...aurora, masterUsername: "pg_admin" }, 'ProtectedDatabase: masterUsername must not be "pg_admin" for engine "aurora-postgresql"'],
    [{ ...postgres, masterUsername: "a".repeat(64) }, 'ProtectedDatabase: masterUsername must be at most 63 characters for engine "postgres" (got 64,'],
    [{ ...postgres, engine: "mysql", masterUsername: "a".repeat(33) }, 'ProtectedDatabase: masterUsername must be at most 32 characters for engine "mysql" (got 33,'],
    [{ ...aurora, engine: "aurora-mysql", masterUsername: "a".repeat(33) }, 'ProtectedDatabase: masterUsername must be at most 32 characters for engine "aurora-mysql"'],
    [{ ...postgres, engine: "sqlserver-se", masterUsername: "a".repeat(129) }, 'ProtectedDatabase: masterUsername must be at most 128 characters for engine "sqlserver-se" (got 129,'],
    [{ ...sqlserverEx, multiAz: true }, 'ProtectedDatabase: multiAz is not available with engine "sqlserver-ex": SQL Server Express Edition has no Multi-AZ deployment, and RDS would refuse it at apply'],
    [{ ...postgres, multiAz: "yes" as unknown as boolean }, 'ProtectedDatabase: multiAz must be true or false (got "yes")'],
  ] as [ProtectedDatabaseProps, string][])("%#: refuses, naming the prop", (p, message) => {
    expect(() => build(p)).toThrow(message);
  });

  it.each([
    ["dbadmin", { ...postgres }],
    ["app_admin2", { ...postgres, masterUsername: "app_admin2" }],
    ["postgres", { ...postgres, masterUsername: "postgres" }],
    ["a".repeat(63), { ...postgres, masterUsername: "a".repeat(63) }],
    ["PUBLIC_X", { ...postgres, masterUsername: "PUBLIC_X" }],
    ["admin", { ...postgres, engine: "mysql", masterUsername: "admin" }],
    ["a".repeat(32), { ...postgres, engine: "mysql", masterUsername: "a".repeat(32) }],
    ["admin", { ...postgres, engine: "oracle-se2", masterUsername: "admin" }],
    ["sysadmin", { ...postgres, engine: "oracle-se2", masterUsername: "sysadmin" }],
    ["a".repeat(128), { ...postgres, engine: "sqlserver-se", masterUsername: "a".repeat(128) }],
    ["pg_admin", { ...postgres, engine: "mysql", masterUsername: "pg_admin" }],
    ["ledger_admin", { ...aurora, masterUsername: "ledger_admin" }],
  ] as [string, ProtectedDatabaseProps][])("control: accepts the master user name %j (%#) and writes it", (name, p) => {
    expect(user(p)).toBe(name);
  });

  it("control: Multi-AZ with SQL Server Standard, and Express without it, synthesize", () => {
    expect(only(build({ ...sqlserverEx, engine: "sqlserver-se", instanceClass: "db.m5.large", multiAz: true }), "aws_db_instance").multi_az).toBe(true);
    expect(only(build({ ...sqlserverEx, multiAz: false }), "aws_db_instance").multi_az).toBe(false);
  });
});
