/**
 * Red-team round 122 F2: moving an EKS Pod Identity association's role from the agent role to a role that is not an
 * agent, or replacing a node group with another node role, passed the gate: the engine's table of what a resource
 * runs as named neither (an association's `role_arn` was only a candidate, a node group's `node_role_arn` nothing).
 * A Pod Identity target role (`target_role_arn`, which EKS chains into) counts as well.
 */
import { evaluatePlan } from "../../lib/plan/evaluate";
import { readPlan } from "../../lib/plan/read-plan";
import { change, minimalPlan, tempDir, writeTemp } from "./helpers";

const ACCOUNT = "111111111111";
const PODS = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "pods.eks.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"] }] });
const EC2 = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }] });
const AGENT = { "blastwall:agent": "true" };
const role = (name: string, trust: string, tags: Record<string, string> = {}) => ({ name, path: "/", arn: `arn:aws:iam::${ACCOUNT}:role/${name}`, assume_role_policy: trust, max_session_duration: 3600, tags, tags_all: tags });

type Change = Record<string, unknown> & { address: string; type: string; name: string; change: { actions: string[]; before: unknown; after: unknown } };

function plan(changes: Change[]) {
  const res = (c: Change, values: unknown) => ({ address: c.address, mode: "managed", type: c.type, name: c.name, provider_name: "registry.terraform.io/hashicorp/aws", values });
  const before = changes.filter((c) => c.change.before !== null).map((c) => res(c, c.change.before));
  const after = changes.filter((c) => c.change.after !== null).map((c) => res(c, c.change.after));
  return minimalPlan(changes, { planned_values: { root_module: { resources: after } }, prior_state: { format_version: "1.0", values: { root_module: { resources: before } } } });
}
const moved = (p: Record<string, unknown>) =>
  evaluatePlan(readPlan(writeTemp(tempDir(), "plan.json", JSON.stringify(p))), { config: {} })
    .judged.filter((j) => j.finding.ruleId === "plan-agent-runtime-moved")
    .map((j) => j.finding.resource);
const same = (address: string, values: unknown) => change(address, ["no-op"], values, values) as Change;
const created = (address: string, values: unknown) => change(address, ["create"], null, values) as Change;

const coder = role("coder-pod", PODS, AGENT);
const other = role("cloudwatch-pod", PODS);
const association = (roleArn: string, target?: string) => ({ cluster_name: "main", namespace: "agents", service_account: "coder", role_arn: roleArn, ...(target ? { target_role_arn: target } : {}), tags: {}, tags_all: {} });

describe("plan-agent-runtime-moved on EKS (red-team round 122 F2)", () => {
  test("a Pod Identity association moved from the agent role to another: blocked; kept on it: passes", () => {
    const roles = [same("aws_iam_role.coder", coder), same("aws_iam_role.other", other)];
    expect(moved(plan([...roles, change("aws_eks_pod_identity_association.coder", ["update"], association(coder.arn), association(other.arn)) as Change]))).toEqual([
      "aws_eks_pod_identity_association.coder",
    ]);
    expect(moved(plan([...roles, change("aws_eks_pod_identity_association.coder", ["update"], association(coder.arn), { ...association(coder.arn), tags: { team: "ai" } }) as Change]))).toEqual([]);
  });

  test("a target role added that is not an agent: blocked (the pods get the target's credentials)", () => {
    const roles = [same("aws_iam_role.coder", coder), same("aws_iam_role.other", other)];
    expect(moved(plan([...roles, change("aws_eks_pod_identity_association.coder", ["update"], association(coder.arn), association(coder.arn, other.arn)) as Change]))).toEqual([
      "aws_eks_pod_identity_association.coder",
    ]);
  });

  test("a node group replaced with a node role that is not an agent: blocked; an ordinary node group's role change: passes", () => {
    const nodes = role("agent-nodes", EC2, AGENT);
    const plain = role("plain-nodes", EC2);
    const group = (r: { arn: string }) => ({ cluster_name: "main", node_group_name: "agents", node_role_arn: r.arn, subnet_ids: ["subnet-1"], tags: {}, tags_all: {} });
    expect(moved(plan([same("aws_iam_role.nodes", nodes), created("aws_iam_role.plain", plain), change("aws_eks_node_group.agents", ["delete", "create"], group(nodes), group(plain)) as Change]))).toEqual([
      "aws_eks_node_group.agents",
    ]);
    const plain2 = role("plain-nodes-2", EC2);
    expect(moved(plan([same("aws_iam_role.plain", plain), created("aws_iam_role.plain2", plain2), change("aws_eks_node_group.web", ["delete", "create"], group(plain), group(plain2)) as Change]))).toEqual([]);
  });
});

describe("a Pod Identity target role is what the pods of a marked cluster run as (blastwall check)", () => {
  const { check, policy, tf } = require("../helpers/tf") as typeof import("../helpers/tf");
  test("the target role's delete right is the agent's; without a target role, the association's role's", () => {
    const stack = (target: boolean) =>
      tf({
        "aws_eks_cluster.main": { name: "main", role_arn: "arn:aws:iam::111111111111:role/eks-control", vpc_config: { subnet_ids: ["subnet-1"] }, tags: AGENT },
        "aws_eks_node_group.n": { cluster_name: "${aws_eks_cluster.main.name}", node_group_name: "n", node_role_arn: "${aws_iam_role.nodes.arn}", subnet_ids: ["subnet-1"] },
        "aws_iam_role.nodes": { name: "nodes", assume_role_policy: EC2 },
        "aws_iam_role.pod": { name: "pod", assume_role_policy: PODS },
        "aws_iam_role.target": { name: "target", assume_role_policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "${aws_iam_role.pod.arn}" }, Action: ["sts:AssumeRole", "sts:TagSession"] }] }) },
        "aws_iam_role_policy.t": { role: "${aws_iam_role.target.name}", policy: policy({ Effect: "Allow", Action: "rds:DeleteDBInstance", Resource: "*" }) },
        "aws_eks_pod_identity_association.a": {
          cluster_name: "${aws_eks_cluster.main.name}",
          namespace: "agents",
          service_account: "coder",
          role_arn: "${aws_iam_role.pod.arn}",
          ...(target ? { target_role_arn: "${aws_iam_role.target.arn}" } : {}),
        },
      });
    const destroyers = (target: boolean) => check(stack(target)).findings.filter((f) => f.ruleId === "agent-destroy-right").map((f) => f.principal);
    expect(destroyers(true)).toContain("aws_iam_role.target");
    expect(destroyers(false)).not.toContain("aws_iam_role.target");
  });
});
