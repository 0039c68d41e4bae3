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

  test("the fix and the evidence give the whole entry, with the stack it came from and the finding's grants, as JSON", () => {
    const [f] = run([stack("ops")]);
    const { expires, reason, ...limits } = ENTRY;
    const pinned = { ...limits, grants: f.grants, expires, reason };
    expect(f.grants).toMatch(/^[0-9a-f]{16}$/);
    expect(f.fix).toContain(
      `add this entry to "acknowledgements" in blastwall.json (reviewed through CODEOWNERS), bound to this finding's actions, resource and grants digest as they are now (review them first), and with the expiry and stack it had: ${JSON.stringify(pinned)}, and remove it from the stack code`,
    );
    expect(f.evidence.at(-1)?.detail).toContain(`as a blastwall.json entry: ${JSON.stringify(pinned)}`);
  });

  test("pasted as given, it covers what the in-code one covered, and no more: a later delete right, another stack's role, a later date", () => {
    const [f] = run([stack("ops")]);
    const entry = JSON.parse(/it had: (\{.*\}), and remove it/.exec(f.fix)![1]) as Entry;
    expect(run([stack("ops")], [entry]).map((x) => x.acknowledged?.source)).toEqual(["blastwall.json"]);
    const grown = run([stack("ops", ["rds:DeleteDBInstance"])], [entry]);
    expect(grown.map((x) => [x.severity, x.acknowledged])).toEqual([["error", undefined]]);
    expect(run([stack("data")], [entry]).map((x) => x.acknowledged)).toEqual([undefined]);
  });

  test("an entry without limits is bound to the finding (red-team round 141 F3): its actions, resource and grants; no stack for a folder without stack names", () => {
    const [f] = check(acknowledgedStack(), {}, { now: NOW }).findings.filter((x) => x.ruleId === "agent-destroy-right");
    const entry = { ruleId: "agent-destroy-right", principal: "aws_iam_role.agent", actions: f.actions, resource: f.resource, grants: f.grants, reason: REASON };
    expect(f.actions.length).toBeGreaterThan(0);
    expect(f.fix).toContain(`: ${JSON.stringify(entry)}, and remove it`);
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

describe("the entry an unlimited in-code acknowledgement suggests is bound to the finding (red-team round 141 F3)", () => {
  const widened = () => {
    const json = acknowledgedStack();
    (json.resource as any).aws_iam_role_policy.p.policy = policy({ Effect: "Allow", Action: ["s3:DeleteBucket", "rds:DeleteDBInstance"], Resource: "*" });
    return json;
  };
  const pasted = () => JSON.parse(/it had: (\{.*\}), and remove it/.exec(destroyOf(check(acknowledgedStack(), {}, { now: NOW }))[0].fix)![1]) as Entry;

  test("pasted, it covers the finding it was written from", () => {
    expect(destroyOf(check(acknowledgedStack(), { acknowledgements: [pasted()] }, { now: NOW })).map((f) => f.acknowledged?.source)).toEqual(["blastwall.json"]);
  });

  test("and not the same principal's right once the statement grants more", () => {
    const [f] = destroyOf(check(widened(), { acknowledgements: [pasted()] }, { now: NOW }));
    expect(f.acknowledged).toBeUndefined();
    expect(f.severity).toBe("error");
  });
});

describe("a pinned acknowledgement in stack code (honoured with the opt-in)", () => {
  const grants = () => destroyOf(check(acknowledgedStack(), {}, { now: NOW }))[0].grants!;

  test("covers the finding while its grants match, with no unpinned warning", () => {
    const r = check(acknowledgedStack({ grants: grants() }), { acknowledgementsInCode: true }, { now: NOW });
    expect(destroyOf(r)[0].acknowledged).toMatchObject({ grants: grants() });
    expect(r.findings.map((f) => f.ruleId)).not.toContain("acknowledgement-unpinned");
  });

  test("covers nothing once the statement changed", () => {
    const json = acknowledgedStack({ grants: grants() });
    (json.resource as any).aws_iam_role_policy.p.policy = policy({ Effect: "Allow", Action: "s3:DeleteBucket", Resource: "arn:aws:s3:::other-*" });
    const [f] = destroyOf(check(json, { acknowledgementsInCode: true }, { now: NOW }));
    expect(f.acknowledged).toBeUndefined();
    expect(f.message).toMatch(/the statements changed since the acknowledgement was given \(reviewed: [0-9a-f]{16}, now: [0-9a-f]{16}\)/);
  });

  test("an unpinned one is honoured as before, with a warning giving the grants to add", () => {
    const r = check(acknowledgedStack(), { acknowledgementsInCode: true }, { now: NOW });
    expect(destroyOf(r)[0].acknowledged).toBeDefined();
    const w = r.findings.filter((f) => f.ruleId === "acknowledgement-unpinned");
    expect(w.map((f) => f.severity)).toEqual(["warning"]);
    expect(w[0].fix).toContain(`add grants: "${grants()}" to the acknowledge() call (or the "//" entry) of construct ops/coder in test.tf.json`);
  });
});

describe('a hand-written "//" acknowledgement blastwall does not read gets a note naming the key and the resource (red-team round 141 F9)', () => {
  const notes = (json: Record<string, unknown>) => check(json, { acknowledgementsInCode: true }, { now: NOW }).notes ?? [];

  test.each([
    ["a misspelt key", { expiry: "2027-01-01" }, /has the key "expiry", which blastwall does not read \(did you mean expires\?\)/],
    ["a grants that is no digest", { grants: "abc" }, /has "grants" "abc", which is not a digest a finding reports/],
    ["a short reason", { reason: "ok" }, /has no reason of at least 10 visible characters/],
    ["actions that are not a list", { actions: "s3:DeleteBucket" }, /has "actions" "s3:DeleteBucket", which is not a list/],
  ])("%s", (_name, extra, why) => {
    const r = check(acknowledgedStack(extra), { acknowledgementsInCode: true }, { now: NOW });
    expect(destroyOf(r)[0].acknowledged).toBeUndefined();
    const [n] = (r.notes ?? []).filter((x) => x.includes('"//" block'));
    expect(n).toMatch(why);
    expect(n).toContain(`the acknowledgement "agent-destroy-right" in the "//" block of aws_iam_role.agent (construct ops/coder in test.tf.json)`);
    expect(n).toMatch(/so it is no acknowledgement and covers nothing/);
  });

  test('a misspelt list key under "blastwall" (acknowledgment)', () => {
    const json = tf({
      "aws_iam_role.agent": agentRole({ "//": { blastwall: { acknowledgment: [{ ruleId: "agent-destroy-right", reason: REASON }] } } }),
      "aws_iam_role_policy.p": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: "s3:DeleteBucket", Resource: "*" }) },
    });
    expect(notes(json).join("\n")).toMatch(/the "\/\/" block of aws_iam_role\.agent \(construct aws_iam_role\.agent in test\.tf\.json\) has "blastwall" key "acknowledgment", which blastwall does not read \(did you mean acknowledgements\?\)/);
  });

  test("the control: a well-formed entry gets no note, and neither does a resource without one", () => {
    expect(notes(acknowledgedStack()).filter((n) => n.includes('"//"'))).toEqual([]);
    expect(notes(acknowledgedStack({ expires: "2099-01-01", actions: ["s3:DeleteBucket"] })).filter((n) => n.includes('"//"'))).toEqual([]);
  });
});
