/**
 * A key a construct's method or factory does not read: `AgentRole.allow({ ..., condition })`, `AgentPrincipal.githubActions({
 * ..., brnach })`, a boundary exemption's `expiry`, `providerFor(..., { regoin })`. The constructors refused such keys
 * (unknown-props.test.ts), but these options were read key by key, so the grant was made without the condition, the trust
 * for branch main, the exemption with no expiry. Each is now refused like a constructor's prop; tokens as values, keys set
 * to undefined and objects without a prototype (as plain JavaScript or a JSII runtime hands them in) still pass.
 */
import { App, TerraformStack, TerraformVariable, Testing } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { AgentPrincipal, AgentRole, EnvironmentAccounts, ScopedToken, type AgentPermission, type BoundaryExemption } from "../../lib/constructs";
import { resolveBoundaryExemptions } from "../../lib/constructs/boundary-exemptions";
import type { Construct } from "constructs";
import { APP_ACCOUNT, BACKUP_ACCOUNT, errorOf, loose, policyOf, resources, synth } from "./helpers";

type Obj = Record<string, any>;

const RUNNER = `arn:aws:iam::${APP_ACCOUNT}:role/agent-runner`;
const BUCKET = "arn:aws:s3:::acme-data/*";
const GITHUB = `arn:aws:iam::${APP_ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`;
const GITLAB = `arn:aws:iam::${APP_ACCOUNT}:oidc-provider/gitlab.com`;
const IDP = { providerArn: `arn:aws:iam::${APP_ACCOUNT}:oidc-provider/idp.example.com`, issuerHost: "idp.example.com", subject: "agent:ship-logs" };
const SIEM: BoundaryExemption = { action: "logs:PutSubscriptionFilter", reason: "ships the audit log groups to the SIEM (SEC-142)" };
const LOG_GROUPS = `arn:aws:logs:eu-central-1:${APP_ACCOUNT}:log-group:/app/*`;

const agent = (s: Construct, extra: Obj = {}) => new AgentRole(s, "Agent", { roleName: "coder", assumedBy: [AgentPrincipal.role(RUNNER)], ...extra });
const allowing = (permission: unknown) => errorOf(() => synth((s) => void agent(s).allow(loose<AgentPermission>(permission)))).message;
const permissionsOf = (json: Obj) => policyOf(resources(json, "aws_iam_role_policy").find((p) => p.name === "coder-permissions")!);
const trustOf = (json: Obj, name = "coder") => policyOf({ policy: resources(json, "aws_iam_role").find((r) => r.name === name)!.assume_role_policy });

describe("AgentRole.allow refuses a key it does not read", () => {
  test("a misspelt conditions: the grant would hold without it, wider than written", () => {
    expect(allowing({ actions: ["s3:GetObject"], resources: [BUCKET], condition: { StringEquals: { "aws:ResourceTag/env": "staging" } } })).toBe(
      "AgentRole.allow: condition is not an option of allow() of test/Agent (did you mean conditions?): it reads only actions, resources, conditions, sid. " +
        "An option it does not read changes nothing: the statement would be granted as if condition were not there, and a condition (or a NotAction, NotResource) " +
        "the grant does not read leaves it wider than written; allow() grants Allow statements of actions, resources and conditions only. Rename it to conditions",
    );
  });

  test("a misspelt resources is named as the typo, before resources is found missing", () => {
    expect(allowing({ actions: ["s3:GetObject"], resouces: [BUCKET] })).toMatch(/^AgentRole\.allow: resouces is not an option of allow\(\) of test\/Agent \(did you mean resources\?\)/);
  });

  test.each([
    ["notResources", { notResources: ["arn:aws:s3:::secrets/*"] }],
    ["effect", { effect: "Deny" }],
    ["Condition (IAM's spelling)", { Condition: { Bool: { "aws:SecureTransport": "true" } } }],
  ])("%s: IAM's keys, which allow() does not write", (_, extra) => {
    expect(allowing({ actions: ["s3:GetObject"], resources: [BUCKET], ...extra })).toMatch(/^AgentRole\.allow: \w+ is not an option of allow\(\) of test\/Agent.*: it reads only actions, resources, conditions, sid\. /);
  });

  test("a permission that is not an object is named, not a TypeError", () => {
    expect(allowing(undefined)).toMatch(/^AgentRole\.allow: permission is required: \{ actions, resources, conditions\?, sid\? \} \(got nothing\)/);
    expect(allowing("s3:GetObject")).toMatch(/^AgentRole\.allow: permission is required/);
    expect(allowing(["s3:GetObject"])).toMatch(/^AgentRole\.allow: permission must be an object of options, \{ actions, resources, conditions, sid \}/);
  });

  test("the controls: every key, tokens as values, an unknown key left undefined and an object without a prototype are granted as written", () => {
    const { json } = synth((s) => {
      const stage = new TerraformVariable(s, "stage", { type: "string" });
      const bucket = new IamRole(s, "Other", { name: "other", assumeRolePolicy: "{}" });
      const role = agent(s);
      role.allow({ actions: ["s3:GetObject"], resources: [bucket.arn], conditions: { StringEquals: { "aws:ResourceTag/env": stage.stringValue } }, sid: "ReadData" });
      role.allow(loose({ actions: ["s3:ListBucket"], resources: ["arn:aws:s3:::acme-data"], condition: undefined }));
      role.allow(Object.assign(Object.create(null) as object, { actions: ["sqs:SendMessage"], resources: [`arn:aws:sqs:eu-central-1:${APP_ACCOUNT}:q`] }) as AgentPermission);
      role.grantReadOnly("ec2");
    });
    const st = permissionsOf(json).Statement as Obj[];
    expect(st.find((x) => x.Sid === "ReadData")).toMatchObject({ Action: ["s3:GetObject"], Resource: ["${aws_iam_role.Other.arn}"], Condition: { StringEquals: { "aws:ResourceTag/env": "${var.stage}" } } });
    expect(st.map((x) => x.Action).flat()).toEqual(expect.arrayContaining(["s3:ListBucket", "sqs:SendMessage"]));
    expect(st.some((x) => x.Sid === "ReadOnlyec2")).toBe(true);
  });
});

describe("the AgentPrincipal factories refuse a key they do not read", () => {
  const principal = (make: () => unknown) => errorOf(make).message;

  test("role: a misspelt externalId would leave the trust without its sts:ExternalId condition", () => {
    expect(principal(() => AgentPrincipal.role(RUNNER, loose({ externalID: "ticket-42" })))).toBe(
      "AgentPrincipal: role(externalID) is not an option of AgentPrincipal.role (did you mean role(externalId)?): it reads only externalId. " +
        "An option it does not read changes nothing: the trust would be written as if externalID were not there (with no externalId, no sts:ExternalId condition), " +
        "so it would admit other sessions than the ones you named. Rename it to externalId",
    );
    // An external id given as the second argument, not in options, was read as no options at all.
    expect(principal(() => AgentPrincipal.role(RUNNER, loose("ticket-42")))).toBe(
      'AgentPrincipal: role(options) must be an object of options, { externalId }, written out in the code (got "ticket-42"): ' +
        "AgentPrincipal.role reads its options by name and would take anything else as no options at all. Pass them as { externalId: ... }",
    );
  });

  test.each([
    ["oidc", () => AgentPrincipal.oidc(loose({ ...IDP, audiences: "sts.amazonaws.com" })), /^AgentPrincipal: oidc\(audiences\) is not an option of AgentPrincipal\.oidc \(did you mean oidc\(audience\)\?\): it reads only providerArn, issuerHost, subject, audience, tokensCarrySourceIdentity\. .*with no audience, sts\.amazonaws\.com/],
    ["oidc, a misspelt tokensCarrySourceIdentity", () => AgentPrincipal.oidc(loose({ ...IDP, tokenCarrySourceIdentity: false })), /^AgentPrincipal: oidc\(tokenCarrySourceIdentity\) is not an option .*\(did you mean oidc\(tokensCarrySourceIdentity\)\?\)/],
    ["githubActions", () => AgentPrincipal.githubActions(loose({ providerArn: GITHUB, repository: "acme/infra", brnach: "release" })), /^AgentPrincipal: githubActions\(brnach\) is not an option of AgentPrincipal\.githubActions \(did you mean githubActions\(branch\)\?\): .*with neither branch nor environment, the workflows of branch main.*Rename it to branch$/],
    ["githubActions, an unrelated key", () => AgentPrincipal.githubActions(loose({ providerArn: GITHUB, repository: "acme/infra", workflow: "deploy.yml" })), /^AgentPrincipal: githubActions\(workflow\) is not an option of AgentPrincipal\.githubActions: it reads only providerArn, repository, branch, environment\. .*Remove it$/],
    ["gitlabCi", () => AgentPrincipal.gitlabCi(loose({ providerArn: GITLAB, project: "acme/infra", tags: "v1.2.0" })), /^AgentPrincipal: gitlabCi\(tags\) is not an option of AgentPrincipal\.gitlabCi \(did you mean gitlabCi\(tag\)\?\): .*with neither branch nor tag, the jobs of branch main/],
    ["identityCenterPermissionSet", () => AgentPrincipal.identityCenterPermissionSet(loose({ accountId: APP_ACCOUNT, permissionSetName: "AgentRunner", partiton: "aws-us-gov" })), /^AgentPrincipal: identityCenterPermissionSet\(partiton\) is not an option .*\(did you mean identityCenterPermissionSet\(partition\)\?\): .*with no partition, the account's root in aws/],
  ])("%s", (_, make, message) => {
    expect(principal(make)).toMatch(message);
  });

  test("gitlabCi keeps its own reason for environment, which GitLab never puts in the subject", () => {
    expect(principal(() => AgentPrincipal.gitlabCi(loose({ providerArn: GITLAB, project: "acme/infra", environment: "production" })))).toMatch(/^AgentPrincipal: gitlabCi\(environment\) is not supported/);
  });

  test("the controls: every option of each factory, tokens as values and undefined keys, make the trust asked for", () => {
    let externalId = "";
    const { json } = synth((s) => {
      externalId = new TerraformVariable(s, "external", { type: "string" }).stringValue;
      new AgentRole(s, "Agent", {
        roleName: "coder",
        trustPolicySizeLimit: 4096,
        assumedBy: [
          AgentPrincipal.role(RUNNER, { externalId }),
          AgentPrincipal.role(`arn:aws:iam::${APP_ACCOUNT}:role/other-runner`, loose({ externalId: undefined, externalID: undefined })),
          AgentPrincipal.oidc({ ...IDP, audience: "agents", tokensCarrySourceIdentity: true }),
          AgentPrincipal.identityCenterPermissionSet({ accountId: APP_ACCOUNT, permissionSetName: "AgentRunner", partition: "aws" }),
        ],
      });
      new AgentRole(s, "Ci", {
        roleName: "ci",
        assumedBy: [
          AgentPrincipal.githubActions({ providerArn: GITHUB, repository: "acme/infra", environment: "production" }),
          AgentPrincipal.gitlabCi(Object.assign(Object.create(null) as object, { providerArn: GITLAB, project: "acme/infra", tag: "v1.2.0", issuerHost: "gitlab.com", audience: "https://gitlab.com" }) as never),
        ],
      });
    });
    const text = JSON.stringify(trustOf(json));
    expect(text).toContain('"sts:ExternalId":"${var.external}"');
    expect(text).toContain('"idp.example.com:aud":"agents"');
    expect(text).toContain("AWSReservedSSO_AgentRunner_");
    const entries = resources(json, "aws_iam_role").filter((r) => r.name.startsWith("ci-entry")).map((r) => r.assume_role_policy).join(" ");
    expect(entries).toContain("repo:acme/infra:environment:production");
    expect(entries).toContain("project_path:acme/infra:ref_type:tag:ref:v1.2.0");
  });
});

describe("a boundary exemption refuses a key it does not read", () => {
  test("AgentRole: a misspelt expires would keep the boundary open for good", () => {
    expect(errorOf(() => synth((s) => void agent(s, { boundaryExemptions: [{ ...SIEM, expiry: "2027-01-31" }] }))).message).toBe(
      "AgentRole: boundaryExemptions[0].expiry is not an option of AgentRole's boundaryExemptions[0] (did you mean boundaryExemptions[0].expires?): " +
        "boundaryExemptions[0] holds only action, reason, expires. A prop it does not read changes nothing: the construct would be built with its defaults, " +
        "as if expiry were not there. Rename it to expires",
    );
  });

  test("ScopedToken: the same, named as its own prop", () => {
    const message = errorOf(() => synth((s) => void new ScopedToken(s, "T", loose({
      name: "ship-logs", assumedBy: AgentPrincipal.oidc(IDP), actions: [SIEM.action], resources: [LOG_GROUPS], environment: "staging",
      accountId: APP_ACCOUNT, region: "eu-central-1", boundaryExemptions: [{ ...SIEM, resource: LOG_GROUPS }],
    })))).message;
    expect(message).toMatch(/^ScopedToken: boundaryExemptions\[0\]\.resource is not an option of ScopedToken's boundaryExemptions\[0\]: boundaryExemptions\[0\] holds only action, reason, expires\. /);
  });

  test("the control: every key, and one left undefined, exempt the action until its expiry", () => {
    const given = [loose<BoundaryExemption>({ ...SIEM, expires: "2030-01-31", expiry: undefined })];
    expect(resolveBoundaryExemptions("AgentRole", given)).toMatchObject([{ action: SIEM.action, reason: SIEM.reason, expires: "2030-01-31", at: "boundaryExemptions[0]" }]);
    let role!: AgentRole;
    synth((s) => void (role = agent(s, { boundaryExemptions: given }).allow({ actions: [SIEM.action], resources: [LOG_GROUPS] })));
    expect(role.boundaryExemptions).toEqual([SIEM.action]);
  });
});

describe("EnvironmentAccounts.providerFor refuses an option it does not read", () => {
  const accounts = {
    production: { name: "prod", email: "aws-prod@example.com", accountId: APP_ACCOUNT },
    backup: { name: "backup", email: "aws-backup@example.com", accountId: BACKUP_ACCOUNT },
  };
  const providerFor = (options: unknown) => {
    const app = new App();
    const mgmt = new TerraformStack(app, "mgmt");
    new AwsProvider(mgmt, "aws", { region: "eu-central-1" });
    const env = new EnvironmentAccounts(mgmt, "Env", { region: "eu-central-1", rootId: "r-ab12", accounts });
    const prod = new TerraformStack(app, "prod");
    env.providerFor(prod, "production", loose(options));
    return JSON.parse(Testing.synth(prod)) as Obj;
  };

  test("a misspelt region would deploy to the environment's region", () => {
    expect(errorOf(() => providerFor({ regoin: "us-east-1" })).message).toMatch(
      /^EnvironmentAccounts\.providerFor: options\.regoin is not an option of providerFor\(\) of mgmt\/Env \(did you mean options\.region\?\): it reads only region, alias\. .*with no region, in the environment's region.*Rename it to region$/,
    );
    expect(errorOf(() => providerFor("us-east-1")).message).toMatch(/^EnvironmentAccounts\.providerFor: options must be an object of options, \{ region, alias \}/);
  });

  test("the control: region and alias, and an undefined key, make the provider asked for", () => {
    const json = providerFor({ region: "us-east-1", alias: "prod", regoin: undefined });
    expect(json.provider.aws[0]).toMatchObject({ region: "us-east-1", alias: "prod", allowed_account_ids: [APP_ACCOUNT] });
  });
});
