/**
 * The destroy-rights catalogue (`policies/destroy-rights.json`) and the action universe built from it.
 * Loading is synchronous and cached: CDKTF aspects and validations cannot await.
 */
import { existsSync, readFileSync } from "fs";
import { dirname, join } from "path";
import type { Severity } from "./findings";
import type {
  DestroyRightsCatalogue,
  EscalationPattern,
  EscalationTarget,
} from "../generated/destroy-rights";

export type { EscalationPattern, EscalationTarget } from "../generated/destroy-rights";

export type CatalogueCategory = "direct" | "protection" | "escalation";

/** Category order, most damaging first; also the order of `Catalogue.entries`. */
export const CATEGORIES: readonly CatalogueCategory[] = ["direct", "protection", "escalation"];

export interface CatalogueEntry {
  /** Canonical IAM action name, e.g. `ec2:DeleteVolume`. */
  readonly action: string;
  readonly category: CatalogueCategory;
  /** What the action does to data or protection, for reports. */
  readonly why: string;
  /** Severity of a finding resting on this action alone (`error` unless the catalogue says otherwise). */
  readonly severity: Severity;
  /** Escalation entries only: what the action must cover to matter. */
  readonly target?: EscalationTarget;
  /** Escalation patterns (E1-E10) the action takes part in; empty for direct and protection entries. */
  readonly patterns: readonly EscalationPattern[];
  /** Conditions under which an Allow of the action does no damage (see `grantIsHarmless`). */
  readonly harmlessWhen?: readonly { readonly key: string; readonly values: readonly string[] }[];
  /** Why AgentRole's `boundaryExemptions` may not open this warning-graded action (see the schema). */
  readonly notExemptable?: string;
}

/** An action the reach analysis needs that is not a destroy right on its own. */
export interface ReachEntry {
  readonly action: string;
  readonly why: string;
  readonly patterns: readonly EscalationPattern[];
}

export interface Catalogue {
  readonly version: string;
  /** Absolute path of the file it was read from. */
  readonly file: string;
  /** Every catalogue entry: direct, then protection, then escalation, each in file order. */
  readonly entries: readonly CatalogueEntry[];
  readonly direct: readonly CatalogueEntry[];
  readonly protection: readonly CatalogueEntry[];
  readonly escalation: readonly CatalogueEntry[];
  readonly reachActions: readonly ReachEntry[];
  /** Lower-case action name to its entry (each action is in exactly one category). Reach actions are not in it. */
  readonly byAction: ReadonlyMap<string, CatalogueEntry>;
  /** Every catalogue and reach action, canonical case, unique, catalogue first. */
  universe(): readonly string[];
  /** True when the action (any case) is a catalogue entry of any category; reach actions are not destroy rights. */
  isDestroy(action: string): boolean;
  categoryOf(action: string): CatalogueCategory | undefined;
  entryOf(action: string): CatalogueEntry | undefined;
  isReach(action: string): boolean;
  /** Canonical spelling of a universe action given in any case, or undefined when it is not in the universe. */
  canonical(action: string): string | undefined;
  /**
   * Sort key, lower is more important: direct before protection before escalation, errors before warnings, then
   * file order; reach actions after every entry; anything else last.
   */
  rank(action: string): number;
}

const FILE = "destroy-rights.json";

let policiesFolder: string | undefined;

/**
 * The `policies/` folder of the blastwall package. Code runs from `lib/engine` (jest, ts) and from
 * `dist/lib/engine` (built), so walk up from here to the first folder holding `policies/destroy-rights.json`.
 */
export function policiesDir(): string {
  if (policiesFolder) return policiesFolder;
  let dir = __dirname;
  for (;;) {
    const candidate = join(dir, "policies");
    if (existsSync(join(candidate, FILE))) return (policiesFolder = candidate);
    const up = dirname(dir);
    if (up === dir) throw new Error(`blastwall: cannot find policies/${FILE} in any folder above ${__dirname}`);
    dir = up;
  }
}

function fail(file: string, problem: string): never {
  throw new Error(`blastwall: ${file} is not a valid catalogue: ${problem}`);
}

/**
 * Builds the in-memory catalogue from parsed JSON. The file is validated against its schema by the tests; this
 * only checks what the engine relies on (shapes, no action listed twice) so a broken edit fails loudly.
 */
export function parseCatalogue(json: unknown, file = "destroy-rights.json"): Catalogue {
  if (!json || typeof json !== "object") fail(file, "not a JSON object");
  const doc = json as Partial<DestroyRightsCatalogue>;
  if (typeof doc.version !== "string") fail(file, '"version" is missing');

  const entries: CatalogueEntry[] = [];
  const byCategory: Record<CatalogueCategory, CatalogueEntry[]> = { direct: [], protection: [], escalation: [] };
  const byAction = new Map<string, CatalogueEntry>();
  const reach: ReachEntry[] = [];
  const canonical = new Map<string, string>();

  const claim = (action: unknown, where: string): string => {
    if (typeof action !== "string" || !/^[a-z0-9-]+:[A-Za-z0-9]+$/.test(action)) {
      fail(file, `${where}: ${JSON.stringify(action)} is not an exact action name`);
    }
    const key = action.toLowerCase();
    if (canonical.has(key)) fail(file, `${where}: ${action} is listed more than once`);
    canonical.set(key, action);
    return action;
  };

  for (const category of CATEGORIES) {
    const list = doc[category];
    if (!Array.isArray(list)) fail(file, `"${category}" must be an array`);
    list.forEach((raw, i) => {
      const e = raw as { action?: unknown; why?: unknown; severity?: unknown; target?: unknown; patterns?: unknown; harmlessWhen?: unknown; notExemptable?: unknown };
      const action = claim(e.action, `${category}[${i}]`);
      const entry: CatalogueEntry = {
        action,
        category,
        why: typeof e.why === "string" ? e.why : "",
        severity: e.severity === "warning" ? "warning" : "error",
        ...(typeof e.target === "string" ? { target: e.target as EscalationTarget } : {}),
        patterns: Array.isArray(e.patterns) ? (e.patterns as EscalationPattern[]) : [],
        ...(Array.isArray(e.harmlessWhen) ? { harmlessWhen: e.harmlessWhen as CatalogueEntry["harmlessWhen"] } : {}),
        ...(typeof e.notExemptable === "string" ? { notExemptable: e.notExemptable } : {}),
      };
      if (category === "escalation" && !entry.target) fail(file, `escalation[${i}] (${action}) has no "target"`);
      entries.push(entry);
      byCategory[category].push(entry);
      byAction.set(action.toLowerCase(), entry);
    });
  }
  const reachList = doc.reachActions ?? [];
  if (!Array.isArray(reachList)) fail(file, '"reachActions" must be an array');
  reachList.forEach((raw, i) => {
    const e = raw as { action?: unknown; why?: unknown; patterns?: unknown };
    const action = claim(e.action, `reachActions[${i}]`);
    reach.push({
      action,
      why: typeof e.why === "string" ? e.why : "",
      patterns: Array.isArray(e.patterns) ? (e.patterns as EscalationPattern[]) : [],
    });
  });

  // Ranks: category, then severity, then file order (the sort is stable); reach actions follow. Entries are already
  // in category order, so this only moves warnings after errors; an index lookup per comparison cost milliseconds of
  // every synth.
  const ranks = new Map<string, number>();
  const ordered = [...entries].sort(
    (a, b) =>
      CATEGORIES.indexOf(a.category) - CATEGORIES.indexOf(b.category) ||
      (a.severity === b.severity ? 0 : a.severity === "error" ? -1 : 1),
  );
  ordered.forEach((e, i) => ranks.set(e.action.toLowerCase(), i));
  reach.forEach((r, i) => ranks.set(r.action.toLowerCase(), ordered.length + i));
  const reachKeys = new Set(reach.map((r) => r.action.toLowerCase()));
  const universe = Object.freeze([...entries.map((e) => e.action), ...reach.map((r) => r.action)]);

  // Rules look actions up by their canonical spelling thousands of times per stack, most of them not in the
  // catalogue (reach actions, read actions): remember every name asked, hit or miss.
  const looked = new Map<string, CatalogueEntry | null>(entries.map((e) => [e.action, e]));
  const entry = (action: string): CatalogueEntry | undefined => {
    let e = looked.get(action);
    if (e === undefined) looked.set(action, (e = byAction.get(action.toLowerCase()) ?? null));
    return e ?? undefined;
  };
  const exactRanks = new Map<string, number>();
  for (const [key, r] of ranks) {
    const name = canonical.get(key);
    if (name !== undefined) exactRanks.set(name, r);
  }
  return {
    version: doc.version,
    file,
    entries,
    direct: byCategory.direct,
    protection: byCategory.protection,
    escalation: byCategory.escalation,
    reachActions: reach,
    byAction,
    universe: () => universe,
    isDestroy: (action) => entry(action) !== undefined,
    categoryOf: (action) => entry(action)?.category,
    entryOf: entry,
    isReach: (action) => reachKeys.has(action.toLowerCase()),
    canonical: (action) => canonical.get(action.toLowerCase()),
    rank: (action) => exactRanks.get(action) ?? ranks.get(action.toLowerCase()) ?? Number.MAX_SAFE_INTEGER,
  };
}

let cached: Catalogue | undefined;

/** The catalogue shipped in `policies/destroy-rights.json`, read once per process. */
export function loadCatalogue(): Catalogue {
  if (cached) return cached;
  const file = join(policiesDir(), FILE);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new Error(`blastwall: cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  return (cached = parseCatalogue(json, file));
}

/** Every catalogue and reach action (canonical case, unique). */
export function universe(): readonly string[] {
  return loadCatalogue().universe();
}

/** True when the action (any case) is a destroy right of any category (direct, protection, escalation). */
export function isDestroy(action: string): boolean {
  return loadCatalogue().isDestroy(action);
}

export function categoryOf(action: string): CatalogueCategory | undefined {
  return loadCatalogue().categoryOf(action);
}

/**
 * Operators that require the key and compare it with each value, so that one whose values are all harmless pins it.
 * A pattern operator (`StringLike`, `ArnLike`; `ArnEquals` takes wildcards too) is read as the exact one: a value
 * holding a wildcard is never one of an entry's listed values, so it may match a harmful value (a task policy, an
 * access policy AWS adds later) and the Allow stays a right, unless the entry accepts any pinned value (`*`). Not
 * here, so never harmless: `IfExists` (holds when the key is absent), `ForAnyValue`/`ForAllValues`, negated operators.
 */
const PINNING_OPERATORS = new Set(["stringequals", "stringequalsignorecase", "bool", "stringlike", "arnequals", "arnlike"]);

/**
 * True when an Allow of `action` under these conditions cannot do the damage the catalogue names, because a
 * condition pins a key to harmless values (ReadOnlyAccess allows `s3express:CreateSession` only for ReadOnly
 * sessions; `sts:TaskPolicyArn` pins AssumeRoot to the read-only audit task). Only PINNING_OPERATORS count, with
 * every value listed: anything looser stays a right. An entry's value `*` accepts any pinned value
 * (`kms:ViaService`: the call comes only through the service named).
 */
export function grantIsHarmless(action: string, conditions: readonly { operator: string; key: string; values: readonly string[] }[]): boolean {
  const harmless = loadCatalogue().entryOf(action)?.harmlessWhen;
  if (!harmless) return false;
  return conditions.some(
    (c) =>
      PINNING_OPERATORS.has(c.operator.toLowerCase()) &&
      c.values.length > 0 &&
      harmless.some((h) => h.key.toLowerCase() === c.key.toLowerCase() && (h.values.includes("*") || c.values.every((v) => h.values.includes(v)))),
  );
}
