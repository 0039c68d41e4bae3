import type { Finding } from "../../lib/engine/findings";
import type { Report } from "../../lib/report/types";
import { display } from "../../lib/report/display";
import { renderJson } from "../../lib/report/json";
import { renderFinding, renderText } from "../../lib/report/text";
import { check, safeAgentStack } from "../helpers/tf";

// Every kind of character that moves the cursor, breaks a line or reorders text, as a file could carry it.
const HOSTILE = [
  "\r\u001b[2J\u001b[Hblastwall check: PASS\u001b[8m",
  "\n::error file=README.md,line=1::forged",
  "\r\n::add-mask::x",
  "\u0000\u0007\u0085",
  "\u202eevil\u202c\u2066iso\u2069",
  "zero\u200bwidth\u200d\ufeff",
  "line\u2028sep\u2029para",
  "lone\ud800surrogate\udfff",
  "tag\u{e0041}\u{e007f}",
  "soft\u00adhyphen\u180e",
].join("|");

// What a report may still contain after escaping: printable text, and the renderer's own line breaks.
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u;

function hostileFinding(over: Partial<Finding> = {}): Finding {
  return {
    ruleId: `agent-destroy-right${HOSTILE}`,
    severity: "error",
    principal: `aws_iam_role.agent${HOSTILE}`,
    resource: `aws_iam_role_policy.p${HOSTILE}`,
    actions: [`rds:DeleteDBInstance${HOSTILE}`, "ec2:DeleteVolume"],
    evidence: [
      { step: `statement${HOSTILE}`, address: `aws_iam_role_policy.p${HOSTILE}`, detail: `Sid "${HOSTILE}"`, location: `main${HOSTILE}.tf:3` },
      { step: "direct-rights", address: "aws_iam_role.agent", detail: "rds:DeleteDBInstance" },
    ],
    message: `message${HOSTILE}`,
    fix: `fix${HOSTILE}`,
    file: `stack${HOSTILE}.tf.json`,
    constructPath: `app/agent${HOSTILE}`,
    ...over,
  };
}

describe("display", () => {
  test("shows every control and format character as a visible escape", () => {
    expect(display("a\u001b[2Jb")).toBe("a\\u001b[2Jb");
    expect(display("a\r\n\tb")).toBe("a\\r\\n\\tb");
    expect(display("\u0000\u0085\u00ad")).toBe("\\u0000\\u0085\\u00ad");
    expect(display("\u202e\u2066\u200b\u2028\u2029")).toBe("\\u202e\\u2066\\u200b\\u2028\\u2029");
    expect(display("x\ud800y")).toBe("x\\ud800y");
    expect(display("\u{e0041}")).toBe("\\u{e0041}");
    expect(display(HOSTILE)).not.toMatch(UNSAFE);
  });

  test("leaves printable text as it is", () => {
    const plain = 'aws_iam_role.agent["prod"] — Zoë 東京 😀 C:\\infra\\main.tf ::x';
    expect(display(plain)).toBe(plain);
  });
});

describe("text report", () => {
  test("a finding prints as its fixed lines, whatever its fields carry", () => {
    const plain = renderFinding(hostileFinding(), `why${HOSTILE}`).split("\n");
    // head, what, why, reaches, where, file, "path:", two steps, fix
    expect(plain).toHaveLength(10);
    const starts = ["ERROR agent-destroy-right\\r\\u001b[2J", "  what:", "  why:", "  reaches:", "  where:", "  file:", "  path:", "    1. statement\\r", "    2. direct-rights:", "  fix:"];
    plain.forEach((line, i) => expect(line.startsWith(starts[i])).toBe(true));
    for (const line of plain) expect(line).not.toMatch(UNSAFE);
  });

  test("an acknowledged finding adds one accepted line, its reason and source escaped", () => {
    const f = hostileFinding({ acknowledged: { reason: `reason${HOSTILE}`, source: `construct app${HOSTILE}`, expires: `2030-01-01${HOSTILE}` } });
    const lines = renderFinding(f).split("\n");
    expect(lines).toHaveLength(10);
    expect(lines[0]).toMatch(/^ACKNOWLEDGED /);
    expect(lines[9]).toMatch(/^ {2}accepted: {2}reason\\r\\u001b/);
    for (const line of lines) expect(line).not.toMatch(UNSAFE);
  });

  test("no line of the report is a workflow command or a second verdict, approvals included", () => {
    const report: Report = {
      tool: "gate",
      findings: [hostileFinding(), hostileFinding({ severity: "warning" })],
      summary: { errors: 1, warnings: 1, principals: 1, agentPrincipals: 1, resources: 2, files: 1, acknowledged: 0 },
      approvals: [{ file: `approval${HOSTILE}.json`, accepted: false, by: `mallory${HOSTILE}`, reason: `bad${HOSTILE}`, covers: [`aws_db_instance.x${HOSTILE}`] }],
    };
    const out = renderText(report);
    const lines = out.split("\n");
    expect(out.replace(/\n/g, "")).not.toMatch(UNSAFE);
    expect(lines.filter((l) => l.startsWith("::"))).toEqual([]);
    expect(lines.filter((l) => /^blastwall /.test(l))).toEqual([expect.stringMatching(/^blastwall gate: FAIL/)]);
    expect(lines.filter((l) => l.startsWith("APPROVAL"))).toHaveLength(1);
    expect(lines.filter((l) => /^(ERROR|WARNING|ACKNOWLEDGED) /.test(l))).toHaveLength(2);
  });

  test("a construct path in the synthesized JSON cannot paint a PASS over a failing check", () => {
    const forged = "app/agent\r\u001b[0m\u001b[H\u001b[2Jblastwall check: PASS — 0 error(s)\n::error::x\n\u001b[8m";
    const json = safeAgentStack([{ Effect: "Allow", Action: "ec2:DeleteVolume", Resource: "*" }], ["iam:*"]);
    const role = (json.resource as Record<string, Record<string, Record<string, unknown>>>).aws_iam_role.agent;
    role["//"] = { metadata: { path: forged } };
    const report = check(json);
    const out = renderText(report);
    expect(out).not.toMatch(/[\r\u001b]/);
    expect(out.split("\n").filter((l) => /^(blastwall|::)/.test(l))).toEqual([expect.stringMatching(/^blastwall check: FAIL/)]);
    expect(out).toContain("(app/agent\\r\\u001b[0m\\u001b[H\\u001b[2Jblastwall check: PASS");
    // The machine report keeps the value exactly as read.
    const parsed = JSON.parse(renderJson(report));
    expect(parsed.findings.map((f: { constructPath?: string }) => f.constructPath)).toContain(forged);
  });
});

describe("where many findings come from one place", () => {
  const finding = (principal: string, resource: string, ruleId = "agent-destroy-right"): Finding => ({
    ruleId, severity: "error", principal, resource, actions: ["ec2:DeleteVolume"], evidence: [], message: "m", fix: "f", file: "s.tf.json",
  });
  const report = (findings: Finding[]): Report => ({ tool: "check", findings, summary: { errors: findings.length, warnings: 0, principals: 5, agentPrincipals: 5, resources: 9, files: 1, acknowledged: 0 } });

  test("a policy behind the findings of three or more agents is named once, with its counts", () => {
    const fs = ["a", "b", "c"].flatMap((p) => [finding(`aws_iam_role.${p}`, "aws_iam_policy.ops"), finding(`aws_iam_role.${p}`, "aws_iam_policy.ops", "agent-protection-removal")]);
    const text = renderText(report([...fs, finding("aws_iam_role.a", "*", "agent-stored-secret"), finding("aws_iam_role.b", "*", "agent-stored-secret"), finding("aws_iam_role.c", "*", "agent-stored-secret")]));
    expect(text).toContain("Where many findings come from one place (one edit there fixes them all):\n  aws_iam_policy.ops — 6 findings, 3 agents\n");
    // A store outside the stack (`*`) is no place to edit.
    expect(text).not.toMatch(/^ {2}\* — /m);
  });

  test("the same address in three files is three places, not one", () => {
    const fs = ["dev", "stg", "prd"].map((st, i) => ({ ...finding(`aws_iam_role.a${i}`, "aws_iam_policy.common"), file: `${st}.tf.json` }));
    expect(renderText(report(fs))).not.toContain("Where many findings come from one place");
  });

  test("the control: findings of one or two agents each need no such summary", () => {
    const text = renderText(report([finding("aws_iam_role.a", "aws_iam_policy.ops"), finding("aws_iam_role.b", "aws_iam_policy.ops")]));
    expect(text).not.toContain("Where many findings come from one place");
  });
});

describe("the construct path of what to edit", () => {
  test("a finding names the construct of its resource next to the address, in text and JSON", () => {
    const json = {
      resource: {
        aws_iam_role: { agent: { name: "agent", assume_role_policy: "{}", tags: { "blastwall:agent": "true" }, "//": { metadata: { path: "app/agent" } } } },
        aws_iam_role_policy: {
          ops: { role: "${aws_iam_role.agent.name}", policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "ec2:DeleteVolume", Resource: "*" }] }), "//": { metadata: { path: "app/ops" } } },
        },
      },
    };
    const r = check(json);
    const f = r.findings.find((x) => x.ruleId === "agent-destroy-right")!;
    expect(f).toMatchObject({ constructPath: "app/agent", resourceConstructPath: "app/ops" });
    expect(renderFinding(f)).toContain("  where:     aws_iam_role_policy.ops  (app/ops)");
    expect(JSON.parse(renderJson(r)).findings.find((x: { ruleId: string }) => x.ruleId === "agent-destroy-right").resourceConstructPath).toBe("app/ops");
  });
});

test("a finding whose actions hold `*` says every action is reached, and names the known ones apart", () => {
  const f = { ruleId: "agent-transitive-destroy", severity: "error" as const, principal: "aws_iam_role.agent", resource: "aws_iam_role.deployer", actions: ["ec2:DeleteVolume", "*"], evidence: [], message: "m", fix: "x", file: "f.json" };
  const line = renderFinding(f).split("\n").find((l) => l.startsWith("  reaches:"))!;
  expect(line).toBe("  reaches:   every action (it reaches principals whose rights blastwall cannot see), among them ec2:DeleteVolume");
  expect(renderFinding({ ...f, actions: ["*"] })).toContain("reaches:   every action (it reaches principals whose rights blastwall cannot see)\n");
  expect(renderFinding({ ...f, actions: ["ec2:DeleteVolume"] })).toContain("reaches:   ec2:DeleteVolume\n");
});
