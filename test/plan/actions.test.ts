import { writeFileSync } from "fs";
import { join } from "path";
import { InputError } from "../../lib/engine/terraform/types";
import { createApproval } from "../../lib/plan/approval";
import { evaluatePlan } from "../../lib/plan/evaluate";
import { gateFails, runGate } from "../../lib/plan/gate";
import { readPlan } from "../../lib/plan/read-plan";
import { change, minimalPlan, tempDir, writeTemp } from "./helpers";
import { ed25519 } from "./keys";

const RULE = "plan-action-invoked";
const NOW = new Date("2026-10-01T09:00:00.000Z");

/** An `action_invocations` entry as Terraform 1.14 writes it (internal/command/jsonplan/action_invocations.go). */
function lambdaInvoke(trigger: string, extra: Record<string, unknown> = {}) {
  return {
    address: "action.aws_lambda_invoke.wipe",
    type: "aws_lambda_invoke",
    name: "wipe",
    provider_name: "registry.terraform.io/hashicorp/aws",
    config_values: { function_name: "wipe-prod", payload: '{"all":true}', qualifier: "s3cr3t" },
    config_sensitive: { qualifier: true },
    config_unknown: {},
    lifecycle_action_trigger: { triggering_resource_address: trigger, action_trigger_event: "AfterCreate", action_trigger_block_index: 0, actions_list_index: 0, on_failure: "fail" },
    ...extra,
  };
}

const queue = change("aws_sqs_queue.q", ["create"], null, { name: "q" });

function write(doc: unknown): string {
  return writeTemp(tempDir(), "plan.json", JSON.stringify(doc));
}

function refusal(doc: unknown): string {
  try {
    readPlan(write(doc));
  } catch (e) {
    if (e instanceof InputError) return e.message;
    throw e;
  }
  throw new Error("expected the plan to be refused");
}

describe("plan-action-invoked", () => {
  test("an action triggered by a change blocks that change; the finding names the action, its type and config, never a sensitive value", () => {
    const ev = evaluatePlan(readPlan(write(minimalPlan([queue], { action_invocations: [lambdaInvoke("aws_sqs_queue.q")] }))));
    const fs = ev.judged.filter((j) => j.finding.ruleId === RULE);
    expect(fs).toHaveLength(1);
    expect(fs[0].changes).toEqual([{ address: "aws_sqs_queue.q", actions: ["create"] }]);
    const f = fs[0].finding;
    expect(f).toMatchObject({ severity: "error", principal: "aws_sqs_queue.q", resource: "aws_sqs_queue.q", actions: ["create"] });
    expect(f.message).toBe(
      'The plan runs the action action.aws_lambda_invoke.wipe (aws_lambda_invoke) AfterCreate of aws_sqs_queue.q, with the deploy credentials: config function_name = "wipe-prod", payload = "{\\"all\\":true}", qualifier = (sensitive).',
    );
    expect(JSON.stringify(f)).not.toContain("s3cr3t");
    expect(f.evidence.find((e) => e.step === "action")?.detail).toContain("registry.terraform.io/hashicorp/aws");
  });

  test("one finding per invocation; other changes are not touched", () => {
    const second = lambdaInvoke("aws_sqs_queue.q", { address: "action.aws_lambda_invoke.notify", name: "notify", config_values: {}, config_sensitive: {}, config_unknown: { function_name: true } });
    const other = change("aws_sqs_queue.other", ["create"], null, { name: "o" });
    const ev = evaluatePlan(readPlan(write(minimalPlan([queue, other], { action_invocations: [lambdaInvoke("aws_sqs_queue.q"), second] }))));
    const fs = ev.judged.map((j) => j.finding).filter((f) => f.ruleId === RULE);
    expect(fs.map((f) => f.resource)).toEqual(["aws_sqs_queue.q", "aws_sqs_queue.q"]);
    expect(fs[1].message).toContain("action.aws_lambda_invoke.notify");
    expect(fs[1].message).toContain("function_name = (known after apply)");
  });

  test("an empty action_invocations list changes nothing", () => {
    const ev = evaluatePlan(readPlan(write(minimalPlan([queue], { action_invocations: [], deferred_action_invocations: [] }))));
    expect(ev.judged.filter((j) => j.finding.ruleId === RULE)).toEqual([]);
  });

  test("the gate blocks it, and an approval of the triggering change passes it", () => {
    const alice = ed25519();
    const dir = tempDir();
    writeFileSync(join(dir, "plan.json"), JSON.stringify(minimalPlan([queue], { action_invocations: [lambdaInvoke("aws_sqs_queue.q")] })));
    writeFileSync(join(dir, "alice.pub.pem"), alice.publicKeyPem);
    const gate = (approvals: string[] = []) => runGate({ planFile: "plan.json", cwd: dir, now: NOW, trustedKeys: ["alice.pub.pem"], approvals });
    const blocked = gate();
    expect(blocked.findings.map((f) => f.ruleId)).toEqual([RULE]);
    expect(gateFails(blocked)).toBe(true);
    const approval = createApproval("plan.json", { privateKeyPem: alice.privateKeyPem, by: "alice", expiresIn: "1h", now: NOW, cwd: dir });
    expect(approval.approved).toEqual([{ address: "aws_sqs_queue.q", actions: ["create"] }]);
    writeFileSync(join(dir, "approval.json"), JSON.stringify(approval));
    expect(gateFails(gate(["approval.json"]))).toBe(false);
  });
});

describe("the reader refuses actions it cannot tie to an approvable change (exit 2)", () => {
  test.each<[string, unknown, RegExp]>([
    [
      "an action invoked directly (terraform plan -invoke)",
      minimalPlan([], { action_invocations: [{ ...lambdaInvoke("x"), lifecycle_action_trigger: undefined, invoke_action_trigger: {} }] }),
      /plan runs action action\.aws_lambda_invoke\.wipe \(action_invocations\[0\]\), which is invoked directly \(terraform plan -invoke\)/,
    ],
    [
      "an action whose triggering resource has no change",
      minimalPlan([queue], { action_invocations: [lambdaInvoke("aws_sqs_queue.gone")] }),
      /which is triggered by aws_sqs_queue\.gone, which has no change in resource_changes/,
    ],
    [
      "an action whose trigger is only a no-op",
      minimalPlan([change("aws_sqs_queue.q", ["no-op"], { name: "q" }, { name: "q" })], { action_invocations: [lambdaInvoke("aws_sqs_queue.q")] }),
      /triggered by aws_sqs_queue\.q, which has no change/,
    ],
    ["an action with no trigger at all", minimalPlan([], { action_invocations: [{ address: "action.x.y" }] }), /action\.x\.y .*names no triggering resource/],
    ["deferred action invocations", minimalPlan([], { deferred_action_invocations: [{ reason: "resource_config_unknown", action_invocation: lambdaInvoke("x") }] }), /plan is incomplete \(1 deferred action invocation\(s\) in deferred_action_invocations\)/],
    ["action_invocations not a list", minimalPlan([], { action_invocations: { a: 1 } }), /malformed plan: action_invocations is not an array/],
    ["an entry without an address", minimalPlan([], { action_invocations: [{}] }), /malformed plan: action_invocations\[0\] has no address/],
    ["an unknown top-level list", minimalPlan([], { ephemeral_invocations: [{ address: "x" }] }), /unknown top-level field "ephemeral_invocations" with 1 entry/],
  ])("%s", (_name, doc, expected) => {
    const message = refusal(doc);
    expect(message).toMatch(/^\S*plan\.json: /);
    expect(message).toMatch(expected);
    expect(message).not.toContain("\n");
  });

  test("unknown top-level objects, scalars and empty lists are let through", () => {
    expect(() => readPlan(write(minimalPlan([], { future_note: "x", future_map: { a: 1 }, future_list: [] })))).not.toThrow();
  });

  test("the gate reports the refusal as bad input", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "plan.json"), JSON.stringify(minimalPlan([], { action_invocations: [{ ...lambdaInvoke("x"), lifecycle_action_trigger: undefined, invoke_action_trigger: {} }] })));
    expect(() => runGate({ planFile: "plan.json", cwd: dir, now: NOW })).toThrow(InputError);
  });
});
