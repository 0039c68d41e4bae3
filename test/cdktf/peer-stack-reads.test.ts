/**
 * How the synth gate reads the other stacks of an app (red-team round 143): with the local modules they call, as
 * their own validation and `blastwall check cdktf.out` read them, and afresh in each `app.synth()`, also when one
 * gate on the last stack sees two synths of one tick at the same position.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { App, Aspects, TerraformHclModule, TerraformStack } from "cdktf";
import type { IAspect } from "cdktf";
import type { IConstruct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { BlastwallChecks } from "../../lib/cdktf";

const policy = (statement: Record<string, unknown>) => JSON.stringify({ Version: "2012-10-17", Statement: [statement] });
const trust = (aws: string) => policy({ Effect: "Allow", Principal: { AWS: aws }, Action: "sts:AssumeRole" });
const SERVICE_TRUST = policy({ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" });
const ADMIN = policy({ Effect: "Allow", Action: "*", Resource: "*" });
const READ = policy({ Effect: "Allow", Action: "s3:GetObject", Resource: "*" });

function folder(files: Record<string, string>): string {
  const dir = join(mkdtempSync(join(tmpdir(), "blastwall-peermod-")), "module");
  mkdirSync(dir, { recursive: true });
  for (const [name, body] of Object.entries(files)) writeFileSync(join(dir, name), body);
  return dir;
}

/** A module that makes role `coder` (an agent when `tagged`), with a boundary that reads only, and outputs its ARN. */
const agentModule = (tagged: boolean) =>
  folder({
    "main.tf": `
resource "aws_iam_policy" "b" {
  name   = "coder-boundary"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "*" }] })
}
resource "aws_iam_role" "coder" {
  name                 = "coder"
  permissions_boundary = aws_iam_policy.b.arn
  max_session_duration = 3600
  assume_role_policy   = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "lambda.amazonaws.com" }, Action = "sts:AssumeRole" }] })
  ${tagged ? 'tags = { "blastwall:agent" = "true" }' : ""}
}
output "arn" { value = aws_iam_role.coder.arn }
`,
  });

const stack = (app: App, id: string) => {
  const s = new TerraformStack(app, id);
  new AwsProvider(s, "aws", { region: "us-east-1" });
  return s;
};
const outdir = () => mkdtempSync(join(tmpdir(), "blastwall-peerreads-"));

describe("another stack's local modules are read", () => {
  // F1: the agent lived in a module of stack "agents"; prod's gate read agents without it and passed.
  const app = (tagged: boolean) => {
    const a = new App({ outdir: outdir() });
    const m = new TerraformHclModule(stack(a, "agents"), "m", { source: agentModule(tagged) });
    const prod = stack(a, "prod");
    const deploy = new IamRole(prod, "deploy", { name: "deploy", assumeRolePolicy: trust(m.getString("arn")) });
    new IamRolePolicy(prod, "deploy-admin", { role: deploy.name, policy: ADMIN });
    Aspects.of(a).add(new BlastwallChecks());
    return a;
  };

  test("an agent role in another stack's module, trusted by an admin role here, fails synth here", () => {
    expect(() => app(true).synth()).toThrow(/error finding\(s\) in stack "prod"[\s\S]*role\/coder[\s\S]*aws_iam_role\.deploy/);
  });

  test("control: the same role, no agent, passes", () => {
    expect(() => app(false).synth()).not.toThrow();
  });

  // F2: a stack validated first read "core" without its module and kept what "agents" gave the run; core's own
  // validation, with the module, reused it.
  test("what a stack gave the run is not reused across a read without its module and one with it", () => {
    const build = (agentName: boolean) => {
      const a = new App({ outdir: outdir() });
      const ops = stack(a, "ops");
      const opsRole = new IamRole(ops, "ops", { name: "ops-reader", assumeRolePolicy: SERVICE_TRUST });
      const core = stack(a, "core");
      const m = new TerraformHclModule(core, "m", { source: folder({ "main.tf": `output "agent_name" { value = "${agentName ? "coder" : "builder"}" }\n` }) });
      const deploy = new IamRole(core, "deploy", { name: "deploy", assumeRolePolicy: trust("arn:aws:iam::123456789012:role/coder"), description: opsRole.name });
      new IamRolePolicy(core, "deploy-admin", { role: deploy.name, policy: ADMIN });
      const agents = stack(a, "agents");
      const boundary = new IamPolicy(agents, "b", { name: "coder-boundary", policy: READ });
      new IamRole(agents, "coder", { name: m.getString("agent_name"), assumeRolePolicy: SERVICE_TRUST, permissionsBoundary: boundary.arn, maxSessionDuration: 3600, tags: { "blastwall:agent": "true" } });
      Aspects.of(a).add(new BlastwallChecks());
      return a;
    };
    expect(() => build(true).synth()).toThrow(/error finding\(s\) in stack "core"[\s\S]*role\/coder[\s\S]*aws_iam_role\.deploy/);
    expect(() => build(false).synth()).not.toThrow();
  });
});

describe("two synths of one tick", () => {
  // F3: the gate on the last stack alone saw both synths at one position; the second reused the first's read of
  // "agents", taken before its role became an agent.
  const app = () => {
    const a = new App({ outdir: outdir() });
    const agents = stack(a, "agents");
    const boundary = new IamPolicy(agents, "b", { name: "coder-boundary", policy: READ });
    const coder = new IamRole(agents, "coder", { name: "coder", assumeRolePolicy: SERVICE_TRUST, permissionsBoundary: boundary.arn, maxSessionDuration: 3600 });
    new SnsTopic(agents, "t", { name: "agents-topic" });
    const prod = stack(a, "prod");
    const deploy = new IamRole(prod, "deploy", { name: "deploy", assumeRolePolicy: trust(coder.arn) });
    new IamRolePolicy(prod, "deploy-admin", { role: deploy.name, policy: ADMIN });
    Aspects.of(prod).add(new BlastwallChecks());
    return { a, coder };
  };

  test("a role made an agent between them is seen by the second", () => {
    const { a, coder } = app();
    expect(() => a.synth()).not.toThrow();
    coder.tags = { "blastwall:agent": "true" };
    expect(() => a.synth()).toThrow(/error finding\(s\) in stack "prod"[\s\S]*role\/coder/);
  });

  test("control: with no agent, both pass", () => {
    const { a } = app();
    expect(() => a.synth()).not.toThrow();
    expect(() => a.synth()).not.toThrow();
  });
});

describe("a gate on the later stack, and two synths of one tick (red-team round 150, F2)", () => {
  // The gate's watch on the earlier stack ran first in the second synth, and judged the first synth's later stack, as
  // then written, against the earlier one as changed: a safe app failed, "written before" a stack it comes after.
  const app = () => {
    const a = new App({ outdir: outdir() });
    const agents = stack(a, "agents");
    const boundary = new IamPolicy(agents, "b", { name: "coder-boundary", policy: READ });
    const coder = new IamRole(agents, "coder", { name: "coder", path: "/agents/", assumeRolePolicy: SERVICE_TRUST, permissionsBoundary: boundary.arn, maxSessionDuration: 3600, tags: { "blastwall:agent": "true" } });
    const helper = new IamRole(agents, "helper", { name: "helper", assumeRolePolicy: SERVICE_TRUST });
    const prod = stack(a, "prod");
    const deploy = new IamRole(prod, "deploy", { name: "deploy", assumeRolePolicy: trust(helper.arn) });
    new IamRolePolicy(prod, "deploy-admin", { role: deploy.name, policy: ADMIN });
    Aspects.of(prod).add(new BlastwallChecks());
    return { a, coder, helper, deploy };
  };

  test("both stacks changed, the app safe again: the second synth passes", () => {
    const { a, coder, helper, deploy } = app();
    expect(() => a.synth()).not.toThrow();
    helper.assumeRolePolicy = trust(coder.arn);
    deploy.assumeRolePolicy = SERVICE_TRUST;
    expect(() => a.synth()).not.toThrow();
  });

  test("control: the earlier stack alone changed, the chain whole: the second synth fails", () => {
    const { a, coder, helper } = app();
    expect(() => a.synth()).not.toThrow();
    helper.assumeRolePolicy = trust(coder.arn);
    expect(() => a.synth()).toThrow(/error finding\(s\) in stack "prod"[\s\S]*role\/helper/);
  });
});

describe("two gates with their own configs on one stack (red-team round 150)", () => {
  // Each judges a reader again by its own read of a stack whose aspects changed it: the first to do so marked the
  // shared read current, and the second, whose config selects the renamed role as an agent, skipped the reader.
  class Rename implements IAspect {
    visit(node: IConstruct): void {
      if (node instanceof IamRole && node.node.id === "builder") node.name = "coder";
    }
  }
  const app = (rename: boolean) => {
    const a = new App({ outdir: outdir() });
    const prod = stack(a, "prod");
    const agents = stack(a, "agents");
    const boundary = new IamPolicy(agents, "b", { name: "builder-boundary", policy: READ });
    const builder = new IamRole(agents, "builder", { name: "builder", assumeRolePolicy: SERVICE_TRUST, permissionsBoundary: boundary.arn, maxSessionDuration: 3600 });
    if (rename) Aspects.of(agents).add(new Rename());
    const deploy = new IamRole(prod, "deploy", { name: "deploy", assumeRolePolicy: trust(builder.arn) });
    new IamRolePolicy(prod, "deploy-admin", { role: deploy.name, policy: ADMIN });
    // The gate on prod alone watches "agents" from prod's validation on, so it judges prod again first there; the gate
    // on both, whose config selects the renamed role, validates "agents" after it.
    const selecting = new BlastwallChecks({ config: { agents: { names: ["coder"] } } });
    Aspects.of(prod).add(new BlastwallChecks({ config: {} }));
    Aspects.of(prod).add(selecting);
    Aspects.of(agents).add(selecting);
    return a;
  };

  test("the role renamed by its stack's aspect into the name the stack's own gate selects fails synth", () => {
    expect(() => app(true).synth()).toThrow(/error finding\(s\) in stack "prod", written before stack "agents" it reads was synthesized[\s\S]*role\/coder/);
  });

  test("control: left as it was, both gates pass", () => {
    expect(() => app(false).synth()).not.toThrow();
  });
});

describe("a gate on one stack, reading a later stack it does not guard", () => {
  // F4: prod's gate read "agents" before the aspect that tags its role an agent ran in agents' own synthesize step;
  // no validation of that gate ran there to judge prod again.
  class TagRoles implements IAspect {
    constructor(private readonly tags: Record<string, string>) {}
    visit(node: IConstruct): void {
      if (node instanceof IamRole) node.tags = this.tags;
    }
  }
  const app = (tags: Record<string, string>) => {
    const a = new App({ outdir: outdir() });
    const prod = stack(a, "prod");
    const agents = stack(a, "agents");
    const boundary = new IamPolicy(agents, "b", { name: "coder-boundary", policy: READ });
    const coder = new IamRole(agents, "coder", { name: "coder", assumeRolePolicy: SERVICE_TRUST, permissionsBoundary: boundary.arn, maxSessionDuration: 3600 });
    Aspects.of(agents).add(new TagRoles(tags));
    const deploy = new IamRole(prod, "deploy", { name: "deploy", assumeRolePolicy: trust(coder.arn) });
    new IamRolePolicy(prod, "deploy-admin", { role: deploy.name, policy: ADMIN });
    Aspects.of(prod).add(new BlastwallChecks());
    return a;
  };

  test("an agent tag its own aspect adds there fails synth, naming the stack judged again", () => {
    expect(() => app({ "blastwall:agent": "true" }).synth()).toThrow(/error finding\(s\) in stack "prod", written before stack "agents" it reads was synthesized[\s\S]*role\/coder/);
  });

  test("control: an aspect that adds another tag passes", () => {
    expect(() => app({ team: "platform" }).synth()).not.toThrow();
  });
});
