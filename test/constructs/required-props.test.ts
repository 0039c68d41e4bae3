/**
 * Props from plain JavaScript (a user review): every required prop of every construct, left out, is named in
 * the message; never a TypeError, nor a resource written without it (an aws_db_instance without instance_class).
 */
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Testing } from "cdktf";
import type { Construct } from "constructs";
import { AgentAuditTrail, AgentPrincipal, AgentRole, EnvironmentAccounts, OffsiteBackupPlan, OffsiteBackupVault, ProtectedDatabase, ProtectedKey, ProtectedVolume, ScopedToken } from "../../lib/constructs";
import { APP_ACCOUNT, BACKUP_ACCOUNT, LOG_ACCOUNT, MGMT_ACCOUNT, OFFSITE_ARN, ORG_ID, errorOf, loose, stackIn } from "./helpers";

type Obj = Record<string, any>;

describe("ProtectedDatabase: required props", () => {
  const SAME_REGION = OFFSITE_ARN.replace(":eu-west-1:", ":eu-central-1:");
  const db = { identifier: "orders", engine: "postgres", instanceClass: "db.t4g.micro", backup: { accountId: APP_ACCOUNT, region: "eu-central-1", offsiteVaultArn: SAME_REGION } };

  test("without instanceClass (plain JS) it is refused, naming the prop, instead of writing an aws_db_instance without instance_class", () => {
    const { instanceClass: _, ...rest } = db;
    expect(errorOf(() => new ProtectedDatabase(stackIn("eu-central-1"), "D", loose(rest))).message).toMatch(/^ProtectedDatabase: instanceClass is required/);
  });

  test("without backup it is refused, naming the prop (it was a TypeError reading offsiteVaultArn)", () => {
    const { backup: _, ...rest } = db;
    expect(errorOf(() => new ProtectedDatabase(stackIn("eu-central-1"), "D", loose(rest))).message).toMatch(/^ProtectedDatabase: backup is required/);
  });

});

/**
 * Every required prop of every construct, left out as plain JavaScript may: the message names it. Each case is a
 * valid set of props (the control: it constructs) from which one required prop is deleted.
 */
describe("every required prop, missing, is named", () => {
  const trail = (s: Construct, p: Obj) => new AgentAuditTrail(s, "T", loose(p));
  const cases: [string, (s: Construct, p: Obj) => unknown, Obj][] = [
    ["AgentRole", (s, p) => new AgentRole(s, "R", loose(p)), { roleName: "claude", assumedBy: [AgentPrincipal.role(`arn:aws:iam::${APP_ACCOUNT}:role/runner`)] }],
    ["ProtectedKey", (s, p) => new ProtectedKey(s, "K", loose(p)), { accountId: APP_ACCOUNT, description: "data" }],
    ["OffsiteBackupPlan", (s, p) => new OffsiteBackupPlan(s, "P", loose(p)), { name: "plan", accountId: APP_ACCOUNT, region: "eu-central-1", offsiteVaultArn: OFFSITE_ARN }],
    ["OffsiteBackupVault", (s, p) => new OffsiteBackupVault(s, "V", loose(p)), { vaultName: "offsite", accountId: BACKUP_ACCOUNT, region: "eu-west-1", organizationId: ORG_ID }],
    ["ProtectedVolume", (s, p) => new ProtectedVolume(s, "V", loose(p)), { name: "data", availabilityZone: "eu-central-1a", sizeGiB: 10, backup: { accountId: APP_ACCOUNT, region: "eu-central-1", offsiteVaultArn: OFFSITE_ARN } }],
    ["ProtectedDatabase", (s, p) => new ProtectedDatabase(s, "D", loose(p)), { identifier: "orders", engine: "postgres", instanceClass: "db.t4g.micro", backup: { accountId: APP_ACCOUNT, region: "eu-central-1", offsiteVaultArn: OFFSITE_ARN.replace(":eu-west-1:", ":eu-central-1:") } }],
    ["EnvironmentAccounts", (s, p) => new EnvironmentAccounts(s, "E", loose(p)), { region: "eu-central-1", rootId: "r-ab12", accounts: { production: { name: "prod", email: "p@example.com", accountId: APP_ACCOUNT }, backup: { name: "backup", email: "b@example.com", accountId: BACKUP_ACCOUNT } } }],
    ["AgentAuditTrail", (s, p) => trail(s, { ...p, logAccountProvider: "logAccountProvider" in p ? new AwsProvider(s, "log", { alias: "log", region: "eu-central-1" }) : undefined }),
      { trailName: "agents", bucketName: "acme-agent-trail", organizationId: ORG_ID, managementAccountId: MGMT_ACCOUNT, logAccountId: LOG_ACCOUNT, region: "eu-central-1", logAccountProvider: true }],
    ["ScopedToken", (s, p) => new ScopedToken(s, "T", loose({ ...p, assumedBy: "assumedBy" in p ? new AgentRole(s, "A", { roleName: "claude", assumedBy: [AgentPrincipal.role(`arn:aws:iam::${APP_ACCOUNT}:role/runner`)] }) : undefined })),
      { name: "t", assumedBy: true, actions: ["logs:GetLogEvents"], resources: [`arn:aws:logs:eu-central-1:${APP_ACCOUNT}:log-group:/a:*`], environment: "staging", accountId: APP_ACCOUNT, region: "eu-central-1" }],
  ];

  test.each(cases)("control: %s with every required prop constructs and synthesizes", (_c, make, props) => {
    const stack = stackIn("eu-central-1");
    make(stack, props);
    expect(() => Testing.synth(stack)).not.toThrow();
  });

  const missing = cases.flatMap(([c, make, props]) => Object.keys(props).map((prop) => [c, prop, make, props] as const));
  test.each(missing)("%s without %s", (c, prop, make, props) => {
    const rest: Obj = { ...props };
    delete rest[prop];
    const message = errorOf(() => make(stackIn("eu-central-1"), rest)).message;
    expect(message).toMatch(new RegExp(`^${c}: ${prop} (is required|must)`));
  });

  test.each([
    ["AgentPrincipal.githubActions", () => AgentPrincipal.githubActions(loose({ repository: "acme/infra" })), /^AgentPrincipal: githubActions\(providerArn\) is required/],
    ["AgentPrincipal.githubActions", () => AgentPrincipal.githubActions(loose({ providerArn: `arn:aws:iam::${APP_ACCOUNT}:oidc-provider/x` })), /^AgentPrincipal: githubActions\(repository\) is required/],
    ["AgentPrincipal.oidc", () => AgentPrincipal.oidc(loose({ providerArn: `arn:aws:iam::${APP_ACCOUNT}:oidc-provider/x`, subject: "repo:a/b:ref:refs/heads/main" })), /^AgentPrincipal: oidc\(issuerHost\) is required/],
    ["AgentPrincipal.role", () => AgentPrincipal.role(loose(undefined)), /^AgentPrincipal: role\(roleArn\) is required/],
  ])("%s: a missing argument is named", (_n, make, message) => {
    expect(errorOf(make).message).toMatch(message);
  });
});

/**
 * No props at all (a user review: `new EnvironmentAccounts(scope, "E")` crashed with a TypeError reading `region`): the
 * message says the props are required and names what they must hold.
 */
describe("no props at all", () => {
  const cases: [string, (s: Construct) => unknown, string[]][] = [
    ["EnvironmentAccounts", (s) => new EnvironmentAccounts(s, "E", loose(undefined)), ["region", "accounts", "rootId", "createOrganization"]],
    ["ProtectedKey", (s) => new ProtectedKey(s, "K", loose(undefined)), ["accountId", "description"]],
    ["AgentRole", (s) => new AgentRole(s, "R", loose(undefined)), ["roleName", "assumedBy"]],
    ["OffsiteBackupVault", (s) => new OffsiteBackupVault(s, "V", loose(undefined)), ["vaultName", "accountId", "region", "organizationId"]],
    ["OffsiteBackupPlan", (s) => new OffsiteBackupPlan(s, "P", loose(undefined)), ["name", "accountId", "region", "offsiteVaultArn"]],
    ["ProtectedVolume", (s) => new ProtectedVolume(s, "V", loose(undefined)), ["name", "availabilityZone", "sizeGiB", "backup"]],
    ["ProtectedDatabase", (s) => new ProtectedDatabase(s, "D", loose(undefined)), ["identifier", "engine", "instanceClass", "backup"]],
    ["AgentAuditTrail", (s) => new AgentAuditTrail(s, "T", loose(undefined)), ["trailName", "bucketName", "organizationId", "logAccountProvider"]],
    ["ScopedToken", (s) => new ScopedToken(s, "T", loose(undefined)), ["name", "assumedBy", "actions", "resources", "environment", "accountId", "region"]],
  ];
  test.each(cases)("%s without props names the props it needs, not a TypeError", (c, make, names) => {
    const message = errorOf(() => make(stackIn("eu-central-1"))).message;
    expect(message).toMatch(new RegExp(`^${c}: props are required: \\{ .* \\} \\(got nothing\\)$`));
    for (const n of names) expect(message).toContain(n);
  });

  test("EnvironmentAccounts with null props says so too", () => {
    expect(errorOf(() => new EnvironmentAccounts(stackIn("eu-central-1"), "E", loose(null))).message).toBe(
      "EnvironmentAccounts: props are required: { region, accounts (production and backup at least), rootId (or createOrganization: true) } (got null)",
    );
  });
});
