/**
 * Rewrites of identity pools, user pools' identity providers and Roles Anywhere trust anchors the stack does not make:
 * roles outside the stack that trust them are the writer's, and blastwall cannot see them. Before, the engine followed
 * these only to the pools, anchors and roles of the stack, and an agent holding `cognito-identity:UpdateIdentityPool`
 * or `rolesanywhere:CreateTrustAnchor` on `*` in a stack of no such role got no reach finding at all, where one holding
 * `iam:UpdateOpenIDConnectProviderThumbprint` got agent-reach-unknown. A grant written as a reference to a pool or
 * anchor of the stack names that one alone, and stays judged by the login paths.
 */
import { allow, assumableOps, check, cognito, errors, reached, stack } from "../helpers/cognito";
import { anywhereRole } from "../helpers/cognito";
import type { Report } from "../../lib/report/types";

const unknowns = (r: Report) => errors(r, "agent-reach-unknown");
const ids = (r: Report) => errors(r).map((f) => f.ruleId);
const POOL_ARN = "arn:aws:cognito-identity:eu-west-1:111111111111:identitypool/eu-west-1:0a1b2c3d-1111-2222-3333-444455556666";
const USER_POOL_ARN = "arn:aws:cognito-idp:eu-west-1:111111111111:userpool/eu-west-1_AbCdEf123";
const ANCHOR_ARN = "arn:aws:rolesanywhere:eu-west-1:111111111111:trust-anchor/0a1b2c3d-1111-2222-3333-444455556666";
const anchor = { "aws_rolesanywhere_trust_anchor.a": { name: "a", enabled: true, source: { source_type: "CERTIFICATE_BUNDLE", source_data: { x509_certificate_data: "-----BEGIN CERTIFICATE-----" } } } };

describe("identity pools outside the stack", () => {
  it("UpdateIdentityPool on * reaches roles outside the stack that trust a pool: agent-reach-unknown, with what works", () => {
    const r = check(stack(allow("cognito-identity:UpdateIdentityPool"), {}));
    const [f] = unknowns(r);
    expect(f.message).toContain("(cognito-identity:UpdateIdentityPool): roles trusting identity pools matching *, which may lie outside this stack");
    expect(f.resource).toBe("aws_iam_role_policy.ops");
    expect(f.fix).toMatch(/^Take cognito-identity:UpdateIdentityPool off the agent, or grant it only on identity pools of this stack, each written as a reference \(`\$\{aws_cognito_identity_pool\.NAME\.arn\}`\)/);
    expect(f.fix).toContain("AgentRole's boundary denies this action");
    expect(f.fix).not.toContain("Name the exact roles");
  });

  it("a pool named by a literal ARN, or read by a data source, is one the stack does not make", () => {
    expect(unknowns(check(stack(allow("cognito-identity:UpdateIdentityPool", POOL_ARN), {}))).length).toBe(1);
    const data = { "data.aws_cognito_identity_pool.shared": { identity_pool_name: "shared" } };
    expect(unknowns(check(stack(allow("cognito-identity:UpdateIdentityPool", "${data.aws_cognito_identity_pool.shared.arn}"), data))).length).toBe(1);
  });

  it("control: a grant written as a reference to the stack's pool stays judged as before (the role it hands out, no unknown)", () => {
    const own = check(stack(allow("cognito-identity:UpdateIdentityPool", "${aws_cognito_identity_pool.ip.arn}"), cognito()));
    expect(unknowns(own)).toEqual([]);
    expect(reached(own)).toEqual(["aws_iam_role.member"]);
    expect(errors(check(stack(allow("cognito-identity:UpdateIdentityPool", "${aws_cognito_identity_pool.ip.arn}"), { "aws_cognito_identity_pool.ip": { identity_pool_name: "app" } })))).toEqual([]);
  });

  it("control: a grant on no identity pool ARN names none", () => {
    expect(errors(check(stack(allow("cognito-identity:UpdateIdentityPool", USER_POOL_ARN), {})))).toEqual([]);
  });
});

describe("user pools' identity providers outside the stack", () => {
  it("UpdateIdentityProvider on * reaches the roles identity pools outside the stack hand out", () => {
    const [f] = unknowns(check(stack(allow("cognito-idp:UpdateIdentityProvider"), {})));
    expect(f.message).toContain("roles handed out by identity pools that accept user pools matching *, which may lie outside this stack");
    expect(f.fix).toMatch(/^Take cognito-idp:UpdateIdentityProvider and cognito-idp:CreateIdentityProvider off the agent, or grant them only on user pools of this stack/);
  });

  it("CreateIdentityProvider with UpdateUserPoolClient on a user pool outside the stack, as a pair", () => {
    const [f] = unknowns(check(stack(allow(["cognito-idp:CreateIdentityProvider", "cognito-idp:UpdateUserPoolClient"], USER_POOL_ARN), {})));
    expect(f.evidence.map((e) => e.detail).join("\n")).toContain("(Allow cognito-idp:CreateIdentityProvider, cognito-idp:UpdateUserPoolClient on " + USER_POOL_ARN);
  });

  it("control: CreateIdentityProvider alone, or with the client right only on the stack's user pool, enables no provider outside", () => {
    expect(errors(check(stack(allow("cognito-idp:CreateIdentityProvider"), {})))).toEqual([]);
    expect(errors(check(stack(allow("cognito-idp:UpdateUserPoolClient", USER_POOL_ARN), {})))).toEqual([]);
    const pools = { "aws_cognito_user_pool.up": { name: "staff", admin_create_user_config: { allow_admin_create_user_only: true } } };
    const split = [...allow("cognito-idp:CreateIdentityProvider"), ...allow("cognito-idp:UpdateUserPoolClient", "${aws_cognito_user_pool.up.arn}")];
    expect(unknowns(check(stack(split, pools)))).toEqual([]);
  });

  it("control: UpdateIdentityProvider on the stack's user pool, by reference, stays judged as before", () => {
    const r = check(stack(allow("cognito-idp:UpdateIdentityProvider", "${aws_cognito_user_pool.up.arn}"), cognito()));
    expect(unknowns(r)).toEqual([]);
    expect(reached(r)).toEqual(["aws_iam_role.member"]);
  });
});

describe("Roles Anywhere trust anchors outside the stack", () => {
  it("CreateTrustAnchor and CreateProfile on * (a new anchor): agent-reach-unknown, whose fix is to take the right away", () => {
    const r = check(stack(allow(["rolesanywhere:CreateTrustAnchor", "rolesanywhere:CreateProfile"]), {}));
    const [f] = unknowns(r);
    expect(f.message).toContain("(rolesanywhere:CreateTrustAnchor): roles trusting Roles Anywhere from any trust anchor, which may lie outside this stack");
    expect(f.fix).toMatch(/^Take rolesanywhere:CreateTrustAnchor off the agent: a new trust anchor is never one of this stack's, so no narrower resource helps/);
    // The right alone: profiles outside the stack may list such roles.
    expect(unknowns(check(stack(allow("rolesanywhere:CreateTrustAnchor"), {}))).length).toBe(1);
  });

  it("UpdateTrustAnchor on * or on an anchor named by ARN", () => {
    for (const res of ["*", ANCHOR_ARN]) {
      const [f] = unknowns(check(stack(allow("rolesanywhere:UpdateTrustAnchor", res), {})));
      expect(f.message).toContain(`roles trusting Roles Anywhere through trust anchors matching ${res}, which may lie outside this stack`);
      expect(f.fix).toMatch(/^Take rolesanywhere:UpdateTrustAnchor off the agent: an anchor matching .*, this stack's own too, is trusted by every role outside this stack whose trust admits Roles Anywhere with no aws:SourceArn condition/);
    }
  });

  it("UpdateTrustAnchor on the stack's own anchor fails closed too: roles outside the stack with no aws:SourceArn condition trust any anchor", () => {
    const own = check(stack(allow("rolesanywhere:UpdateTrustAnchor", "${aws_rolesanywhere_trust_anchor.a.arn}"), anchor));
    expect(ids(own)).toEqual(["agent-reach-unknown"]);
    expect(unknowns(own)[0].fix).toContain("so no narrower resource helps");
    // The roles of the stack it reaches are still judged as before.
    const r = check(stack(allow("rolesanywhere:UpdateTrustAnchor", "${aws_rolesanywhere_trust_anchor.a.arn}"), { ...anchor, ...anywhereRole }));
    expect(ids(r).sort()).toEqual(["agent-reach-unknown", "agent-transitive-destroy"]);
  });

  it("control: a profile write alone controls no anchor", () => {
    expect(errors(check(stack(allow(["rolesanywhere:CreateProfile", "rolesanywhere:UpdateProfile"]), {})))).toEqual([]);
  });
});

describe("through a role the agent assumes", () => {
  const ops = assumableOps;

  it.each([
    ["cognito-identity:UpdateIdentityPool", ", or grant it only on "],
    ["rolesanywhere:UpdateTrustAnchor", ": an anchor matching "],
  ])("%s: take it off that role, or cut the first link", (right, then) => {
    const [f] = unknowns(check(stack(allow("sts:AssumeRole", "${aws_iam_role.ops.arn}"), ops(right))));
    expect(f.fix.startsWith(`Take ${right} off aws_iam_role.ops${then}`)).toBe(true);
    expect(f.fix).toContain("Or cut the chain's first link (aws_iam_role.agent -> aws_iam_role.ops).");
  });
});
