import type { Rule } from "../engine/rule";
import type { FindingDraft } from "../engine/findings";
import type { Statement } from "../engine/iam/types";
import { statementName, statementRef } from "../engine/describe";
import { globMatch, globsIntersect } from "../engine/iam/glob";
import type { TfResource, TfStack } from "../engine/terraform/types";
import { parseReference, referencedResource, soleInterpolation } from "../engine/terraform/tokens";
import type { Expr } from "../hcl/expr";
import type { FnCtx } from "../hcl/functions";
import { providerKeyOf } from "../engine/terraform/providers";
import { principalEvidence, ownAgentRoles } from "./support";
import { describe } from "./protection-support";
import { declaredOrganisation } from "../engine/organisation-issuers";
import type * as IdentityPools from "../engine/reach/identity-pools";
import { lazy } from "../engine/lazy";

// identity-pools.ts (1,000 lines) loads only for a provider the config lists in organisationIssuers.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const identityPools = lazy(() => require("../engine/reach/identity-pools") as typeof IdentityPools);

/** Condition keys that pin the caller to known accounts or principals: with one, `*` is no longer everyone. */
const PINNING_KEYS = new Set(["aws:principalaccount", "aws:principalorgid", "aws:principalarn", "aws:principalorgpaths", "aws:sourceaccount", "aws:sourceorgid"]);

/**
 * Whether the statement admits every AWS principal (`*`, `AWS: *`, or NotPrincipal) with nothing that pins the caller:
 * undefined when it does not, else why each condition on a pinning key pins nothing (empty: there is none).
 */
function admitsAnyone(stack: TfStack, s: Statement, role: TfResource): string[] | undefined {
  if (s.effect !== "Allow" || s.unknown !== undefined) return undefined;
  const everyone = s.notPrincipals !== undefined || (s.principals ?? []).some((p) => (p.type === "*" || p.type === "AWS") && p.identifiers.includes("*"));
  if (!everyone) return undefined;
  const why: string[] = [];
  for (const c of s.conditions) {
    const fault = callerFault(stack, c, role);
    if (fault === undefined) return undefined;
    if (fault !== "") why.push(`${c.operator} ${c.key} ${fault}`);
  }
  return why;
}

/**
 * Why a condition does not keep callers to your own accounts or organisation: "" when its key is no pinning key,
 * undefined when it pins. A pin is a positive operator that must hold (not IfExists, which holds without the key; not
 * ForAllValues, true without it; not a negation, true for every account but the ones named), with values that name one
 * account, organisation or ARN within a known account. Red-team round 77: `StringNotEquals aws:PrincipalAccount
 * 999999999999` and `StringLike aws:PrincipalArn *` counted as pins.
 */
function callerFault(stack: TfStack, c: Statement["conditions"][number], role: TfResource): string | undefined {
  const key = c.key.toLowerCase();
  if (!PINNING_KEYS.has(key)) return "";
  if (/^ForAllValues:/i.test(c.operator)) return "holds for a request without the key, so it never pins";
  if (/IfExists$/i.test(c.operator)) return "holds for a caller without the key";
  if (!/^(?:ForAnyValue:)?(?:StringEquals|StringEqualsIgnoreCase|StringLike|ArnEquals|ArnLike)$/i.test(c.operator)) return "does not name the callers that may";
  if (c.values.length === 0) return "lists no value";
  const faults = c.values.map((v, i) => pinningFault(stack, key, v, c.written?.[i], role)).filter((f): f is string => f !== undefined);
  return faults.length === 0 ? undefined : faults.join("; ");
}

const OWN_ACCOUNT = "000000000000";
/** Locals and calls `ownValue` follows: a chain of a few locals is common, a long one is no idiom worth the risk. */
const OWN_DEPTH = 4;

/**
 * Values Terraform gives that are one value known to be your own (red-team round 78): the deploying account, your
 * organisation, the partition. Each stands in for its value, so the value is read as if written out. `depth`: locals
 * and calls followed so far (a cycle of locals ends there).
 */
function ownValue(stack: TfStack, expr: string, role: TfResource, depth = 0): string | undefined {
  if (depth > OWN_DEPTH) return undefined;
  const ref = parseReference(expr);
  if (!ref) return ownCall(stack, expr, role, depth);
  if (ref.kind === "local") {
    // The HCL reader substitutes locals itself; a `locals` block of Terraform JSON (cdktf's TerraformLocal) keeps them.
    // A local that is one interpolation and nothing else is that value; text, a function or a conditional around it
    // may make it anything.
    if (ref.attribute !== undefined || ref.path.length > 0) return undefined;
    const v = stack.locals.get(ref.address.slice("local.".length));
    const one = typeof v === "string" ? soleInterpolation(v) : undefined;
    return one ? ownValue(stack, one.expr, role, depth + 1) : undefined;
  }
  if ((ref.kind !== "resource" && ref.kind !== "data") || ref.splat || ref.path.length > 0) return undefined;
  const r = stack.byAddress.get(ref.address);
  if (!r) return undefined;
  // Read through another aws provider it is that provider's account or organisation (a vendor's, a shared one), not
  // the role's (red-team round 79).
  if (providerKeyOf(r) !== providerKeyOf(role)) return undefined;
  const data = r.mode === "data";
  // The provider documents the caller identity's `id` as the account id too.
  if (data && r.type === "aws_caller_identity" && (ref.attribute === "account_id" || ref.attribute === "id")) return OWN_ACCOUNT;
  if (r.type === "aws_organizations_organization" && ref.attribute === "id") return "o-own";
  if (data && r.type === "aws_partition" && ref.attribute === "partition") return "aws";
  return undefined;
}

/**
 * `tostring(X)` and `format("...%s...", X)` of an own value X: what cdktf's Fn.tostring and Fn.format write into
 * Terraform JSON, where the HCL reader would have evaluated them. `format` is the HCL reader's own (its verbs, `%%`),
 * given the value X stands for; anything else about the call (more arguments, a template in the format, `...`) is
 * not read.
 */
function ownCall(stack: TfStack, expr: string, role: TfResource, depth: number): string | undefined {
  // Loaded only for such a value: most trusts never hold a call.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { parseExpression, traversalText } = require("../hcl/expr") as typeof import("../hcl/expr");
  const { callFunction, NOPE } = require("../hcl/functions") as typeof import("../hcl/functions");
  /* eslint-enable @typescript-eslint/no-require-imports */
  let e: Expr;
  try {
    e = parseExpression(expr);
  } catch {
    return undefined;
  }
  if (e.k !== "call" || e.expand) return undefined;
  const own = (x: Expr) => {
    const t = traversalText(x);
    return t === undefined ? undefined : ownValue(stack, t, role, depth + 1);
  };
  if (e.name === "tostring" && e.args.length === 1) return own(e.args[0]);
  if (e.name !== "format" || e.args.length !== 2) return undefined;
  const f = e.args[0];
  const text = f.k === "lit" ? f.v : f.k === "tmpl" && f.parts.every((p) => typeof p === "string") ? f.parts.join("") : undefined;
  const value = own(e.args[1]);
  if (typeof text !== "string" || value === undefined) return undefined;
  const out = callFunction("format", [text, value], { readFile: () => null, templateFile: (() => NOPE) as FnCtx["templateFile"] });
  return typeof out === "string" ? out : undefined;
}

/**
 * Why `value` does not pin the caller by `key`, or undefined when it does. `written`: the value before the Terraform
 * layer substituted its tokens, where it did (the deploying account's id becomes `*`, like every account of a stack).
 */
function pinningFault(stack: TfStack, key: string, value: string, written: string | undefined, role: TfResource): string | undefined {
  const fault = shapeFault(key, value);
  if (fault === undefined) return undefined;
  // An ARN whose account is the deploying account's: the rest as the engine read it (a role of the stack by its
  // name), the account as written (red-team round 79: the role name's reference left the whole value unread).
  if (key === "aws:principalarn" && written !== undefined) {
    const w = written.split(":");
    const v = value.split(":");
    const account = /^\$\{([^{}]*)\}$/.exec(w[4] ?? "")?.[1];
    if (w.length >= 6 && v.length >= 6 && account !== undefined && ownValue(stack, account, role) === OWN_ACCOUNT) {
      v[4] = OWN_ACCOUNT;
      if (shapeFault(key, v.join(":")) === undefined) return undefined;
    }
  }
  // `$${` is Terraform's escape (IAM receives a policy variable): left alone.
  const own = (written ?? value).replace(/(^|[^$])\$\{([^{}]*)\}/g, (all, before: string, expr: string) => {
    const v = ownValue(stack, expr, role);
    return v === undefined ? all : before + v;
  });
  const left = shapeFault(key, own);
  if (left === undefined) return undefined;
  return written === undefined ? `"${value}" ${left}` : `"${written}" (read as "${value}") ${fault}`;
}

/** Why a value, its own references read as what they stand for, does not pin the caller by `key`. */
function shapeFault(key: string, read: string): string | undefined {
  // Anywhere in the value, after a wildcard too: blastwall does not guess what a token turns into.
  let rest = read;
  let { hole, text, prefix } = firstHole(rest);
  while (hole === "wildcard") {
    rest = rest.slice(prefix.length + 1);
    ({ hole, text, prefix } = firstHole(rest));
  }
  if (hole === "after apply") return `${read === text ? "is" : `holds ${text}, which is`} not known until apply, so blastwall cannot tell whose callers it admits`;
  if (hole === "policy variable") return `holds the IAM policy variable ${text}, which IAM fills in from the request itself`;
  if (/^[*?]*$/.test(read)) return `matches every caller`;
  if (key === "aws:principalaccount" || key === "aws:sourceaccount") return /^\d{12}$/.test(read) ? undefined : `is not one account id`;
  if (key === "aws:principalorgid" || key === "aws:sourceorgid") return /[*?]/.test(read) ? `is a pattern: it matches other organisations` : undefined;
  // An ARN pins only with its account written out: `arn:aws:iam::*:role/x` is that role name in every account.
  if (key === "aws:principalarn") return /^arn:[^:*?]+:[^:*?]*:[^:*?]*:\d{12}:/.test(read) ? undefined : `does not write out one account`;
  // aws:PrincipalOrgPaths: the organisation's id comes first (`o-abc/r-xyz/ou-...`).
  return /^o-[a-z0-9]+\//.test(read) ? undefined : `does not start with one organisation's id`;
}

const WEB_IDENTITY = "sts:AssumeRoleWithWebIdentity";
const OIDC_PROVIDERS = "arn:*:iam::*:oidc-provider/*";
const CI = { caseInsensitive: true };

/**
 * AWS's own web identity providers, named without an ARN, and the claims that must be pinned (condition keys
 * `<name>:<claim>`, as the IAM documentation lists them). The app key says the token was issued to your app: without it,
 * a token any app obtained works. Google, Facebook and Amazon accounts are anyone's, so the user is pinned too; an
 * identity pool is your own, and its id (`aud`) is what keeps out the identities of every other pool.
 */
const WEB_IDENTITY_PROVIDERS: ReadonlyMap<string, readonly { claim: string; what: string }[]> = new Map([
  ["accounts.google.com", [{ claim: "aud", what: "the OAuth client the token was issued to" }, { claim: "sub", what: "the Google account" }]],
  ["cognito-identity.amazonaws.com", [{ claim: "aud", what: "the identity pool (without it, an identity of any pool, in any account)" }]],
  ["graph.facebook.com", [{ claim: "app_id", what: "the Facebook app" }, { claim: "id", what: "the Facebook user" }]],
  ["www.amazon.com", [{ claim: "app_id", what: "the Login with Amazon app" }, { claim: "user_id", what: "the Amazon user" }]],
]);

/** One Federated principal of a statement: which issuer's tokens it admits, and what the report calls it. */
interface Provider {
  /** The identifier after token resolution (`*` for a reference blastwall cannot resolve). */
  readonly id: string;
  /** The identifier as written, when it held a `${...}` token. */
  readonly written?: string;
  readonly shown: string;
  /** Lower-case prefix of its condition keys (`gitlab.com`); undefined when unknown, and then any key of the claim may be its own. */
  readonly host?: string;
  readonly builtin: boolean;
  readonly claims: readonly { claim: string; what: string }[];
}

const SUB = [{ claim: "sub", what: "the subject" }];
const OIDC_ARN = /^arn:[^:]*:iam::[^:]*:oidc-provider\/([^*?]+)$/i;

function providersOf(stack: TfStack, s: Statement): Provider[] {
  const out: Provider[] = [];
  for (const p of s.principals ?? []) {
    if (p.type !== "Federated") continue;
    p.identifiers.forEach((id, i) => {
      const written = p.written?.[i];
      const builtin = WEB_IDENTITY_PROVIDERS.get(id.toLowerCase());
      if (builtin) {
        out.push({ id, shown: id, host: id.toLowerCase(), builtin: true, claims: builtin });
        return;
      }
      // A provider blastwall cannot read (a variable, a remote state's output) may be a built-in one, and the statement's
      // keys say which: judged as that provider too, with its own claims (red-team round 79: a Google token pinned only
      // by sub passed when the provider came from a variable).
      if (id === "*") {
        for (const issuer of new Set(s.conditions.map((c) => issuerOf(c.key)))) {
          const claims = issuer === undefined ? undefined : WEB_IDENTITY_PROVIDERS.get(issuer);
          if (issuer !== undefined && claims) out.push({ id, shown: `${written ?? id} (${issuer}, as its condition keys name it)`, host: issuer, builtin: true, claims });
        }
      }
      if (!globsIntersect(id, OIDC_PROVIDERS, CI)) return;
      // IAM names the provider, and its condition keys, after the issuer URL without its scheme: a reference to a
      // provider resolves to that ARN (tokens.ts), its host left open when the url is not known before apply.
      const host = OIDC_ARN.exec(id)?.[1]?.toLowerCase();
      if (written === undefined) {
        out.push({ id, shown: id, ...(host !== undefined ? { host } : {}), builtin: false, claims: SUB });
        return;
      }
      out.push({ id, written, ...referencedProvider(stack, written, host), builtin: false, claims: SUB });
    });
  }
  return out;
}

/** A provider given by reference: the resource's address (the data source's too: either names one provider), and its host. */
function referencedProvider(stack: TfStack, written: string, host: string | undefined): { shown: string; host?: string } {
  const r = referencedResource(stack, written, ["aws_iam_openid_connect_provider"]);
  if (!r) return { shown: written, ...(host !== undefined ? { host } : {}) };
  if (host === undefined) return { shown: `${r.address} (its url is not known until apply)` };
  return { shown: `${r.address} (${host})`, host };
}

/** Whether `key` is the provider's own key of `claim` (IAM compares key names case-insensitively). */
function ownKey(f: Provider, claim: string, key: string): boolean {
  const k = key.toLowerCase();
  return f.host !== undefined ? k === `${f.host}:${claim}` : k.endsWith(`:${claim}`);
}

/** Issuer of a claim key (`gitlab.com` of `gitlab.com:sub`); undefined for the global and service keys (`aws:`, `sts:`). */
function issuerOf(key: string): string | undefined {
  const at = key.lastIndexOf(":");
  const host = at > 0 ? key.slice(0, at).toLowerCase() : "";
  return host.includes(".") ? host : undefined;
}

/** Operators that are false when the key is absent from the request (a ForAllValues or IfExists form is true then). */
const MUST_HOLD =
  /^(?:ForAnyValue:)?(?:String(?:Equals|EqualsIgnoreCase|Like)|Arn(?:Equals|Like)|Numeric(?:Equals|LessThan|LessThanEquals|GreaterThan|GreaterThanEquals)|Date(?:Equals|LessThan|LessThanEquals|GreaterThan|GreaterThanEquals)|Bool|BinaryEquals|IpAddress)$/i;
/**
 * Operators that pin a claim to the values listed. ForAnyValue holds only when the key is present with a listed value;
 * ForAllValues holds when the key is absent, so it never pins; an IfExists form holds without the key either.
 */
const PIN = /^(?:ForAnyValue:)?String(?:Equals|Like|EqualsIgnoreCase)$/i;

/**
 * A condition that must hold on another issuer's claim: the provider's tokens never carry that key, so the statement
 * admits none of them (nothing to report for it).
 */
function excluded(s: Statement, f: Provider): boolean {
  if (f.host === undefined) return false;
  return s.conditions.some((c) => MUST_HOLD.test(c.operator) && issuerOf(c.key) !== undefined && issuerOf(c.key) !== f.host);
}

/** IAM policy variable in `${...}`: a condition key, with an optional default (`${aws:username, 'x'}`). */
const IAM_VARIABLE = /^[\w.\/-]+:[\w.\/-]+(?:\s*,\s*'[^']*')?$/;

/**
 * Where a condition value stops being literal, and why: a wildcard, an IAM policy variable (IAM puts the request's
 * own value there: `${gitlab.com:sub}` matches every token), or a Terraform expression whose value is not known
 * until apply. `${*}`, `${?}` and `${$}` are IAM's escapes for the character.
 */
function firstHole(value: string): { prefix: string; hole?: "wildcard" | "policy variable" | "after apply"; text?: string } {
  let prefix = "";
  for (let i = 0; i < value.length; ) {
    const ch = value[i];
    if (ch === "*" || ch === "?") return { prefix, hole: "wildcard", text: ch };
    const t = /^(\$?)([$%])\{([^}]*)\}?/.exec(value.slice(i));
    if (t) {
      const inner = t[3].trim();
      if (t[2] === "$" && (inner === "*" || inner === "?" || inner === "$")) {
        prefix += inner;
        i += t[0].length;
        continue;
      }
      // `$${...}` is Terraform's escape: IAM receives `${...}`, a policy variable.
      const variable = t[2] === "$" && (t[1] === "$" || IAM_VARIABLE.test(inner));
      return { prefix, hole: variable ? "policy variable" : "after apply", text: t[0] };
    }
    prefix += ch;
    i++;
  }
  return { prefix };
}

/**
 * The tenant boundary of a subject: its kind and its owner, each closed by `:` or `/` (`project_path:acme/`,
 * `repo:acme/`, `organization:acme:`). A wildcard after it stays within one owner: `repo:acme/*` is every repository
 * of acme, an organisation its user controls (the constructs still refuse it, for least privilege). One in it or
 * before it crosses into other owners' subjects: `project_path:acme*` matches the group acmeevil, which anyone can
 * register, and `project_path:*:ref_type:branch:ref:main` every project's main.
 */
const OWNER_CLOSED = /^[^:\/]+[:\/][^:\/]+[:\/]/;

/**
 * Issuers that give tokens to anyone's projects, with the subject kinds that name an owner. On these the shape is not
 * enough (red-team round 77): GitHub lets every repository choose its subject's claims (`include_claim_keys`), so
 * `environment:production:*` matches a stranger's repository with an environment of that name; only a subject that
 * starts with its owner stays within it. Other issuers (a self-managed GitLab, GitHub Enterprise's own issuer path, an
 * EKS cluster, CircleCI's and Bitbucket's per-organisation issuers) are one organisation's already.
 */
const SHARED_ISSUERS: readonly { readonly host: RegExp; readonly owner: RegExp }[] = [
  { host: /^token\.actions\.githubusercontent\.com$/, owner: /^(?:repo:[^:/]+\/|repository_owner:[^:/]+:|repository_owner_id:[^:/]+:)/ },
  { host: /^gitlab\.com$/, owner: /^project_path:[^:/]+\// },
  { host: /^(?:app\.terraform\.io|agent\.buildkite\.com)$/, owner: /^organization:[^:/]+:/ },
];

/**
 * `host`: the provider's, else the issuer the condition's key names (red-team round 78: a provider given by a
 * variable, or whose url is known only at apply time, is still GitHub's when its key is
 * `token.actions.githubusercontent.com:sub`, and such a key holds only for that issuer's tokens).
 */
function ownerClosed(host: string | undefined, prefix: string): boolean {
  const shared = host === undefined ? undefined : SHARED_ISSUERS.find((i) => i.host.test(host));
  return shared ? shared.owner.test(prefix) : OWNER_CLOSED.test(prefix);
}

/** Why `value`, in a condition on `key`, fails to pin `claim` of `f`, or undefined when it pins it. */
function valueFault(f: Provider, claim: string, key: string, value: string): string | undefined {
  const { prefix, hole, text } = firstHole(value);
  if (hole === undefined) return undefined;
  // A token pins nothing wherever it sits, after the owner too: blastwall does not guess what it turns into.
  if (hole === "after apply") return `${value === text ? `"${value}"` : `"${value}" holds ${text}`}: its value is not known until apply, so blastwall cannot tell which tokens it admits`;
  if (hole === "policy variable") return `"${value}" holds the IAM policy variable ${text}, which IAM fills in from the request itself, not a value you chose`;
  // An app or user id is one value; only a CI subject has owners to stay within.
  if (f.builtin || claim !== "sub") return `"${value}" is a pattern: it matches ids of others`;
  if (ownerClosed(f.host ?? issuerOf(key), prefix)) return undefined;
  return `"${value}" puts a wildcard in or before the owner's name, where it matches other owners' subjects: groups and organisations anyone can register`;
}

const pinningValues = (f: Provider, claim: string, c: Statement["conditions"][number]) => c.values.length > 0 && c.values.every((v) => valueFault(f, claim, c.key, v) === undefined);

function actsOnWebIdentity(s: Statement): boolean {
  return s.actions ? s.actions.some((a) => globMatch(a, WEB_IDENTITY, CI)) : (s.notActions ?? []).every((a) => !globMatch(a, WEB_IDENTITY, CI));
}

/**
 * A Deny in the same trust that certainly refuses every other value of the claim: its one condition is a negated
 * string operator on the provider's own key (true when the value is not listed, and when the key is absent), with
 * values that would pin it in an Allow (so none holds a `${...}` token); it covers the web identity action and names the
 * provider (or `*`). A Deny with a further condition denies only when that holds too.
 */
function deniedOtherwise(trust: readonly Statement[], f: Provider, claim: string): boolean {
  return trust.some((d) => {
    if (d.effect !== "Deny" || d.unknown !== undefined || d.notPrincipals !== undefined || !actsOnWebIdentity(d)) return false;
    if (d.conditions.length !== 1) return false;
    const [c] = d.conditions;
    if (!/^String(?:NotEquals|NotLike|NotEqualsIgnoreCase)(?:IfExists)?$/i.test(c.operator) || !ownKey(f, claim, c.key)) return false;
    if (!pinningValues(f, claim, c)) return false;
    return (d.principals ?? []).some(
      (p) =>
        p.type === "*" ||
        (p.type === "Federated" &&
          p.identifiers.some((id, i) => {
            const w = p.written?.[i];
            if (w !== undefined || f.written !== undefined) return w === f.written;
            return globMatch(id, f.id, CI);
          })),
    );
  });
}

/** Why each claim the provider needs pinned is not, by the statement or a Deny of the trust; empty when all are. */
function faults(s: Statement, trust: readonly Statement[], f: Provider): { claim: string; what: string; why: string[] }[] {
  const out: { claim: string; what: string; why: string[] }[] = [];
  for (const { claim, what } of f.claims) {
    const own = s.conditions.filter((c) => ownKey(f, claim, c.key));
    if (own.some((c) => PIN.test(c.operator) && pinningValues(f, claim, c))) continue;
    if (deniedOtherwise(trust, f, claim)) continue;
    const why: string[] = [];
    for (const c of own) {
      const where = `${c.operator} ${c.key}`;
      if (/^ForAllValues:/i.test(c.operator)) why.push(`${where} holds for a token without the key, so it never pins`);
      else if (/IfExists$/i.test(c.operator)) why.push(`${where} holds for a token without the key`);
      else if (!PIN.test(c.operator)) why.push(`${where} does not name the value that may`);
      else if (c.values.length === 0) why.push(`${where} lists no value`);
      else for (const v of c.values) {
        const fault = valueFault(f, claim, c.key, v);
        if (fault) why.push(`${where} ${fault}`);
      }
    }
    for (const c of s.conditions) {
      if (!own.includes(c) && c.key.toLowerCase().endsWith(`:${claim}`) && issuerOf(c.key) !== undefined) why.push(`${c.operator} ${c.key} is another issuer's key, and holds for a token without it`);
    }
    if (why.length === 0) why.push(`no condition on ${f.host !== undefined ? `${f.host}:${claim}` : `its ${claim} key`}`);
    out.push({ claim, what, why });
  }
  return out;
}

/**
 * The web identity providers (`Federated`) a statement admits without pinning the claims that say whose token it is:
 * the `sub` of an OIDC provider (every token of the issuer may start a session, and for a public one, gitlab.com or
 * GitHub's, that is anyone's CI job), the app and user of AWS's built-in providers.
 */
function unpinnedProviders(stack: TfStack, s: Statement, trust: readonly Statement[]): { provider: Provider; faults: ReturnType<typeof faults> }[] {
  if (s.effect !== "Allow" || s.unknown !== undefined || !actsOnWebIdentity(s)) return [];
  const out: { provider: Provider; faults: ReturnType<typeof faults> }[] = [];
  for (const provider of providersOf(stack, s)) {
    if (excluded(s, provider) || organisationProvider(stack, provider)) continue;
    const found = faults(s, trust, provider);
    if (found.length > 0) out.push({ provider, faults: found });
  }
  return out;
}

/**
 * An OIDC provider whose issuer the config declares its organisation's own (`organisationIssuers`), as the authorizers
 * read it (identity-pools.ts `singleOrganisation`): every token of it is the organisation's, as every subject under
 * `repo:acme/` is, so no subject pin is asked. Never an issuer that gives tokens to anyone whatever its owner sets
 * (gitlab.com, GitHub's bare issuer, HCP Terraform, Buildkite...): a config cannot make those its own.
 */
function organisationProvider(stack: TfStack, f: Provider): boolean {
  return !f.builtin && f.host !== undefined && declaredOrganisation(stack, f.host) && identityPools().publicIssuer(f.host) === undefined;
}

/** For a provider the config lists in organisationIssuers though it gives tokens to anyone: why the listing does not count. */
function refusedListing(stack: TfStack, f: Provider): string {
  const why = f.builtin || f.host === undefined || !declaredOrganisation(stack, f.host) ? undefined : identityPools().publicIssuer(f.host);
  return why === undefined ? "" : ` The config's organisationIssuers lists ${f.host}, which does not count: ${why}, whatever its owner sets.`;
}

function unpinnedMessage(stack: TfStack, role: string, s: Statement, provider: Provider, found: ReturnType<typeof faults>): string {
  const why = found.flatMap((x) => x.why).join("; ");
  if (!provider.builtin) {
    const key = provider.host !== undefined ? `${provider.host}:sub` : "<issuer>:sub";
    return (
      `${role} is an AI agent role whose trust policy (${statementName(s)}) admits every token of the OIDC provider ${provider.shown}: no condition pins its sub claim to one subject (${why}), ` +
      "so every job or workload the issuer gives a token to may start a session (for gitlab.com or GitHub's issuer: any project or repository of anyone). " +
      `Add a condition on ${key} with the exact subject, as AgentPrincipal.gitlabCi and githubActions write it; a wildcard may only follow the owner's name and its / (project_path:group/..., repo:owner/...).` +
      refusedListing(stack, provider)
    );
  }
  const keys = found.map((x) => `${provider.host}:${x.claim} (${x.what})`).join(" and ");
  return (
    `${role} is an AI agent role whose trust policy (${statementName(s)}) admits tokens of the web identity provider ${provider.shown} without pinning ${keys}: ${why}. ` +
    "A token that anyone, or any app, obtains from the provider may start a session. " +
    `Add StringEquals ${found.map((x) => `${provider.host}:${x.claim}`).join(" and ")} with the exact values, or trust the agent's runner instead.`
  );
}

/**
 * An agent role any AWS account can assume: its rights, and the agent's audit trail, are then anyone's. A source
 * identity condition does not help, since the caller chooses its source identity.
 */
export const rule: Rule = {
  meta: {
    id: "agent-trust-open",
    title: "AI agent role assumable by any AWS principal, or by web identity tokens not pinned to your own subjects",
    why:
      "A trust policy that admits `*` lets a principal in any AWS account assume the agent role; the caller sets its own source " +
        "identity, so an `agent-*` condition is no barrier. An OIDC provider admitted without a condition that pins its `sub` claim " +
        "lets every token of the issuer in: for gitlab.com or GitHub's issuer, any project's CI job. Whatever the agent may do, " +
        "strangers may do.",
    details:
      "A pin is a StringEquals, StringLike or ForAnyValue condition on the provider's own `<host>:sub` key (ForAllValues and " +
        "IfExists hold for a token without the key), or a Deny of every other subject; a wildcard in or before the owner's name " +
        "(`project_path:acme*` matches the group acmeevil), an IAM policy variable (`${gitlab.com:sub}` is the token's own subject) or " +
        "a value not known until apply pins nothing. A wildcard after the owner's `/` (`repo:acme/*`) stays within one organisation " +
        "and passes, though any of its repositories may then run as the agent. AWS's built-in providers need their app pinned " +
        "(`accounts.google.com:aud`, `cognito-identity.amazonaws.com:aud`, `graph.facebook.com:app_id`, `www.amazon.com:app_id`) and, " +
        "for Google, Facebook and Amazon, whose accounts are anyone's, the user. An issuer the config lists in organisationIssuers is " +
        "the organisation's own, as the authorizers read it: its subjects need no pin (a public issuer, gitlab.com or GitHub's, never " +
        "counts as listed).",
    fix:
      "Name the principals that run the agent: the CI role, or the OIDC provider with a condition on its `sub` holding the exact subject, " +
      "as AgentPrincipal.gitlabCi and githubActions write it; for a built-in provider, StringEquals on its app and user keys. Or add a " +
      "condition on aws:PrincipalAccount / aws:PrincipalOrgID that pins the callers to your organisation.",
    severity: "error",
    category: "protection",
  },
  check({ analysis, stack }) {
    const out: FindingDraft[] = [];
    for (const agent of ownAgentRoles(analysis.agents)) {
      const trust = agent.trustPolicy?.statements ?? [];
      for (const s of trust) {
        for (const { provider, faults: found } of unpinnedProviders(stack, s, trust)) {
          out.push({
            principal: agent.address,
            resource: s.source.address,
            actions: [],
            message: unpinnedMessage(stack, describe(agent.resource), s, provider, found),
            evidence: [principalEvidence(agent), { step: "trust", address: s.source.address, detail: `${statementName(s)}: Federated ${provider.shown}, ${s.conditions.length ? s.conditions.map((c) => `${c.operator} ${c.key}`).join(", ") : "no conditions"}`, statements: [statementRef(s)] }],
            ...(agent.resource.constructPath ? { constructPath: agent.resource.constructPath } : {}),
          });
        }
        const why = admitsAnyone(stack, s, agent.resource);
        if (why === undefined) continue;
        const open = `${describe(agent.resource)} is an AI agent role whose trust policy (${statementName(s)}) admits any AWS principal, in any account`;
        out.push({
          principal: agent.address,
          resource: s.source.address,
          actions: [],
          message: why.length === 0 ? `${open}, with no condition that pins the caller.` : `${open}: its conditions on the caller pin none (${why.join("; ")}).`,
          evidence: [
            principalEvidence(agent),
            { step: "trust", address: s.source.address, detail: `${statementName(s)}: Principal * with ${why.length === 0 ? "no aws:PrincipalAccount / aws:PrincipalOrgID condition" : "no condition that pins the caller to your own accounts"}`, statements: [statementRef(s)] },
          ],
          ...(agent.resource.constructPath ? { constructPath: agent.resource.constructPath } : {}),
        });
      }
    }
    return out;
  },
};

