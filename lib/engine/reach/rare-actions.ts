/**
 * The actions the rarer paths look up: Cognito identity pools (identity-pools.ts), IAM Roles Anywhere
 * (roles-anywhere.ts) and EKS access (clusters.ts), with the types EKS access is given through. compute.ts lists every action the edges ask about for each stack,
 * so these live apart from the code that reads them, which loads only for a stack that may need it (../lazy.ts).
 */

/** Actions that let a principal log in as a user of a user pool (see identity-pools.ts). */
export const USER_POOL_LOGIN = ["cognito-idp:AdminCreateUser", "cognito-idp:AdminSetUserPassword", "cognito-idp:AdminUpdateUserAttributes", "cognito-idp:UpdateUserPool", "cognito-idp:UpdateIdentityProvider", "cognito-idp:AdminLinkProviderForUser"] as const;
/**
 * Enabling an identity provider on an app client (red-team round 66): a login right alone on a user pool that has a
 * federated provider anyone may sign in with (`federatedOpen`), which the caller turns on for the identity pool's client.
 */
export const USER_POOL_CLIENT = "cognito-idp:UpdateUserPoolClient";
/**
 * Rights that log a principal in only together, on the same user pool: an identity provider of its own
 * (`CreateIdentityProvider`, a SAML or OIDC IdP it controls) enabled on an app client (`UpdateUserPoolClient`).
 */
export const USER_POOL_LOGIN_PAIRS = [["cognito-idp:CreateIdentityProvider", "cognito-idp:UpdateUserPoolClient"]] as const;
/**
 * Confirming a user who signed up (red-team round 117): on a pool outside the stack that lets anyone sign up but has an
 * administrator confirm them, the caller signs itself up and confirms itself. A pool of the stack that lets anyone sign
 * up is read as open to anyone already, so only the pools outside it count.
 */
export const USER_POOL_CONFIRM = "cognito-idp:AdminConfirmSignUp";
/**
 * Signing a user in with the administrator's flow (ADMIN_USER_PASSWORD_AUTH): on a pool that lets anyone sign up, the
 * caller signs itself up and signs in through an app client that allows no other flow (identity-pools.ts
 * `selfServiceSignIn`), which a stranger with no IAM right cannot.
 */
export const USER_POOL_ADMIN_AUTH = "cognito-idp:AdminInitiateAuth";
/** Minting a token for any user of a pool's developer provider (developer-authenticated identities). */
export const DEVELOPER_LOGIN = "cognito-identity:GetOpenIdTokenForDeveloperIdentity";
/** Actions that put a user of the principal's into a group (and so give it the group's role, where it is mapped). */
export const USER_POOL_GROUP = ["cognito-idp:AdminAddUserToGroup"] as const;
/** Rewriting an identity pool: unauthenticated identities, the basic flow, or a login provider of the writer's own. */
export const IDENTITY_POOL_REWRITE = ["cognito-identity:UpdateIdentityPool"] as const;
/**
 * Replacing an identity pool's roles (authenticated, unauthenticated) and role mappings; Cognito asks the caller for
 * iam:PassRole on each role named, with iam:PassedToService cognito-identity.amazonaws.com.
 */
export const IDENTITY_POOL_ROLES = "cognito-identity:SetIdentityPoolRoles";

/** Every action the identity pool edges look up. */
export function identityPoolActions(): string[] {
  return [...USER_POOL_LOGIN, ...USER_POOL_LOGIN_PAIRS.flat(), USER_POOL_CLIENT, USER_POOL_ADMIN_AUTH, ...USER_POOL_GROUP, USER_POOL_CONFIRM, ...IDENTITY_POOL_REWRITE, IDENTITY_POOL_ROLES, DEVELOPER_LOGIN];
}

/** Putting a CA of the caller's into a trust anchor, listing a role in a profile, issuing from a private CA (see roles-anywhere.ts). */
export const ANCHOR_REWRITE = ["rolesanywhere:UpdateTrustAnchor"] as const;
export const ANCHOR_CREATE = ["rolesanywhere:CreateTrustAnchor"] as const;
export const PROFILE_WRITE = ["rolesanywhere:CreateProfile", "rolesanywhere:UpdateProfile"] as const;
export const PCA_ISSUE = "acm-pca:IssueCertificate";
/**
 * Writing a private CA's resource policy (red-team round 66): the caller allows its own sessions IssueCertificate
 * there, which its permission boundary does not cap (a grant to a session ARN), and issues as with the right itself.
 */
export const PCA_POLICY = "acm-pca:PutPolicy";

/** Every action the Roles Anywhere edges look up. */
export function rolesAnywhereActions(): string[] {
  return [...ANCHOR_REWRITE, ...ANCHOR_CREATE, ...PROFILE_WRITE, PCA_ISSUE, PCA_POLICY];
}

/**
 * Rewrites of a login source other than an IAM identity provider (compute.ts PROVIDER_REWRITE): an identity pool,
 * which a role trusts by its id; a user pool's identity providers, which decide who signs in to an identity pool that
 * accepts the user pool (`UpdateIdentityProvider`; `CreateIdentityProvider` with `pair`, the client right that enables
 * the new one); a Roles Anywhere trust anchor, which a trust with no `aws:SourceArn` condition admits whichever it is
 * (`create`: a new one, never the stack's); and the sign-ins (`signIn`): a user of a user pool, a certificate of an ACM
 * Private CA, which identity pools and trust anchors outside the stack may accept. `kind` names the unknown node and its fix (rules/reach-support.ts), `types`
 * the stack's resources of the source, `arn` the shape of the ARNs the action is granted on. A source the stack
 * does not make may be trusted by roles outside it, whose rights blastwall cannot see (edges-assume.ts
 * `loginRewriteEdges`); on one of the stack's the login paths judge it (identity-pools.ts, roles-anywhere.ts).
 */
export const LOGIN_REWRITE = [
  { kind: "identity-pool", types: ["aws_cognito_identity_pool"], arn: "arn:*:cognito-identity:*:*:identitypool/*", actions: [...IDENTITY_POOL_REWRITE] },
  { kind: "user-pool", types: ["aws_cognito_user_pool"], arn: "arn:*:cognito-idp:*:*:userpool/*", actions: ["cognito-idp:UpdateIdentityProvider"] },
  { kind: "user-pool", types: ["aws_cognito_user_pool"], arn: "arn:*:cognito-idp:*:*:userpool/*", actions: [USER_POOL_LOGIN_PAIRS[0][0]], pair: USER_POOL_LOGIN_PAIRS[0][1] },
  { kind: "trust-anchor", types: ["aws_rolesanywhere_trust_anchor"], arn: "arn:*:rolesanywhere:*:*:trust-anchor/*", actions: [...ANCHOR_REWRITE] },
  { kind: "new-trust-anchor", types: ["aws_rolesanywhere_trust_anchor"], arn: "arn:*:rolesanywhere:*:*:trust-anchor/*", actions: [...ANCHOR_CREATE], create: true },
  // Signing in rather than rewriting (red-team round 116): a user of a user pool outside the stack, or a certificate of a
  // private CA outside it, which identity pools and trust anchors outside the stack may accept. A group right alone
  // counts too: a user pool outside the stack may let anyone sign up.
  { kind: "user-pool-login", types: ["aws_cognito_user_pool"], arn: "arn:*:cognito-idp:*:*:userpool/*", actions: [...USER_POOL_LOGIN.filter((a) => a !== "cognito-idp:UpdateIdentityProvider"), ...USER_POOL_GROUP, USER_POOL_CONFIRM], signIn: true },
  { kind: "private-ca", types: ["aws_acmpca_certificate_authority"], arn: "arn:*:acm-pca:*:*:certificate-authority/*", actions: [PCA_ISSUE, PCA_POLICY], signIn: true },
] as const satisfies readonly { readonly kind: string; readonly types: readonly string[]; readonly arn: string; readonly actions: readonly string[]; readonly pair?: string; readonly create?: boolean; readonly signIn?: boolean }[];

export type LoginRewriteKind = (typeof LOGIN_REWRITE)[number]["kind"];

/**
 * The login rewrites AgentRole's boundary denies, with the profile writes that list a role for a session through an
 * anchor the caller controls: as the IAM provider rewrites, whoever holds one signs in as roles that may lie outside
 * every stack blastwall checks. The client right of the user pool pair stays open (an app's callback URLs), as the
 * identity provider right it needs is denied. The sign-ins (`signIn`) stay open too: creating a test user in the
 * stack's own pool is an ordinary agent task, and a boundary cannot tell that pool from others (`signInOutside`).
 */
export function loginRewriteActions(): string[] {
  return [...new Set([...LOGIN_REWRITE.filter((w) => !("signIn" in w)).flatMap((w) => [...w.actions]), ...PROFILE_WRITE])];
}

/**
 * The sign-ins the boundary leaves open, with the ARN shape of what they are granted on: AgentRole.allow refuses one
 * on a resource that may name a pool or CA outside the stack (a pattern or a literal ARN), and takes a reference.
 */
export function signInOutside(): readonly { readonly kind: LoginRewriteKind; readonly arn: string; readonly actions: readonly string[] }[] {
  return LOGIN_REWRITE.filter((w) => "signIn" in w);
}

/** IAM writes that make the caller (or a principal it controls) an administrator of a cluster (see clusters.ts). */
export const CLUSTER_ADMIN_WRITES = ["eks:CreateAccessEntry", "eks:AssociateAccessPolicy", "eks:UpdateAccessEntry"] as const;

/** Kubernetes resources that may write the aws-auth ConfigMap, in which older clusters map IAM principals to groups. */
export const AWS_AUTH_CONFIG_MAP_TYPES = ["kubernetes_config_map", "kubernetes_config_map_v1", "kubernetes_config_map_v1_data"];
/** Resources that write Kubernetes objects from a manifest: one that mentions aws-auth may write it, unreadably. */
export const AWS_AUTH_MANIFEST_TYPES = ["kubernetes_manifest", "kubectl_manifest", "helm_release"];
/** Every type through which the stack itself may give a principal access to a cluster (clusters.ts `stackAccessOf`). */
export const CLUSTER_ACCESS_TYPES = ["aws_eks_access_entry", "aws_eks_access_policy_association", ...AWS_AUTH_CONFIG_MAP_TYPES, ...AWS_AUTH_MANIFEST_TYPES];
