/**
 * Red-team round 66: `elasticmapreduce:AddJobFlowSteps` on `${aws_emr_cluster.c.arn}` and `batch:SubmitJob` on
 * `${aws_batch_job_definition.d.arn_prefix}:*` were read as grants on compute outside the stack ("on *, which may run
 * as any role"): no hijack target knew EMR clusters, and a job definition's `arn_prefix` did not resolve. A step runs
 * on that cluster as its instance profile's role, or as a runtime role the caller may pass (where the cluster's
 * security configuration turns them on); a job runs as its definition's job role, which a submission cannot change.
 */
import { check, errors, policy, tf } from "../helpers/tf";
import { agentCan, DESTROY, HARMLESS, role, type Obj } from "../helpers/sessions";

const RUNTIME_ROLES = JSON.stringify({ AuthorizationConfiguration: { IAMConfiguration: { EnableApplicationScopedIAMRole: true } } });
const reached = (json: Obj) => errors(check(json), "agent-transitive-destroy").map((f) => f.resource).sort();
const unknown = (json: Obj) => errors(check(json), "agent-reach-unknown").length;

/** A cluster whose instance role holds `instance`; with `runtime`, runtime roles on and one trusting the instance role. */
const emr = (instance: string, runtime?: string): Record<string, Obj> => ({
  ...role("emr_ec2", policy({ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }), instance),
  "aws_iam_instance_profile.emr_ec2": { name: "emr-ec2", role: "${aws_iam_role.emr_ec2.name}" },
  "aws_emr_cluster.c": {
    name: "analytics",
    release_label: "emr-7.1.0",
    applications: ["Spark"],
    service_role: "arn:aws:iam::111111111111:role/emr-service",
    ec2_attributes: [{ instance_profile: "${aws_iam_instance_profile.emr_ec2.arn}", subnet_id: "subnet-0123456789abcdef0" }],
    ...(runtime ? { security_configuration: "${aws_emr_security_configuration.rr.name}" } : {}),
  },
  ...(runtime
    ? {
        "aws_emr_security_configuration.rr": { name: "runtime-roles", configuration: RUNTIME_ROLES },
        ...role("etl_runtime", policy({ Effect: "Allow", Principal: { AWS: "${aws_iam_role.emr_ec2.arn}" }, Action: ["sts:AssumeRole", "sts:SetSourceIdentity"] }), runtime),
      }
    : {}),
});
const steps = (resource: string, ...more: Obj[]) => agentCan({ Effect: "Allow", Action: ["elasticmapreduce:AddJobFlowSteps", "elasticmapreduce:DescribeCluster"], Resource: resource }, ...more);
const PASS_RUNTIME = { Effect: "Allow", Action: "iam:PassRole", Resource: "${aws_iam_role.etl_runtime.arn}" };

describe("66. EMR AddJobFlowSteps on a cluster of the stack", () => {
  test("on the cluster by reference: its instance role, harmless, is no path (the red team's false alarm)", () => {
    expect(errors(check(tf({ ...steps("${aws_emr_cluster.c.arn}"), ...emr(HARMLESS) })))).toEqual([]);
  });

  test("its instance role, when it can destroy, is reached", () => {
    expect(reached(tf({ ...steps("${aws_emr_cluster.c.arn}"), ...emr(DESTROY) }))).toEqual(["aws_iam_role.emr_ec2"]);
  });

  test("a runtime role is reached from the instance role, whose trust it must admit (a step as the instance role assumes it)", () => {
    for (const more of [[PASS_RUNTIME], []]) expect(reached(tf({ ...steps("${aws_emr_cluster.c.arn}", ...more), ...emr(HARMLESS, DESTROY) }))).toEqual(["aws_iam_role.etl_runtime"]);
    // Control: a role that does not trust the instance role is not reached through the cluster.
    const other = { ...emr(HARMLESS), ...role("other", policy({ Effect: "Allow", Principal: { Service: "glue.amazonaws.com" }, Action: "sts:AssumeRole" }), DESTROY) };
    expect(errors(check(tf({ ...steps("${aws_emr_cluster.c.arn}"), ...other })))).toEqual([]);
  });

  test("control: the wide grant still reaches clusters outside the stack", () => {
    expect(unknown(tf({ ...steps("*"), ...emr(HARMLESS) }))).toBeGreaterThan(0);
    expect(unknown(tf({ ...steps("arn:aws:elasticmapreduce:*:*:cluster/*"), ...emr(HARMLESS) }))).toBeGreaterThan(0);
  });
});

describe("66. Batch SubmitJob on a job definition of the stack", () => {
  const QUEUE = "arn:aws:batch:us-east-1:111111111111:job-queue/q";
  const jobDef = (props: Obj | string): Record<string, Obj> => ({
    "aws_batch_job_definition.d": { name: "etl", type: "container", platform_capabilities: ["FARGATE"], container_properties: typeof props === "string" ? props : JSON.stringify(props) },
  });
  const withRole = (rights: string) => ({ ...role("job", policy({ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" }), rights), ...jobDef({ image: "public.ecr.aws/x/y:1", jobRoleArn: "${aws_iam_role.job.arn}" }) });
  const submit = (...resources: string[]) => agentCan({ Effect: "Allow", Action: "batch:SubmitJob", Resource: resources });

  test("on `${d.arn_prefix}:*` (and the queue) with a harmless job role is no path (the red team's false alarm); `${d.arn}` is the same", () => {
    expect(errors(check(tf({ ...submit("${aws_batch_job_definition.d.arn_prefix}:*", QUEUE), ...withRole(HARMLESS) })))).toEqual([]);
    expect(errors(check(tf({ ...submit("${aws_batch_job_definition.d.arn}", QUEUE), ...withRole(HARMLESS) })))).toEqual([]);
  });

  test("a job role that can destroy is reached", () => {
    expect(reached(tf({ ...submit("${aws_batch_job_definition.d.arn_prefix}:*", QUEUE), ...withRole(DESTROY) }))).toEqual(["aws_iam_role.job"]);
  });

  test("a job role blastwall cannot read (properties it cannot parse, none given) may be any role", () => {
    expect(unknown(tf({ ...submit("${aws_batch_job_definition.d.arn_prefix}:*", QUEUE), ...jobDef("${jsonencode(local.props)}") }))).toBeGreaterThan(0);
    expect(unknown(tf({ ...submit("${aws_batch_job_definition.d.arn_prefix}:*", QUEUE), ...jobDef({ image: "public.ecr.aws/x/y:1" }) }))).toBeGreaterThan(0);
  });

  test("control: the wide grants still reach job definitions outside the stack", () => {
    expect(unknown(tf({ ...submit("*"), ...withRole(HARMLESS) }))).toBeGreaterThan(0);
    expect(unknown(tf({ ...submit("arn:aws:batch:*:*:job-definition/*", QUEUE), ...withRole(HARMLESS) }))).toBeGreaterThan(0);
    // A literal prefix equal to the definition's name pattern: other stacks' `etl` definitions too.
    expect(unknown(tf({ ...submit("arn:aws:batch:*:*:job-definition/etl:*", QUEUE), ...withRole(HARMLESS) }))).toBeGreaterThan(0);
  });
});
