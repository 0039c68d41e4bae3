/**
 * Policy documents from Terraform values: a JSON string (with `${...}` inside its strings), a reference to a
 * `data.aws_iam_policy_document` (re-assembled from its blocks, with the AWS provider's source / override
 * merging), a reference to an `aws_iam_policy`'s `policy`, or something blastwall cannot read (then an
 * unknown document saying why).
 *
 * Token resolution is polarity-aware. A `${...}` that resolves exactly (literal, variable default, local,
 * a name written in the configuration) is substituted before the IAM parser sees it. One that does not is
 * left in place: the parser widens it to a pattern and marks it approximate, which is the safe reading for
 * an Allow's Action / Resource / Principal and which the evaluator never relies on in a Deny. Where widening
 * would take rights away and nothing marks it (a Deny's Action, an Allow's NotAction) the element becomes
 * a name that matches no action. A Condition value that does not resolve exactly is left as written, so a
 * Deny conditioned on it never counts as certain.
 */
import { findJsonKeyProblem } from "./json-keys";
import type { Env } from "../../hcl/evaluate";
import type { PolicyDocument, Statement, StatementSource } from "../iam/types";
import { globCovers, globsIntersect } from "../iam/glob";
import { UNRESOLVED_ACTION_PREFIX, WRITTEN_CONDITION_VALUES, makeSource, parsePolicyJson, replaceInterpolations, unknownDocument, unknownStatement, withSource } from "../iam/policy-json";
import { locateJsonError, lineColumn } from "./read-file";
import { constructPathOf, isObject } from "./stack";
import { classifyExpression, hasInterpolation, parseTemplate, refTarget, resolveToPattern, soleInterpolation } from "./tokens";
import type { TfResource, TfStack } from "./types";
import { followReferences } from "../agent-tags";
import { whyUnknown } from "./unknown-why";
import { EVERY_ARGUMENT, SETTABLE_SAYS, settableArgumentsWhy, settableDenyMark, settableDocument, settableKeys, settableTextWhy, unknownAsWildcard } from "./settable-providers";

type Obj = Record<string, unknown>;

export interface PolicyFromValueOptions {
  /** Address of the resource holding the value (`aws_iam_role_policy.x`, `aws_iam_role.r`). */
  readonly address: string;
  /** How the document reaches a principal (`aws_iam_role.r.inline_policy[0]`, `aws_iam_role_policy.x`). */
  readonly via?: string;
  readonly constructPath?: string;
  /** AWS managed policies by ARN, for `data.aws_iam_policy` lookups of them. */
  readonly managed?: (arn: string) => PolicyDocument | undefined;
  /**
   * Measure the document for IAM's size quotas of identity policies (`minLength`). Only identity policies are judged
   * by them, and measuring re-serialises the document: trust and resource policies, read far more often, skip it.
   */
  readonly measure?: boolean;
}

export { UNRESOLVED_ACTION_PREFIX };
/** Condition operator that marks a statement part blastwall could not read (makes a Deny uncertain). */
export const UNREADABLE_CONDITION = "Blastwall:Unreadable";

const MAX_EXPR_SHOWN = 120;

/**
 * The plan gate's stand-in for a value Terraform knows only after apply (see lib/plan/plan-to-stack.ts): the engine
 * reads it as an expression it cannot resolve, and reasons say what it is.
 */
export const AFTER_APPLY = "${unknown_after_apply}";

/** An expression as shown in a reason: as written, shortened when long. */
export function showExpr(raw: string): string {
  const one = raw.replace(/\s+/g, " ").replaceAll(AFTER_APPLY, "(a value known only after apply)");
  return one.length <= MAX_EXPR_SHOWN ? one : `${one.slice(0, MAX_EXPR_SHOWN - 4)}...}`;
}

interface Ctx {
  readonly stack: TfStack;
  readonly managed?: (arn: string) => PolicyDocument | undefined;
  /** Documents being converted (cycle guard). */
  readonly active: Set<string>;
}

/**
 * The policy document a Terraform value stands for. Never throws: what cannot be read becomes an unknown
 * document (`Allow * on *`) whose reason names the expression.
 */
export function policyFromValue(stack: TfStack, value: unknown, opts: PolicyFromValueOptions): PolicyDocument {
  const ctx: Ctx = { stack, managed: opts.managed, active: new Set() };
  return settableChecked(stack, opts.address, value, fromValue(ctx, value, opts), (alt) => fromValue(ctx, alt, opts));
}

/**
 * The arguments of a `data.aws_iam_policy_document` its own statements come from: a `dynamic "statement"` over a
 * variable changes only the statements it makes (red-team round 165, F4), which are judged one by one with the rest.
 */
const DATA_DOC_KEYS: ReadonlySet<string> = new Set(["statement", "dynamic", "version", "policy_id"]);

/**
 * `doc`, its Denies not relied on when what they depend on in the resource at `address` (the document `value`, what the
 * resource attaches it to, whether it exists) is read from a root variable `-var` may set (settable-providers.ts).
 * Where only the document's text can change, each Deny is judged by itself (red-team round 163b, F6): one that
 * `reread` finds the same in the document as the reading with root variables unknown renders it applies whatever
 * `-var` says, though another statement names `var.env`.
 */
function settableChecked(stack: TfStack, address: string, value: unknown, doc: PolicyDocument, reread: (alt: unknown) => PolicyDocument | readonly Statement[]): PolicyDocument {
  const checked = settableStrings(stack, address, value, doc, reread);
  const holder = stack.byAddress.get(address);
  const why = holder && doc.statements.some((st) => st.unknown === undefined) ? settableTextWhy(holder, value) : undefined;
  return why === undefined ? checked : textInjected(doc, checked, why, address);
}

/**
 * `checked` (`doc` as `settableStrings` reads it) where `-var` can write JSON into the document's text (red-team round
 * 174, F1/F2): what a variable may do inside one string no longer bounds it. Every statement says why
 * (`textInjection`); each Deny, as written, is not relied on, the reason first; the Allows keep their reading.
 */
function textInjected(doc: PolicyDocument, checked: PolicyDocument, why: string, address: string): PolicyDocument {
  const mark = { operator: UNREADABLE_CONDITION, key: "blastwall:settable", values: [why], holder: address };
  const statements = checked.statements.map((st, i) => {
    if (st.unknown !== undefined) return st;
    if (st.effect !== "Deny") return { ...st, textInjection: why };
    const written = doc.statements[i];
    return { ...st, notResources: written?.notResources ?? st.notResources, conditions: [mark, ...st.conditions], textInjection: why };
  });
  return { ...checked, statements };
}

/**
 * `doc` judged string by string: what a variable changes inside the strings it is written in (`settableChecked` for the
 * whole text).
 */
function settableStrings(stack: TfStack, address: string, value: unknown, doc: PolicyDocument, reread: (alt: unknown) => PolicyDocument | readonly Statement[]): PolicyDocument {
  const denies = (st: Statement) => st.effect === "Deny" && st.unknown === undefined;
  const holder = stack.byAddress.get(address);
  const allows = (st: Statement) => st.effect === "Allow" && st.unknown === undefined;
  if (!holder || !doc.statements.some((st) => denies(st) || allows(st))) return doc;
  const mark = settableDenyMark(holder, value, undefined, stack.byAddress);
  if (mark === undefined) return doc;
  const perStatement = settableDocument(holder, value, value === undefined ? DATA_DOC_KEYS : undefined);
  if (!doc.statements.some(denies)) return perStatement ? withSettableResources(doc, reread(perStatement.other)) : doc;
  const flag = (st: Statement, why: string, existsWith: string | undefined): Statement => ({
    ...st,
    conditions: [...st.conditions, { operator: UNREADABLE_CONDITION, key: "blastwall:settable", values: [why], holder: address, ...(existsWith !== undefined ? { existsWith } : {}) }],
  });
  if (!perStatement) return { ...doc, statements: doc.statements.map((st) => (denies(st) ? flag(st, mark.why, mark.existsWith) : st)) };
  const alt = reread(perStatement.other);
  const altStatements = "statements" in alt ? alt.statements : alt;
  const same = new Set(altStatements.filter(denies).map(statementSignature));
  doc = withSettableResources(doc, alt);
  // A statement the document's text cannot change still depends on the rest (the holder's `count`, what attaches it):
  // that alone decides, and may be tied to the principal's own existence as any other holder's is (red-team round 167).
  const rest = perStatement.rest ? settableDenyMark(holder, value, perStatement.docArguments, stack.byAddress) : undefined;
  return {
    ...doc,
    statements: doc.statements.map((st) => {
      if (!denies(st)) return st;
      // Only its NotResource differs (red-team round 172, F7): relied on as leaving out whatever any value may make it.
      const kept = same.has(statementSignature(st)) ? st : exemptionWidened(st, altStatements);
      if (kept === undefined) return flag(st, perStatement.why(`its Deny statement #${st.source.index}`), mark.existsWith);
      return rest === undefined ? kept : flag(kept, rest.why, rest.existsWith);
    }),
  };
}

/**
 * `doc` with each Allow's `settableResources` (red-team round 167: `Resource = "arn:aws:s3:::${var.bucket}/*"`): its
 * resources as `alt`, the document where settable root variables are unknown, has them. The statement of the same
 * index, effect, actions and number of entries gives them entry for entry; where there is none such (another statement
 * may stand at that index there), `-var` may make every entry anything, and each is `*`.
 */
function withSettableResources(doc: PolicyDocument, alt: PolicyDocument | readonly Statement[]): PolicyDocument {
  const others = "statements" in alt ? alt.statements : alt;
  let changed = false;
  const statements = doc.statements.map((st) => {
    // An Allow with NotResource has no resources to widen, but its Action may still be settable (review of 0.8.0).
    if (st.effect !== "Allow" || st.unknown !== undefined) return st;
    const twin = others.find((o) => o.source.index === st.source.index);
    const alike = twin && twin.effect === "Allow" && twin.unknown === undefined;
    const resources = st.resources;
    const forms = !resources
      ? undefined
      : alike && twin.resources?.length === resources.length && sameActions(twin, st)
        ? twin.resources.map(unknownAsWildcard)
        : resources.map(() => "*");
    const actions = st.actions && settableActionsOf(st.actions, alike ? twin : undefined);
    const resourcesDiffer = forms !== undefined && !forms.every((f, i) => f === resources![i]);
    // An exclusion `-var` can shrink (NotAction `iam:${var.kept}`, NotResource `arn:aws:s3:::${var.bucket}`): the Allow
    // may grant what it leaves out as read (iam/settable-actions.ts `certainNotActions`).
    const notActions = st.notActions && settableActionsOf(st.notActions, alike ? { ...twin, actions: twin.notActions } : undefined);
    const notResources = st.notResources && settableActionsOf(st.notResources, alike && sameActions(twin, st) ? { ...twin, actions: twin.notResources } : undefined);
    if (!resourcesDiffer && !actions && !notActions && !notResources) return st;
    changed = true;
    return {
      ...st,
      ...(resourcesDiffer ? { settableResources: forms } : {}),
      ...(actions ? { settableActions: actions } : {}),
      ...(notActions ? { settableNotActions: notActions } : {}),
      ...(notResources ? { settableNotResources: notResources } : {}),
    };
  });
  return changed ? { ...doc, statements } : doc;
}

/**
 * An Allow's `settableActions` (red-team round 170a, F2: `Action = "s3:${var.op}"`): each entry as `twin`, the statement
 * of the other reading, has it, what that reading cannot know as `*` (`s3:*`); every entry `*` where there is no such
 * statement or its Action has another number of entries. Undefined where every entry comes out as read. The same for
 * a NotAction or NotResource list, given as the twin's `actions`.
 */
function settableActionsOf(actions: readonly string[], twin: Statement | undefined): readonly string[] | undefined {
  const forms = twin?.actions && twin.actions.length === actions.length ? twin.actions.map(unknownAsWildcard) : actions.map(() => "*");
  return forms.every((f, i) => f === actions[i]) ? undefined : forms;
}

/** Whether two statements name the same actions (a statement of the other reading is another one where they differ). */
function sameActions(a: Statement, b: Statement): boolean {
  return JSON.stringify([a.actions, a.notActions]) === JSON.stringify([b.actions, b.notActions]);
}

/**
 * A Deny whose NotResource alone `-var` can change (`arn:aws:iam::${var.account_id}:role/agents/*`, red-team round 172,
 * F7), read as leaving out every resource any value may make an entry leave out: the entry as the reading with settable
 * variables unknown renders it, what that reading cannot know as `*` (`arn:aws:iam::*:role/agents/*`). A value put in
 * place of the variable matches only what `*` matches there (a policy variable or wildcard in it too), so whatever
 * `-var` gives, the Deny covers at least what this reading covers. Only where the other reading holds a Deny of the
 * same index alike in all else (its Action, Effect, principals, Condition: every other part is then fixed) whose
 * entries cover those read; undefined where none does, or an entry may become `*` (it would cover nothing: the Deny
 * stays flagged, so the finding says why).
 */
function exemptionWidened(st: Statement, others: readonly Statement[]): Statement | undefined {
  const read = st.notResources;
  if (!read) return undefined;
  const rest = statementSignature({ ...st, notResources: undefined });
  const twin = others.find((o) => o.source.index === st.source.index && o.effect === "Deny" && o.unknown === undefined && o.notResources?.length === read.length && statementSignature({ ...o, notResources: undefined }) === rest);
  if (!twin) return undefined;
  const forms = twin.notResources!.map(unknownAsWildcard);
  if (forms.some((f, i) => f === "*" || !globCovers(f, read[i]))) return undefined;
  // A form that is every ARN of the one service all its actions are of (`arn:aws:s3:::${var.scratch}` becomes
  // `arn:aws:s3:::*` against s3:Delete*): the Deny covers nothing then, and stays flagged so the finding names the
  // variable (red-team round 174, F3: relied on, it showed no reason why it did not protect the bucket).
  const services = new Set(forms.filter((f) => WHOLE_SERVICE.test(f)).map((f) => f.split(":")[2].toLowerCase()));
  if (services.size > 0 && st.actions?.every((a) => services.has(a.split(":")[0].toLowerCase()))) return undefined;
  return { ...st, notResources: forms };
}

/** Every ARN of a service: any region and account, a resource part of wildcards alone (`arn:aws:s3:::*` and its objects, `arn:aws:s3:::*` then `/*`). */
const WHOLE_SERVICE = /^arn:[^:]*:[^:]+:\*?:\*?:[*/]+$/;

/** What a statement does (not where it is written): two statements alike in it deny alike. */
function statementSignature(st: Statement): string {
  return JSON.stringify([st.effect, st.actions, st.notActions, st.resources, st.notResources, st.principals, st.notPrincipals, st.conditions]);
}

function fromValue(ctx: Ctx, value: unknown, opts: PolicyFromValueOptions): PolicyDocument {
  if (value === undefined || value === null) return unknownFor(opts, "policy is not set");
  if (isObject(value)) return parseDocumentObject(ctx, value, opts);
  if (typeof value !== "string") return unknownFor(opts, `policy is a ${Array.isArray(value) ? "list" : typeof value}, not a JSON document`);

  const one = soleInterpolation(value);
  if (one) return fromExpression(ctx, one.raw, one.expr, opts);
  return parseDocumentText(ctx, value, opts);
}

/** A value that is exactly one `${...}`. */
function fromExpression(ctx: Ctx, raw: string, expr: string, opts: PolicyFromValueOptions): PolicyDocument {
  const unknown = (reason: string) => unknownFor(opts, reason);
  // Only reasons show the expression, and most references are read: not formatted up front.
  const shown = () => showExpr(raw);
  const cls = classifyExpression(expr);
  if (cls.kind === "expression") {
    // cdktf's Fn.jsonencode writes `${jsonencode({...})}`: an object literal with references inside, readable as
    // the JSON text Terraform renders, references left as `${...}` (see encodedDocument).
    const text = /^\s*jsonencode\s*\(/.test(expr) ? encodedDocument(ctx.stack, raw) : undefined;
    if (text !== undefined) return parseDocumentText(ctx, text, opts);
    // `templatefile(...)` / `file(...)` (cdktf's Fn.templatefile over a TerraformAsset): the file as Terraform reads it,
    // from the stack's folder, rendered with variables blastwall knows exactly, or not at all.
    if (/^\s*(?:templatefile|file)\s*\(/.test(expr)) return fileDocument(ctx, raw, opts);
    return unknown(`policy is built by ${shown()}, which blastwall cannot read`);
  }
  const ref = cls.ref;
  switch (ref.kind) {
    case "var":
    case "local": {
      const map = ref.kind === "var" ? ctx.stack.variables : ctx.stack.locals;
      const name = ref.address.slice(ref.kind === "var" ? 4 : 6);
      if (!map.has(name) || ref.attribute !== undefined) {
        return unknown(
          ref.kind === "var"
            ? `policy comes from ${shown()}, which has no default value blastwall can read`
            : `policy comes from ${shown()}, which blastwall cannot read`,
        );
      }
      return guarded(ctx, ref.address, opts, () => fromValue(ctx, map.get(name), opts));
    }
    case "module":
      return unknown(`policy comes from ${shown()}, an output of ${ref.address}, whose contents blastwall cannot see`);
    case "resource":
    case "data": {
      const r = ctx.stack.byAddress.get(ref.address);
      if (!r) return unknown(`policy comes from ${shown()}, but ${ref.address} is not in this stack`);
      const attr = ref.attribute;
      if (r.mode === "data" && r.type === "aws_iam_policy_document" && (attr === "json" || attr === "minified_json") && ref.path.length === 0) {
        return withVia(documentOfDataSource(ctx, r), opts.via);
      }
      if (r.mode === "managed" && r.type === "aws_iam_policy" && attr === "policy" && ref.path.length === 0) {
        return guarded(ctx, r.address, opts, () =>
          settableChecked(ctx.stack, r.address, r.values["policy"], fromValue(ctx, r.values["policy"], { ...opts, address: r.address, constructPath: r.constructPath }), (alt) =>
            fromValue(ctx, alt, { ...opts, address: r.address, constructPath: r.constructPath }),
          ),
        );
      }
      if (r.mode === "data" && r.type === "aws_iam_policy" && attr === "policy") {
        return dataIamPolicy(ctx, r, opts);
      }
      if (attr !== undefined && ref.path.length === 0 && r.values[attr] !== undefined) {
        // Another resource's argument passed through (`aws_iam_role_policy.a.policy`): read it where it is written.
        return guarded(ctx, `${r.address}.${attr}`, opts, () =>
          settableChecked(ctx.stack, r.address, r.values[attr], fromValue(ctx, r.values[attr], { ...opts, address: r.address, constructPath: r.constructPath }), (alt) =>
            fromValue(ctx, alt, { ...opts, address: r.address, constructPath: r.constructPath }),
          ),
        );
      }
      return unknown(`policy comes from ${shown()}, which blastwall cannot read`);
    }
    default:
      return unknown(`policy comes from ${shown()}, which blastwall cannot read`);
  }
}

/**
 * The JSON text a `${jsonencode(...)}` renders, as a Terraform template: what blastwall can evaluate (literals,
 * variable defaults, the HCL reader's pure functions) is rendered, every reference stays `${ADDRESS.ATTR}` for the
 * policy parser to resolve. Undefined when the whole value is unknown (`jsonencode(var.policy)` without a default)
 * or the expression cannot be read: the caller then reports the policy as unreadable.
 */
/**
 * A primitive converted to a declared primitive type as Terraform converts it (`"5"` to 5, `true` to `"true"`), or
 * undefined where it cannot be (or its value is not known exactly: a number beyond a double's whole range).
 */
function primitive(v: unknown, type: "string" | "number" | "bool"): string | number | boolean | undefined {
  if (type === "string") {
    if (typeof v === "string") return v;
    if (typeof v === "boolean") return v ? "true" : "false";
    return typeof v === "number" && Number.isSafeInteger(v) ? String(v) : undefined;
  }
  if (type === "number") {
    if (typeof v === "number") return v;
    return typeof v === "string" && /^-?[0-9]+$/.test(v) && Number.isSafeInteger(Number(v)) ? Number(v) : undefined;
  }
  if (typeof v === "boolean") return v;
  return v === "true" ? true : v === "false" ? false : undefined;
}

/** What went wrong reading a file a policy expression names (`templatefile`, `file`), for reasons. */
export interface FileNotes {
  /** Why a file was not read, one line each. */
  readonly refused: string[];
  /** Files read. */
  readonly read: string[];
}

/**
 * The HCL evaluator's view of a stack: variables (their defaults, converted to their declared types) and locals as
 * written; references to resources, data sources and modules stay unknown. Files are read only for a configuration
 * read from disk (`filesDir`: the folder Terraform runs in, a cdktf stack's folder, where cdktf copies its assets),
 * and only inside that folder: a gate must not be steered into reading any file of the machine it runs on.
 */
export function stackEnv(stack: TfStack, notes?: FileNotes): Env {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { Unk, fromJson } = require("../../hcl/values") as typeof import("../../hcl/values");
  const { BAD_TYPE, convert, parseType } = require("../../hcl/types") as typeof import("../../hcl/types");
  /* eslint-enable @typescript-eslint/no-require-imports */
  const literal = (map: ReadonlyMap<string, unknown>, name: string, src: string, type?: string) => {
    const v = map.get(name);
    // Only plain values: one that is itself an expression is left to the parser as the reference it is.
    if (v === undefined || JSON.stringify(v).includes("${")) return new Unk(src);
    const value = fromJson(v);
    if (type === undefined) return value;
    // Terraform converts a variable's value to its declared type before any expression sees it: a `number` default
    // of "1" is 1, and `1 == "1"` is false. A primitive of another type than declared is not claimed; a collection of
    // a declared type is never equal to a literal there (`var.x == []` is false), so `==` on it is not claimed either.
    const bare = type.replace(/^\$\{(.*)\}$/, "$1").trim();
    if (bare === "string" || bare === "number" || bare === "bool") return primitive(value, bare) ?? new Unk(src);
    // A collection or object is converted as the HCL reader converts it: `map(any)` makes `{ on = true, team = "x" }`
    // a map of strings, so `var.x.on == true` is false in Terraform (red-team round 52). What it cannot convert
    // exactly is unknown.
    const t = parseType(type);
    if (t === BAD_TYPE || typeof t === "symbol") return new Unk(src);
    const c = convert(value, t, { env, isolated: true });
    return typeof c === "symbol" ? new Unk(src) : c;
  };
  const env: Env = {
    prefix: "",
    pathModule: ".",
    rootDir: ".",
    variable: (name) => literal(stack.variables, name, `var.${name}`, stack.variableTypes?.get(name)),
    local: (name) => literal(stack.locals, name, `local.${name}`),
    resource: () => undefined,
    module: () => undefined,
    readFile: (p) => readStackFile(stack, p, notes),
  };
  return env;
}

/**
 * A file of the stack's folder, as `file()` / `templatefile()` read it: a relative path, inside the folder (no `..`
 * out of it, no link leading out), a regular file within the HCL reader's size limit, UTF-8 as Terraform requires.
 * `undefined` when nothing is there; `null` (not known) for anything else, and for every path when the stack was not
 * read from a file (at synth the assets cdktf copies are not written yet).
 */
function readStackFile(stack: TfStack, p: string, notes: FileNotes | undefined): string | undefined | null {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { isAbsolute, join, relative, sep, win32 } = require("path") as typeof import("path");
  const { realpathSync } = require("fs") as typeof import("fs");
  const { INPUT_LIMITS, readInputFile, readProblem } = require("../input-file") as typeof import("../input-file");
  /* eslint-enable @typescript-eslint/no-require-imports */
  const refuse = (why: string) => {
    notes?.refused.push(`${JSON.stringify(p)} ${why}`);
    return null;
  };
  const dir = stack.filesDir;
  if (dir === undefined) {
    return refuse("is read only when blastwall check reads the stack's Terraform JSON from disk (not at synth, where cdktf has not yet copied its assets, nor from a plan)");
  }
  if (p === "" || p.includes("\0")) return refuse("is not a file name");
  if (isAbsolute(p) || win32.isAbsolute(p) || /^~/.test(p)) {
    return refuse("is an absolute path: blastwall reads only files inside the stack's directory, where cdktf copies its assets");
  }
  if (p.split(/[\\/]/).includes("..")) {
    return refuse("goes up with \"..\": blastwall reads only files inside the stack's directory, where cdktf copies its assets");
  }
  let root: string;
  let real: string;
  try {
    root = realpathSync(dir);
    real = realpathSync(join(dir, p));
  } catch (e) {
    const code = (e as { code?: unknown } | undefined)?.code;
    if (code === "ENOENT" || code === "ENOTDIR") {
      notes?.refused.push(`${JSON.stringify(p)} is not in the stack's directory ${dir}`);
      return undefined;
    }
    return refuse(`cannot be read: ${readProblem(e)}`);
  }
  const rel = relative(root, real);
  if (rel === "" || rel.startsWith(`..${sep}`) || rel === ".." || isAbsolute(rel)) {
    return refuse("leads out of the stack's directory through a symbolic link: blastwall reads only files inside it");
  }
  let bytes: Buffer;
  try {
    bytes = readInputFile(real, INPUT_LIMITS.terraform);
  } catch (e) {
    return refuse(`cannot be read: ${readProblem(e)}`);
  }
  try {
    const text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
    notes?.read.push(p);
    return text;
  } catch {
    return refuse("is not UTF-8 text, which Terraform refuses");
  }
}

export function encodedDocument(stack: TfStack, raw: string, notes?: FileNotes): string | undefined {
  // Loaded only for such a policy: the HCL evaluator is large, and most stacks never need it.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { evalString } = require("../../hcl/evaluate") as typeof import("../../hcl/evaluate");
  const { Tmpl, toTfJson } = require("../../hcl/values") as typeof import("../../hcl/values");
  /* eslint-enable @typescript-eslint/no-require-imports */
  const env = stackEnv(stack, notes);
  try {
    const v = evalString(raw, { env });
    if (typeof v !== "string" && !(v instanceof Tmpl)) return undefined;
    const text = toTfJson(v);
    return typeof text === "string" ? text : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A policy that is a file's text (`${file("...")}`) or a rendered template (`${templatefile("...", {...})}`): read only
 * when the file is in the stack's folder and every value the template uses is known, so the text is the exact one
 * Terraform renders. Anything else is unknown, and the reason says which file or value is missing.
 */
function fileDocument(ctx: Ctx, raw: string, opts: PolicyFromValueOptions): PolicyDocument {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { evalString } = require("../../hcl/evaluate") as typeof import("../../hcl/evaluate");
  const { toTfJson } = require("../../hcl/values") as typeof import("../../hcl/values");
  /* eslint-enable @typescript-eslint/no-require-imports */
  const notes: FileNotes = { refused: [], read: [] };
  const unknowns: string[] = [];
  let v: unknown;
  try {
    v = evalString(raw, { env: stackEnv(ctx.stack, notes) });
  } catch {
    v = undefined;
  }
  const shown = showExpr(raw);
  if (typeof v === "string") {
    // The rendered text is final: a `${aws:username}` in it is IAM's, not Terraform's (escaped for the parser).
    const text = toTfJson(v);
    if (typeof text === "string") return parseDocumentText(ctx, text, opts);
  } else if (v !== undefined) {
    toTfJson(v as import("../../hcl/values").Value, { unknown: (src) => unknowns.push(src) });
  }
  if (notes.refused.length > 0) {
    return unknownFor(opts, `policy is built by ${shown}, which blastwall cannot read: ${[...new Set(notes.refused)].join("; ")}`);
  }
  const { MISSING_TEMPLATE_VARS } = require("../../hcl/evaluate") as typeof import("../../hcl/evaluate"); // eslint-disable-line @typescript-eslint/no-require-imports
  const missing = [...new Set(unknowns.filter((u) => u.startsWith(MISSING_TEMPLATE_VARS)).map((u) => u.slice(MISSING_TEMPLATE_VARS.length).trim()))];
  if (missing.length > 0) {
    // Terraform fails on it, naming the variable (red-team round 91: the reason quoted the template's text instead).
    return unknownFor(opts, `policy is built by ${shown}, whose template uses ${missing.join(", ")}, which its vars do not set (Terraform fails: ${MISSING_TEMPLATE_VARS} ${missing.join(", ")}); pass them in templatefile's vars`);
  }
  const parts = unknowns.filter((u) => !/^(?:templatefile|file)\s*\(/.test(u));
  if (unknowns.length > 0 && parts.length === 0) {
    return unknownFor(opts, `policy is built by ${shown}, whose file path or template variables blastwall cannot know (they must be literal values, locals or variable defaults)`);
  }
  if (parts.length > 0) {
    const names = [...new Set(parts)].slice(0, 3).map(showExpr).join(", ");
    return unknownFor(opts, `policy is built by ${shown}, whose template uses ${names}, which blastwall cannot know (template variables must be literal values, locals or variable defaults)`);
  }
  return unknownFor(opts, `policy is built by ${shown}, which blastwall cannot read`);
}

function guarded(ctx: Ctx, key: string, opts: PolicyFromValueOptions, f: () => PolicyDocument): PolicyDocument {
  if (ctx.active.has(key)) {
    return unknownDocument(opts.address, `policy refers to itself through ${key}`, opts.via, opts.constructPath);
  }
  ctx.active.add(key);
  try {
    return f();
  } finally {
    ctx.active.delete(key);
  }
}

/** `data.aws_iam_policy` reads an existing policy: known only when it names an AWS managed policy blastwall has. */
function dataIamPolicy(ctx: Ctx, r: TfResource, opts: PolicyFromValueOptions): PolicyDocument {
  const arnValue = r.values["arn"];
  if (typeof arnValue === "string" && !hasInterpolation(arnValue) && isAwsManagedArn(arnValue) && ctx.managed) {
    const doc = ctx.managed(arnValue) ?? ctx.managed(normalisePartition(arnValue));
    if (doc) return withVia(doc, opts.via);
    return unknownDocument(arnValue, `${arnValue} is not an AWS managed policy blastwall knows`, opts.via);
  }
  const what = typeof arnValue === "string" ? arnValue : typeof r.values["name"] === "string" ? `policy "${r.values["name"]}"` : "an existing policy";
  return unknownDocument(
    r.address,
    `policy is read from the account by ${r.address} (${showExpr(what)}), which blastwall cannot read`,
    opts.via,
    r.constructPath,
  );
}

export function isAwsManagedArn(arn: string): boolean {
  return /^arn:aws(?:-[a-z]+)*:iam::aws:policy\//.test(arn);
}

/** `arn:aws-us-gov:iam::aws:policy/X` → `arn:aws:iam::aws:policy/X` (the managed table is keyed by the aws partition). */
export function normalisePartition(arn: string): string {
  return arn.replace(/^arn:aws(?:-[a-z]+)*:/, "arn:aws:");
}

function viaSource(s: StatementSource, via: string): StatementSource {
  return makeSource(s.address, s.index, s.sid, via, s.constructPath, s.location);
}

/** Sets `via` on every statement (documents are cached without it). */
export function withVia(doc: PolicyDocument, via: string | undefined): PolicyDocument {
  if (via === undefined) return doc;
  if (doc.statements.every((s) => s.source.via === via)) return doc;
  return { address: doc.address, statements: doc.statements.map((s) => withSource(s, viaSource(s.source, via))), minLength: doc.minLength };
}

// ---------------------------------------------------------------------------------------------------------
// JSON text with `${...}` inside

/** Private-use characters: valid inside JSON strings, never in real policies. */
const PH_OPEN = "\uE000";
const PH_CLOSE = "\uE001";
const PH_RE = /\uE000(\d+)\uE001/g;

/** An interpolation or directive whose body, up to its first `}`, holds a quote, a backslash or a nested brace. */
const COMPLEX_INTERPOLATION = /[$%]\{[^}]*["\\{]/;

/**
 * Documents read from a text, per stack, unmeasured and measured. One policy text recurs across a stack (every Lambda
 * role's trust, one deny-list policy written into many roles), and what is read from it depends on the stack
 * and the text alone: only the statements' sources differ (the holder's address, via and construct path), and each
 * later use gets its own statements with its own sources (`resourced`).
 */
const textDocuments = new WeakMap<TfStack, readonly [Map<string, PolicyDocument>, Map<string, PolicyDocument>]>();

function parseDocumentText(ctx: Ctx, text: string, opts: PolicyFromValueOptions): PolicyDocument {
  // A text with references names resources of its own and seldom recurs: looking it up would cost a hash of the whole
  // text for nothing (the reach bench's 4,000 policies are all such).
  if (text.includes("${")) return readDocumentText(ctx, text, opts);
  let caches = textDocuments.get(ctx.stack);
  if (!caches) textDocuments.set(ctx.stack, (caches = [new Map(), new Map()]));
  const cache = caches[opts.measure ? 1 : 0];
  const hit = cache.get(text);
  if (hit) return resourced(hit, opts);
  const doc = readDocumentText(ctx, text, opts);
  cache.set(text, doc);
  return doc;
}

/** A document read for another holder, with the sources `opts` gives (every source the reader makes has this form). */
function resourced(doc: PolicyDocument, opts: PolicyFromValueOptions): PolicyDocument {
  const statements = doc.statements.map((s) =>
    withSource(s, makeSource(opts.address, s.source.index, s.source.sid, opts.via, opts.constructPath, s.source.location)),
  );
  return doc.minLength === undefined ? { address: opts.address, statements } : { address: opts.address, statements, minLength: doc.minLength };
}

function readDocumentText(ctx: Ctx, text: string, opts: PolicyFromValueOptions): PolicyDocument {
  const verbatim = hasInterpolation(text) ? withVerbatimValues(ctx.stack, text) : undefined;
  if (verbatim) {
    const doc = readDocumentText(ctx, verbatim.text, opts);
    const unreadable = doc.statements.length === 1 ? doc.statements[0].unknown : undefined;
    if (unreadable === undefined || !/^policy (?:is not valid JSON|JSON is assembled)/.test(unreadable)) return doc;
    const named = verbatim.names.join(", ");
    return unknownFor(opts, `${unreadable.replace(/^policy/, `policy, with the value of ${named} written into its text verbatim as Terraform writes it,`)}; build the document with jsonencode() or the aws_iam_policy_document data source, which escape the value`);
  }
  // Interpolations may contain quotes (`${lookup(m, "k")}`) that would break JSON.parse before Terraform
  // renders them: stand in a placeholder for each, parse, then put the expressions back into the strings.
  const raws: string[] = [];
  let jsonText = text;
  if (hasInterpolation(text)) {
    if (text.includes(PH_OPEN)) return unknownFor(opts, "policy contains characters blastwall reserves (U+E000)");
    // Fast path: interpolations without quotes or backslashes (`${aws_iam_role.x.arn}`, nearly all of them) are
    // valid inside JSON strings as written, so the text parses as it is. One regular expression tells (a body with
    // a brace, a quote or a backslash before its first `}` takes the slow path): splitting every policy into parts
    // to look was most of what reading a stack of thousands of inline policies cost.
    if (!COMPLEX_INTERPOLATION.test(text)) {
      let parsed: unknown;
      let ok = false;
      try {
        parsed = JSON.parse(text);
        ok = true;
      } catch {
        // an interpolation outside a JSON string: the placeholder path below says which one
      }
      if (ok) return repeatedKey(text, parsed, opts) ?? parseDocumentObject(ctx, parsed, opts);
    }
    jsonText = "";
    for (const part of parseTemplate(text)) {
      if (part.kind === "literal") {
        // Keep Terraform's escapes so the strings stay templates: `${` → `$${`, `%{` → `%%{`.
        jsonText += part.text.replace(/([$%])\{/g, "$1$1{");
      } else {
        jsonText += `${PH_OPEN}${raws.length}${PH_CLOSE}`;
        raws.push(part.raw);
      }
    }
  }
  let doc: unknown;
  try {
    doc = JSON.parse(jsonText);
  } catch (e) {
    const at = locateJsonError(jsonText);
    if (at && jsonText[at.offset] === PH_OPEN) {
      const m = /^\uE000(\d+)\uE001/.exec(jsonText.slice(at.offset));
      const raw = m ? raws[Number(m[1])] : "a ${...} expression";
      return unknownFor(opts, `policy JSON is assembled from ${showExpr(raw)} outside a JSON string, which blastwall cannot read`);
    }
    if (at) {
      const { line, column } = lineColumn(jsonText, at.offset);
      return unknownFor(opts, `policy is not valid JSON: ${at.problem} at line ${line}, column ${column}`);
    }
    return unknownFor(opts, `policy is not valid JSON: ${(e as Error).message.split("\n")[0]}`);
  }
  const repeated = repeatedKey(jsonText, doc, opts);
  if (repeated) return repeated;
  if (raws.length > 0) doc = restorePlaceholders(doc, raws);
  return parseDocumentObject(ctx, doc, opts);
}

/**
 * `text` with each `${var.x}` / `${local.y}` whose value blastwall knows (a default, a `--var-file` value, a literal
 * local) and that holds a character JSON escapes (a quote, a backslash, a control character) written in verbatim, as
 * Terraform writes a template's interpolation (red-team round 174, F1): the value may close the string it stands in.
 * Undefined where there is none such (the parser puts the others in place inside their strings, which is the same).
 */
function withVerbatimValues(stack: TfStack, text: string): { readonly text: string; readonly names: readonly string[] } | undefined {
  if (!text.includes("var.") && !text.includes("local.")) return undefined;
  const names: string[] = [];
  let out = "";
  for (const part of parseTemplate(text)) {
    if (part.kind === "literal") {
      out += part.text.replace(/([$%])\{/g, "$1$1{");
      continue;
    }
    const value = part.directive ? undefined : knownValue(stack, "${" + part.expr + "}");
    if (value === undefined || !/["\\\u0000-\u001f]/.test(value)) out += part.raw;
    else {
      out += value.replace(/([$%])\{/g, "$1$1{");
      names.push(part.expr);
    }
  }
  return names.length > 0 ? { text: out, names: [...new Set(names)] } : undefined;
}

/** The value of a `${var.x}` / `${local.y}` (through others such), where it is a literal primitive; else undefined. */
function knownValue(stack: TfStack, token: string): string | undefined {
  const v = followReferences(stack, token);
  return typeof v === "number" || typeof v === "boolean" ? String(v) : typeof v === "string" && !v.includes("${") ? v : undefined;
}

/**
 * A policy text that writes one key twice in an object (two `StringEquals` blocks in one Condition, one condition key
 * twice): JSON.parse keeps the last, as the AWS provider's JSON reading does, but whether IAM applies the first, the
 * last or refuses the policy is not documented, so the statement may grant with either. A text jsonencode or the
 * policy document data source writes never repeats a key (red-team round 131: an AssumeRoot grant narrowed by the
 * second of two `StringEquals` read as narrowed).
 */
function repeatedKey(text: string, parsed: unknown, opts: PolicyFromValueOptions): PolicyDocument | undefined {
  // Every key of the text is a quote followed by a colon; so are a few string values (`"a\":b"`). When there are no
  // more of those than keys JSON.parse kept, no key was dropped, and the scan below (most of what reading a stack of
  // thousands of policies cost) is not needed.
  const keys = keyCount(parsed, 0);
  if (keys !== undefined && (text.match(KEY_END) ?? []).length <= keys) return undefined;
  // An IAM policy nests five levels at most (Statement, a statement, Condition, an operator, a key's values): a scan
  // sized for that allocates little.
  const found = findJsonKeyProblem(text, POLICY_MAX_DEPTH);
  if (!found) return undefined;
  if (!found.repeated) return unknownFor(opts, `policy JSON is nested more than ${POLICY_MAX_DEPTH} levels deep, which no IAM policy is`);
  return unknownFor(opts, `policy JSON repeats a key: ${found.problem.replace(/ \(first at line \d+\)$/, "")}; JSON readers keep the last one, and which one AWS applies is not certain`);
}

/** The end of a key in JSON text, or of a string value that ends in a quote before a colon: never fewer than the keys. */
const KEY_END = /"\s*:/g;

/**
 * How many keys the objects of a parsed JSON value hold, all levels; undefined when it nests deeper than any policy
 * (then the scan says so, and a crafted text cannot overflow the stack here).
 */
function keyCount(v: unknown, depth: number): number | undefined {
  if (v === null || typeof v !== "object") return 0;
  if (depth >= POLICY_MAX_DEPTH) return undefined;
  let n = 0;
  if (Array.isArray(v)) {
    for (const x of v) {
      const c = keyCount(x, depth + 1);
      if (c === undefined) return undefined;
      n += c;
    }
    return n;
  }
  for (const k in v) {
    const c = keyCount((v as Record<string, unknown>)[k], depth + 1);
    if (c === undefined) return undefined;
    n += 1 + c;
  }
  return n;
}

/** Deeper than any IAM policy document (which nests five levels), with room for what Terraform wraps around one. */
const POLICY_MAX_DEPTH = 16;

function restorePlaceholders(v: unknown, raws: readonly string[]): unknown {
  if (typeof v === "string") return v.includes(PH_OPEN) ? v.replace(PH_RE, (_, i: string) => raws[Number(i)]) : v;
  if (Array.isArray(v)) return v.map((x) => restorePlaceholders(x, raws));
  if (isObject(v)) {
    const out: Obj = {};
    for (const [k, x] of Object.entries(v)) out[restorePlaceholders(k, raws) as string] = restorePlaceholders(x, raws);
    return out;
  }
  return v;
}

function unknownFor(opts: PolicyFromValueOptions, reason: string): PolicyDocument {
  return unknownDocument(opts.address, reason, opts.via, opts.constructPath);
}

/** A parsed IAM policy object whose strings may still hold `${...}`. */
function parseDocumentObject(ctx: Ctx, doc: unknown, opts: PolicyFromValueOptions): PolicyDocument {
  if (isObject(doc) && "Statement" in doc) {
    const st = doc["Statement"];
    let prepared: unknown;
    let writtenResources: (readonly string[] | undefined)[] | undefined;
    if (Array.isArray(st)) {
      const list = new Array<unknown>(st.length);
      for (let i = 0; i < st.length; i++) {
        list[i] = prepareStatement(ctx.stack, st[i]);
        const written = writtenBefore(st[i]);
        if (written !== undefined) (writtenResources ??= [])[i] = written;
      }
      prepared = list;
    } else {
      prepared = prepareStatement(ctx.stack, st);
      const written = writtenBefore(st);
      if (written !== undefined) writtenResources = [written];
    }
    // The parser reads nothing but the statements.
    const minLength = opts.measure ? minimumPolicyLength(doc) : undefined;
    doc = { Statement: prepared };
    const parsed = parsePolicyJson(doc, {
      address: opts.address,
      via: opts.via,
      constructPath: opts.constructPath,
      resolve: policyResolver(ctx.stack),
      writtenResources,
    });
    return minLength === undefined ? parsed : { address: parsed.address, statements: parsed.statements, minLength };
  }
  return parsePolicyJson(doc, {
    address: opts.address,
    via: opts.via,
    constructPath: opts.constructPath,
    resolve: policyResolver(ctx.stack),
  });
}

/**
 * A lower bound of the characters IAM counts in a policy (its size quotas do not count whitespace), from the parsed
 * JSON as written: re-serialised compactly (whatever Terraform sends is a serialisation of the same value), every
 * whitespace character dropped, a character that JSON escapes counted once, code points counted, each `${...}`
 * counted as nothing (it may render empty). Undefined when a string holds a `%{...}` directive, which may drop the
 * text around it.
 */
export function minimumPolicyLength(doc: unknown): number | undefined {
  // Counted as it is walked rather than by building the stripped copy and serialising it: this runs for every
  // identity policy of a stack, and the copy cost as much as parsing the policy. `measured` gives exactly the length
  // of that serialisation.
  const seen = { directive: false };
  const n = measured(doc, seen);
  if (seen.directive || n < 0) return undefined;
  return n;
}

/** A string as the measure keeps it: no whitespace, no `${...}`, `"` and `\\` as one character each. */
function stripForLength(s: string, seen: { directive: boolean }): string {
  if (s.includes("%{")) seen.directive = true;
  // Whether IAM measures the text or the value it holds, a character inside a string counts at most once: no
  // whitespace, and nothing JSON.stringify would escape.
  const r = replaceInterpolations(s, "");
  return plainLength(r) >= 0 ? r : r.replace(/[\s\u0000-\u001f]+/g, "").replace(/["\\]/g, "x");
}

/** Code points of `s` as JSON.stringify writes it (a lone surrogate is written as a 6-character escape). */
function serialisedLength(s: string): number {
  let n = 0;
  for (const _ of JSON.stringify(s)) n++;
  return n;
}

/**
 * Length of a string that `stripForLength` leaves as it is and JSON.stringify writes with nothing but its quotes:
 * printable ASCII with no brace, quote or backslash (nearly every key and value of a policy). -1 for any other.
 */
function plainLength(s: string): number {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c <= 0x20 || c >= 0x7f || c === 0x22 || c === 0x5c || c === 0x7b) return -1;
  }
  return s.length + 2;
}

/**
 * The length of `JSON.stringify` of `v` with every string (key or value) through `stripForLength`; -1 where it
 * writes nothing (undefined, a function: omitted from an object, `null` in an array).
 */
function measured(v: unknown, seen: { directive: boolean }): number {
  if (typeof v === "string") {
    const plain = plainLength(v);
    if (plain >= 0) return plain;
    // Most others are plain but for a reference (`${aws_iam_role.r.arn}`), which counts as nothing.
    const t = stripForLength(v, seen);
    const stripped = plainLength(t);
    return stripped >= 0 ? stripped : serialisedLength(t);
  }
  if (Array.isArray(v)) {
    // Brackets and the commas between items; a hole is written `null`.
    let n = v.length === 0 ? 2 : v.length + 1;
    for (let i = 0; i < v.length; i++) {
      const m = measured(v[i], seen);
      n += m < 0 ? 4 : m;
    }
    return n;
  }
  if (isObject(v)) {
    const keys = Object.keys(v);
    let n = 1;
    let entries = 0;
    let plainKeys = true;
    for (const k of keys) {
      // A key that stripping changes may collide with another (`"a b"` and `"ab"`: the later value wins); `__proto__`
      // is never an own key of the copy.
      if (plainLength(k) < 0 || k === "__proto__") {
        plainKeys = false;
        break;
      }
    }
    if (plainKeys) {
      for (const k of keys) {
        const m = measured(v[k], seen);
        if (m < 0) continue;
        n += k.length + 3 + m;
        entries++;
      }
    } else {
      const copy = new Map<string, number>();
      for (const k of keys) {
        const key = stripForLength(k, seen);
        copy.set(key, measured(v[k], seen));
      }
      for (const [key, m] of copy) {
        if (m < 0 || key === "__proto__") continue;
        n += serialisedLength(key) + 1 + m;
        entries++;
      }
    }
    // Braces and the commas between entries.
    return n + (entries === 0 ? 1 : entries);
  }
  if (v === null) return 4;
  if (v === undefined || typeof v === "function" || typeof v === "symbol") return -1;
  // Numbers and booleans as written (a BigInt throws, as serialising it did).
  return JSON.stringify(v).length;
}

/**
 * The `Resource` entries of a statement as written, where some held an interpolation and `prepareStatement` prepares
 * it: substituting those that resolve exactly must not lose that a reference wrote them (red-team round 68:
 * `function:${f.function_name}:*` with every part exact read as a hand-written pattern reaching outside the stack).
 * Handed to the parser by statement index: a symbol property added to each prepared statement, or a WeakMap entry
 * per statement, cost more than reading the statement.
 */
function writtenBefore(raw: unknown): readonly string[] | undefined {
  if (!isObject(raw)) return undefined;
  const effect = raw["Effect"];
  if (effect !== "Allow" && effect !== "Deny") return undefined; // not prepared (see prepareStatement)
  const written = raw["Resource"];
  if (typeof written === "string") return holdsInterpolation(written) ? [written] : undefined;
  if (!Array.isArray(written)) return undefined;
  for (const x of written) if (typeof x !== "string") return undefined;
  return holdsInterpolation(written) ? (written as string[]) : undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Token resolution inside statements

interface PolicyPattern {
  readonly pattern: string;
  readonly exact: boolean;
  readonly unresolved: readonly string[];
}

/**
 * A policy string as a pattern: Terraform interpolations resolved, then IAM policy variables
 * (`${aws:username}`, written `$${aws:username}` in Terraform) widened to `*`, which makes it inexact.
 */
export function policyPattern(stack: TfStack, s: string): PolicyPattern {
  const r = resolveToPattern(stack, s);
  if (!r.pattern.includes("${")) return r;
  const pattern = r.pattern.replace(/\$\{[^}]*\}/g, "*").replace(/\*{2,}/g, "*");
  return { pattern, exact: false, unresolved: r.unresolved };
}

function policyResolver(stack: TfStack): (s: string) => string {
  let resolve = resolvers.get(stack);
  // Most strings the parser asks about were substituted already and hold no token: they are their own pattern.
  if (!resolve) resolvers.set(stack, (resolve = (s) => (s.indexOf("{") < 0 ? s : policyPattern(stack, s).pattern)));
  return resolve;
}

/** One resolver per stack, not one per document. */
const resolvers = new WeakMap<TfStack, (s: string) => string>();

/** Substitutes exactly-resolvable tokens; leaves the rest for the parser to widen (see the file comment). */
function exactOrRaw(stack: TfStack, s: string): string {
  if (s.indexOf("{") < 0) return s;
  const r = policyPattern(stack, s);
  return r.exact ? r.pattern : s;
}

/** For a position where widening takes rights away: exact value, or a name that matches nothing. */
function exactOrNothing(stack: TfStack, s: string): string {
  if (s.indexOf("{") < 0) return s;
  const r = policyPattern(stack, s);
  if (r.exact) return r.pattern;
  const what = r.unresolved.length > 0 ? r.unresolved.map(stripBraces).join(",") : stripBraces(s);
  return `${UNRESOLVED_ACTION_PREFIX}${what}`;
}

function stripBraces(raw: string): string {
  return raw.replace(/[$%&]+\{/g, "(").replace(/\}/g, ")");
}

/**
 * A string, or each string of a list, through `exactOrNothing` (`nothing`) or `exactOrRaw`; anything else as it is.
 * A flag rather than a function: this runs for every element of every statement of a stack.
 */
function mapStrings(stack: TfStack, v: unknown, nothing: boolean): unknown {
  if (typeof v === "string") return nothing ? exactOrNothing(stack, v) : exactOrRaw(stack, v);
  if (!Array.isArray(v)) return v;
  const out = new Array<unknown>(v.length);
  for (let i = 0; i < v.length; i++) {
    const x: unknown = v[i];
    out[i] = typeof x !== "string" ? x : nothing ? exactOrNothing(stack, x) : exactOrRaw(stack, x);
  }
  return out;
}

/** Whether `v` (a string or a list) holds a string with an interpolation. */
function holdsInterpolation(v: unknown): boolean {
  if (typeof v === "string") return v.indexOf("{") >= 0 && hasInterpolation(v);
  if (!Array.isArray(v)) return false;
  for (const x of v) if (typeof x === "string" && x.indexOf("{") >= 0 && hasInterpolation(x)) return true;
  return false;
}

function prepareStatement(stack: TfStack, raw: unknown): unknown {
  if (!isObject(raw)) return raw;
  // Sids decide which statements the provider's merge replaces, so they are resolved before any merging; one that
  // does not resolve exactly stays as written and the merge treats it as possibly any Sid.
  const sid = raw["Sid"];
  const st: Obj = typeof sid === "string" && sid.includes("{") ? { ...raw, Sid: exactOrRaw(stack, sid) } : raw;
  const effect = st["Effect"];
  if (effect !== "Allow" && effect !== "Deny") return st; // the parser makes it unknown (a token Effect may be Allow)
  const deny = effect === "Deny";
  const out: Obj = { ...st };
  if ("Action" in st) out["Action"] = mapStrings(stack, st["Action"], deny);
  if ("NotAction" in st) out["NotAction"] = mapStrings(stack, st["NotAction"], !deny);
  if ("Resource" in st) out["Resource"] = mapStrings(stack, st["Resource"], false);
  if ("NotResource" in st) out["NotResource"] = mapStrings(stack, st["NotResource"], false);
  preparePrincipal(stack, st, out, "Principal");
  preparePrincipal(stack, st, out, "NotPrincipal");
  const cond = st["Condition"];
  if (isObject(cond)) {
    const c: Obj = {};
    for (const op of Object.keys(cond)) {
      const block = cond[op];
      if (!isObject(block)) {
        c[op] = block;
        continue;
      }
      const b: Obj = {};
      let written: Record<string, readonly string[]> | undefined;
      for (const key of Object.keys(block)) {
        const v = block[key];
        b[key] = mapStrings(stack, v, false);
        if (holdsInterpolation(v) && JSON.stringify(b[key]) !== JSON.stringify(v)) (written ??= {})[key] = typeof v === "string" ? [v] : (v as unknown[]).map(String);
      }
      if (written) (b as { [WRITTEN_CONDITION_VALUES]?: Record<string, readonly string[]> })[WRITTEN_CONDITION_VALUES] = written;
      c[op] = b;
    }
    out["Condition"] = c;
  }
  return out;
}

function preparePrincipal(stack: TfStack, st: Obj, out: Obj, k: string): void {
  const p = st[k];
  if (isObject(p)) {
    const q: Obj = {};
    for (const t of Object.keys(p)) q[t] = mapStrings(stack, p[t], false);
    out[k] = q;
  } else if (p !== undefined) {
    out[k] = mapStrings(stack, p, false);
  }
}

// ---------------------------------------------------------------------------------------------------------
// data.aws_iam_policy_document

const dataSourceCache = new WeakMap<TfStack, Map<string, PolicyDocument>>();

/** The document a `data.aws_iam_policy_document` renders, without `via` (cached per stack). */
function documentOfDataSource(ctx: Ctx, r: TfResource): PolicyDocument {
  let cache = dataSourceCache.get(ctx.stack);
  if (!cache) dataSourceCache.set(ctx.stack, (cache = new Map()));
  const hit = cache.get(r.address);
  if (hit) return hit;
  if (ctx.active.has(r.address)) {
    return unknownDocument(r.address, `${r.address} includes itself through source or override documents`, undefined, r.constructPath);
  }
  ctx.active.add(r.address);
  let doc: PolicyDocument;
  try {
    doc = settableChecked(ctx.stack, r.address, undefined, { address: r.address, statements: convertDataSource(ctx, r) }, (alt) =>
      convertDataSource(ctx, { ...r, values: alt as Record<string, unknown> }),
    );
  } finally {
    ctx.active.delete(r.address);
  }
  cache.set(r.address, doc);
  return doc;
}

/** Converts a `data.aws_iam_policy_document` (exported for tests and rules that point at one directly). */
export function policyFromDataSource(stack: TfStack, r: TfResource, opts?: { via?: string; managed?: PolicyFromValueOptions["managed"] }): PolicyDocument {
  return withVia(documentOfDataSource({ stack, managed: opts?.managed, active: new Set() }, r), opts?.via);
}

/**
 * AWS provider semantics: source documents merged in order, then this document's `statement` blocks, then
 * override documents in order; at each merge a statement with a non-empty Sid replaces the statement with
 * the same Sid in place, anything else is appended.
 */
function convertDataSource(ctx: Ctx, r: TfResource): Statement[] {
  const v = r.values;
  const merged: Statement[] = [];
  const sub = (key: string, i: number) => `${r.address}.${key}${i >= 0 ? `[${i}]` : ""}`;

  const sources: { value: unknown; where: string }[] = [];
  if (v["source_json"] !== undefined) sources.push({ value: v["source_json"], where: sub("source_json", -1) });
  const spd = v["source_policy_documents"];
  if (spd !== undefined) {
    if (Array.isArray(spd)) spd.forEach((x, i) => sources.push({ value: x, where: sub("source_policy_documents", i) }));
    else sources.push({ value: spd, where: sub("source_policy_documents", -1) });
  }
  for (const s of sources) mergeStatements(ctx.stack, merged, embeddedDocument(ctx, r, s.value, s.where).statements, s.where);

  const dyn = v["dynamic"];
  if (dyn !== undefined && dyn !== null) {
    // `dynamic "statement"` (cdktf's iterator.dynamic): expanded as Terraform expands it when its for_each is known.
    const where = `${r.address}.dynamic.statement`;
    const expanded = expandDynamicStatements(ctx.stack, r.address, dyn);
    if ("blocks" in expanded) {
      const own = ownStatements(ctx, r, expanded.blocks);
      mergeStatements(ctx.stack, merged, own, `${r.address}.statement`, false);
    } else {
      const own = ownStatements(ctx, r);
      own.push(unknownStatement(makeSource(r.address, own.length, undefined, undefined, r.constructPath), expanded.unknown));
      mergeUnreadable(ctx.stack, merged, own, where);
    }
  } else {
    const own = ownStatements(ctx, r);
    mergeStatements(ctx.stack, merged, own, `${r.address}.statement`, false);
  }

  const overrides: { value: unknown; where: string }[] = [];
  const opd = v["override_policy_documents"];
  if (opd !== undefined) {
    if (Array.isArray(opd)) opd.forEach((x, i) => overrides.push({ value: x, where: sub("override_policy_documents", i) }));
    else overrides.push({ value: opd, where: sub("override_policy_documents", -1) });
  }
  if (v["override_json"] !== undefined) overrides.push({ value: v["override_json"], where: sub("override_json", -1) });
  for (const o of overrides) {
    mergeUnreadable(ctx.stack, merged, embeddedDocument(ctx, r, o.value, o.where).statements, o.where);
    settableOverride(ctx, merged, o.value, o.where);
  }
  return merged;
}

/**
 * An override document of the stack whose Sids `-var` can set otherwise (`sid = var.sid` in it, a `dynamic` block over
 * a variable): as read it replaces no Deny, yet with another value a statement of it takes a Deny's Sid and replaces
 * it. Each Deny of `merged` (not the override's own) whose Sid a Sid of the override's other reading may be is not
 * relied on. The override is followed through references (`aws_iam_policy.x.policy`, a local) to what renders it
 * (red-team round 170a, F1); a whole override written with a variable is its holder's own settable argument
 * (`settableChecked`).
 */
function settableOverride(ctx: Ctx, merged: Statement[], value: unknown, where: string): void {
  const found = sidsOfValue(ctx, value, new Set(), 0);
  if (!found || found.forms.length === 0) return;
  for (let i = 0; i < merged.length; i++) {
    const m = merged[i];
    const sid = m.source.sid;
    if (m.effect !== "Deny" || m.unknown !== undefined || sid === undefined || sid === "" || found.own.has(m.source.address)) continue;
    const hit = found.forms.find((f) => globsIntersect(f, sidPattern(ctx.stack, sid).pattern));
    if (hit !== undefined) merged[i] = uncertainDeny(m, `${where} is ${found.why}, so a statement of it may take the Sid "${showExpr(sid)}" and replace this Deny`);
  }
}

/** The Sids a merged-in document may take under `-var` (see `otherSids`), why, and the documents it is made of. */
interface OtherSids {
  readonly forms: readonly string[];
  /** `ADDRESS, and why its Sids may differ` (the chain of references to it named). */
  readonly why: string;
  /** The data sources it is made of: their own Denies are not replaced by themselves. */
  readonly own: ReadonlySet<string>;
}

const MAX_FOLLOW = 8;

/**
 * `otherSids` of the document a source / override value stands for, following a reference to what renders it: a
 * `data.aws_iam_policy_document`, a resource's argument (`aws_iam_policy.x.policy` is its `policy` argument), a local.
 * Where the argument itself depends on a root variable (`jsonencode({Sid = var.sid ...})`), its other reading's Sids;
 * where a resource's attribute is no argument blastwall can read (computed by the provider) and the resource depends on
 * a root variable, any Sid (fail closed). Undefined for what is not a reference (the holder's own argument, judged by
 * `settableChecked`), a root variable (likewise) or what the document's reader itself cannot read (then unknown
 * statements already take any Sid, `mergeUnreadable`).
 */
function sidsOfValue(ctx: Ctx, value: unknown, seen: Set<string>, depth: number): OtherSids | undefined {
  const t = typeof value === "string" && soleInterpolation(value) ? refTarget(value) : undefined;
  if (!t || depth > MAX_FOLLOW) return t ? { forms: ["*"], why: `${t.address}, which blastwall follows no further (too many references)`, own: new Set() } : undefined;
  if (t.kind === "local") {
    const name = t.address.slice("local.".length);
    if (t.attribute !== undefined || !ctx.stack.locals.has(name)) return undefined;
    const inner = sidsOfValue(ctx, ctx.stack.locals.get(name), seen, depth + 1);
    return inner && { ...inner, why: `${t.address}, which is ${inner.why}` };
  }
  if (t.kind !== "resource" && t.kind !== "data") return undefined;
  const r = ctx.stack.byAddress.get(t.address);
  if (!r) return undefined;
  if (r.type === "aws_iam_policy_document" && t.kind === "data") {
    const forms = otherSids(ctx, r, seen);
    return { forms, why: `${r.address}, ${settableSidsWhy(ctx.stack, r)}`, own: new Set([r.address]) };
  }
  const keys = settableKeys(r.values);
  const attr = t.attribute?.split(".")[0];
  const arg = attr === undefined ? undefined : r.values[attr];
  const named = attr === undefined ? r.address : `${r.address}.${attr}`;
  if (keys.has(EVERY_ARGUMENT)) return { forms: ["*"], why: `${named}, and ${r.address} is in a module instance that depends on a root variable, ${SETTABLE_SAYS}`, own: new Set() };
  if (attr !== undefined && keys.has(attr)) {
    return { forms: argumentSids(ctx, r, attr, arg), why: `${named}, and ${settableArgumentsWhy(r, [attr])}`, own: new Set() };
  }
  if (typeof arg === "string") {
    const inner = sidsOfValue(ctx, arg, seen, depth + 1);
    return inner && { ...inner, why: `${named}, which is ${inner.why}` };
  }
  // An attribute the provider computes (`data.aws_iam_policy.x.policy`): what it is made of, if anything `-var` sets.
  if (arg === undefined && keys.size > 0) {
    const which = [...keys].sort();
    return { forms: ["*"], why: `${named}, which blastwall cannot read, and ${settableArgumentsWhy(r, which)}`, own: new Set() };
  }
  return undefined;
}

/**
 * The Sids the document in `r`'s argument `attr` (one `-var` can set otherwise) has in the reading with settable root
 * variables unknown and not as read; `*` where that reading cannot be made.
 */
function argumentSids(ctx: Ctx, r: TfResource, attr: string, arg: unknown): string[] {
  const alt = arg === undefined ? undefined : settableDocument(r, arg);
  if (!alt) return ["*"];
  const opts = { address: r.address, constructPath: r.constructPath };
  const sids = (doc: PolicyDocument) => doc.statements.flatMap((st) => (st.unknown !== undefined && !st.source.sid ? ["*"] : st.source.sid ? [sidPattern(ctx.stack, st.source.sid).pattern] : []));
  const read = new Set(sids(fromValue(ctx, arg, opts)));
  return [...new Set(sids(fromValue(ctx, alt.other, opts)).filter((f) => !read.has(f)))];
}

/**
 * The Sids `o`'s statements may have where settable root variables are unknown, those it already has as read left out
 * (a Deny with one is replaced as read): `*` for a statement that reading cannot read or a Sid it cannot know, the
 * documents `o` merges in followed the same way. None where nothing of `o` or what it merges can change.
 */
function otherSids(ctx: Ctx, o: TfResource, seen: Set<string>): string[] {
  if (seen.has(o.address) || seen.size > 8) return seen.has(o.address) ? [] : ["*"];
  seen.add(o.address);
  const keys = settableKeys(o.values);
  const nested = embeddedValues(o).flatMap((v) => sidsOfValue(ctx, v, seen, 0)?.forms ?? []);
  if (keys.size === 0) return nested;
  const doc = settableDocument(o, undefined, DATA_DOC_KEYS);
  if (!doc) return ["*"];
  const read = new Set(documentOfDataSource(ctx, o).statements.map((st) => st.source.sid).filter((x): x is string => x !== undefined && x !== ""));
  const other = convertDataSource(ctx, { ...o, values: doc.other as Record<string, unknown> });
  const forms = other.flatMap((st) => (st.unknown !== undefined && !st.source.sid ? ["*"] : st.source.sid ? [sidPattern(ctx.stack, st.source.sid).pattern] : []));
  return [...new Set([...forms.filter((f) => !read.has(f)), ...nested])];
}

/** The documents `o` merges in (its source and override documents), as written. */
function embeddedValues(o: TfResource): unknown[] {
  const out: unknown[] = [];
  for (const key of ["source_policy_documents", "override_policy_documents", "source_json", "override_json"]) {
    const v = o.values[key];
    if (v !== undefined) out.push(...(Array.isArray(v) ? v : [v]));
  }
  return out;
}

/** Why `o`'s Sids may differ: its settable arguments and their variables (or what it merges in). */
function settableSidsWhy(stack: TfStack, o: TfResource): string {
  const keys = [...settableKeys(o.values)].filter((k) => k !== EVERY_ARGUMENT).sort();
  return keys.length > 0
    ? `and ${settableArgumentsWhy(o, keys)}`
    : `which merges in a document that depends on a root variable, ${SETTABLE_SAYS} (blastwall reads it by its default or tfvars value)`;
}

/**
 * Merges statements that override by Sid. An unreadable part among them (a whole document blastwall cannot
 * read, a dynamic "statement" block) may stand for statements with any Sid, so it may replace any earlier
 * statement with a Sid: such Denies become unknown too.
 */
function mergeUnreadable(stack: TfStack, into: Statement[], add: readonly Statement[], where: string): void {
  if (add.some((s) => s.unknown !== undefined && s.source.sid === undefined)) {
    for (let i = 0; i < into.length; i++) {
      const m = into[i];
      if (m.source.sid !== undefined && m.effect === "Deny" && m.unknown === undefined) {
        into[i] = unknownStatement(m.source, `${where} cannot be read and may replace statement "${m.source.sid}"`);
      }
    }
  }
  mergeStatements(stack, into, add, where);
}

/**
 * Replaces by Sid, as the provider does. A Sid that did not resolve exactly may name any earlier statement its
 * pattern admits (and an earlier one written that way may be named by any Sid it admits): the provider may then
 * replace that statement or append beside it. Keeping both is the safe reading for an Allow; a Deny that may be
 * gone cannot be relied on, so it is kept with a condition blastwall cannot evaluate.
 */
function mergeStatements(stack: TfStack, into: Statement[], add: readonly Statement[], where: string, amongThemselves = true): void {
  // A document's own statements replace those of its source documents, not one another: two own statements with one
  // Sid are an invalid policy, and whichever way it is applied both may be there (fail closed: keep both).
  const base = into.length;
  for (const s of add) {
    const sid = s.source.sid;
    if (sid === undefined || sid === "") {
      into.push(s);
      continue;
    }
    const mine = sidPattern(stack, sid);
    let replaced = false;
    const limit = amongThemselves ? into.length : base;
    for (let i = 0; i < limit; i++) {
      const other = into[i].source.sid;
      if (other === undefined || other === "") continue;
      const theirs = sidPattern(stack, other);
      if (mine.exact && theirs.exact) {
        if (!replaced && other === sid) {
          into[i] = s;
          replaced = true;
        }
        continue;
      }
      if (globsIntersect(mine.pattern, theirs.pattern)) {
        into[i] = uncertainDeny(into[i], `${where} has a statement with Sid "${showExpr(sid)}", which may replace statement "${showExpr(other)}"`);
      }
    }
    if (!replaced) into.push(s);
  }
}

/** A Sid as a pattern: exact once `prepareStatement` has resolved it, else its tokens widened. */
function sidPattern(stack: TfStack, sid: string): { readonly pattern: string; readonly exact: boolean } {
  // A Sid the reading with settable root variables unknown cannot know (`sid = var.sid`) may be any Sid.
  const unknown = unknownAsWildcard(sid);
  if (unknown !== sid) return { pattern: unknown, exact: false };
  if (!sid.includes("{")) return { pattern: sid, exact: true };
  const p = policyPattern(stack, sid);
  return { pattern: p.pattern, exact: p.exact };
}

function uncertainDeny(st: Statement, why: string): Statement {
  if (st.effect !== "Deny" || st.unknown !== undefined) return st;
  return { ...st, conditions: [...st.conditions, { operator: UNREADABLE_CONDITION, key: "blastwall:sid", values: [why] }] };
}

/** A source / override document: JSON text, or a reference to another document. */
function embeddedDocument(ctx: Ctx, r: TfResource, value: unknown, where: string): PolicyDocument {
  const doc = fromValue(ctx, value, { address: r.address, constructPath: r.constructPath });
  // Name the argument in reasons, so the report points at the right place.
  return {
    ...doc,
    statements: doc.statements.map((s) =>
      s.unknown !== undefined && s.source.address === r.address ? { ...s, unknown: `${where}: ${s.unknown}` } : s,
    ),
  };
}

/**
 * The `statement` blocks a data source's `dynamic "statement"` blocks make, as Terraform expands them: for each
 * element of a `for_each` blastwall knows exactly (a literal collection, a local or variable default that is one, what
 * the HCL reader's functions make of them), the content with `<iterator>.key` / `.value` substituted (the iterator is
 * the block's label unless `iterator` names another). Nested `dynamic` blocks (principals, condition) expand the same
 * way; one that does not stays, and the statement reads as unknown. References to resources stay `${...}` for the
 * policy parser, as in a statement written out. Anything else (a for_each not known, a content naming an iterator
 * that is not there, an evaluation error) is unknown, with the reason.
 */
function expandDynamicStatements(stack: TfStack, address: string, dyn: unknown): { blocks: Obj[] } | { unknown: string } {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { evalJson, evalString } = require("../../hcl/evaluate") as typeof import("../../hcl/evaluate");
  const { ErrUnk, Tmpl, Unk, isUnknown, toTfJson } = require("../../hcl/values") as typeof import("../../hcl/values");
  /* eslint-enable @typescript-eslint/no-require-imports */
  const cannot = (why: string) => ({ unknown: `${address} builds statements with a dynamic "statement" block blastwall cannot expand: ${why}` });
  // Terraform JSON writes `dynamic` as an object of labels, or a list of such objects.
  const specs: Obj[] = [];
  for (const d of Array.isArray(dyn) ? dyn : [dyn]) {
    if (!isObject(d)) return cannot("it is not an object");
    for (const [label, spec] of Object.entries(d)) {
      if (label === "//") continue;
      if (label !== "statement") return cannot(`a dynamic "${label}" block is beside it`);
      for (const one of Array.isArray(spec) ? spec : [spec]) {
        if (!isObject(one) || !("content" in one) || !("for_each" in one)) return cannot("it has no for_each or no content");
        specs.push(one);
      }
    }
  }
  const env = stackEnv(stack);
  const iterOf = (spec: Obj) => {
    const it = spec["iterator"];
    if (it === undefined || it === null) return "statement";
    const m = typeof it === "string" ? (/^\$\{\s*([A-Za-z_][A-Za-z0-9_-]*)\s*\}$/.exec(it) ?? /^([A-Za-z_][A-Za-z0-9_-]*)$/.exec(it)) : null;
    return m ? m[1] : undefined;
  };
  const blocks: Obj[] = [];
  for (const spec of specs) {
    const iter = iterOf(spec);
    if (iter === undefined) return cannot(`its iterator ${showExpr(JSON.stringify(spec["iterator"]))} is not a name`);
    const forEach = spec["for_each"];
    let each: unknown;
    try {
      // A string is an expression; anything else is Terraform JSON's literal (cdktf's `TerraformIterator.fromMap({...})`
      // writes the map as a JSON object, red-team round 91), evaluated the same way (its strings may interpolate).
      each = typeof forEach === "string" ? evalString(forEach, { env }) : evalJson(forEach, { env });
    } catch {
      each = undefined;
    }
    // A list, set or map whose elements (keys, for a map) are all there; elements may hold references.
    if (each === undefined || isUnknown(each as never) || each === null || typeof each !== "object") {
      return cannot(`its for_each ${showExpr(typeof forEach === "string" ? forEach : JSON.stringify(forEach))} is not known (make it a literal list or map, or write the statements out)`);
    }
    let value: unknown;
    try {
      value = evalJson({ dynamic: { statement: [spec] } }, { env }, true);
    } catch {
      value = undefined;
    }
    if (!isObject(value) || "dynamic" in value) {
      return cannot(`its for_each ${showExpr(typeof forEach === "string" ? forEach : JSON.stringify(forEach))} is not known (make it a literal list or map, or write the statements out)`);
    }
    const made = value["statement"];
    if (made === undefined) continue; // an empty for_each makes no statement
    if (!Array.isArray(made)) return cannot("it does not make a list of blocks");
    // What Terraform would refuse (an attribute of nothing, a wrong type) or what names an iterator that is not
    // there (`statement.value` with `iterator = "each"`) is not read as a reference to resolve later.
    let bad: string | undefined;
    const walk = (x: unknown): void => {
      if (bad !== undefined) return;
      if (x instanceof ErrUnk) bad = `its content fails to evaluate: ${showExpr(x.src)}`;
      else if (x instanceof Unk) {
        if (/^(?:statement|each|count|self|path|terraform)\b/.test(x.src) || new RegExp(`^${iter}\\b`).test(x.src)) {
          bad = `its content uses ${showExpr(x.src)}, which is not known there (the iterator is \"${iter}\")`;
        }
      } else if (x instanceof Tmpl) x.parts.forEach(walk);
      else if (Array.isArray(x)) x.forEach(walk);
      else if (x !== null && typeof x === "object") Object.values(x).forEach(walk);
    };
    walk(made);
    if (bad !== undefined) return cannot(bad);
    for (const b of made) {
      const json = toTfJson(b as never);
      if (!isObject(json)) return cannot("its content is not a block");
      blocks.push(json);
    }
  }
  return { blocks };
}

/**
 * A statement block whose nested `dynamic` blocks (principals, not_principals, condition) all expand, expanded, as
 * Terraform JSON; undefined when one does not (unknown for_each, a content Terraform would refuse), for the caller
 * to read the block as written (its `dynamic` unreadable).
 */
function expandNestedDynamic(stack: TfStack, b: Obj): Obj | undefined {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { evalJson } = require("../../hcl/evaluate") as typeof import("../../hcl/evaluate");
  const { ErrUnk, Tmpl, Unk, toTfJson } = require("../../hcl/values") as typeof import("../../hcl/values");
  /* eslint-enable @typescript-eslint/no-require-imports */
  // `dynamic` as an object of labels or Terraform JSON's list of them (red-team round 91).
  const dyn = b["dynamic"];
  const labelObjects = Array.isArray(dyn) ? dyn : [dyn];
  if (labelObjects.length === 0 || !labelObjects.every(isObject)) return undefined;
  if (labelObjects.some((d) => Object.keys(d as Obj).some((k) => k !== "//" && !["principals", "not_principals", "condition"].includes(k)))) return undefined;
  let value: unknown;
  try {
    value = evalJson(b, { env: stackEnv(stack) }, true);
  } catch {
    return undefined;
  }
  if (!isObject(value) || "dynamic" in value) return undefined;
  let bad = false;
  const walk = (x: unknown): void => {
    if (bad) return;
    if (x instanceof ErrUnk) bad = true;
    else if (x instanceof Unk) bad = /^(?:statement|principals|not_principals|condition|each|count|self)\b/.test(x.src);
    else if (x instanceof Tmpl) x.parts.forEach(walk);
    else if (Array.isArray(x)) x.forEach(walk);
    else if (x !== null && typeof x === "object") Object.values(x).forEach(walk);
  };
  walk(value);
  if (bad) return undefined;
  const json = toTfJson(value as never);
  return isObject(json) ? json : undefined;
}

/** The `statement` blocks of the data source itself (then those its dynamic blocks make, when expanded). */
function ownStatements(ctx: Ctx, r: TfResource, dynamic: readonly Obj[] = []): Statement[] {
  const raw = r.values["statement"];
  const cp = r.constructPath ?? constructPathOf(r.values);
  if ((raw === undefined || raw === null) && dynamic.length === 0) return [];
  if (typeof raw === "string" || !(raw === undefined || raw === null || isObject(raw) || Array.isArray(raw))) {
    return [unknownStatement(makeSource(r.address, 0, undefined, undefined, cp), `${r.address}.statement is ${showExpr(String(raw))}, which blastwall cannot read`)];
  }
  const blocks: unknown[] = [...(raw === undefined || raw === null ? [] : Array.isArray(raw) ? raw : [raw]), ...dynamic];
  const json: unknown[] = [];
  const unknowns = new Map<number, string>();
  blocks.forEach((b, i) => {
    // A statement written out with `dynamic "condition"` / `dynamic "principals"` inside: expanded the same way.
    const c = blockToJson(ctx.stack, isObject(b) && b["dynamic"] !== undefined ? (expandNestedDynamic(ctx.stack, b) ?? b) : b, `${r.address}.statement[${i}]`);
    if ("unknown" in c) {
      unknowns.set(i, c.unknown);
      json.push({ Effect: "Allow", Action: "*", Resource: "*" });
    } else {
      json.push(c.json);
    }
  });
  const doc = parseDocumentObject(ctx, { Version: "2012-10-17", Statement: json }, { address: r.address, constructPath: cp });
  return doc.statements.map((s, i) => {
    const reason = unknowns.get(i);
    if (reason === undefined) return s;
    const sid = blockSid(ctx.stack, blocks[i]);
    return unknownStatement(makeSource(r.address, i, sid, undefined, cp), reason);
  });
}

function blockSid(stack: TfStack, b: unknown): string | undefined {
  if (!isObject(b)) return undefined;
  const sid = b["sid"];
  if (typeof sid !== "string") return undefined;
  const resolved = exactOrRaw(stack, sid);
  return resolved !== "" ? resolved : undefined;
}

/**
 * A list argument written as one expression, as far as it can be known: a variable's default or a local as written
 * (`actions = var.deny_actions`), or what the HCL reader's functions make of it (`concat(...)`, `distinct(...)`, a
 * `for` expression). Its strings may keep `${...}` references, for the policy parser to resolve. Undefined when it
 * cannot be known (a variable without a default).
 */
function stringListOf(stack: TfStack, token: string): unknown[] | undefined {
  const v = followReferences(stack, token);
  if (Array.isArray(v) && v.every((e) => typeof e === "string" && !hasInterpolation(e))) return v;
  const sole = soleInterpolation(token);
  if (!sole) return undefined;
  const text = encodedDocument(stack, `\${jsonencode(${sole.expr})}`);
  if (text === undefined) return undefined;
  try {
    const list: unknown = JSON.parse(text);
    return Array.isArray(list) && list.every((e) => typeof e === "string") ? list : undefined;
  } catch {
    return undefined;
  }
}

/**
 * One `statement` block → IAM JSON. An Allow (or a statement whose effect is a token) with a part
 * blastwall cannot read becomes unknown; a Deny keeps what is readable and gets an "unreadable" condition
 * (a conditional Deny is never relied on), or an action that matches nothing.
 */
function blockToJson(stack: TfStack, b: unknown, where: string): { json: Obj } | { unknown: string } {
  if (!isObject(b)) return { unknown: `${where} is not a block` };
  const effectRaw = b["effect"] ?? "Allow";
  if (effectRaw !== "Allow" && effectRaw !== "Deny") {
    return {
      unknown:
        typeof effectRaw === "string" && hasInterpolation(effectRaw)
          ? `${where}.effect is ${showExpr(effectRaw)}, which blastwall cannot read`
          : `${where}.effect ${JSON.stringify(effectRaw)} is neither Allow nor Deny`,
    };
  }
  const deny = effectRaw === "Deny";
  const unreadable: string[] = [];
  const out: Obj = { Effect: effectRaw };
  const sid = b["sid"];
  if (typeof sid === "string" && sid !== "") out["Sid"] = sid;

  const dyn = b["dynamic"];
  if (dyn !== undefined) {
    const names = [...new Set((Array.isArray(dyn) ? dyn : [dyn]).flatMap((d) => (isObject(d) ? Object.keys(d).filter((k) => k !== "//") : [])))];
    unreadable.push(
      `${where} has a dynamic ${names.length > 0 ? `${names.map((n) => `"${n}"`).join(", ")} ` : ""}block blastwall cannot expand (its for_each is not known, or its content uses values that are not)`,
    );
  }

  /** A list argument: strings (policy variables written `&{...}` as the provider allows). */
  const list = (key: string): string[] | "token" | undefined => {
    let x = b[key];
    if (x === undefined || x === null) return undefined;
    if (typeof x === "string" && hasInterpolation(x)) x = stringListOf(stack, x) ?? x;
    if (Array.isArray(x)) return x.map((e) => ampersandVariables(typeof e === "string" ? e : String(e)));
    if (typeof x === "string" && !hasInterpolation(x)) return [ampersandVariables(x)];
    // Which reference or function left it unknown: "write the actions out" is then a fix the reader can follow.
    unreadable.push(`${where}.${key} is ${typeof x === "string" ? `${showExpr(x)} (${whyUnknown(x, (name) => stack.variables.has(name))})` : "not a list"}`);
    return "token";
  };

  const actions = list("actions");
  const notActions = list("not_actions");
  const resources = list("resources");
  const notResources = list("not_resources");
  // Deny: an unreadable action list matches nothing; an unreadable NotAction list is all (denies nothing).
  if (actions !== undefined) out["Action"] = actions === "token" ? `${UNRESOLVED_ACTION_PREFIX}${key("actions")}` : actions;
  if (notActions !== undefined) out["NotAction"] = notActions === "token" ? "*" : notActions;
  // An unreadable resource list is one approximate element: `*` for an Allow, never relied on in a Deny.
  if (resources !== undefined) out["Resource"] = resources === "token" ? rawToken(b["resources"]) : resources;
  if (notResources !== undefined) out["NotResource"] = notResources === "token" ? rawToken(b["not_resources"]) : notResources;
  if (actions === undefined && notActions === undefined) {
    // The provider leaves Action out; IAM rejects such a statement. Read as every action.
    out["Action"] = deny ? `${UNRESOLVED_ACTION_PREFIX}missing-actions` : "*";
  }

  for (const [key, jsonKey] of [
    ["principals", "Principal"],
    ["not_principals", "NotPrincipal"],
  ] as const) {
    const p = b[key];
    if (p === undefined || p === null) continue;
    const blocks = Array.isArray(p) ? p : isObject(p) ? [p] : undefined;
    if (!blocks) {
      unreadable.push(`${where}.${key} is ${typeof p === "string" ? showExpr(p) : "not a block"}`);
      continue;
    }
    const byType: Record<string, string[]> = {};
    let star = false;
    for (const pb of blocks) {
      if (!isObject(pb) || typeof pb["type"] !== "string" || hasInterpolation(pb["type"] as string)) {
        unreadable.push(`${where}.${key} has a principal type blastwall cannot read`);
        continue;
      }
      const type = pb["type"] as string;
      const raw = pb["identifiers"];
      const ids = typeof raw === "string" && hasInterpolation(raw) ? (stringListOf(stack, raw) ?? raw) : raw;
      let idList: string[];
      if (Array.isArray(ids)) idList = ids.map((e) => ampersandVariables(String(e)));
      else if (typeof ids === "string") {
        // A token for the whole list: kept as one approximate identifier for a Deny.
        unreadable.push(`${where}.${key}.identifiers is ${showExpr(ids)}`);
        idList = [ids];
      } else {
        unreadable.push(`${where}.${key}.identifiers is not a list`);
        continue;
      }
      if (type === "*") star = true;
      else (byType[type] ??= []).push(...idList);
    }
    if (star) out[jsonKey] = "*";
    else if (Object.keys(byType).length > 0) out[jsonKey] = byType;
  }

  const cond = b["condition"];
  if (cond !== undefined && cond !== null) {
    const blocks = Array.isArray(cond) ? cond : isObject(cond) ? [cond] : undefined;
    if (!blocks) unreadable.push(`${where}.condition is ${typeof cond === "string" ? showExpr(cond) : "not a block"}`);
    else {
      const c: Record<string, Record<string, string[]>> = {};
      for (const cb of blocks) {
        if (!isObject(cb) || typeof cb["test"] !== "string" || typeof cb["variable"] !== "string") {
          unreadable.push(`${where}.condition has a test or variable blastwall cannot read`);
          continue;
        }
        const test = cb["test"] as string;
        const variable = cb["variable"] as string;
        if (hasInterpolation(test) || hasInterpolation(variable)) {
          unreadable.push(`${where}.condition test/variable is a token`);
          continue;
        }
        const rawValues = cb["values"];
        const vals = typeof rawValues === "string" && hasInterpolation(rawValues) ? (stringListOf(stack, rawValues) ?? rawValues) : rawValues;
        let vl: string[];
        if (Array.isArray(vals)) vl = vals.map((e) => ampersandVariables(String(e)));
        else if (typeof vals === "string") {
          unreadable.push(`${where}.condition values are ${showExpr(vals)}`);
          continue;
        } else {
          unreadable.push(`${where}.condition values are not a list`);
          continue;
        }
        const block = (c[test] ??= {});
        (block[variable] ??= []).push(...vl);
      }
      if (Object.keys(c).length > 0) out["Condition"] = c;
    }
  }

  if (unreadable.length > 0) {
    if (!deny) return { unknown: `${unreadable.join("; ")}, which blastwall cannot read` };
    // Keep the Deny visible but never certain.
    const c = (out["Condition"] as Record<string, Record<string, string[]>> | undefined) ?? {};
    c[UNREADABLE_CONDITION] = { reason: unreadable };
    out["Condition"] = c;
  }
  return { json: out };

  function key(k: string): string {
    const x = b as Obj;
    return typeof x[k] === "string" ? stripBraces(x[k] as string) : k;
  }
}

function rawToken(x: unknown): string {
  return typeof x === "string" ? x : "${unreadable}";
}

/** The provider accepts `&{aws:username}` for IAM policy variables; as a Terraform template that is `$${...}`. */
function ampersandVariables(s: string): string {
  return s.includes("&{") ? s.replace(/&\{/g, () => "$${") : s;
}

/** Whether `value` is exactly a reference to a data.aws_iam_policy_document's JSON (for callers deciding addresses). */
export function policyDocumentRef(value: unknown): string | undefined {
  const t = refTarget(value);
  if (t && t.kind === "data" && t.address.startsWith("data.aws_iam_policy_document.")) return t.address;
  return undefined;
}
