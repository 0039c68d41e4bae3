/**
 * agent-trust-open: what pins a web identity provider's tokens to your own subjects (red-team round 76). A pin is a
 * condition on the provider's own claim key that must hold, with values whose wildcards cannot cross into another
 * owner's subjects; or a Deny of every other subject.
 */
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { agentRole, policy, tf } from "../helpers/tf";
import { run } from "./helpers";
import { rule } from "../../lib/rules/agent-trust-open";
import { AgentPrincipal, AgentRole } from "../../lib/constructs";
import { APP_ACCOUNT, gateFindings, synth } from "../constructs/helpers";

type Obj = Record<string, unknown>;
const GITLAB = "arn:aws:iam::111111111111:oidc-provider/gitlab.com";
const GH = "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com";
const SUB = "project_path:acme/infra:ref_type:branch:ref:main";
const AUD = { "gitlab.com:aud": "sts.amazonaws.com" };
const trust = (...statements: Obj[]) => tf({ "aws_iam_role.agent": agentRole({ assume_role_policy: policy(...statements) }) });
const web = (condition: Obj, principal: Obj = { Federated: GITLAB }): Obj => ({ Effect: "Allow", Principal: principal, Action: "sts:AssumeRoleWithWebIdentity", Condition: condition });
const messages = (json: Obj) => run(rule, json).map((f) => f.message);

describe("agent-trust-open: a sub pattern pins only within one owner", () => {
  it.each([
    ["every project's main", "project_path:*:ref_type:branch:ref:main"],
    ["every group's every project", "project_path:*/*"],
    ["a group prefix (acme* matches acmeevil, which anyone can register)", "project_path:acme*"],
    ["a ? in the group", "project_path:acm?/infra:ref_type:branch:ref:main"],
    ["no kind", "project_path*"],
    ["a leading wildcard", "*main"],
    ["a wildcard kind", "*:acme/infra:ref_type:branch:ref:main"],
  ])("fails %s", (_name, sub) => {
    const [m, ...more] = messages(trust(web({ StringEquals: AUD, StringLike: { "gitlab.com:sub": sub } })));
    expect(more).toEqual([]);
    expect(m).toContain(`admits every token of the OIDC provider ${GITLAB}: no condition pins its sub claim to one subject (StringLike gitlab.com:sub "${sub}" puts a wildcard in or before the owner's name`);
    expect(m).toContain("Add a condition on gitlab.com:sub with the exact subject, as AgentPrincipal.gitlabCi and githubActions write it");
  });

  it.each([
    ["an exact subject", { StringEquals: { ...AUD, "gitlab.com:sub": SUB } }],
    ["an exact subject with StringLike (as githubActions writes it)", { StringLike: { "token.actions.githubusercontent.com:sub": "repo:acme/infra:ref:refs/heads/main" } }, GH],
    // Judgement: every repository of one organisation is still that organisation's (the constructs refuse it anyway).
    ["every repository of one owner", { StringLike: { "token.actions.githubusercontent.com:sub": "repo:acme/*" } }, GH],
    ["every project of one group", { StringLike: { "gitlab.com:sub": "project_path:acme/*" } }],
    ["a ref pattern of one project", { StringLike: { "gitlab.com:sub": "project_path:acme/infra:ref_type:branch:ref:release-*" } }],
    ["an owner closed by a colon (HCP Terraform)", { StringLike: { "app.terraform.io:sub": "organization:acme:project:*" } }, "arn:aws:iam::111111111111:oidc-provider/app.terraform.io"],
    ["IAM's escape for a literal *", { StringEquals: { "gitlab.com:sub": "project_path:acme/infra:ref_type:branch:ref:$${*}" } }],
    ["the key in another case (IAM compares key names case-insensitively)", { StringEquals: { "GitLab.com:SUB": SUB } }],
  ])("passes %s", (_name, condition, provider = GITLAB) => {
    expect(messages(trust(web(condition, { Federated: provider })))).toEqual([]);
  });
});

describe("agent-trust-open: a sub value that is not a value you chose", () => {
  it.each([
    ["the policy variable of the sub itself (StringLike)", { StringLike: { "gitlab.com:sub": "${gitlab.com:sub}" } }, '"${gitlab.com:sub}" holds the IAM policy variable ${gitlab.com:sub}, which IAM fills in from the request itself'],
    ["the policy variable of the sub itself (StringEquals)", { StringEquals: { "gitlab.com:sub": "${gitlab.com:sub}" } }, "holds the IAM policy variable ${gitlab.com:sub}"],
    ["the Terraform-escaped policy variable", { StringEquals: { "gitlab.com:sub": "$${gitlab.com:sub}" } }, "holds the IAM policy variable $${gitlab.com:sub}"],
    ["a policy variable in the owner's place", { StringLike: { "gitlab.com:sub": "project_path:${aws:username}/infra:ref_type:branch:ref:main" } }, "holds the IAM policy variable ${aws:username}"],
    // Fail closed wherever it sits: blastwall does not guess what a token turns into.
    ["a policy variable after the owner", { StringEquals: { "gitlab.com:sub": "project_path:acme/${aws:username}" } }, "holds the IAM policy variable ${aws:username}"],
    ["a Terraform token after the owner", { StringEquals: { "gitlab.com:sub": "project_path:acme/${var.project}" } }, '"project_path:acme/${var.project}" holds ${var.project}: its value is not known until apply'],
  ])("fails %s", (_name, condition, why) => {
    const [m, ...more] = messages(trust(web(condition)));
    expect(more).toEqual([]);
    expect(m).toContain(why);
  });

  const fromVariable = (variable: Obj) =>
    tf({ "aws_iam_role.agent": agentRole({ assume_role_policy: policy(web({ StringEquals: { ...AUD, "gitlab.com:sub": "${var.sub}" } })) }) }, { variable: { sub: variable } });

  it("fails a sub from a variable without default: its value is not known until apply (fail closed)", () => {
    const [m, ...more] = messages(fromVariable({ type: "string" }));
    expect(more).toEqual([]);
    expect(m).toContain('StringEquals gitlab.com:sub "${var.sub}": its value is not known until apply, so blastwall cannot tell which tokens it admits');
  });

  it("reads a variable's literal default as the engine does everywhere", () => {
    expect(messages(fromVariable({ type: "string", default: SUB }))).toEqual([]);
    expect(messages(fromVariable({ type: "string", default: "project_path:*" }))).toHaveLength(1);
  });

  it("fails a sub from a data.aws_iam_policy_document condition fed by a variable without default", () => {
    const doc = { statement: [{ effect: "Allow", actions: ["sts:AssumeRoleWithWebIdentity"], principals: [{ type: "Federated", identifiers: [GITLAB] }], condition: [{ test: "StringLike", variable: "gitlab.com:sub", values: ["${var.sub}"] }] }] };
    const json = tf({ "data.aws_iam_policy_document.t": doc, "aws_iam_role.agent": agentRole({ assume_role_policy: "${data.aws_iam_policy_document.t.json}" }) }, { variable: { sub: { type: "string" } } });
    expect(messages(json)).toEqual([expect.stringContaining("its value is not known until apply")]);
  });
});

describe("agent-trust-open: a pin on the provider's own key, that must hold", () => {
  it("fails ForAllValues on another issuer's sub: the token never has the key, and ForAllValues then holds", () => {
    const [m, ...more] = messages(trust(web({ StringEquals: AUD, "ForAllValues:StringEquals": { "token.actions.githubusercontent.com:sub": "repo:acme/infra:ref:refs/heads/main" } })));
    expect(more).toEqual([]);
    expect(m).toContain("(ForAllValues:StringEquals token.actions.githubusercontent.com:sub is another issuer's key, and holds for a token without it)");
  });

  it("fails ForAllValues on the own sub (never a pin)", () => {
    expect(messages(trust(web({ "ForAllValues:StringEquals": { "gitlab.com:sub": SUB } })))).toEqual([expect.stringContaining("ForAllValues:StringEquals gitlab.com:sub holds for a token without the key, so it never pins")]);
  });

  it("fails both providers of a statement pinned by ForAllValues on one's key: every GitHub workflow passes", () => {
    const found = messages(trust(web({ "ForAllValues:StringEquals": { "gitlab.com:sub": SUB } }, { Federated: [GITLAB, GH] })));
    expect(found).toHaveLength(2);
    expect(found[0]).toContain(`admits every token of the OIDC provider ${GITLAB}:`);
    expect(found[1]).toContain(`admits every token of the OIDC provider ${GH}:`);
    expect(found[1]).toContain("ForAllValues:StringEquals gitlab.com:sub is another issuer's key");
  });

  it("passes a provider whose tokens never carry a key the statement requires: it admits none of them", () => {
    // GitHub's tokens have no gitlab.com:sub, and StringEquals is false without the key.
    expect(messages(trust(web({ StringEquals: { "gitlab.com:sub": SUB } }, { Federated: [GITLAB, GH] })))).toEqual([]);
  });

  it("fails a sub key of a name that is not the provider's and not an issuer's", () => {
    expect(messages(trust(web({ StringEquals: { "foo:sub": SUB } })))).toEqual([expect.stringContaining("(no condition on gitlab.com:sub)")]);
  });

  it("passes ForAnyValue on the own sub: the claim is always there, with one value", () => {
    expect(messages(trust(web({ "ForAnyValue:StringEquals": { "gitlab.com:sub": SUB } })))).toEqual([]);
    expect(messages(trust(web({ "ForAnyValue:StringEqualsIfExists": { "gitlab.com:sub": SUB } })))).toHaveLength(1);
  });
});

describe("agent-trust-open: an OIDC provider given by reference", () => {
  const withProvider = (url: unknown, condition: Obj) =>
    tf({
      "aws_iam_openid_connect_provider.g": { url, client_id_list: ["sts.amazonaws.com"] },
      "aws_iam_role.agent": agentRole({ assume_role_policy: policy(web(condition, { Federated: "${aws_iam_openid_connect_provider.g.arn}" })) }),
    }, { variable: { url: { type: "string" } } });

  it("names the resource and its host, and takes the pin on that host's key only", () => {
    const [m, ...more] = messages(withProvider("https://gitlab.com", { "ForAllValues:StringEquals": { "gitlab.com:sub": SUB } }));
    expect(more).toEqual([]);
    expect(m).toContain("admits every token of the OIDC provider aws_iam_openid_connect_provider.g (gitlab.com): no condition pins its sub claim");
    expect(messages(withProvider("https://gitlab.com", { StringEquals: { "gitlab.com:sub": SUB } }))).toEqual([]);
    expect(messages(withProvider("https://gitlab.com", { StringEquals: { "gitlab.example.com:sub": SUB } }))).toEqual([]); // admits none of its tokens
    expect(messages(withProvider("https://gitlab.com", { StringEquals: AUD }))).toEqual([expect.stringContaining("(no condition on gitlab.com:sub)")]);
  });

  it("with a url not known until apply: any sub key may be its own, but ForAllValues still is no pin", () => {
    expect(messages(withProvider("${var.url}", { StringEquals: { "gitlab.example.com:sub": SUB } }))).toEqual([]);
    const [m] = messages(withProvider("${var.url}", { "ForAllValues:StringEquals": { "gitlab.com:sub": SUB } }));
    expect(m).toContain("the OIDC provider aws_iam_openid_connect_provider.g (its url is not known until apply): no condition pins");
  });

  it("the constructs' trust through a provider reference passes the gate", () => {
    const { json } = synth((s) => {
      const provider = new IamOpenidConnectProvider(s, "GitLab", { url: "https://gitlab.com", clientIdList: ["sts.amazonaws.com"] });
      new AgentRole(s, "Agent", { roleName: "a", assumedBy: [AgentPrincipal.gitlabCi({ providerArn: provider.arn, project: "acme/infra" })] });
    });
    expect(gateFindings(json)).toEqual([]);
  });
});

describe("agent-trust-open: AWS's built-in web identity providers", () => {
  it.each([
    ["Google without a client or account", "accounts.google.com", {}, "without pinning accounts.google.com:aud (the OAuth client the token was issued to) and accounts.google.com:sub (the Google account)"],
    ["Google with only the account", "accounts.google.com", { StringEquals: { "accounts.google.com:sub": "110169484474386276334" } }, "without pinning accounts.google.com:aud (the OAuth client"],
    ["Google with a client pattern", "accounts.google.com", { StringEquals: { "accounts.google.com:sub": "110169484474386276334" }, StringLike: { "accounts.google.com:aud": "*.apps.googleusercontent.com" } }, 'without pinning accounts.google.com:aud (the OAuth client the token was issued to): StringLike accounts.google.com:aud "*.apps.googleusercontent.com" is a pattern'],
    ["Cognito identity without the pool", "cognito-identity.amazonaws.com", { "ForAnyValue:StringLike": { "cognito-identity.amazonaws.com:amr": "authenticated" } }, "without pinning cognito-identity.amazonaws.com:aud (the identity pool"],
    ["Facebook without the app", "graph.facebook.com", { StringEquals: { "graph.facebook.com:id": "1234" } }, "without pinning graph.facebook.com:app_id (the Facebook app)"],
    ["Login with Amazon without the user", "www.amazon.com", { StringEquals: { "www.amazon.com:app_id": "amzn1.application-oa2-123456" } }, "without pinning www.amazon.com:user_id (the Amazon user)"],
  ])("fails %s", (_name, provider, condition, why) => {
    const [m, ...more] = messages(trust(web(condition, { Federated: provider })));
    expect(more).toEqual([]);
    expect(m).toContain(`admits tokens of the web identity provider ${provider} ${why}`);
  });

  it.each([
    ["Google with client and account", "accounts.google.com", { StringEquals: { "accounts.google.com:aud": "123-x.apps.googleusercontent.com", "accounts.google.com:sub": "110169484474386276334" } }],
    ["Cognito identity with the pool", "cognito-identity.amazonaws.com", { StringEquals: { "cognito-identity.amazonaws.com:aud": "eu-central-1:12345678-ffff-ffff-ffff-123456" } }],
    ["Facebook with app and user", "graph.facebook.com", { StringEquals: { "graph.facebook.com:app_id": "111222333444555", "graph.facebook.com:id": "1234" } }],
  ])("passes %s", (_name, provider, condition) => {
    expect(messages(trust(web(condition, { Federated: provider })))).toEqual([]);
  });
});

describe("agent-trust-open: a Deny of every other subject pins", () => {
  const deny = (extra: Obj = {}): Obj => ({ Effect: "Deny", Principal: { Federated: GITLAB }, Action: "sts:AssumeRoleWithWebIdentity", Condition: { StringNotEquals: { "gitlab.com:sub": SUB } }, ...extra });

  it("passes an audience-only Allow with a Deny of every other subject", () => {
    expect(messages(trust(web({ StringEquals: AUD }), deny()))).toEqual([]);
    expect(messages(trust(web({ StringEquals: AUD }), deny({ Principal: "*", Action: "sts:*", Condition: { StringNotLike: { "gitlab.com:sub": "project_path:acme/*" } } })))).toEqual([]);
  });

  it.each([
    ["a Deny with a further condition (it denies only when that holds too)", deny({ Condition: { StringNotEquals: { "gitlab.com:sub": SUB }, Bool: { "aws:SecureTransport": "false" } } })],
    ["a Deny of a pattern that crosses owners", deny({ Condition: { StringNotLike: { "gitlab.com:sub": "project_path:*" } } })],
    ["a Deny with a value not known until apply", deny({ Condition: { StringNotEquals: { "gitlab.com:sub": "${var.sub}" } } })],
    ["a Deny with a token after the owner", deny({ Condition: { StringNotLike: { "gitlab.com:sub": "project_path:acme/${var.project}" } } })],
    ["a Deny on another action", deny({ Action: "sts:TagSession" })],
    ["a Deny of another provider", deny({ Principal: { Federated: GH } })],
    ["a Deny on another issuer's key", deny({ Condition: { StringNotEquals: { "token.actions.githubusercontent.com:sub": "repo:acme/infra:ref:refs/heads/main" } } })],
    ["a Deny of the subject itself", deny({ Condition: { StringEquals: { "gitlab.com:sub": SUB } } })],
  ])("fails with %s", (_name, d) => {
    expect(messages(trust(web({ StringEquals: AUD }), d))).toEqual([expect.stringContaining("(no condition on gitlab.com:sub)")]);
  });
});

describe("agent-trust-open: the constructs' trusts pass the gate", () => {
  const build = (principal: AgentPrincipal) => synth((s) => new AgentRole(s, "Agent", { roleName: "a", assumedBy: [principal] })).json;

  it("gitlabCi (StringEquals on sub and aud, through an entry role)", () => {
    expect(gateFindings(build(AgentPrincipal.gitlabCi({ providerArn: `arn:aws:iam::${APP_ACCOUNT}:oidc-provider/gitlab.com`, project: "acme/platform/infra" })))).toEqual([]);
  });

  it("githubActions (StringLike with the exact subject, through an entry role)", () => {
    expect(gateFindings(build(AgentPrincipal.githubActions({ providerArn: `arn:aws:iam::${APP_ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`, repository: "acme/infra" })))).toEqual([]);
  });

  it("the gate reports an entry role whose trust is widened to every project's main", () => {
    const json = build(AgentPrincipal.gitlabCi({ providerArn: `arn:aws:iam::${APP_ACCOUNT}:oidc-provider/gitlab.com`, project: "acme/infra" }));
    const roles = (json.resource as Record<string, Record<string, Obj>>).aws_iam_role;
    const entry = Object.values(roles).find((r) => r.name === "a-entry")!;
    const doc = JSON.parse(entry.assume_role_policy as string);
    doc.Statement[0].Condition = { StringEquals: { "gitlab.com:aud": "sts.amazonaws.com" }, StringLike: { "gitlab.com:sub": "project_path:*:ref_type:branch:ref:main" } };
    entry.assume_role_policy = JSON.stringify(doc);
    expect(gateFindings(json)).toEqual([expect.stringMatching(/^agent-trust-open \[error\]: .* admits every token of the OIDC provider arn:aws:iam::\d+:oidc-provider\/gitlab\.com: .*"project_path:\*:ref_type:branch:ref:main" puts a wildcard in or before the owner's name/)]);
  });
});

describe("agent-trust-open: on issuers shared by everyone, only a subject that starts with its owner stays within it (red-team round 77)", () => {
  const gh = (sub: string) => messages(trust(web({ StringLike: { "token.actions.githubusercontent.com:sub": sub } }, { Federated: GH })));
  it.each([
    ["an environment of any repository (GitHub lets each repository choose its subject's claims)", "environment:production:*"],
    ["a ref of any repository", "ref:refs/heads/*"],
    ["a job workflow of anyone", "job_workflow_ref:*"],
  ])("fails %s", (_n, sub) => {
    const [m, ...more] = gh(sub);
    expect(more).toEqual([]);
    expect(m).toContain(`puts a wildcard in or before the owner's name`);
  });

  it.each([["repo:acme/*"], ["repository_owner:acme:*"], ["repository_owner_id:123456:*"], ["repo:acme/infra:environment:*"]])("control: %s stays within one owner", (sub) => {
    expect(gh(sub)).toEqual([]);
  });

  it("control: a single organisation's issuer (GitHub Enterprise's issuer path, a self-managed GitLab) keeps the shape rule", () => {
    const ghe = "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com/acme";
    expect(messages(trust(web({ StringLike: { "token.actions.githubusercontent.com/acme:sub": "environment:production:*" } }, { Federated: ghe })))).toEqual([]);
    const corp = "arn:aws:iam::111111111111:oidc-provider/gitlab.corp.example";
    expect(messages(trust(web({ StringLike: { "gitlab.corp.example:sub": "project_path:platform/*" } }, { Federated: corp })))).toEqual([]);
  });
});

describe("agent-trust-open: a condition pins the caller only with a positive operator and values naming your own (red-team round 77)", () => {
  const open = (condition: Obj) => messages(trust({ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole", Condition: condition }));
  it.each([
    ["a negated account", { StringNotEquals: { "aws:PrincipalAccount": "999999999999" } }],
    ["an ARN pattern of anyone", { StringLike: { "aws:PrincipalArn": "*" } }],
    ["a role name in every account", { ArnLike: { "aws:PrincipalArn": "arn:aws:iam::*:role/deployer" } }],
    ["an account pattern", { StringLike: { "aws:PrincipalAccount": "1111*" } }],
    ["a policy variable", { StringEquals: { "aws:PrincipalAccount": "${aws:PrincipalAccount}" } }],
    ["ForAllValues (true without the key)", { "ForAllValues:StringEquals": { "aws:PrincipalOrgID": "o-abc123" } }],
    ["an org path of anyone", { "ForAnyValue:StringLike": { "aws:PrincipalOrgPaths": "*" } }],
  ])("fails %s", (_n, condition) => {
    expect(open(condition)).toHaveLength(1);
  });

  it.each([
    ["one account", { StringEquals: { "aws:PrincipalAccount": "111111111111" } }],
    ["the organisation", { StringEquals: { "aws:PrincipalOrgID": "o-abc123" } }],
    ["roles of one account", { ArnLike: { "aws:PrincipalArn": "arn:aws:iam::111111111111:role/ci-*" } }],
    ["an OU path", { "ForAnyValue:StringLike": { "aws:PrincipalOrgPaths": "o-abc123/r-ab12/ou-ab12-11111111/*" } }],
  ])("control: %s pins", (_n, condition) => {
    expect(open(condition)).toEqual([]);
  });
});

describe("agent-trust-open: a provider whose host is not known takes its issuer from the pinning key (red-team round 78)", () => {
  const GHK = "token.actions.githubusercontent.com:sub";
  const envSub = { StringLike: { [GHK]: "environment:production:*" } };
  const variable = { variable: { prov: { type: "string" }, u: { type: "string" }, a: { type: "string" } } };
  const by = (federated: string, condition: Obj, extra: Obj = {}) =>
    messages(tf({ ...extra, "aws_iam_role.agent": agentRole({ assume_role_policy: policy(web(condition, { Federated: federated })) }) }, variable));
  const unknownHost: [string, string, Obj][] = [
    ["a variable without default", "${var.prov}", {}],
    ["a provider whose url is a variable", "${aws_iam_openid_connect_provider.gh.arn}", { "aws_iam_openid_connect_provider.gh": { url: "${var.u}", client_id_list: ["sts.amazonaws.com"] } }],
    ["a data source looked up by a variable ARN", "${data.aws_iam_openid_connect_provider.gh.arn}", { "data.aws_iam_openid_connect_provider.gh": { arn: "${var.a}" } }],
    ["another stack's output (a cross-stack reference checked alone)", "${data.terraform_remote_state.base.outputs.gh_arn}", { "data.terraform_remote_state.base": { backend: "local", config: { path: "base.tfstate" } } }],
  ];

  it.each(unknownHost)("fails GitHub's environment subject through %s", (_n, federated, extra) => {
    const [m, ...more] = by(federated, envSub, extra);
    expect(more).toEqual([]);
    expect(m).toContain(`StringLike ${GHK} "environment:production:*" puts a wildcard in or before the owner's name`);
  });

  it.each(unknownHost)("control: one owner's repositories through %s pass", (_n, federated, extra) => {
    expect(by(federated, { StringLike: { [GHK]: "repo:acme/*" } }, extra)).toEqual([]);
  });

  it("fails gitlab.com's key with a subject that starts with no project, and keeps the shape rule for another issuer's key", () => {
    expect(by("${var.prov}", { StringLike: { "gitlab.com:sub": "ref_type:branch:ref:*" } })).toEqual([expect.stringContaining("puts a wildcard in or before the owner's name")]);
    expect(by("${var.prov}", { StringLike: { "gitlab.corp.example:sub": "ref_type:branch:ref:*" } })).toEqual([]);
  });
});

describe("agent-trust-open: a reference to your own account or organisation pins the caller (red-team round 78)", () => {
  const data = { "data.aws_caller_identity.current": {}, "data.aws_organizations_organization.o": {}, "data.aws_partition.p": {}, "data.terraform_remote_state.base": { backend: "local", config: { path: "b.tfstate" } } };
  const variable = { variable: { acct: { type: "string" }, org: { type: "string", default: "*" } } };
  const open = (operator: string, key: string, value: string, extra: Obj = {}) =>
    messages(tf({ ...data, ...extra, "aws_iam_role.agent": agentRole({ assume_role_policy: policy({ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole", Condition: { [operator]: { [key]: value } } }) }) }, variable));

  it.each([
    ["the deploying account", "StringEquals", "aws:PrincipalAccount", "${data.aws_caller_identity.current.account_id}"],
    ["the deploying account as the source account", "StringEquals", "aws:SourceAccount", "${data.aws_caller_identity.current.account_id}"],
    ["the organisation (data source)", "StringEquals", "aws:PrincipalOrgID", "${data.aws_organizations_organization.o.id}"],
    ["the organisation (resource)", "StringEquals", "aws:PrincipalOrgID", "${aws_organizations_organization.org.id}"],
    ["a role of the deploying account", "ArnLike", "aws:PrincipalArn", "arn:aws:iam::${data.aws_caller_identity.current.account_id}:role/runner"],
    ["a role of the deploying account in its partition", "ArnLike", "aws:PrincipalArn", "arn:${data.aws_partition.p.partition}:iam::${data.aws_caller_identity.current.account_id}:role/runner"],
    ["an OU path of the organisation", "ForAnyValue:StringLike", "aws:PrincipalOrgPaths", "${data.aws_organizations_organization.o.id}/r-ab12/*"],
  ])("passes %s", (_n, operator, key, value) => {
    expect(open(operator, key, value, { "aws_organizations_organization.org": { feature_set: "ALL" } })).toEqual([]);
  });

  it.each([
    ["a variable without default", "StringEquals", "aws:PrincipalAccount", "${var.acct}", '"${var.acct}" is not known until apply'],
    ["another stack's output", "StringEquals", "aws:PrincipalOrgID", "${data.terraform_remote_state.base.outputs.org}", "is not known until apply"],
    ["a variable whose default is *", "StringEquals", "aws:PrincipalOrgID", "${var.org}", '"${var.org}" (read as "*") matches every caller'],
    ["the deploying account's id as a role name, not its account", "ArnLike", "aws:PrincipalArn", "arn:aws:iam::*:role/${data.aws_caller_identity.current.account_id}", "does not write out one account"],
    ["the deploying account behind another token", "ArnLike", "aws:PrincipalArn", "arn:aws:iam::${data.aws_caller_identity.current.account_id}:role/${var.acct}", "holds ${var.acct}, which is not known until apply"],
    ["a token after a wildcard", "ArnLike", "aws:PrincipalArn", "arn:aws:iam::111111111111:role/ci-*/${var.acct}", "holds ${var.acct}, which is not known until apply"],
    ["the caller identity negated", "StringNotEquals", "aws:PrincipalAccount", "${data.aws_caller_identity.current.account_id}", "StringNotEquals aws:PrincipalAccount does not name the callers that may"],
    ["a caller identity IfExists", "StringEqualsIfExists", "aws:PrincipalAccount", "${data.aws_caller_identity.current.account_id}", "holds for a caller without the key"],
    ["a data source the stack does not hold", "StringEquals", "aws:PrincipalAccount", "${data.aws_caller_identity.elsewhere.account_id}", "is not known until apply"],
  ])("fails %s, and says which condition and why", (_n, operator, key, value, why) => {
    const [m, ...more] = open(operator, key, value);
    expect(more).toEqual([]);
    expect(m).toContain(`admits any AWS principal, in any account: its conditions on the caller pin none (${operator} ${key} `);
    expect(m).toContain(why);
    expect(m).not.toContain("no condition");
  });

  it("without a condition on the caller, says there is none", () => {
    const [m] = messages(trust({ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole", Condition: { StringLike: { "sts:SourceIdentity": "agent-*" } } }));
    expect(m).toContain("admits any AWS principal, in any account, with no condition that pins the caller.");
  });

  it("reads a policy document data source's condition the same way", () => {
    const doc = (value: string) => ({
      statement: [{ effect: "Allow", actions: ["sts:AssumeRole"], principals: [{ type: "AWS", identifiers: ["*"] }], condition: [{ test: "StringEquals", variable: "aws:PrincipalAccount", values: [value] }] }],
    });
    const stack = (value: string) => tf({ ...data, "data.aws_iam_policy_document.t": doc(value), "aws_iam_role.agent": agentRole({ assume_role_policy: "${data.aws_iam_policy_document.t.json}" }) }, variable);
    expect(messages(stack("${data.aws_caller_identity.current.account_id}"))).toEqual([]);
    expect(messages(stack("${var.acct}"))).toEqual([expect.stringContaining('"${var.acct}" is not known until apply')]);
  });
});

describe("agent-trust-open: red-team round 79", () => {
  const roleTrust = (condition: Obj) => policy({ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole", Condition: condition });
  const withOther = (agent: Obj, extra: Obj = {}) =>
    messages(
      tf(
        { "data.aws_caller_identity.mine": {}, "data.aws_caller_identity.vendor": { provider: "aws.other" }, "data.aws_organizations_organization.theirs": { provider: "aws.other" }, ...extra, "aws_iam_role.agent": agentRole(agent) },
        // The other provider's account is not known here (with an assume_role ARN or allowed_account_ids it would be read
        // as that literal account, which pins to one account like any account written out).
        { provider: { aws: [{ region: "us-east-1" }, { alias: "other", region: "us-east-1", profile: "vendor" }] } },
      ),
    );

  it("the account or organisation of another aws provider is not the role's own", () => {
    expect(withOther({ assume_role_policy: roleTrust({ StringEquals: { "aws:PrincipalAccount": "${data.aws_caller_identity.vendor.account_id}" } }) })).toHaveLength(1);
    expect(withOther({ assume_role_policy: roleTrust({ StringEquals: { "aws:PrincipalOrgID": "${data.aws_organizations_organization.theirs.id}" } }) })).toHaveLength(1);
    // Control: the role's own provider's caller identity.
    expect(withOther({ assume_role_policy: roleTrust({ StringEquals: { "aws:PrincipalAccount": "${data.aws_caller_identity.mine.account_id}" } }) })).toEqual([]);
    // Control: both made by the other provider.
    expect(withOther({ provider: "aws.other", assume_role_policy: roleTrust({ StringEquals: { "aws:PrincipalAccount": "${data.aws_caller_identity.vendor.account_id}" } }) })).toEqual([]);
  });

  it("an ARN of the deploying account with a role of the stack by reference pins; the whole value is not taken as unknown", () => {
    const runner = { "aws_iam_role.runner": { name: "runner", assume_role_policy: policy({ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }) } };
    expect(withOther({ assume_role_policy: roleTrust({ ArnEquals: { "aws:PrincipalArn": "arn:aws:iam::${data.aws_caller_identity.mine.account_id}:role/${aws_iam_role.runner.name}" } }) }, runner)).toEqual([]);
    // Control: the account of the other provider, with the same role reference.
    expect(withOther({ assume_role_policy: roleTrust({ ArnEquals: { "aws:PrincipalArn": "arn:aws:iam::${data.aws_caller_identity.vendor.account_id}:role/${aws_iam_role.runner.name}" } }) }, runner)).toHaveLength(1);
  });

  it("a provider blastwall cannot read is judged as the built-in provider its keys name: a Google token pinned by sub only fails", () => {
    const viaVariable = (condition: Obj) =>
      messages(tf({ "aws_iam_role.agent": agentRole({ assume_role_policy: policy({ Effect: "Allow", Principal: { Federated: "${var.p}" }, Action: "sts:AssumeRoleWithWebIdentity", Condition: condition }) }) }, { variable: { p: { type: "string" } } }));
    const [m, ...more] = viaVariable({ StringEquals: { "accounts.google.com:sub": "112233445566778899000" } });
    expect(more).toEqual([]);
    expect(m).toContain("(accounts.google.com, as its condition keys name it)");
    expect(m).toContain("accounts.google.com:aud");
    // Control: app and user pinned.
    expect(viaVariable({ StringEquals: { "accounts.google.com:sub": "112233445566778899000", "accounts.google.com:aud": "123-abc.apps.googleusercontent.com" } })).toEqual([]);
  });
});
