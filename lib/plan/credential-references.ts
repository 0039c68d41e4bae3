/**
 * The credentials a plan's configuration shows flowing into each argument of a resource (red-team round 86). A key the
 * plan creates has its secret unknown until apply, and so has the argument it is written into; a key that exists is
 * shown as a literal, but a copy made with `base64encode` matches nothing. The configuration still names the key: its
 * references, with module paths, module outputs and module variables resolved, are what the credential paths read.
 */
import { isObject } from "../engine/json";
import { argumentsReadBack, carriesCredential, decryptedReferences, decryptedSecret, NOT_ARGUMENTS, referenceParts, unseenMarker } from "../engine/reach/credential-references";
import type { PlanJson } from "./types";
import { withoutInstanceKeys } from "../engine/agents";

/** What `resolve` gives for a reference the configuration does not show the expression of (a local). */
const UNSEEN = "?";

/** A root variable or a local (`var.db_password`, `module.db.local.pw`), as `resolve` gives it. */
const VALUE_NAME = /^(?:module\.[^.]+\.)*(?:var|local)\.[A-Za-z_][A-Za-z0-9_-]*$/;

/** Credential attributes Terraform knows only after apply when the plan creates the credential. */
const SECRETS = ["secret", "ses_smtp_password_v4", "password", "service_password", "service_credential_secret"];

interface Module {
  readonly prefix: string;
  readonly outputs: Record<string, unknown>;
  /** The module that calls this one, and the expressions of the call (what each variable is given). */
  readonly caller?: { readonly module: Module; readonly expressions: Record<string, unknown> };
}

/**
 * References followed from module to module (a variable to what its caller gives it, an output to its expression)
 * before `resolve` stops: past it, unseen, as a local is (red-team round 176: it gave nothing, and a credential passed
 * down 21 modules was dropped). Modules are all read, however deep: the plan's JSON nesting bounds that.
 */
const MAX_DEPTH = 20;

/**
 * By resource address (module path kept, instance keys left out), then argument: the references that carry a
 * credential, written as interpolations (`${aws_iam_access_key.k.secret}`). Empty when the plan has no configuration.
 */
export function configuredCredentialReferences(plan: PlanJson): Map<string, Map<string, string[]>> {
  const out = new Map<string, Map<string, string[]>>();
  const config = (plan as { configuration?: unknown }).configuration;
  const modules = new Map<string, Module>();
  // Arguments unknown until apply, by resource (instance keys left out), and the credentials this plan creates.
  const unknown = new Map<string, Set<string>>();
  const created: string[] = [];
  // Every credential of the plan, made by it or not: what a local in an argument the plan shows as null may hold.
  const credentials: string[] = [];
  // What each instance will be, by resource (instance keys left out): its planned values and what of them is unknown.
  const planned = new Map<string, { readonly after: Record<string, unknown>; readonly unknown: Record<string, unknown> }[]>();
  for (const rc of plan.resource_changes) {
    const u = rc.change.after_unknown;
    if (rc.deposed || !isObject(u)) continue;
    const bare = withoutInstanceKeys(rc.address);
    planned.set(bare, [...(planned.get(bare) ?? []), { after: isObject(rc.change.after) ? rc.change.after : {}, unknown: u }]);
    const set = unknown.get(bare) ?? new Set<string>();
    for (const [k, v] of Object.entries(u)) if (v !== false && !(Array.isArray(v) && v.length === 0) && !(isObject(v) && Object.keys(v).length === 0)) set.add(k);
    unknown.set(bare, set);
    if (rc.mode === "managed" && carriesCredential(rc.address) && SECRETS.some((a) => u[a] === true)) created.push(`\${${rc.address}}`);
    const after = isObject(rc.change.after) ? rc.change.after : {};
    if (rc.mode === "managed" && carriesCredential(rc.address) && SECRETS.some((a) => u[a] === true || (a in after && after[a] !== null))) credentials.push(`\${${rc.address}}`);
  }
  // A plan whose configuration is gone (or leaves a resource out) shows nothing of what a write-only argument was
  // given (red-team round 171, F1): fail closed before reading what configuration there is.
  const unconfigured = isObject(config) && isObject(config.root_module) ? undefined : writeOnlyUnshown(plan, () => false, credentials);
  if (unconfigured) return unconfigured;
  const hiddenAt = nullShown(planned);
  // The arguments some reference of which feeds a place the plan shows as null (`hiddenAt`), by resource.
  const hiddenArguments = new Set<string>();
  const hidden = (resource: string, argument: string) => hiddenArguments.has(`${resource} ${argument}`);
  // Every module and what each resource is given first: a reference may name a module's output, or an argument of a
  // resource (red-team round 107, F1: what that argument was given), that comes later in the configuration.
  const bodies: [Record<string, unknown>, Module][] = [];
  const given = new Map<string, Set<string>>();
  const index = (body: Record<string, unknown>, mod: Module) => {
    modules.set(mod.prefix, mod);
    bodies.push([body, mod]);
    for (const r of Array.isArray(body.resources) ? body.resources : []) {
      if (isObject(r) && typeof r.address === "string" && isObject(r.expressions)) given.set(`${mod.prefix}${r.address}`, new Set(Object.keys(r.expressions).filter((a) => !NOT_ARGUMENTS.has(a))));
    }
    if (!isObject(body.module_calls)) return;
    for (const [name, call] of Object.entries(body.module_calls)) {
      if (!isObject(call) || !isObject(call.module)) continue;
      const outputs: Record<string, unknown> = {};
      if (isObject(call.module.outputs)) for (const [o, v] of Object.entries(call.module.outputs)) if (isObject(v)) outputs[o] = v.expression;
      index(call.module, { prefix: `${mod.prefix}module.${name}.`, outputs, caller: { module: mod, expressions: isObject(call.expressions) ? call.expressions : {} } });
    }
  };
  index((config as { root_module: Record<string, unknown> }).root_module, { prefix: "", outputs: {} });
  const configured = (resource: string) => given.get(resource);
  for (const [body, mod] of bodies) {
    for (const r of Array.isArray(body.resources) ? body.resources : []) {
      if (!isObject(r) || typeof r.address !== "string" || !isObject(r.expressions)) continue;
      const byArgument = new Map<string, string[]>();
      // What a decrypting data source's payloads name is kept whole: the engine follows a ciphertext to what it was
      // made from, and anything else to every ciphertext of the stack (red-team round 109, F3).
      const decrypts = r.mode === "data" && typeof r.type === "string" && decryptedSecret(r.type, undefined, undefined) === null;
      for (const [argument, expression] of Object.entries(r.expressions)) {
        const refs = new Set<string>();
        const address = `${mod.prefix}${r.address}`;
        for (const [ref, path] of referencesAt(expression)) {
          // Shown as null where this reference feeds it, or write-only (red-team round 169, F5): a null elsewhere in
          // the argument (a CodeBuild environment's `certificate`) says nothing of what this reference gave.
          const nulled = hiddenAt(address, r.type, [argument, ...path]);
          if (nulled) hiddenArguments.add(`${address} ${argument}`);
          // Unknown until apply, or shown as null (a write-only argument): the value shows nothing to match by.
          const unshown = unknown.get(address)?.has(argument) === true || nulled;
          for (const x of resolve(modules, mod, ref, r.for_each_expression, 0)) {
            if (carriesCredential(x, configured) || (decrypts && argument === "secret")) refs.add(`\${${x}}`);
            // A local hides what it was made from: an argument unknown until apply that names one may hold any
            // credential this plan creates (also unknown until apply). A known argument is matched by its value.
            else if (x === UNSEEN && unknown.get(address)?.has(argument)) created.forEach((c) => refs.add(c));
            // Shown as null (a write-only argument), it shows nothing to match a value by: any credential of the plan.
            else if (x === UNSEEN && nulled) credentials.forEach((c) => refs.add(c));
            // What the value is made from, by name, where the value does not show it (red-team round 168, F3): a
            // root variable, a local, a data source's attribute named on two sides is one value on both (a database's
            // `password_wo` and a store's `value_wo`, both `var.db_password`).
            if (unshown && x !== UNSEEN && (VALUE_NAME.test(x) || (/^(?:module\.[^.]+\.)*data\./.test(x) && !carriesCredential(x, configured)))) refs.add(`\${${x}}`);
            // ... and what no plan shows may be anything: said so, by the name written (fail closed).
            if (unshown && x === UNSEEN) refs.add(unseenMarker(`${mod.prefix}${ref}`));
          }
        }
        if (refs.size > 0) byArgument.set(argument, [...refs]);
      }
      if (byArgument.size > 0) out.set(`${mod.prefix}${r.address}`, byArgument);
    }
  }
  // A value known when planned holds nothing of one unknown until apply (Terraform makes any value computed from an
  // unknown one unknown): a reference in a known argument whose every credential is made by this plan adds nothing, and
  // a credential known when planned is matched by its value. In a plan a `for` expression or a splat over a resource
  // is listed as the whole resource (red-team round 109, F5: `[for f in aws_lambda_function.f : f.function_name]`).
  // A null is no known value: a write-only argument (`secret_string_wo`, `password_wo`, Terraform 1.11+) is null in
  // every plan, whatever it is given, and a plan carries no schema to tell it from an argument left unset (red-team
  // round 168, F1). Only an argument the plan shows with no null in it is known to hold what it shows.
  const unknownOnly = unknownOnlyIn(planned, out);
  for (const [resource, byArgument] of out) {
    const u = unknown.get(resource);
    if (u === undefined) continue;
    for (const [argument, refs] of byArgument) {
      if (u.has(argument) || hidden(resource, argument)) continue;
      const kept = refs.filter((ref) => !unknownOnly(ref.slice(2, -1)));
      if (kept.length === refs.length) continue;
      if (kept.length > 0) byArgument.set(argument, kept);
      else byArgument.delete(argument);
    }
    if (byArgument.size === 0) out.delete(resource);
  }
  for (const [resource, byArgument] of writeOnlyUnshown(plan, (r) => given.has(r), credentials)) out.set(resource, byArgument);
  return out;
}

/**
 * The write-only arguments (named `_wo`, as the AWS provider names every one) a plan shows as null on a resource its
 * configuration has no entry for, by resource and argument: what no plan shows, so any credential of the plan
 * (`credentials`), and a marker that says why (red-team round 171, F1). Terraform writes `configuration` in every plan
 * it shows; one without it (or without the resource) was edited, and an edit must not hide an admin key stored so.
 */
function writeOnlyUnshown(plan: PlanJson, configured: (resource: string) => boolean, credentials: readonly string[]): Map<string, Map<string, string[]>> {
  const out = new Map<string, Map<string, string[]>>();
  for (const rc of plan.resource_changes) {
    const after = rc.change.after;
    if (rc.deposed || rc.mode !== "managed" || !isObject(after)) continue;
    const bare = withoutInstanceKeys(rc.address);
    if (configured(bare)) continue;
    for (const [argument, value] of Object.entries(after)) {
      if (!nullWriteOnly(argument, value)) continue;
      const byArgument = out.get(bare) ?? new Map<string, string[]>();
      const marker = unseenMarker(`${bare}.${argument} (a write-only argument, and the plan has no configuration for ${bare} to say what it was given)`);
      byArgument.set(argument, [...new Set([...(byArgument.get(argument) ?? []), ...credentials, marker])]);
      out.set(bare, byArgument);
    }
  }
  return out;
}

/** Whether a planned value holds a null write-only argument: the argument itself (`secret_string_wo`), or one in a block. */
function nullWriteOnly(name: string, value: unknown): boolean {
  if (name.endsWith("_wo") && (value === null || value === undefined)) return true;
  if (Array.isArray(value)) return value.some((v) => nullWriteOnly("", v));
  if (isObject(value)) return Object.entries(value).some(([k, v]) => nullWriteOnly(k, v));
  return false;
}

type Planned = ReadonlyMap<string, readonly { readonly after: Record<string, unknown>; readonly unknown: Record<string, unknown> }[]>;

/**
 * Whether every credential an absolute reference may carry is unknown until apply: the attribute it reads is unknown
 * in every instance (a key's `secret`, a `random_password`'s `result`, made by this plan), or it is an argument of an AWS
 * resource (the whole resource: every argument) whose configured references are all so in turn. Anything blastwall
 * does not see planned (a data source read while planning, a local) may be known: false.
 */
function unknownOnlyIn(planned: Planned, configured: ReadonlyMap<string, ReadonlyMap<string, readonly string[]>>): (ref: string) => boolean {
  const memo = new Map<string, boolean>();
  const unknownOnly = (ref: string): boolean => {
    const hit = memo.get(ref);
    if (hit !== undefined) return hit;
    // A cycle proves nothing.
    memo.set(ref, false);
    const result = decide(ref);
    memo.set(ref, result);
    return result;
  };
  const decide = (ref: string): boolean => {
    const parts = referenceParts(ref);
    const instances = parts && planned.get(parts.resource);
    if (!parts || !instances || instances.length === 0) return false;
    const { attribute, type } = parts;
    if (attribute !== undefined && instances.every((i) => unknownThrough(i.after[attribute], i.unknown[attribute]))) return true;
    if (!parts.byArguments) {
      // The whole of a credential: its secret attributes.
      return attribute === undefined && instances.every((i) => SECRETS.some((a) => a in i.after || a in i.unknown) && SECRETS.every((a) => unknownThrough(i.after[a], i.unknown[a])));
    }
    const byArgument = configured.get(parts.resource);
    const args = attribute === undefined ? [...(byArgument?.keys() ?? [])] : argumentsReadBack(type, attribute);
    const secret = decryptedSecret(type, attribute, undefined);
    return args.every((a) =>
      (byArgument?.get(a) ?? []).every((r) => {
        const inner = r.slice(2, -1);
        // A decrypting data source's payloads are ciphertexts: what they decrypt to is the ciphertext's plaintext.
        if (secret !== undefined && a === "secret") {
          const plain = decryptedReferences(r);
          return plain !== undefined && unknownOnly(plain.slice(2, -1));
        }
        return unknownOnly(inner);
      }),
    );
  };
  return unknownOnly;
}

/**
 * Whether the place a reference feeds (`path`: the argument, then block indexes and names down to it) may hide what it
 * was given: write-only (a name on the path ends `_wo`, as the AWS provider names every write-only argument), or shown
 * as null or absent there in some instance, where the type is outside the AWS provider (another provider's write-only
 * argument bears no mark; red-team round 168, F1). A null elsewhere in the argument (a CodeBuild environment's
 * `certificate`) hides nothing this reference gave, and an AWS argument not named `_wo` shown as null is null (red-team
 * round 169, F5). A path the planned value does not follow (a `dynamic` block) may hide it: true (fail closed).
 */
function nullShown(planned: Planned): (resource: string, type: unknown, path: readonly (string | number)[]) => boolean {
  return (resource, type, path) => {
    if (path.some((k) => typeof k === "string" && k.endsWith("_wo"))) return true;
    const aws = typeof type === "string" && /^aws_/.test(type);
    return (planned.get(resource) ?? []).some((i) => {
      let v: unknown = i.after;
      for (const k of path) {
        if (v === null || v === undefined) return !aws;
        if (typeof k === "number" ? !Array.isArray(v) : !isObject(v)) return true;
        v = (v as Record<string | number, unknown>)[k];
      }
      return (v === null || v === undefined) && !aws;
    });
  };
}

/** Whether a planned value holds no known part: unknown (`after_unknown` true), absent, or made only of such parts. */
function unknownThrough(value: unknown, unknown: unknown): boolean {
  if (unknown === true || value === undefined || value === null) return true;
  if (Array.isArray(value)) return value.every((v, i) => unknownThrough(v, Array.isArray(unknown) ? unknown[i] : undefined));
  if (isObject(value)) return Object.entries(value).every(([k, v]) => unknownThrough(v, isObject(unknown) ? unknown[k] : undefined));
  return false;
}

/**
 * Every reference an expression makes, nested blocks included. Terraform lists `aws_iam_access_key.k` beside
 * `aws_iam_access_key.k.secret`: the shorter one stands for the whole object only when nothing longer names it.
 */
function referencesIn(expression: unknown, out: string[] = []): string[] {
  if (Array.isArray(expression)) {
    for (const e of expression) referencesIn(e, out);
  } else if (isObject(expression)) {
    if (Array.isArray(expression.references)) {
      const refs = expression.references.filter((r): r is string => typeof r === "string");
      for (const r of refs) if (!refs.some((o) => o !== r && (o.startsWith(`${r}.`) || o.startsWith(`${r}[`)))) out.push(r);
    }
    for (const [k, v] of Object.entries(expression)) if (k !== "references" && k !== "constant_value") referencesIn(v, out);
  }
  return out;
}

/**
 * Every reference an expression makes (as `referencesIn`), each with where inside the expression it stands: the block
 * indexes and argument names down to the expression that makes it (`[0, "environment_variable", 0, "value"]`).
 */
function referencesAt(expression: unknown, path: (string | number)[] = [], out: [string, (string | number)[]][] = []): [string, (string | number)[]][] {
  if (Array.isArray(expression)) {
    expression.forEach((e, i) => referencesAt(e, [...path, i], out));
  } else if (isObject(expression)) {
    if (Array.isArray(expression.references)) for (const r of referencesIn({ references: expression.references })) out.push([r, path]);
    for (const [k, v] of Object.entries(expression)) if (k !== "references" && k !== "constant_value") referencesAt(v, [...path, k], out);
  }
  return out;
}

/** What a reference made in module `mod` stands for, as absolute references to resources and data sources. */
function resolve(modules: ReadonlyMap<string, Module>, mod: Module, ref: string, forEach: unknown, depth: number): string[] {
  if (depth > MAX_DEPTH) return [UNSEEN];
  const again = (m: Module, expression: unknown) => referencesIn(expression).flatMap((r) => resolve(modules, m, r, undefined, depth + 1));
  const call = /^module\.([A-Za-z_][A-Za-z0-9_-]*)(?:\[[^\]]*\])?(?:\.([A-Za-z_][A-Za-z0-9_-]*))?/.exec(ref);
  if (call) {
    const inner = modules.get(`${mod.prefix}module.${call[1]}.`);
    if (!inner) return [UNSEEN];
    // A whole module object (`module.keys`) holds every output; an output holds what its expression refers to.
    const names = call[2] !== undefined ? [call[2]] : Object.keys(inner.outputs);
    return names.flatMap((n) => (n in inner.outputs ? again(inner, inner.outputs[n]) : [UNSEEN]));
  }
  const variable = /^var\.([A-Za-z_][A-Za-z0-9_-]*)/.exec(ref);
  // A root variable is given by whoever runs the plan: it stands for itself (`var.db_password`).
  if (variable) return mod.caller ? again(mod.caller.module, mod.caller.expressions[variable[1]]) : [`var.${variable[1]}`];
  // A plan never shows a local's expression: what it holds is unseen, but the same local is the same value.
  const local = /^local\.([A-Za-z_][A-Za-z0-9_-]*)/.exec(ref);
  if (local) return [UNSEEN, `${mod.prefix}local.${local[1]}`];
  if (/^each\.value(\.|\[|$)/.test(ref)) return again(mod, forEach);
  if (/^(local|each|count|path|terraform|self)\./.test(ref)) return [];
  return [`${mod.prefix}${ref}`];
}
