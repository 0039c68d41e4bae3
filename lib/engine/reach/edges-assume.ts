/** Edges into roles by their trust: sts:AssumeRole, rewriting a trust policy or an identity provider it names, and logins that ask for no IAM right. */
import type { Statement } from "../iam/types";
import type { Grant, PrincipalNode } from "../analysis-types";
import { globsIntersect } from "../iam/glob";
import { denyCertainlyBlocks, denyOnCallerCertainlyApplies, trustAdmitsCaller } from "../iam/trust";
import type { PeerAssume, TfStack } from "../terraform/types";
import { attributePattern } from "../terraform/tokens";
import { statementName } from "../describe";
import { arnAccount, regionPartition, resourceAccount, resourceRegion } from "../terraform/providers";
import { grantsEveryone } from "../resource-policies";
import { denyCertainlyCovers } from "../iam/evaluate";
import { actionUniverse } from "../universe";
import { PROVIDER_REWRITE } from "./compute";
import { LOGIN_REWRITE, type LoginRewriteKind } from "./rare-actions";
import type { ResourceIndex } from "./resource-index";
import type * as IdentityPools from "./identity-pools";
import type * as RolesAnywhere from "./roles-anywhere";
import type { IdentityContext } from "./identity-pools";
import type { AnywhereContext } from "./roles-anywhere";
import { trustMayAdmitService, trustMayNamePrincipals } from "../principals/collect";
import { lazy } from "../lazy";
import { grantText, type AddEdge } from "./edge";
import type { EdgeContext } from "./edge-context";
import { roleOfValue } from "./role-of";
import { normaliseAccount } from "./trust-index";

const USER_POOL_TYPES = ["aws_cognito_user_pool"] as const;
const ANCHOR_TYPES = ["aws_rolesanywhere_trust_anchor"] as const;
const IDENTITY_POOL_TYPES = ["aws_cognito_identity_pool"] as const;
const PCA_TYPES = ["aws_acmpca_certificate_authority"] as const;

// identity-pools.ts and roles-anywhere.ts (1,500 lines) load only for a stack with a role they may hand out.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const identityPools = lazy(() => require("./identity-pools") as typeof IdentityPools);
// eslint-disable-next-line @typescript-eslint/no-require-imports
const rolesAnywhere = lazy(() => require("./roles-anywhere") as typeof RolesAnywhere);

/**
 * Whether some role of the stack may be handed out by a login path: an identity pool's token is a `Federated`
 * principal, which a trust of services alone does not admit (identity-pools.ts reads no other role), and Roles
 * Anywhere hands out only roles whose trust may admit its service (roles-anywhere.ts `rolesTrustingAnywhere`).
 * Without such a role every edge of that path is empty, and its module is not loaded.
 */
export interface LoginTrusts {
  readonly identityPools: boolean;
  readonly rolesAnywhere: boolean;
}

function loginTrusts(roles: readonly PrincipalNode[]): LoginTrusts {
  const trusts = roles.filter((r) => r.kind === "role").map((r) => r.resource.values["assume_role_policy"]);
  return {
    identityPools: trusts.some((t) => trustMayNamePrincipals(t)),
    rolesAnywhere: trusts.some((t) => trustMayAdmitService(t, "rolesanywhere.amazonaws.com")),
  };
}

/**
 * A role's ARN pattern in the partition its provider's region puts it in, or in any partition when the region is not
 * known: a Deny written for `arn:aws:` holds nothing back in aws-cn or GovCloud (red-team round 86).
 */
function inPartition(stack: TfStack, role: PrincipalNode): string {
  const partition = regionPartition(role.external ? undefined : resourceRegion(stack, role.resource));
  return role.arnPattern.replace(/^arn:[^:]*:/, `arn:${partition}:`);
}

/**
 * A principal as the caller of sts:AssumeRole, as trusts are judged against it: its ARN pattern and its account when
 * known. Shared with rule unmodelled-iam, which judges trusts of roles blastwall does not model against each agent.
 */
export function assumeCaller(stack: TfStack, p: PrincipalNode): { readonly arnPattern: string; readonly account: string | undefined } {
  // The stack's principals carry `arn:aws:` in their patterns; aws:PrincipalArn holds the ARN in the partition the
  // principal's provider region puts it in, any partition when the region is not known: a condition naming
  // `arn:aws-us-gov:` may admit a GovCloud agent, and a Deny naming `arn:aws:` does not hold it back there (red-team
  // round 90). An outsider's pattern is as written where the stack names it.
  const candidate = p.external ? p.arnPattern : inPartition(stack, p);
  // A permission set acts in the accounts it is assigned to, not its provider's (Identity Center's); assignments add up
  // across stacks, so its pattern names any account (collect.ts) and this is undefined.
  const account = p.external || p.kind === "permission-set" ? arnAccount(p.arnPattern) : resourceAccount(stack, p.resource);
  // With the account pinned, the principal's ARN is known in full: a Deny naming it by literal ARN then holds, and a
  // trust of another account's root, or of a role ARN there, does not admit it (red-team round 90: a trust of
  // `arn:aws:iam::222222222222:root` was read as admitting an agent pinned to 333333333333). A NotPrincipal listing a
  // role ARN still does not leave out the role's sessions (allowAdmits).
  return { arnPattern: account ? candidate.replace(/^(arn:[^:]*:iam::)\*:/, `$1${account}:`) : candidate, account };
}

/**
 * Whether an explicit Deny of the principal's own (an identity policy's, or its permission boundary's, as AgentRole's
 * denies chaining out of `/agents/`) certainly covers sts:AssumeRole on a role's ARN pattern: within one account that
 * wins over a trust naming the principal (red-team round 85). A principal outside the stack shows no policies here.
 */
export function callerAssumeDenial(p: PrincipalNode): (rolePattern: string) => boolean {
  if (p.external) return NO_DENIAL;
  // Asked of every principal of the stack, and most hold no Deny: gathered without copying every statement first.
  let denies: Statement[] | undefined;
  for (const a of p.identityPolicies) for (const st of a.document.statements) if (st.effect === "Deny") (denies ??= []).push(st);
  for (const st of p.boundary?.document.statements ?? []) if (st.effect === "Deny") (denies ??= []).push(st);
  if (denies === undefined) return NO_DENIAL;
  const held = denies;
  return (rolePattern) => denyCertainlyCovers(held, actionUniverse(), "sts:AssumeRole", rolePattern);
}

/** `callerAssumeDenial` of a principal with no Deny of its own: a caller may skip working out the role's pattern. */
const NO_DENIAL = (): boolean => false;

export function assumeRoleEdges(ctx: EdgeContext, p: PrincipalNode, add: AddEdge): void {
  const key = normaliseAccount(p.arnPattern);
  const named = ctx.namedForKey(key, p.external);
  const isNamed = memberOf(named);
  const { account: mine, ...exact } = assumeCaller(ctx.stack, p);
  const admitted = new Map<PrincipalNode, Statement[]>();
  // An Allow whose conditions on who calls certainly exclude p admits it on no path: a trust of the account root (or
  // of anyone) narrowed by aws:PrincipalArn to `role/ci-*` does not admit a role named otherwise, whose sessions'
  // aws:PrincipalArn is its ARN (red-team round 66). Conditions blastwall does not read may be met.
  const admittedBy = (statements: readonly Statement[]) => trustAdmitsCaller(statements, exact.arnPattern, mine);
  const admits = (role: PrincipalNode) => {
    let a = admitted.get(role);
    // A Deny of the trust whose conditions on who calls certainly hold for p blocks it on every path, its own
    // sts:AssumeRole grant too (red-team round 68: it was read only for trusts open to anyone).
    if (!a) admitted.set(role, (a = role.trustPolicy ? admittedBy(role.trustPolicy.statements) : []));
    return a;
  };
  // The roles a grant on `pattern` may name. Only roles whose trust may admit p matter: a wide pattern is tested against
  // those rather than every role against it.
  const rolesOn = (pattern: string): readonly PrincipalNode[] =>
    ctx.roles.isWide(pattern)
      ? [...new Set([...named, ...ctx.openTrust])].filter((role) => ctx.roles.maySitIn(role, arnAccount(pattern)) && globsIntersect(pattern, role.arnPattern, { caseInsensitive: true }))
      : ctx.roles.matching(pattern);
  for (const g of ctx.grants(p, "sts:AssumeRole")) {
    for (const r of g.resources) {
      for (const role of rolesOn(r)) {
        // Only a trust that names p, or admits more than exact ARNs, can admit it: skip the rest unevaluated.
        if (!isNamed(role) && !ctx.openSet.has(role)) continue;
        const trust = admits(role);
        if (trust.length > 0) {
          add(role.address, "assume-role", "sts:AssumeRole", grantAdmitsText(g, role, p, trust[0]), g.statement.source.address);
        }
      }
      if (ctx.roles.reachesOutside(r)) {
        const pin = ctx.roles.unpinnedAccount(r) ? " (it names an account, and the aws provider of a role of that name is not pinned to one: set allowed_account_ids so blastwall knows which roles are the stack's)" : "";
        add(ctx.unknown(`roles:${r}`, `roles matching ${r}, which may lie outside this stack`), "assume-role", "sts:AssumeRole", () => `${grantText(g)} allows assuming ${r}, which may name roles outside this stack whose rights blastwall cannot see${pin}`, g.statement.source.address);
      }
    }
  }
  // Another checked stack's principal brings the sts:AssumeRole grants it holds there (peer-stacks.ts `assumesOf`): a
  // role here whose trust admits its account root, or anyone, admits it by that grant as by one of the stack's own
  // (red-team round 178). Roles outside this stack are that stack's own finding, not this one's.
  const peerDenies = p.external ? p.peer?.entry?.assumeDenies : undefined;
  // The role's own pattern leaves its account open; its provider, when pinned, says which it is (a Deny is written
  // for ARNs of an account).
  const peerDenied = (role: PrincipalNode) => {
    if (peerDenies === undefined) return false;
    const account = ctx.accountOf(role);
    const arn = inPartition(ctx.stack, role);
    return denyCertainlyCovers(peerDenies, actionUniverse(), "sts:AssumeRole", account ? arn.replace(/^(arn:[^:]*:iam::)\*:/, `$1${account}:`) : arn);
  };
  for (const a of p.external ? (p.peer?.entry?.assumes ?? []) : []) {
    for (const role of rolesOn(a.pattern)) {
      if ((!isNamed(role) && !ctx.openSet.has(role)) || peerDenied(role)) continue;
      const trust = admits(role);
      if (trust.length > 0) add(role.address, "assume-role", "sts:AssumeRole", peerGrantText(a, p, role, trust[0]));
    }
  }
  // Within one account a trust policy that names a principal's ARN admits it with no identity Allow at all, but an
  // explicit Deny of the caller's own still wins.
  const denied = callerAssumeDenial(p);
  const callerDenied = (role: PrincipalNode) => denied !== NO_DENIAL && denied(inPartition(ctx.stack, role));
  const certain = memberOf(ctx.namedInTrust.get(key) ?? []);
  // Another checked stack's principal, whose stack is pinned to an account: in the same account the trust is enough.
  // A role pinned to another account admits it only with an sts:AssumeRole right of its own; its own stack cannot
  // always tell that right reaches here (an ARN written with `*` for the account and the name of one of its own roles
  // reads as that role there), so the path counts here, as the agent's policies may allow it (red-team round 49).
  const peerAccount = p.external ? p.peer?.account : undefined;
  for (const role of named) {
    const roleAccount = peerAccount !== undefined ? ctx.accountOf(role) : undefined;
    // A role whose provider is pinned to another account than the principal's: the trust alone is not enough there,
    // the principal's own sts:AssumeRole grant is (above; red-team round 90).
    if (!p.external && mine !== undefined) {
      const theirs = ctx.accountOf(role);
      if (theirs !== undefined && theirs !== mine) continue;
    }
    // The principal's account unknown, the role's known: the trust alone is enough only if it names the principal as
    // it would be in the role's account. One that names it by an ARN of another account (`111111111111:role/agents/
    // coder` on a role placed in 222222222222) either names another principal, or the principal across accounts,
    // where its own sts:AssumeRole grant is needed (above; red-team round 108, F4).
    const placed = !p.external && mine === undefined ? ctx.accountOf(role) : undefined;
    if (placed !== undefined && role.trustPolicy && trustAdmitsCaller(role.trustPolicy.statements, exact.arnPattern.replace(/^(arn:[^:]*:iam::)\*:/, `$1${placed}:`), placed).length === 0) continue;
    const trust = admits(role);
    if (trust.length === 0 || callerDenied(role)) continue;
    const whom = certain(role)
      ? p.address
      : ctx.sessionTrusts.has(role)
        ? `${p.address} or a session of it (an assumed-role ARN, or an ARN that may be its own)`
        : `an ARN that may be that of ${p.address} (a name computed at apply time)`;
    // An agent outside the stack may sit in another account, where its own policies (not visible here) must allow the call too.
    const enough = !p.external || (peerAccount !== undefined && roleAccount === peerAccount) ? "which is enough within one account" : "and its own policies live outside this stack, so blastwall counts that they may allow the call";
    // Pinned, a principal named by another account's ARN drops out above; say so where that is what is missing.
    const pin = !p.external && mine === undefined ? ` (the aws provider of ${p.address} is not pinned to an account, so blastwall counts it in the role's account: set allowed_account_ids so blastwall knows which account it is in)` : "";
    add(role.address, "assume-role", "sts:AssumeRole", trustNamesText(role, whom, trust[0], enough + pin));
  }
  // A trust that admits anyone (`*`, an Allow with NotPrincipal, or one blastwall cannot read) grants the call to the
  // stack's own principals as a trust naming them does: within one account no identity Allow is needed. (An account
  // root is different: it leaves the call to the caller's own policies, the sts:AssumeRole grants above; so does a
  // role in another account, by a provider pinned elsewhere.) Its conditions on who calls (aws:PrincipalArn,
  // aws:PrincipalAccount, the aws:Source* keys a direct call lacks) are read; others (aws:PrincipalOrgID) may be met.
  // Another checked stack's agent (or a principal one can act as) is judged as the stack's own would be: the stack
  // mentions it for such a trust when it may share the role's account (collect.ts). Other outsiders are not.
  if (p.external && p.peer === undefined) return;
  for (const role of ctx.openTrust) {
    if (role === p || isNamed(role) || callerDenied(role)) continue;
    const theirs = ctx.accountOf(role);
    if (mine !== undefined && theirs !== undefined && mine !== theirs) continue;
    const statements = role.trustPolicy?.statements ?? [];
    if (statements.some((s) => denyOnCallerCertainlyApplies(s, exact.arnPattern, mine))) continue;
    if (mine && denyCertainlyBlocks(statements, exact)) continue;
    const anyone = admits(role).find((s) => grantsEveryone(s));
    if (anyone) {
      // Another stack's principal shares the account for certain only when both stacks are pinned to it.
      const unsure = p.external && (mine === undefined || theirs === undefined) ? " (it is another stack's, and the two may deploy to one account: set allowed_account_ids on both stacks' aws providers to tell them apart)" : "";
      add(role.address, "assume-role", "sts:AssumeRole", () => `the trust policy of ${role.address} admits anyone (${statementName(anyone)}: ${anyoneText(anyone)}), which within one account lets ${p.address} assume it with no identity permission${unsure}`);
    }
  }
}

// The texts of the edges above, made out here: a closure made inside assumeRoleEdges would keep its whole scope (the
// trusts it judged, the caller's Denies) for as long as the graph keeps the edge, for every principal of the stack.

function grantAdmitsText(g: Grant, role: PrincipalNode, p: PrincipalNode, statement: Statement): () => string {
  return () => `${grantText(g)} allows it and the trust policy of ${role.address} admits ${p.address} (${statementName(statement)})`;
}

function peerGrantText(a: PeerAssume, p: PrincipalNode, role: PrincipalNode, statement: Statement): () => string {
  const where = p.peer?.entry !== undefined ? ` in stack ${p.peer.entry.stack}` : "";
  return () =>
    `${a.grant}${where} allows ${p.address} to assume ${a.pattern}, and the trust policy of ${role.address} admits it (${statementName(statement)}): a trust that admits an account root or anyone leaves the call to the caller's own policies, and these allow it`;
}

function trustNamesText(role: PrincipalNode, whom: string, statement: Statement, enough: string): () => string {
  return () => `the trust policy of ${role.address} names ${whom} (${statementName(statement)}), ${enough}`;
}

/** Membership in a list: most name a principal or two, where a set costs more to build than the list to search. */
function memberOf<T>(list: readonly T[]): (x: T) => boolean {
  if (list.length <= 8) return (x) => list.includes(x);
  const set = new Set(list);
  return (x) => set.has(x);
}

export function rewriteTrustEdges(ctx: EdgeContext, p: PrincipalNode, add: AddEdge): void {
  for (const g of ctx.grants(p, "iam:UpdateAssumeRolePolicy")) {
    for (const r of g.resources) {
      for (const role of ctx.roles.matching(r)) add(role.address, "trust-rewrite", "iam:UpdateAssumeRolePolicy", () => `${grantText(g)} lets it rewrite the trust policy of ${role.address} to admit itself`, g.statement.source.address);
      if (ctx.roles.reachesOutside(r)) add(ctx.unknown(`roles:${r}`, `roles matching ${r}, which may lie outside this stack`), "trust-rewrite", "iam:UpdateAssumeRolePolicy", () => `${grantText(g)} lets it rewrite the trust of roles outside this stack`, g.statement.source.address);
    }
  }
}

/**
 * Rewriting an identity provider a trust names as `Federated` (see PROVIDER_REWRITE): the writer assumes the role
 * with assertions or tokens of its own making, and gets the roles an identity pool that accepts the provider hands
 * out (identity-pools.ts). A provider the stack does not create may be trusted by roles outside it.
 */
export function providerRewriteEdges(ctx: EdgeContext, p: PrincipalNode, add: AddEdge): void {
  // One edge per target is enough for a shortest path; a trust with several such statements gives no more.
  const reached = new Set<string>();
  for (const w of PROVIDER_REWRITE) {
    for (const action of w.actions) {
      for (const g of ctx.grants(p, action)) {
        for (const r of g.resources) {
          const target = normaliseAccount(r);
          if (!globsIntersect(target, `arn:*:iam::*:${w.kind}/*`, { caseInsensitive: true })) continue;
          for (const { role, statement, providers } of ctx.federatedTrusts(w.kind, w.assume)) {
            if (reached.has(role.address) || (providers && !providers.some((id) => globsIntersect(id, target, { caseInsensitive: true })))) continue;
            reached.add(role.address);
            add(role.address, "trust-rewrite", action, () => `${grantText(g)} lets it rewrite the identity provider ${r}, which the trust policy of ${role.address} may admit as Federated (${statementName(statement)}): it can forge what ${w.assume} takes`, g.statement.source.address);
          }
          // An identity pool that accepts the provider hands its roles to the forged logins too.
          for (const e of ctx.stack.byType.has("aws_cognito_identity_pool") && loginTrustsOf(ctx).identityPools ? identityPools().providerPoolRoles(loginContext(ctx, p), w.kind, target) : []) {
            if (reached.has(e.role)) continue;
            reached.add(e.role);
            add(e.role, "trust-rewrite", action, () => `${grantText(g)} lets it rewrite the identity provider ${r}; ${e.why()}. Take ${action} away from the principal, or the provider off the pool.`, g.statement.source.address);
          }
          if (!reached.has(`federated:${r}`) && providersReachOutside(ctx, w.kind, target)) {
            reached.add(`federated:${r}`);
            add(ctx.unknown(`federated:${r}`, `roles trusting identity providers matching ${r}, which may lie outside this stack`), "trust-rewrite", action, () => `${grantText(g)} lets it rewrite identity providers matching ${r}, which roles outside this stack may trust`, g.statement.source.address);
          }
        }
      }
    }
  }
}

/**
 * Roles handed out by logins that ask for no IAM right: an identity pool's (identity-pools.ts), to anyone or to
 * whoever can make itself a user of a user pool it accepts or rewrite the pool, and a Roles Anywhere trust
 * anchor's, to whoever can put its own CA there (roles-anywhere.ts).
 */
export function federatedLoginEdges(ctx: EdgeContext, p: PrincipalNode, add: AddEdge): void {
  // Before the stack's own login paths, which load only for a stack with a role they may hand out: the roles a
  // rewrite outside the stack reaches are none of the stack's.
  loginRewriteEdges(ctx, p, add);
  const login = loginContext(ctx, p);
  const trusts = loginTrustsOf(ctx);
  if (trusts.identityPools) {
    for (const e of (ctx.publicLogins ??= identityPools().publicIdentityEdges(login))) add(e.to, "assume-role", e.label, e.why);
    for (const e of identityPools().identityRightsEdges(login, grantText)) add(e.to, "trust-rewrite", e.label, e.why, e.via);
  }
  if (trusts.rolesAnywhere) for (const e of rolesAnywhere().rolesAnywhereEdges(login, grantText)) add(e.to, "trust-rewrite", e.label, e.why, e.via);
}

/**
 * Rewriting a login source the stack does not make (LOGIN_REWRITE: an identity pool, a user pool's identity
 * providers, a Roles Anywhere trust anchor, a new anchor), or signing in through one (a user pool's user, a private
 * CA's certificate): the roles outside the stack that trust it are the writer's,
 * and blastwall cannot see them, as with an IAM identity provider (`providerRewriteEdges`). A grant written as a
 * reference to a pool or anchor of the stack names that one alone, and the login paths judge it.
 */
function loginRewriteEdges(ctx: EdgeContext, p: PrincipalNode, add: AddEdge): void {
  // Asked of every principal, and few hold any of these: one look at what it holds answers for all of them.
  if (!ctx.holdsAny(p, (loginActions ??= new Set(LOGIN_REWRITE.flatMap((w) => [...w.actions, ...("pair" in w ? [w.pair] : [])].map((a) => a.toLowerCase())))))) return;
  const reached = new Set<string>();
  for (const w of LOGIN_REWRITE) {
    const index = ctx.resourcesOf(w.types);
    const create = "create" in w && w.create;
    // Any anchor is trusted by a role outside the stack whose trust has no aws:SourceArn condition, the stack's own
    // anchor too, and a profile outside the stack may list such a role: a rewrite of any anchor fails closed.
    const always = w.kind === "trust-anchor";
    for (const action of w.actions) {
      for (const g of ctx.grants(p, action)) {
        for (const r of g.resources) {
          const key = `logins:${w.kind}:${r}`;
          if (reached.has(key) || !globsIntersect(r, w.arn, CI) || !(always || sourceOutside(index, g, r, create))) continue;
          // The user pool pair: a new identity provider signs no one in until an app client enables it.
          const pair = "pair" in w ? ctx.grants(p, w.pair).find((x) => x.resources.some((y) => globsIntersect(y, r, CI) && sourceOutside(index, x, y, false))) : undefined;
          if ("pair" in w && !pair) continue;
          reached.add(key);
          const text = loginRewriteText(w.kind, r);
          add(ctx.unknown(key, text.detail), "trust-rewrite", action, () => `${grantText(g)}${pair ? ` and ${grantText(pair)}` : ""} ${text.why}`, g.statement.source.address);
        }
      }
    }
  }
}

const CI = { caseInsensitive: true };

/** Every action of LOGIN_REWRITE (and the halves of its pairs), lower case. */
let loginActions: ReadonlySet<string> | undefined;

/**
 * Whether a grant's pattern may name a login source the stack does not make: a new one (`create`), one a data source
 * reads, or a pattern that may match one outside the stack.
 */
function sourceOutside(index: ResourceIndex, g: Grant, r: string, create: boolean): boolean {
  const named = index.referenced(g, r);
  if (named) return named.some((res) => res.mode === "data");
  return create || index.reachesOutside(r, g) || index.matching(r).some((res) => res.mode === "data");
}

/** What a login rewrite's unknown node stands for, and how the rewrite leads there. */
function loginRewriteText(kind: LoginRewriteKind, r: string): { detail: string; why: string } {
  switch (kind) {
    case "identity-pool":
      return {
        detail: `roles trusting identity pools matching ${r}, which may lie outside this stack`,
        why: `lets it rewrite identity pools matching ${r} (turn on unauthenticated identities and the basic flow, or add a login provider of its own), which roles outside this stack may trust: GetId and GetCredentialsForIdentity then hand it their credentials with no IAM right`,
      };
    case "user-pool":
      return {
        detail: `roles handed out by identity pools that accept user pools matching ${r}, which may lie outside this stack`,
        why: `lets it point an identity provider of user pools matching ${r} at an IdP of its own (or add one and enable it on an app client) and sign in as any user it names, which identity pools outside this stack may accept: they hand it their roles with no IAM right`,
      };
    case "trust-anchor":
      return {
        detail: `roles trusting Roles Anywhere through trust anchors matching ${r}, which may lie outside this stack`,
        why: `lets it put a CA of its own into trust anchors matching ${r} and sign a certificate for rolesanywhere:CreateSession, which asks for no IAM right; roles outside this stack may trust those anchors (or any anchor, with no aws:SourceArn condition), and profiles outside it may list them`,
      };
    case "user-pool-login":
      return {
        detail: `roles handed out by identity pools that accept user pools matching ${r}, which may lie outside this stack`,
        why: `lets it make itself a user of user pools matching ${r} (create one with a password it chooses, set a user's password or e-mail, turn on self sign-up, link an external account of its own to a user, or put a user it signed up as into a group) and sign in, which identity pools outside this stack may accept: GetId and GetCredentialsForIdentity hand it their roles with no IAM right`,
      };
    case "private-ca":
      return {
        detail: `roles trusting Roles Anywhere through trust anchors backed by private CAs matching ${r}, which may lie outside this stack`,
        why: `lets it have private CAs matching ${r} sign a certificate for a key of its own (or write a CA's resource policy to allow itself that), which trust anchors outside this stack backed by such a CA trust: rolesanywhere:CreateSession asks for no IAM right, and profiles outside this stack may list roles that trust those anchors (or any anchor, with no aws:SourceArn condition)`,
      };
    case "new-trust-anchor":
      return {
        detail: "roles trusting Roles Anywhere from any trust anchor, which may lie outside this stack",
        why: "lets it create a trust anchor with a CA of its own and sign a certificate for rolesanywhere:CreateSession, which asks for no IAM right; a role outside this stack whose trust admits Roles Anywhere with no aws:SourceArn condition takes sessions through any anchor, a new one too, and profiles outside it may list such roles",
      };
  }
}

function loginTrustsOf(ctx: EdgeContext): LoginTrusts {
  return (ctx.loginTrusts ??= loginTrusts(stackRoles(ctx)));
}

/** What the login paths (identity-pools.ts, roles-anywhere.ts) ask about the principal and the stack. */
export function loginContext(ctx: EdgeContext, p: PrincipalNode): IdentityContext & AnywhereContext {
  return {
    stack: ctx.stack,
    roles: stackRoles(ctx),
    principal: p,
    grants: (a: string) => ctx.grants(p, a),
    roleOf: (v: unknown) => roleOfValue(ctx, v),
    userPools: ctx.resourcesOf(USER_POOL_TYPES),
    anchors: ctx.resourcesOf(ANCHOR_TYPES),
    identityPools: ctx.resourcesOf(IDENTITY_POOL_TYPES),
    privateCas: ctx.resourcesOf(PCA_TYPES),
  };
}

/** The roles of the stack itself, which the login paths may hand out. */
function stackRoles(ctx: EdgeContext): readonly PrincipalNode[] {
  return (ctx.stackRoles ??= ctx.analysis.principals.filter((r) => r.kind === "role" && !r.external));
}

/** Whether a provider pattern (account-normalised) may name a provider of `kind` that the stack does not create. */
function providersReachOutside(ctx: EdgeContext, kind: string, pattern: string): boolean {
  const head = "arn:*:iam::*:";
  if (!pattern.startsWith(head) || /[*?]/.test(pattern.slice(head.length))) return true;
  const saml = kind === "saml-provider";
  // The ARN a reference to the provider resolves to (tokens.ts), so a grant written as one names a provider of the stack.
  return !(ctx.stack.byType.get(saml ? "aws_iam_saml_provider" : "aws_iam_openid_connect_provider") ?? []).some((res) =>
    globsIntersect(normaliseAccount(attributePattern(ctx.stack, res, "arn").pattern), pattern, { caseInsensitive: true }),
  );
}

/** How a trust statement admits anyone, for the report. */
function anyoneText(s: Statement): string {
  if (s.unknown !== undefined) return `it cannot be read: ${s.unknown}`;
  if (s.notPrincipals !== undefined) return "Allow with NotPrincipal, everyone but those it names";
  // A reference blastwall cannot resolve is read as `*`: say so, or the reviewer looks for a `*` the policy lacks.
  return s.approximatePrincipals === true ? "a principal known only at apply time, which may be anyone" : "Principal `*`";
}
