import { AgentPrincipal, AgentRole, ScopedToken, type ScopedTokenProps } from "../../lib/constructs";
import { APP_ACCOUNT, gateFindings, policyOf, resources, synth } from "./helpers";

const LOGS = `arn:aws:logs:eu-central-1:${APP_ACCOUNT}:log-group:/app/*`;
const base = { name: "read-app-logs", actions: ["logs:GetLogEvents", "logs:FilterLogEvents"], resources: [LOGS], environment: "staging", accountId: APP_ACCOUNT, region: "eu-central-1" };

function build(extra: Partial<ScopedTokenProps> = {}) {
  let token!: ScopedToken;
  let agent!: AgentRole;
  const out = synth((s) => {
    agent = new AgentRole(s, "Agent", { roleName: "claude", assumedBy: [AgentPrincipal.role(`arn:aws:iam::${APP_ACCOUNT}:role/agent-runner`)] });
    token = new ScopedToken(s, "Token", { assumedBy: agent, ...base, ...extra });
  });
  return { ...out, token, agent };
}

describe("ScopedToken", () => {
  it("creates an agent role under /agents/scoped/ that only the given AgentRole may assume", () => {
    const { json } = build();
    const role = resources(json, "aws_iam_role").find((r) => r.name === "read-app-logs")!;
    expect(role.path).toBe("/agents/scoped/");
    expect(role.tags).toMatchObject({ "blastwall:agent": "true", environment: "staging" });
    expect(role.permissions_boundary).toMatch(/aws_iam_policy\.Token_Role_Boundary/);
    const trust = policyOf(role, "assume_role_policy");
    expect(trust.Statement).toHaveLength(1);
    expect(trust.Statement[0].Principal.AWS).toMatch(/^\$\{aws_iam_role\.Agent_Role_\w+\.arn\}$/);
    expect(trust.Statement[0].Condition.StringLike["sts:SourceIdentity"]).toBe("agent-*");
  });

  it("limits the task to its actions and resources in one account, region and environment, and lets the agent assume it", () => {
    const { json } = build();
    const policies = resources(json, "aws_iam_role_policy");
    const task = policyOf(policies.find((p) => p.name === "read-app-logs-permissions")!).Statement[0];
    expect(task).toEqual({
      Sid: "Task",
      Effect: "Allow",
      Action: ["logs:GetLogEvents", "logs:FilterLogEvents"],
      Resource: [LOGS],
      Condition: { StringEquals: { "aws:ResourceAccount": APP_ACCOUNT, "aws:RequestedRegion": "eu-central-1", "aws:ResourceTag/environment": "staging" } },
    });
    const agentPolicy = policyOf(policies.find((p) => p.name === "claude-permissions")!).Statement[0];
    expect(agentPolicy.Action).toEqual(["sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"]);
    expect(agentPolicy.Resource).toEqual([expect.stringMatching(/aws_iam_role\.Token_Role_\w+\.arn/)]);
  });

  it("outputs the role ARN, the session policy and the exact aws sts assume-role arguments (15 minutes by default)", () => {
    const { json, token } = build();
    const outputs = Object.values(json.output as Record<string, { value: unknown }>);
    expect(outputs).toHaveLength(3);
    const args = outputs.find((o) => Array.isArray(o.value))!.value as string[];
    expect(args.slice(0, 2)).toEqual(["sts", "assume-role"]);
    expect(args[args.indexOf("--duration-seconds") + 1]).toBe("900");
    expect(args[args.indexOf("--role-session-name") + 1]).toBe("agent-read-app-logs");
    expect(args[args.indexOf("--role-arn") + 1]).toMatch(/aws_iam_role\.Token_Role_\w+\.arn/);
    expect(JSON.parse(args[args.indexOf("--policy") + 1])).toEqual(JSON.parse(token.sessionPolicy));
    expect(outputs.map((o) => o.value)).toContain(token.sessionPolicy);
    expect(token.lifetimeSeconds).toBe(900);
  });

  it("passes a source identity only when asked to, and uses web identity for an OIDC subject", () => {
    expect(build({ sourceIdentity: "agent-ci" }).token.assumeRoleArgs.slice(-2)).toEqual(["--source-identity", "agent-ci"]);
    let token!: ScopedToken;
    synth((s) => {
      token = new ScopedToken(s, "Token", {
        ...base,
        assumedBy: AgentPrincipal.oidc({ providerArn: `arn:aws:iam::${APP_ACCOUNT}:oidc-provider/idp.example.com`, issuerHost: "idp.example.com", subject: "agent:ci" }),
      });
    });
    expect(token.assumeRoleArgs[1]).toBe("assume-role-with-web-identity");
  });

  it("passes the gate with zero findings", () => {
    expect(gateFindings(build().json)).toEqual([]);
  });

  describe("refuses misuse with the message a user needs", () => {
    it.each([
      [{ lifetimeSeconds: 7200 }, "ScopedToken: lifetimeSeconds must be between 900 and 3600 seconds (got 7200): STS issues at least 15 minutes and an agent token must expire within the hour"],
      [{ lifetimeSeconds: 600 }, "ScopedToken: lifetimeSeconds must be between 900 and 3600 seconds (got 600)"],
      [{ actions: ["ec2:DeleteVolume"] }, "ScopedToken: actions: ec2:DeleteVolume is in blastwall's destroy-rights catalogue as a direct right"],
      [{ actions: ["s3:*"] }, 'ScopedToken: actions: "s3:*" covers s3:DeleteObject, s3:DeleteObjectVersion, s3:DeleteBucket'],
      [{ resources: ["*"] }, 'ScopedToken: resources must name the resources of the task (got "*", which may stand for every resource)'],
      [{ resources: ["arn:aws:s3:::*"] }, 'ScopedToken: resources must name the resources of the task (got "arn:aws:s3:::*"'],
      [{ resources: ["arn:aws:ec2:*:*:*"] }, 'ScopedToken: resources must name the resources of the task (got "arn:aws:ec2:*:*:*"'],
      [{ resources: ["**"] }, 'ScopedToken: resources must name the resources of the task (got "**"'],
      [{ resources: ["arn:aws*"] }, 'ScopedToken: resources must name the resources of the task (got "arn:aws*"'],
      [{ resources: ["arn:aws:s3:::*/*"] }, 'ScopedToken: resources must name the resources of the task (got "arn:aws:s3:::*/*", which may stand for every resource)'],
      [{ resources: ["arn:aws:s3:::*/app/config.json"] }, 'ScopedToken: resources must name the resources of the task (got "arn:aws:s3:::*/app/config.json"'],
      [{ resources: ["arn:aws:s3:::?*/x"] }, 'ScopedToken: resources must name the resources of the task (got "arn:aws:s3:::?*/x"'],
      [{ resources: [`arn:aws:logs:eu-central-1:${APP_ACCOUNT}:*:/app/*`] }, `ScopedToken: resources must name the resources of the task (got "arn:aws:logs:eu-central-1:${APP_ACCOUNT}:*:/app/*"`],
      [{ actions: ["logs:Get*"] }, 'ScopedToken: actions must be the actions of the task, exactly, without * or ? (got "logs:Get*"); only the read-only Describe*, List* and Get* are accepted, with allowAnyResource'],
      [{ actions: ["ecs:Update*"] }, 'ScopedToken: actions must be the actions of the task, exactly, without * or ? (got "ecs:Update*")'],
      [{ actions: ["ecs:*Service*"] }, 'ScopedToken: actions must be the actions of the task, exactly, without * or ? (got "ecs:*Service*")'],
      [{ actions: ["logs:GetLogEvent?"] }, 'ScopedToken: actions must be the actions of the task, exactly, without * or ? (got "logs:GetLogEvent?")'],
      [{ actions: ["ecs:Update*"], resources: ["*"], allowAnyResource: true, requireEnvironmentTag: false }, 'ScopedToken: actions must be the actions of the task, exactly, without * or ? (got "ecs:Update*")'],
      [{ accountId: "1234" }, 'ScopedToken: accountId must be a 12-digit AWS account id (got "1234")'],
      [{ region: "europe" }, 'ScopedToken: region must be an AWS region name like eu-central-1 (got "europe")'],
      [{ sourceIdentity: "ci" }, 'ScopedToken: sourceIdentity must start with "agent-"'],
      [{ environment: "" }, "ScopedToken: environment must be a literal environment name"],
      [{ environment: "*" }, 'ScopedToken: environment must be a literal environment name such as "staging" (got "*")'],
      [{ resources: ["${TfToken[TOKEN.13]}"] }, "ScopedToken: resources must be literal ARNs (got a token, such as a resource's .arn"],
      [{ actions: ["lambda:UpdateFunctionCode"] }, "Code an agent puts into existing compute runs with that compute's role"],
      [{ environmentTagKey: "" }, 'ScopedToken: environmentTagKey must be a literal tag key such as "environment" (got "")'],
    ] as [Partial<ScopedTokenProps>, string][])("%o", (extra, message) => {
      expect(() => build(extra)).toThrow(message);
    });

    // Red-team round 175 (F6): keys IAM refuses on a role, and AgentRole's own mark, refused under the prop's name.
    it.each([
      ["aws:foo", 'ScopedToken: environmentTagKey must not start with "aws:" (got "aws:foo"): AWS reserves that prefix'],
      ["AWS:Environment", 'ScopedToken: environmentTagKey must not start with "aws:" (got "AWS:Environment")'],
      ["blastwall:agent", 'ScopedToken: environmentTagKey must not be blastwall:agent (got "blastwall:agent"): the token\'s role is an agent role'],
      ["Blastwall:Agent", 'ScopedToken: environmentTagKey must not be blastwall:agent (got "Blastwall:Agent")'],
      ["env#name", 'ScopedToken: environmentTagKey must be an IAM tag key, 1 to 128 letters, digits, spaces and _ . : / = + - @ (got "env#name")'],
      ["k".repeat(129), "ScopedToken: environmentTagKey must be an IAM tag key, 1 to 128"],
    ])("refuses environmentTagKey %j, naming the prop", (environmentTagKey, message) => {
      expect(() => build({ environmentTagKey })).toThrow(message);
      expect(() => build({ environmentTagKey })).not.toThrow(/AgentRole: tags/);
    });

    it.each([["Environment"], ["team:env"], ["cost center/env"], ["k".repeat(128)], ["umgebung-ä_1.=+@"], ["app:environment"], ["my-aws:env"]])(
      "control: accepts environmentTagKey %j, a key IAM takes, and tags the role with it",
      (environmentTagKey) => {
        const { json } = build({ environmentTagKey });
        const role = resources(json, "aws_iam_role").find((r) => r.name === "read-app-logs")!;
        expect(role.tags).toMatchObject({ [environmentTagKey]: "staging", "blastwall:agent": "true" });
      },
    );

    it("accepts * resources only when asked to, for actions without resource-level permissions", () => {
      expect(() => build({ actions: ["ec2:DescribeInstances"], resources: ["*"], allowAnyResource: true, requireEnvironmentTag: false })).not.toThrow();
    });

    it("accepts read-only Describe*, List* and Get* patterns only with allowAnyResource, as documented", () => {
      expect(() => build({ actions: ["rds:Describe*", "cloudwatch:Get*", "ecs:List*"], resources: ["*"], allowAnyResource: true, requireEnvironmentTag: false })).not.toThrow();
    });

    it("still accepts a resource whose first segment names something, with wildcards after it", () => {
      expect(() => build({ actions: ["s3:GetObject"], resources: ["arn:aws:s3:::my-bucket/*", "arn:aws:s3:::my-bucket-*/logs/*"], requireEnvironmentTag: false })).not.toThrow();
    });

    it("refuses a session policy over STS's 2,048 characters", () => {
      const many = Array.from({ length: 40 }, (_, i) => `arn:aws:logs:eu-central-1:${APP_ACCOUNT}:log-group:/app/service-number-${i}`);
      expect(() => build({ resources: many })).toThrow(/session policy of \d+ characters, over STS's 2048/);
    });
  });
});
