import type { Rule } from "../engine/rule";
import type { FindingDraft } from "../engine/findings";
import type { TfResource, TfStack } from "../engine/terraform/types";
import type { BlastwallConfig } from "../engine/config-types";
import { AGENT_PATH, AGENT_TAG, agentSelector } from "../engine/agents";
import { followReferences } from "../engine/agent-tags";
import { isObject } from "../engine/json";
import { hasInterpolation } from "../engine/terraform/tokens";
import type { PrincipalNode } from "../engine/analysis-types";
import { principalNameIndex, principalsNamedIn } from "./principal-mentions";
import { agentNoun } from "./support";

/**
 * IAM resources of the AWS Cloud Control provider (`hashicorp/awscc`): roles, users, groups and their policies, in
 * the CloudFormation shape blastwall does not read. Through them a configuration can give any principal any right
 * with no `aws_iam_*` resource the analysis sees.
 */
const UNMODELLED_IAM = /^awscc_iam_/;

/** The aws_* principal type an awscc principal type stands for. */
const PRINCIPAL_SHAPES: Readonly<Record<string, { readonly type: string; readonly name: string }>> = {
  awscc_iam_role: { type: "aws_iam_role", name: "role_name" },
  awscc_iam_user: { type: "aws_iam_user", name: "user_name" },
};

/**
 * Whether an awscc role or user is an agent, by the same selection as any principal (tag, followed through locals
 * and variables and maybe "true" when unreadable; the `/agents/` path; the config's selectors): it is judged as the
 * `aws_iam_*` resource it stands for. awscc writes tags as a list of `{ key, value }`.
 */
function agentMark(stack: TfStack, config: BlastwallConfig, r: TfResource): string | undefined {
  const shape = PRINCIPAL_SHAPES[r.type];
  if (!shape) return undefined;
  const raw = followReferences(stack, r.values["tags"]);
  const tags = Array.isArray(raw)
    ? Object.fromEntries(raw.filter(isObject).map((t) => [String(t["key"] ?? t["Key"]), t["value"] ?? t["Value"]]))
    : raw;
  const standIn: TfResource = { ...r, type: shape.type, values: { ...r.values, name: r.values[shape.name], tags } };
  return agentSelector(config, stack)(standIn);
}

/** Stacks whose template may hold IAM resources of its own (`AWS::IAM::*`) that Terraform never shows. */
const TEMPLATE_STACKS: Readonly<Record<string, readonly string[]>> = {
  aws_cloudformation_stack: ["template_body", "template_url"],
  aws_cloudformation_stack_set: ["template_body", "template_url"],
  awscc_cloudformation_stack: ["template_body", "template_url"],
};

/** What a stack's template shows of IAM: nothing, IAM resources (and whom they name), or an unreadable template. */
type TemplateIam = { readonly kind: "none" } | { readonly kind: "iam"; readonly values: unknown; readonly text: string; readonly types: readonly string[] } | { readonly kind: "unreadable"; readonly why: string };

function templateIam(r: TfResource, args: readonly string[]): TemplateIam {
  const [bodyArg, urlArg] = args;
  const written = r.values[bodyArg];
  if (typeof written !== "string") {
    return r.values[urlArg] !== undefined ? { kind: "unreadable", why: `its template comes from ${urlArg}, which blastwall cannot read` } : { kind: "none" };
  }
  // `$${AWS::StackName}` is CloudFormation's own Fn::Sub text, escaped from Terraform (a plan's values are written so).
  if (hasInterpolation(written)) return { kind: "unreadable", why: `its ${bodyArg} is an expression blastwall cannot evaluate` };
  const body = written.replace(/\$\$\{/g, "${").replace(/%%\{/g, "%{");
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    // YAML: read as text. Any IAM resource type in it counts; whom it names is searched in the text.
    const types = [...new Set(body.match(/AWS::IAM::[A-Za-z]+/g) ?? [])];
    return types.length === 0 ? { kind: "none" } : { kind: "iam", values: undefined, text: body, types };
  }
  const resources = isObject(parsed) && isObject(parsed["Resources"]) ? Object.values(parsed["Resources"]).filter(isObject) : [];
  const iam = resources.filter((x) => typeof x["Type"] === "string" && (x["Type"] as string).startsWith("AWS::IAM::"));
  return iam.length === 0 ? { kind: "none" } : { kind: "iam", values: iam, text: JSON.stringify(iam), types: [...new Set(iam.map((x) => x["Type"] as string))] };
}

function templateFinding(stack: TfStack, r: TfResource, t: Exclude<TemplateIam, { kind: "none" }>, agentNames: ReadonlyMap<string, string>, byName: ReadonlyMap<string, string>, agents: ReadonlyMap<string, PrincipalNode>): FindingDraft {
  const noun = (address: string) => agentNoun(agents.get(address)!);
  const named = new Set(principalsNamedIn(stack, byName, [r.values["parameters"], t.kind === "iam" ? t.values : undefined]).filter((p) => agents.has(p)));
  if (t.kind === "iam") {
    // A YAML template's names are found in its text: a name or ARN of an agent anywhere in its IAM part.
    for (const [name, address] of agentNames) if (t.text.includes(name)) named.add(address);
  }
  const marks = t.kind === "iam" && (t.text.includes(AGENT_TAG) || t.text.includes(AGENT_PATH)) ? `it creates IAM carrying the ${AGENT_TAG} tag or the ${AGENT_PATH} path` : undefined;
  const what = t.kind === "iam" ? `its template creates ${t.types.join(", ")}` : t.why;
  const dangerous = named.size > 0 || marks !== undefined || t.kind === "unreadable";
  const whom = named.size > 0 ? `, naming ${[...named].map(noun).join(", ")}` : marks ? `; ${marks}` : "";
  return {
    principal: r.address,
    resource: r.address,
    actions: dangerous ? ["*"] : [],
    severity: dangerous ? "error" : "warning",
    message:
      `${r.address} is a CloudFormation stack: ${what}${whom}. blastwall does not analyse IAM inside templates, so ` +
      (dangerous ? "it may give an agent every right, destroy rights included." : "what that IAM grants, and to whom, is not checked."),
    evidence: [
      { step: "resource", address: r.address, detail: what },
      ...[...named].map((p) => ({ step: "agent", address: p, detail: `${r.address} refers to ${p} by name, ARN or reference` })),
    ],
  };
}

export const rule: Rule = {
  meta: {
    id: "unmodelled-iam",
    title: "IAM blastwall does not analyse names an AI agent or is one",
    why:
      "IAM written with the AWS Cloud Control provider (`awscc_iam_*`) or inside a CloudFormation stack's template grants rights " +
      "like `aws_iam_*` does, but blastwall does not read it: a role policy on an agent's role can give it every right, and a role " +
      "whose trust names the agent hands the agent whatever that role may do. Unread, either counts as granting everything.",
    fix:
      "Write agent IAM with `aws_iam_*` resources (or the AgentRole construct), which blastwall analyses; or review the awscc " +
      "resource or the stack's template and acknowledge the finding with the reason.",
    severity: "error",
    category: "input",
  },
  check({ stack, analysis, config }) {
    const out: FindingDraft[] = [];
    const candidates = stack.resources.filter((r) => r.mode === "managed" && (UNMODELLED_IAM.test(r.type) || TEMPLATE_STACKS[r.type] !== undefined));
    if (candidates.length === 0) return out;
    const agents = new Map(analysis.agents.map((a) => [a.address, a]));
    const noun = (address: string) => agentNoun(agents.get(address)!);
    const byName = principalNameIndex(analysis.principals);
    const agentNames = new Map(analysis.agents.filter((a) => typeof a.resource.values.name === "string").map((a) => [a.resource.values.name as string, a.address]));
    for (const r of candidates) {
      const args = TEMPLATE_STACKS[r.type];
      if (args) {
        const t = templateIam(r, args);
        if (t.kind !== "none") out.push(templateFinding(stack, r, t, agentNames, byName, agents));
        continue;
      }
      const named = principalsNamedIn(stack, byName, r.values).filter((p) => agents.has(p));
      const mark = agentMark(stack, config, r);
      if (named.length === 0 && mark === undefined) {
        out.push({
          principal: r.address,
          resource: r.address,
          actions: [],
          severity: "warning",
          message: `${r.address} is IAM written for the Cloud Control provider; blastwall does not analyse what it grants or to whom.`,
          evidence: [{ step: "resource", address: r.address, detail: `${r.type} is not analysed` }],
        });
        continue;
      }
      const whom = mark !== undefined ? `${r.address} is an AI agent (${mark})` : `${r.address} names ${named.map(noun).join(", ")}`;
      out.push({
        // The resource is what a reviewer acknowledges, not the agent (which would cover every such resource).
        principal: r.address,
        resource: r.address,
        actions: ["*"],
        message: `${whom} in IAM blastwall does not analyse (${r.type}): it may grant ${mark !== undefined ? "it" : "the agent"} every right, destroy rights included.`,
        evidence: [
          { step: "resource", address: r.address, detail: `${r.type} is not analysed${mark !== undefined ? `; ${mark}` : ""}` },
          ...named.map((p) => ({ step: "agent", address: p, detail: `${r.address} refers to ${p} by reference, name or ARN` })),
        ],
      });
    }
    return out;
  },
};
