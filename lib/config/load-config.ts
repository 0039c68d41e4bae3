/**
 * Reads and validates `blastwall.json` against policies/blastwall-config.schema.json. Every problem a user must
 * fix is an InputError naming the file, the key (`acknowledgements[0].reason`) and what is wrong, on one line.
 */
import { MIN_REASON, visibleLength } from "../engine/text";
import { decodeText, parseJsonInput } from "../engine/terraform/read-file";
import { existsSync, statSync } from "fs";
import { INPUT_LIMITS, readInputFile, readProblem } from "../engine/input-file";
import { join, resolve } from "path";
import type { ErrorObject } from "ajv";
import type { BlastwallConfig } from "../generated/blastwall-config";
import type { Acknowledgement } from "../engine/findings";
import { InputError } from "../engine/terraform/types";
import { expiryInstant } from "./acknowledgements";

export type { BlastwallConfig } from "../generated/blastwall-config";

/** The file looked for in the working directory when no config file is named. */
export const DEFAULT_CONFIG_FILE = "blastwall.json";

/** An ajv instance path (`/acknowledgements/0/reason`) as the user would write the key: `acknowledgements[0].reason`. */
export function keyPath(instancePath: string, child?: string): string {
  const parts = instancePath
    .split("/")
    .slice(1)
    .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
  if (child !== undefined) parts.push(child);
  let out = "";
  for (const p of parts) {
    if (/^\d+$/.test(p)) out += `[${p}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(p)) out += out ? `.${p}` : p;
    else out += `[${JSON.stringify(p)}]`;
  }
  return out || "(top level)";
}

function typeName(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "object") return "an object";
  return `${typeof v} ${JSON.stringify(v)}`;
}

/** What a list too short holds: usually nothing at all. */
function itemsText(v: unknown): string {
  const n = Array.isArray(v) ? v.length : 0;
  return n === 0 ? "an empty list" : `${n} item${n === 1 ? "" : "s"}`;
}

const article = (t: string): string => (/^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`);

/** One ajv error as `key: what is wrong`. */
export function describeError(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case "required":
      return `${keyPath(e.instancePath, String(p.missingProperty))}: is required`;
    case "additionalProperties": {
      const props = (e.parentSchema as { properties?: Record<string, unknown> } | undefined)?.properties;
      const allowed = props ? Object.keys(props).filter((k) => k !== "$schema") : [];
      return (
        `${keyPath(e.instancePath, String(p.additionalProperty))}: unknown key` +
        (allowed.length ? ` (expected one of: ${allowed.join(", ")})` : "")
      );
    }
    case "type":
      return `${keyPath(e.instancePath)}: must be ${article(String(p.type))}, not ${typeName(e.data)}`;
    case "minLength":
      return `${keyPath(e.instancePath)}: must be at least ${String(p.limit)} characters long (got ${
        typeof e.data === "string" ? e.data.length : 0
      })`;
    case "minItems": {
      const limit = Number(p.limit);
      return `${keyPath(e.instancePath)}: must list at least ${limit} item${limit === 1 ? "" : "s"} (got ${itemsText(e.data)})`;
    }
    case "enum":
      return `${keyPath(e.instancePath)}: must be one of ${(p.allowedValues as unknown[])
        .map((v) => JSON.stringify(v))
        .join(", ")}, not ${JSON.stringify(e.data)}`;
    case "pattern":
      if (/(principal|resource)$/.test(e.instancePath)) {
        return `${keyPath(e.instancePath)}: must be one exact Terraform address, without * or ? (got ${JSON.stringify(e.data)})`;
      }
      if (/\/actions\/\d+$/.test(e.instancePath)) {
        return `${keyPath(e.instancePath)}: must be an IAM action name or glob such as ec2:DeleteSnapshot or ec2:Delete* (got ${JSON.stringify(e.data)})`;
      }
      return `${keyPath(e.instancePath)}: must match ${String(p.pattern)} (got ${JSON.stringify(e.data)})`;
    default:
      return `${keyPath(e.instancePath)}: ${e.message ?? "is invalid"}`;
  }
}

/** Validates parsed JSON as a config; throws InputError(file, one-line problem) on the first problem. */
export function parseConfig(json: unknown, file: string): BlastwallConfig {
  // Precompiled by scripts/generate-validator.ts: loading and running the ajv compiler here cost ~100 ms per run.
  // Its errors are verbose (they carry the schema they failed), so unknown keys can list the allowed ones.
  // The generated validator is large (80 KB of code): it loads when a config is actually read, not with the gate.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const v = (require("../generated/blastwall-config.validate") as typeof import("../generated/blastwall-config.validate")).validateBlastwallConfig;
  if (!v(json)) {
    const first = v.errors?.[0];
    throw new InputError(file, first ? describeError(first) : "is not a valid blastwall config");
  }
  const config = json as BlastwallConfig;
  // Rule ids must name rules: a misspelt id in `severity` or an acknowledgement silently does nothing. The check
  // rules are loaded wherever a config is read; the plan gate's rules and the runner's own ids only when needed.
  const known = ruleIds();
  for (const id of Object.keys(config.severity ?? {})) {
    if (!known.has(id)) throw new InputError(file, `severity.${id}: unknown rule id (docs/rules.md lists them)`);
  }
  (config.acknowledgements ?? []).forEach((a, i) => {
    if (!known.has(a.ruleId)) throw new InputError(file, `acknowledgements[${i}].ruleId: ${JSON.stringify(a.ruleId)} is not a rule id (docs/rules.md lists them)`);
    if (visibleLength(a.reason) < MIN_REASON) {
      throw new InputError(file, `acknowledgements[${i}].reason: must say why in at least ${MIN_REASON} characters (blanks and invisible characters do not count)`);
    }
  });
  (config.acknowledgements ?? []).forEach((a, i) => {
    if (a.expires !== undefined && expiryInstant(a.expires) === undefined) {
      throw new InputError(
        file,
        `acknowledgements[${i}].expires: ${JSON.stringify(a.expires)} is not a valid date ` +
          "(use YYYY-MM-DD or an ISO date-time with an offset, e.g. 2025-06-30T12:00:00Z)",
      );
    }
  });
  return config;
}

/** Whether `id` names a rule (a check rule, a plan gate rule or one of the runner's own), as a config's ids must. */
export function isRuleId(id: string): boolean {
  return ruleIds().has(id);
}

/** Every rule id, the check rules' first; the rest (plan gate, runner) loads on the first id that is not one of them. */
function ruleIds(): { has(id: string): boolean } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const check = new Set((require("../rules") as typeof import("../rules")).allRules.map((r) => r.meta.id));
  let all: Set<string> | undefined;
  return {
    has: (id) =>
      check.has(id) ||
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      (all ??= new Set((require("../rules/catalog") as typeof import("../rules/catalog")).allRuleMetas().map((m) => m.id))).has(id),
  };
}

/**
 * Loads a blastwall config. With `file`, that file must exist (relative paths are taken from `cwd`); without,
 * `blastwall.json` in `cwd` is used when present, and an empty config otherwise. Missing file, bad JSON or a
 * schema violation throw InputError.
 */
export function loadConfig(file?: string, cwd: string = process.cwd()): BlastwallConfig {
  let path: string;
  let shown: string;
  if (file === undefined) {
    path = join(cwd, DEFAULT_CONFIG_FILE);
    shown = DEFAULT_CONFIG_FILE;
    if (!existsSync(path)) return {};
  } else {
    path = resolve(cwd, file);
    shown = file;
    if (!existsSync(path)) throw new InputError(shown, "config file not found");
  }
  if (statSync(path).isDirectory()) throw new InputError(shown, "is a directory, not a config file");
  let bytes: Buffer;
  try {
    bytes = readInputFile(path, INPUT_LIMITS.config);
  } catch (err) {
    throw new InputError(shown, `cannot read the config file: ${readProblem(err)}`);
  }
  // Decoded as every other input is: UTF-8, or UTF-16 as PowerShell's `>` writes it (review round 94).
  const body = decodeText(shown, bytes).replace(/^\uFEFF/, "");
  // Located (line, column) as every JSON input is. JSON.parse keeps the last of two "severity" keys: a config must
  // say one thing, so a repeated key is refused too.
  const json = parseJsonInput(shown, body);
  return parseConfig(json, shown);
}

/** The config's acknowledgements in the engine's shape, each naming where it was given. */
export function configAcknowledgements(config: BlastwallConfig, source: string = DEFAULT_CONFIG_FILE): Acknowledgement[] {
  return (config.acknowledgements ?? []).map((a) => ({ ...a, source }));
}
