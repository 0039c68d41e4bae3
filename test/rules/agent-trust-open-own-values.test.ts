/**
 * agent-trust-open: the idioms that name your own account in a pinning condition without writing it out. Each is read
 * only where it is certainly the deploying account (the role's provider, nothing else mixed in); every other form stays
 * reported, as a value blastwall does not know.
 */
import { agentRole, policy, tf } from "../helpers/tf";
import { run } from "./helpers";
import { rule } from "../../lib/rules/agent-trust-open";

type Obj = Record<string, unknown>;
const OPEN = "admits any AWS principal, in any account";

/** The agent's trust admits `*` under one condition; the stack holds the own and a vendor's caller identity, `locals`. */
function messages(operator: string, key: string, value: string, locals: Obj = {}, asDocument = false): string[] {
  const data = { "data.aws_caller_identity.current": {}, "data.aws_caller_identity.vendor": { provider: "aws.vendor" } };
  const providers = { aws: [{}, { alias: "vendor", profile: "vendor" }] };
  const statement = { Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole", Condition: { [operator]: { [key]: value } } };
  const doc = { statement: [{ effect: "Allow", actions: ["sts:AssumeRole"], principals: [{ type: "AWS", identifiers: ["*"] }], condition: [{ test: operator, variable: key, values: [value] }] }] };
  const trust: Record<string, Obj> = asDocument ? { "data.aws_iam_policy_document.t": doc, "aws_iam_role.agent": agentRole({ assume_role_policy: "${data.aws_iam_policy_document.t.json}" }) } : { "aws_iam_role.agent": agentRole({ assume_role_policy: policy(statement) }) };
  const json = tf({ ...data, ...trust }, { provider: providers, variable: { acct: { type: "string" }, flag: { type: "string", default: "" } }, ...(Object.keys(locals).length ? { locals } : {}) });
  return run(rule, json).map((f) => f.message);
}

describe("agent-trust-open: the caller identity's id is the deploying account", () => {
  it.each([
    ["as the account", "StringEquals", "aws:PrincipalAccount", "${data.aws_caller_identity.current.id}"],
    ["as the source account", "StringEquals", "aws:SourceAccount", "${data.aws_caller_identity.current.id}"],
    ["in an ARN", "ArnLike", "aws:PrincipalArn", "arn:aws:iam::${data.aws_caller_identity.current.id}:role/runner"],
  ])("passes it %s", (_name, operator, key, value) => {
    expect(messages(operator, key, value)).toEqual([]);
  });

  it.each([
    ["read through another provider: that provider's account", "StringEquals", "aws:PrincipalAccount", "${data.aws_caller_identity.vendor.id}", "is not known until apply"],
    ["as a role name in every account", "ArnLike", "aws:PrincipalArn", "arn:aws:iam::*:role/${data.aws_caller_identity.current.id}", "does not write out one account"],
  ])("fails it %s", (_name, operator, key, value, why) => {
    const [m, ...more] = messages(operator, key, value);
    expect(more).toEqual([]);
    expect(m).toContain(OPEN);
    expect(m).toContain(why);
  });
});
