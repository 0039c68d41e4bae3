/**
 * docs/plan-gate.md lists the types the gate protects and how many Cloud Control types stand for them: a number that
 * drifted once (red-team round 171a, F7: it said 82 when the gate protected 114). Kept in step with lib/plan/protected.ts.
 */
import { readFileSync } from "fs";
import { join } from "path";
import { PROTECTED_TYPES } from "../../lib/plan/protected";

const doc = readFileSync(join(__dirname, "..", "..", "docs", "plan-gate.md"), "utf8");

test("the Cloud Control count in docs/plan-gate.md is the number of awscc types the gate protects", () => {
  const awscc = [...PROTECTED_TYPES.keys()].filter((t) => t.startsWith("awscc_")).length;
  expect(doc).toContain(`... ${awscc} types, named`);
});

test("docs/plan-gate.md names the aws types 0.9.0 protects", () => {
  for (const t of ["aws_detective_graph", "aws_macie2_account", "aws_kendra_index", "aws_cognito_identity_pool", "aws_connect_instance", "aws_location_geofence_collection"]) {
    expect([t, PROTECTED_TYPES.has(t), doc.includes(`\`${t}\``)]).toEqual([t, true, true]);
  }
});

test("docs/plan-gate.md names the types the gate-types review added", () => {
  for (const t of ["aws_simpledb_domain", "aws_odb_cloud_vm_cluster", "aws_odb_cloud_autonomous_vm_cluster", "aws_quicksight_account_subscription", "aws_cloud9_environment_ec2", "awscc_iotsitewise_asset"]) {
    expect([t, PROTECTED_TYPES.has(t), doc.includes(`\`${t}\``)]).toEqual([t, true, true]);
  }
});
