/**
 * Modules a cdktf app calls from this machine are read at synth, as `blastwall check cdktf.out` reads them after it
 * (red-team round 85b): a folder named by its absolute path, and a relative one cdktf copies into the stack folder
 * as an asset (read from the copy cdktf makes before it writes the stack). A module the gate still cannot read stays
 * `unknown-module` and says what is true of it, and acknowledging that rule hides nothing else a readable module holds.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join, relative } from "path";
import { App, Aspects, TerraformHclModule, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { BlastwallChecks, acknowledge } from "../../lib/cdktf";
import { checkPaths } from "../../lib/check/run-check";
import { agentRules } from "../../lib/rules";

const ADMIN_MODULE = `
variable "trusted" { type = string }
resource "aws_iam_role" "r" {
  name               = "mod-admin"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { AWS = var.trusted }, Action = "sts:AssumeRole" }] })
}
resource "aws_iam_role_policy_attachment" "a" {
  role       = aws_iam_role.r.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}
`;

const HARMLESS_MODULE = `
variable "trusted" { type = string }
resource "aws_s3_bucket" "b" {
  bucket = "harmless-\${var.trusted == "" ? "x" : "y"}"
}
`;

const TRUST = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:role/runner" }, Action: "sts:AssumeRole" }] });

function moduleFolder(body: string): string {
  const dir = join(mkdtempSync(join(tmpdir(), "blastwall-synthmod-")), "modules", "admin");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "main.tf"), body);
  return dir;
}

interface Options {
  readonly source: string;
  readonly ackModule?: boolean;
  readonly skipAssetCreation?: boolean;
  /** cdktf's `cdktfRelativeModules` context, which a relative module source needs. */
  readonly relativeModules?: string[];
}

function app(opts: Options): { app: App; outdir: string } {
  const outdir = mkdtempSync(join(tmpdir(), "blastwall-synthmod-out-"));
  const a = new App({ outdir, context: opts.relativeModules ? { cdktfRelativeModules: opts.relativeModules } : {} });
  const stack = new TerraformStack(a, "agents");
  new AwsProvider(stack, "aws", { region: "eu-west-1" });
  const agent = new IamRole(stack, "agent", { name: "agent", assumeRolePolicy: TRUST, tags: { "blastwall:agent": "true" } });
  const mod = new TerraformHclModule(stack, "adm", {
    source: opts.source,
    variables: { trusted: agent.arn },
    ...(opts.skipAssetCreation ? { skipAssetCreationFromLocalModules: true } : {}),
  });
  if (opts.ackModule) acknowledge(mod, { ruleId: "unknown-module", reason: "our own vendored local module, reviewed by platform" });
  // An acknowledgement given in code counts only when the config opts in (red-team round 119).
  Aspects.of(a).add(new BlastwallChecks({ config: opts.ackModule ? { acknowledgementsInCode: true } : {}, rules: agentRules }));
  return { app: a, outdir };
}

const CHAIN = /agent-transitive-destroy[\s\S]*module\.adm\.aws_iam_role\.r/;

describe("modules read at synth", () => {
  test("a module folder named by its absolute path: its admin role trusting the agent fails synth as the chain it is", () => {
    const { app: a } = app({ source: moduleFolder(ADMIN_MODULE) });
    let message = "";
    try {
      a.synth();
    } catch (e) {
      message = String(e);
    }
    expect(message).toMatch(CHAIN);
    expect(message).not.toMatch(/unknown-module/);
  });

  test("a relative module cdktf copies in as an asset is read from the copy, before the stack is written", () => {
    const mod = moduleFolder(ADMIN_MODULE);
    const rel = relative(process.cwd(), mod);
    const { app: a } = app({ source: rel, relativeModules: [rel] });
    let message = "";
    try {
      a.synth();
    } catch (e) {
      message = String(e);
    }
    expect(message).toMatch(CHAIN);
    expect(message).not.toMatch(/unknown-module/);
  });

  test("acknowledging unknown-module on a module the gate reads hides nothing it holds (absolute and relative)", () => {
    const mod = moduleFolder(ADMIN_MODULE);
    const rel = relative(process.cwd(), mod);
    expect(() => app({ source: mod, ackModule: true }).app.synth()).toThrow(CHAIN);
    expect(() => app({ source: rel, relativeModules: [rel], ackModule: true }).app.synth()).toThrow(CHAIN);
  });

  test("control: a harmless module passes synth, and the written output checks the same", async () => {
    const mod = moduleFolder(HARMLESS_MODULE);
    const rel = relative(process.cwd(), mod);
    for (const opts of [{ source: mod }, { source: rel, relativeModules: [rel] }]) {
      const { app: a, outdir } = app(opts);
      expect(() => a.synth()).not.toThrow();
      const report = await checkPaths([outdir], { config: {}, rules: agentRules });
      expect(report.summary.errors).toBe(0);
      expect(report.findings.map((f) => f.ruleId)).not.toContain("unknown-module");
    }
  });

  test("a local source the gate cannot resolve stays unknown-module, saying check reads it after synth and what acknowledging costs", () => {
    const { app: a } = app({ source: "./modules/admin", skipAssetCreation: true });
    let message = "";
    try {
      a.synth();
    } catch (e) {
      message = String(e);
    }
    expect(message).toMatch(/unknown-module[\s\S]*module\.adm/);
    expect(message).toMatch(/blastwall check cdktf\.out/);
    expect(message).toMatch(/synth-time gate blind/);
    expect(message).not.toMatch(/vendor it as a local module/);
    // Acknowledged, it passes: the finding said what that leaves unseen until `blastwall check cdktf.out`.
    expect(() => app({ source: "./modules/admin", skipAssetCreation: true, ackModule: true }).app.synth()).not.toThrow();
  });

  test("a module folder that is not valid HCL stops synth naming the file, as terraform init would", () => {
    const mod = moduleFolder('resource "aws_iam_role" "r" {\n');
    expect(() => app({ source: mod }).app.synth()).toThrow(/main\.tf: line \d+, column \d+: Unclosed configuration block/);
  });

  test("control: a registry module keeps its unknown-module advice", () => {
    const { app: a } = app({ source: "terraform-aws-modules/iam/aws" });
    expect(() => a.synth()).toThrow(/unknown-module[\s\S]*vendor it as a local module/);
  });

  test("control: an absolute path that is no folder here stays unknown-module at synth", () => {
    const { app: a } = app({ source: join(tmpdir(), "blastwall-no-such-module", "admin") });
    expect(() => a.synth()).toThrow(/unknown-module[\s\S]*module\.adm/);
  });
});
