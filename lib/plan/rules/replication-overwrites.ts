import type { PlanRule } from "../rule";
import { changeFinding } from "../rule";
import type { PlanJson, PlanResourceChange } from "../types";
import { configOf, expressionAt, hasConfiguration, namesCreated } from "../config-expressions";
import { afterValue, getPath, isObject, show, type Path } from "../values";

const DESTINATION: Path = ["destination", 0, "file_system_id"];

/**
 * Replication created onto a file system that exists: EFS applies the differences between source and destination
 * to the destination, which ends a read-only copy of the source, and no delete appears in the plan. Without a
 * `file_system_id`, EFS creates a new, empty destination; a file system this plan creates holds nothing yet.
 */
export const replicationOverwrites: PlanRule = {
  meta: {
    id: "plan-replication-overwrites",
    title: "Plan replicates onto an existing file system",
    why:
      "An EFS replication configuration whose destination is an existing file system makes EFS apply the differences between the file systems to the destination and " +
      "keep it read-only: it becomes a copy of the source, and what only it held, or held differently, is lost. The plan shows a harmless-looking create, and the " +
      "destroy it amounts to never appears. " +
      "A destination named by a literal ID, or by a value known only after apply that does not come from a file system this plan creates, counts, and so does one " +
      "written in a dynamic block (the plan's configuration leaves it out). A Cloud Control file system (awscc_efs_file_system) given a new " +
      "replication_configuration destination file_system_id counts the same way.",
    fix:
      "Leave destination.file_system_id unset (EFS then creates a new destination), or name a file system this plan creates by reference. If overwriting the existing " +
      "file system is intended, have a human approve this exact plan.",
    severity: "error",
    category: "plan",
  },
  check(rc, ctx) {
    if (rc.type === "awscc_efs_file_system") return ccReplication(rc, ctx?.plan);
    if (rc.type !== "aws_efs_replication_configuration" || !rc.change.actions.includes("create")) return [];
    const target = existingDestination(rc, ctx?.plan);
    if (target === undefined) return [];
    const source = afterValue(rc.change, ["source_file_system_id"]);
    const from = source.state === "known" ? show(rc.change, ["source_file_system_id"], source.value) : "(known after apply)";
    const what = rc.change.actions.includes("delete") ? "replaces" : "creates";
    return [
      changeFinding(rc, `The plan ${what} ${rc.address}, which replicates ${from} onto the existing file system ${target}: EFS replaces the destination's files with the source's.`, [
        { step: "destination", address: rc.address, detail: `destination[0].file_system_id ${target}` },
      ]),
    ];
  },
};

/** How the destination is shown when it may be an existing file system; undefined when it is a new one. */
function existingDestination(rc: PlanResourceChange, plan: PlanJson | undefined): string | undefined {
  const v = afterValue(rc.change, DESTINATION);
  if (v.state === "known") {
    // No destination ID: EFS creates the destination file system. A known ID is one that exists (a new one's is unknown).
    if (v.value === null || v.value === undefined || v.value === "") return undefined;
    return show(rc.change, DESTINATION, v.value);
  }
  const config = plan !== undefined && hasConfiguration(plan) ? configOf(plan, rc.address) : undefined;
  if (config === undefined) return "(known after apply; the plan's configuration does not say where it comes from)";
  // A `dynamic "destination"` block is left out of the plan's configuration: what it sets is not known, so it counts.
  if (expressionAt(config, ["destination"]) === undefined) return "(known after apply; the configuration writes destination in a dynamic block, which the plan does not show)";
  // Unknown and not in the configuration: the provider's computed ID of the file system EFS creates.
  if (expressionAt(config, DESTINATION) === undefined) return undefined;
  if (namesCreated(rc, plan, DESTINATION, ["aws_efs_file_system"])) return undefined;
  return "(known after apply, not from a file system this plan creates)";
}

/**
 * A Cloud Control file system (`awscc_efs_file_system`) created or updated with a replication destination it did not
 * replicate to before, named by `replication_configuration.destinations[].file_system_id`: the same overwrite. A
 * destination ID known only after apply counts unless the configuration writes the attribute as a constant without
 * a file_system_id (EFS then creates the destination).
 */
function ccReplication(rc: PlanResourceChange, plan: PlanJson | undefined) {
  const a = rc.change.actions;
  if (!a.includes("create") && !a.includes("update")) return [];
  const base: Path = ["replication_configuration", "destinations"];
  const ids = (side: unknown) => (Array.isArray(getPath(side, base)) ? (getPath(side, base) as unknown[]).map((d) => getPath(d, ["file_system_id"])) : []);
  const had = new Set(ids(rc.change.before).filter((x) => typeof x === "string" && x !== ""));
  const whole = afterValue(rc.change, ["replication_configuration"]);
  const constant = (() => {
    const e = configOf(plan, rc.address)?.expressions?.replication_configuration;
    return isObject(e) && "constant_value" in e ? e.constant_value : undefined;
  })();
  const written = configOf(plan, rc.address)?.expressions?.replication_configuration !== undefined;
  const targets: string[] = [];
  const count = whole.state === "unknown" ? (written ? 1 : 0) : Array.isArray(getPath(whole.value, ["destinations"])) ? (getPath(whole.value, ["destinations"]) as unknown[]).length : afterValue(rc.change, base).state === "unknown" ? 1 : 0;
  for (let i = 0; i < count; i++) {
    const path: Path = [...base, i, "file_system_id"];
    const v = afterValue(rc.change, path);
    if (v.state === "known") {
      if (typeof v.value === "string" && v.value !== "" && !had.has(v.value)) targets.push(show(rc.change, path, v.value));
      continue;
    }
    const given = getPath(constant, ["destinations", i, "file_system_id"]);
    if (isObject(constant) && (given === undefined || given === null || given === "")) continue;
    targets.push("(known after apply, not from a file system this plan creates)");
  }
  if (targets.length === 0) return [];
  const what = a.includes("create") ? "creates" : "updates";
  return [
    changeFinding(rc, `The plan ${what} ${rc.address} to replicate onto the existing file system ${targets.join(", ")}: EFS replaces the destination's files with the source's.`, [
      ...targets.map((t) => ({ step: "destination", address: rc.address, detail: `replication_configuration.destinations file_system_id ${t}` })),
    ]),
  ];
}
