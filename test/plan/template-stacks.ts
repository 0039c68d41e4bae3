/** Plans of one aws_cloudformation_stack update, judged by the gate: the shared shape of the template tests. */
import type { Finding } from "../../lib/engine/findings";
import { evaluatePlan } from "../../lib/plan/evaluate";
import { readPlan } from "../../lib/plan/read-plan";
import { change, minimalPlan, tempDir, writeTemp } from "./helpers";

export type Obj = Record<string, unknown>;

/** The findings the gate judges for these resource changes. */
export const run = (changes: Obj[]): Finding[] => evaluatePlan(readPlan(writeTemp(tempDir(), "plan.json", JSON.stringify(minimalPlan(changes)))), { config: {} }).judged.map((j) => j.finding);
/** `ruleId resource` of each finding. */
export const judged = (changes: Obj[]): string[] => run(changes).map((f) => `${f.ruleId} ${f.resource}`);
/** Every evidence detail of every finding. */
export const details = (changes: Obj[]): string[] => run(changes).flatMap((f) => f.evidence.map((e) => e.detail));
/** A template body with these resources (and other sections). */
export const tpl = (resources: Obj, extra: Obj = {}): string => JSON.stringify({ Resources: resources, ...extra });
/** An update of aws_cloudformation_stack.app from one template to another, with each side's parameters and attributes. */
export const stack = (before: string, after: string, params: [Obj, Obj] = [{}, {}], extra: [Obj, Obj] = [{}, {}]): Obj =>
  change("aws_cloudformation_stack.app", ["update"], { name: "app", template_body: before, parameters: params[0], ...extra[0] }, { name: "app", template_body: after, parameters: params[1], ...extra[1] });
export const BLOCKED = ["plan-stack-template-drops-data aws_cloudformation_stack.app"];
