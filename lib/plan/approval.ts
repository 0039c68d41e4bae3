/**
 * Signed human approvals for plan changes (Ed25519, Node's crypto). An approval binds to the SHA-256 of the exact
 * plan JSON bytes, lists each approved change by address and exact action list, names who approved it and until
 * when, and is signed over a canonical JSON of all of that. Only the holder of the private key can make one.
 */
import { display, hasHiddenCharacters } from "../report/display";
import { canonicalJson } from "./canonical-json";
import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from "crypto";
import { INPUT_LIMITS, readInputFile } from "../engine/input-file";
import { resolve } from "path";
import { InputError } from "../engine/terraform/types";
import { engineFor, type AnalyzeStack } from "./engine";
import { changeKeyOf, changeKeyString, changesNeedingApproval, evaluatePlan } from "./evaluate";
import { fileProblem, readPlan } from "./read-plan";
import type { ChangeKey, LoadedPlan, PlanGateConfig, PlanResourceChange } from "./types";

export const APPROVAL_VERSION = 1;
/** Prefixed to the canonical JSON before signing, so a signature over anything else never passes as an approval. */
const SIGNING_CONTEXT = "blastwall-approval-v1\n";
/** How far in the future `createdAt` may be (clock skew between the approver's machine and CI). */
const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;
/** A plan goes stale within days; an approval that outlives a week approves a world that has changed. */
export const MAX_APPROVAL_LIFETIME_MS = 7 * 86_400_000;

export interface ApprovedChange {
  readonly address: string;
  readonly actions: readonly string[];
  readonly deposed?: string;
}

export interface Approval {
  readonly version: 1;
  /** Lower-case hex SHA-256 of the plan JSON file's bytes. */
  readonly planSha256: string;
  readonly approved: readonly ApprovedChange[];
  readonly by: string;
  /** ISO 8601 timestamps. */
  readonly createdAt: string;
  readonly expiresAt: string;
  /** `SHA256:<base64>` of the signing public key (DER SubjectPublicKeyInfo), so a refusal can say which key signed. */
  readonly keyId: string;
  /** Base64 Ed25519 signature over `SIGNING_CONTEXT + canonicalJson(every other field)`. */
  readonly signature: string;
}

export type UnsignedApproval = Omit<Approval, "signature">;

export interface CreateApprovalOptions {
  readonly privateKeyPem: string;
  readonly by: string;
  /** `30m`, `4h`, `2d` (also `90s`, `1w`). */
  readonly expiresIn: string;
  readonly now?: Date;
  /** Approve only these addresses (each with all of its changes in the plan); default: every change the gate blocks. */
  readonly addresses?: readonly string[];
  /**
   * The same config, engine hook and agent selection the gate will use, so the approval lists what the gate blocks.
   * `analyzeStack` defaults to the engine `runGate` runs by default; `false` lists plan-rule findings only.
   */
  readonly config?: PlanGateConfig;
  readonly analyzeStack?: AnalyzeStack | false;
  readonly isAgent?: (rc: PlanResourceChange) => boolean;
  readonly cwd?: string;
  /** Names the key in error messages (`--key` file); default "private key". */
  readonly keyFile?: string;
  /** Passphrase of an encrypted private key (the CLI reads it from BLASTWALL_KEY_PASSPHRASE). */
  readonly passphrase?: string;
}

export const APPROVER_NAME_RULE = "approver name must be 1 to 200 printable characters, without control, bidi or zero-width characters";

/**
 * A name reports can show as it is: control, bidi and zero-width characters, or a space other than U+0020 (no-break,
 * em, ogham), could make it read as someone else's.
 */
export function isApproverName(name: string): boolean {
  return name !== "" && name === name.trim() && name.length <= 200 && !hasHiddenCharacters(name) && !/[\s\p{Zs}]/u.test(name.replace(/ /g, ""));
}

/** Reads the plan, finds what the gate would block (or the addresses given), and signs an approval for it. */
export function createApproval(planFile: string, options: CreateApprovalOptions): Approval {
  const plan = readPlan(planFile, { cwd: options.cwd });
  return createApprovalFor(plan, options);
}

export function createApprovalFor(plan: LoadedPlan, options: CreateApprovalOptions): Approval {
  const keyFile = options.keyFile ?? "private key";
  const privateKey = loadPrivateKey(options.privateKeyPem, keyFile, options.passphrase);
  const by = options.by.trim();
  if (!isApproverName(by)) throw new InputError("--by", APPROVER_NAME_RULE);
  const ms = parseDuration(options.expiresIn);
  const now = options.now ?? new Date();
  const judge = { config: options.config, isAgent: options.isAgent, analyzeStack: engineFor(options.analyzeStack, options.config).analyzeStack };
  let approved: ChangeKey[];
  if (options.addresses) {
    const ev = evaluatePlan(plan, judge);
    approved = [];
    for (const address of options.addresses) {
      const keys = ev.changes.filter((rc) => rc.address === address).map(changeKeyOf);
      // What is no managed change (a data source read during apply, an ephemeral resource) is approved by its finding's key.
      if (keys.length === 0) keys.push(...new Map(ev.judged.flatMap((j) => j.changes).filter((k) => k.address === address).map((k) => [changeKeyString(k), k] as const)).values());
      if (keys.length === 0) throw new InputError(plan.file, `${address} has no change in this plan, so it cannot be approved`);
      approved.push(...keys);
    }
  } else {
    approved = changesNeedingApproval(evaluatePlan(plan, judge));
  }
  const unique = new Map(approved.map((k) => [changeKeyString(k), k] as const));
  const unsigned: UnsignedApproval = {
    version: APPROVAL_VERSION,
    planSha256: plan.sha256,
    approved: [...unique.values()].map((k) => (k.deposed ? { address: k.address, actions: [...k.actions], deposed: k.deposed } : { address: k.address, actions: [...k.actions] })),
    by,
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + ms).toISOString(),
    keyId: keyIdOf(createPublicKey(privateKey)),
  };
  return signApproval(unsigned, privateKey);
}

/** Signs an approval body with an Ed25519 private key (PEM or KeyObject). */
export function signApproval(unsigned: UnsignedApproval, privateKey: string | KeyObject): Approval {
  const key = typeof privateKey === "string" ? loadPrivateKey(privateKey, "private key") : privateKey;
  const signature = sign(null, signingBytes(unsigned), key).toString("base64");
  return { ...unsigned, signature };
}

export type ApprovalCheck =
  | { readonly accepted: true; readonly approval: Approval; readonly reason: string }
  | {
      readonly accepted: false;
      readonly approval?: Approval;
      readonly reason: string;
      /** True when the signature verified with a trusted key (refused for the plan hash or the time window). */
      readonly signed?: boolean;
    };

export interface VerifyOptions {
  /** SHA-256 (hex) of the plan file the gate is judging. */
  readonly planSha256: string;
  /** Ed25519 public keys, PEM. */
  readonly trustedPublicKeys: readonly string[];
  readonly now?: Date;
}

/** Checks an approval (parsed JSON): shape, trusted key, signature, plan hash, time window, in that order. */
export function verifyApproval(approval: unknown, options: VerifyOptions): ApprovalCheck {
  const shape = checkShape(approval);
  if (typeof shape === "string") return { accepted: false, reason: `malformed: ${shape}` };
  const a = shape;
  // A well-formed approval whose name could read as someone else's is refused here, in the report, with the name
  // escaped (not returned as the approval, so no report shows it as written): one such file among the approvals must
  // not stop the gate from judging the others (red-team round 67).
  const nameProblem = approverNameProblem(a.by);
  if (nameProblem !== undefined) return { accepted: false, reason: nameProblem };
  if (options.trustedPublicKeys.length === 0) {
    return { accepted: false, approval: a, reason: "no trusted keys given (--trust, or trustedKeys of a config named with --config), so no approval can be accepted" };
  }
  const keys = options.trustedPublicKeys.map((pem) => loadPublicKey(pem, "trusted key"));
  const key = keys.find((k) => keyIdOf(k) === a.keyId);
  if (!key) {
    return { accepted: false, approval: a, reason: `untrusted key: signed with key ${a.keyId}, which is not among the trusted keys` };
  }
  let good = false;
  try {
    good = verify(null, signingBytes(withoutSignature(a)), key, Buffer.from(a.signature, "base64"));
  } catch {
    good = false;
  }
  if (!good) {
    return { accepted: false, approval: a, reason: `bad signature: the approval was altered after signing, or not signed with key ${a.keyId}` };
  }
  if (a.planSha256 !== options.planSha256.toLowerCase()) {
    return {
      accepted: false,
      approval: a,
      signed: true,
      reason: `wrong plan: approves plan sha256 ${a.planSha256.slice(0, 12)}…, this plan is ${options.planSha256.slice(0, 12)}… (an approval holds only for the exact plan JSON it was made for)`,
    };
  }
  const now = (options.now ?? new Date()).getTime();
  const created = Date.parse(a.createdAt);
  const expires = Date.parse(a.expiresAt);
  if (created - now > MAX_CLOCK_SKEW_MS) {
    return { accepted: false, approval: a, signed: true, reason: `not yet valid: created ${a.createdAt}, in the future` };
  }
  if (now >= expires) return { accepted: false, approval: a, signed: true, reason: `expired at ${a.expiresAt}` };
  if (expires - created > MAX_APPROVAL_LIFETIME_MS) {
    return { accepted: false, approval: a, signed: true, reason: `lasts longer than the 7-day maximum (created ${a.createdAt}, expires ${a.expiresAt})` };
  }
  return { accepted: true, approval: a, reason: `valid: signed by ${a.by} with key ${a.keyId}, expires ${a.expiresAt}` };
}

function signingBytes(unsigned: UnsignedApproval): Buffer {
  return Buffer.from(SIGNING_CONTEXT + canonicalJson(unsigned), "utf8");
}

function withoutSignature(a: Approval): UnsignedApproval {
  const { signature: _signature, ...rest } = a;
  void _signature;
  return rest;
}

/** `SHA256:<base64 without padding>` of the key's DER SubjectPublicKeyInfo. */
export function keyIdOf(key: KeyObject | string): string {
  const pub = typeof key === "string" ? loadPublicKey(key, "key") : key.type === "private" ? createPublicKey(key) : key;
  const der = pub.export({ type: "spki", format: "der" });
  return `SHA256:${createHash("sha256").update(der).digest("base64").replace(/=+$/, "")}`;
}

/** The environment variable `blastwall approve` reads an encrypted key's passphrase from. */
export const PASSPHRASE_ENV = "BLASTWALL_KEY_PASSPHRASE";

/**
 * An Ed25519 private key from PEM, unencrypted or encrypted with `passphrase` (an approver's key is best kept
 * encrypted at rest: `openssl genpkey -algorithm ed25519 -aes-256-cbc -out KEY.pem`); `InputError(file, ...)` when
 * it is anything else.
 */
export function loadPrivateKey(pem: string, file: string, passphrase?: string): KeyObject {
  if (/-----BEGIN (RSA |EC )?PUBLIC KEY-----/.test(pem)) {
    throw new InputError(file, "is a public key; approving needs the Ed25519 private key (openssl genpkey -algorithm ed25519 -out KEY.pem)");
  }
  const encrypted = /ENCRYPTED/.test(pem);
  if (encrypted && !passphrase) throw new InputError(file, `is an encrypted private key; give its passphrase in the environment variable ${PASSPHRASE_ENV}`);
  let key: KeyObject;
  try {
    // A passphrase given for an unencrypted key is not needed, and Node ignores it.
    key = encrypted ? createPrivateKey({ key: pem, format: "pem", passphrase }) : createPrivateKey(pem);
  } catch {
    if (encrypted) throw new InputError(file, `the passphrase in ${PASSPHRASE_ENV} does not decrypt this key (or it is not a PEM private key)`);
    throw new InputError(file, "not a PEM private key (make one with: openssl genpkey -algorithm ed25519 -out KEY.pem)");
  }
  if (key.asymmetricKeyType !== "ed25519") throw new InputError(file, `is a ${key.asymmetricKeyType ?? "non-Ed25519"} key; approvals need an Ed25519 key`);
  return key;
}

/** An Ed25519 public key from PEM. A private key is refused: the gate's host should never hold one. */
export function loadPublicKey(pem: string, file: string): KeyObject {
  if (/PRIVATE KEY-----/.test(pem)) {
    throw new InputError(file, "is a private key; trust the public key instead (openssl pkey -in KEY.pem -pubout -out KEY.pub.pem), and keep the private key away from CI and agents");
  }
  // Node would take the key out of a certificate and ignore its validity period, issuer and usage: a revoked or
  // expired certificate would still approve. Trust is a bare public key.
  if (/-----BEGIN (?:[A-Z0-9 ]+ )?CERTIFICATE-----/.test(pem)) {
    throw new InputError(file, "is a certificate, whose validity blastwall does not check; trust its public key instead (openssl x509 -in CERT.pem -pubkey -noout > KEY.pub.pem)");
  }
  // Node reads only the first block of a PEM file: a second key (or anything else) after it would sit in a trusted
  // key file unread, and whoever reviews the file could not tell which key the gate trusts.
  const blocks = pem.match(/-----BEGIN [^-\r\n]*-----/g)?.length ?? 0;
  if (blocks > 1) {
    throw new InputError(file, `holds ${blocks} PEM blocks; a trusted key file must hold exactly one Ed25519 public key (put each key in a file of its own)`);
  }
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch {
    throw new InputError(file, "not a PEM public key (make one with: openssl pkey -in KEY.pem -pubout -out KEY.pub.pem)");
  }
  if (key.asymmetricKeyType !== "ed25519") throw new InputError(file, `is a ${key.asymmetricKeyType ?? "non-Ed25519"} key; approvals need an Ed25519 key`);
  return key;
}

export interface TrustedKey {
  readonly pem: string;
  readonly keyId: string;
  /** The approver the key belongs to (`--trust NAME=KEY.pem`): approvals it signs must name them. */
  readonly name?: string;
  /** Where it came from: `--trust keys/alice.pub.pem`, `config trustedKeys[0]`. */
  readonly source: string;
}

/** Reads a trusted public key file; `InputError` naming the file on any problem. */
export function readTrustedKeyFile(file: string, cwd?: string, source = `--trust ${file}`, name?: string): TrustedKey {
  let pem: string;
  try {
    pem = readInputFile(cwd ? resolve(cwd, file) : file, INPUT_LIMITS.key).toString("utf8");
  } catch (e) {
    throw new InputError(file, fileProblem(e));
  }
  const key = loadPublicKey(pem, file);
  return { pem, keyId: keyIdOf(key), source, ...(name !== undefined ? { name } : {}) };
}

const DURATION_UNITS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `30m` → milliseconds. Units s, m, h, d, w; a positive whole number. */
export function parseDuration(text: string): number {
  const m = /^\s*(\d+)\s*([smhdw])\s*$/i.exec(text);
  const n = m ? Number(m[1]) : 0;
  if (!m || n <= 0 || !Number.isSafeInteger(n)) {
    throw new InputError("--expires", `${JSON.stringify(text)} is not a duration (use e.g. 30m, 4h, 2d)`);
  }
  const ms = n * DURATION_UNITS[m[2].toLowerCase()];
  if (ms > MAX_APPROVAL_LIFETIME_MS) throw new InputError("--expires", `${JSON.stringify(text)} is longer than the 7-day maximum an approval may last`);
  return ms;
}

/**
 * What the CLI refuses to sign, an approval made by other means may still carry: a name that reads as another
 * (control, bidi or invisible characters, a space other than U+0020). The reason shows the name escaped.
 */
export function approverNameProblem(by: string): string | undefined {
  if (!hasHiddenCharacters(by) && !/[\s\p{Zs}]/u.test(by.replace(/ /g, ""))) return undefined;
  const shown = display(by).replace(/[\s\p{Zs}]/gu, (c) => (c === " " ? c : `\\u${c.codePointAt(0)!.toString(16).padStart(4, "0")}`));
  return `by holds control, bidi or invisible characters ("${shown}"), so the name could read as someone else's`;
}

const FIELDS = new Set(["version", "planSha256", "approved", "by", "createdAt", "expiresAt", "keyId", "signature"]);
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/** The approval, typed, or what is wrong with its shape. */
/** Why `v` is not an approval `blastwall approve` writes (a missing or unknown field, a bad value); undefined when it is one. */
export function approvalShapeProblem(v: unknown): string | undefined {
  const shape = checkShape(v);
  return typeof shape === "string" ? shape : undefined;
}

function checkShape(v: unknown): Approval | string {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return "not a JSON object";
  const o = v as Record<string, unknown>;
  const extra = Object.keys(o).filter((k) => !FIELDS.has(k));
  if (extra.length > 0) return `unknown field(s) ${extra.join(", ")}`;
  if (o.version !== APPROVAL_VERSION) return `version ${JSON.stringify(o.version)} (expected ${APPROVAL_VERSION})`;
  if (typeof o.planSha256 !== "string" || !/^[0-9a-f]{64}$/.test(o.planSha256)) return "planSha256 is not a lower-case hex SHA-256";
  if (!Array.isArray(o.approved)) return "approved is not a list";
  for (const [i, e] of o.approved.entries()) {
    if (typeof e !== "object" || e === null) return `approved[${i}] is not an object`;
    const c = e as Record<string, unknown>;
    if (typeof c.address !== "string" || c.address === "") return `approved[${i}].address is missing`;
    if (!Array.isArray(c.actions) || c.actions.length === 0 || !c.actions.every((x) => typeof x === "string")) return `approved[${i}].actions is not a list of actions`;
    if (c.deposed !== undefined && typeof c.deposed !== "string") return `approved[${i}].deposed is not a string`;
    if (Object.keys(c).some((k) => k !== "address" && k !== "actions" && k !== "deposed")) return `approved[${i}] has unknown fields`;
  }
  if (typeof o.by !== "string" || o.by.trim() === "") return "by is missing";
  if (typeof o.createdAt !== "string" || !ISO.test(o.createdAt) || Number.isNaN(Date.parse(o.createdAt))) return "createdAt is not an ISO timestamp";
  if (typeof o.expiresAt !== "string" || !ISO.test(o.expiresAt) || Number.isNaN(Date.parse(o.expiresAt))) return "expiresAt is not an ISO timestamp";
  if (Date.parse(o.expiresAt) <= Date.parse(o.createdAt)) return "expiresAt is not after createdAt";
  if (typeof o.keyId !== "string" || !/^SHA256:[A-Za-z0-9+/]+$/.test(o.keyId)) return "keyId is missing";
  if (typeof o.signature !== "string" || !/^[A-Za-z0-9+/]+={0,2}$/.test(o.signature)) return "signature is not base64";
  return o as unknown as Approval;
}

export { canonicalJson };
