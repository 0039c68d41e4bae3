/**
 * Glue configuration that AWS returns in plain text beside a job's arguments: a trigger's job arguments and a
 * workflow's run properties (red-team round 59).
 */
import { check, errors } from "../helpers/tf";
import { KEY, stack } from "../helpers/credential-store";

const reaches = (json: Record<string, unknown>) => errors(check(json), "agent-transitive-destroy").map((f) => f.resource);

const trigger = (args: Record<string, string>) => ({ "aws_glue_trigger.nightly": { name: "nightly", type: "SCHEDULED", schedule: "cron(0 3 * * ? *)", actions: [{ job_name: "export", arguments: args }] } });
const workflow = (props: Record<string, string>) => ({ "aws_glue_workflow.etl": { name: "etl", default_run_properties: props } });

test.each([
  ["a trigger's job arguments", trigger({ "--secret": KEY }), ["glue:GetTrigger", "glue:GetTriggers", "glue:BatchGetTriggers"], "arn:aws:glue:eu-west-1:111111111111:trigger/nightly"],
  ["a workflow's run properties", workflow({ secret: KEY }), ["glue:GetWorkflow", "glue:BatchGetWorkflows", "glue:GetWorkflowRunProperties"], "arn:aws:glue:eu-west-1:111111111111:workflow/etl"],
])("%s hold the key: each read reaches its user", (_, store, actions, arn) => {
  for (const a of actions) expect(reaches(stack(store, a, a.includes("Batch") || a.endsWith("s") ? "*" : arn))).toEqual(["aws_iam_user.ops"]);
});

test("the controls: no key there, or a read of another trigger or workflow", () => {
  expect(reaches(stack(trigger({ "--day": "1" }), "glue:GetTrigger", "*"))).toEqual([]);
  expect(reaches(stack(workflow({ day: "1" }), "glue:GetWorkflow", "*"))).toEqual([]);
  expect(reaches(stack(trigger({ "--secret": KEY }), "glue:GetTrigger", "arn:aws:glue:eu-west-1:111111111111:trigger/other"))).toEqual([]);
});
