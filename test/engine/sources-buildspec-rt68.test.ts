/**
 * Red-team round 68: a CodeBuild buildspec rendered through a local, a data source's content or a function wrapping
 * `file` (`${local.spec}` set to `${yamlencode(...)}`, `${data.local_file.bs.content}`, `${trimspace(file(...))}`)
 * read as "may be any S3 object", so an agent writing an unrelated bucket reached the service role (a false alarm).
 * CodeBuild takes an S3 buildspec only by its object ARN (ProjectSource.buildspec); text such expressions render is
 * an inline buildspec. A value that may still be an ARN (a variable) may be any object, as before.
 */
import { tf } from "../helpers/tf";
import { agentCan, buildProject, reached } from "../helpers/fetched-sources";

type Obj = Record<string, unknown>;

const build = (buildspec: string, extra: Obj = {}): Obj =>
  tf(
    {
      ...agentCan("s3:PutObject", "arn:aws:s3:::libs-bucket/*"),
      "data.local_file.bs": { filename: "bs.yml" },
      ...buildProject({ buildspec }),
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
