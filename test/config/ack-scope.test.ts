/**
 * An acknowledgement limited to the actions (and the resource) a reviewer accepted covers that finding only while
 * its rights stay within them: a destroy right added after the review fails the gate again.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import type { Acknowledgement, Finding } from "../../lib/engine/findings";
import { ack as ackOf, finding } from "../helpers/findings";
import { ACKNOWLEDGEMENT_EXPIRED, applyAcknowledgements, unacceptedActions } from "../../lib/config/acknowledgements";
import { parseConfig } from "../../lib/config/load-config";
import { ACK_ACTION } from "../../lib/cdktf/acknowledge";
import { renderText } from "../../lib/report/text";
import { runIn } from "../helpers/cli";


const ack = (over: Partial<Acknowledgement> = {}): Acknowledgement => ackOf("cleans up scratch snapshots, reviewed by platform", over);

const NOW = new Date("2026-11-26T12:00:00Z");

describe("acknowledgements limited to actions", () => {
  test("cover a finding whose every action they accept, and the report says which", () => {
    const [f] = applyAcknowledgements([finding({ actions: ["ec2:DeleteSnapshot", "ec2:DeleteVolume"] })], [ack({ actions: ["ec2:DeleteSnapshot", "ec2:DeleteVolume"] })], NOW);
    expect(f.acknowledged).toMatchObject({ actions: ["ec2:DeleteSnapshot", "ec2:DeleteVolume"] });
    expect(renderText({ tool: "check", findings: [f], summary: { errors: 0, warnings: 0, principals: 1, agentPrincipals: 1, resources: 1, files: 1, acknowledged: 1 } })).toMatch(
      /accepted: +cleans up scratch snapshots, reviewed by platform \(blastwall\.json, for ec2:DeleteSnapshot, ec2:DeleteVolume only\)/,
    );
  });

  test("match names case-insensitively, with * and ?", () => {
    const f = finding({ actions: ["ec2:DeleteSnapshot", "ec2:DeleteVolume"] });
    expect(applyAcknowledgements([f], [ack({ actions: ["EC2:delete*"] })], NOW)[0].acknowledged).toBeDefined();
    expect(applyAcknowledgements([f], [ack({ actions: ["ec2:Delete?olume", "ec2:deletesnapshot"] })], NOW)[0].acknowledged).toBeDefined();
  });

  test("do not cover a finding that reports an action they do not accept, and the finding says why", () => {
    const grown = finding({ actions: ["ec2:DeleteVolume", "ec2:DeleteSnapshot"], evidence: [{ step: "principal", address: "aws_iam_role.agent", detail: "agent" }] });
    const [f] = applyAcknowledgements([grown], [ack({ actions: ["ec2:DeleteSnapshot"], source: "ops/blastwall.json" })], NOW);
    expect(f.acknowledged).toBeUndefined();
    expect(f.message).toBe(
      "aws_iam_role.agent can delete snapshots. The acknowledgement of agent-destroy-right for aws_iam_role.agent in ops/blastwall.json " +
        "accepts ec2:DeleteSnapshot only; this finding also reports ec2:DeleteVolume, so it is not covered.",
    );
    expect(f.evidence).toHaveLength(2);
    expect(f.evidence[1]).toEqual({ step: "acknowledgement", address: "aws_iam_role.agent", detail: "ops/blastwall.json accepts ec2:DeleteSnapshot; not ec2:DeleteVolume" });
  });

  test("a right blastwall cannot see (*) is accepted by * alone", () => {
    const unknown = finding({ ruleId: "agent-reach-unknown", actions: ["*"] });
    expect(unacceptedActions({ actions: ["ec2:*", "s3:*"] }, unknown)).toEqual(["*"]);
    expect(applyAcknowledgements([unknown], [ack({ ruleId: "agent-reach-unknown", actions: ["ec2:*"] })], NOW)[0].acknowledged).toBeUndefined();
    expect(applyAcknowledgements([unknown], [ack({ ruleId: "agent-reach-unknown", actions: ["*"] })], NOW)[0].acknowledged).toBeDefined();
  });

  test("without actions an acknowledgement accepts whatever the rule reports (the documented default)", () => {
    expect(unacceptedActions({}, finding({ actions: ["*"] }))).toEqual([]);
    expect(applyAcknowledgements([finding({ actions: ["*"] })], [ack()], NOW)[0].acknowledged).toBeDefined();
  });

  test("limited to a resource, it covers findings about that resource only, and says nothing of others", () => {
    const other = finding({ resource: "aws_iam_role_policy.q" });
    const a = ack({ resource: "aws_iam_role_policy.p" });
    const [p, q] = applyAcknowledgements([finding(), other], [a], NOW);
    expect(p.acknowledged).toBeDefined();
    expect(q.acknowledged).toBeUndefined();
    expect(q.message).toBe(other.message);
  });

  test("an expired one counts only the findings it accepted", () => {
    const a = ack({ actions: ["ec2:DeleteSnapshot"], expires: "2026-01-31" });
    const out = applyAcknowledgements([finding(), finding({ resource: "aws_iam_role_policy.q", actions: ["rds:DeleteDBInstance"] })], [a], NOW);
    const expired = out.find((f) => f.ruleId === ACKNOWLEDGEMENT_EXPIRED)!;
    expect(expired.message).toMatch(/no longer covers 1 finding\./);
  });
});

describe("the config's actions and resource", () => {
  const base = { ruleId: "agent-destroy-right", principal: "aws_iam_role.agent", reason: "cleans up scratch snapshots" };
  test("are read", () => {
    const c = parseConfig({ acknowledgements: [{ ...base, actions: ["ec2:DeleteSnapshot", "ec2:Delete*", "*"], resource: "aws_iam_role_policy.p" }] }, "b.json");
    expect(c.acknowledgements?.[0]).toMatchObject({ actions: ["ec2:DeleteSnapshot", "ec2:Delete*", "*"], resource: "aws_iam_role_policy.p" });
  });
  test.each([
    [{ actions: ["DeleteSnapshot"] }, 'b.json: acknowledgements[0].actions[0]: must be an IAM action name or glob such as ec2:DeleteSnapshot or ec2:Delete* (got "DeleteSnapshot")'],
    [{ actions: [] }, "b.json: acknowledgements[0].actions: must list at least 1 item (got an empty list)"],
    [{ actions: "ec2:DeleteSnapshot" }, 'b.json: acknowledgements[0].actions: must be an array, not string "ec2:DeleteSnapshot"'],
    [{ resource: "aws_iam_role_policy.*" }, 'b.json: acknowledgements[0].resource: must be one exact Terraform address, without * or ? (got "aws_iam_role_policy.*")'],
  ])("refuse %j with one line naming the key", (extra, message) => {
    expect(() => parseConfig({ acknowledgements: [{ ...base, ...extra }] }, "b.json")).toThrow(message);
  });

  test("the in-code rule for an action is the schema's", () => {
    const schema = JSON.parse(readFileSync(join(__dirname, "../../policies/blastwall-config.schema.json"), "utf8"));
    expect(schema.properties.acknowledgements.items.properties.actions.items.pattern).toBe(ACK_ACTION.source);
  });
});

describe("blastwall check with a limited acknowledgement", () => {
  const stack = (actions: string[]) =>
    JSON.stringify({
      resource: {
        aws_iam_role: { agent: { name: "agent", assume_role_policy: JSON.stringify({ Version: "2012-10-17", Statement: [] }), tags: { "blastwall:agent": "true" } } },
        aws_iam_role_policy: { p: { role: "${aws_iam_role.agent.name}", policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: actions, Resource: "*" }] }) } },
      },
    });
  const config = JSON.stringify({
    severity: { "agent-role-boundary": "off" },
    acknowledgements: [{ ruleId: "agent-destroy-right", principal: "aws_iam_role.agent", reason: "cleans up scratch snapshots", actions: ["ec2:DeleteSnapshot"] }],
  });

  test("passes the reviewed rights and fails once the agent gains another", async () => {
    const dir = mkdtempSync(join(tmpdir(), "blastwall-ack-scope-"));
    writeFileSync(join(dir, "blastwall.json"), config);
    writeFileSync(join(dir, "reviewed.tf.json"), stack(["ec2:DeleteSnapshot", "ec2:DescribeSnapshots"]));
    writeFileSync(join(dir, "grown.tf.json"), stack(["ec2:DeleteSnapshot", "ec2:DeleteVolume"]));
    const ok = await runIn(["check", "--format", "json", "reviewed.tf.json"], dir);
    const okReport = JSON.parse(ok.stdout);
    expect(okReport.findings.find((f: Finding) => f.ruleId === "agent-destroy-right").acknowledged.actions).toEqual(["ec2:DeleteSnapshot"]);
    expect(ok.code).toBe(0);
    const grown = await runIn(["check", "grown.tf.json"], dir);
    expect(grown.code).toBe(1);
    expect(grown.stdout).toMatch(/ERROR agent-destroy-right[\s\S]*accepts ec2:DeleteSnapshot only; this finding also reports ec2:DeleteVolume/);
  });
});
