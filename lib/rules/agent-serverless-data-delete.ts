import type { Rule } from "../engine/rule";
import type { Evidence, FindingDraft } from "../engine/findings";
import type { Grant, PrincipalNode, StackAnalysis } from "../engine/analysis-types";
import type { Statement } from "../engine/iam/types";
import type { PeerAgent, TfResource, TfStack } from "../engine/terraform/types";
import { globsIntersect } from "../engine/iam/glob";
import { outsideAgentSelector } from "../engine/agents";
import { principalAdmits } from "../engine/iam/trust";
import { unknownStatement } from "../engine/iam/policy-json";
import { encodedDocument, policyFromValue } from "../engine/terraform/policy-documents";
import { hasInterpolation, soleInterpolation } from "../engine/terraform/tokens";
import { isObject } from "../engine/terraform/stack";
import { maySitIn, resourceAccount } from "../engine/terraform/providers";
import { agentCan, principalEvidence, statementEvidence, type StatementGrants } from "./support";
import { OUTSIDE_PREFIX } from "../engine/principals/outsiders";

/**
 * OpenSearch Serverless keeps its data behind two doors: IAM must allow `aoss:APIAccessAll` (or
 * `aoss:DashboardsAccessAll`), and a data access policy of the collection must name the principal with the
 * permission. The catalogue rates the IAM door alone a warning; a data access policy in the stack that names the
 * agent with a delete opens the second, and the two together are a destroy right.
 */
export const rule: Rule = {
  meta: {
    id: "agent-serverless-data-delete",
    title: "An OpenSearch Serverless data access policy lets an AI agent delete indexes or documents",
    why:
      "A principal that IAM allows aoss:APIAccessAll (or aoss:DashboardsAccessAll) may do in a serverless collection whatever a " +
      "data access policy naming it permits. A policy naming the agent (or its account, or a pattern covering it) with " +
      "aoss:DeleteIndex, aoss:DeleteCollectionItems, aoss:WriteDocument (which deletes documents) or aoss:* lets it delete the indexed data.",
    fix:
      "Take the agent out of the Principal list of every data access rule that grants aoss:DeleteIndex, aoss:DeleteCollectionItems, " +
      "aoss:WriteDocument or aoss:*, and give it a rule of its own with aoss:ReadDocument and aoss:DescribeIndex; or remove " +
      "aoss:APIAccessAll and aoss:DashboardsAccessAll from its policies.",
    severity: "error",
    category: "reach",
  },
  check({ stack, analysis, config }) {
    if (deletingRules(stack).length === 0) return [];
    const out: FindingDraft[] = [];
    // Data access policies usually sit with the collection, and the agents in stacks of their own: another checked
    // stack's agent (or a principal one can act as) that holds the IAM door there and may share this account.
    // The account is the one the policy's own provider is pinned to (an aliased provider may be another's).
    for (const peer of stack.peerAgents ?? []) {
      if (peer.serverlessData === undefined) continue;
      for (const { res, rule, deletes } of deletingRules(stack)) {
        if (!maySitIn(peer.arnPattern, resourceAccount(stack, res))) continue;
        if (names(rule.statement, peer.arnPattern)) out.push(peerFinding(peer, res, rule, deletes));
      }
    }
    for (const agent of analysis.agents) {
      const door = doorOf(analysis, agent);
      if (door.length === 0) continue;
      for (const { res, rule, deletes } of deletingRules(stack)) {
        if (names(rule.statement, pinnedPattern(stack, agent))) out.push(finding(agent, res, rule, deletes, door));
      }
    }
    // A role or user named by ARN that is no principal of this stack or of another checked one, but an agent by the
    // config's names or the agents' path: its own policies, where the IAM door would be, are not in view, so they may
    // open it (as a trust policy naming such an agent counts).
    const outside = outsideAgentSelector(config, []);
    for (const { res, rule, deletes } of deletingRules(stack)) {
      for (const id of namedArns(rule.statement)) {
        const kind = /:user\//.test(id) ? "user" : "role";
        if (analysis.principals.some((p) => !p.external && globsIntersect(p.arnPattern, id, { caseInsensitive: true }))) continue;
        if ((stack.peerAgents ?? []).some((p) => globsIntersect(p.arnPattern, id, { caseInsensitive: true }))) continue;
        const verdict = outside(kind, id, [resourceAccount(stack, res)]);
        if (verdict) out.push(outsiderFinding(id, verdict.reason, res, rule, deletes));
      }
    }
    return out;
  },
};

/** The agent's grants of the IAM door to serverless data. */
function doorOf(analysis: StackAnalysis, p: PrincipalNode): Grant[] {
  const rights = analysis.rightsOf(p.address).grants;
  return [...(rights.get("aoss:apiaccessall") ?? []), ...(rights.get("aoss:dashboardsaccessall") ?? [])];
}

interface DeletingRule {
  readonly res: TfResource;
  readonly rule: DataRule;
  readonly deletes: readonly string[];
}

const deletingCache = new WeakMap<TfStack, readonly DeletingRule[]>();

/** The rule sets of the stack's data access policies that permit a delete, read once per stack. */
function deletingRules(stack: TfStack): readonly DeletingRule[] {
  let out = deletingCache.get(stack);
  if (!out) {
    const found: DeletingRule[] = [];
    for (const res of (stack.byType.get("aws_opensearchserverless_access_policy") ?? []).filter(mayBeDataPolicy)) {
      for (const rule of dataRules(stack, res)) {
        const deletes = deletesOf(rule);
        if (deletes.length > 0) found.push({ res, rule, deletes });
      }
    }
    deletingCache.set(stack, (out = found));
  }
  return out;
}

/**
 * What a principal that is no agent can delete in serverless collections, as grants of the data access rule sets
 * that name it: an agent that comes to act as it (assumes it, passes it to compute) can delete there too, so the
 * reach rules count these as its destroy rights. A rule set blastwall cannot read counts (it may name anyone).
 */
export function serverlessDeletesOf(stack: TfStack, analysis: StackAnalysis, p: PrincipalNode): StatementGrants[] {
  const rules = deletingRules(stack);
  if (rules.length === 0) return [];
  const door = doorOf(analysis, p).filter((g) => !g.statement.unknown);
  if (door.length === 0) return [];
  const pattern = pinnedPattern(stack, p);
  const out: StatementGrants[] = [];
  for (const { rule, deletes } of rules) {
    if (!names(rule.statement, pattern)) continue;
    out.push({ statement: rule.statement, actions: [...deletes], conditional: door.every((g) => g.conditional), resources: new Set(rule.resources) });
  }
  return out;
}

/** What a data access policy can permit that deletes data. */
const DELETES = ["aoss:DeleteIndex", "aoss:DeleteCollectionItems", "aoss:WriteDocument"] as const;

/** The deletes a rule set permits (all of them for one blastwall cannot read, which stands for `*`). */
function deletesOf(rule: DataRule): string[] {
  return DELETES.filter((d) => (rule.statement.actions ?? []).some((a) => globsIntersect(a, d.toLowerCase())));
}

interface DataRule {
  /** The rule set as an IAM-shaped Allow (its principals and permissions), or an unknown statement saying why it cannot be read. */
  readonly statement: Statement;
  /** Its resources as written (`index/logs/*`), for the report. */
  readonly resources: readonly string[];
  readonly index: number;
}

/** A `type` of "data", or one blastwall cannot read (which may be "data"). */
function mayBeDataPolicy(res: TfResource): boolean {
  const t = res.values["type"];
  return typeof t !== "string" || hasInterpolation(t) || t.toLowerCase() === "data";
}

/**
 * The rule sets of a data access policy (a JSON array of `{ Rules, Principal }`), each read as an Allow of its
 * permissions to its principals, so that the principals resolve (references, wildcards, account roots) as any
 * resource policy's do. Text blastwall cannot read is one unknown rule set, which may name anyone with anything.
 */
function dataRules(stack: TfStack, res: TfResource): DataRule[] {
  const raw = res.values["policy"];
  const unknown = (why: string): DataRule[] => [
    { statement: unknownStatement({ address: res.address, index: 0, ...(res.constructPath ? { constructPath: res.constructPath } : {}) }, why), resources: ["*"], index: 0 },
  ];
  if (typeof raw !== "string") return unknown("its policy is not a JSON string");
  const text = soleInterpolation(raw) !== undefined ? encodedDocument(stack, raw) : raw;
  if (text === undefined) return unknown(`its policy is built by an expression blastwall cannot evaluate (${raw.slice(0, 80)})`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return unknown("its policy is not valid JSON");
  }
  const sets = Array.isArray(parsed) ? parsed : [parsed];
  const statements: unknown[] = [];
  const resources: string[][] = [];
  for (const set of sets) {
    if (!isObject(set) || !Array.isArray(set["Rules"])) return unknown("a rule set has no Rules list");
    const permissions: unknown[] = [];
    const written: string[] = [];
    for (const r of set["Rules"]) {
      if (!isObject(r)) return unknown("a rule is not an object");
      permissions.push(...list(r["Permission"]));
      written.push(...list(r["Resource"]).map(String));
    }
    // Role and user ARNs and accounts are read as IAM reads them; SAML users and groups (`saml/...`) name no principal of the stack.
    const principals = list(set["Principal"]);
    if (principals.length === 0 || permissions.length === 0) {
      statements.push(undefined);
      resources.push(written);
      continue;
    }
    statements.push({ Sid: `RuleSet${statements.length}`, Effect: "Allow", Principal: { AWS: principals }, Action: permissions, Resource: written.length > 0 ? written : "*" });
    resources.push(written);
  }
  const kept = statements.filter((s) => s !== undefined);
  const doc = policyFromValue(stack, JSON.stringify({ Version: "2012-10-17", Statement: kept }), { address: res.address, ...(res.constructPath ? { constructPath: res.constructPath } : {}) });
  const out: DataRule[] = [];
  let k = 0;
  statements.forEach((s, i) => {
    if (s === undefined) return;
    const statement = doc.statements[k++];
    if (statement) out.push({ statement, resources: resources[i], index: i });
  });
  return out;
}

function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : v === undefined || v === null ? [] : [v];
}

/**
 * The rule set may name the agent: by its ARN or a pattern covering it, or by its account (which, unlike an account
 * root in an IAM resource policy, is read as naming every principal of the account: the safe reading).
 */
function names(s: Statement, arnPattern: string): boolean {
  if (s.unknown !== undefined) return true;
  const principalOnly: Statement = { ...s, actions: ["*"], notActions: undefined, conditions: [] };
  return principalAdmits([principalOnly], { arnPattern }, "aoss:probe").length > 0;
}

/** The agent's ARN pattern, with the account its provider is pinned to when it is: another account's names are not it. */
function pinnedPattern(stack: TfStack, agent: PrincipalNode): string {
  const account = agent.external ? undefined : resourceAccount(stack, agent.resource);
  return account ? agent.arnPattern.replace(/^(arn:[^:]*:iam::)\*:/, `$1${account}:`) : agent.arnPattern;
}

/** What the rule set lets its principal delete, for the message, and the evidence step naming it. */
function granted(res: TfResource, rule: DataRule, deletes: readonly string[]): { readonly what: string; readonly step: Evidence } {
  const on = rule.resources.length > 0 ? rule.resources.join(", ") : "its resources";
  const unread = rule.statement.unknown;
  return {
    what: unread ? `may let it delete (blastwall cannot read it: ${unread})` : `names it with ${deletes.join(", ")} on ${on}`,
    step: { step: "resource-policy", address: res.address, detail: unread ? `data access policy: ${unread}` : `data access policy, rule set ${rule.index + 1}: ${deletes.join(", ")} on ${on}` },
  };
}

/** The role and user ARNs a rule set names literally. */
function namedArns(s: Statement): string[] {
  if (s.unknown !== undefined) return [];
  return (s.principals ?? []).filter((p) => p.type === "AWS").flatMap((p) => p.identifiers.filter((id) => /^arn:[^:]*:iam::[^:]*:(role|user)\//.test(id)));
}

function outsiderFinding(arn: string, reason: string, res: TfResource, rule: DataRule, deletes: readonly string[]): FindingDraft {
  const { what, step } = granted(res, rule, deletes);
  return {
    principal: `${OUTSIDE_PREFIX}${arn}`,
    resource: res.address,
    actions: [...deletes],
    message:
      `${arn} is an AI agent outside this stack (${reason}), and the data access policy ${res.address} ${what}: ` +
      "its own policies, where aoss:APIAccessAll would open the door, are not in the stacks checked, so blastwall counts that they may.",
    evidence: [{ step: "principal", address: arn, detail: `an AI agent outside the stacks checked: ${reason}` }, step],
  };
}

function peerFinding(peer: PeerAgent, res: TfResource, rule: DataRule, deletes: readonly string[]): FindingDraft {
  const { what, step } = granted(res, rule, deletes);
  const who = `${peer.address} of stack ${peer.stack}`;
  return {
    // Addressed as the stack's other findings address a principal of another stack.
    principal: `${OUTSIDE_PREFIX}${peer.arnPattern.replace(/[*?]+/g, "{computed}")}`,
    resource: res.address,
    actions: [...deletes],
    message: `${who}, ${peer.reason}, can delete OpenSearch Serverless data: its policies there allow ${peer.serverlessData} and the data access policy ${res.address} ${what}.`,
    evidence: [
      { step: "principal", address: who, detail: `${who} is ${peer.actsFor === undefined ? "an AI agent" : `no AI agent itself, but ${peer.actsFor} can act as it`} (${peer.reason}) and holds ${peer.serverlessData} in its own stack` },
      step,
    ],
  };
}

function finding(agent: PrincipalNode, res: TfResource, rule: DataRule, deletes: readonly string[], door: readonly Grant[]): FindingDraft {
  const { what, step } = granted(res, rule, deletes);
  return {
    principal: agent.address,
    resource: res.address,
    actions: [...deletes],
    message: `${agentCan(agent)} delete OpenSearch Serverless data: its policies allow ${door[0].action} and the data access policy ${res.address} ${what}.`,
    evidence: [principalEvidence(agent), ...statementEvidence(agent, door[0].statement), step],
  };
}
