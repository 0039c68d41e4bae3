// Red-team round 98 (r3, item 6): a protected.addresses / protected.types entry that names nothing protected
// nothing, and the gate passed the delete it was meant to block with no word about it.
import { gateFails, runGate } from "../../lib/plan/gate";
import type { PlanGateConfig } from "../../lib/plan/types";
import { renderReport } from "../../lib/report/render";
import { unmatchedProtectedNotes } from "../../lib/plan/protected-notes";
import { buildStack } from "../../lib/engine/terraform/stack";
import { checkStacks } from "../../lib/check/run-check";
import { tf } from "../helpers/tf";
import { change, minimalPlan, tempDir, writeTemp } from "./helpers";

const cacheDelete = change("aws_elasticache_replication_group.cache", ["delete"], { replication_group_id: "cache", tags: {} }, null);
const gate = (config: PlanGateConfig, plan: Record<string, unknown> = minimalPlan([cacheDelete])) =>
  runGate({ planFile: writeTemp(tempDir(), "plan.json", JSON.stringify(plan)), config });

describe("plan gate: protected entries that match nothing", () => {
  test("an address differing in case passes the delete, and a note names the near match", () => {
    const r = gate({ protected: { addresses: ["aws_elasticache_replication_group.Cache"] } });
    expect(gateFails(r)).toBe(false);
    expect(r.notes).toEqual([expect.stringContaining('config protected.addresses lists "aws_elasticache_replication_group.Cache", which matches no resource in this plan')]);
    expect(r.notes![0]).toContain('Near match: "aws_elasticache_replication_group.cache" (differs in case: Terraform addresses are case-sensitive)');
    expect(r.notes![0]).toContain("protects nothing here");
  });

  test("a missing aws_ prefix, a type of the same service, and the same name under another type are named", () => {
    const r = gate({ protected: { addresses: ["elasticache_replication_group.cache", "aws_elasticache_cluster.cache"], types: ["aws_elasticache_cluster"] } });
    expect(r.notes).toHaveLength(3);
    expect(r.notes![0]).toContain('"aws_elasticache_replication_group.cache" (the type needs its aws_ prefix)');
    expect(r.notes![1]).toContain('"aws_elasticache_replication_group.cache" (the same name under another type)');
    expect(r.notes![2]).toContain('config protected.types lists "aws_elasticache_cluster", which matches no resource of that type in this plan');
    expect(r.notes![2]).toContain('"aws_elasticache_replication_group" (a type of the same service)');
  });

  test("every output format carries the note: text NOTE line, JSON notes, SARIF notification", () => {
    const r = gate({ protected: { types: ["aws_elasticache_cluster"] } });
    expect(renderReport(r, "text")).toMatch(/^NOTE config protected\.types lists "aws_elasticache_cluster"/m);
    expect(JSON.parse(renderReport(r, "json")).notes).toEqual(r.notes);
    const sarif = JSON.parse(renderReport(r, "sarif"));
    expect(sarif.runs[0].invocations[0].toolConfigurationNotifications[0].message.text).toContain("protected.types lists");
  });

  test("control: entries that match (also a resource the plan does not change, a module, a glob) carry no note, and the delete fails", () => {
    const keep = { address: "module.app.aws_sns_topic.alerts", mode: "managed", type: "aws_sns_topic", name: "alerts", values: {} };
    const plan = minimalPlan([cacheDelete], {
      planned_values: { root_module: { child_modules: [{ address: "module.app", resources: [keep] }] } },
      prior_state: { values: { root_module: { child_modules: [{ address: "module.app", resources: [keep] }] } } },
    });
    const r = gate({ protected: { addresses: ["aws_elasticache_replication_group.cache", "module.app", "module.app.aws_sns_topic.alerts"], types: ["aws_elasticache_*", "aws_sns_topic"] } }, plan);
    expect(r.notes).toBeUndefined();
    expect(gateFails(r)).toBe(true);
  });

  test("control: an entry with no near match still gets its note, without a near-match clause", () => {
    const [n] = unmatchedProtectedNotes({ protected: { addresses: ["aws_kms_key.gone"] } }, [{ address: "aws_s3_bucket.b", type: "aws_s3_bucket" }], { where: "here" });
    expect(n).toContain('lists "aws_kms_key.gone", which matches no resource here');
    expect(n).not.toContain("Near match");
  });
});

describe("check: protected entries that match no resource of any file checked", () => {
  const stack = () => buildStack(tf({ "aws_docdb_cluster.main": { lifecycle: { prevent_destroy: true } }, "aws_ebs_volume.data": { lifecycle: { prevent_destroy: true } } }), "main.tf.json");

  test("a misspelt type and address get notes with their near matches", () => {
    const r = checkStacks([stack()], { config: { protected: { types: ["docdb_cluster"], addresses: ["aws_ebs_volume.Data"] } } });
    expect(r.notes).toEqual([
      expect.stringContaining('protected.addresses lists "aws_ebs_volume.Data", which matches no resource in any file checked'),
      expect.stringContaining('protected.types lists "docdb_cluster", which matches no resource of that type in any file checked'),
    ]);
    expect(r.notes![1]).toContain('"aws_docdb_cluster" (the type needs its aws_ prefix)');
  });

  test("control: matching entries (an instance entry covers its block) carry no note", () => {
    const r = checkStacks([stack()], { config: { protected: { types: ["aws_docdb_cluster"], addresses: ["aws_ebs_volume.data[0]"] } } });
    expect(r.notes).toBeUndefined();
  });
});

// Nineteenth session's note: `blastwall check` reports an agents.addresses entry that names no resource
// (config-address-unmatched), the gate said nothing, and the agent a misspelt entry meant went unjudged there.
describe("plan gate: agents.addresses entries that match nothing", () => {
  const role = change("aws_iam_role.agent", ["update"], { name: "agent", tags: {} }, { name: "agent", tags: {} });
  const module = change("module.team[\"a\"].aws_iam_role.agent[0]", ["no-op"], { name: "a" }, { name: "a" });
  const plan = minimalPlan([cacheDelete, role, module]);

  test("a misspelt address gets a note naming it; a correct one, an instance address and a module instance do not", () => {
    const r = gate({ agents: { addresses: ["aws_iam_role.agnet", "aws_iam_role.agent", "aws_iam_role.agent[0]", 'module.team["a"].aws_iam_role.agent[0]', "module.team.aws_iam_role.agent"] } }, plan);
    expect(r.notes).toEqual([expect.stringContaining('config agents.addresses lists "aws_iam_role.agnet", which matches no resource in this plan')]);
    expect(r.notes![0]).toContain("the agent it meant is not judged");
    expect(renderReport(r, "text")).toMatch(/^NOTE config agents\.addresses lists "aws_iam_role\.agnet"/m);
  });

  test("control: a config whose entries all name resources of the plan carries no note", () => {
    const r = gate({ agents: { addresses: ["aws_iam_role.agent"] } }, plan);
    expect(r.notes).toBeUndefined();
  });
});
