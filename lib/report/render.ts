import type { Report } from "./types";
import { renderText } from "./text";
import { renderJson } from "./json";
import { renderSarif } from "./sarif";
import { renderMermaid } from "./mermaid";
import { packageVersion } from "./version";

export const FORMATS = ["text", "json", "sarif", "mermaid"] as const;
export type Format = (typeof FORMATS)[number];

export function isFormat(s: string): s is Format {
  return (FORMATS as readonly string[]).includes(s);
}

/** `cwd`: the directory blastwall runs in, from which SARIF finds the repository root its URIs are relative to. */
export function renderReport(report: Report, format: Format, options: { cwd?: string } = {}): string {
  switch (format) {
    case "text":
      return renderText(report);
    case "json":
      return renderJson(report);
    case "sarif":
      return renderSarif(report, new Map((report.rules ?? []).map((m) => [m.id, m])), packageVersion(), options.cwd);
    case "mermaid":
      return renderMermaid(report);
  }
}
