import { loadCatalogue, type Catalogue } from "../engine/catalogue";
import type { PrincipalNode, StackAnalysis } from "../engine/analysis-types";
import type { TfStack } from "../engine/terraform/types";
import { resolveToPattern } from "../engine/terraform/tokens";
import { globsIntersect } from "../engine/iam/glob";
import { permissionSetSelfArns } from "../engine/principals/permission-sets";

/**
 * ARN patterns of everything whose change changes this principal's own rights: itself, its groups, and the
 * customer managed policies attached to it. An IAM write on any of these lets it grant itself anything.
 *
 * A permission set is itself by its Identity Center ARNs (the sso: calls of `PERMISSION_SET_WRITES`), not by its
 * roles: AWS refuses IAM calls on the roles Identity Center creates under /aws-reserved/ (iam:PutRolePolicy on one
 * fails), so an IAM write on its role's ARN is no path. The customer managed policies it references are ordinary
 * policies of each account, which iam:CreatePolicyVersion rewrites.
 */
export function selfTargets(stack: TfStack, analysis: StackAnalysis, p: PrincipalNode): string[] {
  const out = new Set<string>(p.kind === "permission-set" ? permissionSetSelfArns(stack, p.resource) : [p.arnPattern]);
  for (const g of p.groups) {
    const group = analysis.byAddress.get(g);
    if (group) out.add(group.arnPattern);
  }
  const policies = [...p.identityPolicies, ...(p.boundary ? [p.boundary] : [])];
  for (const a of policies) {
    if (a.document.address.startsWith("aws_iam_policy.")) {
      out.add(resolveToPattern(stack, "${" + a.document.address + ".arn}").pattern);
    }
  }
  return [...out];
}

/**
 * IAM writes that change a principal's own permissions (catalogue patterns E1, E2): put/attach/detach a policy,
 * new default policy version, boundary removal. `iam:AddUserToGroup` is E1 too, but joining a group is a reach
 * edge (the group's rights), not a rewrite of the principal's own policies.
 */
export function isPermissionWrite(action: string): boolean {
  const cat = loadCatalogue();
  // Asked of every escalation grant of every principal a rule or the reach search looks at: answered once per name.
  if (permissionWrites?.of !== cat) permissionWrites = { of: cat, answers: new Map() };
  let answer = permissionWrites.answers.get(action);
  if (answer === undefined) {
    const entry = cat.entryOf(action);
    answer = !!entry && entry.category === "escalation" && action.toLowerCase() !== "iam:addusertogroup" && entry.patterns.some((p) => p === "E1" || p === "E2");
    permissionWrites.answers.set(action, answer);
  }
  return answer;
}

let permissionWrites: { readonly of: Catalogue; readonly answers: Map<string, boolean> } | undefined;

/**
 * The Identity Center calls that change a permission set's own policies or boundary (the catalogue lists them as
 * protection removals, for any holder): on the agent's own permission set they are what iam:PutRolePolicy (and the
 * removals iam:DeleteRolePolicy, iam:DetachRolePolicy) are to a role. The change reaches the roles once the set is provisioned again, which the next apply or sso:ProvisionPermissionSet
 * does: counted without it.
 */
const PERMISSION_SET_WRITES: ReadonlySet<string> = new Set(
  [
    "sso:PutInlinePolicyToPermissionSet",
    "sso:AttachManagedPolicyToPermissionSet",
    "sso:AttachCustomerManagedPolicyReferenceToPermissionSet",
    "sso:DeleteInlinePolicyFromPermissionSet",
    "sso:DetachManagedPolicyFromPermissionSet",
    "sso:DetachCustomerManagedPolicyReferenceFromPermissionSet",
    "sso:DeletePermissionsBoundaryFromPermissionSet",
    "sso:PutPermissionsBoundaryToPermissionSet",
  ].map((a) => a.toLowerCase()),
);

/** Whether `action` changes the rights of a permission set it is granted on (see `PERMISSION_SET_WRITES`). */
export function isPermissionSetWrite(action: string): boolean {
  return PERMISSION_SET_WRITES.has(action.toLowerCase());
}

/** The kind of IAM resource an ARN pattern names (`role`, `user`, `group`, `policy`, `sso` for Identity Center's), when it says. */
function kindOfTarget(pattern: string): string | undefined {
  if (/^arn:[^:]*:sso:/.test(pattern)) return "sso";
  return /:(role|user|group|policy)\//.exec(pattern)?.[1];
}

/** The kind of IAM resource a permission write acts on: `iam:PutRolePolicy` a role, `iam:CreatePolicyVersion` a policy. */
function kindOfWrite(action: string): string {
  if (action.toLowerCase().startsWith("sso:")) return "sso";
  const name = action.slice(action.indexOf(":") + 1);
  return /Role/.test(name) ? "role" : /User/.test(name) ? "user" : /Group/.test(name) ? "group" : "policy";
}

/**
 * Whether a permission write held on `resources` reaches one of `targets`: a resource pattern that meets the target,
 * for an action that acts on that kind of resource (`iam:PutRolePolicy` on `*` rewrites roles, not users).
 */
export function writesOn(action: string, resources: readonly string[], targets: readonly string[]): boolean {
  const kind = kindOfWrite(action);
  return targets.some((t) => {
    const k = kindOfTarget(t);
    return (k === undefined || k === kind) && resources.some((r) => globsIntersect(r, t));
  });
}
