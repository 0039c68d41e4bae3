/**
 * Red-team round 77 on web identity edges (edges-web-identity.ts): a role of another stack of the same run that trusts
 * the agent's token was not seen (a token works with any account's provider of its issuer); the agent's own pin by
 * ForAnyValue or by a Deny of every other sub was read as no pin; ForAnyValue on the other role's side was read as
 * no barrier; a Deny negating another provider's key did not cut.
 */
import { join } from "path";
import { buildStack } from "../../lib/engine/terraform/stack";
import { checkStacks } from "../../lib/check/run-check";
import type { Report } from "../../lib/report/types";
import { check, errors, policy, tf, cdktfManifest } from "../helpers/tf";
import { tree } from "../helpers/files";
import { runIn } from "../helpers/cli";

type Obj = Record<string, unknown>;
const GITLAB = "arn:aws:iam::111111111111:oidc-provider/gitlab.com";
const GITHUB = "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com";
const SUB = "project_path:acme/infra:ref_type:branch:ref:main";
const OTHER = "project_path:other/x:ref_type:branch:ref:main";
const DEV = "project_path:acme/infra:ref_type:branch:ref:dev";

const allow = (provider: string | string[], condition?: Obj): Obj => ({ Effect: "Allow", Principal: { Federated: provider }, Action: "sts:AssumeRoleWithWebIdentity", ...(condition ? { Condition: condition } : {}) });
const webTrust = (provider: string, condition?: Obj) => policy(allow(provider, condition));
const entry = (trust: string): Record<string, Obj> => ({
  "aws_iam_role.entry": { name: "deployer-entry", path: "/agent-entry/", assume_role_policy: trust, tags: { "blastwall:agent": "true" } },
});
const pinned = (sub = SUB) => entry(webTrust(GITLAB, { StringEquals: { "gitlab.com:aud": "sts.amazonaws.com", "gitlab.com:sub": sub } }));
const admin = (name: string, trust: string): Record<string, Obj> => ({
  [`aws_iam_role.${name}`]: { name, assume_role_policy: trust },
  [`aws_iam_role_policy_attachment.${name}`]: { role: `\${aws_iam_role.${name}.name}`, policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess" },
});
const ci = (sub: string, op = "StringEquals") => admin("ci", webTrust(GITLAB, { [op]: { "gitlab.com:sub": sub } }));
const reached = (r: Report) => errors(r, "agent-transitive-destroy");
const targets = (json: Obj) => reached(check(json)).map((f) => f.resource);
const webStep = (r: Report) => reached(r)[0]?.evidence.find((e) => e.step === "web-identity");

describe("the agent's own pin, as agent-trust-open reads it", () => {
  test("ForAnyValue:StringEquals on the agent's sub pins it: a role of another project is not reached (fav_agent)", () => {
    const agent = entry(webTrust(GITLAB, { "ForAnyValue:StringEquals": { "gitlab.com:sub": SUB } }));
    expect(targets(tf({ ...agent, ...ci(OTHER) }))).toEqual([]);
    const same = check(tf({ ...agent, ...ci(SUB) }));
    expect(reached(same).map((f) => f.resource)).toEqual(["aws_iam_role.ci"]);
    expect(webStep(same)?.detail).toContain(`the token of gitlab.com with ForAnyValue:StringEquals gitlab.com:sub ${SUB} (which aws_iam_role.entry trusts`);
  });

  test("ForAnyValue:StringLike on the agent's sub pins it to the pattern", () => {
    const agent = entry(webTrust(GITLAB, { "ForAnyValue:StringLike": { "gitlab.com:sub": "project_path:acme/*" } }));
    expect(targets(tf({ ...agent, ...ci(OTHER) }))).toEqual([]);
    expect(targets(tf({ ...agent, ...ci(DEV) }))).toEqual(["aws_iam_role.ci"]);
  });

  test("ForAllValues on the agent's sub pins nothing (it holds without the key), and the report says why", () => {
    const r = check(tf({ ...entry(webTrust(GITLAB, { "ForAllValues:StringEquals": { "gitlab.com:sub": SUB } })), ...ci(OTHER) }));
    expect(reached(r).map((f) => f.resource)).toEqual(["aws_iam_role.ci"]);
    expect(webStep(r)?.detail).toContain(`with any sub (its trust pins none: ForAllValues:StringEquals gitlab.com:sub ${SUB} may hold for any token)`);
  });

  const denyPin = (principal: unknown, condition: Obj, allowed = allow(GITLAB, { StringEquals: { "gitlab.com:aud": "sts.amazonaws.com" } })) =>
    entry(policy(allowed, { Effect: "Deny", Principal: principal, Action: "sts:AssumeRoleWithWebIdentity", Condition: condition }));

  test("a Deny of every other sub in the agent's trust pins it (agent_deny_pin)", () => {
    const agent = denyPin({ Federated: GITLAB }, { StringNotEquals: { "gitlab.com:sub": SUB } });
    expect(targets(tf({ ...agent, ...ci(OTHER) }))).toEqual([]);
    const same = check(tf({ ...agent, ...ci(SUB) }));
    expect(reached(same).map((f) => f.resource)).toEqual(["aws_iam_role.ci"]);
    expect(webStep(same)?.detail).toContain(`the token of gitlab.com with the sub its Deny (StringNotEquals gitlab.com:sub ${SUB}) leaves (which aws_iam_role.entry trusts`);
    expect(webStep(same)?.detail).not.toContain("pins none");
  });

  test("a Deny of one sub in the agent's trust keeps the token from that sub", () => {
    const agent = denyPin({ Federated: GITLAB }, { StringEquals: { "gitlab.com:sub": OTHER } });
    expect(targets(tf({ ...agent, ...ci(OTHER) }))).toEqual([]);
    expect(targets(tf({ ...agent, ...ci(DEV) }))).toEqual(["aws_iam_role.ci"]);
  });

  test("a Deny by `*` negating gitlab.com:sub refuses every other provider's token too", () => {
    const agent = denyPin("*", { StringNotEquals: { "gitlab.com:sub": SUB } }, allow("*"));
    expect(targets(tf({ ...agent, ...admin("gh", webTrust(GITHUB)) }))).toEqual([]);
    expect(targets(tf({ ...agent, ...ci(SUB) }))).toEqual(["aws_iam_role.ci"]);
    // Named by one provider only, the Deny leaves the others' tokens alone.
    const one = denyPin({ Federated: GITLAB }, { StringNotEquals: { "gitlab.com:sub": SUB } }, allow([GITLAB, GITHUB]));
    expect(targets(tf({ ...one, ...admin("gh", webTrust(GITHUB)) }))).toEqual(["aws_iam_role.gh"]);
  });

  test("a Deny that may not apply pins nothing: a further condition, another provider's ARN, a value not known", () => {
    const cases = [
      denyPin({ Federated: GITLAB }, { StringNotEquals: { "gitlab.com:sub": SUB }, Bool: { "aws:SecureTransport": "false" } }),
      denyPin({ Federated: "arn:aws:iam::999999999999:oidc-provider/gitlab.com" }, { StringNotEquals: { "gitlab.com:sub": SUB } }),
      denyPin({ AWS: "*" }, { StringNotEquals: { "gitlab.com:sub": SUB } }),
      denyPin({ Federated: GITLAB }, { StringNotEquals: { "gitlab.com:sub": [SUB, "${var.sub}"] } }),
      denyPin({ Federated: GITLAB }, { StringNotEquals: { "gitlab.com:aud": "sts.amazonaws.com" } }),
    ];
    for (const agent of cases) expect(targets(tf({ ...agent, ...ci(OTHER) }, { variable: { sub: {} } }))).toEqual(["aws_iam_role.ci"]);
  });
});

describe("the other role's conditions", () => {
  test("ForAnyValue:StringEquals on its sub is a barrier like StringEquals (fav_other)", () => {
    expect(targets(tf({ ...pinned(), ...ci(OTHER, "ForAnyValue:StringEquals") }))).toEqual([]);
    expect(targets(tf({ ...pinned(), ...ci(SUB, "ForAnyValue:StringEquals") }))).toEqual(["aws_iam_role.ci"]);
    expect(targets(tf({ ...pinned(), ...ci("project_path:other/*", "ForAnyValue:StringLike") }))).toEqual([]);
  });

  test("ForAllValues on its sub may be met (it holds without the key)", () => {
    expect(targets(tf({ ...pinned(), ...ci(OTHER, "ForAllValues:StringEquals") }))).toEqual(["aws_iam_role.ci"]);
  });

  test("a Deny negating another provider's sub key holds for the token, which lacks it (d_neg_otherhost)", () => {
    const deny = (condition: Obj, principal: unknown = "*") =>
      targets(tf({ ...pinned(), ...admin("ci", policy(allow(GITLAB), { Effect: "Deny", Principal: principal, Action: "sts:AssumeRoleWithWebIdentity", Condition: condition })) }));
    expect(deny({ StringNotLike: { "token.actions.githubusercontent.com:sub": "repo:acme/*" } })).toEqual([]);
    // A positive condition on a key the token lacks is false; so is a Deny of an AWS principal.
    expect(deny({ StringLike: { "token.actions.githubusercontent.com:sub": "repo:acme/*" } })).toEqual(["aws_iam_role.ci"]);
    expect(deny({ StringNotLike: { "token.actions.githubusercontent.com:sub": "repo:acme/*" } }, { AWS: "*" })).toEqual(["aws_iam_role.ci"]);
  });
});

describe("a role of another stack checked in the same run", () => {
  const run = (...stacks: [string, Obj][]) => checkStacks(stacks.map(([name, json]) => buildStack(json, `cdktf.out/stacks/${name}/cdk.tf.json`, name)), { config: {} });

  test("trusting the agent's token is reached from the agent of the other stack (the red-team's repro)", () => {
    const r = run(["a", tf(pinned())], ["b", tf(ci(SUB))]);
    const [f] = reached(r);
    expect(f.resource).toBe("aws_iam_role.ci");
    expect(f.principal).toMatch(/^outside:.*role\/agent-entry\/deployer-entry$/);
    expect(webStep(r)?.detail).toContain(`the job that holds the token of gitlab.com with StringEquals gitlab.com:sub ${SUB} (which aws_iam_role.entry of stack a trusts`);
  });

  test("controls: pinned to another branch, a role of another project against the agent's ForAnyValue or Deny pin", () => {
    expect(reached(run(["a", tf(pinned())], ["b", tf(ci(DEV))]))).toEqual([]);
    const fav = entry(webTrust(GITLAB, { "ForAnyValue:StringEquals": { "gitlab.com:sub": SUB } }));
    expect(reached(run(["a", tf(fav)], ["b", tf(ci(OTHER))]))).toEqual([]);
    const denied = entry(policy(allow(GITLAB), { Effect: "Deny", Principal: { Federated: GITLAB }, Action: "sts:AssumeRoleWithWebIdentity", Condition: { StringNotEquals: { "gitlab.com:sub": SUB } } }));
    expect(reached(run(["a", tf(denied)], ["b", tf(ci(OTHER))]))).toEqual([]);
  });

  test("an agent whose trust pins no sub, or cannot be read, holds any sub there too", () => {
    expect(reached(run(["a", tf(entry(webTrust(GITLAB)))], ["b", tf(ci(OTHER))])).map((f) => f.resource)).toEqual(["aws_iam_role.ci"]);
    const unread = run(["a", tf(entry('${file("trust.json")}'))], ["b", tf(ci(OTHER))]);
    expect(reached(unread).map((f) => f.resource)).toEqual(["aws_iam_role.ci"]);
    expect(webStep(unread)?.detail).toContain("with any sub (the statement cannot be read");
  });

  test("ForAnyValue and ForAllValues on that role's side, across stacks", () => {
    expect(reached(run(["a", tf(pinned())], ["b", tf(ci(OTHER, "ForAnyValue:StringEquals"))]))).toEqual([]);
    expect(reached(run(["a", tf(pinned())], ["b", tf(ci(OTHER, "ForAllValues:StringEquals"))])).map((f) => f.resource)).toEqual(["aws_iam_role.ci"]);
  });

  test("a third stack's admin role trusting that role by ARN is reached through it", () => {
    const hop = { "aws_iam_role.hop": { name: "hop", assume_role_policy: webTrust(GITLAB, { StringEquals: { "gitlab.com:sub": SUB } }) } };
    const third = admin("boss", policy({ Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:role/hop" }, Action: "sts:AssumeRole" }));
    const r = run(["a", tf(pinned())], ["b", tf(hop)], ["c", tf(third)]);
    expect(reached(r).map((f) => f.resource)).toEqual(["aws_iam_role.boss"]);
  });

  test("through the CLI, on a cdktf.out folder", async () => {
    const dir = tree({
      "cdktf.out/manifest.json": cdktfManifest(["a", "b"]),
      "cdktf.out/stacks/a/cdk.tf.json": JSON.stringify(tf(pinned())),
      "cdktf.out/stacks/b/cdk.tf.json": JSON.stringify(tf(ci(SUB))),
    });
    const out = await runIn(["check", "--format", "json", join(dir, "cdktf.out")], dir);
    const report = JSON.parse(out.stdout) as Report;
    expect(reached(report).map((f) => f.resource)).toEqual(["aws_iam_role.ci"]);
    expect(out.code).not.toBe(0);
  });
});
