/**
 * Red-team round 59 on fetched sources (fetched-sources.ts): parameters and arguments given as tokens, Glue arguments
 * that name code (--scriptLocation, Ray's --s3-py-modules and --working-dir), AWS-RunSaltState and
 * AWS-RunInspecChecks, and a script URL built from a bucket's domain name.
 */
import { tf } from "../helpers/tf";
import { adminRole, agentCan, reached, unknownVia } from "../helpers/fetched-sources";

type Obj = Record<string, unknown>;

const association = (name: string, parameters: unknown) => ({ "aws_ssm_association.hk": { name, targets: [{ key: "tag:Role", values: ["app"] }], parameters } });
const remoteScript = { sourceType: "S3", sourceInfo: '{"path":"https://ops-scripts.s3.amazonaws.com/hk.sh"}', commandLine: "hk.sh" };
const writes = (bucket: string) => agentCan("s3:PutObject", `arn:aws:s3:::${bucket}/*`);

describe("59. SSM parameters given as a token", () => {
  test.each([["${local.hk_params}"], ["${merge(local.hk_params, {})}"], ['${merge(local.hk_params, {commandLine = "hk.sh"})}']])("%s is read through the local", (params) => {
    const json = (bucket: string) => tf({ ...writes(bucket), ...association("AWS-RunRemoteScript", params) }, { locals: { hk_params: remoteScript } });
    expect(unknownVia(json("ops-scripts"))).toEqual([expect.stringMatching(/s3:\/\/ops-scripts\/hk\.sh \(fetched and run by AWS-RunRemoteScript\)/)]);
    // Control: read, the location is one bucket; a write elsewhere is no path.
    expect(unknownVia(json("agent-scratch"))).toEqual([]);
  });

  test("parameters blastwall cannot read may fetch any object, but only for a document that fetches code", () => {
    const params = "${merge(local.base, aws_ssm_parameter.p.value)}";
    expect(unknownVia(tf({ ...writes("agent-scratch"), ...association("AWS-RunRemoteScript", params) }, { locals: { base: {} } }))).toEqual([expect.stringMatching(/objects blastwall cannot name/)]);
    expect(unknownVia(tf({ ...writes("agent-scratch"), ...association("AWS-RunShellScript", params) }, { locals: { base: {} } }))).toEqual([]);
  });
});

describe("59. Glue arguments given as a token, and more arguments that name code", () => {
  const job = (args: unknown, extra: Obj = {}) => ({
    ...adminRole("etl", "glue.amazonaws.com"),
    "aws_glue_job.j": { name: "nightly", role_arn: "${aws_iam_role.etl.arn}", command: { script_location: "s3://etl-scripts/nightly.py" }, default_arguments: args, ...extra },
  });
  const locals = { locals: { glue_args: { "--extra-py-files": "s3://shared-libs/common.zip" } } };

  test.each([["${local.glue_args}"], ['${merge(local.glue_args, {"--job-bookmark-option" = "job-bookmark-enable"})}']])("default_arguments %s are read through the local", (args) => {
    expect(reached(tf({ ...writes("shared-libs"), ...job(args) }, locals))).toEqual(["aws_iam_role.etl"]);
    expect(reached(tf({ ...writes("agent-scratch"), ...job(args) }, locals))).toEqual([]);
  });

  test("a trigger's arguments as a token, and arguments blastwall cannot read (any object)", () => {
    const trigger = { "aws_glue_trigger.t": { name: "nightly", type: "SCHEDULED", schedule: "cron(0 2 * * ? *)", actions: [{ job_name: "${aws_glue_job.j.name}", arguments: "${local.glue_args}" }] } };
    expect(reached(tf({ ...writes("shared-libs"), ...job({}), ...trigger }, locals))).toEqual(["aws_iam_role.etl"]);
    expect(reached(tf({ ...writes("agent-scratch"), ...job("${jsondecode(aws_ssm_parameter.p.value)}") }))).toEqual(["aws_iam_role.etl"]);
  });

  test.each([
    ["--scriptLocation", "s3://shared-libs/nightly.py", "glueetl"],
    ["--s3-py-modules", "s3://shared-libs/mods.zip", "glueray"],
    ["--working-dir", "s3://shared-libs/wd.zip", "glueray"],
  ])("%s names code the job runs", (key, value, command) => {
    const json = (bucket: string) => tf({ ...writes(bucket), ...job({ [key]: value }, { command: { name: command, script_location: "s3://etl-scripts/nightly.py" } }) });
    expect(reached(json("shared-libs"))).toEqual(["aws_iam_role.etl"]);
    expect(reached(json("agent-scratch"))).toEqual([]);
  });
});

describe("59. more AWS-owned documents that fetch what they run", () => {
  test.each([
    ["AWS-RunSaltState", { stateurl: "s3://ops-scripts/salt/top.sls" }],
    ["AWS-RunInspecChecks", { sourceType: "S3", sourceInfo: '{"path":"https://ops-scripts.s3.amazonaws.com/inspec/"}' }],
  ])("%s", (doc, params) => {
    expect(unknownVia(tf({ ...writes("ops-scripts"), ...association(doc, params) }))).toHaveLength(1);
    expect(unknownVia(tf({ ...writes("agent-scratch"), ...association(doc, params) }))).toEqual([]);
  });
});

describe("59. a script URL built from a bucket's domain name names that bucket", () => {
  const bucket = { "aws_s3_bucket.ops": { bucket: "ops-scripts" } };
  test.each([
    ['{"path":"https://${aws_s3_bucket.ops.bucket_regional_domain_name}/hk.sh"}'],
    ['{"path":"https://${aws_s3_bucket.ops.bucket_domain_name}/hk.sh"}'],
    ['${jsonencode({path = "https://${aws_s3_bucket.ops.bucket_regional_domain_name}/hk.sh"})}'],
  ])("%s", (sourceInfo) => {
    const params = { sourceType: "S3", sourceInfo, commandLine: "hk.sh" };
    expect(unknownVia(tf({ ...writes("agent-scratch"), ...bucket, ...association("AWS-RunRemoteScript", params) }))).toEqual([]);
    expect(unknownVia(tf({ ...writes("ops-scripts"), ...bucket, ...association("AWS-RunRemoteScript", params) }))).toEqual([expect.stringMatching(/s3:\/\/ops-scripts\/hk\.sh/)]);
  });

  test("a bucket read with a data source", () => {
    const params = { sourceType: "S3", sourceInfo: '{"path":"https://${data.aws_s3_bucket.ops.bucket_regional_domain_name}/hk.sh"}' };
    const data = { data: { aws_s3_bucket: { ops: { bucket: "ops-scripts" } } } };
    expect(unknownVia(tf({ ...writes("agent-scratch"), ...association("AWS-RunRemoteScript", params) }, data))).toEqual([]);
    expect(unknownVia(tf({ ...writes("ops-scripts"), ...association("AWS-RunRemoteScript", params) }, data))).toHaveLength(1);
  });
});
