/**
 * Cognito identity pools (E3, federated): a role whose trust admits `Federated: cognito-identity.amazonaws.com`
 * is handed out by `GetId` + `GetCredentialsForIdentity` (enhanced flow) or `GetOpenIdToken` +
 * `sts:AssumeRoleWithWebIdentity` (basic flow). Those Cognito calls are public and unsigned: no IAM right of the
 * caller is asked. Who gets such a role is decided by the pool and by the trust's conditions on the token
 * (`cognito-identity.amazonaws.com:aud`, the pool id; `:amr`, `unauthenticated` or `authenticated` plus the
 * provider used):
 * - a pool that allows unauthenticated identities gives an identity to anyone, the agents included;
 * - a pool that accepts a public login (Google, Facebook, Amazon, Apple, Twitter), an OpenID Connect provider whose
 *   issuer is not shown to serve one organisation alone (GitHub Actions, Firebase, Auth0, any issuer blastwall does
 *   not know) or a user pool where anyone may sign up (given as a Cognito provider or as an OpenID Connect issuer)
 *   gives an authenticated identity to anyone; so does an admin-only user pool whose app client the identity pool
 *   accepts enables a federated provider anyone may sign in with (Google; a SAML or OIDC one whose users the plan does
 *   not show), since Cognito creates the user on a first federated sign-in (red-team round 66);
 * - a principal that may create users in a user pool the identity pool accepts, set their password or their e-mail
 *   (`cognito-idp:AdminCreateUser`, `AdminSetUserPassword`, `AdminUpdateUserAttributes`), or turn on self sign-up
 *   (`UpdateUserPool`), enable such a provider on the client (`UpdateUserPoolClient`) or link an external account to
 *   a user (`AdminLinkProviderForUser`), logs in as such a user; with `AdminAddUserToGroup` (or an existing member taken over, or a
 *   pre token generation trigger `UpdateUserPool` sets) it also gets a group's role where the pool maps roles from
 *   the token, or by a rule on the group claims (`memberClaim`), which a user who merely signs up does not match
 *   unless a trigger of the user pool may put users into groups (`groupTrigger`);
 * - a principal that may `cognito-identity:UpdateIdentityPool` turns on unauthenticated identities and the basic
 *   flow, or adds a login provider it owns, and gets every role that trusts the pool (on a pool the stack does not
 *   make, roles outside it: edges-assume.ts `loginRewriteEdges`);
 * - a principal that may `cognito-identity:SetIdentityPoolRoles` and pass a role that trusts the pool sets it as the
 *   pool's role, and gets it wherever it can get an identity of the pool (`setRolesEdges`).
 * In the enhanced flow the role is the one the pool's roles attachment names (default or mapped); in the basic flow
 * (`allow_classic_flow`) it is any role whose trust admits the token. A trust with no `aud` condition admits tokens
 * of any pool, one anyone can create in an account of their own: fail closed, anyone. A trust naming a pool
 * outside the stack may name one that allows unauthenticated identities: fail closed, anyone, when it admits them.
 */
import { blocksWithDynamic, hasDynamic } from "./dynamic-blocks";
import type { Statement } from "../iam/types";
import type { Grant, PrincipalNode } from "../analysis-types";
import type { TfResource, TfStack } from "../terraform/types";
import { blocks, isObject } from "../json";
import { globMatch, globsIntersect } from "../iam/glob";
import { attributePattern, refTarget, referencedResource, resolveToPattern } from "../terraform/tokens";
import { referencedIn } from "../terraform/referenced";
import { statementName } from "../describe";
import { trustMayNamePrincipals } from "../principals/collect";
import { effectiveRights } from "../iam/evaluate";
import { actionUniverse } from "../universe";
import { passRoleAllows } from "./compute";
import { passRoleDenied } from "./compute-denies";
import { confinedToOwnIdentity } from "./cognito-own-identity";
import { resourceAccount, resourceRegion, unknownOwnRegion } from "../terraform/providers";
import { EKS_ISSUER } from "../ci-issuers";
import { samePlace, type LoginContext, type ResourceLookup } from "./resource-index";
import { declaredOrganisation, issuerKey } from "../organisation-issuers";
import { DEVELOPER_LOGIN, IDENTITY_POOL_REWRITE, IDENTITY_POOL_ROLES, USER_POOL_ADMIN_AUTH, USER_POOL_CLIENT, USER_POOL_GROUP, USER_POOL_LOGIN, USER_POOL_LOGIN_PAIRS } from "./rare-actions";

/** The Federated principal of identity pool tokens and its condition keys. */
const ISSUER = "cognito-identity.amazonaws.com";
const AUD = `${ISSUER}:aud`;
const AMR = `${ISSUER}:amr`;

/**
 * Login rights that take over a user who exists, and so its groups: its password or e-mail set, or an external
 * account of the caller's linked to it (`AdminLinkProviderForUser`: a federated sign-in then logs in as that user).
 */
const TAKEOVER = new Set<string>(["cognito-idp:AdminSetUserPassword", "cognito-idp:AdminUpdateUserAttributes", "cognito-idp:AdminLinkProviderForUser"]);
const PASS_ROLE = "iam:PassRole";
const COGNITO_IDENTITY = "cognito-identity.amazonaws.com";

/** Login providers anyone can sign in with. */
const PUBLIC_LOGINS = ["graph.facebook.com", "accounts.google.com", "www.amazon.com", "appleid.apple.com", "api.twitter.com"];

/**
 * OpenID Connect issuers (an IAM OIDC provider's URL, without `https://`) known to give an ID token to anyone: a CI
 * service any account can run jobs on, which picks the audience it asks for, or a public sign-in. They only word the
 * finding: any issuer not shown to serve one organisation alone (`ORGANISATION_ISSUERS`) may give tokens to anyone.
 */
const PUBLIC_ISSUERS: Readonly<Record<string, string>> = {
  "token.actions.githubusercontent.com": "any workflow of any GitHub repository gets one, for the audience it asks for",
  "gitlab.com": "any CI job on gitlab.com gets one, for the audience it asks for",
  "app.terraform.io": "any run of any HCP Terraform organisation gets one, for the audience it asks for",
  "agent.buildkite.com": "any pipeline of any Buildkite organisation gets one, for the audience it asks for",
  "accounts.google.com": "anyone with a Google account who signs in to the client gets one",
  "appleid.apple.com": "anyone with an Apple Account who signs in to the client gets one",
  "www.facebook.com": "anyone with a Facebook account who signs in to the app gets one",
};

/** Families of issuers that let anyone sign up unless configured not to, by shape, for the finding's words. */
const PUBLIC_FAMILIES: readonly { readonly shape: RegExp; readonly why: string }[] = [
  { shape: /^securetoken\.google\.com\/[^/]+$/, why: "Firebase Authentication of that project gives one to anyone who signs up (or signs in anonymously) where the project allows it, and the audience is the project id, which its apps publish" },
  { shape: /^[^/]+\.auth0\.com$/, why: "an Auth0 tenant gives one to anyone who signs up through a database connection, which allows sign-ups unless turned off" },
  { shape: /^[^/]+\.(okta|oktapreview|okta-emea)\.com(\/oauth2\/[^/]+)?$/, why: "an Okta org gives one to anyone it lets register itself (self-service registration)" },
  { shape: /^[^/]+\.onelogin\.com(\/oidc\/2)?$/, why: "a OneLogin account gives one to anyone it lets register itself" },
  { shape: /^[^/]+\.(b2clogin|ciamlogin)\.com\//, why: "an Azure AD B2C or Entra External ID tenant, made for customers, gives one to anyone who signs up through its user flows" },
];

/** The Microsoft tenant of personal Microsoft accounts, which anyone may create. */
const MICROSOFT_CONSUMERS = "9188040d-6c67-4c5b-b112-36a304b66dad";
const GUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

/**
 * Issuers of one organisation's own workloads or people, whose tokens no one outside it can get: the only readable
 * issuers not taken as possibly public.
 * - An EKS cluster's (`oidc.eks.REGION.amazonaws.com/id/ID`): tokens of its service accounts, which only workloads of
 *   that cluster (and whoever may create tokens in it) get.
 * - A GitHub Enterprise's own issuer (`token.actions.githubusercontent.com/ENTERPRISE`, the include_enterprise_slug
 *   setting): only workflows of that enterprise's repositories get its tokens; the bare issuer is any repository's.
 * - A CircleCI organisation's (`oidc.circleci.com/org/ORG-ID`): only its own pipelines get tokens.
 * - A Bitbucket workspace's (`api.bitbucket.org/2.0/workspaces/WORKSPACE/pipelines-config/identity/oidc`): only its
 *   own pipelines get tokens.
 * - A Microsoft Entra tenant's, by its id (`login.microsoftonline.com/TENANT/v2.0`, `sts.windows.net/TENANT`): tokens
 *   of its own users and the guests it invites; the tenant of personal Microsoft accounts, and the common endpoints
 *   (`common`, `organizations`, `consumers`), are anyone's. (A tenant whose sign-up user flows admit anyone is one an
 *   administrator made so; B2C and External ID tenants, which are for that, are PUBLIC_FAMILIES.)
 */
const ORGANISATION_ISSUERS: readonly RegExp[] = [
  EKS_ISSUER,
  /^token\.actions\.githubusercontent\.com\/[^/]+$/,
  /^oidc\.circleci\.com\/org\/[0-9a-f-]+$/,
  /^api\.bitbucket\.org\/2\.0\/workspaces\/[^/]+\/pipelines-config\/identity\/oidc$/,
  new RegExp(`^login\\.microsoftonline\\.com\\/${GUID}(\\/v2\\.0)?$`),
  new RegExp(`^sts\\.windows\\.net\\/${GUID}$`),
];

/**
 * Whether an issuer is known to serve one organisation alone: by its shape (ORGANISATION_ISSUERS), or because the
 * config declares it the organisation's own (`organisationIssuers`, organisation-issuers.ts), a trust in its sign-up
 * policy that is the user's to make, not blastwall's. `issuer` as `issuerOf` writes it.
 */
export function singleOrganisation(stack: TfStack, issuer: string): boolean {
  if (declaredOrganisation(stack, issuer) && publicIssuer(issuer) === undefined) return true;
  return !issuer.includes(MICROSOFT_CONSUMERS) && ORGANISATION_ISSUERS.some((shape) => shape.test(issuer));
}

/** Microsoft's endpoints for any tenant or any personal account (`login.microsoftonline.com/common/v2.0`...). */
const MICROSOFT_ANY = /^(login\.microsoftonline\.com|login\.microsoft\.com|sts\.windows\.net)\/(common|organizations|consumers)(\/|$)/;

/**
 * Why an issuer gives a token to anyone whatever its owner sets, so that no config may declare it an organisation's own
 * (red-team round 159, F1: `organisationIssuers` listing accounts.google.com turned an error into a pass, and the fix
 * text suggested it): the fixed public issuers (Google, Apple, Facebook, the bare GitHub Actions issuer, gitlab.com,
 * HCP Terraform, Buildkite), Microsoft's common endpoints and personal-accounts tenant, and a Cognito user pool's
 * issuer, which its pool's own settings decide (judged from the pool). Undefined for any other issuer: an Okta org or an
 * Auth0 tenant may turn sign-up off, which only its owner knows.
 */
export function publicIssuer(issuer: string): string | undefined {
  if (PUBLIC_ISSUERS[issuer] !== undefined) return PUBLIC_ISSUERS[issuer];
  if (MICROSOFT_ANY.test(issuer) || issuer.includes(MICROSOFT_CONSUMERS)) return "Microsoft's common endpoints and its personal-accounts tenant give one to any Microsoft account";
  if (USER_POOL_ISSUER.test(issuer)) return "a Cognito user pool's issuer is judged by the pool's own settings (its sign-up, its app clients' providers), not by a declaration";
  return undefined;
}

/** Why an issuer not shown to serve one organisation alone may give a token to anyone. */
export function publicBecause(issuer: string): string {
  const known = PUBLIC_ISSUERS[issuer] ?? PUBLIC_FAMILIES.find((f) => f.shape.test(issuer))?.why;
  return known !== undefined
    ? `from which ${known}`
    : "which blastwall does not know to serve one organisation alone (an EKS cluster's, a GitHub Enterprise's, a CircleCI organisation's, a Bitbucket workspace's, an Entra tenant's), so it may give one to anyone who signs up (Firebase, Auth0 and Cognito user pools let anyone, unless set not to)";
}

/** A Cognito user pool's issuer, `cognito-idp.REGION.amazonaws.com/POOL-ID`. */
export const USER_POOL_ISSUER = /^cognito-idp\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\/[^/]+$/;

type Mode = "unauthenticated" | "authenticated";

/**
 * A trust statement that admits identity pool tokens. `pools`: the stack's pools its `aud` names; "any": no `aud`
 * condition (or one that may be any pool). `outside`: it also names a pool the stack does not create (a literal id,
 * a data source).
 */
interface PoolTrust {
  readonly role: PrincipalNode;
  readonly statement: Statement;
  readonly pools: readonly TfResource[] | "any";
  readonly outside: boolean;
  readonly modes: ReadonlySet<Mode>;
}

/** An IAM OpenID Connect provider an identity pool accepts (`openid_connect_provider_arns`). */
interface OidcRef {
  readonly shown: string;
  /** Its URL without `https://`, lower case; undefined when blastwall cannot read it. */
  readonly issuer?: string;
  /** The Cognito user pool whose issuer it is (one of the stack's by reference, or one outside it by id). */
  readonly userPool?: UserPoolRef;
}

export interface UserPoolRef {
  /** The stack's user pool; undefined for one outside it (a literal provider name, a data source, a variable). */
  readonly res?: TfResource;
  readonly shown: string;
  /** The app client the identity pool accepts (`client_id` of its cognito_identity_providers block), as written. */
  readonly client?: unknown;
}

interface IdentityPool {
  readonly res: TfResource;
  readonly unauthenticated: boolean;
  readonly classic: boolean;
  /** `developer_provider_name`: whoever may GetOpenIdTokenForDeveloperIdentity on the pool logs in as any user of it. */
  readonly developer?: string;
  /** Why anyone may authenticate, when they may. */
  readonly publicLogin?: string;
  readonly userPools: readonly UserPoolRef[];
  /** Roles attachments of the pool in the stack (none: the pool's roles are set elsewhere, any may be). */
  readonly attachments: readonly TfResource[];
  /** The IAM SAML and OpenID Connect providers whose logins it takes. */
  readonly providers: readonly ProviderRef[];
}

export type ProviderKind = "saml-provider" | "oidc-provider";

/** An IAM identity provider an identity pool accepts: its ARN as a pattern (account and case folded), as written. */
interface ProviderRef {
  readonly kind: ProviderKind;
  readonly list: string;
  readonly pattern: string;
  readonly shown: string;
}

interface Model {
  readonly trusts: readonly PoolTrust[];
  readonly pools: readonly IdentityPool[];
}

/** An edge the graph adds: `to` a principal address, or an unknown node when undefined. */
export interface IdentityEdge {
  readonly to: string;
  readonly label: string;
  readonly via?: string;
  readonly why: () => string;
}

export interface IdentityContext extends LoginContext {
  /** The principal the paths are of, whose own Denies of iam:PassRole are asked (compute-denies.ts `passRoleDenied`). */
  readonly principal?: PrincipalNode;
  /** Stack user pools a policy resource pattern may name, and whether it may name one outside the stack. */
  readonly userPools: ResourceLookup;
  /** The same for identity pools. */
  readonly identityPools: ResourceLookup;
}

const cache = new WeakMap<TfStack, Model>();

function truthy(v: unknown): boolean {
  if (v === undefined || v === null || v === false || v === "false") return false;
  // true, "true", or a value known only at apply time: fail closed.
  return true;
}

/** Condition operators that restrict a key to the values listed (no IfExists, no negation). */
function restricting(op: string): boolean {
  const o = op.toLowerCase().replace(/^for(anyvalue|allvalues):/, "");
  return o === "stringequals" || o === "stringequalsignorecase" || o === "stringlike";
}

function model(stack: TfStack, roles: readonly PrincipalNode[]): Model {
  let m = cache.get(stack);
  if (m) return m;
  // A data source reads a pool made elsewhere: whom it admits is not in the plan.
  const poolRes = (stack.byType.get("aws_cognito_identity_pool") ?? []).filter((p) => p.mode !== "data");
  const ci = { caseInsensitive: true };
  const trusts: PoolTrust[] = [];
  for (const role of roles) {
    // A literal trust of services alone admits no identity pool token: left unparsed.
    if (role.kind !== "role" || !trustMayNamePrincipals(role.resource.values["assume_role_policy"])) continue;
    for (const s of role.trustPolicy?.statements ?? []) {
      if (s.effect !== "Allow" || s.unknown !== undefined || !s.principals) continue;
      const admitsIssuer = s.principals.some((ps) => (ps.type === "Federated" || ps.type === "*") && ps.identifiers.some((id) => globMatch(id, ISSUER, ci)));
      if (!admitsIssuer) continue;
      const acts = s.actions ? s.actions.some((a) => globMatch(a, "sts:AssumeRoleWithWebIdentity", ci)) : !(s.notActions ?? []).some((a) => globMatch(a, "sts:AssumeRoleWithWebIdentity", ci));
      if (!acts) continue;
      let pools: PoolTrust["pools"] = "any";
      let outside = false;
      const aud = s.conditions.find((c) => c.key.toLowerCase() === AUD && restricting(c.operator));
      if (aud) {
        const named: TfResource[] = [];
        let any = false;
        for (const v of aud.values) {
          const ref = refTarget(v);
          const pool = ref ? poolRes.find((p) => p.address === ref.address) : undefined;
          if (pool) named.push(pool);
          else if (ref && ref.kind === "data" && ref.address.startsWith("data.aws_cognito_identity_pool.") && ref.attribute === "id") outside = true;
          else if (ref || /[*?]/.test(v) || v.includes("${")) any = true;
          else outside = true;
        }
        pools = any || (named.length === 0 && !outside) ? "any" : named;
        if (pools === "any") outside = false;
      }
      const modes = new Set<Mode>(["unauthenticated", "authenticated"]);
      const amr = s.conditions.find((c) => c.key.toLowerCase() === AMR && restricting(c.operator));
      if (amr) {
        if (!amr.values.some((v) => globMatch(v, "unauthenticated", ci) || v.includes("${"))) modes.delete("unauthenticated");
        // Authenticated tokens carry `authenticated` and the providers used: any other value may be one.
        if (amr.values.every((v) => v.toLowerCase() === "unauthenticated")) modes.delete("authenticated");
      }
      if (modes.size > 0) trusts.push({ role, statement: s, pools, outside, modes });
    }
  }
  const attachments = stack.byType.get("aws_cognito_identity_pool_roles_attachment") ?? [];
  const pools: IdentityPool[] = poolRes.map((res) => {
    const v = res.values;
    const logins = isObject(v["supported_login_providers"]) ? Object.keys(v["supported_login_providers"]) : [];
    const publicProvider = logins.find((l) => PUBLIC_LOGINS.includes(l.toLowerCase()));
    const mine = attachments.filter((a) => refTarget(a.values["identity_pool_id"])?.address === res.address);
    // The basic flow hands the token to any role that trusts the pool: no role mapping applies there.
    const oidc = listOf(v["openid_connect_provider_arns"]).map((x) => oidcOf(stack, x)).filter((o) => truthy(v["allow_classic_flow"]) || !pinnedBySub(mine, o));
    // A user pool registered as an OpenID Connect provider is a user pool the identity pool accepts, as one given in
    // cognito_identity_providers is: anyone signs up unless it is admin-only, and user pool rights log in to it.
    // A `dynamic "cognito_identity_providers"` is read as far as it goes: its iterator's pools are ones blastwall
    // cannot resolve (any user pool, which may let anyone sign up), as is a content it cannot read (red-team round 66).
    const providerBlocks = blocksWithDynamic(v, "cognito_identity_providers");
    const userPools: UserPoolRef[] = [
      ...providerBlocks.blocks.map((b) => ({ ...userPoolOf(stack, b["provider_name"]), client: b["client_id"] })),
      ...(providerBlocks.unread ? [{ shown: `a user pool of a dynamic cognito_identity_providers block of ${res.address} blastwall cannot read` }] : []),
      ...oidc.flatMap((o) => (o.userPool ? [o.userPool] : [])),
    ];
    const signUp = userPools.find((u) => u.res && selfSignUp(u.res));
    const federatedIn = signUp ? undefined : userPools.map((u) => u.res && federatedSignIn(stack, u.res, u.client)).find((x) => x);
    const unknownPool = userPools.find((u) => !u.res);
    const publicOidc = oidc.find((o) => !o.userPool && o.issuer !== undefined && !singleOrganisation(stack, o.issuer));
    const unknownOidc = oidc.find((o) => !o.userPool && o.issuer === undefined);
    // A pre sign-up trigger's code is not in the plan: it may confirm everyone (the usual one does), so it proves nothing.
    const publicLogin = publicProvider
      ? `accepts logins with ${publicProvider}, which anyone can sign in to`
      : publicOidc?.issuer
        ? `accepts logins of ${publicOidc.shown} (openid_connect_provider_arns), the OpenID Connect issuer ${publicOidc.issuer}, ${publicBecause(publicOidc.issuer)}, and no role mapping of the pool admits only one subject of it`
        : signUp
          ? `accepts logins of ${signUp.shown}, where anyone may sign up (admin_create_user_config.allow_admin_create_user_only is not true; a pre sign-up trigger, whose code blastwall cannot read, does not count as screening)`
          : federatedIn
            ? `accepts logins of ${federatedIn}`
            : unknownPool
            ? `accepts logins of ${unknownPool.shown}, which this stack does not create (or blastwall cannot resolve to one of its user pools), and which may let anyone sign up`
            : unknownOidc
              ? `accepts logins of ${unknownOidc.shown} (openid_connect_provider_arns), an OpenID Connect provider whose issuer blastwall cannot read, which may be one that gives a token to anyone (GitHub Actions, GitLab CI, Google)`
              : undefined;
    const dev = v["developer_provider_name"];
    return {
      res,
      unauthenticated: truthy(v["allow_unauthenticated_identities"]),
      classic: truthy(v["allow_classic_flow"]),
      developer: dev === undefined || dev === null || dev === "" ? undefined : typeof dev === "string" ? dev : "a name blastwall cannot read",
      publicLogin,
      userPools,
      attachments: mine,
      providers: [
        ...listOf(v["saml_provider_arns"]).map((x) => providerOf(stack, "saml-provider", x)),
        ...listOf(v["openid_connect_provider_arns"]).map((x) => providerOf(stack, "oidc-provider", x)),
      ],
    };
  });
  cache.set(stack, (m = { trusts, pools }));
  return m;
}

/** A list argument's items; a value that is not a list (a variable, a token) is one item blastwall cannot read. */
function listOf(v: unknown): unknown[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}

/** An issuer URL as an IAM OIDC provider's ARN holds it: no scheme, no trailing slash, lower case. */
export function issuerOf(url: string): string | undefined {
  return issuerKey(url);
}

/**
 * The OpenID Connect provider an ARN in `openid_connect_provider_arns` names, and its issuer: a provider of the stack
 * (or a data source) by its `url`, or the URL an ARN holds after `oidc-provider/` (a provider's ARN is its URL, which
 * cannot change, so whom the issuer gives tokens to is read from it wherever the provider is made). Anything else (a
 * variable, a pattern) is a provider blastwall cannot read, which may be a public one.
 */
function oidcOf(stack: TfStack, v: unknown): OidcRef {
  const ref = refTarget(v);
  if (ref && ref.attribute === "arn" && ref.path.length === 0) {
    const res = stack.byAddress.get(ref.address);
    if (res && res.type === "aws_iam_openid_connect_provider") {
      const url = res.values["url"];
      const fromArn = typeof res.values["arn"] === "string" ? /:oidc-provider\/(.+)$/.exec(res.values["arn"] as string)?.[1] : undefined;
      const written = typeof url === "string" ? url : fromArn;
      return withUserPool(stack, { shown: res.address, issuer: written !== undefined ? issuerOf(written) : undefined }, written);
    }
  }
  if (typeof v === "string" && !ref) {
    const at = /:oidc-provider\/(.+)$/.exec(v);
    if (at) return withUserPool(stack, { shown: v, issuer: issuerOf(at[1]) }, at[1]);
  }
  return { shown: typeof v === "string" ? v : "a provider list blastwall cannot read" };
}

/**
 * A provider whose issuer is a Cognito user pool's: the stack's user pool its URL refers to
 * (`https://${aws_cognito_user_pool.p.endpoint}`, `https://cognito-idp.REGION.amazonaws.com/${aws_cognito_user_pool.p.id}`),
 * or, for a literal `cognito-idp.REGION.amazonaws.com/POOL-ID`, a user pool outside the stack.
 */
function withUserPool(stack: TfStack, o: OidcRef, written: string | undefined): OidcRef {
  if (written === undefined) return o;
  const bare = written.trim().replace(/^https:\/\//i, "").replace(/\/+$/, "");
  const up = userPoolOf(stack, bare);
  if (up.res) return { ...o, userPool: { res: up.res, shown: `${up.res.address} (the issuer of ${o.shown}, in openid_connect_provider_arns)` } };
  if (o.issuer !== undefined && USER_POOL_ISSUER.test(o.issuer)) return { ...o, userPool: { shown: `user pool ${bare} (the issuer of ${o.shown}, in openid_connect_provider_arns)` } };
  return o;
}

/**
 * The ARN of a provider a pool lists, as a pattern: a provider of the stack (or a data source) from its name (SAML)
 * or URL (OIDC), which its ARN holds; else the value as written resolves (a variable: any).
 */
function providerOf(stack: TfStack, kind: ProviderKind, v: unknown): ProviderRef {
  const list = kind === "saml-provider" ? "saml_provider_arns" : "openid_connect_provider_arns";
  const type = kind === "saml-provider" ? "aws_iam_saml_provider" : "aws_iam_openid_connect_provider";
  const fold = (arn: string) => arn.toLowerCase().replace(/^arn:[^:]*:iam::[^:]*:/, "arn:*:iam::*:");
  const ref = refTarget(v);
  const res = ref && ref.attribute === "arn" && ref.path.length === 0 ? stack.byAddress.get(ref.address) : undefined;
  if (res && res.type === type) {
    const own = res.mode === "managed" || res.values["arn"] === undefined ? attributePattern(stack, res, kind === "saml-provider" ? "name" : "url").pattern.replace(/^https:\/\//i, "").replace(/\/+$/, "") : undefined;
    return { kind, list, pattern: own !== undefined ? fold(`arn:aws:iam::*:${kind}/${own}`) : fold(attributePattern(stack, res, "arn").pattern), shown: res.address };
  }
  return { kind, list, pattern: typeof v === "string" ? fold(resolveToPattern(stack, v).pattern) : "*", shown: typeof v === "string" ? v : `a ${list} value blastwall cannot read` };
}

/**
 * Whether every roles attachment of the pool maps the issuer's logins with Rules that admit one subject alone:
 * `ambiguous_role_resolution = "Deny"` (a token no rule matches gets no role, not the default one) and every rule an
 * `Equals` on `sub`, which the issuer writes for the one it vouches for (a GitHub repository and ref, a Google
 * account). Anything looser stays open: `aud` is the audience the caller asks for, `Contains`, `StartsWith` and
 * `NotEqual` match names anyone may register (`repo:myorg-evil/...`), other claims mean what each issuer makes of
 * them, and a mapping keyed by a value blastwall cannot read may be another provider's.
 */
function pinnedBySub(attachments: readonly TfResource[], o: OidcRef): boolean {
  if (o.issuer === undefined || attachments.length === 0) return false;
  return attachments.every((a) =>
    blocks(a.values["role_mapping"]).some((rm) => {
      const key = rm["identity_provider"];
      if (typeof key !== "string" || issuerOf(key) !== o.issuer) return false;
      if (rm["type"] !== "Rules" || rm["ambiguous_role_resolution"] !== "Deny") return false;
      const rules = blocks(rm["mapping_rule"]);
      return rules.length > 0 && rules.every((r) => r["claim"] === "sub" && r["match_type"] === "Equals" && typeof r["value"] === "string" && r["value"] !== "" && !r["value"].includes("${"));
    }),
  );
}

export function userPoolOf(stack: TfStack, v: unknown): UserPoolRef {
  // `cognito-idp.REGION.amazonaws.com/${aws_cognito_user_pool.p.id}`, the provider name as AWS documents it.
  const written = typeof v === "string" ? referencedResource(stack, v, ["aws_cognito_user_pool"]) : undefined;
  if (written) return { res: written, shown: written.address };
  const ref = refTarget(v);
  const res = ref && ref.address.startsWith("aws_cognito_user_pool.") ? stack.byAddress.get(ref.address) : undefined;
  if (res) return { res, shown: res.address };
  return { shown: ref ? ref.address : typeof v === "string" ? `user pool ${v}` : "a user pool blastwall cannot resolve" };
}

/** Provider types of a user pool identity provider anyone may have an account with, and the account. */
const PUBLIC_POOL_PROVIDERS: Readonly<Record<string, string>> = {
  google: "a Google account",
  facebook: "a Facebook account",
  loginwithamazon: "an Amazon account",
  signinwithapple: "an Apple Account",
};

/** The user pool identity providers (`aws_cognito_identity_provider`) of the stack in a pool. */
function poolProviders(stack: TfStack, pool: TfResource): TfResource[] {
  return (stack.byType.get("aws_cognito_identity_provider") ?? []).filter((p) => refTarget(p.values["user_pool_id"])?.address === pool.address);
}

/**
 * Who may sign in through a user pool identity provider, when that may be anyone: a public one (Google, Facebook,
 * Login with Amazon, Sign in with Apple); an OpenID Connect one whose issuer is not shown to serve one organisation
 * alone (ORGANISATION_ISSUERS); one whose type blastwall cannot read or does not know. Undefined for an OpenID Connect
 * issuer of one organisation's own, and for a SAML one (an organisation's IdP, as IAM SAML providers are read).
 */
function providerOpen(stack: TfStack, p: TfResource): string | undefined {
  const type = p.values["provider_type"];
  if (typeof type !== "string" || type.includes("${")) return `${p.address}, an identity provider of a type blastwall cannot read, which may be a public one (Google)`;
  const account = PUBLIC_POOL_PROVIDERS[type.toLowerCase()];
  if (account) return `${p.address} (${type}), which anyone with ${account} signs in with`;
  if (type.toUpperCase() === "OIDC") {
    const d = p.values["provider_details"];
    const url = isObject(d) ? d["oidc_issuer"] : undefined;
    const issuer = typeof url === "string" ? issuerOf(url) : undefined;
    if (issuer !== undefined && singleOrganisation(stack, issuer)) return undefined;
    return issuer !== undefined ? `${p.address} (OIDC), the issuer ${issuer}, ${publicBecause(issuer)}` : `${p.address} (OIDC), whose issuer blastwall cannot read, which may give a token to anyone`;
  }
  // A SAML IdP is an organisation's own, as the identity pools' IAM SAML providers are read (loginProviderRoles): no
  // one signs in through it but those its owner lets in, unless the caller can repoint it (UpdateIdentityProvider,
  // a login right of its own). A type blastwall does not know may be a public one.
  if (type.toUpperCase() === "SAML") return undefined;
  return `${p.address} (${type}), an identity provider of a type blastwall does not know, which may be a public one (Google)`;
}

/** Whether the pool has a federated provider anyone may sign in with (`providerOpen`), in words. */
function federatedOpen(stack: TfStack, providers: readonly TfResource[]): string | undefined {
  return providers.map((p) => providerOpen(stack, p)).find((x) => x);
}

/**
 * The identity providers that may be in the pool, for a reading that takes any app client of it: the stack's in it,
 * and those whose `user_pool_id` blastwall cannot resolve to a user pool (a variable, a literal id), which may be it
 * (red-team round 157, F5: a client enabling such a provider by name read as open, the any-client reading as closed).
 */
function possibleProviders(stack: TfStack, pool: TfResource): TfResource[] {
  return (stack.byType.get("aws_cognito_identity_provider") ?? []).filter((p) => refTarget(p.values["user_pool_id"])?.address === pool.address || !referencedIn(stack, p.values["user_pool_id"]).some((r) => r.type === "aws_cognito_user_pool"));
}

/**
 * Whether UpdateUserPoolClient alone lets its holder sign in to the pool: it enables on a client a federated provider
 * anyone may sign in with that the pool may have (`possibleProviders`).
 */
function clientOpens(stack: TfStack, pool: TfResource): boolean {
  return federatedOpen(stack, possibleProviders(stack, pool)) !== undefined;
}

/**
 * The rights that make their holder a user of one pool of the stack, as `loginWays` reads them, for a reading that
 * asks them of a route (rules/front-doors.ts): any one of `actions` on the pool, or both rights of a pair.
 */
export function poolLoginRights(stack: TfStack, pool: TfResource): { readonly actions: readonly string[]; readonly pairs: readonly (readonly [string, string])[] } {
  // On a pool anyone signs up to, UpdateUserPoolClient turns a self-service flow on and AdminInitiateAuth signs the
  // caller's own sign-up in: a client that allows neither (selfServiceSignIn) keeps out strangers alone.
  const signUp = selfSignUp(pool);
  return { actions: [...USER_POOL_LOGIN, ...(clientOpens(stack, pool) || signUp ? [USER_POOL_CLIENT] : []), ...(signUp ? [USER_POOL_ADMIN_AUTH] : [])], pairs: USER_POOL_LOGIN_PAIRS };
}

/**
 * Why anyone may sign in to an admin-only user pool through the identity pool's app client `client` (red-team round
 * 66): a federated provider enabled on it (`supported_identity_providers`) that anyone may sign in with, since Cognito
 * creates the user on a first federated sign-in (AllowAdminCreateUserOnly only blocks SignUp). A name of no provider of
 * the stack in the pool is one made elsewhere, of a type the plan does not show; a list blastwall cannot read may
 * name any. A client blastwall cannot resolve to one of the stack (none written, a literal id) may be any client of
 * the pool: open when the pool has a provider anyone may sign in with. Undefined: no such sign-in. `unresolved` says
 * which client could not be resolved, for the words (API Gateway's and AppSync's authorizers share this, front-doors.ts).
 * With no client to resolve (an authorizer that takes every client of the pool), the stack's own clients that may be
 * the pool's are read too, each as a resolved one (red-team round 157, F5), and so are providers that may be the pool's.
 */
export function federatedSignIn(stack: TfStack, pool: TfResource, client: unknown, unresolved = "its app client the identity pool accepts is not one blastwall can resolve"): string | undefined {
  const ref = refTarget(client);
  const res = ref ? stack.byAddress.get(ref.address) : undefined;
  const lead = `${pool.address}, which lets only administrators create users, but Cognito creates the user on a first federated sign-in`;
  if (res && res.type === "aws_cognito_user_pool_client") return clientSignIn(stack, poolProviders(stack, pool), res, lead);
  const open = federatedOpen(stack, possibleProviders(stack, pool));
  if (open) return `${lead}, and ${unresolved}, so it may enable ${open}`;
  const providers = poolProviders(stack, pool);
  for (const c of poolClients(stack, pool)) {
    const why = clientSignIn(stack, providers, c, lead);
    if (why) return why;
  }
  return undefined;
}

/** The app clients of the stack that may be the pool's: by reference, or with a `user_pool_id` blastwall cannot resolve to a user pool. */
function poolClients(stack: TfStack, pool: TfResource): TfResource[] {
  return (stack.byType.get("aws_cognito_user_pool_client") ?? []).filter((c) => {
    const on = referencedIn(stack, c.values["user_pool_id"]).filter((r) => r.type === "aws_cognito_user_pool");
    return on.length === 0 || on.includes(pool);
  });
}

/** Why anyone may sign in through one app client `c`: a provider it enables (by reference or name) anyone may sign in with, or one blastwall cannot resolve. */
function clientSignIn(stack: TfStack, providers: readonly TfResource[], c: TfResource, lead: string): string | undefined {
  const list = c.values["supported_identity_providers"];
  if (list === undefined || list === null) return undefined;
  if (!Array.isArray(list)) return `${lead}, and ${c.address} enables identity providers blastwall cannot read (supported_identity_providers), which may be a public one (Google)`;
  for (const name of list) {
    if (typeof name === "string" && name.toUpperCase() === "COGNITO") continue;
    const named = typeof name === "string" ? refTarget(name) : undefined;
    const byRef = named ? providers.find((p) => p.address === named.address) : undefined;
    const byName = typeof name === "string" && !name.includes("${") ? providers.find((p) => p.values["provider_name"] === name) : undefined;
    const p = byRef ?? byName;
    if (!p) return `${lead}, and ${c.address} enables ${typeof name === "string" ? name : "a provider"}, which blastwall cannot resolve to an identity provider of the stack in the pool, so it may be a public one (Google)`;
    const open = providerOpen(stack, p);
    if (open) return `${lead}, and ${c.address} enables ${open}`;
  }
  return undefined;
}

/** Flows that sign in only with an IAM right (AdminInitiateAuth) or a token already held: none for a stranger. */
const NO_SELF_SERVICE = new Set(["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]);

/**
 * Why a stranger who signed up to `pool` may sign in through app client `client` (a reference as an authorizer's
 * audience or client id writes it), or undefined where it certainly cannot: a client of the stack on that pool whose
 * explicit_auth_flows are written out and allow only ALLOW_ADMIN_USER_PASSWORD_AUTH (an IAM right) and
 * ALLOW_REFRESH_TOKEN_AUTH (a token already held), with no hosted UI (allowed_oauth_flows_user_pool_client not true).
 * Anything else counts as a way in: no list (Cognito's default allows SRP and custom auth), a legacy value, one
 * blastwall cannot read, a custom auth flow (its triggers' code is not in the plan), a client it cannot resolve (any
 * client of the pool, one made outside the stack too). A client secret (generate_secret) does not count: whoever
 * holds it (an app's server, a reader of the state or of DescribeUserPoolClient) signs in as a stranger would.
 */
export function selfServiceSignIn(stack: TfStack, pool: TfResource, client: unknown): string | undefined {
  const ref = refTarget(client);
  const c = ref && ref.kind === "resource" ? stack.byAddress.get(ref.address) : undefined;
  if (!c || c.type !== "aws_cognito_user_pool_client" || c.mode !== "managed" || refTarget(c.values["user_pool_id"])?.address !== pool.address) return "an app client blastwall cannot resolve to one of the pool's in the stack, which may allow any sign-in flow";
  const oauth = c.values["allowed_oauth_flows_user_pool_client"];
  if (!(oauth === undefined || oauth === null || oauth === false || oauth === "false")) return `${c.address}, which may offer the hosted sign-in (allowed_oauth_flows_user_pool_client)`;
  const flows = c.values["explicit_auth_flows"];
  if (!Array.isArray(flows) || flows.length === 0) return `${c.address}, which ${Array.isArray(flows) || flows === undefined || flows === null ? "allows Cognito's default flows (SRP, custom auth)" : "allows flows blastwall cannot read (explicit_auth_flows)"}`;
  const usable = flows.find((f) => typeof f !== "string" || !NO_SELF_SERVICE.has(f));
  return usable === undefined ? undefined : `${c.address}, which allows ${typeof usable === "string" ? usable : "a flow blastwall cannot read"}`;
}

/**
 * Whether anyone may sign up to the user pool (the default). A pre sign-up trigger does not change that: its code is
 * not in the plan, and the usual one confirms every sign-up (red-team round 59).
 */
export function selfSignUp(pool: TfResource): boolean {
  const cfg = blocks(pool.values["admin_create_user_config"])[0];
  const adminOnly = cfg?.["allow_admin_create_user_only"];
  return !(adminOnly === true || adminOnly === "true");
}

/**
 * Whether `role` may be what the pool hands out in `mode` through the enhanced flow (or through the basic flow,
 * where the trust alone decides), and why. An attachment that names a role blastwall cannot resolve may name this
 * one. `groups`: the caller can put its user in any group, so a Token mapping gives it any group's role, and so does
 * a Rules rule on the group claims (`memberClaim`). `forged`: the caller writes every claim of the login (a provider
 * it rewrote), so every rule matches and a Token mapping names any role.
 */
function handsOut(ctx: IdentityContext, pool: IdentityPool, role: PrincipalNode, mode: Mode, groups: boolean, forged = false): string | undefined {
  if (pool.classic) return `its basic flow (allow_classic_flow) lets the token be used on any role that trusts the pool`;
  if (pool.attachments.length === 0) return `no roles attachment of the stack says which roles it hands out, so it may be this one`;
  for (const a of pool.attachments) {
    // Mappings a `dynamic` block makes are not read: they may hand out any role (red-team round 65: they read as none).
    const dynamicOf = (x: Readonly<Record<string, unknown>>, block: string) => hasDynamic(x, block);
    if (mode === "authenticated" && (dynamicOf(a.values, "role_mapping") || blocks(a.values["role_mapping"]).some((rm) => dynamicOf(rm, "mapping_rule")))) {
      return `${a.address} builds its role mappings with a dynamic block, which blastwall does not read, so it may hand out this one`;
    }
    const values: { v: unknown; by?: string }[] = [{ v: (blocks(a.values["roles"])[0] ?? {})[mode] }];
    const mappings = mode === "authenticated" ? blocks(a.values["role_mapping"]) : [];
    // Rules match claims of the token, which a user's own attributes fill: any rule's role may be had, but for a rule
    // on a claim only membership (or Cognito) writes, which needs a group of the caller's or a member taken over.
    for (const rm of mappings) {
      for (const rule of blocks(rm["mapping_rule"])) {
        const member = forged ? undefined : memberClaim(ctx, rm, rule);
        const trigger = member && groupTrigger(ctx, member.pool);
        if (member && !trigger && !groups) continue;
        values.push({
          v: rule["role_arn"],
          by: member && (trigger ? `in a rule on ${member.claim}, which ${member.pool.address} may fill for every user: ${trigger}` : `in a rule on ${member.claim}, which a user it puts into a group (or a member it takes over) matches`),
        });
      }
    }
    for (const { v, by } of values) {
      if (v === undefined || v === null) continue;
      const to = ctx.roleOf(v);
      if (to === role.address) return `${a.address} names it for ${mode} identities${by ? ` ${by}` : ""}`;
      if (to === undefined && unresolved(v)) return `${a.address} names a role for ${mode} identities${by ? ` ${by}` : ""} that blastwall cannot resolve, which may be this one`;
    }
    // A Token mapping hands out the role the token's claims name (cognito:roles, cognito:preferred_role; a SAML
    // assertion's Role attribute): whoever forges the login names any role that trusts the pool.
    if (forged && mappings.some((rm) => rm["type"] !== "Rules")) return `${a.address} maps roles from the token, whose role claims the forged login names`;
    // A user pool's token names the role a user's groups give it (cognito:preferred_role): groups the caller puts its
    // user in, or those a trigger of the user pool may put every user in (`groupTrigger`).
    const triggered = groups ? undefined : pool.userPools.map((u) => u.res && groupTrigger(ctx, u.res) && { up: u.res, why: groupTrigger(ctx, u.res) }).find((x) => x);
    if ((groups || triggered) && mappings.some((rm) => rm["type"] === "Token")) {
      for (const g of ctx.stack.byType.get("aws_cognito_user_group") ?? []) {
        if (g.values["role_arn"] === undefined || g.values["role_arn"] === null) continue;
        const to = ctx.roleOf(g.values["role_arn"]);
        const via = triggered ? ` (${triggered.up.address} may put every user into a group: ${triggered.why})` : "";
        if (to === role.address || (to === undefined && unresolved(g.values["role_arn"]))) return `${a.address} maps roles from the token, and ${g.address} gives its members ${to === undefined ? "a role blastwall cannot resolve, which may be this one" : role.address}${via}`;
      }
    }
  }
  return undefined;
}

/**
 * Claims of a user pool's ID token that a user cannot write: group membership (`cognito:groups`, and the roles of
 * those groups, `cognito:roles`, `cognito:preferred_role`) comes from AdminAddUserToGroup alone, and `sub` is the id
 * Cognito gives the user. Other claims stay open: attributes a user sets at sign-up or later (email, custom:*), and
 * claims every user's token carries alike (`iss`, `aud`, `token_use`), which a rule on them matches for anyone.
 */
const MEMBER_CLAIMS: Readonly<Record<string, readonly string[]>> = {
  "cognito:groups": ["Equals", "Contains", "StartsWith"],
  "cognito:roles": ["Equals", "Contains", "StartsWith"],
  "cognito:preferred_role": ["Equals", "Contains", "StartsWith"],
  // A sub is random: only one user has it, but a prefix or NotEqual matches users anyone can sign up.
  sub: ["Equals"],
};

/**
 * The claim a Rules mapping rule matches when only a member of a group (or one user, for `sub`) can hold the value:
 * the rule is on a claim of MEMBER_CLAIMS with a match type that needs the value, a literal one, and the mapping is
 * for a user pool of this stack (which `handsOut` asks whether a trigger may write group claims, `groupTrigger`). A
 * mapping for another provider (whose tokens may carry any claim), or one blastwall cannot resolve: undefined, anyone
 * may match.
 */
function memberClaim(ctx: IdentityContext, rm: Record<string, unknown>, rule: Record<string, unknown>): { claim: string; pool: TfResource } | undefined {
  const stack = ctx.stack;
  const claim = rule["claim"];
  const value = rule["value"];
  if (typeof claim !== "string" || !MEMBER_CLAIMS[claim]?.includes(String(rule["match_type"]))) return undefined;
  if (typeof value !== "string" || value === "" || value.includes("${")) return undefined;
  if (rm["type"] !== "Rules") return undefined;
  // `${aws_cognito_user_pool.p.endpoint}:${aws_cognito_user_pool_client.c.id}`, `cognito-idp.REGION.amazonaws.com/ID:CLIENT`.
  const key = rm["identity_provider"];
  const at = typeof key === "string" ? /^(.*):[^:]*$/.exec(key) : null;
  const pool = at ? userPoolOf(stack, at[1]).res : undefined;
  return pool ? { claim, pool } : undefined;
}

const triggers = new WeakMap<TfResource, string | false>();

/**
 * Whether a trigger of the user pool may write its users' group claims before a token is issued: a pre token
 * generation trigger writes any claim (groupOverrideDetails); any other trigger (post confirmation, post
 * authentication, pre authentication, the custom auth and message triggers, which run for a user who exists) may add
 * every user to a group with AdminAddUserToGroup, the usual "add to group on sign-up" post confirmation function,
 * when its function's role may do so on the pool (or may become another role, or is one blastwall cannot resolve: a
 * function outside the stack, a literal ARN of none of its functions: see `triggerFunction`). A lambda_config blastwall
 * cannot read may hold any.
 */
function groupTrigger(ctx: IdentityContext, pool: TfResource): string | false {
  let hit = triggers.get(pool);
  if (hit === undefined) triggers.set(pool, (hit = computeGroupTrigger(ctx, pool)));
  return hit;
}

function computeGroupTrigger(ctx: IdentityContext, pool: TfResource): string | false {
  // A `dynamic "lambda_config"` block is the same block, made at plan time: its triggers are not read (red-team round 64).
  if (hasDynamic(pool.values, "lambda_config")) return "its lambda_config is a dynamic block, whose triggers blastwall does not read, which may name any trigger";
  const cfg = pool.values["lambda_config"];
  if (cfg === undefined || cfg === null) return false;
  if (!isObject(cfg) && !Array.isArray(cfg)) return "its lambda_config is a value blastwall cannot read, which may name any trigger";
  for (const b of blocks(cfg)) {
    for (const [key, x] of Object.entries(b)) {
      if (key === "kms_key_id" || x === undefined || x === null || x === "" || (Array.isArray(x) && x.length === 0)) continue;
      if (key === "pre_token_generation" || key === "pre_token_generation_config") return `its pre token generation trigger (${key}), whose code blastwall cannot read, may write any claim`;
      // custom_email_sender and custom_sms_sender are blocks naming their function in lambda_arn.
      const fn = isObject(x) || Array.isArray(x) ? (blocks(x)[0] ?? {})["lambda_arn"] : x;
      const why = mayAddToGroups(ctx, pool, fn);
      if (why) return `its ${key} trigger runs ${why}, so it may add every user to a group before a token is issued (AdminAddUserToGroup, the usual "add to group on sign-up" function)`;
    }
  }
  return false;
}

/** Whether the Lambda function a trigger names may put users of the pool into groups (see `groupTrigger`), in words. */
function mayAddToGroups(ctx: IdentityContext, pool: TfResource, v: unknown): string | undefined {
  const fn = triggerFunction(ctx.stack, v, pool);
  if (!fn) return `${typeof v === "string" ? v : "a function"}, a function this stack does not make (or blastwall cannot resolve), whose rights it cannot see`;
  const address = ctx.roleOf(fn.values["role"]);
  const role = address === undefined ? undefined : ctx.roles.find((r) => r.address === address);
  if (!role || role.external) return `${fn.address}, whose role blastwall cannot resolve to one of this stack`;
  const rights = effectiveRights({ principal: role.address, identity: role.identityPolicies.flatMap((a) => a.document.statements), boundary: role.boundary?.document.statements, universe: actionUniverse() });
  // A grant written as a reference to a user pool names that pool alone; a pattern, every pool it may match.
  if ((rights.grants.get(USER_POOL_GROUP[0].toLowerCase()) ?? []).some((g) => g.resources.some((r) => (ctx.userPools.referenced(g, r) ?? ctx.userPools.matching(r)).includes(pool)))) return `${fn.address}, whose role ${role.address} may ${USER_POOL_GROUP[0]} on it`;
  // A role it may become may hold the right: that is not followed here.
  if ((rights.grants.get("sts:assumerole") ?? []).length > 0) return `${fn.address}, whose role ${role.address} may assume other roles, which may hold ${USER_POOL_GROUP[0]}`;
  return undefined;
}

/**
 * The Lambda function of the stack a trigger runs: a reference to the function (any of its attributes: `arn`,
 * `qualified_arn`), or to an `aws_lambda_alias` / `aws_lambda_function_version` of it (an alias or version runs the
 * function's code as the function's one execution role), or a literal ARN `arn:...:function:NAME[:QUALIFIER]` whose
 * name is a stack function's literal name (in that function's account, when its provider is pinned to one). The same
 * for the alias's `function_name` (a name or ARN). Anything else: undefined (fail closed).
 */
function triggerFunction(stack: TfStack, v: unknown, from: TfResource, depth = 0): TfResource | undefined {
  if (typeof v !== "string") return undefined;
  const ref = refTarget(v);
  if (ref) {
    const res = stack.byAddress.get(ref.address);
    if (!res || res.mode !== "managed") return undefined;
    // An alias's function_name written as a reference to the name (not the ARN) is that name where the alias is made.
    if (res.type === "aws_lambda_function") return depth > 0 && ref.attribute !== "arn" && !samePlace(stack, res, from) ? undefined : res;
    if ((res.type === "aws_lambda_alias" || res.type === "aws_lambda_function_version") && depth === 0) return triggerFunction(stack, res.values["function_name"], res, depth + 1);
    return undefined;
  }
  if (v.includes("${")) return undefined;
  // A bare name only as an alias's function_name (a trigger takes an ARN).
  const m = /^arn:aws[a-z-]*:lambda:([a-z0-9-]+):(\d{12}):function:([A-Za-z0-9_-]+)(?::[A-Za-z0-9_$-]+)?$/.exec(v) ?? (depth > 0 && /^[A-Za-z0-9_-]+$/.test(v) ? [v, undefined, undefined, v] : null);
  if (!m) return undefined;
  const [, region, account, name] = m;
  // A function name is one function per account and region: a name (or ARN) is the stack's function only when it is
  // written through the same provider configuration as the function (so the same account and region), and an ARN's
  // own region and account do not say otherwise (red-team round 64: a pool in eu-west-1 named a function of the
  // same name there, read as the stack's harmless one in us-east-1).
  const named = (stack.byType.get("aws_lambda_function") ?? []).filter((f) => {
    if (f.mode !== "managed" || !samePlace(stack, f, from)) return false;
    const p = attributePattern(stack, f, "function_name");
    if (!p.exact || p.pattern !== name) return false;
    const pinned = resourceAccount(stack, f);
    if (account !== undefined && pinned !== undefined && pinned !== account) return false;
    // A function's own region blastwall cannot read may be other than the ARN's: the ARN may name another function.
    if (region !== undefined && unknownOwnRegion(f) !== undefined) return false;
    const fnRegion = resourceRegion(stack, f);
    return region === undefined || fnRegion === undefined || fnRegion === region;
  });
  return named.length === 1 ? named[0] : undefined;
}

function admitsPool(t: PoolTrust, pool: IdentityPool): boolean {
  return t.pools === "any" || t.pools.includes(pool.res);
}

const POOL_FIX: Readonly<Record<Mode, string>> = {
  unauthenticated: `Turn off unauthenticated identities on the pool (allow_unauthenticated_identities = false), take the destroy rights off the role, or require "authenticated" in the trust's ${AMR} condition.`,
  authenticated: `Let only administrators create users (allow_admin_create_user_only = true) and enable on the app clients no federated provider anyone may sign in with, accept no public login, no OpenID Connect provider that gives tokens to anyone (or map its logins with Rules that are each an Equals on sub, and ambiguous_role_resolution = "Deny") and only user pools of this stack on the pool, or take the destroy rights off the role.`,
};

/** Edges, one per target: the first reason found for reaching a role is the one shown. */
function edgeList(): { out: IdentityEdge[]; add: (e: IdentityEdge) => void } {
  const out: IdentityEdge[] = [];
  const reached = new Set<string>();
  return {
    out,
    add: (e) => {
      if (reached.has(e.to)) return;
      reached.add(e.to);
      out.push(e);
    },
  };
}

/** Edges every principal has: roles an identity pool hands to anyone (no right needed). */
export function publicIdentityEdges(ctx: IdentityContext): IdentityEdge[] {
  const m = model(ctx.stack, ctx.roles);
  const { out, add } = edgeList();
  for (const t of m.trusts) {
    const role = t.role.address;
    // Written with the edge's text, where the statement it names is heard (see LazyEdge).
    const st = () => statementName(t.statement);
    if (t.pools === "any") {
      add({ to: role, label: "cognito-identity:GetOpenIdToken", why: () => `the trust policy of ${role} admits identity pool tokens (${st()}) with no ${AUD} condition naming a pool of this stack: a token of any identity pool will do, and anyone can make a pool that hands them out. Name the pool in a ${AUD} condition (StringEquals), or take the destroy rights off the role.` });
      continue;
    }
    if (t.outside && t.modes.has("unauthenticated")) {
      add({ to: role, label: "cognito-identity:GetCredentialsForIdentity", why: () => `the trust policy of ${role} admits unauthenticated identities (${st()}) of an identity pool outside this stack, which may allow them: GetId and GetCredentialsForIdentity need no IAM right. Require "authenticated" in its ${AMR} condition, or take the destroy rights off the role.` });
      continue;
    }
    if (t.outside) {
      // Whether a pool made elsewhere accepts a public login or a user pool anyone may sign up to is not in the plan.
      add({ to: role, label: "cognito-identity:GetCredentialsForIdentity", why: () => `the trust policy of ${role} admits authenticated identities (${st()}) of an identity pool this stack does not create (a literal pool id, or a data source), which may accept a public login or a user pool anyone may sign up to: GetId and GetCredentialsForIdentity need no IAM right. Name in its ${AUD} condition only pools of this stack, or take the destroy rights off the role.` });
      continue;
    }
    for (const pool of m.pools) {
      if (!admitsPool(t, pool)) continue;
      for (const mode of t.modes) {
        const open = mode === "unauthenticated" ? (pool.unauthenticated ? "allows unauthenticated identities" : undefined) : pool.publicLogin;
        if (!open) continue;
        // A public login gives the agent an identity of its own, new and empty: rights confined to each identity's own
        // resources give it nothing of anyone else's (round 59 #17). An unauthenticated identity is not its own in
        // that way: its id alone gets its credentials, and ids leak.
        if (mode === "authenticated" && confinedToOwnIdentity(ctx, t.role)) continue;
        const how = handsOut(ctx, pool, t.role, mode, false);
        if (!how) continue;
        add({ to: role, label: "cognito-identity:GetCredentialsForIdentity", why: () => `${pool.res.address} ${open}, and ${how}; the trust policy of ${role} admits its ${mode} identities (${st()}). Anyone, the agent included, gets the role through GetId and GetCredentialsForIdentity, which need no IAM right. ${POOL_FIX[mode]}` });
      }
    }
  }
  return out;
}

/** Edges of a principal's own Cognito rights: users it can log in as, identity pools it can rewrite. */
export function identityRightsEdges(ctx: IdentityContext, grantText: (g: Grant) => string): IdentityEdge[] {
  const m = model(ctx.stack, ctx.roles);
  if (m.trusts.length === 0) return [];
  const { out, add } = edgeList();
  const groupRights = USER_POOL_GROUP.flatMap((a) => ctx.grants(a));
  for (const w of loginWays(ctx)) {
    const { g, r, action, mine, outside } = w;
    // Taking over an existing user takes its groups too; a new user needs AdminAddUserToGroup. UpdateUserPool can set
    // a pre token generation trigger, which writes the token's group claims (groupOverrideDetails).
    const groups =
      TAKEOVER.has(action) || action === "cognito-idp:UpdateUserPool" || groupRights.some((x) => x.resources.some((y) => y === r || y === "*" || r === "*"));
    for (const t of m.trusts) {
      if (!t.modes.has("authenticated")) continue;
      if (t.outside || t.pools === "any") {
        if (!outside) continue;
        add({ to: t.role.address, label: action, via: g.statement.source.address, why: () => `${grantText(g)} lets it log in as a user of user pools matching ${r}, which may lie outside this stack and be accepted by the identity pool the trust policy of ${t.role.address} names (${statementName(t.statement)})` });
        continue;
      }
      for (const pool of m.pools) {
        if (!admitsPool(t, pool)) continue;
        const up = pool.userPools.find((u) => (u.res ? mine.has(u.res) : outside));
        if (!up) continue;
        const how = handsOut(ctx, pool, t.role, "authenticated", groups);
        if (!how) continue;
        add({
          to: t.role.address,
          label: action,
          via: g.statement.source.address,
          why: () =>
            `${grantText(g)} lets it make itself a user of ${up.shown} (create one with a password it chooses, set a user's password or e-mail, turn on self sign-up, sign in through an identity provider it points at an IdP of its own or enables on the app client, or link an external account of its own to a user) and log in; ${pool.res.address} accepts that user pool, ${how}, and the trust policy of ${t.role.address} admits its authenticated identities (${statementName(t.statement)}). Take ${action} away from the principal, or the destroy rights off the role.`,
        });
      }
    }
  }
  // Developer-authenticated identities: the token minted for any user id of the pool's developer provider is an
  // authenticated login (amr "authenticated"); GetCredentialsForIdentity then needs no IAM right.
  for (const g of ctx.grants(DEVELOPER_LOGIN)) {
    for (const r of g.resources) {
      const named = ctx.identityPools.referenced(g, r);
      const covered = new Set(named ?? ctx.identityPools.matching(r));
      for (const t of m.trusts) {
        if (!t.modes.has("authenticated") || t.pools === "any" || t.outside) continue;
        for (const pool of m.pools) {
          if (!pool.developer || !admitsPool(t, pool) || !covered.has(pool.res)) continue;
          const how = handsOut(ctx, pool, t.role, "authenticated", false);
          if (!how) continue;
          add({
            to: t.role.address,
            label: DEVELOPER_LOGIN,
            via: g.statement.source.address,
            why: () =>
              `${grantText(g)} lets it mint an OpenID token for any user of ${pool.res.address}'s developer provider (developer_provider_name ${pool.developer}), an authenticated login; ${how}, and the trust policy of ${t.role.address} admits its authenticated identities (${statementName(t.statement)}). Take ${DEVELOPER_LOGIN} away from the principal, or the destroy rights off the role.`,
          });
        }
      }
    }
  }
  setRolesEdges(ctx, m, grantText, add);
  for (const action of IDENTITY_POOL_REWRITE) {
    for (const g of ctx.grants(action)) {
      for (const t of m.trusts) {
        const pool = t.pools === "any" || t.pools.length === 0 ? undefined : t.pools[0];
        add({
          to: t.role.address,
          label: action,
          via: g.statement.source.address,
          why: () =>
            `${grantText(g)} lets it rewrite ${pool ? pool.address : "identity pools"} (turn on unauthenticated identities and the basic flow, or add a login provider of its own), and the trust policy of ${t.role.address} admits that pool's tokens (${statementName(t.statement)}). Take ${action} away from the principal.`,
        });
      }
    }
  }
  return out;
}

/**
 * SetIdentityPoolRoles on a pool of the stack: the caller names as the pool's authenticated (or unauthenticated) role
 * any role whose trust admits the pool's tokens and that it may pass to Cognito (iam:PassRole, not ruled out by
 * iam:PassedToService; a right blastwall cannot read may be it), and drops the role mappings that kept it from that
 * role (group rules, an Equals on sub, ambiguous_role_resolution Deny). It then gets the role as an identity of the
 * pool: an unauthenticated one where the pool allows them, an authenticated one through a public login, a user pool
 * anyone may sign up to, a user pool login right of its own, or the pool's developer provider.
 */
function setRolesEdges(ctx: IdentityContext, m: Model, grantText: (g: Grant) => string, add: (e: IdentityEdge) => void): void {
  const grants = ctx.grants(IDENTITY_POOL_ROLES);
  if (grants.length === 0) return;
  const passes = ctx.grants(PASS_ROLE).filter((p) => passRoleAllows(p.statement.conditions, COGNITO_IDENTITY));
  if (passes.length === 0) return;
  const ways = loginWays(ctx);
  const developer = ctx.grants(DEVELOPER_LOGIN);
  for (const g of grants) {
    for (const r of g.resources) {
      const covered = ctx.identityPools.referenced(g, r) ?? ctx.identityPools.matching(r);
      for (const pool of m.pools) {
        if (!covered.includes(pool.res) || pool.classic) continue;
        for (const t of m.trusts) {
          if (t.pools === "any" || t.outside || !admitsPool(t, pool)) continue;
          const pass = passes.find((p) => p.resources.some((x) => globsIntersect(x, t.role.arnPattern, { caseInsensitive: true })));
          if (!pass || (ctx.principal !== undefined && passRoleDenied(ctx.stack, ctx.principal, t.role))) continue;
          const login = setRolesLogin(ctx, pool, t, ways, developer, grantText);
          if (!login) continue;
          add({
            to: t.role.address,
            label: IDENTITY_POOL_ROLES,
            via: g.statement.source.address,
            why: () =>
              `${grantText(g)} lets it set the roles of ${pool.res.address} (SetIdentityPoolRoles replaces its authenticated and unauthenticated roles and its role mappings), and ${grantText(pass)} lets it pass ${t.role.address} to Cognito; ${login.how()}, and the trust policy of ${t.role.address} admits the pool's ${login.mode} identities (${statementName(t.statement)}): GetId and GetCredentialsForIdentity then hand it the role it set. Take ${IDENTITY_POOL_ROLES} (or ${PASS_ROLE} on the role) away from the principal.`,
          });
        }
      }
    }
  }
}

/** How the principal gets an identity of the pool that the trust admits, once it has set the role. */
function setRolesLogin(ctx: IdentityContext, pool: IdentityPool, t: PoolTrust, ways: readonly LoginWay[], developer: readonly Grant[], grantText: (g: Grant) => string): { how: () => string; mode: Mode } | undefined {
  // Each `how` is written with the edge's text, where the statements it names are heard (see LazyEdge).
  if (t.modes.has("unauthenticated") && pool.unauthenticated) return { how: () => `${pool.res.address} allows unauthenticated identities`, mode: "unauthenticated" };
  if (!t.modes.has("authenticated")) return undefined;
  if (pool.publicLogin) return { how: () => `${pool.res.address} ${pool.publicLogin}`, mode: "authenticated" };
  for (const w of ways) {
    const up = pool.userPools.find((u) => (u.res ? w.mine.has(u.res) : w.outside));
    if (up) return { how: () => `${grantText(w.g)} lets it log in as a user of ${up.shown} (${w.action}), which ${pool.res.address} accepts`, mode: "authenticated" };
  }
  if (pool.developer) {
    const d = developer.find((g) => g.resources.some((r) => (ctx.identityPools.referenced(g, r) ?? ctx.identityPools.matching(r)).includes(pool.res)));
    if (d) return { how: () => `${grantText(d)} lets it mint a token for any user of ${pool.res.address}'s developer provider`, mode: "authenticated" };
  }
  return undefined;
}

/** A role an identity pool hands to logins of an identity provider, and why. */
export interface ProviderPoolRole {
  readonly role: string;
  readonly why: () => string;
}

/**
 * Roles an identity pool hands out to logins of an IAM SAML or OIDC provider it accepts (`saml_provider_arns`,
 * `openid_connect_provider_arns`) whose ARN may be `target`: whoever rewrites that provider (its metadata and signing
 * key, a client id, a thumbprint; see PROVIDER_REWRITE) forges logins the pool takes, through GetId and
 * GetCredentialsForIdentity, which ask for no IAM right, and writes every claim of them. `target`: an ARN pattern with
 * the account and case folded (`arn:*:iam::*:saml-provider/NAME`).
 */
export function providerPoolRoles(ctx: IdentityContext, kind: ProviderKind, target: string): ProviderPoolRole[] {
  const m = model(ctx.stack, ctx.roles);
  const out: ProviderPoolRole[] = [];
  const seen = new Set<string>();
  for (const pool of m.pools) {
    const p = pool.providers.find((x) => x.kind === kind && globsIntersect(x.pattern, target, { caseInsensitive: true }));
    if (!p) continue;
    for (const t of m.trusts) {
      if (seen.has(t.role.address) || !t.modes.has("authenticated") || !admitsPool(t, pool)) continue;
      const how = handsOut(ctx, pool, t.role, "authenticated", false, true);
      if (!how) continue;
      seen.add(t.role.address);
      const forged = kind === "saml-provider" ? "signs SAML assertions of its own for it" : "has ID tokens of its own choosing accepted for it (from a client id, or a server, of its own)";
      out.push({
        role: t.role.address,
        why: () =>
          `${pool.res.address} accepts logins of ${p.shown} (${p.list}): with the provider rewritten it ${forged}, which GetId and GetCredentialsForIdentity take with no IAM right, and ${how}; the trust policy of ${t.role.address} admits the pool's authenticated identities (${statementName(t.statement)})`,
      });
    }
  }
  return out;
}

/** A way the principal may log in to user pools: one grant (or a pair of rights on the same pools), the pattern, the pools. */
export interface LoginWay {
  readonly g: Grant;
  readonly r: string;
  readonly action: string;
  readonly mine: ReadonlySet<TfResource>;
  readonly outside: boolean;
}

/** The user pools a grant's pattern names: by reference where it was written as one, else every pool it may match. */
function poolsOf(ctx: IdentityContext, g: Grant, r: string): { mine: Set<TfResource>; outside: boolean } {
  const named = ctx.userPools.referenced(g, r);
  return named ? { mine: new Set(named), outside: false } : { mine: new Set(ctx.userPools.matching(r)), outside: ctx.userPools.reachesOutside(r, g) };
}

/**
 * Every way the principal may make itself a user of user pools (see the module comment): read for the identity pools
 * that accept the pools here, and for the authorizers that take their tokens (edges-front-doors.ts).
 */
export function loginWays(ctx: IdentityContext): LoginWay[] {
  const out: LoginWay[] = [];
  for (const action of USER_POOL_LOGIN) for (const g of ctx.grants(action)) for (const r of g.resources) out.push({ g, r, action, ...poolsOf(ctx, g, r) });
  // UpdateUserPoolClient alone: on a pool that has a federated provider anyone may sign in with (or one outside the
  // stack, whose providers are not in the plan), the caller enables it on the client and signs in.
  for (const g of ctx.grants(USER_POOL_CLIENT)) {
    for (const r of g.resources) {
      const p = poolsOf(ctx, g, r);
      out.push({ g, r, action: USER_POOL_CLIENT, mine: new Set([...p.mine].filter((x) => clientOpens(ctx.stack, x) || selfSignUp(x))), outside: p.outside });
    }
  }
  // AdminInitiateAuth alone: on a pool anyone signs up to, the caller signs itself up and signs in with the
  // administrator's flow, through a client that allows no self-service one (poolLoginRights).
  for (const g of ctx.grants(USER_POOL_ADMIN_AUTH)) {
    for (const r of g.resources) {
      const p = poolsOf(ctx, g, r);
      out.push({ g, r, action: USER_POOL_ADMIN_AUTH, mine: new Set([...p.mine].filter((x) => selfSignUp(x))), outside: false });
    }
  }
  for (const [first, second] of USER_POOL_LOGIN_PAIRS) {
    const seconds = ctx.grants(second).flatMap((g) => g.resources.map((r) => poolsOf(ctx, g, r)));
    if (seconds.length === 0) continue;
    const theirs = new Set(seconds.flatMap((x) => [...x.mine]));
    const theirsOutside = seconds.some((x) => x.outside);
    for (const g of ctx.grants(first)) {
      for (const r of g.resources) {
        const p = poolsOf(ctx, g, r);
        out.push({ g, r, action: `${first} + ${second}`, mine: new Set([...p.mine].filter((x) => theirs.has(x))), outside: p.outside && theirsOutside });
      }
    }
  }
  return out;
}

/** A role value blastwall could not resolve (a reference or a token), which may name any role; a literal ARN or name that matches none of the stack's roles names one outside it. */
function unresolved(v: unknown): boolean {
  return typeof v !== "string" || v.includes("${");
}

/**
 * A web identity token an agent's holder has (edges-web-identity.ts reads it off the agent's trust): which issuers
 * it may be of, and which role mapping rules on `sub` it may match.
 */
export interface HeldToken {
  /** Whether it may be a token of this issuer (as an OIDC provider's URL, lower case, without https://). */
  readonly mayBeOf: (issuer: string) => boolean;
  /** Whether its `sub` may match a Rules mapping rule of this match type and value. */
  readonly subMayMatch: (issuer: string, matchType: string, value: string) => boolean;
}

/** A role a pool may hand a held token, and why. */
export interface HeldTokenRole {
  readonly to: string;
  /** Written with the edge's text, where the statement it names is heard (see LazyEdge). */
  readonly why: () => string;
}

/**
 * Roles an identity pool hands the holder of a token of an OpenID Connect provider it lists: GetId and
 * GetCredentialsForIdentity take the token itself, no AWS credential (red-team round 80: a GitLab job's agent got a
 * pool's admin role through a role mapping whose one rule was an Equals on the job's own sub, which `pinnedBySub`
 * rightly calls not public). Which role it gets is the roles attachment's: a Rules mapping's rules on `sub` its
 * subject may match (a rule on another claim may match: its meaning is the issuer's), the authenticated role unless
 * `ambiguous_role_resolution` is `Deny` (a token no rule matches gets it), and any role trusting the pool for a Token
 * mapping (the token's role claims choose) or one blastwall cannot read. A provider whose issuer blastwall cannot
 * read, or that is a user pool, is left to the public paths, which count such a pool as open to anyone.
 */
export function heldTokenPoolRoles(ctx: IdentityContext, token: HeldToken): HeldTokenRole[] {
  const m = model(ctx.stack, ctx.roles);
  const out: HeldTokenRole[] = [];
  for (const pool of m.pools) {
    for (const o of listOf(pool.res.values["openid_connect_provider_arns"]).map((x) => oidcOf(ctx.stack, x))) {
      if (o.issuer === undefined || o.userPool || !token.mayBeOf(o.issuer)) continue;
      for (const t of m.trusts) {
        if (!admitsPool(t, pool) || !t.modes.has("authenticated") || out.some((x) => x.to === t.role.address)) continue;
        // As for a public login: an identity of its own gives it nothing of anyone else's (round 59 #17).
        if (confinedToOwnIdentity(ctx, t.role)) continue;
        const how = heldTokenHandsOut(ctx, pool, o.issuer, token, t.role);
        if (how) out.push({ to: t.role.address, why: () => `${pool.res.address} accepts logins of ${o.shown} (openid_connect_provider_arns), the OpenID Connect issuer ${o.issuer}, and ${how}; the trust policy of ${t.role.address} admits its authenticated identities (${statementName(t.statement)})` });
      }
    }
  }
  return out;
}

const RULE_MATCH_TYPES = new Set(["Equals", "Contains", "StartsWith", "NotEqual"]);

function heldTokenHandsOut(ctx: IdentityContext, pool: IdentityPool, issuer: string, token: HeldToken, role: PrincipalNode): string | undefined {
  if (pool.classic) return `its basic flow (allow_classic_flow) lets the token be used on any role that trusts the pool`;
  if (pool.attachments.length === 0) return `no roles attachment of the stack says which roles it hands out, so it may be this one`;
  const names = (v: unknown) => {
    if (v === undefined || v === null) return undefined;
    const to = ctx.roleOf(v);
    return to === role.address ? "it" : to === undefined && unresolved(v) ? "a role blastwall cannot resolve, which may be this one" : undefined;
  };
  for (const a of pool.attachments) {
    if (hasDynamic(a.values, "role_mapping")) return `${a.address} builds its role mappings with a dynamic block, which blastwall does not read, so it may hand out this one`;
    // A mapping keyed by a value blastwall cannot read may be this issuer's.
    const mappings = blocks(a.values["role_mapping"]).filter((rm) => {
      const key = rm["identity_provider"];
      return typeof key !== "string" || key.includes("${") || issuerOf(key) === issuer;
    });
    const fallback = names((blocks(a.values["roles"])[0] ?? {})["authenticated"]);
    if (mappings.length === 0) {
      if (fallback) return `${a.address} maps no role for that issuer, so its token gets the authenticated role, ${fallback}`;
      continue;
    }
    for (const rm of mappings) {
      if (hasDynamic(rm, "mapping_rule") || rm["type"] !== "Rules") return `${a.address} maps the roles of that issuer's logins from the token (type ${String(rm["type"])}) or in a way blastwall cannot read, so the token may name this one`;
      for (const rule of blocks(rm["mapping_rule"])) {
        const to = names(rule["role_arn"]);
        if (!to) continue;
        const { claim, match_type: type, value } = rule;
        const read = claim === "sub" && typeof type === "string" && RULE_MATCH_TYPES.has(type) && typeof value === "string" && !value.includes("${");
        if (!read) return `${a.address} gives ${to} by a rule (claim ${String(claim)}, ${String(type)} ${String(value)}) that blastwall cannot tell the token does not match`;
        if (token.subMayMatch(issuer, type, value)) return `${a.address} gives ${to} by a rule (sub ${type} ${value}) that the token's subject may match`;
      }
      if (rm["ambiguous_role_resolution"] !== "Deny" && fallback) return `${a.address} gives a token no rule matches the authenticated role (ambiguous_role_resolution ${String(rm["ambiguous_role_resolution"])}), ${fallback}`;
    }
  }
  return undefined;
}
