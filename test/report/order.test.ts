import { spawnSync } from "child_process";
import { mkdtempSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import type { Finding } from "../../lib/engine/findings";
import { compareText } from "../../lib/engine/text";
import type { Report } from "../../lib/report/types";
import { renderJson } from "../../lib/report/json";
import { renderMermaid } from "../../lib/report/mermaid";
import { renderSarif } from "../../lib/report/sarif";
import { sortFindings } from "../../lib/report/summarize";
import { renderText } from "../../lib/report/text";
import { agentRole, check, policy, tf } from "../helpers/tf";

type Obj = Record<string, unknown>;

/** The same document with every object's keys in reverse order: the same configuration to Terraform. */
function reversed(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(reversed);
  if (v === null || typeof v !== "object") return v;
  return Object.fromEntries(Object.entries(v as Obj).reverse().map(([k, x]) => [k, reversed(x)]));
}

const LAMBDA = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] });

// Red-team round 121: two agents, one of which may assume admin; the other may rewrite both agent2's and admin's trust
// policies, so it reaches admin by two chains, two findings alike in rule, principal and resource.
const twoChains = () =>
  tf({
    "aws_iam_role.agent": agentRole({ name: "agent", assume_role_policy: LAMBDA }),
    "aws_iam_role.agent2": agentRole({ name: "agent2", assume_role_policy: LAMBDA }),
    "aws_iam_role.admin": {
      name: "admin",
      assume_role_policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "${aws_iam_role.agent2.arn}" }, Action: "sts:AssumeRole" }] }),
    },
    "aws_iam_role_policy.ops": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: ["iam:UpdateAssumeRolePolicy"], Resource: "*" }) },
    "aws_iam_role_policy.assume": { role: "${aws_iam_role.agent2.name}", policy: policy({ Sid: "Hop", Effect: "Allow", Action: "sts:AssumeRole", Resource: "${aws_iam_role.admin.arn}" }) },
    "aws_iam_role_policy.adminp": { role: "${aws_iam_role.admin.name}", policy: policy({ Effect: "Allow", Action: "dynamodb:DeleteTable", Resource: "*" }) },
  });

// One policy, two statements, each granting its own destroy right.
const twoStatements = () =>
  tf({
    "aws_iam_role.bot": agentRole({ name: "bot" }),
    "aws_iam_role_policy.p": {
      role: "${aws_iam_role.bot.name}",
      policy: policy({ Sid: "A", Effect: "Allow", Action: "s3:DeleteBucket", Resource: "*" }, { Sid: "B", Effect: "Allow", Action: "ec2:DeleteVolume", Resource: "*" }),
    },
  });

const renders = (r: Report) => [renderText(r), renderJson(r), renderSarif(r, new Map(), "0"), renderMermaid(r)];

describe("reports do not depend on the order of keys in the input (red-team round 121)", () => {
  test.each([
    ["two chains to one role", twoChains],
    ["two statements of one policy", twoStatements],
  ])("%s: text, JSON, SARIF and mermaid are byte-identical with every key reversed", (_, make) => {
    const a = check(make());
    const b = check(reversed(make()) as Obj);
    expect(a.findings.length).toBeGreaterThan(1);
    expect(renders(b)).toEqual(renders(a));
  });

  test("findings alike in rule, principal and resource are ordered by their evidence, whatever order they come in", () => {
    const f = (detail: string, actions: string[]): Finding => ({
      ruleId: "agent-destroy-right",
      severity: "error",
      principal: "aws_iam_role.bot",
      resource: "aws_iam_role_policy.p",
      actions,
      evidence: [{ step: "statement", address: "aws_iam_role_policy.p", detail }],
      message: "can delete",
      fix: "remove it",
      file: "cdk.tf.json",
    });
    const list = [f('statement Sid "B" (#1): Allow ec2:DeleteVolume on *', ["ec2:DeleteVolume"]), f('statement Sid "A" (#0): Allow s3:DeleteBucket on *', ["s3:DeleteBucket"])];
    expect(sortFindings(list).map((x) => x.actions[0])).toEqual(["s3:DeleteBucket", "ec2:DeleteVolume"]);
    expect(sortFindings([...list].reverse())).toEqual(sortFindings(list));
    // Same evidence: the actions, then the message decide.
    const same = [f("x", ["b"]), f("x", ["a"])];
    expect(sortFindings(same).map((x) => x.actions[0])).toEqual(["a", "b"]);
    const worded = [{ ...f("x", ["a"]), message: "b" }, { ...f("x", ["a"]), message: "a" }];
    expect(sortFindings(worded).map((x) => x.message)).toEqual(["a", "b"]);
    expect(sortFindings([...worded].reverse())).toEqual(sortFindings(worded));
  });
});

describe("reports do not depend on the machine's locale (red-team round 121)", () => {
  test("compareText orders by code unit: Danish collation would put \"aa\" after \"z\", and \"B\" comes before \"a\"", () => {
    expect(["z", "aa", "ab"].sort(compareText)).toEqual(["aa", "ab", "z"]);
    expect(["a", "B"].sort(compareText)).toEqual(["B", "a"]);
    expect(compareText("x", "x")).toBe(0);
  });

  test("principals aa, z and ab are in the same order whatever the default locale", () => {
    const json = tf({
      "aws_iam_role.z": agentRole({ name: "z" }),
      "aws_iam_role.aa": agentRole({ name: "aa" }),
      "aws_iam_role.ab": agentRole({ name: "ab" }),
      "aws_iam_role_policy.p": { role: "${aws_iam_role.z.name}", policy: policy({ Effect: "Allow", Action: "ec2:DeleteVolume", Resource: "*" }) },
      "aws_iam_role_policy.q": { role: "${aws_iam_role.aa.name}", policy: policy({ Effect: "Allow", Action: "ec2:DeleteVolume", Resource: "*" }) },
      "aws_iam_role_policy.r": { role: "${aws_iam_role.ab.name}", policy: policy({ Effect: "Allow", Action: "ec2:DeleteVolume", Resource: "*" }) },
    });
    const order = [...new Set(sortFindings(check(json).findings).map((f) => f.principal))];
    expect(order).toEqual(["aws_iam_role.aa", "aws_iam_role.ab", "aws_iam_role.z"]);

    // The CLI under a Danish locale, when this Node reads its locale from LC_ALL (full ICU): the same bytes as under C.
    const dir = mkdtempSync(join(tmpdir(), "blastwall-locale-"));
    const file = join(dir, "cdk.tf.json");
    writeFileSync(file, JSON.stringify(json));
    const bin = join(__dirname, "..", "..", "bin", "blastwall.js");
    const run = (locale: string, args: string[]) => spawnSync(process.execPath, args, { cwd: dir, encoding: "utf8", env: { ...process.env, LC_ALL: locale, LANG: locale } });
    const danish = run("da_DK.UTF-8", ["-e", 'process.stdout.write(String(["z", "aa"].sort((a, b) => a.localeCompare(b))))']).stdout;
    if (danish !== "z,aa") return; // this Node does not follow LC_ALL: the unit tests above stand alone
    const c = run("C", [bin, "check", "--format", "sarif", file]);
    const da = run("da_DK.UTF-8", [bin, "check", "--format", "sarif", file]);
    expect(c.status).toBe(1);
    expect(da.stdout).toBe(c.stdout);
  });
});
