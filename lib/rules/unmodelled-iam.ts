import type { Rule } from "../engine/rule";
import type { FindingDraft } from "../engine/findings";
import type { TfResource } from "../engine/terraform/types";
import { AGENT_PATH, AGENT_TAG } from "../engine/agents";
import { isObject } from "../engine/json";
import { principalNameIndex, principalsNamedIn } from "./principal-mentions";

/**
 * IAM resources of the AWS Cloud Control provider (`hashicorp/awscc`): roles, users, groups and their policies, in
 * the CloudFormation shape blastwall does not read. Through them a configuration can give any principal any right
 * with no `aws_iam_*` resource the analysis sees.
 */
const UNMODELLED_IAM = /^awscc_iam_/;

/** awscc writes tags as a list of `{ key, value }`; `aws_*` style maps are read too. */
function carriesAgentMark(r: TfResource): string | undefined {
  const tags = r.values["tags"];
  const pairs: [unknown, unknown][] = Array.isArray(tags)
    ? tags.filter(isObject).map((t) => [t["key"] ?? t["Key"], t["value"] ?? t["Value"]])
    : isObject(tags)
      ? Object.entries(tags)
      : [];
  for (const [k, v] of pairs) {
    if (k !== AGENT_TAG) continue;
    // A value blastwall cannot read may be "true" when applied: fail closed.
    if (typeof v !== "string" || v.includes("${") || v.toLowerCase() === "true") return `tag ${AGENT_TAG} = ${JSON.stringify(v)}`;
  }
  const path = r.values["path"];
  if (typeof path === "string" && path.toLowerCase().startsWith(AGENT_PATH)) return `path ${path}`;
  return undefined;
}

export const rule: Rule = {
  meta: {
    id: "unmodelled-iam",
    title: "An IAM resource blastwall does not analyse names an AI agent or is one",
    why:
      "IAM written with the AWS Cloud Control provider (`awscc_iam_*`) grants rights like `aws_iam_*` does, but blastwall does " +
      "not read its policies: an `awscc_iam_role_policy` on an agent's role can give it every right, and an awscc role whose " +
      "trust names the agent hands the agent whatever that role may do. Unread, either counts as granting everything.",
    fix:
      "Write agent IAM with `aws_iam_*` resources (or the AgentRole construct), which blastwall analyses; or review the awscc " +
      "resource and acknowledge the finding with the reason.",
    severity: "error",
    category: "input",
  },
  check({ stack, analysis }) {
    const out: FindingDraft[] = [];
    const candidates = stack.resources.filter((r) => r.mode === "managed" && UNMODELLED_IAM.test(r.type));
    if (candidates.length === 0) return out;
    const agents = new Set(analysis.agents.map((a) => a.address));
    const byName = principalNameIndex(analysis.principals);
    for (const r of candidates) {
      const named = principalsNamedIn(stack, byName, r.values).filter((p) => agents.has(p));
      const mark = carriesAgentMark(r);
      if (named.length === 0 && mark === undefined) {
        out.push({
          principal: r.address,
          resource: r.address,
          actions: [],
          severity: "warning",
          message: `${r.address} is IAM written for the Cloud Control provider; blastwall does not analyse what it grants or to whom.`,
          evidence: [{ step: "resource", address: r.address, detail: `${r.type} is not analysed` }],
        });
        continue;
      }
      const whom = mark !== undefined ? `${r.address} is an AI agent (${mark})` : `${r.address} names the AI agent ${named.join(", ")}`;
      out.push({
        principal: named[0] ?? r.address,
        resource: r.address,
        actions: ["*"],
        message: `${whom} in IAM blastwall does not analyse (${r.type}): it may grant ${mark !== undefined ? "it" : "the agent"} every right, destroy rights included.`,
        evidence: [
          { step: "resource", address: r.address, detail: `${r.type} is not analysed${mark !== undefined ? `; ${mark}` : ""}` },
          ...named.map((p) => ({ step: "agent", address: p, detail: `${r.address} refers to ${p} by reference, name or ARN` })),
        ],
      });
    }
    return out;
  },
};
