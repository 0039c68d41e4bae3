import type { PlanRule, Weakening } from "../rule";
import { changeFinding, describe, switchedOn, weakeningEvidence } from "../rule";
import { isUpdateOrReplace } from "../values";

/** Switches that make a later destroy take the contents (or the whole account) with it. */
const SWITCHES: readonly string[] = [
  "force_destroy", // S3 buckets (empties them), backup vaults (deletes recovery points), IAM users/roles, Route 53 zones
  "force_delete", // ECR repositories (deletes images)
  "close_on_deletion", // Organizations accounts: destroy closes the account
];

export const forceDestroyOn: PlanRule = {
  meta: {
    id: "plan-force-destroy-on",
    title: "Plan turns force_destroy on",
    why:
      "force_destroy lets a later destroy delete the contents first: every object and version of a bucket, every recovery point of a vault, every image of a repository. " +
      "close_on_deletion makes removing an Organizations account close it. Turned on in one change, the next destroy is silent and total.",
    fix: "Keep force_destroy (force_delete, close_on_deletion) off on anything holding data. If intended, have a human approve this exact plan.",
    severity: "error",
    category: "plan",
  },
  check(rc) {
    if (!isUpdateOrReplace(rc.change.actions)) return [];
    const ws = SWITCHES.map((s) => switchedOn(rc, [s])).filter((w): w is Weakening => !!w);
    if (ws.length === 0) return [];
    return [changeFinding(rc, `The plan lets a destroy of ${rc.address} take its contents with it: ${describe(ws)}.`, weakeningEvidence(rc, ws))];
  },
};
