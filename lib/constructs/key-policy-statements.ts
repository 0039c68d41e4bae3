import { globMatch } from "../engine/iam/glob";
import { STATEMENT_ELEMENTS } from "../engine/iam/policy-json";
import { nearestKey } from "../engine/text";
import type { StatementJson } from "./policy-document";
import { fail, isToken } from "./validate";

/** The elements of a key policy statement, as the engine reads them; any other is refused (KMS would, and a misspelt Condition grants more). */
const ELEMENTS = STATEMENT_ELEMENTS;

/** What the key's own statements are, for the checks of the statements added to them. */
export interface KeyPolicyContext {
  /** The key's account: only its principals may be allowed `custody` (the root statement already delegates to them). */
  readonly accountId: string;
  /** The Sids of the statements ProtectedKey writes itself. */
  readonly ownSids: readonly string[];
  /** The actions that destroy, disable or re-police the key (KEY_CUSTODY_ACTIONS). */
  readonly custody: readonly string[];
}

/**
 * Checks `additionalStatements` of a ProtectedKey: each a statement KMS takes into a key policy (an object with
 * Effect, Principal, Action or NotAction, Resource or NotResource, and no other element), with a Sid of its own, and
 * none that hands a custody action to a principal outside the key's account. KMS refuses the whole key policy for one
 * malformed statement (MalformedPolicyDocumentException), and the gate would read it as Allow * on *: refused here, the
 * message names the statement. Returns the statements as given.
 */
export function requireKeyPolicyStatements(C: string, prop: string, value: unknown, key: KeyPolicyContext): readonly StatementJson[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || isToken(value)) {
    fail(C, prop, `must be a list of key policy statements, like [{ Sid: "CloudTrailDescribesKey", Effect: "Allow", Principal: { Service: "cloudtrail.amazonaws.com" }, Action: "kms:DescribeKey", Resource: "*" }] (got ${isToken(value) ? "a cdktf token" : JSON.stringify(value)})`);
  }
  const sids = new Map<string, string>(key.ownSids.map((s) => [s, "a statement ProtectedKey writes itself"]));
  (value as unknown[]).forEach((s, i) => {
    const at = `${prop}[${i}]`;
    requireStatementShape(C, at, s);
    const st = s as StatementJson & Record<string, unknown>;
    if (st.Sid !== undefined) {
      if (typeof st.Sid !== "string" || isToken(st.Sid)) fail(C, `${at}.Sid`, `must be a literal string (got ${isToken(st.Sid) ? "a cdktf token" : JSON.stringify(st.Sid)})`);
      const taken = sids.get(st.Sid);
      // Two statements under one Sid leave a reader (and any tool that names statements by Sid) unsure which is meant.
      if (taken !== undefined) fail(C, `${at}.Sid`, `"${st.Sid}" is already the Sid of ${taken}: each statement of the key policy needs a Sid of its own. Rename it`);
      sids.set(st.Sid, `${prop}[${i}]`);
    }
    requireNoCustodyOutside(C, at, st, key);
  });
  return value as StatementJson[];
}

function requireStatementShape(C: string, at: string, s: unknown): void {
  if (s === null || typeof s !== "object" || Array.isArray(s) || isToken(s)) {
    fail(C, at, `must be a key policy statement, an object like { Effect: "Allow", Principal: { Service: "cloudtrail.amazonaws.com" }, Action: "kms:DescribeKey", Resource: "*" } (got ${isToken(s) ? "a cdktf token" : JSON.stringify(s)}): KMS refuses a key policy with anything else in its Statement list`);
  }
  const st = s as Record<string, unknown>;
  const unknown = Object.keys(st).find((k) => !ELEMENTS.includes(k));
  if (unknown !== undefined) {
    const near = nearestKey(unknown, ELEMENTS);
    fail(C, `${at}.${unknown}`, `is not an element of a policy statement${near ? ` (did you mean ${near}?)` : ""}: a statement holds only ${ELEMENTS.join(", ")}, and KMS refuses the key policy otherwise. ${near ? `Rename it to ${near}` : "Remove it"}`);
  }
  if (st.Effect !== "Allow" && st.Effect !== "Deny") fail(C, `${at}.Effect`, `must be "Allow" or "Deny" (got ${JSON.stringify(st.Effect)}): KMS refuses a statement without one`);
  const one = (a: string, b: string, what: string) => {
    const has = [a, b].filter((k) => st[k] !== undefined);
    if (has.length !== 1) {
      fail(C, at, `must have ${has.length === 0 ? (a === "Action" ? "an" : "a") : "only one"} ${a} or ${b} (got ${has.length === 0 ? "neither" : "both"}): ${what}, and KMS refuses the key policy otherwise`);
    }
    return has[0];
  };
  const principal = one("Principal", "NotPrincipal", "a key policy statement names whom it applies to");
  requirePrincipal(C, `${at}.${principal}`, st[principal]);
  // Allow with NotPrincipal grants every principal but those named, of any account.
  if (principal === "NotPrincipal" && st.Effect === "Allow") {
    fail(C, `${at}.NotPrincipal`, `must not be used with Effect "Allow": it would allow every principal of every account except those named. Name the principals in Principal`);
  }
  for (const [a, b, what] of [["Action", "NotAction", "the actions"], ["Resource", "NotResource", "the resource (\"*\", the key itself)"]] as const) {
    const k = one(a, b, `a statement names ${what}`);
    requireStrings(C, `${at}.${k}`, st[k]);
  }
  if (st.Condition !== undefined) {
    const c = st.Condition;
    const block = (v: unknown) => v !== null && typeof v === "object" && !Array.isArray(v);
    if (!block(c) || !Object.values(c as object).every(block)) {
      fail(C, `${at}.Condition`, `must be an object of condition operators, each with its keys, like { StringEquals: { "aws:SourceArn": "arn:..." } } (got ${JSON.stringify(c)})`);
    }
  }
}

function requireStrings(C: string, at: string, v: unknown): void {
  const ok = typeof v === "string" ? v !== "" : Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === "string" && x !== "");
  if (!ok) fail(C, at, `must be a string or a non-empty list of strings (got ${JSON.stringify(v)})`);
}

function requirePrincipal(C: string, at: string, v: unknown): void {
  if (v === "*") return;
  if (v === null || typeof v !== "object" || Array.isArray(v) || Object.keys(v).length === 0) {
    fail(C, at, `must be "*" or an object like { AWS: "arn:aws:iam::111111111111:root" } or { Service: "cloudtrail.amazonaws.com" } (got ${JSON.stringify(v)})`);
  }
  for (const [k, x] of Object.entries(v as object)) requireStrings(C, `${at}.${k}`, x);
}

const list = (v: unknown): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v as string]);

/**
 * An Allow of a custody action (deleting, disabling or re-policing the key) to anyone but the key's own account hands
 * the key to principals the account's IAM does not govern: without keyAdministratorArns nothing else stops them, and
 * with them the Deny makes the grant dead text. A reference, a wildcard principal or a service counts as outside, and
 * a Condition is not relied on to narrow it.
 */
function requireNoCustodyOutside(C: string, at: string, st: StatementJson & Record<string, unknown>, key: KeyPolicyContext): void {
  if (st.Effect !== "Allow") return;
  const covers = (action: string) =>
    st.Action !== undefined
      ? list(st.Action).some((p) => isToken(p) || globMatch(p, action, { caseInsensitive: true }))
      : !list(st.NotAction).some((p) => !isToken(p) && globMatch(p, action, { caseInsensitive: true }));
  const granted = key.custody.filter(covers);
  if (granted.length === 0) return;
  const own = new RegExp(`^(${key.accountId}|arn:[a-z-]+:(iam|sts)::${key.accountId}:.+)$`);
  const p = st.Principal;
  const outside =
    p === "*" ? ["*"] : Object.entries(p ?? {}).flatMap(([kind, v]) => list(v).filter((x) => kind !== "AWS" || isToken(x) || !own.test(x)).map((x) => (kind === "AWS" ? (isToken(x) ? "a reference" : x) : `${kind} ${x}`)));
  if (outside.length === 0) return;
  fail(C, at,
    `must not allow ${granted.join(", ")} to ${outside.join(", ")}, outside the key's account ${key.accountId}: whoever that is could delete, disable or re-police the key, and everything it encrypts would be unreadable; ` +
      "a Condition is not relied on to narrow that. The account's own principals already get the key's kms:* through its IAM policies, and keyAdministratorArns names who alone may use these actions. " +
      "Allow only the actions the principal needs (kms:Decrypt, kms:GenerateDataKey*, kms:DescribeKey, ...)");
}
