/**
 * blastwall: keeps AI agents from destroying production infrastructure.
 *
 * - `BlastwallChecks`: the synth-time gate (`Aspects.of(app).add(new BlastwallChecks())`).
 * - Constructs with secure defaults: AgentRole, ScopedToken, EnvironmentAccounts, ProtectedVolume,
 *   ProtectedDatabase, OffsiteBackupVault, AgentAuditTrail.
 * - The engine (`checkStacks`, `buildStack`, ...) for custom pipelines; it reads plain Terraform JSON.
 */
import type * as Constructs from "./constructs";

export * from "./cdktf";

// The constructs build on provider classes (IAM, KMS, Backup, Organizations, CloudTrail, ...): loading them costs
// more than the gate itself, so `import { BlastwallChecks } from "blastwall"` does not load them. Each is loaded
// on first use (`test/cdktf/package-root.test.ts` keeps this list equal to what lib/constructs exports).
export declare const AgentPrincipal: typeof Constructs.AgentPrincipal;
export type AgentPrincipal = Constructs.AgentPrincipal;
export declare const AgentRole: typeof Constructs.AgentRole;
export type AgentRole = Constructs.AgentRole;
export declare const ScopedToken: typeof Constructs.ScopedToken;
export type ScopedToken = Constructs.ScopedToken;
export declare const EnvironmentAccounts: typeof Constructs.EnvironmentAccounts;
export type EnvironmentAccounts = Constructs.EnvironmentAccounts;
export declare const ProtectedKey: typeof Constructs.ProtectedKey;
export type ProtectedKey = Constructs.ProtectedKey;
export declare const OffsiteBackupPlan: typeof Constructs.OffsiteBackupPlan;
export type OffsiteBackupPlan = Constructs.OffsiteBackupPlan;
export declare const RecycleBinLock: typeof Constructs.RecycleBinLock;
export type RecycleBinLock = Constructs.RecycleBinLock;
export declare const ProtectedVolume: typeof Constructs.ProtectedVolume;
export type ProtectedVolume = Constructs.ProtectedVolume;
export declare const ProtectedDatabase: typeof Constructs.ProtectedDatabase;
export type ProtectedDatabase = Constructs.ProtectedDatabase;
export declare const OffsiteBackupVault: typeof Constructs.OffsiteBackupVault;
export type OffsiteBackupVault = Constructs.OffsiteBackupVault;
export declare const AgentAuditTrail: typeof Constructs.AgentAuditTrail;
export type AgentAuditTrail = Constructs.AgentAuditTrail;
export declare const AGENT_PATH: typeof Constructs.AGENT_PATH;
export declare const AGENT_MAX_SESSION_SECONDS: typeof Constructs.AGENT_MAX_SESSION_SECONDS;
export declare const SCOPED_TOKEN_MIN_SECONDS: typeof Constructs.SCOPED_TOKEN_MIN_SECONDS;
export declare const SCOPED_TOKEN_MAX_SECONDS: typeof Constructs.SCOPED_TOKEN_MAX_SECONDS;
export declare const KEY_DELETION_WINDOW_DAYS: typeof Constructs.KEY_DELETION_WINDOW_DAYS;
export declare const MIN_BACKUP_RETENTION_DAYS: typeof Constructs.MIN_BACKUP_RETENTION_DAYS;
export declare const DEFAULT_DATA_EVENT_TYPES: typeof Constructs.DEFAULT_DATA_EVENT_TYPES;
export declare const WORKLOAD_ACTIONS: typeof Constructs.WORKLOAD_ACTIONS;
export type {
  GithubActionsProps,
  GitlabCiProps,
  OidcSubjectProps,
  AgentRoleProps,
  AgentPermission,
  BoundaryExemption,
  ScopedTokenProps,
  Environment,
  AccountSpec,
  EnvironmentAccountsProps,
  ProtectedKeyProps,
  OffsiteBackupOptions,
  OffsiteBackupPlanProps,
  OffsiteBackup,
  RecycleBinLockProps,
  ProtectedVolumeProps,
  ProtectedDatabaseProps,
  OffsiteBackupVaultProps,
  AgentAuditTrailProps,
} from "./constructs";

/** The names above, defined on first read from lib/constructs. */
const LAZY_CONSTRUCT_EXPORTS = [
  "AgentPrincipal",
  "AgentRole",
  "ScopedToken",
  "EnvironmentAccounts",
  "ProtectedKey",
  "OffsiteBackupPlan",
  "RecycleBinLock",
  "ProtectedVolume",
  "ProtectedDatabase",
  "OffsiteBackupVault",
  "AgentAuditTrail",
  "AGENT_PATH",
  "AGENT_MAX_SESSION_SECONDS",
  "SCOPED_TOKEN_MIN_SECONDS",
  "SCOPED_TOKEN_MAX_SECONDS",
  "KEY_DELETION_WINDOW_DAYS",
  "MIN_BACKUP_RETENTION_DAYS",
  "DEFAULT_DATA_EVENT_TYPES",
  "WORKLOAD_ACTIONS",
] as const;

for (const name of LAZY_CONSTRUCT_EXPORTS) {
  Object.defineProperty(exports, name, {
    enumerable: true,
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    get: () => (require("./constructs") as Record<string, unknown>)[name],
  });
}
export type { Finding, Evidence, Severity, RuleMeta, Acknowledgement } from "./engine/findings";
export type { Rule, RuleContext } from "./engine/rule";
export type { TfStack, TfResource } from "./engine/terraform/types";
export type { BlastwallConfig } from "./engine/config-types";
export type { Report } from "./report/types";
export { InputError } from "./engine/terraform/types";
export { buildStack } from "./engine/terraform/stack";
export { checkStacks, checkPaths } from "./check/run-check";
export { allRules } from "./rules";
/** Renders a report as text, json, sarif or mermaid (the reporters load on first use). */
export function renderReport(...args: Parameters<typeof import("./report/render").renderReport>): ReturnType<typeof import("./report/render").renderReport> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require("./report/render") as typeof import("./report/render")).renderReport(...args);
}
export { AGENT_TAG } from "./engine/agents";
