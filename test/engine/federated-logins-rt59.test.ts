/**
 * Red-team round 59 on the logins that ask for no IAM right (identity-pools.ts, roles-anywhere.ts): an ACM Private CA
 * behind a trust anchor, a user pool's identity providers, developer-authenticated identities, pre sign-up triggers,
 * provider names and pools written in other ways, and rights given by reference to one pool or anchor.
 */
import { allow, check, cognito, DESTROY, details, errors, onPool, poolRole, reached, stack, type Obj } from "../helpers/cognito";

describe("59. Cognito: user pool identity providers and developer-authenticated identities", () => {
  test("UpdateIdentityProvider on the user pool: the agent points the pool's IdP at one of its own and signs in", () => {
    const r = check(stack(allow("cognito-idp:UpdateIdentityProvider", "${aws_cognito_user_pool.up.arn}"), cognito()));
    expect(reached(r)).toEqual(["aws_iam_role.member"]);
    expect(details(r)).toMatch(/cognito-idp:UpdateIdentityProvider: .*aws_cognito_user_pool\.up/);
  });

  test("CreateIdentityProvider with UpdateUserPoolClient on the same pool signs in too; either alone does not", () => {
    const r = check(stack(allow(["cognito-idp:CreateIdentityProvider", "cognito-idp:UpdateUserPoolClient"]), cognito()));
    expect(reached(r)).toEqual(["aws_iam_role.member"]);
    expect(details(r)).toMatch(/cognito-idp:CreateIdentityProvider \+ cognito-idp:UpdateUserPoolClient/);
    expect(errors(check(stack(allow("cognito-idp:CreateIdentityProvider"), cognito())))).toEqual([]);
    expect(errors(check(stack(allow("cognito-idp:UpdateUserPoolClient"), cognito())))).toEqual([]);
    // The pair on two different pools: the new IdP cannot be enabled on a client of the pool it is not in.
    const split = [...allow("cognito-idp:CreateIdentityProvider", "${aws_cognito_user_pool.up.arn}"), ...allow("cognito-idp:UpdateUserPoolClient", "${aws_cognito_user_pool.qa.arn}")];
    expect(errors(check(stack(split, cognito())))).toEqual([]);
  });

  test("GetOpenIdTokenForDeveloperIdentity on a pool with a developer provider mints authenticated logins", () => {
    const r = check(stack(allow("cognito-identity:GetOpenIdTokenForDeveloperIdentity"), cognito({ pool: { developer_provider_name: "login.example.app" } })));
    expect(reached(r)).toEqual(["aws_iam_role.member"]);
    expect(details(r)).toMatch(/mint an OpenID token for any user of aws_cognito_identity_pool\.ip's developer provider/);
  });

  test("control: the same right on a pool without a developer provider, or LookupDeveloperIdentity alone, is no path", () => {
    expect(errors(check(stack(allow("cognito-identity:GetOpenIdTokenForDeveloperIdentity"), cognito())))).toEqual([]);
    expect(errors(check(stack(allow("cognito-identity:LookupDeveloperIdentity"), cognito({ pool: { developer_provider_name: "login.example.app" } }))))).toEqual([]);
  });
});

describe("59. Cognito: who may sign up, and pools written in other ways", () => {
  test("a pre sign-up trigger does not screen anyone blastwall can see: self sign-up still gives every agent the role", () => {
    const trigger = { lambda_config: { pre_sign_up: "arn:aws:lambda:us-east-1:111111111111:function:auto-confirm" } };
    const r = check(stack([], cognito({ adminOnly: false, userPool: trigger })));
    expect(reached(r)).toEqual(["aws_iam_role.member"]);
    expect(details(r)).toMatch(/anyone may sign up .*pre sign-up trigger/);
    expect(errors(check(stack([], cognito({ adminOnly: true, userPool: trigger }))))).toEqual([]);
  });

  test("a provider name written as cognito-idp.REGION.amazonaws.com/${pool.id} is that user pool", () => {
    const provider = "cognito-idp.us-east-1.amazonaws.com/${aws_cognito_user_pool.up.id}";
    expect(reached(check(stack([], cognito({ adminOnly: false, provider }))))).toEqual(["aws_iam_role.member"]);
    // Control: admin-only, it is no path, and a right on another pool does not reach it.
    expect(errors(check(stack(allow("cognito-idp:AdminCreateUser", "${aws_cognito_user_pool.qa.arn}"), cognito({ provider }))))).toEqual([]);
  });

  test("a user pool the stack does not create (or blastwall cannot resolve) may let anyone sign up", () => {
    const r = check(stack([], cognito({ provider: "cognito-idp.us-east-1.amazonaws.com/us-east-1_Outside1" })));
    expect(reached(r)).toEqual(["aws_iam_role.member"]);
    expect(details(r)).toMatch(/which this stack does not create .* may let anyone sign up/);
  });

  test("a trust naming a data.aws_cognito_identity_pool fails closed: whom that pool admits is not in the plan", () => {
    const res = { ...poolRole("guest", onPool("authenticated", "${data.aws_cognito_identity_pool.ip.id}")), "data.aws_cognito_identity_pool.ip": { identity_pool_name: "app" } };
    const r = check(stack([], res));
    expect(reached(r)).toEqual(["aws_iam_role.guest"]);
    expect(details(r)).toMatch(/identity pool this stack does not create .*Name in its cognito-identity\.amazonaws\.com:aud condition only pools of this stack/);
  });
});

describe("59. a right given by reference to one user pool covers that pool only", () => {
  test("AdminCreateUser on ${qa.arn} (or userpool/${qa.id}) is no path to the identity pool that accepts up", () => {
    expect(errors(check(stack(allow(["cognito-idp:AdminCreateUser", "cognito-idp:AdminSetUserPassword"], "${aws_cognito_user_pool.qa.arn}"), cognito())))).toEqual([]);
    expect(errors(check(stack(allow("cognito-idp:AdminCreateUser", "arn:aws:cognito-idp:us-east-1:111111111111:userpool/${aws_cognito_user_pool.qa.id}"), cognito())))).toEqual([]);
  });

  test("control: the same right on ${up.arn}, on a list holding both, or on a wildcard pattern still counts", () => {
    expect(reached(check(stack(allow("cognito-idp:AdminCreateUser", "${aws_cognito_user_pool.up.arn}"), cognito())))).toEqual(["aws_iam_role.member"]);
    expect(reached(check(stack([{ Effect: "Allow", Action: "cognito-idp:AdminCreateUser", Resource: ["${aws_cognito_user_pool.qa.arn}", "${aws_cognito_user_pool.up.arn}"] }], cognito())))).toEqual(["aws_iam_role.member"]);
    expect(reached(check(stack(allow("cognito-idp:AdminCreateUser", "arn:aws:cognito-idp:us-east-1:111111111111:userpool/us-east-1_*"), cognito())))).toEqual(["aws_iam_role.member"]);
    // Text after the reference is not one pool's ARN.
    expect(reached(check(stack(allow("cognito-idp:AdminCreateUser", "arn:aws:cognito-idp:us-east-1:111111111111:userpool/${aws_cognito_user_pool.qa.id}*"), cognito())))).toEqual(["aws_iam_role.member"]);
  });
});

describe("59. IAM Roles Anywhere: a private CA behind an anchor, and anchors named by reference", () => {
  const anywhereRole = (condition?: Obj): Record<string, Obj> => ({
    "aws_iam_role.onprem": {
      name: "onprem",
      assume_role_policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "rolesanywhere.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"], ...(condition ? { Condition: condition } : {}) }] }),
    },
    "aws_iam_role_policy.onprem": { role: "${aws_iam_role.onprem.name}", policy: DESTROY },
  });
  const bundle = (name: string) => ({ [`aws_rolesanywhere_trust_anchor.${name}`]: { name, source: { source_type: "CERTIFICATE_BUNDLE", source_data: { x509_certificate_data: "-----BEGIN CERTIFICATE-----" } } } });
  const pcaAnchor = (ca: string) => ({
    "aws_acmpca_certificate_authority.ca": { type: "ROOT", certificate_authority_configuration: { key_algorithm: "RSA_2048", signing_algorithm: "SHA256WITHRSA", subject: { common_name: "ca" } } },
    "aws_acmpca_certificate_authority.other": { type: "ROOT", certificate_authority_configuration: { key_algorithm: "RSA_2048", signing_algorithm: "SHA256WITHRSA", subject: { common_name: "other" } } },
    "aws_rolesanywhere_trust_anchor.a": { name: "a", source: { source_type: "AWS_ACM_PCA", source_data: { acm_pca_arn: ca } } },
  });
  const profile = { "aws_rolesanywhere_profile.p": { name: "onprem", role_arns: ["${aws_iam_role.onprem.arn}"] } };
  const onAnchor = { ArnEquals: { "aws:SourceArn": "${aws_rolesanywhere_trust_anchor.a.arn}" } };

  test("acm-pca:IssueCertificate on the anchor's private CA gets a certificate the anchor trusts, SourceArn or not", () => {
    for (const cond of [onAnchor, undefined]) {
      const r = check(stack(allow(["acm-pca:IssueCertificate", "acm-pca:GetCertificate"]), { ...anywhereRole(cond), ...pcaAnchor("${aws_acmpca_certificate_authority.ca.arn}"), ...profile }));
      expect(reached(r)).toEqual(["aws_iam_role.onprem"]);
      expect(details(r)).toMatch(/acm-pca:IssueCertificate: .*aws_acmpca_certificate_authority\.ca, the ACM Private CA behind aws_rolesanywhere_trust_anchor\.a/);
    }
  });

  test("control: IssueCertificate on another CA of the stack is no path; on a CA named literally elsewhere it may be (round 61)", () => {
    expect(errors(check(stack(allow("acm-pca:IssueCertificate", "${aws_acmpca_certificate_authority.other.arn}"), { ...anywhereRole(onAnchor), ...pcaAnchor("${aws_acmpca_certificate_authority.ca.arn}"), ...profile })))).toEqual([]);
    const outside = "arn:aws:acm-pca:us-east-1:222222222222:certificate-authority/abcd";
    // A CA outside the stack may be a subordinate of the anchor's CA: its chain is not in the plan.
    const below = check(stack(allow("acm-pca:IssueCertificate", "arn:aws:acm-pca:us-east-1:111111111111:certificate-authority/*"), { ...anywhereRole(onAnchor), ...pcaAnchor(outside), ...profile }));
    expect(reached(below)).toEqual(["aws_iam_role.onprem"]);
    expect(details(below)).toMatch(/lies outside this stack, and the CA that issued its certificate is not in the plan, so it may chain up to arn:aws:acm-pca:us-east-1:222222222222:certificate-authority\/abcd/);
    // A pattern that may cover the outside CA counts.
    expect(reached(check(stack(allow("acm-pca:IssueCertificate", "arn:aws:acm-pca:us-east-1:*:certificate-authority/*"), { ...anywhereRole(onAnchor), ...pcaAnchor(outside), ...profile })))).toEqual(["aws_iam_role.onprem"]);
  });

  test("UpdateTrustAnchor by reference to one anchor covers that anchor only", () => {
    const both = { ...anywhereRole(onAnchor), ...bundle("a"), ...bundle("dev"), ...profile };
    // Only the roles outside the stack any anchor may serve (a fail-closed agent-reach-unknown of its own): none of the stack's.
    const dev = check(stack(allow("rolesanywhere:UpdateTrustAnchor", "${aws_rolesanywhere_trust_anchor.dev.arn}"), both));
    expect(errors(dev).map((f) => f.ruleId)).toEqual(["agent-reach-unknown"]);
    expect(reached(dev)).toEqual([]);
    expect(reached(check(stack(allow("rolesanywhere:UpdateTrustAnchor", "${aws_rolesanywhere_trust_anchor.a.arn}"), both)))).toEqual(["aws_iam_role.onprem"]);
    expect(reached(check(stack(allow("rolesanywhere:UpdateTrustAnchor", "arn:aws:rolesanywhere:*:*:trust-anchor/*"), both)))).toEqual(["aws_iam_role.onprem"]);
  });

  test("a SourceArn of trust-anchor/${a.id}, or under ForAnyValue:ArnEquals, pins the existing anchor: a new one never matches", () => {
    const composite = { ArnEquals: { "aws:SourceArn": "arn:aws:rolesanywhere:us-east-1:111111111111:trust-anchor/${aws_rolesanywhere_trust_anchor.a.id}" } };
    const forAny = { "ForAnyValue:ArnEquals": { "aws:SourceArn": "${aws_rolesanywhere_trust_anchor.a.arn}" } };
    for (const cond of [composite, forAny]) {
      // (Roles outside the stack that admit any anchor are an agent-reach-unknown of their own.)
      expect(errors(check(stack(allow("rolesanywhere:CreateTrustAnchor"), { ...anywhereRole(cond), ...bundle("a"), ...profile }))).map((f) => f.ruleId)).toEqual(["agent-reach-unknown"]);
      // Control: rewriting that anchor still reaches the role.
      expect(reached(check(stack(allow("rolesanywhere:UpdateTrustAnchor"), { ...anywhereRole(cond), ...bundle("a"), ...profile })))).toEqual(["aws_iam_role.onprem"]);
    }
  });
});
