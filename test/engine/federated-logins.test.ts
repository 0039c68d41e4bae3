/**
 * Logins that ask for no IAM right (red-team round 57): Cognito identity pools, which hand roles to anyone or to
 * whoever can make itself a user of a user pool they accept, and IAM Roles Anywhere trust anchors, whose CA signs
 * the certificates CreateSession takes. The agent is set up as AgentRole would set it up, so the reach rules alone
 * speak.
 */
import { check, errors, policy, safeAgentStack, tf } from "../helpers/tf";
import type { Report } from "../../lib/report/types";

type Obj = Record<string, unknown>;

const DESTROY = policy({ Effect: "Allow", Action: ["ec2:DeleteVolume", "ec2:DeleteSnapshot"], Resource: "*" });

function stack(statements: Obj[], resources: Record<string, Obj>): Obj {
  const doc = safeAgentStack(statements, ["ec2:Delete*", "ec2:Terminate*"]) as { resource: Record<string, Record<string, Obj>> } & Obj;
  const more = tf(resources) as Obj & { resource?: Record<string, Record<string, Obj>> };
  for (const [type, byName] of Object.entries(more.resource ?? {})) doc.resource[type] = { ...doc.resource[type], ...byName };
  return doc;
}

const reached = (r: Report) => errors(r, "agent-transitive-destroy").map((f) => f.resource);
const details = (r: Report) => errors(r).flatMap((f) => f.evidence).map((e) => `${e.step}:${e.detail}`).join("\n");

/** A role that may delete volumes, trusting identity pool tokens with these conditions. */
function poolRole(name: string, condition: Obj | undefined): Record<string, Obj> {
  const trust = JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Federated: "cognito-identity.amazonaws.com" }, Action: "sts:AssumeRoleWithWebIdentity", ...(condition ? { Condition: condition } : {}) }],
  });
  return {
    [`aws_iam_role.${name}`]: { name, assume_role_policy: trust },
    [`aws_iam_role_policy.${name}`]: { role: `\${aws_iam_role.${name}.name}`, policy: DESTROY },
  };
}

const onPool = (amr: string, pool = "${aws_cognito_identity_pool.ip.id}") => ({
  StringEquals: { "cognito-identity.amazonaws.com:aud": pool },
  "ForAnyValue:StringLike": { "cognito-identity.amazonaws.com:amr": amr },
});

function identityPool(pool: Obj, roles: Obj, extra: Record<string, Obj> = {}): Record<string, Obj> {
  return {
    "aws_cognito_identity_pool.ip": { identity_pool_name: "web", ...pool },
    "aws_cognito_identity_pool_roles_attachment.ra": { identity_pool_id: "${aws_cognito_identity_pool.ip.id}", roles },
    ...extra,
  };
}

describe("51. an identity pool that hands a role to anyone", () => {
  test("unauthenticated identities: the pool's unauthenticated role is every agent's", () => {
    const r = check(stack([], { ...poolRole("guest", onPool("unauthenticated")), ...identityPool({ allow_unauthenticated_identities: true }, { unauthenticated: "${aws_iam_role.guest.arn}" }) }));
    expect(reached(r)).toEqual(["aws_iam_role.guest"]);
    expect(details(r)).toMatch(/aws_cognito_identity_pool\.ip allows unauthenticated identities, and aws_cognito_identity_pool_roles_attachment\.ra names it/);
    expect(details(r)).toMatch(/allow_unauthenticated_identities = false/);
  });

  test("control: the same pool without unauthenticated identities hands the role to no one", () => {
    const r = check(stack([], { ...poolRole("guest", onPool("unauthenticated")), ...identityPool({ allow_unauthenticated_identities: false }, { unauthenticated: "${aws_iam_role.guest.arn}" }) }));
    expect(errors(r)).toEqual([]);
  });

  test("control: a role whose trust requires authenticated identities is not handed to unauthenticated ones", () => {
    const r = check(stack([], { ...poolRole("member", onPool("authenticated")), ...identityPool({ allow_unauthenticated_identities: true }, { unauthenticated: "${aws_iam_role.member.arn}", authenticated: "${aws_iam_role.member.arn}" }) }));
    expect(errors(r)).toEqual([]);
  });

  test("a trust with no aud condition admits a token of any pool, one anyone can make", () => {
    const r = check(stack([], poolRole("any", { "ForAnyValue:StringLike": { "cognito-identity.amazonaws.com:amr": "authenticated" } })));
    expect(reached(r)).toEqual(["aws_iam_role.any"]);
    expect(details(r)).toMatch(/no cognito-identity\.amazonaws\.com:aud condition/);
  });

  test("a trust naming a pool outside the stack fails closed, for unauthenticated and (red-team round 59) authenticated identities", () => {
    expect(reached(check(stack([], poolRole("ext", onPool("unauthenticated", "us-east-1:0000-outside")))))).toEqual(["aws_iam_role.ext"]);
    // An outside pool may accept a public login or a user pool anyone may sign up to.
    const r = check(stack([], poolRole("ext", onPool("authenticated", "us-east-1:0000-outside"))));
    expect(reached(r)).toEqual(["aws_iam_role.ext"]);
    expect(details(r)).toMatch(/identity pool this stack does not create .* Name in its cognito-identity\.amazonaws\.com:aud condition only pools of this stack, or take the destroy rights off the role/);
  });

  test("the basic flow lets a token be used on any role that trusts the pool, attached or not", () => {
    const r = check(stack([], { ...poolRole("guest", onPool("unauthenticated")), ...identityPool({ allow_unauthenticated_identities: true, allow_classic_flow: true }, {}) }));
    expect(reached(r)).toEqual(["aws_iam_role.guest"]);
    expect(details(r)).toMatch(/basic flow/);
  });

  test("a public login (Google) gives anyone the authenticated role", () => {
    const r = check(stack([], { ...poolRole("member", onPool("authenticated")), ...identityPool({ supported_login_providers: { "accounts.google.com": "123.apps.googleusercontent.com" } }, { authenticated: "${aws_iam_role.member.arn}" }) }));
    expect(reached(r)).toEqual(["aws_iam_role.member"]);
  });
});

describe("52. making oneself a user of a user pool an identity pool accepts", () => {
  const userPool = (adminOnly: boolean): Record<string, Obj> => ({
    "aws_cognito_user_pool.up": { name: "staff", admin_create_user_config: { allow_admin_create_user_only: adminOnly } },
    "aws_cognito_user_pool_client.c": { name: "web", user_pool_id: "${aws_cognito_user_pool.up.id}" },
  });
  const accepts = { cognito_identity_providers: [{ client_id: "${aws_cognito_user_pool_client.c.id}", provider_name: "${aws_cognito_user_pool.up.endpoint}" }] };
  const resources = (adminOnly: boolean, attach: Obj = { authenticated: "${aws_iam_role.member.arn}" }, extra: Record<string, Obj> = {}) => ({
    ...poolRole("member", onPool("authenticated")),
    ...userPool(adminOnly),
    ...identityPool(accepts, attach, extra),
  });
  const admin = (action: string | string[], resource = "${aws_cognito_user_pool.up.arn}") => [{ Effect: "Allow", Action: action, Resource: resource }];

  test("AdminCreateUser on the user pool reaches the identity pool's authenticated role", () => {
    const r = check(stack(admin(["cognito-idp:AdminCreateUser", "cognito-idp:AdminSetUserPassword"]), resources(true)));
    expect(reached(r)).toEqual(["aws_iam_role.member"]);
    expect(details(r)).toMatch(/trust-rewrite:cognito-idp:AdminCreateUser: .*make itself a user of aws_cognito_user_pool\.up/);
  });

  test("control: without a user admin right, an admin-only user pool gives the role to no agent", () => {
    expect(errors(check(stack(admin("cognito-idp:ListUsers"), resources(true))))).toEqual([]);
  });

  test("control: a user admin right is no path to an identity pool that accepts no user pool", () => {
    const res = { ...poolRole("member", onPool("authenticated")), ...userPool(true), ...identityPool({ developer_provider_name: "login.example" }, { authenticated: "${aws_iam_role.member.arn}" }) };
    expect(errors(check(stack(admin("cognito-idp:AdminCreateUser", "${aws_cognito_user_pool.up.arn}"), res)))).toEqual([]);
    // On *, user pools outside the stack, which identity pools outside it may accept (round 116): that one unknown, no stack role.
    const r = check(stack(admin("cognito-idp:AdminCreateUser", "*"), res));
    expect(errors(r).map((f) => f.ruleId)).toEqual(["agent-reach-unknown"]);
    expect(reached(r)).toEqual([]);
  });

  test("self sign-up (the user pool's default) gives every agent the role, with no right at all", () => {
    const r = check(stack([], resources(false)));
    expect(reached(r)).toEqual(["aws_iam_role.member"]);
    expect(details(r)).toMatch(/anyone may sign up/);
  });

  test("a group's role, through a Token role mapping, needs AdminAddUserToGroup (or a member taken over)", () => {
    const attach = { authenticated: "${aws_iam_role.member.arn}" };
    const groupRes = {
      ...poolRole("admins", onPool("authenticated")),
      "aws_cognito_user_group.admins": { name: "admins", user_pool_id: "${aws_cognito_user_pool.up.id}", role_arn: "${aws_iam_role.admins.arn}" },
    };
    const mapped = (extraAttach: Obj) =>
      stack(admin(["cognito-idp:AdminCreateUser", "cognito-idp:AdminAddUserToGroup"]), {
        ...resources(true, { ...attach }, {}),
        ...groupRes,
        "aws_cognito_identity_pool_roles_attachment.ra": { identity_pool_id: "${aws_cognito_identity_pool.ip.id}", roles: attach, ...extraAttach },
      });
    const r = check(mapped({ role_mapping: [{ identity_provider: "x", type: "Token", ambiguous_role_resolution: "Deny" }] }));
    expect(reached(r).sort()).toEqual(["aws_iam_role.admins", "aws_iam_role.member"]);
    // Without the Token mapping the pool never hands out the group's role.
    expect(reached(check(mapped({})))).toEqual(["aws_iam_role.member"]);
  });

  test("UpdateIdentityPool turns on what the pool hands out: every role trusting it", () => {
    const r = check(stack([{ Effect: "Allow", Action: "cognito-identity:UpdateIdentityPool", Resource: "*" }], { ...poolRole("member", onPool("authenticated")), ...identityPool({}, {}) }));
    expect(reached(r)).toEqual(["aws_iam_role.member"]);
  });
});

describe("50. IAM Roles Anywhere: a CA the agent puts into a trust anchor", () => {
  const anywhereRole = (condition?: Obj): Record<string, Obj> => ({
    "aws_iam_role.onprem": {
      name: "onprem",
      assume_role_policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "rolesanywhere.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"], ...(condition ? { Condition: condition } : {}) }],
      }),
    },
    "aws_iam_role_policy.onprem": { role: "${aws_iam_role.onprem.name}", policy: DESTROY },
  });
  const anchor = (name: string) => ({ [`aws_rolesanywhere_trust_anchor.${name}`]: { name, enabled: true, source: { source_type: "CERTIFICATE_BUNDLE", source_data: { x509_certificate_data: "-----BEGIN CERTIFICATE-----" } } } });
  const profile = { "aws_rolesanywhere_profile.p": { name: "onprem", role_arns: ["${aws_iam_role.onprem.arn}"] } };
  const onAnchor = (name: string) => ({ ArnEquals: { "aws:SourceArn": `\${aws_rolesanywhere_trust_anchor.${name}.arn}` } });
  const allow = (action: string | string[], resource = "*") => [{ Effect: "Allow", Action: action, Resource: resource }];

  test("UpdateTrustAnchor on the anchor the trust names reaches the role a profile lists", () => {
    const r = check(stack(allow("rolesanywhere:UpdateTrustAnchor", "${aws_rolesanywhere_trust_anchor.ta.arn}"), { ...anywhereRole(onAnchor("ta")), ...anchor("ta"), ...profile }));
    expect(reached(r)).toEqual(["aws_iam_role.onprem"]);
    expect(details(r)).toMatch(/put a CA of its own into aws_rolesanywhere_trust_anchor\.ta .* aws_rolesanywhere_profile\.p lists it/);
  });

  test("control: rewriting another anchor is no path to a role whose trust names this one", () => {
    // Anchor ids are random, so a policy cannot tell the stack's own anchors apart: the anchors here are named by ARN.
    const arn = (id: string) => `arn:aws:rolesanywhere:us-east-1:111111111111:trust-anchor/${id}`;
    const trustOn = { ArnEquals: { "aws:SourceArn": arn("aaaa") } };
    // (The anchor bbbb is not the stack's: roles outside it may trust it, an agent-reach-unknown of its own.)
    expect(errors(check(stack(allow("rolesanywhere:UpdateTrustAnchor", arn("bbbb")), { ...anywhereRole(trustOn), ...profile }))).map((f) => f.ruleId)).toEqual(["agent-reach-unknown"]);
    expect(reached(check(stack(allow("rolesanywhere:UpdateTrustAnchor", arn("aaaa")), { ...anywhereRole(trustOn), ...profile })))).toEqual(["aws_iam_role.onprem"]);
  });

  test("a new anchor gets a role whose trust names no anchor, but not one whose trust names an existing anchor", () => {
    expect(reached(check(stack(allow("rolesanywhere:CreateTrustAnchor"), { ...anywhereRole(), ...profile })))).toEqual(["aws_iam_role.onprem"]);
    // (Roles outside the stack that admit any anchor are an agent-reach-unknown of their own.)
    expect(errors(check(stack(allow("rolesanywhere:CreateTrustAnchor"), { ...anywhereRole(onAnchor("ta")), ...anchor("ta"), ...profile }))).map((f) => f.ruleId)).toEqual(["agent-reach-unknown"]);
  });

  test("control: a role no profile of the stack lists, where the stack has profiles, is not reached", () => {
    const other = { "aws_rolesanywhere_profile.p": { name: "other", role_arns: ["arn:aws:iam::111111111111:role/elsewhere"] } };
    // (UpdateTrustAnchor on `*` also names anchors outside the stack: an agent-reach-unknown of its own.)
    expect(errors(check(stack(allow("rolesanywhere:UpdateTrustAnchor"), { ...anywhereRole(), ...anchor("ta"), ...other }))).map((f) => f.ruleId)).toEqual(["agent-reach-unknown"]);
    // With a profile write, the agent lists the role itself.
    expect(reached(check(stack(allow(["rolesanywhere:UpdateTrustAnchor", "rolesanywhere:CreateProfile"]), { ...anywhereRole(), ...anchor("ta"), ...other })))).toEqual(["aws_iam_role.onprem"]);
  });
});
