/**
 * When the HCL parser cannot run at synth, the modules read from disk stay `unknown-module` and say the parser was
 * unavailable, rather than blaming a file that is valid (red-team round 86b).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { App, Aspects, TerraformHclModule, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { BlastwallChecks } from "../../lib/cdktf";
import { ParserUnavailable } from "../../lib/hcl/config";
import { agentRules } from "../../lib/rules";

jest.mock("../../lib/hcl/hcl2json-sync", () => ({
  parseHclSync: () => {
    throw new ParserUnavailable("the HCL parser's Go program stopped; it is restarted for the next file");
  },
}));

const TRUST = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:role/runner" }, Action: "sts:AssumeRole" }] });

test("a module the parser could not read stays unknown-module, saying the parser was unavailable", () => {
  const dir = join(mkdtempSync(join(tmpdir(), "blastwall-rt86-")), "m");
  mkdirSync(dir);
  writeFileSync(join(dir, "main.tf"), 'variable "trusted" { type = string }\n');
  const app = new App({ outdir: mkdtempSync(join(tmpdir(), "blastwall-rt86-out-")) });
  const stack = new TerraformStack(app, "agents");
  new AwsProvider(stack, "aws", { region: "eu-west-1" });
  const agent = new IamRole(stack, "agent", { name: "agent", assumeRolePolicy: TRUST, tags: { "blastwall:agent": "true" } });
  new TerraformHclModule(stack, "adm", { source: dir, variables: { trusted: agent.arn } });
  Aspects.of(app).add(new BlastwallChecks({ config: {}, rules: agentRules }));
  let message = "";
  try {
    app.synth();
  } catch (e) {
    message = String(e);
  }
  expect(message).toMatch(/unknown-module[\s\S]*module\.adm[\s\S]*parser unavailable/);
  expect(message).toMatch(/blastwall check cdktf\.out/);
  expect(message).not.toMatch(/main\.tf: cannot be parsed|Go program has already exited/);
});
