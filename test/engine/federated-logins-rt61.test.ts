/**
 * Red-team round 61 on the logins that ask for no IAM right (identity-pools.ts, roles-anywhere.ts): OpenID Connect
 * issuers not shown to serve one organisation, SetIdentityPoolRoles, user pool triggers that add users to groups,
 * and private CAs outside the stack.
 */
import { allow, check, DESTROY, details, errors, reached, stack, type Obj } from "../helpers/cognito";

/** A role that may delete volumes, trusting authenticated identities of identity pool ip. */
function poolRole(name: string, amr = "authenticated"): Record<string, Obj> {
  const trust = JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Federated: "cognito-identity.amazonaws.com" },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: { StringEquals: { "cognito-identity.amazonaws.com:aud": "${aws_cognito_identity_pool.ip.id}" }, "ForAnyValue:StringLike": { "cognito-identity.amazonaws.com:amr": amr } },
      },
    ],
  });
  return { [`aws_iam_role.${name}`]: { name, assume_role_policy: trust }, [`aws_iam_role_policy.${name}`]: { role: `\${aws_iam_role.${name}.name}`, policy: DESTROY } };
}

describe("61. identity pools: an OpenID Connect issuer is anyone's unless shown to serve one organisation", () => {
  const oidcPool = (providers: unknown, opts: { url?: string; extra?: Record<string, Obj> } = {}): Record<string, Obj> => ({
    ...poolRole("member"),
    "aws_iam_openid_connect_provider.idp": { url: opts.url ?? "https://login.example.com", client_id_list: ["app"], thumbprint_list: ["6938fd4d98bab03faadb97b34396831e3780aea1"] },
    "aws_cognito_identity_pool.ip": { identity_pool_name: "app", allow_unauthenticated_identities: false, allow_classic_flow: false, openid_connect_provider_arns: providers },
    "aws_cognito_identity_pool_roles_attachment.ra": { identity_pool_id: "${aws_cognito_identity_pool.ip.id}", roles: { authenticated: "${aws_iam_role.member.arn}" } },
    ...opts.extra,
  });
  const ofStack = ["${aws_iam_openid_connect_provider.idp.arn}"];
  const url = (u: string) => check(stack([], oidcPool(ofStack, { url: u })));

  test("Firebase, Auth0, Okta, a B2C tenant, a self-managed GitLab or any issuer blastwall does not know: anyone may get a token", () => {
    for (const [u, why] of [
      ["https://securetoken.google.com/my-app-prod", /securetoken\.google\.com\/my-app-prod, from which Firebase Authentication of that project gives one to anyone who signs up/],
      ["https://my-app.us.auth0.com/", /my-app\.us\.auth0\.com, from which an Auth0 tenant gives one to anyone who signs up through a database connection/],
      ["https://acme.okta.com/oauth2/default", /from which an Okta org gives one to anyone it lets register itself/],
      ["https://acme.b2clogin.com/0c7b2a8e-0000-4000-8000-000000000001/v2.0/", /Azure AD B2C or Entra External ID tenant/],
      ["https://gitlab.acme.example", /which blastwall does not know to serve one organisation alone .*so it may give one to anyone who signs up/],
      ["https://login.example.com", /issuer login\.example\.com, which blastwall does not know to serve one organisation alone/],
    ] as const) {
      const r = url(u);
      expect([u, reached(r)]).toEqual([u, ["aws_iam_role.member"]]);
      expect(details(r)).toMatch(why);
    }
    // The same judged from a provider ARN written out.
    expect(reached(check(stack([], oidcPool(["arn:aws:iam::111111111111:oidc-provider/securetoken.google.com/my-app-prod"]))))).toEqual(["aws_iam_role.member"]);
  });

  test("control: one organisation's issuer (an EKS cluster, a GitHub Enterprise, a CircleCI organisation, a Bitbucket workspace, an Entra tenant) is no public login", () => {
    for (const u of [
      "https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE",
      "https://token.actions.githubusercontent.com/acme",
      "https://oidc.circleci.com/org/4f1c1e5a-8a4e-4a43-9ad0-6a7b1b0c2d3e",
      "https://api.bitbucket.org/2.0/workspaces/acme/pipelines-config/identity/oidc",
      "https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0",
      "https://sts.windows.net/72f988bf-86f1-41af-91ab-2d7cd011db47/",
    ]) {
      expect([u, errors(url(u))]).toEqual([u, []]);
    }
    // Personal Microsoft accounts, and the endpoints common to every tenant, are anyone's.
    for (const u of ["https://login.microsoftonline.com/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0", "https://login.microsoftonline.com/common/v2.0", "https://token.actions.githubusercontent.com"]) {
      expect([u, reached(url(u))]).toEqual([u, ["aws_iam_role.member"]]);
    }
  });

  test("a Cognito user pool as the issuer: one outside the stack may let anyone sign up, one of the stack is judged by its sign-up setting", () => {
    const literal = url("https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEf123");
    expect(reached(literal)).toEqual(["aws_iam_role.member"]);
    expect(details(literal)).toMatch(/accepts logins of user pool cognito-idp\.us-east-1\.amazonaws\.com\/us-east-1_AbCdEf123 \(the issuer of aws_iam_openid_connect_provider\.idp, in openid_connect_provider_arns\), which this stack does not create/);
    expect(reached(check(stack([], oidcPool(["arn:aws:iam::111111111111:oidc-provider/cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEf123"]))))).toEqual(["aws_iam_role.member"]);
    const own = (adminOnly: boolean) => ({ "aws_cognito_user_pool.up": { name: "users", admin_create_user_config: { allow_admin_create_user_only: adminOnly } } });
    for (const u of ["https://${aws_cognito_user_pool.up.endpoint}", "https://cognito-idp.us-east-1.amazonaws.com/${aws_cognito_user_pool.up.id}"]) {
      const open = check(stack([], oidcPool(ofStack, { url: u, extra: own(false) })));
      expect(reached(open)).toEqual(["aws_iam_role.member"]);
      expect(details(open)).toMatch(/accepts logins of aws_cognito_user_pool\.up \(the issuer of aws_iam_openid_connect_provider\.idp, in openid_connect_provider_arns\), where anyone may sign up/);
      // Control: an admin-only pool lets no one sign up; a principal that may create its users still logs in.
      expect([u, errors(check(stack([], oidcPool(ofStack, { url: u, extra: own(true) }))))]).toEqual([u, []]);
      expect(reached(check(stack(allow("cognito-idp:AdminCreateUser", "${aws_cognito_user_pool.up.arn}"), oidcPool(ofStack, { url: u, extra: own(true) }))))).toEqual(["aws_iam_role.member"]);
    }
  });
});
