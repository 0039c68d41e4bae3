/**
 * Compute paths of red-team round 128: commands in an AgentCore runtime, EKS capabilities, CloudFormation Git sync,
 * private CloudFormation extensions, just-in-time node access, and the start sets graded a warning where AWS
 * documents that the caller's code runs (AgentCore WebSocket invokes and harnesses, ECS Express Mode, daemons and
 * task sets). Each stack is the red-team case cut to what it needs: an agent holding the rights named, a role
 * `strong` that can delete objects and whose trust admits the service, and the compute that runs as it.
 */
import { namespacesOf } from "../../lib/engine/reach/edges-compute";
import { agentRole, check, errors, policy, tf } from "../helpers/tf";
import { hijackStack } from "../helpers/hijack-stack";

type Obj = Record<string, unknown>;

/** An agent holding `actions` on `*` and, unless `pass` is false, iam:PassRole on `strong` (limited to `passedTo`). */
function passStack(service: string, actions: string[], pass = true, passedTo?: string, extra: Record<string, Obj> = {}): Obj {
  const condition = passedTo ? { Condition: { StringEquals: { "iam:PassedToService": passedTo } } } : {};
  return tf({
    "aws_iam_role.agent": agentRole(),
    "aws_iam_role_policy.agent": {
      role: "${aws_iam_role.agent.name}",
      policy: policy(...(pass ? [{ Effect: "Allow", Action: "iam:PassRole", Resource: "${aws_iam_role.strong.arn}", ...condition }] : []), { Effect: "Allow", Action: actions, Resource: "*" }),
    },
    "aws_iam_role.strong": { name: "strong", assume_role_policy: policy({ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }) },
    "aws_iam_role_policy.strong": { role: "${aws_iam_role.strong.name}", policy: policy({ Effect: "Allow", Action: "s3:DeleteObject", Resource: "*" }) },
    ...extra,
  });
}

const transitive = (json: Obj, severity = "error") => check(json).findings.filter((f) => f.ruleId === "agent-transitive-destroy" && f.severity === severity && !f.acknowledged);
const reaches = (json: Obj, severity = "error") => [...new Set(transitive(json, severity).map((f) => f.resource))];
const pathText = (json: Obj) => transitive(json).flatMap((f) => f.evidence.map((e) => e.detail)).join("\n");
const unknown = (json: Obj) => errors(check(json), "agent-reach-unknown");

describe("F1: InvokeAgentRuntimeCommand runs commands in a runtime of the stack, as its role", () => {
  const runtime = {
    "aws_bedrockagentcore_agent_runtime.rt": {
      agent_runtime_name: "coder",
      role_arn: "${aws_iam_role.strong.arn}",
      agent_runtime_artifact: [{ container_configuration: [{ container_uri: "111111111111.dkr.ecr.us-east-1.amazonaws.com/a:1" }] }],
      network_configuration: [{ network_mode: "PUBLIC" }],
    },
  };
  const AC = "bedrock-agentcore.amazonaws.com";
  test.each([
    ["bedrock-agentcore:InvokeAgentRuntimeCommand", "arn:aws:bedrock-agentcore:us-east-1:111111111111:runtime/*"],
    ["bedrock-agentcore:InvokeAgentRuntimeCommand", "${aws_bedrockagentcore_agent_runtime.rt.agent_runtime_arn}"],
    ["bedrock-agentcore:InvokeAgentRuntimeCommandShell", "arn:aws:bedrock-agentcore:us-east-1:111111111111:runtime/*"],
  ])("%s on %s reaches the runtime's role, an error", (action, resource) => {
    const json = hijackStack(AC, runtime, [action], resource);
    expect(reaches(json)).toEqual(["aws_iam_role.strong"]);
    expect(pathText(json)).toContain("run its own code in aws_bedrockagentcore_agent_runtime.rt, which runs as aws_iam_role.strong");
  });
  test("invoking the runtime hands the agent the caller's prompt, as its role: a path since round 156 (agentcore-rt156.test.ts)", () => {
    expect(reaches(hijackStack(AC, runtime, ["bedrock-agentcore:InvokeAgentRuntime"], "arn:aws:bedrock-agentcore:us-east-1:111111111111:runtime/*"))).toEqual(["aws_iam_role.strong"]);
  });
  test("control: a pattern that cannot be a runtime's ARN names none", () => {
    expect(reaches(hijackStack(AC, runtime, ["bedrock-agentcore:InvokeAgentRuntimeCommand"], "arn:aws:bedrock-agentcore:us-east-1:111111111111:gateway/*"))).toEqual([]);
  });
});

describe("F3/F4/F5: the IAM namespaces of service principals of several labels", () => {
  test.each([
    ["capabilities.eks.amazonaws.com", ["eks"]],
    ["pods.eks.amazonaws.com", ["eks"]],
    ["resources.cloudformation.amazonaws.com", ["cloudformation"]],
    ["hooks.cloudformation.amazonaws.com", ["cloudformation"]],
    ["cloudformation.sync.codeconnections.amazonaws.com", ["codeconnections", "codestar-connections"]],
    ["tasks.apprunner.amazonaws.com", ["apprunner"]],
    ["batchoperations.s3.amazonaws.com", ["s3"]],
    ["states.eu-west-1.amazonaws.com", ["states"]],
    ["logs.cn-north-1.amazonaws.com.cn", ["logs"]],
    ["ecs-tasks.amazonaws.com", ["ecs"]],
    ["airflow-env.amazonaws.com", ["airflow"]],
    ["lambda.amazonaws.com", ["lambda"]],
  ])("%s acts in %j", (service, ns) => {
    expect(namespacesOf(service)).toEqual(ns);
  });

  test("an unmodelled service of several labels counts through a write of its last label's namespace", () => {
    // A service blastwall does not model: before, `export` was read as the namespace, so no rds: write matched.
    expect(reaches(passStack("export.rds.amazonaws.com", ["rds:StartExportTask"]))).toEqual(["aws_iam_role.strong"]);
    expect(reaches(passStack("export.rds.amazonaws.com", ["rds:DescribeExportTasks"]))).toEqual([]);
  });
});

describe("F3: eks:CreateCapability hands the capability role to the cluster's custom resources", () => {
  const CAP = "capabilities.eks.amazonaws.com";
  test("with PassRole (limited to the capabilities service), an error", () => {
    const json = passStack(CAP, ["eks:CreateCapability"], true, CAP);
    expect(reaches(json)).toEqual(["aws_iam_role.strong"]);
    expect(pathText(json)).toContain("iam:PassRole + eks:CreateCapability");
  });
  test("control: no PassRole is no path", () => {
    expect(reaches(passStack(CAP, ["eks:CreateCapability"], false))).toEqual([]);
  });
  test("a PassedToService condition naming another service rules nothing out: its value for CreateCapability is not documented (fail closed)", () => {
    expect(reaches(passStack(CAP, ["eks:CreateCapability"], true, "pods.eks.amazonaws.com"))).toEqual(["aws_iam_role.strong"]);
  });
});

describe("F4: CloudFormation Git sync deploys a branch of the caller's as the sync role", () => {
  const SYNC = "cloudformation.sync.codeconnections.amazonaws.com";
  test.each([["codeconnections:CreateSyncConfiguration"], ["codestar-connections:CreateSyncConfiguration"], ["codeconnections:UpdateSyncConfiguration"]])("%s with PassRole on the sync role: an error", (action) => {
    const json = passStack(SYNC, [action, "codeconnections:CreateRepositoryLink", "codeconnections:UseConnection"]);
    expect(reaches(json)).toEqual(["aws_iam_role.strong"]);
    expect(pathText(json)).toContain(`iam:PassRole + ${action}`);
  });
  test("control: the connection rights alone pass the role to nothing", () => {
    expect(reaches(passStack(SYNC, ["codeconnections:CreateRepositoryLink", "codeconnections:UseConnection", "codeconnections:GetSyncConfiguration"]))).toEqual([]);
  });
  test.each([["codeconnections:UpdateSyncConfiguration"], ["codestar-connections:UpdateSyncConfiguration"]])("%s with no PassRole takes over a sync outside the stack: unknown, and the fix takes the action away", (action) => {
    const found = unknown(passStack(SYNC, [action], false));
    expect(found).toHaveLength(1);
    expect(found[0].message).toContain(`compute reached by ${action} on *, outside this stack`);
    expect(found[0].evidence.map((e) => e.detail).join("\n")).toContain("the sync then deploys what it commits there as the sync role the configuration already names (no iam:PassRole)");
    expect(found[0].fix).toContain(`Take ${action} off the agent`);
  });
  test("control: creating a sync configuration without PassRole reaches nothing outside", () => {
    expect(unknown(passStack(SYNC, ["codeconnections:CreateSyncConfiguration", "codeconnections:CreateRepositoryLink"], false))).toEqual([]);
  });
});

describe("F5: a private CloudFormation extension's handlers run with its execution role", () => {
  test.each([["resources.cloudformation.amazonaws.com"], ["hooks.cloudformation.amazonaws.com"]])("RegisterType with PassRole on a role trusting %s: an error", (service) => {
    const json = passStack(service, ["cloudformation:RegisterType", "cloudformation:CreateResource"]);
    expect(reaches(json)).toEqual(["aws_iam_role.strong"]);
    expect(pathText(json)).toContain("iam:PassRole + cloudformation:RegisterType");
  });
  test("controls: no PassRole; reads of the registry", () => {
    expect(reaches(passStack("resources.cloudformation.amazonaws.com", ["cloudformation:RegisterType"], false))).toEqual([]);
    expect(reaches(passStack("resources.cloudformation.amazonaws.com", ["cloudformation:DescribeType", "cloudformation:ListTypes"]))).toEqual([]);
  });
});

describe("F6: just-in-time node access with an auto-approval policy is a shell on the instance", () => {
  const instance = (doc?: Obj): Record<string, Obj> => ({
    "aws_iam_instance_profile.web": { name: "web", role: "${aws_iam_role.strong.name}" },
    "aws_instance.web": { ami: "ami-12345678", instance_type: "t3.micro", iam_instance_profile: "${aws_iam_instance_profile.web.name}" },
    ...(doc ? { "aws_ssm_document.auto": { name: "auto-approve", document_format: "TEXT", ...doc } } : {}),
  });
  const AUTO = { document_type: "AutoApprovalPolicy", content: 'permit (principal, action == AWS::SSM::Action::"getTokenForInstanceAccess", resource);' };
  const JIT = ["ssm:StartAccessRequest", "ssm:GetAccessToken"];
  test("request and token with an auto-approval policy in the stack reach the instance role, an error", () => {
    const json = hijackStack("ec2.amazonaws.com", instance(AUTO), JIT);
    expect(reaches(json)).toEqual(["aws_iam_role.strong"]);
    const text = pathText(json);
    expect(text).toContain("request just-in-time access to aws_instance.web, which the auto-approval policy aws_ssm_document.auto may approve at once");
    expect(text).toContain("Session Manager shell there, which runs as aws_iam_role.strong");
  });
  test("a policy whose content is known only at apply time counts", () => {
    expect(reaches(hijackStack("ec2.amazonaws.com", instance({ ...AUTO, content: "${var.policy}" }), JIT))).toEqual(["aws_iam_role.strong"]);
  });
  test("a request on the instance by reference counts; one on another kind of resource does not", () => {
    expect(reaches(hijackStack("ec2.amazonaws.com", instance(AUTO), JIT, ["${aws_instance.web.arn}", "arn:aws:ssm:us-east-1:111111111111:opsitem/*"]))).toEqual(["aws_iam_role.strong"]);
    expect(reaches(hijackStack("ec2.amazonaws.com", instance(AUTO), JIT, "arn:aws:ssm:us-east-1:111111111111:opsitem/*"))).toEqual([]);
  });
  test.each([
    ["no auto-approval policy (a person approves)", instance(), JIT],
    ["a document of another type", instance({ document_type: "Command", content: "{}" }), JIT],
    ["an auto-approval policy that permits nothing", instance({ document_type: "AutoApprovalPolicy", content: "// none yet" }), JIT],
    ["the request without the token", instance(AUTO), ["ssm:StartAccessRequest"]],
  ])("control: %s is no path", (_name, target, actions) => {
    expect(reaches(hijackStack("ec2.amazonaws.com", target, actions))).toEqual([]);
  });
});

describe("F7: start sets where AWS documents that the caller's code runs as the passed role are errors", () => {
  test.each([
    ["bedrock-agentcore.amazonaws.com", ["bedrock-agentcore:CreateAgentRuntime", "bedrock-agentcore:InvokeAgentRuntimeWithWebSocketStream"]],
    ["bedrock-agentcore.amazonaws.com", ["bedrock-agentcore:CreateAgentRuntime", "bedrock-agentcore:InvokeAgentRuntimeCommand"]],
    ["bedrock-agentcore.amazonaws.com", ["bedrock-agentcore:CreateHarness", "bedrock-agentcore:InvokeHarness"]],
    ["bedrock-agentcore.amazonaws.com", ["bedrock-agentcore:UpdateHarness"]],
    ["ecs-tasks.amazonaws.com", ["ecs:CreateExpressGatewayService"]],
    ["ecs-tasks.amazonaws.com", ["ecs:RegisterDaemonTaskDefinition", "ecs:CreateDaemon"]],
    ["ecs-tasks.amazonaws.com", ["ecs:RegisterTaskDefinition", "ecs:CreateTaskSet"]],
  ])("%s with %j: an error, not a warning", (service, actions) => {
    const json = passStack(service, actions);
    expect(reaches(json)).toEqual(["aws_iam_role.strong"]);
    expect(reaches(json, "warning")).toEqual([]);
    expect(pathText(json)).toContain(`iam:PassRole + ${actions.join(", ")}`);
  });
  test.each([
    ["bedrock-agentcore.amazonaws.com", ["bedrock-agentcore:CreateHarness"]],
    ["ecs-tasks.amazonaws.com", ["ecs:RegisterDaemonTaskDefinition"]],
  ])("control: %s with only %j (half a start set) is no path", (service, actions) => {
    expect([...reaches(passStack(service, actions)), ...reaches(passStack(service, actions), "warning")]).toEqual([]);
  });
});

describe("F8: rewriting an AgentCore harness outside the stack runs commands as its role", () => {
  const harness = (actions: string[], resource = "*") =>
    tf({
      "aws_iam_role.agent": agentRole(),
      "aws_iam_role_policy.agent": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: actions, Resource: resource }) },
    });
  test.each([["*"], ["arn:aws:bedrock-agentcore:us-east-1:111111111111:harness/coder-*"]])("UpdateHarness on %s: unknown role, an error", (resource) => {
    const found = unknown(harness(["bedrock-agentcore:UpdateHarness", "bedrock-agentcore:InvokeHarness"], resource));
    expect(found).toHaveLength(1);
    expect(found[0].evidence.map((e) => e.detail).join("\n")).toContain("with the built-in shell tool and a model endpoint of its own");
    expect(found[0].fix).toContain("Take bedrock-agentcore:UpdateHarness off the agent");
  });
  test("controls: invoking a harness as it is; an update on a pattern that cannot be a harness", () => {
    expect(unknown(harness(["bedrock-agentcore:InvokeHarness"]))).toEqual([]);
    expect(unknown(harness(["bedrock-agentcore:UpdateHarness"], "arn:aws:bedrock-agentcore:us-east-1:111111111111:gateway/*"))).toEqual([]);
  });
});
