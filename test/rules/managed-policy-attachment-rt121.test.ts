/**
 * A right granted by an AWS managed policy (red-team round 121): nobody can edit its statements, so the finding names
 * the block that attaches it (its `resource`, and so its file line) and its fix detaches it. The evidence still names
 * the policy's ARN and statement.
 */
import { agentRole, check, policy, tf } from "../helpers/tf";

const S3_FULL = "arn:aws:iam::aws:policy/AmazonS3FullAccess";
const role = () => ({ "aws_iam_role.agent": agentRole() });

const destroy = (doc: Record<string, unknown>) => check(doc).findings.filter((f) => f.ruleId === "agent-destroy-right");

test("a role policy attachment: the attachment is where, and the fix detaches the policy", () => {
  const doc = tf({ ...role(), "aws_iam_role_policy_attachment.s3full": { role: "${aws_iam_role.agent.name}", policy_arn: S3_FULL } });
  const r = check(doc);
  const f = destroy(doc);
  expect(f).toHaveLength(1);
  expect(f[0].resource).toBe("aws_iam_role_policy_attachment.s3full");
  expect(f[0].message).toContain(`granted by ${S3_FULL} statement #0, an AWS managed policy attached by aws_iam_role_policy_attachment.s3full`);
  expect(f[0].fix).toMatch(/^arn:aws:iam::aws:policy\/AmazonS3FullAccess is an AWS managed policy: nobody can edit its statements\. Detach it from aws_iam_role\.agent \(remove aws_iam_role_policy_attachment\.s3full\)/);
  expect(f[0].fix).not.toContain("Remove the destroy actions from the statement");
  expect(f[0].evidence.find((e) => e.step === "statement")).toMatchObject({ address: S3_FULL, detail: expect.stringContaining("statement #0") });
  // Every rule over the agent's own statements, and the reach through the policy's s3:CreateAccessGrant, say the same.
  for (const id of ["agent-protection-removal", "agent-resource-policy-rewrite", "agent-reach-unknown"]) {
    const g = r.findings.find((x) => x.ruleId === id);
    expect({ id, resource: g?.resource }).toEqual({ id, resource: "aws_iam_role_policy_attachment.s3full" });
    expect(g!.fix).toContain("remove aws_iam_role_policy_attachment.s3full");
  }
  const reach = r.findings.find((x) => x.ruleId === "agent-reach-unknown")!;
  expect(reach.evidence.map((e) => e.step)).toEqual(["principal", "attachment", "credential", "unknown"]);
  expect(reach.fix).toContain("Name the exact roles the agent may assume or pass");
});

test("managed_policy_arns: the role is where, and the fix takes the ARN out of its list", () => {
  const f = destroy(tf({ "aws_iam_role.agent": agentRole({ managed_policy_arns: [S3_FULL] }) }));
  expect(f).toHaveLength(1);
  expect(f[0].resource).toBe("aws_iam_role.agent");
  expect(f[0].message).toContain("an AWS managed policy attached by the managed_policy_arns of aws_iam_role.agent");
  expect(f[0].fix).toContain("take it out of the managed_policy_arns of aws_iam_role.agent");
});

test("aws_iam_policy_attachment, a user's attachment and a group's: each names its own attachment", () => {
  const shared = destroy(tf({ ...role(), "aws_iam_policy_attachment.all": { name: "all", roles: ["${aws_iam_role.agent.name}"], policy_arn: S3_FULL } }));
  expect(shared.map((f) => f.resource)).toEqual(["aws_iam_policy_attachment.all"]);
  expect(shared[0].fix).toContain("take aws_iam_role.agent out of aws_iam_policy_attachment.all, or remove aws_iam_policy_attachment.all");

  const user = { "aws_iam_user.bot": { name: "bot", tags: { "blastwall:agent": "true" } } };
  const direct = destroy(tf({ ...user, "aws_iam_user_policy_attachment.u": { user: "${aws_iam_user.bot.name}", policy_arn: S3_FULL } }));
  expect(direct.map((f) => f.resource)).toEqual(["aws_iam_user_policy_attachment.u"]);

  const grouped = destroy(
    tf({
      ...user,
      "aws_iam_group.ops": { name: "ops" },
      "aws_iam_group_policy_attachment.g": { group: "${aws_iam_group.ops.name}", policy_arn: S3_FULL },
      "aws_iam_user_group_membership.m": { user: "${aws_iam_user.bot.name}", groups: ["${aws_iam_group.ops.name}"] },
    }),
  );
  expect(grouped.map((f) => f.resource)).toEqual(["aws_iam_group_policy_attachment.g"]);
  expect(grouped[0].evidence.find((e) => e.step === "attachment")).toEqual({
    step: "attachment",
    address: "aws_iam_group_policy_attachment.g",
    detail: `attaches ${S3_FULL} to aws_iam_group.ops, of which aws_iam_user_group_membership.m makes aws_iam_user.bot a member`,
    attaches: S3_FULL,
  });
  expect(grouped[0].message).toContain("attached by aws_iam_group_policy_attachment.g, through the group membership aws_iam_user_group_membership.m");
  expect(grouped[0].fix).toContain("remove aws_iam_group_policy_attachment.g, or take aws_iam_user.bot out of the group (aws_iam_user_group_membership.m)");
});

test("control: a customer policy of the stack stays the resource, with the rule's own fix", () => {
  const f = destroy(
    tf({
      ...role(),
      "aws_iam_policy.p": { name: "p", policy: policy({ Effect: "Allow", Action: "s3:DeleteBucket", Resource: "*" }) },
      "aws_iam_role_policy_attachment.a": { role: "${aws_iam_role.agent.name}", policy_arn: "${aws_iam_policy.p.arn}" },
    }),
  );
  expect(f.map((x) => x.resource)).toEqual(["aws_iam_policy.p"]);
  expect(f[0].message).toMatch(/granted by aws_iam_policy\.p statement #0\.$/);
  expect(f[0].fix).toMatch(/^Remove the destroy actions from the statement/);
});

test("agent-instance-shell on instances outside the stack names the attachment of the managed policy too", () => {
  const doc = tf({ ...role(), "aws_iam_role_policy_attachment.admin": { role: "${aws_iam_role.agent.name}", policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess" } });
  const f = check(doc).findings.filter((x) => x.ruleId === "agent-instance-shell");
  expect(f.map((x) => x.resource)).toEqual(["aws_iam_role_policy_attachment.admin"]);
  expect(f[0].evidence.find((e) => e.step === "statement")!.address).toBe("arn:aws:iam::aws:policy/AdministratorAccess");
});

test("agent-overwrite-unprotected: writes an AWS managed policy grants are located at the attachment, and the fix detaches it", () => {
  const doc = tf({
    ...role(),
    "aws_iam_role_policy_attachment.s3full": { role: "${aws_iam_role.agent.name}", policy_arn: S3_FULL },
    "aws_s3_bucket.data": { bucket: "prod-data" },
  });
  const f = check(doc).findings.filter((x) => x.ruleId === "agent-overwrite-unprotected");
  expect(f.length).toBeGreaterThan(0);
  for (const x of f) {
    expect(x.resource).toBe("aws_iam_role_policy_attachment.s3full");
    expect(x.fix).toContain("Turn versioning on for the bucket");
    expect(x.fix).toContain("is an AWS managed policy: nobody can edit its statements. Detach it from aws_iam_role.agent (remove aws_iam_role_policy_attachment.s3full)");
  }
  // Control: a policy of the stack's own keeps its own address and the rule's fix alone.
  const own = check(
    tf({ ...role(), "aws_iam_role_policy.w": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: "s3:PutObject", Resource: "*" }) }, "aws_s3_bucket.data": { bucket: "prod-data" } }),
  ).findings.filter((x) => x.ruleId === "agent-overwrite-unprotected");
  expect(own.map((x) => [x.resource, x.fix?.includes("AWS managed policy") ?? false])).toEqual(own.map(() => ["aws_iam_role_policy.w", false]));
  expect(own.length).toBeGreaterThan(0);
});

test("an acknowledgement written for the managed policy's ARN (where such findings were located before) still covers them", () => {
  const doc = tf({ ...role(), "aws_iam_role_policy_attachment.s3full": { role: "${aws_iam_role.agent.name}", policy_arn: S3_FULL } });
  const ack = (resource: string) => ({ acknowledgements: [{ ruleId: "agent-destroy-right", principal: "aws_iam_role.agent", resource, reason: "reviewed: replaced next sprint" }] });
  const still = (resource: string) => check(doc, ack(resource)).findings.filter((f) => f.ruleId === "agent-destroy-right" && !f.acknowledged);
  expect(still(S3_FULL)).toEqual([]);
  expect(still("aws_iam_role_policy_attachment.s3full")).toEqual([]);
  // Another managed policy's ARN, or an address that is not the attachment, covers nothing.
  expect(still("arn:aws:iam::aws:policy/AmazonEC2FullAccess")).toHaveLength(1);
  expect(still("aws_iam_role_policy_attachment.other")).toHaveLength(1);
});

test("agent-stored-secret: reads an AWS managed policy grants (ReadOnlyAccess) are located at its attachment, and the fix detaches it (red-team round 123 F7)", () => {
  const RO = "arn:aws:iam::aws:policy/ReadOnlyAccess";
  const doc = tf({ ...role(), "aws_iam_role_policy_attachment.ro": { role: "${aws_iam_role.agent.name}", policy_arn: RO } });
  const [f] = check(doc).findings.filter((x) => x.ruleId === "agent-stored-secret");
  expect(f.resource).toBe("aws_iam_role_policy_attachment.ro");
  expect(f.fix).toMatch(/^arn:aws:iam::aws:policy\/ReadOnlyAccess is an AWS managed policy: nobody can edit its statements\. Detach it from aws_iam_role\.agent \(remove aws_iam_role_policy_attachment\.ro\)/);
  // The attachment is a step of its own, so the finding's file and line are the attachment's (red-team round 125 F11).
  expect(f.evidence[1]).toEqual({ step: "attachment", address: "aws_iam_role_policy_attachment.ro", detail: `attaches ${RO} to aws_iam_role.agent`, attaches: RO });
  // Control: reads of a customer policy keep the store as the resource and the rule's own fix.
  const own = check(tf({ ...role(), "aws_iam_role_policy.r": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: "ssm:GetParameter", Resource: "*" }) } })).findings.filter(
    (x) => x.ruleId === "agent-stored-secret",
  );
  expect(own.map((x) => [x.resource, x.fix?.includes("AWS managed policy") ?? false])).toEqual([["*", false]]);
  // Reads from a managed policy and a customer policy together: no single block to detach, so the store stays.
  const mixed = check(
    tf({
      ...role(),
      "aws_iam_role_policy_attachment.ro": { role: "${aws_iam_role.agent.name}", policy_arn: RO },
      "aws_iam_role_policy.r": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: "*" }) },
    }),
  ).findings.filter((x) => x.ruleId === "agent-stored-secret");
  expect(mixed.map((x) => x.resource)).toEqual(["*"]);
});
