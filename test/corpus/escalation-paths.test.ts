/**
 * The public escalation-path corpus (pathfinding.cloud, 65 paths; ids and required permissions are facts,
 * listed here so the test needs no ../shared) as a checklist: an agent holding exactly the permissions a path
 * needs, on every resource, must be rejected by the gate. docs/escalation-paths.md says which edge of the reach
 * graph models each path and where its in-stack test lives.
 */
import { agentRole, check, errors, policy, tf } from "../helpers/tf";

const PATHS: readonly [id: string, category: string, permissions: readonly string[]][] = [
  ["apprunner-001", "new-passrole", ["iam:PassRole", "apprunner:CreateService"]],
  ["apprunner-002", "existing-passrole", ["apprunner:UpdateService"]],
  ["bedrock-001", "new-passrole", ["iam:PassRole", "bedrock-agentcore:CreateCodeInterpreter", "bedrock-agentcore:StartCodeInterpreterSession", "bedrock-agentcore:InvokeCodeInterpreter"]],
  ["bedrock-002", "existing-passrole", ["bedrock-agentcore:StartCodeInterpreterSession", "bedrock-agentcore:InvokeCodeInterpreter"]],
  ["cloudformation-001", "new-passrole", ["iam:PassRole", "cloudformation:CreateStack"]],
  ["cloudformation-002", "existing-passrole", ["cloudformation:UpdateStack"]],
  ["cloudformation-003", "new-passrole", ["iam:PassRole", "cloudformation:CreateStackSet", "cloudformation:CreateStackInstances"]],
  ["cloudformation-004", "new-passrole", ["iam:PassRole", "cloudformation:UpdateStackSet"]],
  ["cloudformation-005", "new-passrole", ["cloudformation:CreateChangeSet", "cloudformation:ExecuteChangeSet"]],
  ["codebuild-001", "new-passrole", ["iam:PassRole", "codebuild:CreateProject", "codebuild:StartBuild"]],
  ["codebuild-002", "existing-passrole", ["codebuild:StartBuild"]],
  ["codebuild-003", "existing-passrole", ["codebuild:StartBuildBatch"]],
  ["codebuild-004", "new-passrole", ["iam:PassRole", "codebuild:CreateProject", "codebuild:StartBuildBatch"]],
  ["datapipeline-001", "new-passrole", ["iam:PassRole", "datapipeline:CreatePipeline", "datapipeline:PutPipelineDefinition", "datapipeline:ActivatePipeline"]],
  ["ec2-001", "new-passrole", ["iam:PassRole", "ec2:RunInstances"]],
  ["ec2-002", "existing-passrole", ["ec2:ModifyInstanceAttribute", "ec2:StopInstances", "ec2:StartInstances"]],
  ["ec2-003", "new-passrole", ["iam:PassRole", "ec2:RequestSpotInstances"]],
  ["ec2-004", "existing-passrole", ["ec2:CreateLaunchTemplateVersion", "ec2:ModifyLaunchTemplate"]],
  ["ec2instanceconnect-003", "existing-passrole", ["ec2-instance-connect:SendSSHPublicKey", "ec2:DescribeInstances"]],
  ["ecs-001", "new-passrole", ["iam:PassRole", "ecs:CreateCluster", "ecs:RegisterTaskDefinition", "ecs:CreateService"]],
  ["ecs-002", "new-passrole", ["iam:PassRole", "ecs:CreateCluster", "ecs:RegisterTaskDefinition", "ecs:RunTask"]],
  ["ecs-003", "new-passrole", ["iam:PassRole", "ecs:RegisterTaskDefinition", "ecs:CreateService"]],
  ["ecs-004", "new-passrole", ["iam:PassRole", "ecs:RegisterTaskDefinition", "ecs:RunTask"]],
  ["ecs-005", "new-passrole", ["iam:PassRole", "ecs:RegisterTaskDefinition", "ecs:StartTask"]],
  ["glue-001", "new-passrole", ["iam:PassRole", "glue:CreateDevEndpoint"]],
  ["glue-002", "existing-passrole", ["glue:UpdateDevEndpoint"]],
  ["glue-003", "new-passrole", ["iam:PassRole", "glue:CreateJob", "glue:StartJobRun"]],
  ["glue-004", "new-passrole", ["iam:PassRole", "glue:CreateJob", "glue:CreateTrigger"]],
  ["glue-005", "new-passrole", ["iam:PassRole", "glue:UpdateJob", "glue:StartJobRun"]],
  ["glue-006", "new-passrole", ["iam:PassRole", "glue:UpdateJob", "glue:CreateTrigger"]],
  ["iam-001", "self-escalation", ["iam:CreatePolicyVersion"]],
  ["iam-002", "principal-access", ["iam:CreateAccessKey"]],
  ["iam-003", "principal-access", ["iam:CreateAccessKey", "iam:DeleteAccessKey"]],
  ["iam-004", "principal-access", ["iam:CreateLoginProfile"]],
  ["iam-005", "self-escalation", ["iam:PutRolePolicy"]],
  ["iam-006", "principal-access", ["iam:UpdateLoginProfile"]],
  ["iam-007", "self-escalation", ["iam:PutUserPolicy"]],
  ["iam-008", "self-escalation", ["iam:AttachUserPolicy"]],
  ["iam-009", "self-escalation", ["iam:AttachRolePolicy"]],
  ["iam-010", "self-escalation", ["iam:AttachGroupPolicy"]],
  ["iam-011", "self-escalation", ["iam:PutGroupPolicy"]],
  ["iam-012", "principal-access", ["iam:UpdateAssumeRolePolicy"]],
  ["iam-013", "self-escalation", ["iam:AddUserToGroup"]],
  ["iam-014", "principal-access", ["iam:AttachRolePolicy", "sts:AssumeRole"]],
  ["iam-015", "principal-access", ["iam:AttachUserPolicy", "iam:CreateAccessKey"]],
  ["iam-016", "principal-access", ["iam:CreatePolicyVersion", "sts:AssumeRole"]],
  ["iam-017", "principal-access", ["iam:PutRolePolicy", "sts:AssumeRole"]],
  ["iam-018", "principal-access", ["iam:PutUserPolicy", "iam:CreateAccessKey"]],
  ["iam-019", "principal-access", ["iam:AttachRolePolicy", "iam:UpdateAssumeRolePolicy"]],
  ["iam-020", "principal-access", ["iam:CreatePolicyVersion", "iam:UpdateAssumeRolePolicy"]],
  ["iam-021", "principal-access", ["iam:PutRolePolicy", "iam:UpdateAssumeRolePolicy"]],
  ["lambda-001", "new-passrole", ["iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"]],
  ["lambda-002", "new-passrole", ["iam:PassRole", "lambda:CreateFunction", "lambda:CreateEventSourceMapping"]],
  ["lambda-003", "existing-passrole", ["lambda:UpdateFunctionCode"]],
  ["lambda-004", "existing-passrole", ["lambda:UpdateFunctionCode", "lambda:InvokeFunction"]],
  ["lambda-005", "existing-passrole", ["lambda:UpdateFunctionCode", "lambda:AddPermission"]],
  ["lambda-006", "new-passrole", ["iam:PassRole", "lambda:CreateFunction", "lambda:AddPermission"]],
  ["sagemaker-001", "new-passrole", ["iam:PassRole", "sagemaker:CreateNotebookInstance"]],
  ["sagemaker-002", "new-passrole", ["iam:PassRole", "sagemaker:CreateTrainingJob"]],
  ["sagemaker-003", "new-passrole", ["iam:PassRole", "sagemaker:CreateProcessingJob"]],
  ["sagemaker-004", "existing-passrole", ["sagemaker:CreatePresignedNotebookInstanceUrl"]],
  ["sagemaker-005", "existing-passrole", ["sagemaker:CreateNotebookInstanceLifecycleConfig", "sagemaker:StopNotebookInstance", "sagemaker:UpdateNotebookInstance", "sagemaker:StartNotebookInstance"]],
  ["ssm-001", "existing-passrole", ["ssm:StartSession"]],
  ["ssm-002", "existing-passrole", ["ssm:SendCommand"]],
  ["sts-001", "principal-access", ["sts:AssumeRole"]],
];

describe.each(PATHS)("%s (%s)", (_id, _category, permissions) => {
  test("an agent holding these permissions on * is rejected", () => {
    const r = check(tf({ "aws_iam_role.agent": agentRole(), "aws_iam_role_policy.p": { role: "agent", policy: policy({ Sid: "Path", Effect: "Allow", Action: [...permissions], Resource: "*" }) } }));
    const found = errors(r);
    expect(found.map((f) => f.ruleId)).not.toEqual([]);
    // the finding names the statement that grants the path
    expect(found.some((f) => f.evidence.some((e) => e.address === "aws_iam_role_policy.p" || e.detail.includes("aws_iam_role_policy.p")))).toBe(true);
  });
});

test("the checklist is complete", () => {
  expect(PATHS).toHaveLength(65);
});
