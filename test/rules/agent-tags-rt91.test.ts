/**
 * Red-team round 91: the agent tag as Terraform sets it, where blastwall read less than Terraform does.
 */
import { check, errors, policy, TRUST, tf } from "../helpers/tf";

type Obj = Record<string, unknown>;

const DELETE = policy({ Effect: "Allow", Action: "ec2:DeleteVolume", Resource: "*" });

function stack(tags: unknown, extra: Obj = {}, role: Obj = {}): Obj {
  return tf(
    {
      "aws_iam_role.r": { name: "r", assume_role_policy: TRUST, ...(tags === undefined ? {} : { tags }), ...role },
      "aws_iam_role_policy.p": { role: "${aws_iam_role.r.name}", policy: DELETE },
    },
    extra,
  );
}

const flagged = (json: Obj) => errors(check(json), "agent-destroy-right").map((f) => f.principal);
const agentsOf = (json: Obj) => check(json).summary.agentPrincipals;

describe("provider default_tags in a dynamic block, in Terraform JSON's list form", () => {
  const provider = (dynamic: unknown) => ({ provider: { aws: [{ region: "us-east-1", dynamic }] } });
  const spec = (tags: Obj) => ({ for_each: '${["x"]}', content: [{ tags }] });

  test("a list of label objects, each label a list of blocks: the content's tags apply", () => {
    expect(flagged(stack({ Name: "r" }, provider([{ default_tags: [spec({ "blastwall:agent": "true" })] }])))).toEqual(["aws_iam_role.r"]);
  });

  test("the object form with a list of blocks reads the same", () => {
    expect(flagged(stack({ Name: "r" }, provider({ default_tags: [spec({ "blastwall:agent": "true" })] })))).toEqual(["aws_iam_role.r"]);
  });

  test("control: a list-form dynamic default_tags without the agent tag makes no agent", () => {
    expect(agentsOf(stack({ Name: "r" }, provider([{ default_tags: [spec({ team: "data" })] }])))).toBe(0);
  });
});

describe('a dynamic "inline_policy" block in Terraform JSON\'s list form (round 91: read as none)', () => {
  const role = (dynamic: unknown) =>
    tf({ "aws_iam_role.r": { name: "r", assume_role_policy: TRUST, tags: { "blastwall:agent": "true" }, ...(dynamic === undefined ? {} : { dynamic }) } });
  const spec = { for_each: "${var.policies}", content: [{ name: "${inline_policy.key}", policy: "${inline_policy.value}" }] };

  test("the list form counts as an inline policy blastwall cannot read", () => {
    expect(errors(check(role([{ inline_policy: [spec] }])), "unanalysable-policy").map((f) => f.principal)).toEqual(["aws_iam_role.r"]);
  });

  test("control: the object form reads the same, and no dynamic block is no finding", () => {
    expect(errors(check(role({ inline_policy: [spec] })), "unanalysable-policy").map((f) => f.principal)).toEqual(["aws_iam_role.r"]);
    expect(errors(check(role(undefined)))).toEqual([]);
  });
});

describe("tags a variable may set so that they hold the agent tag (round 91: counted only when the key was there)", () => {
  const unreadable = (json: Obj) => errors(check(json), "agent-tags-unreadable").map((f) => f.principal);

  test("a conditional on a variable whose default leaves the tag out", () => {
    const json = stack('${var.is_agent ? {"blastwall:agent" = "true"} : {}}', { variable: { is_agent: { type: "bool", default: false } } });
    expect(flagged(json)).toEqual(["aws_iam_role.r"]);
  });

  test("each.value of a for_each from a variable whose default is false", () => {
    const json = stack('${{"blastwall:agent" = each.value}}', { variable: { roles: { type: "map(string)", default: { a: "false" } } } }, { for_each: "${var.roles}" });
    expect(flagged(json)).toEqual(["aws_iam_role.r"]);
  });

  test("a merge() of a variable's map, empty by default: it may hold the tag, so the tags are unreadable", () => {
    const json = stack('${merge({"x" = "y"}, var.extra)}', { variable: { extra: { type: "map(string)", default: {} } } });
    expect(unreadable(json)).toEqual(["aws_iam_role.r"]);
  });

  test("controls: tags that do not depend on a variable, a variable that only sets another tag, a literal for_each", () => {
    expect(agentsOf(stack('${merge({"x" = "y"}, {"blastwall:agent" = "false"})}'))).toBe(0);
    expect(agentsOf(stack('${merge({"blastwall:agent" = "false"}, {"team" = var.team})}', { variable: { team: { default: "data" } } }))).toBe(0);
    expect(agentsOf(stack('${{"blastwall:agent" = each.value}}', {}, { for_each: '${{"a" = "false"}}' }))).toBe(0);
    const json = stack('${merge({"x" = "y"}, {"team" = var.team})}', { variable: { team: { default: "data" } } });
    expect([agentsOf(json), unreadable(json)]).toEqual([0, []]);
  });
});

describe("agent tag keys that differ only in case (round 91: the first one decided)", () => {
  test("a literal map with a false and a true variant is an agent", () => {
    expect(flagged(stack({ "Blastwall:Agent": "false", "blastwall:agent": "true" }))).toEqual(["aws_iam_role.r"]);
  });

  test("a merge() with a false and a true variant is an agent", () => {
    expect(flagged(stack('${merge({"Blastwall:Agent" = "false"}, {"blastwall:agent" = "true"})}'))).toEqual(["aws_iam_role.r"]);
  });

  test("control: variants that are all false make no agent", () => {
    expect(agentsOf(stack({ "Blastwall:Agent": "false", "blastwall:agent": "false" }))).toBe(0);
    expect(agentsOf(stack('${merge({"Blastwall:Agent" = "false"}, {"blastwall:agent" = "FALSE"})}'))).toBe(0);
  });
});
