/**
 * Red-team round 127, F4: a Terraform Stacks folder (`*.tfcomponent.hcl`, `*.tfdeploy.hcl`, `*.tfstack.hcl`) is
 * refused, as blastwall reads none of its files, with one error line that says so and what to check instead.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { runIn } from "../helpers/cli";

const run = (args: string[], cwd: string) => runIn(args, cwd, new Date("2026-11-25T12:00:00Z"));

const COMPONENTS = `component "iam" {\n  source = "./iam"\n  inputs = { agent_name = "ops" }\n}\ncomponent "net" {\n  source = "app.terraform.io/acme/net/aws"\n}\n`;
const DEPLOYMENTS = `deployment "production" {\n  inputs = { region = "us-east-1" }\n}\n`;

function folder(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "blastwall-stacks-"));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(root, name, ".."), { recursive: true });
    writeFileSync(join(root, name), text);
  }
  return root;
}

describe("127. a Terraform Stacks folder is refused, saying its files are not read and what to check", () => {
  test("the red team's folder: one line naming the Stacks files, the local component folder and the plan gate", async () => {
    const root = folder({ "components.tfcomponent.hcl": COMPONENTS, "deployments.tfdeploy.hcl": DEPLOYMENTS, "iam/main.tf": "# the component's module\n" });
    const r = await run(["check", "."], root);
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain("is a Terraform Stacks configuration (components.tfcomponent.hcl, deployments.tfdeploy.hcl): blastwall does not read Stacks files");
    expect(r.stderr).toMatch(/Check each component's module folder instead \(\S*[\\/]iam\), or gate/);
    expect(r.stderr).toContain("or gate the plan JSON of each deployment (blastwall gate PLAN_JSON)");
    // A registry module is no folder here.
    expect(r.stderr).not.toContain("app.terraform.io");
  });

  test("the pre-1.13 component file name (.tfstack.hcl) is one too; with no local source, no folder is named", async () => {
    const r = await run(["check", "."], folder({ "main.tfstack.hcl": 'component "x" {\n  source = "app.terraform.io/acme/x/aws"\n}\n' }));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("is a Terraform Stacks configuration (main.tfstack.hcl)");
    expect(r.stderr).toContain("Check each component's module folder instead, or gate");
  });

  test("controls: a folder with nothing to read keeps its message; the component folder is checked as any module", async () => {
    const empty = await run(["check", "."], folder({ "README.md": "nothing\n" }));
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain("directory holds no cdk.tf.json, no stacks/*/cdk.tf.json and no .tf files");
    expect(empty.stderr).not.toContain("Stacks");
    const root = folder({ "components.tfcomponent.hcl": COMPONENTS, "iam/main.tf": 'resource "aws_s3_bucket" "b" {\n  bucket = "acme-data"\n}\n' });
    // Read and judged (whatever it finds), not refused.
    const component = await run(["check", join(root, "iam")], root);
    expect(component.code).not.toBe(2);
    expect(component.stdout).toContain("1 resource(s) read");
  });
});
