/**
 * Compute outside the stack that already runs as a role, which a rewrite hands to the caller with no iam:PassRole,
 * of kinds Terraform makes no resource for, so that any of them may be the account's (red-team round 128):
 *
 * - A CloudFormation Git sync configuration deploys the template its branch and deployment file name to its stack, as
 *   the sync role it names. UpdateSyncConfiguration points it at another branch, repository link or deployment file
 *   and takes the role as optional: the sync then deploys what the caller commits there, as the role it kept.
 *   The action is authorised on no resource, and its `Branch` condition key names the branch the sync follows, which
 *   the caller may push to: it limits nothing here.
 * - An AgentCore harness runs a managed agent loop in a runtime microVM, as its execution role, with a built-in shell
 *   tool. UpdateHarness replaces its model, tools, system prompt, skills and environment and keeps the role: with a
 *   model endpoint of the caller's own (a LiteLLM `apiBase`), the loop runs the shell commands that endpoint sends at
 *   the next invocation, the caller's (InvokeHarness) or anyone's. No model of AWS's decides, so not a warning.
 */
import type { Grant, PrincipalNode } from "../analysis-types";
import { globsIntersect } from "../iam/glob";
import { grantText, type AddEdge } from "./edge";
import type { EdgeContext } from "./edge-context";

interface Takeover {
  readonly action: string;
  /** The ARNs the action is authorised on where it names a resource: a pattern that cannot be one names none. */
  readonly shape?: string;
  /** What the caller does, after "lets it". */
  readonly does: string;
  /** What the compute is, for the fix: why no narrower resource helps. */
  readonly kind: string;
}

const SYNC_UPDATE = "point a CloudFormation Git sync configuration at a branch, repository link or deployment file of its own; the sync then deploys what it commits there as the sync role the configuration already names (no iam:PassRole)";

const SYNC_KIND = "CloudFormation Git sync configurations, which Terraform does not make and the action names no resource of (every one in the account and Region)";

export const TAKEOVERS: readonly Takeover[] = [
  { action: "codeconnections:UpdateSyncConfiguration", does: SYNC_UPDATE, kind: SYNC_KIND },
  { action: "codestar-connections:UpdateSyncConfiguration", does: SYNC_UPDATE, kind: SYNC_KIND },
  {
    action: "bedrock-agentcore:UpdateHarness",
    shape: "arn:*:bedrock-agentcore:*:*:harness/*",
    does: "rewrite an AgentCore harness's model, tools and system prompt; with the built-in shell tool and a model endpoint of its own, the harness runs the commands it sends at the next invocation, as the execution role the harness already names (no iam:PassRole)",
    kind: "AgentCore harnesses, which Terraform does not make, so none of this stack's resources is one",
  },
];

/**
 * The fix of a finding through such compute: take the action away, as no narrower resource names the stack's own;
 * undefined for another action.
 */
export function takeoverFix(action: string): string | undefined {
  const t = TAKEOVERS.find((x) => x.action.toLowerCase() === action.toLowerCase());
  if (!t) return undefined;
  return `Take ${t.action} off the agent: it reaches ${t.kind}, each running as a role blastwall cannot see, so no narrower resource helps. ` +
    "Change them in the reviewed deploy that manages them. If every one the agent can reach is known to be harmless, acknowledge with a reason.";
}

export function takeoverActions(): string[] {
  return TAKEOVERS.map((t) => t.action);
}

export function takeoverEdges(ctx: EdgeContext, p: PrincipalNode, add: AddEdge): void {
  for (const t of TAKEOVERS) {
    for (const g of ctx.grants(p, t.action)) {
      const r = g.resources.find((x) => t.shape === undefined || globsIntersect(x, t.shape, { caseInsensitive: true }));
      if (r === undefined) continue;
      add(takeoverNode(ctx, t.action, r), "hijack", t.action, takeoverText(g, t), g.statement.source.address);
      break;
    }
  }
}

function takeoverNode(ctx: EdgeContext, action: string, r: string): string {
  return ctx.unknown(`compute:${action}:${r}`, `compute reached by ${action} on ${r}, outside this stack, which may run as any role`);
}

function takeoverText(g: Grant, t: Takeover): () => string {
  return () => `${grantText(g)} lets it ${t.does}: that role is not in this stack, and may be any`;
}
