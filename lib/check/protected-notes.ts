/**
 * `blastwall check`'s judgement of config `protected` entries that name no resource of any file checked, matched as
 * the check-time protection rules match (an entry naming an instance covers its block): over a whole run,
 * `config-protected-unmatched` findings (and notes for real AWS types no stack has yet); for one stack of an app (the
 * synth-time gate), notes only, since the entry may be another stack's. An address inside a module check does not
 * read (`unknown-module`: registry, git, a local one not on disk) is only noted: check cannot tell a slip there from a
 * resource the module creates, and the plan gate, which sees them, judges it.
 */
import type { BlastwallConfig } from "../engine/config-types";
import type { Finding } from "../engine/findings";
import { UNKNOWN_MODULE_TYPE, type TfStack } from "../engine/terraform/types";
import { blockAddressMatch } from "../engine/config-addresses";
import { judgeProtectedEntries, unmatchedProtectedNotes, type NamedResource, type OpaqueModule } from "../plan/protected-notes";

const WHERE = "in any file checked";

// The HCL reader's stand-in for an unread module is no resource an entry protects: the module is opaque instead.
function managed(stacks: readonly TfStack[]): NamedResource[] {
  return stacks.flatMap((s) => s.resources.filter((r) => r.mode === "managed" && r.type !== UNKNOWN_MODULE_TYPE).map((r) => ({ address: r.address, type: r.type })));
}

/** The module calls `unknown-module` reports: the JSON reader's `module` blocks, the HCL reader's stand-ins. */
function opaque(stacks: readonly TfStack[]): OpaqueModule[] {
  return stacks.flatMap((s) => [
    ...(s.modules ?? []).map((m) => ({ address: m.address, source: m.source })),
    ...(s.byType.get(UNKNOWN_MODULE_TYPE) ?? []).map((r) => ({ address: r.address, source: typeof r.values.source === "string" ? r.values.source : undefined })),
  ]);
}

function hasEntries(config: BlastwallConfig): boolean {
  return (config.protected?.addresses?.length ?? 0) > 0 || (config.protected?.types?.length ?? 0) > 0;
}

/** Notes only: for a run that is not every stack the config is for. */
export function protectedEntryNotes(config: BlastwallConfig, stacks: readonly TfStack[]): string[] {
  if (!hasEntries(config)) return [];
  return unmatchedProtectedNotes(config, managed(stacks), { where: WHERE, match: blockAddressMatch, opaque: opaque(stacks) });
}

/** Findings (before severity overrides) and notes: for a run over every stack the config is for. */
export function protectedEntryFindings(config: BlastwallConfig, stacks: readonly TfStack[], source: string): { findings: Finding[]; notes: string[] } {
  if (!hasEntries(config)) return { findings: [], notes: [] };
  return judgeProtectedEntries(config, managed(stacks), { where: WHERE, match: blockAddressMatch, opaque: opaque(stacks), source, gate: false });
}
