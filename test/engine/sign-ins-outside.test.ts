/**
 * Red-team round 116 (F1): signing in through a user pool or a private CA the stack does not make. An agent holding
 * `cognito-idp:AdminCreateUser`, `AdminSetUserPassword` (or the other user pool sign-in rights) or
 * `acm-pca:IssueCertificate` on `*` got no reach finding in a stack with no pool or CA, while the same rights on the
 * stack's own pools were judged as paths: identity pools and trust anchors outside the stack may accept the user or
 * the certificate, and GetCredentialsForIdentity and rolesanywhere:CreateSession ask for no IAM right. A grant written
 * as a reference to the stack's pool or CA names that one alone, and the login paths judge it as before.
 */
import { allow, anywhereRole, assumableOps, caConfig, check, cognito, errors, reached, stack } from "../helpers/cognito";
import type { Report } from "../../lib/report/types";

const unknowns = (r: Report) => errors(r, "agent-reach-unknown");
const ids = (r: Report) => errors(r).map((f) => f.ruleId).sort();
const USER_POOL_ARN = "arn:aws:cognito-idp:eu-west-1:111111111111:userpool/eu-west-1_AbCdEf123";
const CA_ARN = "arn:aws:acm-pca:eu-west-1:111111111111:certificate-authority/0a1b2c3d-1111-2222-3333-444455556666";
const SIGN_INS = ["cognito-idp:AdminCreateUser", "cognito-idp:AdminSetUserPassword", "cognito-idp:AdminUpdateUserAttributes", "cognito-idp:AdminAddUserToGroup", "cognito-idp:AdminLinkProviderForUser", "cognito-idp:UpdateUserPool", "cognito-idp:AdminConfirmSignUp"];

describe("user pools outside the stack", () => {
  it.each(SIGN_INS)("%s on *: agent-reach-unknown, with what works", (action) => {
    const [f, ...more] = unknowns(check(stack(allow(action), {})));
    expect(more).toEqual([]);
    expect(f.message).toContain(`(${action}): roles handed out by identity pools that accept user pools matching *, which may lie outside this stack`);
    expect(f.fix).toMatch(/^Take cognito-idp:AdminCreateUser, cognito-idp:AdminSetUserPassword, .* and cognito-idp:AdminConfirmSignUp off the agent, or grant them only on user pools of this stack, each written as a reference \(`\$\{aws_cognito_user_pool\.NAME\.arn\}`\)/);
    expect(f.fix).toContain("AgentRole's allow() refuses these actions on a pattern or a literal ARN");
  });

  it("a user pool named by a literal ARN, or read by a data source, is one the stack does not make", () => {
    expect(unknowns(check(stack(allow("cognito-idp:AdminSetUserPassword", USER_POOL_ARN), {}))).length).toBe(1);
    const data = { "data.aws_cognito_user_pool.shared": { user_pool_id: "eu-west-1_AbCdEf123" } };
    expect(unknowns(check(stack(allow("cognito-idp:AdminCreateUser", "${data.aws_cognito_user_pool.shared.arn}"), data))).length).toBe(1);
  });

  it("on * beside the stack's own pools: the unknown, and the stack role it reaches, as before", () => {
    const r = check(stack(allow("cognito-idp:AdminCreateUser"), cognito()));
    expect(ids(r)).toEqual(["agent-reach-unknown", "agent-transitive-destroy"]);
    expect(reached(r)).toEqual(["aws_iam_role.member"]);
  });

  it("control: a grant written as a reference to the stack's user pool stays judged as before (the role it hands out, no unknown)", () => {
    const own = check(stack(allow(["cognito-idp:AdminCreateUser", "cognito-idp:AdminSetUserPassword"], "${aws_cognito_user_pool.up.arn}"), cognito()));
    expect(unknowns(own)).toEqual([]);
    expect(reached(own)).toEqual(["aws_iam_role.member"]);
    // The stack's other pool, which no identity pool accepts: no path at all.
    expect(errors(check(stack(allow(SIGN_INS, "${aws_cognito_user_pool.qa.arn}"), cognito())))).toEqual([]);
  });

  it("control: reads of user pools, and a grant on no user pool ARN, sign no one in", () => {
    expect(errors(check(stack(allow(["cognito-idp:ListUsers", "cognito-idp:AdminGetUser", "cognito-idp:DescribeUserPool"]), {})))).toEqual([]);
    expect(errors(check(stack(allow("cognito-idp:AdminCreateUser", CA_ARN), {})))).toEqual([]);
  });
});

describe("private CAs outside the stack", () => {
  it.each(["acm-pca:IssueCertificate", "acm-pca:PutPolicy"])("%s on *: agent-reach-unknown, with what works", (action) => {
    const [f, ...more] = unknowns(check(stack(allow(action), {})));
    expect(more).toEqual([]);
    expect(f.message).toContain(`(${action}): roles trusting Roles Anywhere through trust anchors backed by private CAs matching *, which may lie outside this stack`);
    expect(f.fix).toMatch(/^Take acm-pca:IssueCertificate and acm-pca:PutPolicy off the agent, or grant them only on private CAs of this stack, each written as a reference \(`\$\{aws_acmpca_certificate_authority\.NAME\.arn\}`\)/);
    expect(f.fix).toContain("Issue certificates only from this stack's own CAs");
  });

  it("a CA named by a literal ARN, or read by a data source, is one the stack does not make", () => {
    expect(unknowns(check(stack(allow("acm-pca:IssueCertificate", CA_ARN), {}))).length).toBe(1);
    const data = { "data.aws_acmpca_certificate_authority.shared": { arn: CA_ARN } };
    expect(unknowns(check(stack(allow("acm-pca:IssueCertificate", "${data.aws_acmpca_certificate_authority.shared.arn}"), data))).length).toBe(1);
  });

  const root = { "aws_acmpca_certificate_authority.ca": { type: "ROOT", certificate_authority_configuration: caConfig("corp root") } };
  const anchor = { "aws_rolesanywhere_trust_anchor.a": { name: "a", source: { source_type: "AWS_ACM_PCA", source_data: { acm_pca_arn: "${aws_acmpca_certificate_authority.ca.arn}" } } } };

  it("control: issuing from the stack's CA by reference stays judged as before (the anchor's role, no unknown)", () => {
    const own = check(stack(allow("acm-pca:IssueCertificate", "${aws_acmpca_certificate_authority.ca.arn}"), { ...root, ...anchor, ...anywhereRole }));
    expect(ids(own)).toEqual(["agent-transitive-destroy"]);
    expect(reached(own)).toEqual(["aws_iam_role.onprem"]);
    expect(errors(check(stack(allow(["acm-pca:IssueCertificate", "acm-pca:PutPolicy"], "${aws_acmpca_certificate_authority.ca.arn}"), root)))).toEqual([]);
  });

  it("control: reading CAs signs nothing", () => {
    expect(errors(check(stack(allow(["acm-pca:DescribeCertificateAuthority", "acm-pca:GetCertificate", "acm-pca:ListCertificateAuthorities"]), {})))).toEqual([]);
  });
});

describe("through a role the agent assumes", () => {
  const ops = assumableOps;

  it.each([
    ["cognito-idp:AdminSetUserPassword", "Take cognito-idp:AdminCreateUser, "],
    ["acm-pca:IssueCertificate", "Take acm-pca:IssueCertificate and acm-pca:PutPolicy "],
  ])("%s: take it off that role, or cut the first link", (right, take) => {
    const [f] = unknowns(check(stack(allow("sts:AssumeRole", "${aws_iam_role.ops.arn}"), ops(right))));
    expect(f.fix.startsWith(take)).toBe(true);
    expect(f.fix).toContain(" off aws_iam_role.ops, or grant them only on ");
    expect(f.fix).toContain("Or cut the chain's first link (aws_iam_role.agent -> aws_iam_role.ops).");
  });
});
