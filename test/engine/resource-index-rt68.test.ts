/**
 * Red-team round 68, ARNs built around a reference to a Lambda function:
 * - A wildcard written by hand inside a partly unknown local (`${local.wild}` set to `${var.sfx}*`) beside the
 *   reference, or in the region or account, read as naming the stack's function alone (a bypass): only an
 *   interpolation resolving exactly to a wildcard was caught, and `etl-**` collapsed into the function's own `etl-*`.
 *   Text added to the name by an interpolation blastwall cannot resolve exactly (`${var.sfx}`) makes another name.
 * - An ARN whose parts all resolve exactly, with the versions' `:*` (`function:${...function_name}:*`), read as
 *   reaching outside the stack (a false alarm): what it was written as was not kept.
 */
import { check, errors, policy, safeAgentStack, tf } from "../helpers/tf";

type Obj = Record<string, unknown>;

const PINNED = { provider: { aws: [{ region: "eu-west-1", allowed_account_ids: ["111111111111"] }] } };
const LAMBDA_TRUST = policy({ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" });
const DESTROY = policy({ Effect: "Allow", Action: ["s3:DeleteObject", "dynamodb:DeleteTable"], Resource: "*" });
const LOCALS = { wild: "${var.sfx}*", exactly: "-blue", sfx: "${var.sfx}" };

/** The agent may update the code of `resources`; the stack's function `f` is harmless, `nuke` can destroy. */
function withAgent(resources: string[], name: string, nuke = "etl-prod-admin", tags?: Obj): Obj {
  const doc = safeAgentStack([{ Effect: "Allow", Action: "lambda:UpdateFunctionCode", Resource: resources }], ["ec2:Delete*"]) as { resource: Record<string, Record<string, Obj>> } & Obj;
  const more = tf({
    "aws_iam_role.fn": { name: "fn", assume_role_policy: LAMBDA_TRUST },
    "aws_iam_role.nk": { name: "nk", assume_role_policy: LAMBDA_TRUST },
    "aws_iam_role_policy.nk": { role: "${aws_iam_role.nk.name}", policy: DESTROY },
    "aws_lambda_function.f": { function_name: name, role: "${aws_iam_role.fn.arn}", runtime: "python3.12", handler: "i.h", filename: "f.zip", ...(tags ? { tags } : {}) },
    "aws_lambda_function.nuke": { function_name: nuke, role: "${aws_iam_role.nk.arn}", runtime: "python3.12", handler: "i.h", filename: "f.zip" },
    "data.aws_region.r": {},
    "data.aws_caller_identity.c": {},
  }) as { resource: Record<string, Record<string, Obj>>; data: Obj };
  for (const [type, byName] of Object.entries(more.resource)) doc.resource[type] = { ...doc.resource[type], ...byName };
  return { ...doc, data: more.data, ...PINNED, locals: LOCALS, variable: { env: { type: "string" }, sfx: { type: "string" } } };
}

const FN = "arn:aws:lambda:eu-west-1:111111111111:function:";
const flagged = (doc: Obj) => errors(check(doc)).filter((f) => f.ruleId === "agent-reach-unknown" || f.ruleId === "agent-transitive-destroy").length > 0;

describe("68. a wildcard hidden in a partly unknown interpolation beside the reference", () => {
  test("in the name, after the reference (the red team's bypass): may name functions outside the stack", () => {
    for (const [r, name] of [
      [`${FN}\${aws_lambda_function.f.function_name}\${local.wild}`, "etl-${var.env}"],
      ["${aws_lambda_function.f.arn}${local.wild}", "etl-${var.env}"],
      [`${FN}\${aws_lambda_function.f.function_name}\${local.wild}`, "${var.env}"],
    ]) {
      expect([r, name, flagged(withAgent([r], name))]).toEqual([r, name, true]);
    }
  });

  test("in the region or the account", () => {
    for (const r of [
      "arn:aws:lambda:${local.wild}:111111111111:function:${aws_lambda_function.f.function_name}",
      "arn:aws:lambda:eu-west-1:${local.wild}:function:${aws_lambda_function.f.function_name}",
    ]) {
      expect([r, flagged(withAgent([r], "etl"))]).toEqual([r, true]);
    }
  });

  test("text an unresolved interpolation adds to the name makes another name (`etl-prod` + `-admin`)", () => {
    for (const v of ["${var.sfx}", "${local.sfx}"]) {
      const r = `${FN}\${aws_lambda_function.f.function_name}${v}`;
      expect([r, flagged(withAgent([r], "etl-${var.env}"))]).toEqual([r, true]);
    }
  });

  test("controls: the reference alone, with data-source places or an exactly known suffix it is the function's, is no alarm", () => {
    for (const r of [
      `${FN}\${aws_lambda_function.f.function_name}`,
      "arn:aws:lambda:${data.aws_region.r.name}:${data.aws_caller_identity.c.account_id}:function:${aws_lambda_function.f.function_name}",
      "${aws_lambda_function.f.arn}",
    ]) {
      expect([r, errors(check(withAgent([r], "etl-${var.env}")))]).toEqual([r, []]);
    }
    // `etl-${var.env}` + `-blue` is `etl-*-blue`: not the function's own pattern, so outside as before.
    expect(flagged(withAgent([`${FN}\${aws_lambda_function.f.function_name}\${local.exactly}`], "etl-${var.env}"))).toBe(true);
  });
});

describe("68. an ARN built with every part exact, and the versions' `:*`", () => {
  test("names the function and its versions: no alarm (the red team's false alarm)", () => {
    for (const rs of [[`${FN}\${aws_lambda_function.f.function_name}:*`], [`${FN}\${aws_lambda_function.f.function_name}`, `${FN}\${aws_lambda_function.f.function_name}:*`]]) {
      expect([rs, errors(check(withAgent(rs, "etl")))]).toEqual([rs, []]);
    }
  });

  test("and still reaches the function's role when it can destroy", () => {
    const doc = withAgent([`${FN}\${aws_lambda_function.nuke.function_name}:*`], "etl", "nuke");
    expect(errors(check(doc), "agent-transitive-destroy").map((f) => f.resource)).toEqual(["aws_iam_role.nk"]);
    expect(errors(check(doc), "agent-reach-unknown")).toEqual([]);
  });

  test("control: the same written by hand (no reference) may name functions outside the stack", () => {
    expect(flagged(withAgent([`${FN}etl:*`], "etl"))).toBe(true);
  });
});

describe("68. what keeping the written Resource must not let through", () => {
  test("a reference read through text written with a wildcard (a tag `etl-*`) is a pattern, not the function", () => {
    expect(flagged(withAgent([`${FN}\${aws_lambda_function.f.tags.scope}`], "etl", undefined, { scope: "etl-*" }))).toBe(true);
    expect(flagged(withAgent([`${FN}etl-\${aws_lambda_function.f.tags.suffix}`], "etl-${var.env}", undefined, { suffix: "*" }))).toBe(true);
  });

  test("a literal account other than the pinned one names a function elsewhere, built around the reference or not", () => {
    for (const r of ["arn:aws:lambda:eu-west-1:222222222222:function:${aws_lambda_function.f.function_name}", "arn:aws:lambda:eu-west-1:222222222222:function:etl"]) {
      expect([r, errors(check(withAgent([r], "etl")), "agent-reach-unknown").length > 0]).toEqual([r, true]);
    }
  });
});

/**
 * Red-team round 176: text behind a reference is followed through MAX_DEPTH (12) references; past that, what it holds
 * may be a wildcard written by hand whatever the caller asks (it was read as none, and the reference as the function).
 */
describe("a reference read through more references than blastwall follows", () => {
  /** `aws_lambda_function.f`'s tag `scope` is `${local.c0}`, c0 is `${local.c1}` ... c(n-1) is `last`. */
  const chained = (n: number, last: string): Obj => {
    const doc = withAgent([`${FN}\${aws_lambda_function.f.tags.scope}`], "etl", undefined, { scope: "${local.c0}" });
    const locals: Obj = { ...(doc.locals as Obj) };
    for (let i = 0; i < n; i++) locals[`c${i}`] = i === n - 1 ? last : `\${local.c${i + 1}}`;
    return { ...doc, locals };
  };

  test("a wildcard 14 references down: may name functions outside the stack", () => {
    expect(flagged(chained(14, "etl-*"))).toBe(true);
    expect(flagged(chained(20, "etl"))).toBe(true);
  });

  test("controls: a wildcard 3 references down is found; plain text 3 references down names the function", () => {
    expect(flagged(chained(3, "etl-*"))).toBe(true);
    expect(flagged(chained(3, "etl"))).toBe(false);
  });
});
