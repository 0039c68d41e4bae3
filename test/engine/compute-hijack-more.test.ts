/**
 * Running code as another role without iam:PassRole (red-team round 11): State Manager associations and maintenance
 * window tasks on instances, StackSets, and compute actions on resources outside the stack (ecs:RunTask with a
 * command override, glue:StartJobRun, states:StartSyncExecution).
 */
import { agentRole, check, errors, policy, tf } from "../helpers/tf";

type Obj = Record<string, unknown>;
const trustOf = (principal: Obj) => policy({ Effect: "Allow", Principal: principal, Action: "sts:AssumeRole" });
const agentCan = (action: string, resource: string) => ({
  "aws_iam_role.agent": agentRole(),
  "aws_iam_role_policy.agent": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: action, Resource: resource }) },
});
const adminRole = (name: string, service: string) => ({
  [`aws_iam_role.${name}`]: { name, assume_role_policy: trustOf({ Service: service }) },
  [`aws_iam_role_policy_attachment.${name}`]: { role: `\${aws_iam_role.${name}.name}`, policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess" },
});
const box = {
  ...adminRole("box_role", "ec2.amazonaws.com"),
  "aws_iam_instance_profile.box": { name: "box", role: "${aws_iam_role.box_role.name}" },
  "aws_instance.box": { ami: "ami-12345678", instance_type: "t3.micro", iam_instance_profile: "${aws_iam_instance_profile.box.name}" },
};
const reached = (json: Obj) => errors(check(json), "agent-transitive-destroy").map((f) => f.resource);
const unknown = (json: Obj) => errors(check(json), "agent-reach-unknown");

describe("State Manager runs documents on instances as their role", () => {
  test.each(["ssm:CreateAssociation", "ssm:CreateAssociationBatch", "ssm:UpdateAssociation", "ssm:RegisterTaskWithMaintenanceWindow"])("%s on an instance with an admin profile", (action) => {
    expect(reached(tf({ ...agentCan(action, "${aws_instance.box.arn}"), ...box }))).toEqual(["aws_iam_role.box_role"]);
  });

  test("the control: describing associations is no path", () => {
    expect(reached(tf({ ...agentCan("ssm:DescribeAssociation", "*"), ...box }))).toEqual([]);
  });
});

describe("StackSets", () => {
  const stackSet = (extra: Obj) => ({ "aws_cloudformation_stack_set.s": { name: "s", template_body: "{}", ...extra } });

  test("UpdateStackSet on a self-managed StackSet acts as its administration role", () => {
    const json = tf({ ...agentCan("cloudformation:UpdateStackSet", "${aws_cloudformation_stack_set.s.arn}"), ...adminRole("admin", "cloudformation.amazonaws.com"), ...stackSet({ administration_role_arn: "${aws_iam_role.admin.arn}" }) });
    expect(reached(json)).toEqual(["aws_iam_role.admin"]);
  });

  test("a service-managed StackSet deploys as roles blastwall cannot see", () => {
    const json = tf({ ...agentCan("cloudformation:UpdateStackSet", "${aws_cloudformation_stack_set.s.arn}"), ...stackSet({ permission_model: "SERVICE_MANAGED" }) });
    expect(unknown(json)).toHaveLength(1);
  });
});

describe("compute actions on resources outside the stack", () => {
  test.each([
    ["ecs:RunTask", "arn:aws:ecs:eu-west-1:111111111111:task-definition/*"],
    ["ecs:StartTask", "*"],
    ["glue:StartJobRun", "*"],
    ["states:StartSyncExecution", "*"],
  ])("%s on %s may run as any role", (action, resource) => {
    const [f] = unknown(tf(agentCan(action, resource)));
    expect(f.message).toMatch(/compute/);
  });

  test("the control: the same on a task definition of the stack with a harmless task role is no path", () => {
    const json = tf({
      ...agentCan("ecs:RunTask", "${aws_ecs_task_definition.t.arn}"),
      "aws_iam_role.task": { name: "task", assume_role_policy: trustOf({ Service: "ecs-tasks.amazonaws.com" }) },
      "aws_ecs_task_definition.t": { family: "t", task_role_arn: "${aws_iam_role.task.arn}", container_definitions: "[]" },
    });
    expect(errors(check(json))).toEqual([]);
  });
});

describe("passing a role to services that start compute", () => {
  const canPass = (actions: string[], role: string) => ({
    "aws_iam_role.agent": agentRole(),
    "aws_iam_role_policy.agent": {
      role: "${aws_iam_role.agent.name}",
      policy: policy({ Effect: "Allow", Action: actions, Resource: "*" }, { Effect: "Allow", Action: "iam:PassRole", Resource: `\${aws_iam_role.${role}.arn}` }),
    },
  });

  test("EMR: RunJobFlow with an EC2 instance profile role", () => {
    expect(reached(tf({ ...canPass(["elasticmapreduce:RunJobFlow"], "emr"), ...adminRole("emr", "ec2.amazonaws.com") }))).toEqual(["aws_iam_role.emr"]);
  });

  test("EMR Serverless: StartJobRun with an execution role", () => {
    expect(reached(tf({ ...canPass(["emr-serverless:StartJobRun"], "job"), ...adminRole("job", "emr-serverless.amazonaws.com") }))).toEqual(["aws_iam_role.job"]);
  });

  test("a service blastwall does not model counts when the agent may call any of its write actions", () => {
    const json = tf({ ...canPass(["databrew:StartJobRun"], "brew"), ...adminRole("brew", "databrew.amazonaws.com") });
    const [f] = errors(check(json), "agent-transitive-destroy");
    expect(f.resource).toBe("aws_iam_role.brew");
    expect(f.evidence.find((e) => e.step === "pass-role")?.detail).toMatch(/blastwall does not model how databrew\.amazonaws\.com starts compute/);
  });

  test("the control: only its read actions, or no PassRole, is no path", () => {
    expect(reached(tf({ ...canPass(["databrew:DescribeJob", "databrew:ListJobs"], "brew"), ...adminRole("brew", "databrew.amazonaws.com") }))).toEqual([]);
    const noPass = tf({ ...agentCan("databrew:StartJobRun", "*"), ...adminRole("brew", "databrew.amazonaws.com") });
    expect(reached(noPass)).toEqual([]);
  });
});

describe("SageMaker Studio, CodeDeploy and catalogue 1.5.0", () => {
  test("CreatePresignedDomainUrl on a user profile runs as its execution role", () => {
    const json = tf({
      ...agentCan("sagemaker:CreatePresignedDomainUrl", "*"),
      ...adminRole("studio", "sagemaker.amazonaws.com"),
      "aws_sagemaker_user_profile.p": { domain_id: "d-123", user_profile_name: "p", user_settings: [{ execution_role: "${aws_iam_role.studio.arn}" }] },
    });
    expect(reached(json)).toEqual(["aws_iam_role.studio"]);
  });

  test("CreateDeployment on a deployment group runs hooks as roles blastwall cannot see", () => {
    const json = tf({ ...agentCan("codedeploy:CreateDeployment", "*"), "aws_codedeploy_deployment_group.g": { app_name: "app", deployment_group_name: "g", service_role_arn: "arn:aws:iam::111111111111:role/codedeploy" } });
    expect(unknown(json)).toHaveLength(1);
  });

  test.each(["ds:DeleteDirectory", "mq:DeleteBroker", "acm-pca:DeleteCertificateAuthority", "route53:DeleteHostedZone"])("%s is a destroy right", (action) => {
    expect(errors(check(tf(agentCan(action, "*"))), "agent-destroy-right").flatMap((f) => f.actions)).toEqual([action]);
  });
});

describe("red-team round 12", () => {
  const canPass = (actions: string[], role: string) => ({
    "aws_iam_role.agent": agentRole(),
    "aws_iam_role_policy.agent": {
      role: "${aws_iam_role.agent.name}",
      policy: policy({ Effect: "Allow", Action: actions, Resource: "*" }, { Effect: "Allow", Action: "iam:PassRole", Resource: `\${aws_iam_role.${role}.arn}` }),
    },
  });
  test.each([
    [["sagemaker:CreateModel", "sagemaker:CreateEndpoint"]],
    [["sagemaker:CreateModel", "sagemaker:CreateTransformJob"]],
    [["sagemaker:CreateHyperParameterTuningJob"]],
    [["sagemaker:CreatePipeline", "sagemaker:StartPipelineExecution"]],
  ])("SageMaker %j runs a container as the passed role", (actions) => {
    expect(reached(tf({ ...canPass(actions, "sm"), ...adminRole("sm", "sagemaker.amazonaws.com") }))).toEqual(["aws_iam_role.sm"]);
  });

  test("MWAA (airflow-env.amazonaws.com, actions airflow:*)", () => {
    expect(reached(tf({ ...canPass(["airflow:CreateEnvironment"], "af"), ...adminRole("af", "airflow-env.amazonaws.com") }))).toEqual(["aws_iam_role.af"]);
  });

  test("the control: a read pattern such as gamelift:Get* is no write for the fallback", () => {
    expect(reached(tf({ ...canPass(["gamelift:Get*"], "gl"), ...adminRole("gl", "gamelift.amazonaws.com") }))).toEqual([]);
  });

  test("a Studio shared space runs as the domain's space execution role", () => {
    const json = tf({ ...agentCan("sagemaker:CreatePresignedDomainUrl", "*"), ...adminRole("space", "sagemaker.amazonaws.com"), "aws_sagemaker_domain.d": { domain_name: "d", default_space_settings: [{ execution_role: "${aws_iam_role.space.arn}" }] } });
    expect(reached(json)).toEqual(["aws_iam_role.space"]);
  });

  test("a presigned URL for one profile does not reach another profile's role", () => {
    const json = tf({
      ...agentCan("sagemaker:CreatePresignedDomainUrl", "arn:aws:sagemaker:eu-west-1:111111111111:user-profile/d-1/bob"),
      ...adminRole("alice", "sagemaker.amazonaws.com"),
      "aws_sagemaker_user_profile.alice": { domain_id: "d-1", user_profile_name: "alice", user_settings: [{ execution_role: "${aws_iam_role.alice.arn}" }] },
    });
    expect(reached(json)).toEqual([]);
  });
});

describe("attaching a volume (catalogue 1.7.0)", () => {
  test("ec2:AttachVolume is a warning-level destroy right: from an instance it controls the agent can overwrite the volume", () => {
    const f = check(tf(agentCan("ec2:AttachVolume", "*"))).findings.filter((x) => x.ruleId === "agent-destroy-right");
    expect(f.map((x) => [x.severity, x.actions])).toEqual([["warning", ["ec2:AttachVolume"]]]);
  });
  test("the control: describing volumes", () => {
    expect(check(tf(agentCan("ec2:DescribeVolumes", "*"))).findings.filter((x) => x.ruleId === "agent-destroy-right")).toEqual([]);
  });
});

describe("Amplify builds run as the app's service role (red-team round 42)", () => {
  const app = { ...adminRole("amplify_role", "amplify.amazonaws.com"), "aws_amplify_app.site": { name: "site", iam_service_role_arn: "${aws_iam_role.amplify_role.arn}" } };
  test.each(["amplify:StartJob", "amplify:UpdateApp", "amplify:UpdateBranch"])("%s on the app", (action) => {
    expect(reached(tf({ ...agentCan(action, "*"), ...app }))).toEqual(["aws_iam_role.amplify_role"]);
  });
  test("the control: reading the app is no path", () => {
    expect(reached(tf({ ...agentCan("amplify:GetApp", "*"), ...app }))).toEqual([]);
  });
});
