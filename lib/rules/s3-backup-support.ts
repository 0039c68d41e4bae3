/**
 * What AWS Backup needs before it can back up an S3 bucket, read from a stack: S3 Versioning on the bucket, and a
 * selection role that may read the bucket's objects (the versioning is read by ./s3-bucket-versioning). Without either, every backup job of the bucket fails, so it
 * gets no recovery point and no off-site copy, while its selection still looks complete. Used by the
 * `stateful-backup-coverage` rule and by `OffsiteBackupPlan.protect`.
 */
import type { StackAnalysis } from "../engine/analysis-types";
import type { TfResource, TfStack } from "../engine/terraform/types";
import { grantsFor } from "../engine/iam/evaluate";
import { globCovers } from "../engine/iam/glob";
import { hasInterpolation } from "../engine/terraform/tokens";
import { resourceAccount } from "../engine/terraform/providers";
import { PrincipalIndex } from "../engine/reach/principal-index";
import { roleOfValue } from "../engine/reach/role-of";
import type { VersioningCheck } from "./s3-bucket-versioning";

/** AWS's policy for S3 backups (no `service-role/` path, unlike AWSBackupServiceRolePolicyForBackup, which has no S3 right). */
export const S3_BACKUP_POLICY = "AWSBackupServiceRolePolicyForS3Backup";

export function s3BackupPolicyArn(partition: string): string {
  return `arn:${partition}:iam::aws:policy/${S3_BACKUP_POLICY}`;
}

/** Ok, or why not (a clause) and what to do (a sentence). Whether the bucket is versioned: `bucketVersioning` of ./s3-bucket-versioning. */
export type S3BackupCheck = VersioningCheck;

/**
 * Does the selection's role certainly read every object of the bucket? blastwall's action universe holds
 * `s3:GetObject` (AWSBackupServiceRolePolicyForS3Backup grants it on `arn:aws:s3:::*` objects), not the version and
 * listing reads AWS Backup also makes (`s3:GetObjectVersion`, `s3:ListBucketVersions`, `s3:GetBucketVersioning`):
 * a role without `s3:GetObject` certainly cannot back the bucket up; one with it is taken to hold the rest.
 * "Certainly" means an Allow without conditions, in a policy blastwall read, whose Resource covers the objects (a
 * Terraform reference counts only where it names this bucket), and that no Deny or boundary takes away. A role this
 * stack does not create, or a value blastwall cannot resolve, counts as not reading it: its policies cannot be seen.
 */
export function s3BackupRole(stack: TfStack, analysis: StackAnalysis, roles: PrincipalIndex, selection: TfResource, bucket: TfResource, bucketArn: string): S3BackupCheck {
  const value = selection.values["iam_role_arn"];
  const shown = typeof value === "string" ? value : JSON.stringify(value);
  const policyFix = (role: string) => `Attach arn:aws:iam::aws:policy/${S3_BACKUP_POLICY} to ${role} (OffsiteBackupPlan.protect does this for its plan's role)`;
  const address = roleOfValue({ stack, analysis, roles }, value);
  if (address === undefined) {
    const literal = typeof value === "string" && !hasInterpolation(value);
    return {
      ok: false,
      why: literal
        ? `its iam_role_arn ${shown} names no role of this stack, so blastwall cannot see whether that role may read the bucket (AWSBackupServiceRolePolicyForBackup, the usual backup role policy, grants no S3 right)`
        : `its iam_role_arn is \`${shown}\`, which blastwall cannot resolve to a role of this stack, so it cannot see whether that role may read the bucket`,
      fix: `Give the selection a role of this stack with ${S3_BACKUP_POLICY} attached (iam_role_arn = aws_iam_role.<name>.arn), or, once you have checked that ${literal ? "the role" : "every role it can name"} holds that policy, acknowledge this finding with that reason`,
    };
  }
  const role = analysis.byAddress.get(address)!;
  const objects = `${bucketArn}/*`;
  const certain = grantsFor(analysis.rightsOf(address), "s3:GetObject", objects).some((g) => {
    const s = g.statement;
    if (g.conditional || s.unknown !== undefined || !s.resources) return false;
    return s.resources.some((p, i) => {
      if (!globCovers(p, objects)) return false;
      if (!s.approximateResources?.includes(i)) return true;
      // A widened reference counts only where it is this bucket's own objects, not every bucket's.
      const written = s.writtenResources?.[i];
      return written !== undefined && written.startsWith(`\${${bucket.address}.arn}/`);
    });
  });
  if (certain) return { ok: true, by: address };
  // A policy blastwall could not read (an existing policy looked up by name, `data "aws_iam_policy"`) may be the S3
  // backup policy itself: the fix is then to write its ARN, not to attach what may be attached (red-team round 118).
  const unread = role.identityPolicies.flatMap((p) => p.document.statements.filter((st) => st.unknown !== undefined).map((st) => st.unknown!));
  return {
    ok: false,
    why:
      `its role ${address} (iam_role_arn ${shown}) has no s3:GetObject on the bucket's objects without conditions in a policy blastwall can read` +
      (role.identityPolicies.some((p) => p.document.address.endsWith("/AWSBackupServiceRolePolicyForBackup")) ? " (AWSBackupServiceRolePolicyForBackup grants no S3 right)" : "") +
      (unread.length > 0 ? `; it cannot read ${unread.length === 1 ? "one of its policies" : `${unread.length} of its policies`} (${unread[0]})` : ""),
    fix:
      unread.length > 0
        ? `If that policy is ${S3_BACKUP_POLICY}, name it by its ARN (arn:aws:iam::aws:policy/${S3_BACKUP_POLICY}) rather than through a lookup blastwall cannot read; otherwise ${policyFix(address).charAt(0).toLowerCase()}${policyFix(address).slice(1)}`
        : policyFix(address),
  };
}

/** The stack's roles as `roleOfValue` looks them up, each in the account its own provider is pinned to. */
export function roleIndex(stack: TfStack, analysis: StackAnalysis): PrincipalIndex {
  return new PrincipalIndex(analysis.principals.filter((p) => p.kind === "role" && !p.external), "role", (p) => resourceAccount(stack, p.resource));
}
