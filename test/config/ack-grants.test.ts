/**
 * Acknowledgements pinned to what was reviewed (`grants`), red-team round 141: an acknowledgement matched by rule,
 * principal, resource and action names kept covering `ec2:DeleteVolume` after its condition was dropped and its
 * Resource set to `*`, and a second policy granting the same action; one of `unknown-module` survived a new source.
 */
import { checkStacks } from "../../lib/check/run-check";
import { buildStack } from "../../lib/engine/terraform/stack";
import { rule as unknownModule } from "../../lib/rules/unknown-module";
import { rule as deletionProtection } from "../../lib/rules/rds-deletion-protection";
import { rule as sessionDuration } from "../../lib/rules/agent-session-duration";
import { parseConfig } from "../../lib/config/load-config";
import { renderJson } from "../../lib/report/json";
import { renderText } from "../../lib/report/text";
import { renderSarif } from "../../lib/report/sarif";
import type { BlastwallConfig } from "../../lib/engine/config-types";
import type { Finding } from "../../lib/engine/findings";
import { agentRole, check, policy, tf } from "../helpers/tf";

type Entry = NonNullable<BlastwallConfig["acknowledgements"]>[number];

const NOW = new Date("2026-11-26T12:00:00Z");
const REASON = "deletes scratch volumes tagged env=scratch only; reviewed by platform team";
const SCRATCH = {
  Sid: "Vol",
  Effect: "Allow",
  Action: ["ec2:DeleteVolume"],
  Resource: "arn:aws:ec2:eu-central-1:111111111111:volume/*",
  Condition: { StringEquals: { "aws:ResourceTag/env": "scratch" } },
};

/** The janitor agent, its policy `ops` holding `statements`, and other policies as given. */
function janitor(statements: Record<string, unknown>[], more: Record<string, Record<string, unknown>[]> = {}) {
  const entries: Record<string, Record<string, unknown>> = {
    "aws_iam_role.janitor": agentRole({ name: "janitor" }),
    "aws_iam_role_policy.ops": { role: "${aws_iam_role.janitor.name}", policy: policy(...statements) },
  };
  for (const [name, st] of Object.entries(more)) entries[`aws_iam_role_policy.${name}`] = { role: "${aws_iam_role.janitor.name}", policy: policy(...st) };
  return tf(entries);
}

const destroy = (config: BlastwallConfig, json: ReturnType<typeof janitor>) => {
  const r = check(json, config, { now: NOW });
  return { r, found: r.findings.filter((f) => f.ruleId === "agent-destroy-right") };
};
const base: Entry = { ruleId: "agent-destroy-right", principal: "aws_iam_role.janitor", actions: ["ec2:DeleteVolume"], reason: REASON };
const reviewedGrants = () => destroy({}, janitor([SCRATCH])).found[0].grants!;

describe("a finding's grants digest", () => {
  test("is 16 hex digits, in the JSON and SARIF reports and the text report", () => {
    const { r, found } = destroy({}, janitor([SCRATCH]));
    expect(found[0].grants).toMatch(/^[0-9a-f]{16}$/);
    const json = JSON.parse(renderJson(r)).findings.find((f: Finding) => f.ruleId === "agent-destroy-right");
    expect(json.grants).toBe(found[0].grants);
    const sarif = JSON.parse(renderSarif(r, new Map(), "0.0.0")).runs[0].results.find((x: { ruleId: string }) => x.ruleId === "agent-destroy-right");
    expect(sarif.properties.grants).toBe(found[0].grants);
    expect(renderText(r)).toContain(`grants:    ${found[0].grants}`);
  });

  test("changes with the statement's condition, its Resource, its actions or its effect's principal", () => {
    const g = reviewedGrants();
    const { Condition: _c, ...noCondition } = SCRATCH;
    void _c;
    expect(destroy({}, janitor([noCondition])).found[0].grants).not.toBe(g);
    expect(destroy({}, janitor([{ ...SCRATCH, Resource: "*" }])).found[0].grants).not.toBe(g);
    expect(destroy({}, janitor([{ ...SCRATCH, Condition: { StringEquals: { "aws:ResourceTag/env": "prod" } } }])).found[0].grants).not.toBe(g);
    expect(destroy({}, janitor([{ ...SCRATCH, Action: ["ec2:DeleteVolume", "ec2:DescribeVolumes"] }])).found[0].grants).not.toBe(g);
  });

  test("the control: the same statements in another order, or renamed (Sid), keep the digest; a position is not what was reviewed", () => {
    const read = { Sid: "Read", Effect: "Allow", Action: ["ec2:DescribeVolumes"], Resource: "*" };
    const g = destroy({}, janitor([SCRATCH, read])).found[0].grants;
    expect(destroy({}, janitor([read, { ...SCRATCH, Sid: "ScratchOnly" }])).found[0].grants).toBe(g);
  });

  // Red-team round 146, F1: another right of the agent can meet a condition the reviewed grant relies on (ec2:CreateTags
  // beside a DeleteVolume limited to volumes tagged env=scratch): every statement of its policies is what was reviewed.
  test("another right added to the agent gives another digest", () => {
    const g = reviewedGrants();
    expect(destroy({}, janitor([SCRATCH, { Sid: "Tag", Effect: "Allow", Action: ["ec2:CreateTags"], Resource: "*" }])).found[0].grants).not.toBe(g);
  });
});

describe("an acknowledgement pinned with grants (red-team round 141 F1)", () => {
  test("the control: it covers the finding it was reviewed for, and the report says it is pinned", () => {
    const entry = { ...base, grants: reviewedGrants() };
    const { r, found } = destroy({ acknowledgements: [entry] }, janitor([SCRATCH]));
    expect(found[0].acknowledged).toMatchObject({ grants: entry.grants });
    expect(renderText(r)).toContain(`for ec2:DeleteVolume only, pinned to grants ${entry.grants})`);
    expect(r.findings.map((f) => f.ruleId)).not.toContain("acknowledgement-unpinned");
  });

  test("the condition dropped and Resource set to *: not covered, naming both digests and the entry to paste", () => {
    const g = reviewedGrants();
    const { found } = destroy({ acknowledgements: [{ ...base, resource: "aws_iam_role_policy.ops", grants: g }] }, janitor([{ Sid: "Vol", Effect: "Allow", Action: ["ec2:DeleteVolume"], Resource: "*" }]));
    const [f] = found;
    expect(f.acknowledged).toBeUndefined();
    expect(f.severity).toBe("error");
    expect(f.message).toContain(`the statements changed since the acknowledgement was given (reviewed: ${g}, now: ${f.grants})`);
    const pasted = JSON.parse(/: (\{.*\})$/.exec(f.fix)![1]) as Entry;
    expect(pasted).toEqual({ ...base, resource: "aws_iam_role_policy.ops", grants: f.grants, reason: "" });
    // Once reviewed, its reason written and pasted, the entry covers the widened right as it now is.
    const again = destroy({ acknowledgements: [{ ...pasted, reason: "any volume: the account holds scratch volumes only" }] }, janitor([{ Sid: "Vol", Effect: "Allow", Action: ["ec2:DeleteVolume"], Resource: "*" }]));
    expect(again.found[0].acknowledged).toBeDefined();
  });

  test("the suggested entry does not carry the old reason: it shows it as was, and the config refuses the entry until a reason is written (red-team round 161, F2)", () => {
    const g = reviewedGrants();
    const [f] = destroy({ acknowledgements: [{ ...base, resource: "aws_iam_role_policy.ops", grants: g }] }, janitor([{ Sid: "Vol", Effect: "Allow", Action: ["ec2:DeleteVolume"], Resource: "*" }])).found;
    expect(f.message).toContain(`Its reason was written for what was reviewed then (was: ${JSON.stringify(REASON)}), and may be false now`);
    expect(f.message).toContain("it cannot say which part changed");
    expect(f.fix).toContain('write in its empty "reason" why the finding is acceptable as it is now (the config is refused, exit 2, until it says so in at least 10 characters)');
    expect(f.fix).not.toContain(REASON);
    const pasted = JSON.parse(/: (\{.*\})$/.exec(f.fix)![1]) as Entry;
    expect(() => parseConfig({ acknowledgements: [pasted] }, "blastwall.json")).toThrow(
      /acknowledgements\[0\]\.reason: is empty: write why the finding is acceptable as it is now, in at least 10 characters/,
    );
    // Nor does a placeholder written into it pass.
    expect(() => parseConfig({ acknowledgements: [{ ...pasted, reason: "TODO: fill in" }] }, "blastwall.json")).toThrow(/acknowledgements\[0\]\.reason: "TODO: fill in" is a placeholder, not a reason/);
    // Control: a reason too short but not empty keeps the usual line.
    expect(() => parseConfig({ acknowledgements: [{ ...pasted, reason: "ok" }] }, "blastwall.json")).toThrow(/acknowledgements\[0\]\.reason: must be at least 10 characters long \(got 2\)/);
  });

  test("a second policy granting the same action is not covered by the entry without resource, nor is the reviewed one: the agent's policies changed", () => {
    const entry = { ...base, grants: reviewedGrants() };
    const { r, found } = destroy({ acknowledgements: [entry] }, janitor([SCRATCH], { more: [{ Effect: "Allow", Action: "ec2:DeleteVolume", Resource: "*" }] }));
    const by = (res: string) => found.find((f) => f.resource === res)!;
    expect(by("aws_iam_role_policy.ops").acknowledged).toBeUndefined();
    expect(by("aws_iam_role_policy.more").acknowledged).toBeUndefined();
    expect(by("aws_iam_role_policy.more").message).toMatch(/or another statement grants it: it is not covered/);
    expect(r.summary.errors).toBeGreaterThan(0);
  });

  test("a pinned acknowledgement does not cover a finding without a digest (fail closed)", async () => {
    const { markAcknowledged } = await import("../../lib/config/acknowledgements");
    const f = { ...destroy({}, janitor([SCRATCH])).found[0], grants: undefined };
    const [out] = markAcknowledged([f], [{ ...base, grants: reviewedGrants() }], NOW);
    expect(out.acknowledged).toBeUndefined();
    expect(out.message).toContain("now: none");
  });
});

describe("an acknowledgement without grants", () => {
  test("still covers as before, and an acknowledgement-unpinned warning gives the entry with the digest", () => {
    const { r, found } = destroy({ acknowledgements: [base] }, janitor([SCRATCH]));
    expect(found[0].acknowledged).toBeDefined();
    const w = r.findings.filter((f) => f.ruleId === "acknowledgement-unpinned");
    expect(w.map((f) => [f.severity, f.principal])).toEqual([["warning", "aws_iam_role.janitor"]]);
    const { reason, ...limits } = base;
    expect(w[0].fix).toContain(`replace the entry in blastwall.json with this one: ${JSON.stringify({ ...limits, resource: "aws_iam_role_policy.ops", grants: found[0].grants, reason })}`);
  });

  test("the severity map raises the warning to an error (to require pinned ones) or turns it off", () => {
    const raised = destroy({ acknowledgements: [base], severity: { "acknowledgement-unpinned": "error" } }, janitor([SCRATCH])).r;
    expect(raised.findings.find((f) => f.ruleId === "acknowledgement-unpinned")?.severity).toBe("error");
    const off = destroy({ acknowledgements: [base], severity: { "acknowledgement-unpinned": "off" } }, janitor([SCRATCH])).r;
    expect(off.findings.map((f) => f.ruleId)).not.toContain("acknowledgement-unpinned");
  });

  test("the control: one that covers nothing raises no unpinned warning", () => {
    const r = destroy({ acknowledgements: [{ ...base, principal: "aws_iam_role.other" }] }, janitor([SCRATCH])).r;
    expect(r.findings.map((f) => f.ruleId)).not.toContain("acknowledgement-unpinned");
  });
});

describe('"actions": ["*"] (red-team round 141 F10)', () => {
  test('is reported as no action limit, not "for * only"', () => {
    const { r } = destroy({ acknowledgements: [{ ...base, actions: ["*"], grants: reviewedGrants() }] }, janitor([SCRATCH]));
    const text = renderText(r);
    expect(text).toContain(`for every action ("*" sets no limit)`);
    expect(text).not.toMatch(/for \* only/);
    const sarif = renderSarif(r, new Map(), "0.0.0");
    expect(sarif).toContain(`for every action (\\"*\\" sets no limit)`);
  });

  test("the control: a real limit is still printed as one", () => {
    expect(renderText(destroy({ acknowledgements: [base] }, janitor([SCRATCH])).r)).toContain("for ec2:DeleteVolume only");
  });
});

describe("the grants key in blastwall.json", () => {
  test("takes 16 hex digits", () => {
    expect(() => parseConfig({ acknowledgements: [{ ...base, grants: "0123456789abcdef" }] }, "blastwall.json")).not.toThrow();
  });
  test.each(["51db066e", "51DB066E8FD7508E", "sha256:51db066e8fd7508e", ""])("refuses %j, naming the key", (g) => {
    expect(() => parseConfig({ acknowledgements: [{ ...base, grants: g }] }, "blastwall.json")).toThrow(/acknowledgements\[0\]\.grants: must be the 16 hex digits of a finding's grants/);
  });
});

describe("an unknown-module acknowledgement pinned with grants (red-team round 141 F2)", () => {
  const stack = (module: Record<string, unknown>) => buildStack({ module: { vpc: module } }, "cdktf.out/stacks/net/cdk.tf.json", "net");
  const run = (module: Record<string, unknown>, acknowledgements: Entry[] = []) =>
    checkStacks([stack(module)], { config: { acknowledgements }, now: NOW, rules: [unknownModule] }).findings.filter((f) => f.ruleId === "unknown-module");
  const REVIEWED = { source: "terraform-aws-modules/vpc/aws", version: "5.1.0", name: "main" };
  const entry = (): Entry => ({ ruleId: "unknown-module", principal: "module.vpc", grants: run(REVIEWED)[0].grants, reason: "reviewed vpc 5.1.0: creates no IAM" });

  test("the message names the version reviewed", () => {
    expect(run(REVIEWED)[0].message).toContain("(source terraform-aws-modules/vpc/aws, version 5.1.0)");
  });

  test("the control: it covers the module as reviewed, and after a \"//\" note is written on the call (as acknowledging in code does)", () => {
    expect(run(REVIEWED, [entry()])[0].acknowledged).toBeDefined();
    expect(run({ ...REVIEWED, "//": { metadata: { path: "net/vpc" } } }, [entry()])[0].acknowledged).toBeDefined();
  });

  // An input change used to stay covered (the module was hashed by source and version only): that was wrong, as nothing
  // else judges what an unread module does with its inputs (red-team round 144, F3).
  test.each([
    ["another source", { source: "git::https://github.com/evil/agent-admin.git?ref=main", name: "main" }],
    ["another version", { ...REVIEWED, version: "5.2.0" }],
    ["another input", { ...REVIEWED, name: "other" }],
    ["a count", { ...REVIEWED, count: 2 }],
  ])("%s: not covered, and the message says what it is about changed", (_name, module) => {
    const [f] = run(module, [entry()]);
    expect(f.acknowledged).toBeUndefined();
    expect(f.message).toMatch(/what it is about \(module\.vpc: its source, version and inputs\) changed since the acknowledgement was given \(reviewed: [0-9a-f]{16}, now: [0-9a-f]{16}\)/);
  });
});

describe("a finding about a block (no statements) pinned with grants", () => {
  // The synth gate reads toTerraform(), whose keys come in the constructs' order; cdktf writes cdk.tf.json with them
  // sorted. One block gave two digests, so a pinned acknowledgement held in `blastwall check` and failed synth.
  const db = (values: Record<string, unknown>) =>
    checkStacks([buildStack({ resource: { aws_db_instance: { orders: values } } }, "cdktf.out/stacks/db/cdk.tf.json", "db")], {
      config: { acknowledgements: [] },
      now: NOW,
      rules: [deletionProtection],
    }).findings.filter((f) => f.ruleId === "rds-deletion-protection");
  const VALUES = { identifier: "orders", engine: "postgres", instance_class: "db.t4g.micro", deletion_protection: false, tags: { team: "a", env: "prod" } };
  const reordered = { tags: { env: "prod", team: "a" }, deletion_protection: false, instance_class: "db.t4g.micro", engine: "postgres", identifier: "orders" };

  test("the same block with its keys in another order has the same digest", () => {
    expect(db(reordered)[0].grants).toBe(db(VALUES)[0].grants);
  });

  test("control: another value in the block is another digest, and the message names the block", () => {
    const reviewed = db(VALUES)[0].grants;
    const changed = checkStacks([buildStack({ resource: { aws_db_instance: { orders: { ...VALUES, identifier: "orders-prod" } } } }, "cdktf.out/stacks/db/cdk.tf.json", "db")], {
      config: { acknowledgements: [{ ruleId: "rds-deletion-protection", principal: "aws_db_instance.orders", grants: reviewed, reason: "a test database that is rebuilt every night" }] },
      now: NOW,
      rules: [deletionProtection],
    }).findings.filter((f) => f.ruleId === "rds-deletion-protection")[0];
    expect(changed.grants).not.toBe(reviewed);
    expect(changed.acknowledged).toBeUndefined();
    expect(changed.message).toContain("what it is about (aws_db_instance.orders: its configuration block) changed");
  });
});

describe("digests of one stack's findings about things", () => {
  // They are made once per principal, resource and steps (most of a large stack's findings are two rules about one
  // data resource): what is made once must still be each thing's own.
  const stack = buildStack(
    {
      resource: {
        aws_db_instance: {
          a: { identifier: "a", engine: "postgres", instance_class: "db.t4g.micro" },
          b: { identifier: "b", engine: "postgres", instance_class: "db.t4g.micro" },
          c: { identifier: "a", engine: "postgres", instance_class: "db.t4g.micro" },
        },
      },
    },
    "cdktf.out/stacks/db/cdk.tf.json",
    "db",
  );
  const findings = checkStacks([stack], { config: {}, now: NOW }).findings.filter((f) => f.resource.startsWith("aws_db_instance."));
  const of = (address: string, ruleId: string) => findings.find((f) => f.resource === address && f.ruleId === ruleId)?.grants;

  test("two rules about one resource share its digest", () => {
    expect(of("aws_db_instance.a", "stateful-prevent-destroy")).toMatch(/^[0-9a-f]{16}$/);
    expect(of("aws_db_instance.a", "rds-deletion-protection")).toBe(of("aws_db_instance.a", "stateful-prevent-destroy"));
  });

  test("control: another resource, even one written alike at another address, has its own", () => {
    const digests = ["a", "b", "c"].map((n) => of(`aws_db_instance.${n}`, "stateful-prevent-destroy"));
    expect(new Set(digests).size).toBe(3);
  });
});

describe("a principal with many statements", () => {
  // Red-team round 147, F3: its whole text went into each of its findings' digests, quadratic in its statements; a
  // long part is now hashed once and stands in by its hash. It must still change with what it says.
  const many = (n: number, resource = "*") =>
    Array.from({ length: n }, (_, i) => ({ Sid: `Read${i}`, Effect: "Allow", Action: [`s3:GetObject`], Resource: `arn:aws:s3:::bucket-${i}/*` })).concat([{ ...SCRATCH, Resource: resource } as never]);

  test("the same statements give the same digest, one changed statement another", () => {
    const g = destroy({}, janitor(many(60))).found[0].grants;
    expect(destroy({}, janitor(many(60))).found[0].grants).toBe(g);
    const changed = many(60);
    // Same length, other bucket: only what it says differs.
    (changed[3] as { Resource: string }).Resource = "arn:aws:s3:::bucket-P/*";
    expect(destroy({}, janitor(changed)).found[0].grants).not.toBe(g);
    expect(destroy({}, janitor(many(61))).found[0].grants).not.toBe(g);
  });
});

describe("a finding about a role, reopened by a change to its policies", () => {
  // Red-team round 148, F3: the message said its configuration block changed when another policy of the role had.
  const run = (extra: Record<string, Record<string, unknown>>, acknowledgements: Entry[] = []) =>
    checkStacks([buildStack(tf({ "aws_iam_role.agent": agentRole({ max_session_duration: 43200 }), ...extra }), "s.tf.json")], {
      config: { acknowledgements },
      now: NOW,
      rules: [sessionDuration],
    }).findings.filter((f) => f.ruleId === "agent-session-duration");

  test("the message names the principal's policies as what may have changed", () => {
    const [reviewed] = run({});
    const entry: Entry = { ruleId: "agent-session-duration", principal: "aws_iam_role.agent", grants: reviewed.grants, reason: "long batch jobs need twelve-hour sessions" };
    expect(run({}, [entry])[0].acknowledged).toBeDefined();
    const [f] = run({ "aws_iam_role_policy.more": { role: "${aws_iam_role.agent.id}", policy: policy({ Effect: "Allow", Action: "ec2:CreateTags", Resource: "*" }) } }, [entry]);
    expect(f.acknowledged).toBeUndefined();
    expect(f.message).toContain("(aws_iam_role.agent: its configuration block, or the principal's policies, boundary or provider) changed");
  });
});
