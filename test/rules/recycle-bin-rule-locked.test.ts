import { agentRole, check, errors, policy, tf } from "../helpers/tf";
import { run } from "./helpers";
import { buildStack } from "../../lib/engine/terraform/stack";
import { buildAnalysis } from "../../lib/engine/analyze";
import { markSettableByVariables } from "../../lib/engine/terraform/settable-providers";
import { rule } from "../../lib/rules/recycle-bin-rule-locked";
import { allRules } from "../../lib/rules";
import { ProtectedVolume, RecycleBinLock } from "../../lib/constructs";
import { APP_ACCOUNT, OFFSITE_ARN, gateFindings, synth } from "../constructs/helpers";
import { checkPaths } from "../../lib/check/run-check";
import { dir } from "../hcl/helpers";
import { join } from "path";

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
    expect(dynamic[0].message).toContain('writes its lock through dynamic "lock_configuration" with for_each = `${var.locks}`, which blastwall does not evaluate (an empty one writes no lock_configuration, and the rule is not locked)');
    expect(dynamic[0].message).toContain("Write lock_configuration as a block of its own, not dynamic, with a literal unlock_delay_value of at least 7, so no for_each can leave the lock out.");
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

  it("a count whose variable is named only in a template directive covers nothing either (red-team round 178)", () => {
    const count = "%{ if var.lock }1%{ else }0%{ endif }";
    const fs = found({ count }, { variable: { lock: { type: "bool", default: true } } });
    expect(fs.map((f) => f.resource)).toEqual(["aws_rbin_rule.tagged"]);
    expect(fs[0].message).toContain(`has count = ${count} from a root variable, which -var can set otherwise, so it may not be created`);
    // Control: given with --var-file, it covers as a literal count does.
    expect(found({ count }, { variable: { lock: { type: "bool", default: true } } }, new Map([["lock", true]]))).toEqual([]);
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

// An unlock delay AWS accepts (7 to 30 days) but shorter than the retention: the lock is the shorter way in.
describe("recycle-bin-rule-locked: an unlock delay shorter than the retention", () => {
  const delayed = (delay: unknown, retention: unknown = 30, extra: Obj = {}) =>
    rbin({ retention_period: { retention_period_value: retention, retention_period_unit: "DAYS" }, lock_configuration: { unlock_delay: { unlock_delay_unit: "DAYS", unlock_delay_value: delay } }, ...extra });

  it("warns on a 7-day delay under a 30-day retention, saying what, why and how to fix", () => {
    const [f] = run(rule, tf({ "aws_rbin_rule.r": delayed(7) }));
    // A warning, as the rule's others: AWS accepts the delay, and the lock holds for it.
    expect(check(tf({ "aws_rbin_rule.r": delayed(7) }), {}, { rules: [rule] }).findings.filter((x) => x.ruleId === rule.meta.id).map((x) => x.severity)).toEqual(["warning"]);
    expect(f.message).toBe(
      "aws_rbin_rule.r is locked with an unlock delay of 7 day(s), shorter than its retention of 30 days: whoever holds rbin:UnlockRule can delete the rule or cut its retention 7 day(s) " +
        "after unlocking it, and deleted EBS snapshots after that are gone for good, so the lock leaves less time to notice and re-lock than the retention does. " +
        "Set unlock_delay_value to 30 (the retention, up to the 30 days AWS allows; RecycleBinLock's default is 30). " +
        "A locked rule keeps the delay it was locked with: AWS takes a new one only when the rule is locked again, after an UnlockRule and the old delay.",
    );
    expect(f.evidence.map((e) => e.detail)).toContain("unlock_delay_value: 7, retention_period_value: 30");
  });

  it("asks for the retention, at most the 30 days AWS allows, and says so when the retention is not read", () => {
    expect(run(rule, tf({ "aws_rbin_rule.r": delayed(29) }))[0].message).toContain("unlock delay of 29 day(s), shorter than its retention of 30 days");
    expect(run(rule, tf({ "aws_rbin_rule.r": delayed(10, 14) }))[0].message).toContain("Set unlock_delay_value to 14 (");
    const [long] = run(rule, tf({ "aws_rbin_rule.r": delayed(14, 365) }));
    expect(long.message).toContain("unlock delay of 14 day(s), shorter than the 30 days AWS allows (its retention is 365 days)");
    expect(long.message).toContain("Set unlock_delay_value to 30 (");
    const [unread] = run(rule, tf({ "aws_rbin_rule.r": delayed(7, "${var.retention}") }));
    expect(unread.message).toMatch(/^aws_rbin_rule\.r is locked with an unlock delay of 7 day\(s\), shorter than the 30 days AWS allows \(its retention is not read\); it also has a retention of `\$\{var\.retention\}`/);
  });

  it("controls: a delay as long as the retention, or the 30 days AWS allows under a longer one, passes", () => {
    for (const [delay, retention] of [[30, 30], [14, 14], [7, 7], [30, 365], [20, 10]]) expect(run(rule, tf({ "aws_rbin_rule.r": delayed(delay, retention) }))).toEqual([]);
  });

  it("a rule locked with a short delay still covers a tag-level rule beside it: only it is reported", () => {
    expect(run(rule, tf({ "aws_rbin_rule.tagged": rbin(TAGGED), "aws_rbin_rule.region": delayed(7) })).map((f) => f.resource)).toEqual(["aws_rbin_rule.region"]);
  });

  it("RecycleBinLock with a delay shorter than its retention is reported; with both at 7 it is not", () => {
    const { json } = synth((s) => new RecycleBinLock(s, "Bin", { unlockDelayDays: 7 }));
    expect(run(rule, json).map((f) => f.message)).toEqual([expect.stringContaining("is locked with an unlock delay of 7 day(s), shorter than its retention of 30 days")]);
  });
});

// Red-team round 171a, F8: the HCL reader expands a dynamic "lock_configuration" from a root variable's default and
// reads unlock_delay_value = var.delay as its default, leaving no dynamic block or variable for the rule to see.
describe("recycle-bin-rule-locked: a lock or delay -var can remove or change (HCL folders)", () => {
  const ruleHcl = (lock: string, retention = "30") => `
resource "aws_rbin_rule" "r" {
  resource_type = "EBS_SNAPSHOT"
  retention_period {
    retention_period_value = ${retention}
    retention_period_unit  = "DAYS"
  }
${lock}
}
`;
  const dynamicLock = (forEach: string) => `  dynamic "lock_configuration" {
    for_each = ${forEach}
    content {
      unlock_delay {
        unlock_delay_unit  = "DAYS"
        unlock_delay_value = lock_configuration.value
      }
    }
  }`;
  const staticLock = (delay: string) => `  lock_configuration {
    unlock_delay {
      unlock_delay_unit  = "DAYS"
      unlock_delay_value = ${delay}
    }
  }`;
  const variable = (name: string, type: string, dflt: string) => `variable "${name}" {\n  type    = ${type}\n  default = ${dflt}\n}\n`;
  const findings = async (files: Record<string, string>, tfvars?: string) => {
    const d = dir({ ...files, ...(tfvars !== undefined ? { "given.tfvars": tfvars } : {}) });
    const r = await checkPaths([d], { config: {}, rules: [rule], ...(tfvars !== undefined ? { varFiles: [join(d, "given.tfvars")] } : {}) });
    return r.findings.filter((f) => f.ruleId === rule.meta.id);
  };

  it("fails a dynamic lock_configuration over a root variable: -var can leave it out", async () => {
    const [f, ...more] = await findings({ "main.tf": variable("locks", "list(number)", "[30]") + ruleHcl(dynamicLock("var.locks")) });
    expect(more).toEqual([]);
    expect(f.resource).toBe("aws_rbin_rule.r");
    expect(f.message).toBe(
      'aws_rbin_rule.r writes its lock through dynamic "lock_configuration" with for_each = `${var.locks}`, from a root variable, which -var can set otherwise ' +
        "(an empty list or map writes no lock_configuration, and the rule is not locked; blastwall expanded it from the variable's default): " +
        "whoever holds rbin:DeleteRule or rbin:UpdateRule can delete it or cut its retention, and deleted EBS snapshots after that are gone for good. " +
        "Write lock_configuration as a block of its own, not dynamic, with a literal unlock_delay_value of at least 7, so no for_each can leave the lock out; " +
        "or give var.locks with --var-file so blastwall reads the deploy's value.",
    );
    expect(f.evidence.map((e) => e.detail)).toContain('dynamic "lock_configuration" (for_each = `${var.locks}`)');
  });

  it("fails one over a local that names the variable, and a locked rule so written covers no tag-level rule", async () => {
    const viaLocal = await findings({ "main.tf": variable("locks", "list(number)", "[30]") + "locals {\n  locks = var.locks\n}\n" + ruleHcl(dynamicLock("local.locks")) });
    expect(viaLocal.map((f) => f.message)).toEqual([expect.stringContaining('writes its lock through dynamic "lock_configuration" with for_each = `${var.locks}`, from a root variable')]);
    const tagged = `resource "aws_rbin_rule" "tagged" {
  resource_type = "EBS_SNAPSHOT"
  retention_period {
    retention_period_value = 30
    retention_period_unit  = "DAYS"
  }
  resource_tags {
    resource_tag_key   = "backup"
    resource_tag_value = "true"
  }
}
`;
    const both = await findings({ "main.tf": variable("locks", "list(number)", "[30]") + ruleHcl(dynamicLock("var.locks")) + tagged });
    expect(both.map((f) => f.resource).sort()).toEqual(["aws_rbin_rule.r", "aws_rbin_rule.tagged"]);
  });

  it("fails an unlock delay and a retention read from a root variable's default", async () => {
    const [delay] = await findings({ "main.tf": variable("delay", "number", "30") + ruleHcl(staticLock("var.delay")) });
    expect(delay.message).toContain("aws_rbin_rule.r has an unlock delay of `${var.delay}`, a variable (default 30) that -var or a tfvars file can set to anything at apply time, so it counts as not set: whoever holds rbin:DeleteRule");
    expect(delay.message).toContain("Write unlock_delay_value as a literal number of days, at least 7.");
    const [retention] = await findings({ "main.tf": variable("retention", "number", "30") + ruleHcl(staticLock("30"), "var.retention") });
    expect(retention.message).toContain("aws_rbin_rule.r has a retention of `${var.retention}`, a variable (default 30) that -var or a tfvars file can set to anything at apply time, so it counts as not set");
  });

  it("controls: a static lock, and a dynamic one over a local literal list, pass", async () => {
    expect(await findings({ "main.tf": ruleHcl(staticLock("30")) })).toEqual([]);
    expect(await findings({ "main.tf": "locals {\n  locks = [30]\n}\n" + ruleHcl(dynamicLock("local.locks")) })).toEqual([]);
    // A variable the lock does not depend on changes nothing.
    expect(await findings({ "main.tf": variable("env", "string", '"prod"') + ruleHcl(staticLock("30")).replace('resource_type = "EBS_SNAPSHOT"', 'resource_type = "EBS_SNAPSHOT"\n  description   = "rbin ${var.env}"') })).toEqual([]);
  });

  it("controls: the variables given with --var-file are read by their values", async () => {
    expect(await findings({ "main.tf": variable("locks", "list(number)", "[30]") + ruleHcl(dynamicLock("var.locks")) }, "locks = [30]\n")).toEqual([]);
    expect(await findings({ "main.tf": variable("delay", "number", "30") + ruleHcl(staticLock("var.delay")) }, "delay = 30\n")).toEqual([]);
    // Given empty, the lock is gone, and the finding says so as it does without a lock.
    expect((await findings({ "main.tf": variable("locks", "list(number)", "[30]") + ruleHcl(dynamicLock("var.locks")) }, "locks = []\n")).map((f) => f.message)).toEqual([expect.stringContaining("has no lock_configuration")]);
  });
});

// The same stacks as Terraform JSON, read as check reads them (what a root variable sets is marked first).
describe("recycle-bin-rule-locked: a dynamic lock in Terraform JSON, marked as check marks it", () => {
  const checked = (json: Obj) => {
    const built = buildStack(json, "test.tf.json");
    markSettableByVariables(built.resources, undefined, built.locals);
    return rule.check({ stack: built, analysis: buildAnalysis(built, {}), config: {}, strict: false });
  };
  const dynamic = (forEach: string) => rbin({ lock_configuration: undefined, dynamic: { lock_configuration: { for_each: forEach, content: LOCK } } });

  it("says -var can leave out a lock whose for_each names a root variable", () => {
    const [f] = checked(tf({ "aws_rbin_rule.r": dynamic("${var.locks}") }, { variable: { locks: { default: [30] } } }));
    expect(f.message).toContain('writes its lock through dynamic "lock_configuration" with for_each = `${var.locks}`, from a root variable, which -var can set otherwise (an empty list or map writes no lock_configuration, and the rule is not locked)');
  });

  it("fails closed on one over a local list, which blastwall does not expand in Terraform JSON", () => {
    const [f] = checked(tf({ "aws_rbin_rule.r": dynamic("${local.locks}") }, { locals: { locks: [30] } }));
    expect(f.message).toContain("with for_each = `${local.locks}`, which blastwall does not evaluate");
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
