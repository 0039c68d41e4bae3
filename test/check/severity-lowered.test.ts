/**
 * A severity override that hides errors is reported per finding, by the finding's severity before the override, not by
 * the rule's listed severity (red-team round 98, r3 #4): `agent-tags-unreadable` is listed as a warning rule, and
 * `"off"` for it dropped the error that said "this may be an agent that can delete data" without a word.
 */
import { buildStack } from "../../lib/engine/terraform/stack";
import { checkStacks } from "../../lib/check/run-check";
import { BlastwallChecks } from "../../lib/cdktf";
import type { BlastwallConfig } from "../../lib/engine/config-types";
import { agentRules } from "../../lib/rules";
import { agentRole, policy, tf } from "../helpers/tf";
import { mkdtempSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { App, TerraformStack, TerraformVariable } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";

const destroy = { Effect: "Allow", Action: "ec2:DeleteVolume", Resource: "*" };

/** A role whose tags come from a variable with no value: it may be an agent, and it can delete volumes. */
const unreadableTags = () =>
  tf(
    {
      "aws_iam_role.a": { name: "coder", assume_role_policy: policy(), tags: "${var.role_tags}" },
      "aws_iam_role_policy.p": { role: "${aws_iam_role.a.id}", policy: policy(destroy) },
    },
    { variable: { role_tags: { type: "map(string)" } } },
  );

/** An agent that reads a secret whose contents the stack does not show: a warning, an error under --strict. */
const secretReader = () =>
  tf({
    "aws_iam_role.agent": agentRole({ permissions_boundary: undefined }),
    "aws_iam_role_policy.p": { role: "${aws_iam_role.agent.id}", policy: policy({ Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: "*" }) },
  });

const run = (json: Record<string, unknown>, config: BlastwallConfig, strict = false) =>
  checkStacks([buildStack(json, "s.tf.json")], { config, strict, rules: agentRules, configSource: "infra/blastwall.json" });

const lowered = (r: ReturnType<typeof run>) => r.findings.filter((f) => f.ruleId === "config-severity-lowered");

describe("a warning rule lowered in the config", () => {
  test("the control: without the override, the unreadable tags are an error", () => {
    const r = run(unreadableTags(), {});
    expect(r.findings.filter((f) => f.ruleId === "agent-tags-unreadable").map((f) => f.severity)).toEqual(["error"]);
  });

  test('"off" that drops an error is reported, naming the principal and that the rule is listed as a warning rule', () => {
    const r = run(unreadableTags(), { severity: { "agent-tags-unreadable": "off" } });
    expect(r.summary.errors).toBe(0);
    const [w] = lowered(r);
    expect(w).toMatchObject({ severity: "warning", principal: "infra/blastwall.json" });
    expect(w.message).toMatch(/^infra\/blastwall\.json sets agent-tags-unreadable to "off": 1 error finding of it \(on aws_iam_role\.a\) is dropped from this report\./);
    expect(w.message).toMatch(/listed as a warning rule, but these findings were errors/);
  });

  test('"warning" that downgrades an error is reported too', () => {
    const [w] = lowered(run(unreadableTags(), { severity: { "agent-tags-unreadable": "warning" } }));
    expect(w.message).toMatch(/to "warning": 1 error finding of it \(on aws_iam_role\.a\) is reported as a warning and no longer fails the run/);
  });

  test("one whose findings are errors only under --strict is reported under --strict, and not without it", () => {
    const config: BlastwallConfig = { severity: { "agent-stored-secret": "off" } };
    expect(run(secretReader(), {}, true).findings.filter((f) => f.ruleId === "agent-stored-secret").map((f) => f.severity)).toEqual(["error"]);
    expect(lowered(run(secretReader(), config, true)).map((f) => f.message)).toEqual([expect.stringMatching(/agent-stored-secret to "off": 1 error finding of it \(on aws_iam_role\.agent\)/)]);
    // Without --strict the finding was a warning: "off" hides no error, and a warning rule's override is not noise to report.
    expect(run(secretReader(), {}).findings.filter((f) => f.ruleId === "agent-stored-secret").map((f) => f.severity)).toEqual(["warning"]);
    expect(lowered(run(secretReader(), config))).toEqual([]);
  });

  test("an error rule lowered is still reported when it hides nothing in this run", () => {
    const [w] = lowered(run(tf({}), { severity: { "agent-destroy-right": "off" } }));
    expect(w.message).toMatch(/sets agent-destroy-right to "off": 0 error findings of it are dropped/);
    expect(w.message).not.toMatch(/listed as a warning rule/);
  });
});

describe("the synth-time gate", () => {
  test("reports the same override, and passes as check does", () => {
    const checks = new BlastwallChecks({ config: { severity: { "agent-tags-unreadable": "off" } } });
    const app = new App({ outdir: mkdtempSync(join(tmpdir(), "blastwall-sev-")) });
    const stack = new TerraformStack(app, "s");
    new AwsProvider(stack, "aws", { region: "us-east-1" });
    const tags = new TerraformVariable(stack, "role_tags", { type: "map(string)" });
    const role = new IamRole(stack, "a", { name: "coder", assumeRolePolicy: policy(), tags: tags.value });
    new IamRolePolicy(stack, "p", { role: role.id, policy: policy(destroy) });
    const found = checks.findingsFor(stack);
    expect(found.filter((f) => f.ruleId === "agent-tags-unreadable")).toEqual([]);
    expect(found.filter((f) => f.ruleId === "config-severity-lowered").map((f) => f.message)).toEqual([
      expect.stringMatching(/sets agent-tags-unreadable to "off": 1 error finding of it \(on aws_iam_role\.a\) is dropped/),
    ]);
  });
});
