import { Construct } from "constructs";
import { DefaultTokenResolver, Lazy, StringConcat, TerraformDataSource, TerraformProvider, TerraformStack, Tokenization } from "cdktf";
import type { IConstruct } from "constructs";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { AGENT_ENTRY_PATH, AGENT_PATH, AGENT_TAG } from "../engine/agents";
import { catalogueMatches, checkActionSyntax, refuseDestroyActions, refuseSignInOutside } from "./destroy-guard";
import { iamActionProblem, iamActionsOf, iamServiceProblem } from "../engine/iam-actions";
import { credentialReads, readPatternsWithout } from "./read-patterns";
import { AGENT_IDENTITY_ARNS, AGENT_IDENTITY_READS, agentGuardrails, CHAIN_ACTIONS, denyCovering } from "./agent-boundary";
import { resolveBoundaryExemptions, RULE_OF_CATEGORY, type BoundaryExemption, type ResolvedExemption } from "./boundary-exemptions";
import { acknowledge } from "../cdktf/acknowledge";
import { expiryInstant } from "../config/acknowledgements";
import { globCovers, globMatch, hasWildcard } from "../engine/iam/glob";
import { AgentPrincipal, mergeConditions, mergePrincipals } from "./agent-principal";
import { policyJson, policyTextSize, requirePolicyWithin, type ConditionBlock, type StatementJson } from "./policy-document";
import { fail, isToken, literalProviderRegion, partitionOf, requireIamName, requireIamTagKey, requireInteger, requireNonEmpty, requireObject, requireProps, propNames, refuseUnknownOptions, refuseUnknownProps } from "./validate";

/**
 * IAM path every agent principal lives under; SCPs and the gate recognise agents by it (one constant for both). Entry
 * roles (GitHub Actions, GitLab CI) live under AGENT_ENTRY_PATH.
 */
export { AGENT_ENTRY_PATH, AGENT_PATH };

/**
 * IAM's default quota for a role trust policy ("Role trust policy length"), in characters without whitespace, and the
 * most a Service Quotas request raises it to. Over the account's quota, CreateRole and UpdateAssumeRolePolicy fail with
 * LimitExceeded (ACLSizePerRole).
 */
export const TRUST_POLICY_DEFAULT_LIMIT = 2048;
export const TRUST_POLICY_MAX_LIMIT = 4096;

/**
 * IAM's quota for the inline policies of a role, all of them together, in characters without whitespace ("Role policy
 * size"; not adjustable). Over it, PutRolePolicy fails with LimitExceeded.
 */
export const ROLE_INLINE_POLICIES_LIMIT = 10240;

/** The one session length an agent role allows: IAM's minimum for a role is also the most an agent should get. */
export const AGENT_MAX_SESSION_SECONDS = 3600;

export interface AgentRoleProps {
  /** Role name; the boundary is `<roleName>-boundary`. 1-64 characters, literal. */
  readonly roleName: string;
  /** Who may start a session (the agent runner role, an OIDC subject, an Identity Center permission set). */
  readonly assumedBy: readonly AgentPrincipal[];
  /** @default "AI agent role: destroy rights denied by its permission boundary (blastwall)" */
  readonly description?: string;
  /**
   * Longest session in seconds. IAM accepts 3600 to 43200 for a role and an agent must not get more than an
   * hour, so only 3600 passes; ask for shorter sessions with DurationSeconds (ScopedToken does).
   * @default 3600
   */
  readonly maxSessionDuration?: number;
  /**
   * Pattern the session's source identity must match (`sts:SourceIdentity`); it must start with `agent-` so
   * CloudTrail and the SCPs can tell agent sessions apart, and it persists through role chaining.
   * @default "agent-*"
   */
  readonly sourceIdentity?: string;
  /**
   * Session tag keys a caller may set (`sts:TagSession`). `blastwall:agent` is never accepted: a session tag
   * with that key would override the role's tag. Empty list: no session tags at all.
   * @default ["task", "ticket"]
   */
  readonly sessionTagKeys?: readonly string[];
  /** IAM path, `/agents/` or a path below it. @default "/agents/" */
  readonly path?: string;
  /** Extra tags; `blastwall:agent` is always "true" and cannot be overridden. @default {} */
  readonly tags?: Readonly<Record<string, string>>;
  /** Provider (account) the role lives in. @default the scope's default AWS provider */
  readonly provider?: TerraformProvider;
  /**
   * Warning-graded catalogue actions the boundary leaves to the identity policies, each with why the agent needs it
   * (`logs:PutSubscriptionFilter` to ship logs to a SIEM). Each must be one exact action the catalogue grades
   * `warning` in its direct or protection list: error-graded and escalation rights stay denied. `allow()` then accepts
   * it, every exempted action must be granted by an `allow()` (synth fails otherwise), and the role carries an
   * acknowledgement of the gate's warning for it with the reason (and expiry), limited to that action.
   * @default none: the boundary denies every catalogue action
   */
  readonly boundaryExemptions?: readonly BoundaryExemption[];
  /**
   * The account's quota for a role trust policy, in characters (IAM does not count whitespace): the construct refuses
   * an `assumedBy` whose trust policy (the agent role's, or an entry role's) is longer, which IAM would refuse at apply.
   * Set it only after raising "Role trust policy length" in Service Quotas for the account; 2048 to 4096.
   * @default 2048
   */
  readonly trustPolicySizeLimit?: number;
}

export type { BoundaryExemption };

/** One statement of access for the agent: named actions on named resources. */
export interface AgentPermission {
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  readonly conditions?: ConditionBlock;
  /** Statement id; letters and digits. @default "Allow<n>" */
  readonly sid?: string;
}

const PERMISSION_KEYS = propNames<AgentPermission>({ actions: true, resources: true, conditions: true, sid: true });

/**
 * The construct whose prop names an AgentRole it makes for itself (ScopedToken's `name`): a message about the role's
 * name then names that prop, not a `roleName` its user never wrote (red-team rounds 77 and 115).
 */
const NAME_GIVEN_BY = new WeakMap<object, { readonly construct: string; readonly prop: string; readonly path: string }>();

/** Records that `owner`'s `prop` names `role` (see NAME_GIVEN_BY). */
export function roleNamedBy(role: object, construct: string, prop: string, path: string): void {
  NAME_GIVEN_BY.set(role, { construct, prop, path });
}

/**
 * An IAM role for one AI agent (or agent runner): tagged `blastwall:agent = "true"`, under `/agents/`,
 * assumable only with an `agent-` source identity, one-hour sessions, and a permission boundary that denies
 * every destroy, protection and escalation action of the catalogue and every identity provider rewrite, plus any
 * change to the role's own guardrails. Access is added with `allow`/`grantReadOnly`, which refuse those actions
 * outright, except the warning-graded ones named in `boundaryExemptions`, and any grant that takes the role's inline
 * policies past IAM's quota (ROLE_INLINE_POLICIES_LIMIT).
 */
const PROPS = propNames<AgentRoleProps>({
  roleName: true, assumedBy: true, description: true, maxSessionDuration: true, sourceIdentity: true, sessionTagKeys: true,
  path: true, tags: true, provider: true, boundaryExemptions: true, trustPolicySizeLimit: true,
});

export class AgentRole extends Construct {
  readonly role: IamRole;
  readonly roleName: string;
  /** `${aws_iam_role.x.arn}` (a token). */
  readonly roleArn: string;
  /**
   * Roles between the agent role and principals whose sessions cannot carry a source identity (GitHub Actions, GitLab
   * CI, `oidc` with `tokensCarrySourceIdentity: false`): each trusts its principal and may only assume the agent role
   * with an `agent-` source identity; it is tagged as an agent, since whoever holds its session is one.
   */
  readonly entryRoles: readonly IamRole[];
  /**
   * The ARN as a literal pattern with `*` for the partition and the account (`arn:*:iam::*:role/agents/NAME`): what
   * boundaries and SCPs name. A fixed partition would never match the role in another one (GovCloud, China).
   */
  readonly roleArnPattern: string;
  readonly path: string;
  readonly boundary: IamPolicy;
  /** The Deny that did not fit in the boundary's size limit (undefined when it all fit): the first of `guardPolicies`. */
  readonly guardPolicy?: IamPolicy;
  /** Every guard policy, attached to the role; empty when the boundary holds every Deny. */
  readonly guardPolicies: readonly IamPolicy[];
  readonly sourceIdentity: string;
  /** The actions of `boundaryExemptions`, as the catalogue spells them; empty when there are none. */
  readonly boundaryExemptions: readonly string[];
  private readonly exemptions: readonly ResolvedExemption[];
  private readonly exempt: ReadonlySet<string>;
  /** Acknowledgements written so far, by rule and actions, so each is written once. */
  private readonly acknowledged = new Set<string>();
  private readonly statements: StatementJson[] = [];
  private permissions?: IamRolePolicy;
  private readonly provider?: TerraformProvider;

  constructor(scope: Construct, id: string, props: AgentRoleProps) {
    super(scope, id);
    requireProps("AgentRole", props, ["roleName", "assumedBy"]);
    refuseUnknownProps("AgentRole", props, PROPS);
    const name = requireIamName("AgentRole", "roleName", props.roleName);
    requireNonEmpty("AgentRole", "assumedBy", props.assumedBy, "principal (e.g. AgentPrincipal.role(runnerRoleArn))");
    // Plain JavaScript can hand in an ARN string where an AgentPrincipal belongs.
    props.assumedBy.forEach((p, i) => {
      if (!(p instanceof AgentPrincipal)) fail("AgentRole", `assumedBy[${i}]`, `must be an AgentPrincipal (AgentPrincipal.role(arn), .githubActions(...), .gitlabCi(...), .oidc(...), .identityCenterPermissionSet(...)), got ${JSON.stringify(p)}`);
    });
    const maxSession = props.maxSessionDuration ?? AGENT_MAX_SESSION_SECONDS;
    if (maxSession > AGENT_MAX_SESSION_SECONDS) {
      fail("AgentRole", "maxSessionDuration", `must not exceed ${AGENT_MAX_SESSION_SECONDS} seconds (got ${maxSession}): an agent's credentials must expire within the hour; request shorter sessions with DurationSeconds`);
    }
    requireInteger("AgentRole", "maxSessionDuration", maxSession, AGENT_MAX_SESSION_SECONDS, AGENT_MAX_SESSION_SECONDS, "seconds",
      "IAM's minimum for a role is 3600; request shorter sessions with DurationSeconds (ScopedToken does)");
    const path = props.path ?? AGENT_PATH;
    if (!/^\/agents\/([\w+=,.@-]+\/)*$/.test(path)) fail("AgentRole", "path", `must be /agents/ or a path below it ending in / (got "${path}")`);
    const sourceIdentity = props.sourceIdentity ?? "agent-*";
    if (!/^agent-[\w+=,.@*-]*$/.test(sourceIdentity)) {
      fail("AgentRole", "sourceIdentity", `must start with "agent-" and use letters, digits, _+=,.@- or * (got "${sourceIdentity}")`);
    }
    const tagKeys = props.sessionTagKeys ?? ["task", "ticket"];
    for (const k of tagKeys) {
      if (k.toLowerCase() === AGENT_TAG || k.toLowerCase().startsWith("aws:")) {
        fail("AgentRole", "sessionTagKeys", `must not contain "${k}": a session tag with that key would override the role's own tag`);
      }
    }
    for (const k of Object.keys(props.tags ?? {})) requireIamTagKey("AgentRole", `tags[${JSON.stringify(k)}]`, k, "the agent role", '"team"');
    if (props.tags && Object.keys(props.tags).some((k) => k.toLowerCase() === AGENT_TAG)) {
      fail("AgentRole", "tags", `must not set ${AGENT_TAG}: AgentRole always sets it to "true"`);
    }
    const exemptions = resolveBoundaryExemptions("AgentRole", props.boundaryExemptions);
    const trustLimit = requireInteger("AgentRole", "trustPolicySizeLimit", props.trustPolicySizeLimit ?? TRUST_POLICY_DEFAULT_LIMIT,
      TRUST_POLICY_DEFAULT_LIMIT, TRUST_POLICY_MAX_LIMIT, "characters",
      `IAM's quota for a role trust policy is ${TRUST_POLICY_DEFAULT_LIMIT} characters by default and at most ${TRUST_POLICY_MAX_LIMIT} after a Service Quotas increase; set it to the account's raised quota`);
    this.roleName = name;
    this.path = path;
    this.sourceIdentity = sourceIdentity;
    this.provider = props.provider;
    this.roleArnPattern = `arn:*:iam::*:role${path}${name}`;
    const policyArn = (suffix: string) => `arn:*:iam::*:policy${path}${name}-${suffix}`;

    const rails = agentGuardrails(
      { roleArn: this.roleArnPattern, boundaryArn: policyArn("boundary"), guardArn: policyArn("guard*") },
      exemptions.map((x) => x.action),
    );
    for (const x of exemptions) {
      // Leaving the action out of the Deny lists would then change nothing, and the grant would silently do nothing.
      const deny = denyCovering([...rails.boundary, ...rails.guards.flat()], x.action);
      if (deny) fail("AgentRole", `${x.at}.action:`, `${x.action} cannot be exempted: the boundary's statement ${deny} denies it through a pattern that cannot be narrowed to leave it out`);
    }
    this.exemptions = exemptions;
    this.boundaryExemptions = exemptions.map((x) => x.action);
    this.exempt = new Set(this.boundaryExemptions.map((a) => a.toLowerCase()));
    const tags = { ...(props.tags ?? {}), [AGENT_TAG]: "true" };
    this.boundary = new IamPolicy(this, "Boundary", {
      name: `${name}-boundary`,
      path,
      // The same with exemptions: the provider replaces a policy whose description changes, and adding an exemption to
      // a deployed role must not take its boundary away, even for a moment.
      description: `Permission boundary of agent role ${name}: denies every destroy, protection and escalation action (blastwall)`,
      policy: policyJson(rails.boundary),
      tags,
      provider: props.provider,
    });

    // Every statement requires the agent source identity; session tags only with the listed keys.
    const conditions: ConditionBlock = { StringLike: { "sts:SourceIdentity": sourceIdentity } };
    const tagSession: ConditionBlock | undefined =
      tagKeys.length > 0 ? { "ForAllValues:StringEquals": { "aws:TagKeys": [...tagKeys] } } : undefined;
    // Refused here, not at apply, where IAM fails CreateRole with LimitExceeded (ACLSizePerRole) and the rest of the
    // stack stops half-deployed (red-team round 85). A reference counts as the shortest ARN it can become (round 86:
    // as nothing, 20 runner roles passed by `.arn` made a trust of 2,368 characters that was accepted). The partition
    // is the one a principal's literal ARN names (a trust names principals of its role's partition only), else that of
    // the provider's literal region, else `aws`, the shortest: an estimate must never exceed what IAM counts.
    const region = literalProviderRegion(this, props.provider);
    const partition = props.assumedBy.map((p) => p.partition).find((x) => x !== undefined) ?? (region === undefined ? undefined : partitionOf(region));
    const known = new Map<string, string>();
    for (const p of props.assumedBy) for (const [ref, estimate] of p.arnEstimates(this, partition)) known.set(ref, estimate);
    const quota = { quota: props.trustPolicySizeLimit === undefined ? "IAM's default role trust policy quota of" : "trustPolicySizeLimit", value: trustLimit };
    const raise = `raise the account's "Role trust policy length" quota in Service Quotas (at most ${TRUST_POLICY_MAX_LIMIT}) and set trustPolicySizeLimit to it`;
    /**
     * The message names what makes the trust long: the session tag keys (written in every TagSession statement) or the
     * principals, whichever takes more of it, with the largest principal when there are several (round 86: 60 tag keys
     * were blamed on a principal's subject).
     */
    const requireTrustWithin = (prop: string, whose: string, render: (tags?: ConditionBlock, without?: number) => string, principals: readonly number[], instead: string) => {
      const full = policyTextSize(render(tagSession), { known });
      if (full.size <= trustLimit) return;
      // The keys alone: the TagSession statements that hold them name the principals, whose characters those are.
      const noKeys: ConditionBlock = { "ForAllValues:StringEquals": { "aws:TagKeys": [] } };
      const bare = tagSession ? policyTextSize(render(noKeys), { known }).size : full.size;
      const tags = full.size - bare;
      const largest = principals.length < 2 ? undefined : principals
        .map((i) => ({ i, size: full.size - policyTextSize(render(tagSession, i), { known }).size }))
        .reduce((a, b) => (b.size > a.size ? b : a));
      const stack = TerraformStack.of(this);
      // A reference reads as what it names (`${aws_iam_role.runner.arn}`), not as a cdktf token.
      const label = (i: number) => `assumedBy[${i}] (${Tokenization.resolve(props.assumedBy[i].describe(), { scope: stack, resolver: new DefaultTokenResolver(new StringConcat()) })})`;
      const parts = [
        ...(tags > 0 ? [`${tagKeys.length} sessionTagKeys: ${tags}`] : []),
        principals.length === 1
          ? `${label(principals[0])}: ${bare}`
          : `${principals.length} principals: ${bare}${largest ? `, the most ${label(largest.i)}: ${largest.size}` : ""}`,
      ];
      const byTags = tags > bare;
      requirePolicyWithin("AgentRole", byTags ? "sessionTagKeys" : prop,
        { makes: byTags ? `(${tagKeys.length} keys) with ${prop} make` : "makes", what: `trust policy for ${whose}`, ...full, parts: parts.join("; ") },
        quota,
        `IAM refuses the role at apply (LimitExceeded, ACLSizePerRole). ` +
          (byTags
            ? "Give the role fewer or shorter sessionTagKeys (every key is written in each TagSession statement of the trust)"
            : instead) +
          `, or ${raise}`);
    };
    const entries: IamRole[] = [];
    // Each principal's statements in the agent role's trust, by the session tag condition.
    const renders: ((tags?: ConditionBlock) => StatementJson[])[] = [];
    props.assumedBy.forEach((p, i) => {
      if (p.carriesSourceIdentity) {
        renders.push((tags) => p.statements(`AgentSession${i}`, ["sts:SetSourceIdentity"], conditions, tags));
        return;
      }
      // Its sessions cannot carry a source identity: it enters through a role that can set one (see carriesSourceIdentity).
      const n = entries.length === 0 ? "" : String(entries.length + 1);
      // Cut to IAM's 64 characters, two entry roles (or an entry role and the agent role) would share a name, and the
      // apply would fail on the second: IAM role names are unique in an account whatever the path.
      const entryName = `${name}-entry${n}`;
      if (entryName.length > 64) {
        fail("AgentRole", "roleName", `must be at most ${64 - "-entry".length - n.length} characters here (got ${name.length}, "${name}"): ${p.describe()} cannot set a source identity, so it enters through an entry role named ${entryName}, and IAM role names are at most 64 characters`);
      }
      // Whoever holds its session is the agent too: it is tagged as one, and its boundary lets it do nothing but
      // start the agent role's session with a source identity, whatever is attached to it later.
      const entryBoundary = new IamPolicy(this, `EntryBoundary${n}`, {
        name: `${name}-entry${n}-boundary`.slice(0, 128),
        path,
        description: `Permission boundary of the entry role to agent role ${name}: assuming that role, nothing else (blastwall)`,
        policy: policyJson([{ Sid: "OnlyTheAgentRole", Effect: "Allow", Action: [...CHAIN_ACTIONS], Resource: this.roleArnPattern }]),
        tags,
        provider: props.provider,
      });
      const entryTrust = policyJson(p.statements(`Entry${i}`, [], {}, tagSession));
      requireTrustWithin(`assumedBy[${i}]`, `its entry role ${entryName}`, (tags) => policyJson(p.statements(`Entry${i}`, [], {}, tags)), [i],
        "Shorten what the principal names (its subject, branch or project path)");
      const entry = new IamRole(this, `Entry${n}`, {
        name: entryName,
        path: AGENT_ENTRY_PATH,
        description: `Entry to agent role ${name} for ${p.describe()}, which cannot set a source identity: it may only assume the agent role, with one (blastwall)`,
        assumeRolePolicy: entryTrust,
        maxSessionDuration: 3600,
        permissionsBoundary: entryBoundary.arn,
        tags,
        provider: props.provider,
      });
      entries.push(entry);
      // Read once: each read of a resource's attribute is a new token. In the role's partition, like the agent role (round
      // 86: arn:aws: made a GovCloud trust 50 characters short).
      const entryArn = entry.arn;
      known.set(entryArn, `arn:${partition ?? "aws"}:iam::000000000000:role${AGENT_ENTRY_PATH}${entryName}`);
      const entryPrincipal = AgentPrincipal.role(entryArn);
      renders.push((tags) => entryPrincipal.statements(`AgentSession${i}`, ["sts:SetSourceIdentity"], conditions, tags));
    });

    const trustOf = (tags?: ConditionBlock, without?: number) =>
      policyJson(mergePrincipals(renders.flatMap((render, i) => (i === without ? [] : render(tags)))));
    const trustJson = trustOf(tagSession);
    requireTrustWithin("assumedBy", `role ${name}`, trustOf, props.assumedBy.map((_, i) => i),
      "Give the role fewer principals (an identityCenterPermissionSet or an OIDC subject costs about 500 characters, another runner role about 60), or split them over two AgentRoles");
    this.role = new IamRole(this, "Role", {
      name,
      path,
      description: props.description ?? "AI agent role: destroy rights denied by its permission boundary (blastwall)",
      assumeRolePolicy: trustJson,
      maxSessionDuration: maxSession,
      permissionsBoundary: this.boundary.arn,
      tags,
      provider: props.provider,
    });
    this.roleArn = this.role.arn;
    this.entryRoles = entries;
    entries.forEach((entry, i) => {
      new IamRolePolicy(this, i === 0 ? "EntryPolicy" : `EntryPolicy${i + 1}`, {
        role: entry.name,
        name: "assume-agent-role",
        policy: policyJson([
          { Sid: "AssumeAgentRole", Effect: "Allow" as const, Action: ["sts:AssumeRole", "sts:SetSourceIdentity"], Resource: this.role.arn, Condition: conditions },
          ...(tagSession ? [{ Sid: "TagAgentSession", Effect: "Allow" as const, Action: "sts:TagSession", Resource: this.role.arn, Condition: mergeConditions(conditions, tagSession) }] : []),
        ]),
        provider: props.provider,
      });
    });

    this.guardPolicies = rails.guards.map((statements, i) => {
      const n = i === 0 ? "" : String(i + 1);
      const guard = new IamPolicy(this, `Guard${n}`, {
        name: `${name}-guard${n}`,
        path,
        description: `Destroy-rights denials of agent role ${name} that did not fit in its boundary (blastwall)`,
        policy: policyJson(statements),
        tags,
        provider: props.provider,
      });
      new IamRolePolicyAttachment(this, `GuardAttachment${n}`, {
        role: this.role.name,
        policyArn: guard.arn,
        provider: props.provider,
      });
      return guard;
    });
    this.guardPolicy = this.guardPolicies[0];

    // An open slot in the boundary that no grant of this role uses is a hole for the next policy someone attaches.
    this.node.addValidation({
      validate: () => [
        ...this.exemptions
          .filter((x) => !this.statements.some((st) => this.grants(st, x.action)))
          .map(
            (x) =>
              `AgentRole: ${x.at}: ${x.action} is exempted from the permission boundary of ${name} but no allow() grants it: ` +
              "remove the exemption, or grant it, so the boundary opens only for a right the agent holds",
          ),
        ...props.assumedBy.flatMap((p) => p.problemsIn(this)),
        ...this.nameClashes(),
        ...this.inlinePolicyProblems(),
      ],
    });
  }

  /**
   * Grants named actions on named resources. Throws when an action (or a wildcard) covers a catalogue action:
   * the boundary would deny it anyway, and a grant that silently does nothing misleads the next reader. For the same
   * reason an action IAM does not know (`s3:GetObjekt`, `s3x:GetObject`, a pattern matching no action) is refused,
   * with the nearest real names (policies/iam-actions.json).
   */
  allow(permission: AgentPermission): this {
    const who = "AgentRole.allow";
    requireObject(who, "permission", permission, "{ actions, resources, conditions?, sid? }");
    // Before the checks of each key: a misspelt `resouces` is named as such, not as resources missing.
    refuseUnknownOptions(who, permission, PERMISSION_KEYS, {
      call: `allow() of ${this.node.path}`,
      whole: "permission",
      name: (key) => key,
      effect: (key) =>
        `the statement would be granted as if ${key} were not there, and a condition (or a NotAction, NotResource) the grant ` +
        "does not read leaves it wider than written; allow() grants Allow statements of actions, resources and conditions only",
    });
    requireNonEmpty(who, "actions", permission.actions, "action");
    requireNonEmpty(who, "resources", permission.resources, 'resource ARN (or "*" for actions without resource-level permissions)');
    permission.actions.forEach((a, i) => {
      if (isToken(a)) fail(who, "actions", "must be literal action names so they can be checked against the destroy-rights catalogue");
      checkActionSyntax(who, a);
      const problem = iamActionProblem(a, "IAM accepts it and grants nothing");
      if (problem) fail(who, `actions[${i}]`, problem);
    });
    refuseDestroyActions(who, permission.actions, this.exempt);
    refuseSignInOutside(who, permission.actions, permission.resources);
    refuseAgentIdentityChanges(who, permission);
    if (permission.sid !== undefined && !/^[A-Za-z0-9]+$/.test(permission.sid)) {
      fail(who, "sid", `must be letters and digits only (got "${permission.sid}")`);
    }
    if (permission.sid !== undefined && this.statements.some((s) => s.Sid === permission.sid)) {
      fail(who, "sid", `"${permission.sid}" is already used by another statement of ${this.roleName}`);
    }
    this.addStatement({
      Sid: permission.sid ?? `Allow${this.statements.length}`,
      Effect: "Allow",
      Action: [...permission.actions],
      Resource: [...permission.resources],
      ...(permission.conditions ? { Condition: permission.conditions } : {}),
    });
    this.acknowledgeExemptions(this.statements[this.statements.length - 1]);
    return this;
  }

  /**
   * Read-only access to one service: those of `Describe*`, `List*` and `Get*` that match an action of the service
   * (Lambda has no `Describe` action, RDS no `Get`) on `resources`. A pattern that would cover a catalogue action
   * gives way to patterns for the verb's other actions (`ssm:Get*` covers `ssm:GetParameter`, which reads secrets:
   * `ssm:GetA*`, `ssm:GetC*`, ... are granted instead); grant the catalogued reads you need with `allow`, where the
   * catalogue lets you. Throws when nothing is left, and for a service prefix IAM does not know (`s3x`).
   */
  grantReadOnly(service: string, resources: readonly string[] = ["*"]): this {
    const who = "AgentRole.grantReadOnly";
    if (typeof service !== "string" || !/^[a-z0-9-]+$/.test(service)) fail(who, "service", `must be an IAM service prefix like "ec2" (got ${JSON.stringify(service)})`);
    const unknown = iamServiceProblem(service, "IAM accepts its actions and grants nothing");
    if (unknown) fail(who, "service", unknown);
    // allow() refuses a pattern that matches no action (it grants nothing): the verbs a service lacks are left out
    // here, not passed on to fail there under allow's name (red-team round 85: 19 of 42 common services threw).
    const existing = ["Describe*", "List*", "Get*"].map((p) => `${service}:${p}`).filter((p) => iamActionProblem(p, "") === undefined);
    if (existing.length === 0) {
      fail(who, "service", `"${service}" has no Describe, List or Get action: grant its read actions by name with allow()`);
    }
    // A verb pattern that covers a catalogue action (`ec2:Describe*` covers ec2:DescribeInstanceAttribute, which
    // returns user data) is replaced by patterns for the verb's other actions, so the service's other reads stay
    // granted (red-team round 86: dropping the whole pattern would leave ec2 without a single Describe).
    // The replacements also leave out the reads the reach analysis knows return stored credentials (glue:GetJob,
    // ssm:GetDocument), which the dropped pattern kept out before.
    const patterns = existing.flatMap((p) => {
      const listed = catalogueMatches(p).filter((e) => !this.exempt.has(e.action.toLowerCase()));
      if (listed.length === 0) return [p];
      const leaveOut = new Set([...listed.map((e) => e.action), ...credentialReads()].map((a) => a.toLowerCase()));
      return readPatternsWithout(service, p.slice(service.length + 1, -1), leaveOut);
    });
    if (patterns.length === 0) {
      fail(who, "service", `"${service}": every read pattern (${existing.join(", ")}) covers a destroy-rights catalogue action; grant exact actions with allow()`);
    }
    const sid = `ReadOnly${service.replace(/[^A-Za-z0-9]/g, "")}`;
    const taken = this.statements.filter((s) => s.Sid?.startsWith(sid)).length;
    return this.allow({ actions: patterns, resources, sid: taken ? `${sid}${taken}` : sid });
  }

  /**
   * Lets this agent assume another agent role (a ScopedToken's): `sts:AssumeRole`, `sts:SetSourceIdentity`
   * and `sts:TagSession` on that role only. The boundary allows chaining into `/agents/` roles and nowhere
   * else, and the target carries a boundary like this one, so nothing is gained that the target lacks.
   */
  allowAssume(target: AgentRole): this {
    if (target === this) fail("AgentRole.allowAssume", "target", "must be another agent role");
    this.addStatement({ Sid: `AssumeAgentRole${this.statements.length}`, Effect: "Allow", Action: [...CHAIN_ACTIONS], Resource: [target.roleArn] });
    return this;
  }

  /**
   * IAM role and policy names are unique in an account whatever their path and case: another role or policy of the
   * stack, made by the same aws provider, with a literal name this role, its entry roles or its policies also use
   * would fail the apply (red-team round 77: an AgentRole named "x-entry" beside the entry role of AgentRole "x").
   * Names given as references, data sources (they create nothing) and resources of another provider (another account,
   * as `EnvironmentAccounts.providerFor` makes) are not compared.
   */
  private nameClashes(): string[] {
    const index = namesOf(TerraformStack.of(this));
    const mine = new Set<IConstruct>(this.node.findAll());
    const out: string[] = [];
    for (const c of mine) {
      const key = nameKey(c);
      if (key === undefined) continue;
      for (const other of index.get(key) ?? []) {
        if (mine.has(other)) continue;
        const r = c as unknown as { terraformResourceType: string; nameInput: string };
        const kind = r.terraformResourceType === "aws_iam_role" ? "role" : "managed policy";
        const theirs = (other as unknown as { nameInput: string }).nameInput;
        out.push(
          `AgentRole: roleName "${this.roleName}" gives ${c.node.path} the IAM ${kind} name "${r.nameInput}", which ${other.node.path} also has${theirs === r.nameInput ? "" : ` (as "${theirs}")`}: ` +
            `IAM ${kind} names are unique in an account whatever the path and case, so the apply would fail on the second. Rename one of them`,
        );
      }
    }
    return [...out, ...this.appNameClashes(mine)];
  }

  /**
   * The same across the stacks of the app, for names made in one account that both stacks' providers pin with
   * `allowed_account_ids` (red-team round 113: the single-account stack class made twice, staging and production, gave
   * two roles "coding-agent" in one account; the second stack's apply fails with EntityAlreadyExists half-way). A
   * provider that pins no single literal account may deploy anywhere, so it is not compared.
   */
  private appNameClashes(mine: ReadonlySet<IConstruct>): string[] {
    const stack = TerraformStack.of(this);
    const others = this.node.root.node.findAll().filter((c): c is TerraformStack => TerraformStack.isStack(c) && c !== stack);
    if (others.length === 0) return [];
    // One message per other stack: the same class made twice shares every name, and a line per name buries the point.
    const byStack = new Map<TerraformStack, { account: string; names: string[] }>();
    for (const c of mine) {
      const key = nameKey(c, false);
      const account = key === undefined ? undefined : pinnedAccountOf(c);
      if (key === undefined || account === undefined) continue;
      for (const otherStack of others) {
        const other = (accountNamesOf(otherStack).get(key) ?? []).find((o) => pinnedAccountOf(o) === account);
        if (!other) continue;
        const r = c as unknown as { terraformResourceType: string; nameInput: string };
        const entry = byStack.get(otherStack) ?? { account: account!, names: [] };
        entry.names.push(`${r.terraformResourceType === "aws_iam_role" ? "role" : "managed policy"} "${r.nameInput}" (${other.node.path})`);
        byStack.set(otherStack, entry);
      }
    }
    return [...byStack].map(([otherStack, { account, names }]) => {
      names.sort((a, b) => Number(b.startsWith("role")) - Number(a.startsWith("role")));
      const shown = names.slice(0, 3).join(", ") + (names.length > 3 ? `, and ${names.length - 3} more` : "");
      const owner = NAME_GIVEN_BY.get(this);
      return `${owner ? `${owner.construct}: ${owner.prop}` : "AgentRole: roleName"} "${this.roleName}" (${owner ? owner.path : this.node.path}, stack "${stack.node.id}") makes IAM names that stack "${otherStack.node.id}" also makes, ` +
        `and both stacks' providers pin account ${account} (allowed_account_ids): ${shown}. IAM role and policy names are unique in an account whatever ` +
        `the path and case, so the apply of the second stack would stop half-way (EntityAlreadyExists). Give each stack its own ${owner ? owner.prop : "roleName"} ` +
        `(from the environment it deploys, e.g. "${this.roleName}-${stack.node.id}"), or deploy the stacks to different accounts`;
    });
  }

  /** True when the statement's Action names `action` (exactly or by a pattern; IAM matches either case). */
  private grants(st: StatementJson, action: string): boolean {
    const actions = st.Action === undefined ? [] : typeof st.Action === "string" ? [st.Action] : st.Action;
    return st.Effect === "Allow" && actions.some((a) => globMatch(a, action, { caseInsensitive: true }));
  }

  /**
   * The gate reports the agent's exempted rights, one finding per statement and rule: each gets an acknowledgement
   * with the reasons of exactly the exempted actions it grants, lapsing with the first of their expiries (a finding is
   * acceptable only while every right it reports is), and limited to this role's permissions policy, so the same
   * action granted by a policy attached elsewhere is still reported unacknowledged.
   */
  private acknowledgeExemptions(st: StatementJson): void {
    const byRule = new Map<string, ResolvedExemption[]>();
    for (const x of this.exemptions) {
      if (!this.grants(st, x.action)) continue;
      const rule = RULE_OF_CATEGORY[x.entry.category];
      byRule.set(rule, [...(byRule.get(rule) ?? []), x]);
    }
    const permissions = this.permissions!;
    for (const [ruleId, list] of byRule) {
      const key = `${ruleId} ${list.map((x) => x.action).join(" ")}`;
      if (this.acknowledged.has(key)) continue;
      this.acknowledged.add(key);
      const expiries = list.filter((x) => x.expires !== undefined).sort((a, b) => expiryInstant(a.expires!)! - expiryInstant(b.expires!)!);
      acknowledge(this.role, {
        ruleId,
        // The construct's path, not its class: a ScopedToken's exemptions are set on the ScopedToken (red-team round 76).
        reason: `${list.map((x) => `${x.action}: ${x.reason}`).join("; ")} (boundaryExemptions of ${exemptionsOwner(this)})`,
        ...(expiries.length > 0 ? { expires: expiries[0].expires } : {}),
        actions: list.map((x) => x.action),
        // Resolved at synth: the address follows an overrideLogicalId made after this call.
        resource: Lazy.stringValue({ produce: () => `${permissions.terraformResourceType}.${permissions.friendlyUniqueId}` }),
      });
    }
    // An entry role reaches the agent role, so the gate reports the exempted rights on it too, as one transitive
    // finding naming all of them: each entry role gets an acknowledgement of every exempted right granted so far,
    // limited to the path into this role (red-team round 76: it was left unacknowledged).
    const granted = this.exemptions.filter((x) => this.statements.some((s) => this.grants(s, x.action)));
    if (byRule.size === 0 || this.entryRoles.length === 0) return;
    const expiries = granted.filter((x) => x.expires !== undefined).sort((a, b) => expiryInstant(a.expires!)! - expiryInstant(b.expires!)!);
    for (const entry of this.entryRoles) {
      acknowledge(entry, {
        ruleId: "agent-transitive-destroy",
        reason: `${granted.map((x) => `${x.action}: ${x.reason}`).join("; ")}, held by the agent role this entry role leads to (boundaryExemptions of ${exemptionsOwner(this)})`,
        ...(expiries.length > 0 ? { expires: expiries[0].expires } : {}),
        actions: granted.map((x) => x.action),
        resource: Lazy.stringValue({ produce: () => `${this.role.terraformResourceType}.${this.role.friendlyUniqueId}` }),
      });
    }
  }

  /** The permissions policy's size as IAM counts it; a reference counts as nothing, so with one it is a lower bound. */
  private permissionsSize(): { readonly size: number; readonly exact: boolean } {
    return policyTextSize(policyJson(this.statements));
  }

  /** `N statements, the largest "Sid": size`, so the user sees where the characters are. */
  private largestStatement(): string {
    const sizes = this.statements.map((st) => ({ sid: st.Sid ?? "(no Sid)", size: policyTextSize(JSON.stringify(st)).size }));
    const largest = sizes.reduce((a, b) => (b.size > a.size ? b : a));
    return `${this.statements.length} statement${this.statements.length === 1 ? "" : "s"}, the largest "${largest.sid}": ${largest.size}`;
  }

  /**
   * The role's other inline policies (an `aws_iam_role_policy` of the stack on this role, or the role's own
   * `inline_policy` blocks) count against the same quota as its permissions policy.
   */
  private inlinePolicyProblems(): string[] {
    const stack = TerraformStack.of(this);
    const resolve = (v: unknown): unknown => Tokenization.resolve(v, { scope: stack, resolver: new DefaultTokenResolver(new StringConcat()) });
    const mine = new Set([resolve(this.role.id), resolve(this.role.name), this.roleName].map((v) => String(v).toLowerCase()));
    const others: { readonly path: string; readonly size: number }[] = [];
    for (const c of stack.node.findAll()) {
      if (!(c instanceof IamRolePolicy) || c === this.permissions || c.roleInput === undefined) continue;
      if (!mine.has(String(resolve(c.roleInput)).toLowerCase())) continue;
      others.push({ path: c.node.path, size: referenceFreeSize(resolve(c.policyInput)) });
    }
    const blocks = this.role.inlinePolicyInput;
    if (Array.isArray(blocks)) {
      blocks.forEach((b, i) => others.push({ path: `${this.role.node.path} inline_policy[${i}]`, size: referenceFreeSize(resolve(b.policy)) }));
    }
    if (others.length === 0) return [];
    const own = this.permissionsSize().size;
    const total = own + others.reduce((n, o) => n + o.size, 0);
    if (total <= ROLE_INLINE_POLICIES_LIMIT) return [];
    return [
      `AgentRole: roleName "${this.roleName}": the inline policies of ${this.role.node.path} are at least ${total} characters together ` +
        `(allow(), grantReadOnly() and allowAssume(): ${own}; ${others.map((o) => `${o.path}: ${o.size}`).join("; ")}), over ${INLINE_QUOTA} ${ROLE_INLINE_POLICIES_LIMIT}: ` +
        `IAM refuses the last one put at apply (PutRolePolicy: LimitExceeded). ${SHRINK}, or move the other policy into a customer managed policy attached to the role`,
    ];
  }

  private addStatement(s: StatementJson): void {
    this.statements.push(s);
    // Refused at the call that goes over, not at apply, where PutRolePolicy fails with LimitExceeded and the rest of
    // the stack stops half-deployed (red-team round 113: grantReadOnly for 77 services made 10,497 characters).
    const size = this.permissionsSize();
    if (size.size > ROLE_INLINE_POLICIES_LIMIT) {
      const parts = this.largestStatement();
      this.statements.pop();
      requirePolicyWithin("AgentRole", `roleName "${this.roleName}" (${this.node.path}):`, { makes: "allow(), grantReadOnly() and allowAssume() with this grant make", what: "permissions policy (inline)", ...size, parts },
        { quota: INLINE_QUOTA, value: ROLE_INLINE_POLICIES_LIMIT }, `IAM refuses it at apply (PutRolePolicy: LimitExceeded). ${SHRINK}`);
    }
    if (!this.permissions) {
      this.permissions = new IamRolePolicy(this, "Permissions", {
        name: `${this.roleName}-permissions`,
        role: this.role.id,
        policy: Lazy.stringValue({ produce: () => policyJson(this.statements) }),
        provider: this.provider,
      });
    }
  }
}

/**
 * Refuses a grant the boundary's DenyChangesToAgentIdentities makes void: an action other than a read or role chaining
 * on a resource that lies wholly in an agent role, entry role or agent policy path (`iam:UpdateRole` on
 * `role/agents/other`). A resource that also covers other roles (`role/*`) is kept: the grant holds for those.
 */
function refuseAgentIdentityChanges(who: string, permission: AgentPermission): void {
  const read = (a: string) => AGENT_IDENTITY_READS.some((p) => globMatch(p, a, { caseInsensitive: true }));
  permission.resources.forEach((r, i) => {
    if (isToken(r) || !AGENT_IDENTITY_ARNS.some((p) => globCovers(p, r))) return;
    permission.actions.forEach((a, j) => {
      const [prefix = ""] = a.split(":");
      // A pattern is refused when every action it names is denied there (`iam:Update*`), not when some are reads (`iam:*`).
      const named = hasWildcard(a) ? iamActionsOf(prefix).map((x) => `${prefix}:${x}`).filter((x) => globMatch(a, x, { caseInsensitive: true })) : [a];
      if (named.length === 0 || named.some(read)) return;
      fail(who, `actions[${j}]`,
        `"${a}" on resources[${i}] ("${r}") grants nothing: that is an agent role, an agent entry role or an agent's policy ` +
          `(${AGENT_IDENTITY_ARNS.join(", ")}), and every agent's permission boundary denies all but ${AGENT_IDENTITY_READS.join(", ")} on them ` +
          "(DenyChangesToAgentIdentities), so that no agent can lengthen its sessions, untag or re-policy itself or another agent. " +
          "Change agent roles from outside the agent (the pipeline that deploys them), or grant the action on the roles the agent may change");
    });
  });
}

/** Where the user set the exemptions: the ScopedToken that made this role, or the AgentRole itself. */
function exemptionsOwner(role: AgentRole): string {
  const parent = role.node.scope;
  return parent !== undefined && (parent as { readonly isScopedToken?: boolean }).isScopedToken === true ? parent.node.path : role.node.path;
}

const nameIndexes = new WeakMap<IConstruct, Map<string, IConstruct[]>>();

/** The stack's IAM roles and managed policies by `nameKey`, read once per stack (every AgentRole asks). */
function namesOf(stack: IConstruct): Map<string, IConstruct[]> {
  let index = nameIndexes.get(stack);
  if (!index) {
    index = new Map();
    for (const c of stack.node.findAll()) {
      const key = nameKey(c);
      if (key !== undefined) index.set(key, [...(index.get(key) ?? []), c]);
    }
    nameIndexes.set(stack, index);
  }
  return index;
}

/**
 * Type, provider and lower-case literal name of an IAM role or managed policy resource; undefined for anything else.
 * Without the provider (`byProvider` false) for comparing across stacks, where the account decides.
 */
function nameKey(c: IConstruct, byProvider = true): string | undefined {
  const r = c as { terraformResourceType?: string; nameInput?: unknown; provider?: { node?: { path?: string } }; fqn?: string };
  if (r.terraformResourceType !== "aws_iam_role" && r.terraformResourceType !== "aws_iam_policy") return undefined;
  if (c instanceof TerraformDataSource || typeof r.nameInput !== "string" || isToken(r.nameInput)) return undefined;
  return `${r.terraformResourceType}${byProvider ? ` ${r.provider?.node?.path ?? "default"}` : ""} ${r.nameInput.toLowerCase()}`;
}

const accountIndexes = new WeakMap<IConstruct, Map<string, IConstruct[]>>();

/** A stack's IAM roles and managed policies whose provider pins one account, by `nameKey` without the provider. */
function accountNamesOf(stack: IConstruct): Map<string, IConstruct[]> {
  let index = accountIndexes.get(stack);
  if (!index) {
    index = new Map();
    for (const c of stack.node.findAll()) {
      const key = nameKey(c, false);
      if (key !== undefined && pinnedAccountOf(c) !== undefined) index.set(key, [...(index.get(key) ?? []), c]);
    }
    accountIndexes.set(stack, index);
  }
  return index;
}

const defaultProviders = new WeakMap<IConstruct, TerraformProvider | null>();

/** The stack's one aws provider without an alias, which its resources without a provider use; read once per stack. */
function defaultAwsProvider(stack: TerraformStack): TerraformProvider | undefined {
  let p = defaultProviders.get(stack);
  if (p === undefined) {
    const defaults = stack.node.findAll().filter((x): x is TerraformProvider =>
      TerraformProvider.isTerraformProvider(x) && x.terraformResourceType === "aws" && (x as { alias?: unknown }).alias === undefined);
    defaultProviders.set(stack, (p = defaults.length === 1 ? defaults[0] : null));
  }
  return p ?? undefined;
}

/**
 * The one account a resource's aws provider (its own, else the stack's default) allows, when `allowed_account_ids` names
 * exactly one, literally; undefined otherwise (the apply may go to any account).
 */
function pinnedAccountOf(c: IConstruct): string | undefined {
  const provider = (c as { provider?: TerraformProvider }).provider ?? defaultAwsProvider(TerraformStack.of(c));
  if (!provider) return undefined;
  const ids = (provider as { allowedAccountIds?: unknown }).allowedAccountIds;
  if (!Array.isArray(ids) || isToken(ids) || ids.length !== 1) return undefined;
  const [id] = ids;
  return typeof id === "string" && !isToken(id) && /^\d{12}$/.test(id) ? id : undefined;
}

const INLINE_QUOTA = "IAM's quota for the inline policies of a role (all together, whitespace not counted) of";

const SHRINK =
  "Grant the agent fewer or narrower rights: grantReadOnly only the services its task reads, one allow() for the actions " +
  "it needs on the same resources, and a ScopedToken (a role of its own) for a separate task";

/**
 * Characters of a resolved policy text outside its Terraform references (`${...}`, nested or not), whitespace not
 * counted: what a reference becomes is unknown until apply, so it counts as nothing and the size is a lower bound.
 */
function referenceFreeSize(text: unknown): number {
  if (typeof text !== "string") return 0;
  let depth = 0;
  let out = "";
  for (let i = 0; i < text.length; i++) {
    if (text[i] === "$" && text[i + 1] === "{") {
      depth++;
      i++;
    } else if (depth > 0 && text[i] === "{") depth++;
    else if (depth > 0 && text[i] === "}") depth--;
    else if (depth === 0) out += text[i];
  }
  return out.replace(/\s/g, "").length;
}
