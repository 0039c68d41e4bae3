/**
 * Code a run downloads from a location its settings name (red-team round 57): AWS-owned SSM documents that fetch
 * a script, playbook or document from S3 (AWS-RunRemoteScript, AWS-ApplyAnsiblePlaybooks, ...), and the
 * libraries a Glue job loads from its arguments. Whoever writes that object runs code as the consumer's role.
 */
import { tf } from "../helpers/tf";
import { adminRole, agentCan, reached, unknownVia } from "../helpers/fetched-sources";

type Obj = Record<string, unknown>;

describe("AWS-owned SSM documents that run what they download", () => {
  const association = (name: string, parameters: Obj) => ({ "aws_ssm_association.hk": { name, targets: [{ key: "tag:Role", values: ["app"] }], parameters } });
  const remoteScript = { sourceType: "S3", sourceInfo: '{"path":"https://ops-scripts.s3.amazonaws.com/housekeeping.sh"}', commandLine: "housekeeping.sh" };

  test("AWS-RunRemoteScript: writing the script it fetches runs code as the instances' roles", () => {
    const details = unknownVia(tf({ ...agentCan("s3:PutObject", "arn:aws:s3:::ops-scripts/*"), ...association("AWS-RunRemoteScript", remoteScript) }));
    expect(details).toEqual([expect.stringMatching(/change s3:\/\/ops-scripts\/housekeeping\.sh \(fetched and run by AWS-RunRemoteScript\), which aws_ssm_association\.hk runs/)]);
  });

  test("control: a write to another bucket, or an AWS document that fetches nothing, is no path", () => {
    expect(unknownVia(tf({ ...agentCan("s3:PutObject", "arn:aws:s3:::other/*"), ...association("AWS-RunRemoteScript", remoteScript) }))).toEqual([]);
    expect(unknownVia(tf({ ...agentCan("s3:PutObject", "arn:aws:s3:::ops-scripts/*"), ...association("AWS-RunShellScript", { commands: "curl https://ops-scripts.s3.amazonaws.com/x.sh" }) }))).toEqual([]);
  });

  test.each([
    ["AWS-ApplyAnsiblePlaybooks", { SourceType: "S3", SourceInfo: '{"path":"https://s3.amazonaws.com/ops-scripts/playbooks/"}', PlaybookFile: "site.yml" }],
    ["AWS-ApplyChefRecipes", { SourceType: "S3", SourceInfo: '{"path":"https://s3.us-east-1.amazonaws.com/ops-scripts/cookbooks.tar.gz"}', RunList: "recipe[app]" }],
    ["AWS-RunAnsiblePlaybook", { playbookurl: "s3://ops-scripts/site.yml" }],
    ["AWS-InstallApplication", { action: "Install", source: "https://ops-scripts.s3.eu-west-1.amazonaws.com/agent.msi" }],
  ])("%s fetches from S3 too", (doc, params) => {
    expect(unknownVia(tf({ ...agentCan("s3:PutObject", "arn:aws:s3:::ops-scripts/*"), ...association(doc, params) }))).toHaveLength(1);
  });

  test("GitHub sources are not followed; a location known only at apply time may be any object", () => {
    const github = { sourceType: "GitHub", sourceInfo: '{"owner":"o","repository":"r","path":"x.sh"}' };
    expect(unknownVia(tf({ ...agentCan("s3:PutObject", "arn:aws:s3:::ops-scripts/*"), ...association("AWS-RunRemoteScript", github) }))).toEqual([]);
    const unknown = { sourceType: "S3", sourceInfo: "${var.source}" };
    expect(unknownVia(tf({ ...agentCan("s3:PutObject", "arn:aws:s3:::ops-scripts/*"), ...association("AWS-RunRemoteScript", unknown) }, { variable: { source: { type: "string" } } }))).toHaveLength(1);
  });

  test("a maintenance window Run Command task of AWS-RunRemoteScript", () => {
    const task = {
      "aws_ssm_maintenance_window_task.t": {
        window_id: "mw-1",
        task_type: "RUN_COMMAND",
        task_arn: "AWS-RunRemoteScript",
        task_invocation_parameters: [{ run_command_parameters: [{ parameter: [{ name: "sourceType", values: ["S3"] }, { name: "sourceInfo", values: ['{"path":"s3://ops-scripts/task.sh"}'] }] }] }],
      },
    };
    expect(unknownVia(tf({ ...agentCan("s3:PutObject", "arn:aws:s3:::ops-scripts/task.sh"), ...task }))).toHaveLength(1);
  });
});

describe("libraries a Glue job loads from its arguments", () => {
  const job = (args: Obj, extra: Obj = {}) => ({
    ...adminRole("etl", "glue.amazonaws.com"),
    "aws_glue_job.j": { name: "nightly", role_arn: "${aws_iam_role.etl.arn}", command: { script_location: "s3://etl-scripts/nightly.py" }, default_arguments: args, ...extra },
  });

  test.each([
    ["--extra-py-files", "s3://shared-libs/common.zip,s3://shared-libs/more.py"],
    ["--additional-python-modules", "pandas==2.1, s3://shared-libs/tool-1.0-py3-none-any.whl"],
    ["--extra-jars", "s3://shared-libs/udf.jar"],
  ])("%s: writing the object runs code as the job's role", (key, value) => {
    expect(reached(tf({ ...agentCan("s3:PutObject", "arn:aws:s3:::shared-libs/*"), ...job({ [key]: value }) }))).toEqual(["aws_iam_role.etl"]);
  });

  test("control: pip packages and other arguments fetch nothing the agent writes", () => {
    expect(reached(tf({ ...agentCan("s3:PutObject", "arn:aws:s3:::shared-libs/*"), ...job({ "--additional-python-modules": "pandas==2.1", "--TempDir": "s3://shared-libs/tmp/" }) }))).toEqual([]);
  });

  test("non-overridable arguments, and the arguments a trigger starts the job with", () => {
    expect(reached(tf({ ...agentCan("s3:PutObject", "arn:aws:s3:::shared-libs/*"), ...job({}, { non_overridable_arguments: { "--extra-py-files": "s3://shared-libs/a.py" } }) }))).toEqual(["aws_iam_role.etl"]);
    const trigger = { "aws_glue_trigger.t": { name: "nightly", type: "SCHEDULED", schedule: "cron(0 2 * * ? *)", actions: [{ job_name: "${aws_glue_job.j.name}", arguments: { "--extra-py-files": "s3://shared-libs/b.py" } }] } };
    expect(reached(tf({ ...agentCan("s3:PutObject", "arn:aws:s3:::shared-libs/b.py"), ...job({}), ...trigger }))).toEqual(["aws_iam_role.etl"]);
  });
});
