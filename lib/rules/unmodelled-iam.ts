import type { Rule } from "../engine/rule";
import type { FindingDraft } from "../engine/findings";
import type { TfResource, TfStack } from "../engine/terraform/types";
import type { BlastwallConfig } from "../engine/config-types";
import { AGENT_PATH, AGENT_TAG, agentSelector, outsideAgentSelector } from "../engine/agents";
import { cloudControlStandIn } from "../engine/cloud-control";
import { isObject } from "../engine/json";
import { attributePattern, hasInterpolation, resolveToPattern } from "../engine/terraform/tokens";
import type { PrincipalNode, StackAnalysis } from "../engine/analysis-types";
import { policyFromValue } from "../engine/terraform/policy-documents";
import { admitsBeyondAccount, trustAdmitsCaller } from "../engine/iam/trust";
import { assumeCaller, callerAssumeDenial } from "../engine/reach/edges-assume";
import { grantsEveryone } from "../engine/resource-policies";
import { globsIntersect } from "../engine/iam/glob";
import { mention, namedDetail, naming, statementName, type Named } from "../engine/describe";
import { grantText } from "../engine/reach/edge";
import { resourceAccount } from "../engine/terraform/providers";
import { lazy } from "../engine/lazy";
import type * as CfnTemplate from "../plan/cfn-template";
import { principalNameIndex, principalsNamedIn } from "./principal-mentions";
import { agentNoun } from "./support";

// The template reader loads a YAML parser (about 70 modules): only stacks with a CloudFormation template pay for it.
const cfnTemplate = lazy(() => require("../plan/cfn-template") as typeof CfnTemplate);

/**
 * IAM resources of the AWS Cloud Control provider (`hashicorp/awscc`): roles, users, groups and their policies, in
 * the CloudFormation shape blastwall does not read. Through them a configuration can give any principal any right
 * with no `aws_iam_*` resource the analysis sees.
 */
const UNMODELLED_IAM = /^awscc_iam_/;

/**
 * Identity Center written for Cloud Control: a permission set (its policies, boundary and tags are arguments of its
 * own: CloudFormation has no attachment types) and the assignment that hands it to users in an account. Its
 * `aws_ssoadmin_*` twin is judged as an agent when marked; this is not read at all (red-team round 108).
 */
const UNMODELLED_SSO: ReadonlySet<string> = new Set(["awscc_sso_permission_set", "awscc_sso_assignment"]);

const isUnmodelled = (type: string) => UNMODELLED_IAM.test(type) || UNMODELLED_SSO.has(type);

/**
 * Whether an awscc role, user or permission set is an agent, by the same selection as any principal (tag, followed
 * through locals and variables and maybe "true" when unreadable; the `/agents/` path; the config's selectors): it is
 * judged as the `aws_*` resource it stands for.
 */
function agentMark(stack: TfStack, config: BlastwallConfig, r: TfResource): string | undefined {
  const standIn = cloudControlStandIn(stack, r);
  return standIn && agentSelector(config, stack)(standIn);
}

/** A role blastwall does not model whose trust it reads: an awscc role, or an `AWS::IAM::Role` of a template. */
interface UnreadRole {
  /** The trust as written (JSON text, an object, a reference). */
  readonly trust: unknown;
  /** Whose trust it is, for the report: `awscc_iam_role.ops (assume_role_policy_document)`, `its template's role OpsRole`. */
  readonly where: string;
  /** The role's ARN pattern, for an agent's own sts:AssumeRole grants. */
  readonly arn: string;
  /** The account the role is made in, when blastwall knows it. */
  readonly account: string | undefined;
  /** Its own entry among the marked principals, which its trust does not hand anything new. */
  readonly self?: string;
}

/**
 * A principal blastwall does not model that is an AI agent by its own mark: an awscc role or user, or a role or user of
 * a template. It counts as holding every right, sts:AssumeRole on any role among them, so any trust that may admit it
 * hands it the role.
 */
interface MarkedPrincipal {
  /** Its key: the awscc address, or the template's logical id. */
  readonly key: string;
  /** The Terraform address evidence names (the awscc resource, or the stack holding the template). */
  readonly address: string;
  /** As the report names it: `awscc_iam_role.ci`, `its template's role Other`. */
  readonly label: string;
  readonly arn: string;
  readonly reason: string;
}

/** The awscc roles and users of the stack that are agents, with their ARN patterns as a reference to them resolves. */
function cloudControlAgents(stack: TfStack, config: BlastwallConfig): MarkedPrincipal[] {
  const out: MarkedPrincipal[] = [];
  for (const type of ["awscc_iam_role", "awscc_iam_user"]) {
    for (const r of stack.byType.get(type) ?? []) {
      const reason = r.mode === "managed" ? agentMark(stack, config, r) : undefined;
      if (reason !== undefined) out.push({ key: r.address, address: r.address, label: r.address, arn: attributePattern(stack, r, "arn").pattern, reason });
    }
  }
  return out;
}

/** One way a trust blastwall reads admits an AI agent: its address (when the stack holds it), and how, as a sentence about the trust. */
interface Admission {
  readonly address?: string;
  /** With the statement it names, for the evidence step. */
  readonly how: Named;
}

const CI = { caseInsensitive: true } as const;

/**
 * The AI agents a role's trust lets assume it, judged as the engine judges an `aws_iam_role`'s (edges-assume.ts): a
 * trust that admits anyone or names the agent's ARN (an `aws:PrincipalArn` glob included) is enough within one account,
 * unless the agent's own Deny covers the call; one that admits the agent's account root leaves the call to the agent's
 * own sts:AssumeRole grants. A trust blastwall cannot read admits everyone. An ARN the trust names that is no principal
 * of the stack is an agent as the stack's mentions of outsiders are (the `/agents/` path, `agents.names`).
 */
function trustAdmissions(stack: TfStack, config: BlastwallConfig, analysis: StackAnalysis, holder: string, role: UnreadRole, marked: readonly MarkedPrincipal[]): Admission[] {
  return admissions(stack, config, analysis, holder, role, marked).map((a) => ({ ...a, how: naming(() => `the trust of ${role.where} ${mention(a.how)}`) }));
}

function admissions(stack: TfStack, config: BlastwallConfig, analysis: StackAnalysis, holder: string, role: UnreadRole, marked: readonly MarkedPrincipal[]): Admission[] {
  const doc = policyFromValue(stack, role.trust, { address: holder });
  const out: Admission[] = [];
  for (const p of analysis.agents) {
    const caller = assumeCaller(stack, p);
    const admitted = trustAdmitsCaller(doc.statements, caller.arnPattern, caller.account);
    if (admitted.length === 0) continue;
    const sameAccount = p.external || role.account === undefined || caller.account === undefined || role.account === caller.account;
    const alone = admitted.find((s) => grantsEveryone(s)) ?? admitted.find((s) => admitsBeyondAccount(s, caller));
    if (alone && sameAccount && !callerAssumeDenial(p)(role.arn) && (!p.external || !grantsEveryone(alone) || p.peer !== undefined)) {
      const lets = `within one account lets ${agentNoun(p)} assume the role with no identity permission`;
      const how = naming(() =>
        alone.unknown !== undefined
          ? `cannot be read (${alone.unknown}): it may admit anyone, which ${lets}`
          : alone.approximatePrincipals && grantsEveryone(alone)
            ? `admits a principal known only when applied (${statementName(alone)}), which may be anyone and ${lets}`
            : grantsEveryone(alone)
            ? `admits anyone${alone.conditions.length > 0 ? ` its conditions allow, ${agentNoun(p)} among them` : ""} (${statementName(alone)}), which ${lets}`
            : `names ${agentNoun(p)} (${statementName(alone)}), which ${lets.replace(agentNoun(p), "it")}`,
      );
      out.push({ address: p.address, how });
      continue;
    }
    const grant = (analysis.rightsOf(p.address).grants.get("sts:assumerole") ?? []).find((g) => g.resources.some((r) => globsIntersect(r, role.arn, CI)));
    if (grant) out.push({ address: p.address, how: naming(() => `admits ${agentNoun(p)} (${statementName(admitted[0])}), and ${grantText(grant)} allows it the call`) });
  }
  for (const m of marked) {
    if (m.key === role.self) continue;
    const admitted = trustAdmitsCaller(doc.statements, m.arn, undefined);
    if (admitted.length > 0) {
      out.push({ address: m.address, how: naming(() => `admits ${m.label} (${statementName(admitted[0])}), an AI agent (${m.reason}) whose rights blastwall does not read: they may include sts:AssumeRole on this role`) });
    }
  }
  if (out.length > 0) return out;
  // An agent the stack does not hold, named by its ARN (or matched by an aws:PrincipalArn condition of a trust of anyone).
  const outside = outsideAgentSelector(config, stack.peerAgents);
  for (const s of doc.statements) {
    if (s.effect !== "Allow" || s.unknown !== undefined) continue;
    const open = grantsEveryone(s);
    const arns = [
      ...(s.principals ?? []).filter((x) => x.type === "AWS").flatMap((x) => x.identifiers),
      ...(open ? s.conditions.filter((c) => c.key.toLowerCase() === "aws:principalarn" && !/not/i.test(c.operator)).flatMap((c) => c.values) : []),
    ];
    for (const arn of arns) {
      const kind = /^arn:[^:]*:iam::[^:]*:(role|user)\//i.exec(arn)?.[1]?.toLowerCase() as "role" | "user" | undefined;
      const verdict = kind && outside(kind, arn, undefined);
      if (verdict) out.push({ how: naming(() => `admits the ${kind} ${arn} (${statementName(s)}), an AI agent: ${verdict.reason}`) });
    }
  }
  if (out.length === 0 && doc.statements.some((s) => s.unknown !== undefined)) {
    // Nothing is known of whom it admits: fail closed, with no agent to name (an agent of another stack, one to come).
    const s = doc.statements.find((x) => x.unknown !== undefined)!;
    out.push({ how: naming(() => `cannot be read (${s.unknown}): it may admit anyone, AI agents included`) });
  }
  return out;
}

/** The ARN pattern of a role (or user) of `name` and `path` (either may be unknown: `*`) in `account`. */
function roleArn(stack: TfStack, name: unknown, path: unknown, account: string | undefined, kind: "role" | "user" = "role"): string {
  const known = (v: unknown, unset: string) => (v === undefined || v === null ? unset : typeof v === "string" ? resolveToPattern(stack, v).pattern : "*");
  return `arn:*:iam::${account ?? "*"}:${kind}${known(path, "/")}${known(name, "*")}`;
}

/** Stacks whose template may hold IAM resources of its own (`AWS::IAM::*`) that Terraform never shows. */
const TEMPLATE_STACKS: Readonly<Record<string, readonly string[]>> = {
  aws_cloudformation_stack: ["template_body", "template_url"],
  aws_cloudformation_stack_set: ["template_body", "template_url"],
  awscc_cloudformation_stack: ["template_body", "template_url"],
};

/** Template resource types that grant rights: IAM, and Identity Center permission sets and their assignments. */
const TEMPLATE_GRANTS = /^AWS::(?:IAM::[A-Za-z]+|SSO::(?:PermissionSet|Assignment))$/;
const TEMPLATE_GRANTS_IN_TEXT = /AWS::(?:IAM::[A-Za-z]+|SSO::(?:PermissionSet|Assignment))\b/g;

/** What a stack's template shows of IAM: nothing, IAM resources (and whom they name), or an unreadable template. */
type TemplateIam =
  | { readonly kind: "none" }
  | {
      readonly kind: "iam";
      readonly values: readonly Record<string, unknown>[] | undefined;
      /** The same resources by logical id, when the template was read. */
      readonly ids?: ReadonlyMap<string, Record<string, unknown>>;
      readonly text: string;
      readonly types: readonly string[];
    }
  | { readonly kind: "unreadable"; readonly why: string };

function templateIam(r: TfResource, args: readonly string[]): TemplateIam {
  const [bodyArg, urlArg] = args;
  const written = r.values[bodyArg];
  if (typeof written !== "string") {
    return r.values[urlArg] !== undefined ? { kind: "unreadable", why: `its template comes from ${urlArg}, which blastwall cannot read` } : { kind: "none" };
  }
  // `$${AWS::StackName}` is CloudFormation's own Fn::Sub text, escaped from Terraform (a plan's values are written so).
  if (hasInterpolation(written)) return { kind: "unreadable", why: `its ${bodyArg} is an expression blastwall cannot evaluate` };
  const body = written.replace(/\$\$\{/g, "${").replace(/%%\{/g, "%{");
  // JSON, or YAML with CloudFormation's short-form tags, read as CloudFormation reads it.
  const parsed = cfnTemplate().parseTemplate(body);
  if (parsed === undefined) {
    // Not a template blastwall can read: any IAM resource type in its text counts; whom it names is searched in the text.
    const types = [...new Set(body.match(TEMPLATE_GRANTS_IN_TEXT) ?? [])];
    return types.length === 0 ? { kind: "none" } : { kind: "iam", values: undefined, text: body, types };
  }
  const resources = isObject(parsed) && isObject(parsed["Resources"]) ? Object.entries(parsed["Resources"]) : [];
  const ids = new Map(resources.filter((e): e is [string, Record<string, unknown>] => isObject(e[1]) && typeof e[1]["Type"] === "string" && TEMPLATE_GRANTS.test(e[1]["Type"])));
  const iam = [...ids.values()];
  return iam.length === 0 ? { kind: "none" } : { kind: "iam", values: iam, ids, text: JSON.stringify(iam), types: [...new Set(iam.map((x) => x["Type"] as string))] };
}

/** A role or user of a template, as a trust naming it by `Fn::GetAtt` names it. */
interface TemplatePrincipal {
  readonly arn: string;
  /** Why it is an AI agent by its own properties (its tags, its path, the config's selectors), if it is. */
  readonly mark: string | undefined;
}

/** What the template writes for a role name it leaves to CloudFormation (`<stack>-<logical id>-<random>`); reports name the role by its logical id. */
const GENERATED_NAME = "(a name CloudFormation generates)";

/**
 * The `AWS::IAM::Role`s and `AWS::IAM::User`s of a template by logical id, with their ARN patterns and agent marks. One
 * with no name gets `<stack name>-<logical id>-<random>` from CloudFormation: new, so no principal named elsewhere. The
 * pattern is that name where the stack's name is written and short enough for CloudFormation to keep it whole (IAM
 * names hold 64 characters), else any name.
 */
function templatePrincipals(stack: TfStack, config: BlastwallConfig, r: TfResource, ids: ReadonlyMap<string, Record<string, unknown>>, account: string | undefined): Map<string, TemplatePrincipal> {
  const stackName = r.type === "aws_cloudformation_stack" ? r.values["name"] : r.type === "awscc_cloudformation_stack" ? r.values["stack_name"] : undefined;
  const select = agentSelector(config);
  const out = new Map<string, TemplatePrincipal>();
  for (const [id, x] of ids) {
    const kind = x["Type"] === "AWS::IAM::Role" ? "role" : x["Type"] === "AWS::IAM::User" ? "user" : undefined;
    if (kind === undefined) continue;
    const props = isObject(x["Properties"]) ? x["Properties"] : {};
    const written = props[kind === "role" ? "RoleName" : "UserName"];
    const generated = typeof stackName === "string" && !hasInterpolation(stackName) && stackName.length + id.length + 15 <= 64 ? `${stackName}-${id}-*` : "*";
    const name = written === undefined ? generated : typeof written === "string" ? written : "*";
    const path = props["Path"] === undefined || typeof props["Path"] === "string" ? props["Path"] : "*";
    const tags = Array.isArray(props["Tags"]) ? Object.fromEntries(props["Tags"].filter(isObject).map((t) => [String(t["Key"]), t["Value"]])) : props["Tags"];
    const standIn: TfResource = { ...r, type: kind === "role" ? "aws_iam_role" : "aws_iam_user", address: `${r.address} (template ${id})`, values: { name, path, tags } };
    out.set(id, { arn: roleArn(stack, name, path, account, kind), mark: select(standIn) });
  }
  return out;
}

/** The `AWS::IAM::Role`s of a template, as roles whose trust is read. A stack set's roles are made in other accounts. */
function templateRoles(stack: TfStack, config: BlastwallConfig, r: TfResource, t: TemplateIam): { readonly roles: { readonly name: string; readonly role: UnreadRole }[]; readonly marked: MarkedPrincipal[] } {
  if (t.kind !== "iam" || t.values === undefined || t.ids === undefined) return { roles: [], marked: [] };
  const account = r.type === "aws_cloudformation_stack" ? resourceAccount(stack, r) : undefined;
  const principals = templatePrincipals(stack, config, r, t.ids, account);
  const out: { name: string; role: UnreadRole }[] = [];
  for (const [id, x] of t.ids) {
    if (x["Type"] !== "AWS::IAM::Role") continue;
    const props = isObject(x["Properties"]) ? x["Properties"] : {};
    // A name or path CloudFormation computes (an intrinsic function) may be any.
    const literal = (v: unknown) => (v === undefined || typeof v === "string" ? v : "*");
    const name = typeof props["RoleName"] === "string" ? (props["RoleName"] as string) : GENERATED_NAME;
    out.push({ name, role: { trust: templateTrust(props["AssumeRolePolicyDocument"], principals), where: `its template's role ${name === GENERATED_NAME ? id : name}`, arn: roleArn(stack, literal(props["RoleName"]), literal(props["Path"]), account), account, self: id } });
  }
  const marked = [...principals].filter(([, p]) => p.mark !== undefined).map(([id, p]) => ({ key: id, address: r.address, label: `its template's ${p.arn.includes(":user/") ? "user" : "role"} ${id}`, arn: p.arn, reason: p.mark! }));
  return { roles: out, marked };
}

/** What CloudFormation computes (`Ref`, `Fn::Sub`, ...), written as a value blastwall cannot resolve, which the policy reader reads as unknown. */
const COMPUTED = "${cloudformation.intrinsic}";

/**
 * A template role's trust as the policy reader takes it: an intrinsic function is a value known only when
 * CloudFormation applies the template (an Allow naming it may name anyone, a Deny naming it holds nothing back), and
 * so is CloudFormation's own `${...}` text. The one exception is the ARN of a role or user of the same template
 * (`!GetAtt Other.Arn`, `!Sub ${Other.Arn}`) in an Allow's Principal: that principal, not anyone (red-team round 109).
 * Elsewhere (a Deny, a NotPrincipal, a condition) it stays unknown: a pattern wider than the principal would hold back
 * or leave out others.
 */
function templateTrust(v: unknown, principals: ReadonlyMap<string, TemplatePrincipal>, inPrincipal = false): unknown {
  const arnOf = (id: unknown, attribute: unknown) => (inPrincipal && attribute === "Arn" && typeof id === "string" ? principals.get(id)?.arn : undefined);
  if (typeof v === "string") return v.includes("${") ? v.replace(/\$\{([^}]*)\}/g, (_, e: string) => arnOf(e.split(".")[0], e.split(".").slice(1).join(".")) ?? COMPUTED) : v;
  if (Array.isArray(v)) return v.map((x) => templateTrust(x, principals, inPrincipal));
  if (!isObject(v)) return v;
  const keys = Object.keys(v);
  // `!Sub` text keeps what it writes literally: `arn:aws:iam::${AWS::AccountId}:role/x` still names the role x.
  if (keys.length === 1 && keys[0] === "Fn::Sub" && typeof v[keys[0]] === "string") return templateTrust(v[keys[0]], principals, inPrincipal);
  if (keys.length === 1 && keys[0] === "Fn::GetAtt") {
    const a = v[keys[0]];
    const [id, attribute] = Array.isArray(a) ? a : typeof a === "string" ? [a.split(".")[0], a.split(".").slice(1).join(".")] : [];
    return arnOf(id, attribute) ?? COMPUTED;
  }
  if (keys.length === 1 && (keys[0] === "Ref" || keys[0].startsWith("Fn::"))) return COMPUTED;
  const allow = v["Effect"] === "Allow";
  return Object.fromEntries(keys.map((k) => [k, templateTrust(v[k], principals, k === "Principal" ? allow : inPrincipal)]));
}

function templateFinding(stack: TfStack, config: BlastwallConfig, analysis: StackAnalysis, r: TfResource, t: Exclude<TemplateIam, { kind: "none" }>, agentNames: ReadonlyMap<string, string>, byName: ReadonlyMap<string, string>, agents: ReadonlyMap<string, PrincipalNode>): FindingDraft {
  const noun = (address: string) => agentNoun(agents.get(address)!);
  const named = new Set(principalsNamedIn(stack, byName, [r.values["parameters"], t.kind === "iam" ? t.values : undefined]).filter((p) => agents.has(p)));
  if (t.kind === "iam") {
    // Names are also found in the text of the IAM part: a name or ARN of an agent anywhere in it.
    for (const [name, address] of agentNames) if (t.text.includes(name)) named.add(address);
  }
  const template = templateRoles(stack, config, r, t);
  const marked = [...cloudControlAgents(stack, config), ...template.marked];
  const trusts = template.roles.flatMap((x) => trustAdmissions(stack, config, analysis, r.address, x.role, marked));
  for (const a of trusts) if (a.address) named.delete(a.address);
  const marks = t.kind === "iam" && (t.text.includes(AGENT_TAG) || t.text.includes(AGENT_PATH)) ? `it creates IAM carrying the ${AGENT_TAG} tag or the ${AGENT_PATH} path` : undefined;
  const what = t.kind === "iam" ? `its template creates ${t.types.join(", ")}` : t.why;
  const dangerous = named.size > 0 || trusts.length > 0 || marks !== undefined || t.kind === "unreadable";
  const whom = [
    ...(named.size > 0 ? [`naming ${[...named].map(noun).join(", ")}`] : []),
    ...trusts.map((a) => a.how.text),
    ...(marks && named.size === 0 && trusts.length === 0 ? [marks] : []),
  ];
  return {
    principal: r.address,
    resource: r.address,
    actions: dangerous ? ["*"] : [],
    severity: dangerous ? "error" : "warning",
    message:
      `${r.address} is a CloudFormation stack: ${what}${whom.length > 0 ? `; ${whom.join("; ")}` : ""}. blastwall does not analyse IAM or Identity Center permission sets inside templates, so ` +
      (dangerous ? "it may give an agent every right, destroy rights included." : "what they grant, and to whom, is not checked."),
    ...(t.kind === "iam" && t.types.some((x) => x.startsWith("AWS::SSO::")) && dangerous ? { fix: SSO_FIX } : trusts.length > 0 ? { fix: ROLE_FIX } : {}),
    evidence: [
      { step: "resource", address: r.address, detail: what },
      ...[...named].map((p) => ({ step: "agent" as const, address: p, detail: `${r.address} refers to ${p} by name, ARN or reference` })),
      ...trusts.map((a) => ({ step: "agent" as const, address: a.address ?? r.address, ...namedDetail(naming(() => `${r.address}: ${mention(a.how)}`)) })),
    ],
  };
}

const SSO_FIX =
  "Write the permission set as aws_ssoadmin_permission_set, with its policies as aws_ssoadmin_managed_policy_attachment, " +
  "aws_ssoadmin_customer_managed_policy_attachment or aws_ssoadmin_permission_set_inline_policy (and its boundary as " +
  "aws_ssoadmin_permissions_boundary_attachment): blastwall judges those as the agent's rights. Or, having reviewed what it grants, " +
  "acknowledge this finding with the reason.";

const ROLE_FIX =
  "Write the role as aws_iam_role, which blastwall analyses (its rights and its trust), or keep AI agents out of its trust: name only " +
  "the principals that need it, not `*`, an account root the agent's own policies may use, or a pattern an agent's ARN fits. If you have " +
  "reviewed what the role may do, acknowledge this finding with the reason.";

export const rule: Rule = {
  meta: {
    id: "unmodelled-iam",
    title: "IAM blastwall does not analyse names an AI agent or is one",
    why:
      "IAM and Identity Center permission sets written with the AWS Cloud Control provider (`awscc_iam_*`, `awscc_sso_*`) or inside " +
      "a CloudFormation stack's template grant rights like `aws_iam_*` and `aws_ssoadmin_*` do, but blastwall does not read what they " +
      "grant: a role policy on an agent's role can give it every right, a permission set an agent runs with may hold any, and a role " +
      "whose trust admits the agent hands the agent whatever that role may do. Unread, each counts as granting everything.",
    fix:
      "Write agent IAM with `aws_iam_*` resources (or the AgentRole construct) and permission sets with `aws_ssoadmin_*`, which " +
      "blastwall analyses; or review the awscc resource or the stack's template and acknowledge the finding with the reason.",
    severity: "error",
    category: "input",
  },
  check({ stack, analysis, config }) {
    const out: FindingDraft[] = [];
    const candidates = stack.resources.filter((r) => r.mode === "managed" && (isUnmodelled(r.type) || TEMPLATE_STACKS[r.type] !== undefined));
    if (candidates.length === 0) return out;
    const agents = new Map(analysis.agents.map((a) => [a.address, a]));
    const noun = (address: string) => agentNoun(agents.get(address)!);
    const byName = principalNameIndex(analysis.principals);
    const agentNames = new Map(analysis.agents.filter((a) => typeof a.resource.values.name === "string").map((a) => [a.resource.values.name as string, a.address]));
    const marked = lazy(() => cloudControlAgents(stack, config));
    for (const r of candidates) {
      const args = TEMPLATE_STACKS[r.type];
      if (args) {
        const t = templateIam(r, args);
        if (t.kind !== "none") out.push(templateFinding(stack, config, analysis, r, t, agentNames, byName, agents));
        continue;
      }
      const sso = UNMODELLED_SSO.has(r.type);
      const kind =
        r.type === "awscc_sso_permission_set"
          ? "an Identity Center permission set written for the Cloud Control provider, and blastwall does not analyse Cloud Control permission sets"
          : sso
            ? "an Identity Center assignment written for the Cloud Control provider, and blastwall does not analyse Cloud Control permission sets or assignments"
            : "IAM written for the Cloud Control provider, which blastwall does not analyse";
      // The trust is read as an aws_iam_role's: an ARN inside JSON text, `*`, an account root or a pattern the agent fits.
      const trusts =
        r.type === "awscc_iam_role"
          ? trustAdmissions(stack, config, analysis, r.address, {
              trust: r.values["assume_role_policy_document"],
              where: `${r.address} (assume_role_policy_document)`,
              arn: roleArn(stack, r.values["role_name"], r.values["path"], undefined),
              // The awscc provider is pinned to no account blastwall reads: it may be any agent's.
              account: undefined,
              self: r.address,
            }, marked())
          : [];
      const named = principalsNamedIn(stack, byName, r.values).filter((p) => agents.has(p) && !trusts.some((a) => a.address === p));
      const mark = agentMark(stack, config, r);
      if (named.length === 0 && mark === undefined && trusts.length === 0) {
        out.push({
          principal: r.address,
          resource: r.address,
          actions: [],
          severity: "warning",
          message: `${r.address} is ${kind}: what it grants, and to whom, is not checked.`,
          evidence: [{ step: "resource", address: r.address, detail: `${r.type} is not analysed` }],
        });
        continue;
      }
      const whom = [
        ...(mark !== undefined ? [`${r.address} is an AI agent (${mark})`] : []),
        ...(named.length > 0 ? [`${r.address} names ${named.map(noun).join(", ")}`] : []),
        ...trusts.map((a) => a.how.text),
      ];
      out.push({
        // The resource is what a reviewer acknowledges, not the agent (which would cover every such resource).
        principal: r.address,
        resource: r.address,
        actions: ["*"],
        message:
          `${whom.join("; ")}. It is ${kind}: ` +
          (mark !== undefined ? "it counts as holding every right, destroy rights included." : "through it the agent may get every right, destroy rights included."),
        ...(sso ? { fix: SSO_FIX } : trusts.length > 0 ? { fix: ROLE_FIX } : {}),
        evidence: [
          { step: "resource", address: r.address, detail: `${r.type} is not analysed${mark !== undefined ? `; ${mark}` : ""}` },
          ...named.map((p) => ({ step: "agent" as const, address: p, detail: `${r.address} refers to ${p} by reference, name or ARN` })),
          ...trusts.map((a) => ({ step: "agent" as const, address: a.address ?? r.address, ...namedDetail(a.how) })),
        ],
      });
    }
    return out;
  },
};
