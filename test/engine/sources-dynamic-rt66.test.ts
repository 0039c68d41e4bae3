/**
 * Red-team round 66: blocks written as `dynamic` blocks in what sources.ts reads (a build's sources and image, a
 * pipeline's stages and actions, a Glue job's command, a maintenance window task's parameters, a model's containers)
 * were read as no block at all. Their content is read as a block, its iterator references unknown; a content
 * blastwall cannot read may name any source.
 */
import { tf } from "../helpers/tf";
import { adminRole, agentCan, reached, unknownVia } from "../helpers/fetched-sources";

const dyn = (name: string, content: unknown) => ({ dynamic: { [name]: { for_each: "${var.items}", content } } });

describe("66. dynamic blocks in sources", () => {
  const build = (extra: Record<string, unknown>) => ({
    ...adminRole("build", "codebuild.amazonaws.com"),
    "aws_codebuild_project.p": { name: "p", service_role: "${aws_iam_role.build.arn}", source: [{ type: "NO_SOURCE", buildspec: "version: 0.2" }], environment: [{ compute_type: "BUILD_GENERAL1_SMALL", image: "aws/codebuild/standard:7.0", type: "LINUX_CONTAINER" }], ...extra },
  });

  test("a build's dynamic secondary_sources: an S3 location from the iterator may be any object", () => {
    expect(reached(tf({ ...agentCan("s3:PutObject", "arn:aws:s3:::src/*"), ...build(dyn("secondary_sources", { type: "S3", location: "${secondary_sources.value}", source_identifier: "${secondary_sources.key}" })) }))).toEqual(["aws_iam_role.build"]);
    expect(reached(tf({ ...agentCan("codecommit:GitPush", "arn:aws:codecommit:*:*:app"), "aws_codecommit_repository.app": { repository_name: "app" }, ...build(dyn("secondary_sources", "${var.content}")) }))).toEqual(["aws_iam_role.build"]);
  });

  test("a build source whose type blastwall cannot read may be S3 or CodeCommit", () => {
    expect(reached(tf({ ...agentCan("s3:PutObject", "arn:aws:s3:::src/*"), ...build({ source: [{ type: "${var.source_type}", location: "src/app.zip" }] }) }))).toEqual(["aws_iam_role.build"]);
  });

  test("the controls: a dynamic secondary_sources of GitHub sources, and a static NO_SOURCE project, give nothing", () => {
    expect(reached(tf({ ...agentCan("s3:PutObject", "arn:aws:s3:::src/*"), ...build(dyn("secondary_sources", { type: "GITHUB", location: "${secondary_sources.value}", source_identifier: "x" })) }))).toEqual([]);
    expect(reached(tf({ ...agentCan("s3:PutObject", "arn:aws:s3:::src/*"), ...build({}) }))).toEqual([]);
  });

  test("a pipeline's dynamic stage or action", () => {
    const pipeline = (extra: Record<string, unknown>) => ({ ...adminRole("pipeline", "codepipeline.amazonaws.com"), "aws_codepipeline.d": { name: "d", role_arn: "${aws_iam_role.pipeline.arn}", ...extra } });
    const s3Source = { name: "src", category: "Source", owner: "AWS", provider: "S3", version: "1", configuration: { S3Bucket: "${action.value.bucket}", S3ObjectKey: "app.zip" } };
    expect(reached(tf({ ...agentCan("s3:PutObject", "arn:aws:s3:::src/*"), ...pipeline({ stage: [{ name: "Source", ...dyn("action", s3Source) }] }) }))).toEqual(["aws_iam_role.pipeline"]);
    expect(reached(tf({ ...agentCan("s3:PutObject", "arn:aws:s3:::src/*"), ...pipeline(dyn("stage", { name: "${stage.key}", action: "${stage.value}" })) }))).toEqual(["aws_iam_role.pipeline"]);
    // An action whose category and provider come from the iterator may be an S3 source, and a build with any project.
    const anyAction = { name: "a", category: "${action.value.category}", owner: "AWS", provider: "${action.value.provider}", version: "1", configuration: { S3Bucket: "src", S3ObjectKey: "app.zip" } };
    const withBuild = { ...adminRole("build", "codebuild.amazonaws.com"), "aws_codebuild_project.b": { name: "b", service_role: "${aws_iam_role.build.arn}", source: [{ type: "CODEPIPELINE" }] } };
    expect(reached(tf({ ...agentCan("s3:PutObject", "arn:aws:s3:::src/*"), ...withBuild, ...pipeline({ stage: [{ name: "S", ...dyn("action", anyAction) }] }) }))).toEqual(["aws_iam_role.build", "aws_iam_role.pipeline"]);
    // Control: a dynamic stage of approvals only.
    const approval = { name: "approve", category: "Approval", owner: "AWS", provider: "Manual", version: "1" };
    expect(reached(tf({ ...agentCan("s3:PutObject", "arn:aws:s3:::src/*"), ...pipeline({ stage: [{ name: "S", action: [{ ...s3Source, configuration: { S3Bucket: "locked", S3ObjectKey: "app.zip" } }] }, { name: "A", ...dyn("action", approval) }] }) }))).toEqual([]);
  });

  test("a Glue job's dynamic command", () => {
    const job = { ...adminRole("etl", "glue.amazonaws.com"), "aws_glue_job.j": { name: "j", role_arn: "${aws_iam_role.etl.arn}", ...dyn("command", { script_location: "${command.value}" }) } };
    expect(reached(tf({ ...agentCan("s3:PutObject", "arn:aws:s3:::scripts/*"), ...job }))).toEqual(["aws_iam_role.etl"]);
  });

  test("a maintenance window task's dynamic parameters of a fetching document", () => {
    const task = {
      "aws_ssm_maintenance_window_task.t": { window_id: "mw-1", task_type: "RUN_COMMAND", task_arn: "AWS-RunRemoteScript", task_invocation_parameters: [{ run_command_parameters: [dyn("parameter", { name: "${parameter.key}", values: "${parameter.value}" })] }] },
    };
    expect(unknownVia(tf({ ...agentCan("s3:PutObject", "arn:aws:s3:::ops/*"), ...task }))).toHaveLength(1);
    const whole = { "aws_ssm_maintenance_window_task.t": { window_id: "mw-1", task_type: "RUN_COMMAND", task_arn: "AWS-RunRemoteScript", ...dyn("task_invocation_parameters", "${var.p}") } };
    expect(unknownVia(tf({ ...agentCan("s3:PutObject", "arn:aws:s3:::ops/*"), ...whole }))).toHaveLength(1);
  });

  test("a SageMaker model's dynamic container with an image from the iterator", () => {
    const model = { ...adminRole("model", "sagemaker.amazonaws.com"), "aws_sagemaker_model.m": { name: "m", execution_role_arn: "${aws_iam_role.model.arn}", ...dyn("container", { image: "${container.value}" }) } };
    expect(reached(tf({ ...agentCan("ecr:PutImage", "arn:aws:ecr:*:*:repository/models"), ...model }))).toEqual(["aws_iam_role.model"]);
  });
});
