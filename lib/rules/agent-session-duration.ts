import type { Rule } from "../engine/rule";
import type { FindingDraft } from "../engine/findings";
import { principalEvidence, ownAgentRoles } from "./support";
import { describe, readNumber, resourceEvidence, unknownText } from "./protection-support";
import { sessionSeconds } from "../engine/principals/permission-sets";

const MAX_SECONDS = 3600;

/** Leaked agent credentials stay usable for the whole session; IAM allows up to 12 hours, agents get one. */
export const rule: Rule = {
  meta: {
    id: "agent-session-duration",
    title: "AI agent role allows sessions longer than one hour",
    why:
      "Credentials an agent holds end up in logs, shell history and prompts. A session of up to 12 hours gives whoever finds them " +
      "that long; one hour (IAM's minimum for a role) keeps the window short, and tasks ask for less with DurationSeconds.",
    fix:
      "Set `max_session_duration = 3600` or leave it out (the default is 3600; AgentRole never allows more). For an IAM Identity " +
      "Center permission set, set `session_duration = \"PT1H\"` or leave it out (the default is one hour).",
    severity: "error",
    category: "protection",
  },
  check({ stack, analysis }) {
    const out: FindingDraft[] = [];
    for (const agent of ownAgentRoles(analysis.agents)) {
      const r = agent.resource;
      const v = readNumber(stack, r.values["max_session_duration"]);
      if (v.state === "unset" || (v.state === "set" && v.value <= MAX_SECONDS)) continue;
      // A literal too large for a number (1e400 reads as Infinity) is no duration: say so, not "Infinity seconds".
      const state =
        v.state !== "set"
          ? `sets max_session_duration to ${unknownText(v)}`
          : Number.isFinite(v.value)
            ? `allows sessions of ${v.value} seconds (${(v.value / 3600).toFixed(1)} h)`
            : `sets max_session_duration to a number too large to read, which is not a valid number of seconds (IAM takes ${MAX_SECONDS} to 43200), so it counts as the longest IAM allows`;
      const shown = v.state !== "set" ? v.raw : Number.isFinite(v.value) ? String(v.value) : "not a valid number of seconds (too large to read)";
      out.push({
        principal: agent.address,
        resource: agent.address,
        actions: [],
        message: `${describe(r)} is an AI agent role and ${state}: leaked credentials would stay valid ${v.state === "set" && !Number.isFinite(v.value) ? "up to 12 hours" : "that long"}. Set max_session_duration = ${MAX_SECONDS}.`,
        evidence: [principalEvidence(agent), resourceEvidence(r, `max_session_duration: ${shown}`)],
        ...(r.constructPath ? { constructPath: r.constructPath } : {}),
      });
    }
    // A permission set's sessions are its reserved role's, as long as its ISO 8601 session_duration (up to 12 hours).
    for (const agent of analysis.agents) {
      if (agent.kind !== "permission-set" || agent.external) continue;
      const r = agent.resource;
      const d = sessionSeconds(stack, r);
      if (d.state === "unset" || (d.state === "set" && d.seconds <= MAX_SECONDS)) continue;
      const state =
        d.state === "set"
          ? `allows sessions of ${d.raw} (${(d.seconds / 3600).toFixed(1)} h)`
          : `sets session_duration to \`${d.raw}\`, which blastwall cannot read as an ISO 8601 duration, so it counts as the longest Identity Center allows (12 hours)`;
      out.push({
        principal: agent.address,
        resource: agent.address,
        actions: [],
        message: `${describe(r)} is an AI agent's IAM Identity Center permission set and ${state}: leaked credentials would stay valid that long. Set session_duration = "PT1H".`,
        evidence: [principalEvidence(agent), resourceEvidence(r, `session_duration: ${d.raw}`)],
        ...(r.constructPath ? { constructPath: r.constructPath } : {}),
      });
    }
    return out;
  },
};
