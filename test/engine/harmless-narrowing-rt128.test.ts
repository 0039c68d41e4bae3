/**
 * Red-team round 128, F12 and F13: an Allow narrowed by a documented condition key to a harmless value is no right.
 * `sts:AssumeRoot` limited by `sts:TaskPolicyArn` to the read-only audit task policy, and `eks:AssociateAccessPolicy`
 * limited by `eks:policyArn` to AmazonEKSViewPolicy, were errors (the second through the reach graph, which did not
 * read the catalogue's `harmlessWhen`). Only a narrowing that certainly holds counts: a wildcard that may match a
 * harmful task or access policy, `IfExists`, a set operator, a negated operator or a value blastwall cannot read keep
 * the right.
 */
import { agentRole, check, policy, tf } from "../helpers/tf";
import { grantIsHarmless, loadCatalogue } from "../../lib/engine/catalogue";
import type { Report } from "../../lib/report/types";

type Obj = Record<string, unknown>;

const TASK = "arn:aws:iam::aws:policy/root-task/";
const AUDIT = `${TASK}IAMAuditRootUserCredentials`;
const VIEW = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy";
const ADMIN = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy";

const agentWith = (statement: Obj, extra: Record<string, Obj> = {}) =>
  check(tf({ "aws_iam_role.agent": agentRole(), "aws_iam_role_policy.agent": { role: "${aws_iam_role.agent.name}", policy: policy(statement) }, ...extra }));

/** The error findings that name the action, whatever the rule. */
const errorsOn = (r: Report, action: string) =>
  r.findings.filter((f) => f.severity === "error" && (f.actions.includes(action) || f.message.includes(action))).map((f) => f.ruleId);

describe("sts:AssumeRoot limited to the audit task policy (F12)", () => {
  const assumeRoot = (condition?: Obj) =>
    agentWith({ Effect: "Allow", Action: "sts:AssumeRoot", Resource: "arn:aws:iam::222222222222:root", ...(condition ? { Condition: condition } : {}) });

  test.each([
    ["StringEquals", { StringEquals: { "sts:TaskPolicyArn": AUDIT } }],
    ["ArnEquals", { ArnEquals: { "sts:TaskPolicyArn": AUDIT } }],
    ["ArnLike with the whole ARN", { ArnLike: { "sts:TaskPolicyArn": [AUDIT] } }],
    ["StringLike with the whole ARN", { StringLike: { "sts:TaskPolicyArn": AUDIT } }],
    ["StringEquals beside another condition", { StringEquals: { "sts:TaskPolicyArn": AUDIT }, Bool: { "aws:SecureTransport": "true" } }],
  ])("%s: no error", (_how, condition) => {
    expect(errorsOn(assumeRoot(condition), "sts:AssumeRoot")).toEqual([]);
  });

  test.each([
    ["no condition", undefined],
    ["a task that creates a root password", { StringEquals: { "sts:TaskPolicyArn": `${TASK}IAMCreateRootUserPassword` } }],
    ["the audit task or one that unlocks bucket policies", { StringEquals: { "sts:TaskPolicyArn": [AUDIT, `${TASK}S3UnlockBucketPolicy`] } }],
    ["a wildcard over every task", { ArnLike: { "sts:TaskPolicyArn": `${TASK}*` } }],
    ["a wildcard that matches only the audit task today", { StringLike: { "sts:TaskPolicyArn": `${TASK}IAMAudit*` } }],
    ["a single-character wildcard", { ArnLike: { "sts:TaskPolicyArn": `${TASK}IAMAuditRootUserCredential?` } }],
    ["IfExists", { StringEqualsIfExists: { "sts:TaskPolicyArn": AUDIT } }],
    ["a set operator", { "ForAnyValue:StringEquals": { "sts:TaskPolicyArn": AUDIT } }],
    ["a negated operator", { StringNotEquals: { "sts:TaskPolicyArn": AUDIT } }],
    ["a value blastwall cannot read", { StringEquals: { "sts:TaskPolicyArn": "${var.task_policy}" } }],
    ["another key", { StringEquals: { "aws:RequestedRegion": "eu-west-1" } }],
  ])("%s: still an error", (_how, condition) => {
    expect(errorsOn(assumeRoot(condition), "sts:AssumeRoot")).toContain("agent-destroy-right");
  });
});

describe("eks:AssociateAccessPolicy limited to the view-only access policy (F13)", () => {
  const associate = (condition: Obj | undefined, resource = "*", extra: Record<string, Obj> = {}) =>
    agentWith({ Effect: "Allow", Action: "eks:AssociateAccessPolicy", Resource: resource, ...(condition ? { Condition: condition } : {}) }, extra);

  test.each([
    ["StringEquals", { StringEquals: { "eks:policyArn": VIEW } }],
    ["ArnEquals", { ArnEquals: { "eks:policyArn": VIEW } }],
    ["ArnLike with the whole ARN", { ArnLike: { "eks:policyArn": VIEW } }],
  ])("%s on clusters matching *: no error", (_how, condition) => {
    expect(errorsOn(associate(condition), "eks:AssociateAccessPolicy")).toEqual([]);
  });

  test.each([
    ["no condition", undefined],
    ["the cluster admin policy", { StringEquals: { "eks:policyArn": ADMIN } }],
    ["the view policy or the admin policy", { StringEquals: { "eks:policyArn": [VIEW, ADMIN] } }],
    ["AmazonEKSAdminViewPolicy, which reads Secrets", { StringEquals: { "eks:policyArn": "arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminViewPolicy" } }],
    ["a wildcard that also matches AmazonEKSViewPolicy's siblings", { ArnLike: { "eks:policyArn": "arn:aws:eks::aws:cluster-access-policy/AmazonEKS*View*" } }],
    ["IfExists", { ArnEqualsIfExists: { "eks:policyArn": VIEW } }],
    ["a value blastwall cannot read", { StringEquals: { "eks:policyArn": "${var.access_policy}" } }],
    ["only a namespace scope", { StringEquals: { "eks:accessScope": "namespace" } }],
  ])("%s on clusters matching *: still agent-reach-unknown", (_how, condition) => {
    expect(errorsOn(associate(condition), "eks:AssociateAccessPolicy")).toContain("agent-reach-unknown");
  });

  const trust = (service: string) => policy({ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" });
  const cluster: Record<string, Obj> = {
    "aws_iam_role.cluster": { name: "cluster", assume_role_policy: trust("eks.amazonaws.com") },
    "aws_eks_cluster.main": { name: "main", role_arn: "${aws_iam_role.cluster.arn}", vpc_config: { subnet_ids: ["subnet-1"] } },
    "aws_iam_role.nodes": { name: "nodes", assume_role_policy: trust("ec2.amazonaws.com") },
    "aws_iam_role_policy_attachment.nodes": { role: "${aws_iam_role.nodes.name}", policy_arn: "arn:aws:iam::aws:policy/AmazonEC2FullAccess" },
    "aws_eks_node_group.ng": { cluster_name: "${aws_eks_cluster.main.name}", node_role_arn: "${aws_iam_role.nodes.arn}", subnet_ids: ["subnet-1"], scaling_config: { desired_size: 1, max_size: 1, min_size: 1 } },
  };
  const entries = "arn:aws:eks:eu-west-1:111111111111:access-entry/main/*";
  const transitive = (r: Report) => r.findings.filter((f) => f.severity === "error" && f.ruleId === "agent-transitive-destroy").map((f) => f.resource);

  test("on the stack's cluster, limited to the view policy: its node role is not reached", () => {
    expect(transitive(associate({ StringEquals: { "eks:policyArn": VIEW } }, entries, cluster))).toEqual([]);
  });

  test("control: on the stack's cluster, limited to the admin policy: its node role is reached", () => {
    expect(transitive(associate({ StringEquals: { "eks:policyArn": ADMIN } }, entries, cluster))).toEqual(["aws_iam_role.nodes"]);
  });

  test("control: a second, unconditioned statement of the same action keeps the path", () => {
    const r = check(
      tf({
        "aws_iam_role.agent": agentRole(),
        "aws_iam_role_policy.agent": {
          role: "${aws_iam_role.agent.name}",
          policy: policy(
            { Effect: "Allow", Action: "eks:AssociateAccessPolicy", Resource: "*", Condition: { StringEquals: { "eks:policyArn": VIEW } } },
            { Effect: "Allow", Action: "eks:AssociateAccessPolicy", Resource: entries },
          ),
        },
        ...cluster,
      }),
    );
    expect(transitive(r)).toEqual(["aws_iam_role.nodes"]);
  });
});

describe("grantIsHarmless reads only conditions that pin the key exactly", () => {
  test("the catalogue narrows the two actions by their documented condition keys, to the harmless policies only", () => {
    const narrowed = (action: string) => loadCatalogue().entryOf(action)?.harmlessWhen?.map((h) => [h.key, h.values.map((v) => v.replace(/^arn:[^:]+:/, "arn:PARTITION:"))]);
    expect(narrowed("sts:AssumeRoot")).toEqual([["sts:TaskPolicyArn", Array(3).fill("arn:PARTITION:iam::aws:policy/root-task/IAMAuditRootUserCredentials")]]);
    expect(narrowed("eks:AssociateAccessPolicy")).toEqual([["eks:policyArn", Array(3).fill("arn:PARTITION:eks::aws:cluster-access-policy/AmazonEKSViewPolicy")]]);
  });

  const harmless = (operator: string, values: string[]) => grantIsHarmless("sts:AssumeRoot", [{ operator, key: "sts:TaskPolicyArn", values }]);

  test("exact operators and wildcard-free pattern operators pin the key", () => {
    expect(["StringEquals", "stringequals", "ArnEquals", "ArnLike", "StringLike"].map((op) => harmless(op, [AUDIT]))).toEqual([true, true, true, true, true]);
  });

  test("a wildcard, IfExists, a set or negated operator, an empty value list or a harmful value does not", () => {
    expect([
      harmless("ArnLike", [`${TASK}*`]),
      harmless("StringLike", [`${TASK}IAMAudit?ootUserCredentials`]),
      harmless("ArnEqualsIfExists", [AUDIT]),
      harmless("ForAllValues:StringEquals", [AUDIT]),
      harmless("StringNotEquals", [AUDIT]),
      harmless("ArnNotLike", [AUDIT]),
      harmless("StringEquals", []),
      harmless("StringEquals", [AUDIT, `${TASK}IAMDeleteRootUserCredentials`]),
    ]).toEqual([false, false, false, false, false, false, false, false]);
  });

  test("an action with no harmless conditions is never harmless", () => {
    expect(grantIsHarmless("eks:CreateAccessEntry", [{ operator: "StringEquals", key: "eks:policyArn", values: [VIEW] }])).toBe(false);
  });
});
