/**
 * Red-team round 76, finding 1: an agent entered with a web identity token (a GitLab or GitHub job's OIDC token) is
 * run by the job that holds the token, and AssumeRoleWithWebIdentity needs no AWS permission: every other role whose
 * trust admits a token the job can get is reachable, past the entry role and every boundary (edges-web-identity.ts).
 */
import { buildStack } from "../../lib/engine/terraform/stack";
import { buildAnalysis } from "../../lib/engine/analyze";
import { ReachGraph } from "../../lib/engine/reach/graph";
import { check, errors, policy, tf } from "../helpers/tf";

type Obj = Record<string, unknown>;
const GITLAB = "arn:aws:iam::111111111111:oidc-provider/gitlab.com";
const GITHUB = "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com";
const EKS = "arn:aws:iam::111111111111:oidc-provider/oidc.eks.eu-central-1.amazonaws.com/id/ABC123";
const SUB = "project_path:acme/infra:ref_type:branch:ref:main";

const webTrust = (provider: string, condition?: Obj, extra: Obj[] = []) =>
  policy({ Effect: "Allow", Principal: { Federated: provider }, Action: "sts:AssumeRoleWithWebIdentity", ...(condition ? { Condition: condition } : {}) }, ...extra);

/** The agent as AgentPrincipal.gitlabCi's entry role is: tagged, trusting the job's token (aud and sub pinned). */
const entry = (trust = webTrust(GITLAB, { StringEquals: { "gitlab.com:aud": "sts.amazonaws.com", "gitlab.com:sub": SUB } })): Record<string, Obj> => ({
  "aws_iam_role.entry": { name: "deployer-entry", path: "/agent-entry/", assume_role_policy: trust, tags: { "blastwall:agent": "true" } },
});
const admin = (name: string, trust: string): Record<string, Obj> => ({
  [`aws_iam_role.${name}`]: { name, assume_role_policy: trust },
  [`aws_iam_role_policy_attachment.${name}`]: { role: `\${aws_iam_role.${name}.name}`, policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess" },
});
const reached = (json: Obj) => errors(check(json), "agent-transitive-destroy");
const targets = (json: Obj) => reached(json).map((f) => f.resource);
/**
 * The web-identity edges out of the agent, whatever path a finding shows: a trust whose provider is a reference to no
 * provider of the stack (read as any provider) or Cognito's is also an identity pool path (edges-assume.ts), which comes first.
 */
const webEdges = (json: Obj, from = "aws_iam_role.entry") =>
  new ReachGraph(buildStack(json, "test.tf.json"), buildAnalysis(buildStack(json, "test.tf.json"), {})).edgesFrom(from).filter((e) => e.evidence.some((x) => x.step === "web-identity")).map((e) => e.to);
const webStep = (json: Obj) => reached(json)[0]?.evidence.find((e) => e.step === "web-identity");

describe("a second role trusting the agent's token", () => {
  test("the same provider and exact sub: the job assumes it directly (the red-team's repro)", () => {
    const json = tf({ ...entry(), ...admin("ci", webTrust(GITLAB, { StringEquals: { "gitlab.com:aud": "sts.amazonaws.com", "gitlab.com:sub": SUB } })) });
    const [f] = reached(json);
    expect(f.principal).toBe("aws_iam_role.entry");
    expect(f.resource).toBe("aws_iam_role.ci");
    expect(f.message).toContain("aws_iam_role.entry --sts:AssumeRoleWithWebIdentity--> aws_iam_role.ci");
    const step = f.evidence.find((e) => e.step === "web-identity")!;
    expect(step.address).toBe("aws_iam_role.ci");
    expect(step.detail).toContain(`the job that holds the token of gitlab.com with StringEquals gitlab.com:sub ${SUB} (which aws_iam_role.entry trusts`);
    expect(step.detail).toContain("can call AssumeRoleWithWebIdentity on aws_iam_role.ci directly");
    expect(step.detail).toContain("no AWS permission is needed");
    expect(step.detail).toContain("Pin the trust of aws_iam_role.ci to a sub no agent's token has, or remove that statement");
  });

  test("only an aud condition: no barrier, the job names its token's audience", () => {
    const step = webStep(tf({ ...entry(), ...admin("ci", webTrust(GITLAB, { StringEquals: { "gitlab.com:aud": "sts.amazonaws.com" } })) }));
    expect(step?.address).toBe("aws_iam_role.ci");
    expect(step?.detail).toMatch(/with no condition on sub \(its aud condition is no barrier/);
  });

  test("an aud condition naming another audience than the agent's is no barrier either", () => {
    expect(targets(tf({ ...entry(), ...admin("ci", webTrust(GITLAB, { StringEquals: { "gitlab.com:aud": "https://other.example" } })) }))).toEqual(["aws_iam_role.ci"]);
  });

  test("no conditions at all", () => {
    expect(targets(tf({ ...entry(), ...admin("ci", webTrust(GITLAB)) }))).toEqual(["aws_iam_role.ci"]);
  });

  test("a StringLike sub pattern covering the agent's sub", () => {
    expect(targets(tf({ ...entry(), ...admin("ci", webTrust(GITLAB, { StringLike: { "gitlab.com:sub": "project_path:acme/*" } })) }))).toEqual(["aws_iam_role.ci"]);
  });

  test("GitHub Actions: the agent's repository and branch, a role trusting any ref of the repository", () => {
    const agent = entry(webTrust(GITHUB, { StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" }, StringLike: { "token.actions.githubusercontent.com:sub": "repo:acme/infra:ref:refs/heads/main" } }));
    const step = webStep(tf({ ...agent, ...admin("deploy", webTrust(GITHUB, { StringLike: { "token.actions.githubusercontent.com:sub": "repo:acme/infra:*" } })) }));
    expect(step?.address).toBe("aws_iam_role.deploy");
    expect(step?.detail).toContain("the token of token.actions.githubusercontent.com with StringLike token.actions.githubusercontent.com:sub repo:acme/infra:ref:refs/heads/main");
  });

  test("a chain: the second role has only sts:AssumeRole onward to an admin role", () => {
    const json = tf({
      ...entry(),
      "aws_iam_role.hop": { name: "hop", assume_role_policy: webTrust(GITLAB, { StringEquals: { "gitlab.com:sub": SUB } }) },
      "aws_iam_role_policy.hop": { role: "${aws_iam_role.hop.name}", policy: policy({ Effect: "Allow", Action: "sts:AssumeRole", Resource: "${aws_iam_role.admin.arn}" }) },
      ...admin("admin", policy({ Effect: "Allow", Principal: { AWS: "${aws_iam_role.hop.arn}" }, Action: "sts:AssumeRole" })),
    });
    const [f] = reached(json);
    expect(f.resource).toBe("aws_iam_role.admin");
    expect(f.evidence.filter((e) => e.step === "web-identity" || e.step === "assume-role").map((e) => `${e.step}:${e.address}`)).toEqual(["web-identity:aws_iam_role.hop", "assume-role:aws_iam_role.admin"]);
  });

  test("providers written as references to one aws_iam_openid_connect_provider: the claim keys say which issuer", () => {
    const ref = "${aws_iam_openid_connect_provider.gitlab.arn}";
    const json = tf({
      "aws_iam_openid_connect_provider.gitlab": { url: "https://gitlab.com", client_id_list: ["sts.amazonaws.com"] },
      ...entry(webTrust(ref, { StringEquals: { "gitlab.com:sub": SUB } })),
      ...admin("ci", webTrust(ref, { StringEquals: { "gitlab.com:sub": SUB } })),
      ...admin("other", webTrust(ref, { StringEquals: { "gitlab.com:sub": "project_path:acme/infra:ref_type:branch:ref:dev" } })),
      ...admin("github", webTrust("${aws_iam_openid_connect_provider.github.arn}", { StringLike: { "token.actions.githubusercontent.com:sub": "*" } })),
    });
    expect(webEdges(json)).toEqual(["aws_iam_role.ci"]);
  });

  test("a literal provider ARN and a reference that may be it", () => {
    const json = tf({ ...entry(), ...admin("ci", webTrust("${aws_iam_openid_connect_provider.gitlab.arn}", { StringEquals: { "gitlab.com:sub": SUB } })) });
    expect(webEdges(json)).toEqual(["aws_iam_role.ci"]);
  });

  test("the provider of another account: the same issuer's token", () => {
    expect(targets(tf({ ...entry(), ...admin("ci", webTrust("arn:aws:iam::999999999999:oidc-provider/gitlab.com", { StringEquals: { "gitlab.com:sub": SUB } })) }))).toEqual(["aws_iam_role.ci"]);
  });

  test("a sub value known only at apply time, or an IAM policy variable, may be the agent's", () => {
    const unknown = tf({ ...entry(), ...admin("ci", webTrust(GITLAB, { StringEquals: { "gitlab.com:sub": "${var.sub}" } })) }, { variable: { sub: {} } });
    expect(targets(unknown)).toEqual(["aws_iam_role.ci"]);
    const variable = tf({ ...entry(), ...admin("ci", webTrust(GITLAB, { StringLike: { "gitlab.com:sub": "$${gitlab.com:sub}" } })) });
    expect(targets(variable)).toEqual(["aws_iam_role.ci"]);
    // A variable with a default is that value.
    const pinned = tf({ ...entry(), ...admin("ci", webTrust(GITLAB, { StringEquals: { "gitlab.com:sub": "${var.sub}" } })) }, { variable: { sub: { default: "project_path:acme/infra:ref_type:branch:ref:dev" } } });
    expect(targets(pinned)).toEqual([]);
  });

  test("case: StringEquals compares by case, StringEqualsIgnoreCase does not", () => {
    const upper = SUB.replace("acme", "ACME");
    expect(targets(tf({ ...entry(), ...admin("ci", webTrust(GITLAB, { StringEquals: { "gitlab.com:sub": upper } })) }))).toEqual([]);
    expect(targets(tf({ ...entry(), ...admin("ci", webTrust(GITLAB, { StringEqualsIgnoreCase: { "gitlab.com:sub": upper } })) }))).toEqual(["aws_iam_role.ci"]);
  });

  test("a negated sub condition may be met, unless it lists the agent's sub", () => {
    expect(targets(tf({ ...entry(), ...admin("ci", webTrust(GITLAB, { StringNotEquals: { "gitlab.com:sub": "project_path:acme/infra:ref_type:branch:ref:dev" } })) }))).toEqual(["aws_iam_role.ci"]);
    expect(targets(tf({ ...entry(), ...admin("ci", webTrust(GITLAB, { StringNotEquals: { "gitlab.com:sub": SUB } })) }))).toEqual([]);
    expect(targets(tf({ ...entry(), ...admin("ci", webTrust(GITLAB, { StringNotLike: { "gitlab.com:sub": "project_path:acme/*" } })) }))).toEqual([]);
  });

  test("conditions blastwall does not read on the token may be met", () => {
    expect(targets(tf({ ...entry(), ...admin("ci", webTrust(GITLAB, { "ForAllValues:StringEquals": { "gitlab.com:sub": "nobody" }, Bool: { "aws:SecureTransport": "true" } })) }))).toEqual(["aws_iam_role.ci"]);
  });

  test("an agent whose trust pins no sub: any job of the issuer may be it, every role trusting the issuer is reached", () => {
    const json = tf({ ...entry(webTrust(GITLAB, { StringEquals: { "gitlab.com:aud": "sts.amazonaws.com" } })), ...admin("ci", webTrust(GITLAB, { StringEquals: { "gitlab.com:sub": "project_path:other/project:ref_type:branch:ref:main" } })) });
    expect(targets(json)).toEqual(["aws_iam_role.ci"]);
    expect(webStep(json)?.detail).toContain("with any sub (its trust pins none)");
  });

  test("an agent whose trust cannot be read, or admits all but some by NotPrincipal, may hold any token", () => {
    const unread = tf({ ...entry('${file("trust.json")}'), ...admin("ci", webTrust(GITLAB, { StringEquals: { "gitlab.com:sub": SUB } })) });
    expect(targets(unread)).toEqual(["aws_iam_role.ci"]);
    expect(webStep(unread)?.detail).toContain("with any sub (the statement cannot be read");
    const notPrincipal = entry(policy({ Effect: "Allow", NotPrincipal: { AWS: "arn:aws:iam::111111111111:root" }, Action: "sts:AssumeRoleWithWebIdentity" }));
    expect(webEdges(tf({ ...notPrincipal, ...admin("ci", webTrust(GITHUB, { StringLike: { "token.actions.githubusercontent.com:sub": "repo:acme/*" } })) }))).toEqual(["aws_iam_role.ci"]);
  });

  test("Google's built-in provider: by accounts.google.com:sub", () => {
    const agent = entry(webTrust("accounts.google.com", { StringEquals: { "accounts.google.com:sub": "1234567890" } }));
    expect(targets(tf({ ...agent, ...admin("ci", webTrust("accounts.google.com", { StringEquals: { "accounts.google.com:sub": "1234567890" } })) }))).toEqual(["aws_iam_role.ci"]);
    expect(targets(tf({ ...agent, ...admin("ci", webTrust("accounts.google.com", { StringEquals: { "accounts.google.com:sub": "999" } })) }))).toEqual([]);
    expect(targets(tf({ ...agent, ...admin("ci", webTrust(GITLAB)) }))).toEqual([]);
  });

  test("a Cognito identity's token names its identity pool in aud, which its holder cannot change", () => {
    const agent = entry(webTrust("cognito-identity.amazonaws.com", { StringEquals: { "cognito-identity.amazonaws.com:aud": "eu-central-1:pool-a" } }));
    expect(webEdges(tf({ ...agent, ...admin("ci", webTrust("cognito-identity.amazonaws.com", { StringEquals: { "cognito-identity.amazonaws.com:aud": "eu-central-1:pool-b" } })) }))).toEqual([]);
    expect(webEdges(tf({ ...agent, ...admin("ci", webTrust("cognito-identity.amazonaws.com", { StringEquals: { "cognito-identity.amazonaws.com:aud": "eu-central-1:pool-a" } })) }))).toEqual(["aws_iam_role.ci"]);
  });
});

describe("a Deny in the second role's trust", () => {
  const allow = { Effect: "Allow", Principal: { Federated: GITLAB }, Action: "sts:AssumeRoleWithWebIdentity" };
  test("a Deny that certainly refuses the agent's sub cuts the path", () => {
    expect(targets(tf({ ...entry(), ...admin("ci", policy(allow)) }))).toEqual(["aws_iam_role.ci"]);
    const json = tf({ ...entry(), ...admin("ci", policy(allow, { Effect: "Deny", Principal: "*", Action: "sts:AssumeRoleWithWebIdentity", Condition: { StringEquals: { "gitlab.com:sub": SUB } } })) });
    expect(targets(json)).toEqual([]);
    const other = tf({ ...entry(), ...admin("ci", policy(allow, { Effect: "Deny", Principal: { Federated: GITLAB }, Action: "sts:*", Condition: { StringNotLike: { "gitlab.com:sub": "project_path:ops/*" } } })) });
    expect(targets(other)).toEqual([]);
  });

  test("a Deny that may not apply (on aud, which the job chooses; on another sub; on an AWS principal) cuts nothing", () => {
    const deny = (d: Obj) => targets(tf({ ...entry(), ...admin("ci", policy(allow, { Effect: "Deny", Action: "sts:AssumeRoleWithWebIdentity", ...d })) }));
    expect(deny({ Principal: "*", Condition: { StringNotEquals: { "gitlab.com:aud": "sts.amazonaws.com" } } })).toEqual(["aws_iam_role.ci"]);
    expect(deny({ Principal: "*", Condition: { StringEquals: { "gitlab.com:sub": "project_path:acme/infra:ref_type:branch:ref:dev" } } })).toEqual(["aws_iam_role.ci"]);
    expect(deny({ Principal: { AWS: "*" } })).toEqual(["aws_iam_role.ci"]);
    expect(deny({ Principal: { Federated: "arn:aws:iam::999999999999:oidc-provider/gitlab.com" } })).toEqual(["aws_iam_role.ci"]);
  });
});

describe("the controls", () => {
  test("a second role pinned to another branch's sub", () => {
    expect(reached(tf({ ...entry(), ...admin("ci", webTrust(GITLAB, { StringEquals: { "gitlab.com:aud": "sts.amazonaws.com", "gitlab.com:sub": "project_path:acme/infra:ref_type:branch:ref:dev" } })) }))).toEqual([]);
  });

  test("a second role pinned by StringLike to other projects", () => {
    expect(reached(tf({ ...entry(), ...admin("ci", webTrust(GITLAB, { StringLike: { "gitlab.com:sub": "project_path:ops/*" } })) }))).toEqual([]);
  });

  test("a second role trusting another provider (GitHub, an EKS cluster's issuer) with no conditions", () => {
    expect(reached(tf({ ...entry(), ...admin("gh", webTrust(GITHUB)), ...admin("irsa", webTrust(EKS)) }))).toEqual([]);
  });

  test("a role trusting the agent's token without destroy rights is no finding", () => {
    const json = tf({ ...entry(), "aws_iam_role.reader": { name: "reader", assume_role_policy: webTrust(GITLAB, { StringEquals: { "gitlab.com:sub": SUB } }) } });
    expect(errors(check(json))).toEqual([]);
    expect(webEdges(json)).toEqual(["aws_iam_role.reader"]);
  });

  // The agent trusts another role than the one it assumes: a role that takes the token and may start the agent's
  // sessions does give its token (red-team round 80, web-identity-round80.test.ts).
  test("a role trusting the token reached by sts:AssumeRole gives no token: only the agent entered with one holds it", () => {
    const json = tf({
      "aws_iam_role.agent": { name: "agent", assume_role_policy: policy({ Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:role/launcher" }, Action: "sts:AssumeRole" }), tags: { "blastwall:agent": "true" } },
      "aws_iam_role_policy.agent": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: "sts:AssumeRole", Resource: "${aws_iam_role.runner.arn}" }) },
      "aws_iam_role.runner": {
        name: "runner",
        assume_role_policy: policy(
          { Effect: "Allow", Principal: { AWS: "${aws_iam_role.agent.arn}" }, Action: "sts:AssumeRole" },
          { Effect: "Allow", Principal: { Federated: GITLAB }, Action: "sts:AssumeRoleWithWebIdentity", Condition: { StringEquals: { "gitlab.com:sub": SUB } } },
        ),
      },
      ...admin("ci", webTrust(GITLAB, { StringEquals: { "gitlab.com:sub": SUB } })),
    });
    expect(reached(json)).toEqual([]);
  });
});
