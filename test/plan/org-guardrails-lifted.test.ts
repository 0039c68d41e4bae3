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
