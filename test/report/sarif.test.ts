import { sep } from "path";
import type { Finding, StatementRef } from "../../lib/engine/findings";
import type { Report } from "../../lib/report/types";
import { artifactUri, renderSarif } from "../../lib/report/sarif";
import { agentRole, check, policy, safeAgentStack, tf, TRUST } from "../helpers/tf";

type Obj = Record<string, unknown>;
type Result = {
  message: { text: string };
  locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[];
  partialFingerprints: Record<string, string>;
  suppressions?: { kind: string; justification: string }[];
};

const sarifOf = (r: Report): Result[] => JSON.parse(renderSarif(r, new Map(), "0")).runs[0].results;
const reportOf = (...findings: Finding[]): Report => ({
  tool: "check",
  findings,
  summary: { errors: findings.length, warnings: 0, principals: 1, agentPrincipals: 1, resources: 1, files: 1, acknowledged: 0 },
});
const finding = (over: Partial<Finding> = {}): Finding => ({
  ruleId: "agent-destroy-right",
  severity: "error",
  principal: "aws_iam_role.agent",
  resource: "aws_iam_role_policy.p",
  actions: ["ec2:DeleteVolume"],
  evidence: [{ step: "principal", address: "aws_iam_role.agent", detail: "agent" }],
  message: "can delete",
  fix: "remove it",
  file: "cdk.tf.json",
  ...over,
});

// One finding to acknowledge: an agent whose boundary lets ec2:DeleteVolume through.
const stack = () => safeAgentStack([{ Effect: "Allow", Action: "ec2:DeleteVolume", Resource: "*" }], ["iam:*"]);
const REASON = "volume janitor, reviewed by the platform team";
const destroy = (r: Report) => sarifOf({ ...r, findings: r.findings.filter((f) => f.ruleId === "agent-destroy-right") })[0];

describe("SARIF suppressions", () => {
  test("an acknowledgement written next to the construct is inSource, and says so", () => {
    const json = stack();
    const role = ((json.resource as Obj).aws_iam_role as Obj).agent as Obj;
    role["//"] = { metadata: { path: "app/agent" }, blastwall: { acknowledgements: [{ ruleId: "agent-destroy-right", reason: REASON }] } };
    const s = destroy(check(json, { acknowledgementsInCode: true }))?.suppressions;
    expect(s).toEqual([{ kind: "inSource", justification: expect.stringContaining(REASON) }]);
    expect(s?.[0].justification).toContain("construct app/agent");
  });

  test("one from blastwall.json is external, and names the file", () => {
    const r = check(stack(), { acknowledgements: [{ ruleId: "agent-destroy-right", principal: "aws_iam_role.agent", reason: REASON, expires: "2099-01-01" }] });
    const s = destroy(r)?.suppressions;
    expect(s).toEqual([{ kind: "external", justification: expect.stringContaining(REASON) }]);
    expect(s?.[0].justification).toMatch(/blastwall\.json.*2099-01-01/);
  });

  test("a justification shows control characters as escapes", () => {
    const [r] = sarifOf(reportOf(finding({ acknowledged: { reason: "ok\u001b[8m hidden\nline", source: "blastwall.json" } })));
    expect(r.suppressions?.[0].justification).toMatch(/^ok\\u001b\[8m hidden\\nline/);
  });
});

describe("SARIF fingerprints", () => {
  const fp = (f: Finding) => Object.values(sarifOf(reportOf(f))[0].partialFingerprints);

  test("the same principal and resource in two stacks are two findings", () => {
    expect(fp(finding({ file: "cdktf.out/stacks/prod/cdk.tf.json" }))).not.toEqual(fp(finding({ file: "cdktf.out/stacks/staging/cdk.tf.json" })));
  });

  test("parts cannot run into each other", () => {
    expect(fp(finding({ principal: "a|b", resource: "c" }))).not.toEqual(fp(finding({ principal: "a", resource: "b|c" })));
    expect(fp(finding({ file: "x", principal: "y|z" }))).not.toEqual(fp(finding({ file: "x|y", principal: "z" })));
  });

  test("the same finding keeps its fingerprint", () => {
    expect(fp(finding())).toEqual(fp(finding()));
  });
});

describe("SARIF artifact URIs", () => {
  const uriOf = (f: Partial<Finding>) => sarifOf(reportOf(finding(f)))[0].locations[0].physicalLocation;
  // A URI reference resolved as a consumer would: it must land on the file it was made from.
  const resolvesTo = (uri: string) => decodeURIComponent(new URL(uri, "file:///repo/").pathname);

  test.each(["cdktf.out/stacks/%70rod/cdk.tf.json", "stacks/a#b/cdk.tf.json", "stacks/x?y/cdk.tf.json", "my stacks/ü/cdk.tf.json", "c:d/cdk.tf.json", "50%/a.tf.json"])(
    "%s names its own file",
    (file) => {
      const uri = uriOf({ file }).artifactLocation.uri;
      expect(uri).not.toMatch(/[#?\s]|%(?![0-9A-F]{2})/);
      expect(resolvesTo(uri)).toBe(`/repo/${file}`);
    },
  );

  test("%70rod is not prod", () => {
    expect(uriOf({ file: "cdktf.out/stacks/%70rod/cdk.tf.json" }).artifactLocation.uri).toBe("cdktf.out/stacks/%2570rod/cdk.tf.json");
  });

  test("an HCL folder named like a JSON file points at the .tf file and line inside it", () => {
    const loc = uriOf({ file: "infra.json", evidence: [{ step: "principal", address: "aws_iam_role.agent", detail: "agent", location: "modules/a#1/main.tf:7" }] });
    expect(loc.artifactLocation.uri).toBe("infra.json/modules/a%231/main.tf");
    expect(loc.region.startLine).toBe(7);
  });

  test("a Terraform JSON file points at itself, whatever it is named", () => {
    const loc = uriOf({ file: "stacks/prod.tfjson" });
    expect(loc.artifactLocation.uri).toBe("stacks/prod.tfjson");
    expect(loc.region.startLine).toBe(1);
  });

  (sep === "/" ? test : test.skip)("on POSIX a backslash is part of a name, and absolute paths are file: URIs", () => {
    expect(artifactUri("a\\..\\..\\etc/x.tf.json")).toBe("a%5C..%5C..%5Cetc/x.tf.json");
    expect(artifactUri("/home/ci/a b/cdk.tf.json")).toBe("file:///home/ci/a%20b/cdk.tf.json");
  });
});

describe("SARIF message text", () => {
  test("control characters are escaped and brackets cannot make links", () => {
    const [r] = sarifOf(reportOf(finding({ message: "aws_iam_role.agent\u001b[2J\nforged [click](https://example.invalid)", fix: "fix\u202e" })));
    expect(r.message.text).not.toMatch(/[\p{Cc}\p{Cf}]/u);
    expect(r.message.text).toContain("\\u001b\\[2J\\nforged \\[click\\](https://example.invalid)");
    expect(r.message.text).toContain("fix\\u202e");
  });
});

describe("SARIF fingerprints tell two findings of one rule apart (review round 94)", () => {
  // An agent that may write any object, and an unversioned bucket: one error about the bucket, one warning about
  // stores outside the stack, both on the same principal and the same policy.
  const stackWith = (extra: Record<string, Obj> = {}) =>
    tf({
      "aws_iam_role.agent": agentRole(),
      "aws_iam_role_policy.ops": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: "s3:PutObject", Resource: "*" }) },
      "aws_s3_bucket.b": { bucket: "b" },
      ...extra,
    });
  const overwrites = (r: Report) => r.findings.filter((f) => f.ruleId === "agent-overwrite-unprotected");
  // Each overwrite finding by its level, with its fingerprint.
  const fps = (r: Report) =>
    new Map<string, string>(
      JSON.parse(renderSarif({ ...r, findings: overwrites(r) }, new Map(), "0")).runs[0].results.map((x: { level: string; partialFingerprints: Record<string, string> }) => [
        x.level,
        Object.values(x.partialFingerprints)[0],
      ]),
    );

  test("the error about the bucket and the warning about stores outside the stack differ", () => {
    const r = check(stackWith());
    const two = overwrites(r);
    expect(two.map((f) => f.severity).sort()).toEqual(["error", "warning"]);
    expect(two[0].principal).toBe(two[1].principal);
    expect(two[0].resource).toBe(two[1].resource);
    const results = sarifOf({ ...r, findings: two });
    expect(results).toHaveLength(2);
    expect(results[0].partialFingerprints).not.toEqual(results[1].partialFingerprints);
    // control: no two results of the whole report share one
    const all = sarifOf(r).map((x) => JSON.stringify(x.partialFingerprints));
    expect(new Set(all).size).toBe(all.length);
  });

  test("a finding keeps its fingerprint when an unrelated resource is added", () => {
    const before = fps(check(stackWith()));
    const after = fps(check(stackWith({ "aws_sns_topic.unrelated": { name: "t" }, "aws_iam_role.ci": { name: "ci", assume_role_policy: TRUST } })));
    expect(before.size).toBe(2);
    for (const [key, fp] of before) expect(after.get(key)).toBe(fp);
  });

  test("rewording the message does not change it; another evidence path does", () => {
    const fp1 = (over: Partial<Finding>) => Object.values(sarifOf(reportOf(finding(over)))[0].partialFingerprints)[0];
    expect(fp1({ message: "can act as principals in 73 way(s)" })).toBe(fp1({ message: "may act, in 74 ways, as principals" }));
    const to = (address: string) => [{ step: "principal", address: "aws_iam_role.agent", detail: "agent" }, { step: "resource", address, detail: "holds data" }];
    expect(fp1({ evidence: to("aws_s3_bucket.b") })).not.toBe(fp1({ evidence: to("unknown:stores:*") }));
    // The detail text is wording too.
    expect(fp1({ evidence: [{ step: "principal", address: "aws_iam_role.agent", detail: "an agent" }] })).toBe(fp1({ evidence: [{ step: "principal", address: "aws_iam_role.agent", detail: "agent" }] }));
  });
});

describe("SARIF fingerprints tell apart the statements that grant (red-team round 121)", () => {
  const role = (extra: Obj = {}) => agentRole({ name: "bot", ...extra });
  const stmt = (sid: string | undefined, action: string, resource = "*") => ({ ...(sid ? { Sid: sid } : {}), Effect: "Allow", Action: action, Resource: resource });
  const onePolicy = (...statements: Obj[]) => tf({ "aws_iam_role.bot": role(), "aws_iam_role_policy.p": { role: "${aws_iam_role.bot.name}", policy: policy(...statements) } });
  const inline = (...blocks: [string, Obj][]) => tf({ "aws_iam_role.bot": role({ inline_policy: blocks.map(([name, s]) => ({ name, policy: policy(s) })) }) });
  const results = (r: Report) =>
    JSON.parse(renderSarif(r, new Map(), "0")).runs[0].results as { ruleId: string; properties: { actions: string[] }; partialFingerprints: Record<string, string> }[];
  // The destroy-right findings' fingerprints, by the actions each grants.
  const destroyFps = (r: Report) =>
    new Map(results(r).filter((x) => x.ruleId === "agent-destroy-right").map((x) => [x.properties.actions.join(","), Object.values(x.partialFingerprints)[0]]));
  const allUnique = (r: Report) => {
    const all = results(r).map((x) => JSON.stringify(x.partialFingerprints));
    expect(all.length).toBeGreaterThanOrEqual(2);
    expect(new Set(all).size).toBe(all.length);
  };

  test("two statements of one policy (Sid A, Sid B) get two fingerprints, and no two results of the run share one", () => {
    const r = check(onePolicy(stmt("A", "s3:DeleteBucket"), stmt("B", "ec2:DeleteVolume")));
    expect(destroyFps(r).size).toBe(2);
    allUnique(r);
  });

  test("two inline_policy blocks of one role get two fingerprints", () => {
    const r = check(inline(["first", stmt(undefined, "s3:DeleteBucket")], ["second", stmt(undefined, "ec2:DeleteVolume")]));
    expect(destroyFps(r).size).toBe(2);
    allUnique(r);
  });

  test("two statements without a Sid granting the same action on two buckets still get two", () => {
    const r = check(onePolicy(stmt(undefined, "s3:DeleteBucket", "arn:aws:s3:::a"), stmt(undefined, "s3:DeleteBucket", "arn:aws:s3:::b")));
    expect(results(r).filter((x) => x.ruleId === "agent-destroy-right")).toHaveLength(2);
    allUnique(r);
  });

  test("a statement inserted before keeps the others' fingerprints (the index moves, the Sid does not)", () => {
    const before = destroyFps(check(onePolicy(stmt("A", "s3:DeleteBucket"), stmt("B", "ec2:DeleteVolume"))));
    const after = destroyFps(check(onePolicy(stmt("C", "rds:DeleteDBInstance"), stmt("A", "s3:DeleteBucket"), stmt("B", "ec2:DeleteVolume"))));
    expect(after.get("s3:DeleteBucket")).toBe(before.get("s3:DeleteBucket"));
    expect(after.get("ec2:DeleteVolume")).toBe(before.get("ec2:DeleteVolume"));
    // Without a Sid too: the actions tell them apart.
    const plain = destroyFps(check(onePolicy(stmt(undefined, "s3:DeleteBucket"), stmt(undefined, "ec2:DeleteVolume"))));
    const inserted = destroyFps(check(onePolicy(stmt(undefined, "rds:DeleteDBInstance"), stmt(undefined, "s3:DeleteBucket"), stmt(undefined, "ec2:DeleteVolume"))));
    expect(inserted.get("s3:DeleteBucket")).toBe(plain.get("s3:DeleteBucket"));
    expect(inserted.get("ec2:DeleteVolume")).toBe(plain.get("ec2:DeleteVolume"));
  });

  test("an inline policy added before keeps the others' fingerprints", () => {
    const before = destroyFps(check(inline(["first", stmt(undefined, "s3:DeleteBucket")], ["second", stmt(undefined, "ec2:DeleteVolume")])));
    const after = destroyFps(check(inline(["zero", stmt(undefined, "rds:DeleteDBInstance")], ["first", stmt(undefined, "s3:DeleteBucket")], ["second", stmt(undefined, "ec2:DeleteVolume")])));
    expect(after.get("s3:DeleteBucket")).toBe(before.get("s3:DeleteBucket"));
    expect(after.get("ec2:DeleteVolume")).toBe(before.get("ec2:DeleteVolume"));
  });

  test("the statement's Sid counts, its index and the rest of the step's wording do not", () => {
    const fp1 = (detail: string, ref: Omit<StatementRef, "policy">) =>
      Object.values(sarifOf(reportOf(finding({ evidence: [{ step: "statement", address: "aws_iam_role_policy.p", detail, statements: [{ policy: "aws_iam_role_policy.p", ...ref }] }] })))[0].partialFingerprints)[0];
    expect(fp1('statement Sid "A" (#0): Allow ec2:DeleteVolume on *', { sid: "A", index: 0 })).toBe(fp1('statement Sid "A" (#3): Allow ec2:Delete* on *', { sid: "A", index: 3 }));
    expect(fp1('statement Sid "A" (#0): Allow ec2:DeleteVolume on *', { sid: "A", index: 0 })).not.toBe(fp1('statement Sid "B" (#0): Allow ec2:DeleteVolume on *', { sid: "B", index: 0 }));
    expect(fp1('inline_policy "first" statement #0: Allow ec2:DeleteVolume on *', { inlinePolicy: 'inline_policy "first"', index: 0 })).not.toBe(
      fp1('inline_policy "second" statement #0: Allow ec2:DeleteVolume on *', { inlinePolicy: 'inline_policy "second"', index: 0 }),
    );
    expect(fp1("statement #0: Allow ec2:DeleteVolume on *", { index: 0 })).toBe(fp1("statement #4: Allow ec2:DeleteVolume on *", { index: 4 }));
  });

  test("the statements come from the step's `statements`, not from its text", () => {
    const fp1 = (detail: string, statements?: StatementRef[]) =>
      Object.values(sarifOf(reportOf(finding({ evidence: [{ step: "statement", address: "aws_iam_role_policy.p", detail, ...(statements ? { statements } : {}) }] })))[0].partialFingerprints)[0];
    const a: StatementRef = { policy: "aws_iam_role_policy.p", sid: "A", index: 0 };
    // Text that looks like a statement's name names none: an address or a condition value may read so.
    expect(fp1('statement Sid "A" (#0): Allow ec2:DeleteVolume on *')).toBe(fp1('statement Sid "B" (#0): Allow ec2:DeleteVolume on *'));
    expect(fp1('statement Sid "B" (#0): Allow ec2:DeleteVolume on *', [a])).toBe(fp1('statement Sid "A" (#0): Allow ec2:DeleteVolume on *', [a]));
    expect(fp1("x", [a])).not.toBe(fp1("x", [{ ...a, sid: "B" }]));
  });

  // Computed by the build before `statements` existed, when the fingerprint read the Sids and inline policies out of
  // the evidence text: an alert keeps its fingerprint across the change. A statement without a Sid is known by what it
  // says since (its `digest`, not its order in the report): those were computed after that change, and pin it.
  describe("fingerprints stay those v4 read from the evidence text", () => {
    const fps = (r: Report) => results(r).map((x) => `${x.ruleId} ${x.properties.actions.join(",")} ${Object.values(x.partialFingerprints)[0]}`);
    test("Sids holding quotes and parentheses", () => {
      const r = check(onePolicy(stmt('Ops "prod" (delete)', "s3:DeleteBucket"), stmt("x) (#9", "ec2:DeleteVolume")));
      expect(fps(r)).toEqual(["agent-destroy-right s3:DeleteBucket 0892885192ee3b3f260457400d4ae541", "agent-destroy-right ec2:DeleteVolume 71848bbdc38959a4a4e1f9ec3efc12ba"]);
    });
    test("inline policies named with quotes and parentheses, and one without a name", () => {
      const r = check(
        tf({
          "aws_iam_role.bot": role({
            inline_policy: [
              { name: 'ops "a"', policy: policy(stmt("A", "s3:DeleteBucket")) },
              { name: "ops (b)", policy: policy(stmt(undefined, "ec2:DeleteVolume")) },
              { policy: policy(stmt(undefined, "rds:DeleteDBInstance")) },
            ],
          }),
        }),
      );
      expect(fps(r)).toEqual([
        // No Sid: known by its digest.
        "agent-destroy-right ec2:DeleteVolume 6efffe9307ef0f101492fdc7b1715913",
        // Sid "A" in a named block: as v4 always had it.
        "agent-destroy-right s3:DeleteBucket 83f99fdd87377214dd6d0fa00617c13e",
        // No Sid, in a block without a name (inline_policy[2]): known by its digest.
        "agent-destroy-right rds:DeleteDBInstance c08ed9ee07f61a29724d6742ae18478c",
      ]);
    });
    test("two statements without a Sid (since their digests: on bucket a, on bucket b)", () => {
      const r = check(onePolicy(stmt(undefined, "s3:DeleteBucket", "arn:aws:s3:::a"), stmt(undefined, "s3:DeleteBucket", "arn:aws:s3:::b")));
      expect(fps(r)).toEqual(["agent-destroy-right s3:DeleteBucket a54cfed841fe8184f028e097b596f76b", "agent-destroy-right s3:DeleteBucket 29c17570630a3a9789b450ac4b09a324"]);
    });
  });

  test("the actions count, in any order", () => {
    const fp1 = (actions: string[]) => Object.values(sarifOf(reportOf(finding({ actions })))[0].partialFingerprints)[0];
    expect(fp1(["ec2:DeleteVolume", "s3:DeleteBucket"])).toBe(fp1(["s3:DeleteBucket", "ec2:DeleteVolume"]));
    expect(fp1(["ec2:DeleteVolume"])).not.toBe(fp1(["s3:DeleteBucket"]));
  });

  test("the key is blastwallFinding/v4", () => {
    expect(Object.keys(sarifOf(reportOf(finding()))[0].partialFingerprints)).toEqual(["blastwallFinding/v4"]);
  });
});

describe("SARIF rules carry GitHub's security tag and severity (red-team round 121)", () => {
  const meta = (id: string, severity: "error" | "warning", category: string) => ({ id, title: id, why: "w", fix: "f", severity, category });
  const rulesOf = (r: Report, metas: ReturnType<typeof meta>[]) =>
    new Map(
      (JSON.parse(renderSarif(r, new Map(metas.map((m) => [m.id, m])), "0")).runs[0].tool.driver.rules as { id: string; properties: Obj }[]).map((x) => [x.id, x.properties]),
    );

  test("an error about rights an agent holds or reaches is critical, another error high, a warning medium", () => {
    const metas = [meta("agent-destroy-right", "error", "agent-rights"), meta("agent-transitive-destroy", "error", "reach"), meta("rds-deletion-protection", "error", "protection"), meta("unanalysable-policy", "error", "input"), meta("agent-runner-rights", "warning", "reach")];
    const r = reportOf(...metas.map((m) => finding({ ruleId: m.id, severity: m.severity })));
    const props = rulesOf(r, metas);
    expect([...props].map(([id, p]) => [id, p["security-severity"]])).toEqual([
      ["agent-destroy-right", "9.5"],
      ["agent-runner-rights", "5.0"],
      ["agent-transitive-destroy", "9.5"],
      ["rds-deletion-protection", "7.5"],
      ["unanalysable-policy", "7.5"],
    ]);
    for (const p of props.values()) expect(p.tags).toEqual(["security"]);
  });

  test("a check run's rules all have a numeric security-severity GitHub reads as critical, high or medium", () => {
    const r = check(safeAgentStack([{ Effect: "Allow", Action: "ec2:DeleteVolume", Resource: "*" }], ["iam:*"]));
    const rules = JSON.parse(renderSarif(r, new Map((r.rules ?? []).map((m) => [m.id, m])), "0")).runs[0].tool.driver.rules as { id: string; properties: Obj }[];
    expect(rules.length).toBeGreaterThan(0);
    for (const x of rules) expect(["9.5", "7.5", "5.0"]).toContain(x.properties["security-severity"]);
    expect(rules.find((x) => x.id === "agent-destroy-right")?.properties["security-severity"]).toBe("9.5");
  });
});

/**
 * A rule's `details` (the long account docs/rules.md gives, such as every route agent-transitive-destroy follows) was
 * in no report: SARIF's rule help now carries it, then the fix, in the two forms viewers show (help.markdown where
 * there is one, else help.text), while shortDescription stays the title and fullDescription the short why.
 */
describe("SARIF rule help carries the rule's details and fix", () => {
  type Rule = { id: string; shortDescription: { text: string }; fullDescription: { text: string }; help: { text: string; markdown: string } };
  const base = { id: "agent-transitive-destroy", title: "T", why: "W.", fix: "Cut the `first` link.", severity: "error" as const, category: "reach" };
  const ruleOf = (r: Report, metas: (typeof base & { details?: string })[]) =>
    (JSON.parse(renderSarif(r, new Map(metas.map((m) => [m.id, m])), "0")).runs[0].tool.driver.rules as Rule[]).find((x) => x.id === metas[0].id)!;
  const report = reportOf(finding({ ruleId: base.id }));

  test("details, then the fix, in text and in markdown, with the details' own line breaks; title and why stay where they were", () => {
    const rule = ruleOf(report, [{ ...base, details: "Routes:\n- a [queue](x) it sends to\n- a topic" }]);
    expect(rule.shortDescription.text).toBe("T");
    expect(rule.fullDescription.text).toBe("W.");
    expect(rule.help.text).toBe("In detail:\nRoutes:\n- a \\[queue\\](x) it sends to\n- a topic\n\nFix: Cut the `first` link.");
    expect(rule.help.markdown).toBe("*In detail:*\n\nRoutes:\n- a [queue](x) it sends to\n- a topic\n\n*Fix:* Cut the `first` link.");
  });

  test("control: a rule without details has the fix alone", () => {
    const rule = ruleOf(report, [base]);
    expect(rule.help).toEqual({ text: "Fix: Cut the `first` link.", markdown: "*Fix:* Cut the `first` link." });
  });

  test("a control character in them is still shown escaped, in both forms", () => {
    const rule = ruleOf(report, [{ ...base, details: "one\u001b[2J\ntwo\rthree" }]);
    expect(rule.help.text).toContain("one\\u001b\\[2J\ntwo\\rthree");
    expect(rule.help.markdown).toContain("one\\u001b[2J\ntwo\\rthree");
  });

  test("a check run: agent-transitive-destroy's help holds its whole details, its fullDescription only the short why", () => {
    const json = tf({
      "aws_iam_role.agent": { name: "agent", assume_role_policy: TRUST, tags: { "blastwall:agent": "true" } },
      "aws_iam_role_policy.agent": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: "sts:AssumeRole", Resource: "${aws_iam_role.deploy.arn}" }) },
      "aws_iam_role.deploy": { name: "deploy", assume_role_policy: policy({ Effect: "Allow", Principal: { AWS: "${aws_iam_role.agent.arn}" }, Action: "sts:AssumeRole" }) },
      "aws_iam_role_policy.deploy": { role: "${aws_iam_role.deploy.name}", policy: policy({ Effect: "Allow", Action: "rds:DeleteDBInstance", Resource: "*" }) },
    });
    const r = check(json);
    const meta = (r.rules ?? []).find((m) => m.id === "agent-transitive-destroy")!;
    expect(meta.details?.length ?? 0).toBeGreaterThan(1000);
    const rule = (JSON.parse(renderSarif(r, new Map((r.rules ?? []).map((m) => [m.id, m])), "0")).runs[0].tool.driver.rules as Rule[]).find((x) => x.id === meta.id)!;
    expect(rule.shortDescription.text).toBe(meta.title);
    expect(rule.fullDescription.text).toBe(meta.why);
    expect(rule.help.markdown).toBe(`*In detail:*\n\n${meta.details!.trim()}\n\n*Fix:* ${meta.fix}`);
    expect(rule.help.text.startsWith("In detail:\n")).toBe(true);
    expect(rule.help.text.endsWith(`Fix: ${meta.fix.replace(/[[\]]/g, (b) => `\\${b}`)}`)).toBe(true);
  });
});
