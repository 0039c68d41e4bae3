/**
 * The synth-time gate in a CDK Terrain app (`cdktn`, the community fork of cdktf). Its `Aspects` class is not
 * cdktf's, so the README's one line would check nothing unless the App guard patches it too.
 */
import { execFileSync } from "child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { App, Aspects, TerraformProvider, TerraformResource, TerraformStack } from "cdktn";
import type { Construct } from "constructs";
import { BlastwallChecks, acknowledge } from "../../lib/cdktf";
import { agentRules } from "../../lib/rules";
import { checkPaths } from "../../lib/check/run-check";

const ROOT = join(__dirname, "..", "..");
const TRUST = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }] });

/** No prebuilt provider classes here: plain Terraform elements of the fork, written as the JSON they become. */
class Aws extends TerraformProvider {
  constructor(scope: Construct, id: string) {
    super(scope, id, { terraformResourceType: "aws" });
  }
  protected synthesizeAttributes(): Record<string, unknown> {
    return { region: "eu-west-1" };
  }
}

function resource(scope: Construct, type: string, id: string, values: Record<string, unknown>): TerraformResource {
  const r = new TerraformResource(scope, id, { terraformResourceType: type });
  for (const [k, v] of Object.entries(values)) r.addOverride(k, v);
  return r;
}

class AgentStack extends TerraformStack {
  readonly role: TerraformResource;
  constructor(scope: Construct, id: string, actions: string[]) {
    super(scope, id);
    new Aws(this, "aws");
    this.role = resource(this, "aws_iam_role", "agent", { name: `${id}-agent`, assume_role_policy: TRUST, tags: { "blastwall:agent": "true" } });
    resource(this, "aws_iam_role_policy", "work", {
      role: "${aws_iam_role.agent.name}",
      policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "Work", Effect: "Allow", Action: actions, Resource: "*" }] }),
    });
  }
}

const outdir = () => mkdtempSync(join(tmpdir(), "blastwall-cdktn-"));

describe("BlastwallChecks in a CDK Terrain (cdktn) app", () => {
  test("added to the App with cdktn's Aspects, it guards every stack: an app of two stacks fails on the second", () => {
    const app = new App({ outdir: outdir() });
    new AgentStack(app, "first", ["s3:ListBucket"]);
    new AgentStack(app, "second", ["ec2:DeleteVolume"]);
    Aspects.of(app).add(new BlastwallChecks({ config: {}, rules: agentRules }));
    expect(() => app.synth()).toThrow(/stack "second"[\s\S]*agent-destroy-right[\s\S]*aws_iam_role\.agent[\s\S]*ec2:DeleteVolume/);
  });

  test("a safe app synthesizes, resolving each stack once, and writes the JSON the gate judged", () => {
    const dir = outdir();
    const app = new App({ outdir: dir });
    const s = new AgentStack(app, "only", ["s3:ListBucket"]);
    const calls = jest.spyOn(TerraformStack.prototype, "toTerraform");
    Aspects.of(app).add(new BlastwallChecks({ config: {}, rules: agentRules }));
    app.synth();
    expect(calls).toHaveBeenCalledTimes(1);
    calls.mockRestore();
    const written = JSON.parse(readFileSync(join(dir, "stacks", "only", "cdk.tf.json"), "utf8"));
    expect(written.resource.aws_iam_role.agent.tags).toEqual({ "blastwall:agent": "true" });
    expect(written).toEqual(JSON.parse(JSON.stringify(s.toTerraform())));
  });

  test("added per stack, it guards that stack", () => {
    const app = new App({ outdir: outdir() });
    const s = new AgentStack(app, "s", ["s3:DeleteBucket"]);
    Aspects.of(s).add(new BlastwallChecks({ config: {}, rules: agentRules }));
    expect(() => app.synth()).toThrow(/s3:DeleteBucket/);
  });

  test("other aspects added to the App keep the fork's behaviour (not run)", () => {
    const app = new App({ outdir: outdir() });
    new AgentStack(app, "s", ["s3:ListBucket"]);
    const visited: string[] = [];
    Aspects.of(app).add({ visit: (n) => void visited.push(n.node.path) });
    app.synth();
    expect(visited).toEqual([]);
  });

  test("skipValidation switches the synth-time gate off, and blastwall check still fails the fork's output", async () => {
    const dir = outdir();
    const app = new App({ outdir: dir, skipValidation: true });
    new AgentStack(app, "s", ["ec2:DeleteVolume"]);
    Aspects.of(app).add(new BlastwallChecks({ config: {}, rules: agentRules }));
    expect(() => app.synth()).not.toThrow();
    const report = await checkPaths([dir], { config: {}, rules: agentRules });
    expect(report.findings.filter((f) => f.ruleId === "agent-destroy-right").map((f) => [f.principal, f.constructPath])).toEqual([["aws_iam_role.agent", "s/agent"]]);
  });

  test("an acknowledgement in code on a cdktn resource lets synth pass", () => {
    const app = new App({ outdir: outdir() });
    const s = new AgentStack(app, "s", ["ec2:DeleteVolume"]);
    acknowledge(s, { ruleId: "agent-destroy-right", reason: "break-glass role, reviewed by the platform team" });
    // Counted because the config opts in to acknowledgements given in code.
    Aspects.of(app).add(new BlastwallChecks({ config: { acknowledgementsInCode: true }, rules: agentRules }));
    expect(() => app.synth()).not.toThrow();
  });
});

describe("the compiled package in an app that has cdktn and no cdktf", () => {
  // A fresh process in which `cdktf` cannot be resolved, as in a project that only installed the fork.
  const withoutCdktf = (script: string): string => {
    const dir = mkdtempSync(join(tmpdir(), "blastwall-nocdktf-"));
    const hook = join(dir, "no-cdktf.js");
    writeFileSync(
      hook,
      `const M = require("module"); const resolve = M._resolveFilename;
M._resolveFilename = function (request, ...rest) {
  if (request === "cdktf" || request.startsWith("cdktf/") || request.startsWith("@cdktf/provider-")) {
    const e = new Error("Cannot find module '" + request + "'"); e.code = "MODULE_NOT_FOUND"; throw e;
  }
  return resolve.call(this, request, ...rest);
};`,
    );
    return execFileSync(process.execPath, ["-r", hook, "-e", script], { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  };

  const app = (actions: string[], blastwallFirst = false) => `
${blastwallFirst ? 'const { BlastwallChecks } = require("./dist/lib/index.js");\nconst tn = require("cdktn");' : 'const tn = require("cdktn");\nconst { BlastwallChecks } = require("./dist/lib/index.js");'}
const { agentRules } = require("./dist/lib/rules");
const fs = require("fs"), os = require("os"), path = require("path");
class Aws extends tn.TerraformProvider { constructor(s, id) { super(s, id, { terraformResourceType: "aws" }); } synthesizeAttributes() { return { region: "eu-west-1" }; } }
const app = new tn.App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), "blastwall-nocdktf-app-")) });
const stack = new tn.TerraformStack(app, "s");
new Aws(stack, "aws");
const role = new tn.TerraformResource(stack, "agent", { terraformResourceType: "aws_iam_role" });
role.addOverride("name", "agent"); role.addOverride("assume_role_policy", ${JSON.stringify(TRUST)}); role.addOverride("tags", { "blastwall:agent": "true" });
const pol = new tn.TerraformResource(stack, "work", { terraformResourceType: "aws_iam_role_policy" });
pol.addOverride("role", "\${aws_iam_role.agent.name}");
pol.addOverride("policy", JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ${JSON.stringify(actions)}, Resource: "*" }] }));
tn.Aspects.of(app).add(new BlastwallChecks({ config: {}, rules: agentRules }));
let result = "passed";
try { app.synth(); } catch (e) { result = /agent-destroy-right/.test(e.message) ? "rejected" : "other: " + e.message; }
const cdktfLoaded = Object.keys(require.cache).some((x) => /node_modules[\\\\/]cdktf[\\\\/]/.test(x));
console.log(JSON.stringify({ result, cdktfLoaded }));`;

  test("the App-level line rejects an agent that can delete volumes, without loading cdktf", () => {
    expect(JSON.parse(withoutCdktf(app(["ec2:DeleteVolume"])))).toEqual({ result: "rejected", cdktfLoaded: false });
  });

  test("and lets a safe app synthesize", () => {
    expect(JSON.parse(withoutCdktf(app(["s3:ListBucket"])))).toEqual({ result: "passed", cdktfLoaded: false });
  });

  test("it guards the app when blastwall is imported before the framework", () => {
    expect(JSON.parse(withoutCdktf(app(["ec2:DeleteVolume"], true)))).toEqual({ result: "rejected", cdktfLoaded: false });
  });
});

describe("a cdktf app in a project that has both frameworks installed", () => {
  test("the gate does not load CDK Terrain (it would cost synth about 90 ms for nothing)", () => {
    const script = `
const { App, Aspects } = require("cdktf");
const { BlastwallChecks } = require("./dist/lib/index.js");
Aspects.of(new App()).add(new BlastwallChecks({ config: {} }));
console.log(JSON.stringify(Object.keys(require.cache).some((x) => /node_modules[\\\\/]cdktn[\\\\/]/.test(x))));`;
    expect(execFileSync(process.execPath, ["-e", script], { cwd: ROOT, encoding: "utf8" }).trim()).toBe("false");
  });
});
