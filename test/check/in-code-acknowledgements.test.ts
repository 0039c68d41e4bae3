/**
 * Acknowledgements written in the checked configuration (cdktf `acknowledge()`, a `"//"` block in any `*.tf.json`)
 * count only when the config in force sets `acknowledgementsInCode: true` (red-team round 119 F2): stack code is what
 * an agent edits, and an agent acknowledged its own destroy right there, even from a planted override file.
 */
import { mkdtempSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { checkPaths, checkStacks } from "../../lib/check/run-check";
import { buildStack } from "../../lib/engine/terraform/stack";
import { agentRules } from "../../lib/rules";
import type { BlastwallConfig } from "../../lib/engine/config-types";

type Entry = NonNullable<BlastwallConfig["acknowledgements"]>[number];
import { parseConfig } from "../../lib/config/load-config";
import { agentRole, check, policy, tf } from "../helpers/tf";

const NOW = new Date("2026-11-26T12:00:00Z");
const REASON = "cleanup of scratch resources, reviewed";

/** An agent with s3:DeleteBucket, its role carrying what acknowledge() writes. */
function acknowledgedStack(ack: Record<string, unknown> = {}): Record<string, unknown> {
  return tf({
    "aws_iam_role.agent": agentRole({ "//": { metadata: { path: "ops/coder" }, blastwall: { acknowledgements: [{ ruleId: "agent-destroy-right", reason: REASON, ...ack }] } } }),
    "aws_iam_role_policy.p": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: "s3:DeleteBucket", Resource: "*" }) },
  });
}
const destroyOf = (r: ReturnType<typeof check>) => r.findings.filter((f) => f.ruleId === "agent-destroy-right");

describe("an acknowledgement in the synthesized JSON", () => {
  test.each([["no config", {}], ["acknowledgementsInCode: false", { acknowledgementsInCode: false }]])("with %s: not honoured, the finding an error that says where it was and how to keep it", (_name, config) => {
    const r = check(acknowledgedStack(), config, { now: NOW });
    const [f] = destroyOf(r);
    expect(f.severity).toBe("error");
    expect(f.acknowledged).toBeUndefined();
    expect(r.summary.errors).toBeGreaterThan(0);
    expect(f.message).toContain(`An acknowledgement of agent-destroy-right in the stack code (construct ops/coder in test.tf.json, reason "${REASON}") is not honoured`);
    expect(f.message).toMatch(/only when the config sets "acknowledgementsInCode": true, because stack code is what an AI agent edits/);
    expect(f.fix).toMatch(/add this entry to "acknowledgements" in blastwall\.json \(reviewed through CODEOWNERS\).*"principal":"aws_iam_role\.agent"/);
    expect(f.evidence.at(-1)).toMatchObject({ step: "acknowledgement", detail: expect.stringContaining("not honoured") });
  });

  test("the control: with acknowledgementsInCode: true it covers the finding, its source naming the construct and the file", () => {
    const r = check(acknowledgedStack(), { acknowledgementsInCode: true }, { now: NOW });
    const [f] = destroyOf(r);
    expect(f.acknowledged).toMatchObject({ reason: REASON, source: "construct ops/coder in test.tf.json" });
    expect(f.message).not.toMatch(/not honoured/);
  });

  test("an expired one is not honoured either, and its expiry is an error whatever the opt-in: an expiry only tightens (red-team round 125 F5)", () => {
    const r = check(acknowledgedStack({ expires: "2020-01-01" }), {}, { now: NOW });
    const expired = r.findings.filter((f) => f.ruleId === "acknowledgement-expired");
    expect(expired.map((f) => [f.severity, f.principal, f.file])).toEqual([["error", "aws_iam_role.agent", "test.tf.json"]]);
    expect(expired[0].message).toMatch(/expired on 2020-01-01/);
    expect(destroyOf(r)[0].message).toMatch(/is not honoured/);
    // The entry to paste keeps the expiry it had, and the fix says it must be written anew: pasted, it would fail again.
    expect(destroyOf(r)[0].fix).toContain(`"expires":"2020-01-01"`);
    expect(destroyOf(r)[0].fix).toMatch(/\(expired on 2020-01-01: write a later "expires" the reviewers agree, or the entry covers nothing and fails as acknowledgement-expired\)/);
    expect(check(acknowledgedStack({ expires: "2020-01-01" }), { acknowledgementsInCode: true }, { now: NOW }).findings.map((f) => f.ruleId)).toContain("acknowledgement-expired");
  });

  test("the control: one not yet expired raises no expiry error without the opt-in", () => {
    const r = check(acknowledgedStack({ expires: "2099-01-01" }), {}, { now: NOW });
    expect(destroyOf(r)[0].fix).not.toMatch(/expired on/);
    expect(r.findings.map((f) => f.ruleId)).not.toContain("acknowledgement-expired");
  });

  test("one for another rule leaves this finding's message alone", () => {
    const [f] = destroyOf(check(acknowledgedStack({ ruleId: "agent-role-boundary" }), {}, { now: NOW }));
    expect(f.message).not.toMatch(/not honoured/);
  });

  test("the key must be a boolean, and the config error names it", () => {
    expect(() => parseConfig({ acknowledgementsInCode: "yes" }, "blastwall.json")).toThrow(/acknowledgementsInCode: must be a boolean, not string "yes"/);
  });
});

describe("the entry the not-honoured finding gives to paste into blastwall.json (red-team round 125 F2)", () => {
  const LIMITS = { actions: ["s3:DeleteBucket"], resource: "aws_iam_role_policy.p", expires: "2027-03-31" };
  /** The acknowledged stack, its policy later given `extra` too. */
  const stack = (name: string, extra: string[] = []) => {
    const json = acknowledgedStack(LIMITS);
    if (extra.length > 0) (json.resource as any).aws_iam_role_policy.p.policy = policy({ Effect: "Allow", Action: ["s3:DeleteBucket", ...extra], Resource: "*" });
    return buildStack(json, `cdktf.out/stacks/${name}/cdk.tf.json`, name);
  };
  const run = (stacks: ReturnType<typeof stack>[], acknowledgements: Entry[] = []) =>
    checkStacks(stacks, { config: { acknowledgements }, now: NOW, rules: agentRules }).findings.filter((f) => f.ruleId === "agent-destroy-right");
  const ENTRY = { ruleId: "agent-destroy-right", principal: "aws_iam_role.agent", stack: "ops", ...LIMITS, reason: REASON };

  test("the fix and the evidence give the whole entry, with the stack it came from, as JSON", () => {
    const [f] = run([stack("ops")]);
    expect(f.fix).toContain(`add this entry to "acknowledgements" in blastwall.json (reviewed through CODEOWNERS), with every field, so it keeps the actions, resource, expiry and stack it had: ${JSON.stringify(ENTRY)}, and remove it from the stack code`);
    expect(f.evidence.at(-1)?.detail).toContain(`as a blastwall.json entry: ${JSON.stringify(ENTRY)}`);
  });

  test("pasted as given, it covers what the in-code one covered, and no more: a later delete right, another stack's role, a later date", () => {
    const [f] = run([stack("ops")]);
    const entry = JSON.parse(/it had: (\{.*\}), and remove it/.exec(f.fix)![1]) as Entry;
    expect(run([stack("ops")], [entry]).map((x) => x.acknowledged?.source)).toEqual(["blastwall.json"]);
    const grown = run([stack("ops", ["rds:DeleteDBInstance"])], [entry]);
    expect(grown.map((x) => [x.severity, x.acknowledged])).toEqual([["error", undefined]]);
    expect(run([stack("data")], [entry]).map((x) => x.acknowledged)).toEqual([undefined]);
  });

  test("an entry without limits gives only what it has: no stack for a folder without stack names, no actions it did not list", () => {
    const [f] = check(acknowledgedStack(), {}, { now: NOW }).findings.filter((x) => x.ruleId === "agent-destroy-right");
    expect(f.fix).toContain(`: ${JSON.stringify({ ruleId: "agent-destroy-right", principal: "aws_iam_role.agent", reason: REASON })}, and remove it`);
  });
});

describe("an acknowledgement planted in an override file of a plain Terraform folder", () => {
  const folder = () => {
    const dir = mkdtempSync(join(tmpdir(), "blastwall-ack-override-"));
    writeFileSync(
      join(dir, "main.tf"),
      `resource "aws_iam_role" "coder" {
  name = "coder"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" }] })
  tags = { "blastwall:agent" = "true" }
}
resource "aws_iam_role_policy" "p" {
  role   = aws_iam_role.coder.name
  name   = "p"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["s3:DeleteBucket"], Resource = "*" }] })
}
`,
    );
    // A "//" property is a comment to Terraform: the override changes nothing it applies.
    writeFileSync(
      join(dir, "zz_override.tf.json"),
      JSON.stringify({ resource: { aws_iam_role: { coder: { "//": { blastwall: { acknowledgements: [{ ruleId: "agent-destroy-right", reason: "reviewed cleanup role ok" }] } } } } } }, null, 1),
    );
    return dir;
  };

  test("is not honoured by default, and the finding names the override file that carried it", async () => {
    const dir = folder();
    const r = await checkPaths([dir], { config: {}, now: NOW });
    const f = r.findings.find((x) => x.ruleId === "agent-destroy-right")!;
    expect(f.acknowledged).toBeUndefined();
    expect(r.summary.errors).toBeGreaterThan(0);
    expect(f.message).toContain(`(construct aws_iam_role.coder in ${dir}/zz_override.tf.json:4, reason "reviewed cleanup role ok") is not honoured`);
  });

  test("the control: opted in, it is honoured, and the report's source names the override file, not only the address", async () => {
    const dir = folder();
    const r = await checkPaths([dir], { config: { acknowledgementsInCode: true }, now: NOW });
    const f = r.findings.find((x) => x.ruleId === "agent-destroy-right")!;
    expect(f.acknowledged?.source).toBe(`construct aws_iam_role.coder in ${dir}/zz_override.tf.json:4`);
  });

  test("one written in the resource's own .tf.json block names that file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "blastwall-ack-json-"));
    writeFileSync(join(dir, "main.tf.json"), JSON.stringify(acknowledgedStack(), null, 1));
    const r = await checkPaths([dir], { config: { acknowledgementsInCode: true }, now: NOW });
    expect(r.findings.find((x) => x.ruleId === "agent-destroy-right")?.acknowledged?.source).toMatch(new RegExp(`^construct ops/coder in ${dir}/main\\.tf\\.json:\\d+$`));
  });
});
