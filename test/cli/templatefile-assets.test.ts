/**
 * `Fn.templatefile(asset.path, {...})` over a cdktf TerraformAsset (red-team round 89): the policy is
 * `${templatefile("assets/...", {...})}`, and cdktf copies the file into the stack's folder, where Terraform runs.
 * `blastwall check` reads it there, rendered with variables it knows exactly; a file outside the stack's folder, or
 * a template variable it does not know, stays unreadable (everything).
 */
import { mkdirSync, symlinkSync, writeFileSync } from "fs";
import { join } from "path";
import { App, Aspects, AssetType, Fn, TerraformAsset, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { BlastwallChecks } from "../../lib/cdktf";
import { checkPaths } from "../../lib/check/run-check";
import { agentRules } from "../../lib/rules";
import { runIn } from "../helpers/cli";
import { tree } from "../helpers/files";
import { cdktfManifest, tf } from "../helpers/tf";

type Obj = Record<string, unknown>;
const TRUST = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:role/runner" }, Action: ["sts:AssumeRole", "sts:SetSourceIdentity"], Condition: { StringLike: { "sts:SourceIdentity": "agent-*" } } }],
});
const BOUNDARY = (allow: string[] = ["s3:GetObject"]) => JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Deny", Action: ["ec2:Delete*", "ec2:Terminate*", "rds:Delete*", "s3:Delete*", "backup:Delete*", "iam:*"], Resource: "*" }, { Effect: "Allow", Action: allow, Resource: "*" }] });
const ASSET = "assets/tpl/10BE0438965BE09D0377DBE9FB8FF836/policy.json.tpl";
const TEMPLATE = (action: string, resource = "arn:aws:s3:::${bucket}/*") => `{"Version":"2012-10-17","Statement":[{"Sid":"FromTemplate","Effect":"Allow","Action":["${action}"],"Resource":"${resource}"}]}`;

/** A cdktf.out folder whose one stack's agent has the templated policy `policy`; `files` are put beside it. */
function out(policy: string, files: Record<string, string>, extra: Obj = {}, allow?: string[]): string {
  const stack = tf(
    {
      "aws_iam_policy.boundary": { name: "agent-boundary", policy: BOUNDARY(allow) },
      "aws_iam_role.careful": { name: "careful", path: "/agents/", assume_role_policy: TRUST, permissions_boundary: "${aws_iam_policy.boundary.arn}", max_session_duration: 3600, tags: { "blastwall:agent": "true" } },
      "aws_iam_role_policy.careful-tpl": { role: "${aws_iam_role.careful.name}", policy },
    },
    extra,
  );
  return tree({ "cdktf.out/manifest.json": cdktfManifest(["prod"]), "cdktf.out/stacks/prod/cdk.tf.json": JSON.stringify(stack), ...files });
}
const templated = (path: string, vars = '{"bucket" = "reports"}') => `\${templatefile("${path}", ${vars})}`;
const check = (root: string) => runIn(["check", "cdktf.out"], root);

describe("templatefile over a TerraformAsset, read from the stack's folder", () => {
  test("a read-only template in the stack's assets passes", async () => {
    const root = out(templated(ASSET), { [`cdktf.out/stacks/prod/${ASSET}`]: TEMPLATE("s3:GetObject") });
    const r = await check(root);
    expect(r.stdout).not.toContain("unanalysable-policy");
    expect(r.code).toBe(0);
  });

  test("a destroy right in the template is found, with the template's variables rendered", async () => {
    const root = out(templated(ASSET, '{"bucket" = local.bucket}'), { [`cdktf.out/stacks/prod/${ASSET}`]: TEMPLATE("dynamodb:DeleteTable", "arn:aws:dynamodb:eu-central-1:111111111111:table/${bucket}") }, { locals: { bucket: "reports" } }, ["s3:GetObject", "dynamodb:DeleteTable"]);
    const r = await check(root);
    expect(r.stdout).toContain("agent-destroy-right");
    expect(r.stdout).toContain("table/reports");
    expect(r.stdout).not.toContain("unanalysable-policy");
    expect(r.code).toBe(1);
  });

  test.each([
    ["a path going up out of the stack's folder", "../../../outside.json.tpl", { "outside.json.tpl": TEMPLATE("s3:GetObject") }, 'goes up with ".."'],
    ["an absolute path", "/etc/hostname", {}, "is an absolute path"],
    ["a file that is not there", "assets/missing.json.tpl", {}, "is not in the stack's directory"],
    ["a link inside the folder leading out of it", "assets/link.tpl", {}, "symbolic link"],
  ])("fails closed: %s", async (_what, path, files, why) => {
    const root = out(templated(path), files as Record<string, string>);
    if (path === "assets/link.tpl") {
      writeFileSync(join(root, "secret.tpl"), TEMPLATE("s3:GetObject"));
      mkdirSync(join(root, "cdktf.out/stacks/prod/assets"), { recursive: true });
      symlinkSync(join(root, "secret.tpl"), join(root, "cdktf.out/stacks/prod/assets/link.tpl"));
    }
    const r = await check(root);
    expect(r.stdout).toContain("unanalysable-policy");
    expect(r.stdout).toContain(why);
    expect(r.stdout).toContain("Keep the policy file inside the stack's directory");
    expect(r.code).toBe(1);
  });

  test("fails closed: a template variable blastwall does not know", async () => {
    const root = out(templated(ASSET, '{"bucket" = var.bucket}'), { [`cdktf.out/stacks/prod/${ASSET}`]: TEMPLATE("s3:GetObject") }, { variable: { bucket: { type: "string" } } });
    const r = await check(root);
    expect(r.stdout).toContain("unanalysable-policy");
    expect(r.stdout).toContain("var.bucket");
    expect(r.code).toBe(1);
  });

  // Red-team round 91: the reason quoted the template's text; Terraform names the variable its vars do not set.
  test("fails closed: a name the template uses that its vars do not set is named (not the names its for binds)", async () => {
    const loop = '{"Version":"2012-10-17","Statement":[%{ for i, a in actions ~}%{ if i > 0 },%{ endif }{"Effect":"Allow","Action":"${a}","Resource":"*"}%{ endfor ~}]}';
    const missing = await check(out(templated(ASSET, "{}"), { [`cdktf.out/stacks/prod/${ASSET}`]: loop }));
    expect(missing.stdout).toContain('whose template uses "actions", which its vars do not set (Terraform fails: vars map does not contain key "actions")');
    expect(missing.stdout).not.toContain('"i"');
    expect(missing.code).toBe(1);
    // The control: with actions set, the loop renders and its read-only right passes.
    const passed = await check(out(templated(ASSET, '{"actions" = ["s3:GetObject"]}'), { [`cdktf.out/stacks/prod/${ASSET}`]: loop }));
    expect([passed.stdout.includes("unanalysable-policy"), passed.code]).toEqual([false, 0]);
  });

  test("fails closed: the variables as a whole from a variable without a default", async () => {
    const root = out(templated(ASSET, "var.vars"), { [`cdktf.out/stacks/prod/${ASSET}`]: TEMPLATE("s3:GetObject") }, { variable: { vars: {} } });
    const r = await check(root);
    expect(r.stdout).toContain("unanalysable-policy");
    expect(r.stdout).toContain("template variables blastwall cannot know");
    expect(r.code).toBe(1);
  });
});

describe("templatefile over a TerraformAsset, through cdktf", () => {
  function app(root: string, gate: boolean) {
    const a = new App({ outdir: join(root, "cdktf.out") });
    const s = new TerraformStack(a, "prod");
    new AwsProvider(s, "aws", { region: "eu-central-1" });
    const b = new IamPolicy(s, "boundary", { name: "agent-boundary", policy: BOUNDARY() });
    const r = new IamRole(s, "careful", { name: "careful", path: "/agents/", assumeRolePolicy: TRUST, permissionsBoundary: b.arn, maxSessionDuration: 3600, tags: { "blastwall:agent": "true" } });
    const asset = new TerraformAsset(s, "tpl", { path: join(root, "tpl", "policy.json.tpl"), type: AssetType.FILE });
    new IamRolePolicy(s, "careful-tpl", { role: r.name, policy: Fn.templatefile(asset.path, { bucket: "reports" }) });
    if (gate) Aspects.of(a).add(new BlastwallChecks({ config: {}, rules: agentRules }));
    return a;
  }

  test("blastwall check reads the synthesized output; at synth the asset is not read (it is not copied yet)", async () => {
    const root = tree({ "tpl/policy.json.tpl": TEMPLATE("s3:GetObject") });
    expect(() => app(root, true).synth()).toThrow(/unanalysable-policy[\s\S]*not at synth/);
    app(root, false).synth();
    const report = await checkPaths([join(root, "cdktf.out")], { config: {}, rules: agentRules });
    expect(report.findings.filter((f) => f.severity === "error").map((f) => f.ruleId)).toEqual([]);
  });
});
