import type { Finding } from "../../lib/engine/findings";
import type { Report } from "../../lib/report/types";
import { renderMermaid } from "../../lib/report/mermaid";

const finding = (principal: string, over: Partial<Finding> = {}): Finding => ({
  ruleId: "agent-transitive-destroy",
  severity: "error",
  principal,
  resource: "aws_iam_role_policy.p",
  actions: ["ec2:DeleteVolume"],
  // An agent's finding opens its path with the agent, as every agent rule's does.
  evidence: [{ step: "principal", address: principal, detail: "role is an AI agent" }, { step: "assume-role", address: "aws_iam_role.deployer", detail: "sts:AssumeRole: trusted" }],
  message: "can delete",
  fix: "remove it",
  file: "cdk.tf.json",
  ...over,
});
const render = (...findings: Finding[]): string =>
  renderMermaid({ tool: "check", findings, summary: { errors: findings.length, warnings: 0, principals: 2, agentPrincipals: 2, resources: 1, files: 1, acknowledged: 0 } } as Report);

describe("--format mermaid is one diagram, whatever the number of failing agents", () => {
  test("two failing agents: one flowchart, one subgraph each, a shared role drawn once per agent", () => {
    const out = render(finding("aws_iam_role.a"), finding("aws_iam_role.b", { file: "other/cdk.tf.json" }));
    const lines = out.trimEnd().split("\n");
    expect(lines.filter((l) => /flowchart/.test(l))).toEqual(["flowchart LR"]);
    expect(lines[0]).toBe("flowchart LR");
    expect(lines.filter((l) => /^ {2}subgraph /.test(l))).toEqual([
      '  subgraph s0["aws_iam_role.a in cdk.tf.json"]',
      '  subgraph s1["aws_iam_role.b in other/cdk.tf.json"]',
    ]);
    expect(lines.filter((l) => l === "  end")).toHaveLength(2);
    // Node ids are unique in the one diagram: the deployer each agent reaches is a node of its own subgraph.
    const declared = lines.filter((l) => /^ {4}(n|leaf)\d+/.test(l)).map((l) => /^ {4}(\w+)/.exec(l)![1]);
    expect(new Set(declared).size).toBe(declared.length);
    expect(lines.filter((l) => l.includes('["aws_iam_role.deployer"]'))).toHaveLength(2);
  });

  test("control: one failing agent keeps its nodes and edges (n0, n1, leaf0)", () => {
    const out = render(finding("aws_iam_role.a"));
    expect(out).toMatch(/^ +n0\["aws_iam_role\.a \(agent\)"\]$/m);
    expect(out).toMatch(/^ +n1\["aws_iam_role\.deployer"\]$/m);
    expect(out).toMatch(/^ {2}n0 -->\|"sts:AssumeRole"\| n1$/m);
    expect(out).toMatch(/^ {2}n1 -->\|"aws_iam_role_policy\.p"\| leaf0$/m);
  });
});
