/**
 * Acknowledgements limited to actions, in-code acknowledgements read from the JSON, expiry messages and the
 * unscoped warning: each case here is one where the gate used to say more (or less) than the stack warrants.
 */
import type { Acknowledgement } from "../../lib/engine/findings";
import { ack as ackOf, finding } from "../helpers/findings";
import { ACKNOWLEDGEMENT_EXPIRED, applyAcknowledgements, isExpired, unacceptedActions } from "../../lib/config/acknowledgements";
import { inCodeAcknowledgements } from "../../lib/engine/analyze";
import { buildStack } from "../../lib/engine/terraform/stack";
import { checkStacks } from "../../lib/check/run-check";
import { agentRules } from "../../lib/rules";

const NOW = new Date("2026-11-26T12:00:00Z");
const REASON = "scratch snapshots only; reviewed by the platform team";


const ack = (over: Partial<Acknowledgement> = {}): Acknowledgement => ackOf(REASON, over);

describe("a finding that reports no actions, against an acknowledgement limited to actions", () => {
  const boundary = finding({ ruleId: "agent-role-boundary", resource: "aws_iam_role.agent", actions: [], message: "aws_iam_role.agent has no permission boundary." });

  test("counts as reporting *: a list of actions does not cover it, * does", () => {
    expect(unacceptedActions({ actions: ["ec2:DeleteSnapshot"] }, boundary)).toEqual(["*"]);
    expect(applyAcknowledgements([boundary], [ack({ ruleId: "agent-role-boundary", actions: ["ec2:DeleteSnapshot"] })], NOW)[0].acknowledged).toBeUndefined();
    expect(applyAcknowledgements([boundary], [ack({ ruleId: "agent-role-boundary", actions: ["*"] })], NOW)[0].acknowledged).toBeDefined();
    expect(applyAcknowledgements([boundary], [ack({ ruleId: "agent-role-boundary" })], NOW)[0].acknowledged).toBeDefined();
  });

  test("the finding says plainly why the acknowledgement does not cover it", () => {
    const [f] = applyAcknowledgements([boundary], [ack({ ruleId: "agent-role-boundary", actions: ["ec2:DeleteSnapshot"] })], NOW);
    expect(f.message).toBe(
      "aws_iam_role.agent has no permission boundary. The acknowledgement of agent-role-boundary for aws_iam_role.agent in blastwall.json " +
        "accepts ec2:DeleteSnapshot only; this finding is about the principal's configuration and reports no actions, " +
        'which only an acknowledgement without "actions" (or with "*") covers.',
    );
    expect(f.evidence.at(-1)?.detail).toBe("blastwall.json accepts ec2:DeleteSnapshot; not a finding that reports no actions");
  });
});

describe("in-code acknowledgements edited by hand in the JSON", () => {
  const carried = (over: Record<string, unknown>) =>
    inCodeAcknowledgements(
      buildStack(
        {
          resource: {
            aws_iam_role: {
              agent: { name: "agent", assume_role_policy: "{}", "//": { blastwall: { acknowledgements: [{ ruleId: "agent-destroy-right", reason: REASON, ...over }] } } },
            },
          },
        },
        "cdk.tf.json",
      ),
    );

  test.each([[20270101], [null], [["2027-01-01"]], [{ date: "2027-01-01" }]])("an expires that is not a string (%j) is unreadable, so expired", (expires) => {
    const [a] = carried({ expires });
    expect(a).toBeDefined();
    expect(isExpired(a, NOW)).toBe(true);
    const out = applyAcknowledgements([finding()], [a], NOW);
    expect(out[0].acknowledged).toBeUndefined();
    expect(out.find((f) => f.ruleId === ACKNOWLEDGEMENT_EXPIRED)?.message).toMatch(/unreadable expiry date/);
  });

  test("a string expires reads as before", () => {
    expect(isExpired(carried({ expires: "2027-01-01" })[0], NOW)).toBe(false);
    expect(carried({})[0].expires).toBeUndefined();
  });

  test.each([[["DeleteSnapshot"]], [["ec2:DeleteSnapshot", "ec2 :Delete*"]], [["ec2:Delete Snapshot"]], [[""]]])("an actions item the schema refuses (%j) makes it no acknowledgement", (actions) => {
    expect(carried({ actions })).toEqual([]);
  });

  test("actions the schema accepts are read", () => {
    expect(carried({ actions: ["ec2:DeleteSnapshot", "EC2:delete*", "*"] })[0].actions).toEqual(["ec2:DeleteSnapshot", "EC2:delete*", "*"]);
  });
});

describe("an expired acknowledgement limited to actions, whose finding has outgrown it", () => {
  test("says the finding it was written for is still there, not that it matches nothing", () => {
    const grown = finding({ actions: ["ec2:DeleteSnapshot", "ec2:DeleteVolume"] });
    const out = applyAcknowledgements([grown], [ack({ actions: ["ec2:DeleteSnapshot"], expires: "2026-01-01" })], NOW);
    const expired = out.find((f) => f.ruleId === ACKNOWLEDGEMENT_EXPIRED)!;
    expect(expired.message).toMatch(/expired on 2026-01-01; it no longer covers 1 finding\.$/);
    expect(expired.message).not.toMatch(/matches no finding/);
  });

  test("the same through checkStacks, with the acknowledgement in the config", () => {
    const r = checkStacks([roleStack("staging", false, ["ec2:DeleteSnapshot", "ec2:DeleteVolume"])], {
      config: { acknowledgements: [{ ruleId: "agent-destroy-right", principal: "aws_iam_role.deployer", reason: REASON, actions: ["ec2:DeleteSnapshot"], expires: "2026-01-01" }] },
      rules: agentRules,
      now: NOW,
    });
    expect(r.findings.find((f) => f.ruleId === ACKNOWLEDGEMENT_EXPIRED)?.message).toMatch(/it no longer covers 1 finding/);
  });

  test("a finding of the same rule about rights it never accepted is not one it was written for", () => {
    const other = finding({ resource: "aws_iam_role_policy.q", actions: ["rds:DeleteDBInstance"] });
    const out = applyAcknowledgements([other], [ack({ actions: ["ec2:DeleteSnapshot"], expires: "2026-01-01" })], NOW);
    expect(out.find((f) => f.ruleId === ACKNOWLEDGEMENT_EXPIRED)?.message).toMatch(/it matches no finding any more/);
  });

  test("one naming another resource still matches nothing", () => {
    const out = applyAcknowledgements([finding()], [ack({ resource: "aws_iam_role_policy.q", expires: "2026-01-01" })], NOW);
    expect(out.find((f) => f.ruleId === ACKNOWLEDGEMENT_EXPIRED)?.message).toMatch(/it matches no finding any more/);
  });
});

/** A stack of one agent role that may delete volumes; `inCode` acknowledges that in the role's `//` metadata. */
function roleStack(name: string, inCode: boolean, actions = ["ec2:DeleteVolume"]) {
  const meta = inCode ? { "//": { blastwall: { acknowledgements: [{ ruleId: "agent-destroy-right", reason: REASON }] } } } : {};
  return buildStack(
    {
      resource: {
        aws_iam_role: {
          deployer: {
            name: `${name}-deployer`,
            assume_role_policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }] }),
            tags: { "blastwall:agent": "true" },
            ...meta,
          },
        },
        aws_iam_role_policy: {
          work: {
            role: "${aws_iam_role.deployer.name}",
            policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: actions, Resource: "*" }] }),
          },
        },
      },
    },
    `cdktf.out/stacks/${name}/cdk.tf.json`,
    name,
  );
}

describe("a config acknowledgement without stack, where one stack's finding is acknowledged in code", () => {
  const config = { acknowledgementsInCode: true, acknowledgements: [{ ruleId: "agent-destroy-right", principal: "aws_iam_role.deployer", reason: REASON }] };
  const destroyIn = (r: ReturnType<typeof checkStacks>, stack: string) => r.findings.find((f) => f.ruleId === "agent-destroy-right" && f.file.includes(`/${stack}/`));

  test("covers only the other stack's finding, so it is not reported as unscoped", () => {
    const r = checkStacks([roleStack("staging", true), roleStack("prod", false)], { config, rules: agentRules, now: NOW });
    expect(destroyIn(r, "staging")?.acknowledged?.source).toMatch(/^construct /);
    expect(destroyIn(r, "prod")?.acknowledged?.source).toBe("blastwall.json");
    expect(r.findings.filter((f) => f.ruleId === "acknowledgement-unscoped")).toEqual([]);
  });

  test("the control: covering both stacks' findings, it is", () => {
    const r = checkStacks([roleStack("staging", false), roleStack("prod", false)], { config, rules: agentRules, now: NOW });
    expect(r.findings.filter((f) => f.ruleId === "acknowledgement-unscoped")).toHaveLength(1);
  });
});
