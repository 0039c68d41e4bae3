import type { Rule } from "../engine/rule";
import { categoryFindings } from "./category-findings";

/** Removing a safeguard is one step from deleting: deletion protection off, versioning suspended, trail stopped. */
export const rule: Rule = {
  meta: {
    id: "agent-protection-removal",
    title: "An AI agent principal can switch off the protection around data",
    why:
      "Turning off deletion protection, suspending versioning, shortening retention, unlocking a backup vault or stopping the " +
      "audit trail is how a later delete becomes unrecoverable or unseen. An agent needs none of these to do routine work.",
    fix:
      "Remove these actions from the statement, or deny them unconditionally in the agent's permission boundary " +
      "(AgentRole does this by default). Changes to protection settings go through a human-approved deploy.",
    severity: "error",
    category: "agent-rights",
  },
  check: (ctx) => categoryFindings(ctx, "protection", "remove the protection around data"),
};
