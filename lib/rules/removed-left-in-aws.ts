import type { Rule } from "../engine/rule";
import type { FindingDraft } from "../engine/findings";
import { REMOVED_BLOCK_TYPE } from "../engine/terraform/removed-blocks";
import { RESOURCE_POLICIES } from "../engine/resource-policies";
import { CREDENTIAL_TYPES } from "../engine/reach/credential-references";
import { shownLocation } from "../report/summarize";

/**
 * Types that grant rights by themselves, besides the resource policies (`RESOURCE_POLICIES`, below) and the credential
 * types (`CREDENTIAL_TYPES`) the engine reads: what each one leaves behind when Terraform forgets it. Known by type,
 * never by a name's ending: `aws_autoscaling_policy` or `aws_ecr_lifecycle_policy` grant nothing, `aws_kms_key` and
 * `aws_lakeformation_permissions` do (red-team rounds 122 F6 and 123 F5).
 */
const GRANTING: ReadonlyMap<string, string> = new Map([
  // IAM principals keep their trust and every policy on them; policies and attachments keep granting.
  ...["aws_iam_role", "aws_iam_user", "aws_iam_group", "aws_iam_service_linked_role", "aws_iam_instance_profile"].map((t) => [t, "an IAM principal"] as const),
  ...[
    "aws_iam_policy",
    "aws_iam_role_policy",
    "aws_iam_user_policy",
    "aws_iam_group_policy",
    "aws_iam_policy_attachment",
    "aws_iam_role_policy_attachment",
    "aws_iam_user_policy_attachment",
    "aws_iam_group_policy_attachment",
    "aws_iam_group_membership",
    "aws_iam_user_group_membership",
  ].map((t) => [t, "an IAM policy or attachment"] as const),
  ...["aws_iam_user_ssh_key", "aws_iam_signing_certificate"].map((t) => [t, "a credential"] as const),
  // Federation: whoever the provider vouches for may assume the roles that trust it.
  ...["aws_iam_openid_connect_provider", "aws_iam_saml_provider", "aws_rolesanywhere_trust_anchor", "aws_rolesanywhere_profile", "aws_cognito_identity_pool_roles_attachment", "aws_iot_role_alias"].map(
    (t) => [t, "an identity provider or a route to a role"] as const,
  ),
  // Identity Center: a permission set, its policies and its assignments (a permissions boundary attachment only caps).
  ...[
    "aws_ssoadmin_permission_set",
    "aws_ssoadmin_permission_set_inline_policy",
    "aws_ssoadmin_managed_policy_attachment",
    "aws_ssoadmin_customer_managed_policy_attachment",
    "aws_ssoadmin_account_assignment",
    "aws_identitystore_group_membership",
  ].map((t) => [t, "an Identity Center grant"] as const),
  ...["aws_eks_access_entry", "aws_eks_access_policy_association", "aws_eks_pod_identity_association"].map((t) => [t, "an EKS cluster access grant"] as const),
  ...["aws_lakeformation_permissions", "aws_lakeformation_data_lake_settings", "aws_lakeformation_resource_lf_tag", "aws_lakeformation_resource_lf_tags", "aws_lakeformation_opt_in"].map(
    (t) => [t, "a Lake Formation grant"] as const,
  ),
  ...[
    "aws_lambda_permission",
    "aws_lambda_layer_version_permission",
    "aws_cloudwatch_event_permission",
    "aws_s3_bucket_acl",
    "aws_sns_topic_policy",
    "aws_opensearchserverless_access_policy",
    "aws_acmpca_policy",
    "aws_kms_grant",
    "aws_s3control_access_grant",
    "aws_ram_principal_association",
    "aws_ram_resource_association",
  ].map((t) => [t, "a resource policy or grant"] as const),
  // Users and groups of services that hand out a role or a login of their own (red-team round 124).
  ...[
    "aws_transfer_user",
    "aws_cognito_user_group",
    "aws_eks_identity_provider_config",
    "aws_s3control_access_grants_location",
    "aws_elasticache_user",
    "aws_memorydb_user",
  ].map((t) => [t, "a login or a role a service hands out"] as const),
  // blastwall reads a topic's policy from aws_sns_topic_policy; the topic's own `policy` argument may carry one too.
  ["aws_sns_topic", "an object that may carry a resource policy (its `policy` argument)"],
]);

/** The engine's resource policies, by type: a policy resource, or a resource with its policy as an argument. */
const POLICY_ATTRIBUTE: ReadonlyMap<string, string> = new Map(RESOURCE_POLICIES.map(([type, attribute]) => [type, attribute] as const));

/** IAM and Identity Center of the Cloud Control provider, which unmodelled-iam reports while they are in the configuration. */
const CLOUD_CONTROL_IAM = /^awscc_(iam_|sso_permission_set$|sso_assignment$)/;

/**
 * What a `removed { lifecycle { destroy = false } }` block for `from` leaves in the account that grants rights, or
 * undefined for a type that grants nothing. A type blastwall does not know as granting (a scaling policy, a cache
 * policy, the account's password rules, another provider's resource) is not reported: blastwall judged it the same
 * while it was in the configuration, so its removal hides nothing the check saw.
 */
const CARRIER = "an object that may carry a resource policy";

function leftGranting(from: string): string | undefined {
  const parts = from.replace(/\[[^\]]*\]/g, "").split(".");
  // `module.a.module.b` (a whole module) or `module.a.TYPE.NAME`: the last two parts name the block.
  if (parts.length >= 2 && parts[parts.length - 2] === "module") return "a whole module, whose contents blastwall no longer reads";
  const type = parts.length >= 2 ? parts[parts.length - 2] : "";
  if (type === "" || !/^[a-z0-9_]+$/.test(type)) return "an object blastwall cannot name, which may be anything";
  const attribute = POLICY_ATTRIBUTE.get(type);
  if (attribute !== undefined) return type.endsWith("_policy") ? "a resource policy" : `${CARRIER} (its \`${attribute}\` argument)`;
  if ((CREDENTIAL_TYPES as readonly string[]).includes(type)) return "a credential";
  if (CLOUD_CONTROL_IAM.test(type)) return "an IAM object of the Cloud Control provider";
  return GRANTING.get(type);
}

export const rule: Rule = {
  meta: {
    id: "removed-left-in-aws",
    title: "A `removed` block leaves an IAM object or a policy in the account, unmanaged and unchecked",
    why:
      "A `removed` block that does not destroy its object (`destroy = false`, or no `destroy` under OpenTofu) makes Terraform " +
        "forget a role, policy or attachment but leave it in AWS with every right it grants, where `blastwall check` no longer " +
        "sees it: an agent may keep its rights to delete data while the check turns green. So blastwall counts the forgotten " +
        "object as granting everything.",
    details:
      "`removed { from = ..., lifecycle { destroy = false } }` (and under OpenTofu a `removed` block with no `destroy`, its " +
        "default) makes Terraform forget an object and leave it in AWS: an inline policy stays on its role, an attachment stays " +
        "attached, a role keeps its trust and rights. The block it replaces is gone from the configuration, so `blastwall " +
        "check` no longer sees what the object grants, and removing a block this way turns a failing check green without taking " +
        "a single right away. Unread, the object counts as granting everything. " +
        "Reported for what grants: IAM principals, policies, attachments and credentials, identity providers, Identity Center, EKS " +
        "access and Lake Formation grants, Lambda permissions, every resource policy blastwall reads (a policy resource, or a bucket, " +
        "key, queue or topic whose policy is an argument: a warning, an error with --strict, as such objects are often moved to " +
        "another state), a whole module, and a `from` blastwall cannot read; a type that grants nothing (a scaling policy, an ECR " +
        "lifecycle policy, a CloudFront cache policy, the account's password policy) is not.",
    fix:
      "Let Terraform destroy the object (set `destroy = true`; dropping the `lifecycle` block destroys it under Terraform, but OpenTofu then forgets it), or keep its block in the " +
      "configuration so it is checked. If another configuration takes it over, check that one, and acknowledge this finding with " +
      "the reason. The plan gate (`blastwall gate plan.json`) still sees the forgotten object in the plan and judges it.",
    severity: "error",
    category: "input",
  },
  check({ stack, strict }) {
    const out: FindingDraft[] = [];
    for (const r of stack.byType.get(REMOVED_BLOCK_TYPE) ?? []) {
      const from = String(r.values["from"]);
      const what = leftGranting(from);
      if (what === undefined) continue;
      const destroy = r.values["destroy"];
      // As every report prints a location: a path from where blastwall ran (`infra/web/main.tf:42`), like `file:`.
      const at = r.location ? ` (${shownLocation(stack.file, r.location)})` : "";
      const unwritten = r.values["unwritten"] === "opentofu";
      const how = unwritten
        ? "with no `lifecycle { destroy = ... }`, which OpenTofu reads as `destroy = false` (its default, unlike Terraform's),"
        : destroy === false
          ? "with `destroy = false`"
          : `with \`destroy = ${String(destroy)}\`, which blastwall cannot read as true`;
      // A bucket, key, queue or topic is moved to another state far more often than it carries its policy as an
      // argument (most buckets' policies are resources of their own): a warning, an error with --strict.
      const carrier = what.startsWith(CARRIER);
      out.push({
        principal: r.address,
        resource: r.address,
        ...(carrier && !strict ? { severity: "warning" as const } : {}),
        // Whose rights it holds is not known here (the principal it was attached to may be gone from the configuration too).
        actions: [],
        message:
          `The \`removed\` block${at} for ${from}, ${what}, ${how} makes ${unwritten ? "OpenTofu" : "Terraform"} forget it and leave it in AWS with whatever it grants; ` +
          `it is no longer in the configuration, so blastwall check cannot see what it grants and counts it as granting everything. ` +
          `The plan gate (blastwall gate on the plan) still sees it.`,
        evidence: [
          {
            step: "removed",
            address: r.address,
            detail: unwritten
              ? `from = ${from}, no lifecycle.destroy: OpenTofu forgets the object (1.7 and 1.8 always do; from 1.9 destroy defaults to false), Terraform destroys it; write \`destroy = true\` to destroy it under both`
              : `from = ${from}, lifecycle.destroy ${destroy === false ? "= false" : `= ${String(destroy)}`}`,
            ...(r.location ? { location: r.location } : {}),
          },
        ],
      });
    }
    return out;
  },
};
