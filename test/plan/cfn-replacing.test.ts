/**
 * Which template edits make CloudFormation replace (delete) a data store, from the CloudFormation resource schemas:
 * the generated table is current, and the rule reads it for types it has no hand-kept list for.
 */
import { readFileSync } from "fs";
import { join } from "path";
import { buildCfnReplacingTable, cfnReplacingText } from "../../scripts/generate-cfn-replacing";
import { specReplacing } from "../../lib/plan/cfn-replacing";
import { REPLACING, REPLACING_BEYOND_SCHEMA } from "../../lib/plan/cfn-tables";
import { evaluatePlan } from "../../lib/plan/evaluate";
import { readPlan } from "../../lib/plan/read-plan";
import { change, minimalPlan, tempDir, writeTemp } from "./helpers";

type Obj = Record<string, unknown>;

const judged = (changes: Obj[]) => evaluatePlan(readPlan(writeTemp(tempDir(), "plan.json", JSON.stringify(minimalPlan(changes)))), { config: {} }).judged.map((j) => j.finding);
const tpl = (resources: Obj) => JSON.stringify({ Resources: resources });
const stack = (before: Obj, after: Obj) => change("aws_cloudformation_stack.data", ["update"], { name: "data", template_body: tpl(before) }, { name: "data", template_body: tpl(after) });

test("the committed table is what the generator makes from the installed schemas (run `node dist/scripts/generate-cfn-replacing.js`)", () => {
  const committed = readFileSync(join(__dirname, "..", "..", "policies", "cfn-replacing-properties.json"), "utf8");
  expect(committed).toBe(cfnReplacingText(buildCfnReplacingTable()));
});

test("the table knows create-only properties the names alone do not show", () => {
  expect(specReplacing("AWS::FSx::FileSystem")?.always).toEqual(expect.arrayContaining(["SubnetIds", "FileSystemType", "KmsKeyId"]));
  expect(specReplacing("AWS::RDS::GlobalCluster")?.always).toEqual(expect.arrayContaining(["StorageEncrypted", "Engine"]));
  expect(specReplacing("AWS::S3::Bucket")?.always).toContain("BucketName");
  expect(specReplacing("Acme::Orders::Table")).toBeUndefined();
});

describe("a data type without a hand-kept list", () => {
  const fsx = (subnet: string, tags = "a") => ({ Files: { Type: "AWS::FSx::FileSystem", Properties: { FileSystemType: "LUSTRE", SubnetIds: [subnet], StorageCapacity: 1200, Tags: [{ Key: "team", Value: tags }] } } });

  test("moving an FSx file system to another subnet replaces it: blocked", () => {
    const [f] = judged([stack(fsx("subnet-1"), fsx("subnet-2"))]);
    expect(f.message).toContain("Files (AWS::FSx::FileSystem) changes SubnetIds, which makes CloudFormation replace it");
  });

  test("the control: resizing it or changing a tag is an update in place", () => {
    const bigger = fsx("subnet-1");
    (bigger.Files.Properties as Obj).StorageCapacity = 2400;
    expect(judged([stack(fsx("subnet-1"), bigger)])).toEqual([]);
    expect(judged([stack(fsx("subnet-1"), fsx("subnet-1", "b"))])).toEqual([]);
  });

  test("a global database cluster's encryption setting replaces it, though no name changes", () => {
    const global = (encrypted: boolean) => ({ Global: { Type: "AWS::RDS::GlobalCluster", Properties: { GlobalClusterIdentifier: "orders", StorageEncrypted: encrypted } } });
    expect(judged([stack(global(false), global(true))]).map((f) => f.ruleId)).toEqual(["plan-stack-template-drops-data"]);
  });
});

describe("create-only parts of a property (red-team round 58)", () => {
  const windows = (config: Obj) => ({ Files: { Type: "AWS::FSx::FileSystem", Properties: { FileSystemType: "WINDOWS", SubnetIds: ["subnet-1"], WindowsConfiguration: config } } });
  const base = { DeploymentType: "SINGLE_AZ_2", ThroughputCapacity: 32 };

  test("the table names them by path", () => {
    expect(specReplacing("AWS::FSx::FileSystem")?.always).toContain("WindowsConfiguration.DeploymentType");
    expect(specReplacing("AWS::MSK::Cluster")?.always).toContain("BrokerNodeGroupInfo.ClientSubnets");
  });

  test("changing an FSx Windows file system's deployment type replaces it: blocked, and the finding names the part", () => {
    const [f] = judged([stack(windows(base), windows({ ...base, DeploymentType: "MULTI_AZ_1" }))]);
    expect(f.message).toContain("changes WindowsConfiguration.DeploymentType, which makes CloudFormation replace it");
  });

  test("the control: a part that updates in place (throughput) passes", () => {
    expect(judged([stack(windows(base), windows({ ...base, ThroughputCapacity: 64 }))])).toEqual([]);
  });

  test("a part behind an intrinsic function is compared whole", () => {
    const chosen = (t: number) => windows({ "Fn::If": ["Big", { ...base, ThroughputCapacity: t }, base] });
    expect(judged([stack(chosen(32), chosen(64))]).map((f) => f.ruleId)).toEqual(["plan-stack-template-drops-data"]);
  });
});

describe("the hand-kept replacing properties agree with the schemas (red-team round 60)", () => {
  test("each is in the schema table, always or conditionally replacing, or in the written allow-list with its reason", () => {
    const unexplained: string[] = [];
    for (const [type, props] of Object.entries(REPLACING)) {
      const spec = specReplacing(type);
      for (const p of props) {
        const inSchema = spec !== undefined && (spec.always.includes(p) || spec.sometimes.includes(p));
        const reason = REPLACING_BEYOND_SCHEMA[type]?.[p];
        if (!inSchema && !(typeof reason === "string" && reason.length > 20)) unexplained.push(`${type}.${p}`);
      }
    }
    expect(unexplained).toEqual([]);
  });

  test("the allow-list names only properties the schema does not (a stale entry would hide a mistake)", () => {
    const stale = Object.entries(REPLACING_BEYOND_SCHEMA).flatMap(([type, props]) =>
      Object.keys(props).filter((p) => !REPLACING[type]?.includes(p) || specReplacing(type)?.always.includes(p) || specReplacing(type)?.sometimes.includes(p)).map((p) => `${type}.${p}`),
    );
    expect(stale).toEqual([]);
  });

  const redshift = (props: Obj) => ({ Dw: { Type: "AWS::Redshift::Cluster", Properties: { ClusterIdentifier: "dw", ClusterType: "multi-node", NodeType: "ra3.xlplus", DBName: "dw", MasterUsername: "admin", ...props } } });

  test("encrypting a Redshift cluster in a template is an update in place (ModifyCluster): it passes", () => {
    const key = "arn:aws:kms:us-east-1:111111111111:key/11111111-2222-3333-4444-555555555555";
    expect(judged([stack(redshift({ Encrypted: false }), redshift({ Encrypted: true, KmsKeyId: key }))])).toEqual([]);
  });

  test("the control: renaming the cluster still replaces it, and is blocked", () => {
    const [f] = judged([stack(redshift({}), redshift({ ClusterIdentifier: "dw2" }))]);
    expect(f.message).toContain("Dw (AWS::Redshift::Cluster) changes ClusterIdentifier, which makes CloudFormation replace it");
  });
});
