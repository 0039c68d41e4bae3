/**
 * Red-team round 60 on the logins that ask for no IAM right (identity-pools.ts, roles-anywhere.ts, the provider
 * rewrites of edges-assume.ts): a private CA whose certificate a trust anchor holds as a bundle, subordinate CAs below an
 * anchor's CA, identity pools accepting OpenID Connect and SAML providers, and role mapping rules on claims a user
 * cannot write.
 */
import { allow, anywhereRole, caConfig, check, DESTROY, details, errors, reached, stack, type Obj } from "../helpers/cognito";
import { policy } from "../helpers/tf";
import type { Report } from "../../lib/report/types";

/** Each principal reached once (the same role may be reached directly and through another). */
const distinct = (r: Report) => [...new Set(reached(r))];

const cfg = caConfig;

describe("60. IAM Roles Anywhere: an anchor whose certificate bundle holds a private CA's certificate", () => {
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
    // Control: a CA the stack makes (a root) is not that one. One of another account is not either, but it may be a
    // subordinate of it, whose chain the plan does not hold (round 61): that still counts.
    expect(errors(check(stack(issue("${aws_acmpca_certificate_authority.other.arn}"), bundle(pem, shared))))).toEqual([]);
    const other = check(stack(issue("arn:aws:acm-pca:us-east-1:333333333333:certificate-authority/*"), bundle(pem, shared)));
    expect(reached(other)).toEqual(["aws_iam_role.onprem"]);
    expect(details(other)).toMatch(/a private CA matching arn:aws:acm-pca:us-east-1:333333333333:certificate-authority\/\* lies outside this stack, and the CA that issued its certificate is not in the plan, so it may chain up to data\.aws_acmpca_certificate_authority\.shared/);
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
      expect(details(r)).toMatch(/holds as a literal PEM \(blastwall does not read PEMs: it may be the certificate of any CA, this stack.s included\)/);
    }
  });

  // Round 63: a CA this stack made at an earlier apply has a certificate that can be pasted into a bundle as a PEM,
  // which blastwall does not read: the PEM may be any CA's, the stack's own included (the control was the old premise).
  test("a literal PEM may be the certificate of a CA this stack makes (once applied, it exists); an anchor with no such grant is no path", () => {
    expect(reached(check(stack(issue("${aws_acmpca_certificate_authority.ca.arn}"), bundle(PEM))))).toEqual(["aws_iam_role.onprem"]);
    expect(errors(check(stack(allow("acm-pca:DescribeCertificateAuthority", "${aws_acmpca_certificate_authority.ca.arn}"), bundle(PEM))))).toEqual([]);
    // Nor does the bundle anchor change the AWS_ACM_PCA reading: the same grant on an anchor naming that CA counts.
    const pca = { "aws_rolesanywhere_trust_anchor.a": { name: "a", source: { source_type: "AWS_ACM_PCA", source_data: { acm_pca_arn: "${aws_acmpca_certificate_authority.ca.arn}" } } } };
    expect(reached(check(stack(issue("${aws_acmpca_certificate_authority.ca.arn}"), bundle(PEM, pca))))).toEqual(["aws_iam_role.onprem"]);
  });
});

describe("60. IAM Roles Anywhere: a subordinate CA below the anchor's CA", () => {
  const root = (name: string) => ({ [`aws_acmpca_certificate_authority.${name}`]: { type: "ROOT", certificate_authority_configuration: cfg(name) } });
  /** A subordinate CA `name` whose CA certificate `parent` (a CA ARN, written as a reference or literally) issues. */
  const sub = (name: string, parent: string | undefined, certificate?: string): Record<string, Obj> => ({
    [`aws_acmpca_certificate_authority.${name}`]: { type: "SUBORDINATE", certificate_authority_configuration: cfg(name) },
    ...(parent !== undefined
      ? {
          [`aws_acmpca_certificate.${name}`]: {
            certificate_authority_arn: parent,
            certificate_signing_request: `\${aws_acmpca_certificate_authority.${name}.certificate_signing_request}`,
            signing_algorithm: "SHA512WITHRSA",
            template_arn: "arn:aws:acm-pca:::template/SubordinateCACertificate_PathLen0/V1",
            validity: { type: "YEARS", value: "5" },
          },
        }
      : {}),
    ...(parent !== undefined || certificate !== undefined
      ? { [`aws_acmpca_certificate_authority_certificate.${name}`]: { certificate_authority_arn: `\${aws_acmpca_certificate_authority.${name}.arn}`, certificate: certificate ?? `\${aws_acmpca_certificate.${name}.certificate}` } }
      : {}),
  });
  const anchorOn = (ca: string) => ({ "aws_rolesanywhere_trust_anchor.a": { name: "a", source: { source_type: "AWS_ACM_PCA", source_data: { acm_pca_arn: ca } } } });
  const issue = (ca: string) => allow(["acm-pca:IssueCertificate", "acm-pca:GetCertificate"], `\${aws_acmpca_certificate_authority.${ca}.arn}`);
  const ROOT_ARN = "${aws_acmpca_certificate_authority.root.arn}";

  test("IssueCertificate on a subordinate whose CA certificate the anchor's root issued reaches the role", () => {
    const r = check(stack(issue("issuing"), { ...anywhereRole, ...root("root"), ...sub("issuing", ROOT_ARN), ...anchorOn(ROOT_ARN) }));
    expect(reached(r)).toEqual(["aws_iam_role.onprem"]);
    expect(details(r)).toMatch(
      /aws_acmpca_certificate_authority\.issuing sign a certificate for a key of its own and send it with the chain \(the CA certificate of aws_acmpca_certificate_authority\.issuing \(aws_acmpca_certificate\.issuing, installed by aws_acmpca_certificate_authority_certificate\.issuing\), which aws_acmpca_certificate_authority\.root issued\) up to aws_acmpca_certificate_authority\.root, the ACM Private CA behind aws_rolesanywhere_trust_anchor\.a; CreateSession validates the chain/,
    );
  });

  test("two levels down (root, intermediate, issuing) the chain still ends at the anchor's CA; an anchor holding the root in a bundle too", () => {
    const chain = { ...root("root"), ...sub("mid", ROOT_ARN), ...sub("issuing", "${aws_acmpca_certificate_authority.mid.arn}") };
    const r = check(stack(issue("issuing"), { ...anywhereRole, ...chain, ...anchorOn(ROOT_ARN) }));
    expect(reached(r)).toEqual(["aws_iam_role.onprem"]);
    expect(details(r)).toMatch(/which aws_acmpca_certificate_authority\.mid issued; the CA certificate of aws_acmpca_certificate_authority\.mid .*which aws_acmpca_certificate_authority\.root issued\) up to aws_acmpca_certificate_authority\.root/);
    const inBundle = { "aws_rolesanywhere_trust_anchor.a": { name: "a", source: { source_type: "CERTIFICATE_BUNDLE", source_data: { x509_certificate_data: "${aws_acmpca_certificate_authority.root.certificate}" } } } };
    expect(reached(check(stack(issue("issuing"), { ...anywhereRole, ...chain, ...inBundle })))).toEqual(["aws_iam_role.onprem"]);
  });

  test("control: a subordinate of another root, or the anchor on the subordinate and the grant on its root, is no path", () => {
    const both = { ...root("root"), ...root("other"), ...sub("issuing", "${aws_acmpca_certificate_authority.other.arn}") };
    expect(errors(check(stack(issue("issuing"), { ...anywhereRole, ...both, ...anchorOn(ROOT_ARN) })))).toEqual([]);
    // Certificates the root issues do not chain through the subordinate's key.
    const below = { ...root("root"), ...sub("issuing", ROOT_ARN), ...anchorOn("${aws_acmpca_certificate_authority.issuing.arn}") };
    expect(errors(check(stack(issue("root"), { ...anywhereRole, ...below })))).toEqual([]);
  });

  test("a subordinate whose parent is a CA outside the stack reaches an anchor holding that CA's certificate, or one that CA may chain to", () => {
    const central = "arn:aws:acm-pca:us-east-1:222222222222:certificate-authority/central-root";
    const shared = (arn: string) => ({
      "data.aws_acmpca_certificate_authority.shared": { arn },
      "aws_rolesanywhere_trust_anchor.a": { name: "a", source: { source_type: "CERTIFICATE_BUNDLE", source_data: { x509_certificate_data: "${data.aws_acmpca_certificate_authority.shared.certificate}" } } },
    });
    for (const parent of [central, "${data.aws_acmpca_certificate_authority.shared.arn}"]) {
      const r = check(stack(issue("issuing"), { ...anywhereRole, ...sub("issuing", parent), ...shared(central) }));
      expect(reached(r)).toEqual(["aws_iam_role.onprem"]);
      expect(details(r)).toMatch(/send it with the chain \(the CA certificate of aws_acmpca_certificate_authority\.issuing .*\) up to data\.aws_acmpca_certificate_authority\.shared, whose CA certificate the certificate bundle/);
    }
    // The bundle holds the certificate of a CA of another account: the chain of the outside parent is not in the plan,
    // and may run up to it (round 61).
    const above = check(stack(issue("issuing"), { ...anywhereRole, ...sub("issuing", central), ...shared("arn:aws:acm-pca:us-east-1:333333333333:certificate-authority/other-root") }));
    expect(reached(above)).toEqual(["aws_iam_role.onprem"]);
    expect(details(above)).toMatch(/the CA that issued the certificate of arn:aws:acm-pca:us-east-1:222222222222:certificate-authority\/central-root, a CA outside this stack, is not in the plan, so it may chain up to data\.aws_acmpca_certificate_authority\.shared/);
  });

  // Red-team round 63: this was a control (the CA above a parent outside the stack was taken to be no CA the stack
  // makes). A CA outside the stack may have been signed, after an earlier apply, by one the stack made: fail closed.
  test("two subordinates of one parent outside the stack: issuing from one may chain through the other, as the parent's own issuer is not in the plan", () => {
    const central = "arn:aws:acm-pca:us-east-1:222222222222:certificate-authority/central-root";
    const siblings = { ...anywhereRole, ...sub("issuing", central), ...sub("onprem", central), ...anchorOn("${aws_acmpca_certificate_authority.onprem.arn}") };
    const r = check(stack(issue("issuing"), siblings));
    expect(reached(r)).toEqual(["aws_iam_role.onprem"]);
    // The parent named by ARN may itself be onprem, as far as the plan shows (its ARN is made at apply time).
    expect(details(r)).toMatch(/which a private CA matching arn:aws:acm-pca:us-east-1:222222222222:certificate-authority\/central-root issued\) up to aws_acmpca_certificate_authority\.onprem/);
    expect(reached(check(stack(issue("onprem"), siblings)))).toEqual(["aws_iam_role.onprem"]);
  });

  test("control: two subordinates of one ROOT CA of the stack: issuing from one does not chain through the other", () => {
    const siblings = { ...anywhereRole, ...root("root"), ...sub("issuing", "${aws_acmpca_certificate_authority.root.arn}"), ...sub("onprem", "${aws_acmpca_certificate_authority.root.arn}"), ...anchorOn("${aws_acmpca_certificate_authority.onprem.arn}") };
    expect(errors(check(stack(issue("issuing"), siblings)))).toEqual([]);
    expect(reached(check(stack(issue("onprem"), siblings)))).toEqual(["aws_iam_role.onprem"]);
  });

  test("a subordinate whose parent blastwall cannot trace fails closed: no certificate installed here, or one from a value it cannot read", () => {
    for (const [issuing, why] of [
      [sub("issuing", undefined), /aws_acmpca_certificate_authority\.issuing is a subordinate CA whose CA certificate no aws_acmpca_certificate_authority_certificate of this stack installs/],
      [sub("issuing", undefined, "${var.issuing_cert}"), /whose CA certificate aws_acmpca_certificate_authority_certificate\.issuing installs from a value blastwall cannot trace/],
    ] as const) {
      const r = check(stack(issue("issuing"), { ...anywhereRole, ...root("root"), ...issuing, ...anchorOn(ROOT_ARN) }));
      expect(reached(r)).toEqual(["aws_iam_role.onprem"]);
      expect(details(r)).toMatch(why);
      expect(details(r)).toMatch(/so it may chain up to aws_acmpca_certificate_authority\.root, the ACM Private CA behind aws_rolesanywhere_trust_anchor\.a.* Install the CA certificate of every subordinate CA on that chain in this stack/);
    }
  });

  test("control: a ROOT CA signs its own certificate, so it chains to no other CA", () => {
    expect(errors(check(stack(issue("other"), { ...anywhereRole, ...root("root"), ...root("other"), ...anchorOn(ROOT_ARN) })))).toEqual([]);
  });
});

/** A role that may delete volumes, trusting authenticated identities of identity pool ip. */
function poolRole(name: string): Record<string, Obj> {
  const trust = JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Federated: "cognito-identity.amazonaws.com" },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: { StringEquals: { "cognito-identity.amazonaws.com:aud": "${aws_cognito_identity_pool.ip.id}" }, "ForAnyValue:StringLike": { "cognito-identity.amazonaws.com:amr": "authenticated" } },
      },
    ],
  });
  return { [`aws_iam_role.${name}`]: { name, assume_role_policy: trust }, [`aws_iam_role_policy.${name}`]: { role: `\${aws_iam_role.${name}.name}`, policy: DESTROY } };
}

/** An EKS cluster's OpenID Connect issuer: tokens of its service accounts, one organisation's alone. */
const EKS = "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE";

describe("60. identity pools: an OpenID Connect provider that gives tokens to anyone", () => {
  const GITHUB = "https://token.actions.githubusercontent.com";
  const oidcPool = (providers: unknown, opts: { url?: string; pool?: Obj; attachment?: Obj } = {}): Record<string, Obj> => ({
    ...poolRole("ci"),
    "aws_iam_openid_connect_provider.idp": { url: opts.url ?? GITHUB, client_id_list: ["sts.amazonaws.com"], thumbprint_list: ["6938fd4d98bab03faadb97b34396831e3780aea1"] },
    "aws_cognito_identity_pool.ip": { identity_pool_name: "ci", allow_unauthenticated_identities: false, allow_classic_flow: false, openid_connect_provider_arns: providers, ...opts.pool },
    "aws_cognito_identity_pool_roles_attachment.ra": { identity_pool_id: "${aws_cognito_identity_pool.ip.id}", roles: { authenticated: "${aws_iam_role.ci.arn}" }, ...opts.attachment },
  });
  const ofStack = ["${aws_iam_openid_connect_provider.idp.arn}"];

  test("GitHub Actions, or Google, as an IAM OIDC provider of the pool: anyone gets its authenticated role", () => {
    const r = check(stack([], oidcPool(ofStack)));
    expect(reached(r)).toEqual(["aws_iam_role.ci"]);
    expect(details(r)).toMatch(/aws_cognito_identity_pool\.ip accepts logins of aws_iam_openid_connect_provider\.idp \(openid_connect_provider_arns\), the OpenID Connect issuer token\.actions\.githubusercontent\.com, from which any workflow of any GitHub repository gets one/);
    expect(details(r)).toMatch(/no OpenID Connect provider that gives tokens to anyone/);
    const google = check(stack([], oidcPool(ofStack, { url: "https://accounts.google.com" })));
    expect(reached(google)).toEqual(["aws_iam_role.ci"]);
    expect(details(google)).toMatch(/issuer accounts\.google\.com, from which anyone with a Google account/);
  });

  test("a provider outside the stack named by ARN is judged by the issuer its ARN holds", () => {
    expect(reached(check(stack([], oidcPool(["arn:aws:iam::111111111111:oidc-provider/gitlab.com"]))))).toEqual(["aws_iam_role.ci"]);
    expect(reached(check(stack([], oidcPool(["arn:aws:iam::${data.aws_caller_identity.me.account_id}:oidc-provider/app.terraform.io"]))))).toEqual(["aws_iam_role.ci"]);
    // Control: an EKS cluster's issuer, or one GitHub Enterprise's issuer, gives tokens to its own workloads only.
    expect(errors(check(stack([], oidcPool([`arn:aws:iam::111111111111:oidc-provider/${EKS}`]))))).toEqual([]);
    expect(errors(check(stack([], oidcPool(["arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com/acme"]))))).toEqual([]);
  });

  test("control: a provider of the stack for one organisation's issuer (an EKS cluster's) is no public login", () => {
    expect(errors(check(stack([], oidcPool(ofStack, { url: `https://${EKS}/` }))))).toEqual([]);
  });

  test("a provider blastwall cannot read (a variable, a provider whose URL is a variable) fails closed", () => {
    for (const res of [oidcPool(["${var.oidc_provider_arn}"]), oidcPool("${var.oidc_provider_arns}"), oidcPool(ofStack, { url: "${var.issuer}" })]) {
      const r = check(stack([], res));
      expect(reached(r)).toEqual(["aws_iam_role.ci"]);
      expect(details(r)).toMatch(/an OpenID Connect provider whose issuer blastwall cannot read, which may be one that gives a token to anyone/);
    }
  });

  test("control: Rules that are each an Equals on sub, with ambiguous_role_resolution Deny, admit one subject alone", () => {
    const pinned = (rule: Obj, deny = "Deny") => ({
      role_mapping: [{ identity_provider: "token.actions.githubusercontent.com", type: "Rules", ambiguous_role_resolution: deny, mapping_rule: [{ claim: "sub", match_type: "Equals", value: "repo:acme/deploy:ref:refs/heads/main", role_arn: "${aws_iam_role.ci.arn}", ...rule }] }],
    });
    expect(errors(check(stack([], oidcPool(ofStack, { attachment: pinned({}) }))))).toEqual([]);
    // Anything looser is still anyone's: the default role when no rule matches, a prefix anyone may register, the
    // audience the caller picks, or the basic flow, where no mapping applies.
    expect(reached(check(stack([], oidcPool(ofStack, { attachment: pinned({}, "AuthenticatedRole") }))))).toEqual(["aws_iam_role.ci"]);
    expect(reached(check(stack([], oidcPool(ofStack, { attachment: pinned({ match_type: "StartsWith", value: "repo:acme" }) }))))).toEqual(["aws_iam_role.ci"]);
    expect(reached(check(stack([], oidcPool(ofStack, { attachment: pinned({ claim: "aud", value: "sts.amazonaws.com" }) }))))).toEqual(["aws_iam_role.ci"]);
    expect(reached(check(stack([], oidcPool(ofStack, { attachment: pinned({}), pool: { allow_classic_flow: true } }))))).toEqual(["aws_iam_role.ci"]);
  });
});

describe("60. rewriting an identity provider that an identity pool accepts", () => {
  const providers = {
    "aws_iam_saml_provider.corp": { name: "corp-idp", saml_metadata_document: "<EntityDescriptor/>" },
    "aws_iam_openid_connect_provider.corp": { url: `https://${EKS}`, client_id_list: ["web"], thumbprint_list: ["6938fd4d98bab03faadb97b34396831e3780aea1"] },
  };
  const pool = (list: Obj, attachment: Obj = {}, extra: Record<string, Obj> = {}): Record<string, Obj> => ({
    ...poolRole("console"),
    ...providers,
    "aws_cognito_identity_pool.ip": { identity_pool_name: "ops", allow_unauthenticated_identities: false, ...list },
    "aws_cognito_identity_pool_roles_attachment.ra": { identity_pool_id: "${aws_cognito_identity_pool.ip.id}", roles: { authenticated: "${aws_iam_role.console.arn}" }, ...attachment },
    ...extra,
  });
  const saml = { saml_provider_arns: ["${aws_iam_saml_provider.corp.arn}"] };
  const oidc = { openid_connect_provider_arns: ["${aws_iam_openid_connect_provider.corp.arn}"] };
  const SAML_ARN = "arn:aws:iam::111111111111:saml-provider/corp-idp";

  test("UpdateSAMLProvider on a SAML provider the pool accepts: the forged assertion gets the pool's authenticated role", () => {
    const r = check(stack(allow(["iam:UpdateSAMLProvider", "iam:GetSAMLProvider"], SAML_ARN), pool(saml)));
    expect(reached(r)).toEqual(["aws_iam_role.console"]);
    expect(details(r)).toMatch(
      /iam:UpdateSAMLProvider: .*lets it rewrite the identity provider arn:aws:iam::111111111111:saml-provider\/corp-idp; aws_cognito_identity_pool\.ip accepts logins of aws_iam_saml_provider\.corp \(saml_provider_arns\): with the provider rewritten it signs SAML assertions of its own for it, .*aws_cognito_identity_pool_roles_attachment\.ra names it for authenticated identities.*Take iam:UpdateSAMLProvider away from the principal, or the provider off the pool\./,
    );
  });

  test("control: rewriting another SAML provider, a pool that accepts none, or reading the provider, is no path", () => {
    // (A provider outside the stack stays a path to the roles outside it that may trust it, not to this pool's.)
    expect(reached(check(stack(allow("iam:UpdateSAMLProvider", "arn:aws:iam::111111111111:saml-provider/other-idp"), pool(saml))))).not.toContain("aws_iam_role.console");
    expect(errors(check(stack(allow("iam:UpdateSAMLProvider", SAML_ARN), pool({}))))).toEqual([]);
    expect(errors(check(stack(allow("iam:GetSAMLProvider", SAML_ARN), pool(saml))))).toEqual([]);
  });

  test("a new client id on an OpenID Connect provider the pool accepts reaches its role; one on another provider does not", () => {
    const r = check(stack(allow("iam:AddClientIDToOpenIDConnectProvider", `arn:aws:iam::111111111111:oidc-provider/${EKS}`), pool(oidc)));
    expect(reached(r)).toEqual(["aws_iam_role.console"]);
    expect(details(r)).toMatch(/aws_iam_openid_connect_provider\.corp \(openid_connect_provider_arns\): with the provider rewritten it has ID tokens of its own choosing accepted/);
    expect(reached(check(stack(allow("iam:AddClientIDToOpenIDConnectProvider", "arn:aws:iam::111111111111:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/OTHER"), pool(oidc))))).not.toContain("aws_iam_role.console");
    // The provider kinds stay apart: a SAML rewrite does not reach a pool that accepts only the OIDC provider.
    expect(reached(check(stack(allow("iam:UpdateSAMLProvider", "*"), pool(oidc))))).not.toContain("aws_iam_role.console");
  });

  test("a pool that takes roles from the token (a Token mapping) hands a forged login any role that trusts it", () => {
    const token = { role_mapping: [{ identity_provider: SAML_ARN, type: "Token", ambiguous_role_resolution: "Deny" }] };
    const r = check(stack(allow("iam:UpdateSAMLProvider", SAML_ARN), pool(saml, token, poolRole("admin"))));
    expect(reached(r).sort()).toEqual(["aws_iam_role.admin", "aws_iam_role.console"]);
    expect(details(r)).toMatch(/aws_cognito_identity_pool_roles_attachment\.ra maps roles from the token, whose role claims the forged login names/);
    // Control: without it the pool hands out only the role its attachment names.
    expect(reached(check(stack(allow("iam:UpdateSAMLProvider", SAML_ARN), pool(saml, {}, poolRole("admin")))))).toEqual(["aws_iam_role.console"]);
  });
});

describe("60. role mapping rules on claims a user cannot write", () => {
  const readOnly = policy({ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::app-content/*" });
  const KEY = "${aws_cognito_user_pool.users.endpoint}:${aws_cognito_user_pool_client.web.id}";
  /** A user pool anyone may sign up to, accepted by pool ip: authenticated users get app_user, a rule maps app_admin. */
  const app = (rule: Obj, opts: { userPool?: Obj; key?: string } = {}): Record<string, Obj> => ({
    ...poolRole("app_admin"),
    ...poolRole("app_user"),
    "aws_iam_role_policy.app_user": { role: "${aws_iam_role.app_user.name}", policy: readOnly },
    "aws_cognito_user_pool.users": { name: "app-users", ...opts.userPool },
    "aws_cognito_user_pool_client.web": { name: "web", user_pool_id: "${aws_cognito_user_pool.users.id}" },
    "aws_cognito_user_group.admins": { name: "admins", user_pool_id: "${aws_cognito_user_pool.users.id}" },
    "aws_cognito_identity_pool.ip": {
      identity_pool_name: "app",
      allow_unauthenticated_identities: false,
      allow_classic_flow: false,
      cognito_identity_providers: [{ client_id: "${aws_cognito_user_pool_client.web.id}", provider_name: "${aws_cognito_user_pool.users.endpoint}" }],
    },
    "aws_cognito_identity_pool_roles_attachment.ra": {
      identity_pool_id: "${aws_cognito_identity_pool.ip.id}",
      roles: { authenticated: "${aws_iam_role.app_user.arn}" },
      role_mapping: [
        { identity_provider: opts.key ?? KEY, type: "Rules", ambiguous_role_resolution: "AuthenticatedRole", mapping_rule: [{ claim: "cognito:groups", match_type: "Contains", value: "admins", role_arn: "${aws_iam_role.app_admin.arn}", ...rule }] },
      ],
    },
  });

  test("a rule on cognito:groups (or an Equals on sub) is no path for a user who signs up: only membership fills the claim", () => {
    expect(errors(check(stack([], app({}))))).toEqual([]);
    expect(errors(check(stack([], app({ claim: "cognito:preferred_role", match_type: "Equals", value: "arn:aws:iam::111111111111:role/app_admin" }))))).toEqual([]);
    expect(errors(check(stack([], app({ claim: "sub", match_type: "Equals", value: "0f1e2d3c-aaaa-bbbb-cccc-111122223333" }))))).toEqual([]);
    // The mapping key written as cognito-idp.REGION.amazonaws.com/${pool.id}:CLIENT is the same user pool.
    expect(errors(check(stack([], app({}, { key: "cognito-idp.us-east-1.amazonaws.com/${aws_cognito_user_pool.users.id}:${aws_cognito_user_pool_client.web.id}" }))))).toEqual([]);
  });

  test("control: a rule on an attribute the user writes, on a claim every token carries, or a NotEqual, is anyone's", () => {
    for (const rule of [
      { claim: "email", match_type: "Equals", value: "admin@example.com" },
      { claim: "custom:role", match_type: "Equals", value: "admin" },
      { claim: "token_use", match_type: "Equals", value: "id" },
      { claim: "cognito:groups", match_type: "NotEqual", value: "guests" },
      { claim: "sub", match_type: "StartsWith", value: "0" },
    ]) {
      const r = check(stack([], app(rule)));
      expect(distinct(r)).toEqual(["aws_iam_role.app_admin"]);
      expect(details(r)).toMatch(/aws_cognito_user_pool\.users, where anyone may sign up/);
    }
  });

  test("control: a pre token generation trigger may write any claim, and a mapping key blastwall cannot resolve may be another provider's", () => {
    for (const userPool of [{ lambda_config: { pre_token_generation: "arn:aws:lambda:us-east-1:111111111111:function:claims" } }, { lambda_config: { pre_token_generation_config: { lambda_arn: "arn:aws:lambda:us-east-1:111111111111:function:claims", lambda_version: "V2_0" } } }]) {
      expect(distinct(check(stack([], app({}, { userPool }))))).toEqual(["aws_iam_role.app_admin"]);
    }
    expect(distinct(check(stack([], app({}, { key: "${var.provider_key}" }))))).toEqual(["aws_iam_role.app_admin"]);
  });

  test("with AdminAddUserToGroup beside a login, a member taken over, or UpdateUserPool (a trigger of its own), the rule's role is reached", () => {
    const pool = "${aws_cognito_user_pool.users.arn}";
    for (const actions of [["cognito-idp:AdminCreateUser", "cognito-idp:AdminAddUserToGroup"], ["cognito-idp:AdminSetUserPassword"], ["cognito-idp:UpdateUserPool"]]) {
      const r = check(stack(allow(actions, pool), app({})));
      expect(distinct(r)).toEqual(["aws_iam_role.app_admin"]);
      expect(details(r)).toMatch(/aws_cognito_identity_pool_roles_attachment\.ra names it for authenticated identities in a rule on cognito:groups, which a user it puts into a group \(or a member it takes over\) matches/);
    }
    // AdminCreateUser alone makes a user in no group.
    expect(errors(check(stack(allow("cognito-idp:AdminCreateUser", pool), app({}))))).toEqual([]);
  });
});
