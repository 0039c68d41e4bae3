import type { Rule } from "../engine/rule";
import type { FindingDraft } from "../engine/findings";
import type { TfResource, TfStack } from "../engine/terraform/types";
import type { BlastwallConfig } from "../engine/config-types";
import { agentSelector } from "../engine/agents";
import { followReferences } from "../engine/agent-tags";
import { isObject } from "../engine/json";
import { principalNameIndex, principalsNamedIn } from "./principal-mentions";

/**
 * IAM resources of the AWS Cloud Control provider (`hashicorp/awscc`): roles, users, groups and their policies, in
 * the CloudFormation shape blastwall does not read. Through them a configuration can give any principal any right
 * with no `aws_iam_*` resource the analysis sees.
 */
const UNMODELLED_IAM = /^awscc_iam_/;

/** The aws_* principal type an awscc principal type stands for. */
const PRINCIPAL_SHAPES: Readonly<Record<string, { readonly type: string; readonly name: string }>> = {
  awscc_iam_role: { type: "aws_iam_role", name: "role_name" },
  awscc_iam_user: { type: "aws_iam_user", name: "user_name" },
};

/**
 * Whether an awscc role or user is an agent, by the same selection as any principal (tag, followed through locals
 * and variables and maybe "true" when unreadable; the `/agents/` path; the config's selectors): it is judged as the
 * `aws_iam_*` resource it stands for. awscc writes tags as a list of `{ key, value }`.
 */
function agentMark(stack: TfStack, config: BlastwallConfig, r: TfResource): string | undefined {
  const shape = PRINCIPAL_SHAPES[r.type];
  if (!shape) return undefined;
  const raw = followReferences(stack, r.values["tags"]);
  const tags = Array.isArray(raw)
    ? Object.fromEntries(raw.filter(isObject).map((t) => [String(t["key"] ?? t["Key"]), t["value"] ?? t["Value"]]))
    : raw;
  const standIn: TfResource = { ...r, type: shape.type, values: { ...r.values, name: r.values[shape.name], tags } };
  return agentSelector(config, stack)(standIn);
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
  check({ stack, analysis, config }) {
    const out: FindingDraft[] = [];
    const candidates = stack.resources.filter((r) => r.mode === "managed" && UNMODELLED_IAM.test(r.type));
    if (candidates.length === 0) return out;
    const agents = new Set(analysis.agents.map((a) => a.address));
    const byName = principalNameIndex(analysis.principals);
    for (const r of candidates) {
      const named = principalsNamedIn(stack, byName, r.values).filter((p) => agents.has(p));
      const mark = agentMark(stack, config, r);
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
