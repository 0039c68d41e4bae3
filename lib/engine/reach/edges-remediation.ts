/**
 * AWS Config remediations run SSM Automation documents as a role of the caller's choosing, with no iam:PassRole of the
 * caller's (red-team round 155):
 *
 * - A conformance pack is a CloudFormation template of Config rules and remediation configurations, which Config
 *   deploys with its service-linked role AWSServiceRoleForConfigConforms. That role's policy
 *   (ConfigConformsServiceRolePolicy) allows iam:PassRole on `*` to ssm.amazonaws.com, and the Config API reference
 *   says PutConformancePack creates rules and remediations without config:PutConfigRule or
 *   config:PutRemediationConfigurations. An organization conformance pack does the same in every member account.
 * - A remediation configuration names an Automation document and its `AutomationAssumeRole` parameter. Config runs it
 *   (automatically, or at StartRemediationExecution) through AWSServiceRoleForConfigRemediation, whose policy
 *   (AWSConfigRemediationServiceRolePolicy) allows ssm:StartAutomationExecution on `*` and iam:PassRole on `*` to
 *   ssm.amazonaws.com. The service authorization reference lists no iam:PassRole as a dependent action of either call.
 *
 * So each of the three writes reaches every role whose trust admits ssm.amazonaws.com, as iam:PassRole with
 * ssm:StartAutomationExecution would, and roles outside this stack too (any role of the account, of every account for
 * an organization pack), whose rights blastwall cannot see. A document with static parameters (AWS-DeleteSnapshot with
 * a fixed SnapshotId) needs no non-compliant resource, and the reference warns that remediation may run even on
 * compliant ones: the rule's scope limits nothing here.
 */
import type { Grant, PrincipalNode } from "../analysis-types";
import { globsIntersect } from "../iam/glob";
import { principalAdmits } from "../iam/trust";
import { grantText, type AddEdge } from "./edge";
import type { EdgeContext } from "./edge-context";
import { outsideRuleGrants, PUT_CONFIG_RULE, putConfigRuleGrant, rewritableRemediations } from "./config-rule-rewrites";
import { roleOfValue } from "./role-of";

/** The service Automation assumes its role as. */
const SSM = "ssm.amazonaws.com";

interface ConfigRemediation {
  readonly action: string;
  /** The ARNs the action is authorised on: a pattern that cannot be one writes nothing Config runs. */
  readonly shape: string;
  /** What the caller does, after "lets it". */
  readonly does: string;
}

export const CONFIG_REMEDIATIONS: readonly ConfigRemediation[] = [
  {
    action: "config:PutConformancePack",
    shape: "arn:*:config:*:*:conformance-pack/*",
    does: "deploy a conformance pack whose remediation runs an SSM Automation document of its choosing as the role its AutomationAssumeRole names; AWS Config's service-linked role passes that role (iam:PassRole on * to ssm.amazonaws.com), not the agent",
  },
  {
    action: "config:PutOrganizationConformancePack",
    shape: "arn:*:config:*:*:organization-conformance-pack/*",
    does: "deploy a conformance pack to every account of the organization, whose remediation runs an SSM Automation document of its choosing as the role its AutomationAssumeRole names; AWS Config's service-linked roles pass that role, not the agent",
  },
  {
    action: "config:PutRemediationConfigurations",
    shape: "arn:*:config:*:*:remediation-configuration/*",
    does: "set the SSM Automation document a Config rule remediates with, and its AutomationAssumeRole; AWS Config's remediation service-linked role starts it and passes that role (iam:PassRole on * to ssm.amazonaws.com), not the agent",
  },
];

export function remediationActions(): string[] {
  return [...CONFIG_REMEDIATIONS.map((c) => c.action), PUT_CONFIG_RULE];
}

/** The remediation write an action is, if it is one (any casing). */
function remediationOf(action: string): ConfigRemediation | undefined {
  const a = action.toLowerCase();
  return CONFIG_REMEDIATIONS.find((c) => c.action.toLowerCase() === a);
}

/**
 * The fix of a finding through roles outside the stack that a remediation write reaches: take the action away, as no
 * narrower resource and no iam:PassRole Deny of the agent's helps; undefined for another action.
 */
export function remediationFix(action: string): string | undefined {
  if (action.toLowerCase() === PUT_CONFIG_RULE.toLowerCase()) return RULE_REWRITE_FIX;
  const c = remediationOf(action);
  if (!c) return undefined;
  return (
    `Take ${c.action} off the agent: AWS Config runs the remediations it writes as any role ${SSM} may assume, passed by Config's ` +
    "service-linked roles, so neither a narrower resource nor a Deny of iam:PassRole helps, and roles outside this stack may be such roles. " +
    "Write conformance packs and remediation configurations in the reviewed deploy that manages them (AgentRole's boundary denies this action). " +
    `If every role ${SSM} may assume is known to be harmless, acknowledge with a reason.`
  );
}

const RULE_REWRITE_FIX =
  `Take ${PUT_CONFIG_RULE} off the agent, or scope it by reference to Config rules with no automatic remediation (a rule's ARN ends in an ID AWS generates, ` +
  "so any other ARN or pattern may name every rule); or name the remediation's AutomationAssumeRole as a role of this stack (a reference) so blastwall " +
  "can check its rights; or make the remediation manual (automatic = false). If the role it runs as is known to be harmless, acknowledge with a reason.";

/**
 * config:PutConfigRule on a rule whose automatic remediation runs as a role blastwall cannot resolve
 * (config-rule-rewrites.ts): the caller picks the resources the document acts on, as that role, which may hold any
 * right. A role of the stack is judged by what it can do (rules/remediation-rewrites.ts), not here.
 */
function ruleRewriteEdges(ctx: EdgeContext, p: PrincipalNode, add: AddEdge): void {
  const grants = ctx.grants(p, PUT_CONFIG_RULE);
  if (grants.length === 0) return;
  const rems = rewritableRemediations(ctx.stack);
  for (const r of rems) {
    if (r.roleValue !== undefined && roleOfValue(ctx, r.roleValue) !== undefined) continue;
    const g = putConfigRuleGrant(ctx.stack, p, grants, r);
    if (!g) continue;
    const role = r.roleValue === undefined ? "with no AutomationAssumeRole blastwall can read" : `as the role its AutomationAssumeRole names (${String(r.roleValue)}), which blastwall cannot resolve`;
    add(
      ctx.unknown(`compute:${PUT_CONFIG_RULE}:${r.rem.address}`, `the role ${r.rem.address} runs its document ${r.document} as, which blastwall cannot resolve`),
      "hijack",
      PUT_CONFIG_RULE,
      () =>
        `${grantText(g)} lets it rewrite the scope and source of ${r.ruleText}, whose automatic remediation ${r.rem.address} runs the SSM Automation document ${r.document} ` +
        `on every resource the rule then finds non-compliant, ${role}: the agent picks the resources it acts on (PutConfigRule keeps the remediation; Config's service-linked role passes the role, not the agent)`,
      g.statement.source.address,
    );
  }
  // After the stack's own: a finding names its first step, and that is the more precise one.
  outsideRuleEdges(ctx, p, grants, add);
}

/**
 * config:PutConfigRule on rules this stack does not make (`*`, a pattern, a literal rule ARN): any rule of the account
 * the pattern covers, one with an automatic remediation written elsewhere among them, whose document and
 * AutomationAssumeRole blastwall cannot see. Rewriting its scope and source runs that document as that role on what the
 * agent picks: compute outside the stack under a role blastwall cannot see, as states:StartExecution on `*` is. One
 * edge per grant; the fix (RULE_REWRITE_FIX) is to scope the right by reference to the stack's rules.
 */
function outsideRuleEdges(ctx: EdgeContext, p: PrincipalNode, grants: readonly Grant[], add: AddEdge): void {
  const seen = new Set<Grant>();
  for (const { g, pattern } of outsideRuleGrants(ctx.stack, p, grants)) {
    if (seen.has(g)) continue;
    seen.add(g);
    add(
      ctx.unknown(`compute:${PUT_CONFIG_RULE}:${pattern}`, `the roles that automatic remediations of Config rules outside this stack (rules matching ${pattern}) run as, which blastwall cannot see`),
      "hijack",
      PUT_CONFIG_RULE,
      () =>
        `${grantText(g)} lets it rewrite the scope and source of Config rules this stack does not make (${pattern}; a rule's ARN ends in an ID AWS generates, so only a reference names one rule of the stack): ` +
        "an automatic remediation set on such a rule elsewhere then runs its SSM Automation document on the resources the agent picks, as the role its AutomationAssumeRole names, passed by Config's service-linked role",
      g.statement.source.address,
    );
  }
}

export function remediationEdges(ctx: EdgeContext, p: PrincipalNode, add: AddEdge): void {
  ruleRewriteEdges(ctx, p, add);
  for (const c of CONFIG_REMEDIATIONS) {
    for (const g of ctx.grants(p, c.action)) {
      const r = g.resources.find((x) => globsIntersect(x, c.shape, { caseInsensitive: true }));
      if (r === undefined) continue;
      for (const role of ssmRoles(ctx)) add(role.address, "pass-role", c.action, () => `${grantText(g)} lets it ${c.does}: ${role.address} is one, its trust admitting ${SSM}`, g.statement.source.address);
      add(
        ctx.unknown(`compute:${c.action}:${r}`, `roles outside this stack that ${SSM} may assume, which AWS Config remediations written by ${c.action} on ${r} run as`),
        "pass-role",
        c.action,
        outsideText(g, c),
        g.statement.source.address,
      );
      break;
    }
  }
}

function outsideText(g: Grant, c: ConfigRemediation): () => string {
  return () => `${grantText(g)} lets it ${c.does}: any role of the account whose trust admits ${SSM} may be named, roles this stack does not make among them, and those may be any`;
}

/** Once per graph: every principal holding a remediation write asks, and each asks of every role's trust. */
const ssmRolesOf = new WeakMap<EdgeContext, readonly PrincipalNode[]>();

/**
 * The stack's roles Automation may run as: a trust that admits ssm.amazonaws.com, or one blastwall cannot read
 * (principalAdmits counts an unreadable statement as admitting; a role with no trust read at all counts too).
 */
function ssmRoles(ctx: EdgeContext): readonly PrincipalNode[] {
  let roles = ssmRolesOf.get(ctx);
  if (roles) return roles;
  roles = ctx.analysis.principals.filter((r) => r.kind === "role" && !r.external && (!r.trustPolicy || principalAdmits(r.trustPolicy.statements, { arnPattern: "", service: SSM }).length > 0));
  ssmRolesOf.set(ctx, roles);
  return roles;
}
