import { EnvironmentAccounts, WORKLOAD_ACTIONS, type EnvironmentAccountsProps } from "../../lib/constructs";
import { loadCatalogue } from "../../lib/engine/catalogue";
import { APP_ACCOUNT, BACKUP_ACCOUNT, LOG_ACCOUNT, gateFindings, loose, only, resources, synth } from "./helpers";

const accounts = {
  production: { name: "prod", email: "aws-prod@example.com", accountId: APP_ACCOUNT },
  backup: { name: "backup", email: "aws-backup@example.com", accountId: BACKUP_ACCOUNT },
  staging: { name: "staging", email: "aws-staging@example.com" },
  sandbox: { name: "sandbox", email: "aws-sandbox@example.com" },
};
const props: EnvironmentAccountsProps = { region: "eu-central-1", rootId: "r-ab12", accounts };
const build = (extra: Partial<EnvironmentAccountsProps> = {}) => {
  let env!: EnvironmentAccounts;
  const { json } = synth((s) => (env = new EnvironmentAccounts(s, "Env", { ...props, ...extra })));
  return { json, env };
};

type Policy = { name: string; content: string; skip_destroy: boolean; type: string };
/** The SCPs (the resource control policy has tests of its own, below). */
const policies = (json: Record<string, unknown>) => (resources(json, "aws_organizations_policy") as Policy[]).filter((p) => p.type === "SERVICE_CONTROL_POLICY");
const rcps = (json: Record<string, unknown>) => (resources(json, "aws_organizations_policy") as Policy[]).filter((p) => p.type !== "SERVICE_CONTROL_POLICY");
const attachments = (json: Record<string, unknown>) => resources(json, "aws_organizations_policy_attachment") as { policy_id: string; target_id: string; skip_destroy: boolean }[];

const withLog = { ...accounts, log: { name: "log", email: "aws-log@example.com", accountId: LOG_ACCOUNT } };

describe("EnvironmentAccounts", () => {
  it("creates one OU and one account per environment; accounts are never closed by a destroy", () => {
    const { json } = build();
    expect(resources(json, "aws_organizations_organizational_unit").map((o) => o.name).sort()).toEqual(["Backup", "Production", "Sandbox", "Staging"]);
    for (const a of resources(json, "aws_organizations_account")) {
      expect(a).toMatchObject({ close_on_deletion: false, role_name: "OrganizationAccountAccessRole", lifecycle: { prevent_destroy: true, ignore_changes: ["role_name"] } });
      expect(a.parent_id).toMatch(/aws_organizations_organizational_unit\.\w+\.id/);
    }
    for (const ou of resources(json, "aws_organizations_organizational_unit")) expect(ou).toMatchObject({ parent_id: "r-ab12", lifecycle: { prevent_destroy: true } });
  });

  it("exposes one provider per environment, assuming the account's admin role and pinned to known account ids", () => {
    const { json, env } = build();
    const providers = (json.provider as { aws: Record<string, unknown>[] }).aws;
    const prod = providers.find((p) => p.alias === "production")!;
    expect(prod).toMatchObject({ region: "eu-central-1", allowed_account_ids: [APP_ACCOUNT], assume_role: [{ role_arn: `arn:aws:iam::${APP_ACCOUNT}:role/OrganizationAccountAccessRole` }] });
    const staging = providers.find((p) => p.alias === "staging")!;
    expect(staging.allowed_account_ids).toBeUndefined();
    expect((staging.assume_role as { role_arn: string }[])[0].role_arn).toMatch(/^arn:aws:iam::\$\{aws_organizations_account\.\w+\.id\}:role\/OrganizationAccountAccessRole$/);
    expect(Object.keys(env.providers).sort()).toEqual(["backup", "production", "sandbox", "staging"]);
    expect(env.providers.production.alias).toBe("production");
  });

  it("writes SCPs that survive a destroy and fit AWS's size limit", () => {
    const { json } = build();
    for (const p of policies(json)) {
      expect(p).toMatchObject({ type: "SERVICE_CONTROL_POLICY", skip_destroy: true });
      expect(p.content.length).toBeLessThanOrEqual(5120);
    }
    for (const a of attachments(json)) expect(a.skip_destroy).toBe(true);
  });

  it("denies agents everything in production and backup, by principal path and by source identity", () => {
    const { json } = build();
    const deny = policies(json).find((p) => p.name === "blastwall-deny-agents")!;
    const st = JSON.parse(deny.content).Statement;
    expect(st).toEqual([
      expect.objectContaining({ Effect: "Deny", Action: "*", Condition: { ArnLike: { "aws:PrincipalArn": ["arn:*:iam::*:role/agents/*", "arn:*:iam::*:user/agents/*"] } } }),
      expect.objectContaining({ Effect: "Deny", Action: "*", Condition: { StringLike: { "aws:SourceIdentity": "agent-*" } } }),
    ]);
    const targets = attachments(json).filter((a) => a.policy_id.includes("blastwall-deny-agents") && !a.policy_id.includes("blastwall-deny-agents-resources")).map((a) => a.target_id);
    expect(targets).toHaveLength(2);
    expect(targets.some((t) => t.includes("ProductionOu"))).toBe(true);
    expect(targets.some((t) => t.includes("BackupOu"))).toBe(true);
  });

  const deniedByDestroyPolicies = (json: Record<string, unknown>) => {
    const denied = new Set<string>();
    for (const p of policies(json).filter((p) => p.name.startsWith("blastwall-deny-destroy-"))) {
      for (const st of JSON.parse(p.content).Statement) {
        expect(st.Condition).toEqual({ ArnNotLike: { "aws:PrincipalArn": ["arn:aws:iam::*:role/breakglass/*"] } });
        st.Action.forEach((a: string) => denied.add(a));
      }
    }
    return denied;
  };

  it("denies every direct and protection catalogue action but the workload actions outside break-glass roles in the protected environments", () => {
    const { json } = build();
    const denied = deniedByDestroyPolicies(json);
    const cat = loadCatalogue();
    expect([...cat.direct, ...cat.protection].map((e) => e.action).filter((a) => !denied.has(a)).sort()).toEqual(Object.keys(WORKLOAD_ACTIONS).sort());
    const targets = attachments(json).filter((a) => a.policy_id.includes("deny-destroy")).map((a) => a.target_id);
    expect(targets.every((t) => /ProductionOu|BackupOu/.test(t))).toBe(true);
  });

  describe("workload actions: an application's ordinary data work stays open to its roles, unless denyWorkloadActions", () => {
    const PROD = APP_ACCOUNT;
    const FULL_ACCESS = { name: "FullAWSAccess", policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] } };
    /** iam-simulate with the protected OU's SCPs as synthesized, for a production application role allowed everything. */
    const decide = async (extra: Partial<EnvironmentAccountsProps>, action: string, resource: string): Promise<string> => {
      const { runSimulation } = await import("@cloud-copilot/iam-simulate");
      const principal = `arn:aws:iam::${PROD}:role/orders-api`;
      const ou = policies(build(extra).json).filter((p) => !p.name.startsWith("blastwall-baseline-")).map((p) => ({ name: p.name, policy: JSON.parse(p.content) }));
      const res = await runSimulation(
        {
          request: { principal, action, resource: { resource, accountId: PROD }, contextVariables: { "aws:PrincipalArn": principal } },
          identityPolicies: [{ name: "app", policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] } }],
          serviceControlPolicies: [{ orgIdentifier: "ou-prod", policies: [FULL_ACCESS, ...ou] }],
          resourceControlPolicies: [],
        },
        {},
      );
      return res.resultType === "error" ? `error: ${JSON.stringify(res.errors)}` : res.overallResult;
    };
    const WORK: [string, string][] = [
      ["s3:DeleteObject", "arn:aws:s3:::orders/2026/invoice.pdf"],
      ["dynamodb:DeleteItem", `arn:aws:dynamodb:eu-central-1:${PROD}:table/orders`],
      ["dynamodb:BatchWriteItem", `arn:aws:dynamodb:eu-central-1:${PROD}:table/orders`],
      ["rds-db:connect", `arn:aws:rds-db:eu-central-1:${PROD}:dbuser:db-ABCDEFGHIJKL01234/orders_app`],
      ["sqs:PurgeQueue", `arn:aws:sqs:eu-central-1:${PROD}:jobs`],
      ["elasticfilesystem:ClientWrite", `arn:aws:elasticfilesystem:eu-central-1:${PROD}:file-system/fs-0123456789abcdef0`],
    ];
    const DESTROY: [string, string][] = [
      ["s3:DeleteObjectVersion", "arn:aws:s3:::orders/2026/invoice.pdf"],
      ["s3:DeleteBucket", "arn:aws:s3:::orders"],
      ["dynamodb:DeleteTable", `arn:aws:dynamodb:eu-central-1:${PROD}:table/orders`],
      ["dynamodb:UpdateContinuousBackups", `arn:aws:dynamodb:eu-central-1:${PROD}:table/orders`],
      ["s3:PutBucketVersioning", "arn:aws:s3:::orders"],
      ["sqs:DeleteQueue", `arn:aws:sqs:eu-central-1:${PROD}:jobs`],
      // Lowering a group's capacity terminates instances, root volumes and instance store with them (red-team round 95).
      ["autoscaling:SetDesiredCapacity", `arn:aws:autoscaling:eu-central-1:${PROD}:autoScalingGroup:0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0:autoScalingGroupName/workers`],
      ["autoscaling:UpdateAutoScalingGroup", `arn:aws:autoscaling:eu-central-1:${PROD}:autoScalingGroup:0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0:autoScalingGroupName/workers`],
    ];

    it.each(WORK)("by default, a production application role may %s", async (action, resource) => {
      expect(await decide({}, action, resource)).toBe("Allowed");
    });
    it.each(DESTROY)("control: it may still not %s", async (action, resource) => {
      expect(await decide({}, action, resource)).toBe("ExplicitlyDenied");
    });
    it.each(WORK)("with denyWorkloadActions: true, it may not %s", async (action, resource) => {
      expect(await decide({ denyWorkloadActions: true }, action, resource)).toBe("ExplicitlyDenied");
    });

    it("with denyWorkloadActions: true, every direct and protection catalogue action is denied again", () => {
      const denied = deniedByDestroyPolicies(build({ denyWorkloadActions: true }).json);
      const cat = loadCatalogue();
      expect([...cat.direct, ...cat.protection].map((e) => e.action).filter((a) => !denied.has(a))).toEqual([]);
    });

    it("every workload action is a catalogue direct or protection action, with its reason (the list cannot go stale)", () => {
      const cat = loadCatalogue();
      const listed = new Set([...cat.direct, ...cat.protection].map((e) => e.action));
      expect(Object.keys(WORKLOAD_ACTIONS).filter((a) => !listed.has(a))).toEqual([]);
      for (const why of Object.values(WORKLOAD_ACTIONS)) expect(why.length).toBeGreaterThan(20);
      // Control: what destroys a resource or its recovery is not among them.
      for (const a of ["s3:DeleteObjectVersion", "s3:DeleteBucket", "dynamodb:DeleteTable", "neptune-db:ResetDatabase", "ec2:TerminateInstances", "kms:ScheduleKeyDeletion", "rds:DeleteDBInstance", "backup:DeleteRecoveryPoint", "autoscaling:SetDesiredCapacity", "autoscaling:UpdateAutoScalingGroup", "autoscaling:ExecutePolicy"]) {
        expect(Object.hasOwn(WORKLOAD_ACTIONS, a)).toBe(false);
      }
    });

    it.each([{}, { denyWorkloadActions: true }])("SCPs fit AWS's limits with %o: 5,120 characters each, 5 per target with FullAWSAccess", (extra) => {
      const { json } = build({ accounts: withLog, ...extra });
      for (const p of policies(json)) expect(p.content.length).toBeLessThanOrEqual(5120);
      const scpIds = new Set(Object.entries((json.resource as Record<string, Record<string, { type: string }>>).aws_organizations_policy).filter(([, p]) => p.type === "SERVICE_CONTROL_POLICY").map(([id]) => id));
      const perTarget = new Map<string, number>();
      for (const a of attachments(json)) {
        if (![...scpIds].some((id) => a.policy_id.includes(`.${id}.`))) continue;
        perTarget.set(a.target_id, (perTarget.get(a.target_id) ?? 0) + 1);
      }
      expect(perTarget.size).toBeGreaterThan(0);
      for (const n of perTarget.values()) expect(n + 1).toBeLessThanOrEqual(5);
    });
  });

  it("denies rewriting bucket, key, vault, secret and table policies outside break-glass roles there too (red-team round 60 F2)", () => {
    const denied = deniedByDestroyPolicies(build().json);
    const rewrites = ["kms:PutKeyPolicy", "s3:PutBucketPolicy", "s3:DeleteBucketPolicy", "backup:PutBackupVaultAccessPolicy", "backup:DeleteBackupVaultAccessPolicy", "secretsmanager:PutResourcePolicy", "dynamodb:PutResourcePolicy"];
    expect(rewrites.filter((a) => !denied.has(a))).toEqual([]);
    const cat = loadCatalogue();
    const errors = cat.escalation.filter((e) => e.target === "resource-policy" && e.severity === "error").map((e) => e.action);
    expect(errors.filter((a) => !denied.has(a))).toEqual([]);
    // Control: only those. Grants that read or use (kms:CreateGrant), warnings, and the rest of escalation stay open.
    expect(["kms:CreateGrant", "s3:PutAccessPointPolicy", "lambda:AddPermission", "iam:PassRole", "sts:AssumeRole"].filter((a) => denied.has(a))).toEqual([]);
  });

  it("baseline for every account: no leaving the organization, no disabling audit or backup, no agent access keys", () => {
    const { json } = build();
    const baseline = policies(json).filter((p) => p.name.startsWith("blastwall-baseline-"));
    const st = baseline.flatMap((p) => JSON.parse(p.content).Statement) as { Sid: string; Action: string | string[]; Resource: string }[];
    const actions = st.flatMap((s) => s.Action);
    expect(actions).toEqual(expect.arrayContaining(["organizations:LeaveOrganization", "cloudtrail:StopLogging", "guardduty:DeleteDetector", "backup:DeleteBackupVaultLockConfiguration", "iam:CreateAccessKey"]));
    expect(st.find((s) => s.Sid === "DenyAgentUsersAndKeys")!.Resource).toBe("arn:*:iam::*:user/agents/*");
    expect(attachments(json).filter((a) => a.policy_id.includes("baseline")).map((a) => a.target_id)).toEqual(["r-ab12"]);
  });

  it("baseline: agents cannot blind the account either (event selectors, detector settings, backup plan updates)", () => {
    const { json } = build();
    const st = policies(json)
      .filter((p) => p.name.startsWith("blastwall-baseline-"))
      .flatMap((p) => JSON.parse(p.content).Statement) as { Sid: string; Action: string[]; Condition: Record<string, Record<string, unknown>> }[];
    for (const sid of ["DenyAgentsWeakeningAuditAndBackup", "DenyAgentSessionsWeakeningAuditAndBackup"]) {
      const s = st.find((x) => x.Sid === sid)!;
      expect(s.Action).toEqual(expect.arrayContaining(["guardduty:UpdateDetector", "cloudtrail:PutEventSelectors", "cloudtrail:UpdateTrail", "backup:UpdateBackupPlan", "config:PutRetentionConfiguration"]));
    }
    expect(st.find((x) => x.Sid === "DenyAgentsWeakeningAuditAndBackup")!.Condition).toEqual({ ArnLike: { "aws:PrincipalArn": ["arn:*:iam::*:role/agents/*", "arn:*:iam::*:user/agents/*"] } });
    expect(st.find((x) => x.Sid === "DenyAgentSessionsWeakeningAuditAndBackup")!.Condition).toEqual({ StringLike: { "aws:SourceIdentity": "agent-*" } });
    // People still configure them: the statement that binds everyone but break-glass keeps to switch-offs and deletes.
    expect(st.find((x) => x.Sid === "DenyDisablingAuditAndBackup")!.Action).not.toContain("guardduty:UpdateDetector");
  });

  describe("only the privileged roles create or change roles that match them (red-team round 60 F2)", () => {
    const PROD = APP_ACCOUNT;
    const FULL_ACCESS = { name: "FullAWSAccess", policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] } };
    /** iam-simulate (the oracle) with the SCPs as synthesized: the baseline at the root, the rest at the production OU. */
    const decide = async (extra: Partial<EnvironmentAccountsProps>, principal: string, action: string, resource: string): Promise<string> => {
      const { runSimulation } = await import("@cloud-copilot/iam-simulate");
      const { json } = build(extra);
      const scps = (pick: (name: string) => boolean) => policies(json).filter((p) => pick(p.name)).map((p) => ({ name: p.name, policy: JSON.parse(p.content) }));
      const res = await runSimulation(
        {
          request: { principal, action, resource: { resource, accountId: PROD }, contextVariables: { "aws:PrincipalArn": principal } },
          identityPolicies: [{ name: "AdministratorAccess", policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] } }],
          serviceControlPolicies: [
            { orgIdentifier: "r-ab12", policies: [FULL_ACCESS, ...scps((n) => n.startsWith("blastwall-baseline-"))] },
            { orgIdentifier: "ou-prod", policies: [FULL_ACCESS, ...scps((n) => !n.startsWith("blastwall-baseline-"))] },
          ],
          resourceControlPolicies: [],
          // kms needs a key policy in iam-simulate: the default one (the account administers the key through IAM).
          ...(action.startsWith("kms:") ? { resourcePolicy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${PROD}:root` }, Action: "kms:*", Resource: "*" }] } } : {}),
        },
        {},
      );
      return res.resultType === "error" ? `error: ${JSON.stringify(res.errors)}` : res.overallResult;
    };
    const admin = `arn:aws:iam::${PROD}:role/ci-deploy`;
    const breakglass = `arn:aws:iam::${PROD}:role/breakglass/admin`;
    const role = (path: string) => `arn:aws:iam::${PROD}:role/${path}`;

    it.each([
      ["iam:CreateRole", role("breakglass/mine")],
      ["iam:UpdateAssumeRolePolicy", breakglass],
      ["iam:AttachRolePolicy", breakglass],
      ["iam:PutRolePolicy", breakglass],
      ["iam:DeleteRolePermissionsBoundary", breakglass],
      ["iam:TagRole", breakglass],
      ["iam:PassRole", breakglass],
    ])("an IAM admin of the account may not %s on %s", async (action, resource) => {
      expect(await decide({}, admin, action, resource)).toBe("ExplicitlyDenied");
    });

    it("control: the break-glass roles themselves may, and the admin keeps every other role", async () => {
      expect(await decide({}, breakglass, "iam:CreateRole", role("breakglass/second"))).toBe("Allowed");
      expect(await decide({}, breakglass, "iam:UpdateAssumeRolePolicy", breakglass)).toBe("Allowed");
      expect(await decide({}, admin, "iam:CreateRole", role("app/worker"))).toBe("Allowed");
      expect(await decide({}, admin, "iam:UpdateAssumeRolePolicy", role("app/worker"))).toBe("Allowed");
    });

    it("a privileged account access role cannot be taken over by rewriting its trust; it still administers itself", async () => {
      const extra = { privilegedRoleArns: ["arn:aws:iam::*:role/breakglass/*", "arn:aws:iam::*:role/OrganizationAccountAccessRole"] };
      const access = role("OrganizationAccountAccessRole");
      expect(await decide(extra, admin, "iam:UpdateAssumeRolePolicy", access)).toBe("ExplicitlyDenied");
      expect(await decide(extra, access, "iam:UpdateAssumeRolePolicy", access)).toBe("Allowed");
    });

    it("resource-policy rewrites in production: denied to the admin, open to break-glass", async () => {
      const key = `arn:aws:kms:eu-central-1:${PROD}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
      expect(await decide({}, admin, "kms:PutKeyPolicy", key)).toBe("ExplicitlyDenied");
      expect(await decide({}, admin, "s3:PutBucketPolicy", "arn:aws:s3:::orders")).toBe("ExplicitlyDenied");
      expect(await decide({}, breakglass, "kms:PutKeyPolicy", key)).toBe("Allowed");
      expect(await decide({}, breakglass, "s3:PutBucketPolicy", "arn:aws:s3:::orders")).toBe("Allowed");
    });

    it("the statement sits in the baseline, at the root: every account, whatever its environment", () => {
      const { json } = build();
      const st = policies(json)
        .filter((p) => p.name.startsWith("blastwall-baseline-"))
        .flatMap((p) => JSON.parse(p.content).Statement)
        .find((x: { Sid: string }) => x.Sid === "DenyChangingPrivilegedRolesOutsideThem");
      expect(st).toMatchObject({ Effect: "Deny", Resource: ["arn:aws:iam::*:role/breakglass/*"], Condition: { ArnNotLike: { "aws:PrincipalArn": ["arn:aws:iam::*:role/breakglass/*"] } } });
      expect(st.Action).toEqual(expect.arrayContaining(["iam:CreateRole", "iam:UpdateAssumeRolePolicy", "iam:AttachRolePolicy", "iam:PutRolePolicy", "iam:PutRolePermissionsBoundary", "iam:DeleteRolePermissionsBoundary", "iam:UpdateRole", "iam:TagRole", "iam:UntagRole"]));
    });
  });

  describe("on an existing organization (rootId), the SCPs need the SERVICE_CONTROL_POLICY type enabled on the root", () => {
    // AttachPolicy fails with PolicyTypeNotEnabledException otherwise, halfway through an apply; the plan stops first.
    it("every SCP carries a precondition that stops the plan with the one-time command", () => {
      const { json } = build();
      const [id] = Object.keys((json.data as Record<string, Record<string, unknown>>).aws_organizations_organization);
      const scps = resources(json, "aws_organizations_policy").filter((p) => p.type === "SERVICE_CONTROL_POLICY");
      expect(scps.length).toBeGreaterThan(0);
      for (const p of scps) {
        expect(p.lifecycle.precondition).toEqual([
          {
            condition: `\${contains(flatten([for r in data.aws_organizations_organization.${id}.roots : [for t in r.policy_types : t.type if t.status == "ENABLED"]]), "SERVICE_CONTROL_POLICY")}`,
            error_message: expect.stringContaining("aws organizations enable-policy-type --root-id r-ab12 --policy-type SERVICE_CONTROL_POLICY"),
          },
        ]);
        expect(p.lifecycle.precondition[0].error_message).toMatch(/^EnvironmentAccounts: its service control policies need the organization's SERVICE_CONTROL_POLICY policy type, which is not enabled on root r-ab12\./);
      }
      // One data source for every precondition.
      expect(Object.keys((json.data as Record<string, Record<string, unknown>>).aws_organizations_organization)).toHaveLength(1);
    });

    it("control: on an organization it creates, the type is enabled there and nothing is read", () => {
      const { json } = build({ rootId: undefined, createOrganization: true });
      expect(only(json, "aws_organizations_organization").enabled_policy_types).toContain("SERVICE_CONTROL_POLICY");
      expect(json.data).toBeUndefined();
      for (const p of resources(json, "aws_organizations_policy")) expect(p.lifecycle).toBeUndefined();
    });
  });

  it("can create the organization itself, with SCPs enabled", () => {
    const { json } = build({ rootId: undefined, createOrganization: true });
    const org = only(json, "aws_organizations_organization");
    expect(org).toMatchObject({ feature_set: "ALL", lifecycle: { prevent_destroy: true } });
    expect(org.enabled_policy_types).toContain("SERVICE_CONTROL_POLICY");
    expect(resources(json, "aws_organizations_organizational_unit")[0].parent_id).toMatch(/aws_organizations_organization\.\w+\.roots\[0\]\.id/);
  });

  it("passes the gate with zero findings", () => {
    expect(gateFindings(build().json)).toEqual([]);
  });

  it("keeps agents and destroy rights out of the log account by default when it has one", () => {
    const { json } = build({ accounts: withLog });
    const targets = (name: string) => attachments(json).filter((a) => a.policy_id.includes(name)).map((a) => a.target_id);
    expect(targets("blastwall-deny-agents").some((t) => t.includes("LogOu"))).toBe(true);
    expect(targets("deny-destroy").some((t) => t.includes("LogOu"))).toBe(true);
  });

  describe("a resource control policy keeps agents of other accounts off the protected accounts' resources", () => {
    // SCPs bind only their own accounts' principals: a staging agent that a bucket, key, queue, secret or role trust in
    // production admits was not stopped by them.
    const AGENT_PATHS = ["arn:*:iam::*:role/agents/*", "arn:*:iam::*:user/agents/*"];
    const ACTIONS = ["s3:*", "sts:*", "kms:*", "sqs:*", "secretsmanager:*"];

    it("denies agent principals and agent sessions of any account S3, STS, KMS, SQS and Secrets Manager there", () => {
      const { json, env } = build({ accounts: withLog });
      const [rcp] = rcps(json);
      expect(rcps(json)).toHaveLength(1);
      expect(rcp).toMatchObject({ name: "blastwall-deny-agents-resources", type: "RESOURCE_CONTROL_POLICY", skip_destroy: true });
      expect(rcp.content.length).toBeLessThanOrEqual(5120);
      expect(JSON.parse(rcp.content).Statement).toEqual([
        { Sid: "DenyAgentPrincipals", Effect: "Deny", Principal: "*", Action: ACTIONS, Resource: "*", Condition: { ArnLike: { "aws:PrincipalArn": AGENT_PATHS } } },
        { Sid: "DenyAgentSessions", Effect: "Deny", Principal: "*", Action: ACTIONS, Resource: "*", Condition: { StringLike: { "aws:SourceIdentity": "agent-*" } } },
      ]);
      expect(env.resourceControlPolicy).toBeDefined();
      expect(env.policies.map((p) => p.type)).not.toContain("RESOURCE_CONTROL_POLICY");
      const targets = attachments(json).filter((a) => a.policy_id.includes("blastwall-deny-agents-resources"));
      expect(targets.map((a) => a.target_id.match(/Env_(\w+)Ou_/)?.[1]).sort()).toEqual(["Backup", "Log", "Production"]);
      for (const a of targets) expect(a.skip_destroy).toBe(true);
    });

    describe("evaluated (iam-simulate): a staging principal that a production bucket policy admits", () => {
      const STAGING = "333333333333";
      const bucket = "arn:aws:s3:::prod-orders/export.csv";
      const read = async (principal: string, sourceIdentity: string | undefined, withRcp: boolean): Promise<string> => {
        const { runSimulation } = await import("@cloud-copilot/iam-simulate");
        const policiesOf = withRcp ? rcps(build().json).map((p) => ({ name: p.name, policy: JSON.parse(p.content) })) : [];
        const res = await runSimulation(
          {
            request: {
              principal,
              action: "s3:GetObject",
              resource: { resource: bucket, accountId: APP_ACCOUNT },
              contextVariables: { "aws:PrincipalArn": principal, ...(sourceIdentity ? { "aws:SourceIdentity": sourceIdentity } : {}) },
            },
            identityPolicies: [{ name: "read", policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }] } }],
            serviceControlPolicies: [],
            // iam-simulate stands in AWS's RCPFullAWSAccess itself (and refuses it as a policy: an RCP may only deny).
            resourceControlPolicies: withRcp ? [{ orgIdentifier: "ou-prod", policies: policiesOf }] : [],
            // The production bucket's policy admits the whole staging account: what the SCPs cannot stop.
            resourcePolicy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${STAGING}:root` }, Action: "s3:GetObject", Resource: bucket }] },
          },
          {},
        );
        return res.resultType === "error" ? `error: ${JSON.stringify(res.errors)}` : res.overallResult;
      };
      it("an agent role, or an agent session of any role, is denied with the RCP (and was allowed without it)", async () => {
        expect(await read(`arn:aws:iam::${STAGING}:role/agents/coding-agent`, "agent-claude", false)).toBe("Allowed");
        expect(await read(`arn:aws:iam::${STAGING}:role/agents/coding-agent`, undefined, true)).toBe("ExplicitlyDenied");
        expect(await read(`arn:aws:iam::${STAGING}:role/ci`, "agent-claude", true)).toBe("ExplicitlyDenied");
      });
      it("control: a person's role there is still admitted", async () => {
        expect(await read(`arn:aws:iam::${STAGING}:role/ci`, undefined, true)).toBe("Allowed");
      });
    });

    it("enables the policy type on an organization it creates", () => {
      expect(only(build({ rootId: undefined, createOrganization: true }).json, "aws_organizations_organization").enabled_policy_types).toContain("RESOURCE_CONTROL_POLICY");
    });

    it("control: denyAgentsByResourcePolicy: false leaves it out, and the type unenabled", () => {
      const { json, env } = build({ rootId: undefined, createOrganization: true, denyAgentsByResourcePolicy: false });
      expect(rcps(json)).toEqual([]);
      expect(env.resourceControlPolicy).toBeUndefined();
      expect(attachments(json).filter((a) => a.policy_id.includes("blastwall-deny-agents-resources"))).toEqual([]);
      expect(only(json, "aws_organizations_organization").enabled_policy_types).not.toContain("RESOURCE_CONTROL_POLICY");
      expect(() => build({ denyAgentsByResourcePolicy: loose<boolean>("no") })).toThrow('EnvironmentAccounts: denyAgentsByResourcePolicy must be true or false (got "no")');
      expect(() => build({ denyWorkloadActions: loose<boolean>("yes") })).toThrow('EnvironmentAccounts: denyWorkloadActions must be true or false (got "yes")');
    });
  });

  describe("refuses misuse with the message a user needs", () => {
    it.each([
      [{ rootId: undefined }, "EnvironmentAccounts: rootId is required unless createOrganization is true"],
      [{ rootId: "root" }, 'EnvironmentAccounts: rootId must be an organization root id like r-ab12 (got "root")'],
      [{ accounts: { ...accounts, staging: { name: "s", email: "not-an-email" } } }, 'EnvironmentAccounts: accounts.staging.email must be an email address (got "not-an-email")'],
      [{ accounts: { ...accounts, sandbox: { name: "s", email: "aws-prod@example.com" } } }, "EnvironmentAccounts: accounts.sandbox.email is used by two accounts"],
      [{ accounts: { ...accounts, production: { ...accounts.production, accountId: "1" } } }, 'EnvironmentAccounts: accounts.production.accountId must be a 12-digit AWS account id (got "1")'],
      [{ accounts: { ...accounts, staging: { ...accounts.staging, accountId: APP_ACCOUNT } } }, `EnvironmentAccounts: accounts.production.accountId is also accounts.staging.accountId (${APP_ACCOUNT}): each environment needs an account of its own`],
      [{ denyAgentsIn: ["production"] }, 'EnvironmentAccounts: denyAgentsIn must include "backup"'],
      [{ denyDestroyIn: ["log"] }, 'EnvironmentAccounts: denyDestroyIn names "log", which has no account in accounts'],
      [{ privilegedRoleArns: ["arn:aws:iam::*:role/*"] }, "EnvironmentAccounts: privilegedRoleArns must be IAM role ARN patterns narrower than every role"],
      [{ privilegedRoleArns: ["arn:aws:iam::*:role/agents/admin"] }, "EnvironmentAccounts: privilegedRoleArns must not cover agent roles"],
      [{ privilegedRoleArns: ["arn:aws:iam::*:role/a*"] }, "EnvironmentAccounts: privilegedRoleArns must not cover agent roles under /agents/"],
      [{ privilegedRoleArns: ["arn:aws:iam::*:role/*/*"] }, "EnvironmentAccounts: privilegedRoleArns must not cover agent roles under /agents/"],
      // Red-team round 175 (F7): the entry roles are agents too, whose sessions carry no source identity.
      [{ privilegedRoleArns: ["arn:aws:iam::*:role/agent-entry/*"] }, 'EnvironmentAccounts: privilegedRoleArns must not cover the agent entry roles under /agent-entry/ (got "arn:aws:iam::*:role/agent-entry/*"): AgentRole puts them between a CI job'],
      [{ privilegedRoleArns: ["arn:aws:iam::*:role/breakglass/*", "arn:*:iam::*:role/Agent-Entry/coder-entry"] }, "EnvironmentAccounts: privilegedRoleArns must not cover the agent entry roles under /agent-entry/"],
      [{ privilegedRoleArns: ["arn:aws:iam::*:role/agent-*"] }, "EnvironmentAccounts: privilegedRoleArns must not cover the agent entry roles under /agent-entry/"],
      [{ privilegedRoleArns: ["arn:aws:iam::*:role/agent-e*"] }, "EnvironmentAccounts: privilegedRoleArns must not cover the agent entry roles under /agent-entry/"],
      [{ privilegedRoleArns: ["arn:aws:iam::111111111111:role/?gent-entry/x"] }, "EnvironmentAccounts: privilegedRoleArns must not cover the agent entry roles under /agent-entry/"],
      [{ denyDestroyIn: [] }, "EnvironmentAccounts: denyDestroyIn must include \"production\""],
      [{ privilegedRoleArns: [] }, "EnvironmentAccounts: privilegedRoleArns must name at least one break-glass role"],
      [{ accounts: withLog, denyAgentsIn: ["production", "backup"] }, 'EnvironmentAccounts: denyAgentsIn must include "log": agents have no business in the account that holds the audit trail'],
      [{ accounts: withLog, denyDestroyIn: ["production", "backup"] }, 'EnvironmentAccounts: denyDestroyIn must include "log": its data is what the deny-destroy SCP is for'],
    ] as [Partial<EnvironmentAccountsProps>, string][])("%#: %o", (extra, message) => {
      expect(() => build(extra)).toThrow(message);
    });
  });
});

describe("privilegedRoleArns and the agent entry roles (red-team round 175, F7)", () => {
  it.each([["arn:aws:iam::*:role/breakglass/agent-entry"], ["arn:aws:iam::*:role/agent-entrypoint-admin"], ["arn:*:iam::111111111111:role/agentsmith"]])(
    "control: %s, which no entry role's ARN can match, passes and is exempted",
    (pattern) => {
      const { json } = build({ privilegedRoleArns: ["arn:aws:iam::*:role/breakglass/*", pattern] });
      const deny = policies(json).find((p) => p.name === "blastwall-deny-destroy-1")!;
      expect(JSON.stringify(deny)).toContain(pattern);
    },
  );
});

describe("EnvironmentAccounts.providerFor", () => {
  it("declares a pinned provider for an environment in another stack", async () => {
    const { App, TerraformStack, Testing } = await import("cdktf");
    const app = new App();
    const mgmt = new TerraformStack(app, "mgmt");
    const { AwsProvider } = await import("@cdktf/provider-aws/lib/provider");
    new AwsProvider(mgmt, "aws", { region: "eu-central-1" });
    const env = new EnvironmentAccounts(mgmt, "Env", props);
    const prod = new TerraformStack(app, "prod");
    env.providerFor(prod, "production");
    const json = JSON.parse(Testing.synth(prod));
    expect(json.provider.aws[0]).toMatchObject({
      region: "eu-central-1",
      allowed_account_ids: [APP_ACCOUNT],
      assume_role: [{ role_arn: `arn:aws:iam::${APP_ACCOUNT}:role/OrganizationAccountAccessRole` }],
    });
    expect(() => env.providerFor(new TerraformStack(app, "stg"), "staging")).toThrow("EnvironmentAccounts.providerFor: env needs accounts.staging.accountId");
  });
});
