/**
 * Red-team round 67: an ACM Private CA policy (`aws_acmpca_policy`) allowing IssueCertificate to an account
 * (`arn:aws:iam::222222222222:root`, or a bare account id) was read as admitting the agent, whatever the account. An
 * account principal delegates to that account's own IAM policies: another account's root never admits the agent, and
 * its own account's root admits it only where its identity policies (within its boundary) allow the call, which the
 * agent's identity grants already count. Those controls, and a policy naming the agent, its sessions or `*`, still reach.
 */
import { allow, anywhereRole, caConfig, check, errors, reached, stack, type Obj } from "../helpers/cognito";

const root = { "aws_acmpca_certificate_authority.ca": { type: "ROOT", certificate_authority_configuration: caConfig("corp root") } };
const anchor = { "aws_rolesanywhere_trust_anchor.a": { name: "a", source: { source_type: "AWS_ACM_PCA", source_data: { acm_pca_arn: "${aws_acmpca_certificate_authority.ca.arn}" } } } };
const pcaPolicy = (principal: unknown) => ({
  "aws_acmpca_policy.p": {
    resource_arn: "${aws_acmpca_certificate_authority.ca.arn}",
    policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: principal, Action: ["acm-pca:IssueCertificate", "acm-pca:GetCertificate"], Resource: "${aws_acmpca_certificate_authority.ca.arn}" }] }),
  },
});
const READ = allow("acm-pca:DescribeCertificateAuthority");
const PINNED = { provider: { aws: [{ region: "eu-west-1", allowed_account_ids: ["111111111111"] }] } };

/** Variants of one stack: as built (a boundary allowing all but deletes), without the boundary, with the account pinned. */
function variants(statements: Obj[], principal: unknown): Obj[] {
  const make = () => stack(statements, { ...anywhereRole, ...root, ...anchor, ...pcaPolicy(principal) });
  const unbounded = make();
  delete ((unbounded as { resource: Record<string, Record<string, Obj>> }).resource["aws_iam_role"]["agent"] as Obj).permissions_boundary;
  return [make(), unbounded, { ...make(), ...PINNED }, { ...unbounded, ...PINNED }];
}

describe("67. an ACM Private CA policy naming an account", () => {
  test("another account's root or id never admits the agent (the red team's false alarm, with a boundary or none)", () => {
    for (const principal of [{ AWS: "arn:aws:iam::222222222222:root" }, { AWS: "222222222222" }, { AWS: ["arn:aws:iam::222222222222:root", "arn:aws:iam::333333333333:root"] }]) {
      for (const doc of variants(READ, principal)) expect([principal, errors(check(doc))]).toEqual([principal, []]);
    }
  });

  test("its own account's root admits it only with an identity Allow, which it lacks here", () => {
    for (const principal of [{ AWS: "arn:aws:iam::111111111111:root" }, { AWS: "111111111111" }]) {
      for (const doc of variants(READ, principal)) expect([principal, errors(check(doc))]).toEqual([principal, []]);
    }
  });

  test("control: with an identity Allow of IssueCertificate on the CA, the anchor's role is reached, whatever account the policy names", () => {
    const issue = [...READ, ...allow("acm-pca:IssueCertificate", "${aws_acmpca_certificate_authority.ca.arn}")];
    for (const principal of [{ AWS: "arn:aws:iam::111111111111:root" }, { AWS: "arn:aws:iam::222222222222:root" }]) {
      for (const doc of variants(issue, principal)) expect([principal, reached(check(doc))]).toEqual([principal, ["aws_iam_role.onprem"]]);
    }
  });

  test("control: a policy naming the agent's sessions, `*`, or an account root beside them still admits it", () => {
    for (const principal of [{ AWS: "*" }, { AWS: "arn:aws:sts::111111111111:assumed-role/agent/*" }, { AWS: ["arn:aws:iam::222222222222:root", "arn:aws:sts::111111111111:assumed-role/agent/*"] }]) {
      for (const doc of variants(READ, principal)) expect([principal, reached(check(doc))]).toEqual([principal, ["aws_iam_role.onprem"]]);
    }
  });
});
