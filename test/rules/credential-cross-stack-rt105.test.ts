/**
 * Red-team round 105 (F4): a key of one stack handed to another by a cdktf cross-stack reference
 * (`data.terraform_remote_state...outputs...`) is followed into the stack that makes it, when the run checks that
 * stack. Its user's rights are that stack's: this stack's check cannot see them, so it fails closed.
 */
import { mkdtempSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { App, Aspects, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { IamUser } from "@cdktf/provider-aws/lib/iam-user";
import { IamAccessKey } from "@cdktf/provider-aws/lib/iam-access-key";
import { IamUserPolicyAttachment } from "@cdktf/provider-aws/lib/iam-user-policy-attachment";
import { SsmParameter } from "@cdktf/provider-aws/lib/ssm-parameter";
import { buildStack } from "../../lib/engine/terraform/stack";
import { checkStacks } from "../../lib/check/run-check";
import { agentRules } from "../../lib/rules";
import { BlastwallChecks } from "../../lib/cdktf";
import { AgentPrincipal, AgentRole } from "../../lib/constructs";
import { agentRole, policy, tf } from "../helpers/tf";

type Obj = Record<string, unknown>;

const LOCAL = { local: { path: "/app/terraform.identity.tfstate" } };
const OUTPUT = "cross-stack-output-aws_iam_access_keycisecret";
const REF = `\${data.terraform_remote_state.cross-stack-reference-input-identity.outputs.${OUTPUT}}`;

/** The identity stack as cdktf writes it: an admin user, its key, and the output a reference made (`value`). */
function identity(value = "${aws_iam_access_key.ci.secret}"): Obj {
  return tf(
    {
      "aws_iam_user.ci": { name: "ci-deployer" },
      "aws_iam_user_policy_attachment.ci": { user: "${aws_iam_user.ci.name}", policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess" },
      "aws_iam_access_key.ci": { user: "${aws_iam_user.ci.name}" },
    },
    { terraform: { backend: LOCAL }, output: { [OUTPUT]: { value, sensitive: true } } },
  );
}

/** The prod stack: an agent that may `action`, the remote state, and `extra` holding REF. */
function prod(action: string, extra: Record<string, Obj>): Obj {
  return tf(
    {
      "data.terraform_remote_state.cross-stack-reference-input-identity": { backend: "local", config: LOCAL.local, workspace: "${terraform.workspace}" },
      "aws_iam_role.agent": agentRole(),
      "aws_iam_role_policy.agent": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: action, Resource: "*" }) },
      ...extra,
    },
    { terraform: { backend: { local: { path: "/app/terraform.prod.tfstate" } } } },
  );
}

const tagged = (value: string) => ({ "aws_ssm_parameter.p": { name: "/ci/note", type: "String", value: "see tags", tags: { k: value } } });
const stored = (value: string) => ({ "aws_secretsmanager_secret.s": { name: "ci/deployer" }, "aws_secretsmanager_secret_version.s": { secret_id: "${aws_secretsmanager_secret.s.id}", secret_string: value } });

/** Errors of the prod stack, checked in one run with the identity stack (null: without it). */
function prodErrors(prodJson: Obj, identityJson: Obj | null = identity()) {
  const stacks = [...(identityJson ? [buildStack(identityJson, "cdktf.out/stacks/identity/cdk.tf.json", "identity")] : []), buildStack(prodJson, "cdktf.out/stacks/prod/cdk.tf.json", "prod")];
  return checkStacks(stacks, { config: {}, rules: agentRules }).findings.filter((f) => f.severity === "error" && f.file.includes("/prod/"));
}

describe("a key of another stack handed over by a cross-stack reference", () => {
  test("in tags: credential-in-configuration, naming the key and its user in the other stack, fail closed", () => {
    const f = prodErrors(prod("ssm:ListTagsForResource", tagged(REF))).filter((x) => x.ruleId === "credential-in-configuration");
    expect(f.map((x) => x.resource)).toEqual(["aws_ssm_parameter.p"]);
    expect(f[0].message).toMatch(/holds an access key of a user blastwall cannot resolve \(aws_iam_access_key\.ci of stack identity, user aws_iam_user\.ci there\) in its tags argument, whose rights blastwall cannot see/);
  });

  test("in a secret the agent reads: a credential whose rights blastwall cannot see, an error (not the computed-value warning)", () => {
    const f = prodErrors(prod("secretsmanager:GetSecretValue", stored(REF)));
    expect(f.map((x) => x.ruleId)).toEqual(["agent-reach-unknown"]);
    expect(f[0].message).toMatch(/reads an access key \(aws_iam_access_key\.ci of stack identity, user aws_iam_user\.ci there\), a credential whose rights blastwall cannot see/);
  });

  test("an output the other stack passes through terraform_data is followed there", () => {
    const json = identity("${terraform_data.k.output}");
    ((json.resource as Obj).terraform_data as Obj) = { k: { input: "${aws_iam_access_key.ci.secret}" } };
    expect(prodErrors(prod("ssm:ListTagsForResource", tagged(REF)), json).map((x) => x.ruleId)).toEqual(["credential-in-configuration"]);
  });

  test("controls: the key's id, an output holding no key, the identity stack not in the run", () => {
    expect(prodErrors(prod("ssm:ListTagsForResource", tagged(REF)), identity("${aws_iam_access_key.ci.id}"))).toEqual([]);
    expect(prodErrors(prod("ssm:ListTagsForResource", tagged(REF)), identity("${aws_iam_user.ci.arn}"))).toEqual([]);
    expect(prodErrors(prod("ssm:ListTagsForResource", tagged(REF)), null)).toEqual([]);
  });
});

test("the synth gate fails the stack the key is handed to", () => {
  const a = new App({ outdir: mkdtempSync(join(tmpdir(), "blastwall-xkey-")) });
  const idn = new TerraformStack(a, "identity");
  new AwsProvider(idn, "aws", { region: "eu-west-1", allowedAccountIds: ["111111111111"] });
  const ci = new IamUser(idn, "ci", { name: "ci-deployer" });
  new IamUserPolicyAttachment(idn, "admin", { user: ci.name, policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" });
  const key = new IamAccessKey(idn, "key", { user: ci.name });
  const p = new TerraformStack(a, "prod");
  new AwsProvider(p, "aws", { region: "eu-west-1", allowedAccountIds: ["111111111111"] });
  new AgentRole(p, "Coder", { roleName: "coder", assumedBy: [AgentPrincipal.role("arn:aws:iam::111111111111:role/agent-runner")] }).grantReadOnly("ssm");
  new SsmParameter(p, "note", { name: "/ci/note", type: "String", value: "see tags", tags: { k: key.secret } });
  Aspects.of(a).add(new BlastwallChecks());
  expect(() => a.synth()).toThrow(/stack "prod"[\s\S]*credential-in-configuration[\s\S]*aws_iam_access_key\.key of stack identity/);
});
