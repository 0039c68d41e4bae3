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
 * Replace each `${...}` or `%{...}` (braces balanced, so `${lookup(m, "${k}")}` counts as one) by `replacement`. An
 * unterminated one swallows the rest of the string: widening is the safe reading. What a directive keeps or drops
 * (`%{ if x }ec2:DeleteVolume%{ endif }`) is not evaluated: each directive widens, so the text between may or may not
 * be there.
 */
export function replaceInterpolations(s: string, replacement = "*"): string {
  if (!hasTemplate(s)) return s;
  let out = "";
  let i = 0;
  while (i < s.length) {
    TEMPLATE_START.lastIndex = i;
    const start = TEMPLATE_START.exec(s)?.index ?? -1;
    if (start < 0) {
      out += s.slice(i);
      break;
    }
    out += s.slice(i, start) + replacement;
    let depth = 0;
    let j = start + 1;
    for (; j < s.length; j++) {
      if (s[j] === "{") depth++;
      else if (s[j] === "}" && --depth === 0) break;
    }
    i = j + 1;
  }
  // `$${` and `%%{` are Terraform's escapes for a literal `${` (an IAM policy variable) and `%{`: one `$` or `%` is left over.
  return out.replace(/[$%]\*/g, "*").replace(/\*{2,}/g, "*");
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
  return makeStatement(source, s.effect, s.actions, s.notActions, s.resources, s.notResources, s.principals, s.notPrincipals, s.conditions, s.approximateResources, s.approximatePrincipals, s.unknown, s.writtenActions, s.writtenResources);
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
): Statement {
  return { source, effect, actions, notActions, writtenActions, resources, notResources, principals, notPrincipals, conditions, approximateResources, approximatePrincipals, unknown, writtenResources };
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

const STATEMENT_KEYS = new Set(["Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Principal", "NotPrincipal", "Condition"]);

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
  const written = hasAction ? stringList(raw.Action, "Action") : stringList(raw.NotAction, "NotAction");
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
    const list = stringList(raw.Resource, "Resource");
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
        ? stringList(raw.Resource, "Resource")
        : undefined;
  let notResources: string[] | undefined;
  if ("NotResource" in raw) {
    const list = stringList(raw.NotResource, "NotResource");
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
