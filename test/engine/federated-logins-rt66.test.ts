/**
 * Red-team round 66 on Cognito user pools (identity-pools.ts): an admin-only user pool still takes in anyone who signs
 * in through a federated identity provider enabled on an app client, since Cognito creates the user on the first
 * federated sign-in (AllowAdminCreateUserOnly only blocks SignUp); and the rights that enable or link one.
 */
import { allow, anywhereRole, caConfig, check, cognito, details, errors, reached, stack, type Obj } from "../helpers/cognito";

/** A user pool identity provider of `type` in pool `up` (named as its type unless said). */
const idp = (type: string, details: Obj = { client_id: "x.apps.googleusercontent.com", authorize_scopes: "email" }, name = type): Record<string, Obj> => ({
  [`aws_cognito_identity_provider.${name.toLowerCase()}`]: { user_pool_id: "${aws_cognito_user_pool.up.id}", provider_name: name, provider_type: type, provider_details: details },
});
/** The app client `c` the identity pool accepts, with `providers` as its supported_identity_providers. */
const client = (providers: unknown): Record<string, Obj> => ({
  "aws_cognito_user_pool_client.c": { name: "web", user_pool_id: "${aws_cognito_user_pool.up.id}", supported_identity_providers: providers, allowed_oauth_flows: ["code"], allowed_oauth_flows_user_pool_client: true, allowed_oauth_scopes: ["openid"], callback_urls: ["https://app.example.com/cb"] },
});
const federated = (type: string, providers: unknown, idpDetails?: Obj) => cognito({ extra: { ...idp(type, idpDetails), ...client(providers) } });

describe("66. Cognito: an admin-only user pool with a federated identity provider on the identity pool's app client", () => {
  test("a public provider (Google, Facebook, Login with Amazon, Sign in with Apple) enabled on the client: anyone signs in, no right needed", () => {
    for (const type of ["Google", "Facebook", "LoginWithAmazon", "SignInWithApple"]) {
      const r = check(stack([], federated(type, ["COGNITO", type])));
      expect([type, reached(r)]).toEqual([type, ["aws_iam_role.member"]]);
      expect(details(r)).toMatch(new RegExp(`Cognito creates the user on a first federated sign-in.*${type}`));
    }
  });

  test("a provider named by reference, an OIDC provider whose users blastwall cannot see, one of a type it does not know, one outside the stack, or a list it cannot read: open", () => {
    expect(reached(check(stack([], federated("Google", ["${aws_cognito_identity_provider.google.provider_name}"]))))).toEqual(["aws_iam_role.member"]);
    expect(reached(check(stack([], federated("SomethingNew", ["SomethingNew"]))))).toEqual(["aws_iam_role.member"]);
    expect(reached(check(stack([], federated("OIDC", ["OIDC"], { oidc_issuer: "https://tenant.auth0.com", client_id: "x", authorize_scopes: "openid" }))))).toEqual(["aws_iam_role.member"]);
    expect(reached(check(stack([], cognito({ extra: client(["COGNITO", "Okta"]) }))))).toEqual(["aws_iam_role.member"]);
    expect(reached(check(stack([], federated("Google", "${var.providers}"))))).toEqual(["aws_iam_role.member"]);
    expect(reached(check(stack([], federated("Google", ["COGNITO", "${var.idp}"]))))).toEqual(["aws_iam_role.member"]);
  });

  test("a SAML IdP is an organisation's own (as IAM SAML providers on identity pools are read): closed, unless the agent can repoint it", () => {
    const saml = (rights: Obj[]) => check(stack(rights, federated("SAML", ["SAML"], { MetadataURL: "https://idp.example.com/metadata" })));
    expect(errors(saml([]))).toEqual([]);
    const r = saml(allow("cognito-idp:UpdateIdentityProvider", "${aws_cognito_user_pool.up.arn}"));
    expect(reached(r)).toEqual(["aws_iam_role.member"]);
    expect(details(r)).toMatch(/cognito-idp:UpdateIdentityProvider/);
  });

  test("control: the client lists only COGNITO (or nothing), or the provider is on a client the identity pool does not accept: closed", () => {
    expect(errors(check(stack([], federated("Google", ["COGNITO"]))))).toEqual([]);
    expect(errors(check(stack([], federated("Google", undefined))))).toEqual([]);
    const other = { "aws_cognito_user_pool_client.admin": { name: "admin", user_pool_id: "${aws_cognito_user_pool.up.id}", supported_identity_providers: ["Google"] } };
    expect(errors(check(stack([], cognito({ extra: { ...idp("Google"), ...client(["COGNITO"]), ...other } }))))).toEqual([]);
    // An OIDC provider of one organisation's own (an Entra tenant by id) takes in that organisation's people alone.
    expect(errors(check(stack([], federated("OIDC", ["OIDC"], { oidc_issuer: "https://login.microsoftonline.com/0a1b2c3d-1111-2222-3333-444455556666/v2.0", client_id: "x", authorize_scopes: "openid" }))))).toEqual([]);
  });
});

describe("66. Cognito: rights that enable a federated provider on a client, or link one to a user", () => {
  const pool = (providers: unknown = ["COGNITO"]) => cognito({ extra: { ...idp("Google"), ...client(providers) } });

  test("UpdateUserPoolClient alone on a pool that has a public provider: the agent enables it on the client and signs in", () => {
    const r = check(stack(allow("cognito-idp:UpdateUserPoolClient", "${aws_cognito_user_pool.up.arn}"), pool()));
    expect(reached(r)).toEqual(["aws_iam_role.member"]);
    expect(details(r)).toMatch(/cognito-idp:UpdateUserPoolClient/);
  });

  test("control: UpdateUserPoolClient alone on a pool with no federated provider, or on another pool, is no path", () => {
    expect(errors(check(stack(allow("cognito-idp:UpdateUserPoolClient", "${aws_cognito_user_pool.up.arn}"), cognito({ extra: client(["COGNITO"]) }))))).toEqual([]);
    expect(errors(check(stack(allow("cognito-idp:UpdateUserPoolClient", "${aws_cognito_user_pool.qa.arn}"), pool())))).toEqual([]);
  });

  test("AdminLinkProviderForUser links a user of the pool (and its groups) to an external account of the agent's", () => {
    const r = check(stack(allow("cognito-idp:AdminLinkProviderForUser", "${aws_cognito_user_pool.up.arn}"), cognito()));
    expect(reached(r)).toEqual(["aws_iam_role.member"]);
    expect(details(r)).toMatch(/cognito-idp:AdminLinkProviderForUser/);
    expect(errors(check(stack(allow("cognito-idp:AdminLinkProviderForUser", "${aws_cognito_user_pool.qa.arn}"), cognito())))).toEqual([]);
  });

  test("AdminLinkProviderForUser takes over a member, and so a group's role a Token mapping hands out; AdminCreateUser alone does not", () => {
    const token = {
      "aws_cognito_identity_pool_roles_attachment.ra": { identity_pool_id: "${aws_cognito_identity_pool.ip.id}", roles: { authenticated: "${aws_iam_role.member.arn}" }, role_mapping: [{ identity_provider: "x", type: "Token", ambiguous_role_resolution: "Deny" }] },
      "aws_cognito_user_group.admins": { name: "admins", user_pool_id: "${aws_cognito_user_pool.up.id}", role_arn: "${aws_iam_role.admins.arn}" },
      "aws_iam_role.admins": { name: "admins", assume_role_policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Federated: "cognito-identity.amazonaws.com" }, Action: "sts:AssumeRoleWithWebIdentity", Condition: { StringEquals: { "cognito-identity.amazonaws.com:aud": "${aws_cognito_identity_pool.ip.id}" }, "ForAnyValue:StringLike": { "cognito-identity.amazonaws.com:amr": "authenticated" } } }] }) },
      "aws_iam_role_policy.admins": { role: "${aws_iam_role.admins.name}", policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "ec2:DeleteVolume", Resource: "*" }] }) },
    };
    const member = (rights: string) => check(stack(allow(rights, "${aws_cognito_user_pool.up.arn}"), cognito({ rights: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }] }), extra: token })));
    expect(reached(member("cognito-idp:AdminLinkProviderForUser"))).toEqual(["aws_iam_role.admins"]);
    expect(errors(member("cognito-idp:AdminCreateUser"))).toEqual([]);
  });
});

describe("66. IAM Roles Anywhere: an ACM Private CA's resource policy, and the right to write one", () => {
  const root = { "aws_acmpca_certificate_authority.ca": { type: "ROOT", certificate_authority_configuration: caConfig("corp root") } };
  const anchor = { "aws_rolesanywhere_trust_anchor.a": { name: "a", source: { source_type: "AWS_ACM_PCA", source_data: { acm_pca_arn: "${aws_acmpca_certificate_authority.ca.arn}" } } } };
  const other = { "aws_acmpca_certificate_authority.other": { type: "ROOT", certificate_authority_configuration: caConfig("other root") } };
  /** An aws_acmpca_policy on `ca` allowing `principal` to issue. */
  const pcaPolicy = (principal: unknown, ca = "aws_acmpca_certificate_authority.ca", actions: string[] = ["acm-pca:IssueCertificate", "acm-pca:GetCertificate"]) => ({
    "aws_acmpca_policy.p": { resource_arn: `\${${ca}.arn}`, policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: principal, Action: actions, Resource: `\${${ca}.arn}` }] }) },
  });
  const READ = allow("acm-pca:DescribeCertificateAuthority");
  /** The agent without the boundary safeAgentStack gives it (a boundary caps what a policy naming its role ARN grants). */
  const unbounded = (doc: Obj) => {
    delete ((doc as { resource: Record<string, Record<string, Obj>> }).resource["aws_iam_role"]["agent"] as Obj).permissions_boundary;
    return doc;
  };

  test("a CA policy allowing the agent's sessions (or its role, with no boundary in the way) IssueCertificate reaches the anchor's roles", () => {
    const session = check(stack(READ, { ...anywhereRole, ...root, ...anchor, ...pcaPolicy({ AWS: "arn:aws:sts::111111111111:assumed-role/agent/*" }) }));
    expect(reached(session)).toEqual(["aws_iam_role.onprem"]);
    expect(details(session)).toMatch(/aws_acmpca_policy\.p .*acm-pca:IssueCertificate/);
    expect(reached(check(unbounded(stack(READ, { ...anywhereRole, ...root, ...anchor, ...pcaPolicy({ AWS: "${aws_iam_role.agent.arn}" }) }))))).toEqual(["aws_iam_role.onprem"]);
    expect(reached(check(stack(READ, { ...anywhereRole, ...root, ...anchor, ...pcaPolicy({ AWS: "*" }) })))).toEqual(["aws_iam_role.onprem"]);
  });

  test("PutPolicy on the anchor's CA: the agent writes such a policy for its own sessions", () => {
    const r = check(stack(allow("acm-pca:PutPolicy", "${aws_acmpca_certificate_authority.ca.arn}"), { ...anywhereRole, ...root, ...anchor }));
    expect(reached(r)).toEqual(["aws_iam_role.onprem"]);
    expect(details(r)).toMatch(/acm-pca:PutPolicy/);
  });

  test("control: the policy names another role, grants only reads, sits on another CA, a boundary caps a grant to the role ARN; PutPolicy on another CA", () => {
    const ci = { AWS: "arn:aws:iam::111111111111:role/ci" };
    expect(errors(check(stack(READ, { ...anywhereRole, ...root, ...anchor, ...pcaPolicy(ci) })))).toEqual([]);
    expect(errors(check(stack(READ, { ...anywhereRole, ...root, ...anchor, ...pcaPolicy({ AWS: "*" }, undefined, ["acm-pca:GetCertificate", "acm-pca:DescribeCertificateAuthority"]) })))).toEqual([]);
    expect(errors(check(stack(READ, { ...anywhereRole, ...root, ...other, ...anchor, ...pcaPolicy({ AWS: "*" }, "aws_acmpca_certificate_authority.other") })))).toEqual([]);
    // A boundary that allows no IssueCertificate caps a grant to the role ARN within one account (not one to its sessions).
    const bounded = (doc: Obj) => {
      ((doc as { resource: Record<string, Record<string, Obj>> }).resource["aws_iam_policy"]["boundary"] as Obj).policy = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "acm-pca:Describe*", Resource: "*" }] });
      return doc;
    };
    expect(errors(check(bounded(stack(READ, { ...anywhereRole, ...root, ...anchor, ...pcaPolicy({ AWS: "${aws_iam_role.agent.arn}" }) }))))).toEqual([]);
    expect(reached(check(bounded(stack(READ, { ...anywhereRole, ...root, ...anchor, ...pcaPolicy({ AWS: "arn:aws:sts::111111111111:assumed-role/agent/*" }) }))))).toEqual(["aws_iam_role.onprem"]);
    expect(errors(check(stack(allow("acm-pca:PutPolicy", "${aws_acmpca_certificate_authority.other.arn}"), { ...anywhereRole, ...root, ...other, ...anchor })))).toEqual([]);
  });
});
