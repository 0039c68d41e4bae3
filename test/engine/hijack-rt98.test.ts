/**
 * Services that run code or API calls as a role the stack already gave them, with no iam:PassRole (red-team round
 * 98): IoT role aliases, AgentCore gateway targets, API Gateway integration credentials, budget actions, S3 Access
 * Grants, FIS templates, Glue triggers, SageMaker pipelines and Studio lifecycle configurations, Transfer Family
 * connectors, EKS capabilities. Each stack is the red-team case: an agent holding exactly the rights named, a role
 * `strong` that can delete data and whose trust admits the service, and the resource that runs as it.
 */
import { check, errors, policy } from "../helpers/tf";
import { hijackStack } from "../helpers/hijack-stack";

type Obj = Record<string, unknown>;

const stack = hijackStack;

const transitive = (json: Obj) => errors(check(json), "agent-transitive-destroy");
const reaches = (json: Obj) => transitive(json).flatMap((f) => f.evidence.filter((e) => e.address === "aws_iam_role.strong").map(() => "aws_iam_role.strong")).filter((x, i, a) => a.indexOf(x) === i);
const detail = (json: Obj) => transitive(json)[0]?.evidence.map((e) => e.detail).join("\n") ?? "";
const unknown = (json: Obj) => errors(check(json), "agent-reach-unknown").map((f) => f.message).join("\n");

describe("1. IoT role aliases: a certificate of the agent's gets the alias's role", () => {
  const alias = { "aws_iot_role_alias.a": { alias: "a", role_arn: "${aws_iam_role.strong.arn}" } };
  const IOT = "credentials.iot.amazonaws.com";
  test("making a certificate and attaching a policy reaches the role the alias names, and aliases outside the stack", () => {
    const json = stack(IOT, alias, ["iot:CreateKeysAndCertificate", "iot:CreatePolicy", "iot:AttachPolicy"]);
    expect(reaches(json)).toEqual(["aws_iam_role.strong"]);
    expect(detail(json)).toContain("role alias aws_iot_role_alias.a");
    expect(unknown(json)).toContain("IoT role aliases made outside this stack");
    // iot:* holds them all.
    expect(reaches(stack(IOT, alias, ["iot:*"]))).toEqual(["aws_iam_role.strong"]);
  });
  test("a role trusting the credential provider with no alias in the stack: unknown, and the message names it", () => {
    const json = stack(IOT, {}, ["iot:CreateKeysAndCertificate", "iot:AttachPrincipalPolicy"]);
    expect(reaches(json)).toEqual([]);
    expect(unknown(json)).toContain("aws_iam_role.strong trust credentials.iot.amazonaws.com with no alias here");
  });
  test("control: a certificate without a policy, or a policy without a certificate of its own, is no path", () => {
    expect(errors(check(stack(IOT, alias, ["iot:CreateKeysAndCertificate", "iot:CreatePolicy"])))).toEqual([]);
    expect(errors(check(stack(IOT, alias, ["iot:CreatePolicy", "iot:DescribeRoleAlias"])))).toEqual([]);
  });
});

describe("2. AgentCore gateway targets call AWS as the gateway's role", () => {
  const gw = { "aws_bedrockagentcore_gateway.g": { name: "g", role_arn: "${aws_iam_role.strong.arn}", authorizer_type: "AWS_IAM", protocol_type: "MCP" } };
  const AC = "bedrock-agentcore.amazonaws.com";
  test("CreateGatewayTarget or UpdateGatewayTarget on the gateway reaches its role; on * also gateways outside the stack", () => {
    expect(reaches(stack(AC, gw, ["bedrock-agentcore:CreateGatewayTarget"], "${aws_bedrockagentcore_gateway.g.gateway_arn}"))).toEqual(["aws_iam_role.strong"]);
    expect(reaches(stack(AC, gw, ["bedrock-agentcore:UpdateGatewayTarget"], "arn:aws:bedrock-agentcore:us-east-1:111111111111:gateway/*"))).toEqual(["aws_iam_role.strong"]);
    expect(unknown(stack(AC, {}, ["bedrock-agentcore:CreateGatewayTarget"]))).toContain("bedrock-agentcore:CreateGatewayTarget");
  });
  test("control: invoking the gateway, or a target right on something that is no gateway, is no path", () => {
    expect(errors(check(stack(AC, gw, ["bedrock-agentcore:InvokeGateway"])))).toEqual([]);
    expect(errors(check(stack(AC, gw, ["bedrock-agentcore:CreateGatewayTarget"], "arn:aws:bedrock-agentcore:us-east-1:111111111111:runtime/r-1")))).toEqual([]);
  });
});

describe("3. API Gateway integrations call AWS as their credentials role", () => {
  const rest = (credentials?: string) => ({
    "aws_api_gateway_rest_api.a": { name: "a" },
    // IAM auth: calling the method (front-doors.ts) is a right the agent does not hold.
    "aws_api_gateway_method.m": { rest_api_id: "${aws_api_gateway_rest_api.a.id}", resource_id: "${aws_api_gateway_rest_api.a.root_resource_id}", http_method: "GET", authorization: "AWS_IAM" },
    "aws_api_gateway_integration.i": {
      rest_api_id: "${aws_api_gateway_rest_api.a.id}",
      resource_id: "${aws_api_gateway_rest_api.a.root_resource_id}",
      http_method: "GET",
      type: "AWS",
      integration_http_method: "GET",
      uri: "arn:aws:apigateway:us-east-1:s3:path/prod-data/{key}",
      ...(credentials ? { credentials } : {}),
    },
  });
  const APIGW = "apigateway.amazonaws.com";
  test("PATCH on an integration, or PUT on the API, reaches the REST integration's credentials role", () => {
    expect(reaches(stack(APIGW, rest("${aws_iam_role.strong.arn}"), ["apigateway:PATCH", "apigateway:POST"]))).toEqual(["aws_iam_role.strong"]);
    expect(reaches(stack(APIGW, rest("${aws_iam_role.strong.arn}"), ["apigateway:PUT"], "arn:aws:apigateway:us-east-1::/restapis/*"))).toEqual(["aws_iam_role.strong"]);
  });
  test("PATCH on an HTTP API integration reaches its credentials_arn role", () => {
    const v2 = { "aws_apigatewayv2_integration.i": { api_id: "abc", integration_type: "AWS_PROXY", integration_subtype: "SQS-SendMessage", credentials_arn: "${aws_iam_role.strong.arn}" } };
    expect(reaches(stack(APIGW, v2, ["apigateway:PATCH"], "arn:aws:apigateway:us-east-1::/apis/*/integrations/*"))).toEqual(["aws_iam_role.strong"]);
  });
  test("control: no credentials, or PATCH on a usage plan or stage, is no path", () => {
    expect(transitive(stack(APIGW, rest(), ["apigateway:PATCH", "apigateway:PUT"]))).toEqual([]);
    expect(transitive(stack(APIGW, rest("${aws_iam_role.strong.arn}"), ["apigateway:PATCH"], "arn:aws:apigateway:us-east-1::/usageplans/*"))).toEqual([]);
    expect(transitive(stack(APIGW, rest("${aws_iam_role.strong.arn}"), ["apigateway:PATCH"], "arn:aws:apigateway:us-east-1::/restapis/abc/stages/prod"))).toEqual([]);
  });
});

describe("4. Budget actions apply a policy as their execution role", () => {
  const action = {
    "aws_budgets_budget.b": { name: "b", budget_type: "COST", limit_amount: "100", limit_unit: "USD", time_unit: "MONTHLY" },
    "aws_budgets_budget_action.a": {
      budget_name: "${aws_budgets_budget.b.name}",
      action_type: "APPLY_IAM_POLICY",
      approval_model: "AUTOMATIC",
      notification_type: "ACTUAL",
      execution_role_arn: "${aws_iam_role.strong.arn}",
      action_threshold: { action_threshold_type: "ABSOLUTE_VALUE", action_threshold_value: 100 },
      definition: { iam_action_definition: { policy_arn: "arn:aws:iam::aws:policy/AWSDenyAll", roles: ["someone"] } },
      subscriber: [{ address: "a@example.com", subscription_type: "EMAIL" }],
    },
  };
  test("UpdateBudgetAction reaches the execution role (budgets:* too)", () => {
    expect(reaches(stack("budgets.amazonaws.com", action, ["budgets:UpdateBudgetAction", "budgets:ExecuteBudgetAction"]))).toEqual(["aws_iam_role.strong"]);
    expect(reaches(stack("budgets.amazonaws.com", action, ["budgets:*"]))).toEqual(["aws_iam_role.strong"]);
  });
  test("control: executing the action as the stack defines it is no path", () => {
    expect(errors(check(stack("budgets.amazonaws.com", action, ["budgets:ExecuteBudgetAction", "budgets:ViewBudget"])))).toEqual([]);
  });
});

describe("5. S3 Access Grants hand out a location's role", () => {
  const location = {
    "aws_s3control_access_grants_instance.i": {},
    "aws_s3control_access_grants_location.l": { iam_role_arn: "${aws_iam_role.strong.arn}", location_scope: "s3://" },
  };
  const grant = (permission: string) => ({
    ...location,
    "aws_s3control_access_grant.g": {
      access_grants_location_id: "${aws_s3control_access_grants_location.l.access_grants_location_id}",
      permission,
      grantee: { grantee_type: "IAM", grantee_identifier: "${aws_iam_role.agent.arn}" },
    },
  });
  const S3AG = "access-grants.s3.amazonaws.com";
  test("CreateAccessGrant with GetDataAccess reaches the location's role, and locations outside the stack", () => {
    const json = stack(S3AG, location, ["s3:CreateAccessGrant", "s3:GetDataAccess"]);
    expect(reaches(json)).toEqual(["aws_iam_role.strong"]);
    expect(detail(json)).toContain("aws_s3control_access_grants_location.l");
    expect(unknown(json)).toContain("S3 Access Grants locations this stack does not make");
  });
  test("a READWRITE grant the stack gives the agent needs GetDataAccess alone", () => {
    expect(reaches(stack(S3AG, grant("READWRITE"), ["s3:GetDataAccess"]))).toEqual(["aws_iam_role.strong"]);
  });
  test("control: a grant without taking the credentials, a READ grant, or a grant to someone else is no path", () => {
    expect(errors(check(stack(S3AG, location, ["s3:CreateAccessGrant"])))).toEqual([]);
    expect(errors(check(stack(S3AG, location, ["s3:GetDataAccess"])))).toEqual([]);
    expect(errors(check(stack(S3AG, grant("READ"), ["s3:GetDataAccess"])))).toEqual([]);
    const other = grant("READWRITE");
    (other["aws_s3control_access_grant.g"] as Obj).grantee = { grantee_type: "IAM", grantee_identifier: "${aws_iam_role.strong.arn}" };
    expect(errors(check(stack(S3AG, other, ["s3:GetDataAccess"])))).toEqual([]);
  });
});

describe("6. FIS experiment templates run their actions as their role", () => {
  const template = {
    "aws_fis_experiment_template.t": {
      description: "x",
      role_arn: "${aws_iam_role.strong.arn}",
      stop_condition: [{ source: "none" }],
      action: [{ name: "a", action_id: "aws:ec2:stop-instances", target: { key: "Instances", value: "i" } }],
      target: [{ name: "i", resource_type: "aws:ec2:instance", selection_mode: "ALL", resource_tag: [{ key: "env", value: "test" }] }],
    },
  };
  test("UpdateExperimentTemplate reaches the template's role", () => {
    expect(reaches(stack("fis.amazonaws.com", template, ["fis:UpdateExperimentTemplate", "fis:StartExperiment"]))).toEqual(["aws_iam_role.strong"]);
  });
  test("control: StartExperiment alone runs the template's own actions: a destroy-right warning, no chain", () => {
    const r = check(stack("fis.amazonaws.com", template, ["fis:StartExperiment"]));
    expect(errors(r)).toEqual([]);
    expect(r.findings.filter((f) => f.ruleId === "agent-destroy-right").map((f) => [f.severity, f.actions])).toEqual([["warning", ["fis:StartExperiment"]]]);
  });
});

describe("7. Glue triggers start a job with the caller's arguments", () => {
  const job = {
    "aws_glue_job.j": { name: "j", role_arn: "${aws_iam_role.strong.arn}", command: [{ script_location: "s3://b/s.py" }] },
    "aws_glue_trigger.t": { name: "t", type: "SCHEDULED", schedule: "cron(0 * * * ? *)", actions: [{ job_name: "${aws_glue_job.j.name}" }] },
  };
  test("CreateTrigger (on a trigger, naming no job) or UpdateTrigger reaches the job's role", () => {
    expect(reaches(stack("glue.amazonaws.com", job, ["glue:CreateTrigger"]))).toEqual(["aws_iam_role.strong"]);
    expect(reaches(stack("glue.amazonaws.com", job, ["glue:UpdateTrigger"], "arn:aws:glue:us-east-1:111111111111:trigger/t"))).toEqual(["aws_iam_role.strong"]);
  });
  test("control: listing triggers is no path", () => {
    expect(errors(check(stack("glue.amazonaws.com", job, ["glue:ListTriggers"])))).toEqual([]);
  });
});

describe("8. SageMaker pipelines: a new definition runs as the pipeline's role", () => {
  const pipeline = { "aws_sagemaker_pipeline.p": { pipeline_name: "p", pipeline_display_name: "p", role_arn: "${aws_iam_role.strong.arn}", pipeline_definition: "{}" } };
  test("UpdatePipeline alone reaches the role (the pipeline may run on a schedule)", () => {
    expect(reaches(stack("sagemaker.amazonaws.com", pipeline, ["sagemaker:UpdatePipeline"]))).toEqual(["aws_iam_role.strong"]);
  });
  test("control: starting the pipeline as it is defined is no path", () => {
    expect(errors(check(stack("sagemaker.amazonaws.com", pipeline, ["sagemaker:StartPipelineExecution"])))).toEqual([]);
  });
});

describe("9. Studio lifecycle configurations run with the execution role", () => {
  const domain = (settings: Obj) => ({
    "aws_sagemaker_domain.d": { domain_name: "d", auth_mode: "IAM", vpc_id: "vpc-1", subnet_ids: ["subnet-1"], ...settings },
    "aws_sagemaker_user_profile.u": { domain_id: "${aws_sagemaker_domain.d.id}", user_profile_name: "u" },
  });
  const SM = "sagemaker.amazonaws.com";
  test("UpdateUserProfile or UpdateDomain reaches the domain's default execution role; UpdateSpace its space role", () => {
    const users = domain({ default_user_settings: [{ execution_role: "${aws_iam_role.strong.arn}" }] });
    expect(reaches(stack(SM, users, ["sagemaker:CreateStudioLifecycleConfig", "sagemaker:UpdateUserProfile", "sagemaker:CreateApp"]))).toEqual(["aws_iam_role.strong"]);
    expect(reaches(stack(SM, users, ["sagemaker:UpdateDomain"]))).toEqual(["aws_iam_role.strong"]);
    const spaces = domain({ default_user_settings: [{ execution_role: "arn:aws:iam::111111111111:role/other" }], default_space_settings: [{ execution_role: "${aws_iam_role.strong.arn}" }] });
    expect(reaches(stack(SM, spaces, ["sagemaker:UpdateSpace"]))).toEqual(["aws_iam_role.strong"]);
  });
  test("control: a lifecycle configuration and an app, without attaching it anywhere, is no path", () => {
    expect(transitive(stack(SM, domain({ default_user_settings: [{ execution_role: "${aws_iam_role.strong.arn}" }] }), ["sagemaker:CreateStudioLifecycleConfig", "sagemaker:CreateApp"]))).toEqual([]);
  });
});

describe("10. Transfer Family connectors write into S3 as their access role", () => {
  const connector = {
    "aws_transfer_connector.c": {
      access_role: "${aws_iam_role.strong.arn}",
      url: "sftp://partner.example.com",
      sftp_config: [{ trusted_host_keys: ["ssh-rsa AAAA"], user_secret_id: "arn:aws:secretsmanager:us-east-1:111111111111:secret:x" }],
    },
  };
  test("UpdateConnector or StartFileTransfer reaches the access role (read as the whole role)", () => {
    expect(reaches(stack("transfer.amazonaws.com", connector, ["transfer:UpdateConnector", "transfer:StartFileTransfer"]))).toEqual(["aws_iam_role.strong"]);
    expect(reaches(stack("transfer.amazonaws.com", connector, ["transfer:StartFileTransfer"], "arn:aws:transfer:us-east-1:111111111111:connector/*"))).toEqual(["aws_iam_role.strong"]);
  });
  test("control: describing the connector is no path", () => {
    expect(errors(check(stack("transfer.amazonaws.com", connector, ["transfer:DescribeConnector"])))).toEqual([]);
  });
});

describe("EKS capabilities: a cluster administrator acts through the capability's role", () => {
  const cluster = (capability: boolean) => ({
    "aws_iam_role.cluster": { name: "cluster", assume_role_policy: policy({ Effect: "Allow", Principal: { Service: "eks.amazonaws.com" }, Action: "sts:AssumeRole" }) },
    "aws_eks_cluster.c": { name: "c", role_arn: "${aws_iam_role.cluster.arn}", vpc_config: { subnet_ids: ["subnet-1"] }, access_config: { authentication_mode: "API" } },
    "aws_iam_role.nodes": { name: "nodes", assume_role_policy: policy({ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }) },
    "aws_eks_node_group.ng": { cluster_name: "${aws_eks_cluster.c.name}", node_role_arn: "${aws_iam_role.nodes.arn}", subnet_ids: ["subnet-1"], scaling_config: { desired_size: 1, max_size: 1, min_size: 1 } },
    ...(capability ? { "aws_eks_capability.k": { cluster_name: "${aws_eks_cluster.c.name}", capability_name: "ack", type: "ACK", role_arn: "${aws_iam_role.strong.arn}", delete_propagation_policy: "RETAIN" } } : {}),
  });
  const admin = ["eks:CreateAccessEntry", "eks:AssociateAccessPolicy"];
  test("with the nodes in the stack, the capability role is still a workload role of the cluster", () => {
    const json = stack("capabilities.eks.amazonaws.com", cluster(true), admin, "${aws_eks_cluster.c.arn}");
    expect(reaches(json)).toEqual(["aws_iam_role.strong"]);
    expect(detail(json)).toContain("aws_eks_capability.k");
  });
  test("control: no capability, no path to the role", () => {
    expect(reaches(stack("capabilities.eks.amazonaws.com", cluster(false), admin, "${aws_eks_cluster.c.arn}"))).toEqual([]);
  });
});
