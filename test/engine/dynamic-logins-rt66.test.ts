/**
 * Red-team round 66 (report D): `dynamic` blocks in what the federated-login paths read. A dynamic
 * `cognito_identity_providers` on an identity pool, or a dynamic `source` on a Roles Anywhere trust anchor, read as no
 * block at all: the pool accepted no user pool, the anchor trusted no CA, and the paths through them were lost.
 */
import { allow, anywhereRole, caConfig, check, cognito, details, errors, reached, stack, type Obj } from "../helpers/cognito";

describe("66. a dynamic cognito_identity_providers block on an identity pool", () => {
  /** Identity pool ip whose user pools come from a dynamic block over `forEach`, with `content`. */
  const dynamicPool = (content: unknown, forEach: unknown = "${var.pools}") =>
    cognito({ pool: { cognito_identity_providers: undefined, dynamic: { cognito_identity_providers: { for_each: forEach, content } } } });

  test("its iterator's user pools are ones blastwall cannot resolve, which may let anyone sign up", () => {
    const r = check(stack([], dynamicPool({ client_id: "${cognito_identity_providers.value.client}", provider_name: "${cognito_identity_providers.value.endpoint}" })));
    expect(reached(r)).toEqual(["aws_iam_role.member"]);
    expect(details(r)).toMatch(/may let anyone sign up/);
  });

  test("a content blastwall cannot read counts the same", () => {
    expect(reached(check(stack([], dynamicPool("${var.content}"))))).toEqual(["aws_iam_role.member"]);
  });

  test("control: a static block naming the stack's admin-only pool, with no login right, is no path", () => {
    expect(errors(check(stack([], cognito())))).toEqual([]);
  });
});

describe("66. a dynamic source block on a Roles Anywhere trust anchor", () => {
  const root = { "aws_acmpca_certificate_authority.ca": { type: "ROOT", certificate_authority_configuration: caConfig("corp root") } };
  const ISSUE = allow(["acm-pca:IssueCertificate", "acm-pca:GetCertificate"], "${aws_acmpca_certificate_authority.ca.arn}");
  const anchor = (body: Obj) => ({ "aws_rolesanywhere_trust_anchor.a": { name: "a", ...body } });

  test("its iterator's CAs may be any CA, the agent's own included: issuing from the stack's CA reaches the anchor's roles", () => {
    const dyn = { dynamic: { source: { for_each: "${var.sources}", content: { source_type: "${source.value.type}", source_data: { acm_pca_arn: "${source.value.arn}" } } } } };
    expect(reached(check(stack(ISSUE, { ...anywhereRole, ...root, ...anchor(dyn) })))).toEqual(["aws_iam_role.onprem"]);
  });

  test("a dynamic source_data, or a content blastwall cannot read, counts the same", () => {
    const nested = { source: { source_type: "AWS_ACM_PCA", dynamic: { source_data: { for_each: "${var.cas}", content: { acm_pca_arn: "${source_data.value}" } } } } };
    expect(reached(check(stack(ISSUE, { ...anywhereRole, ...root, ...anchor(nested) })))).toEqual(["aws_iam_role.onprem"]);
    const unread = { dynamic: { source: { for_each: "${var.sources}", content: "${var.content}" } } };
    expect(reached(check(stack(ISSUE, { ...anywhereRole, ...root, ...anchor(unread) })))).toEqual(["aws_iam_role.onprem"]);
  });

  test("control: a static source naming another CA of the stack is no path for the agent issuing from this one", () => {
    const other = { "aws_acmpca_certificate_authority.other": { type: "ROOT", certificate_authority_configuration: caConfig("other root") } };
    const fixed = { source: { source_type: "AWS_ACM_PCA", source_data: { acm_pca_arn: "${aws_acmpca_certificate_authority.other.arn}" } } };
    expect(errors(check(stack(ISSUE, { ...anywhereRole, ...root, ...other, ...anchor(fixed) })))).toEqual([]);
  });
});
