/**
 * A cdktf app of two stacks: the agent (an AgentRole, which passes every check on its own) in one, and in the other a
 * deploy role with administrator rights whose trust names the agent through a cross-stack reference. The synth-time
 * gate of the second stack reads the first one's output and agents, as `blastwall check cdktf.out` does.
 */
import { mkdtempSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { App, Aspects, DataTerraformRemoteStateLocal, Fn, LocalBackend, TerraformOutput, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { SsmParameter } from "@cdktf/provider-aws/lib/ssm-parameter";
import { BlastwallChecks } from "../../lib/cdktf";
import { checkPaths } from "../../lib/check/run-check";
import { AgentPrincipal, AgentRole } from "../../lib/constructs";

const RUNNER = "arn:aws:iam::111111111111:role/agent-runner";

/** The tagged role has no boundary: that is another finding, in its own stack, and not what these tests are about. */
const CONFIG = { acknowledgements: [{ ruleId: "agent-role-boundary", principal: "aws_iam_role.helper", reason: "a test of the cross-stack path only" }] };

const SERVICE_TRUST = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }] });

/** `agentRole`: an AgentRole (path /agents/); `tagged`: a plain role with the agent tag; `plain`: no agent at all. */
function app(opts: { agent?: "agentRole" | "tagged" | "plain"; gate?: boolean; nested?: boolean; middle?: boolean } = {}) {
  const outdir = mkdtempSync(join(tmpdir(), "blastwall-xstack-"));
  const a = new App({ outdir });
  // Stacks grouped under a construct: cdktf names the reference after the construct path (`prod/agents`).
  const agents = new TerraformStack(opts.nested ? new Construct(a, "prod") : a, "agents");
  new AwsProvider(agents, "aws", { region: "eu-west-1" });
  const kind = opts.agent ?? "agentRole";
  const arn =
    kind === "agentRole"
      ? new AgentRole(agents, "Coder", { roleName: "coder", assumedBy: [AgentPrincipal.role(RUNNER)] }).role.arn
      : new IamRole(agents, "helper", { name: "helper", assumeRolePolicy: SERVICE_TRUST, ...(kind === "tagged" ? { tags: { "blastwall:agent": "true" } } : {}) }).arn;
  let trusted = arn;
  if (opts.middle) {
    // A middle stack passes the ARN on (here through a parameter it writes): the data stack reads the middle one.
    const middle = new TerraformStack(a, "middle");
    new AwsProvider(middle, "aws", { region: "eu-west-1" });
    trusted = new SsmParameter(middle, "runner", { name: "/ci/runner", type: "String", value: arn }).value;
  }
  const data = new TerraformStack(a, "data");
  new AwsProvider(data, "aws", { region: "eu-west-1" });
  const deployer = new IamRole(data, "deployer", {
    name: "deployer",
    assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: trusted }, Action: "sts:AssumeRole" }] }),
  });
  new IamRolePolicyAttachment(data, "admin", { role: deployer.name, policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" });
  if (opts.gate !== false) Aspects.of(a).add(new BlastwallChecks({ config: CONFIG }));
  return { app: a, outdir };
}

/** An app whose stacks the test adds (`stack`), with a tagged agent in stack `agents`. */
function hopApp() {
  const a = new App({ outdir: mkdtempSync(join(tmpdir(), "blastwall-xstack-")) });
  const stack = (id: string) => {
    const s = new TerraformStack(a, id);
    new AwsProvider(s, "aws", { region: "eu-west-1" });
    return s;
  };
  const agent = new IamRole(stack("agents"), "helper", { name: "helper", assumeRolePolicy: SERVICE_TRUST, tags: { "blastwall:agent": "true" } });
  return { a, stack, agent };
}

const trust = (principal: string) => JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: principal }, Action: "sts:AssumeRole" }] });

describe("a trust that names another stack's agent by cross-stack reference", () => {
  test("fails synth of the stack that holds the trust, naming the agent of the other stack", () => {
    // An AgentRole is an agent wherever its ARN appears: it lives under /agents/.
    expect(() => app().app.synth()).toThrow(/stack "data"[\s\S]*agent-transitive-destroy[\s\S]*role\/agents\/coder[\s\S]*aws_iam_role\.deployer/);
    // A role tagged as an agent in its own stack is known here by what that stack says of it.
    expect(() => app({ agent: "tagged" }).app.synth()).toThrow(/stack "data"[\s\S]*agent-transitive-destroy[\s\S]*it may be aws_iam_role\.helper of stack agents, an agent there by tag blastwall:agent = "true"/);
  });

  test("finds the stack it reads when the stacks sit under a construct", () => {
    expect(() => app({ agent: "tagged", nested: true }).app.synth()).toThrow(/stack "data"[\s\S]*agent-transitive-destroy[\s\S]*it may be aws_iam_role\.helper of stack agents/);
  });

  test("follows an ARN a middle stack passes on", () => {
    expect(() => app({ agent: "tagged", middle: true }).app.synth()).toThrow(/stack "data"[\s\S]*agent-transitive-destroy[\s\S]*it may be aws_iam_role\.helper of stack agents/);
  });

  test("passes when the role it names is no agent", () => {
    expect(() => app({ agent: "plain" }).app.synth()).not.toThrow();
  });

  test("fails `blastwall check cdktf.out` as well, in the data stack", async () => {
    const { app: a, outdir } = app({ agent: "tagged", gate: false });
    a.synth();
    const report = await checkPaths([outdir], { config: CONFIG });
    const errors = report.findings.filter((f) => f.severity === "error" && !f.acknowledged);
    expect(errors.map((f) => [f.ruleId, f.resource, f.file.split(/[\\/]/).slice(-2, -1)[0]])).toEqual([["agent-transitive-destroy", "aws_iam_role.deployer", "data"]]);
  });

  test("follows a role of a middle stack that trusts the agent, trusted in turn by the data stack's deploy role", () => {
    const { a, stack, agent } = hopApp();
    const hop = new IamRole(stack("middle"), "hop", { name: "hop", assumeRolePolicy: trust(agent.arn) });
    const data = stack("data");
    const deployer = new IamRole(data, "deployer", { name: "deployer", assumeRolePolicy: trust(hop.arn) });
    new IamRolePolicyAttachment(data, "admin", { role: deployer.name, policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" });
    Aspects.of(a).add(new BlastwallChecks({ config: CONFIG }));
    expect(() => a.synth()).toThrow(/stack "data"[\s\S]*agent-transitive-destroy[\s\S]*it may be aws_iam_role\.hop of stack middle, which the AI agent aws_iam_role\.helper of stack agents can act as/);
  });

  test("reads the app's stacks for a remote state written by hand, as the CLI does (check round 41)", () => {
    const { a, stack, agent } = hopApp();
    const dev = stack("dev");
    new LocalBackend(dev, { path: "/app/terraform.dev.tfstate" });
    const ci = new IamRole(dev, "ci", { name: "ci-deploy", assumeRolePolicy: trust(agent.arn) });
    new TerraformOutput(dev, "ci_arn", { value: Fn.tostring(ci.arn) });
    const prod = stack("prod");
    // prod has a role of the same name: the value read from dev is still dev's.
    new IamRole(prod, "ci", { name: "ci-deploy", assumeRolePolicy: SERVICE_TRUST });
    const state = new DataTerraformRemoteStateLocal(prod, "dev-state", { path: "/app/terraform.dev.tfstate" });
    const promote = new IamRole(prod, "promote", { name: "promote", assumeRolePolicy: trust(state.getString("ci_arn")) });
    new IamRolePolicyAttachment(prod, "admin", { role: promote.name, policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" });
    Aspects.of(a).add(new BlastwallChecks({ config: CONFIG }));
    expect(() => a.synth()).toThrow(/stack "prod"[\s\S]*agent-transitive-destroy[\s\S]*role\/ci-deploy[\s\S]*aws_iam_role\.promote/);
  });

  test("a second synth of the app reads the other stacks afresh", () => {
    const a = new App({ outdir: mkdtempSync(join(tmpdir(), "blastwall-xstack-")) });
    const agents = new TerraformStack(a, "agents");
    new AwsProvider(agents, "aws", { region: "eu-west-1" });
    const helper = new IamRole(agents, "helper", { name: "helper", assumeRolePolicy: SERVICE_TRUST });
    const data = new TerraformStack(a, "data");
    new AwsProvider(data, "aws", { region: "eu-west-1" });
    const deployer = new IamRole(data, "deployer", { name: "deployer", assumeRolePolicy: trust(helper.arn) });
    new IamRolePolicyAttachment(data, "admin", { role: deployer.name, policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" });
    Aspects.of(a).add(new BlastwallChecks({ config: CONFIG }));
    a.synth();
    // Made an agent after the first synth, in the same tick: the second synth judges it so.
    helper.addOverride("tags", { "blastwall:agent": "true" });
    expect(() => a.synth()).toThrow(/stack "data"[\s\S]*agent-transitive-destroy/);
  });

  test("follows a chain that leaves the stack checked and comes back to it, as the CLI does", () => {
    // agents.helper -> model.hop1 (trusts the agent by reference) -> other.hop2 (trusts hop1 by its literal ARN)
    // -> model.deployer (trusts hop2 by reference). Judged with only the stacks it reads, model showed nothing.
    const { a, stack, agent } = hopApp();
    const model = stack("model");
    new IamRole(model, "hop1", { name: "hop1", assumeRolePolicy: trust(agent.arn) });
    const hop2 = new IamRole(stack("other"), "hop2", { name: "hop2", assumeRolePolicy: trust("arn:aws:iam::111111111111:role/hop1") });
    const deployer = new IamRole(model, "deployer", { name: "deployer", assumeRolePolicy: trust(hop2.arn) });
    new IamRolePolicyAttachment(model, "admin", { role: deployer.name, policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" });
    Aspects.of(a).add(new BlastwallChecks({ config: CONFIG }));
    expect(() => a.synth()).toThrow(/stack "model"[\s\S]*agent-transitive-destroy[\s\S]*it may be aws_iam_role\.hop2 of stack other, which the AI agent aws_iam_role\.helper of stack agents can act as/);
  });
});

/**
 * Red-team round 130, F4 and F5: the synth gate of a stack that reads another reads every stack of the app, and judges
 * their buckets (with the lifecycle and versioning resources of any stack) and functions as `blastwall check` does.
 */
describe("another stack's buckets and functions at synth", () => {
  const { S3Bucket } = require("@cdktf/provider-aws/lib/s3-bucket") as typeof import("@cdktf/provider-aws/lib/s3-bucket");
  const { S3BucketVersioningA } = require("@cdktf/provider-aws/lib/s3-bucket-versioning") as typeof import("@cdktf/provider-aws/lib/s3-bucket-versioning");
  const { S3BucketLifecycleConfiguration } = require("@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration") as typeof import("@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration");
  const { LambdaFunction } = require("@cdktf/provider-aws/lib/lambda-function") as typeof import("@cdktf/provider-aws/lib/lambda-function");
  const { IamRolePolicy } = require("@cdktf/provider-aws/lib/iam-role-policy") as typeof import("@cdktf/provider-aws/lib/iam-role-policy");

  /** `where`: the stack holding the lifecycle rule expiring noncurrent versions after `days` (none: no rule). */
  function bucketApp(opts: { where?: "data" | "ops"; days?: number }) {
    const { a, stack, agent } = hopApp();
    const data = stack("data");
    const bucket = new S3Bucket(data, "reports", { bucket: "acme-reports" });
    new S3BucketVersioningA(data, "v", { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } });
    if (opts.where) {
      const at = opts.where === "data" ? data : stack("ops");
      new S3BucketLifecycleConfiguration(at, "expire", { bucket: bucket.id, rule: [{ id: "x", status: "Enabled", filter: [{ prefix: "" }], noncurrentVersionExpiration: [{ noncurrentDays: opts.days ?? 1 }] }] });
    }
    new IamRolePolicy(agent, "writes", { role: agent.name, policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:PutObject", Resource: `${bucket.arn}/*` }] }) });
    // The bucket's own protection findings are not what these tests are about.
    const own = ["stateful-prevent-destroy", "stateful-backup-coverage"].map((ruleId) => ({ ruleId, principal: "aws_s3_bucket.reports", reason: "a test of the cross-stack overwrite only" }));
    Aspects.of(a).add(new BlastwallChecks({ config: { acknowledgements: [...CONFIG.acknowledgements, ...own] } }));
    return a;
  }

  test("a lifecycle rule in the bucket's stack or in a third one stops synth, as blastwall check does", () => {
    for (const where of ["data", "ops"] as const) expect(() => bucketApp({ where }).synth()).toThrow(/agent-overwrite-unprotected[\s\S]*only 1 day/);
  });

  test("the controls: a week, or no rule at all, passes with no warning about stores it cannot see", () => {
    for (const a of [bucketApp({ where: "ops", days: 7 }), bucketApp({})]) {
      a.synth();
      const warnings = a.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === "@cdktf/warn").map((m) => String(m.data)));
      expect(warnings.filter((w) => w.includes("agent-overwrite-unprotected"))).toEqual([]);
    }
  });

  test("invoking another stack's function whose role can destroy data is the warning, an error under strict", () => {
    const build = (strict: boolean) => {
      const { a, stack, agent } = hopApp();
      const ops = stack("ops");
      const role = new IamRole(ops, "fn", { name: "ops-cleanup", assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] }) });
      new IamRolePolicyAttachment(ops, "admin", { role: role.name, policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" });
      const fn = new LambdaFunction(ops, "cleanup", { functionName: "ops-cleanup", role: role.arn, handler: "index.handler", runtime: "python3.12", s3Bucket: "b", s3Key: "k" });
      new IamRolePolicy(agent, "invokes", { role: agent.name, policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "lambda:InvokeFunction", Resource: fn.arn }] }) });
      Aspects.of(a).add(new BlastwallChecks({ config: CONFIG, strict }));
      return a;
    };
    expect(() => build(true).synth()).toThrow(/agent-transitive-destroy[\s\S]*aws_lambda_function.cleanup of stack ops/);
    const a = build(false);
    a.synth();
    const warnings = a.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === "@cdktf/warn").map((m) => String(m.data)));
    expect(warnings.some((w) => w.includes("aws_lambda_function.cleanup of stack ops"))).toBe(true);
  });
});
