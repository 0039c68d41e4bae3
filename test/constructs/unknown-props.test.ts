/**
 * A prop a construct does not read (red-team round 129, F5): `deletionProtection: false` on ProtectedDatabase, a
 * misspelt `copyRetentionDay` in a volume's backup options. The compiler checks only object literals, so a spread or an
 * `as any` passed them, and the construct was built with its defaults without a word. Each is now refused, naming the
 * construct, the prop, the near match and the props the construct reads.
 */
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import {
  AgentAuditTrail,
  AgentPrincipal,
  AgentRole,
  EnvironmentAccounts,
  OffsiteBackupPlan,
  OffsiteBackupVault,
  ProtectedDatabase,
  ProtectedKey,
  ProtectedVolume,
  RecycleBinLock,
  ScopedToken,
} from "../../lib/constructs";
import type { Construct } from "constructs";
import { APP_ACCOUNT, BACKUP_ACCOUNT, LOG_ACCOUNT, MGMT_ACCOUNT, OFFSITE_ARN, ORG_ID, loose, resources, synth } from "./helpers";

const OPTIONS = { accountId: APP_ACCOUNT, region: "eu-central-1", offsiteVaultArn: OFFSITE_ARN };
const SAME_REGION_VAULT = `arn:aws:backup:eu-central-1:${BACKUP_ACCOUNT}:backup-vault:offsite`;
const runner = () => AgentPrincipal.role(`arn:aws:iam::${APP_ACCOUNT}:role/agent-runner`);

/** Each construct with the props it needs, plus `extra`. */
const MAKERS: Record<string, (s: Construct, extra: Record<string, unknown>) => unknown> = {
  AgentRole: (s, extra) => new AgentRole(s, "A", loose({ roleName: "coder", assumedBy: [runner()], ...extra })),
  ScopedToken: (s, extra) =>
    new ScopedToken(s, "T", loose({
      name: "deploy-task", assumedBy: new AgentRole(s, "A", { roleName: "coder", assumedBy: [runner()] }), actions: ["s3:GetObject"],
      resources: ["arn:aws:s3:::acme-data/*"], environment: "staging", accountId: APP_ACCOUNT, region: "eu-central-1", ...extra,
    })),
  EnvironmentAccounts: (s, extra) =>
    new EnvironmentAccounts(s, "E", loose({
      region: "eu-central-1", rootId: "r-ab12",
      accounts: { production: { name: "prod", email: "aws-prod@example.com" }, backup: { name: "backup", email: "aws-backup@example.com" } }, ...extra,
    })),
  ProtectedKey: (s, extra) => new ProtectedKey(s, "K", loose({ accountId: APP_ACCOUNT, description: "data", ...extra })),
  OffsiteBackupPlan: (s, extra) => new OffsiteBackupPlan(s, "P", loose({ name: "prod", ...OPTIONS, ...extra })),
  OffsiteBackupVault: (s, extra) => new OffsiteBackupVault(s, "V", loose({ vaultName: "offsite", accountId: BACKUP_ACCOUNT, region: "eu-west-1", organizationId: ORG_ID, ...extra })),
  ProtectedVolume: (s, extra) => new ProtectedVolume(s, "Vol", loose({ name: "data", availabilityZone: "eu-central-1a", sizeGiB: 10, backup: OPTIONS, ...extra })),
  ProtectedDatabase: (s, extra) =>
    new ProtectedDatabase(s, "Db", loose({ identifier: "orders", engine: "postgres", instanceClass: "db.t4g.micro", backup: { ...OPTIONS, offsiteVaultArn: SAME_REGION_VAULT }, ...extra })),
  RecycleBinLock: (s, extra) => new RecycleBinLock(s, "R", loose(extra)),
  AgentAuditTrail: (s, extra) =>
    new AgentAuditTrail(s, "Trail", loose({
      trailName: "agents", bucketName: "acme-agent-trail", organizationId: ORG_ID, managementAccountId: MGMT_ACCOUNT, logAccountId: LOG_ACCOUNT,
      region: "eu-central-1", logAccountProvider: new AwsProvider(s, "log", { region: "eu-central-1", alias: "log" }), ...extra,
    })),
};

function messageOf(make: () => unknown): string {
  try {
    make();
  } catch (e) {
    return (e as Error).message;
  }
  return "accepted";
}

const refused = (name: string, extra: Record<string, unknown>) => messageOf(() => synth((s) => void MAKERS[name](s, extra)));

describe("a prop the construct does not read is refused", () => {
  test.each(Object.keys(MAKERS))("%s: an unknown prop, named with the construct and the props it reads", (name) => {
    const message = refused(name, { frobnicate: true });
    expect(message).toMatch(new RegExp(`^${name}: frobnicate is not a prop of ${name}: it reads only \\w+, `));
    expect(message).toContain("changes nothing");
    expect(message).not.toContain("did you mean");
  });

  test.each(Object.keys(MAKERS))("%s: the control, every prop it needs and an unknown key left undefined, is built", (name) => {
    expect(refused(name, { frobnicate: undefined })).toBe("accepted");
  });

  test("the red team's props: each refused, with the near match where there is one", () => {
    expect(refused("ProtectedDatabase", { deletionProtection: false })).toMatch(/^ProtectedDatabase: deletionProtection is not a prop of ProtectedDatabase: it reads only identifier, engine, .*backupRetentionDays/);
    expect(refused("ProtectedVolume", { finalSnapshot: false })).toMatch(/^ProtectedVolume: finalSnapshot is not a prop of ProtectedVolume/);
    expect(refused("AgentRole", { permissionsBoundary: "arn:aws:iam::aws:policy/AdministratorAccess" })).toMatch(/^AgentRole: permissionsBoundary is not a prop of AgentRole: it reads only roleName, assumedBy, /);
    expect(refused("RecycleBinLock", { lock: false })).toBe(
      "RecycleBinLock: lock is not a prop of RecycleBinLock: it reads only retentionDays, unlockDelayDays, provider. A prop it does not read changes nothing: " +
        "the construct would be built with its defaults, as if lock were not there. Remove it",
    );
    expect(refused("ProtectedKey", { deletionWindowInDays: 7 })).toMatch(/^ProtectedKey: deletionWindowInDays is not a prop of ProtectedKey/);
    expect(refused("ProtectedKey", { keyAdministratorArn: [] })).toMatch(/^ProtectedKey: keyAdministratorArn is not a prop of ProtectedKey \(did you mean keyAdministratorArns\?\)/);
  });

  test("in a protected resource's backup options: named as backup.<option>, with the options backup holds", () => {
    const message = refused("ProtectedVolume", { backup: { ...OPTIONS, copyRetentionDay: 1 } });
    expect(message).toBe(
      "ProtectedVolume: backup.copyRetentionDay is not an option of ProtectedVolume's backup (did you mean backup.copyRetentionDays?): backup holds only " +
        "accountId, region, offsiteVaultArn, allowSameRegion, allowSameAccount, schedule, retentionDays, copyRetentionDays. A prop it does not read changes nothing: " +
        "the construct would be built with its defaults, as if copyRetentionDay were not there. Rename it to copyRetentionDays",
    );
    // A plan's own props are the resource's to give: in backup they were dropped.
    expect(refused("ProtectedDatabase", { backup: { ...OPTIONS, offsiteVaultArn: SAME_REGION_VAULT, name: "orders-plan" } })).toMatch(/^ProtectedDatabase: backup\.name is not an option of ProtectedDatabase's backup/);
    // A shared plan is a construct, not options: its own fields are not judged as props.
    expect(messageOf(() => synth((s) => {
      const plan = new OffsiteBackupPlan(s, "P", { name: "shared", ...OPTIONS });
      new ProtectedVolume(s, "Vol", { name: "data", availabilityZone: "eu-central-1a", sizeGiB: 10, backup: plan });
    }))).toBe("accepted");
  });

  test("in the other blocks of options: recycleBin, serverlessV2Scaling, accounts and each account", () => {
    expect(refused("ProtectedVolume", { recycleBin: { retentionDay: 7 } })).toMatch(/^ProtectedVolume: recycleBin\.retentionDay is not an option of ProtectedVolume's recycleBin \(did you mean recycleBin\.retentionDays\?\): recycleBin holds only retentionDays, unlockDelayDays\. /);
    expect(refused("ProtectedDatabase", { engine: "aurora-postgresql", instanceClass: "db.serverless", serverlessV2Scaling: { minCapacity: 0.5, maxCapacity: 2, secondsUntilAutoPause: 300 } }))
      .toMatch(/^ProtectedDatabase: serverlessV2Scaling\.secondsUntilAutoPause is not an option of ProtectedDatabase's serverlessV2Scaling: serverlessV2Scaling holds only minCapacity, maxCapacity\. /);
    const accounts = { production: { name: "prod", email: "aws-prod@example.com" }, backup: { name: "backup", email: "aws-backup@example.com" } };
    expect(refused("EnvironmentAccounts", { accounts: { ...accounts, logs: { name: "log", email: "aws-log@example.com" } } })).toMatch(/^EnvironmentAccounts: accounts\.logs is not an option of EnvironmentAccounts's accounts \(did you mean accounts\.log\?\)/);
    expect(refused("EnvironmentAccounts", { accounts: { ...accounts, backup: { ...accounts.backup, accountID: BACKUP_ACCOUNT } } })).toMatch(/^EnvironmentAccounts: accounts\.backup\.accountID is not an option of EnvironmentAccounts's accounts\.backup \(did you mean accounts\.backup\.accountId\?\)/);
  });

  test("the controls: every option of a volume's backup and Recycle Bin, and an Aurora Serverless database, are built as asked", () => {
    const { json } = synth((s) => {
      new ProtectedVolume(s, "Vol", {
        name: "data", availabilityZone: "eu-central-1a", sizeGiB: 10,
        backup: { ...OPTIONS, allowSameRegion: false, allowSameAccount: false, schedule: "cron(0 4 * * ? *)", retentionDays: 14, copyRetentionDays: 35 },
        recycleBin: { retentionDays: 14, unlockDelayDays: 7 },
      });
      new ProtectedDatabase(s, "Db", { identifier: "orders", engine: "aurora-postgresql", instanceClass: "db.serverless", serverlessV2Scaling: { minCapacity: 0.5, maxCapacity: 2 }, backup: { ...OPTIONS, offsiteVaultArn: SAME_REGION_VAULT } });
    });
    expect(resources(json, "aws_rbin_rule")[0].retention_period.retention_period_value).toBe(14);
    expect(resources(json, "aws_backup_plan").some((p) => p.rule[0].schedule === "cron(0 4 * * ? *)")).toBe(true);
  });
});
