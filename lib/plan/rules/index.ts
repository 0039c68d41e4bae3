/** Every plan rule, in report order: destroys first, then protection-weakening updates. */
import type { PlanRule } from "../rule";
import { actionInvoked } from "./action-invoked";
import { agentRoleReplaced } from "./agent-role-replaced";
import { agentRuntimeMoved } from "./agent-runtime-moved";
import { agentSessionLengthened } from "./agent-session-lengthened";
import { agentTagRemoved } from "./agent-tag-removed";
import { automatedBackupsDeleted } from "./automated-backups-deleted";
import { backupRetentionLowered } from "./backup-retention-lowered";
import { commandScheduled } from "./command-scheduled";
import { deletionProtectionOff } from "./deletion-protection-off";
import { finalSnapshotSkipped } from "./final-snapshot-skipped";
import { forceDestroyOn } from "./force-destroy-on";
import { guardrailChanged } from "./guardrail-changed";
import { kmsDeletionWindowShortened } from "./kms-deletion-window-shortened";
import { lambdaInvoked } from "./lambda-invoked";
import { localProgramRuns } from "./local-program-runs";
import { orgGuardrailsLifted } from "./org-guardrails-lifted";
import { orgGuardrailsDelegated } from "./org-guardrails-delegated";
import { permissionsBoundaryRemoved } from "./permissions-boundary-removed";
import { protectedDelete } from "./protected-delete";
import { protectedForget } from "./protected-forget";
import { protectedTagRemoved } from "./protected-tag-removed";
import { recoveryWindowShortened } from "./recovery-window-shortened";
import { replicationOverwrites } from "./replication-overwrites";
import { protectedMoved } from "./protected-moved";
import { provisionerRuns } from "./provisioner-runs";
import { stackTemplateChanged } from "./stack-template-changed";
import { trailWeakened } from "./trail-weakened";
import { trustPolicyWidened } from "./trust-policy-widened";
import { vaultLockWeakened } from "./vault-lock-weakened";
import { versioningSuspended } from "./versioning-suspended";

export const PLAN_RULES: readonly PlanRule[] = [
  protectedDelete,
  protectedForget,
  stackTemplateChanged,
  deletionProtectionOff,
  finalSnapshotSkipped,
  automatedBackupsDeleted,
  backupRetentionLowered,
  forceDestroyOn,
  versioningSuspended,
  vaultLockWeakened,
  trailWeakened,
  kmsDeletionWindowShortened,
  recoveryWindowShortened,
  guardrailChanged,
  orgGuardrailsLifted,
  orgGuardrailsDelegated,
  replicationOverwrites,
  permissionsBoundaryRemoved,
  agentSessionLengthened,
  trustPolicyWidened,
  protectedTagRemoved,
  protectedMoved,
  agentTagRemoved,
  agentRuntimeMoved,
  agentRoleReplaced,
  provisionerRuns,
  actionInvoked,
  lambdaInvoked,
  localProgramRuns,
  commandScheduled,
];
