import type { Finding } from "../engine/findings";
import { EDGE_STEPS } from "../engine/reach/graph";
import type { Report } from "./types";
import { display } from "./display";
import { reachText, sortFindings } from "./summarize";
import { UNKNOWN_PREFIX } from "../engine/reach/types";

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

/** The label an edge's detail begins with: up to its first `: `; a detail with none, as the old reading cut it. */
function labelOf(detail: string): string {
  const i = detail.indexOf(": ");
  return (i >= 0 ? detail.slice(0, i) : detail.split(":").slice(0, 2).join(":")).trim();
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
 * Whether a finding is about an agent: agent findings open their path with the agent (the `principal` step). Other
 * findings that reach destroy rights name a policy, a resource or a principal that may be an agent
 * (unresolved-attachment, a resource policy open to everyone, tags blastwall cannot read): no agent subgraph for them.
 */
export function isAgentFinding(f: Finding): boolean {
  return f.evidence[0]?.step === "principal";
}

/** The words the text report uses for a principal blastwall cannot see (the detail of the `unknown` step), not its id. */
function unknownLabels(findings: readonly Finding[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const f of findings) {
    for (const e of f.evidence) {
      if (e.step === "unknown" && e.address.startsWith(UNKNOWN_PREFIX) && !out.has(e.address)) out.set(e.address, e.detail.replace(/: possibly every action$/, ""));
    }
  }
  return out;
}

/**
 * The reach graph of one failing agent as a subgraph of the one diagram: principals as nodes, edges labelled with the
 * right used, destroy rights as leaves. Ids are unique in the diagram, and a principal two agents reach is drawn in
 * each agent's subgraph. `agent` false: the findings of a policy or resource that is no agent, drawn from it, which
 * is not called an agent.
 */
function agentSubgraph(from: string, findings: readonly Finding[], title: string, index: number, ids: Ids, agent = true): string[] {
  const id = (address: string) => {
    const key = `${index}\u0000${address}`;
    let v = ids.nodes.get(key);
    if (!v) ids.nodes.set(key, (v = `n${ids.nodes.size}`));
    return v;
  };
  const unknown = unknownLabels(findings);
  const nodes = new Map<string, string>();
  const edges = new Set<string>();
  nodes.set(id(from), `${id(from)}[${q(agent ? `${from} (agent)` : from)}]`);
  for (const f of findings) {
    let current = from;
    for (const e of f.evidence) {
      if (!EDGES.has(e.step)) continue;
      // An edge's detail is `LABEL: why` (edge.ts), and a label may hold colons of its own, none followed by a space
      // (`iam:PassRole + scheduler:CreateSchedule`, `sqs:SendMessage on arn:aws:sqs:eu-west-1:111111111111:jobs`).
      const label = labelOf(e.detail);
      const shape = e.address.startsWith(UNKNOWN_PREFIX)
        ? `${id(e.address)}{{${q(unknown.get(e.address) ?? "principals whose rights blastwall cannot see")}}}`
        : `${id(e.address)}[${q(e.address)}]`;
      nodes.set(id(e.address), shape);
      edges.add(`  ${id(current)} -->|${q(label)}| ${id(e.address)}`);
      current = e.address;
    }
    const leaf = `leaf${ids.leaves++}`;
    const reached = reachText(f.actions, 3);
    const what = f.acknowledged ? `acknowledged: ${reached}` : reached;
    nodes.set(leaf, `${leaf}([${q(what || f.ruleId)}])`);
    const via = f.resource !== current && !f.resource.startsWith(UNKNOWN_PREFIX) ? f.resource : f.ruleId;
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
 * findings, titled with the agent and its file, so a reviewer can look instead of read. An error finding that reaches
 * destroy rights but is about no agent (a policy whose role blastwall cannot resolve) gets a subgraph of its own,
 * titled with its rule, its address and its file, and no node called an agent.
 */
export function renderMermaid(report: Report): string {
  // Keyed by file, then principal: any character may be in either, so none can serve as a separator.
  const byFile = new Map<string, { agents: Map<string, Finding[]>; others: Map<string, Finding[]> }>();
  // In the reports' order, not the engine's, which follows the order of keys in the input.
  for (const f of sortFindings(report.findings)) {
    // Only findings about rights reached are drawn; setup findings (a missing boundary) have no actions.
    if (f.severity !== "error" || f.acknowledged || f.actions.length === 0) continue;
    let file = byFile.get(f.file);
    if (!file) byFile.set(f.file, (file = { agents: new Map(), others: new Map() }));
    const group = isAgentFinding(f) ? file.agents : file.others;
    group.set(f.principal, [...(group.get(f.principal) ?? []), f]);
  }
  // The config the run was judged with, as a comment (escaped like every name, so it cannot end the comment).
  const config = report.config === undefined ? "" : `%% config: ${report.config === null ? "none" : mermaidText(report.config)}\n`;
  if (byFile.size === 0) return "%% blastwall: no failing agent, nothing to draw\n" + config;
  const lines = ["flowchart LR"];
  const ids: Ids = { nodes: new Map(), leaves: 0 };
  let index = 0;
  for (const [file, { agents, others }] of byFile) {
    for (const [agent, fs] of agents) lines.push(...agentSubgraph(agent, fs, `${agent} in ${file}`, index++, ids));
    for (const [from, fs] of others) {
      const rules = [...new Set(fs.map((f) => f.ruleId))].join(", ");
      lines.push(...agentSubgraph(from, fs, `${rules}: ${from} in ${file}`, index++, ids, false));
    }
  }
  return lines.join("\n") + "\n" + config;
}
