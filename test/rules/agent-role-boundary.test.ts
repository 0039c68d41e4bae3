import { agentRole, policy, tf, TRUST } from "../helpers/tf";
import { run } from "./helpers";
import { rule } from "../../lib/rules/agent-role-boundary";
import { loadCatalogue } from "../../lib/engine/catalogue";

const DIRECT = loadCatalogue().direct.map((e) => e.action);
/** Every catalogue action: direct, protection and escalation. */
const ALL = loadCatalogue().entries.map((e) => e.action);
/**
 * Destroy actions as a boundary can deny them: `service:*` for a service whose every catalogued action is listed, else the
 * actions. Every catalogued action listed one by one is over IAM's 6,144 characters for a managed policy, which IAM
 * refuses to create and blastwall no longer relies on (red-team round 75).
 */
function compact(actions: readonly string[]): string[] {
  const service = (a: string) => a.slice(0, a.indexOf(":"));
  const out: string[] = [];
  for (const svc of new Set(actions.map(service))) {
    const all = ALL.filter((a) => service(a) === svc);
    if (all.every((a) => actions.includes(a))) out.push(`${svc}:*`);
    else out.push(...actions.filter((a) => service(a) === svc));
  }
  return out;
}
/**
 * Allow *, less a Deny of the whole catalogue: a boundary that caps. (`iam:*` and `sts:*` among them also take changes to
 * the role itself and role chaining.)
 */
const DENY = policy({ Effect: "Allow", Action: "*", Resource: "*" }, { Effect: "Deny", Action: compact(ALL), Resource: "*" });

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
    expect(f.message).toMatch(/allows actions that neither it nor a Deny of the role's own policies takes away: direct destroy actions \(.*A boundary must leave them out: deny them \(here or in a policy of the role\), or allow only what the agent needs/);
    expect(f.actions).toContain("ec2:DeleteVolume");
  });

  it("ReadOnlyAccess as the boundary caps destruction: its only destroy-shaped Allow (s3express:CreateSession) is limited to ReadOnly sessions", () => {
    // It leaves the escalation list's reads of secrets and credentials (ssm:GetParameter...) to a later policy, and nothing else.
    const [f, ...rest] = run(rule, tf({ "aws_iam_role.agent": agentRole({ permissions_boundary: "arn:aws:iam::aws:policy/ReadOnlyAccess" }) }));
    expect(rest).toEqual([]);
    expect(f.actions).toContain("ssm:GetParameter");
    expect(f.actions.filter((a) => loadCatalogue().categoryOf(a) !== "escalation")).toEqual([]);
    // The control: the same action allowed without that condition leaves a destroy right open.
    const open = policy({ Effect: "Allow", Action: ["s3:Get*", "s3express:CreateSession"], Resource: "*" });
    expect(run(rule, tf({ "aws_iam_role.agent": agentRole({ permissions_boundary: "${aws_iam_policy.b.arn}" }), "aws_iam_policy.b": { name: "b", policy: open } })).map((f) => f.actions)).toEqual([["s3express:CreateSession"]]);
  });

  it("a boundary policy of Allow * alone is one too; one with a Deny is judged by the rights it leaves", () => {
    const allowAll = policy({ Effect: "Allow", Action: "*", Resource: "*" });
    expect(run(rule, tf({ "aws_iam_role.agent": agentRole({ permissions_boundary: "${aws_iam_policy.b.arn}" }), "aws_iam_policy.b": { name: "b", policy: allowAll } }))).toHaveLength(1);
    expect(run(rule, tf({ "aws_iam_role.agent": agentRole({ permissions_boundary: "${aws_iam_policy.b.arn}" }), "aws_iam_policy.b": { name: "b", policy: DENY } }))).toEqual([]);
  });

  it("Allow * with a Deny of something else caps nothing that matters (red-team round 42)", () => {
    const billing = policy({ Effect: "Allow", Action: "*", Resource: "*" }, { Effect: "Deny", Action: "aws-portal:ViewBilling", Resource: "*" });
    const [f] = run(rule, tf({ "aws_iam_role.agent": agentRole({ permissions_boundary: "${aws_iam_policy.b.arn}" }), "aws_iam_policy.b": { name: "b", policy: billing } }));
    expect(f.actions).toContain("ec2:DeleteVolume");
    // One Deny of a few destroy actions leaves the rest open, and says which.
    const few = policy({ Effect: "Allow", Action: "*", Resource: "*" }, { Effect: "Deny", Action: ["ec2:Delete*", "rds:Delete*"], Resource: "*" });
    const [g] = run(rule, tf({ "aws_iam_role.agent": agentRole({ permissions_boundary: "${aws_iam_policy.b.arn}" }), "aws_iam_policy.b": { name: "b", policy: few } }));
    expect(g.actions).toContain("s3:DeleteBucket");
    expect(g.actions).not.toContain("ec2:DeleteVolume");
  });

  it("what the agent already holds is left to the rules on its rights: the boundary finding is about what a later policy could add", () => {
    const leaves = policy({ Effect: "Allow", Action: "*", Resource: "*" }, { Effect: "Deny", Action: compact(ALL.filter((a) => a !== "ec2:DeleteVolume")), Resource: "*" });
    const json = (grant: string) =>
      tf({
        "aws_iam_role.agent": agentRole({ permissions_boundary: "${aws_iam_policy.b.arn}" }),
        "aws_iam_policy.b": { name: "b", policy: leaves },
        "aws_iam_role_policy.ops": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: grant, Resource: "*" }) },
      });
    expect(run(rule, json("ec2:DeleteVolume"))).toEqual([]);
    expect(run(rule, json("ec2:DescribeVolumes")).map((f) => f.actions)).toEqual([["ec2:DeleteVolume"]]);
    // Held only in a harmless form (ReadOnly sessions) is not held: the boundary still leaves ReadWrite sessions open.
    const sessions = policy({ Effect: "Allow", Action: "*", Resource: "*" }, { Effect: "Deny", Action: compact(ALL.filter((a) => a !== "s3express:CreateSession")), Resource: "*" });
    const readOnly = tf({
      "aws_iam_role.agent": agentRole({ permissions_boundary: "${aws_iam_policy.b.arn}" }),
      "aws_iam_policy.b": { name: "b", policy: sessions },
      "aws_iam_role_policy.ops": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: "s3express:CreateSession", Resource: "*", Condition: { StringEquals: { "s3express:SessionMode": "ReadOnly" } } }) },
    });
    expect(run(rule, readOnly).map((f) => f.actions)).toEqual([["s3express:CreateSession"]]);
  });

  it("a Deny in a policy of the role takes away what the boundary leaves (AgentRole's guard policies)", () => {
    // Two thirds of the direct actions in the boundary, the rest in the guard: each within IAM's size quota (6,144 for
    // the managed boundary, 10,240 for the role's inline policies) as the catalogue grows (1.29.0 passed 10,240 at half).
    const split = Math.floor((DIRECT.length * 2) / 3);
    const boundary = policy({ Effect: "Allow", Action: "*", Resource: "*" }, { Effect: "Deny", Action: DIRECT.slice(0, split), Resource: "*" });
    // The rest goes into an inline policy and a managed one, as AgentRole spreads its guards (catalogue 1.32.0 passed
    // 10,240 in one inline policy).
    const rest = [...DIRECT.slice(split), ...compact(ALL.filter((a) => !DIRECT.includes(a)))];
    const half = Math.floor(rest.length / 2);
    const guard = policy({ Effect: "Deny", Action: rest.slice(0, half), Resource: "*" });
    const guard2 = policy({ Effect: "Deny", Action: rest.slice(half), Resource: "*" });
    const json = (withGuard: boolean) =>
      tf({
        "aws_iam_role.agent": agentRole({ permissions_boundary: "${aws_iam_policy.b.arn}" }),
        "aws_iam_policy.b": { name: "b", policy: boundary },
        ...(withGuard
          ? {
              "aws_iam_role_policy.guard": { role: "${aws_iam_role.agent.name}", policy: guard },
              "aws_iam_policy.guard2": { name: "guard2", policy: guard2 },
              "aws_iam_role_policy_attachment.guard2": { role: "${aws_iam_role.agent.name}", policy_arn: "${aws_iam_policy.guard2.arn}" },
            }
          : {}),
      });
    expect([guard.length <= 10240, guard2.length <= 6144]).toEqual([true, true]);
    expect(run(rule, json(true))).toEqual([]);
    expect(run(rule, json(false))).toHaveLength(1);
  });
});
