/**
 * Secrets other than a user's key written into a resource's configuration where no modelled read returns them
 * (red-team round 105): a database's master password (connect and drop the data) and the private key of a CA a
 * Roles Anywhere trust anchor of the stack trusts (sign a client certificate, take the roles its profiles serve).
 *
 * `writtenCredentials` already knows where configuration hides a value (locals, variables, stores read back,
 * pass-through resources, a plan's configured references) and which arguments a modelled store read returns (those
 * stay the reach graph's, judged by who can read the store). Its walk (`writtenWalk`) is run on the stack as it is,
 * with a matcher of these secrets: the references each is written as, and its value where a plan writes it out.
 */
import type { TfResource, TfStack } from "../terraform/types";
import { stringsIn } from "../json";
import { REMOTE_STATE, followArguments, followValueNames, remoteFound, writtenWalk, type WrittenMatcher } from "./credentials";
import { addressesOf, referencePattern } from "./credential-references";
import type * as DatabasePasswords from "./database-passwords";
import { lazy } from "../lazy";
import { PASSWORD_TYPES, passwordArguments } from "./password-arguments";
import type { PrincipalNode, StackAnalysis } from "../analysis-types";
import { principalAdmits } from "../iam/trust";
import { trustMayAdmitService } from "../principals/collect";
import { referencedResource, refTarget } from "../terraform/tokens";
import { PrincipalIndex } from "./principal-index";
import { roleOfValue } from "./role-of";

/**
 * A secret of the stack, by what it opens. `stack`: another stack of the run, whose secret a cdktf cross-stack
 * reference hands over (red-team round 106, A3); its database, key and anchors are named as in that stack.
 */
export type Secret =
  | { readonly kind: "database-password"; readonly database: string; readonly stack?: string }
  | { readonly kind: "ca-key"; readonly key: string; readonly anchors: readonly string[]; readonly stack?: string };

/** A secret written into a resource's configuration, where blastwall does not model who reads it. */
export interface WrittenSecret {
  readonly resource: TfResource;
  /** The top-level argument or block that holds it (`tags`, `dashboard_body`). */
  readonly attribute: string;
  readonly secret: Secret;
}

/** What a secret is written as: references to it, and its value where the stack shows it. */
interface Known {
  readonly secret: Secret;
  readonly refs: readonly string[];
  readonly literal?: string;
}

/**
 * Arguments AWS takes a private key in and never shows back (an imported certificate's key): holding the CA key
 * there is how it is meant to be given, not a copy anyone may describe.
 */
const KEY_IMPORTS: Readonly<Record<string, readonly string[]>> = {
  aws_acm_certificate: ["private_key"],
  aws_iam_server_certificate: ["private_key"],
};

// Loaded only for a stack with a database that takes a password, or a trust anchor.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const databasePasswords = lazy(() => require("./database-passwords") as typeof DatabasePasswords);

const cache = new WeakMap<TfStack, readonly WrittenSecret[]>();

export function writtenSecrets(stack: TfStack): readonly WrittenSecret[] {
  let hit = cache.get(stack);
  if (hit) return hit;
  const known = knownOf(stack);
  // A stack that reads another's outputs may be handed that stack's secrets.
  hit = known.length === 0 && !stack.remoteOutputs ? [] : find(stack);
  cache.set(stack, hit);
  return hit;
}

const knownCache = new WeakMap<TfStack, readonly Known[]>();

/** The stack's own secrets: its databases' passwords and the keys of the CAs its trust anchors trust. */
function knownOf(stack: TfStack): readonly Known[] {
  let hit = knownCache.get(stack);
  if (!hit) {
    const any = (types: Iterable<string>) => [...types].some((t) => stack.byType.get(t)?.some((r) => r.mode === "managed"));
    knownCache.set(stack, (hit = [...(any(PASSWORD_TYPES) ? passwordsOf(stack) : []), ...caKeysOf(stack)]));
  }
  return hit;
}

/**
 * The secrets of other stacks of the run an interpolation reads through `data.terraform_remote_state` (red-team round
 * 106, A3: a database password handed over by a cdktf cross-stack reference passed both gates): the output's
 * expression there, matched as that stack's own configuration would be, and named as that stack's.
 */
function remoteSecrets(stack: TfStack, str: string): Secret[] {
  const out: Secret[] = [];
  for (const { stack: label, found, str: s } of remoteFound(stack, str, matcherOf)) {
    if ("literal" in found && !databasePasswords().holdsLiteral(s, found.literal)) continue;
    const secret = "literal" in found ? found.secret : found;
    // One a third stack passed on is named there already.
    out.push(secret.stack !== undefined ? secret : { ...secret, stack: label });
  }
  return out;
}

function passwordsOf(stack: TfStack): Known[] {
  return databasePasswords().databasePasswords(stack).map((p) => ({ secret: { kind: "database-password", database: p.database }, refs: p.refs, ...(p.literal !== undefined ? { literal: p.literal } : {}) }));
}

function find(stack: TfStack): WrittenSecret[] {
  const matcher = matcherOf(stack);
  const out: WrittenSecret[] = [];
  const seen = new Set<string>();
  for (const { resource, attribute, found } of writtenWalk(stack, matcher)) {
    if ("literal" in found && !wholeLiteral(stack, resource, attribute, found)) continue;
    const secret = "literal" in found ? found.secret : found;
    const key = `${resource.address} ${keyOf(secret)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ resource, attribute, secret });
  }
  return out;
}

/** How a secret is told apart from others: what it opens, and the stack it is another's of. */
function keyOf(secret: Secret): string {
  return `${secret.kind === "database-password" ? secret.database : secret.key}${secret.stack !== undefined ? ` of stack ${secret.stack}` : ""}`;
}

const matchers = new WeakMap<TfStack, WrittenMatcher<Secret | ShortLiteral>>();

/** The matcher of a stack's secrets, and of those its remote states hand over (built once: another stack asks per string). */
function matcherOf(stack: TfStack): WrittenMatcher<Secret | ShortLiteral> {
  let hit = matchers.get(stack);
  if (!hit) matchers.set(stack, (hit = newMatcher(stack, knownOf(stack))));
  return hit;
}

function newMatcher(stack: TfStack, known: readonly Known[]): WrittenMatcher<Secret | ShortLiteral> {
  // Each reference with the text it must contain (its address without an instance key), a cheap look before the pattern.
  const refs = known.flatMap((k) => k.refs.map((r) => ({ secret: k.secret, ref: r, needle: r.split(".").slice(0, r.startsWith("data.") ? 3 : 2).join("."), re: databasePasswords().mentionPattern(r) })));
  const own = new Map<string, readonly string[]>();
  // A short literal is judged after the walk (`wholeLiteral`), in every argument it is found in: the walk reports a
  // secret once per resource, and would stop at an argument the literal is only part of a word in.
  let each = 0;
  return {
    names: [...new Set([...refs.map((r) => r.needle), ...(stack.remoteOutputs ? [REMOTE_STATE] : [])])],
    named: (str) => new Set([...refs.filter((r) => str.includes(r.needle) && databasePasswords().mentionsRef(str, r.ref, r.re)).map((r) => r.secret), ...remoteSecrets(stack, str)]),
    literals: known.flatMap((k) => (k.literal !== undefined ? [{ value: k.literal, found: databasePasswords().shortLiteral(k.literal) ? { literal: k.literal, secret: k.secret } : k.secret }] : [])),
    key: (found) => ("literal" in found ? `${each++} literal` : keyOf(found)),
    // A database's own password argument is where its password belongs (another database given the same one holds its
    // own), as an imported certificate's key is: left out of the walk, which reports a secret once per resource and
    // would otherwise stop at that argument and pass over the resource's tags.
    own: (r) => {
      let list = own.get(r.type);
      if (!list) own.set(r.type, (list = [...passwordArguments(r.type), ...(KEY_IMPORTS[r.type] ?? [])]));
      return list;
    },
  };
}

/** A literal short enough to be a word of other text (`postgres`, `changeme1`), with the secret it is. */
interface ShortLiteral {
  readonly literal: string;
  readonly secret: Secret;
}

/**
 * Whether an argument holds a short literal as the secret (red-team round 106, B1: a database whose password is
 * `postgres` matched its own `engine` and a tag `postgres-15-primary`): where text gives it as a credential
 * (`holdsLiteral`: `postgres://app:PASS@db`, not a word of a sentence), and not in the database's own settings (its
 * tags excepted), which are its configuration and not a copy of its password. Where the argument's own strings
 * (through locals and variables) do not show the literal, it came through what the walk follows further (a
 * pass-through, a store read back, a plan's configuration): counted, fail closed.
 */
function wholeLiteral(stack: TfStack, r: TfResource, attribute: string, found: ShortLiteral): boolean {
  if (found.secret.kind === "database-password" && found.secret.database === r.address && attribute !== "tags" && attribute !== "tags_all") return false;
  const strings = followed(stack, r.values[attribute]).strings.filter((s) => s.includes(found.literal));
  return strings.length === 0 || strings.some((s) => databasePasswords().holdsLiteral(s, found.literal));
}

const CERT_REF = referencePattern(["tls_self_signed_cert", "tls_locally_signed_cert"]);
const REQUEST_REF = referencePattern(["tls_cert_request"]);
const KEY_REF = referencePattern(["tls_private_key"]);
/** The attributes of a `tls_private_key` that are the private key. */
const PRIVATE_ATTRIBUTES = ["private_key_pem", "private_key_pem_pkcs8", "private_key_openssh"];

/**
 * The private keys of the CAs the stack's trust anchors hold the certificates of: a `tls_self_signed_cert` (its
 * `private_key_pem`) or a `tls_locally_signed_cert` (the key of its certificate request, the intermediate's own) named
 * in the anchor's source, through locals and variables. A CA key given as a variable counts by that variable.
 */
function caKeysOf(stack: TfStack): Known[] {
  const anchors = stack.byType.get("aws_rolesanywhere_trust_anchor") ?? [];
  if (anchors.length === 0) return [];
  const byKey = new Map<string, { refs: Set<string>; anchors: Set<string>; literal?: string }>();
  for (const anchor of anchors) {
    if (anchor.mode !== "managed") continue;
    for (const cert of referenced(stack, followed(stack, anchor.values.source).strings, CERT_REF)) {
      // The resource that takes the CA's key: the self-signed certificate, or the intermediate's certificate request.
      const holders = cert.type === "tls_self_signed_cert" ? [cert] : referenced(stack, followed(stack, cert.values.cert_request_pem).strings, REQUEST_REF);
      const { strings, names } = followed(stack, holders.map((h) => h.values.private_key_pem));
      const keys = referenced(stack, strings, KEY_REF);
      const add = (id: string, refs: readonly string[], literal?: string) => {
        let k = byKey.get(id);
        if (!k) byKey.set(id, (k = { refs: new Set(), anchors: new Set(), ...(literal !== undefined ? { literal } : {}) }));
        refs.forEach((r) => k!.refs.add(r));
        k.anchors.add(anchor.address);
      };
      // Its `private_key_pem` argument reads back as an attribute holding the same key (red-team round 106, A5).
      const echoes = holders.map((h) => `${h.address}.private_key_pem`);
      for (const key of keys) {
        const v = key.values.private_key_pem;
        add(key.address, [...PRIVATE_ATTRIBUTES.map((a) => `${key.address}.${a}`), ...echoes], typeof v === "string" && v.length >= 16 && !v.includes("${") ? v : undefined);
      }
      // A key the configuration is given rather than makes: the variable or local that holds it; a key blastwall
      // cannot trace still counts by the arguments that echo it.
      if (keys.length === 0) for (const n of names) add(n, [n, ...echoes]);
      if (keys.length === 0 && names.length === 0) for (const h of holders) add(h.address, [`${h.address}.private_key_pem`]);
    }
  }
  for (const k of byKey.values()) echoesOf(stack, k.refs);
  return [...byKey].map(([key, k]) => ({ secret: { kind: "ca-key", key, anchors: [...k.anchors] }, refs: [...k.refs], ...(k.literal !== undefined ? { literal: k.literal } : {}) }));
}

/** tls resources whose argument takes a private key, and reads back as an attribute holding it. */
const KEY_ARGUMENTS: readonly (readonly [type: string, argument: string])[] = [
  ["tls_self_signed_cert", "private_key_pem"],
  ["tls_cert_request", "private_key_pem"],
  // The signer's key: every certificate the CA signs carries it in state.
  ["tls_locally_signed_cert", "ca_private_key_pem"],
];

/** Adds to `refs` every argument of the stack's tls resources given the key, until no more is found (one echoes another). */
function echoesOf(stack: TfStack, refs: Set<string>): void {
  for (let grown = true; grown; ) {
    grown = false;
    const patterns = [...refs].map((r) => ({ r, re: databasePasswords().mentionPattern(r) }));
    for (const [type, argument] of KEY_ARGUMENTS) {
      for (const r of stack.byType.get(type) ?? []) {
        const ref = `${r.address}.${argument}`;
        if (r.mode !== "managed" || refs.has(ref)) continue;
        const strings = followed(stack, r.values[argument]).strings;
        if (strings.some((s) => s.includes("${") && patterns.some((p) => databasePasswords().mentionsRef(s, p.r, p.re)))) {
          refs.add(ref);
          grown = true;
        }
      }
    }
  }
}

/**
 * The strings of a value and of the locals, variables and arguments of AWS resources it names (followed once each:
 * `private_key_pem = aws_secretsmanager_secret_version.ca.secret_string` is what that version was given, red-team
 * round 107), with the names of the locals and variables. Resources outside AWS are not followed here: a certificate's
 * `cert_pem` would reach every argument it was made from, its signer's certificate among them.
 */
function followed(stack: TfStack, value: unknown): { strings: string[]; names: string[] } {
  const strings = stringsIn(value);
  const seen = new Set<string>();
  for (let i = 0; i < strings.length; i++) {
    if (!strings[i].includes("${")) continue;
    followValueNames(stack, strings[i], seen, strings);
    followArguments(stack, strings[i], seen, strings);
  }
  return { strings, names: [...seen].filter((n) => /^(local|var)\./.test(n)) };
}

/** The managed resources of a pattern's types that the strings name. */
function referenced(stack: TfStack, strings: readonly string[], re: RegExp): TfResource[] {
  const out = new Set<TfResource>();
  for (const s of strings) {
    if (!s.includes("${")) continue;
    for (const m of s.matchAll(re)) {
      for (const a of addressesOf(stack, m[1], m[2], m[3], m[4])) {
        const r = stack.byAddress.get(a);
        if (r?.mode === "managed") out.add(r);
      }
    }
  }
  return [...out];
}

const SERVICE = "rolesanywhere.amazonaws.com";

/** The roles a session through a trust anchor may take, and why blastwall cannot tell them all (undefined: it can). */
export interface AnchorRoles {
  readonly roles: readonly PrincipalNode[];
  readonly unknown?: string;
}

/**
 * The roles a certificate the anchor trusts opens: those a profile of the stack lists whose trust admits Roles Anywhere
 * and does not pin `aws:SourceArn` to another anchor. A profile naming a role blastwall cannot resolve, or a stack
 * with no profile (one outside it may list any role), leaves it unknown.
 */
export function anchorRoles(stack: TfStack, analysis: StackAnalysis, anchor: string): AnchorRoles {
  const profiles = (stack.byType.get("aws_rolesanywhere_profile") ?? []).filter((p) => p.mode === "managed");
  let unknown = profiles.length === 0 ? "no profile of this stack says which roles its sessions may take, and a profile outside it may list any role" : undefined;
  const lookup = { stack, analysis, roles: new PrincipalIndex(analysis.principals.filter((p) => p.kind === "role"), "role") };
  const listed = new Set<string>();
  for (const p of profiles) {
    const arns = p.values.role_arns;
    for (const v of Array.isArray(arns) ? arns : [arns]) {
      if (v === undefined || v === null) continue;
      const role = roleOfValue(lookup, v);
      if (role) listed.add(role);
      else unknown ??= `${p.address} lists a role blastwall cannot resolve (${typeof v === "string" ? v : JSON.stringify(v)})`;
    }
  }
  const target = stack.byAddress.get(anchor);
  const roles = [...listed].map((a) => analysis.byAddress.get(a)!).filter((r) => r && trustMayAdmitService(r.resource.values.assume_role_policy, SERVICE) && admitsAnchor(stack, r, target));
  return { roles, ...(unknown ? { unknown } : {}) };
}

/** Whether a role's trust admits Roles Anywhere sessions through the anchor: an `aws:SourceArn` naming another anchor of the stack shuts it out. */
function admitsAnchor(stack: TfStack, role: PrincipalNode, anchor: TfResource | undefined): boolean {
  // A trust blastwall cannot read may admit anything.
  if (!role.trustPolicy) return true;
  return principalAdmits(role.trustPolicy.statements, { arnPattern: "", service: SERVICE }).some((st) => {
    const c = st.conditions.find((x) => x.key.toLowerCase() === "aws:sourcearn" && /^(foranyvalue:)?(arn|string)(equals|like)$/.test(x.operator.toLowerCase()));
    if (!c) return true;
    return c.values.some((v) => {
      const ref = refTarget(v);
      const named = ref?.address.startsWith("aws_rolesanywhere_trust_anchor.") ? stack.byAddress.get(ref.address) : referencedResource(stack, v, ["aws_rolesanywhere_trust_anchor"]);
      // A literal ARN may be this anchor's (its id is known only once it exists): fail closed.
      return named === undefined || named === anchor;
    });
  });
}
