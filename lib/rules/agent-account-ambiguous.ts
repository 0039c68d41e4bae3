import type { Rule } from "../engine/rule";
import type { FindingDraft } from "../engine/findings";

/**
 * A literal ARN (`arn:aws:iam::111111111111:role/coder`) that names a role of the stack's own name is read as the
 * stack's own role. When another checked stack has an agent of that name and neither stack's aws provider is pinned
 * to an account, the ARN names that agent instead if this stack deploys to another account than the ARN writes:
 * blastwall cannot see which, and says so rather than pass in silence.
 */
const TRUST = ".assume_role_policy";

export const rule: Rule = {
  meta: {
    id: "agent-account-ambiguous",
    title: "An ARN read as the stack's own role may name another stack's AI agent: the stacks' accounts are not pinned",
    why:
      "One account holds one role of a name, but two accounts may each hold one. A trust or resource policy that names a role by " +
      "ARN with a literal account means this stack's role of that name only if the stack deploys to that account. When neither " +
      "this stack nor the stack whose AI agent has the same name pins its account, the ARN may name the agent, and every right " +
      "the policy gives it is then the agent's. With --strict (or strict in the config) this is an error.",
    fix:
      "Set `allowed_account_ids` on the aws provider of every stack: an ARN is then matched to the stack pinned to the account it " +
      "writes, and a finding says for certain whether the agent reaches it. Or name the stack's own role by reference " +
      "(`${aws_iam_role.x.arn}`), which cannot name another account's role.",
    severity: "warning",
    category: "reach",
  },
  check({ analysis, strict }) {
    const out: FindingDraft[] = [];
    for (const a of analysis.ambiguous ?? []) {
      const where = a.mentions.join(", ");
      const account = /^arn:[^:]*:(?:iam|sts)::(\d{12}):/.exec(a.arn)?.[1] ?? "the ARN names";
      const trusts = a.mentions.filter((m) => m.endsWith(TRUST)).map((m) => m.slice(0, -TRUST.length));
      const can =
        trusts.length === a.mentions.length
          ? `can assume ${trusts.join(", ")} and use ${trusts.length === 1 ? "its" : "their"} rights`
          : `can use whatever ${where} grants it`;
      const other = a.peer.reached ? `${a.peer.is}, which ${a.peer.agent} can act as,` : capitalised(a.peer.agent);
      out.push({
        principal: a.address,
        resource: a.mentions[0],
        actions: [],
        severity: strict ? "error" : "warning",
        message:
          `${where} names ${a.arn}, which blastwall reads as this stack's own ${a.kind} of that name (no AI agent). ${other} has ` +
          `that name too, and neither stack's aws provider is pinned to an account (allowed_account_ids), so blastwall cannot tell ` +
          `which of the two the ARN names: if this stack does not deploy to account ${account}, ${a.peer.agent} ${can}.`,
        evidence: [
          { step: "principal", address: a.address, detail: `${a.arn}: ${a.reason}` },
          ...a.mentions.map((m) => ({ step: "mention", address: m, detail: `names ${a.arn}` })),
        ],
      });
    }
    return out;
  },
};

function capitalised(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
