import { globsIntersect } from "../engine/iam/glob";
import { Construct } from "constructs";
import { type TerraformProvider } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { OrganizationsAccount } from "@cdktf/provider-aws/lib/organizations-account";
import { OrganizationsOrganization } from "@cdktf/provider-aws/lib/organizations-organization";
import { OrganizationsOrganizationalUnit } from "@cdktf/provider-aws/lib/organizations-organizational-unit";
import { OrganizationsPolicy } from "@cdktf/provider-aws/lib/organizations-policy";
import { OrganizationsPolicyAttachment } from "@cdktf/provider-aws/lib/organizations-policy-attachment";
import { existingOrganization } from "./organization";
import { AGENT_ENTRY_PATH, AGENT_PATH } from "../engine/agents";
import { baselinePolicies, denyAgentsPolicy, denyAgentsResourcePolicy, denyDestroyPolicies } from "./guardrail-policies";
import { policyJson, type StatementJson } from "./policy-document";
import { fail, isToken, partitionOf, requireAccountId, requireIamName, requireObject, requireRegion, requireProps, propNames, refuseUnknownOptions, refuseUnknownProps } from "./validate";

export type Environment = "production" | "staging" | "sandbox" | "backup" | "log";

const ENVIRONMENTS: readonly Environment[] = ["production", "staging", "sandbox", "backup", "log"];
const OU_NAMES: Record<Environment, string> = { production: "Production", staging: "Staging", sandbox: "Sandbox", backup: "Backup", log: "Log" };

/** AWS allows five SCPs per target, and FullAWSAccess (attached by default) is one of them. */
const MAX_OWN_SCPS_PER_TARGET = 4;

export interface AccountSpec {
  /** Account name. */
  readonly name: string;
  /** Root user email, unique across AWS. */
  readonly email: string;
  /**
   * The account's id once known (after the first apply, or for an imported account): the environment's provider
   * then pins it (`allowed_account_ids`) and assumes the role without waiting for the account resource.
   * @default - the id of the created account (a reference)
   */
  readonly accountId?: string;
}

/** The options of `EnvironmentAccounts.providerFor`. */
export interface ProviderForOptions {
  /** The region the provider deploys to, in the organization's partition. @default the environment's region */
  readonly region?: string;
  /** The provider's alias; without one it is the stack's default AWS provider. @default none */
  readonly alias?: string;
}

const PROVIDER_FOR_OPTIONS = propNames<ProviderForOptions>({ region: true, alias: true });

export interface EnvironmentAccountsProps {
  /** One account per environment; production and backup are required, the others optional. */
  readonly accounts: {
    readonly production: AccountSpec;
    readonly backup: AccountSpec;
    readonly staging?: AccountSpec;
    readonly sandbox?: AccountSpec;
    readonly log?: AccountSpec;
  };
  /** Region of the environment providers. */
  readonly region: string;
  /** Create the organization itself (all features, SCPs enabled). @default false */
  readonly createOrganization?: boolean;
  /**
   * Id of the organization root (`r-...`) of an existing organization; required unless `createOrganization`.
   *
   * Joining an existing organization takes one-time steps in its management account, which the AWS provider
   * (@cdktf/provider-aws 21) cannot take for a root it does not manage: enable the SERVICE_CONTROL_POLICY type,
   * `aws organizations enable-policy-type --root-id r-xxxx --policy-type SERVICE_CONTROL_POLICY`, and the
   * RESOURCE_CONTROL_POLICY type (see `denyAgentsByResourcePolicy`). Each policy carries a precondition, read through
   * the `aws_organizations_organization` data source, that stops the plan with the command while its type is not
   * enabled, rather than AttachPolicy failing halfway through an apply (PolicyTypeNotEnabledException). An
   * AgentAuditTrail (an organization trail) also needs trusted access for CloudTrail, `aws organizations
   * enable-aws-service-access --service-principal cloudtrail.amazonaws.com`, and checks it the same way.
   */
  readonly rootId?: string;
  /**
   * Roles that may still use destroy and protection-changing actions in the protected environments, and rewrite
   * resource policies there (bucket, key, vault, secret and table policies). Terraform runs that change protection
   * settings or write those policies there (a Vault Lock, an RDS modification, a bucket policy) must run as one of
   * them: add the role your human-approved deploys use (e.g. the account access role behind `blastwall gate`) when
   * that is how you deploy.
   *
   * In every account only these roles may create, delete, pass or change (trust, policies, boundary, settings, tags)
   * a role matching these patterns: an exemption anyone with IAM rights could join would be none. Create break-glass
   * roles through one of them, or before the SCPs are attached; SCPs never bind the management account, where the
   * policies themselves can be changed.
   *
   * ARNs in the partition of `region`, or with `*` for it (`arn:*:iam::*:role/breakglass/*`). A pattern that may
   * match an agent role (`role/agents/...`) or an agent entry role (`role/agent-entry/...`) is refused: exempt from
   * the SCPs, an agent would be bound by none of them.
   * @default ["arn:<partition of region>:iam::*:role/breakglass/*"] (`arn:aws:...` outside GovCloud, China and the ISO regions)
   */
  readonly privilegedRoleArns?: readonly string[];
  /**
   * Environments where destroy rights are denied outside `privilegedRoleArns`; must include production, backup and,
   * when it has an account, log. @default ["production", "backup", "log"]
   */
  readonly denyDestroyIn?: readonly Environment[];
  /**
   * Also deny, in the `denyDestroyIn` environments, the catalogue actions that are an application's ordinary data
   * work or routine operations (`WORKLOAD_ACTIONS`: deleting S3 objects and DynamoDB items, database logins and
   * Data API statements, EFS and OpenSearch writes, Keyspaces row writes, S3 Tables commits, purging a queue, attaching
   * a volume, ...), to every principal but `privilegedRoleArns`.
   *
   * By default the deny-destroy SCPs leave them to workloads: they bind every role of those accounts, application
   * roles included, and denying them breaks production applications at runtime (and only there, staging is not under
   * the SCP). What they change is recovered through the protections the other constructs keep on (versioning, point-
   * in-time recovery, snapshots, backups), whose switches stay denied; agents are denied them anyway (`denyAgentsIn`
   * denies agents everything). Everything else stays denied: deleting a bucket, table, volume, database, snapshot,
   * backup, vault or key, `s3:DeleteObjectVersion`, terminating instances, turning a protection off. Set it to true
   * where production workloads never delete data. @default false
   */
  readonly denyWorkloadActions?: boolean;
  /** Environments agents may not act in at all; must include production, backup and, when it has an account, log. @default ["production", "backup", "log"] */
  readonly denyAgentsIn?: readonly Environment[];
  /**
   * Also attach a resource control policy to the `denyAgentsIn` OUs that denies agent principals (agent paths,
   * `agent-*` source identity) every S3, STS, KMS, SQS and Secrets Manager call on those accounts' resources. The
   * SCPs bind only the principals of their own accounts: an agent of staging that a bucket, key, queue, secret or role
   * trust policy in production admits reaches it through that policy, and only an RCP stops it.
   *
   * Needs the organization's RESOURCE_CONTROL_POLICY type. With `createOrganization` it is enabled here. With
   * `rootId` (an existing organization) it is a mandatory one-time step before the first apply, in the management
   * account: `aws organizations enable-policy-type --root-id r-xxxx --policy-type RESOURCE_CONTROL_POLICY`. The AWS
   * provider (@cdktf/provider-aws 21) has no resource that enables a policy type on a root it does not manage, so
   * blastwall cannot do it; instead the policy carries a precondition (read through the
   * `aws_organizations_organization` data source) that stops the plan with that command when the type is not enabled,
   * rather than AttachPolicy failing halfway through an apply (PolicyTypeNotEnabledException).
   *
   * It covers only those five services: an agent admitted by a resource policy of another service (DynamoDB,
   * Lambda, SNS, ECR, Kinesis, EFS, a RAM share) is not stopped by the RCP or the SCPs; its own permission boundary
   * still denies it destroy actions. Turn it off only where RCPs are not available. @default true
   */
  readonly denyAgentsByResourcePolicy?: boolean;
  /** The admin role Organizations creates in each account, assumed by the environment providers. @default "OrganizationAccountAccessRole" */
  readonly accountAccessRoleName?: string;
  /** Provider of the management account. @default the scope's default AWS provider */
  readonly provider?: TerraformProvider;
}

/**
 * Separated AWS accounts under AWS Organizations: one OU and account per environment, SCPs that keep agents out
 * of production and the backup account entirely, deny destroy rights outside break-glass roles (which only
 * break-glass roles may create or change; an application's ordinary data work stays open, see `denyWorkloadActions`), protect the audit trail and backups and forbid agent access keys; one `AwsProvider` per environment (assume role into it).
 * Accounts are never closed by a destroy and policies survive one (`skip_destroy`).
 */
const PROPS = propNames<EnvironmentAccountsProps>({
  accounts: true, region: true, createOrganization: true, rootId: true, privilegedRoleArns: true, denyDestroyIn: true,
  denyWorkloadActions: true, denyAgentsIn: true, denyAgentsByResourcePolicy: true, accountAccessRoleName: true, provider: true,
});
const ACCOUNT_ENVIRONMENTS = propNames<EnvironmentAccountsProps["accounts"]>({ production: true, backup: true, staging: true, sandbox: true, log: true });
const ACCOUNT_SPEC = propNames<AccountSpec>({ name: true, email: true, accountId: true });

export class EnvironmentAccounts extends Construct {
  /** One provider per environment, aliased by the environment's name; pass it as `provider` to deploy there. */
  readonly providers: Partial<Record<Environment, AwsProvider>> & { readonly production: AwsProvider; readonly backup: AwsProvider };
  readonly accounts: Partial<Record<Environment, OrganizationsAccount>>;
  readonly organizationalUnits: Partial<Record<Environment, OrganizationsOrganizationalUnit>>;
  /** The service control policies. */
  readonly policies: OrganizationsPolicy[] = [];
  /** The resource control policy denying agents the protected accounts' resources (unless `denyAgentsByResourcePolicy` is false). */
  readonly resourceControlPolicy?: OrganizationsPolicy;
  readonly organization?: OrganizationsOrganization;
  /** The admin role Organizations creates in each account (`accountAccessRoleName`); ProtectedKey refuses it as a key administrator. */
  readonly accountAccessRoleName: string;

  private readonly settings = new Map<Environment, { accountId?: string; region: string; roleName: string }>();
  private readonly partition: string;

  constructor(scope: Construct, id: string, props: EnvironmentAccountsProps) {
    super(scope, id);
    requireProps("EnvironmentAccounts", props, ["region", "accounts (production and backup at least)", "rootId (or createOrganization: true)"]);
    const C = "EnvironmentAccounts";
    const region = requireRegion(C, "region", props.region);
    refuseUnknownProps(C, props, PROPS);
    requireObject(C, "accounts", props.accounts, "one account per environment, { production, backup } at least");
    refuseUnknownProps(C, props.accounts, ACCOUNT_ENVIRONMENTS, "accounts");
    for (const e of ["production", "backup"] as const) requireObject(C, `accounts.${e}`, props.accounts[e], `the ${e} account, { name, email }`);
    for (const [e, spec] of Object.entries(props.accounts)) if (spec !== null && typeof spec === "object") refuseUnknownProps(C, spec, ACCOUNT_SPEC, `accounts.${e}`);
    if (props.denyAgentsByResourcePolicy !== undefined && typeof props.denyAgentsByResourcePolicy !== "boolean") {
      fail(C, "denyAgentsByResourcePolicy", `must be true or false (got ${JSON.stringify(props.denyAgentsByResourcePolicy)})`);
    }
    const rcp = props.denyAgentsByResourcePolicy !== false;
    if (props.denyWorkloadActions !== undefined && typeof props.denyWorkloadActions !== "boolean") {
      fail(C, "denyWorkloadActions", `must be true or false (got ${JSON.stringify(props.denyWorkloadActions)})`);
    }
    const roleName = requireIamName(C, "accountAccessRoleName", props.accountAccessRoleName ?? "OrganizationAccountAccessRole");
    this.accountAccessRoleName = roleName;
    // The organization, its accounts and their roles are all in the partition of the region.
    const partition = partitionOf(region);
    this.partition = partition;
    const privileged = props.privilegedRoleArns ?? [`arn:${partition}:iam::*:role/breakglass/*`];
    if (privileged.length === 0) fail(C, "privilegedRoleArns", "must name at least one break-glass role; with none, a destroy can never be done on purpose either");
    for (const p of privileged) {
      const m = /^arn:([a-z*-]+):iam::(\d{12}|\*):role\/(.+)$/.exec(p);
      if (!m || m[3] === "*") {
        fail(C, "privilegedRoleArns", `must be IAM role ARN patterns narrower than every role, like arn:${partition}:iam::*:role/breakglass/* (got "${p}")`);
      }
      // ArnNotLike compares the partition: a pattern of another one exempts no role, and the deploys it names fail.
      if (m[1] !== partition && m[1] !== "*") {
        fail(C, "privilegedRoleArns", `must be in the partition of region ${region} (${partition}), or name any with arn:*: (got "${p}"): a role of another partition never matches, so no one would be exempt`);
      }
      // ArnLike's `*` crosses `/`: `role/a*` covers `role/agents/x`, and an agent exempt from the SCPs is no agent.
      if (globsIntersect(p, `arn:*:iam::*:role${AGENT_PATH}*`, { caseInsensitive: true })) fail(C, "privilegedRoleArns", `must not cover agent roles under ${AGENT_PATH} (got "${p}")`);
      // Entry roles are agents too (whoever holds a CI job's token holds their session), and their sessions carry no
      // source identity: exempt from the SCPs, nothing in the organization would bind them (red-team round 175).
      if (globsIntersect(p, `arn:*:iam::*:role${AGENT_ENTRY_PATH}*`, { caseInsensitive: true })) {
        fail(C, "privilegedRoleArns", `must not cover the agent entry roles under ${AGENT_ENTRY_PATH} (got "${p}"): AgentRole puts them between a CI job (GitHub Actions, GitLab CI) and its agent role, so whoever holds the job's token holds their sessions, which carry no agent source identity; exempt from the deny-destroy, baseline and audit SCPs, they would be bound by none. Name break-glass roles only, like arn:${partition}:iam::*:role/breakglass/*`);
      }
    }
    const present = ENVIRONMENTS.filter((e) => props.accounts[e] !== undefined);
    const onlyPresent = (prop: string, envs: readonly Environment[]) => {
      for (const e of envs) if (!present.includes(e)) fail(C, prop, `names "${e}", which has no account in accounts`);
      return envs;
    };
    const denyDestroyIn = onlyPresent("denyDestroyIn", props.denyDestroyIn ?? present.filter((e) => e === "production" || e === "backup" || e === "log"));
    const denyAgentsIn = onlyPresent("denyAgentsIn", props.denyAgentsIn ?? present.filter((e) => e === "production" || e === "backup" || e === "log"));
    // The log account holds the audit trail: an agent that can act or destroy there can erase what it did.
    const where = { production: "production", backup: "the account that holds the last copy", log: "the account that holds the audit trail" } as const;
    const protectedEnvs: readonly (keyof typeof where)[] = present.includes("log") ? ["production", "backup", "log"] : ["production", "backup"];
    for (const must of protectedEnvs) {
      if (!denyAgentsIn.includes(must)) fail(C, "denyAgentsIn", `must include "${must}": agents have no business in ${where[must]}`);
      if (present.includes(must) && !denyDestroyIn.includes(must)) fail(C, "denyDestroyIn", `must include "${must}": its data is what the deny-destroy SCP is for`);
    }
    const seenEmails = new Set<string>();
    for (const e of present) {
      const spec = props.accounts[e]!;
      if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(spec.email)) fail(C, `accounts.${e}.email`, `must be an email address (got "${spec.email}")`);
      if (seenEmails.has(spec.email.toLowerCase())) fail(C, `accounts.${e}.email`, `is used by two accounts (${spec.email}); every AWS account needs its own`);
      seenEmails.add(spec.email.toLowerCase());
      if (spec.accountId !== undefined) {
        requireAccountId(C, `accounts.${e}.accountId`, spec.accountId);
        // One account for two environments is no separation at all: the point of the construct.
        const other = Object.entries(props.accounts).find(([o, x]) => o !== e && (x as { accountId?: string } | undefined)?.accountId === spec.accountId);
        if (other) fail(C, `accounts.${e}.accountId`, `is also accounts.${other[0]}.accountId (${spec.accountId}): each environment needs an account of its own`);
      }
    }

    let rootId: string;
    if (props.createOrganization) {
      this.organization = new OrganizationsOrganization(this, "Organization", {
        featureSet: "ALL",
        enabledPolicyTypes: ["SERVICE_CONTROL_POLICY", "BACKUP_POLICY", "TAG_POLICY", ...(rcp ? ["RESOURCE_CONTROL_POLICY"] : [])],
        awsServiceAccessPrincipals: ["backup.amazonaws.com", "cloudtrail.amazonaws.com"],
        lifecycle: { preventDestroy: true },
        provider: props.provider,
      });
      rootId = this.organization.roots.get(0).id;
    } else {
      if (props.rootId === undefined) fail(C, "rootId", "is required unless createOrganization is true (the organization root, r-...)");
      if (!isToken(props.rootId) && !/^r-[0-9a-z]{4,32}$/.test(props.rootId)) fail(C, "rootId", `must be an organization root id like r-ab12 (got "${props.rootId}")`);
      rootId = props.rootId;
    }

    const ous: Partial<Record<Environment, OrganizationsOrganizationalUnit>> = {};
    const accounts: Partial<Record<Environment, OrganizationsAccount>> = {};
    const providers: Partial<Record<Environment, AwsProvider>> = {};
    for (const e of present) {
      const spec = props.accounts[e]!;
      ous[e] = new OrganizationsOrganizationalUnit(this, `${OU_NAMES[e]}Ou`, {
        name: OU_NAMES[e],
        parentId: rootId,
        lifecycle: { preventDestroy: true },
        provider: props.provider,
      });
      accounts[e] = new OrganizationsAccount(this, `${OU_NAMES[e]}Account`, {
        name: spec.name,
        email: spec.email,
        parentId: ous[e]!.id,
        roleName,
        // A destroy only removes the account from the organization, never closes it (closing deletes everything in it).
        closeOnDeletion: false,
        iamUserAccessToBilling: "DENY",
        tags: { "blastwall:environment": e },
        // role_name cannot be read back from AWS; without this an imported account shows a change forever.
        lifecycle: { preventDestroy: true, ignoreChanges: ["role_name"] },
        provider: props.provider,
      });
      const accountId = spec.accountId ?? accounts[e]!.id;
      this.settings.set(e, { accountId: spec.accountId, region, roleName });
      providers[e] = new AwsProvider(this, `${OU_NAMES[e]}Provider`, {
        alias: e,
        region,
        assumeRole: [{ roleArn: `arn:${partition}:iam::${accountId}:role/${roleName}`, sessionName: `blastwall-${e}` }],
        // Pinning the account makes a mix-up of providers fail before it changes anything.
        ...(spec.accountId !== undefined ? { allowedAccountIds: [spec.accountId] } : {}),
        defaultTags: [{ tags: { "blastwall:environment": e } }],
      });
    }
    this.organizationalUnits = ous;
    this.accounts = accounts;
    this.providers = providers as EnvironmentAccounts["providers"];

    const attachedTo = new Map<string, number>();
    let orgRef: string | undefined;
    const attach = (name: string, statements: StatementJson[], description: string, targets: { key: string; id: string }[], type = "SERVICE_CONTROL_POLICY") => {
      const policy = new OrganizationsPolicy(this, `Policy-${name}`, {
        // On an organization it does not create, each policy type must already be enabled on the root: the plan stops
        // with the one-time command instead of AttachPolicy failing halfway through an apply (PolicyTypeNotEnabledException).
        ...(!this.organization ? { lifecycle: { precondition: [policyTypeEnabled((orgRef ??= existingOrganization(this, "ExistingOrganization", props.provider).ref), type, rootId)] } } : {}),
        name,
        description,
        type,
        content: policyJson(statements),
        // A destroy drops the policy from state and leaves it in force: an agent-run destroy cannot lift guardrails.
        skipDestroy: true,
        dependsOn: this.organization ? [this.organization] : undefined,
        provider: props.provider,
      });
      if (type === "SERVICE_CONTROL_POLICY") this.policies.push(policy);
      for (const t of targets) {
        // AWS's limits are per policy type; blastwall attaches one RCP per target, well within them.
        const n = type === "SERVICE_CONTROL_POLICY" ? (attachedTo.get(t.key) ?? 0) + 1 : 1;
        if (n > MAX_OWN_SCPS_PER_TARGET) throw new Error(`${C}: ${t.key} would get ${n} SCPs of blastwall; AWS allows ${MAX_OWN_SCPS_PER_TARGET} besides FullAWSAccess`);
        if (type === "SERVICE_CONTROL_POLICY") attachedTo.set(t.key, n);
        new OrganizationsPolicyAttachment(this, `Attach-${name}-${t.key}`, { policyId: policy.id, targetId: t.id, skipDestroy: true, provider: props.provider });
      }
      return policy;
    };
    const ouTargets = (envs: readonly Environment[]) => envs.map((e) => ({ key: e, id: ous[e]!.id }));

    baselinePolicies(privileged, roleName).forEach((s, i) =>
      attach(`blastwall-baseline-${i + 1}`, s, "No leaving the organization, no disabling audit or backup, no agent access keys (blastwall)", [{ key: "root", id: rootId }]),
    );
    denyDestroyPolicies(privileged, { denyWorkloadActions: props.denyWorkloadActions === true }).forEach((s, i) =>
      attach(`blastwall-deny-destroy-${i + 1}`, s, "Destroy and protection-removing actions only for break-glass roles (blastwall)", ouTargets(denyDestroyIn)),
    );
    attach("blastwall-deny-agents", denyAgentsPolicy(), "AI agents may not act in this environment (blastwall)", ouTargets(denyAgentsIn));
    if (rcp) {
      this.resourceControlPolicy = attach("blastwall-deny-agents-resources", denyAgentsResourcePolicy(),
        "AI agents of any account may not use this environment's S3, STS, KMS, SQS or Secrets Manager resources (blastwall)", ouTargets(denyAgentsIn), "RESOURCE_CONTROL_POLICY");
    }
  }

  /**
   * An `AwsProvider` for one environment's account, in another stack (a provider belongs to the stack that
   * declares it: `providers.<env>` only works inside this construct's own stack). It assumes the same role and is
   * pinned to the account, so a stack cannot deploy into the wrong one.
   */
  providerFor(stack: Construct, env: Environment, options: ProviderForOptions = {}): AwsProvider {
    const C = "EnvironmentAccounts.providerFor";
    refuseUnknownOptions(C, options, PROVIDER_FOR_OPTIONS, {
      call: `providerFor() of ${this.node.path}`,
      whole: "options",
      name: (key) => `options.${key}`,
      effect: (key) => `the provider would be made as if ${key} were not there (with no region, in the environment's region; with no alias, as the stack's default provider "aws")`,
    });
    const s = this.settings.get(env);
    if (!s) fail(C, "env", `"${env}" is not one of the accounts given to this EnvironmentAccounts`);
    if (s.accountId === undefined) {
      fail(C, "env", `needs accounts.${env}.accountId: another stack can only be pinned to an account whose id is known (set it after the first apply)`);
    }
    const region = options.region ?? s.region;
    requireRegion(C, "options.region", region);
    if (partitionOf(region) !== this.partition) {
      fail(C, "options.region", `must be in the partition of the organization's region ${s.region} (${this.partition}); ${region} is in ${partitionOf(region)}, where the account does not exist`);
    }
    return new AwsProvider(stack, options.alias ?? "aws", {
      ...(options.alias ? { alias: options.alias } : {}),
      region,
      assumeRole: [{ roleArn: `arn:${this.partition}:iam::${s.accountId}:role/${s.roleName}`, sessionName: `blastwall-${env}` }],
      allowedAccountIds: [s.accountId],
      defaultTags: [{ tags: { "blastwall:environment": env } }],
    });
  }
}

/** What needs each policy type, named in the precondition's message. */
const POLICY_TYPE_USERS: Record<string, { what: string; otherwise: string }> = {
  SERVICE_CONTROL_POLICY: { what: "EnvironmentAccounts: its service control policies need", otherwise: "" },
  RESOURCE_CONTROL_POLICY: { what: "EnvironmentAccounts: denyAgentsByResourcePolicy needs", otherwise: " (or set denyAgentsByResourcePolicy: false where RCPs are not available)" },
};

/**
 * A precondition that `type` is enabled on the organization's root, for an organization this construct does not
 * create (`rootId`): read at plan time, so a missing one-time step stops the plan before anything is attached.
 */
function policyTypeEnabled(ref: string, type: string, rootId: string): { condition: string; errorMessage: string } {
  const root = isToken(rootId) ? "the root" : `root ${rootId}`;
  const users = POLICY_TYPE_USERS[type] ?? { what: "EnvironmentAccounts needs", otherwise: "" };
  return {
    condition: `\${contains(flatten([for r in ${ref}.roots : [for t in r.policy_types : t.type if t.status == "ENABLED"]]), "${type}")}`,
    errorMessage: `${users.what} the organization's ${type} policy type, which is not enabled on ${root}. Enable it once, in the management account: aws organizations enable-policy-type --root-id ${isToken(rootId) ? "r-xxxx" : rootId} --policy-type ${type}${users.otherwise}.`,
  };
}
