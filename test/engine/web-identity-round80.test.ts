/**
 * Red-team round 80 on web identity edges (edges-web-identity.ts): a GitLab job's agent reached an admin role through
 * a Cognito identity pool whose role mapping admits the job's own subject alone; a runner role that takes the job's
 * token and starts the agent's sessions gave the agent's holder the runner's token too; and a role requiring a source
 * identity was counted as reached with a token whose issuer never writes one.
 */
import { check, errors, policy, tf } from "../helpers/tf";
import type { Report } from "../../lib/report/types";

type Obj = Record<string, unknown>;
const REF = "${aws_iam_openid_connect_provider.gl.arn}";
const SUB = "project_path:acme/infra:ref_type:branch:ref:agent";
const web = (provider: string, condition?: Obj): Obj => ({ Effect: "Allow", Principal: { Federated: provider }, Action: "sts:AssumeRoleWithWebIdentity", ...(condition ? { Condition: condition } : {}) });
const provider = (url = "https://gitlab.com") => ({ "aws_iam_openid_connect_provider.gl": { url, client_id_list: ["sts.amazonaws.com"] } });
const entry = (...statements: Obj[]) => ({ "aws_iam_role.entry": { name: "deployer-entry", path: "/agent-entry/", assume_role_policy: policy(...statements), tags: { "blastwall:agent": "true" } } });
const admin = (name: string, ...statements: Obj[]) => ({
  [`aws_iam_role.${name}`]: { name, assume_role_policy: policy(...statements) },
  [`aws_iam_role_policy_attachment.${name}`]: { role: `\${aws_iam_role.${name}.name}`, policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess" },
});
const reached = (r: Report) => errors(r, "agent-transitive-destroy");
const targets = (json: Obj) => [...new Set(reached(check(json)).map((f) => f.resource))].sort();
const pinnedAgent = entry(web(REF, { StringEquals: { "gitlab.com:sub": SUB } }));

describe("a role whose trust requires a source identity, and a token whose issuer never writes one", () => {
  const deploy = (host: string, op = "StringLike") => admin("deploy", web(REF, { StringEquals: { [`${host}:aud`]: "deploy" }, [op]: { "sts:SourceIdentity": "deploy-*" } }));

  it("is not reached with a gitlab.com token", () => {
    expect(targets(tf({ ...provider(), ...pinnedAgent, ...deploy("gitlab.com") }))).toEqual([]);
  });

  it("is not reached with a GitHub Actions token (StringEquals)", () => {
    const agent = entry(web(REF, { StringEquals: { "token.actions.githubusercontent.com:sub": "repo:acme/infra:ref:refs/heads/agent" } }));
    expect(targets(tf({ ...provider("https://token.actions.githubusercontent.com"), ...agent, ...deploy("token.actions.githubusercontent.com", "StringEquals") }))).toEqual([]);
  });

  it("control: is reached with a token of an issuer that may write the claim", () => {
    const agent = entry(web(REF, { StringEquals: { "idp.example.com:sub": "agent" } }));
    expect(targets(tf({ ...provider("https://idp.example.com"), ...agent, ...deploy("idp.example.com") }))).toEqual(["aws_iam_role.deploy"]);
  });

  it("control: is reached when the condition is IfExists", () => {
    expect(targets(tf({ ...provider(), ...pinnedAgent, ...deploy("gitlab.com", "StringLikeIfExists") }))).toEqual(["aws_iam_role.deploy"]);
  });

  it("control: is reached without the condition", () => {
    expect(targets(tf({ ...provider(), ...pinnedAgent, ...admin("deploy", web(REF, { StringEquals: { "gitlab.com:aud": "deploy" } })) }))).toEqual(["aws_iam_role.deploy"]);
  });
});

describe("a role that takes a token and starts the agent's sessions gives the agent's holder its token", () => {
  const agent = (runner = "${aws_iam_role.runner.arn}") => ({
    "aws_iam_role.agent": { name: "agent", path: "/agents/", assume_role_policy: policy({ Effect: "Allow", Principal: { AWS: runner }, Action: ["sts:AssumeRole", "sts:SetSourceIdentity"], Condition: { StringLike: { "sts:SourceIdentity": "agent-*" } } }), tags: { "blastwall:agent": "true" } },
  });
  const runner = (trust: string) => ({ "aws_iam_role.runner": { name: "runner", assume_role_policy: trust } });
  const runnerFor = (sub: string) => runner(policy(web(REF, { StringEquals: { "gitlab.com:sub": sub } })));
  const deploy = (sub: string) => admin("deploy", web(REF, { StringLike: { "gitlab.com:sub": sub } }));

  it("reaches a role trusting the runner's subject", () => {
    expect(targets(tf({ ...provider(), ...agent(), ...runnerFor(SUB), ...deploy("project_path:acme/infra:*") }))).toEqual(["aws_iam_role.deploy"]);
  });

  it("fails closed on a runner whose trust cannot be read", () => {
    expect(targets(tf({ ...provider(), ...agent(), ...runner("${jsonencode(var.trust)}"), ...deploy(SUB) }, { variable: { trust: { type: "any" } } }))).toEqual(["aws_iam_role.deploy"]);
  });

  it("reports a runner that is an agent itself once, from the runner", () => {
    const tagged = { "aws_iam_role.runner": { name: "runner", assume_role_policy: policy(web(REF, { StringEquals: { "gitlab.com:sub": SUB } })), tags: { "blastwall:agent": "true" } } };
    const found = reached(check(tf({ ...provider(), ...agent(), ...tagged, ...deploy(SUB) })));
    expect(found.map((f) => [f.principal, f.resource])).toEqual([["aws_iam_role.runner", "aws_iam_role.deploy"]]);
  });

  it("control: no path when the runner trusts another branch", () => {
    expect(targets(tf({ ...provider(), ...agent(), ...runnerFor("project_path:acme/infra:ref_type:branch:ref:main"), ...deploy(SUB) }))).toEqual([]);
  });

  it("control: no path when the role taking the token does not start the agent's sessions", () => {
    expect(targets(tf({ ...provider(), ...agent("arn:aws:iam::111111111111:role/elsewhere"), ...runnerFor(SUB), ...deploy(SUB) }))).toEqual([]);
  });
});

describe("an identity pool that lists the agent's token issuer hands the holder the roles its mapping gives that token", () => {
  // A GitHub Enterprise's own issuer serves one organisation: the pool is not public whatever its mapping, so only the
  // token's own path reaches it (gitlab.com's pool is public unless every rule is an Equals on sub, with Deny).
  const ENT = "token.actions.githubusercontent.com/acme";
  const ENT_SUB = "repo:acme/infra:ref:refs/heads/agent";
  const POOL_REF = "${aws_cognito_identity_pool.pool.id}";
  const pool = { "aws_cognito_identity_pool.pool": { identity_pool_name: "ci", allow_unauthenticated_identities: false, openid_connect_provider_arns: [REF] } };
  const poolRole = admin("poolrole", { Effect: "Allow", Principal: { Federated: "cognito-identity.amazonaws.com" }, Action: "sts:AssumeRoleWithWebIdentity", Condition: { StringEquals: { "cognito-identity.amazonaws.com:aud": POOL_REF }, "ForAnyValue:StringLike": { "cognito-identity.amazonaws.com:amr": "authenticated" } } });
  const rules = (rule: Obj, resolution = "Deny", mapping: Obj = {}, issuer = "gitlab.com", sub = SUB) => ({
    "aws_cognito_identity_pool_roles_attachment.roles": {
      identity_pool_id: POOL_REF,
      roles: { authenticated: "${aws_iam_role.poolrole.arn}" },
      role_mapping: [{ identity_provider: issuer, type: "Rules", ambiguous_role_resolution: resolution, mapping_rule: [{ claim: "sub", match_type: "Equals", role_arn: "${aws_iam_role.poolrole.arn}", value: sub, ...rule }], ...mapping }],
    },
  });
  const stack = (attachment: Obj, agent: Obj = pinnedAgent) => tf({ ...provider(), ...agent, ...pool, ...poolRole, ...attachment });
  const entAgent = entry(web(REF, { StringEquals: { [`${ENT}:sub`]: ENT_SUB } }));
  const ent = (rule: Obj, resolution = "Deny", mapping: Obj = {}) => tf({ ...provider(`https://${ENT}`), ...entAgent, ...pool, ...poolRole, ...rules(rule, resolution, mapping, ENT, ENT_SUB) });

  it("reaches the role of a rule that is an Equals on the agent's own sub (gitlab.com)", () => {
    expect(targets(stack(rules({})))).toEqual(["aws_iam_role.poolrole"]);
  });

  it("reaches through a runner role that starts the agent's sessions", () => {
    const agent = { "aws_iam_role.agent": { name: "agent", assume_role_policy: policy({ Effect: "Allow", Principal: { AWS: "${aws_iam_role.runner.arn}" }, Action: "sts:AssumeRole" }), tags: { "blastwall:agent": "true" } }, "aws_iam_role.runner": { name: "runner", assume_role_policy: policy(web(REF, { StringEquals: { "gitlab.com:sub": SUB } })) } };
    expect(targets(stack(rules({}), agent))).toEqual(["aws_iam_role.poolrole"]);
  });

  it("control: no path when the rule is pinned to another subject (ref:main) and the resolution is Deny", () => {
    expect(targets(stack(rules({ value: "project_path:acme/infra:ref_type:branch:ref:main" })))).toEqual([]);
  });

  it("control: no path for a token of another issuer", () => {
    const agent = entry(web("${aws_iam_openid_connect_provider.gh.arn}", { StringEquals: { "token.actions.githubusercontent.com:sub": ENT_SUB } }));
    const gh = { "aws_iam_openid_connect_provider.gh": { url: "https://token.actions.githubusercontent.com", client_id_list: ["sts.amazonaws.com"] } };
    expect(targets(tf({ ...provider(), ...gh, ...agent, ...pool, ...poolRole, ...rules({ value: ENT_SUB }) }))).toEqual([]);
  });

  it.each([
    ["is an Equals on it", {}],
    ["StartsWith a prefix of it", { match_type: "StartsWith", value: "repo:acme/" }],
    ["Contains a part of it", { match_type: "Contains", value: "heads/agent" }],
    ["is a NotEqual on another sub", { match_type: "NotEqual", value: "repo:acme/infra:ref:refs/heads/main" }],
    ["is on another claim, which blastwall cannot relate to the sub", { claim: "repository", value: "acme/other" }],
  ])("reaches the role of a rule that %s (an issuer of one organisation)", (_n, rule) => {
    expect(targets(ent(rule))).toEqual(["aws_iam_role.poolrole"]);
  });

  it("reaches the authenticated role when no rule matches and ambiguous_role_resolution is AuthenticatedRole", () => {
    expect(targets(ent({ value: "repo:acme/infra:ref:refs/heads/main" }, "AuthenticatedRole"))).toEqual(["aws_iam_role.poolrole"]);
  });

  it("reaches every role trusting the pool through a Token mapping", () => {
    expect(targets(ent({ value: "repo:acme/infra:ref:refs/heads/main" }, "Deny", { type: "Token" }))).toEqual(["aws_iam_role.poolrole"]);
  });

  it.each([
    ["an Equals on another sub", { value: "repo:acme/infra:ref:refs/heads/main" }],
    ["a NotEqual on its own sub", { match_type: "NotEqual" }],
    ["a StartsWith another prefix", { match_type: "StartsWith", value: "repo:acme/other" }],
  ])("control: no path for a rule that is %s with Deny", (_n, rule) => {
    expect(targets(ent(rule))).toEqual([]);
  });
});
