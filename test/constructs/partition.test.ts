/**
 * Partitions (red-team round 60 F6): the validators accept GovCloud and China regions and ARNs, so every guardrail
 * ARN must hold there too. Patterns that recognise agents use `arn:*:` (every partition); ARNs that must name a real
 * principal or resource (a key policy's accounts, a trail's source ARN, a role to assume) use the region's partition.
 * iam-simulate (a devDependency) is the oracle for what the synthesized policies decide.
 */
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { runSimulation, type Simulation } from "@cloud-copilot/iam-simulate";
import {
  AgentAuditTrail,
  AgentPrincipal,
  AgentRole,
  EnvironmentAccounts,
  OffsiteBackupPlan,
  OffsiteBackupVault,
  ProtectedKey,
  ProtectedVolume,
  ScopedToken,
} from "../../lib/constructs";
import { partitionOf } from "../../lib/constructs/validate";
import { APP_ACCOUNT, BACKUP_ACCOUNT, LOG_ACCOUNT, MGMT_ACCOUNT, ORG_ID, gateFindings, only, policyOf, resources, synth } from "./helpers";

const GOV = "us-gov-west-1";
const arn = (partition: string, rest: string) => `arn:${partition}:${rest}`;
const doc = (Statement: unknown[]) => ({ Version: "2012-10-17", Statement });
const ALLOW_ALL = doc([{ Effect: "Allow", Action: "*", Resource: "*" }]);

async function decide(sim: Omit<Simulation, "serviceControlPolicies" | "resourceControlPolicies"> & Partial<Pick<Simulation, "serviceControlPolicies">>): Promise<string> {
  const res = await runSimulation({ serviceControlPolicies: [], resourceControlPolicies: [], ...sim }, {});
  return res.resultType === "error" ? `error: ${JSON.stringify(res.errors)}` : res.overallResult;
}

describe("partitionOf", () => {
  it.each([
    ["eu-central-1", "aws"],
    ["us-east-1", "aws"],
    ["us-gov-west-1", "aws-us-gov"],
    ["cn-north-1", "aws-cn"],
    ["us-iso-east-1", "aws-iso"],
    ["us-isob-east-1", "aws-iso-b"],
  ])("%s is in %s", (region, partition) => {
    expect(partitionOf(region)).toBe(partition);
  });
});

describe("AgentRole and ScopedToken in GovCloud", () => {
  const agentArn = arn("aws-us-gov", `iam::${APP_ACCOUNT}:role/agents/coding-agent`);
  const build = () =>
    synth((s) => {
      const agent = new AgentRole(s, "Agent", { roleName: "coding-agent", assumedBy: [AgentPrincipal.role(arn("aws-us-gov", `iam::${APP_ACCOUNT}:role/agent-runner`))] });
      new ScopedToken(s, "Token", {
        name: "staging-read-logs",
        assumedBy: agent,
        actions: ["logs:GetLogEvents"],
        resources: [arn("aws-us-gov", `logs:${GOV}:${APP_ACCOUNT}:log-group:/app/staging/*`)],
        environment: "staging",
        accountId: APP_ACCOUNT,
        region: GOV,
      });
    }).json;
  const boundary = () => policyOf(resources(build(), "aws_iam_policy").find((p) => p.name === "coding-agent-boundary")!);
  /** The agent role (in GovCloud) with an identity policy that allows `action` on every resource, under its boundary. */
  const asAgent = (action: string, resource: string) =>
    decide({
      request: { principal: agentArn, action, resource: { resource, accountId: APP_ACCOUNT }, contextVariables: { "aws:PrincipalArn": agentArn } },
      identityPolicies: [{ name: "grant", policy: doc([{ Effect: "Allow", Action: action, Resource: "*" }]) }],
      permissionBoundaryPolicies: [{ name: "boundary", policy: boundary() }],
    });

  it("the self-guard holds: the agent may not change its own role there (UpdateRole, UntagRole)", async () => {
    expect(await asAgent("iam:UpdateRole", agentArn)).toBe("ExplicitlyDenied");
    expect(await asAgent("iam:UntagRole", agentArn)).toBe("ExplicitlyDenied");
  });

  it("control: the same grant still reaches other roles", async () => {
    expect(await asAgent("iam:UpdateRole", arn("aws-us-gov", `iam::${APP_ACCOUNT}:role/app/worker`))).toBe("Allowed");
  });

  it("chaining works into its ScopedToken's role, and nowhere outside /agents/", async () => {
    expect(await asAgent("sts:AssumeRole", arn("aws-us-gov", `iam::${APP_ACCOUNT}:role/agents/scoped/staging-read-logs`))).toBe("Allowed");
    expect(await asAgent("sts:AssumeRole", arn("aws-us-gov", `iam::${APP_ACCOUNT}:role/admin`))).toBe("ExplicitlyDenied");
  });

  it("passes the gate with zero findings", () => {
    expect(gateFindings(build())).toEqual([]);
  });
});

describe("ProtectedKey in GovCloud", () => {
  const keyPolicy = (partition?: string) => policyOf(only(synth((s) => new ProtectedKey(s, "Key", { accountId: APP_ACCOUNT, description: "k", usableByAccounts: [BACKUP_ACCOUNT], partition })).json, "aws_kms_key"));
  const key = arn("aws-us-gov", `kms:${GOV}:${APP_ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`);
  const as = async (principal: string, action: string) =>
    decide({
      request: { principal, action, resource: { resource: key, accountId: APP_ACCOUNT }, contextVariables: { "aws:PrincipalArn": principal } },
      identityPolicies: [{ name: "admin", policy: ALLOW_ALL }],
      resourcePolicy: keyPolicy("aws-us-gov"),
    });

  it("names the accounts by their root ARNs in the key's partition", () => {
    const principals = keyPolicy("aws-us-gov").Statement.filter((s: { Principal: unknown }) => typeof s.Principal === "object").map((s: { Principal: { AWS: string } }) => s.Principal.AWS);
    expect(principals).toEqual([arn("aws-us-gov", `iam::${APP_ACCOUNT}:root`), arn("aws-us-gov", `iam::${BACKUP_ACCOUNT}:root`), arn("aws-us-gov", `iam::${BACKUP_ACCOUNT}:root`)]);
  });

  it("denies key destruction to a GovCloud agent role; control: the account's admin may", async () => {
    expect(await as(arn("aws-us-gov", `iam::${APP_ACCOUNT}:role/agents/coding-agent`), "kms:ScheduleKeyDeletion")).toBe("ExplicitlyDenied");
    expect(await as(arn("aws-us-gov", `iam::${APP_ACCOUNT}:role/admin`), "kms:ScheduleKeyDeletion")).toBe("Allowed");
  });

  it("refuses a partition it does not know, naming the prop", () => {
    expect(() => keyPolicy("aws-gov")).toThrow('ProtectedKey: partition must be an AWS partition, one of aws, aws-us-gov, aws-cn');
  });

  it("control: without a partition it is the aws partition, as before", () => {
    expect(keyPolicy().Statement[0].Principal).toEqual({ AWS: `arn:aws:iam::${APP_ACCOUNT}:root` });
  });
});

describe("AgentAuditTrail in GovCloud", () => {
  const json = () =>
    synth((s) => {
      const log = new AwsProvider(s, "log", { region: GOV, alias: "log" });
      new AgentAuditTrail(s, "Trail", { trailName: "agents", bucketName: "acme-agent-trail", organizationId: ORG_ID, managementAccountId: MGMT_ACCOUNT, logAccountId: LOG_ACCOUNT, region: GOV, logAccountProvider: log });
    }).json;
  const trailArn = arn("aws-us-gov", `cloudtrail:${GOV}:${MGMT_ACCOUNT}:trail/agents`);

  it("lets the trail deliver by its GovCloud ARN (aws:SourceArn) to the GovCloud bucket", async () => {
    const bucket = policyOf(only(json(), "aws_s3_bucket_policy"));
    const write = bucket.Statement.find((s: { Sid: string }) => s.Sid === "CloudTrailWritesLogs");
    expect(write.Condition.StringEquals["aws:SourceArn"]).toBe(trailArn);
    expect(write.Resource).toEqual([arn("aws-us-gov", `s3:::acme-agent-trail/AWSLogs/${MGMT_ACCOUNT}/*`), arn("aws-us-gov", `s3:::acme-agent-trail/AWSLogs/${ORG_ID}/*`)]);
    const key = policyOf(only(json(), "aws_kms_key"));
    const encrypt = key.Statement.find((s: { Sid: string }) => s.Sid === "CloudTrailEncryptsLogs");
    expect(encrypt.Condition).toEqual({
      StringEquals: { "aws:SourceArn": trailArn },
      StringLike: { "kms:EncryptionContext:aws:cloudtrail:arn": arn("aws-us-gov", `cloudtrail:*:${MGMT_ACCOUNT}:trail/*`) },
    });
  });

  it("denies log deletion to a GovCloud agent; control: CloudTrail's own delivery is allowed", async () => {
    const policy = policyOf(only(json(), "aws_s3_bucket_policy"));
    const agent = arn("aws-us-gov", `iam::${LOG_ACCOUNT}:role/agents/coding-agent`);
    const object = arn("aws-us-gov", `s3:::acme-agent-trail/AWSLogs/${ORG_ID}/x.json.gz`);
    expect(
      await decide({
        request: { principal: agent, action: "s3:DeleteObject", resource: { resource: object, accountId: LOG_ACCOUNT }, contextVariables: { "aws:PrincipalArn": agent } },
        identityPolicies: [{ name: "admin", policy: ALLOW_ALL }],
        resourcePolicy: policy,
      }),
    ).toBe("ExplicitlyDenied");
    expect(
      await decide({
        request: {
          principal: "cloudtrail.amazonaws.com",
          action: "s3:PutObject",
          resource: { resource: object, accountId: LOG_ACCOUNT },
          contextVariables: { "aws:SourceArn": trailArn, "aws:SourceAccount": MGMT_ACCOUNT, "s3:x-amz-acl": "bucket-owner-full-control", "aws:SecureTransport": "true" },
        },
        identityPolicies: [],
        resourcePolicy: policy,
      }),
    ).toBe("Allowed");
  });
});

describe("EnvironmentAccounts in GovCloud", () => {
  const accounts = {
    production: { name: "prod", email: "aws-prod@example.com", accountId: APP_ACCOUNT },
    backup: { name: "backup", email: "aws-backup@example.com", accountId: BACKUP_ACCOUNT },
  };
  const build = (privilegedRoleArns?: string[]) =>
    synth((s) => new EnvironmentAccounts(s, "Env", { region: GOV, rootId: "r-ab12", accounts, privilegedRoleArns })).json;

  it("exempts and protects GovCloud break-glass roles by default, and assumes the GovCloud account access role", () => {
    const json = build();
    const destroy = resources(json, "aws_organizations_policy").filter((p) => String(p.name).startsWith("blastwall-deny-destroy-"));
    for (const p of destroy) for (const st of JSON.parse(p.content).Statement) expect(st.Condition).toEqual({ ArnNotLike: { "aws:PrincipalArn": ["arn:aws-us-gov:iam::*:role/breakglass/*"] } });
    const prod = (json.provider.aws as { alias?: string; assume_role?: { role_arn: string }[] }[]).find((p) => p.alias === "production")!;
    expect(prod.assume_role![0].role_arn).toBe(`arn:aws-us-gov:iam::${APP_ACCOUNT}:role/OrganizationAccountAccessRole`);
  });

  it("refuses privileged roles of another partition, naming the prop; accepts arn:*:", () => {
    expect(() => build(["arn:aws:iam::*:role/breakglass/*"])).toThrow(
      'EnvironmentAccounts: privilegedRoleArns must be in the partition of region us-gov-west-1 (aws-us-gov), or name any with arn:*: (got "arn:aws:iam::*:role/breakglass/*")',
    );
    expect(() => build(["arn:*:iam::*:role/breakglass/*"])).not.toThrow();
    expect(() => build(["arn:*:iam::*:role/*"])).toThrow("EnvironmentAccounts: privilegedRoleArns must be IAM role ARN patterns narrower than every role");
    expect(() => build(["arn:*:iam::*:role/agent*"])).toThrow("EnvironmentAccounts: privilegedRoleArns must not cover agent roles under /agents/");
  });

  it("the agent SCP denies a GovCloud agent everything; control: a GovCloud deploy role is not an agent", async () => {
    const json = build();
    const scp = resources(json, "aws_organizations_policy").find((p) => p.name === "blastwall-deny-agents")!;
    const as = (principal: string) =>
      decide({
        request: { principal, action: "s3:GetObject", resource: { resource: "arn:aws-us-gov:s3:::orders/x", accountId: APP_ACCOUNT }, contextVariables: { "aws:PrincipalArn": principal } },
        identityPolicies: [{ name: "admin", policy: ALLOW_ALL }],
        serviceControlPolicies: [{ orgIdentifier: "ou-prod", policies: [{ name: "FullAWSAccess", policy: ALLOW_ALL }, { name: "deny-agents", policy: JSON.parse(scp.content) }] }],
      });
    expect(await as(`arn:aws-us-gov:iam::${APP_ACCOUNT}:role/agents/coding-agent`)).toBe("ExplicitlyDenied");
    expect(await as(`arn:aws-us-gov:iam::${APP_ACCOUNT}:role/deploy`)).toBe("Allowed");
  });
});

describe("backups in GovCloud", () => {
  const vaultArn = `arn:aws-us-gov:backup:us-gov-east-1:${BACKUP_ACCOUNT}:backup-vault:offsite`;

  it("the vault's ARN and key are in the partition of its region", () => {
    let vault!: OffsiteBackupVault;
    const { json } = synth((s) => (vault = new OffsiteBackupVault(s, "Offsite", { vaultName: "offsite", accountId: BACKUP_ACCOUNT, region: "us-gov-east-1", organizationId: ORG_ID })));
    expect(vault.vaultArn).toBe(vaultArn);
    expect(policyOf(only(json, "aws_kms_key")).Statement[0].Principal).toEqual({ AWS: `arn:aws-us-gov:iam::${BACKUP_ACCOUNT}:root` });
  });

  it("the plan's service role, its managed policy and its key are in the partition of its region", () => {
    const { json } = synth((s) => new OffsiteBackupPlan(s, "Plan", { name: "prod", accountId: APP_ACCOUNT, region: GOV, offsiteVaultArn: vaultArn }), GOV);
    expect(only(json, "aws_iam_role_policy_attachment").policy_arn).toBe("arn:aws-us-gov:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup");
    expect(policyOf(only(json, "aws_kms_key")).Statement[0].Principal).toEqual({ AWS: `arn:aws-us-gov:iam::${APP_ACCOUNT}:root` });
  });

  it("a ProtectedVolume's own key and plan follow its backup region's partition", () => {
    // The volume is deployed by a provider of its region (a zone of another region than the provider's is refused).
    const { json } = synth((s) => new ProtectedVolume(s, "Volume", { name: "data", availabilityZone: `${GOV}a`, sizeGiB: 10, backup: { accountId: APP_ACCOUNT, region: GOV, offsiteVaultArn: vaultArn }, provider: new AwsProvider(s, "gov", { alias: "gov", region: GOV }) }));
    const principals = policyOf(only(json, "aws_kms_key")).Statement.filter((x: { Effect: string }) => x.Effect === "Allow").map((x: { Principal: { AWS: string } }) => x.Principal.AWS);
    expect(new Set(principals)).toEqual(new Set([`arn:aws-us-gov:iam::${APP_ACCOUNT}:root`, `arn:aws-us-gov:iam::${BACKUP_ACCOUNT}:root`]));
    expect(only(json, "aws_backup_selection").iam_role_arn).toBe(`arn:aws-us-gov:iam::${APP_ACCOUNT}:role/service-role/data-plan-backup`);
  });

  it("refuses a vault or a key of another partition, naming the prop", () => {
    expect(() => synth((s) => new OffsiteBackupPlan(s, "Plan", { name: "prod", accountId: APP_ACCOUNT, region: GOV, offsiteVaultArn: `arn:aws:backup:eu-west-1:${BACKUP_ACCOUNT}:backup-vault:offsite` }), GOV)).toThrow(
      "OffsiteBackupPlan: offsiteVaultArn is in partition aws, but region us-gov-west-1 is in aws-us-gov: AWS Backup copies within a partition only",
    );
    expect(() =>
      synth((s) => {
        const key = new ProtectedKey(s, "Key", { accountId: APP_ACCOUNT, description: "k", usableByAccounts: [BACKUP_ACCOUNT] });
        new OffsiteBackupPlan(s, "Plan", { name: "prod", accountId: APP_ACCOUNT, region: GOV, offsiteVaultArn: vaultArn, kmsKey: key });
      }, GOV),
    ).toThrow('OffsiteBackupPlan: kmsKey is a key of partition aws, but the data\'s region is in aws-us-gov: its policy names accounts KMS there does not know. Create test/Key with partition: "aws-us-gov"');
    expect(() =>
      synth((s) => {
        const key = new ProtectedKey(s, "Key", { accountId: BACKUP_ACCOUNT, description: "k" });
        new OffsiteBackupVault(s, "Offsite", { vaultName: "offsite", accountId: BACKUP_ACCOUNT, region: "us-gov-east-1", organizationId: ORG_ID, kmsKey: key });
      }),
    ).toThrow('OffsiteBackupVault: kmsKey is a key of partition aws, but the vault\'s region us-gov-east-1 is in aws-us-gov: create the ProtectedKey with partition: "aws-us-gov"');
  });
});

describe("AgentPrincipal.identityCenterPermissionSet in GovCloud", () => {
  it("trusts the account's root and pins the roles in the partition given", () => {
    const p = AgentPrincipal.identityCenterPermissionSet({ accountId: APP_ACCOUNT, permissionSetName: "Agent", partition: "aws-us-gov" });
    const [st] = policyOf(only(synth((s) => new AgentRole(s, "Agent", { roleName: "a", assumedBy: [p] })).json, "aws_iam_role"), "assume_role_policy").Statement;
    expect(st.Principal).toEqual({ AWS: `arn:aws-us-gov:iam::${APP_ACCOUNT}:root` });
    expect(st.Condition.ArnLike["aws:PrincipalArn"][0]).toBe(`arn:aws-us-gov:iam::${APP_ACCOUNT}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Agent_????????????????`);
    expect(() => AgentPrincipal.identityCenterPermissionSet({ accountId: APP_ACCOUNT, permissionSetName: "Agent", partition: "gov" })).toThrow(
      "AgentPrincipal: identityCenterPermissionSet(partition) must be an AWS partition",
    );
  });
});
