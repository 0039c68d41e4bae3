import type { Finding } from "../../lib/engine/findings";
import type { Report } from "../../lib/report/types";
import { mermaidText, renderMermaid } from "../../lib/report/mermaid";

const INIT = "%%{init: {'theme':'base','themeVariables':{'primaryTextColor':'#ffffff'}}}%%";

const finding = (over: Partial<Finding> = {}): Finding => ({
  ruleId: "agent-destroy-right",
  severity: "error",
  principal: "aws_iam_role.agent",
  resource: "aws_iam_role_policy.p",
  actions: ["ec2:DeleteVolume"],
  // An agent's finding opens its path with the agent, as every agent rule's does.
  evidence: [
    { step: "principal", address: "aws_iam_role.agent", detail: "role agent is an AI agent" },
    { step: "assume-role", address: "aws_iam_role.deployer", detail: "sts:AssumeRole: trusted" },
  ],
  message: "can delete",
  fix: "remove it",
  file: "cdk.tf.json",
  ...over,
});
const render = (...findings: Finding[]): string =>
  renderMermaid({ tool: "check", findings, summary: { errors: findings.length, warnings: 0, principals: 1, agentPrincipals: 1, resources: 1, files: 1, acknowledged: 0 } } as Report);

// What a line of the diagram may be: the header, a subgraph's title or end, a node in it, or an edge.
const STATEMENT = /^(flowchart LR|  subgraph s\d+\[".*"\]|  end|    (n\d+|leaf\d+).*|  (n\d+|leaf\d+) -->.*|)$/;

describe("mermaid output", () => {
  test("a line break in a file name or address stays inside its subgraph title and cannot add a directive", () => {
    const out = render(
      finding({ file: `cdktf.out/stacks/prod\n${INIT}\n%%/cdk.tf.json`, principal: `aws_iam_role.agent\r\nclick n0 "https://example.invalid"` }),
    );
    expect(out).not.toContain("%%{");
    expect(out).not.toMatch(/[\r\u2028\u2029]/);
    for (const line of out.split("\n")) expect(line).toMatch(STATEMENT);
    expect(out.split("\n").filter((l) => l.includes("subgraph"))).toHaveLength(1);
  });

  test("an edge's label is its detail up to the first `: `, colons of its own kept (a relayed right on an ARN, two rights)", () => {
    const relayed = { step: "hijack", address: "aws_iam_role.sfn", detail: "events:PutEvents on arn:aws:events:eu-central-1:111111111111:event-bus/default: it puts an event" };
    const two = { step: "hijack", address: "aws_iam_role.sched", detail: "iam:PassRole + scheduler:CreateSchedule: it makes a schedule" };
    const out = render(finding({ evidence: [finding().evidence[0], relayed] as Finding["evidence"] }), finding({ evidence: [finding().evidence[0], two] as Finding["evidence"] }));
    expect(out).toContain('-->|"events:PutEvents on arn:aws:events:eu-central-1:111111111111:event-bus/default"|');
    expect(out).toContain('-->|"iam:PassRole + scheduler:CreateSchedule"|');
    // Control: a bare action, as before.
    expect(render(finding())).toContain('-->|"sts:AssumeRole"|');
  });

  test("labels cannot close their quotes, brackets or edge text, nor carry HTML or a Markdown fence", () => {
    const hostile = 'x"] --> evil["<img src=x onerror=alert(1)>"]|```|#quot;%%{init}%%\u2028\u202e';
    const out = render(finding({ principal: hostile, resource: hostile, actions: [hostile], evidence: [{ step: "principal", address: hostile, detail: hostile }, { step: "assume-role", address: hostile, detail: hostile }] }));
    for (const line of out.split("\n")) {
      expect(line).toMatch(STATEMENT);
      if (!line.startsWith("  ") || line === "  end") continue;
      // Each label is one quoted string holding only name characters and entity codes.
      for (const label of line.match(/"[^"]*"/g) ?? []) expect(label).toMatch(/^"([\p{L}\p{N} _.,:/*@=+()-]|#\d+;)*"$/u);
      expect(line.replace(/"[^"]*"/g, '""')).toMatch(/^( {2}subgraph s\d+\[""\]| {4}(n\d+\[""\]|n\d+\{\{""\}\}|leaf\d+\(\[""\]\))| {2}(n\d+|leaf\d+) -->\|""\| (n\d+|leaf\d+))$/);
    }
    expect(out).not.toMatch(/[`<\u2028\u202e]|%%\{/);
  });

  test("entity codes stand for the characters they replace", () => {
    expect(mermaidText('a"b#c<d>e`f%g|h')).toBe("a#34;b#35;c#60;d#62;e#96;f#37;g#124;h");
    expect(mermaidText("aws_iam_role.agent (agent), ec2:Delete*")).toBe("aws_iam_role.agent (agent), ec2:Delete*");
    expect(mermaidText("a\nb\u0000")).toBe("a#92;nb#92;u0000");
  });

  test("a NUL in an address does not move text between the agent and the file", () => {
    const out = render(finding({ principal: "aws_iam_role.a\u0000b", file: "x.tf.json" }));
    expect(out.split("\n")[1]).toBe('  subgraph s0["aws_iam_role.a#92;u0000b in x.tf.json"]');
  });
});
