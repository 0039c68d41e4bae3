/**
 * Red-team round 152, F1 and F6: an event put on a bus whose rule targets a state machine, an ECS task, a CodeBuild
 * project (or a Batch job, a pipeline, SSM Automation), an object written to a bucket that sends its events there, and
 * a message on a pipe's source, start that compute with the writer's payload, as states:StartExecution, ecs:RunTask or
 * codebuild:StartBuild would: the same error, the path naming the hop. Only functions were followed before.
 */
import { check, policy, tf } from "../helpers/tf";
import { agentCan, DESTROY, HARMLESS, role, type Obj } from "../helpers/sessions";

const PINNED = { provider: { aws: [{ region: "eu-central-1", allowed_account_ids: ["111111111111"] }] } };
const trust = (service: string) => policy({ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" });
const allow = (action: string | string[], resource: unknown) => ({ Effect: "Allow", Action: action, Resource: resource });
const PUT = allow("events:PutEvents", "*");

const findings = (json: Obj, strict = false) =>
  check(json, {}, { strict })
    .findings.filter((f) => f.ruleId === "agent-transitive-destroy" || f.ruleId === "agent-reach-unknown")
    .map((f) => ({ rule: f.ruleId, severity: f.severity, resource: f.resource, message: f.message, path: (f.evidence ?? []).map((e) => `${e.step}: ${e.address} ${e.detail}`).join("\n") }));
const graded = (json: Obj) => findings(json).map((f) => [f.rule, f.severity, f.resource]);

const RULE = (target: Obj, pattern: Obj = { source: ["app.cleanup"] }, rule: Obj = {}) => ({
  "aws_cloudwatch_event_rule.r": { name: "cleanup", event_pattern: JSON.stringify(pattern), ...rule },
  "aws_cloudwatch_event_target.t": { rule: "${aws_cloudwatch_event_rule.r.name}", role_arn: "${aws_iam_role.events.arn}", input_path: "$.detail", ...target },
});

const SFN = {
  "aws_sfn_state_machine.sm": { name: "cleanup", role_arn: "${aws_iam_role.sfn.arn}", definition: "{}" },
  ...role("events", trust("events.amazonaws.com"), policy({ Effect: "Allow", Action: "states:StartExecution", Resource: "*" })),
};
const stack = (statements: Obj[], extra: Obj, rights = DESTROY, roleName = "sfn", service = "states.amazonaws.com"): Obj =>
  tf({ ...agentCan(...statements), ...role(roleName, trust(service), rights), ...extra }, PINNED);
const sfn = (target: Obj = {}, pattern?: Obj, rule?: Obj) => ({ ...SFN, ...RULE({ arn: "${aws_sfn_state_machine.sm.arn}", ...target }, pattern, rule) });

describe("152 F1. events:PutEvents through a rule into compute other than a function", () => {
  test("a state machine: an error, as states:StartExecution is, naming the bus, the rule, the target and the machine", () => {
    const json = stack([PUT], sfn());
    expect(graded(json)).toEqual([["agent-transitive-destroy", "error", "aws_iam_role.sfn"]]);
    const f = findings(json)[0];
    expect(f.message).toContain("aws_iam_role.agent --events:PutEvents--> aws_iam_role.sfn");
    expect(f.path).toContain("lets it put events on the default event bus, which aws_cloudwatch_event_rule.r sends through aws_cloudwatch_event_target.t to aws_sfn_state_machine.sm, as its execution input");
    expect(f.path).toContain("aws_sfn_state_machine.sm runs as aws_iam_role.sfn");
    // The same grade as starting it directly.
    expect(graded(stack([allow("states:StartExecution", "${aws_sfn_state_machine.sm.arn}")], sfn()))).toEqual([["agent-transitive-destroy", "error", "aws_iam_role.sfn"]]);
  });

  test("state machine controls: a constant input, a constant input template, a schedule, aws.* sources, a harmless role, another bus, no PutEvents", () => {
    expect(graded(stack([PUT], sfn({ input: '{"bucket":"tmp"}' })))).toEqual([]);
    expect(graded(stack([PUT], sfn({ input_transformer: { input_template: '{"bucket":"tmp"}' } })))).toEqual([]);
    expect(graded(stack([PUT], { ...SFN, ...RULE({ arn: "${aws_sfn_state_machine.sm.arn}" }, {}, { event_pattern: null, schedule_expression: "rate(1 day)" }) }))).toEqual([]);
    expect(graded(stack([PUT], sfn({}, { source: ["aws.s3"] })))).toEqual([]);
    expect(graded(stack([PUT], sfn(), HARMLESS))).toEqual([]);
    expect(graded(stack([allow("events:PutEvents", "arn:aws:events:eu-central-1:111111111111:event-bus/other")], sfn()))).toEqual([]);
    expect(graded(stack([allow("events:DescribeRule", "*")], sfn()))).toEqual([]);
  });

  test("an input template that takes from the event passes it; so does input_path", () => {
    expect(graded(stack([PUT], sfn({ input_transformer: { input_paths: { b: "$.detail.bucket" }, input_template: '{"bucket":<b>}' } })))).toEqual([["agent-transitive-destroy", "error", "aws_iam_role.sfn"]]);
  });

  test("a custom bus: a grant on that bus by reference reaches it, one on the default bus does not", () => {
    const bus = { "aws_cloudwatch_event_bus.b": { name: "ops" }, ...sfn({ event_bus_name: "${aws_cloudwatch_event_bus.b.name}" }, undefined, { event_bus_name: "${aws_cloudwatch_event_bus.b.name}" }) };
    expect(graded(stack([allow("events:PutEvents", "${aws_cloudwatch_event_bus.b.arn}")], bus))).toEqual([["agent-transitive-destroy", "error", "aws_iam_role.sfn"]]);
    expect(graded(stack([allow("events:PutEvents", "arn:aws:events:eu-central-1:111111111111:event-bus/default")], bus))).toEqual([]);
  });

  test("an ECS task: the task definition's task role, the input being RunTask's overrides", () => {
    const ecs = {
      "aws_ecs_cluster.c": { name: "ops" },
      "aws_ecs_task_definition.td": { family: "cleanup", task_role_arn: "${aws_iam_role.task.arn}", container_definitions: "[]" },
      ...role("events", trust("events.amazonaws.com"), HARMLESS),
      ...RULE({ arn: "${aws_ecs_cluster.c.arn}", ecs_target: { task_definition_arn: "${aws_ecs_task_definition.td.arn}" } }),
    };
    const json = stack([PUT], ecs, DESTROY, "task", "ecs-tasks.amazonaws.com");
    expect(graded(json)).toEqual([["agent-transitive-destroy", "error", "aws_iam_role.task"]]);
    expect(findings(json)[0].path).toContain("to aws_ecs_task_definition.td, as the task's overrides (a container's command among them)");
    expect(graded(stack([PUT], ecs, HARMLESS, "task", "ecs-tasks.amazonaws.com"))).toEqual([]);
    // A task definition the target names by a variable: its role cannot be resolved.
    const unread = { ...ecs, "aws_cloudwatch_event_target.t": { ...(ecs["aws_cloudwatch_event_target.t"] as Obj), ecs_target: { task_definition_arn: "${var.td}" } } };
    expect(graded(stack([PUT], unread, DESTROY, "task", "ecs-tasks.amazonaws.com")).map((x) => x[0])).toEqual(["agent-reach-unknown"]);
  });

  test("a CodeBuild project: its service role, the input being the StartBuild request", () => {
    const cb = {
      "aws_codebuild_project.p": { name: "cleanup", service_role: "${aws_iam_role.cb.arn}" },
      ...role("events", trust("events.amazonaws.com"), HARMLESS),
      ...RULE({ arn: "${aws_codebuild_project.p.arn}" }),
    };
    const json = stack([PUT], cb, DESTROY, "cb", "codebuild.amazonaws.com");
    expect(graded(json)).toEqual([["agent-transitive-destroy", "error", "aws_iam_role.cb"]]);
    expect(findings(json)[0].path).toContain("as its StartBuild request (a buildspecOverride among it)");
    expect(graded(stack([PUT], { ...cb, ...RULE({ arn: "${aws_codebuild_project.p.arn}", input: "{}" }) }, DESTROY, "cb", "codebuild.amazonaws.com"))).toEqual([]);
  });

  test("a Batch job and a pipeline: their roles, as batch:SubmitJob and codepipeline:StartPipelineExecution reach them", () => {
    const batch = {
      "aws_batch_job_queue.q": { name: "q" },
      "aws_batch_job_definition.d": { name: "cleanup", type: "container", container_properties: JSON.stringify({ image: "x", jobRoleArn: "${aws_iam_role.job.arn}" }) },
      ...role("events", trust("events.amazonaws.com"), HARMLESS),
      ...RULE({ arn: "${aws_batch_job_queue.q.arn}", batch_target: { job_definition: "${aws_batch_job_definition.d.arn}", job_name: "x" } }),
    };
    expect(graded(stack([PUT], batch, DESTROY, "job", "ecs-tasks.amazonaws.com"))).toEqual([["agent-transitive-destroy", "error", "aws_iam_role.job"]]);
    const pipeline = {
      "aws_codepipeline.p": { name: "deploy", role_arn: "${aws_iam_role.cp.arn}" },
      ...role("events", trust("events.amazonaws.com"), HARMLESS),
      ...RULE({ arn: "${aws_codepipeline.p.arn}" }),
    };
    expect(graded(stack([PUT], pipeline, DESTROY, "cp", "codepipeline.amazonaws.com"))).toEqual([["agent-transitive-destroy", "error", "aws_iam_role.cp"]]);
  });

  test("fail closed: a target blastwall cannot read, or an SSM Automation document, may run as any role", () => {
    const unread = { ...role("events", trust("events.amazonaws.com"), HARMLESS), ...RULE({ arn: "${var.target}" }) };
    const f = findings(stack([PUT], unread));
    expect(f.map((x) => [x.rule, x.severity])).toEqual([["agent-reach-unknown", "error"]]);
    expect(f[0].path).toContain("a target blastwall cannot read as compute it models, started through aws_cloudwatch_event_target.t, which may run as any role");
    const ssm = { ...role("events", trust("events.amazonaws.com"), HARMLESS), ...RULE({ arn: "arn:aws:ssm:eu-central-1:111111111111:automation-definition/Cleanup:$DEFAULT" }) };
    expect(graded(stack([PUT], ssm)).map((x) => x[0])).toEqual(["agent-reach-unknown"]);
    // Targets that deliver data on (a queue, a topic) are judged where they are read: none here.
    const queue = { "aws_sqs_queue.q": { name: "q" }, ...role("events", trust("events.amazonaws.com"), HARMLESS), ...RULE({ arn: "${aws_sqs_queue.q.arn}" }) };
    expect(graded(stack([PUT], queue))).toEqual([]);
  });

  test("through a role the agent can assume: the chain shows both links", () => {
    const json = tf(
      {
        ...agentCan(allow("sts:AssumeRole", "${aws_iam_role.ops.arn}")),
        ...role("ops", policy({ Effect: "Allow", Principal: { AWS: "${aws_iam_role.agent.arn}" }, Action: "sts:AssumeRole" }), policy(PUT)),
        ...role("sfn", trust("states.amazonaws.com"), DESTROY),
        ...sfn(),
      },
      PINNED,
    );
    expect(findings(json).filter((f) => f.resource === "aws_iam_role.sfn")[0].message).toContain("aws_iam_role.agent --sts:AssumeRole--> aws_iam_role.ops --events:PutEvents--> aws_iam_role.sfn");
  });

  test("S3 -> EventBridge -> a rule into a state machine: s3:PutObject on the bucket", () => {
    const s3 = {
      "aws_s3_bucket.in": { bucket: "inbox" },
      "aws_s3_bucket_notification.n": { bucket: "${aws_s3_bucket.in.id}", eventbridge: true },
      ...sfn({}, { source: ["aws.s3"], "detail-type": ["Object Created"] }),
    };
    const json = stack([allow("s3:PutObject", "${aws_s3_bucket.in.arn}/*")], s3);
    expect(findings(json).filter((f) => f.rule === "agent-transitive-destroy").map((f) => [f.severity, f.resource])).toEqual([["error", "aws_iam_role.sfn"]]);
    expect(findings(json).find((f) => f.rule === "agent-transitive-destroy")!.path).toContain("whose events aws_s3_bucket_notification.n sends to EventBridge, where aws_cloudwatch_event_rule.r sends them through aws_cloudwatch_event_target.t to aws_sfn_state_machine.sm");
    const other = { ...s3, ...sfn({}, { source: ["aws.s3"], detail: { bucket: { name: ["other"] } } }) };
    expect(findings(stack([allow("s3:PutObject", "${aws_s3_bucket.in.arn}/*")], other)).filter((f) => f.rule === "agent-transitive-destroy")).toEqual([]);
  });
});

describe("152: a rule into a function, with an input transformer", () => {
  const fn = (target: Obj) => ({
    "aws_lambda_function.f": { function_name: "cleanup", role: "${aws_iam_role.fn.arn}", handler: "x", runtime: "python3.12", filename: "x.zip" },
    ...RULE({ arn: "${aws_lambda_function.f.arn}", role_arn: undefined, ...target }),
  });
  const graded2 = (target: Obj) => graded(stack([PUT], fn(target), DESTROY, "fn", "lambda.amazonaws.com"));

  test("a template that takes nothing from the event passes nothing, as a constant input; one that does is still a route", () => {
    expect(graded2({ input_transformer: { input_template: '{"bucket":"tmp"}' } })).toEqual([]);
    expect(graded2({ input_transformer: { input_paths: { b: "$.detail.bucket" }, input_template: '{"bucket":<b>}' } })).toEqual([["agent-transitive-destroy", "warning", "aws_lambda_function.f"]]);
    expect(graded2({ input_transformer: { input_template: "${var.template}" } })).toEqual([["agent-transitive-destroy", "warning", "aws_lambda_function.f"]]);
  });
});

describe("152 F6. EventBridge Pipes from a source the agent writes to", () => {
  const QUEUE = { "aws_sqs_queue.q": { name: "jobs" }, "aws_sqs_queue.other": { name: "other" } };
  const pipe = (values: Obj) => ({ ...QUEUE, "aws_pipes_pipe.p": { name: "jobs", role_arn: "${aws_iam_role.events.arn}", source: "${aws_sqs_queue.q.arn}", ...values } });
  const SEND = allow("sqs:SendMessage", "${aws_sqs_queue.q.arn}");

  test("into a state machine: an error naming the queue and the pipe; controls: another queue, a constant template, a stopped pipe, a harmless role", () => {
    const into = { ...SFN, ...pipe({ target: "${aws_sfn_state_machine.sm.arn}" }) };
    const json = stack([SEND], into);
    expect(graded(json)).toEqual([["agent-transitive-destroy", "error", "aws_iam_role.sfn"]]);
    expect(findings(json)[0].path).toContain("lets it send messages to aws_sqs_queue.q, which aws_pipes_pipe.p reads and hands to aws_sfn_state_machine.sm, as its execution input");
    expect(graded(stack([allow("sqs:SendMessage", "${aws_sqs_queue.other.arn}")], into))).toEqual([]);
    expect(graded(stack([SEND], { ...SFN, ...pipe({ target: "${aws_sfn_state_machine.sm.arn}", target_parameters: { input_template: '{"bucket":"tmp"}' } }) }))).toEqual([]);
    expect(graded(stack([SEND], { ...SFN, ...pipe({ target: "${aws_sfn_state_machine.sm.arn}", desired_state: "STOPPED" }) }))).toEqual([]);
    expect(graded(stack([SEND], into, HARMLESS))).toEqual([]);
  });

  test("a state machine as enrichment gets the batch even when the target's template is constant", () => {
    const into = { ...SFN, ...pipe({ enrichment: "${aws_sfn_state_machine.sm.arn}", target: "${aws_sqs_queue.other.arn}", target_parameters: { input_template: "{}" } }) };
    expect(graded(stack([SEND], into))).toEqual([["agent-transitive-destroy", "error", "aws_iam_role.sfn"]]);
  });

  test("into a function: a warning (an error under --strict), as an event source mapping is", () => {
    const fn = {
      "aws_lambda_function.f": { function_name: "cleanup", role: "${aws_iam_role.fn.arn}", handler: "x", runtime: "python3.12", filename: "x.zip" },
      ...role("events", trust("pipes.amazonaws.com"), HARMLESS),
      ...pipe({ target: "${aws_lambda_function.f.arn}" }),
    };
    const json = stack([SEND], fn, DESTROY, "fn", "lambda.amazonaws.com");
    expect(graded(json)).toEqual([["agent-transitive-destroy", "warning", "aws_lambda_function.f"]]);
    expect(findings(json)[0].message).toContain("aws_iam_role.agent --sqs:SendMessage--> aws_sqs_queue.q --aws_pipes_pipe.p--> aws_lambda_function.f --runs as--> aws_iam_role.fn");
    expect(findings(json, true)[0].severity).toBe("error");
    expect(graded(stack([allow("sqs:SendMessage", "${aws_sqs_queue.other.arn}")], fn, DESTROY, "fn", "lambda.amazonaws.com"))).toEqual([]);
    expect(graded(stack([SEND], { ...fn, "aws_pipes_pipe.p": { ...(fn["aws_pipes_pipe.p"] as Obj), target_parameters: { input_template: "{}" } } }, DESTROY, "fn", "lambda.amazonaws.com"))).toEqual([]);
  });
});
