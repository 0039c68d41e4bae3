import { createHash } from "crypto";
import { sep } from "path";
import type { Finding, RuleMeta } from "../engine/findings";
import type { Report } from "./types";
import { display } from "./display";
import { findingLocation, sortFindings } from "./summarize";

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
  const only = ack.actions ? `, for ${ack.actions.join(", ")} only` : "";
  return {
    kind: ack.source.startsWith(IN_CODE) ? "inSource" : "external",
    justification: display(`${ack.reason} (acknowledged in ${ack.source}${until}${only})`),
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

/** The artifact a finding points at: the file and line of the block to edit (see `findingLocation`). */
function locate(f: Finding): { uri: string; line: number } {
  const at = findingLocation(f);
  return { uri: artifactUri(at.path), line: at.line ?? 1 };
}

/**
 * What a finding says, without what varies from run to run or with the rest of the stack: parenthesized asides
 * (action lists, counts, construct paths, what else the stack holds), numbers and absolute paths go.
 */
export function messageSkeleton(message: string): string {
  let s = message;
  for (let prev = ""; prev !== s; ) {
    prev = s;
    s = s.replace(/\([^()]*\)/g, "");
  }
  return s
    .replace(/(^|\s)(\/|[A-Za-z]:\\|\\\\)\S*/g, "$1<path>")
    .replace(/\d+/g, "#")
    .replace(/\s+/g, " ")
    .trim();
}

/**
 * The finding's identity for code scanning, which shows one alert per fingerprint: the rule, the stack file, the
 * principal and resource, and what the finding says with the volatile parts out (messageSkeleton). One rule may
 * report two findings on the same principal and resource (an overwrite of a bucket in the stack as an error, and of
 * stores outside it as a warning, review round 94): the message tells them apart. Hashed, so the parts (a JSON
 * array: a `|` in an address cannot make two findings look alike) keep no length limit.
 */
export function findingFingerprint(f: Finding, file: string): string {
  const parts = [f.ruleId, file.split(SEPARATOR).join("/"), f.principal, f.resource, messageSkeleton(f.message)];
  return createHash("sha256").update(JSON.stringify(parts)).digest("hex").slice(0, 32);
}

/** SARIF 2.1.0 for GitHub code scanning: one result per finding, acknowledged ones as suppressions. */
export function renderSarif(report: Report, metas: ReadonlyMap<string, RuleMeta>, version: string): string {
  const findings = sortFindings(report.findings);
  const ids = [...new Set(findings.map((f) => f.ruleId))].sort();
  const rules = ids.map((id) => {
    const m = metas.get(id);
    return {
      id,
      name: id,
      shortDescription: { text: shown(m?.title ?? id) },
      fullDescription: { text: shown(m?.why ?? id) },
      help: { text: shown(m?.fix ?? "See the finding's fix.") },
      defaultConfiguration: { level: m?.severity ?? "error" },
    };
  });
  const results = findings.map((f) => {
    const { uri, line } = locate(f);
    return {
      ruleId: f.ruleId,
      ruleIndex: ids.indexOf(f.ruleId),
      level: f.severity,
      message: { text: shown(`${f.message} Fix: ${f.fix}`) },
      locations: [
        {
          physicalLocation: { artifactLocation: { uri }, region: { startLine: line } },
          logicalLocations: [{ fullyQualifiedName: f.principal, kind: "resource" }],
        },
      ],
      // The same principal and resource in two stacks are two findings, and so are two findings of one rule there.
      partialFingerprints: { "blastwallFinding/v3": findingFingerprint(f, f.file) },
      properties: { principal: f.principal, resource: f.resource, actions: f.actions, constructPath: f.constructPath },
      ...(f.acknowledged ? { suppressions: [suppression(f.acknowledged)] } : {}),
    };
  });
  const sarif = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [{ tool: { driver: { name: "blastwall", version, informationUri: "https://www.npmjs.com/package/blastwall", rules } }, results }],
  };
  return JSON.stringify(sarif, null, 2) + "\n";
}
