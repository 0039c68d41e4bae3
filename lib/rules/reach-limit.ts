/** What the analysis reports when a stack's reach graph is larger than blastwall builds (engine/reach/graph-limit.ts). */
import type { FindingDraft, RuleMeta } from "../engine/findings";
import type { StackAnalysis } from "../engine/analysis-types";
import { MAX_REACH_EDGES, type ReachGraphTooLarge } from "../engine/reach/graph-limit";
import { agentCan, principalEvidence } from "./support";

/**
 * The rule of these findings: a rule of its own, not agent-reach-unknown, so an acknowledgement of a path blastwall
 * could not follow (a wildcard reaching roles outside the stack) never covers a stack grown past the limit, where the
 * rules that read the graph report nothing else: a stack grown so, by an agent that edits it, would otherwise hide every
 * chain of its agents behind that one acknowledgement.
 */
const REACH_LIMIT_RULE = "reach-graph-too-large";

const REACH_LIMIT_FIX =
  "Make the graph smaller where it grows as the square of the roles: grant sts:AssumeRole and iam:PassRole on the exact " +
  "roles each principal needs (their ARNs, not `*` or `role/*`), narrow trust policies that admit the account root " +
  "(`arn:aws:iam::ACCOUNT:root`, which lets every principal of the account holding such a grant assume the role) to the " +
  "principals that assume it, or split the stack into smaller stacks.";

export const REACH_LIMIT_META: RuleMeta = {
  id: REACH_LIMIT_RULE,
  title: "A stack's reach graph is larger than blastwall follows",
  why:
    "Where every role may assume every other, the ways one principal can come to act as another grow as the square of the " +
    `roles. Past ${MAX_REACH_EDGES.toLocaleString("en-US")} of them blastwall stops building the graph rather than run out of memory, and each agent of the ` +
    "stack counts as reaching every principal of it with every right: a gate that passes what it did not read is worse than none.",
  fix: REACH_LIMIT_FIX,
  severity: "error",
  category: "reach",
};

/**
 * Fail closed, for every agent of the stack: blastwall stopped building the graph of who can come to act as whom, so
 * each agent counts as reaching every principal of the stack and holding every right (an error, whatever else the
 * stack holds). The rules that read the graph report nothing else for the stack.
 */
export function reachLimitFindings(analysis: StackAnalysis, e: ReachGraphTooLarge): FindingDraft[] {
  const size =
    `the stack has ${e.principals} principal(s) (${e.roles} role(s)), and the edges of ${e.built} of them (ways one principal can come to act as another: ` +
    `assuming a role, passing it, rewriting its trust) already passed ${e.limit.toLocaleString("en-US")}`;
  return analysis.agents.map((agent) => ({
    principal: agent.address,
    resource: agent.address,
    actions: ["*"],
    fix: REACH_LIMIT_FIX,
    message:
      `The reach graph of ${e.file} is larger than blastwall follows: ${size}. blastwall stopped building it and counts that ` +
      `${agentCan(agent)} come to act as every principal of the stack, with every right.`,
    evidence: [principalEvidence(agent), { step: "unknown", address: agent.address, detail: `every principal of ${e.file}, which blastwall did not follow (${size}): possibly every action` }],
  }));
}
