/**
 * blastwall: keeps AI agents from destroying production infrastructure.
 *
 * - `BlastwallChecks`: the synth-time gate (`Aspects.of(app).add(new BlastwallChecks())`).
 * - Constructs with secure defaults: AgentRole, ScopedToken, EnvironmentAccounts, ProtectedVolume,
 *   ProtectedDatabase, OffsiteBackupVault, AgentAuditTrail.
 * - The engine (`checkStacks`, `buildStack`, ...) for custom pipelines; it reads plain Terraform JSON.
 */
export * from "./cdktf";
export * from "./constructs";
export type { Finding, Evidence, Severity, RuleMeta, Acknowledgement } from "./engine/findings";
export type { Rule, RuleContext } from "./engine/rule";
export type { TfStack, TfResource } from "./engine/terraform/types";
export type { BlastwallConfig } from "./engine/config-types";
export type { Report } from "./report/types";
export { InputError } from "./engine/terraform/types";
export { buildStack } from "./engine/terraform/stack";
export { checkStacks, checkPaths } from "./check/run-check";
export { allRules } from "./rules";
export { renderReport } from "./report/render";
export { AGENT_TAG } from "./engine/agents";
