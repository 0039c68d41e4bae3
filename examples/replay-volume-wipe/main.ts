/**
 * Incident replay: the April 2026 volume wipe, as infrastructure.
 *
 * An AI coding agent works in staging. Its role may read the staging secrets, and one of them holds the access
 * key of the CI deploy user, which has AdministratorAccess because "the pipeline deploys everything". Production
 * shares the account: its data volume is backed up by AWS Backup into a vault in the same account, without a
 * Vault Lock and without a copy anywhere else. Looking for a credential, the agent reads the secret, becomes the
 * deploy user, and deletes the volume and its recovery points.
 *
 * Built from raw provider resources on purpose: each of them is a common, reasonable-looking choice, and the
 * gate has to see the chain through all of them. blastwall must reject this stack.
 */
import { App, Aspects, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { BackupPlan } from "@cdktf/provider-aws/lib/backup-plan";
import { BackupSelection } from "@cdktf/provider-aws/lib/backup-selection";
import { BackupVault } from "@cdktf/provider-aws/lib/backup-vault";
import { EbsVolume } from "@cdktf/provider-aws/lib/ebs-volume";
import { IamAccessKey } from "@cdktf/provider-aws/lib/iam-access-key";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { IamUser } from "@cdktf/provider-aws/lib/iam-user";
import { IamUserPolicyAttachment } from "@cdktf/provider-aws/lib/iam-user-policy-attachment";
import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret";
import { SecretsmanagerSecretVersion } from "@cdktf/provider-aws/lib/secretsmanager-secret-version";
import { BlastwallChecks } from "blastwall";

const ACCOUNT = "111111111111";
const REGION = "eu-west-1";

export class VolumeWipeStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new AwsProvider(this, "aws", { region: REGION, allowedAccountIds: [ACCOUNT] });

    // 1. The agent: a staging role for a coding agent, allowed to read staging's secrets "to run the tests".
    const agent = new IamRole(this, "staging-agent", {
      name: "staging-agent",
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/agent-runner` }, Action: "sts:AssumeRole" }],
      }),
      tags: { "blastwall:agent": "true", environment: "staging" },
    });
    new IamRolePolicy(this, "staging-agent-work", {
      role: agent.name,
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          { Sid: "StagingService", Effect: "Allow", Action: ["ecs:UpdateService", "ecs:DescribeServices", "logs:FilterLogEvents"], Resource: "*" },
          { Sid: "StagingSecrets", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:staging/*` },
        ],
      }),
    });

    // 2. The broad token: the CI deploy user's access key, administrator of the whole account.
    const deployer = new IamUser(this, "ci-deploy", { name: "ci-deploy", tags: { purpose: "pipeline deploys" } });
    new IamUserPolicyAttachment(this, "ci-deploy-admin", { user: deployer.name, policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" });
    const key = new IamAccessKey(this, "ci-deploy-key", { user: deployer.name });

    // 3. Stored where the agent can read it: under staging/, because the staging pipeline uses it too.
    const secret = new SecretsmanagerSecret(this, "deploy-token", { name: "staging/deploy-token" });
    new SecretsmanagerSecretVersion(this, "deploy-token-value", {
      secretId: secret.id,
      secretString: JSON.stringify({ aws_access_key_id: key.id, aws_secret_access_key: key.secret }),
    });

    // 4. Production data in the same account. prevent_destroy stops `terraform destroy`, not ec2:DeleteVolume.
    const volume = new EbsVolume(this, "production-data", {
      availabilityZone: `${REGION}a`,
      size: 500,
      type: "gp3",
      encrypted: true,
      tags: { Name: "production-data", environment: "production" },
      lifecycle: { preventDestroy: true },
    });

    // 5. Its backups, in the same blast radius: a vault in the same account, no Vault Lock, no copy elsewhere.
    const vault = new BackupVault(this, "backups", { name: "production-backups", lifecycle: { preventDestroy: true } });
    const backupRole = new IamRole(this, "backup-service", {
      name: "backup-service",
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "backup.amazonaws.com" }, Action: "sts:AssumeRole" }],
      }),
    });
    new IamRolePolicyAttachment(this, "backup-service-policy", {
      role: backupRole.name,
      policyArn: "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
    });
    const plan = new BackupPlan(this, "nightly", {
      name: "production-nightly",
      rule: [{ ruleName: "nightly", targetVaultName: vault.name, schedule: "cron(0 3 * * ? *)", lifecycle: { deleteAfter: 14 } }],
    });
    new BackupSelection(this, "nightly-volume", { name: "production-data", planId: plan.id, iamRoleArn: backupRole.arn, resources: [volume.arn] });
  }
}

/** Adds this example's stacks to an app (the example runner and the tests call this). */
export function defineStacks(app: App): void {
  new VolumeWipeStack(app, "volume-wipe");
}

if (require.main === module) {
  const app = new App();
  defineStacks(app);
  Aspects.of(app).add(new BlastwallChecks());
  app.synth();
}
