import { AGENT_ENTRY_PATH, AGENT_PATH } from "../engine/agents";
import { loadCatalogue } from "../engine/catalogue";
import { globMatch } from "../engine/iam/glob";
import { loginRewriteEntries, providerRewriteEntries } from "./destroy-guard";
import { MANAGED_POLICY_LIMIT, packActions, type StatementJson } from "./policy-document";

/**
 * The permission boundary of an agent role, and the guard policy that takes what does not fit in it.
 *
 * A boundary is one managed policy, and IAM caps a managed policy at 6,144 characters; the catalogue's
 * destroy, protection and escalation actions together are longer than that. So the actions are packed in
 * order into the boundary, and the rest go into a second managed policy attached to the role whose only
 * content is the same Deny (the identity provider and login rewrites of providerRewriteEntries and
 * loginRewriteEntries among them). Both hold: an explicit Deny anywhere beats every Allow, including one in a policy
 * someone attaches later. The boundary keeps the escalation actions first (they are what could remove the guard
 * policy), and it also denies every change to the role itself, the boundary and the guard.
 */

/** Actions an agent needs to chain into another agent role (a ScopedToken's), which the boundary allows only there. */
export const CHAIN_ACTIONS = ["sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"] as const;

/**
 * Every agent identity and its guardrails, in every partition: agent roles (ScopedToken roles included), entry roles
 * (GitHub Actions, GitLab CI), and the boundaries, guard policies and entry boundaries, all of which AgentRole puts
 * under the agent role's path. An agent must not change any of them (red-team round 92: iam:UpdateRole on its entry
 * role gave whoever holds that session 12 hours of re-chaining into the agent role, and iam:UntagRole took its
 * `blastwall:agent` tag away), only read them, and chain into agent roles (DenyRoleChainingOutsideAgents).
 */
export const AGENT_IDENTITY_ARNS = [`arn:*:iam::*:role${AGENT_PATH}*`, `arn:*:iam::*:role${AGENT_ENTRY_PATH}*`, `arn:*:iam::*:policy${AGENT_PATH}*`] as const;
/** What an agent may still do to those: read them, and chain into an agent role. */
export const AGENT_IDENTITY_READS = ["iam:Get*", "iam:List*", ...CHAIN_ACTIONS] as const;

export interface AgentGuardrails {
  readonly boundary: StatementJson[];
  /** The guard policies, each within IAM's size limit; none when everything fits in the boundary. */
  readonly guards: StatementJson[][];
}

export interface GuardrailTargets {
  /** ARN pattern of the role itself, `arn:*:iam::*:role/agents/NAME` (every partition). */
  readonly roleArn: string;
  readonly boundaryArn: string;
  /** ARN pattern covering every guard policy (`...-guard*`). */
  readonly guardArn: string;
}

function denyAll(sid: string, actions: readonly string[]): StatementJson {
  return { Sid: sid, Effect: "Deny", Action: [...actions], Resource: "*" };
}

/**
 * The boundary and guard policies. `exempt` are catalogue actions the Denies leave out (AgentRole's
 * `boundaryExemptions`, checked there), which must then also check that no statement still denies them (`denyCovering`).
 */
export function agentGuardrails(targets: GuardrailTargets, exempt: readonly string[] = []): AgentGuardrails {
  const cat = loadCatalogue();
  const chain = new Set(CHAIN_ACTIONS.map((a) => a.toLowerCase()));
  const left = new Set(exempt.map((a) => a.toLowerCase()));
  // Escalation first (it protects the guard policy), then what deletes, then what removes protection. Packed with the
  // exempted actions still in, which are taken out afterwards: an exemption added or dropped later then changes only
  // the policy that held it, and no other action moves between policies. Terraform updates the boundary and the
  // guards in parallel, and an action moving from one to another could be denied by neither for a moment
  // (red-team round 76).
  // The identity provider rewrites come last, so that adding them moved no action of a deployed boundary or guard
  // (red-team round 113); they fall into the last guard. The other login rewrites come after them, for the same reason.
  const ordered = [...cat.escalation, ...cat.direct, ...cat.protection, ...providerRewriteEntries(), ...loginRewriteEntries()].map((e) => e.action).filter((a) => !chain.has(a.toLowerCase()));
  const kept = (group: readonly string[]) => group.filter((a) => !left.has(a.toLowerCase()));

  const fixed: StatementJson[] = [
    // A boundary caps; it grants nothing. Allow * leaves the identity policies in charge of what is granted.
    { Sid: "IdentityPoliciesDecideWithinTheseDenies", Effect: "Allow", Action: "*", Resource: "*" },
    {
      Sid: "DenyChangesToOwnGuardrails",
      Effect: "Deny",
      NotAction: ["iam:Get*", "iam:List*"],
      Resource: [targets.roleArn, targets.boundaryArn, targets.guardArn],
    },
    {
      // The other agents' roles and policies, and the agent's entry roles: the statement above also denies chaining
      // into the role itself, which this one leaves to DenyRoleChainingOutsideAgents (ScopedToken roles are there).
      Sid: "DenyChangesToAgentIdentities",
      Effect: "Deny",
      NotAction: [...AGENT_IDENTITY_READS],
      Resource: [...AGENT_IDENTITY_ARNS],
    },
    {
      // Role chaining only into other agent roles, which carry a boundary like this one (ScopedToken roles).
      Sid: "DenyRoleChainingOutsideAgents",
      Effect: "Deny",
      Action: [...CHAIN_ACTIONS],
      // Every partition: `arn:aws:` would never match a role in aws-us-gov or aws-cn and deny all chaining there.
      NotResource: "arn:*:iam::*:role/agents/*",
    },
  ];
  const [first, ...rest] = packActions(ordered, MANAGED_POLICY_LIMIT, (g) => [...fixed, denyAll("DenyDestroyRights", g)]);
  const boundary = [...fixed, denyAll("DenyDestroyRights", kept(first))];
  // What does not fit goes into as many guard policies as it takes (two with today's catalogue), each one Deny. They
  // are packed under a Sid as long as the longest they get (DenyDestroyRights2...): packed under a shorter one, a guard
  // filled to the limit went over it once renamed, a policy IAM refuses to create.
  let digits = 1;
  let packed = packActions(rest.flat(), MANAGED_POLICY_LIMIT, (g) => [denyAll(`DenyDestroyRights${"9".repeat(digits)}`, g)]);
  while (String(packed.length + 1).length > digits) {
    digits++;
    packed = packActions(rest.flat(), MANAGED_POLICY_LIMIT, (g) => [denyAll(`DenyDestroyRights${"9".repeat(digits)}`, g)]);
  }
  // A guard whose every action is exempted would be a Deny of nothing, which IAM refuses: it is left out.
  const guards = packed.map(kept).filter((g) => g.length > 0).map((g, i) => [denyAll(`DenyDestroyRights${i + 2}`, g)]);
  return { boundary, guards };
}

/**
 * The first Deny of `statements` whose Action covers `action`, as `Sid ("pattern")`; undefined when none does. The
 * NotAction Deny on the agent's own role and policies is not counted: it holds there whatever is exempted.
 */
export function denyCovering(statements: readonly StatementJson[], action: string): string | undefined {
  for (const st of statements) {
    if (st.Effect !== "Deny" || st.Action === undefined) continue;
    const patterns = typeof st.Action === "string" ? [st.Action] : st.Action;
    const hit = patterns.find((p) => globMatch(p, action, { caseInsensitive: true }));
    if (hit !== undefined) return `${st.Sid ?? "(no Sid)"} ("${hit}")`;
  }
  return undefined;
}
