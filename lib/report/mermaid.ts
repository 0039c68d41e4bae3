import type { Finding } from "../engine/findings";
import { EDGE_STEPS } from "../engine/reach/graph";
import type { Report } from "./types";
import { listActions } from "./summarize";

const EDGES = new Set<string>(EDGE_STEPS);

function q(s: string): string {
  return `"${s.replace(/"/g, "'")}"`;
}

/** The reach graph of one failing agent: principals as nodes, edges labelled with the right used, destroy rights as leaves. */
export function agentGraph(agent: string, findings: readonly Finding[]): string {
  const ids = new Map<string, string>();
  const id = (key: string) => {
    let v = ids.get(key);
    if (!v) ids.set(key, (v = `n${ids.size}`));
    return v;
  };
  const nodes = new Map<string, string>();
  const edges = new Set<string>();
  nodes.set(id(agent), `${id(agent)}[${q(`${agent} (agent)`)}]`);
  findings.forEach((f, i) => {
    let current = agent;
    for (const e of f.evidence) {
      if (!EDGES.has(e.step)) continue;
      const label = e.detail.split(":").slice(0, 2).join(":").trim();
      const shape = e.address.startsWith("unknown:") ? `${id(e.address)}{{${q(e.address.slice(8))}}}` : `${id(e.address)}[${q(e.address)}]`;
      nodes.set(id(e.address), shape);
      edges.add(`  ${id(current)} -->|${q(label)}| ${id(e.address)}`);
      current = e.address;
    }
    const leaf = `leaf${i}`;
    const what = f.acknowledged ? `acknowledged: ${listActions(f.actions, 3)}` : listActions(f.actions, 3);
    nodes.set(leaf, `${leaf}([${q(what || f.ruleId)}])`);
    const via = f.resource !== current && !f.resource.startsWith("unknown:") ? f.resource : f.ruleId;
    edges.add(`  ${id(current)} -->|${q(via)}| ${leaf}`);
  });
  return ["flowchart LR", ...[...nodes.values()].map((n) => `  ${n}`), ...edges].join("\n");
}

/** `--format mermaid`: one reach graph per agent with error findings, so a reviewer can look instead of read. */
export function renderMermaid(report: Report): string {
  const byAgent = new Map<string, Finding[]>();
  for (const f of report.findings) {
    // Only findings about rights reached are drawn; setup findings (a missing boundary) have no actions.
    if (f.severity !== "error" || f.acknowledged || f.actions.length === 0) continue;
    const key = `${f.file}\u0000${f.principal}`;
    byAgent.set(key, [...(byAgent.get(key) ?? []), f]);
  }
  if (byAgent.size === 0) return "%% blastwall: no failing agent, nothing to draw\n";
  return (
    [...byAgent.entries()]
      .map(([key, fs]) => {
        const [file, agent] = key.split("\u0000");
        return `%% ${agent} in ${file}\n${agentGraph(agent, fs)}\n`;
      })
      .join("\n")
  );
}
