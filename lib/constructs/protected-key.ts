import { Construct } from "constructs";
import { TerraformStack, type TerraformProvider } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { loadCatalogue } from "../engine/catalogue";
import { globsIntersect } from "../engine/iam/glob";
import { AGENT_ENTRY_PATH, AGENT_PATH } from "./agent-role";
import { EnvironmentAccounts } from "./environment-accounts";
import { requireKeyPolicyStatements } from "./key-policy-statements";
import { policyJson, type StatementJson } from "./policy-document";
import { fail, isToken, requireAccountId, requirePartition, requireString, requireProps, propNames, refuseUnknownProps } from "./validate";

/** KMS waits this many days before deleting a key: the longest it allows, the most time to notice and cancel. */
export const KEY_DELETION_WINDOW_DAYS = 30;

/**
 * What only `keyAdministratorArns` may do to a key that has them: the calls that destroy the key or its material
 * (ScheduleKeyDeletion, DisableKey, DeleteImportedKeyMaterial, ImportKeyMaterial, which can set the material to
 * expire), rewrite the policy that says so (PutKeyPolicy), or hand the key to another region under a policy of its
 * own (ReplicateKey, UpdatePrimaryRegion). Encrypting, decrypting and grants stay open: AWS Backup needs them to
 * copy into a vault and restore from it, and they destroy nothing. CancelKeyDeletion and EnableKey stay open too:
 * they undo a destruction.
 */
export const KEY_CUSTODY_ACTIONS: readonly string[] = [
  "kms:ScheduleKeyDeletion",
  "kms:DisableKey",
  "kms:PutKeyPolicy",
  "kms:DeleteImportedKeyMaterial",
  "kms:ImportKeyMaterial",
  "kms:ReplicateKey",
  "kms:UpdatePrimaryRegion",
];

export interface ProtectedKeyProps {
  /** The account the key lives in (its root administers the key through IAM); 12 digits. */
  readonly accountId: string;
  readonly description: string;
  /**
   * Other accounts that may use (not manage) the key, e.g. the backup account that receives cross-account
   * copies of what the key encrypts. @default []
   */
  readonly usableByAccounts?: readonly string[];
  /**
   * Extra key policy statements (service principals such as CloudTrail). Each must be a statement KMS takes: Effect,
   * Principal (NotPrincipal only in a Deny), Action or NotAction, Resource or NotResource, optionally Sid and
   * Condition, nothing else; its Sid must differ from every other statement's, the key's own included. An Allow of a
   * {@link KEY_CUSTODY_ACTIONS} action to a principal outside `accountId` (`*`, another account, a service, a
   * reference) is refused, whatever its Condition. @default []
   */
  readonly additionalStatements?: readonly StatementJson[];
  /**
   * The partition the key lives in: its policy names the accounts by their root ARNs there (`arn:aws-us-gov:iam::...`
   * in GovCloud), and KMS refuses a principal of another partition. The constructs that make keys pass the partition
   * of their region. @default "aws"
   */
  readonly partition?: string;
  /**
   * The only roles that may delete, disable or re-police the key ({@link KEY_CUSTODY_ACTIONS}): the key policy denies
   * those actions to every other principal, the account's root and admin roles included (an `ArnNotLike` on
   * `aws:PrincipalArn`), so an admin of the account, or of the management account through
   * OrganizationAccountAccessRole, cannot make what the key encrypts unreadable with one call.
   *
   * IAM role ARN patterns of `accountId`, in `partition` (or `arn:*:`), narrower than every role and not covering
   * agent roles, like `arn:aws:iam::555555555555:role/breakglass/*`. Terraform must deploy the key as one of them:
   * KMS refuses a key policy that would deny its creator a later `kms:PutKeyPolicy` (the lockout safety check), and
   * every later policy update is such a call. A literal `assumeRole` role of `provider` outside them is refused here.
   * Refused too, case-insensitively, are patterns that may cover OrganizationAccountAccessRole (or the
   * `accountAccessRoleName` of an EnvironmentAccounts of the app, made before or after this construct: checked again at
   * synth), Control Tower's AWSControlTowerExecution, `role/aws-reserved/*` (IAM Identity Center's roles),
   * `role/aws-service-role/*` or the agent entry roles (`role/agent-entry/*`): the key would be in the hands of
   * whoever can assume them.
   * @default - no such Deny: the account's IAM policies decide who manages the key (agents are denied either way)
   */
  readonly keyAdministratorArns?: readonly string[];
  /** Alias without the `alias/` prefix. @default - no alias */
  readonly alias?: string;
  readonly tags?: Readonly<Record<string, string>>;
  /** @default the scope's default AWS provider */
  readonly provider?: TerraformProvider;
}

/**
 * A customer-managed KMS key for protected data: rotation on, a 30-day deletion window, `prevent_destroy`,
 * and a key policy that denies agent principals every catalogue action on KMS (deleting or disabling the key
 * would make everything it encrypts, backups included, unreadable).
 */
const PROPS = propNames<ProtectedKeyProps>({
  accountId: true, description: true, usableByAccounts: true, additionalStatements: true, partition: true,
  keyAdministratorArns: true, alias: true, tags: true, provider: true,
});

export class ProtectedKey extends Construct {
  readonly key: KmsKey;
  readonly keyArn: string;
  /** The account the key lives in. */
  readonly accountId: string;
  /** The other accounts its policy lets use the key (constructs that copy across accounts check this). */
  readonly usableByAccounts: readonly string[];
  /** The partition of the key (and of the root ARNs in its policy). */
  readonly partition: string;
  /** The roles that alone may use KEY_CUSTODY_ACTIONS on the key; undefined when the key has no such Deny. */
  readonly keyAdministratorArns?: readonly string[];

  constructor(scope: Construct, id: string, props: ProtectedKeyProps) {
    super(scope, id);
    requireProps("ProtectedKey", props, ["accountId", "description"]);
    refuseUnknownProps("ProtectedKey", props, PROPS);
    const account = requireAccountId("ProtectedKey", "accountId", props.accountId);
    requireString("ProtectedKey", "description", props.description, "what the key encrypts, shown in the KMS console");
    const others = (props.usableByAccounts ?? []).map((a) => requireAccountId("ProtectedKey", "usableByAccounts", a));
    const partition = requirePartition("ProtectedKey", "partition", props.partition ?? "aws");
    this.accountId = account;
    this.usableByAccounts = others;
    this.partition = partition;
    const root = (a: string) => `arn:${partition}:iam::${a}:root`;
    if (props.alias !== undefined && !/^[\w/-]+$/.test(props.alias)) fail("ProtectedKey", "alias", `must be letters, digits, / _ - (got "${props.alias}")`);
    const admins = props.keyAdministratorArns === undefined ? undefined : requireKeyAdministrators("ProtectedKey", "keyAdministratorArns", props.keyAdministratorArns, account, partition, this);
    if (admins !== undefined) requireDeployerIsAdministrator("ProtectedKey", "keyAdministratorArns", this, props.provider, admins);
    if (admins !== undefined) {
      // Again at synth: an EnvironmentAccounts made after this key (its accountAccessRoleName) was not there to see.
      this.node.addValidation({ validate: () => keyAdministratorProblems("ProtectedKey", "keyAdministratorArns", admins, account, partition, this) });
    }
    this.keyAdministratorArns = admins;

    const kmsDestroy = loadCatalogue().entries.filter((e) => e.action.startsWith("kms:")).map((e) => e.action);
    const statements: StatementJson[] = [
      // Without this the key is unmanageable: the account administers it through IAM policies.
      { Sid: "AccountAdministersKeyThroughIam", Effect: "Allow", Principal: { AWS: root(account) }, Action: "kms:*", Resource: "*" },
      {
        Sid: "DenyKeyDestructionToAgentRoles",
        Effect: "Deny",
        Principal: "*",
        Action: kmsDestroy,
        Resource: "*",
        Condition: { ArnLike: { "aws:PrincipalArn": [`arn:*:iam::*:role${AGENT_PATH}*`, `arn:*:iam::*:user${AGENT_PATH}*`] } },
      },
      {
        Sid: "DenyKeyDestructionToAgentSessions",
        Effect: "Deny",
        Principal: "*",
        Action: kmsDestroy,
        Resource: "*",
        Condition: { StringLike: { "aws:SourceIdentity": "agent-*" } },
      },
      ...(admins === undefined
        ? []
        : [
            {
              // The account's kms:* above is IAM-delegated: any admin of the account (the management account's, through
              // OrganizationAccountAccessRole) could otherwise crypto-shred the key, and with it everything it encrypts.
              Sid: "OnlyKeyAdministratorsDestroyOrReassignKey",
              Effect: "Deny",
              Principal: "*",
              Action: [...KEY_CUSTODY_ACTIONS],
              Resource: "*",
              Condition: { ArnNotLike: { "aws:PrincipalArn": [...admins] } },
            } satisfies StatementJson,
          ]),
      ...others.map(
        (a, i): StatementJson => ({
          // Cross-account copies (AWS Backup) re-encrypt in the other account and need to read with this key.
          Sid: `Account${i}UsesKey`,
          Effect: "Allow",
          Principal: { AWS: root(a) },
          Action: ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*"],
          Resource: "*",
        }),
      ),
      ...others.map(
        (a, i): StatementJson => ({
          Sid: `Account${i}GrantsForAwsServices`,
          Effect: "Allow",
          Principal: { AWS: root(a) },
          Action: "kms:CreateGrant",
          Resource: "*",
          Condition: { Bool: { "kms:GrantIsForAWSResource": "true" } },
        }),
      ),
    ];
    // Checked against the statements above: a Sid of theirs reused, or a custody action handed outside the account.
    statements.push(...requireKeyPolicyStatements("ProtectedKey", "additionalStatements", props.additionalStatements, {
      accountId: account,
      ownSids: statements.map((s) => s.Sid).filter((s): s is string => s !== undefined),
      custody: KEY_CUSTODY_ACTIONS,
    }));

    this.key = new KmsKey(this, "Key", {
      description: props.description,
      enableKeyRotation: true,
      deletionWindowInDays: KEY_DELETION_WINDOW_DAYS,
      policy: policyJson(statements),
      tags: props.tags,
      lifecycle: { preventDestroy: true },
      provider: props.provider,
    });
    this.keyArn = this.key.arn;
    if (props.alias !== undefined) {
      new KmsAlias(this, "Alias", { name: `alias/${props.alias}`, targetKeyId: this.key.keyId, provider: props.provider });
    }
  }
}

/** The role AWS Organizations creates in every account it creates, unless told another name. */
const DEFAULT_ACCOUNT_ACCESS_ROLE = "OrganizationAccountAccessRole";

/**
 * The role AWS Control Tower creates in every account it enrolls or vends (Account Factory): the management account,
 * and whoever runs Control Tower there, assume it with administrator rights, as they do OrganizationAccountAccessRole.
 */
const CONTROL_TOWER_EXECUTION_ROLE = "AWSControlTowerExecution";

/**
 * Roles a key administrator pattern must not cover, each with who can assume it: exempting one from the key's Deny
 * hands the key to all of them.
 */
function excludedAdministrators(scope: Construct | undefined): { readonly pattern: string; readonly what: string }[] {
  // The account-access role under the name an EnvironmentAccounts of the same app gives it, and the default.
  const names = new Set([DEFAULT_ACCOUNT_ACCESS_ROLE]);
  if (scope) {
    for (const c of scope.node.root.node.findAll()) if (c instanceof EnvironmentAccounts) names.add(c.accountAccessRoleName);
  }
  return [
    ...[...names].map((n) => ({ pattern: `arn:*:iam::*:role/${n}`, what: `${n}, the account-access role AWS Organizations creates, which every admin of the management account can assume` })),
    { pattern: `arn:*:iam::*:role/${CONTROL_TOWER_EXECUTION_ROLE}`, what: `${CONTROL_TOWER_EXECUTION_ROLE}, the role AWS Control Tower creates in every account it enrolls, which the management account (every admin of it, and Control Tower) can assume` },
    { pattern: "arn:*:iam::*:role/aws-reserved/*", what: "roles under /aws-reserved/, IAM Identity Center's among them (every user a permission set of the account is assigned to)" },
    { pattern: "arn:*:iam::*:role/aws-service-role/*", what: "service-linked roles under /aws-service-role/, which AWS services assume" },
    { pattern: `arn:*:iam::*:role${AGENT_ENTRY_PATH}*`, what: `agent entry roles under ${AGENT_ENTRY_PATH}, which agent workflows (a GitHub Actions token) assume` },
  ];
}

/**
 * Checks `keyAdministratorArns`: literal IAM role ARN patterns of the key's account and partition, each narrower
 * than every role and none covering agent roles, agent entry roles, the account-access role (of `scope`'s app's
 * EnvironmentAccounts too), AWS-reserved or service-linked roles. Returns them as given.
 */
export function requireKeyAdministrators(C: string, prop: string, arns: unknown, accountId: string, partition: string, scope?: Construct): readonly string[] {
  const like = `arn:${partition}:iam::${accountId}:role/breakglass/*`;
  if (!Array.isArray(arns)) fail(C, prop, `must be a list of IAM role ARN patterns like ["${like}"] (got ${JSON.stringify(arns)})`);
  if (arns.length === 0) fail(C, prop, `must name at least one role, like ["${like}"]: with none, nobody could ever change the key's policy again, and KMS refuses such a policy`);
  for (const p of arns as unknown[]) {
    if (typeof p !== "string" || isToken(p)) fail(C, prop, `must be literal IAM role ARN patterns like "${like}" (got ${typeof p === "string" ? "a reference" : JSON.stringify(p)}): the key policy's exemption is checked here`);
    const m = /^arn:([a-z*-]+):iam::([^:]*):role\/(.*)$/.exec(p);
    // ArnNotLike's `*` and `?` cross `/`: a pattern starting with one (`*`, `*admin*`) exempts nearly every role.
    if (!m || m[3] === "" || /^[*?]/.test(m[3])) {
      fail(C, prop, `must be IAM role ARN patterns narrower than every role, starting with a literal path or name, like "${like}" (got "${p}")`);
    }
    if (m[1] !== partition && m[1] !== "*") fail(C, prop, `must be in the key's partition ${partition}, or name any with arn:*: (got "${p}"): a role of another partition never matches, so no one could administer the key`);
    // Only roles of the key's account get its kms:* (the root statement): another account's role would be exempt from
    // the Deny and still unable to administer the key.
    if (m[2] !== accountId) fail(C, prop, `must be roles of the key's account ${accountId} (got "${p}"): only they are allowed to administer the key, through the account's IAM`);
    if (globsIntersect(p, `arn:*:iam::*:role${AGENT_PATH}*`, { caseInsensitive: true })) fail(C, prop, `must not cover agent roles under ${AGENT_PATH} (got "${p}")`);
    // Case-insensitively: IAM role names are unique regardless of case, and a pattern like role/o* must not slip by.
    for (const x of excludedAdministrators(scope)) {
      if (globsIntersect(p, x.pattern, { caseInsensitive: true })) {
        fail(C, prop, `must not cover ${x.what} (got "${p}"): the key would then be in the hands of whoever can assume that role, who could delete, disable or re-police it and make everything it encrypts unreadable. Name break-glass roles only, like "${like}"`);
      }
    }
  }
  return [...(arns as string[])];
}

/**
 * The same checks at synth, when every construct of the app exists: an EnvironmentAccounts made after the key (or
 * in a stack added later) renames the account-access role, and the check at construction could not see it.
 * The messages of what fails now, none when the patterns pass.
 */
export function keyAdministratorProblems(C: string, prop: string, arns: readonly string[], accountId: string, partition: string, scope: Construct): string[] {
  try {
    requireKeyAdministrators(C, prop, arns, accountId, partition, scope);
    return [];
  } catch (e) {
    return [(e as Error).message];
  }
}

/**
 * KMS's lockout safety check refuses a key policy that denies its creator `kms:PutKeyPolicy`: when the provider that
 * deploys the key assumes a literal role, that role must be one of the administrators.
 */
export function requireDeployerIsAdministrator(C: string, prop: string, scope: Construct, provider: TerraformProvider | undefined, admins: readonly string[]): void {
  const aws =
    provider ??
    TerraformStack.of(scope)
      .node.findAll()
      .find((c): c is AwsProvider => c instanceof AwsProvider && c.alias === undefined);
  if (!(aws instanceof AwsProvider)) return;
  const roles = aws.assumeRole;
  if (!Array.isArray(roles)) return;
  const role = roles[roles.length - 1]?.roleArn;
  if (typeof role !== "string" || isToken(role)) return;
  if (admins.some((a) => globsIntersect(a, role, { caseInsensitive: false }))) return;
  fail(C, prop, `does not cover the role the key is deployed with (${role}, the provider's assumeRole): KMS refuses a key policy that would deny its creator kms:PutKeyPolicy, and Terraform could never update it. Deploy the key through one of ${JSON.stringify(admins)} (a break-glass role that runs human-approved deploys). Adding the role instead leaves the key to whoever can assume it: OrganizationAccountAccessRole, say, to every admin of the management account`);
}
