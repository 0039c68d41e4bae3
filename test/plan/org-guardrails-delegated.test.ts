/**
 * plan-org-guardrails-delegated (red-team round 142, F4): a plan that lets a member account change the organization's
 * guardrails without touching a policy or an attachment. An Organizations delegation policy that grants policy
 * management (AttachPolicy, DetachPolicy, UpdatePolicy, ...), and a delegated administrator of a service whose
 * organization-wide features protect the member accounts; read-only (Describe, List) delegation and read-only services pass.
 */
import { writeFileSync } from "fs";
import { join } from "path";
import type { Finding } from "../../lib/engine/findings";
import { createApproval } from "../../lib/plan/approval";
import { evaluatePlan } from "../../lib/plan/evaluate";
import { gateFails, runGate } from "../../lib/plan/gate";
import { readPlan } from "../../lib/plan/read-plan";
import { PLAN_RULES } from "../../lib/plan/rules";
import { orgGuardrailsDelegated } from "../../lib/plan/rules/org-guardrails-delegated";
import { change, minimalPlan, tempDir, writeTemp } from "./helpers";
import { ed25519 } from "./keys";

const NOW = new Date("2026-10-01T09:00:00.000Z");
const RULE = "plan-org-guardrails-delegated";

function findings(changes: unknown[]): Finding[] {
  return evaluatePlan(readPlan(writeTemp(tempDir(), "plan.json", JSON.stringify(minimalPlan(changes))))).judged.map((j) => j.finding);
}

function gateBlocks(changes: unknown[]): boolean {
  const dir = tempDir();
  writeFileSync(join(dir, "plan.json"), JSON.stringify(minimalPlan(changes)));
  return gateFails(runGate({ planFile: "plan.json", cwd: dir, now: NOW, trustedKeys: [] }));
}

const MEMBER = "arn:aws:iam::333333333333:root";
const READ = { Sid: "Nav", Effect: "Allow", Principal: { AWS: MEMBER }, Action: ["organizations:Describe*", "organizations:List*"], Resource: "*" };
/** The round's input (p3/o3-org-resource-policy.json): SCP and RCP management for a member account. */
const SCP_CRUD = {
  Sid: "ScpCrud",
  Effect: "Allow",
  Principal: { AWS: MEMBER },
  Action: ["organizations:DetachPolicy", "organizations:UpdatePolicy", "organizations:DeletePolicy", "organizations:AttachPolicy"],
  Resource: "*",
  Condition: { StringLikeIfExists: { "organizations:PolicyType": ["SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY"] } },
};
const doc = (...statements: unknown[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });
const stored = (content: string) => ({ id: "o-exampleorg1", arn: "arn:aws:organizations::111111111111:resourcepolicy/o-exampleorg1/rp-abcd1234", content, tags: null, tags_all: {} });
const created = (content: string, type = "aws_organizations_resource_policy") => change(`${type}.deleg`, ["create"], null, { content, tags: null });
const updated = (before: string, after: string) => change("aws_organizations_resource_policy.deleg", ["update"], stored(before), stored(after));

describe("a delegation policy that lets a member account manage the organization's policies", () => {
  test("the round's input: SCP and RCP detach/update/delete/attach for 333333333333 is an error that names who, what, the condition, and how to approve", () => {
    const fs = findings([created(doc(READ, SCP_CRUD))]);
    expect(fs.map((f) => f.ruleId)).toEqual([RULE]);
    expect(fs[0]).toMatchObject({ severity: "error", principal: "aws_organizations_resource_policy.deleg", actions: ["create"] });
    expect(fs[0].message).toContain(
      `The plan creates the Organizations delegation policy aws_organizations_resource_policy.deleg, which lets AWS ${MEMBER} call organizations:DetachPolicy, organizations:UpdatePolicy, organizations:DeletePolicy, organizations:AttachPolicy (statement "ScpCrud"), when {"StringLikeIfExists":{"organizations:PolicyType":["SERVICE_CONTROL_POLICY","RESOURCE_CONTROL_POLICY"]}}`,
    );
    expect(fs[0].message).toContain("may then detach the SCPs and RCPs");
    expect(fs[0].message).toMatch(/blastwall approve \S*plan\.json --key KEY\.pem --by NAME` on this exact plan/);
    // The read-only statement is not named: it hands nothing over.
    expect(fs[0].message).not.toContain("organizations:Describe*");
    expect(fs[0].message).not.toContain("\"Nav\"");
    expect(gateBlocks([created(doc(READ, SCP_CRUD))])).toBe(true);
  });

  test.each([
    ["organizations:*", { Action: "organizations:*" }],
    ["every action", { Action: "*" }],
    ["a wildcard service", { Action: "*:DetachPolicy" }],
    ["a name wildcard that reaches DetachPolicy", { Action: "organizations:D*" }],
    ["CreatePolicy alone", { Action: "organizations:CreatePolicy" }],
    ["DisablePolicyType", { Action: ["organizations:DisablePolicyType"] }],
    ["NotAction (everything but what it names)", { NotAction: "organizations:Describe*" }],
    ["no Action at all", {}],
  ])("%s is an error", (_label, grant) => {
    const statement = { Effect: "Allow", Principal: { AWS: MEMBER }, Resource: "*", ...grant };
    const fs = findings([created(doc(READ, statement))]);
    expect(fs.map((f) => f.ruleId)).toEqual([RULE]);
  });

  test("Principal * counts as anyone", () => {
    const [f] = findings([created(doc({ Effect: "Allow", Principal: "*", Action: "organizations:DetachPolicy", Resource: "*" }))]);
    expect(f.message).toContain('which lets anyone (Principal "*") call organizations:DetachPolicy');
  });

  test("the Cloud Control resource policy counts the same", () => {
    expect(findings([created(doc(SCP_CRUD), "awscc_organizations_resource_policy")]).map((f) => f.ruleId)).toEqual([RULE]);
  });

  test("a content known only after apply, or that cannot be read, counts (fail closed)", () => {
    const unknown = created("");
    const ch = unknown.change as Record<string, unknown>;
    ch.after = { content: null, tags: null };
    ch.after_unknown = { content: true };
    const [u] = findings([unknown]);
    expect(u.ruleId).toBe(RULE);
    expect(u.message).toContain("with a content known only after apply, so the gate cannot show that it lets no member account create, change, attach or detach");
    const [bad] = findings([created("{not json")]);
    expect(bad.message).toContain("with a content blastwall cannot read (not JSON)");
    const [notStatement] = findings([created(doc("organizations:DetachPolicy"))]);
    expect(notStatement.message).toContain("(statement 1 is not an object)");
  });

  test("an update that adds policy management to a read-only delegation is an error naming only what it adds", () => {
    const fs = findings([updated(doc(READ), doc(READ, SCP_CRUD))]);
    expect(fs.map((f) => f.ruleId)).toEqual([RULE]);
    expect(fs[0].message).toContain("The plan changes the Organizations delegation policy");
    expect(gateBlocks([updated(doc(READ), doc(READ, SCP_CRUD))])).toBe(true);
  });

  test("an update that hands the same rights to another account names that account only", () => {
    const other = "arn:aws:iam::444444444444:root";
    const [f] = findings([updated(doc(SCP_CRUD), doc({ ...SCP_CRUD, Principal: { AWS: [MEMBER, other] } }))]);
    expect(f.message).toContain(`which lets AWS ${other} call organizations:DetachPolicy`);
    expect(f.message).not.toContain(MEMBER);
  });

  test("an update that drops the condition on the same grant counts (other terms)", () => {
    const { Condition: _c, ...open } = SCP_CRUD;
    expect(findings([updated(doc(SCP_CRUD), doc(open))]).map((f) => f.ruleId)).toEqual([RULE]);
  });

  test("a replace writes the delegation anew and is judged against the old content", () => {
    const replace = change("aws_organizations_resource_policy.deleg", ["delete", "create"], stored(doc(READ)), { content: doc(READ, SCP_CRUD), tags: null });
    const [f] = findings([replace]);
    expect(f.message).toContain("The plan replaces the Organizations delegation policy");
  });
});

describe("controls: a delegation that hands no policy management passes", () => {
  test("Describe* and List* only (the round's read-only statement)", () => {
    expect(findings([created(doc(READ))])).toEqual([]);
    expect(gateBlocks([created(doc(READ))])).toBe(false);
  });

  test("named read actions, and a single statement that is not in a list", () => {
    const one = JSON.stringify({ Version: "2012-10-17", Statement: { Effect: "Allow", Principal: { AWS: MEMBER }, Action: ["organizations:DescribePolicy", "organizations:ListTargetsForPolicy"], Resource: "*" } });
    expect(findings([created(one)])).toEqual([]);
  });

  test("a Deny of policy management grants nothing", () => {
    expect(findings([created(doc(READ, { ...SCP_CRUD, Effect: "Deny" }))])).toEqual([]);
  });

  test("actions of other services grant nothing on the organization", () => {
    expect(findings([created(doc({ Effect: "Allow", Principal: { AWS: MEMBER }, Action: ["s3:DeleteBucket"], Resource: "*" }))])).toEqual([]);
  });

  test("an update that keeps every grant (tags, reordered actions, another Sid) passes", () => {
    const reordered = { ...SCP_CRUD, Sid: "Renamed", Action: [...SCP_CRUD.Action].reverse() };
    expect(findings([updated(doc(READ, SCP_CRUD), doc(reordered, READ))])).toEqual([]);
  });

  test("an update that narrows the delegation passes", () => {
    const other = "arn:aws:iam::444444444444:root";
    expect(findings([updated(doc({ ...SCP_CRUD, Principal: { AWS: [MEMBER, other] } }), doc(SCP_CRUD))])).toEqual([]);
    expect(findings([updated(doc(READ, SCP_CRUD), doc(READ))])).toEqual([]);
  });

  test("deleting the delegation policy passes", () => {
    expect(findings([change("aws_organizations_resource_policy.deleg", ["delete"], stored(doc(SCP_CRUD)), null)])).toEqual([]);
  });
});

describe("a delegated administrator of a service that changes what protects the member accounts", () => {
  const admin = (service: string, actions = ["create"], before: unknown = null, account = "333333333333") =>
    change("aws_organizations_delegated_administrator.admin", actions, before, { account_id: account, service_principal: service });
  const REGISTERED = { id: "333333333333/cloudtrail.amazonaws.com", account_id: "333333333333", service_principal: "cloudtrail.amazonaws.com", status: "ACTIVE" };

  test("CloudTrail: the organization trails are the delegated account's to stop or delete", () => {
    const fs = findings([admin("cloudtrail.amazonaws.com")]);
    expect(fs.map((f) => f.ruleId)).toEqual([RULE]);
    expect(fs[0].message).toContain('The plan (aws_organizations_delegated_administrator.admin) makes account 333333333333 the delegated administrator of "cloudtrail.amazonaws.com" for the whole organization: the CloudTrail delegated administrator has administrative rights on every organization trail');
    expect(fs[0].message).toMatch(/blastwall approve \S*plan\.json --key KEY\.pem --by NAME/);
    expect(gateBlocks([admin("cloudtrail.amazonaws.com")])).toBe(true);
  });

  test.each([
    ["iam.amazonaws.com", "sts:AssumeRoot"],
    ["member.org.stacksets.cloudformation.amazonaws.com", "service-managed stack sets"],
    ["sso.amazonaws.com", "permission sets"],
    ["backup.amazonaws.com", "backup policies"],
    ["config-multiaccountsetup.amazonaws.com", "conformance packs"],
    ["guardduty.amazonaws.com", "protection plans off"],
    ["securityhub.amazonaws.com", "Security Hub and its controls off"],
    ["fms.amazonaws.com", "security group, WAF and network firewall policies"],
    ["SSO.AMAZONAWS.COM", "permission sets"],
  ])("%s is an error that says what it can change", (service, says) => {
    const [f] = findings([admin(service)]);
    expect(f.ruleId).toBe(RULE);
    expect(f.message).toContain(says);
  });

  test("a service blastwall does not know counts, and so does one known only after apply", () => {
    const [unknownService] = findings([admin("example.amazonaws.com")]);
    expect(unknownService.message).toContain("blastwall does not know what the delegated administrator of this service may do across the organization, so it counts");
    const later = admin("");
    const ch = later.change as Record<string, unknown>;
    ch.after = { account_id: "333333333333", service_principal: null };
    ch.after_unknown = { service_principal: true };
    const [f] = findings([later]);
    expect(f.message).toContain("a service known only after apply");
  });

  test("re-pointed to another account (replaced) counts", () => {
    expect(findings([admin("cloudtrail.amazonaws.com", ["delete", "create"], REGISTERED, "444444444444")]).map((f) => f.ruleId)).toEqual([RULE]);
  });

  test("controls: read-only services, the same registration replaced, and a deregistration pass", () => {
    expect(findings([admin("access-analyzer.amazonaws.com")])).toEqual([]);
    expect(findings([admin("compute-optimizer.amazonaws.com")])).toEqual([]);
    expect(findings([admin("cloudtrail.amazonaws.com", ["delete", "create"], REGISTERED)])).toEqual([]);
    expect(findings([change("aws_organizations_delegated_administrator.admin", ["delete"], REGISTERED, null)])).toEqual([]);
    expect(gateBlocks([admin("access-analyzer.amazonaws.com")])).toBe(false);
  });
});

describe("plan-org-guardrails-delegated: registered, and approvable like any blocked change", () => {
  test("it is a plan rule, an error, whose fix says how to approve", () => {
    expect(PLAN_RULES).toContain(orgGuardrailsDelegated);
    expect(orgGuardrailsDelegated.meta).toMatchObject({ id: RULE, severity: "error", category: "plan" });
    expect(orgGuardrailsDelegated.meta.fix).toMatch(/blastwall approve/);
  });

  test("a signed approval of this exact plan covers the delegation", () => {
    const dir = tempDir();
    const alice = ed25519();
    writeFileSync(join(dir, "plan.json"), JSON.stringify(minimalPlan([created(doc(READ, SCP_CRUD))])));
    writeFileSync(join(dir, "alice.pub.pem"), alice.publicKeyPem);
    const gate = (approvals: string[]) => runGate({ planFile: "plan.json", cwd: dir, now: NOW, trustedKeys: ["alice.pub.pem"], approvals });
    expect(gateFails(gate([]))).toBe(true);
    const approval = createApproval("plan.json", { privateKeyPem: alice.privateKeyPem, by: "alice", expiresIn: "1h", now: NOW, cwd: dir });
    expect(approval.approved).toEqual([{ address: "aws_organizations_resource_policy.deleg", actions: ["create"] }]);
    writeFileSync(join(dir, "approval.json"), JSON.stringify(approval));
    const report = gate(["approval.json"]);
    expect(gateFails(report)).toBe(false);
    expect(report.findings.map((f) => [f.ruleId, f.acknowledged?.source])).toEqual([[RULE, "approval.json"]]);
  });
});
