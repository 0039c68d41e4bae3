import type { PlanRule } from "../rule";
import { changeFinding } from "../rule";
import { destroyEvidence, protectionOf } from "../protected";

/** A protected resource leaving Terraform management (`removed` block with destroy = false). */
export const protectedForget: PlanRule = {
  meta: {
    id: "plan-protected-forget",
    title: "Plan forgets a protected resource",
    why:
      "A forgotten resource keeps running but leaves Terraform: its deletion protection, backups and tags are no longer enforced by the configuration, " +
      "and nothing in review will show when someone later deletes it by hand or turns its protection off.",
    fix: "Keep the resource block, or, if it really moves to another state, have a human approve this exact plan with `blastwall approve`.",
    severity: "error",
    category: "plan",
  },
  check(rc, ctx) {
    if (!rc.change.actions.includes("forget")) return [];
    const protection = protectionOf(rc, ctx.config);
    if (!protection) return [];
    return [
      changeFinding(
        rc,
        `The plan forgets ${rc.address} (removes it from Terraform state without destroying it). Protected because ${protection.summary}.`,
        [
          { step: "protected", address: rc.address, detail: protection.detail },
          ...destroyEvidence(rc),
          { step: "forget", address: rc.address, detail: "the object stays in AWS but no longer under Terraform's management" },
        ],
      ),
    ];
  },
};
