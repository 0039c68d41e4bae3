/**
 * Red-team round 77, B1: a trust naming its OIDC provider by reference (`Federated: gitlab.arn`, what cdktf writes for
 * `AgentPrincipal.gitlabCi({ providerArn: gitlab.arn })`) was read as the pattern `*`, which the identity pool path
 * took for `cognito-identity.amazonaws.com`: every agent with broad reads reached the role through
 * cognito-identity:GetOpenIdToken. A reference to a provider of the stack is that provider (tokens.ts); one whose
 * target blastwall cannot read (a variable, a provider outside the stack) may still be any, Cognito's too.
 */
import { mkdtempSync, readFileSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { App, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { AgentPrincipal, AgentRole } from "../../lib/constructs";
import { buildStack } from "../../lib/engine/terraform/stack";
import { buildAnalysis } from "../../lib/engine/analyze";
import { ReachGraph } from "../../lib/engine/reach/graph";
import { resolveToPattern } from "../../lib/engine/terraform/tokens";
import { checkStacks } from "../../lib/check/run-check";
import type { Finding } from "../../lib/engine/findings";
import { gateRules } from "../constructs/helpers";
import { agentRole, policy, tf } from "../helpers/tf";

type Obj = Record<string, any>;

const GITLAB = "arn:aws:iam::111111111111:oidc-provider/gitlab.com";
const SUB = "project_path:acme/infra:ref_type:branch:ref:main";
const PIN = { StringEquals: { "gitlab.com:aud": "sts.amazonaws.com", "gitlab.com:sub": SUB } };

/** A full synth (validations run, `"//"` metadata kept, so acknowledgements are read): the JSON `blastwall check` reads. */
function fullSynth(build: (stack: TerraformStack) => void): Obj {
  const dir = mkdtempSync(join(tmpdir(), "blastwall-federated-"));
  try {
    const app = new App({ outdir: dir });
    const stack = new TerraformStack(app, "test");
    new AwsProvider(stack, "aws", { region: "eu-central-1" });
    build(stack);
    app.synth();
    return JSON.parse(readFileSync(join(dir, "stacks", "test", "cdk.tf.json"), "utf8"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function gate(json: Obj): readonly Finding[] {
  return checkStacks([buildStack(json, "cdk.tf.json")], { config: { acknowledgementsInCode: true }, rules: gateRules() }).findings; // boundaryExemptions are in-code acknowledgements
}

const lines = (fs: readonly Finding[]) => fs.map((f) => `${f.ruleId} [${f.severity}]${f.acknowledged ? " acknowledged" : ""} ${f.resource}: ${f.message}`);

/** Every edge label out of `from`, as `label -> target`. */
function edges(json: Obj, from: string): string[] {
  const stack = buildStack(json, "test.tf.json");
  return new ReachGraph(stack, buildAnalysis(stack, {})).edgesFrom(from).map((e) => `${e.label} -> ${e.to}`);
}

const cognitoEdges = (json: Obj, from = "aws_iam_role.agent") => edges(json, from).filter((e) => e.startsWith("cognito-identity:"));

/** The red-team's stack: a pipeline role trusting GitLab (by reference, or by literal ARN) with a destroy right, and an agent with broad reads. */
function pipelineStack(literal: boolean): Obj {
  return fullSynth((s) => {
    const gitlab = new IamOpenidConnectProvider(s, "GitLab", { url: "https://gitlab.com", clientIdList: ["sts.amazonaws.com"] });
    const pipeline = new IamRole(s, "Pipeline", {
      name: "terraform-apply",
      assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Federated: literal ? GITLAB : gitlab.arn }, Action: "sts:AssumeRoleWithWebIdentity", Condition: PIN }] }),
    });
    new IamRolePolicy(s, "PipelinePolicy", { role: pipeline.name, policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "ec2:DeleteVolume", Resource: "*" }] }) });
    new AgentRole(s, "Agent", { roleName: "claude", assumedBy: [AgentPrincipal.role("arn:aws:iam::111111111111:role/agent-runner")] }).grantReadOnly("ec2");
  });
}

describe("a Federated provider given by reference (red-team round 77, B1)", () => {
  test("the pipeline role trusting GitLab by reference is no identity pool role: the gate passes, as with the literal ARN", () => {
    const byReference = pipelineStack(false);
    expect(JSON.stringify(byReference.resource.aws_iam_role.Pipeline.assume_role_policy)).toContain("${aws_iam_openid_connect_provider.GitLab.arn}");
    const found = gate(byReference);
    expect(lines(found)).toEqual([]);
    expect(lines(gate(pipelineStack(true)))).toEqual(lines(found));
  });

  test("AgentRoles entered from GitLab through provider references, one with broad reads: no finding, warnings included", () => {
    const json = fullSynth((s) => {
      const gitlab = new IamOpenidConnectProvider(s, "GitLab", { url: "https://gitlab.com", clientIdList: ["sts.amazonaws.com"] });
      const deployer = new AgentRole(s, "Deployer", {
        roleName: "deployer",
        assumedBy: [AgentPrincipal.gitlabCi({ providerArn: gitlab.arn, project: "acme/platform/infra", branch: "main" })],
        boundaryExemptions: [{ action: "logs:PutSubscriptionFilter", reason: "ships audit log groups to the SIEM" }],
      });
      deployer.allow({ actions: ["logs:PutSubscriptionFilter"], resources: ["arn:aws:logs:eu-central-1:111111111111:log-group:/app/*"] });
      const corp = new IamOpenidConnectProvider(s, "Corp", { url: "https://gitlab.corp.example/gitlab", clientIdList: ["sts.amazonaws.com"] });
      new AgentRole(s, "CorpAgent", {
        roleName: "corp-deployer",
        assumedBy: [AgentPrincipal.gitlabCi({ providerArn: corp.arn, issuerHost: "gitlab.corp.example/gitlab", project: "acme/infra", tag: "v1.2.0" })],
      }).grantReadOnly("ec2");
    });
    const found = gate(json);
    expect(lines(found.filter((f) => !f.acknowledged))).toEqual([]);
    // The exemption is the deployer's own, acknowledged where it is granted; no other agent reaches it.
    expect(found.every((f) => f.principal === undefined || /Deployer/.test(f.principal))).toBe(true);
  });
});

describe("resolution of a reference to an identity provider", () => {
  const stack = (entries: Record<string, Obj>, extra: Obj = {}) => buildStack(tf(entries, extra), "test.tf.json");

  test("an OIDC provider's ARN holds its url without the scheme; a SAML provider's, its name; never exact", () => {
    const s = stack(
      {
        "aws_iam_openid_connect_provider.gitlab": { url: "https://gitlab.com/", client_id_list: ["sts.amazonaws.com"] },
        "aws_iam_openid_connect_provider.open": { url: "${var.url}", client_id_list: ["sts.amazonaws.com"] },
        "data.aws_iam_openid_connect_provider.byurl": { url: "https://token.actions.githubusercontent.com" },
        "data.aws_iam_openid_connect_provider.byarn": { arn: "arn:aws:iam::111111111111:oidc-provider/gitlab.example" },
        "aws_iam_saml_provider.corp": { name: "corp-idp", saml_metadata_document: "<xml/>" },
      },
      { variable: { url: { type: "string" } } },
    );
    expect(resolveToPattern(s, "${aws_iam_openid_connect_provider.gitlab.arn}")).toEqual({ pattern: "arn:aws:iam::*:oidc-provider/gitlab.com", unresolved: [], exact: false });
    expect(resolveToPattern(s, "${aws_iam_openid_connect_provider.gitlab.id}").pattern).toBe("arn:aws:iam::*:oidc-provider/gitlab.com");
    expect(resolveToPattern(s, "${aws_iam_openid_connect_provider.open.arn}").pattern).toBe("arn:aws:iam::*:oidc-provider/*");
    expect(resolveToPattern(s, "${data.aws_iam_openid_connect_provider.byurl.arn}").pattern).toBe("arn:aws:iam::*:oidc-provider/token.actions.githubusercontent.com");
    expect(resolveToPattern(s, "${data.aws_iam_openid_connect_provider.byarn.arn}").pattern).toBe("arn:aws:iam::111111111111:oidc-provider/gitlab.example");
    expect(resolveToPattern(s, "${aws_iam_saml_provider.corp.arn}").pattern).toBe("arn:aws:iam::*:saml-provider/corp-idp");
    // Targets blastwall cannot read stay open.
    expect(resolveToPattern(s, "${aws_iam_openid_connect_provider.missing.arn}").pattern).toBe("*");
    expect(resolveToPattern(s, "${var.url}").pattern).toBe("*");
  });
});

describe("the identity pool path: only Cognito's own name, or a provider blastwall cannot read", () => {
  /** A role with a destroy right trusting `federated` for web identities (no aud), and an agent with no right at all. */
  const open = (federated: string, entries: Record<string, Obj> = {}, extra: Obj = {}) =>
    tf(
      {
        ...entries,
        "aws_iam_role.agent": agentRole(),
        "aws_iam_role.target": { name: "target", assume_role_policy: policy({ Effect: "Allow", Principal: { Federated: federated }, Action: "sts:AssumeRoleWithWebIdentity" }) },
        "aws_iam_role_policy.target": { role: "${aws_iam_role.target.name}", policy: policy({ Effect: "Allow", Action: "ec2:DeleteVolume", Resource: "*" }) },
      },
      extra,
    );
  const gitlab = { "aws_iam_openid_connect_provider.gitlab": { url: "https://gitlab.com", client_id_list: ["sts.amazonaws.com"] } };
  const TO_TARGET = ["cognito-identity:GetOpenIdToken -> aws_iam_role.target"];

  test("cognito-identity.amazonaws.com written out, with no aud: any pool's identity, still an error", () => {
    const json = open("cognito-identity.amazonaws.com");
    expect(cognitoEdges(json)).toEqual(TO_TARGET);
    expect(gate(json).filter((f) => f.ruleId === "agent-transitive-destroy" && f.severity === "error").map((f) => f.resource)).toEqual(["aws_iam_role.target"]);
  });

  test("a provider given as a variable may be Cognito's: fail closed", () => {
    expect(cognitoEdges(open("${var.provider}", {}, { variable: { provider: { type: "string" } } }))).toEqual(TO_TARGET);
  });

  test("a reference to a provider outside the stack (no such resource) may be any: fail closed", () => {
    expect(cognitoEdges(open("${aws_iam_openid_connect_provider.elsewhere.arn}"))).toEqual(TO_TARGET);
  });

  test("a reference to the stack's OIDC provider is that provider, whether its url is known or not", () => {
    expect(cognitoEdges(open("${aws_iam_openid_connect_provider.gitlab.arn}", gitlab))).toEqual([]);
    expect(cognitoEdges(open("${data.aws_iam_openid_connect_provider.gitlab.arn}", { "data.aws_iam_openid_connect_provider.gitlab": { url: "https://gitlab.com" } }))).toEqual([]);
    const unknownUrl = { "aws_iam_openid_connect_provider.gitlab": { url: "${var.url}", client_id_list: ["sts.amazonaws.com"] } };
    expect(cognitoEdges(open("${aws_iam_openid_connect_provider.gitlab.arn}", unknownUrl, { variable: { url: { type: "string" } } }))).toEqual([]);
  });

  test("a reference to the stack's SAML provider is no identity pool either", () => {
    expect(cognitoEdges(open("${aws_iam_saml_provider.corp.arn}", { "aws_iam_saml_provider.corp": { name: "corp-idp", saml_metadata_document: "<xml/>" } }))).toEqual([]);
  });
});

describe("web identity edges between a reference and a literal provider", () => {
  const entry = (federated: string, condition: Obj) => ({
    "aws_iam_role.entry": { name: "deployer-entry", path: "/agent-entry/", tags: { "blastwall:agent": "true" }, assume_role_policy: policy({ Effect: "Allow", Principal: { Federated: federated }, Action: "sts:AssumeRoleWithWebIdentity", Condition: condition }) },
  });
  const admin = (federated: string, condition?: Obj) => ({
    "aws_iam_role.ci": { name: "ci", assume_role_policy: policy({ Effect: "Allow", Principal: { Federated: federated }, Action: "sts:AssumeRoleWithWebIdentity", ...(condition ? { Condition: condition } : {}) }) },
    "aws_iam_role_policy_attachment.ci": { role: "${aws_iam_role.ci.name}", policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess" },
  });
  const providers = {
    "aws_iam_openid_connect_provider.gitlab": { url: "https://gitlab.com", client_id_list: ["sts.amazonaws.com"] },
    "aws_iam_openid_connect_provider.corp": { url: "https://gitlab.corp.example", client_id_list: ["sts.amazonaws.com"] },
  };
  // IfExists pins no host: only the Federated principals say which issuer's token the job holds.
  const loose = (host: string) => ({ StringEqualsIfExists: { [`${host}:sub`]: SUB } });
  const webEdges = (json: Obj) => edges(json, "aws_iam_role.entry").filter((e) => e.startsWith("sts:AssumeRoleWithWebIdentity"));
  const webWhy = (json: Obj) => {
    const stack = buildStack(json, "test.tf.json");
    return new ReachGraph(stack, buildAnalysis(stack, {})).edgesFrom("aws_iam_role.entry").flatMap((e) => e.evidence.filter((x) => x.step === "web-identity").map((x) => x.detail));
  };

  test("a reference to the gitlab.com provider is the literal gitlab.com provider: the job's token is that issuer's", () => {
    const json = tf({ ...providers, ...entry("${aws_iam_openid_connect_provider.gitlab.arn}", loose("gitlab.com")), ...admin(GITLAB, loose("gitlab.com")) });
    expect(webEdges(json)).toEqual(["sts:AssumeRoleWithWebIdentity -> aws_iam_role.ci"]);
    const bothReferences = tf({ ...providers, ...entry("${aws_iam_openid_connect_provider.gitlab.arn}", loose("gitlab.com")), ...admin("${aws_iam_openid_connect_provider.gitlab.arn}") });
    expect(webWhy(bothReferences)).toEqual([expect.stringContaining("the job that holds the token of gitlab.com ")]);
  });

  test("a reference to another issuer's provider is not the literal gitlab.com provider", () => {
    const json = tf({ ...providers, ...entry("${aws_iam_openid_connect_provider.corp.arn}", loose("gitlab.corp.example")), ...admin(GITLAB) });
    expect(webEdges(json)).toEqual([]);
  });
});

describe("agent-trust-open reads the host from the resolved provider ARN", () => {
  const messages = (federated: string, entries: Record<string, Obj> = {}) =>
    gate(
      tf(
        { ...entries, "aws_iam_role.agent": agentRole({ assume_role_policy: policy({ Effect: "Allow", Principal: { Federated: federated }, Action: "sts:AssumeRoleWithWebIdentity", Condition: { StringEquals: { "gitlab.com:aud": "sts.amazonaws.com" } } }) }) },
        { variable: { account: { type: "string" } } },
      ),
    )
      .filter((f) => f.ruleId === "agent-trust-open")
      .map((f) => f.message);

  test("an ARN built around an unknown account: the provider as written, its host still known", () => {
    const [m, ...more] = messages("arn:aws:iam::${var.account}:oidc-provider/gitlab.com");
    expect(more).toEqual([]);
    expect(m).toContain("the OIDC provider arn:aws:iam::${var.account}:oidc-provider/gitlab.com: no condition pins its sub claim to one subject (no condition on gitlab.com:sub)");
  });

  test("a data source looked up by url: named by its address and host", () => {
    const [m, ...more] = messages("${data.aws_iam_openid_connect_provider.g.arn}", { "data.aws_iam_openid_connect_provider.g": { url: "https://gitlab.com" } });
    expect(more).toEqual([]);
    expect(m).toContain("the OIDC provider data.aws_iam_openid_connect_provider.g (gitlab.com): no condition pins its sub claim to one subject (no condition on gitlab.com:sub)");
  });
});

describe("rewriting a provider given by reference", () => {
  const stack = (url: string) =>
    tf({
      "aws_iam_openid_connect_provider.gitlab": { url, client_id_list: ["sts.amazonaws.com"] },
      "aws_iam_role.agent": agentRole(),
      "aws_iam_role_policy.agent": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: "iam:UpdateOpenIDConnectProviderThumbprint", Resource: "${aws_iam_openid_connect_provider.gitlab.arn}" }) },
      "aws_iam_role.ci": { name: "ci", assume_role_policy: policy({ Effect: "Allow", Principal: { Federated: "${aws_iam_openid_connect_provider.gitlab.arn}" }, Action: "sts:AssumeRoleWithWebIdentity", Condition: PIN }) },
    });

  test("reaches the roles trusting that provider; the stack makes it, so no role outside is counted (a trailing slash in the url too)", () => {
    for (const url of ["https://gitlab.com", "https://gitlab.com/"]) {
      expect(edges(stack(url), "aws_iam_role.agent").filter((e) => e.startsWith("iam:UpdateOpenIDConnectProviderThumbprint"))).toEqual(["iam:UpdateOpenIDConnectProviderThumbprint -> aws_iam_role.ci"]);
    }
  });
});
