// Red-team round 98 (r3, item 6): a protected.addresses / protected.types entry that names nothing protected
// nothing, and the gate passed the delete it was meant to block with no word about it; round 141 (F4): a note only.
import { gateFails, runGate } from "../../lib/plan/gate";
import type { PlanGateConfig } from "../../lib/plan/types";
import { renderReport } from "../../lib/report/render";
import { unmatchedProtectedNotes } from "../../lib/plan/protected-notes";
import { blockAddressMatch } from "../../lib/engine/config-addresses";
import { buildStack } from "../../lib/engine/terraform/stack";
import { checkStacks } from "../../lib/check/run-check";
import { tf } from "../helpers/tf";
import type { Finding } from "../../lib/engine/findings";
import { gateCommand } from "../../lib/cli/gate";
import { readFileSync } from "fs";
import { join } from "path";
import { buildAwsResourceTypeTable, serializeAwsResourceTypeTable } from "../../scripts/generate-aws-resource-types";
import { change, minimalPlan, tempDir, writeTemp } from "./helpers";
import { checkPaths } from "../../lib/check/run-check";
import { dir } from "../hcl/helpers";

const cacheDelete = change("aws_elasticache_replication_group.cache", ["delete"], { replication_group_id: "cache", tags: {} }, null);
const gate = (config: PlanGateConfig, plan: Record<string, unknown> = minimalPlan([cacheDelete])) =>
  runGate({ planFile: writeTemp(tempDir(), "plan.json", JSON.stringify(plan)), config });

const unmatched = (r: { findings: readonly Finding[] }): Finding[] => r.findings.filter((f) => f.ruleId === "config-protected-unmatched");

// Red-team round 141 (F4): the note was all there was, so a one-letter slip passed the delete with exit 0.
describe("plan gate: protected entries that match nothing are config-protected-unmatched errors", () => {
  const snsDelete = change("aws_sns_topic.alerts", ["delete"], { name: "alerts", tags: {} }, null);

  test("a misspelt address fails the gate, names the near match, and no approval can cover it", () => {
    const r = gate({ protected: { addresses: ["aws_sns_topic.alert"] } }, minimalPlan([snsDelete]));
    expect(gateFails(r)).toBe(true);
    const [f] = unmatched(r);
    expect(f.severity).toBe("error");
    expect(f.principal).toBe("aws_sns_topic.alert");
    expect(f.message).toContain('blastwall.json lists "aws_sns_topic.alert" in protected.addresses, but no resource in this plan');
    expect(f.message).toContain("this gate passes a delete or replace of it");
    expect(f.message).toContain('Near match: "aws_sns_topic.alerts" (a slip of a few letters in the name)');
    expect(f.fix).toContain('"severity": { "config-protected-unmatched": "warning" }');
    expect(r.rules!.map((m) => m.id)).toContain("config-protected-unmatched");
    expect(renderReport(r, "text")).toMatch(/^ERROR config-protected-unmatched {2}aws_sns_topic\.alert$/m);
  });

  test("control: the correct address has no such finding, and the delete is blocked by plan-protected-delete", () => {
    const r = gate({ protected: { addresses: ["aws_sns_topic.alerts"] } }, minimalPlan([snsDelete]));
    expect(unmatched(r)).toEqual([]);
    expect(r.findings.map((f) => f.ruleId)).toEqual(["plan-protected-delete"]);
  });

  test("an address differing in case is an error naming the near match", () => {
    const r = gate({ protected: { addresses: ["aws_elasticache_replication_group.Cache"] } });
    expect(gateFails(r)).toBe(true);
    const [f] = unmatched(r);
    expect(f.message).toContain('Near match: "aws_elasticache_replication_group.cache" (differs in case: Terraform addresses are case-sensitive)');
    expect(r.notes).toBeUndefined();
  });

  test("a missing aws_ prefix and the same name under another type are named", () => {
    const r = gate({ protected: { addresses: ["elasticache_replication_group.cache", "aws_elasticache_cluster.cache"] } });
    const [a, b] = unmatched(r);
    expect(a.message).toContain('"aws_elasticache_replication_group.cache" (the type needs its aws_ prefix)');
    expect(b.message).toContain('"aws_elasticache_replication_group.cache" (the same name under another type)');
  });

  test("a type the AWS provider does not have is an error, with the provider's near types; a real type absent from the plan is a note", () => {
    const r = gate({ protected: { types: ["aws_elasticache_clustr", "docdb_cluster", "aws_elasticache_cluster", "aws_neptune_*", "aws_nosuchservice_*"] } });
    const found = unmatched(r);
    expect(found.map((f) => f.principal)).toEqual(["aws_elasticache_clustr", "docdb_cluster", "aws_nosuchservice_*"]);
    expect(found[0].message).toContain("is not a resource type of the AWS provider (@cdktf/provider-aws@");
    expect(found[0].message).toContain('"aws_elasticache_cluster" (a resource type of the AWS provider)');
    expect(found[1].message).toContain('"aws_docdb_cluster" (a resource type of the AWS provider)');
    expect(found[0].fix).toContain("A type of another provider, or one newer than the AWS provider release blastwall knows");
    expect(r.notes).toEqual([
      expect.stringContaining('config protected.types lists "aws_elasticache_cluster", a resource type of the AWS provider, but no resource of that type is in this plan'),
      expect.stringContaining('config protected.types lists "aws_neptune_*", which names resource types of the AWS provider, but no resource of those types is in this plan'),
    ]);
    expect(r.notes![0]).toContain('"aws_elasticache_replication_group" (a type of the same service)');
  });

  test("the config's severity for this rule is read: warning passes the gate with the finding shown, off leaves the notes", () => {
    const config = { protected: { addresses: ["aws_sns_topic.alert"] } };
    const warned = gate({ ...config, severity: { "config-protected-unmatched": "warning" } }, minimalPlan([snsDelete]));
    expect(gateFails(warned)).toBe(false);
    expect(unmatched(warned).map((f) => f.severity)).toEqual(["warning"]);
    const off = gate({ ...config, severity: { "config-protected-unmatched": "off" } }, minimalPlan([snsDelete]));
    expect(gateFails(off)).toBe(false);
    expect(unmatched(off)).toEqual([]);
    expect(off.notes).toEqual([expect.stringContaining('config protected.addresses lists "aws_sns_topic.alert", which matches no resource in this plan')]);
  });

  test("the CLI names the config file and reads only this rule's severity from it", async () => {
    const dir = tempDir();
    const plan = writeTemp(dir, "plan.json", JSON.stringify(minimalPlan([snsDelete])));
    const run = async (config: unknown) => {
      writeTemp(dir, "bw.json", JSON.stringify(config));
      let out = "";
      const code = await gateCommand(["--config", "bw.json", plan], { cwd: dir, env: {}, now: () => new Date(), stdout: (t: string) => (out += t), stderr: () => undefined } as never);
      return { code, out };
    };
    const typo = await run({ protected: { addresses: ["aws_sns_topic.alert"] } });
    expect(typo.code).toBe(1);
    expect(typo.out).toContain('bw.json lists "aws_sns_topic.alert" in protected.addresses');
    const lowered = await run({ protected: { addresses: ["aws_sns_topic.alert"] }, severity: { "config-protected-unmatched": "warning" } });
    expect(lowered.code).toBe(0);
    expect(lowered.out).toMatch(/^WARNING config-protected-unmatched/m);
    // Another rule's severity is still not the config's to set in the gate.
    const plansOwn = await run({ protected: { addresses: ["aws_sns_topic.alerts"] }, severity: { "plan-protected-delete": "off" } });
    expect(plansOwn.code).toBe(1);
  });

  test("every output format carries the real-type note: text NOTE line, JSON notes, SARIF notification", () => {
    const r = gate({ protected: { types: ["aws_elasticache_cluster"] } });
    expect(renderReport(r, "text")).toMatch(/^NOTE config protected\.types lists "aws_elasticache_cluster"/m);
    expect(JSON.parse(renderReport(r, "json")).notes).toEqual(r.notes);
    const sarif = JSON.parse(renderReport(r, "sarif"));
    expect(sarif.runs[0].invocations[0].toolConfigurationNotifications[0].message.text).toContain("protected.types lists");
  });

  test("control: entries that match (also a resource the plan does not change, a module, a glob) carry no note or finding, and the delete fails", () => {
    const keep = { address: "module.app.aws_sns_topic.alerts", mode: "managed", type: "aws_sns_topic", name: "alerts", values: {} };
    const plan = minimalPlan([cacheDelete], {
      planned_values: { root_module: { child_modules: [{ address: "module.app", resources: [keep] }] } },
      prior_state: { values: { root_module: { child_modules: [{ address: "module.app", resources: [keep] }] } } },
    });
    const r = gate({ protected: { addresses: ["aws_elasticache_replication_group.cache", "module.app", "module.app.aws_sns_topic.alerts"], types: ["aws_elasticache_*", "aws_sns_topic"] } }, plan);
    expect(r.notes).toBeUndefined();
    expect(unmatched(r)).toEqual([]);
    expect(gateFails(r)).toBe(true);
  });

  test("control: an entry with no near match still gets its note, without a near-match clause", () => {
    const [n] = unmatchedProtectedNotes({ protected: { addresses: ["aws_kms_key.gone"] } }, [{ address: "aws_s3_bucket.b", type: "aws_s3_bucket" }], { where: "here" });
    expect(n).toContain('lists "aws_kms_key.gone", which matches no resource here');
    expect(n).not.toContain("Near match");
  });
});

// Red-team round 147, F1: the near matches were searched by scanning every address, and working out an edit distance
// to every name of the type, for each unmatched entry: 20 s for 50 entries against 20,000 buckets.
describe("near matches in a large stack come from an index, and are those a scan finds", () => {
  const buckets = Array.from({ length: 20_000 }, (_, i) => ({ address: `aws_s3_bucket.logs_bucket_${i}`, type: "aws_s3_bucket" }));
  const nearOf = (entry: string, resources = buckets, match?: (p: string, a: string) => boolean): string => {
    const [n] = unmatchedProtectedNotes({ protected: { addresses: [entry] } }, resources, { where: "here", match });
    return /Near match(?:es)?: (.*)\. Correct the entry/.exec(n)?.[1] ?? "";
  };

  test("a slip in the name, the case, the aws_ prefix and another type, wherever the address is in the stack", () => {
    expect(nearOf("aws_s3_bucket.logs_buckt_7")).toBe('"aws_s3_bucket.logs_bucket_7" (a slip of a few letters in the name)');
    expect(nearOf("aws_s3_bucket.logs_buckt_19999")).toBe('"aws_s3_bucket.logs_bucket_19999" (a slip of a few letters in the name)');
    expect(nearOf("AWS_s3_bucket.Logs_bucket_19999")).toBe('"aws_s3_bucket.logs_bucket_19999" (differs in case: Terraform addresses are case-sensitive)');
    expect(nearOf("s3_bucket.logs_bucket_12345")).toBe('"aws_s3_bucket.logs_bucket_12345" (the type needs its aws_ prefix)');
    const withObject = [...buckets, { address: "aws_s3_object.logs_bucket_4", type: "aws_s3_object" }];
    expect(nearOf("aws_s3_object.logs_bucket_5", withObject)).toBe(
      '"aws_s3_bucket.logs_bucket_5" (the same name under another type); "aws_s3_object.logs_bucket_4" (a slip of a few letters in the name)',
    );
  });

  test("in a module, with instance keys, a glob, and check's block matching: what the passes found before", () => {
    const inModule = [
      { address: 'module.app["a"].aws_sns_topic.alerts["x"]', type: "aws_sns_topic" },
      { address: 'module.app["a"].aws_sns_topic.alerts["y"]', type: "aws_sns_topic" },
      { address: 'module.app["b"].aws_sqs_queue.jobs', type: "aws_sqs_queue" },
    ];
    // The slip names the last instance of the block, as before.
    expect(nearOf('module.app["a"].aws_sns_topic.alert', inModule)).toBe('"module.app[\\"a\\"].aws_sns_topic.alerts[\\"y\\"]" (a slip of a few letters in the name)');
    // Check's matching reads an instance entry as its block: both instances differ only in case.
    expect(nearOf('Module.App["a"].aws_sns_topic.alerts["x"]', inModule, blockAddressMatch)).toBe(
      ["x", "y"].map((k) => `"module.app[\\"a\\"].aws_sns_topic.alerts[\\"${k}\\"]" (differs in case: Terraform addresses are case-sensitive)`).join("; "),
    );
    expect(nearOf('Module.App["a"].aws_sns_topic.alerts["x"]', inModule)).toBe('"module.app[\\"a\\"].aws_sns_topic.alerts[\\"x\\"]" (differs in case: Terraform addresses are case-sensitive)');
    expect(nearOf("MODULE.APP", inModule)).toContain('"module.app[\\"a\\"].aws_sns_topic.alerts[\\"x\\"]" (differs in case');
    expect(nearOf("module.app.aws_SQS_*", inModule)).toBe('"module.app[\\"b\\"].aws_sqs_queue.jobs" (differs in case: Terraform addresses are case-sensitive)');
    expect(nearOf('module.app["b"].sqs_queue.jobs', inModule)).toBe('"module.app[\\"b\\"].aws_sqs_queue.jobs" (the type needs its aws_ prefix)');
    expect(nearOf('module.app["b"].aws_sns_topic.jobs', inModule)).toBe('"module.app[\\"b\\"].aws_sqs_queue.jobs" (the same name under another type)');
  });

  test("more candidates than are shown or tried (a module of 20,000): the first three of the stack, in its order", () => {
    const big = buckets.map((b) => ({ ...b, address: `module.logs.${b.address}` }));
    expect(nearOf("Module.Logs", big)).toBe(
      ["0", "1", "2"].map((i) => `"module.logs.aws_s3_bucket.logs_bucket_${i}" (differs in case: Terraform addresses are case-sensitive)`).join("; "),
    );
    expect(nearOf("module.logs.aws_S3_bucket.*", big)).toContain('"module.logs.aws_s3_bucket.logs_bucket_0" (differs in case');
  });

  test("control: an entry near nothing in the large stack has no near-match clause", () => {
    expect(nearOf("aws_s3_bucket.audit_trail")).toBe("");
    expect(nearOf("aws_kms_key.trail_bucket_7")).toBe("");
  });
});

describe("check: protected entries that match no resource of any file checked", () => {
  const stack = (file = "main.tf.json", name?: string) =>
    buildStack(tf({ "aws_docdb_cluster.main": { lifecycle: { prevent_destroy: true } }, "aws_ebs_volume.data": { lifecycle: { prevent_destroy: true } } }), file, name);
  const other = () => buildStack(tf({ "aws_sns_topic.alerts": {} }), "other.tf.json", "other");

  test("a misspelt address and a type the provider lacks are errors with their near matches", () => {
    const r = checkStacks([stack()], { config: { protected: { types: ["docdb_cluster"], addresses: ["aws_ebs_volume.Data"] } }, configSource: "cfg/bw.json" });
    const found = unmatched(r);
    expect(found.map((f) => [f.principal, f.severity])).toEqual([
      ["aws_ebs_volume.Data", "error"],
      ["docdb_cluster", "error"],
    ]);
    expect(found[0].message).toContain('cfg/bw.json lists "aws_ebs_volume.Data" in protected.addresses, but no resource in any file checked has that address');
    expect(found[0].message).toContain("the plan gate would pass a delete or replace of it");
    expect(found[1].message).toContain('"aws_docdb_cluster" (the type needs its aws_ prefix)');
    expect(found[1].file).toBe("cfg/bw.json");
    expect(found.every((f) => r.findings.includes(f as never))).toBe(true);
  });

  test("a type the provider has since removed (aws_simpledb_domain, gone in 6.0.0) is a real type a config may protect", () => {
    const r = checkStacks([stack()], { config: { protected: { types: ["aws_simpledb_domain", "aws_simpledb_domian"] } } });
    expect(unmatched(r).map((f) => f.principal)).toEqual(["aws_simpledb_domian"]);
  });

  test("an entry of another stack in the same run is matched; checked alone, that stack reports it", () => {
    const config = { protected: { addresses: ["aws_sns_topic.alerts"] } };
    expect(unmatched(checkStacks([stack("a/cdk.tf.json", "a"), other()], { config }))).toEqual([]);
    expect(unmatched(checkStacks([stack("a/cdk.tf.json", "a")], { config })).map((f) => f.ruleId)).toEqual(["config-protected-unmatched"]);
  });

  test("a shared config lowers it: warning keeps the finding (and says the override hid errors), off drops it", () => {
    const config = { protected: { addresses: ["aws_sns_topic.alerts"] } };
    const warned = checkStacks([stack()], { config: { ...config, severity: { "config-protected-unmatched": "warning" as const } } });
    expect(unmatched(warned).map((f) => f.severity)).toEqual(["warning"]);
    const lowered = warned.findings.find((f) => f.ruleId === "config-severity-lowered")!;
    expect(lowered.fix).toContain("protected.addresses and protected.types entries");
    const off = checkStacks([stack()], { config: { ...config, severity: { "config-protected-unmatched": "off" as const } } });
    expect(unmatched(off)).toEqual([]);
    expect(off.findings.filter((f) => f.severity === "error" && f.ruleId.startsWith("config-"))).toEqual([]);
  });

  test("one stack of several (the synth-time gate) gets notes, not findings: the entry may be another stack's", () => {
    const r = checkStacks([stack()], { config: { protected: { addresses: ["aws_sns_topic.alerts"] } }, wholeRun: false });
    expect(unmatched(r)).toEqual([]);
    expect(r.notes).toEqual([expect.stringContaining('protected.addresses lists "aws_sns_topic.alerts", which matches no resource in any file checked')]);
  });

  test("a real AWS type no stack has is a note, not a finding", () => {
    const r = checkStacks([stack()], { config: { protected: { types: ["aws_neptune_cluster", "aws_elasticache_*"] } } });
    expect(unmatched(r)).toEqual([]);
    expect(r.notes).toHaveLength(2);
    expect(r.notes![0]).toContain('protected.types lists "aws_neptune_cluster", a resource type of the AWS provider, but no resource of that type is in any file checked');
  });

  test("control: matching entries (an instance entry covers its block) carry no note or finding", () => {
    const r = checkStacks([stack()], { config: { protected: { types: ["aws_docdb_cluster"], addresses: ["aws_ebs_volume.data[0]"] } } });
    expect(r.notes).toBeUndefined();
    expect(unmatched(r)).toEqual([]);
  });
});

// Red-team round 145 (F2): the address `terraform state list` gives for the database of the registry RDS module was a
// config-protected-unmatched error in check, which cannot read the module, while the plan gate matched it.
describe("check: protected entries inside a module check cannot read", () => {
  const RDS = "module.db.module.db_instance.aws_db_instance.this[0]";
  const rdsStack = (file = "main.tf.json") =>
    buildStack(
      tf({ "aws_ebs_volume.data": { lifecycle: { prevent_destroy: true } } }, { module: { db: { source: "terraform-aws-modules/rds/aws", version: "6.10.0", identifier: "orders-prod" } } }),
      file,
    );
  const check = (addresses: string[], wholeRun?: boolean) => checkStacks([rdsStack()], { config: { protected: { addresses } }, configSource: "bw.json", ...(wholeRun === false ? { wholeRun } : {}) });

  test("an address inside a registry module is a note saying the plan gate judges it, not an error", () => {
    const r = check([RDS]);
    expect(unmatched(r)).toEqual([]);
    expect(r.notes).toEqual([
      expect.stringContaining(`config protected.addresses lists "${RDS}", which is an address inside module.db (source terraform-aws-modules/rds/aws): blastwall does not read that module here`),
    ]);
    expect(r.notes![0]).toContain("The plan gate (`blastwall gate plan.json`) sees every resource the module creates and judges the entry there");
    // The module itself is still the unknown-module error it was.
    expect(r.findings.map((f) => f.ruleId)).toContain("unknown-module");
  });

  test("the module's own address, an instance key the call does not write, and a glob into it are notes too", () => {
    const r = check(["module.db", "module.db[0].aws_db_instance.this", "module.db.*", "*.aws_db_instance.this"]);
    expect(unmatched(r)).toEqual([]);
    expect(r.notes).toHaveLength(4);
    expect(r.notes![0]).toContain('lists "module.db", which names module.db');
    expect(r.notes![2]).toContain('lists "module.db.*", which may match addresses inside module.db');
  });

  test("the synth-time gate (one stack) gives the same note", () => {
    const r = check([RDS], false);
    expect(r.notes).toEqual([expect.stringContaining("which is an address inside module.db")]);
  });

  test("control: a module name no stack calls is still an error, naming the unread module a slip away", () => {
    const r = check(["module.dbb.module.db_instance.aws_db_instance.this[0]", "module.cache.aws_elasticache_cluster.c", "aws_db_instance.this", "aws_db_*"]);
    expect(unmatched(r).map((f) => [f.principal, f.severity])).toEqual([
      ["module.dbb.module.db_instance.aws_db_instance.this[0]", "error"],
      ["module.cache.aws_elasticache_cluster.c", "error"],
      ["aws_db_instance.this", "error"],
      ["aws_db_*", "error"],
    ]);
    expect(unmatched(r)[0].message).toContain('Near match: "module.db" (a module blastwall does not read here, a slip of a few letters in its name)');
    expect(unmatched(r)[1].message).not.toContain("Near match");
    expect(r.notes).toBeUndefined();
  });

  test("HCL: a registry module inside a local one is opaque at its full address; the local module's own resources are judged", async () => {
    const folder = dir({
      "main.tf": `module "app" {\n  source   = "./modules/app"\n  for_each = toset(["a"])\n}\n`,
      "modules/app/main.tf": `resource "aws_s3_bucket" "logs" {\n  bucket = "logs"\n}\nmodule "db" {\n  source  = "terraform-aws-modules/rds/aws"\n  version = "6.10.0"\n}\n`,
    });
    const inside = ['module.app["a"].module.db.module.db_instance.aws_db_instance.this[0]', "module.app.module.db.module.db_instance.aws_db_instance.this[0]", 'module.app["a"].module.db'];
    const judged = ["module.app.aws_s3_bucket.log", 'module.app["b"].module.db.aws_db_instance.this', "module.db.aws_db_instance.this"];
    const r = await checkPaths([folder], { config: { protected: { addresses: [...inside, ...judged, "module.app.aws_s3_bucket.logs"] } } });
    expect(r.findings.filter((f) => f.ruleId === "unknown-module").map((f) => f.principal)).toEqual(['module.app["a"].module.db']);
    expect(unmatched(r).map((f) => f.principal)).toEqual(judged);
    expect(r.notes).toHaveLength(inside.length);
    expect(r.notes!.every((n) => n.includes('module.app["a"].module.db (source terraform-aws-modules/rds/aws)'))).toBe(true);
  });

  test("control: a local module read from a JSON stack's folder stays judged (a slip there is an error)", async () => {
    const folder = dir({
      "cdk.tf.json": JSON.stringify({ module: { extra: { source: "./assets/extra" } } }),
      "assets/extra/main.tf": `resource "aws_sns_topic" "alerts" {\n  name = "alerts"\n}\n`,
    });
    const r = await checkPaths([join(folder, "cdk.tf.json")], { config: { protected: { addresses: ["module.extra.aws_sns_topic.alert", "module.extra.aws_sns_topic.alerts"] } } });
    expect(r.findings.map((f) => f.ruleId)).not.toContain("unknown-module");
    expect(unmatched(r).map((f) => f.principal)).toEqual(["module.extra.aws_sns_topic.alert"]);
    expect(r.notes).toBeUndefined();
  });

  test("control: the plan gate still judges the entry (matched when the plan has it, an error when not)", () => {
    const db = change(RDS, ["no-op"], { identifier: "orders-prod" }, { identifier: "orders-prod" });
    expect(unmatched(gate({ protected: { addresses: [RDS] } }, minimalPlan([db])))).toEqual([]);
    expect(unmatched(gate({ protected: { addresses: [RDS] } })).map((f) => f.severity)).toEqual(["error"]);
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

describe("policies/aws-resource-types.json", () => {
  test("is what `npm run gen` writes from the installed @cdktf/provider-aws (else run it), resource types only", () => {
    const committed = readFileSync(join(__dirname, "..", "..", "policies", "aws-resource-types.json"), "utf8");
    const table = buildAwsResourceTypeTable();
    expect(serializeAwsResourceTypeTable(table) === committed).toBe(true);
    // The types `protected` is about are in it; data-source-only names are not.
    expect(table.types).toEqual(expect.arrayContaining(["aws_docdb_cluster", "aws_neptune_cluster", "aws_redshift_cluster", "aws_sns_topic"]));
    expect(table.types).not.toContain("aws_caller_identity");
  });
});
