import { buildStack } from "../../lib/engine/terraform/stack";
import { buildAnalysis } from "../../lib/engine/analyze";
import type { Rule } from "../../lib/engine/rule";
import type { FindingDraft } from "../../lib/engine/findings";
import type { BlastwallConfig } from "../../lib/engine/config-types";
import { protectionRules } from "../../lib/rules";

/** The protection rules (the guarantees of lib/constructs), as the gate runs them. */
export { protectionRules };

type Obj = Record<string, unknown>;

/** Runs one rule over a Terraform JSON document, with the real stack reader and IAM analysis. */
export function run(rule: Rule, json: Obj, config: BlastwallConfig = {}): FindingDraft[] {
  const stack = buildStack(json, "test.tf.json");
  return rule.check({ stack, analysis: buildAnalysis(stack, config), config, strict: false });
}

/** `{ rule_id: [messages] }` for every protection rule that reports something: readable failure output. */
export function runAll(json: Obj, rules: readonly Rule[] = protectionRules): Record<string, string[]> {
  const stack = buildStack(json, "test.tf.json");
  const ctx = { stack, analysis: buildAnalysis(stack, {}), config: {}, strict: false };
  const out: Record<string, string[]> = {};
  for (const r of rules) {
    const found = r.check(ctx);
    if (found.length) out[r.meta.id] = found.map((f) => f.message);
  }
  return out;
}
