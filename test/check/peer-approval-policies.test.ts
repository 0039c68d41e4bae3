/**
 * The auto-approval policy for just-in-time node access of another stack of one run (red-team round 133, F3): the
 * account has one per Region, kept in a central stack, and it approves every request there. Checked with the agent's
 * stack, it opens the same shell on a node as one in the agent's own stack, so it is judged the same (errors, not the
 * GetAccessToken warning), unless it is pinned to another account or sits in another Region than the node.
 */
import { buildStack } from "../../lib/engine/terraform/stack";
import { checkStacks } from "../../lib/check/run-check";
import { agentRules } from "../../lib/rules";
import { agentRole, policy, tf } from "../helpers/tf";

type Obj = Record<string, unknown>;

const JIT = ["ssm:StartAccessRequest", "ssm:GetAccessToken"];
const PERMIT = 'permit (principal, action == AWS::SSM::Action::"getTokenForInstanceAccess", resource);';
const EC2_TRUST = policy({ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" });
const pinned = (region: string, account = "111111111111") => ({ aws: [{ region, allowed_account_ids: [account] }] });

/** The agent: JIT rights on `resource`, and an instance running as a role that can delete objects. */
function agents(resource: string | string[] = "*", provider: Obj = pinned("us-east-1")): Obj {
  return tf(
    {
      "aws_iam_role.agent": agentRole(),
      "aws_iam_role_policy.agent": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: JIT, Resource: resource }) },
      "aws_iam_role.strong": { name: "strong", assume_role_policy: EC2_TRUST },
      "aws_iam_role_policy.strong": { role: "${aws_iam_role.strong.name}", policy: policy({ Effect: "Allow", Action: "s3:DeleteObject", Resource: "arn:aws:s3:::uploads/*" }) },
      "aws_iam_instance_profile.node": { name: "node", role: "${aws_iam_role.strong.name}" },
      "aws_instance.web": { ami: "ami-12345678", instance_type: "t3.micro", iam_instance_profile: "${aws_iam_instance_profile.node.name}" },
    },
    { provider },
  );
}

/** The central stack: the account's auto-approval policy (`doc` overrides its arguments). */
function central(provider: Obj = pinned("us-east-1"), doc: Obj = {}): Obj {
  return tf({ "aws_ssm_document.auto": { name: "auto-approval", document_type: "AutoApprovalPolicy", document_format: "TEXT", content: PERMIT, ...doc } }, { provider });
}

function run(...stacks: Obj[]) {
  const names = ["agents", "central"];
  return checkStacks(
    stacks.map((json, i) => buildStack(json, `${names[i]}.tf.json`, names[i])),
    { config: {}, rules: agentRules },
  ).findings.filter((f) => f.severity === "error");
}
const rules = (fs: ReturnType<typeof run>) => [...new Set(fs.map((f) => f.ruleId))].sort();
const text = (fs: ReturnType<typeof run>) => fs.flatMap((f) => f.evidence.map((e) => e.detail)).join("\n");

test("a central stack's approval policy of the same account and Region: the errors the agent's own stack's policy gives", () => {
  const own = checkStacks([buildStack({ ...agents(), resource: { ...(agents().resource as Obj), ...(central().resource as Obj) } }, "own.tf.json")], { config: {}, rules: agentRules }).findings.filter((f) => f.severity === "error");
  const fs = run(agents(), central());
  expect(rules(fs)).toEqual(["agent-reach-unknown", "agent-transitive-destroy"]);
  expect(rules(fs)).toEqual(rules(own));
  expect(text(fs)).toContain("lets it request just-in-time access to aws_instance.web, which the auto-approval policy aws_ssm_document.auto of stack central (one per account and Region: it may be this account's in us-east-1 and applies to every request there) may approve at once");
});

test("not pinned, or a type or content blastwall cannot read: it may be the account's (fail closed)", () => {
  expect(rules(run(agents(), central({ aws: [{ region: "us-east-1" }] })))).toEqual(["agent-reach-unknown", "agent-transitive-destroy"]);
  expect(rules(run(agents(), central(pinned("us-east-1"), { document_type: "${var.t}" })))).toContain("agent-transitive-destroy");
  expect(rules(run(agents("arn:aws:ec2:us-east-1:111111111111:instance/*"), central(pinned("us-east-1"), { content: "${file(\"policy.cedar\")}" })))).toContain("agent-reach-unknown");
});

test("the controls: another account, another Region, a document of another type, a policy that permits nothing", () => {
  expect(run(agents())).toEqual([]);
  expect(run(agents(), central(pinned("us-east-1", "222222222222")))).toEqual([]);
  expect(run(agents(), central(pinned("us-east-1"), { document_type: "Command" }))).toEqual([]);
  expect(run(agents(), central(pinned("us-east-1"), { content: "forbid (principal, action, resource);" }))).toEqual([]);
});

test("a request meets only the policy of its node's Region", () => {
  expect(run(agents("arn:aws:ec2:us-east-1:111111111111:instance/*"), central(pinned("eu-west-1")))).toEqual([]);
  // On `*`: the stack's instance is in us-east-1, but the agent may ask for nodes of eu-west-1 as well.
  expect(rules(run(agents(), central(pinned("eu-west-1"))))).toEqual(["agent-reach-unknown"]);
  expect(rules(run(agents("arn:aws:ec2:eu-west-1:111111111111:instance/*", pinned("eu-west-1")), central(pinned("eu-west-1"))))).toEqual(["agent-reach-unknown", "agent-transitive-destroy"]);
  // The stack's instance is in us-east-1, the nodes the pattern names outside the stack in eu-west-1.
  expect(rules(run(agents("arn:aws:ec2:eu-west-1:111111111111:instance/*"), central(pinned("us-east-1"))))).toEqual([]);
});
