import type { Rule } from "../engine/rule";
import type { FindingDraft } from "../engine/findings";
import { writtenCredentials } from "../engine/reach/credentials";
import { anchorRoles, writtenSecrets, type WrittenSecret } from "../engine/reach/written-secrets";
import type { RuleContext } from "../engine/rule";
import type { Evidence } from "../engine/findings";
import type { PeerAgent, TfResource } from "../engine/terraform/types";
import { maySitIn, resourceAccount } from "../engine/terraform/providers";
import { listActions } from "../report/summarize";
import { principalEvidence } from "./support";
import { describe, resourceEvidence } from "./protection-support";
import { capabilityActions, capabilityEvidence, capabilityOf, isDangerous } from "./reach-support";

const FIX =
  "Keep the credential out of resource configuration: AWS shows configuration back to whoever may describe the resource. " +
  "Give the workload a role instead of a key (an instance profile, a task or execution role); if a long-lived key is unavoidable, " +
  "keep it in Secrets Manager under a resource policy that names only the workload, and pass the secret's ARN.";

const PASSWORD_FIX =
  "Keep the master password out of resource configuration (write connection details without it): let RDS manage it " +
  "(manage_master_user_password) or keep it in Secrets Manager under a resource policy that names only the workload, and pass " +
  "the secret's ARN. Change the password: configuration already shown to readers is no secret.";

const CA_FIX =
  "Keep the CA's private key out of resource configuration: sign with an ACM Private CA (its key never leaves it) or keep the key " +
  "off AWS, and give workloads only the certificates they need. Replace the CA and the trust anchor's certificate: a key " +
  "already shown to readers is no longer the CA's alone.";

/**
 * Fail closed where the stored-credential path (E8) has no model: a key written into the configuration of a resource
 * blastwall does not know the read actions of is taken to be readable by the agents, not by no one (red-team round 85).
 */
export const rule: Rule = {
  meta: {
    id: "credential-in-configuration",
    title: "A user's credential, a database password or a CA key is written into a resource's configuration blastwall cannot tell the readers of",
    why:
      "AWS shows most of a resource's configuration to whoever may describe it, and its tags to whoever may read tags; the " +
        "Terraform state holds all of it. So blastwall counts every agent as able to read a credential written there and act as " +
        "its owner: delete what that user can, or connect with a master password and drop the data, as the April 2026 agent " +
        "deleted a production volume with a broad token it found.",
    details:
      "The April 2026 agent found a broad token and used it. AWS returns most configuration (settings, targets, parameters, " +
        "definitions) to whoever may describe the resource, tags to any service's tag reads and tag:GetResources, and the " +
        "Terraform state holds all of it; blastwall does not know which read action returns this attribute, so it does not " +
        "weigh the agents' read rights: any agent may hold the credential and act as its user. " +
        "It is an error when that user can delete data (or when blastwall cannot tell whose it is), a warning otherwise (an error with " +
        "--strict). A database's master password written there is an error (its holder connects and drops the data); so is the private " +
        "key of a CA a Roles Anywhere trust anchor of the stack trusts, when a role its profiles serve can delete data or blastwall " +
        "cannot tell which roles they are. Checked with the other stacks of a run, their agents read it too unless their stacks are " +
        "pinned to another account, and a secret another stack hands over by a cross-stack reference counts as written here.",
    fix: FIX,
    severity: "error",
    category: "reach",
  },
  check(ctx) {
    const agents = ctx.analysis.agents;
    // The agents of the other stacks of the run read configuration in their account whichever stack wrote it
    // (red-team round 106, A2: a key tagged in an "identity" stack with no agent passed). One this stack names, and
    // so counts among its own agents, is said once.
    const own = new Set(agents.flatMap((a) => (a.peer ? [a.peer.is] : [])));
    const peers = (ctx.stack.peerAgents ?? []).filter((p) => !own.has(`${p.address} of stack ${p.stack}`)).sort((x, y) => Number(x.actsFor !== undefined) - Number(y.actsFor !== undefined));
    // Who may read it is the question; without an agent principal there is no one the gate is about.
    if (agents.length === 0 && peers.length === 0) return [];
    const out: FindingDraft[] = [];
    for (const w of writtenCredentials(ctx.stack)) {
      const readers = readersOf(ctx, peers, w.resource);
      if (!readers) continue;
      const owner = w.user ? ctx.analysis.byAddress.get(w.user) : undefined;
      const cap = owner ? capabilityOf(ctx, owner) : undefined;
      const actions = cap ? capabilityActions(cap) : ["*"];
      const dangerous = !cap || isDangerous(cap);
      const whose = owner ? `${owner.address}` : `a user blastwall cannot resolve`;
      const can = !cap
        ? "whose rights blastwall cannot see, which counts as every right"
        : dangerous
          ? `which can delete data or remove its protection (${listActions(actions)})`
          : "which holds no destroy right blastwall sees";
      out.push({
        principal: w.resource.address,
        resource: w.resource.address,
        actions,
        severity: dangerous || ctx.strict ? "error" : "warning",
        message:
          `${describe(w.resource)} holds ${w.what} of ${whose} (${w.credential}) in its ${w.attribute} argument, ${can}. ` +
          `${unknownRead(w.resource, w.attribute, readers)} may read the credential and act as ${whose}.`,
        evidence: [
          resourceEvidence(w.resource, `${w.attribute} holds ${w.credential}`),
          { step: "credential", address: w.credential, detail: `${w.what} of ${whose}` },
          // The owner is no agent (principalEvidence would call it one): it is whose rights the credential carries.
          ...(owner && cap ? [{ step: "principal", address: owner.address, detail: `${owner.kind} ${owner.name}, whose credential it is` }, ...capabilityEvidence(owner, cap)] : []),
          ...readers.evidence,
        ],
        ...(w.resource.constructPath ? { constructPath: w.resource.constructPath } : {}),
      });
    }
    for (const w of writtenSecrets(ctx.stack)) {
      const readers = readersOf(ctx, peers, w.resource);
      if (readers) out.push(secretFinding(ctx, w, readers));
    }
    return out;
  },
};

/** The agents that may read a resource's configuration, as a message names them and as evidence. */
interface Readers {
  /** `any agent of this stack or of stack prod`: whose agents they are. */
  readonly who: string;
  readonly names: string;
  readonly evidence: readonly Evidence[];
}

/**
 * The stack's agents, and the other stacks' agents (and the principals they can act as) that may share the resource's
 * account: only a provider pinned to another account than the one the agent's ARN names keeps them apart, as for the
 * trusts another stack's agent may assume (principals/collect.ts). Undefined when there are none.
 */
function readersOf(ctx: RuleContext, peers: readonly PeerAgent[], r: TfResource): Readers | undefined {
  const agents = ctx.analysis.agents;
  const account = peers.length > 0 ? resourceAccount(ctx.stack, r) : undefined;
  const others = peers.filter((p) => maySitIn(p.arnPattern, account));
  const all = [...agents.map((a) => a.address), ...others.map((p) => `${p.address} of stack ${p.stack}`)];
  if (all.length === 0) return undefined;
  const names = all.slice(0, 3).join(", ") + (all.length > 3 ? ` and ${all.length - 3} more` : "");
  const stacks = [...new Set(others.map((p) => p.stack))];
  const where = [...(agents.length > 0 ? ["this stack"] : []), ...(stacks.length > 0 ? [`stack ${stacks.join(", ")}`] : [])];
  // A principal of another stack an agent there can act as is named among them, and is no agent itself.
  const who = `any agent of ${where.join(" or of ")}${others.some((p) => p.actsFor !== undefined) ? " or principal one can act as" : ""}`;
  const evidence: Evidence[] = agents.slice(0, 3).map((a) => principalEvidence(a));
  for (const p of others.slice(0, Math.max(0, 3 - evidence.length))) evidence.push({ step: "principal", address: `${p.address} of stack ${p.stack}`, detail: `${p.kind} of stack ${p.stack}, ${p.reason}, which may share the account of ${r.address}` });
  return { who, names, evidence };
}

/**
 * Why the readers named may read an attribute of configuration. Whoever reads the resource, its tags (any service's tag
 * reads, `tag:GetResources`) or the state reads it, and blastwall does not know which action returns it: the agents'
 * rights are not weighed (red-team round 107, F5: the message said they held read rights in the service they lacked).
 */
function unknownRead(r: TfResource, attribute: string, { who, names }: Readers): string {
  const what = attribute === "tags" || attribute === "tags_all" ? "its tags" : "the resource";
  return (
    `blastwall does not know which read action of ${r.type} returns ${attribute}, and whoever reads ${what} or the ` +
    `Terraform state reads the value, so, whatever its read rights, ${who} (${names})`
  );
}

/** A database password or CA key in configuration: what it opens, who may read it, and how bad that is. */
function secretFinding(ctx: RuleContext, w: WrittenSecret, readers: Readers): FindingDraft {
  // Another stack's secret, handed over by a cross-stack reference, is named as that stack's.
  const of = w.secret.stack !== undefined ? ` of stack ${w.secret.stack}` : "";
  const where = `${describe(w.resource)} holds`;
  const reads = unknownRead(w.resource, w.attribute, readers);
  const base = {
    principal: w.resource.address,
    resource: w.resource.address,
    ...(w.resource.constructPath ? { constructPath: w.resource.constructPath } : {}),
  };
  if (w.secret.kind === "database-password") {
    const db = `${w.secret.database}${of}`;
    return {
      ...base,
      actions: [],
      severity: "error",
      fix: PASSWORD_FIX,
      message:
        `${where} the master password of ${db} in its ${w.attribute} argument. ${reads} may read it, connect to ${db} as the ` +
        `master user and drop the data, which no IAM Deny prevents.`,
      evidence: [resourceEvidence(w.resource, `${w.attribute} holds the master password of ${db}`), { step: "database", address: db, detail: "whose master password it is" }, ...readers.evidence],
    };
  }
  const key = `${w.secret.key}${of}`;
  const anchors = w.secret.anchors.map((a) => `${a}${of}`);
  // Another stack's anchor serves that stack's profiles and roles, which this stack's analysis does not hold: fail closed.
  const other = w.secret.stack;
  const found = other !== undefined ? [{ roles: [], unknown: `the anchors are of stack ${other}, whose profiles and roles this stack's analysis does not hold` }] : w.secret.anchors.map((a) => anchorRoles(ctx.stack, ctx.analysis, a));
  const unknown = found.find((f) => f.unknown)?.unknown;
  const roles = [...new Map(found.flatMap((f) => f.roles).map((r) => [r.address, r])).values()];
  const caps = roles.map((r) => ({ r, cap: capabilityOf(ctx, r) }));
  const dangerous = caps.filter((c) => isDangerous(c.cap));
  const actions = unknown ? ["*"] : [...new Set(dangerous.flatMap((c) => capabilityActions(c.cap)))];
  const behind = anchors.join(", ");
  const served =
    roles.length === 0
      ? "no role of the stack"
      : roles.map((r) => r.address).join(", ") + (dangerous.length > 0 ? `, of which ${dangerous.map((c) => c.r.address).join(", ")} can delete data or remove its protection (${listActions(actions)})` : ", none of which holds a destroy right blastwall sees");
  const also = unknown ? `; blastwall cannot tell every role: ${unknown}, which counts as every right` : "";
  return {
    ...base,
    actions,
    severity: unknown || dangerous.length > 0 || ctx.strict ? "error" : "warning",
    fix: CA_FIX,
    message:
      `${where} the private key of the CA behind ${behind} (${key}) in its ${w.attribute} argument. ${reads} may read it, sign a ` +
      `client certificate the anchor trusts and take a Roles Anywhere session of any role its profiles serve: ${served}${also}.`,
    evidence: [
      resourceEvidence(w.resource, `${w.attribute} holds the private key ${key}`),
      ...anchors.map((a) => ({ step: "trust-anchor", address: a, detail: `trusts the CA whose key is ${key}` })),
      ...caps.flatMap(({ r, cap }) => [{ step: "principal", address: r.address, detail: `${r.kind} ${r.name}, which a session through the anchor may take` }, ...capabilityEvidence(r, cap)]),
      ...readers.evidence,
    ],
  };
}
