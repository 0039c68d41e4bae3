import type { Construct } from "constructs";
import { TerraformStack, type TerraformProvider } from "cdktf";
import { DataAwsOrganizationsOrganization } from "@cdktf/provider-aws/lib/data-aws-organizations-organization";

/**
 * An `aws_organizations_organization` data source of the management account in `scope`, and its reference written
 * out (a plain string, the data source named by its logical id) for a precondition's expression: cdktf would wrap a
 * token inside one in a second interpolation. What the preconditions on an organization blastwall does not create
 * read: its roots' enabled policy types (EnvironmentAccounts), its trusted services (AgentAuditTrail).
 */
export function existingOrganization(scope: Construct, id: string, provider: TerraformProvider | undefined): { readonly data: DataAwsOrganizationsOrganization; readonly ref: string } {
  const data = new DataAwsOrganizationsOrganization(scope, id, { provider });
  return { data, ref: `data.aws_organizations_organization.${TerraformStack.of(scope).getLogicalId(data)}` };
}
