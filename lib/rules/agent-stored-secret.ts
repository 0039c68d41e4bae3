import type { Rule } from "../engine/rule";
import type { Evidence, FindingDraft, StatementRef } from "../engine/findings";
import type { SecretRead } from "../engine/reach/credentials";
import type { PrincipalNode } from "../engine/analysis-types";
import type { TfStack } from "../engine/terraform/types";
import { listActions } from "../report/summarize";
import { agentCan, grantingBlockOf, managedPolicyFix, principalEvidence } from "./support";
import { isAwsManagedArn } from "../engine/terraform/policy-documents";
import { reachOf } from "./reach-support";
import { statementsKey } from "../engine/describe";
import { ACCESS_TOKEN, NODE_ACCESS_NOTE } from "../engine/reach/edges-node-access";

/** Secrets of unknown contents within an agent's reach: the step the April 2026 agent took. */
export const rule: Rule = {
  meta: {
    id: "agent-stored-secret",
    title: "An AI agent can read stored secrets whose contents blastwall cannot see",
    why:
      "The April 2026 agent searched for a credential, found a token with broad authority and used it. If a secret the agent " +
      "can read holds such a token, the agent holds its rights. With --strict (or strict in the config) this is an error.",
    fix:
      "Scope every read of a credential store (secretsmanager:GetSecretValue, ssm:GetParameter*, lambda:GetFunction*, " +
      "ec2:GetPasswordData, codebuild:BatchGetProjects, s3:GetObject on state and config objects, ...) to the exact stores the " +
      "agent needs, never to `*`, and keep deploy or admin credentials in stores only the deploy role can read.",
    severity: "warning",
    category: "reach",
  },
  check(ctx) {
    const graph = reachOf(ctx);
    const out: FindingDraft[] = [];
    for (const agent of ctx.analysis.agents) {
      const reads = graph.secretReadsOf(agent.address);
      if (reads.length === 0) continue;
      // Reads of named stores of the stack are already as narrow as reads get: what is left is what they hold.
      const exact = reads.every((r) => r.store !== "*" && ctx.stack.byAddress.has(r.store));
      // The policies of each read's statements, asked of it once: a read makes its references each time it is asked,
      // and an agent of a 20,000-resource stack held 40 reads asked once per policy it holds.
      const policies = reads.map((r) => r.statements.map((s) => s.policy));
      const managed = managedReads(agent, policies);
      // Reads an AWS managed policy grants next to others' cannot be scoped: its detaching is part of the fix.
      const detach = managed ? [] : managedShares(agent, policies);
      // Reads through the AgentCore token vault alone are not fixed in Secrets Manager or SSM (red-team round 156, F8).
      const vault = reads.filter((r) => TOKEN_VAULT.test(r.action));
      const vaultOnly = vault.length === reads.length && !managed && detach.length === 0 && !exact;
      const fix = vaultOnly
        ? VAULT_FIX
        : managed
          ? `${managed.fix} ${rule.meta.fix}`
          : detach.length > 0
            ? `${rule.meta.fix} ${detach.join(" ")}`
            : exact
              ? `The reads already name the stores; what matters is what they hold. Keep deploy and admin credentials out of ` +
                `${storesText(reads.map((r) => r.store))}, write the value in the stack (a secret version whose value is not a credential) ` +
                `so blastwall can see it, or acknowledge this finding with a reason saying what the store holds.`
              : undefined;
      const withVault = vault.length > 0 && !vaultOnly ? `${fix ?? rule.meta.fix} ${VAULT_FIX}` : fix;
      out.push({
        ...(withVault !== undefined ? { fix: withVault } : {}),
        principal: agent.address,
        // The first read's store: the reads come by the catalogue's kinds of store (the stack's stores by address, then
        // the wide reads, then other roots' states), each store's by statement, so the input's order does not set it.
        resource: managed?.block ?? reads[0].store,
        actions: [...new Set(reads.map((r) => r.action))],
        severity: ctx.strict ? "error" : "warning",
        message: `${agentCan(agent)} read stored secrets whose contents the stack does not show: ${storesText(reads.map((r) => r.store))}, through ${listActions([...new Set(reads.map((r) => r.action))])} (the evidence names each granting statement).${nodeAccessNote(reads)}`,
        // The attachment, located, is where the finding points (its file and line, the SARIF region).
        evidence: [principalEvidence(agent), ...(managed ? [attachmentStep(ctx.stack, agent, managed)] : []), ...readSteps(reads)],
      });
    }
    return out;
  },
};

/** The AgentCore token vault's reads: workload access tokens, and the API keys and OAuth2 or payment tokens they unlock. */
const TOKEN_VAULT = /^bedrock-agentcore:(GetWorkloadAccessToken|GetResourceApiKey|GetResourceOauth2Token|GetResourcePaymentToken)/i;

const VAULT_FIX =
  "The AgentCore reads (bedrock-agentcore:GetWorkloadAccessToken*, GetResource*) go through the AgentCore token vault: a workload " +
  "access token hands its holder the API keys and OAuth2 tokens the vault keeps for that workload identity. Scope them to the " +
  "agent's own workload identity (workload-identity-directory/default/workload-identity/NAME, not `*` or a prefix other " +
  "workloads share) and to the credential providers it needs, and keep third-party tokens and API keys with broad authority " +
  "(an admin or deploy credential, an organization-wide OAuth grant) out of the vault of an agent's workload: give them to " +
  "a workload identity only a deploy role uses. If the agent's workload holds only narrow tokens, acknowledge this finding " +
  "with a reason saying so.";

/**
 * A just-in-time access token is a shell on a node once a request is approved, and who approves is decided outside the
 * stack (red-team round 131): the warning says so.
 */
function nodeAccessNote(reads: readonly SecretRead[]): string {
  return reads.some((r) => r.action.toLowerCase() === ACCESS_TOKEN.toLowerCase()) ? ` ${NODE_ACCESS_NOTE}` : "";
}

/**
 * When every read comes from one AWS managed policy the agent holds (ReadOnlyAccess reads parameters, task definitions
 * and user data), the block that attaches it and how to detach it: nobody can scope that policy's statements (red-team
 * round 123). A read names the statement granting it, and with it the policy.
 */
function managedReads(agent: PrincipalNode, policies: readonly (readonly string[])[]): { block: string; fix: string; arn: string } | undefined {
  for (const p of agent.identityPolicies) {
    const arn = p.document.address;
    if (!isAwsManagedArn(arn) || !policies.every((ps) => ps.length > 0 && ps.every((x) => x === arn))) continue;
    const { block, statement } = grantingBlockOf(agent, arn);
    const fix = statement && managedPolicyFix(agent, statement);
    if (fix) return { block, fix, arn };
  }
  return undefined;
}

/** For each AWS managed policy granting some of the reads (others grant the rest), how to detach it, in the reads' order. */
function managedShares(agent: PrincipalNode, policies: readonly (readonly string[])[]): string[] {
  const arns = [...new Set(policies.flat().filter(isAwsManagedArn))];
  return arns.flatMap((arn) => {
    const { statement } = grantingBlockOf(agent, arn);
    const fix = statement && managedPolicyFix(agent, statement);
    return fix ? [fix] : [];
  });
}

function attachmentStep(stack: TfStack, agent: PrincipalNode, m: { block: string; arn: string }): Evidence {
  const at = stack.byAddress.get(m.block)?.location;
  return { step: "attachment", address: m.block, detail: `attaches ${m.arn} to ${agent.address}`, ...(at ? { location: at } : {}), attaches: m.arn };
}

/** The stores, each once; a wildcard is the stores outside the stack. A long list is cut to its first few. */
function storesText(stores: readonly string[]): string {
  const named = [...new Set(stores.map((s) => (s === "*" ? "any store outside this stack (`*`)" : s)))];
  return named.length <= 5 ? named.join(", ") : `${named.slice(0, 5).join(", ")} and ${named.length - 5} more`;
}

/**
 * One step per store and granting statement, listing the actions it grants there: a wide read is granted dozens of
 * read actions by one statement, and a step each made the evidence a page long (red-team round 121). Reads that differ
 * only in the action (the same `afterAction`, store and statements) share a step; any other read keeps a step of its own.
 */
export function readSteps(reads: readonly SecretRead[]): Evidence[] {
  const steps: Step[] = [];
  // Found by the strings the read already holds (its store, its first statement's digest), then by comparing the rest,
  // never by a key text made per read: an agent of a large stack holds hundreds of reads whose texts run to hundreds
  // of characters, and writing and hashing a key for each was most of this rule's time.
  const byStore = new Map<string, Map<string | undefined, Step[]>>();
  for (const r of reads) {
    const after = r.afterAction;
    const statements = r.statements;
    const text = after ?? r.detail;
    let byDigest = byStore.get(r.store);
    if (!byDigest) byStore.set(r.store, (byDigest = new Map()));
    const digest = statements[0]?.digest;
    let alike = byDigest.get(digest);
    if (!alike) byDigest.set(digest, (alike = []));
    // A read with no `afterAction` shares a step only with a read just like it, its action too.
    const step = alike.find((s) => s.text === text && (s.after === undefined) === (after === undefined) && (after !== undefined || s.read.action === r.action) && sameRefs(s.statements, statements));
    if (step) step.actions.push(r.action);
    else {
      const made: Step = { read: r, after, text, statements, actions: [r.action] };
      alike.push(made);
      steps.push(made);
    }
  }
  return steps.map(({ read, after, statements, actions }) => ({
    step: "secret-read",
    address: read.store,
    detail: after === undefined ? read.detail : `${listActions(actions)}${after}`,
    ...statementsKey(statements),
  }));
}

/** One evidence step of `readSteps`: its first read, the text reads share it by, and the actions of all of them. */
interface Step {
  readonly read: SecretRead;
  readonly after: string | undefined;
  readonly text: string;
  readonly statements: readonly StatementRef[];
  readonly actions: string[];
}

/**
 * Whether two reads name the same statements, equal field by field as their JSON is (every reference is made by
 * `statementRef`, so its keys come in one order); an absent field is not an empty one.
 */
function sameRefs(a: readonly StatementRef[], b: readonly StatementRef[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const [x, y] = [a[i], b[i]];
    if (x.policy !== y.policy || x.inlinePolicy !== y.inlinePolicy || x.sid !== y.sid || x.index !== y.index || x.digest !== y.digest) return false;
  }
  return true;
}
