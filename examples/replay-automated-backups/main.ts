/**
 * Incident replay: an RDS instance whose automated backups die with it.
 *
 * An agent ran `terraform destroy` against production because its state file was stale. The database went, and
 * with it the backups the team counted on: RDS automated backups are deleted together with the instance unless
 * `delete_automated_backups = false`, and the provider's default is true. Nothing stopped the destroy
 * (no `prevent_destroy`, no deletion protection), no final snapshot was taken, and no AWS Backup plan kept a
 * copy anywhere else.
 *
 * Built from raw provider resources on purpose: this is what `new DbInstance(...)` with a seven-day backup
 * window looks like when nobody sets the rest. No agent principal is in the stack: the gate rejects the data
 * settings themselves. blastwall must reject this stack.
 */
import { App, Aspects, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { DbInstance } from "@cdktf/provider-aws/lib/db-instance";
import { BlastwallChecks } from "blastwall";

const ACCOUNT = "111111111111";
const REGION = "eu-west-1";

export class AutomatedBackupsStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new AwsProvider(this, "aws", { region: REGION, allowedAccountIds: [ACCOUNT] });
    new DbInstance(this, "courses-db", {
      identifier: "courses-db",
      engine: "postgres",
      engineVersion: "16",
      instanceClass: "db.t4g.medium",
      allocatedStorage: 50,
      username: "dbadmin",
      manageMasterUserPassword: true,
      storageEncrypted: true,
      // "We have backups": seven days of point-in-time recovery...
      backupRetentionPeriod: 7,
      // ...which delete_automated_backups (not set: the provider default is true) removes together with the instance.
      skipFinalSnapshot: true,
      tags: { environment: "production" },
    });
  }
}

/** Adds this example's stacks to an app (the example runner and the tests call this). */
export function defineStacks(app: App): void {
  new AutomatedBackupsStack(app, "automated-backups");
}

if (require.main === module) {
  const app = new App();
  defineStacks(app);
  Aspects.of(app).add(new BlastwallChecks());
  app.synth();
}
