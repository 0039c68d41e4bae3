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

  it("control: no path when the runner trusts another branch", () => {
    expect(targets(tf({ ...provider(), ...agent(), ...runnerFor("project_path:acme/infra:ref_type:branch:ref:main"), ...deploy(SUB) }))).toEqual([]);
  });

  it("control: no path when the role taking the token does not start the agent's sessions", () => {
    expect(targets(tf({ ...provider(), ...agent("arn:aws:iam::111111111111:role/elsewhere"), ...runnerFor(SUB), ...deploy(SUB) }))).toEqual([]);
  });
});
