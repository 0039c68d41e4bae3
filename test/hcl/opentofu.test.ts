/**
 * OpenTofu reads `.tofu` and `.tofu.json` files beside `.tf` ones, and where `x.tofu` sits beside `x.tf` it reads
 * only `x.tofu`; Terraform skips `.tofu` files. Which tool applies a folder is not written in it, so a folder with
 * `.tofu` files is judged both ways: a grant in a `.tofu` file must not pass unseen.
 */
import { checkPaths } from "../../lib/check/run-check";
import { agentRules, allRules } from "../../lib/rules";
import { mkdirSync } from "fs";
import { join } from "path";
import { dir, destroy, localValue } from "./helpers";
import { loadHcl } from "../../lib/hcl/load-hcl";
import { providerKeyOf, resourceAccount, resourceRegion, sameProvider } from "../../lib/engine/terraform/providers";
import type { TfResource, TfStack } from "../../lib/engine/terraform/types";

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

  test("a finding both readings report is shown once, without a reading; each file of the folder counts once", async () => {
    const r = await checkPaths([dir({ "main.tf": AGENT, "extra.tofu": DELETE })], { config: {}, rules: allRules });
    const boundary = r.findings.filter((x) => x.ruleId === "agent-role-boundary");
    expect(boundary).toHaveLength(1);
    expect(boundary[0].message).not.toMatch(/reads this folder/);
    // main.tf, which both read, and extra.tofu (red-team round 121: files read, not folders).
    expect(r.summary).toMatchObject({ files: 2, agentPrincipals: 1 });
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

/**
 * Red-team round 133 F4: a lock file naming OpenTofu's registry made a folder with `.tofu` files OpenTofu's alone, so a
 * guard only OpenTofu reads (`guard.tofu` over `guard.tf`) hid a delete a Terraform apply would leave open. Terraform
 * skips the `.tofu` files whatever the lock says: such a folder is read both ways. So is a folder of `.tf` files whose
 * lock names one provider under both registries, which both tools' `init` wrote.
 */
describe("a lock file naming OpenTofu's registry beside .tofu files (red-team round 133 F4)", () => {
  const lock = (...hosts: string[]) => hosts.map((h) => `provider "${h}/hashicorp/aws" {\n  version = "6.14.1"\n}\n`).join("");
  const guard = (action: string) =>
    `resource "aws_iam_role_policy" "guard" {\n  role   = aws_iam_role.agent.name\n  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Deny", Action = "${action}", Resource = "*" }] })\n}\n`;
  const mixed = { "main.tf": AGENT + DELETE, "guard.tf": guard("s3:PutBucketTagging"), "guard.tofu": guard("ec2:DeleteVolume") };

  test("the guard only OpenTofu reads: the delete is found as Terraform reads the folder, lock file or not", async () => {
    for (const lockFile of [{ ".terraform.lock.hcl": lock("registry.opentofu.org") }, {}] as Record<string, string>[]) {
      const f = (await findings(dir({ ...mixed, ...lockFile }))).filter((x) => x.ruleId === "agent-destroy-right");
      expect(f.map((x) => x.message.replace(/.*\((as \w+ reads this folder[^)]*)\)$/, "$1"))).toEqual(["as Terraform reads this folder: it skips the .tofu files"]);
    }
  });

  test("a .tofu file in a local module only, with the lock file: read both ways too", async () => {
    const d = dir({
      "main.tf": AGENT + `\nmodule "grants" {\n  source = "./grants"\n  role   = aws_iam_role.agent.name\n}\n`,
      "grants/variables.tf": `variable "role" {}\n`,
      "grants/main.tf": DELETE.replace("aws_iam_role.agent.name", "var.role"),
      "grants/main.tofu": DELETE.replace("aws_iam_role.agent.name", "var.role").replace("Allow", "Deny"),
      ".terraform.lock.hcl": lock("registry.opentofu.org"),
    });
    const f = (await findings(d)).filter((x) => x.ruleId === "agent-destroy-right");
    expect(f.map((x) => /as Terraform reads this folder/.test(x.message))).toEqual([true]);
  });

  test("the controls: guards both tools read leave nothing; .tf files alone with an OpenTofu lock file are read once", async () => {
    expect(await destroy(dir({ ...mixed, "guard.tf": guard("ec2:DeleteVolume"), ".terraform.lock.hcl": lock("registry.opentofu.org") }))).toEqual([]);
    const once = (await findings(dir({ "main.tf": AGENT + DELETE, ".terraform.lock.hcl": lock("registry.opentofu.org") }))).filter((x) => x.ruleId === "agent-destroy-right");
    expect(once).toHaveLength(1);
    expect(once[0].message).not.toMatch(/reads this folder/);
  });

  test("a lock naming hashicorp/aws under both registries: .tf files alone are read both ways", async () => {
    const removed = `removed {\n  from = aws_iam_role_policy.old\n}\n`;
    const gone = async (l: string) =>
      (await findings(dir({ "main.tf": AGENT + removed, ".terraform.lock.hcl": l }))).filter((x) => x.ruleId === "removed-left-in-aws").map((x) => x.message.replace(/.*\((as \w+ reads this folder)\)$/, "$1"));
    expect(await gone(lock("registry.terraform.io", "registry.opentofu.org"))).toEqual(["as OpenTofu reads this folder"]);
    expect(await gone(lock("Registry.Terraform.io", "registry.opentofu.org"))).toEqual(["as OpenTofu reads this folder"]);
    // Controls: another provider from Terraform's registry beside OpenTofu's aws is OpenTofu's lock alone (one reading).
    const other = lock("registry.opentofu.org") + `provider "registry.terraform.io/hashicorp/random" {\n  version = "3.6.0"\n}\n`;
    const single = await gone(other);
    expect(single).toHaveLength(1);
    expect(single[0]).not.toMatch(/reads this folder/);
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


describe("try, can and the list functions over a resource that is not enabled (red-team round 122 F1)", () => {
  // Checked with OpenTofu's documentation (a disabled resource evaluates to null) and terraform 1.11.4 for null
  // (`can(local.null_value.arn)` is false, `try(local.null_value.arn, "fallback")` the fallback).
  const flag = (enabled: string, pre = "") => ({
    "p.tf": `${pre}
resource "aws_iam_policy" "flag" {
  name   = "flag"
  policy = "{}"
  lifecycle {
    enabled = ${enabled}
  }
}
`,
  });
  const UNKNOWN = expect.stringMatching(/^\$\{(try|can|compact|coalesce)\(/);
  const VAR = `variable "on" { type = bool }`;

  test("enabled = false: the resource is null, so can is false and try, coalesce and compact take what follows", async () => {
    expect(await localValue(`can(aws_iam_policy.flag.arn)`, flag("false"))).toBe(false);
    expect(await localValue(`try(aws_iam_policy.flag.arn, "fallback")`, flag("false"))).toBe("fallback");
    expect(await localValue(`aws_iam_policy.flag == null`, flag("false"))).toBe(true);
    expect(await localValue(`coalesce(try(aws_iam_policy.flag.arn, null), "fallback")`, flag("false"))).toBe("fallback");
    expect(await localValue(`compact([try(aws_iam_policy.flag.arn, ""), "x"])`, flag("false"))).toEqual(["x"]);
    expect(await localValue(`aws_iam_policy.flag[*].arn`, flag("false"))).toEqual([]);
    const data = { "d.tf": `data "aws_iam_policy_document" "d" {\n  lifecycle {\n    enabled = false\n  }\n}\n` };
    expect(await localValue(`can(data.aws_iam_policy_document.d.json)`, data)).toBe(false);
  });

  test("enabled not known (a variable without a value, an unknown expression): can, try, coalesce and compact stay unknown", async () => {
    for (const files of [flag("var.on", VAR), flag("aws_iam_policy.other.arn != \"\"", `resource "aws_iam_policy" "other" {\n  name = "o"\n  policy = "{}"\n}`)]) {
      expect(await localValue(`can(aws_iam_policy.flag.arn)`, files)).toEqual(UNKNOWN);
      expect(await localValue(`try(aws_iam_policy.flag.arn, "fallback")`, files)).toEqual(UNKNOWN);
      expect(await localValue(`coalesce(aws_iam_policy.flag.arn, "fallback")`, files)).toEqual(UNKNOWN);
      expect(await localValue(`compact([aws_iam_policy.flag.arn, ""])`, files)).toEqual(UNKNOWN);
    }
  });

  test("the control: enabled = true (or a variable that is true) is an instance that exists, as without lifecycle", async () => {
    for (const files of [flag("true"), flag("var.on", `variable "on" {\n  type    = bool\n  default = true\n}`)]) {
      expect(await localValue(`can(aws_iam_policy.flag.arn)`, files)).toBe(true);
      expect(await localValue(`try(aws_iam_policy.flag.arn, "fallback")`, files)).toBe("${aws_iam_policy.flag.arn}");
      expect(await localValue(`coalesce(aws_iam_policy.flag.arn, "fallback")`, files)).toBe("${aws_iam_policy.flag.arn}");
    }
  });

  test("a resource whose enabled reads itself (OpenTofu rejects the cycle) is not known, and reading it ends", async () => {
    const self = { "p.tf": `resource "aws_iam_policy" "flag" {\n  name   = "flag"\n  policy = "{}"\n  lifecycle {\n    enabled = can(aws_iam_policy.flag.arn)\n  }\n}\n` };
    expect(await localValue(`can(aws_iam_policy.flag.arn)`, self)).toEqual(UNKNOWN);
  });

  const AGENT_BOUNDED = (enabled: string, pre = "") => `${pre}
resource "aws_iam_policy" "flag" {
  name   = "flag"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "s3:ListBucket", Resource = "*" }] })
  lifecycle {
    enabled = ${enabled}
  }
}
resource "aws_iam_policy" "safe" {
  name   = "safe"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "*" }] })
}
resource "aws_iam_policy" "open" {
  name   = "open"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }] })
}
resource "aws_iam_role" "agent" {
  name                 = "agent"
  assume_role_policy   = "{}"
  permissions_boundary = can(aws_iam_policy.flag.arn) ? aws_iam_policy.safe.arn : aws_iam_policy.open.arn
  tags                 = { "blastwall:agent" = "true" }
}
`;

  test("the red team's boundary chosen by can() over a disabled policy is the open one: the delete is found", async () => {
    expect(await destroy(dir({ "main.tf": AGENT_BOUNDED("false") + DELETE }))).toEqual(["ec2:DeleteVolume"]);
    expect(await destroy(dir({ "main.tofu": AGENT_BOUNDED("false") + DELETE }))).toEqual(["ec2:DeleteVolume"]);
    expect(await destroy(dir({ "main.tofu": AGENT_BOUNDED("var.on", VAR) + DELETE }))).toEqual(["ec2:DeleteVolume"]);
  });

  test("the control: enabled, the safe boundary caps the delete", async () => {
    expect(await destroy(dir({ "main.tofu": AGENT_BOUNDED("true") + DELETE }))).toEqual([]);
  });

  test("a Deny policy attached with count = can(disabled) ? 1 : 0 is not attached", async () => {
    const deny = (enabled: string) => `
resource "aws_iam_policy" "flag" {
  name   = "flag"
  policy = "{}"
  lifecycle {
    enabled = ${enabled}
  }
}
resource "aws_iam_role_policy" "guard" {
  count  = can(aws_iam_policy.flag.arn) ? 1 : 0
  role   = aws_iam_role.agent.name
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Deny", Action = "ec2:DeleteVolume", Resource = "*" }] })
}
`;
    expect(await destroy(dir({ "main.tf": AGENT + DELETE + deny("false") }))).toEqual(["ec2:DeleteVolume"]);
    expect(await destroy(dir({ "main.tf": AGENT + DELETE + deny("true") }))).toEqual([]);
  });

  test("a disabled resource is not emitted; one that may be enabled is, with its lifecycle.enabled as read", async () => {
    const load = async (enabled: string, pre = "") => {
      const l = await loadHcl(dir({ "main.tf": AGENT_BOUNDED(enabled, pre) }));
      return l.stack.resources.find((r) => r.address === "aws_iam_policy.flag");
    };
    expect(await load("false")).toBeUndefined();
    expect((await load("var.on", VAR))?.lifecycle?.["enabled"]).toBe("${var.on}");
    expect(await load("true")).toBeDefined();
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

  test("a module that may not be enabled (a variable without a value, or one -var may set) denies nothing either", async () => {
    expect(await destroy(guarded("var.on", `variable "on" { type = bool }`))).toEqual(["ec2:DeleteVolume"]);
    // Red-team round 162b, F3: a default of true is what -var may set to false; the Deny is not relied on.
    expect(await destroy(guarded("var.on", `variable "on" {\n  type    = bool\n  default = true\n}`))).toEqual(["ec2:DeleteVolume"]);
    // A local that is a literal is no variable: the Deny holds.
    expect(await destroy(guarded("local.on", `locals {\n  on = true\n}`))).toEqual([]);
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

describe("OpenTofu's provider for_each: default_tags of a provider instance (red-team round 93)", () => {
  const role = (provider: string, extra = "") => `
resource "aws_iam_role" "agent" {
  for_each           = toset(["a"])
  provider           = ${provider}
  name               = "agent-\${each.key}"
  assume_role_policy = "{}"
}
resource "aws_iam_role_policy" "p" {
  for_each = toset(["a"])
  role     = aws_iam_role.agent[each.key].name
  policy   = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "ec2:DeleteVolume", Resource = "*" }] })
}
${extra}`;
  const provider = (forEach: string, tags: string) => `
provider "aws" {
  alias    = "by_region"
  for_each = ${forEach}
  region   = "us-east-1"
  default_tags {
    tags = ${tags}
  }
}
`;
  const AGENT_TAGS = `{ "blastwall:agent" = "true" }`;

  test("a resource on an instance of a provider whose default_tags tag agents is an agent", async () => {
    expect(await destroy(dir({ "main.tofu": provider(`toset(["a"])`, AGENT_TAGS) + role("aws.by_region[each.key]") }))).toEqual(["ec2:DeleteVolume"]);
  });

  test("the control: default_tags without the agent tag make no agent", async () => {
    expect(await destroy(dir({ "main.tofu": provider(`toset(["a"])`, `{ team = "x" }`) + role("aws.by_region[each.key]") }))).toEqual([]);
  });

  test("a module given an instance of the provider: its resources carry the instance's default_tags", async () => {
    const mod = `
resource "aws_iam_role" "agent" {
  name               = "agent"
  assume_role_policy = "{}"
}
resource "aws_iam_role_policy" "p" {
  role   = aws_iam_role.agent.name
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "ec2:DeleteVolume", Resource = "*" }] })
}
`;
    const root = (tags: string) => `${provider(`toset(["a"])`, tags)}
module "agent" {
  source    = "./agent"
  providers = { aws = aws.by_region["a"] }
}
`;
    expect(await destroy(dir({ "main.tofu": root(AGENT_TAGS), "agent/main.tf": mod }))).toEqual(["ec2:DeleteVolume"]);
    expect(await destroy(dir({ "main.tofu": root(`{ team = "x" }`), "agent/main.tf": mod }))).toEqual([]);
  });

  test("default tags read per instance: the instance a resource is on decides", async () => {
    // The role's one instance, "a", is on the provider's instance "a" (round 97: reading every instance of the
    // provider made it an agent by instance "b"'s tags).
    const fe = `{ a = { "blastwall:agent" = "false" }, b = { "blastwall:agent" = "true" } }`;
    expect(await destroy(dir({ "main.tofu": provider(fe, "each.value") + role("aws.by_region[each.key]") }))).toEqual([]);
    const onA = `{ a = { "blastwall:agent" = "true" }, b = { team = "x" } }`;
    expect(await destroy(dir({ "main.tofu": provider(onA, "each.value") + role("aws.by_region[each.key]") }))).toEqual(["ec2:DeleteVolume"]);
    const none = `{ a = { "blastwall:agent" = "false" }, b = { team = "x" } }`;
    expect(await destroy(dir({ "main.tofu": provider(none, "each.value") + role("aws.by_region[each.key]") }))).toEqual([]);
  });

  test("a literal instance key names that instance only: another instance's agent tag does not make an agent (red-team round 97)", async () => {
    const fe = `{ prod = { team = "data" }, dev = { "blastwall:agent" = "true" } }`;
    expect(await destroy(dir({ "main.tofu": provider(fe, "each.value") + role(`aws.by_region["prod"]`) }))).toEqual([]);
    expect(await destroy(dir({ "main.tofu": provider(fe, "each.value") + role(`aws.by_region["dev"]`) }))).toEqual(["ec2:DeleteVolume"]);
    // A key the map does not have, or [each.key], may be any instance.
    expect(await destroy(dir({ "main.tofu": provider(fe, "each.value") + role(`aws.by_region["staging"]`) }))).toEqual(["ec2:DeleteVolume"]);
  });

  test("a provider for_each from a variable -var may set may have instances that tag agents", async () => {
    const v = `variable "sets" {\n  default = { a = { team = "x" } }\n}\n`;
    const f = (await findings(dir({ "main.tofu": v + provider("var.sets", "each.value") + role("aws.by_region[each.key]") }))).filter((x) => x.ruleId === "agent-tags-unreadable");
    expect(f.map((x) => x.severity)).toEqual(["error"]);
    const g = (await findings(dir({ "main.tofu": v + provider(`{ a = { team = "x" } }`, "each.value") + role("aws.by_region[each.key]") }))).filter((x) => x.ruleId.startsWith("agent-"));
    expect(g).toEqual([]);
  });

  test("a provider reference that names no configuration blastwall read may tag an agent", async () => {
    const f = (await findings(dir({ "main.tofu": role("aws.nowhere[each.key]") }))).filter((x) => x.ruleId === "agent-tags-unreadable");
    expect(f.map((x) => [x.severity, x.actions])).toEqual([["error", ["ec2:DeleteVolume"]]]);
    const g = (await findings(dir({ "main.tofu": role("aws.nowhere") }))).filter((x) => x.ruleId === "agent-tags-unreadable");
    expect(g.map((x) => x.severity)).toEqual(["error"]);
    // The control: the default configuration may be left unwritten (Terraform uses an empty one).
    expect((await findings(dir({ "main.tofu": role("aws") }))).filter((x) => x.ruleId === "agent-tags-unreadable")).toEqual([]);
  });
});

describe("provider references with an instance key (red-team round 93)", () => {
  const res = (provider: unknown): TfResource => ({ mode: "managed", type: "aws_s3_bucket", name: "b", address: "aws_s3_bucket.b", values: { provider } });
  test("two references name one configuration only where the key is literal", () => {
    expect(sameProvider('aws.by_region["a"]', 'aws.by_region["a"]')).toBe(true);
    expect(sameProvider('aws.by_region["a"]', 'aws.by_region["b"]')).toBe(false);
    expect(sameProvider("aws.by_region[each.key]", "aws.by_region[each.key]")).toBe(false);
    expect(sameProvider("aws.x", "aws.x")).toBe(true);
  });
  test("an instance reads the account and region of its block; a wrapped or other-named reference is not the default", () => {
    const providers = new Map<string, Record<string, unknown>>([
      ["aws", { region: "us-east-1", allowed_account_ids: ["111111111111"] }],
      ["aws.by_region", { region: "eu-west-1", allowed_account_ids: ["222222222222"], for_each: ["a"] }],
    ]);
    const stack = { providers, variables: new Map(), locals: new Map() } as unknown as TfStack;
    expect(resourceAccount(stack, res('aws.by_region["a"]'))).toBe("222222222222");
    expect(resourceRegion(stack, res("aws.by_region[each.key]"))).toBe("eu-west-1");
    expect(providerKeyOf(res("${aws.by_region}"))).toBe("aws.by_region");
    expect(resourceAccount(stack, res("amazon"))).toBeUndefined();
  });
});

describe("OpenTofu's early evaluation of a module source (red-team round 93)", () => {
  const MODULE = AGENT + DELETE;
  const call = (source: string, pre = "") => `${pre}\nmodule "agent" {\n  source = ${source}\n}\n`;

  test("a source from a variable's default or a tfvars value, or a local, is read as OpenTofu reads it", async () => {
    const v = `variable "dir" {\n  type    = string\n  default = "./agent"\n}\n`;
    expect(await destroy(dir({ "main.tofu": call("var.dir", v), "agent/main.tf": MODULE }))).toEqual(["ec2:DeleteVolume"]);
    expect(await destroy(dir({ "main.tofu": call("var.dir", v.replace("./agent", "./other")), "terraform.tfvars": `dir = "./agent"\n`, "agent/main.tf": MODULE, "other/main.tf": "" }))).toEqual(["ec2:DeleteVolume"]);
    const l = `variable "name" {\n  default = "agent"\n}\nlocals {\n  dir = "./\${var.name}"\n}\n`;
    expect(await destroy(dir({ "main.tofu": call("local.dir", l), "agent/main.tf": MODULE }))).toEqual(["ec2:DeleteVolume"]);
  });

  test("a folder of .tf files whose lock file names registry.opentofu.org is read as OpenTofu reads it (red-team round 131 F4)", async () => {
    const v = `variable "dir" {\n  type    = string\n  default = "./agent"\n}\n`;
    const lock = (host: string) => `provider "${host}/hashicorp/aws" {\n  version = "6.14.1"\n}\n`;
    expect(await destroy(dir({ "main.tf": call("var.dir", v), "agent/main.tf": MODULE, ".terraform.lock.hcl": lock("registry.opentofu.org") }))).toEqual(["ec2:DeleteVolume"]);
    // The control: Terraform's registry in the lock file, Terraform's refusal.
    await expect(findings(dir({ "main.tf": call("var.dir", v), "agent/main.tf": MODULE, ".terraform.lock.hcl": lock("registry.terraform.io") }))).rejects.toThrow(/needs a literal source string/);
  });

  test("a source whose value is not known, one in a child module, and one Terraform reads stay refused", async () => {
    const refused = /needs a literal source string/;
    await expect(findings(dir({ "main.tofu": call("var.dir", `variable "dir" { type = string }`), "agent/main.tf": MODULE }))).rejects.toThrow(refused);
    await expect(findings(dir({ "main.tofu": call("aws_s3_bucket.b.bucket", `resource "aws_s3_bucket" "b" { bucket = "./agent" }`), "agent/main.tf": MODULE }))).rejects.toThrow(refused);
    const nested = dir({ "main.tofu": call(`"./outer"`), "outer/main.tf": call("var.dir", `variable "dir" {\n  default = "./agent"\n}`), "outer/agent/main.tf": MODULE });
    await expect(findings(nested)).rejects.toThrow(refused);
    await expect(findings(dir({ "main.tf": call("var.dir", `variable "dir" {\n  default = "./agent"\n}`), "agent/main.tf": MODULE }))).rejects.toThrow(refused);
  });
});
