/**
 * Secure-by-default CDKTF constructs. Most guarantees they give are also gate rules (lib/rules), so the same mistake
 * made with raw provider resources, or an escape hatch (addOverride, a setter, reset*()) that undoes a construct's
 * setting after construction, is caught too: agents' rights and how their roles are set up, prevent_destroy, RDS
 * deletion protection, final snapshot and automated backups, AWS Backup coverage and off-site copies, vault locks, a
 * trail that logs, and (a warning) the deletion window of a key that encrypts data.
 *
 * Held by the constructs' props only, and so not caught once undone after construction: the EBS volume's final
 * snapshot (the provider's default is off, and prevent_destroy and the off-site backup, both rules, come before it),
 * the Recycle Bin rule and its lock (a Region-wide rule that a stack without one is not asked for either), KMS key
 * rotation, the trail's settings beyond logging, the local recovery points' lifecycle and the content of the SCPs.
 * The README's "Constructs with secure defaults" says the same.
 */
export { AgentPrincipal, type GithubActionsProps, type GitlabCiProps, type IdentityCenterPermissionSetProps, type OidcSubjectProps, type RoleOptions } from "./agent-principal";
export { AgentRole, AGENT_PATH, AGENT_MAX_SESSION_SECONDS, type AgentRoleProps, type AgentPermission, type BoundaryExemption } from "./agent-role";
export { ScopedToken, SCOPED_TOKEN_MIN_SECONDS, SCOPED_TOKEN_MAX_SECONDS, type ScopedTokenProps } from "./scoped-token";
export { EnvironmentAccounts, type Environment, type AccountSpec, type EnvironmentAccountsProps, type ProviderForOptions } from "./environment-accounts";
export { WORKLOAD_ACTIONS } from "./guardrail-policies";
export { ProtectedKey, KEY_DELETION_WINDOW_DAYS, type ProtectedKeyProps } from "./protected-key";
export { OffsiteBackupPlan, type OffsiteBackupOptions, type OffsiteBackupPlanProps } from "./offsite-backup-plan";
export type { OffsiteBackup } from "./offsite-backup-target";
export { RecycleBinLock, type RecycleBinLockProps } from "./recycle-bin-lock";
export { ProtectedVolume, type ProtectedVolumeProps } from "./protected-volume";
export { ProtectedDatabase, MIN_BACKUP_RETENTION_DAYS, type ProtectedDatabaseProps } from "./protected-database";
export { OffsiteBackupVault, type OffsiteBackupVaultProps } from "./offsite-backup-vault";
export { AgentAuditTrail, DEFAULT_DATA_EVENT_TYPES, type AgentAuditTrailProps } from "./agent-audit-trail";
