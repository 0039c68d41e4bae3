/**
 * The rule's why is printed with every plan-protected-delete finding: for a database it must not explain
 * aws_cloudformation_stack_instances updates (review round 94). That case explains itself in its own message.
 */
import { renderJson } from "../../lib/report/json";
import { runGate } from "../../lib/plan/gate";
import { change, minimalPlan, tempDir, writeTemp } from "./helpers";

const NOW = new Date("2026-11-25T12:00:00Z");

function gateJson(changes: unknown[]): { ruleId: string; resource: string; why?: string; message: string }[] {
  const dir = tempDir();
  writeTemp(dir, "plan.json", JSON.stringify(minimalPlan(changes)));
  return JSON.parse(renderJson(runGate({ planFile: "plan.json", cwd: dir, now: NOW }))).findings;
}

const DB = { identifier: "orders", engine: "postgres", deletion_protection: false, skip_final_snapshot: false };

test("a database destroy: the why is about destroying data, with no stack-instances paragraph", () => {
  const [f] = gateJson([change("aws_db_instance.orders", ["delete"], DB, null)]).filter((x) => x.ruleId === "plan-protected-delete");
  expect(f.resource).toBe("aws_db_instance.orders");
  expect(f.why).toMatch(/^Destroying a database/);
  expect(f.why).not.toMatch(/stack_instances|retain_stacks|region, account or organizational unit/);
});

test("control: a stack-instances update that drops a region still says what it deletes, in its message", () => {
  const si = (regions: string[]) => ({ stack_set_name: "s", regions, accounts: ["111122223333"], deployment_targets: [], retain_stacks: false, call_as: "SELF" });
  const [f] = gateJson([change("aws_cloudformation_stack_instances.s", ["update"], si(["us-east-1", "eu-west-1"]), si(["us-east-1"]))]).filter((x) => x.ruleId === "plan-protected-delete");
  expect(f.message).toContain('to remove regions "eu-west-1": the provider deletes those stack instances, and CloudFormation every resource in their stacks (retain_stacks false)');
  expect(f.why).toContain("the stacks a stack set deploys");
});
