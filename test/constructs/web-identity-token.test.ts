/**
 * Red-team round 76, finding 1, as a cdktf user writes it: an AgentRole trusted by a CI job, and beside it a role the
 * same job's token also opens. The job holds the token, AssumeRoleWithWebIdentity needs no AWS permission: the gate
 * must name that path, and stay quiet where the other role's trust admits another subject.
 */
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import type { Construct } from "constructs";
import { AgentPrincipal, AgentRole, ScopedToken } from "../../lib/constructs";
import { buildStack } from "../../lib/engine/terraform/stack";
import { buildAnalysis } from "../../lib/engine/analyze";
import { ReachGraph } from "../../lib/engine/reach/graph";
import { APP_ACCOUNT, gateFindings, synth } from "./helpers";

const GITLAB = `arn:aws:iam::${APP_ACCOUNT}:oidc-provider/gitlab.com`;
const GITHUB = `arn:aws:iam::${APP_ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`;
const MAIN = "project_path:acme/infra:ref_type:branch:ref:main";

/** A role beside the agent, trusting `provider` under `condition`, with AdministratorAccess unless `admin` is false. */
function ciRole(s: Construct, provider: string, condition: Record<string, Record<string, string>> | undefined, admin = true): void {
  const r = new IamRole(s, "Ci", {
    name: "ci-admin",
    assumeRolePolicy: JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { Federated: provider }, Action: "sts:AssumeRoleWithWebIdentity", ...(condition ? { Condition: condition } : {}) }],
    }),
  });
  if (admin) new IamRolePolicyAttachment(s, "Adm", { role: r.name, policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" });
}

const gitlabAgent = (s: Construct, branch?: string) => new AgentRole(s, "A", { roleName: "deployer", assumedBy: [AgentPrincipal.gitlabCi({ providerArn: GITLAB, project: "acme/infra", ...(branch ? { branch } : {}) })] });
const entryRoles = (json: Record<string, any>) => Object.keys(json.resource.aws_iam_role).filter((k) => json.resource.aws_iam_role[k].path === "/agent-entry/").map((k) => `aws_iam_role.${k}`);
/** The targets of web-identity edges out of the first entry role, whether or not a finding shows them. */
function webEdgesOfEntry(json: Record<string, any>): string[] {
  const stack = buildStack(json, "cdk.tf.json");
  const graph = new ReachGraph(stack, buildAnalysis(stack, {}));
  return graph.edgesFrom(entryRoles(json)[0]).filter((e) => e.evidence.some((x) => x.step === "web-identity")).map((e) => e.to);
}
const PATH = /^agent-transitive-destroy \[error\]: aws_iam_role\.A_Entry_\w+ is an AI agent and can act as aws_iam_role\.Ci, .*aws_iam_role\.A_Entry_\w+ --sts:AssumeRoleWithWebIdentity--> aws_iam_role\.Ci\b/;

describe("AgentRole with gitlabCi and a second role trusting gitlab.com", () => {
  it("the same exact sub: an error naming the web identity path", () => {
    const { json } = synth((s) => {
      gitlabAgent(s);
      ciRole(s, GITLAB, { StringEquals: { "gitlab.com:aud": "sts.amazonaws.com", "gitlab.com:sub": MAIN } });
    });
    const found = gateFindings(json);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(PATH);
  });

  it("only aud: an error", () => {
    const { json } = synth((s) => {
      gitlabAgent(s);
      ciRole(s, GITLAB, { StringEquals: { "gitlab.com:aud": "sts.amazonaws.com" } });
    });
    expect(gateFindings(json)).toEqual([expect.stringMatching(PATH)]);
  });

  it("a StringLike sub over the project's branches: an error", () => {
    const { json } = synth((s) => {
      gitlabAgent(s);
      ciRole(s, GITLAB, { StringLike: { "gitlab.com:sub": "project_path:acme/infra:ref_type:branch:ref:*" } });
    });
    expect(gateFindings(json)).toEqual([expect.stringMatching(PATH)]);
  });

  it("the control: the second role pinned to another branch", () => {
    const { json } = synth((s) => {
      gitlabAgent(s);
      ciRole(s, GITLAB, { StringEquals: { "gitlab.com:aud": "sts.amazonaws.com", "gitlab.com:sub": "project_path:acme/infra:ref_type:branch:ref:release" } });
    });
    expect(gateFindings(json)).toEqual([]);
  });

  it("the control: the second role trusting GitHub's issuer", () => {
    const { json } = synth((s) => {
      gitlabAgent(s);
      ciRole(s, GITHUB, undefined);
    });
    expect(gateFindings(json)).toEqual([]);
  });

  it("the control: the second role trusting the same sub without destroy rights", () => {
    const { json } = synth((s) => {
      gitlabAgent(s);
      ciRole(s, GITLAB, { StringEquals: { "gitlab.com:sub": MAIN } }, false);
    });
    expect(gateFindings(json)).toEqual([]);
    expect(webEdgesOfEntry(json)).toEqual(["aws_iam_role.Ci"]);
  });

  it("the control: agents of one job (two AgentRoles, a ScopedToken) reach each other's entry roles and nothing more", () => {
    const { json } = synth((s) => {
      gitlabAgent(s);
      new AgentRole(s, "B", { roleName: "other", assumedBy: [AgentPrincipal.gitlabCi({ providerArn: GITLAB, project: "acme/infra" })] }).grantReadOnly("ec2");
      new ScopedToken(s, "Tok", { name: "deploy-staging", assumedBy: AgentPrincipal.gitlabCi({ providerArn: GITLAB, project: "acme/infra" }), actions: ["sqs:SendMessage"], resources: [`arn:aws:sqs:eu-central-1:${APP_ACCOUNT}:q`], environment: "staging", accountId: APP_ACCOUNT, region: "eu-central-1" });
    });
    expect(gateFindings(json)).toEqual([]);
    // The paths are there: the job's token opens every entry role of the three.
    const entries = entryRoles(json);
    expect(entries).toHaveLength(3);
    expect(webEdgesOfEntry(json).sort()).toEqual(entries.slice(1).sort());
  });
});

describe("other issuers", () => {
  it("githubActions and a role trusting every ref of the repository: an error", () => {
    const { json } = synth((s) => {
      new AgentRole(s, "A", { roleName: "deployer", assumedBy: [AgentPrincipal.githubActions({ providerArn: GITHUB, repository: "acme/infra" })] });
      ciRole(s, GITHUB, { StringLike: { "token.actions.githubusercontent.com:sub": "repo:acme/infra:*" } });
    });
    expect(gateFindings(json)).toEqual([expect.stringMatching(/--sts:AssumeRoleWithWebIdentity--> aws_iam_role\.Ci\b/)]);
  });

  it("oidc with tokens that carry the source identity: the agent role itself is entered with the token", () => {
    const { json } = synth((s) => {
      new AgentRole(s, "A", { roleName: "deployer", assumedBy: [AgentPrincipal.oidc({ providerArn: `arn:aws:iam::${APP_ACCOUNT}:oidc-provider/idp.example.com`, issuerHost: "idp.example.com", subject: "agent-runner" })] });
      ciRole(s, `arn:aws:iam::${APP_ACCOUNT}:oidc-provider/idp.example.com`, { StringEquals: { "idp.example.com:sub": "agent-runner" } });
    });
    expect(gateFindings(json)).toEqual([expect.stringMatching(/aws_iam_role\.A_Role_\w+ --sts:AssumeRoleWithWebIdentity--> aws_iam_role\.Ci\b/)]);
  });
});
