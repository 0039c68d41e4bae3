import { globMatch } from "../../lib/engine/iam/glob";
import { mkdtempSync, readFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { App, Aspects, Lazy, TerraformStack, Testing, type TerraformResource } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { AgentPrincipal, AgentRole, ScopedToken, type AgentRoleProps, type BoundaryExemption } from "../../lib/constructs";
import { agentGuardrails, denyCovering } from "../../lib/constructs/agent-boundary";
import { policySize } from "../../lib/constructs/policy-document";
import { BlastwallChecks } from "../../lib/cdktf";
import { loadCatalogue } from "../../lib/engine/catalogue";
import { buildStack } from "../../lib/engine/terraform/stack";
import { checkStacks } from "../../lib/check/run-check";
import { acknowledge } from "../../lib/cdktf/acknowledge";
import { refusedInCode } from "../../lib/config/acknowledgements";
import { inCodeAcknowledgements } from "../../lib/engine/analyze";

// boundaryExemptions are acknowledgements written in stack code: the config opts in to them (red-team round 119).
const IN_CODE = { acknowledgementsInCode: true } as const;
import type { Finding } from "../../lib/engine/findings";
import type { BlastwallConfig } from "../../lib/engine/config-types";
import { APP_ACCOUNT, errorOf, gateFindings, gateRules, loose, policyOf, resources, synth } from "./helpers";

type Obj = Record<string, any>;

const RUNNER = `arn:aws:iam::${APP_ACCOUNT}:role/agent-runner`;
const props = { roleName: "claude", assumedBy: [AgentPrincipal.role(RUNNER)] };
const SIEM: BoundaryExemption = { action: "logs:PutSubscriptionFilter", reason: "ships the audit log groups to the SIEM (SEC-142)" };
const LOG_GROUPS = `arn:aws:logs:eu-central-1:${APP_ACCOUNT}:log-group:/app/*`;
const CHAIN = new Set(["sts:assumerole", "sts:setsourceidentity", "sts:tagsession"]);

/** A full synth (validations and aspects run, `"//"` metadata kept, unlike Testing.synth): the JSON `blastwall check` reads. */
function fullSynth(build: (stack: TerraformStack) => void, aspect = false, config: BlastwallConfig = IN_CODE): Obj {
  const dir = mkdtempSync(join(tmpdir(), "blastwall-exempt-"));
  const app = new App({ outdir: dir });
  const stack = new TerraformStack(app, "test");
  new AwsProvider(stack, "aws", { region: "eu-central-1" });
  build(stack);
  if (aspect) Aspects.of(app).add(new BlastwallChecks({ config, rules: gateRules() }));
  app.synth();
  return JSON.parse(readFileSync(join(dir, "stacks", "test", "cdk.tf.json"), "utf8"));
}

function report(json: Obj, now?: Date) {
  return checkStacks([buildStack(json, "cdk.tf.json")], { config: IN_CODE, rules: gateRules(), ...(now ? { now } : {}) });
}

/** Every action a Deny of the role's boundary or guard policies names (lower case). */
function denied(json: Obj): Set<string> {
  const out = new Set<string>();
  for (const p of resources(json, "aws_iam_policy").filter((x) => /^claude-(boundary|guard\d*)$/.test(x.name))) {
    expect(p.policy.length).toBeLessThanOrEqual(6144);
    for (const st of policyOf(p).Statement) {
      if (st.Effect !== "Deny" || st.Action === undefined) continue;
      for (const a of [st.Action].flat()) out.add(a.toLowerCase());
    }
  }
  return out;
}

function exempted(extra: Partial<AgentRoleProps>, grant?: (r: AgentRole) => void): Obj {
  return synth((s) => {
    const r = new AgentRole(s, "Agent", { ...props, ...extra });
    grant?.(r);
  }).json;
}

const role = (exemptions: readonly BoundaryExemption[]) => {
  let agent!: AgentRole;
  synth((s) => (agent = new AgentRole(s, "Agent", { ...props, boundaryExemptions: exemptions })));
  return agent;
};

describe("boundaryExemptions: the boundary", () => {
  it("leaves the exempted action out of every Deny and keeps every other catalogue action in one", () => {
    const before = denied(exempted({}));
    const after = denied(exempted({ boundaryExemptions: [SIEM] }, (r) => r.allow({ actions: [SIEM.action], resources: [LOG_GROUPS] })));
    expect(before.has("logs:putsubscriptionfilter")).toBe(true);
    expect(after.has("logs:putsubscriptionfilter")).toBe(false);
    expect([...before].filter((a) => !after.has(a))).toEqual(["logs:putsubscriptionfilter"]);
    expect([...after].filter((a) => !before.has(a))).toEqual([]);
    const missing = loadCatalogue().entries.map((e) => e.action.toLowerCase()).filter((a) => !after.has(a) && !CHAIN.has(a));
    expect(missing).toEqual(["logs:putsubscriptionfilter"]);
  });

  it("keeps the denial of changes to the role's own guardrails and of role chaining outside /agents/", () => {
    const json = exempted({ boundaryExemptions: [SIEM] }, (r) => r.allow({ actions: [SIEM.action], resources: ["*"] }));
    const boundary = policyOf(resources(json, "aws_iam_policy").find((p) => p.name === "claude-boundary")!);
    const sids = boundary.Statement.map((s: { Sid: string }) => s.Sid);
    expect(sids).toEqual(expect.arrayContaining(["DenyChangesToOwnGuardrails", "DenyRoleChainingOutsideAgents", "DenyDestroyRights"]));
    // Unchanged: a new description would replace the deployed boundary policy.
    expect(resources(json, "aws_iam_policy").find((p) => p.name === "claude-boundary")!.description).toBe(
      resources(exempted({}), "aws_iam_policy").find((p) => p.name === "claude-boundary")!.description,
    );
  });

  it("takes the action in any case and keeps the catalogue's spelling", () => {
    const agent = role([{ ...SIEM, action: "LOGS:putsubscriptionfilter" }]);
    expect(agent.boundaryExemptions).toEqual(["logs:PutSubscriptionFilter"]);
  });

  it("for every action that can be exempted, alone: the rest stays denied and every policy fits IAM's 6,144 characters", () => {
    const targets = { roleArn: "arn:*:iam::*:role/agents/claude", boundaryArn: "arn:*:iam::*:policy/agents/claude-boundary", guardArn: "arn:*:iam::*:policy/agents/claude-guard*" };
    const all = new Set(agentGuardrails(targets).boundary.concat(...agentGuardrails(targets).guards).flatMap((s) => (s.Effect === "Deny" && s.Resource === "*" ? [s.Action].flat() : [])));
    const exemptable = loadCatalogue().entries.filter((e) => e.severity === "warning" && e.category !== "escalation");
    expect(exemptable.length).toBeGreaterThan(100);
    const problems: string[] = [];
    for (const e of exemptable) {
      const { boundary, guards } = agentGuardrails(targets, [e.action]);
      const policies = [boundary, ...guards];
      const sizes = policies.map(policySize);
      if (sizes.some((n) => n > 6144)) problems.push(`${e.action}: sizes ${sizes.join(", ")}`);
      const left = new Set(policies.flat().flatMap((s) => (s.Effect === "Deny" && s.Resource === "*" ? [s.Action].flat() : [])));
      const gone = [...all].filter((a) => a !== undefined && !left.has(a));
      if (gone.length !== 1 || gone[0] !== e.action || denyCovering(policies.flat(), e.action)) problems.push(`${e.action}: no longer denied ${gone.join(", ")}`);
    }
    expect(problems).toEqual([]);
  });

  it("an exemption moves no other action between the boundary and the guards (red-team round 76: Terraform updates them in parallel)", () => {
    const targets = { roleArn: "arn:*:iam::*:role/agents/claude", boundaryArn: "arn:*:iam::*:policy/agents/claude-boundary", guardArn: "arn:*:iam::*:policy/agents/claude-guard*" };
    /** Which policy (0 the boundary, 1.. the guards) denies each action. */
    const placed = (exempt: string[]) => {
      const { boundary, guards } = agentGuardrails(targets, exempt);
      const where = new Map<string, number>();
      [boundary, ...guards].forEach((policy, i) => policy.forEach((st) => (st.Effect === "Deny" && st.Resource === "*" ? [st.Action].flat() : []).forEach((a) => where.set(String(a), i))));
      return where;
    };
    const before = placed([]);
    for (const exempt of [["ec2:AttachVolume"], ["logs:PutSubscriptionFilter", "s3:PutBucketLogging", "sqs:PurgeQueue"], loadCatalogue().entries.filter((e) => e.severity === "warning" && e.category === "direct").map((e) => e.action)]) {
      const after = placed(exempt);
      const moved = [...after].filter(([a, i]) => before.get(a) !== i).map(([a]) => a);
      expect(moved).toEqual([]);
      expect([...before.keys()].filter((a) => !after.has(a)).sort()).toEqual([...exempt].sort());
    }
  });

  it("denyCovering finds a Deny whose pattern covers the action (which could not be narrowed), not the guardrails' NotAction", () => {
    const statements = [
      { Sid: "Own", Effect: "Deny" as const, NotAction: ["iam:Get*"], Resource: ["arn:*:iam::*:role/agents/claude"] },
      { Sid: "Exact", Effect: "Deny" as const, Action: ["logs:DeleteLogGroup"], Resource: "*" },
    ];
    expect(denyCovering(statements, "logs:PutSubscriptionFilter")).toBeUndefined();
    expect(denyCovering([...statements, { Sid: "Logs", Effect: "Deny", Action: "LOGS:Put*", Resource: "*" }], "logs:PutSubscriptionFilter")).toBe('Logs ("LOGS:Put*")');
    expect(denyCovering([{ Sid: "Allowed", Effect: "Allow", Action: "logs:*", Resource: "*" }], "logs:PutSubscriptionFilter")).toBeUndefined();
  });
});

describe("boundaryExemptions: allow() and grantReadOnly()", () => {
  it("allow() grants the exempted action, in any case, and a pattern that covers no other catalogue action", () => {
    const json = exempted({ boundaryExemptions: [SIEM] }, (r) =>
      r.allow({ actions: ["logs:putsubscriptionfilter", "logs:DescribeLogGroups"], resources: [LOG_GROUPS] }).allow({ actions: ["logs:PutSubscription*"], resources: [LOG_GROUPS] }),
    );
    const statements = policyOf(resources(json, "aws_iam_role_policy")[0]).Statement;
    expect(statements.map((s: { Action: string[] }) => s.Action)).toEqual([["logs:putsubscriptionfilter", "logs:DescribeLogGroups"], ["logs:PutSubscription*"]]);
  });

  it("allow() still refuses another warning action, saying it could be exempted", () => {
    const agent = role([SIEM]);
    expect(() => agent.allow({ actions: ["s3:PutBucketLogging"], resources: ["*"] })).toThrow(
      /^AgentRole\.allow: s3:PutBucketLogging is in blastwall's destroy-rights catalogue as a protection right: .* list s3:PutBucketLogging in boundaryExemptions with the reason/,
    );
    // Without any exemption the same hint, for the action itself.
    expect(() => role([]).allow({ actions: [SIEM.action], resources: ["*"] })).toThrow(/list logs:PutSubscriptionFilter in boundaryExemptions/);
  });

  it("allow() refuses a wildcard that covers the exempted action and other catalogue actions, naming those", () => {
    const error = errorOf(() => role([SIEM]).allow({ actions: ["logs:Put*"], resources: ["*"] }));
    expect(error.message).toMatch(/^AgentRole\.allow: "logs:Put\*" covers logs:PutRetentionPolicy, logs:PutLogGroupDeletionProtection, which are in/);
    expect(error.message).not.toMatch(/covers[^(]*logs:PutSubscriptionFilter/);
    expect(error.message).toMatch(/Only logs:PutSubscriptionFilter is exempted \(boundaryExemptions\); name it exactly instead of "logs:Put\*"\.$/);
    expect(() => role([SIEM]).allow({ actions: ["*"], resources: ["*"] })).toThrow(/^AgentRole\.allow: "\*" covers/);
  });

  it("grantReadOnly() still leaves out a read pattern that covers an error-graded action next to an exempted one", () => {
    const exemption = { action: "redshift:GetClusterCredentialsWithIAM", reason: "the reporting agent reads its own schema" };
    const json = exempted({ boundaryExemptions: [exemption] }, (r) => r.grantReadOnly("redshift").allow({ actions: [exemption.action], resources: ["*"] }));
    const [ro, grant] = policyOf(resources(json, "aws_iam_role_policy")[0]).Statement;
    // Get* gives way to the other Get reads: the exempted action's prefix is among them, the error-graded one is not.
    expect(ro.Action.slice(0, 2)).toEqual(["redshift:Describe*", "redshift:List*"]);
    expect(ro.Action).toContain("redshift:GetClusterCredentialsW*");
    expect(ro.Action).not.toContain("redshift:Get*");
    expect(ro.Action.filter((a: string) => globMatch(a, "redshift:GetClusterCredentials", { caseInsensitive: true }))).toEqual([]);
    expect(grant.Action).toEqual([exemption.action]);
  });
});

describe("boundaryExemptions: what is refused, naming the prop", () => {
  it.each<[string, unknown, RegExp]>([
    ["an error-graded direct action", [{ ...SIEM, action: "ec2:DeleteVolume" }], /^AgentRole: boundaryExemptions\[0\]\.action: ec2:DeleteVolume is graded error in the catalogue \(it destroys data: .*only warning-graded actions.*move that task to a principal that is not an agent \(a deploy role behind `blastwall gate`/],
    ["an error-graded direct database delete", [{ ...SIEM, action: "rds:DeleteDBInstance" }], /^AgentRole: boundaryExemptions\[0\]\.action: rds:DeleteDBInstance is graded error/],
    ["an error-graded protection action", [{ ...SIEM, action: "rds:ModifyDBInstance" }], /^AgentRole: boundaryExemptions\[0\]\.action: rds:ModifyDBInstance is graded error in the catalogue \(it removes the protection around data/],
    ["an escalation action", [{ ...SIEM, action: "iam:PutRolePolicy" }], /^AgentRole: boundaryExemptions\[0\]\.action: iam:PutRolePolicy is an escalation right .*the boundary always denies escalation/],
    ["a warning-graded escalation action", [{ ...SIEM, action: "ssm:GetParameter" }], /^AgentRole: boundaryExemptions\[0\]\.action: ssm:GetParameter is an escalation right/],
    ["a warning-graded IAM escalation (detaching a policy)", [{ ...SIEM, action: "iam:DetachRolePolicy" }], /^AgentRole: boundaryExemptions\[0\]\.action: iam:DetachRolePolicy is an escalation right/],
    ["a chain action", [{ ...SIEM, action: "sts:AssumeRole" }], /^AgentRole: boundaryExemptions\[0\]\.action: sts:AssumeRole is an escalation right/],
    ["an action the catalogue does not list", [{ ...SIEM, action: "s3:GetObject" }], /^AgentRole: boundaryExemptions\[0\]\.action: s3:GetObject is not in blastwall's destroy-rights catalogue, so the boundary does not deny it: there is nothing to exempt; grant it with allow\(\)$/],
    ["a misspelt action", [{ ...SIEM, action: "logs:PutSubscriptionFilterr" }], /^AgentRole: boundaryExemptions\[0\]\.action "logs:PutSubscriptionFilterr" is not an action of logs, so it exempts nothing; did you mean logs:PutSubscriptionFilter\?$/],
    ["a wildcard", [{ ...SIEM, action: "logs:PutSubscription*" }], /^AgentRole: boundaryExemptions\[0\]\.action must name exactly one action, without \* or \? \(got "logs:PutSubscription\*"\)/],
    ["a ?", [{ ...SIEM, action: "logs:PutSubscriptionFilte?" }], /^AgentRole: boundaryExemptions\[0\]\.action must name exactly one action, without \* or \?/],
    ["a token", [{ ...SIEM, action: Lazy.stringValue({ produce: () => "logs:PutSubscriptionFilter" }) }], /^AgentRole: boundaryExemptions\[0\]\.action must be a literal action name, not a token/],
    ["no action", [{ reason: SIEM.reason }], /^AgentRole: boundaryExemptions\[0\]\.action must be one catalogue action name/],
    ["no service prefix", [{ ...SIEM, action: "PutSubscriptionFilter" }], /^AgentRole: boundaryExemptions\[0\]\.action is not an IAM action; write service:Action/],
    ["a duplicate, in another case", [SIEM, { ...SIEM, action: "Logs:PutSubscriptionFilter" }], /^AgentRole: boundaryExemptions\[1\]\.action: logs:PutSubscriptionFilter is already exempted by boundaryExemptions\[0\]: give each action once$/],
    ["a short reason", [{ ...SIEM, reason: "SIEM feed" }], /^AgentRole: boundaryExemptions\[0\]\.reason must say why the agent needs logs:PutSubscriptionFilter in at least 10 visible characters \(got "SIEM feed"\)/],
    ["a blank reason", [{ ...SIEM, reason: "            " }], /^AgentRole: boundaryExemptions\[0\]\.reason must say why/],
    ["a placeholder reason", [{ ...SIEM, reason: "TODO: fill in" }], /^AgentRole: boundaryExemptions\[0\]\.reason "TODO: fill in" is a placeholder, not a reason \(it holds the marker "TODO:" of unfinished text\): reviewers read it in every gate report; write who accepted logs:PutSubscriptionFilter for this agent and why/],
    ["a reason of filler words", [{ ...SIEM, reason: "fix later please" }], /^AgentRole: boundaryExemptions\[0\]\.reason "fix later please" is a placeholder/],
    ["no reason", [{ action: SIEM.action }], /^AgentRole: boundaryExemptions\[0\]\.reason must say why .*\(got undefined\)/],
    ["an impossible date", [{ ...SIEM, expires: "2027-02-30" }], /^AgentRole: boundaryExemptions\[0\]\.expires must be YYYY-MM-DD or an ISO date-time with an offset.*\(got "2027-02-30"\)$/],
    ["a date-time without offset", [{ ...SIEM, expires: "2027-01-31T12:00:00" }], /^AgentRole: boundaryExemptions\[0\]\.expires must be YYYY-MM-DD/],
    ["a number as expiry", [{ ...SIEM, expires: 20270131 }], /^AgentRole: boundaryExemptions\[0\]\.expires must be YYYY-MM-DD.*\(got 20270131\)$/],
    ["a second item that is not an object", [SIEM, "s3:PutBucketLogging"], /^AgentRole: boundaryExemptions\[1\] must be an object \{ action, reason, expires\? \} \(got "s3:PutBucketLogging"\)$/],
    ["not an array", SIEM, /^AgentRole: boundaryExemptions must be an array of \{ action, reason, expires\? \}/],
  ])("%s", (_what, value, message) => {
    expect(errorOf(() => synth((s) => new AgentRole(s, "Agent", { ...props, boundaryExemptions: loose(value) }))).message).toMatch(message);
  });

  it("accepts an honest reason in another language", () => {
    expect(role([{ ...SIEM, reason: "Leitet die Audit-Logs an das SIEM weiter" }]).boundaryExemptions).toEqual(["logs:PutSubscriptionFilter"]);
  });

  it("accepts a date and a date-time with an offset as expiry", () => {
    expect(role([{ ...SIEM, expires: "2030-01-31" }, { action: "s3:PutBucketLogging", reason: "moves access logs to the log archive", expires: "2030-01-31T12:00:00+02:00" }]).boundaryExemptions).toEqual([
      "logs:PutSubscriptionFilter",
      "s3:PutBucketLogging",
    ]);
  });
});

describe("boundaryExemptions: an exemption no allow() grants fails synth", () => {
  const message = "AgentRole: boundaryExemptions[0]: logs:PutSubscriptionFilter is exempted from the permission boundary of claude but no allow() grants it: remove the exemption, or grant it";

  it("with app.synth and with Testing.synth's validations, and names each ungranted exemption", () => {
    expect(errorOf(() => fullSynth((s) => new AgentRole(s, "Agent", { ...props, boundaryExemptions: [SIEM] }))).message).toContain(message);
    const stack = new TerraformStack(Testing.app(), "s");
    new AwsProvider(stack, "aws", { region: "eu-central-1" });
    new AgentRole(stack, "Agent", { ...props, boundaryExemptions: [SIEM, { action: "s3:PutBucketLogging", reason: "moves access logs to the log archive" }] }).allow({
      actions: ["s3:PutBucketLogging"],
      resources: ["*"],
    });
    const error = errorOf(() => Testing.synth(stack, true)).message;
    expect(error).toContain(message);
    expect(error).not.toContain("boundaryExemptions[1]");
  });

  it("a grant of another action does not count; a grant by pattern does", () => {
    expect(() => fullSynth((s) => new AgentRole(s, "Agent", { ...props, boundaryExemptions: [SIEM] }).allow({ actions: ["logs:DescribeLogGroups"], resources: ["*"] }))).toThrow(message);
    expect(() => fullSynth((s) => new AgentRole(s, "Agent", { ...props, boundaryExemptions: [SIEM] }).allow({ actions: ["logs:PutSubscription*"], resources: ["*"] }))).not.toThrow();
  });

  it("without the validation the gate's agent-role-boundary rule reports an open direct right (a warning-graded one, so a warning)", () => {
    // Testing.synth skips validations: what a stack built around the construct check would look like to `blastwall check`.
    const { json } = synth((s) => new AgentRole(s, "Agent", { ...props, boundaryExemptions: [{ action: "sqs:PurgeQueue", reason: "the janitor agent drains dead-letter queues" }] }));
    expect(gateFindings(json)).toEqual([expect.stringMatching(/^agent-role-boundary \[warning\]: .*allows actions .*direct destroy actions \(sqs:PurgeQueue\)/)]);
  });

  it("with validations skipped, blastwall check's fix names the exemption without a grant, not only an override (red-team round 79)", () => {
    const dir = mkdtempSync(join(tmpdir(), "blastwall-exempt-"));
    const app = new App({ outdir: dir, skipValidation: true });
    const stack = new TerraformStack(app, "test");
    new AwsProvider(stack, "aws", { region: "eu-central-1" });
    new AgentRole(stack, "Agent", { ...props, boundaryExemptions: [{ action: "sqs:PurgeQueue", reason: "the janitor agent drains dead-letter queues" }] });
    app.synth();
    const r = report(JSON.parse(readFileSync(join(dir, "stacks", "test", "cdk.tf.json"), "utf8")));
    const f = r.findings.find((x) => x.ruleId === "agent-role-boundary");
    expect(f?.fix).toContain("This is AgentRole's boundary");
    expect(f?.fix).toContain("If boundaryExemptions already names it, no allow() grants it (a synth that skips validations lets that through): grant it, or remove the exemption.");
  });
});

describe("boundaryExemptions: the gate", () => {
  const granted = (exemptions: readonly BoundaryExemption[], actions: string[], aspect = false) =>
    fullSynth((s) => new AgentRole(s, "Agent", { ...props, boundaryExemptions: exemptions }).allow({ actions, resources: [LOG_GROUPS] }), aspect);

  it("reports the exempted right as a warning acknowledged with the reason, limited to that action and the role's policy; no errors", () => {
    const json = granted([{ ...SIEM, expires: "2099-12-31" }], [SIEM.action, "logs:DescribeLogGroups"], true);
    const r = report(json);
    expect(r.summary.errors).toBe(0);
    expect(r.findings).toHaveLength(1);
    const [f] = r.findings as Finding[];
    expect(f).toMatchObject({ ruleId: "agent-protection-removal", severity: "warning", actions: ["logs:PutSubscriptionFilter"] });
    expect(f.resource).toMatch(/^aws_iam_role_policy\.Agent_Permissions_\w+$/);
    expect(f.acknowledged).toEqual({
      reason: "logs:PutSubscriptionFilter: ships the audit log groups to the SIEM (SEC-142) (boundaryExemptions of test/Agent)",
      source: "construct test/Agent/Role in cdk.tf.json",
      expires: "2099-12-31",
      actions: ["logs:PutSubscriptionFilter"],
    });
    const ack = Object.values(json.resource.aws_iam_role as Obj)[0]["//"].blastwall.acknowledgements;
    expect(ack).toEqual([{ ruleId: "agent-protection-removal", reason: f.acknowledged!.reason, expires: "2099-12-31", actions: ["logs:PutSubscriptionFilter"], resource: f.resource }]);
  });

  it("a direct warning goes to agent-destroy-right and leaves agent-role-boundary quiet", () => {
    const r = report(fullSynth((s) => new AgentRole(s, "Agent", { ...props, boundaryExemptions: [{ action: "sqs:PurgeQueue", reason: "the janitor agent drains dead-letter queues" }] }).allow({ actions: ["sqs:PurgeQueue"], resources: ["*"] })));
    expect(r.findings.map((f) => [f.ruleId, f.severity, Boolean(f.acknowledged)])).toEqual([["agent-destroy-right", "warning", true]]);
  });

  it("refuses an action that is also a way into another principal, whatever its grade (red-team round 76)", () => {
    expect(errorOf(() => synth((s) => new AgentRole(s, "Agent", { ...props, boundaryExemptions: [{ action: "cognito-idp:UpdateUserPool", reason: "tunes the pool's password policy" }] }))).message).toBe(
      "AgentRole: boundaryExemptions[0].action: cognito-idp:UpdateUserPool also lets the agent act as another principal (blastwall follows it as a path to that principal's rights), so an exemption would open that path: grant the rights the task needs directly, or move the task to a principal that is not an agent",
    );
  });

  it.each([
    ["sqs:SetQueueAttributes", "also sets a queue's Policy attribute"],
    ["elasticache:ModifyUser", "sets a cache user's password"],
    ["memorydb:UpdateUser", "sets a MemoryDB user's password"],
    ["fsx:UpdateStorageVirtualMachine", "resets a storage virtual machine's admin password"],
    ["elasticache:ModifyUserGroup", "adds users to a cache's user group"],
    ["memorydb:UpdateAcl", "adds users to a MemoryDB ACL"],
    // Round 78: the same effects through a parameter of a wider call, and rights used with another principal's access.
    ["fsx:UpdateFileSystem", "resets the fsxadmin password"],
    ["elasticache:ModifyReplicationGroup", "sets a replication group's AUTH token"],
    ["memorydb:UpdateCluster", "switches a MemoryDB cluster to another ACL"],
    ["secretsmanager:DeleteResourcePolicy", "removes a secret's resource policy"],
    ["glacier:DeleteVaultAccessPolicy", "removes a vault's access policy"],
    ["datasync:StartTaskExecution", "runs a DataSync task with DataSync's access"],
    ["servicecatalog:UpdateProvisionedProduct", "updates a provisioned product with its launch role's rights"],
  ])("refuses %s: graded warning for one effect, it also hands over an identity or a resource policy (red-team round 77)", (action, what) => {
    const message = errorOf(() => synth((s) => new AgentRole(s, "Agent", { ...props, boundaryExemptions: [{ action, reason: "the task needs it, says the team" }] }))).message;
    expect(message).toContain(`AgentRole: boundaryExemptions[0].action: ${action} ${what}`);
    expect(message).toContain("whatever its catalogue grade, no exemption may open it (the catalogue's notExemptable)");
    // allow() offers no exemption for it either.
    expect(errorOf(() => synth((s) => new AgentRole(s, "Agent", props).allow({ actions: [action], resources: ["*"] }))).message).not.toContain("boundaryExemptions");
  });

  it.each([["dynamodb:UpdateTimeToLive"], ["eks:DeleteCluster"], ["sagemaker:DeleteDomain"], ["kms:RevokeGrant"], ["kms:RetireGrant"]])(
    "refuses %s: a warning whose worst case is a whole data store (red-team round 80)",
    (action) => {
      const message = errorOf(() => synth((s) => new AgentRole(s, "Agent", { ...props, boundaryExemptions: [{ action, reason: "the task needs it, says the team" }] }))).message;
      expect(message).toContain(`AgentRole: boundaryExemptions[0].action: ${action} `);
      expect(message).toContain("whatever its catalogue grade, no exemption may open it (the catalogue's notExemptable)");
    },
  );

  it("allow()'s refusal of a warning right suggests the exemption without calling it an agent's task never to do, and suggests none for a reach action", () => {
    const refusal = (action: string) => errorOf(() => synth((s) => new AgentRole(s, "Agent", props).allow({ actions: [action], resources: ["*"] }))).message;
    const purge = refusal("sqs:PurgeQueue");
    expect(purge).toContain("The catalogue grades it warning: the damage is limited, recoverable, or depends on facts blastwall cannot see. If the agent's task truly needs it, list sqs:PurgeQueue in boundaryExemptions");
    expect(purge).not.toContain("never an agent session");
    expect(purge).not.toContain("limited or recoverable)");
    // A warning whose worst case is a whole data store: no exemption offered (red-team round 80).
    expect(refusal("eks:DeleteCluster")).not.toContain("boundaryExemptions");
    const pool = refusal("cognito-idp:UpdateUserPool");
    expect(pool).not.toContain("boundaryExemptions");
    expect(pool).toContain("Protection settings change through a reviewed deploy");
    // Error-graded: no exemption offered.
    expect(refusal("ec2:DeleteVolume")).not.toContain("boundaryExemptions");
  });

  it("fails again once the exemption expires: an acknowledgement-expired error and the finding unacknowledged", () => {
    const json = granted([{ ...SIEM, expires: "2030-06-30" }], [SIEM.action]);
    expect(report(json, new Date("2030-06-30T23:00:00Z")).summary.errors).toBe(0);
    const later = report(json, new Date("2030-07-01T00:00:01Z"));
    expect(later.summary.errors).toBeGreaterThan(0);
    expect(later.findings.find((f) => f.ruleId === "agent-protection-removal")?.acknowledged).toBeUndefined();
    const expired = later.findings.find((f) => f.ruleId === "acknowledgement-expired" && f.severity === "error");
    // Its fix sends the user to the exemption, which still leaves the boundary open (red-team round 76).
    expect(expired?.fix).toBe(
      "The exemption lapsed, but the boundary still leaves the action to the role's policies: renew boundaryExemptions[].expires of test/Agent with a current reason, or remove the exemption and the allow() that grants it.",
    );
    // The synth-time gate runs today: an exemption already past its date fails synth.
    expect(() => granted([{ ...SIEM, expires: "2020-01-01" }], [SIEM.action], true)).toThrow(/acknowledgement-expired/);
  });

  it("two exemptions in one statement: one acknowledgement with both reasons, lapsing with the earlier expiry", () => {
    const logging = { action: "s3:PutBucketLogging", reason: "moves access logs to the log archive", expires: "2031-01-31" };
    const json = fullSynth((s) =>
      new AgentRole(s, "Agent", { ...props, boundaryExemptions: [{ ...SIEM, expires: "2032-01-31" }, logging] }).allow({ actions: [SIEM.action, logging.action], resources: ["*"] }),
    );
    const r = report(json, new Date("2030-01-01"));
    expect(r.summary.errors).toBe(0);
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0].acknowledged?.reason).toBe(
      "logs:PutSubscriptionFilter: ships the audit log groups to the SIEM (SEC-142); s3:PutBucketLogging: moves access logs to the log archive (boundaryExemptions of test/Agent)",
    );
    expect(report(json, new Date("2031-06-01")).summary.errors).toBeGreaterThan(0);
  });

  it("does not cover the same action granted by a policy attached outside allow()", () => {
    const json = fullSynth((s) => {
      const agent = new AgentRole(s, "Agent", { ...props, boundaryExemptions: [SIEM] }).allow({ actions: [SIEM.action], resources: [LOG_GROUPS] });
      new IamRolePolicy(s, "Extra", { role: agent.role.name, policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: SIEM.action, Resource: "*" }] }) });
    });
    const findings = report(json).findings.filter((f) => f.ruleId === "agent-protection-removal");
    expect(findings.map((f) => [f.resource.replace(/_[0-9A-F]{8}$/, ""), Boolean(f.acknowledged)]).sort()).toEqual([
      ["aws_iam_role_policy.Agent_Permissions", true],
      ["aws_iam_role_policy.Extra", false],
    ]);
  });

  it("follows the permissions policy's logical id when it is overridden after the grant", () => {
    const json = fullSynth((s) => {
      const agent = new AgentRole(s, "Agent", { ...props, boundaryExemptions: [SIEM] }).allow({ actions: [SIEM.action], resources: [LOG_GROUPS] });
      (agent.node.findChild("Permissions") as TerraformResource).overrideLogicalId("agent_permissions");
    });
    const [f] = report(json).findings;
    expect(f.resource).toBe("aws_iam_role_policy.agent_permissions");
    expect(f.acknowledged).toBeDefined();
  });
});

describe("boundaryExemptions without acknowledgementsInCode (red-team round 125 F5, F6)", () => {
  const granted = (exemptions: readonly BoundaryExemption[], aspect = false) =>
    fullSynth((s) => new AgentRole(s, "Agent", { ...props, boundaryExemptions: exemptions }).allow({ actions: [SIEM.action], resources: [LOG_GROUPS] }), aspect, {});
  const check = (json: Obj, now: Date) => checkStacks([buildStack(json, "cdk.tf.json", "test")], { config: {}, rules: gateRules(), now });

  it("an expired exemption is an acknowledgement-expired error in check and fails the synth-time gate: an expiry only tightens", () => {
    const json = granted([{ ...SIEM, expires: "2030-06-30" }]);
    const later = check(json, new Date("2030-07-01T00:00:01Z"));
    expect(later.findings.filter((f) => f.ruleId === "acknowledgement-expired").map((f) => f.severity)).toEqual(["error"]);
    expect(() => granted([{ ...SIEM, expires: "2020-01-01" }], true)).toThrow(/acknowledgement-expired/);
  });

  it("the control: before its date, no expiry error, and the exempted right is an unacknowledged warning that fails nothing", () => {
    const r = check(granted([{ ...SIEM, expires: "2030-06-30" }]), new Date("2030-06-30T23:00:00Z"));
    expect(r.summary.errors).toBe(0);
    expect(r.findings.map((f) => [f.ruleId, f.severity, f.acknowledged])).toEqual([["agent-protection-removal", "warning", undefined]]);
    expect(() => granted([{ ...SIEM, expires: "2099-12-31" }], true)).not.toThrow();
  });

  it("the not-honoured advice keeps the exemption in code and gives the whole entry for blastwall.json, never 'remove it from the stack code'", () => {
    const [f] = check(granted([{ ...SIEM, expires: "2099-12-31" }]), new Date("2030-01-01")).findings;
    expect(f.fix).toContain("The acknowledgement comes from boundaryExemptions: keep the exemption in the stack code (without it, allow() refuses the right and synth fails)");
    expect(f.fix).not.toContain("remove it from the stack code");
    const entry = JSON.parse(/blastwall\.json \(reviewed through CODEOWNERS\): (\{.*\}); or, if/.exec(f.fix)![1]);
    expect(entry).toEqual({
      ruleId: "agent-protection-removal",
      principal: f.principal,
      stack: "test",
      actions: [SIEM.action],
      resource: f.resource,
      expires: "2099-12-31",
      reason: `${SIEM.action}: ${SIEM.reason} (boundaryExemptions of test/Agent)`,
      // Pinned to the finding as it is now: a pasted entry is never wider than what was reviewed.
      grants: f.grants,
    });
    expect(f.grants).toMatch(/^[0-9a-f]{16}$/);
    // Pasted, it covers the finding in check.
    const pasted = checkStacks([buildStack(granted([{ ...SIEM, expires: "2099-12-31" }]), "cdk.tf.json", "test")], { config: { acknowledgements: [entry] }, rules: gateRules(), now: new Date("2030-01-01") });
    expect(pasted.findings.map((x) => x.acknowledged?.source)).toEqual(["blastwall.json"]);
  });

  it("the control: an acknowledge() that is no exemption's is still to be moved out of the stack code", () => {
    const json = fullSynth((s) => {
      const role = new IamRolePolicy(s, "p", { role: "x", policy: "{}" });
      acknowledge(role, { ruleId: "agent-destroy-right", reason: "deletes scratch volumes only, reviewed" });
    });
    const acks = inCodeAcknowledgements(buildStack(json, "cdk.tf.json", "test"));
    const [f] = refusedInCode([{ ruleId: "agent-destroy-right", principal: acks[0].principal, resource: acks[0].principal, actions: ["ec2:DeleteVolume"], evidence: [], message: "m", fix: "f", severity: "error", file: "cdk.tf.json" }], acks, "test", new Date("2026-11-28T00:00:00Z"));
    expect(f.fix).toContain("and remove it from the stack code");
    expect(f.fix).not.toContain("boundaryExemptions");
  });
});

describe("boundaryExemptions: an agent role with an entry role (CI principals)", () => {
  const gitlab = AgentPrincipal.gitlabCi({ providerArn: `arn:aws:iam::${APP_ACCOUNT}:oidc-provider/gitlab.com`, project: "acme/infra" });
  const LOGGING: BoundaryExemption = { action: "s3:PutBucketLogging", reason: "moves access logs to the log archive", expires: "2030-01-31" };

  it("the entry role's path to the exempted rights is acknowledged too, with all of them, across several allow() calls (red-team round 76)", () => {
    const json = fullSynth((s) => {
      const role = new AgentRole(s, "Agent", { ...props, assumedBy: [gitlab], boundaryExemptions: [SIEM, LOGGING] });
      role.allow({ actions: [SIEM.action], resources: ["*"] });
      role.allow({ actions: [LOGGING.action], resources: ["*"] });
    });
    const r = report(json, new Date("2029-12-31T00:00:00Z"));
    const entry = r.findings.filter((f) => f.principal.includes("Entry"));
    expect(entry.map((f) => [f.ruleId, f.severity, [...f.actions].sort(), Boolean(f.acknowledged)])).toEqual([
      ["agent-transitive-destroy", "warning", [LOGGING.action, SIEM.action].sort(), true],
    ]);
    expect(entry[0].acknowledged?.reason).toContain("held by the agent role this entry role leads to (boundaryExemptions of test/Agent)");
    expect(r.findings.every((f) => f.acknowledged)).toBe(true);
    // It lapses with the earliest expiry, as the role's own.
    const later = report(json, new Date("2030-02-01T00:00:00Z"));
    expect(later.findings.find((f) => f.principal.includes("Entry") && f.ruleId === "agent-transitive-destroy")?.acknowledged).toBeUndefined();
  });

  it("control: a right the exemptions do not name, reached through the entry role, is not acknowledged", () => {
    const json = fullSynth((s) => {
      const role = new AgentRole(s, "Agent", { ...props, assumedBy: [gitlab], boundaryExemptions: [SIEM] });
      role.allow({ actions: [SIEM.action], resources: ["*"] });
      new IamRolePolicyAttachment(s, "Extra", { role: role.role.name, policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" });
    });
    const entry = report(json).findings.filter((f) => f.principal.includes("Entry") && f.ruleId === "agent-transitive-destroy");
    expect(entry.length).toBeGreaterThan(0);
    expect(entry.some((f) => f.acknowledged)).toBe(false);
  });
});

describe("boundaryExemptions on ScopedToken", () => {
  // An OIDC subject: a ScopedToken refuses a plain role (red-team round 92); an AgentRole parent has tests of its own below.
  const subject = AgentPrincipal.oidc({ providerArn: `arn:aws:iam::${APP_ACCOUNT}:oidc-provider/idp.example.com`, issuerHost: "idp.example.com", subject: "agent:ship-logs" });
  const base = { name: "ship-logs", assumedBy: subject, resources: [LOG_GROUPS], environment: "staging", accountId: APP_ACCOUNT, region: "eu-central-1" };

  it("a token assumed by an AgentRole: the parent's transitive warning for the exempted right is acknowledged too (red-team round 77)", () => {
    const PURGE: BoundaryExemption = { action: "sqs:PurgeQueue", reason: "drains the staging dead-letter queue", expires: "2030-01-31" };
    const QUEUE = `arn:aws:sqs:eu-central-1:${APP_ACCOUNT}:staging-dlq`;
    const json = fullSynth((s) => {
      const parent = new AgentRole(s, "Agent", props);
      new ScopedToken(s, "Purge", { ...base, name: "purge", assumedBy: parent, actions: ["sqs:PurgeQueue"], resources: [QUEUE], boundaryExemptions: [PURGE] });
    });
    const r = report(json, new Date("2029-12-31T00:00:00Z"));
    const parent = r.findings.filter((f) => f.principal.includes("Agent_Role"));
    expect(parent.map((f) => [f.ruleId, f.severity, f.actions, Boolean(f.acknowledged)])).toEqual([["agent-transitive-destroy", "warning", ["sqs:PurgeQueue"], true]]);
    expect(parent[0].acknowledged?.reason).toBe("sqs:PurgeQueue: drains the staging dead-letter queue, held by the token role this agent may assume (boundaryExemptions of test/Purge)");
    expect(r.findings.every((f) => f.acknowledged)).toBe(true);
    expect(report(json, new Date("2030-02-01T00:00:00Z")).summary.errors).toBeGreaterThan(0);
  });

  it("a token assumed by an AgentRole that a CI job enters: the parent's entry role's transitive warning is acknowledged too (red-team round 78)", () => {
    const gitlab = AgentPrincipal.gitlabCi({ providerArn: `arn:aws:iam::${APP_ACCOUNT}:oidc-provider/gitlab.com`, project: "acme/infra" });
    const json = fullSynth((s) => {
      const parent = new AgentRole(s, "Parent", { ...props, assumedBy: [gitlab] });
      new ScopedToken(s, "T1", { ...base, name: "t1", assumedBy: parent, actions: [SIEM.action], boundaryExemptions: [SIEM] });
    });
    const r = report(json);
    const entry = r.findings.filter((f) => f.principal.includes("Parent_Entry"));
    expect(entry.map((f) => [f.ruleId, f.actions, Boolean(f.acknowledged)])).toEqual([["agent-transitive-destroy", [SIEM.action], true]]);
    expect(r.findings.every((f) => f.acknowledged)).toBe(true);
  });

  it("names ScopedToken's own prop when its name leaves no room for the entry role's (red-team round 77)", () => {
    const gitlab = AgentPrincipal.gitlabCi({ providerArn: `arn:aws:iam::${APP_ACCOUNT}:oidc-provider/gitlab.com`, project: "acme/infra" });
    const make = (name: string) => () => synth((s) => new ScopedToken(s, "Token", { ...base, name, assumedBy: gitlab, actions: ["logs:DescribeLogGroups"] }));
    expect(make("t".repeat(59))).toThrow(/^ScopedToken: name must be at most 58 characters here \(got 59, "t{59}"\): OIDC subject .* cannot set a source identity, so it enters through an entry role named t{59}-entry/);
    expect(make("t".repeat(58))).not.toThrow();
  });

  it("opens the token role's boundary for the exempted task action, acknowledged in the gate", () => {
    const json = fullSynth((s) => new ScopedToken(s, "Token", { ...base, actions: [SIEM.action, "logs:DescribeLogGroups"], boundaryExemptions: [SIEM] }), true);
    const boundary = resources(json, "aws_iam_policy").find((p) => p.name === "ship-logs-boundary")!;
    expect(boundary.policy).not.toContain("logs:PutSubscriptionFilter");
    const r = report(json);
    expect(r.summary.errors).toBe(0);
    expect(r.findings.map((f) => [f.ruleId, f.severity, f.acknowledged?.reason])).toEqual([
      // The ScopedToken's path, where the user set the exemption (red-team round 76: it named AgentRole).
      ["agent-protection-removal", "warning", "logs:PutSubscriptionFilter: ships the audit log groups to the SIEM (SEC-142) (boundaryExemptions of test/Token)"],
    ]);
  });

  it("refuses the action without the exemption, an exemption the task does not use, and an error-graded one, naming its props", () => {
    const make = (extra: object) => () => synth((s) => new ScopedToken(s, "Token", { ...base, actions: [SIEM.action], ...extra }));
    expect(make({})).toThrow(/^ScopedToken: actions: logs:PutSubscriptionFilter is in blastwall's destroy-rights catalogue.*list logs:PutSubscriptionFilter in boundaryExemptions/);
    expect(make({ actions: ["logs:DescribeLogGroups"], boundaryExemptions: [SIEM] })).toThrow(
      "ScopedToken: boundaryExemptions[0].action: logs:PutSubscriptionFilter is exempted from the token role's permission boundary but is not one of actions",
    );
    expect(make({ boundaryExemptions: [SIEM, { ...SIEM, action: "logs:DeleteLogGroup" }] })).toThrow(/^ScopedToken: boundaryExemptions\[1\]\.action: logs:DeleteLogGroup is graded error/);
  });
});
