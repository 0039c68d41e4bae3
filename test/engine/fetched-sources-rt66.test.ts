/**
 * Red-team round 66: code an EMR cluster fetches from S3 (bootstrap actions, which run on every node, those managed
 * scaling adds later too; step scripts and JARs) runs as its instance profile's role; a GameLift Realtime script
 * runs on the instances of the fleets that use it, as their instance role, and GameLift deploys an updated script
 * (gamelift:UpdateScript, or new content at its S3 location) to them.
 */
import { tf } from "../helpers/tf";
import { adminRole, agentCan, reached, unknownVia } from "../helpers/fetched-sources";

type Obj = Record<string, unknown>;

const writes = (bucket: string) => agentCan(["s3:PutObject", "s3:GetObject"], `arn:aws:s3:::${bucket}/*`);
const emr = (extra: Obj, profile: unknown = "${aws_iam_instance_profile.emr.arn}") => ({
  ...adminRole("emr", "ec2.amazonaws.com"),
  "aws_iam_instance_profile.emr": { name: "emr-ec2", role: "${aws_iam_role.emr.name}" },
  "aws_emr_cluster.c": {
    name: "analytics",
    release_label: "emr-7.1.0",
    service_role: "arn:aws:iam::111111111111:role/emr-service",
    ec2_attributes: { instance_profile: profile, subnet_id: "subnet-1" },
    master_instance_group: { instance_type: "m5.xlarge" },
    ...extra,
  },
});
const bootstrap = (path: string, args?: string[]) => ({ bootstrap_action: [{ name: "b", path, ...(args ? { args } : {}) }] });
const step = (jar: string, args: string[]) => ({ step: [{ name: "s", action_on_failure: "CONTINUE", hadoop_jar_step: { jar, args } }] });

describe("66. EMR: what a cluster fetches from S3 runs as its instance role", () => {
  test("a bootstrap action's script", () => {
    expect(reached(tf({ ...writes("boot"), ...emr(bootstrap("s3://boot/b.sh")) }))).toEqual(["aws_iam_role.emr"]);
  });

  test("a bootstrap script named through a data source, or one blastwall cannot resolve", () => {
    const data = { "data.aws_s3_object.b": { bucket: "boot", key: "b.sh" } };
    expect(reached(tf({ ...writes("boot"), ...data, ...emr(bootstrap("s3://${data.aws_s3_object.b.bucket}/${data.aws_s3_object.b.key}")) }))).toEqual(["aws_iam_role.emr"]);
    expect(reached(tf({ ...writes("boot"), ...emr(bootstrap("${var.bootstrap_path}")) }))).toEqual(["aws_iam_role.emr"]);
  });

  test("an S3 object a bootstrap action's arguments name (run-if, a script that fetches another)", () => {
    expect(reached(tf({ ...writes("boot"), ...emr(bootstrap("s3://elasticmapreduce/bootstrap-actions/run-if", ["instance.isMaster=true", "s3://boot/master.sh"])) }))).toEqual(["aws_iam_role.emr"]);
  });

  test("a dynamic bootstrap_action may run any object", () => {
    expect(reached(tf({ ...writes("boot"), ...emr({ dynamic: { bootstrap_action: { for_each: "${var.actions}", content: { name: "${bootstrap_action.key}", path: "${bootstrap_action.value}" } } } }) }))).toEqual(["aws_iam_role.emr"]);
  });

  test("a step's script (script-runner, command-runner with aws s3 cp) and a step's own JAR", () => {
    expect(reached(tf({ ...writes("boot"), ...emr(step("command-runner.jar", ["bash", "-c", "aws s3 cp s3://boot/run.sh . && bash run.sh"])) }))).toEqual(["aws_iam_role.emr"]);
    expect(reached(tf({ ...writes("boot"), ...emr(step("s3://us-east-1.elasticmapreduce/libs/script-runner/script-runner.jar", ["s3://boot/run.sh"])) }))).toEqual(["aws_iam_role.emr"]);
    expect(reached(tf({ ...writes("boot"), ...emr(step("s3://boot/app.jar", [])) }))).toEqual(["aws_iam_role.emr"]);
  });

  test("the controls: the agent writing another bucket, AWS's own script-runner bucket, a local file", () => {
    expect(reached(tf({ ...writes("scratch"), ...emr(bootstrap("s3://boot/b.sh")) }))).toEqual([]);
    expect(reached(tf({ ...writes("scratch"), ...emr(step("s3://us-east-1.elasticmapreduce/libs/script-runner/script-runner.jar", ["s3://boot/run.sh"])) }))).toEqual([]);
    expect(reached(tf({ ...writes("boot"), ...emr(bootstrap("file:/usr/share/aws/emr/scripts/configure.sh")) }))).toEqual([]);
    expect(reached(tf({ ...writes("boot"), ...emr(step("command-runner.jar", ["spark-submit", "--deploy-mode", "cluster", "/home/hadoop/app.py"])) }))).toEqual([]);
  });

  test("an instance profile outside the stack: the role is one blastwall cannot see", () => {
    expect(unknownVia(tf({ ...writes("boot"), ...emr(bootstrap("s3://boot/b.sh"), "EMR_EC2_DefaultRole") })).join("\n")).toContain("aws_emr_cluster.c");
  });
});

const fleet = (scriptId: unknown, extra: Obj = {}) => ({
  ...adminRole("fleet", "gamelift.amazonaws.com"),
  "aws_gamelift_fleet.f": { name: "realtime", ec2_instance_type: "c5.large", script_id: scriptId, instance_role_arn: "${aws_iam_role.fleet.arn}", ...extra },
});
const script = (storage: Obj) => ({ "aws_gamelift_script.s": { name: "rt", ...storage } });
const S3_SCRIPT = { storage_location: { bucket: "rt-scripts", key: "rt.zip", role_arn: "arn:aws:iam::111111111111:role/gl-s3" } };

describe("66. GameLift Realtime scripts run as the fleet's instance role", () => {
  test("gamelift:UpdateScript on the script, or on every script", () => {
    const json = (resource: string) => tf({ ...agentCan("gamelift:UpdateScript", resource), ...script({ zip_file: "rt.zip" }), ...fleet("${aws_gamelift_script.s.id}") });
    expect(reached(json("*"))).toEqual(["aws_iam_role.fleet"]);
    expect(reached(json("${aws_gamelift_script.s.arn}"))).toEqual(["aws_iam_role.fleet"]);
  });

  test("s3:PutObject on the script's storage object", () => {
    expect(reached(tf({ ...writes("rt-scripts"), ...script(S3_SCRIPT), ...fleet("${aws_gamelift_script.s.id}") }))).toEqual(["aws_iam_role.fleet"]);
  });

  test("a script outside the stack, named by id: UpdateScript on it reaches the fleet", () => {
    expect(reached(tf({ ...agentCan("gamelift:UpdateScript", "arn:aws:gamelift:*:*:script/script-1234"), ...fleet("script-1234") }))).toEqual(["aws_iam_role.fleet"]);
  });

  test("the controls: another bucket, a fleet without a role, reading scripts, a build fleet", () => {
    expect(reached(tf({ ...writes("scratch"), ...script(S3_SCRIPT), ...fleet("${aws_gamelift_script.s.id}") }))).toEqual([]);
    expect(reached(tf({ ...agentCan("gamelift:UpdateScript", "*"), ...script(S3_SCRIPT), ...fleet("${aws_gamelift_script.s.id}", { instance_role_arn: null }) }))).toEqual([]);
    expect(reached(tf({ ...agentCan(["gamelift:DescribeScript", "gamelift:ListScripts"], "*"), ...script(S3_SCRIPT), ...fleet("${aws_gamelift_script.s.id}") }))).toEqual([]);
    const build = { "aws_gamelift_build.b": { name: "b", operating_system: "AMAZON_LINUX_2023", storage_location: { bucket: "builds", key: "b.zip", role_arn: "arn:aws:iam::111111111111:role/gl-s3" } } };
    expect(reached(tf({ ...agentCan("gamelift:UpdateScript", "*"), ...build, ...fleet(undefined, { build_id: "${aws_gamelift_build.b.id}" }) }))).toEqual([]);
  });
});
