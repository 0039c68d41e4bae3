/**
 * plan-org-guardrails-lifted (red-team round 140, F1 and F2): a plan that takes accounts out from under their
 * Organizations policies without touching a policy or an attachment. An account moved to another OU, an OU given
 * another parent, a policy type disabled, the feature set taken off ALL; tags, names and added types pass.
 */
import { writeFileSync } from "fs";
import { join } from "path";
import type { Finding } from "../../lib/engine/findings";
import { createApproval } from "../../lib/plan/approval";
import { evaluatePlan } from "../../lib/plan/evaluate";
import { gateFails, runGate } from "../../lib/plan/gate";
import { readPlan } from "../../lib/plan/read-plan";
import { PLAN_RULES } from "../../lib/plan/rules";
import { orgGuardrailsLifted } from "../../lib/plan/rules/org-guardrails-lifted";
import { change, minimalPlan, tempDir, writeTemp } from "./helpers";
import { ed25519 } from "./keys";

const NOW = new Date("2026-10-01T09:00:00.000Z");
const RULE = "plan-org-guardrails-lifted";

function findings(changes: unknown[], extra: Record<string, unknown> = {}): Finding[] {
  return evaluatePlan(readPlan(writeTemp(tempDir(), "plan.json", JSON.stringify(minimalPlan(changes, extra))))).judged.map((j) => j.finding);
}

function ours(changes: unknown[], extra: Record<string, unknown> = {}): Finding[] {
  return findings(changes, extra).filter((f) => f.ruleId === RULE);
}

function gateBlocks(changes: unknown[]): boolean {
  const dir = tempDir();
  writeFileSync(join(dir, "plan.json"), JSON.stringify(minimalPlan(changes)));
  return gateFails(runGate({ planFile: "plan.json", cwd: dir, now: NOW, trustedKeys: [] }));
}

/** The production account of the round's input (f5/move-account.json), in the Production OU. */
const PROD = {
  id: "222222222222",
  arn: "arn:aws:organizations::111111111111:account/o-exampleorg1/222222222222",
  name: "example-production",
  email: "aws-production@example.com",
  parent_id: "ou-exmp-prod1234",
  close_on_deletion: false,
  iam_user_access_to_billing: "DENY",
  role_name: null,
  tags: { "blastwall:environment": "production" },
  tags_all: { "blastwall:environment": "production" },
  status: "ACTIVE",
  joined_method: "CREATED",
};

/** The organization of the round's input (f5/disable-scp-type.json). */
const ORG = {
  id: "o-exampleorg1",
  feature_set: "ALL",
  aws_service_access_principals: ["backup.amazonaws.com", "cloudtrail.amazonaws.com"],
  enabled_policy_types: ["SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY", "BACKUP_POLICY", "TAG_POLICY"],
  arn: "arn:aws:organizations::111111111111:organization/o-exampleorg1",
};

const OU = { id: "ou-exmp-prod1234", arn: "arn:aws:organizations::111111111111:ou/o-exampleorg1/ou-exmp-prod1234", name: "Production", parent_id: "r-exmp", tags: {}, tags_all: {} };

const account = (actions: string[], after: Record<string, unknown>, extra: Record<string, unknown> = {}) => change("aws_organizations_account.prod", actions, PROD, { ...PROD, ...after }, extra);
const org = (after: Record<string, unknown>, actions = ["update"]) => change("aws_organizations_organization.org", actions, ORG, { ...ORG, ...after });

describe("F1: an account moved to another OU leaves the policies of its old OU", () => {
  test("the round's input: parent_id Production → Sandbox, in place, is an error that says what it leaves and how to approve it", () => {
    const fs = findings([account(["update"], { parent_id: "ou-exmp-sandbox1" })]);
    expect(fs.map((f) => f.ruleId)).toEqual([RULE]);
    expect(fs[0]).toMatchObject({ severity: "error", principal: "aws_organizations_account.prod", actions: ["update"] });
    expect(fs[0].message).toContain('The plan moves the account aws_organizations_account.prod (222222222222) from "ou-exmp-prod1234" to "ou-exmp-sandbox1" (parent_id, in place: MoveAccount)');
    expect(fs[0].message).toContain('every SCP and RCP attached to "ou-exmp-prod1234", and to the OUs above it that are not above "ou-exmp-sandbox1", stops applying to the account');
    expect(fs[0].message).toMatch(/blastwall approve \S*plan\.json --key KEY\.pem --by NAME` on this exact plan/);
    expect(fs[0].evidence.find((e) => e.step === "moved")?.detail).toBe('parent_id: "ou-exmp-prod1234" → "ou-exmp-sandbox1"');
    expect(gateBlocks([account(["update"], { parent_id: "ou-exmp-sandbox1" })])).toBe(true);
  });

  test("the attachments to the old OU that the plan's state holds are named", () => {
    const attachment = { address: "aws_organizations_policy_attachment.deny", mode: "managed", type: "aws_organizations_policy_attachment", name: "deny", values: { id: "ou-exmp-prod1234:p-deny", policy_id: "p-deny", target_id: "ou-exmp-prod1234" } };
    const elsewhere = { ...attachment, address: "aws_organizations_policy_attachment.log", name: "log", values: { id: "x", policy_id: "p-log", target_id: "ou-exmp-log1" } };
    const [f] = ours([account(["update"], { parent_id: "ou-exmp-sandbox1" })], { prior_state: { values: { root_module: { resources: [attachment, elsewhere] } } }, planned_values: { root_module: { resources: [attachment, elsewhere] } } });
    expect(f.message).toContain("(in the plan's state, attached to ou-exmp-prod1234: aws_organizations_policy_attachment.deny (policy p-deny); and any attached outside this configuration)");
    expect(f.message).not.toContain("p-log");
  });

  test("a parent known only after apply (an OU the plan replaces) counts", () => {
    const rc = account(["update"], { parent_id: null });
    (rc.change as Record<string, unknown>).after_unknown = { parent_id: true };
    expect(ours([rc]).map((f) => f.evidence.find((e) => e.step === "moved")?.detail)).toEqual(['parent_id: "ou-exmp-prod1234" → (known after apply)']);
  });

  test("moved by a moved block or an import, with another parent, it counts, and the message says how it came", () => {
    const moved = change("aws_organizations_account.production", ["update"], PROD, { ...PROD, parent_id: "ou-exmp-sandbox1" }, { previous_address: "aws_organizations_account.prod" });
    expect(ours([moved])[0].message).toContain("aws_organizations_account.production (222222222222) (moved from aws_organizations_account.prod) from");
    const imported = account(["update"], { parent_id: "ou-exmp-sandbox1" });
    (imported.change as Record<string, unknown>).importing = { id: "222222222222" };
    expect(ours([imported])[0].message).toContain("(222222222222) (imported by this plan) from");
  });

  test("replaced, the account is removed from the organization (or closed): an error of this rule besides plan-protected-delete", () => {
    const fs = findings([account(["delete", "create"], { email: "prod2@example.com" })]);
    expect(fs.map((f) => f.ruleId).sort()).toEqual(["plan-org-guardrails-lifted", "plan-protected-delete"]);
    const f = fs.find((x) => x.ruleId === RULE) as Finding;
    expect(f.message).toContain("The plan replaces the account aws_organizations_account.prod (222222222222): the account there now is removed from the organization (close_on_deletion is false), so no SCP or RCP applies to it any more, not even the root's");
    const closing = change("aws_organizations_account.prod", ["create", "delete"], { ...PROD, close_on_deletion: true }, { ...PROD, name: "renamed" });
    expect(ours([closing])[0].message).toContain("the account there now is closed");
  });

  test("the Cloud Control account's parent_ids count the same", () => {
    const before = { account_id: "222222222222", account_name: "prod", email: "p@example.com", parent_ids: ["ou-exmp-prod1234"] };
    const rc = change("awscc_organizations_account.prod", ["update"], before, { ...before, parent_ids: ["ou-exmp-sandbox1"] }, { provider_name: "registry.terraform.io/hashicorp/awscc" });
    expect(ours([rc]).map((f) => f.evidence.find((e) => e.step === "moved")?.detail)).toEqual(['parent_ids: ["ou-exmp-prod1234"] → ["ou-exmp-sandbox1"]']);
  });

  test("an aws_organizations_account_parent created moves an existing account from a parent the plan does not show", () => {
    const rc = change("aws_organizations_account_parent.prod", ["create"], null, { account_id: "222222222222", parent_id: "ou-exmp-sandbox1" });
    const [f] = ours([rc]);
    expect(f.message).toContain('moves account 222222222222 from the parent it is in now (not in the plan) to "ou-exmp-sandbox1" (MoveAccount)');
    const replaced = change("aws_organizations_account_parent.prod", ["delete", "create"], { account_id: "222222222222", parent_id: "ou-exmp-prod1234" }, { account_id: "222222222222", parent_id: "ou-exmp-sandbox1" });
    expect(ours([replaced])[0].evidence.find((e) => e.step === "moved")?.detail).toBe('parent_id: "ou-exmp-prod1234" → "ou-exmp-sandbox1"');
  });

  test("passes: tags, a name changed in place, a move-free update, a new account, and a new account given its parent", () => {
    expect(findings([account(["update"], { tags: { team: "b" }, tags_all: { team: "b" } })])).toEqual([]);
    expect(findings([account(["update"], { name: "example-prod" })])).toEqual([]);
    expect(findings([account(["update"], { parent_id: null })])).toEqual([]); // left out of the configuration: the provider keeps it
    expect(findings([change("aws_organizations_account.new", ["create"], null, { ...PROD, id: null })])).toEqual([]);
    expect(gateBlocks([account(["update"], { tags: { team: "b" }, tags_all: { team: "b" } })])).toBe(false);
    const newAccount = change("aws_organizations_account.new", ["create"], null, { name: "n", email: "n@example.com", parent_id: "ou-exmp-sandbox1" });
    const setParent = change("aws_organizations_account_parent.new", ["create"], null, { account_id: null, parent_id: "ou-exmp-prod1234" });
    (setParent.change as Record<string, unknown>).after_unknown = { account_id: true };
    const configuration = {
      root_module: {
        resources: [
          { address: "aws_organizations_account.new", mode: "managed", type: "aws_organizations_account", name: "new", expressions: {} },
          { address: "aws_organizations_account_parent.new", mode: "managed", type: "aws_organizations_account_parent", name: "new", expressions: { account_id: { references: ["aws_organizations_account.new.id", "aws_organizations_account.new"] } } },
        ],
      },
    };
    expect(ours([newAccount, setParent], { configuration })).toEqual([]);
  });
});

describe("F1: an OU given another parent", () => {
  test("parent_id changed (the provider replaces the OU) is an error naming both parents", () => {
    const rc = change("aws_organizations_organizational_unit.prod", ["delete", "create"], OU, { ...OU, id: null, arn: null, parent_id: "ou-exmp-sandbox0" });
    (rc.change as Record<string, unknown>).after_unknown = { id: true, arn: true };
    const [f] = ours([rc]);
    expect(f.message).toContain('The plan puts the OU aws_organizations_organizational_unit.prod (ou-exmp-prod1234) under another parent, "r-exmp" → "ou-exmp-sandbox0": AWS cannot move an OU, so it is replaced');
    expect(f.message).toContain('leave every SCP and RCP attached to "r-exmp"');
    expect(f.evidence.find((e) => e.step === "moved")?.detail).toBe('parent_id: "r-exmp" → "ou-exmp-sandbox0" (forces a new OU)');
  });

  test("replaced for another reason, the new OU has none of the old one's attachments", () => {
    const rc = change("aws_organizations_organizational_unit.prod", ["create", "delete"], OU, { ...OU });
    expect(ours([rc])[0].message).toContain("the new OU has another id and none of the old one's attachments");
  });

  test("the Cloud Control OU counts the same; a renamed or retagged OU passes", () => {
    const before = { id: "ou-exmp-prod1234", name: "Production", parent_id: "r-exmp" };
    expect(ours([change("awscc_organizations_organizational_unit.prod", ["delete", "create"], before, { ...before, parent_id: "ou-exmp-x1" })])).toHaveLength(1);
    expect(findings([change("aws_organizations_organizational_unit.prod", ["update"], OU, { ...OU, name: "Prod", tags: { a: "b" }, tags_all: { a: "b" } })])).toEqual([]);
  });
});

describe("F2: a policy type disabled, or the feature set taken off ALL", () => {
  test("the round's input: SERVICE_CONTROL_POLICY and RESOURCE_CONTROL_POLICY removed is an error that names both and what DisablePolicyType does", () => {
    const fs = findings([org({ enabled_policy_types: ["BACKUP_POLICY", "TAG_POLICY"] })]);
    expect(fs.map((f) => f.ruleId)).toEqual([RULE]);
    expect(fs[0].message).toContain("The plan disables policy types of the organization aws_organizations_organization.org (o-exampleorg1)");
    expect(fs[0].message).toContain("DisablePolicyType detaches every policy of that type from the root, every OU and every account, and enabling it again attaches none of them back");
    expect(fs[0].message).toContain("SERVICE_CONTROL_POLICY: every SCP stops limiting");
    expect(fs[0].message).toContain("RESOURCE_CONTROL_POLICY: every RCP stops limiting");
    expect(fs[0].message).not.toContain("BACKUP_POLICY:");
    expect(fs[0].message).toContain("blastwall approve");
    expect(gateBlocks([org({ enabled_policy_types: ["BACKUP_POLICY", "TAG_POLICY"] })])).toBe(true);
  });

  test("any type removed counts (fail closed), and so does the whole list removed or known only after apply", () => {
    expect(ours([org({ enabled_policy_types: ["SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY", "BACKUP_POLICY"] })])[0].message).toContain("TAG_POLICY: every TAG_POLICY policy stops applying");
    expect(ours([org({ enabled_policy_types: null })])[0].evidence.find((e) => e.step === "disabled")?.detail).toMatch(/→ \(not set\)$/);
    const unknown = org({ enabled_policy_types: null });
    (unknown.change as Record<string, unknown>).after_unknown = { enabled_policy_types: true };
    expect(ours([unknown])[0].evidence.find((e) => e.step === "disabled")?.detail).toMatch(/→ \(known after apply\)$/);
  });

  test("feature_set ALL → CONSOLIDATED_BILLING is an error (besides the replace plan-protected-delete blocks)", () => {
    const fs = findings([org({ feature_set: "CONSOLIDATED_BILLING", enabled_policy_types: ORG.enabled_policy_types }, ["delete", "create"])]);
    expect(fs.map((f) => f.ruleId).sort()).toEqual(["plan-org-guardrails-lifted", "plan-protected-delete"]);
    expect(fs.find((f) => f.ruleId === RULE)?.message).toContain('(feature_set "ALL" → "CONSOLIDATED_BILLING"): an organization with consolidated billing only has no SCPs, RCPs or other policies');
    const cc = change("awscc_organizations_organization.org", ["update"], { id: "o-exampleorg1", feature_set: "ALL" }, { id: "o-exampleorg1", feature_set: "CONSOLIDATED_BILLING" });
    expect(ours([cc])).toHaveLength(1);
  });

  test("passes: a policy type added, the service principals changed, CONSOLIDATED_BILLING → ALL, the same types in another order", () => {
    expect(findings([org({ enabled_policy_types: [...ORG.enabled_policy_types, "DECLARATIVE_POLICY_EC2"] })])).toEqual([]);
    expect(findings([org({ aws_service_access_principals: ["backup.amazonaws.com"] })])).toEqual([]);
    expect(findings([org({ enabled_policy_types: [...ORG.enabled_policy_types].reverse() })])).toEqual([]);
    const billing = { ...ORG, feature_set: "CONSOLIDATED_BILLING", enabled_policy_types: [] };
    expect(findings([change("aws_organizations_organization.org", ["update"], billing, { ...billing, feature_set: "ALL", enabled_policy_types: ["SERVICE_CONTROL_POLICY"] })])).toEqual([]);
    expect(gateBlocks([org({ enabled_policy_types: [...ORG.enabled_policy_types, "DECLARATIVE_POLICY_EC2"] })])).toBe(false);
  });
});

describe("plan-org-guardrails-lifted: registered, and approvable like any blocked change", () => {
  test("it is a plan rule, an error, whose fix says how to approve", () => {
    expect(PLAN_RULES).toContain(orgGuardrailsLifted);
    expect(orgGuardrailsLifted.meta).toMatchObject({ id: RULE, severity: "error", category: "plan" });
    expect(orgGuardrailsLifted.meta.fix).toMatch(/blastwall approve/);
  });

  test("a signed approval of this exact plan covers the move", () => {
    const dir = tempDir();
    const alice = ed25519();
    writeFileSync(join(dir, "plan.json"), JSON.stringify(minimalPlan([account(["update"], { parent_id: "ou-exmp-sandbox1" })])));
    writeFileSync(join(dir, "alice.pub.pem"), alice.publicKeyPem);
    const gate = (approvals: string[]) => runGate({ planFile: "plan.json", cwd: dir, now: NOW, trustedKeys: ["alice.pub.pem"], approvals });
    expect(gateFails(gate([]))).toBe(true);
    const approval = createApproval("plan.json", { privateKeyPem: alice.privateKeyPem, by: "alice", expiresIn: "1h", now: NOW, cwd: dir });
    expect(approval.approved).toEqual([{ address: "aws_organizations_account.prod", actions: ["update"] }]);
    writeFileSync(join(dir, "approval.json"), JSON.stringify(approval));
    const report = gate(["approval.json"]);
    expect(gateFails(report)).toBe(false);
    expect(report.findings.map((f) => [f.ruleId, f.acknowledged?.source])).toEqual([[RULE, "approval.json"]]);
  });
});

/**
 * The template side (red-team round 141): the same moves written in a CloudFormation template deployed by
 * aws_cloudformation_stack or a stack set, judged by plan-stack-template-drops-data with the guards of cfn-guards.ts.
 */
describe("in a CloudFormation template: accounts taken out from under their policies", () => {
  const STACK_RULE = "plan-stack-template-drops-data";
  type Res = Record<string, unknown>;
  const tpl = (resources: Res) => JSON.stringify({ Resources: resources });
  const account = (parents: unknown, extra: Res = {}) => ({ Type: "AWS::Organizations::Account", ...extra, Properties: { AccountName: "prod", Email: "prod@example.com", ParentIds: parents } });
  const ou = (parent: unknown, extra: Res = {}) => ({ Type: "AWS::Organizations::OrganizationalUnit", ...extra, Properties: { Name: "workloads", ParentId: parent } });
  const org = (featureSet?: string) => ({ Type: "AWS::Organizations::Organization", DeletionPolicy: "Retain", Properties: featureSet === undefined ? {} : { FeatureSet: featureSet } });
  const update = (before: Res, after: Res, type = "aws_cloudformation_stack") =>
    change(`${type}.org`, ["update"], { name: "org", template_body: tpl(before), parameters: {} }, { name: "org", template_body: tpl(after), parameters: {} });
  const stackFindings = (before: Res, after: Res, type?: string) => findings([update(before, after, type)]).filter((f) => f.ruleId === STACK_RULE);
  const messages = (before: Res, after: Res, type?: string) => stackFindings(before, after, type).map((f) => f.message);

  test("an account's ParentIds changed: an error naming the resource, the old and new parent and the policies it leaves", () => {
    const fs = stackFindings({ Prod: account(["ou-root-a1"]) }, { Prod: account(["ou-root-b2"]) });
    expect(fs.map((f) => f.severity)).toEqual(["error"]);
    expect(fs[0].message).toContain(
      'Prod (AWS::Organizations::Account) ParentIds ["ou-root-a1"] → ["ou-root-b2"]: the account is moved to another parent, in place (MoveAccount) ' +
        "(every SCP and RCP attached to the old parent, and to the OUs above it that are not above the new one, stops applying to the account)",
    );
    expect(fs[0].fix).toContain('set Prod.ParentIds back to ["ou-root-a1"]');
  });

  test("in a stack set's template too", () => {
    expect(messages({ Prod: account(["ou-root-a1"]) }, { Prod: account(["ou-root-b2"]) }, "aws_cloudformation_stack_set").join("\n")).toContain("Prod (AWS::Organizations::Account) ParentIds");
  });

  test("ParentIds left out (the root, by default) counts as a move", () => {
    expect(messages({ Prod: account(["ou-root-a1"]) }, { Prod: account(undefined) }).join("\n")).toContain('ParentIds ["ou-root-a1"] → (none): the account is moved to another parent');
  });

  test("an OU's ParentId changed: replaced, and the accounts in it leave the old parent's policies and the old OU's", () => {
    const [m] = messages({ Ou: ou("r-root", { UpdateReplacePolicy: "Retain" }) }, { Ou: ou("ou-root-b2", { UpdateReplacePolicy: "Retain" }) });
    expect(m).toContain('Ou (AWS::Organizations::OrganizationalUnit) ParentId "r-root" → "ou-root-b2": the OU is put under another parent');
    expect(m).toContain("CloudFormation replaces it with a new OU that has none of the old one's policy attachments");
    expect(m).toContain("and those attached to the old OU itself until they are attached again");
  });

  test("FeatureSet taken off ALL (or off its default) counts; set to ALL from consolidated billing passes", () => {
    expect(messages({ O: org() }, { O: org("CONSOLIDATED_BILLING") }).join("\n")).toContain(
      'O (AWS::Organizations::Organization) FeatureSet: "ALL" → "CONSOLIDATED_BILLING": the organization is taken off all features (an organization with consolidated billing only has no SCPs, RCPs or other policies',
    );
    expect(messages({ O: org("ALL") }, { O: org("CONSOLIDATED_BILLING") })).toHaveLength(1);
    expect(messages({ O: org("CONSOLIDATED_BILLING") }, { O: org("ALL") })).toEqual([]);
    expect(messages({ O: org() }, { O: org("ALL") })).toEqual([]);
  });

  test("an account dropped from the template: removed from the organization, out of every policy", () => {
    const [m] = messages({ Prod: account(["ou-root-a1"]), T: { Type: "AWS::SNS::Topic" } }, { T: { Type: "AWS::SNS::Topic" } });
    expect(m).toContain('Prod (AWS::Organizations::Account) is dropped with DeletionPolicy "Delete", so CloudFormation deletes it: the account is removed from the organization (or closed), so no SCP or RCP applies to it any more');
  });

  test("an OU dropped from the template: its attachments go, and the accounts moved out of it leave its policies", () => {
    const [m] = messages({ Ou: ou("r-root"), T: { Type: "AWS::SNS::Topic" } }, { T: { Type: "AWS::SNS::Topic" } });
    expect(m).toContain('Ou (AWS::Organizations::OrganizationalUnit) is dropped with DeletionPolicy "Delete", so CloudFormation deletes it: DeleteOrganizationalUnit deletes every policy attachment to the OU');
  });

  test("the organization dropped: every policy of it deleted", () => {
    const o = { Type: "AWS::Organizations::Organization", Properties: {} };
    const [m] = messages({ O: o, T: { Type: "AWS::SNS::Topic" } }, { T: { Type: "AWS::SNS::Topic" } });
    expect(m).toContain("DeleteOrganization deletes every SCP, RCP and other policy of the organization with it");
  });

  test("the controls: a renamed account or OU, new tags, the same parent, a new account, and a dropped account or OU kept by DeletionPolicy Retain pass", () => {
    const tags = { Tags: [{ Key: "team", Value: "platform" }] };
    const named = (name: string) => ({ ...account(["ou-root-a1"]), Properties: { AccountName: name, Email: "prod@example.com", ParentIds: ["ou-root-a1"], ...tags } });
    expect(messages({ Prod: account(["ou-root-a1"]) }, { Prod: named("production") })).toEqual([]);
    expect(messages({ Ou: ou("r-root") }, { Ou: { ...ou("r-root"), Properties: { Name: "apps", ParentId: "r-root", ...tags } } })).toEqual([]);
    expect(messages({ Prod: account([{ Ref: "Ou" }]), Ou: ou("r-root") }, { Prod: account([{ Ref: "Ou" }]), Ou: ou("r-root") })).toEqual([]);
    expect(messages({ T: { Type: "AWS::SNS::Topic" } }, { T: { Type: "AWS::SNS::Topic" }, Dev: account(["ou-root-a1"]) })).toEqual([]);
    const kept = { DeletionPolicy: "Retain" };
    expect(messages({ Prod: account(["ou-root-a1"], kept), Ou: ou("r-root", kept), T: { Type: "AWS::SNS::Topic" } }, { T: { Type: "AWS::SNS::Topic" } })).toEqual([]);
  });
});
