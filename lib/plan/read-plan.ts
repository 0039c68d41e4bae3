/**
 * Reads `terraform show -json PLANFILE` output into a checked `PlanJson`. Anything the gate cannot judge with
 * confidence is refused with an `InputError` (one line: file and problem): a gate that guesses fails open.
 */
import { parseJsonInput } from "../engine/terraform/read-file";
import { isObject } from "../engine/json";
import { createHash } from "crypto";
import { INPUT_LIMITS, inputFileProblem, readInputFile } from "../engine/input-file";
import { resolve } from "path";
import { InputError } from "../engine/terraform/types";
import { withoutInstanceKeys } from "../engine/agents";
import { PLAN_ACTIONS, type LoadedPlan, type PlanJson, type PlanResourceChange } from "./types";

export const MIN_FORMAT_VERSION = "0.1";
export const MAX_FORMAT_VERSION = "1.2";

const SHOW_JSON = "expected the output of `terraform show -json PLANFILE`";

/** Reads and checks a plan file. `cwd` resolves a relative path; errors name the file as given. */
export function readPlan(file: string, options: { cwd?: string } = {}): LoadedPlan {
  const bytes = readPlanBytes(file, options.cwd);
  const { text, encoding } = decodePlanBytes(bytes, file);
  const plan = parsePlanText(text, file);
  return { file, plan, sha256: sha256Hex(bytes), encoding };
}

/** Lower-case hex SHA-256 of bytes: what an approval binds to. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

export function readPlanBytes(file: string, cwd?: string): Buffer {
  try {
    return readInputFile(cwd ? resolve(cwd, file) : file, INPUT_LIMITS.terraform);
  } catch (e) {
    throw new InputError(file, fileProblem(e));
  }
}

/** One-line description of a file read error. */
export function fileProblem(e: unknown): string {
  const refused = inputFileProblem(e);
  if (refused) return refused;
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code === "ENOENT") return "file not found";
  if (code === "EISDIR") return "is a directory, not a file";
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  return `cannot read file (${code ?? (e instanceof Error ? e.message : String(e))})`;
}

/**
 * Decodes UTF-8 (with or without BOM) and UTF-16 LE/BE (with BOM; without one when the first character is ASCII,
 * as it is in any JSON document). Windows PowerShell redirection writes UTF-16 LE with BOM.
 */
export function decodePlanBytes(bytes: Uint8Array, file: string): { text: string; encoding: LoadedPlan["encoding"] } {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let encoding: LoadedPlan["encoding"] = "utf-8";
  let body = buf;
  if (buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) {
    body = buf.subarray(3);
  } else if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe) {
    encoding = "utf-16le";
    body = buf.subarray(2);
  } else if (buf.length >= 2 && buf[0] === 0xfe && buf[1] === 0xff) {
    encoding = "utf-16be";
    body = buf.subarray(2);
  } else if (buf.length >= 2 && buf[0] !== 0 && buf[1] === 0) {
    encoding = "utf-16le";
  } else if (buf.length >= 2 && buf[0] === 0 && buf[1] !== 0) {
    encoding = "utf-16be";
  }
  if (encoding !== "utf-8") {
    if (body.length % 2 !== 0) throw new InputError(file, `truncated ${encoding.toUpperCase()} text (odd number of bytes)`);
    if (encoding === "utf-16be") body = swapBytes(body);
  }
  try {
    const text = new TextDecoder(encoding === "utf-8" ? "utf-8" : "utf-16le", { fatal: true, ignoreBOM: true }).decode(body);
    return { text, encoding };
  } catch {
    throw new InputError(file, `not valid ${encoding.toUpperCase()} text; ${SHOW_JSON}`);
  }
}

function swapBytes(b: Buffer): Buffer {
  const out = Buffer.alloc(b.length);
  for (let i = 0; i + 1 < b.length; i += 2) {
    out[i] = b[i + 1];
    out[i + 1] = b[i];
  }
  return out;
}

/** Parses and checks decoded plan text. */
export function parsePlanText(text: string, file: string): PlanJson {
  if (text.trim() === "") throw new InputError(file, `empty file; ${SHOW_JSON}`);
  // Located as `check` locates it (line and column). Terraform never writes a key twice or nests hundreds deep; a
  // plan that does was edited, and JSON.parse would keep only the last of two keys: refused too.
  const doc = parseJsonInput(file, text);
  return checkPlan(doc, file);
}

/**
 * A plan that says `complete: false` with nothing deferred (the reader refuses one with deferred changes): made with
 * -target by Terraform 1.8+. It applies what it lists and nothing else; the resources it leaves out are not judged.
 */
export function isPartialPlan(plan: PlanJson): boolean {
  return plan.complete === false;
}

/** Checks a parsed document is a plan the gate can judge, and returns it typed. */
export function checkPlan(doc: unknown, file: string): PlanJson {
  if (!isObject(doc)) throw new InputError(file, `not a Terraform plan (the JSON is not an object); ${SHOW_JSON}`);
  const hasChanges = "resource_changes" in doc;
  const hasPlanned = "planned_values" in doc;
  if (!("format_version" in doc) || (!hasChanges && !hasPlanned)) {
    throw new InputError(file, `not a Terraform plan (${notAPlanHint(doc)}); ${SHOW_JSON}`);
  }
  const version = doc.format_version;
  if (typeof version !== "string" || !/^\d+\.\d+$/.test(version)) {
    throw new InputError(file, `not a Terraform plan (format_version ${JSON.stringify(version)} is not "MAJOR.MINOR")`);
  }
  if (!formatSupported(version)) {
    throw new InputError(
      file,
      `unsupported plan format_version "${version}" (blastwall reads ${MIN_FORMAT_VERSION} to ${MAX_FORMAT_VERSION}); ` +
        `a newer format may hold changes this gate cannot see, so it refuses rather than guess`,
    );
  }
  // Terraform writes both as JSON booleans; a string "true" would read as not errored (or not incomplete) and pass.
  for (const key of ["errored", "complete"] as const) {
    if (doc[key] !== undefined && typeof doc[key] !== "boolean") {
      throw new InputError(file, `malformed plan: ${key} is ${JSON.stringify(doc[key])}, not true or false (terraform show -json writes a boolean); run terraform show -json again`);
    }
  }
  if (doc.errored === true) {
    throw new InputError(file, "plan is errored (terraform plan failed, so the plan does not show everything apply would do); fix the errors and plan again");
  }
  // Terraform writes a list (or leaves it out); a list in another shape would hide the deferred changes it holds.
  for (const key of ["deferred_changes", "deferred_action_invocations"] as const) {
    const v = doc[key];
    if (v !== undefined && v !== null && !Array.isArray(v)) throw new InputError(file, `malformed plan: ${key} is not an array (terraform show -json writes a list of deferred changes); run terraform show -json again`);
  }
  // Terraform 1.8+ writes complete: false for a plan with deferred changes, and for every plan made with -target
  // (context_plan.go: Complete only when there are no targets and no deferrals). A deferred change is left to a later
  // round the plan does not show: refused. A targeted plan lists all it applies (an older Terraform writes the same
  // plan with no complete field): judged as such, and the report says it is partial (`isPartialPlan`).
  if (Array.isArray(doc.deferred_changes) && doc.deferred_changes.length > 0) {
    const n = doc.deferred_changes.length;
    const marked = doc.complete === false ? "complete: false, " : "";
    throw new InputError(file, `plan is incomplete (${marked}${n} deferred change(s) in deferred_changes, left to a later plan/apply round); the gate refuses a plan that does not show everything apply will do`);
  }
  if (hasPlanned && doc.planned_values !== null && !isObject(doc.planned_values)) {
    throw new InputError(file, "malformed plan: planned_values is not an object");
  }
  // Module trees: an entry of the wrong shape would be skipped by every reader, and what it holds never judged.
  if (isObject(doc.planned_values)) checkModule(doc.planned_values.root_module, "planned_values.root_module", file, "resources");
  if (isObject(doc.prior_state) && isObject(doc.prior_state.values)) checkModule(doc.prior_state.values.root_module, "prior_state.values.root_module", file, "resources");
  if (doc.configuration !== undefined && doc.configuration !== null) {
    if (!isObject(doc.configuration)) throw new InputError(file, "malformed plan: configuration is not an object");
    checkConfigModule(doc.configuration.root_module, "configuration.root_module", file);
  }
  // Terraform leaves resource_changes out when nothing changes; it never writes null.
  const raw = doc.resource_changes === undefined ? [] : doc.resource_changes;
  if (!Array.isArray(raw)) throw new InputError(file, "malformed plan: resource_changes is not an array");
  const changes = raw.map((rc, i) => checkResourceChange(rc, i, file));
  checkNothingGoes(doc, changes, file);
  checkActionInvocations(doc, changes, file);
  checkUnknownArrays(doc, file);
  return { ...(doc as object), format_version: version, resource_changes: changes } as PlanJson;
}

/**
 * Top-level keys of `terraform show -json` output up to Terraform 1.15 (format 1.2). Terraform adds keys without
 * raising format_version (1.14 added the action fields), so an unknown key holding a non-empty list may be changes
 * this gate cannot see: it is refused. Unknown objects and scalars are let through.
 */
const KNOWN_TOP_LEVEL = new Set([
  "format_version", "terraform_version", "variables", "planned_values", "resource_drift", "resource_changes",
  "deferred_changes", "deferred_action_invocations", "output_changes", "action_invocations", "prior_state",
  "configuration", "relevant_attributes", "checks", "timestamp", "applyable", "complete", "errored",
]);

function checkUnknownArrays(doc: Record<string, unknown>, file: string): void {
  for (const [key, value] of Object.entries(doc)) {
    if (KNOWN_TOP_LEVEL.has(key) || !Array.isArray(value) || value.length === 0) continue;
    throw new InputError(
      file,
      `plan has an unknown top-level field "${key}" with ${value.length} entr${value.length === 1 ? "y" : "ies"} (a newer Terraform may list changes there that this gate cannot see), so it refuses rather than guess`,
    );
  }
}

/**
 * Terraform 1.14+ actions. An action a resource change triggers is judged with that change (rule
 * plan-action-invoked), so approving the change approves it. One that no judged change triggers (`plan -invoke`)
 * could never be approved, and a deferred one is not in this plan: both are refused.
 */
function checkActionInvocations(doc: Record<string, unknown>, changes: readonly PlanResourceChange[], file: string): void {
  const deferred = doc.deferred_action_invocations;
  if (Array.isArray(deferred) && deferred.length > 0) {
    throw new InputError(file, `plan is incomplete (${deferred.length} deferred action invocation(s) in deferred_action_invocations); the gate refuses a plan that does not show everything apply will do`);
  }
  const invocations = doc.action_invocations;
  if (invocations === undefined || invocations === null) return;
  if (!Array.isArray(invocations)) throw new InputError(file, "malformed plan: action_invocations is not an array");
  const triggers = new Set(
    changes.filter((rc) => rc.mode === "managed" && !rc.deposed && rc.change.actions.some((a) => a !== "no-op" && a !== "read")).map((rc) => rc.address),
  );
  invocations.forEach((a, i) => {
    const where = `action_invocations[${i}]`;
    if (!isObject(a) || typeof a.address !== "string" || a.address === "") throw new InputError(file, `malformed plan: ${where} has no address`);
    const t = a.lifecycle_action_trigger;
    const by = isObject(t) && typeof t.triggering_resource_address === "string" ? t.triggering_resource_address : undefined;
    if (by !== undefined && triggers.has(by)) return;
    const how = isObject(a.invoke_action_trigger)
      ? "is invoked directly (terraform plan -invoke), not by a resource change"
      : by !== undefined
        ? `is triggered by ${by}, which has no change in resource_changes`
        : "names no triggering resource";
    throw new InputError(
      file,
      `plan runs action ${a.address} (${where}), which ${how}; the gate approves an action only with the change that triggers it, so it refuses the plan`,
    );
  });
}

/**
 * Every managed resource of the prior state must stay in the planned values, or have a change that takes it away: a
 * delete or forget of its address, or a move from it (`previous_address`). One that is gone without such a change is
 * destroyed (or forgotten) by a change the plan does not list, whatever else the plan lists (red-team round 88: the
 * check ran only when resource_changes was empty, so one unrelated create hid the missing database).
 */
function checkNothingGoes(doc: Record<string, unknown>, changes: readonly PlanResourceChange[], file: string): void {
  const prior = isObject(doc.prior_state) && isObject(doc.prior_state.values) ? managedAddresses(doc.prior_state.values.root_module) : [];
  if (prior.length === 0) return;
  const planned = new Set(isObject(doc.planned_values) ? managedAddresses(doc.planned_values.root_module) : []);
  // A refresh-only plan (`terraform plan -refresh-only`) plans no change, so its planned values hold no resource at all.
  if (planned.size === 0 && changes.length === 0) return;
  // Only a plan that says it is complete (Terraform 1.8 and later) plans an action, a no-op's included, for every
  // resource instance of the prior state. A plan made with -target leaves the others out of planned_values and
  // resource_changes alike (Terraform 1.8+ says complete: false, an older one nothing): there a missing resource is
  // judged only when nothing changes.
  if (changes.length > 0 && doc.complete !== true) return;
  const accounted = new Set<string>();
  for (const rc of changes) {
    if (rc.change.actions.includes("delete") || rc.change.actions.includes("forget")) accounted.add(rc.address);
    if (rc.previous_address) accounted.add(rc.previous_address);
  }
  const gone = prior.filter((a) => !planned.has(a) && !accounted.has(a));
  if (gone.length === 0) return;
  const names = `${gone.slice(0, 3).join(", ")}${gone.length > 3 ? ` and ${gone.length - 3} more` : ""} of the prior state ${gone.length === 1 ? "is" : "are"} missing from planned_values`;
  if (changes.length === 0) throw new InputError(file, `malformed plan: it lists no resource changes, but ${names} (a change the plan does not show)`);
  throw new InputError(
    file,
    `malformed plan: ${names}, and no change in resource_changes deletes, forgets or moves ${gone.length === 1 ? "it" : "them"} (a change the plan does not show); the gate refuses a plan that does not show everything apply will do`,
  );
}

function managedAddresses(m: unknown): string[] {
  if (!isObject(m)) return [];
  // Terraform 0.12's prior_state wrote an instance's address without its index, and a child module's resources
  // without the module's address: both are restored, so each instance is one address as in planned_values.
  const prefix = typeof m.address === "string" && m.address !== "" ? `${m.address}.` : "";
  const own = (Array.isArray(m.resources) ? m.resources : [])
    .filter((r) => isObject(r) && r.mode !== "data" && typeof r.address === "string" && !isDataAddress(r.address))
    .map((r) => {
      const { address, index } = r as { address: string; index?: unknown };
      const full = prefix !== "" && !address.startsWith(prefix) ? `${prefix}${address}` : address;
      // An address ends in its resource's name (an identifier) or in its instance key: one ending in `]` already has
      // it, written by Terraform's own quoting, which is not JSON's (red-team round 89: a key with `${` or a
      // non-printing character was appended a second time, and the resource read as missing).
      if (index === undefined || index === null || full.endsWith("]")) return full;
      return typeof index === "number" ? `${full}[${index}]` : typeof index === "string" ? `${full}[${goQuoted(index)}]` : full;
    });
  const children = Array.isArray(m.child_modules) ? m.child_modules.flatMap(managedAddresses) : [];
  return [...own, ...children];
}

/**
 * A string instance key as the Terraform versions that wrote prior_state addresses without their key (0.12) quote it
 * in planned_values addresses: Go's `%q` (hashicorp/terraform addrs/instance_key.go, StringKey.String, before
 * toHCLQuotedString replaced it), i.e. strconv.Quote. Printable characters are Go's unicode.IsPrint (letters, marks,
 * numbers, punctuation, symbols, ASCII space), approximated by the Unicode classes of this runtime.
 */
function goQuoted(s: string): string {
  const named: Record<string, string> = { "\x07": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v", '"': '\\"', "\\": "\\\\" };
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (named[ch] !== undefined) out += named[ch];
    else if (ch === " " || /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u.test(ch)) out += ch;
    else if (cp < 0x20 || cp === 0x7f) out += `\\x${cp.toString(16).padStart(2, "0")}`;
    else if (cp < 0x10000) out += `\\u${cp.toString(16).padStart(4, "0")}`;
    else out += `\\U${cp.toString(16).padStart(8, "0")}`;
  }
  return `${out}"`;
}

/** `resources` (objects) and `child_modules` (modules) of a planned or prior module, when present. */
function checkModule(m: unknown, where: string, file: string, list: "resources"): void {
  if (m === undefined || m === null) return;
  if (!isObject(m)) throw new InputError(file, `malformed plan: ${where} is not an object`);
  const items = m[list];
  if (items !== undefined && items !== null) {
    if (!Array.isArray(items)) throw new InputError(file, `malformed plan: ${where}.${list} is not an array`);
    items.forEach((r, i) => {
      if (!isObject(r) || typeof r.address !== "string") throw new InputError(file, `malformed plan: ${where}.${list}[${i}] is not a resource object with an address`);
      if (r.values !== undefined && r.values !== null && !isObject(r.values)) throw new InputError(file, `malformed plan: ${where}.${list}[${i}] (${r.address}) has values that are not an object`);
    });
  }
  const children = m.child_modules;
  if (children === undefined || children === null) return;
  if (!Array.isArray(children)) throw new InputError(file, `malformed plan: ${where}.child_modules is not an array`);
  children.forEach((c, i) => checkModule(c, `${where}.child_modules[${i}]`, file, list));
}

/** `configuration` modules: resources with their provisioners, and module calls with their own modules. */
function checkConfigModule(m: unknown, where: string, file: string): void {
  if (m === undefined || m === null) return;
  if (!isObject(m)) throw new InputError(file, `malformed plan: ${where} is not an object`);
  const resources = m.resources;
  if (resources !== undefined && resources !== null) {
    if (!Array.isArray(resources)) throw new InputError(file, `malformed plan: ${where}.resources is not an array`);
    resources.forEach((r, i) => {
      if (!isObject(r)) throw new InputError(file, `malformed plan: ${where}.resources[${i}] is not an object`);
      const p = r.provisioners;
      if (p !== undefined && p !== null && (!Array.isArray(p) || !p.every(isObject))) throw new InputError(file, `malformed plan: ${where}.resources[${i}].provisioners is not a list of provisioners`);
    });
  }
  const calls = m.module_calls;
  if (calls === undefined || calls === null) return;
  if (!isObject(calls)) throw new InputError(file, `malformed plan: ${where}.module_calls is not an object`);
  for (const [name, call] of Object.entries(calls)) {
    if (!isObject(call)) throw new InputError(file, `malformed plan: ${where}.module_calls.${name} is not an object`);
    checkConfigModule(call.module, `${where}.module_calls.${name}.module`, file);
  }
}

function checkResourceChange(rc: unknown, i: number, file: string): PlanResourceChange {
  const where = `resource_changes[${i}]`;
  if (!isObject(rc)) throw new InputError(file, `malformed plan: ${where} is not an object`);
  const address = rc.address;
  if (typeof address !== "string" || address === "") throw new InputError(file, `malformed plan: ${where} has no address`);
  const at = `${where} (${address})`;
  const change = rc.change;
  if (!isObject(change) || !Array.isArray(change.actions) || change.actions.length === 0) {
    throw new InputError(file, `malformed plan: ${at} has no change.actions list`);
  }
  for (const a of change.actions) {
    if (typeof a !== "string" || !(PLAN_ACTIONS as readonly string[]).includes(a)) {
      throw new InputError(file, `malformed plan: ${at} has unknown action ${JSON.stringify(a)} (known: ${PLAN_ACTIONS.join(", ")})`);
    }
  }
  // Terraform writes an object, or null for the side that does not exist; anything else hides what changes.
  for (const side of ["before", "after"] as const) {
    const v = change[side];
    if (v !== undefined && v !== null && !isObject(v)) throw new InputError(file, `malformed plan: ${at} has change.${side} that is not an object`);
  }
  // What is unknown or sensitive is marked with true, false, or an object or list of such marks; another value would
  // hide that a value is unknown (read as known) or sensitive.
  for (const marks of ["after_unknown", "before_sensitive", "after_sensitive"] as const) {
    const v = change[marks];
    if (v !== undefined && v !== null && typeof v !== "boolean" && !isObject(v) && !Array.isArray(v)) {
      throw new InputError(file, `malformed plan: ${at} has change.${marks} that is neither true, false nor an object or list of such marks`);
    }
  }
  if (rc.mode !== undefined && rc.mode !== "data" && rc.mode !== "managed") throw new InputError(file, `malformed plan: ${at} has mode ${JSON.stringify(rc.mode)}, neither "managed" nor "data"`);
  // Without a mode, the address says it: `data.` after the module path (a module may itself be called `data`).
  const mode = rc.mode === "data" || rc.mode === "managed" ? rc.mode : isDataAddress(address) ? "data" : "managed";
  const fromAddress = typeFromAddress(address);
  const type = typeof rc.type === "string" ? rc.type : fromAddress;
  if (!type) throw new InputError(file, `malformed plan: ${at} has no type`);
  // Protection is decided by the type and approval by the address: the two must name one resource.
  if (fromAddress !== undefined && type !== fromAddress) throw new InputError(file, `malformed plan: ${at} has type ${JSON.stringify(type)}, but its address names a ${fromAddress}`);
  const actions = change.actions as string[];
  // Terraform only reads data sources, and reads nothing else: any other pairing hides what apply does.
  // The mode must be the address's: `mode: "data"` on `aws_db_instance.orders` would hide its delete.
  if (rc.mode !== undefined && (mode === "data") !== isDataAddress(address)) throw new InputError(file, `malformed plan: ${at} has mode ${JSON.stringify(mode)}, but its address names a ${isDataAddress(address) ? "data source" : "managed resource"}`);
  // (A destroy plan may list a data source's removal from the state as a delete with nothing after it.)
  const dropped = actions.length === 1 && actions[0] === "delete" && (change.after === null || change.after === undefined);
  if (mode === "data" && !dropped && actions.some((a) => a !== "read" && a !== "no-op")) throw new InputError(file, `malformed plan: ${at} is a data source with actions ${actions.join(", ")} (a data source is only read)`);
  if (mode === "managed" && actions.includes("read")) throw new InputError(file, `malformed plan: ${at} is a managed resource with the action read (only data sources are read)`);
  if (mode === "managed") {
    const missing = (side: "before" | "after") => change[side] === null || change[side] === undefined;
    const needs: [boolean, "before" | "after"][] = [
      [actions.length === 1 && (actions[0] === "update" || actions[0] === "no-op") && missing("after") && !missing("before"), "after"],
      [actions.length === 1 && actions[0] === "update" && missing("before"), "before"],
      [actions.includes("create") && missing("after"), "after"],
      // A forgotten object stays in AWS with what it grants: the gate must see it (plan-to-stack.ts).
      [actions.includes("forget") && missing("before"), "before"],
    ];
    for (const [wrong, side] of needs) {
      if (wrong) throw new InputError(file, `malformed plan: ${at} has actions ${actions.join(", ")} but no change.${side} (terraform show -json writes the object there)`);
    }
  }
  const paths = change.replace_paths;
  if (paths !== undefined && paths !== null && (!Array.isArray(paths) || !paths.every((p) => Array.isArray(p) && p.every((k) => typeof k === "string" || typeof k === "number")))) {
    throw new InputError(file, `malformed plan: ${at} has change.replace_paths that is not a list of attribute paths`);
  }
  const name = typeof rc.name === "string" ? rc.name : "";
  return { ...(rc as object), address, mode, type, name, change } as unknown as PlanResourceChange;
}

function isDataAddress(address: string): boolean {
  const parts = withoutInstanceKeys(address).split(".");
  let i = 0;
  while (parts[i] === "module") i += 2;
  return parts[i] === "data";
}

/** The resource type an address names (`module.a.aws_db_instance.x[0]` → `aws_db_instance`). */
export function typeFromAddress(address: string): string | undefined {
  const parts = withoutInstanceKeys(address).split(".");
  // module.a.module.b.[data.]type.name
  let i = 0;
  while (parts[i] === "module") i += 2;
  if (parts[i] === "data") i += 1;
  return parts.length >= i + 2 ? parts[i] : undefined;
}

function notAPlanHint(doc: Record<string, unknown>): string {
  if ("format_version" in doc && "values" in doc) return "this looks like Terraform state (`values` without `planned_values`/`resource_changes`)";
  if ("resource" in doc || "terraform" in doc || "provider" in doc) return "this looks like a Terraform configuration (`*.tf.json`), not a plan";
  if (!("format_version" in doc)) return "no format_version";
  return "no resource_changes or planned_values";
}

/** True when "MAJOR.MINOR" lies in the supported range. */
export function formatSupported(version: string): boolean {
  const v = parseVersion(version);
  const lo = parseVersion(MIN_FORMAT_VERSION)!;
  const hi = parseVersion(MAX_FORMAT_VERSION)!;
  if (!v) return false;
  return compare(v, lo) >= 0 && compare(v, hi) <= 0;
}

function parseVersion(v: string): [number, number] | undefined {
  const m = /^(\d+)\.(\d+)$/.exec(v);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

function compare(a: [number, number], b: [number, number]): number {
  return a[0] !== b[0] ? a[0] - b[0] : a[1] - b[1];
}

