/**
 * Red-team round 75, class G: a Deny the engine relied on sat in a policy IAM refuses to create (a Principal in an
 * identity policy, a Sid with other characters than letters and digits, a policy over IAM's size quota). After apply
 * the agent has its Allows, held in another policy, and not the Deny. Such a Deny is now not relied on (as a
 * conditional Deny is not); the document's Allows still count.
 */
import { minimumPolicyLength } from "../../lib/engine/terraform/policy-documents";
import { agentRole, check, errors, policy, SAFE_TRUST, tf } from "../helpers/tf";

type Obj = Record<string, unknown>;

const ALLOW: Obj = { Sid: "AllowDelete", Effect: "Allow", Action: "ec2:DeleteVolume", Resource: "*" };
const DENY: Obj = { Sid: "DenyDelete", Effect: "Deny", Action: "ec2:DeleteVolume", Resource: "*" };

/** `n` more Resource entries: each ARN is 60 characters, 63 in the list with its quotes and comma. */
const padding = (n: number): string[] => Array.from({ length: n }, (_, i) => `arn:aws:s3:::bucket-${String(i).padStart(5, "0")}-padding-padding-padding-padding-pa`);
const bigDeny = (entries: number): Obj => ({ ...DENY, Resource: ["*", ...padding(entries)] });

interface Opts {
  /** The Deny policies, each its own aws_iam_role_policy (default: none). */
  denies?: Obj[][];
  /** Put these Deny statements in the Allow's own document instead. */
  sameDocument?: Obj[];
  boundary?: Obj[];
  extra?: Record<string, Obj>;
}

function stack(o: Opts = {}): Obj {
  const entries: Record<string, Obj> = {
    "aws_iam_policy.boundary": { name: "agent-boundary", policy: policy({ Effect: "Allow", Action: "*", Resource: "*" }, ...(o.boundary ?? [])) },
    "aws_iam_role.agent": agentRole({ assume_role_policy: SAFE_TRUST, permissions_boundary: "${aws_iam_policy.boundary.arn}", max_session_duration: 3600 }),
    "aws_iam_role_policy.allow": { name: "allow", role: "${aws_iam_role.agent.name}", policy: policy(ALLOW, ...(o.sameDocument ?? [])) },
  };
  (o.denies ?? []).forEach((statements, i) => {
    entries[`aws_iam_role_policy.deny${i}`] = { name: `deny${i}`, role: "${aws_iam_role.agent.name}", policy: policy(...statements) };
  });
  return tf({ ...entries, ...(o.extra ?? {}) });
}

const destroys = (json: Obj): boolean => errors(check(json), "agent-destroy-right").some((f) => f.actions.includes("ec2:DeleteVolume"));

describe("controls", () => {
  test("the Allow alone is reported", () => expect(destroys(stack())).toBe(true));
  test("a valid Deny in its own policy removes it", () => expect(destroys(stack({ denies: [[DENY]] }))).toBe(false));
  test("a valid Deny in the Allow's document removes it", () => expect(destroys(stack({ sameDocument: [DENY] }))).toBe(false));
  test("an empty Sid and no Sid are valid", () => {
    expect(destroys(stack({ denies: [[{ ...DENY, Sid: "" }]] }))).toBe(false);
    const { Sid: _, ...noSid } = DENY;
    expect(destroys(stack({ denies: [[noSid]] }))).toBe(false);
  });
  test("a valid boundary Deny removes it", () => expect(destroys(stack({ boundary: [DENY] }))).toBe(false));
});

describe("a Principal in an identity policy", () => {
  test("Principal: the Deny is not relied on", () => expect(destroys(stack({ denies: [[{ ...DENY, Principal: { AWS: "*" } }]] }))).toBe(true));
  test('Principal "*"', () => expect(destroys(stack({ denies: [[{ ...DENY, Principal: "*" }]] }))).toBe(true));
  test("NotPrincipal", () => expect(destroys(stack({ denies: [[{ ...DENY, NotPrincipal: { AWS: "arn:aws:iam::111111111111:root" } }]] }))).toBe(true));
  test("in another statement of the Deny's document: the whole document is refused", () => {
    const other = { Effect: "Allow", Action: "s3:GetObject", Resource: "*", Principal: { AWS: "*" } };
    expect(destroys(stack({ denies: [[DENY, other]] }))).toBe(true);
  });
  test("in the Allow's own document: still reported (fail closed; IAM refuses the Allow too)", () => {
    expect(destroys(stack({ sameDocument: [{ ...DENY, Principal: { AWS: "*" } }] }))).toBe(true);
  });
  test("in the boundary", () => expect(destroys(stack({ boundary: [{ ...DENY, Principal: { AWS: "*" } }] }))).toBe(true));
  test("in a managed policy attached to the agent", () => {
    const extra = {
      "aws_iam_policy.deny": { name: "deny", policy: policy({ ...DENY, Principal: { AWS: "*" } }) },
      "aws_iam_role_policy_attachment.deny": { role: "${aws_iam_role.agent.name}", policy_arn: "${aws_iam_policy.deny.arn}" },
    };
    expect(destroys(stack({ extra }))).toBe(true);
    const valid = { ...extra, "aws_iam_policy.deny": { name: "deny", policy: policy(DENY) } };
    expect(destroys(stack({ extra: valid }))).toBe(false);
  });
  test("in a data.aws_iam_policy_document used as the inline policy", () => {
    const doc = (st: Obj): Record<string, Obj> => ({
      "data.aws_iam_policy_document.deny": { statement: [{ effect: "Deny", actions: ["ec2:DeleteVolume"], resources: ["*"], ...st }] },
      "aws_iam_role_policy.deny": { name: "deny", role: "${aws_iam_role.agent.name}", policy: "${data.aws_iam_policy_document.deny.json}" },
    });
    expect(destroys(stack({ extra: doc({}) }))).toBe(false);
    expect(destroys(stack({ extra: doc({ principals: [{ type: "AWS", identifiers: ["*"] }] }) }))).toBe(true);
    expect(destroys(stack({ extra: doc({ sid: "deny-delete" }) }))).toBe(true);
    expect(destroys(stack({ extra: doc({ sid: "DenyDelete" }) }))).toBe(false);
  });
});

describe("a Sid IAM refuses", () => {
  test("with a hyphen", () => expect(destroys(stack({ denies: [[{ ...DENY, Sid: "deny-delete" }]] }))).toBe(true));
  test("with a space or an underscore", () => {
    expect(destroys(stack({ denies: [[{ ...DENY, Sid: "deny delete" }]] }))).toBe(true);
    expect(destroys(stack({ denies: [[{ ...DENY, Sid: "deny_delete" }]] }))).toBe(true);
  });
  test("on another statement of the Deny's document", () => {
    expect(destroys(stack({ denies: [[DENY, { Sid: "read-only", Effect: "Allow", Action: "s3:GetObject", Resource: "*" }]] }))).toBe(true);
  });
  test("in the boundary", () => expect(destroys(stack({ boundary: [{ ...DENY, Sid: "deny-delete" }] }))).toBe(true));
  test("a Sid from a reference is judged by its literal part only", () => {
    const extra = { "variable.suffix": {} };
    expect(destroys(stack({ denies: [[{ ...DENY, Sid: "Deny${var.suffix}" }]], extra }))).toBe(false);
    expect(destroys(stack({ denies: [[{ ...DENY, Sid: "deny-${var.suffix}" }]], extra }))).toBe(true);
  });
});

describe("a policy over IAM's size quota", () => {
  test("the helper measures without whitespace and without ${...}", () => {
    expect(minimumPolicyLength({ Statement: [] })).toBe('{"Statement":[]}'.length);
    expect(minimumPolicyLength({ Statement: "a b\n${var.x}" })).toBe('{"Statement":"ab"}'.length);
    expect(minimumPolicyLength({ Statement: "%{ if x }a%{ endif }" })).toBeUndefined();
  });
  test("an inline policy over 10,240 characters alone", () => {
    expect(destroys(stack({ denies: [[bigDeny(170)]] }))).toBe(true);
    expect(destroys(stack({ denies: [[bigDeny(140)]] }))).toBe(false);
  });
  test("inline policies over 10,240 characters together: none of their Denies is relied on", () => {
    expect(destroys(stack({ denies: [[bigDeny(90)], [bigDeny(90)]] }))).toBe(true);
    expect(destroys(stack({ denies: [[bigDeny(70)], [bigDeny(70)]] }))).toBe(false);
  });
  test("whitespace is not counted", () => {
    const text = JSON.stringify({ Version: "2012-10-17", Statement: [DENY] }, null, 1).replace(/\n/g, "\n" + " ".repeat(2000));
    expect(text.length).toBeGreaterThan(20000);
    const extra = { "aws_iam_role_policy.deny": { name: "deny", role: "${aws_iam_role.agent.name}", policy: text } };
    expect(destroys(stack({ extra }))).toBe(false);
  });
  test("a boundary over 6,144 characters", () => {
    expect(destroys(stack({ boundary: [bigDeny(100)] }))).toBe(true);
    expect(destroys(stack({ boundary: [bigDeny(90)] }))).toBe(false);
  });
  test("a managed policy over 6,144 characters", () => {
    const extra = (n: number) => ({
      "aws_iam_policy.deny": { name: "deny", policy: policy(bigDeny(n)) },
      "aws_iam_role_policy_attachment.deny": { role: "${aws_iam_role.agent.name}", policy_arn: "${aws_iam_policy.deny.arn}" },
    });
    expect(destroys(stack({ extra: extra(100) }))).toBe(true);
    expect(destroys(stack({ extra: extra(90) }))).toBe(false);
  });
});

describe("resource policies keep their Principal and any Sid", () => {
  test("a bucket policy with a Principal and a hyphenated Sid still denies", () => {
    // The agent may delete objects of the bucket; the bucket policy denies it: no finding over the bucket's objects.
    const extra = {
      "aws_s3_bucket.b": { bucket: "data" },
      "aws_s3_bucket_policy.b": {
        bucket: "${aws_s3_bucket.b.id}",
        policy: policy({ Sid: "deny-agent", Effect: "Deny", Principal: { AWS: "*" }, Action: "s3:DeleteObject", Resource: "arn:aws:s3:::data/*" }),
      },
    };
    const r = check(stack({ extra }));
    const s3 = errors(r, "agent-destroy-right").filter((f) => f.actions.some((a) => a.startsWith("s3:")));
    expect(s3).toEqual([]);
  });
});
