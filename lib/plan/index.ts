/** The deploy-time plan gate: read plans, judge their changes, sign and verify approvals. */
export { readPlan, parsePlanText, decodePlanBytes, checkPlan, sha256Hex, formatSupported, MIN_FORMAT_VERSION, MAX_FORMAT_VERSION } from "./read-plan";
export { planToStack, mergeUnknown, judgedChanges, UNKNOWN_AFTER_APPLY } from "./plan-to-stack";
export { PROTECTED_TYPES, PROTECTED_TAG, AGENT_TAG, protectionOf, destroyEvidence, type Protection } from "./protected";
export { PLAN_RULES } from "./rules";
export type { PlanRule, PlanRuleContext } from "./rule";
export { evaluatePlan, changesNeedingApproval, changeKeyOf, showChangeKey, type PlanEvaluation, type JudgedFinding, type EvaluateOptions } from "./evaluate";
export {
  createApproval,
  createApprovalFor,
  signApproval,
  verifyApproval,
  canonicalJson,
  keyIdOf,
  parseDuration,
  loadPrivateKey,
  loadPublicKey,
  readTrustedKeyFile,
  APPROVAL_VERSION,
  type Approval,
  type ApprovedChange,
  type ApprovalCheck,
  type CreateApprovalOptions,
  type VerifyOptions,
  type TrustedKey,
} from "./approval";
export { runGate, gateFails, type GateOptions } from "./gate";
export type { PlanJson, PlanResourceChange, PlanChange, LoadedPlan, PlanGateConfig, ChangeKey } from "./types";
