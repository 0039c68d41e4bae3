import { createHash } from "crypto";
import { existsSync } from "fs";
import { dirname, isAbsolute, join, relative, resolve, sep } from "path";
import { pathToFileURL } from "url";
import type { Evidence, Finding, RuleMeta } from "../engine/findings";
import type { Report } from "./types";
import { display } from "./display";
import { findingLocation, sortFindings } from "./summarize";
import { compareText } from "../engine/text";
import { acceptedScope } from "../config/acknowledgements";

/**
 * Text a code-scanning page shows. Besides control characters, SARIF reads `[text](target)` in a plain-text
 * message as a link; a bracket escaped with a backslash is a bracket (SARIF 2.1.0, 3.11.6).
 */
function shown(s: string): string {
  return display(s).replace(/[[\]]/g, (b) => `\\${b}`);
}

// How `inCodeAcknowledgements` (lib/engine/analyze.ts) names an acknowledgement written next to a construct: that
// one lives in the source, one from blastwall.json outside it, and code scanning tells the two apart.
const IN_CODE = "construct ";

function suppression(ack: NonNullable<Finding["acknowledged"]>) {
  const until = ack.expires ? `, until ${ack.expires}` : "";
  return {
    kind: ack.source.startsWith(IN_CODE) ? "inSource" : "external",
    justification: display(`${ack.reason} (acknowledged in ${ack.source}${until}${acceptedScope(ack)})`),
  };
}

const WINDOWS = sep === "\\";
// A backslash separates folders only on Windows; elsewhere it is part of a name, and encoded like any other.
const SEPARATOR = WINDOWS ? /[\\/]+/ : /\/+/;

/**
 * A file path as a URI reference: each segment percent-encoded, so `%70rod`, `a#b` or `x?y` name that folder and
 * not another one, a fragment or a query. Absolute paths become `file:` URIs (on Windows with the drive or UNC host).
 */
export function artifactUri(path: string): string {
  const unc = WINDOWS && /^[\\/]{2}[^\\/]/.test(path);
  const parts = path.split(SEPARATOR);
  const absolute = parts.length > 1 && parts[0] === "";
  const drive = WINDOWS && parts.length > 1 && /^[A-Za-z]:$/.test(parts[0]) ? parts.shift() : undefined;
  const encoded = parts.filter((p, i) => p !== "" || i === parts.length - 1).map(encodeURIComponent).join("/");
  if (unc) return `file://${encoded}`;
  if (drive) return `file:///${drive}/${encoded}`;
  return absolute ? `file:///${encoded}` : encoded;
}

/**
 * The repository root code scanning resolves relative URIs against (GitHub: "relative to the root of the repository
 * analyzed"): the nearest directory from `cwd` up that holds `.git` (a folder, or a file in a worktree or submodule),
 * else `cwd` itself.
 */
export function repositoryRoot(cwd: string): string {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    if (existsSync(join(dir, ".git"))) return dir;
    if (dirname(dir) === dir) return resolve(cwd);
  }
}

/** Where the SARIF's paths are resolved from: paths in findings are relative to `pathsFrom`, URIs to `root`. */
export interface SarifSite {
  /** The directory finding paths are relative to (the process's working directory: lib/cli/check.ts). */
  readonly pathsFrom: string;
  /** The repository root: `%SRCROOT%`. */
  readonly root: string;
}

export const SRCROOT = "%SRCROOT%";

/**
 * A finding's path as code scanning needs it: relative to the repository root, with uriBaseId %SRCROOT%, whatever
 * directory blastwall ran in (`working-directory: infra` in a monorepo, `check ../cdktf.out`: review round 94). A
 * file outside the root is an absolute `file:` URI without a base, never a `..` path into another folder.
 */
export function artifactLocation(path: string, site: SarifSite): { uri: string; uriBaseId?: string } {
  const absolute = resolve(site.pathsFrom, path);
  const rel = relative(site.root, absolute);
  if (rel === "" || rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return { uri: artifactUri(absolute) };
  return { uri: artifactUri(rel), uriBaseId: SRCROOT };
}

/** The artifact a finding points at: the file and line of the block to edit (see `findingLocation`). */
function locate(f: Finding, site: SarifSite): { location: { uri: string; uriBaseId?: string }; line: number } {
  const at = findingLocation(f);
  return { location: artifactLocation(at.path, site), line: at.line ?? 1 };
}

/**
 * The key of `partialFingerprints`: a new one when every fingerprint changes (see docs/UPGRADING.md). A change that gives
 * only some findings new ones keeps it, so that the others keep their alerts and dismissals: statements without a Sid
 * hashed by their digest and `managed_policy_arns` by the ARN kept v4, since every other finding hashes what it did.
 */
export const FINGERPRINT_KEY = "blastwallFinding/v4";

/**
 * Which statements an evidence step names (its `statements`), by what a reviewer gave them and keeps when editing
 * around them: the label of the inline policy block (`inline_policy "name"`, or "" for a document of its own) and the
 * Sid (null for none). Never the index, which moves when a statement is inserted before. A statement without a Sid
 * has nothing else of its own, so it is known by what it says (its `digest`); so is one in an `inline_policy` block
 * without a name, whose label `inline_policy[N]` is a position too. Otherwise two statements without a Sid granting
 * the same actions were told apart only by their order in the report, and inserting or removing one before them moved
 * one's fingerprint, and the dismissal code scanning keeps under it, onto the other. A Sid'd statement hashes the pair
 * v4 always hashed, so its alert keeps its fingerprint.
 */
function statementIdentities(e: Evidence): (string | null)[][] {
  return (e.statements ?? []).map((s) => {
    const id = [s.inlinePolicy ?? "", s.sid ?? null];
    const positional = s.sid === undefined || /^inline_policy\[\d+\]$/.test(s.inlinePolicy ?? "");
    // A reference built by hand may have no digest; it keeps the pair it always hashed.
    return positional && s.digest !== undefined ? [...id, s.digest] : id;
  });
}

/**
 * An evidence step's address as the fingerprint reads it. An attachment through a role's `managed_policy_arns` is
 * addressed by its place in the list (`aws_iam_role.agent.managed_policy_arns[1]`), which moves when an ARN before it
 * is removed: the policy it attaches (its ARN, or its address in the stack) names it instead.
 */
function stepAddress(e: Evidence): string {
  const listed = /^(.*\.managed_policy_arns)\[\d+\]$/.exec(e.address);
  return listed && e.attaches !== undefined ? `${listed[1]}[${JSON.stringify(e.attaches)}]` : e.address;
}

/**
 * The finding's identity for code scanning, which shows one alert per fingerprint: the rule, the stack file, the
 * principal and resource, its actions (sorted), and along its evidence path each step's kind, address and the
 * statements it names (by Sid or inline policy name, or by what they say: `statementIdentities`). One rule may report two findings on the same principal and
 * resource: an overwrite of a bucket in the stack as an error and of stores outside it as a warning (review round 94),
 * two statements of one policy or two `inline_policy` blocks of one role, each granting its own destroy right
 * (red-team round 121, where code scanning merged them into one alert, and dismissing it dismissed both). Hashed, so
 * the parts (a JSON array: a `|` in an address cannot make two findings look alike) keep no length limit.
 */
export function findingFingerprint(f: Finding, file: string): string {
  // What the finding is about, not how it is worded: never a message or a step's detail beyond the statement's names,
  // so rewording a rule's message in a later release does not reopen every alert.
  const path = f.evidence.map((e) => [e.step, stepAddress(e), ...statementIdentities(e)]);
  const actions = [...f.actions].sort(compareText);
  const parts = [f.ruleId, file.split(SEPARATOR).join("/"), f.principal, f.resource, actions, path];
  return createHash("sha256").update(JSON.stringify(parts)).digest("hex").slice(0, 32);
}

/**
 * Each finding's fingerprint, none shared: two findings still alike in all `findingFingerprint` hashes (one statement
 * written twice in a policy; two statements of one policy with one Sid) get the first one's, then the same hashed with
 * how many came before, in the report's order, which is total (`sortFindings`). For the second kind that order is
 * still a position: removing one may hand its fingerprint to the other.
 */
function uniqueFingerprints(fps: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return fps.map((fp) => {
    const n = seen.get(fp) ?? 0;
    seen.set(fp, n + 1);
    return n === 0 ? fp : createHash("sha256").update(JSON.stringify([fp, n])).digest("hex").slice(0, 32);
  });
}

/**
 * GitHub's `security-severity` (a score as a string: over 9.0 critical, so 9.5, not 9.0; 7.0 to 8.9 high, 4.0 to 6.9 medium): an error
 * about rights an agent holds or can reach (destroy, escalation, the categories "agent-rights" and "reach") is
 * critical; any other error (a protection missing, input blastwall cannot read, a plan change) high; a warning medium.
 */
export function securitySeverity(meta: Pick<RuleMeta, "severity" | "category"> | undefined): string {
  if (meta?.severity === "warning") return "5.0";
  // A rule the run does not describe is counted as the worst kind, as anything blastwall cannot tell is.
  return meta === undefined || meta.category === "agent-rights" || meta.category === "reach" ? "9.5" : "7.5";
}

/** Each line of `s` as `show` prints it: a rule's own line breaks (the route list in its details) stay line breaks. */
const byLine = (s: string, show: (line: string) => string) => s.trim().split("\n").map(show).join("\n");

/**
 * A rule's help, which code scanning shows beside its alerts (help.markdown where there is one, else help.text), under
 * the title and why it shows at the top (shortDescription, fullDescription): the long account of what the rule covers
 * (`details`, which no other report prints), then its fix, as docs/rules.md renders them.
 */
function ruleHelp(m: RuleMeta | undefined): { text: string; markdown: string } {
  if (m === undefined) return { text: "See the finding's fix.", markdown: "See the finding's fix." };
  const details = m.details?.trim() ? m.details : undefined;
  return {
    text: [...(details ? [`In detail:\n${byLine(details, shown)}`] : []), `Fix: ${byLine(m.fix, shown)}`].join("\n\n"),
    markdown: [...(details ? [`*In detail:*\n\n${byLine(details, display)}`] : []), `*Fix:* ${byLine(m.fix, display)}`].join("\n\n"),
  };
}

/** SARIF 2.1.0 for GitHub code scanning: one result per finding, acknowledged ones as suppressions. */
export function renderSarif(report: Report, metas: ReadonlyMap<string, RuleMeta>, version: string, cwd: string = process.cwd()): string {
  const site: SarifSite = { pathsFrom: process.cwd(), root: repositoryRoot(cwd) };
  const findings = sortFindings(report.findings);
  const ids = [...new Set(findings.map((f) => f.ruleId))].sort();
  const rules = ids.map((id) => {
    const m = metas.get(id);
    return {
      id,
      name: id,
      shortDescription: { text: shown(m?.title ?? id) },
      fullDescription: { text: shown(m?.why ?? id) },
      help: ruleHelp(m),
      defaultConfiguration: { level: m?.severity ?? "error" },
      // Shown by code scanning among security alerts, with a severity (see `securitySeverity`).
      properties: { tags: ["security"], "security-severity": securitySeverity(m) },
    };
  });
  // The file as the repository names it, so a run from another directory keeps the fingerprint; the same principal and
  // resource in two stacks are two findings, and so are two findings of one rule there.
  const fps = uniqueFingerprints(findings.map((f) => findingFingerprint(f, artifactLocation(f.file, site).uri)));
  const results = findings.map((f, i) => {
    const { location, line } = locate(f, site);
    return {
      ruleId: f.ruleId,
      ruleIndex: ids.indexOf(f.ruleId),
      level: f.severity,
      message: { text: shown(`${f.message} Fix: ${f.fix}`) },
      locations: [
        {
          physicalLocation: { artifactLocation: location, region: { startLine: line } },
          logicalLocations: [{ fullyQualifiedName: f.principal, kind: "resource" }],
        },
      ],
      partialFingerprints: { [FINGERPRINT_KEY]: fps[i] },
      properties: { principal: f.principal, resource: f.resource, actions: f.actions, constructPath: f.constructPath, ...(f.grants !== undefined ? { grants: f.grants } : {}) },
      ...(f.acknowledged ? { suppressions: [suppression(f.acknowledged)] } : {}),
    };
  });
  const sarif = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name: "blastwall", version, informationUri: "https://www.npmjs.com/package/blastwall", rules } },
        // Where %SRCROOT% lay on this machine (SARIF 2.1.0, 3.14.14), for viewers that open the files; code scanning
        // resolves relative URIs against the repository root itself.
        originalUriBaseIds: { [SRCROOT]: { uri: `${pathToFileURL(site.root).href.replace(/\/?$/, "/")}` } },
        // What the reader should know of the run as a whole (an acknowledgement that matches no stack checked).
        ...((report.notes ?? []).length > 0
          ? { invocations: [{ executionSuccessful: true, toolConfigurationNotifications: (report.notes ?? []).map((n) => ({ level: "warning", message: { text: shown(n) } })) }] }
          : {}),
        results,
        // The config the run was judged with (null: none), so an upload says which blastwall.json it followed.
        ...(report.config !== undefined ? { properties: { config: report.config } } : {}),
      },
    ],
  };
  return JSON.stringify(sarif, null, 2) + "\n";
}
