/**
 * Red-team round 89: a principal whose agent tag blastwall cannot read (tags built from a variable without a
 * default, a for_each it cannot read) may be an agent. It fails the gate when it can reach a destroy right by any
 * chain blastwall models for agents, not only by its own rights; and an attachment blastwall cannot resolve is an
 * error when such a principal exists, not only when a known agent does.
 */
import { check, tf } from "../helpers/tf";
import { chain, DELETE, RUNNER } from "../helpers/tag-chain";

type Obj = Record<string, unknown>;

describe("for_each roles blastwall cannot expand (t05/t04 with the for_each from a variable)", () => {
  const iterated = (forEach: unknown, role: string, extra: Obj = {}) =>
    tf(
      {
        "aws_iam_role.svc": { for_each: forEach, name: "${each.key}", assume_role_policy: RUNNER, tags: "${each.value.tags}" },
        "aws_iam_role_policy.ops": { for_each: "${aws_iam_role.svc}", role, policy: DELETE },
      },
      extra,
    );

  test("a for_each blastwall cannot read: the tags stay unreadable, and the unresolved attachment of destroy rights is an error", () => {
    const r = check(iterated("${var.roles}", "${each.value.name}", { variable: { roles: { type: "map(any)" } } }));
    expect(r.summary.agentPrincipals).toBe(0);
    const byRule = new Map(r.findings.map((f) => [f.ruleId, f]));
    expect(byRule.get("unresolved-attachment")?.severity).toBe("error");
    expect(byRule.get("unresolved-attachment")?.message).toContain("aws_iam_role.svc: its tags are an expression blastwall cannot read");
    expect(byRule.get("agent-tags-unreadable")?.severity).toBe("warning");
  });
});

describe("fail closed: tags that stay unreadable", () => {
  const UNREADABLE = "${merge(local.common, var.extra)}";
  const VARS = { locals: { common: { team: "x" } }, variable: { extra: { type: "map(string)" } } };

  test("a role that reaches a destroy right through a chain is an error naming the chain", () => {
    const [f, ...more] = check(chain(UNREADABLE, VARS)).findings.filter((x) => x.ruleId === "agent-tags-unreadable");
    expect(more).toEqual([]);
    expect(f.severity).toBe("error");
    expect(f.message).toContain("aws_iam_role.coder may be an AI agent: its tags are `${merge(local.common, var.extra)}`, which blastwall cannot read");
    expect(f.message).toContain("aws_iam_role.coder --sts:AssumeRole--> aws_iam_role.deployer");
    expect(f.actions).toEqual(expect.arrayContaining(["ec2:DeleteVolume"]));
  });

  test("control: one that reaches nothing destructive stays a warning", () => {
    const json = chain(UNREADABLE, VARS);
    delete ((json.resource as Obj).aws_iam_role_policy as Obj)["deployer-ops"];
    const found = check(json).findings.filter((x) => x.ruleId === "agent-tags-unreadable");
    expect(found.map((f) => f.severity)).toEqual(["warning"]);
  });

  test("an attachment blastwall cannot resolve is an error when a principal may be an agent, a warning when none may", () => {
    const attach = (tags: unknown) =>
      tf(
        {
          "aws_iam_role.coder": { name: "coder", assume_role_policy: RUNNER, tags },
          "aws_iam_role_policy.ops": { role: '${join("-", ["coder", var.env])}', policy: DELETE },
        },
        VARS,
      );
    const severity = (json: Obj) => check(json).findings.find((f) => f.ruleId === "unresolved-attachment")?.severity;
    expect(severity(attach(UNREADABLE))).toBe("error");
    expect(severity(attach({ team: "x" }))).toBe("warning");
  });
});
