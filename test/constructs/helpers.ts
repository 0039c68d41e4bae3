import { App, TerraformStack, Testing } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import type { Construct } from "constructs";
import { AgentPrincipal, AgentRole } from "../../lib/constructs";
import { buildStack } from "../../lib/engine/terraform/stack";
import { checkStacks } from "../../lib/check/run-check";
import { allRules } from "../../lib/rules";
import type { Finding } from "../../lib/engine/findings";
import type { Rule } from "../../lib/engine/rule";
import { protectionRules } from "../rules/helpers";

type Obj = Record<string, any>;

/** Obviously fake ids: never real accounts or organizations. */
export const APP_ACCOUNT = "111111111111";
export const BACKUP_ACCOUNT = "222222222222";
export const MGMT_ACCOUNT = "333333333333";
export const LOG_ACCOUNT = "444444444444";
export const ORG_ID = "o-a1b2c3d4e5";
export const OFFSITE_ARN = `arn:aws:backup:eu-west-1:${BACKUP_ACCOUNT}:backup-vault:offsite`;

export interface Synth {
  readonly json: Obj;
  readonly stack: TerraformStack;
}

/** Builds a stack with a default AWS provider (of `region`), lets `build` add constructs, and returns the synthesized JSON. */
export function synth(build: (scope: Construct, stack: TerraformStack) => void, region = "eu-central-1"): Synth {
  const app = new App();
  const stack = new TerraformStack(app, "test");
  new AwsProvider(stack, "aws", { region });
  build(stack, stack);
  return { json: JSON.parse(Testing.synth(stack)), stack };
}

/** The bodies of every resource of a type, in logical-id order. */
export function resources(json: Obj, type: string): Obj[] {
  return Object.values(json.resource?.[type] ?? {}) as Obj[];
}

export function only(json: Obj, type: string): Obj {
  const list = resources(json, type);
  if (list.length !== 1) throw new Error(`expected one ${type}, found ${list.length}`);
  return list[0];
}

/** Every rule of the gate: the core rules plus the protection rules (deduplicated, for when the lead adds them to allRules). */
export function gateRules(): Rule[] {
  const seen = new Set<string>();
  return [...allRules, ...protectionRules].filter((r) => !seen.has(r.meta.id) && seen.add(r.meta.id));
}

/** Runs the full gate over synthesized JSON; returns `ruleId: message` lines so a failure shows what was found. */
export function gateFindings(json: Obj): string[] {
  const report = checkStacks([buildStack(json, "cdk.tf.json")], { config: {}, rules: gateRules() });
  return report.findings.map((f: Finding) => `${f.ruleId} [${f.severity}]: ${f.message}`);
}

export function policyOf(body: Obj, attribute = "policy"): Obj {
  return JSON.parse(body[attribute]);
}

/** A value as plain JavaScript may pass it, past the compiler's checks. */
export const loose = <T>(v: unknown) => v as T;

/** A stack whose default AWS provider deploys to `region` (a literal, a token, or none at all). */
export function stackIn(region: string | undefined): TerraformStack {
  const stack = new TerraformStack(new App(), "s");
  new AwsProvider(stack, "aws", region === undefined ? {} : { region });
  return stack;
}

/** The error `make` throws: an Error, never a TypeError from deep inside. */
export function errorOf(make: () => unknown): Error {
  let error: unknown;
  try {
    make();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(Error);
  expect(error).not.toBeInstanceOf(TypeError);
  return error as Error;
}

/** The runner role the agent tests' AgentRoles trust. */
export const AGENT_RUNNER = `arn:aws:iam::${APP_ACCOUNT}:role/agent-runner`;

/** An AgentRole `coder` (or `roleName`) assumed from AGENT_RUNNER, as the login and sign-in tests build it. */
export function coderAgent(scope: Construct, roleName = "coder"): AgentRole {
  return new AgentRole(scope, "Agent", { roleName, assumedBy: [AgentPrincipal.role(AGENT_RUNNER)] });
}

/** The patterns agentGuardrails takes for the role `coder`: its ARN, its boundary's and its guards'. */
export const CODER_TARGETS = {
  roleArn: "arn:*:iam::*:role/agents/coder",
  boundaryArn: "arn:*:iam::*:policy/agents/coder-boundary",
  guardArn: "arn:*:iam::*:policy/agents/coder-guard*",
};
