/**
 * Red-team round 124, on the fixes of rounds 122 and 123: a key file() read from a checkout whose path holds `%` or
 * `$` (Jenkins' `feature%2Fx`) or from a checkout without .git passed as "outside the repository" (F1, F2); a real key
 * id written twice or quoted passed for a placeholder (F3); an acknowledgement written for an AWS managed policy's ARN
 * covered chains into every role holding it (F4); an EKS add-on's own pod identity association was not among a
 * cluster's roles (F5); removed-left-in-aws missed service users and groups (F7).
 */
import { mkdirSync, writeFileSync } from "fs";
import { join } from "path";
import { mkdtempSync } from "fs";
import { tmpdir } from "os";
import { tree } from "../helpers/files";
import { runIn } from "../helpers/cli";
import { check, policy, tf } from "../helpers/tf";
import { allRules } from "../../lib/rules";
import { awsKeyIds } from "../../lib/check/repository-files";

const PEM = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAEXAMPLE\n-----END OPENSSH PRIVATE KEY-----\n";
const credentialFindings = (stdout: string) =>
  (JSON.parse(stdout) as { findings: { ruleId: string; principal: string; severity: string; message: string }[] }).findings.filter((f) => f.ruleId === "credential-in-source");
const connection = (path: string) => `resource "null_resource" "n" {\n  connection {\n    host = "h"\n    private_key = file("${path}")\n  }\n}\n`;

describe("credential-in-source: keys of the checkout read with file() (F1, F2)", () => {
  it("a checkout whose path holds % or $: a key of it read by absolute path is still the repository's", async () => {
    const base = mkdtempSync(join(tmpdir(), "blastwall-rt124-"));
    const root = join(base, "feature%2Fx$1");
    mkdirSync(join(root, ".git"), { recursive: true });
    mkdirSync(join(root, "keys"));
    writeFileSync(join(root, ".git/HEAD"), "ref: refs/heads/main\n");
    writeFileSync(join(root, "keys/id_ed25519"), PEM);
    writeFileSync(join(root, "main.tf"), connection(join(root, "keys/id_ed25519")));
    const found = credentialFindings((await runIn(["check", "--format", "json", "."], root)).stdout);
    expect(found.map((f) => [f.principal, f.severity])).toEqual([["null_resource.n", "error"]]);
  });

  it("a checkout without .git: a key one folder up, read by a relative path, counts (where the repository ends is not known)", async () => {
    const root = tree({ "keys/id_ed25519": PEM, "infra/main.tf": connection("../keys/id_ed25519") });
    const found = credentialFindings((await runIn(["check", "--format", "json", "infra"], root)).stdout);
    expect(found.map((f) => [f.principal, f.severity])).toEqual([["null_resource.n", "error"]]);
  });

  it("control: in a checkout with .git, a key outside it read by absolute path still passes", async () => {
    const home = tree({ ".ssh/id_ed25519": PEM });
    const root = tree({ ".git/HEAD": "ref: refs/heads/main\n", "main.tf": connection(join(home, ".ssh/id_ed25519")) });
    expect(credentialFindings((await runIn(["check", "--format", "json", "."], root)).stdout)).toEqual([]);
  });
});

describe("credential-in-source: placeholder key ids in a credentials file (F3)", () => {
  it("every key id of a profile is kept, quotes off", () => {
    expect(awsKeyIds(`[ci]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_access_key_id = test\n[q]\naws_access_key_id = "AKIAIOSFODNN7EXAMPLE"\n`)).toEqual(
      new Map([
        ["ci", ["AKIAIOSFODNN7EXAMPLE", "test"]],
        ["q", ["AKIAIOSFODNN7EXAMPLE"]],
      ]),
    );
  });

  it("a real key id written twice (then `test`) or quoted is an error, not a placeholder warning", async () => {
    for (const id of ["AKIAIOSFODNN7EXAMPLE\naws_access_key_id = test", '"AKIAIOSFODNN7EXAMPLE"']) {
      const root = tree({
        ".git/HEAD": "ref: refs/heads/main\n",
        "main.tf": 'provider "aws" {\n  shared_credentials_files = ["creds"]\n}\n',
        creds: `[default]\naws_access_key_id = ${id}\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n`,
      });
      expect([id, credentialFindings((await runIn(["check", "--format", "json", "."], root)).stdout).map((f) => f.severity)]).toEqual([id, ["error"]]);
    }
  });
});

describe("an acknowledgement for an AWS managed policy's ARN covers only the principal's own grant (F4)", () => {
  it("not a chain into another role that holds the same policy", () => {
    const EC2 = "arn:aws:iam::aws:policy/AmazonEC2FullAccess";
    const trust = (who: string) => JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: who }, Action: "sts:AssumeRole" }] });
    const doc = tf({
      "aws_iam_role.agent": { name: "agent", assume_role_policy: trust("arn:aws:iam::111111111111:role/runner"), tags: { "blastwall:agent": "true" } },
      "aws_iam_role_policy.hop": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: "sts:AssumeRole", Resource: "${aws_iam_role.prod.arn}" }) },
      "aws_iam_role.prod": { name: "prod-ops", assume_role_policy: trust("${aws_iam_role.agent.arn}") },
      "aws_iam_role_policy_attachment.prod": { role: "${aws_iam_role.prod.name}", policy_arn: EC2 },
    });
    const open = (ruleId: string) =>
      check(doc, { acknowledgements: [{ ruleId, principal: "aws_iam_role.agent", resource: EC2, reason: "reviewed" }] }, { rules: allRules }).findings.filter((f) => f.ruleId === ruleId && !f.acknowledged);
    expect(open("agent-transitive-destroy").length).toBeGreaterThan(0);
  });
});

describe("an EKS add-on's own pod identity association (F5)", () => {
  it("its role is among what a marked cluster's pods run as", () => {
    const PODS = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "pods.eks.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"] }] });
    const stack = (withAddon: boolean) =>
      tf({
        "aws_eks_cluster.main": { name: "main", role_arn: "arn:aws:iam::111111111111:role/eks-control", vpc_config: { subnet_ids: ["subnet-1"] }, tags: { "blastwall:agent": "true" } },
        "aws_eks_node_group.n": { cluster_name: "${aws_eks_cluster.main.name}", node_group_name: "n", node_role_arn: "${aws_iam_role.nodes.arn}", subnet_ids: ["subnet-1"] },
        "aws_iam_role.nodes": { name: "nodes", assume_role_policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }] }) },
        "aws_iam_role.csi": { name: "ebs-csi", assume_role_policy: PODS },
        "aws_iam_role_policy.csi": { role: "${aws_iam_role.csi.name}", policy: policy({ Effect: "Allow", Action: "ec2:DeleteVolume", Resource: "*" }) },
        ...(withAddon
          ? { "aws_eks_addon.csi": { cluster_name: "${aws_eks_cluster.main.name}", addon_name: "aws-ebs-csi-driver", pod_identity_association: [{ role_arn: "${aws_iam_role.csi.arn}", service_account: "ebs-csi-controller-sa" }] } }
          : {}),
      });
    const destroyers = (withAddon: boolean) => check(stack(withAddon)).findings.filter((f) => f.ruleId === "agent-destroy-right").map((f) => f.principal);
    expect(destroyers(true)).toContain("aws_iam_role.csi");
    expect(destroyers(false)).not.toContain("aws_iam_role.csi");
  });
});

describe("removed-left-in-aws: service users and groups (F7)", () => {
  it.each(["aws_transfer_user.sftp", "aws_cognito_user_group.admins", "aws_eks_identity_provider_config.oidc", "aws_elasticache_user.app"])("%s kept in AWS is reported", (from) => {
    const r = check(tf({ "aws_iam_role.x": { name: "x", assume_role_policy: "{}" } }, { removed: [{ from, lifecycle: { destroy: false } }] }), {}, { rules: allRules });
    expect(r.findings.filter((f) => f.ruleId === "removed-left-in-aws").map((f) => f.resource)).toEqual([`removed.${from}`]);
  });
});
