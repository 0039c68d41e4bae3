import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { AgentPrincipal, AgentRole } from "../../lib/constructs";
import { loadCatalogue } from "../../lib/engine/catalogue";
import { globMatch } from "../../lib/engine/iam/glob";
import { APP_ACCOUNT, gateFindings, only, policyOf, resources, synth } from "./helpers";

const RUNNER = `arn:aws:iam::${APP_ACCOUNT}:role/agent-runner`;
const props = { roleName: "claude", assumedBy: [AgentPrincipal.role(RUNNER)] };

describe("AgentRole", () => {
  it("is tagged as an agent, lives under /agents/, allows one-hour sessions and carries a boundary", () => {
    const { json } = synth((s) => new AgentRole(s, "Agent", props));
    const role = only(json, "aws_iam_role");
    expect(role.name).toBe("claude");
    expect(role.path).toBe("/agents/");
    expect(role.tags).toEqual({ "blastwall:agent": "true" });
    expect(role.max_session_duration).toBe(3600);
    expect(role.permissions_boundary).toMatch(/^\$\{aws_iam_policy\.Agent_Boundary_\w+\.arn\}$/);
  });

  it("requires an agent- source identity on every trust statement and limits session tags to the listed keys", () => {
    const { json } = synth((s) => new AgentRole(s, "Agent", props));
    const trust = policyOf(only(json, "aws_iam_role"), "assume_role_policy");
    expect(trust.Statement).toHaveLength(2);
    for (const st of trust.Statement) {
      expect(st.Principal).toEqual({ AWS: RUNNER });
      expect(st.Condition.StringLike["sts:SourceIdentity"]).toBe("agent-*");
    }
    expect(trust.Statement[0].Action).toEqual(["sts:AssumeRole", "sts:SetSourceIdentity"]);
    expect(trust.Statement[1].Action).toBe("sts:TagSession");
    expect(trust.Statement[1].Condition["ForAllValues:StringEquals"]["aws:TagKeys"]).toEqual(["task", "ticket"]);
  });

  it("has no TagSession statement when no session tag keys are allowed", () => {
    const { json } = synth((s) => new AgentRole(s, "Agent", { ...props, sessionTagKeys: [] }));
    const trust = policyOf(only(json, "aws_iam_role"), "assume_role_policy");
    expect(trust.Statement.map((s: { Action: unknown }) => s.Action)).toEqual([["sts:AssumeRole", "sts:SetSourceIdentity"]]);
  });

  it("denies every catalogue action in its boundary and guard policies, each within IAM's 6,144-character limit", () => {
    const { json } = synth((s) => new AgentRole(s, "Agent", props));
    const policies = resources(json, "aws_iam_policy");
    const boundary = policies.find((p) => p.name === "claude-boundary")!;
    const guards = policies.filter((p) => /^claude-guard\d*$/.test(p.name));
    expect(guards.length).toBeGreaterThan(0);
    for (const p of [boundary, ...guards]) expect(p.policy.length).toBeLessThanOrEqual(6144);
    const denied = new Set<string>();
    for (const p of [boundary, ...guards]) {
      for (const st of policyOf(p).Statement) if (st.Effect === "Deny" && st.Resource === "*") for (const a of st.Action) denied.add(a);
    }
    const chain = new Set(["sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"]);
    const missing = loadCatalogue().entries.map((e) => e.action).filter((a) => !denied.has(a) && !chain.has(a));
    expect(missing).toEqual([]);
    // Every guard is attached to the role, so its Deny holds like the boundary's.
    const attached = resources(json, "aws_iam_role_policy_attachment").map((a) => a.policy_arn);
    expect(attached).toHaveLength(guards.length);
    for (const a of attached) expect(a).toMatch(/aws_iam_policy\.Agent_Guard\d*_\w+\.arn/);
  });

  it("denies changes to the role, its boundary and its guard, and role chaining outside /agents/", () => {
    const { json } = synth((s) => new AgentRole(s, "Agent", props));
    const boundary = policyOf(resources(json, "aws_iam_policy").find((p) => p.name === "claude-boundary")!);
    const byId = Object.fromEntries(boundary.Statement.map((s: { Sid: string }) => [s.Sid, s]));
    expect(byId.DenyChangesToOwnGuardrails.NotAction).toEqual(["iam:Get*", "iam:List*"]);
    expect(byId.DenyChangesToOwnGuardrails.Resource).toEqual([
      "arn:*:iam::*:role/agents/claude",
      "arn:*:iam::*:policy/agents/claude-boundary",
      "arn:*:iam::*:policy/agents/claude-guard*",
    ]);
    expect(byId.DenyRoleChainingOutsideAgents.NotResource).toBe("arn:*:iam::*:role/agents/*");
    expect(byId.IdentityPoliciesDecideWithinTheseDenies).toMatchObject({ Effect: "Allow", Action: "*", Resource: "*" });
  });

  it("passes the gate with zero findings, also with read access granted", () => {
    const { json } = synth((s) => new AgentRole(s, "Agent", props).grantReadOnly("ec2").allow({ actions: ["s3:GetObject", "s3:ListBucket"], resources: ["arn:aws:s3:::acme-docs", "arn:aws:s3:::acme-docs/*"] }));
    expect(gateFindings(json)).toEqual([]);
  });

  it("keeps holding when someone later attaches AdministratorAccess: the gate still finds no destroy right", () => {
    const admin = "arn:aws:iam::aws:policy/AdministratorAccess";
    const { json } = synth((s) => {
      const agent = new AgentRole(s, "Agent", props);
      new IamRolePolicyAttachment(s, "Later", { role: agent.role.name, policyArn: admin });
    });
    expect(gateFindings(json).filter((f) => f.startsWith("agent-destroy-right"))).toEqual([]);
    // The same attachment on a tagged role without the boundary is exactly what the gate exists to catch.
    const { json: bare } = synth((s) => {
      const r = new IamRole(s, "Bare", { name: "bare", path: "/agents/", assumeRolePolicy: "{}", tags: { "blastwall:agent": "true" } });
      new IamRolePolicyAttachment(s, "Later", { role: r.name, policyArn: admin });
    });
    expect(gateFindings(bare).some((f) => f.startsWith("agent-destroy-right"))).toBe(true);
  });

  describe("allow() refuses destroy-catalogue actions at construction time", () => {
    const make = () => {
      let agent!: AgentRole;
      synth((s) => (agent = new AgentRole(s, "Agent", props)));
      return agent;
    };

    it("an exact destroy action: says why and what to do instead", () => {
      expect(() => make().allow({ actions: ["ec2:DeleteVolume"], resources: ["*"] })).toThrow(
        /^AgentRole\.allow: ec2:DeleteVolume is in blastwall.s destroy-rights catalogue as a direct right: .+ The agent's permission boundary denies it anyway.*Deleting data is for a human-approved deploy/,
      );
    });

    it("a wildcard that covers destroy actions, listing them", () => {
      expect(() => make().allow({ actions: ["rds:Delete*"], resources: ["*"] })).toThrow(/"rds:Delete\*" covers rds:DeleteDBInstance, .+ which are in blastwall's destroy-rights catalogue/);
      expect(() => make().allow({ actions: ["*"], resources: ["*"] })).toThrow(/"\*" covers/);
    });

    it("protection and escalation actions, with their own advice", () => {
      expect(() => make().allow({ actions: ["rds:ModifyDBInstance"], resources: ["*"] })).toThrow(/a protection right: .*Protection settings change through a reviewed deploy/);
      expect(() => make().allow({ actions: ["iam:PassRole"], resources: ["*"] })).toThrow(/an escalation right: .*create a ScopedToken for the task/);
      expect(() => make().allow({ actions: ["sts:AssumeRole"], resources: ["*"] })).toThrow(/only into other agent roles .*call allowAssume\(role\)/);
    });

    it("audit retention, detection and identity-store deletes the red-team found missing (round 57)", () => {
      const role = make();
      for (const action of ["config:PutRetentionConfiguration", "geo:BatchDeleteDevicePositionHistory", "detective:DeleteGraph", "connect:DeleteInstance", "cognito-identity:DeleteIdentities", "macie2:DisableMacie", "securitylake:DeleteDataLake"]) {
        expect(() => role.allow({ actions: [action], resources: ["*"] })).toThrow(`AgentRole.allow: ${action} is in blastwall's destroy-rights catalogue`);
      }
    });

    it("malformed actions and empty lists, naming the prop", () => {
      expect(() => make().allow({ actions: ["s3GetObject"], resources: ["*"] })).toThrow('AgentRole.allow: "s3GetObject" is not an IAM action');
      expect(() => make().allow({ actions: [], resources: ["*"] })).toThrow("AgentRole.allow: actions must name at least one action");
      expect(() => make().allow({ actions: ["ec2:DescribeVolumes"], resources: [] })).toThrow("AgentRole.allow: resources must name at least one");
    });
  });

  it("keeps statement ids unique", () => {
    const { json } = synth((s) => new AgentRole(s, "Agent", props).grantReadOnly("ec2").grantReadOnly("ec2", ["arn:aws:ec2:*:*:volume/*"]).allow({ sid: "Docs", actions: ["s3:GetObject"], resources: ["*"] }));
    expect(policyOf(only(json, "aws_iam_role_policy")).Statement.map((s: { Sid: string }) => s.Sid)).toEqual(["ReadOnlyec2", "ReadOnlyec21", "Docs"]);
    expect(() => synth((s) => new AgentRole(s, "Agent", props).allow({ sid: "A", actions: ["s3:GetObject"], resources: ["*"] }).allow({ sid: "A", actions: ["s3:ListBucket"], resources: ["*"] }))).toThrow(
      'AgentRole.allow: sid "A" is already used by another statement of claude',
    );
  });

  /** Which of `actions` the granted patterns match (IAM compares names case-insensitively). */
  const granted = (patterns: string[], actions: string[]) => actions.filter((a) => patterns.some((p) => globMatch(p, a, { caseInsensitive: true })));

  it("grantReadOnly leaves out the catalogue actions a read pattern covers, and grants the verb's other reads (ssm:Get* reads secrets)", () => {
    const { json } = synth((s) => new AgentRole(s, "Agent", props).grantReadOnly("ssm"));
    const st = policyOf(only(json, "aws_iam_role_policy")).Statement[0];
    expect(st.Action.slice(0, 2)).toEqual(["ssm:Describe*", "ssm:List*"]);
    expect(st.Action).not.toContain("ssm:Get*");
    // The secret reads, and GetDocument, which the reach analysis reads credentials in, stay out.
    expect(granted(st.Action, ["ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath", "ssm:GetParameterHistory", "ssm:GetDocument", "ssm:GetAccessToken"])).toEqual([]);
    // Control: the other Get reads are granted.
    expect(granted(st.Action, ["ssm:GetInventory", "ssm:GetPatchBaseline", "ssm:GetMaintenanceWindow", "ssm:GetServiceSetting"])).toHaveLength(4);
  });

  it("grantReadOnly leaves out reads that mint credentials (cognito-identity:Get* covers GetOpenIdTokenForDeveloperIdentity)", () => {
    const { json } = synth((s) => new AgentRole(s, "Agent", props).grantReadOnly("cognito-identity"));
    const actions = policyOf(only(json, "aws_iam_role_policy")).Statement[0].Action;
    expect(actions.slice(0, 2)).toEqual(["cognito-identity:Describe*", "cognito-identity:List*"]);
    expect(granted(actions, ["cognito-identity:GetOpenIdTokenForDeveloperIdentity"])).toEqual([]);
    expect(granted(actions, ["cognito-identity:GetIdentityPoolRoles"])).toEqual(["cognito-identity:GetIdentityPoolRoles"]);
  });

  describe("calls that hand out another principal's credentials or a shell (red-team round 60 F3)", () => {
    const vending = [
      "elasticmapreduce:GetClusterSessionCredentials",
      "airflow:CreateWebLoginToken",
      "lightsail:GetInstanceAccessDetails",
      "gamelift:GetComputeAccess",
      "gamelift:GetInstanceAccess",
      "iam:UploadSSHPublicKey",
      "iam:UpdateSSHPublicKey",
    ];
    const readOnly = (service: string) => policyOf(only(synth((s) => new AgentRole(s, "Agent", props).grantReadOnly(service)).json, "aws_iam_role_policy")).Statement[0].Action;

    it("grantReadOnly no longer hands out EMR session credentials or GameLift remote access as reads", () => {
      const emr = readOnly("elasticmapreduce");
      expect(emr.slice(0, 2)).toEqual(["elasticmapreduce:Describe*", "elasticmapreduce:List*"]);
      expect(granted(emr, ["elasticmapreduce:GetClusterSessionCredentials"])).toEqual([]);
      expect(granted(emr, ["elasticmapreduce:GetBlockPublicAccessConfiguration"])).toHaveLength(1);
      const gamelift = readOnly("gamelift");
      expect(gamelift.slice(0, 2)).toEqual(["gamelift:Describe*", "gamelift:List*"]);
      expect(granted(gamelift, ["gamelift:GetComputeAccess", "gamelift:GetInstanceAccess"])).toEqual([]);
    });

    it("control: a service with no such call keeps all three read patterns", () => {
      expect(readOnly("cloudwatch")).toEqual(["cloudwatch:Describe*", "cloudwatch:List*", "cloudwatch:Get*"]);
    });

    it.each(vending)("allow refuses %s, saying it is an escalation right and why", (action) => {
      const why = loadCatalogue().entryOf(action)!.why;
      let agent!: AgentRole;
      synth((s) => (agent = new AgentRole(s, "Agent", props)));
      expect(() => agent.allow({ actions: [action], resources: ["*"] })).toThrow(`AgentRole.allow: ${action} is in blastwall's destroy-rights catalogue as an escalation right: ${why}`);
    });

    it("control: allow still takes the reads next to them", () => {
      const reads = ["elasticmapreduce:DescribeCluster", "airflow:GetEnvironment", "lightsail:GetInstance", "gamelift:DescribeFleetAttributes", "iam:GetSSHPublicKey", "iam:ListSSHPublicKeys"];
      const { json } = synth((s) => new AgentRole(s, "Agent", props).allow({ actions: reads, resources: ["*"] }));
      expect(policyOf(only(json, "aws_iam_role_policy")).Statement[0].Action).toEqual(reads);
    });

    it("the boundary and guard policies deny them", () => {
      const { json } = synth((s) => new AgentRole(s, "Agent", props));
      const denied = resources(json, "aws_iam_policy")
        .filter((p) => /^claude-(boundary|guard\d*)$/.test(p.name))
        .flatMap((p) => policyOf(p).Statement.filter((st: { Effect: string; Resource: unknown }) => st.Effect === "Deny" && st.Resource === "*").flatMap((st: { Action: string[] }) => st.Action));
      expect(vending.filter((a) => !denied.includes(a))).toEqual([]);
    });
  });

  it("allow refuses rewriting what compute runs as its role (states:UpdateStateMachine)", () => {
    expect(() => synth((s) => new AgentRole(s, "Agent", props).allow({ actions: ["states:UpdateStateMachine"], resources: ["*"] }))).toThrow(/states:UpdateStateMachine/);
  });

  describe("validates its props", () => {
    const build = (extra: Record<string, unknown>) => () => synth((s) => new AgentRole(s, "Agent", { ...props, ...extra }));
    it.each([
      [{ maxSessionDuration: 7200 }, "AgentRole: maxSessionDuration must not exceed 3600 seconds (got 7200)"],
      [{ maxSessionDuration: 900 }, "AgentRole: maxSessionDuration must be 3600 seconds (got 900): IAM's minimum for a role is 3600"],
      [{ assumedBy: [] }, "AgentRole: assumedBy must name at least one principal"],
      [{ roleName: "has space" }, 'AgentRole: roleName must be 1 to 64 characters'],
      [{ path: "/ops/" }, 'AgentRole: path must be /agents/ or a path below it ending in / (got "/ops/")'],
      [{ sourceIdentity: "human-*" }, 'AgentRole: sourceIdentity must start with "agent-"'],
      [{ sessionTagKeys: ["blastwall:agent"] }, 'AgentRole: sessionTagKeys must not contain "blastwall:agent"'],
      [{ tags: { "blastwall:agent": "false" } }, "AgentRole: tags must not set blastwall:agent"],
      // Keys IAM refuses on a role (review of 0.9.0: only ScopedToken's environmentTagKey was checked).
      [{ tags: { "aws:team": "x" } }, 'AgentRole: tags["aws:team"] must not start with "aws:"'],
      [{ tags: { "team#1": "x" } }, 'AgentRole: tags["team#1"] must be an IAM tag key'],
    ])("%o", (extra, message) => {
      expect(build(extra)).toThrow(message);
    });
  });
});

describe("AgentPrincipal", () => {
  const trustOf = (p: AgentPrincipal) => policyOf(only(synth((s) => new AgentRole(s, "Agent", { roleName: "a", assumedBy: [p] })).json, "aws_iam_role"), "assume_role_policy");

  it("githubActions enters through a role that sets the source identity GitHub's tokens cannot carry", () => {
    const github = AgentPrincipal.githubActions({ providerArn: `arn:aws:iam::${APP_ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`, repository: "acme/infra" });
    const { json } = synth((s) => new AgentRole(s, "Agent", { roleName: "a", assumedBy: [github] }));
    const roles = resources(json, "aws_iam_role");
    const entry = roles.find((r) => r.name === "a-entry")!;
    const agent = roles.find((r) => r.name === "a")!;
    expect(entry.path).toBe("/agent-entry/");
    // Whoever holds its session is the agent too: the gate judges it as one.
    expect(entry.tags).toEqual({ "blastwall:agent": "true" });
    const boundary = resources(json, "aws_iam_policy").find((p) => p.name === "a-entry-boundary")!;
    expect(policyOf(boundary).Statement).toEqual([{ Sid: "OnlyTheAgentRole", Effect: "Allow", Action: ["sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"], Resource: "arn:*:iam::*:role/agents/a" }]);
    expect(entry.permissions_boundary).toMatch(/^\$\{aws_iam_policy\.Agent_EntryBoundary_\w+\.arn\}$/);
    // The workflow's token: pinned to repository and branch, with no source-identity condition it could never meet.
    const [web] = policyOf(entry, "assume_role_policy").Statement;
    expect(web.Action).toEqual(["sts:AssumeRoleWithWebIdentity"]);
    expect(web.Condition.StringLike).toEqual({ "token.actions.githubusercontent.com:sub": "repo:acme/infra:ref:refs/heads/main" });
    expect(web.Condition.StringEquals).toEqual({ "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" });
    // The agent role admits only the entry role, and only with an agent- source identity.
    const [st] = policyOf(agent, "assume_role_policy").Statement;
    const entryName = Object.entries(json.resource.aws_iam_role).find(([, body]) => body === entry)![0];
    expect(st.Principal).toEqual({ AWS: `\${aws_iam_role.${entryName}.arn}` });
    expect(st.Condition.StringLike).toEqual({ "sts:SourceIdentity": "agent-*" });
    // The entry role may do nothing but that.
    const [assume] = policyOf(only(json, "aws_iam_role_policy")).Statement;
    expect(assume).toMatchObject({ Action: ["sts:AssumeRole", "sts:SetSourceIdentity"], Condition: { StringLike: { "sts:SourceIdentity": "agent-*" } } });
    expect(assume.Resource).toMatch(/^\$\{aws_iam_role\.Agent_Role_\w+\.arn\}$/);
    // And the gate agrees: the agent's sessions all carry a source identity, and the entry role can do nothing else.
    expect(gateFindings(json)).toEqual([]);
  });

  it("an entry role given AdministratorAccess later still can only start the agent role's session", () => {
    const github = AgentPrincipal.githubActions({ providerArn: `arn:aws:iam::${APP_ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`, repository: "acme/infra" });
    const { json } = synth((s) => {
      const a = new AgentRole(s, "Agent", { roleName: "a", assumedBy: [github] });
      new IamRolePolicyAttachment(s, "Oops", { role: a.entryRoles[0].name, policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" });
    });
    expect(gateFindings(json)).toEqual([]);
  });

  it("names the prop when plain JavaScript hands in an ARN string instead of a principal", () => {
    expect(() => synth((s) => new AgentRole(s, "Agent", { roleName: "a", assumedBy: ["arn:aws:iam::111111111111:role/runner"] as unknown as AgentPrincipal[] }))).toThrow(
      'AgentRole: assumedBy[0] must be an AgentPrincipal (AgentPrincipal.role(arn), .githubActions(...), .gitlabCi(...), .oidc(...), .identityCenterPermissionSet(...)), got "arn:aws:iam::111111111111:role/runner"',
    );
  });

  it("githubActions takes the branch name, not the ref", () => {
    expect(() => AgentPrincipal.githubActions({ providerArn: `arn:aws:iam::${APP_ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`, repository: "acme/infra", branch: "refs/heads/main" })).toThrow('githubActions(branch) is the branch name alone, like "main"');
  });

  it("githubActions refuses a wildcard branch or environment: it would let every branch in", () => {
    const providerArn = `arn:aws:iam::${APP_ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`;
    expect(() => AgentPrincipal.githubActions({ providerArn, repository: "acme/infra", branch: "*" })).toThrow("githubActions(branch) must name one branch");
    expect(() => AgentPrincipal.githubActions({ providerArn, repository: "acme/infra", environment: "prod?" })).toThrow("githubActions(environment) must name one environment");
  });

  it("a generic OIDC principal whose issuer can set the claim is trusted directly", () => {
    const st = trustOf(AgentPrincipal.oidc({ providerArn: `arn:aws:iam::${APP_ACCOUNT}:oidc-provider/idp.example.com`, issuerHost: "idp.example.com", subject: "agent-runner" })).Statement[0];
    expect(st.Action).toEqual(["sts:AssumeRoleWithWebIdentity", "sts:SetSourceIdentity"]);
    expect(st.Condition.StringLike["sts:SourceIdentity"]).toBe("agent-*");
  });

  it("identityCenterPermissionSet trusts the account and pins the permission set's roles", () => {
    const st = trustOf(AgentPrincipal.identityCenterPermissionSet({ accountId: APP_ACCOUNT, permissionSetName: "AgentSandbox" })).Statement[0];
    expect(st.Principal).toEqual({ AWS: `arn:aws:iam::${APP_ACCOUNT}:root` });
    const base = `arn:aws:iam::${APP_ACCOUNT}:role/aws-reserved/sso.amazonaws.com`;
    expect(st.Condition.ArnLike["aws:PrincipalArn"]).toEqual([`${base}/AWSReservedSSO_AgentSandbox_????????????????`, `${base}/*/AWSReservedSSO_AgentSandbox_????????????????`]);
  });

  describe("identityCenterPermissionSet admits that permission set's roles only, not those of X_<anything> (red-team round 60 F4)", () => {
    // iam-simulate (a devDependency, the oracle) evaluates the synthesized trust policy for an AssumeRole by each role.
    const trust = trustOf(AgentPrincipal.identityCenterPermissionSet({ accountId: APP_ACCOUNT, permissionSetName: "Agent" }));
    const sso = (path: string, name: string) => `arn:aws:iam::${APP_ACCOUNT}:role/aws-reserved/sso.amazonaws.com/${path}${name}`;
    const assume = async (principal: string): Promise<string> => {
      const { runSimulation } = await import("@cloud-copilot/iam-simulate");
      const res = await runSimulation(
        {
          request: {
            principal,
            action: "sts:AssumeRole",
            resource: { resource: `arn:aws:iam::${APP_ACCOUNT}:role/agents/a`, accountId: APP_ACCOUNT },
            contextVariables: { "aws:PrincipalArn": principal, "sts:SourceIdentity": "agent-claude" },
          },
          identityPolicies: [{ name: "sso", policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Resource: "*" }] } }],
          serviceControlPolicies: [],
          resourceControlPolicies: [],
          resourcePolicy: trust,
        },
        {},
      );
      return res.resultType === "error" ? `error: ${JSON.stringify(res.errors)}` : res.overallResult;
    };

    it.each([
      ["", "AWSReservedSSO_Agent_0123456789abcdef"],
      ["eu-west-1/", "AWSReservedSSO_Agent_fedcba9876543210"],
    ])("control: the permission set's own role (path %s) may assume the agent role", async (path, name) => {
      expect(await assume(sso(path, name))).toBe("Allowed");
    });

    it.each([
      ["eu-west-1/", "AWSReservedSSO_Agent_Contractors_0123456789abcdef"],
      ["", "AWSReservedSSO_Agent_ReadOnly_fedcba9876543210"],
      ["eu-west-1/", "AWSReservedSSO_Agent_0123456789abcdef_0123456789abcdef"],
      ["eu-west-1/", "AWSReservedSSO_Agent_0123456789abcde"],
    ])("the role %s%s may not", async (path, name) => {
      expect(await assume(sso(path, name))).toBe("ImplicitlyDenied");
    });
  });

  it("rejects what would trust too much or nothing", () => {
    expect(() => AgentPrincipal.role("runner")).toThrow("AgentPrincipal: role(roleArn) must be an IAM role ARN");
    expect(() => AgentPrincipal.oidc({ providerArn: "arn:aws:iam::111111111111:oidc-provider/x", issuerHost: "x", subject: "*" })).toThrow("oidc(subject) must name the subject");
  });

  it.each([
    ["**", 'AgentPrincipal: oidc(subject) must name the subject (a repository, branch or workload), not only wildcards (got "**")'],
    ["?*", 'AgentPrincipal: oidc(subject) must name the subject (a repository, branch or workload), not only wildcards (got "?*")'],
    ["repo:*", 'AgentPrincipal: oidc(subject) must name the subject (a repository, branch or workload), not only wildcards before or after its first ":" (got "repo:*")'],
    ["repo:**", 'AgentPrincipal: oidc(subject) must name the subject (a repository, branch or workload), not only wildcards before or after its first ":" (got "repo:**")'],
    ["*:agent-runner", 'AgentPrincipal: oidc(subject) must name the subject (a repository, branch or workload), not only wildcards before or after its first ":" (got "*:agent-runner")'],
  ])("oidc refuses the subject %s: it would trust every subject, or every one of a kind", (subject, message) => {
    expect(() => AgentPrincipal.oidc({ providerArn: `arn:aws:iam::${APP_ACCOUNT}:oidc-provider/idp.example.com`, issuerHost: "idp.example.com", subject })).toThrow(message);
  });

  describe("oidc refuses a * or ? in the subject: StringLike lets it span ':' and '/' segments, as githubActions does", () => {
    const gitlab = `arn:aws:iam::${APP_ACCOUNT}:oidc-provider/gitlab.com`;
    const github = `arn:aws:iam::${APP_ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`;
    const oidc = (subject: string, providerArn = gitlab, issuerHost = "gitlab.com") => () => AgentPrincipal.oidc({ providerArn, issuerHost, subject, tokensCarrySourceIdentity: false });
    it.each([
      "project_path:acme/*",
      "project_path:acme/infra:ref_type:branch:ref:*",
      "project_path:acme/infr?:ref_type:branch:ref:main",
      "project_path:acme/*:ref_type:branch:ref:main",
    ])("refuses %s, naming oidc(subject) and what to write instead", (subject) => {
      expect(oidc(subject)).toThrow(
        `AgentPrincipal: oidc(subject) must be one exact sub claim, without * or ?: the trust compares it with StringLike, where * and ? also match ":" and "/", so a pattern admits every project, repository, branch or environment it spans. Write the whole claim (project_path:acme/infra:ref_type:branch:ref:main, repo:acme/infra:ref:refs/heads/main), and give AgentRole's assumedBy one AgentPrincipal per subject to admit several (got "${subject}")`,
      );
    });
    it.each(["repo:acme/infra:*", "repo:acme/infra:ref:refs/heads/*", "repo:acme/infra:ref:refs/heads/release-*", "repo:acme/*:environment:prod"])("refuses the GitHub subject %s", (subject) => {
      expect(oidc(subject, github, "token.actions.githubusercontent.com")).toThrow(/^AgentPrincipal: oidc\(subject\) must be one exact sub claim, without \* or \?/);
    });

    it("control: exact subjects are trusted as given, and githubActions' subjects (built without wildcards) still pass", () => {
      const exact = "project_path:acme/infra:ref_type:branch:ref:main";
      // An issuer whose tokens carry the source-identity claim, so the agent role itself trusts the subject.
      const st = trustOf(AgentPrincipal.oidc({ providerArn: `arn:aws:iam::${APP_ACCOUNT}:oidc-provider/idp.example.com`, issuerHost: "idp.example.com", subject: exact })).Statement[0];
      expect(st.Condition.StringLike["idp.example.com:sub"]).toBe(exact);
      expect(oidc("repo:acme/infra:ref:refs/heads/main", github, "token.actions.githubusercontent.com")).not.toThrow();
      expect(oidc("agent-runner")).not.toThrow();
      expect(() => AgentPrincipal.githubActions({ providerArn: github, repository: "acme/infra", branch: "release/1.2" })).not.toThrow();
      expect(() => AgentPrincipal.githubActions({ providerArn: github, repository: "acme/infra", environment: "production" })).not.toThrow();
    });
  });

  it("rejects malformed githubActions and identityCenterPermissionSet arguments", () => {
    expect(() => AgentPrincipal.githubActions({ providerArn: "p", repository: "acme" })).toThrow('githubActions(repository) must be "owner/name"');
    expect(() => AgentPrincipal.identityCenterPermissionSet({ accountId: "12345", permissionSetName: "x" })).toThrow("must be a 12-digit AWS account id");
  });
});
