import type { Rule } from "../engine/rule";
import type { FindingDraft } from "../engine/findings";
import { agentCan, principalEvidence } from "./support";
import { reachOf } from "./reach-support";
import { statementsKey } from "../engine/describe";

/**
 * A database's master password where an agent can read it. With it the agent connects as the master user and can
 * drop every database on the instance: no IAM Deny on the RDS API stops a SQL `DROP DATABASE`.
 */
export const rule: Rule = {
  meta: {
    id: "agent-database-password",
    title: "An AI agent can read the master password of a database",
    why:
      "A master password is a destroy right that IAM cannot take back: whoever reads it can connect and drop the database, whatever " +
      "the agent's policies deny on the RDS API. Finding a stored credential and destroying with it is the April 2026 path.",
    fix:
      "Keep the master password where only the deploy role can read it: scope the agent's secret, parameter and configuration reads " +
      "to the stores it needs, or let RDS manage the password (manage_master_user_password) with a secret policy that denies " +
      "agents. Give the agent a database user of its own (or IAM database authentication) with only the grants it needs.",
    severity: "error",
    category: "reach",
  },
  check(ctx) {
    const graph = reachOf(ctx);
    const out: FindingDraft[] = [];
    for (const agent of ctx.analysis.agents) {
      const byDatabase = new Map<string, ReturnType<typeof graph.databaseReadsOf>[number][]>();
      for (const r of graph.databaseReadsOf(agent.address)) byDatabase.set(r.database, [...(byDatabase.get(r.database) ?? []), r]);
      for (const [database, reads] of byDatabase) {
        const stores = [...new Set(reads.map((r) => r.store))];
        // Stores that only may hold it (a plan's value made from what no plan shows) are named with the reason.
        const maybe = [...new Map(reads.filter((r) => r.maybe !== undefined && !reads.some((o) => o.store === r.store && o.maybe === undefined)).map((r) => [r.store, r.maybe])).entries()];
        out.push({
          principal: agent.address,
          resource: database,
          actions: [...new Set(reads.map((r) => r.action))],
          message:
            `${agentCan(agent)} read the master password of ${database} (stored in ${stores.join(", ")}): ` +
            `with it the agent can connect as the master user and drop the database, which no IAM Deny prevents.` +
            maybe.map(([store, why]) => ` ${store} may hold it rather than surely: ${why}.`).join(""),
          evidence: [principalEvidence(agent), ...reads.map((r) => ({ step: "secret-read", address: r.store, detail: r.detail, ...statementsKey(r.statements) })), { step: "database", address: database, detail: "its master password is in the store above" }],
        });
      }
    }
    return out;
  },
};
