import { isObject, stringsIn } from "../json";
import type { Grant, PrincipalNode } from "../analysis-types";
import { builtAround, writtenReferences, writtenWildPlace, type ResourceIndex } from "./resource-index";
import type { TfResource, TfStack } from "../terraform/types";
import type { Statement } from "../iam/types";
import { attributePattern, hasInterpolation, principalPatterns, referencedResource, refTarget, remoteStateAt, resolveToPattern } from "../terraform/tokens";
import { EPHEMERAL_TYPES, readArgument } from "../terraform/ephemeral-blocks";
import { AFTER_APPLY } from "../terraform/policy-documents";
import { globsIntersect } from "../iam/glob";
import { compareStatements, mention, naming, statementName, statementRef, type Named } from "../describe";
import { compareText } from "../text";
import type { StatementRef } from "../findings";
import { CREDENTIAL_STORES } from "./compute";
import { denyCertainlyCovers } from "../iam/evaluate";
import { actionUniverse } from "../universe";
import { resourceAccount, resourceRegion } from "../terraform/providers";
import { loadCatalogue, type CatalogueEntry } from "../catalogue";
import { wildResourcePart } from "./resource-part";
import type * as DatabasePasswords from "./database-passwords";
import { lazy } from "../lazy";
import { dynamicContents, hasDynamic } from "./dynamic-blocks";
import { withoutHashedSecrets } from "./hashed-secrets";
import { USER_CREDENTIALS } from "../user-credentials";
import {
  addressesOf,
  argumentsReadBack,
  AWS_REF,
  carriedArguments,
  configuredReferences,
  decryptedReferences,
  decryptedSecret,
  FILE_READS,
  handsBack,
  HANDS_BACK_REF,
  MODULE_PATH,
  NOT_ARGUMENTS,
  readBackPattern,
  readMode,
  readName,
  readsExport,
  readsStack,
  referencePattern,
  remoteSourcesOf,
  STORE_READ_TYPES,
} from "./credential-references";
import { exportedAs, exportingOutputs, exportsShown, type Handler, metadataShown, nestedShown, type OutputsShown, outputsShown, STACK_ARGUMENTS, stackTemplate } from "./stack-views";

/** A credential found in a store the principal can read: whose it is (undefined: unknown, possibly everything). */

// Where database passwords are kept is read only when a store or secret that may hold one is read.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const databasePasswords = lazy(() => require("./database-passwords") as typeof DatabasePasswords);
// database-passwords.ts READ_BACK_STORE_TYPES, written here so that asking it loads nothing (a test keeps them equal).
export const READ_BACK_STORES: ReadonlySet<string> = new Set(["aws_secretsmanager_secret", "aws_ssm_parameter"]);

export interface CredentialEdge {
  readonly to?: string;
  readonly store: string;
  /** What the store holds, for the evidence step that names it. */
  readonly storeDetail?: string;
  readonly label: string;
  /**
   * How the principal reads it, naming the granting statement: written when first asked (the evidence of an edge on a
   * path reported), not for every principal that can read a store holding a key.
   */
  readonly detail: () => Named;
}

/** A store the principal can read whose contents the stack does not show. */
export interface SecretRead {
  readonly store: string;
  readonly action: string;
  readonly detail: string;
  /** The statements `detail` names: the one granting the read. */
  readonly statements: readonly StatementRef[];
  /**
   * Set when `detail` is the action followed by this text, which names the grant and the store and not the action
   * again: reads that differ only in the action are one evidence step (agent-stored-secret lists their actions).
   */
  readonly afterAction?: string;
}

/** A store the principal can read that holds the master password of a database of the stack. */
export interface DatabaseRead extends SecretRead {
  readonly database: string;
  /** Set when the store may hold the password and blastwall cannot tell: why (the finding says so). */
  readonly maybe?: string;
}

/** Shapes of well-known long-lived credentials; a literal that looks like one is treated as a live token. */
const TOKEN_SHAPES: readonly [string, RegExp][] = [
  ["an AWS access key id", /\b(AKIA|ASIA)[A-Z0-9]{16}\b/],
  ["a private key", /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
  ["a GitHub token", /\bgh[pousr]_[A-Za-z0-9]{30,}\b/],
  ["a Slack token", /\bxox[abposr]-[A-Za-z0-9-]{10,}/],
  ["an API token", /\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}\b/],
];


/**
 * Resources that are a credential of an IAM user, found by name anywhere inside an interpolation, with or without
 * an attribute: `${aws_iam_access_key.k.secret}`, `${jsonencode({ id = aws_iam_access_key.k.id })}`, the whole
 * object `${jsonencode(aws_iam_access_key.k)}`, the legacy splat `aws_iam_access_key.k.*.secret`. A console
 * password signs in as the user with all its rights, so it is as good as a key.
 */
const CREDENTIAL_REFS: readonly { readonly type: string; readonly what: string; readonly re: RegExp }[] = [
  { type: "aws_iam_access_key", what: "an access key", re: referencePattern(["aws_iam_access_key"]) },
  { type: "aws_iam_user_login_profile", what: "the console password", re: referencePattern(["aws_iam_user_login_profile"]) },
];

/** Attributes of those resources that are the credential itself; a plan shows them as plain values once they exist. */
const CREDENTIAL_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  aws_iam_access_key: ["id", "secret", "ses_smtp_password_v4"],
  aws_iam_user_login_profile: ["password"],
};

/**
 * Every credential resource of the stack (access keys, console passwords) with the user it belongs to (undefined:
 * blastwall cannot tell which). The Terraform state holds all of them in plain text.
 */
export function stackCredentials(stack: TfStack): { readonly address: string; readonly user?: string; readonly what: string }[] {
  const out: { address: string; user?: string; what: string }[] = [];
  for (const c of CREDENTIAL_REFS) {
    for (const r of stack.byType.get(c.type) ?? []) if (r.mode === "managed") out.push({ address: r.address, user: userOf(stack, r), what: c.what });
  }
  return out;
}

/** A credential of a principal in the stack, found in a stored value. */
interface Found {
  readonly user: string;
  readonly what: string;
}

/** What a stored value holds: credentials of principals in the stack, a token-shaped literal, or nothing known. */
function contents(stack: TfStack, value: unknown): { found: Found[]; tokenShape?: string; computed: boolean } {
  const found = new Map<string, Found>();
  let tokenShape: string | undefined;
  let computed = false;
  const add = (user: string | undefined, what: string) => {
    if (user) found.set(`${what} ${user}`, { user, what });
    else tokenShape = tokenShape ?? `${what} of a user blastwall cannot resolve`;
  };
  for (const s of storedStrings(stack, value)) {
    if (s.includes("${")) {
      computed = true;
      for (const c of remoteCredentials(stack, s)) tokenShape = tokenShape ?? `${c.what} (${c.label})`;
      for (const c of CREDENTIAL_REFS) {
        for (const m of s.matchAll(c.re)) {
          const addresses = addressesOf(stack, m[1], c.type, m[3], m[4]);
          if (addresses.length === 0) add(undefined, c.what);
          for (const a of addresses) add(userOf(stack, stack.byAddress.get(a)!), c.what);
        }
      }
    }
    // A plan shows existing keys as plain values: a stored copy is that user's key, not an anonymous token.
    let rest = s;
    for (const l of literalCredentials(stack)) {
      if (!rest.includes(l.value)) continue;
      add(l.user, l.what);
      rest = rest.split(l.value).join(" ");
    }
    const shape = TOKEN_SHAPES.find(([, re]) => re.test(rest));
    if (shape) tokenShape = tokenShape ?? shape[0];
  }
  return { found: [...found.values()], tokenShape, computed };
}

/** `local.x` / `var.x` inside an interpolation: a value written elsewhere in the configuration. */
const VALUE_REF = /(?<![A-Za-z0-9_.-])(local|var)\.([A-Za-z_][A-Za-z0-9_-]*)/g;

/**
 * Appends to `out` the strings of each local and variable (defaults, `--var-file` values, a plan's values) that `s`
 * names and `followed` does not hold yet, adding their names (`local.x`, `var.y`) to it: `secret_string =
 * local.creds` holds what `local.creds` holds. A caller looping over `out` follows them in turn.
 */
export function followValueNames(stack: TfStack, s: string, followed: Set<string>, out: string[]): void {
  for (const m of s.matchAll(VALUE_REF)) {
    const key = `${m[1]}.${m[2]}`;
    if (followed.has(key)) continue;
    followed.add(key);
    const values = m[1] === "local" ? stack.locals : stack.variables;
    if (values.has(m[2])) stringsIn(values.get(m[2]), out);
  }
}

/**
 * Appends to `out` what each argument of an AWS resource that `s` names was given (red-team round 107, F1: a key put
 * in a Lambda's environment, then copied from `aws_lambda_function.f.environment[0].variables["S"]` into tags), once
 * each (`followed`): Terraform hands a configured argument on as written, whatever AWS shows of it. An attribute no
 * argument gives (`arn`, `id`) is AWS's to make and carries nothing; the whole resource (`jsonencode(aws_x.y)`) holds
 * every argument, or the one a `lookup` picks. Where a literal index or key after the attribute picks a part that the
 * value shows (`variables["S"]`), only that part is followed; anything else (a splat, a computed value, a function)
 * follows the whole argument (fail closed).
 */
export function followArguments(stack: TfStack, s: string, followed: Set<string>, out: string[]): void {
  for (const m of s.matchAll(AWS_REF)) {
    const [, prefix, data, type, name, keys, attribute] = m;
    const picked = attribute ?? (keys === "" ? lookupKey(s, m.index, m[0].length) : undefined);
    const path = attribute === undefined ? [] : pathAfter(s.slice(m.index + m[0].length));
    const stackRead = data !== undefined && readsStack(type, picked);
    const stackArgs = picked === "outputs" && !stackRead ? STACK_ARGUMENTS[type] : undefined;
    const secret = data === undefined ? undefined : decryptedSecret(type, picked, path[0]);
    const exportRead = data !== undefined && readsExport(type, picked);
    for (const address of addressesOf(stack, prefix, type, name, keys, readMode(data))) {
      const r = stack.byAddress.get(address)!;
      if (exportRead) followImports(stack, [readName(r)], followed, out);
      if (stackRead) followStackRead(stack, r, picked, typeof path[0] === "string" ? path[0] : undefined, followed, out);
      const refs = configuredReferences(r);
      const given = picked === undefined ? [...new Set([...Object.keys(r.values), ...(refs?.keys() ?? [])])] : argumentsReadBack(type, picked);
      if (stackArgs) followOutputs(stack, r, typeof path[0] === "string" ? path[0] : undefined, stackArgs, followed, out);
      if (secret !== undefined) followDecrypted(stack, r, secret, followed, out);
      for (const a of given) {
        // What a decrypting data source was given is ciphertext: `followDecrypted` reads what it decrypts to.
        if (NOT_ARGUMENTS.has(a) || (stackArgs && a !== picked) || (secret !== undefined && a === "secret")) continue;
        const whole = r.values[a];
        const part = a === attribute ? narrowed(whole, path) : { value: whole, steps: 0 };
        const key = `${address}.${a}${part.steps === 0 ? "" : `#${path.slice(0, part.steps).join("/")}`}`;
        if (followed.has(key)) continue;
        followed.add(key);
        if (part.value !== undefined && part.value !== null) stringsIn(part.value, out);
        // A `dynamic` block of that name gives it too: its content as written, whole.
        if (hasDynamic(r.values, a)) stringsIn(r.values.dynamic, out);
        // A plan shows the value unknown until apply; its configuration names what it was made from.
        out.push(...(refs?.get(a) ?? []));
      }
    }
  }
}

/**
 * What a data source decrypting ciphertexts (`data.aws_kms_secrets`) holds of its secret `name` (null: every one):
 * what the stack encrypted into each payload (red-team round 109, F3), once each. A payload naming a ciphertext of the
 * stack, directly or through locals and variables, is that ciphertext's plaintext; one that names something else may
 * be any ciphertext the stack makes (fail closed); one written out was encrypted outside it.
 */
function followDecrypted(stack: TfStack, r: TfResource, name: string | null, followed: Set<string>, out: string[]): void {
  const key = `${r.address}#decrypted${name === null ? "" : `/${name}`}`;
  if (followed.has(key)) return;
  followed.add(key);
  const blocks = [...(Array.isArray(r.values.secret) ? r.values.secret : [r.values.secret]), ...dynamicContents(r.values, "secret")];
  const payloads: unknown[] = blocks.filter((b) => b !== undefined && b !== null).map((b) => (isObject(b) ? (name === null || typeof b.name !== "string" || b.name === name ? b.payload : undefined) : b));
  // A plan's configuration names what the payloads were made from, not which secret each is.
  payloads.push(configuredReferences(r)?.get("secret") ?? []);
  let anyCiphertext = false;
  for (const payload of payloads) {
    const strings = payload === undefined || payload === null ? [] : stringsIn(payload).filter((x) => x !== AFTER_APPLY);
    const names = new Set<string>();
    for (let i = 0; i < strings.length; i++) followValueNames(stack, strings[i], names, strings);
    const decrypted = strings.map(decryptedReferences).filter((x): x is string => x !== undefined);
    out.push(...decrypted);
    if (decrypted.length === 0 && strings.some(hasInterpolation)) anyCiphertext = true;
  }
  if (anyCiphertext) for (const c of stack.byType.get("aws_kms_ciphertext") ?? []) out.push(`\${${c.address}.plaintext}`);
}

/**
 * What a reference to a stack's outputs (or its output `output`) holds: the parameters they may repeat and the
 * template's text they are made of, once each (red-team round 109, F1: `NoEcho` masks neither in the outputs).
 * `asHandler`: what a custom resource importing them as its ServiceToken may be returned (`outputsShown`).
 */
function followOutputs(stack: TfStack, r: TfResource, output: string | undefined, args: (typeof STACK_ARGUMENTS)[string], followed: Set<string>, out: string[], asHandler = false, untied?: Untied): void {
  const key = `${r.address}.outputs${output === undefined ? "" : `#${output}`}${asHandler ? "!handler" : ""}`;
  if (followed.has(key)) return;
  followed.add(key);
  followShown(stack, r, outputsShown(r, output, asHandler), args, followed, out, untied);
}

/**
 * What a view of a stack holds: the parameters it may show, the template's text it is made of, the exports it imports,
 * the Terraform functions that may handle its custom resources.
 */
function followShown(stack: TfStack, r: TfResource, shown: OutputsShown, args: (typeof STACK_ARGUMENTS)[string], followed: Set<string>, out: string[], untied?: Untied): void {
  followImports(stack, shown.imports, followed, out, false, untied);
  followImports(stack, shown.handlerImports, followed, out, true, untied);
  const params = r.values[args.parameters];
  if (shown.parameters === undefined || shown.parameters.size > 0) {
    if (isObject(params) && shown.parameters !== undefined) {
      for (const p of shown.parameters) if (Object.prototype.hasOwnProperty.call(params, p) && params[p] !== null) stringsIn(params[p], out);
    } else if (params !== undefined && params !== null) stringsIn(params, out);
    // A plan's configuration names what the parameters were made from, not which of them holds it.
    out.push(...(configuredReferences(r)?.get(args.parameters) ?? []));
  }
  stringsIn(shown.parts, out);
  if (shown.parameters === undefined && args.template !== undefined) out.push(...(configuredReferences(r)?.get(args.template) ?? []));
  followHandlers(stack, r, shown.handlers, args, out, untied);
}

/** What is counted only because blastwall cannot tie a custom resource's handler to a function, and why (the first reason). */
interface Untied {
  readonly values: string[];
  why?: string;
}

/** A Lambda function's ARN, perhaps with a version or alias: group 1 is the function's name. */
const LAMBDA_ARN = /^arn:[^:]*:lambda:[^:]*:[^:]*:function:([^:]+)(?::[^:]*)?$/;

/**
 * Appends to `out` the environment of each Terraform function that may handle a custom resource a view of stack `r`
 * reads (red-team round 112, G1: the handler returns what it likes, its own environment among it): the function whose
 * ARN (or name) the ServiceToken writes out, or gives as a reference through a stack parameter. A token blastwall cannot
 * tie to one (computed, an SNS topic, a template it cannot read) may be any: every other function counts, into
 * `untied` when given, with the reason for the finding to say so.
 */
function followHandlers(stack: TfStack, r: TfResource, handlers: readonly Handler[] | undefined, args: (typeof STACK_ARGUMENTS)[string], out: string[], untied?: Untied): void {
  const functions = stack.byType.get("aws_lambda_function") ?? [];
  if (handlers === undefined || handlers.length === 0 || functions.length === 0) return;
  const tied = new Set<string>();
  let any: Handler | undefined;
  const byArn = (h: Handler, arn: string) => {
    const name = LAMBDA_ARN.exec(arn)?.[1];
    if (name === undefined || /^\**$/.test(name)) any ??= h;
    else for (const f of functions) if (globsIntersect(name, attributePattern(stack, f, "function_name").pattern)) tied.add(f.address);
  };
  const byReference = (h: Handler, strings: readonly string[]) => {
    const named = strings.flatMap((x) => [...x.matchAll(AWS_REF)].filter((m) => m[2] === undefined && m[3] === "aws_lambda_function").flatMap((m) => addressesOf(stack, m[1], m[3], m[4], m[5])));
    if (named.length === 0) any ??= h;
    named.forEach((a) => tied.add(a));
  };
  for (const h of handlers) {
    // An ARN of a template Terraform writes may be a reference (`${aws_lambda_function.f.arn}`).
    if (h.arn !== undefined) (hasInterpolation(h.arn) ? byReference(h, [h.arn]) : byArn(h, h.arn));
    else if (h.parameter === undefined) any ??= h;
    else {
      const params = r.values[args.parameters];
      const given = isObject(params) ? params[h.parameter] : undefined;
      // A plan's configuration names what the parameters were made from, not which of them each reference gives.
      if (typeof given === "string") (hasInterpolation(given) ? byReference(h, [given]) : byArn(h, given));
      else byReference(h, configuredReferences(r)?.get(args.parameters) ?? []);
    }
  }
  for (const f of tied) out.push(`\${${f}.environment}`);
  if (any === undefined) return;
  for (const f of functions) if (!tied.has(f.address)) (untied?.values ?? out).push(`\${${f.address}.environment}`);
  if (untied) {
    untied.why ??=
      `blastwall counts the environment of every aws_lambda_function of the configuration: ${any.of} (in the template of ${r.address}) names no function it can tie to one, and a custom resource's handler may return what its environment holds; ` +
      "give the ServiceToken as the handler's ARN, written out or as a reference, in a template_body blastwall can read, to count only that function";
  }
}

/**
 * What the exports `imports` names hold (red-team round 110, F2: `Fn::ImportValue` is another stack's exported output):
 * each output of the configuration's stacks that may be exported under one of those names, followed as a reference
 * to it would be. A name computed, or exported by no stack blastwall reads, may be every exported output.
 */
function followImports(stack: TfStack, imports: readonly (string | undefined)[] | undefined, followed: Set<string>, out: string[], asHandler = false, untied?: Untied): void {
  if (imports === undefined || imports.length === 0) return;
  const exporters = Object.keys(STACK_ARGUMENTS).flatMap((type) => stack.byType.get(type) ?? []);
  const found = (names: readonly (string | undefined)[]) => exporters.flatMap((s) => exportingOutputs(s, names).map((o) => ({ s, o })));
  let hits = found(imports);
  if (imports.some((n) => n !== undefined && !hits.some((h) => h.o === undefined || exportedAs(h.s, h.o) === n))) hits = found([undefined]);
  for (const { s, o } of hits) followOutputs(stack, s, o, STACK_ARGUMENTS[s.type], followed, out, asHandler, untied);
  // A name no output blastwall reads is certain to export may be exported by a stack nested in one of the
  // configuration's, from what it is given (red-team round 111, F3).
  if (!imports.some((n) => n === undefined || !hits.some((h) => h.o !== undefined && exportedAs(h.s, h.o) === n))) return;
  for (const s of exporters) followNested(stack, s, followed, out, untied);
}

/** What the stacks `s` nests may show of what it gives them (`nestedShown`), once each. */
function followNested(stack: TfStack, s: TfResource, followed: Set<string>, out: string[], untied?: Untied): void {
  const key = `${s.address}.nested`;
  if (followed.has(key)) return;
  followed.add(key);
  followShown(stack, s, nestedShown(s), STACK_ARGUMENTS[s.type], followed, out, untied);
}

/**
 * What a data source reading a stack back by name (`readsStack`) holds of `attribute` (undefined: all it reads), once
 * each: of every stack of the configuration that name may be (every one when the name is computed or no stack has it,
 * fail closed), the outputs as a reference to them holds them (`output`: that one), the parameters as DescribeStacks
 * shows them, and the template; and for a name no stack of it has, what the stacks they nest may output.
 */
function followStackRead(stack: TfStack, r: TfResource, attribute: string | undefined, output: string | undefined, followed: Set<string>, out: string[]): void {
  const stacks = Object.keys(STACK_ARGUMENTS).flatMap((type) => (stack.byType.get(type) ?? []).filter((s) => s.mode === "managed"));
  const name = readName(r);
  const literal = (s: TfResource) => (typeof s.values.name === "string" && !hasInterpolation(s.values.name) ? s.values.name : undefined);
  const named = name !== undefined && stacks.some((s) => literal(s) === name);
  const read = named ? stacks.filter((s) => literal(s) === undefined || literal(s) === name) : stacks;
  for (const s of read) {
    const args = STACK_ARGUMENTS[s.type];
    if (attribute === undefined || attribute === "outputs") {
      followOutputs(stack, s, output, args, followed, out);
      // A name no stack of the configuration has may be a stack one of them nests (`cfg-Child-1ABC…`), whose outputs,
      // from a template blastwall does not read, may be anything it is given (red-team round 112, G3).
      if (!named) followNested(stack, s, followed, out);
    }
    for (const a of [args.parameters, args.template]) {
      if (a === undefined || (attribute !== undefined && attribute !== (a === args.parameters ? "parameters" : "template_body"))) continue;
      const key = `${s.address}.${a}#read`;
      if (followed.has(key)) continue;
      followed.add(key);
      stringsIn(a === args.parameters ? echoedParameters(s) : (s.values[a] ?? ""), out);
      // A plan's configuration names what they were made from, not which parameter holds it (fail closed).
      out.push(...(configuredReferences(s)?.get(a) ?? []));
    }
  }
}

/**
 * Whether a stack's template may import another stack's export: written out (`Fn::ImportValue`, YAML's `!ImportValue`),
 * or a template blastwall cannot read (an application's, a file's, a URL's), which may. A data source reading an export
 * back (`readsExport`) is one such import.
 */
function importsExports(r: TfResource): boolean {
  if (r.mode === "data" && readsExport(r.type, undefined)) return true;
  const args = STACK_ARGUMENTS[r.type];
  if (args === undefined) return false;
  const body = args.template === undefined ? undefined : r.values[args.template];
  return typeof body !== "string" || body.includes("ImportValue") || stackTemplate(r) === undefined;
}

/** The literal steps written after a reference's attribute (`[0].variables["S"]`): list indexes and keys, up to anything else. */
function pathAfter(rest: string): (string | number)[] {
  const out: (string | number)[] = [];
  const step = /\[\s*(\d+)\s*\]|\[\s*"([^"\\$%]*)"\s*\]|\.([A-Za-z_][A-Za-z0-9_-]*)/y;
  for (let m = step.exec(rest); m; m = step.exec(rest)) out.push(m[1] !== undefined ? Number(m[1]) : (m[2] ?? m[3]));
  return out;
}

/**
 * The part of a value the steps pick, and how many steps were taken: a step the value does not show (a computed
 * string, a key it lacks, an index past its end) ends there, and what was reached is followed whole. A block written
 * as one object (cdktf) is its own `[0]`.
 */
function narrowed(value: unknown, path: readonly (string | number)[]): { value: unknown; steps: number } {
  let v = value;
  let steps = 0;
  for (const step of path) {
    if (typeof step === "number") {
      if (Array.isArray(v) && step < v.length) v = v[step];
      else if (!(isObject(v) && step === 0)) break;
    } else if (isObject(v) && step in v) v = v[step];
    else break;
    steps++;
  }
  return { value: v, steps };
}

/**
 * Every string of a stored value, and of the locals and variables (defaults, `--var-file` values, a plan's
 * values) it names, followed once each: `secret_string = local.creds` stores what `local.creds` holds. So are the
 * stores it names and the resources and data sources outside AWS, which hand back what they are given
 * (`terraform_data.k.output`, `random_id.r.keepers`, `data.template_file.t.rendered`: `carriedArguments`).
 */
function storedStrings(stack: TfStack, value: unknown): string[] {
  const out = stringsIn(value);
  const followed = new Set<string>();
  const handBack = (r: TfResource, attribute: string | undefined, field: string | undefined) => {
    const refs = configuredReferences(r);
    for (const { argument: a, exact } of carriedArguments(r.type, attribute, new Set([...Object.keys(r.values), ...(refs?.keys() ?? [])]))) {
      const v = r.values[a];
      const picked = exact && field !== undefined && isObject(v) && field in v ? v[field] : v;
      const seen = `${r.address}.${a}${picked === v ? "" : `.${field}`}`;
      if (followed.has(seen)) continue;
      followed.add(seen);
      if (picked !== undefined && picked !== null) stringsIn(picked, out);
      // A plan shows the value unknown until apply; its configuration names what it was made from.
      out.push(...(refs?.get(a) ?? []));
    }
  };
  for (let i = 0; i < out.length; i++) {
    if (!out[i].includes("${")) continue;
    followValueNames(stack, out[i], followed, out);
    followArguments(stack, out[i], followed, out);
    for (const m of out[i].matchAll(HANDS_BACK_REF)) {
      const [, prefix, data, type, name, keys, attribute] = m;
      // `terraform_data.k.output.secret` (or `["secret"]`) of a literal object input is that key's value alone.
      const key = attribute === undefined ? undefined : /^(?:\.([A-Za-z_][A-Za-z0-9_-]*)|\[\s*"([^"]*)"\s*\])/.exec(out[i].slice(m.index + m[0].length));
      const field = key ? (key[1] ?? key[2]) : undefined;
      for (const address of addressesOf(stack, prefix, type, name, keys, data !== undefined)) {
        const r = stack.byAddress.get(address)!;
        handBack(r, attribute, field);
        // A file read back holds what the resource writing it was given; a name blastwall cannot resolve meets every one.
        if (r.mode === "data" && FILE_READS[type]) for (const w of filesWritten(stack, r)) handBack(w, undefined, undefined);
      }
    }
    for (const m of out[i].matchAll(STORE_READ_REF)) {
      const [, prefix, mode, type, name, keys, attribute] = m;
      const read = STORE_READS[type as (typeof STORE_READ_TYPES)[number]];
      if (attribute !== undefined && !read.attributes.includes(attribute)) continue;
      // An ephemeral block the stack shows reads as its data source does; one it does not show (a plan's) finds none,
      // and the value stays computed (fail closed).
      for (const address of addressesOf(stack, prefix, type, name, keys, mode === "ephemeral" ? "ephemeral" : true)) {
        if (followed.has(address)) continue;
        followed.add(address);
        const source = stack.byAddress.get(address)!;
        for (const store of read.stores(stack, source)) {
          const stored = storedValues(store, secretVersions(stack));
          if (stored) stringsIn(stored.values, out);
        }
      }
    }
  }
  return out;
}

/** The resources of the stack that may write the file a data source reads (`data.local_file`), by its `filename`. */
function filesWritten(stack: TfStack, d: TfResource): TfResource[] {
  const want = attributePattern(stack, d, "filename").pattern;
  return FILE_READS[d.type].flatMap((t) => stack.byType.get(t) ?? []).filter((w) => w.mode === "managed" && globsIntersect(want, attributePattern(stack, w, "filename").pattern));
}

/**
 * Data sources that read a store of the stack back (red-team round 86: a key put in a secret, read back through
 * `data.aws_secretsmanager_secret_version`, then written into tags): the attributes that hold what the store holds,
 * and the stores of the stack the data source may read. A name blastwall cannot resolve is a pattern that meets every
 * store of the type, so the data source carries what any of them holds; a store outside the stack is not the stack's
 * credential to follow (its reads are judged as reads of stores outside the stack).
 */
const STORE_READS: Readonly<Record<(typeof STORE_READ_TYPES)[number], { readonly attributes: readonly string[]; readonly stores: (stack: TfStack, source: TfResource) => readonly TfResource[] }>> = {
  aws_secretsmanager_secret_version: { attributes: ["secret_string", "secret_binary"], stores: secretsRead },
  aws_secretsmanager_secret_versions: { attributes: ["versions"], stores: secretsRead },
  aws_ssm_parameter: { attributes: ["value", "insecure_value"], stores: (stack, d) => parametersNamed(stack, d, readArgument(d, "name"), (n) => [n]) },
  aws_ssm_parameters_by_path: { attributes: ["values"], stores: (stack, d) => parametersNamed(stack, d, "path", (n) => [n.endsWith("/") ? `${n}*` : `${n}/*`]) },
  aws_s3_object: { attributes: ["body"], stores: (stack, d) => objectsRead(stack, d, "aws_s3_object") },
  aws_s3_bucket_object: { attributes: ["body"], stores: (stack, d) => objectsRead(stack, d, "aws_s3_object") },
  aws_dynamodb_table_item: { attributes: ["item"], stores: (stack, d) => sameName(stack, d, "aws_dynamodb_table_item", "table_name") },
};

const STORE_READ_REF = readBackPattern(STORE_READ_TYPES);

/** The secrets of the stack a secret-reading data source may read: those its `secret_id` is linked to. */
function secretsRead(stack: TfStack, d: TfResource): TfResource[] {
  const out: TfResource[] = [];
  for (const [secret, links] of secretVersions(stack)) if (links.some((l) => l.version === d)) out.push(stack.byAddress.get(secret)!);
  if (d.type === "aws_secretsmanager_secret_versions") {
    // The plural data source is no version, so the index does not link it: its `secret_id` names the secret as a version's does.
    const ref = refTarget(d.values.secret_id);
    const direct = ref && (ref.kind === "resource" || ref.kind === "data") ? stack.byAddress.get(ref.address) : undefined;
    if (direct?.type === "aws_secretsmanager_secret") return [direct];
    const id = typeof d.values.secret_id === "string" ? namesOfId(resolveToPattern(stack, d.values.secret_id)) : { names: ["*"], exact: false };
    for (const s of stack.byType.get("aws_secretsmanager_secret") ?? []) if (namesMeet(id, namesOfSecret(stack, s))) out.push(s);
  }
  return out;
}

/** Managed parameters whose name meets what the data source's `argument` names (a name, or its ARN). */
function parametersNamed(stack: TfStack, d: TfResource, argument: string, patterns: (name: string) => string[]): TfResource[] {
  const ref = refTarget(d.values[argument]);
  const direct = ref?.kind === "resource" ? stack.byAddress.get(ref.address) : undefined;
  // The ephemeral form names the parameter by its `arn` (ephemeral-blocks.ts).
  if (direct?.type === "aws_ssm_parameter" && (argument === "name" || argument === "arn")) return [direct];
  const written = attributePattern(stack, d, argument).pattern;
  const arn = /^arn:[^:]*:ssm:[^:]*:[^:]*:parameter(\/.*)$/.exec(written);
  // A parameter's ARN drops the leading `/` of its name only when the name has none: `parameter/x` is `x` or `/x`.
  const names = arn ? [arn[1], arn[1].slice(1)] : [written];
  const wanted = names.flatMap(patterns);
  return (stack.byType.get("aws_ssm_parameter") ?? []).filter((p) => p.mode === "managed" && wanted.some((w) => globsIntersect(w, attributePattern(stack, p, "name").pattern)));
}

/** Objects of the stack in the bucket and under the key the data source reads. */
function objectsRead(stack: TfStack, d: TfResource, type: string): TfResource[] {
  const bucket = attributePattern(stack, d, "bucket").pattern;
  const key = attributePattern(stack, d, "key").pattern;
  return (stack.byType.get(type) ?? []).filter(
    (o) => o.mode === "managed" && globsIntersect(bucket, attributePattern(stack, o, "bucket").pattern) && globsIntersect(key, attributePattern(stack, o, "key").pattern),
  );
}

/** Managed resources of `type` whose `argument` meets the data source's (a table item by its table: any key of it, fail closed). */
function sameName(stack: TfStack, d: TfResource, type: string, argument: string): TfResource[] {
  const want = attributePattern(stack, d, argument).pattern;
  return (stack.byType.get(type) ?? []).filter((r) => r.mode === "managed" && globsIntersect(want, attributePattern(stack, r, argument).pattern));
}

const literalIndex = new WeakMap<TfStack, readonly { value: string; user?: string; what: string }[]>();

/** Credentials of the stack whose value is written out (plans), long enough not to match by chance. */
function literalCredentials(stack: TfStack): readonly { value: string; user?: string; what: string }[] {
  let l = literalIndex.get(stack);
  if (!l) {
    const out: { value: string; user?: string; what: string }[] = [];
    for (const c of CREDENTIAL_REFS) {
      for (const r of stack.byType.get(c.type) ?? []) {
        for (const a of CREDENTIAL_ATTRIBUTES[c.type]) {
          const v = r.values[a];
          if (typeof v === "string" && v.length >= 16 && !v.includes("${")) out.push({ value: v, user: userOf(stack, r), what: c.what });
        }
      }
    }
    literalIndex.set(stack, (l = out));
  }
  return l;
}

/**
 * The user (a principal of the stack) a key or login profile belongs to; undefined when blastwall cannot tell
 * which, so the caller fails closed. A user outside the stack (a data source, an unknown name) is not a node
 * of the graph: naming its address would be an edge to nothing.
 */
function userOf(stack: TfStack, cred: TfResource, argument = "user"): string | undefined {
  const user = cred.values[argument];
  const ref = refTarget(user);
  if (ref?.kind === "resource") {
    const target = stack.byAddress.get(ref.address);
    return target?.type === "aws_iam_user" && target.mode === "managed" ? target.address : undefined;
  }
  if (typeof user !== "string") return undefined;
  const name = resolveToPattern(stack, user);
  return name.exact ? usersByName(stack).get(name.pattern) : undefined;
}

const userIndex = new WeakMap<TfStack, Map<string, string>>();

/** Managed users of the stack by exact name. */
function usersByName(stack: TfStack): Map<string, string> {
  let m = userIndex.get(stack);
  if (!m) {
    m = new Map();
    for (const u of stack.byType.get("aws_iam_user") ?? []) {
      if (u.mode !== "managed") continue;
      const p = principalPatterns(stack, u);
      if (p.nameExact && !m.has(p.name)) m.set(p.name, u.address);
    }
    userIndex.set(stack, m);
  }
  return m;
}

/** What a store shows: its stored values, and whether it may hold more than it shows (`unseen`). */
interface Stored {
  readonly values: unknown[];
  readonly unseen: boolean;
  /** Values counted only because blastwall cannot tell that the store does not show them, and why: a finding says so. */
  readonly failClosed?: { readonly values: unknown[]; readonly why: string };
}

/** Attributes that hold a secret version's value; `_wo` (write-only) ones never reach state or plan, but hold it all the same. */
const SECRET_VALUES = ["secret_string", "secret_binary", "secret_string_wo"] as const;
const PARAMETER_VALUES = ["value", "insecure_value", "value_wo"] as const;

/** The values a resource sets among `attrs`. Null is unset: a plan writes unset and write-only attributes as null. */
function valuesOf(r: TfResource, attrs: readonly string[]): unknown[] {
  const out: unknown[] = [];
  for (const a of attrs) {
    const v = r.values[a];
    if (v === undefined || v === null) continue;
    out.push(v);
    // `secret_binary` is base64: a token inside it has its shape only once decoded.
    const decoded = a === "secret_binary" ? fromBase64(v) : undefined;
    if (decoded !== undefined) out.push(decoded);
  }
  return out;
}

function fromBase64(v: unknown): string | undefined {
  if (typeof v !== "string" || !/^[A-Za-z0-9+/]+={0,2}$/.test(v) || v.length % 4 !== 0) return undefined;
  return Buffer.from(v, "base64").toString("latin1");
}

/** The blocks `name` of a store, static and dynamic (`dynamic "setting"`): what AWS is given either way. */
function blocksOf(store: TfResource, name: string): unknown[] {
  return [store.values[name] ?? [], ...dynamicContents(store.values, name).filter((c) => c !== undefined)];
}

/** Where an EventBridge target keeps what it sends: ListTargetsByRule returns every one of these. */
const EVENT_TARGET_VALUES = ["input", "input_transformer", "http_target", "run_command_targets", "ecs_target", "batch_target", "sqs_target", "kinesis_target", "redshift_target", "sagemaker_pipeline_target", "appsync_target"];

/**
 * The stored values of a store resource: secret versions, parameter values, function environments. `view` is the
 * part one set of reads returns, for a type whose reads return different parts (a stack's parameters, its template).
 */
function storedValues(store: TfResource, versions: Map<string, VersionLink[]>, view?: string): Stored | undefined {
  const stored = storedAsWritten(store, versions, view);
  const refs = configuredReferences(store);
  if (!refs) return stored;
  // A plan shows an unknown or transformed value; what its configuration made it from is stored all the same.
  // CloudFormation takes no parameter its template does not declare: one that masks all of them shows none of the key.
  const masksAll = store.type === "aws_cloudformation_stack" && (view === "parameters" ? maskedParameters(store)?.all === true : (STACK_VIEWS[view ?? ""]?.(store).parameters?.size ?? -1) === 0);
  const extra = [...refs].filter(([a]) => modelledArgument(store.type, view, a) && !(masksAll && a === "parameters")).flatMap(([, r]) => r);
  if (extra.length === 0) return stored;
  return { values: [...(stored?.values ?? []), extra], unseen: stored?.unseen ?? false };
}

/** The configured references of `attrs` of a resource, as interpolations. */
function configuredStrings(r: TfResource, attrs: readonly string[]): string[] {
  const refs = configuredReferences(r);
  return refs ? attrs.flatMap((a) => refs.get(a) ?? []) : [];
}

const modelledCache = new Map<string, boolean>();

/**
 * Whether a read of a store type (`view`) returns `argument`, found by asking `storedAsWritten` about a resource that
 * sets only that argument, to a marker: what the switch below reads, without a second list to keep in step with it.
 * The marker is an interpolation, which the base64 decoding leaves as it is.
 */
function modelledArgument(type: string, view: string | undefined, argument: string): boolean {
  const key = `${type}|${view ?? ""}|${argument}`;
  let hit = modelledCache.get(key);
  if (hit === undefined) {
    const marker = `\${blastwall-marker:${argument}}`;
    const probe = { mode: "managed", type, name: "probe", address: `${type}.probe`, values: { [argument]: marker } } as unknown as TfResource;
    const stored = storedAsWritten(probe, new Map(), view);
    hit = stored !== undefined && stringsIn(stored.values).some((x) => x.includes(marker));
    modelledCache.set(key, hit);
  }
  return hit;
}

function storedAsWritten(store: TfResource, versions: Map<string, VersionLink[]>, view?: string): Stored | undefined {
  switch (store.type) {
    case "aws_secretsmanager_secret": {
      const links = versions.get(store.address) ?? [];
      const values = links.flatMap((l) => [...valuesOf(l.version, SECRET_VALUES), ...configuredStrings(l.version, SECRET_VALUES)]);
      // Only a version certain to write this secret shows what it holds: a data source reads it, and a version
      // that may belong to another secret proves nothing about this one (its values still count, fail closed).
      const writers = links.filter((l) => l.certain && l.version.mode === "managed");
      const unseen = writers.length === 0 || writers.some((l) => valuesOf(l.version, SECRET_VALUES).length === 0);
      return values.length === 0 && unseen ? undefined : { values, unseen };
    }
    case "aws_ssm_parameter": {
      const values = valuesOf(store, PARAMETER_VALUES);
      return values.length > 0 ? { values, unseen: false } : undefined;
    }
    case "aws_lambda_function":
      // `environment` as an object or as an array of blocks: `stringsIn` reads both.
      return { values: [store.values.environment ?? []], unseen: false };
    case "aws_ecs_task_definition":
      return { values: [store.values.container_definitions ?? []], unseen: false };
    case "aws_codebuild_project":
      return { values: [store.values.environment ?? []], unseen: false };
    case "aws_instance":
    case "aws_launch_configuration":
    case "aws_launch_template":
      return { values: [store.values.user_data ?? "", decodeBase64(store.values.user_data_base64), store.type === "aws_launch_template" ? decodeBase64(store.values.user_data) : ""], unseen: false };
    case "aws_glue_job":
      return { values: [store.values.default_arguments ?? {}, store.values.non_overridable_arguments ?? {}], unseen: false };
    case "aws_glue_trigger":
      return { values: [store.values.actions ?? []], unseen: false };
    case "aws_glue_workflow":
      return { values: [store.values.default_run_properties ?? {}], unseen: false };
    case "aws_apprunner_service":
      return { values: [store.values.source_configuration ?? []], unseen: false };
    case "aws_amplify_app":
      return { values: [store.values.environment_variables ?? {}, store.values.auto_branch_creation_config ?? []], unseen: false };
    case "aws_amplify_branch":
      return { values: [store.values.environment_variables ?? {}], unseen: false };
    case "aws_appconfig_hosted_configuration_version":
      return { values: [store.values.content ?? ""], unseen: false };
    case "aws_glue_connection":
      return { values: [store.values.connection_properties ?? {}, store.values.athena_properties ?? {}], unseen: false };
    case "aws_dynamodb_table_item":
      return { values: [store.values.item ?? ""], unseen: false };
    case "aws_batch_job_definition":
      return { values: ["container_properties", "node_properties", "ecs_properties", "eks_properties"].map((a) => store.values[a] ?? ""), unseen: false };
    case "aws_elastic_beanstalk_environment":
    case "aws_elastic_beanstalk_configuration_template":
      return { values: blocksOf(store, "setting"), unseen: false };
    case "aws_scheduler_schedule":
      return { values: blocksOf(store, "target"), unseen: false };
    case "aws_cloudwatch_event_target":
      return { values: EVENT_TARGET_VALUES.flatMap((a) => blocksOf(store, a)), unseen: false };
    case "aws_cloudformation_stack":
      // DescribeStacks shows the outputs too: what the template makes them of.
      if (STACK_VIEWS[view ?? ""]) return { values: shownParameters(store, STACK_VIEWS[view!](store)), unseen: false };
      return { values: view === "parameters" ? [echoedParameters(store), ...outputsShown(store).parts, ...nestedShown(store).parts] : [store.values.template_body ?? ""], unseen: false };
    case "aws_ssm_document":
      return { values: [store.values.content ?? ""], unseen: false };
    case "aws_sfn_state_machine":
      return { values: [store.values.definition ?? ""], unseen: false };
    case "aws_sagemaker_model":
      return { values: [...blocksOf(store, "primary_container"), ...blocksOf(store, "container")], unseen: false };
    case "aws_sagemaker_notebook_instance_lifecycle_configuration":
      return { values: [decodeBase64(store.values.on_create), decodeBase64(store.values.on_start)], unseen: false };
    case "aws_s3_object": {
      // An object uploaded from a file (`source`) holds what the file holds, which the stack does not show.
      const values = [store.values.content ?? "", decodeBase64(store.values.content_base64)];
      return store.values.source !== undefined && store.values.content === undefined && store.values.content_base64 === undefined ? undefined : { values, unseen: false };
    }
    default:
      return undefined;
  }
}

/**
 * A stack's parameters as DescribeStacks shows them: CloudFormation masks the values of parameters its template
 * declares `NoEcho`, unless an output repeats one (it masks no output: red-team round 109, F1). Only a template
 * blastwall can read is read for that; any other shows every value (fail closed).
 */
function echoedParameters(store: TfResource): unknown {
  const params = store.values.parameters;
  if (!isObject(params)) return params ?? {};
  const masked = maskedParameters(store);
  return masked ? Object.fromEntries(Object.entries(params).filter(([name]) => !masked.has(name))) : params;
}

/** A stack's views that show some of its parameters, with no masking of their own: Metadata, exports, stack sets. */
const STACK_VIEWS: Readonly<Record<string, (store: TfResource) => OutputsShown>> = { metadata: metadataShown, exports: exportsShown, nested: nestedShown };

/** The parameters of a stack that `shown` names (every one when it may name any), and the template's text it is made of. */
function shownParameters(store: TfResource, shown: OutputsShown): unknown[] {
  const params = store.values.parameters ?? {};
  const names = shown.parameters;
  return [names === undefined || !isObject(params) ? params : Object.fromEntries(Object.entries(params).filter(([name]) => names.has(name))), ...shown.parts];
}

/**
 * The parameters of a stack DescribeStacks masks, and whether they are every one the template declares; undefined
 * when blastwall cannot tell which (a template it cannot read, outputs that may repeat any), and so counts none masked.
 */
function maskedParameters(store: TfResource): (ReadonlySet<string> & { readonly all: boolean }) | undefined {
  const declared = stackTemplate(store)?.Parameters;
  if (!isObject(declared)) return undefined;
  const shown = outputsShown(store).parameters;
  const nested = nestedShown(store).parameters;
  if (shown === undefined || nested === undefined) return undefined;
  const masked = Object.keys(declared).filter((name) => {
    const d = declared[name];
    return isObject(d) && (d.NoEcho === true || d.NoEcho === "true") && !shown.has(name) && !nested.has(name);
  });
  return Object.assign(new Set(masked), { all: masked.length === Object.keys(declared).length });
}

/** A secret version, and whether it certainly writes the secret (a reference to it, or its exact name). */
interface VersionLink {
  readonly version: TfResource;
  readonly certain: boolean;
}

/** The names a secret may have: exact, or patterns (`name_prefix`, a name blastwall cannot resolve). */
interface SecretNames {
  readonly names: readonly string[];
  readonly exact: boolean;
}

/**
 * The names a secret id stands for: a name, or an ARN `arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME-XXXXXX`
 * (Secrets Manager appends six random characters; a partial ARN, which AWS also accepts, lacks them).
 */
function namesOfId(id: { readonly pattern: string; readonly exact: boolean }): SecretNames {
  const m = /^arn:[^:]*:secretsmanager:[^:]*:[^:]*:secret:(.+)$/.exec(id.pattern);
  if (!m) return { names: [id.pattern], exact: id.exact };
  const bare = /-(?:[A-Za-z0-9]{6}|\*)$/.test(m[1]) ? m[1].replace(/-(?:[A-Za-z0-9]{6}|\*)$/, "") : undefined;
  return { names: bare ? [bare, m[1]] : [m[1]], exact: id.exact };
}

/** A secret's names: a managed secret's `name` / `name_prefix`; a data source's `name` or `arn` (it looks a secret up). */
function namesOfSecret(stack: TfStack, s: TfResource): SecretNames {
  if (s.mode === "data" && s.values.name === undefined && typeof s.values.arn === "string") return namesOfId(resolveToPattern(stack, s.values.arn));
  return namesOfId(attributePattern(stack, s, "name"));
}

function namesMeet(a: SecretNames, b: SecretNames): boolean {
  return a.names.some((x) => b.names.some((y) => globsIntersect(x, y)));
}

const versionIndex = new WeakMap<TfStack, Map<string, VersionLink[]>>();

/**
 * The versions of each secret (managed or data source), by the secret's address. `secret_id` may be a reference,
 * the secret's name or ARN as a literal, a variable or local, or something blastwall cannot resolve; a version
 * is linked to every secret it may write, certainly or not.
 */
function secretVersions(stack: TfStack): Map<string, VersionLink[]> {
  let m = versionIndex.get(stack);
  if (!m) {
    m = new Map();
    const secrets = (stack.byType.get("aws_secretsmanager_secret") ?? []).map((res) => ({ res, names: namesOfSecret(stack, res) }));
    // Most ids are exact names: look those up, and test only the secrets whose names are patterns.
    const byName = new Map<string, (typeof secrets)[number][]>();
    const loose = secrets.filter((s) => !s.names.exact);
    for (const s of secrets) {
      if (!s.names.exact) continue;
      for (const n of s.names.names) byName.set(n, (byName.get(n) ?? []).concat(s));
    }
    const link = (secret: TfResource, version: TfResource, certain: boolean) => {
      const list = m!.get(secret.address) ?? [];
      list.push({ version, certain });
      m!.set(secret.address, list);
    };
    for (const v of stack.byType.get("aws_secretsmanager_secret_version") ?? []) {
      const ref = refTarget(v.values.secret_id);
      const target = ref && (ref.kind === "resource" || ref.kind === "data") ? stack.byAddress.get(ref.address) : undefined;
      const direct = target?.type === "aws_secretsmanager_secret" ? target : undefined;
      if (direct) link(direct, v, true);
      const id = direct ? namesOfSecret(stack, direct) : typeof v.values.secret_id === "string" ? namesOfId(resolveToPattern(stack, v.values.secret_id)) : { names: ["*"], exact: false };
      const named = id.exact ? new Set(id.names.flatMap((n) => byName.get(n) ?? [])) : new Set<(typeof secrets)[number]>();
      for (const s of id.exact ? [...named, ...loose] : secrets) {
        if (s.res === direct || (!named.has(s) && !namesMeet(id, s.names))) continue;
        // Two managed secrets cannot share a name (the second would fail to create); a data source looks one up.
        if (direct?.mode === "managed" && s.res.mode === "managed") continue;
        link(s.res, v, named.has(s));
      }
    }
    versionIndex.set(stack, m);
  }
  return m;
}

/**
 * Reading a stored credential (E8, the April 2026 path): a secret, parameter or function environment the
 * principal can read that holds an access key of a principal in the stack (edge to that user), or a
 * token-shaped literal (edge to an unknown, possibly all-powerful principal). Stores whose contents the stack
 * does not show, and wildcard reads that reach stores outside it, are returned as `unknownReads`.
 */
export function storedCredentialEdges(
  stack: TfStack,
  indexOf: (types: readonly string[]) => ResourceIndex,
  p: PrincipalNode,
  grants: (action: string) => readonly Grant[],
  /** Whether `grants` may give any of these actions (lower case); true when it cannot tell. */
  mayHold: (actions: ReadonlySet<string>) => boolean = () => true,
  /**
   * Another checked stack's principal's own reads (peer-stacks.ts `readsOf`): asked of this stack's stores only, as a
   * wide read's reach outside the stack is that stack's finding.
   */
  peerReads?: PeerReads,
): { edges: CredentialEdge[]; unknownReads: SecretRead[]; databaseReads: DatabaseRead[] } {
  const edges: CredentialEdge[] = [];
  const unknownReads: SecretRead[] = [];
  const databaseReads: DatabaseRead[] = [];
  for (const store of CREDENTIAL_STORES) {
    // A read of a type the stack has no store of finds nothing here (wide reads are judged below): most stacks have
    // few of these types, and every principal would ask about all of them.
    if (!stack.byType.get(store.type)?.length) continue;
    const held: { a: string; gs: readonly Grant[] }[] = [];
    for (const a of store.actions) {
      const peer = peerReads?.grants(a) ?? [];
      const gs = peer.length === 0 ? grants(a) : [...grants(a), ...peer];
      if (gs.length > 0) held.push({ a, gs });
    }
    if (held.length === 0) continue;
    const index = storeIndex(stack, store.type, indexOf);
    // Per store, each statement that reads it with the first action it grants there (in the store's order of actions):
    // every granting statement is named, since scoping one leaves the others' reads (red-team round 132).
    const hits = new Map<TfResource, Map<Statement, StoreHit>>();
    for (const x of held) {
      for (const g of x.gs) {
        for (const r of g.resources) {
          // GetParametersByPath is authorised on the path and returns every parameter under it (recursively on request).
          const patterns = x.a === "ssm:GetParametersByPath" ? [r, r.endsWith("/") ? `${r}*` : `${r}/*`] : [r];
          for (const pattern of patterns) {
            for (const res of index.referenced(g, pattern) ?? index.matching(pattern)) {
              if (peerReads !== undefined && peerRefuses(stack, peerReads, g, x.a, res)) continue;
              let by = hits.get(res);
              if (!by) hits.set(res, (by = new Map()));
              if (!by.has(g.statement)) by.set(g.statement, { a: x.a, statement: g.statement });
            }
          }
        }
      }
    }
    // By address, and each store's readers by statement: the reads of unseen stores come out in an order the input's
    // order of resources and policies does not set (agent-stored-secret's steps and `resource`, red-team round 132).
    for (const [res, by] of [...hits].sort(([x], [y]) => compareText(x.address, y.address))) {
      const readers = [...by.values()];
      // A credential found is one edge, through the first grant that reaches the store.
      const hit = readers[0];
      const unseen = (tail: string) => {
        for (const r of [...readers].sort((x, y) => compareStatements(x.statement, y.statement))) unknownReads.push(new StoreRead(res.address, r.a, res.address, r.statement, tail));
      };
      // A database given what a data source or ephemeral resource reads back from this store has the store's value as
      // its password, whatever the stack shows the store holds (red-team round 169, F1).
      // Spelt out when first read: a database read's now, an edge's when the edge's detail is (most never are; every
      // principal that reads a store holding a key made one per store, and its statement's digest).
      const how = readOf(res, hit);
      const readBack = databasePasswords().databasesReadBackFrom(stack, res);
      for (const [database, { via, maybe }] of readBack) {
        databaseReads.push({
          store: res.address,
          database,
          action: hit.a,
          ...(maybe === undefined ? {} : { maybe }),
          detail: maybe === undefined ? `${how().text} reads the master password of ${database} (${via} reads it back from there)` : `${how().text} may read the master password of ${database} (${maybe})`,
          statements: how().statements,
        });
      }
      const held = storeContents(stack, res, "view" in store ? store.view : undefined);
      if (held === undefined) {
        if (!CONFIGURATION_STORES.has(store.type)) unseen(": the stack does not show what it holds");
        continue;
      }
      const { stored, c, databases, databasesMaybe, failClosed } = held;
      for (const database of databases.filter((d) => readBack.get(d)?.maybe !== undefined || !readBack.has(d))) databaseReads.push({ store: res.address, database, action: hit.a, detail: `${how().text} reads the master password of ${database}`, statements: how().statements });
      for (const [database, why] of [...databasesMaybe].filter(([d]) => !readBack.has(d))) databaseReads.push({ store: res.address, database, maybe: why, action: hit.a, detail: `${how().text} may read the master password of ${database} (${why})`, statements: how().statements });
      for (const f of c.found) {
        const why = failClosed?.get(`${f.what} ${f.user}`);
        const note = why === undefined ? "" : ` (${why})`;
        edges.push({ to: f.user, store: res.address, label: hit.a, detail: once(() => naming(() => `${mention(how())} reads ${f.what} of ${f.user}${note}`)), storeDetail: `${why === undefined ? "holds" : "may hold"} ${f.what} of ${f.user}` });
      }
      if (c.tokenShape) edges.push({ store: res.address, label: hit.a, detail: once(() => naming(() => `${mention(how())} reads ${c.tokenShape}, a credential whose rights blastwall cannot see`)) });
      else if (c.found.length === 0 && databases.length === 0 && databasesMaybe.size === 0 && c.computed && !CONFIGURATION_STORES.has(store.type)) {
        unseen(": its value is computed, so blastwall cannot tell whether it is a credential");
      } else if (c.found.length === 0 && stored.unseen) {
        unseen(": the stack does not show all it holds (no version surely writing it shows its value)");
      }
    }
  }
  // RDS keeps the master password of a database with manage_master_user_password in a secret of its own (`rds!db-...`).
  for (const g of grants("secretsmanager:GetSecretValue")) {
    for (const r of g.resources) {
      // `rds!` names only the secrets RDS keeps master passwords in: a read aimed at them reads databases' passwords,
      // of this stack or not.
      if (databasePasswords().MANAGED_SECRET_PREFIX.test(r) && !databaseReads.some((d) => d.store === r)) {
        databaseReads.push({
          store: r,
          database: "every database whose master password AWS manages (its rds! or redshift! secret)",
          action: "secretsmanager:GetSecretValue",
          detail: `secretsmanager:GetSecretValue on ${r} (${g.statement.source.address} ${statementName(g.statement)}) reads the secrets RDS keeps master passwords in`,
          statements: [statementRef(g.statement)],
        });
      }
      for (const m of databasePasswords().managedSecretsReached(stack, r, (a, b) => globsIntersect(a, b))) {
        if (databaseReads.some((d) => d.database === m.database && d.store === m.secret)) continue;
        databaseReads.push({
          store: m.secret,
          database: m.database,
          action: "secretsmanager:GetSecretValue",
          detail: `secretsmanager:GetSecretValue on ${r} (${g.statement.source.address} ${statementName(g.statement)}) reads the secret RDS keeps the master password of ${m.database} in (${m.secret})`,
          statements: [statementRef(g.statement)],
        });
      }
    }
  }
  // A password read back from a store blastwall cannot tell may be in any store of that kind, outside the stack too:
  // a read that reaches outside it may read the password (fail closed), where no store of the stack already showed it.
  // Only a principal that reads some credential store can read one of those: the module (and its index of the stack's
  // databases) loads only then, as it does for the stores above.
  const readsStores = CREDENTIAL_STORES.some((c) => READ_BACK_STORES.has(c.type) && c.actions.some((a) => grants(a).length > 0));
  for (const rb of readsStores ? databasePasswords().unresolvedReadBacks(stack) : []) {
    if (databaseReads.some((d) => d.database === rb.database)) continue;
    // One wide read of the first kind of store that may hold it (a source blastwall does not know may read either).
    const reads = rb.storeTypes.flatMap((t) => (CREDENTIAL_STORES.find((c) => c.type === t)?.actions ?? []).map((a) => ({ a, t })));
    for (const { a, t } of reads) {
      const wide = wideReads(stack, indexOf, t, grants(a))[0];
      if (wide === undefined) continue;
      const patterns = wide.resources.join(", ");
      databaseReads.push({
        store: patterns,
        database: rb.database,
        action: a,
        maybe: rb.why,
        detail: `${a} on ${patterns} (${wide.statement.source.address} ${statementName(wide.statement)}) may read the master password of ${rb.database} (${rb.why})`,
        statements: [statementRef(wide.statement)],
      });
      break;
    }
  }
  // A password read back from a store outside the stack, named by a literal (red-team round 172, F1 and F2): read
  // only through a grant whose pattern can match that store's ARN (`*` included); one written as a reference to a store
  // of the stack reads that store, whose literal name is another.
  for (const rb of readsStores ? databasePasswords().outsideReadBacks(stack) : []) {
    if (databaseReads.some((d) => d.database === rb.database)) continue;
    const index = storeIndex(stack, rb.storeType, indexOf);
    const noun = rb.storeType === "aws_ssm_parameter" ? "parameter" : "secret";
    reads: for (const a of CREDENTIAL_STORES.find((c) => c.type === rb.storeType)?.actions ?? []) {
      for (const g of grants(a)) {
        for (const r of g.resources) {
          if (index.referenced(g, r)) continue;
          // GetParametersByPath is authorised on the path and returns what is under it.
          const patterns = a === "ssm:GetParametersByPath" ? [r, r.endsWith("/") ? `${r}*` : `${r}/*`] : [r];
          const hit = rb.outside.find((o) => patterns.some((p) => globsIntersect(p, o.arn)));
          if (hit === undefined) continue;
          const why = `its password is read back by ${rb.via} from the ${noun} ${hit.name}, which is outside the stack, and ${r} can match that ${noun}'s ARN (${hit.arn})`;
          databaseReads.push({
            store: `${noun} ${hit.name} outside the stack`,
            database: rb.database,
            action: a,
            maybe: why,
            detail: `${a} on ${r} (${g.statement.source.address} ${statementName(g.statement)}) may read the master password of ${rb.database} (${why})`,
            statements: [statementRef(g.statement)],
          });
          break reads;
        }
      }
    }
  }
  // A read on a wildcard reaches stores outside the stack too: every credential-reading action of the catalogue.
  // Most principals hold none of them: asked of the principal's few rights at once before each is asked.
  for (const { entry, storeType } of mayHold(secretActions()) ? secretEntries() : []) {
    const held = grants(entry.action);
    if (held.length === 0) continue;
    // In a function of its own: the closures it makes would otherwise cost every principal a context per entry.
    // Each statement granting such a read is one: scoping one leaves the others' (red-team round 132).
    for (const wide of wideReads(stack, indexOf, storeType, held)) {
      const patterns = wide.resources.join(", ");
      unknownReads.push(new StoreRead(patterns, entry.action, patterns, wide.statement, " reaches stored secrets outside this stack, which may hold broad credentials"));
    }
  }
  return { edges, unknownReads, databaseReads };
}

/**
 * Another checked stack's principal's reads of stored secrets (`PeerAgent.reads`), with the Denies of its own that
 * may cover them: its own stack cannot ask them of this stack's stores, whose ARNs it does not know.
 */
export interface PeerReads {
  readonly grants: (action: string) => readonly Grant[];
  readonly denies: readonly Statement[];
}

/**
 * Whether a Deny of the other stack's principal certainly refuses its grant `g` of `action` on `store`: within its
 * account an explicit Deny wins. Only a Deny that covers every ARN the store may have counts (fail closed).
 */
function peerRefuses(stack: TfStack, peer: PeerReads, g: Grant, action: string, store: TfResource): boolean {
  if (peer.denies.length === 0 || !peer.grants(action).includes(g)) return false;
  const arns = STORE_ARNS[store.type]?.(stack, store) ?? [placedArn(stack, store)];
  return arns.every((arn) => denyCertainlyCovers(peer.denies, actionUniverse(), action, arn));
}

/**
 * A store's ARN pattern with the region and account its provider pins filled in: a Deny is written for ARNs of an
 * account, and an open one would never be certainly covered by it.
 */
function placedArn(stack: TfStack, store: TfResource): string {
  const parts = attributePattern(stack, store, "arn").pattern.split(":");
  if (parts.length < 6) return parts.join(":");
  const region = resourceRegion(stack, store);
  const account = resourceAccount(stack, store);
  if (parts[3] === "*" && region !== undefined) parts[3] = region;
  if (parts[4] === "*" && account !== undefined) parts[4] = account;
  return parts.join(":");
}

/** How a statement reads a store (`ssm:GetParameter on aws_ssm_parameter.p (... statement #1)`), written once, when first asked. */
function readOf(res: TfResource, hit: StoreHit): () => Named {
  return once(() => naming(() => `${hit.a} on ${res.address} (${hit.statement.source.address} ${statementName(hit.statement)})`));
}

/** A text `naming` writes, written on the first call and kept: every later reader gets the same one. */
function once(write: () => Named): () => Named {
  let named: Named | undefined;
  return () => (named ??= write());
}

/**
 * A read of a store whose contents the stack does not show, its detail written only when read: a principal with a
 * wide read reaches every store of a type, the reads of every principal are kept as long as the graph, and few are
 * ever reported (the detail spelt out for each was most of what a large stack's graph kept).
 */
class StoreRead implements SecretRead {
  constructor(
    readonly store: string,
    readonly action: string,
    /** What the action is granted on, as the detail names it: the store, or the patterns of a wide read. */
    private readonly on: string,
    private readonly statement: Statement,
    private readonly tail: string,
  ) {}

  get detail(): string {
    return `${this.action}${this.afterAction}`;
  }

  get afterAction(): string {
    return ` on ${this.on} (${this.statement.source.address} ${statementName(this.statement)})${this.tail}`;
  }

  get statements(): readonly StatementRef[] {
    return [statementRef(this.statement)];
  }
}

/** A statement that reads a store of the stack, and the first of the store's actions it grants there. */
interface StoreHit {
  readonly a: string;
  readonly statement: Statement;
}

/** The grants whose read may reach stores outside the stack, the first of each statement, by statement. */
function wideReads(stack: TfStack, indexOf: (types: readonly string[]) => ResourceIndex, storeType: string | undefined, held: readonly Grant[]): Grant[] {
  // Any wildcard in the resource part (`secret:prod/*`, `secret:rds!db-*`) may name secrets outside the stack,
  // unless the grant was written as a reference to a store of the stack (its random suffix is a wildcard too); a
  // hand-written pattern that merely equals a store's ARN pattern is a pattern (red-team round 66).
  const index = storeType ? storeIndex(stack, storeType, indexOf) : undefined;
  const outside = (g: Grant) => (r: string) => (index ? !index.referenced(g, r) && index.reachesOutside(r, g) : wildResourcePart(r));
  const out = new Map<Statement, Grant>();
  for (const g of held) if (!out.has(g.statement) && g.resources.some(outside(g))) out.set(g.statement, g);
  return [...out.values()].sort((x, y) => compareStatements(x.statement, y.statement));
}

/**
 * A stack's view with the exports its shown values import (`Fn::ImportValue` resolves to the exporting stack's value:
 * red-team round 110, F2), and what the handlers of the custom resources it reads may return: an exporting stack's
 * function imported as a ServiceToken, a Terraform function (red-team round 112, G1). ListExports lists the exporters'
 * own outputs, so its view imports nothing of its own but its custom resources' handlers.
 */
function withImports(stack: TfStack, store: TfResource, view: string | undefined, stored: Stored | undefined): Stored | undefined {
  if (store.type !== "aws_cloudformation_stack" || (view !== "parameters" && STACK_VIEWS[view ?? ""] === undefined)) return stored;
  const views = view === "parameters" ? [outputsShown(store), nestedShown(store)] : [STACK_VIEWS[view!](store)];
  const out: string[] = [];
  const untied: Untied = { values: [] };
  const followed = new Set<string>();
  if (view === "parameters" || view === "metadata") followImports(stack, views.flatMap((x) => x.imports ?? []), followed, out, false, untied);
  followImports(stack, views.flatMap((x) => x.handlerImports ?? []), followed, out, true, untied);
  followHandlers(stack, store, views.flatMap((x) => x.handlers ?? []), STACK_ARGUMENTS[store.type], out, untied);
  if (out.length === 0 && untied.values.length === 0) return stored;
  const failClosed = untied.why === undefined || untied.values.length === 0 ? {} : { failClosed: { values: [untied.values], why: untied.why } };
  return { values: [...(stored?.values ?? []), out], unseen: stored?.unseen ?? false, ...failClosed };
}

/** What a store holds, read from the stack alone. */
interface StoreContents {
  readonly stored: Stored;
  readonly c: ReturnType<typeof contents>;
  readonly databases: readonly string[];
  /** Databases whose password the store may hold though the stack cannot show it does, and why (fail closed). */
  readonly databasesMaybe: ReadonlyMap<string, string>;
  /** Why each credential found only among `stored.failClosed`'s values counts (by `what user`). */
  readonly failClosed?: ReadonlyMap<string, string>;
}

const contentsIndex = new WeakMap<TfStack, Map<TfResource, Map<string | undefined, StoreContents | null>>>();

/** What a store shows (undefined: nothing), read once per stack: every principal that can read the store asks again. */
function storeContents(stack: TfStack, res: TfResource, view?: string): StoreContents | undefined {
  let m = contentsIndex.get(stack);
  if (!m) contentsIndex.set(stack, (m = new Map()));
  let views = m.get(res);
  if (!views) m.set(res, (views = new Map()));
  let held = views.get(view);
  if (held === undefined) {
    const stored = withImports(stack, res, view, storedValues(res, secretVersions(stack), view));
    held = stored === undefined ? null : heldIn(stack, stored);
    views.set(view, held);
  }
  return held ?? undefined;
}

/** What stored values hold, saying which credentials are counted only by failing closed. */
function heldIn(stack: TfStack, stored: Stored): StoreContents {
  const values = stored.failClosed === undefined ? stored.values : [...stored.values, ...stored.failClosed.values];
  const c = contents(stack, values);
  const strings = storedStrings(stack, values);
  const databases = databasePasswords().databasesIn(stack, strings);
  const databasesMaybe = databasePasswords().databasesMaybeIn(stack, strings, databases);
  if (stored.failClosed === undefined || c.found.length === 0) return { stored, c, databases, databasesMaybe };
  const plain = new Set(contents(stack, stored.values).found.map((f) => `${f.what} ${f.user}`));
  const why = stored.failClosed.why;
  return { stored, c, databases, databasesMaybe, failClosed: new Map(c.found.filter((f) => !plain.has(`${f.what} ${f.user}`)).map((f) => [`${f.what} ${f.user}`, why])) };
}

let secretList: readonly { readonly entry: CatalogueEntry; readonly storeType?: string }[] | undefined;
let secretSet: ReadonlySet<string> | undefined;

/** The actions of `secretEntries`, lower case (the keys of effective rights). */
function secretActions(): ReadonlySet<string> {
  return (secretSet ??= new Set(secretEntries().map(({ entry }) => entry.action.toLowerCase())));
}

/** The catalogue's credential-reading actions, each with the store type that holds what it reads (built once). */
function secretEntries(): readonly { readonly entry: CatalogueEntry; readonly storeType?: string }[] {
  return (secretList ??= loadCatalogue()
    .escalation.filter((e) => e.target === "secret")
    .map((entry) => ({ entry, storeType: CREDENTIAL_STORES.find((c) => (c.actions as readonly string[]).includes(entry.action))?.type })));
}

/** What the reads need of an index of stores: the stores a pattern may name, and whether it may name others. */
type StoreIndex = Pick<ResourceIndex, "matching" | "reachesOutside" | "referenced">;

/**
 * ARN patterns of the store types whose ARNs the shared attribute tables do not know (they would stand for `*`,
 * and every read of one such store would read them all). An item lives in its table: a read of the table, or of
 * an index of it (which projects the item's attributes), reads it.
 */
const STORE_ARNS: Readonly<Record<string, (stack: TfStack, r: TfResource) => readonly string[]>> = {
  aws_glue_connection: (stack, r) => [`arn:aws:glue:*:*:connection/${attributePattern(stack, r, "name").pattern}`],
  aws_batch_job_definition: (stack, r) => [`arn:aws:batch:*:*:job-definition/${attributePattern(stack, r, "name").pattern}:*`],
  aws_glue_job: (stack, r) => [`arn:aws:glue:*:*:job/${attributePattern(stack, r, "name").pattern}`],
  aws_glue_trigger: (stack, r) => [`arn:aws:glue:*:*:trigger/${attributePattern(stack, r, "name").pattern}`],
  aws_glue_workflow: (stack, r) => [`arn:aws:glue:*:*:workflow/${attributePattern(stack, r, "name").pattern}`],
  aws_apprunner_service: (stack, r) => [`arn:aws:apprunner:*:*:service/${attributePattern(stack, r, "service_name").pattern}/*`],
  // App ids are AWS's to choose, so one app's ARN is not told from another's; ListBranches is authorised on the app,
  // so a branch is read through any app ARN too (a grant on one branch counts for every branch named alike: fail closed).
  aws_amplify_app: () => ["arn:aws:amplify:*:*:apps/*"],
  aws_amplify_branch: (stack, r) => [`arn:aws:amplify:*:*:apps/*/branches/${attributePattern(stack, r, "branch_name").pattern}`, "arn:aws:amplify:*:*:apps/*"],
  // The action takes no resource: policies grant it on `*`.
  aws_launch_configuration: (stack, r) => [`arn:aws:autoscaling:*:*:launchConfiguration:*:launchConfigurationName/${attributePattern(stack, r, "name").pattern}`],
  // A version is authorised on its profile; the configuration an environment deploys, on the environment's configuration of it.
  aws_appconfig_hosted_configuration_version: (stack, r) => {
    const app = attributePattern(stack, r, "application_id").pattern;
    const profile = attributePattern(stack, r, "configuration_profile_id").pattern;
    return [`arn:aws:appconfig:*:*:application/${app}/configurationprofile/${profile}`, `arn:aws:appconfig:*:*:application/${app}/environment/*/configuration/${profile}`];
  },
  // Option settings are authorised on the environment or configuration template, under its application.
  aws_elastic_beanstalk_environment: (stack, r) => [`arn:aws:elasticbeanstalk:*:*:environment/${attributePattern(stack, r, "application").pattern}/${attributePattern(stack, r, "name").pattern}`],
  aws_elastic_beanstalk_configuration_template: (stack, r) => [
    `arn:aws:elasticbeanstalk:*:*:configurationtemplate/${attributePattern(stack, r, "application").pattern}/${attributePattern(stack, r, "name").pattern}`,
  ],
  aws_scheduler_schedule: (stack, r) => [`arn:aws:scheduler:*:*:schedule/${r.values.group_name === undefined ? "default" : attributePattern(stack, r, "group_name").pattern}/${attributePattern(stack, r, "name").pattern}`],
  // A target is read through its rule: `rule/NAME` on the default bus, `rule/BUS/NAME` on another.
  aws_cloudwatch_event_target: (stack, r) => {
    const rule = attributePattern(stack, r, "rule").pattern;
    const bus = r.values.event_bus_name === undefined ? "default" : attributePattern(stack, r, "event_bus_name").pattern;
    return bus === "default" ? [`arn:aws:events:*:*:rule/${rule}`, `arn:aws:events:*:*:rule/default/${rule}`] : [`arn:aws:events:*:*:rule/${bus.replace(/^arn:.*:event-bus\//, "")}/${rule}`];
  },
  // The stack id is AWS's to choose. A stack it nests is named after it (`NAME-Child-XXXX`), and shows what it is given.
  aws_cloudformation_stack: (stack, r) => {
    const name = attributePattern(stack, r, "name").pattern;
    const nested = nestedShown(r);
    // A stack set's instances are named after the set (`StackSet-NAME-…`), and DescribeStackSet reads the set itself.
    return nested.parameters?.size === 0 && nested.parts.length === 0
      ? [`arn:aws:cloudformation:*:*:stack/${name}/*`]
      : [`arn:aws:cloudformation:*:*:stack/${name}/*`, `arn:aws:cloudformation:*:*:stack/${name}-*/*`, "arn:aws:cloudformation:*:*:stack/StackSet-*/*", "arn:aws:cloudformation:*:*:stackset/*"];
  },
  aws_ssm_document: (stack, r) => [`arn:aws:ssm:*:*:document/${attributePattern(stack, r, "name").pattern}`],
  // The machine, its versions and aliases (`:1`, `:live`), and its executions (DescribeStateMachineForExecution).
  aws_sfn_state_machine: (stack, r) => {
    const name = attributePattern(stack, r, "name").pattern;
    return [`arn:aws:states:*:*:stateMachine:${name}`, `arn:aws:states:*:*:stateMachine:${name}:*`, `arn:aws:states:*:*:execution:${name}:*`];
  },
  aws_sagemaker_model: (stack, r) => [`arn:aws:sagemaker:*:*:model/${attributePattern(stack, r, "name").pattern}`],
  aws_sagemaker_notebook_instance_lifecycle_configuration: (stack, r) => [`arn:aws:sagemaker:*:*:notebook-instance-lifecycle-config/${attributePattern(stack, r, "name").pattern}`],
  aws_dynamodb_table_item: (stack, r) => {
    const table = attributePattern(stack, r, "table_name").pattern;
    return [`arn:aws:dynamodb:*:*:table/${table}`, `arn:aws:dynamodb:*:*:table/${table}/index/*`];
  },
};

/** Like `ResourceIndex`, over ARN patterns given per store. */
class PatternIndex implements StoreIndex {
  private readonly items: { readonly res: TfResource; readonly arns: readonly string[] }[];

  constructor(
    private readonly stack: TfStack,
    private readonly type: string,
    arns: (stack: TfStack, r: TfResource) => readonly string[],
  ) {
    this.items = (stack.byType.get(type) ?? []).map((res) => ({ res, arns: arns(stack, res) }));
  }

  /** A grant written as a reference to a store (`${that.arn}`, or an ARN built around references to it): that store. */
  referenced(g: Grant, r: string): readonly TfResource[] | undefined {
    return writtenReferences(g, r, (w, resolved) => referencedResource(this.stack, w, [this.type]) ?? builtAround(this.stack, w, resolved, this.items));
  }

  matching(pattern: string): readonly TfResource[] {
    return this.items.filter((i) => i.arns.some((a) => globsIntersect(pattern, a))).map((i) => i.res);
  }

  reachesOutside(pattern: string, g?: Grant): boolean {
    // A reference to a store is `referenced`'s; a pattern equal to a store's ARN pattern, written by hand, is a pattern.
    if (wildResourcePart(pattern)) return true;
    if (g && writtenWildPlace(this.stack, g, pattern)) return true;
    return this.matching(pattern).length === 0;
  }
}

const patternIndexes = new WeakMap<TfStack, Map<string, StoreIndex>>();

function storeIndex(stack: TfStack, type: string, indexOf: (types: readonly string[]) => ResourceIndex): StoreIndex {
  const arns = STORE_ARNS[type];
  if (!arns) return indexOf(storeTypes(type));
  let m = patternIndexes.get(stack);
  if (!m) patternIndexes.set(stack, (m = new Map()));
  let i = m.get(type);
  if (!i) m.set(type, (i = new PatternIndex(stack, type, arns)));
  return i;
}

const typeLists = new Map<string, readonly string[]>();

/** One array per store type, so the graph's index cache is hit by identity. */
function storeTypes(type: string): readonly string[] {
  let l = typeLists.get(type);
  if (!l) typeLists.set(type, (l = [type]));
  return l;
}

/**
 * Compute configuration (function environments, container, build, job and application environments, connection
 * settings, user data, hosted application configuration) is computed from references as a rule: a computed value there is not a sign of a secret, so it raises no
 * warning. Secrets, parameters, table items and objects exist to hold values.
 */
const CONFIGURATION_STORES = new Set([
  "aws_lambda_function",
  "aws_ecs_task_definition",
  "aws_codebuild_project",
  "aws_instance",
  "aws_launch_template",
  "aws_launch_configuration",
  "aws_glue_connection",
  "aws_glue_job",
  "aws_glue_trigger",
  "aws_glue_workflow",
  "aws_batch_job_definition",
  "aws_apprunner_service",
  "aws_amplify_app",
  "aws_amplify_branch",
  "aws_appconfig_hosted_configuration_version",
  "aws_elastic_beanstalk_environment",
  "aws_elastic_beanstalk_configuration_template",
  "aws_scheduler_schedule",
  "aws_cloudwatch_event_target",
  "aws_cloudformation_stack",
  "aws_ssm_document",
  "aws_sfn_state_machine",
  "aws_sagemaker_model",
  "aws_sagemaker_notebook_instance_lifecycle_configuration",
]);

/** A literal base64 value decoded (launch template user data, `*_base64` arguments); expressions as they are. */
function decodeBase64(v: unknown): string {
  if (typeof v !== "string" || v === "") return "";
  if (v.includes("${")) return v;
  try {
    return Buffer.from(v, "base64").toString("utf8");
  } catch {
    return v;
  }
}

/**
 * The attributes of each credential resource that are the secret half (an access key's id alone signs nothing; a
 * PGP-encrypted copy is no use without the private key). A reference to the whole resource holds them too.
 */
const SECRET_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  aws_iam_access_key: ["secret", "ses_smtp_password_v4"],
  aws_iam_user_login_profile: ["password"],
  aws_iam_service_specific_credential: ["service_password", "service_credential_secret"],
};

const SECRET_REF = referencePattern(Object.keys(SECRET_ATTRIBUTES));

/**
 * Types that put nothing they are given where AWS shows it: the credential resources themselves, and a ciphertext
 * whose plaintext only Terraform's state keeps (the state is its own path, edges-state.ts). Not holders, but not
 * dead ends either: Terraform hands what they were given on to whatever names it (`aws_kms_ciphertext.c.plaintext`
 * in tags is the plaintext, `followArguments`).
 */
const HOLDS_NOTHING = new Set([...Object.keys(USER_CREDENTIALS), "aws_kms_ciphertext"]);

/** A credential of a user written into a resource's configuration, where blastwall does not model who reads it. */
export interface WrittenCredential {
  readonly resource: TfResource;
  /** The top-level argument or block that holds it (`setting`, `tags`). */
  readonly attribute: string;
  /** The credential resource (`aws_iam_access_key.deploy`). */
  readonly credential: string;
  readonly what: string;
  /** The user it signs as; undefined when blastwall cannot tell which (the caller fails closed). */
  readonly user?: string;
}

/**
 * What counts as a credential for `writtenWalk`: a user's key here, a database's password or a CA's key for
 * written-secrets.ts. `T` is what a finding names.
 */
export interface WrittenMatcher<T> {
  /** Text an interpolation must mention to name one (a reference's address, a local or variable holding one). */
  readonly names: readonly string[];
  /** What an interpolation that mentions one of `names` names. */
  readonly named: (str: string) => Iterable<T>;
  /** Values the stack writes out (a plan's), each with what it stands for; long enough not to match by chance. */
  readonly literals: readonly { readonly value: string; readonly found: T }[];
  /** One finding per resource and key. */
  readonly key: (found: T) => string;
  /** Arguments of a resource where the credential belongs rather than a copy of it (a database's own password). */
  readonly own?: (r: TfResource) => readonly string[];
  /**
   * What an output of another stack stands for where blastwall stopped following outputs passed on from stack to stack
   * (`remoteFound`, past MAX_REMOTE): it may hold anything, so a matcher that can say so fails closed with it. One that
   * cannot leaves it to the user-key walk, which reads the same strings.
   */
  readonly unfollowed?: (output: string) => T;
}

/**
 * Credentials (an access key's secret, a console or service password) that flow into resources of the stack in
 * arguments no modelled store read covers (red-team round 85: an Elastic Beanstalk environment's settings were read
 * as holding nothing). AWS keeps configuration to show it back, so whoever may describe the resource may hold the
 * key: fail closed, whatever the type. Only AWS resources count (aws, awscc): another provider's resource is outside
 * what AWS rights read, and the state holding every value is reported through the state's own readers.
 */
export function writtenCredentials(stack: TfStack): WrittenCredential[] {
  const credentialTypes = Object.keys(SECRET_ATTRIBUTES);
  // A stack that reads another's outputs may be handed that stack's keys.
  if (!stack.remoteOutputs && !credentialTypes.some((t) => stack.byType.get(t)?.some((r) => r.mode === "managed"))) return [];
  return writtenWalk(stack, userCredentials(stack)).map(({ resource, attribute, found }) => ({ resource, attribute, ...found }));
}

type UserCredential = Pick<WrittenCredential, "credential" | "what" | "user">;

export const REMOTE_STATE = "data.terraform_remote_state.";
/** `data.terraform_remote_state.X.outputs.NAME` (or `["NAME"]`, or the whole `outputs`): groups module path, name, keys, output. */
const REMOTE_REF = new RegExp(String.raw`(?<![A-Za-z0-9_.-])(${MODULE_PATH})data\.terraform_remote_state\.([A-Za-z0-9_-]+)((?:\[[^\]]*\])*)\.outputs(?:\.([A-Za-z0-9_-]+)|\[\s*"([^"]*)"\s*\])?`, "g");
/**
 * Outputs passed on from stack to stack (`remoteFound`) are followed this many remote states deep; past that an output
 * that reads yet another stack's counts as holding a credential blastwall cannot see (red-team round 176: a key passed
 * through 9 stacks was dropped). Each step walks every string of an output, and an output may read several: the bound
 * keeps a wide chain from growing with its depth. A cycle is not followed round again (`remoteActive`).
 */
export const MAX_REMOTE = 8;
/** The outputs being followed, outermost first (`stack|output`): a cycle of remote states hands over nothing new. */
const remoteActive: string[] = [];

/** A credential of another stack of the run, handed over by a remote state's output (a cdktf cross-stack reference). */
interface RemoteCredential {
  /** The credential and its stack, with its user there when known: `aws_iam_access_key.k of stack identity, user aws_iam_user.ci there`. */
  readonly label: string;
  readonly what: string;
}

/**
 * The credentials of other stacks an interpolation reads through `data.terraform_remote_state` (red-team round 105,
 * F4): the expression the other stack gives the output, read there as that stack's own values are. Only for a remote
 * state blastwall tied to a stack of the run (`remoteOutputs`); the user is that stack's, whose rights this stack's
 * analysis does not hold.
 */
function remoteCredentials(stack: TfStack, str: string): RemoteCredential[] {
  const out: RemoteCredential[] = [];
  for (const { stack: label, found: c } of remoteFound(stack, str, userCredentials)) {
    const full = `${c.credential} of stack ${label}${c.user ? `, user ${c.user} there` : ""}`;
    if (!out.some((o) => o.label === full)) out.push({ label: full, what: c.what });
  }
  return out;
}

/**
 * What `matcherOf` (built for the other stack) finds in the outputs of other stacks of the run that an interpolation
 * reads through `data.terraform_remote_state`, with that stack's name and the string of its output it was found in (a
 * caller that matches short literals as whole words checks it). A user's key here; a database password or CA key for
 * written-secrets.ts (red-team round 106, A3).
 */
export function remoteFound<T>(stack: TfStack, str: string, matcherOf: (s: TfStack) => WrittenMatcher<T>): { readonly stack: string; readonly found: T; readonly str: string }[] {
  if (!stack.remoteOutputs || !str.includes(REMOTE_STATE)) return [];
  const out: { stack: string; found: T; str: string }[] = [];
  for (const m of str.matchAll(REMOTE_REF)) {
    const state = remoteStateAt(stack, `${m[1]}${REMOTE_STATE}${m[2]}${m[3]}`);
    if (!state) continue;
    const name = m[4] ?? m[5];
    const sources = remoteSourcesOf(state, name);
    const key = `${state.stack}|${name ?? "*"}`;
    // Round a cycle the same output is walked again: what it holds is found where it was walked first.
    if (sources.length === 0 || remoteActive.includes(key)) continue;
    if (remoteActive.length >= MAX_REMOTE) {
      const unfollowed = matcherOf(stack).unfollowed;
      if (unfollowed) out.push({ stack: state.stack, found: unfollowed(name === undefined ? "outputs" : `output ${name}`), str });
      continue;
    }
    remoteActive.push(key);
    try {
      for (const source of sources) {
        const matcher = matcherOf(source.stack);
        for (const s of storedStrings(source.stack, source.value)) {
          for (const found of s.includes("${") ? matcher.named(s) : []) out.push({ stack: state.stack, found, str: s });
          for (const l of matcher.literals) if (s.includes(l.value)) out.push({ stack: state.stack, found: l.found, str: s });
        }
      }
    } finally {
      remoteActive.pop();
    }
  }
  return out;
}

/** The keys and passwords of the stack's users, by the references that name them and the values a plan writes out. */
function userCredentials(stack: TfStack): WrittenMatcher<UserCredential> {
  return {
    names: stack.remoteOutputs ? [...Object.keys(SECRET_ATTRIBUTES), REMOTE_STATE] : Object.keys(SECRET_ATTRIBUTES),
    named: function* (str) {
      // Another stack's key: its rights are that stack's, which this stack's analysis does not hold (fail closed).
      for (const c of remoteCredentials(stack, str)) yield { credential: c.label, what: c.what, user: undefined };
      for (const m of str.matchAll(SECRET_REF)) {
        const [, prefix, credType, name, keys, attr] = m;
        if (attr !== undefined && !SECRET_ATTRIBUTES[credType].includes(attr)) continue;
        if (attr === undefined && keys === "" && picksNoSecret(str, m.index, m[0].length)) continue;
        const { what, user: userArgument } = USER_CREDENTIALS[credType];
        const addresses = addressesOf(stack, prefix, credType, name, keys);
        if (addresses.length === 0) yield { credential: `${prefix}${credType}.${name}`, what, user: undefined };
        for (const a of addresses) yield { credential: a, what, user: userOf(stack, stack.byAddress.get(a)!, userArgument) };
      }
    },
    literals: secretLiterals(stack).map(({ value, ...found }) => ({ value, found })),
    key: (c) => c.credential,
    // Named as the stacks that passed it on name it (`remoteCredentials` adds `of stack S` at each step).
    unfollowed: (output) => ({
      credential: output,
      what: `what may be a credential (blastwall stops following outputs passed on from stack to stack after ${MAX_REMOTE} data.terraform_remote_state reads, and did not read this one; read the value from the stack that makes it in fewer steps)`,
      user: undefined,
    }),
  };
}

/**
 * The walk `writtenCredentials` makes, for any kind of credential (`matcher`): each AWS resource's arguments, through
 * the locals, variables, stores read back and pass-through resources they name, and a plan's configured references,
 * less what a modelled store read returns (the reach graph's to judge, by who can read the store).
 */
export function writtenWalk<T>(stack: TfStack, matcher: WrittenMatcher<T>): { readonly resource: TfResource; readonly attribute: string; readonly found: T }[] {
  const literals = matcher.literals;
  const hint = credentialHint(stack, matcher.names, literals);
  const namesRe = new RegExp(matcher.names.map(escapeRe).join("|") || "(?!)");
  const mayName = (str: string) => (str.includes("${") && hint(str)) || (literals.length > 0 && literals.some((l) => str.includes(l.value)));
  const named = (str: string) => (str.includes("${") && namesRe.test(str)) || literals.some((l) => str.includes(l.value));
  const out: { resource: TfResource; attribute: string; found: T }[] = [];
  for (const [type, list] of stack.byType) {
    if (!/^aws(cc)?_/.test(type) || HOLDS_NOTHING.has(type)) continue;
    for (const r of list) {
      if (r.mode !== "managed") continue;
      const refs = configuredReferences(r);
      // Most resources hold no string that may name a credential (the test below, on every string of the resource):
      // they are passed over before their attributes are listed.
      if (refs === undefined && !someArgument(r, mayName)) continue;
      // Built only for a resource whose strings name a credential: most name none, and this reads every store read.
      let modelledSet: Set<string> | undefined;
      const modelled = () => (modelledSet ??= modelledStrings(stack, r));
      const own = matcher.own?.(r) ?? [];
      // One finding per credential and resource: `tags_all` repeats `tags` (red-team round 86), so it comes last.
      const attributes = [...new Set([...Object.keys(r.values), ...(refs?.keys() ?? [])])].sort((a, b) => Number(a === "tags_all") - Number(b === "tags_all"));
      const seen = new Set<string>();
      for (const attribute of attributes) {
        if (NOT_ARGUMENTS.has(attribute) || own.includes(attribute)) continue;
        const value = r.values[attribute];
        const add = (found: T) => {
          const key = matcher.key(found);
          if (seen.has(key)) return;
          seen.add(key);
          out.push({ resource: r, attribute, found });
        };
        // The value's own strings first: only one that may name a credential (or a local, variable or data source
        // holding one) is worth following into what it names.
        const raw = value === undefined || value === null ? [] : stringsIn(value);
        const mayHold = raw.some(mayName);
        const written = mayHold ? storedStrings(stack, value).filter(named) : [];
        // Left to the reach graph only in an argument a modelled read returns: the same key copied into another argument
        // (tags beside a parameter's value) is read there by other actions (red-team round 87).
        const strings = written.length === 0 || !modelledArgumentOf(r, attribute) ? written : written.filter((str) => !modelled().has(str));
        // What a plan's configuration made the argument from, unless a modelled store read returns the argument.
        if (refs?.has(attribute) && !modelledArgumentOf(r, attribute)) strings.push(...storedStrings(stack, refs.get(attribute)));
        for (const str of strings) {
          // A one-way hash of a strong generated secret is no copy of it (red-team round 107, F4).
          if (str.includes("${")) for (const found of matcher.named(withoutHashedSecrets(stack, str))) add(found);
          for (const l of literals) if (str.includes(l.value)) add(l.found);
        }
      }
    }
  }
  return out;
}

/** Whether a string of the resource's arguments passes the test; the body's own `"//"` (cdktf's metadata) is no argument. */
function someArgument(r: TfResource, test: (str: string) => boolean): boolean {
  for (const k in r.values) if (k !== "//" && someString(r.values[k], test)) return true;
  return false;
}

/** Whether a string of the value (as `stringsIn` finds them, nested `"//"` keys included) passes the test, found without listing them. */
function someString(v: unknown, test: (str: string) => boolean): boolean {
  if (typeof v === "string") return test(v);
  if (Array.isArray(v)) {
    for (const x of v) if (someString(x, test)) return true;
  } else if (isObject(v)) {
    for (const k in v) if (someString(v[k], test)) return true;
  }
  return false;
}

/**
 * `lookup(aws_iam_access_key.k, "id", ...)` takes one attribute of the whole key: only a literal key naming an
 * attribute that is no secret (red-team round 86) leaves the secret out; anything else may be the secret.
 */
function picksNoSecret(str: string, at: number, length: number): boolean {
  return ["id", "user", "status", "create_date"].includes(lookupKey(str, at, length) ?? "");
}

/**
 * The attribute a `lookup` takes of a whole object written at `at` (`lookup(tls_private_key.ca, "private_key_pem", "")`),
 * when a literal names it; undefined when the object is not looked up that way, and so counts as every attribute.
 */
export function lookupKey(str: string, at: number, length: number): string | undefined {
  if (!/\blookup\(\s*$/.test(str.slice(0, at))) return undefined;
  return /^\s*,\s*"([^"]*)"\s*[,)]/.exec(str.slice(at + length))?.[1];
}

/** Whether a modelled store read returns `argument` of `r` (a secret version's value is read through its secret). */
function modelledArgumentOf(r: TfResource, argument: string): boolean {
  if (r.type === "aws_secretsmanager_secret_version") return (SECRET_VALUES as readonly string[]).includes(argument);
  return CREDENTIAL_STORES.some((store) => store.type === r.type && modelledArgument(r.type, "view" in store ? store.view : undefined, argument));
}

/**
 * What a string must mention to hold a credential of the stack, for a first look before following it: what the
 * matcher names (a credential resource), a data source that reads a store back, a local, variable or resource
 * outside AWS whose value holds one, or an argument of an AWS resource given one (followed as `storedStrings` follows
 * them). Most strings of a stack (policies, names) mention none, and are not followed.
 */
function credentialHint(stack: TfStack, names: readonly string[], literals: readonly { value: string }[]): (str: string) => boolean {
  const base = [...names, ...STORE_READ_TYPES.map((t) => `data.${t}`), ...STORE_READ_TYPES.filter((t) => EPHEMERAL_TYPES.has(t)).map((t) => `ephemeral.${t}`)];
  const baseRe = new RegExp(base.map(escapeRe).join("|"));
  const holds = (v: unknown) => storedStrings(stack, v).some((str) => (str.includes("${") && baseRe.test(str)) || literals.some((l) => str.includes(l.value)));
  const tainted: string[] = [];
  // Only a resource outside AWS that is handed a credential is worth following: most (`random_id` for a name) are not.
  for (const [type, list] of stack.byType) {
    if (!handsBack(type)) continue;
    for (const r of list) if (holds(`\${${r.address}}`)) tainted.push(`${r.mode === "data" ? "data." : ""}${type}.${r.name}`);
  }
  for (const [name, v] of stack.locals) if (holds(v)) tainted.push(`local.${name}`);
  for (const [name, v] of stack.variables) if (holds(v)) tainted.push(`var.${name}`);
  const re = new RegExp([...base, ...tainted].map(escapeRe).join("|"));
  // Arguments of AWS resources are many and few hold a credential: each is asked once, when a string names it, and
  // only when it holds a reference or a literal at all (most, a name or an ARN AWS makes, hold neither).
  const given = new Map<string, boolean>();
  const mayHold = (address: string, attribute: string | undefined): boolean => {
    const r = stack.byAddress.get(address)!;
    // A plan's argument unknown until apply shows what it was made from only in its configuration.
    if (configuredReferences(r) !== undefined || ((attribute === undefined || attribute === "outputs" || readsExport(r.type, attribute) || (r.mode === "data" && readsStack(r.type, attribute))) && importsExports(r))) return true;
    for (const a of attribute === undefined ? Object.keys(r.values) : argumentsReadBack(r.type, attribute)) {
      if (NOT_ARGUMENTS.has(a)) continue;
      if (hasDynamic(r.values, a)) return true;
      const v = r.values[a];
      if (v === undefined || v === null) continue;
      for (const str of typeof v === "string" ? [v] : stringsIn(v)) if (str.includes("${") || literals.some((l) => str.includes(l.value))) return true;
    }
    return false;
  };
  // The AWS resources an argument of which may hold a credential, as `type.name` text, found once: one whose own strings
  // name what `re` finds or a literal, or name such a resource (to a fixpoint; a superset of what `mayHold` and `holds`
  // confirm). Most stacks have none, and then no string pays for the reference-by-reference look below.
  // Held names as one pattern, behind the cheaper question whether a string names a resource of a held type at all.
  let held: { types: readonly string[]; names: RegExp } | null | undefined;
  const namesHeld = (types: readonly string[], names: RegExp, x: string) => types.some((t) => x.includes(t)) && names.test(x);
  const mayBeHeld = (str: string): boolean => {
    if (held === undefined) {
      // Data sources too: their arguments read back as configured (`data.aws_kms_ciphertext.c.plaintext`).
      const aws = [...stack.byType].filter(([type]) => /^(aws|awscc)_/.test(type)).flatMap(([, list]) => list);
      const ciphertexts = (stack.byType.get("aws_kms_ciphertext")?.length ?? 0) > 0;
      const all: string[] = [];
      // Each resource's strings are gathered once; a string with no reference can only hold a literal.
      const candidates: { name: string; strings: string[] }[] = [];
      let fresh: { type: string; name: string }[] = [];
      for (const r of aws) {
        const name = `${r.type}.${r.name}`;
        const strings: string[] = [];
        for (const a of Object.keys(r.values)) if (!NOT_ARGUMENTS.has(a)) stringsIn(r.values[a], strings);
        for (const refs of configuredReferences(r)?.values() ?? []) strings.push(...refs);
        // A stack importing an export holds what the stack exporting it does, which it names only by the export's name.
        if (importsExports(r)) for (const type of Object.keys(STACK_ARGUMENTS)) for (const x of stack.byType.get(type) ?? []) strings.push(`\${${x.address}.outputs}`);
        // What a decrypting data source holds is named by its payload only through the ciphertext's own name.
        const decrypts = ciphertexts && r.mode === "data" && decryptedSecret(r.type, undefined, undefined) === null;
        if (decrypts || strings.some((x) => (x.includes("${") && re.test(x)) || literals.some((l) => x.includes(l.value)))) fresh.push({ type: r.type, name });
        else {
          const refs = strings.filter((x) => x.includes("${"));
          if (refs.length > 0) candidates.push({ name, strings: refs });
        }
      }
      // To a fixpoint, each round asking only for the names the last one added.
      const done = new Set<string>();
      while (fresh.length > 0) {
        for (const f of fresh) done.add(f.name);
        all.push(...fresh.map((f) => f.name));
        const types = [...new Set(fresh.map((f) => `${f.type}.`))];
        const names = new RegExp(fresh.map((f) => escapeRe(f.name)).join("|"));
        fresh = [];
        for (const c of candidates) {
          if (done.has(c.name) || !c.strings.some((x) => namesHeld(types, names, x))) continue;
          done.add(c.name);
          fresh.push({ type: c.name.slice(0, c.name.indexOf(".")), name: c.name });
        }
      }
      held = all.length === 0 ? null : { types: [...new Set(all.map((n) => n.slice(0, n.indexOf(".") + 1)))], names: new RegExp(all.map(escapeRe).join("|")) };
    }
    return held !== null && namesHeld(held.types, held.names, str);
  };
  const namesGiven = (str: string) => {
    if (!mayBeHeld(str)) return false;
    for (const m of str.matchAll(AWS_REF)) {
      const [, prefix, data, type, name, keys, attribute] = m;
      for (const address of addressesOf(stack, prefix, type, name, keys, readMode(data))) {
        const ref = attribute === undefined ? address : `${address}.${attribute}`;
        let hit = given.get(ref);
        if (hit === undefined) given.set(ref, (hit = mayHold(address, attribute) && holds(`\${${ref}}`)));
        if (hit) return true;
      }
    }
    return false;
  };
  return (str) => re.test(str) || namesGiven(str);
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The secret values a plan writes out, with whose they are. */
function secretLiterals(stack: TfStack): { value: string; credential: string; what: string; user?: string }[] {
  const out: { value: string; credential: string; what: string; user?: string }[] = [];
  for (const [type, attrs] of Object.entries(SECRET_ATTRIBUTES)) {
    for (const r of stack.byType.get(type) ?? []) {
      for (const a of attrs) {
        const v = r.values[a];
        if (typeof v === "string" && v.length >= 16 && !v.includes("${")) out.push({ value: v, credential: r.address, what: USER_CREDENTIALS[type].what, user: userOf(stack, r, USER_CREDENTIALS[type].user) });
      }
    }
  }
  return out;
}

/**
 * The strings of a resource that a modelled store read covers: what its reads return (every view of it), a secret
 * version's value (read through its secret), and a stack's NoEcho parameters (masked by DescribeStacks, returned by
 * no read). A credential there is the reach graph's to judge, by who can read the store.
 */
function modelledStrings(stack: TfStack, r: TfResource): Set<string> {
  const out = new Set<string>();
  if (r.type === "aws_secretsmanager_secret_version") {
    for (const v of valuesOf(r, SECRET_VALUES)) storedStrings(stack, v).forEach((x) => out.add(x));
    return out;
  }
  for (const store of CREDENTIAL_STORES) {
    if (store.type !== r.type) continue;
    const stored = storedValues(r, secretVersions(stack), "view" in store ? store.view : undefined);
    if (stored) storedStrings(stack, stored.values).forEach((x) => out.add(x));
  }
  if (r.type === "aws_cloudformation_stack") storedStrings(stack, r.values.parameters ?? {}).forEach((x) => out.add(x));
  return out;
}
