/**
 * Red-team round 89 on the plan reader: plans refused that Terraform writes (for_each keys Terraform quotes its own
 * way, targeted plans of Terraform 1.8+), a deferred_changes list in another shape, and a move out of a protected
 * type. Each plan is the red-team's shape reduced to what matters, beside a control.
 */
import { writeFileSync } from "fs";
import { join } from "path";
import { createApproval } from "../../lib/plan/approval";
import { evaluatePlan } from "../../lib/plan/evaluate";
import { gateFails, runGate } from "../../lib/plan/gate";
import { readPlan } from "../../lib/plan/read-plan";
import { renderText } from "../../lib/report/text";
import { change, minimalPlan, tempDir, writeTemp } from "./helpers";
import { ed25519 } from "./keys";

type Obj = Record<string, unknown>;

const write = (doc: Obj) => writeTemp(tempDir(), "plan.json", JSON.stringify(doc));
const read = (doc: Obj) => () => readPlan(write(doc));

/** A resource of planned_values or prior_state. */
const res = (address: string, values: Obj, extra: Obj = {}) => {
  const c = change(address, ["no-op"], null, null);
  return { address, mode: "managed", type: c.type, name: c.name, provider_name: c.provider_name, values, sensitive_values: {}, ...extra };
};

const keep = res("aws_instance.keep", { ami: "a" });
const keepChange = change("aws_instance.keep", ["no-op"], { ami: "a" }, { ami: "a" });

describe("a for_each key Terraform quotes otherwise than JSON (finding 1)", () => {
  // The address as Terraform writes it (toHCLQuotedString: `${` → `$${`, `%{` → `%%{`, a non-printing character as
  // \uXXXX), and the key as it is.
  const KEYS: [string, string][] = [
    ['"cost-$${env}"', "cost-${env}"],
    ['"100%%{x}"', "100%{x}"],
    ['"eu\\u00a0west"', "eu\u00a0west"],
    ['"\u{1f468}\\u200d\u{1f469}"', "\u{1f468}\u200d\u{1f469}"],
  ];
  const withInstance = (quoted: string, key: string, changes: unknown[]) => {
    const web = res(`aws_instance.web[${quoted}]`, { ami: "a" }, { index: key });
    return minimalPlan(changes, { planned_values: { root_module: { resources: [keep] } }, prior_state: { values: { root_module: { resources: [web, keep] } } } });
  };

  test.each(KEYS)("a delete or forget of the instance %s is read", (quoted, key) => {
    for (const action of ["delete", "forget"]) {
      const gone = change(`aws_instance.web[${quoted}]`, [action], { ami: "a" }, null, { index: key });
      expect(read(withInstance(quoted, key, [gone, keepChange]))).not.toThrow();
    }
  });

  test.each(KEYS)("control: the instance %s gone with no change that takes it away is refused", (quoted, key) => {
    expect(read(withInstance(quoted, key, [keepChange]))).toThrow(`malformed plan: aws_instance.web[${quoted}] of the prior state is missing from planned_values`);
  });
});

describe("Terraform 0.12's prior_state addresses without their key (finding 1)", () => {
  // Terraform 0.12 quoted a key in addresses with Go's %q (a non-printing character as \uXXXX) and left it out of
  // prior_state addresses; the reader restores it so, to find the instance in planned_values.
  const old = (plannedAddress: string) =>
    minimalPlan([], {
      format_version: "0.1",
      terraform_version: "0.12.31",
      complete: undefined,
      applyable: undefined,
      errored: undefined,
      prior_state: { values: { root_module: { resources: [res("null_resource.baz", { id: "b" }, { index: "a\u00a0b\n" })] } } },
      planned_values: { root_module: { resources: [res(plannedAddress, { id: "b" }, { index: "a\u00a0b\n" })] } },
    });

  test("a key with a non-printing character is restored as 0.12 wrote it", () => {
    expect(read(old('null_resource.baz["a\\u00a0b\\n"]'))).not.toThrow();
  });

  test("control: an instance of another key is missing", () => {
    expect(read(old('null_resource.baz["ab"]'))).toThrow('malformed plan: it lists no resource changes, but null_resource.baz["a\\u00a0b\\n"] of the prior state is missing');
  });
});

describe("complete: false with nothing deferred: a targeted plan of Terraform 1.8+ (finding 2)", () => {
  const PROTECTED = { "blastwall:protected": "true" };
  const db = res("aws_db_instance.main", { identifier: "orders", deletion_protection: true, tags: PROTECTED });
  const bucket = (tag: string) => res("aws_s3_bucket.logs", { bucket: "l", tags: { a: tag } });
  const prior = { values: { root_module: { resources: [db, bucket("1")] } } };
  // -target aws_s3_bucket.logs: the database is left out of planned_values and resource_changes alike.
  const tagUpdate = minimalPlan([change("aws_s3_bucket.logs", ["update"], bucket("1").values, bucket("2").values)], {
    complete: false,
    planned_values: { root_module: { resources: [bucket("2")] } },
    prior_state: prior,
  });
  // -target aws_db_instance.main with its block removed.
  const dbDelete = minimalPlan([change("aws_db_instance.main", ["delete"], db.values, null, { action_reason: "delete_because_no_resource_config" })], {
    complete: false,
    planned_values: { root_module: { resources: [] } },
    prior_state: { values: { root_module: { resources: [db] } } },
  });

  const gate = (doc: Obj, approvals: string[] = []) => {
    const dir = tempDir();
    writeFileSync(join(dir, "plan.json"), JSON.stringify(doc));
    const key = ed25519();
    writeFileSync(join(dir, "alice.pub.pem"), key.publicKeyPem);
    const now = new Date("2026-10-01T09:00:00.000Z");
    const files = approvals.map((name) => {
      writeFileSync(join(dir, name), JSON.stringify(createApproval("plan.json", { privateKeyPem: key.privateKeyPem, by: "alice", expiresIn: "1h", now, cwd: dir })));
      return name;
    });
    return runGate({ planFile: "plan.json", cwd: dir, now, trustedKeys: ["alice.pub.pem"], approvals: files });
  };

  test("the tag update passes, and the report says the plan is partial", () => {
    const r = gate(tagUpdate);
    expect(r.findings).toEqual([]);
    expect(gateFails(r)).toBe(false);
    expect(r.notes).toEqual([expect.stringMatching(/^partial plan: it says complete: false with nothing deferred, as Terraform 1\.8\+ writes every plan made with -target/)]);
    expect(renderText(r)).toMatch(/^NOTE partial plan: .*\n\nblastwall gate: PASS/);
  });

  test("the delete of a protected database is blocked, and an approval of this exact plan lets it through", () => {
    const r = gate(dbDelete);
    expect(r.findings.map((f) => `${f.ruleId} ${f.resource}`)).toEqual(["plan-protected-delete aws_db_instance.main"]);
    expect(gateFails(r)).toBe(true);
    const approved = gate(dbDelete, ["a.json"]);
    expect(approved.findings[0].acknowledged?.source).toBe("a.json");
    expect(gateFails(approved)).toBe(false);
  });

  test("control: a complete plan carries no note", () => {
    expect(gate({ ...tagUpdate, complete: true, prior_state: { values: { root_module: { resources: [bucket("1")] } } } }).notes).toBeUndefined();
  });

  test("control: a plan with deferred changes is still refused, and says so", () => {
    const deferred = [{ reason: "provider_config_unknown", resource_change: change("aws_db_instance.main", ["delete"], db.values, null) }];
    expect(read({ ...tagUpdate, deferred_changes: deferred })).toThrow(
      /plan is incomplete \(complete: false, 1 deferred change\(s\) in deferred_changes, left to a later plan\/apply round\)/,
    );
    const action = { reason: "resource_config_unknown", action_invocation: { address: "action.aws_lambda_invoke.x", type: "aws_lambda_invoke", name: "x" } };
    expect(read({ ...tagUpdate, deferred_action_invocations: [action] })).toThrow(/plan is incomplete \(1 deferred action invocation\(s\) in deferred_action_invocations\)/);
  });
});

describe("a move out of a protected type (finding 3)", () => {
  const values = { identifier: "orders", engine: "postgres" };
  const moved = (from: string, to: string, after: Obj = values) => change(to, ["no-op"], after, after, { previous_address: from });
  const judge = (rc: Obj, config: Obj = {}) =>
    evaluatePlan(readPlan(write(minimalPlan([rc]))), { config })
      .judged.map((j) => j.finding)
      .filter((f) => f.severity === "error");

  test("aws_db_instance moved to aws_rds_cluster_instance (no protected type) is blocked", () => {
    const [f, ...more] = judge(moved("aws_db_instance.main", "aws_rds_cluster_instance.main"));
    expect(more).toEqual([]);
    expect(f).toMatchObject({ ruleId: "plan-protected-moved", principal: "aws_rds_cluster_instance.main" });
    expect(f.message).toBe(
      "The plan moves aws_db_instance.main (aws_db_instance, a protected type) to aws_rds_cluster_instance.main, of type aws_rds_cluster_instance, which is not protected, so later plans could destroy it without approval.",
    );
    // A type the config protects counts as a built-in one.
    expect(judge(moved("aws_sns_topic.jobs", "aws_instance.jobs"), { protected: { types: ["aws_sns_*"] } }).map((x) => x.ruleId)).toEqual(["plan-protected-moved"]);
  });

  test("control: a same-type move, a move to another protected type, or to a resource still protected passes", () => {
    expect(judge(moved("aws_db_instance.main", "aws_db_instance.orders"))).toEqual([]);
    expect(judge(moved("aws_db_instance.main", "awscc_rds_db_instance.main"))).toEqual([]);
    expect(judge(moved("aws_db_instance.main", "aws_rds_cluster_instance.main", { ...values, tags: { "blastwall:protected": "true" } }))).toEqual([]);
    expect(judge(moved("aws_db_instance.main", "aws_rds_cluster_instance.main"), { protected: { types: ["aws_rds_cluster_instance"] } })).toEqual([]);
    expect(judge(moved("aws_sns_topic.jobs", "aws_instance.jobs"))).toEqual([]);
  });
});

describe("deferred_changes that is not a list (finding 4)", () => {
  test("an object is refused, as deferred_action_invocations is", () => {
    const entry = { reason: "provider_config_unknown", resource_change: change("aws_db_instance.main", ["delete"], { identifier: "orders" }, null) };
    expect(read(minimalPlan([], { deferred_changes: { 0: entry } }))).toThrow("malformed plan: deferred_changes is not an array");
    expect(read(minimalPlan([], { deferred_changes: "x" }))).toThrow("malformed plan: deferred_changes is not an array");
    expect(read(minimalPlan([], { deferred_action_invocations: {} }))).toThrow("malformed plan: deferred_action_invocations is not an array");
  });

  test("control: an empty list (or none) is read", () => {
    expect(read(minimalPlan([], { deferred_changes: [] }))).not.toThrow();
    expect(read(minimalPlan([], { deferred_changes: null }))).not.toThrow();
  });
});
