import type { RuleMeta } from "../engine/findings";
import { allRules } from "./index";

/**
 * Metadata of every rule blastwall can report, for docs/rules.md, the README table and SARIF: the check rules
 * plus the plan gate's rules (loaded lazily so `check` does not load the plan gate).
 */
export function allRuleMetas(): RuleMeta[] {
  const metas = allRules.map((r) => r.meta);
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const plan = require("../plan/rules") as { planRules?: readonly { meta: RuleMeta }[] };
    for (const r of plan.planRules ?? []) metas.push(r.meta);
  } catch {
    // the plan gate is optional for this listing
  }
  metas.push(...INPUT_METAS);
  return metas;
}

/** Findings the runner itself raises (not rules over a stack). */
const INPUT_METAS: RuleMeta[] = [
  {
    id: "acknowledgement-expired",
    title: "An acknowledgement has expired",
    why: "An acknowledgement is a reviewed, time-boxed exception. After its date the reason it gave is no longer vouched for.",
    fix: "Review the finding again: fix it, or renew the acknowledgement with a new date and reason.",
    severity: "error",
    category: "input",
  },
];
