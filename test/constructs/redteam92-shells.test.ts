import { AgentPrincipal, AgentRole, ScopedToken } from "../../lib/constructs";
import { denyCovering } from "../../lib/constructs/agent-boundary";
import { loadCatalogue } from "../../lib/engine/catalogue";
import { APP_ACCOUNT, policyOf, resources, synth } from "./helpers";

// Catalogue 1.31.0 (red-team round 92): calls that run the caller's code, a command or a shell in compute that runs as
// a role, EKS access entry writes, and shells that expose a live session's data. AgentRole accepted them and its
// boundary allowed them.
const RUNNER = `arn:aws:iam::${APP_ACCOUNT}:role/agent-runner`;
const props = { roleName: "claude", assumedBy: [AgentPrincipal.role(RUNNER)] };
const ADDED = [
  "codebuild:StartSandbox",
  "codebuild:StartCommandExecution",
  "codebuild:StartSandboxConnection",
  "airflow:InvokeRestApi",
  "sagemaker:StartSession",
  "elasticmapreduce:StartSession",
  "elasticmapreduce:StartNotebookExecution",
  "elasticmapreduce:OpenEditorInConsole",
  "bedrock-agentcore:InvokeAgentRuntimeCommandShell",
  "glue:RunStatement",
  "sagemaker:UpdateNotebookInstanceLifecycleConfig",
  "eks:CreateAccessEntry",
  "eks:AssociateAccessPolicy",
  "eks:UpdateAccessEntry",
  "gameliftstreams:CreateStreamSessionAdminShell",
  "lightsail:StartGUISession",
];

function agent(): AgentRole {
  let a!: AgentRole;
  synth((s) => (a = new AgentRole(s, "Agent", props)));
  return a;
}

describe("catalogue 1.31.0: run-as-role shells and sessions, and EKS access entries (red-team round 92)", () => {
  it.each(ADDED)("AgentRole.allow refuses %s as an escalation right, with the catalogue's why", (action) => {
    const why = loadCatalogue().entryOf(action)!.why;
    expect(() => agent().allow({ actions: [action], resources: ["*"] })).toThrow(`AgentRole.allow: ${action} is in blastwall's destroy-rights catalogue as an escalation right: ${why}`);
  });

  it("a wildcard refuses them too, naming them (codebuild:StartS*, eks:*AccessEntry)", () => {
    expect(() => agent().allow({ actions: ["codebuild:StartS*"], resources: ["*"] })).toThrow(/"codebuild:StartS\*" covers codebuild:StartSandbox, codebuild:StartSandboxConnection.* which are in blastwall's destroy-rights catalogue/);
    expect(() => agent().allow({ actions: ["eks:*AccessEntry"], resources: ["*"] })).toThrow(/"eks:\*AccessEntry" covers eks:CreateAccessEntry, eks:UpdateAccessEntry.* which are in blastwall's destroy-rights catalogue/);
    // A run-code right gets the advice for compute, not the generic escalation one.
    expect(() => agent().allow({ actions: ["codebuild:StartCommandExecution"], resources: ["*"] })).toThrow(/Code an agent puts into existing compute runs with that compute's role/);
  });

  it("control: the reads beside them are still granted", () => {
    const reads = ["codebuild:BatchGetSandboxes", "codebuild:ListSandboxes", "eks:DescribeAccessEntry", "eks:ListAccessEntries", "sagemaker:DescribeSpace", "glue:GetStatement"];
    const { json } = synth((s) => new AgentRole(s, "Agent", props).allow({ actions: reads, resources: ["*"] }));
    expect(policyOf(resources(json, "aws_iam_role_policy")[0]).Statement[0].Action).toEqual(reads);
  });

  it("ScopedToken refuses them", () => {
    for (const action of ["codebuild:StartSandbox", "eks:CreateAccessEntry"]) {
      expect(() =>
        synth((s) => {
          const a = new AgentRole(s, "Agent", props);
          new ScopedToken(s, "Token", { assumedBy: a, name: "task", actions: [action], resources: [`arn:aws:codebuild:eu-central-1:${APP_ACCOUNT}:project/deploy`], environment: "staging", accountId: APP_ACCOUNT, region: "eu-central-1" });
        }),
      ).toThrow(`ScopedToken: actions: ${action} is in blastwall's destroy-rights catalogue as an escalation right`);
    }
  });

  it("the boundary and guard policies AgentRole attaches deny every one of them, each within IAM's 6,144 characters", () => {
    const { json } = synth((s) => new AgentRole(s, "Agent", props));
    const rails = resources(json, "aws_iam_policy").filter((p) => /^claude-(boundary|guard\d*)$/.test(p.name as string));
    expect(rails.map((p) => p.name)).toContain("claude-boundary");
    const statements = rails.flatMap((p) => policyOf(p).Statement.filter((st: { Resource: unknown }) => st.Resource === "*"));
    expect(ADDED.filter((a) => !denyCovering(statements, a))).toEqual([]);
    for (const p of rails) expect([p.name, JSON.stringify(policyOf(p)).length <= 6144]).toEqual([p.name, true]);
  });
});
