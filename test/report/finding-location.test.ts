/**
 * Where a finding is, for the text and SARIF reports: its file joined with the location of its evidence. A location is
 * relative to the folder read, which for a single file (a cdk.tf.json, a .tf.json) is that file's folder: joined to
 * the file itself it named `cdk.tf.json/cdk.tf.json` (red-team round 86).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { findingLocation } from "../../lib/report/summarize";
import type { Finding } from "../../lib/engine/findings";

const finding = (file: string, location: string): Finding =>
  ({ ruleId: "r", severity: "error", principal: "aws_iam_role.a", resource: "aws_iam_role.a", actions: [], message: "", fix: "", file, evidence: [{ step: "principal", address: "aws_iam_role.a", detail: "", location }] }) as unknown as Finding;

test("a stack read from one file: its own location is the file, and a module's is beside it", () => {
  const root = mkdtempSync(join(tmpdir(), "blastwall-loc-"));
  const stackDir = join(root, "cdktf.out", "stacks", "app");
  mkdirSync(stackDir, { recursive: true });
  const file = join(stackDir, "cdk.tf.json");
  writeFileSync(file, "{}");
  expect(findingLocation(finding(file, "cdk.tf.json:12"))).toEqual({ path: file, line: 12 });
  expect(findingLocation(finding(file, "../../../modules/iam/main.tf:3"))).toEqual({ path: join(root, "modules", "iam", "main.tf"), line: 3 });
});

test("a stack not written yet (synth) is the file its own location names", () => {
  expect(findingLocation(finding("cdktf.out/stacks/app/cdk.tf.json", "cdk.tf.json:12"))).toEqual({ path: "cdktf.out/stacks/app/cdk.tf.json", line: 12 });
});

test("an HCL folder, even one named like a JSON file, is the folder its locations are in", () => {
  const root = mkdtempSync(join(tmpdir(), "blastwall-loc-"));
  const folder = join(root, "infra.json");
  mkdirSync(folder);
  expect(findingLocation(finding(folder, "main.tf:4"))).toEqual({ path: join(folder, "main.tf"), line: 4 });
  expect(findingLocation(finding("", "mods/admin/main.tf:2"))).toEqual({ path: "mods/admin/main.tf", line: 2 });
});
