import { copyFileSync, readFileSync, writeFileSync } from "fs";
import { join } from "path";
import type { Finding } from "../../lib/engine/findings";
import { InputError } from "../../lib/engine/terraform/types";
import { createApproval, signApproval } from "../../lib/plan/approval";
import { gateFails, runGate, type GateOptions } from "../../lib/plan/gate";
import { readPlan } from "../../lib/plan/read-plan";
import { fixture, tempDir } from "./helpers";
import { ed25519 } from "./keys";

const NOW = new Date("2026-10-01T09:00:00.000Z");
const alice = ed25519();
const bob = ed25519();

/** A work directory holding a copy of a plan fixture, alice's and bob's public keys. */
function workspace(plan = "replace.json") {
  const dir = tempDir();
  copyFileSync(fixture(plan), join(dir, "plan.json"));
  writeFileSync(join(dir, "alice.pub.pem"), alice.publicKeyPem);
  writeFileSync(join(dir, "bob.pub.pem"), bob.publicKeyPem);
  writeFileSync(join(dir, "alice.pem"), alice.privateKeyPem);
  const write = (name: string, a: unknown) => {
    writeFileSync(join(dir, name), typeof a === "string" ? a : JSON.stringify(a, null, 2));
    return name;
  };
  const approve = (opts: Partial<Parameters<typeof createApproval>[1]> = {}) =>
    createApproval("plan.json", { privateKeyPem: alice.privateKeyPem, by: "alice", expiresIn: "1h", now: NOW, cwd: dir, ...opts });
  const gate = (opts: Partial<GateOptions> = {}) => runGate({ planFile: "plan.json", cwd: dir, now: NOW, trustedKeys: ["alice.pub.pem"], ...opts });
  return { dir, write, approve, gate };
}

describe("runGate without approvals", () => {
  test("blocked changes are unacknowledged errors; the report is a gate report", () => {
    const { gate } = workspace();
    const r = gate();
    expect(r.tool).toBe("gate");
    expect(r.findings.map((f) => f.resource)).toEqual(["aws_db_instance.orders", "aws_ebs_volume.data", "aws_s3_bucket.invoices"]);
    expect(r.findings.every((f) => f.severity === "error" && !f.acknowledged && f.file === "plan.json")).toBe(true);
    expect(r.summary).toMatchObject({ errors: 3, warnings: 0, files: 1, resources: 4 });
    expect(r.approvals).toEqual([]);
    expect(r.rules?.some((m) => m.id === "plan-protected-delete")).toBe(true);
    expect(gateFails(r)).toBe(true);
  });

  test("a plan that needs no approval passes", () => {
    for (const p of ["moved.json", "drift-only.json", "no-changes.json", "strengthening.json"]) {
      const r = workspace(p).gate();
      expect([p, r.findings]).toEqual([p, []]);
      expect(gateFails(r)).toBe(false);
    }
  });

  test("errored and incomplete plans are refused as bad input", () => {
    expect(() => workspace("errored.json").gate()).toThrow(/^plan\.json: plan is errored/);
    expect(() => workspace("incomplete.json").gate()).toThrow(/^plan\.json: plan is incomplete/);
  });
});

describe("runGate with approvals", () => {
  test("a valid approval covers every blocked change: acknowledged with the approval as source, gate passes", () => {
    const w = workspace();
    const file = w.write("ok.approval.json", w.approve());
    const r = w.gate({ approvals: [file] });
    expect(r.findings.every((f) => f.acknowledged?.source === "ok.approval.json")).toBe(true);
    expect(r.findings[0].acknowledged).toMatchObject({
      // alice.pub.pem is trusted with no name: the name is the signer's claim, and the audit trail says so.
      reason: "approved by alice (a name --trust does not bind to the signing key) for aws_db_instance.orders [delete, create] (signed approval)",
      expires: "2026-10-01T10:00:00.000Z",
    });
    expect(r.approvals).toEqual([
      {
        file: "ok.approval.json",
        accepted: true,
        by: "alice",
        // alice.pub.pem is trusted with no name: "alice" is the signer's claim.
        nameBound: false,
        reason: expect.stringMatching(/^valid: signed by alice with key SHA256:\S+, expires 2026-10-01T10:00:00\.000Z \(trusted via --trust alice\.pub\.pem\)$/),
        covers: ["aws_db_instance.orders [delete, create]", "aws_ebs_volume.data [create, delete]", "aws_s3_bucket.invoices [delete, create]"],
      },
    ]);
    expect(r.summary.errors).toBe(0);
    expect(gateFails(r)).toBe(false);
  });

  test("a partial approval covers only what it lists", () => {
    const w = workspace();
    const file = w.write("partial.json", w.approve({ addresses: ["aws_ebs_volume.data"] }));
    const r = w.gate({ approvals: [file] });
    expect(r.findings.filter((f) => f.acknowledged).map((f) => f.resource)).toEqual(["aws_ebs_volume.data"]);
    expect(r.summary.errors).toBe(2);
    expect(r.approvals?.[0]).toMatchObject({ accepted: true, covers: ["aws_ebs_volume.data [create, delete]"] });
    expect(gateFails(r)).toBe(true);
  });

  test("an approval for another action list does not cover the change", () => {
    const w = workspace();
    const a = w.approve();
    const { signature: _s, ...body } = a;
    void _s;
    const wrong = signApproval({ ...body, approved: [{ address: "aws_db_instance.orders", actions: ["delete"] }] }, alice.privateKeyPem);
    const r = w.gate({ approvals: [w.write("wrong-actions.json", wrong)] });
    expect(r.findings.some((f) => f.acknowledged)).toBe(false);
    expect(r.approvals?.[0].reason).toContain("lists 1 change(s) this plan does not block: aws_db_instance.orders [delete]");
  });

  test.each<[string, (w: ReturnType<typeof workspace>) => { approvals: string[]; trustedKeys?: string[] }, RegExp]>([
    ["expired", (w) => ({ approvals: [w.write("a.json", w.approve({ now: new Date("2026-10-01T07:00:00.000Z") }))] }), /^expired at 2026-10-01T08:00:00\.000Z$/],
    [
      "wrong plan",
      (w) => ({ approvals: [w.write("a.json", createApproval(fixture("delete-protected.json"), { privateKeyPem: alice.privateKeyPem, by: "alice", expiresIn: "1h", now: NOW }))] }),
      /^wrong plan/,
    ],
    ["untrusted key", (w) => ({ approvals: [w.write("a.json", w.approve({ privateKeyPem: bob.privateKeyPem }))] }), /^untrusted key/],
    ["only another key trusted", (w) => ({ approvals: [w.write("a.json", w.approve())], trustedKeys: ["bob.pub.pem"] }), /^untrusted key/],
    ["no key trusted", (w) => ({ approvals: [w.write("a.json", w.approve())], trustedKeys: [] }), /^no trusted keys given/],
    ["tampered", (w) => ({ approvals: [w.write("a.json", { ...w.approve({ addresses: ["aws_ebs_volume.data"] }), approved: w.approve().approved })] }), /^bad signature/],
  ])("refused: %s — reported, and nothing is covered", (_name, make, reason) => {
    const w = workspace();
    const r = w.gate(make(w));
    expect(r.approvals).toHaveLength(1);
    expect(r.approvals?.[0]).toMatchObject({ file: "a.json", accepted: false, covers: [] });
    expect(r.approvals?.[0].reason).toMatch(reason);
    // only a trusted signature makes the name more than a claim
    expect(r.approvals?.[0].by).toBe(/^(expired|wrong plan)/.test(r.approvals?.[0].reason ?? "") ? "alice" : undefined);
    expect(r.findings.some((f) => f.acknowledged)).toBe(false);
    expect(gateFails(r)).toBe(true);
  });

  test("not JSON, or JSON that is no approval: bad input naming the file, not a refusal", () => {
    const w = workspace();
    expect(() => w.gate({ approvals: [w.write("a.json", "approved, trust me")] })).toThrow(/is not valid JSON: .* at line 1, column 1$/);
    expect(() => w.gate({ approvals: [w.write("b.json", { name: "app", version: "1.0.0" })] })).toThrow(/is not a blastwall approval \(unknown field\(s\) name\)/);
  });

  test("a plan changed after approval (one byte) is not covered", () => {
    const w = workspace();
    const file = w.write("ok.json", w.approve());
    writeFileSync(join(w.dir, "plan.json"), `${JSON.stringify(readPlan(fixture("replace.json")).plan)}\n`);
    expect(w.gate({ approvals: [file] }).approvals?.[0].reason).toMatch(/^wrong plan/);
  });

  test("several approvals: each is reported; accepted ones together cover", () => {
    const w = workspace();
    const a1 = w.write("db.json", w.approve({ addresses: ["aws_db_instance.orders"] }));
    const a2 = w.write("rest.json", w.approve({ addresses: ["aws_ebs_volume.data", "aws_s3_bucket.invoices"], by: "carol" }));
    const bad = w.write("bad.json", w.approve({ privateKeyPem: bob.privateKeyPem }));
    const r = w.gate({ approvals: [a1, bad, a2] });
    expect(r.approvals?.map((v) => [v.file, v.accepted, v.by])).toEqual([
      ["db.json", true, "alice"],
      ["bad.json", false, undefined],
      ["rest.json", true, "carol"],
    ]);
    expect(r.approvals?.[1].reason).toMatch(/^untrusted key: .*\(the file claims to be by "alice"\)$/);
    expect(r.findings.map((f) => f.acknowledged?.source)).toEqual(["db.json", "rest.json", "rest.json"]);
    expect(gateFails(r)).toBe(false);
  });

  test("approvals written as UTF-16 (PowerShell redirection) are read", () => {
    const w = workspace();
    const json = JSON.stringify(w.approve());
    writeFileSync(join(w.dir, "u16.json"), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(json, "utf16le")]));
    expect(w.gate({ approvals: ["u16.json"] }).approvals?.[0].accepted).toBe(true);
  });

  test("trusted keys from config: inline PEM, or a path relative to the config's folder", () => {
    const w = workspace();
    const file = w.write("ok.json", w.approve());
    const inline = w.gate({ approvals: [file], trustedKeys: [], config: { trustedKeys: [alice.publicKeyPem] } });
    expect(inline.approvals?.[0].reason).toContain("(trusted via config trustedKeys[0])");
    const byPath = w.gate({ approvals: [file], trustedKeys: [], config: { trustedKeys: ["alice.pub.pem"] }, configDir: "." });
    expect(byPath.approvals?.[0]).toMatchObject({ accepted: true, reason: expect.stringContaining("config trustedKeys[0] (alice.pub.pem)") });
  });

  test("an approval covering a config-protected address only counts when the gate sees the same protection", () => {
    const w = workspace("delete-protected.json");
    const config = { protected: { addresses: ["aws_sns_topic.jobs"] } };
    const file = w.write("ok.json", w.approve({ config }));
    expect(gateFails(w.gate({ approvals: [file], config }))).toBe(false);
  });
});

describe("runGate: bad input", () => {
  test.each<[string, Partial<GateOptions>, RegExp]>([
    ["missing plan", { planFile: "nope.json" }, /^nope\.json: file not found$/],
    ["missing approval file", { approvals: ["missing.json"] }, /^missing\.json: file not found$/],
    ["missing trusted key", { trustedKeys: ["carol.pub.pem"] }, /^carol\.pub\.pem: file not found$/],
    ["a private key given as trusted", { trustedKeys: ["alice.pem"] }, /^alice\.pem: is a private key/],
    ["an unsupported plan format", { planFile: "f2.json" }, /^f2\.json: unsupported plan format_version "2\.0"/],
  ])("%s", (_name, opts, message) => {
    const w = workspace();
    copyFileSync(fixture("format-2.0.json"), join(w.dir, "f2.json"));
    let err: unknown;
    try {
      w.gate(opts);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(message);
  });
});

describe("runGate with the engine hook", () => {
  const finding: Finding = {
    ruleId: "agent-destroy-right",
    severity: "error",
    principal: "aws_iam_role.agent_coder",
    resource: "aws_iam_role_policy.agent_read",
    actions: ["s3:DeleteBucket"],
    evidence: [{ step: "statement", address: "aws_iam_role_policy.agent_read", detail: "Statement 0" }],
    message: "agent can delete buckets",
    fix: "narrow it",
    file: "plan.json",
  };

  test("an IAM finding on the planned end state blocks, and an approval of the changes it names covers it", () => {
    const w = workspace("iam-end-state.json");
    const analyzeStack = () => [finding];
    const blocked = w.gate({ analyzeStack });
    expect(blocked.findings.map((f) => f.ruleId)).toEqual(["agent-destroy-right"]);
    expect(gateFails(blocked)).toBe(true);
    const a = w.approve({ analyzeStack });
    expect(a.approved).toEqual([
      { address: "aws_iam_role.agent_coder", actions: ["create"] },
      { address: "aws_iam_role_policy.agent_read", actions: ["create"] },
    ]);
    const r = w.gate({ analyzeStack, approvals: [w.write("iam.json", a)] });
    expect(r.findings[0].acknowledged?.source).toBe("iam.json");
    expect(gateFails(r)).toBe(false);
  });

  test("the plan step names the changes by address, whatever the order of resource_changes (red-team round 121)", () => {
    const step = (reverse: boolean) => {
      const w = workspace("iam-end-state.json");
      if (reverse) {
        const plan = JSON.parse(readFileSync(join(w.dir, "plan.json"), "utf8"));
        plan.resource_changes.reverse();
        w.write("plan.json", plan);
      }
      return w.gate({ analyzeStack: () => [finding] }).findings[0].evidence.find((e) => e.step === "plan");
    };
    const straight = step(false);
    expect(straight?.address).toBe("aws_iam_role.agent_coder");
    expect(straight?.detail).toMatch(/^introduced or kept by aws_iam_role\.agent_coder \[create\]; aws_iam_role_policy\.agent_read \[create\]/);
    expect(step(true)).toEqual(straight);
  });
});

