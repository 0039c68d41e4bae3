/**
 * Red-team round 67: a CodeBuild project's `source.buildspec` (or a secondary source's) may be an S3 object, by ARN
 * (`arn:aws:s3:::bucket/key`) or as an `s3://` location. CodeBuild fetches it at every build and runs its commands
 * as the service role, so writing it is running code as that role; sources.ts never read it (exit 0, a bypass).
 * Inline YAML, a path inside the source, or text a function renders (`file(...)`) is not S3; a value blastwall
 * cannot read that may be an S3 location may be any object.
 */
import { tf } from "../helpers/tf";
import { agentCan, buildProject, reached } from "../helpers/fetched-sources";

type Obj = Record<string, unknown>;

const build = (source: Obj, extra: Obj = {}) => buildProject({ type: "CODECOMMIT", location: "https://git-codecommit.eu-west-1.amazonaws.com/v1/repos/x", ...source }, extra);
const put = (resource = "arn:aws:s3:::libs-bucket/*") => agentCan("s3:PutObject", resource);

describe("67. a CodeBuild buildspec stored in S3", () => {
  test("an S3 object ARN or s3:// location as the buildspec: writing it reaches the service role (the red team's bypass)", () => {
    for (const buildspec of ["arn:aws:s3:::libs-bucket/buildspec.yml", "s3://libs-bucket/ci/buildspec.yml", "arn:aws:s3:::${aws_s3_bucket.libs.id}/buildspec.yml"]) {
      const doc = tf({ ...put(), ...build({ buildspec }), "aws_s3_bucket.libs": { bucket: "libs-bucket" } });
      expect([buildspec, reached(doc)]).toEqual([buildspec, ["aws_iam_role.build"]]);
    }
  });

  test("a secondary source's S3 buildspec too, and a reference to the object", () => {
    const secondary = { secondary_sources: [{ type: "S3", location: "other/src.zip", source_identifier: "two", buildspec: "arn:aws:s3:::libs-bucket/two.yml" }] };
    expect(reached(tf({ ...put(), ...build({}, secondary) }))).toEqual(["aws_iam_role.build"]);
    const object = { "aws_s3_object.spec": { bucket: "libs-bucket", key: "spec/buildspec.yml", source: "buildspec.yml" } };
    expect(reached(tf({ ...put(), ...object, ...build({ buildspec: "${aws_s3_object.spec.arn}" }) }))).toEqual(["aws_iam_role.build"]);
  });

  test("a buildspec blastwall cannot read that may be an S3 location may be any object", () => {
    expect(reached(tf({ ...put(), ...build({ buildspec: "${var.buildspec}" }) }))).toEqual(["aws_iam_role.build"]);
  });

  test("controls: another object, inline YAML, a path in the source, a rendered file, are not the written object", () => {
    expect(reached(tf({ ...put("arn:aws:s3:::libs-bucket/other/*"), ...build({ buildspec: "arn:aws:s3:::libs-bucket/buildspec.yml" }) }))).toEqual([]);
    for (const buildspec of ["version: 0.2\nphases:\n  build:\n    commands:\n      - make ${var.target}\n", "ci/buildspec.yml", '${file("${path.module}/buildspec.yml")}', '${templatefile("buildspec.yml.tpl", { env = var.env })}', '${yamlencode({ version = "0.2" })}']) {
      expect([buildspec, reached(tf({ ...put("*"), ...build({ buildspec }) }))]).toEqual([buildspec, []]);
    }
  });
});
