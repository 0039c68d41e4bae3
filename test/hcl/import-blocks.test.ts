/**
 * `import` blocks read from a folder (HCL, or `.tf.json` files read as a folder), as the Terraform JSON reader reads
 * them (red-team round 133, F2): an HCL stack that brings the agent's guard policy under its own management rewrites
 * the guard's document on its next apply, so the guard's Deny is not relied on, whichever reader read that stack.
 */
import { checkPaths } from "../../lib/check/run-check";
import { loadHcl } from "../../lib/hcl/load-hcl";
import { agentRules } from "../../lib/rules";
import { join } from "path";
import { dir } from "./helpers";
import { resolveToPattern } from "../../lib/engine/terraform/tokens";

const ACCOUNT = "111111111111";
const GUARD_ARN = `arn:aws:iam::${ACCOUNT}:policy/agent-guard`;
const doc = (effect: string, action: string | string[]) => JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: effect, Action: action, Resource: "*" }] });
const DESTROY = ["s3:DeleteBucket", "s3:DeleteObject"];
const PROVIDER = { aws: [{ region: "us-east-1", allowed_account_ids: [ACCOUNT] }] };

/** The agent's stack, in Terraform JSON: its boundary and its own policy allow the deletes, the guard policy denies them. */
function agentResources(): Record<string, Record<string, unknown>> {
  return {
    aws_iam_policy: { boundary: { name: "agent-boundary", policy: doc("Allow", DESTROY) }, guard: { name: "agent-guard", policy: doc("Deny", DESTROY) } },
    aws_iam_role: {
      agent: {
        name: "agent",
        max_session_duration: 3600,
        permissions_boundary: "${aws_iam_policy.boundary.arn}",
        assume_role_policy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Action: ["sts:AssumeRole", "sts:SetSourceIdentity"],
              Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/human` },
              Condition: { StringLike: { "sts:SourceIdentity": "agent-*" } },
            },
          ],
        }),
        tags: { "blastwall:agent": "true" },
      },
    },
    aws_iam_role_policy: { p: { role: "${aws_iam_role.agent.id}", policy: doc("Allow", DESTROY) } },
    aws_iam_role_policy_attachment: { guard: { role: "${aws_iam_role.agent.name}", policy_arn: "${aws_iam_policy.guard.arn}" } },
  };
}
const AGENT_JSON = JSON.stringify({ provider: PROVIDER, resource: agentResources() });

const HCL_PROVIDER = `provider "aws" {
  region              = "us-east-1"
  allowed_account_ids = ["${ACCOUNT}"]
}
`;
/** A policy named like the guard, allowing a read only: what the importing stack writes over the guard's document. */
const ADOPTED = `resource "aws_iam_policy" "adopted" {
  name   = "agent-guard"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "*" }] })
}
`;
const importOf = (id: string, to = "aws_iam_policy.adopted") => `import {\n  to = ${to}\n  id = ${id}\n}\n`;

const agentFile = () => join(dir({ "main.tf.json": AGENT_JSON }), "main.tf.json");
async function destroyers(...paths: string[]) {
  return (await checkPaths(paths, { config: {}, rules: agentRules })).findings.filter((f) => f.ruleId === "agent-destroy-right" && f.severity === "error");
}
const reasonOf = (fs: Awaited<ReturnType<typeof destroyers>>) => fs[0]?.evidence.find((e) => e.step === "deny-not-relied-on")?.detail ?? "";

describe("import blocks of an HCL folder (red-team round 133, F2)", () => {
  test("another HCL stack importing the guard policy by its ARN: the guard is not relied on, as for Terraform JSON", async () => {
    const fs = await destroyers(agentFile(), dir({ "main.tf": HCL_PROVIDER + importOf(`"${GUARD_ARN}"`) + ADOPTED }));
    expect(fs).toHaveLength(1);
    expect(reasonOf(fs)).toContain(`import.aws_iam_policy.adopted of stack`);
    expect(reasonOf(fs)).toContain(`imports "${GUARD_ARN}" into aws_iam_policy.adopted`);
  });

  test("the controls: the same HCL stack without its import block, or importing another policy, takes nothing", async () => {
    expect(await destroyers(agentFile(), dir({ "main.tf": HCL_PROVIDER + ADOPTED }))).toEqual([]);
    expect(await destroyers(agentFile(), dir({ "main.tf": HCL_PROVIDER + importOf(`"arn:aws:iam::${ACCOUNT}:policy/other"`) + ADOPTED }))).toEqual([]);
  });

  test("the id is evaluated in the root module: a local or a function naming the guard is the guard, one naming another policy is not", async () => {
    const withLocal = (name: string) => HCL_PROVIDER + `locals {\n  name = "${name}"\n}\n` + importOf(`"arn:aws:iam::${ACCOUNT}:policy/\${local.name}"`) + ADOPTED;
    expect(reasonOf(await destroyers(agentFile(), dir({ "main.tf": withLocal("agent-guard") })))).toContain(`imports "${GUARD_ARN}"`);
    expect(await destroyers(agentFile(), dir({ "main.tf": withLocal("other") }))).toEqual([]);
    const formatted = (name: string) =>
      HCL_PROVIDER + `locals {\n  prod = false\n}\n` + importOf(`local.prod ? "arn:aws:iam::${ACCOUNT}:policy/x" : format("arn:aws:iam::%s:policy/%s", "${ACCOUNT}", "${name}")`) + ADOPTED;
    expect(reasonOf(await destroyers(agentFile(), dir({ "main.tf": formatted("agent-guard") })))).toContain(`imports "${GUARD_ARN}"`);
    expect(await destroyers(agentFile(), dir({ "main.tf": formatted("other") }))).toEqual([]);
  });

  test("a .tf.json folder is read with its import blocks, as the same file named alone is", async () => {
    const json = JSON.stringify({
      provider: PROVIDER,
      import: [{ to: "aws_iam_policy.adopted", id: GUARD_ARN }],
      resource: { aws_iam_policy: { adopted: { name: "agent-guard", policy: doc("Allow", "s3:GetObject") } } },
    });
    const folder = dir({ "main.tf.json": json });
    expect(await destroyers(agentFile(), folder)).toHaveLength(1);
    expect(await destroyers(agentFile(), join(folder, "main.tf.json"))).toHaveLength(1);
  });

  test("a cdk.tf.json with a terraform.tfvars beside it (read as its folder) keeps its import of the inline guard", async () => {
    const inlineGuard = JSON.stringify({
      provider: PROVIDER,
      resource: { ...agentResources(), aws_iam_policy: { boundary: agentResources().aws_iam_policy.boundary }, aws_iam_role_policy_attachment: {}, aws_iam_role_policy: { p: agentResources().aws_iam_role_policy.p, guard: { role: "${aws_iam_role.agent.id}", name: "guard", policy: doc("Deny", DESTROY) } } },
    });
    const agent = join(dir({ "main.tf.json": inlineGuard }), "main.tf.json");
    const taker = (imports: boolean) =>
      JSON.stringify({
        provider: PROVIDER,
        ...(imports ? { import: [{ to: "aws_iam_role_policy.adopted", id: "agent:guard" }] } : {}),
        resource: { aws_iam_role_policy: { adopted: { role: "agent-reader", name: "reads", policy: doc("Allow", "s3:GetObject") } } },
      });
    const fs = await destroyers(agent, join(dir({ "cdk.tf.json": taker(true), "terraform.tfvars": `region = "us-east-1"\n` }), "cdk.tf.json"));
    expect(fs).toHaveLength(1);
    expect(reasonOf(fs)).toContain("import.aws_iam_role_policy.adopted");
    expect(await destroyers(agent, join(dir({ "cdk.tf.json": taker(false), "terraform.tfvars": `region = "us-east-1"\n` }), "cdk.tf.json"))).toEqual([]);
  });

  test("within one HCL stack: an import into the guard itself is plain, into a second resource of the same policy is two managers", async () => {
    const agentHcl = (extra: string) => ({ "main.tf.json": JSON.stringify({ provider: PROVIDER, resource: agentResources() }), "imports.tf": extra });
    expect(await destroyers(dir(agentHcl(importOf(`"${GUARD_ARN}"`, "aws_iam_policy.guard"))))).toEqual([]);
    const second = `resource "aws_iam_policy" "guard2" {\n  name   = "agent-guard"\n  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Deny", Action = "s3:GetObject", Resource = "*" }] })\n}\n`;
    expect(await destroyers(dir(agentHcl(importOf(`"${GUARD_ARN}"`, "aws_iam_policy.guard2") + second)))).toHaveLength(1);
  });

  test("for_each on an import block imports any id, as the JSON reader reads it; identity without id is any id too", async () => {
    const each = `import {\n  for_each = toset(["arn:aws:iam::${ACCOUNT}:policy/other"])\n  to       = aws_iam_policy.adopted[each.key]\n  id       = each.value\n}\nresource "aws_iam_policy" "adopted" {\n  for_each = toset(["arn:aws:iam::${ACCOUNT}:policy/other"])\n  name     = "x"\n  policy   = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "*" }] })\n}\n`;
    const folder = dir({ "main.tf": HCL_PROVIDER + each });
    const { stack } = await loadHcl(folder);
    expect(stack.imports).toEqual([{ to: "aws_iam_policy.adopted[each.key]", id: undefined }]);
    expect(await destroyers(agentFile(), folder)).toHaveLength(1);
    const identity = `import {\n  to = aws_iam_policy.adopted\n  identity = {\n    arn = "${GUARD_ARN}"\n  }\n}\n`;
    expect((await loadHcl(dir({ "main.tf": HCL_PROVIDER + identity + ADOPTED }))).stack.imports).toEqual([{ to: "aws_iam_policy.adopted", id: undefined }]);
  });

  test("a child module's import blocks are read (Terraform 1.16 takes them), in root terms, the id evaluated in that module instance", async () => {
    const child = `variable "policy" {\n  type = string\n}\n` + importOf(`"arn:aws:iam::${ACCOUNT}:policy/\${var.policy}"`) + ADOPTED;
    const folder = (calls: string) => dir({ "main.tf": HCL_PROVIDER + calls + importOf(`"${GUARD_ARN}"`) + ADOPTED, "m/main.tf": child });
    const { stack } = await loadHcl(folder(`module "m" {\n  source = "./m"\n  count  = 2\n  policy = "child-\${count.index}"\n}\n`));
    expect(stack.imports).toEqual([
      { to: "aws_iam_policy.adopted", id: GUARD_ARN },
      { to: "module.m[0].aws_iam_policy.adopted", id: `arn:aws:iam::${ACCOUNT}:policy/child-0` },
      { to: "module.m[1].aws_iam_policy.adopted", id: `arn:aws:iam::${ACCOUNT}:policy/child-1` },
    ]);
    // The control: a module with no instances imports nothing.
    expect((await loadHcl(folder(`module "m" {\n  source = "./m"\n  count  = 0\n  policy = "x"\n}\n`))).stack.imports).toEqual([{ to: "aws_iam_policy.adopted", id: GUARD_ARN }]);
  });

  test("another HCL stack whose child module imports the guard policy: the guard is not relied on; importing another policy takes nothing", async () => {
    const stackWith = (id: string) =>
      dir({ "main.tf": HCL_PROVIDER + `module "adopt" {\n  source = "./adopt"\n}\n`, "adopt/main.tf": importOf(`"${id}"`) + ADOPTED });
    const fs = await destroyers(agentFile(), stackWith(GUARD_ARN));
    expect(fs).toHaveLength(1);
    expect(reasonOf(fs)).toContain("import.module.adopt.aws_iam_policy.adopted of stack");
    expect(await destroyers(agentFile(), stackWith(`arn:aws:iam::${ACCOUNT}:policy/other`))).toEqual([]);
  });

  test("an import block in an override file is kept (Terraform refuses it there): what it would take over still counts", async () => {
    const { stack } = await loadHcl(dir({ "main.tf": HCL_PROVIDER + ADOPTED, "x_override.tf": importOf(`"${GUARD_ARN}"`) }));
    expect(stack.imports).toEqual([{ to: "aws_iam_policy.adopted", id: GUARD_ARN }]);
  });
});

describe("moved blocks of an HCL folder (red-team round 138 F1)", () => {
  test("a root moved block is read: the object it moves keeps its name, so an unnamed target is not a generated name", async () => {
    const bucket = `resource "aws_s3_bucket" "reports" {\n}\n`;
    const moved = `moved {\n  from = aws_s3_bucket.old\n  to   = aws_s3_bucket.reports\n}\n`;
    expect((await loadHcl(dir({ "main.tf": HCL_PROVIDER + bucket + moved }))).stack.movedTo).toEqual(["aws_s3_bucket.reports"]);
    expect((await loadHcl(dir({ "main.tf": HCL_PROVIDER + bucket }))).stack.movedTo).toBeUndefined();
  });

  const bucket = `resource "aws_s3_bucket" "reports" {\n}\noutput "arn" {\n  value = aws_s3_bucket.reports.arn\n}\n`;
  const movedTo = (to: string) => `moved {\n  from = aws_s3_bucket.old\n  to   = ${to}\n}\n`;
  /** A root calling `./m` (with `call` written in the call), which holds the bucket and `extra`; the root outputs the first instance's ARN. */
  const inModule = async (extra: string, call = "", files: Record<string, string> = {}) => {
    const first = call.includes("count") ? "module.m[0]" : "module.m";
    const { stack } = await loadHcl(dir({ "main.tf": HCL_PROVIDER + `module "m" {\n  source = "./m"\n${call}}\noutput "arn" {\n  value = ${first}.arn\n}\n`, "m/main.tf": bucket + extra, ...files }));
    return { movedTo: stack.movedTo, arn: resolveToPattern(stack, String(stack.outputs?.get("arn"))).pattern };
  };

  test("a child module's moved block is read in root terms, for every instance of the module: the unnamed bucket it moves to is any name", async () => {
    expect(await inModule(movedTo("aws_s3_bucket.reports"))).toEqual({ movedTo: ["module.m.aws_s3_bucket.reports"], arn: "arn:aws:s3:::*" });
    expect(await inModule(movedTo("aws_s3_bucket.reports"), "  count = 2\n")).toEqual({
      movedTo: ["module.m[0].aws_s3_bucket.reports", "module.m[1].aws_s3_bucket.reports"],
      arn: "arn:aws:s3:::*",
    });
    // A module's moved block in Terraform JSON names the address without `${}`.
    const json = JSON.stringify({ moved: [{ from: "aws_s3_bucket.old", to: "aws_s3_bucket.reports" }] });
    expect(await inModule("", "", { "m/moved.tf.json": json })).toEqual({ movedTo: ["module.m.aws_s3_bucket.reports"], arn: "arn:aws:s3:::*" });
  });

  test("a grandchild's moved block, and a child's moving a whole module call, reach the objects they move", async () => {
    const inner = { "m/inner/main.tf": `resource "aws_iam_role" "r" {\n  assume_role_policy = "{}"\n}\n` + `moved {\n  from = aws_iam_role.old\n  to   = aws_iam_role.r\n}\n` };
    const call = `module "inner" {\n  source = "./inner"\n}\n`;
    expect((await inModule(call, "", inner)).movedTo).toEqual(["module.m.module.inner.aws_iam_role.r"]);
    const moduleMove = `moved {\n  from = module.old\n  to   = module.inner\n}\n`;
    const { stack } = await loadHcl(dir({ "main.tf": HCL_PROVIDER + `module "m" {\n  source = "./m"\n}\n`, "m/main.tf": call + moduleMove, "m/inner/main.tf": `resource "aws_iam_role" "r" {\n  assume_role_policy = "{}"\n}\n` }));
    expect(stack.movedTo).toEqual(["module.m.module.inner"]);
    expect(resolveToPattern(stack, "${module.m.module.inner.aws_iam_role.r.arn}").pattern).toBe("arn:aws:iam::*:role/*");
  });

  test("the controls: no moved block, a move to another resource, a module with no instances: the unnamed bucket's name is generated", async () => {
    expect(await inModule("")).toEqual({ movedTo: undefined, arn: "arn:aws:s3:::terraform-*" });
    const other = `resource "aws_s3_bucket" "other" {\n}\n` + movedTo("aws_s3_bucket.other");
    expect(await inModule(other)).toEqual({ movedTo: ["module.m.aws_s3_bucket.other"], arn: "arn:aws:s3:::terraform-*" });
    const { stack } = await loadHcl(dir({ "main.tf": HCL_PROVIDER + `module "m" {\n  source = "./m"\n  count  = 0\n}\n`, "m/main.tf": bucket + movedTo("aws_s3_bucket.reports") }));
    expect(stack.movedTo).toBeUndefined();
  });

  test("an unnamed role a child module's import block brings under it keeps the imported role's name: any", async () => {
    const role = `resource "aws_iam_role" "r" {\n  assume_role_policy = "{}"\n}\n`;
    const load = async (child: string) =>
      resolveToPattern((await loadHcl(dir({ "main.tf": HCL_PROVIDER + `module "m" {\n  source = "./m"\n}\n`, "m/main.tf": role + child }))).stack, "${module.m.aws_iam_role.r.arn}").pattern;
    expect(await load(importOf(`"old-role"`, "aws_iam_role.r"))).toBe("arn:aws:iam::*:role/*");
    expect(await load("")).toBe("arn:aws:iam::*:role/terraform-*");
  });
});
