import { Construct } from "constructs";
import type { TerraformProvider } from "cdktf";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { loadCatalogue } from "../engine/catalogue";
import { AGENT_PATH } from "./agent-role";
import { policyJson, type StatementJson } from "./policy-document";
import { fail, requireAccountId, requirePartition, requireString } from "./validate";

/** KMS waits this many days before deleting a key: the longest it allows, the most time to notice and cancel. */
export const KEY_DELETION_WINDOW_DAYS = 30;

export interface ProtectedKeyProps {
  /** The account the key lives in (its root administers the key through IAM); 12 digits. */
  readonly accountId: string;
  readonly description: string;
  /**
   * Other accounts that may use (not manage) the key, e.g. the backup account that receives cross-account
   * copies of what the key encrypts. @default []
   */
  readonly usableByAccounts?: readonly string[];
  /** Extra key policy statements (service principals such as CloudTrail). @default [] */
  readonly additionalStatements?: readonly StatementJson[];
  /**
   * The partition the key lives in: its policy names the accounts by their root ARNs there (`arn:aws-us-gov:iam::...`
   * in GovCloud), and KMS refuses a principal of another partition. The constructs that make keys pass the partition
   * of their region. @default "aws"
   */
  readonly partition?: string;
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
export class ProtectedKey extends Construct {
  readonly key: KmsKey;
  readonly keyArn: string;
  /** The account the key lives in. */
  readonly accountId: string;
  /** The other accounts its policy lets use the key (constructs that copy across accounts check this). */
  readonly usableByAccounts: readonly string[];
  /** The partition of the key (and of the root ARNs in its policy). */
  readonly partition: string;

  constructor(scope: Construct, id: string, props: ProtectedKeyProps) {
    super(scope, id);
    const account = requireAccountId("ProtectedKey", "accountId", props.accountId);
    requireString("ProtectedKey", "description", props.description, "what the key encrypts, shown in the KMS console");
    const others = (props.usableByAccounts ?? []).map((a) => requireAccountId("ProtectedKey", "usableByAccounts", a));
    const partition = requirePartition("ProtectedKey", "partition", props.partition ?? "aws");
    this.accountId = account;
    this.usableByAccounts = others;
    this.partition = partition;
    const root = (a: string) => `arn:${partition}:iam::${a}:root`;
    if (props.alias !== undefined && !/^[\w/-]+$/.test(props.alias)) fail("ProtectedKey", "alias", `must be letters, digits, / _ - (got "${props.alias}")`);

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
      ...(props.additionalStatements ?? []),
    ];

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
