import type { Rule } from "../engine/rule";
import type { FindingDraft } from "../engine/findings";
import { describe, readBool, resourceEvidence, resourceFinding, unknownText } from "./protection-support";

/**
 * A CloudTrail trail written with logging switched off records nothing: no agent call is attributed, however well
 * the rest of the trail (and AgentAuditTrail's bucket lock) is set up.
 */
export const rule: Rule = {
  meta: {
    id: "audit-trail-off",
    title: "CloudTrail trail with logging switched off",
    why:
      "Every agent action is to be audited. A trail with enable_logging = false (or a value blastwall cannot read) exists but records " +
      "nothing, so an agent's calls cannot be attributed or reviewed.",
    fix: "Remove enable_logging or set it to true (AgentAuditTrail does); stop a trail only by a human-approved change.",
    severity: "error",
    category: "protection",
  },
  check({ stack }) {
    const out: FindingDraft[] = [];
    for (const r of stack.byType.get("aws_cloudtrail") ?? []) {
      if (r.mode !== "managed") continue;
      const v = readBool(stack, r.values["enable_logging"]);
      if (v.state === "unset" || (v.state === "set" && v.value)) continue;
      const state = v.state === "set" ? "sets enable_logging = false" : `sets enable_logging to ${unknownText(v)}`;
      out.push(resourceFinding(r, `${describe(r)} ${state}: the trail records nothing, so agent calls go unaudited.`, [
        resourceEvidence(r, `enable_logging: ${v.state === "set" ? "false" : v.raw}`),
      ]));
    }
    return out;
  },
};
