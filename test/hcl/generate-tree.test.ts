import { mkdtempSync, readdirSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { generateHclTree } from "../../lib/hcl/generate-tree";
import { loadHcl } from "../../lib/hcl/load-hcl";

test("generateHclTree writes a tree that loads into the announced number of resources", async () => {
  const dir = mkdtempSync(join(tmpdir(), "blastwall-hcl-tree-"));
  const g = generateHclTree(dir, { resources: 600, perFile: 100 });
  expect(readdirSync(join(dir, "modules", "team"))).toEqual(["main.tf", "storage", "variables.tf"]);
  const load = await loadHcl(dir);
  const stack = load.stack;
  expect(stack.resources.length).toBe(g.resources);
  expect(Math.abs(g.resources - 600)).toBeLessThan(40);
  const iam = stack.resources.filter((r) => r.type.startsWith("aws_iam_")).length;
  expect(iam).toBe(g.iamResources);
  expect(iam / g.resources).toBeGreaterThan(0.15);
  expect(iam / g.resources).toBeLessThan(0.25);
  const agents = stack.resources.filter((r) => r.type === "aws_iam_role" && (r.values["tags"] as Record<string, string> | undefined)?.["blastwall:agent"] === "true");
  expect(agents.length).toBe(g.agents);
  expect(load.files.length).toBe(g.files);
  expect(load.unknownModules).toEqual([]);
  // Everything the generator writes is literal except references between resources.
  expect(load.unresolved.filter((u) => !u.reference)).toEqual([]);
  expect(stack.byAddress.get('module.team["team0000"].module.storage.aws_dynamodb_table.table[5]')?.location).toBe(
    "modules/team/storage/main.tf:22",
  );
});

test("generateHclTree is deterministic", () => {
  const a = generateHclTree(mkdtempSync(join(tmpdir(), "blastwall-hcl-tree-")), { resources: 300 });
  const b = generateHclTree(mkdtempSync(join(tmpdir(), "blastwall-hcl-tree-")), { resources: 300 });
  expect({ ...a, dir: "" }).toEqual({ ...b, dir: "" });
});
