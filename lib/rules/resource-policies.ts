import type { TfResource, TfStack } from "../engine/terraform/types";
import type { Statement } from "../engine/iam/types";
import { loadCatalogue } from "../engine/catalogue";
import { effectiveRights } from "../engine/iam/evaluate";
import { actionUniverse } from "../engine/universe";
import { policyFromValue } from "../engine/terraform/policy-documents";

/** Resources whose policy document grants rights to principals named in it, and the attribute holding it. */
export const RESOURCE_POLICIES: readonly [type: string, attribute: string][] = [
  ["aws_s3_bucket_policy", "policy"],
  ["aws_s3_bucket", "policy"],
  ["aws_backup_vault_policy", "policy"],
  ["aws_kms_key", "policy"],
  ["aws_kms_key_policy", "policy"],
  ["aws_secretsmanager_secret_policy", "policy"],
  ["aws_secretsmanager_secret", "policy"],
  ["aws_dynamodb_resource_policy", "policy"],
  ["aws_glacier_vault", "access_policy"],
  ["aws_efs_file_system_policy", "policy"],
  ["aws_ecr_repository_policy", "policy"],
  ["aws_opensearch_domain_policy", "access_policies"],
  ["aws_opensearch_domain", "access_policies"],
  ["aws_elasticsearch_domain_policy", "access_policies"],
  ["aws_elasticsearch_domain", "access_policies"],
  ["aws_glue_resource_policy", "policy"],
  ["aws_s3_access_point", "policy"],
  ["aws_s3control_access_point_policy", "policy"],
];

/** One statement of a resource policy in the stack, with the destroy and protection actions it grants. */
export interface ResourcePolicyGrant {
  readonly resource: TfResource;
  readonly statement: Statement;
  /** In catalogue order. */
  readonly actions: string[];
}

const cache = new WeakMap<TfStack, readonly ResourcePolicyGrant[]>();

/** Every resource policy statement of the stack that grants a destroy or protection right, read once per stack. */
export function resourcePolicyGrants(stack: TfStack): readonly ResourcePolicyGrant[] {
  let out = cache.get(stack) as ResourcePolicyGrant[] | undefined;
  if (out) return out;
  out = [];
  const cat = loadCatalogue();
  for (const [type, attribute] of RESOURCE_POLICIES) {
    for (const res of stack.byType.get(type) ?? []) {
      const value = res.values[attribute];
      if (value === undefined || value === null || value === "") continue;
      const doc = policyFromValue(stack, value, { address: res.address, constructPath: res.constructPath });
      const rights = effectiveRights({ principal: res.address, identity: doc.statements.filter((s) => s.effect === "Allow" || s.effect === "Deny"), universe: actionUniverse() });
      const byStatement = new Map<Statement, string[]>();
      for (const gs of rights.grants.values()) {
        for (const g of gs) {
          const c = cat.categoryOf(g.action);
          if (c !== "direct" && c !== "protection") continue;
          const list = byStatement.get(g.statement) ?? [];
          if (!list.includes(g.action)) list.push(g.action);
          byStatement.set(g.statement, list);
        }
      }
      for (const [statement, actions] of byStatement) {
        actions.sort((a, b) => cat.rank(a) - cat.rank(b));
        out.push({ resource: res, statement, actions });
      }
    }
  }
  cache.set(stack, out);
  return out;
}

/** The statement names principals by ARN (not an account root, an account id or `*`): it grants on its own. */
export function namesPrincipals(s: Statement): boolean {
  return (s.principals ?? []).some((p) => p.type === "AWS" && p.identifiers.some((id) => !/:root$/.test(id) && !/^[0-9*?]{1,12}$/.test(id)));
}
