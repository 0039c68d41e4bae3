import type { Rule } from "../engine/rule";
import type { FindingDraft } from "../engine/findings";
import type { Statement } from "../engine/iam/types";
import { agentNoun, principalEvidence, statementEvidence } from "./support";

/**
 * Fail closed: a policy blastwall cannot read (built by `${file(...)}`, a variable, an unknown managed policy ARN,
 * a statement in a shape it does not understand) counts as granting everything, and this finding says why.
 */
export const rule: Rule = {
  meta: {
    id: "unanalysable-policy",
    title: "A policy reaching an AI agent cannot be analysed, so it may grant everything",
    why:
      "A gate that passes what it does not understand is worse than none. blastwall reads only what the synthesized " +
      "Terraform shows; a policy computed at apply time, read from a file or attached by an ARN it does not know may hold any right.",
    fix:
      "Write the policy in the stack (a JSON document or data.aws_iam_policy_document with literal actions), attach managed " +
      "policies by their exact AWS ARN, or, if you have reviewed the policy, acknowledge this finding with a reason.",
    severity: "error",
    category: "input",
  },
  check({ analysis }) {
    const out: FindingDraft[] = [];
    for (const agent of analysis.agents) {
      const seen = new Set<string>();
      const unknown: Statement[] = [];
      for (const a of agent.identityPolicies) for (const s of a.document.statements) if (s.unknown) unknown.push(s);
      for (const s of unknown) {
        const key = `${s.source.address}|${s.source.via ?? ""}|${s.unknown}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push({
          principal: agent.address,
          resource: s.source.address,
          actions: ["*"],
          message: `${s.source.address} reaches ${agentNoun(agent)} but ${s.unknown}; blastwall counts it as granting every action.`,
          ...fixFor(s.unknown ?? ""),
          evidence: [principalEvidence(agent), ...statementEvidence(agent, s)],
        });
      }
    }
    return out;
  },
};

/** A fix for the routes that have a specific one: a dynamic statement block, a policy read from a file. */
function fixFor(reason: string): { fix?: string } {
  if (/dynamic "[a-z_]+" block blastwall cannot expand/.test(reason)) {
    return {
      fix:
        "Make the dynamic block's for_each a literal list or map (or a local or variable default that is one) " +
        "and use only its iterator's key and value in the content, or write the statements out; if you have reviewed " +
        "the policy, acknowledge this finding with a reason.",
    };
  }
  if (/policy is built by \$\{(?:templatefile|file)\s*\(/.test(reason)) {
    return {
      fix:
        "Keep the policy file inside the stack's directory (a cdktf TerraformAsset, referred to by its relative asset.path), " +
        "give templatefile variables literal values, locals or variable defaults, and run blastwall check on the synthesized " +
        "output (at synth the assets are not written yet); or write the policy in the stack, or acknowledge this finding with a reason.",
    };
  }
  return {};
}
