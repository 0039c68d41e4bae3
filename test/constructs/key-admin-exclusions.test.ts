/**
 * A user review: ProtectedKey's refusal of the account-access role as a key administrator depended on construction
 * order (a key made before `EnvironmentAccounts({ accountAccessRoleName: "platform-admin" })` took `role/platform-*`),
 * and Control Tower's AWSControlTowerExecution, which the management account assumes in every enrolled account, was
 * not refused at all.
 */
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformStack, Testing, type App } from "cdktf";
import { EnvironmentAccounts, OffsiteBackupVault, ProtectedKey } from "../../lib/constructs";
import { BACKUP_ACCOUNT, ORG_ID, errorOf } from "./helpers";

const role = (rest: string) => `arn:aws:iam::${BACKUP_ACCOUNT}:role/${rest}`;

function stackIn(app: App, id: string): TerraformStack {
  const stack = new TerraformStack(app, id);
  new AwsProvider(stack, "aws", { region: "eu-west-1" });
  return stack;
}

function accounts(app: App, accountAccessRoleName: string): EnvironmentAccounts {
  return new EnvironmentAccounts(stackIn(app, "management"), "Accounts", {
    rootId: "r-ab12",
    region: "eu-west-1",
    accountAccessRoleName,
    accounts: { production: { name: "p", email: "p@example.com" }, backup: { name: "b", email: "b@example.com" } },
  });
}

const key = (stack: TerraformStack, admins: string[]) => new ProtectedKey(stack, "Key", { accountId: BACKUP_ACCOUNT, description: "k", keyAdministratorArns: admins });
const vault = (stack: TerraformStack, admins: string[]) =>
  new OffsiteBackupVault(stack, "Offsite", { vaultName: "offsite", accountId: BACKUP_ACCOUNT, region: "eu-west-1", organizationId: ORG_ID, keyAdministratorArns: admins });
const REFUSED = /keyAdministratorArns must not cover platform-admin, the account-access role/;

describe("key administrators: the account-access role of an EnvironmentAccounts, whatever the construction order", () => {
  test.each([
    ["ProtectedKey", key],
    ["OffsiteBackupVault", vault],
  ] as const)("%s made BEFORE EnvironmentAccounts({ accountAccessRoleName }) is refused at synth", (_n, make) => {
    const app = Testing.app();
    make(stackIn(app, "backup"), [role("platform-*")]); // constructs: the name is not known yet
    accounts(app, "platform-admin");
    expect(errorOf(() => app.synth()).message).toMatch(REFUSED);
  });

  test("the same, through Testing.synth with validations of the key's stack", () => {
    const app = Testing.app();
    const backup = stackIn(app, "backup");
    key(backup, [role("platform-admin")]);
    accounts(app, "platform-admin");
    expect(errorOf(() => Testing.synth(backup, true)).message).toMatch(REFUSED);
  });

  test("made AFTER it, still refused at construction (the early check)", () => {
    const app = Testing.app();
    accounts(app, "platform-admin");
    const backup = stackIn(app, "backup");
    expect(errorOf(() => key(backup, [role("platform-*")])).message).toMatch(new RegExp(`^ProtectedKey: ${REFUSED.source}`));
  });

  test("control: a break-glass pattern passes with the EnvironmentAccounts made before or after", () => {
    for (const order of ["before", "after"]) {
      const app = Testing.app();
      if (order === "after") accounts(app, "platform-admin");
      key(stackIn(app, "backup"), [role("breakglass/*")]);
      if (order === "before") accounts(app, "platform-admin");
      expect(() => app.synth()).not.toThrow();
    }
  });

  test("control: without an EnvironmentAccounts renaming it, role/platform-* is an ordinary role", () => {
    const app = Testing.app();
    key(stackIn(app, "backup"), [role("platform-*")]);
    expect(() => app.synth()).not.toThrow();
  });
});

describe("key administrators: Control Tower's AWSControlTowerExecution", () => {
  test.each([
    ["the role itself", role("AWSControlTowerExecution")],
    ["case-insensitively", role("awscontroltowerexecution")],
    ["a pattern covering it", role("AWSControlTower*")],
    ["arn:*: and ?", `arn:*:iam::${BACKUP_ACCOUNT}:role/AWSControlTower?xecution`],
  ])("refuses %s, for ProtectedKey and OffsiteBackupVault", (_n, arn) => {
    const what = /keyAdministratorArns must not cover AWSControlTowerExecution, the role AWS Control Tower creates/;
    expect(errorOf(() => key(stackIn(Testing.app(), "s"), [arn])).message).toMatch(new RegExp(`^ProtectedKey: ${what.source}`));
    expect(errorOf(() => vault(stackIn(Testing.app(), "s"), [arn])).message).toMatch(new RegExp(`^OffsiteBackupVault: ${what.source}`));
  });

  test("control: a role that only starts like it, under another path, is taken", () => {
    const app = Testing.app();
    key(stackIn(app, "s"), [role("breakglass/AWSControlTowerExecution-reviewer")]);
    expect(() => app.synth()).not.toThrow();
  });
});
