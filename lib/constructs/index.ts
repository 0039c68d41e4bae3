/**
 * Secure-by-default CDKTF constructs. Each guarantee they give is also a gate rule (lib/rules), so the same
 * mistake made with raw provider resources is caught too.
 */
export { AgentPrincipal, type GithubActionsProps, type GitlabCiProps, type OidcSubjectProps } from "./agent-principal";
export { AgentRole, AGENT_PATH, AGENT_MAX_SESSION_SECONDS, type AgentRoleProps, type AgentPermission, type BoundaryExemption } from "./agent-role";
export { ScopedToken, SCOPED_TOKEN_MIN_SECONDS, SCOPED_TOKEN_MAX_SECONDS, type ScopedTokenProps } from "./scoped-token";
export { EnvironmentAccounts, type Environment, type AccountSpec, type EnvironmentAccountsProps } from "./environment-accounts";
export { WORKLOAD_ACTIONS } from "./guardrail-policies";
export { ProtectedKey, KEY_DELETION_WINDOW_DAYS, type ProtectedKeyProps } from "./protected-key";
export { OffsiteBackupPlan, type OffsiteBackupOptions, type OffsiteBackupPlanProps } from "./offsite-backup-plan";
export type { OffsiteBackup } from "./offsite-backup-target";
export { RecycleBinLock, type RecycleBinLockProps } from "./recycle-bin-lock";
export { ProtectedVolume, type ProtectedVolumeProps } from "./protected-volume";
export { ProtectedDatabase, MIN_BACKUP_RETENTION_DAYS, type ProtectedDatabaseProps } from "./protected-database";
export { OffsiteBackupVault, type OffsiteBackupVaultProps } from "./offsite-backup-vault";
export { AgentAuditTrail, DEFAULT_DATA_EVENT_TYPES, type AgentAuditTrailProps } from "./agent-audit-trail";
