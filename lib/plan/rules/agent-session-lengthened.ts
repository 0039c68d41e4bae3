import type { PlanRule } from "../rule";
import { changeFinding, describe, raised, weakeningEvidence } from "../rule";
import { isUpdateOrReplace } from "../values";

/** AWS default for `max_session_duration` when unset. */
const DEFAULT_MAX_SESSION = 3600;

export const agentSessionLengthened: PlanRule = {
  meta: {
    id: "plan-agent-session-lengthened",
    title: "Plan lengthens an agent role's session",
    why:
      "Agent credentials should be short-lived: a leaked or misused session can do damage for as long as it lasts. Raising max_session_duration on an agent role " +
      "lets each session live longer.",
    fix: "Keep agent roles at 3600 seconds (and request shorter sessions per task). If intended, have a human approve this exact plan.",
    severity: "error",
    category: "plan",
  },
  check(rc, ctx) {
    if (rc.type !== "aws_iam_role" || !isUpdateOrReplace(rc.change.actions) || !ctx.isAgent(rc)) return [];
    const w = raised(rc, ["max_session_duration"], DEFAULT_MAX_SESSION);
    if (!w) return [];
    return [
      changeFinding(rc, `The plan lengthens the sessions of agent role ${rc.address}: ${describe([w])}.`, [
        { step: "principal", address: rc.address, detail: "agent role (tagged blastwall:agent = \"true\" or selected by config)" },
        ...weakeningEvidence(rc, [w]),
      ]),
    ];
  },
};
