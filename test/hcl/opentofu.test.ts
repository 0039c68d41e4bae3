/**
 * OpenTofu reads `.tofu` and `.tofu.json` files beside `.tf` ones, and where `x.tofu` sits beside `x.tf` it reads
 * only `x.tofu`; Terraform skips `.tofu` files. Which tool applies a folder is not written in it, so a folder with
 * `.tofu` files is judged both ways: a grant in a `.tofu` file must not pass unseen.
 */
import { checkPaths } from "../../lib/check/run-check";
import { agentRules, allRules } from "../../lib/rules";
import { mkdirSync } from "fs";
import { join } from "path";
import { dir, destroy } from "./helpers";

const AGENT = `
resource "aws_iam_role" "agent" {
  name               = "agent"
  assume_role_policy = "{}"
  tags               = { "blastwall:agent" = "true" }
}
`;
const DELETE = `
resource "aws_iam_role_policy" "p" {
  role   = aws_iam_role.agent.name
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "ec2:DeleteVolume", Resource = "*" }] })
}
`;

const findings = async (d: string) => (await checkPaths([d], { config: {}, rules: agentRules })).findings;

describe("folders with OpenTofu files", () => {
  test("a grant written in a .tofu file is judged, and the finding says which reading found it", async () => {
    const f = (await findings(dir({ "main.tf": AGENT, "extra.tofu": DELETE }))).filter((x) => x.ruleId === "agent-destroy-right");
    expect(f).toHaveLength(1);
    expect(f[0].actions).toEqual(["ec2:DeleteVolume"]);
    expect(f[0].message).toMatch(/\(as OpenTofu reads this folder\)$/);
  });

  test("the control: the same folder without the .tofu file has no destroy right, and no reading is named", async () => {
    const all = await findings(dir({ "main.tf": AGENT }));
    expect(all.filter((x) => x.ruleId === "agent-destroy-right")).toEqual([]);
    expect(all.every((x) => !/reads this folder/.test(x.message))).toBe(true);
  });

  test("x.tofu shadows x.tf for OpenTofu only: each reading is judged", async () => {
    const d = dir({ "main.tf": AGENT + DELETE, "main.tofu": AGENT });
    const f = (await findings(d)).filter((x) => x.ruleId === "agent-destroy-right");
    expect(f.map((x) => x.message.replace(/.*\((as \w+ reads this folder).*\)$/, "$1"))).toEqual(["as Terraform reads this folder"]);
  });

  test("x.tofu.json shadows x.tf.json", async () => {
    const json = (withDelete: boolean) =>
      JSON.stringify({
        resource: {
          aws_iam_role_policy: withDelete ? { p: { role: "agent", policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "rds:DeleteDBInstance", Resource: "*" }] }) } } : {},
        },
      });
    const d = dir({ "main.tf": AGENT, "grants.tf.json": json(false), "grants.tofu.json": json(true) });
    const f = (await findings(d)).filter((x) => x.ruleId === "agent-destroy-right");
    expect(f.map((x) => [x.actions[0], /OpenTofu/.test(x.message)])).toEqual([["rds:DeleteDBInstance", true]]);
  });

  test("a folder of .tofu files only is OpenTofu's alone", async () => {
    const d = dir({ "main.tofu": AGENT + DELETE });
    const f = (await findings(d)).filter((x) => x.ruleId === "agent-destroy-right");
    expect(f).toHaveLength(1);
    expect(f[0].message).not.toMatch(/reads this folder/);
  });

  test("a local module with a .tofu file makes the readings differ too", async () => {
    const d = dir({
      "main.tf": AGENT + `\nmodule "grants" {\n  source = "./grants"\n  role   = aws_iam_role.agent.name\n}\n`,
      "grants/variables.tf": `variable "role" {}\n`,
      "grants/main.tofu": DELETE.replace("aws_iam_role.agent.name", "var.role"),
    });
    expect(await destroy(d)).toEqual(["ec2:DeleteVolume"]);
  });

  test("hidden .tofu files are skipped, as hidden .tf files are", async () => {
    expect(await destroy(dir({ "main.tf": AGENT, ".extra.tofu": DELETE }))).toEqual([]);
  });

  test("a _override.tofu file overrides for OpenTofu", async () => {
    const d = dir({
      "main.tf": AGENT + DELETE.replace("ec2:DeleteVolume", "s3:GetObject"),
      "p_override.tofu": `resource "aws_iam_role_policy" "p" {\n  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "s3:DeleteBucket", Resource = "*" }] })\n}\n`,
    });
    expect(await destroy(d)).toEqual(["s3:DeleteBucket"]);
  });

  test("a finding both readings report is shown once, without a reading; the folder counts as one", async () => {
    const r = await checkPaths([dir({ "main.tf": AGENT, "extra.tofu": DELETE })], { config: {}, rules: allRules });
    const boundary = r.findings.filter((x) => x.ruleId === "agent-role-boundary");
    expect(boundary).toHaveLength(1);
    expect(boundary[0].message).not.toMatch(/reads this folder/);
    expect(r.summary).toMatchObject({ files: 1, agentPrincipals: 1 });
  });

  test("an acknowledgement without a stack, in a folder read twice, is not reported as holding in several stacks", async () => {
    const config = { acknowledgements: [{ ruleId: "agent-role-boundary", principal: "aws_iam_role.agent", reason: "boundary comes from the platform module" }] };
    const r = await checkPaths([dir({ "main.tf": AGENT, "extra.tofu": "" })], { config, rules: allRules });
    expect(r.findings.map((x) => x.ruleId)).not.toContain("acknowledgement-unscoped");
  });

  test("a directory named x.tofu shadows no x.tf file, and one named x.tf makes no Terraform reading", async () => {
    const d = dir({ "x.tf": DELETE.replace("aws_iam_role.agent.name", '"agent"'), "y.tofu": AGENT });
    mkdirSync(join(d, "x.tofu"));
    expect(await destroy(d)).toEqual(["ec2:DeleteVolume"]);
    const k = dir({ "main.tofu": AGENT + DELETE });
    mkdirSync(join(k, "legacy.tf"));
    expect(await destroy(k)).toEqual(["ec2:DeleteVolume"]);
  });
});

describe("OpenTofu's lifecycle { enabled = false }", () => {
  const BOUNDED = `
resource "aws_iam_policy" "boundary" {
  name   = "boundary"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }, { Effect = "Deny", Action = "ec2:Delete*", Resource = "*" }] })
  lifecycle {
    enabled = ENABLED
  }
}
resource "aws_iam_role" "agent" {
  name                 = "agent"
  assume_role_policy   = "{}"
  permissions_boundary = aws_iam_policy.boundary.arn
  tags                 = { "blastwall:agent" = "true" }
}
`;
  test("a boundary that is not created caps nothing", async () => {
    expect(await destroy(dir({ "main.tofu": BOUNDED.replace("ENABLED", "false") + DELETE }))).toEqual(["ec2:DeleteVolume"]);
  });

  test("the control: an enabled boundary caps the delete", async () => {
    expect(await destroy(dir({ "main.tofu": BOUNDED.replace("ENABLED", "true") + DELETE }))).toEqual([]);
  });

  test("a boundary that may not be created (a variable) caps nothing either", async () => {
    expect(await destroy(dir({ "main.tofu": `variable "on" { type = bool }\n` + BOUNDED.replace("ENABLED", "var.on") + DELETE }))).toEqual(["ec2:DeleteVolume"]);
  });

  test("a Deny policy that is not created denies nothing", async () => {
    const guard = `
resource "aws_iam_role_policy" "guard" {
  role   = aws_iam_role.agent.name
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Deny", Action = "ec2:DeleteVolume", Resource = "*" }] })
  lifecycle {
    enabled = false
  }
}
`;
    expect(await destroy(dir({ "main.tf": AGENT + DELETE + guard }))).toEqual(["ec2:DeleteVolume"]);
  });
});


describe("OpenTofu's lifecycle { enabled } on a module call (red-team round 93)", () => {
  const GUARD = `
variable "role" { type = string }
resource "aws_iam_role_policy" "deny" {
  role   = var.role
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Deny", Action = "ec2:DeleteVolume", Resource = "*" }] })
}
`;
  const call = (enabled: string, pre = "") => `${pre}
module "guard" {
  source = "./guard"
  role   = aws_iam_role.agent.name
  lifecycle {
    enabled = ${enabled}
  }
}
`;
  const guarded = (enabled: string, pre = "") => dir({ "main.tofu": AGENT + DELETE + call(enabled, pre), "guard/main.tf": GUARD });

  test("a disabled module's Deny denies nothing", async () => {
    expect(await destroy(guarded("false"))).toEqual(["ec2:DeleteVolume"]);
  });

  test("the control: an enabled module's Deny denies", async () => {
    expect(await destroy(guarded("true"))).toEqual([]);
  });

  test("a module that may not be enabled (a variable without a value) denies nothing either", async () => {
    expect(await destroy(guarded("var.on", `variable "on" { type = bool }`))).toEqual(["ec2:DeleteVolume"]);
    expect(await destroy(guarded("var.on", `variable "on" {\n  type    = bool\n  default = true\n}`))).toEqual([]);
  });

  test("a disabled module's Allow grants nothing, and one that may be enabled still grants", async () => {
    const grant = `
variable "role" { type = string }
resource "aws_iam_role_policy" "p" {
  role   = var.role
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "ec2:DeleteVolume", Resource = "*" }] })
}
`;
    const d = (enabled: string, pre = "") => dir({ "main.tofu": AGENT + call(enabled, pre), "guard/main.tf": grant });
    expect(await destroy(d("false"))).toEqual([]);
    expect(await destroy(d("var.on", `variable "on" { type = bool }`))).toEqual(["ec2:DeleteVolume"]);
  });
});
