import type { Rule } from "../engine/rule";
import type { FindingDraft } from "../engine/findings";
import { agentsGranted, grantsEveryone, namesPrincipals, resourcePolicyGrants, unseenDelegations } from "../engine/resource-policies";
import { statementName, statementRef, statementSummary } from "../engine/describe";
import { listActions } from "../report/summarize";
import { agentNoun, principalEvidence } from "./support";
import { publicWriteAcls } from "../engine/s3-acl-grants";
import type { Statement } from "../engine/iam/types";
import { certainlyOtherAccount, notOwnDenied } from "./resource-policy-denies";
import { publicHijackFindings } from "./public-hijacks";

/**
 * Resource policies (E7): a bucket, vault, key or secret policy that grants a destroy right to an agent or to
 * everyone (`*`) hands the right over no matter what the agent's own policies say. A policy naming only an
 * account root delegates to that account's identity policies, which the agent rules already judge. An explicit Deny of
 * the agent's own (identity policies or boundary) that certainly covers an action on that resource still wins, and an
 * agent certainly in another account gets nothing from the policy alone (see resource-policy-denies.ts). A Lambda
 * permission letting everyone change a function's code hands the world its role (public-hijacks.ts).
 */
export const rule: Rule = {
  meta: {
    id: "resource-policy-grant",
    title: "A resource policy grants a destroy right to an AI agent or to everyone",
    why:
      "Within an account, a bucket, backup vault or KMS key policy that lets an agent (or everyone) delete gives it that " +
        "right even when its role grants none: it can delete the objects or the recovery points, or schedule the key's " +
        "deletion, after which nothing encrypted under it can be read. A Lambda permission that lets everyone update a " +
        "function's code or configuration, or add permissions to it, lets anyone run their own code with the function's role.",
    details:
      "Within an account a resource policy grants on its own: an S3 bucket policy, backup vault policy or KMS key policy that " +
        "lets an agent (or `*`) delete gives it that right even when its role has no such permission. A grant that names an " +
        "agent role by its role ARN is capped by the role's permission boundary, as AWS caps it; one that names its sessions, " +
        "`*` or a user is not. " +
        "An explicit Deny in the agent's own identity policies or permission boundary still wins, when it certainly applies: no " +
        "conditions, and a Resource that covers the resource whose policy it is (`*`, or that resource's ARN), and neither the agent " +
        "nor anyone it can act as may delete, detach or rewrite the policy holding it. Across accounts (the agent's and the resource's " +
        "providers pinned by allowed_account_ids to different accounts) the policy grants nothing without an identity Allow, which the " +
        "agent rules judge. A Lambda permission that grants everyone (`*`, with no source_arn, source_account or principal_org_id) " +
        "lambda:UpdateFunctionCode, UpdateFunctionConfiguration or AddPermission lets anyone, agents of any account included, run its " +
        "own code as the function's role: an error when that role can destroy data, or when blastwall cannot see the role (a function " +
        "outside the stack).",
    fix:
      "Grant destroy actions in resource policies to no one but a break-glass or deploy role by exact ARN, and add an explicit " +
      "Deny for the agents (AgentRole's path `/agents/`) on delete actions, or deny the actions in the agent's own identity policy or " +
      "permission boundary (unconditionally, on `*` or on that resource). OffsiteBackupVault's policy denies deletion to everyone. " +
      "A Lambda permission for code or configuration updates names the one deploy principal that needs it, never `*`.",
    severity: "error",
    category: "reach",
  },
  check(ctx) {
    const { stack, analysis, strict } = ctx;
    const isAclGrant = (s: Statement) => s.source.sid?.startsWith("ACL: ") === true && publicWriteAcls(stack).some((a) => a.statement === s);
    const out: FindingDraft[] = [];
    for (const g of resourcePolicyGrants(stack)) {
      const { resource: res, statement: s, actions } = g;
      const where = `${res.address} ${ofDocument(res.address, s)}: ${statementSummary(s)}`;
      if (grantsEveryone(s)) {
        // `actions` already leaves out what a Deny takes from every caller; a Deny naming some principals still
        // leaves the rest of "everyone", agents in other stacks included.
        const whom = s.unknown ? "principals blastwall cannot read" : s.principals ? "everyone (*)" : "everyone outside its NotPrincipal";
        const acl = isAclGrant(s);
        out.push({
          principal: res.address,
          resource: res.address,
          actions,
          message: `${res.address} grants ${listActions(actions)} to ${whom}${acl ? " through the bucket's ACL" : ""}, AI agents included.`,
          evidence: [{ step: acl ? "bucket-acl" : "resource-policy", address: res.address, detail: where, statements: [statementRef(s)] }],
          ...(acl
            ? {
                fix:
                  "Drop the public write grant from the ACL, and turn ACLs off for the bucket: aws_s3_bucket_ownership_controls with " +
                  "object_ownership = \"BucketOwnerEnforced\" (or an aws_s3_bucket_public_access_block with ignore_public_acls = true).",
              }
            : {}),
        });
        continue;
      }
      if (!namesPrincipals(s)) continue;
      for (const granted of agentsGranted(g, analysis.agents)) {
        const { agent } = granted;
        if (certainlyOtherAccount(stack, agent, res)) continue;
        const held = notOwnDenied(ctx, agent, res, granted.held);
        if (held.length === 0) continue;
        // Say why a Deny in the same policy did not help: it binds only the principals it names.
        const denies = g.denies.length > 0 ? " (none of its Deny statements certainly names the agent, and a resource policy's Deny binds only the principals it names)" : "";
        out.push({
          principal: agent.address,
          resource: res.address,
          actions: held,
          message: `${res.address} grants ${agentNoun(agent)} ${listActions(held)} in its resource policy${denies}.`,
          evidence: [principalEvidence(agent), { step: "resource-policy", address: res.address, detail: where, statements: [statementRef(s)] }],
        });
      }
    }
    out.push(...publicHijackFindings(ctx));
    for (const d of unseenDelegations(stack)) {
      const { resource: res, statement: s } = d;
      out.push({
        principal: res.address,
        resource: res.address,
        actions: d.actions,
        severity: strict ? "error" : "warning",
        message:
          `${res.address} lets ${d.named} hand on ${listActions(d.actions)} to whoever their policies admit (${statementName(s)} holds only for ` +
          `requests through access points); blastwall cannot see ${d.named.startsWith("the access points of") ? "those access points" : "them"} in this stack, nor so whom they admit, AI agents perhaps included.`,
        evidence: [{ step: "resource-policy", address: res.address, detail: `${ofDocument(res.address, s)}: ${statementSummary(s)}`, statements: [statementRef(s)] }],
        fix:
          `Make the access points in this stack (aws_s3_access_point with a policy, or aws_s3control_access_point_policy) so their policies are judged, ` +
          `or name them exactly in s3:DataAccessPointArn; keep destroy actions out of what they grant agents.`,
      });
    }
    return out;
  },
};

/**
 * The statement's name, after the resource holding the policy: a policy built from a data document names the document
 * too, which `statements` names as the policy (red-team round 132, F5), so text and JSON point at the same block.
 */
function ofDocument(holder: string, s: Statement): string {
  return s.source.address === holder ? statementName(s) : `(${s.source.address} ${statementName(s)})`;
}
