/**
 * Functions of the other stacks of one run (red-team round 130, F3): an agent that can invoke a function of another
 * checked stack, or feed it through that stack's queue, makes it run with its payload as it would in its own stack.
 * The function and its role are judged in their stack; the grant and any Deny are the agent's.
 */
import { buildStack } from "../../lib/engine/terraform/stack";
import { checkStacks } from "../../lib/check/run-check";
import { agentRules } from "../../lib/rules";
import { agentRole, policy, tf } from "../helpers/tf";

type Obj = Record<string, unknown>;

const LAMBDA_TRUST = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] });

/** The ops stack: a function running as an administrator role (or a read-only one), fed by a queue. */
function opsStack(opts: { readOnly?: boolean; roleUnknown?: boolean; permission?: Obj } = {}) {
  return buildStack(
    tf(
      {
        "aws_iam_role.fn": { name: "ops-cleanup", assume_role_policy: LAMBDA_TRUST },
        "aws_iam_role_policy_attachment.fn": { role: "${aws_iam_role.fn.name}", policy_arn: `arn:aws:iam::aws:policy/${opts.readOnly ? "ReadOnlyAccess" : "AdministratorAccess"}` },
        "aws_lambda_function.cleanup": { function_name: "ops-cleanup", role: opts.roleUnknown ? "${var.role_arn}" : "${aws_iam_role.fn.arn}", handler: "index.handler", runtime: "python3.12" },
        "aws_sqs_queue.jobs": { name: "ops-jobs" },
        "aws_lambda_event_source_mapping.jobs": { event_source_arn: "${aws_sqs_queue.jobs.arn}", function_name: "${aws_lambda_function.cleanup.arn}" },
        ...(opts.permission ? { "aws_lambda_permission.sns": { action: "lambda:InvokeFunction", function_name: "${aws_lambda_function.cleanup.function_name}", principal: "sns.amazonaws.com", ...opts.permission } } : {}),
      },
      { provider: { aws: [{ region: "eu-west-1" }] }, terraform: { backend: { local: { path: "/state/ops.tfstate" } } }, output: { fn: { value: "${aws_lambda_function.cleanup.arn}" }, queue: { value: "${aws_sqs_queue.jobs.arn}" } } },
    ),
    "ops.tf.json",
    "ops",
  );
}

function agentStack(...statements: Obj[]) {
  return buildStack(
    tf({
      "data.terraform_remote_state.ops": { backend: "local", config: { path: "/state/ops.tfstate" } },
      "aws_iam_role.agent": agentRole(),
      "aws_iam_role_policy.agent": { role: "${aws_iam_role.agent.name}", policy: policy(...statements) },
    }),
    "agent.tf.json",
    "agent",
  );
}

function invokes(agent: ReturnType<typeof agentStack>, opts: { strict?: boolean; alone?: boolean; readOnly?: boolean; roleUnknown?: boolean; permission?: Obj } = {}) {
  const stacks = opts.alone ? [agent] : [agent, opsStack(opts)];
  return checkStacks(stacks, { config: {}, rules: agentRules, strict: opts.strict }).findings.filter((f) => f.ruleId === "agent-transitive-destroy");
}

const INVOKE_BY_REF = { Effect: "Allow", Action: "lambda:InvokeFunction", Resource: "${data.terraform_remote_state.ops.outputs.fn}" };

test("invoking another stack's function by cross-stack reference is the warning its own stack gives, an error under --strict", () => {
  const [f, ...rest] = invokes(agentStack(INVOKE_BY_REF));
  expect(rest).toEqual([]);
  expect(f).toMatchObject({ severity: "warning", principal: "aws_iam_role.agent", resource: "aws_iam_role_policy.agent" });
  expect(f.message).toContain("can invoke aws_lambda_function.cleanup of stack ops (lambda:InvokeFunction, through aws_iam_role_policy.agent");
  expect(f.message).toContain("which runs as aws_iam_role.fn of stack ops, a role that can delete data");
  expect(f.fix).toContain("Take the destroy rights off aws_iam_role.fn of stack ops");
  expect(invokes(agentStack(INVOKE_BY_REF), { strict: true }).map((x) => x.severity)).toEqual(["error"]);
});

test("by its literal ARN, a version of it, or on every function", () => {
  for (const resource of ["arn:aws:lambda:eu-west-1:111111111111:function:ops-cleanup", "arn:aws:lambda:eu-west-1:111111111111:function:ops-cleanup:live", "*"]) {
    expect(invokes(agentStack({ Effect: "Allow", Action: "lambda:InvokeFunction", Resource: resource })).map((x) => x.resource)).toEqual(["aws_iam_role_policy.agent"]);
  }
});

test("sending to the other stack's queue that an event source mapping feeds to the function", () => {
  const [f] = invokes(agentStack({ Effect: "Allow", Action: "sqs:SendMessage", Resource: "${data.terraform_remote_state.ops.outputs.queue}" }));
  expect(f.message).toContain("can send messages to aws_sqs_queue.jobs of stack ops (sqs:SendMessage");
  expect(f.message).toContain("which aws_lambda_event_source_mapping.jobs of stack ops feeds to aws_lambda_function.cleanup of stack ops");
});

test("a Lambda permission of the other stack for SNS with no source_arn: a topic the agent subscribes the function to and publishes to", () => {
  const both = { Effect: "Allow", Action: ["sns:Subscribe", "sns:Publish"], Resource: "*" };
  const own = { source_account: "111111111111" };
  const [f, ...rest] = invokes(agentStack(both), { permission: own });
  expect(rest).toEqual([]);
  expect(f.message).toContain("can set up any SNS topic of account 111111111111 to invoke a function (sns:Subscribe, sns:Publish, through aws_iam_role_policy.agent statement #0)");
  expect(f.message).toContain("aws_lambda_permission.sns of stack ops lets sns.amazonaws.com invoke aws_lambda_function.cleanup of stack ops");
  expect(invokes(agentStack({ Effect: "Allow", Action: "sns:Publish", Resource: "*" }), { permission: own })).toEqual([]);
  // With neither source_arn nor source_account, a topic of any account may invoke it: open to anyone, reported in the
  // stack that holds the permission (as a function URL with no auth is), not once per agent stack.
  expect(invokes(agentStack({ Effect: "Allow", Action: "sns:Publish", Resource: "*" }), { permission: {} })).toEqual([]);
  const scratch = { ...both, Resource: "arn:aws:sns:eu-west-1:111111111111:agent-*" };
  expect(invokes(agentStack(scratch), { permission: { source_arn: "arn:aws:sns:eu-west-1:111111111111:ops-alerts" } })).toEqual([]);
  expect(invokes(agentStack(scratch), { permission: { source_arn: "arn:aws:sns:eu-west-1:111111111111:*" } })).toHaveLength(1);
  expect(invokes(agentStack(both))).toEqual([]);
});

test("a function of the other stack whose role blastwall cannot resolve is the unknown-role warning", () => {
  const [f] = invokes(agentStack(INVOKE_BY_REF), { roleUnknown: true });
  expect(f.message).toContain("a function whose role blastwall cannot resolve");
});

test("the controls: a read-only role, another function, a Deny of the agent's own, or the agent's stack checked alone", () => {
  expect(invokes(agentStack(INVOKE_BY_REF), { readOnly: true })).toEqual([]);
  expect(invokes(agentStack({ Effect: "Allow", Action: "lambda:InvokeFunction", Resource: "arn:aws:lambda:*:*:function:ops-report" }))).toEqual([]);
  expect(invokes(agentStack({ Effect: "Allow", Action: "sqs:SendMessage", Resource: "arn:aws:sqs:*:*:ops-other" }))).toEqual([]);
  expect(invokes(agentStack({ Effect: "Allow", Action: "lambda:InvokeFunction", Resource: "*" }, { Effect: "Deny", Action: "lambda:InvokeFunction", Resource: "arn:aws:lambda:*:*:function:ops-cleanup*" }))).toEqual([]);
  expect(invokes(agentStack({ Effect: "Allow", Action: "sqs:SendMessage", Resource: "*" }, { Effect: "Deny", Action: "sqs:*", Resource: "arn:aws:sqs:*:*:ops-jobs" })).filter((f) => f.message.includes("ops-jobs") || f.message.includes("jobs of stack ops"))).toEqual([]);
  expect(invokes(agentStack(INVOKE_BY_REF), { alone: true })).toEqual([]);
});

test("the ops stack itself reports nothing for the other stack's agent, and its function is judged once", () => {
  const report = checkStacks([agentStack(INVOKE_BY_REF), opsStack()], { config: {}, rules: agentRules });
  const invoke = report.findings.filter((f) => f.ruleId === "agent-transitive-destroy");
  expect(invoke.map((f) => f.file)).toEqual(["agent.tf.json"]);
});
