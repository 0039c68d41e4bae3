/**
 * Red-team round 151: templates and heredocs nested in an expression (which hcl2json leaves as source text for
 * blastwall to parse) were read with JavaScript's whitespace, where HCL uses Go's `unicode.IsSpace` (U+0085 is a
 * space there, U+FEFF is not). Every expected value below is what Go HCL itself gives for the same source, checked
 * with @cdktf/hcl2json (which embeds hashicorp/hcl v2 hclsyntax) on the expression at the top level of a file, where
 * hcl2json evaluates it. The template-file cases follow HCL's scanner source (bare templates, like heredocs, end a
 * literal token at each line break); hcl2json cannot parse a template file, so those were not run through Go.
 */
import { destroy, dir, evaluate, outcome } from "./helpers";
import { checkPaths } from "../../lib/check/run-check";
import { agentRules } from "../../lib/rules";
import { Tmpl, Unk, toTfJson } from "../../lib/hcl/values";
import { evalString, type Env } from "../../lib/hcl/evaluate";

const NEL = "\u0085";
const NBSP = "\u00a0";
const BOM = "\ufeff";

const role = `resource "aws_iam_role" "agent" {
  name = "agent"
  assume_role_policy = jsonencode({Version="2012-10-17",Statement=[{Effect="Allow",Principal={Service="ec2.amazonaws.com"},Action="sts:AssumeRole"}]})
  tags = { "blastwall:agent" = "true" }
}
`;
const policy = (expr: string) => `resource "aws_iam_role_policy" "p" {
  role   = aws_iam_role.agent.id
  policy = ${expr}
}
`;
const allow = (action: string) => `jsonencode({Version="2012-10-17",Statement=[{Effect="Allow",Action=${action},Resource="*"}]})`;

function templateFile(text: string): unknown {
  const env: Env = { prefix: "", pathModule: ".", rootDir: ".", variable: (n) => new Unk(`var.${n}`), local: (n) => new Unk(`local.${n}`), resource: () => undefined, module: () => undefined, readFile: (p) => (p === "t.tpl" ? text : undefined) };
  const v = evalString('${templatefile("t.tpl", {})}', { env });
  return v instanceof Unk || v instanceof Tmpl ? "UNKNOWN" : toTfJson(v);
}

describe("F1: a ~ strip marker strips Go whitespace (U+0085 yes, U+FEFF no)", () => {
  test("values as Go HCL gives them", () => {
    expect(outcome('"blastwall:agent\\u0085${~ ""}"')).toBe('"blastwall:agent"');
    expect(outcome(`"blastwall:agent${NEL}\${~ ""}"`)).toBe('"blastwall:agent"');
    expect(outcome('"${"x" ~}\\u0085\\u2028\\u3000\\u1680y"')).toBe('"xy"');
    // Controls: U+FEFF and U+200B are no Go space and stay; ASCII blanks and NBSP went before and still go.
    expect(outcome('"a\\ufeff${~ ""}"')).toBe(JSON.stringify(`a${BOM}`));
    expect(outcome('"a\\u200b${~ ""}b"')).toBe(JSON.stringify("a\u200bb"));
    expect(outcome('"a \\t\\u00a0${~ "b" ~} \\n c"')).toBe('"abc"');
  });

  test("the agent tag with a trailing U+0085 before ${~ } is the agent tag (the role is an agent)", async () => {
    const files = {
      "main.tf": role.replace(`tags = { "blastwall:agent" = "true" }`, `tags = merge({ "blastwall:agent\\u0085\${~ ""}" = "true" })`) + policy(allow('"s3:DeleteBucket"')),
    };
    expect(await destroy(dir(files))).toContain("s3:DeleteBucket");
  });

  test("an action with a trailing U+0085 before ${~ } is the action", async () => {
    expect(await destroy(dir({ "main.tf": role + policy(allow('"s3:DeleteBucket\\u0085${~ ""}"')) }))).toContain("s3:DeleteBucket");
  });

  test("the same in a templatefile file", async () => {
    const files = {
      "main.tf": role + policy('templatefile("${path.module}/policy.tpl", {})'),
      "policy.tpl": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:DeleteBucket${NEL}\${~ ""}","Resource":"*"}]}\n`,
    };
    expect(await destroy(dir(files))).toContain("s3:DeleteBucket");
    expect(templateFile(`a${NEL}\${~ ""}b`)).toBe("ab");
    expect(templateFile(`a${BOM}\${~ ""}b`)).toBe(`a${BOM}b`);
  });
});

describe("F2: in a heredoc (and a template file) a strip reaches one line only", () => {
  test("values as Go HCL gives them", () => {
    expect(outcome('<<EOT\n# note\n  \n${~ ""}Action: x\nEOT\n')).toBe(JSON.stringify("# note\nAction: x\n"));
    expect(outcome('<<EOT\n${"x" ~}  \n  \nb\nEOT\n')).toBe(JSON.stringify("x  \nb\n"));
    expect(outcome('<<EOT\na  \n  \n  ${~ "y" ~}  \n\n \nb\nEOT\n')).toBe(JSON.stringify("a  \n  \ny\n \nb\n"));
    // A `~}` at the end of a line takes its line break only, not the next line's indentation.
    expect(outcome('<<EOT\n%{ for x in ["p","q"] ~}\n  ${x}\n%{~ endfor }\nEOT\n')).toBe(JSON.stringify("  p  q\n"));
    // Control: in a quoted string the literal text is one token, so the strip takes both line breaks.
    expect(outcome('"# note\\n  \\n${~ ""}Action: x"')).toBe(JSON.stringify("# noteAction: x"));
    // Control: a strip next to the line it is on still strips it.
    expect(outcome('<<EOT\n# note\n${~ ""}Action: x\nEOT\n')).toBe(JSON.stringify("# noteAction: x\n"));
  });

  test("a YAML list item after a blank line and ${~ } is read, not joined to a comment", async () => {
    const yaml = `jsonencode(yamldecode(<<EOT
Version: "2012-10-17"
Statement:
- Effect: Allow
  Resource: "*"
  Action:
  - s3:GetObject
  # cleanup rights
  
\${~ ""}  - s3:DeleteBucket
EOT
  ))`;
    expect(await destroy(dir({ "main.tf": role + policy(yaml) }))).toContain("s3:DeleteBucket");
  });

  test("a template file strips one line too", () => {
    expect(templateFile('# note\n  \n${~ ""}Action')).toBe("# note\nAction");
    expect(templateFile('a\n  \n%{~ if true ~}\n  \nb\n%{~ endif ~}\n  \nc')).toBe("a\n  \nb  \nc");
  });
});

describe("F3: a heredoc ends at its marker with Go whitespace around it", () => {
  test("values as Go HCL gives them", () => {
    // U+FEFF and U+200B are no Go space: the line is text and the heredoc runs on.
    expect(outcome(`[<<EOT\nA\nEOT${BOM}\n, "B"\nEOT\n, "C"][0]`)).toBe(JSON.stringify(`A\nEOT${BOM}\n, "B"\n`));
    expect(outcome(`[<<EOT\nA\n${BOM}EOT\n, "B"\nEOT\n, "C"][0]`)).toBe(JSON.stringify(`A\n${BOM}EOT\n, "B"\n`));
    expect(outcome(`[<<EOT\nA\nEOT\u200b\n, "B"\nEOT\n, "C"][0]`)).toBe(JSON.stringify(`A\nEOT\u200b\n, "B"\n`));
    // U+0085, NBSP, U+3000 are: the heredoc ends there.
    expect(outcome(`[<<EOT\nA\n${NEL}EOT\n, "B"][0]`)).toBe(JSON.stringify("A\n"));
    expect(outcome(`[<<EOT\nA\n${NBSP}EOT\u3000\u2028\n, "B"][1]`)).toBe(JSON.stringify("B"));
    // Controls: blanks and CR around the marker.
    expect(outcome(`[<<EOT\nA\n \tEOT \r\n, "B"][0]`)).toBe(JSON.stringify("A\n"));
    // A marker after an interpolation on the same line, or inside one running over lines, is no end (HCL's scanner).
    expect(outcome('<<EOT\n${"a"}EOT\nB\nEOT\n')).toBe(JSON.stringify("aEOT\nB\n"));
    expect(outcome('<<EOT\n${ /*\nEOT\n*/ "a"}\nEOT\n')).toBe(JSON.stringify("a\n"));
  });

  test("a marker line ending in U+FEFF does not end the heredoc: the agent tag after it is read", async () => {
    const tags = `merge([<<EOT\n  EOT${BOM}\n  , {team = "x"}][1]/*\nEOT\n  , {"blastwall:agent" = "true"}][1] /* */)`;
    const files = { "main.tf": role.replace(`{ "blastwall:agent" = "true" }`, tags) + policy(allow('"s3:DeleteBucket"')) };
    expect(await destroy(dir(files))).toContain("s3:DeleteBucket");
  });

  test("... and the policy after it is the one applied", async () => {
    const locals = `locals {
  benign = {Version="2012-10-17",Statement=[{Effect="Allow",Action="s3:GetObject",Resource="*"}]}
  danger = {Version="2012-10-17",Statement=[{Effect="Allow",Action="s3:DeleteBucket",Resource="*"}]}
}
`;
    const expr = `jsonencode([<<EOT\n  EOT${BOM}\n  , local.benign][1]/*\nEOT\n  , local.danger][1] /* */)`;
    expect(await destroy(dir({ "main.tf": locals + role + policy(expr) }))).toContain("s3:DeleteBucket");
    // Control: with a plain marker line the first reading is the right one.
    const plain = `jsonencode([<<EOT\n  EOT\n  , local.benign][1])`;
    expect(await destroy(dir({ "main.tf": locals + role + policy(plain) }))).toEqual([]);
  });
});

describe("F4: a <<- heredoc's indentation is Go whitespace, whitespace-only lines untouched", () => {
  test("values as Go HCL gives them", () => {
    expect(outcome(`<<-EOT\n    s3:GetObject\n${NBSP}${NBSP}  s3:DeleteBucket\n  EOT\n`)).toBe(JSON.stringify("s3:GetObject\ns3:DeleteBucket\n"));
    expect(outcome(`<<-EOT\n    a\n\u3000  b\n  EOT\n`)).toBe(JSON.stringify(" a\nb\n"));
    expect(outcome(`<<-EOT\n    a\n${NEL}${NEL}  b\n  EOT\n`)).toBe(JSON.stringify("a\nb\n"));
    // U+FEFF is no indentation: the line has none, so nothing comes off.
    expect(outcome(`<<-EOT\n    a\n${BOM}  b\n  EOT\n`)).toBe(JSON.stringify(`    a\n${BOM}  b\n`));
    // A whitespace-only line is neither counted nor changed, shorter or longer than the indentation.
    expect(outcome(`<<-EOT\n    a\n  \n      b\n  EOT\n`)).toBe(JSON.stringify("a\n  \n  b\n"));
    expect(outcome(`<<-EOT\n    a\n        \n      b\n  EOT\n`)).toBe(JSON.stringify("a\n        \n  b\n"));
    // A line emptied by a strip still starts a line, with no indentation (so nothing comes off).
    expect(outcome(`<<-EOT\n    a\n    \${~ "x"}\n    b\n  EOT\n`)).toBe(JSON.stringify("    a\nx\n    b\n"));
    // Controls: a tab is one character; CRLF lines keep their CR, as in Go.
    expect(outcome(`<<-EOT\n\t  a\n    b\n  EOT\n`)).toBe(JSON.stringify("a\n b\n"));
    expect(outcome(`<<-EOT\r\n    a\r\n      b\r\n  EOT\r\n`)).toBe(JSON.stringify("a\r\n  b\r\n"));
  });

  test("an indentation running into a combining mark (one grapheme cluster in HCL's count) is not guessed at", () => {
    expect(outcome(`<<-EOT\n    a\n  \u0301b\n  EOT\n`)).toBe("UNKNOWN");
    expect(evaluate(`<<-EOT\n    a\n  b\u0301\n  EOT\n`)).toBe("  a\nb\u0301\n".normalize("NFC"));
  });

  test("an NBSP-indented destroy action is read", async () => {
    const expr = allow(`split("\\n", chomp(<<-EOT\n    s3:GetObject\n${NBSP}${NBSP}  s3:DeleteBucket\n  EOT\n  ))`);
    expect(await destroy(dir({ "main.tf": role + policy(expr) }))).toContain("s3:DeleteBucket");
  });
});

describe("controls that held before", () => {
  test("ordinary strips and heredocs", () => {
    expect(outcome('"x ${~ "y" ~}   z"')).toBe('"xyz"');
    expect(outcome('<<-EOT\n    hello ${"w"}\n  EOT\n')).toBe(JSON.stringify("hello w\n"));
    expect(outcome('<<EOT\n${<<EOX\n  in\nEOX\n}\nEOT\n')).toBe(JSON.stringify("  in\n\n"));
    expect(outcome('<<EOT\n  hi $${x} %%{y}\nEOT\n')).toBe(JSON.stringify("  hi $${x} %%{y}\n"));
  });

  test("plain policies read as before", async () => {
    expect(await destroy(dir({ "main.tf": role + policy(allow('"s3:DeleteBucket"')) }))).toContain("s3:DeleteBucket");
    expect(await destroy(dir({ "main.tf": role + policy(allow('split("\\n", chomp(<<-EOT\n    s3:GetObject\n    s3:ListBucket\n  EOT\n  ))')) }))).toEqual([]);
  });
});

describe("an action that keeps a stray blank is no longer dropped silently (the report's cross-cutting observation)", () => {
  const findings = async (files: Record<string, string>) => (await checkPaths([dir(files)], { config: {}, rules: agentRules })).findings;

  test("an Allow's action with U+0085 (no strip) or leading blanks is unreadable, named escaped", async () => {
    for (const [action, shown] of [
      ['"s3:DeleteBucket\\u0085"', '"s3:DeleteBucket\\u0085"'],
      ['split("\\n", chomp(<<EOT\n    s3:GetObject\n  s3:DeleteBucket\nEOT\n  ))', '"    s3:GetObject"'],
    ]) {
      const f = await findings({ "main.tf": role + policy(allow(action)) });
      const u = f.filter((x) => x.ruleId === "unanalysable-policy");
      expect(u).toHaveLength(1);
      expect(u[0].message).toContain(`Action entry ${shown} holds whitespace or an invisible character`);
      expect(u[0].message).toMatch(/blastwall counts it as granting every action/);
      expect(u[0].severity).toBe("error");
    }
  });

  test("a Deny naming the action with a stray blank is not relied on", async () => {
    const both = (deny: string) =>
      role + policy(`jsonencode({Version="2012-10-17",Statement=[{Effect="Allow",Action="s3:DeleteBucket",Resource="*"},{Effect="Deny",Action=${deny},Resource="*"}]})`);
    expect(await destroy(dir({ "main.tf": both('"s3:DeleteBucket\\u00a0"') }))).toContain("s3:DeleteBucket");
    // Control: the Deny as written denies it.
    expect(await destroy(dir({ "main.tf": both('"s3:DeleteBucket"') }))).toEqual([]);
  });
});
