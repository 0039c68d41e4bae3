import type { PlanRule, Weakening } from "../rule";
import { changeFinding, describe, lowered, raised, weakening, weakeningEvidence } from "../rule";
import { afterValue, getPath, isUpdateOrReplace, num } from "../values";

const LOCK_TYPES = new Set(["aws_backup_vault_lock_configuration", "aws_backup_logically_air_gapped_vault"]);

export const vaultLockWeakened: PlanRule = {
  meta: {
    id: "plan-vault-lock-weakened",
    title: "Plan weakens a backup vault lock",
    why:
      "The vault lock is what keeps recovery points from being deleted before their time, even by an administrator. Lower minimum or maximum retention lets them go sooner; " +
      "removing changeable_for_days leaves the lock in governance mode (removable by anyone with the permission), and raising it lengthens the window in which the lock can still be removed.",
    fix: "Keep the lock's retention and compliance mode. If intended, have a human approve this exact plan.",
    severity: "error",
    category: "plan",
  },
  check(rc) {
    if (!LOCK_TYPES.has(rc.type) || !isUpdateOrReplace(rc.change.actions)) return [];
    const ws: Weakening[] = [];
    const min = lowered(rc, ["min_retention_days"]);
    if (min) ws.push(min);
    const max = lowered(rc, ["max_retention_days"]);
    if (max && !(max.to === "(not set)")) ws.push(max); // unset max retention keeps recovery points longer, not shorter
    const before = num(getPath(rc.change.before, ["changeable_for_days"]));
    if (before !== undefined) {
      const after = afterValue(rc.change, ["changeable_for_days"]);
      if (after.state === "unknown" || after.value === null || after.value === undefined) {
        ws.push({ ...weakening(rc, ["changeable_for_days"], before, after), to: after.state === "unknown" ? "(known after apply)" : "(not set: governance mode)" });
      } else {
        const up = raised(rc, ["changeable_for_days"]);
        if (up) ws.push(up);
      }
    }
    if (ws.length === 0) return [];
    return [changeFinding(rc, `The plan weakens the vault lock ${rc.address}: ${describe(ws)}.`, weakeningEvidence(rc, ws))];
  },
};
