/**
 * Tag keys that look like blastwall:agent but are another key (red-team round 98): `blastwall_agent`,
 * `blastwall-agent`, `blastwall:agents`, `"blastwall:agent "` made a role with destroy rights no agent, with no hint.
 * Policies keyed on the tag do not treat it as one either, but an agent was clearly meant: blastwall checks it as one
 * and reports the key as an error, as it does an unexpected value. blastwall's guardrail SCPs do not read the tag at all
 * (the /agents/ path and an agent-* source identity), and the message says so (red-team rounds 139 F6, 140 F5).
 */
import { mkdtempSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { App, Aspects, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { BlastwallChecks } from "../../lib/cdktf";
import { runCli } from "../../lib/cli/main";
import { nearAgentKey } from "../../lib/engine/agent-tags";
import { check, errors, policy, TRUST, tf } from "../helpers/tf";
import { change, minimalPlan, tempDir, writeTemp } from "../plan/helpers";

type Obj = Record<string, unknown>;

const DELETE = policy({ Effect: "Allow", Action: "ec2:DeleteVolume", Resource: "*" });

function stack(tags: unknown, extra: Obj = {}): Obj {
  return tf(
    {
      "aws_iam_role.r": { name: "coder", assume_role_policy: TRUST, ...(tags === undefined ? {} : { tags }) },
      "aws_iam_role_policy.p": { role: "${aws_iam_role.r.name}", policy: DELETE },
    },
    extra,
  );
}

const nearFindings = (json: Obj) => errors(check(json), "agent-tags-unreadable");
const agentsOf = (json: Obj) => check(json).summary.agentPrincipals;

describe("a tag key that looks like blastwall:agent", () => {
  test.each(["blastwall_agent", "blastwall-agent", "blastwall:agents", "blastwall:agent ", " blastwall:agent", "blastwallagent", "Blastwall.Agent", "blastwall agent", "BLASTWALL_AGENTS", "blastwall/agent"])(
    "%j: an error saying what it looks like, and the role is checked as an agent",
    (key) => {
      const json = stack({ [key]: "true", team: "ops" });
      const [f] = nearFindings(json);
      expect(f).toMatchObject({ severity: "error", principal: "aws_iam_role.r", resource: "aws_iam_role.r" });
      expect(f.message).toBe(
        `aws_iam_role.r has tag ${JSON.stringify(key)} = "true", which looks like blastwall:agent but is another key: blastwall, and every policy that keys on the tag ` +
          "(aws:PrincipalTag/blastwall:agent, aws:ResourceTag/blastwall:agent), read only the exact key blastwall:agent (in any case), so none of them treats aws_iam_role.r as an AI agent. " +
          'blastwall checks it as one, since an agent was clearly meant. Rename the key to blastwall:agent (value "true") if aws_iam_role.r is an agent, else remove it. ' +
          "The tag alone does not put it under blastwall's guardrail SCPs or resource control policy: they recognise agents by the /agents/ path and an agent-* source identity " +
          "(AgentRole gives both), not by the tag.",
      );
      expect(f.evidence[0].detail).toBe(`tags: ${JSON.stringify(key)} = "true" (not the key blastwall:agent)`);
      expect(agentsOf(json)).toBe(1);
      expect(errors(check(json), "agent-destroy-right").map((x) => x.principal)).toEqual(["aws_iam_role.r"]);
    },
  );

  test("a value from a variable or an odd value counts too (fail closed); one certainly false does not", () => {
    expect(nearFindings(stack({ blastwall_agent: "${var.agent}" }, { variable: { agent: { type: "string" } } }))[0].message).toContain('"blastwall_agent" = `${var.agent}`');
    expect(nearFindings(stack({ blastwall_agent: "yes" }))).toHaveLength(1);
    for (const value of ["false", "FALSE", false]) {
      const json = stack({ blastwall_agent: value });
      expect(nearFindings(json)).toEqual([]);
      expect(agentsOf(json)).toBe(0);
    }
  });

  test("in tags built by an expression blastwall evaluates", () => {
    const json = stack('${merge(local.common, {"blastwall-agent" = "true"})}', { locals: { common: { team: "ops" } } });
    expect(nearFindings(json).map((f) => f.evidence[0].detail)).toEqual(['tags: "blastwall-agent" = "true" (not the key blastwall:agent)']);
    expect(agentsOf(json)).toBe(1);
  });

  test("beside the exact key, or with the exact key in the provider's default tags, the exact key decides and nothing is reported", () => {
    const both = stack({ "blastwall:agent": "true", blastwall_agent: "true" });
    expect(nearFindings(both)).toEqual([]);
    expect(agentsOf(both)).toBe(1);
    const defaults = stack({ blastwall_agent: "true" }, { provider: { aws: { region: "us-east-1", default_tags: { tags: { "blastwall:agent": "true" } } } } });
    expect(errors(check(defaults), "agent-tags-unreadable")).toEqual([]);
    expect(agentsOf(defaults)).toBe(1);
  });

  test("controls: the exact key in any case, and keys that only start alike, are not near misses", () => {
    expect(nearAgentKey("blastwall:agent")).toBe(false);
    expect(nearAgentKey("Blastwall:Agent")).toBe(false);
    for (const key of ["blastwall:agentic", "blastwall:protected", "agent", "blastwall", "blastwall:agent-name"]) {
      expect(nearAgentKey(key)).toBe(false);
      expect(agentsOf(stack({ [key]: "true" }))).toBe(0);
    }
    expect(nearFindings(stack({ "blastwall:agent": "true" }))).toEqual([]);
  });
});

describe("the plan gate reads the same keys", () => {
  function plan(tags: Obj): Obj {
    const role = { name: "coder", assume_role_policy: TRUST, tags, tags_all: tags, path: "/", max_session_duration: 3600 };
    const rolePolicy = { name: "p", role: "coder", policy: DELETE };
    const planned = (type: string, name: string, values: unknown) => ({ address: `${type}.${name}`, mode: "managed", type, name, provider_name: "registry.terraform.io/hashicorp/aws", values });
    return minimalPlan([change("aws_iam_role.r", ["create"], null, role), change("aws_iam_role_policy.p", ["create"], null, rolePolicy)], {
      planned_values: { root_module: { resources: [planned("aws_iam_role", "r", role), planned("aws_iam_role_policy", "p", rolePolicy)] } },
    });
  }

  async function gate(p: Obj) {
    const dir = tempDir();
    writeTemp(dir, "plan.json", JSON.stringify(p));
    let stdout = "";
    const code = await runCli(["gate", "--format", "json", "plan.json"], { stdout: (t) => (stdout += t), stderr: () => undefined, cwd: dir, env: {}, now: () => new Date("2026-11-27T09:00:00Z") });
    const report = JSON.parse(stdout) as { findings: { ruleId: string; severity: string; message: string }[]; summary: { agentPrincipals: number } };
    return { code, report, errorIds: report.findings.filter((f) => f.severity === "error").map((f) => f.ruleId) };
  }

  test("a near-miss key fails the gate as an agent with the key named", async () => {
    const { code, report, errorIds } = await gate(plan({ blastwall_agent: "true" }));
    expect(code).toBe(1);
    expect(errorIds).toEqual(expect.arrayContaining(["agent-tags-unreadable", "agent-destroy-right"]));
    expect(report.findings.find((f) => f.ruleId === "agent-tags-unreadable")!.message).toContain('tag "blastwall_agent" = "true", which looks like blastwall:agent');
    expect(report.summary.agentPrincipals).toBe(1);
  });

  test("control: no such key, no agent", async () => {
    const { report } = await gate(plan({ team: "ops" }));
    expect(report.summary.agentPrincipals).toBe(0);
    expect(report.findings.map((f) => f.ruleId)).not.toContain("agent-tags-unreadable");
  });
});

describe("the synth gate reads the same keys", () => {
  const synth = (tags: Record<string, string>) => () => {
    const app = new App({ outdir: mkdtempSync(join(tmpdir(), "blastwall-near-")) });
    const s = new TerraformStack(app, "prod");
    new AwsProvider(s, "aws", { region: "us-east-1" });
    const role = new IamRole(s, "coder", { name: "coder", assumeRolePolicy: TRUST, tags });
    new IamRolePolicy(s, "p", { role: role.name, policy: DELETE });
    Aspects.of(app).add(new BlastwallChecks({ config: {} }));
    app.synth();
  };

  test("a near-miss key stops synth with the key named", () => {
    expect(synth({ "blastwall-agent": "true" })).toThrow(/agent-tags-unreadable[\s\S]*tag "blastwall-agent" = "true", which looks like blastwall:agent/);
  });

  test("control: another tag synthesizes", () => {
    expect(synth({ team: "ops" })).not.toThrow();
  });
});
