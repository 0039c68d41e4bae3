/**
 * Red-team review of three construct changes: OIDC subjects widened by a reference or an IAM policy variable, key
 * administrator patterns that hand the key to roles many can assume, and the RCP on an existing organisation.
 */
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { App, Fn, Lazy, TerraformStack, TerraformVariable } from "cdktf";
import { AgentPrincipal, AgentRole, EnvironmentAccounts, OffsiteBackupVault, ProtectedKey } from "../../lib/constructs";
import { AGENT_ENTRY_PATH } from "../../lib/constructs/agent-role";
import { APP_ACCOUNT, BACKUP_ACCOUNT, ORG_ID, errorOf, only, policyOf, synth } from "./helpers";

const PROVIDER = `arn:aws:iam::${APP_ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`;
const HOST = "token.actions.githubusercontent.com";
const oidc = (extra: Record<string, unknown>) => () => AgentPrincipal.oidc({ providerArn: PROVIDER, issuerHost: HOST, subject: "repo:acme/infra:ref:refs/heads/main", tokensCarrySourceIdentity: false, ...extra } as never);
const gha = (extra: Record<string, unknown>) => () => AgentPrincipal.githubActions({ providerArn: PROVIDER, repository: "acme/infra", ...extra } as never);
const variable = (stack: TerraformStack, value: string) => new TerraformVariable(stack, `v${Math.random().toString(36).slice(2)}`, { type: "string", default: value }).stringValue;

/** The trust of an AgentRole that admits `principal`, as synthesized (the entry role's for a GitHub principal). */
function trustConditions(principal: () => AgentPrincipal): Record<string, any>[] {
  const { json } = synth((s) => new AgentRole(s, "Agent", { roleName: "ci", assumedBy: [principal()] }));
  return Object.values(json.resource.aws_iam_role as Record<string, any>)
    .map((r) => JSON.parse(r.assume_role_policy))
    .flatMap((p) => p.Statement)
    .filter((s: any) => s.Action.includes("sts:AssumeRoleWithWebIdentity"))
    .map((s: any) => s.Condition);
}

describe("AgentPrincipal.oidc and githubActions: claims are written literally", () => {
  const stack = new TerraformStack(new App(), "vars");
  const policyVariableMessage = (m: string, prop: string) =>
    new RegExp(`^AgentPrincipal: ${m}\\(${prop}\\) must not contain "\\$\\{" .*Write the literal claim, like .*; a variable or policy variable can widen it to every token of the issuer$`);
  const referenceMessage = (m: string, prop: string) =>
    new RegExp(`^AgentPrincipal: ${m}\\(${prop}\\) must be written literally, not a reference or variable .*write the literal claim, like .*; a variable or policy variable can widen it to every token of the issuer`);

  test.each([
    ["$${...:sub} (Terraform-escaped policy variable)", "$${token.actions.githubusercontent.com:sub}"],
    ["${...:sub}", "${token.actions.githubusercontent.com:sub}"],
    ["a policy variable inside the claim", "repo:acme/$${aws:username}:ref:refs/heads/main"],
  ])("oidc(subject) refuses %s", (_n, subject) => {
    expect(errorOf(oidc({ subject })).message).toMatch(policyVariableMessage("oidc", "subject"));
  });

  test.each([
    ["a TerraformVariable defaulting to repo:acme/*", () => variable(stack, "repo:acme/*")],
    ["Fn.rawString of a policy variable", () => Fn.rawString("${token.actions.githubusercontent.com:sub}")],
    ["a Lazy value", () => Lazy.stringValue({ produce: () => "repo:acme/infra:ref:refs/heads/main" })],
  ])("oidc(subject) refuses %s", (_n, make) => {
    expect(errorOf(oidc({ subject: make() })).message).toMatch(referenceMessage("oidc", "subject"));
  });

  it("oidc(audience) refuses a policy variable and a reference", () => {
    expect(errorOf(oidc({ audience: "$${token.actions.githubusercontent.com:aud}" })).message).toMatch(policyVariableMessage("oidc", "audience"));
    expect(errorOf(oidc({ audience: variable(stack, "sts.amazonaws.com") })).message).toMatch(referenceMessage("oidc", "audience"));
  });

  test.each([
    ["branch", "$${aws:username}"],
    ["branch", "${token.actions.githubusercontent.com:sub}"],
    ["environment", "$${token.actions.githubusercontent.com:environment}"],
  ])("githubActions(%s) refuses %s", (key, value) => {
    expect(errorOf(gha({ [key]: value })).message).toMatch(policyVariableMessage("githubActions", key));
  });

  test.each(["repository", "branch", "environment"])("githubActions(%s) refuses a reference", (key) => {
    expect(errorOf(gha({ [key]: variable(stack, key === "repository" ? "acme/infra" : "main") })).message).toMatch(referenceMessage("githubActions", key));
  });

  it("control: a literal subject reaches the trust's StringLike as written", () => {
    expect(trustConditions(oidc({}))[0].StringLike[`${HOST}:sub`]).toBe("repo:acme/infra:ref:refs/heads/main");
  });

  test.each([
    ["an exact GitHub subject", { subject: "repo:acme/infra:ref:refs/heads/main" }],
    ["an exact GitLab subject", { subject: "project_path:acme/infra:ref_type:branch:ref:main" }],
    ["a subject with a lone $", { subject: "repo:acme/infra$:ref:refs/heads/main" }],
    ["a literal audience", { audience: "sts.amazonaws.com" }],
  ])("control: oidc takes %s", (_n, extra) => {
    expect(oidc(extra)).not.toThrow();
  });

  it("control: githubActions in normal use (default branch, a branch, an environment) and its trust", () => {
    expect(gha({})).not.toThrow();
    expect(gha({ branch: "release-1.2" })).not.toThrow();
    expect(gha({ environment: "production" })).not.toThrow();
    const [c] = trustConditions(gha({ environment: "production" }));
    expect(c.StringLike[`${HOST}:sub`]).toBe("repo:acme/infra:environment:production");
    expect(c.StringEquals).toEqual({ [`${HOST}:aud`]: "sts.amazonaws.com" });
  });
});

describe("ProtectedKey / OffsiteBackupVault: keyAdministratorArns may not cover roles many can assume", () => {
  const key = (admins: string[], build?: (s: TerraformStack) => void) => () =>
    synth((s, stack) => {
      build?.(stack);
      new ProtectedKey(s, "Key", { accountId: BACKUP_ACCOUNT, description: "k", keyAdministratorArns: admins });
    });
  const vault = (admins: string[]) => () =>
    synth((s) => new OffsiteBackupVault(s, "Offsite", { vaultName: "offsite", accountId: BACKUP_ACCOUNT, region: "eu-west-1", organizationId: ORG_ID, keyAdministratorArns: admins }));
  const role = (rest: string) => `arn:aws:iam::${BACKUP_ACCOUNT}:role/${rest}`;
  const message = (what: string) => new RegExp(`^(ProtectedKey|OffsiteBackupVault): keyAdministratorArns must not cover ${what}.*the key would then be in the hands of whoever can assume that role`);

  test.each([
    ["OrganizationAccountAccessRole", role("OrganizationAccountAccessRole"), "OrganizationAccountAccessRole"],
    ["role/O*", role("O*"), "OrganizationAccountAccessRole"],
    ["role/o* (case-insensitive)", role("o*"), "OrganizationAccountAccessRole"],
    ["role/organizationaccountaccessrole", role("organizationaccountaccessrole"), "OrganizationAccountAccessRole"],
    ["arn:*: with Organization?ccountAccessRole", `arn:*:iam::${BACKUP_ACCOUNT}:role/Organization?ccountAccessRole`, "OrganizationAccountAccessRole"],
    ["every Identity Center user", role("aws-reserved/sso.amazonaws.com/*"), "roles under /aws-reserved/"],
    ["role/aws-reserved/*", role("aws-reserved/*"), "roles under /aws-reserved/"],
    ["role/aws-*", role("aws-*"), "roles under /aws-reserved/"],
    ["service-linked roles", role("aws-service-role/*"), "service-linked roles"],
    ["agent entry roles", role(`${AGENT_ENTRY_PATH.slice(1)}*`), "agent entry roles under /agent-entry/"],
    ["role/agent-entry/ci-entry", role("agent-entry/ci-entry"), "agent entry roles"],
    ["role/Agent-Entry/* (case-insensitive)", role("Agent-Entry/*"), "agent entry roles"],
  ])("refuses %s", (_n, arn, what) => {
    expect(errorOf(key([arn])).message).toMatch(message(what));
    expect(errorOf(vault([arn])).message).toMatch(message(what));
  });

  it("refuses the accountAccessRoleName an EnvironmentAccounts of the app uses", () => {
    const withAccounts = (s: TerraformStack) => {
      const mgmt = new TerraformStack(s.node.root, "mgmt");
      new AwsProvider(mgmt, "aws", { region: "eu-west-1" });
      new EnvironmentAccounts(mgmt, "Accounts", {
        rootId: "r-ab12",
        region: "eu-west-1",
        accountAccessRoleName: "OrgAdmin",
        accounts: { production: { name: "p", email: "p@example.com" }, backup: { name: "b", email: "b@example.com" } },
      });
    };
    expect(errorOf(key([role("OrgAdmin")], withAccounts)).message).toMatch(message("OrgAdmin, the account-access role"));
    expect(errorOf(key([role("OrgAd*")], withAccounts)).message).toMatch(message("OrgAdmin"));
    // Control: without that EnvironmentAccounts the name is an ordinary role.
    expect(key([role("OrgAdmin")])).not.toThrow();
  });

  test.each([
    ["the break-glass default", [role("breakglass/*")]],
    ["another literal admin role", [role("key-admins/custodian")]],
    ["a role named like a path but elsewhere", [role("custody/aws-reserved-keys")]],
    ["an exact role at the root", [role("KeyCustodian")]],
  ])("control: takes %s", (_n, admins) => {
    expect(key(admins)).not.toThrow();
    expect(vault(admins)).not.toThrow();
    const json = key(admins)().json;
    expect(policyOf(only(json, "aws_kms_key")).Statement.find((s: any) => s.Sid === "OnlyKeyAdministratorsDestroyOrReassignKey").Condition).toEqual({ ArnNotLike: { "aws:PrincipalArn": admins } });
  });

  it("control: OffsiteBackupVault's default (role/breakglass/*) is accepted", () => {
    expect(() => synth((s) => new OffsiteBackupVault(s, "Offsite", { vaultName: "offsite", accountId: BACKUP_ACCOUNT, region: "eu-west-1", organizationId: ORG_ID }))).not.toThrow();
  });
});

describe("EnvironmentAccounts: the RCP on an existing organization (rootId)", () => {
  const accounts = { production: { name: "p", email: "p@example.com" }, backup: { name: "b", email: "b@example.com" } };
  const build = (extra: Record<string, unknown>) => synth((s) => new EnvironmentAccounts(s, "Env", { region: "eu-west-1", accounts, ...extra })).json;
  const rcp = (json: Record<string, any>) => Object.values(json.resource.aws_organizations_policy as Record<string, any>).find((p) => p.type === "RESOURCE_CONTROL_POLICY");

  it("stops the plan, with the one-time command, when RESOURCE_CONTROL_POLICY is not enabled on the root", () => {
    const json = build({ rootId: "r-ab12" });
    const [id] = Object.keys(json.data.aws_organizations_organization);
    const [pre] = rcp(json).lifecycle.precondition;
    expect(pre.condition).toBe(
      `\${contains(flatten([for r in data.aws_organizations_organization.${id}.roots : [for t in r.policy_types : t.type if t.status == "ENABLED"]]), "RESOURCE_CONTROL_POLICY")}`,
    );
    expect(pre.error_message).toContain("aws organizations enable-policy-type --root-id r-ab12 --policy-type RESOURCE_CONTROL_POLICY");
    expect(pre.error_message).toMatch(/^EnvironmentAccounts: denyAgentsByResourcePolicy needs/);
  });

  it("control: with createOrganization the organization enables the type, and no data source or precondition is added", () => {
    const json = build({ createOrganization: true });
    expect(only(json, "aws_organizations_organization").enabled_policy_types).toContain("RESOURCE_CONTROL_POLICY");
    expect(json.data).toBeUndefined();
    expect(rcp(json).lifecycle).toBeUndefined();
  });

  it("control: denyAgentsByResourcePolicy: false asks for no RESOURCE_CONTROL_POLICY (the SCPs still need theirs)", () => {
    const json = build({ rootId: "r-ab12", denyAgentsByResourcePolicy: false });
    const conditions = Object.values(json.resource.aws_organizations_policy as Record<string, any>).flatMap((p) => p.lifecycle.precondition.map((c: any) => c.condition));
    expect(conditions.filter((c: string) => c.includes("RESOURCE_CONTROL_POLICY"))).toEqual([]);
    expect(conditions.length).toBeGreaterThan(0);
  });

  it("the docs carry the one-time step and the RCP's limits", () => {
    const fs = require("fs") as typeof import("fs");
    const root = fs.readFileSync(`${__dirname}/../../README.md`, "utf8");
    const example = fs.readFileSync(`${__dirname}/../../examples/multi-account/README.md`, "utf8");
    const source = fs.readFileSync(`${__dirname}/../../lib/constructs/environment-accounts.ts`, "utf8");
    for (const text of [root, example, source]) {
      expect(text).toMatch(/aws organizations enable-policy-type --root-id r-/);
      expect(text).toMatch(/--policy-type RESOURCE_CONTROL_POLICY/);
      expect(text).toMatch(/--policy-type SERVICE_CONTROL_POLICY/);
      expect(text).toMatch(/aws organizations(\s+\*)?\s+enable-aws-service-access --service-principal(\s+\*)?\s+cloudtrail\.amazonaws\.com/);
      expect(text).toMatch(/DynamoDB,[\s*]+Lambda,[\s*]+SNS,[\s*]+ECR,[\s*]+Kinesis,[\s*]+EFS/);
    }
    // The deploy order names the break-glass role the backup stack deploys through, and how it comes to exist.
    const order = example.slice(example.indexOf("Deploy order"));
    expect(order).toMatch(/breakglass\/backup-deploy/);
    expect(order).toMatch(/OrganizationAccountAccessRole/);
  });
});
