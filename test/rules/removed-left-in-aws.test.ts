/**
 * Red-team round 120 F6: `removed { from = aws_iam_role_policy.cleanup, lifecycle { destroy = false } }` made
 * Terraform forget an agent's policy and leave it attached in AWS, and `blastwall check` said nothing: the block it
 * replaced was simply gone. Such a block is now an error naming it; one that destroys the object, or removes
 * something that grants nothing, is not.
 */
import { checkPaths } from "../../lib/check/run-check";
import { agentRules } from "../../lib/rules";
import { dir } from "../hcl/helpers";
import { join, relative } from "path";

const removed = (from: string, lifecycle = "lifecycle {\n    destroy = false\n  }") => `removed {\n  from = ${from}\n  ${lifecycle}\n}\n`;

const ROLE = `resource "aws_iam_role" "agent" {
  name               = "coding-agent"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = "arn:aws:iam::111111111111:role/human" } }] })
}
`;

async function found(files: Record<string, string>) {
  return (await checkPaths([dir(files)], { config: {}, rules: agentRules })).findings.filter((f) => f.ruleId === "removed-left-in-aws");
}

describe("removed-left-in-aws", () => {
  test("a forgotten inline policy is an error at the removed block, naming what stays in AWS and the plan gate", async () => {
    const fs = await found({ "main.tf": ROLE, "gone.tf": `# the old cleanup policy\n${removed("aws_iam_role_policy.cleanup")}` });
    expect(fs).toHaveLength(1);
    expect(fs[0].severity).toBe("error");
    expect(fs[0].resource).toBe("removed.aws_iam_role_policy.cleanup");
    expect(fs[0].message).toContain("/gone.tf:2) for aws_iam_role_policy.cleanup, an IAM policy or attachment, with `destroy = false`");
    expect(fs[0].message).toContain("leave it in AWS");
    expect(fs[0].message).toContain("plan gate");
    expect(fs[0].evidence[0].location).toBe("gone.tf:2");
  });

  test("attachments, roles, users' and groups' policies, and a whole module are flagged", async () => {
    const froms = ["aws_iam_role_policy_attachment.a", "aws_iam_policy_attachment.b", "aws_iam_user_policy.c", "aws_iam_group_policy_attachment.d", "aws_iam_policy.e", "aws_iam_role.f", "aws_s3_bucket_policy.g", "module.old"];
    const fs = await found({ "main.tf": ROLE, "gone.tf": froms.map((f) => removed(f)).join("") });
    expect(fs.map((f) => f.resource).sort()).toEqual(froms.map((f) => `removed.${f}`).sort());
  });

  test("inside a module, the address is the module's", async () => {
    const fs = await found({ "main.tf": `module "agent" {\n  source = "./agent"\n}\n`, "agent/main.tf": ROLE + removed("aws_iam_role_policy.cleanup") });
    expect(fs.map((f) => f.resource)).toEqual(["module.agent.removed.aws_iam_role_policy.cleanup"]);
    expect(fs[0].message).toContain("for module.agent.aws_iam_role_policy.cleanup");
  });

  test("Terraform JSON syntax (.tf.json in the folder) is read too", async () => {
    const json = JSON.stringify({ removed: [{ from: "aws_iam_role_policy.cleanup", lifecycle: { destroy: false } }] });
    const fs = await found({ "main.tf": ROLE, "gone.tf.json": json });
    expect(fs.map((f) => f.resource)).toEqual(["removed.aws_iam_role_policy.cleanup"]);
  });

  test("controls: a removed block that destroys the object, or the default, or one for a type that grants nothing, is no finding", async () => {
    const fs = await found({
      "main.tf": ROLE,
      "gone.tf":
        removed("aws_iam_role_policy.a", "lifecycle {\n    destroy = true\n  }") +
        removed("aws_iam_role_policy.b", "") +
        removed("aws_s3_bucket_versioning.logs"),
    });
    expect(fs).toEqual([]);
  });

  test("types that grant through a policy argument or by themselves are flagged, each saying what it is (red-team round 122 F6)", async () => {
    const froms = [
      "aws_kms_key.data",
      "aws_sqs_queue.jobs",
      "aws_s3_bucket.logs",
      "aws_sns_topic.events",
      "aws_kms_key_policy.data",
      "aws_lakeformation_permissions.agent",
      "aws_lambda_permission.invoke",
      "aws_s3_bucket_acl.open",
      "aws_kms_grant.agent",
      "aws_ssoadmin_account_assignment.agent",
      "aws_iam_access_key.ci",
      "aws_iam_openid_connect_provider.gha",
      "aws_eks_access_entry.agent",
      "awscc_iam_role.agent",
      "module.a.aws_iam_instance_profile.agent",
    ];
    const fs = await found({ "main.tf": ROLE, "gone.tf": froms.map((f) => removed(f)).join("") });
    expect(fs.map((f) => f.resource).sort()).toEqual(froms.map((f) => (f.startsWith("module.") ? f.replace(/^(module\.a\.)/, "removed.$1") : `removed.${f}`)).sort());
    const say = (from: string) => fs.find((f) => f.resource === `removed.${from}`)?.message;
    expect(say("aws_kms_key.data")).toContain("aws_kms_key.data, an object that may carry a resource policy (its `policy` argument), with");
    expect(say("aws_kms_key_policy.data")).toContain("aws_kms_key_policy.data, a resource policy, with");
    expect(say("aws_lakeformation_permissions.agent")).toContain("a Lake Formation grant");
    expect(say("aws_iam_access_key.ci")).toContain("a credential");
    // A bucket, key, queue or topic is often moved to another state, and carries its policy as an argument less
    // often: a warning; a policy, grant or credential of its own is an error.
    const severity = (from: string) => fs.find((f) => f.resource === `removed.${from}`)?.severity;
    expect(["aws_kms_key.data", "aws_sqs_queue.jobs", "aws_s3_bucket.logs", "aws_sns_topic.events"].map(severity)).toEqual(["warning", "warning", "warning", "warning"]);
    expect(["aws_kms_key_policy.data", "aws_kms_grant.agent", "aws_iam_access_key.ci"].map(severity)).toEqual(["error", "error", "error"]);
  });

  test("with --strict, an object that may carry a resource policy is an error too", async () => {
    const fs = (await checkPaths([dir({ "main.tf": ROLE, "gone.tf": removed("aws_s3_bucket.logs") })], { config: {}, strict: true, rules: agentRules })).findings.filter(
      (f) => f.ruleId === "removed-left-in-aws",
    );
    expect(fs.map((f) => f.severity)).toEqual(["error"]);
  });

  test("the control: types named like policies that grant nothing are no finding (red-team round 123 F5)", async () => {
    const froms = [
      "aws_autoscaling_policy.scale_out",
      "aws_ecr_lifecycle_policy.web",
      "aws_cloudfront_cache_policy.static",
      "aws_iam_server_certificate.legacy_elb",
      "aws_iam_account_password_policy.strict",
      "aws_ssoadmin_permissions_boundary_attachment.cap",
      "google_service_account.x",
    ];
    expect(await found({ "main.tf": ROLE, "gone.tf": froms.map((f) => removed(f)).join("") })).toEqual([]);
  });

  test("a folder OpenTofu may apply (.tofu files): a removed block with no destroy forgets there, OpenTofu's default (red-team round 127 lead)", async () => {
    const fs = await found({ "main.tf": ROLE, "gone.tofu": removed("aws_iam_role_policy.cleanup", "") });
    expect(fs).toHaveLength(1);
    expect(fs[0].severity).toBe("error");
    expect(fs[0].message).toContain("with no `lifecycle { destroy = ... }`, which OpenTofu reads as `destroy = false` (its default, unlike Terraform's), makes OpenTofu forget it");
    expect(fs[0].evidence[0].detail).toContain("write `destroy = true` to destroy it under both");
    // In a .tf file of the same folder too: OpenTofu reads those as well.
    expect(await found({ "main.tf": ROLE + removed("aws_iam_role_policy.cleanup", ""), "other.tofu": "" })).toHaveLength(1);
  });

  test("controls: the same block in a folder of .tf files alone is Terraform's destroy; destroy = true written out destroys under OpenTofu too", async () => {
    expect(await found({ "main.tf": ROLE, "gone.tf": removed("aws_iam_role_policy.cleanup", "") })).toEqual([]);
    expect(await found({ "main.tf": ROLE, "gone.tofu": removed("aws_iam_role_policy.cleanup", "lifecycle {\n    destroy = true\n  }") })).toEqual([]);
    // destroy = false written out reads the same under both (no OpenTofu default wording).
    const fs = await found({ "main.tf": ROLE, "gone.tofu": removed("aws_iam_role_policy.cleanup") });
    expect(fs).toHaveLength(1);
    expect(fs[0].message).toContain("with `destroy = false` makes Terraform forget it");
  });

  describe("a folder of .tf files whose lock file `tofu init` wrote (red-team round 131 F4)", () => {
    const lock = (host: string) =>
      `# This file is maintained automatically by "tofu init".\n\nprovider "${host}/hashicorp/aws" {\n  version     = "6.14.1"\n  constraints = "~> 6.0"\n  hashes = [\n    "h1:AAAA=",\n  ]\n}\n`;
    const bare = { "main.tf": ROLE, "gone.tf": removed("aws_iam_role_policy_attachment.admin", "") };

    test("a provider from registry.opentofu.org: a bare removed block forgets, OpenTofu's default", async () => {
      const fs = await found({ ...bare, ".terraform.lock.hcl": lock("registry.opentofu.org") });
      expect(fs).toHaveLength(1);
      expect(fs[0].severity).toBe("error");
      expect(fs[0].message).toContain("which OpenTofu reads as `destroy = false` (its default, unlike Terraform's), makes OpenTofu forget it");
      // One reading (only OpenTofu applies it): the message names none.
      expect(fs[0].message).not.toMatch(/reads this folder/);
      // A host in capitals, and one OpenTofu provider among Terraform-registry ones, still say OpenTofu.
      expect(await found({ ...bare, ".terraform.lock.hcl": lock("Registry.OpenTofu.org") })).toHaveLength(1);
      expect(await found({ ...bare, ".terraform.lock.hcl": lock("registry.terraform.io").replace(/aws/g, "random") + lock("registry.opentofu.org") })).toHaveLength(1);
    });

    test("controls: a Terraform lock file, none, or one blastwall cannot read leaves the folder read as Terraform", async () => {
      expect(await found({ ...bare, ".terraform.lock.hcl": lock("registry.terraform.io").replace("tofu init", "terraform init") })).toEqual([]);
      expect(await found(bare)).toEqual([]);
      // Not HCL, a lock folder instead of a file, and the host only in a comment: each says nothing.
      expect(await found({ ...bare, ".terraform.lock.hcl": `provider "registry.opentofu.org/hashicorp/aws" {\n  version = \n` })).toEqual([]);
      expect(await found({ ...bare, ".terraform.lock.hcl/x": "" })).toEqual([]);
      expect(await found({ ...bare, ".terraform.lock.hcl": `# registry.opentofu.org\nprovider "registry.terraform.io/hashicorp/aws" {\n  version = "6.0.0"\n}\n` })).toEqual([]);
      // A lock file in a module folder is not the root's: Terraform and OpenTofu read only the root's.
      expect(await found({ ...bare, "mod/.terraform.lock.hcl": lock("registry.opentofu.org") })).toEqual([]);
      // destroy written out reads the same under both tools.
      expect(await found({ "main.tf": ROLE, "gone.tf": removed("aws_iam_role_policy_attachment.admin", "lifecycle {\n    destroy = true\n  }"), ".terraform.lock.hcl": lock("registry.opentofu.org") })).toEqual([]);
    });
  });

  test("the message's location is a path from where blastwall ran, as `file:` is (red-team round 123 F5)", async () => {
    const d = dir({ "main.tf": ROLE, "gone.tf": removed("aws_iam_role_policy.cleanup") });
    const rel = relative(process.cwd(), d);
    const fs = (await checkPaths([rel], { config: {}, rules: agentRules })).findings.filter((f) => f.ruleId === "removed-left-in-aws");
    expect(fs[0].message).toContain(`(${join(rel, "gone.tf")}:1) for`);
  });
});

describe("removed-left-in-aws in a lone Terraform JSON file (cdk.tf.json), which the JSON reader reads", () => {
  const { check, tf } = require("../helpers/tf") as typeof import("../helpers/tf");
  const of = (removedBlocks: unknown) =>
    check(tf({ "aws_iam_role.agent": { name: "agent", assume_role_policy: "{}" } }, { removed: removedBlocks }), {}, { rules: agentRules }).findings.filter((f) => f.ruleId === "removed-left-in-aws");

  test("a block keeping an IAM object, or one whose from is unreadable, is an error; one destroying it, or keeping a scaling policy, is not", () => {
    const fs = of([
      { from: "aws_iam_role_policy.cleanup", lifecycle: { destroy: false } },
      { from: "aws_iam_role_policy_attachment.admin", lifecycle: [{ destroy: "false" }] },
      { from: "aws_iam_role_policy.gone", lifecycle: { destroy: true } },
      { from: "aws_autoscaling_policy.scale", lifecycle: { destroy: false } },
      { from: 42, lifecycle: { destroy: false } },
    ]);
    expect(fs.map((f) => [f.resource, f.severity])).toEqual([
      ["removed.aws_iam_role_policy.cleanup", "error"],
      ["removed.aws_iam_role_policy_attachment.admin", "error"],
      ["removed[4]", "error"],
    ]);
  });

  test("a single block written as an object, and a destroy value it cannot read, count too (fail closed)", () => {
    expect(of({ from: "aws_iam_policy.p", lifecycle: { destroy: "${var.keep}" } }).map((f) => f.resource)).toEqual(["removed.aws_iam_policy.p"]);
  });
});

/**
 * Red-team round 133 F5: a lone cdk.tf.json (or a named *.tf.json) beside a lock file `tofu init` wrote is applied by
 * OpenTofu, whose bare `removed` block forgets its object, as in a folder of `.tf` files with that lock file.
 */
describe("removed-left-in-aws in Terraform JSON beside an OpenTofu lock file (red-team round 133 F5)", () => {
  const lock = (...hosts: string[]) => hosts.map((h) => `provider "${h}/hashicorp/aws" {\n  version = "6.14.1"\n}\n`).join("");
  const stack = JSON.stringify({
    resource: { aws_iam_role: { agent: { name: "agent", assume_role_policy: "{}" } } },
    removed: [{ from: "aws_iam_role_policy_attachment.admin" }],
  });
  const gone = async (files: Record<string, string>, named: string) => {
    const root = dir(files);
    return (await checkPaths([join(root, named)], { config: {}, rules: agentRules })).findings.filter((f) => f.ruleId === "removed-left-in-aws");
  };

  test("a cdk.tf.json stack folder, its cdk.tf.json, and a named main.tf.json: the bare block forgets, OpenTofu's default", async () => {
    for (const [files, named] of [
      [{ "stacks/app/cdk.tf.json": stack, "stacks/app/.terraform.lock.hcl": lock("registry.opentofu.org") }, "stacks/app"],
      [{ "stacks/app/cdk.tf.json": stack, "stacks/app/.terraform.lock.hcl": lock("registry.opentofu.org") }, "stacks/app/cdk.tf.json"],
      [{ "main.tf.json": stack, ".terraform.lock.hcl": lock("registry.terraform.io", "registry.opentofu.org") }, "main.tf.json"],
    ] as [Record<string, string>, string][]) {
      const fs = await gone(files, named);
      expect(fs.map((f) => f.resource)).toEqual(["removed.aws_iam_role_policy_attachment.admin"]);
      expect(fs[0].message).toContain("which OpenTofu reads as `destroy = false`");
    }
  });

  test("controls: no lock file, or Terraform's alone, is Terraform's destroy; a lock file in another folder says nothing", async () => {
    expect(await gone({ "stacks/app/cdk.tf.json": stack }, "stacks/app")).toEqual([]);
    expect(await gone({ "stacks/app/cdk.tf.json": stack, "stacks/app/.terraform.lock.hcl": lock("registry.terraform.io") }, "stacks/app/cdk.tf.json")).toEqual([]);
    expect(await gone({ "stacks/app/cdk.tf.json": stack, "stacks/.terraform.lock.hcl": lock("registry.opentofu.org") }, "stacks/app/cdk.tf.json")).toEqual([]);
  });
});
