/**
 * Just-in-time node access, red-team round 131 (after round 128 F6, test/engine/compute-rt128.test.ts):
 * - F1: the nodes ssm:StartSession reaches are reached the same way: the stack's instances, and, for a pattern that may
 *   name others (an Auto Scaling group's, a node group's or a fleet's instances, or any managed node), nodes outside
 *   the stack, which may run as any role (agent-reach-unknown).
 * - F3: an agent that can write the account's auto-approval policy (an SSM document of type AutoApprovalPolicy)
 *   approves its own requests; without that and without a policy in the stack, the GetAccessToken warning says that a
 *   policy outside the stack would make it a shell with no one approving.
 */
import { agentRole, check, errors, policy, tf } from "../helpers/tf";

type Obj = Record<string, unknown>;

const JIT = ["ssm:StartAccessRequest", "ssm:GetAccessToken"];
const AUTO = { "aws_ssm_document.auto": { name: "auto-approve", document_format: "TEXT", document_type: "AutoApprovalPolicy", content: 'permit (principal, action == AWS::SSM::Action::"getTokenForInstanceAccess", resource);' } };
const PROFILE = { "aws_iam_instance_profile.node": { name: "node", role: "${aws_iam_role.strong.name}" } };
const INSTANCE = { ...PROFILE, "aws_instance.web": { ami: "ami-12345678", instance_type: "t3.micro", iam_instance_profile: "${aws_iam_instance_profile.node.name}" } };
const ASG = {
  ...PROFILE,
  "aws_launch_template.node": { name: "node", image_id: "ami-12345678", instance_type: "t3.micro", iam_instance_profile: [{ name: "${aws_iam_instance_profile.node.name}" }] },
  "aws_autoscaling_group.node": { name: "node", min_size: 1, max_size: 2, availability_zones: ["us-east-1a"], launch_template: [{ id: "${aws_launch_template.node.id}", version: "$Latest" }] },
};
const NODE_GROUP = {
  "aws_eks_cluster.c": { name: "c", role_arn: "arn:aws:iam::111111111111:role/eks", vpc_config: [{ subnet_ids: ["subnet-1"] }] },
  "aws_eks_node_group.ng": { cluster_name: "${aws_eks_cluster.c.name}", node_group_name: "ng", node_role_arn: "${aws_iam_role.strong.arn}", subnet_ids: ["subnet-1"], scaling_config: [{ desired_size: 1, max_size: 1, min_size: 1 }] },
};

/** An agent with `statements`, a role `strong` that EC2 may assume and that can delete objects, and `target`. */
function stack(target: Record<string, Obj>, ...statements: Obj[]): Obj {
  return tf({
    "aws_iam_role.agent": agentRole(),
    "aws_iam_role_policy.agent": { role: "${aws_iam_role.agent.name}", policy: policy(...statements) },
    "aws_iam_role.strong": { name: "strong", assume_role_policy: policy({ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }) },
    "aws_iam_role_policy.strong": { role: "${aws_iam_role.strong.name}", policy: policy({ Effect: "Allow", Action: "s3:DeleteObject", Resource: "arn:aws:s3:::uploads/*" }) },
    ...target,
  });
}
const allow = (actions: string[], resource: string | string[] = "*", extra: Obj = {}): Obj => ({ Effect: "Allow", Action: actions, Resource: resource, ...extra });

const reaches = (json: Obj) => [...new Set(errors(check(json), "agent-transitive-destroy").map((f) => f.resource))];
const unknown = (json: Obj) => errors(check(json), "agent-reach-unknown");
const pathText = (json: Obj) => errors(check(json)).flatMap((f) => f.evidence.map((e) => e.detail)).join("\n");

describe("F1: just-in-time access reaches the nodes StartSession reaches", () => {
  test("an Auto Scaling group's nodes with an auto-approval policy in the stack: nodes outside the stack, an error", () => {
    const json = stack({ ...ASG, ...AUTO }, allow(JIT));
    const found = unknown(json);
    expect(found).toHaveLength(1);
    expect(found[0].message).toContain("nodes reached by just-in-time access (ssm:StartAccessRequest) on *, which may run as any role");
    expect(pathText(json)).toContain("that this stack does not make as aws_instance (an Auto Scaling group's, a node group's or a fleet's instances");
    expect(pathText(json)).toContain("which the auto-approval policy aws_ssm_document.auto may approve at once");
    expect(found[0].fix).toContain("Take ssm:StartAccessRequest and ssm:GetAccessToken off the agent, or grant ssm:StartAccessRequest only on instances of this stack by reference");
  });
  test.each([
    ["a node group's nodes, on every instance ARN of the account", NODE_GROUP, "arn:aws:ec2:us-east-1:111111111111:instance/*"],
    ["one instance named by id, not in the stack", ASG, "arn:aws:ec2:us-east-1:111111111111:instance/i-0123456789abcdef0"],
    ["hybrid managed nodes", ASG, "arn:aws:ssm:us-east-1:111111111111:managed-instance/*"],
  ])("%s: an error", (_name, target, resource) => {
    expect(unknown(stack({ ...target, ...AUTO }, allow(JIT, resource)))).toHaveLength(1);
  });
  test("an instance of the stack on `*`: its role, and nodes outside the stack too", () => {
    const json = stack({ ...INSTANCE, ...AUTO }, allow(JIT));
    expect(reaches(json)).toEqual(["aws_iam_role.strong"]);
    expect(unknown(json)).toHaveLength(1);
  });
  test("an instance a data source reads runs as a role made elsewhere: an error", () => {
    const json = stack({ "data.aws_instance.web": { instance_id: "i-0123456789abcdef0" }, ...AUTO }, allow(JIT, "${data.aws_instance.web.arn}"));
    expect(unknown(json)).toHaveLength(1);
  });
  test("control: a request on the stack's instance by reference reaches its role and nothing outside", () => {
    const json = stack({ ...INSTANCE, ...AUTO }, allow(JIT, ["${aws_instance.web.arn}", "arn:aws:ssm:us-east-1:111111111111:opsitem/*"]));
    expect(reaches(json)).toEqual(["aws_iam_role.strong"]);
    expect(unknown(json)).toEqual([]);
  });
  test.each([
    ["a request on a pattern that names no node", { ...ASG, ...AUTO }, [allow(JIT, "arn:aws:ssm:us-east-1:111111111111:opsitem/*")]],
    ["no auto-approval policy and no document write (a person approves)", ASG, [allow(JIT)]],
    ["the request without the token", { ...ASG, ...AUTO }, [allow(["ssm:StartAccessRequest", "ssm:CreateDocument"])]],
  ])("control: %s is no error", (_name, target, statements) => {
    const json = stack(target, ...statements);
    expect(unknown(json)).toEqual([]);
    expect(reaches(json)).toEqual([]);
  });
});

describe("F3: an agent that can write the auto-approval policy approves its own requests", () => {
  test.each([
    ["ssm:CreateDocument", "*"],
    ["ssm:CreateDocument", "arn:aws:ssm:us-east-1:111111111111:document/*"],
    ["ssm:UpdateDocument", "arn:aws:ssm:us-east-1:111111111111:document/*"],
    ["ssm:UpdateDocumentDefaultVersion", "arn:aws:ssm:us-east-1:111111111111:document/approvals"],
  ])("%s on %s with no policy in the stack: the instance role, an error", (write, resource) => {
    const json = stack(INSTANCE, allow(JIT), allow([write], resource));
    expect(reaches(json)).toEqual(["aws_iam_role.strong"]);
    expect(pathText(json)).toContain("it can approve itself: aws_iam_role_policy.agent statement #1");
    expect(pathText(json)).toContain("lets it write the account's auto-approval policy (an SSM document of type AutoApprovalPolicy), which approves its requests at once");
  });
  test("a document-type condition that admits AutoApprovalPolicy keeps the path", () => {
    const json = stack(INSTANCE, allow(JIT), allow(["ssm:CreateDocument"], "*", { Condition: { StringEquals: { "ssm:DocumentType": ["Command", "AutoApprovalPolicy"] } } }));
    expect(reaches(json)).toEqual(["aws_iam_role.strong"]);
  });
  test("an update of the stack's auto-approval policy that permits nothing yet: an error", () => {
    const doc = { "aws_ssm_document.auto": { name: "auto-approve", document_format: "TEXT", document_type: "AutoApprovalPolicy", content: "// none yet" } };
    expect(reaches(stack({ ...INSTANCE, ...doc }, allow(JIT), allow(["ssm:UpdateDocument"], "${aws_ssm_document.auto.arn}")))).toEqual(["aws_iam_role.strong"]);
  });
  test.each([
    ["a document-type condition that leaves AutoApprovalPolicy out", [allow(["ssm:CreateDocument", "ssm:UpdateDocument"], "*", { Condition: { StringEquals: { "ssm:DocumentType": ["Command", "Automation"] } } })], {}],
    ["a write on parameters, not documents", [allow(["ssm:CreateDocument"], "arn:aws:ssm:us-east-1:111111111111:parameter/*")], {}],
    ["an update of the stack's Command document, by reference", [allow(["ssm:UpdateDocument"], "${aws_ssm_document.cmd.arn}")], { "aws_ssm_document.cmd": { name: "cmd", document_type: "Command", content: "{}" } }],
  ])("control: %s is no path", (_name, writes, extra) => {
    expect(reaches(stack({ ...INSTANCE, ...extra }, allow(JIT), ...writes))).toEqual([]);
  });
  test("no policy in the stack and no write: the GetAccessToken warning says a policy outside the stack would approve", () => {
    const found = check(stack(INSTANCE, allow(JIT))).findings.filter((f) => f.ruleId === "agent-stored-secret");
    expect(found.map((f) => f.severity)).toEqual(["warning"]);
    expect(found[0].message).toContain("one outside this stack that admits the agent would make this a shell on the node, as its instance role, with no one approving");
    expect(reaches(stack(INSTANCE, allow(JIT)))).toEqual([]);
  });
  test("control: a read of parameters says nothing of node access", () => {
    const found = check(stack(INSTANCE, allow(["ssm:GetParameter"]))).findings.filter((f) => f.ruleId === "agent-stored-secret");
    expect(found).toHaveLength(1);
    expect(found[0].message).not.toContain("auto-approval");
  });
});
