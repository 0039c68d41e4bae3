/**
 * EKS Pod Identity: the role a Pod Identity association names trusts the service pods.eks.amazonaws.com (sts:AssumeRole,
 * sts:TagSession). The EKS Auth API takes only the cluster and the pod's service account token; the service starts the
 * session with session tags (cluster, namespace, service account, pod) and no source identity. The rule exempted it
 * with every other AWS service ("services never set one"), so an agent role assumed this way passed while none of its
 * sessions carried an agent- source identity, though the pod, the agent's own code, decides what runs under it: the gap
 * the entry role closes for CI jobs and IRSA pods.
 */
import { agentRole, policy, tf } from "../helpers/tf";
import { run } from "./helpers";
import { rule } from "../../lib/rules/agent-source-identity";
import { BOUNDARY, SI_CONDITION, entryIntoAgentHcl, folderFindings, roleHcl, sourceIdentityFindings } from "./source-identity-hcl";

type Obj = Record<string, unknown>;
const POD = { Service: "pods.eks.amazonaws.com" };
const TAGS = {
  StringEquals: {
    "aws:RequestTag/eks-cluster-arn": "arn:aws:eks:eu-west-1:111111111111:cluster/agents",
    "aws:RequestTag/kubernetes-namespace": "agents",
    "aws:RequestTag/kubernetes-service-account": "coding-agent",
  },
};
const SI = { "sts:SourceIdentity": "agent-*" };
const statement = (principal: unknown, condition?: Obj, action: unknown = ["sts:AssumeRole", "sts:TagSession"]) => ({
  Sid: "PodIdentity",
  Effect: "Allow",
  Principal: principal,
  Action: action,
  ...(condition ? { Condition: condition } : {}),
});
const trust = (...statements: Obj[]) => agentRole({ assume_role_policy: policy(...statements) });

describe("agent-source-identity: an agent role assumed through EKS Pod Identity (Terraform JSON)", () => {
  it("the documented trust, scoped to the service account by session tags: an error whose fix is the entry role", () => {
    const found = run(rule, tf({ "aws_iam_role.agent": trust(statement(POD, TAGS)) }));
    expect(found).toHaveLength(1);
    const [f] = found;
    expect(f.severity).toBeUndefined();
    expect(f.message).toContain("lets Service pods.eks.amazonaws.com call sts:AssumeRole with no sts:SourceIdentity condition");
    expect(f.message).toContain("EKS Pod Identity starts the session itself");
    expect(f.message).toContain("so the role would refuse every pod");
    expect(f.message).toContain('Trust the pod through an entry role instead, which starts this role\'s sessions with a source identity (README "Agents in EKS pods"');
    expect(f.message).not.toContain("Require StringLike");
    expect(f.fix).toContain("is the one the pod's Pod Identity association names (role_arn)");
    expect(f.fix).toContain("may do nothing but sts:AssumeRole and sts:SetSourceIdentity on aws_iam_role.agent");
    expect(f.fix).toContain("with StringLike sts:SourceIdentity = agent-*");
    expect(f.fix).toContain("--source-identity agent-<pod name>");
    expect(f.fix).toContain("AgentPrincipal.role(");
    expect(f.fix).not.toContain("does not avoid the second role");
    expect(f.fix).not.toContain("job");
  });

  it("with no condition at all, and beside another service in one statement", () => {
    expect(run(rule, tf({ "aws_iam_role.agent": trust(statement(POD)) }))).toHaveLength(1);
    const mixed = run(rule, tf({ "aws_iam_role.agent": trust(statement({ Service: ["lambda.amazonaws.com", "pods.eks.amazonaws.com"] }, undefined, "sts:AssumeRole")) }));
    expect(mixed).toHaveLength(1);
    expect(mixed[0].message).toContain("so the role would refuse every pod");
  });

  it("a trust that requires the source identity: no pod can assume the role, a warning with the entry role", () => {
    const found = run(rule, tf({ "aws_iam_role.agent": trust(statement(POD, { ...TAGS, StringLike: SI }, ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"])) }));
    expect(found).toHaveLength(1);
    expect(found[0].severity).toBe("warning");
    expect(found[0].message).toContain("aws_iam_role.agent is an AI agent role that no EKS Pod Identity pod can assume");
    expect(found[0].message).toContain("but it requires an sts:SourceIdentity");
    expect(found[0].message).toContain("every pod is refused");
    expect(found[0].fix).toContain("is the one the pod's Pod Identity association names (role_arn)");
  });

  it("a Deny refusing sessions without a source identity locks the pod out the same way", () => {
    const deny = { Effect: "Deny", Principal: "*", Action: "sts:AssumeRole", Condition: { Null: { "sts:SourceIdentity": "true" } } };
    const found = run(rule, tf({ "aws_iam_role.agent": trust(statement(POD, TAGS), deny) }));
    expect(found.map((f) => f.severity)).toEqual(["warning"]);
    expect(found[0].message).toContain("a Deny of the trust refuses sessions without an sts:SourceIdentity");
  });

  it("a service name blastwall cannot resolve may be pods.eks.amazonaws.com: reported, and the message says why", () => {
    const variable = { variable: { service: { type: "string" } } };
    const found = run(rule, tf({ "aws_iam_role.agent": trust(statement({ Service: "${var.service}" }, TAGS)) }, variable));
    expect(found).toHaveLength(1);
    expect(found[0].message).toContain("(a service name blastwall cannot resolve, which may be pods.eks.amazonaws.com)");
    expect(found[0].fix).toContain("Pod Identity association");
    // control: resolved to another service, it is exempt again
    const known = { variable: { service: { type: "string", default: "ecs-tasks.amazonaws.com" } } };
    expect(run(rule, tf({ "aws_iam_role.agent": trust(statement({ Service: "${var.service}" }, TAGS)) }, known))).toEqual([]);
  });

  it("control: other services stay exempt, with or without TagSession", () => {
    for (const service of ["ecs-tasks.amazonaws.com", "lambda.amazonaws.com", "eks.amazonaws.com", "bedrock.amazonaws.com"]) {
      expect(run(rule, tf({ "aws_iam_role.agent": trust(statement({ Service: service })) }))).toEqual([]);
    }
  });

  it("control: a statement that lets the service only tag sessions starts none", () => {
    expect(run(rule, tf({ "aws_iam_role.agent": trust(statement(POD, TAGS, "sts:TagSession")) }))).toEqual([]);
  });

  it("control: the Pod Identity role as the entry role, the agent role requiring the source identity, passes", () => {
    const json = tf({
      "aws_iam_role.entry": trust(statement(POD, TAGS)),
      "aws_iam_role_policy.entry": { role: "${aws_iam_role.entry.name}", policy: policy({ Effect: "Allow", Action: ["sts:AssumeRole", "sts:SetSourceIdentity"], Resource: "${aws_iam_role.a.arn}" }) },
      "aws_iam_role.a": agentRole({ name: "a", assume_role_policy: policy({ Effect: "Allow", Principal: { AWS: "${aws_iam_role.entry.arn}" }, Action: ["sts:AssumeRole", "sts:SetSourceIdentity"], Condition: { StringLike: SI } }) }),
    });
    expect(run(rule, json)).toEqual([]);
  });

  it("an entry role that may also do something else is the agent role itself: the error stays", () => {
    const json = tf({
      "aws_iam_role.entry": trust(statement(POD, TAGS)),
      "aws_iam_role_policy.entry": {
        role: "${aws_iam_role.entry.name}",
        policy: policy({ Effect: "Allow", Action: ["sts:AssumeRole", "sts:SetSourceIdentity", "s3:DeleteObject"], Resource: "${aws_iam_role.a.arn}" }),
      },
      "aws_iam_role.a": agentRole({ name: "a", assume_role_policy: policy({ Effect: "Allow", Principal: { AWS: "${aws_iam_role.entry.arn}" }, Action: ["sts:AssumeRole", "sts:SetSourceIdentity"], Condition: { StringLike: SI } }) }),
    });
    expect(run(rule, json).map((f) => f.principal)).toEqual(["aws_iam_role.entry"]);
  });
});

describe("agent-source-identity: EKS Pod Identity written in HCL", () => {
  const podTrust = (name: string, extra = "", actions = '["sts:AssumeRole", "sts:TagSession"]') => `
data "aws_iam_policy_document" "${name}" {
  statement {
    actions = ${actions}
    principals {
      type        = "Service"
      identifiers = ["pods.eks.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:RequestTag/kubernetes-namespace"
      values   = ["agents"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:RequestTag/kubernetes-service-account"
      values   = ["coding-agent"]
    }
${extra}
  }
}
`;
  const boundary = BOUNDARY;
  const role = (name: string, doc: string) => roleHcl(name, doc);
  const association = (roleRef: string) => `
resource "aws_eks_pod_identity_association" "agent" {
  cluster_name    = "agents"
  namespace       = "agents"
  service_account = "coding-agent"
  role_arn        = ${roleRef}
}
`;
  const findings = sourceIdentityFindings;

  it("the agent role the association names, trusting the service directly: an error whose fix is the entry role", async () => {
    const found = await findings(podTrust("pod") + boundary + role("agent", "data.aws_iam_policy_document.pod.json") + association("aws_iam_role.agent.arn"));
    expect(found.map((f) => f.severity)).toEqual(["error"]);
    expect(found[0].message).toContain("lets Service pods.eks.amazonaws.com call sts:AssumeRole with no sts:SourceIdentity condition");
    expect(found[0].message).not.toContain("Require StringLike");
  });

  it("the trust that requires the source identity is reported as unassumable", async () => {
    const found = await findings(
      podTrust("pod", SI_CONDITION, '["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"]') + boundary + role("agent", "data.aws_iam_policy_document.pod.json") + association("aws_iam_role.agent.arn"),
    );
    expect(found.map((f) => f.severity)).toEqual(["warning"]);
    expect(found[0].message).toContain("no EKS Pod Identity pod can assume");
  });

  it("control: the association's role as an entry role into an agent role that requires the source identity passes", async () => {
    const found = await folderFindings(podTrust("pod") + boundary + entryIntoAgentHcl("data.aws_iam_policy_document.pod.json") + association("aws_iam_role.entry.arn"));
    expect(found.map((f) => `${f.ruleId} ${f.resource}`)).toEqual([]);
  });
});
