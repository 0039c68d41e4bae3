/**
 * Destroy paths the red-team round 13 found uncatalogued: restores and rewinds in place, password resets that hand
 * over a data plane, DMS tasks that drop their target tables, Service Catalog launch roles, Flink code swaps and S3
 * Batch Operations jobs.
 */
import { agentRole, check, errors, policy, tf } from "../helpers/tf";
import { loadCatalogue } from "../../lib/engine/catalogue";

type Obj = Record<string, unknown>;
const agentCan = (action: string | string[], resource: string, more: Obj[] = []) => ({
  "aws_iam_role.agent": agentRole(),
  "aws_iam_role_policy.agent": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: action, Resource: resource }, ...more) },
});
const direct = (action: string) => check(tf(agentCan(action, "*"))).findings.filter((f) => f.ruleId === "agent-destroy-right");

describe("catalogue 1.8.0: destroying in place", () => {
  test.each(["redshift-serverless:RestoreFromSnapshot", "redshift-serverless:RestoreFromRecoveryPoint", "fsx:CopySnapshotAndUpdateVolume", "rds:BacktrackDBCluster", "dms:ModifyReplicationTask"])("%s is an error", (action) => {
    const [f] = direct(action);
    expect(f).toMatchObject({ severity: "error", actions: [action] });
  });

  test.each(["memorydb:UpdateUser", "elasticache:ModifyUser", "elasticfilesystem:CreateReplicationConfiguration", "fsx:UpdateStorageVirtualMachine", "dms:StartReplicationTask", "servicecatalog:TerminateProvisionedProduct", "servicecatalog:UpdateProvisionedProduct"])("%s is a warning", (action) => {
    const [f] = direct(action);
    expect(f).toMatchObject({ severity: "warning", actions: [action] });
  });

  test("the control: describing them is nothing", () => {
    expect(direct("dms:DescribeReplicationTasks")).toEqual([]);
  });
});

const strongRole = (name: string, service: string) => ({
  [`aws_iam_role.${name}`]: { name, assume_role_policy: policy({ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }) },
  [`aws_iam_role_policy_attachment.${name}`]: { role: `\${aws_iam_role.${name}.name}`, policy_arn: "arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess" },
});
const reached = (json: Obj) => errors(check(json), "agent-transitive-destroy").map((f) => f.resource);

describe("Managed Service for Apache Flink", () => {
  const app = { ...strongRole("flink", "kinesisanalytics.amazonaws.com"), "aws_kinesisanalyticsv2_application.orders": { name: "orders", runtime_environment: "FLINK-1_18", service_execution_role: "${aws_iam_role.flink.arn}" } };
  test("kinesisanalytics:UpdateApplication runs new code as the application's role", () => {
    expect(reached(tf({ ...agentCan("kinesisanalytics:UpdateApplication", "${aws_kinesisanalyticsv2_application.orders.arn}"), ...app }))).toEqual(["aws_iam_role.flink"]);
  });
  test("on applications outside the stack, as roles blastwall cannot see", () => {
    expect(errors(check(tf({ ...agentCan("kinesisanalytics:UpdateApplication", "*") })), "agent-reach-unknown")).toHaveLength(1);
  });
  test("the control: describing the application", () => {
    expect(reached(tf({ ...agentCan("kinesisanalytics:DescribeApplication", "*"), ...app }))).toEqual([]);
  });
});

describe("S3 Batch Operations", () => {
  const role = strongRole("batch", "batchoperations.s3.amazonaws.com");
  test("iam:PassRole + s3:CreateJob runs a job as the role", () => {
    expect(reached(tf({ ...agentCan("s3:CreateJob", "*", [{ Effect: "Allow", Action: "iam:PassRole", Resource: "${aws_iam_role.batch.arn}" }]), ...role }))).toEqual(["aws_iam_role.batch"]);
  });
  test("the control: passing the role without starting a job", () => {
    expect(reached(tf({ ...agentCan("s3:GetObject", "*", [{ Effect: "Allow", Action: "iam:PassRole", Resource: "${aws_iam_role.batch.arn}" }]), ...role }))).toEqual([]);
  });
});

describe("catalogue 1.9.0: DataSync deletes at its destination", () => {
  test.each(["datasync:StartTaskExecution", "datasync:UpdateTask", "datasync:CreateTask"])("%s is a warning", (action) => {
    expect(direct(action)).toMatchObject([{ severity: "warning", actions: [action] }]);
  });
  test("the control: listing tasks", () => {
    expect(direct("datasync:ListTasks")).toEqual([]);
  });
});

describe("catalogue 1.10.0: SageMaker, EKS, Cloud9 and WorkSpaces storage (red-team round 19)", () => {
  test("sagemaker:DeleteNotebookInstance is an error: its ML storage volume goes with it", () => {
    expect(direct("sagemaker:DeleteNotebookInstance")).toMatchObject([{ severity: "error" }]);
  });
  test.each(["sagemaker:DeleteDomain", "eks:DeleteCluster", "eks:DeleteNodegroup", "eks:UpdateNodegroupConfig", "cloud9:DeleteEnvironment", "workspaces:RebuildWorkspaces"])("%s is a warning", (action) => {
    expect(direct(action)).toMatchObject([{ severity: "warning", actions: [action] }]);
  });
});

describe("catalogue 1.11.0: more ways to destroy or unprotect data (red-team round 42)", () => {
  test.each([
    "lightsail:DeleteAutoSnapshot",
    "dms:CreateReplicationTask",
    "dms:CreateReplicationConfig",
    "dms:ModifyReplicationConfig",
    "ds:RestoreFromSnapshot",
    "kinesisvideo:DeleteStream",
    "mediastore:DeleteObject",
    "omics:DeleteVariantStore",
    "omics:DeleteAnnotationStore",
    "omics:DeleteSequenceStore",
    "workmail:DeleteOrganization",
  ])("%s is an error", (action) => {
    expect(direct(action)).toMatchObject([{ severity: "error", actions: [action] }]);
  });
  test.each(["dms:StartReplication", "workspaces:RestoreWorkspace", "sagemaker:DeleteSpace", "mediastore:DeleteContainer"])("%s is a warning", (action) => {
    expect(direct(action)).toMatchObject([{ severity: "warning", actions: [action] }]);
  });
  test("an admin password reset or backups turned off removes the protection around the data", () => {
    const cat = loadCatalogue();
    for (const a of ["redshift-serverless:UpdateNamespace", "lightsail:UpdateRelationalDatabase", "kinesisvideo:UpdateDataRetention"]) expect(cat.categoryOf(a)).toBe("protection");
  });
  test("the control: reading them", () => {
    expect(direct("mediastore:GetObject")).toEqual([]);
  });
});
