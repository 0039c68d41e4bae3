/**
 * Red-team round 120, F4: an EKS pod's service account token (IRSA) is signed by the cluster with a fixed claim set and
 * never carries `https://aws.amazon.com/source_identity`, the only source identity AssumeRoleWithWebIdentity takes. The
 * rule's fix for an IRSA agent role ("require sts:SourceIdentity = agent-*") made a role no pod can assume, which the
 * gate then passed. EKS issuers now count as issuers whose tokens cannot carry the claim (ci-issuers.ts), as CI ones do.
 */
import { agentRole, check, errors, policy, tf } from "../helpers/tf";
import { run } from "./helpers";
import { rule } from "../../lib/rules/agent-source-identity";
import { ciIssuerOf } from "../../lib/engine/ci-issuers";
import { BOUNDARY, SI_CONDITION, entryIntoAgentHcl, folderFindings, roleHcl, sourceIdentityFindings } from "./source-identity-hcl";
import { AgentPrincipal } from "../../lib/constructs";

type Obj = Record<string, unknown>;
const HOST = "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE";
const PROVIDER = `arn:aws:iam::111111111111:oidc-provider/${HOST}`;
const SA = { StringEquals: { [`${HOST}:sub`]: "system:serviceaccount:agents:coding-agent", [`${HOST}:aud`]: "sts.amazonaws.com" } };
const SI = { "sts:SourceIdentity": "agent-*" };
const irsa = (condition: Obj, provider: string = PROVIDER, action: unknown = "sts:AssumeRoleWithWebIdentity") =>
  agentRole({ assume_role_policy: policy({ Effect: "Allow", Principal: { Federated: provider }, Action: action, Condition: condition }) });

describe("ci-issuers: Amazon EKS cluster issuers", () => {
  it.each([
    HOST,
    HOST.toLowerCase(),
    `${HOST}/`,
    "oidc.eks.us-gov-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF",
    "oidc.eks.cn-north-1.amazonaws.com.cn/id/0123456789ABCDEF0123456789ABCDEF",
    "oidc.eks.ap-southeast-5.amazonaws.com/id/ABC123",
  ])("recognises %s", (host) => {
    expect(ciIssuerOf(host)).toMatchObject({ name: "Amazon EKS (IRSA)", holder: "pod" });
  });

  it.each([
    // A self-managed cluster's issuer is any URL its owner picks: nothing tells it from an IdP that may write the claim.
    "kubernetes.default.svc",
    "k8s.example.com",
    "s3.eu-west-1.amazonaws.com/my-cluster-oidc",
    // Not EKS's host, or not an issuer of one cluster.
    "oidc.eks.eu-west-1.amazonaws.com",
    "oidc.eks.eu-west-1.amazonaws.com/id/",
    "oidc.eks.eu-west-1.amazonaws.com/id/ABC/extra",
    "oidc.eks.eu-west-1.amazonaws.com.example.net/id/ABC",
    "xoidc.eks.eu-west-1.amazonaws.com/id/ABC",
  ])("leaves %s as an issuer that may write the claim", (host) => {
    expect(ciIssuerOf(host)).toBeUndefined();
  });

  it("CI issuers keep their holder (a job)", () => {
    expect(ciIssuerOf("token.actions.githubusercontent.com")?.holder).toBe("job");
  });
});

describe("agent-source-identity: an IRSA agent role (Terraform JSON)", () => {
  it("the c3 shape, open to the service account: an error whose fix is an entry role, not a condition no pod can meet", () => {
    const found = run(rule, tf({ "aws_iam_role.agent": irsa(SA) }));
    expect(found).toHaveLength(1);
    const [f] = found;
    expect(f.severity).toBeUndefined();
    expect(f.message).toContain(`lets Federated ${PROVIDER} call sts:AssumeRoleWithWebIdentity with no sts:SourceIdentity condition`);
    expect(f.message).toContain("which Amazon EKS (IRSA) tokens never carry, so the role would refuse every pod");
    expect(f.message).toContain('Trust the pod through an entry role instead, which starts this role\'s sessions with a source identity (README "Agents in EKS pods"');
    expect(f.message).not.toContain("Require StringLike");
    expect(f.fix).toContain("trusts the EKS cluster's OIDC provider with the service account's exact sub (system:serviceaccount:NAMESPACE:NAME)");
    expect(f.fix).toContain("may do nothing but sts:AssumeRole and sts:SetSourceIdentity on aws_iam_role.agent");
    expect(f.fix).toContain("--source-identity agent-<pod name>");
    expect(f.fix).toContain("EKS Pod Identity does not avoid the second role");
    expect(f.fix).not.toContain("job");
  });

  it("the c3b shape, the fix followed (SetSourceIdentity + StringLike sts:SourceIdentity): a role no pod can assume, a warning", () => {
    const found = run(rule, tf({ "aws_iam_role.agent": irsa({ ...SA, StringLike: SI }, PROVIDER, ["sts:AssumeRoleWithWebIdentity", "sts:SetSourceIdentity"]) }));
    expect(found).toHaveLength(1);
    expect(found[0].severity).toBe("warning");
    expect(found[0].message).toContain("aws_iam_role.agent is an AI agent role that no Amazon EKS (IRSA) pod can assume");
    expect(found[0].message).toContain("but it requires an sts:SourceIdentity");
    expect(found[0].message).toContain("every pod is refused");
    expect(found[0].fix).toContain("entry role");
  });

  it("a China-partition cluster, and the issuer read from the condition keys when the provider is a reference", () => {
    const cn = "oidc.eks.cn-north-1.amazonaws.com.cn/id/0123456789ABCDEF0123456789ABCDEF";
    const cond = { StringEquals: { [`${cn}:sub`]: "system:serviceaccount:agents:coding-agent" }, StringLike: SI };
    const [f] = run(rule, tf({ "aws_iam_role.agent": irsa(cond, "${var.oidc_provider_arn}") }, { variable: { oidc_provider_arn: { type: "string" } } }));
    expect(f.severity).toBe("warning");
    expect(f.message).toContain("no Amazon EKS (IRSA) pod can assume");
  });

  it("control: a self-managed cluster's issuer (an arbitrary URL) keeps today's advice, and requiring the identity passes", () => {
    const host = "k8s.example.com";
    const provider = `arn:aws:iam::111111111111:oidc-provider/${host}`;
    const sub = { StringEquals: { [`${host}:sub`]: "system:serviceaccount:agents:coding-agent" } };
    const [f] = run(rule, tf({ "aws_iam_role.agent": irsa(sub, provider) }));
    expect(f.message).toContain("Require StringLike sts:SourceIdentity = agent-*");
    expect(run(rule, tf({ "aws_iam_role.agent": irsa({ ...sub, StringLike: SI }, provider) }))).toEqual([]);
  });

  it("control: the pod's IRSA role as the entry role, the agent role requiring the source identity, passes", () => {
    const json = tf({
      "aws_iam_role.entry": irsa(SA),
      "aws_iam_role_policy.entry": { role: "${aws_iam_role.entry.name}", policy: policy({ Effect: "Allow", Action: ["sts:AssumeRole", "sts:SetSourceIdentity"], Resource: "${aws_iam_role.a.arn}" }) },
      "aws_iam_role.a": agentRole({ name: "a", assume_role_policy: policy({ Effect: "Allow", Principal: { AWS: "${aws_iam_role.entry.arn}" }, Action: ["sts:AssumeRole", "sts:SetSourceIdentity"], Condition: { StringLike: SI } }) }),
    });
    expect(run(rule, json)).toEqual([]);
  });
});

describe("agent-source-identity: an IRSA agent role written in HCL (the public-module shape)", () => {
  const trust = (extra: string, actions = '["sts:AssumeRoleWithWebIdentity"]') => `
variable "cluster_oidc_issuer_url" {
  type    = string
  default = "https://${HOST}"
}
data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
locals {
  oidc_provider = replace(var.cluster_oidc_issuer_url, "https://", "")
  oidc_arn      = "arn:\${data.aws_partition.current.partition}:iam::\${data.aws_caller_identity.current.account_id}:oidc-provider/\${local.oidc_provider}"
}
data "aws_iam_policy_document" "irsa" {
  statement {
    actions = ${actions}
    principals {
      type        = "Federated"
      identifiers = [local.oidc_arn]
    }
    condition {
      test     = "StringEquals"
      variable = "\${local.oidc_provider}:sub"
      values   = [for sa in ["agents:coding-agent"] : "system:serviceaccount:\${sa}"]
    }
    condition {
      test     = "StringEquals"
      variable = "\${local.oidc_provider}:aud"
      values   = ["sts.amazonaws.com"]
    }
${extra}
  }
}
`;
  const boundary = BOUNDARY;
  const role = roleHcl;
  const findings = sourceIdentityFindings;

  it("c3: the open IRSA trust is an error whose fix is the entry role", async () => {
    const found = await findings(trust("") + boundary + role("irsa", "data.aws_iam_policy_document.irsa.json"));
    expect(found.map((f) => f.severity)).toEqual(["error"]);
    expect(found[0].message).toContain("which Amazon EKS (IRSA) tokens never carry, so the role would refuse every pod");
    expect(found[0].message).not.toContain("Require StringLike");
  });

  it("c3b: the trust that follows the old fix is reported as unassumable (it passed silently)", async () => {
    const found = await findings(trust(SI_CONDITION, '["sts:AssumeRoleWithWebIdentity", "sts:SetSourceIdentity"]') + boundary + role("irsa", "data.aws_iam_policy_document.irsa.json"));
    expect(found.map((f) => f.severity)).toEqual(["warning"]);
    expect(found[0].message).toContain("no Amazon EKS (IRSA) pod can assume");
  });

  it("control: the IRSA role as an entry role into an agent role that requires the source identity passes", async () => {
    const found = await folderFindings(trust("") + boundary + entryIntoAgentHcl("data.aws_iam_policy_document.irsa.json"));
    expect(found.map((f) => `${f.ruleId} ${f.resource}`)).toEqual([]);
  });
});

describe("the reach analysis: a role requiring a source identity admits no pod's token", () => {
  const admin = (condition: Obj): Record<string, Obj> => ({
    "aws_iam_role.deploy": { name: "deploy", assume_role_policy: policy({ Effect: "Allow", Principal: { Federated: PROVIDER }, Action: "sts:AssumeRoleWithWebIdentity", Condition: condition }) },
    "aws_iam_role_policy_attachment.deploy": { role: "${aws_iam_role.deploy.name}", policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess" },
  });
  const agent = { "aws_iam_role.entry": { name: "agent-entry", path: "/agent-entry/", assume_role_policy: policy({ Effect: "Allow", Principal: { Federated: PROVIDER }, Action: "sts:AssumeRoleWithWebIdentity", Condition: SA }), tags: { "blastwall:agent": "true" } } };
  const targets = (json: Obj) => [...new Set(errors(check(json), "agent-transitive-destroy").map((f) => f.resource))];

  it("is not reached with the agent's service account token", () => {
    expect(targets(tf({ ...agent, ...admin({ ...SA, StringLike: { "sts:SourceIdentity": "deploy-*" } }) }))).toEqual([]);
  });

  it("control: is reached without the condition, or with IfExists", () => {
    expect(targets(tf({ ...agent, ...admin(SA) }))).toEqual(["aws_iam_role.deploy"]);
    expect(targets(tf({ ...agent, ...admin({ ...SA, StringLikeIfExists: { "sts:SourceIdentity": "deploy-*" } }) }))).toEqual(["aws_iam_role.deploy"]);
  });
});

describe("AgentPrincipal.oidc: an EKS issuer", () => {
  it("refuses the default (a trust waiting for a claim no pod's token has), with the pod named", () => {
    expect(() => AgentPrincipal.oidc({ providerArn: PROVIDER, issuerHost: HOST, subject: "system:serviceaccount:agents:coding-agent" })).toThrow(
      /Amazon EKS \(IRSA\) tokens cannot carry the https:\/\/aws\.amazon\.com\/source_identity claim, so a trust that waits for it refuses every session of the pod/,
    );
  });

  it("control: accepts tokensCarrySourceIdentity: false (AgentRole adds the entry role)", () => {
    expect(() => AgentPrincipal.oidc({ providerArn: PROVIDER, issuerHost: HOST, subject: "system:serviceaccount:agents:coding-agent", tokensCarrySourceIdentity: false })).not.toThrow();
  });
});
