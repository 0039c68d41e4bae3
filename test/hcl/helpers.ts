import { mkdirSync, mkdtempSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { checkPaths } from "../../lib/check/run-check";
import { agentRules } from "../../lib/rules";
import { loadHcl } from "../../lib/hcl/load-hcl";
import { evalString, type Env } from "../../lib/hcl/evaluate";
import { ErrUnk, Tmpl, Unk, toTfJson, type Value } from "../../lib/hcl/values";

/** A fresh folder holding `files` (relative paths, folders made as needed). */
export function dir(files: Record<string, string>): string {
  const d = mkdtempSync(join(tmpdir(), "blastwall-hcl-"));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(d, name, ".."), { recursive: true });
    writeFileSync(join(d, name), text);
  }
  return d;
}

/** The destroy actions `agent-destroy-right` finds when the folder is checked. */
export async function destroy(d: string): Promise<string[]> {
  return (await checkPaths([d], { config: {}, rules: agentRules })).findings.filter((f) => f.ruleId === "agent-destroy-right").flatMap((f) => f.actions);
}

/** The red team's setup: a read-only boundary keeps an agent whose own policy allows `ec2:*` from deleting. */
export function agentWithBoundary(action: string, extra = ""): Record<string, string> {
  return {
    "main.tf": `resource "aws_iam_policy" "boundary" {
  name   = "agent-boundary"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ${action}, Resource = "*" }] })
}
${agentRoleHcl("agent", "aws_iam_policy.boundary.arn", "111122223333")}resource "aws_iam_role_policy" "ops" {
  role   = aws_iam_role.agent.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["ec2:*"], Resource = "*" }] })
}
`,
    "extra.tf": extra,
  };
}

/**
 * Destroy actions the agent is found to hold with the boundary action `action` (and `extra` configuration). The
 * defaults of the root variables `extra` declares are also given with `--var-file`, as a deploy that fixes them does:
 * these tests are about how a value is computed, and since 0.8.0 a boundary that `-var` can change is read as widened
 * whatever its default computes to (test/hcl/settable-boundary-allow.test.ts tests that reading).
 */
export async function destroyWith(action: string, extra = ""): Promise<string[]> {
  const given = givenDefaults(extra);
  const d = dir({ ...agentWithBoundary(action, extra), ...(given ? { "given.tfvars": given } : {}) });
  if (!given) return destroy(d);
  const r = await checkPaths([d], { config: {}, rules: agentRules, varFiles: [join(d, "given.tfvars")] });
  return r.findings.filter((f) => f.ruleId === "agent-destroy-right").flatMap((f) => f.actions);
}

/** `NAME = DEFAULT` for each `variable "NAME" { ... default = DEFAULT ... }` of `hcl` (the default's brackets balanced). */
function givenDefaults(hcl: string): string {
  const out: string[] = [];
  for (const m of hcl.matchAll(/variable\s+"([A-Za-z0-9_-]+)"\s*\{/g)) {
    const open = m.index! + m[0].length - 1;
    const body = hcl.slice(open + 1, scanTo(hcl, open + 1, "}"));
    const d = /(^|\n)\s*default\s*=\s*/.exec(body);
    if (d) out.push(`${m[1]} = ${body.slice(d.index + d[0].length, scanTo(body, d.index + d[0].length, "\n")).trim()}`);
  }
  return out.join("\n");
}

/** The index of the first `stop` (a `}` or a newline) at bracket depth 0 and outside strings, from `from`; else the end. */
function scanTo(s: string, from: number, stop: "}" | "\n"): number {
  let depth = 0;
  let quoted = false;
  for (let i = from; i < s.length; i++) {
    const c = s[i];
    if (quoted) {
      if (c === "\\") i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (depth === 0 && c === stop) return i;
    else if (c === "{" || c === "[" || c === "(") depth++;
    else if (c === "}" || c === "]" || c === ")") depth--;
  }
  return s.length;
}

/** `local.x` of a folder holding `files` plus `locals { x = EXPR }`, as rendered for the engine (`${...}` = unknown). */
export async function localValue(expr: string, files: Record<string, string> = {}): Promise<unknown> {
  const load = await loadHcl(dir({ ...files, "x.tf": `locals {\n  x = ${expr}\n}\n` }));
  return (load.json["locals"] as Record<string, unknown>)["x"];
}

/** An environment with nothing in it: the expression alone decides. */
export const bare: Env = {
  prefix: "",
  pathModule: ".",
  rootDir: ".",
  variable: (n) => new Unk(`var.${n}`),
  local: (n) => new Unk(`local.${n}`),
  resource: () => undefined,
  module: () => undefined,
  readFile: () => undefined,
};
export const evaluate = (expr: string): Value => evalString("${" + expr + "}", { env: bare });
/** JSON of a known value, "ERROR" for a Terraform error, "UNKNOWN" for a value not claimed. */
export function outcome(expr: string): string {
  const v = evaluate(expr);
  if (v instanceof ErrUnk) return "ERROR";
  if (v instanceof Unk || v instanceof Tmpl) return "UNKNOWN";
  return JSON.stringify(toTfJson(v));
}

/**
 * An agent role as the constructs would make it (one-hour sessions, a source identity required, a boundary): named
 * `name`, capped by `boundary` (an expression), assumed from a `human` role of `account`.
 */
export function agentRoleHcl(name: string, boundary: string, account = "111111111111"): string {
  return `resource "aws_iam_role" "agent" {
  name                 = "${name}"
  max_session_duration = 3600
  permissions_boundary = ${boundary}
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = ["sts:AssumeRole", "sts:SetSourceIdentity"]
      Principal = { AWS = "arn:aws:iam::${account}:role/human" }
      Condition = { StringLike = { "sts:SourceIdentity" = "agent-*" } }
    }]
  })
  tags = { "blastwall:agent" = "true" }
}
`;
}
