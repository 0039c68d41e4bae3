/**
 * Red-team round 114 F3: a `data "external"` read during `terraform plan` ran its program with the plan step's
 * credentials before the gate, and the gate passed the plan with no word of it. Rule plan-local-program-runs warns on
 * such a read (as plan-lambda-invoked does on a plan-time Lambda invocation), and blocks a read during apply and an
 * ephemeral local_command, which run with the deploy credentials after the gate.
 */
import { writeFileSync } from "fs";
import { join } from "path";
import type { Finding } from "../../lib/engine/findings";
import { createApproval } from "../../lib/plan/approval";
import { evaluatePlan } from "../../lib/plan/evaluate";
import { gateFails, runGate } from "../../lib/plan/gate";
import { readPlan } from "../../lib/plan/read-plan";
import { change, minimalPlan, tempDir, writeTemp } from "./helpers";
import { ed25519 } from "./keys";

const RULE = "plan-local-program-runs";
const NOW = new Date("2026-10-01T09:00:00.000Z");
const PROGRAM = ["sh", "-c", "aws rds delete-db-instance --db-instance-identifier orders --skip-final-snapshot >/dev/null; echo {}"];
type Obj = Record<string, unknown>;

const findings = (changes: Obj[], extra: Obj = {}): Finding[] =>
  evaluatePlan(readPlan(writeTemp(tempDir(), "plan.json", JSON.stringify(minimalPlan(changes, extra)))), { config: {} }).judged.map((j) => j.finding);
const judged = (changes: Obj[], extra: Obj = {}) => findings(changes, extra).map((f) => `${f.ruleId} ${f.resource} ${f.severity}`);

/** A data source as prior_state writes it after terraform plan read it. */
const stateData = (address: string, type: string, values: Obj, sensitive: unknown = {}) => ({ address, mode: "data", type, name: address.split(".").pop(), values, sensitive_values: sensitive });
const prior = (...resources: Obj[]) => ({ prior_state: { format_version: "1.0", values: { root_module: { resources } } } });
const block = (address: string, type: string, expressions: Obj) => ({ address, mode: "data", type, name: address.split(".").pop(), provider_config_key: type, expressions });
const configuration = (resources: Obj[], module_calls: Obj = {}) => ({ configuration: { root_module: { resources, module_calls } } });

describe("a data source that runs a program, read during terraform plan", () => {
  test("data.external in prior_state and the configuration (the report's pg/ext-plan.json): one warning that shows the program", () => {
    const fs = findings([], { ...prior(stateData("data.external.x", "external", { program: PROGRAM, result: {} })), ...configuration([block("data.external.x", "external", { program: { constant_value: PROGRAM } })]) });
    expect(fs.map((f) => `${f.ruleId} ${f.resource} ${f.severity}`)).toEqual([`${RULE} data.external.x warning`]);
    expect(fs[0].message).toBe(
      `data.external.x was read while terraform plan ran, which ran a program on the machine that ran the plan, with the plan step's credentials, before the gate could judge it (program ${JSON.stringify(PROGRAM)}); the gate cannot undo what it did.`,
    );
    expect(fs[0].fix).toContain("Run terraform plan with a role that cannot change anything");
  });

  test("only in the configuration (no prior state), in a module: the program comes from the expression", () => {
    const mod = { ops: { source: "./ops", module: { resources: [block("data.external.x", "external", { program: { constant_value: PROGRAM } })] } } };
    const fs = findings([], configuration([], mod));
    expect(fs.map((f) => `${f.ruleId} ${f.resource} ${f.severity}`)).toEqual([`${RULE} module.ops.data.external.x warning`]);
    expect(fs[0].message).toContain("aws rds delete-db-instance");
  });

  test("data.local_command (hashicorp/local 2.6+) shows its command and arguments; a sensitive argument is not printed", () => {
    const fs = findings([], prior(stateData("data.local_command.c", "local_command", { command: "bash", arguments: ["wipe.sh", "orders"], exit_code: 0 })));
    expect(fs.map((f) => `${f.ruleId} ${f.resource} ${f.severity}`)).toEqual([`${RULE} data.local_command.c warning`]);
    expect(fs[0].message).toContain('(command "bash", arguments ["wipe.sh","orders"])');
    const secret = findings([], prior(stateData("data.local_command.c", "local_command", { command: "bash", arguments: ["-c", "token=s3cr3t"] }, { arguments: true })));
    expect(secret[0].message).toContain("arguments (sensitive)");
    expect(JSON.stringify(secret)).not.toContain("s3cr3t");
  });

  test("the gate passes with the warning: the program has run, and blocking the apply would not undo it", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "plan.json"), JSON.stringify(minimalPlan([], prior(stateData("data.external.x", "external", { program: PROGRAM })))));
    const r = runGate({ planFile: "plan.json", cwd: dir, now: NOW });
    expect(r.summary).toMatchObject({ errors: 0, warnings: 1 });
    expect(gateFails(r)).toBe(false);
  });

  test("control: data sources that run nothing on the machine (http, a file, an API read) pass", () => {
    const fs = judged([], {
      ...prior(
        stateData("data.http.x", "http", { url: "https://example.com/run?cmd=rm", response_body: "" }),
        stateData("data.local_file.f", "local_file", { filename: "run.sh" }),
        stateData("data.aws_caller_identity.me", "aws_caller_identity", { account_id: "111111111111" }),
      ),
      ...configuration([block("data.http.x", "http", { url: { constant_value: "https://example.com/run?cmd=rm" } })]),
    });
    expect(fs).toEqual([]);
  });
});

describe("a program that runs during apply, with the deploy credentials", () => {
  /** `data.external.x` read during apply, its program known only then. */
  const dataRead = {
    ...change("data.external.x", ["read"], null, { program: null, query: null }),
    mode: "data",
    type: "external",
    name: "x",
    change: { actions: ["read"], before: null, after: { query: null }, after_unknown: { program: true, result: true, id: true }, before_sensitive: false, after_sensitive: {} },
    action_reason: "read_because_config_unknown",
  };

  test("a data.external read during apply blocks on its read, and an approval of that read passes it", () => {
    const fs = findings([dataRead]);
    expect(fs.map((f) => `${f.ruleId} ${f.resource} ${f.severity}`)).toEqual([`${RULE} data.external.x error`]);
    expect(fs[0].message).toBe(
      "The plan reads data.external.x during apply (read_because_config_unknown: its configuration is known only after apply), which runs a program with the deploy credentials (program (known after apply)); what the program does is not in the plan.",
    );
    const alice = ed25519();
    const dir = tempDir();
    writeFileSync(join(dir, "plan.json"), JSON.stringify(minimalPlan([dataRead])));
    writeFileSync(join(dir, "alice.pub.pem"), alice.publicKeyPem);
    const gate = (approvals: string[] = []) => runGate({ planFile: "plan.json", cwd: dir, now: NOW, trustedKeys: ["alice.pub.pem"], approvals });
    expect(gateFails(gate())).toBe(true);
    const approval = createApproval("plan.json", { privateKeyPem: alice.privateKeyPem, by: "alice", expiresIn: "1h", now: NOW, cwd: dir });
    expect(approval.approved).toEqual([{ address: "data.external.x", actions: ["read"] }]);
    writeFileSync(join(dir, "a.json"), JSON.stringify(approval));
    expect(gateFails(gate(["a.json"]))).toBe(false);
  });

  test("an ephemeral local_command (hashicorp/local 2.7+) a configuration expression references blocks as its open", () => {
    const user = change("terraform_data.t", ["create"], null, { input: null });
    const fs = findings([user], configuration([{ address: "terraform_data.t", mode: "managed", type: "terraform_data", name: "t", expressions: { input: { references: ["ephemeral.local_command.c.stdout", "ephemeral.local_command.c"] } } }]));
    expect(fs.map((f) => `${f.ruleId} ${f.resource} ${f.severity} ${f.actions.join(",")}`)).toEqual([`${RULE} ephemeral.local_command.c error open`]);
  });

  test("control: another data source read during apply, and another ephemeral resource, pass", () => {
    const other = { ...dataRead, address: "data.aws_iam_policy_document.p", type: "aws_iam_policy_document", name: "p" };
    const user = change("terraform_data.t", ["create"], null, { input: null });
    const refs = configuration([{ address: "terraform_data.t", mode: "managed", type: "terraform_data", name: "t", expressions: { input: { references: ["ephemeral.random_password.p.result", "data.external_x.y"] } } }]);
    expect(judged([other, user], refs)).toEqual([]);
  });
});
