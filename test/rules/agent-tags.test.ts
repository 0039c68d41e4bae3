/**
 * Agents tagged through expressions: locals, variables, merge(), provider default_tags. An agent blastwall does not
 * recognise is an agent whose rights nobody checks, so what cannot be read either counts or is reported.
 */
import { check, errors, policy, TRUST, tf } from "../helpers/tf";

type Obj = Record<string, unknown>;

const DELETE = policy({ Effect: "Allow", Action: "ec2:DeleteVolume", Resource: "*" });
const READ = policy({ Effect: "Allow", Action: "s3:GetObject", Resource: "*" });

/** A role with the given tags and an inline policy, plus whatever top-level blocks the case needs. */
function stack(tags: unknown, extra: Obj = {}, rolePolicy = DELETE, role: Obj = {}): Obj {
  return tf(
    {
      "aws_iam_role.r": { name: "r", assume_role_policy: TRUST, ...(tags === undefined ? {} : { tags }), ...role },
      "aws_iam_role_policy.p": { role: "${aws_iam_role.r.name}", policy: rolePolicy },
    },
    extra,
  );
}

const destroyFindings = (json: Obj) => errors(check(json), "agent-destroy-right").map((f) => f.principal);
const agentsOf = (json: Obj) => check(json).summary.agentPrincipals;

describe("the agent tag, read through expressions", () => {
  test("a literal map: the baseline", () => {
    expect(destroyFindings(stack({ "blastwall:agent": "true" }))).toEqual(["aws_iam_role.r"]);
    expect(agentsOf(stack({ "blastwall:agent": "false" }))).toBe(0);
  });

  test("tags from a local are followed", () => {
    expect(destroyFindings(stack("${local.t}", { locals: { t: { "blastwall:agent": "true" } } }))).toEqual(["aws_iam_role.r"]);
    expect(agentsOf(stack("${local.t}", { locals: { t: { team: "data" } } }))).toBe(0);
  });

  test("a tag value from a variable counts whatever its default: -var may set it to true", () => {
    const json = stack({ "blastwall:agent": "${var.is_agent}" }, { variable: { is_agent: { default: "false" } } });
    expect(destroyFindings(json)).toEqual(["aws_iam_role.r"]);
  });

  test("a tag value from a local that is literally false does not count", () => {
    expect(agentsOf(stack({ "blastwall:agent": "${local.flag}" }, { locals: { flag: "false" } }))).toBe(0);
  });

  test("merge() that names the tag counts", () => {
    expect(destroyFindings(stack('${merge({}, {"blastwall:agent" = "true"})}'))).toEqual(["aws_iam_role.r"]);
  });

  test("a tag key from a local is followed", () => {
    expect(destroyFindings(stack({ "${local.k}": "true" }, { locals: { k: "blastwall:agent" } }))).toEqual(["aws_iam_role.r"]);
  });

  test("tags from a variable's default are read like any other value", () => {
    expect(destroyFindings(stack("${var.tags}", { variable: { tags: { default: { "blastwall:agent": "true" } } } }))).toEqual(["aws_iam_role.r"]);
    const plain = check(stack("${var.tags}", { variable: { tags: { default: { team: "data" } } } }));
    expect(plain.summary.agentPrincipals).toBe(0);
    expect(plain.findings.map((f) => f.ruleId)).not.toContain("agent-tags-unreadable");
  });

  test("provider default_tags from a local count", () => {
    const json = stack(undefined, { provider: { aws: [{ default_tags: [{ tags: "${local.dt}" }] }] }, locals: { dt: { "blastwall:agent": "true" } } });
    expect(destroyFindings(json)).toEqual(["aws_iam_role.r"]);
  });
});

describe("agent-tags-unreadable", () => {
  const unreadable = (rolePolicy: string, strict = false) =>
    check(stack("${var.tags}", { variable: { tags: { type: "map(string)" } } }, rolePolicy), {}, { strict }).findings.filter((f) => f.ruleId === "agent-tags-unreadable");

  test("tags blastwall cannot read, on a role that can delete data: an error naming the expression and the rights", () => {
    const [f] = unreadable(DELETE);
    expect(f).toMatchObject({ severity: "error", principal: "aws_iam_role.r", actions: ["ec2:DeleteVolume"] });
    expect(f.message).toMatch(/may be an AI agent: its tags are `\$\{var\.tags\}`, which blastwall cannot read\. They may set blastwall:agent = "true"[\s\S]*ec2:DeleteVolume/);
    expect(f.fix).toMatch(/agents\.addresses/);
  });

  test("on a role without destroy rights: a warning, an error with --strict", () => {
    expect(unreadable(READ).map((f) => f.severity)).toEqual(["warning"]);
    expect(unreadable(READ, true).map((f) => f.severity)).toEqual(["error"]);
  });

  test("unreadable provider default_tags are reported too; readable tags are not", () => {
    const json = stack({ team: "data" }, { provider: { aws: [{ default_tags: [{ tags: "${var.dt}" }] }] }, variable: { dt: { type: "map(string)" } } });
    expect(check(json).findings.filter((f) => f.ruleId === "agent-tags-unreadable").map((f) => f.evidence[0].detail)).toEqual(["provider default_tags: ${var.dt}"]);
    expect(check(stack({ team: "data" })).findings.map((f) => f.ruleId)).not.toContain("agent-tags-unreadable");
  });

  test("a principal selected as an agent by the config is checked as one, and not reported as unreadable", () => {
    const json = stack("${var.tags}", { variable: { tags: { type: "map(string)" } } });
    const r = check(json, { agents: { addresses: ["aws_iam_role.r"] } });
    expect(r.findings.map((f) => f.ruleId)).toContain("agent-destroy-right");
    expect(r.findings.map((f) => f.ruleId)).not.toContain("agent-tags-unreadable");
  });
});

describe("the /agents/ path", () => {
  test("a role under /agents/ is an agent without the tag: overriding the tag away does not take it out of the checks (red-team)", () => {
    const json = stack({ "blastwall:agent": "false" }, {}, DELETE, { path: "/agents/" });
    expect(destroyFindings(json)).toEqual(["aws_iam_role.r"]);
    const [f] = errors(check(json), "agent-destroy-right");
    expect(f.evidence[0].detail).toMatch(/path \/agents\/ \(the path the guardrail SCPs treat as agents\)/);
  });

  test("a role elsewhere is not", () => {
    expect(agentsOf(stack({ team: "x" }, {}, DELETE, { path: "/service/" }))).toBe(0);
  });
});

describe("a blastwall:agent value other than true or false (red-team round 84)", () => {
  const tagFindings = (json: Obj) => errors(check(json), "agent-tags-unreadable");

  test.each(["yes", "1", "enabled", " true", "TRUE ", ""])("%j: an error naming the value, and the role is checked as an agent", (value) => {
    const json = stack({ "blastwall:agent": value });
    const [f] = tagFindings(json);
    expect(f).toMatchObject({ severity: "error", principal: "aws_iam_role.r" });
    expect(f.message).toContain(`tag blastwall:agent = ${JSON.stringify(value)}; blastwall reads only "true" or "false"`);
    expect(f.message).toMatch(/Set it to "true" if aws_iam_role\.r is an agent, else to "false"/);
    // The guardrail SCPs match the /agents/ path and the agent-* source identity, not the tag (red-team rounds 139 F6, 140 F5).
    expect(f.message).toContain("(blastwall's baseline SCP does, to refuse access keys and users to agents)");
    expect(f.message).toContain("they recognise agents by the /agents/ path and an agent-* source identity (AgentRole gives both), not by the tag.");
    expect(f.evidence[0].detail).toBe(`tags: blastwall:agent = ${JSON.stringify(value)}`);
    // Fail closed: the value most likely means "agent", so its destroy rights are checked too.
    expect(destroyFindings(json)).toEqual(["aws_iam_role.r"]);
  });

  test("a number is no true either", () => {
    expect(tagFindings(stack({ "blastwall:agent": 1 })).map((f) => f.evidence[0].detail)).toEqual(["tags: blastwall:agent = 1"]);
  });

  test("the key in another case is the same tag", () => {
    expect(tagFindings(stack({ "Blastwall:Agent": "yes" })).map((f) => f.principal)).toEqual(["aws_iam_role.r"]);
  });

  test("through a local, in tags_all and in provider default_tags alike", () => {
    expect(tagFindings(stack("${local.t}", { locals: { t: { "blastwall:agent": "yes" } } }))).toHaveLength(1);
    const all = tagFindings(stack(undefined, {}, DELETE, { tags_all: { "blastwall:agent": "on" } }));
    expect(all.map((f) => f.evidence[0].detail)).toEqual(['tags_all: blastwall:agent = "on"']);
    expect(all[0].message).toContain('tags_all tag blastwall:agent = "on"');
    const dt = tagFindings(stack(undefined, { provider: { aws: [{ default_tags: [{ tags: { "blastwall:agent": "yes" } }] }] } }));
    expect(dt.map((f) => f.evidence[0].detail)).toEqual(['provider default_tags: blastwall:agent = "yes"']);
  });

  test("controls: true and false in any case, a missing tag and a null value are no finding", () => {
    for (const value of ["true", "True", "TRUE", "false", "False", true, false, null]) {
      expect(tagFindings(stack({ "blastwall:agent": value }))).toEqual([]);
    }
    expect(tagFindings(stack({ team: "x" }))).toEqual([]);
    expect(destroyFindings(stack({ "blastwall:agent": "True" }))).toEqual(["aws_iam_role.r"]);
    expect(agentsOf(stack({ "blastwall:agent": "FALSE" }))).toBe(0);
  });
});
