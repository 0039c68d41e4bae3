/**
 * A Deny of the principal's own on a compute action (red-team round 158, F5): "Allow InvokeAgentRuntime on `*`, Deny
 * it on `arn:*:bedrock-agentcore:*:*:runtime/*`" is what teams write, and the hijack edges honoured only a Deny on `*`
 * (the effective rights cannot cut a part out of a pattern). Each compute resource, and each pattern reaching compute
 * outside the stack, is asked on its own as the routes into functions ask theirs (rules/invoke-denies.ts): a certain
 * Deny (no condition that may fail, no NotResource) covering every ARN the action may be authorised on for it, by
 * pattern in the partition its region puts it in (and its region and account, where the stack pins both), or written
 * as a reference to it. Anything less removes nothing.
 */
import type { PrincipalNode } from "../analysis-types";
import type { TfResource, TfStack } from "../terraform/types";
import { globCovers, globsIntersect } from "../iam/glob";
import { attributePattern } from "../terraform/tokens";
import { regionPartition, resourceRegion } from "../terraform/providers";
import { ownDenies } from "../own-denies";
import { deniedOnAll, placedArn, placedIamArn, type DenyAsk } from "../../rules/invoke-denies";

/**
 * What follows a resource's ARN in the ARNs its compute actions are authorised on too: a function's and a state
 * machine's versions and aliases (`:*`), a runtime's endpoints (`/*`). A type not listed may have any: `*`, which only
 * a Deny by pattern covers.
 */
const PARTS: Readonly<Record<string, string>> = {
  aws_lambda_function: ":*",
  aws_sfn_state_machine: ":*",
  aws_bedrockagentcore_agent_runtime: "/*",
};

const CI = { caseInsensitive: true } as const;

/**
 * Whether the principal's own Denies certainly refuse `action` on the compute resource `res` (of ARN shape `shape`,
 * when known): its ARN and its parts. An ARN blastwall cannot read (not of the shape) is asked as the whole shape.
 */
export function computeDenied(stack: TfStack, p: PrincipalNode, action: string, res: TfResource, shape: string | undefined): boolean {
  const denies = ownDenies(p);
  if (denies.length === 0) return false;
  const arn = attributePattern(stack, res, "arn").pattern;
  const readable = arn.startsWith("arn:") && (shape === undefined || globsIntersect(arn, shape, CI));
  if (!readable) return shape !== undefined && deniedOnAll(stack, denies, action, [{ pattern: shape, target: res, suffix: undefined }]);
  const tail = PARTS[res.type] ?? "*";
  // Asked where the stack pins it, so a Deny naming its region and account literally counts (red-team round 159, F2).
  const placed = placedArn(stack, res, arn);
  const asks: DenyAsk[] = [
    { pattern: placed, target: res, suffix: "" },
    { pattern: `${placed}${tail}`, target: res, suffix: tail },
  ];
  return deniedOnAll(stack, denies, action, asks);
}

/**
 * Whether the principal's own Denies certainly refuse `action` on all compute outside the stack a grant's pattern `r`
 * reaches (of `shapes`, when known): the part of each shape `r` may name, in the principal's own partition (IAM
 * authorises a principal in its own partition alone).
 */
export function outsideComputeDenied(stack: TfStack, p: PrincipalNode, action: string, r: string, shapes: readonly string[]): boolean {
  const denies = ownDenies(p);
  if (denies.length === 0) return false;
  const partition = regionPartition(resourceRegion(stack, p.resource));
  const reached = shapes.length === 0 ? [r] : shapes.filter((x) => globsIntersect(r, x, CI)).map((x) => (globCovers(r, x, CI) ? x : r));
  return reached.length > 0 && deniedOnAll(stack, denies, action, reached.map((pattern) => ({ pattern, partition })));
}

/**
 * Whether the principal's own Denies certainly refuse iam:PassRole on `role` (an Allow on `*` with a Deny on
 * `arn:aws:iam::*:role/prod-*`: the effective grant stays `*`, as a Deny of a part cannot be cut out of a pattern), asked
 * as the routes ask theirs: by the role's ARN pattern, with its account where the stack pins it, or by a reference to
 * the role. A conditional Deny, or one that covers only some of the names a role may get, removes nothing. The pass-role
 * edges (edges-compute.ts) and an identity pool's roles (identity-pools.ts) ask it.
 */
export function passRoleDenied(stack: TfStack, p: PrincipalNode, role: PrincipalNode): boolean {
  const denies = ownDenies(p);
  if (denies.length === 0) return false;
  const ask: DenyAsk = role.external ? { pattern: role.arnPattern } : { pattern: placedIamArn(stack, role.resource, role.arnPattern), target: role.resource, suffix: "" };
  return deniedOnAll(stack, denies, "iam:PassRole", [ask]);
}
