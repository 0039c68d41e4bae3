/**
 * config:PutConfigRule on a Config rule with an automatic remediation (red-team round 155, F2, second half). PutConfigRule
 * on a rule that exists replaces its scope (resource types, IDs, tags) and its source (a managed rule and its
 * parameters, a Lambda, a Guard policy of the caller's own); the remediation configuration is an object of its own and
 * stays. Config then evaluates the rule again and, the remediation being automatic, runs its SSM Automation document
 * on every resource the rule now finds non-compliant, as the role its AutomationAssumeRole parameter names, passed by
 * Config's service-linked role: no iam:PassRole of the caller's. So the caller picks what the document acts on, not
 * what it does (the document is fixed): a remediation running AWS-DeleteSnapshot deletes the snapshots it chooses.
 *
 * Read here: the stack's automatic remediations whose document may destroy (engine/remediation-documents.ts: not an
 * AWS-owned document that only turns a protection on), the rule each belongs to, the role value it runs as, and
 * whether a grant of PutConfigRule may be on that rule. A Config rule's ARN ends in an ID AWS generates
 * (`config-rule/config-rule-ab12cd`), so only a reference names one rule: any other ARN or pattern that may be a
 * rule's counts as naming every rule of the stack (fail closed). The grading is the readers':
 * rules/remediation-rewrites.ts (a role of the stack) and edges-remediation.ts (a role blastwall cannot resolve).
 */
import type { Grant } from "../analysis-types";
import type { TfResource, TfStack } from "../terraform/types";
import { globsIntersect } from "../iam/glob";
import { blocks } from "../json";
import { referencedResource, resolveToPattern } from "../terraform/tokens";
import { oneReferenced } from "../terraform/referenced";
import { relayingRemediation, remediationVerdict } from "../remediation-documents";
import { writtenReferences } from "./resource-index";
import { automationRole } from "./sources";
import { ownDenies } from "../own-denies";
import type { PrincipalNode } from "../analysis-types";
import { deniedOnAll } from "../../rules/invoke-denies";

export const PUT_CONFIG_RULE = "config:PutConfigRule";
/** Every Config rule's ARN, as IAM names it. */
export const CONFIG_RULE_ARNS = "arn:*:config:*:*:config-rule/*";
const RULE_TYPES = ["aws_config_config_rule"];
const DOCUMENT_TYPES = ["aws_ssm_document"];
const CI = { caseInsensitive: true } as const;

/** An automatic remediation whose document may destroy, and the rule whose findings it acts on. */
export interface RewritableRemediation {
  readonly rem: TfResource;
  /** The rule, when `config_rule_name` names one of the stack (by reference or by its name). */
  readonly rule?: TfResource;
  /** `aws_config_config_rule.r`, or `the Config rule NAME` / `a Config rule blastwall cannot tell`. */
  readonly ruleText: string;
  /** `AWS-DeleteSnapshot`, `aws_ssm_document.cleanup (SSM document cleanup)`. */
  readonly document: string;
  /** The AutomationAssumeRole parameter's value; undefined where none is set or it cannot be read. */
  readonly roleValue: unknown;
  /** Why a document whose name says it turns a protection on may destroy all the same (its parameters). */
  readonly why?: string;
  /** The document only publishes to a topic (`AWS-PublishSNSNotification`): its role's publishes are what count. */
  readonly publishes?: boolean;
}

const unset = (v: unknown): boolean => v === undefined || v === null || v === "";

/** `automatic`: false only where it is written false (a value known at apply time may be true: fail closed). */
function automatic(v: unknown): boolean {
  return !(v === undefined || v === null || v === false || v === "false");
}

function ruleOf(stack: TfStack, v: unknown): { rule?: TfResource; text: string } {
  const ref = oneReferenced(stack, v, RULE_TYPES);
  if (ref) return { rule: ref, text: ref.address };
  const name = typeof v === "string" && v !== "" ? resolveToPattern(stack, v) : undefined;
  if (name?.exact) {
    const rule = (stack.byType.get("aws_config_config_rule") ?? []).find((r) => r.mode === "managed" && r.values["name"] === name.pattern);
    return rule ? { rule, text: rule.address } : { text: `the Config rule ${name.pattern}` };
  }
  return { text: "a Config rule blastwall cannot tell" };
}

/** The document as a reader knows it, and whether it only turns a protection on (then it destroys nothing). */
function documentOf(stack: TfStack, rem: TfResource): { text: string; protective: boolean; why?: string; publishes?: boolean } {
  const v = rem.values["target_id"];
  const doc = oneReferenced(stack, v, DOCUMENT_TYPES);
  if (doc) return { text: `${doc.address} (an SSM document of the stack's own)`, protective: false };
  const name = typeof v === "string" && v !== "" ? resolveToPattern(stack, v) : undefined;
  if (!name?.exact) return { text: name ? `${name.pattern} (blastwall cannot read which document)` : "a document blastwall cannot read", protective: false };
  if (relayingRemediation(name.pattern)) return { text: name.pattern, protective: false, publishes: true };
  return { text: name.pattern, ...remediationVerdict(name.pattern, rem.values["parameter"], undefined, true) };
}

const cache = new WeakMap<TfStack, readonly RewritableRemediation[]>();

/** The stack's automatic Config remediations whose document may destroy, read once per stack. */
export function rewritableRemediations(stack: TfStack): readonly RewritableRemediation[] {
  let out = cache.get(stack);
  if (out) return out;
  const list: RewritableRemediation[] = [];
  for (const rem of stack.byType.get("aws_config_remediation_configuration") ?? []) {
    if (rem.mode !== "managed" || !automatic(rem.values["automatic"])) continue;
    const type = rem.values["target_type"];
    if (typeof type === "string" && type !== "SSM_DOCUMENT") continue;
    const doc = documentOf(stack, rem);
    if (doc.protective) continue;
    const { rule, text } = ruleOf(stack, rem.values["config_rule_name"]);
    const role = automationRole(blocks(rem.values["parameter"]), "static_value");
    list.push({ rem, ...(rule ? { rule } : {}), ruleText: text, document: doc.text, roleValue: unset(role) ? undefined : role, ...(doc.why ? { why: doc.why } : {}), ...(doc.publishes ? { publishes: true } : {}) });
  }
  cache.set(stack, (out = list));
  return out;
}

/**
 * The ARNs of the Config rules an account makes itself (`config-rule/config-rule-ab12cd`). A service-linked rule
 * (`config-rule/aws-service-rule/SERVICE/...`: an organization rule, a conformance pack's, Security Hub's) is its
 * service's to change, and the remediation API refuses such rules for a remediation of the account's own.
 */
const ACCOUNT_RULE_ARNS = "arn:*:config:*:*:config-rule/config-rule-*";

/**
 * The resource patterns of `p`'s PutConfigRule grants that may name a rule this stack does not make, each with its
 * grant: any but a reference to one of the stack's rules, as a rule's ARN ends in an ID AWS generates. Such a rule may
 * carry an automatic remediation written elsewhere (the console, another stack), whose document and role blastwall
 * cannot see. A Deny of `p`'s own that certainly refuses the pattern closes it.
 */
export function outsideRuleGrants(stack: TfStack, p: PrincipalNode, grants: readonly Grant[]): { g: Grant; pattern: string }[] {
  const out: { g: Grant; pattern: string }[] = [];
  const denies = ownDenies(p);
  for (const g of grants) {
    for (const res of g.resources) {
      if (!globsIntersect(res, ACCOUNT_RULE_ARNS, CI)) continue;
      if (writtenReferences(g, res, (w) => referencedResource(stack, w, RULE_TYPES)) !== undefined) continue;
      if (deniedOnAll(stack, denies, PUT_CONFIG_RULE, [{ pattern: res }])) continue;
      out.push({ g, pattern: res });
    }
  }
  return out;
}

/**
 * The first grant of PutConfigRule `p` holds (`grants`) that may be on the remediation's rule: one naming it by
 * reference, or an ARN or pattern that may be any rule's (a rule the stack cannot tell may be the one any reference
 * names). A Deny of `p`'s own that certainly covers every rule, or the rule by reference, closes it.
 */
export function putConfigRuleGrant(stack: TfStack, p: PrincipalNode, grants: readonly Grant[], r: RewritableRemediation): Grant | undefined {
  if (grants.length === 0) return undefined;
  if (deniedOnAll(stack, ownDenies(p), PUT_CONFIG_RULE, [{ pattern: CONFIG_RULE_ARNS, target: r.rule, suffix: r.rule ? "" : undefined }])) return undefined;
  return grants.find((g) =>
    g.resources.some((res) => {
      if (!globsIntersect(res, CONFIG_RULE_ARNS, CI)) return false;
      const named = writtenReferences(g, res, (w) => referencedResource(stack, w, RULE_TYPES));
      return named === undefined || r.rule === undefined || named.includes(r.rule);
    }),
  );
}
