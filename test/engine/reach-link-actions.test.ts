/**
 * A reach finding names the nearest principal behind a first link, and its `actions` hold everything reached through
 * that link: an acknowledgement limited to the nearest one's actions must not cover an administrator further on, or
 * a principal blastwall cannot see (found by red-team round 11).
 */
import { check, errors, policy, safeAgentStack, tf } from "../helpers/tf";

type Obj = Record<string, unknown>;

/** The agent assumes role a (which can delete snapshots); a can assume b, given `bPolicy`. */
function chain(bPolicy: Record<string, Obj>, writer = false): Obj {
  const own: Obj[] = [{ Effect: "Allow", Action: "sts:AssumeRole", Resource: "${aws_iam_role.a.arn}" }];
  // An agent that can rewrite IAM policies is searched on its own (see reach-support.ts searchFindings).
  if (writer) own.push({ Effect: "Allow", Action: "iam:PutRolePolicy", Resource: "arn:aws:iam::111111111111:role/scratch-*" });
  const agent = safeAgentStack(own, writer ? ["ec2:Delete*", "ec2:Terminate*", "rds:Delete*", "s3:Delete*"] : undefined);
  const more = tf({
    "aws_iam_role.a": { name: "a", assume_role_policy: policy({ Effect: "Allow", Principal: { AWS: "${aws_iam_role.agent.arn}" }, Action: "sts:AssumeRole" }) },
    "aws_iam_role_policy.a": {
      role: "${aws_iam_role.a.name}",
      policy: policy({ Effect: "Allow", Action: "ec2:DeleteSnapshot", Resource: "*" }, { Effect: "Allow", Action: "sts:AssumeRole", Resource: "${aws_iam_role.b.arn}" }),
    },
    "aws_iam_role.b": { name: "b", assume_role_policy: policy({ Effect: "Allow", Principal: { AWS: "${aws_iam_role.a.arn}" }, Action: "sts:AssumeRole" }) },
    ...bPolicy,
  });
  const r = (agent.resource ?? {}) as Record<string, Obj>;
  for (const [type, byName] of Object.entries(more.resource as Record<string, Obj>)) r[type] = { ...(r[type] ?? {}), ...byName };
  return { ...agent, resource: r };
}

const ACK = { acknowledgements: [{ ruleId: "agent-transitive-destroy", principal: "aws_iam_role.agent", reason: "janitor deletes scratch snapshots", actions: ["ec2:DeleteSnapshot"] }] };
const transitive = (json: Obj, config = {}) => errors(check(json, config), "agent-transitive-destroy");

describe("what a reach finding reports behind its first link", () => {
  test("the control: with nothing more behind it, the nearest principal's actions, which the acknowledgement covers", () => {
    const json = chain({});
    expect(transitive(json).map((f) => f.actions)).toEqual([["ec2:DeleteSnapshot"]]);
    expect(transitive(json, ACK)).toEqual([]);
  });

  test("an administrator further on is in the finding's actions, so the acknowledgement no longer covers it", () => {
    const json = chain({ "aws_iam_role_policy_attachment.b": { role: "${aws_iam_role.b.name}", policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess" } });
    const [f] = transitive(json);
    expect(f.resource).toBe("aws_iam_role.a");
    expect(f.actions).toEqual(expect.arrayContaining(["ec2:DeleteSnapshot", "ec2:DeleteVolume", "rds:DeleteDBInstance"]));
    expect(transitive(json, ACK)).toHaveLength(1);
  });

  test("the same for an agent that can rewrite IAM policies (searched on its own)", () => {
    const json = chain({ "aws_iam_role_policy_attachment.b": { role: "${aws_iam_role.b.name}", policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess" } }, true);
    const f = transitive(json).find((x) => x.resource === "aws_iam_role.a")!;
    expect(f.actions).toEqual(expect.arrayContaining(["ec2:DeleteSnapshot", "ec2:DeleteVolume"]));
    expect(transitive(json, ACK).some((x) => x.resource === "aws_iam_role.a")).toBe(true);
  });

  test("a principal blastwall cannot see further on makes it every action, and the message says so", () => {
    const json = chain({ "aws_iam_role_policy.b": { role: "${aws_iam_role.b.name}", policy: "${file(\"b.json\")}" } });
    const [f] = transitive(json);
    expect(f.actions).toContain("*");
    expect(f.message).toMatch(/also reaches principals whose rights blastwall cannot see/);
    expect(transitive(json, ACK)).toHaveLength(1);
  });
});
