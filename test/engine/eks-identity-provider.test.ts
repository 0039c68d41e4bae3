/**
 * Red-team round 80: a GitLab job's token logs in to an EKS cluster through an `aws_eks_identity_provider_config`
 * of gitlab.com, a ClusterRoleBinding makes that user cluster-admin, and a privileged pod takes the node role. The
 * config made the agent a member of the cluster, and nothing read it (edges-clusters.ts, `issuerEdges`).
 */
import { check, errors, policy, tf } from "../helpers/tf";

type Obj = Record<string, unknown>;
const SUB = "project_path:acme/infra:ref_type:branch:ref:agent";

/** The agent as AgentPrincipal.gitlabCi's entry role is: tagged, trusting the job's token (aud and sub pinned). */
const entry = (trust?: string): Record<string, Obj> => ({
  "aws_iam_openid_connect_provider.gitlab": { url: "https://gitlab.com", client_id_list: ["sts.amazonaws.com"] },
  "aws_iam_role.entry": {
    name: "ci-agent-entry",
    path: "/agent-entry/",
    tags: { "blastwall:agent": "true" },
    assume_role_policy:
      trust ??
      policy({
        Effect: "Allow",
        Principal: { Federated: "${aws_iam_openid_connect_provider.gitlab.arn}" },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: { StringEquals: { "gitlab.com:aud": "sts.amazonaws.com", "gitlab.com:sub": SUB } },
      }),
  },
});
const cluster: Record<string, Obj> = {
  "aws_eks_cluster.c": { name: "prod", role_arn: "arn:aws:iam::111111111111:role/eks", vpc_config: { subnet_ids: ["subnet-1"] }, access_config: { authentication_mode: "API_AND_CONFIG_MAP" } },
  "aws_iam_role.node": { name: "node", assume_role_policy: policy({ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }) },
  "aws_iam_role_policy_attachment.node": { role: "${aws_iam_role.node.name}", policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess" },
  "aws_eks_node_group.ng": { cluster_name: "${aws_eks_cluster.c.name}", node_group_name: "ng", node_role_arn: "${aws_iam_role.node.arn}", subnet_ids: ["subnet-1"], scaling_config: { desired_size: 1, max_size: 1, min_size: 1 } },
};
const oidc = (extra: Obj = {}): Obj => ({ client_id: "sts.amazonaws.com", identity_provider_config_name: "gitlab", issuer_url: "https://gitlab.com", username_claim: "sub", username_prefix: "gitlab:", ...extra });
const config = (body: Obj): Record<string, Obj> => ({ "aws_eks_identity_provider_config.gl": { cluster_name: "${aws_eks_cluster.c.name}", ...body } });
const binding: Record<string, Obj> = {
  "kubernetes_cluster_role_binding_v1.ci": {
    metadata: { name: "gitlab-ci" },
    role_ref: { api_group: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "cluster-admin" },
    subject: [{ kind: "User", name: `gitlab:${SUB}`, api_group: "rbac.authorization.k8s.io" }],
  },
};
const reached = (json: Obj) => errors(check(json), "agent-transitive-destroy");
const targets = (json: Obj) => reached(json).map((f) => f.resource);

describe("an EKS identity provider config of the agent's token issuer", () => {
  test("the red-team's stack: the job's GitLab token logs in and a pod takes the node role", () => {
    const [f, ...rest] = reached(tf({ ...entry(), ...cluster, ...config({ oidc: oidc() }), ...binding }));
    expect(rest).toEqual([]);
    expect(f.principal).toBe("aws_iam_role.entry");
    expect(f.resource).toBe("aws_iam_role.node");
    expect(f.message).toContain("aws_iam_role.entry --EKS OIDC login--> aws_iam_role.node");
    const step = f.evidence.find((e) => e.step === "hijack")!;
    expect(step.detail).toContain("aws_eks_identity_provider_config.gl lets the issuer gitlab.com log users in to the cluster");
    expect(step.detail).toContain(`the job that holds aws_iam_role.entry's token`);
    expect(step.detail).toContain(`StringEquals gitlab.com:sub ${SUB}`);
    expect(step.detail).toContain("can call the Kubernetes API with it as the user gitlab:<sub>");
    expect(step.detail).toContain("client_id is no barrier");
    expect(step.detail).toContain("aws_eks_node_group.ng");
    expect(step.detail).toContain("Remove aws_eks_identity_provider_config.gl, or require (required_claims) and bind only subjects no agent's token has");
  });

  test("an oidc block written as a list, with a trailing slash on the issuer, reads the same", () => {
    expect(targets(tf({ ...entry(), ...cluster, ...config({ oidc: [oidc({ issuer_url: "https://GitLab.com/" })] }) }))).toEqual(["aws_iam_role.node"]);
  });

  test("the controls: another issuer, no config, or an agent with no token of that issuer reach nothing", () => {
    expect(targets(tf({ ...entry(), ...cluster, ...config({ oidc: oidc({ issuer_url: "https://login.example.com" }) }), ...binding }))).toEqual([]);
    expect(targets(tf({ ...entry(), ...cluster, ...binding }))).toEqual([]);
    const github = policy({
      Effect: "Allow",
      Principal: { Federated: "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com" },
      Action: "sts:AssumeRoleWithWebIdentity",
      Condition: { StringEquals: { "token.actions.githubusercontent.com:sub": "repo:acme/infra:ref:refs/heads/main" } },
    });
    expect(targets(tf({ ...entry(github), ...cluster, ...config({ oidc: oidc() }), ...binding }))).toEqual([]);
  });

  test("a dynamic oidc block, or an issuer blastwall cannot read, may be the agent's issuer (fail closed)", () => {
    const dynamic = { dynamic: { oidc: { for_each: "${var.issuers}", content: { client_id: "sts.amazonaws.com", identity_provider_config_name: "x", issuer_url: "${oidc.value.url}" } } } };
    expect(targets(tf({ ...entry(), ...cluster, ...config(dynamic) }))).toEqual(["aws_iam_role.node"]);
    expect(targets(tf({ ...entry(), ...cluster, ...config({ dynamic: { oidc: { for_each: "${var.issuers}", content: "${var.body}" } } }) }))).toEqual(["aws_iam_role.node"]);
    expect(targets(tf({ ...entry(), ...cluster, ...config({ oidc: oidc({ issuer_url: "${var.issuer}" }) }) }, { variable: { issuer: { type: "string" } } }))).toEqual(["aws_iam_role.node"]);
    // An unreadable dynamic content beside a static block of another issuer, or no oidc block at all.
    const mixed = { oidc: oidc({ issuer_url: "https://login.example.com" }), dynamic: { oidc: { for_each: "${var.issuers}", content: "${var.body}" } } };
    expect(targets(tf({ ...entry(), ...cluster, ...config(mixed) }))).toEqual(["aws_iam_role.node"]);
    expect(targets(tf({ ...entry(), ...cluster, ...config({}) }))).toEqual(["aws_iam_role.node"]);
    // A dynamic block whose issuer is written out is read: another issuer is no path.
    const other = { dynamic: { oidc: { for_each: "${var.x}", content: oidc({ issuer_url: "https://login.example.com" }) } } };
    expect(targets(tf({ ...entry(), ...cluster, ...config(other) }))).toEqual([]);
  });

  test("required_claims: a sub the agent's trust pins elsewhere keeps its token out; its own sub, or one not read, does not", () => {
    expect(targets(tf({ ...entry(), ...cluster, ...config({ oidc: oidc({ required_claims: { sub: "project_path:acme/infra:ref_type:branch:ref:main" } }) }) }))).toEqual([]);
    expect(targets(tf({ ...entry(), ...cluster, ...config({ oidc: oidc({ required_claims: { sub: SUB } }) }) }))).toEqual(["aws_iam_role.node"]);
    expect(targets(tf({ ...entry(), ...cluster, ...config({ oidc: oidc({ required_claims: { sub: "${var.sub}" } }) }) }))).toEqual(["aws_iam_role.node"]);
  });

  test("a config naming a cluster outside the stack reaches that cluster's pods, which blastwall cannot see", () => {
    const json = tf({ ...entry(), "aws_eks_identity_provider_config.gl": { cluster_name: "elsewhere", oidc: oidc() } });
    expect(errors(check(json), "agent-reach-unknown").map((f) => f.principal)).toEqual(["aws_iam_role.entry"]);
  });
});
