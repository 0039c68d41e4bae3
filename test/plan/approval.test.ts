import { generateKeyPairSync } from "crypto";
import { InputError } from "../../lib/engine/terraform/types";
import {
  canonicalJson,
  createApproval,
  keyIdOf,
  loadPrivateKey,
  loadPublicKey,
  parseDuration,
  signApproval,
  verifyApproval,
  type Approval,
} from "../../lib/plan/approval";
import { readPlan } from "../../lib/plan/read-plan";
import { fixture } from "./helpers";
import { ed25519 } from "./keys";

const NOW = new Date("2026-10-01T09:00:00.000Z");
const alice = ed25519();
const mallory = ed25519();
const planFile = fixture("replace.json");
const planSha = readPlan(planFile).sha256;

function approve(opts: Partial<Parameters<typeof createApproval>[1]> = {}): Approval {
  return createApproval(planFile, { privateKeyPem: alice.privateKeyPem, by: "alice@example.com", expiresIn: "30m", now: NOW, ...opts });
}

function check(a: unknown, over: Partial<Parameters<typeof verifyApproval>[1]> = {}) {
  return verifyApproval(a, { planSha256: planSha, trustedPublicKeys: [alice.publicKeyPem], now: NOW, ...over });
}

describe("createApproval", () => {
  test("lists every change the gate blocks in the plan, with exact actions, bound to the plan's hash", () => {
    const a = approve();
    expect(a).toMatchObject({
      version: 1,
      planSha256: planSha,
      by: "alice@example.com",
      createdAt: "2026-10-01T09:00:00.000Z",
      expiresAt: "2026-10-01T09:30:00.000Z",
      keyId: keyIdOf(alice.publicKeyPem),
    });
    expect(a.approved).toEqual([
      { address: "aws_db_instance.orders", actions: ["delete", "create"] },
      { address: "aws_ebs_volume.data", actions: ["create", "delete"] },
      { address: "aws_s3_bucket.invoices", actions: ["delete", "create"] },
    ]);
    expect(Buffer.from(a.signature, "base64")).toHaveLength(64);
  });

  test("addresses: a partial approval lists only those", () => {
    expect(approve({ addresses: ["aws_ebs_volume.data"] }).approved).toEqual([{ address: "aws_ebs_volume.data", actions: ["create", "delete"] }]);
  });

  test("an address with no change in the plan is refused", () => {
    expect(() => approve({ addresses: ["aws_db_instance.nope"] })).toThrow(/aws_db_instance\.nope has no change in this plan/);
  });

  test("deposed objects are approved with their deposed key", () => {
    const a = createApproval(fixture("deposed.json"), { privateKeyPem: alice.privateKeyPem, by: "alice", expiresIn: "1h", now: NOW });
    expect(a.approved).toEqual([{ address: "aws_db_instance.orders", actions: ["delete"], deposed: "a1b2c3d4" }]);
  });

  test("bad keys and names are refused with one line naming the problem", () => {
    expect(() => approve({ privateKeyPem: alice.publicKeyPem, keyFile: "alice.pub.pem" })).toThrow(/^alice\.pub\.pem: is a public key/);
    expect(() => approve({ privateKeyPem: "not a key", keyFile: "k.pem" })).toThrow(/^k\.pem: not a PEM private key/);
    const rsa = generateKeyPairSync("rsa", { modulusLength: 1024, privateKeyEncoding: { type: "pkcs8", format: "pem" }, publicKeyEncoding: { type: "spki", format: "pem" } });
    expect(() => approve({ privateKeyPem: rsa.privateKey, keyFile: "rsa.pem" })).toThrow(/^rsa\.pem: is a rsa key; approvals need an Ed25519 key/);
    expect(() => approve({ by: "  " })).toThrow(/approver name/);
    expect(() => approve({ expiresIn: "soon" })).toThrow(/"soon" is not a duration/);
  });
});

describe("verifyApproval", () => {
  test("valid", () => {
    const r = check(approve());
    expect(r.accepted).toBe(true);
    expect(r.reason).toMatch(/^valid: signed by alice@example\.com with key SHA256:/);
  });

  test("survives a JSON round trip and re-indentation", () => {
    expect(check(JSON.parse(JSON.stringify(approve(), null, 4))).accepted).toBe(true);
  });

  test("expired", () => {
    const r = check(approve(), { now: new Date("2026-10-01T09:30:00.000Z") });
    expect(r).toMatchObject({ accepted: false, reason: "expired at 2026-10-01T09:30:00.000Z" });
  });

  test("created in the future (beyond clock skew)", () => {
    expect(check(approve({ now: new Date("2026-10-01T10:00:00.000Z") })).reason).toMatch(/^not yet valid/);
    expect(check(approve({ now: new Date("2026-10-01T09:04:00.000Z") })).accepted).toBe(true);
  });

  test("wrong plan", () => {
    const r = check(approve(), { planSha256: readPlan(fixture("delete-protected.json")).sha256 });
    expect(r.accepted).toBe(false);
    expect(r.reason).toMatch(/^wrong plan: approves plan sha256 [0-9a-f]{12}…, this plan is [0-9a-f]{12}…/);
  });

  test("untrusted key: signed by a key the gate was not given", () => {
    const a = approve({ privateKeyPem: mallory.privateKeyPem });
    const r = check(a);
    expect(r).toMatchObject({ accepted: false, reason: `untrusted key: signed with key ${keyIdOf(mallory.publicKeyPem)}, which is not among the trusted keys` });
  });

  test("wrong key: claims a trusted key id but was signed with another key", () => {
    const forged = signApproval({ ...withoutSig(approve({ privateKeyPem: mallory.privateKeyPem })), keyId: keyIdOf(alice.publicKeyPem) }, mallory.privateKeyPem);
    expect(check(forged).reason).toMatch(/^bad signature/);
  });

  test("tampered: a change added, the expiry moved, the plan hash swapped, the approver renamed", () => {
    const a = approve({ addresses: ["aws_ebs_volume.data"] });
    const tampered: unknown[] = [
      { ...a, approved: [...a.approved, { address: "aws_db_instance.orders", actions: ["delete", "create"] }] },
      { ...a, expiresAt: "2027-10-01T09:30:00.000Z" },
      { ...a, by: "security-team" },
      { ...a, approved: [{ address: "aws_ebs_volume.data", actions: ["delete", "create"] }] },
    ];
    for (const t of tampered) expect(check(t)).toMatchObject({ accepted: false, reason: expect.stringMatching(/^bad signature/) });
    const other = readPlan(fixture("delete-protected.json")).sha256;
    expect(check({ ...a, planSha256: other }, { planSha256: other }).reason).toMatch(/^bad signature/);
  });

  test("malformed", () => {
    const a = approve();
    const cases: [unknown, RegExp][] = [
      [null, /not a JSON object/],
      [[], /not a JSON object/],
      [{ ...a, version: 2 }, /version 2/],
      [{ ...a, planSha256: "ABC" }, /planSha256/],
      [{ ...a, approved: "all" }, /approved is not a list/],
      [{ ...a, approved: [{ address: "x", actions: [] }] }, /approved\[0\]\.actions/],
      [{ ...a, by: "" }, /by is missing/],
      [{ ...a, expiresAt: "tomorrow" }, /expiresAt is not an ISO timestamp/],
      [{ ...a, expiresAt: a.createdAt }, /expiresAt is not after createdAt/],
      [{ ...a, signature: "%%%" }, /signature is not base64/],
      [{ ...a, extra: 1 }, /unknown field\(s\) extra/],
    ];
    for (const [v, re] of cases) {
      const r = check(v);
      expect(r.accepted).toBe(false);
      expect(r.reason).toMatch(/^malformed: /);
      expect(r.reason).toMatch(re);
    }
  });

  test("no trusted keys at all", () => {
    expect(check(approve(), { trustedPublicKeys: [] }).reason).toMatch(/^no trusted keys given/);
  });
});

describe("keys, durations, canonical JSON", () => {
  test("a private key is refused as a trusted key", () => {
    expect(() => loadPublicKey(alice.privateKeyPem, "alice.pem")).toThrow(InputError);
    expect(() => loadPublicKey(alice.privateKeyPem, "alice.pem")).toThrow(/^alice\.pem: is a private key; trust the public key instead/);
  });

  test("a certificate is refused as a trusted key: its validity would go unchecked", () => {
    const cert = "-----BEGIN CERTIFICATE-----\nMIIBfTCCAS+gAwIBAgIUExample\n-----END CERTIFICATE-----\n";
    expect(() => loadPublicKey(cert, "alice.crt")).toThrow(/^alice\.crt: is a certificate, whose validity blastwall does not check; trust its public key instead/);
    expect(keyIdOf(loadPublicKey(alice.publicKeyPem, "alice.pub.pem"))).toBe(keyIdOf(alice.publicKeyPem));
  });

  test("keyIdOf is the same for the private key and its public half", () => {
    expect(keyIdOf(loadPrivateKey(alice.privateKeyPem, "k"))).toBe(keyIdOf(alice.publicKeyPem));
    expect(keyIdOf(alice.publicKeyPem)).not.toBe(keyIdOf(mallory.publicKeyPem));
  });

  test.each([
    ["90s", 90_000],
    ["30m", 1_800_000],
    ["4h", 14_400_000],
    ["2d", 172_800_000],
    ["1w", 604_800_000],
  ])("duration %s", (s, ms) => {
    expect(parseDuration(s)).toBe(ms);
  });

  test.each(["", "0m", "-1h", "1.5h", "h", "10", "1y", "8d", "2w", "100000000w"])("bad duration %p", (s) => {
    expect(() => parseDuration(s)).toThrow(InputError);
  });

  test("canonical JSON sorts keys at every level and keeps array order", () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: "x" }, 3], e: { g: null, f: true } })).toBe('{"a":[{"c":"x","d":2},3],"b":1,"e":{"f":true,"g":null}}');
  });
});

function withoutSig(a: Approval): Omit<Approval, "signature"> {
  const { signature, ...rest } = a;
  void signature;
  return rest;
}

describe("limits on what an approval may say", () => {
  test("a duration over the 7-day maximum is refused with one clear line", () => {
    expect(() => parseDuration("9000w")).toThrow(/"9000w" is longer than the 7-day maximum an approval may last/);
  });

  test("an approval signed to last longer than a week is refused at the gate", () => {
    const a = approve();
    const { signature: _signature, ...unsigned } = a;
    const long = signApproval({ ...unsigned, expiresAt: new Date(NOW.getTime() + 8 * 86_400_000).toISOString() }, alice.privateKeyPem);
    expect(check(long).reason).toMatch(/longer than the 7-day maximum/);
    expect(check(a).accepted).toBe(true);
  });

  test.each(["alice\u202e", "al\u200bice", "\u2066alice", "alice\u061c", "al\u2028ice", "alice\u{e0041}", "\u3164", "ali\u034fce", "alice\u2065", "ali\u00a0ce", "alice\u2003smith", "ali\u1680ce"])("an approver name with bidi, zero-width or invisible characters is refused: %j", (by) => {
    expect(() => approve({ by })).toThrow(/without control, bidi or zero-width characters/);
  });

  test("an approval made by other means with such a name is refused at the gate, the name escaped; an ordinary one is accepted", () => {
    const { signature: _signature, ...unsigned } = approve();
    // Round 67: refused (reported beside the other approvals), no longer "malformed" (which stopped the gate with exit 2).
    const refused = check(signApproval({ ...unsigned, by: "alice\u3164" }, alice.privateKeyPem));
    expect(refused).toEqual({ accepted: false, reason: 'by holds control, bidi or invisible characters ("alice\\u3164"), so the name could read as someone else\'s' });
    expect(check(signApproval({ ...unsigned, by: "Zoë Ñ 李" }, alice.privateKeyPem)).accepted).toBe(true);
  });
});
