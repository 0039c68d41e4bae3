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

/**
 * A service's own admin-account resource (EnableOrganizationAdminAccount and the like) registers the same delegated
 * administrator as aws_organizations_delegated_administrator: judged as that service is.
 */
describe("a service's own admin-account resource", () => {
  const set = (type: string, attr: string, actions = ["create"], before: unknown = null, account: unknown = "333333333333", extra: Record<string, unknown> = {}) =>
    change(`${type}.admin`, actions, before, { [attr]: account, ...extra });

  test.each([
    ["aws_cloudtrail_organization_delegated_admin_account", "account_id", "cloudtrail.amazonaws.com", "every organization trail"],
    ["aws_guardduty_organization_admin_account", "admin_account_id", "guardduty.amazonaws.com", "protection plans off"],
    ["aws_securityhub_organization_admin_account", "admin_account_id", "securityhub.amazonaws.com", "Security Hub and its controls off"],
    ["awscc_securityhub_delegated_admin", "admin_account_id", "securityhub.amazonaws.com", "Security Hub and its controls off"],
    ["aws_fms_admin_account", "account_id", "fms.amazonaws.com", "security group, WAF and network firewall policies"],
    ["aws_macie2_organization_admin_account", "admin_account_id", "macie.amazonaws.com", "archives their policy findings"],
    ["aws_detective_organization_admin_account", "account_id", "detective.amazonaws.com", "deletes it (DeleteGraph)"],
    ["awscc_detective_organization_admin", "account_id", "detective.amazonaws.com", "deletes it (DeleteGraph)"],
    ["aws_inspector2_delegated_admin_account", "account_id", "inspector2.amazonaws.com", "turns scanning off in member accounts"],
    ["aws_auditmanager_organization_admin_account_registration", "admin_account_id", "auditmanager.amazonaws.com", "assessments and the evidence"],
  ])("%s created is an error naming the account, the service and what its administrator can do", (type, attr, service, says) => {
    const fs = findings([set(type, attr)]);
    expect(fs.map((f) => [f.ruleId, f.severity])).toEqual([[RULE, "error"]]);
    expect(fs[0].message).toContain(`The plan (${type}.admin) makes account 333333333333 the administrator of "${service}" for the whole organization`);
    expect(fs[0].message).toContain(says);
    expect(fs[0].message).toMatch(/blastwall approve \S*plan\.json --key KEY\.pem --by NAME/);
    expect(fs[0].message).toContain("do not register the delegated administrator");
  });

  test("the gate blocks a new GuardDuty administrator, and its Region is named", () => {
    const c = set("aws_guardduty_organization_admin_account", "admin_account_id", ["create"], null, "333333333333", { region: "eu-west-1" });
    expect(findings([c])[0].message).toContain("for the whole organization in eu-west-1");
    expect(gateBlocks([c])).toBe(true);
  });

  test("pointed at another account, replaced or updated in place, counts and names the account before", () => {
    const was = { id: "333333333333", admin_account_id: "333333333333" };
    const [replaced] = findings([set("aws_guardduty_organization_admin_account", "admin_account_id", ["delete", "create"], was, "444444444444")]);
    expect(replaced.message).toContain("makes account 444444444444 (was 333333333333) the administrator");
    const [updated] = findings([set("aws_auditmanager_organization_admin_account_registration", "admin_account_id", ["update"], { admin_account_id: "333333333333" }, "444444444444")]);
    expect(updated.ruleId).toBe(RULE);
  });

  test("replaced into another Region counts: it registers the administrator there", () => {
    const was = { admin_account_id: "333333333333", region: "us-east-1" };
    expect(findings([set("aws_securityhub_organization_admin_account", "admin_account_id", ["delete", "create"], was, "333333333333", { region: "eu-west-1" })]).map((f) => f.ruleId)).toEqual([RULE]);
  });

  test("an account known only after apply counts (an aws_fms_admin_account without account_id is the applying account)", () => {
    const c = set("aws_fms_admin_account", "account_id", ["create"], null, null);
    (c.change as Record<string, unknown>).after_unknown = { account_id: true };
    expect(findings([c])[0].message).toContain("makes account (known after apply) the administrator");
  });

  test("the same service registered through Organizations is judged the same (Macie, Detective, Inspector, Audit Manager now known)", () => {
    const admin = (service: string) => change("aws_organizations_delegated_administrator.admin", ["create"], null, { account_id: "333333333333", service_principal: service });
    for (const service of ["macie.amazonaws.com", "detective.amazonaws.com", "inspector2.amazonaws.com", "auditmanager.amazonaws.com"]) {
      const [f] = findings([admin(service)]);
      expect(f.ruleId).toBe(RULE);
      expect(f.message).not.toContain("blastwall does not know");
    }
    expect(findings([admin("ipam.amazonaws.com")])).toEqual([]);
  });

  test("controls: VPC IPAM's administrator, the same account replaced in the same Region, an update that keeps the account, and a removal pass", () => {
    expect(findings([set("aws_vpc_ipam_organization_admin_account", "delegated_admin_account_id")])).toEqual([]);
    expect(gateBlocks([set("aws_vpc_ipam_organization_admin_account", "delegated_admin_account_id")])).toBe(false);
    const was = { id: "333333333333", admin_account_id: "333333333333", region: "eu-west-1" };
    expect(findings([set("aws_guardduty_organization_admin_account", "admin_account_id", ["delete", "create"], was, "333333333333", { id: "333333333333", region: "eu-west-1" })])).toEqual([]);
    expect(findings([set("aws_auditmanager_organization_admin_account_registration", "admin_account_id", ["update"], { admin_account_id: "333333333333", organization_id: "o-1" }, "333333333333", { organization_id: "o-2" })])).toEqual([]);
    expect(findings([change("aws_guardduty_organization_admin_account.admin", ["delete"], was, null)])).toEqual([]);
  });
});

/**
 * The template side: a delegation policy or a per-service delegated administrator written in a CloudFormation
 * template deployed by aws_cloudformation_stack or a stack set, judged by plan-stack-template-drops-data with the
 * guards of cfn-guards.ts and the judgement of this rule (CloudFormation has no Organizations delegated administrator type).
 */
describe("in a CloudFormation template: the guardrails handed to a member account", () => {
  const STACK_RULE = "plan-stack-template-drops-data";
  type Res = Record<string, unknown>;
  const tpl = (resources: Res, extra: Res = {}) => JSON.stringify({ Resources: resources, ...extra });
  const TOPIC = { Type: "AWS::SNS::Topic" };
  const policy = (content: unknown, extra: Res = {}) => ({ Type: "AWS::Organizations::ResourcePolicy", ...extra, Properties: { Content: content } });
  const object = (...statements: unknown[]) => ({ Version: "2012-10-17", Statement: statements });
  const update = (before: string, after: string, type = "aws_cloudformation_stack", params: [Res, Res] = [{}, {}]) =>
    change(`${type}.org`, ["update"], { name: "org", template_body: before, parameters: params[0] }, { name: "org", template_body: after, parameters: params[1] });
  const create = (template: string, type = "aws_cloudformation_stack") => change(`${type}.org`, ["create"], null, { name: "org", template_body: template, parameters: {} });
  const messages = (changes: unknown[]) => findings(changes).filter((f) => f.ruleId === STACK_RULE).map((f) => f.message);

  test("a delegation policy added to a stack that grants SCP management: an error naming the grant, the condition and why", () => {
    const fs = findings([update(tpl({ T: TOPIC }), tpl({ T: TOPIC, Deleg: policy(object(READ, SCP_CRUD)) }))]).filter((f) => f.ruleId === STACK_RULE);
    expect(fs.map((f) => f.severity)).toEqual(["error"]);
    expect(fs[0].message).toContain(
      `Deleg (AWS::Organizations::ResourcePolicy) is new: it lets AWS ${MEMBER} call organizations:DetachPolicy, organizations:UpdatePolicy, organizations:DeletePolicy, organizations:AttachPolicy (statement "ScpCrud"), when {"StringLikeIfExists"`,
    );
    expect(fs[0].message).toContain("whoever holds the IAM rights may then detach the SCPs and RCPs");
    expect(fs[0].message).not.toContain("organizations:Describe*");
    expect(fs[0].fix).toContain("drop the new Deleg");
  });

  test("in a new stack, a new stack set, and written as JSON text, too", () => {
    expect(messages([create(tpl({ Deleg: policy(object(SCP_CRUD)) }))]).join("\n")).toContain("Deleg (AWS::Organizations::ResourcePolicy) is new: it lets");
    expect(messages([create(tpl({ Deleg: policy(object(SCP_CRUD)) }), "aws_cloudformation_stack_set")]).join("\n")).toContain("Deleg (AWS::Organizations::ResourcePolicy) is new: it lets");
    expect(messages([update(tpl({ T: TOPIC }), tpl({ T: TOPIC, Deleg: policy(doc(SCP_CRUD)) }))]).join("\n")).toContain("organizations:DetachPolicy");
  });

  test("its Content changed to add policy management: an error naming only what it adds, and how to restore it", () => {
    const fs = findings([update(tpl({ Deleg: policy(object(READ)) }), tpl({ Deleg: policy(object(READ, SCP_CRUD)) }))]).filter((f) => f.ruleId === STACK_RULE);
    expect(fs).toHaveLength(1);
    expect(fs[0].message).toContain(`Deleg (AWS::Organizations::ResourcePolicy) Content: it now lets AWS ${MEMBER} call organizations:DetachPolicy`);
    expect(fs[0].message).toContain("which the content before did not");
    expect(fs[0].fix).toContain("set Deleg.Content back to");
  });

  test("in a stack set's template too", () => {
    expect(messages([update(tpl({ Deleg: policy(object(READ)) }), tpl({ Deleg: policy(object(READ, SCP_CRUD)) }), "aws_cloudformation_stack_set")]).join("\n")).toContain("Deleg (AWS::Organizations::ResourcePolicy) Content: it now lets");
  });

  test("a principal taken from a parameter that changes counts (computed), and an unreadable Content counts", () => {
    const t = tpl({ Deleg: policy(object({ ...SCP_CRUD, Principal: { AWS: { Ref: "Member" } } })) }, { Parameters: { Member: { Type: "String" } } });
    expect(messages([update(t, t, "aws_cloudformation_stack", [{ Member: "333333333333" }, { Member: "444444444444" }])]).join("\n")).toContain("Deleg (AWS::Organizations::ResourcePolicy) Content");
    expect(messages([update(tpl({ T: TOPIC }), tpl({ T: TOPIC, Deleg: policy("{not json") }))]).join("\n")).toContain("a content blastwall cannot read (not JSON) counts");
  });

  test("a new delegation policy whose Content is computed from values blastwall cannot evaluate counts", () => {
    const t = tpl({ T: TOPIC, Deleg: policy({ "Fn::ImportValue": "delegation-content" }) });
    expect(messages([update(tpl({ T: TOPIC }), t)]).join("\n")).toContain("Deleg (AWS::Organizations::ResourcePolicy) is new: its Content");
  });

  test("a Security Hub or Detective delegated administrator added, or pointed at another account, is an error naming what it can do", () => {
    const sh = (account: string) => ({ Type: "AWS::SecurityHub::DelegatedAdmin", Properties: { AdminAccountId: account } });
    const dt = (account: string) => ({ Type: "AWS::Detective::OrganizationAdmin", Properties: { AccountId: account } });
    const [added] = messages([update(tpl({ T: TOPIC }), tpl({ T: TOPIC, Sh: sh("333333333333") }))]);
    expect(added).toContain('Sh (AWS::SecurityHub::DelegatedAdmin) is new: it makes the account in AdminAccountId the organization\'s delegated administrator of securityhub.amazonaws.com, so the Security Hub delegated administrator\'s configuration policies turn Security Hub and its controls off');
    expect(added).toContain('(now "333333333333")');
    const [moved] = messages([update(tpl({ D: dt("333333333333") }), tpl({ D: dt("444444444444") }))]);
    expect(moved).toContain('D (AWS::Detective::OrganizationAdmin) AccountId "333333333333" → "444444444444": the organization\'s detective.amazonaws.com delegated administrator is pointed at another account');
    expect(moved).toContain("deletes it (DeleteGraph)");
    expect(messages([create(tpl({ Sh: sh("333333333333") }))])).toHaveLength(1);
  });

  test("controls: a read-only delegation added, a narrowed or reordered one, new tags, a deleted one, and an unchanged administrator pass", () => {
    expect(messages([update(tpl({ T: TOPIC }), tpl({ T: TOPIC, Deleg: policy(object(READ)) }))])).toEqual([]);
    expect(messages([create(tpl({ Deleg: policy(object(READ)) }))])).toEqual([]);
    expect(messages([update(tpl({ Deleg: policy(object(READ, SCP_CRUD)) }), tpl({ Deleg: policy(object(READ)) }))])).toEqual([]);
    const reordered = { ...SCP_CRUD, Sid: "Renamed", Action: [...SCP_CRUD.Action].reverse() };
    expect(messages([update(tpl({ Deleg: policy(object(READ, SCP_CRUD)) }), tpl({ Deleg: policy(object(reordered, READ)) }))])).toEqual([]);
    const tagged = { ...policy(object(SCP_CRUD)), Properties: { Content: object(SCP_CRUD), Tags: [{ Key: "team", Value: "platform" }] } };
    expect(messages([update(tpl({ Deleg: policy(object(SCP_CRUD)) }), tpl({ Deleg: tagged }))])).toEqual([]);
    expect(messages([update(tpl({ Deleg: policy(object(SCP_CRUD)), T: TOPIC }), tpl({ T: TOPIC }))])).toEqual([]);
    const sh = { Type: "AWS::SecurityHub::DelegatedAdmin", Properties: { AdminAccountId: "333333333333" } };
    expect(messages([update(tpl({ Sh: sh, T: TOPIC }), tpl({ Sh: sh, T: { ...TOPIC, Properties: { TopicName: "t" } } }))])).toEqual([]);
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
