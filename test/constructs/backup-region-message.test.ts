/**
 * ProtectedDatabase (a user review): backup.region not matching the vault or the stack, with allowSameRegion set,
 * was reported as if allowSameRegion were missing.
 */
import { ProtectedDatabase } from "../../lib/constructs";
import { APP_ACCOUNT, OFFSITE_ARN, errorOf, stackIn } from "./helpers";

const EU_WEST_VAULT = OFFSITE_ARN; // the backup account, eu-west-1

describe("ProtectedDatabase: backup.region", () => {
  const SAME_REGION = OFFSITE_ARN.replace(":eu-west-1:", ":eu-central-1:");
  const db = { identifier: "orders", engine: "postgres", instanceClass: "db.t4g.micro", backup: { accountId: APP_ACCOUNT, region: "eu-central-1", offsiteVaultArn: SAME_REGION } };

  test("backup.region not the vault's region, with allowSameRegion set: the message names that mismatch", () => {
    const make = () =>
      new ProtectedDatabase(stackIn(undefined), "D", { ...db, backup: { accountId: APP_ACCOUNT, region: "us-east-1", offsiteVaultArn: EU_WEST_VAULT, allowSameRegion: true } });
    const message = errorOf(make).message;
    expect(message).toMatch(/^ProtectedDatabase: backup\.region \(us-east-1\) is not the region of backup\.offsiteVaultArn \(eu-west-1\), though backup\.allowSameRegion is set/);
    expect(message).not.toContain("(set backup.allowSameRegion)");
  });

  test("backup.region not the stack's provider region is refused, naming both", () => {
    const make = () =>
      new ProtectedDatabase(stackIn("eu-west-1"), "D", { ...db, backup: { accountId: APP_ACCOUNT, region: "us-east-1", offsiteVaultArn: EU_WEST_VAULT, allowSameRegion: true } });
    expect(errorOf(make).message).toMatch(/^ProtectedDatabase: backup\.region is us-east-1, but the AWS provider of this stack deploys to eu-west-1/);
  });

  test("control: backup.region matching the stack and the vault, with allowSameRegion, is accepted", () => {
    expect(() =>
      new ProtectedDatabase(stackIn("eu-west-1"), "D", { ...db, backup: { accountId: APP_ACCOUNT, region: "eu-west-1", offsiteVaultArn: EU_WEST_VAULT, allowSameRegion: true } }),
    ).not.toThrow();
  });
});
