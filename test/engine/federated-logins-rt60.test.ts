/**
 * Red-team round 60 on the logins that ask for no IAM right (identity-pools.ts, roles-anywhere.ts, the provider
 * rewrites of graph.ts): a private CA whose certificate a trust anchor holds as a bundle, subordinate CAs below an
 * anchor's CA, identity pools accepting OpenID Connect and SAML providers, and role mapping rules on claims a user
 * cannot write.
 */
import { check, errors, policy, safeAgentStack, tf } from "../helpers/tf";
import type { Report } from "../../lib/report/types";

type Obj = Record<string, unknown>;

const DESTROY = policy({ Effect: "Allow", Action: ["ec2:DeleteVolume", "ec2:DeleteSnapshot"], Resource: "*" });

function stack(statements: Obj[], resources: Record<string, Obj>): Obj {
  const doc = safeAgentStack(statements, ["ec2:Delete*", "ec2:Terminate*"]) as { resource: Record<string, Record<string, Obj>> } & Obj;
  const more = tf(resources) as Obj & { resource?: Record<string, Record<string, Obj>>; data?: Obj };
  for (const [type, byName] of Object.entries(more.resource ?? {})) doc.resource[type] = { ...doc.resource[type], ...byName };
  if (more.data) (doc as Obj).data = { ...((doc as Obj).data as Obj), ...more.data };
  return doc;
}

const reached = (r: Report) => errors(r, "agent-transitive-destroy").map((f) => f.resource);
const details = (r: Report) => errors(r).flatMap((f) => f.evidence).map((e) => `${e.step}:${e.detail}`).join("\n");
const allow = (action: string | string[], resource: string | string[] = "*") => [{ Effect: "Allow", Action: action, Resource: resource }];

describe("60. IAM Roles Anywhere: an anchor whose certificate bundle holds a private CA's certificate", () => {
  const anywhereRole: Record<string, Obj> = {
    "aws_iam_role.onprem": {
      name: "onprem",
      assume_role_policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "rolesanywhere.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"], Condition: { ArnEquals: { "aws:SourceArn": "${aws_rolesanywhere_trust_anchor.a.arn}" } } }],
      }),
    },
    "aws_iam_role_policy.onprem": { role: "${aws_iam_role.onprem.name}", policy: DESTROY },
    "aws_rolesanywhere_profile.p": { name: "onprem", role_arns: ["${aws_iam_role.onprem.arn}"] },
  };
  const cfg = (cn: string) => ({ key_algorithm: "RSA_2048", signing_algorithm: "SHA256WITHRSA", subject: { common_name: cn } });
  const cas: Record<string, Obj> = {
    "aws_acmpca_certificate_authority.ca": { type: "ROOT", certificate_authority_configuration: cfg("ca") },
    "aws_acmpca_certificate_authority.other": { type: "ROOT", certificate_authority_configuration: cfg("other") },
  };
  const bundle = (pem: unknown, extra: Record<string, Obj> = {}) => ({
    ...anywhereRole,
    ...cas,
    "aws_rolesanywhere_trust_anchor.a": { name: "a", source: { source_type: "CERTIFICATE_BUNDLE", source_data: { x509_certificate_data: pem } } },
    ...extra,
  });
  const issue = (resource: string | string[]) => allow(["acm-pca:IssueCertificate", "acm-pca:GetCertificate"], resource);
  const PEM = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQ3Vy\n-----END CERTIFICATE-----\n";

  test("a bundle of ${ca.certificate}: IssueCertificate on that CA gets a certificate the anchor trusts", () => {
    const r = check(stack(issue("${aws_acmpca_certificate_authority.ca.arn}"), bundle("${aws_acmpca_certificate_authority.ca.certificate}")));
    expect(reached(r)).toEqual(["aws_iam_role.onprem"]);
    expect(details(r)).toMatch(/acm-pca:IssueCertificate: .*aws_acmpca_certificate_authority\.ca, whose CA certificate the certificate bundle of aws_rolesanywhere_trust_anchor\.a \(source_data\.x509_certificate_data\) holds/);
    expect(details(r)).toMatch(/Take acm-pca:IssueCertificate on aws_acmpca_certificate_authority\.ca away from the principal/);
  });

  test("control: IssueCertificate on another CA of the stack is no path to that anchor", () => {
    expect(errors(check(stack(issue("${aws_acmpca_certificate_authority.other.arn}"), bundle("${aws_acmpca_certificate_authority.ca.certificate}"))))).toEqual([]);
  });

  test("the CA's certificate written as the one an authority certificate installs, or an aws_acmpca_certificate for its CSR", () => {
    const installed = {
      "aws_acmpca_certificate.root": {
        certificate_authority_arn: "${aws_acmpca_certificate_authority.ca.arn}",
        certificate_signing_request: "${aws_acmpca_certificate_authority.ca.certificate_signing_request}",
        signing_algorithm: "SHA256WITHRSA",
        template_arn: "arn:aws:acm-pca:::template/RootCACertificate/V1",
        validity: { type: "YEARS", value: "10" },
      },
      "aws_acmpca_certificate_authority_certificate.root": { certificate_authority_arn: "${aws_acmpca_certificate_authority.ca.arn}", certificate: "${aws_acmpca_certificate.root.certificate}" },
    };
    for (const pem of ["${aws_acmpca_certificate_authority_certificate.root.certificate}", "${aws_acmpca_certificate.root.certificate}"]) {
      const r = check(stack(issue("${aws_acmpca_certificate_authority.ca.arn}"), bundle(pem, installed)));
      expect(reached(r)).toEqual(["aws_iam_role.onprem"]);
      expect(details(r)).toMatch(/aws_acmpca_certificate_authority\.ca, whose CA certificate the certificate bundle/);
      // Control: the other CA's grant does not reach it.
      expect(errors(check(stack(issue("${aws_acmpca_certificate_authority.other.arn}"), bundle(pem, installed))))).toEqual([]);
    }
  });

  test("a data.aws_acmpca_certificate_authority's certificate: a grant on that CA counts, by reference or by its ARN", () => {
    const arn = "arn:aws:acm-pca:us-east-1:222222222222:certificate-authority/11111111-2222";
    const shared = { "data.aws_acmpca_certificate_authority.shared": { arn } };
    const pem = "${data.aws_acmpca_certificate_authority.shared.certificate}";
    expect(reached(check(stack(issue("${data.aws_acmpca_certificate_authority.shared.arn}"), bundle(pem, shared))))).toEqual(["aws_iam_role.onprem"]);
    expect(reached(check(stack(issue(arn), bundle(pem, shared))))).toEqual(["aws_iam_role.onprem"]);
    // Control: a CA the stack makes is not that one, nor is one of another account.
    expect(errors(check(stack(issue("${aws_acmpca_certificate_authority.other.arn}"), bundle(pem, shared))))).toEqual([]);
    expect(errors(check(stack(issue("arn:aws:acm-pca:us-east-1:333333333333:certificate-authority/*"), bundle(pem, shared))))).toEqual([]);
  });

  test("a bundle blastwall cannot read (a variable, file()) fails closed: any CA the grant covers may be the one", () => {
    for (const pem of ["${var.ca_pem}", '${file("ca.pem")}']) {
      const r = check(stack(issue("${aws_acmpca_certificate_authority.other.arn}"), bundle(pem)));
      expect(reached(r)).toEqual(["aws_iam_role.onprem"]);
      expect(details(r)).toMatch(/aws_acmpca_certificate_authority\.other, which may be a CA whose certificate the certificate bundle of aws_rolesanywhere_trust_anchor\.a .* a value blastwall cannot read/);
    }
  });

  test("a literal PEM may be the certificate of a CA outside the stack: IssueCertificate on `*` or an ARN counts", () => {
    for (const resource of ["*", "arn:aws:acm-pca:us-east-1:222222222222:certificate-authority/abcd"]) {
      const r = check(stack(issue(resource), bundle(PEM)));
      expect(reached(r)).toEqual(["aws_iam_role.onprem"]);
      expect(details(r)).toMatch(/holds as a literal PEM \(blastwall does not read PEMs: it may be the certificate of any CA this stack does not make\)/);
    }
  });

  test("control: a literal PEM is not the certificate of a CA this stack makes (its key is made at apply time)", () => {
    expect(errors(check(stack(issue("${aws_acmpca_certificate_authority.ca.arn}"), bundle(PEM))))).toEqual([]);
    // Nor does the bundle anchor change the AWS_ACM_PCA reading: the same grant on an anchor naming that CA counts.
    const pca = { "aws_rolesanywhere_trust_anchor.a": { name: "a", source: { source_type: "AWS_ACM_PCA", source_data: { acm_pca_arn: "${aws_acmpca_certificate_authority.ca.arn}" } } } };
    expect(reached(check(stack(issue("${aws_acmpca_certificate_authority.ca.arn}"), bundle(PEM, pca))))).toEqual(["aws_iam_role.onprem"]);
  });
});
