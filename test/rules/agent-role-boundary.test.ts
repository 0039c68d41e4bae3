import { agentRole, policy, tf, TRUST } from "../helpers/tf";
import { run } from "./helpers";
import { rule } from "../../lib/rules/agent-role-boundary";

const DENY = policy({ Effect: "Allow", Action: "*", Resource: "*" }, { Effect: "Deny", Action: "ec2:DeleteVolume", Resource: "*" });

describe("agent-role-boundary", () => {
  it("fails an agent role without a permission boundary", () => {
    const [f, ...rest] = run(rule, tf({ "aws_iam_role.agent": agentRole() }));
    expect(rest).toEqual([]);
    expect(f.principal).toBe("aws_iam_role.agent");
    expect(f.message).toContain("aws_iam_role.agent is an AI agent role and has no permission boundary");
    expect(f.evidence[0].step).toBe("principal");
  });

  it("passes an agent role whose boundary is a policy in the stack", () => {
    const json = tf({ "aws_iam_role.agent": agentRole({ permissions_boundary: "${aws_iam_policy.b.arn}" }), "aws_iam_policy.b": { name: "b", policy: DENY } });
    expect(run(rule, json)).toEqual([]);
  });

  it("fails a boundary it cannot read, saying why", () => {
    const [f] = run(rule, tf({ "aws_iam_role.agent": agentRole({ permissions_boundary: "${var.boundary_arn}" }) }));
    expect(f.message).toContain("has a permission boundary blastwall cannot rely on (boundary");
  });

  it("ignores roles that are not agents", () => {
    expect(run(rule, tf({ "aws_iam_role.deploy": { name: "deploy", assume_role_policy: TRUST } }))).toEqual([]);
  });
});

describe("a boundary that caps nothing (red-team)", () => {
  it("AdministratorAccess as the boundary is a finding naming the destroy actions it leaves open", () => {
    const [f] = run(rule, tf({ "aws_iam_role.agent": agentRole({ permissions_boundary: "arn:aws:iam::aws:policy/AdministratorAccess" }) }));
    expect(f.message).toMatch(/allows destroy actions \(.*A boundary must leave them out: deny them, or allow only what the agent needs/);
    expect(f.actions).toContain("ec2:DeleteVolume");
  });

  it("ReadOnlyAccess as the boundary caps: its only destroy-shaped Allow (s3express:CreateSession) is limited to ReadOnly sessions", () => {
    expect(run(rule, tf({ "aws_iam_role.agent": agentRole({ permissions_boundary: "arn:aws:iam::aws:policy/ReadOnlyAccess" }) }))).toEqual([]);
    // The control: the same action allowed without that condition leaves a destroy right open.
    const open = policy({ Effect: "Allow", Action: ["s3:Get*", "s3express:CreateSession"], Resource: "*" });
    expect(run(rule, tf({ "aws_iam_role.agent": agentRole({ permissions_boundary: "${aws_iam_policy.b.arn}" }), "aws_iam_policy.b": { name: "b", policy: open } })).map((f) => f.actions)).toEqual([["s3express:CreateSession"]]);
  });

  it("a boundary policy of Allow * alone is one too; one with a Deny is judged by the rights it leaves", () => {
    const allowAll = policy({ Effect: "Allow", Action: "*", Resource: "*" });
    expect(run(rule, tf({ "aws_iam_role.agent": agentRole({ permissions_boundary: "${aws_iam_policy.b.arn}" }), "aws_iam_policy.b": { name: "b", policy: allowAll } }))).toHaveLength(1);
    expect(run(rule, tf({ "aws_iam_role.agent": agentRole({ permissions_boundary: "${aws_iam_policy.b.arn}" }), "aws_iam_policy.b": { name: "b", policy: DENY } }))).toEqual([]);
  });
});
