/**
 * Catalogue 1.31.0 in the reach analysis: a CodeBuild sandbox of a project in the stack runs as the project's service
 * role (a hijack target, as StartBuild), and the EKS access entry writes, catalogued now, stay clusterEdges' alone: no
 * second, generic "compute reached by" node for a cluster the stack holds.
 */
import { agentRole, check, errors, policy, tf } from "../helpers/tf";

type Obj = Record<string, unknown>;
const trustOf = (service: string) => policy({ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" });
const agentCan = (action: string, resource: string) => ({
  "aws_iam_role.agent": agentRole(),
  "aws_iam_role_policy.agent": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: action, Resource: resource }) },
});
const role = (name: string, service: string, managed?: string): Obj => ({
  [`aws_iam_role.${name}`]: { name, assume_role_policy: trustOf(service) },
  ...(managed ? { [`aws_iam_role_policy_attachment.${name}`]: { role: `\${aws_iam_role.${name}.name}`, policy_arn: managed } } : {}),
});
const project = { "aws_codebuild_project.deploy": { name: "deploy", service_role: "${aws_iam_role.build.arn}" } };

describe("catalogue 1.31.0 in the reach analysis", () => {
  test("codebuild:StartSandbox on a project of the stack reaches its service role", () => {
    const r = check(tf({ ...agentCan("codebuild:StartSandbox", "${aws_codebuild_project.deploy.arn}"), ...role("build", "codebuild.amazonaws.com", "arn:aws:iam::aws:policy/AdministratorAccess"), ...project }));
    expect(errors(r, "agent-transitive-destroy").map((f) => f.resource)).toEqual(["aws_iam_role.build"]);
    expect(errors(r, "agent-reach-unknown")).toEqual([]);
  });

  test("control: a project whose service role can destroy nothing is no path", () => {
    const r = check(tf({ ...agentCan("codebuild:StartSandbox", "${aws_codebuild_project.deploy.arn}"), ...role("build", "codebuild.amazonaws.com"), ...project }));
    expect(errors(r).filter((f) => f.ruleId.startsWith("agent-reach") || f.ruleId === "agent-transitive-destroy")).toEqual([]);
  });

  test("codebuild:StartCommandExecution on the project's sandboxes names no resource of the stack: compute of unknown roles", () => {
    const r = check(tf({ ...agentCan("codebuild:StartCommandExecution", "arn:aws:codebuild:eu-west-1:111111111111:sandbox/deploy*"), ...role("build", "codebuild.amazonaws.com"), ...project }));
    expect(errors(r, "agent-reach-unknown").map((f) => f.message.includes("compute reached by codebuild:StartCommandExecution"))).toEqual([true]);
  });

  test.each(["eks:CreateAccessEntry", "eks:AssociateAccessPolicy"])("%s on the stack's cluster reaches its node role, and nothing unknown", (action) => {
    const resource = action === "eks:CreateAccessEntry" ? "${aws_eks_cluster.main.arn}" : "arn:aws:eks:eu-west-1:111111111111:access-entry/main/*";
    const r = check(
      tf({
        ...agentCan(action, resource),
        ...role("cluster", "eks.amazonaws.com"),
        "aws_eks_cluster.main": { name: "main", role_arn: "${aws_iam_role.cluster.arn}", vpc_config: { subnet_ids: ["subnet-1"] } },
        ...role("nodes", "ec2.amazonaws.com", "arn:aws:iam::aws:policy/AmazonEC2FullAccess"),
        "aws_eks_node_group.ng": { cluster_name: "${aws_eks_cluster.main.name}", node_role_arn: "${aws_iam_role.nodes.arn}", subnet_ids: ["subnet-1"], scaling_config: { desired_size: 1, max_size: 1, min_size: 1 } },
      }),
    );
    expect(errors(r, "agent-transitive-destroy").map((f) => f.resource)).toEqual(["aws_iam_role.nodes"]);
    expect(errors(r, "agent-reach-unknown").map((f) => f.message)).toEqual([]);
  });
});
