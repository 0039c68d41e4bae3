/**
 * A policy statement after normalisation: every list is an array, action patterns are lower case,
 * Terraform interpolations in resources have been turned into glob patterns (an unresolvable
 * reference becomes `*`, which is the fail-closed reading).
 */

export type Effect = "Allow" | "Deny";

/** Where a statement comes from, so a finding can point at it exactly. */
export interface StatementSource {
  /** Terraform address of the resource or data source holding the document (or an ARN for managed policies). */
  readonly address: string;
  /** Statement Sid, when present. */
  readonly sid?: string;
  /** 0-based index of the statement in its document. */
  readonly index: number;
  /** How the document reaches the principal, e.g. `aws_iam_role_policy_attachment.x` or `inline_policy[0]`. */
  readonly via?: string;
  /** construct path of `address`, when the `//` metadata has one. */
  readonly constructPath?: string;
  /** Source location (`file:line`) when known. */
  readonly location?: string;
  /**
   * Which of the role's or user's own `inline_policy` blocks holds the statement (`inline_policy "ops"`), where
   * `address` names only the principal: several blocks would read alike without it.
   */
  readonly inlinePolicy?: string;
}

export interface Condition {
  /** Operator as written, e.g. `StringEquals`, `ForAllValues:StringLike`, `ArnLikeIfExists`, `Bool`, `Null`. */
  readonly operator: string;
  readonly key: string;
  readonly values: readonly string[];
  /**
   * The values as written (index for index), only where the Terraform layer substituted a `${...}` token: a reference
   * to the deploying account is `*` in `values`, like every account id of a stack, yet one account (red-team round 78).
   */
  readonly written?: readonly string[];
  /**
   * On a Deny blastwall does not rely on because `-var` can make its holder not exist (red-team round 165, F5): the
   * existence signature (settable-providers.ts `existenceSignature`) of that holder. For a principal with the same
   * signature the Deny is certain: the holder exists exactly when the principal does.
   */
  readonly existsWith?: string;
  /** On such a Deny: the resource whose arguments `-var` can set (what attaches the Deny reads it to ask no more of it). */
  readonly holder?: string;
}

export interface PrincipalSpec {
  /** `AWS`, `Service`, `Federated`, `CanonicalUser`, or `*` for `"Principal": "*"`. */
  readonly type: string;
  /** Identifiers after token resolution (ARN patterns, account ids, service names, `*`). */
  readonly identifiers: readonly string[];
  /**
   * The identifiers as written (index for index), only when some held a `${...}` token: a reference names one resource
   * (`${aws_iam_openid_connect_provider.g.arn}`) where its pattern is `*`, which is what a report should show.
   */
  readonly written?: readonly string[];
}

export interface Statement {
  readonly source: StatementSource;
  readonly effect: Effect;
  /** Exactly one of `actions` / `notActions` is set. Lower-case glob patterns (`*`, `?`). */
  readonly actions?: readonly string[];
  readonly notActions?: readonly string[];
  /**
   * `Action` / `NotAction` as the policy writes them (case, `${...}`), when that differs from the lower-case patterns:
   * what a reviewer searches the policy for. Only for the report; matching uses `actions` / `notActions`.
   */
  readonly writtenActions?: readonly string[];
  /** At most one of `resources` / `notResources`; when neither is present the statement has no Resource element. */
  readonly resources?: readonly string[];
  readonly notResources?: readonly string[];
  readonly principals?: readonly PrincipalSpec[];
  readonly notPrincipals?: readonly PrincipalSpec[];
  readonly conditions: readonly Condition[];
  /**
   * Indices into whichever of `resources` / `notResources` is set of the patterns that over-approximate what
   * was written: they came from `${...}` tokens (Terraform references, IAM policy variables) turned into
   * wildcards. An Allow may use them as they are; a Deny must not count on them to certainly cover anything,
   * and an Allow's NotResource must not count on them to certainly exclude anything.
   */
  readonly approximateResources?: readonly number[];
  /**
   * `Resource` as the policy writes it, when some entry holds `${...}` (index for index with `resources`): a
   * Terraform reference names one resource even where its ARN pattern is a wildcard shared with others of its type
   * (see `referencedResource` in terraform/tokens.ts). Only read where `resources[i]` is still what was resolved.
   */
  readonly writtenResources?: readonly string[];
  /**
   * On an Allow whose document `-var` can change (index for index with `resources`, set only where some entry differs):
   * each entry as the reading with settable root variables unknown renders it, what it cannot know as `*`
   * (`arn:aws:s3:::${var.bucket}` gives `arn:aws:s3:::*`). A Deny covering the entry as read covers it only
   * where it covers that form too (terraform/settable-forms.ts).
   */
  readonly settableResources?: readonly string[];
  /**
   * On an Allow whose document `-var` can change (index for index with `actions`, set only where some entry differs): each
   * entry as the reading with settable root variables unknown renders it (`s3:${var.op}` gives `s3:*`). A Deny is relied
   * on for an action only the changed entries grant where its Action covers those forms too (iam/settable-actions.ts).
   */
  readonly settableActions?: readonly string[];
  /**
   * On an Allow whose document `-var` can change (index for index with `notActions`, set only where some entry differs):
   * each NotAction entry as the reading with settable root variables unknown renders it (`s3:${var.op}` gives `s3:*`).
   * `-var` can make such an entry exclude something else, or nothing, so it is not relied on to exclude anything: the
   * evaluator reads the Allow (identity or boundary) as granting what only those entries leave out
   * (iam/settable-actions.ts `certainNotActions`).
   */
  readonly settableNotActions?: readonly string[];
  /** As `settableNotActions`, for `notResources` (`arn:aws:s3:::${var.bucket}` gives `arn:aws:s3:::*`). */
  readonly settableNotResources?: readonly string[];
  /**
   * Why no part of this statement is certain: its policy is JSON text into which `-var` writes a value verbatim, which can
   * add entries or whole statements (settable-providers.ts `settableTextWhy`). Its Denies are not relied on; a boundary
   * holding it caps nothing; an identity Allow is still read by its default, as any Allow a variable writes.
   */
  readonly textInjection?: string;
  /** True when some principal identifier came from a `${...}` token (same reading as `approximateResources`). */
  readonly approximatePrincipals?: boolean;
  /**
   * Set when the statement stands for something the engine could not read (a policy built by `${file(...)}`,
   * an unknown managed policy, an unresolvable attachment...). Such a statement is `Allow * on *` and the
   * text says why; rules report it as "possibly grants everything".
   */
  readonly unknown?: string;
}

export interface PolicyDocument {
  readonly statements: readonly Statement[];
  /** Where the document itself lives (address of the policy resource / data source / managed ARN). */
  readonly address: string;
  /**
   * A lower bound of the characters IAM counts against its size quotas (whitespace not counted), when the document
   * is JSON text blastwall read (see `minimumPolicyLength` in terraform/policy-documents.ts); undefined otherwise.
   */
  readonly minLength?: number;
}
