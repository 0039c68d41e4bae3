/**
 * GitLab CI jobs (and other OIDC issuers whose tokens cannot carry the source-identity claim) start agent sessions
 * through an entry role: AgentPrincipal.gitlabCi and oidc({ tokensCarrySourceIdentity: false }), synthesized and judged
 * by the gate.
 */
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { DataAwsIamRole } from "@cdktf/provider-aws/lib/data-aws-iam-role";
import { DataAwsIamOpenidConnectProvider } from "@cdktf/provider-aws/lib/data-aws-iam-openid-connect-provider";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { App, TerraformStack, TerraformVariable } from "cdktf";
import { AgentPrincipal, AgentRole, ScopedToken, type GitlabCiProps } from "../../lib/constructs";
import { APP_ACCOUNT, errorOf, gateFindings, loose, only, policyOf, resources, synth } from "./helpers";

const PROVIDER = `arn:aws:iam::${APP_ACCOUNT}:oidc-provider/gitlab.com`;
const gitlab = (extra: Partial<GitlabCiProps> = {}) => AgentPrincipal.gitlabCi({ providerArn: PROVIDER, project: "acme/platform/infra", ...extra });
type Obj = Record<string, any>;

/** Synthesizes one AgentRole "a" trusting `principal`; returns the JSON with the agent role, its entry role and their logical ids. */
function build(principal: AgentPrincipal) {
  const { json } = synth((s) => new AgentRole(s, "Agent", { roleName: "a", assumedBy: [principal] }));
  const roles = Object.entries(json.resource.aws_iam_role as Record<string, Obj>);
  const find = (name: string) => roles.find(([, r]) => r.name === name);
  return { json, agent: find("a")?.[1], entry: find("a-entry")?.[1], entryId: find("a-entry")?.[0] };
}

describe("AgentPrincipal.gitlabCi", () => {
  it("trusts the job's token in an entry role: provider, exact sub with StringEquals, aud, no source-identity condition", () => {
    const { entry } = build(gitlab());
    expect(entry).toBeDefined();
    expect(entry!.path).toBe("/agent-entry/");
    expect(entry!.tags).toEqual({ "blastwall:agent": "true" });
    const trust = policyOf(entry!, "assume_role_policy").Statement;
    expect(trust[0]).toEqual({
      Sid: "Entry0",
      Effect: "Allow",
      Principal: { Federated: PROVIDER },
      Action: ["sts:AssumeRoleWithWebIdentity"],
      Condition: { StringEquals: { "gitlab.com:aud": "sts.amazonaws.com", "gitlab.com:sub": "project_path:acme/platform/infra:ref_type:branch:ref:main" } },
    });
    // The session tags the agent role admits, with the same pinning.
    expect(trust[1]).toMatchObject({ Action: "sts:TagSession", Principal: { Federated: PROVIDER }, Condition: { StringEquals: trust[0].Condition.StringEquals } });
    expect(trust).toHaveLength(2);
  });

  it("the agent role trusts only the entry role, and only with an agent- source identity; the entry role may do nothing else", () => {
    const { json, agent, entryId } = build(gitlab());
    const trust = policyOf(agent!, "assume_role_policy").Statement;
    for (const st of trust) {
      expect(st.Principal).toEqual({ AWS: `\${aws_iam_role.${entryId}.arn}` });
      expect(st.Condition.StringLike).toEqual({ "sts:SourceIdentity": "agent-*" });
    }
    expect(trust[0].Action).toEqual(["sts:AssumeRole", "sts:SetSourceIdentity"]);
    expect(JSON.stringify(trust)).not.toContain("Federated");
    const boundary = resources(json, "aws_iam_policy").find((p) => p.name === "a-entry-boundary")!;
    expect(policyOf(boundary).Statement).toEqual([{ Sid: "OnlyTheAgentRole", Effect: "Allow", Action: ["sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"], Resource: "arn:*:iam::*:role/agents/a" }]);
    const [assume] = policyOf(only(json, "aws_iam_role_policy")).Statement;
    expect(assume).toMatchObject({ Action: ["sts:AssumeRole", "sts:SetSourceIdentity"], Condition: { StringLike: { "sts:SourceIdentity": "agent-*" } } });
  });

  it.each([
    [{ branch: "release/1.2" }, "project_path:acme/platform/infra:ref_type:branch:ref:release/1.2"],
    [{ tag: "v1.2.0" }, "project_path:acme/platform/infra:ref_type:tag:ref:v1.2.0"],
    [{ project: "acme/infra", branch: "main" }, "project_path:acme/infra:ref_type:branch:ref:main"],
  ])("writes GitLab's sub claim for %j", (extra, sub) => {
    const { entry } = build(gitlab(extra));
    expect(policyOf(entry!, "assume_role_policy").Statement[0].Condition.StringEquals["gitlab.com:sub"]).toBe(sub);
  });

  it("names a self-managed instance's condition keys after its host, and takes the job's audience", () => {
    const providerArn = `arn:aws:iam::${APP_ACCOUNT}:oidc-provider/gitlab.example.com`;
    const { entry } = build(AgentPrincipal.gitlabCi({ providerArn, project: "acme/infra", issuerHost: "gitlab.example.com", audience: "https://aws.example.com" }));
    const st = policyOf(entry!, "assume_role_policy").Statement[0];
    expect(st.Principal).toEqual({ Federated: providerArn });
    expect(st.Condition).toEqual({ StringEquals: { "gitlab.example.com:aud": "https://aws.example.com", "gitlab.example.com:sub": "project_path:acme/infra:ref_type:branch:ref:main" } });
  });

  it("accepts a reference to the OIDC provider", () => {
    const { json } = synth((s) => {
      const provider = new IamOpenidConnectProvider(s, "GitLab", { url: "https://gitlab.com", clientIdList: ["sts.amazonaws.com"] });
      new AgentRole(s, "Agent", { roleName: "a", assumedBy: [AgentPrincipal.gitlabCi({ providerArn: provider.arn, project: "acme/infra" })] });
    });
    const entry = resources(json, "aws_iam_role").find((r) => r.name === "a-entry")!;
    expect(policyOf(entry, "assume_role_policy").Statement[0].Principal).toEqual({ Federated: "${aws_iam_openid_connect_provider.GitLab.arn}" });
    expect(gateFindings(json)).toEqual([]);
  });

  describe("refuses what would trust too much, or nobody, naming the prop", () => {
    const stackVar = () => {
      let v = "";
      synth((s) => {
        v = new TerraformVariable(s, "branch", { type: "string", default: "main" }).stringValue;
      });
      return v;
    };
    it.each<[string, Obj, string | RegExp]>([
      ["a wildcard project", { project: "acme/*" }, 'AgentPrincipal: gitlabCi(project) must name one project, without * or ?: a pattern lets every project it matches in (got "acme/*")'],
      ["a ? in the project", { project: "acme/infr?" }, "gitlabCi(project) must name one project, without * or ?"],
      ["a project without group", { project: "infra" }, 'AgentPrincipal: gitlabCi(project) must be the full path of the project, "group/project" or "group/subgroup/project" (got "infra")'],
      ["an empty segment", { project: "acme//infra" }, "gitlabCi(project) must be the full path of the project"],
      ["a trailing slash", { project: "acme/infra/" }, "gitlabCi(project) must be the full path of the project"],
      ["a URL", { project: "https://gitlab.com/acme/infra" }, "gitlabCi(project) must be the full path of the project"],
      ["a clone path", { project: "acme/infra.git" }, 'gitlabCi(project) is the project\'s path, without .git (got "acme/infra.git")'],
      ["a ${ in the project", { project: "acme/${x}" }, /^AgentPrincipal: gitlabCi\(project\) must not contain "\$\{"/],
      ["an empty project", { project: "" }, "gitlabCi(project) must be the full path of the project"],
      ["a missing project", { project: undefined }, /^AgentPrincipal: gitlabCi\(project\) is required/],
      ["a wildcard branch", { branch: "*" }, 'AgentPrincipal: gitlabCi(branch) must name one branch, without * or ?: a pattern lets every matching branch of the project in (got "*")'],
      ["a branch pattern", { branch: "release-*" }, "gitlabCi(branch) must name one branch, without * or ?"],
      ["a wildcard tag", { tag: "v?" }, "gitlabCi(tag) must name one tag, without * or ?"],
      ["a ref as the branch", { branch: "refs/heads/main" }, 'AgentPrincipal: gitlabCi(branch) is the branch name alone, like "main" (got "refs/heads/main"): GitLab\'s ref claim has no refs/heads/ or refs/tags/'],
      ["a ref as the tag", { tag: "refs/tags/v1" }, "gitlabCi(tag) is the tag name alone"],
      ["an empty branch", { branch: "" }, 'AgentPrincipal: gitlabCi(branch) must name one branch (got "")'],
      ["a ${ in the branch", { branch: "${aws:username}" }, /^AgentPrincipal: gitlabCi\(branch\) must not contain "\$\{"/],
      ["a $${ in the branch", { branch: "$${gitlab.com:sub}" }, /^AgentPrincipal: gitlabCi\(branch\) must not contain "\$\{"/],
      ["a colon in the branch", { branch: "main:ref_type" }, /^AgentPrincipal: gitlabCi\(branch\) must be a Git branch name/],
      ["a space in the branch", { branch: "my branch" }, /^AgentPrincipal: gitlabCi\(branch\) must be a Git branch name/],
      ["branch and tag", { branch: "main", tag: "v1" }, "AgentPrincipal: gitlabCi(branch, tag) take one of the two"],
      ["an environment", { environment: "production" }, /^AgentPrincipal: gitlabCi\(environment\) is not supported \(got "production"\): GitLab never puts the environment in the sub claim, and IAM has no condition key/],
      ["an empty audience", { audience: "" }, 'gitlabCi(audience) must name the aud claim'],
      ["a ${ in the audience", { audience: "${gitlab.com:aud}" }, /^AgentPrincipal: gitlabCi\(audience\) must not contain "\$\{"/],
      ["an issuer URL", { issuerHost: "https://gitlab.com" }, 'AgentPrincipal: gitlabCi(issuerHost) must be the host of the GitLab instance without https:// or a port'],
      ["a port", { issuerHost: "gitlab.example.com:8443", providerArn: `arn:aws:iam::${APP_ACCOUNT}:oidc-provider/gitlab.example.com:8443` }, "gitlabCi(issuerHost) must be the host of the GitLab instance"],
      ["a wildcard host", { issuerHost: "*.example.com" }, "gitlabCi(issuerHost) must be the host of the GitLab instance"],
      ["an upper-case host", { issuerHost: "GitLab.example.com" }, "gitlabCi(issuerHost) must be the host of the GitLab instance"],
      ["a single-label host", { issuerHost: "gitlab" }, "gitlabCi(issuerHost) must be the host of the GitLab instance"],
      ["a host with a trailing slash", { issuerHost: "gitlab.com/" }, "gitlabCi(issuerHost) must be the host of the GitLab instance"],
      ["a ${ in the host", { issuerHost: "${x}.example.com" }, /^AgentPrincipal: gitlabCi\(issuerHost\) must not contain "\$\{"/],
      ["a bad ARN", { providerArn: "gitlab.com" }, /^AgentPrincipal: gitlabCi\(providerArn\) must be the ARN of an IAM OIDC provider/],
      ["a role ARN", { providerArn: `arn:aws:iam::${APP_ACCOUNT}:role/gitlab` }, /^AgentPrincipal: gitlabCi\(providerArn\) must be the ARN of an IAM OIDC provider/],
      ["a missing ARN", { providerArn: undefined }, /^AgentPrincipal: gitlabCi\(providerArn\) is required/],
      ["another issuer's provider", { providerArn: `arn:aws:iam::${APP_ACCOUNT}:oidc-provider/token.actions.githubusercontent.com` }, 'AgentPrincipal: gitlabCi(providerArn) names the OIDC provider "token.actions.githubusercontent.com", not the GitLab instance "gitlab.com" (issuerHost)'],
      // Red-team round 76: values Git or GitLab refuse (no job ever has them), null from plain JavaScript, another CI's issuer.
      ["a null tag (plain JavaScript): not a trust for the tag main", { tag: null }, "AgentPrincipal: gitlabCi(tag) must be a string or left out (got null)"],
      ["a null branch", { branch: null }, "AgentPrincipal: gitlabCi(branch) must be a string or left out (got null)"],
      ["a null audience", { audience: null }, "AgentPrincipal: gitlabCi(audience) must be a string or left out (got null)"],
      ["the branch @", { branch: "@" }, /^AgentPrincipal: gitlabCi\(branch\) must be a Git branch name/],
      ["the branch HEAD", { branch: "HEAD" }, /^AgentPrincipal: gitlabCi\(branch\) must be a Git branch name/],
      ["a branch part starting with .", { branch: "a/.b" }, /^AgentPrincipal: gitlabCi\(branch\) must be a Git branch name/],
      ["a branch part ending in .lock", { branch: "a.lock/b" }, /^AgentPrincipal: gitlabCi\(branch\) must be a Git branch name/],
      ["a project ending in .atom", { project: "acme/infra.atom" }, 'AgentPrincipal: gitlabCi(project) must not end in .atom (got "acme/infra.atom")'],
      ["a group ending in .git", { project: "acme.git/infra" }, /^AgentPrincipal: gitlabCi\(project\) must not have a group ending in \.git or \.atom/],
      ["GitHub's issuer", { issuerHost: "token.actions.githubusercontent.com", providerArn: `arn:aws:iam::${APP_ACCOUNT}:oidc-provider/token.actions.githubusercontent.com` }, /^AgentPrincipal: gitlabCi\(issuerHost\) is the issuer of GitHub Actions, not of a GitLab instance .*Use AgentPrincipal\.githubActions/],
    ])("%s", (_name, extra, message) => {
      expect(errorOf(() => AgentPrincipal.gitlabCi(loose({ providerArn: PROVIDER, project: "acme/infra", ...extra }))).message).toMatch(message);
    });

    it("a reference or variable as the branch or project", () => {
      const v = stackVar();
      expect(errorOf(() => gitlab({ branch: v })).message).toMatch(/^AgentPrincipal: gitlabCi\(branch\) must be written literally, not a reference or variable/);
      expect(errorOf(() => gitlab({ project: v })).message).toMatch(/^AgentPrincipal: gitlabCi\(project\) must be written literally/);
    });

    it("no props at all", () => {
      expect(errorOf(() => AgentPrincipal.gitlabCi(loose(undefined))).message).toMatch(/^AgentPrincipal: gitlabCi\(providerArn\) is required/);
    });

    it("control: ordinary names pass", () => {
      for (const extra of [{ branch: "feature/JIRA-12_x.y" }, { tag: "v1.2.0-rc.1" }, { project: "a_b/c.d/e-f" }, { issuerHost: "example.com/gitlab", providerArn: `arn:aws:iam::${APP_ACCOUNT}:oidc-provider/example.com/gitlab` }]) {
        expect(() => gitlab(extra)).not.toThrow();
      }
    });
  });
});

describe("AgentPrincipal.oidc: tokensCarrySourceIdentity", () => {
  const idp = { providerArn: `arn:aws:iam::${APP_ACCOUNT}:oidc-provider/ci.example.com`, issuerHost: "ci.example.com", subject: "org:acme:project:infra" };

  it("false: the subject enters through an entry role, which sets the source identity on the agent role", () => {
    const { agent, entry, entryId } = build(AgentPrincipal.oidc({ ...idp, tokensCarrySourceIdentity: false }));
    expect(entry!.path).toBe("/agent-entry/");
    const [web] = policyOf(entry!, "assume_role_policy").Statement;
    expect(web.Principal).toEqual({ Federated: idp.providerArn });
    expect(web.Action).toEqual(["sts:AssumeRoleWithWebIdentity"]);
    expect(web.Condition).toEqual({ StringEquals: { "ci.example.com:aud": "sts.amazonaws.com" }, StringLike: { "ci.example.com:sub": idp.subject } });
    const [st] = policyOf(agent!, "assume_role_policy").Statement;
    expect(st.Principal).toEqual({ AWS: `\${aws_iam_role.${entryId}.arn}` });
    expect(st.Condition).toEqual({ StringLike: { "sts:SourceIdentity": "agent-*" } });
  });

  it.each([[undefined], [true]])("%s: the agent role trusts the subject directly, exactly as before the option existed", (carries) => {
    const { json, agent, entry } = build(AgentPrincipal.oidc({ ...idp, ...(carries === undefined ? {} : { tokensCarrySourceIdentity: carries }) }));
    expect(entry).toBeUndefined();
    expect(resources(json, "aws_iam_role")).toHaveLength(1);
    const condition = '"Condition":{"StringLike":{"sts:SourceIdentity":"agent-*","ci.example.com:sub":"org:acme:project:infra"},"StringEquals":{"ci.example.com:aud":"sts.amazonaws.com"}}';
    expect(agent!.assume_role_policy).toBe(
      '{"Version":"2012-10-17","Statement":[' +
        `{"Sid":"AgentSession0","Effect":"Allow","Principal":{"Federated":"${idp.providerArn}"},"Action":["sts:AssumeRoleWithWebIdentity","sts:SetSourceIdentity"],${condition}},` +
        `{"Sid":"AgentSession0Tags","Effect":"Allow","Principal":{"Federated":"${idp.providerArn}"},"Action":"sts:TagSession","Condition":{"StringLike":{"sts:SourceIdentity":"agent-*","ci.example.com:sub":"org:acme:project:infra"},"StringEquals":{"ci.example.com:aud":"sts.amazonaws.com"},"ForAllValues:StringEquals":{"aws:TagKeys":["task","ticket"]}}}` +
        "]}",
    );
  });

  it("refuses a value that is not a boolean: \"false\" would be truthy", () => {
    expect(errorOf(() => AgentPrincipal.oidc(loose({ ...idp, tokensCarrySourceIdentity: "false" }))).message).toBe(
      'AgentPrincipal: oidc(tokensCarrySourceIdentity) must be true or false (got "false"): false when the identity provider cannot put the https://aws.amazon.com/source_identity claim in its tokens',
    );
  });

  it.each([
    ["token.actions.githubusercontent.com", "repo:acme/infra:ref:refs/heads/main", "GitHub Actions", "AgentPrincipal.githubActions"],
    ["token.actions.githubusercontent.com/acme", "repo:acme/infra:ref:refs/heads/main", "GitHub Actions", "AgentPrincipal.githubActions"],
    ["gitlab.com", "project_path:acme/infra:ref_type:branch:ref:main", "GitLab CI", "AgentPrincipal.gitlabCi"],
    ["oidc.circleci.com/org/0b1c2d3e-aaaa-bbbb-cccc-0123456789ab", "org/0b1c2d3e/project/p1/user/u1", "CircleCI", "tokensCarrySourceIdentity: false"],
    ["api.bitbucket.org/2.0/workspaces/acme/pipelines-config/identity/oidc", "{repo-uuid}:{step-uuid}", "Bitbucket Pipelines", "tokensCarrySourceIdentity: false"],
    ["agent.buildkite.com", "organization:acme:pipeline:infra:ref:refs/heads/main:commit:abc:step:deploy", "Buildkite", "tokensCarrySourceIdentity: false"],
    ["app.terraform.io", "organization:acme:project:infra:workspace:prod:run_phase:apply", "HCP Terraform", "tokensCarrySourceIdentity: false"],
  ])("refuses the CI issuer %s unless told its tokens carry no source identity: the role would refuse every job", (issuerHost, subject, name, instead) => {
    const providerArn = `arn:aws:iam::${APP_ACCOUNT}:oidc-provider/${issuerHost}`;
    for (const carries of [undefined, true]) {
      const message = errorOf(() => AgentPrincipal.oidc({ providerArn, issuerHost, subject, ...(carries === undefined ? {} : { tokensCarrySourceIdentity: carries }) })).message;
      expect(message).toMatch(new RegExp(`^AgentPrincipal: oidc\\(tokensCarrySourceIdentity\\) must be false for ${issuerHost.replace(/[.*?{}()/]/g, "\\$&")}: ${name} tokens cannot carry`));
      expect(message).toContain(instead);
    }
    // Told so, the job enters through an entry role.
    expect(build(AgentPrincipal.oidc({ providerArn, issuerHost, subject, tokensCarrySourceIdentity: false })).entry).toBeDefined();
  });

  it("control: an issuer that only resembles a CI issuer's host is taken as told", () => {
    for (const issuerHost of ["gitlab.example.com", "mygitlab.com", "token.actions.githubusercontent.com.example.com"]) {
      const providerArn = `arn:aws:iam::${APP_ACCOUNT}:oidc-provider/${issuerHost}`;
      expect(build(AgentPrincipal.oidc({ providerArn, issuerHost, subject: "agent:ci" })).entry).toBeUndefined();
    }
  });

  it("refuses a provider ARN of another issuer than issuerHost: the trust's claim keys would never be in the token", () => {
    expect(errorOf(() => AgentPrincipal.oidc({ ...idp, providerArn: `arn:aws:iam::${APP_ACCOUNT}:oidc-provider/other.example.com` })).message).toMatch(
      /^AgentPrincipal: oidc\(providerArn\) names the OIDC provider "other\.example\.com", not the issuer "ci\.example\.com" \(issuerHost\)/,
    );
    // GitHub Enterprise Server has an issuer of its own: githubActions compares github.com's claim keys.
    expect(errorOf(() => AgentPrincipal.githubActions({ providerArn: `arn:aws:iam::${APP_ACCOUNT}:oidc-provider/ghe.example.com/_services/token`, repository: "acme/infra" })).message).toMatch(
      /^AgentPrincipal: githubActions\(providerArn\) names the OIDC provider "ghe\.example\.com\/_services\/token", not the issuer "token\.actions\.githubusercontent\.com"/,
    );
    // A reference to the provider is known at apply time only, and accepted.
    expect(() => synth((s) => {
      const p = new IamOpenidConnectProvider(s, "P", { url: "https://ci.example.com", clientIdList: ["sts.amazonaws.com"] });
      new AgentRole(s, "Agent", { roleName: "a", assumedBy: [AgentPrincipal.oidc({ ...idp, providerArn: p.arn })] });
    })).not.toThrow();
  });

  it("refuses a roleName too long for its entry roles' names, which IAM would refuse or see twice (red-team round 76)", () => {
    const name = "r".repeat(59);
    expect(errorOf(() => synth((s) => new AgentRole(s, "Agent", { roleName: name, assumedBy: [gitlab()] }))).message).toMatch(
      new RegExp(`^AgentRole: roleName must be at most 58 characters here \\(got 59, "${name}"\\): OIDC subject project_path:acme/platform/infra:ref_type:branch:ref:main of gitlab.com cannot set a source identity, so it enters through an entry role named ${name}-entry, and IAM role names are at most 64 characters`),
    );
    // Two entry roles: the second is <name>-entry2.
    expect(errorOf(() => synth((s) => new AgentRole(s, "Agent", { roleName: "r".repeat(58), assumedBy: [gitlab(), gitlab({ branch: "release" })] }))).message).toMatch(/^AgentRole: roleName must be at most 57 characters here/);
    // Control: the longest names that fit, and a 64-character name with no entry role.
    const { json } = synth((s) => new AgentRole(s, "Agent", { roleName: "r".repeat(57), assumedBy: [gitlab(), gitlab({ branch: "release" })] }));
    expect(resources(json, "aws_iam_role").map((r) => r.name).sort()).toEqual(["r".repeat(57), `${"r".repeat(57)}-entry`, `${"r".repeat(57)}-entry2`]);
    expect(() => synth((s) => new AgentRole(s, "Agent", { roleName: "r".repeat(64), assumedBy: [AgentPrincipal.role(`arn:aws:iam::${APP_ACCOUNT}:role/runner`)] }))).not.toThrow();
  });

  it("refuses a CI issuer written with a trailing slash, and Azure Pipelines' issuer, with the default tokensCarrySourceIdentity", () => {
    // A reference as the provider: its host is not known here, so only the issuer host is compared.
    const providerArn = new TerraformVariable(new TerraformStack(new App(), "vars"), "provider", { type: "string" }).stringValue;
    const at = (issuerHost: string) => errorOf(() => AgentPrincipal.oidc({ providerArn, issuerHost, subject: "sc://acme/infra/aws" })).message;
    expect(at("gitlab.com/")).toMatch(/^AgentPrincipal: oidc\(tokensCarrySourceIdentity\) must be false for gitlab\.com\/: GitLab CI tokens/);
    expect(at("vstoken.dev.azure.com/0b1c2d3e-aaaa-bbbb-cccc-0123456789ab")).toMatch(/^AgentPrincipal: oidc\(tokensCarrySourceIdentity\) must be false for vstoken\.dev\.azure\.com\/.*: Azure Pipelines tokens/);
  });

  it("two principals without the claim get one entry role each", () => {
    const { json } = synth((s) => new AgentRole(s, "Agent", { roleName: "a", assumedBy: [gitlab(), AgentPrincipal.oidc({ ...idp, tokensCarrySourceIdentity: false })] }));
    expect(resources(json, "aws_iam_role").map((r) => r.name).sort()).toEqual(["a", "a-entry", "a-entry2"]);
    expect(gateFindings(json)).toEqual([]);
  });
});

describe("the gate judges GitLab setups", () => {
  it("finds nothing in an AgentRole trusted by a GitLab job, with or without grants", () => {
    expect(gateFindings(build(gitlab()).json)).toEqual([]);
    const { json } = synth((s) => new AgentRole(s, "Agent", { roleName: "a", assumedBy: [gitlab({ tag: "v1" })] }).grantReadOnly("ec2"));
    expect(gateFindings(json)).toEqual([]);
  });

  it("finds nothing in a ScopedToken for a GitLab job", () => {
    const { json } = synth((s) => {
      new ScopedToken(s, "Token", {
        name: "deploy",
        assumedBy: gitlab(),
        actions: ["s3:GetObject"],
        resources: ["arn:aws:s3:::acme-artifacts/*"],
        environment: "staging",
        accountId: APP_ACCOUNT,
        region: "eu-central-1",
      });
    });
    expect(resources(json, "aws_iam_role").map((r) => r.path).sort()).toEqual(["/agent-entry/", "/agents/scoped/"]);
    expect(gateFindings(json)).toEqual([]);
  });

  it("a ScopedToken for a GitLab job outputs the second call, made with the entry role's session and a source identity", () => {
    let token!: ScopedToken;
    const { json } = synth((s) => {
      token = new ScopedToken(s, "Token", { name: "deploy", assumedBy: gitlab(), actions: ["s3:GetObject"], resources: ["arn:aws:s3:::acme-artifacts/*"], environment: "staging", accountId: APP_ACCOUNT, region: "eu-central-1" });
    });
    expect(token.assumeRoleArgs.slice(0, 2)).toEqual(["sts", "assume-role"]);
    expect(token.assumeRoleArgs.slice(-2)).toEqual(["--source-identity", "agent-deploy"]);
    const entryId = Object.entries(json.resource.aws_iam_role as Record<string, Obj>).find(([, r]) => r.path === "/agent-entry/")![0];
    expect(token.entryRoleArn).toBeDefined();
    expect(Object.values(json.output as Record<string, Obj>).map((o) => o.value)).toContain(`\${aws_iam_role.${entryId}.arn}`);
  });

  const sub = { "gitlab.com:aud": "sts.amazonaws.com", "gitlab.com:sub": "project_path:acme/infra:ref_type:branch:ref:main" };
  const webIdentity = { Effect: "Allow", Principal: { Federated: PROVIDER }, Action: "sts:AssumeRoleWithWebIdentity", Condition: { StringEquals: sub } };

  it("reports an agent role whose hand-written trust admits the GitLab job directly, without a source identity", () => {
    const { json } = synth((s) => {
      new IamRole(s, "Handmade", {
        name: "handmade-agent",
        path: "/agents/",
        assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [webIdentity] }),
        tags: { "blastwall:agent": "true" },
      });
    });
    const findings = gateFindings(json);
    expect(findings.filter((f) => f.startsWith("agent-source-identity [error]"))).toHaveLength(1);
    expect(findings.join("\n")).toContain(`lets Federated ${PROVIDER} call sts:AssumeRoleWithWebIdentity with no sts:SourceIdentity condition`);
  });

  it("reports an AgentRole whose trust is overridden to admit the GitLab job directly as well", () => {
    const { json } = synth((s) => {
      const a = new AgentRole(s, "Agent", { roleName: "a", assumedBy: [gitlab()] });
      const viaEntry = { Sid: "ViaEntry", Effect: "Allow", Principal: { AWS: a.entryRoles[0].arn }, Action: ["sts:AssumeRole", "sts:SetSourceIdentity"], Condition: { StringLike: { "sts:SourceIdentity": "agent-*" } } };
      a.role.addOverride("assume_role_policy", JSON.stringify({ Version: "2012-10-17", Statement: [viaEntry, { Sid: "Shortcut", ...webIdentity }] }));
    });
    const findings = gateFindings(json).filter((f) => f.startsWith("agent-source-identity [error]"));
    expect(findings.find((f) => f.includes("aws_iam_role.Agent_Role_"))).toContain('statement Sid "Shortcut" (#1) of its trust policy lets Federated');
    // The entry role is exempt only while the role it enters requires the source identity.
    expect(findings.find((f) => f.includes("aws_iam_role.Agent_Entry_"))).toContain('statement Sid "Entry0" (#0)');
    expect(findings).toHaveLength(2);
  });

  it("reports an entry role whose trust admits every GitLab job: no sub, any project of anyone on gitlab.com", () => {
    const { json } = synth((s) => {
      const a = new AgentRole(s, "Agent", { roleName: "a", assumedBy: [gitlab()] });
      const everyJob = { ...webIdentity, Condition: { StringEquals: { "gitlab.com:aud": "sts.amazonaws.com" } } };
      a.entryRoles[0].addOverride("assume_role_policy", JSON.stringify({ Version: "2012-10-17", Statement: [everyJob] }));
    });
    const findings = gateFindings(json);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatch(/^agent-trust-open \[error\]: aws_iam_role\.Agent_Entry_\w+ is an AI agent role whose trust policy \(statement #0\) admits every token of the OIDC provider arn:aws:iam::111111111111:oidc-provider\/gitlab\.com/);
  });

  it("reports a hand-written entry role that may do more than start the agent role's session", () => {
    const { json } = synth((s) => {
      const a = new AgentRole(s, "Agent", { roleName: "a", assumedBy: [AgentPrincipal.role(`arn:aws:iam::${APP_ACCOUNT}:role/agent-runner`)] });
      const entry = new IamRole(s, "Entry", {
        name: "a-gitlab",
        path: "/agent-entry/",
        assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [webIdentity] }),
        tags: { "blastwall:agent": "true" },
      });
      new IamRolePolicy(s, "EntryPolicy", {
        role: entry.name,
        name: "p",
        policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["sts:AssumeRole", "s3:GetObject"], Resource: [a.roleArn, "*"] }] }),
      });
    });
    expect(gateFindings(json).filter((f) => f.startsWith("agent-source-identity [error]: aws_iam_role.Entry "))).toHaveLength(1);
  });
});

describe("red-team round 77: what only the synthesized app shows", () => {
  it("refuses a provider given by reference whose url names another host than issuerHost: no job could start a session", () => {
    const run = (issuerHost?: string) => () =>
      fullAppSynth((s) => {
        const corp = new IamOpenidConnectProvider(s, "Corp", { url: "https://gitlab.corp.example/gitlab", clientIdList: ["sts.amazonaws.com"] });
        new AgentRole(s, "Agent", { roleName: "corp-deployer", assumedBy: [AgentPrincipal.gitlabCi({ providerArn: corp.arn, project: "acme/infra", ...(issuerHost ? { issuerHost } : {}) })] });
      });
    expect(run()).toThrow(
      /AgentPrincipal: the OIDC provider test\/Corp has url "https:\/\/gitlab\.corp\.example\/gitlab", but the trust compares gitlab\.com:sub and gitlab\.com:aud: tokens of gitlab\.corp\.example\/gitlab never carry those claims, so no job could start a session\. Set issuerHost to "gitlab\.corp\.example\/gitlab"/,
    );
    expect(run("gitlab.corp.example/gitlab")).not.toThrow();
  });

  it("the url check: case is no mismatch, a scheme other than https and a port get advice that can be followed, a data source is checked too (red-team round 78)", () => {
    const run = (url: string, issuerHost?: string, data = false) => () =>
      fullAppSynth((s) => {
        const arn = data ? new DataAwsIamOpenidConnectProvider(s, "Corp", { url }).arn : new IamOpenidConnectProvider(s, "Corp", { url, clientIdList: ["sts.amazonaws.com"] }).arn;
        new AgentRole(s, "Agent", { roleName: "a", assumedBy: [AgentPrincipal.gitlabCi({ providerArn: arn, project: "acme/infra", ...(issuerHost ? { issuerHost } : {}) })] });
      });
    expect(run("https://GitLab.com")).not.toThrow();
    expect(run("http://gitlab.com")).toThrow(/has url "http:\/\/gitlab\.com": IAM takes only an https:\/\/ issuer URL/);
    expect(run("https://gitlab.example.com:8443")).toThrow(/An issuer on a port cannot be trusted this way/);
    expect(run("https://gitlab.example.com", undefined, true)).toThrow(/the OIDC provider test\/Corp has url "https:\/\/gitlab\.example\.com", but the trust compares gitlab\.com:sub/);
    expect(run("https://gitlab.example.com", "gitlab.example.com", true)).not.toThrow();
  });

  it("IAM names clash without regard to case, per provider; data sources create nothing (red-team round 78)", () => {
    const runner = AgentPrincipal.role(`arn:aws:iam::${APP_ACCOUNT}:role/runner`);
    expect(() => fullAppSynth((s) => {
      new AgentRole(s, "A", { roleName: "claude", assumedBy: [runner] });
      new IamRole(s, "Raw", { name: "Claude", assumeRolePolicy: "{}" });
    })).toThrow(/gives test\/A\/Role the IAM role name "claude", which test\/Raw also has \(as "Claude"\): IAM role names are unique in an account whatever the path and case/);
    // Two accounts, one provider each (EnvironmentAccounts.providerFor): no clash.
    expect(() => fullAppSynth((s) => {
      const staging = new AwsProvider(s, "staging", { alias: "staging", region: "eu-central-1", allowedAccountIds: ["222222222222"] });
      const prod = new AwsProvider(s, "prod", { alias: "prod", region: "eu-central-1", allowedAccountIds: ["333333333333"] });
      new AgentRole(s, "StagingAgent", { roleName: "claude", assumedBy: [runner], provider: staging });
      new AgentRole(s, "ProdAgent", { roleName: "claude", assumedBy: [runner], provider: prod });
    })).not.toThrow();
    expect(() => fullAppSynth((s) => {
      new AgentRole(s, "A", { roleName: "deployer", assumedBy: [runner] });
      new DataAwsIamRole(s, "Lookup", { name: "deployer" });
    })).not.toThrow();
  });

  it("control: a provider whose url is itself a reference, or one in another stack, is not judged", () => {
    expect(() =>
      fullAppSynth((s) => {
        const url = new TerraformVariable(s, "url", { type: "string" }).stringValue;
        const p = new IamOpenidConnectProvider(s, "Corp", { url, clientIdList: ["sts.amazonaws.com"] });
        new AgentRole(s, "Agent", { roleName: "a", assumedBy: [AgentPrincipal.gitlabCi({ providerArn: p.arn, project: "acme/infra" })] });
      }),
    ).not.toThrow();
  });

  it("refuses IAM names another role or policy of the stack already has: the apply would fail on the second", () => {
    const run = (second: string) => () =>
      fullAppSynth((s) => {
        new AgentRole(s, "X", { roleName: "x", assumedBy: [gitlab()] });
        new AgentRole(s, "Y", { roleName: second, assumedBy: [AgentPrincipal.role(`arn:aws:iam::${APP_ACCOUNT}:role/runner`)] });
      });
    expect(run("x-entry")).toThrow(/AgentRole: roleName "x" gives test\/X\/Entry the IAM role name "x-entry", which test\/Y\/Role also has: IAM role names are unique in an account whatever the path/);
    expect(run("x-entry")).toThrow(/IAM managed policy name "x-entry-boundary"/);
    expect(run("y")).not.toThrow();
    // A hand-written role with the same name.
    expect(() =>
      fullAppSynth((s) => {
        new AgentRole(s, "X", { roleName: "x", assumedBy: [gitlab()] });
        new IamRole(s, "Other", { name: "x", assumeRolePolicy: "{}" });
      }),
    ).toThrow(/gives test\/X\/Role the IAM role name "x", which test\/Other also has/);
  });
});

/** A full synth, validations included (Testing.synth skips them). */
function fullAppSynth(build: (s: import("cdktf").TerraformStack) => void): void {
  const app = new App({ outdir: require("fs").mkdtempSync(require("path").join(require("os").tmpdir(), "bw-rt77-")) });
  const s = new TerraformStack(app, "test");
  new AwsProvider(s, "aws", { region: "eu-central-1" });
  build(s);
  app.synth();
}
