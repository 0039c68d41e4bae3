/**
 * Denies that Terraform itself may take away again (red-team, round 7): a guardrail another resource removes on
 * apply, a statement replaced by a Sid written as a reference, a policy ARN of another account that only shares a
 * name with one of the stack's policies. Such a Deny must not remove rights; the Allows beside it still count.
 */
import { check, errors, policy, SAFE_TRUST, tf } from "../helpers/tf";

type Obj = Record<string, unknown>;

const ALLOW = policy({ Sid: "Ops", Effect: "Allow", Action: ["ec2:DeleteVolume", "ec2:DescribeVolumes"], Resource: "*" });
const DENY = policy({ Sid: "Guard", Effect: "Deny", Action: "ec2:DeleteVolume", Resource: "*" });
const ROLE = "${aws_iam_role.agent.name}";

/**
 * An agent with a boundary that leaves ec2:DeleteVolume open, so only the identity policies decide. `role` adds
 * arguments to the agent role, `entries` further resources, `top` top-level blocks (locals, provider...).
 */
function stack(entries: Record<string, Obj>, role: Obj = {}, top: Obj = {}): Obj {
  return tf(
    {
      "aws_iam_policy.boundary": {
        name: "agent-boundary",
        policy: policy({ Effect: "Allow", Action: "*", Resource: "*" }, { Effect: "Deny", Action: "cloudtrail:StopLogging", Resource: "*" }),
      },
      "aws_iam_role.agent": {
        name: "agent",
        path: "/agents/",
        assume_role_policy: SAFE_TRUST,
        tags: { "blastwall:agent": "true" },
        max_session_duration: 3600,
        permissions_boundary: "${aws_iam_policy.boundary.arn}",
        ...role,
      },
      ...entries,
    },
    top,
  );
}

const destroyers = (json: Obj) => errors(check(json), "agent-destroy-right").map((f) => f.principal);
const AGENT = ["aws_iam_role.agent"];

const inlineOps = { "aws_iam_role_policy.ops": { name: "ops", role: ROLE, policy: ALLOW } };
const inlineGuard = { "aws_iam_role_policy.guard": { name: "guard", role: ROLE, policy: DENY } };
const guardPolicy = { "aws_iam_policy.guard": { name: "guard", policy: DENY } };
const attachedGuard = {
  ...guardPolicy,
  "aws_iam_role_policy_attachment.guard": { role: ROLE, policy_arn: "${aws_iam_policy.guard.arn}" },
};

describe("a Deny another resource removes on apply does not count", () => {
  test("without any exclusive manager a Deny from aws_iam_role_policy or an attachment counts", () => {
    expect(destroyers(stack({ ...inlineOps, ...inlineGuard }))).toEqual([]);
    expect(destroyers(stack({ ...inlineOps, ...attachedGuard }))).toEqual([]);
  });

  test("inline_policy blocks on the role delete an aws_iam_role_policy they do not name", () => {
    expect(destroyers(stack(inlineGuard, { inline_policy: [{ name: "ops", policy: ALLOW }] }))).toEqual(AGENT);
  });

  test("an empty inline_policy {} deletes every other inline policy", () => {
    const attachedOps = {
      "aws_iam_policy.ops": { name: "ops", policy: ALLOW },
      "aws_iam_role_policy_attachment.ops": { role: ROLE, policy_arn: "${aws_iam_policy.ops.arn}" },
    };
    expect(destroyers(stack({ ...attachedOps, ...inlineGuard }, { inline_policy: [{}] }))).toEqual(AGENT);
  });

  test("a Deny in the role's own inline_policy blocks stays, unless another resource rewrites that policy", () => {
    const own = { inline_policy: [{ name: "guard", policy: DENY }] };
    expect(destroyers(stack(inlineOps, own))).toEqual([]);
    // Both write the inline policy "guard": whichever applies last wins, so the Deny is there only half the time.
    const rewrite = { "aws_iam_role_policy.guard": { name: "guard", role: ROLE, policy: policy({ Effect: "Allow", Action: "ec2:DescribeVolumes", Resource: "*" }) } };
    expect(destroyers(stack({ ...inlineOps, ...rewrite }, own))).toEqual(AGENT);
  });

  test("managed_policy_arns detaches a policy it does not list, and keeps one it lists", () => {
    const ops = { "aws_iam_policy.ops": { name: "ops", policy: ALLOW } };
    expect(destroyers(stack({ ...ops, ...attachedGuard }, { managed_policy_arns: ["${aws_iam_policy.ops.arn}"] }))).toEqual(AGENT);
    expect(destroyers(stack({ ...ops, ...attachedGuard }, { managed_policy_arns: ["${aws_iam_policy.ops.arn}", "${aws_iam_policy.guard.arn}"] }))).toEqual([]);
  });

  test("managed_policy_arns = [] takes an attached policy's Deny away, while what it allows still counts", () => {
    const mixed = {
      "aws_iam_policy.mixed": {
        name: "mixed",
        policy: policy({ Effect: "Allow", Action: ["ec2:DeleteVolume", "ec2:DescribeVolumes"], Resource: "*" }, { Effect: "Deny", Action: "ec2:DeleteVolume", Resource: "*" }),
      },
      "aws_iam_role_policy_attachment.mixed": { role: ROLE, policy_arn: "${aws_iam_policy.mixed.arn}" },
    };
    expect(destroyers(stack(mixed))).toEqual([]);
    expect(destroyers(stack(mixed, { managed_policy_arns: [] }))).toEqual(AGENT);
  });

  test("aws_iam_role_policies_exclusive deletes an inline policy it does not name", () => {
    const exclusive = (names: string[]) => ({ "aws_iam_role_policies_exclusive.agent": { role_name: ROLE, policy_names: names } });
    expect(destroyers(stack({ ...inlineOps, ...inlineGuard, ...exclusive(["${aws_iam_role_policy.ops.name}"]) }))).toEqual(AGENT);
    expect(destroyers(stack({ ...inlineOps, ...inlineGuard, ...exclusive(["${aws_iam_role_policy.ops.name}", "${aws_iam_role_policy.guard.name}"]) }))).toEqual([]);
    expect(destroyers(stack({ ...inlineOps, ...inlineGuard, ...exclusive(["ops", "guard"]) }))).toEqual([]);
  });

  test("aws_iam_role_policy_attachments_exclusive detaches a policy it does not name", () => {
    const exclusive = (arns: string[]) => ({ "aws_iam_role_policy_attachments_exclusive.agent": { role_name: ROLE, policy_arns: arns } });
    expect(destroyers(stack({ ...inlineOps, ...attachedGuard, ...exclusive([]) }))).toEqual(AGENT);
    expect(destroyers(stack({ ...inlineOps, ...attachedGuard, ...exclusive(["${aws_iam_policy.guard.arn}"]) }))).toEqual([]);
  });

  test("two aws_iam_policy_attachment of one policy each detach what the other attaches", () => {
    const byAttachment = (name: string, role: string) => ({ [`aws_iam_policy_attachment.${name}`]: { name, roles: [role], policy_arn: "${aws_iam_policy.guard.arn}" } });
    const other = { "aws_iam_role.other": { name: "other", assume_role_policy: SAFE_TRUST } };
    expect(destroyers(stack({ ...inlineOps, ...guardPolicy, ...byAttachment("agents", ROLE) }))).toEqual([]);
    expect(
      destroyers(stack({ ...inlineOps, ...guardPolicy, ...other, ...byAttachment("agents", ROLE), ...byAttachment("others", "${aws_iam_role.other.name}") })),
    ).toEqual(AGENT);
  });
});

describe("statement Sids written as references are resolved before documents merge", () => {
  const base = {
    statement: [
      { sid: "Ops", effect: "Allow", actions: ["ec2:DeleteVolume", "ec2:DescribeVolumes"], resources: ["*"] },
      { sid: "NoDelete", effect: "Deny", actions: ["ec2:DeleteVolume"], resources: ["*"] },
    ],
  };
  const describeOnly = (sid: string) => ({ sid, effect: "Allow", actions: ["ec2:DescribeVolumes"], resources: ["*"] });
  /** `final` merges `base` and adds one statement with `sid`, as a block or in an override document. */
  const merged = (sid: string, top: Obj, how: "statement" | "override" = "statement") =>
    stack(
      {
        "aws_iam_role_policy.ops": { name: "ops", role: ROLE, policy: "${data.aws_iam_policy_document.final.json}" },
        "data.aws_iam_policy_document.base": base,
        "data.aws_iam_policy_document.final":
          how === "statement"
            ? { source_policy_documents: ["${data.aws_iam_policy_document.base.json}"], statement: [describeOnly(sid)] }
            : {
                source_policy_documents: ["${data.aws_iam_policy_document.base.json}"],
                override_policy_documents: [policy({ Sid: sid, Effect: "Allow", Action: "ec2:DescribeVolumes", Resource: "*" })],
              },
      },
      {},
      top,
    );

  test("a literal Sid replaces the statement of that Sid, and leaves others alone", () => {
    expect(destroyers(merged("NoDelete", {}))).toEqual(AGENT);
    expect(destroyers(merged("Other", {}))).toEqual([]);
  });

  test("a Sid from a local or a variable default replaces the Deny it names", () => {
    expect(destroyers(merged("${local.sid}", { locals: { sid: "NoDelete" } }))).toEqual(AGENT);
    expect(destroyers(merged("${var.sid}", { variable: { sid: { type: "string", default: "NoDelete" } } }))).toEqual(AGENT);
    expect(destroyers(merged("${local.sid}", { locals: { sid: "NoDelete" } }, "override"))).toEqual(AGENT);
  });

  test("a resolved Sid naming another statement leaves the Deny in place", () => {
    expect(destroyers(merged("${local.sid}", { locals: { sid: "Other" } }))).toEqual([]);
  });

  test("a Sid that cannot be resolved may replace the Deny, so the Deny no longer counts", () => {
    expect(destroyers(merged("${var.sid}", { variable: { sid: { type: "string" } } }))).toEqual(AGENT);
    expect(destroyers(merged("${var.sid}", { variable: { sid: { type: "string" } } }, "override"))).toEqual(AGENT);
  });

  test("an unresolved Sid whose literal part rules the Deny's Sid out leaves the Deny certain", () => {
    expect(destroyers(merged("Exception${var.sid}", { variable: { sid: { type: "string" } } }))).toEqual([]);
  });
});

describe("a literal policy ARN of another account names none of the stack's policies", () => {
  const pinned = { provider: { aws: [{ region: "us-east-1", allowed_account_ids: ["111111111111"] }] } };
  const byArn = (arn: string) => ({ ...guardPolicy, "aws_iam_role_policy_attachment.guard": { role: ROLE, policy_arn: arn } });

  test("an ARN in the pinned account resolves to the stack's policy of that name", () => {
    expect(destroyers(stack({ ...inlineOps, ...byArn("arn:aws:iam::111111111111:policy/guard") }, {}, pinned))).toEqual([]);
  });

  test("an ARN in another account is an unknown policy, so the Deny of the same-named policy here does not count", () => {
    const report = check(stack({ ...inlineOps, ...byArn("arn:aws:iam::222222222222:policy/guard") }, {}, pinned));
    expect(errors(report, "agent-destroy-right").map((f) => f.principal)).toEqual(AGENT);
    expect(errors(report, "unanalysable-policy").map((f) => f.resource)).toContain("arn:aws:iam::222222222222:policy/guard");
  });
});

describe("what an exclusive attachments resource lists, it attaches", () => {
  test("a policy listed only in aws_iam_role_policy_attachments_exclusive grants the role (red-team round 8)", () => {
    const ops = { "aws_iam_policy.ops": { name: "ops", policy: ALLOW } };
    const excl = { "aws_iam_role_policy_attachments_exclusive.agent": { role_name: ROLE, policy_arns: ["${aws_iam_policy.ops.arn}"] } };
    expect(destroyers(stack({ ...ops, ...excl }))).toEqual(AGENT);
    expect(destroyers(stack({ ...ops, "aws_iam_role_policy_attachments_exclusive.agent": { role_name: ROLE, policy_arns: [] } }))).toEqual([]);
  });

  test("a Deny it lists is not relied on (it may only keep, not attach, the policy)", () => {
    const excl = { "aws_iam_role_policy_attachments_exclusive.agent": { role_name: ROLE, policy_arns: ["${aws_iam_policy.guard.arn}"] } };
    expect(destroyers(stack({ ...inlineOps, ...guardPolicy, ...excl }))).toEqual(AGENT);
  });

  test("a list it cannot read may attach anything: an unresolved attachment", () => {
    const excl = { "aws_iam_role_policy_attachments_exclusive.agent": { role_name: ROLE, policy_arns: "${var.arns}" } };
    const r = check(stack(excl));
    expect(errors(r).map((f) => f.ruleId)).toContain("unresolved-attachment");
  });
});

describe("a document's own statements do not replace one another (round 10)", () => {
  test("two own statements with one Sid: both may apply, the Allow is not dropped", () => {
    const doc = {
      "data.aws_iam_policy_document.p": {
        statement: [
          { sid: "S0", effect: "Allow", actions: ["ec2:DeleteVolume"], resources: ["*"] },
          { sid: "S0", effect: "Deny", actions: ["s3:GetObject"], resources: ["*"] },
        ],
      },
      "aws_iam_role_policy.p": { name: "p", role: ROLE, policy: "${data.aws_iam_policy_document.p.json}" },
    };
    expect(destroyers(stack(doc))).toEqual(AGENT);
  });

  test("an own statement still replaces a source document's statement of the same Sid", () => {
    const doc = {
      "data.aws_iam_policy_document.src": { statement: [{ sid: "S0", effect: "Allow", actions: ["ec2:DeleteVolume"], resources: ["*"] }] },
      "data.aws_iam_policy_document.p": {
        source_policy_documents: ["${data.aws_iam_policy_document.src.json}"],
        statement: [{ sid: "S0", effect: "Allow", actions: ["ec2:DescribeVolumes"], resources: ["*"] }],
      },
      "aws_iam_role_policy.p": { name: "p", role: ROLE, policy: "${data.aws_iam_policy_document.p.json}" },
    };
    expect(destroyers(stack(doc))).toEqual([]);
  });
});
