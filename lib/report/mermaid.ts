import type { Report } from "./types";

/**
 * `--format mermaid`: one reach graph per failing agent, so a reviewer can look instead of read.
 * The graphs are built by the reach analysis; with none, say so rather than print an empty diagram.
 */
export function renderMermaid(report: Report): string {
  const graphs = report.graphs ?? [];
  if (graphs.length === 0) return "%% blastwall: no failing agent, nothing to draw\n";
  return graphs.map((g) => `%% ${g.principal} (${g.file})\n${g.mermaid.trimEnd()}\n`).join("\n");
}
