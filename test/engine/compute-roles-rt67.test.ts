/**
 * Red-team round 67: the role a hijack target runs as was read only from static blocks and plain JSON.
 * - `elasticmapreduce:AddJobFlowSteps` on a cluster whose `ec2_attributes` is a `dynamic` block reached no role at
 *   all (exit 0, a bypass); so did any role path through a dynamic block (an Athena workgroup's configuration, an
 *   instance's launch template or a template's instance profile).
 * - A Batch job definition's role in `node_properties` or `ecs_properties`, or in `container_properties` written as
 *   `${jsonencode({...})}`, was not read: any role (a false alarm for a harmless job role).
 * Dynamic content blastwall can read is read; content it cannot read (an iterator's value) may be any role.
 */
import { check, errors, policy, tf } from "../helpers/tf";
import { agentCan, DESTROY, HARMLESS, role, type Obj } from "../helpers/sessions";

const reached = (json: Obj) => errors(check(json), "agent-transitive-destroy").map((f) => f.resource).sort();
const unknown = (json: Obj) => errors(check(json), "agent-reach-unknown").length;
const EC2_TRUST = policy({ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" });

describe("67. EMR AddJobFlowSteps on a cluster whose ec2_attributes is a dynamic block", () => {
  const cluster = (attrs: Obj): Record<string, Obj> => ({
    ...agentCan({ Effect: "Allow", Action: "elasticmapreduce:AddJobFlowSteps", Resource: "${aws_emr_cluster.c.arn}" }),
    "aws_iam_instance_profile.ip": { name: "emr-ip", role: "${aws_iam_role.inst.name}" },
    "aws_emr_cluster.c": { name: "c", release_label: "emr-7.0.0", service_role: "EMR_DefaultRole", master_instance_group: { instance_type: "m5.xlarge" }, ...attrs },
  });
  const dyn = (content: unknown) => ({ dynamic: { ec2_attributes: { for_each: "${var.attrs}", content } } });

  test("static content: the instance profile's role is reached, and a harmless one is no path (the red team's bypass)", () => {
    const content = { instance_profile: "${aws_iam_instance_profile.ip.arn}", subnet_id: "subnet-1" };
    expect(reached(tf({ ...cluster(dyn(content)), ...role("inst", EC2_TRUST, DESTROY) }))).toEqual(["aws_iam_role.inst"]);
    expect(errors(check(tf({ ...cluster(dyn(content)), ...role("inst", EC2_TRUST, HARMLESS) })))).toEqual([]);
  });

  test("content blastwall cannot read (an iterator's value, not an object) may be any role", () => {
    for (const content of [{ instance_profile: "${ec2_attributes.value.profile}" }, "${var.content}"]) {
      expect(unknown(tf({ ...cluster(dyn(content)), ...role("inst", EC2_TRUST, HARMLESS) }))).toBeGreaterThan(0);
    }
  });

  test("a cluster with no ec2_attributes at all runs as EMR's default instance role: unknown, not none", () => {
    expect(unknown(tf({ ...cluster({}), ...role("inst", EC2_TRUST, HARMLESS) }))).toBeGreaterThan(0);
  });

  test("control: the static block as before", () => {
    const attrs = { ec2_attributes: [{ instance_profile: "${aws_iam_instance_profile.ip.arn}" }] };
    expect(reached(tf({ ...cluster(attrs), ...role("inst", EC2_TRUST, DESTROY) }))).toEqual(["aws_iam_role.inst"]);
    expect(errors(check(tf({ ...cluster(attrs), ...role("inst", EC2_TRUST, HARMLESS) })))).toEqual([]);
  });
});

describe("67. other role paths through dynamic blocks", () => {
  test("an Athena workgroup's dynamic configuration: its execution role, or any", () => {
    const wg = (content: unknown) => ({
      ...agentCan({ Effect: "Allow", Action: "athena:StartCalculationExecution", Resource: "${aws_athena_workgroup.w.arn}" }),
      ...role("spark", policy({ Effect: "Allow", Principal: { Service: "athena.amazonaws.com" }, Action: "sts:AssumeRole" }), DESTROY),
      "aws_athena_workgroup.w": { name: "spark", dynamic: { configuration: { for_each: [1], content } } },
    });
    expect(reached(tf(wg({ execution_role: "${aws_iam_role.spark.arn}" })))).toEqual(["aws_iam_role.spark"]);
    expect(unknown(tf(wg({ execution_role: "${configuration.value.role}" })))).toBeGreaterThan(0);
  });

  const instance = (values: Obj, template: Obj): Obj =>
    tf({
      ...agentCan({ Effect: "Allow", Action: "ssm:SendCommand", Resource: "${aws_instance.web.arn}" }),
      ...role("web", EC2_TRUST, DESTROY),
      "aws_iam_instance_profile.web": { name: "web", role: "${aws_iam_role.web.name}" },
      "aws_launch_template.lt": { name: "web", ...template },
      "aws_instance.web": { ami: "ami-123", ...values },
    });
  const LT = { launch_template: [{ id: "${aws_launch_template.lt.id}", version: "$Latest" }] };
  const PROFILE = { iam_instance_profile: [{ name: "${aws_iam_instance_profile.web.name}" }] };

  test("an instance's dynamic launch_template, and a template's dynamic iam_instance_profile, are read", () => {
    expect(reached(instance({ dynamic: { launch_template: { for_each: [1], content: { id: "${aws_launch_template.lt.id}" } } } }, PROFILE))).toEqual(["aws_iam_role.web"]);
    expect(reached(instance(LT, { dynamic: { iam_instance_profile: { for_each: [1], content: { arn: "${aws_iam_instance_profile.web.arn}" } } } }))).toEqual(["aws_iam_role.web"]);
  });

  test("ones blastwall cannot read may be any role", () => {
    expect(unknown(instance({ dynamic: { launch_template: { for_each: "${var.lts}", content: { id: "${launch_template.value}" } } } }, PROFILE))).toBeGreaterThan(0);
    expect(unknown(instance(LT, { dynamic: { iam_instance_profile: { for_each: "${var.p}", content: { name: "${iam_instance_profile.value}" } } } }))).toBeGreaterThan(0);
  });

  test("control: an instance whose template sets no profile runs as none", () => {
    expect(errors(check(instance(LT, {})))).toEqual([]);
  });
});

describe("67. Batch job roles outside plain container_properties JSON", () => {
  const QUEUE = "arn:aws:batch:us-east-1:111111111111:job-queue/q";
  const jobDef = (props: Obj): Obj =>
    tf({
      ...agentCan({ Effect: "Allow", Action: "batch:SubmitJob", Resource: ["${aws_batch_job_definition.d.arn}", QUEUE] }),
      ...role("job", policy({ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" }), HARMLESS),
      ...role("bad", policy({ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" }), DESTROY),
      "aws_batch_job_definition.d": { name: "etl", ...props },
    });
  const node = (r: string) => ({ type: "multinode", node_properties: JSON.stringify({ mainNode: 0, numNodes: 2, nodeRangeProperties: [{ targetNodes: "0:", container: { image: "x/y:1", jobRoleArn: r } }] }) });
  const ecs = (r: string) => ({ type: "container", ecs_properties: JSON.stringify({ taskProperties: [{ taskRoleArn: r, containers: [{ name: "c", image: "x/y:1" }] }] }) });
  const encoded = (r: string) => ({ type: "container", container_properties: `\${jsonencode({ image = "x/y:1", jobRoleArn = ${r} })}` });

  test("a harmless job role in node_properties, ecs_properties or a jsonencode is no path (the red team's false alarms)", () => {
    expect(errors(check(jobDef(node("${aws_iam_role.job.arn}"))))).toEqual([]);
    expect(errors(check(jobDef(ecs("${aws_iam_role.job.arn}"))))).toEqual([]);
    expect(errors(check(jobDef(encoded("aws_iam_role.job.arn"))))).toEqual([]);
  });

  test("a job role there that can destroy is reached", () => {
    expect(reached(jobDef(node("${aws_iam_role.bad.arn}")))).toEqual(["aws_iam_role.bad"]);
    expect(reached(jobDef(ecs("${aws_iam_role.bad.arn}")))).toEqual(["aws_iam_role.bad"]);
    expect(reached(jobDef(encoded("aws_iam_role.bad.arn")))).toEqual(["aws_iam_role.bad"]);
  });

  test("properties blastwall cannot read, node ranges with different roles, or eks_properties (a service account, not a role) may be any role", () => {
    const two = { type: "multinode", node_properties: JSON.stringify({ nodeRangeProperties: [{ container: { jobRoleArn: "${aws_iam_role.job.arn}" } }, { container: { jobRoleArn: "${aws_iam_role.bad.arn}" } }] }) };
    const eks = { type: "container", eks_properties: JSON.stringify({ podProperties: { serviceAccountName: "job", containers: [{ image: "x/y:1" }] } }) };
    for (const props of [{ node_properties: "${jsonencode(local.nodes)}" }, { ecs_properties: "${var.props}" }, two, eks, node("")]) {
      expect([props, unknown(jobDef(props)) + reached(jobDef(props)).length > 0]).toEqual([props, true]);
    }
  });
});
