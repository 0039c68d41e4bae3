/**
 * Modules read at synth, red-team round 86b: a module's `.tofu` files are read as OpenTofu reads them (as `blastwall
 * check` reads a folder holding them); a file nested deeper than the HCL parser can take is refused before it reaches
 * the parser, which would otherwise stay broken for the rest of the process; and what is read from cdktf's temporary
 * copy of a relative module is named after the folder the user wrote.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join, relative } from "path";
import { App, Aspects, TerraformHclModule, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { BlastwallChecks } from "../../lib/cdktf";
import { MAX_NESTING } from "../../lib/hcl/config";
import { agentRules } from "../../lib/rules";

const role = (principal: string) => `
variable "trusted" { type = string }
resource "aws_iam_role" "r" {
  name               = "mod-admin"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = ${principal}, Action = "sts:AssumeRole" }] })
}
resource "aws_iam_role_policy_attachment" "a" {
  role       = aws_iam_role.r.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}
`;
const ADMIN_FOR_AGENT = role("{ AWS = var.trusted }");
const ADMIN_FOR_EC2 = role('{ Service = "ec2.amazonaws.com" }');

const TRUST = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:role/runner" }, Action: "sts:AssumeRole" }] });

/** A module folder (under a fresh temp dir) holding `files`; `rel` is it relative to the working directory. */
function moduleFolder(files: Record<string, string>, sub = join("modules", "m")): { dir: string; rel: string } {
  const dir = join(mkdtempSync(join(tmpdir(), "blastwall-rt86-")), sub);
  mkdirSync(dir, { recursive: true });
  for (const [name, body] of Object.entries(files)) writeFileSync(join(dir, name), body);
  return { dir, rel: relative(process.cwd(), dir) };
}

/** Synth of an app whose agent is handed to the module at `source`; the error message, or "" when synth passes. */
function synth(source: string, relativeModules?: string[]): string {
  const outdir = mkdtempSync(join(tmpdir(), "blastwall-rt86-out-"));
  const app = new App({ outdir, context: relativeModules ? { cdktfRelativeModules: relativeModules } : {} });
  const stack = new TerraformStack(app, "agents");
  new AwsProvider(stack, "aws", { region: "eu-west-1" });
  const agent = new IamRole(stack, "agent", { name: "agent", assumeRolePolicy: TRUST, tags: { "blastwall:agent": "true" } });
  new TerraformHclModule(stack, "adm", { source, variables: { trusted: agent.arn } });
  Aspects.of(app).add(new BlastwallChecks({ config: {}, rules: agentRules }));
  try {
    app.synth();
    return "";
  } catch (e) {
    return String(e);
  }
}

const CHAIN = /agent-transitive-destroy[\s\S]*module\.adm\.aws_iam_role\.r/;
const deep = (n: number) => `locals {\n  x = ${"[".repeat(n)}1${"]".repeat(n)}\n}\n`;

describe("a module's .tofu files are read at synth, as OpenTofu reads them", () => {
  test("main.tofu trusting the agent beside a harmless main.tf fails synth (relative and absolute), naming main.tofu", () => {
    const m = moduleFolder({ "main.tf": ADMIN_FOR_EC2, "main.tofu": ADMIN_FOR_AGENT });
    for (const message of [synth(m.rel, [m.rel]), synth(m.dir)]) {
      expect(message).toMatch(CHAIN);
      expect(message).toMatch(/main\.tofu:\d/);
      expect(message).toMatch(/as OpenTofu reads its modules/);
    }
  });

  test("main.tf trusting the agent beside a harmless main.tofu fails too: Terraform's reading counts as well", () => {
    const m = moduleFolder({ "main.tf": ADMIN_FOR_AGENT, "main.tofu": ADMIN_FOR_EC2 });
    const message = synth(m.dir);
    expect(message).toMatch(CHAIN);
    expect(message).toMatch(/as Terraform reads its modules/);
  });

  test("control: harmless in both readings passes, and a module without .tofu files is read once", () => {
    expect(synth(moduleFolder({ "main.tf": ADMIN_FOR_EC2, "main.tofu": ADMIN_FOR_EC2 }).dir)).toBe("");
    const plain = synth(moduleFolder({ "main.tf": ADMIN_FOR_AGENT }).dir);
    expect(plain).toMatch(CHAIN);
    expect(plain).not.toMatch(/reads its modules/);
  });
});

describe("a file nested deeper than the parser can take", () => {
  test("is refused at synth naming the file, and the next synth in the process still reads its module", () => {
    const d = moduleFolder({ "deep.tf": deep(5000), "main.tf": ADMIN_FOR_AGENT });
    const started = Date.now();
    expect(synth(d.dir)).toMatch(new RegExp(`deep\\.tf: line 2: nested more than ${MAX_NESTING} levels deep`));
    expect(Date.now() - started).toBeLessThan(5000);
    const next = synth(moduleFolder({ "main.tf": ADMIN_FOR_AGENT }).dir);
    expect(next).toMatch(CHAIN);
    expect(next).not.toMatch(/unknown-module|already exited|cannot be parsed/);
  });

});

describe("what is read from cdktf's copy of a relative module is named after the user's folder", () => {
  test("a syntax error names the module's own file", () => {
    const m = moduleFolder({ "main.tf": 'locals {\n  x = ]\n}\n' });
    const message = synth(m.rel, [m.rel]);
    expect(message).toContain(`${m.rel}/main.tf: line 2, column`);
    expect(message).not.toMatch(/cdktf-module-asset/);
  });

  test("a finding's file and path lines name the module's file (relative and absolute sources)", () => {
    const m = moduleFolder({ "main.tf": ADMIN_FOR_AGENT });
    // A folder outside the working directory, named by its absolute path, is named so.
    for (const [message, shown] of [
      [synth(m.rel, [m.rel]), m.rel],
      [synth(m.dir), m.dir],
    ]) {
      expect(message).toMatch(CHAIN);
      expect(message).toContain(`file:      ${shown}/main.tf:3`);
      expect(message).toContain(`[${shown}/main.tf:7]`);
      expect(message).not.toMatch(/cdktf-module-asset/);
    }
  });

  test("a call to a sibling folder cdktf did not copy names the caller's file and says what to list", () => {
    const root = mkdtempSync(join(tmpdir(), "blastwall-rt86-"));
    const outer = join(root, "outer");
    mkdirSync(outer);
    mkdirSync(join(root, "shared"));
    writeFileSync(join(outer, "main.tf"), 'module "shared" {\n  source = "../shared"\n}\n');
    writeFileSync(join(root, "shared", "main.tf"), "");
    const rel = relative(process.cwd(), outer);
    const message = synth(rel, [rel]);
    expect(message).toContain(`${rel}/main.tf: line 1: module "shared" has source "../shared", which is not a directory`);
    expect(message).toMatch(/cdktfRelativeModules/);
    expect(message).not.toMatch(/cdktf-module-asset/);
    // Control: listed there too, the copy holds it and synth reads it.
    expect(synth(rel, [rel, relative(process.cwd(), join(root, "shared"))])).toBe("");
  });
});
