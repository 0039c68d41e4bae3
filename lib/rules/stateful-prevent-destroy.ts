import type { Rule } from "../engine/rule";
import type { FindingDraft } from "../engine/findings";
import { describe, protectedEvidence, readBool, resourceEvidence, resourceFinding, statefulResources, unknownText } from "./protection-support";

/** `prevent_destroy` makes every plan that would destroy the resource fail, `terraform destroy` included. */
export const rule: Rule = {
  meta: {
    id: "stateful-prevent-destroy",
    title: "Stateful resource without lifecycle.prevent_destroy",
    why:
      "A volume, disk, database, table, file system, bucket, stream, search domain, graph, vector index, Glacier vault or Cognito user pool (or any resource blastwall.json `protected` names) holds data a destroy cannot give back. `prevent_destroy` makes Terraform " +
      "refuse any plan that destroys or replaces it, so an agent-run `terraform destroy` (or a changed argument that forces " +
      "replacement) stops before it starts. It does not help once the block is deleted from the code; backups cover that.",
    fix: "Add `lifecycle { prevent_destroy = true }` (cdktf: `lifecycle: { preventDestroy: true }`; the Protected* constructs do).",
    severity: "error",
    category: "protection",
  },
  check({ stack, config }) {
    const out: FindingDraft[] = [];
    for (const r of statefulResources(stack, config)) {
      const v = readBool(stack, r.lifecycle?.["prevent_destroy"]);
      if (v.state === "set" && v.value) continue;
      const state =
        v.state === "unset" ? "has no lifecycle.prevent_destroy"
        : v.state === "set" ? "sets lifecycle.prevent_destroy = false"
        : `sets lifecycle.prevent_destroy to ${unknownText(v)} (Terraform itself requires a literal here)`;
      out.push(
        resourceFinding(r, `${describe(r)} ${state}: a destroy or a replacement would delete its data. Add lifecycle { prevent_destroy = true }.`, [
          resourceEvidence(r, `lifecycle.prevent_destroy: ${v.state === "set" ? String(v.value) : v.state === "unset" ? "not set" : v.raw}`),
          ...protectedEvidence(r, config),
        ]),
      );
    }
    return out;
  },
};
