import type { Rule } from "../engine/rule";
import type { FindingDraft } from "../engine/findings";
import { AGENT_TAG, readAgentTag } from "../engine/agent-tags";
import { loadCatalogue } from "../engine/catalogue";
import { listActions } from "../report/summarize";
import { byCodeUnit, grantsByCategory } from "./support";
import { chainText, pathEvidence, possibleAgentReach } from "./reach-support";

/**
 * What blastwall's guardrails recognise agents by (lib/constructs/guardrail-policies.ts): the SCPs and the resource
 * control policy match the `/agents/` path (aws:PrincipalArn) and an `agent-*` source identity, never
 * aws:PrincipalTag. Said with every fix of the tag, so a user who renames it does not think those policies then cover
 * the principal (red-team rounds 139 F6, 140 F5: the message claimed they key on aws:PrincipalTag/blastwall:agent).
 */
const GUARDRAILS =
  "The tag alone does not put it under blastwall's guardrail SCPs or resource control policy: they recognise agents by the /agents/ " +
  "path and an agent-* source identity (AgentRole gives both), not by the tag.";

/**
 * A role or user whose tags blastwall cannot read may carry `blastwall:agent = "true"` when Terraform applies them,
 * and then none of the agent rules would have looked at it. An error when it can delete data itself or come to act
 * as a principal that can, by the chains agent-transitive-destroy follows for an agent (or with --strict), else a
 * warning: the tags must become readable, or the config must say who the agents are.
 *
 * A tag blastwall reads but whose value is neither "true" nor "false" (`"yes"`, `"1"`, `" true"`) is always an
 * error: the principal is checked as an agent (fail closed), but AWS policies keyed on the tag compare it with
 * "true" and do not treat it as one, and silently reading it as "not an agent" would pass an agent unchecked. A
 * key that is not the tag but looks like it (`blastwall_agent`) is an error for the same reason.
 */
export const rule: Rule = {
  meta: {
    id: "agent-tags-unreadable",
    title: "A principal's tags cannot be read, so blastwall cannot tell whether it is an AI agent",
    why:
      "blastwall finds agents by their blastwall:agent tag. Tags it cannot read (a variable with no value, an expression it " +
        "cannot evaluate) may still set it when Terraform applies them, making an agent whose rights to delete data nobody " +
        "checked; a value other than \"true\" or \"false\", or a key that only looks like the tag, makes the policies that read the " +
        "tag treat an agent as none.",
    details:
      "blastwall finds agents by the blastwall:agent tag. Tags built from a variable without a value, a merge() of unreadable " +
        "maps or another expression may set that tag at apply time, and an agent blastwall does not know of is an agent whose " +
        "destroy rights nobody checked. It is an error when the principal can delete data itself or come to act, by the chains " +
        "blastwall follows for agents (assume role, pass role, stored credentials...), as a principal that can; else a warning. " +
        "A tag value other than \"true\" or \"false\" (\"yes\", \"1\", \" true\") is always an error: blastwall checks the principal as an " +
        "agent, but policies that compare the tag with \"true\" (blastwall's baseline SCP does, to refuse access keys and users to " +
        "agents) do not. So is a key that looks like the tag but is another one (blastwall_agent, blastwall-agent, blastwall:agents, " +
        "\"blastwall:agent \"): policies keyed on the tag read only the exact key. The tag does not put a principal under blastwall's " +
        "guardrail SCPs or resource control policy, which recognise agents by the /agents/ path and an agent-* source identity.",
    fix:
      "Write the tags as a literal map, or from locals and variable defaults blastwall can evaluate (merge, tomap, lookup... " +
      "of known values; give the variable a default), or name the agents in blastwall.json " +
      "(`agents.addresses` / `agents.names`). Set blastwall:agent to \"true\" for an agent and to \"false\" (or leave it out) " +
      "for anything else, under that exact key. If the principal is not an agent, acknowledge this finding with the reason.",
    severity: "warning",
    category: "input",
  },
  check(ctx) {
    const out: FindingDraft[] = [];
    const cat = loadCatalogue();
    for (const p of ctx.analysis.principals) {
      if (p.kind === "group") continue;
      const t = readAgentTag(p.resource, ctx.stack);
      if (t.state === "yes" && t.unexpected) {
        const u = t.unexpected;
        const at = u.where === "tags" ? "tag" : `${u.where} tag`;
        // A key that only looks like the tag, or the tag with a value blastwall does not read: an agent was meant either way.
        const message = u.nearKey
          ? `${p.address} has ${at} ${JSON.stringify(u.key)} = ${u.value}, which looks like ${AGENT_TAG} but is another key: blastwall, and ` +
            `every policy that keys on the tag (aws:PrincipalTag/${AGENT_TAG}, aws:ResourceTag/${AGENT_TAG}), read only the exact key ${AGENT_TAG} ` +
            `(in any case), so none of them treats ${p.address} as an AI agent. blastwall checks it as one, since an agent was clearly meant. ` +
            `Rename the key to ${AGENT_TAG} (value "true") if ${p.address} is an agent, else remove it. ${GUARDRAILS}`
          : `${p.address} has ${at} ${u.key} = ${u.value}; blastwall reads only "true" or "false" (in any case) there. It checks ` +
            `${p.address} as an AI agent, since a value was clearly meant, but policies that compare the tag with "true" ` +
            `(blastwall's baseline SCP does, to refuse access keys and users to agents) will not treat it as one. Set it to "true" if ` +
            `${p.address} is an agent, else to "false" or leave it out. ${GUARDRAILS}`;
        const detail = u.nearKey ? `${u.where}: ${JSON.stringify(u.key)} = ${u.value} (not the key ${AGENT_TAG})` : `${u.where}: ${u.key} = ${u.value}`;
        out.push({ principal: p.address, resource: p.address, actions: [], severity: "error", message, evidence: [{ step: "tags", address: p.address, detail }] });
        continue;
      }
      if (p.isAgent || t.state !== "unreadable") continue;
      const destroy = [...new Set((grantsByCategory(ctx.analysis.rightsOf(p.address)).get("direct") ?? []).map((g) => g.action))];
      destroy.sort((a, b) => cat.rank(a) - cat.rank(b) || byCodeUnit(a, b));
      // Not only its own rights: as an agent it would hold every right of what it can come to act as (red-team round
      // 89: a role tagged through merge() whose only right was sts:AssumeRole on a deploy role passed the gate).
      const reach = destroy.length > 0 ? undefined : possibleAgentReach(ctx, p);
      const error = destroy.length > 0 || reach?.severity === "error" || ctx.strict;
      const where = p.resource.constructPath ? ` (construct ${p.resource.constructPath})` : "";
      const what =
        destroy.length > 0
          ? `, one that can delete data: ${listActions(destroy)}.`
          : reach === undefined
            ? ". Nothing it can reach deletes data, as far as blastwall sees, so this is a warning."
            : reach.path.length === 0
              ? `, one that can delete data: ${listActions([...reach.actions])}.`
              : `, one that can come to act as ${reach.id}, which ${reach.actions.includes("*") ? "blastwall counts as holding every right" : `can delete data (${listActions([...reach.actions])})`}: ${chainText(p.address, reach.path)}.`;
      out.push({
        principal: p.address,
        resource: p.address,
        actions: destroy.length > 0 ? destroy : [...(reach?.actions ?? [])],
        severity: error ? "error" : "warning",
        message:
          `${p.address}${where} may be an AI agent: its ${t.where} are \`${t.expression}\`, which blastwall cannot read. They may set ${AGENT_TAG} = "true" when ` +
          `Terraform applies them, and then ${p.address} is an AI agent blastwall did not check` +
          what,
        evidence: [{ step: "tags", address: p.address, detail: `${t.where}: ${t.expression}` }, ...(reach ? pathEvidence(reach.path) : [])],
      });
    }
    return out;
  },
};
