import type { Finding } from "../engine/findings";
import { EDGE_STEPS } from "../engine/reach/graph";
import type { Report } from "./types";
import { display } from "./display";
import { listActions } from "./summarize";

const EDGES = new Set<string>(EDGE_STEPS);

/**
 * Addresses and file names as Mermaid text. Control characters become visible escapes first (a line break would end
 * the comment or label and start a statement, a `%%{init}%%` directive or a `click` line of the file's choosing);
 * then everything but plain name characters becomes a Mermaid entity code (`#35;`), so no quote, bracket, pipe,
 * `%%`, HTML tag or Markdown fence written in a file can close the text it is in. Mermaid decodes the codes for display.
 */
export function mermaidText(s: string): string {
  return display(s).replace(/[^\p{L}\p{N} _.,:/*@=+()-]/gu, (c) => `#${c.codePointAt(0)};`);
}

function q(s: string): string {
  return `"${mermaidText(s)}"`;
}

/** Node ids of one diagram: made here, never taken from the files, so no address can name or restyle another node. */
interface Ids {
  readonly nodes: Map<string, string>;
  leaves: number;
}

/**
 * The reach graph of one failing agent as a subgraph of the one diagram: principals as nodes, edges labelled with the
 * right used, destroy rights as leaves. Ids are unique in the diagram, and a principal two agents reach is drawn in
 * each agent's subgraph.
 */
function agentSubgraph(agent: string, findings: readonly Finding[], title: string, index: number, ids: Ids): string[] {
  const id = (address: string) => {
    const key = `${index}\u0000${address}`;
    let v = ids.nodes.get(key);
    if (!v) ids.nodes.set(key, (v = `n${ids.nodes.size}`));
    return v;
  };
  const nodes = new Map<string, string>();
  const edges = new Set<string>();
  nodes.set(id(agent), `${id(agent)}[${q(`${agent} (agent)`)}]`);
  for (const f of findings) {
    let current = agent;
    for (const e of f.evidence) {
      if (!EDGES.has(e.step)) continue;
      const label = e.detail.split(":").slice(0, 2).join(":").trim();
      const shape = e.address.startsWith("unknown:") ? `${id(e.address)}{{${q(e.address.slice(8))}}}` : `${id(e.address)}[${q(e.address)}]`;
      nodes.set(id(e.address), shape);
      edges.add(`  ${id(current)} -->|${q(label)}| ${id(e.address)}`);
      current = e.address;
    }
    const leaf = `leaf${ids.leaves++}`;
    const what = f.acknowledged ? `acknowledged: ${listActions(f.actions, 3)}` : listActions(f.actions, 3);
    nodes.set(leaf, `${leaf}([${q(what || f.ruleId)}])`);
    const via = f.resource !== current && !f.resource.startsWith("unknown:") ? f.resource : f.ruleId;
    edges.add(`  ${id(current)} -->|${q(via)}| ${leaf}`);
  }
  return [`  subgraph s${index}[${q(title)}]`, ...[...nodes.values()].map((n) => `    ${n}`), "  end", ...edges];
}

/** The reach graph of one failing agent on its own: one flowchart with the agent's subgraph. */
export function agentGraph(agent: string, findings: readonly Finding[]): string {
  return ["flowchart LR", ...agentSubgraph(agent, findings, agent, 0, { nodes: new Map(), leaves: 0 })].join("\n");
}

/**
 * `--format mermaid`: one flowchart (a Mermaid block renders one diagram) with a subgraph per agent with error
 * findings, titled with the agent and its file, so a reviewer can look instead of read.
 */
export function renderMermaid(report: Report): string {
  // Keyed by file, then agent: any character may be in either, so none can serve as a separator.
  const byFile = new Map<string, Map<string, Finding[]>>();
  for (const f of report.findings) {
    // Only findings about rights reached are drawn; setup findings (a missing boundary) have no actions.
    if (f.severity !== "error" || f.acknowledged || f.actions.length === 0) continue;
    let byAgent = byFile.get(f.file);
    if (!byAgent) byFile.set(f.file, (byAgent = new Map()));
    byAgent.set(f.principal, [...(byAgent.get(f.principal) ?? []), f]);
  }
  if (byFile.size === 0) return "%% blastwall: no failing agent, nothing to draw\n";
  const lines = ["flowchart LR"];
  const ids: Ids = { nodes: new Map(), leaves: 0 };
  let index = 0;
  for (const [file, byAgent] of byFile) {
    for (const [agent, fs] of byAgent) lines.push(...agentSubgraph(agent, fs, `${agent} in ${file}`, index++, ids));
  }
  return lines.join("\n") + "\n";
}
