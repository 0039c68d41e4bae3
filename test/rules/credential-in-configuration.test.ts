/**
 * A credential written into a resource whose readers blastwall does not model is reported, not read as held by no one
 * (red-team round 85): an error when its user can delete data, a warning otherwise.
 */
import { mkdtempSync, readFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { App, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { IamUser } from "@cdktf/provider-aws/lib/iam-user";
import { IamAccessKey } from "@cdktf/provider-aws/lib/iam-access-key";
import { IamUserPolicyAttachment } from "@cdktf/provider-aws/lib/iam-user-policy-attachment";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { CodepipelineWebhook } from "@cdktf/provider-aws/lib/codepipeline-webhook";
import { buildStack } from "../../lib/engine/terraform/stack";
import { checkPaths, checkStacks } from "../../lib/check/run-check";
import { agentRules } from "../../lib/rules";
import { check, policy, TRUST } from "../helpers/tf";
import { KEY, stack } from "../helpers/credential-store";
import { dir } from "../hcl/helpers";

const ID = "credential-in-configuration";
const found = (json: Record<string, unknown>, strict = false) => check(json, {}, { strict }).findings.filter((f) => f.ruleId === ID);

/** A resource type no store read models: an MQ broker user's password. */
const broker = (password: string) => ({ "aws_mq_broker.q": { broker_name: "q", engine_type: "ActiveMQ", user: [{ username: "ci", password }] } });

describe("a credential in a resource blastwall does not model as a store", () => {
  test("an error naming the resource, the attribute, the key, its user and what the user can do", () => {
    const f = found(stack(broker(KEY), "s3:GetObject", "arn:aws:s3:::b/*"));
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe("error");
    expect(f[0].resource).toBe("aws_mq_broker.q");
    expect(f[0].actions).toContain("ec2:DeleteVolume");
    expect(f[0].message).toMatch(/aws_mq_broker\.q holds an access key of aws_iam_user\.ops \(aws_iam_access_key\.k\) in its user/);
    expect(f[0].message).toMatch(/does not know which read action of aws_mq_broker returns user/);
    expect(f[0].evidence.find((e) => e.address === "aws_iam_user.ops")?.detail).toBe("user ops, whose credential it is");
    expect(f[0].fix).toMatch(/out of resource configuration[\s\S]*Secrets Manager under a resource policy/);
  });

  test("an attribute a modelled store's reads do not return (a function's tags) is reported too", () => {
    const fn = { "aws_lambda_function.f": { function_name: "f", role: "arn:aws:iam::111111111111:role/r", tags: { k: KEY } } };
    expect(found(stack(fn, "s3:GetObject", "arn:aws:s3:::b/*")).map((f) => f.message)).toEqual([expect.stringMatching(/in its tags/)]);
  });

  test("a user that can delete nothing: a warning, an error with --strict", () => {
    const json = stack(broker(KEY), "s3:GetObject", "arn:aws:s3:::b/*");
    const resources = json.resource as Record<string, Record<string, Record<string, unknown>>>;
    resources.aws_iam_user_policy.ops.policy = policy({ Effect: "Allow", Action: "s3:ListBucket", Resource: "*" });
    expect(found(json).map((f) => f.severity)).toEqual(["warning"]);
    expect(found(json, true).map((f) => f.severity)).toEqual(["error"]);
  });

  test("a key whose user blastwall cannot resolve: an error (its rights may be anything)", () => {
    const json = stack(broker(KEY), "s3:GetObject", "arn:aws:s3:::b/*");
    const resources = json.resource as Record<string, Record<string, Record<string, unknown>>>;
    resources.aws_iam_access_key.k.user = "${var.who}";
    const f = found(json);
    expect(f.map((x) => x.severity)).toEqual(["error"]);
    expect(f[0].message).toMatch(/a user blastwall cannot resolve/);
  });

  test("a console password and the whole key object count; the key's id alone does not", () => {
    const profile = { "aws_iam_user_login_profile.p": { user: "${aws_iam_user.ops.name}" } };
    expect(found(stack({ ...profile, ...broker("${aws_iam_user_login_profile.p.password}") }, "s3:GetObject", "*")).map((f) => f.message)).toEqual([expect.stringMatching(/console password of aws_iam_user\.ops/)]);
    expect(found(stack(broker("${jsonencode(aws_iam_access_key.k)}"), "s3:GetObject", "*"))).toHaveLength(1);
    expect(found(stack(broker("${aws_iam_access_key.k.id}"), "s3:GetObject", "*"))).toEqual([]);
  });

  test("a key reached through a local is followed", () => {
    const json = stack(broker("${local.creds}"), "s3:GetObject", "*");
    json.locals = { creds: "${aws_iam_access_key.k.secret}" };
    expect(found(json)).toHaveLength(1);
  });

  test("the controls: no credential, depends_on, another provider's resource, and a stack with no agent", () => {
    expect(found(stack(broker("plain-password-1"), "s3:GetObject", "*"))).toEqual([]);
    const dependsOn = { "aws_mq_broker.q": { broker_name: "q", depends_on: ["aws_iam_access_key.k"] } };
    expect(found(stack(dependsOn, "s3:GetObject", "*"))).toEqual([]);
    expect(found(stack({ "github_actions_secret.s": { repository: "r", secret_name: "K", plaintext_value: KEY } }, "s3:GetObject", "*"))).toEqual([]);
    const json = stack(broker(KEY), "s3:GetObject", "*");
    const resources = json.resource as Record<string, Record<string, Record<string, unknown>>>;
    // No tag and no /agents/ path: no agent principal at all.
    const role = resources.aws_iam_role.agent as { tags?: unknown; path?: unknown };
    delete role.tags;
    delete role.path;
    expect(found(json)).toEqual([]);
  });

  test("the same key in a modelled store keeps today's chain, with no fail-closed finding", () => {
    const fn = { "aws_lambda_function.f": { function_name: "f", role: "arn:aws:iam::111111111111:role/r", environment: [{ variables: { K: KEY } }] } };
    const r = check(stack(fn, "lambda:GetFunctionConfiguration", "*"));
    expect(r.findings.filter((f) => f.ruleId === "agent-transitive-destroy").map((f) => f.resource)).toEqual(["aws_iam_user.ops"]);
    expect(r.findings.filter((f) => f.ruleId === ID)).toEqual([]);
  });

  test("a plan's literal secret in an unmodelled resource is that user's key", () => {
    const secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    const json = stack(broker(secret), "s3:GetObject", "*");
    const resources = json.resource as Record<string, Record<string, Record<string, unknown>>>;
    resources.aws_iam_access_key.k.secret = secret;
    const r = checkStacks([buildStack(json, "plan.json")], { config: {}, rules: agentRules });
    expect(r.findings.filter((f) => f.ruleId === ID).map((f) => f.message)).toEqual([expect.stringMatching(/access key of aws_iam_user\.ops/)]);
  });
});

describe("through the readers", () => {
  test("HCL: a key in a CodePipeline webhook's secret token fails the gate", async () => {
    const d = dir({
      "main.tf": `
resource "aws_iam_user" "deploy" { name = "deploy" }
resource "aws_iam_user_policy_attachment" "admin" {
  user       = aws_iam_user.deploy.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}
resource "aws_iam_access_key" "deploy" { user = aws_iam_user.deploy.name }
resource "aws_codepipeline_webhook" "w" {
  name            = "w"
  authentication  = "GITHUB_HMAC"
  target_action   = "Source"
  target_pipeline = "p"
  authentication_configuration { secret_token = aws_iam_access_key.deploy.secret }
  filter {
    json_path    = "$.ref"
    match_equals = "refs/heads/main"
  }
}
resource "aws_iam_role" "agent" {
  name               = "agent"
  assume_role_policy = ${JSON.stringify(TRUST)}
  tags               = { "blastwall:agent" = "true" }
}
`,
    });
    const r = await checkPaths([d], { config: {}, rules: agentRules });
    const f = r.findings.filter((x) => x.ruleId === ID);
    expect(f.map((x) => [x.resource, x.severity])).toEqual([["aws_codepipeline_webhook.w", "error"]]);
    expect(f[0].message).toMatch(/access key of aws_iam_user\.deploy \(aws_iam_access_key\.deploy\) in its authentication_configuration/);
  });

  test("cdktf synth: the same key, through cdk.tf.json", async () => {
    const outdir = mkdtempSync(join(tmpdir(), "blastwall-synth-"));
    const app = new App({ outdir });
    const s = new TerraformStack(app, "agents");
    new AwsProvider(s, "aws", { region: "eu-west-1" });
    const u = new IamUser(s, "deployer", { name: "legacy-deployer" });
    new IamUserPolicyAttachment(s, "admin", { user: u.name, policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" });
    const key = new IamAccessKey(s, "key", { user: u.name });
    new CodepipelineWebhook(s, "hook", {
      name: "hook",
      authentication: "GITHUB_HMAC",
      targetAction: "Source",
      targetPipeline: "p",
      authenticationConfiguration: { secretToken: key.secret },
      filter: [{ jsonPath: "$.ref", matchEquals: "refs/heads/main" }],
    });
    const agent = new IamRole(s, "agent", { name: "agent", assumeRolePolicy: TRUST, tags: { "blastwall:agent": "true" } });
    new IamRolePolicy(s, "work", { role: agent.name, policy: policy({ Effect: "Allow", Action: "codepipeline:ListWebhooks", Resource: "*" }) });
    app.synth();
    const file = join(outdir, "stacks", "agents", "cdk.tf.json");
    expect(readFileSync(file, "utf8")).toContain("aws_iam_access_key.key.secret");
    const r = await checkPaths([file], { config: {}, rules: agentRules });
    expect(r.findings.filter((x) => x.ruleId === ID).map((x) => [x.resource, x.severity])).toEqual([["aws_codepipeline_webhook.hook", "error"]]);
  });
});

test("87. the same key in a modelled argument and in another argument of one resource: the other argument is reported", () => {
  const param = (tags?: Record<string, string>) => ({ "aws_ssm_parameter.p": { name: "/x/key", type: "SecureString", value: KEY, ...(tags ? { tags } : {}) } });
  const fn = (tags?: Record<string, string>) => ({ "aws_lambda_function.f": { function_name: "f", role: "arn:aws:iam::111111111111:role/r", environment: [{ variables: { K: KEY } }], ...(tags ? { tags } : {}) } });
  expect(found(stack(param({ k: KEY }), "s3:GetObject", "arn:aws:s3:::b/*")).map((f) => f.message)).toEqual([expect.stringMatching(/aws_ssm_parameter\.p holds .* in its tags/)]);
  expect(found(stack(fn({ k: KEY }), "s3:GetObject", "arn:aws:s3:::b/*")).map((f) => f.message)).toEqual([expect.stringMatching(/aws_lambda_function\.f holds .* in its tags/)]);
  // The controls: the key in the modelled argument alone is the reach graph's to judge.
  expect(found(stack(param(), "s3:GetObject", "arn:aws:s3:::b/*"))).toEqual([]);
  expect(found(stack(fn(), "s3:GetObject", "arn:aws:s3:::b/*"))).toEqual([]);
});

test("87. a managed store's value copied into another resource carries the key it holds", () => {
  const param = { "aws_ssm_parameter.p": { name: "/x/key", type: "SecureString", value: KEY } };
  const topic = (ref: string) => ({ "aws_sns_topic.t": { name: "t", tags: { k: `\${aws_ssm_parameter.p.${ref}}` } } });
  expect(found(stack({ ...param, ...topic("value") }, "s3:GetObject", "arn:aws:s3:::b/*")).map((f) => f.resource)).toEqual(["aws_sns_topic.t"]);
  const secret = { "aws_secretsmanager_secret_version.v": { secret_id: "s", secret_string: KEY }, "aws_sns_topic.t": { name: "t", tags: { k: "${aws_secretsmanager_secret_version.v.secret_string}" } } };
  expect(found(stack(secret, "s3:GetObject", "arn:aws:s3:::b/*")).map((f) => f.resource)).toEqual(["aws_sns_topic.t"]);
  // The control: the parameter's name holds no key.
  expect(found(stack({ ...param, ...topic("name") }, "s3:GetObject", "arn:aws:s3:::b/*"))).toEqual([]);
});
