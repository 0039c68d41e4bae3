import { buildStack } from "../../lib/engine/terraform/stack";
import { buildAnalysis } from "../../lib/engine/analyze";
import type { Rule } from "../../lib/engine/rule";
import type { FindingDraft } from "../../lib/engine/findings";
import type { BlastwallConfig } from "../../lib/engine/config-types";
import { rule as rdsDeletionProtection } from "../../lib/rules/rds-deletion-protection";
import { rule as rdsAutomatedBackupsRetained } from "../../lib/rules/rds-automated-backups-retained";
import { rule as rdsBackupRetention } from "../../lib/rules/rds-backup-retention";
import { rule as rdsFinalSnapshot } from "../../lib/rules/rds-final-snapshot";
import { rule as statefulPreventDestroy } from "../../lib/rules/stateful-prevent-destroy";
import { rule as statefulBackupCoverage } from "../../lib/rules/stateful-backup-coverage";
import { rule as backupOffsiteCopy } from "../../lib/rules/backup-offsite-copy";
import { rule as backupVaultLocked } from "../../lib/rules/backup-vault-locked";
import { rule as agentRoleBoundary } from "../../lib/rules/agent-role-boundary";
import { rule as agentSessionDuration } from "../../lib/rules/agent-session-duration";
import { rule as agentSourceIdentity } from "../../lib/rules/agent-source-identity";
import { rule as agentLongLivedKeys } from "../../lib/rules/agent-long-lived-keys";

/** The protection rules of issue 4 (the guarantees of lib/constructs), in one list for the construct tests. */
export const protectionRules: readonly Rule[] = [
  rdsDeletionProtection,
  rdsAutomatedBackupsRetained,
  rdsBackupRetention,
  rdsFinalSnapshot,
  statefulPreventDestroy,
  statefulBackupCoverage,
  backupOffsiteCopy,
  backupVaultLocked,
  agentRoleBoundary,
  agentSessionDuration,
  agentSourceIdentity,
  agentLongLivedKeys,
];

type Obj = Record<string, unknown>;

/** Runs one rule over a Terraform JSON document, with the real stack reader and IAM analysis. */
export function run(rule: Rule, json: Obj, config: BlastwallConfig = {}): FindingDraft[] {
  const stack = buildStack(json, "test.tf.json");
  return rule.check({ stack, analysis: buildAnalysis(stack, config), config, strict: false });
}

/** `{ rule_id: [messages] }` for every protection rule that reports something: readable failure output. */
export function runAll(json: Obj, rules: readonly Rule[] = protectionRules): Record<string, string[]> {
  const stack = buildStack(json, "test.tf.json");
  const ctx = { stack, analysis: buildAnalysis(stack, {}), config: {}, strict: false };
  const out: Record<string, string[]> = {};
  for (const r of rules) {
    const found = r.check(ctx);
    if (found.length) out[r.meta.id] = found.map((f) => f.message);
  }
  return out;
}
