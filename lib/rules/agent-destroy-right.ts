import type { Rule } from "../engine/rule";
import { categoryFindings } from "./category-findings";

/**
 * The heart of the gate: an agent whose effective policies (identity ∩ boundary, minus certain denies) allow
 * an action that deletes data. One finding per granting statement, so the fix is one edit.
 */
export const rule: Rule = {
  meta: {
    id: "agent-destroy-right",
    title: "An AI agent principal can delete data",
    why:
      "An agent that holds a delete right will use it sooner or later: a wrong guess, a stale state file or a prompt " +
      "injection is enough. Deleting a volume, database, bucket or backup cannot be undone, and a prompt is not a permission model.",
    fix:
      "Remove the destroy actions from the statement (list the exact non-destructive actions the agent needs), or deny them " +
      "unconditionally in the agent's permission boundary (AgentRole does this by default). Destructive changes belong to a " +
      "human-approved deploy role behind `blastwall gate`.",
    severity: "error",
    category: "agent-rights",
  },
  check: (ctx) => categoryFindings(ctx, "direct", "delete data"),
};
