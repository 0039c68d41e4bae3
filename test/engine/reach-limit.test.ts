import { checkStacks } from "../../lib/check/run-check";
import { agentsOf } from "../../lib/check/peer-stacks";
import { buildAnalysis } from "../../lib/engine/analyze";
import { ReachGraph } from "../../lib/engine/reach/graph";
import { MAX_REACH_EDGES, ReachGraphTooLarge } from "../../lib/engine/reach/graph-limit";
import { buildStack } from "../../lib/engine/terraform/stack";
import type { Finding } from "../../lib/engine/findings";

type Obj = Record<string, unknown>;

const ROOT_TRUST = JSON.stringify({ Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::111122223333:root" }, Action: "sts:AssumeRole" }] });
const SERVICE_TRUST = JSON.stringify({ Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] });

/**
 * Red-team round 176, F2, made small: `roles` roles that each trust the account root and may assume `*`, so every role
 * reaches every other (a complete graph); r0 and r1 are agents (path /agents/), r2 can delete buckets, and `lonely`
 * trusts a service only, so no role reaches it. `grants` statements of sts:AssumeRole each make one edge per role.
 */
function completeStack(roles: number, grants = 1): Obj {
  const role: Obj = {};
  const inline: Obj = {};
  for (let i = 0; i < roles; i++) {
    role[`r${i}`] = { name: `r${i}`, assume_role_policy: ROOT_TRUST, ...(i < 2 ? { path: "/agents/" } : {}) };
    const statements: Obj[] = Array.from({ length: grants }, (_, k) => ({ Sid: `Hop${k}`, Effect: "Allow", Action: "sts:AssumeRole", Resource: "*" }));
    if (i === 2) statements.push({ Sid: "Wipe", Effect: "Allow", Action: "s3:DeleteBucket", Resource: "*" });
    inline[`p${i}`] = { role: `\${aws_iam_role.r${i}.name}`, policy: JSON.stringify({ Statement: statements }) };
  }
  role["lonely"] = { name: "lonely", assume_role_policy: SERVICE_TRUST };
  inline["lonely"] = { role: "${aws_iam_role.lonely.name}", policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: "s3:DeleteBucket", Resource: "*" }] }) };
  return { provider: { aws: [{ region: "us-east-1" }] }, resource: { aws_iam_role: role, aws_iam_role_policy: inline } };
}

/** Every edge of every principal of the stack, as the graph holds them with no limit that matters. */
function edgesOf(json: Obj): number {
  const stack = buildStack(json, "complete.tf.json");
  const analysis = buildAnalysis(stack, {});
  const graph = new ReachGraph(stack, analysis);
  return analysis.principals.reduce((n, p) => n + graph.edgesFrom(p.address).length, 0);
}

const run = (json: Obj, maxReachEdges?: number) => checkStacks([buildStack(json, "complete.tf.json")], { config: {}, maxReachEdges }).findings;
const limitFindings = (fs: readonly Finding[]) => fs.filter((f) => /reach graph of complete\.tf\.json is larger than blastwall follows/.test(f.message));
const byRule = (fs: readonly Finding[], rule: string) => fs.filter((f) => f.ruleId === rule && f.severity === "error");

describe("the reach graph's limit on edges (red-team round 176, F2)", () => {
  const json = completeStack(8);
  const total = edgesOf(json);

  test("the complete graph has an edge from every role to every other", () => {
    // 8 roles reach 7 others and `lonely` none; each grant on `*` may also name roles outside the stack.
    expect(total).toBeGreaterThanOrEqual(8 * 7);
    expect(total).toBeLessThan(MAX_REACH_EDGES);
  });

  test("control: at exactly the limit the graph is whole and the findings are those with no limit", () => {
    const usual = run(json);
    const atLimit = run(json, total);
    expect(atLimit).toEqual(usual);
    expect(limitFindings(atLimit)).toEqual([]);
    // Both agents reach r2 and its bucket deletion (a finding per first link).
    expect([...new Set(byRule(atLimit, "agent-transitive-destroy").map((f) => f.principal))].sort()).toEqual(["aws_iam_role.r0", "aws_iam_role.r1"]);
  });

  test("one edge past the limit: every agent is reported as reaching every principal and every right, as an error", () => {
    const fs = run(json, total - 1);
    const limited = limitFindings(fs);
    expect(limited.map((f) => f.principal).sort()).toEqual(["aws_iam_role.r0", "aws_iam_role.r1"]);
    for (const f of limited) {
      expect(f.ruleId).toBe("reach-graph-too-large");
      expect(f.severity).toBe("error");
      expect(f.actions).toEqual(["*"]);
      expect(f.message).toMatch(/9 principal\(s\) \(9 role\(s\)\)/);
      expect(f.message).toMatch(new RegExp(`passed ${total - 1}\\b`));
      expect(f.message).toMatch(/come to act as every principal of the stack, with every right/);
      expect(f.fix).toMatch(/sts:AssumeRole and iam:PassRole on the exact roles/);
      expect(f.fix).toMatch(/trust policies that admit the account root/);
      expect(f.fix).toMatch(/split the stack/);
      expect(f.evidence.map((e) => e.step)).toEqual(["principal", "unknown"]);
    }
    // What the graph was cut short in is not reported: no chain was followed to its end.
    expect(byRule(fs, "agent-transitive-destroy")).toEqual([]);
    // Rules that read no graph still report.
    expect(byRule(fs, "agent-role-boundary").length).toBe(2);
  });

  test("an acknowledgement of agent-reach-unknown for the agent does not cover the limit's finding, a rule of its own", () => {
    const acknowledgements = ["aws_iam_role.r0", "aws_iam_role.r1"].map((principal) => ({ ruleId: "agent-reach-unknown", principal, reason: "roles outside the stack are reviewed by the platform team" }));
    const fs = checkStacks([buildStack(json, "complete.tf.json")], { config: { acknowledgements }, maxReachEdges: total - 1 }).findings;
    const limited = limitFindings(fs);
    expect(limited.length).toBe(2);
    expect(limited.every((f) => f.ruleId === "reach-graph-too-large" && f.severity === "error" && !f.acknowledged)).toBe(true);
  });

  test("one principal with many grants is stopped as its edges are made, not after", () => {
    const many = completeStack(4, 50);
    const stack = buildStack(many, "complete.tf.json");
    const graph = new ReachGraph(stack, buildAnalysis(stack, {}), 20);
    let thrown: unknown;
    try {
      graph.edgesFrom("aws_iam_role.r0");
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(ReachGraphTooLarge);
    // 50 grants x 3 roles were there to make; it stopped at the 21st.
    expect((thrown as ReachGraphTooLarge).edges).toBe(21);
    expect((thrown as ReachGraphTooLarge).built).toBe(0);
    // Every later use throws again, and holds nothing.
    expect(() => graph.edgesFrom("aws_iam_role.r1")).toThrow(ReachGraphTooLarge);
    expect(() => graph.search("aws_iam_role.r1")).toThrow(ReachGraphTooLarge);
  });

  test("passed on to other stacks: past the limit, every principal of the stack counts as reached by its agents", () => {
    const stack = buildStack(json, "complete.tf.json");
    const addresses = (limit?: number) => agentsOf(stack, {}, undefined, limit).map((x) => x.address);
    // Under the limit, nothing reaches `lonely`.
    expect(addresses()).not.toContain("aws_iam_role.lonely");
    const limited = agentsOf(stack, {}, undefined, 5);
    expect(limited.map((x) => x.address)).toContain("aws_iam_role.lonely");
    expect(limited.find((x) => x.address === "aws_iam_role.lonely")!.reason).toMatch(/reach graph of .* is larger than blastwall follows/);
  });
});
