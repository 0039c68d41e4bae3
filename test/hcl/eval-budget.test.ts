/**
 * Red-team round 176: a 4 KB folder with three `for` expressions nested over `range(1000)` ran for minutes and
 * gigabytes (F1), and locals that double a string crashed the run with `internal error: Invalid string length`, naming
 * no file (F3). One evaluation budget per reading of a configuration (lib/hcl/budget.ts) bounds what evaluation makes:
 * past it the value is unknown (`too_large_to_evaluate()`), what depends on it fails closed, and a note names the
 * file, the line and the value. The evaluator tests use a small budget so each trips in milliseconds; the folder tests
 * use the real limits with inputs that reach them quickly.
 */
import { checkPaths } from "../../lib/check/run-check";
import { allRules } from "../../lib/rules";
import { EvalBudget, type EvalLimits } from "../../lib/hcl/budget";
import { evalString, type Env } from "../../lib/hcl/evaluate";
import { ErrUnk, TOO_LARGE, Unk, toHcl, type Value } from "../../lib/hcl/values";
import { bare, dir } from "./helpers";

const SMALL: EvalLimits = { values: 1000, chars: 20_000, collection: 200, string: 5000 };

function run(expr: string, files: Record<string, string> = {}, limits = SMALL): { v: Value; budget: EvalBudget } {
  const budget = new EvalBudget(limits);
  const env: Env = { ...bare, evalBudget: budget, readFile: (p) => files[p] };
  const v = budget.within({ file: "main.tf", line: 3, what: "local.x" }, () => evalString("${" + expr + "}", { env }));
  return { v, budget };
}

const tooLarge = (v: Value) => v instanceof Unk && v.src === TOO_LARGE;

describe("evaluation budget: the evaluator", () => {
  test("nested for expressions past the values budget are unknown, and the place is recorded", () => {
    const { v, budget } = run("[for a in range(40) : [for b in range(40) : \"${a}-${b}\"]]");
    expect(tooLarge(v)).toBe(true);
    expect(budget.stops).toEqual([expect.objectContaining({ file: "main.tf", line: 3, what: "local.x", spent: true })]);
    expect(budget.stops[0].why).toContain("more than 1,000 values");
  });

  test("control: the same expression within the budget is evaluated", () => {
    const { v, budget } = run("[for a in range(20) : [for b in range(20) : \"${a}-${b}\"]]");
    expect(Array.isArray(v) && v.length === 20 && (v[19] as Value[])[19]).toBe("19-19");
    expect(budget.stops).toEqual([]);
  });

  test("one collection past its size is unknown", () => {
    const { v, budget } = run("[for a in range(300) : a]");
    expect(v).toBeInstanceOf(Unk);
    expect(budget.stops.map((s) => s.why)).toEqual(["it makes a collection of more than 200 elements"]);
    expect(tooLarge(run("[for a in range(150) : [for b in range(2) : b]]").v)).toBe(false);
    expect(tooLarge(run("[for a in concat(range(150), range(150)) : a]").v)).toBe(false); // concat's result is unknown
    expect(run("[for a in range(150) : a]").v).toHaveLength(150);
  });

  test("a string that doubles past the string cap is unknown, before it is built", () => {
    const { v, budget } = run(`join("", [for i in range(12) : "x"])`);
    expect(v).toBe("xxxxxxxxxxxx");
    expect(budget.stops).toEqual([]);
    const doubled = run(`join("", [for i in range(60) : "${"y".repeat(100)}"])`);
    expect(tooLarge(doubled.v)).toBe(true);
    expect(doubled.budget.stops[0].why).toContain("a string of more than 5,000 characters");
    const template = run(`"%{ for i in range(60) }${"z".repeat(100)}%{ endfor }"`);
    expect(tooLarge(template.v)).toBe(true);
  });

  test("flatten of a list that shares its parts stops as it grows", () => {
    const { v } = run("flatten([for a in range(20) : [for b in range(20) : b]])");
    expect(tooLarge(v)).toBe(true);
    expect(run("flatten([for a in range(10) : [for b in range(10) : b]])").v).toHaveLength(100);
  });

  test("replace that multiplies a string is counted before it is built", () => {
    expect(tooLarge(run(`replace("${"a".repeat(100)}", "a", "${"b".repeat(100)}")`).v)).toBe(true);
    expect(tooLarge(run(`replace("${"a".repeat(100)}", "/a/", "${"b".repeat(100)}")`).v)).toBe(true);
    expect(run(`replace("${"a".repeat(10)}", "a", "bb")`).v).toBe("b".repeat(20));
  });

  test("jsondecode and yamldecode count the text they read and the values they make", () => {
    const json = JSON.stringify(Array.from({ length: 300 }, (_, i) => i));
    expect(tooLarge(run(`jsondecode(file("a.json"))`, { "a.json": json }).v)).toBe(true);
    const yaml = Array.from({ length: 300 }, (_, i) => `- ${i}`).join("\n");
    expect(tooLarge(run(`yamldecode(file("a.yaml"))`, { "a.yaml": yaml }).v)).toBe(true);
    // Decoded again and again in a `for`: the text read counts every time.
    const small = JSON.stringify(["x".repeat(1000)]);
    const many = run(`[for i in range(30) : jsondecode(file("b.json"))]`, { "b.json": small }).v as Value[];
    expect(many[0]).toEqual(["x".repeat(1000)]);
    expect(tooLarge(many[29])).toBe(true);
    expect(run(`jsondecode(file("b.json"))`, { "b.json": small }).v).toEqual(["x".repeat(1000)]);
  });

  test("a decoded document's largest collection is what meets the cap on one collection, not its count of values (round 177, F2)", () => {
    // Two lists of 150 (300 values and more) under a cap of 200 on one collection.
    const doc = JSON.stringify({ a: Array.from({ length: 150 }, (_, i) => i), b: Array.from({ length: 150 }, (_, i) => i) });
    const v = run(`jsondecode(file("d.json"))`, { "d.json": doc }).v as Record<string, Value[]>;
    expect(v.a.length).toBe(150);
    // Control: one list of 250 is past the cap.
    expect(tooLarge(run(`jsondecode(file("e.json"))`, { "e.json": JSON.stringify(Array.from({ length: 250 }, (_, i) => i)) }).v)).toBe(true);
  });

  test("a function that charges what it makes is not charged again for its result (concat of 2 x 400 fits 1,000 values)", () => {
    const { v, budget } = run("concat(range(400), range(400))", {}, { ...SMALL, collection: 1000, values: 1700 });
    expect(Array.isArray(v) && v.length).toBe(800);
    expect(budget.stops).toEqual([]);
  });

  test("templatefile inside a template is the error Terraform raises, not a recursion", () => {
    const files = { "self.tpl": '${templatefile("self.tpl", {})}', "plain.tpl": "hello ${name}" };
    expect(run(`templatefile("self.tpl", {})`, files).v).toBeInstanceOf(ErrUnk);
    expect(run(`try(templatefile("self.tpl", {}), "fallback")`, files).v).toBe("fallback");
    expect(run(`templatefile("plain.tpl", { name = "x" })`, files).v).toBe("hello x");
  });

  test("an unknown expression around a value that shares its parts is not written out", () => {
    let v: Value = "x";
    for (let i = 0; i < 30; i++) v = [v, v];
    expect(toHcl(v)).toBe(TOO_LARGE);
    expect(toHcl(["a", "b"])).toBe('["a", "b"]');
  });
});

const AGENT = `resource "aws_iam_role" "agent" {
  name               = "agent"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" }] })
  tags               = { "blastwall:agent" = "true" }
}
`;
const policy = (action: string) => `resource "aws_iam_role_policy" "p" {
  role   = aws_iam_role.agent.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ${action}, Resource = "*" }] })
}
`;

async function check(files: Record<string, string>) {
  const r = await checkPaths([dir(files)], { config: {}, rules: allRules });
  return { rules: r.findings.map((f) => f.ruleId), messages: r.findings.map((f) => f.message), notes: r.notes ?? [] };
}

describe("evaluation budget: a folder", () => {
  test("strings that double past 4 Mi characters: a note names the file, the line and the local; the policy fails closed", async () => {
    const locals = ['  s0 = "ab"', ...Array.from({ length: 22 }, (_, i) => `  s${i + 1} = "\${local.s${i}}\${local.s${i}}"`)];
    const r = await check({ "main.tf": AGENT + policy("local.s22"), "locals.tf": `\n\nlocals {\n${locals.join("\n")}\n}\n` });
    // Unknown actions: every action, so destroy rights among them.
    expect(r.rules).toContain("agent-destroy-right");
    expect(r.messages.join("\n")).toContain("too_large_to_evaluate()");
    expect(r.notes).toEqual([expect.stringMatching(/locals\.tf:3: blastwall stopped evaluating local\.s22 because it exceeded blastwall's evaluation budget \(it builds a string of more than 4,194,304 characters\).*--var-file$/)]);
  });

  test("a collection past 100,000 elements: noted, and what uses it is unknown", async () => {
    const r = await check({
      "main.tf": AGENT + policy("local.actions[0]"),
      "locals.tf": `locals {\n  actions = flatten([for a in range(400) : [for b in range(300) : "s3:Get\${a}x\${b}"]])\n}\n`,
    });
    expect(r.rules).toContain("agent-destroy-right");
    expect(r.notes).toEqual([expect.stringContaining("locals.tf:1: blastwall stopped evaluating local.actions because it exceeded blastwall's evaluation budget (it makes a collection of more than 100,000 elements)")]);
  });

  test("control: an ordinary for expression is read exactly, with no note", async () => {
    const r = await check({
      "main.tf": AGENT + policy("local.actions"),
      "locals.tf": `locals {\n  actions = flatten([for a in ["Get", "List"] : [for b in ["Object", "Bucket"] : "s3:\${a}\${b}"]])\n}\n`,
    });
    expect(r.rules).not.toContain("unanalysable-policy");
    expect(r.rules).not.toContain("agent-destroy-right");
    expect(r.notes).toEqual([]);
  });
});
