/**
 * Red-team round 89: an agent role tagged through merge() (cdktf's Fn.merge over a TerraformLocal) was never
 * checked, nor were roles made with for_each whose tags come from `each.value`. Tag expressions over literals,
 * locals and variable defaults are now evaluated; what still cannot be read fails the gate when the principal can
 * reach a destroy right by any chain, and an attachment blastwall cannot resolve is an error when some principal may
 * be an agent.
 */
import { Fn, TerraformLocal } from "cdktf";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { check, policy, tf } from "../helpers/tf";
import { chain, DELETE, RUNNER, trustOf } from "../helpers/tag-chain";
import { synth } from "../constructs/helpers";

type Obj = Record<string, unknown>;

const AGENT_LOCAL = { locals: { agent_tags: { "blastwall:agent": "true" } } };
const MERGED = '${merge(local.agent_tags, {"Name" = "coder"})}';

const ids = (json: Obj, severity?: string) =>
  check(json)
    .findings.filter((f) => severity === undefined || f.severity === severity)
    .map((f) => f.ruleId);

describe("tag expressions are evaluated", () => {
  test("merge(local.agent_tags, {Name}): the role is an agent, and its chain to a destroy right fails the gate", () => {
    const r = check(chain(MERGED, AGENT_LOCAL));
    expect(r.summary.agentPrincipals).toBe(1);
    expect(r.findings.filter((f) => f.severity === "error").map((f) => f.ruleId)).toContain("agent-transitive-destroy");
    expect(r.findings.map((f) => f.ruleId)).not.toContain("agent-tags-unreadable");
  });

  test.each([
    ["tomap", '${tomap({"blastwall:agent" = "true"})}', {}],
    ["zipmap", '${zipmap(["blastwall:agent"], ["true"])}', {}],
    ["lookup of a local map of maps", '${lookup(local.byrole, "coder", {})}', { locals: { byrole: { coder: { "blastwall:agent": "true" } } } }],
    ["a conditional with a known condition", '${local.prod ? local.agent_tags : {}}', { locals: { prod: true, agent_tags: { "blastwall:agent": "true" } } }],
    ["a local that is itself a merge()", "${local.tags}", { locals: { tags: '${merge({"Name" = "x"}, {"blastwall:agent" = "true"})}' } }],
    ["merge() with a variable's default", '${merge(var.t, {"Name" = "coder"})}', { variable: { t: { default: { "blastwall:agent": "true" } } } }],
  ])("%s", (_name, tags, extra) => {
    expect(check(chain(tags, extra as Obj)).summary.agentPrincipals).toBe(1);
  });

  test("controls: merge of literals without the tag, or with it false, is no agent and no warning", () => {
    for (const json of [
      chain('${merge(local.common, {"Name" = "coder"})}', { locals: { common: { team: "platform" } } }),
      chain('${merge(local.agent_tags, {"blastwall:agent" = "false"})}', AGENT_LOCAL),
      chain('${merge(local.off, {"Name" = "coder"})}', { locals: { off: { "blastwall:agent": "false" } } }),
    ]) {
      expect(ids(json)).toEqual([]);
      expect(check(json).summary.agentPrincipals).toBe(0);
    }
  });

  test("the tag's value from a variable counts whatever its default, as written literally", () => {
    const json = chain('${merge({"Name" = "coder"}, {"blastwall:agent" = var.agent})}', { variable: { agent: { default: "false" } } });
    expect(check(json).summary.agentPrincipals).toBe(1);
  });

  test("a variable without a default is unknown: the tags stay unreadable", () => {
    const r = check(chain('${merge(local.common, var.extra)}', { locals: { common: { team: "x" } }, variable: { extra: { type: "map(string)" } } }));
    expect(r.summary.agentPrincipals).toBe(0);
    expect(r.findings.map((f) => f.ruleId)).toContain("agent-tags-unreadable");
  });
});

describe("for_each roles whose tags come from each.value", () => {
  /** t05/t04 reduced: roles made from a map, the delete policy attached to each of them. */
  const iterated = (forEach: unknown, role: string, extra: Obj = {}) =>
    tf(
      {
        "aws_iam_role.svc": { for_each: forEach, name: "${each.key}", assume_role_policy: RUNNER, tags: "${each.value.tags}" },
        "aws_iam_role_policy.ops": { for_each: "${aws_iam_role.svc}", role, policy: DELETE },
      },
      extra,
    );
  const ROLES = { roles: { coder: { tags: { "blastwall:agent": "true" } }, web: { tags: { team: "web" } } } };

  test.each([["each.value.name", "${each.value.name}"], ["each.key", "${each.key}"]])(
    "an instance tagged as an agent makes the resource an agent; the attachment by %s fails the gate",
    (_n, role) => {
      const r = check(iterated("${local.roles}", role, { locals: ROLES }));
      expect(r.summary.agentPrincipals).toBe(1);
      expect(r.findings.filter((f) => f.severity === "error").map((f) => f.ruleId)).toContain("unresolved-attachment");
    },
  );

  test("control: no instance tagged as an agent", () => {
    const r = check(iterated("${local.roles}", "${each.value.name}", { locals: { roles: { web: { tags: { team: "web" } } } } }));
    expect(r.summary.agentPrincipals).toBe(0);
    expect(r.findings.map((f) => f.ruleId)).not.toContain("agent-tags-unreadable");
  });
});

describe("end to end through cdktf: Fn.merge over a TerraformLocal", () => {
  const app = (agent: string) =>
    synth((s) => {
      const tags = new TerraformLocal(s, "agent_tags", { "blastwall:agent": agent, owner: "ml-platform" });
      const coder = new IamRole(s, "coder", { name: "coder", assumeRolePolicy: RUNNER, tags: Fn.merge([tags.asStringMap, { Name: "coder" }]) });
      const deployer = new IamRole(s, "deployer", { name: "deployer", assumeRolePolicy: trustOf(coder.arn) });
      new IamRolePolicy(s, "deployer-ops", { role: deployer.name, policy: DELETE });
      new IamRolePolicy(s, "coder-assume", { role: coder.name, policy: policy({ Effect: "Allow", Action: "sts:AssumeRole", Resource: deployer.arn }) });
    }).json as Obj;

  test("the merged agent tag makes coder an agent, and its chain fails the gate", () => {
    const json = app("true");
    expect(JSON.stringify(json)).toContain("merge(local.agent_tags");
    const r = check(json);
    expect(r.summary.agentPrincipals).toBe(1);
    expect(r.findings.filter((f) => f.severity === "error").map((f) => f.ruleId)).toContain("agent-transitive-destroy");
  });

  test("control: the tag false in the local is no agent and no finding about tags", () => {
    const r = check(app("false"));
    expect(r.summary.agentPrincipals).toBe(0);
    expect(r.findings.map((f) => f.ruleId)).toEqual([]);
  });
});
