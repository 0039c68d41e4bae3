/**
 * Red-team round 123 F6: the usual hand-written IRSA trust names its OIDC provider by reference, whose url is the EKS
 * cluster's issuer by reference, and keys its conditions by `"${local.oidc_host}:sub"`: blastwall cannot read the
 * statement, and advised requiring a source identity, which would lock every pod out. The advice now comes from the
 * provider the document names.
 */
import { check, tf } from "../helpers/tf";
import { allRules } from "../../lib/rules";

const stack = (url: string) =>
  tf({
    "aws_eks_cluster.main": { name: "main", role_arn: "arn:aws:iam::111111111111:role/eks-control", vpc_config: { subnet_ids: ["subnet-1"] } },
    "aws_iam_openid_connect_provider.eks": { url, client_id_list: ["sts.amazonaws.com"] },
    "data.aws_iam_policy_document.trust": {
      statement: [
        {
          effect: "Allow",
          actions: ["sts:AssumeRoleWithWebIdentity"],
          principals: [{ type: "Federated", identifiers: ["${aws_iam_openid_connect_provider.eks.arn}"] }],
          condition: [{ test: "StringEquals", variable: "${local.oidc_host}:sub", values: ["system:serviceaccount:agents:coder"] }],
        },
      ],
    },
    "aws_iam_role.coder": { name: "coder", assume_role_policy: "${data.aws_iam_policy_document.trust.json}", tags: { "blastwall:agent": "true" } },
  }, { locals: { oidc_host: '${replace(aws_iam_openid_connect_provider.eks.url, "https://", "")}' } });

const finding = (url: string) => check(stack(url), {}, { rules: allRules }).findings.find((f) => f.ruleId === "agent-source-identity" && f.principal === "aws_iam_role.coder")!;

describe("agent-source-identity on an IRSA trust written by reference (red-team round 123 F6)", () => {
  it.each([["${aws_eks_cluster.main.identity[0].oidc[0].issuer}"], ["https://oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF"]])(
    "a provider whose url is an EKS issuer (%s): still an error, with the entry-role advice, not a condition that locks pods out",
    (url) => {
      const f = finding(url);
      expect(f.severity).toBe("error");
      expect(f.message).toContain("cannot be read");
      expect(f.message).toContain("Do not require one in this statement");
      expect(f.message).toContain("Amazon EKS (IRSA)");
      expect(f.fix).toContain('README "Agents in EKS pods"');
    },
  );

  it("control: a provider of another issuer keeps the plain advice", () => {
    const f = finding("https://oidc.example.com");
    expect(f.severity).toBe("error");
    expect(f.message).toContain("Write the trust policy so blastwall can read it, with StringLike sts:SourceIdentity = agent-*.");
    expect(f.message).not.toContain("Do not require one");
  });
});
