/** Stacks checked together, as the cross-stack tests build them (red-team rounds 178, 179). */
import { buildStack } from "../../lib/engine/terraform/stack";
import { checkStacks } from "../../lib/check/run-check";
import type { Report } from "../../lib/report/types";
import { policy, tf } from "../helpers/tf";

type Obj = Record<string, unknown>;

/** An agent (path /agents/, entered from a runner role) whose one inline policy holds `statements`, with `more` resources. */
export function agentStack(statements: Obj[], settings: Obj, more: Record<string, Obj> = {}): Obj {
  return tf(
    {
      "aws_iam_role.agent": {
        name: "agent",
        path: "/agents/",
        assume_role_policy: policy({ Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:role/runner" }, Action: "sts:AssumeRole" }),
      },
      "aws_iam_role_policy.p": { role: "${aws_iam_role.agent.name}", policy: policy(...statements) },
      ...more,
    },
    settings,
  );
}

/** One run of the stacks given, each named and placed as cdktf writes it (`cdktf.out/stacks/NAME/cdk.tf.json`). */
export const runStacks = (...stacks: [string, Obj][]): Report =>
  checkStacks(
    stacks.map(([name, json]) => buildStack(json, `cdktf.out/stacks/${name}/cdk.tf.json`, name)),
    { config: {} },
  );
