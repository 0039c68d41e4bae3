/**
 * Notes for `protected` entries that name nothing: a misspelt address or type protects nothing, and a report
 * without a word about it looks exactly like one where the protection did its work (red-team round 98, r3 #6).
 * Shared by the plan gate (over every resource the plan lists) and `blastwall check` (over the files checked).
 */
import type { PlanGateConfig, PlanJson, PlanModule } from "./types";
import { addressMatch, globMatch } from "../engine/config-addresses";
import { withoutInstanceKeys } from "../engine/agents";

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
}

const MAX_NEAR = 3;

/** One note per `protected.addresses` or `protected.types` entry that matches none of `resources`. */
export function unmatchedProtectedNotes(config: Pick<PlanGateConfig, "protected">, resources: readonly NamedResource[], opts: UnmatchedOptions): string[] {
  const match = opts.match ?? addressMatch;
  const addresses = [...new Set(resources.map((r) => r.address))];
  const types = [...new Set(resources.map((r) => r.type))];
  const out: string[] = [];
  for (const entry of config.protected?.addresses ?? []) {
    if (addresses.some((a) => match(entry, a))) continue;
    out.push(note("addresses", entry, "resource", opts.where, nearAddresses(entry, addresses, match)));
  }
  for (const entry of config.protected?.types ?? []) {
    if (types.some((t) => globMatch(entry, t))) continue;
    out.push(note("types", entry, "resource of that type", opts.where, nearTypes(entry, types)));
  }
  return out;
}

function note(key: "addresses" | "types", entry: string, what: string, where: string, near: readonly string[]): string {
  const hint = near.length > 0 ? ` Near match${near.length === 1 ? "" : "es"}: ${near.slice(0, MAX_NEAR).join("; ")}.` : "";
  return (
    `config protected.${key} lists ${JSON.stringify(entry)}, which matches no ${what} ${where}, so it protects nothing here: ` +
    `a misspelt entry leaves the resource it was meant for unprotected.${hint} Correct the entry, or remove it if what it named is gone.`
  );
}

/** `module.a["k"].` prefixes, and the rest (`aws_x.y[0]`): where a resource type starts in an address. */
function splitModules(address: string): { modules: string; rest: string } {
  const m = /^((?:module\.[^.[]+(?:\[(?:"(?:[^"\\]|\\.)*"|[^\]]*)\])?\.)*)(.*)$/.exec(address);
  return m ? { modules: m[1], rest: m[2] } : { modules: "", rest: address };
}

function nearAddresses(entry: string, addresses: readonly string[], match: (p: string, a: string) => boolean): string[] {
  const out: string[] = [];
  const add = (a: string, why: string) => {
    if (!out.some((o) => o.startsWith(`${JSON.stringify(a)} `))) out.push(`${JSON.stringify(a)} (${why})`);
  };
  const lower = entry.toLowerCase();
  for (const a of addresses) if (match(lower, a.toLowerCase())) add(a, "differs in case: Terraform addresses are case-sensitive");
  const { modules, rest } = splitModules(entry);
  if (!rest.startsWith("aws_") && !rest.startsWith("awscc_")) {
    const prefixed = `${modules}aws_${rest}`;
    for (const a of addresses) if (match(prefixed, a) || match(prefixed.toLowerCase(), a.toLowerCase())) add(a, "the type needs its aws_ prefix");
  }
  // The same name under another type: `aws_elasticache_cluster.cache` for `aws_elasticache_replication_group.cache`.
  const dot = rest.indexOf(".");
  if (dot > 0) {
    const name = rest.slice(dot);
    for (const a of addresses) {
      const other = splitModules(a);
      const d = other.rest.indexOf(".");
      if (d > 0 && other.modules === modules && match(`${other.rest.slice(0, d)}${name}`, other.rest)) add(a, "the same name under another type");
    }
  }
  return out;
}

function nearTypes(entry: string, types: readonly string[]): string[] {
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
