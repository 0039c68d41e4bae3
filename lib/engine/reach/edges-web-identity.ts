/**
 * Edges a web identity token opens: an agent entered through a web identity (a CI job's OIDC token, a pod's service
 * account token, a Google or Cognito token) is run by whoever holds that token, and the holder can present it to any
 * other role whose trust admits it (red-team round 76: a GitLab job's agent, confined to its entry role and agent
 * role, called AssumeRoleWithWebIdentity on an admin role trusting gitlab.com for the same project and branch).
 */
import type { PrincipalSpec, Statement } from "../iam/types";
import { ciIssuerOf } from "../ci-issuers";
import { providerKeyOf, sameProvider } from "../terraform/providers";
import type { TfStack } from "../terraform/types";
import type { PrincipalNode } from "../analysis-types";
import { globCovers, globMatch, globsIntersect, hasWildcard } from "../iam/glob";
import { mention, naming, statementName, type Named } from "../describe";
import { referencedResource, refTarget, resolveToPattern } from "../terraform/tokens";
import { trustMayNamePrincipals } from "../principals/collect";
import type { AddEdge } from "./edge";
import type { EdgeContext } from "./edge-context";
import { normaliseAccount } from "./trust-index";
import { assumeRoleEdges, loginContext } from "./edges-assume";
import type * as IdentityPools from "./identity-pools";
import type { HeldToken } from "./identity-pools";
import { lazy } from "../lazy";

// identity-pools.ts loads only for a stack with an identity pool.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const identityPools = lazy(() => require("./identity-pools") as typeof IdentityPools);

const ASSUME = "sts:assumerolewithwebidentity";
const CI = { caseInsensitive: true } as const;

/**
 * A trust statement that may admit a web identity token. `providers`: its Federated identifiers (OIDC provider ARNs
 * through `normaliseAccount`, built-in provider names, `*`), lower case; absent: any provider (a statement blastwall
 * cannot read, an Allow with NotPrincipal).
 */
export interface WebIdentityTrust {
  readonly role: PrincipalNode;
  readonly statement: Statement;
  readonly providers?: readonly string[];
}

/**
 * The claims that tell one holder's tokens from another's, by provider host: the subject, which the issuer writes
 * and the holder cannot choose. `aud` is no barrier for an OIDC issuer: a GitLab job names any audience in its
 * `id_tokens` (`aud: anything`) and a GitHub job passes any audience to its token request, so a condition on it is
 * met by a token asked for that audience (an EKS pod's projected token does fix it, but failing closed costs nothing
 * there: its subject still has to match). A Cognito identity's token carries its identity pool as `aud`, which the
 * holder cannot change. Login with Amazon's and Facebook's `app_id` are left out (fail closed): blastwall does not
 * know that a holder cannot get a token of another app for the same user.
 */
function barrierClaims(host: string): readonly string[] {
  switch (host) {
    case "cognito-identity.amazonaws.com":
      return ["sub", "aud"];
    case "www.amazon.com":
      return ["user_id"];
    case "graph.facebook.com":
      return ["id"];
    default:
      return ["sub"];
  }
}

/** How IAM names a provider of this host in a trust, as `providers` holds it. */
function providerIdOf(host: string): string {
  return BUILT_IN.has(host) ? host : `arn:*:iam::*:oidc-provider/${host}`;
}

/** Web identity providers IAM knows by name, with no provider resource (their keys are `accounts.google.com:sub`...). */
const BUILT_IN: ReadonlySet<string> = new Set(["accounts.google.com", "cognito-identity.amazonaws.com", "www.amazon.com", "graph.facebook.com"]);


/**
 * Whether a statement admits only sessions with a source identity: a positive string condition on
 * sts:SourceIdentity without IfExists is false when the request has none (ForAllValues, IfExists and negated ones
 * hold then).
 */
function requiresSourceIdentity(s: Statement): boolean {
  return s.conditions.some((c) => {
    const op = c.operator.toLowerCase().replace(/^foranyvalue:/, "");
    return c.key.toLowerCase() === "sts:sourceidentity" && POSITIVE.has(op);
  });
}

/** A string condition on one claim of the token, read. */
export interface ClaimTest {
  readonly host: string;
  readonly claim: string;
  readonly negated: boolean;
  /** StringEquals and its kin compare literally: their `*` and `?` are characters. */
  readonly literal: boolean;
  readonly ci: boolean;
  /** The values blastwall can read (see `readClaims`). */
  readonly values: readonly string[];
  /** The condition as written, for the report. */
  readonly text: string;
}

/** What a statement's conditions say about the tokens it admits. */
export interface Claims {
  readonly tests: readonly ClaimTest[];
  /**
   * Hosts a non-negated string condition without IfExists names a claim of: a token of any other provider lacks the
   * key, and such a condition on a missing key is false, so the statement admits tokens of these hosts only.
   */
  readonly hosts: readonly string[];
  /** Hosts of conditions on `aud`: reported, since a reader may take them for a barrier. */
  readonly audiences: readonly string[];
  /** Conditions on a barrier claim read as no test (ForAllValues, a value not known): the report says why none pins. */
  readonly loose: readonly { readonly host: string; readonly text: string }[];
}

const POSITIVE: ReadonlySet<string> = new Set(["stringequals", "stringequalsignorecase", "stringlike"]);
const NEGATED: ReadonlySet<string> = new Set(["stringnotequals", "stringnotequalsignorecase", "stringnotlike"]);
const LITERAL: ReadonlySet<string> = new Set(["stringequals", "stringequalsignorecase", "stringnotequals", "stringnotequalsignorecase"]);

const claimsCache = new WeakMap<Statement, Claims>();

/**
 * A statement's conditions on claims of a web identity token (`HOST:CLAIM`, HOST a provider's URL without https://,
 * which holds a dot, unlike `aws:` or `sts:` keys). A key known only at apply time, ForAllValues (true for a token
 * without the key), another operator, or a positive condition with a value blastwall cannot read (a `${var.x}`
 * without default, an IAM policy variable, which IAM fills from the request) may be met by any token: it is left out.
 * A negated condition keeps the values it can read, which it certainly excludes. The claims read are single-valued,
 * so ForAnyValue with a positive operator holds exactly when the plain operator does (red-team round 77, as
 * agent-trust-open reads a pin); with a negated one it is left out (false without the key, unlike the plain one).
 */
function readClaims(stack: TfStack, s: Statement): Claims {
  let out = claimsCache.get(s);
  if (out) return out;
  const tests: ClaimTest[] = [];
  const hosts = new Set<string>();
  const audiences = new Set<string>();
  const loose: { host: string; text: string }[] = [];
  for (const c of s.conditions) {
    const text = `${c.operator} ${c.key} ${c.values.length === 1 ? c.values[0] : `[${c.values.join(", ")}]`}`;
    let key = c.key;
    if (key.includes("${")) {
      const r = resolveToPattern(stack, key);
      if (!r.exact || hasWildcard(r.pattern)) continue;
      key = r.pattern;
    }
    key = key.toLowerCase();
    const i = key.lastIndexOf(":");
    const host = key.slice(0, i);
    if (i < 0 || !host.includes(".") || hasWildcard(key)) continue;
    const claim = key.slice(i + 1);
    if (claim === "aud") audiences.add(host);
    const barrier = barrierClaims(host).includes(claim);
    let op = c.operator.toLowerCase();
    const anyValue = op.startsWith("foranyvalue:");
    if (anyValue) op = op.slice("foranyvalue:".length);
    const ifExists = op.endsWith("ifexists");
    const base = ifExists ? op.slice(0, -"ifexists".length) : op;
    const negated = NEGATED.has(base);
    if (op.includes(":") || (!negated && !POSITIVE.has(base)) || (anyValue && negated)) {
      if (barrier) loose.push({ host, text });
      continue;
    }
    if (!negated && !ifExists) hosts.add(host);
    const known = c.values.filter((v) => !v.includes("${"));
    if (known.length === 0 || (!negated && known.length < c.values.length)) {
      if (barrier) loose.push({ host, text });
      continue;
    }
    tests.push({ host, claim, negated, literal: LITERAL.has(base), ci: base.endsWith("ignorecase"), values: known, text });
  }
  out = { tests, hosts: [...hosts], audiences: [...audiences], loose };
  claimsCache.set(s, out);
  return out;
}

/** Whether some string is both a value `v` stands for and one `w` stands for. */
function valuesMeet(v: string, vLiteral: boolean, w: string, wLiteral: boolean, ci: boolean): boolean {
  const vWild = !vLiteral && hasWildcard(v);
  const wWild = !wLiteral && hasWildcard(w);
  if (!vWild && !wWild) return ci ? v.toLowerCase() === w.toLowerCase() : v === w;
  if (!vWild) return globMatch(w, v, { caseInsensitive: ci });
  if (!wWild) return globMatch(v, w, { caseInsensitive: ci });
  return globsIntersect(v, w, { caseInsensitive: ci });
}

function testsMeet(a: ClaimTest, b: ClaimTest): boolean {
  const ci = a.ci || b.ci;
  return a.values.some((v) => b.values.some((w) => valuesMeet(v, a.literal, w, b.literal, ci)));
}

/** Whether the value `n` of `by` matches every string the value `v` of `t` stands for. May say no when unsure. */
function valueCovers(by: ClaimTest, n: string, t: ClaimTest, v: string): boolean {
  // A case-insensitive test admits every spelling of v; a case-sensitive one matches only some of them.
  if (t.ci && !by.ci) return false;
  const vWild = !t.literal && hasWildcard(v);
  const nWild = !by.literal && hasWildcard(n);
  if (!nWild) return !vWild && (by.ci ? n.toLowerCase() === v.toLowerCase() : n === v);
  return vWild ? globCovers(n, v, { caseInsensitive: by.ci }) : globMatch(n, v, { caseInsensitive: by.ci });
}

/** Whether the test `by` matches every value the positive test `t` admits. */
function testCovers(by: ClaimTest, t: ClaimTest): boolean {
  return t.values.every((v) => by.values.some((n) => valueCovers(by, n, t, v)));
}

/** Whether a provider list may name the provider of `host`. */
function mayName(providers: readonly string[] | undefined, host: string): boolean {
  if (!providers) return true;
  const id = providerIdOf(host);
  return providers.some((p) => p === "*" || globsIntersect(p, id, CI));
}

/** Whether a provider list may name a provider of none of the hosts asked about: one with a wildcard in it. */
function mayNameOther(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  if (!a || !b) return (a ?? b ?? ["*"]).some(hasWildcard);
  return a.some((p) => hasWildcard(p) && b.some((q) => hasWildcard(q) && globsIntersect(p, q, CI)));
}

/** The host of a literal provider identifier (an OIDC provider ARN, a built-in name); undefined for a pattern. */
function hostOf(id: string): string | undefined {
  if (hasWildcard(id.replace(/^arn:\*:iam::\*:/, ""))) return undefined;
  const m = /^arn:\*:iam::\*:oidc-provider\/(.+)$/.exec(id);
  return m ? m[1] : id.startsWith("arn:") ? undefined : id;
}

/**
 * A token an agent is entered with, as its trust admits it. Plain data: another stack of the run is told it with the
 * agent (`PeerAgent.webIdentity`), since there the agent's trust cannot be seen.
 */
export interface WebIdentityToken {
  /** The statement of the agent's trust that admits it, as the report names it (put into a text with `mention`). */
  readonly statement: Named;
  /** As `WebIdentityTrust.providers`: absent, any provider. */
  readonly providers?: readonly string[];
  readonly claims: Claims;
  /** Why blastwall cannot read that statement, when it cannot: the holder may hold a token of any subject. */
  readonly unread?: string;
  /** The role whose trust admits the token, when it is not the agent but one that starts the agent's sessions. */
  readonly via?: string;
}
type Token = WebIdentityToken;

/** Why a role admits the token at one host, for the report. */
interface Admission {
  readonly host: string | undefined;
  readonly own: readonly ClaimTest[];
  readonly theirs: readonly ClaimTest[];
}

/**
 * Whether some token the agent's trust admits is also admitted by the other role's Allow `r`, and by which provider.
 * The token is one provider's (host): tried for every host either statement names, and for a provider neither names
 * when both may admit one by a pattern. At a host, each side's non-negated tests on a barrier claim must meet each of
 * the other's (several tests on one claim are read pairwise: an over-estimate, which fails closed), and no negated
 * test of one side may exclude every value a non-negated test of the other admits.
 */
function admission(ctx: EdgeContext, t: Token, r: WebIdentityTrust, denies: readonly Statement[]): Admission | undefined {
  const theirs = readClaims(ctx.stack, r.statement);
  const hosts = new Set<string>([...t.claims.hosts, ...theirs.hosts]);
  for (const p of [...(t.providers ?? []), ...(r.providers ?? [])]) {
    const h = hostOf(p);
    if (h !== undefined) hosts.add(h);
  }
  const sourceIdentity = requiresSourceIdentity(r.statement);
  for (const host of hosts) {
    if (!mayName(t.providers, host) || !mayName(r.providers, host)) continue;
    if (sourceIdentity && ciIssuerOf(host)) continue;
    if (t.claims.hosts.some((h) => h !== host) || theirs.hosts.some((h) => h !== host)) continue;
    const own: ClaimTest[] = [];
    const other: ClaimTest[] = [];
    let admits = true;
    for (const claim of barrierClaims(host)) {
      const mine = t.claims.tests.filter((x) => x.host === host && x.claim === claim);
      const yours = theirs.tests.filter((x) => x.host === host && x.claim === claim);
      own.push(...mine);
      other.push(...yours);
      const pos = (l: readonly ClaimTest[]) => l.filter((x) => !x.negated);
      const neg = (l: readonly ClaimTest[]) => l.filter((x) => x.negated);
      if (!pos(mine).every((a) => pos(yours).every((b) => testsMeet(a, b)))) admits = false;
      else if (neg(yours).some((n) => pos(mine).some((a) => testCovers(n, a)))) admits = false;
      else if (neg(mine).some((n) => pos(yours).some((b) => testCovers(n, b)))) admits = false;
      if (!admits) break;
    }
    if (!admits || denies.some((d) => denyCertainlyApplies(ctx, d, host, t, r))) continue;
    return { host, own, theirs: other };
  }
  // A provider neither statement names (both by a pattern, and no claim key pins a host): no barrier claim can be
  // read for it, and a Deny is never certain.
  if (t.claims.hosts.length === 0 && theirs.hosts.length === 0 && mayNameOther(t.providers, r.providers)) return { host: undefined, own: [], theirs: [] };
  return undefined;
}

/**
 * Whether a Deny of the other role's trust certainly refuses every token of `host` the agent's trust admits: it
 * names AssumeRoleWithWebIdentity, every caller (`*`) or the very provider identifier the Allow names, and only
 * conditions on barrier claims that hold for all of them (a StringEquals listing the agent's subject, a
 * StringNotEquals listing none it may have), or negated ones on another provider's keys, which hold for a token
 * without them. Any other condition (`aud` too, which the holder chooses) may be false.
 */
function denyCertainlyApplies(ctx: EdgeContext, d: Statement, host: string, t: Token, r: WebIdentityTrust): boolean {
  if (d.unknown !== undefined || d.notPrincipals !== undefined) return false;
  if (d.resources !== undefined ? !d.resources.includes("*") : d.notResources !== undefined) return false;
  if (!(d.actions ? d.actions.some((a) => globMatch(a, ASSUME, CI)) : (d.notActions ?? []).every((a) => !globMatch(a, ASSUME, CI)))) return false;
  if (!(d.principals ?? []).some((p) => namesEveryone(p) || namesProvider(ctx.stack, p, host, r.statement, r.role))) return false;
  const claims = readClaims(ctx.stack, d);
  // Every condition must be one read as a barrier test at this host, and hold.
  if (d.conditions.length === 0) return true;
  if (claims.tests.length !== d.conditions.length) return false;
  const barriers = barrierClaims(host);
  return claims.tests.every((c) => {
    if (c.host !== host) return c.negated;
    if (!barriers.includes(c.claim)) return false;
    if (c.negated && d.conditions.some((x) => x.key.toLowerCase() === `${host}:${c.claim}` && x.values.some((v) => v.includes("${")))) return false;
    const admitted = t.claims.tests.filter((x) => x.host === host && x.claim === c.claim && !x.negated);
    return c.negated ? admitted.some((a) => !testsMeet(a, c)) : admitted.some((a) => testCovers(c, a));
  });
}

/** Whether a Deny's principal is `*` as written: a `*` a token was widened to (a variable without default) may be one provider. */
function namesEveryone(p: PrincipalSpec): boolean {
  return (p.type === "*" || p.type === "Federated") && p.identifiers.some((x, i) => x === "*" && !(p.written?.[i] ?? "").includes("${"));
}

/**
 * Whether a Deny's principal certainly names the provider through which the Allow `allow` of `role`'s trust admits
 * tokens of `host` (only a Federated principal covers a web identity; an `AWS` `*` names IAM principals). IAM holds one
 * provider per issuer in an account, and a trust admits only its own account's. So: a literal ARN the Allow names too
 * (a provider ARN of another account names another provider, which normalised ARNs no longer tell apart); the very
 * reference the Allow writes, where it is of this host or the Allow's only provider; or a provider of this stack with
 * this host, in the role's account (its ARN resolves with `*` for the account: red-team round 78, such a Deny was
 * ignored). Anything else (a variable, another stack's output, a function call) may name another provider.
 */
function namesProvider(stack: TfStack, p: PrincipalSpec, host: string, allow: Statement, role: PrincipalNode): boolean {
  if (p.type !== "Federated") return false;
  const id = providerIdOf(host);
  const named = (allow.principals ?? []).flatMap((a) => (a.type === "Federated" ? a.identifiers.map((x, i) => ({ x, w: a.written?.[i] })) : []));
  return p.identifiers.some((x, i) => {
    const w = p.written?.[i];
    if (w === undefined || !w.includes("${")) return named.some((a) => a.x === x) && !hasWildcard(x) && normalised(x) === id;
    if (refTarget(w) === undefined) return false;
    if (named.some((a) => a.w === w) && (normalised(x) === id || named.length === 1)) return true;
    if (!/^arn:[^:*?]+:iam::\*:oidc-provider\/[^*?]+$/i.test(x) || normalised(x) !== id) return false;
    const provider = referencedResource(stack, w, ["aws_iam_openid_connect_provider"]);
    return provider !== undefined && sameProvider(providerKeyOf(provider), providerKeyOf(role.resource));
  });
}

function normalised(id: string): string {
  return id === "*" ? id : id.startsWith("arn:") ? normaliseAccount(id) : id.toLowerCase();
}

/** Whether a statement names AssumeRoleWithWebIdentity (by Action, or by leaving it out of NotAction). */
function namesAssume(s: Statement): boolean {
  return s.actions ? s.actions.some((a) => globMatch(a, ASSUME, CI)) : (s.notActions ?? []).every((a) => !globMatch(a, ASSUME, CI));
}

/** Federated identifiers of a statement that may be web identity providers (not SAML ones), as `providers` holds them. */
function webProviders(s: Statement): string[] {
  const out: string[] = [];
  for (const ps of s.principals ?? []) {
    if (ps.type !== "Federated" && ps.type !== "*") continue;
    for (const raw of ps.identifiers) {
      const id = normalised(raw);
      if (id.startsWith("arn:") ? globsIntersect(id, "arn:*:iam::*:oidc-provider/*", CI) : true) out.push(id);
    }
  }
  return out;
}

/** The stack's trust statements that may admit a web identity, indexed once per graph. */
function webIdentityTrusts(ctx: EdgeContext): readonly WebIdentityTrust[] {
  if (ctx.webIdentityTrusts) return ctx.webIdentityTrusts;
  const out: WebIdentityTrust[] = [];
  for (const role of ctx.analysis.principals) {
    // A trust of services alone admits no token; its text shows it, and most trusts of a large stack are such.
    if (role.kind !== "role" || role.external || !trustMayNamePrincipals(role.resource.values["assume_role_policy"])) continue;
    for (const s of role.trustPolicy?.statements ?? []) {
      if (s.unknown !== undefined || (s.effect === "Allow" && s.notPrincipals !== undefined && namesAssume(s))) {
        out.push({ role, statement: s });
        continue;
      }
      if (s.effect !== "Allow" || !namesAssume(s)) continue;
      const providers = webProviders(s);
      if (providers.length > 0) out.push({ role, statement: s, providers });
    }
  }
  return (ctx.webIdentityTrusts = out);
}

/**
 * The tokens an agent is entered with: its trust's Allows of AssumeRoleWithWebIdentity naming a provider (or `*`).
 * Only an agent's: a role reached by sts:AssumeRole is entered with no token, and its trust says nothing of what the
 * agent holds. A statement blastwall cannot read (an entry role's trust whose claim keys are built by `replace()`),
 * or an Allow with NotPrincipal, may admit any token: its holder may hold one of any provider and subject. A Deny of
 * the same trust that certainly refuses every other subject pins the token as an Allow's condition would.
 */
export function webIdentityTokens(stack: TfStack, p: PrincipalNode): WebIdentityToken[] {
  const out: WebIdentityToken[] = [];
  const statements = p.trustPolicy?.statements ?? [];
  for (const s of statements) {
    if (s.unknown !== undefined || (s.effect === "Allow" && s.notPrincipals !== undefined && namesAssume(s))) {
      out.push({ statement: naming(() => statementName(s)), claims: readClaims(stack, s), ...(s.unknown !== undefined ? { unread: s.unknown } : {}) });
      continue;
    }
    if (s.effect !== "Allow" || !namesAssume(s)) continue;
    const providers = webProviders(s);
    if (providers.length === 0) continue;
    const claims = readClaims(stack, s);
    const denied = statements.flatMap((d) => ownDeny(stack, p, d, s));
    out.push({
      statement: naming(() => statementName(s)),
      providers,
      claims: denied.length === 0 ? claims : { ...claims, tests: [...claims.tests, ...denied.map((x) => x.test)], hosts: [...new Set([...claims.hosts, ...denied.flatMap((x) => x.host ?? [])])] },
    });
  }
  return out;
}

/**
 * What a Deny of an agent's own trust certainly refuses of the tokens its Allow `s` admits, as a test the tokens
 * left pass: agent-trust-open takes such a Deny for a pin. Only one of a single condition on a barrier claim whose
 * values are all known, naming AssumeRoleWithWebIdentity and `*` or a provider as the Allow writes it (any other
 * Deny may not apply, and leaving it out fails closed). A negated condition also holds for a token without the key:
 * with `*` as principal, it refuses every other provider's token.
 */
function ownDeny(stack: TfStack, p: PrincipalNode, d: Statement, s: Statement): { test: ClaimTest; host?: string }[] {
  if (d.effect !== "Deny" || d.unknown !== undefined || d.notPrincipals !== undefined || d.conditions.length !== 1) return [];
  if (d.resources !== undefined ? !d.resources.includes("*") : d.notResources !== undefined) return [];
  if (!namesAssume(d)) return [];
  const [test] = readClaims(stack, d).tests;
  if (!test || !barrierClaims(test.host).includes(test.claim) || d.conditions[0].values.some((v) => v.includes("${"))) return [];
  const everyone = (d.principals ?? []).some(namesEveryone);
  const same = (d.principals ?? []).some((x) => namesProvider(stack, x, test.host, s, p));
  if (!everyone && !same) return [];
  const kept = `the ${test.claim} its Deny (${test.text}) leaves`;
  return [{ test: { ...test, negated: !test.negated, text: kept }, ...(everyone && test.negated ? { host: test.host } : {}) }];
}

function testsText(tests: readonly ClaimTest[]): string {
  return tests.map((x) => x.text).join(" and ");
}

/**
 * From an agent entered with a web identity token to every role of the stack whose trust admits a token its holder
 * has: AssumeRoleWithWebIdentity asks for no AWS permission, so neither the agent's boundary nor its policies stand
 * in the way, and the job (or pod) can ask its issuer for another token at any time. Roles outside the stack that
 * trust the same issuer are not counted: every CI agent would otherwise reach an unknown node. Those of the other
 * stacks checked in the same run are: a token works with any account's provider of its issuer, so an agent of
 * another stack that the run passes in (collect.ts names it here) starts these edges too (red-team round 77).
 */
export function webIdentityEdges(ctx: EdgeContext, p: PrincipalNode, add: AddEdge): void {
  if (!p.isAgent || p.kind !== "role" || (p.external && p.peer === undefined)) return;
  const tokens = agentTokens(ctx, p);
  if (tokens.length === 0) return;
  const reached = new Set<PrincipalNode>();
  const deniesOf = new Map<PrincipalNode, Statement[]>();
  for (const r of webIdentityTrusts(ctx)) {
    if (r.role === p || reached.has(r.role)) continue;
    let denies = deniesOf.get(r.role);
    if (!denies) deniesOf.set(r.role, (denies = (r.role.trustPolicy?.statements ?? []).filter((s) => s.effect === "Deny")));
    for (const t of tokens) {
      const a = admission(ctx, t, r, denies);
      if (!a) continue;
      reached.add(r.role);
      add(r.role.address, "web-identity", "sts:AssumeRoleWithWebIdentity", () => webIdentityWhy(ctx, p, t, r, a));
      break;
    }
  }
  // A peer agent's token works with this stack's pools as with its roles (red-team round 81: a pool in another stack
  // than the agent was never reached).
  if (!(ctx.stack.byType.get("aws_cognito_identity_pool") ?? []).some((x) => x.mode !== "data")) return;
  const login = loginContext(ctx, p);
  const done = new Set([...reached].map((r) => r.address));
  for (const t of tokens) {
    for (const e of identityPools().heldTokenPoolRoles(login, heldToken(t))) {
      if (done.has(e.to)) continue;
      done.add(e.to);
      add(e.to, "web-identity", "cognito-identity:GetCredentialsForIdentity", () => `${tokenText(p, t)} can present it to GetId and GetCredentialsForIdentity, which need no AWS credential: ${e.why()}. Map that issuer's logins to no role its subject may match`);
    }
  }
}

function tokenText(p: PrincipalNode, t: Token): string {
  const agent = p.peer?.is ?? p.address;
  const mine = t.claims.tests.filter((x) => !x.negated);
  const sub = mine.length > 0 ? ` with ${testsText(mine)}` : t.unread !== undefined ? ` of any subject (the statement cannot be read: ${t.unread})` : " of any subject";
  return t.via !== undefined ? `the holder of the token${sub} that ${t.via} trusts (${mention(t.statement)}), which may assume ${agent},` : `the holder of the token${sub} that ${agent} trusts (${mention(t.statement)})`;
}

/** The token as the pool paths ask about it (identity-pools.ts). */
function heldToken(t: Token): HeldToken {
  return {
    mayBeOf: (issuer) => mayName(t.providers, issuer) && t.claims.hosts.every((h) => h === issuer),
    subMayMatch: (issuer, type, value) => {
      const mine = t.claims.tests.filter((x) => x.host === issuer && x.claim === "sub");
      const pos = mine.filter((x) => !x.negated);
      // Cognito compares case-sensitively; a case-insensitive test of the trust admits other spellings.
      if (type === "NotEqual") return !pos.some((a) => !a.ci && a.values.every((v) => (a.literal || !hasWildcard(v)) && v === value));
      // A `*` or `?` in a StartsWith or Contains value reads as a wildcard here: a wider rule, which fails closed.
      const values = type === "Equals" ? [value] : type === "StartsWith" ? [`${value}*`] : type === "Contains" ? [`*${value}*`] : ["*"];
      const rule: ClaimTest = { host: issuer, claim: "sub", negated: false, literal: type === "Equals", ci: false, values, text: `sub ${type} ${value}` };
      return pos.every((a) => testsMeet(a, rule)) && !mine.some((n) => n.negated && testCovers(n, rule));
    },
  };
}

/**
 * An agent's tokens: as its own trust admits them, or for another stack's agent, as that stack read them (a node whose
 * name is known only at apply time may be several agents: each one's count).
 */
export function agentTokens(ctx: EdgeContext, p: PrincipalNode): readonly WebIdentityToken[] {
  if (!p.external) return [...webIdentityTokens(ctx.stack, p), ...startersTokens(ctx, p), ...peerRunnersTokens(ctx.stack, p)];
  return (ctx.stack.peerAgents ?? []).filter((a) => a.actsFor === undefined && a.webIdentity !== undefined && a.kind === p.kind && globsIntersect(a.arnPattern, p.arnPattern, CI)).flatMap((a) => a.webIdentity!);
}

/**
 * The tokens of the agent's runners in the other stacks of the run (red-team round 83: a runner in a platform stack,
 * named by the agent's trust in the app stack, lent the agent no token): that stack read them (peer-stacks.ts).
 */
function peerRunnersTokens(stack: TfStack, p: PrincipalNode): WebIdentityToken[] {
  const runners = stack.peerRunners ?? [];
  if (runners.length === 0) return [];
  const key = `${p.address} of stack ${stack.name ?? stack.file}`;
  return runners.filter((r) => r.runs === key).flatMap((r) => r.webIdentity ?? []);
}

/** The role ARNs an agent's trust names, written out with no wildcard (account, path and name): its runners, in whatever stack. */
export function namedRoleArns(p: PrincipalNode): string[] {
  const out = new Set<string>();
  for (const s of p.trustPolicy?.statements ?? []) {
    if (s.effect !== "Allow" || s.unknown !== undefined) continue;
    for (const ps of s.principals ?? []) {
      if (ps.type !== "AWS" && ps.type !== "*") continue;
      for (const x of ps.identifiers) if (/^arn:[^:*?]+:iam::\d{12}:role\/[^*?]+$/.test(x)) out.add(x);
    }
  }
  return [...out];
}

const assumeTargets = new WeakMap<EdgeContext, Map<PrincipalNode, ReadonlySet<string>>>();

/**
 * The tokens of the roles that start the agent's sessions: a role of the stack whose own trust admits a web identity
 * and that may assume the agent (its trust admits the role, and the role may call sts:AssumeRole on it, as the
 * assume-role edges read it) is run by whoever holds its token, and that holder runs the agent (red-team round 80: a
 * runner role taking the job's token, then assuming the agent). One hop up only: a role that starts the runner's
 * sessions is the runner's agent-like holder, and no CI layout puts two roles between the token and the agent.
 */
function startersTokens(ctx: EdgeContext, p: PrincipalNode): WebIdentityToken[] {
  let targets = assumeTargets.get(ctx);
  if (!targets) assumeTargets.set(ctx, (targets = new Map()));
  const out: WebIdentityToken[] = [];
  const seen = new Set<PrincipalNode>();
  for (const { role } of webIdentityTrusts(ctx)) {
    // A starter that is an agent itself (an AgentRole's entry role) has these edges of its own, and its findings show
    // the same reach: counting them for the agent too would report every such path twice.
    if (role === p || role.isAgent || seen.has(role)) continue;
    seen.add(role);
    // Being able to become the agent does not put the agent in the runner's job: only a role the agent's trust names
    // for itself is one that starts its sessions (red-team round 81: a release role allowed sts:AssumeRole on
    // role/agents/*, trusted through the account root, was taken for the agent's runner).
    if (!trustNamesRole(ctx.stack, p, role) || deniesAssume(role, p)) continue;
    let to = targets.get(role);
    if (!to) {
      const set = new Set<string>();
      assumeRoleEdges(ctx, role, (x) => set.add(x));
      targets.set(role, (to = set));
    }
    if (to.has(p.address)) out.push(...webIdentityTokens(ctx.stack, role).map((t) => ({ ...t, via: role.address })));
  }
  return out;
}

/**
 * Whether the agent's trust admits `role` by name (red-team rounds 81 and 82): an identifier or a positive
 * `aws:PrincipalArn` condition on an account root or `*` that names it (`namesRole`). An account root, `*` or a
 * pattern alone admits it too, but says nothing of who runs the agent.
 */
export function trustNamesRole(stack: TfStack, p: PrincipalNode, role: PrincipalNode): boolean {
  return (p.trustPolicy?.statements ?? []).some(
    (s) =>
      s.effect === "Allow" &&
      s.unknown === undefined &&
      (s.principals ?? []).some(
        (ps) =>
          (ps.type === "AWS" || ps.type === "*") &&
          ps.identifiers.some((x, i) => namesRole(stack, x, ps.written?.[i], role) || (admitsAccountOf(x, role) && principalArnNames(stack, s, role))),
      ),
  );
}

/**
 * Whether a value names `role`: a reference to the role's own resource, whatever its ARN resolves to (a `name_prefix`
 * or no name leaves a wildcard); a reference to an `aws_iam_role` data source whose literal name is the role's; the
 * role's ARN written out with no wildcard in its path and name (which resolves to it with `*` for an account the stack
 * does not pin); or the ARN of a session of the role (`assumed-role/NAME/SESSION`).
 */
function namesRole(stack: TfStack, x: string, written: string | undefined, role: PrincipalNode): boolean {
  if (written !== undefined && written.includes("${")) {
    const res = referencedResource(stack, written, ["aws_iam_role"]);
    if (res === role.resource) return true;
    if (res?.mode === "data" && role.resource.mode === "managed") {
      const a = res.values["name"];
      const b = role.resource.values["name"];
      if (typeof a === "string" && typeof b === "string" && !a.includes("${") && !b.includes("${") && a.toLowerCase() === b.toLowerCase()) return true;
    }
  }
  const m = /^arn:[^:*?]+:iam::[^:]*:(role\/.+)$/.exec(x);
  if (m !== null) return (!hasWildcard(m[1]) || namesPermissionSet(m[1], role)) && globsIntersect(role.arnPattern, x, CI);
  const session = /^arn:([^:*?]+):sts::([^:]*):assumed-role\/([^/]+)\/.+$/.exec(x);
  if (session !== null && !hasWildcard(session[3])) {
    const [, partition, account, name] = session;
    return [`arn:${partition}:iam::${account}:role/${name}`, `arn:${partition}:iam::${account}:role/*/${name}`].some((a) => globsIntersect(role.arnPattern, a, CI));
  }
  return false;
}

/**
 * Whether a role path and name written with wildcards names the roles of the permission set `role`: Identity Center
 * appends a suffix of 16 characters AWS chooses, so a trust spells it as wildcards
 * (`AWSReservedSSO_<name>_????????????????`, as AgentPrincipal.identityCenterPermissionSet writes it) and the set's
 * name in full is what names it. A wildcard in the name (`AWSReservedSSO_*`) names no one set.
 */
export function namesPermissionSet(rolePart: string, role: PrincipalNode): boolean {
  if (role.kind !== "permission-set" || hasWildcard(role.name)) return false;
  const name = reservedRoleSetName(rolePart);
  return name !== undefined && name.toLowerCase() === role.name.toLowerCase();
}

/** The permission set name a role name `AWSReservedSSO_<name>_<suffix>` spells (suffix hex or wildcards), if it spells one. */
export function reservedRoleSetName(rolePart: string): string | undefined {
  const m = /(?:^|\/)AWSReservedSSO_([^/]+)_[0-9a-f?*]+$/i.exec(rolePart);
  return m === null || hasWildcard(m[1]) ? undefined : m[1];
}

/** Whether an identifier is `*` or an account (its root or its id) that `role` may be of. */
function admitsAccountOf(x: string, role: PrincipalNode): boolean {
  if (x === "*") return true;
  const m = /^arn:[^:]+:iam::([^:]*):root$/.exec(x) ?? /^(\d{12}|\*)$/.exec(x);
  return m !== null && globsIntersect(role.arnPattern, `arn:*:iam::${m[1]}:role/*`, CI);
}

/** Whether a statement has a positive ARN or string condition on `aws:PrincipalArn` some value of which names `role`. */
function principalArnNames(stack: TfStack, s: Statement, role: PrincipalNode): boolean {
  return s.conditions.some((c) => {
    const op = c.operator.toLowerCase().replace(/^foranyvalue:/, "").replace(/ifexists$/, "");
    if (c.key.toLowerCase() !== "aws:principalarn" || !PRINCIPAL_ARN_OPS.has(op)) return false;
    return c.values.some((v, i) => namesRole(stack, v, c.written?.[i], role));
  });
}

const PRINCIPAL_ARN_OPS: ReadonlySet<string> = new Set(["arnequals", "arnlike", "stringequals", "stringlike", "stringequalsignorecase"]);

/**
 * Whether an identity policy of `role` refuses sts:AssumeRole on the agent whatever the request: a Deny with no
 * condition whose Resource covers the agent, or whose NotResource cannot match it (red-team round 82).
 */
function deniesAssume(role: PrincipalNode, p: PrincipalNode): boolean {
  return role.identityPolicies.some((a) =>
    a.document.statements.some(
      (d) =>
        d.effect === "Deny" &&
        d.unknown === undefined &&
        d.conditions.length === 0 &&
        (d.actions ? d.actions.some((x) => globMatch(x, "sts:assumerole", CI)) : (d.notActions ?? []).every((x) => !globMatch(x, "sts:assumerole", CI))) &&
        (d.notResources !== undefined ? !d.notResources.some((r) => globsIntersect(r, p.arnPattern, CI)) : (d.resources ?? []).some((r) => globCovers(r, p.arnPattern, CI))),
    ),
  );
}

function webIdentityWhy(ctx: EdgeContext, p: PrincipalNode, t: Token, r: WebIdentityTrust, a: Admission): string {
  const provider = a.host ?? "an identity provider blastwall cannot pin down";
  const claim = a.host ? barrierClaims(a.host).join(" and ") : "sub";
  const mine = a.own.filter((x) => !x.negated);
  const loose = t.claims.loose.filter((x) => a.host === undefined || x.host === a.host).map((x) => x.text);
  const none = loose.length > 0 ? `its trust pins none: ${loose.join(" and ")} may hold for any token` : "its trust pins none";
  const sub = mine.length > 0 ? `with ${testsText(mine)}` : t.unread !== undefined ? `with any ${claim} (the statement cannot be read: ${t.unread})` : `with any ${claim} (${none})`;
  const agent = p.peer?.is ?? p.address;
  const theirs = r.statement.unknown !== undefined ? `cannot be read (${r.statement.unknown}), so it may admit any token` : r.statement.notPrincipals !== undefined ? "admits every caller but those its NotPrincipal names" : `admits ${provider}`;
  const how = a.theirs.length > 0 ? `, and its condition ${testsText(a.theirs)} does not exclude that token` : r.statement.unknown === undefined && r.statement.notPrincipals === undefined ? ` with no condition on ${claim}` : "";
  const holder = a.host !== undefined && /^oidc\.eks\./.test(a.host) ? "the pod" : "the job";
  const aud = a.host !== "cognito-identity.amazonaws.com" && readClaims(ctx.stack, r.statement).audiences.length > 0 ? ` (its aud condition is no barrier: ${holder} names the audience its token is issued for)` : "";
  return (
    `${holder} that holds the token of ${provider} ${sub} (${t.via !== undefined ? `which ${t.via} trusts, ${mention(t.statement)}, and ${t.via} may assume ${agent}, whose trust admits it` : `which ${agent} trusts, ${mention(t.statement)}`}) can call AssumeRoleWithWebIdentity on ${r.role.address} directly, ` +
    `whose trust ${theirs} (${statementName(r.statement)})${how}${aud}; no AWS permission is needed, so no boundary or policy of ${agent} stands in the way. ` +
    `Pin the trust of ${r.role.address} to a ${claim} no agent's token has, or remove that statement`
  );
}
