/**
 * Writing what privileged compute runs (red-team round 11): the repository a pipeline builds from, the object a
 * build takes as source, the image a task or function runs. The next run executes the writer's code as its role.
 */
import { agentRole, check, errors, policy, tf } from "../helpers/tf";

type Obj = Record<string, unknown>;
const agentCan = (action: string | string[], resource: string) => ({
  "aws_iam_role.agent": agentRole(),
  "aws_iam_role_policy.agent": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: action, Resource: resource }) },
});
const adminRole = (name: string, service: string) => ({
  [`aws_iam_role.${name}`]: { name, assume_role_policy: policy({ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }) },
  [`aws_iam_role_policy_attachment.${name}`]: { role: `\${aws_iam_role.${name}.name}`, policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess" },
});
const reached = (json: Obj) => errors(check(json), "agent-transitive-destroy").map((f) => f.resource).sort();

describe("a pipeline's CodeCommit source", () => {
  const stack = (agent: Obj) =>
    tf({
      ...agent,
      ...adminRole("pipeline", "codepipeline.amazonaws.com"),
      ...adminRole("build", "codebuild.amazonaws.com"),
      "aws_codecommit_repository.infra": { repository_name: "infra" },
      "aws_codebuild_project.deploy": { name: "deploy", service_role: "${aws_iam_role.build.arn}", source: [{ type: "CODEPIPELINE" }] },
      "aws_codepipeline.deploy": {
        name: "deploy",
        role_arn: "${aws_iam_role.pipeline.arn}",
        stage: [
          { name: "Source", action: [{ name: "src", category: "Source", owner: "AWS", provider: "CodeCommit", version: "1", configuration: { RepositoryName: "${aws_codecommit_repository.infra.repository_name}", BranchName: "main" } }] },
          { name: "Build", action: [{ name: "build", category: "Build", owner: "AWS", provider: "CodeBuild", version: "1", configuration: { ProjectName: "${aws_codebuild_project.deploy.name}" } }] },
        ],
      },
    });

  test("a push reaches the pipeline's role and its build project's role", () => {
    const json = stack(agentCan("codecommit:GitPush", "${aws_codecommit_repository.infra.arn}"));
    expect(reached(json)).toEqual(["aws_iam_role.build", "aws_iam_role.pipeline"]);
    const f = errors(check(json), "agent-transitive-destroy")[0];
    expect(f.evidence.find((e) => e.step === "hijack")?.detail).toMatch(/lets it change CodeCommit repository infra/);
  });

  test("the controls: pulling, or pushing to another repository", () => {
    expect(reached(stack(agentCan("codecommit:GitPull", "*")))).toEqual([]);
    expect(reached(stack(agentCan("codecommit:GitPush", "arn:aws:codecommit:eu-west-1:111111111111:scratch")))).toEqual([]);
  });
});

describe("a build project's S3 source", () => {
  const stack = (resource: string) =>
    tf({ ...agentCan("s3:PutObject", resource), ...adminRole("build", "codebuild.amazonaws.com"), "aws_codebuild_project.nightly": { name: "nightly", service_role: "${aws_iam_role.build.arn}", source: [{ type: "S3", location: "build-src/nightly.zip" }] } });

  test("writing the source object reaches the build's role", () => {
    expect(reached(stack("arn:aws:s3:::build-src/*"))).toEqual(["aws_iam_role.build"]);
  });

  test("the control: writing another prefix", () => {
    expect(reached(stack("arn:aws:s3:::build-src/docs/*"))).toEqual([]);
  });
});

describe("images a task or function runs", () => {
  test("pushing to the repository a task definition's image comes from reaches the task role", () => {
    const json = tf({
      ...agentCan(["ecr:PutImage", "ecr:CompleteLayerUpload"], "${aws_ecr_repository.web.arn}"),
      ...adminRole("task", "ecs-tasks.amazonaws.com"),
      "aws_ecr_repository.web": { name: "web" },
      "aws_ecs_task_definition.web": { family: "web", task_role_arn: "${aws_iam_role.task.arn}", container_definitions: '[{"name":"web","image":"${aws_ecr_repository.web.repository_url}:latest"}]' },
    });
    expect(reached(json)).toEqual(["aws_iam_role.task"]);
  });

  test("an image URI written out on a function", () => {
    const json = tf({
      ...agentCan("ecr:PutImage", "arn:aws:ecr:eu-west-1:111111111111:repository/jobs"),
      ...adminRole("fn", "lambda.amazonaws.com"),
      "aws_lambda_function.job": { function_name: "job", role: "${aws_iam_role.fn.arn}", package_type: "Image", image_uri: "111111111111.dkr.ecr.eu-west-1.amazonaws.com/jobs:latest" },
    });
    expect(reached(json)).toEqual(["aws_iam_role.fn"]);
  });

  test("the control: pushing to another repository", () => {
    const json = tf({
      ...agentCan("ecr:PutImage", "arn:aws:ecr:eu-west-1:111111111111:repository/other"),
      ...adminRole("fn", "lambda.amazonaws.com"),
      "aws_lambda_function.job": { function_name: "job", role: "${aws_iam_role.fn.arn}", package_type: "Image", image_uri: "111111111111.dkr.ecr.eu-west-1.amazonaws.com/jobs:latest" },
    });
    expect(reached(json)).toEqual([]);
  });
});

describe("more sources (red-team round 12)", () => {
  test("a Glue job's script in S3", () => {
    const json = tf({ ...agentCan("s3:PutObject", "arn:aws:s3:::glue-scripts/*"), ...adminRole("glue", "glue.amazonaws.com"), "aws_glue_job.etl": { name: "etl", role_arn: "${aws_iam_role.glue.arn}", command: [{ script_location: "s3://glue-scripts/etl.py" }] } });
    expect(reached(json)).toEqual(["aws_iam_role.glue"]);
  });

  test("an MWAA environment's DAGs", () => {
    const json = tf({
      ...agentCan("s3:PutObject", "arn:aws:s3:::airflow-dags/dags/*"),
      ...adminRole("mwaa", "airflow-env.amazonaws.com"),
      "aws_mwaa_environment.af": { name: "af", execution_role_arn: "${aws_iam_role.mwaa.arn}", source_bucket_arn: "arn:aws:s3:::airflow-dags", dag_s3_path: "dags/" },
    });
    expect(reached(json)).toEqual(["aws_iam_role.mwaa"]);
  });

  test("updating the document an association runs reaches the roles of the instances it targets (unknown)", () => {
    const json = tf({
      ...agentCan("ssm:UpdateDocument", "${aws_ssm_document.patch.arn}"),
      "aws_ssm_document.patch": { name: "patch", document_type: "Command", content: "{}" },
      "aws_ssm_association.all": { name: "${aws_ssm_document.patch.name}", targets: [{ key: "InstanceIds", values: ["*"] }] },
    });
    expect(errors(check(json), "agent-reach-unknown")).toHaveLength(1);
  });
});

describe("pushes to repositories that may lie outside the stack", () => {
  test.each([
    ["codecommit:GitPush", "*"],
    ["codecommit:GitPush", "arn:aws:codecommit:eu-west-1:111111111111:platform-*"],
    ["ecr:PutImage", "arn:aws:ecr:eu-west-1:111111111111:repository/*"],
  ])("%s on %s may feed pipelines elsewhere", (action, resource) => {
    const [f] = errors(check(tf(agentCan(action, resource))), "agent-reach-unknown");
    expect(f.message).toMatch(/pipelines, builds and services that may run what is pushed/);
  });

  test("the control: a push to the stack's own repository, which nothing here runs", () => {
    const json = tf({ ...agentCan("codecommit:GitPush", "${aws_codecommit_repository.docs.arn}"), "aws_codecommit_repository.docs": { repository_name: "docs" } });
    expect(errors(check(json))).toEqual([]);
  });
});

describe("sources (final round)", () => {
  test("a build project's image from the stack's repository", () => {
    const json = tf({
      ...agentCan("ecr:PutImage", "${aws_ecr_repository.builder.arn}"),
      ...adminRole("build", "codebuild.amazonaws.com"),
      "aws_ecr_repository.builder": { name: "builder" },
      "aws_codebuild_project.deploy": { name: "deploy", service_role: "${aws_iam_role.build.arn}", environment: [{ image: "${aws_ecr_repository.builder.repository_url}:latest", type: "LINUX_CONTAINER", compute_type: "BUILD_GENERAL1_SMALL" }] },
    });
    expect(reached(json)).toEqual(["aws_iam_role.build"]);
  });

  test("a squash merge writes the branch a pipeline builds", () => {
    const json = tf({
      ...agentCan("codecommit:MergePullRequestBySquash", "${aws_codecommit_repository.infra.arn}"),
      ...adminRole("build", "codebuild.amazonaws.com"),
      "aws_codecommit_repository.infra": { repository_name: "infra" },
      "aws_codebuild_project.deploy": { name: "deploy", service_role: "${aws_iam_role.build.arn}", source: [{ type: "CODECOMMIT", location: "${aws_codecommit_repository.infra.clone_url_http}" }] },
    });
    expect(reached(json)).toEqual(["aws_iam_role.build"]);
  });

  test("the controls: an image pinned by digest, and a push to one exact repository outside the stack", () => {
    const pinned = tf({
      ...agentCan("ecr:PutImage", "*"),
      ...adminRole("task", "ecs-tasks.amazonaws.com"),
      "aws_ecs_task_definition.web": { family: "web", task_role_arn: "${aws_iam_role.task.arn}", container_definitions: '[{"name":"web","image":"111111111111.dkr.ecr.eu-west-1.amazonaws.com/web@sha256:0123456789abcdef"}]' },
    });
    expect(reached(pinned)).toEqual([]);
    expect(errors(check(tf(agentCan("codecommit:GitPush", "arn:aws:codecommit:eu-west-1:111111111111:agent-sandbox"))))).toEqual([]);
  });
});

describe("Automation documents run by Config remediation and maintenance windows (red-team round 13)", () => {
  const doc = { "aws_ssm_document.fix": { name: "platform-fix", document_type: "Automation", content: "{}" } };
  const remediation = (parameters: Obj[]) => ({
    "aws_config_remediation_configuration.fix": { config_rule_name: "s3-public", target_type: "SSM_DOCUMENT", target_id: "${aws_ssm_document.fix.name}", automatic: true, parameter: parameters },
  });

  test("updating a remediation's document acts as its AutomationAssumeRole", () => {
    const json = tf({ ...agentCan("ssm:UpdateDocument", "arn:aws:ssm:eu-west-1:111111111111:document/platform-*"), ...doc, ...adminRole("remediate", "ssm.amazonaws.com"), ...remediation([{ name: "AutomationAssumeRole", static_value: "${aws_iam_role.remediate.arn}" }]) });
    expect(reached(json)).toEqual(["aws_iam_role.remediate"]);
  });

  test("without an AutomationAssumeRole it runs as a role blastwall cannot see", () => {
    const json = tf({ ...agentCan("ssm:UpdateDocument", "${aws_ssm_document.fix.arn}"), ...doc, ...remediation([{ name: "BucketName", resource_value: "RESOURCE_ID" }]) });
    expect(errors(check(json), "agent-reach-unknown")).toHaveLength(1);
  });

  test("an AWS-owned document cannot be updated: no path", () => {
    const json = tf({
      ...agentCan("ssm:UpdateDocument", "*"),
      ...adminRole("remediate", "ssm.amazonaws.com"),
      "aws_config_remediation_configuration.fix": { config_rule_name: "s3-public", target_type: "SSM_DOCUMENT", target_id: "AWS-DisableS3BucketPublicReadWrite", parameter: [{ name: "AutomationAssumeRole", static_value: "${aws_iam_role.remediate.arn}" }] },
    });
    expect(reached(json)).toEqual([]);
  });

  test("a maintenance window Automation task acts as its AutomationAssumeRole", () => {
    const json = tf({
      ...agentCan("ssm:UpdateDocumentDefaultVersion", "${aws_ssm_document.fix.arn}"),
      ...doc,
      ...adminRole("window", "ssm.amazonaws.com"),
      "aws_ssm_maintenance_window_task.t": {
        window_id: "mw-1",
        task_type: "AUTOMATION",
        task_arn: "${aws_ssm_document.fix.name}",
        task_invocation_parameters: [{ automation_parameters: [{ document_version: "$LATEST", parameter: [{ name: "AutomationAssumeRole", values: ["${aws_iam_role.window.arn}"] }] }] }],
      },
    });
    expect(reached(json)).toEqual(["aws_iam_role.window"]);
  });

  test("the control: reading the document is no path", () => {
    const json = tf({ ...agentCan("ssm:GetDocument", "*"), ...doc, ...adminRole("remediate", "ssm.amazonaws.com"), ...remediation([{ name: "AutomationAssumeRole", static_value: "${aws_iam_role.remediate.arn}" }]) });
    expect(reached(json)).toEqual([]);
  });
});

describe("notebook lifecycle scripts and AppSync resolvers (red-team round 13)", () => {
  test("rewriting a notebook's lifecycle configuration runs as the notebook's role at its next start", () => {
    const json = tf({
      ...agentCan("sagemaker:UpdateNotebookInstanceLifecycleConfig", "*"),
      ...adminRole("nb", "sagemaker.amazonaws.com"),
      "aws_sagemaker_notebook_instance_lifecycle_configuration.lcc": { name: "setup", on_start: "ZWNobw==" },
      "aws_sagemaker_notebook_instance.nb": { name: "nb", role_arn: "${aws_iam_role.nb.arn}", instance_type: "ml.t3.medium", lifecycle_config_name: "${aws_sagemaker_notebook_instance_lifecycle_configuration.lcc.name}" },
    });
    expect(reached(json)).toEqual(["aws_iam_role.nb"]);
  });

  test("the control: a notebook without a lifecycle configuration has no script to rewrite", () => {
    const json = tf({ ...agentCan("sagemaker:UpdateNotebookInstanceLifecycleConfig", "*"), ...adminRole("nb", "sagemaker.amazonaws.com"), "aws_sagemaker_notebook_instance.nb": { name: "nb", role_arn: "${aws_iam_role.nb.arn}", instance_type: "ml.t3.medium" } });
    expect(reached(json)).toEqual([]);
  });

  test("rewriting a resolver runs against the data source as its service role", () => {
    const json = tf({
      ...agentCan("appsync:UpdateResolver", "arn:aws:appsync:eu-west-1:111111111111:apis/*/types/Mutation/resolvers/*"),
      ...adminRole("ds", "appsync.amazonaws.com"),
      "aws_appsync_graphql_api.api": { name: "orders", authentication_type: "AWS_IAM" },
      "aws_appsync_datasource.orders": { api_id: "${aws_appsync_graphql_api.api.id}", name: "orders", type: "AMAZON_DYNAMODB", service_role_arn: "${aws_iam_role.ds.arn}" },
    });
    expect(reached(json)).toEqual(["aws_iam_role.ds"]);
  });

  test("the control: reading resolvers is no path", () => {
    const json = tf({
      ...agentCan("appsync:GetResolver", "*"),
      ...adminRole("ds", "appsync.amazonaws.com"),
      // IAM auth: running resolvers (front-doors.ts) is a right the agent does not hold; an API outside the stack may take a key.
      "aws_appsync_graphql_api.api": { name: "orders", authentication_type: "AWS_IAM" },
      "aws_appsync_datasource.orders": { api_id: "${aws_appsync_graphql_api.api.id}", name: "orders", type: "AMAZON_DYNAMODB", service_role_arn: "${aws_iam_role.ds.arn}" },
    });
    expect(reached(json)).toEqual([]);
  });
});
