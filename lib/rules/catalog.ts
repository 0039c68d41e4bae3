import type { RuleMeta } from "../engine/findings";
import { allRules } from "./index";
import { PLAN_RULES } from "../plan/rules";
import { INPUT_METAS } from "./input-metas";

/**
 * Metadata of every rule blastwall can report, for docs/rules.md and the README table: the check rules, the
 * plan gate's rules, and the findings the runner raises itself. (Not loaded by `blastwall check`.)
 */
export function allRuleMetas(): RuleMeta[] {
  return [...allRules.map((r) => r.meta), ...PLAN_RULES.map((r) => r.meta), ...INPUT_METAS];
}
