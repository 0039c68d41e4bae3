/**
 * Kubernetes on EKS: administering a cluster (through IAM writes on its access entries, or an access entry the stack
 * gives) means running pods as its node role, its pod identity roles and its IRSA roles. Passing a role to a pod
 * identity association hands it to pods.
 */
import { agentRole, check, errors, policy, tf } from "../helpers/tf";

type Obj = Record<string, unknown>;
const trustOf = (principal: Obj, action = "sts:AssumeRole", extra: Obj = {}) => policy({ Effect: "Allow", Principal: principal, Action: action, ...extra });
const agentCan = (action: string | string[], resource: string, more: Obj[] = []) => ({
  "aws_iam_role.agent": agentRole(),
  "aws_iam_role_policy.agent": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: action, Resource: resource }, ...more) },
});
const strongRole = (name: string, principal: Obj, action?: string, extra?: Obj) => ({
  [`aws_iam_role.${name}`]: { name, assume_role_policy: trustOf(principal, action, extra) },
  [`aws_iam_role_policy_attachment.${name}`]: { role: `\${aws_iam_role.${name}.name}`, policy_arn: "arn:aws:iam::aws:policy/AmazonEC2FullAccess" },
});
const cluster = (extra: Obj = {}) => ({
  "aws_iam_role.cluster": { name: "cluster", assume_role_policy: trustOf({ Service: "eks.amazonaws.com" }) },
  "aws_eks_cluster.main": { name: "main", role_arn: "${aws_iam_role.cluster.arn}", vpc_config: { subnet_ids: ["subnet-1"] }, ...extra },
});
const nodeGroup = {
  ...strongRole("nodes", { Service: "ec2.amazonaws.com" }),
  "aws_eks_node_group.ng": { cluster_name: "${aws_eks_cluster.main.name}", node_role_arn: "${aws_iam_role.nodes.arn}", subnet_ids: ["subnet-1"], scaling_config: { desired_size: 1, max_size: 1, min_size: 1 } },
};
const entry = (policyArn: string | undefined, entryExtra: Obj = {}, principal = "${aws_iam_role.agent.arn}") => ({
  "aws_eks_access_entry.agent": { cluster_name: "${aws_eks_cluster.main.name}", principal_arn: principal, ...entryExtra },
  ...(policyArn
    ? {
        "aws_eks_access_policy_association.agent": {
          cluster_name: "${aws_eks_cluster.main.name}",
          principal_arn: "${aws_eks_access_entry.agent.principal_arn}",
          policy_arn: policyArn,
          access_scope: { type: "cluster" },
        },
      }
    : {}),
});
const ADMIN = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy";
const VIEW = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy";
const reached = (json: Obj) => errors(check(json), "agent-transitive-destroy").map((f) => f.resource);
const unknown = (json: Obj) => errors(check(json), "agent-reach-unknown");

describe("IAM writes on a cluster's access entries", () => {
  test("eks:CreateAccessEntry on the cluster reaches its node role", () => {
    const [f] = errors(check(tf({ ...agentCan("eks:CreateAccessEntry", "${aws_eks_cluster.main.arn}"), ...cluster(), ...nodeGroup })), "agent-transitive-destroy");
    expect(f.resource).toBe("aws_iam_role.nodes");
    expect(f.message).toContain("--eks:CreateAccessEntry--> aws_iam_role.nodes");
    expect(f.evidence.map((e) => e.detail).join("\n")).toMatch(/administrator of aws_eks_cluster\.main.*node group aws_eks_node_group\.ng/);
  });

  test("eks:AssociateAccessPolicy on the cluster's access entries (their ARN holds the cluster name)", () => {
    expect(reached(tf({ ...agentCan("eks:AssociateAccessPolicy", "arn:aws:eks:eu-west-1:111111111111:access-entry/main/*"), ...cluster(), ...nodeGroup }))).toEqual(["aws_iam_role.nodes"]);
  });

  test("the control: an access-entry write on another cluster's entries does not reach this one's nodes", () => {
    const json = tf({ ...agentCan("eks:AssociateAccessPolicy", "arn:aws:eks:eu-west-1:111111111111:access-entry/other/*"), ...cluster(), ...nodeGroup });
    expect(reached(json)).toEqual([]);
    // ...but that other cluster is not in the stack: its pods may run as any role.
    expect(unknown(json)).toHaveLength(1);
  });

  test("the control: reading clusters is no path", () => {
    const json = tf({ ...agentCan(["eks:DescribeCluster", "eks:ListClusters", "eks:ListAccessEntries"], "*"), ...cluster(), ...nodeGroup });
    expect(reached(json)).toEqual([]);
    expect(unknown(json)).toEqual([]);
  });

  test("on every cluster (eks:* on *): clusters outside the stack count as every right", () => {
    const [f] = unknown(tf({ ...agentCan("eks:*", "*"), ...cluster(), ...nodeGroup }));
    expect(f.message).toMatch(/EKS clusters matching \*/);
  });

  test("a cluster without nodes in the stack: its nodes run as roles blastwall cannot see", () => {
    const [f] = unknown(tf({ ...agentCan("eks:CreateAccessEntry", "${aws_eks_cluster.main.arn}"), ...cluster() }));
    expect(f.message).toContain("the nodes of aws_eks_cluster.main");
  });

  test("Auto Mode nodes run as the cluster's compute_config node role", () => {
    const json = tf({
      ...agentCan("eks:CreateAccessEntry", "${aws_eks_cluster.main.arn}"),
      ...strongRole("auto", { Service: "ec2.amazonaws.com" }),
      ...cluster({ compute_config: { enabled: true, node_pools: ["general-purpose"], node_role_arn: "${aws_iam_role.auto.arn}" } }),
    });
    expect(reached(json)).toEqual(["aws_iam_role.auto"]);
    expect(unknown(json)).toEqual([]);
  });

  test("pod identity associations hand their role to the cluster's pods", () => {
    const json = tf({
      ...agentCan("eks:CreateAccessEntry", "${aws_eks_cluster.main.arn}"),
      ...cluster(),
      "aws_eks_fargate_profile.fp": { cluster_name: "${aws_eks_cluster.main.name}", fargate_profile_name: "fp", pod_execution_role_arn: "${aws_iam_role.cluster.arn}", subnet_ids: ["subnet-1"], selector: [{ namespace: "app" }] },
      ...strongRole("app", { Service: "pods.eks.amazonaws.com" }, "sts:AssumeRole"),
      "aws_eks_pod_identity_association.app": { cluster_name: "${aws_eks_cluster.main.name}", namespace: "app", service_account: "app", role_arn: "${aws_iam_role.app.arn}" },
    });
    expect(reached(json)).toEqual(["aws_iam_role.app"]);
  });

  test("IRSA roles trusting an EKS OIDC issuer are the administrator's; a GitHub OIDC role is not", () => {
    const json = tf({
      ...agentCan("eks:CreateAccessEntry", "${aws_eks_cluster.main.arn}"),
      ...cluster(),
      "aws_eks_fargate_profile.fp": { cluster_name: "${aws_eks_cluster.main.name}", fargate_profile_name: "fp", pod_execution_role_arn: "${aws_iam_role.cluster.arn}", subnet_ids: ["subnet-1"], selector: [{ namespace: "app" }] },
      "aws_iam_openid_connect_provider.eks": { url: "${aws_eks_cluster.main.identity[0].oidc[0].issuer}", client_id_list: ["sts.amazonaws.com"] },
      ...strongRole("irsa", { Federated: "${aws_iam_openid_connect_provider.eks.arn}" }, "sts:AssumeRoleWithWebIdentity", { Condition: { StringEquals: { "oidc:sub": "system:serviceaccount:app:app" } } }),
      ...strongRole("github", { Federated: "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com" }, "sts:AssumeRoleWithWebIdentity"),
    });
    expect(reached(json)).toEqual(["aws_iam_role.irsa"]);
  });
});

describe("access entries the stack gives", () => {
  test("an entry with the cluster-admin access policy reaches the node role with no IAM right at all", () => {
    const json = tf({ ...agentCan("eks:DescribeCluster", "${aws_eks_cluster.main.arn}"), ...cluster(), ...nodeGroup, ...entry(ADMIN) });
    const [f] = errors(check(json), "agent-transitive-destroy");
    expect(f.resource).toBe("aws_iam_role.nodes");
    expect(f.message).toContain("--EKS access--> aws_iam_role.nodes");
    expect(f.evidence.map((e) => e.detail).join("\n")).toContain("aws_eks_access_policy_association.agent administers aws_eks_cluster.main");
  });

  test("the control: the view-only access policy runs no pods", () => {
    expect(reached(tf({ ...agentCan("eks:DescribeCluster", "${aws_eks_cluster.main.arn}"), ...cluster(), ...nodeGroup, ...entry(VIEW) }))).toEqual([]);
  });

  test("an entry with Kubernetes groups counts: the cluster's RBAC is not in Terraform", () => {
    const json = tf({ ...agentCan("eks:DescribeCluster", "${aws_eks_cluster.main.arn}"), ...cluster(), ...nodeGroup, ...entry(undefined, { kubernetes_groups: ["deployers"] }) });
    const [f] = errors(check(json), "agent-transitive-destroy");
    expect(f.evidence.map((e) => e.detail).join("\n")).toContain('Kubernetes groups ["deployers"]');
  });

  test("the control: an entry without groups or policy gives nothing", () => {
    expect(reached(tf({ ...agentCan("eks:DescribeCluster", "${aws_eks_cluster.main.arn}"), ...cluster(), ...nodeGroup, ...entry(undefined) }))).toEqual([]);
  });

  test("the control: an entry for another principal is not the agent's", () => {
    const json = tf({
      ...agentCan("eks:DescribeCluster", "${aws_eks_cluster.main.arn}"),
      ...cluster(),
      ...nodeGroup,
      "aws_iam_role.ops": { name: "ops", assume_role_policy: trustOf({ AWS: "arn:aws:iam::111111111111:role/runner" }) },
      ...entry(ADMIN, {}, "${aws_iam_role.ops.arn}"),
    });
    expect(reached(json)).toEqual([]);
  });

  test("an entry by literal ARN names the agent too", () => {
    expect(reached(tf({ ...agentCan("eks:DescribeCluster", "*"), ...cluster(), ...nodeGroup, ...entry(ADMIN, {}, "arn:aws:iam::111111111111:role/agents/agent") }))).toEqual(["aws_iam_role.nodes"]);
  });

  test("an entry on a cluster outside the stack: its pods may run as any role", () => {
    const json = tf({
      ...agentCan("eks:DescribeCluster", "*"),
      "aws_eks_access_entry.agent": { cluster_name: "prod", principal_arn: "${aws_iam_role.agent.arn}", kubernetes_groups: ["admins"] },
    });
    const [f] = unknown(json);
    expect(f.message).toContain("the EKS cluster prod");
  });
});

describe("pod identity: passing a role to a service account", () => {
  const podRole = strongRole("pod", { Service: "pods.eks.amazonaws.com" }, "sts:AssumeRole");
  test("iam:PassRole + eks:CreatePodIdentityAssociation", () => {
    const json = tf({ ...agentCan("eks:CreatePodIdentityAssociation", "*", [{ Effect: "Allow", Action: "iam:PassRole", Resource: "${aws_iam_role.pod.arn}" }]), ...podRole });
    expect(reached(json)).toEqual(["aws_iam_role.pod"]);
  });

  test("the control: PassRole alone starts nothing", () => {
    const json = tf({ ...agentCan("iam:PassRole", "${aws_iam_role.pod.arn}"), ...podRole });
    expect(reached(json)).toEqual([]);
  });
});

describe("EKS (red-team round 14)", () => {
  const weakNodes = {
    "aws_iam_role.nodes": { name: "nodes", assume_role_policy: trustOf({ Service: "ec2.amazonaws.com" }) },
    "aws_eks_node_group.ng": { cluster_name: "${aws_eks_cluster.main.name}", node_role_arn: "${aws_iam_role.nodes.arn}", subnet_ids: ["subnet-1"], scaling_config: { desired_size: 1, max_size: 1, min_size: 1 } },
  };

  test("nodes given an EC2_LINUX access entry (self-managed, Karpenter) run as that role, beside a managed node group", () => {
    const json = tf({
      ...agentCan("eks:CreateAccessEntry", "${aws_eks_cluster.main.arn}"),
      ...cluster(),
      ...weakNodes,
      ...strongRole("selfnodes", { Service: "ec2.amazonaws.com" }),
      "aws_eks_access_entry.selfnodes": { cluster_name: "${aws_eks_cluster.main.name}", principal_arn: "${aws_iam_role.selfnodes.arn}", type: "EC2_LINUX" },
    });
    expect(reached(json)).toEqual(["aws_iam_role.selfnodes"]);
  });

  test("an access entry naming the agent through a data source lookup is the agent's", () => {
    const json = tf({
      ...agentCan("eks:DescribeCluster", "${aws_eks_cluster.main.arn}"),
      ...cluster(),
      ...nodeGroup,
      "data.aws_iam_role.me": { name: "agent" },
      ...entry(ADMIN, {}, "${data.aws_iam_role.me.arn}"),
    });
    expect(reached(json)).toEqual(["aws_iam_role.nodes"]);
  });

  test("the control: a data source lookup of another role is not the agent", () => {
    const json = tf({ ...agentCan("eks:DescribeCluster", "${aws_eks_cluster.main.arn}"), ...cluster(), ...nodeGroup, "data.aws_iam_role.ops": { name: "ops" }, ...entry(ADMIN, {}, "${data.aws_iam_role.ops.arn}") });
    expect(reached(json)).toEqual([]);
  });

  test("iam:PassRole + eks:CreateNodegroup: a new node group runs as the passed role", () => {
    const json = tf({ ...agentCan("eks:CreateNodegroup", "*", [{ Effect: "Allow", Action: "iam:PassRole", Resource: "${aws_iam_role.strong.arn}" }]), ...strongRole("strong", { Service: "ec2.amazonaws.com" }) });
    expect(reached(json)).toEqual(["aws_iam_role.strong"]);
  });

  test("the access entries of the stack's own cluster, by ARN pattern, are not a cluster outside the stack", () => {
    const json = tf({ ...agentCan("eks:AssociateAccessPolicy", "arn:aws:eks:*:*:access-entry/main/*"), ...cluster(), ...weakNodes });
    expect(unknown(json)).toEqual([]);
    expect(reached(json)).toEqual([]);
  });
});

describe("the aws-auth ConfigMap (red-team round 14)", () => {
  const weakNodes = {
    "aws_iam_role.nodes": { name: "nodes", assume_role_policy: trustOf({ Service: "ec2.amazonaws.com" }) },
    "aws_eks_node_group.ng": { cluster_name: "${aws_eks_cluster.main.name}", node_role_arn: "${aws_iam_role.nodes.arn}", subnet_ids: ["subnet-1"], scaling_config: { desired_size: 1, max_size: 1, min_size: 1 } },
  };
  const awsAuth = (mapRoles: unknown) => ({
    "kubernetes_config_map_v1_data.aws_auth": { metadata: [{ name: "aws-auth", namespace: "kube-system" }], data: { mapRoles }, force: true },
  });
  const base = { ...agentCan("eks:DescribeCluster", "${aws_eks_cluster.main.arn}"), ...cluster(), ...weakNodes, ...strongRole("selfnodes", { Service: "ec2.amazonaws.com" }) };
  const nodesEntry = "- rolearn: ${aws_iam_role.selfnodes.arn}\n  username: system:node:{{EC2PrivateDNSName}}\n  groups:\n    - system:bootstrappers\n    - system:nodes\n";

  test("mapping the agent to system:masters makes it administer the cluster, and the mapped node roles are the nodes'", () => {
    const json = tf({ ...base, ...awsAuth(`- rolearn: \${aws_iam_role.agent.arn}\n  username: agent\n  groups:\n    - system:masters\n${nodesEntry}`) });
    const [f] = errors(check(json), "agent-transitive-destroy");
    expect(f.resource).toBe("aws_iam_role.selfnodes");
    expect(f.evidence.map((e) => e.detail).join("\n")).toContain("kubernetes_config_map_v1_data.aws_auth administers aws_eks_cluster.main for it: it maps ${aws_iam_role.agent.arn} to the Kubernetes groups system:masters");
  });

  test("the controls: another role mapped, or the agent not mapped, gives the agent nothing", () => {
    const ops = { "aws_iam_role.ops": { name: "ops", assume_role_policy: trustOf({ AWS: "arn:aws:iam::111111111111:role/runner" }) } };
    expect(reached(tf({ ...base, ...ops, ...awsAuth(`- rolearn: \${aws_iam_role.ops.arn}\n  groups:\n    - system:masters\n${nodesEntry}`) }))).toEqual([]);
    expect(reached(tf({ ...base, ...awsAuth(nodesEntry) }))).toEqual([]);
  });

  test("a literal ARN of the agent counts; one the stack cannot read may be anyone's", () => {
    expect(reached(tf({ ...base, ...awsAuth(`- rolearn: arn:aws:iam::111111111111:role/agents/agent\n  groups: [ "system:masters" ]\n${nodesEntry}`) }))).toEqual(["aws_iam_role.selfnodes"]);
    // Unreadable, it may map the agent to any group and any role as nodes: the nodes' roles are unknown.
    const [u] = unknown(tf({ ...base, ...awsAuth("${yamlencode(var.map_roles)}") }));
    expect(u.message).toContain("the nodes of aws_eks_cluster.main");
  });
});

describe("the aws-auth ConfigMap, however it is written (red-team round 15)", () => {
  const weakNodes = {
    "aws_iam_role.nodes": { name: "nodes", assume_role_policy: trustOf({ Service: "ec2.amazonaws.com" }) },
    "aws_eks_node_group.ng": { cluster_name: "${aws_eks_cluster.main.name}", node_role_arn: "${aws_iam_role.nodes.arn}", subnet_ids: ["subnet-1"], scaling_config: { desired_size: 1, max_size: 1, min_size: 1 } },
  };
  const base = { ...agentCan("eks:DescribeCluster", "${aws_eks_cluster.main.arn}"), ...cluster(), ...weakNodes, ...strongRole("selfnodes", { Service: "ec2.amazonaws.com" }) };
  const data = (d: Obj, name: unknown = "aws-auth") => ({ "kubernetes_config_map_v1_data.aws_auth": { metadata: [{ name, namespace: "kube-system" }], data: d, force: true } });
  const yaml = (entries: Obj[]) => `\${yamlencode(${JSON.stringify(entries).replace(/"(\w+)":/g, "$1 = ")})}`;

  test("yamlencode of a literal list is read: a node-only mapping gives the agent nothing", () => {
    const nodesOnly = yaml([{ rolearn: "${aws_iam_role.selfnodes.arn}", username: "system:node:{{EC2PrivateDNSName}}", groups: ["system:bootstrappers", "system:nodes"] }]);
    const json = tf({ ...base, ...data({ mapRoles: nodesOnly }) });
    expect(reached(json)).toEqual([]);
    expect(unknown(json)).toEqual([]);
  });

  test("yamlencode mapping the agent to system:masters is read too", () => {
    const json = tf({ ...base, ...data({ mapRoles: yaml([{ rolearn: "${aws_iam_role.agent.arn}", username: "agent", groups: ["system:masters"] }, { rolearn: "${aws_iam_role.selfnodes.arn}", groups: ["system:bootstrappers", "system:nodes"] }]) }) });
    expect(reached(json)).toEqual(["aws_iam_role.selfnodes"]);
  });

  test("the agent mapped as a node counts: a node reads the secrets of its pods", () => {
    const json = tf({ ...base, ...data({ mapRoles: "- rolearn: ${aws_iam_role.agent.arn}\n  groups:\n    - system:bootstrappers\n    - system:nodes\n- rolearn: ${aws_iam_role.selfnodes.arn}\n  groups:\n    - system:nodes\n" }) });
    expect(reached(json)).toEqual(["aws_iam_role.selfnodes"]);
  });

  test.each([
    ["a name from a local", data({ mapRoles: "- rolearn: ${aws_iam_role.agent.arn}\n  groups:\n    - system:masters\n- rolearn: ${aws_iam_role.selfnodes.arn}\n  groups:\n    - system:nodes\n" }, "${local.cm}"), { locals: { cm: "aws-auth" } }],
    ["a name blastwall cannot read (it may be aws-auth)", data({ mapRoles: "- rolearn: ${aws_iam_role.agent.arn}\n  groups:\n    - system:masters\n- rolearn: ${aws_iam_role.selfnodes.arn}\n  groups:\n    - system:nodes\n" }, "${var.cm}"), {}],
    ["mapAccounts", data({ mapAccounts: "- \"111111111111\"\n" }), {}],
    ["a kubernetes_manifest", { "kubernetes_manifest.aws_auth": { manifest: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "aws-auth", namespace: "kube-system" }, data: { mapRoles: "${var.roles}" } } } }, {}],
    ["a ConfigMap manifest whose name blastwall cannot read", { "kubernetes_manifest.cm": { manifest: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "${var.cm}", namespace: "kube-system" }, data: { mapRoles: "x" } } } }, {}],
    ["a kubectl manifest from a variable", { "kubectl_manifest.cm": { yaml_body: "${var.body}" } }, {}],
    ["a kubectl ConfigMap with a label 'name' besides its computed name (red-team round 18)", { "kubectl_manifest.cm": { yaml_body: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${var.cm}\n  namespace: kube-system\n  labels:\n    name: iam-mapping\n" } }, {}],
    ["a kubectl ConfigMap put into kube-system by override_namespace", { "kubectl_manifest.cm": { override_namespace: "kube-system", yaml_body: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${var.cm}\n  namespace: default\n" } }, {}],
    ["several documents in one body", { "kubectl_manifest.cm": { yaml_body: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${var.cm}\n  namespace: kube-system\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: tools\n" } }, {}],
  ])("%s is not skipped", (_what, extra, root) => {
    const json = tf({ ...base, ...(extra as Record<string, Obj>) }, root as Obj);
    expect(errors(check(json)).filter((f) => f.ruleId === "agent-transitive-destroy" || f.ruleId === "agent-reach-unknown").length).toBeGreaterThan(0);
  });
});

test("the control: a Deployment manifest with expressions in it writes no aws-auth", () => {
  const json = tf({
    ...agentCan("eks:DescribeCluster", "${aws_eks_cluster.main.arn}"),
    ...cluster(),
    "aws_iam_role.nodes": { name: "nodes", assume_role_policy: trustOf({ Service: "ec2.amazonaws.com" }) },
    "aws_eks_node_group.ng": { cluster_name: "${aws_eks_cluster.main.name}", node_role_arn: "${aws_iam_role.nodes.arn}", subnet_ids: ["subnet-1"], scaling_config: { desired_size: 1, max_size: 1, min_size: 1 } },
    "kubernetes_manifest.app": { manifest: { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "${var.app}", namespace: "default" } } },
  });
  expect(unknown(json)).toEqual([]);
});

test("the controls: a ConfigMap manifest with another written name, or a Deployment with its kind quoted, writes no aws-auth (red-team round 17)", () => {
  const json = (extra: Record<string, Obj>) =>
    tf({
      ...agentCan("eks:DescribeCluster", "${aws_eks_cluster.main.arn}"),
      ...cluster(),
      "aws_iam_role.nodes": { name: "nodes", assume_role_policy: trustOf({ Service: "ec2.amazonaws.com" }) },
      "aws_eks_node_group.ng": { cluster_name: "${aws_eks_cluster.main.name}", node_role_arn: "${aws_iam_role.nodes.arn}", subnet_ids: ["subnet-1"], scaling_config: { desired_size: 1, max_size: 1, min_size: 1 } },
      ...extra,
    });
  expect(unknown(json({ "kubernetes_manifest.app": { manifest: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "app-config", namespace: "default" }, data: { endpoint: "${aws_eks_cluster.main.endpoint}" } } } }))).toEqual([]);
  expect(unknown(json({ "kubectl_manifest.app": { yaml_body: 'apiVersion: apps/v1\nkind: "Deployment"\nmetadata:\n  name: ${var.app}\n' } }))).toEqual([]);
});
