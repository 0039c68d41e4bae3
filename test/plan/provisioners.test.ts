import { writeFileSync } from "fs";
import { join } from "path";
import type { Finding } from "../../lib/engine/findings";
import { createApproval } from "../../lib/plan/approval";
import { evaluatePlan } from "../../lib/plan/evaluate";
import { gateFails, runGate } from "../../lib/plan/gate";
import { readPlan } from "../../lib/plan/read-plan";
import { provisionerRuns } from "../../lib/plan/rules/provisioner-runs";
import { withoutInstanceKeys } from "../../lib/engine/agents";
import { change, minimalPlan, tempDir, writeTemp } from "./helpers";
import { ed25519 } from "./keys";

const RULE = "plan-provisioner-runs";
const NOW = new Date("2026-10-01T09:00:00.000Z");
const DELETE_DB = "aws rds delete-db-instance --db-instance-identifier orders --skip-final-snapshot";

function localExec(command: string, extra: Record<string, unknown> = {}) {
  return { type: "local-exec", expressions: { command: { constant_value: command } }, ...extra };
}

/** A configuration resource as `terraform show -json` writes it (address relative to its module). */
function configResource(type: string, name: string, provisioners: unknown[]) {
  return { address: `${type}.${name}`, mode: "managed", type, name, provider_config_key: "terraform", provisioners, schema_version: 0 };
}

function plan(changes: unknown[], rootModule: unknown, extra: Record<string, unknown> = {}) {
  return minimalPlan(changes, { configuration: { root_module: rootModule }, ...extra });
}

function td(address: string, actions: string[], extra: Record<string, unknown> = {}) {
  const before = actions.includes("delete") || actions.includes("update") ? { id: "1", input: null } : null;
  const after = actions.includes("create") ? { input: null } : actions[0] === "update" ? { id: "1", input: "new" } : actions[0] === "no-op" ? before ?? { id: "1" } : null;
  return { ...change(address, actions, before, after, extra), provider_name: "terraform.io/builtin/terraform" };
}

function findings(doc: unknown): Finding[] {
  const ev = evaluatePlan(readPlan(writeTemp(tempDir(), "plan.json", JSON.stringify(doc))));
  return ev.judged.map((j) => j.finding).filter((f) => f.ruleId === RULE);
}

const cleanup = { resources: [configResource("terraform_data", "cleanup", [localExec(DELETE_DB)])] };

describe("plan-provisioner-runs", () => {
  test("a new terraform_data with a create-time local-exec blocks, and the finding shows the command", () => {
    const [f, ...rest] = findings(plan([td("terraform_data.cleanup", ["create"])], cleanup));
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ ruleId: RULE, severity: "error", principal: "terraform_data.cleanup", resource: "terraform_data.cleanup", actions: ["create"] });
    expect(f.message).toBe(`The plan creates terraform_data.cleanup, which runs a provisioner with the deploy credentials: local-exec command ${JSON.stringify(DELETE_DB)}.`);
    expect(f.evidence.find((e) => e.step === "provisioner")).toMatchObject({ address: "terraform_data.cleanup", detail: expect.stringContaining("--skip-final-snapshot") });
  });

  test("a no-op or an update of a resource with a provisioner passes", () => {
    expect(findings(plan([td("terraform_data.cleanup", ["no-op"])], cleanup))).toEqual([]);
    expect(findings(plan([{ ...td("terraform_data.cleanup", ["update"]), change: { actions: ["update"], before: { input: "a" }, after: { input: "b" }, after_unknown: {} } }], cleanup))).toEqual([]);
  });

  test("replaces run provisioners: delete-then-create, create-then-delete (triggers_replace replaces on every trigger change)", () => {
    for (const actions of [["delete", "create"], ["create", "delete"]]) {
      const [f] = findings(plan([td("terraform_data.cleanup", actions, { action_reason: "replace_by_triggers" })], cleanup));
      expect(f).toMatchObject({ actions, message: expect.stringMatching(/^The plan replaces terraform_data\.cleanup, which runs a provisioner/) });
      expect(f.evidence.find((e) => e.step === "reason")?.detail).toBe("action_reason replace_by_triggers");
    }
  });

  test("a destroy-time provisioner (when = destroy) blocks the delete, not the create", () => {
    const root = { resources: [configResource("terraform_data", "bye", [localExec("curl -X DELETE https://api/x", { when: "destroy" })])] };
    const [f] = findings(plan([td("terraform_data.bye", ["delete"], { action_reason: "delete_because_count_index" })], root));
    expect(f).toMatchObject({ actions: ["delete"], message: expect.stringContaining('destroys terraform_data.bye, which runs a provisioner with the deploy credentials: local-exec command "curl -X DELETE https://api/x"') });
    expect(f.evidence.find((e) => e.step === "provisioner")?.detail).toMatch(/^local-exec \(destroy-time\)/);
    expect(findings(plan([td("terraform_data.bye", ["create"])], root))).toEqual([]);
  });

  test("an explicit when = create does not block a delete", () => {
    expect(findings(plan([td("terraform_data.cleanup", ["delete"])], { resources: [configResource("terraform_data", "cleanup", [localExec("x", { when: "create" })])] }))).toEqual([]);
  });

  test("without `when` (what Terraform writes) a provisioner counts for a delete too: it may be destroy-time", () => {
    const [f] = findings(plan([td("terraform_data.cleanup", ["delete"])], cleanup));
    expect(f.evidence.find((e) => e.step === "provisioner")?.detail).toMatch(/create-time or destroy-time: the plan JSON does not say/);
  });

  test("a deposed object's delete runs destroy-time provisioners", () => {
    const [f] = findings(plan([td("terraform_data.cleanup", ["delete"], { deposed: "abcd1234" })], cleanup));
    expect(f.message).toContain("terraform_data.cleanup (deposed object abcd1234)");
  });

  test("module paths and instance keys map to the configuration resource", () => {
    const root = {
      resources: [configResource("terraform_data", "x", [localExec("root one")])],
      module_calls: {
        m: {
          source: "./m",
          module: {
            resources: [configResource("terraform_data", "x", [localExec("in m")])],
            module_calls: { inner: { source: "./inner", module: { resources: [configResource("aws_instance", "web", [{ type: "remote-exec", expressions: { inline: { constant_value: ["sudo rm -rf /data"] } } }])] } } },
          },
        },
      },
    };
    const fs = findings(
      plan(
        [
          td('module.m.terraform_data.x["a.b]"]', ["create"]),
          td("module.m.terraform_data.x[0]", ["create"]),
          change('module.m["k"].module.inner.aws_instance.web[1]', ["create"], null, {}),
          td("module.other.terraform_data.x", ["create"]),
          td("terraform_data.x", ["create"]),
        ],
        root,
      ),
    );
    const byAddress = Object.fromEntries(fs.map((f) => [f.resource, f.message]));
    expect(Object.keys(byAddress).sort()).toEqual(['module.m.terraform_data.x["a.b]"]', "module.m.terraform_data.x[0]", 'module.m["k"].module.inner.aws_instance.web[1]', "terraform_data.x"].sort());
    expect(byAddress["module.m.terraform_data.x[0]"]).toContain('"in m"');
    expect(byAddress["terraform_data.x"]).toContain('"root one"');
    expect(byAddress['module.m["k"].module.inner.aws_instance.web[1]']).toContain('remote-exec inline ["sudo rm -rf /data"]');
  });

  test("withoutInstanceKeys strips count/for_each keys, also quoted ones holding ] or .", () => {
    expect(withoutInstanceKeys('module.a["x"].module.b[2].null_resource.n["k]\\"."]')).toBe("module.a.module.b.null_resource.n");
    expect(withoutInstanceKeys('module.a["x\\"]y"].terraform_data.t["a"]')).toBe("module.a.terraform_data.t");
    expect(withoutInstanceKeys("terraform_data.x")).toBe("terraform_data.x");
  });

  test("a command built from references is described, a long one truncated, and a file provisioner is not counted", () => {
    const long = `echo ${"a".repeat(400)}`;
    const root = {
      resources: [
        configResource("terraform_data", "refs", [{ type: "local-exec", expressions: { command: { references: ["self.id", "self"] } } }]),
        configResource("terraform_data", "long", [localExec(long)]),
        configResource("terraform_data", "copy", [{ type: "file", expressions: { source: { constant_value: "a" }, destination: { constant_value: "/b" } } }]),
      ],
    };
    const fs = findings(plan([td("terraform_data.refs", ["create"]), td("terraform_data.long", ["create"]), td("terraform_data.copy", ["create"])], root));
    expect(fs.map((f) => f.resource)).toEqual(["terraform_data.refs", "terraform_data.long"]);
    expect(fs[0].message).toContain("local-exec command (computed at apply from self.id, self)");
    expect(fs[1].message.length).toBeLessThan(300);
    expect(fs[1].message).toContain("…");
  });

  test("an unfamiliar provisioner type counts (fails closed)", () => {
    const root = { resources: [configResource("terraform_data", "x", [{ type: "salt-masterless", expressions: { local_state_tree: { constant_value: "/srv" } } }])] };
    expect(findings(plan([td("terraform_data.x", ["create"])], root))[0].message).toContain("salt-masterless local_state_tree");
  });

  test("no configuration section: terraform_data and null_resource creates and deletes block (fail closed), other types do not", () => {
    const doc = minimalPlan([td("terraform_data.a", ["create"]), { ...td("null_resource.b", ["delete"]), type: "null_resource" }, td("terraform_data.c", ["update"]), change("aws_sqs_queue.q", ["create"], null, {})]);
    delete doc.configuration;
    const fs = findings(doc);
    expect(fs.map((f) => f.resource)).toEqual(["terraform_data.a", "null_resource.b"]);
    expect(fs[0].message).toMatch(/has no configuration section, so blastwall cannot see whether provisioners run/);
  });

  test("a configuration with the resource but no provisioners passes", () => {
    expect(findings(plan([td("terraform_data.cleanup", ["create"])], { resources: [configResource("terraform_data", "cleanup", [])] }))).toEqual([]);
  });

  test("a plan as Terraform 1.11.4 writes it (configuration trimmed to the provisioner parts) blocks each instance", () => {
    const root = {
      resources: [
        {
          address: "terraform_data.cleanup",
          mode: "managed",
          type: "terraform_data",
          name: "cleanup",
          provider_config_key: "terraform",
          provisioners: [
            { type: "local-exec", expressions: { command: { constant_value: "echo aws rds delete-db-instance --skip-final-snapshot" } } },
            { type: "local-exec", expressions: { command: { references: ["self.id", "self"] } } },
          ],
          expressions: { triggers_replace: {} },
          schema_version: 0,
        },
        {
          address: "terraform_data.many",
          mode: "managed",
          type: "terraform_data",
          name: "many",
          provider_config_key: "terraform",
          provisioners: [{ type: "remote-exec", expressions: { inline: { constant_value: ["rm -rf /"] } } }],
          schema_version: 0,
          count_expression: { constant_value: 2 },
        },
      ],
      module_calls: {
        m: {
          source: "./mod",
          module: {
            resources: [
              {
                address: "terraform_data.x",
                mode: "managed",
                type: "terraform_data",
                name: "x",
                provider_config_key: "terraform",
                provisioners: [{ type: "local-exec", expressions: { command: { constant_value: "echo in module" } } }],
                schema_version: 0,
              },
            ],
          },
        },
      },
    };
    const fs = findings(plan([td("terraform_data.cleanup", ["create"]), td("terraform_data.many[0]", ["create"]), td("terraform_data.many[1]", ["create"]), td('module.m.terraform_data.x["a"]', ["create"])], root, { terraform_version: "1.11.4" }));
    expect(fs.map((f) => f.resource)).toEqual(["terraform_data.cleanup", "terraform_data.many[0]", "terraform_data.many[1]", 'module.m.terraform_data.x["a"]']);
    expect(fs[0].message).toContain("runs 2 provisioners");
  });

  test("metadata", () => {
    expect(provisionerRuns.meta).toMatchObject({ id: RULE, severity: "error", category: "plan" });
  });
});

describe("plan-provisioner-runs in the gate", () => {
  const alice = ed25519();

  function workspace() {
    const dir = tempDir();
    writeFileSync(join(dir, "plan.json"), JSON.stringify(plan([td("terraform_data.cleanup", ["create"]), change("aws_sqs_queue.q", ["create"], null, { name: "q" })], cleanup)));
    writeFileSync(join(dir, "alice.pub.pem"), alice.publicKeyPem);
    return dir;
  }

  test("blocks without an approval (exit 1), passes with one", () => {
    const dir = workspace();
    const gate = (approvals: string[] = []) => runGate({ planFile: "plan.json", cwd: dir, now: NOW, trustedKeys: ["alice.pub.pem"], approvals });
    const blocked = gate();
    expect(blocked.findings.map((f) => [f.ruleId, f.resource])).toEqual([[RULE, "terraform_data.cleanup"]]);
    expect(gateFails(blocked)).toBe(true);

    const approval = createApproval("plan.json", { privateKeyPem: alice.privateKeyPem, by: "alice", expiresIn: "1h", now: NOW, cwd: dir });
    expect(approval.approved).toEqual([{ address: "terraform_data.cleanup", actions: ["create"] }]);
    writeFileSync(join(dir, "approval.json"), JSON.stringify(approval));
    const passed = gate(["approval.json"]);
    expect(passed.findings[0].acknowledged?.source).toBe("approval.json");
    expect(passed.summary.errors).toBe(0);
    expect(gateFails(passed)).toBe(false);
  });
});
