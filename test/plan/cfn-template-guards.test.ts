/**
 * Protection written in a CloudFormation template and weakened in place (red-team round 59): the plan shows only the
 * new template, so the template's own deletion protection, backup retention, versioning and expiry are compared.
 */
import { evaluatePlan } from "../../lib/plan/evaluate";
import { readPlan } from "../../lib/plan/read-plan";
import { change, minimalPlan, tempDir, writeTemp } from "./helpers";

type Obj = Record<string, unknown>;

const findings = (changes: Obj[]) => evaluatePlan(readPlan(writeTemp(tempDir(), "plan.json", JSON.stringify(minimalPlan(changes)))), { config: {} }).judged.map((j) => j.finding);
const one = (type: string, before: Obj, after: Obj) => {
  const tpl = (p: Obj) => JSON.stringify({ Resources: { Data: { Type: type, DeletionPolicy: "Retain", UpdateReplacePolicy: "Retain", Properties: p } } });
  return findings([change("aws_cloudformation_stack.data", ["update"], { name: "data", template_body: tpl(before) }, { name: "data", template_body: tpl(after) })]).map((f) => f.message);
};

describe.each([
  ["AWS::RDS::DBInstance", { BackupRetentionPeriod: 7 }, { BackupRetentionPeriod: 0 }, { BackupRetentionPeriod: 14 }, "BackupRetentionPeriod 7 → 0: lowered"],
  ["AWS::RDS::DBCluster", { DeletionProtection: true }, { DeletionProtection: false }, { DeletionProtection: true, Port: 5432 }, "DeletionProtection true → false: the protection is switched off"],
  ["AWS::DynamoDB::Table", { PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }, {}, { PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true }, BillingMode: "PAY_PER_REQUEST" }, "PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled true → (none): the protection is switched off"],
  ["AWS::DynamoDB::Table", {}, { TimeToLiveSpecification: { AttributeName: "ttl", Enabled: true } }, { StreamSpecification: { StreamViewType: "NEW_IMAGE" } }, "it now deletes data on its own"],
  ["AWS::S3::Bucket", { VersioningConfiguration: { Status: "Enabled" } }, { VersioningConfiguration: { Status: "Suspended" } }, { VersioningConfiguration: { Status: "Enabled" }, Tags: [{ Key: "a", Value: "b" }] }, "VersioningConfiguration.Status \"Enabled\" → \"Suspended\": switched off"],
  ["AWS::S3::Bucket", { LifecycleConfiguration: { Rules: [{ Id: "ia", Status: "Enabled", Transitions: [{ TransitionInDays: 30, StorageClass: "STANDARD_IA" }] }] } }, { LifecycleConfiguration: { Rules: [{ Id: "ia", Status: "Enabled", ExpirationInDays: 1 }] } }, { LifecycleConfiguration: { Rules: [{ Id: "ia", Status: "Enabled", Transitions: [{ TransitionInDays: 60, StorageClass: "STANDARD_IA" }] }] } }, "a new or changed rule expires objects or versions"],
  ["AWS::Logs::LogGroup", {}, { RetentionInDays: 30 }, { Tags: [{ Key: "team", Value: "data" }] }, "RetentionInDays (none) → 30: lowered"],
  ["AWS::Logs::LogGroup", { RetentionInDays: 30 }, { RetentionInDays: 7 }, { RetentionInDays: 60 }, "RetentionInDays 30 → 7: lowered"],
  ["AWS::RDS::DBInstance", { BackupRetentionPeriod: { Ref: "Days" } }, { BackupRetentionPeriod: { Ref: "Other" } }, { BackupRetentionPeriod: { Ref: "Days" }, MultiAZ: true }, "computed in the template"],
])("%s", (type, before, weakened, routine, says) => {
  test(`weakened in place blocks: ${says}`, () => {
    const [m] = one(type, before, weakened);
    expect(m).toContain(says);
  });
  test("the control: a routine edit passes", () => {
    expect(one(type, before, routine)).toEqual([]);
  });
});
