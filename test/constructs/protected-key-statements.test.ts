/**
 * Red-team round 175, F4: ProtectedKey's additionalStatements went into the key policy unread. A statement KMS
 * refuses (no Action, no Principal, not an object) synthesized and failed at apply, a reused Sid left two statements
 * under one name, and nothing stopped an Allow of the key's custody actions to principals outside its account.
 */
import { ProtectedKey, type ProtectedKeyProps } from "../../lib/constructs";
import { APP_ACCOUNT, BACKUP_ACCOUNT, gateFindings, only, policyOf, synth } from "./helpers";

type Statements = ProtectedKeyProps["additionalStatements"];
const make = (additionalStatements: unknown, extra: Partial<ProtectedKeyProps> = {}) =>
  synth((s) => new ProtectedKey(s, "Key", { accountId: APP_ACCOUNT, description: "k", additionalStatements: additionalStatements as Statements, ...extra })).json;
const keyPolicy = (json: Record<string, unknown>) => policyOf(only(json, "aws_kms_key")).Statement as { Sid?: string }[];

const TRAIL = { Service: "cloudtrail.amazonaws.com" };
const describe_ = { Sid: "CloudTrailDescribesKey", Effect: "Allow", Principal: TRAIL, Action: "kms:DescribeKey", Resource: "*" };

describe("ProtectedKey: additionalStatements are statements KMS takes (red-team round 175, F4)", () => {
  it.each([
    ["a statement with only an Effect", [{ Effect: "Allow" }], "ProtectedKey: additionalStatements[0] must have a Principal or NotPrincipal (got neither): a key policy statement names whom it applies to, and KMS refuses the key policy otherwise"],
    ["a string", ["x"], 'ProtectedKey: additionalStatements[0] must be a key policy statement, an object like { Effect: "Allow", Principal: { Service: "cloudtrail.amazonaws.com" }, Action: "kms:DescribeKey", Resource: "*" } (got "x")'],
    ["null", [describe_, null], "ProtectedKey: additionalStatements[1] must be a key policy statement"],
    ["a list inside the list", [[describe_]], "ProtectedKey: additionalStatements[0] must be a key policy statement"],
    ["one statement, not a list", describe_, "ProtectedKey: additionalStatements must be a list of key policy statements"],
    ["no Action", [{ Effect: "Allow", Principal: TRAIL, Resource: "*" }], "ProtectedKey: additionalStatements[0] must have an Action or NotAction (got neither): a statement names the actions"],
    ["Action and NotAction", [{ ...describe_, NotAction: "kms:Decrypt" }], "ProtectedKey: additionalStatements[0] must have only one Action or NotAction (got both)"],
    ["no Resource", [{ Effect: "Allow", Principal: TRAIL, Action: "kms:DescribeKey" }], "ProtectedKey: additionalStatements[0] must have a Resource or NotResource (got neither)"],
    ["an empty Action list", [{ ...describe_, Action: [] }], "ProtectedKey: additionalStatements[0].Action must be a string or a non-empty list of strings (got [])"],
    ["an empty Principal", [{ ...describe_, Principal: {} }], 'ProtectedKey: additionalStatements[0].Principal must be "*" or an object like'],
    ["Effect in lower case", [{ ...describe_, Effect: "allow" }], 'ProtectedKey: additionalStatements[0].Effect must be "Allow" or "Deny" (got "allow")'],
    ["a misspelt Condition", [{ ...describe_, Condtion: { StringEquals: { "aws:SourceArn": "x" } } }], "ProtectedKey: additionalStatements[0].Condtion is not an element of a policy statement (did you mean Condition?)"],
    ["a Condition that is not a block", [{ ...describe_, Condition: "aws:SourceArn" }], "ProtectedKey: additionalStatements[0].Condition must be an object of condition operators"],
    ["NotPrincipal in an Allow", [{ ...describe_, Principal: undefined, NotPrincipal: { AWS: `arn:aws:iam::${APP_ACCOUNT}:root` } }], 'ProtectedKey: additionalStatements[0].NotPrincipal must not be used with Effect "Allow"'],
  ])("refuses %s, naming the statement", (_what, statements, message) => {
    expect(() => make(statements)).toThrow(message);
  });

  it.each([
    ["the key's own Sid", [{ ...describe_, Sid: "DenyKeyDestructionToAgentRoles" }], {}, 'ProtectedKey: additionalStatements[0].Sid "DenyKeyDestructionToAgentRoles" is already the Sid of a statement ProtectedKey writes itself'],
    ["a Sid of the usableByAccounts statements", [{ ...describe_, Sid: "Account0UsesKey" }], { usableByAccounts: [BACKUP_ACCOUNT] }, 'ProtectedKey: additionalStatements[0].Sid "Account0UsesKey" is already the Sid of a statement ProtectedKey writes itself'],
    ["the key administrators' Sid", [{ ...describe_, Sid: "OnlyKeyAdministratorsDestroyOrReassignKey" }], { keyAdministratorArns: [`arn:aws:iam::${APP_ACCOUNT}:role/breakglass/*`] }, "is already the Sid of a statement ProtectedKey writes itself"],
    ["a Sid of an earlier added statement", [describe_, { ...describe_, Action: "kms:Encrypt" }], {}, 'ProtectedKey: additionalStatements[1].Sid "CloudTrailDescribesKey" is already the Sid of additionalStatements[0]: each statement of the key policy needs a Sid of its own'],
  ])("refuses %s", (_what, statements, extra, message) => {
    expect(() => make(statements, extra)).toThrow(message);
  });

  it.each([
    ["kms:ScheduleKeyDeletion to everyone", { Effect: "Allow", Principal: "*", Action: "kms:ScheduleKeyDeletion", Resource: "*" }, "must not allow kms:ScheduleKeyDeletion to *, outside the key's account 111111111111"],
    ["kms:PutKeyPolicy to AWS *, whatever the condition", { Effect: "Allow", Principal: { AWS: "*" }, Action: "kms:Put*", Resource: "*", Condition: { StringEquals: { "kms:CallerAccount": APP_ACCOUNT } } }, "must not allow kms:PutKeyPolicy to *"],
    ["kms:* to another account", { Effect: "Allow", Principal: { AWS: `arn:aws:iam::${BACKUP_ACCOUNT}:root` }, Action: "kms:*", Resource: "*" }, `must not allow kms:ScheduleKeyDeletion, kms:DisableKey, kms:PutKeyPolicy, kms:DeleteImportedKeyMaterial, kms:ImportKeyMaterial, kms:ReplicateKey, kms:UpdatePrimaryRegion to arn:aws:iam::${BACKUP_ACCOUNT}:root`],
    ["KMS:disablekey (any case) to another account's id", { Effect: "Allow", Principal: { AWS: [APP_ACCOUNT, BACKUP_ACCOUNT] }, Action: ["KMS:disablekey"], Resource: "*" }, `must not allow kms:DisableKey to ${BACKUP_ACCOUNT}`],
    ["everything but Decrypt to a service", { Effect: "Allow", Principal: TRAIL, NotAction: "kms:Decrypt", Resource: "*" }, "must not allow kms:ScheduleKeyDeletion, kms:DisableKey, kms:PutKeyPolicy, kms:DeleteImportedKeyMaterial, kms:ImportKeyMaterial, kms:ReplicateKey, kms:UpdatePrimaryRegion to Service cloudtrail.amazonaws.com, outside"],
  ])("refuses an Allow of %s", (_what, statement, message) => {
    expect(() => make([statement])).toThrow(`ProtectedKey: additionalStatements[0] ${message}`);
  });

  it("control: statements KMS takes go into the key policy after the key's own, and the gate passes them", () => {
    const statements = [
      describe_,
      { Sid: "CloudTrailEncryptsLogs", Effect: "Allow", Principal: TRAIL, Action: "kms:GenerateDataKey*", Resource: "*", Condition: { StringEquals: { "aws:SourceArn": `arn:aws:cloudtrail:eu-central-1:${APP_ACCOUNT}:trail/t` } } },
      { Effect: "Allow", Principal: { AWS: `arn:aws:iam::${BACKUP_ACCOUNT}:root` }, Action: ["kms:Decrypt", "kms:DescribeKey"], Resource: "*" },
      { Sid: "OwnRoleManages", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${APP_ACCOUNT}:role/platform` }, Action: "kms:*", Resource: "*" },
      { Sid: "NoDeletionFromOutside", Effect: "Deny", Principal: "*", Action: "kms:ScheduleKeyDeletion", Resource: "*", Condition: { StringNotEquals: { "aws:PrincipalAccount": APP_ACCOUNT } } },
      { Sid: "DenyAllButTheAccount", Effect: "Deny", NotPrincipal: { AWS: `arn:aws:iam::${APP_ACCOUNT}:root` }, Action: "kms:PutKeyPolicy", Resource: "*" },
      { Sid: "ServiceUsesButNeverManages", Effect: "Allow", Principal: TRAIL, NotAction: ["kms:ScheduleKeyDeletion", "kms:DisableKey", "kms:Put*", "kms:*ImportedKeyMaterial", "kms:ImportKeyMaterial", "kms:ReplicateKey", "kms:UpdatePrimaryRegion"], Resource: "*" },
    ];
    const json = make(statements);
    const policy = keyPolicy(json);
    expect(policy.slice(-statements.length)).toEqual(statements);
    expect(policy[0].Sid).toBe("AccountAdministersKeyThroughIam");
    expect(gateFindings(json).filter((f) => f.includes("[error]"))).toEqual([]);
  });

  it("control: no additionalStatements, or an empty list, leaves the key's own statements alone", () => {
    expect(keyPolicy(make(undefined)).map((s) => s.Sid)).toEqual(["AccountAdministersKeyThroughIam", "DenyKeyDestructionToAgentRoles", "DenyKeyDestructionToAgentSessions"]);
    expect(keyPolicy(make([])).map((s) => s.Sid)).toEqual(["AccountAdministersKeyThroughIam", "DenyKeyDestructionToAgentRoles", "DenyKeyDestructionToAgentSessions"]);
  });
});

