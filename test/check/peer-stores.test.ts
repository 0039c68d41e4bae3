/**
 * Stores of the other stacks of one run (red-team round 19): an agent of one stack that may overwrite another stack's
 * unversioned bucket or table without point-in-time recovery does so as certainly as in its own stack.
 */
import { buildStack } from "../../lib/engine/terraform/stack";
import { checkStacks } from "../../lib/check/run-check";
import { agentRules } from "../../lib/rules";
import { agentRole, policy, tf } from "../helpers/tf";

type Obj = Record<string, unknown>;

function run(action: string | string[], resource: string, data: Record<string, Obj>, opts: { alone?: boolean } = {}) {
  const agent = tf({
    "aws_iam_role.agent": agentRole(),
    "aws_iam_role_policy.agent": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: action, Resource: resource }) },
  });
  const stacks = [buildStack(agent, "agent.tf.json", "agent"), ...(opts.alone ? [] : [buildStack(tf(data), "data.tf.json", "data")])];
  return checkStacks(stacks, { config: {}, rules: agentRules }).findings.filter((f) => f.ruleId === "agent-overwrite-unprotected");
}

const bucket = { "aws_s3_bucket.reports": { bucket: "prod-reports" } };
const versioned = { ...bucket, "aws_s3_bucket_versioning.reports": { bucket: "${aws_s3_bucket.reports.id}", versioning_configuration: [{ status: "Enabled" }] } };

test("a write to another stack's unversioned bucket is an error naming that bucket and stack", () => {
  const [f] = run("s3:PutObject", "arn:aws:s3:::prod-reports/*", bucket);
  expect(f.severity).toBe("error");
  expect(f.message).toContain("can overwrite what aws_s3_bucket.reports of stack data holds, which keeps no object versions");
});

test("a table of another stack without point-in-time recovery too", () => {
  const table = { "aws_dynamodb_table.orders": { name: "orders", hash_key: "pk", attribute: [{ name: "pk", type: "S" }] } };
  const [f] = run("dynamodb:PutItem", "arn:aws:dynamodb:eu-west-1:111111111111:table/orders", table);
  expect(f).toMatchObject({ severity: "error", actions: ["dynamodb:PutItem"] });
});

test("the controls: a versioned bucket of another stack, or the same write checked alone, is the warning about unseen stores", () => {
  expect(run("s3:PutObject", "arn:aws:s3:::prod-reports/*", versioned).map((f) => f.severity)).toEqual(["warning"]);
  expect(run("s3:PutObject", "arn:aws:s3:::prod-reports/*", bucket, { alone: true }).map((f) => f.severity)).toEqual(["warning"]);
});

test("a wildcard write is both: an error for the other stack's bucket, and the warning for stores no stack shows", () => {
  expect(run("s3:PutObject", "*", bucket).map((f) => f.severity).sort()).toEqual(["error", "warning"]);
});
