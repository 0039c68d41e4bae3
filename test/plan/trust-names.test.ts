/**
 * `--trust NAME=KEY.pem` binds a trusted key to the approver it belongs to: an approval it signs under another name
 * is refused, so the name a report shows is the key holder's and not a claim.
 */
import { copyFileSync, mkdirSync, writeFileSync } from "fs";
import { join } from "path";
import { approveCommand } from "../../lib/cli/approve";
import { gateCommand } from "../../lib/cli/gate";
import type { CliIO } from "../../lib/cli/io";
import { fixture, tempDir } from "./helpers";
import { ed25519 } from "./keys";

const NOW = new Date("2026-10-01T09:00:00.000Z");
const alice = ed25519();

function io(cwd: string) {
  const out: string[] = [];
  const cli: CliIO = { stdout: (t) => out.push(t), stderr: () => undefined, cwd, env: {}, now: () => NOW };
  return { cli, out: () => out.join("") };
}

/** A plan the gate blocks, alice's key pair, and an approval signed with her key under `by`. */
async function signedAs(by: string) {
  const dir = tempDir();
  copyFileSync(fixture("replace.json"), join(dir, "plan.json"));
  writeFileSync(join(dir, "alice.pem"), alice.privateKeyPem);
  writeFileSync(join(dir, "alice.pub.pem"), alice.publicKeyPem);
  expect(await approveCommand(["plan.json", "--key", "alice.pem", "--by", by, "--out", "a.json"], io(dir).cli)).toBe(0);
  return dir;
}

const gate = async (dir: string, ...trust: string[]) => {
  const t = io(dir);
  const code = await gateCommand(["--format", "json", ...trust.flatMap((k) => ["--trust", k]), "--approval", "a.json", "plan.json"], t.cli);
  const report = JSON.parse(t.out()) as { approvals: { accepted: boolean; reason: string; by?: string }[]; findings: { acknowledged?: { reason: string } }[] };
  return { code, approval: report.approvals[0], acks: report.findings.map((f) => f.acknowledged?.reason) };
};

const mallory = ed25519();

/** The same plan signed by mallory's key, which --trust gives with no name, under `by`. */
async function signedByMalloryAs(by: string) {
  const dir = await signedAs("alice@example.com");
  writeFileSync(join(dir, "mallory.pem"), mallory.privateKeyPem);
  writeFileSync(join(dir, "mallory.pub.pem"), mallory.publicKeyPem);
  expect(await approveCommand(["plan.json", "--key", "mallory.pem", "--by", by, "--out", "a.json"], io(dir).cli)).toBe(0);
  return dir;
}

describe("--trust NAME=KEY.pem", () => {
  test("accepts an approval the key signs under the name it is bound to", async () => {
    const dir = await signedAs("alice@example.com");
    const { code, approval } = await gate(dir, "alice@example.com=alice.pub.pem");
    expect(code).toBe(0);
    expect(approval.accepted).toBe(true);
    expect(approval.reason).toContain("trusted via --trust alice@example.com=alice.pub.pem");
  });

  test("refuses one the key signs under another name, and says whose key it is", async () => {
    const dir = await signedAs("bob@example.com");
    const { code, approval } = await gate(dir, "alice@example.com=alice.pub.pem");
    expect(code).toBe(1);
    expect(approval.accepted).toBe(false);
    expect(approval.reason).toMatch(/^name not bound to key: signed with key SHA256:\S+, which --trust binds to "alice@example.com", but names "bob@example.com" as the approver$/);
    expect(approval.by).toBeUndefined();
  });

  test("the control: the same key given with no name accepts any name", async () => {
    const dir = await signedAs("bob@example.com");
    expect((await gate(dir, "alice.pub.pem")).code).toBe(0);
  });

  // Red-team round 60: an unbound key signing as a bound approver made the report and the audit trail name that approver.
  test("a key given with no name cannot sign under a name --trust binds to another key, in any case or look-alike letters", async () => {
    // Cyrillic а (U+0430), a digit one for l, an accent: each reads as alice in a report.
    // Round 62: an ASCII capital I for l, Armenian ա (U+0561), Latin alpha ɑ (U+0251).
    for (const by of ["alice@example.com", "Alice@Example.com", "\u0430lice@example.com", "a1ice@example.com", "alíce@example.com", "aIice@example.com", "\u0561lice@example.com", "\u0251lice@example.com"]) {
      const dir = await signedByMalloryAs(by);
      const { code, approval } = await gate(dir, "alice@example.com=alice.pub.pem", "mallory.pub.pem");
      expect(code).toBe(1);
      expect(approval.accepted).toBe(false);
      expect(approval.reason).toMatch(/^name bound to another key: signed with key SHA256:\S+, which --trust gives no name, but names "\S+", whom --trust binds to key SHA256:\S+ \(the names read alike\); if "\S+" is another person, bind the name to its key with --trust \S+=KEY\.pem"?$/);
      // The refusal is not alice's: the verdict names no approver.
      expect(approval.by).toBeUndefined();
    }
  });

  test("the controls: another name is accepted from the unbound key, and the audit trail says the name is its claim; a bound name is not so marked", async () => {
    const dir = await signedByMalloryAs("mallory@example.com");
    const claimed = await gate(dir, "alice@example.com=alice.pub.pem", "mallory.pub.pem");
    expect(claimed.code).toBe(0);
    expect(claimed.acks.length).toBeGreaterThan(0);
    for (const reason of claimed.acks) expect(reason).toMatch(/^approved by mallory@example\.com \(a name --trust does not bind to the signing key\) for /);
    expect(claimed.approval).toMatchObject({ accepted: true, by: "mallory@example.com", nameBound: false });
    // The text report's APPROVAL line says so too.
    const t = io(dir);
    await gateCommand(["--trust", "alice@example.com=alice.pub.pem", "--trust", "mallory.pub.pem", "--approval", "a.json", "plan.json"], t.cli);
    expect(t.out()).toMatch(/APPROVAL accepted by mallory@example\.com \(a name --trust does not bind to the signing key\): a\.json/);
    // Names that only share letters with a bound one are names of their own.
    expect((await gate(await signedByMalloryAs("malice@example.com"), "alice@example.com=alice.pub.pem", "mallory.pub.pem")).code).toBe(0);
    const bound = await gate(await signedAs("alice@example.com"), "alice@example.com=alice.pub.pem");
    for (const reason of bound.acks) expect(reason).toMatch(/^approved by alice@example\.com for /);
    expect(bound.approval).toMatchObject({ accepted: true, by: "alice@example.com", nameBound: true });
  });

  test("a key file whose own name holds '=' is given with its folder; a path before '=' is a path", async () => {
    const dir = await signedAs("bob@example.com");
    copyFileSync(join(dir, "alice.pub.pem"), join(dir, "team=alice.pub.pem"));
    expect((await gate(dir, "./team=alice.pub.pem")).code).toBe(0);
    await expect(gate(dir, "keys/x=alice.pub.pem")).rejects.toThrow(/keys\/x=alice\.pub\.pem/);
  });

  test("a folder the repository holds, named after the argument, does not replace the key (red-team round 58)", async () => {
    // CI trusts alice's key from outside the checkout; the agent plants `alice=/that/path` inside it with its own key.
    const dir = await signedAs("alice@example.com");
    const secure = tempDir();
    const mallory = ed25519();
    writeFileSync(join(secure, "alice.pub.pem"), mallory.publicKeyPem);
    writeFileSync(join(dir, "m.pem"), mallory.privateKeyPem);
    expect(await approveCommand(["plan.json", "--key", "m.pem", "--by", "alice@example.com", "--out", "a.json"], io(dir).cli)).toBe(0);
    writeFileSync(join(secure, "alice.pub.pem"), alice.publicKeyPem);
    const planted = join(dir, `alice@example.com=${secure}`);
    mkdirSync(planted, { recursive: true });
    writeFileSync(join(planted, "alice.pub.pem"), mallory.publicKeyPem);
    const { code, approval } = await gate(dir, `alice@example.com=${join(secure, "alice.pub.pem")}`);
    expect(code).toBe(1);
    expect(approval.reason).toMatch(/^untrusted key/);
  });

  test("a name an approval could not carry, or no file after '=', is a usage error", async () => {
    const dir = await signedAs("alice@example.com");
    await expect(gate(dir, "alice\u200b=alice.pub.pem")).rejects.toThrow(/the name before "=" is not one an approval can carry/);
    await expect(gate(dir, "alice=")).rejects.toThrow(/no key file after "="/);
  });
});
