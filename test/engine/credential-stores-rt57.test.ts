/**
 * Credentials written into configuration AWS returns in plain text to whoever may describe it: a Glue job's
 * arguments, an App Runner service's runtime environment, hosted AppConfig content, an Amplify app's or branch's
 * environment, a launch configuration's user data (found by a red-team).
 */
import { check, errors } from "../helpers/tf";
import { KEY, stack } from "../helpers/credential-store";

const reaches = (json: Record<string, unknown>) => errors(check(json), "agent-transitive-destroy").map((f) => f.resource);
const stored = (json: Record<string, unknown>, address: string) =>
  check(json).findings.filter((f) => f.ruleId === "agent-stored-secret" && f.message.includes(address));

describe("credentials in more configuration (red-team 40..44)", () => {
  const job = { "aws_glue_job.export": { name: "export", role_arn: "arn:aws:iam::111111111111:role/glue", command: { script_location: "s3://s/x.py" }, default_arguments: { "--secret": KEY } } };
  test("a Glue job's default arguments, through GetJob on the job, GetJobs or BatchGetJobs", () => {
    expect(reaches(stack(job, "glue:GetJob", "arn:aws:glue:eu-west-1:111111111111:job/export"))).toEqual(["aws_iam_user.ops"]);
    expect(reaches(stack(job, "glue:GetJobs", "*"))).toEqual(["aws_iam_user.ops"]);
    expect(reaches(stack(job, "glue:BatchGetJobs", "*"))).toEqual(["aws_iam_user.ops"]);
    const finding = errors(check(stack(job, "glue:GetJob", "*")), "agent-transitive-destroy")[0];
    expect(finding.evidence.map((e) => e.address)).toContain("aws_glue_job.export");
  });
  test("control: GetJob on another job, or a job without the key, is no path", () => {
    expect(reaches(stack(job, "glue:GetJob", "arn:aws:glue:eu-west-1:111111111111:job/other"))).toEqual([]);
    const plain = { "aws_glue_job.export": { ...job["aws_glue_job.export"], default_arguments: { "--bucket": "${aws_s3_bucket.b.bucket}" } } };
    expect(reaches(stack(plain, "glue:GetJobs", "*"))).toEqual([]);
    expect(stored(stack(plain, "glue:GetJobs", "*"), "aws_glue_job.export")).toEqual([]);
  });

  const service = {
    "aws_apprunner_service.web": {
      service_name: "web",
      source_configuration: { image_repository: { image_identifier: "public.ecr.aws/x/y:1", image_repository_type: "ECR_PUBLIC", image_configuration: { runtime_environment_variables: { AWS_SECRET_ACCESS_KEY: KEY } } } },
    },
  };
  test("an App Runner service's runtime environment", () => {
    expect(reaches(stack(service, "apprunner:DescribeService", "*"))).toEqual(["aws_iam_user.ops"]);
    expect(reaches(stack(service, "apprunner:DescribeService", "arn:aws:apprunner:eu-west-1:111111111111:service/web/*"))).toEqual(["aws_iam_user.ops"]);
  });
  test("control: DescribeService on another service, or ListServices alone, is no path", () => {
    expect(reaches(stack(service, "apprunner:DescribeService", "arn:aws:apprunner:eu-west-1:111111111111:service/api/*"))).toEqual([]);
    expect(reaches(stack(service, "apprunner:ListServices", "*"))).toEqual([]);
  });

  const hosted = {
    "aws_appconfig_application.a": { name: "app" },
    "aws_appconfig_configuration_profile.p": { application_id: "${aws_appconfig_application.a.id}", name: "cfg", location_uri: "hosted" },
    "aws_appconfig_hosted_configuration_version.v": {
      application_id: "${aws_appconfig_application.a.id}",
      configuration_profile_id: "${aws_appconfig_configuration_profile.p.configuration_profile_id}",
      content_type: "application/json",
      content: "${jsonencode({ secret = aws_iam_access_key.k.secret })}",
    },
  };
  test("hosted AppConfig content, as a version or as deployed configuration", () => {
    expect(reaches(stack(hosted, "appconfig:GetHostedConfigurationVersion", "*"))).toEqual(["aws_iam_user.ops"]);
    expect(reaches(stack(hosted, "appconfig:GetLatestConfiguration", "arn:aws:appconfig:*:*:application/*/environment/*/configuration/*"))).toEqual(["aws_iam_user.ops"]);
  });
  test("control: reading only applications (ListApplications, GetApplication) is no path", () => {
    expect(reaches(stack(hosted, ["appconfig:GetApplication", "appconfig:ListApplications"], "*"))).toEqual([]);
  });

  const app = { "aws_amplify_app.web": { name: "web", environment_variables: { AWS_SECRET_ACCESS_KEY: KEY } } };
  const branch = { "aws_amplify_app.web": { name: "web" }, "aws_amplify_branch.main": { app_id: "${aws_amplify_app.web.id}", branch_name: "main", environment_variables: { AWS_SECRET_ACCESS_KEY: KEY } } };
  test("an Amplify app's or branch's environment variables", () => {
    expect(reaches(stack(app, "amplify:GetApp", "*"))).toEqual(["aws_iam_user.ops"]);
    expect(reaches(stack(app, "amplify:ListApps", "*"))).toEqual(["aws_iam_user.ops"]);
    expect(reaches(stack(branch, "amplify:GetBranch", "arn:aws:amplify:eu-west-1:111111111111:apps/d123/branches/main"))).toEqual(["aws_iam_user.ops"]);
    expect(reaches(stack(branch, "amplify:ListBranches", "*"))).toEqual(["aws_iam_user.ops"]);
  });
  test("control: GetApp does not read a branch's environment, and a branch without the key is no path", () => {
    expect(reaches(stack(branch, "amplify:GetApp", "*"))).toEqual([]);
    const plain = { ...branch, "aws_amplify_branch.main": { app_id: "${aws_amplify_app.web.id}", branch_name: "main", environment_variables: { STAGE: "prod" } } };
    expect(reaches(stack(plain, ["amplify:GetBranch", "amplify:ListBranches"], "*"))).toEqual([]);
  });

  const lc = { "aws_launch_configuration.lc": { name_prefix: "web-", image_id: "ami-1", instance_type: "t3.micro", user_data: `#!/bin/sh\nexport AWS_SECRET_ACCESS_KEY=${KEY}\n` } };
  test("a launch configuration's user data, as a launch template's", () => {
    expect(reaches(stack(lc, "autoscaling:DescribeLaunchConfigurations", "*"))).toEqual(["aws_iam_user.ops"]);
    // user_data_base64 as Terraform writes it from an expression.
    const fn = { "aws_launch_configuration.lc": { image_id: "ami-1", user_data_base64: `\${base64encode("export K=\${aws_iam_access_key.k.secret}")}` } };
    expect(reaches(stack(fn, "autoscaling:DescribeLaunchConfigurations", "*"))).toEqual(["aws_iam_user.ops"]);
  });
  test("control: describing Auto Scaling groups only is no path", () => {
    expect(reaches(stack(lc, "autoscaling:DescribeAutoScalingGroups", "*"))).toEqual([]);
  });
});
