/**
 * Pass-role edges and the agent's own pattern Denies: "Allow iam:PassRole on `*`, Deny it on
 * `arn:aws:iam::*:role/prod-*`" is what teams write, and the effective grant stays `*` (a Deny of a part cannot be cut
 * out of a pattern), so the pass-role edge into `prod-fn` stayed. Each role a grant reaches is asked on its own now, as
 * the other edges ask theirs (invoke-denies.ts): a certain Deny covering the role's ARN pattern (its account filled in
 * where the stack pins it) or naming it by reference closes the edge; a conditional Deny, one covering only some names
 * the role may get, or one written for another partition removes nothing.
 */
import { check, policy, tf } from "../helpers/tf";
import { agentCan, DESTROY, role, type Obj } from "../helpers/sessions";

const ACCOUNT = "111111111111";
const PINNED = { aws: [{ region: "us-east-1", allowed_account_ids: [ACCOUNT] }] };
const trust = (service: string) => policy({ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" });
const allow = (action: string | string[], resource: unknown) => ({ Effect: "Allow", Action: action, Resource: resource });
const deny = (action: string | string[], resource: unknown, extra: Obj = {}) => ({ Effect: "Deny", Action: action, Resource: resource, ...extra });

const PASS = allow("iam:PassRole", "*");
const CREATE = allow("lambda:CreateFunction", "*");
const PROD = role("prod-fn", trust("lambda.amazonaws.com"), DESTROY);

const stack = (statements: Obj[], roles: Obj = PROD, provider: Obj = PINNED, more: Obj = {}): Obj => tf({ ...agentCan(...statements), ...roles }, { provider, ...more });
/** The pass-role links of the chains into the stack's roles. */
const passes = (json: Obj) =>
  check(json)
    .findings.filter((f) => f.ruleId === "agent-transitive-destroy")
    .map((f) => `${f.resource} ${/--(iam:PassRole[^-]*)-->/.exec(f.message)?.[1] ?? f.message}`)
    .sort();

const CHAIN = ["aws_iam_role.prod-fn iam:PassRole + lambda:CreateFunction"];

describe("pass-role edges honour a Deny of iam:PassRole that certainly covers the role", () => {
  test("control: without a Deny the agent passes prod-fn to a function it creates", () => {
    expect(passes(stack([PASS, CREATE]))).toEqual(CHAIN);
  });

  test.each([
    ["a pattern of any account", "arn:aws:iam::*:role/prod-*"],
    ["a pattern of the account the stack pins", `arn:aws:iam::${ACCOUNT}:role/prod-*`],
    ["the role's own ARN", `arn:aws:iam::${ACCOUNT}:role/prod-fn`],
    ["a reference to the role", "${aws_iam_role.prod-fn.arn}"],
  ])("a Deny by %s: no chain (was an error)", (_, resource) => {
    expect(passes(stack([PASS, CREATE, deny("iam:PassRole", resource)]))).toEqual([]);
  });

  test("controls, as before: a Deny of every role, or a NotResource Deny leaving only other roles out, closes it", () => {
    expect(passes(stack([PASS, CREATE, deny("iam:PassRole", "*")]))).toEqual([]);
    expect(passes(stack([PASS, CREATE, { Effect: "Deny", Action: "iam:Pass*", NotResource: "arn:aws:iam::*:role/dev-*" }]))).toEqual([]);
  });

  test("a role a service the tables do not model trusts (the fallback path): the Deny closes it too", () => {
    const transfer = role("prod-xfer", trust("transfer.amazonaws.com"), DESTROY);
    const write = allow("transfer:CreateServer", "*");
    expect(passes(stack([PASS, write], transfer))).toEqual(["aws_iam_role.prod-xfer iam:PassRole + transfer:createserver"]);
    expect(passes(stack([PASS, write, deny("iam:PassRole", "arn:aws:iam::*:role/prod-*")], transfer))).toEqual([]);
  });

  test("controls: a Deny that may not apply, or covers another role, removes nothing", () => {
    // Another name.
    expect(passes(stack([PASS, CREATE, deny("iam:PassRole", "arn:aws:iam::*:role/dev-*")]))).toEqual(CHAIN);
    // A condition that may not hold.
    expect(passes(stack([PASS, CREATE, deny("iam:PassRole", "arn:aws:iam::*:role/prod-*", { Condition: { StringEquals: { "iam:PassedToService": "ec2.amazonaws.com" } } })]))).toEqual(CHAIN);
    // Another account than the one the stack pins.
    expect(passes(stack([PASS, CREATE, deny("iam:PassRole", "arn:aws:iam::222222222222:role/prod-*")]))).toEqual(CHAIN);
    // A NotResource Deny that leaves the role out.
    expect(passes(stack([PASS, CREATE, { Effect: "Deny", Action: "iam:PassRole", NotResource: "arn:aws:iam::*:role/prod-*" }]))).toEqual(CHAIN);
  });

  test("controls: the account not pinned (none, a variable), or a name the role may not get: the chain stays", () => {
    const literal = deny("iam:PassRole", `arn:aws:iam::${ACCOUNT}:role/prod-*`);
    expect(passes(stack([PASS, CREATE, literal], PROD, { aws: [{ region: "us-east-1" }] }))).toEqual(CHAIN);
    expect(passes(stack([PASS, CREATE, literal], PROD, { aws: [{ region: "us-east-1", allowed_account_ids: ["${var.account}"] }] }, { variable: { account: { default: ACCOUNT } } }))).toEqual(CHAIN);
    // A name from a variable may be anything: a Deny of prod-* cannot be shown to cover it.
    const named = { ...PROD, "aws_iam_role.prod-fn": { ...(PROD["aws_iam_role.prod-fn"] as Obj), name: "${var.name}" } };
    expect(passes(stack([PASS, CREATE, deny("iam:PassRole", "arn:aws:iam::*:role/prod-*")], named, PINNED, { variable: { name: {} } }))).toEqual(CHAIN);
  });

  test("control: a Deny written for arn:aws: names nothing where the provider's region puts the role in China", () => {
    const china = { aws: [{ region: "cn-north-1", allowed_account_ids: [ACCOUNT] }] };
    expect(passes(stack([PASS, CREATE, deny("iam:PassRole", "arn:aws:iam::*:role/prod-*")], PROD, china))).toEqual(CHAIN);
    expect(passes(stack([PASS, CREATE, deny("iam:PassRole", "arn:aws-cn:iam::*:role/prod-*")], PROD, china))).toEqual([]);
  });
});

/**
 * A Deny of the start action on `*` takes the action from the agent (effective rights). One on a pattern of the ARNs
 * the action is authorised on (`arn:aws:lambda:*:*:function:*` for CreateFunction) still removes nothing: blastwall has
 * no table of the ARN shapes of the start actions, so it cannot show the pattern covers every ARN the call may name.
 */
describe("pass-role edges and a Deny of the start action", () => {
  test("a Deny of lambda:CreateFunction on *: no chain", () => {
    expect(passes(stack([PASS, CREATE, deny("lambda:CreateFunction", "*")]))).toEqual([]);
  });

  test("a Deny of lambda:CreateFunction on some functions: the chain stays", () => {
    expect(passes(stack([PASS, CREATE, deny("lambda:CreateFunction", "arn:aws:lambda:*:*:function:prod-*")]))).toEqual(CHAIN);
  });
});
