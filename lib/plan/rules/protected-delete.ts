import type { PlanRule } from "../rule";
import { changeFinding } from "../rule";
import { destroyEvidence, protectionOf, shortReason } from "../protected";

/** Any destroy of a protected resource: pure delete, delete-then-create, create-then-delete, deposed deletes. */
export const protectedDelete: PlanRule = {
  meta: {
    id: "plan-protected-delete",
    title: "Plan destroys a protected resource",
    why:
      "Destroying a database, volume, bucket, backup vault, KMS key, trail or Organizations guardrail loses data or the protection around it, " +
      "and cannot be undone by the next apply. prevent_destroy does not stop it when the resource block is removed, and a replace destroys as surely as a delete.",
    fix:
      "If the destroy is not intended, restore the resource block, fix the attribute that forces replacement (see replace_paths), or use a moved block for renames. " +
      "If it is intended, a human with the approval key runs `blastwall approve` on this exact plan.",
    severity: "error",
    category: "plan",
  },
  check(rc, ctx) {
    if (!rc.change.actions.includes("delete")) return [];
    const protection = protectionOf(rc, ctx.config);
    if (!protection) return [];
    const a = rc.change.actions;
    const what = a.length === 1 ? "destroys" : a[0] === "delete" ? "replaces (destroy first)" : "replaces (create first, then destroys)";
    const why = shortReason(rc);
    return [
      changeFinding(
        rc,
        `The plan ${what} ${rc.address}${rc.deposed ? ` (deposed object ${rc.deposed})` : ""}${why ? `: ${why}` : ""}. Protected because ${protection.summary}.`,
        [{ step: "protected", address: rc.address, detail: protection.detail }, ...destroyEvidence(rc)],
      ),
    ];
  },
};
