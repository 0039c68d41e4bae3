/**
 * AWS Config custom Lambda rules as routes into a function. A rule whose source is CUSTOM_LAMBDA runs its evaluation
 * by invoking the function its source identifier names (as config.amazonaws.com), with an event holding the rule's
 * input parameters (`ruleParameters`) and the configuration items of the resources in its scope. config:PutConfigRule
 * on such a rule replaces both: the caller writes the parameters and picks the resources, so it chooses much of the
 * payload, as a caller of the function would. So the rule is a route for whoever may put it, graded as every route
 * into a function is (function-invokes.ts). An organization custom rule (`aws_config_organization_custom_rule`) is
 * the same through config:PutOrganizationConfigRule: AWS Config deploys it to the organization's accounts, each of
 * which invokes the function.
 *
 * The rule in the stack is the wiring, as a subscription or a notification is: the Lambda permission Config needs is
 * not asked for, as it may be granted outside the stack (a rule that works has one somewhere). Making a new rule, or
 * repointing another one, at the function needs that permission: read from the stack's `aws_lambda_permission`s
 * (invoke-relays.ts `INVOKING_SERVICES`, `config`, for the account's own rules; `orgPermissionRoutes` here for
 * organization rules), as for every other service. A permission made outside the stack is not seen there, as for SNS
 * or S3.
 *
 * A rule's ARN ends in an ID AWS generates (`config-rule/config-rule-ab12cd`, `organization-config-rule/NAME-ab12cd`):
 * only a reference names one rule, and any other ARN or pattern that may be a rule's counts as naming it (fail closed,
 * as engine/reach/config-rule-rewrites.ts reads PutConfigRule for remediations).
 */
import type { TfResource, TfStack } from "../engine/terraform/types";
import { globsIntersect } from "../engine/iam/glob";
import { exactPattern, resolveToPattern } from "../engine/terraform/tokens";
import { oneReferenced } from "../engine/terraform/referenced";
import { blocks } from "../engine/json";
import { CONFIG_RULE_ARNS, PUT_CONFIG_RULE } from "../engine/reach/config-rule-rewrites";
import type { Route } from "./invoke-routes";
import { targetFunctions } from "./invoke-routes";

const PUT_ORG_CONFIG_RULE = "config:PutOrganizationConfigRule";
/** Every organization Config rule's ARN, as IAM names it. */
const ORG_CONFIG_RULE_ARNS = "arn:*:config:*:*:organization-config-rule/*";
/** The rules AWS services make in an account: an organization rule's deployment in each member account is one. */
const SERVICE_LINKED_RULES = "arn:*:config:*:*:config-rule/aws-service-rule/*";
const RULES = ["aws_config_config_rule"];
const ORG_RULES = ["aws_config_organization_custom_rule"];
const CONFIG_PRINCIPAL = /^config(\.[a-z]{2}(-[a-z]+)+-\d)?\.amazonaws\.com(\.cn)?$/i;
const CI = { caseInsensitive: true } as const;

const unset = (v: unknown): boolean => v === undefined || v === null || v === "";

/** What AWS Config hands the function, and how: `how` ends in the function's address. */
const evaluates = (put: string) =>
  `evaluates it with an event holding the rule's input parameters (ruleParameters) and the configuration items of the resources in its scope, both of which ${put} replaces, by invoking`;

export function configRuleRoutes(stack: TfStack): Route[] {
  return [...accountRuleRoutes(stack), ...orgRuleRoutes(stack), ...orgPermissionRoutes(stack)];
}

/** The stack's custom Lambda rules: a source whose owner is CUSTOM_LAMBDA, or one blastwall cannot read (fail closed). */
function accountRuleRoutes(stack: TfStack): Route[] {
  const out: Route[] = [];
  for (const rule of stack.byType.get("aws_config_config_rule") ?? []) {
    if (rule.mode !== "managed") continue;
    const functions = new Set<TfResource>();
    for (const src of blocks(rule.values["source"])) {
      const owner = exactPattern(stack, src["owner"]);
      if (owner !== undefined && owner !== "CUSTOM_LAMBDA") continue;
      for (const fn of targetFunctions(stack, src["source_identifier"])) functions.add(fn);
    }
    if (functions.size === 0) continue;
    out.push({
      via: rule,
      target: rule,
      targetText: rule.address,
      actions: [PUT_CONFIG_RULE],
      pattern: CONFIG_RULE_ARNS,
      types: RULES,
      functions: [...functions],
      verb: `rewrite the scope and input parameters of ${rule.address}`,
      how: ` (${rule.address} gets its ID from AWS, so a right on any Config rule but by reference to another counts as one on it), a custom Lambda rule: AWS Config ${evaluates(PUT_CONFIG_RULE)}`,
      denyAsks: [{ pattern: CONFIG_RULE_ARNS, target: rule, suffix: "" }],
      pin: `scope ${PUT_CONFIG_RULE} by reference to Config rules whose source is not a function that can delete (not ${rule.address})`,
    });
  }
  return out;
}

/** The stack's organization custom Lambda rules (`lambda_function_arn`). */
function orgRuleRoutes(stack: TfStack): Route[] {
  const out: Route[] = [];
  for (const rule of stack.byType.get("aws_config_organization_custom_rule") ?? []) {
    if (rule.mode !== "managed") continue;
    const functions = targetFunctions(stack, rule.values["lambda_function_arn"]);
    if (functions.length === 0) continue;
    out.push({
      via: rule,
      target: rule,
      targetText: rule.address,
      actions: [PUT_ORG_CONFIG_RULE],
      pattern: ORG_CONFIG_RULE_ARNS,
      types: ORG_RULES,
      functions,
      verb: `rewrite the scope and input parameters of ${rule.address}`,
      how: ` (${rule.address} gets its ID from AWS, so a right on any organization Config rule but by reference to another counts as one on it), an organization custom Lambda rule: AWS Config deploys it to the organization's accounts, and each ${evaluates(PUT_ORG_CONFIG_RULE)}`,
      denyAsks: [{ pattern: ORG_CONFIG_RULE_ARNS, target: rule, suffix: "" }],
      pin: `scope ${PUT_ORG_CONFIG_RULE} by reference to organization Config rules whose function cannot delete (not ${rule.address})`,
    });
  }
  return out;
}

/**
 * A Lambda permission for AWS Config that admits the rules an organization rule deploys (service-linked rules of each
 * member account, `config-rule/aws-service-rule/...`): PutOrganizationConfigRule makes one naming the function, and
 * each account's Config invokes it. Which accounts are the organization's is not in the stack, so `source_account`
 * does not close it (fail closed). A permission with neither field is open to every account already
 * (invoke-routes.ts `anyAccountRoute`); one whose source_arn is a rule of the stack, or no service-linked rule, admits
 * no organization rule. The account's own rules are the `config` service's (invoke-relays.ts).
 */
function orgPermissionRoutes(stack: TfStack): Route[] {
  const out: Route[] = [];
  for (const p of stack.byType.get("aws_lambda_permission") ?? []) {
    const principal = exactPattern(stack, p.values["principal"]);
    if (principal === undefined || !CONFIG_PRINCIPAL.test(principal)) continue;
    const action = exactPattern(stack, p.values["action"]);
    if (action !== undefined && !globsIntersect(action, "lambda:InvokeFunction", CI)) continue;
    const src = p.values["source_arn"];
    if (unset(src) && unset(p.values["source_account"])) continue;
    if (!unset(src)) {
      if (oneReferenced(stack, src, RULES)) continue;
      const source = typeof src === "string" ? resolveToPattern(stack, src).pattern : "*";
      if (!globsIntersect(source, SERVICE_LINKED_RULES, CI)) continue;
    }
    const functions = targetFunctions(stack, p.values["function_name"]);
    if (functions.length === 0) continue;
    out.push({
      via: p,
      targetText: "an organization Config rule",
      actions: [PUT_ORG_CONFIG_RULE],
      pattern: ORG_CONFIG_RULE_ARNS,
      types: [],
      functions,
      verb: "make an organization custom Lambda rule (or rewrite one) with the function as its source",
      how: `: AWS Config deploys it to the organization's accounts, whose service-linked rules ${p.address} admits (${principal}; source_account does not keep out an account of the organization), and each ${evaluates(PUT_ORG_CONFIG_RULE)}`,
      denyAsks: [{ pattern: ORG_CONFIG_RULE_ARNS, target: undefined, suffix: undefined }],
      pin: `set source_arn on ${p.address} to the exact ARN of the one Config rule meant to invoke it (\${aws_config_config_rule.NAME.arn})`,
    });
  }
  return out;
}
