/**
 * Red-team round 63 on the logins that ask for no IAM right (roles-anywhere.ts, identity-pools.ts): a CA outside the
 * stack may chain to one the stack made on an earlier apply, and user pool triggers written as a Lambda alias.
 */
import { allow, anywhereRole, caConfig, check, details, errors, reached, stack, type Obj } from "../helpers/cognito";

describe("63. IAM Roles Anywhere: a CA outside the stack may chain to a root the stack made on an earlier apply", () => {
  const INTERMEDIATE = "arn:aws:acm-pca:us-east-1:111111111111:certificate-authority/22222222-2222-2222-2222-222222222222";
  const issue = (resource: string) => allow(["acm-pca:IssueCertificate", "acm-pca:GetCertificate"], resource);
  /** The central PKI stack: its root, and an anchor on it (`AWS_ACM_PCA`, or its certificate in a bundle). */
  const root = { "aws_acmpca_certificate_authority.root": { type: "ROOT", certificate_authority_configuration: caConfig("corp root") } };
  const onRoot = { "aws_rolesanywhere_trust_anchor.a": { name: "a", source: { source_type: "AWS_ACM_PCA", source_data: { acm_pca_arn: "${aws_acmpca_certificate_authority.root.arn}" } } } };
  const inBundle = { "aws_rolesanywhere_trust_anchor.a": { name: "a", source: { source_type: "CERTIFICATE_BUNDLE", source_data: { x509_certificate_data: "${aws_acmpca_certificate_authority.root.certificate}" } } } };
  const issuing = { "data.aws_acmpca_certificate_authority.issuing": { arn: "arn:aws:acm-pca:us-east-1:111111111111:certificate-authority/33333333-3333-3333-3333-333333333333" } };
  /** A subordinate `team` of the stack whose CA certificate the literal-ARN intermediate issued. */
  const team: Record<string, Obj> = {
    "aws_acmpca_certificate_authority.team": { type: "SUBORDINATE", certificate_authority_configuration: caConfig("team") },
    "aws_acmpca_certificate.team": { certificate_authority_arn: INTERMEDIATE, certificate_signing_request: "${aws_acmpca_certificate_authority.team.certificate_signing_request}", signing_algorithm: "SHA256WITHRSA", template_arn: "arn:aws:acm-pca:::template/SubordinateCACertificate_PathLen0/V1", validity: { type: "YEARS", value: "3" } },
    "aws_acmpca_certificate_authority_certificate.team": { certificate_authority_arn: "${aws_acmpca_certificate_authority.team.arn}", certificate: "${aws_acmpca_certificate.team.certificate}" },
  };

  test("IssueCertificate on an issuing CA read by a data source reaches an anchor on the stack's own root", () => {
    for (const anchor of [onRoot, inBundle]) {
      const r = check(stack(issue("${data.aws_acmpca_certificate_authority.issuing.arn}"), { ...anywhereRole, ...root, ...issuing, ...anchor }));
      expect(reached(r)).toEqual(["aws_iam_role.onprem"]);
      expect(details(r)).toMatch(/data\.aws_acmpca_certificate_authority\.issuing is read by a data source: a CA outside this stack, whose type and issuer the plan does not hold, so it may chain up to aws_acmpca_certificate_authority\.root/);
    }
  });

  test("IssueCertificate on a subordinate of the stack whose parent is a literal-ARN intermediate reaches an anchor on the stack's root", () => {
    const r = check(stack(issue("${aws_acmpca_certificate_authority.team.arn}"), { ...anywhereRole, ...root, ...team, ...onRoot }));
    expect(reached(r)).toEqual(["aws_iam_role.onprem"]);
    expect(details(r)).toMatch(/lets it have aws_acmpca_certificate_authority\.team sign a certificate for a key of its own and send it with the chain \(the CA certificate of aws_acmpca_certificate_authority\.team \(aws_acmpca_certificate\.team, installed by aws_acmpca_certificate_authority_certificate\.team\), which a private CA matching arn:aws:acm-pca:us-east-1:111111111111:certificate-authority\/22222222-2222-2222-2222-222222222222 issued\) up to aws_acmpca_certificate_authority\.root/);
    // The same in another account: the stack's account is not in the plan, and a RAM share crosses accounts.
    const other = { ...team, "aws_acmpca_certificate.team": { ...team["aws_acmpca_certificate.team"], certificate_authority_arn: INTERMEDIATE.replace("111111111111", "444444444444") } };
    const r2 = check(stack(issue("${aws_acmpca_certificate_authority.team.arn}"), { ...anywhereRole, ...root, ...other, ...onRoot }));
    expect(reached(r2)).toEqual(["aws_iam_role.onprem"]);
    expect(details(r2)).toMatch(/which a private CA matching arn:aws:acm-pca:us-east-1:444444444444:certificate-authority\/22222222-2222-2222-2222-222222222222 issued\) up to aws_acmpca_certificate_authority\.root/);
  });

  test("control: no IssueCertificate, or IssueCertificate only on another ROOT CA of the stack, leaves the anchor the root's", () => {
    const other = { "aws_acmpca_certificate_authority.other": { type: "ROOT", certificate_authority_configuration: caConfig("other root") } };
    expect(errors(check(stack(allow(["acm-pca:DescribeCertificateAuthority", "acm-pca:GetCertificate", "rolesanywhere:List*"]), { ...anywhereRole, ...root, ...issuing, ...team, ...onRoot })))).toEqual([]);
    expect(errors(check(stack(issue("${aws_acmpca_certificate_authority.other.arn}"), { ...anywhereRole, ...root, ...other, ...issuing, ...onRoot })))).toEqual([]);
  });
});

describe("63. IAM Roles Anywhere: a trust naming one instance of a counted anchor names that anchor", () => {
  const anchor = { "aws_rolesanywhere_trust_anchor.a": { count: 1, name: "a", source: { source_type: "CERTIFICATE_BUNDLE", source_data: { x509_certificate_data: "${var.ca_pem}" } } } };
  const trusting = (sourceArn: string): Record<string, Obj> => ({
    ...anywhereRole,
    "aws_iam_role.onprem": {
      name: "onprem",
      assume_role_policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "rolesanywhere.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"], Condition: { ArnEquals: { "aws:SourceArn": sourceArn } } }] }),
    },
    ...anchor,
  });

  test("UpdateTrustAnchor on the anchor reaches a role whose aws:SourceArn is `${aws_rolesanywhere_trust_anchor.a[0].arn}`, or its id under the ARN", () => {
    for (const arn of ["${aws_rolesanywhere_trust_anchor.a[0].arn}", "arn:aws:rolesanywhere:us-east-1:111111111111:trust-anchor/${aws_rolesanywhere_trust_anchor.a[0].id}"]) {
      expect([arn, reached(check(stack(allow("rolesanywhere:UpdateTrustAnchor", "${aws_rolesanywhere_trust_anchor.a[0].arn}"), trusting(arn))))]).toEqual([arn, ["aws_iam_role.onprem"]]);
    }
  });

  test("control: a role whose aws:SourceArn names another anchor of the stack is not reached through this one", () => {
    const other = { "aws_rolesanywhere_trust_anchor.b": { name: "b", source: { source_type: "CERTIFICATE_BUNDLE", source_data: { x509_certificate_data: "${var.ca_pem}" } } } };
    // Only the roles outside the stack any anchor may serve (a fail-closed agent-reach-unknown of its own): not this one.
    const r = check(stack(allow("rolesanywhere:UpdateTrustAnchor", "${aws_rolesanywhere_trust_anchor.a[0].arn}"), { ...trusting("${aws_rolesanywhere_trust_anchor.b.arn}"), ...other }));
    expect(errors(r).map((f) => f.ruleId)).toEqual(["agent-reach-unknown"]);
  });
});
