/**
 * Red-team round 82 on the runner rule of edges-web-identity.ts (round 81: a runner lends the agent its token only
 * when the agent's trust names it): namings the rule missed (an account root narrowed by aws:PrincipalArn, a
 * reference to a runner with `name_prefix` or no name, an `aws_iam_role` data source, a session ARN) and a Deny
 * written with NotResource that it ignored.
 */
import type { Report } from "../../lib/report/types";
import { check, errors, policy, tf } from "../helpers/tf";

type Obj = Record<string, unknown>;
const REF = "${aws_iam_openid_connect_provider.gl.arn}";
const SUB = "project_path:acme/infra:ref_type:branch:ref:main";
const ROOT = "arn:aws:iam::111111111111:root";
const RUNNER_ARN = "arn:aws:iam::111111111111:role/runner";
const web = (): Obj => ({ Effect: "Allow", Principal: { Federated: REF }, Action: "sts:AssumeRoleWithWebIdentity", Condition: { StringEquals: { "gitlab.com:aud": "sts.amazonaws.com", "gitlab.com:sub": SUB } } });
const provider = { "aws_iam_openid_connect_provider.gl": { url: "https://gitlab.com", client_id_list: ["sts.amazonaws.com"] } };
const admin = (name: string): Record<string, Obj> => ({
  [`aws_iam_role.${name}`]: { name, assume_role_policy: policy(web()) },
  [`aws_iam_role_policy_attachment.${name}`]: { role: `\${aws_iam_role.${name}.name}`, policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess" },
});
/** An agent whose trust names `principal`, with `cond` beside its source identity condition. */
const agent = (principal: unknown, cond: Obj = {}): Record<string, Obj> => ({
  "aws_iam_role.agent": {
    name: "agent",
    path: "/agents/",
    tags: { "blastwall:agent": "true" },
    assume_role_policy: policy({ Effect: "Allow", Principal: { AWS: principal }, Action: ["sts:AssumeRole", "sts:SetSourceIdentity"], Condition: { StringLike: { "sts:SourceIdentity": "agent-*" }, ...cond } }),
  },
});
const runner = (attrs: Obj = { name: "runner" }, ...extra: Obj[]): Record<string, Obj> => ({
  "aws_iam_role.runner": { ...attrs, assume_role_policy: policy(web()) },
  "aws_iam_role_policy.runner": { role: "${aws_iam_role.runner.name}", policy: policy({ Effect: "Allow", Action: "sts:AssumeRole", Resource: "arn:aws:iam::111111111111:role/agents/*" }, ...extra) },
});
const targets = (r: Report) => [...new Set(errors(r, "agent-transitive-destroy").map((f) => f.resource))].sort();
const stack = (principal: unknown, opts: { cond?: Obj; runner?: Obj; extra?: Obj[]; more?: Record<string, Obj> } = {}) =>
  targets(check(tf({ ...provider, ...agent(principal, opts.cond), ...runner(opts.runner, ...(opts.extra ?? [])), ...admin("deploy"), ...(opts.more ?? {}) })));
const DEPLOY = ["aws_iam_role.deploy"];

describe("#1: an account root or `*` narrowed by aws:PrincipalArn to the runner names it", () => {
  test.each([
    ["ArnEquals", "${aws_iam_role.runner.arn}"],
    ["ArnEquals", RUNNER_ARN],
    ["ArnLike", RUNNER_ARN],
    ["StringEquals", "${aws_iam_role.runner.arn}"],
    ["StringLike", RUNNER_ARN],
  ])("%s aws:PrincipalArn %s", (op, value) => {
    expect(stack(ROOT, { cond: { [op]: { "aws:PrincipalArn": value } } })).toEqual(DEPLOY);
  });

  test("with `*` as principal, or among other values of the condition", () => {
    expect(stack("*", { cond: { ArnEquals: { "aws:PrincipalArn": RUNNER_ARN } } })).toEqual(DEPLOY);
    expect(stack(ROOT, { cond: { ArnEquals: { "aws:PrincipalArn": ["arn:aws:iam::111111111111:role/other", "${aws_iam_role.runner.arn}"] } } })).toEqual(DEPLOY);
  });

  test("controls: the root with no condition, or aws:PrincipalArn naming another role or a pattern, names no runner", () => {
    expect(stack(ROOT)).toEqual([]);
    expect(stack(ROOT, { cond: { ArnEquals: { "aws:PrincipalArn": "arn:aws:iam::111111111111:role/other" } } })).toEqual([]);
    expect(stack(ROOT, { cond: { ArnLike: { "aws:PrincipalArn": "arn:aws:iam::111111111111:role/*" } } })).toEqual([]);
    // A negated condition excludes the runner rather than naming it.
    expect(stack(ROOT, { cond: { ArnNotEquals: { "aws:PrincipalArn": RUNNER_ARN } } })).toEqual([]);
  });
});

describe("#2: a reference to the runner's own resource names it, whatever its ARN pattern", () => {
  test("a runner with name_prefix, or with no name", () => {
    expect(stack("${aws_iam_role.runner.arn}", { runner: { name_prefix: "runner-" } })).toEqual(DEPLOY);
    expect(stack("${aws_iam_role.runner.arn}", { runner: {} })).toEqual(DEPLOY);
  });

  test("control: a reference to another role with name_prefix does not name the runner", () => {
    const other = { "aws_iam_role.other": { name_prefix: "run", assume_role_policy: policy({ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }) } };
    expect(stack("${aws_iam_role.other.arn}", { runner: { name_prefix: "runner-" }, more: other })).toEqual([]);
  });
});

describe("#3: an aws_iam_role data source of the runner's name names it", () => {
  test("data.aws_iam_role.r with name runner", () => {
    expect(stack("${data.aws_iam_role.r.arn}", { more: { "data.aws_iam_role.r": { name: "runner" } } })).toEqual(DEPLOY);
  });

  test("control: a data source of another name does not", () => {
    expect(stack("${data.aws_iam_role.r.arn}", { more: { "data.aws_iam_role.r": { name: "release" } } })).toEqual([]);
  });
});

describe("#4: a session ARN of the runner names it", () => {
  test("assumed-role/runner/ci-job", () => {
    expect(stack("arn:aws:sts::111111111111:assumed-role/runner/ci-job")).toEqual(DEPLOY);
  });

  test("control: a session of another role does not", () => {
    expect(stack("arn:aws:sts::111111111111:assumed-role/release/ci-job")).toEqual([]);
    expect(stack("arn:aws:sts::111111111111:assumed-role/run*/ci-job")).toEqual([]);
  });
});

describe("#5: an unconditional Deny of sts:AssumeRole written with NotResource", () => {
  test("whose NotResource cannot match the agent: no runner", () => {
    expect(stack("${aws_iam_role.runner.arn}", { extra: [{ Effect: "Deny", Action: "sts:AssumeRole", NotResource: "arn:aws:iam::111111111111:role/other" }] })).toEqual([]);
  });

  test("control: a NotResource that may match the agent leaves it a runner", () => {
    expect(stack("${aws_iam_role.runner.arn}", { extra: [{ Effect: "Deny", Action: "sts:AssumeRole", NotResource: "arn:aws:iam::111111111111:role/agents/*" }] })).toEqual(DEPLOY);
  });
});
