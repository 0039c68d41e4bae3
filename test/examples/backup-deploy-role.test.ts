/**
 * The multi-account example's break-glass deploy role (README step 3): the trust and permission policies it ships in
 * docs/snippets match what the backup stack really creates, and the README names them and their commands.
 */
import { mkdtempSync, readFileSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { runExample } from "../../scripts/run-examples";

type Obj = Record<string, any>;
const root = join(__dirname, "..", "..");
const snippet = (f: string) => JSON.parse(readFileSync(join(root, "docs", "snippets", f), "utf8")) as Obj;
const trust = snippet("backup-deploy-trust.json");
const permissions = snippet("backup-deploy-permissions.json");
const readme = readFileSync(join(root, "examples", "multi-account", "README.md"), "utf8");
const list = (v: unknown): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v as string]);
const allowed = new Set(permissions.Statement.filter((s: Obj) => s.Effect === "Allow").flatMap((s: Obj) => list(s.Action)));

/** What Terraform calls to create and refresh each resource type the backup stack may hold. */
const NEEDS: Record<string, string[]> = {
  aws_kms_key: ["kms:CreateKey", "kms:DescribeKey", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:ListResourceTags", "kms:TagResource", "kms:PutKeyPolicy", "kms:EnableKeyRotation"],
  aws_kms_alias: ["kms:CreateAlias", "kms:ListAliases"],
  aws_backup_vault: ["backup:CreateBackupVault", "backup:DescribeBackupVault", "backup:ListTags", "backup:TagResource", "backup-storage:MountCapsule", "kms:CreateGrant", "kms:GenerateDataKey", "kms:Decrypt"],
  aws_backup_vault_lock_configuration: ["backup:PutBackupVaultLockConfiguration", "backup:DescribeBackupVault"],
  aws_backup_vault_policy: ["backup:PutBackupVaultAccessPolicy", "backup:GetBackupVaultAccessPolicy"],
};

describe("multi-account: the backup stack's break-glass deploy role", () => {
  let outdir = "";
  let backupTypes: string[] = [];
  beforeAll(async () => {
    outdir = mkdtempSync(join(tmpdir(), "blastwall-backup-deploy-"));
    await runExample(root, "multi-account", outdir);
    const tf = JSON.parse(readFileSync(join(outdir, "stacks", "backup", "cdk.tf.json"), "utf8")) as Obj;
    backupTypes = Object.keys(tf.resource ?? {}).sort();
  }, 120_000);
  afterAll(() => {
    if (outdir) rmSync(outdir, { recursive: true, force: true });
  });

  test("the permission policy covers every resource type the backup stack creates", () => {
    expect(backupTypes.length).toBeGreaterThan(0);
    for (const t of backupTypes) {
      expect([t, NEEDS[t] !== undefined]).toEqual([t, true]);
      expect([t, NEEDS[t].filter((a) => !allowed.has(a))]).toEqual([t, []]);
    }
  });

  test("the permission policy grants no deletion and no other custody action, and only in the backup account", () => {
    for (const a of allowed) expect(a).not.toMatch(/Delete|ScheduleKeyDeletion|DisableKey|ImportKeyMaterial|ReplicateKey|UpdatePrimaryRegion|^iam:|^\*$|:\*$/);
    for (const s of permissions.Statement as Obj[]) {
      for (const r of list(s.Resource)) if (r !== "*") expect(r).toMatch(/^arn:aws:(kms|backup):[a-z0-9-]+:555555555555:/);
    }
    // Grants only for AWS resources (the vault), never a grant a person could use.
    const grant = (permissions.Statement as Obj[]).find((s) => list(s.Action).includes("kms:CreateGrant"))!;
    expect(grant.Condition).toEqual({ Bool: { "kms:GrantIsForAWSResource": "true" } });
  });

  test("the trust admits one named pipeline role of the placeholder management account, and no agent session", () => {
    const allows = (trust.Statement as Obj[]).filter((s) => s.Effect === "Allow");
    expect(allows).toHaveLength(1);
    expect(allows[0].Principal).toEqual({ AWS: "arn:aws:iam::111111111111:role/backup-deploy-pipeline" });
    expect(allows[0].Condition).toBeUndefined();
    const deny = (trust.Statement as Obj[]).find((s) => s.Effect === "Deny")!;
    expect(list(deny.Action)).toEqual(expect.arrayContaining(["sts:AssumeRole", "sts:SetSourceIdentity"]));
    expect(deny.Condition).toEqual({ StringLike: { "sts:SourceIdentity": "agent-*" } });
  });

  test("step 3 of the README gives the exact commands with both files, and no elided command", () => {
    const step = readme.slice(readme.indexOf("3. **Once: create the backup stack"), readme.indexOf("4. **`backup`**"));
    expect(step).toMatch(/aws iam create-role --path \/breakglass\/ --role-name backup-deploy/);
    expect(step).toMatch(/--assume-role-policy-document file:\/\/docs\/snippets\/backup-deploy-trust\.json/);
    expect(step).toMatch(/aws iam put-role-policy --role-name backup-deploy .*\\\n\s+--policy-document file:\/\/docs\/snippets\/backup-deploy-permissions\.json/);
    expect(step).toMatch(/aws sts assume-role --role-arn arn:aws:iam::555555555555:role\/OrganizationAccountAccessRole/);
    expect(step).not.toMatch(/\.\.\.[`)]/);
    expect(step).toMatch(/few admins/);
  });

  test("the README no longer claims zero findings, and names the accepted warning", () => {
    expect(readme).not.toMatch(/zero findings/);
    expect(readme).toMatch(/agent-overwrite-unprotected/);
    expect(readme).toMatch(/docs\/UPGRADING\.md/);
  });
});
