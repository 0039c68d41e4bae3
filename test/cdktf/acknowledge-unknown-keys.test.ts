/**
 * Acknowledgement keys nobody reads (red-team round 98): `acknowledge()` took `action`, `expiry`, `principal` and
 * `stack` without a word, so an entry moved from blastwall.json into code covered every finding under its scope, for
 * every action and for ever. Both `acknowledge()` and the reader of the synthesized JSON now refuse them.
 */
import { mkdtempSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { App, TerraformStack } from "cdktf";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { acknowledge, type InCodeAcknowledgement } from "../../lib/cdktf";
import { buildStack } from "../../lib/engine/terraform/stack";
import { checkStacks } from "../../lib/check/run-check";
import { agentRules } from "../../lib/rules";
import { agentRole, policy, tf } from "../helpers/tf";

const REASON = "janitor deletes scratch volumes; reviewed by platform";

function role(): IamRole {
  const stack = new TerraformStack(new App({ outdir: mkdtempSync(join(tmpdir(), "blastwall-ack-")) }), "ops");
  return new IamRole(stack, "janitor", { assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [] }), tags: { "blastwall:agent": "true" } });
}

// As a loop over blastwall.json entries or plain JavaScript passes them: the compiler does not see the keys.
const loose = (a: Record<string, unknown>) => a as unknown as InCodeAcknowledgement;

describe("acknowledge() and keys it does not read", () => {
  test.each([
    ["action", ["ec2:DeleteVolume"], "actions"],
    ["expiry", "2020-01-01", "expires"],
    ["note", "see PLAT-12", undefined],
    ["resources", "aws_ebs_volume.v", "resource"],
  ])("refuses %s, naming the nearest key it reads", (key, value, near) => {
    expect(() => acknowledge(role(), loose({ ruleId: "agent-destroy-right", reason: REASON, [key]: value }))).toThrow(
      `acknowledge: unknown key ${JSON.stringify(key)}${near ? ` (did you mean ${near}?)` : ""}: acknowledge() reads only ruleId, reason, expires, actions, resource, grants, ` +
        "and a key it does not read leaves the acknowledgement wider or longer-lived than written (rule agent-destroy-right at ops/janitor)",
    );
  });

  test("a misspelt ruleId is named as such, not reported as missing", () => {
    expect(() => acknowledge(role(), loose({ ruleID: "agent-destroy-right", reason: REASON }))).toThrow(/^acknowledge: unknown key "ruleID" \(did you mean ruleId\?\).* \(at ops\/janitor\)$/);
  });

  test.each(["principal", "stack"])("refuses %s: the scope is the construct it is given on", (key) => {
    const janitor = role();
    const stack = janitor.node.scope as TerraformStack;
    expect(() => acknowledge(stack, loose({ ruleId: "agent-destroy-right", reason: REASON, [key]: key === "stack" ? "ops" : "aws_iam_role.janitor" }))).toThrow(
      `acknowledge: ${key} is not an acknowledge() key: the acknowledgement covers the construct it is given on (ops) and everything under it, ` +
        `not the ${key} ${key === "stack" ? '"ops"' : '"aws_iam_role.janitor"'} the entry names. Acknowledge that construct itself: ` +
        "acknowledge(role, { ruleId, reason }) with the role or user construct as the scope (rule agent-destroy-right at ops)",
    );
  });

  test("every key it reads is accepted, and a key set to undefined (an optional field spread in) is no key", () => {
    expect(() =>
      acknowledge(role(), loose({ ruleId: "agent-destroy-right", reason: REASON, expires: "2027-01-31", actions: ["ec2:DeleteVolume"], resource: "aws_iam_role.janitor", principal: undefined })),
    ).not.toThrow();
  });
});

describe("an acknowledgement in the synthesized JSON with a key acknowledge() refuses (written by hand)", () => {
  const unsafe = (entry: Record<string, unknown>) =>
    tf({
      "aws_iam_role.agent": { ...agentRole(), "//": { blastwall: { acknowledgements: [{ ruleId: "agent-destroy-right", reason: REASON, ...entry }] } } },
      "aws_iam_role_policy.ops": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: ["ec2:DeleteVolume", "ec2:DeleteSnapshot"], Resource: "*" }) },
    });
  const acknowledged = (entry: Record<string, unknown>) =>
    checkStacks([buildStack(unsafe(entry), "cdk.tf.json")], { config: { acknowledgementsInCode: true }, rules: agentRules, now: new Date("2026-11-26T00:00:00Z") }).findings.filter(
      (f) => f.ruleId === "agent-destroy-right" && f.acknowledged,
    ).length;

  test("the control: with only the keys it reads, it covers the finding", () => {
    expect(acknowledged({})).toBe(1);
    expect(acknowledged({ expires: "2027-01-31", actions: ["ec2:Delete*"] })).toBe(1);
  });

  test.each([[{ action: ["ec2:DeleteVolume"] }], [{ expiry: "2020-01-01" }], [{ principal: "aws_iam_role.agent" }], [{ stack: "ops" }]])("%j: covers nothing, so the finding stands", (entry) => {
    expect(acknowledged(entry)).toBe(0);
  });
});

describe("acknowledge() and grants (red-team round 141)", () => {
  const synthesized = (r: IamRole) => (r as unknown as { toTerraform(): { resource: Record<string, Record<string, { "//"?: unknown }>> } }).toTerraform();

  test("writes a digest into the synthesized JSON", () => {
    const r = role();
    acknowledge(r, { ruleId: "agent-destroy-right", reason: REASON, grants: "0123456789abcdef" });
    expect(JSON.stringify(synthesized(r))).toContain(`"grants":"0123456789abcdef"`);
  });

  test.each(["0123", "0123456789ABCDEF", 42])("refuses %j, naming the construct", (g) => {
    expect(() => acknowledge(role(), loose({ ruleId: "agent-destroy-right", reason: REASON, grants: g }))).toThrow(
      /acknowledge: grants must be the 16 hex digits of a finding's grants, as the report shows them .*rule agent-destroy-right at ops\/janitor/,
    );
  });
});
