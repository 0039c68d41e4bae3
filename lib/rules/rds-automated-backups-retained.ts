import type { Rule } from "../engine/rule";
import type { FindingDraft } from "../engine/findings";
import { describe, readBool, resourceEvidence, resourceFinding, unknownText } from "./protection-support";

const TYPES = ["aws_db_instance", "aws_rds_cluster"];

/** `delete_automated_backups` defaults to true: deleting the database then deletes its point-in-time backups with it. */
export const rule: Rule = {
  meta: {
    id: "rds-automated-backups-retained",
    title: "RDS automated backups are deleted together with the database",
    why:
      "Unless `delete_automated_backups = false`, deleting an RDS instance or cluster also deletes its automated backups, so the " +
      "one mistake that needs them most removes them. The provider default is true.",
    fix: "Set `delete_automated_backups = false` (ProtectedDatabase does).",
    severity: "error",
    category: "protection",
  },
  check({ stack }) {
    const out: FindingDraft[] = [];
    for (const r of TYPES.flatMap((t) => stack.byType.get(t) ?? [])) {
      if (r.mode !== "managed") continue;
      const v = readBool(stack, r.values["delete_automated_backups"]);
      if (v.state === "set" && !v.value) continue;
      const state =
        v.state === "unset" ? "does not set delete_automated_backups (the provider default is true)"
        : v.state === "set" ? "sets delete_automated_backups = true"
        : `sets delete_automated_backups to ${unknownText(v)}`;
      out.push(
        resourceFinding(
          r,
          `${describe(r)} ${state}: deleting the database would delete its automated backups too. Set delete_automated_backups = false.`,
          [resourceEvidence(r, `${r.type}.delete_automated_backups: ${v.state === "set" ? String(v.value) : v.state === "unset" ? "not set" : v.raw}`)],
        ),
      );
    }
    return out;
  },
};
