import type { Rule } from "../engine/rule";
import { catalogueReasons, categoryRule, statementFindings } from "./category-findings";
import { CONNECT, MASTER_CONNECT_FIX, masterConnectClause, masterConnects } from "./database-master-connect";
import { listActions } from "../report/summarize";
import { severityOf } from "./support";

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
  check(ctx) {
    const base = categoryRule(ctx, "direct", "delete data");
    // The catalogue grades rds-db:connect a warning, as a user's SQL grants decide what it may drop; as the master user
    // of a database of the stack it may drop everything, and that statement is an error (database-master-connect.ts).
    // Asked four times per finding (severity, sentence, step, fix), of groups that may hold hundreds of actions: once.
    const known = new WeakMap<Parameters<typeof base.says>[1], ReturnType<typeof masterConnects>>();
    const masters = (agent: Parameters<typeof base.says>[0], g: Parameters<typeof base.says>[1]) => {
      let m = known.get(g);
      if (!m) {
        m = g.actions.some((a) => a.toLowerCase() === CONNECT)
          ? masterConnects(ctx.stack, (ctx.analysis.rightsOf(agent.address).grants.get(CONNECT) ?? []).filter((x) => x.statement === g.statement))
          : [];
        known.set(g, m);
      }
      return m;
    };
    return statementFindings(ctx, {
      ...base,
      severity: (agent, g) => (masters(agent, g).length > 0 ? "error" : undefined),
      says: (agent, g) => {
        const m = masters(agent, g);
        return m.length === 0 ? base.says(agent, g) : `${base.says(agent, g)} (${m.map(masterConnectClause).join("; and ")})`;
      },
      step: (agent, g) => {
        const m = masters(agent, g);
        if (m.length === 0) return base.step(agent, g);
        // The catalogue's reason for the warning ("grants the engine cannot see") does not hold for the master user.
        const others = g.actions.filter((a) => a.toLowerCase() !== CONNECT);
        const why = others.length > 0 && severityOf(others) === "warning" ? catalogueReasons(others) : "";
        const master = `${CONNECT}: ${m.map(masterConnectClause).join("; and ")}.`;
        return { step: "direct-rights", detail: others.length === 0 ? master : `${listActions(g.actions)}${why}. ${master}` };
      },
      fix: (agent, g) => (masters(agent, g).length > 0 ? `${MASTER_CONNECT_FIX} ${rule.meta.fix}` : undefined),
    });
  },
};
