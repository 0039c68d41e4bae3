/**
 * `protected` entries that name nothing: a misspelt address or type protects nothing, and a report without a word
 * about it looks exactly like one where the protection did its work (red-team round 98, r3 #6). Once only a note, so
 * the gate passed the delete of the resource a one-letter slip had meant to protect, with exit 0 (red-team round 141,
 * F4): such an entry is now a `config-protected-unmatched` finding, an error unless the config lowers it. A real AWS
 * resource type that no resource has yet is not a slip (a team protects a type before it uses it): it keeps its note.
 * Shared by the plan gate (over every resource the plan lists) and `blastwall check` (over the files checked). An
 * address inside a module check cannot read (a registry module: `unknown-module`) cannot be judged there, only noted:
 * `terraform state list` names its resources, check does not see them, and the plan gate does (red-team round 145, F2).
 */
import type { PlanGateConfig, PlanJson, PlanModule } from "./types";
import type { Finding } from "../engine/findings";
import { addressMatch, globMatch } from "../engine/config-addresses";
import { withoutInstanceKeys } from "../engine/agents";
import { awsResourceTypes, awsResourceTypesSource, namesAwsResourceType } from "../engine/aws-resource-types";
import { NearIndex, compareText, nearest } from "../engine/text";

export const PROTECTED_UNMATCHED = "config-protected-unmatched";

/** A resource as the notes compare it: its address and type. */
export interface NamedResource {
  readonly address: string;
  readonly type: string;
}

export interface UnmatchedOptions {
  /** Where nothing matched: "in this plan (...)", "in any file checked". */
  readonly where: string;
  /** Whether an address entry covers an address: the gate's `addressMatch` by default. */
  readonly match?: (pattern: string, address: string) => boolean;
  /**
   * Module calls whose resources the caller cannot see (`blastwall check`: every `unknown-module`): an address entry
   * that may lie inside one is noted, not judged unmatched. The plan gate has none: a plan lists what modules create.
   */
  readonly opaque?: readonly OpaqueModule[];
}

/** A module call whose contents are not read: `module.db`, `module.app["a"].module.db` (nested in a local module). */
export interface OpaqueModule {
  readonly address: string;
  readonly source?: string;
}

const MAX_NEAR = 3;

/** An entry that matches nothing, and what it is: an address, a type the AWS provider lacks, or a real type not used here. */
interface Unmatched {
  readonly key: "addresses" | "types";
  readonly entry: string;
  readonly near: readonly string[];
  /** For types: whether the AWS provider has a type the entry names (then it is no slip, only unused here). */
  readonly realType?: boolean;
  /** For addresses: the unread module the entry may name a resource of (then it cannot be judged here). */
  readonly inside?: OpaqueModule;
}

function unmatchedEntries(config: Pick<PlanGateConfig, "protected">, resources: readonly NamedResource[], match: (p: string, a: string) => boolean, opaque: readonly OpaqueModule[] = []): Unmatched[] {
  const addresses = [...new Set(resources.map((r) => r.address))];
  const types = [...new Set(resources.map((r) => r.type))];
  const out: Unmatched[] = [];
  let index: AddressIndex | undefined;
  for (const entry of new Set(config.protected?.addresses ?? [])) {
    if (addresses.some((a) => match(entry, a))) continue;
    const inside = opaque.find((m) => mayLieIn(entry, m.address));
    if (inside) out.push({ key: "addresses", entry, inside, near: [] });
    else out.push({ key: "addresses", entry, near: [...nearAddresses(entry, (index ??= new AddressIndex(addresses)), match), ...nearModules(entry, opaque)] });
  }
  for (const entry of new Set(config.protected?.types ?? [])) {
    if (types.some((t) => globMatch(entry, t))) continue;
    const realType = namesAwsResourceType(entry);
    out.push({ key: "types", entry, realType, near: nearTypes(entry, types, !realType) });
  }
  return out;
}

/**
 * One note per `protected.addresses` or `protected.types` entry that matches none of `resources`: what the synth-time
 * gate gives (it judges one stack of an app, and the entry may be another's), and the gate when the config turns
 * `config-protected-unmatched` off.
 */
export function unmatchedProtectedNotes(config: Pick<PlanGateConfig, "protected">, resources: readonly NamedResource[], opts: UnmatchedOptions): string[] {
  return unmatchedEntries(config, resources, opts.match ?? addressMatch, opts.opaque).map((u) => noteOf(u, opts.where));
}

export interface JudgeOptions extends UnmatchedOptions {
  /** The config file, named in findings. */
  readonly source: string;
  /** Whether the plan gate judges (its findings say the delete passes this gate), else `blastwall check`. */
  readonly gate: boolean;
}

/**
 * Over every stack the config is for (a whole `check` run, or one plan): a `config-protected-unmatched` error for an
 * address entry, or a type entry the AWS provider does not have, that matches nothing; a note for a real AWS type that
 * no resource has, and for an address inside a module the caller cannot read (`opts.opaque`). Severity overrides are
 * the caller's to apply.
 */
export function judgeProtectedEntries(config: Pick<PlanGateConfig, "protected">, resources: readonly NamedResource[], opts: JudgeOptions): { findings: Finding[]; notes: string[] } {
  const findings: Finding[] = [];
  const notes: string[] = [];
  for (const u of unmatchedEntries(config, resources, opts.match ?? addressMatch, opts.opaque)) {
    if (u.realType || u.inside) notes.push(noteOf(u, opts.where));
    else findings.push(findingOf(u, opts));
  }
  return { findings, notes };
}

function nearClause(near: readonly string[]): string {
  return near.length > 0 ? ` Near match${near.length === 1 ? "" : "es"}: ${near.slice(0, MAX_NEAR).join("; ")}.` : "";
}

function noteOf(u: Unmatched, where: string): string {
  if (u.inside) return opaqueNote(u.entry, u.inside);
  if (u.realType) {
    const glob = u.entry.includes("*");
    return (
      `config protected.types lists ${JSON.stringify(u.entry)}, ${glob ? "which names resource types" : "a resource type"} of the AWS provider, but no resource of ` +
      `${glob ? "those types" : "that type"} is ${where}, so it protects nothing here (it will protect one added later).${nearClause(u.near)} If another type was meant, correct the entry.`
    );
  }
  return note(u.key, u.entry, u.key === "addresses" ? "resource" : "resource of that type", where, u.near);
}

function findingOf(u: Unmatched, opts: JudgeOptions): Finding {
  const passes = opts.gate ? "this gate passes a delete or replace of it" : "the plan gate would pass a delete or replace of it";
  const what =
    u.key === "addresses"
      ? `no resource ${opts.where} has that address`
      : `it is not a resource type of the AWS provider (${awsResourceTypesSource()}, the release blastwall knows) and no resource ${opts.where} has that type`;
  const detail = u.key === "addresses" ? `protected.addresses lists ${JSON.stringify(u.entry)}; ${what}` : `protected.types lists ${JSON.stringify(u.entry)}; ${what}`;
  const shared = `If the config is shared by stacks ${opts.gate ? "planned separately" : "checked in separate runs"} and the entry names a resource of another of them, ${opts.gate ? "" : "check them in one run, or "}set "severity": { "${PROTECTED_UNMATCHED}": "warning" } in the config for those runs (the finding stays visible as a warning).`;
  const fix =
    u.key === "addresses"
      ? `Correct the entry to the resource's Terraform address (as \`terraform state list\` or the synthesized JSON names it, \`module.NAME.TYPE.NAME\` inside a module), or remove it if the resource is gone. ${shared}`
      : "Correct the entry to the resource type as Terraform writes it (its `aws_` prefix, in lower case; `*` for a glob), or remove it. " +
        `A type of another provider, or one newer than the AWS provider release blastwall knows, cannot be told from a slip: for such a type, set "severity": { "${PROTECTED_UNMATCHED}": "warning" } in the config.`;
  return {
    ruleId: PROTECTED_UNMATCHED,
    severity: "error",
    principal: u.entry,
    resource: u.entry,
    actions: [],
    evidence: [{ step: "config", address: opts.source, detail }],
    message:
      `${opts.source} lists ${JSON.stringify(u.entry)} in protected.${u.key}, but ${what}, so it protects nothing: if it is misspelt, the resource it was meant for ` +
      `is not protected, and ${passes}.${nearClause(u.near)}`,
    fix,
    file: opts.source,
  };
}

function note(key: "addresses" | "types", entry: string, what: string, where: string, near: readonly string[]): string {
  const hint = near.length > 0 ? ` Near match${near.length === 1 ? "" : "es"}: ${near.slice(0, MAX_NEAR).join("; ")}.` : "";
  return (
    `config protected.${key} lists ${JSON.stringify(entry)}, which matches no ${what} ${where}, so it protects nothing here: ` +
    `a misspelt entry leaves the resource it was meant for unprotected.${hint} Correct the entry, or remove it if what it named is gone.`
  );
}

function opaqueNote(entry: string, m: OpaqueModule): string {
  const source = m.source !== undefined ? ` (source ${m.source})` : "";
  const how = entry.includes("*") ? "may match addresses inside" : withoutInstanceKeys(entry) === withoutInstanceKeys(m.address) ? "names" : "is an address inside";
  return (
    `config protected.addresses lists ${JSON.stringify(entry)}, which ${how} ${m.address}${source}: ` +
    "blastwall does not read that module here (its unknown-module finding says so), so whether the entry names a resource the module creates is not judged here. " +
    "The plan gate (`blastwall gate plan.json`) sees every resource the module creates and judges the entry there: one that names none of them is a " +
    `${PROTECTED_UNMATCHED} error in the gate. If it is misspelt, correct it to the address \`terraform state list\` gives.`
  );
}

type Step = { readonly name: string; readonly key?: string };

/** The module steps an address starts with (`module.a["k"].module.b.aws_x.y` → a ["k"], b); all of a module's own address. */
function moduleSteps(address: string): Step[] | undefined {
  const step = /module\.([^.[]+)(\[(?:"(?:[^"\\]|\\.)*"|[^\]]*)\])?(?:\.|$)/y;
  const out: Step[] = [];
  for (let m = step.exec(address); m; m = step.exec(address)) out.push(m[2] === undefined ? { name: m[1] } : { name: m[1], key: m[2] });
  return out.length > 0 ? out : undefined;
}

/**
 * Whether an address entry may name something inside the module at `module` (or the module itself): its module steps
 * start with the module's, a key written on one side only standing for every instance (a module whose `count` is not
 * expanded is one address, `module.db`; an entry may write `module.db[0]`). A glob may, when its text before the first
 * `*` agrees with the module's address as far as either goes (`module.db.*`, `*.aws_db_instance.this`).
 */
function mayLieIn(entry: string, module: string): boolean {
  const star = entry.indexOf("*");
  if (star >= 0) {
    const lead = entry.slice(0, star);
    return [module, withoutInstanceKeys(module)].some((m) => [`${m}.`, `${m}[`].some((p) => p.startsWith(lead) || lead.startsWith(p)));
  }
  const want = moduleSteps(module);
  const have = moduleSteps(entry);
  if (!want || !have || have.length < want.length) return false;
  return want.every((w, i) => w.name === have[i].name && (w.key === undefined || have[i].key === undefined || w.key === have[i].key));
}

/** A slip in a module name (`module.dbb.aws_db_instance.x` for the unread `module.db`): named, since no resource is. */
function nearModules(entry: string, opaque: readonly OpaqueModule[]): string[] {
  const have = moduleSteps(entry);
  if (!have || entry.includes("*")) return [];
  const out: string[] = [];
  for (const m of opaque) {
    const want = moduleSteps(m.address);
    if (!want || have.length < want.length) continue;
    const last = want.length - 1;
    const sameUpTo = want.slice(0, last).every((w, i) => w.name === have[i].name);
    if (sameUpTo && have[last].name !== want[last].name && nearest(have[last].name, [want[last].name]).length > 0) {
      const shown = `${JSON.stringify(m.address)} (a module blastwall does not read here, a slip of a few letters in its name)`;
      if (!out.includes(shown)) out.push(shown);
    }
  }
  return out;
}

/** `module.a["k"].` prefixes, and the rest (`aws_x.y[0]`): where a resource type starts in an address. */
function splitModules(address: string): { modules: string; rest: string } {
  const m = /^((?:module\.[^.[]+(?:\[(?:"(?:[^"\\]|\\.)*"|[^\]]*)\])?\.)*)(.*)$/.exec(address);
  return m ? { modules: m[1], rest: m[2] } : { modules: "", rest: address };
}

/** Match calls one pass of nearAddresses makes at most, over the candidates its index gives. */
const MAX_TRIED = 256;

/** The part of a glob before its first `*`, cut before a key it opens and does not close there. */
function globLead(pattern: string): string {
  const star = pattern.indexOf("*");
  const lead = star < 0 ? pattern : pattern.slice(0, star);
  const open = lead.lastIndexOf("[");
  return open > lead.lastIndexOf("]") ? lead.slice(0, open) : lead;
}

/**
 * A stack's addresses, indexed once so that the near-match search for each unmatched entry looks only at addresses it
 * may name: that search had scanned every address several times per entry, and worked out an edit distance to every
 * name of the type, 0.3 s per entry at 20,000 resources (red-team round 147, F1). Every key drops instance keys and,
 * where the pass folds case, case: an address an entry covers (itself, an instance of it, something inside a module it
 * names) has, so written, the entry's own text, or that followed by `.`. The passes still ask `match` of each
 * candidate, so the index only narrows what they ask about.
 */
class AddressIndex {
  /** Case-folded addresses without keys → positions in `list`, in its order. */
  private readonly byBare = new Map<string, number[]>();
  /** The same, sorted, for the addresses a text starts (a glob's lead, a module's contents). */
  private readonly sortedBare: { readonly key: string; readonly at: number }[] = [];
  /** Module prefix (as written) → positions: where an address with the same name under another type may be. */
  private readonly byModules = new Map<string, number[]>();
  /** Module prefix and name without keys (`module.a.` and `.cache`) → positions. */
  private readonly byModulesName = new Map<string, number[]>();
  /** Module prefix and type (`module.a.aws_sns_topic.`) → name without keys → the address that has it (the last). */
  private readonly names = new Map<string, Map<string, string>>();
  private readonly nearNames = new Map<string, NearIndex>();

  constructor(readonly list: readonly string[]) {
    list.forEach((a, at) => {
      const key = withoutInstanceKeys(a).toLowerCase();
      push(this.byBare, key, at);
      this.sortedBare.push({ key, at });
      const { modules, rest } = splitModules(a);
      push(this.byModules, modules, at);
      const dot = rest.indexOf(".");
      if (dot <= 0) return;
      push(this.byModulesName, `${modules}\n${withoutInstanceKeys(rest.slice(dot))}`, at);
      const head = `${modules}${rest.slice(0, dot + 1)}`;
      let names = this.names.get(head);
      if (!names) this.names.set(head, (names = new Map()));
      names.set(withoutInstanceKeys(rest.slice(dot + 1)), a);
    });
    this.sortedBare.sort((x, y) => compareText(x.key, y.key) || x.at - y.at);
  }

  /** Positions of the addresses a case-folded `pattern` may cover, in the list's order. */
  covered(pattern: string): number[] {
    if (pattern.includes("*")) return this.startingWith(withoutInstanceKeys(globLead(pattern)));
    const bare = withoutInstanceKeys(pattern);
    return [...(this.byBare.get(bare) ?? []), ...this.startingWith(`${bare}.`)].sort((x, y) => x - y);
  }

  /** Positions of addresses with these modules (as written), and for a name without `*`, that name. */
  sameName(modules: string, name: string): readonly number[] {
    if (name.includes("*")) return this.byModules.get(modules) ?? [];
    return this.byModulesName.get(`${modules}\n${withoutInstanceKeys(name)}`) ?? [];
  }

  /** The addresses under `head` (modules and type) whose names are a slip away from `name`. */
  slips(head: string, name: string): string[] {
    const names = this.names.get(head);
    if (!names) return [];
    let near = this.nearNames.get(head);
    if (!near) this.nearNames.set(head, (near = new NearIndex(names.keys())));
    return near.nearest(name).map((n) => names.get(n)!);
  }

  private startingWith(prefix: string): number[] {
    const sorted = this.sortedBare;
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareText(sorted[mid].key, prefix) < 0) lo = mid + 1;
      else hi = mid;
    }
    const out: number[] = [];
    for (let i = lo; i < sorted.length && sorted[i].key.startsWith(prefix); i++) out.push(sorted[i].at);
    return out.sort((x, y) => x - y);
  }
}

function push<K>(map: Map<K, number[]>, key: K, at: number): void {
  const list = map.get(key);
  if (list) list.push(at);
  else map.set(key, [at]);
}

function nearAddresses(entry: string, index: AddressIndex, match: (p: string, a: string) => boolean): string[] {
  const out: string[] = [];
  const add = (a: string, why: string) => {
    if (!out.some((o) => o.startsWith(`${JSON.stringify(a)} `))) out.push(`${JSON.stringify(a)} (${why})`);
  };
  // Only the first MAX_NEAR are shown, so a pass stops there, or after MAX_TRIED candidates.
  const scan = (candidates: readonly number[], hit: (a: string) => boolean, why: string): boolean => {
    for (const at of candidates.slice(0, MAX_TRIED)) {
      if (out.length >= MAX_NEAR) break;
      const a = index.list[at];
      if (hit(a)) add(a, why);
    }
    return out.length >= MAX_NEAR;
  };
  const lower = entry.toLowerCase();
  if (scan(index.covered(lower), (a) => match(lower, a.toLowerCase()), "differs in case: Terraform addresses are case-sensitive")) return out;
  const { modules, rest } = splitModules(entry);
  if (!rest.startsWith("aws_") && !rest.startsWith("awscc_")) {
    const prefixed = `${modules}aws_${rest}`;
    const hit = (a: string) => match(prefixed, a) || match(prefixed.toLowerCase(), a.toLowerCase());
    if (scan(index.covered(prefixed.toLowerCase()), hit, "the type needs its aws_ prefix")) return out;
  }
  const dot = rest.indexOf(".");
  if (dot <= 0) return out;
  // The same name under another type: `aws_elasticache_cluster.cache` for `aws_elasticache_replication_group.cache`.
  const name = rest.slice(dot);
  const sameName = (a: string) => {
    const other = splitModules(a);
    const d = other.rest.indexOf(".");
    return d > 0 && other.modules === modules && match(`${other.rest.slice(0, d)}${name}`, other.rest);
  };
  if (scan(index.sameName(modules, name), sameName, "the same name under another type")) return out;
  // A slip in the name (`aws_sns_topic.alert` for `aws_sns_topic.alerts`): the nearest names of the same type and module.
  for (const a of index.slips(`${modules}${rest.slice(0, dot + 1)}`, withoutInstanceKeys(rest.slice(dot + 1)))) add(a, "a slip of a few letters in the name");
  return out;
}

function nearTypes(entry: string, types: readonly string[], slip: boolean): string[] {
  const out: string[] = [];
  const add = (t: string, why: string) => {
    if (!out.some((o) => o.startsWith(`${JSON.stringify(t)} `))) out.push(`${JSON.stringify(t)} (${why})`);
  };
  for (const t of types) if (globMatch(entry.toLowerCase(), t.toLowerCase())) add(t, "differs in case: Terraform types are case-sensitive");
  const prefixed = entry.startsWith("aws_") || entry.startsWith("awscc_") ? entry : `aws_${entry}`;
  if (prefixed !== entry) for (const t of types) if (globMatch(prefixed.toLowerCase(), t.toLowerCase())) add(t, "the type needs its aws_ prefix");
  // Another type of the same service: `aws_elasticache_cluster` when the resources are `aws_elasticache_replication_group`.
  const service = /^(aws_[a-z0-9]+_)/i.exec(prefixed)?.[1].toLowerCase();
  if (service) for (const t of types) if (t.toLowerCase().startsWith(service)) add(t, `a type of the same service`);
  // A type the AWS provider lacks: the types it has that are a slip away (`aws_sns_topc`), used here or not.
  if (slip && !entry.includes("*")) for (const t of nearest(prefixed.toLowerCase(), awsResourceTypes())) add(t, "a resource type of the AWS provider");
  return out;
}

/** Every managed resource a plan lists: its prior state, its planned values and its changes (both addresses of a move). */
export function planResources(plan: PlanJson): NamedResource[] {
  const out: NamedResource[] = [];
  const walk = (m: PlanModule | undefined): void => {
    if (!m || typeof m !== "object") return;
    for (const r of Array.isArray(m.resources) ? m.resources : []) {
      if (r && typeof r === "object" && r.mode === "managed" && typeof r.address === "string" && typeof r.type === "string") out.push({ address: r.address, type: r.type });
    }
    for (const c of Array.isArray(m.child_modules) ? m.child_modules : []) walk(c);
  };
  walk(plan.prior_state?.values?.root_module);
  walk(plan.planned_values?.root_module);
  for (const rc of plan.resource_changes ?? []) {
    if (rc.mode !== "managed") continue;
    out.push({ address: rc.address, type: rc.type });
    // A move can change the type (aws_db_instance to awscc_rds_db_instance): the old address says which it was.
    if (rc.previous_address) out.push({ address: rc.previous_address, type: splitModules(rc.previous_address).rest.split(".")[0] });
  }
  return out;
}

/**
 * A note for each `agents.addresses` entry that names no resource of the plan: the agent a misspelt entry meant is not
 * judged in the gate (none of its rights, chains or trust), which `blastwall check` reports as
 * `config-address-unmatched`; the gate said nothing (nineteenth session's note). An instance address (`agent[0]`)
 * selects its block, as in check (engine/agents.ts).
 */
export function unmatchedAgentAddressNotes(config: Pick<PlanGateConfig, "agents">, resources: readonly NamedResource[], where: string): string[] {
  const known = new Set<string>();
  for (const r of resources) {
    known.add(r.address);
    known.add(withoutInstanceKeys(r.address));
  }
  return [...new Set(config.agents?.addresses ?? [])]
    .filter((entry) => !known.has(entry) && !known.has(withoutInstanceKeys(entry)))
    .map(
      (entry) =>
        `config agents.addresses lists ${JSON.stringify(entry)}, which matches no resource ${where}: if it is a misspelt address, ` +
        "the agent it meant is not judged (none of its rights, chains or trust were checked) and the gate passes it. " +
        "Correct the entry to the Terraform address of the agent's role or user (as `terraform state list` names it), or remove it if the agent is gone.",
    );
}

/** Where the gate looked, for its notes. */
export const IN_PLAN = "in this plan (its prior_state, planned_values and resource_changes, which list every resource)";
