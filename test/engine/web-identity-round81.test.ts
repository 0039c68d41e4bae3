/**
 * Red-team round 81 on web identity edges (edges-web-identity.ts): any web-identity role that may assume the agent
 * was taken for its runner (a release pipeline allowed sts:AssumeRole on role/agents/*, trusted through the account
 * root); an identity pool or an EKS identity provider config in another stack than the agent was never reached; a
 * runner's token crossed no stack boundary and was not used for an EKS login.
 */
import { buildStack } from "../../lib/engine/terraform/stack";
import { checkStacks } from "../../lib/check/run-check";
import type { Report } from "../../lib/report/types";
import { check, errors, policy, tf } from "../helpers/tf";

type Obj = Record<string, unknown>;
const REF = "${aws_iam_openid_connect_provider.gl.arn}";
const SUB = "project_path:acme/infra:ref_type:branch:ref:main";
const OTHER = "project_path:acme/infra:ref_type:branch:ref:dev";
const web = (sub = SUB): Obj => ({ Effect: "Allow", Principal: { Federated: REF }, Action: "sts:AssumeRoleWithWebIdentity", Condition: { StringEquals: { "gitlab.com:aud": "sts.amazonaws.com", "gitlab.com:sub": sub } } });
const provider = { "aws_iam_openid_connect_provider.gl": { url: "https://gitlab.com", client_id_list: ["sts.amazonaws.com"] } };
const admin = (name: string, trust: string): Record<string, Obj> => ({
  [`aws_iam_role.${name}`]: { name, assume_role_policy: trust },
  [`aws_iam_role_policy_attachment.${name}`]: { role: `\${aws_iam_role.${name}.name}`, policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess" },
});
/** The agent as AgentPrincipal.gitlabCi's entry role is: tagged, trusting the job's token. */
const entry = { ...provider, "aws_iam_role.entry": { name: "ci-agent-entry", path: "/agent-entry/", tags: { "blastwall:agent": "true" }, assume_role_policy: policy(web()) } };
/** An agent whose sessions a runner role starts: its trust names `principal`. */
const agent = (principal: unknown): Record<string, Obj> => ({
  "aws_iam_role.agent": { name: "agent", path: "/agents/", tags: { "blastwall:agent": "true" }, assume_role_policy: policy({ Effect: "Allow", Principal: { AWS: principal }, Action: ["sts:AssumeRole", "sts:SetSourceIdentity"], Condition: { StringLike: { "sts:SourceIdentity": "agent-*" } } }) },
});
const runner = (...extra: Obj[]): Record<string, Obj> => ({
  "aws_iam_role.runner": { name: "runner", assume_role_policy: policy(web()) },
  "aws_iam_role_policy.runner": { role: "${aws_iam_role.runner.name}", policy: policy({ Effect: "Allow", Action: "sts:AssumeRole", Resource: "arn:aws:iam::111111111111:role/agents/*" }, ...extra) },
});
const reached = (r: Report) => errors(r, "agent-transitive-destroy");
const targets = (json: Obj) => [...new Set(reached(check(json)).map((f) => f.resource))].sort();
const run = (...stacks: [string, Obj][]) => checkStacks(stacks.map(([name, json]) => buildStack(json, `cdktf.out/stacks/${name}/cdk.tf.json`, name)), { config: {} });
const crossed = (r: Report) => reached(r).map((f) => [f.principal.replace(/^outside:.*\//, "outside:"), f.resource]);

describe("#1: a runner is a role the agent's trust names", () => {
  const stack = (principal: unknown, ...extra: Obj[]) => tf({ ...provider, ...agent(principal), ...runner(...extra), ...admin("deploy", policy(web())) });

  test("the red-team's stack: a release role that may assume role/agents/*, the agent trusting the account root, gives no path", () => {
    expect(targets(stack("arn:aws:iam::111111111111:root"))).toEqual([]);
  });

  test("nor does `*` or a pattern that the runner's ARN matches", () => {
    expect(targets(stack("*"))).toEqual([]);
    expect(targets(stack("arn:aws:iam::111111111111:role/run*"))).toEqual([]);
  });

  test("controls: a runner the trust names by reference or by its ARN still lends its token", () => {
    expect(targets(stack("${aws_iam_role.runner.arn}"))).toEqual(["aws_iam_role.deploy"]);
    expect(targets(stack("arn:aws:iam::111111111111:role/runner"))).toEqual(["aws_iam_role.deploy"]);
  });

  test("a runner whose identity policy denies sts:AssumeRole on the agent unconditionally is no runner (#6)", () => {
    const deny = { Effect: "Deny", Action: "sts:AssumeRole", Resource: "${aws_iam_role.agent.arn}" };
    expect(targets(stack("${aws_iam_role.runner.arn}", deny))).toEqual([]);
    // A Deny with a condition may not apply.
    expect(targets(stack("${aws_iam_role.runner.arn}", { ...deny, Condition: { Bool: { "aws:MultiFactorAuthPresent": "false" } } }))).toEqual(["aws_iam_role.deploy"]);
  });
});

describe("#2: a Cognito identity pool of another stack than the agent", () => {
  const POOL_REF = "${aws_cognito_identity_pool.pool.id}";
  const pool = (sub = SUB): Record<string, Obj> => ({
      ...provider,
      "aws_cognito_identity_pool.pool": { identity_pool_name: "ci", allow_unauthenticated_identities: false, openid_connect_provider_arns: [REF] },
      ...admin("poolrole", policy({ Effect: "Allow", Principal: { Federated: "cognito-identity.amazonaws.com" }, Action: "sts:AssumeRoleWithWebIdentity", Condition: { StringEquals: { "cognito-identity.amazonaws.com:aud": POOL_REF }, "ForAnyValue:StringLike": { "cognito-identity.amazonaws.com:amr": "authenticated" } } })),
      "aws_cognito_identity_pool_roles_attachment.roles": {
        identity_pool_id: POOL_REF,
        roles: { authenticated: "${aws_iam_role.poolrole.arn}" },
        role_mapping: [{ identity_provider: "gitlab.com", type: "Rules", ambiguous_role_resolution: "Deny", mapping_rule: [{ claim: "sub", match_type: "Equals", role_arn: "${aws_iam_role.poolrole.arn}", value: sub }] }],
      },
    });

  test("hands its role to the agent's token holder", () => {
    const r = run(["agents", tf(entry)], ["pool", tf(pool())]);
    expect(crossed(r)).toEqual([["outside:ci-agent-entry", "aws_iam_role.poolrole"]]);
    expect(reached(r)[0].message).toContain("--cognito-identity:GetCredentialsForIdentity--> aws_iam_role.poolrole");
  });

  test("controls: a rule of another subject; the single stack as before", () => {
    expect(reached(run(["agents", tf(entry)], ["pool", tf(pool(OTHER))]))).toEqual([]);
    expect(targets(tf({ ...entry, ...pool() }))).toEqual(["aws_iam_role.poolrole"]);
  });
});

const cluster: Record<string, Obj> = {
  "aws_eks_cluster.c": { name: "prod", role_arn: "arn:aws:iam::111111111111:role/eks", vpc_config: { subnet_ids: ["subnet-1"] }, access_config: { authentication_mode: "API_AND_CONFIG_MAP" } },
  "aws_iam_role.node": { name: "node", assume_role_policy: policy({ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }) },
  "aws_iam_role_policy_attachment.node": { role: "${aws_iam_role.node.name}", policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess" },
  "aws_eks_node_group.ng": { cluster_name: "${aws_eks_cluster.c.name}", node_group_name: "ng", node_role_arn: "${aws_iam_role.node.arn}", subnet_ids: ["subnet-1"], scaling_config: { desired_size: 1, max_size: 1, min_size: 1 } },
  "aws_eks_identity_provider_config.gl": { cluster_name: "${aws_eks_cluster.c.name}", oidc: { client_id: "sts.amazonaws.com", identity_provider_config_name: "gitlab", issuer_url: "https://gitlab.com", username_claim: "sub", username_prefix: "gitlab:" } },
  "kubernetes_cluster_role_binding_v1.ci": {
    metadata: { name: "gitlab-ci" },
    role_ref: { api_group: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "cluster-admin" },
    subject: [{ kind: "User", name: `gitlab:${SUB}`, api_group: "rbac.authorization.k8s.io" }],
  },
};
const eks = (issuer = "https://gitlab.com"): Record<string, Obj> => ({ ...cluster, "aws_eks_identity_provider_config.gl": { ...cluster["aws_eks_identity_provider_config.gl"], oidc: { ...(cluster["aws_eks_identity_provider_config.gl"].oidc as Obj), issuer_url: issuer } } });

describe("#3: an EKS identity provider config of another stack than the agent", () => {
  test("logs the agent's token holder in, with no web identity role in that stack", () => {
    const r = run(["agents", tf(entry)], ["eks", tf(eks())]);
    expect(crossed(r)).toEqual([["outside:ci-agent-entry", "aws_iam_role.node"]]);
    expect(reached(r)[0].message).toContain("--EKS OIDC login--> aws_iam_role.node");
  });

  test("the stack is judged again for the token, so a third stack's role trusting the node role is reached through it", () => {
    const third = admin("boss", policy({ Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:role/node" }, Action: "sts:AssumeRole" }));
    const r = run(["agents", tf(entry)], ["eks", tf(eks())], ["c", tf(third)]);
    expect(reached(r).map((f) => f.resource)).toContain("aws_iam_role.boss");
  });

  test("controls: a config of another issuer; the single stack as before", () => {
    expect(reached(run(["agents", tf(entry)], ["eks", tf(eks("https://token.actions.githubusercontent.com"))]))).toEqual([]);
    expect(targets(tf({ ...entry, ...eks() }))).toEqual(["aws_iam_role.node"]);
  });
});

describe("#4, #5: a runner's token", () => {
  const agents = { ...provider, ...agent("${aws_iam_role.runner.arn}"), ...runner() };

  test("crosses to another stack with the agent", () => {
    const r = run(["agents", tf(agents)], ["deploy", tf({ ...provider, ...admin("deploy", policy(web())) })]);
    expect(crossed(r)).toEqual([["outside:agent", "aws_iam_role.deploy"]]);
    expect(reached(r)[0].evidence.find((e) => e.step === "web-identity")?.detail).toContain("which aws_iam_role.runner trusts");
  });

  test("control: a role of another stack trusting another subject is not reached; the single stack as before", () => {
    expect(reached(run(["agents", tf(agents)], ["deploy", tf({ ...provider, ...admin("deploy", policy(web(OTHER))) })]))).toEqual([]);
    expect(targets(tf({ ...agents, ...admin("deploy", policy(web())) }))).toEqual(["aws_iam_role.deploy"]);
  });

  test("logs in to an EKS cluster whose identity provider config takes it (#5)", () => {
    const [f, ...rest] = reached(check(tf({ ...agents, ...eks() })));
    expect(rest).toEqual([]);
    expect([f.principal, f.resource]).toEqual(["aws_iam_role.agent", "aws_iam_role.node"]);
    expect(f.message).toContain("--EKS OIDC login--> aws_iam_role.node");
  });

  test("control: not when the config is of another issuer", () => {
    expect(targets(tf({ ...agents, ...eks("https://token.actions.githubusercontent.com") }))).toEqual([]);
  });
});
