import type { PlanRule } from "../rule";
import { changeFinding, describe, lowered, weakeningEvidence } from "../rule";
import { isUpdateOrReplace } from "../values";

/**
 * Per type, the attribute that sets how long a destroyed key (or private CA) stays recoverable, and its value when
 * unset: the provider's default, which is also the window a destroy then waits.
 */
const WINDOWS: ReadonlyMap<string, { readonly attribute: string; readonly unset: number; readonly keep: string }> = new Map([
  ["aws_kms_key", { attribute: "deletion_window_in_days", unset: 30, keep: "30 (the maximum)" }],
  ["aws_kms_replica_key", { attribute: "deletion_window_in_days", unset: 30, keep: "30 (the maximum)" }],
  ["aws_kms_external_key", { attribute: "deletion_window_in_days", unset: 30, keep: "30 (the maximum)" }],
  // The Cloud Control provider writes CloudFormation's PendingWindowInDays (7 to 30, unset 30).
  ["awscc_kms_key", { attribute: "pending_window_in_days", unset: 30, keep: "30 (the maximum)" }],
  ["awscc_kms_replica_key", { attribute: "pending_window_in_days", unset: 30, keep: "30 (the maximum)" }],
  // DeleteKey's DeleteKeyInDays: 3 to 180, unset 7 (red-team round 88).
  ["aws_paymentcryptography_key", { attribute: "deletion_window_in_days", unset: 7, keep: "at least its current value (180 at most)" }],
  // DeleteCertificateAuthority's PermanentDeletionTimeInDays: 7 to 30, unset 30; a deleted CA can be restored in it.
  ["aws_acmpca_certificate_authority", { attribute: "permanent_deletion_time_in_days", unset: 30, keep: "30 (the maximum)" }],
]);

/** The types whose deletion window this rule reads. */
export const WINDOW_TYPES: readonly string[] = [...WINDOWS.keys()];

export const kmsDeletionWindowShortened: PlanRule = {
  meta: {
    id: "plan-kms-deletion-window-shortened",
    title: "Plan shortens a key's or private CA's deletion window",
    why:
      "The deletion window is the time to notice and cancel a scheduled key deletion; once the key is gone, everything encrypted under it is unreadable. " +
      "A shorter window leaves less time to stop it. The same holds for a KMS key of the Cloud Control provider (pending_window_in_days), " +
      "a Payment Cryptography key (deletion_window_in_days, unset 7 days) and an ACM private CA (permanent_deletion_time_in_days: a deleted CA, and the key that signs the certificates services trust, can be restored only within it).",
    fix: "Keep the window (deletion_window_in_days, pending_window_in_days, permanent_deletion_time_in_days) at its current value or the maximum. If intended, have a human approve this exact plan.",
    severity: "error",
    category: "plan",
  },
  check(rc) {
    const window = WINDOWS.get(rc.type);
    if (!window || !isUpdateOrReplace(rc.change.actions)) return [];
    const w = lowered(rc, [window.attribute], window.unset);
    if (!w) return [];
    return [
      {
        ...changeFinding(rc, `The plan shortens the deletion window of ${rc.address}: ${describe([w])}, so a later destroy deletes it, and leaves what it protects unrecoverable, sooner.`, weakeningEvidence(rc, [w])),
        fix: `Keep ${window.attribute} of ${rc.address} at ${window.keep}. If the shorter window is intended, have a human approve this exact plan with \`blastwall approve\`.`,
      },
    ];
  },
};
