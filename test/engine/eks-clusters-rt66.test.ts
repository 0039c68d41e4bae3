/**
 * EKS (red-team round 66): aws-auth role ARNs without the role's path, Auto Mode nodes from a dynamic block, and
 * node access entries for the agent.
 */
import { agentRole, check, errors, policy, tf } from "../helpers/tf";

type Obj = Record<string, unknown>;
const trustOf = (principal: Obj) => policy({ Effect: "Allow", Principal: principal, Action: "sts:AssumeRole" });
const strongRole = (name: string) => ({
  [`aws_iam_role.${name}`]: { name, assume_role_policy: trustOf({ Service: "ec2.amazonaws.com" }) },
  [`aws_iam_role_policy_attachment.${name}`]: { role: `\${aws_iam_role.${name}.name}`, policy_arn: "arn:aws:iam::aws:policy/AmazonEC2FullAccess" },
});
const agent = (path = "/ai/", action: string | string[] = "eks:DescribeCluster", resource = "*") => ({
  "aws_iam_role.agent": agentRole({ path }),
  "aws_iam_role_policy.agent": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: action, Resource: resource }) },
});
const cluster = (extra: Obj = {}) => ({
  "aws_eks_cluster.main": { name: "main", role_arn: "arn:aws:iam::111111111111:role/eks", vpc_config: { subnet_ids: ["subnet-1"] }, ...extra },
});
const nodeGroup = {
  ...strongRole("nodes"),
  "aws_eks_node_group.ng": { cluster_name: "${aws_eks_cluster.main.name}", node_role_arn: "${aws_iam_role.nodes.arn}", subnet_ids: ["subnet-1"], scaling_config: { desired_size: 1, max_size: 1, min_size: 1 } },
};
const awsAuth = (key: "mapRoles" | "mapUsers", arnKey: string, arn: string) => ({
  "kubernetes_config_map_v1_data.aws_auth": { metadata: [{ name: "aws-auth", namespace: "kube-system" }], force: true, data: { [key]: `- ${arnKey}: ${arn}\n  username: admin\n  groups:\n    - system:masters\n` } },
});
const reached = (json: Obj) => errors(check(json), "agent-transitive-destroy").map((f) => f.resource);
const unknown = (json: Obj) => errors(check(json), "agent-reach-unknown");

describe("aws-auth role ARNs and role paths", () => {
  test("an entry without the path maps a role that has one (the authenticator drops the path of the session's role)", () => {
    expect(reached(tf({ ...agent("/ai/"), ...cluster(), ...nodeGroup, ...awsAuth("mapRoles", "rolearn", "arn:aws:iam::111111111111:role/agent") }))).toEqual(["aws_iam_role.nodes"]);
  });

  test("an entry with a path counts too, whichever path it writes (role names are unique in an account)", () => {
    expect(reached(tf({ ...agent("/"), ...cluster(), ...nodeGroup, ...awsAuth("mapRoles", "rolearn", "arn:aws:iam::111111111111:role/team/agent") }))).toEqual(["aws_iam_role.nodes"]);
    expect(reached(tf({ ...agent("/ai/"), ...cluster(), ...nodeGroup, ...awsAuth("mapRoles", "rolearn", "arn:aws:iam::111111111111:role/ai/agent") }))).toEqual(["aws_iam_role.nodes"]);
  });

  test("an access entry's role ARN without the path names the role too", () => {
    const entry = {
      "aws_eks_access_entry.a": { cluster_name: "${aws_eks_cluster.main.name}", principal_arn: "arn:aws:iam::111111111111:role/agent", kubernetes_groups: ["admins"] },
    };
    expect(reached(tf({ ...agent("/ai/"), ...cluster(), ...nodeGroup, ...entry }))).toEqual(["aws_iam_role.nodes"]);
  });

  test("the controls: another role's name, with or without a path, is not the agent", () => {
    for (const arn of ["arn:aws:iam::111111111111:role/agent2", "arn:aws:iam::111111111111:role/ai/other", "arn:aws:iam::111111111111:role/xagent"]) {
      expect(reached(tf({ ...agent("/ai/"), ...cluster(), ...nodeGroup, ...awsAuth("mapRoles", "rolearn", arn) }))).toEqual([]);
    }
  });

  test("users keep their path: the authenticator matches a user's ARN as GetCallerIdentity gives it, path and all", () => {
    const user = (path: string) => ({
      "aws_iam_user.agent": { name: "agentu", path, tags: { "blastwall:agent": "true" } },
      "aws_iam_user_policy.agent": { user: "${aws_iam_user.agent.name}", policy: policy({ Effect: "Allow", Action: "eks:DescribeCluster", Resource: "*" }) },
    });
    expect(reached(tf({ ...user("/bots/"), ...cluster(), ...nodeGroup, ...awsAuth("mapUsers", "userarn", "arn:aws:iam::111111111111:user/agentu") }))).toEqual([]);
    expect(reached(tf({ ...user("/bots/"), ...cluster(), ...nodeGroup, ...awsAuth("mapUsers", "userarn", "arn:aws:iam::111111111111:user/bots/agentu") }))).toEqual(["aws_iam_role.nodes"]);
  });
});

describe("Auto Mode nodes from a dynamic compute_config", () => {
  const admin = agent("/", "eks:CreateAccessEntry", "${aws_eks_cluster.main.arn}");
  test("a dynamic compute_config's node role is the nodes' role, beside a node group", () => {
    const json = tf({
      ...admin,
      ...cluster({ dynamic: { compute_config: { for_each: "${var.auto ? [1] : []}", content: { enabled: true, node_pools: ["general-purpose"], node_role_arn: "${aws_iam_role.auto.arn}" } } } }),
      ...strongRole("auto"),
      "aws_iam_role.nodes": { name: "nodes", assume_role_policy: trustOf({ Service: "ec2.amazonaws.com" }) },
      "aws_eks_node_group.ng": { cluster_name: "${aws_eks_cluster.main.name}", node_role_arn: "${aws_iam_role.nodes.arn}", subnet_ids: ["subnet-1"], scaling_config: { desired_size: 1, max_size: 1, min_size: 1 } },
    });
    expect(reached(json)).toEqual(["aws_iam_role.auto"]);
  });

  test("one whose content blastwall cannot read: the nodes run as roles it cannot see", () => {
    const json = tf({ ...admin, ...cluster({ dynamic: { compute_config: { for_each: "${var.cc}", content: "${var.cc_content}" } } }), ...nodeGroup });
    expect(unknown(json).map((f) => f.message).join("\n")).toContain("the nodes of aws_eks_cluster.main");
    const iter = tf({ ...admin, ...cluster({ dynamic: { compute_config: { for_each: "${var.cc}", content: { enabled: true, node_role_arn: "${compute_config.value.role}" } } } }), ...nodeGroup });
    expect(unknown(iter)).not.toEqual([]);
  });

  test("the control: a static compute_config that is off runs no Auto Mode nodes", () => {
    const json = tf({ ...admin, ...cluster({ compute_config: { enabled: false } }), "aws_iam_role.nodes": { name: "nodes", assume_role_policy: trustOf({ Service: "ec2.amazonaws.com" }) }, "aws_eks_node_group.ng": nodeGroup["aws_eks_node_group.ng"] });
    expect(reached(json)).toEqual([]);
    expect(unknown(json)).toEqual([]);
  });
});

test("an aws-auth ConfigMap whose metadata is a dynamic block may be aws-auth", () => {
  const json = tf({
    ...agent("/"),
    ...cluster(),
    ...nodeGroup,
    "kubernetes_config_map_v1_data.cm": { dynamic: { metadata: { for_each: "${var.cms}", content: { name: "${metadata.value}", namespace: "kube-system" } } }, data: { mapRoles: "- rolearn: ${aws_iam_role.agent.arn}\n  groups:\n    - system:masters\n" } },
  });
  expect(reached(json)).toEqual(["aws_iam_role.nodes"]);
});

describe("node access entries for the agent", () => {
  for (const type of ["EC2_LINUX", "EC2_WINDOWS", "FARGATE_LINUX", "HYBRID_LINUX", "EC2", "${var.type}"]) {
    test(`a ${type} entry makes the agent a node, as an aws-auth node mapping does`, () => {
      const json = tf({ ...agent("/"), ...cluster(), ...nodeGroup, "aws_eks_access_entry.a": { cluster_name: "${aws_eks_cluster.main.name}", principal_arn: "${aws_iam_role.agent.arn}", type } });
      const [f] = errors(check(json), "agent-transitive-destroy");
      expect(f?.resource).toBe("aws_iam_role.nodes");
      expect(f.evidence.map((e) => e.detail).join("\n")).toMatch(/node/);
    });
  }

  test("the control: a node entry for another role gives the agent nothing", () => {
    const json = tf({ ...agent("/"), ...cluster(), ...nodeGroup, ...strongRole("self"), "aws_eks_access_entry.a": { cluster_name: "${aws_eks_cluster.main.name}", principal_arn: "${aws_iam_role.self.arn}", type: "EC2_LINUX" } });
    expect(reached(json)).toEqual([]);
  });
});
