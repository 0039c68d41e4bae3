import { agentRole, check, errors, policy, tf } from "../helpers/tf";
import { run } from "./helpers";
import { buildStack } from "../../lib/engine/terraform/stack";
import { buildAnalysis } from "../../lib/engine/analyze";
import { markSettableByVariables } from "../../lib/engine/terraform/settable-providers";
import { rule } from "../../lib/rules/recycle-bin-rule-locked";
import { allRules } from "../../lib/rules";
import { ProtectedVolume, RecycleBinLock } from "../../lib/constructs";
import { APP_ACCOUNT, OFFSITE_ARN, gateFindings, synth } from "../constructs/helpers";

type Obj = Record<string, unknown>;

const LOCK = { unlock_delay: { unlock_delay_unit: "DAYS", unlock_delay_value: 30 } };
const rbin = (extra: Obj = {}): Obj => ({
  resource_type: "EBS_SNAPSHOT",
  retention_period: { retention_period_value: 30, retention_period_unit: "DAYS" },
  lock_configuration: LOCK,
  ...extra,
});
const TAGGED = { resource_tags: { resource_tag_key: "backup", resource_tag_value: "true" }, lock_configuration: undefined };

describe("recycle-bin-rule-locked", () => {
  it("is a warning of the protection category, run by check", () => {
    expect(rule.meta).toMatchObject({ severity: "warning", category: "protection" });
    expect(allRules).toContain(rule);
  });

  it("passes a locked Region-level rule, as an object or a list of blocks (HCL's JSON)", () => {
    expect(run(rule, tf({ "aws_rbin_rule.r": rbin() }))).toEqual([]);
    const listed = rbin({ retention_period: [{ retention_period_value: 7, retention_period_unit: "DAYS" }], lock_configuration: [{ unlock_delay: [{ unlock_delay_unit: "DAYS", unlock_delay_value: 7 }] }] });
    expect(run(rule, tf({ "aws_rbin_rule.r": listed }))).toEqual([]);
  });

  it("fails a rule without lock_configuration, saying who can delete it and how to lock it", () => {
    const [f] = run(rule, tf({ "aws_rbin_rule.r": rbin({ lock_configuration: undefined }) }));
    expect(f.resource).toBe("aws_rbin_rule.r");
    expect(f.message).toBe(
      "aws_rbin_rule.r has no lock_configuration: whoever holds rbin:DeleteRule or rbin:UpdateRule can delete it or cut its retention, and deleted EBS snapshots after that are gone for good. " +
        'Add lock_configuration { unlock_delay { unlock_delay_unit = "DAYS", unlock_delay_value = 30 } } (at least 7; the RecycleBinLock construct makes such a rule).',
    );
    expect(f.evidence.map((e) => e.detail)).toContain("no lock_configuration");
  });

  it("fails a tag-level rule and one with exclusion tags: AWS cannot lock them", () => {
    const [tagged] = run(rule, tf({ "aws_rbin_rule.r": rbin(TAGGED) }));
    expect(tagged.message).toMatch(/^aws_rbin_rule\.r cannot be locked: it is a tag-level rule \(resource_tags\), which AWS cannot lock, and whoever may untag a snapshot \(ec2:DeleteTags\) also takes it out of the rule: whoever holds rbin:DeleteRule/);
    expect(tagged.message).toContain("Keep deleted EBS snapshots in a Region-level rule (no resource_tags or exclude_resource_tags) of the same resource_type with lock_configuration");
    // A lock written on it does not make it locked: the apply fails.
    expect(run(rule, tf({ "aws_rbin_rule.r": rbin({ ...TAGGED, lock_configuration: LOCK }) }))).toHaveLength(1);
    const [excluded] = run(rule, tf({ "aws_rbin_rule.r": rbin({ exclude_resource_tags: [{ resource_tag_key: "scratch", resource_tag_value: "true" }] }) }));
    expect(excluded.message).toContain("cannot be locked: it has exclude_resource_tags, and AWS cannot lock a rule with exclusion tags");
  });

  it("fails an unlock delay under 7 days, and one blastwall cannot read (fail closed)", () => {
    const short = run(rule, tf({ "aws_rbin_rule.r": rbin({ lock_configuration: { unlock_delay: { unlock_delay_unit: "DAYS", unlock_delay_value: 3 } } }) }));
    expect(short[0].message).toContain("is locked with an unlock delay of 3 day(s), under 7 (the Recycle Bin API refuses fewer, so the apply fails and the rule stays unlocked)");
    const variable = run(rule, tf({ "aws_rbin_rule.r": rbin({ lock_configuration: { unlock_delay: { unlock_delay_unit: "DAYS", unlock_delay_value: "${var.delay}" } } }) }));
    expect(variable[0].message).toContain("has an unlock delay of `${var.delay}`, a variable (no default) that -var or a tfvars file can set to anything at apply time, so it counts as not set");
    const dynamic = run(rule, tf({ "aws_rbin_rule.r": rbin({ lock_configuration: undefined, dynamic: { lock_configuration: { for_each: "${var.locks}", content: LOCK } } }) }));
    expect(dynamic[0].message).toContain('has an unlock delay of `dynamic "lock_configuration"`');
  });

  it("fails a retention under 7 days even on a locked rule, and says both when both are wrong", () => {
    const [f] = run(rule, tf({ "aws_rbin_rule.r": rbin({ retention_period: { retention_period_value: 1, retention_period_unit: "DAYS" } }) }));
    expect(f.message).toBe(
      "aws_rbin_rule.r keeps deleted EBS snapshots only 1 day(s), under the 7 days blastwall's constructs keep them: deleted EBS snapshots are gone before a deletion is likely to be noticed. " +
        "Set retention_period { retention_period_value } to at least 7 (RecycleBinLock keeps 30 days).",
    );
    const [both] = run(rule, tf({ "aws_rbin_rule.r": rbin({ resource_type: "EC2_IMAGE", lock_configuration: undefined, retention_period: { retention_period_value: 2, retention_period_unit: "DAYS" } }) }));
    expect(both.message).toMatch(/^aws_rbin_rule\.r has no lock_configuration; it also keeps deleted AMIs only 2 day\(s\)/);
  });

  it("passes a tag-level rule beside a locked Region-level rule of the same type, provider and region", () => {
    expect(run(rule, tf({ "aws_rbin_rule.tagged": rbin(TAGGED), "aws_rbin_rule.region": rbin() }))).toEqual([]);
  });

  it("does not count a locked rule of another resource type, another provider or another region", () => {
    const found = (other: Obj) => run(rule, tf({ "aws_rbin_rule.tagged": rbin(TAGGED), "aws_rbin_rule.region": rbin(other) })).map((f) => f.resource);
    expect(found({ resource_type: "EC2_IMAGE" })).toEqual(["aws_rbin_rule.tagged"]);
    expect(found({ provider: "aws.west" })).toEqual(["aws_rbin_rule.tagged"]);
    expect(found({ region: "us-west-2" })).toEqual(["aws_rbin_rule.tagged"]);
    // Nor one whose own lock is weak: both are reported.
    expect(found({ lock_configuration: undefined })).toEqual(["aws_rbin_rule.tagged", "aws_rbin_rule.region"]);
  });
});

// Red-team round 169b, F8: a cover that may not exist, a lock under ignore_changes, a cover under another alias.
describe("recycle-bin-rule-locked: what counts as a locked rule and as cover", () => {
  const PINNED = { region: "eu-central-1", allowed_account_ids: ["111111111111"] };
  const stack = (region: Obj, extra: Obj = {}) =>
    tf({ "aws_rbin_rule.tagged": rbin(TAGGED), "aws_rbin_rule.region": rbin(region) }, { provider: { aws: [PINNED, { ...PINNED, alias: "backup" }] }, ...extra });
  // As `blastwall check` reads a stack: what a root variable sets is marked settable first (`--var-file` values given).
  const found = (region: Obj, extra: Obj = {}, given?: ReadonlyMap<string, unknown>) => {
    const built = buildStack(stack(region, extra), "test.tf.json");
    markSettableByVariables(built.resources, given, built.locals);
    return rule.check({ stack: built, analysis: buildAnalysis(built, {}), config: {}, strict: false });
  };

  it.each([
    ["count = 0", { count: 0 }, "has count = 0, so Terraform creates none"],
    ["an empty for_each", { for_each: "${toset([])}" }, "which is empty, so Terraform creates none"],
    ["a count from a variable defaulting to 0", { count: "${var.lock ? 1 : 0}" }, "which is 0, so Terraform creates none"],
  ])("a locked rule with %s covers nothing, and the message says why", (_what, region, why) => {
    const fs = found(region as Obj, { variable: { lock: { type: "bool", default: false } } });
    expect(fs.map((f) => f.resource)).toEqual(["aws_rbin_rule.tagged"]);
    expect(fs[0].message).toContain(`it also is not covered: aws_rbin_rule.region, a locked Region-level rule of the same type, would keep them, but it ${""}`);
    expect(fs[0].message).toContain(why as string);
    expect(fs[0].message).toContain("created unconditionally (no count or for_each that can make it absent)");
  });

  it("a count from a variable defaulting to 1 covers nothing either: -var can set it to 0", () => {
    const fs = found({ count: "${var.lock ? 1 : 0}" }, { variable: { lock: { type: "bool", default: true } } });
    expect(fs.map((f) => f.resource)).toEqual(["aws_rbin_rule.tagged"]);
    expect(fs[0].message).toContain("has count = ${var.lock ? 1 : 0} from a root variable, which -var can set otherwise, so it may not be created");
  });

  it("control: the variable given with --var-file is read by its value (review of 0.8.0)", () => {
    expect(found({ count: "${var.lock ? 1 : 0}" }, { variable: { lock: { type: "bool", default: true } } }, new Map([["lock", true]]))).toEqual([]);
  });

  it("controls: count = 1 and a non-empty for_each cover", () => {
    expect(found({ count: 1 })).toEqual([]);
    expect(found({ for_each: { a: "x" } })).toEqual([]);
  });

  it.each([["[lock_configuration]", ["lock_configuration"]], ["all", "all"], ["[resource_tags]", ["resource_tags"]], ["${all}", "${all}"]])(
    "a lock under lifecycle.ignore_changes = %s is no lock, and covers nothing",
    (_what, ignore) => {
      const r = run(rule, tf({ "aws_rbin_rule.r": rbin({ lifecycle: { ignore_changes: ignore } }) }));
      expect(r.map((f) => f.resource)).toEqual(["aws_rbin_rule.r"]);
      expect(r[0].message).toMatch(/^aws_rbin_rule\.r has its lock under lifecycle\.ignore_changes \((lock_configuration|all|resource_tags)\): if the rule already exists unlocked, Terraform never applies the lock written, and the rule stays unlocked/);
      expect(r[0].message).toMatch(/ out of lifecycle\.ignore_changes so Terraform applies the lock\./);
      expect(found({ lifecycle: { ignore_changes: ignore } }).map((f) => f.resource)).toEqual(["aws_rbin_rule.tagged", "aws_rbin_rule.region"]);
    },
  );

  it("controls: ignore_changes on tags alone leaves the lock standing", () => {
    expect(run(rule, tf({ "aws_rbin_rule.r": rbin({ lifecycle: { ignore_changes: ["tags", "description"] } }) }))).toEqual([]);
  });

  it("a retention under ignore_changes counts as not set", () => {
    const [f] = run(rule, tf({ "aws_rbin_rule.r": rbin({ lifecycle: { ignore_changes: ["retention_period"] } }) }));
    expect(f.message).toMatch(/has a retention of `30`, under lifecycle\.ignore_changes \(retention_period\)/);
  });

  it("a locked rule under another alias of the same region and pinned account covers", () => {
    expect(found({ provider: "aws.backup" })).toEqual([]);
  });

  it("controls: another alias of another region, another account, or an account it does not pin, does not", () => {
    const other = (alias: Obj) => run(rule, tf({ "aws_rbin_rule.tagged": rbin(TAGGED), "aws_rbin_rule.region": rbin({ provider: "aws.backup" }) }, { provider: { aws: [PINNED, { ...PINNED, alias: "backup", ...alias }] } }));
    expect(other({ region: "eu-west-1" }).map((f) => f.resource)).toEqual(["aws_rbin_rule.tagged"]);
    expect(other({ allowed_account_ids: ["222222222222"] }).map((f) => f.resource)).toEqual(["aws_rbin_rule.tagged"]);
    expect(other({ allowed_account_ids: undefined }).map((f) => f.resource)).toEqual(["aws_rbin_rule.tagged"]);
    expect(other({ region: "${var.region}" }).map((f) => f.resource)).toEqual(["aws_rbin_rule.tagged"]);
  });
});

describe("recycle-bin-rule-locked: the constructs' rules pass", () => {
  it("RecycleBinLock with its defaults and with the shortest values it accepts", () => {
    for (const props of [{}, { retentionDays: 7, unlockDelayDays: 7 }]) {
      const { json } = synth((s) => new RecycleBinLock(s, "Bin", props));
      expect(run(rule, json)).toEqual([]);
      expect(gateFindings(json).filter((f) => f.startsWith("recycle-bin-rule-locked"))).toEqual([]);
    }
  });

  it("ProtectedVolume's Recycle Bin rule", () => {
    const { json } = synth((s) => new ProtectedVolume(s, "Volume", { name: "data", availabilityZone: "eu-central-1a", sizeGiB: 100, backup: { accountId: APP_ACCOUNT, region: "eu-central-1", offsiteVaultArn: OFFSITE_ARN } }));
    expect(run(rule, json)).toEqual([]);
  });
});

describe("an agent that may delete, change or unlock Recycle Bin rules fails the destroy-rights rules", () => {
  it.each(["rbin:DeleteRule", "rbin:UpdateRule", "rbin:UnlockRule"])("%s", (action) => {
    const json = tf({
      "aws_iam_role.agent": agentRole(),
      "aws_iam_role_policy.p": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: action, Resource: "*" }) },
    });
    const found = errors(check(json)).filter((f) => f.actions.includes(action));
    expect(found.length).toBeGreaterThan(0);
    expect(found.map((f) => f.severity)).toContain("error");
  });

  it("control: the agent with only rbin:ListRules does not", () => {
    const json = tf({
      "aws_iam_role.agent": agentRole(),
      "aws_iam_role_policy.p": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: "rbin:ListRules", Resource: "*" }) },
    });
    expect(errors(check(json)).filter((f) => f.actions.some((a) => a.startsWith("rbin:")))).toEqual([]);
  });
});
