/**
 * The parts of `terraform show -json PLANFILE` output the plan gate reads. Every key is optional unless the
 * reader checks it: format 0.1/0.2 plans lack `action_reason`, `complete`, `errored`, ... and some 1.x plans
 * omit them too.
 */

/** The action values Terraform writes into `change.actions` (format 0.1 to 1.2). */
export const PLAN_ACTIONS = ["no-op", "create", "read", "update", "delete", "forget"] as const;
export type PlanAction = (typeof PLAN_ACTIONS)[number];

export interface PlanChange {
  readonly actions: readonly PlanAction[];
  readonly before?: unknown;
  readonly after?: unknown;
  readonly after_unknown?: unknown;
  readonly before_sensitive?: unknown;
  readonly after_sensitive?: unknown;
  /** Attribute paths that forced a replace: `[["ami"], ["ebs_block_device", 0, "size"]]`. */
  readonly replace_paths?: readonly (readonly (string | number)[])[];
  readonly importing?: unknown;
}

export interface PlanResourceChange {
  readonly address: string;
  /** Set when a `moved` block (or a rename Terraform inferred) moved the object here from another address. */
  readonly previous_address?: string;
  readonly module_address?: string;
  readonly mode: "managed" | "data";
  readonly type: string;
  readonly name: string;
  readonly index?: unknown;
  readonly provider_name?: string;
  /** Set when the change is about a deposed object (left over from a failed create_before_destroy). */
  readonly deposed?: string;
  readonly change: PlanChange;
  /** Why Terraform chose this action (format 1.0+); absent in older plans. */
  readonly action_reason?: string;
}

export interface PlanModuleResource {
  readonly address: string;
  readonly mode: "managed" | "data";
  readonly type: string;
  readonly name: string;
  readonly index?: unknown;
  readonly provider_name?: string;
  readonly values?: Readonly<Record<string, unknown>>;
  readonly sensitive_values?: unknown;
}

export interface PlanModule {
  readonly address?: string;
  readonly resources?: readonly PlanModuleResource[];
  readonly child_modules?: readonly PlanModule[];
}

export interface PlanJson {
  readonly format_version: string;
  readonly terraform_version?: string;
  readonly variables?: Readonly<Record<string, { readonly value?: unknown }>>;
  readonly planned_values?: { readonly root_module?: PlanModule; readonly outputs?: unknown };
  /** What `apply` will do. The gate judges these. Empty when the plan has no resources. */
  readonly resource_changes: readonly PlanResourceChange[];
  /** Changes Terraform noticed outside of Terraform. Informational: the gate never judges these. */
  readonly resource_drift?: readonly unknown[];
  readonly deferred_changes?: readonly unknown[];
  /** Terraform 1.14+ actions this plan runs (still format 1.2). Each is judged with the change that triggers it. */
  readonly action_invocations?: readonly PlanActionInvocation[];
  /** Actions deferred to a later round: the reader refuses a plan with any. */
  readonly deferred_action_invocations?: readonly unknown[];
  readonly prior_state?: { readonly values?: { readonly root_module?: PlanModule } };
  readonly configuration?: unknown;
  readonly timestamp?: string;
  readonly applyable?: boolean;
  readonly complete?: boolean;
  readonly errored?: boolean;
}

/** One entry of `action_invocations` (Terraform 1.14+): a provider action apply will run. */
export interface PlanActionInvocation {
  /** `action.aws_lambda_invoke.x`, `module.m.action.aws_lambda_invoke.x[0]`. */
  readonly address: string;
  readonly type?: string;
  readonly name?: string;
  readonly provider_name?: string;
  readonly config_values?: unknown;
  readonly config_sensitive?: unknown;
  readonly config_unknown?: unknown;
  /** Set when a resource's `lifecycle { action_trigger { ... } }` runs the action around that resource's change. */
  readonly lifecycle_action_trigger?: {
    readonly triggering_resource_address?: string;
    /** `BeforeCreate`, `AfterUpdate`, ... */
    readonly action_trigger_event?: string;
    readonly action_trigger_block_index?: number;
    readonly actions_list_index?: number;
    readonly on_failure?: string;
  };
  /** Set when the action was invoked directly (`terraform plan -invoke=...`). */
  readonly invoke_action_trigger?: { readonly calling_resource_address?: string };
}

/** A plan as read from disk: the parsed JSON and the SHA-256 of the exact bytes (what approvals sign). */
export interface LoadedPlan {
  /** The path as the user named it. */
  readonly file: string;
  readonly plan: PlanJson;
  /** Lower-case hex SHA-256 of the file's bytes as stored (before any decoding). */
  readonly sha256: string;
  readonly encoding: "utf-8" | "utf-16le" | "utf-16be";
}

/**
 * The config keys the plan gate reads. `BlastwallConfig` (lib/config) is structurally assignable to it; the gate
 * never reads acknowledgements or severity overrides of its rules from config: a plan finding is covered only by a
 * signed approval, because the config file usually lives in the repository an agent can edit.
 */
export interface PlanGateConfig {
  readonly protected?: {
    /** Resource addresses (or globs with `*`); an address also covers its instances (`x[0]`) and, for a module, its contents. */
    readonly addresses?: readonly string[];
    /** Resource types (or globs with `*`, e.g. `aws_elasticache_*`) protected in addition to the built-in stateful types. */
    readonly types?: readonly string[];
  };
  /** Agent selection as in `blastwall check` (the `blastwall:agent` tag always counts too). */
  readonly agents?: {
    readonly addresses?: readonly string[];
    /** Globs (`*`, `?`) over the IAM name. */
    readonly names?: readonly string[];
    /** Every listed tag must be present with the given value. */
    readonly tags?: Readonly<Record<string, string>>;
  };
  /** Ed25519 public keys whose approvals the gate accepts: PEM text, or paths to PEM files (relative to the config file). */
  readonly trustedKeys?: readonly string[];
  /**
   * The one severity the gate reads: that of `config-protected-unmatched`, a finding about the config's own entries.
   * Whoever can lower it in the file can delete the entry it is about, so reading it gives an agent nothing; a config
   * shared by stacks planned separately needs it, or every plan of a stack without the resource would fail.
   */
  readonly severity?: { readonly "config-protected-unmatched"?: "error" | "warning" | "off" };
}

/** What an approval names: one change of the plan, by address and exact action list. */
export interface ChangeKey {
  readonly address: string;
  readonly actions: readonly string[];
  /** Deposed object key, when the change is about a deposed object. */
  readonly deposed?: string;
}
