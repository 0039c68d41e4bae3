import type { Rule } from "../engine/rule";
import type { FindingDraft } from "../engine/findings";
import type { PrincipalNode } from "../engine/analysis-types";
import { loadCatalogue } from "../engine/catalogue";
import { reservedRoleSetName, trustNamesRole } from "../engine/reach/edges-web-identity";
import { listActions } from "../report/summarize";
import { byCodeUnit, grantsByCategory, ownAgentRoles, principalEvidence } from "./support";
import { describe } from "./protection-support";

/**
 * An agent runs where its sessions are started (red-team round 83): on the runner's instance, in its task or CI job.
 * The runner's own credentials there (an instance role through the metadata service, a task role, a job's token) are
 * within the agent's reach, around its boundary. The reach analysis follows a runner's web identity token; its role's
 * rights are this rule's, as a warning: a broker on another host starts sessions without sharing its credentials.
 */
const SESSION_ACTIONS = new Set(["sts:assumerole", "sts:setsourceidentity", "sts:tagsession"]);

export const rule: Rule = {
  meta: {
    id: "agent-runner-rights",
    title: "The role that starts an AI agent's sessions may destroy data",
    why:
      "An agent runs where its sessions are started: on the runner's instance, in its task or CI job, or beside a developer's IAM " +
      "Identity Center session. The runner's own credentials there (an instance role through the metadata service, a task role, a " +
      "job's token, the SSO token cache that gets credentials for every permission set the user is assigned) are within the agent's " +
      "reach, around the agent's permission boundary, so a runner that may delete data makes the agent's least privilege the runner's.",
    fix:
      "Give the runner only what starting agent sessions needs (sts:AssumeRole, sts:SetSourceIdentity and sts:TagSession on the agent " +
      "roles), or run the agent where the runner's credentials are out of its reach (another host or task; IMDSv2 with a hop limit of 1 " +
      "keeps containers from the instance role) and acknowledge the finding with that reason.",
    severity: "warning",
    category: "reach",
  },
  check({ stack, analysis }) {
    const out: FindingDraft[] = [];
    const cat = loadCatalogue();
    // A permission set starts sessions too (red-team round 99): its users' sessions, beside which the agent runs on a
    // developer's machine, where the SSO token cache gets credentials for every set the user is assigned.
    const runners = analysis.principals.filter((r) => (r.kind === "role" || r.kind === "permission-set") && !r.isAgent && !r.external);
    if (runners.length === 0) return out;
    const index = indexRunners(runners);
    for (const agent of ownAgentRoles(analysis.agents)) {
      // Only the roles its trust may name are asked about (by name in an ARN, a session ARN or an aws:PrincipalArn
      // value, or by a reference to their address), which keeps the rule linear in large stacks; a trust blastwall
      // cannot read, or one that refers to a data source, asks them all.
      for (const runner of candidates(agent, runners, index)) {
        if (!trustNamesRole(stack, agent, runner)) continue;
        const byCategory = grantsByCategory(analysis.rightsOf(runner.address));
        // What would be an error on the agent itself: error-graded destroy and protection rights, and escalation, but
        // for the session actions every runner needs to start the agent's sessions.
        const actions = [...new Set(
          (["direct", "protection", "escalation"] as const).flatMap((c) =>
            (byCategory.get(c) ?? []).filter((g) => (c === "escalation" ? !SESSION_ACTIONS.has(g.action.toLowerCase()) : cat.entryOf(g.action)?.severity !== "warning")).map((g) => g.action),
          ),
        )].sort((a, b) => cat.rank(a) - cat.rank(b) || byCodeUnit(a, b));
        if (actions.length === 0) continue;
        const set = runner.kind === "permission-set";
        out.push({
          principal: agent.address,
          resource: runner.address,
          actions,
          message: set
            ? `${describe(agent.resource)} is an AI agent role whose sessions users of the Identity Center permission set ${runner.address} (${runner.name}) ` +
              `start (its trust names the set's AWSReservedSSO_${runner.name}_ roles), and that set may itself ${listActions(actions)}: an agent running ` +
              `beside such a session (a developer's machine, whose SSO token cache gets credentials for every set the user is assigned) holds them too, around its own boundary.`
            : `${describe(agent.resource)} is an AI agent role whose sessions ${runner.address} starts (its trust names that role), and ${runner.address} ` +
              `may itself ${listActions(actions)}: an agent running where that role's credentials are (its instance, task or job) holds them too, around its own boundary.`,
          evidence: [
            principalEvidence(agent),
            { step: "trust", address: agent.address, detail: `the trust policy names ${set ? `the roles of the permission set ${runner.address}` : runner.address}, which starts the agent's sessions` },
            { step: "runner-rights", address: runner.address, detail: `may ${listActions(actions)}` },
          ],
          ...(agent.resource.constructPath ? { constructPath: agent.resource.constructPath } : {}),
        });
      }
    }
    return out;
  },
};

/** The roles among `runners` that the agent's trust may name (see `trustNamesRole`, which decides). */
interface RunnerIndex {
  readonly byAddress: ReadonlyMap<string, PrincipalNode>;
  readonly byName: ReadonlyMap<string, readonly PrincipalNode[]>;
}

function indexRunners(runners: readonly PrincipalNode[]): RunnerIndex {
  const byName = new Map<string, PrincipalNode[]>();
  for (const r of runners) byName.set(r.name.toLowerCase(), [...(byName.get(r.name.toLowerCase()) ?? []), r]);
  return { byAddress: new Map(runners.map((r) => [r.address, r])), byName };
}

function candidates(agent: PrincipalNode, runners: readonly PrincipalNode[], index: RunnerIndex): readonly PrincipalNode[] {
  const found = new Set<PrincipalNode>();
  let all = false;
  const collect = (id: string, written: string | undefined) => {
    for (const m of (written ?? "").matchAll(/\$\{([^{}]*)\}/g)) {
      const expr = m[1].trim();
      if (expr.startsWith("data.")) all = true;
      const address = /^([a-z0-9_]+\.[\w-]+)/i.exec(expr)?.[1];
      const r = address === undefined ? undefined : index.byAddress.get(address);
      if (r) found.add(r);
    }
    const name = /:role\/(?:.*\/)?([^/]+)$/.exec(id)?.[1] ?? /:assumed-role\/([^/]+)\//.exec(id)?.[1];
    if (name === undefined) return;
    // A permission set's role, its suffix a wildcard or not, is the set of that name.
    const set = reservedRoleSetName(name);
    if (set !== undefined) {
      for (const r of index.byName.get(set.toLowerCase()) ?? []) if (r.kind === "permission-set") found.add(r);
      if (/[*?]/.test(name)) return;
    }
    if (/[*?]/.test(name)) {
      // A pattern may name many; without the reference it came from, every role is asked.
      if (written === undefined) all = true;
      return;
    }
    for (const r of index.byName.get(name.toLowerCase()) ?? []) found.add(r);
  };
  for (const s of agent.trustPolicy?.statements ?? []) {
    if (s.unknown !== undefined) all = true;
    for (const p of s.principals ?? []) p.identifiers.forEach((id, i) => collect(id, p.written?.[i]));
    for (const c of s.conditions) if (c.key.toLowerCase() === "aws:principalarn") c.values.forEach((v, i) => collect(v, c.written?.[i]));
  }
  if (!agent.trustPolicy) all = true;
  return all ? runners : [...found];
}
