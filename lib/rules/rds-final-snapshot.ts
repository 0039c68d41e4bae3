import type { Rule } from "../engine/rule";
import type { FindingDraft } from "../engine/findings";
import { describe, isReadReplica, readBool, resourceEvidence, resourceFinding, unknownText } from "./protection-support";

const TYPES = ["aws_db_instance", "aws_rds_cluster"];

/** With `skip_final_snapshot = true` a destroy leaves no snapshot behind. Read replicas cannot take one and are skipped. */
export const rule: Rule = {
  meta: {
    id: "rds-final-snapshot",
    title: "RDS instance or cluster is deleted without a final snapshot",
    why:
      "`skip_final_snapshot = true` lets a destroy delete the database without taking a last snapshot, so nothing written since " +
      "the previous backup survives it.",
    fix: "Remove `skip_final_snapshot` or set it to false, and set `final_snapshot_identifier` (ProtectedDatabase does).",
    severity: "error",
    category: "protection",
  },
  check({ stack }) {
    const out: FindingDraft[] = [];
    for (const r of TYPES.flatMap((t) => stack.byType.get(t) ?? [])) {
      if (r.mode !== "managed" || isReadReplica(r)) continue;
      const v = readBool(stack, r.values["skip_final_snapshot"]);
      if (v.state === "unset" || (v.state === "set" && !v.value)) continue;
      const state = v.state === "set" ? "sets skip_final_snapshot = true" : `sets skip_final_snapshot to ${unknownText(v)} (the safe value is false)`;
      out.push(
        resourceFinding(
          r,
          `${describe(r)} ${state}: a destroy would leave no final snapshot. Set skip_final_snapshot = false and a final_snapshot_identifier.`,
          [resourceEvidence(r, `${r.type}.skip_final_snapshot: ${v.state === "set" ? "true" : v.raw}`)],
        ),
      );
    }
    return out;
  },
};
