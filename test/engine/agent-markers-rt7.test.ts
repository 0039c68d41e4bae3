/**
 * Agent markers blastwall cannot evaluate count as possibly set (red-team, round 7): an IAM path built by an
 * expression it cannot evaluate may come out as /agents/, and a provider's `dynamic "default_tags"` whose for_each
 * is unknown may tag every resource of the provider.
 */
import { check, errors, tf, TRUST } from "../helpers/tf";

const DELETE = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "ec2:DeleteVolume", Resource: "*" }] });
const role = (path: string) => ({
  "aws_iam_role.ops": { name: "ops", path, assume_role_policy: TRUST },
  "aws_iam_role_policy.ops": { role: "${aws_iam_role.ops.name}", policy: DELETE },
});
const destroyers = (json: Record<string, unknown>) => errors(check(json), "agent-destroy-right").map((f) => f.principal);

describe("agent markers that cannot be read", () => {
  test("a path blastwall cannot evaluate may be /agents/: the role counts as an agent", () => {
    expect(destroyers(tf(role('/${trim("-agents-", "-")}/')))).toEqual(["aws_iam_role.ops"]);
  });

  test("a path from a variable whose default is not under /agents/ is read as that default", () => {
    expect(destroyers(tf(role("/${var.team}/"), { variable: { team: { default: "ops" } } }))).toEqual([]);
  });

  test("a provider's dynamic default_tags with an unknown for_each may set the agent tag", () => {
    const provider = {
      aws: [
        {
          region: "eu-west-1",
          dynamic: { default_tags: [{ for_each: '${data.aws_caller_identity.me.account_id == "222222222222" ? ["x"] : []}', content: [{ tags: { "blastwall:agent": "true" } }] }] },
        },
      ],
    };
    expect(destroyers(tf(role("/"), { provider }))).toEqual(["aws_iam_role.ops"]);
    expect(destroyers(tf(role("/"), { provider: { aws: [{ region: "eu-west-1" }] } }))).toEqual([]);
  });
});

describe("the agent tag key in another case (red-team round 11)", () => {
  const { readAgentTag } = jest.requireActual("../../lib/engine/agent-tags") as typeof import("../../lib/engine/agent-tags");
  const role = (tags: Record<string, string>) => ({ mode: "managed" as const, type: "aws_iam_role", name: "r", address: "aws_iam_role.r", values: { name: "r", tags } });
  test("IAM reads Blastwall:Agent as blastwall:agent, and so does the gate", () => {
    expect(readAgentTag(role({ "Blastwall:Agent": "true" }))).toMatchObject({ state: "yes", reason: expect.stringMatching(/IAM reads it as blastwall:agent/) });
  });
  test("the control: another key, or the key with another value, is no agent tag", () => {
    expect(readAgentTag(role({ "blastwall:agentic": "true" })).state).toBe("no");
    // A key that only looks like it counts, reported as a near miss (red-team round 98): AWS does not read it.
    expect(readAgentTag(role({ "blastwall:agents": "true" }))).toMatchObject({ state: "yes", unexpected: { nearKey: true } });
    expect(readAgentTag(role({ "BLASTWALL:AGENT": "false" })).state).toBe("no");
  });
});
