import type { Rule } from "../engine/rule";
import { rule as agentDestroyRight } from "./agent-destroy-right";
import { rule as agentProtectionRemoval } from "./agent-protection-removal";
import { rule as agentSelfEscalation } from "./agent-self-escalation";
import { rule as unanalysablePolicy } from "./unanalysable-policy";
import { rule as unresolvedAttachment } from "./unresolved-attachment";
import { rule as agentTransitiveDestroy } from "./agent-transitive-destroy";
import { rule as agentRunnerRights } from "./agent-runner-rights";
import { rule as agentReachUnknown } from "./agent-reach-unknown";
import { rule as agentAccountAmbiguous } from "./agent-account-ambiguous";
import { rule as agentStoredSecret } from "./agent-stored-secret";
import { rule as credentialInConfiguration } from "./credential-in-configuration";
import { rule as credentialInSource } from "./credential-in-source";
import { rule as agentDatabasePassword } from "./agent-database-password";
import { rule as agentOverwriteUnprotected } from "./agent-overwrite-unprotected";
import { rule as agentInstanceShell } from "./agent-instance-shell";
import { rule as resourcePolicyGrant } from "./resource-policy-grant";
import { rule as agentServerlessDataDelete } from "./agent-serverless-data-delete";
import { rule as agentResourcePolicyRewrite } from "./agent-resource-policy-rewrite";
import { rule as agentRoleBoundary } from "./agent-role-boundary";
import { rule as agentSessionDuration } from "./agent-session-duration";
import { rule as agentSourceIdentity } from "./agent-source-identity";
import { rule as agentTrustOpen } from "./agent-trust-open";
import { rule as agentLongLivedKeys } from "./agent-long-lived-keys";
import { rule as rdsDeletionProtection } from "./rds-deletion-protection";
import { rule as rdsAutomatedBackupsRetained } from "./rds-automated-backups-retained";
import { rule as rdsBackupRetention } from "./rds-backup-retention";
import { rule as rdsFinalSnapshot } from "./rds-final-snapshot";
import { rule as keyDeletionWindow } from "./key-deletion-window";
import { rule as statefulPreventDestroy } from "./stateful-prevent-destroy";
import { rule as statefulBackupCoverage } from "./stateful-backup-coverage";
import { rule as backupOffsiteCopy } from "./backup-offsite-copy";
import { rule as backupVaultLocked } from "./backup-vault-locked";
import { rule as recycleBinRuleLocked } from "./recycle-bin-rule-locked";
import { rule as backupJobsRefused } from "./backup-jobs-refused";
import { rule as auditTrailOff } from "./audit-trail-off";
import { rule as unknownModule } from "./unknown-module";
import { rule as agentTagsUnreadable } from "./agent-tags-unreadable";
import { rule as unmodelledIam } from "./unmodelled-iam";
import { rule as agentMarkedNotPrincipal } from "./agent-marked-not-principal";
import { rule as removedLeftInAws } from "./removed-left-in-aws";

/** Rules over what agents can do: their own rights, and what they reach through others. */
export const agentRules: readonly Rule[] = [
  agentDestroyRight,
  agentOverwriteUnprotected,
  agentInstanceShell,
  agentProtectionRemoval,
  agentSelfEscalation,
  agentResourcePolicyRewrite,
  agentTransitiveDestroy,
  agentRunnerRights,
  agentReachUnknown,
  agentAccountAmbiguous,
  agentStoredSecret,
  credentialInConfiguration,
  agentDatabasePassword,
  resourcePolicyGrant,
  agentServerlessDataDelete,
  unanalysablePolicy,
  unresolvedAttachment,
  unknownModule,
  unmodelledIam,
  removedLeftInAws,
  agentMarkedNotPrincipal,
  agentTagsUnreadable,
];

/** Rules over how agent principals are set up, and over the protection around data (the constructs' guarantees). */
export const protectionRules: readonly Rule[] = [
  agentRoleBoundary,
  agentSessionDuration,
  agentSourceIdentity,
  agentTrustOpen,
  agentLongLivedKeys,
  rdsDeletionProtection,
  rdsAutomatedBackupsRetained,
  rdsBackupRetention,
  rdsFinalSnapshot,
  keyDeletionWindow,
  statefulPreventDestroy,
  statefulBackupCoverage,
  backupOffsiteCopy,
  backupVaultLocked,
  recycleBinRuleLocked,
  backupJobsRefused,
  auditTrailOff,
];

/**
 * Rules over what the configuration's own text holds. Not run by the plan gate: a plan's values are all resolved, so a
 * password passed in at plan time looks as written as a literal one.
 */
export const sourceRules: readonly Rule[] = [credentialInSource];

/** Every rule `blastwall check` and the synth-time aspect run, in report order. */
export const allRules: readonly Rule[] = [...agentRules, ...sourceRules, ...protectionRules];
