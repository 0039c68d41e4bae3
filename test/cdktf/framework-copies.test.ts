/**
 * The App-level line must guard the app whichever `Aspects` it was added with and whichever copy of the framework
 * the app loaded: a red-team passed an agent with `Action: *` through synth with blastwall linked from another folder
 * (so the app's cdktf was not the one blastwall resolves), and with cdktn's `Aspects` on a cdktf app.
 * Fresh processes over the compiled package, as an app would load it.
 */
import { execFileSync } from "child_process";
import { cpSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join, resolve } from "path";

const ROOT = resolve(__dirname, "..", "..");
const TRUST = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:role/runner" }, Action: "sts:AssumeRole" }] });

/** An app on `cdktf` (as `frameworkPath` resolves it) with an agent that may delete volumes; the gate added with `addWith`. */
const appScript = (frameworkPath: string, addWith: string, on: "app" | "stack") => `
const tf = require(${JSON.stringify(frameworkPath)});
const { BlastwallChecks } = require(${JSON.stringify(join(ROOT, "dist/lib/index.js"))});
const { agentRules } = require(${JSON.stringify(join(ROOT, "dist/lib/rules"))});
const fs = require("fs"), os = require("os"), path = require("path");
class Aws extends tf.TerraformProvider { constructor(s, id) { super(s, id, { terraformResourceType: "aws" }); } synthesizeAttributes() { return { region: "eu-west-1" }; } }
const app = new tf.App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), "blastwall-copies-app-")) });
const stack = new tf.TerraformStack(app, "s");
new Aws(stack, "aws");
const role = new tf.TerraformResource(stack, "agent", { terraformResourceType: "aws_iam_role" });
role.addOverride("name", "agent"); role.addOverride("assume_role_policy", ${JSON.stringify(TRUST)}); role.addOverride("tags", { "blastwall:agent": "true" });
const pol = new tf.TerraformResource(stack, "work", { terraformResourceType: "aws_iam_role_policy" });
pol.addOverride("role", "\${aws_iam_role.agent.name}");
pol.addOverride("policy", JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "ec2:DeleteVolume", Resource: "*" }] }));
require(${JSON.stringify(addWith)}).Aspects.of(${on}).add(new BlastwallChecks({ config: {}, rules: agentRules }));
let result = "passed";
try { app.synth(); } catch (e) { result = /agent-destroy-right/.test(e.message) ? "rejected" : "other: " + e.message; }
console.log(result);`;

const run = (script: string, cwd = ROOT): string => execFileSync(process.execPath, ["-e", script], { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();

describe("every framework and every copy of it", () => {
  test.each(["app", "stack"] as const)("cdktn's Aspects on a cdktf %s guards it", (on) => {
    expect(run(appScript("cdktf", "cdktn", on))).toBe("rejected");
  });

  test("an app on its own copy of cdktf (blastwall linked from elsewhere) is guarded by the App-level line", () => {
    const project = mkdtempSync(join(tmpdir(), "blastwall-copy-"));
    const modules = join(project, "node_modules");
    mkdirSync(modules);
    cpSync(join(ROOT, "node_modules", "cdktf"), join(modules, "cdktf"), { recursive: true });
    symlinkSync(join(ROOT, "node_modules", "constructs"), join(modules, "constructs"));
    const copy = join(modules, "cdktf");
    writeFileSync(join(project, "main.js"), appScript(copy, copy, "app"));
    expect(run(`require(${JSON.stringify(join(project, "main.js"))})`, project)).toBe("rejected");
  });
});
