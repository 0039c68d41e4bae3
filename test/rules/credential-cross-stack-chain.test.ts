/**
 * Red-team round 176: an output passed on from stack to stack through `data.terraform_remote_state` is followed
 * MAX_REMOTE (8) remote states deep. Past that, what the next output holds counts as a credential blastwall cannot see
 * (it was dropped before: a key handed through 9 stacks passed). A cycle of remote states is not followed round again.
 */
import { buildStack } from "../../lib/engine/terraform/stack";
import { checkStacks } from "../../lib/check/run-check";
import { agentRules } from "../../lib/rules";
import { agentRole, policy, tf } from "../helpers/tf";

type Obj = Record<string, unknown>;

const path = (name: string) => `/app/terraform.${name}.tfstate`;
const ref = (from: string) => `\${data.terraform_remote_state.${from}.outputs.key}`;
const remote = (from: string) => ({ [`data.terraform_remote_state.${from}`]: { backend: "local", config: { path: path(from) } } });
const stackOf = (name: string, entries: Record<string, Obj>, value: string): { name: string; json: Obj } => ({
  name,
  json: tf(entries, { terraform: { backend: { local: { path: path(name) } } }, output: { key: { value, sensitive: true } } }),
});
const KEY = { "aws_iam_user.ci": { name: "ci" }, "aws_iam_access_key.ci": { user: "${aws_iam_user.ci.name}" } };

/** prod (an agent that may `action`, `holder(ref)` holding s_n's output), s_n ... s1 each passing the one before on, s0 making `value`. */
function run(n: number, o: { value?: string; action?: string; holder?: (v: string) => Record<string, Obj>; extra?: { name: string; json: Obj }[]; reads?: string } = {}) {
  const stacks = [stackOf("s0", KEY, o.value ?? "${aws_iam_access_key.ci.secret}")];
  for (let i = 1; i <= n; i++) stacks.push(stackOf(`s${i}`, remote(`s${i - 1}`), ref(`s${i - 1}`)));
  stacks.push(...(o.extra ?? []));
  const holder = o.holder ?? ((v: string) => ({ "aws_ssm_parameter.p": { name: "/ci/note", type: "String", value: "x", tags: { k: v } } }));
  const prod = tf(
    {
      ...remote(o.reads ?? `s${n}`),
      "aws_iam_role.agent": agentRole(),
      "aws_iam_role_policy.agent": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: o.action ?? "ssm:ListTagsForResource", Resource: "*" }) },
      ...holder(ref(o.reads ?? `s${n}`)),
    },
    { terraform: { backend: { local: { path: path("prod") } } } },
  );
  const built = [...stacks.map((s) => buildStack(s.json, `cdktf.out/stacks/${s.name}/cdk.tf.json`, s.name)), buildStack(prod, "cdktf.out/stacks/prod/cdk.tf.json", "prod")];
  return checkStacks(built, { config: {}, rules: agentRules }).findings.filter((f) => f.severity === "error" && f.file.includes("/prod/"));
}
const STOPPED = /holds what may be a credential \(blastwall stops following outputs passed on from stack to stack after 8 data\.terraform_remote_state reads, and did not read this one; read the value from the stack that makes it in fewer steps\) of a user blastwall cannot resolve \(output key of stack s\d+ of stack/;

describe("a key passed on through a chain of remote states", () => {
  test("9 remote states or more: past the 8th, what the output holds counts as a credential, the message saying why and how to fix it", () => {
    for (const n of [8, 12]) {
      const f = run(n);
      expect(f.map((x) => [x.ruleId, x.resource])).toEqual([["credential-in-configuration", "aws_ssm_parameter.p"]]);
      expect(f[0].message).toMatch(STOPPED);
    }
  });

  test("past the cap, an output the agent reads (a secret's value): an unknown reach, not nothing", () => {
    const stored = (v: string) => ({ "aws_secretsmanager_secret.s": { name: "ci/deployer" }, "aws_secretsmanager_secret_version.s": { secret_id: "${aws_secretsmanager_secret.s.id}", secret_string: v } });
    const f = run(8, { action: "secretsmanager:GetSecretValue", holder: stored });
    expect(f.map((x) => x.ruleId)).toEqual(["agent-reach-unknown"]);
    expect(f[0].message).toContain("blastwall stops following outputs passed on from stack to stack after 8 data.terraform_remote_state reads");
  });

  test("controls: 8 remote states name the key itself; a chain that ends before the cap holding no key reports nothing", () => {
    const f = run(7);
    expect(f.map((x) => x.ruleId)).toEqual(["credential-in-configuration"]);
    expect(f[0].message).toContain("(aws_iam_access_key.ci of stack s0, user aws_iam_user.ci there of stack s1");
    expect(f[0].message).not.toContain("stops following");
    expect(run(7, { value: "${aws_iam_user.ci.arn}" })).toEqual([]);
  });

  test("a cycle of remote states is not followed round to the cap: nothing when it holds no key, the key when it does", () => {
    // s1 passes on s2's output, s2 passes on s1's (with `value`): prod reads s1.
    const cycle = (value: string) => run(0, { reads: "s1", extra: [stackOf("s1", remote("s2"), ref("s2")), stackOf("s2", { ...remote("s1"), ...KEY }, value)] });
    expect(cycle(ref("s1"))).toEqual([]);
    const f = cycle("${aws_iam_access_key.ci.secret}${data.terraform_remote_state.s1.outputs.key}");
    expect(f.map((x) => x.ruleId)).toEqual(["credential-in-configuration"]);
    expect(f[0].message).not.toContain("stops following");
  });
});
