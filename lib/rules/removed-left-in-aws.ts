import type { Rule } from "../engine/rule";
import type { FindingDraft } from "../engine/findings";
import { REMOVED_BLOCK_TYPE } from "../engine/terraform/removed-blocks";

/**
 * What a `removed { lifecycle { destroy = false } }` block can leave behind that grants rights: IAM (a role, a user,
 * a group, a policy, an attachment), Identity Center assignments and permission sets, resource policies
 * (`aws_s3_bucket_policy`, `aws_kms_key_policy`, `aws_lambda_permission`, ...), and a whole module, whose contents
 * blastwall no longer reads either.
 */
function mayGrant(from: string): boolean {
  const parts = from.replace(/\[[^\]]*\]/g, "").split(".");
  // `module.a.module.b` (a whole module) or `module.a.TYPE.NAME`: the last two parts name the block.
  if (parts.length >= 2 && parts[parts.length - 2] === "module") return true;
  const type = parts.length >= 2 ? parts[parts.length - 2] : "";
  if (type === "" || !/^[a-z0-9_]+$/.test(type)) return true; // unreadable: it may be anything
  return /^aws_(iam|ssoadmin)_/.test(type) || /_polic(y|ies)(_|$)/.test(type) || /_permission$/.test(type);
}

export const rule: Rule = {
  meta: {
    id: "removed-left-in-aws",
    title: "A `removed` block leaves an IAM object or a policy in the account, unmanaged and unchecked",
    why:
      "`removed { from = ..., lifecycle { destroy = false } }` makes Terraform forget an object and leave it in AWS: an inline " +
      "policy stays on its role, an attachment stays attached, a role keeps its trust and rights. The block it replaces is gone " +
      "from the configuration, so `blastwall check` no longer sees what the object grants, and removing a block this way turns a " +
      "failing check green without taking a single right away. Unread, the object counts as granting everything.",
    fix:
      "Let Terraform destroy the object (drop the `lifecycle` block or set `destroy = true`), or keep its block in the " +
      "configuration so it is checked. If another configuration takes it over, check that one, and acknowledge this finding with " +
      "the reason. The plan gate (`blastwall gate plan.json`) still sees the forgotten object in the plan and judges it.",
    severity: "error",
    category: "input",
  },
  check({ stack }) {
    const out: FindingDraft[] = [];
    for (const r of stack.byType.get(REMOVED_BLOCK_TYPE) ?? []) {
      const from = String(r.values["from"]);
      if (!mayGrant(from)) continue;
      const destroy = r.values["destroy"];
      const at = r.location ? ` (${r.location})` : "";
      const how =
        destroy === false
          ? "with `destroy = false`"
          : `with \`destroy = ${String(destroy)}\`, which blastwall cannot read as true`;
      out.push({
        principal: r.address,
        resource: r.address,
        // Whose rights it holds is not known here (the principal it was attached to may be gone from the configuration too).
        actions: [],
        message:
          `The \`removed\` block${at} for ${from} ${how} makes Terraform forget it and leave it in AWS with whatever it grants; ` +
          `it is no longer in the configuration, so blastwall check cannot see what it grants and counts it as granting everything. ` +
          `The plan gate (blastwall gate on the plan) still sees it.`,
        evidence: [{ step: "removed", address: r.address, detail: `from = ${from}, lifecycle.destroy ${destroy === false ? "= false" : `= ${String(destroy)}`}`, ...(r.location ? { location: r.location } : {}) }],
      });
    }
    return out;
  },
};
