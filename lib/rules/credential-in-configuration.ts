import type { Rule } from "../engine/rule";
import type { FindingDraft } from "../engine/findings";
import { writtenCredentials } from "../engine/reach/credentials";
import { listActions } from "../report/summarize";
import { principalEvidence } from "./support";
import { describe, resourceEvidence } from "./protection-support";
import { capabilityActions, capabilityEvidence, capabilityOf, isDangerous } from "./reach-support";

const FIX =
  "Keep the credential out of resource configuration: AWS shows configuration back to whoever may describe the resource. " +
  "Give the workload a role instead of a key (an instance profile, a task or execution role); if a long-lived key is unavoidable, " +
  "keep it in Secrets Manager under a resource policy that names only the workload, and pass the secret's ARN.";

/**
 * Fail closed where the stored-credential path (E8) has no model: a key written into the configuration of a resource
 * blastwall does not know the read actions of is taken to be readable by the agents, not by no one (red-team round 85).
 */
export const rule: Rule = {
  meta: {
    id: "credential-in-configuration",
    title: "A user's credential is written into a resource's configuration blastwall cannot tell the readers of",
    why:
      "The April 2026 agent found a broad token and used it. AWS returns most configuration (settings, targets, parameters, " +
      "definitions, tags) to whoever may describe the resource, and blastwall does not know which read action returns this " +
      "attribute, so any agent with read rights in that service may hold the credential and act as its user. It is an error when " +
      "that user can delete data (or when blastwall cannot tell whose it is), a warning otherwise (an error with --strict).",
    fix: FIX,
    severity: "error",
    category: "reach",
  },
  check(ctx) {
    const agents = ctx.analysis.agents;
    // Who may read it is the question; without an agent principal there is no one the gate is about.
    if (agents.length === 0) return [];
    const out: FindingDraft[] = [];
    const names = agents.slice(0, 3).map((a) => a.address).join(", ") + (agents.length > 3 ? ` and ${agents.length - 3} more` : "");
    for (const w of writtenCredentials(ctx.stack)) {
      const owner = w.user ? ctx.analysis.byAddress.get(w.user) : undefined;
      const cap = owner ? capabilityOf(ctx, owner) : undefined;
      const actions = cap ? capabilityActions(cap) : ["*"];
      const dangerous = !cap || isDangerous(cap);
      const whose = owner ? `${owner.address}` : `a user blastwall cannot resolve`;
      const can = !cap
        ? "whose rights blastwall cannot see, which counts as every right"
        : dangerous
          ? `which can delete data or remove its protection (${listActions(actions)})`
          : "which holds no destroy right blastwall sees";
      out.push({
        principal: w.resource.address,
        resource: w.resource.address,
        actions,
        severity: dangerous || ctx.strict ? "error" : "warning",
        message:
          `${describe(w.resource)} holds ${w.what} of ${whose} (${w.credential}) in its ${w.attribute} argument, ${can}. ` +
          `blastwall does not know which read action of ${w.resource.type} returns ${w.attribute}, so any agent with read rights ` +
          `in that service (${names}) may read the credential and act as ${whose}.`,
        evidence: [
          resourceEvidence(w.resource, `${w.attribute} holds ${w.credential}`),
          { step: "credential", address: w.credential, detail: `${w.what} of ${whose}` },
          // The owner is no agent (principalEvidence would call it one): it is whose rights the credential carries.
          ...(owner && cap ? [{ step: "principal", address: owner.address, detail: `${owner.kind} ${owner.name}, whose credential it is` }, ...capabilityEvidence(owner, cap)] : []),
          ...agents.slice(0, 3).map((a) => principalEvidence(a)),
        ],
        ...(w.resource.constructPath ? { constructPath: w.resource.constructPath } : {}),
      });
    }
    return out;
  },
};
