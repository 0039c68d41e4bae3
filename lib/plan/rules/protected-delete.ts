import type { PlanRule } from "../rule";
import { changeFinding } from "../rule";
import { destroyEvidence, protectionOf, shortReason } from "../protected";
import type { PlanResourceChange } from "../types";
import { afterValue, getPath, truthy, type Path } from "../values";

/** Any destroy of a protected resource: pure delete, delete-then-create, create-then-delete, deposed deletes. */
export const protectedDelete: PlanRule = {
  meta: {
    id: "plan-protected-delete",
    title: "Plan destroys a protected resource",
    // Printed with every finding of the rule: about destroys in general. What a stack-instances update deletes (the
    // stacks of the regions, accounts or OUs it drops) is said in that finding's own message and evidence.
    why:
      "Destroying a database, volume, bucket, backup vault, KMS key, trail, Organizations guardrail or the stacks a stack set deploys loses data or the protection around it, " +
      "and cannot be undone by the next apply. prevent_destroy does not stop it when the resource block is removed, and a replace destroys as surely as a delete.",
    fix:
      "If the destroy is not intended, restore the resource block, fix the attribute that forces replacement (see replace_paths), or use a moved block for renames. " +
      "If it is intended, a human with the approval key runs `blastwall approve` on this exact plan.",
    severity: "error",
    category: "plan",
  },
  check(rc, ctx) {
    if (!rc.change.actions.includes("delete")) return stackInstancesRemoved(rc);
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

/** What decides which stack instances `aws_cloudformation_stack_instances` manages: a removed element deletes its instances. */
const INSTANCE_SETS: readonly (readonly [Path, string])[] = [
  [["regions"], "regions"],
  [["accounts"], "accounts"],
  [["deployment_targets", 0, "accounts"], "deployment_targets accounts"],
  [["deployment_targets", 0, "organizational_unit_ids"], "deployment_targets organizational_unit_ids"],
];

/**
 * An in-place update of `aws_cloudformation_stack_instances` that takes a region, account or organizational unit out
 * of its sets: the provider calls DeleteStackInstances for what was removed, with RetainStacks taken from the planned
 * `retain_stacks` (default false), and CloudFormation deletes those stacks and every resource in them (for an OU, in
 * every account of it). An element set known only after apply counts as removing every element it had.
 */
function stackInstancesRemoved(rc: PlanResourceChange) {
  if (rc.type !== "aws_cloudformation_stack_instances" || !rc.change.actions.includes("update")) return [];
  const retain = afterValue(rc.change, ["retain_stacks"]);
  if (retain.state === "known" && truthy(retain.value)) return [];
  const removed: string[] = [];
  for (const [path, label] of INSTANCE_SETS) {
    const before = strings(getPath(rc.change.before, path));
    if (before.length === 0) continue;
    const after = afterValue(rc.change, path);
    const now = after.state === "known" ? strings(after.value) : undefined;
    const gone = now === undefined ? before : before.filter((x) => !now.includes(x));
    if (gone.length > 0) removed.push(`${label} ${gone.map((x) => JSON.stringify(x)).join(", ")}${now === undefined ? " (the set is known only after apply)" : ""}`);
  }
  if (removed.length === 0) return [];
  const keep = retain.state === "unknown" ? "(known after apply)" : JSON.stringify(retain.value ?? false);
  return [
    changeFinding(
      rc,
      `The plan updates ${rc.address} to remove ${removed.join("; ")}: the provider deletes those stack instances, and CloudFormation every resource in their stacks (retain_stacks ${keep}). Protected because aws_cloudformation_stack_instances is a protected type.`,
      [
        { step: "protected", address: rc.address, detail: "aws_cloudformation_stack_instances is a protected type: removing a region, account or organizational unit deletes the stacks there unless retain_stacks is true" },
        ...removed.map((detail) => ({ step: "removed", address: rc.address, detail })),
      ],
    ),
  ];
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}
