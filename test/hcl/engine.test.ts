import { join } from "path";
import { checkPaths } from "../../lib/check/run-check";
import { renderSarif } from "../../lib/report/sarif";
import { findingLocation } from "../../lib/report/summarize";
import { check, agentRole, tf } from "../helpers/tf";
import { allRules } from "../../lib/rules";

const FIX = join(__dirname, "..", "fixtures", "hcl");

describe("HCL through the whole gate", () => {
  test("a policy attached inside a local module reaches the module's agent role, with file:line evidence", async () => {
    const r = await checkPaths([join(FIX, "local-module")], { config: {} });
    // The AWS managed policy cannot be edited: the finding is the attachment's (red-team round 121), and so is its line.
    const f = r.findings.find((x) => x.ruleId === "agent-destroy-right" && x.principal === "module.agent.aws_iam_role.this" && x.resource === "aws_iam_role_policy_attachment.extra");
    expect(f).toBeDefined();
    expect(f!.evidence.find((e) => e.step === "statement")!.address).toBe("arn:aws:iam::aws:policy/AmazonRDSFullAccess");
    expect(findingLocation(f!)).toEqual({ path: join(FIX, "local-module", "main.tf"), line: 23 });
    expect(f!.evidence.find((e) => e.step === "principal")!.location).toBe("modules/agent/main.tf:5");
    expect(f!.evidence.find((e) => e.step === "attachment")!.location).toBe("main.tf:23");
    // the attachment names module.agent.role_name, which the reader resolves: nothing is left unresolved
    expect(r.findings.filter((x) => x.ruleId === "unresolved-attachment")).toEqual([]);
  });

  test("instances of count and for_each are principals of their own", async () => {
    const r = await checkPaths([join(FIX, "expansion")], { config: {} });
    const principals = new Set(r.findings.map((x) => x.principal));
    expect(principals).toEqual(new Set(["aws_iam_role.agent[0]", "aws_iam_role.agent[1]"]));
    expect(r.findings.some((x) => x.ruleId === "agent-transitive-destroy" && x.resource === 'aws_iam_role.team["red"]')).toBe(true);
  });

  test("a registry module is an error, named with the agent's role when it is handed one", async () => {
    const r = await checkPaths([join(FIX, "registry-module")], { config: {} });
    const m = r.findings.filter((x) => x.ruleId === "unknown-module");
    expect(m.find((x) => x.resource === "module.from_git")).toMatchObject({ severity: "error", principal: "module.from_git" });
    expect(m.find((x) => x.resource === "module.from_git")!.evidence.map((e) => e.address)).toContain("aws_iam_role.agent");
    // Not handed the agent, it may still create one with every right: fail closed.
    expect(m.find((x) => x.resource === "module.iam")).toMatchObject({ severity: "error", principal: "module.iam" });
    expect(m.find((x) => x.resource === "module.from_git")!.evidence[0].location).toMatch(/^main\.tf:\d+$/);
  });

  test("SARIF points at the .tf file and line inside the checked directory", async () => {
    const dir = join(FIX, "local-module");
    const r = await checkPaths([dir], { config: {} });
    const sarif = JSON.parse(renderSarif({ ...r, findings: r.findings.filter((x) => x.ruleId === "agent-destroy-right") }, new Map(), "0"));
    const at = (uri: RegExp) => sarif.runs[0].results.map((x: { locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }) => x.locations[0].physicalLocation).find((l: { artifactLocation: { uri: string } }) => uri.test(l.artifactLocation.uri));
    // The module's policy document, and the AWS managed policy's attachment (nobody can edit the policy itself: red-team round 121).
    expect(at(/local-module\/modules\/agent\/main\.tf$/).region.startLine).toBe(11);
    expect(at(/local-module\/main\.tf$/).region.startLine).toBe(23);
  });
});

describe("unknown-module on Terraform JSON (cdktf TerraformHclModule)", () => {
  test("a module given an agent role is an error, with the module named", () => {
    const json = tf({ "aws_iam_role.agent": agentRole() }, { module: { extra: { source: "terraform-aws-modules/iam/aws", role_name: "${aws_iam_role.agent.name}" } } });
    const r = check(json, {}, { rules: allRules });
    expect(r.findings.find((x) => x.ruleId === "unknown-module")).toMatchObject({ severity: "error", resource: "module.extra", principal: "module.extra" });
    expect(r.findings.find((x) => x.ruleId === "unknown-module")!.message).toMatch(/given the AI agent aws_iam_role\.agent/);
  });
  test("a module with no principal in its inputs is still an error, which a reviewer acknowledges", () => {
    const json = tf({ "aws_iam_role.agent": agentRole() }, { module: { vpc: { source: "terraform-aws-modules/vpc/aws", cidr: "10.0.0.0/16" } } });
    const r = check(json, {}, { rules: allRules });
    expect(r.findings.find((x) => x.ruleId === "unknown-module")).toMatchObject({ severity: "error", resource: "module.vpc" });
    expect(r.summary.errors).toBeGreaterThan(0);
    const acked = check(json, { acknowledgements: [{ ruleId: "unknown-module", principal: "module.vpc", reason: "the VPC module creates no IAM; reviewed by platform" }] }, { rules: allRules });
    expect(acked.findings.find((x) => x.ruleId === "unknown-module")!.acknowledged).toBeDefined();
  });
});
