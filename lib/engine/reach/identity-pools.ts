/**
 * Cognito identity pools (E3, federated): a role whose trust admits `Federated: cognito-identity.amazonaws.com`
 * is handed out by `GetId` + `GetCredentialsForIdentity` (enhanced flow) or `GetOpenIdToken` +
 * `sts:AssumeRoleWithWebIdentity` (basic flow). Those Cognito calls are public and unsigned: no IAM right of the
 * caller is asked. Who gets such a role is decided by the pool and by the trust's conditions on the token
 * (`cognito-identity.amazonaws.com:aud`, the pool id; `:amr`, `unauthenticated` or `authenticated` plus the
 * provider used):
 * - a pool that allows unauthenticated identities gives an identity to anyone, the agents included;
 * - a pool that accepts a public login (Google, Facebook, Amazon, Apple, Twitter) or a user pool where anyone may
 *   sign up gives an authenticated identity to anyone;
 * - a principal that may create users in a user pool the identity pool accepts, set their password or their e-mail
 *   (`cognito-idp:AdminCreateUser`, `AdminSetUserPassword`, `AdminUpdateUserAttributes`), or turn on self sign-up
 *   (`UpdateUserPool`), logs in as such a user; with `AdminAddUserToGroup` (or an existing member taken over) it
 *   also gets a group's role where the pool maps roles from the token;
 * - a principal that may `cognito-identity:UpdateIdentityPool` turns on unauthenticated identities and the basic
 *   flow, or adds a login provider it owns, and gets every role that trusts the pool.
 * In the enhanced flow the role is the one the pool's roles attachment names (default or mapped); in the basic flow
 * (`allow_classic_flow`) it is any role whose trust admits the token. A trust with no `aud` condition admits tokens
 * of any pool, one anyone can create in an account of their own: fail closed, anyone. A trust naming a pool
 * outside the stack may name one that allows unauthenticated identities: fail closed, anyone, when it admits them.
 */
import type { Statement } from "../iam/types";
import type { Grant, PrincipalNode } from "../analysis-types";
import type { TfResource, TfStack } from "../terraform/types";
import { blocks, isObject } from "../json";
import { globMatch } from "../iam/glob";
import { refTarget } from "../terraform/tokens";
import { statementName } from "../describe";

/** The Federated principal of identity pool tokens and its condition keys. */
const ISSUER = "cognito-identity.amazonaws.com";
const AUD = `${ISSUER}:aud`;
const AMR = `${ISSUER}:amr`;

/** Actions that let a principal log in as a user of a user pool (see the module comment). */
export const USER_POOL_LOGIN = ["cognito-idp:AdminCreateUser", "cognito-idp:AdminSetUserPassword", "cognito-idp:AdminUpdateUserAttributes", "cognito-idp:UpdateUserPool"] as const;
/** Actions that put a user of the principal's into a group (and so give it the group's role, where it is mapped). */
export const USER_POOL_GROUP = ["cognito-idp:AdminAddUserToGroup"] as const;
/** Rewriting an identity pool: unauthenticated identities, the basic flow, or a login provider of the writer's own. */
export const IDENTITY_POOL_REWRITE = ["cognito-identity:UpdateIdentityPool"] as const;

/** Login providers anyone can sign in with. */
const PUBLIC_LOGINS = ["graph.facebook.com", "accounts.google.com", "www.amazon.com", "appleid.apple.com", "api.twitter.com"];

type Mode = "unauthenticated" | "authenticated";

/** A trust statement that admits identity pool tokens. `pools`: the stack's pools its `aud` names; "any": no `aud` condition (or one that may be any pool); "outside": a pool not in the stack. */
interface PoolTrust {
  readonly role: PrincipalNode;
  readonly statement: Statement;
  readonly pools: readonly TfResource[] | "any" | "outside";
  readonly modes: ReadonlySet<Mode>;
}

interface UserPoolRef {
  /** The stack's user pool; undefined for one outside it (a literal provider name, a data source, a variable). */
  readonly res?: TfResource;
  readonly shown: string;
}

interface IdentityPool {
  readonly res: TfResource;
  readonly unauthenticated: boolean;
  readonly classic: boolean;
  /** Why anyone may authenticate, when they may. */
  readonly publicLogin?: string;
  readonly userPools: readonly UserPoolRef[];
  /** Roles attachments of the pool in the stack (none: the pool's roles are set elsewhere, any may be). */
  readonly attachments: readonly TfResource[];
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

export interface IdentityContext {
  readonly stack: TfStack;
  readonly roles: readonly PrincipalNode[];
  readonly grants: (action: string) => readonly Grant[];
  /** The principal address a role value names; undefined when unresolvable. */
  readonly roleOf: (v: unknown) => string | undefined;
  /** Stack user pools a policy resource pattern may name, and whether it may name one outside the stack. */
  readonly userPools: { matching(r: string): readonly TfResource[]; reachesOutside(r: string): boolean };
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
  const poolRes = stack.byType.get("aws_cognito_identity_pool") ?? [];
  const ci = { caseInsensitive: true };
  const trusts: PoolTrust[] = [];
  for (const role of roles) {
    if (role.kind !== "role") continue;
    for (const s of role.trustPolicy?.statements ?? []) {
      if (s.effect !== "Allow" || s.unknown !== undefined || !s.principals) continue;
      const admitsIssuer = s.principals.some((ps) => (ps.type === "Federated" || ps.type === "*") && ps.identifiers.some((id) => globMatch(id, ISSUER, ci)));
      if (!admitsIssuer) continue;
      const acts = s.actions ? s.actions.some((a) => globMatch(a, "sts:AssumeRoleWithWebIdentity", ci)) : !(s.notActions ?? []).some((a) => globMatch(a, "sts:AssumeRoleWithWebIdentity", ci));
      if (!acts) continue;
      let pools: PoolTrust["pools"] = "any";
      const aud = s.conditions.find((c) => c.key.toLowerCase() === AUD && restricting(c.operator));
      if (aud) {
        const named: TfResource[] = [];
        let outside = false;
        let any = false;
        for (const v of aud.values) {
          const ref = refTarget(v);
          const pool = ref ? poolRes.find((p) => p.address === ref.address) : undefined;
          if (pool) named.push(pool);
          else if (ref || /[*?]/.test(v) || v.includes("${")) any = true;
          else outside = true;
        }
        pools = any ? "any" : named.length > 0 ? named : outside ? "outside" : "any";
      }
      const modes = new Set<Mode>(["unauthenticated", "authenticated"]);
      const amr = s.conditions.find((c) => c.key.toLowerCase() === AMR && restricting(c.operator));
      if (amr) {
        if (!amr.values.some((v) => globMatch(v, "unauthenticated", ci) || v.includes("${"))) modes.delete("unauthenticated");
        // Authenticated tokens carry `authenticated` and the providers used: any other value may be one.
        if (amr.values.every((v) => v.toLowerCase() === "unauthenticated")) modes.delete("authenticated");
      }
      if (modes.size > 0) trusts.push({ role, statement: s, pools, modes });
    }
  }
  const attachments = stack.byType.get("aws_cognito_identity_pool_roles_attachment") ?? [];
  const pools: IdentityPool[] = poolRes.map((res) => {
    const v = res.values;
    const logins = isObject(v["supported_login_providers"]) ? Object.keys(v["supported_login_providers"]) : [];
    const publicProvider = logins.find((l) => PUBLIC_LOGINS.includes(l.toLowerCase()));
    const userPools: UserPoolRef[] = blocks(v["cognito_identity_providers"]).map((b) => userPoolOf(stack, b["provider_name"]));
    const signUp = userPools.find((u) => u.res && selfSignUp(u.res));
    const publicLogin = publicProvider
      ? `accepts logins with ${publicProvider}, which anyone can sign in to`
      : signUp
        ? `accepts logins of ${signUp.shown}, where anyone may sign up (admin_create_user_config.allow_admin_create_user_only is not true and no pre sign-up trigger screens them)`
        : undefined;
    return {
      res,
      unauthenticated: truthy(v["allow_unauthenticated_identities"]),
      classic: truthy(v["allow_classic_flow"]),
      publicLogin,
      userPools,
      attachments: attachments.filter((a) => refTarget(a.values["identity_pool_id"])?.address === res.address),
    };
  });
  cache.set(stack, (m = { trusts, pools }));
  return m;
}

function userPoolOf(stack: TfStack, v: unknown): UserPoolRef {
  const ref = refTarget(v);
  const res = ref && ref.address.startsWith("aws_cognito_user_pool.") ? stack.byAddress.get(ref.address) : undefined;
  if (res) return { res, shown: res.address };
  return { shown: ref ? ref.address : typeof v === "string" ? `user pool ${v}` : "a user pool blastwall cannot resolve" };
}

/** Whether anyone may sign up to the user pool (the default, unless a pre sign-up trigger screens them). */
function selfSignUp(pool: TfResource): boolean {
  const cfg = blocks(pool.values["admin_create_user_config"])[0];
  const adminOnly = cfg?.["allow_admin_create_user_only"];
  if (adminOnly === true || adminOnly === "true") return false;
  const lambdas = blocks(pool.values["lambda_config"])[0];
  return !(lambdas && lambdas["pre_sign_up"] !== undefined && lambdas["pre_sign_up"] !== null);
}

/**
 * Whether `role` may be what the pool hands out in `mode` through the enhanced flow (or through the basic flow,
 * where the trust alone decides), and why. An attachment that names a role blastwall cannot resolve may name this
 * one. `groups`: the caller can put its user in any group, so a Token mapping gives it any group's role.
 */
function handsOut(ctx: IdentityContext, pool: IdentityPool, role: PrincipalNode, mode: Mode, groups: boolean): string | undefined {
  if (pool.classic) return `its basic flow (allow_classic_flow) lets the token be used on any role that trusts the pool`;
  if (pool.attachments.length === 0) return `no roles attachment of the stack says which roles it hands out, so it may be this one`;
  for (const a of pool.attachments) {
    const values: unknown[] = [(blocks(a.values["roles"])[0] ?? {})[mode]];
    const mappings = mode === "authenticated" ? blocks(a.values["role_mapping"]) : [];
    // Rules match claims of the token, which a user's own attributes fill: any rule's role may be had.
    for (const rm of mappings) for (const rule of blocks(rm["mapping_rule"])) values.push(rule["role_arn"]);
    for (const v of values) {
      if (v === undefined || v === null) continue;
      const to = ctx.roleOf(v);
      if (to === role.address) return `${a.address} names it for ${mode} identities`;
      if (to === undefined && unresolved(v)) return `${a.address} names a role for ${mode} identities that blastwall cannot resolve, which may be this one`;
    }
    // A Token mapping hands out the role a user's groups give it (cognito:preferred_role).
    if (groups && mappings.some((rm) => rm["type"] === "Token")) {
      for (const g of ctx.stack.byType.get("aws_cognito_user_group") ?? []) {
        if (g.values["role_arn"] === undefined || g.values["role_arn"] === null) continue;
        const to = ctx.roleOf(g.values["role_arn"]);
        if (to === role.address || (to === undefined && unresolved(g.values["role_arn"]))) return `${a.address} maps roles from the token, and ${g.address} gives its members ${to === undefined ? "a role blastwall cannot resolve, which may be this one" : role.address}`;
      }
    }
  }
  return undefined;
}

function admitsPool(t: PoolTrust, pool: IdentityPool): boolean {
  return t.pools === "any" || (t.pools !== "outside" && t.pools.includes(pool.res));
}

const POOL_FIX: Readonly<Record<Mode, string>> = {
  unauthenticated: `Turn off unauthenticated identities on the pool (allow_unauthenticated_identities = false), take the destroy rights off the role, or require "authenticated" in the trust's ${AMR} condition.`,
  authenticated: `Let only administrators create users (allow_admin_create_user_only = true) and accept no public login on the pool, or take the destroy rights off the role.`,
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
    const st = statementName(t.statement);
    if (t.pools === "any") {
      add({ to: role, label: "cognito-identity:GetOpenIdToken", why: () => `the trust policy of ${role} admits identity pool tokens (${st}) with no ${AUD} condition naming a pool of this stack: a token of any identity pool will do, and anyone can make a pool that hands them out. Name the pool in a ${AUD} condition (StringEquals), or take the destroy rights off the role.` });
      continue;
    }
    if (t.pools === "outside" && t.modes.has("unauthenticated")) {
      add({ to: role, label: "cognito-identity:GetCredentialsForIdentity", why: () => `the trust policy of ${role} admits unauthenticated identities (${st}) of an identity pool outside this stack, which may allow them: GetId and GetCredentialsForIdentity need no IAM right. Require "authenticated" in its ${AMR} condition, or take the destroy rights off the role.` });
      continue;
    }
    if (t.pools === "outside") continue;
    for (const pool of m.pools) {
      if (!admitsPool(t, pool)) continue;
      for (const mode of t.modes) {
        const open = mode === "unauthenticated" ? (pool.unauthenticated ? "allows unauthenticated identities" : undefined) : pool.publicLogin;
        if (!open) continue;
        const how = handsOut(ctx, pool, t.role, mode, false);
        if (!how) continue;
        add({ to: role, label: "cognito-identity:GetCredentialsForIdentity", why: () => `${pool.res.address} ${open}, and ${how}; the trust policy of ${role} admits its ${mode} identities (${st}). Anyone, the agent included, gets the role through GetId and GetCredentialsForIdentity, which need no IAM right. ${POOL_FIX[mode]}` });
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
  for (const action of USER_POOL_LOGIN) {
    for (const g of ctx.grants(action)) {
      for (const r of g.resources) {
        const mine = new Set(ctx.userPools.matching(r));
        const outside = ctx.userPools.reachesOutside(r);
        // Taking over an existing user takes its groups too; a new user needs AdminAddUserToGroup.
        const groups = action === "cognito-idp:AdminSetUserPassword" || action === "cognito-idp:AdminUpdateUserAttributes" || groupRights.some((x) => x.resources.some((y) => y === r || y === "*" || r === "*"));
        for (const t of m.trusts) {
          if (!t.modes.has("authenticated")) continue;
          if (t.pools === "outside" || t.pools === "any") {
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
                `${grantText(g)} lets it make itself a user of ${up.shown} (create one with a password it chooses, set a user's password or e-mail, or turn on self sign-up) and log in; ${pool.res.address} accepts that user pool, ${how}, and the trust policy of ${t.role.address} admits its authenticated identities (${statementName(t.statement)}). Take ${action} away from the principal, or the destroy rights off the role.`,
            });
          }
        }
      }
    }
  }
  for (const action of IDENTITY_POOL_REWRITE) {
    for (const g of ctx.grants(action)) {
      for (const t of m.trusts) {
        const pool = t.pools === "any" || t.pools === "outside" ? undefined : t.pools[0];
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

/** Every action the identity pool edges look up. */
export function identityPoolActions(): string[] {
  return [...USER_POOL_LOGIN, ...USER_POOL_GROUP, ...IDENTITY_POOL_REWRITE];
}

/** A role value blastwall could not resolve (a reference or a token), which may name any role; a literal ARN or name that matches none of the stack's roles names one outside it. */
function unresolved(v: unknown): boolean {
  return typeof v !== "string" || v.includes("${");
}
