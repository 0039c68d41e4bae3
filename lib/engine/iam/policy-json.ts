/**
 * IAM policy JSON (already parsed) into normalised statements.
 *
 * Fail closed: whatever cannot be read becomes an `unknown` statement, i.e. `Allow * on *` with a reason, so
 * a garbled policy is reported as "possibly grants everything" rather than silently granting nothing. AWS
 * itself rejects such documents, so this only over-reports on stacks that would not deploy anyway.
 */
import { isObject } from "../json";
import type { Condition, PolicyDocument, PrincipalSpec, Statement, StatementSource } from "./types";

export interface ParseOptions {
  /** Address of the resource / data source / managed ARN holding the document. */
  readonly address: string;
  readonly via?: string;
  readonly constructPath?: string;
  /**
   * Turns an identifier string (Resource, NotResource, principal) into a glob pattern. The Terraform layer
   * passes one that resolves `${...}` references; the default widens every `${...}` to `*`.
   */
  readonly resolve?: (s: string) => string;
  /**
   * Each statement's `Resource` as written (by the statement's index), where the Terraform layer substituted
   * interpolations that resolve exactly before parsing (`function:${aws_lambda_function.f.function_name}:*`): kept as
   * `writtenResources`, so the reference still decides which resource the entry names (red-team round 68).
   */
  readonly writtenResources?: readonly (readonly string[] | undefined)[];
}

/** Where a Terraform template sequence starts: an interpolation `${` or a directive `%{` (`%{ if x }...%{ endif }`). */
const TEMPLATE_START = /[$%]\{/g;

function hasTemplate(s: string): boolean {
  return s.includes("${") || s.includes("%{");
}

/**
 * Replace each `${...}` (braces balanced, so `${lookup(m, "${k}")}` counts as one) by `replacement`. An unterminated
 * one swallows the rest of the string: widening is the safe reading. A `%{...}` directive that is not rendered first
 * (`renderLiteralDirectives`) decides which text between its tags is printed, and a `%{ for }` repeats it, so the
 * whole stretch from the first directive to the end of the last becomes one `replacement` (red-team round 165: keeping
 * the text between as mandatory turned `%{ if false }s3:ListBucket%{ else }s3:DeleteObject%{ endif }` into a pattern
 * that matched neither action, and a Deny's NotAction written so was read as covering the action it leaves out).
 */
export function replaceInterpolations(s: string, replacement = "*"): string {
  if (!hasTemplate(s)) return s;
  let out = "";
  let i = 0;
  // Where `out` stood before the first directive, and how long it was after the last one.
  let directiveFrom = -1;
  let directiveTo = -1;
  while (i < s.length) {
    TEMPLATE_START.lastIndex = i;
    const start = TEMPLATE_START.exec(s)?.index ?? -1;
    if (start < 0) {
      out += s.slice(i);
      break;
    }
    out += s.slice(i, start);
    // `%%{` is an escape (a literal `%{`), not a directive.
    const directive = s[start] === "%" && s[start - 1] !== "%";
    if (directive && directiveFrom < 0) directiveFrom = out.length;
    out += replacement;
    let depth = 0;
    let j = start + 1;
    for (; j < s.length; j++) {
      if (s[j] === "{") depth++;
      else if (s[j] === "}" && --depth === 0) break;
    }
    i = j + 1;
    if (directive) directiveTo = out.length;
  }
  if (directiveFrom >= 0) out = out.slice(0, directiveFrom) + replacement + out.slice(directiveTo);
  // `$${` and `%%{` are Terraform's escapes for a literal `${` (an IAM policy variable) and `%{`: one `$` or `%` is left over.
  return out.replace(/[$%]\*/g, "*").replace(/\*{2,}/g, "*");
}

/** `%{ if true }`, `%{ if false }`, `%{ else }`, `%{ endif }`: the only directives rendered here (no strip markers). */
const LITERAL_DIRECTIVE = /^%\{\s*(?:if\s+(true|false)|(else)|endif)\s*\}$/;

/**
 * The string as Terraform renders its `%{ if true }` / `%{ if false }` directives (with `%{ else }` and nesting), every
 * `${...}` and escape left as written; undefined when it holds any other directive (a condition that is not a literal,
 * a `%{ for }`, a strip marker `~`), an unbalanced one, or an interpolation holding a quote (whose braces this scan
 * cannot count exactly). Only what is certain is rendered: the rest is widened by the caller.
 */
export function renderLiteralDirectives(s: string): string | undefined {
  if (!s.includes("%{")) return undefined;
  let out = "";
  // For each open `if`: whether its branch now being read is printed, and whether it already saw its `else`.
  const open: { taken: boolean; inElse: boolean; outer: boolean }[] = [];
  let printing = true;
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if ((c === "$" || c === "%") && s[i + 1] === c && s[i + 2] === "{") {
      if (printing) out += s.slice(i, i + 3);
      i += 3;
      continue;
    }
    if ((c !== "$" && c !== "%") || s[i + 1] !== "{") {
      if (printing) out += c;
      i++;
      continue;
    }
    let depth = 0;
    let j = i + 1;
    for (; j < s.length; j++) {
      if (s[j] === "{") depth++;
      else if (s[j] === "}" && --depth === 0) break;
    }
    if (j >= s.length) return undefined;
    const raw = s.slice(i, j + 1);
    if (raw.includes('"')) return undefined;
    i = j + 1;
    if (c === "$") {
      if (printing) out += raw;
      continue;
    }
    const m = LITERAL_DIRECTIVE.exec(raw);
    if (m === null) return undefined;
    if (m[1] !== undefined) {
      open.push({ taken: m[1] === "true", inElse: false, outer: printing });
      printing = printing && m[1] === "true";
    } else if (m[2] !== undefined) {
      const top = open[open.length - 1];
      if (top === undefined || top.inElse) return undefined;
      top.inElse = true;
      printing = top.outer && !top.taken;
    } else {
      const top = open.pop();
      if (top === undefined) return undefined;
      printing = top.outer;
    }
  }
  return open.length === 0 ? out : undefined;
}

/** A statement's string list with literal directives rendered (`renderLiteralDirectives`). */
function templateList(v: unknown, what: string): string[] {
  const list = stringList(v, what);
  let copy: string[] | undefined;
  for (let i = 0; i < list.length; i++) {
    const rendered = list[i].includes("%{") ? renderLiteralDirectives(list[i]) : undefined;
    // The list may be the parsed document's own array: copied, never changed in place.
    if (rendered !== undefined) (copy ??= list.slice())[i] = rendered;
  }
  return copy ?? list;
}

const defaultResolve = (s: string): string => replaceInterpolations(s);

/** The fail-closed stand-in for something unreadable: `Allow * on *`, with the reason. */
/**
 * Statements and their sources are built with every field present (undefined when absent), in one order: large
 * stacks hold tens of thousands of them, and objects of one shape keep every later property read fast.
 */
export function makeSource(address: string, index: number, sid?: string, via?: string, constructPath?: string, location?: string): StatementSource {
  return { address, index, sid, via, constructPath, location };
}

/** The statement with another source (the same document reached through another attachment). */
export function withSource(s: Statement, source: StatementSource): Statement {
  return makeStatement(source, s.effect, s.actions, s.notActions, s.resources, s.notResources, s.principals, s.notPrincipals, s.conditions, s.approximateResources, s.approximatePrincipals, s.unknown, s.writtenActions, s.writtenResources, s.settableResources, s.settableActions, s.settableNotActions, s.settableNotResources, s.textInjection);
}

export function makeStatement(
  source: StatementSource,
  effect: Statement["effect"],
  actions: Statement["actions"],
  notActions: Statement["notActions"],
  resources: Statement["resources"],
  notResources: Statement["notResources"],
  principals: Statement["principals"],
  notPrincipals: Statement["notPrincipals"],
  conditions: Statement["conditions"],
  approximateResources: Statement["approximateResources"],
  approximatePrincipals: Statement["approximatePrincipals"],
  unknown: Statement["unknown"],
  writtenActions?: Statement["writtenActions"],
  writtenResources?: Statement["writtenResources"],
  settableResources?: Statement["settableResources"],
  settableActions?: Statement["settableActions"],
  settableNotActions?: Statement["settableNotActions"],
  settableNotResources?: Statement["settableNotResources"],
  textInjection?: Statement["textInjection"],
): Statement {
  const st: Statement = { source, effect, actions, notActions, writtenActions, resources, notResources, principals, notPrincipals, conditions, approximateResources, approximatePrincipals, unknown, writtenResources, settableResources, settableActions, settableNotActions, settableNotResources };
  return textInjection === undefined ? st : { ...st, textInjection };
}

export function unknownStatement(source: StatementSource, reason: string): Statement {
  return makeStatement(source, "Allow", ["*"], undefined, ["*"], undefined, undefined, undefined, [], undefined, undefined, reason);
}

export function unknownDocument(address: string, reason: string, via?: string, constructPath?: string): PolicyDocument {
  return { address, statements: [unknownStatement(makeSource(address, 0, undefined, via, constructPath), reason)] };
}

/** JSON text of a policy (as in `aws_iam_policy.policy`); text that is not JSON is an unknown document. */
export function parsePolicyString(text: string, opts: ParseOptions): PolicyDocument {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return unknownDocument(opts.address, `policy is not valid JSON: ${(e as Error).message}`, opts.via, opts.constructPath);
  }
  return parsePolicyJson(doc, opts);
}


export function parsePolicyJson(doc: unknown, opts: ParseOptions): PolicyDocument {
  if (!isObject(doc)) return unknownDocument(opts.address, "policy document is not a JSON object", opts.via, opts.constructPath);
  if (!("Statement" in doc)) return unknownDocument(opts.address, "policy document has no Statement", opts.via, opts.constructPath);
  const raw = doc.Statement;
  const resolve = opts.resolve ?? defaultResolve;
  if (!Array.isArray(raw)) return { address: opts.address, statements: [parseStatement(raw, 0, opts, resolve)] };
  const statements = new Array<Statement>(raw.length);
  for (let index = 0; index < raw.length; index++) statements[index] = parseStatement(raw[index], index, opts, resolve);
  return { address: opts.address, statements };
}

/** Thrown inside statement parsing; becomes the `unknown` reason. */
class Unreadable extends Error {}

/** The elements a policy statement may have; any other makes it unreadable (and a construct refuses it). */
export const STATEMENT_ELEMENTS: readonly string[] = ["Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Principal", "NotPrincipal", "Condition"];
const STATEMENT_KEYS = new Set(STATEMENT_ELEMENTS);

function parseStatement(raw: unknown, index: number, opts: ParseOptions, resolve: (s: string) => string): Statement {
  const sid = isObject(raw) && (typeof raw.Sid === "string" || typeof raw.Sid === "number") ? String(raw.Sid) : undefined;
  const source = makeSource(opts.address, index, sid === "" ? undefined : sid, opts.via, opts.constructPath);
  try {
    return readStatement(raw, source, resolve, isObject(raw) ? opts.writtenResources?.[index] : undefined);
  } catch (e) {
    if (e instanceof Unreadable) return unknownStatement(source, `statement ${index}${sid ? ` (${sid})` : ""}: ${e.message}`);
    throw e;
  }
}

// Statement reading runs for every statement of every policy of a stack: loops rather than closures per statement.

function readStatement(raw: unknown, source: StatementSource, resolve: (s: string) => string, before?: readonly string[]): Statement {
  if (!isObject(raw)) throw new Unreadable("is not a JSON object");
  // An unknown key is most likely a misspelling ("Condtion", "Actions"); ignoring it could turn a narrow
  // Deny into a broad one or drop a restriction, so the statement as a whole is unreadable.
  for (const k of Object.keys(raw)) if (!STATEMENT_KEYS.has(k)) throw new Unreadable(`unknown element "${k}"`);
  const effect = raw.Effect;
  if (effect === undefined) throw new Unreadable("missing Effect");
  if (effect !== "Allow" && effect !== "Deny") throw new Unreadable(`Effect ${JSON.stringify(effect)} is neither Allow nor Deny`);

  const hasAction = "Action" in raw;
  const hasResource = "Resource" in raw;
  if (hasAction && "NotAction" in raw) throw new Unreadable("has both Action and NotAction");
  if (!hasAction && !("NotAction" in raw)) throw new Unreadable("has neither Action nor NotAction");
  if (hasResource && "NotResource" in raw) throw new Unreadable("has both Resource and NotResource");
  if ("Principal" in raw && "NotPrincipal" in raw) throw new Unreadable("has both Principal and NotPrincipal");

  // Action patterns are compared case-insensitively, so they are stored lower case. A `${...}` or `%{...}` in an
  // action can only be a Terraform template: it widens to `*` where that adds rights (an Allow's Action, a Deny's
  // NotAction), and matches nothing where widening would take rights away (a Deny's Action, an Allow's NotAction).
  const narrowing = (effect === "Deny") === hasAction;
  const written = hasAction ? templateList(raw.Action, "Action") : templateList(raw.NotAction, "NotAction");
  const lowered = new Array<string>(written.length);
  let relettered = false;
  for (let i = 0; i < written.length; i++) {
    const w = written[i];
    const blank = w.startsWith(UNRESOLVED_ACTION_PREFIX) ? -1 : blankAt(replaceInterpolations(w));
    if (blank >= 0) {
      // An Allow cannot be read at all (it may grant the action named, or nothing); a Deny is not relied on: its
      // Action entry matches nothing and its NotAction entry excludes everything, so it denies nothing.
      if (effect === "Allow") throw new Unreadable(blankActionReason(hasAction ? "Action" : "NotAction", w, blank));
      lowered[i] = hasAction ? `${UNRESOLVED_ACTION_PREFIX}${w.toLowerCase()}` : "*";
      relettered = true;
      continue;
    }
    const l = narrowing && hasTemplate(w) ? `${UNRESOLVED_ACTION_PREFIX}${w.toLowerCase()}` : replaceInterpolations(w).toLowerCase();
    lowered[i] = l;
    if (l !== w) relettered = true;
  }
  const actions = hasAction ? lowered : undefined;
  const notActions = hasAction ? undefined : lowered;
  // Which identifiers came from `${...}` tokens: resolve() widens them, so a Deny must not rely on them.
  let approximateResources: number[] | undefined;
  let resources: string[] | undefined;
  if (hasResource) {
    const list = templateList(raw.Resource, "Resource");
    resources = new Array<string>(list.length);
    for (let i = 0; i < list.length; i++) {
      if (hasTemplate(list[i])) (approximateResources ??= []).push(i);
      resources[i] = resolve(list[i]);
    }
  }
  const writtenResources =
    hasResource && before !== undefined && resources !== undefined && before.length === resources.length
      ? before
      : hasResource && approximateResources !== undefined
        ? templateList(raw.Resource, "Resource")
        : undefined;
  let notResources: string[] | undefined;
  if ("NotResource" in raw) {
    const list = templateList(raw.NotResource, "NotResource");
    notResources = new Array<string>(list.length);
    for (let i = 0; i < list.length; i++) {
      if (hasTemplate(list[i])) (approximateResources ??= []).push(i);
      notResources[i] = resolve(list[i]);
    }
  }
  const principals = "Principal" in raw ? principalList(raw.Principal, "Principal", resolve) : undefined;
  const notPrincipals = "NotPrincipal" in raw ? principalList(raw.NotPrincipal, "NotPrincipal", resolve) : undefined;
  const approximatePrincipals = (principals !== undefined && anyTemplate(raw.Principal)) || (notPrincipals !== undefined && anyTemplate(raw.NotPrincipal));
  const conditions = "Condition" in raw ? conditionList(raw.Condition) : [];
  return makeStatement(
    source,
    effect,
    actions,
    notActions,
    resources,
    notResources,
    principals,
    notPrincipals,
    conditions,
    approximateResources,
    approximatePrincipals ? true : undefined,
    undefined,
    relettered ? written : undefined,
    writtenResources,
  );
}

/**
 * An action name no action matches: stands in for an unresolvable element where widening would be unsafe (the
 * Terraform layer writes it for an action it could not read; an entry that holds a blank is read as it here).
 */
export const UNRESOLVED_ACTION_PREFIX = "blastwall-unresolved:";

/**
 * Whitespace, control and format characters (U+0085, NBSP, a tab, U+200B, U+FEFF...): no AWS action name holds one,
 * so an Action entry with one is a mistake or a disguise (red-team round 151: `s3:DeleteBucket\u0085` left over from
 * an HCL template matched nothing and was dropped silently). IAM's documentation says only which characters a policy
 * document may hold (tab, LF, CR and U+0020-U+00FF: U+0085 and NBSP pass) and that an action is a service prefix,
 * `:` and an action name; it does not say whether IAM rejects such an entry (MalformedPolicyDocument), trims it or
 * keeps it as a name that matches no request. blastwall cannot tell which, so it does not read the entry as any one.
 */
const BLANK_OR_CONTROL = /[\p{White_Space}\p{Cc}\p{Cf}]/u;

/** Where in an action (interpolations already replaced) the first such character is, or -1. */
function blankAt(action: string): number {
  const m = BLANK_OR_CONTROL.exec(action);
  return m === null ? -1 : m.index;
}

/** The action as a JSON string with everything outside printable ASCII escaped, so the reader sees what is there. */
export function showEscaped(s: string): string {
  return JSON.stringify(s).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

function blankActionReason(what: string, written: string, at: number): string {
  const code = replaceInterpolations(written).charCodeAt(at).toString(16).toUpperCase().padStart(4, "0");
  return (
    `${what} entry ${showEscaped(written)} holds whitespace or an invisible character (U+${code}), which no AWS action ` +
    `name has (write the name without it: look for a template strip \`~\`, a heredoc's indentation or a pasted ` +
    `character); IAM may reject it, trim it or match no action with it, so blastwall cannot tell what the statement allows`
  );
}

function stringList(v: unknown, what: string): string[] {
  if (typeof v === "string") return [v];
  if (Array.isArray(v)) {
    let strings = true;
    for (const x of v) if (typeof x !== "string") strings = false;
    if (strings) return v as string[];
  }
  throw new Unreadable(`${what} is neither a string nor an array of strings`);
}

const PRINCIPAL_TYPES = new Set(["AWS", "Service", "Federated", "CanonicalUser"]);

function principalList(v: unknown, what: string, resolve: (s: string) => string): PrincipalSpec[] {
  if (v === "*") return [{ type: "*", identifiers: ["*"] }];
  if (!isObject(v)) throw new Unreadable(`${what} is neither "*" nor an object`);
  const out: PrincipalSpec[] = [];
  for (const type of Object.keys(v)) {
    if (!PRINCIPAL_TYPES.has(type)) throw new Unreadable(`${what} has unknown principal type "${type}"`);
    const ids = stringList(v[type], `${what}.${type}`);
    const identifiers = new Array<string>(ids.length);
    let templated = false;
    for (let i = 0; i < ids.length; i++) {
      identifiers[i] = resolve(ids[i]);
      if (hasTemplate(ids[i])) templated = true;
    }
    out.push(templated ? { type, identifiers, written: ids } : { type, identifiers });
  }
  return out;
}

/** Whether a principal element `principalList` read holds a Terraform template (which `resolve` widened). */
function anyTemplate(v: unknown): boolean {
  if (!isObject(v)) return false;
  for (const type of Object.keys(v)) {
    const ids = v[type];
    if (typeof ids === "string") {
      if (hasTemplate(ids)) return true;
    } else {
      for (const id of ids as string[]) if (hasTemplate(id)) return true;
    }
  }
  return false;
}

function conditionValue(x: unknown, where: string): string {
  if (typeof x === "string" || typeof x === "number" || typeof x === "boolean") return String(x);
  throw new Unreadable(`Condition ${where} has a value that is not a string, number or boolean`);
}

/** Where the Terraform layer keeps a condition block's values as written, by key (see `Condition.written`). */
export const WRITTEN_CONDITION_VALUES = Symbol("written Condition values");

function conditionList(v: unknown): Condition[] {
  if (!isObject(v)) throw new Unreadable("Condition is not an object");
  const out: Condition[] = [];
  for (const [operator, block] of Object.entries(v)) {
    if (!isObject(block)) throw new Unreadable(`Condition ${operator} is not an object`);
    for (const [key, value] of Object.entries(block)) {
      const where = `${operator} ${key}`;
      const values = Array.isArray(value) ? value.map((x) => conditionValue(x, where)) : [conditionValue(value, where)];
      const written = (block as { [WRITTEN_CONDITION_VALUES]?: Record<string, readonly string[]> })[WRITTEN_CONDITION_VALUES]?.[key];
      out.push(written !== undefined && written.length === values.length ? { operator, key, values, written } : { operator, key, values });
    }
  }
  return out;
}
