/**
 * Red-team round 92 (constructs): the boundary's self-guard covered the agent role and its own policies only, not its
 * entry role (GitHub Actions, GitLab CI) nor the other agents' roles and policies: iam:UpdateRole raised the entry role's
 * session limit to 12 hours and iam:UntagRole took its blastwall:agent tag away. Checked with the oracle
 * (@cloud-copilot/iam-simulate, a devDependency) on the synthesized boundary and guard policies, under an identity
 * policy that allows everything (a broad policy someone attaches later).
 */
import { AgentPrincipal, AgentRole, ScopedToken } from "../../lib/constructs";
import { APP_ACCOUNT, errorOf, policyOf, resources, synth } from "./helpers";

type Obj = Record<string, any>;
const GITHUB = `arn:aws:iam::${APP_ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`;
const ALLOW_ALL = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] };

/** The boundary and guard policies of AgentRole "coder" (a GitHub Actions principal: it has an entry role). */
function guardrails(): { boundary: Obj; guards: Obj[]; entryPath: string } {
  const { json } = synth((s) => {
    new AgentRole(s, "Gh", { roleName: "coder", assumedBy: [AgentPrincipal.githubActions({ providerArn: GITHUB, repository: "acme/infra", branch: "main" })] });
  });
  const policies = resources(json, "aws_iam_policy");
  const boundary = policyOf(policies.find((p) => p.name === "coder-boundary")!);
  const guards = policies.filter((p) => /^coder-guard/.test(p.name)).map((p) => policyOf(p));
  const entry = resources(json, "aws_iam_role").find((r) => r.name === "coder-entry")!;
  return { boundary, guards, entryPath: `${entry.path}${entry.name}` };
}

const rails = guardrails();

async function decide(action: string, resource: string): Promise<string> {
  const { runSimulation } = await import("@cloud-copilot/iam-simulate");
  const res = await runSimulation(
    {
      request: {
        principal: `arn:aws:sts::${APP_ACCOUNT}:assumed-role/coder/s`,
        action,
        resource: { resource, accountId: APP_ACCOUNT },
        contextVariables: { "aws:SourceIdentity": "agent-x", "aws:TagKeys": ["blastwall:agent"] },
      },
      identityPolicies: [ALLOW_ALL, ...rails.guards].map((policy, i) => ({ name: `p${i}`, policy })),
      permissionBoundaryPolicies: [{ name: "boundary", policy: rails.boundary }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    },
    {},
  );
  return res.resultType === "error" ? `error: ${JSON.stringify(res.errors)}` : res.overallResult;
}

const CHANGES = ["iam:UpdateRole", "iam:UntagRole", "iam:TagRole", "iam:PutRolePolicy", "iam:AttachRolePolicy", "iam:UpdateAssumeRolePolicy"];

describe("the agent boundary denies changes to every agent identity, not only the role's own (red-team round 92)", () => {
  it("the entry role is where the construct puts it", () => {
    expect(rails.entryPath).toBe("/agent-entry/coder-entry");
  });

  const targets = [
    ["its entry role", `arn:aws:iam::${APP_ACCOUNT}:role/agent-entry/coder-entry`],
    ["another agent's role", `arn:aws:iam::${APP_ACCOUNT}:role/agents/other-agent`],
    ["a ScopedToken role", `arn:aws:iam::${APP_ACCOUNT}:role/agents/scoped/t1`],
    ["its entry role in GovCloud", `arn:aws-us-gov:iam::${APP_ACCOUNT}:role/agent-entry/coder-entry`],
    ["its own role (as before)", `arn:aws:iam::${APP_ACCOUNT}:role/agents/coder`],
  ];
  it.each(targets.flatMap(([what, arn]) => CHANGES.map((a) => [a, what, arn])))("%s on %s is explicitly denied", async (action, _what, arn) => {
    expect(await decide(action, arn)).toBe("ExplicitlyDenied");
  });

  it.each([
    ["iam:CreatePolicyVersion", `arn:aws:iam::${APP_ACCOUNT}:policy/agents/other-agent-boundary`],
    ["iam:TagPolicy", `arn:aws:iam::${APP_ACCOUNT}:policy/agents/coder-entry-boundary`],
    ["iam:UntagPolicy", `arn:aws:iam::${APP_ACCOUNT}:policy/agents/other-agent-guard`],
  ])("%s on the agent policy %s is explicitly denied", async (action, arn) => {
    expect(await decide(action, arn)).toBe("ExplicitlyDenied");
  });

  it.each(["iam:UpdateRole", "iam:UntagRole", "iam:TagRole"])("control: %s on a role outside the agent paths is allowed", async (action) => {
    expect(await decide(action, `arn:aws:iam::${APP_ACCOUNT}:role/app/web`)).toBe("Allowed");
    expect(await decide(action, `arn:aws:iam::${APP_ACCOUNT}:role/agents-not/web`)).toBe("Allowed");
  });

  it("control: reading agent roles and chaining into a ScopedToken role stay allowed; chaining into itself does not", async () => {
    expect(await decide("iam:GetRole", `arn:aws:iam::${APP_ACCOUNT}:role/agent-entry/coder-entry`)).toBe("Allowed");
    expect(await decide("iam:ListRoleTags", `arn:aws:iam::${APP_ACCOUNT}:role/agents/other-agent`)).toBe("Allowed");
    for (const a of ["sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"]) {
      expect(await decide(a, `arn:aws:iam::${APP_ACCOUNT}:role/agents/scoped/t1`)).toBe("Allowed");
      expect(await decide(a, `arn:aws:iam::${APP_ACCOUNT}:role/agents/coder`)).toBe("ExplicitlyDenied");
      expect(await decide(a, `arn:aws:iam::${APP_ACCOUNT}:role/agent-entry/coder-entry`)).toBe("ExplicitlyDenied");
    }
  });
});

describe("AgentRole.allow refuses changes to agent identities, which the boundary denies (red-team round 92)", () => {
  const role = () => {
    let r!: AgentRole;
    synth((s) => {
      r = new AgentRole(s, "A", { roleName: "coder", assumedBy: [AgentPrincipal.role(`arn:aws:iam::${APP_ACCOUNT}:role/runner`)] });
    });
    return r;
  };

  it.each([
    [["iam:UpdateRole"], `arn:aws:iam::${APP_ACCOUNT}:role/agent-entry/coder-entry`],
    [["iam:TagRole"], `arn:aws:iam::${APP_ACCOUNT}:role/agents/*`],
    [["iam:Untag*"], "arn:*:iam::*:role/agents/other"],
    [["iam:TagPolicy"], `arn:aws:iam::${APP_ACCOUNT}:policy/agents/coder-boundary`],
  ])("refuses %j on %s, naming the prop", (actions, resource) => {
    expect(errorOf(() => role().allow({ actions, resources: [resource] })).message).toMatch(
      /^AgentRole\.allow: actions\[0\] ".*" on resources\[0\] \(".*"\) grants nothing: that is an agent role, an agent entry role or an agent's policy .*DenyChangesToAgentIdentities/,
    );
  });

  it.each([
    [["iam:UpdateRole", "iam:UntagRole", "iam:TagRole"], `arn:aws:iam::${APP_ACCOUNT}:role/*`],
    [["iam:UpdateRole"], `arn:aws:iam::${APP_ACCOUNT}:role/app/web`],
    [["iam:GetRole", "iam:ListRoleTags"], `arn:aws:iam::${APP_ACCOUNT}:role/agents/other`],
    [["iam:Get*", "iam:List*"], `arn:aws:iam::${APP_ACCOUNT}:role/agents/other`],
  ])("control: accepts %j on %s (it grants something there)", (actions, resource) => {
    expect(() => role().allow({ actions, resources: [resource] })).not.toThrow();
  });
});

describe("ScopedToken is assumable by one AgentRole or one OIDC subject only, as documented (red-team round 92)", () => {
  const task = { name: "t1", actions: ["s3:GetObject"], resources: ["arn:aws:s3:::b/k"], environment: "staging", accountId: APP_ACCOUNT, region: "eu-central-1" };

  it.each([
    ["a role that is not an AgentRole", () => AgentPrincipal.role(`arn:aws:iam::${APP_ACCOUNT}:role/Admin`), "role arn:aws:iam::111111111111:role/Admin"],
    ["a role under /agents/ given by ARN", () => AgentPrincipal.role(`arn:aws:iam::${APP_ACCOUNT}:role/agents/claude`), "role arn:aws:iam::111111111111:role/agents/claude"],
    ["an Identity Center permission set", () => AgentPrincipal.identityCenterPermissionSet({ accountId: APP_ACCOUNT, permissionSetName: "AdministratorAccess" }), "Identity Center permission set AdministratorAccess"],
  ])("refuses %s, naming assumedBy and what to pass instead", (_what, principal, shown) => {
    const message = errorOf(() => synth((s) => new ScopedToken(s, "Tok", { ...task, assumedBy: principal() }))).message;
    expect(message.startsWith(`ScopedToken: assumedBy must be an AgentRole or an OIDC subject (AgentPrincipal.githubActions(...), .gitlabCi(...), .oidc(...)), not ${shown}`)).toBe(true);
    expect(message).toContain("Make an AgentRole that it assumes");
  });

  it("control: accepts an AgentRole, a GitHub Actions subject and an OIDC subject", () => {
    expect(() => synth((s) => {
      const agent = new AgentRole(s, "A", { roleName: "claude", assumedBy: [AgentPrincipal.role(`arn:aws:iam::${APP_ACCOUNT}:role/Admin`)] });
      new ScopedToken(s, "T1", { ...task, assumedBy: agent });
      new ScopedToken(s, "T2", { ...task, name: "t2", assumedBy: AgentPrincipal.githubActions({ providerArn: GITHUB, repository: "acme/infra", branch: "main" }) });
      new ScopedToken(s, "T3", { ...task, name: "t3", assumedBy: AgentPrincipal.oidc({ providerArn: `arn:aws:iam::${APP_ACCOUNT}:oidc-provider/idp.example.com`, issuerHost: "idp.example.com", subject: "agent:ci" }) });
    })).not.toThrow();
  });

  /** The token role's trust, with the references to the in-stack roles written out as the ARNs they become. */
  async function admits(trust: Obj, principal: string, sourceIdentity?: string): Promise<string> {
    const { runSimulation } = await import("@cloud-copilot/iam-simulate");
    const res = await runSimulation(
      {
        request: {
          principal,
          action: "sts:AssumeRole",
          resource: { resource: `arn:aws:iam::${APP_ACCOUNT}:role/agents/scoped/t1`, accountId: APP_ACCOUNT },
          contextVariables: { "aws:PrincipalArn": principal, ...(sourceIdentity ? { "sts:SourceIdentity": sourceIdentity } : {}) },
        },
        identityPolicies: [{ name: "p", policy: ALLOW_ALL }],
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        resourcePolicy: trust,
      },
      {},
    );
    return res.resultType === "error" ? `error: ${JSON.stringify(res.errors)}` : res.overallResult;
  }
  const literal = (json: Obj, ref: RegExp, arn: string) => JSON.parse(JSON.stringify(json).replace(new RegExp(`\\$\\{aws_iam_role\\.${ref.source}\\.arn\\}`, "g"), arn));
  const sourceIdentityOf = (args: readonly string[]) => (args.includes("--source-identity") ? args[args.indexOf("--source-identity") + 1] : undefined);

  it("the documented command is admitted: an AgentRole's session chains in with the source identity it carries", async () => {
    let token!: ScopedToken;
    const { json } = synth((s) => {
      const agent = new AgentRole(s, "A", { roleName: "claude", assumedBy: [AgentPrincipal.role(`arn:aws:iam::${APP_ACCOUNT}:role/runner`)] });
      token = new ScopedToken(s, "Tok", { ...task, assumedBy: agent });
    });
    const claude = `arn:aws:iam::${APP_ACCOUNT}:role/agents/claude`;
    const trust = literal(policyOf(resources(json, "aws_iam_role").find((r) => r.name === "t1")!, "assume_role_policy"), /A_Role_\w+/, claude);
    // Passing another source identity in a chained call fails: the one set when the agent's session started carries over.
    expect(sourceIdentityOf(token.assumeRoleArgs)).toBeUndefined();
    expect(await admits(trust, claude, "agent-claude")).toBe("Allowed");
    // Control: a session without one (an agent role that never had one) is refused, and so is any other role.
    expect(await admits(trust, claude)).toBe("ImplicitlyDenied");
    expect(await admits(trust, `arn:aws:iam::${APP_ACCOUNT}:role/Admin`, "agent-claude")).toBe("ImplicitlyDenied");
  });

  it("the documented command is admitted: a GitHub Actions job's entry role session sets the source identity assumeRoleArgs passes", async () => {
    let token!: ScopedToken;
    const { json } = synth((s) => {
      token = new ScopedToken(s, "Tok", { ...task, assumedBy: AgentPrincipal.githubActions({ providerArn: GITHUB, repository: "acme/infra", branch: "main" }) });
    });
    const entry = `arn:aws:iam::${APP_ACCOUNT}:role/agent-entry/t1-entry`;
    const trust = literal(policyOf(resources(json, "aws_iam_role").find((r) => r.name === "t1")!, "assume_role_policy"), /Tok_Role_Entry_\w+/, entry);
    expect(sourceIdentityOf(token.assumeRoleArgs)).toBe("agent-t1");
    expect(await admits(trust, entry, sourceIdentityOf(token.assumeRoleArgs))).toBe("Allowed");
    expect(await admits(trust, entry)).toBe("ImplicitlyDenied");
  });
});
