import type { Rule } from "../engine/rule";
import type { FindingDraft } from "../engine/findings";
import { describe, readBool, resourceEvidence, resourceFinding, unknownText } from "./protection-support";

const TYPES = ["aws_db_instance", "aws_rds_cluster"];

/** RDS refuses DeleteDBInstance/DeleteDBCluster while deletion protection is on, whoever calls it and however. */
export const rule: Rule = {
  meta: {
    id: "rds-deletion-protection",
    title: "RDS instance or cluster without deletion protection",
    why:
      "With deletion protection on, RDS refuses to delete the database, for an agent's API call and for a `terraform destroy` alike; " +
      "turning it off is a separate, visible change. The provider default is off.",
    fix: "Set `deletion_protection = true` (ProtectedDatabase does).",
    severity: "error",
    category: "protection",
  },
  check({ stack }) {
    const out: FindingDraft[] = [];
    for (const r of TYPES.flatMap((t) => stack.byType.get(t) ?? [])) {
      if (r.mode !== "managed") continue;
      const v = readBool(stack, r.values["deletion_protection"]);
      if (v.state === "set" && v.value) continue;
      const state =
        v.state === "unset" ? "does not set deletion_protection (the provider default is false)"
        : v.state === "set" ? "sets deletion_protection = false"
        : `sets deletion_protection to ${unknownText(v)}`;
      out.push(
        resourceFinding(
          r,
          `${describe(r)} ${state}: one DeleteDB call or destroy removes the database. Set deletion_protection = true.`,
          [resourceEvidence(r, `${r.type}.deletion_protection: ${v.state === "set" ? String(v.value) : v.state === "unset" ? "not set" : v.raw}`)],
        ),
      );
    }
    return out;
  },
};
