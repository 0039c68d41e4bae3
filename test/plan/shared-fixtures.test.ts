/**
 * The parser against real plans from other projects in ../shared/fixtures/plans (read in place, never copied into
 * this repository). Skips cleanly when that folder is not there.
 */
import { existsSync, readdirSync } from "fs";
import { join, resolve } from "path";
import { evaluatePlan } from "../../lib/plan/evaluate";
import { planToStack } from "../../lib/plan/plan-to-stack";
import { PROTECTED_TYPES } from "../../lib/plan/protected";
import { readPlan } from "../../lib/plan/read-plan";

const SHARED = resolve(__dirname, "../../../shared/fixtures/plans");
const files = existsSync(SHARED) ? readdirSync(SHARED).filter((f) => f.endsWith(".json")).sort() : [];
const suite = files.length > 0 ? describe : describe.skip;

suite("real plans in ../shared/fixtures/plans", () => {
  test.each(files.length > 0 ? files : ["(none)"])("%s parses, judges and converts", (name) => {
    const loaded = readPlan(join(SHARED, name));
    expect(loaded.plan.format_version).toMatch(/^[01]\.\d$/);
    expect(Array.isArray(loaded.plan.resource_changes)).toBe(true);
    for (const rc of loaded.plan.resource_changes) {
      expect(typeof rc.address).toBe("string");
      expect(rc.change.actions.length).toBeGreaterThan(0);
    }
    const ev = evaluatePlan(loaded);
    const judged = new Set(ev.changes.map((rc) => rc.address));
    for (const j of ev.judged) expect(judged.has(j.finding.resource)).toBe(true); // never from resource_drift or no-ops
    for (const rc of ev.changes) {
      if (rc.change.actions.includes("delete") && PROTECTED_TYPES.has(rc.type)) {
        expect(ev.judged.some((j) => j.finding.ruleId === "plan-protected-delete" && j.finding.resource === rc.address)).toBe(true);
      }
    }
    const stack = planToStack(loaded.plan, name);
    expect(stack.resources.length).toBeGreaterThanOrEqual(0);
  });
});
