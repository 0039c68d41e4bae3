/**
 * Values a deploy may set otherwise (red-team round 160, F1; round 162b, F3): the HCL reader reads a root variable by
 * its default or its tfvars value, so a provider's `region = var.region` reads as the default's region, and a Deny
 * written with that literal region and account was taken to cover the stack's functions, which `-var` can place
 * elsewhere, where it covers nothing. The same holds for a function's or role's name or path, a policy's `count`, a
 * statement's Effect: whatever `-var` can change. The reader marks what changes in its second reading, where every root
 * variable but a `--var-file` one is unknown (instance.ts `tree.settable`); an explicit Deny that depends on a marked
 * value is not relied on (`settableDenyMark`, and invoke-denies.ts `deniedOn` for the resource a Deny is matched
 * against). Allows and everything else keep the values read.
 *
 * Keyed by the provider body or the resource's values object the reader hands on, which the stack keeps as it is. A
 * provider's settings are marked when rendered; a resource's arguments are compared only when first asked (a thunk),
 * so a folder whose Denies ask nothing pays nothing for it.
 */
const settable = new WeakMap<object, { keys: Set<string>; lazy?: () => SettableReading; other?: Record<string, unknown>; written?: Record<string, unknown>; rawText?: readonly RawText[] }>();

/**
 * A string of a resource's arguments (`path` from its values: `["policy"]`, `["source_policy_documents", 0]`) that is
 * text into which the reading with settable root variables unknown writes `tokens` verbatim, unescaped, as Terraform
 * writes a heredoc's, a template's or a `templatefile()`'s interpolations (red-team round 174, F1/F2), or that is such a
 * token whole. Only `jsonencode()` (and the policy document data source) escape a value: anywhere else a value with a
 * quote in it can write JSON into the text.
 */
export interface RawText {
  readonly path: readonly (string | number)[];
  readonly tokens: readonly string[];
}

/** What a resource's arguments come out as where root variables `-var` may set are unknown, and which differ. */
export interface SettableReading {
  readonly keys: ReadonlySet<string>;
  /** The arguments as rendered in that reading (absent where it has no such instance). */
  readonly other?: Record<string, unknown>;
  /** The arguments as written (`${aws_iam_role.agent[count.index].name}`), where the reader keeps them. */
  readonly written?: Record<string, unknown>;
  /** Its strings into which that reading writes a `-var` value verbatim (tokens the reading as read knows left out). */
  readonly rawText?: readonly RawText[];
}

/** What every reason `settableDenyMark` gives says: a finding's fix looks for it (analyze.ts `withSettableDenyNote`). */
export const SETTABLE_SAYS = "which -var can set otherwise";

/** What a deny-not-relied-on step adds where the reason it gives is not the only one (analyze.ts reads it). */
export const ALSO_NOT_RELIED_ON = "; it is not relied on for another reason as well";

/** The provider settings that place its resources: a region or an account read from a variable pins nothing. */
export const PLACING_SETTINGS: readonly string[] = ["region", "allowed_account_ids", "assume_role", "assume_role_with_web_identity"];

/** How a deny-not-relied-on step opens its reason (rules/support.ts writes it; readers take the reason from after it). */
export const NOT_RELIED_ON = "but blastwall does not rely on it: ";

/** The reason a deny-not-relied-on step gives: what follows NOT_RELIED_ON, or the whole detail where another wording is used. */
export function notReliedReason(detail: string): string {
  const at = detail.indexOf(NOT_RELIED_ON);
  return at < 0 ? detail : detail.slice(at + NOT_RELIED_ON.length);
}

/** Stands for every argument of a resource: the other reading has no such instance to compare with. */
export const EVERY_ARGUMENT = "*";

/** The settings of a provider's body (`region`, `allowed_account_ids`, `assume_role`...) that a deploy may set otherwise. */
export function markSettable(body: object, keys: readonly string[]): void {
  if (keys.length === 0) return;
  const hit = settable.get(body);
  if (hit) for (const k of keys) hit.keys.add(k);
  else settable.set(body, { keys: new Set(keys) });
}

/** Marks the arguments of a resource's values that `keys()` (asked once, when first needed) says a deploy may set otherwise. */
export function markSettableLazily(values: object, keys: () => SettableReading): void {
  const hit = settable.get(values);
  if (hit) hit.lazy = keys;
  else settable.set(values, { keys: new Set(), lazy: keys });
}

/**
 * Stands for a resource's module instance, which the other reading may not create while this one does (a module called
 * with `count = var.enable ? 1 : 0`): the arguments are compared with that instance's, and this says it may not exist.
 * Callers other than a Deny's holder (`settableDenyMark`) see it as `EVERY_ARGUMENT`, as before.
 */
export const INSTANCE = "(module instance)";

/** The marked keys of `body` (`EVERY_ARGUMENT` among them when every one counts as marked). */
export function settableKeys(body: object | undefined): ReadonlySet<string> {
  const keys = rawKeys(body);
  return keys.has(INSTANCE) ? new Set([...keys, EVERY_ARGUMENT]) : keys;
}

/** The marked keys of `body`, `INSTANCE` kept as it is. */
function rawKeys(body: object | undefined): ReadonlySet<string> {
  const hit = body === undefined ? undefined : settable.get(body);
  if (!hit) return NONE;
  if (hit.lazy) {
    const lazy = hit.lazy;
    hit.lazy = undefined;
    const reading = lazy();
    for (const k of reading.keys) hit.keys.add(k);
    if (reading.other) hit.other = reading.other;
    if (reading.written) hit.written = reading.written;
    if (reading.rawText && reading.rawText.length > 0) hit.rawText = reading.rawText;
  }
  return hit.keys;
}

/** `values`' arguments as written, where the reader keeps them (`pairsByInstance`). */
function settableWritten(values: object): Record<string, unknown> | undefined {
  rawKeys(values);
  return settable.get(values)?.written;
}

/** `values`' arguments as the reading where root variables `-var` may set are unknown renders them, where known. */
export function settableOther(values: object | undefined): Record<string, unknown> | undefined {
  rawKeys(values);
  return values === undefined ? undefined : settable.get(values)?.other;
}

const NONE: ReadonlySet<string> = new Set();

/**
 * The strings of `values` (a resource's arguments) at or under `path` into which `-var` can write text verbatim
 * (`RawText`), where the argument they are in is marked; empty where there are none.
 */
export function rawTextOf(values: object | undefined, under: (path: readonly (string | number)[]) => boolean): readonly RawText[] {
  const keys = rawKeys(values);
  const found = values === undefined ? undefined : settable.get(values)?.rawText;
  return found ? found.filter((t) => keys.has(String(t.path[0])) && under(t.path)) : [];
}

/** Whether a provider body's (or resource's) `key` is one a deploy may set otherwise (see `markSettable`). */
export function isSettable(body: object | undefined, key: string): boolean {
  const keys = settableKeys(body);
  return keys.has(key) || keys.has(EVERY_ARGUMENT);
}

/** Carries the marks of `from` over to `to`, a copy of it (a module's provider, given its alias). */
export function copySettable(from: object, to: object): void {
  const keys = settableKeys(from);
  if (keys.size > 0) settable.set(to, { keys: new Set(keys) });
}

/**
 * Arguments of an IAM resource that do not change what the Denies it holds or attaches do: its name, path and
 * description (a policy attached by reference is attached whatever it is called), tags, and a role's session length.
 */
const INERT = new Set(["name", "name_prefix", "path", "description", "tags", "tags_all", "max_session_duration", "force_detach_policies", "//"]);

/** A Deny's holder as `settableDenyMark` and `existenceSignature` need it. */
export type SettableHolder = { readonly address: string; readonly values: Record<string, unknown> };

/**
 * Why the Denies a resource holds or attaches (a policy, an attachment, a role's inline policy, a policy document data
 * source) are not certain: an argument they depend on (the document, what it is attached to, `count` / `for_each` /
 * `lifecycle`) comes out differently where root variables are unknown, so `-var` can change or remove them. `value`,
 * when given, is the document read: only the arguments holding it (and the resource's existence) are asked then.
 * Undefined when nothing they depend on is marked. `judged`: arguments asked elsewhere (the document, which the reader
 * of the document judges statement by statement), left out here.
 *
 * With it, `existsWith` where `-var` can only make the holder not exist (red-team round 165, F5): its
 * `count` / `for_each` / `lifecycle` or its module instance, and arguments that differ only as they refer to a resource
 * that exists exactly when the holder does (`role = aws_iam_role.agent[0].name`, both counted alike). The Deny is then
 * certain for a principal whose `existenceSignature` is `existsWith`: it exists exactly when that principal does.
 * `byAddress` finds what the holder refers to.
 */
export function settableDenyMark(
  r: SettableHolder,
  value?: unknown,
  judged?: ReadonlySet<string>,
  byAddress?: ReadonlyMap<string, SettableHolder>,
): { readonly why: string; readonly existsWith?: string } | undefined {
  const asked = settableDenyKeys(r, value, judged);
  if (asked === undefined) return undefined;
  if (asked === EVERY_ARGUMENT) return { why: `${r.address} may not exist, or may differ, as the module instance holding it depends on a root variable, ${SETTABLE_SAYS} (blastwall reads it by its default or tfvars value), so its Deny may not apply` };
  const own = asked.filter((k) => k !== INSTANCE);
  const then = "its Deny may not apply";
  const why =
    own.length === 0
      ? `${r.address} may not exist, as the module instance holding it depends on a root variable, ${SETTABLE_SAYS} (blastwall reads it by its default or tfvars value), so ${then}`
      : settableWhy(r, own, asked.includes(INSTANCE) ? `the module instance holding it may not exist either, so ${then}` : then, byAddress);
  const signature = existenceSignature(r, byAddress);
  const coupled =
    signature !== undefined &&
    asked.every((k) => EXISTENCE.has(k) || followsExistence(r, k, signature, byAddress) || (byAddress !== undefined && namedInstance(r, k, byAddress, signature) !== undefined)) &&
    pairsByInstance(r);
  return coupled ? { why, existsWith: signature } : { why };
}

/**
 * What decides whether `r` exists, where `-var` can change it: its module instance (when the other reading may not
 * create it), its index, and its marked `count` / `for_each` / `lifecycle` as written and as the other reading has them.
 * Two resources with the same signature exist together: the same expressions, evaluated in the same module instance,
 * for the same index. Undefined where nothing about its existence is marked, or where an instance key is not known
 * (Terraform JSON read as written has one resource for all the instances of a `for_each`).
 */
export function existenceSignature(r: SettableHolder, byAddress?: ReadonlyMap<string, SettableHolder>): string | undefined {
  const keys = rawKeys(r.values);
  const marked = [...EXISTENCE].filter((k) => keys.has(k));
  if (marked.length === 0) return undefined;
  const { module, index } = splitAddress(r.address);
  if (keys.has("for_each") && index === "") return undefined;
  const other = settableOther(r.values);
  const own = (k: string): unknown[] => [k, r.values[k] ?? null, other?.[k] ?? null];
  return JSON.stringify([module, index, ...marked.map((k) => (byAddress && existsThrough(r, k, byAddress)) ?? own(k))]);
}

/**
 * Red-team round 167, F2: a holder counted or keyed by another resource itself (`count = length(aws_iam_role.agent)`
 * over a counted role, `for_each = aws_iam_role.agent` over a keyed one) has exactly that resource's instances, so its
 * `count` / `for_each` is that resource's, as `existenceSignature` writes it. Only the whole expression, a resource of
 * the same module, and the same index: anything else keeps the holder's own, which matches nothing.
 */
function existsThrough(r: SettableHolder, k: string, byAddress: ReadonlyMap<string, SettableHolder>): unknown[] | undefined {
  const written = settableOther(r.values)?.[k];
  if (typeof written !== "string" || (k !== "count" && k !== "for_each")) return undefined;
  const named = new RegExp(k === "count" ? `^\\$\\{length\\((${RESOURCE_NAME})\\)\\}$` : `^\\$\\{(${RESOURCE_NAME})\\}$`).exec(written);
  if (!named || /^(?:var|local|module|data|count|each|path|terraform|self)\./.test(named[1])) return undefined;
  const { module, index } = splitAddress(r.address);
  const target = byAddress.get(module + named[1] + index);
  if (!target || target === r) return undefined;
  const keys = rawKeys(target.values);
  // A counted resource gives a list, keyed by number; a keyed one a map: the holder's own kind must be the target's.
  if (!keys.has(k) || keys.has(k === "count" ? "for_each" : "count")) return undefined;
  return [k, target.values[k] ?? null, settableOther(target.values)?.[k] ?? null];
}

/** A managed resource's type and name, as an expression names it. */
const RESOURCE_NAME = "[A-Za-z][\\w-]*\\.[A-Za-z_][\\w-]*";

/** `module.a[0].aws_iam_role.x[1]` → module `module.a[0].`, index `[1]`. */
function splitAddress(address: string): { module: string; index: string } {
  const m = /^((?:module\.[A-Za-z_][\w-]*(?:\[[^\]]*\])?\.)*)(?:data\.)?[A-Za-z_][\w-]*\.[A-Za-z_][\w-]*(\[[^\]]*\])?$/.exec(address);
  return m ? { module: m[1], index: m[2] ?? "" } : { module: address, index: "" };
}

/**
 * Whether `r`'s argument `k` differs in the other reading only where it refers to an instance that exists exactly when
 * `r` does: `${aws_iam_role.agent[0].name}` here, `${aws_iam_role.agent.name}` there (the other reading does not know
 * the instances of a `count` it cannot read).
 */
function followsExistence(r: SettableHolder, k: string, signature: string, byAddress?: ReadonlyMap<string, SettableHolder>): boolean {
  const other = settableOther(r.values);
  if (!byAddress || !other || !(k in other) || !(k in r.values)) return false;
  let changed = false;
  // A `for_each` key comes quoted (`[\"a\"]` in JSON text): the index may hold escaped quotes and nothing else quoted.
  const here = JSON.stringify(r.values[k]).replace(/\$\{([^{}"]*?)(\[(?:[^\]"\\]|\\")*\])(\.[A-Za-z_][\w-]*)\}/g, (all, base: string, idx: string, attr: string) => {
    const target = byAddress.get(base + idx.replace(/\\"/g, '"'));
    if (!target || existenceSignature(target) !== signature) return all;
    changed = true;
    return "${" + base + attr + "}";
  });
  return changed && here === eachValueAs(other, JSON.stringify(other[k]));
}

/**
 * The principal of the stack that `r`'s `k` (`role`, `user`, `group`) names by a literal name written with the same
 * template as that principal's own `name`, only its own `count.index` / `each.key` interpolated, both existing exactly
 * together (red-team round 167: `role = "agent-\${count.index}"` beside a role named so, under one `count = var.n`):
 * for every value `-var` gives, guard[i] exists exactly when agent[i] does and names it. `signature` is `r`'s
 * `existenceSignature`; the principal's must be the same (same module instance, same index, same `count`/`for_each`).
 * Undefined for anything else (another template, a variable or reference in it, a different index or count), which
 * stays not relied on. The caller checks the two are in one account (IAM names are per account).
 */
export function namedInstance(r: SettableHolder, k: string, byAddress: ReadonlyMap<string, SettableHolder>, signature = existenceSignature(r, byAddress)): SettableHolder | undefined {
  if (signature === undefined || (k !== "role" && k !== "user" && k !== "group")) return undefined;
  const written = settableOther(r.values)?.[k];
  if (typeof written !== "string" || !OWN_KEY_TEMPLATE.test(written)) return undefined;
  const { module, index } = splitAddress(r.address);
  if (index === "") return undefined;
  const read = r.values[k];
  for (const target of principalsAt(byAddress, `${module}|${index}|aws_iam_${k}`)) {
    if (target === r || target.values["name"] !== read || settableOther(target.values)?.["name"] !== written) continue;
    if (existenceSignature(target) === signature) return target;
  }
  return undefined;
}

/** A name made of literal text and its own instance key alone: `agent-${count.index}`, `${each.key}-agent`. */
const OWN_KEY_TEMPLATE = /^(?:[^$%]|\$(?!\{)|%(?!\{))*\$\{(?:count\.index|each\.key)\}(?:[^$%]|\$(?!\{)|%(?!\{)|\$\{(?:count\.index|each\.key)\})*$/;

/** The stack's principals of one type in one module instance and index (`module|[0]|aws_iam_role`), found once per stack. */
function principalsAt(byAddress: ReadonlyMap<string, SettableHolder>, key: string): readonly SettableHolder[] {
  let index = principalIndex.get(byAddress);
  if (!index) {
    index = new Map();
    for (const [address, r] of byAddress) {
      const type = /(?:^|\.)(aws_iam_(?:role|user|group))\.[A-Za-z_][\w-]*(?:\[[^\]]*\])?$/.exec(address)?.[1];
      // A data source's role is no principal the stack makes; a module named `metadata` holds real ones.
      if (!type || /(?:^|\.)data\.aws_iam_(?:role|user|group)\./.test(address)) continue;
      const { module, index: i } = splitAddress(address);
      const at = `${module}|${i}|${type}`;
      index.set(at, [...(index.get(at) ?? []), r]);
    }
    principalIndex.set(byAddress, index);
  }
  return index.get(key) ?? [];
}

const principalIndex = new WeakMap<ReadonlyMap<string, SettableHolder>, Map<string, SettableHolder[]>>();

/**
 * `text` with `${each.value.name}` written as `${aws_iam_role.agent.name}` where the holder's `for_each` is
 * `aws_iam_role.agent` itself (red-team round 167, F2): each value is then the instance of that key, which
 * `existsThrough` has already tied to the holder's. Any other `for_each` leaves `text` as it is.
 */
function eachValueAs(other: Record<string, unknown>, text: string): string {
  const over = typeof other["for_each"] === "string" ? new RegExp(`^\\$\\{(${RESOURCE_NAME})\\}$`).exec(other["for_each"]) : null;
  if (!over || /^(?:var|local|module|data|count|each|path|terraform|self)\./.test(over[1])) return text;
  return text.replace(/\$\{each\.value\.([A-Za-z_][\w-]*)\}/g, (_all, attr: string) => "${" + over[1] + "." + attr + "}");
}

/**
 * Whether each instance of `r` goes with the same instance of what it names (red-team round 166, F1): the signature
 * says guard[0] exists exactly when agent[0] does, but under `count = var.n` a guard written with
 * `role = aws_iam_role.agent[0].name` puts every guard on agent-0, and `-var n=2` makes an agent-1 with none, which the
 * reading by default never sees. So: at most one instance (no own `count` / `for_each`, or a `count` that can only be 0
 * or 1: `var.x ? 1 : 0`), or every reference its arguments make, as written, indexes by its own `count.index` /
 * `each.key`. A fixed index, a splat, a local or a module output (which may hide one): not paired.
 */
function pairsByInstance(r: SettableHolder): boolean {
  const written = settableWritten(r.values);
  if (!written) return false;
  const counted = "count" in written;
  if (!counted && !("for_each" in written)) return true;
  if (counted && atMostOne(written["count"])) return true;
  const own = counted ? "count.index" : "each.key";
  for (const [k, v] of Object.entries(written)) {
    if (EXISTENCE.has(k) || INERT.has(k) || k === "depends_on" || k === "provider") continue;
    for (const m of JSON.stringify(v).matchAll(REFERENCE)) {
      if (NOT_AN_INSTANCE.test(m[1])) continue;
      if (m[1].startsWith("local.") || m[1].startsWith("module.")) return false;
      if (m[2] !== undefined && m[2] !== `[${own}]`) return false;
    }
  }
  return true;
}

/** A resource, data source, module or local named in an expression, and the index that follows it (`[0]`, `.*`, `.0`). */
const REFERENCE = /(?<![\w.:/-])((?:data\.)?[A-Za-z][\w-]*\.[A-Za-z_][\w-]*)(\[[^\]]*\]|\.\*|\.\d+)?/g;

/** Names that are no other resource's instance: a variable, the holder's own key, `path.module`. */
const NOT_AN_INSTANCE = /^(?:var|count|each|path|terraform|self)\./;

/** A `count` that can only be 0 or 1: a literal, or a conditional whose branches are the literals (`${var.x ? 1 : 0}`). */
function atMostOne(count: unknown): boolean {
  if (count === 0 || count === 1) return true;
  return typeof count === "string" && /^\$\{[^?:{}]+\?\s*[01]\s*:\s*[01]\s*\}$/.test(count);
}

/**
 * The marked arguments `settableDenyMark` asks about (EVERY_ARGUMENT: the other reading has no such instance), or
 * undefined when none is marked.
 */
function settableDenyKeys(r: { readonly values: Record<string, unknown> }, value?: unknown, judged?: ReadonlySet<string>): string[] | typeof EVERY_ARGUMENT | undefined {
  const keys = rawKeys(r.values);
  if (keys.size === 0) return undefined;
  if (keys.has(EVERY_ARGUMENT)) return EVERY_ARGUMENT;
  let asked = [...keys].filter((k) => !INERT.has(k) && !judged?.has(k));
  if (value !== undefined) {
    const holding = Object.keys(r.values).filter((k) => holds(r.values[k], value, 0));
    // A document the resource's arguments do not hold as read (resolved elsewhere): every argument counts.
    if (holding.length > 0) asked = asked.filter((k) => holding.includes(k) || EXISTENCE.has(k));
  }
  return asked.length === 0 ? undefined : asked.sort();
}

/**
 * `R's a, b depend on var.x, which -var can set otherwise (...), so ${then}`: each argument with the variables that
 * change it (red-team rounds 166 F2, 167 F3), grouped by them: `R's count depends on var.m, R's role depends on var.n
 * (through aws_iam_role.agent's count)`. An argument naming no variable itself (a `role` whose reference changes as the
 * role's own `count` does, a `for_each` over another resource) names those of what it refers to, found in `byAddress`.
 */
function settableWhy(
  r: { readonly address: string; readonly values: Record<string, unknown> },
  asked: readonly string[],
  then?: string,
  byAddress?: ReadonlyMap<string, SettableHolder>,
): string {
  const other = settableOther(r.values);
  const groups = new Map<string, string[]>();
  for (const k of asked) {
    // The HCL reader's other reading shows the variable; Terraform JSON, the value as written.
    let vars = variablesIn([other?.[k], r.values[k]]);
    let through = "";
    if (vars.size === 0 && byAddress) {
      const via = variablesThrough(r.address, other?.[k] ?? r.values[k], byAddress);
      vars = via.vars;
      if (via.through.length > 0) through = ` (through ${via.through.join(", ")})`;
    }
    // `"agent-${count.index}"`: the instance key changes as the holder's own `count` / `for_each` does.
    const key = JSON.stringify(other?.[k] ?? null).match(/\$\{(count\.index|each\.(?:key|value))/)?.[1];
    if (vars.size === 0 && key !== undefined && k !== "count" && k !== "for_each") {
      const meta = key === "count.index" ? "count" : "for_each";
      vars = variablesIn([other?.[meta], r.values[meta]]);
      if (vars.size > 0) through = ` (through its own ${meta})`;
    }
    const named = vars.size === 0 ? "a root variable" : vars.size === 1 ? [...vars][0] : `the root variables ${[...vars].sort().join(", ")}`;
    const phrase = named + through;
    groups.set(phrase, [...(groups.get(phrase) ?? []), k]);
  }
  const parts = [...groups].map(([phrase, keys]) => `${r.address}'s ${keys.join(", ")} depend${keys.length === 1 ? "s" : ""} on ${phrase}`);
  const them = parts.length === 1 && !parts[0].includes("the root variables") ? "it by its default or tfvars value" : "them by their default or tfvars value";
  return `${parts.join(", ")}, ${SETTABLE_SAYS} (blastwall reads ${them})${then === undefined ? "" : `, so ${then}`}`;
}

/** The root variables (`var.x`) the strings of `v` name. */
function variablesIn(v: unknown): Set<string> {
  const vars = new Set<string>();
  for (const m of JSON.stringify(v ?? null).matchAll(/\bvar\.([A-Za-z_][\w-]*)/g)) vars.add(`var.${m[1]}`);
  return vars;
}

/**
 * The variables behind the resources `v` refers to (`${aws_iam_role.agent.name}`, `${aws_iam_role.agent}`), in the
 * module instance of `address`: those its marked arguments name, one step further where they name none (a chain of
 * such references). `through` says which argument of which resource carries them.
 */
function variablesThrough(address: string, v: unknown, byAddress: ReadonlyMap<string, SettableHolder>): { vars: Set<string>; through: string[] } {
  const vars = new Set<string>();
  const through: string[] = [];
  const seen = new Set<string>();
  const visit = (from: string, value: unknown, depth: number): void => {
    const { module } = splitAddress(from);
    for (const m of JSON.stringify(value ?? null).matchAll(REFERENCE)) {
      if (NOT_AN_INSTANCE.test(m[1]) || m[1].startsWith("local.") || m[1].startsWith("module.")) continue;
      const base = module + m[1];
      if (seen.has(base)) continue;
      seen.add(base);
      const target = byAddress.get(base) ?? firstInstance(byAddress, base);
      if (!target) continue;
      const keys = [...rawKeys(target.values)].filter((k) => k !== INSTANCE && k !== EVERY_ARGUMENT && !INERT_FOR_REFERENCE.has(k));
      const targetOther = settableOther(target.values);
      for (const k of keys.sort()) {
        const found = variablesIn([targetOther?.[k], target.values[k]]);
        if (found.size > 0) {
          for (const x of found) vars.add(x);
          through.push(`${m[1]}'s ${k}`);
        } else if (depth < 3) visit(target.address, targetOther?.[k] ?? target.values[k], depth + 1);
      }
    }
  };
  visit(address, v, 0);
  return { vars, through };
}

/** Arguments of a resource referred to that change nothing a reference to it gives (a description, tags). */
const INERT_FOR_REFERENCE = new Set(["description", "tags", "tags_all", "//", "assume_role_policy", "policy"]);

/** The first instance (`base[0]`, `base["a"]`) of a counted or keyed resource. */
function firstInstance(byAddress: ReadonlyMap<string, SettableHolder>, base: string): SettableHolder | undefined {
  for (const [a, r] of byAddress) if (a.startsWith(base + "[")) return r;
  return undefined;
}

/** `R's a, b depend on var.x, which -var can set otherwise (...)`: `keys` of `r`, which the caller found marked. */
export function settableArgumentsWhy(r: { readonly address: string; readonly values: Record<string, unknown> }, keys: readonly string[]): string {
  return settableWhy(r, keys);
}

/** `R's key depends on var.x, which -var can set otherwise (...)` where `key` of `r` is marked, else undefined. */
export function settableArgumentWhy(r: { readonly address: string; readonly values: Record<string, unknown> }, key: string): string | undefined {
  return isSettable(r.values, key) ? settableWhy(r, [key]) : undefined;
}

/**
 * Where the only thing about a resource's Denies that `-var` can change is the document itself (red-team round 163b,
 * F6: a boundary that names `var.env` in one statement): the document as the reading with root variables unknown renders
 * it, every part that reading could not know (`${var.env}`...) made a text no policy matches, so a Deny statement that
 * comes out the same in both readings is one `-var` cannot change. `docKeys` are the arguments that make up the
 * document (undefined: those holding `value`). Undefined where its existence, its attachment or anything else counts.
 */
export function settableDocument(
  r: { readonly address: string; readonly values: Record<string, unknown> },
  value: unknown,
  docKeys?: ReadonlySet<string>,
): { readonly other: unknown; readonly why: (statement: string) => string; readonly docArguments: ReadonlySet<string>; readonly rest: boolean } | undefined {
  const asked = settableDenyKeys(r, value);
  if (asked === undefined || asked === EVERY_ARGUMENT) return undefined;
  const other = settableOther(r.values);
  if (!other) return undefined;
  const read = (k: string) => r.values[k];
  let alt: unknown;
  let docArguments: ReadonlySet<string>;
  if (docKeys) {
    // The other reading decides the document's own arguments: a statement it lacks (one a `dynamic` block over a
    // variable made, red-team round 167, F1) is not there when the variable is set otherwise; its `dynamic` blocks, left
    // unexpanded there, make statements blastwall cannot read, which no Deny is read from.
    const keys = new Set([...Object.keys(r.values), ...Object.keys(other).filter((k) => docKeys.has(k))]);
    alt = Object.fromEntries([...keys].flatMap((k) => (!docKeys.has(k) ? [[k, read(k)]] : k in other ? [[k, other[k]]] : [])));
    docArguments = docKeys;
  } else {
    const path = pathTo(r.values, value, 0);
    if (!path) return undefined;
    alt = at(other, path);
    if (alt === undefined) return undefined;
    docArguments = new Set([String(path[0])]);
  }
  // Anything else marked (its `count`, red-team round 167: a guard behind the agent's own flag with `var.env` in another
  // statement) the caller asks on its own for the statements the document's text cannot change (`rest`).
  const own = asked.filter((k) => docArguments.has(k));
  if (own.length === 0) return undefined;
  const known = new Set<string>();
  collectTokens(docKeys ? r.values : value, known, 0);
  return {
    other: blankUnknowns(alt, known),
    why: (statement) => settableWhy(r, asked, `${statement} may differ, or not be there, when it is set otherwise`),
    docArguments,
    rest: own.length < asked.length,
  };
}

/** What the reason `settableTextWhy` gives says (analyze.ts writes the fix by it). */
export const TEXT_INJECTION = "-var can write JSON into the policy text";

/** A data source's arguments that hold policy documents as JSON text (its `statement` blocks the provider escapes). */
const DOCUMENT_TEXTS: ReadonlySet<string> = new Set(["source_policy_documents", "override_policy_documents", "source_json", "override_json"]);

/**
 * Why no statement of the document `value` that `r` holds is certain, where its text is JSON into which `-var` writes a
 * value verbatim (`RawText`; red-team round 174, F1/F2): a value with a quote in it closes the string it stands in and
 * adds entries (`"*"` to a Deny's NotResource) or whole statements (an Allow of everything in a boundary). `value`
 * undefined: a policy document data source, whose source and override documents are such texts. Undefined where no
 * settable variable is so written (a `jsonencode()` document, the data source's own statements, a `--var-file` value).
 */
export function settableTextWhy(r: { readonly address: string; readonly values: Record<string, unknown> }, value: unknown): string | undefined {
  const path = value === undefined ? undefined : pathTo(r.values, value, 0);
  if (value !== undefined && path === undefined) return undefined;
  const found = rawTextOf(r.values, (p) => (path === undefined ? DOCUMENT_TEXTS.has(String(p[0])) : path.every((k, i) => p[i] === k)));
  if (found.length === 0) return undefined;
  const vars = [...variablesIn(found.map((t) => t.tokens))].sort();
  const named = vars.length === 0 ? "a root variable" : vars.length === 1 ? vars[0] : `the root variables ${vars.join(", ")}`;
  const where = found[0].path.map((k, i) => (typeof k === "number" ? `[${k}]` : i === 0 ? k : `.${k}`)).join("");
  return (
    `${TEXT_INJECTION} of ${r.address}'s ${where}: it is JSON text that writes ${named} into it verbatim (a heredoc, a string template or ` +
    `templatefile(); only jsonencode() and the aws_iam_policy_document data source escape a value), ${SETTABLE_SAYS} (blastwall reads ` +
    `${vars.length > 1 ? "them by their" : "it by its"} default or tfvars value), and a value with a quote in it can close a string and add entries ` +
    `(a "*" in a Deny's NotResource) or whole statements, so no statement of that policy is certain`
  );
}

/** Text put where the other reading has a value it cannot know: no action, ARN, principal or condition value matches it. */
const BLANK = "blastwall-settable-unknown";

/** `s` (a statement's entry as the other reading renders it) with what that reading cannot know as `*`. */
export function unknownAsWildcard(s: string): string {
  // The suffix naming the variables (`:var.a,var.b`, markSettableByVariables) goes with it, and nothing after it: a
  // `:role` or `:123` that follows is part of the ARN, whose segments a Deny's NotResource is judged by (round 172, F7).
  return s.includes(BLANK) ? s.replace(/blastwall-settable-unknown(?::var\.[A-Za-z_][\w-]*(?:,var\.[A-Za-z_][\w-]*)*)?/g, "*").replace(/\*+/g, "*") : s;
}

/** `v` with each `${...}` that `known` (the tokens of the reading as read: references, not variables) lacks made BLANK. */
function blankUnknowns(v: unknown, known: ReadonlySet<string>): unknown {
  if (typeof v === "string") {
    let out = "";
    let i = 0;
    for (const t of tokenSpans(v)) {
      const token = v.slice(t.start, t.end);
      // One `blankWithin` made: as read but for the variables it made unknown.
      out += v.slice(i, t.start) + (known.has(token) || token.includes(BLANK) ? token : BLANK);
      i = t.end;
    }
    return out + v.slice(i);
  }
  if (Array.isArray(v)) return v.map((x) => blankUnknowns(x, known));
  if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, blankUnknowns(x, known)]));
  return v;
}

/**
 * The `${...}` spans of `s`, braces counted (an unbalanced one runs to the end: made BLANK whole); with `directives`, the
 * `%{...}` ones too (`%{ if var.x }`, `%{ for s in var.list }`: red-team round 178), each marked, a `%%{` escape skipped.
 */
function tokenSpans(s: string, directives = false): { start: number; end: number; directive: boolean }[] {
  const out: { start: number; end: number; directive: boolean }[] = [];
  const next = (from: number): number => {
    const interpolation = s.indexOf("${", from);
    if (!directives) return interpolation;
    let directive = s.indexOf("%{", from);
    // `%%{` is literal text; a run of `%` before `{` is a directive only where its count is odd.
    while (directive >= 0 && escapedDirective(s, directive)) directive = s.indexOf("%{", directive + 2);
    return interpolation < 0 ? directive : directive < 0 ? interpolation : Math.min(interpolation, directive);
  };
  let i = next(0);
  while (i >= 0) {
    let depth = 0;
    let j = i + 1;
    for (; j < s.length; j++) {
      if (s[j] === "{") depth++;
      else if (s[j] === "}" && --depth === 0) break;
    }
    const end = Math.min(j + 1, s.length);
    out.push({ start: i, end, directive: s[i] === "%" });
    i = next(end);
  }
  return out;
}

/** Whether the `%{` at `at` is the escape `%%{` (an even run of `%` before its `{`, counted back from `at + 1`). */
function escapedDirective(s: string, at: number): boolean {
  let run = 0;
  for (let k = at; k >= 0 && s[k] === "%"; k--) run++;
  return run % 2 === 0;
}

function collectTokens(v: unknown, into: Set<string>, depth: number): void {
  if (typeof v === "string") for (const t of tokenSpans(v)) into.add(v.slice(t.start, t.end));
  else if (depth < 12 && v !== null && typeof v === "object") for (const x of Object.values(v)) collectTokens(x, into, depth + 1);
}

/** The keys leading from `v` to `value` (as `holds` finds it). */
function pathTo(v: unknown, value: unknown, depth: number): (string | number)[] | undefined {
  if (v === value) return [];
  if (depth > 3 || v === null || typeof v !== "object") return undefined;
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    const rest = pathTo(x, value, depth + 1);
    if (rest) return [Array.isArray(v) ? Number(k) : k, ...rest];
  }
  return undefined;
}

function at(v: unknown, path: readonly (string | number)[]): unknown {
  let cur = v;
  for (const k of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string | number, unknown>)[k];
  }
  return cur;
}

/** What decides whether a resource exists (`INSTANCE`: its module instance). */
const EXISTENCE: ReadonlySet<string> = new Set(["count", "for_each", "lifecycle", INSTANCE]);

/** Whether `v` is or holds `value` (a nested block's argument: `inline_policy[0].policy`). */
function holds(v: unknown, value: unknown, depth: number): boolean {
  if (v === value) return true;
  if (depth > 3 || v === null || typeof v !== "object") return false;
  return Object.values(v as Record<string, unknown>).some((x) => holds(x, value, depth + 1));
}

/**
 * Terraform JSON read as it is (a cdk.tf.json, a cdktf.out stack: red-team round 163b, F1) keeps `${var.x}` as written,
 * and what reads it takes the variable's default (a `count`, a `role`, a `policy_arn`), which `-var` overrides. Marks the
 * arguments of each resource that name a root variable `fixed` (the `--var-file` values) does not give, as the HCL
 * reader marks those that change in its second reading; the other reading of such an argument is the text as written,
 * each `${...}` naming such a variable made a text nothing matches. Where nothing names one, nothing is marked. A
 * `${local.x}` counts where `locals` shows the local names such a variable (`settableLocals`).
 */
export function markSettableByVariables(
  resources: readonly { readonly values: Record<string, unknown> }[],
  fixed?: ReadonlyMap<string, unknown>,
  locals?: ReadonlyMap<string, unknown>,
): void {
  const byLocal = settableLocals(locals, fixed);
  const settableVar = (token: string) => variablesOf(token, fixed, byLocal).length > 0;
  // In the other reading a local shows the variables it names, so the reason can name them (`settableWhy`).
  const blank = (token: string) => {
    const vars = variablesOf(token, fixed, byLocal).filter((v) => !token.includes(v));
    return vars.length === 0 ? BLANK : `${BLANK}:${vars.join(",")}`;
  };
  const raw = rawTokenFinder(settableVar, locals);
  for (const r of resources) {
    const keys: string[] = [];
    for (const [k, v] of Object.entries(r.values)) if (k !== "//" && namesVariable(v, settableVar, 0)) keys.push(k);
    if (keys.length === 0) continue;
    const other: Record<string, unknown> = { ...r.values };
    for (const k of keys) other[k] = blankVariables(r.values[k], settableVar, blank);
    markSettableLazily(r.values, () => {
      const rawText: RawText[] = [];
      for (const k of keys) stringsOf(r.values[k], [k], 0, (path, text) => {
        // Named by the variables they reach (through locals too), as the HCL reader's tokens show them.
        const vars = [...new Set(raw(text, 0).flatMap((token) => variablesOf(token, fixed, byLocal)))];
        if (vars.length > 0) rawText.push({ path, tokens: vars.map((v) => "${" + v + "}") });
      });
      return { keys: new Set(keys), other, written: r.values, rawText };
    });
  }
}

/**
 * The `${...}` tokens (and `%{ for }` directives) of a Terraform JSON string Terraform writes into its text verbatim that
 * name a settable variable (`RawText`): all but a `${jsonencode(...)}` (escaped JSON whatever the value) and a `${local.x}` whose value has no
 * such token itself (cdktf's TerraformLocal holding a jsonencode document).
 */
function rawTokenFinder(settableVar: (token: string) => boolean, locals: ReadonlyMap<string, unknown> | undefined): (text: string, depth: number) => string[] {
  const find = (text: string, depth: number): string[] =>
    tokenSpans(text, true)
      // A `%{ for x in var.list }` prints the list's items through `x`, verbatim; an `%{ if }` prints only its own text.
      .filter((t) => !t.directive || FOR_DIRECTIVE.test(text.slice(t.start, t.end)))
      .map((t) => text.slice(t.start, t.end))
      .filter((token) => settableVar(token) && !escapedToken(token, depth));
  const escapedToken = (token: string, depth: number): boolean => {
    if (isJsonencodeCall(token.slice(2, -1))) return true;
    const local = /^\$\{\s*local\.([A-Za-z_][\w-]*)\s*\}$/.exec(token)?.[1];
    if (local === undefined || !locals?.has(local) || depth >= 8) return false;
    let rawInside = false;
    stringsOf(locals.get(local), [], 0, (_p, text) => (rawInside ||= find(text, depth + 1).length > 0));
    return !rawInside;
  };
  return find;
}

const FOR_DIRECTIVE = /^%\{~?\s*for\b/;

/** Whether an expression is one `jsonencode(...)` call, its closing parenthesis last (strings in it skipped). */
function isJsonencodeCall(expr: string): boolean {
  const m = /^\s*jsonencode\s*\(/.exec(expr);
  if (!m) return false;
  let depth = 1;
  let inString = false;
  for (let i = m[0].length; i < expr.length; i++) {
    const c = expr[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "(") depth++;
    else if (c === ")" && --depth === 0) return expr.slice(i + 1).trim() === "";
  }
  return false;
}

/**
 * Calls `found` with each string of `v` and its path. Deeper than WALK_DEPTH a value counts as its JSON text, whose
 * tokens are still there to find (review of 0.9.0: a raw token nested deeper went unseen, and was taken as escaped).
 */
function stringsOf(v: unknown, path: (string | number)[], depth: number, found: (path: readonly (string | number)[], text: string) => void): void {
  if (v !== null && typeof v === "object" && depth > WALK_DEPTH) found(path, JSON.stringify(v));
  else if (typeof v === "string") found(path, v);
  else if (Array.isArray(v)) v.forEach((x, i) => stringsOf(x, [...path, i], depth + 1, found));
  else if (v !== null && typeof v === "object") for (const [k, x] of Object.entries(v)) stringsOf(x, [...path, k], depth + 1, found);
}

const VAR_NAME = /(?<![\w.])var\.([A-Za-z_][\w-]*)/g;
const LOCAL_NAME = /(?<![\w.])local\.([A-Za-z_][\w-]*)/g;

/** The settable root variables (`var.x`) a `${...}` token names, directly or through the locals of `byLocal`. */
function variablesOf(token: string, fixed: ReadonlyMap<string, unknown> | undefined, byLocal: ReadonlyMap<string, ReadonlySet<string>>): string[] {
  const out = new Set<string>();
  if (token.includes("var.")) for (const m of token.matchAll(VAR_NAME)) if (!fixed?.has(m[1])) out.add(`var.${m[1]}`);
  if (byLocal.size > 0 && token.includes("local.")) for (const m of token.matchAll(LOCAL_NAME)) for (const v of byLocal.get(m[1]) ?? []) out.add(v);
  return [...out];
}

/**
 * The locals whose value names, directly or through other locals, a root variable `fixed` does not give, each with the
 * variables it reaches (red-team round 165, F1: `"${local.extra}"` with `extra = "${var.extra}"`, cdktf's
 * TerraformLocal, was read with the variable's default). Grown until nothing changes, so a chain of any length counts
 * and a cycle (`a` names `b`, `b` names `a`) ends.
 */
function settableLocals(locals: ReadonlyMap<string, unknown> | undefined, fixed: ReadonlyMap<string, unknown> | undefined): ReadonlyMap<string, ReadonlySet<string>> {
  const out = new Map<string, Set<string>>();
  if (!locals || locals.size === 0) return out;
  for (let grew = true; grew; ) {
    grew = false;
    for (const [name, value] of locals) {
      const vars = new Set<string>();
      collectVariables(value, (token) => {
        for (const v of variablesOf(token, fixed, out)) vars.add(v);
      }, 0);
      const had = out.get(name);
      if (vars.size === 0 || (had !== undefined && had.size === vars.size)) continue;
      out.set(name, vars);
      grew = true;
    }
  }
  return out;
}

/**
 * Objects are walked this deep; below, their JSON text is read as one string, whose `${...}` tokens are the same (red-team
 * round 176: a variable nested 13 levels down in a local's value was not seen, and the local read as certain).
 */
const WALK_DEPTH = 12;

/** Calls `seen` with every `${...}` token of the strings of `v`. */
function collectVariables(v: unknown, seen: (token: string) => void, depth: number): void {
  if (v !== null && typeof v === "object" && depth > WALK_DEPTH) v = JSON.stringify(v);
  if (typeof v === "string") {
    for (const t of tokenSpans(v, true)) seen(v.slice(t.start, t.end));
  } else if (v !== null && typeof v === "object") for (const x of Object.values(v)) collectVariables(x, seen, depth + 1);
}

function namesVariable(v: unknown, settableVar: (token: string) => boolean, depth: number): boolean {
  if (v !== null && typeof v === "object" && depth > WALK_DEPTH) v = JSON.stringify(v);
  // A directive's variable decides which text is printed, or how often: as settable as one interpolated (round 178).
  if (typeof v === "string") return (v.includes("var.") || v.includes("local.")) && tokenSpans(v, true).some((t) => settableVar(v.slice(t.start, t.end)));
  if (v === null || typeof v !== "object") return false;
  return Object.values(v).some((x) => namesVariable(x, settableVar, depth + 1));
}

function blankVariables(v: unknown, settableVar: (token: string) => boolean, blank: (token: string) => string): unknown {
  if (typeof v === "string") {
    let out = "";
    let i = 0;
    for (const t of directiveRun(tokenSpans(v, true), v, settableVar)) {
      const token = v.slice(t.start, t.end);
      // A whole jsonencode document is blanked statement by statement (blankWithin); anything else whole, its variables named.
      const within = settableVar(token) ? blankWithin(token, settableVar) : token;
      out += v.slice(i, t.start) + (within === BLANK ? blank(token) : within);
      i = t.end;
    }
    return out + v.slice(i);
  }
  if (Array.isArray(v)) return v.map((x) => blankVariables(x, settableVar, blank));
  if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, blankVariables(x, settableVar, blank)]));
  return v;
}

/**
 * `spans` (a string's `${...}` and `%{...}`) with, where a directive names a settable variable, everything from its first
 * directive to the end of its last as one span: the directives decide which text between their tags is printed, or how
 * often, so none of it is certain (as tokens.ts `resolveString` reads a directive). Other directives are left out: the
 * text they print is the same in both readings.
 */
function directiveRun(spans: readonly { start: number; end: number; directive: boolean }[], v: string, settableVar: (token: string) => boolean): { start: number; end: number }[] {
  const directives = spans.filter((t) => t.directive);
  const interpolations = spans.filter((t) => !t.directive);
  if (!directives.some((t) => settableVar(v.slice(t.start, t.end)))) return interpolations;
  const run = { start: directives[0].start, end: directives[directives.length - 1].end };
  return [...interpolations.filter((t) => t.end <= run.start), run, ...interpolations.filter((t) => t.start >= run.end)];
}

/**
 * A `${...}` naming such a variable, with only the variable's uses made unknown where they can be told apart (red-team
 * round 165, F3: cdktf's `Fn.jsonencode` writes the whole policy as one `${jsonencode({...})}`, the variable in one
 * statement): a `${...}` inside one of its strings becomes BLANK text, a bare `var.x` the string BLANK, so each
 * statement is judged by itself as a JSON.stringify'd one is. Whatever still
 * names one after that (a directive, a heredoc the scan misreads) makes the whole token BLANK, as before.
 */
function blankWithin(token: string, settableVar: (token: string) => boolean): string {
  const inner = token.slice(2, -1);
  // Only a whole document (`${jsonencode(...)}`), read statement by statement; any other expression stays unknown whole.
  if (!token.endsWith("}") || !/^\s*jsonencode\s*\(/.test(inner)) return BLANK;
  let out = "";
  let inString = false;
  for (let i = 0; i < inner.length; ) {
    const c = inner[i];
    if (inString && c === "\\") {
      out += inner.slice(i, i + 2);
      i += 2;
    } else if (inString && inner.startsWith("${", i)) {
      const span = tokenSpans(inner.slice(i))[0];
      const nested = inner.slice(i, i + span.end);
      out += settableVar(nested) ? BLANK : nested;
      i += span.end;
    } else if (c === '"') {
      inString = !inString;
      out += c;
      i++;
    } else if (!inString && inner.startsWith("var.", i) && !/[\w.]/.test(inner[i - 1] ?? "")) {
      const name = /^var\.[A-Za-z_][\w-]*/.exec(inner.slice(i))![0];
      out += settableVar(name) ? JSON.stringify(BLANK) : name;
      i += name.length;
    } else {
      out += c;
      i++;
    }
  }
  const blanked = "${" + out + "}";
  return settableVar(blanked) ? BLANK : blanked;
}
