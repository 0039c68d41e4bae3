/**
 * The shapes every part of blastwall reports in: rules, the reach analysis, the plan gate and the
 * HCL reader all produce `Finding`s, and the reporters (text, JSON, SARIF, mermaid) only read these.
 * The JSON report is a public contract: keep field names stable.
 */

export type Severity = "error" | "warning";

/** One link of the explanation: what step, at which Terraform address, and what it says. */
export interface Evidence {
  /** e.g. "principal", "policy", "statement", "boundary", "assume-role", "destroy-rights", "unresolved". */
  readonly step: string;
  /** Terraform address (`aws_iam_role.agent`, `data.aws_iam_policy_document.x`), or an ARN outside the stack. */
  readonly address: string;
  /** Human text: the statement Sid/index, the actions, why this step holds. */
  readonly detail: string;
  /** Source location when known (HCL input: `main.tf:12`). */
  readonly location?: string;
  /**
   * The policy statements `detail` names, in the order it names them: what reports and acknowledgements read instead
   * of the text (the SARIF fingerprint keys on their Sids and inline policies). Absent when the step names none.
   */
  readonly statements?: readonly StatementRef[];
  /** On an `attachment` step: the policy it attaches (the address of a policy of the stack, or an ARN outside it). */
  readonly attaches?: string;
}

/**
 * A policy statement as an evidence step names it: by the document that holds it and what identifies it there. The
 * same statement is always the same reference, so a consumer compares them field by field.
 */
export interface StatementRef {
  /**
   * Terraform address of the resource or data source that holds it (the role or user itself for its own
   * `inline_policy` block), or the ARN of a policy outside the stack (an AWS managed policy).
   */
  readonly policy: string;
  /**
   * Which `inline_policy` block of the role or user `policy` names holds it, as the block is labelled
   * (`inline_policy "ops"`, `inline_policy[0]`, `dynamic "inline_policy"`); absent for a document of its own.
   */
  readonly inlinePolicy?: string;
  /** Its Sid, when it has one. */
  readonly sid?: string;
  /** Its position in the document, counted from 0 (the `#N` of the step's text). */
  readonly index: number;
  /**
   * A hash of what it says (effect, actions, resources, principals, conditions; lists as sets): the same wherever the
   * statement is written, another once any of that changes (see lib/engine/statement-digest.ts). What tells apart two
   * statements without a Sid, whose index moves when one is inserted or removed before them. Absent on a reference
   * built by hand.
   */
  readonly digest?: string;
}

/**
 * An IAM action name or glob, as an acknowledgement may list it: the rule of the config schema, which `acknowledge()`
 * and the reader of acknowledgements in the synthesized JSON apply too, so all three accept the same lists.
 */
export const ACK_ACTION = /^(\*|[A-Za-z0-9-]+:[A-Za-z0-9*?]+)$/;

/** A finding's `grants` digest as an acknowledgement pins it: 16 lower-case hex digits (lib/config/grants-digest.ts). */
export const GRANTS_DIGEST = /^[0-9a-f]{16}$/;

/**
 * The keys an acknowledgement given in code has: `acknowledge()` refuses any other, and the reader of the synthesized
 * JSON takes an entry with any other for no acknowledgement. A key nobody reads (`action`, `expiry`, `principal`)
 * would leave the acknowledgement wider or longer-lived than its author wrote it.
 */
export const IN_CODE_ACK_KEYS: readonly string[] = ["ruleId", "reason", "expires", "actions", "resource", "grants"];

export interface Acknowledgement {
  readonly ruleId: string;
  /** Terraform address of the principal (or resource) the finding is about; `*` is not accepted. */
  readonly principal: string;
  /** Why this is acceptable; at least 10 characters. */
  readonly reason: string;
  /** ISO date (YYYY-MM-DD or full timestamp) after which the acknowledgement no longer holds. */
  readonly expires?: string;
  /** Where the acknowledgement was given: the config file, or a construct path. */
  readonly source?: string;
  /** The stack it is for (its name); undefined: every stack checked together. */
  readonly stack?: string;
  /**
   * The actions it accepts (IAM names or globs, case-insensitive). A finding is covered only when every action it
   * reports is one of them, so a right added later fails the gate again. Undefined: whatever the rule reports.
   */
  readonly actions?: readonly string[];
  /** The finding's `resource` it is limited to (exact address). Undefined: any. */
  readonly resource?: string;
  /**
   * The finding's `grants` digest it was reviewed for (lib/config/grants-digest.ts): it covers the finding only while
   * the statements (or the thing) the finding is about hash to it. Undefined: not pinned, whatever grants it.
   */
  readonly grants?: string;
}

export interface Finding {
  readonly ruleId: string;
  readonly severity: Severity;
  /** Terraform address of the agent principal (or, for resource rules, of the resource at fault). */
  readonly principal: string;
  /** Terraform address of the resource that grants the right or is at fault (policy, attachment, resource). */
  readonly resource: string;
  /** Destroy (or other) actions reached, most important first. */
  readonly actions: readonly string[];
  /** The chain that explains the finding, in order. */
  readonly evidence: readonly Evidence[];
  /** What is wrong, in one or two sentences, naming principal and resource. */
  readonly message: string;
  /** How to fix it. */
  readonly fix: string;
  /** File the finding was found in (set by the runner). */
  readonly file: string;
  /** Construct path from the `//` metadata, when present. */
  readonly constructPath?: string;
  /** Construct path of `resource` (the thing to edit), when it differs from `constructPath` and the metadata has one. */
  readonly resourceConstructPath?: string;
  /**
   * A digest of what the finding is about (the content of the statements that grant it, or the block it is about):
   * an acknowledgement's `grants` pins it. Set by the runner; absent on findings about the run itself.
   */
  readonly grants?: string;
  /** Set when an acknowledgement covers this finding; the finding then no longer fails the gate. */
  readonly acknowledged?: {
    readonly reason: string;
    readonly source: string;
    readonly expires?: string;
    /** The actions the acknowledgement is limited to, when it is (see `Acknowledgement.actions`). */
    readonly actions?: readonly string[];
    /** The digest it is pinned to, when it is (see `Acknowledgement.grants`). */
    readonly grants?: string;
  };
}

/** Rule metadata, cdk-nag style: docs/rules.md is generated from these. */
export interface RuleMeta {
  /** Stable id, used in reports and acknowledgements. */
  readonly id: string;
  readonly title: string;
  /**
   * Why it matters: the damage this rule prevents, in two or three sentences. Reports print it with every finding of
   * the rule, so what only some findings need belongs in their message and evidence, the full account in `details`.
   */
  readonly why: string;
  /**
   * The longer account (Markdown): every case the rule covers, for a reader of docs/rules.md. Not in reports.
   */
  readonly details?: string;
  /** How to fix a finding. */
  readonly fix: string;
  readonly severity: Severity;
  /** Which issue area it belongs to, for docs grouping: "agent-rights", "reach", "protection", "plan", "input". */
  readonly category: string;
}

export type FindingDraft = Omit<Finding, "ruleId" | "severity" | "file" | "fix"> & {
  readonly fix?: string;
  readonly severity?: Severity;
};
