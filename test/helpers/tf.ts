import { buildStack } from "../../lib/engine/terraform/stack";
import { checkStacks } from "../../lib/check/run-check";
import type { BlastwallConfig } from "../../lib/engine/config-types";
import type { Finding } from "../../lib/engine/findings";
import type { Report } from "../../lib/report/types";
import type { Rule } from "../../lib/engine/rule";
import { agentRules } from "../../lib/rules";
import { loadCatalogue } from "../../lib/engine/catalogue";
import { globMatch } from "../../lib/engine/iam/glob";

type Obj = Record<string, unknown>;

/** A cdk.tf.json-shaped document from `"type.name": body` entries (`data.type.name` for data sources). */
export function tf(entries: Record<string, Obj>, extra: Obj = {}): Obj {
  const root: Obj = { ...extra };
  for (const [key, body] of Object.entries(entries)) {
    const parts = key.split(".");
    const mode = parts[0] === "data" ? "data" : "resource";
    const [type, name] = mode === "data" ? parts.slice(1) : parts;
    const m = (root[mode] ??= {}) as Obj;
    const t = (m[type] ??= {}) as Obj;
    t[name] = body;
  }
  return root;
}

export const AGENT = { "blastwall:agent": "true" };

export const TRUST = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:role/runner" }, Action: "sts:AssumeRole" }],
});

export function policy(...statements: Obj[]): string {
  return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}

export function agentRole(extra: Obj = {}): Obj {
  return { name: "agent", path: "/agents/", assume_role_policy: TRUST, tags: AGENT, ...extra };
}

/** Runs the agent rules (or the given ones) over one document, as `blastwall check` would. */
export function check(json: Obj, config: BlastwallConfig = {}, opts: { strict?: boolean; now?: Date; rules?: readonly Rule[] } = {}): Report {
  return checkStacks([buildStack(json, "test.tf.json")], { config, strict: opts.strict, now: opts.now, rules: opts.rules ?? agentRules });
}

/** A trust policy the agent rules of the protection family accept: a runner, with a source identity `agent-*`. */
export const SAFE_TRUST = JSON.stringify({
  Version: "2012-10-17",
  Statement: [
    {
      Effect: "Allow",
      Principal: { AWS: "arn:aws:iam::111111111111:role/runner" },
      Action: ["sts:AssumeRole", "sts:SetSourceIdentity"],
      Condition: { StringLike: { "sts:SourceIdentity": "agent-*" } },
    },
  ],
});

/**
 * An agent role set up as AgentRole would be: boundary denying destroy rights, source identity, one-hour sessions, and
 * (as AgentRole's guard policies do) a Deny of the rest of the catalogue and of changes to the role itself, but for
 * what those `statements` allow.
 */
export function safeAgentStack(statements: Obj[], boundaryDenies = ["ec2:Delete*", "ec2:Terminate*", "rds:Delete*", "s3:Delete*", "iam:*"]): Obj {
  const allowed = statements.filter((s) => s.Effect === "Allow").flatMap((s) => (Array.isArray(s.Action) ? s.Action : s.Action === undefined ? [] : [s.Action]) as string[]);
  const unallowed = (actions: readonly string[]) => actions.filter((a) => !allowed.some((p) => globMatch(p, a, { caseInsensitive: true })));
  const cat = loadCatalogue();
  const guarded = unallowed(cat.direct.map((e) => e.action));
  // Changes to the role itself no catalogue entry names (agent-role-boundary asks for them to be denied).
  const self = unallowed(["iam:UpdateRole", "iam:TagRole", "iam:UntagRole"]);
  // The protection and escalation lists (sts:AssumeRole among them: no role chaining) go into managed policies: with
  // the direct list they are over IAM's 10,240 characters of inline policy per role, and each fits in 6,144.
  const more = { protection: unallowed(cat.protection.map((e) => e.action)), escalation: unallowed(cat.escalation.map((e) => e.action)) };
  const managed: Record<string, Obj> = {};
  // Each list is split into managed policies that fit IAM's 6,144 characters, as AgentRole's guards are (the escalation
  // list passed it at catalogue 1.31.0): the engine reads a larger one as a policy IAM would refuse.
  const parts = (actions: string[]): string[][] => {
    const out: string[][] = [[]];
    for (const a of actions) {
      const next = [...out[out.length - 1], a];
      if (policy({ Effect: "Deny", Action: next, Resource: "*" }).length > 6000 && next.length > 1) out.push([a]);
      else out[out.length - 1] = next;
    }
    return out;
  };
  for (const [list, actions] of Object.entries(more)) {
    if (actions.length === 0) continue;
    parts(actions).forEach((part, i) => {
      const name = i === 0 ? list : `${list}_${i + 1}`;
      managed[`aws_iam_policy.guard_${name}`] = { name: `agent-guard-${name}`, policy: policy({ Effect: "Deny", Action: part, Resource: "*" }) };
      managed[`aws_iam_role_policy_attachment.guard_${name}`] = { role: "${aws_iam_role.agent.name}", policy_arn: `\${aws_iam_policy.guard_${name}.arn}` };
    });
  }
  return tf({
    "aws_iam_policy.boundary": {
      name: "agent-boundary",
      policy: policy({ Effect: "Allow", Action: "*", Resource: "*" }, { Effect: "Deny", Action: boundaryDenies, Resource: "*" }),
    },
    "aws_iam_role.agent": { ...agentRole({ assume_role_policy: SAFE_TRUST, permissions_boundary: "${aws_iam_policy.boundary.arn}", max_session_duration: 3600 }) },
    "aws_iam_role_policy.ops": { role: "${aws_iam_role.agent.name}", policy: policy(...statements) },
    "aws_iam_role_policy.guard": {
      role: "${aws_iam_role.agent.name}",
      policy: policy({ Effect: "Deny", Action: guarded, Resource: "*" }, ...(self.length > 0 ? [{ Effect: "Deny", Action: self, Resource: "arn:*:iam::*:role/agents/agent" }] : [])),
    },
    ...managed,
  });
}

export function errors(r: Report, ruleId?: string): Finding[] {
  return r.findings.filter((f) => f.severity === "error" && !f.acknowledged && (ruleId === undefined || f.ruleId === ruleId));
}

export function ruleIds(r: Report): string[] {
  return [...new Set(errors(r).map((f) => f.ruleId))].sort();
}

/** An admin user whose access key the stack stores somewhere (`extra`); the agent's own policy reads nothing but logs. */
export function adminKeyStack(extra: Record<string, Obj>, agent: Obj = {}): Obj {
  return tf({
    "aws_iam_role.agent": agentRole(agent),
    "aws_iam_role_policy.agent": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: "logs:GetLogEvents", Resource: "*" }) },
    "aws_iam_user.admin": { name: "admin" },
    "aws_iam_user_policy_attachment.admin": { user: "${aws_iam_user.admin.name}", policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess" },
    "aws_iam_access_key.admin": { user: "${aws_iam_user.admin.name}" },
    ...extra,
  });
}

/** A cdktf.out manifest.json listing `stacks/NAME` for each name: cdktf writes it last, once every stack is synthesized. */
export function cdktfManifest(names: readonly string[]): string {
  return JSON.stringify({
    version: "0.21.0",
    stacks: Object.fromEntries(names.map((name) => [name, { name, constructPath: name, annotations: [], dependencies: [], workingDirectory: `stacks/${name}`, synthesizedStackPath: `stacks/${name}/cdk.tf.json`, stackMetadataPath: `stacks/${name}/metadata.json` }])),
  });
}
