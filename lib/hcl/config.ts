/**
 * Reading one module directory: every `.tf` file (through hcl2json) and `.tf.json` file (as JSON) in it, not
 * recursive, turned into block declarations with the `file:line` they were written at. Override files
 * (`override.tf`, `*_override.tf` and their `.tf.json` forms) are merged into the blocks they override, as
 * Terraform does. Every problem is an `InputError` naming the file, with `line N:` where known.
 */
import { isObject } from "../engine/json";
import { readdirSync, statSync } from "fs";
import { join, relative, sep } from "path";
import { InputError } from "../engine/terraform/types";
import { EPHEMERAL_TYPES } from "../engine/terraform/ephemeral-blocks";
import { parseJsonText, readText } from "../engine/terraform/read-file";
import { jsonKeyLine, scanBlockHeaders, type BlockHeader } from "./scan";
import { InexactNumber, assignKeys, byteOrder, hasKey, markInexact, setKey } from "./values";

export { byteOrder };

export type Obj = Record<string, unknown>;

export interface Located {
  /** File path relative to the root directory, `/`-separated (`main.tf`, `modules/iam/main.tf`). */
  readonly file: string;
  readonly line: number;
}

/** `resource`, `data`, or `ephemeral` (of the types buildStack keeps: EPHEMERAL_TYPES) blocks. */
export type BlockMode = "managed" | "data" | "ephemeral";

export interface ResourceDecl extends Located {
  readonly mode: BlockMode;
  readonly type: string;
  readonly name: string;
  body: Obj;
  /** Line of each argument / nested block written on its own line (HCL files only). */
  readonly attributeLines: ReadonlyMap<string, number>;
  /**
   * `file:line` of the override block that wrote the body's `"//"`: an acknowledgement there is named by the file
   * that carried it (a planted `zz_override.tf.json`), not by the block it was merged into.
   */
  metadataAt?: string;
  /**
   * The last override block merged into this one (`x_override.tf`), where the arguments it replaced are written: a
   * finding points there, since the base block no longer shows what Terraform applies (red-team round 120 F5).
   */
  overriddenAt?: Located;
  /** `file:line` of each argument an override file replaced (HCL override files only). */
  overrideLocations?: Map<string, string>;
}

export interface NamedDecl extends Located {
  readonly name: string;
  body: Obj;
  /**
   * The file each argument was last written in, where an override file replaced it: a variable's `default` is a
   * literal when that file is a `.tf.json`, whatever file declared the variable.
   */
  argumentFiles?: Map<string, string>;
}

export interface LocalDecl extends Located {
  readonly name: string;
  value: unknown;
}

export interface ModuleDef {
  /** Absolute directory. */
  readonly absDir: string;
  /** The directory holds OpenTofu-only files (`.tofu`, `.tofu.json`), which Terraform skips and OpenTofu reads. */
  readonly hasTofu: boolean;
  /** Directory relative to the root, `/`-separated; `.` for the root (Terraform's `path.module`). */
  readonly relDir: string;
  readonly files: readonly string[];
  readonly resources: ResourceDecl[];
  readonly resourceIndex: Map<string, ResourceDecl>;
  readonly modules: NamedDecl[];
  readonly moduleIndex: Map<string, NamedDecl>;
  readonly variables: Map<string, NamedDecl>;
  readonly locals: Map<string, LocalDecl>;
  readonly outputs: Map<string, NamedDecl>;
  readonly providers: NamedDecl[];
  readonly terraform: { body: Obj; file: string; line: number }[];
  /** `removed` blocks, as written (`from`, `lifecycle`). */
  readonly removed: { body: Obj; file: string; line: number }[];
  /**
   * `import` blocks, as written (`to`, `id`, `for_each`, `identity`). Terraform takes them in any module since 1.16
   * (OpenTofu in the root only); a child module's reach the stack in root terms all the same (load-hcl.ts).
   */
  readonly imports: { body: Obj; file: string; line: number }[];
  /** `moved` blocks, as written (`from`, `to`). */
  readonly moved: { body: Obj; file: string; line: number }[];
}

/** hcl2json's parse, loaded on first use (it starts a WebAssembly runtime). */
type Hcl2JsonParse = (filename: string, contents: string) => Promise<Record<string, unknown>>;
let hclParse: Hcl2JsonParse | undefined;

function hcl2json(): Hcl2JsonParse {
  if (!hclParse) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    hclParse = (require("@cdktf/hcl2json") as { parse: Hcl2JsonParse }).parse;
  }
  return hclParse;
}

/**
 * A file handed to the HCL parser. The readers below are generators that yield one per `.tf` file and resume with
 * its parsed JSON (or an exception thrown into them), so the same code reads a folder asynchronously (`blastwall
 * check`, through hcl2json's own bridge) and synchronously (the synth-time gate, inside cdktf's synchronous
 * validations, through `hcl2json-sync.ts`).
 */
export interface ParseRequest {
  readonly file: string;
  readonly text: string;
}
export type HclReader<T> = Generator<ParseRequest, T, Record<string, unknown>>;

/** The parser itself cannot run (not a file it rejects): the caller is told, not the file blamed. */
export class ParserUnavailable extends Error {}

/** A file nested deeper than the parser can take: refused before it reaches the parser. */
export class NestedTooDeep extends Error {}

/**
 * How deep a file may nest before the parser is not handed it. hcl2json's parser recurses once per level in the
 * WebAssembly stack, which is the JavaScript stack: about a thousand brackets overflow it, and the Go program behind it
 * is left broken for every later file of the process (`Go program has already exited`, or a `fatal error: malloc
 * deadlock` once idle). Real configurations nest a few dozen levels at most.
 */
export const MAX_NESTING = 256;

/**
 * The line where `text` nests deeper than `MAX_NESTING`, or undefined. An upper bound on the parser's recursion, in
 * one pass: every bracket (and template interpolation) opens a level, and every `!`, `-` and `?` in it (each a unary
 * or conditional operator the parser may recurse on) adds one until a comma or line ends that item. Strings and
 * comments add nothing, but an interpolation inside a string does, so nesting cannot hide in a template.
 */
export function tooDeepAt(text: string): number | undefined {
  type Frame = { ops: number; close: "code" | "string" | "heredoc" };
  const frames: Frame[] = [{ ops: 0, close: "code" }];
  const modes: ({ kind: "code" } | { kind: "string" } | { kind: "heredoc"; marker: string })[] = [{ kind: "code" }];
  let total = 1;
  let line = 1;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text[i];
    if (c === "\n") line++;
    const mode = modes[modes.length - 1];
    if (mode.kind === "code") {
      const top = frames[frames.length - 1];
      if (c === "#" || (c === "/" && text[i + 1] === "/")) {
        while (i + 1 < n && text[i + 1] !== "\n") i++;
      } else if (c === "/" && text[i + 1] === "*") {
        const end = text.indexOf("*/", i + 2);
        const stop = end < 0 ? n : end + 1;
        for (let j = i; j < stop; j++) if (text[j] === "\n") line++;
        i = stop;
      } else if (c === '"') {
        modes.push({ kind: "string" });
      } else if (c === "<" && text[i + 1] === "<") {
        const m = /^<<-?([A-Za-z_][A-Za-z0-9_-]*)[ \t]*\r?\n/.exec(text.slice(i, i + 300));
        if (m) {
          modes.push({ kind: "heredoc", marker: m[1] });
          // The newline is read in heredoc mode, which checks the next line for the marker.
          i += m[0].length - 2;
        }
      } else if (c === "[" || c === "(" || c === "{") {
        frames.push({ ops: 0, close: "code" });
        total++;
      } else if (c === "]" || c === ")" || c === "}") {
        if (frames.length > 1) {
          const f = frames.pop()!;
          total -= 1 + f.ops;
          if (f.close !== "code") modes.pop();
        }
      } else if (c === "!" || c === "-" || c === "?") {
        top.ops++;
        total++;
      } else if (c === "," || c === "\n") {
        total -= top.ops;
        top.ops = 0;
      }
    } else {
      if (mode.kind === "string" && c === "\\") {
        i++;
        continue;
      }
      if (mode.kind === "string" && c === '"') {
        modes.pop();
        continue;
      }
      if (mode.kind === "heredoc" && c === "\n") {
        const eol = text.indexOf("\n", i + 1);
        if (text.slice(i + 1, eol < 0 ? n : eol).trim() === mode.marker) {
          modes.pop();
          i = (eol < 0 ? n : eol) - 1;
        }
        continue;
      }
      if ((c === "$" || c === "%") && text[i + 1] === c && text[i + 2] === "{") {
        i += 2;
        continue;
      }
      if ((c === "$" || c === "%") && text[i + 1] === "{") {
        i++;
        frames.push({ ops: 0, close: mode.kind });
        modes.push({ kind: "code" });
        total++;
      }
    }
    if (total > MAX_NESTING) return line;
  }
  return undefined;
}

function refuseTooDeep(text: string): void {
  const at = tooDeepAt(text);
  if (at !== undefined) {
    throw new NestedTooDeep(
      `line ${at}: nested more than ${MAX_NESTING} levels deep (brackets, templates, or operators such as ! - ?); the HCL parser blastwall uses cannot read it safely, so nothing in this file is judged: split the expression up`,
    );
  }
}

/** The parser's own instance has stopped: every later file would be blamed for it. */
const GO_EXITED = /Go program has already exited/;

/** Runs a reader with hcl2json's asynchronous parser. */
export async function readAsync<T>(reader: HclReader<T>): Promise<T> {
  let step = reader.next();
  while (!step.done) {
    let parsed: Record<string, unknown>;
    try {
      refuseTooDeep(step.value.text);
      parsed = await hcl2json()(step.value.file, step.value.text);
    } catch (e) {
      if (e instanceof Error && GO_EXITED.test(e.message)) throw new ParserUnavailable(`the HCL parser is unavailable in this process (@cdktf/hcl2json: ${e.message})`);
      step = reader.throw(e);
      continue;
    }
    step = reader.next(parsed);
  }
  return step.value;
}

/** Runs a reader with a synchronous parser. */
export function readSync<T>(reader: HclReader<T>, parse: (file: string, text: string) => Record<string, unknown>): T {
  let step = reader.next();
  while (!step.done) {
    let parsed: Record<string, unknown>;
    try {
      refuseTooDeep(step.value.text);
      parsed = parse(step.value.file, step.value.text);
    } catch (e) {
      if (e instanceof ParserUnavailable) throw e;
      step = reader.throw(e);
      continue;
    }
    step = reader.next(parsed);
  }
  return step.value;
}

export function resourceKey(mode: BlockMode, type: string, name: string): string {
  return `${mode === "managed" ? "" : `${mode}.`}${type}.${name}`;
}

export function toPosix(p: string): string {
  return sep === "/" ? p : p.split(sep).join("/");
}


/** A block level that may be an object or an array of objects (Terraform JSON allows both; hcl2json writes arrays). */
function objects(v: unknown): Obj[] {
  if (isObject(v)) return [v];
  if (Array.isArray(v)) return v.filter(isObject);
  return [];
}

/** First line of an hcl2json diagnostic: `line N, column C: Summary; detail`. */
export function describeHclError(message: string, filename: string): string {
  const body = message.replace(/^parse config:\s*\[/, "").replace(/\]\s*$/, "");
  const esc = filename.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const re = new RegExp(`${esc}:(\\d+),(\\d+)(?:-\\d+(?:,\\d+)?)?:\\s*`, "g");
  const first = re.exec(body);
  if (!first) return `cannot be parsed as HCL: ${body.split("\n")[0]}`;
  const start = re.lastIndex;
  const next = re.exec(body);
  const text = body
    .slice(start, next ? next.index : body.length)
    .replace(/\s+/g, " ")
    .trim()
    .replace(/[ ,;]+$/, "");
  return `line ${first[1]}, column ${first[2]}: ${text}`;
}

/** `override.tf`, `x_override.tf.json` (and OpenTofu's `.tofu` forms): merged over the other files' blocks. */
export function isOverride(name: string): boolean {
  const base = name.replace(/\.(?:tf|tofu)(\.json)?$/, "");
  return base === "override" || base.endsWith("_override");
}

interface FileBlocks {
  resources: ResourceDecl[];
  modules: NamedDecl[];
  variables: NamedDecl[];
  outputs: NamedDecl[];
  locals: LocalDecl[];
  providers: NamedDecl[];
  terraform: { body: Obj; file: string; line: number }[];
  removed: { body: Obj; file: string; line: number }[];
  imports: { body: Obj; file: string; line: number }[];
  moved: { body: Obj; file: string; line: number }[];
}

function emptyBlocks(): FileBlocks {
  return { resources: [], modules: [], variables: [], outputs: [], locals: [], providers: [], terraform: [], removed: [], imports: [], moved: [] };
}

const NO_ATTRIBUTES: ReadonlyMap<string, number> = new Map();

/** Looks up header lines by block type and labels, in order of appearance. */
class Lines {
  private readonly queues = new Map<string, BlockHeader[]>();
  constructor(
    headers: readonly BlockHeader[] | undefined,
    private readonly text: string,
    private readonly json: boolean,
  ) {
    for (const h of headers ?? []) {
      const k = [h.type, ...h.labels].join("\u0000");
      const q = this.queues.get(k);
      if (q) q.push(h);
      else this.queues.set(k, [h]);
    }
  }
  header(type: string, labels: readonly string[]): { line: number; attributes: ReadonlyMap<string, number> } {
    if (this.json) return { line: jsonKeyLine(this.text, [type, ...labels]) ?? 1, attributes: NO_ATTRIBUTES };
    const q = this.queues.get([type, ...labels].join("\u0000"));
    const h = q && q.length > 0 ? (q.length > 1 ? q.shift()! : q[0]) : undefined;
    return h ?? { line: 1, attributes: NO_ATTRIBUTES };
  }
  take(type: string, labels: readonly string[]): number {
    return this.header(type, labels).line;
  }
}

/** Splits one parsed file into block declarations. */
function collect(parsed: Obj, file: string, lines: Lines, display: string, into: FileBlocks): void {
  const bodiesOf = (v: unknown, what: string, line: number): Obj => {
    const list = objects(v);
    if (list.length > 1) throw new InputError(display, `line ${line}: ${what} is defined more than once`);
    return list[0] ?? {};
  };
  for (const mode of ["managed", "data", "ephemeral"] as const) {
    const top = mode === "managed" ? "resource" : mode;
    for (const typeBlock of objects(parsed[top])) {
      for (const [type, named] of Object.entries(typeBlock)) {
        if (type === "//") continue;
        // Ephemeral blocks of other types are not read: what they give stays unknown (ephemeral-blocks.ts).
        if (mode === "ephemeral" && !EPHEMERAL_TYPES.has(type)) continue;
        for (const nb of objects(named)) {
          for (const [name, body] of Object.entries(nb)) {
            if (name === "//") continue;
            const { line, attributes } = lines.header(top, [type, name]);
            into.resources.push({ mode, type, name, body: bodiesOf(body, resourceKey(mode, type, name), line), file, line, attributeLines: attributes });
          }
        }
      }
    }
  }
  const named = (key: "module" | "variable" | "output" | "provider", list: NamedDecl[]) => {
    for (const block of objects(parsed[key])) {
      for (const [name, body] of Object.entries(block)) {
        if (name === "//") continue;
        if (key === "provider") {
          // Several provider blocks of one name (aliases) are allowed.
          for (const b of objects(body)) list.push({ name, body: b, file, line: lines.take(key, [name]) });
          continue;
        }
        const line = lines.take(key, [name]);
        list.push({ name, body: bodiesOf(body, `${key} "${name}"`, line), file, line });
      }
    }
  };
  named("module", into.modules);
  named("variable", into.variables);
  named("output", into.outputs);
  named("provider", into.providers);
  for (const block of objects(parsed["locals"])) {
    const line = lines.take("locals", []);
    for (const [name, value] of Object.entries(block)) {
      if (name === "//") continue;
      into.locals.push({ name, value, file, line });
    }
  }
  for (const block of objects(parsed["terraform"])) {
    into.terraform.push({ body: block, file, line: lines.take("terraform", []) });
  }
  for (const block of objects(parsed["removed"])) {
    into.removed.push({ body: block, file, line: lines.take("removed", []) });
  }
  for (const block of objects(parsed["import"])) {
    into.imports.push({ body: block, file, line: lines.take("import", []) });
  }
  for (const block of objects(parsed["moved"])) {
    into.moved.push({ body: block, file, line: lines.take("moved", []) });
  }
}

/** Labels of a `dynamic` value (object or array of objects, as Terraform JSON allows) with their specs. */
function dynamicLabels(v: unknown): Map<string, unknown[]> {
  const out = new Map<string, unknown[]>();
  for (const o of objects(v)) {
    for (const [label, spec] of Object.entries(o)) {
      if (label === "//") continue;
      const list = out.get(label) ?? [];
      list.push(...(Array.isArray(spec) ? spec : [spec]));
      out.set(label, list);
    }
  }
  return out;
}

/**
 * Terraform's override merge: arguments replace, nested blocks of a type replace, `lifecycle` merges by argument.
 * A `dynamic "X"` block counts as a block of type X on both sides: an override's X blocks (static or dynamic)
 * replace every X block of the base, or a Deny generated in the base would survive an override that removed it.
 */
function mergeBody(base: Obj, over: Obj): Obj {
  const out: Obj = assignKeys({}, base);
  const baseDynamic = dynamicLabels(base["dynamic"]);
  const overDynamic = dynamicLabels(over["dynamic"]);
  const dynamic = new Map(baseDynamic);
  let dynamicChanged = false;
  for (const [k, v] of Object.entries(over)) {
    if (k === "dynamic") continue;
    if (k === "lifecycle") {
      const merged: Obj = {};
      for (const o of [...objects(base[k]), ...objects(v)]) assignKeys(merged, o);
      out[k] = [merged];
    } else {
      setKey(out, k, v);
      dynamicChanged = dynamic.delete(k) || dynamicChanged;
    }
  }
  for (const [label, specs] of overDynamic) {
    if (!hasKey(over, label)) delete out[label];
    dynamic.set(label, specs);
    dynamicChanged = true;
  }
  if (dynamicChanged) {
    if (dynamic.size > 0) out["dynamic"] = Object.fromEntries(dynamic);
    else delete out["dynamic"];
  }
  return out;
}

function applyOverrides(main: FileBlocks, over: FileBlocks, displayOf: (file: string) => string): void {
  const missing = (what: string, d: Located) => {
    throw new InputError(displayOf(d.file), `line ${d.line}: override for ${what}, which is not defined in a non-override file`);
  };
  for (const r of over.resources) {
    const base = main.resources.find((x) => x.mode === r.mode && x.type === r.type && x.name === r.name);
    if (!base) missing(resourceKey(r.mode, r.type, r.name), r);
    else {
      base.body = mergeBody(base.body, r.body);
      base.overriddenAt = { file: r.file, line: r.line };
      for (const [a, line] of r.attributeLines) (base.overrideLocations ??= new Map()).set(a, `${r.file}:${line}`);
      if (hasKey(r.body, "//")) base.metadataAt = `${r.file}:${r.line}`;
    }
  }
  const byName = (list: NamedDecl[], overList: NamedDecl[], what: string) => {
    for (const o of overList) {
      const base = list.find((x) => x.name === o.name);
      if (!base) missing(`${what} "${o.name}"`, o);
      else {
        base.body = mergeBody(base.body, o.body);
        for (const k of Object.keys(o.body)) (base.argumentFiles ??= new Map()).set(k, o.file);
      }
    }
  };
  byName(main.modules, over.modules, "module");
  byName(main.variables, over.variables, "variable");
  byName(main.outputs, over.outputs, "output");
  for (const o of over.providers) {
    const base = main.providers.find((x) => x.name === o.name && x.body["alias"] === o.body["alias"]);
    if (base) base.body = mergeBody(base.body, o.body);
    else main.providers.push(o);
  }
  for (const l of over.locals) {
    const base = main.locals.find((x) => x.name === l.name);
    if (!base) missing(`local "${l.name}"`, l);
    else base.value = l.value;
  }
  main.terraform.push(...over.terraform);
  // A removed block in an override file is kept as written: what it would leave in the account still matters.
  main.removed.push(...over.removed);
  // Terraform refuses an import block in an override file; kept all the same (fail closed), as a removed block is.
  main.imports.push(...over.imports);
  main.moved.push(...over.moved);
}

/**
 * Which tool's file rules a directory is read by. Terraform reads `.tf` and `.tf.json`. OpenTofu also reads `.tofu`
 * and `.tofu.json`, and where `x.tofu` sits beside `x.tf` (or `x.tofu.json` beside `x.tf.json`) it reads only the
 * `.tofu` one.
 */
export type ConfigTool = "terraform" | "opentofu";

const TOFU = /\.tofu(\.json)?$/;

/** A file name OpenTofu reads and Terraform skips. */
export function isTofuName(name: string): boolean {
  return TOFU.test(name) && !isIgnoredFile(name);
}

/** The configuration files of a directory under `tool`'s rules (sorted), or an InputError when it cannot be listed. */
export function configFiles(absDir: string, display: string, tool: ConfigTool = "terraform"): string[] {
  let entries: string[];
  try {
    entries = readdirSync(absDir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT" ? "no such directory" : code === "ENOTDIR" ? "is not a directory" : code === "EACCES" || code === "EPERM" ? "cannot be read: permission denied" : `cannot be read (${code ?? String(e)})`;
    throw new InputError(display, why);
  }
  // OpenTofu picks regular files first: a directory named `x.tofu` shadows nothing.
  const tofu = tool === "opentofu" ? new Set(entries.filter((e) => isTofuName(e) && isRegularFile(join(absDir, e)))) : undefined;
  const read = (e: string) => {
    if (isIgnoredFile(e)) return false;
    if (e.endsWith(".tf") || e.endsWith(".tf.json")) return !tofu?.has(e.replace(/\.tf(\.json)?$/, ".tofu$1"));
    return tofu !== undefined && tofu.has(e);
  };
  return entries
    .filter(read)
    .filter((e) => {
      let s: ReturnType<typeof statSync>;
      try {
        s = statSync(join(absDir, e));
      } catch {
        // A link to nothing is a file Terraform cannot read: it stops, so nothing it would deploy can be judged.
        throw new InputError(`${display}/${e}`, "is a link to nothing; Terraform cannot read this configuration");
      }
      // Terraform skips folders named like files; anything else that is no file (a pipe, a device) it cannot read.
      if (s.isDirectory()) return false;
      if (!s.isFile()) throw new InputError(`${display}/${e}`, "is not a regular file (a FIFO, socket or device); Terraform cannot read this configuration");
      return true;
    })
    .sort(byteOrder);
}

function isRegularFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** Terraform skips hidden files (`.x.tf`): an override or a Deny in one never takes effect, so it must not count. */
export function isIgnoredFile(name: string): boolean {
  return name.startsWith(".") || name.endsWith("~") || (name.startsWith("#") && name.endsWith("#"));
}

/**
 * Reads and parses every configuration file of a module directory.
 * @param rootAbs absolute root directory (locations are relative to it)
 * @param displayOf turns a root-relative file into the path shown in errors (prefixed with the directory as given)
 */
export async function readModuleDir(absDir: string, rootAbs: string, displayOf: (file: string) => string, tool: ConfigTool = "terraform"): Promise<ModuleDef> {
  return readAsync(moduleDirReader(absDir, rootAbs, displayOf, tool));
}

/**
 * `readModuleDir` as a reader. `virtualFiles`, when given, are the directory's configuration files instead of those
 * on disk (the synth-time gate reads the stack it is about to write, which is not on disk yet).
 */
export function* moduleDirReader(
  absDir: string,
  rootAbs: string,
  displayOf: (file: string) => string,
  tool: ConfigTool = "terraform",
  virtualFiles?: ReadonlyMap<string, string>,
  shownDir?: string,
): HclReader<ModuleDef> {
  const relDir = toPosix(relative(rootAbs, absDir)) || ".";
  // A folder read from a copy (cdktf's module asset) is named after the folder the user wrote, in locations and errors.
  const dirShown = shownDir ?? displayOf(relDir);
  const names = virtualFiles ? [...virtualFiles.keys()] : configFiles(absDir, dirShown, tool);
  const hasTofu = virtualFiles ? false : tool === "opentofu" ? names.some(isTofuName) : configFiles(absDir, dirShown, "opentofu").some(isTofuName);
  const main = emptyBlocks();
  const over = emptyBlocks();
  const files: string[] = [];
  for (const name of names) {
    const file = shownDir !== undefined ? `${shownDir}/${name}` : relDir === "." ? name : `${relDir}/${name}`;
    files.push(file);
    const display = displayOf(file);
    const text = virtualFiles?.get(name) ?? readText(join(absDir, name));
    const isJson = name.endsWith(".json");
    let parsed: unknown;
    if (isJson) {
      parsed = parseJsonText(display, text);
      if (!isObject(parsed)) throw new InputError(display, "is not a Terraform configuration: the top level must be an object");
    } else {
      try {
        parsed = yield { file, text };
      } catch (e) {
        throw new InputError(display, e instanceof NestedTooDeep ? e.message : describeHclError(e instanceof Error ? e.message : String(e), file));
      }
    }
    // JSON rounds numbers to doubles: one that stood for another number in the file is marked unknown.
    parsed = markInexact(parsed, text);
    const lines = new Lines(isJson ? undefined : scanBlockHeaders(text), text, isJson);
    collect(parsed as Obj, file, lines, display, isOverride(name) ? over : main);
  }
  applyOverrides(main, over, displayOf);
  // hcl2json returns blocks in name order; keep the order they are written in.
  const bySource = (a: Located, b: Located) => files.indexOf(a.file) - files.indexOf(b.file) || a.line - b.line;
  main.resources.sort(bySource);
  main.modules.sort(bySource);
  main.outputs.sort(bySource);
  main.variables.sort(bySource);
  main.locals.sort(bySource);

  const resourceIndex = new Map<string, ResourceDecl>();
  for (const r of main.resources) {
    const key = resourceKey(r.mode, r.type, r.name);
    const prev = resourceIndex.get(key);
    if (prev) throw new InputError(displayOf(r.file), `line ${r.line}: ${key} is defined more than once (also at ${prev.file}:${prev.line})`);
    resourceIndex.set(key, r);
  }
  const unique = <T extends Located & { name: string }>(list: T[], what: string): Map<string, T> => {
    const m = new Map<string, T>();
    for (const d of list) {
      const prev = m.get(d.name);
      if (prev) throw new InputError(displayOf(d.file), `line ${d.line}: ${what} "${d.name}" is defined more than once (also at ${prev.file}:${prev.line})`);
      m.set(d.name, d);
    }
    return m;
  };
  return {
    absDir,
    hasTofu,
    relDir,
    files,
    resources: main.resources,
    resourceIndex,
    modules: main.modules,
    moduleIndex: unique(main.modules, "module"),
    variables: unique(main.variables, "variable"),
    locals: unique(main.locals, "local"),
    outputs: unique(main.outputs, "output"),
    providers: main.providers,
    terraform: main.terraform,
    removed: main.removed,
    imports: main.imports,
    moved: main.moved,
  };
}

/**
 * A JSON value taken literally, as Terraform takes `.tfvars.json` values and the `default` of a variable in a
 * `.tf.json` file: `${` and `%{` escaped, so the evaluator reads no template into it (a `%{ if false }` in a
 * policy string must not hide a statement).
 */
export function literalJson(v: unknown): unknown {
  if (typeof v === "string") return v.replace(/\$\{/g, "$${").replace(/%\{/g, "%%{");
  if (Array.isArray(v)) return v.map(literalJson);
  if (v !== null && typeof v === "object" && !(v instanceof InexactNumber)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) setKey(out, k, literalJson(x));
    return out;
  }
  return v;
}

/** Parses a tfvars file (HCL attributes) or a `.tfvars.json` file into a plain object. */
export async function readTfvars(absFile: string, file: string, display: string): Promise<Obj> {
  return readAsync(tfvarsReader(absFile, file, display));
}

export function* tfvarsReader(absFile: string, file: string, display: string): HclReader<Obj> {
  const text = readText(absFile);
  if (file.endsWith(".json")) {
    const parsed = parseJsonText(display, text);
    if (!isObject(parsed)) throw new InputError(display, "must hold a JSON object of variable values");
    return literalJson(markInexact(parsed, text)) as Obj;
  }
  try {
    return markInexact(yield { file, text }, text);
  } catch (e) {
    throw new InputError(display, e instanceof NestedTooDeep ? e.message : describeHclError(e instanceof Error ? e.message : String(e), file));
  }
}
