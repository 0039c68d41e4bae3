import { Tokenization } from "cdktf";
import { fail } from "./validate";

/**
 * IAM policy documents as plain data. The constructs write policies as JSON strings (not
 * `aws_iam_policy_document` data sources) so the synthesized stack carries the exact text AWS will
 * evaluate, which is also what the gate reads; cdktf tokens inside the strings resolve to `${...}`.
 */

/** `{ "StringLike": { "sts:SourceIdentity": "agent-*" } }` */
export type ConditionBlock = Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;

export interface StatementJson {
  readonly Sid?: string;
  readonly Effect: "Allow" | "Deny";
  readonly Principal?: "*" | Readonly<Record<string, string | readonly string[]>>;
  readonly Action?: string | readonly string[];
  readonly NotAction?: string | readonly string[];
  readonly Resource?: string | readonly string[];
  readonly NotResource?: string | readonly string[];
  readonly Condition?: ConditionBlock;
}

export interface PolicyDocumentJson {
  readonly Version: "2012-10-17";
  readonly Statement: readonly StatementJson[];
}

export function policyDocument(statements: readonly StatementJson[]): PolicyDocumentJson {
  return { Version: "2012-10-17", Statement: statements };
}

/** Minified JSON: IAM counts every character except whitespace against its size limits. */
export function policyJson(statements: readonly StatementJson[]): string {
  return JSON.stringify(policyDocument(statements));
}

/** Size as IAM counts it (whitespace excluded; `JSON.stringify` without spacing emits none outside strings). */
export function policySize(statements: readonly StatementJson[]): number {
  return policyJson(statements).replace(/\s/g, "").length;
}

/**
 * The size of a policy's JSON text as AWS counts it, when it may hold cdktf tokens (a role's `.arn`): each token in
 * `known` counts as its shortest literal value, any other as nothing, so a text with tokens gives a lower bound
 * (`exact` false), never a size the apply would not reach. IAM leaves whitespace out of its count; STS counts a session
 * policy's plain text as it is (`whitespace: "counted"`).
 */
export function policyTextSize(
  json: string,
  options: { readonly known?: ReadonlyMap<string, string>; readonly whitespace?: "ignored" | "counted" } = {},
): { readonly size: number; readonly exact: boolean } {
  const exact = Tokenization.reverseString(json).tokens.length === 0;
  let text = json;
  for (const [token, literal] of options.known ?? []) text = text.split(token).join(literal);
  const literal = Tokenization.reverseString(text).literals.join("");
  return { size: (options.whitespace === "counted" ? literal : literal.replace(/\s/g, "")).length, exact };
}

/**
 * Refuses a policy AWS would refuse at apply (or at session start) for its size. One wording for every construct:
 * `<Construct>: <prop> <makes> a <what> of <size> characters (<parts>), over <quota> <limit>; <remedy>`, where `parts`
 * says what the characters come from, when more than one prop makes them.
 */
export function requirePolicyWithin(
  construct: string,
  prop: string,
  policy: { readonly makes: string; readonly what: string; readonly size: number; readonly exact: boolean; readonly parts?: string },
  limit: { readonly quota: string; readonly value: number },
  remedy: string,
): void {
  if (policy.size <= limit.value) return;
  const parts = policy.parts ? ` (${policy.parts})` : "";
  fail(construct, prop, `${policy.makes} a ${policy.what} of ${policy.exact ? "" : "at least "}${policy.size} characters${parts}, over ${limit.quota} ${limit.value}; ${remedy}`);
}

/** IAM's size limits, in characters without whitespace. */
export const MANAGED_POLICY_LIMIT = 6144;
export const SCP_LIMIT = 5120;

/**
 * Splits `actions` into the fewest consecutive groups such that `render(group)` stays within `limit`
 * for each. The order is kept, so the callers put the actions that matter most first.
 */
export function packActions(
  actions: readonly string[],
  limit: number,
  render: (group: readonly string[]) => readonly StatementJson[],
): string[][] {
  const groups: string[][] = [];
  let current: string[] = [];
  for (const a of actions) {
    const next = [...current, a];
    if (current.length > 0 && policySize(render(next)) > limit) {
      groups.push(current);
      current = [a];
    } else {
      current = next;
    }
  }
  if (current.length > 0) groups.push(current);
  for (const g of groups) {
    const size = policySize(render(g));
    if (size > limit) throw new Error(`blastwall: a policy of ${g.length} action(s) is ${size} characters, over IAM's limit of ${limit}`);
  }
  return groups;
}
