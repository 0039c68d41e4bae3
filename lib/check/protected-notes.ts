/**
 * `blastwall check`'s notes for config `protected` entries that name no resource of any file checked: the same
 * notes the plan gate gives over a plan, matched as the check-time protection rules match (an entry naming an
 * instance covers its block).
 */
import type { BlastwallConfig } from "../engine/config-types";
import type { TfStack } from "../engine/terraform/types";
import { blockAddressMatch } from "../engine/config-addresses";
import { unmatchedProtectedNotes } from "../plan/protected-notes";

export function protectedEntryNotes(config: BlastwallConfig, stacks: readonly TfStack[]): string[] {
  if (!config.protected?.addresses?.length && !config.protected?.types?.length) return [];
  const resources = stacks.flatMap((s) => s.resources.filter((r) => r.mode === "managed").map((r) => ({ address: r.address, type: r.type })));
  return unmatchedProtectedNotes(config, resources, { where: "in any file checked", match: blockAddressMatch });
}
