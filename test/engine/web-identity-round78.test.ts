/**
 * Red-team round 78 on web identity edges (edges-web-identity.ts): a Deny written with the provider's reference, as the
 * Allow is, was ignored, since the reference resolves to the provider's ARN with `*` for its account: the other role's
 * Deny of the agent's subject did not cut the edge, and the agent's own Deny of every other subject was read as no pin
 * though agent-trust-open takes it for one.
 */
import { check, errors, policy, tf } from "../helpers/tf";
import type { Report } from "../../lib/report/types";

type Obj = Record<string, unknown>;
const REF = "${aws_iam_openid_connect_provider.gl.arn}";
const SUB = "project_path:acme/infra:ref_type:branch:ref:main";
const OTHER = "project_path:other/x:ref_type:branch:ref:main";
const web = (effect: "Allow" | "Deny", provider: string | string[], condition?: Obj): Obj => ({ Effect: effect, Principal: { Federated: provider }, Action: "sts:AssumeRoleWithWebIdentity", ...(condition ? { Condition: condition } : {}) });
const provider = (name = "gl", extra: Obj = {}) => ({ [`aws_iam_openid_connect_provider.${name}`]: { url: "https://gitlab.com", client_id_list: ["sts.amazonaws.com"], ...extra } });
const entry = (...statements: Obj[]) => ({ "aws_iam_role.entry": { name: "deployer-entry", path: "/agent-entry/", assume_role_policy: policy(...statements), tags: { "blastwall:agent": "true" } } });
const ci = (...statements: Obj[]) => ({
  "aws_iam_role.ci": { name: "ci", assume_role_policy: policy(...statements) },
  "aws_iam_role_policy_attachment.ci": { role: "${aws_iam_role.ci.name}", policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess" },
});
const variables = { variable: { p: { type: "string" }, star: { type: "string" } } };
const reached = (r: Report) => errors(r, "agent-transitive-destroy");
const targets = (json: Obj) => reached(check(json)).map((f) => f.resource);
/** The roles reached through a web identity edge (a provider of any host may also be an identity pool's, another edge). */
const webTargets = (json: Obj) => reached(check(json)).filter((f) => f.evidence.some((e) => e.step === "web-identity")).map((f) => f.resource);
const pinnedAgent = entry(web("Allow", REF, { StringEquals: { "gitlab.com:sub": SUB } }));
const wideCi = (deny: Obj) => ci(web("Allow", REF, { StringLike: { "gitlab.com:sub": "project_path:acme/*" } }), deny);

describe("the other role's Deny of the agent's subject, by the provider's reference", () => {
  const denySub = (p: string) => web("Deny", p, { StringEquals: { "gitlab.com:sub": SUB } });

  it("cuts the edge when written with the reference the Allow writes", () => {
    expect(targets(tf({ ...provider(), ...pinnedAgent, ...wideCi(denySub(REF)) }))).toEqual([]);
  });

  it("cuts the edge when it names this stack's provider of the host by another reference (a data source by url)", () => {
    const data = { "data.aws_iam_openid_connect_provider.byurl": { url: "https://gitlab.com" } };
    expect(targets(tf({ ...provider(), ...data, ...pinnedAgent, ...wideCi(denySub("${data.aws_iam_openid_connect_provider.byurl.arn}")) }))).toEqual([]);
  });

  it.each([
    ["a variable", "${var.p}"],
    ["a * that is a variable", "${var.star}"],
    ["another stack's output", "${data.terraform_remote_state.base.outputs.gl_arn}"],
    ["a provider of this stack in another account (another provider configuration)", "${aws_iam_openid_connect_provider.elsewhere.arn}"],
    ["a function of the reference", "${lower(aws_iam_openid_connect_provider.gl.arn)}"],
    ["a data source by the ARN of another account's provider", "${data.aws_iam_openid_connect_provider.foreign.arn}"],
  ])("control: does not cut the edge when the Deny names %s", (_n, p) => {
    const more = { ...provider(), ...provider("elsewhere", { provider: "aws.other" }), "data.terraform_remote_state.base": { backend: "local", config: { path: "b.tfstate" } }, "data.aws_iam_openid_connect_provider.foreign": { arn: "arn:aws:iam::999999999999:oidc-provider/gitlab.com" } };
    expect(webTargets(tf({ ...more, ...pinnedAgent, ...wideCi(denySub(p)) }, variables))).toEqual(["aws_iam_role.ci"]);
  });

  it("control: without the Deny the edge is there", () => {
    expect(targets(tf({ ...provider(), ...pinnedAgent, ...ci(web("Allow", REF, { StringLike: { "gitlab.com:sub": "project_path:acme/*" } })) }))).toEqual(["aws_iam_role.ci"]);
  });
});

describe("the agent's own Deny of every other subject, by the provider's reference, pins its token", () => {
  const agent = (deny: string) => entry(web("Allow", REF), web("Deny", deny, { StringNotEquals: { "gitlab.com:sub": SUB } }));
  const other = ci(web("Allow", REF, { StringEquals: { "gitlab.com:sub": OTHER } }));

  it("a role of another project is not reached; one of the pinned subject is, with the Deny as the pin", () => {
    expect(targets(tf({ ...provider(), ...agent(REF), ...other }))).toEqual([]);
    const same = check(tf({ ...provider(), ...agent(REF), ...ci(web("Allow", REF, { StringEquals: { "gitlab.com:sub": SUB } })) }));
    const detail = reached(same)[0]?.evidence.find((e) => e.step === "web-identity")?.detail;
    expect(detail).toContain(`the token of gitlab.com with the sub its Deny (StringNotEquals gitlab.com:sub ${SUB}) leaves`);
  });

  it("the same reference to a provider whose url is a variable, the Allow's only provider, pins too", () => {
    const unknownUrl = provider("gl", { url: "${var.p}" });
    expect(targets(tf({ ...unknownUrl, ...agent(REF), ...other }, variables))).toEqual([]);
  });

  it("control: the same function call in the Allow and the Deny (not one reference) pins nothing", () => {
    const fn = "${lower(aws_iam_openid_connect_provider.gl.arn)}";
    const byFn = entry(web("Allow", fn), web("Deny", fn, { StringNotEquals: { "gitlab.com:sub": SUB } }));
    expect(webTargets(tf({ ...provider(), ...byFn, ...other }))).toEqual(["aws_iam_role.ci"]);
  });

  it("control: a Deny by a variable pins nothing", () => {
    const r = check(tf({ ...provider(), ...agent("${var.p}"), ...other }, variables));
    expect(reached(r).map((f) => f.resource)).toEqual(["aws_iam_role.ci"]);
    expect(reached(r)[0]?.evidence.find((e) => e.step === "web-identity")?.detail).toContain("with any sub (its trust pins none)");
  });

  it("control: the same reference when the Allow names another provider too, which may be the one of this host", () => {
    const two = entry(web("Allow", ["${var.p}", "arn:aws:iam::111111111111:oidc-provider/gitlab.com"]), web("Deny", "${var.p}", { StringNotEquals: { "gitlab.com:sub": SUB } }));
    expect(webTargets(tf({ ...provider(), ...two, ...other }, variables))).toEqual(["aws_iam_role.ci"]);
  });
});
