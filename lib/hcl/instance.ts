/**
 * One module instance of the loaded tree (the root, or `module.m` / `module.m[0]` / `module.m["k"]`): it
 * answers `var.*`, `local.*`, resource references and module outputs for the expressions written in it, and
 * emits its resources, expanded over `count` / `for_each`, with every address prefixed by the instance's.
 *
 * Variables, locals, outputs and expansions are evaluated lazily and once; a cycle (Terraform would reject
 * it) yields an unknown value instead of looping.
 */
import { regexBudget, type RegexBudget } from "./re2";
import { EvalBudget, type EvalSite } from "./budget";
import { INPUT_LIMITS, readInputFile } from "../engine/input-file";
import { isAbsolute, join } from "path";
import { readdirSync } from "fs";
import type { DirEntry } from "./fileset";
import { evalJson, evalString, truth, type Env, type Scope } from "./evaluate";
import { BAD_TYPE, DOUBT, MISMATCH, convert, parseType } from "./types";
import { ANY, hasAny, type Ty } from "./ty";
import { literalJson, resourceKey, type BlockMode, type ModuleDef, type NamedDecl, type Obj, type ResourceDecl } from "./config";
import { InstanceRef, ModRef, Unk, tooLarge, assignKeys, byteOrder, hasKey, isKnown, isObj, rawTextUnknowns, setKey, toHclOperand, toTfJson, withOrigin, type ObjValue, type Value } from "./values";

/** How many instances a resource or module block has. */
export type Expansion =
  | { readonly kind: "single" }
  | { readonly kind: "count"; readonly n: number }
  | { readonly kind: "each"; readonly entries: readonly (readonly [string, Value])[] }
  /** `count` / `for_each` not known: one representative instance stands for all. */
  | { readonly kind: "unknown"; readonly meta: "count" | "for_each"; readonly value: Value };

/** A module block whose source blastwall does not load (registry, git, ...): what it creates is unknown. */
export interface UnknownSource {
  readonly unknown: true;
  readonly source: string;
  readonly reason: string;
}

export type ChildDef = ModuleDef | UnknownSource;

/** What the loaded tree shares between instances. */
export interface Tree {
  readonly rootAbs: string;
  /** Child module definitions by parent definition and call name. */
  readonly children: Map<ModuleDef, Map<string, ChildDef>>;
  /** Root variable values from terraform.tfvars / *.auto.tfvars. */
  readonly tfvars: ReadonlyMap<string, unknown>;
  /**
   * A second reading of the tree in which every root variable that `-var` could still set (one with no `--var-file`
   * value: `-var` overrides terraform.tfvars and *.auto.tfvars too) is unknown. It is asked what an agent tag comes out
   * as, and which arguments of a provider or resource change with such variables (settable-providers.ts).
   */
  readonly settable?: true;
  /** The root variables `--var-file` gives: the deploy's own values, fixed in the second reading too. */
  readonly varFileNames?: ReadonlySet<string>;
  /**
   * Set on the reading an agent tag is compared with: as the second one, but with tfvars values kept (a tfvars value
   * fixes an agent tag, as the README says). Made only for a folder with tfvars values, and only when asked.
   */
  readonly keepTfvars?: true;
  /** Every file `file()` or `templatefile()` read, by its path as written (relative to the root folder), with its text. */
  readonly fileReads?: Map<string, string>;
  /** Set when the folder is read as OpenTofu reads it: a `removed` block without `destroy` forgets then. */
  readonly tool?: "opentofu";
}

/** One resource instance (or an unknown module) as emitted. */
export interface EmittedResource {
  readonly mode: BlockMode;
  readonly type: string;
  /** The block label (`agent`), without module path or instance key. */
  readonly name: string;
  /** Full address: `module.m.aws_iam_role.agent[0]`. */
  readonly address: string;
  /** `file:line` of the block header, the file relative to the root directory. */
  readonly location: string;
  /** Terraform JSON of the arguments, evaluated. */
  readonly values: Record<string, unknown>;
  /** Unknown expressions left in `values`, as HCL source, with the argument they are in. */
  readonly unknowns: readonly { readonly attribute: string; readonly expression: string }[];
  /** `file:line` of each argument / nested block written on its own line. */
  readonly attributeLocations: ReadonlyMap<string, string>;
  /** For an unknown module: its source and why its contents are unknown. */
  readonly unknownModule?: { readonly source: string; readonly reason: string };
}

export { UNKNOWN_MODULE_TYPE } from "../engine/terraform/types";
import { UNKNOWN_MODULE_TYPE } from "../engine/terraform/types";
import { removedBlockResource } from "../engine/terraform/removed-blocks";
import { EVERY_ARGUMENT, INSTANCE, PLACING_SETTINGS, copySettable, markSettable, markSettableLazily, type RawText, type SettableReading } from "../engine/terraform/settable-providers";

/** Provider settings that decide the region and account what it makes is in. */

/** Module block arguments that are not inputs. */
const MAX_COUNT = 10_000;

const MODULE_META = new Set(["source", "version", "count", "for_each", "providers", "depends_on", "lifecycle", "//"]);

/** Why a module instance, and everything in it, may not exist: the call's `count` / `for_each` or `lifecycle.enabled`. */
type Uncertain = { readonly meta: "count" | "for_each" | "enabled"; readonly value: Value };

/** `${ref}` as written in meta-arguments (`provider`, `depends_on`, `ignore_changes`) → `ref`. */
function rawRef(v: unknown): unknown {
  if (typeof v !== "string") return v;
  const m = /^\$\{\s*([\s\S]*?)\s*\}$/.exec(v);
  return m ? m[1] : v;
}

function asInt(v: Value): number | undefined {
  const n = typeof v === "number" ? v : typeof v === "string" && /^[0-9]+$/.test(v) ? Number(v) : undefined;
  return n !== undefined && Number.isInteger(n) && n >= 0 ? n : undefined;
}

function instanceKey(k: string | number): string {
  return typeof k === "number" ? `[${k}]` : `[${JSON.stringify(k)}]`;
}

/** One regular-expression budget for every module instance of one reading of a configuration (re2.ts). */
const budgets = new WeakMap<object, RegexBudget>();
/** One evaluation budget likewise (budget.ts). */
const evalBudgets = new WeakMap<object, EvalBudget>();

/** The evaluation budget the readings of `tree` share (made on first use). */
export function evalBudgetOf(tree: Tree): EvalBudget {
  let b = evalBudgets.get(tree.children);
  if (!b) evalBudgets.set(tree.children, (b = new EvalBudget()));
  return b;
}

export class ModuleInstance implements Env {
  readonly pathModule: string;
  readonly rootDir: string;
  readonly regexBudget: RegexBudget;
  readonly evalBudget: EvalBudget;
  private readonly vars = new Map<string, Value>();
  private readonly localValues = new Map<string, Value>();
  private readonly outputs = new Map<string, Value>();
  private readonly expansions = new Map<string, Expansion>();
  private readonly enabledness = new Map<string, boolean | Value>();
  private readonly calls = new Map<string, Value>();
  private readonly instances = new Map<string, ModuleInstance[]>();
  private readonly active = new Set<string>();

  constructor(
    readonly def: ModuleDef,
    readonly prefix: string,
    private readonly inputs: ReadonlyMap<string, () => Value> | undefined,
    private readonly tree: Tree,
    /** What the module call passes down (its `providers` argument, or the caller's defaults): see `providerMap`. */
    inherited: ReadonlyMap<string, string> = new Map(),
    /**
     * The `count` / `for_each` of a module call on the way here that blastwall cannot evaluate: this instance may
     * not exist, and neither may anything it creates.
     */
    private readonly uncertain?: Uncertain,
    /** The instance and module call this one was made by (none for the root). */
    private readonly origin?: { readonly parent: ModuleInstance; readonly call: NamedDecl },
  ) {
    this.pathModule = def.relDir;
    this.rootDir = tree.rootAbs;
    // Keyed by the tree's table of child modules, which a copy of the tree (`{ ...tree, settable }`) shares: every
    // instance of one reading draws on one budget.
    const key = tree.children;
    let budget = budgets.get(key);
    if (!budget) budgets.set(key, (budget = regexBudget()));
    this.regexBudget = budget;
    this.evalBudget = evalBudgetOf(tree);
    const map = new Map(inherited);
    if (!this.isRoot) for (const p of def.providers) map.set(this.providerRef(p), this.ownProviderKey(p));
    this.providerMap = map;
  }

  /**
   * The root provider configuration each provider name of this module stands for (`aws` → `aws.agents`), from
   * the `providers` arguments of the module calls that lead here, or the module's own `provider` blocks. Empty
   * at the root and for a module that inherits the root's default providers.
   */
  private readonly providerMap: ReadonlyMap<string, string>;

  /** `aws` or `aws.ALIAS`: how resources of the module name a provider block. */
  private providerRef(p: NamedDecl): string {
    const alias = p.body["alias"];
    return typeof alias === "string" && alias !== "" ? `${p.name}.${alias}` : p.name;
  }

  /**
   * A module's own `provider` block (a legacy shared module configures its provider itself) is a configuration
   * of its own: it is written to the root JSON as `PROVIDER.module.PATH[.ALIAS]`, so its `default_tags` (an agent
   * tag among them) apply to exactly the module's resources.
   */
  private ownProviderKey(p: NamedDecl): string {
    return `${p.name}.${this.ownProviderAlias(p)}`;
  }

  private ownProviderAlias(p: NamedDecl): string {
    const alias = p.body["alias"];
    const at = this.prefix.slice(0, -1);
    return typeof alias === "string" && alias !== "" ? `${at}.${alias}` : at;
  }

  /** The module's own provider configurations and those of its local module instances, rendered for the root JSON. */
  moduleProviders(out: { name: string; body: Record<string, unknown>; location?: string; source?: string }[]): void {
    if (!this.isRoot) {
      for (const p of this.def.providers) {
        const body = this.renderProvider(p);
        const source = requiredSource(this.def.terraform, p.name);
        const aliased = { ...body, alias: this.ownProviderAlias(p) };
        copySettable(body, aliased);
        out.push({ name: p.name, body: aliased, location: `${p.file}:${p.line}`, ...(source ? { source } : {}) });
      }
    }
    for (const call of this.def.modules) for (const inst of this.childInstances(call)) inst.moduleProviders(out);
  }

  /** A provider block of this module as Terraform JSON, its `default_tags` read as `-var` may set them. */
  renderProvider(p: NamedDecl): Record<string, unknown> {
    const body = toTfJson(evalJson(p.body, this.scope(), true)) as Record<string, unknown>;
    const other = this.counterpart();
    if (other) {
      const alt = evalJson(p.body, other.scope(), true);
      const tagsOther = this.counterpart("tags");
      const tagsAlt = tagsOther === other || !tagsOther ? alt : evalJson(p.body, tagsOther.scope(), true);
      const tagsOf = (b: unknown): unknown => {
        const dt = b !== null && typeof b === "object" && !Array.isArray(b) ? (b as Record<string, unknown>)["default_tags"] : undefined;
        const block = Array.isArray(dt) ? dt[0] : dt;
        return block !== null && typeof block === "object" && !Array.isArray(block) ? (block as Record<string, unknown>)["tags"] : undefined;
      };
      settableAgentTag(tagsOf(body), (tagsOf(tagsAlt) ?? tagsAlt) as Value);
      // OpenTofu's provider `for_each` (1.9+) from a variable `-var` may set: other instances may exist, whose default
      // tags the engine reads with `each` unknown. Kept as the expression (the engine reads its default as well).
      const fe = isObj(alt) ? alt["for_each"] : undefined;
      if ("for_each" in p.body && fe !== undefined && !isKnown(fe)) body["for_each"] = toTfJson(fe);
      // Where the provider places what it makes, read from a variable `-var` may set: not a pin (settable-providers.ts).
      const placing = PLACING_SETTINGS.filter((k) => k in p.body && !(isObj(alt) && alt[k] !== undefined && isKnown(alt[k]) && JSON.stringify(toTfJson(alt[k])) === JSON.stringify(body[k])));
      markSettable(body, placing);
    }
    return body;
  }

  // ---------------------------------------------------------------------------------------------------------
  // The same instance in the reading where root variables `-var` may set are unknown

  private readonly counterpartCache = new Map<"var" | "tags", ModuleInstance | null>();

  /**
   * This instance in `tree.settable`'s reading ("var"), or in the one agent tags are compared with ("tags": the same
   * reading unless the folder has tfvars values, which fix a tag); undefined in those readings themselves.
   */
  private counterpart(kind: "var" | "tags" = "var"): ModuleInstance | undefined {
    if (this.tree.settable) return undefined;
    if (kind === "tags" && ![...this.tree.tfvars.keys()].some((k) => !this.tree.varFileNames?.has(k))) kind = "var";
    const hit = this.counterpartCache.get(kind);
    if (hit !== undefined) return hit ?? undefined;
    let found: ModuleInstance | undefined;
    if (!this.origin) {
      found = new ModuleInstance(this.def, "", undefined, { ...this.tree, settable: true, ...(kind === "tags" ? { keepTfvars: true as const } : {}) });
    } else {
      const parent = this.origin.parent.counterpart(kind);
      const list = parent?.childInstances(this.origin.call) ?? [];
      // Where the instances are not known there, one representative stands for all of them.
      found = list.find((m) => m.prefix === this.prefix) ?? (list.length === 1 ? list[0] : undefined);
    }
    this.counterpartCache.set(kind, found ?? null);
    return found;
  }

  /** The scope of resource instance `suffix` in the other reading (no `count.index` / `each` where they differ). */
  private settableReading(key: string, body: Obj, suffix: string, kind: "var" | "tags" = "var"): Scope | undefined {
    const other = this.counterpart(kind);
    if (!other) return undefined;
    const exp = other.expansion(key, body);
    return other.instancesOf(exp).find((i) => i.suffix === suffix)?.scope ?? { env: other };
  }

  private get isRoot(): boolean {
    return this.prefix === "";
  }

  private scope(): Scope {
    return { env: this };
  }

  /** Evaluates once; a re-entrant request (a cycle) gets `onCycle`. */
  private once(cache: Map<string, Value>, key: string, compute: () => Value, onCycle: () => Value, site?: EvalSite): Value {
    const hit = cache.get(key);
    if (hit !== undefined || cache.has(key)) return hit as Value;
    const token = `${cache === this.vars ? "v" : cache === this.localValues ? "l" : "o"}:${key}`;
    if (this.active.has(token)) return onCycle();
    this.active.add(token);
    try {
      const v = site ? this.evalBudget.within(site, compute) : compute();
      cache.set(key, v);
      return v;
    } finally {
      this.active.delete(token);
    }
  }

  variable(name: string): Value {
    const unknown = () => new Unk(`${this.prefix}var.${name}`);
    return this.once(
      this.vars,
      name,
      () => {
        const decl = this.def.variables.get(name);
        const input = this.inputs?.get(name);
        let given: Value | undefined;
        if (input) given = input();
        else if (this.isRoot && this.tree.settable && !this.tree.varFileNames?.has(name) && !(this.tree.keepTfvars && this.tree.tfvars.has(name))) return unknown();
        else if (this.isRoot && this.tree.tfvars.has(name)) given = evalJson(this.tree.tfvars.get(name), this.scope());
        if (given === null && decl) {
          // `nullable = false`: a null value given is replaced by the default, as Terraform does.
          const nullable = "nullable" in decl.body ? truth(evalJson(decl.body["nullable"], this.scope())) : true;
          if (nullable === undefined) return unknown();
          if (!nullable) given = undefined;
        }
        if (given === undefined) {
          if (!decl || !("default" in decl.body)) return unknown();
          const file = decl.argumentFiles?.get("default") ?? decl.file;
          given = evalJson(file.endsWith(".json") ? literalJson(decl.body["default"]) : decl.body["default"], this.scope());
        }
        return this.typed(decl, given, unknown);
      },
      unknown,
      this.variableSite(name),
    );
  }

  private variableSite(name: string): EvalSite | undefined {
    const decl = this.def.variables.get(name);
    return decl ? { file: decl.file, line: decl.line, what: `${this.prefix}var.${name}` } : undefined;
  }

  /**
   * A variable's value converted to its declared type, as expressions in the module see it. A value that does not
   * fit the type (Terraform would stop) or a type blastwall cannot read leaves the variable unknown.
   */
  private typed(decl: NamedDecl | undefined, v: Value, unknown: () => Value): Value {
    if (!decl || !("type" in decl.body)) return v;
    const t = parseType(decl.body["type"]);
    if (t === BAD_TYPE) return unknown();
    const c = convert(v, t, { env: this, isolated: true });
    return c === MISMATCH || c === DOUBT ? unknown() : c;
  }

  /**
   * The type of the variable's value when it is null: its declared type; without one (or `any`) the dynamic type
   * of a literal null, unless a module call passed the null (it then has the type of the caller's expression).
   */
  nullType(name: string): Ty | undefined {
    const decl = this.def.variables.get(name);
    if (!decl) return undefined;
    const t = "type" in decl.body ? parseType(decl.body["type"]) : ANY;
    if (t === BAD_TYPE) return undefined;
    if (!hasAny(t)) return t;
    return t.k === "any" && !this.inputs?.has(name) ? ANY : undefined;
  }

  /** True when the variable has a value blastwall can use (an input, a tfvars value or a default). */
  hasVariableValue(name: string): boolean {
    const decl = this.def.variables.get(name);
    return (
      this.inputs?.has(name) === true ||
      (this.isRoot && this.tree.tfvars.has(name)) ||
      (decl !== undefined && "default" in decl.body)
    );
  }

  local(name: string): Value {
    const unknown = () => new Unk(`${this.prefix}local.${name}`);
    const decl = this.def.locals.get(name);
    if (!decl) return unknown();
    const site = { file: decl.file, line: decl.line, what: `${this.prefix}local.${name}` };
    return this.once(this.localValues, name, () => evalJson(decl.value, this.scope()), unknown, site);
  }

  output(name: string): Value {
    const address = this.prefix.slice(0, -1);
    const unknown = () => new Unk(`${address}.${name}`);
    const decl = this.def.outputs.get(name);
    if (!decl) return unknown();
    const site = { file: decl.file, line: decl.line, what: `${this.prefix}output.${name}` };
    return this.once(this.outputs, name, () => evalJson(decl.body["value"], this.scope()), unknown, site);
  }

  readFile(path: string): string | undefined | null {
    // Read once per reading: a `file()` in a `for` would read the disk again at every iteration.
    const read = this.tree.fileReads?.get(path);
    if (read !== undefined) return read;
    let bytes: Buffer;
    const abs = isAbsolute(path) ? path : join(this.rootDir, path);
    try {
      bytes = readInputFile(abs, INPUT_LIMITS.terraform);
    } catch (e) {
      const code = (e as { code?: unknown } | undefined)?.code;
      // Nothing there: `fileexists` is false. Anything else there (a directory, a pipe, a file too large or not
      // readable) is something Terraform reads differently or refuses: not known here.
      return code === "ENOENT" || code === "ENOTDIR" ? undefined : null;
    }
    // Terraform refuses a file that is not UTF-8 where Node would put U+FFFD in: not known here either.
    let text: string;
    try {
      text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
    } catch {
      return null;
    }
    // As written: relative to the root folder, as the repository reader resolves it (an absolute key of the checkout's
    // path would be judged by that path's own characters).
    // A file is text the reading holds: counted as a string built (a file of gigabytes is unknown, never read whole).
    if (!this.evalBudget.chars(text.length)) return null;
    this.tree.fileReads?.set(path, text);
    return text;
  }

  /** Entries of a directory, by what each is itself (a link is not followed), for `fileset`. */
  listDir(path: string): readonly DirEntry[] | undefined | null {
    try {
      return readdirSync(isAbsolute(path) ? path : join(this.rootDir, path), { withFileTypes: true }).map((e) => ({
        name: e.name,
        kind: e.isSymbolicLink() ? "link" : e.isDirectory() ? "dir" : e.isFile() ? "file" : "other",
      }));
    } catch (e) {
      const code = (e as { code?: unknown } | undefined)?.code;
      return code === "ENOENT" ? undefined : null;
    }
  }

  /** `count` / `for_each` of a resource or module block, evaluated once. */
  expansion(key: string, body: Obj): Expansion {
    const hit = this.expansions.get(key);
    if (hit) return hit;
    const token = `e:${key}`;
    let result: Expansion;
    if (this.active.has(token)) {
      result = { kind: "unknown", meta: "count" in body ? "count" : "for_each", value: new Unk(`${this.prefix}${key}`) };
    } else {
      this.active.add(token);
      try {
        result = this.computeExpansion(body);
      } finally {
        this.active.delete(token);
      }
    }
    this.expansions.set(key, result);
    return result;
  }

  private computeExpansion(body: Obj): Expansion {
    if ("count" in body && body["count"] !== null) {
      const v = evalJson(body["count"], this.scope());
      const n = asInt(v);
      // Beyond a few thousand instances one representative stands for all, as for an unknown count: expanding
      // millions would exhaust memory, and what one instance grants the others grant too. So past the evaluation budget.
      if (n !== undefined && n <= MAX_COUNT && !this.evalBudget.values(n)) return { kind: "unknown", meta: "count", value: tooLarge() };
      return n !== undefined && n <= MAX_COUNT ? { kind: "count", n } : { kind: "unknown", meta: "count", value: v };
    }
    if ("for_each" in body && body["for_each"] !== null) {
      const v = evalJson(body["for_each"], this.scope());
      if (Array.isArray(v)) {
        const keys: string[] = [];
        for (const x of v) {
          const s = typeof x === "string" ? x : typeof x === "number" || typeof x === "boolean" ? String(x) : undefined;
          if (s === undefined) return { kind: "unknown", meta: "for_each", value: v };
          if (!keys.includes(s)) keys.push(s);
        }
        if (!this.evalBudget.values(keys.length)) return { kind: "unknown", meta: "for_each", value: tooLarge() };
        return { kind: "each", entries: keys.sort(byteOrder).map((k) => [k, k] as const) };
      }
      if (isObj(v) && !this.evalBudget.values(Object.keys(v).length)) return { kind: "unknown", meta: "for_each", value: tooLarge() };
      if (isObj(v)) return { kind: "each", entries: Object.keys(v).sort(byteOrder).map((k) => [k, v[k]] as const) };
      return { kind: "unknown", meta: "for_each", value: v };
    }
    return { kind: "single" };
  }

  /** Instance keys and scopes of an expansion. */
  instancesOf(exp: Expansion): { suffix: string; scope: Scope }[] {
    switch (exp.kind) {
      case "single":
      case "unknown":
        return [{ suffix: "", scope: this.scope() }];
      case "count":
        return Array.from({ length: exp.n }, (_, i) => ({ suffix: instanceKey(i), scope: { env: this, count: i } }));
      case "each":
        return exp.entries.map(([k, v]) => ({ suffix: instanceKey(k), scope: { env: this, each: { key: k, value: v } } }));
    }
  }

  resource(mode: "managed" | "data", type: string, name: string): Value | undefined {
    const key = resourceKey(mode, type, name);
    const decl = this.def.resourceIndex.get(key);
    if (!decl) return undefined;
    const base = this.prefix + key;
    // OpenTofu: a resource that is not enabled is not created and evaluates to null (reading an attribute of it is an
    // error `try` and `can` catch). One that may not be enabled may be null: an unknown value, never an instance that
    // certainly exists, or `can(x.arn)` would be decided true where OpenTofu may decide false (red-team round 122 F1).
    const enabled = this.enabled(key, decl.body);
    if (enabled === false) return null;
    if (enabled !== true) return new Unk(base);
    const exp = this.expansion(key, decl.body);
    switch (exp.kind) {
      case "single":
        return new InstanceRef(base, type);
      case "unknown":
        return new Unk(base, true, true);
      case "count":
        return withOrigin(
          Array.from({ length: exp.n }, (_, i) => new InstanceRef(base + instanceKey(i), type)),
          base,
        );
      case "each": {
        const o: ObjValue = {};
        for (const [k] of exp.entries) setKey(o, k, new InstanceRef(base + instanceKey(k), type));
        return withOrigin(o, base);
      }
    }
  }

  /** Child instances of a local module block (empty for an unknown source), created once. */
  childInstances(call: NamedDecl): ModuleInstance[] {
    const hit = this.instances.get(call.name);
    if (hit) return hit;
    const child = this.tree.children.get(this.def)?.get(call.name);
    if (!child || "unknown" in child) {
      this.instances.set(call.name, []);
      return [];
    }
    const enabled = this.moduleEnabled(call);
    if (enabled === false) {
      this.instances.set(call.name, []);
      return [];
    }
    const exp = this.expansion(`module.${call.name}`, call.body);
    const list = this.instancesOf(exp).map(({ suffix, scope }) => {
      const inputs = new Map<string, () => Value>();
      for (const [k, v] of Object.entries(call.body)) {
        if (MODULE_META.has(k)) continue;
        const site = { file: call.file, line: call.line, what: `the argument ${k} of ${this.prefix}module.${call.name}${suffix}` };
        inputs.set(k, () => this.evalBudget.within(site, () => evalJson(v, scope)));
      }
      const uncertain: Uncertain | undefined =
        enabled !== true ? { meta: "enabled", value: enabled } : exp.kind === "unknown" ? { meta: exp.meta, value: exp.value } : this.uncertain;
      return new ModuleInstance(child, `${this.prefix}module.${call.name}${suffix}.`, inputs, this.tree, this.childProviders(call, scope), uncertain, {
        parent: this,
        call,
      });
    });
    this.instances.set(call.name, list);
    return list;
  }

  /**
   * OpenTofu's `lifecycle { enabled = ... }` on a module call (1.11+): false creates no instance (as `count = 0`),
   * and the module's value is null; true (or none) one instance. Any other value is not known here: returned as it
   * is, and the instance and what it creates may not exist (a Deny in it is not relied on, an Allow still counts).
   */
  private moduleEnabled(call: NamedDecl): boolean | Value {
    return this.enabled(`module.${call.name}`, call.body);
  }

  /**
   * A block's OpenTofu `lifecycle { enabled = ... }` (1.11+, resources, data sources and module calls), evaluated once:
   * true, false, or the value blastwall cannot read as either (a cycle, which OpenTofu rejects, too). Terraform refuses
   * the argument ("Unsupported argument", checked with Terraform 1.11.4), so a configuration that writes it is one only
   * OpenTofu applies, and it is read as OpenTofu reads it whichever tool's file rules picked the files.
   */
  private enabled(key: string, body: Obj): boolean | Value {
    const hit = this.enabledness.get(key);
    if (hit !== undefined || this.enabledness.has(key)) return hit as boolean | Value;
    const lc = body["lifecycle"];
    let raw: unknown;
    for (const o of Array.isArray(lc) ? lc : [lc]) {
      if (o !== null && typeof o === "object" && !Array.isArray(o) && "enabled" in o) raw = (o as Obj)["enabled"];
    }
    if (raw === undefined || raw === null) return true;
    const token = `n:${key}`;
    if (this.active.has(token)) return new Unk(`${this.prefix}${key}.lifecycle.enabled`);
    this.active.add(token);
    let result: boolean | Value;
    try {
      const v = typeof raw === "string" ? evalString(raw, this.scope()) : evalJson(raw, this.scope());
      const t = truth(v);
      result = t === undefined ? (isKnown(v) ? new Unk(`${toHclOperand(v)}`) : v) : t;
    } finally {
      this.active.delete(token);
    }
    this.enabledness.set(key, result);
    return result;
  }

  /**
   * What a module call's `providers = { aws = aws.agents }` passes down, in root terms. Without the argument the
   * child gets this module's default (unaliased) providers, as Terraform passes them implicitly.
   */
  private childProviders(call: NamedDecl, scope: Scope): Map<string, string> {
    const out = new Map<string, string>();
    for (const [k, v] of this.providerMap) if (!k.includes(".")) out.set(k, v);
    const given = call.body["providers"];
    const block = Array.isArray(given) ? given[0] : given;
    if (block && typeof block === "object") {
      for (const [k, v] of Object.entries(block as Record<string, unknown>)) {
        const ref = typeof v === "string" ? providerInstance(v.replace(/^\$\{\s*(.*?)\s*\}$/, "$1"), scope) : undefined;
        if (typeof ref === "string" && ref !== "") out.set(k, this.rootProvider(ref));
      }
    }
    return out;
  }

  /** The root provider configuration a provider reference of this module (`aws`, `aws.x`) stands for. */
  rootProvider(ref: string): string {
    // An instance of a provider with `for_each` (`aws.by_region["a"]`): the block it is an instance of, mapped.
    const i = ref.indexOf("[");
    if (i < 0) return this.providerMap.get(ref) ?? ref;
    const base = ref.slice(0, i).trim();
    return (this.providerMap.get(base) ?? base) + ref.slice(i);
  }

  module(name: string): Value | undefined {
    const call = this.def.moduleIndex.get(name);
    if (!call) return undefined;
    const hit = this.calls.get(name);
    if (hit !== undefined) return hit;
    const address = `${this.prefix}module.${name}`;
    const child = this.tree.children.get(this.def)?.get(name);
    let v: Value;
    const enabled = this.moduleEnabled(call);
    if (enabled === false) {
      v = null;
    } else if (!child || "unknown" in child || enabled !== true) {
      // Where `lifecycle.enabled` is not known the module is null or not: its outputs are not known either.
      v = new Unk(address);
    } else {
      const exp = this.expansion(`module.${name}`, call.body);
      const insts = this.childInstances(call);
      const ref = (m: ModuleInstance, rep = false) => new ModRef(m.prefix.slice(0, -1), (o) => m.output(o), rep);
      switch (exp.kind) {
        case "single":
          v = ref(insts[0]);
          break;
        case "unknown":
          v = ref(insts[0], true);
          break;
        case "count":
          v = withOrigin(insts.map((m) => ref(m)), address);
          break;
        case "each": {
          const o: ObjValue = {};
          exp.entries.forEach(([k], i) => setKey(o, k, ref(insts[i])));
          v = withOrigin(o, address);
          break;
        }
      }
    }
    this.calls.set(name, v);
    return v;
  }

  /** Emits every resource instance of this module instance and, recursively, of its local modules. */
  emit(out: EmittedResource[]): void {
    for (const decl of this.def.resources) this.emitResource(decl, out);
    this.def.removed.forEach((block, i) => this.emitRemoved(block, i, out));
    for (const call of this.def.modules) {
      const child = this.tree.children.get(this.def)?.get(call.name);
      if (child && "unknown" in child) {
        // A module block with no instances (`count = 0`, an empty `for_each`) creates nothing.
        const exp = this.expansion(`module.${call.name}`, call.body);
        if ((exp.kind === "count" && exp.n === 0) || (exp.kind === "each" && exp.entries.length === 0)) continue;
        if (this.moduleEnabled(call) === false) continue;
        out.push(this.unknownModule(call, child));
        continue;
      }
      for (const inst of this.childInstances(call)) inst.emit(out);
    }
  }

  /**
   * A `removed` block that may leave its object in the account (`destroy = false`, or a value blastwall cannot read
   * as true), as a pseudo resource the rules read (removed.ts). One that destroys the object leaves nothing behind.
   */
  private emitRemoved(block: { body: Obj; file: string; line: number }, i: number, out: EmittedResource[]): void {
    const location = `${block.file}:${block.line}`;
    const r = removedBlockResource(block.body, i, this.prefix, location, this.tree.tool ?? "terraform");
    if (r) out.push({ ...r, location, unknowns: [], attributeLocations: new Map() });
  }

  private emitResource(decl: ResourceDecl, out: EmittedResource[]): void {
    const at = decl.overriddenAt ?? decl;
    const site = { file: at.file, line: at.line, what: this.prefix + resourceKey(decl.mode, decl.type, decl.name) };
    this.evalBudget.within(site, () => this.emitInstances(decl, out));
  }

  private emitInstances(decl: ResourceDecl, out: EmittedResource[]): void {
    const key = resourceKey(decl.mode, decl.type, decl.name);
    // Not created (OpenTofu's `enabled = false`), so emitted no more than a module call that is not enabled: a Deny in
    // it is not credited, and what it would grant is granted by nothing. One that may be enabled is emitted with its
    // `lifecycle.enabled` as read, which the engine judges as may not exist (`existence`).
    if (this.enabled(key, decl.body) === false) return;
    const exp = this.expansion(key, decl.body);
    const attributeLocations = new Map<string, string>();
    for (const [a, line] of decl.attributeLines) attributeLocations.set(a, `${decl.file}:${line}`);
    for (const [a, at] of decl.overrideLocations ?? []) attributeLocations.set(a, at);
    const at = decl.overriddenAt ?? decl;
    if (decl.metadataAt !== undefined) attributeLocations.set("//", decl.metadataAt);
    for (const { suffix, scope } of this.instancesOf(exp)) {
      const unknowns: { attribute: string; expression: string }[] = [];
      const values = renderBody(decl.body, scope, exp, unknowns);
      // Inside a module, the provider a resource uses is the one the module calls passed down: default_tags (an
      // agent tag among them) and the account come from that configuration.
      if (!this.isRoot) {
        const own = typeof values["provider"] === "string" ? (values["provider"] as string) : decl.type.split("_")[0];
        const root = this.rootProvider(own);
        if (root !== own || values["provider"] !== undefined) values["provider"] = root;
      }
      this.markUncertain(values, unknowns);
      if (!this.tree.settable) markSettableLazily(values, () => this.settableArguments(key, decl.body, exp, suffix, scope));
      if (decl.type === "aws_iam_role" || decl.type === "aws_iam_user") {
        for (const attr of ["tags", "tags_all"]) {
          if (!(attr in decl.body)) continue;
          const other = this.settableReading(key, decl.body, suffix, "tags");
          if (other) settableAgentTag(values[attr], evalJson(decl.body[attr], other));
        }
      }
      out.push({
        mode: decl.mode,
        type: decl.type,
        name: decl.name,
        address: this.prefix + key + suffix,
        location: `${at.file}:${at.line}`,
        values,
        unknowns,
        attributeLocations,
      });
    }
  }

  /**
   * The arguments of resource instance `suffix` (as Terraform JSON, meta-arguments included) that come out differently
   * where root variables `-var` may set are unknown: a name, a path, a document, a `count` read from one. Every argument
   * (`EVERY_ARGUMENT`) where the other reading has no such module instance. Where it may not create it while this one
   * does (a module called with `count = var.enable ? 1 : 0`), `INSTANCE` besides those that differ from its instance
   * there (red-team round 165, F5: what is in one module instance exists together), its own address read as that one's.
   */
  private settableArguments(key: string, body: Obj, exp: Expansion, suffix: string, scope: Scope): SettableReading {
    const other = this.counterpart();
    if (!other) return { keys: new Set([EVERY_ARGUMENT]) };
    const mayVanish = other.uncertain !== undefined && this.uncertain === undefined;
    const otherExp = other.expansion(key, body);
    const rawText: RawText[] = [];
    const there = renderBody(body, other.instancesOf(otherExp).find((i) => i.suffix === suffix)?.scope ?? { env: other }, otherExp, [], (path, srcs) =>
      rawText.push({ path, tokens: srcs.map((src) => "${" + src + "}") }),
    );
    const here = renderBody(body, scope, exp, []);
    // The other reading may name this module instance by its representative (`module.agent.` for `module.agent[0].`).
    const ownPrefix = JSON.stringify(this.prefix).slice(1, -1);
    const asThere = (v: unknown) => {
      const text = JSON.stringify(v);
      return mayVanish && this.prefix !== other.prefix && this.prefix !== "" && text !== undefined ? text.split(ownPrefix).join(JSON.stringify(other.prefix).slice(1, -1)) : text;
    };
    const out = new Set<string>(mayVanish ? [INSTANCE] : []);
    for (const k of new Set([...Object.keys(here), ...Object.keys(there)])) {
      if (asThere(here[k]) !== JSON.stringify(there[k])) out.add(k);
    }
    // `count = var.on ? 1 : 0` reads 1 here (no `count` rendered) and unknown there (`count` kept): the key differs.
    // An unknown this reading has too (a resource's attribute) is none `-var` writes: only the variables' are kept.
    const settableText = rawText.flatMap((t) => {
      const read = JSON.stringify(valueAt(here, t.path) ?? null);
      const tokens = t.tokens.filter((x) => !read.includes(JSON.stringify(x).slice(1, -1)));
      return tokens.length > 0 && out.has(String(t.path[0])) ? [{ path: t.path, tokens }] : [];
    });
    return { keys: out, other: there, written: body, rawText: settableText };
  }

  /**
   * A resource of a module instance that may not exist carries the module call's `count` / `for_each`, as one whose
   * own `count` is unknown does: what it grants still counts, but a Deny in it cannot be relied on.
   */
  private markUncertain(values: Record<string, unknown>, unknowns: { attribute: string; expression: string }[]): void {
    const u = this.uncertain;
    if (u?.meta === "enabled") {
      // Carried as the resource's own `lifecycle.enabled`, which the engine reads the same way (unless that is false).
      const lc = values["lifecycle"] !== null && typeof values["lifecycle"] === "object" && !Array.isArray(values["lifecycle"]) ? (values["lifecycle"] as Record<string, unknown>) : {};
      if (lc["enabled"] === false) return;
      const enabled = toTfJson(u.value, { unknown: (s) => void unknowns.push({ attribute: "lifecycle", expression: s }) });
      values["lifecycle"] = assignKeys({ ...lc }, { enabled });
      return;
    }
    if (!u || values["count"] !== undefined || values["for_each"] !== undefined) return;
    values[u.meta] = toTfJson(u.value, { unknown: (s) => void unknowns.push({ attribute: u.meta, expression: s }) });
  }

  private unknownModule(call: NamedDecl, child: { source: string; reason: string }): EmittedResource {
    const unknowns: { attribute: string; expression: string }[] = [];
    const sink = { unknown: (s: string) => void unknowns.push({ attribute: "inputs", expression: s }) };
    const inputs: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(call.body)) {
      if (MODULE_META.has(k)) continue;
      setKey(inputs, k, toTfJson(evalJson(v, this.scope()), sink));
    }
    const values: Record<string, unknown> = { source: child.source, reason: child.reason, inputs };
    // cdktf's metadata on the module block (construct path, acknowledgements given in code), as written.
    if (call.body["//"] !== undefined) values["//"] = call.body["//"];
    if (call.body["version"] !== undefined) values["version"] = toTfJson(evalJson(call.body["version"], this.scope()), sink);
    for (const meta of ["count", "for_each"]) {
      if (call.body[meta] !== undefined) values[meta] = toTfJson(evalJson(call.body[meta], this.scope()), sink);
    }
    this.markUncertain(values, unknowns);
    return {
      mode: "managed",
      type: UNKNOWN_MODULE_TYPE,
      name: call.name,
      address: `${this.prefix}module.${call.name}`,
      location: `${call.file}:${call.line}`,
      values,
      unknowns,
      attributeLocations: new Map(),
      unknownModule: { source: child.source, reason: child.reason },
    };
  }
}

/** What `path` leads to in rendered Terraform JSON, or undefined. */
function valueAt(v: unknown, path: readonly (string | number)[]): unknown {
  let cur = v;
  for (const k of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string | number, unknown>)[k];
  }
  return cur;
}

const AGENT_TAG = "blastwall:agent";

/**
 * The agent tag of a rendered tag map (`rendered`, Terraform JSON, changed in place) as `-var` may set it: when
 * the tag has a known value other than "true" here, but `other` (the same map where root variables without a
 * tfvars value are unknown) does not know it, the value comes from such a variable and is kept as that
 * expression, which the engine reads as maybe "true" (as it reads `${var.x}` in Terraform JSON).
 */
function settableAgentTag(rendered: unknown, other: Value): void {
  if (rendered === null || typeof rendered !== "object" || Array.isArray(rendered)) return;
  const tags = rendered as Record<string, unknown>;
  const here = tags[AGENT_TAG];
  if (here === undefined || here === true || (typeof here === "string" && (here.toLowerCase() === "true" || /(^|[^$])\$\{/.test(here)))) return;
  let there: Value;
  if (isObj(other)) {
    if (!hasKey(other, AGENT_TAG)) return;
    there = other[AGENT_TAG];
  } else if (other instanceof Unk) {
    there = new Unk(`${toHclOperand(other)}[${JSON.stringify(AGENT_TAG)}]`);
  } else {
    return;
  }
  if (isKnown(there)) return;
  tags[AGENT_TAG] = toTfJson(there);
}

/**
 * A resource body as Terraform JSON: arguments and nested blocks evaluated, `dynamic` blocks expanded,
 * meta-arguments in their Terraform JSON form (`provider: "aws.prod"`, `lifecycle` an object).
 */
export function renderBody(
  body: Obj,
  scope: Scope,
  exp: Expansion,
  unknowns: { attribute: string; expression: string }[],
  rawText?: (path: readonly (string | number)[], srcs: readonly string[]) => void,
): Record<string, unknown> {
  let attribute = "";
  const sink = {
    unknown: (s: string) =>
      void (unknowns.some((u) => u.attribute === attribute && u.expression === s) || unknowns.push({ attribute, expression: s })),
  };
  const rest: Obj = {};
  const out: Record<string, unknown> = {};
  const meta: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) {
    switch (k) {
      case "count":
      case "for_each":
        // Expanded instances no longer carry them; a representative keeps them, as written in the JSON path.
        attribute = k;
        if (exp.kind === "unknown") meta[k] = toTfJson(exp.value, sink);
        break;
      case "provider":
        meta[k] = providerInstance(rawRef(v), scope);
        break;
      case "depends_on":
        meta[k] = Array.isArray(v) ? v.map(rawRef) : rawRef(v);
        break;
      case "lifecycle":
        meta[k] = renderLifecycle(v, scope);
        break;
      case "//":
        // cdktf's metadata (construct path, acknowledgements given in code) is data for blastwall, not an
        // argument: kept as written so the JSON and the HCL reading of one stack agree on it.
        meta[k] = v;
        break;
      default:
        setKey(rest, k, v);
    }
  }
  const evaluated = evalJson(rest, scope, true);
  // Where an unknown is written verbatim into a text (settable-providers.ts `rawTextOf`): asked of the other reading only.
  const raw = (k: string, v: Value) => rawText && rawTextUnknowns(v, (path, srcs) => rawText([k, ...path], srcs));
  if (isObj(evaluated)) {
    for (const k of Object.keys(evaluated)) {
      attribute = k;
      raw(k, evaluated[k]);
      setKey(out, k, toTfJson(evaluated[k], sink));
    }
  } else {
    for (const [k, v] of Object.entries(rest)) {
      attribute = k;
      const value = evalJson(v, scope);
      raw(k, value);
      setKey(out, k, toTfJson(value, sink));
    }
  }
  return assignKeys(out, meta);
}

/**
 * A provider reference with its instance key evaluated: OpenTofu's provider `for_each` (1.9+) makes instances that a
 * resource or a module call names as `aws.by_region[each.key]`; in the instance's scope that is
 * `aws.by_region["use1"]`. A key that is not known stays as written.
 */
export function providerInstance(ref: unknown, scope: Scope): unknown {
  if (typeof ref !== "string") return ref;
  const m = /^\s*([A-Za-z][\w-]*(?:\.[A-Za-z][\w-]*)?)\s*\[([\s\S]*)\]\s*$/.exec(ref);
  if (!m) return ref;
  const key = evalString("${" + m[2] + "}", scope);
  return typeof key === "string" || typeof key === "number" ? `${m[1]}[${JSON.stringify(String(key))}]` : `${m[1]}[${m[2].trim()}]`;
}

function renderLifecycle(v: unknown, scope: Scope): Record<string, unknown> {
  const merged: Obj = {};
  for (const o of Array.isArray(v) ? v : [v]) if (o !== null && typeof o === "object" && !Array.isArray(o)) assignKeys(merged, o as Obj);
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(merged)) {
    if (k === "ignore_changes" || k === "replace_triggered_by") setKey(out, k, Array.isArray(x) ? x.map(rawRef) : rawRef(x));
    else if (typeof x === "string") setKey(out, k, toTfJson(evalString(x, scope)));
    else setKey(out, k, toTfJson(evalJson(x, scope)));
  }
  return out;
}

/** The source a module's `required_providers` gives a provider local name (`amazon` -> `hashicorp/aws`), if any. */
function requiredSource(blocks: readonly { readonly body: Record<string, unknown> }[], local: string): string | undefined {
  for (const t of blocks) {
    const rp = t.body["required_providers"];
    for (const entry of Array.isArray(rp) ? rp : [rp]) {
      const spec = entry !== null && typeof entry === "object" ? (entry as Record<string, unknown>)[local] : undefined;
      const source = spec !== null && typeof spec === "object" ? (spec as Record<string, unknown>)["source"] : undefined;
      if (typeof source === "string") return source;
    }
  }
  return undefined;
}
