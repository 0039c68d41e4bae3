/**
 * Incident replay: an AI agent allowed to delete the production database.
 *
 * During a code freeze, an agent helping with the production app deleted its database. Here is the AWS side of
 * that: the agent's role was given `rds:*` on the production instance "to run migrations and restart it", and it
 * can read the instance's master password. The database itself is guarded against Terraform mistakes
 * (`prevent_destroy`, deletion protection, a final snapshot), and none of that matters: `rds:*` includes
 * switching deletion protection off and deleting the instance, and nothing outside the instance holds a copy.
 *
 * Built from raw provider resources on purpose; blastwall must reject this stack.
 */
import { App, Aspects, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { DbInstance } from "@cdktf/provider-aws/lib/db-instance";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { BlastwallChecks } from "blastwall";

const ACCOUNT = "111111111111";
const REGION = "eu-west-1";

export class DatabaseDeleteStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new AwsProvider(this, "aws", { region: REGION, allowedAccountIds: [ACCOUNT] });

    // The production database, guarded against `terraform destroy` but not against its own operators.
    const db = new DbInstance(this, "orders-db", {
      identifier: "orders-db",
      engine: "postgres",
      engineVersion: "16",
      instanceClass: "db.t4g.medium",
      allocatedStorage: 50,
      username: "dbadmin",
      manageMasterUserPassword: true,
      storageEncrypted: true,
      deletionProtection: true,
      skipFinalSnapshot: false,
      finalSnapshotIdentifier: "orders-db-final",
      deleteAutomatedBackups: false,
      backupRetentionPeriod: 7,
      tags: { environment: "production" },
      lifecycle: { preventDestroy: true },
    });

    // The agent, with "everything it might need" on the database.
    const agent = new IamRole(this, "app-agent", {
      name: "app-agent",
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/agent-runner` }, Action: "sts:AssumeRole" }],
      }),
      tags: { "blastwall:agent": "true" },
    });
    new IamRolePolicy(this, "app-agent-database", {
      role: agent.name,
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          { Sid: "ManageDatabase", Effect: "Allow", Action: "rds:*", Resource: db.arn },
          // The master password RDS keeps in Secrets Manager (rds!db-...), "to run migrations".
          { Sid: "ReadDatabasePassword", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:rds!db-*` },
        ],
      }),
    });
  }
}

/** Adds this example's stacks to an app (the example runner and the tests call this). */
export function defineStacks(app: App): void {
  new DatabaseDeleteStack(app, "database-delete");
}

if (require.main === module) {
  const app = new App();
  defineStacks(app);
  Aspects.of(app).add(new BlastwallChecks());
  app.synth();
}
