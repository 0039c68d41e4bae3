/**
 * Red-team round 108, F5c: an access policy scoped to namespaces. The path to an IRSA role said "a service account it
 * creates there can assume" the role although the role's trust asks for a service account of another namespace,
 * which such an administrator cannot create. The path stays (a privileged pod of its own shares nodes with that
 * service account's pods and reads their tokens; blastwall reads no pod security or scheduling rule), and says so.
 */
import { agentRole, check, errors, policy, tf } from "../helpers/tf";

type Obj = Record<string, unknown>;

const EDIT = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy";
const OIDC = "oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF0123456789";

/** An agent given EDIT on cluster `main` with `scope`, and role `ebs_csi` (IRSA, can delete volumes) trusting `sub`. */
function stack(scope: Obj, sub: Obj | undefined): Obj {
  return tf({
    "aws_iam_role.agent": agentRole(),
    "aws_iam_role.cluster": { name: "cluster", assume_role_policy: policy({ Effect: "Allow", Principal: { Service: "eks.amazonaws.com" }, Action: "sts:AssumeRole" }) },
    "aws_eks_cluster.main": { name: "main", role_arn: "${aws_iam_role.cluster.arn}", vpc_config: { subnet_ids: ["subnet-1"] } },
    "aws_eks_fargate_profile.fp": { cluster_name: "${aws_eks_cluster.main.name}", fargate_profile_name: "fp", pod_execution_role_arn: "${aws_iam_role.cluster.arn}", subnet_ids: ["subnet-1"], selector: [{ namespace: "app" }] },
    "aws_iam_openid_connect_provider.eks": { url: `https://${OIDC}`, client_id_list: ["sts.amazonaws.com"] },
    "aws_iam_role.ebs_csi": {
      name: "ebs-csi",
      assume_role_policy: policy({ Effect: "Allow", Principal: { Federated: "${aws_iam_openid_connect_provider.eks.arn}" }, Action: "sts:AssumeRoleWithWebIdentity", ...(sub ? { Condition: sub } : {}) }),
    },
    "aws_iam_role_policy_attachment.ebs_csi": { role: "${aws_iam_role.ebs_csi.name}", policy_arn: "arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy" },
    "aws_eks_access_entry.agent": { cluster_name: "${aws_eks_cluster.main.name}", principal_arn: "${aws_iam_role.agent.arn}" },
    "aws_eks_access_policy_association.agent": { cluster_name: "${aws_eks_cluster.main.name}", principal_arn: "${aws_iam_role.agent.arn}", policy_arn: EDIT, access_scope: [scope] },
  });
}

const APP = { type: "namespace", namespaces: ["app"] };
const KUBE_SYSTEM = { StringEquals: { [`${OIDC}:sub`]: "system:serviceaccount:kube-system:ebs-csi-controller-sa", [`${OIDC}:aud`]: "sts.amazonaws.com" } };
/** The hijack step's text of the path to ebs_csi, or undefined when there is no such path. */
const route = (json: Obj) => {
  const f = errors(check(json), "agent-transitive-destroy").find((x) => x.resource === "aws_iam_role.ebs_csi");
  return f?.evidence.find((e) => e.step === "hijack")?.detail;
};
const CREATES = "a service account it creates there can assume aws_iam_role.ebs_csi";
const NODE = "cannot create the service account the trust of aws_iam_role.ebs_csi asks for";

describe("an access policy scoped to namespaces, and an IRSA trust's sub (red-team round 108, F5c)", () => {
  test("sub in kube-system, access scoped to app: still a path, through a pod on the node, and the text says so", () => {
    const text = route(stack(APP, KUBE_SYSTEM));
    expect(text).toContain(`${NODE} (sub system:serviceaccount:kube-system:ebs-csi-controller-sa), outside its access scope (namespace app)`);
    expect(text).toContain("a privileged pod it runs in app, on a node where that service account's pods run, can read their tokens");
    expect(text).not.toContain(CREATES);
  });

  test("a StringLike sub of another namespace's service accounts, or a scope of several namespaces none of which matches", () => {
    expect(route(stack(APP, { StringLike: { [`${OIDC}:sub`]: "system:serviceaccount:kube-*:*" } }))).toContain(NODE);
    expect(route(stack({ type: "namespace", namespaces: ["app", "web-*"] }, KUBE_SYSTEM))).toContain(NODE);
  });

  test("the control: with a cluster-wide association as well (written after the scoped one), the route told is the wide one", () => {
    const json = stack(APP, KUBE_SYSTEM) as { resource: Record<string, Record<string, Obj>> };
    json.resource["aws_eks_access_policy_association"]["wide"] = { cluster_name: "${aws_eks_cluster.main.name}", principal_arn: "${aws_iam_role.agent.arn}", policy_arn: EDIT, access_scope: [{ type: "cluster" }] };
    expect(route(json)).toContain(CREATES);
  });

  test("the controls: the service account's namespace in scope, cluster scope, or a sub that may name any namespace", () => {
    expect(route(stack(APP, { StringEquals: { [`${OIDC}:sub`]: "system:serviceaccount:app:worker" } }))).toContain(CREATES);
    expect(route(stack({ type: "namespace", namespaces: ["kube-*"] }, KUBE_SYSTEM))).toContain(CREATES);
    expect(route(stack({ type: "cluster" }, KUBE_SYSTEM))).toContain(CREATES);
    expect(route(stack(APP, { StringLike: { [`${OIDC}:sub`]: "system:serviceaccount:*" } }))).toContain(CREATES);
    expect(route(stack(APP, { StringLike: { [`${OIDC}:sub`]: ["system:serviceaccount:kube-system:x", "system:serviceaccount:a*:y"] } }))).toContain(CREATES);
    expect(route(stack(APP, { StringEquals: { [`${OIDC}:sub`]: "system:serviceaccount:${var.ns}:x" } }))).toContain(CREATES);
    expect(route(stack(APP, undefined))).toContain(CREATES);
  });
});

describe("an access policy scoped to namespaces, and a pod identity association's namespace", () => {
  /** The stack above with role `pia`, which can delete volumes, given to pods of `namespace` by a pod identity association. */
  const withAssociation = (scope: Obj, namespace: string) => {
    const json = stack(scope, KUBE_SYSTEM) as { resource: Record<string, Record<string, Obj>> };
    json.resource["aws_iam_role"]["pia"] = {
      name: "pia",
      assume_role_policy: policy({ Effect: "Allow", Principal: { Service: "pods.eks.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"] }),
      inline_policy: [{ name: "p", policy: policy({ Effect: "Allow", Action: "ec2:DeleteVolume", Resource: "*" }) }],
    };
    json.resource["aws_eks_pod_identity_association"] = {
      pia: { cluster_name: "${aws_eks_cluster.main.name}", namespace, service_account: "worker", role_arn: "${aws_iam_role.pia.arn}" },
    };
    const f = errors(check(json), "agent-transitive-destroy").find((x) => x.resource === "aws_iam_role.pia");
    return f?.evidence.find((e) => e.step === "hijack")?.detail;
  };

  test("an association for a namespace outside the scope: still a path, through a pod on the node, and the text says so", () => {
    const text = withAssociation(APP, "kube-system");
    expect(text).toContain("it cannot run pods in namespace kube-system, where its pod identity association aws_eks_pod_identity_association.pia gives pods its role");
    expect(text).toContain("a privileged pod it runs in app, on a node where those pods run, can read their credentials");
  });

  test("the controls: the association's namespace in scope, or cluster scope", () => {
    expect(withAssociation(APP, "app")).toContain("a pod it schedules there can take the role of its pod identity association aws_eks_pod_identity_association.pia");
    expect(withAssociation({ type: "cluster" }, "kube-system")).toContain("a pod it schedules there can take the role of its pod identity association");
  });
});
