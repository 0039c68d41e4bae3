/**
 * Red-team round 61 on the logins that ask for no IAM right (identity-pools.ts, roles-anywhere.ts): OpenID Connect
 * issuers not shown to serve one organisation, SetIdentityPoolRoles, user pool triggers that add users to groups,
 * and private CAs outside the stack.
 */
import { allow, anywhereRole, caConfig, check, DESTROY, details, errors, reached, stack, type Obj } from "../helpers/cognito";

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

describe("61. SetIdentityPoolRoles: the caller names the pool's role, any it may pass to Cognito", () => {
  const readOnly = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::app-content/*" }] });
  /** A user pool (self sign-up unless said) accepted by pool ip; authenticated users get app_user, a group rule maps app_admin. */
  const app = (opts: { adminOnly?: boolean; pool?: Obj; extra?: Record<string, Obj> } = {}): Record<string, Obj> => ({
    ...poolRole("app_admin"),
    ...poolRole("app_user"),
    "aws_iam_role_policy.app_user": { role: "${aws_iam_role.app_user.name}", policy: readOnly },
    "aws_cognito_user_pool.users": { name: "app-users", admin_create_user_config: { allow_admin_create_user_only: opts.adminOnly ?? false } },
    "aws_cognito_user_pool_client.web": { name: "web", user_pool_id: "${aws_cognito_user_pool.users.id}" },
    "aws_cognito_identity_pool.ip": {
      identity_pool_name: "app",
      allow_unauthenticated_identities: false,
      allow_classic_flow: false,
      cognito_identity_providers: [{ client_id: "${aws_cognito_user_pool_client.web.id}", provider_name: "${aws_cognito_user_pool.users.endpoint}" }],
      ...opts.pool,
    },
    "aws_cognito_identity_pool_roles_attachment.ra": {
      identity_pool_id: "${aws_cognito_identity_pool.ip.id}",
      roles: { authenticated: "${aws_iam_role.app_user.arn}" },
      role_mapping: [
        {
          identity_provider: "${aws_cognito_user_pool.users.endpoint}:${aws_cognito_user_pool_client.web.id}",
          type: "Rules",
          ambiguous_role_resolution: "Deny",
          mapping_rule: [{ claim: "cognito:groups", match_type: "Contains", value: "admins", role_arn: "${aws_iam_role.app_admin.arn}" }],
        },
      ],
    },
    ...opts.extra,
  });
  const SET = { Effect: "Allow", Action: ["cognito-identity:SetIdentityPoolRoles", "cognito-identity:GetIdentityPoolRoles"], Resource: "${aws_cognito_identity_pool.ip.arn}" };
  const pass = (resource: string | string[] = ["${aws_iam_role.app_user.arn}", "${aws_iam_role.app_admin.arn}"], service = "cognito-identity.amazonaws.com") => ({
    Effect: "Allow",
    Action: "iam:PassRole",
    Resource: resource,
    Condition: { StringEquals: { "iam:PassedToService": service } },
  });

  test("baseline: a self sign-up user gets only app_user, whose rights destroy nothing", () => {
    expect(errors(check(stack([], app())))).toEqual([]);
  });

  test("with iam:PassRole on a role that trusts the pool, the caller sets it as the pool's role and signs up: it gets the role", () => {
    const r = check(stack([SET, pass()], app()));
    expect(reached(r)).toEqual(["aws_iam_role.app_admin"]);
    expect(details(r)).toMatch(
      /cognito-identity:SetIdentityPoolRoles: .*lets it set the roles of aws_cognito_identity_pool\.ip \(SetIdentityPoolRoles replaces its authenticated and unauthenticated roles and its role mappings\), and .*iam:PassRole.* lets it pass aws_iam_role\.app_admin to Cognito; aws_cognito_identity_pool\.ip accepts logins of aws_cognito_user_pool\.users, where anyone may sign up.*Take cognito-identity:SetIdentityPoolRoles \(or iam:PassRole on the role\) away from the principal\./,
    );
    // PassRole on every role, unconditioned, is the same.
    expect(reached(check(stack([SET, { Effect: "Allow", Action: "iam:PassRole", Resource: "*" }], app())))).toEqual(["aws_iam_role.app_admin"]);
  });

  test("a Deny of the caller's own of iam:PassRole on the role (a pattern, or a reference) closes it; one on another role does not", () => {
    const all = { Effect: "Allow", Action: "iam:PassRole", Resource: "*" };
    const deny = (resource: string) => ({ Effect: "Deny", Action: "iam:PassRole", Resource: resource });
    // No provider region here: a Deny written for `arn:aws:` alone may not be in the role's partition.
    expect(reached(check(stack([SET, all, deny("arn:*:iam::*:role/app_admin")], app())))).toEqual([]);
    expect(reached(check(stack([SET, all, deny("${aws_iam_role.app_admin.arn}")], app())))).toEqual([]);
    expect(reached(check(stack([SET, all, deny("arn:*:iam::*:role/app_user")], app())))).toEqual(["aws_iam_role.app_admin"]);
    expect(reached(check(stack([SET, all, deny("arn:aws:iam::*:role/app_admin")], app())))).toEqual(["aws_iam_role.app_admin"]);
  });

  test("control: no PassRole, PassRole only to another service or only on the harmless role, is no path", () => {
    expect(errors(check(stack([SET], app())))).toEqual([]);
    expect(errors(check(stack([SET, pass(undefined, "lambda.amazonaws.com")], app())))).toEqual([]);
    expect(errors(check(stack([SET, pass("${aws_iam_role.app_user.arn}")], app())))).toEqual([]);
  });

  test("the caller needs an identity of the pool: none in an admin-only pool, one with a user pool login right or unauthenticated identities", () => {
    expect(errors(check(stack([SET, pass()], app({ adminOnly: true }))))).toEqual([]);
    const withLogin = check(stack([SET, pass(), ...allow("cognito-idp:AdminCreateUser", "${aws_cognito_user_pool.users.arn}")], app({ adminOnly: true })));
    expect(reached(withLogin)).toEqual(["aws_iam_role.app_admin"]);
    expect(details(withLogin)).toMatch(/lets it log in as a user of aws_cognito_user_pool\.users \(cognito-idp:AdminCreateUser\), which aws_cognito_identity_pool\.ip accepts/);
    const guest = { ...poolRole("guest", "unauthenticated"), "aws_iam_role_policy.guest": { role: "${aws_iam_role.guest.name}", policy: DESTROY } };
    const unauth = check(stack([SET, pass("${aws_iam_role.guest.arn}")], app({ adminOnly: true, pool: { allow_unauthenticated_identities: true }, extra: guest })));
    expect(reached(unauth)).toEqual(["aws_iam_role.guest"]);
    expect(details(unauth)).toMatch(/aws_cognito_identity_pool\.ip allows unauthenticated identities, and the trust policy of aws_iam_role\.guest admits the pool's unauthenticated identities/);
  });
});

describe("61. IAM Roles Anywhere: a private CA outside the stack may chain to any CA", () => {
  const ROOT = "arn:aws:acm-pca:us-east-1:222222222222:certificate-authority/11111111-1111-1111-1111-111111111111";
  const ISSUING = "arn:aws:acm-pca:us-east-1:222222222222:certificate-authority/22222222-2222-2222-2222-222222222222";
  /** A central PKI shared to this account: its root and issuing CA read by data sources. */
  const central = { "data.aws_acmpca_certificate_authority.root": { arn: ROOT }, "data.aws_acmpca_certificate_authority.issuing": { arn: ISSUING } };
  const inBundle = (pem: string) => ({ "aws_rolesanywhere_trust_anchor.a": { name: "a", source: { source_type: "CERTIFICATE_BUNDLE", source_data: { x509_certificate_data: pem } } } });
  const onPca = (arn: string) => ({ "aws_rolesanywhere_trust_anchor.a": { name: "a", source: { source_type: "AWS_ACM_PCA", source_data: { acm_pca_arn: arn } } } });
  const issue = (resource: string) => allow(["acm-pca:IssueCertificate", "acm-pca:GetCertificate"], resource);
  const cfg = caConfig;

  test("IssueCertificate on a shared issuing CA read by a data source reaches an anchor on the root read by another", () => {
    for (const anchor of [inBundle("${data.aws_acmpca_certificate_authority.root.certificate}"), onPca("${data.aws_acmpca_certificate_authority.root.arn}")]) {
      for (const grant of ["${data.aws_acmpca_certificate_authority.issuing.arn}", ISSUING]) {
        const r = check(stack(issue(grant), { ...anywhereRole, ...central, ...anchor }));
        expect([grant, reached(r)]).toEqual([grant, ["aws_iam_role.onprem"]]);
        expect(details(r)).toMatch(/lets it have data\.aws_acmpca_certificate_authority\.issuing sign a certificate for a key of its own; data\.aws_acmpca_certificate_authority\.issuing is read by a data source: a CA outside this stack, whose type and issuer the plan does not hold, so it may chain up to data\.aws_acmpca_certificate_authority\.root/);
      }
    }
    // A CA named by an ARN alone (no data source) is the same, and so is a subordinate of the stack below the shared CA.
    const arnOnly = check(stack(issue("arn:aws:acm-pca:us-east-1:222222222222:certificate-authority/33333333-3333-3333-3333-333333333333"), { ...anywhereRole, ...central, ...inBundle("${data.aws_acmpca_certificate_authority.root.certificate}") }));
    expect(reached(arnOnly)).toEqual(["aws_iam_role.onprem"]);
    expect(details(arnOnly)).toMatch(/lies outside this stack, and the CA that issued its certificate is not in the plan, so it may chain up to data\.aws_acmpca_certificate_authority\.root/);
    const team = {
      "aws_acmpca_certificate_authority.team": { type: "SUBORDINATE", certificate_authority_configuration: cfg("team") },
      "aws_acmpca_certificate.team": { certificate_authority_arn: "${data.aws_acmpca_certificate_authority.issuing.arn}", certificate_signing_request: "${aws_acmpca_certificate_authority.team.certificate_signing_request}", signing_algorithm: "SHA512WITHRSA", template_arn: "arn:aws:acm-pca:::template/SubordinateCACertificate_PathLen0/V1", validity: { type: "YEARS", value: "5" } },
      "aws_acmpca_certificate_authority_certificate.team": { certificate_authority_arn: "${aws_acmpca_certificate_authority.team.arn}", certificate: "${aws_acmpca_certificate.team.certificate}" },
    };
    expect(reached(check(stack(issue("${aws_acmpca_certificate_authority.team.arn}"), { ...anywhereRole, ...central, ...team, ...onPca("${data.aws_acmpca_certificate_authority.root.arn}") })))).toEqual(["aws_iam_role.onprem"]);
  });

  // Red-team round 63: this was a control ("an anchor on a CA this stack makes is above no CA that exists before the
  // stack"). That holds on the first apply only: a root the stack made long ago signs subordinates made later elsewhere.
  test("an anchor on a CA this stack makes: a CA outside the stack may be one it signed after an earlier apply", () => {
    const own = { "aws_acmpca_certificate_authority.ca": { type: "ROOT", certificate_authority_configuration: cfg("ca") } };
    for (const anchor of [onPca("${aws_acmpca_certificate_authority.ca.arn}"), inBundle("${aws_acmpca_certificate_authority.ca.certificate}")]) {
      const r = check(stack(issue("${data.aws_acmpca_certificate_authority.issuing.arn}"), { ...anywhereRole, ...central, ...own, ...anchor }));
      expect(reached(r)).toEqual(["aws_iam_role.onprem"]);
      expect(details(r)).toMatch(/data\.aws_acmpca_certificate_authority\.issuing is read by a data source: a CA outside this stack, whose type and issuer the plan does not hold, so it may chain up to aws_acmpca_certificate_authority\.ca/);
    }
  });
});

describe("61. a user pool trigger that may add every user to a group writes the group claims", () => {
  const lambdaTrust = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] });
  /** A self sign-up user pool with `lambdaConfig`; its function fn runs as role fn holding `fnRights`; a group rule (or a Token mapping) maps app_member. */
  const app = (lambdaConfig: Obj | undefined, fnRights: Obj[], mapping: "rule" | "token" = "rule"): Record<string, Obj> => ({
    ...poolRole("app_member"),
    "aws_cognito_user_pool.users": { name: "app-users", ...(lambdaConfig ? { lambda_config: lambdaConfig } : {}) },
    "aws_cognito_user_pool.other": { name: "other-users", admin_create_user_config: { allow_admin_create_user_only: true } },
    "aws_cognito_user_pool_client.web": { name: "web", user_pool_id: "${aws_cognito_user_pool.users.id}" },
    "aws_cognito_user_group.members": { name: "members", user_pool_id: "${aws_cognito_user_pool.users.id}", ...(mapping === "token" ? { role_arn: "${aws_iam_role.app_member.arn}" } : {}) },
    "aws_iam_role.fn": { name: "post-confirm-fn", assume_role_policy: lambdaTrust },
    "aws_iam_role_policy.fn": { role: "${aws_iam_role.fn.name}", policy: JSON.stringify({ Version: "2012-10-17", Statement: fnRights }) },
    "aws_lambda_function.hook": { function_name: "add-to-members", role: "${aws_iam_role.fn.arn}", runtime: "nodejs20.x", handler: "index.handler", filename: "fn.zip" },
    "aws_cognito_identity_pool.ip": {
      identity_pool_name: "app",
      allow_unauthenticated_identities: false,
      allow_classic_flow: false,
      cognito_identity_providers: [{ client_id: "${aws_cognito_user_pool_client.web.id}", provider_name: "${aws_cognito_user_pool.users.endpoint}" }],
    },
    "aws_cognito_identity_pool_roles_attachment.ra": {
      identity_pool_id: "${aws_cognito_identity_pool.ip.id}",
      role_mapping: [
        mapping === "token"
          ? { identity_provider: "${aws_cognito_user_pool.users.endpoint}:${aws_cognito_user_pool_client.web.id}", type: "Token", ambiguous_role_resolution: "Deny" }
          : {
              identity_provider: "${aws_cognito_user_pool.users.endpoint}:${aws_cognito_user_pool_client.web.id}",
              type: "Rules",
              ambiguous_role_resolution: "Deny",
              mapping_rule: [{ claim: "cognito:groups", match_type: "Contains", value: "members", role_arn: "${aws_iam_role.app_member.arn}" }],
            },
      ],
    },
  });
  const ADD = [{ Effect: "Allow", Action: "cognito-idp:AdminAddUserToGroup", Resource: "${aws_cognito_user_pool.users.arn}" }];
  const HOOK = "${aws_lambda_function.hook.arn}";

  test("a post confirmation (or post authentication, or custom sender) function that may AdminAddUserToGroup on the pool: every user who signs up matches the group rule", () => {
    for (const cfg of [{ post_confirmation: HOOK }, { post_authentication: HOOK }, { custom_email_sender: { lambda_arn: HOOK, lambda_version: "V1_0" } }]) {
      const r = check(stack([], app(cfg, ADD)));
      expect([cfg, reached(r)]).toEqual([cfg, ["aws_iam_role.app_member"]]);
    }
    expect(details(check(stack([], app({ post_confirmation: HOOK }, ADD))))).toMatch(
      /names it for authenticated identities in a rule on cognito:groups, which aws_cognito_user_pool\.users may fill for every user: its post_confirmation trigger runs aws_lambda_function\.hook, whose role aws_iam_role\.fn may cognito-idp:AdminAddUserToGroup on it, so it may add every user to a group before a token is issued/,
    );
  });

  test("a trigger blastwall cannot see into fails closed: a function outside the stack, or one whose role may assume others", () => {
    expect(reached(check(stack([], app({ post_confirmation: "arn:aws:lambda:us-east-1:111111111111:function:add-to-group" }, ADD))))).toEqual(["aws_iam_role.app_member"]);
    expect(reached(check(stack([], app({ post_confirmation: HOOK }, [{ Effect: "Allow", Action: "sts:AssumeRole", Resource: "*" }]))))).toEqual(["aws_iam_role.app_member"]);
  });

  // Red-team round 63 #4: an alias or version runs the function's code as the function's one execution role.
  test("a trigger written as an alias or version of a stack function, or a literal (qualified) ARN naming one, is that function (red-team round 63)", () => {
    const logs = [{ Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: "*" }];
    const ARN = "arn:aws:lambda:us-east-1:111111111111:function:add-to-members";
    const alias = (functionName: string) => ({ "aws_lambda_alias.live": { name: "live", function_name: functionName, function_version: "$LATEST" } });
    const version = { "aws_lambda_function_version.v": { function_name: "${aws_lambda_function.hook.function_name}" } };
    const cases: [string, Record<string, Obj>][] = [
      ["${aws_lambda_alias.live.arn}", alias("${aws_lambda_function.hook.function_name}")],
      ["${aws_lambda_alias.live.arn}", alias("${aws_lambda_function.hook.arn}")],
      ["${aws_lambda_alias.live.arn}", alias("add-to-members")],
      ["${aws_lambda_alias.live.arn}", alias(ARN)],
      ["${aws_lambda_function_version.v.arn}", version],
      [ARN, {}],
      [`${ARN}:live`, {}],
    ];
    for (const [trigger, extra] of cases) {
      const harmless = { ...app({ post_confirmation: trigger }, logs), ...extra };
      expect([trigger, extra, errors(check(stack([], harmless)))]).toEqual([trigger, extra, []]);
      const adds = { ...app({ post_confirmation: trigger }, ADD), ...extra };
      expect([trigger, extra, reached(check(stack([], adds)))]).toEqual([trigger, extra, ["aws_iam_role.app_member"]]);
    }
  });

  // Red-team round 65: a role mapping (or its rules) made by a dynamic block is not read, so it may hand out any role.
  test("a dynamic role_mapping or mapping_rule fails closed, and the finding says why", () => {
    const logs = [{ Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: "*" }];
    const base = app(undefined, logs);
    const ra = base["aws_cognito_identity_pool_roles_attachment.ra"] as Obj;
    const dynamicMapping = { ...base, "aws_cognito_identity_pool_roles_attachment.ra": { identity_pool_id: ra.identity_pool_id, roles: { authenticated: "${aws_iam_role.app_member.arn}" }, dynamic: { role_mapping: { for_each: "${var.mappings}", content: { identity_provider: "x", type: "Rules" } } } } };
    expect(details(check(stack([], dynamicMapping)))).toMatch(/builds its role mappings with a dynamic block, which blastwall does not read/);
    const rm = (ra.role_mapping as Obj[])[0];
    const dynamicRule = { ...base, "aws_cognito_identity_pool_roles_attachment.ra": { ...ra, role_mapping: [{ identity_provider: rm.identity_provider, type: "Rules", ambiguous_role_resolution: "Deny", dynamic: { mapping_rule: { for_each: "${var.rules}", content: { claim: "x", match_type: "Equals", value: "y", role_arn: "${mapping_rule.value.role}" } } } }] } };
    expect(details(check(stack([], dynamicRule)))).toMatch(/builds its role mappings with a dynamic block/);
  });

  // Red-team round 91: Terraform JSON may write `dynamic` as a list of label objects; that form was read as no block.
  test("the same dynamic blocks in Terraform JSON's list form fail closed too", () => {
    const logs = [{ Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: "*" }];
    const base = app(undefined, logs);
    const ra = base["aws_cognito_identity_pool_roles_attachment.ra"] as Obj;
    const dynamicMapping = { ...base, "aws_cognito_identity_pool_roles_attachment.ra": { identity_pool_id: ra.identity_pool_id, roles: { authenticated: "${aws_iam_role.app_member.arn}" }, dynamic: [{ role_mapping: [{ for_each: "${var.mappings}", content: [{ identity_provider: "x", type: "Rules" }] }] }] } };
    expect(details(check(stack([], dynamicMapping)))).toMatch(/builds its role mappings with a dynamic block, which blastwall does not read/);
    const rm = (ra.role_mapping as Obj[])[0];
    const dynamicRule = { ...base, "aws_cognito_identity_pool_roles_attachment.ra": { ...ra, role_mapping: [{ identity_provider: rm.identity_provider, type: "Rules", ambiguous_role_resolution: "Deny", dynamic: [{ mapping_rule: [{ for_each: "${var.rules}", content: [{ claim: "x", match_type: "Equals", value: "y", role_arn: "${mapping_rule.value.role}" }] }] }] }] } };
    expect(details(check(stack([], dynamicRule)))).toMatch(/builds its role mappings with a dynamic block/);
    const dyn = app(undefined, logs);
    dyn["aws_cognito_user_pool.users"] = { ...dyn["aws_cognito_user_pool.users"], dynamic: [{ lambda_config: [{ for_each: [1], content: [{ post_confirmation: "arn:aws:lambda:us-east-1:111111111111:function:other" }] }] }] };
    expect(details(check(stack([], dyn)))).toMatch(/its lambda_config is a dynamic block, whose triggers blastwall does not read/);
    // The control: without the dynamic blocks, the app's own mapping hands out nothing that destroys.
    expect(errors(check(stack([], base)))).toEqual([]);
  });

  // Red-team round 64: a function name is one function per account and region, and a dynamic block is a block too.
  test("a trigger in another region or through another provider than the stack's function of that name is not that function; a dynamic lambda_config fails closed", () => {
    const logs = [{ Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: "*" }];
    const providers = { aws: [{ region: "us-east-1", allowed_account_ids: ["111111111111"] }, { alias: "eu", region: "eu-west-1", allowed_account_ids: ["111111111111"] }] };
    const withProviders = (res: Record<string, Obj>) => ({ ...stack([], res), provider: providers });
    const inEu = (extra: Record<string, Obj>, trigger: string) => {
      const res = { ...app({ post_confirmation: trigger }, logs), ...extra };
      res["aws_cognito_user_pool.users"] = { ...res["aws_cognito_user_pool.users"], provider: "aws.eu" };
      return withProviders(res);
    };
    const SAME = "arn:aws:lambda:us-east-1:111111111111:function:add-to-members";
    const OTHER_REGION = "arn:aws:lambda:eu-west-1:111111111111:function:add-to-members";
    // The harmless function is on the default provider (us-east-1): an eu-west-1 ARN of its name is another function.
    expect(reached(check(withProviders(app({ post_confirmation: OTHER_REGION }, logs))))).toEqual(["aws_iam_role.app_member"]);
    expect(errors(check(withProviders(app({ post_confirmation: SAME }, logs))))).toEqual([]);
    // An alias made through the eu provider names the eu function of that name, not the stack's.
    const euAlias = { "aws_lambda_alias.live": { name: "live", function_name: "add-to-members", function_version: "$LATEST", provider: "aws.eu" } };
    expect(reached(check(inEu(euAlias, "${aws_lambda_alias.live.arn}")))).toEqual(["aws_iam_role.app_member"]);
    const ownAlias = { "aws_lambda_alias.live": { name: "live", function_name: "add-to-members", function_version: "$LATEST" } };
    expect(errors(check(withProviders(({ ...app({ post_confirmation: "${aws_lambda_alias.live.arn}" }, logs), ...ownAlias }) as Record<string, Obj>)))).toEqual([]);
    // Round 65: an alias's own region argument, and a reference to the name (not the ARN) made through another provider.
    const regionAlias = { "aws_lambda_alias.live": { name: "live", function_name: "add-to-members", function_version: "$LATEST", region: "eu-west-1" } };
    expect(reached(check(withProviders(({ ...app({ post_confirmation: "${aws_lambda_alias.live.arn}" }, logs), ...regionAlias }) as Record<string, Obj>)))).toEqual(["aws_iam_role.app_member"]);
    const euRefAlias = { "aws_lambda_alias.live": { name: "live", function_name: "${aws_lambda_function.hook.function_name}", function_version: "$LATEST", provider: "aws.eu" } };
    expect(reached(check(inEu(euRefAlias, "${aws_lambda_alias.live.arn}")))).toEqual(["aws_iam_role.app_member"]);
    // The control: a second provider configuration pinned to the same account and region is the same place.
    const deployProviders = { aws: [{ region: "us-east-1", allowed_account_ids: ["111111111111"] }, { alias: "deploy", region: "us-east-1", allowed_account_ids: ["111111111111"] }] };
    const viaDeploy = app({ post_confirmation: SAME }, logs);
    viaDeploy["aws_lambda_function.hook"] = { ...viaDeploy["aws_lambda_function.hook"], provider: "aws.deploy" };
    expect(errors(check({ ...stack([], viaDeploy), provider: deployProviders }))).toEqual([]);
    // `dynamic "lambda_config"`: the triggers it makes are not read.
    const dyn = app(undefined, logs);
    dyn["aws_cognito_user_pool.users"] = { ...dyn["aws_cognito_user_pool.users"], dynamic: { lambda_config: { for_each: [1], content: { post_confirmation: "arn:aws:lambda:us-east-1:111111111111:function:other" } } } };
    expect(details(check(stack([], dyn)))).toMatch(/its lambda_config is a dynamic block, whose triggers blastwall does not read/);
  });

  test("control: an alias of a function outside the stack, a literal ARN of another name, or an alias blastwall cannot follow stays a function it cannot see", () => {
    const logs = [{ Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: "*" }];
    const alias = (functionName: string) => ({ "aws_lambda_alias.live": { name: "live", function_name: functionName, function_version: "1" } });
    const cases: [string, Record<string, Obj>][] = [
      ["${aws_lambda_alias.live.arn}", alias("other-fn")],
      ["${aws_lambda_alias.live.arn}", alias("${var.fn}")],
      ["${aws_lambda_alias.live.arn}", alias("arn:aws:lambda:us-east-1:111111111111:function:other-fn")],
      ["arn:aws:lambda:us-east-1:111111111111:function:other-fn:live", {}],
      ["arn:aws:lambda:us-east-1:111111111111:function:${var.fn}", {}],
    ];
    for (const [trigger, extra] of cases) {
      const r = check(stack([], { ...app({ post_confirmation: trigger }, logs), ...extra }));
      expect([trigger, extra, reached(r)]).toEqual([trigger, extra, ["aws_iam_role.app_member"]]);
      expect(details(r)).toMatch(/a function this stack does not make \(or blastwall cannot resolve\)/);
    }
  });

  test("the same trigger with a Token mapping hands every user the role its group gives (cognito:preferred_role)", () => {
    const r = check(stack([], app({ post_confirmation: HOOK }, ADD, "token")));
    expect(reached(r)).toEqual(["aws_iam_role.app_member"]);
    expect(details(r)).toMatch(/maps roles from the token, and aws_cognito_user_group\.members gives its members aws_iam_role\.app_member \(aws_cognito_user_pool\.users may put every user into a group: its post_confirmation trigger/);
  });

  test("control: no trigger, or a trigger whose function may not add users to groups of that pool, leaves the group rule a member's", () => {
    const logs = [{ Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: "*" }];
    const otherPool = [{ Effect: "Allow", Action: "cognito-idp:AdminAddUserToGroup", Resource: "${aws_cognito_user_pool.other.arn}" }];
    for (const [cfg, rights] of [[undefined, ADD], [{ post_confirmation: HOOK }, logs], [{ post_confirmation: HOOK }, otherPool]] as const) {
      expect([cfg, rights, errors(check(stack([], app(cfg, [...rights]))))]).toEqual([cfg, rights, []]);
      expect(errors(check(stack([], app(cfg, [...rights], "token"))))).toEqual([]);
    }
  });
});
