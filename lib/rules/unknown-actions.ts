import type { Statement } from "../engine/iam/types";
import type { TfStack } from "../engine/terraform/types";
import { UNRESOLVED_ACTION_PREFIX, showExpr } from "../engine/terraform/policy-documents";
import { soleInterpolation } from "../engine/terraform/tokens";
import { whyUnknown } from "../engine/terraform/unknown-why";

/**
 * An Allow's Action that blastwall could not evaluate, which the policy reader widened to `*` (or `ec2:*`): the
 * grants it gives are what the statement might allow, not what it was seen to allow, and a finding built on them
 * must say so, or it names `ec2:DeleteVolume` for a policy that mentions no ec2 at all (red-team round 84).
 */
export interface UnknownActions {
  /** The Action entries as written that hold an expression, `${...}` included (at most two are kept). */
  readonly written: readonly string[];
  /** True when an entry is nothing but one expression: the statement's actions are wholly unknown. */
  readonly whole: boolean;
  /** Why those expressions are unknown (`terraform.workspace is not known before plan ...`). */
  readonly why: string;
}

function isTemplate(s: string): boolean {
  return s.includes("${") || s.includes("%{");
}

/** The statement's unknown Action entries, if an Allow's Action has any (a Deny's, or a NotAction, never widens). */
export function unknownActionsOf(s: Statement, stack?: TfStack): UnknownActions | undefined {
  if (s.effect !== "Allow" || s.actions === undefined || s.writtenActions === undefined || s.unknown !== undefined) return undefined;
  const written: string[] = [];
  let whole = false;
  for (let i = 0; i < s.actions.length; i++) {
    const w = s.writtenActions[i];
    if (w === undefined || !isTemplate(w) || s.actions[i].startsWith(UNRESOLVED_ACTION_PREFIX)) continue;
    if (soleInterpolation(w) !== undefined) whole = true;
    written.push(w);
  }
  if (written.length === 0) return undefined;
  const shown = written.slice(0, 2);
  return { written: shown, whole, why: whyUnknown(shown.join(" "), stack && ((name) => stack.variables.has(name))) };
}

/** The clause a finding gives for them: which expression, and why it is unknown. */
export function unknownActionsClause(u: UnknownActions, where: string): string {
  const exprs = u.written.map((w) => `\`${showExpr(w)}\``).join(" and ");
  return u.whole
    ? `the actions of ${where} are unknown: its Action is ${exprs}, and ${u.why}`
    : `an action of ${where} is partly unknown: ${exprs}, and ${u.why}`;
}

/** The fix for such a finding: it cannot be "remove the destroy actions", which the policy may not even name. */
export const UNKNOWN_ACTIONS_FIX =
  "Write the statement's actions out: a literal list in the policy (`Action = [\"logs:GetLogEvents\"]`), a local or " +
  "variable default holding one, or a data.aws_iam_policy_document with literal `actions`. blastwall cannot tell which " +
  "actions an expression it does not evaluate gives the agent, so it counts them as every action and the gate fails " +
  "until it can read them. Keep destructive actions out of the list (or deny them in the agent's permission boundary, as " +
  "AgentRole does).";
