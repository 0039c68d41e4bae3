import type { Rule } from "../engine/rule";
import type { FindingDraft } from "../engine/findings";
import { loadCatalogue } from "../engine/catalogue";
import { effectiveRights } from "../engine/iam/evaluate";
import { actionUniverse } from "../engine/universe";
import { listActions } from "../report/summarize";
import { maySitIn, providerAccount } from "../engine/terraform/providers";
import { globsIntersect } from "../engine/iam/glob";
import type { UnresolvedAttachment } from "../engine/analysis-types";
import { readAgentTag } from "../engine/agent-tags";

/**
 * An attachment whose target cannot be resolved (`role = var.role_name`, a computed name) may attach to an agent.
 * When what it attaches holds destroy rights, the gate cannot prove the agent safe, so it says so: an error when the
 * stack has an agent, another checked stack's agent may share its account, or a principal's tags cannot be read (it
 * may be an agent); else a warning.
 */
export const rule: Rule = {
  meta: {
    id: "unresolved-attachment",
    title: "A policy with destroy rights is attached to a principal blastwall cannot identify",
    why:
      "If the target of an attachment is computed (a variable, a data source, a value known only at apply time), it may be an " +
      "AI agent. A gate that assumed otherwise would pass the exact setup that lets an agent delete data.",
    fix:
      "Name the target by reference to the role, user, group or permission set in the stack (`${aws_iam_role.x.name}`, " +
      "`${aws_ssoadmin_permission_set.x.arn}`) or by its literal name, " +
      "or acknowledge the finding with a reason once you have checked that no agent can be the target.",
    severity: "error",
    category: "input",
  },
  check({ stack, analysis }) {
    const cat = loadCatalogue();
    const out: FindingDraft[] = [];
    // Another checked stack's agent that may share this stack's account may be the target as well as one of its own.
    // A target another stack's output names is known in part: only agents whose names may be it. (One whose name is
    // unknown altogether, `*`, is matched by nothing, as across stacks everywhere: see peerMatcher.)
    const account = providerAccount(stack, "aws");
    const peerFor = (u: UnresolvedAttachment) =>
      (stack.peerAgents ?? []).find((p) => {
        if (!maySitIn(p.arnPattern, account)) return false;
        if (u.pattern === undefined) return true;
        const name = u.pattern.slice(u.pattern.lastIndexOf("/") + 1);
        const peerName = p.arnPattern.slice(p.arnPattern.lastIndexOf("/") + 1);
        return !/^[*?]*$/.test(name) && globsIntersect(name, peerName, { caseInsensitive: true });
      });
    // A principal whose tags blastwall cannot read may be an agent (red-team round 89: roles tagged through
    // merge() or each.value, attached through join() or each.value.name): the target may be that one.
    let possible: string | null | undefined;
    const possibleAgent = (): string | undefined => {
      if (possible === undefined) {
        const p = analysis.principals.find((x) => !x.isAgent && x.kind !== "group" && readAgentTag(x.resource, stack).state === "unreadable");
        possible = p ? p.address : null;
      }
      return possible ?? undefined;
    };
    for (const u of analysis.unresolved) {
      let actions: string[] = ["*"];
      if (u.document) {
        const rights = effectiveRights({ principal: u.address, identity: u.document.statements, universe: actionUniverse() });
        actions = [...rights.grants.values()].flatMap((gs) => gs.slice(0, 1).map((g) => g.action)).filter((a) => cat.categoryOf(a) !== undefined);
        actions.sort((a, b) => cat.rank(a) - cat.rank(b));
        if (actions.length === 0) continue;
      }
      const peer = peerFor(u);
      const maybe = analysis.agents.length === 0 && peer === undefined ? possibleAgent() : undefined;
      const mayBeAgent = analysis.agents.length > 0 || peer !== undefined || maybe !== undefined;
      const whose =
        analysis.agents.length > 0
          ? ""
          : peer !== undefined
            ? ` (${peer.address} of stack ${peer.stack}, ${peer.reason}, may share this stack's account)`
            : maybe !== undefined
              ? ` (${maybe}: its tags are an expression blastwall cannot read, so it may be one and may be the target)`
              : "";
      out.push({
        principal: u.address,
        resource: u.address,
        actions,
        severity: mayBeAgent ? "error" : "warning",
        message:
          `${u.address} attaches ${u.document ? `a policy granting ${listActions(actions)}` : "a policy blastwall cannot read"} ` +
          `to a principal it cannot identify (${u.detail}); it may be an AI agent${whose}.`,
        evidence: [{ step: "unresolved", address: u.address, detail: u.detail }],
      });
    }
    return out;
  },
};
