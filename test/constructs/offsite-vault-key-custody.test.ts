import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { App, TerraformStack } from "cdktf";
import { OffsiteBackupVault, ProtectedKey, type OffsiteBackupVaultProps } from "../../lib/constructs";
import { KEY_CUSTODY_ACTIONS } from "../../lib/constructs/protected-key";
import { BACKUP_ACCOUNT, ORG_ID, gateFindings, loose, only, policyOf, synth } from "./helpers";

// Red-team: the Vault Lock protects the off-site recovery points, not the key that encrypts them. The key policy
// gave kms:* to the backup account root and denied only agents, and the deny-destroy SCP exempts
// OrganizationAccountAccessRole, which the management account can assume: one ScheduleKeyDeletion from there made
// every off-site copy unreadable.

const props: OffsiteBackupVaultProps = { vaultName: "offsite", accountId: BACKUP_ACCOUNT, region: "eu-west-1", organizationId: ORG_ID };
const BREAKGLASS = `arn:aws:iam::${BACKUP_ACCOUNT}:role/breakglass/*`;
const ORG_ACCESS_ROLE = `arn:aws:iam::${BACKUP_ACCOUNT}:role/OrganizationAccountAccessRole`;

const keyPolicy = (extra: Partial<OffsiteBackupVaultProps> = {}) => policyOf(only(synth((s) => new OffsiteBackupVault(s, "Offsite", { ...props, ...extra })).json, "aws_kms_key"));
const custody = (policy: Record<string, any>) => (policy.Statement as any[]).filter((s) => s.Sid === "OnlyKeyAdministratorsDestroyOrReassignKey");

/** iam-simulate (a devDependency, the oracle) evaluates the key policy for one call by one role of the backup account. */
async function call(policy: object, principal: string, action: string): Promise<string> {
  const { runSimulation } = await import("@cloud-copilot/iam-simulate");
  const keyArn = `arn:aws:kms:eu-west-1:${BACKUP_ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
  const res = await runSimulation(
    {
      request: { principal, action, resource: { resource: keyArn, accountId: BACKUP_ACCOUNT }, contextVariables: { "aws:PrincipalArn": principal } },
      // An administrator of the account: everything its IAM policies can give.
      identityPolicies: [{ name: "admin", policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] } }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: policy,
    },
    {},
  );
  return res.resultType === "error" ? `error: ${JSON.stringify(res.errors)}` : res.overallResult;
}

describe("OffsiteBackupVault: only key administrators may destroy or hand away the vault's key", () => {
  it("denies deleting, disabling and re-policing the key to every principal but the backup account's break-glass roles", () => {
    const [deny] = custody(keyPolicy());
    expect(deny).toEqual({
      Sid: "OnlyKeyAdministratorsDestroyOrReassignKey",
      Effect: "Deny",
      Principal: "*",
      Action: ["kms:ScheduleKeyDeletion", "kms:DisableKey", "kms:PutKeyPolicy", "kms:DeleteImportedKeyMaterial", "kms:ImportKeyMaterial", "kms:ReplicateKey", "kms:UpdatePrimaryRegion"],
      Resource: "*",
      Condition: { ArnNotLike: { "aws:PrincipalArn": [BREAKGLASS] } },
    });
  });

  it("keeps what AWS Backup needs to copy in and restore: no encrypt, decrypt or grant call is denied to anyone", () => {
    const policy = keyPolicy();
    const denied = policy.Statement.filter((s: any) => s.Effect === "Deny" && !s.Condition.ArnLike && !s.Condition.StringLike).flatMap((s: any) => s.Action);
    for (const a of ["kms:Decrypt", "kms:Encrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:DescribeKey", "kms:CreateGrant", "kms:RetireGrant", "kms:CancelKeyDeletion", "kms:EnableKey"]) {
      expect(denied).not.toContain(a);
    }
  });

  it("takes its own administrators, in the vault's partition", () => {
    const admins = [`arn:aws:iam::${BACKUP_ACCOUNT}:role/key-admins/custodian`];
    expect(custody(keyPolicy({ keyAdministratorArns: admins }))[0].Condition).toEqual({ ArnNotLike: { "aws:PrincipalArn": admins } });
    const gov = policyOf(only(synth((s) => new OffsiteBackupVault(s, "Offsite", { ...props, region: "us-gov-west-1" }), "us-gov-west-1").json, "aws_kms_key"));
    expect(custody(gov)[0].Condition).toEqual({ ArnNotLike: { "aws:PrincipalArn": [`arn:aws-us-gov:iam::${BACKUP_ACCOUNT}:role/breakglass/*`] } });
  });

  describe("evaluated (iam-simulate): an admin of the backup account, or the management account through its access role", () => {
    const policy = keyPolicy();
    it.each(["kms:ScheduleKeyDeletion", "kms:DisableKey", "kms:PutKeyPolicy"])("cannot call %s", async (action) => {
      expect(await call(policy, ORG_ACCESS_ROLE, action)).toBe("ExplicitlyDenied");
      expect(await call(policy, `arn:aws:iam::${BACKUP_ACCOUNT}:role/ci-deployer`, action)).toBe("ExplicitlyDenied");
    });
    it.each(["kms:ScheduleKeyDeletion", "kms:PutKeyPolicy"])("control: a break-glass role can still call %s (the key stays administrable)", async (action) => {
      expect(await call(policy, `arn:aws:iam::${BACKUP_ACCOUNT}:role/breakglass/oncall`, action)).toBe("Allowed");
    });
    it("control: the access role can still use the key (copies and restores)", async () => {
      expect(await call(policy, ORG_ACCESS_ROLE, "kms:Decrypt")).toBe("Allowed");
      expect(await call(policy, ORG_ACCESS_ROLE, "kms:CreateGrant")).toBe("Allowed");
    });
  });

  it("still passes the gate with zero findings", () => {
    expect(gateFindings(synth((s) => new OffsiteBackupVault(s, "Offsite", props)).json)).toEqual([]);
  });

  it("a ProtectedKey without keyAdministratorArns keeps its policy as before (no custody Deny)", () => {
    const policy = policyOf(only(synth((s) => new ProtectedKey(s, "K", { accountId: BACKUP_ACCOUNT, description: "d" })).json, "aws_kms_key"));
    expect(custody(policy)).toEqual([]);
    expect(KEY_CUSTODY_ACTIONS).toContain("kms:ScheduleKeyDeletion");
  });

  describe("refuses what would leave the key to every admin, or to nobody", () => {
    const build = (extra: Partial<OffsiteBackupVaultProps>) => () => synth((s) => new OffsiteBackupVault(s, "Offsite", { ...props, ...extra }));
    it.each([
      [[], "OffsiteBackupVault: keyAdministratorArns must name at least one role"],
      [[`arn:aws:iam::${BACKUP_ACCOUNT}:role/*`], `OffsiteBackupVault: keyAdministratorArns must be IAM role ARN patterns narrower than every role, starting with a literal path or name, like "arn:aws:iam::${BACKUP_ACCOUNT}:role/breakglass/*" (got "arn:aws:iam::${BACKUP_ACCOUNT}:role/*")`],
      [[`arn:aws:iam::${BACKUP_ACCOUNT}:role/*admin*`], "OffsiteBackupVault: keyAdministratorArns must be IAM role ARN patterns narrower than every role"],
      [[`arn:aws:iam::${BACKUP_ACCOUNT}:user/breakglass/x`], "OffsiteBackupVault: keyAdministratorArns must be IAM role ARN patterns narrower than every role"],
      [[`arn:aws-cn:iam::${BACKUP_ACCOUNT}:role/breakglass/*`], "OffsiteBackupVault: keyAdministratorArns must be in the key's partition aws"],
      [["arn:aws:iam::*:role/breakglass/*"], `OffsiteBackupVault: keyAdministratorArns must be roles of the key's account ${BACKUP_ACCOUNT}`],
      [["arn:aws:iam::999999999999:role/breakglass/*"], `OffsiteBackupVault: keyAdministratorArns must be roles of the key's account ${BACKUP_ACCOUNT}`],
      [[`arn:aws:iam::${BACKUP_ACCOUNT}:role/a*`], "OffsiteBackupVault: keyAdministratorArns must not cover agent roles under /agents/"],
      [loose<string[]>("arn:aws:iam::x"), "OffsiteBackupVault: keyAdministratorArns must be a list of IAM role ARN patterns"],
    ])("keyAdministratorArns %j", (arns, message) => {
      expect(build({ keyAdministratorArns: arns })).toThrow(message);
    });

    it("a given kmsKey must have key administrators of its own, and then takes no keyAdministratorArns", () => {
      const run = (keyAdmins: string[] | undefined, vaultAdmins?: string[]) => () =>
        synth((s) => {
          const kmsKey = new ProtectedKey(s, "K", { accountId: BACKUP_ACCOUNT, partition: "aws", description: "d", keyAdministratorArns: keyAdmins });
          new OffsiteBackupVault(s, "Offsite", { ...props, kmsKey, keyAdministratorArns: vaultAdmins });
        });
      expect(run(undefined)).toThrow(/^OffsiteBackupVault: kmsKey must be a ProtectedKey with keyAdministratorArns \(like \["arn:aws:iam::222222222222:role\/breakglass\/\*"\]\): the Vault Lock does not protect the key/);
      expect(run([BREAKGLASS], [BREAKGLASS])).toThrow("OffsiteBackupVault: keyAdministratorArns is for the vault's own key, but kmsKey is given");
      expect(run([BREAKGLASS])).not.toThrow();
    });

    it("refuses a provider that deploys the key as a role outside its administrators (KMS's lockout safety check would)", () => {
      const withRole = (role: string) => () =>
        synth((s) => {
          const p = new AwsProvider(s, "backup", { region: "eu-west-1", alias: "backup", assumeRole: [{ roleArn: role }] });
          new OffsiteBackupVault(s, "Offsite", { ...props, provider: p });
        });
      const message = `OffsiteBackupVault: keyAdministratorArns does not cover the role the key is deployed with (${ORG_ACCESS_ROLE}, the provider's assumeRole): KMS refuses a key policy that would deny its creator kms:PutKeyPolicy`;
      expect(withRole(ORG_ACCESS_ROLE)).toThrow(message);
      expect(withRole(`arn:aws:iam::${BACKUP_ACCOUNT}:role/breakglass/backup-deploy`)).not.toThrow();
      // The stack's default provider, when no provider is given.
      const byDefault = (role: string) => () => {
        const stack = new TerraformStack(new App(), "backup");
        new AwsProvider(stack, "aws", { region: "eu-west-1", assumeRole: [{ roleArn: role }] });
        new OffsiteBackupVault(stack, "Offsite", props);
      };
      expect(byDefault(ORG_ACCESS_ROLE)).toThrow(message);
      expect(byDefault(`arn:aws:iam::${BACKUP_ACCOUNT}:role/breakglass/backup-deploy`)).not.toThrow();
    });
  });
});
