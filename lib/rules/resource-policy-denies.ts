/**
 * What a resource policy's grant to an agent leaves once AWS's other rules are applied (red-team round 90):
 *
 * - An explicit Deny in any policy that applies to the request wins over an Allow in a resource policy (IAM policy
 *   evaluation logic: identity policies and the permission boundary are among them). So an action a certain Deny of the
 *   agent's own identity policies or boundary covers, on the resource the policy is attached to, is not handed over. A
 *   conditional Deny, one that covers only part of that resource, or one whose entry blastwall cannot tie to it removes
 *   nothing (see `deniedOnAll`). Only a KMS key's ARN is asked for now; a policy on anything else (a bucket, whose
 *   grants may be on its objects, a vault, a secret) is asked as every resource: only a Deny of `*` then counts.
 *   A Deny protects only while it stays (red-team round 75): the agent's own Denies count only when neither the agent
 *   nor any principal it can act as (the reach graph's search from it) holds a right that deletes, detaches, rewrites
 *   or leaves the policy holding them (`REMOVES_DENY`, conditional grants included), and it reaches nothing outside
 *   the stack's principals, whose rights blastwall cannot see.
 * - Across accounts a resource policy grants nothing on its own: the caller's identity policies must allow the call too,
 *   and those the agent rules already judge. Only when both the agent's and the resource's providers are pinned, each to
 *   one account by a literal `allowed_account_ids`, and the two differ, is the grant left to them.
 */
import type { PrincipalNode } from "../engine/analysis-types";
import type { RuleContext } from "../engine/rule";
import type { TfResource, TfStack } from "../engine/terraform/types";
import { providerConfigKey, providerKeyOf } from "../engine/terraform/providers";
import { attributePattern, refTarget } from "../engine/terraform/tokens";
import { ownDenies } from "../engine/own-denies";
import { deniedOnAll, type DenyAsk } from "./invoke-denies";
import { reachOf } from "./reach-support";

/**
 * The rights that take a Deny of a principal's own policies away: deleting, detaching or overwriting an inline or managed
 * policy (or its default version), leaving a group, removing or replacing the permission boundary.
 */
const REMOVES_DENY = [
  "iam:DeleteRolePolicy", "iam:DetachRolePolicy", "iam:PutRolePolicy", "iam:AttachRolePolicy",
  "iam:DeleteUserPolicy", "iam:DetachUserPolicy", "iam:PutUserPolicy", "iam:AttachUserPolicy",
  "iam:DeleteGroupPolicy", "iam:DetachGroupPolicy", "iam:PutGroupPolicy", "iam:AttachGroupPolicy", "iam:RemoveUserFromGroup",
  "iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion", "iam:DeletePolicyVersion", "iam:DeletePolicy",
  "iam:DeleteRolePermissionsBoundary", "iam:PutRolePermissionsBoundary", "iam:DeleteUserPermissionsBoundary", "iam:PutUserPermissionsBoundary",
].map((a) => a.toLowerCase());

const steadyCache = new WeakMap<object, Map<string, boolean>>();

/** Whether the agent's own Denies stay: neither it nor anyone it can act as can take them away (see above). */
function deniesStay(ctx: RuleContext, agent: PrincipalNode): boolean {
  let m = steadyCache.get(ctx.analysis);
  if (!m) steadyCache.set(ctx.analysis, (m = new Map()));
  let out = m.get(agent.address);
  if (out === undefined) {
    out = reachOf(ctx)
      .search(agent.address)
      .order.every((id) => {
        const p = ctx.analysis.byAddress.get(id);
        if (!p || p.external) return false;
        const rights = ctx.analysis.rightsOf(p.address);
        return !REMOVES_DENY.some((a) => rights.grants.has(a));
      });
    m.set(agent.address, out);
  }
  return out;
}

/** Key types whose own policy the grant is in, and key policies naming their key: asked as that key's ARN. */
const KEYS = new Set(["aws_kms_key", "aws_kms_external_key", "aws_kms_replica_key", "aws_kms_replica_external_key"]);

const EVERY_RESOURCE: readonly DenyAsk[] = [{ pattern: "*" }];

/** The ARNs a Deny must cover for the requests a policy on `res` can allow; every resource when not known. */
function asksOf(stack: TfStack, res: TfResource): readonly DenyAsk[] {
  let key: TfResource | undefined = KEYS.has(res.type) ? res : undefined;
  if (res.type === "aws_kms_key_policy") {
    const ref = refTarget(res.values["key_id"]);
    const target = ref && stack.byAddress.get(ref.address);
    if (target && KEYS.has(target.type) && (ref.attribute === "id" || ref.attribute === "arn" || ref.attribute === "key_id")) key = target;
  }
  return key ? [{ pattern: attributePattern(stack, key, "arn").pattern, target: key, suffix: "" }] : EVERY_RESOURCE;
}

/** The actions of `held` (granted to `agent` by a policy on `res`) that no certain Deny of the agent's own takes away. */
export function notOwnDenied(ctx: RuleContext, agent: PrincipalNode, res: TfResource, held: readonly string[]): string[] {
  const { stack } = ctx;
  const denies = ownDenies(agent);
  if (denies.length === 0 || !deniesStay(ctx, agent)) return [...held];
  const asks = asksOf(stack, res);
  return held.filter((a) => !deniedOnAll(stack, denies, a, asks));
}

/** The one account a resource's provider is pinned to by a literal `allowed_account_ids`, if it is. */
function pinnedAccount(stack: TfStack, r: TfResource): string | undefined {
  const ids = stack.providers?.get(providerConfigKey(providerKeyOf(r)))?.["allowed_account_ids"];
  return Array.isArray(ids) && ids.length === 1 && typeof ids[0] === "string" && /^\d{12}$/.test(ids[0]) ? ids[0] : undefined;
}

/** Whether the agent (of this stack) certainly sits in another account than `res`. */
export function certainlyOtherAccount(stack: TfStack, agent: PrincipalNode, res: TfResource): boolean {
  if (agent.external) return false;
  const mine = pinnedAccount(stack, agent.resource);
  const theirs = pinnedAccount(stack, res);
  return mine !== undefined && theirs !== undefined && mine !== theirs;
}
