/**
 * Reads and validates `blastwall.json` against policies/blastwall-config.schema.json. Every problem a user must
 * fix is an InputError naming the file, the key (`acknowledgements[0].reason`) and what is wrong, on one line.
 */
import { MIN_REASON, visibleLength } from "../engine/text";
import { placeholderReason, REASON_ADVICE } from "../engine/reason";
import { decodeText, parseJsonInput } from "../engine/terraform/read-file";
import { existsSync, lstatSync, realpathSync, statSync } from "fs";
import { INPUT_LIMITS, readInputFile, readProblem } from "../engine/input-file";
import { dirname, isAbsolute, join, relative, resolve, sep } from "path";
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
      // The entry a changed finding suggests leaves its reason empty for the reviewer to write (acknowledgements.ts).
      if (/^\/acknowledgements\/\d+\/reason$/.test(e.instancePath) && e.data === "") {
        return `${keyPath(e.instancePath)}: is empty: write why the finding is acceptable as it is now, in at least ${String(p.limit)} characters (an entry blastwall suggests for a finding that changed since its review leaves the reason for the reviewer to write)`;
      }
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
      if (/\/acknowledgements\/\d+\/grants$/.test(e.instancePath)) {
        return `${keyPath(e.instancePath)}: must be the 16 hex digits of a finding's grants, as the report shows them (got ${JSON.stringify(e.data)})`;
      }
      if (/^\/agents\/names\/\d+$/.test(e.instancePath)) return agentNameProblem(keyPath(e.instancePath), String(e.data));
      if (/^\/organisationIssuers\/\d+$/.test(e.instancePath)) {
        return `${keyPath(e.instancePath)}: must be one issuer URL as tokens carry it (https://acme.okta.com/oauth2/default), with no blank, *, ? or \${...}: it matches one issuer exactly (got ${JSON.stringify(e.data)})`;
      }
      return `${keyPath(e.instancePath)}: must match ${String(p.pattern)} (got ${JSON.stringify(e.data)})`;
    default:
      return `${keyPath(e.instancePath)}: ${e.message ?? "is invalid"}`;
  }
}

/**
 * Why an `agents.names` entry is refused: the glob is matched against bare IAM names, which never hold `/` or `:`, so
 * an ARN or a path (what people copy from the console) selects nothing and the agent it meant goes unjudged.
 */
function agentNameProblem(key: string, entry: string): string {
  const at = entry.lastIndexOf("/");
  const tail = at >= 0 ? entry.slice(at + 1) : entry.slice(entry.lastIndexOf(":") + 1);
  // Only a name the entry itself holds is suggested: a stock example (`ai-*`) would select other roles than the one meant.
  const suggestion = /^[A-Za-z0-9_+=,.@*?-]+$/.test(tail) ? `: use ${JSON.stringify(tail)}` : ": write the principal's name as IAM shows it";
  const what = /[/:]/.test(entry) ? "matches names, not ARNs or paths" : "matches names, which hold only letters, digits and _+=,.@- (and the globs * and ?)";
  return (
    `${key}: ${JSON.stringify(entry)} can match no principal: agents.names ${what}${suggestion} ` +
    `(IAM role and user names and Identity Center permission set names hold only letters, digits and _+=,.@-; a role under a path is matched by its name alone, and one under /agents/ is an agent anyway)`
  );
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
    const placeholder = placeholderReason(a.reason);
    if (placeholder !== undefined) {
      throw new InputError(file, `acknowledgements[${i}].reason: ${JSON.stringify(a.reason)} is a placeholder, not a reason (${placeholder}): a reviewer signs the acknowledgement off by it; ${REASON_ADVICE}`);
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
  // An issuer that gives a token to anyone whatever its owner sets cannot be the organisation's own: listing it would
  // turn the findings of every door it opens into passes (red-team round 159, F1).
  if (config.organisationIssuers?.length) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { publicIssuer } = require("../engine/reach/identity-pools") as typeof import("../engine/reach/identity-pools");
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { issuerKey } = require("../engine/organisation-issuers") as typeof import("../engine/organisation-issuers");
    config.organisationIssuers.forEach((entry, i) => {
      const key = issuerKey(entry);
      const why = key === undefined ? undefined : publicIssuer(key);
      if (why !== undefined) throw new InputError(file, `organisationIssuers[${i}]: ${JSON.stringify(entry)} cannot be declared your organisation's own: ${why}; remove it`);
    });
  }
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

/** The config a command runs with, and where it came from as reports name it. */
export interface ChosenConfig {
  readonly config: BlastwallConfig;
  /** The file as the user wrote it (`--config`), `blastwall.json` for the working directory's; null: no config. */
  readonly source: string | null;
}

/** `p` is `dir` or lies inside it. */
function within(p: string, dir: string): boolean {
  const r = relative(dir, p);
  return r === "" || (r !== ".." && !r.startsWith(`..${sep}`) && !isAbsolute(r));
}

// lstat, not exists: a link that leads nowhere, or a file blastwall may not read, is still a file someone wrote.
function present(p: string): boolean {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

function realOr(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return resolve(p);
  }
}

/**
 * The nearest blastwall.json at or above a checked path (its folder, or a file's folder, then each parent). The walk
 * ends at the working directory (`cwds`, as written and resolved) when the path lies inside it, whose own file is
 * the one a run reads anyway; otherwise at the repository root (the first folder holding `.git`, a folder or a
 * worktree's file), whose file is still looked at, or at the filesystem root. Undefined for none, and for a path
 * that cannot be read: reading it fails later with its own error.
 */
export function nearestConfigAbove(path: string, cwds: readonly string[]): string | undefined {
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    return undefined;
  }
  const start = isDir ? path : dirname(path);
  const inside = cwds.some((c) => within(start, c));
  for (let d = start; ; d = dirname(d)) {
    if (inside && cwds.includes(d)) return undefined;
    const file = join(d, DEFAULT_CONFIG_FILE);
    if (present(file)) return file;
    if ((!inside && present(join(d, ".git"))) || dirname(d) === d) return undefined;
  }
}

/** A blastwall.json a run would drop: the file, and the checked path (real, as given) it was found from. */
interface Dropped {
  readonly file: string;
  readonly checked: string;
  readonly given: string;
  readonly isDir: boolean;
}

/**
 * The config of a `check`, `gate` or `approve` run. `--config FILE` is read as given. Without it, only the working
 * directory's blastwall.json is ever read; but when another blastwall.json lies at or above a checked path (see
 * `nearestConfigAbove`), the run is refused: a monorepo's CI runs at the repository root, and silently dropping
 * `infra/blastwall.json` (its agent selectors, its protected resources) passed what the synth gate, run in `infra/`,
 * fails (red-team rounds 98 and 99). The walk starts from where the path really is (links resolved: a link to
 * `infra/cdktf.out` belongs to `infra`) and from where it is written (a link inside `infra/` leading elsewhere still
 * belongs to `infra`), and goes up past any folder name (cdktf's `output` is an option, a root module may sit in
 * `infra/envs/prod`). Nor is the file found read instead: which config applies to a security gate is said on the
 * command line, never guessed from where the inputs lie (a config may also loosen checks, with acknowledgements and
 * severities, and two outputs may each hold one).
 */
export function chooseConfig(file: string | undefined, inputs: readonly string[], cwd: string, command: string): ChosenConfig {
  if (file !== undefined) return { config: loadConfig(file, cwd), source: file };
  const here = join(cwd, DEFAULT_CONFIG_FILE);
  const hereExists = present(here);
  const cwds = [...new Set([resolve(cwd), realOr(cwd)])];
  const found: Dropped[] = [];
  for (const input of inputs) {
    const given = resolve(cwd, input);
    const real = realOr(given);
    for (const checked of real === given ? [real] : [real, given]) {
      const candidate = nearestConfigAbove(checked, cwds);
      if (candidate === undefined || realOr(candidate) === realOr(here) || found.some((f) => realOr(f.file) === realOr(candidate))) continue;
      found.push({ file: candidate, checked, given: input, isDir: statSync(checked).isDirectory() });
    }
  }
  if (found.length > 0) throw besideError(found, hereExists, cwd, command);
  return { config: loadConfig(undefined, cwd), source: hereExists ? DEFAULT_CONFIG_FILE : null };
}

/** The refusal of a run that would drop a blastwall.json found from what it checks: what was found, what would apply. */
function besideError(found: readonly Dropped[], hereExists: boolean, cwd: string, command: string): InputError {
  // As --config takes it: relative to the working directory.
  const shown = (p: string) => {
    const r = relative(cwd, p);
    return r === "" ? "." : isAbsolute(r) ? p : r;
  };
  const where = (f: Dropped) => {
    const folder = dirname(f.file);
    const how = f.isDir && folder === f.checked ? "in" : folder === dirname(f.checked) ? "beside" : "above";
    // Found from where a link leads: name both, the link as written and the real path the walk started from.
    const via = resolve(cwd, f.given) === f.checked ? "" : ` (where ${f.given} leads)`;
    return `${how} ${shown(f.checked)}${via}`;
  };
  const instead = hereExists ? `read ./${DEFAULT_CONFIG_FILE} of the working directory instead` : `run with no config (the working directory holds no ${DEFAULT_CONFIG_FILE})`;
  const [first, ...more] = found;
  if (more.length === 0) {
    return new InputError(
      shown(first.file),
      `sits ${where(first)}, but no --config was given, so blastwall ${command} would ${instead} and drop this one; ` +
        `pass --config ${shown(first.file)}` +
        (hereExists ? ` (or --config ${DEFAULT_CONFIG_FILE} to keep the working directory's)` : "") +
        ` to say which config applies`,
    );
  }
  return new InputError(
    shown(first.file),
    `sits ${where(first)}, and ${more.map((f) => `${shown(f.file)} ${where(f)}`).join(", ")}; no --config was given, so blastwall ${command} ` +
      `would ${instead} and drop them; one run reads one config: check each with its own --config in a run of its own ` +
      `(--config ${shown(first.file)} ${first.given}), or name the one config for all with --config`,
  );
}

/** The config's acknowledgements in the engine's shape, each naming where it was given. */
export function configAcknowledgements(config: BlastwallConfig, source: string = DEFAULT_CONFIG_FILE): Acknowledgement[] {
  return (config.acknowledgements ?? []).map((a) => ({ ...a, source }));
}
