/**
 * A rule's `why` is printed with every finding of the rule (text and JSON reports, the synth error), so it stays a
 * few sentences; the full account of what a rule covers lives in its `details`, which only docs/rules.md renders.
 * The rules whose why was long in 0.7.0 keep their old text in test/fixtures/rule-whys-0.7.0/<rule>.txt: every name
 * that text used (an action, a service, an attribute) must still be documented for that rule.
 */
import { readdirSync, readFileSync } from "fs";
import { join } from "path";
import { rulesMarkdown } from "../../scripts/generate-docs";
import { allRuleMetas } from "../../lib/rules/catalog";
import { allRules } from "../../lib/rules";
import { INPUT_METAS } from "../../lib/rules/input-metas";
import type { RuleMeta } from "../../lib/engine/findings";
import { renderText } from "../../lib/report/text";
import { renderJson } from "../../lib/report/json";
import { check, policy, tf } from "../helpers/tf";
import { agentCan, DESTROY, role } from "../helpers/sessions";
import { PLAN_RULES } from "../../lib/plan/rules";
import { runGate } from "../../lib/plan/gate";
import { change, minimalPlan, tempDir, writeTemp } from "../plan/helpers";

const ROOT = join(__dirname, "..", "..");
const OLD = join(ROOT, "test", "fixtures", "rule-whys-0.7.0");
const oldTexts = (dir: string) =>
  readdirSync(dir)
    .filter((f) => f.endsWith(".txt"))
    .map((f) => [f.replace(/\.txt$/, ""), readFileSync(join(dir, f), "utf8").trim()] as const);
const oldWhys = oldTexts(OLD);
/** Rules whose generic fix (printed by every finding that sets none of its own) was long in 0.7.0. */
const oldFixes = oldTexts(join(OLD, "fix"));

/**
 * The names a text uses: tokens holding a capital, a colon, an underscore or an @ (lambda:InvokeFunction, AgentCore,
 * Lambda@Edge, authorizer_configuration, AWS_IAM, DocumentDB). A capitalised word that only starts a sentence is
 * grammar, not a name.
 */
export function namesIn(text: string): string[] {
  const names = new Set<string>();
  for (const m of text.matchAll(/[^\s,;()"`'’!?[\]{}=]+/g)) {
    const token = m[0].replace(/^[.:*-]+|[.:]+$/g, "");
    if (!/[A-Z:_@]/.test(token)) continue;
    const before = text.slice(0, m.index).replace(/[\s("`]+$/, "");
    if (/^[A-Z][a-z]+$/.test(token) && (before === "" || /[.!?:]$/.test(before))) continue;
    names.add(token);
  }
  return [...names];
}

/** The words of four letters or more a text uses, lower-cased. */
const wordsIn = (text: string) => new Set((text.toLowerCase().match(/[a-z][a-z'-]{3,}/g) ?? []).map((w) => w.replace(/'s$/, "")));

/** The section of docs/rules.md about one rule: from its heading to the next. */
function section(markdown: string, id: string): string {
  const start = markdown.indexOf(`### \`${id}\` (`);
  if (start < 0) return "";
  const end = markdown.indexOf("\n### ", start + 1);
  return markdown.slice(start, end < 0 ? undefined : end);
}

const checkRuleMetas: RuleMeta[] = [...allRules.map((r) => r.meta), ...INPUT_METAS];
const byId = new Map(allRuleMetas().map((m) => [m.id, m]));
const committed = readFileSync(join(ROOT, "docs", "rules.md"), "utf8");
const generated = rulesMarkdown(allRuleMetas());

test("the fixture holds the old texts, and the name list is derived from them, not empty", () => {
  expect(oldWhys.map(([id]) => id)).toContain("agent-transitive-destroy");
  const names = namesIn(oldWhys.find(([id]) => id === "agent-transitive-destroy")![1]);
  // A few the old agent-transitive-destroy text named, to show the derivation finds routes (not the list checked).
  expect(names).toEqual(expect.arrayContaining(["events:StartReplay", "config:PutConfigRule", "Lambda@Edge", "authorizer_configuration", "AgentCore", "InvokeFunctionUrl"]));
  expect(names).not.toContain("Making");
  expect(names.length).toBeGreaterThan(60);
});

describe("agent-transitive-destroy", () => {
  const meta = byId.get("agent-transitive-destroy")!;

  test("its why is two or three sentences, under 600 characters", () => {
    expect(meta.why.length).toBeLessThan(600);
    expect(meta.why.split(/[.!?](?:\s|$)/).filter((s) => s.trim()).length).toBeLessThanOrEqual(3);
    expect(meta.why).toMatch(/act as another principal/);
    expect(meta.why).toMatch(/path shows every link/);
  });

  test("a finding of it prints the short why, and no route list, in the text and JSON reports", () => {
    const json = tf({
      ...agentCan({ Effect: "Allow", Action: "sts:AssumeRole", Resource: "${aws_iam_role.deploy.arn}" }),
      ...role("deploy", policy({ Effect: "Allow", Principal: { AWS: "${aws_iam_role.agent.arn}" }, Action: "sts:AssumeRole" }), DESTROY),
    });
    const report = { ...check(json), rules: checkRuleMetas };
    const text = renderText(report);
    expect(text).toContain("ERROR agent-transitive-destroy");
    expect(text).toContain(`why:       ${meta.why}`);
    expect(text).not.toContain("a publish to a topic it subscribes to");
    const found = (JSON.parse(renderJson(report)).findings as { ruleId: string; why?: string }[]).filter((f) => f.ruleId === "agent-transitive-destroy");
    expect(found.length).toBeGreaterThan(0);
    for (const f of found) expect(f.why).toBe(meta.why);
  });
});

test("every rule of blastwall check has a why under 800 characters (the rest goes in details)", () => {
  const long = checkRuleMetas.filter((m) => m.why.length > 800).map((m) => `${m.id} (${m.why.length})`);
  expect(long).toEqual([]);
});

test("every rule of the plan gate has a why under 800 characters: the gate prints it with each finding", () => {
  const long = PLAN_RULES.map((r) => r.meta).filter((m) => m.why.length > 800).map((m) => `${m.id} (${m.why.length})`);
  expect(long).toEqual([]);
});

describe("a plan gate finding prints its rule's short why, and none of the details", () => {
  const NOW = new Date("2026-11-25T12:00:00Z");
  const gate = (changes: unknown[]) => {
    const dir = tempDir();
    writeTemp(dir, "plan.json", JSON.stringify(minimalPlan(changes)));
    return runGate({ planFile: "plan.json", cwd: dir, now: NOW });
  };
  const tpl = (resources: Record<string, unknown>) => JSON.stringify({ Resources: resources });
  const table = { Type: "AWS::DynamoDB::Table", Properties: { TableName: "orders" } };
  const cases: [string, unknown, string][] = [
    [
      "plan-stack-template-drops-data",
      change("aws_cloudformation_stack.data", ["update"], { name: "data", template_body: tpl({ Orders: table, Q: { Type: "AWS::SQS::Queue" } }) }, { name: "data", template_body: tpl({ Q: { Type: "AWS::SQS::Queue" } }) }),
      "Service Catalog",
    ],
    [
      "plan-deletion-protection-off",
      change("aws_db_instance.orders", ["update"], { identifier: "orders", deletion_protection: true }, { identifier: "orders", deletion_protection: false }),
      "SnapLock",
    ],
  ];

  test.each(cases)("%s, in the JSON and text reports", (id, planned, detailOnly) => {
    const meta = byId.get(id)!;
    expect(meta.details).toContain(detailOnly);
    const report = gate([planned]);
    const found = (JSON.parse(renderJson(report)).findings as { ruleId: string; why?: string }[]).filter((f) => f.ruleId === id);
    expect(found.length).toBeGreaterThan(0);
    for (const f of found) expect(f.why).toBe(meta.why);
    const text = renderText(report);
    expect(text).toContain(`why:       ${meta.why}`);
    expect(text).not.toContain(detailOnly);
  });
});

describe.each(oldWhys)("%s: nothing of its 0.7.0 why is lost", (id, old) => {
  const meta = byId.get(id)!;

  test("its why is shorter, and it has details", () => {
    expect(meta.why.length).toBeLessThan(Math.min(old.length, 800));
    expect(meta.details?.length ?? 0).toBeGreaterThan(0);
  });

  // Twelve whys were once the old text cut after a sentence or three: an opening written for docs/rules.md, not what a
  // reader of a failing CI log needs (what can be lost, and how). The opening now leads the details instead.
  test("its why is written for the report, not the old text's opening sentences", () => {
    expect(old.startsWith(meta.why.replace(/\.$/, ""))).toBe(false);
  });

  test.each([
    ["docs/rules.md as committed", committed],
    ["docs/rules.md as generated", generated],
  ])("%s names everything the old text named", (_what, markdown) => {
    const here = section(markdown, id);
    expect(here).not.toBe("");
    expect(namesIn(old).filter((n) => !here.includes(n))).toEqual([]);
    const words = wordsIn(here);
    expect([...wordsIn(old)].filter((w) => !words.has(w))).toEqual([]);
  });
});

describe.each(oldFixes)("%s: its generic fix is short, and nothing of its 0.7.0 fix is lost", (id, old) => {
  const meta = byId.get(id)!;

  test("its fix is shorter, under 600 characters", () => {
    expect(meta.fix.length).toBeLessThan(Math.min(old.length, 600));
  });

  test.each([
    ["docs/rules.md as committed", committed],
    ["docs/rules.md as generated", generated],
  ])("%s names everything the old fix named", (_what, markdown) => {
    const here = section(markdown, id);
    expect(here).not.toBe("");
    expect(namesIn(old).filter((n) => !here.includes(n))).toEqual([]);
    const words = wordsIn(here);
    expect([...wordsIn(old)].filter((w) => !words.has(w))).toEqual([]);
  });
});

describe("agent-transitive-destroy's fix, printed by the chain findings that set none of their own", () => {
  const meta = byId.get("agent-transitive-destroy")!;
  const trusts = (who: string) => policy({ Effect: "Allow", Principal: { AWS: `\${aws_iam_role.${who}.arn}` }, Action: "sts:AssumeRole" });
  const assume = (to: string) => policy({ Effect: "Allow", Action: "sts:AssumeRole", Resource: `\${aws_iam_role.${to}.arn}` });
  const chains = (json: Record<string, unknown>) => check(json).findings.filter((f) => f.ruleId === "agent-transitive-destroy");

  test("it says to cut the first link (take its right away or scope it), and to acknowledge an intended route with a reason", () => {
    expect(meta.fix).toMatch(/^Cut the chain at its first link: take away the right it names/);
    expect(meta.fix).toMatch(/scope it to the exact resources/);
    expect(meta.fix).toMatch(/If the route is intended, acknowledge the finding with a reason/);
    expect(meta.fix).not.toMatch(/events:StartReplay|AgentCore|Lambda@Edge/);
  });

  test("one link: the fix is the short one, and the message and evidence name the right and the statement to take away", () => {
    const report = check(tf({ ...agentCan({ Effect: "Allow", Action: "sts:AssumeRole", Resource: "${aws_iam_role.deploy.arn}" }), ...role("deploy", trusts("agent"), DESTROY) }));
    const [f, ...more] = report.findings.filter((x) => x.ruleId === "agent-transitive-destroy");
    expect(more).toEqual([]);
    expect(f.fix).toBe(meta.fix);
    expect(f.fix).not.toContain("events:StartReplay");
    expect(f.message).toContain("aws_iam_role.agent --sts:AssumeRole--> aws_iam_role.deploy");
    expect(f.evidence.find((e) => e.step === "assume-role")?.detail).toContain("aws_iam_role_policy.agent statement #0 (Allow sts:AssumeRole");
    expect(renderText({ ...report, rules: checkRuleMetas })).toContain(`fix:       ${meta.fix}`);
  });

  test("two links: the message names the first link to cut", () => {
    const json = tf({
      ...agentCan({ Effect: "Allow", Action: "sts:AssumeRole", Resource: "${aws_iam_role.hop.arn}" }),
      ...role("hop", trusts("agent"), assume("deploy")),
      ...role("deploy", trusts("hop"), DESTROY),
    });
    const f = chains(json).find((x) => x.resource === "aws_iam_role.deploy")!;
    expect(f.fix).toBe(meta.fix);
    expect(f.message).toContain("Cutting the first link (aws_iam_role.agent -> aws_iam_role.hop) cuts this chain");
  });

  test("control: a function the agent invokes keeps its own fix, naming the function's role and the route", () => {
    const lambda = policy({ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" });
    const json = tf({
      ...agentCan({ Effect: "Allow", Action: "lambda:InvokeFunction", Resource: "${aws_lambda_function.cleanup.arn}" }),
      ...role("fn", lambda, DESTROY),
      "aws_lambda_function.cleanup": { function_name: "db-cleanup", role: "${aws_iam_role.fn.arn}", handler: "index.handler", runtime: "python3.12", filename: "x.zip" },
    });
    const [f] = chains(json);
    expect(f.resource).toBe("aws_lambda_function.cleanup");
    expect(f.fix).not.toContain(meta.fix);
    expect(f.fix).toMatch(/^Take the destroy rights off aws_iam_role\.fn/);
  });
});

test("details are rendered in docs/rules.md only where a rule has them, after the why", () => {
  const base = { id: "x-rule", title: "T", why: "W.", fix: "F.", severity: "error" as const, category: "reach" };
  expect(rulesMarkdown([base])).not.toContain("In detail");
  const md = rulesMarkdown([{ ...base, details: "- one route\n- another route" }]);
  expect(md).toContain("*Why:* W.\n\n*In detail:*\n\n- one route\n- another route\n\n*Fix:* F.");
});
