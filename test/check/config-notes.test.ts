/**
 * Config entries that did nothing in a run are reported (red-team round 98, r3 #8 and #9): an `agents.names` glob or an
 * `agents.tags` selector that selected no principal gets a `config-selector-unmatched` warning (red-team round 119 F4:
 * it was a note, and an agent that renamed its role or dropped its tag passed with exit 0); a live acknowledgement that
 * matched no finding, and entries for plan gate rules, which check never reports and the gate does not read, get
 * notes, which never change the verdict.
 */
import { buildStack } from "../../lib/engine/terraform/stack";
import { checkStacks } from "../../lib/check/run-check";
import type { BlastwallConfig } from "../../lib/engine/config-types";
import { agentRules } from "../../lib/rules";
import { renderReport } from "../../lib/report/render";
import { policy, tf, TRUST } from "../helpers/tf";
import { runIn } from "../helpers/cli";
import { minimalPlan, tempDir, writeTemp } from "../plan/helpers";

const destroy = { Effect: "Allow", Action: "ec2:DeleteVolume", Resource: "*" };

/** Role `ai-coder`, tagged `Role = "Agent"`, that can delete volumes; and a role that trusts the outside role `ops-bot`. */
const stack = (name?: string) =>
  buildStack(
    tf({
      "aws_iam_role.coder": { name: "ai-coder", assume_role_policy: TRUST, tags: { Role: "Agent" } },
      "aws_iam_role_policy.p": { role: "${aws_iam_role.coder.id}", policy: policy(destroy) },
      "aws_iam_role.deploy": {
        name: "deploy",
        assume_role_policy: policy({ Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:role/ops-bot" }, Action: "sts:AssumeRole" }),
      },
      "aws_iam_role_policy.d": { role: "${aws_iam_role.deploy.id}", policy: policy(destroy) },
    }),
    name ? `cdktf.out/stacks/${name}/cdk.tf.json` : "s.tf.json",
    name,
  );

const run = (config: BlastwallConfig, opts: { wholeRun?: boolean; stacks?: ReturnType<typeof stack>[] } = {}) =>
  checkStacks(opts.stacks ?? [stack()], { config, rules: agentRules, configSource: "infra/blastwall.json", now: new Date("2026-11-26T00:00:00Z"), wholeRun: opts.wholeRun });

const notesOf = (config: BlastwallConfig, opts: Parameters<typeof run>[1] = {}) => run(config, opts).notes ?? [];
const unmatchedOf = (r: ReturnType<typeof run>) => r.findings.filter((f) => f.ruleId === "config-selector-unmatched");
/** The messages of the selector findings of a run. */
const selectorsOf = (config: BlastwallConfig, opts: Parameters<typeof run>[1] = {}) => unmatchedOf(run(config, opts)).map((f) => f.message);

describe("agents.names globs that select nothing", () => {
  // Red-team round 141, F8: a name one slip away from a principal's was left for the user to find in the list.
  test("a literal name one slip away from a principal's names that principal first", () => {
    const [f] = unmatchedOf(run({ agents: { names: ["ai_coder"] } }));
    expect(f.message).toContain('Did you mean "ai-coder"? The roles, users and permission sets checked are named ai-coder, deploy.');
  });

  test("control: a glob, or a name near none, suggests nothing", () => {
    for (const names of [["ai_*"], ["frontend"]]) expect(unmatchedOf(run({ agents: { names } }))[0].message).not.toContain("Did you mean");
  });

  test("get a warning naming the glob, the files checked and the names that are there", () => {
    const r = run({ agents: { names: ["bot-*"] } });
    const [f, ...rest] = unmatchedOf(r);
    expect(rest).toEqual([]);
    expect([f.severity, f.principal, f.file]).toEqual(["warning", 'agents.names "bot-*"', "infra/blastwall.json"]);
    expect(r.notes).toBeUndefined();
    const n = f.message;
    expect(n).toMatch(/^infra\/blastwall\.json lists "bot-\*" in agents\.names, which matches the name of no role, user or permission set in any stack checked \(files checked: s\.tf\.json\)/);
    expect(n).toContain("The roles, users and permission sets checked are named ai-coder, deploy.");
    expect(n).toContain("the gate passes it");
    expect(f.fix).toContain('"severity": { "config-selector-unmatched": "off" }');
  });

  test("--strict makes it an error; the config's severity map sets it either way (a config shared by stacks of other runs)", () => {
    const strict = checkStacks([stack()], { config: { agents: { names: ["bot-*"] } }, rules: agentRules, strict: true });
    expect(unmatchedOf(strict).map((f) => f.severity)).toEqual(["error"]);
    expect(strict.summary.errors).toBeGreaterThan(0);
    expect(unmatchedOf(run({ agents: { names: ["bot-*"] }, severity: { "config-selector-unmatched": "error" } })).map((f) => f.severity)).toEqual(["error"]);
    const off = run({ agents: { names: ["bot-*"] }, severity: { "config-selector-unmatched": "off" } });
    expect(unmatchedOf(off)).toEqual([]);
  });

  test("control: a glob that selects a principal, in another case too (IAM names are not case-sensitive), gets none", () => {
    expect(selectorsOf({ agents: { names: ["ai-*", "AI-CODER"] } })).toEqual([]);
  });

  test("control: a glob that selects a role outside the stack, named in a trust, gets none", () => {
    const r = run({ agents: { names: ["ops-*"] } });
    expect(r.findings.some((f) => f.principal.startsWith("outside:"))).toBe(true);
    expect(unmatchedOf(r)).toEqual([]);
  });

  test("a glob that selects a principal in one stack of the run gets none; the synth gate, which sees one stack, gives none", () => {
    const other = buildStack(tf({ "aws_iam_role.x": { name: "bot-1", assume_role_policy: TRUST } }), "cdktf.out/stacks/b/cdk.tf.json", "b");
    expect(selectorsOf({ agents: { names: ["bot-*"] } }, { stacks: [stack("a"), other] })).toEqual([]);
    expect(selectorsOf({ agents: { names: ["nothing-*"] } }, { wholeRun: false })).toEqual([]);
    // Control: matched in neither stack, it is reported once, naming both files.
    const [n, ...rest] = selectorsOf({ agents: { names: ["nothing-*"] } }, { stacks: [stack("a"), other] });
    expect(rest).toEqual([]);
    expect(n).toContain("files checked: cdktf.out/stacks/a/cdk.tf.json, cdktf.out/stacks/b/cdk.tf.json");
  });
});

describe("agents.tags selectors that select nothing", () => {
  test("get a warning naming the principal whose tags differ only in case", () => {
    const r = run({ agents: { tags: { role: "agent" } } });
    expect(r.summary.agentPrincipals).toBe(0);
    const [f] = unmatchedOf(r);
    expect([f.severity, f.principal]).toEqual(["warning", "agents.tags"]);
    const n = f.message;
    expect(n).toMatch(/^infra\/blastwall\.json sets agents\.tags role = "agent", which selects no role, user or permission set in any stack checked/);
    expect(n).toContain("AWS tag keys and values are case-sensitive");
    expect(n).toContain('Near match in another case: aws_iam_role.coder has Role = "Agent".');
  });

  test("control: the exact tags select the agent and get no warning", () => {
    const r = run({ agents: { tags: { Role: "Agent" } } });
    expect(r.summary.agentPrincipals).toBe(1);
    expect(unmatchedOf(r)).toEqual([]);
    expect(r.notes).toBeUndefined();
  });

  test("red-team round 102: a bucket that shares the selector's tags does not hide the warning (the selector marks principals)", () => {
    const withBucket = buildStack(
      tf({
        "aws_iam_role.coder": { name: "ai-coder", assume_role_policy: TRUST, tags: { Team: "ai" } },
        "aws_iam_role_policy.p": { role: "${aws_iam_role.coder.id}", policy: policy(destroy) },
        "aws_s3_bucket.b": { bucket: "b", tags: { team: "ai" } },
      }),
      "s.tf.json",
    );
    const r = run({ agents: { tags: { team: "ai" } } }, { stacks: [withBucket] });
    expect(r.summary.agentPrincipals).toBe(0);
    expect(selectorsOf({ agents: { tags: { team: "ai" } } }, { stacks: [withBucket] }).join(" ")).toContain('Near match in another case: aws_iam_role.coder has Team = "ai".');
  });

  test("without a near match the warning has no near-match clause", () => {
    const [n] = selectorsOf({ agents: { tags: { team: "ai" } } });
    expect(n).toContain('agents.tags team = "ai"');
    expect(n).not.toContain("Near match");
  });
});

describe("acknowledgements that match no finding", () => {
  const ack = (over: Record<string, unknown> = {}) => ({ ruleId: "agent-destroy-right", principal: "aws_iam_role.coder", reason: "reviewed by the platform team", ...over });
  const agentConfig = (acks: Record<string, unknown>[], extra: BlastwallConfig = {}): BlastwallConfig => ({ agents: { names: ["ai-*"] }, acknowledgements: acks as never, ...extra });

  test("one for a principal with no such finding gets a note naming rule, principal and source", () => {
    const r = run(agentConfig([ack({ principal: "aws_iam_role.nobody" })]));
    expect(r.notes).toEqual([
      expect.stringMatching(/^the acknowledgement of agent-destroy-right for aws_iam_role\.nobody in infra\/blastwall\.json matches no finding in any stack checked \(s\.tf\.json\)/),
    ]);
    expect(r.notes![0]).toContain("a principal later created at that address");
  });

  test("one limited to a resource no finding names gets a note naming the resource", () => {
    const [n] = notesOf(agentConfig([ack({ resource: "aws_iam_policy.none" })]));
    expect(n).toContain("for aws_iam_role.coder (resource aws_iam_policy.none) in infra/blastwall.json matches no finding");
    expect(n).toContain("Correct the principal or resource");
  });

  test("control: one that covers its finding, one whose finding outgrew its actions, and one of a rule set off get no note", () => {
    const covering = run(agentConfig([ack()]));
    expect(covering.findings.find((f) => f.ruleId === "agent-destroy-right")?.acknowledged).toBeDefined();
    expect(covering.notes).toBeUndefined();
    const outgrown = run(agentConfig([ack({ actions: ["s3:DeleteObject"] })]));
    expect(outgrown.findings.find((f) => f.ruleId === "agent-destroy-right")?.message).toMatch(/accepts s3:DeleteObject only/);
    expect(outgrown.notes).toBeUndefined();
    expect(notesOf(agentConfig([ack()], { severity: { "agent-destroy-right": "off" } }))).toEqual([]);
  });

  test("control: an expired one is an error finding, not a note; one for a stack not checked keeps its own note only", () => {
    const expired = run(agentConfig([ack({ principal: "aws_iam_role.nobody", expires: "2020-01-01" })]));
    expect(expired.findings.map((f) => f.ruleId)).toContain("acknowledgement-expired");
    expect(expired.notes).toBeUndefined();
    const elsewhere = notesOf(agentConfig([ack({ principal: "aws_iam_role.nobody", stack: "prod" })]), { stacks: [stack("dev")] });
    expect(elsewhere).toEqual([expect.stringMatching(/is for stack "prod", which no stack checked is/)]);
  });

  test("one of a plan gate rule, and a severity of one, get a note saying check never reports it and the gate does not read it", () => {
    const notes = notesOf({
      acknowledgements: [{ ruleId: "plan-protected-delete", principal: "aws_db_instance.main", reason: "reviewed by the platform team" }],
      severity: { "plan-protected-delete": "warning" },
    });
    expect(notes).toEqual([
      expect.stringMatching(/^the acknowledgement of plan-protected-delete for aws_db_instance\.main in infra\/blastwall\.json is for plan-protected-delete, a rule of the plan gate .* covers nothing here; and the gate does not read config acknowledgements either/),
      expect.stringMatching(/^infra\/blastwall\.json sets severity\.plan-protected-delete to "warning", but plan-protected-delete is a rule of the plan gate/),
    ]);
  });
});

describe("the notes in every format, and the verdict", () => {
  const config: BlastwallConfig = { agents: { names: ["ai-*", "bot-*"] }, acknowledgements: [{ ruleId: "agent-destroy-right", principal: "aws_iam_role.nobody", reason: "reviewed by the platform team" }] };

  test("text NOTE lines, JSON notes and SARIF notifications carry them; the errors still fail", () => {
    const r = run(config);
    expect(r.notes).toHaveLength(1);
    expect(r.summary.errors).toBeGreaterThan(0);
    expect(renderReport(r, "text")).toMatch(/^NOTE the acknowledgement of agent-destroy-right for aws_iam_role\.nobody/m);
    expect(JSON.parse(renderReport(r, "json")).notes).toEqual(r.notes);
    const sarif = JSON.parse(renderReport(r, "sarif"));
    expect(sarif.runs[0].invocations[0].toolConfigurationNotifications.map((n: { message: { text: string } }) => n.message.text).join("\n")).toContain("matches no finding");
  });

  test("a note alone never fails the run: exit 0 with a note", async () => {
    const dir = tempDir();
    writeTemp(dir, "main.tf.json", JSON.stringify(tf({ "aws_iam_role.r": { name: "reader", assume_role_policy: TRUST } })));
    writeTemp(dir, "blastwall.json", JSON.stringify({ acknowledgements: [{ ruleId: "agent-destroy-right", principal: "aws_iam_role.nobody", reason: "reviewed by the platform team" }] }));
    const out = await runIn(["check", "main.tf.json"], dir);
    expect(out.stdout).toMatch(/^NOTE the acknowledgement of agent-destroy-right for aws_iam_role\.nobody/m);
    expect(out.code).toBe(0);
  });

  test("a names glob that selects nothing is a warning: exit 0, and 1 once the config makes the rule an error (red-team round 119 F4)", async () => {
    const dir = tempDir();
    writeTemp(dir, "main.tf.json", JSON.stringify(tf({ "aws_iam_role.r": { name: "reader", assume_role_policy: TRUST } })));
    writeTemp(dir, "blastwall.json", JSON.stringify({ agents: { names: ["bot-*"] } }));
    const out = await runIn(["check", "main.tf.json"], dir);
    expect(out.stdout).toMatch(/^WARNING config-selector-unmatched {2}agents\.names "bot-\*"/m);
    expect(out.code).toBe(0);
    writeTemp(dir, "fatal.json", JSON.stringify({ agents: { names: ["bot-*"] }, severity: { "config-selector-unmatched": "error" } }));
    expect((await runIn(["check", "--config", "fatal.json", "main.tf.json"], dir)).code).toBe(1);
  });
});

describe("the plan gate", () => {
  const plan = () => {
    const dir = tempDir();
    writeTemp(dir, "plan.json", JSON.stringify(minimalPlan([])));
    return dir;
  };

  test("notes the config's acknowledgements and severities of its own rules, which it does not read", async () => {
    const dir = plan();
    writeTemp(
      dir,
      "gate.json",
      JSON.stringify({
        acknowledgements: [{ ruleId: "plan-protected-delete", principal: "aws_db_instance.main", reason: "reviewed by the platform team" }],
        severity: { "plan-deletion-protection-off": "off" },
      }),
    );
    const out = await runIn(["gate", "--config", "gate.json", "--format", "json", "plan.json"], dir);
    expect(out.code).toBe(0);
    expect(JSON.parse(out.stdout).notes).toEqual([
      expect.stringMatching(/^the acknowledgement of plan-protected-delete for aws_db_instance\.main in gate\.json is ignored by the plan gate/),
      expect.stringMatching(/^gate\.json sets severity\.plan-deletion-protection-off to "off", which the plan gate ignores/),
    ]);
  });

  test("control: a config whose acknowledgements are for check rules gets no such note from the gate", async () => {
    const dir = plan();
    writeTemp(dir, "gate.json", JSON.stringify({ acknowledgements: [{ ruleId: "agent-destroy-right", principal: "aws_iam_role.a", reason: "reviewed by the platform team" }] }));
    const out = await runIn(["gate", "--config", "gate.json", "--format", "json", "plan.json"], dir);
    expect(JSON.parse(out.stdout).notes).toBeUndefined();
  });
});
