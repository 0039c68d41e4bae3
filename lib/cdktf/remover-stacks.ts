/**
 * Which other stacks of an App the synth gate must read for what they may take away from a stack's principals
 * (engine/principals/peer-removals.ts): an exclusive manager, an `aws_iam_policy_attachment`, an inline policy
 * resource (which replaces a policy of its name on its principal) or an IAM import block needs no cross-stack reference to the stack it strips (a literal name or ARN will do), so following the references
 * does not lead to it. Told from the constructs, without synthesizing them: only such stacks cost a synthesis.
 */
import type { IConstruct } from "constructs";
import { IMPORTABLE_IAM_TYPES, REMOVER_TYPES } from "../engine/principals/peer-removals";
import type { Framework } from "./framework";

/** Whether the stack may hold a removal: a remover type, an IAM import, a module call, or a raw override. */
export function mayHoldRemovals(fw: Framework, stack: IConstruct): boolean {
  const overrides = (stack as unknown as { rawOverrides?: Record<string, unknown> }).rawOverrides;
  // A stack override may add an import block or a resource of any type.
  if (overrides && Object.keys(overrides).length > 0) return true;
  return stack.node.findAll().some((c) => {
    // A module's resources are seen once it is synthesized.
    if (c instanceof fw.TerraformModule) return true;
    if (c instanceof fw.TerraformResource) {
      const type = c.terraformResourceType;
      return REMOVER_TYPES.has(type) || (IMPORTABLE_IAM_TYPES.has(type) && (c as unknown as { _imported?: unknown })._imported !== undefined);
    }
    // An ImportableResource writes only an import block (`cdktf convert`, generated configuration).
    const config = (c as unknown as { config?: { terraformResourceType?: unknown; importId?: unknown } }).config;
    return typeof config?.terraformResourceType === "string" && config.importId !== undefined && IMPORTABLE_IAM_TYPES.has(config.terraformResourceType);
  });
}

/** Whether a stack's model holds principals or policies another stack could take something from. */
export function holdsIam(byType: ReadonlyMap<string, readonly unknown[]>): boolean {
  return ["aws_iam_role", "aws_iam_user", "aws_iam_group", "aws_iam_policy"].some((t) => (byType.get(t)?.length ?? 0) > 0);
}

/**
 * Whether the stack may hold an SSM document, which may be the account's auto-approval policy for just-in-time node
 * access: it approves the requests of every agent of its account and Region, whichever stack the agent is in (red-team
 * round 133, F3), and is often kept in a central stack no agent's stack references.
 */
export function mayHoldApprovalPolicy(fw: Framework, stack: IConstruct): boolean {
  return stack.node.findAll().some((c) => c instanceof fw.TerraformResource && c.terraformResourceType === "aws_ssm_document");
}
