/**
 * Red-team round 68: a CodeBuild buildspec rendered through a local, a data source's content or a function wrapping
 * `file` (`${local.spec}` set to `${yamlencode(...)}`, `${data.local_file.bs.content}`, `${trimspace(file(...))}`)
 * read as "may be any S3 object", so an agent writing an unrelated bucket reached the service role (a false alarm).
 * CodeBuild takes an S3 buildspec only by its object ARN (ProjectSource.buildspec); text such expressions render is
 * an inline buildspec. A value that may still be an ARN (a variable) may be any object, as before.
 */
import { tf } from "../helpers/tf";
import { adminRole, agentCan, reached } from "../helpers/fetched-sources";

type Obj = Record<string, unknown>;

const build = (buildspec: string, extra: Obj = {}): Obj =>
  tf(
    {
      ...agentCan("s3:PutObject", "arn:aws:s3:::libs-bucket/*"),
      ...adminRole("build", "codebuild.amazonaws.com"),
      "data.local_file.bs": { filename: "bs.yml" },
      "aws_codebuild_project.p": {
        name: "p",
        service_role: "${aws_iam_role.build.arn}",
        artifacts: [{ type: "NO_ARTIFACTS" }],
        source: [{ type: "GITHUB", location: "https://github.com/o/r.git", buildspec }],
        environment: [{ compute_type: "BUILD_GENERAL1_SMALL", image: "aws/codebuild/standard:7.0", type: "LINUX_CONTAINER" }],
      },
    },
    { locals: { spec: '${yamlencode({ version = "0.2" })}', trimmed: '${trimspace(file("bs.yml"))}', arn: "${var.spec_arn}" }, variable: { spec_arn: { type: "string" }, key: { type: "string" } }, ...extra },
  );

describe("68. a buildspec rendered by a local, a data source or a function is inline", () => {
  test("no path through an unrelated bucket (the red team's false alarms)", () => {
    for (const spec of [
      "${local.spec}",
      "${data.local_file.bs.content}",
      '${trimspace(file("bs.yml"))}',
      '${chomp(templatefile("bs.yml.tpl", { env = "prod" }))}',
      "${local.trimmed}",
    ]) {
      expect([spec, reached(build(spec))]).toEqual([spec, []]);
    }
  });

  test("controls: a value that may be an S3 object ARN may be any object, and a literal ARN is that object", () => {
    for (const spec of ["${var.spec_arn}", "${local.arn}", "arn:aws:s3:::libs-bucket/${var.key}", "arn:aws:s3:::libs-bucket/bs.yml", '${format("arn:aws:s3:::%s/bs.yml", "libs-bucket")}']) {
      expect([spec, reached(build(spec))]).toEqual([spec, ["aws_iam_role.build"]]);
    }
  });
});
