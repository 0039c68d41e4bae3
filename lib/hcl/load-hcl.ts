/**
 * `blastwall check DIR` for plain Terraform: a directory of `.tf` (and `.tf.json`) files → one Terraform JSON
 * configuration in the shape cdktf writes → the engine's `TfStack`, every resource carrying the `file:line`
 * of its block.
 *
 * - Files are parsed with HashiCorp's `@cdktf/hcl2json` (WebAssembly, asynchronous) or as JSON.
 * - What is literal is evaluated (`config.ts` reads, `evaluate.ts` evaluates): variables with a value
 *   (default, `terraform.tfvars`, `*.auto.tfvars`), locals, templates, `jsonencode` of literal objects,
 *   `count` / `for_each` over known collections (instances `TYPE.NAME[0]`, `TYPE.NAME["k"]`), dynamic blocks.
 * - Local modules (`source = "./..."`) are loaded and inlined: their resources get addresses
 *   `module.NAME.TYPE.RNAME`, their `var.*` the inputs given, and `module.NAME.OUTPUT` in the caller the
 *   output's value.
 * - A module named by an absolute path (Terraform installs a copy of that folder) is read the same way when the
 *   folder is on this machine; one that is not fails closed like a remote one.
 * - Other module sources (registry, git, ...) fail closed: a pseudo resource of type
 *   `blastwall_unknown_module` at `module.NAME` stands for whatever they create.
 * - Anything else stays a `${...}` token the engine treats as unresolved.
 */
import { existsSync, readdirSync, statSync } from "fs";
import { isAbsolute, join, resolve } from "path";
import { buildStack } from "../engine/terraform/stack";
import { classifyExpression } from "../engine/terraform/tokens";
import { AddressMap, InputError, type TfResource, type TfStack } from "../engine/terraform/types";
import {
  byteOrder,
  isIgnoredFile,
  isTofuName,
  moduleDirReader,
  readAsync,
  readSync,
  tfvarsReader,
  type ConfigTool,
  type HclReader,
  type ModuleDef,
  type NamedDecl,
  type Obj,
} from "./config";
import { clearTemplateCache, evalJson, evalString } from "./evaluate";
import { budgetNotes } from "./budget";
import { ModuleInstance, evalBudgetOf, type ChildDef, type EmittedResource, type Tree, type UnknownSource } from "./instance";
import { Unk, hasKey, setKey, toTfJson } from "./values";

export { UNKNOWN_MODULE_TYPE } from "./instance";

/** A module block whose contents blastwall cannot see. */
export interface UnknownModule {
  /** `module.NAME` (with the caller's module path when nested). */
  readonly address: string;
  readonly source: string;
  readonly reason: string;
  /** `file:line` of the module block. */
  readonly location: string;
}

/** An expression left for the engine in a resource's values (as `${...}`), for diagnostics. */
export interface UnresolvedExpression {
  readonly address: string;
  /** `file:line` of the argument holding it when known, else of the block. */
  readonly location: string;
  /** Top-level argument (or nested block type) of the resource that holds it. */
  readonly attribute: string;
  /** HCL source, references rewritten to addresses. */
  readonly expression: string;
  /** True for a plain reference (`aws_iam_role.r.arn`) the engine may follow; false for anything else. */
  readonly reference: boolean;
}

export interface HclLoad {
  readonly stack: TfStack;
  /** The merged Terraform JSON the stack was built from (module resources keyed by their full address). */
  readonly json: Record<string, unknown>;
  readonly unknownModules: readonly UnknownModule[];
  readonly unresolved: readonly UnresolvedExpression[];
  /**
   * `file:line` of the arguments and nested blocks of each resource (by address, then argument name), for
   * pointing a finding at the line of the expression (`policy`, `role`, `inline_policy`). HCL files only.
   */
  readonly attributeLocations: ReadonlyMap<string, ReadonlyMap<string, string>>;
  /** Every configuration file read, relative to the directory. */
  readonly files: readonly string[];
  /** Some directory read holds `.tofu` files: OpenTofu reads the configuration differently from Terraform. */
  readonly hasTofu: boolean;
}

/** Deepest module nesting followed (Terraform has no limit; a deeper tree is almost certainly a mistake). */
const MAX_MODULE_DEPTH = 32;

/** True for `./x`, `../x` (and Windows `.\x`): the sources Terraform reads from the local filesystem. */
export function isLocalSource(source: string): boolean {
  return /^\.\.?([/\\]|$)/.test(source);
}

/**
 * True for an absolute filesystem path (`/srv/modules/iam`, `C:\modules\iam`). Terraform accepts one as a module
 * source and installs it as a copy of the folder, like a remote package; the files it copies are on this machine,
 * so blastwall reads them where they are.
 */
export function isAbsoluteSource(source: string): boolean {
  return isAbsolute(source) || /^[A-Za-z]:[/\\]/.test(source);
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/**
 * How a caller that is not reading a folder on disk (the synth-time gate, before cdktf writes the stack) reads it.
 * `files` are the root's configuration files by name; `moduleSource` says where a module the root calls is: a
 * folder to read, the reason it stays unknown, or undefined for the usual reading of its source.
 */
export interface VirtualRoot {
  readonly files: ReadonlyMap<string, string>;
  readonly moduleSource?: (source: string) => { readonly dir: string } | { readonly unknown: string } | undefined;
  /**
   * The folder to name, in locations and errors, for a module folder read from somewhere else than the user wrote
   * (cdktf's temporary copy of a relative module): undefined names it relative to the root, as usual. The name is
   * shown as is (relative to the working directory, or absolute).
   */
  readonly shownDir?: (absDir: string) => string | undefined;
}

function describeSource(source: string): string {
  if (/^(git::|git@|github\.com\/|bitbucket\.org\/)/.test(source) || /\.git($|\?|\/\/)/.test(source)) return "a git repository";
  if (/^(s3::|gcs::|https?:\/\/)/.test(source)) return "a remote archive";
  if (/^[A-Za-z0-9.-]+\/[A-Za-z0-9_-]+\/[A-Za-z0-9_-]+(\/\/.*)?$/.test(source)) return "a registry module";
  if (/^[A-Za-z0-9.-]+\.[a-z]+\/[^/]+\/[^/]+\/[^/]+/.test(source)) return "a registry module";
  return "not a local path";
}

/**
 * Reads an HCL directory. `dir` is shown in errors and `stack.file` as given; locations are relative to it.
 * Throws `InputError` for an unreadable directory, a syntax error (`line N, column C: ...`), a missing
 * local module or a module cycle.
 */
export async function loadHcl(dir: string, values?: ReadonlyMap<string, unknown>, tool: ConfigTool = "terraform"): Promise<HclLoad> {
  return readAsync(hclLoader(dir, values, tool));
}

/**
 * `loadHcl` without waiting: the synth-time gate runs inside cdktf's synchronous validations. `parse` is a
 * synchronous hcl2json (`hcl2json-sync.ts`); `root`, when given, stands for the folder's own files.
 */
export function loadHclSync(
  dir: string,
  parse: (file: string, text: string) => Record<string, unknown>,
  root?: VirtualRoot,
  values?: ReadonlyMap<string, unknown>,
  tool: ConfigTool = "terraform",
): HclLoad {
  return readSync(hclLoader(dir, values, tool, root), parse);
}

function* hclLoader(dir: string, values: ReadonlyMap<string, unknown> | undefined, tool: ConfigTool, virtual?: VirtualRoot): HclReader<HclLoad> {
  const rootAbs = resolve(dir);
  if (!virtual) {
    if (!existsSync(rootAbs)) throw new InputError(dir, "no such directory");
    if (!statSync(rootAbs).isDirectory()) throw new InputError(dir, "is not a directory of .tf files");
  }
  const shown: string[] = [];
  const copies = new Set<string>();
  const displayOf = (file: string) => (file === "." ? dir : shown.some((d) => file.startsWith(`${d}/`)) ? file : join(dir, file));
  clearTemplateCache();

  const children = new Map<ModuleDef, Map<string, ChildDef>>();
  const defs = new Map<string, ModuleDef>();
  const load = function* (absDir: string, chain: readonly string[]): HclReader<ModuleDef> {
    let def = defs.get(absDir);
    if (!def) {
      const shownDir = absDir === rootAbs ? undefined : virtual?.shownDir?.(absDir);
      if (shownDir !== undefined) {
        shown.push(shownDir);
        copies.add(absDir);
      }
      def = yield* moduleDirReader(absDir, rootAbs, displayOf, tool, absDir === rootAbs ? virtual?.files : undefined, shownDir);
      defs.set(absDir, def);
    }
    if (!children.has(def)) {
      const kids = new Map<string, ChildDef>();
      children.set(def, kids);
      for (const call of def.modules) kids.set(call.name, yield* resolveChild(def, call, chain));
    }
    return def;
  };
  const within = function* (childAbs: string, display: string, call: NamedDecl, raw: string, chain: readonly string[]): HclReader<ModuleDef> {
    if (chain.includes(childAbs)) {
      throw new InputError(display, `line ${call.line}: module "${call.name}" includes itself (source "${raw}")`);
    }
    if (chain.length >= MAX_MODULE_DEPTH) {
      throw new InputError(display, `line ${call.line}: modules are nested more than ${MAX_MODULE_DEPTH} deep`);
    }
    return yield* load(childAbs, [...chain, childAbs]);
  };
  // Root variable values from tfvars files and `--var-file`, read once, when first needed.
  let rootValues: Map<string, unknown> | undefined;
  const readValues = function* (): HclReader<Map<string, unknown>> {
    if (!rootValues) {
      // The synth-time gate reads what cdktf is about to write: no tfvars file is written with it.
      const read = virtual ? new Map<string, unknown>() : yield* readRootTfvars(rootAbs, displayOf);
      // `--var-file` values come last, as -var-file does after the files Terraform loads by itself.
      for (const [k, v] of values ?? []) read.set(k, v);
      rootValues = read;
    }
    return rootValues;
  };
  /**
   * OpenTofu 1.8+ evaluates a module source early (at init): from variables (tfvars, `--var-file`, defaults) and locals,
   * never from resources, data sources or module outputs. Read so in the root module; a value not known there, or a
   * source in a child module (its variables come from its caller's arguments), stays refused.
   */
  const earlySource = function* (def: ModuleDef, raw: unknown): HclReader<string | undefined> {
    if (tool !== "opentofu" || def.absDir !== rootAbs || typeof raw !== "string") return undefined;
    const tfvars = yield* readValues();
    const early = new ModuleInstance(def, "", undefined, { rootAbs, children: new Map(), tfvars });
    const v = evalString(raw, { env: early });
    return typeof v === "string" ? v : undefined;
  };
  const resolveChild = function* (def: ModuleDef, call: NamedDecl, chain: readonly string[]): HclReader<ChildDef> {
    const written = call.body["source"];
    const display = displayOf(call.file);
    const raw = typeof written === "string" && !written.includes("${") ? written : yield* earlySource(def, written);
    if (raw === undefined) {
      const early =
        tool === "opentofu"
          ? def.absDir === rootAbs
            ? ", or one OpenTofu reads early from variables and locals with values blastwall knows (a default, a tfvars file, --var-file)"
            : " (OpenTofu's early evaluation of variables and locals is read only in the root module)"
          : " (Terraform reads no expression there; a folder with .tofu files, or whose .terraform.lock.hcl names providers of registry.opentofu.org, is read as OpenTofu reads it, which evaluates variables and locals there)";
      throw new InputError(display, `line ${call.line}: module "${call.name}" needs a literal source string${early}`);
    }
    const given = virtual?.moduleSource && def.absDir === rootAbs ? virtual.moduleSource(raw) : undefined;
    if (given && "unknown" in given) return { unknown: true, source: raw, reason: given.unknown } satisfies UnknownSource;
    if (given) return yield* within(resolve(given.dir), display, call, raw, chain);
    if (isAbsoluteSource(raw)) {
      // Terraform copies the folder at `init`; one that is not on this machine may be on the one that applies it.
      if (!isDirectory(raw)) {
        return {
          unknown: true,
          source: raw,
          reason: `module source "${raw}" is an absolute path that is not a folder on this machine; blastwall reads only modules on disk, so what this module creates is unknown`,
        } satisfies UnknownSource;
      }
      return yield* within(resolve(raw), display, call, raw, chain);
    }
    if (!isLocalSource(raw)) {
      const what = describeSource(raw);
      const unknown: UnknownSource = {
        unknown: true,
        source: raw,
        reason: `module source "${raw}" is ${what}; blastwall reads only local modules, so what this module creates is unknown`,
      };
      return unknown;
    }
    const childAbs = resolve(def.absDir, raw);
    if (!existsSync(childAbs) || !statSync(childAbs).isDirectory()) {
      // Read from a copy (cdktf's module asset), the folder may exist beside the original and still be missing where
      // Terraform will look: the copy holds only what was copied.
      const copied = copies.has(def.absDir)
        ? "; cdktf copies into the stack only the folders its `cdktfRelativeModules` context lists, so Terraform will not find it either: list that folder there too"
        : "";
      throw new InputError(display, `line ${call.line}: module "${call.name}" has source "${raw}", which is not a directory${copied}`);
    }
    return yield* within(childAbs, display, call, raw, chain);
  };
  const rootDef = yield* load(rootAbs, [rootAbs]);
  if (rootDef.files.length === 0) throw new InputError(dir, tool === "opentofu" ? "holds no .tf, .tf.json, .tofu or .tofu.json files" : "holds no .tf or .tf.json files");

  const tfvars = yield* readValues();
  const fileReads = new Map<string, string>();
  // `--var-file` values are the deploy's: the second reading (settable-providers.ts) keeps them, and only them.
  const varFileNames = new Set([...(values ?? [])].map(([k]) => k));
  const tree: Tree = { rootAbs, children, tfvars, fileReads, varFileNames, ...(tool === "opentofu" ? { tool } : {}) };
  const root = new ModuleInstance(rootDef, "", undefined, tree);
  const emitted: EmittedResource[] = [];
  root.emit(emitted);

  const json = rootJson(root, rootDef, emitted);
  const located = withBlockLocations(toStack(json, dir, emitted), root, rootDef);
  const budget = evalBudgetOf(tree);
  const evaluationNotes = () => budgetNotes(budget.stops, displayOf);
  const stack = { ...located, evaluationNotes, ...(fileReads.size > 0 ? { functionFileReads: fileReads } : {}) };
  const files: string[] = [];
  let hasTofu = false;
  for (const d of defs.values()) {
    files.push(...d.files);
    hasTofu ||= d.hasTofu;
  }
  return {
    stack,
    json,
    unknownModules: emitted
      .filter((e) => e.unknownModule)
      .map((e) => ({ address: e.address, source: e.unknownModule!.source, reason: e.unknownModule!.reason, location: e.location })),
    unresolved: emitted
      .filter((e) => !e.unknownModule)
      .flatMap((e) =>
        e.unknowns.map(({ attribute, expression }) => ({
          address: e.address,
          location: e.attributeLocations.get(attribute) ?? e.location,
          attribute,
          expression,
          reference: classifyExpression(expression).kind === "reference",
        })),
      ),
    attributeLocations: new Map(emitted.map((e) => [e.address, e.attributeLocations])),
    files: [...new Set(files)].sort(byteOrder),
    hasTofu,
  };
}

/** The folder holds `.tofu` files and no `.tf` ones: only OpenTofu can apply it. */
export function holdsOnlyTofu(dir: string): boolean {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return false; // loadHcl says why
  }
  const file = (n: string) => {
    try {
      return statSync(join(dir, n)).isFile();
    } catch {
      return false;
    }
  };
  return names.some((n) => isTofuName(n) && file(n)) && !names.some((n) => (n.endsWith(".tf") || n.endsWith(".tf.json")) && !isIgnoredFile(n) && file(n));
}

/** `loadHcl(dir).stack`: what `blastwall check DIR` analyses. */
export async function loadHclStack(dir: string, values?: ReadonlyMap<string, unknown>, tool: ConfigTool = "terraform"): Promise<TfStack> {
  return (await loadHcl(dir, values, tool)).stack;
}

/**
 * terraform.tfvars, terraform.tfvars.json, then *.auto.tfvars(.json) in name order: later files win. Terraform picks
 * auto files by their suffix alone, so a hidden `.x.auto.tfvars` is loaded too (unlike a hidden `.tf` file).
 */
function* readRootTfvars(rootAbs: string, displayOf: (f: string) => string): HclReader<Map<string, unknown>> {
  const names = readdirSync(rootAbs);
  const order = [
    ...["terraform.tfvars", "terraform.tfvars.json"].filter((n) => names.includes(n)),
    ...names.filter((n) => n.endsWith(".auto.tfvars") || n.endsWith(".auto.tfvars.json")).sort(byteOrder),
  ];
  const out = new Map<string, unknown>();
  for (const name of order) {
    const abs = join(rootAbs, name);
    if (!statSync(abs).isFile()) continue;
    const values = yield* tfvarsReader(abs, name, displayOf(name));
    for (const [k, v] of Object.entries(values)) out.set(k, v);
  }
  return out;
}

/** Key of an emitted resource under `resource.TYPE` / `data.TYPE` / `ephemeral.TYPE`: the name (with instance key) at the root. */
function jsonKey(e: EmittedResource): string {
  const head = e.mode === "managed" ? `${e.type}.` : `${e.mode}.${e.type}.`;
  return e.address.startsWith(head) ? e.address.slice(head.length) : e.address;
}

function rootJson(root: ModuleInstance, def: ModuleDef, emitted: readonly EmittedResource[]): Record<string, unknown> {
  const json: Record<string, unknown> = {};
  const scope = { env: root };

  if (def.terraform.length > 0) json["terraform"] = def.terraform.map((t) => t.body);
  const own: { name: string; body: Obj }[] = [];
  root.moduleProviders(own);
  if (def.providers.length > 0 || own.length > 0) {
    const providers: Record<string, Obj[]> = {};
    for (const p of def.providers) entry(providers, p.name, () => []).push(root.renderProvider(p));
    for (const p of own) entry(providers, p.name, () => []).push(p.body);
    json["provider"] = providers;
  }
  if (def.variables.size > 0) {
    const variables: Record<string, Obj> = {};
    for (const [name] of def.variables) {
      const v = root.variable(name);
      const hasValue = root.hasVariableValue(name) && !(v instanceof Unk && v.src === `var.${name}`);
      setKey(variables, name, hasValue ? { default: toTfJson(v) } : {});
    }
    json["variable"] = variables;
  }
  if (def.locals.size > 0) {
    const locals: Record<string, unknown> = {};
    for (const [name] of def.locals) setKey(locals, name, toTfJson(root.local(name)));
    json["locals"] = locals;
  }
  for (const e of emitted) {
    const section = e.mode === "managed" ? "resource" : e.mode;
    const byType = ((json[section] ??= {}) as Record<string, Record<string, unknown>>);
    setKey(entry(byType, e.type, () => ({})), jsonKey(e), e.values);
  }
  const nested = nestedBlocks(root);
  const imports = [...def.imports.map((b) => importJson(b.body, scope)), ...nested.imports];
  if (imports.length > 0) json["import"] = imports;
  // Where objects were moved to keeps their names (tokens.ts): only the address is read.
  const moved = [...def.moved.map((b) => ({ to: b.body["to"] })), ...nested.moved];
  if (moved.length > 0) json["moved"] = moved;
  if (def.outputs.size > 0) {
    const outputs: Record<string, Obj> = {};
    for (const [name] of def.outputs) {
      const v = evalJson(def.outputs.get(name)!.body["value"], scope);
      setKey(outputs, name, { value: toTfJson(v) });
    }
    json["output"] = outputs;
  }
  return json;
}

/**
 * An `import` block in the Terraform JSON `buildStack` reads (import-blocks.ts): `to` as written (an address, not a
 * value), the `id` evaluated in the root module (a variable's value, a local), anything it cannot evaluate left as
 * `${...}` for the engine, which reads it as any id. A block with `for_each` keeps its `for_each`: its ids come from
 * `each`, and the JSON reader reads such a block as importing any id, so both readers judge it alike.
 */
function importJson(body: Obj, scope: { env: ModuleInstance }): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(body)) setKey(out, k, v);
  if (body["for_each"] === undefined && body["id"] !== undefined) out["id"] = toTfJson(evalJson(body["id"], scope));
  return out;
}

/**
 * The `import` and `moved` blocks of the local modules below `root`, once per module instance, as root blocks: `to`
 * prefixed with the instance's address (`aws_iam_role.r` in `module.m[0]` is `module.m[0].aws_iam_role.r`), an
 * import's `id` evaluated in that instance (its `var.*`). A moved block may sit in any module, and an object it moves
 * keeps the name it had (red-team round 138); Terraform takes import blocks in child modules since 1.16 (#38352),
 * OpenTofu refuses them, and either way what one would bring under a resource counts (fail closed). A block whose
 * `to` is no address is skipped, as the root's is: Terraform refuses it.
 */
function nestedBlocks(root: ModuleInstance): { imports: Obj[]; moved: Obj[] } {
  const out = { imports: [] as Obj[], moved: [] as Obj[] };
  const visit = (inst: ModuleInstance) => {
    for (const call of inst.def.modules) {
      // No instances for a module that is not loaded (its contents are unknown-module's) or has none (`count = 0`).
      for (const child of inst.childInstances(call)) {
        for (const b of child.def.moved) {
          const to = blockAddress(b.body["to"]);
          if (to !== undefined) out.moved.push({ to: child.prefix + to });
        }
        for (const b of child.def.imports) {
          const to = blockAddress(b.body["to"]);
          if (to !== undefined) out.imports.push({ ...importJson(b.body, { env: child }), to: child.prefix + to });
        }
        visit(child);
      }
    }
  };
  visit(root);
  return out;
}

/** The address a block's `to` names, as written in HCL (`${aws_iam_role.r}`) or Terraform JSON (`aws_iam_role.r`). */
function blockAddress(v: unknown): string | undefined {
  if (typeof v !== "string") return undefined;
  const address = v.replace(/^\$\{\s*([\s\S]*?)\s*\}$/, "$1").trim();
  return address === "" ? undefined : address;
}

/** `o[k]`, created with `make` when absent (as an own key, whatever `k` is: `__proto__` names a block like any other). */
function entry<T>(o: Record<string, T>, k: string, make: () => T): T {
  if (!hasKey(o, k)) setKey(o, k, make());
  return o[k];
}

/**
 * Where the provider and backend blocks are written (`provider.aws.prod` -> `main.tf:3`), keyed as the stack keys them:
 * a finding about a key written in one of them names the file and line. And the sources modules' own
 * `required_providers` give their providers' local names, keyed by the block's full name (`amazon.module.net`).
 */
function withBlockLocations(stack: TfStack, root: ModuleInstance, def: ModuleDef): TfStack {
  const at = new Map<string, string>();
  for (const p of def.providers) {
    const alias = p.body["alias"];
    at.set(`provider.${typeof alias === "string" ? `${p.name}.${alias}` : p.name}`, `${p.file}:${p.line}`);
  }
  const own: { name: string; body: Obj; location?: string; source?: string }[] = [];
  root.moduleProviders(own);
  const sources = new Map(stack.providerSources ?? []);
  for (const p of own) {
    if (typeof p.body["alias"] !== "string") continue;
    if (p.location) at.set(`provider.${p.name}.${p.body["alias"]}`, p.location);
    if (p.source) sources.set(`${p.name}.${p.body["alias"]}`, p.source);
  }
  for (const t of def.terraform) {
    if (t.body["cloud"] !== undefined) at.set("terraform.cloud", `${t.file}:${t.line}`);
    const b = t.body["backend"];
    const blocks = Array.isArray(b) ? b : [b];
    for (const bo of blocks) if (bo !== null && typeof bo === "object") for (const type of Object.keys(bo)) at.set(`terraform.backend.${type}`, `${t.file}:${t.line}`);
  }
  return { ...stack, ...(at.size > 0 ? { blockLocations: at } : {}), ...(sources.size > 0 ? { providerSources: sources } : {}) };
}

/** `buildStack` over the merged JSON, then each resource given its real address, name and location. */
function toStack(json: Record<string, unknown>, dir: string, emitted: readonly EmittedResource[]): TfStack {
  const built = buildStack(json, dir);
  const byValues = new Map<unknown, EmittedResource>();
  for (const e of emitted) byValues.set(e.values, e);
  const resources: TfResource[] = [];
  const byAddress = new AddressMap<TfResource>();
  const byType = new Map<string, TfResource[]>();
  for (const r of built.resources) {
    const e = byValues.get(r.values);
    const metadataAt = e?.attributeLocations.get("//");
    const res: TfResource = e ? { ...r, name: e.name, address: e.address, location: e.location, ...(metadataAt !== undefined ? { metadataLocation: metadataAt } : {}) } : r;
    if (byAddress.has(res.address)) throw new InputError(dir, `${res.address} is defined more than once`);
    resources.push(res);
    byAddress.set(res.address, res);
    const list = byType.get(res.type);
    if (list) list.push(res);
    else byType.set(res.type, [res]);
  }
  return { ...built, file: dir, resources, byAddress, byType };
}
