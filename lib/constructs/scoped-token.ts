import { Construct } from "constructs";
import { Lazy, TerraformOutput, type TerraformProvider } from "cdktf";
import { acknowledge } from "../cdktf/acknowledge";
import { expiryInstant } from "../config/acknowledgements";
import { AgentPrincipal } from "./agent-principal";
import { AgentRole, roleNamedBy } from "./agent-role";
import { resolveBoundaryExemptions, type BoundaryExemption } from "./boundary-exemptions";
import { checkActionSyntax, refuseDestroyActions, refuseSignInOutside } from "./destroy-guard";
import { policyJson, policyTextSize, requirePolicyWithin, type ConditionBlock, type StatementJson } from "./policy-document";
import { globMatch } from "../engine/iam/glob";
import { iamActionProblem } from "../engine/iam-actions";
import { AGENT_TAG } from "../engine/agents";
import { fail, isToken, requireAccountId, requireIamName, requireIamTagKey, requireInteger, requireNonEmpty, requireRegion, requireProps, propNames, refuseUnknownProps } from "./validate";

/** STS issues credentials for at least 15 minutes; an agent token lives at most an hour (also the role-chaining cap). */
export const SCOPED_TOKEN_MIN_SECONDS = 900;
export const SCOPED_TOKEN_MAX_SECONDS = 3600;
/** AWS's limit for an inline session policy (packed plain text). */
const SESSION_POLICY_LIMIT = 2048;

export interface ScopedTokenProps {
  /** Name of the token's role (under `/agents/scoped/`), also its session name prefix. */
  readonly name: string;
  /**
   * The only principal that may get this token: an AgentRole (its session chains into this role, keeping its
   * source identity) or an OIDC subject (`AgentPrincipal.oidc` / `githubActions` / `gitlabCi`). Any other principal
   * (`AgentPrincipal.role`, even of a role under `/agents/`, or `identityCenterPermissionSet`) is refused: make an
   * AgentRole it assumes and pass that.
   */
  readonly assumedBy: AgentRole | AgentPrincipal;
  /**
   * The actions of the task, exactly: no `*` or `?`, except the read-only `Describe*`, `List*` and `Get*` of a
   * service with `allowAnyResource`; catalogue actions are refused, and so are names IAM does not know.
   */
  readonly actions: readonly string[];
  /**
   * The resources of the task (ARNs). `*`, or an ARN whose resource part starts with a segment of only wildcards
   * (every object of every bucket), only with `allowAnyResource`.
   */
  readonly resources: readonly string[];
  /**
   * Accept `*` in `resources`, and the read-only patterns `Describe*`, `List*` and `Get*` in `actions`, for actions
   * without resource-level permissions (`ec2:Describe*`).
   * @default false
   */
  readonly allowAnyResource?: boolean;
  /** The one environment the token works in: resources must carry this value in `environmentTagKey`. */
  readonly environment: string;
  /**
   * The tag key the environment is read from (and the token's role is tagged with): an IAM tag key, 1 to 128 letters,
   * digits, spaces and `_ . : / = + - @`, not starting with `aws:` and not `blastwall:agent`.
   * @default "environment"
   */
  readonly environmentTagKey?: string;
  /**
   * Require the environment tag on every resource touched (`aws:ResourceTag/<key>`). Some actions do not
   * support that key (creation calls, some list calls) and are then denied; turn it off for such a token.
   * @default true
   */
  readonly requireEnvironmentTag?: boolean;
  /** The account the resources are in (`aws:ResourceAccount`); 12 digits. A resource ARN of another account is refused. */
  readonly accountId: string;
  /** The region calls may go to (`aws:RequestedRegion`). A resource ARN of another region is refused. */
  readonly region: string;
  /**
   * Token lifetime in seconds, 900 to 3600, as the `aws sts assume-role` arguments ask for it. IAM cannot enforce it
   * below the role's maximum session duration, whose minimum is one hour: a caller may still ask for up to an hour.
   * @default 900 (15 minutes)
   */
  readonly lifetimeSeconds?: number;
  /**
   * Source identity to pass when the caller starts a fresh session (`agent-...`). Leave it out when chaining from
   * an AgentRole session: the source identity set there carries over and cannot be changed, and it is what the token
   * role's trust (`sts:SourceIdentity` = `agent-*`) reads.
   * @default - none (carried over from the calling session); `agent-<name>` for a subject that enters through an
   * entry role (`githubActions`, `gitlabCi`), whose trust requires one
   */
  readonly sourceIdentity?: string;
  /** Provider (account) the role is created in. @default the scope's default AWS provider */
  readonly provider?: TerraformProvider;
  /**
   * Warning-graded catalogue actions of the task that the token role's boundary leaves open, each with why the task
   * needs it (AgentRole's `boundaryExemptions`, same rules); each must also be one of `actions`.
   * @default none: the boundary denies every catalogue action
   */
  readonly boundaryExemptions?: readonly BoundaryExemption[];
}

/**
 * Short-lived, narrowly scoped credentials for one task in one environment: an agent role (boundary and all)
 * that only the given principal can assume, whose only permission is the task's actions on the task's
 * resources in one account, region and environment; the same statement is output as a session policy, with
 * the exact `aws sts` parameters (asking for 15 minutes by default; IAM caps a session at the role's hour).
 */
const PROPS = propNames<ScopedTokenProps>({
  name: true, assumedBy: true, actions: true, resources: true, allowAnyResource: true, environment: true, environmentTagKey: true,
  requireEnvironmentTag: true, accountId: true, region: true, lifetimeSeconds: true, sourceIdentity: true, provider: true,
  boundaryExemptions: true,
});

export class ScopedToken extends Construct {
  /** Marks the AgentRole it makes as its own: the gate's messages then send the user to the ScopedToken's props. */
  readonly isScopedToken = true;
  readonly role: AgentRole;
  readonly roleArn: string;
  /** The session policy JSON (the same statement the role holds); pass it as `--policy`. */
  readonly sessionPolicy: string;
  readonly lifetimeSeconds: number;
  /**
   * Arguments for the AWS CLI after `aws`, e.g. `["sts", "assume-role", "--role-arn", ...]`. For an AgentRole, the
   * call to make with the agent role's session: they pass no `--source-identity`, since the one that session carries
   * (every agent session has one: its trust requires it) passes to the token role and satisfies its trust. For a subject
   * that enters through an entry role (`githubActions`, `gitlabCi`), the `assume-role` to make with the entry role's
   * session, with `--source-identity agent-<name>` (or `sourceIdentity`). For an OIDC subject whose tokens carry a source
   * identity, `assume-role-with-web-identity`: append `--web-identity-token`.
   */
  readonly assumeRoleArgs: readonly string[];
  /** The entry role's ARN (a token) when the principal's tokens cannot carry a source identity; else undefined. */
  readonly entryRoleArn?: string;

  constructor(scope: Construct, id: string, props: ScopedTokenProps) {
    super(scope, id);
    requireProps("ScopedToken", props, ["name", "assumedBy", "actions", "resources", "environment", "accountId", "region"]);
    refuseUnknownProps("ScopedToken", props, PROPS);
    const C = "ScopedToken";
    const name = requireIamName(C, "name", props.name, 64);
    const lifetime = requireInteger(C, "lifetimeSeconds", props.lifetimeSeconds ?? SCOPED_TOKEN_MIN_SECONDS, SCOPED_TOKEN_MIN_SECONDS,
      SCOPED_TOKEN_MAX_SECONDS, "seconds", "STS issues at least 15 minutes and an agent token must expire within the hour");
    if (!(props.assumedBy instanceof AgentRole) && !(props.assumedBy instanceof AgentPrincipal)) {
      fail(C, "assumedBy", `is required: the AgentRole whose sessions chain into the token, or an AgentPrincipal (AgentPrincipal.githubActions(...), .gitlabCi(...), .oidc(...)) (got ${props.assumedBy === undefined ? "nothing" : JSON.stringify(props.assumedBy)})`);
    }
    // The token role trusts this principal alone. A role that is not an AgentRole has no agent boundary and need not be an
    // agent's at all (`role/Admin`), nor is a permission set's: whoever holds it would get the token, which the
    // docs promise to one AgentRole or one OIDC subject (red-team round 92).
    if (props.assumedBy instanceof AgentPrincipal && props.assumedBy.kind !== "oidc") {
      fail(C, "assumedBy", `must be an AgentRole or an OIDC subject (AgentPrincipal.githubActions(...), .gitlabCi(...), .oidc(...)), not ${props.assumedBy.describe()}: ` +
        "the token is for one agent, and that principal is none (it has no agent boundary, and its sessions need not carry an agent- source identity). " +
        "Make an AgentRole that it assumes (assumedBy: [AgentPrincipal.role(...)] or [AgentPrincipal.identityCenterPermissionSet(...)]) and pass that AgentRole here: " +
        "its sessions chain into the token role with their source identity");
    }
    const accountId = requireAccountId(C, "accountId", props.accountId);
    const region = requireRegion(C, "region", props.region);
    requireNonEmpty(C, "actions", props.actions, "action");
    props.actions.forEach((a, i) => {
      if (isToken(a)) fail(C, "actions", "must be literal action names so they can be checked against the destroy-rights catalogue");
      checkActionSyntax(`${C}: actions`, a);
      const problem = iamActionProblem(a, "IAM accepts it and grants nothing");
      if (problem) fail(C, `actions[${i}]`, problem);
    });
    const exemptions = resolveBoundaryExemptions(C, props.boundaryExemptions);
    // Refused here, before anything is created, so the message names this construct's prop.
    refuseDestroyActions(`${C}: actions`, props.actions, new Set(exemptions.map((x) => x.action.toLowerCase())));
    for (const x of exemptions) {
      if (!props.actions.some((a) => globMatch(a, x.action, { caseInsensitive: true }))) {
        fail(C, `${x.at}.action:`, `${x.action} is exempted from the token role's permission boundary but is not one of actions: add it to actions, or remove the exemption, so the boundary opens only for a right the task uses`);
      }
    }
    // A pattern also grants whatever AWS adds under it later. Read-only families stay allowed with allowAnyResource:
    // that is what it is for (actions without resource-level permissions, `ec2:Describe*`).
    // In any case: IAM matches actions case-insensitively (red-team round 67).
    const readOnly = (a: string) => props.allowAnyResource === true && /^[a-z0-9-]+:(describe|list|get)\*$/i.test(a);
    const pattern = props.actions.find((a) => /[*?]/.test(a) && !readOnly(a));
    if (pattern !== undefined) {
      fail(C, "actions", `must be the actions of the task, exactly, without * or ? (got "${pattern}"); only the read-only Describe*, List* and Get* are accepted, with allowAnyResource`);
    }
    requireNonEmpty(C, "resources", props.resources, "resource ARN");
    // A token takes literal ARNs only, and a literal ARN may name a pool or CA outside the stack.
    refuseSignInOutside(C, props.actions, props.resources, "A ScopedToken takes literal ARNs only, so it cannot name this stack's own pool or CA; grant the action on the agent's AgentRole with allow(), on that resource's arn (a reference)");
    // A wildcard that stands for every resource of a service (`arn:aws:s3:::*`, `arn:aws:ec2:*:*:*`, `**`) is `*` by
    // another name, and so is one whose first segment is only wildcards (`arn:aws:s3:::*/*`: every object of every
    // bucket); a token may resolve to anything.
    const everything = (r: string) =>
      isToken(r) || !r.startsWith("arn:") || /^arn:[^:]*:[^:]*:[^:]*:[^:]*:([*?]*$|[*?]+[/:])/.test(r) || /^arn:[^:]*\*/.test(r) || /^arn:[^:]*:\*/.test(r);
    const wide = props.allowAnyResource ? undefined : props.resources.find(everything);
    if (wide !== undefined) {
      fail(
        C,
        "resources",
        isToken(wide)
          ? "must be literal ARNs (got a token, such as a resource's .arn, which the session policy cannot check before deploy): write the ARN out, e.g. arn:aws:lambda:eu-central-1:111111111111:function:name"
          : `must name the resources of the task (got "${wide}", which may stand for every resource); set allowAnyResource for actions that have no resource-level permissions`,
      );
    }
    // The conditions hold every call to aws:ResourceAccount and aws:RequestedRegion: a resource elsewhere is never
    // reached, and the token that was to do the task does nothing. ARNs without an account or region (S3, IAM) pass.
    props.resources.forEach((r, i) => {
      if (isToken(r) || !r.startsWith("arn:")) return;
      const [, , , arnRegion = "", arnAccount = ""] = r.split(":");
      if (/^[\d*?]+$/.test(arnAccount) && !globMatch(arnAccount, accountId)) {
        fail(C, `resources[${i}]`, `is in account ${arnAccount}, but accountId is ${accountId} (got "${r}"): the token's aws:ResourceAccount condition never matches it, so every call on it is denied. Use an ARN of ${accountId}, or a token with accountId: "${arnAccount}" for that account's resources`);
      }
      if (arnRegion !== "" && !isToken(arnRegion) && !globMatch(arnRegion, region)) {
        fail(C, `resources[${i}]`, `is in region ${arnRegion}, but region is ${region} (got "${r}"): the token's aws:RequestedRegion condition denies every call to ${arnRegion}. Use an ARN of ${region}, or a token with region: "${arnRegion}" for that region's resources`);
      }
    });
    if (!props.environment || isToken(props.environment) || /[*?]/.test(props.environment)) fail(C, "environment", `must be a literal environment name such as "staging" (got ${JSON.stringify(props.environment)}): the token works on resources tagged with exactly that value`);
    const tagKey = props.environmentTagKey ?? "environment";
    if (!tagKey || isToken(tagKey) || /[*?]/.test(tagKey)) fail(C, "environmentTagKey", `must be a literal tag key such as "environment" (got ${JSON.stringify(tagKey)})`);
    requireRoleTagKey(C, "environmentTagKey", tagKey);
    if (props.sourceIdentity !== undefined && !/^agent-[\w+=,.@-]+$/.test(props.sourceIdentity)) {
      fail(C, "sourceIdentity", `must start with "agent-" and use letters, digits and _+=,.@- only (got "${props.sourceIdentity}")`);
    }

    const principal = props.assumedBy instanceof AgentRole ? AgentPrincipal.role(props.assumedBy.roleArn) : props.assumedBy;
    // Checked here, so the message names this construct's prop: AgentRole would name its own roleName (red-team round 77).
    if (!principal.carriesSourceIdentity && name.length > 64 - "-entry".length) {
      fail(C, "name", `must be at most ${64 - "-entry".length} characters here (got ${name.length}, "${name}"): ${principal.describe()} cannot set a source identity, so it enters through an entry role named ${name}-entry, and IAM role names are at most 64 characters`);
    }
    this.role = new AgentRole(this, "Role", {
      roleName: name,
      path: "/agents/scoped/",
      assumedBy: [principal],
      description: `Scoped agent token ${name} for ${props.environment} (${accountId}, ${region}) (blastwall)`,
      // A token is for one task: no session tags that could widen tag-based access.
      sessionTagKeys: [],
      tags: { [tagKey]: props.environment },
      provider: props.provider,
      ...(props.boundaryExemptions !== undefined ? { boundaryExemptions: props.boundaryExemptions } : {}),
    });
    roleNamedBy(this.role, "ScopedToken", "name", this.node.path);

    const conditions: Record<string, Record<string, string>> = {
      StringEquals: {
        "aws:ResourceAccount": accountId,
        "aws:RequestedRegion": region,
        ...(props.requireEnvironmentTag === false ? {} : { [`aws:ResourceTag/${tagKey}`]: props.environment }),
      },
    };
    // The role's own policy and the session policy are the same statement: the session cannot exceed the role,
    // and the role stays narrow even when a caller forgets the session policy.
    this.role.allow({ sid: "Task", actions: props.actions, resources: props.resources, conditions: conditions as ConditionBlock });
    if (props.assumedBy instanceof AgentRole) {
      props.assumedBy.allowAssume(this.role);
      // The parent agent reaches the token role, so the gate reports the exempted rights on it too, as one transitive
      // finding: acknowledged there with the same reasons, limited to the path into this token's role (red-team round 77).
      const granted = exemptions.filter((x) => props.actions.some((a) => globMatch(a, x.action, { caseInsensitive: true })));
      if (granted.length > 0) {
        const expiries = granted.filter((x) => x.expires !== undefined).sort((a, b) => expiryInstant(a.expires!)! - expiryInstant(b.expires!)!);
        const role = this.role.role;
        // The parent's entry roles (a CI job's) reach the token role through the parent: the same finding there.
        for (const holder of [props.assumedBy.role, ...props.assumedBy.entryRoles]) {
          acknowledge(holder, {
            ruleId: "agent-transitive-destroy",
            reason: `${granted.map((x) => `${x.action}: ${x.reason}`).join("; ")}, held by the token role this agent may assume (boundaryExemptions of ${this.node.path})`,
            ...(expiries.length > 0 ? { expires: expiries[0].expires } : {}),
            actions: granted.map((x) => x.action),
            resource: Lazy.stringValue({ produce: () => `${role.terraformResourceType}.${role.friendlyUniqueId}` }),
          });
        }
      }
    }

    const statement: StatementJson = {
      Sid: "Task",
      Effect: "Allow",
      Action: [...props.actions],
      Resource: [...props.resources],
      Condition: conditions,
    };
    this.sessionPolicy = policyJson([statement]);
    // A reference's length is unknown until apply: a policy with one is measured without it, a lower bound.
    requirePolicyWithin(C, "actions", { makes: "and resources make", what: "session policy", ...policyTextSize(this.sessionPolicy, { whitespace: "counted" }) },
      { quota: "STS's", value: SESSION_POLICY_LIMIT }, "split the task into two tokens");
    this.lifetimeSeconds = lifetime;
    this.roleArn = this.role.roleArn;

    const sessionName = `agent-${name}`.slice(0, 64);
    // A subject whose tokens cannot carry a source identity (GitHub Actions, GitLab CI) may only assume the entry role
    // with its token; these arguments are the second call, made with the entry role's session, which must set one.
    const entry = principal.kind === "oidc" && !principal.carriesSourceIdentity ? this.role.entryRoles[0] : undefined;
    const sourceIdentity = props.sourceIdentity ?? (entry ? sessionName : undefined);
    this.assumeRoleArgs =
      principal.kind === "oidc" && !entry
        ? ["sts", "assume-role-with-web-identity", "--role-arn", this.roleArn, "--role-session-name", sessionName,
            "--duration-seconds", String(lifetime), "--policy", this.sessionPolicy]
        : ["sts", "assume-role", "--role-arn", this.roleArn, "--role-session-name", sessionName,
            "--duration-seconds", String(lifetime), "--policy", this.sessionPolicy,
            ...(sourceIdentity ? ["--source-identity", sourceIdentity] : [])];
    this.entryRoleArn = entry?.arn;

    new TerraformOutput(this, "RoleArnOutput", { value: this.roleArn, description: `Role of scoped agent token ${name}` });
    new TerraformOutput(this, "SessionPolicyOutput", { value: this.sessionPolicy, description: `Session policy of scoped agent token ${name}` });
    new TerraformOutput(this, "AssumeRoleArgsOutput", {
      value: this.assumeRoleArgs,
      description:
        `aws CLI arguments for scoped agent token ${name} (${lifetime} s)` +
        (entry
          ? "; run them with the session of the entry role (EntryRoleArnOutput), which the caller gets with aws sts assume-role-with-web-identity and its OIDC token"
          : principal.kind === "oidc" ? "; append --web-identity-token with the caller's OIDC token" : "; run them with the agent role's session, whose source identity carries over"),
    });
    if (entry) new TerraformOutput(this, "EntryRoleArnOutput", { value: entry.arn, description: `Entry role of scoped agent token ${name}: assume it with the OIDC token, then the token's role` });
  }
}

function requireRoleTagKey(C: string, prop: string, key: string): void {
  const got = `(got ${JSON.stringify(key)})`;
  requireIamTagKey(C, prop, key, "the token's role", '"environment"');
  if (key.toLowerCase() === AGENT_TAG) {
    fail(C, prop, `must not be ${AGENT_TAG} ${got}: the token's role is an agent role, which AgentRole tags ${AGENT_TAG} = "true"; the environment needs a key of its own, such as "environment"`);
  }
}
