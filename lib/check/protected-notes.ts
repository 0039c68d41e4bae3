/**
 * `blastwall check`'s judgement of config `protected` entries that name no resource of any file checked, matched as
 * the check-time protection rules match (an entry naming an instance covers its block): over a whole run,
 * `config-protected-unmatched` findings (and notes for real AWS types no stack has yet); for one stack of an app (the
 * synth-time gate), notes only, since the entry may be another stack's.
 */
import type { BlastwallConfig } from "../engine/config-types";
import type { Finding } from "../engine/findings";
import type { TfStack } from "../engine/terraform/types";
import { blockAddressMatch } from "../engine/config-addresses";
import { judgeProtectedEntries, unmatchedProtectedNotes, type NamedResource } from "../plan/protected-notes";

const WHERE = "in any file checked";

function managed(stacks: readonly TfStack[]): NamedResource[] {
  return stacks.flatMap((s) => s.resources.filter((r) => r.mode === "managed").map((r) => ({ address: r.address, type: r.type })));
}

function hasEntries(config: BlastwallConfig): boolean {
  return (config.protected?.addresses?.length ?? 0) > 0 || (config.protected?.types?.length ?? 0) > 0;
}

/** Notes only: for a run that is not every stack the config is for. */
export function protectedEntryNotes(config: BlastwallConfig, stacks: readonly TfStack[]): string[] {
  if (!hasEntries(config)) return [];
  return unmatchedProtectedNotes(config, managed(stacks), { where: WHERE, match: blockAddressMatch });
}

/** Findings (before severity overrides) and notes: for a run over every stack the config is for. */
export function protectedEntryFindings(config: BlastwallConfig, stacks: readonly TfStack[], source: string): { findings: Finding[]; notes: string[] } {
  if (!hasEntries(config)) return { findings: [], notes: [] };
  return judgeProtectedEntries(config, managed(stacks), { where: WHERE, match: blockAddressMatch, source, gate: false });
}
