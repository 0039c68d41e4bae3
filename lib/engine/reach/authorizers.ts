/**
 * Who an authorizer outside IAM lets through a front door (front-doors.ts): a Cognito user pool authorizer of a REST
 * method, a JWT authorizer of an HTTP API route, an AppSync API's AMAZON_COGNITO_USER_POOLS or OPENID_CONNECT
 * authentication, an ALB's authenticate-cognito and authenticate-oidc actions, and the same schemes in an OpenAPI body. Such an authorizer
 * checks a token, not a right: it admits anyone who can get a token it takes. Who that is comes from the identity pool
 * reading (identity-pools.ts), which asks the same of the logins an identity pool accepts:
 * - a user pool lets anyone sign up unless `allow_admin_create_user_only` is true, and even then anyone signs in
 *   through a federated provider anyone has an account with (Google) that an app client enables; a pool the stack
 *   does not make may let anyone sign up (Cognito's default);
 * - an OpenID Connect issuer gives tokens to anyone unless it is known to serve one organisation alone (an Entra
 *   tenant by its id, an EKS cluster): Google, Auth0, GitHub Actions... An audience pin does not keep strangers out
 *   (it is the client they sign in to, or one they ask for); an issuer blastwall cannot read may be any.
 * Scopes a method or route asks for (`authorization_scopes`) and groups an AppSync schema asks for (`@aws_auth`) are
 * not read as a barrier: a user who signs up may get them (an app client that allows the scopes, a trigger that adds
 * users to groups or writes claims), and blastwall cannot show that they cannot. A Lambda authorizer (REST TOKEN or
 * REQUEST, HTTP API REQUEST, AppSync AWS_LAMBDA) runs code that is not in the plan: blastwall cannot tell whom it lets
 * through, so its door may be anyone's. As a stored secret of unknown contents is, that is a warning (an error under
 * --strict), not the error of a door certainly open: the door is every principal's through a weak link (`lambdaDoor`).
 */
import type { TfResource, TfStack } from "../terraform/types";
import { exactPattern, parseTemplate, refTarget } from "../terraform/tokens";
import { providerConfigKey, providerKeyOf, resourceRegion, sameProvider } from "../terraform/providers";
import { followReferences } from "../agent-tags";
import { oneReferenced, referencedIn } from "../terraform/referenced";
import { blocks, isObject } from "../json";
import type * as IdentityPools from "./identity-pools";
import type { DoorAccess } from "./front-doors";
import { lazy } from "../lazy";

// identity-pools.ts (1,000 lines) loads only for a stack with an authorizer outside IAM, as for one with an identity pool.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const identityPools = lazy(() => require("./identity-pools") as typeof IdentityPools);

/**
 * What an authorizer admits: only those an organisation gives a login (`closed`), anyone who can get a token it takes
 * (`anyone`: what lets them in and how to close it), or whoever a Lambda authorizer's code lets in (`lambda`: `text`
 * names the authorizer and the function it runs, `code` what to review). A
 * closed one on user pools of the stack (`logins`) also admits whoever may make itself a user of one of them: an
 * administrator's rights on the pool (identity-pools.ts `loginWays`: AdminCreateUser, AdminSetUserPassword,
 * UpdateUserPool to turn on sign-up...) get a token it takes, as a right to invoke passes an AWS_IAM door (red-team
 * round 157, F1).
 */
export type Admits =
  | { readonly kind: "closed"; readonly logins?: readonly TfResource[] }
  | { readonly kind: "anyone"; readonly text: string; readonly fix: string }
  | { readonly kind: "lambda"; readonly text: string; readonly code: string };

/**
 * A door behind a closed authorizer on a user pool of the stack: whoever may make itself a user of `pool`
 * (identity-pools.ts `loginWays`) gets a token it takes and passes. `where`: the door and its authorizer, for
 * messages (`aws_api_gateway_method.m (authorization "COGNITO_USER_POOLS"), whose integration is ...`); `fix`: how to
 * close it other than taking the login rights away.
 */
export interface LoginDoor {
  readonly pool: TfResource;
  readonly where: string;
  readonly fix: string;
}

/** The login doors a judgement opens (`closed` with `logins`), each at `where`. */
export function loginDoors(a: Admits, where: string, fix: string): LoginDoor[] {
  return a.kind === "closed" ? (a.logins ?? []).map((pool) => ({ pool, where, fix })) : [];
}

/**
 * `iam` or `other` access to a door, with the login doors of its closed user pool authorizers, when any, and the
 * Lambda authorizer that may let anyone through too (`lambdaDoor`), when one does.
 */
export function closedAccess(kind: "iam" | "other", logins: readonly LoginDoor[], lambda?: LambdaDoor): DoorAccess {
  return { kind, ...(logins.length > 0 ? { logins } : {}), ...(lambda ? { lambda } : {}) };
}

/** The edge label of a door anyone passes through an authorizer (front-doors.ts `DoorAccess`). */
export const AUTHORIZER_LABEL = "an authorizer anyone passes";

/** The edge label of a door whose Lambda authorizer blastwall cannot read (`LambdaDoor`); reach-support.ts words the chain by it. */
export const LAMBDA_AUTHORIZER_LABEL = "a Lambda authorizer blastwall cannot read";

/**
 * A door behind a Lambda authorizer: whoever its code lets through uses it, with no IAM right, and blastwall cannot
 * read the code, so that may be anyone (fail closed), but only as a weak link: a warning, an error under --strict
 * (the precedent of a stored secret whose contents blastwall cannot see). `text` says where and why, `fix` how to close it.
 */
export interface LambdaDoor {
  readonly label: string;
  readonly text: string;
  readonly fix: string;
}

/**
 * The LambdaDoor of a `lambda` judgement: `where` names the door (`through M, an API Gateway method ... whose
 * integration is I`), `iam` how to put it under IAM auth instead, `does` what whoever passes does (`calls it over HTTPS`).
 */
export function lambdaDoor(a: Extract<Admits, { kind: "lambda" }>, where: string, iam: string, does: string): LambdaDoor {
  return {
    label: LAMBDA_AUTHORIZER_LABEL,
    text: `${where}: ${a.text}, whose code is not in the plan, so blastwall cannot tell whom it lets through (it may be anyone, an agent too); whoever it lets through ${does}`,
    fix: `${iam}, or review the code of ${a.code} and, if it lets through only callers you trust (no agent), acknowledge this finding with a reason saying so`,
  };
}

const CLOSED: Admits = { kind: "closed" };

/**
 * A Lambda authorizer's judgement: `what` names it (`its Lambda authorizer A (TOKEN)`), `uri` is its authorizer_uri
 * (the function it runs, named when the stack makes it).
 */
function lambdaAdmits(stack: TfStack, what: string, uri: unknown): Admits {
  const fn = oneReferenced(stack, uri, ["aws_lambda_function"]);
  const shown = fn?.address ?? (typeof uri === "string" && !unset(uri) ? uri : undefined);
  return { kind: "lambda", text: shown ? `${what}, which runs ${shown}` : `${what}, whose function blastwall cannot read`, code: shown ?? "its function" };
}

const unset = (v: unknown): boolean => v === undefined || v === null || v === "";

/** A list argument's items; a value that is not a list (a variable) is undefined: blastwall cannot read it. */
function listOf(v: unknown): unknown[] | undefined {
  if (unset(v)) return [];
  return Array.isArray(v) ? v : undefined;
}

const ADMIN_ONLY = "admin_create_user_config { allow_admin_create_user_only = true }";

/**
 * Who gets a login of one user pool, written as a reference (`${aws_cognito_user_pool.p.arn}`, `.id`, `.endpoint`),
 * a literal ARN, id or issuer, through one of `clients` (undefined: any client of the pool). `unresolved` words a
 * client blastwall cannot resolve, for federatedSignIn. `up`: the pool as resolved, where the caller knows better.
 */
function userPoolAdmits(stack: TfStack, v: unknown, clients: readonly unknown[] | undefined, unresolved: string, up = identityPools().userPoolOf(stack, v)): Admits {
  const data = up.res?.mode === "data" ? up.res : referencedIn(stack, v).find((r) => r.type === "aws_cognito_user_pool" && r.mode === "data");
  if (data) {
    return { kind: "anyone", text: `${data.address}, a user pool this stack does not make (a data source), which may let anyone sign up (Cognito's default)`, fix: `set ${ADMIN_ONLY} on the user pool ${data.address} reads, where it is made` };
  }
  const pool = up.res;
  if (!pool) {
    return { kind: "anyone", text: `${up.shown}, a user pool blastwall cannot find in the stack, which may let anyone sign up (Cognito's default)`, fix: `make the user pool in the stack with ${ADMIN_ONLY}` };
  }
  // A stranger who signs up must still sign in through a client the authorizer takes: where each it takes allows no
  // self-service flow, signing up gets no token it takes (AdminInitiateAuth and UpdateUserPoolClient then count as
  // the pool's login rights: identity-pools.ts poolLoginRights).
  const signsIn = clients === undefined || clients.length === 0 || clients.some((c) => identityPools().selfServiceSignIn(stack, pool, c) !== undefined);
  if (identityPools().selfSignUp(pool) && signsIn) {
    return { kind: "anyone", text: `${pool.address}, a user pool that lets anyone sign up`, fix: `set ${ADMIN_ONLY} on ${pool.address} (it is false or unset, and Cognito's default lets anyone sign up)` };
  }
  for (const c of clients ?? [undefined]) {
    const why = identityPools().federatedSignIn(stack, pool, c, unresolved);
    if (why) return { kind: "anyone", text: why, fix: `enable on the app clients of ${pool.address} (supported_identity_providers) no federated provider anyone can sign in with` };
  }
  return { kind: "closed", logins: [pool] };
}

/** The first of several user pools an authorizer takes tokens of that admits anyone; any one will do. */
function poolsAdmit(stack: TfStack, pools: unknown, clients: readonly unknown[] | undefined, unresolved: string, what: string): Admits {
  const list = listOf(pools);
  if (list === undefined) return { kind: "anyone", text: `user pools blastwall cannot read (${what}), which may let anyone sign up (Cognito's default)`, fix: `write ${what} as a list of user pools of the stack with ${ADMIN_ONLY}` };
  const logins: TfResource[] = [];
  for (const p of list) {
    const a = userPoolAdmits(stack, p, clients, unresolved);
    if (a.kind === "anyone") return a;
    if (a.kind === "closed") logins.push(...(a.logins ?? []));
  }
  return list.length === 0 ? { kind: "anyone", text: `no user pool blastwall can read (${what} is empty), so it may be one that lets anyone sign up`, fix: `name in ${what} user pools of the stack with ${ADMIN_ONLY}` } : { kind: "closed", logins };
}

const AUDIENCE_PIN = "the audience it pins does not keep them out (it is the client they sign in to, or one they ask for)";

/**
 * Who gets a token of an OpenID Connect issuer, as a JWT authorizer or AppSync OIDC config writes it, for `audience`
 * (app client ids, which only matter for a user pool's issuer: see the module comment).
 */
export function issuerAdmits(stack: TfStack, issuer: unknown, audience: unknown, pinned = AUDIENCE_PIN): Admits {
  const clients = listOf(audience);
  const unresolved = "the audience the authorizer pins is not an app client blastwall can resolve";
  // A user pool's issuer: `https://${aws_cognito_user_pool.p.endpoint}`, `https://cognito-idp.REGION.amazonaws.com/${aws_cognito_user_pool.p.id}`,
  // its region written as a variable too: the one pool it names is the issuer's.
  const bare = typeof issuer === "string" ? issuer.trim().replace(/^https:\/\//i, "").replace(/\/+$/, "") : undefined;
  const named = bare === undefined ? undefined : oneReferenced(stack, bare, ["aws_cognito_user_pool"]);
  if (named) return userPoolAdmits(stack, bare, clients, unresolved, { res: named, shown: named.address });
  const written = exactPattern(stack, issuer);
  const iss = written === undefined ? undefined : identityPools().issuerOf(written);
  if (iss === undefined) {
    return { kind: "anyone", text: `the issuer ${typeof issuer === "string" ? issuer : "as written"}, which blastwall cannot read, so it may be one that gives a token to anyone (Google, a user pool anyone signs up to)`, fix: "write the issuer as the literal URL of an identity provider of your organisation alone" };
  }
  if (identityPools().USER_POOL_ISSUER.test(iss)) return userPoolAdmits(stack, written, clients, unresolved);
  if (identityPools().singleOrganisation(stack, iss)) return CLOSED;
  return {
    kind: "anyone",
    text: `the issuer ${iss}, ${identityPools().publicBecause(iss)}; ${pinned}`,
    fix: identityPools().publicIssuer(iss) !== undefined
      ? `use an issuer of your organisation alone (an Entra tenant's by its id, a user pool of the stack with ${ADMIN_ONLY}): ${iss} gives tokens to anyone, and no setting makes it your organisation's`
      : `use an issuer of your organisation alone (an Entra tenant's by its id, a user pool of the stack with ${ADMIN_ONLY}, or ${iss} listed in organisationIssuers of blastwall.json if it gives tokens to your organisation's own people alone, with no self-service registration or social or guest sign-in: listing it makes blastwall trust its sign-up policy)`,
  };
}

/** ` (the scopes ... do not count)`: authorization_scopes, which a user who signs up may hold. */
function scopesNote(stack: TfStack, v: unknown): string {
  const list = listOf(v);
  if (list !== undefined && list.length === 0) return "";
  const shown = list === undefined ? "a value blastwall cannot read" : list.map((s) => exactPattern(stack, s) ?? String(s)).join(", ");
  return `; the scopes it asks for (authorization_scopes: ${shown}) do not count as keeping them out, since whoever gets a token may get them too (an app client that allows them, a pre token generation trigger that adds them), which blastwall cannot rule out`;
}

/** Adds words to an `anyone` judgement; the others unchanged. */
function worded(a: Admits, text: (t: string) => string, fix: (f: string) => string): Admits {
  return a.kind === "anyone" ? { kind: "anyone", text: text(a.text), fix: fix(a.fix) } : a;
}

const judged = new WeakMap<TfResource, Admits>();

function once(r: TfResource, judge: () => Admits): Admits {
  let hit = judged.get(r);
  if (!hit) judged.set(r, (hit = judge()));
  return hit;
}

/**
 * A REST method's authorizer (`authorization = "COGNITO_USER_POOLS"` or `"CUSTOM"`, `authorizer_id`). A Cognito one
 * takes ID and access tokens of any app client of the user pools in `provider_arns`; a TOKEN or REQUEST one is a
 * Lambda's. An authorizer blastwall cannot find, for COGNITO_USER_POOLS, may be on any user pool: anyone.
 */
export function restMethodAdmits(stack: TfStack, m: TfResource): Admits {
  return once(m, () => {
    const auth = exactPattern(stack, m.values["authorization"]);
    const a = oneReferenced(stack, m.values["authorizer_id"], ["aws_api_gateway_authorizer"]);
    if (!a) {
      if (auth !== "COGNITO_USER_POOLS") return lambdaAdmits(stack, "a Lambda authorizer blastwall cannot find in the stack (authorizer_id)", undefined);
      return { kind: "anyone", text: `a Cognito user pool authorizer blastwall cannot find in the stack (authorizer_id), whose user pools may let anyone sign up (Cognito's default)${scopesNote(stack, m.values["authorization_scopes"])}`, fix: `write the authorizer of ${m.address} in the stack, on user pools with ${ADMIN_ONLY}` };
    }
    const type = unset(a.values["type"]) ? "TOKEN" : exactPattern(stack, a.values["type"]);
    if (type !== "COGNITO_USER_POOLS" && !(type === undefined && auth === "COGNITO_USER_POOLS")) return lambdaAdmits(stack, `its Lambda authorizer ${a.address} (${type ?? "a type blastwall cannot read"})`, a.values["authorizer_uri"]);
    const pools = poolsAdmit(stack, a.values["provider_arns"], undefined, "the authorizer takes tokens of every app client of the pool", `provider_arns of ${a.address}`);
    return worded(pools, (t) => `its Cognito user pool authorizer ${a.address} takes tokens of ${t}${scopesNote(stack, m.values["authorization_scopes"])}`, (f) => f);
  });
}

/**
 * An HTTP API route's authorizer (`authorization_type = "JWT"` or `"CUSTOM"`, `authorizer_id`): a JWT one takes the
 * tokens of its `jwt_configuration` issuer for its audience; a REQUEST one is a Lambda's. A JWT authorizer blastwall
 * cannot find may be on any issuer: anyone.
 */
export function httpRouteAdmits(stack: TfStack, r: TfResource): Admits {
  return once(r, () => {
    const auth = exactPattern(stack, r.values["authorization_type"]);
    const a = oneReferenced(stack, r.values["authorizer_id"], ["aws_apigatewayv2_authorizer"]);
    if (!a) {
      if (auth !== "JWT") return lambdaAdmits(stack, "a Lambda authorizer blastwall cannot find in the stack (authorizer_id)", undefined);
      return { kind: "anyone", text: `a JWT authorizer blastwall cannot find in the stack (authorizer_id), whose issuer may give a token to anyone${scopesNote(stack, r.values["authorization_scopes"])}`, fix: `write the authorizer of ${r.address} in the stack, with the issuer of your organisation's own identity provider` };
    }
    const type = exactPattern(stack, a.values["authorizer_type"]);
    if (type !== "JWT" && !(type === undefined && auth === "JWT")) return lambdaAdmits(stack, `its Lambda authorizer ${a.address} (${type ?? "a type blastwall cannot read"})`, a.values["authorizer_uri"]);
    const jwt = blocks(a.values["jwt_configuration"])[0] ?? {};
    return worded(issuerAdmits(stack, jwt["issuer"], jwt["audience"]), (t) => `its JWT authorizer ${a.address} takes tokens of ${t}${scopesNote(stack, r.values["authorization_scopes"])}`, (f) => `${f}, for ${a.address}`);
  });
}

/**
 * One authentication provider of an AppSync API: its type, and the block its config is in (the API itself for the
 * default one, an `additional_authentication_provider` block for the others). AMAZON_COGNITO_USER_POOLS takes tokens
 * of `user_pool_config.user_pool_id` (of the clients `app_id_client_regex` matches, not read: any); OPENID_CONNECT
 * those of `openid_connect_config.issuer` for `client_id`. Groups asked in the schema, and `default_action`, are not read.
 */
export function graphqlProviderAdmits(stack: TfStack, type: string, block: Readonly<Record<string, unknown>>): Admits {
  const groups = "; the groups its schema may ask for (@aws_auth, @aws_cognito_user_pools) and its default_action are not read, and do not count as keeping them out (a trigger of the pool may add every user to a group)";
  if (type === "AMAZON_COGNITO_USER_POOLS") {
    const cfg = blocks(block["user_pool_config"])[0];
    const pools = cfg ? userPoolAdmits(stack, cfg["user_pool_id"], undefined, "AppSync takes tokens of every app client of the pool (app_id_client_regex is not read)") : { kind: "anyone" as const, text: "a user pool blastwall cannot read (no user_pool_config), which may let anyone sign up (Cognito's default)", fix: `write its user_pool_config with a user pool of the stack with ${ADMIN_ONLY}` };
    return worded(pools, (t) => `AMAZON_COGNITO_USER_POOLS authentication takes tokens of ${t}${groups}`, (f) => f);
  }
  if (type === "OPENID_CONNECT") {
    const cfg = blocks(block["openid_connect_config"])[0] ?? {};
    return worded(issuerAdmits(stack, cfg["issuer"], unset(cfg["client_id"]) ? undefined : [cfg["client_id"]]), (t) => `OPENID_CONNECT authentication takes tokens of ${t}${groups}`, (f) => f);
  }
  if (type === "AWS_LAMBDA") return lambdaAdmits(stack, "its Lambda authorizer (lambda_authorizer_config)", blocks(block["lambda_authorizer_config"])[0]?.["authorizer_uri"]);
  // AWS_IAM asks appsync:GraphQL; API_KEY is judged by the keys the stack makes (front-doors.ts graphqlAccess).
  return CLOSED;
}

/** An ALB authenticate-cognito action: the user pool of `user_pool_arn`, through its `user_pool_client_id`. */
export function albCognitoAdmits(stack: TfStack, auth: Readonly<Record<string, unknown>> | undefined): Admits {
  if (!auth) return { kind: "anyone", text: "a user pool blastwall cannot read (no authenticate_cognito block), which may let anyone sign up (Cognito's default)", fix: `write its authenticate_cognito block with a user pool of the stack with ${ADMIN_ONLY}` };
  return userPoolAdmits(stack, auth["user_pool_arn"], [auth["user_pool_client_id"]], "its user_pool_client_id is not a client blastwall can resolve");
}

/**
 * An ALB authenticate-oidc action: whoever the IdP of `issuer` lets sign in to `client_id`. The load balancer checks
 * no audience or claim beyond its own client's sign-in; it passes the claims on to the target (`x-amzn-oidc-data`),
 * whose code may check them, which is not read. A user pool's issuer is judged as the pool, through that client.
 *
 * What the load balancer really trusts is its `token_endpoint`: it exchanges the sign-in code there, with its client
 * secret, and takes the ID token that endpoint answers over TLS, so whoever runs the endpoint decides who signs in,
 * whatever `issuer` says. An issuer of one organisation is worth that only when the token endpoint is the issuer's
 * own (`tokenEndpointOf`); one on another host, tenant or path (or one blastwall cannot read) may be an IdP that gives
 * a token to anyone (fail closed). The authorization endpoint only hands the browser a code, which the token endpoint
 * must accept, and the user info endpoint only adds claims for the target: neither lets anyone else in.
 */
export function albOidcAdmits(stack: TfStack, auth: Readonly<Record<string, unknown>> | undefined): Admits {
  if (!auth) return { kind: "anyone", text: "an identity provider blastwall cannot read (no authenticate_oidc block), which may give a token to anyone", fix: "write its authenticate_oidc block with the issuer of an identity provider of your organisation alone" };
  const client = auth["client_id"];
  const a = issuerAdmits(stack, auth["issuer"], unset(client) ? undefined : [client], `its client_id does not keep them out (anyone the issuer lets sign in to that client gets through: the load balancer checks no other claim, and the claims it passes on to the target in x-amzn-oidc-data are for the target's code to check, which blastwall does not read)`);
  if (a.kind !== "closed") return a;
  const own = tokenEndpointOf(stack, auth["issuer"], auth["token_endpoint"], a.logins ?? []);
  if (own === true) return a;
  const ep = auth["token_endpoint"];
  const shown = typeof ep === "string" && !unset(ep) ? ep : "a value blastwall cannot read";
  const iss = typeof auth["issuer"] === "string" ? auth["issuer"] : "its issuer";
  const why = "the load balancer exchanges the sign-in code there and takes the ID token it answers, so it trusts that endpoint, not the issuer, and it may give a token to anyone";
  if (own !== false) {
    // Written from the pool's own domain already: only its region is in doubt (red-team round 162, F7).
    return {
      kind: "anyone",
      text: `the identity provider that runs its token_endpoint ${shown}, on the domain prefix of ${own.owner} but in a region blastwall cannot show is the pool's (${own.region}): a prefix is the pool's in its own region alone, and the same prefix in another region may be anyone's user pool; ${why}`,
      fix: `write the region in token_endpoint as ${own.owner}'s own${own.expected ? ` (${own.expected})` : ""}, literally or from a data.aws_region of the same provider configuration`,
    };
  }
  const pool = (a.logins ?? []).length > 0 ? ", or from a domain of the same user pool (https://${aws_cognito_user_pool_domain.NAME.domain}.auth.REGION.amazoncognito.com/oauth2/token)" : "";
  return {
    kind: "anyone",
    text: `the identity provider that runs its token_endpoint ${shown}, which is not the issuer ${iss}'s own (another host, tenant or path, or one blastwall cannot read): ${why}`,
    fix: `point token_endpoint at the issuer's own (the token_endpoint that ${iss.replace(/\/+$/, "")}/.well-known/openid-configuration lists), written literally${pool}`,
  };
}

/** `host/path` of an https URL as written (lower-case host, no trailing slash); undefined for anything else. */
function hostPath(v: string): { host: string; path: string } | undefined {
  const m = /^https:\/\/([^/?#]+)([^?#]*)/i.exec(v.trim());
  return m ? { host: m[1].toLowerCase(), path: m[2].replace(/\/{2,}/g, "/").replace(/\/+$/, "") } : undefined;
}

/**
 * Issuer hosts whose token endpoint is on another host of the same provider: an Entra ID v1 issuer
 * (`https://sts.windows.net/TENANT/`) has its token endpoint at `https://login.microsoftonline.com/TENANT/oauth2/token`,
 * as its discovery document lists (red-team round 162, F8). The tenant in the path still has to agree.
 */
const TOKEN_HOST_OF: Readonly<Record<string, string>> = { "sts.windows.net": "login.microsoftonline.com" };

/** Where a token endpoint on a user pool's domain is written with a region blastwall cannot show is the pool's. */
interface DoubtedRegion {
  /** The pool domain (or pool) whose prefix it is written from. */
  readonly owner: string;
  /** The region part as written. */
  readonly region: string;
  /** The pool's region, when blastwall reads it. */
  readonly expected?: string;
}

/**
 * Whether a token endpoint is the issuer's own: on the issuer's host (or the host its provider answers tokens on:
 * TOKEN_HOST_OF), under the issuer's path (less a trailing version segment: an Entra tenant's issuer `/TENANT/v2.0`
 * has its token endpoint at `/TENANT/oauth2/v2.0/token`), compared as written where both are the same reference
 * (`https://${aws_cognito_user_pool.p.endpoint}/...`), else as resolved exactly; or, for a user pool's issuer
 * (`pools`), on a domain of that pool (onPoolDomain). A DoubtedRegion: on the pool's domain prefix, in a region
 * blastwall cannot show is the pool's.
 */
function tokenEndpointOf(stack: TfStack, issuer: unknown, endpoint: unknown, pools: readonly TfResource[]): boolean | DoubtedRegion {
  if (typeof issuer !== "string" || typeof endpoint !== "string") return false;
  const under = (i: string, e: string): boolean => {
    const a = hostPath(i);
    const b = hostPath(e);
    if (!a || !b) return false;
    const base = a.path.replace(/\/v\d+(\.\d+)?$/i, "");
    if (a.host !== b.host && !(TOKEN_HOST_OF[a.host] === b.host && base !== "")) return false;
    return base === "" || b.path === base || b.path.startsWith(`${base}/`);
  };
  if (under(issuer, endpoint)) return true;
  const i = exactPattern(stack, issuer);
  const e = exactPattern(stack, endpoint);
  if (i !== undefined && e !== undefined && under(i, e)) return true;
  return pools.length > 0 ? onPoolDomain(stack, endpoint, e, pools) : false;
}

/**
 * Whether an endpoint is on a hosted-UI domain of one of `pools`: written from an aws_cognito_user_pool_domain of the
 * pool (`https://${aws_cognito_user_pool_domain.d.domain}.auth.REGION.amazoncognito.com/...`, or its custom domain),
 * or from the pool's own `domain` or `custom_domain`, through a local too; or resolved exactly to such a host. A
 * prefix is unique within a region alone, so REGION must be the pool's: written literally, or from a data.aws_region
 * of the same provider configuration (regionOf).
 */
function onPoolDomain(stack: TfStack, written: string, resolved: string | undefined, pools: readonly TfResource[]): boolean | DoubtedRegion {
  const domains = (stack.byType.get("aws_cognito_user_pool_domain") ?? []).filter((d) => d.mode === "managed" && pools.includes(oneReferenced(stack, d.values["user_pool_id"], ["aws_cognito_user_pool"])!));
  const followed = followReferences(stack, written, true);
  const hit = fromPoolDomain(stack, typeof followed === "string" ? followed : written, pools, domains);
  if (hit !== undefined) return hit;
  const host = resolved === undefined ? undefined : hostPath(resolved)?.host;
  if (host === undefined) return false;
  return domains.some((d) => {
    const domain = exactPattern(stack, d.values["domain"])?.toLowerCase();
    if (domain === undefined) return false;
    if (domain.includes(".")) return host === domain;
    const m = new RegExp(`^${domain.replace(/[.*+?^$(){}|[\]\\]/g, "\\$&")}\\.auth\\.([a-z0-9-]+)\\.amazoncognito\\.com$`).exec(host);
    const own = resourceRegion(stack, d);
    return m !== null && (own === undefined || m[1] === own);
  });
}

/**
 * An endpoint whose host is written from the domain of one of `pools`: true on that pool's domain (in its region),
 * a DoubtedRegion when the region part is not shown to be the pool's, false when written from another pool's, and
 * undefined when its host is not written that way (the caller then reads it as resolved).
 */
function fromPoolDomain(stack: TfStack, written: string, pools: readonly TfResource[], domains: readonly TfResource[]): boolean | DoubtedRegion | undefined {
  // The host as written, each interpolation a placeholder: `\u0000N\u0000` for the Nth.
  const refs: string[] = [];
  const skeleton = parseTemplate(written.trim())
    .map((p) => (p.kind === "literal" ? p.text : `\u0000${refs.push(p.raw) - 1}\u0000`))
    .join("");
  const m = /^https:\/\/\u0000(\d+)\u0000(?:\.auth\.([a-z0-9-]+|\u0000\d+\u0000)\.amazoncognito\.com)?(?:\/|$)/i.exec(skeleton);
  if (!m) return undefined;
  const ref = refTarget(refs[Number(m[1])]);
  const res = ref && !ref.splat && ref.path.length === 0 ? stack.byAddress.get(ref.address) : undefined;
  const owner =
    res?.type === "aws_cognito_user_pool_domain" && ref?.attribute === "domain" ? res : res?.type === "aws_cognito_user_pool" && (ref?.attribute === "domain" || ref?.attribute === "custom_domain") ? res : undefined;
  if (!owner) return undefined;
  if (!(owner.type === "aws_cognito_user_pool" ? pools.includes(owner) : domains.includes(owner))) return false;
  // A custom domain is the whole host; a prefix is the pool's in its region alone (and no host by itself).
  const domainValue = owner.type === "aws_cognito_user_pool" ? (ref?.attribute === "custom_domain" ? "custom" : "prefix") : exactPattern(stack, owner.values["domain"]);
  const custom = domainValue === undefined ? undefined : domainValue === "custom" || domainValue.includes(".");
  if (m[2] === undefined) return custom !== false;
  if (custom === true) return false;
  const part = m[2].startsWith("\u0000") ? refs[Number(m[2].slice(1, -1))] : m[2].toLowerCase();
  const expected = resourceRegion(stack, owner);
  const same = regionOf(stack, owner, part);
  return same ? true : { owner: owner.address, region: part, ...(expected ? { expected } : {}) };
}

/**
 * Whether a region part of a host (a literal, or one interpolation) is certainly that of `owner`: a literal equal to its
 * region (any literal where blastwall cannot read that region, as before); a data.aws_region (`name`, `id`, `region`)
 * that selects none of its own, on the same provider configuration as `owner`, which sets no region of its own
 * either, or one whose region is read and equal; the very expression `owner`'s provider sets its region with.
 */
function regionOf(stack: TfStack, owner: TfResource, part: string): boolean {
  const own = resourceRegion(stack, owner);
  if (!part.startsWith("${")) return own === undefined || part === own;
  const ref = refTarget(part);
  const res = ref?.kind === "data" ? stack.byAddress.get(ref.address) : undefined;
  if (res?.type === "aws_region" && ["name", "id", "region"].includes(ref?.attribute ?? "") && ref?.path.length === 0) {
    const picked = [res.values["region"], res.values["name"]].find((v) => !unset(v));
    if (picked !== undefined) return typeof picked === "string" && !picked.includes("${") && picked === own;
    // One provider configuration, its instance key too (OpenTofu's provider for_each: one per region).
    if (sameProvider(providerKeyOf(res), providerKeyOf(owner)) && unset(owner.values["region"])) return true;
    const theirs = resourceRegion(stack, res);
    return theirs !== undefined && theirs === own;
  }
  const providerRegion = stack.providers?.get(providerConfigKey(providerKeyOf(owner)))?.["region"];
  return unset(owner.values["region"]) && typeof providerRegion === "string" && providerRegion.includes("${") && providerRegion.trim() === part.trim();
}

/**
 * Whether an ALB authenticate action (`authenticate_oidc` or `authenticate_cognito` block) lets a request with no
 * session through to the next action unauthenticated: `on_unauthenticated_request = "allow"`, or a value blastwall
 * cannot read, which may be it. Unset is `authenticate` (redirect to sign in); `deny` answers 401.
 */
export function albLetsUnauthenticated(stack: TfStack, auth: Readonly<Record<string, unknown>> | undefined): string | undefined {
  const v = auth?.["on_unauthenticated_request"];
  if (unset(v)) return undefined;
  const mode = exactPattern(stack, v)?.toLowerCase();
  if (mode === "authenticate" || mode === "deny") return undefined;
  return mode === "allow" ? 'on_unauthenticated_request = "allow", which lets a request with no session through unauthenticated' : `on_unauthenticated_request ${typeof v === "string" ? `= ${v}` : "as written"}, which blastwall cannot read, so it may be "allow", which lets a request with no session through unauthenticated`;
}

/**
 * An OpenAPI security scheme's authorizer (`x-amazon-apigateway-authorizer`): `cognito_user_pools` with `providerARNs`,
 * `jwt` with `jwtConfiguration` (`issuer`, `audience`), `token` and `request` a Lambda's. `scopes`: what the
 * operation's requirement lists for the scheme. Its `type` decides (a required property); x-amazon-apigateway-authtype
 * is a free-form label of a Lambda authorizer (API Gateway's guide), read only where no authorizer object is written:
 * `cognito_user_pools` as a user pool authorizer on pools blastwall cannot read, `custom` as a Lambda's. A type blastwall
 * does not know, or cannot read, is judged by `unknownSchemeAdmits` (fail closed). Undefined: no authorizer at all.
 */
export function schemeAdmits(stack: TfStack, scheme: Readonly<Record<string, unknown>>, scopes: unknown): Admits | undefined {
  const x = scheme["x-amazon-apigateway-authorizer"];
  const authtype = typeof scheme["x-amazon-apigateway-authtype"] === "string" ? (scheme["x-amazon-apigateway-authtype"] as string).toLowerCase() : undefined;
  const note = Array.isArray(scopes) && scopes.length > 0 ? scopesNote(stack, scopes) : "";
  if (!isObject(x)) {
    if (authtype === "cognito_user_pools") return cognitoScheme(stack, undefined, note);
    return authtype === "custom" ? lambdaAdmits(stack, "its Lambda authorizer (custom)", undefined) : undefined;
  }
  const written = x["type"];
  const type = schemeType(stack, x);
  if (type === "cognito_user_pools") return cognitoScheme(stack, x, note);
  if (type === "jwt") return jwtScheme(stack, x, note);
  if (type === "token" || type === "request") return lambdaAdmits(stack, `its Lambda authorizer (${type})`, x["authorizerUri"]);
  return unknownSchemeAdmits(stack, x, written, type, note);
}

/**
 * The `type` of an `x-amazon-apigateway-authorizer` as API Gateway reads it, lower case, resolved through locals;
 * undefined where it is not written or blastwall cannot resolve it. The one reading of it: schemeAdmits judges the
 * scheme by it, and openapi-doors.ts `lambdaScheme` picks the Lambda authorizers whose function is a route by it.
 */
export function schemeType(stack: TfStack, x: Readonly<Record<string, unknown>>): string | undefined {
  const written = x["type"];
  return unset(written) ? undefined : exactPattern(stack, written)?.toLowerCase();
}

function cognitoScheme(stack: TfStack, x: unknown, note: string): Admits {
  const pools = poolsAdmit(stack, isObject(x) ? x["providerARNs"] : undefined, undefined, "the authorizer takes tokens of every app client of the pool", "the scheme's providerARNs");
  return worded(pools, (t) => `its Cognito user pool authorizer takes tokens of ${t}${note}`, (f) => f);
}

function jwtScheme(stack: TfStack, x: unknown, note: string): Admits {
  const cfg = isObject(x) && isObject(x["jwtConfiguration"]) ? x["jwtConfiguration"] : {};
  return worded(issuerAdmits(stack, cfg["issuer"], cfg["audience"]), (t) => `its JWT authorizer takes tokens of ${t}${note}`, (f) => f);
}

const SCHEME_TYPES = "token or request (a Lambda's), cognito_user_pools, or jwt (an HTTP API's)";

/**
 * An `x-amazon-apigateway-authorizer` whose `type` blastwall does not know: an authorizer it cannot read may let
 * anyone through. As for a REST method's authorizer (restMethodAdmits, where a type it cannot read is judged by what
 * else is written), it is judged by what it writes. A type written out that is none of API Gateway's may be one
 * blastwall has not learnt, which could admit anyone: `anyone`. A type missing, or one it cannot resolve (a variable), is one of API Gateway's, each of
 * which needs its own field (`providerARNs`, `jwtConfiguration`, `authorizerUri`): it is judged as every type whose
 * field is written, the widest judgement kept (anyone, then a Lambda's, then closed); none written, `anyone`.
 */
function unknownSchemeAdmits(stack: TfStack, x: Readonly<Record<string, unknown>>, written: unknown, type: string | undefined, note: string): Admits {
  const shown = typeof written === "string" ? `"${written}"` : unset(written) ? "none" : JSON.stringify(written);
  const fix = `write the type of its x-amazon-apigateway-authorizer literally as one of ${SCHEME_TYPES}`;
  if (type !== undefined) {
    return { kind: "anyone", text: `its x-amazon-apigateway-authorizer of type ${shown}, which is none blastwall knows (${SCHEME_TYPES}), so blastwall cannot tell whom it lets through and it may be anyone${note}`, fix };
  }
  const why = unset(written) ? "with no type" : `of type ${shown}, which blastwall cannot read`;
  const candidates: Admits[] = [];
  if (!unset(x["providerARNs"])) candidates.push(cognitoScheme(stack, x, note));
  if (!unset(x["jwtConfiguration"])) candidates.push(jwtScheme(stack, x, note));
  if (!unset(x["authorizerUri"])) candidates.push(lambdaAdmits(stack, `its x-amazon-apigateway-authorizer ${why}, read as a Lambda authorizer (it writes an authorizerUri)`, x["authorizerUri"]));
  const anyone = candidates.find((a) => a.kind === "anyone");
  if (anyone) return worded(anyone, (t) => `its x-amazon-apigateway-authorizer ${why}, so it may be any type whose settings it writes, and as one of them ${t}`, (f) => `${f}, or ${fix}`);
  if (candidates.length === 0) return { kind: "anyone", text: `its x-amazon-apigateway-authorizer ${why}, and none of the settings that would tell which (providerARNs, jwtConfiguration, authorizerUri), so blastwall cannot tell whom it lets through and it may be anyone${note}`, fix };
  const lambda = candidates.find((a) => a.kind === "lambda");
  if (lambda) return lambda;
  return { kind: "closed", logins: candidates.flatMap((a) => (a.kind === "closed" ? (a.logins ?? []) : [])) };
}
