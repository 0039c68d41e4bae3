import { loadCatalogue } from "../../lib/engine/catalogue";
import type { Finding } from "../../lib/engine/findings";
import { agentRole, check, errors, policy, tf } from "../helpers/tf";

/** An agent role holding one inline statement that allows `actions` on every resource. */
const agentWith = (actions: string | string[]) =>
  tf({ "aws_iam_role.agent": agentRole({ inline_policy: { name: "ops", policy: policy({ Sid: "Ops", Effect: "Allow", Action: actions, Resource: "*" }) } }) });

const destroyFindings = (actions: string | string[]): Finding[] => check(agentWith(actions)).findings.filter((f) => f.ruleId === "agent-destroy-right");

describe("catalogue additions: Neptune data-plane wipes", () => {
  test("an agent holding neptune-db:ResetDatabase fails agent-destroy-right", () => {
    const found = errors(check(agentWith("neptune-db:ResetDatabase")), "agent-destroy-right");
    expect(found).toHaveLength(1);
    expect(found[0].principal).toBe("aws_iam_role.agent");
    expect(found[0].actions).toContain("neptune-db:ResetDatabase");
  });

  test("an agent holding neptune-db:* fails agent-destroy-right, reset and delete queries named", () => {
    const found = errors(check(agentWith("neptune-db:*")), "agent-destroy-right");
    expect(found.length).toBeGreaterThan(0);
    const actions = found.flatMap((f) => f.actions);
    expect(actions).toEqual(expect.arrayContaining(["neptune-db:ResetDatabase", "neptune-db:DeleteDataViaQuery"]));
  });

  test("an agent holding only neptune-db:ReadDataViaQuery gets no agent-destroy-right finding", () => {
    expect(destroyFindings("neptune-db:ReadDataViaQuery")).toEqual([]);
    expect(errors(check(agentWith(["neptune-db:ReadDataViaQuery", "neptune-db:GetQueryStatus"])))).toEqual([]);
  });

  test("neptune-db:WriteDataViaQuery alone is not a destroy right (deletes need DeleteDataViaQuery)", () => {
    expect(destroyFindings("neptune-db:WriteDataViaQuery")).toEqual([]);
  });

  test("Neptune Analytics reset and delete queries fail too", () => {
    for (const action of ["neptune-graph:ResetGraph", "neptune-graph:DeleteDataViaQuery"]) {
      expect(errors(check(agentWith(action)), "agent-destroy-right").flatMap((f) => f.actions)).toContain(action);
    }
  });
});

describe("catalogue additions: warnings stay warnings", () => {
  test("es:ESHttpPost (searches and _delete_by_query alike) is a warning, not an error", () => {
    const found = destroyFindings("es:ESHttpPost");
    expect(found.map((f) => f.severity)).toEqual(["warning"]);
    expect(found[0].actions).toContain("es:ESHttpPost");
  });

  test("es:ESHttp* still errors through es:ESHttpDelete", () => {
    const found = errors(check(agentWith("es:ESHttp*")), "agent-destroy-right");
    expect(found.flatMap((f) => f.actions)).toContain("es:ESHttpDelete");
  });

  test("DAX item deletes, which write through with the cluster's role, are errors", () => {
    expect(errors(check(agentWith("dax:DeleteItem")), "agent-destroy-right")).toHaveLength(1);
  });
});

describe("catalogue additions: categories and severities", () => {
  const expected: [string, string, "error" | "warning"][] = [
    ["neptune-db:ResetDatabase", "direct", "error"],
    ["neptune-db:DeleteDataViaQuery", "direct", "error"],
    ["neptune-db:connect", "direct", "warning"],
    ["neptune-graph:ResetGraph", "direct", "error"],
    ["neptune-graph:DeleteDataViaQuery", "direct", "error"],
    ["es:ESHttpPost", "direct", "warning"],
    ["es:ESHttpPut", "direct", "warning"],
    ["es:DeleteElasticsearchDomain", "direct", "error"],
    ["aoss:DeleteIndex", "direct", "error"],
    ["aoss:DashboardsAccessAll", "direct", "warning"],
    ["dax:DeleteItem", "direct", "error"],
    ["dax:BatchWriteItem", "direct", "error"],
    ["cassandra:DropMultiRegionResource", "direct", "error"],
    ["storagegateway:DeleteTapeArchive", "direct", "error"],
    ["timestream-influxdb:DeleteDbCluster", "direct", "error"],
    ["cassandra:Alter", "protection", "warning"],
    ["elasticache:ModifyCacheCluster", "protection", "warning"],
    ["redshift:ModifyClusterSnapshot", "protection", "error"],
    ["s3express:PutLifecycleConfiguration", "protection", "error"],
    ["cloudtrail:StopEventDataStoreIngestion", "protection", "error"],
    ["kafka-cluster:AlterTopicDynamicConfiguration", "protection", "error"],
    ["s3express:PutBucketPolicy", "escalation", "error"],
    ["es:UpdateElasticsearchDomainConfig", "escalation", "warning"],
  ];

  test.each(expected)("%s is %s with severity %s", (action, category, severity) => {
    expect(loadCatalogue().byAction.get(action.toLowerCase())).toMatchObject({ action, category, severity });
  });

  // Red-team round 52: stores and backups of newer services, and actions whose damage matched an error elsewhere.
  const round52: [string, string, "error" | "warning"][] = [
    ["cloudsearch:DeleteDomain", "direct", "error"],
    ["kafka:DeleteTopic", "direct", "error"],
    ["es:DeleteIndex", "direct", "error"],
    ["aps:DeleteWorkspace", "direct", "error"],
    ["timestream-influxdb:DeleteDbBackup", "direct", "error"],
    ["timestream-influxdb:RestoreFromDbBackup", "direct", "error"],
    ["drs:StopReplication", "direct", "error"],
    ["drs:DisconnectSourceServer", "direct", "error"],
    ["healthlake:DeleteResource", "direct", "error"],
    ["sagemaker:DeleteFeatureGroup", "direct", "error"],
    ["sagemaker:DeleteRecord", "direct", "error"],
    ["bedrock-agentcore:DeleteMemory", "direct", "error"],
    ["bedrock-agentcore:BatchDeleteMemoryRecords", "direct", "error"],
    ["finspace:DeleteKxDatabase", "direct", "error"],
    ["route53domains:DeleteDomain", "direct", "error"],
    ["ses:DeleteArchive", "direct", "error"],
    ["omics:DeleteReferenceStore", "direct", "error"],
    ["workmail:DeleteUser", "direct", "error"],
    ["events:DeleteArchive", "direct", "warning"],
    ["s3vectors:PutVectors", "direct", "warning"],
    ["logs:DeleteLogStream", "direct", "error"],
    ["cassandra:Modify", "direct", "error"],
    ["logs:PutRetentionPolicy", "protection", "error"],
    ["redshift:ModifyCluster", "protection", "error"],
    ["timestream:UpdateTable", "protection", "error"],
    ["elasticfilesystem:UpdateFileSystemProtection", "protection", "error"],
    ["s3tables:PutTableBucketMaintenanceConfiguration", "protection", "warning"],
    // Round 53: more of the same services, and retention settings rated as the log ones are.
    ["cloudsearch:document", "direct", "error"],
    ["workmail:DeregisterFromWorkMail", "direct", "error"],
    ["finspace:CreateKxChangeset", "direct", "warning"],
    ["aps:UpdateWorkspaceConfiguration", "protection", "error"],
    ["kafka:UpdateTopic", "protection", "error"],
    ["kafka-cluster:AlterClusterDynamicConfiguration", "protection", "error"],
    ["drs:UpdateReplicationConfiguration", "protection", "error"],
    ["events:UpdateArchive", "protection", "warning"],
    ["aoss:CreateLifecyclePolicy", "protection", "error"],
  ];
  test.each(round52)("%s is %s with severity %s (round 52)", (action, category, severity) => {
    expect(loadCatalogue().byAction.get(action.toLowerCase())).toMatchObject({ action, category, severity });
  });

  test("candidates rejected on review stay out of the universe", () => {
    const cat = loadCatalogue();
    for (const action of ["neptune-db:WriteDataViaQuery", "neptune-db:ReadDataViaQuery", "es:ESHttpPatch", "ebs:PutSnapshotBlock", "dax:DeleteCluster"]) {
      expect([action, cat.categoryOf(action)]).toEqual([action, undefined]);
    }
  });
});

describe("catalogue additions: audit, detection and identity stores (red-team round 57)", () => {
  const round57: [string, string, "error" | "warning"][] = [
    ["config:PutRetentionConfiguration", "protection", "warning"],
    ["detective:DeleteGraph", "protection", "error"],
    ["macie2:DisableMacie", "protection", "error"],
    ["securitylake:DeleteDataLake", "protection", "error"],
    ["securitylake:UpdateDataLake", "protection", "error"],
    ["connect:DeleteInstance", "direct", "error"],
    ["geo:DeleteGeofenceCollection", "direct", "error"],
    ["geo:BatchDeleteGeofence", "direct", "error"],
    ["geo:DeleteTracker", "direct", "warning"],
    ["geo:BatchDeleteDevicePositionHistory", "direct", "warning"],
    ["cognito-identity:DeleteIdentities", "direct", "warning"],
    ["cognito-identity:DeleteIdentityPool", "direct", "warning"],
  ];
  test.each(round57)("%s is %s with severity %s", (action, category, severity) => {
    expect(loadCatalogue().byAction.get(action.toLowerCase())).toMatchObject({ action, category, severity });
  });

  test("an agent holding them is reported, each one named", () => {
    const actions = round57.map(([a]) => a);
    const found = check(agentWith(actions)).findings.filter((f) => f.ruleId.startsWith("agent-")).flatMap((f) => f.actions);
    expect(found).toEqual(expect.arrayContaining(actions));
  });

  test("deleting AWS Config's retention configuration (back to seven years) stays out of the universe", () => {
    expect(loadCatalogue().categoryOf("config:DeleteRetentionConfiguration")).toBeUndefined();
  });
});

describe("organisation actions that lift SCPs (red-team)", () => {
  test.each(["organizations:MoveAccount", "organizations:DisableAWSServiceAccess"])("%s is a protection-removal error", (action) => {
    expect(errors(check(agentWith(action)), "agent-protection-removal").flatMap((f) => f.actions)).toEqual([action]);
  });
});
