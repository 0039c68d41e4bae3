/**
 * Ephemeral blocks (Terraform 1.10+, OpenTofu 1.11) in both readers (red-team round 172, F3): those of the AWS types
 * blastwall knows are read as data sources of their type, at `ephemeral.TYPE.NAME`; any other is not read. Nothing
 * takes one for a managed resource, and a reference to one is never resolved to a value.
 */
import { buildStack } from "../../lib/engine/terraform/stack";
import { InputError, type TfStack } from "../../lib/engine/terraform/types";
import { resolveToPattern } from "../../lib/engine/terraform/tokens";
import { isEphemeral } from "../../lib/engine/terraform/ephemeral-blocks";
import { loadHclStack } from "../../lib/hcl/load-hcl";
import { allRules } from "../../lib/rules";
import { agentRole, check, policy, tf } from "../helpers/tf";
import { dir } from "../hcl/helpers";

type Obj = Record<string, unknown>;

/** One block of every ephemeral type blastwall reads, and two it does not. */
const EPHEMERAL: Obj = {
  aws_secretsmanager_secret_version: { s: { secret_id: "${aws_secretsmanager_secret.s.id}" } },
  aws_ssm_parameter: { p: { arn: "${aws_ssm_parameter.p.arn}" } },
  aws_kms_secrets: { k: { secret: [{ name: "pw", payload: "AQECAHg=" }] } },
  aws_lambda_invocation: { l: { function_name: "${aws_lambda_function.f.function_name}", payload: "{}" } },
  aws_cognito_identity_openid_token_for_developer_identity: { c: { identity_pool_id: "eu-west-1:abc", logins: { "login.app": "u" } } },
  aws_eks_cluster_auth: { e: { name: "prod" } },
  random_password: { r: { length: 32 } },
  vault_kv_secret_v2: { v: { mount: "kv", name: "db" } },
};

const READ = [
  "ephemeral.aws_secretsmanager_secret_version.s",
  "ephemeral.aws_ssm_parameter.p",
  "ephemeral.aws_kms_secrets.k",
  "ephemeral.aws_lambda_invocation.l",
  "ephemeral.aws_cognito_identity_openid_token_for_developer_identity.c",
  "ephemeral.aws_eks_cluster_auth.e",
];

const ephemerals = (s: TfStack) => s.resources.filter((r) => r.address.includes("ephemeral.")).map((r) => ({ mode: r.mode, address: r.address, ephemeral: isEphemeral(r) }));

describe("Terraform JSON", () => {
  test("ephemeral blocks of the types blastwall knows are data sources of their type at ephemeral.TYPE.NAME; others are not read", () => {
    const s = buildStack({ ephemeral: EPHEMERAL }, "main.tf.json");
    expect(ephemerals(s)).toEqual(READ.map((address) => ({ mode: "data", address, ephemeral: true })));
    expect(s.byAddress.get("ephemeral.aws_ssm_parameter.p")?.values).toEqual({ arn: "${aws_ssm_parameter.p.arn}" });
    // A data source of the same type and name is another object.
    const both = buildStack({ data: { aws_ssm_parameter: { p: { name: "/p" } } }, ephemeral: { aws_ssm_parameter: { p: { arn: "arn:aws:ssm:eu-west-1:111111111111:parameter/p" } } } }, "main.tf.json");
    expect(both.byType.get("aws_ssm_parameter")?.map((r) => [r.address, isEphemeral(r)])).toEqual([
      ["data.aws_ssm_parameter.p", false],
      ["ephemeral.aws_ssm_parameter.p", true],
    ]);
  });

  test("every JSON form (arrays at each level, as cdktf may write them), and a name given twice is refused", () => {
    const s = buildStack({ ephemeral: [{ aws_ssm_parameter: [{ a: { arn: "x" } }, { b: [{ arn: "y" }] }] }] }, "cdk.tf.json");
    expect(ephemerals(s).map((e) => e.address)).toEqual(["ephemeral.aws_ssm_parameter.a", "ephemeral.aws_ssm_parameter.b"]);
    expect(() => buildStack({ ephemeral: { aws_ssm_parameter: { a: [{ arn: "x" }, { arn: "y" }] } } }, "cdk.tf.json")).toThrow(new InputError("cdk.tf.json", "ephemeral.aws_ssm_parameter.a is defined more than once"));
  });
});

describe("HCL folder", () => {
  test("reads the same blocks, in modules and with count, at Terraform's addresses and the line they are written at", async () => {
    const hcl = `
ephemeral "aws_secretsmanager_secret_version" "s" {
  count     = 2
  secret_id = "app/\${count.index}"
}
ephemeral "random_password" "r" { length = 32 }
module "m" { source = "./m" }
`;
    const s = await loadHclStack(dir({ "main.tf": hcl, "m/main.tf": `ephemeral "aws_ssm_parameter" "p" { arn = "arn:aws:ssm:eu-west-1:111111111111:parameter/p" }\n` }));
    expect(ephemerals(s)).toEqual(
      ["ephemeral.aws_secretsmanager_secret_version.s[0]", "ephemeral.aws_secretsmanager_secret_version.s[1]", "module.m.ephemeral.aws_ssm_parameter.p"].map((address) => ({ mode: "data", address, ephemeral: true })),
    );
    expect(s.byAddress.get("ephemeral.aws_secretsmanager_secret_version.s[1]")).toMatchObject({ values: { secret_id: "app/1" }, location: "main.tf:2" });
  });

  test("the HCL reader keeps the blocks the JSON reader keeps; an override file's block is merged into the one it overrides", async () => {
    const hcl = Object.entries(EPHEMERAL)
      .map(([type, named]) => Object.keys(named as Obj).map((name) => `ephemeral "${type}" "${name}" {}\n`).join(""))
      .join("");
    const s = await loadHclStack(dir({ "main.tf": hcl, "override.tf": `ephemeral "aws_eks_cluster_auth" "e" { name = "staging" }\n` }));
    const sorted = (x: TfStack) => ephemerals(x).sort((a, b) => a.address.localeCompare(b.address));
    expect(sorted(s)).toEqual(sorted(buildStack({ ephemeral: EPHEMERAL }, "main.tf.json")));
    expect(s.byAddress.get("ephemeral.aws_eks_cluster_auth.e")?.values).toEqual({ name: "staging" });
  });

  test("a reference to one stays a reference (HCL) and is never resolved to a value (either reader)", async () => {
    const s = await loadHclStack(
      dir({ "main.tf": `ephemeral "aws_eks_cluster_auth" "e" { name = "prod" }\nresource "aws_ssm_parameter" "x" {\n  name     = "/x"\n  type     = "SecureString"\n  value_wo = ephemeral.aws_eks_cluster_auth.e.name\n}\n` }),
    );
    expect(s.byAddress.get("aws_ssm_parameter.x")?.values.value_wo).toBe("${ephemeral.aws_eks_cluster_auth.e.name}");
    for (const attribute of ["name", "token", "id"]) expect(resolveToPattern(s, `\${ephemeral.aws_eks_cluster_auth.e.${attribute}}`).exact).toBe(false);
    const j = buildStack({ ephemeral: { aws_ssm_parameter: { p: { arn: "arn:aws:ssm:eu-west-1:111111111111:parameter/p" } } } }, "main.tf.json");
    for (const attribute of ["arn", "name", "value"]) expect(resolveToPattern(j, `\${ephemeral.aws_ssm_parameter.p.${attribute}}`).exact).toBe(false);
  });
});

describe("no ephemeral block is a managed resource", () => {
  test("ephemeral blocks a stack does not read from change no finding of any rule (nothing to protect, nothing it deletes)", () => {
    const base = {
      "aws_iam_role.agent": agentRole(),
      "aws_iam_role_policy.agent": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: ["s3:GetObject", "lambda:InvokeFunction"], Resource: "*" }) },
      "aws_secretsmanager_secret.s": { name: "s" },
      "aws_ssm_parameter.p": { name: "/p", type: "SecureString", value: "v" },
      "aws_iam_role.fn": { name: "fn", assume_role_policy: policy({ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }) },
      "aws_lambda_function.f": { function_name: "f", role: "${aws_iam_role.fn.arn}" },
      "aws_db_instance.prod": { identifier: "prod", engine: "postgres", instance_class: "db.t4g.micro", username: "admin", password: "x" },
    };
    // Protecting every type they have asks each managed resource of them for prevent_destroy and backups.
    const config = { protected: { types: READ.map((a) => a.split(".")[1]) } };
    const findings = (json: Obj) => check(json, config, { rules: allRules }).findings.map((f) => `${f.ruleId} ${f.resource}: ${f.message}`);
    const without = findings(tf(base));
    expect(without.length).toBeGreaterThan(0);
    expect(findings(tf(base, { ephemeral: EPHEMERAL }))).toEqual(without);
  });
});
